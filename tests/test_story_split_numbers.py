"""Numbers notebooks 08, 09 and 11 print on the story-level split, recomputed independently.

The split is ``corpus.split_stories(text, 0.1, 0.1, seed=0)`` (whole stories held out); the
references are numpy's ``unique``, scipy's entropy and plain sets of word pairs.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import entropy

from lmcore import corpus, ngram


@pytest.fixture(scope="module")
def split():
    return corpus.split_stories(corpus.load_stories(), dev_fraction=0.1, test_fraction=0.1, seed=0)


def _pairs(sentences, n):
    out = []
    for s in sentences:
        padded = ["<s>"] * (n - 1) + s + ["</s>"]
        out += [tuple(padded[i:i + n]) for i in range(len(padded) - n + 1)]
    return out


def test_whole_stories_and_no_shared_sentence(split):
    train, dev, test = (corpus.stories(t) for t in split)
    assert (len(train), len(dev), len(test)) == (36, 5, 5)
    train_sents = set(corpus.sentences(split[0]))
    assert not train_sents & set(corpus.sentences(split[2]))


def test_notebook_08_unknown_words_by_story(split):
    train = [w for s in corpus.sentences(split[0]) for w in corpus.words(s)]
    test = [w for s in corpus.sentences(split[2]) for w in corpus.words(s)]
    types, counts = np.unique(np.array(train), return_counts=True)
    kept = types[counts >= 2]
    unknown = ~np.isin(np.array(test), kept)
    assert 4 + len(kept) == 2154 and len(test) == 6273 and unknown.sum() == 367
    assert f"{100 * unknown.mean():.1f}" == "5.9"
    # a sentence split of the same text leaks: its unknown-word rate is lower (4.7%)
    sents = corpus.sentences(corpus.load_stories())
    s_train, s_test = corpus.train_test_split(sents, 0.1, seed=0)
    tr = np.array([w for s in s_train for w in corpus.words(s)])
    te = np.array([w for s in s_test for w in corpus.words(s)])
    t2, c2 = np.unique(tr, return_counts=True)
    assert f"{100 * (~np.isin(te, t2[c2 >= 2])).mean():.1f}" == "4.7"


def test_notebook_09_entropy_and_new_pairs(split):
    train = corpus.tokenized_sentences(split[0])
    test = corpus.tokenized_sentences(split[2])
    model = ngram.NGramModel(3, smoothing="kneser-ney").fit(train)
    p = model.probabilities(["said", "the"])
    assert len(model.vocab) == 3400
    assert round(float(entropy(p, base=2)), 2) == 4.11
    seen = set(_pairs(train, 2))
    test_pairs = _pairs(test, 2)
    assert f"{100 * np.mean([t not in seen for t in test_pairs]):.1f}" == "36.7"


def test_notebook_11_coverage_and_unseen_words(split):
    train = corpus.tokenized_sentences(split[0])
    test = corpus.tokenized_sentences(split[2])
    for n, want in [(2, "63.3"), (3, "28.9")]:
        seen = set(_pairs(train, n))
        assert f"{100 * np.mean([t in seen for t in _pairs(test, n)]):.1f}" == want
    vocab = {w for s in train for w in s}
    unseen = [w for s in test for w in s if w not in vocab]
    assert len(unseen) == 200 and sum(len(w) + 1 for w in unseen) == 1457
