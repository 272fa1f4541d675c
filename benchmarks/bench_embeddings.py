"""The plain embedding recipe (``lmcore.count_embeddings``) against its fast siblings
(``lmcore.count_embeddings_fast``) and an outside reference, on the stories.

Co-occurrence counts within 2 words of the 1,000 most frequent words: the plain double loop
against one ``np.bincount`` per window offset. The 50-dimensional SVD of the (symmetric) PPMI
matrix: plain ``np.linalg.svd`` against the fast ``eigh``, and scipy's ARPACK ``svds`` (the
top 50 only) as the outside reference. Results are compared (counts exactly, vectors within
1e-8 after the sign convention); ratios, measured in one run, are what to compare.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse.linalg

from benchmarks.bench_ngram import _best_time  # (seconds of the best run, its result)
from lmcore import corpus
from lmcore.count_embeddings import cooccurrence, fix_signs, frequent_words, ppmi, svd_embeddings
from lmcore.count_embeddings_fast import cooccurrence_fast, svd_embeddings_fast

TARGET_COUNT_RATIO = 3.0  # fast counting at least 3x the plain loop
TARGET_SVD_RATIO = 1.2  # eigh at least 1.2x the full SVD


def main(quick: bool = False) -> str:
    tokens = corpus.words(corpus.load_stories())
    size, dim = (200, 20) if quick else (1000, 50)
    if quick:
        tokens = tokens[:10_000]
    vocab = frequent_words(tokens, size)
    t_plain, plain = _best_time(lambda: cooccurrence(tokens, 2, vocab), 3)
    t_fast, fast = _best_time(lambda: cooccurrence_fast(tokens, 2, vocab), 5)
    weights = ppmi(fast)
    s_plain, u_plain = _best_time(lambda: svd_embeddings(weights, dim), 3)
    s_fast, u_fast = _best_time(lambda: svd_embeddings_fast(weights, dim), 3)

    def arpack():
        u, s, _ = scipy.sparse.linalg.svds(weights, k=dim, random_state=0)
        order = np.argsort(-s)
        return fix_signs(u[:, order]) * np.sqrt(s[order])

    s_ref, u_ref = _best_time(arpack, 3)
    count_ratio, svd_ratio = t_plain / t_fast, s_plain / s_fast
    rows = [
        f"| co-occurrence counts ({size:,} words, window 2) | {t_plain * 1e3:.1f} | "
        f"{t_fast * 1e3:.1f} | {count_ratio:.1f}x | "
        f"{'identical' if np.array_equal(plain, fast) else '**DIFFER**'} |",
        f"| SVD of the PPMI matrix, {dim} dimensions | {s_plain * 1e3:.1f} | {s_fast * 1e3:.1f} | "
        f"{svd_ratio:.1f}x | max diff {np.abs(u_plain - u_fast).max():.1e} |",
        f"| (reference) scipy ARPACK svds, top {dim} | {s_plain * 1e3:.1f} | {s_ref * 1e3:.1f} | "
        f"{s_plain / s_ref:.1f}x | max diff {np.abs(u_plain - u_ref).max():.1e} |",
    ]
    for row in rows:
        print(row)
    met = lambda ratio, target: "met" if ratio >= target else "NOT met"  # noqa: E731
    return "\n".join([
        "## Embeddings: plain `lmcore.count_embeddings` against `lmcore.count_embeddings_fast`",
        "",
        f"{len(tokens):,} words ({'a quick slice of' if quick else 'all'} the stories), the same "
        "input for both, in one run; best of 3-5. Targets: fast counting at least "
        f"{TARGET_COUNT_RATIO:.0f}x the plain loop ({met(count_ratio, TARGET_COUNT_RATIO)}), the "
        f"symmetric eigh at least {TARGET_SVD_RATIO}x the full SVD "
        f"({met(svd_ratio, TARGET_SVD_RATIO)}).",
        "",
        "| task | plain (ms) | fast or reference (ms) | plain / fast | agreement |",
        "|---|---:|---:|---:|---|",
        *rows,
    ])


if __name__ == "__main__":
    import sys

    print(main(quick="--quick" in sys.argv))
