"""A trie (prefix tree) of words with counts: "the k most frequent words starting with p".

A trie (from re*trie*val; Fredkin, 1960) stores a vocabulary as a tree of letters: the path
from the root spells a word, and every word that starts with ``"th"`` lives under the node
reached by ``t`` then ``h``. Finding that node costs ``len(prefix)`` steps, however big the
vocabulary. Ranking what lies below it is the real work. Collecting *every* word of the
subtree and sorting them (the slide's way) costs as much as the subtree. :class:`Trie`
instead keeps, at every node, the rank key ``(-count, word)`` of the best word below it, and
searches *best first* (:meth:`Trie.search`): it opens only the nodes on the paths to the
``k`` answers.

This is the plain version notebook 11 shows. :class:`lmcore.trie_fast.FastTrie` answers the
same queries with less work per opened node (children kept sorted, answers memoised) and is
tested equal to it.

>>> trie = Trie.from_words("the cat sat on the mat".split())
>>> trie.complete("", k=2)
[('the', 2), ('cat', 1)]
"""

from __future__ import annotations

import heapq

from lmcore._checks import check_int, check_mapping, check_str, check_tokens
from lmcore.validation import Custom, Int, Str, Tokens, validate


def _word(name, value):
    if not check_str(name, value):
        raise ValueError(f"{name} must be a non-empty string")
    return value


def _words(name, words):
    return [_word(f"{name}[{i}]", word) for i, word in enumerate(check_tokens(name, words))]


def _word_counts(name, counts):
    counts = check_mapping(name, counts)
    return {_word(f"{name} key", word): check_int(f"{name}[{word!r}]", count, minimum=1)
            for word, count in counts.items()}


#: A word to store: a non-empty ``str``.
WORD = Custom(_word)
#: A sequence of words to store (a bare string is refused), returned as a list.
WORDS = Custom(_words)
#: A mapping ``{word: count}`` with counts >= 1 (a dict or ``collections.Counter``).
WORD_COUNTS = Custom(_word_counts)


class TrieNode:
    """One node of a :class:`Trie`: its children by letter, the word that ends here (if any)
    with its count, and the rank key of the best word in its subtree."""

    def __init__(self):
        self.children: dict[str, TrieNode] = {}
        self.word: str | None = None  # the word spelled by the path to this node, if inserted
        self.count = 0  # how often that word was inserted
        # (-count, word) of the best word below this node (itself included): highest count
        # first, then alphabetical; None while no word lies below
        self.best: tuple[int, str] | None = None


class Trie:
    """A prefix tree of words with counts.

    Build it with :meth:`insert` (or :meth:`from_words`, :meth:`from_counts`); ask it with
    :meth:`complete`. Words are stored exactly as given (lowercase them first if case
    should not matter: ``corpus.words`` does). It is also a completer (:meth:`suggest`,
    :meth:`explain`) that ignores the previous words: ``context_size`` is 0.

    >>> trie = Trie.from_counts({"the": 5, "then": 2, "they": 2, "cat": 7})
    >>> trie.complete("th", k=2)
    [('the', 5), ('then', 2)]
    >>> len(trie), trie.count("they"), "ca" in trie
    (4, 2, False)
    """

    #: A trie ignores the previous words: it completes from word frequency alone.
    context_size = 0

    def __init__(self):
        self.root = TrieNode()
        self.total = 0  # the number of word occurrences inserted (the sum of all counts)

    @classmethod
    @validate(words=WORDS)
    def from_words(cls, words) -> Trie:
        """Insert every word of ``words`` (a sequence of non-empty strings) once per occurrence.

        >>> Trie.from_words(["b", "a", "b"]).complete("", k=5)
        [('b', 2), ('a', 1)]
        """
        trie = cls()
        for word in words:
            trie.insert(word)
        return trie

    @classmethod
    @validate(counts=WORD_COUNTS)
    def from_counts(cls, counts) -> Trie:
        """Insert each ``word`` with its ``count`` (a dict or ``collections.Counter``).

        >>> Trie.from_counts({"a": 3}).count("a")
        3
        """
        trie = cls()
        for word, count in counts.items():
            trie.insert(word, count)
        return trie

    @validate(word=WORD, count=Int(min=1))
    def insert(self, word: str, count: int = 1) -> None:
        """Add ``count`` occurrences of ``word``: walk down its letters, creating nodes as
        needed, then improve the best-word key of every node on the path.

        >>> t = Trie(); t.insert("hi"); t.insert("hi", 2); t.count("hi")
        3
        """
        node = self.root
        path = [node]
        for letter in word:
            if letter not in node.children:
                node.children[letter] = TrieNode()
            node = node.children[letter]
            path.append(node)
        node.word = word
        node.count += count
        self.total += count
        key = (-node.count, word)  # smaller ranks higher: more frequent, then alphabetical
        for on_path in path:  # the count only grew, so a node's best key can only improve
            if on_path.best is None or key < on_path.best:
                on_path.best = key

    @validate(prefix=Str(), k=Int(min=1))
    def search(self, prefix: str, k: int = 3) -> tuple[list[tuple[str, int]], int]:
        """Best-first search for the ``k`` best words below ``prefix``: ``(answers, visited)``.

        A heap holds ``(key, node)`` entries: a node's key is that of the best word below
        it, so nothing in its subtree outranks it, and entries leave the heap in rank order.
        Opening a node queues its own word (``node`` None) and its children. ``visited``
        counts the nodes touched: the root and the letters walked, then each node opened.

        >>> Trie.from_words("to the tea then the tent".split()).search("te", k=1)
        ([('tea', 1)], 4)
        """
        node = self.root
        for letter in prefix:  # walk down to the prefix's node
            node = node.children.get(letter)
            if node is None:
                return [], len(prefix)
        answers, visited = [], len(prefix)  # the prefix's node counts when it is opened
        heap = [] if node.best is None else [(node.best, node)]
        while heap and len(answers) < k:
            # every key in the heap is a different word's, so the nodes are never compared
            (minus_count, word), node = heapq.heappop(heap)
            if node is None:  # a word, and nothing left in the heap ranks higher
                answers.append((word, -minus_count))
                continue
            visited += 1
            if node.count:
                heapq.heappush(heap, ((-node.count, node.word), None))
            for child in node.children.values():
                heapq.heappush(heap, (child.best, child))
        return answers, visited

    def complete(self, prefix: str, k: int = 3) -> list[tuple[str, int]]:
        """The ``k`` most frequent words that start with ``prefix``, as ``(word, count)`` pairs.

        Ranked by count (highest first), ties in alphabetical order. Fewer than ``k`` pairs
        when fewer words match; ``[]`` when none do. ``prefix`` may be ``""`` (the whole
        vocabulary) or a whole word (which then competes with its extensions).

        >>> Trie.from_words("to the tea then the tent".split()).complete("te", k=5)
        [('tea', 1), ('tent', 1)]
        """
        return self.search(prefix, k)[0]

    def visits(self, prefix: str, k: int = 3) -> int:
        """How many trie nodes :meth:`complete` touches for this query (a cost you can count).

        The root and the ``len(prefix)`` nodes walked down to the prefix's node, plus every
        other node the best-first search opens: only nodes on the paths from the prefix's
        node to the answers. (A prefix that matches nothing counts ``len(prefix)``.)

        >>> trie = Trie.from_words("the then cat".split())
        >>> trie.visits("th", k=1)   # root, t, h, then e, where "the" ends
        4
        >>> trie.visits("", k=3)     # the whole trie: root, t, h, e, n, c, a, t
        8
        """
        return self.search(prefix, k)[1]

    # ------------------------------------------------------------------ reading
    def _nodes(self):
        stack = [self.root]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(node.children.values())

    def __len__(self) -> int:
        """The number of distinct words."""
        return sum(1 for node in self._nodes() if node.count)

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and self.count(word) > 0

    def __repr__(self) -> str:
        return f"Trie({len(self)} words, {self.total} occurrences, {self.node_count} nodes)"

    @property
    def node_count(self) -> int:
        """The number of nodes, root included: one per distinct prefix of the stored words."""
        return sum(1 for _ in self._nodes())

    @validate(word=Str())
    def count(self, word: str) -> int:
        """How many times ``word`` was inserted (0 if never).

        >>> Trie.from_words(["a", "ab"]).count("b")
        0
        """
        node = self.root
        for letter in word:
            node = node.children.get(letter)
            if node is None:
                return 0
        return node.count

    def items(self) -> list[tuple[str, int]]:
        """Every ``(word, count)``, in alphabetical order of the words (a full traversal).

        >>> Trie.from_words(["b", "a", "ab"]).items()
        [('a', 1), ('ab', 1), ('b', 1)]
        """
        return sorted((node.word, node.count) for node in self._nodes() if node.count)

    # ------------------------------------------------------------------ as a completer
    @validate(history=Tokens())
    def suggest(self, history, prefix: str = "", k: int = 3) -> list[str]:
        """The completer interface of :mod:`lmcore.keystrokes`: :meth:`complete`'s words.

        ``history`` (the previous words of the sentence) is accepted and ignored.

        >>> Trie.from_words("the then cat".split()).suggest(["the"], "t", k=3)
        ['the', 'then']
        """
        return [word for word, _ in self.complete(prefix, k)]

    @validate(history=Tokens())
    def explain(self, history, prefix: str = "", k: int = 3) -> list[tuple[str, float, str]]:
        """:meth:`complete` as ``(word, count / total, "frequency")``: the unigram estimate.

        >>> Trie.from_counts({"cab": 3, "cat": 1}).explain([], "ca", k=1)
        [('cab', 0.75, 'frequency')]
        """
        return [(word, count / self.total, "frequency") for word, count in self.complete(prefix, k)]
