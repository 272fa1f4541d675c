"""Independent references for the autocomplete tests (notebook 11): they share no code with lmcore.

Completions are a filter and a sort over a dict of counts, n-gram rankings are recounted from
the padded training sentences, and typing is simulated letter by letter.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from functools import cache

from lmcore import corpus


@cache
def stories():
    """The stories' training and test sentences and the training word counts (notebook 11's)."""
    sentences = corpus.tokenized_sentences(corpus.load_stories())
    train, test = corpus.train_test_split(sentences, 0.1, seed=0)
    return train, test, Counter(w for s in train for w in s)


def brute_complete(counts, prefix, k):
    """Filter-and-sort: the k most frequent words starting with prefix, ties alphabetical."""
    matching = [(w, c) for w, c in counts.items() if w.startswith(prefix) and c > 0]
    return sorted(matching, key=lambda wc: (-wc[1], wc[0]))[:k]


def brute_visits(prefix, answers):
    """Nodes on the walk to the prefix (root excluded) plus the distinct nodes from the
    prefix's node down to each answer: what a best-first search must open, and no more."""
    if not answers:
        return len(prefix)
    below = {w[:i] for w, _ in answers for i in range(len(prefix), len(w) + 1)}
    return len(prefix) + len(below)


class SlideAutocomplete:
    """The slide's trie of dicts, as printed on the slide (the reference for its example)."""

    def __init__(self):
        self.trie = {}
        self.word_freq = defaultdict(int)

    def add_word(self, word):
        word = word.lower()
        self.word_freq[word] += 1
        node = self.trie
        for char in word:
            node = node.setdefault(char, {})
        node["$"] = word

    def find_words(self, prefix):
        node = self.trie
        for char in prefix.lower():
            if char not in node:
                return []
            node = node[char]
        return self._dfs(node)

    def _dfs(self, node):
        results = []
        if "$" in node:
            results.append((self.word_freq[node["$"]], node["$"]))
        for char, child in node.items():
            if char != "$":
                results.extend(self._dfs(child))
        return results


class BruteBackoff:
    """Next-word suggestions recounted from the sentences: for each order in ``orders``
    (highest first), the words seen after the last n - 1 words ranked by count (= MLE
    probability), then plain word frequency; no repeats, no ``</s>``."""

    def __init__(self, sentences, orders):
        self.orders = list(orders)
        self.tables = {}
        for n in self.orders:
            table = defaultdict(Counter)
            for s in sentences:
                padded = ["<s>"] * (n - 1) + s + ["</s>"]
                for i in range(n - 1, len(padded)):
                    table[tuple(padded[i - n + 1 : i])][padded[i]] += 1
            self.tables[n] = {}
            for ctx, c in table.items():  # ranked words, and the same split by first letter
                ranked = [w for w, _ in sorted(c.items(), key=lambda wc: (-wc[1], wc[0]))]
                by_letter = {"": ranked}
                for w in ranked:
                    by_letter.setdefault(w[0], []).append(w)
                self.tables[n][ctx] = by_letter
        unigram = Counter(w for s in sentences for w in s)
        self.by_prefix = defaultdict(list)  # every prefix -> its words, ranked
        for w, _ in sorted(unigram.items(), key=lambda wc: (-wc[1], wc[0])):
            for i in range(len(w) + 1):
                self.by_prefix[w[:i]].append(w)
        self.context_size = max([n - 1 for n in self.orders] + [0])

    def suggest(self, history, prefix, k):
        out = []
        for n in self.orders:
            ctx = tuple((["<s>"] * (n - 1) + list(history))[len(history):]) if n > 1 else ()
            candidates = self.tables[n].get(ctx, {}).get(prefix[:1], [])
            for w in [w for w in candidates if w.startswith(prefix)]:
                if len(out) >= k:
                    return out
                if w != "</s>" and w not in out:
                    out.append(w)
        for w in self.by_prefix.get(prefix, []):
            if len(out) >= k:
                break
            if w not in out:
                out.append(w)
        return out[:k]


def brute_keystrokes(sentences, suggest, ks, context_size=None):
    """Type every word letter by letter; accept it (1 key) as soon as it is among the first
    k offered. Returns ``({k: keystrokes}, keystrokes without help)``.

    The reference completers return the first k of one fixed ranked list, so one list of
    max(ks) answers serves every k. Answers are memoised on the last ``context_size`` words
    (all of them if None), the only part of the history the reference completers read."""
    ks = [ks] if isinstance(ks, int) else list(ks)
    top = max(ks)
    typed = dict.fromkeys(ks, 0)
    plain = 0
    memo = {}
    for s in sentences:
        for j, word in enumerate(s):
            plain += len(word) + 1
            start = 0 if context_size is None else max(0, j - context_size)
            for k in ks:
                cost = len(word) + 1
                for i in range(len(word)):
                    key = (tuple(s[start:j]), word[:i])
                    if key not in memo:
                        memo[key] = suggest(s[:j], word[:i], top)
                    if word in memo[key][:k]:
                        cost = i + 1
                        break
                typed[k] += cost
    return typed, plain
