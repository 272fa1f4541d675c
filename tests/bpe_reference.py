"""The simplest correct byte-level BPE trainer: recount every pair after every merge.

It is the reference that ``lmcore.tokenizers.BPETokenizer.train`` (which updates pair counts
incrementally) must agree with, merge for merge. Used by tests/test_tokenizers.py and
benchmarks/bench_bpe.py. It shares only the definitions with lmcore: the chunks of
``pretokenize`` (merges never cross them), overlapping pairs counted, ties broken by the
smallest pair of ids, stop when no pair occurs twice. The algorithm is written out here
independently.
"""

from __future__ import annotations

from collections import Counter

from lmcore.tokenizers import pretokenize


def reference_merges(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """The merges of BPE trained on ``text`` up to ``vocab_size`` tokens, by full recount."""
    chunk_counts = Counter(pretokenize(text))
    words = [[list(chunk.encode("utf-8", "surrogatepass")), n] for chunk, n in chunk_counts.items()]
    merges = []
    while 256 + len(merges) < vocab_size:
        counts: Counter = Counter()
        for seq, n in words:
            for i in range(len(seq) - 1):
                counts[(seq[i], seq[i + 1])] += n
        if not counts:
            break
        best = min(counts, key=lambda p: (-counts[p], p))
        if counts[best] < 2:
            break
        new_id = 256 + len(merges)
        merges.append(best)
        for word in words:
            seq, out, i = word[0], [], 0
            while i < len(seq):
                if i + 1 < len(seq) and (seq[i], seq[i + 1]) == best:
                    out.append(new_id)
                    i += 2
                else:
                    out.append(seq[i])
                    i += 1
            word[0] = out
    return merges
