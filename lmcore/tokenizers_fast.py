"""Byte-pair encoding, fast: the same merges and ids as :mod:`lmcore.bpe`, for the sweeps,
benchmarks and panels where speed matters.

- :func:`learn_merges` counts the pairs once, then after each merge updates only the counts
  of the chunks that held the merged pair; a max-heap finds the most frequent pair, and an
  entry whose count went out of date is skipped when it comes up (a "stale" entry). A step
  costs time in proportion to those chunks, not to the whole text (about 20x faster than
  :func:`lmcore.bpe.learn_merges` on the stories; ``benchmarks/bench_bpe.py``).
- :class:`FastBPETokenizer` trains with it, encodes each distinct chunk once (a text repeats
  its words), and counts the tokens at many vocabulary sizes in one pass.

``tests/test_tokenizers_fast.py`` holds both equal to the plain versions on random texts.

>>> from lmcore import bpe
>>> learn_merges("aaab aaab", 258) == bpe.learn_merges("aaab aaab", 258)
True
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict

import numpy as np

from lmcore._checks import check_int, check_list
from lmcore.bpe import BPETokenizer
from lmcore.tokenizers import merge_pair, pretokenize
from lmcore.validation import Int, Str, validate

#: :func:`lmcore.tokenizers.merge_pair` without its argument checks (``__wrapped__``, from
#: ``functools.wraps``): on a chunk of a few bytes the checks cost ten times the merge.
_merge_pair = merge_pair.__wrapped__

#: Chunks a FastBPETokenizer remembers at most (a bound on its memory).
CACHE_SIZE = 200_000


@validate(text=Str(), vocab_size=Int(min=256))
def learn_merges(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """The merges of :func:`lmcore.bpe.learn_merges`, found by incremental pair counts.

    ``pair_counts[p]`` is the weighted number of occurrences of pair ``p``; ``where[p]`` the
    chunks that hold it. A max-heap of ``(-count, pair)`` finds the best pair (ties: smallest
    pair); entries whose count is out of date are skipped when they come up.

    >>> learn_merges("the cat and the hat and the mat", 260)
    [(97, 116), (104, 101), (116, 257), (32, 97)]
    """
    chunk_counts = Counter(pretokenize(text))
    words = [list(chunk.encode("utf-8", "surrogatepass")) for chunk in chunk_counts]
    freqs = list(chunk_counts.values())
    pair_counts: dict[tuple[int, int], int] = defaultdict(int)
    where: dict[tuple[int, int], set[int]] = defaultdict(set)
    for w, (seq, f) in enumerate(zip(words, freqs)):
        for pair in zip(seq, seq[1:]):
            pair_counts[pair] += f
            where[pair].add(w)
    heap = [(-c, pair) for pair, c in pair_counts.items()]
    heapq.heapify(heap)
    merges: list[tuple[int, int]] = []
    while 256 + len(merges) < vocab_size and heap:
        neg_count, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg_count:
            continue  # stale entry: this pair's count changed since it was pushed
        if -neg_count < 2:
            break  # no pair occurs twice: a merge would save at most one token
        new_id = 256 + len(merges)
        merges.append(pair)
        for w in sorted(where[pair]):
            old, f = words[w], freqs[w]
            new = _merge_pair(old, pair, new_id)
            before, after = Counter(zip(old, old[1:])), Counter(zip(new, new[1:]))
            for p in before.keys() | after.keys():
                delta = (after[p] - before[p]) * f
                if delta:
                    pair_counts[p] += delta
                    if pair_counts[p] > 0:
                        heapq.heappush(heap, (-pair_counts[p], p))
                    else:
                        del pair_counts[p]
                if after[p] == 0:
                    where[p].discard(w)
                else:
                    where[p].add(w)
            words[w] = new
        pair_counts.pop(pair, None)
        where.pop(pair, None)
    return merges


class FastBPETokenizer(BPETokenizer):
    """:class:`lmcore.bpe.BPETokenizer` with the fast trainer and a memory of encoded chunks.

    Same merges, same ids, same decoding; only faster (it keeps up to :data:`CACHE_SIZE`
    chunks' ids, so it holds more memory).

    >>> tok = FastBPETokenizer().train("the cat and the hat and the mat", vocab_size=260)
    >>> tok.encode("the hat"), tok.token_counts("the hat", [256, 260]).tolist()
    ([258, 32, 104, 256], [7, 4])
    """

    def _set_merges(self, merges) -> None:
        super()._set_merges(merges)
        self._chunks: dict[str, tuple[tuple[int, ...], list[int], list[int]]] = {}

    def _encode_chunk(self, chunk: str) -> tuple[tuple[int, ...], list[int], list[int]]:
        """``(ids, ranks, lengths)`` of one chunk: its ids, the ranks of the merges applied
        (increasing) and its length before any merge and after each one."""
        known = self._chunks.get(chunk)
        if known is not None:
            return known
        seq, rank = list(chunk.encode("utf-8", "surrogatepass")), self.ranks
        ranks, lengths = [], [len(seq)]
        while len(seq) >= 2:
            k = min(rank.get(p, len(rank)) for p in zip(seq, seq[1:]))  # lowest rank present
            if k == len(rank):
                break
            seq = _merge_pair(seq, self._merges[k], 256 + k)
            ranks.append(k)
            lengths.append(len(seq))
        result = (tuple(seq), ranks, lengths)
        if len(self._chunks) < CACHE_SIZE:
            self._chunks[chunk] = result
        return result

    @validate(text=Str(), vocab_size=Int(min=256))
    def train(self, text: str, vocab_size: int) -> FastBPETokenizer:
        """Learn the merges of :meth:`BPETokenizer.train` with the fast :func:`learn_merges`."""
        self._set_merges(learn_merges(text, vocab_size))
        return self

    @validate(text=Str())
    def encode(self, text: str) -> list[int]:
        """The ids of :meth:`BPETokenizer.encode`, each distinct chunk encoded once.

        >>> FastBPETokenizer().encode("hé")
        [104, 195, 169]
        """
        ids: list[int] = []
        for chunk in pretokenize(text):
            ids.extend(self._encode_chunk(chunk)[0])
        return ids

    @validate(text=Str())
    def token_counts(self, text: str, vocab_sizes) -> np.ndarray:
        """The counts of :meth:`BPETokenizer.token_counts` in one pass over the chunks: a chunk
        applies merges in increasing rank, so its length below each size is read off the way.

        >>> tok = FastBPETokenizer().train("the cat and the hat and the mat", vocab_size=260)
        >>> tok.token_counts("the hat", [256, 257, 258, 260]).tolist()
        [7, 6, 5, 4]
        """
        sizes = check_list("vocab_sizes", vocab_sizes, "a list of sizes")
        limits = np.array([check_int(f"vocab_sizes[{j}]", v, minimum=256, maximum=self.vocab_size)
                           for j, v in enumerate(sizes)], dtype=np.int64) - 256  # merges allowed, (K,)
        totals = np.zeros(len(limits), dtype=np.int64)
        for chunk, n in Counter(pretokenize(text)).items():
            _, ranks, lengths = self._encode_chunk(chunk)  # ranks (M,) increasing, lengths (M + 1,)
            totals += n * np.asarray(lengths)[np.searchsorted(ranks, limits)]  # merges of rank < limit
        return totals
