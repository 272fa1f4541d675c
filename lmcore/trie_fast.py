"""The fast sibling of :class:`lmcore.trie.Trie`: the same answers, less work per query.

:class:`FastTrie` has the plain trie's public interface and returns the same answers and
``visits`` counts (``tests/test_trie.py`` holds them equal on random word lists). Three
changes make it fast where speed matters (keystroke sweeps, the panel, the benchmark):

- each node keeps its children **sorted by their best key** (re-sorted lazily after an
  insert), so opening a node queues at most three heap entries (its own word, its best
  child, its next sibling) instead of all its children;
- answers are **memoised** per ``(prefix, k)`` until the next insert: typing a text asks the
  same queries many times;
- the size, total and node count are counters updated by each insert, and the builders
  (:meth:`FastTrie.from_words`, :meth:`FastTrie.from_counts`) insert without re-checking
  every word.

A query then costs ``O(len(prefix) + k * L * log(k * L))`` for answers of at most ``L``
letters: it depends on the prefix and the answers, not on the vocabulary size.

>>> trie = FastTrie.from_words("the cat sat on the mat".split())
>>> trie.complete("", k=2)
[('the', 2), ('cat', 1)]
"""

from __future__ import annotations

import heapq

from lmcore.trie import WORD, WORD_COUNTS, WORDS
from lmcore.validation import Int, Str, Tokens, validate

MEMO_SIZE = 100_000  # answers kept before the memo is emptied


class _Node:
    __slots__ = ("children", "count", "word", "best", "order")

    def __init__(self):
        self.children: dict[str, _Node] = {}
        self.count = 0
        self.word: str | None = None
        self.best: tuple[int, str] | None = None  # (-count, word) of the best word below
        self.order: list[_Node] | None = None  # children sorted by .best (None: re-sort)

    def sorted_children(self) -> list[_Node]:
        if self.order is None:
            self.order = sorted(self.children.values(), key=lambda child: child.best)
        return self.order


class FastTrie:
    """:class:`lmcore.trie.Trie` with sorted children, a memo and counters (same answers).

    >>> trie = FastTrie.from_counts({"the": 5, "then": 2, "they": 2, "cat": 7})
    >>> trie.complete("th", k=2), trie.visits("th", k=2)
    ([('the', 5), ('then', 2)], 5)
    >>> repr(trie)
    'FastTrie(4 words, 16 occurrences, 9 nodes)'
    """

    #: A trie ignores the previous words: it completes from word frequency alone.
    context_size = 0

    def __init__(self):
        self._root = _Node()
        self._size = 0
        self._total = 0
        self._nodes = 1
        self._memo: dict[tuple[str, int], list[tuple[str, int]]] = {}

    # ------------------------------------------------------------------ building
    @classmethod
    @validate(words=WORDS)
    def from_words(cls, words) -> FastTrie:
        """Insert every word of ``words`` (a sequence of non-empty tokens) once per occurrence.

        >>> FastTrie.from_words(["b", "a", "b"]).complete("", k=5)
        [('b', 2), ('a', 1)]
        """
        trie = cls()
        for word in words:
            trie._add(word, 1)
        return trie

    @classmethod
    @validate(counts=WORD_COUNTS)
    def from_counts(cls, counts) -> FastTrie:
        """Insert each ``word`` with its ``count`` (a dict or ``collections.Counter``).

        >>> FastTrie.from_counts({"a": 3}).count("a")
        3
        """
        trie = cls()
        for word, count in counts.items():
            trie._add(word, count)
        return trie

    @validate(word=WORD, count=Int(min=1))
    def insert(self, word: str, count: int = 1) -> None:
        """Add ``count`` (an integer >= 1) occurrences of ``word`` (a non-empty string).

        >>> t = FastTrie(); t.insert("hi"); t.insert("hi", 2); t.count("hi")
        3
        """
        self._add(word, count)

    def _add(self, word: str, count: int) -> None:
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
        for on_path in path:  # the count only grew, so the key can only get better
            if on_path.best is None or key < on_path.best:
                on_path.best = key
            on_path.order = None  # a child's key may have changed: re-sort when asked

    def clear_memo(self) -> None:
        """Forget the memoised answers (the benchmark does, to time every query afresh)."""
        self._memo.clear()

    # ------------------------------------------------------------------ reading
    def __len__(self) -> int:
        """The number of distinct words."""
        return self._size

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and self.count(word) > 0

    def __repr__(self) -> str:
        return f"FastTrie({self._size} words, {self._total} occurrences, {self._nodes} nodes)"

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

    @validate(word=Str())
    def count(self, word: str) -> int:
        """How many times ``word`` was inserted (0 if never).

        >>> FastTrie.from_words(["a", "ab"]).count("b")
        0
        """
        node = self._find(word)
        return 0 if node is None else node.count

    def items(self) -> list[tuple[str, int]]:
        """Every ``(word, count)``, in alphabetical order of the words.

        >>> FastTrie.from_words(["b", "a", "ab"]).items()
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
    @validate(prefix=Str(), k=Int(min=1))
    def search(self, prefix: str, k: int = 3) -> tuple[list[tuple[str, int]], int]:
        """``(answers, visited)`` as :meth:`lmcore.trie.Trie.search` gives them.

        >>> FastTrie.from_words("to the tea then the tent".split()).search("te", k=1)
        ([('tea', 1)], 4)
        """
        return self._search(prefix, k)

    def _search(self, prefix: str, k: int) -> tuple[list[tuple[str, int]], int]:
        start = self._find(prefix)
        visited = len(prefix)
        if start is None or start.best is None:
            return [], visited
        answers: list[tuple[str, int]] = []
        # entries: (rank key, kind, tie, payload); kind 0 = a word, 1 = a node given as
        # (its parent's sorted children, its index there)
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

    def _answers(self, prefix: str, k: int) -> list[tuple[str, int]]:
        answers = self._memo.get((prefix, k))
        if answers is None:
            if len(self._memo) >= MEMO_SIZE:
                self._memo.clear()
            answers = self._memo[(prefix, k)] = self._search(prefix, k)[0]
        return answers

    @validate(prefix=Str(), k=Int(min=1))
    def complete(self, prefix: str, k: int = 3) -> list[tuple[str, int]]:
        """The ``k`` most frequent words that start with ``prefix`` (ties alphabetical).

        >>> FastTrie.from_words("to the tea then the tent".split()).complete("te", k=5)
        [('tea', 1), ('tent', 1)]
        """
        return list(self._answers(prefix, k))

    @validate(prefix=Str(), k=Int(min=1))
    def visits(self, prefix: str, k: int = 3) -> int:
        """How many trie nodes the search touches, as :meth:`lmcore.trie.Trie.visits` counts.

        >>> FastTrie.from_words("the then cat".split()).visits("th", k=1)
        4
        """
        return self._search(prefix, k)[1]

    # ------------------------------------------------------------------ as a completer
    @validate(history=Tokens(), prefix=Str(), k=Int(min=1))
    def suggest(self, history, prefix: str = "", k: int = 3) -> list[str]:
        """:meth:`complete`'s words; ``history`` is accepted and ignored.

        >>> FastTrie.from_words("the then cat".split()).suggest(["the"], "t", k=3)
        ['the', 'then']
        """
        return [word for word, _ in self._answers(prefix, k)]

    @validate(history=Tokens(), prefix=Str(), k=Int(min=1))
    def explain(self, history, prefix: str = "", k: int = 3) -> list[tuple[str, float, str]]:
        """:meth:`complete` as ``(word, count / total, "frequency")``.

        >>> FastTrie.from_counts({"cab": 3, "cat": 1}).explain([], "ca", k=1)
        [('cab', 0.75, 'frequency')]
        """
        return [(word, count / self._total, "frequency") for word, count in self._answers(prefix, k)]
