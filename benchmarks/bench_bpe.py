"""BPE on the stories, plain against fast in one run, on the same text.

Training to a vocabulary of 1,000: :func:`lmcore.bpe.learn_merges` (recounts every pair after
every merge) against :func:`lmcore.tokenizers_fast.learn_merges` (incremental counts, a heap
with stale entries). Encoding the same text with those merges: :class:`lmcore.bpe.BPETokenizer`
(each chunk merged in rank order) against :class:`lmcore.tokenizers_fast.FastBPETokenizer` (each
distinct chunk encoded once). Reports both times, their ratio (target: the fast trainer at least
10x faster) and whether the results are identical. ``quick=True`` uses the first 20,000
characters of the stories.
"""

from __future__ import annotations

import time

from lmcore import bpe, corpus, tokenizers_fast

VOCAB_SIZE = 1000
TARGET_RATIO = 10.0


def _best_time(fn, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(quick: bool = False) -> str:
    text = corpus.load_stories()
    if quick:
        text = text[:20_000]
    t_fast, merges = _best_time(lambda: tokenizers_fast.learn_merges(text, VOCAB_SIZE), 3)
    t_plain, plain_merges = _best_time(lambda: bpe.learn_merges(text, VOCAB_SIZE), 1)
    # a fresh FastBPETokenizer each run: its remembered chunks do not carry over
    e_fast, fast_ids = _best_time(
        lambda: tokenizers_fast.FastBPETokenizer.from_merges(merges).encode(text), 3)
    e_plain, plain_ids = _best_time(lambda: bpe.BPETokenizer.from_merges(merges).encode(text), 1)
    ratio = t_plain / t_fast
    rows = [
        f"| training to {VOCAB_SIZE:,} tokens ({len(merges)} merges) | {t_plain:.3f} | {t_fast:.3f} "
        f"| {ratio:.1f}x | {'yes' if merges == plain_merges else 'NO'} |",
        f"| encoding the same text ({len(fast_ids):,} tokens) | {e_plain:.3f} | {e_fast:.3f} "
        f"| {e_plain / e_fast:.1f}x | {'yes' if fast_ids == plain_ids else 'NO'} |",
    ]
    for row in rows:
        print(row)
    return "\n".join([
        "## BPE: the plain `lmcore.bpe` against `lmcore.tokenizers_fast`",
        "",
        f"{len(text):,} characters ({'a quick slice of' if quick else 'all'} the stories), the same "
        "text for both, in one run; fast best of 3, plain one run. Target: fast training at least "
        f"{TARGET_RATIO:.0f}x faster than plain ({'met' if ratio >= TARGET_RATIO else 'NOT met'}).",
        "",
        "| task | plain (s) | fast (s) | plain / fast | identical |",
        "|---|---:|---:|---:|---|",
        *rows,
    ])


if __name__ == "__main__":
    import sys

    print(main(quick="--quick" in sys.argv))
