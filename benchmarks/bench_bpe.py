"""BPE training to a vocabulary of 1,000 on the stories: lmcore (incremental pair counts)
against the plain full-recount version, lmcore.bpe.learn_merges, on the same text in one run.

Reports both times, their ratio (target: lmcore at least 10x faster) and whether the two
merge lists are identical. ``quick=True`` uses the first 20,000 characters of the stories.
"""

from __future__ import annotations

import time

from lmcore import corpus
from lmcore.bpe import learn_merges as reference_merges
from lmcore.tokenizers import BPETokenizer

VOCAB_SIZE = 1000
TARGET_RATIO = 10.0


def _best_time(fn, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def main(quick: bool = False) -> None:
    text = corpus.load_stories()
    if quick:
        text = text[:20_000]
    print(f"text: {len(text):,} characters ({'quick slice' if quick else 'all the stories'}), "
          f"vocab_size {VOCAB_SIZE:,}")
    t_lmcore, merges = _best_time(lambda: BPETokenizer().train(text, VOCAB_SIZE).merges, 3)
    t_ref, ref = _best_time(lambda: reference_merges(text, VOCAB_SIZE), 1)
    same = merges == ref
    ratio = t_ref / t_lmcore
    print(f"lmcore (incremental counts): {t_lmcore:8.3f} s   {len(merges)} merges")
    print(f"reference (full recount):    {t_ref:8.3f} s   {len(ref)} merges")
    print(f"merges identical: {same}")
    print(f"speed-up: {ratio:.1f}x (target >= {TARGET_RATIO:.0f}x: "
          f"{'met' if ratio >= TARGET_RATIO else 'NOT met'})")
    if not same:
        first = next((k for k, (a, b) in enumerate(zip(merges, ref)) if a != b),
                     min(len(merges), len(ref)))
        print(f"first difference at merge {first}")


if __name__ == "__main__":
    import sys

    main(quick="--quick" in sys.argv)
