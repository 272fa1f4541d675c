"""The n-gram model of :mod:`lmcore.ngram`, vectorised: the same numbers, fast enough to sweep.

:class:`NGramModel` here is a drop-in for :class:`lmcore.ngram.NGramModel` (it subclasses it,
so every ``isinstance`` check and the shared methods ``distribution``, ``generate``,
``cross_entropy`` and ``perplexity`` carry over). Only the storage differs: instead of
Counters of word tuples, the fitted counts are sorted numpy arrays of integer codes
(:class:`CountTables`), and every held-out n-gram is looked up at once by binary search
(``np.searchsorted``). The three smoothing formulas are written once, on arrays, in
:meth:`NGramModel._smooth`. A property test holds this model equal to the readable one.

>>> m = NGramModel(2).fit([["the", "cat", "sat"], ["the", "dog", "sat"]])
>>> m.prob("cat", ["the"])
0.5
>>> m.token_probabilities([["the", "cat"]]).tolist()   # P(the | <s>), P(cat | the), P(</s> | cat)
[1.0, 0.5, 0.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, repeat

import numpy as np

from lmcore import information, ngram
from lmcore._checks import RESERVED, check_memory, check_sentences

# every other name of lmcore.ngram too, so that `from lmcore import ngram_fast as ngram` is a drop-in
from lmcore.ngram import (  # noqa: F401
    BOS,
    EOS,
    KS,
    SMOOTHING,
    UNK,
    conditional_probabilities,
    ngram_counts,
    pad,
    sample_sentences,
    verbatim_share,
)
from lmcore.validation import validate

__all__ = ["NGramModel", "CountTables"]


@dataclass(frozen=True)
class CountTables:
    """The fitted counts of an order-``n`` model as sorted integer codes (shared, never changed).

    Word ids: 0..V-1 index ``vocab``, V stands for ``<s>``, V + 1 for a word outside vocab.
    ``ctx_keys[j]`` (j = 1..n-1): sorted codes of the distinct contexts of j words seen in
    training; a context's id is its position there, and its code is
    ``id(context without its first word) * (V + 2) + id(first word)``.
    ``arrays[m]`` (orders m = 1..n) = (codes, counts, totals, types): codes are the sorted
    ``context_id * V + word_id`` of every (context of m - 1 words, word) seen; counts are raw
    counts for m = n and continuation counts for m < n (as Kneser-Ney needs); ``totals[c]``
    and ``types[c]`` are the row sum and the number of distinct next words of context id c.
    """

    n: int
    vocab: tuple[str, ...]
    index: dict[str, int]
    ctx_keys: list[np.ndarray]
    arrays: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]


def _count_tables(sentences: list[list[str]], n: int) -> CountTables:
    """Count every n-gram of the padded ``sentences`` (checked lists of words) as sorted codes."""
    vocab = tuple(sorted({w for s in sentences for w in s} | {EOS, UNK}))
    V, B = len(vocab), len(vocab) + 2
    tables = CountTables(n, vocab, {w: i for i, w in enumerate(vocab)}, [], {})
    grams = _encode(tables, sentences)  # (N, n)
    # Number every distinct context, growing it one word to the left at a time, so the
    # context of order m - 1 is always the "parent" (code // B) of the one of order m.
    ctx = np.zeros(len(grams), dtype=np.int64)  # (N,) id of each n-gram's context so far
    tables.ctx_keys.append(np.zeros(1, dtype=np.int64))  # depth 0: the empty context, id 0
    for j in range(1, n):
        keys, ctx = np.unique(ctx * B + grams[:, n - 1 - j], return_inverse=True)
        tables.ctx_keys.append(keys)
    codes, counts = np.unique(ctx * V + grams[:, -1], return_counts=True)
    tables.arrays[n] = _table(codes, counts, len(tables.ctx_keys[n - 1]), V)
    # Kneser-Ney's lower orders count continuations: each distinct (m + 1)-gram adds 1 to
    # the m-gram it ends with (Kneser and Ney, 1995).
    for m in range(n - 1, 0, -1):
        upper = tables.arrays[m + 1][0]  # distinct (m + 1)-grams, as codes
        shorter = tables.ctx_keys[m][upper // V] // B  # drop the first context word
        codes, counts = np.unique(shorter * V + upper % V, return_counts=True)
        tables.arrays[m] = _table(codes, counts, len(tables.ctx_keys[m - 1]), V)
    return tables


def _encode(tables: CountTables, sentences) -> np.ndarray:
    """Word ids of every prediction in the padded sentences, shape (N, n): context, word.

    Unknown context words get the id V + 1 (so their contexts are unseen); an unknown
    predicted word is read as ``<unk>``.
    """
    n, V = tables.n, len(tables.vocab)
    bos, oov = V, V + 1
    lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))  # (S,)
    ids = np.fromiter(map(tables.index.get, chain.from_iterable(sentences), repeat(oov)),
                      dtype=np.int64, count=int(lengths.sum()))  # (W,) all words in order
    # lay the sentences out one after another, each as n - 1 <s>, its words, then </s>
    block = lengths + n  # (S,) length of each padded sentence
    first = np.cumsum(block) - block + (n - 1)  # (S,) position of each first word
    within = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # (W,)
    flat = np.full(int(block.sum()), bos, dtype=np.int64)
    flat[np.repeat(first, lengths) + within] = ids
    flat[first + lengths] = tables.index[EOS]
    ends = np.flatnonzero(flat != bos)  # (N,) position of each predicted word
    grams = flat[ends[:, None] + np.arange(1 - n, 1)]  # (N, n) window ending at each
    last = grams[:, -1]
    grams[:, -1] = np.where(last == oov, tables.index[UNK], last)
    return grams




def _table(codes, counts, n_contexts, V):
    ctx = codes // V
    totals = np.bincount(ctx, weights=counts, minlength=n_contexts)  # (n_contexts,)
    types = np.bincount(ctx, minlength=n_contexts)  # (n_contexts,)
    return codes, counts, totals, types


def _sentences(sentences) -> list[list[str]]:
    """``check_sentences``, with a fast path for the usual list of lists of str."""
    if (isinstance(sentences, list) and sentences
            and all(type(s) is list for s in sentences)
            and set(map(type, chain.from_iterable(sentences))) <= {str}
            and any(sentences)):
        return sentences
    return check_sentences("sentences", sentences)


def _search(keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``np.searchsorted(keys, queries)`` clipped to a valid index, shape (N,).

    Sorting the queries first makes the binary searches walk the keys in order, several
    times faster on long inputs than searching in the queries' own order.
    """
    order = np.argsort(queries)  # (N,)
    pos = np.empty(len(queries), dtype=np.int64)
    pos[order] = np.searchsorted(keys, queries[order])
    return np.minimum(pos, len(keys) - 1)


class NGramModel(ngram.NGramModel):
    """:class:`lmcore.ngram.NGramModel` on sorted integer codes: same arguments, same numbers.

    After :meth:`fit`, ``tables`` holds the :class:`CountTables` (``vocab`` and ``index``
    are its own); :meth:`with_smoothing` hands the same tables to a model with other
    smoothing.

    >>> m = NGramModel(2, smoothing="add-k", k=1).fit([["a", "b"]])
    >>> round(m.prob("b", "a"), 3)   # (1 + 1) / (1 + 1 * 4)
    0.4
    """

    def fit(self, sentences) -> NGramModel:
        """Count every n-gram of the padded ``sentences`` (a list of token lists); return self."""
        sentences = _sentences(sentences)
        check_memory("n", 3 * self.n * sum(len(s) + self.n for s in sentences))  # (N, n) windows
        seen = {w for s in sentences for w in s}
        if seen & set(RESERVED):
            raise ValueError(f"sentences hold {sorted(seen & set(RESERVED))}: the model adds <s> and "
                             "</s> itself, so as words they would make prob and probabilities disagree")
        return self._use(_count_tables(sentences, self.n))

    def _use(self, tables: CountTables) -> NGramModel:
        """Read ``tables`` as this model's fitted counts (shared, never changed); return self."""
        self.tables, self.vocab, self.index = tables, tables.vocab, tables.index
        return self

    def with_smoothing(self, smoothing: str, k: float = 1.0, discount: float = 0.75) -> NGramModel:
        """Return a model with other smoothing that reads this model's ``tables`` (no refit)."""
        self._require_fitted()
        return NGramModel(self.n, smoothing=smoothing, k=k, discount=discount)._use(self.tables)

    # ------------------------------------------------------------------ the formulas, once
    def _smooth(self, found) -> np.ndarray:
        """MLE, add-k or interpolated Kneser-Ney from ``found[m - 1] = (count, total, types)``
        at each order m = 1..n: arrays of one shape (one entry per query), total 0 where the
        context was never seen. Returns the probabilities, of that shape."""
        V = len(self.vocab)
        count, total, _ = found[-1]
        if self.smoothing == "mle":
            return np.where(total > 0, count / np.maximum(total, 1), 0.0)
        if self.smoothing == "add-k":
            return (count + self.k) / (total + self.k * V)
        d = self.discount
        p = np.full(np.shape(count), 1.0 / V)
        for count, total, types in found:  # from the unigram level up to order n
            safe = np.maximum(total, 1)  # (no division by zero where the context is unseen)
            p = np.where(total > 0, np.maximum(count - d, 0.0) / safe + d * types / safe * p, p)
        return p

    def _lookup(self, grams: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For orders m = 1..n: (count, total, types) of each row of ``grams`` (N, n), each (N,).

        All vectorised: each context is found by binary search in the sorted codes; an unseen
        context has total 0.
        """
        n, V, t = self.n, len(self.vocab), self.tables
        ctx = np.zeros(len(grams), dtype=np.int64)  # (N,) context id at the current order
        known = np.ones(len(grams), dtype=bool)  # (N,) context seen in training
        out = []
        for m in range(1, n + 1):
            if m > 1:  # extend every context one word to the left
                keys = t.ctx_keys[m - 1]
                key = ctx * (V + 2) + grams[:, n - m]
                pos = _search(keys, key)
                known &= keys[pos] == key
                ctx = np.where(known, pos, 0)
            codes, counts, totals, types = t.arrays[m]
            code = ctx * V + grams[:, -1]
            pos = _search(codes, code)
            count = np.where(known & (codes[pos] == code), counts[pos], 0)
            out.append((count, np.where(known, totals[ctx], 0.0), np.where(known, types[ctx], 0)))
        return out

    def _rows(self, context: tuple[str, ...], word: int | None = None) -> list:
        """For orders m = 1..n: (count, total, types) of the context's last m - 1 words; total 0
        where that context was never seen. ``count`` is the count of every word of vocab, (V,),
        or, given a word id, that word's count alone."""
        V, t = len(self.vocab), self.tables
        ids = [V if w == BOS else self.index.get(w, V + 1) for w in context]
        rows: list = []
        ctx: int | None = 0
        for m in range(1, self.n + 1):
            if m > 1 and ctx is not None:  # extend the context one word to the left
                keys, key = t.ctx_keys[m - 1], ctx * (V + 2) + ids[self.n - m]
                pos = int(np.searchsorted(keys, key))
                ctx = pos if pos < len(keys) and keys[pos] == key else None
            if m < self.n and self.smoothing != "kneser-ney":  # only Kneser-Ney reads lower orders
                rows.append((0, 0.0, 0))
                continue
            if ctx is None:
                rows.append((np.zeros(V) if word is None else 0, 0.0, 0))
                continue
            codes, counts, totals, types = t.arrays[m]
            lo, hi = np.searchsorted(codes, [ctx * V, (ctx + 1) * V])
            if word is None:
                count = np.zeros(V)
                count[codes[lo:hi] - ctx * V] = counts[lo:hi]
            else:
                at = lo + int(np.searchsorted(codes[lo:hi], ctx * V + word))
                count = int(counts[at]) if at < hi and codes[at] == ctx * V + word else 0
            rows.append((count, totals[ctx], types[ctx]))
        return rows

    # ------------------------------------------------------------------ probabilities
    def prob(self, word: str, context=()) -> float:
        """Return ``P(word | context)``; an unknown word is scored as ``<unk>``."""
        word, context = self.query(word, context)
        return float(self._smooth(self._rows(context, self.index[word])))

    def probabilities(self, context=()) -> np.ndarray:
        """Return ``P(w | context)`` for every ``w`` in ``vocab``, as a float array of shape (V,)."""
        context = self._context(context)
        rows = self._rows(context)
        if self.smoothing == "mle" and rows[-1][1] == 0:
            raise ValueError(f"context {list(context)} was never seen in training, so an MLE model "
                             "has no distribution there (0/0); use smoothing='add-k' or 'kneser-ney'")
        return self._smooth(rows)

    def token_probabilities(self, sentences) -> np.ndarray:
        """Return ``P(word | context)`` for every word and ``</s>`` of ``sentences``, shape (N,)."""
        self._require_fitted()
        return self._smooth(self._lookup(_encode(self.tables, _sentences(sentences))))

    @validate(ks=KS)
    def add_k_perplexities(self, sentences, ks) -> np.ndarray:
        """Perplexity of this model's counts under add-k smoothing for each ``k`` in ``ks``.

        The n-grams of ``sentences`` are looked up once, so a sweep over many ``k`` costs little
        more than one perplexity. Returns shape (K,) for ``ks`` of shape (K,), each > 0.

        >>> m = NGramModel(1).fit([["a", "b"]])    # counts a: 1, b: 1, </s>: 1; V = 4
        >>> m.add_k_perplexities([["a"]], [1.0]).round(6).tolist()  # P(a) = P(</s>) = 2/7
        [3.5]
        """
        self._require_fitted()
        found = self._lookup(_encode(self.tables, _sentences(sentences)))
        return np.array([information.perplexity(self.with_smoothing("add-k", k=float(k))._smooth(found))
                         for k in ks])

    def coverage(self, sentences) -> float:
        """Share of the n-grams of ``sentences`` (padded) that were seen in training, in [0, 1]."""
        self._require_fitted()
        count = self._lookup(_encode(self.tables, _sentences(sentences)))[-1][0]
        return int(np.count_nonzero(count)) / len(count)
