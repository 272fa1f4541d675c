"""Tokenization: cutting text into the units a model counts, and numbering them.

A language model never sees text, only integer ids. Two steps get us there.

**Tokenizing** cuts text into pieces. Words (:func:`lmcore.corpus.words`) are the obvious
unit, but every word the model never met in training becomes a hole. Bytes have no holes
(every string is a sequence of UTF-8 bytes) but make English about five times longer.

**A vocabulary** numbers the pieces: :class:`Vocabulary` keeps the words seen at least
``min_freq`` times, reserves the special tokens ``<unk>``, ``<pad>``, ``<s>``, ``</s>`` as ids
0 to 3, and numbers the words after them 4, 5, 6, ... with no gaps, most frequent first.
Every word it does not know becomes ``<unk>`` (id 0), never the id of some other word.

**Byte-pair encoding** (BPE, Sennrich et al. 2016; byte-level as in GPT-2) sits between the
two. Start from the 256 bytes and repeat: count every adjacent pair of tokens in the
training text, and merge the most frequent pair into one new token. After ``k`` merges the
vocabulary has ``256 + k`` tokens; frequent words become single tokens, rare words are
spelled from frequent pieces, and any string at all can still be encoded, because the
256 bytes are always there. :class:`BPETokenizer` counts the pairs once and then updates
only the counts of the words that contain the merged pair, instead of recounting the whole
text after every merge.

Word frequencies follow **Zipf's law**: the ``r``-th most frequent word occurs about
``C / r**s`` times with ``s`` near 1, a straight line of slope ``-s`` on log-log axes
(:func:`rank_frequency`, :func:`zipf_fit`). That long tail of rare words is why a word
vocabulary always has holes.

>>> vocab = Vocabulary("the cat sat on the mat".split())
>>> vocab.encode(["the", "dog"])
[4, 0]
>>> tok = BPETokenizer().train("low lower lowest", vocab_size=258)
>>> tok.decode(tok.encode("slow lorry")) == "slow lorry"
True
"""

from __future__ import annotations

import heapq
import json
import numbers
import re
from collections import Counter, defaultdict

import numpy as np

from lmcore._checks import (
    atomic_write_text,
    check_array,
    check_choice,
    check_int,
    check_list,
    check_tokens,
    read_text_file,
)

UNK, PAD, BOS, EOS = "<unk>", "<pad>", "<s>", "</s>"
#: Reserved first, in this order: ids 0, 1, 2, 3.
SPECIALS = (UNK, PAD, BOS, EOS)


# ----------------------------------------------------------------------------- vocabulary
class Vocabulary:
    """Numbers the tokens seen at least ``min_freq`` times: ids ``0 .. len(vocab) - 1``.

    Ids 0 to 3 are the specials ``<unk>``, ``<pad>``, ``<s>``, ``</s>``; then the kept tokens,
    most frequent first (ties in alphabetical order), so the numbering is contiguous and the
    same on every machine. An unknown token encodes to ``<unk>`` (id 0).

    Args:
        tokens: a flat list of string tokens (e.g. ``corpus.words(text)``).
        min_freq: keep a token only if it occurs at least this many times (>= 1).

    >>> v = Vocabulary(["b", "a", "b", "c", "b", "a"], min_freq=2)
    >>> v.tokens
    ('<unk>', '<pad>', '<s>', '</s>', 'b', 'a')
    >>> v.encode(["a", "c"]), v.decode([5, 0]), len(v)
    ([5, 0], ['a', '<unk>'], 6)
    """

    def __init__(self, tokens=(), min_freq: int = 1):
        tokens = check_tokens("tokens", tokens)
        self.min_freq = check_int("min_freq", min_freq, minimum=1)
        counts = Counter(tokens)
        kept = [t for t, c in counts.items() if c >= self.min_freq and t not in SPECIALS]
        kept.sort(key=lambda t: (-counts[t], t))
        self._set(list(SPECIALS) + kept)

    def _set(self, id_to_token: list[str]) -> None:
        self._itos = tuple(id_to_token)
        self._stoi = {t: i for i, t in enumerate(self._itos)}
        if len(self._stoi) != len(self._itos):
            raise ValueError("tokens must be unique in a vocabulary")

    @property
    def tokens(self) -> tuple[str, ...]:
        """All tokens in id order: ``tokens[i]`` has id ``i``."""
        return self._itos

    @property
    def unk_id(self) -> int:
        """The id of ``<unk>`` (0)."""
        return self._stoi[UNK]

    def __len__(self) -> int:
        return len(self._itos)

    def __contains__(self, token) -> bool:
        return token in self._stoi

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocabulary) and self._itos == other._itos

    __hash__ = None

    def __repr__(self) -> str:
        return f"Vocabulary(size={len(self)}, min_freq={self.min_freq})"

    def encode(self, tokens) -> list[int]:
        """Map a list of tokens to ids; a token not in the vocabulary gives ``unk_id``.

        >>> Vocabulary(["a", "b"]).encode(["b", "zzz"])
        [5, 0]
        """
        tokens = check_tokens("tokens", tokens)
        unk = self.unk_id
        return [self._stoi.get(t, unk) for t in tokens]

    def decode(self, ids) -> list[str]:
        """Map ids back to tokens; an id outside ``0 .. len - 1`` is a ``ValueError``.

        >>> Vocabulary(["a", "b"]).decode([4, 5, 0])
        ['a', 'b', '<unk>']
        """
        return [self._itos[i] for i in _check_ids("ids", ids, len(self))]

    def oov_rate(self, tokens) -> float:
        """Share of ``tokens`` (in [0, 1]) that are out of vocabulary (encode to ``<unk>``).

        >>> Vocabulary(["a", "b"]).oov_rate(["a", "c", "d", "b"])
        0.5
        """
        tokens = check_tokens("tokens", tokens)
        if not tokens:
            raise ValueError("tokens is empty: the OOV rate of no tokens is undefined")
        return sum(t not in self._stoi for t in tokens) / len(tokens)

    def save(self, path) -> None:
        """Write the vocabulary to ``path`` as JSON (the tokens in id order).

        The file is written atomically: a failed save leaves any previous file as it was.
        """
        data = {"format": "lmcore.Vocabulary", "version": 1, "min_freq": self.min_freq,
                "tokens": list(self._itos)}
        try:
            text = json.dumps(data, ensure_ascii=False, indent=1)
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: JSON's \u escapes keep it exactly
            text = json.dumps(data, ensure_ascii=True, indent=1)
        atomic_write_text(path, text)

    @classmethod
    def load(cls, path) -> Vocabulary:
        """Read a vocabulary written by :meth:`save`; the ids come back unchanged."""
        try:
            data = json.loads(read_text_file(path))
        except json.JSONDecodeError as exc:
            raise ValueError(f"path {str(path)!r} is not valid JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != "lmcore.Vocabulary":
            raise ValueError(f"path {str(path)!r} does not hold a saved lmcore Vocabulary")
        missing = sorted({"tokens", "min_freq"} - set(data))
        if missing:
            raise ValueError(f"path {str(path)!r} holds a Vocabulary without {missing}")
        tokens = check_tokens("tokens (in the file)", data["tokens"])
        if tuple(tokens[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"tokens (in the file) must start with the specials {SPECIALS}")
        vocab = cls.__new__(cls)
        vocab.min_freq = check_int("min_freq (in the file)", data["min_freq"], minimum=1)
        vocab._set(tokens)
        return vocab


def oov_curve(train_tokens, test_tokens, min_freqs) -> tuple[np.ndarray, np.ndarray]:
    """Vocabulary size and held-out OOV rate for each ``min_freq``, without building each one.

    Returns ``(sizes, rates)``, two arrays of shape ``(len(min_freqs),)``: ``sizes[j]`` equals
    ``len(Vocabulary(train_tokens, min_freqs[j]))`` (specials included) and ``rates[j]`` its
    :meth:`Vocabulary.oov_rate` on ``test_tokens`` (a share in [0, 1]).

    >>> sizes, rates = oov_curve(["a", "a", "b"], ["a", "b", "c"], [1, 2, 3])
    >>> sizes.tolist(), rates.round(3).tolist()
    ([6, 5, 4], [0.333, 0.667, 1.0])
    """
    train_tokens = check_tokens("train_tokens", train_tokens)
    test_tokens = check_tokens("test_tokens", test_tokens)
    if not test_tokens:
        raise ValueError("test_tokens is empty: the OOV rate of no tokens is undefined")
    m = np.array([check_int("min_freqs[]", f, minimum=1) for f in check_list("min_freqs", min_freqs)],
                 dtype=np.int64)
    counts = Counter(t for t in train_tokens if t not in SPECIALS)
    type_counts = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))  # (V,)
    never_oov = np.iinfo(np.int64).max  # a special token is always in the vocabulary
    test_counts = np.array([never_oov if t in SPECIALS else counts.get(t, 0)
                            for t in test_tokens], dtype=np.int64)  # (N,)
    sizes = len(SPECIALS) + (type_counts[None, :] >= m[:, None]).sum(axis=1)  # (F, V) -> (F,)
    rates = (test_counts[None, :] < m[:, None]).mean(axis=1)  # (F, N) -> (F,)
    return sizes, rates


# ----------------------------------------------------------------------------- Zipf's law
def rank_frequency(tokens) -> tuple[np.ndarray, np.ndarray]:
    """Return ``(ranks, freqs)``: ranks ``1 .. V`` and each type's count, most frequent first.

    >>> ranks, freqs = rank_frequency("a b a c a b".split())
    >>> ranks.tolist(), freqs.tolist()
    ([1, 2, 3], [3, 2, 1])
    """
    tokens = check_tokens("tokens", tokens)
    if not tokens:
        raise ValueError("tokens is empty: there is nothing to rank")
    freqs = np.array(sorted(Counter(tokens).values(), reverse=True), dtype=np.int64)
    return np.arange(1, len(freqs) + 1), freqs


def zipf_fit(freqs, max_rank: int | None = None) -> tuple[float, float]:
    """Least-squares line through ``(log10 rank, log10 freq)`` for ranks ``1 .. max_rank``.

    Returns ``(slope, intercept)``: Zipf's law ``freq = C / rank**s`` is the line
    ``log10 freq = log10 C - s log10 rank``, so the slope estimates ``-s``.

    Args:
        freqs: counts sorted from most to least frequent, shape ``(V,)``, all > 0.
        max_rank: fit only the first ``max_rank`` ranks (default: all).

    >>> slope, intercept = zipf_fit([60, 30, 20, 15, 12])  # exactly 60 / rank
    >>> round(slope, 3), round(10 ** intercept, 3)
    (-1.0, 60.0)
    """
    freqs = check_array("freqs", freqs)
    if freqs.ndim != 1 or freqs.size < 2:
        raise ValueError(f"freqs must be a 1-D array of at least 2 counts, got shape {freqs.shape}")
    if not np.all(np.isfinite(freqs)) or np.any(freqs <= 0):
        raise ValueError("freqs must be finite and > 0 (log10 of a zero count is -inf)")
    if np.any(np.diff(freqs) > 0):
        raise ValueError("freqs must be sorted from most to least frequent")
    if max_rank is not None:
        freqs = freqs[: check_int("max_rank", max_rank, minimum=2)]
    x = np.log10(np.arange(1, freqs.size + 1))
    y = np.log10(freqs)
    slope = float(np.sum((x - x.mean()) * (y - y.mean())) / np.sum((x - x.mean()) ** 2))
    return slope, float(y.mean() - slope * x.mean())


# ----------------------------------------------------------------------------- BPE pieces
#: GPT-2-style pre-tokenizer: merges never cross these chunks. A chunk is an optional space
#: followed by letters, or by digits, or by other symbols; or a run of whitespace. Every
#: character matches one of them, so the chunks always join back to the text.
PRETOKENIZE = re.compile(r" ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+")


def pretokenize(text: str) -> list[str]:
    """Cut ``text`` into the chunks BPE works inside; ``"".join(chunks) == text`` always.

    >>> pretokenize("The cat's mat, 42 times!")
    ['The', ' cat', "'", 's', ' mat', ',', ' 42', ' times', '!']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    return PRETOKENIZE.findall(text)


def merge_pair(ids, pair, new_id: int) -> list[int]:
    """Replace each occurrence of ``pair`` in ``ids`` by ``new_id``, left to right.

    Occurrences do not overlap: ``(a, a)`` in ``a a a`` merges once, leaving ``aa a``.

    >>> merge_pair([1, 2, 3, 1, 2], (1, 2), 9)
    [9, 3, 9]
    >>> merge_pair([7, 7, 7], (7, 7), 8)
    [8, 7]
    """
    ids, (first, second), new_id = _id_list("ids", ids), _pair("pair", pair), check_int("new_id", new_id)
    out, i, n = [], 0, len(ids)
    while i < n:
        if i + 1 < n and ids[i] == first and ids[i + 1] == second:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def count_pairs(seqs, freqs=None) -> dict[tuple[int, int], int]:
    """Count adjacent pairs in each sequence, weighted by ``freqs`` (default: 1 each).

    >>> count_pairs([[1, 2, 3], [1, 2]], freqs=[1, 5])
    {(1, 2): 6, (2, 3): 1}
    """
    seqs = [_id_list(f"seqs[{i}]", s) for i, s in enumerate(check_list("seqs", seqs, "a list of id lists"))]
    freqs = [1] * len(seqs) if freqs is None else [
        check_int(f"freqs[{i}]", f, minimum=0)
        for i, f in enumerate(check_list("freqs", freqs, "a list of counts"))]
    if len(freqs) != len(seqs):
        raise ValueError(f"freqs must hold one count per sequence: {len(seqs)} sequences, "
                         f"got {len(freqs)}")
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for seq, f in zip(seqs, freqs):
        for pair in zip(seq, seq[1:]):
            counts[pair] += f
    return dict(counts)


def _id_list(name: str, ids) -> list[int]:
    """``ids`` as a list of ints (numpy integers accepted); fast when it already is one."""
    ids = check_list(name, ids, "a list of integer ids")
    if set(map(type, ids)) <= {int}:
        return ids
    return [check_int(f"{name}[{i}]", t) for i, t in enumerate(ids)]


def _pair(name: str, pair) -> tuple[int, int]:
    pair = check_list(name, pair, "a pair of integer ids")
    if len(pair) != 2:
        raise ValueError(f"{name} must be a pair of ids, got {len(pair)} items")
    return check_int(f"{name}[0]", pair[0]), check_int(f"{name}[1]", pair[1])


def _check_ids(name: str, ids, size: int) -> list[int]:
    out = []
    for i, t in enumerate(check_list(name, ids, "a sequence of integer ids")):
        if isinstance(t, bool) or not isinstance(t, numbers.Integral):
            raise TypeError(f"{name}[{i}] must be an integer id, got {type(t).__name__} {t!r}")
        if not 0 <= t < size:
            raise ValueError(f"{name}[{i}] = {t} is outside the vocabulary (ids 0 to {size - 1})")
        out.append(int(t))
    return out


# ----------------------------------------------------------------------------- BPE tokenizer
class BPETokenizer:
    """Byte-level byte-pair encoding: ids 0-255 are the bytes, id ``256 + k`` is merge ``k``.

    An untrained tokenizer encodes every string as its UTF-8 bytes. :meth:`train` learns the
    merges; :meth:`encode` applies them inside each chunk of :func:`pretokenize`, and
    :meth:`decode` joins the tokens' bytes and decodes them, so
    ``decode(encode(s)) == s`` for every string ``s``.

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
        self._rank = {pair: k for k, pair in enumerate(self._merges)}
        self._bytes = [bytes([b]) for b in range(256)]
        for a, b in self._merges:
            self._bytes.append(self._bytes[a] + self._bytes[b])
        self._cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_merges(cls, merges) -> BPETokenizer:
        """A tokenizer with the given merges (pairs of ids; merge ``k`` makes id ``256 + k``)."""
        merges = check_list("merges", merges, "a list of id pairs")
        for k, pair in enumerate(merges):
            if (not isinstance(pair, (tuple, list)) or len(pair) != 2
                    or not all(isinstance(t, numbers.Integral) and not isinstance(t, bool)
                               for t in pair)):
                raise TypeError(f"merges[{k}] must be a pair of integer ids, got {pair!r}")
            if not all(0 <= t < 256 + k for t in pair):
                raise ValueError(f"merges[{k}] = {tuple(pair)} uses an id that does not exist "
                                 f"yet (merge {k} may use ids 0 to {255 + k})")
        tok = cls()
        tok._set_merges([(int(a), int(b)) for a, b in merges])
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
        return f"BPETokenizer(vocab_size={self.vocab_size})"

    def token_bytes(self, token_id: int) -> bytes:
        """The bytes that token ``token_id`` stands for.

        >>> BPETokenizer().token_bytes(65)
        b'A'
        """
        return self._bytes[_check_ids("token_id", [token_id], self.vocab_size)[0]]

    def train(self, text: str, vocab_size: int) -> BPETokenizer:
        """Learn merges on ``text`` until there are ``vocab_size`` tokens; return ``self``.

        Each step merges the most frequent adjacent pair (counted inside the chunks of
        :func:`pretokenize`, overlapping occurrences included); equal counts go to the
        smallest pair of ids. Training stops early when no pair occurs twice. Only the
        counts of chunks that contain the merged pair are updated, so a step costs time in
        proportion to those chunks, not to the whole text.

        Args:
            text: the training text (any Unicode string).
            vocab_size: the target number of tokens, >= 256 (the bytes come first).
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        vocab_size = check_int("vocab_size", vocab_size)
        if vocab_size < 256:
            raise ValueError(f"vocab_size must be >= 256 (the 256 byte tokens come first), "
                             f"got {vocab_size}")
        chunk_counts = Counter(pretokenize(text))
        chunks = sorted(chunk_counts)
        words = [list(c.encode("utf-8", "surrogatepass")) for c in chunks]
        freqs = [chunk_counts[c] for c in chunks]
        self._set_merges(_learn_merges(words, freqs, vocab_size - 256))
        return self

    def truncated(self, vocab_size: int) -> BPETokenizer:
        """The tokenizer made of the first ``vocab_size - 256`` merges.

        BPE is greedy, so this is exactly what training to ``vocab_size`` would have given.
        """
        vocab_size = check_int("vocab_size", vocab_size, minimum=256, maximum=self.vocab_size)
        return BPETokenizer.from_merges(self._merges[: vocab_size - 256])

    def _encode_chunk(self, chunk: str, history: list | None = None) -> tuple[int, ...]:
        """Encode one chunk; if ``history`` is a list, append ``(rank, length)`` after each
        merge applied (the ranks come out in increasing order)."""
        ids = list(chunk.encode("utf-8", "surrogatepass"))
        rank = self._rank
        while len(ids) >= 2:
            # a merge only creates pairs of a later rank, so merging the lowest-ranked pair
            # present first is the same as replaying all merges in training order
            best = min(zip(ids, ids[1:]), key=lambda p: rank.get(p, len(rank)))
            if best not in rank:
                break
            ids = merge_pair(ids, best, 256 + rank[best])
            if history is not None:
                history.append((rank[best], len(ids)))
        return tuple(ids)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text`` (any Unicode string, lone surrogates included).

        >>> BPETokenizer().encode("hé")  # untrained: the UTF-8 bytes, é takes two
        [104, 195, 169]
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        out: list[int] = []
        cache = self._cache
        for chunk in pretokenize(text):
            ids = cache.get(chunk)
            if ids is None:
                ids = self._encode_chunk(chunk)
                if len(cache) < 200_000:
                    cache[chunk] = ids
            out.extend(ids)
        return out

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
        data = b"".join(self._bytes[i] for i in _check_ids("ids", ids, self.vocab_size))
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

    def token_counts(self, text: str, vocab_sizes) -> np.ndarray:
        """Number of tokens of ``text`` for each vocabulary size, shape ``(len(vocab_sizes),)``.

        Entry ``j`` equals ``len(self.truncated(vocab_sizes[j]).encode(text))``, computed in
        one pass: encoding a chunk applies merges in increasing order, so the length after
        the merges below each size is read off the way.

        >>> tok = BPETokenizer().train("the cat and the hat and the mat", vocab_size=260)
        >>> tok.token_counts("the hat", [256, 257, 258, 260]).tolist()
        [7, 6, 5, 4]
        """
        if not isinstance(text, str):
            raise TypeError(f"text must be a str, got {type(text).__name__}")
        limits = np.array([check_int("vocab_sizes[]", v, minimum=256, maximum=self.vocab_size)
                           for v in check_list("vocab_sizes", vocab_sizes, "a list of sizes")],
                          dtype=np.int64) - 256  # merges allowed, (K,)
        totals = np.zeros(len(limits), dtype=np.int64)
        for chunk, n in Counter(pretokenize(text)).items():
            history: list[tuple[int, int]] = []
            self._encode_chunk(chunk, history)
            ranks = np.array([r for r, _ in history], dtype=np.int64)  # (M,), increasing
            lengths = np.array([len(chunk.encode("utf-8", "surrogatepass"))]
                               + [length for _, length in history])  # (M + 1,)
            totals += n * lengths[np.searchsorted(ranks, limits)]  # merges of rank < limit
        return totals

    def bytes_per_token(self, text: str) -> float:
        """UTF-8 bytes of ``text`` divided by its number of tokens (1.0 before training).

        >>> BPETokenizer().bytes_per_token("hello")
        1.0
        """
        ids = self.encode(text)
        if not ids:
            raise ValueError("text is empty: bytes per token is undefined")
        return len(text.encode("utf-8", "surrogatepass")) / len(ids)


def _learn_merges(words: list[list[int]], freqs: list[int], n_merges: int) -> list[tuple[int, int]]:
    """Learn up to ``n_merges`` merges on distinct chunks ``words`` occurring ``freqs`` times.

    ``pair_counts[p]`` is the weighted number of occurrences of pair ``p``; ``where[p]`` the
    chunks that hold it. A max-heap of ``(-count, pair)`` finds the best pair (ties: smallest
    pair); entries whose count is out of date are skipped when they come up.
    """
    pair_counts: dict[tuple[int, int], int] = defaultdict(int)
    where: dict[tuple[int, int], set[int]] = defaultdict(set)
    for w, (seq, f) in enumerate(zip(words, freqs)):
        for pair in zip(seq, seq[1:]):
            pair_counts[pair] += f
            where[pair].add(w)
    heap = [(-c, pair) for pair, c in pair_counts.items()]
    heapq.heapify(heap)
    merges: list[tuple[int, int]] = []
    while len(merges) < n_merges and heap:
        neg_count, pair = heapq.heappop(heap)
        if pair_counts.get(pair, 0) != -neg_count:
            continue  # stale entry: this pair's count changed since it was pushed
        if -neg_count < 2:
            break  # no pair occurs twice: a merge would save at most one token
        new_id = 256 + len(merges)
        merges.append(pair)
        for w in sorted(where[pair]):
            old, f = words[w], freqs[w]
            new = merge_pair(old, pair, new_id)
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
