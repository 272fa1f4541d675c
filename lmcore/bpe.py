"""Byte-pair encoding training, the plain way: recount every pair after every merge.

This is the algorithm of Sennrich, Haddow and Birch (2016) as it is usually first written:
count all adjacent pairs, merge the most frequent one everywhere, repeat. It recounts the
whole text at every step, so it is slow on a large text; ``BPETokenizer.train`` in
:mod:`lmcore.tokenizers` learns the same merges, in the same order, by updating only the
counts that a merge changes (``tests/test_tokenizers.py`` holds the two equal).

>>> learn_merges("aaab aaab", 258)   # 'aa' first; then 'ab' ties with 'aa'+'a': smaller ids win
[(97, 97), (97, 98)]
"""

from __future__ import annotations

from collections import Counter

from lmcore._checks import check_int, check_str
from lmcore.tokenizers import count_pairs, merge_pair, pretokenize


def learn_merges(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """The merges of byte-level BPE trained on ``text`` until there are ``vocab_size`` tokens.

    Token ids 0-255 are the bytes; merge ``i`` creates token ``256 + i``. Pairs are counted
    inside the chunks of :func:`lmcore.tokenizers.pretokenize` (a merge never crosses
    them), overlapping occurrences included; equal counts go to the smallest pair of ids;
    training stops early when no pair occurs twice.
    """
    text, vocab_size = check_str("text", text), check_int("vocab_size", vocab_size, minimum=256)
    chunk_counts = Counter(pretokenize(text))
    words = [list(chunk.encode("utf-8", "surrogatepass")) for chunk in chunk_counts]
    freqs = list(chunk_counts.values())
    merges: list[tuple[int, int]] = []
    while 256 + len(merges) < vocab_size:
        counts = count_pairs(words, freqs)  # every pair, recounted at every step
        if not counts:
            break
        best = min(counts, key=lambda pair: (-counts[pair], pair))  # most frequent; ties: smallest
        if counts[best] < 2:
            break  # no pair occurs twice: a merge would save at most one token
        new_id = 256 + len(merges)
        words = [merge_pair(word, best, new_id) for word in words]
        merges.append(best)
    return merges
