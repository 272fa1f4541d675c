"""Autocomplete: finish the word being typed, and guess the next one.

A phone keyboard does two things with a language model. While you type a word it offers
the most likely words that *start with the letters typed so far*; between words it offers
the most likely *next* words. Both are searches for the top ``k`` candidates among those
that match a prefix.

**A trie** (from re*trie*val; Fredkin, 1960) stores a vocabulary as a tree of letters: the
path from the root spells a word, and all words that start with ``"th"`` live under the
node reached by ``t`` then ``h``. Finding that node costs ``len(prefix)`` steps, however big
the vocabulary. Ranking what lies below it is the real work: the slide's version collects
*every* word of the subtree and sorts them, which for a short prefix means nearly the whole
vocabulary. :class:`Trie` instead keeps, at every node, the rank key of the best word below
it and searches *best first*, so it touches only the nodes on the paths to the ``k``
answers (see :meth:`Trie.complete`).

**Next-word suggestions** come from an n-gram model: after ``the king`` the words most
likely to follow, ``P(w | the king)``, restricted to those that start with the typed
prefix. :class:`NextWordCompleter` does this with an :class:`~lmcore.ngram.NGramModel`
and falls back to plain word frequency (a :class:`Trie`) when the model knows fewer than
``k`` matching words.

**Keystrokes saved** measure how much typing a completer spares on real text:

    saved = 1 - (keystrokes with suggestions) / (keystrokes without)

with the typing model of :func:`word_keystrokes`.

>>> trie = Trie.from_words("the cat sat on the mat".split())
>>> trie.complete("", k=2)
[('the', 2), ('cat', 1)]
>>> round(keystrokes_saved("the mat", trie, k=1), 3)   # 1 + 2 keystrokes instead of 4 + 4
0.625
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping

import numpy as np

from lmcore._checks import check_int, check_sentences, check_tokens
from lmcore.corpus import tokenized_sentences, words
from lmcore.ngram import BOS, EOS, UNK, NGramModel


def _check_word(name: str, word) -> str:
    if not isinstance(word, str):
        raise TypeError(f"{name} must be a str, got {type(word).__name__} {word!r}")
    if not word:
        raise ValueError(f"{name} must be a non-empty string")
    return word


def _check_prefix(prefix) -> str:
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str (possibly empty), got {type(prefix).__name__}")
    return prefix


class _Node:
    """One trie node: a letter's children, the count of the word ending here, the best key."""

    __slots__ = ("children", "count", "word", "best", "order")

    def __init__(self):
        self.children: dict[str, _Node] = {}
        self.count = 0  # how often the word spelled by the path to this node was inserted
        self.word: str | None = None  # that word, stored at its last letter
        # rank key (-count, word) of the best word in this subtree: highest count first,
        # then alphabetical; None while the subtree holds no word
        self.best: tuple[int, str] | None = None
        self.order: list[_Node] | None = None  # children sorted by .best (cache)

    def sorted_children(self) -> list[_Node]:
        if self.order is None:
            self.order = sorted(self.children.values(), key=lambda child: child.best)
        return self.order


class Trie:
    """A prefix tree of words with counts, answering "the k most frequent words starting with p".

    Build it with :meth:`insert` (or :meth:`from_words`, :meth:`from_counts`); ask it with
    :meth:`complete`. Words are stored exactly as given (lowercase them first if case
    should not matter: ``corpus.words`` does).

    Why best-first with one key per node, not a stored top-k list per node: keeping the
    best ``k`` words at every node answers in ``O(len(prefix) + k)`` but fixes ``k`` when
    the trie is built and stores ``k`` words per node. Keeping only the rank key
    ``(-count, word)`` of the best word below each node costs one key per node, updates
    in ``O(len(word))`` per insert (a count only grows, so the key only improves), and
    answers any ``k``. The search pops nodes from a heap in rank order; a node's key is
    the key of a real word below it, so every node it pops lies on the path to one of the
    ``k`` answers. With each node's children kept sorted by their keys, a pop pushes at
    most three entries (the word ending at the node, its best child, its next sibling),
    so a query costs ``O(len(prefix) + k * L * log(k * L))`` for answers of at most
    ``L`` letters: it depends on the prefix and the answer, not on the vocabulary size.

    >>> trie = Trie.from_counts({"the": 5, "then": 2, "they": 2, "cat": 7})
    >>> trie.complete("th", k=2)
    [('the', 5), ('then', 2)]
    >>> len(trie), trie.count("they"), "ca" in trie
    (4, 2, False)
    """

    #: A trie ignores the previous words: it completes from word frequency alone.
    context_size = 0

    def __init__(self):
        self._root = _Node()
        self._size = 0
        self._total = 0
        self._nodes = 1
        # answers of complete(prefix, k), kept until the next insert (a query is a pure
        # function of the stored counts; typing a text repeats the same queries many times)
        self._memo: dict[tuple[str, int], list[tuple[str, int]]] = {}

    # ------------------------------------------------------------------ building
    @classmethod
    def from_words(cls, words: Iterable[str]) -> Trie:
        """Insert every word of ``words`` (a sequence of tokens) once per occurrence.

        >>> Trie.from_words(["b", "a", "b"]).complete("", k=5)
        [('b', 2), ('a', 1)]
        """
        trie = cls()
        for word in check_tokens("words", words):
            trie.insert(word)
        return trie

    @classmethod
    def from_counts(cls, counts: Mapping[str, int]) -> Trie:
        """Insert each ``word`` with its ``count`` (a dict or ``collections.Counter``).

        >>> Trie.from_counts({"a": 3}).count("a")
        3
        """
        if not isinstance(counts, Mapping):
            raise TypeError(f"counts must be a mapping word -> count, got {type(counts).__name__}")
        trie = cls()
        for word, count in counts.items():
            trie.insert(word, check_int(f"counts[{word!r}]", count, minimum=1))
        return trie

    def insert(self, word: str, count: int = 1) -> None:
        """Add ``count`` (an integer >= 1) occurrences of ``word`` (a non-empty string).

        Cost ``O(len(word))``: walk down the letters, creating nodes as needed, then
        improve the best-word key of every node on the path.

        >>> t = Trie(); t.insert("hi"); t.insert("hi", 2); t.count("hi")
        3
        """
        word = _check_word("word", word)
        count = check_int("count", count, minimum=1)
        path = [self._root]
        node = self._root
        for letter in word:
            child = node.children.get(letter)
            if child is None:
                child = node.children[letter] = _Node()
                self._nodes += 1
            node = child
            path.append(node)
        self._memo.clear()
        if node.count == 0:
            self._size += 1
            node.word = word
        node.count += count
        self._total += count
        key = (-node.count, word)
        for visited in path:  # the count only grew, so the key can only get better
            if visited.best is None or key < visited.best:
                visited.best = key
            visited.order = None  # a child's key may have changed: re-sort when asked

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        """The number of distinct words."""
        return self._size

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and self.count(word) > 0

    def __repr__(self) -> str:
        return f"Trie({self._size} words, {self._total} occurrences, {self._nodes} nodes)"

    @property
    def total(self) -> int:
        """The sum of all counts (the number of word occurrences inserted)."""
        return self._total

    @property
    def node_count(self) -> int:
        """The number of nodes, root included: one per distinct prefix of the stored words."""
        return self._nodes

    def _find(self, prefix: str) -> _Node | None:
        node = self._root
        for letter in prefix:
            node = node.children.get(letter)
            if node is None:
                return None
        return node

    def count(self, word: str) -> int:
        """How many times ``word`` was inserted (0 if never).

        >>> Trie.from_words(["a", "ab"]).count("b")
        0
        """
        if not isinstance(word, str):
            raise TypeError(f"word must be a str, got {type(word).__name__}")
        node = self._find(word)
        return 0 if node is None else node.count

    def items(self) -> list[tuple[str, int]]:
        """Every ``(word, count)``, in alphabetical order of the words (a full traversal).

        >>> Trie.from_words(["b", "a", "ab"]).items()
        [('a', 1), ('ab', 1), ('b', 1)]
        """
        out = []
        stack = [self._root]
        while stack:
            node = stack.pop()
            if node.count:
                out.append((node.word, node.count))
            stack.extend(node.children.values())
        return sorted(out)

    # ------------------------------------------------------------------ searching
    def search(self, prefix: str, k: int = 3) -> tuple[list[tuple[str, int]], int]:
        """Best-first search for the ``k`` best words below ``prefix``: ``(answers, visited)``.

        ``answers`` are what :meth:`complete` returns; ``visited`` is :meth:`visits`' count.

        >>> Trie.from_words("to the tea then the tent".split()).search("te", k=1)
        ([('tea', 1)], 4)
        """
        prefix, k = _check_prefix(prefix), check_int("k", k, minimum=1)
        start = self._find(prefix)
        # nodes touched: root + len(prefix) walked; the start node is popped first, so it is
        # counted by the loop below instead
        visited = len(prefix)
        if start is None or start.best is None:
            return [], visited
        answers: list[tuple[str, int]] = []
        # heap entries: (rank key, kind, tie, payload); kind 0 = a word, 1 = a node given as
        # (its parent's sorted children, its index there). A node's key is the key of the
        # best word below it, a lower bound on every key in its subtree, so entries leave
        # the heap in rank order.
        tie = 0
        heap: list = [(start.best, 1, tie, ([start], 0))]
        while heap and len(answers) < k:
            key, kind, _, payload = heapq.heappop(heap)
            if kind == 0:
                answers.append((payload, -key[0]))
                continue
            siblings, i = payload
            node = siblings[i]
            visited += 1
            if i + 1 < len(siblings):  # the next sibling ranks after this one: queue it now
                tie += 1
                heapq.heappush(heap, (siblings[i + 1].best, 1, tie, (siblings, i + 1)))
            if node.count:
                tie += 1
                heapq.heappush(heap, ((-node.count, node.word), 0, tie, node.word))
            children = node.sorted_children()
            if children:
                tie += 1
                heapq.heappush(heap, (children[0].best, 1, tie, (children, 0)))
        return answers, visited

    def complete(self, prefix: str, k: int = 3) -> list[tuple[str, int]]:
        """The ``k`` most frequent words that start with ``prefix``, as ``(word, count)`` pairs.

        Ranked by count (highest first), ties in alphabetical order. Fewer than ``k`` pairs
        when fewer words match; ``[]`` when none do. ``prefix`` may be ``""`` (the whole
        vocabulary) or a whole word (which then competes with its extensions).

        >>> Trie.from_words("to the tea then the tent".split()).complete("te", k=5)
        [('tea', 1), ('tent', 1)]
        """
        prefix = _check_prefix(prefix)
        k = check_int("k", k, minimum=1)
        return list(self._answers(prefix, k))

    def _answers(self, prefix: str, k: int) -> list[tuple[str, int]]:
        """:meth:`search`'s answers, memoised until the next insert (do not mutate the list)."""
        answers = self._memo.get((prefix, k))
        if answers is None:
            if len(self._memo) >= 100_000:
                self._memo.clear()
            answers = self._memo[(prefix, k)] = self.search(prefix, k)[0]
        return answers

    def visits(self, prefix: str, k: int = 3) -> int:
        """How many trie nodes :meth:`complete` touches for this query (a cost you can count).

        The root and the ``len(prefix)`` nodes walked down to the prefix's node, plus every
        other node the best-first search pops: only nodes on the paths from the prefix's
        node to the answers, so at most ``len(prefix) + 1 + sum(len(answer) - len(prefix))``
        over the answers. (A prefix that matches nothing counts ``len(prefix)``.)

        >>> trie = Trie.from_words("the then cat".split())
        >>> trie.visits("th", k=1)   # root, t, h, then e, where "the" ends
        4
        >>> trie.visits("", k=3)     # the whole trie: root, t, h, e, n, c, a, t
        8
        """
        return self.search(prefix, k)[1]

    def suggest(self, history, prefix: str = "", k: int = 3) -> list[str]:
        """The completer interface of :func:`keystrokes_saved`: ``complete``'s words only.

        ``history`` (the previous words of the sentence) is accepted and ignored.

        >>> Trie.from_words("the then cat".split()).suggest(["the"], "t", k=3)
        ['the', 'then']
        """
        check_tokens("history", history)
        return [word for word, _ in self.complete(prefix, k)]


class NextWordCompleter:
    """Suggest the next word from an n-gram model, backing off to a fallback completer.

    For a history ``h`` (the words typed so far in the sentence) and the letters ``prefix``
    typed of the next word, the suggestions are the words ``w`` starting with ``prefix``
    in order of ``P(w | last n - 1 words of h)`` (most probable first, ties alphabetical,
    as :meth:`NGramModel.distribution` gives them). The sentence start ``<s>`` pads a short
    history, exactly as in training. The special tokens ``</s>`` and ``<unk>`` are never
    suggested.

    An MLE model knows only the words it saw after a context (none after an unseen one).
    When it offers fewer than ``k`` matching words, the rest come from ``fallback``, without
    repeats: a :class:`Trie` of word counts (plain frequency), or another
    ``NextWordCompleter`` with a shorter context, so a trigram model can back off to a
    bigram model and then to frequency. A smoothed model ranks its whole vocabulary in
    every context, so it never needs a fallback, but each new context then costs
    ``O(V log V)`` and its cached ranking holds ``V`` words.

    Args:
        model: a fitted :class:`~lmcore.ngram.NGramModel`.
        fallback: a :class:`Trie`, another ``NextWordCompleter``, or ``None``.
        cache_size: how many contexts' ranked lists to keep (an integer >= 1).

    >>> from lmcore.ngram import NGramModel
    >>> m = NGramModel(2).fit([["the", "cat", "sat"], ["the", "cow", "sat"], ["a", "cat"]])
    >>> c = NextWordCompleter(m, fallback=Trie.from_words(["cap", "cat", "cot"]))
    >>> c.suggest(["the"], "c", k=3)   # cat, cow from the bigram model; cap from the trie
    ['cat', 'cow', 'cap']
    >>> c.suggest([], "", k=2)          # after <s>
    ['the', 'a']
    """

    def __init__(self, model: NGramModel, fallback=None, cache_size: int = 4096):
        if not isinstance(model, NGramModel):
            raise TypeError(f"model must be a fitted NGramModel, got {type(model).__name__}")
        if not model.vocab:
            raise ValueError("model must be fitted: call model.fit(sentences) first")
        if fallback is not None and not isinstance(fallback, (Trie, NextWordCompleter)):
            raise TypeError(
                "fallback must be a Trie, a NextWordCompleter or None, "
                f"got {type(fallback).__name__}"
            )
        self.model = model
        self.fallback = fallback
        self.cache_size = check_int("cache_size", cache_size, minimum=1)
        #: how many previous words the suggestions depend on (this model's or the fallback's)
        self.context_size = max(model.n - 1, 0 if fallback is None else fallback.context_size)
        self._cache: dict[tuple[str, ...], tuple[tuple[str, float], ...]] = {}

    def __repr__(self) -> str:
        return f"NextWordCompleter({self.model!r}, fallback={self.fallback!r})"

    @property
    def name(self) -> str:
        """A short label of this completer's own model, e.g. ``"3-gram"``."""
        return f"{self.model.n}-gram"

    def _context(self, history: list[str]) -> tuple[str, ...]:
        size = self.model.n - 1
        if size == 0:
            return ()
        padded = [BOS] * size + history
        return tuple(padded[len(padded) - size :])

    def _ranked(self, context: tuple[str, ...]) -> dict[str, tuple[tuple[str, float], ...]]:
        """The words this model offers after ``context``, best first, grouped by first letter.

        Returns ``{"": all (word, p) pairs, letter: the pairs whose word starts with it}``,
        each in the order of ``model.distribution(context)``; cached per context.
        """
        ranked = self._cache.get(context)
        if ranked is None:
            try:
                p = self.model.probabilities(context)  # (V,) over the sorted vocabulary
            except ValueError:  # an MLE model never saw this context: it offers nothing
                p = np.zeros(len(self.model.vocab))
            # the order of model.distribution: most probable first, ties alphabetical (the
            # vocabulary is sorted, so a stable sort on -p keeps ties in index order)
            seen = np.flatnonzero(p > 0)
            order = seen[np.argsort(-p[seen], kind="stable")]
            vocab = self.model.vocab
            pairs = [(vocab[i], float(p[i])) for i in order if vocab[i] not in (EOS, UNK, BOS)]
            groups: dict[str, list[tuple[str, float]]] = {}
            for pair in pairs:  # scanning one letter's group, not the whole list, per query
                groups.setdefault(pair[0][0], []).append(pair)
            ranked = {letter: tuple(group) for letter, group in groups.items()}
            ranked[""] = tuple(pairs)
            if len(self._cache) >= self.cache_size:
                self._cache.clear()
            self._cache[context] = ranked
        return ranked

    def explain(self, history, prefix: str = "", k: int = 3) -> list[tuple[str, float, str]]:
        """The suggestions as ``(word, probability, source)``, best first.

        ``source`` names who offered the word: ``"2-gram"`` (probability
        ``P(w | context)`` of that model), or ``"frequency"`` for a :class:`Trie`
        fallback (probability ``count(w) / total``, the unigram estimate).

        >>> from lmcore.ngram import NGramModel
        >>> m = NGramModel(2).fit([["the", "cat"], ["the", "cow"], ["the", "cat"]])
        >>> c = NextWordCompleter(m, fallback=Trie.from_counts({"cab": 2, "cat": 1, "cob": 1}))
        >>> [(w, round(p, 3), s) for w, p, s in c.explain(["the"], "c", 3)]
        [('cat', 0.667, '2-gram'), ('cow', 0.333, '2-gram'), ('cab', 0.5, 'frequency')]
        """
        history = check_tokens("history", history)
        prefix = _check_prefix(prefix)
        k = check_int("k", k, minimum=1)
        return self._explain(history, prefix, k)

    def _explain(self, history: list[str], prefix: str, k: int) -> list[tuple[str, float, str]]:
        out: list[tuple[str, float, str]] = []
        for word, p in self._ranked(self._context(history)).get(prefix[:1], ()):
            if word.startswith(prefix):
                out.append((word, p, self.name))
                if len(out) == k:
                    return out
        if self.fallback is None:
            return out
        have = {w for w, _, _ in out}
        if isinstance(self.fallback, Trie):
            total = self.fallback.total
            matches = self.fallback._answers(prefix, k + len(out))
            more = [(w, c / total, "frequency") for w, c in matches]
        else:
            more = self.fallback._explain(history, prefix, k + len(out))
        for item in more:
            if item[0] not in have:
                out.append(item)
                if len(out) == k:
                    break
        return out

    def suggest(self, history, prefix: str = "", k: int = 3) -> list[str]:
        """At most ``k`` words to offer after ``history`` (a list of words) given ``prefix``."""
        return [word for word, _, _ in self.explain(history, prefix, k)]


def _check_completer(completer):
    if not callable(getattr(completer, "suggest", None)) or not hasattr(completer, "context_size"):
        raise TypeError(
            "completer must have a suggest(history, prefix, k) method and a context_size "
            f"(a Trie or a NextWordCompleter), got {type(completer).__name__}"
        )
    return completer


def word_keystrokes(word: str, history, completer, k: int = 3) -> int:
    """Keystrokes needed to enter ``word`` (and the space after it) with ``completer``'s help.

    The typing model: before each letter, including before the first, the completer sees
    ``history`` (the previous words of the sentence, a list) and the letters typed so far,
    and offers at most ``k`` words. If ``word`` is offered, one keystroke accepts it, and
    the accepted word comes with its space. Otherwise the typist types the next letter. A
    word offered after ``i`` typed letters (``0 <= i < len(word)``) costs ``i + 1``
    keystrokes; a word never offered costs ``len(word) + 1`` (its letters and a space),
    exactly its cost without any completer.

    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> word_keystrokes("the", [], trie, k=1)   # offered before typing: 1 key
    1
    >>> word_keystrokes("mat", ["the"], trie, k=1)   # "" -> the, "m" -> mat: m + accept
    2
    >>> word_keystrokes("dog", [], trie, k=1)   # never offered: d, o, g, space
    4
    """
    word = _check_word("word", word)
    history = check_tokens("history", history)
    completer = _check_completer(completer)
    k = check_int("k", k, minimum=1)
    for i in range(len(word)):
        if word in completer.suggest(history, word[:i], k):
            return i + 1
    return len(word) + 1


def _sentences(text) -> list[list[str]]:
    if isinstance(text, str):
        sentences = [s for s in tokenized_sentences(text) if s]
        if not sentences:
            raise ValueError("text holds no words")
        return sentences
    return check_sentences("text", text)


def _typed_totals(sentences: list[list[str]], completer, ks: list[int]) -> tuple[list[int], int]:
    """Keystrokes to type ``sentences`` for each k of ``ks`` (sorted), and without help.

    One pass asking for the top ``max(ks)``: the top-k list is taken to be the first k of
    the top-``max(ks)`` list, which holds for any completer that ranks by a fixed order
    (a Trie, a NextWordCompleter). Identical queries are answered once.
    """
    size = check_int("completer.context_size", completer.context_size, minimum=0)
    top = ks[-1]
    memo: dict[tuple[tuple[str, ...], str], list[str]] = {}
    typed = [0] * len(ks)
    plain = 0
    for sentence in sentences:
        for j, word in enumerate(sentence):
            history = sentence[:j]
            context = tuple(history[max(0, j - size) :]) if size else ()
            plain += len(word) + 1
            costs = [len(word) + 1] * len(ks)  # never offered: letters and a space
            for i in range(len(word)):
                query = (context, word[:i])
                offered = memo.get(query)
                if offered is None:
                    offered = memo[query] = list(completer.suggest(history, word[:i], top))
                if word in offered:
                    position = offered.index(word)
                    for m, k in enumerate(ks):
                        if position < k and costs[m] == len(word) + 1:
                            costs[m] = i + 1
                    if position < ks[0]:  # found for every k: stop typing
                        break
            for m in range(len(ks)):
                typed[m] += costs[m]
    if plain == 0:
        raise ValueError("text holds no words")
    return typed, plain


def keystroke_counts(text, completer, k: int = 3) -> tuple[int, int]:
    """Return ``(with_completer, without)``: total keystrokes to type ``text`` both ways.

    ``text`` is a string (split with ``corpus.tokenized_sentences``, so it is lowercased
    and punctuation is dropped) or a list of sentences, each a list of words. Each word
    costs :func:`word_keystrokes`; its history is the words before it in its sentence (a
    new sentence starts with an empty history). Without a completer a word costs its
    letters plus one space.

    Identical queries are answered once (memoised on the last ``completer.context_size``
    words of the history and the prefix), so a long text costs little more than its
    distinct queries.

    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> keystroke_counts("The cat. The mat!", trie, k=1)   # (1 + 2) + (1 + 2) vs 4 * 4
    (6, 16)
    """
    completer = _check_completer(completer)
    k = check_int("k", k, minimum=1)
    typed, plain = _typed_totals(_sentences(text), completer, [k])
    return typed[0], plain


def keystrokes_saved(text, completer, k: int = 3) -> float:
    """The share of keystrokes saved, ``1 - with / without``, in [0, 1).

    ``text``, ``completer`` and ``k`` as in :func:`keystroke_counts`; the typing model is
    that of :func:`word_keystrokes`. A fraction, not a percentage.

    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> keystrokes_saved("the cat", trie, k=1)   # (1 + 2) instead of (4 + 4)
    0.625
    """
    typed, plain = keystroke_counts(text, completer, k)
    return 1.0 - typed / plain


def keystrokes_saved_by_k(text, completer, ks) -> dict[int, float]:
    """``{k: keystrokes_saved(text, completer, k)}`` for every k of ``ks``, in one pass.

    Types the text once, asking for the top ``max(ks)`` suggestions and reading the top
    ``k`` as their first ``k``: exact for completers that rank by a fixed order, as
    :class:`Trie` and :class:`NextWordCompleter` do (for others use
    :func:`keystrokes_saved` per k).

    >>> trie = Trie.from_words("the cat sat on the mat".split())
    >>> keystrokes_saved_by_k("the cat", trie, [1, 2])   # cat: 2 keys at k = 1, 1 at k = 2
    {1: 0.625, 2: 0.75}
    """
    completer = _check_completer(completer)
    if isinstance(ks, (str, bytes)) or not isinstance(ks, Iterable):
        raise TypeError(f"ks must be a sequence of integers >= 1, got {type(ks).__name__}")
    ks = sorted({check_int("ks[]", k, minimum=1) for k in ks})
    if not ks:
        raise ValueError("ks must hold at least one k")
    typed, plain = _typed_totals(_sentences(text), completer, ks)
    return {k: 1.0 - t / plain for k, t in zip(ks, typed)}


def split_typed(typed: str) -> tuple[list[str], str]:
    """Split what a learner typed into ``(previous words, prefix of the word being typed)``.

    The prefix is the run of letters, digits and apostrophes at the very end (lowercased);
    it is ``""`` after a space or punctuation. The previous words come from
    :func:`lmcore.corpus.words`.

    >>> split_typed("The King sa")
    (['the', 'king'], 'sa')
    >>> split_typed("the king ")
    (['the', 'king'], '')
    """
    if not isinstance(typed, str):
        raise TypeError(f"typed must be a str, got {type(typed).__name__}")
    lowered = typed.lower()
    end = len(lowered)
    start = end
    while start > 0 and (lowered[start - 1].isalnum() or lowered[start - 1] == "'"):
        start -= 1
    return words(lowered[:start]), lowered[start:end]
