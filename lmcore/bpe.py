"""Byte-pair encoding the plain way: train by recounting every pair after every merge, and
encode by applying the merges in the order they were learned.

This is the algorithm of Sennrich, Haddow and Birch (2016) as it is usually first written
(and as minbpe's ``basic.py`` writes it): count all adjacent pairs, merge the most frequent
one everywhere, repeat. It recounts the whole text at every step, so it is slow on a large
text; :mod:`lmcore.tokenizers_fast` learns the same merges, in the same order, by updating
only the counts that a merge changes, and remembers the chunks it has encoded
(``tests/test_tokenizers_fast.py`` holds the two equal).

>>> learn_merges("aaab aaab", 258)   # 'aa' first; then 'ab' ties with 'aa'+'a': smaller ids win
[(97, 97), (97, 98)]
>>> tok = BPETokenizer().train("low lower lowest", vocab_size=258)
>>> tok.decode(tok.encode("slow lorry")) == "slow lorry"
True
"""

from __future__ import annotations

import numbers
from collections import Counter

import numpy as np

from lmcore._checks import check_choice, check_ids, check_int, check_list
from lmcore.tokenizers import count_pairs, merge_pair, pretokenize
from lmcore.validation import Custom, Int, Str, validate


@validate(text=Str(), vocab_size=Int(min=256))
def learn_merges(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """The merges of byte-level BPE trained on ``text`` until there are ``vocab_size`` tokens.

    Token ids 0-255 are the bytes; merge ``i`` creates token ``256 + i``. Pairs are counted
    inside the chunks of :func:`lmcore.tokenizers.pretokenize` (a merge never crosses
    them), overlapping occurrences included; equal counts go to the smallest pair of ids;
    training stops early when no pair occurs twice.
    """
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


def _merge_list(name: str, merges) -> list[tuple[int, int]]:
    """``merges`` as a list of pairs of ids, each using only ids that exist before it."""
    merges = check_list(name, merges, "a list of id pairs")
    for k, pair in enumerate(merges):
        if (not isinstance(pair, (tuple, list)) or len(pair) != 2
                or not all(isinstance(t, numbers.Integral) and not isinstance(t, bool) for t in pair)):
            raise TypeError(f"{name}[{k}] must be a pair of integer ids, got {pair!r}")
        if not all(0 <= t < 256 + k for t in pair):
            raise ValueError(f"{name}[{k}] = {tuple(pair)} uses an id that does not exist yet "
                             f"(merge {k} may use ids 0 to {255 + k})")
    return [(int(a), int(b)) for a, b in merges]


class BPETokenizer:
    """Byte-level byte-pair encoding: ids 0-255 are the bytes, id ``256 + k`` is merge ``k``.

    An untrained tokenizer encodes every string as its UTF-8 bytes. :meth:`train` learns the
    merges with :func:`learn_merges`; :meth:`encode` applies them inside each chunk of
    :func:`~lmcore.tokenizers.pretokenize`, and :meth:`decode` joins the tokens' bytes and
    decodes them, so ``decode(encode(s)) == s`` for every string ``s``.
    :class:`lmcore.tokenizers_fast.FastBPETokenizer` gives the same ids, faster. ``ranks``
    maps each learned pair to its rank, the order it was learned in (read, never written).

    >>> tok = BPETokenizer().train("the cat and the hat and the mat", vocab_size=260)
    >>> [tok.token_bytes(256 + k) for k in range(4)]  # 'at', 'th', 'he' occur 3 times each
    [b'at', b'he', b'the', b' a']
    >>> tok.encode("the hat")  # 'the' is token 258, ' hat' is ' ', 'h', 'at'
    [258, 32, 104, 256]
    """

    def __init__(self):
        self._set_merges([])

    def _set_merges(self, merges) -> None:
        self._merges = [tuple(p) for p in merges]
        self.ranks = {pair: k for k, pair in enumerate(self._merges)}
        self._bytes = [bytes([b]) for b in range(256)]
        for a, b in self._merges:
            self._bytes.append(self._bytes[a] + self._bytes[b])

    @classmethod
    @validate(merges=Custom(_merge_list))
    def from_merges(cls, merges) -> BPETokenizer:
        """A tokenizer with the given merges (pairs of ids; merge ``k`` makes id ``256 + k``)."""
        tok = cls()
        tok._set_merges(merges)
        return tok

    @property
    def merges(self) -> list[tuple[int, int]]:
        """The learned merges in order: ``merges[k]`` is the pair that became id ``256 + k``."""
        return list(self._merges)

    @property
    def vocab_size(self) -> int:
        """Number of tokens: 256 bytes plus one per merge."""
        return len(self._bytes)

    def __len__(self) -> int:
        return self.vocab_size

    def __repr__(self) -> str:
        return f"{type(self).__name__}(vocab_size={self.vocab_size})"

    def token_bytes(self, token_id: int) -> bytes:
        """The bytes that token ``token_id`` stands for.

        >>> BPETokenizer().token_bytes(65)
        b'A'
        """
        return self._bytes[check_ids("token_id", [token_id], self.vocab_size)[0]]

    @validate(text=Str(), vocab_size=Int(min=256))
    def train(self, text: str, vocab_size: int) -> BPETokenizer:
        """Learn merges on ``text`` until there are ``vocab_size`` tokens (>= 256, the bytes
        come first); return ``self``. See :func:`learn_merges`."""
        self._set_merges(learn_merges(text, vocab_size))
        return self

    def truncated(self, vocab_size: int) -> BPETokenizer:
        """The tokenizer made of the first ``vocab_size - 256`` merges (of the same class).

        BPE is greedy, so this is exactly what training to ``vocab_size`` would have given.
        """
        vocab_size = check_int("vocab_size", vocab_size, minimum=256, maximum=self.vocab_size)
        return type(self).from_merges(self._merges[: vocab_size - 256])

    @validate(text=Str())
    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (any Unicode string, lone surrogates included).

        In each chunk, merge the pair that was learned first among those present, until no
        learned pair is left. A merge only creates pairs learned later, so this is the same
        as replaying every merge in training order, without scanning the unused ones.

        >>> BPETokenizer().encode("hé")  # untrained: the UTF-8 bytes, é takes two
        [104, 195, 169]
        """
        rank, ids = self.ranks, []
        for chunk in pretokenize(text):
            chunk_ids = list(chunk.encode("utf-8", "surrogatepass"))
            while len(chunk_ids) >= 2:
                first = min(zip(chunk_ids, chunk_ids[1:]), key=lambda p: rank.get(p, len(rank)))
                if first not in rank:
                    break  # no pair of this chunk was ever merged
                chunk_ids = merge_pair(chunk_ids, first, 256 + rank[first])
            ids.extend(chunk_ids)
        return ids

    def decode(self, ids, errors: str = "replace") -> str:
        """Join the tokens' bytes and decode them as UTF-8.

        A list of ids cut in the middle of a character is not valid UTF-8: by default the
        broken bytes become U+FFFD ("replace"); ``errors="strict"`` raises instead.

        >>> tok = BPETokenizer()
        >>> tok.decode(tok.encode("naïve ☕"))
        'naïve ☕'
        >>> tok.decode(tok.encode("☕")[:2])
        '�'
        """
        errors = check_choice("errors", errors, ("replace", "strict", "backslashreplace", "ignore"))
        data = b"".join(self._bytes[i] for i in check_ids("ids", ids, self.vocab_size))
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            return data.decode("utf-8", errors)

    def pieces(self, text: str) -> list[str]:
        """The tokens of ``text`` as readable strings (a token that is part of a character
        shows its bytes as ``\\x..`` escapes).

        >>> BPETokenizer().pieces("a é")
        ['a', ' ', '\\\\xc3', '\\\\xa9']
        """
        return [self._bytes[i].decode("utf-8", "backslashreplace") for i in self.encode(text)]

    def merge_pieces(self, count: int) -> list[tuple[str, str, str]]:
        """The first ``count`` merges as readable strings: ``(left, right, new token)``.

        >>> BPETokenizer().train("the cat and the hat and the mat", 258).merge_pieces(2)
        [('a', 't', 'at'), ('h', 'e', 'he')]
        """
        count = check_int("count", count, minimum=0, maximum=len(self._merges))

        def show(token_id):
            return self._bytes[token_id].decode("utf-8", "backslashreplace")

        return [(show(a), show(b), show(256 + k)) for k, (a, b) in enumerate(self._merges[:count])]

    @validate(text=Str())
    def token_counts(self, text: str, vocab_sizes) -> np.ndarray:
        """Number of tokens of ``text`` for each vocabulary size, shape ``(len(vocab_sizes),)``:
        entry ``j`` is ``len(self.truncated(vocab_sizes[j]).encode(text))``.

        >>> tok = BPETokenizer().train("the cat and the hat and the mat", vocab_size=260)
        >>> tok.token_counts("the hat", [256, 257, 258, 260]).tolist()
        [7, 6, 5, 4]
        """
        sizes = [check_int(f"vocab_sizes[{j}]", v, minimum=256, maximum=self.vocab_size)
                 for j, v in enumerate(check_list("vocab_sizes", vocab_sizes, "a list of sizes"))]
        return np.array([len(self.truncated(size).encode(text)) for size in sizes], dtype=np.int64)

    def bytes_per_token(self, text: str) -> float:
        """UTF-8 bytes of ``text`` divided by its number of tokens (1.0 before training).

        >>> BPETokenizer().bytes_per_token("hello")
        1.0
        """
        ids = self.encode(text)
        if not ids:
            raise ValueError("text is empty: bytes per token is undefined")
        return len(text.encode("utf-8", "surrogatepass")) / len(ids)
