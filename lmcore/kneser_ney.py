"""Interpolated Kneser-Ney, written to be read: plain dicts and loops (notebook 03).

:class:`lmcore.ngram.NGramModel` with ``smoothing="kneser-ney"`` calls
:func:`kneser_ney_probability` on the counts of :func:`kneser_ney_counts`;
:class:`lmcore.ngram_fast.NGramModel` computes the same numbers on sorted numpy arrays, fast
enough to sweep orders and data sizes, and a test holds the two equal. Three ideas:

1. **Absolute discount.** Every seen n-gram gives up a fixed ``d`` (about 0.75) of its
   count. A context seen ``c(ctx)`` times with ``N1+(ctx .)`` distinct next words frees
   ``lambda(ctx) = d * N1+(ctx .) / c(ctx)`` of probability.
2. **Interpolation.** That freed mass is shared out by the model one order lower, for
   *every* word, seen or not:

       P(w | ctx) = max(c(ctx, w) - d, 0) / c(ctx)  +  lambda(ctx) * P(w | shorter ctx)

   (Backoff would consult the lower order only for words never seen after ``ctx``.) A
   context never seen in training passes everything to the lower order; below the unigram
   level is the uniform distribution ``1 / V``.
3. **Continuation counts.** The lower orders do not count how often a word occurs but
   in how many *different* contexts it occurs: ``N1+(. w)``. "Francisco" is frequent but
   follows almost only "San", so as a guess after an unseen context it deserves little.

The highest order uses raw counts; every lower order uses continuation counts. A word
never seen in training is read as ``<unk>``; since ``<unk>`` itself never occurs in
training, it only ever gets the uniform share passed down through the lambdas.

In the example below, ``b`` follows one distinct word (``a``) out of 5 continuations, so
``P1(b) = (1 - 0.5) / 5 + 0.5 * 4 / 5 * 1 / 5 = 0.18``; after ``a`` (seen twice, with two
distinct next words) ``lambda(a) = 0.5 * 2 / 2``.

>>> model = KneserNey(2, discount=0.5).fit([["a", "b"], ["a", "c"]])
>>> model.vocab
('</s>', '<unk>', 'a', 'b', 'c')
>>> round(model.prob("b", ["a"]), 4)   # (1 - 0.5) / 2 + 0.5 * 2 / 2 * 0.18
0.34
>>> round(sum(model.prob(w, ["a"]) for w in model.vocab), 10)
1.0
"""

from __future__ import annotations

from collections import Counter

from lmcore._checks import check_int, check_memory, check_sentences, check_tokens
from lmcore.validation import Custom, Float, Int, Sentences, Str, validate

BOS, EOS, UNK = "<s>", "</s>", "<unk>"
DISCOUNT = Float(min=0, max=1, open_min=True, open_max=True)  # the rule of every discount d


@validate(sentences=Sentences(words=True), n=Int(min=1))
def kneser_ney_counts(sentences: list[list[str]], n: int) -> dict[int, dict[tuple, Counter]]:
    """The count tables of an order-``n`` model: ``counts[m][context][word]`` for m = 1..n.

    Order ``n`` holds raw counts of the padded sentences (``n - 1`` ``<s>``, the words,
    ``</s>``); every lower order ``m`` holds *continuation* counts: how many distinct words
    came right before the m-gram (``N1+(. w)``). A context is a tuple of ``m - 1`` words.
    ``sentences`` are lists of tokens (without ``<s>`` and ``</s>``: the padding adds them).

    >>> counts = kneser_ney_counts([["a", "b"], ["a", "c"]], 2)
    >>> dict(counts[2][("a",)])                      # raw: 'a' was followed by b once, c once
    {'b': 1, 'c': 1}
    >>> counts[1][()]["</s>"]                        # </s> came after 2 distinct words (b, c)
    2
    """
    check_memory("n", n * sum(len(s) + n for s in sentences))  # the padded n-grams
    grams = Counter()  # every n-gram: n - 1 context words and the word they predict
    for sentence in sentences:
        padded = [BOS] * (n - 1) + list(sentence) + [EOS]
        for i in range(n - 1, len(padded)):
            grams[tuple(padded[i - n + 1:i + 1])] += 1
    by_order = {n: grams}
    for m in range(n - 1, 0, -1):  # continuation count of an m-gram: the number of
        by_order[m] = Counter(g[1:] for g in by_order[m + 1])  # distinct words before it
    counts = {}
    for m in sorted(by_order):  # regroup as counts[m][context][word]
        counts[m] = {}
        for gram, c in by_order[m].items():
            counts[m].setdefault(gram[:-1], Counter())[gram[-1]] = c
    return counts


def _check_counts(name, counts):
    """A dict ``{order m: {context: Counter}}`` for m = 1..n."""
    if not isinstance(counts, dict) or not counts or sorted(counts) != list(range(1, len(counts) + 1)):
        raise ValueError(f"{name} must be a dict {{order m: {{context: Counter}}}} for m = 1..n")
    for m, table in counts.items():
        if not isinstance(table, dict):
            raise ValueError(f"{name}[{m}] must be a dict {{context: Counter}}")
    return counts


def _check_context(name, context, checked):
    """The context as a tuple of at least n - 1 words, whose Counters in ``counts`` hold >= 1."""
    counts = checked["counts"]
    context = tuple(check_tokens(name, context))
    if len(context) < len(counts) - 1:
        raise ValueError(f"{name} must hold at least n - 1 = {len(counts) - 1} words, "
                         f"got {len(context)}")
    for m, table in counts.items():  # the Counters this query reads must hold counts >= 1
        following = table.get(context[len(context) - (m - 1):])
        if following is not None and min(following.values(), default=0) < 1:
            raise ValueError(f"counts[{m}] must hold counts >= 1, got {dict(following)}")
    return context


#: The rules of a Kneser-Ney query: count tables by order, and a context they can answer.
KN_COUNTS, KN_CONTEXT = Custom(_check_counts), Custom(_check_context)


@validate(word=Str(), counts=KN_COUNTS, context=KN_CONTEXT, discount=DISCOUNT, vocab_size=Int(min=1))
def kneser_ney_probability(word, context, counts, discount: float, vocab_size: int) -> float:
    """Interpolated Kneser-Ney ``P(word | context)`` from count tables.

    Args:
        word: the next word (already mapped to ``<unk>`` if unknown).
        context: tuple of the ``n - 1`` previous words.
        counts: ``counts[m][ctx]`` is a ``Counter`` of the words seen after ``ctx``, a tuple of
            ``m - 1`` words, for orders ``m = 1..n``: raw counts at ``m = n``, continuation
            counts below (see :func:`kneser_ney_counts`).
        discount: ``d``, in (0, 1).
        vocab_size: ``V``, the number of words the model can predict.

    >>> counts = {1: {(): Counter({"a": 2, "b": 1})}}    # one order only: a unigram model
    >>> round(kneser_ney_probability("b", (), counts, 0.5, 3), 4)   # (1 - .5)/3 + (.5*2/3)/3
    0.2778
    """
    p = 1.0 / vocab_size  # below the lowest order: every word equally likely
    for m in range(1, len(counts) + 1):  # from the unigram level up to order n
        ctx = tuple(context[len(context) - (m - 1):]) if m > 1 else ()  # last m - 1 words
        following = counts[m].get(ctx)
        if following is None:  # context never seen: keep the lower-order estimate
            continue
        total = sum(following.values())  # c(ctx)
        lam = discount * len(following) / total  # lambda(ctx): the mass the discount freed
        p = max(following.get(word, 0) - discount, 0.0) / total + lam * p
    return p


class KneserNey:
    """An interpolated Kneser-Ney n-gram model built from dicts (readable twin of NGramModel).

    Args:
        n: order, an integer >= 1.
        discount: the absolute discount ``d``, in (0, 1).
    """

    def __init__(self, n: int, discount: float = 0.75):
        self.n = check_int("n", n, minimum=1, maximum=100)  # n - 1 pads per sentence: keep it sane
        self.discount = DISCOUNT("discount", discount, {})
        self.vocab: tuple[str, ...] = ()
        self.counts: dict[int, dict[tuple[str, ...], Counter]] = {}

    def fit(self, sentences) -> KneserNey:
        """Count the n-grams of the padded ``sentences`` (lists of tokens); return self."""
        sentences = check_sentences("sentences", sentences, words=True)  # fit adds <s>, </s>
        self.vocab = tuple(sorted({w for s in sentences for w in s} | {EOS, UNK}))
        self.counts = kneser_ney_counts(sentences, self.n)
        return self

    def prob(self, word: str, context=()) -> float:
        """``P(word | context)``; ``context`` is the ``n - 1`` previous words (list or str)."""
        if not self.vocab:
            raise ValueError("this model is not fitted yet: call .fit(sentences) first")
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type(word).__name__}")
        context = tuple(check_tokens("context", context.split() if isinstance(context, str)
                                     else context))
        if len(context) != self.n - 1:
            raise ValueError(f"context must hold n - 1 = {self.n - 1} tokens, got {len(context)}")
        word = word if word in self.vocab else UNK
        return kneser_ney_probability(word, context, self.counts, self.discount,
                                      len(self.vocab))

    def lambdas(self, context=()) -> dict[int, float]:
        """``{m: lambda}``: the share each order ``m`` passes down for this ``context``
        (1.0 where the context of that order was never seen)."""
        if not self.vocab:
            raise ValueError("this model is not fitted yet: call .fit(sentences) first")
        context = tuple(check_tokens("context", context.split() if isinstance(context, str)
                                     else context))
        if len(context) != self.n - 1:
            raise ValueError(f"context must hold n - 1 = {self.n - 1} tokens, got {len(context)}")
        out = {}
        for m in range(1, self.n + 1):
            following = self.counts[m].get(context[len(context) - (m - 1):] if m > 1 else ())
            out[m] = (1.0 if following is None
                      else self.discount * len(following) / sum(following.values()))
        return out
