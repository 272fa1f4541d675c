"""N-gram language models: predict the next word from the previous ``n - 1`` words.

An n-gram model estimates ``P(word | context)`` from counts. With maximum likelihood (MLE)

    P(w | c) = count(c, w) / count(c)

which gives probability 0 to anything not seen in training. Smoothing moves a little
probability to the unseen: *add-k* (Laplace at k = 1) pretends every word was seen k more
times; *interpolated Kneser-Ney* subtracts a discount ``d`` from every seen count and hands
the freed mass to a lower-order model built from how many different contexts a word
follows (Kneser and Ney, 1995; Chen and Goodman, 1998).

Sentences are padded with ``n - 1`` start symbols ``<s>`` and one end symbol ``</s>``, so
the model also learns how sentences begin and end. A word never seen in training is read
as ``<unk>``. Probabilities are plain floats; cross-entropy is in bits per token.

Two implementations of the same numbers, checked against each other by the tests:
:meth:`NGramModel.prob` reads readable dicts of counts (``_prob``, the one to study), while
fitting, :meth:`~NGramModel.probabilities` and :meth:`~NGramModel.perplexity` work on sorted
numpy arrays of integer codes and look every held-out n-gram up at once by binary search
(``np.searchsorted``), which is what makes sweeping orders and smoothings fast.

>>> m = NGramModel(2).fit([["the", "cat", "sat"], ["the", "dog", "sat"]])
>>> m.prob("cat", ["the"])
0.5
>>> m.distribution("the")
{'cat': 0.5, 'dog': 0.5}
"""

from __future__ import annotations

import numbers
from collections import Counter
from functools import cached_property
from itertools import chain, repeat

import numpy as np

from lmcore import information
from lmcore._checks import (
    RESERVED,
    check_array,
    check_choice,
    check_float,
    check_int,
    check_list,
    check_memory,
    check_rng,
    check_sentences,
    check_tokens,
    check_words,
)

BOS = "<s>"
EOS = "</s>"
UNK = "<unk>"
SMOOTHING = ("mle", "add-k", "kneser-ney")


def ngram_counts(tokens, n: int) -> dict[str, dict[str, int]]:
    """Count which word follows each context of ``n - 1`` words.

    Returns a dict of dicts: ``counts[context][word]``, where ``context`` is the ``n - 1``
    previous words joined by single spaces (``""`` for ``n = 1``). Contexts and words appear
    in the order they are first met. No sentence padding: this is the raw count table.

    Args:
        tokens: a sequence of string tokens, e.g. ``corpus.words(text)``.
        n: the order, an integer >= 1 (2 = bigrams).

    >>> ngram_counts("the cat sat on the mat".split(), 2)
    {'the': {'cat': 1, 'mat': 1}, 'cat': {'sat': 1}, 'sat': {'on': 1}, 'on': {'the': 1}}
    """
    # a token with a space would merge contexts: ('a b', 'c') and ('a', 'b c') both read 'a b c'
    tokens = check_words("tokens", tokens, allow_reserved=True, allow_spaces=False)
    n = check_int("n", n, minimum=1)
    counts: dict[str, dict[str, int]] = {}
    for i in range(len(tokens) - n + 1):
        context = " ".join(tokens[i : i + n - 1])
        word = tokens[i + n - 1]
        following = counts.setdefault(context, {})
        following[word] = following.get(word, 0) + 1
    return counts


def conditional_probabilities(counts: dict[str, dict[str, int]]) -> dict[str, dict[str, float]]:
    """Turn a count table from :func:`ngram_counts` into ``P(word | context)`` by division.

    >>> conditional_probabilities({"the": {"cat": 1, "mat": 3}})
    {'the': {'cat': 0.25, 'mat': 0.75}}
    """
    if not isinstance(counts, dict):
        raise TypeError(f"counts must be a dict of dicts (from ngram_counts), got {type(counts).__name__}")
    probs = {}
    for context, following in counts.items():
        if not isinstance(following, dict) or not following:
            raise ValueError(f"counts[{context!r}] must be a non-empty dict of word counts")
        if any(not isinstance(c, numbers.Integral) or isinstance(c, bool) or c < 0
               for c in following.values()):
            raise ValueError(f"counts[{context!r}] must hold non-negative integer counts")
        total = sum(following.values())
        if total == 0:
            raise ValueError(f"counts[{context!r}] has a total count of 0")
        probs[context] = {word: int(c) / int(total) for word, c in following.items()}
    return probs


def pad(sentence, n: int) -> list[str]:
    """Add ``n - 1`` start symbols and one end symbol to a sentence.

    >>> pad(["hi"], 3)
    ['<s>', '<s>', 'hi', '</s>']
    """
    n = check_int("n", n, minimum=1)
    sentence = check_tokens("sentence", sentence)
    check_memory("n", n + len(sentence))
    return [BOS] * (n - 1) + sentence + [EOS]


class NGramModel:
    """An n-gram language model fitted on tokenized sentences.

    Args:
        n: order (1 = unigram, 2 = bigram, ...), an integer >= 1.
        smoothing: ``"mle"`` (no smoothing), ``"add-k"`` or ``"kneser-ney"``.
        k: the pseudo-count of add-k smoothing, > 0 (k = 1 is Laplace smoothing).
        discount: the absolute discount of Kneser-Ney, in (0, 1).

    After :meth:`fit`: ``vocab`` is the sorted tuple of words the model can predict (every
    training word, plus ``</s>`` and ``<unk>``), and every distribution is over ``vocab``.

    >>> m = NGramModel(2, smoothing="add-k", k=1).fit([["a", "b"]])
    >>> m.vocab
    ('</s>', '<unk>', 'a', 'b')
    >>> round(m.prob("b", "a"), 3)   # (1 + 1) / (1 + 1 * 4)
    0.4
    >>> round(m.with_smoothing("add-k", k=0.5).prob("b", "a"), 3)   # (1 + 0.5) / (1 + 0.5 * 4)
    0.5
    """

    def __init__(self, n: int, smoothing: str = "mle", k: float = 1.0, discount: float = 0.75):
        self.n = check_int("n", n, minimum=1)
        self.smoothing = check_choice("smoothing", smoothing, SMOOTHING)
        self.k = check_float("k", k, minimum=0, min_inclusive=False)
        self.discount = check_float(
            "discount", discount, minimum=0, maximum=1, min_inclusive=False, max_inclusive=False
        )
        self.vocab: tuple[str, ...] = ()
        self._index: dict[str, int] = {}
        # Word ids: 0..V-1 index vocab, V stands for <s>, V + 1 for a word outside vocab.
        # _ctx_keys[j] (j = 1..n-1): sorted codes of the distinct contexts of j words seen in
        # training; a context's id is its position there, and its code is
        # id(context without its first word) * (V + 2) + id(first word).
        self._ctx_keys: list[np.ndarray] = []
        # _arrays[m] (orders m = 1..n) = (codes, counts, totals, types): codes are the sorted
        # context_id * V + word_id of every (context of m - 1 words, word) seen; counts are raw
        # counts for m = n and continuation counts (how many distinct words came right before)
        # for m < n, as Kneser-Ney needs; totals[c] and types[c] are the row sum and the number
        # of distinct next words of context id c.
        self._arrays: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def __repr__(self) -> str:
        extra = {"mle": "", "add-k": f", k={self.k:g}", "kneser-ney": f", discount={self.discount:g}"}
        fitted = f", vocab={len(self.vocab)}" if self.vocab else ", unfitted"
        return f"NGramModel(n={self.n}, smoothing={self.smoothing!r}{extra[self.smoothing]}{fitted})"

    # ------------------------------------------------------------------ fitting
    def fit(self, sentences) -> NGramModel:
        """Count every n-gram of the padded ``sentences`` (a list of token lists); return self."""
        sentences = self._sentences(sentences)
        n = self.n
        check_memory("n", 3 * n * sum(len(s) + n for s in sentences))  # the (N, n) windows
        seen = {w for s in sentences for w in s}
        if seen & set(RESERVED):
            raise ValueError(f"sentences hold {sorted(seen & set(RESERVED))}: the model adds <s> and </s> "
                             "itself, so as words they would make prob and probabilities disagree")
        self.vocab = tuple(sorted(seen | {EOS, UNK}))
        self._index = {w: i for i, w in enumerate(self.vocab)}
        self.__dict__.pop("_tables", None)  # the readable dict tables are rebuilt on demand
        V = len(self.vocab)
        B = V + 2
        grams = self._encode(sentences)  # (N, n)
        # Number every distinct context, growing it one word to the left at a time, so the
        # context of order m - 1 is always the "parent" (code // B) of the one of order m.
        ctx = np.zeros(len(grams), dtype=np.int64)  # (N,) id of each n-gram's context so far
        self._ctx_keys = [np.zeros(1, dtype=np.int64)]  # depth 0: the empty context, id 0
        for j in range(1, n):
            keys, ctx = np.unique(ctx * B + grams[:, n - 1 - j], return_inverse=True)
            self._ctx_keys.append(keys)
        codes, counts = np.unique(ctx * V + grams[:, -1], return_counts=True)
        self._arrays = {n: self._table(codes, counts, len(self._ctx_keys[n - 1]))}
        # Kneser-Ney's lower orders count continuations: each distinct (m + 1)-gram adds 1 to
        # the m-gram it ends with (Kneser and Ney, 1995).
        for m in range(n - 1, 0, -1):
            upper = self._arrays[m + 1][0]  # distinct (m + 1)-grams, as codes
            shorter = self._ctx_keys[m][upper // V] // B  # drop the first context word
            codes, counts = np.unique(shorter * V + upper % V, return_counts=True)
            self._arrays[m] = self._table(codes, counts, len(self._ctx_keys[m - 1]))
        return self

    def _table(self, codes, counts, n_contexts):
        ctx = codes // len(self.vocab)
        totals = np.bincount(ctx, weights=counts, minlength=n_contexts)  # (n_contexts,)
        types = np.bincount(ctx, minlength=n_contexts)  # (n_contexts,)
        return codes, counts, totals, types

    def _encode(self, sentences) -> np.ndarray:
        """Word ids of every prediction in the padded sentences, shape (N, n): context, word.

        Unknown context words get the id V + 1 (so their contexts are unseen); an unknown
        predicted word is read as ``<unk>``.
        """
        n, V = self.n, len(self.vocab)
        bos, oov = V, V + 1
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))  # (S,)
        ids = np.fromiter(map(self._index.get, chain.from_iterable(sentences), repeat(oov)),
                          dtype=np.int64, count=int(lengths.sum()))  # (W,) all words in order
        # lay the sentences out one after another, each as n - 1 <s>, its words, then </s>
        block = lengths + n  # (S,) length of each padded sentence
        first = np.cumsum(block) - block + (n - 1)  # (S,) position of each first word
        within = np.arange(len(ids)) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # (W,)
        flat = np.full(int(block.sum()), bos, dtype=np.int64)
        flat[np.repeat(first, lengths) + within] = ids
        flat[first + lengths] = self._index[EOS]
        ends = np.flatnonzero(flat != bos)  # (N,) position of each predicted word
        grams = flat[ends[:, None] + np.arange(1 - n, 1)]  # (N, n) window ending at each
        last = grams[:, -1]
        grams[:, -1] = np.where(last == oov, self._index[UNK], last)
        return grams

    def _sentences(self, sentences) -> list[list[str]]:
        """``check_sentences``, with a fast path for the usual list of lists of str."""
        if (isinstance(sentences, list) and sentences
                and all(type(s) is list for s in sentences)
                and set(map(type, chain.from_iterable(sentences))) <= {str}
                and any(sentences)):
            return sentences
        return check_sentences("sentences", sentences)

    def with_smoothing(self, smoothing: str, k: float = 1.0, discount: float = 0.75) -> NGramModel:
        """Return a model with other smoothing that shares this fitted model's counts (no refit).

        Cheap: use it to sweep ``k`` or ``discount`` without counting the text again.
        """
        self._require_fitted()
        other = NGramModel(self.n, smoothing=smoothing, k=k, discount=discount)
        other.vocab, other._index = self.vocab, self._index
        other._ctx_keys, other._arrays = self._ctx_keys, self._arrays
        if "_tables" in self.__dict__:
            other.__dict__["_tables"] = self.__dict__["_tables"]
        return other

    @cached_property
    def _tables(self) -> dict[int, dict[tuple[str, ...], tuple[Counter, int, int]]]:
        """The counts as readable dicts, built on first use: ``_tables[m][context]`` =
        (Counter of next words, total, number of distinct next words), for orders m = 1..n.
        Order n holds raw counts, lower orders the continuation counts of Kneser-Ney."""
        self._require_fitted()
        V = len(self.vocab)
        names = self.vocab + (BOS,)
        contexts: list[list[tuple[str, ...]]] = [[()]]
        for keys in self._ctx_keys[1:]:
            shorter = contexts[-1]
            contexts.append([(names[w],) + shorter[p]
                             for p, w in zip((keys // (V + 2)).tolist(), (keys % (V + 2)).tolist())])
        tables = {}
        for m in range(1, self.n + 1):
            codes, counts = self._arrays[m][:2]
            rows: dict[tuple[str, ...], Counter] = {}
            for code, c in zip(codes.tolist(), counts.tolist()):
                ctx, w = divmod(code, V)
                rows.setdefault(contexts[m - 1][ctx], Counter())[names[w]] = c
            tables[m] = {ctx: (c, sum(c.values()), len(c)) for ctx, c in rows.items()}
        return tables

    def _require_fitted(self):
        if not self.vocab:
            raise ValueError("this model is not fitted yet: call .fit(sentences) first")

    def _context(self, context) -> tuple[str, ...]:
        """Accept a context as a list of tokens or a space-separated string."""
        if isinstance(context, str):
            context = context.split()
        context = tuple(check_tokens("context", context))
        if len(context) != self.n - 1:
            raise ValueError(
                f"context must hold exactly n - 1 = {self.n - 1} tokens for this {self.n}-gram "
                f"model, got {len(context)}: {list(context)}"
            )
        return context

    # ------------------------------------------------------------------ probabilities
    def prob(self, word: str, context=()) -> float:
        """Return ``P(word | context)``; an unknown word is scored as ``<unk>``.

        ``context`` is the ``n - 1`` previous tokens, as a list or a space-separated string.
        """
        self._require_fitted()
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type(word).__name__}")
        context = self._context(context)
        if word not in self._index:
            word = UNK
        return self._prob(word, context)

    def _prob(self, word: str, context: tuple[str, ...]) -> float:
        counts, total, _ = self._tables[self.n].get(context, (None, 0, 0))
        if self.smoothing == "mle":
            return counts[word] / total if total else 0.0
        if self.smoothing == "add-k":
            seen = counts[word] if total else 0
            return (seen + self.k) / (total + self.k * len(self.vocab))
        return self._kneser_ney(word, context)

    def _kneser_ney(self, word: str, context: tuple[str, ...]) -> float:
        """Interpolated Kneser-Ney, from the uniform distribution up to order n."""
        d = self.discount
        p = 1.0 / len(self.vocab)
        for m in range(1, self.n + 1):  # order m uses the last m - 1 context words
            ctx = context[len(context) - (m - 1) :] if m > 1 else ()
            entry = self._tables[m].get(ctx)
            if entry is None:  # unseen context: all weight on the lower order
                continue
            counts, total, types = entry
            p = max(counts[word] - d, 0.0) / total + d * types / total * p
        return p

    def _rows(self, context: tuple[str, ...]) -> list:
        """For orders m = 1..n: the row of the context's last m - 1 words as
        (word ids, counts, total, types), or None where that context was never seen."""
        V = len(self.vocab)
        ids = [len(self.vocab) if w == BOS else self._index.get(w, V + 1) for w in context]
        rows: list = []
        ctx: int | None = 0
        for m in range(1, self.n + 1):
            if m > 1 and ctx is not None:  # extend the context one word to the left
                keys, key = self._ctx_keys[m - 1], ctx * (V + 2) + ids[self.n - m]
                pos = int(np.searchsorted(keys, key))
                ctx = pos if pos < len(keys) and keys[pos] == key else None
            if ctx is None:
                rows.append(None)
                continue
            codes, counts, totals, types = self._arrays[m]
            lo, hi = np.searchsorted(codes, [ctx * V, (ctx + 1) * V])
            rows.append((codes[lo:hi] - ctx * V, counts[lo:hi], totals[ctx], types[ctx]))
        return rows

    def probabilities(self, context=()) -> np.ndarray:
        """Return ``P(w | context)`` for every ``w`` in ``vocab``, as a float array of shape (V,)."""
        self._require_fitted()
        context = self._context(context)
        V = len(self.vocab)
        rows = self._rows(context)
        if self.smoothing == "mle":
            if rows[-1] is None:
                raise ValueError(
                    f"context {list(context)} was never seen in training, so an MLE model has "
                    "no distribution there (0/0); use smoothing='add-k' or 'kneser-ney'"
                )
            words, counts, total, _ = rows[-1]
            p = np.zeros(V)
            p[words] = counts / total
            return p
        if self.smoothing == "add-k":
            p = np.full(V, self.k)
            total = 0
            if rows[-1] is not None:
                words, counts, total, _ = rows[-1]
                p[words] += counts
            return p / (total + self.k * V)
        d = self.discount
        p = np.full(V, 1.0 / V)
        for row in rows:
            if row is None:  # unseen context: all weight on the lower order
                continue
            words, counts, total, types = row
            higher = np.zeros(V)
            higher[words] = counts - d
            p = higher / total + d * types / total * p
        return p

    def distribution(self, context=()) -> dict[str, float]:
        """Return ``{word: P(word | context)}``, most probable first (ties alphabetical).

        Sums to 1. MLE models list only the words seen after ``context``; smoothed models
        list the whole vocabulary. An MLE model raises ``ValueError`` for a context it
        never saw.
        """
        p = self.probabilities(context)
        order = sorted((i for i in range(len(p)) if p[i] > 0), key=lambda i: (-p[i], self.vocab[i]))
        return {self.vocab[i]: float(p[i]) for i in order}

    # ------------------------------------------------------------------ using the model
    def generate(self, rng: np.random.Generator, max_words: int = 30) -> str:
        """Sample one sentence word by word until ``</s>`` or ``max_words`` words.

        ``rng`` is a ``np.random.default_rng(seed)``: the same seed gives the same text.
        """
        self._require_fitted()
        rng = check_rng("rng", rng)
        max_words = check_int("max_words", max_words, minimum=1)
        history = [BOS] * (self.n - 1)
        out: list[str] = []
        while len(out) < max_words:
            context = tuple(history[len(history) - (self.n - 1) :]) if self.n > 1 else ()
            p = self.probabilities(context)
            word = self.vocab[int(rng.choice(len(p), p=p))]
            if word == EOS:
                break
            out.append(word)
            history.append(word)
        return " ".join(out)

    def _lookup(self, grams: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """For orders m = 1..n: (count, total, types) of each row of ``grams`` (N, n), each (N,).

        All vectorised: each context is found by binary search in the sorted codes; an unseen
        context has total 0.
        """
        n, V = self.n, len(self.vocab)
        ctx = np.zeros(len(grams), dtype=np.int64)  # (N,) context id at the current order
        known = np.ones(len(grams), dtype=bool)  # (N,) context seen in training
        out = []
        for m in range(1, n + 1):
            if m > 1:  # extend every context one word to the left
                keys = self._ctx_keys[m - 1]
                key = ctx * (V + 2) + grams[:, n - m]
                pos = _search(keys, key)
                known &= keys[pos] == key
                ctx = np.where(known, pos, 0)
            codes, counts, totals, types = self._arrays[m]
            code = ctx * V + grams[:, -1]
            pos = _search(codes, code)
            count = np.where(known & (codes[pos] == code), counts[pos], 0)
            out.append((count, np.where(known, totals[ctx], 0.0), np.where(known, types[ctx], 0)))
        return out

    def token_probabilities(self, sentences) -> np.ndarray:
        """Return ``P(word | context)`` for every word and ``</s>`` of ``sentences``, shape (N,)."""
        self._require_fitted()
        found = self._lookup(self._encode(self._sentences(sentences)))
        count, total, _ = found[-1]
        seen = total > 0
        safe = np.where(seen, total, 1.0)  # (N,) no division by zero
        if self.smoothing == "mle":
            return np.where(seen, count / safe, 0.0)
        if self.smoothing == "add-k":
            return (count + self.k) / (total + self.k * len(self.vocab))
        d = self.discount
        p = np.full(len(count), 1.0 / len(self.vocab))
        for count, total, types in found:
            seen = total > 0
            safe = np.where(seen, total, 1.0)
            p = np.where(seen, np.maximum(count - d, 0.0) / safe + d * types / safe * p, p)
        return p

    def add_k_perplexities(self, sentences, ks) -> np.ndarray:
        """Perplexity of this model's counts under add-k smoothing for each ``k`` in ``ks``.

        The n-grams of ``sentences`` are looked up once, so a sweep over many ``k`` costs little
        more than one perplexity. Works whatever this model's own ``smoothing`` is.

        Args:
            sentences: list of token lists (held-out text).
            ks: pseudo-counts, each > 0, shape (K,).

        Returns:
            array of shape (K,): ``2 ** cross-entropy`` (bits) for each ``k``.

        >>> m = NGramModel(1).fit([["a", "b"]])    # counts a: 1, b: 1, </s>: 1; V = 4
        >>> m.add_k_perplexities([["a"]], [1.0]).round(6).tolist()  # P(a) = P(</s>) = 2/7
        [3.5]
        """
        self._require_fitted()
        ks = np.atleast_1d(check_array("ks", ks))
        if ks.ndim != 1 or ks.size == 0 or not np.all(np.isfinite(ks)) or np.any(ks <= 0):
            raise ValueError(f"ks must be a non-empty 1-D sequence of numbers > 0, got {ks!r}")
        count, total, _ = self._lookup(self._encode(self._sentences(sentences)))[-1]
        V = len(self.vocab)
        p = (count[None, :] + ks[:, None]) / (total[None, :] + ks[:, None] * V)  # (K, N)
        return 2.0 ** -np.mean(np.log2(p), axis=1)

    def cross_entropy(self, sentences) -> float:
        """Average ``-log2 P(word | context)`` over every predicted token, in bits per token.

        ``inf`` when the model gives some token probability 0 (MLE on unseen text).
        Computed by :func:`lmcore.information.cross_entropy`.
        """
        return information.cross_entropy(self.token_probabilities(sentences), base=2)

    def perplexity(self, sentences) -> float:
        """Return ``2 ** cross_entropy``: the model is as unsure as a fair die with this many sides.

        Returns ``inf`` (never NaN) when some token gets probability 0.
        Computed by :func:`lmcore.information.perplexity`.
        """
        return information.perplexity(self.token_probabilities(sentences))

    def coverage(self, sentences) -> float:
        """Share of the n-grams of ``sentences`` (padded) that were seen in training, in [0, 1]."""
        self._require_fitted()
        count = self._lookup(self._encode(self._sentences(sentences)))[-1][0]
        return int(np.count_nonzero(count)) / len(count)


def _search(keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """``np.searchsorted(keys, queries)`` clipped to a valid index, shape (N,).

    Sorting the queries first makes the binary searches walk the keys in order, several
    times faster on long inputs than searching in the queries' own order.
    """
    order = np.argsort(queries)  # (N,)
    pos = np.empty(len(queries), dtype=np.int64)
    pos[order] = np.searchsorted(keys, queries[order])
    return np.minimum(pos, len(keys) - 1)


def verbatim_share(generated, sentences) -> float:
    """Share of ``generated`` sentences that occur word for word among ``sentences``, in [0, 1].

    Both are lists of token lists (or of strings, compared after splitting on spaces). A
    high share means the model is reciting its training text rather than composing.

    >>> verbatim_share([["the", "cat"], ["a", "dog"]], [["the", "cat"], ["the", "dog"]])
    0.5
    """
    def as_tuple(name, s):
        return tuple(s.split()) if isinstance(s, str) else tuple(check_tokens(name, s))

    if isinstance(generated, str) or isinstance(sentences, str):
        raise TypeError("generated and sentences must be lists of sentences, not a single string")
    generated = [as_tuple("generated", g) for g in check_list("generated", generated, "a list of sentences")]
    if not generated:
        raise ValueError("generated is empty: give at least one sentence")
    known = {as_tuple("sentences", s) for s in check_list("sentences", sentences, "a list of sentences")}
    return sum(g in known for g in generated) / len(generated)
