"""Shared test set-up: draw off-screen, and never let one test's open figures leak into the next."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


# Property tests draw the same examples on every run and every machine (derandomize), so a
# failure is reproducible and CI never fails on an example it has not seen before.
settings.register_profile("lmcore", derandomize=True, database=None, print_blob=True)
settings.load_profile("lmcore")
