"""The repository's promises: pins, Binder config, the two commands, README links, CI entry."""

from __future__ import annotations

import os
import re
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_PINNED = ["numpy", "matplotlib", "scikit-learn", "jupyterlab", "ipywidgets"]


def requirement_lines(path: Path) -> list[str]:
    lines = []
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


def pins(path: Path) -> dict[str, str]:
    out = {}
    for line in requirement_lines(path):
        if line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        assert sep, f"{path.name}: {line!r} is not an exact pin (==)"
        out[name.strip().lower()] = version.strip()
    return out


def test_runtime_requirements_pin_the_stack_exactly_and_install_lmcore():
    runtime = pins(ROOT / "requirements.txt")
    for name in RUNTIME_PINNED:
        assert name in runtime, f"{name} is not pinned in requirements.txt"
    assert "-e ." in requirement_lines(ROOT / "requirements.txt")


def test_dev_requirements_pin_the_test_tools_exactly():
    dev = pins(ROOT / "requirements-dev.txt")
    for name in ["pytest", "nbval", "hypothesis", "ruff", "scipy", "nltk"]:
        assert name in dev, f"{name} is not pinned in requirements-dev.txt"
    assert "-r requirements.txt" in requirement_lines(ROOT / "requirements-dev.txt")


def test_installed_versions_match_the_pins():
    wanted = pins(ROOT / "requirements.txt") | pins(ROOT / "requirements-dev.txt")
    for name, version in wanted.items():
        assert metadata.version(name) == version, f"{name}: installed {metadata.version(name)}"


def test_binder_installs_exactly_the_runtime_pins_plus_lmcore():
    assert requirement_lines(ROOT / "binder" / "requirements.txt") == requirement_lines(
        ROOT / "requirements.txt")
    # repo2docker runs pip from the repository root, so '-e .' installs lmcore
    assert "-e ." in requirement_lines(ROOT / "binder" / "requirements.txt")


def test_binder_runtime_is_python_x_y():
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    assert re.fullmatch(r"python-\d+\.\d+", runtime), runtime
    assert runtime == "python-3.11"


def test_binder_postbuild_if_any_is_strict():
    post = ROOT / "binder" / "postBuild"
    if post.exists():
        first = [ln for ln in post.read_text().splitlines() if ln and not ln.startswith("#!")][0]
        assert first.strip() == "set -euo pipefail"


def test_pyproject_declares_lmcore_for_python_311():
    text = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'^name = "lmcore"', text, re.M)
    assert 'requires-python = ">=3.11"' in text


def test_readme_badge_opens_an_existing_notebook():
    readme = (ROOT / "README.md").read_text()
    badge = re.search(
        r"\(https://mybinder\.org/v2/gh/[\w.-]+/[\w.-]+/HEAD\?urlpath=lab/tree/(notebooks/[\w.]+)\)",
        readme)
    assert badge, "no Binder badge link of the documented form"
    assert (ROOT / badge.group(1)).exists(), badge.group(1)


def test_readme_shows_the_two_commands_and_links_only_existing_files():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    for target in re.findall(r"\]\(((?:notebooks|lmcore|tests)/[^)#]+)\)", readme):
        assert (ROOT / target).exists(), f"README links a missing file: {target}"


def test_readme_course_map_lists_all_fourteen():
    readme = (ROOT / "README.md").read_text()
    for i in range(1, 15):
        assert re.search(rf"^\| {i:02d} \|", readme, re.M), f"notebook {i:02d} missing from the map"
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        row = re.search(rf"^\| {path.name[:2]} \|.*$", readme, re.M).group(0)
        assert f"(notebooks/{path.name})" in row and "available" in row, row


def test_gitignore_covers_local_state():
    ignored = (ROOT / ".gitignore").read_text().split()
    for entry in [".venv/", ".ipynb_checkpoints/", "build/"]:
        assert entry in ignored or entry.rstrip("/") in ignored


def test_ci_entry_point_runs_the_readme_test_command():
    run = ROOT / ".ci" / "run"
    assert os.access(run, os.X_OK)
    text = run.read_text()
    assert "set -euo pipefail" in text and re.search(r"^make test\b", text, re.M)


def test_make_lab_binds_localhost_with_a_random_token():
    makefile = (ROOT / "Makefile").read_text()
    lab = makefile[makefile.index("\nlab:"):].split("\n\n")[0]
    assert "--ip=127.0.0.1" in lab and "JUPYTER_TOKEN=" in lab
    assert "secrets.token" in lab, "the token must be random, never empty"
    # on the command line the token would be readable by every local user (/proc/PID/cmdline)
    assert "IdentityProvider.token" not in lab and "--token" not in lab


@pytest.mark.parametrize("target", ["lab", "test", "execute", "lint", "bench"])
def test_make_targets_exist(target):
    assert re.search(rf"^{target}:", (ROOT / "Makefile").read_text(), re.M)


def test_no_tracked_checkpoints_or_venv():
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout
    assert ".ipynb_checkpoints" not in tracked and ".venv/" not in tracked
