"""Trigram add-k model on the stories: fit and held-out perplexity, lmcore.ngram_fast against
the readable lmcore.ngram and against nltk.lm.

The two lmcore models are the same model (a property test holds them equal); the ratio shows
what the integer codes of ngram_fast buy. All three get identical data: the same training and
held-out sentences, the same vocabulary (every training word, ``</s>`` and an unknown-word
symbol), the same pseudo-count.
nltk's :class:`nltk.lm.Lidstone` maps any token outside its vocabulary to ``<UNK>``, the
start padding ``<s>`` included, which would merge sentence starts with contexts holding an
unknown word. So nltk's sentences are padded on the left with ``</s>`` instead: it is in the
vocabulary and never appears inside a context otherwise, so the contexts correspond one to
one with lmcore's ``<s>`` contexts and the two perplexities must agree to rounding.
"""

from __future__ import annotations

import math
import time

import nltk
import numpy as np

import lmcore
from lmcore import corpus, ngram, ngram_fast
from lmcore.ngram import EOS

ORDER = 3
K = 0.1


def _best_time(fn, repeats: int):
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


TARGET_PLAIN = 3.0  # ngram_fast at least this many times faster than the readable ngram


def lmcore_perplexity(train, test, n: int = ORDER, k: float = K, model=ngram_fast.NGramModel) -> float:
    """Fit lmcore's add-k ``model`` (fast by default) on ``train``; its perplexity on ``test``."""
    return model(n, smoothing="add-k", k=k).fit(train).perplexity(test)


def nltk_perplexity(train, test, n: int = ORDER, k: float = K) -> float:
    """The same with ``nltk.lm.Lidstone`` (padding explained in the module docstring)."""
    from nltk.lm import Lidstone, Vocabulary
    from nltk.util import everygrams, ngrams

    def padded(sentence):
        return [EOS] * (n - 1) + list(sentence) + [EOS]

    vocab = Vocabulary([w for s in train for w in s] + [EOS], unk_cutoff=1)
    model = Lidstone(k, n, vocabulary=vocab)
    model.fit(list(everygrams(padded(s), max_len=n)) for s in train)
    return model.perplexity([g for s in test for g in ngrams(padded(s), n)])


def main(quick: bool = False) -> str:
    """Time both on identical data; return a Markdown section (raise if they disagree)."""
    sentences = corpus.tokenized_sentences(corpus.load_stories())
    if quick:
        sentences = sentences[:600]
    train, test = corpus.train_test_split(sentences, test_fraction=0.1, seed=0)
    n_train = sum(len(s) + 1 for s in train)
    n_test = sum(len(s) + 1 for s in test)
    t_ours, ours = _best_time(lambda: lmcore_perplexity(train, test), repeats=5)
    t_plain, plain = _best_time(lambda: lmcore_perplexity(train, test, model=ngram.NGramModel),
                                repeats=2 if quick else 3)
    t_theirs, theirs = _best_time(lambda: nltk_perplexity(train, test), repeats=1 if quick else 2)
    if not math.isclose(ours, theirs, rel_tol=1e-9):
        raise SystemExit(f"bench_ngram: perplexities disagree: lmcore {ours!r}, nltk {theirs!r}")
    if not math.isclose(ours, plain, rel_tol=1e-12):
        raise SystemExit(f"bench_ngram: ngram_fast {ours!r} and the readable ngram {plain!r} disagree")
    met = "met" if t_plain / t_ours >= TARGET_PLAIN else "NOT met"
    return "\n".join([
        "## N-gram: trigram add-k fit + held-out perplexity, lmcore.ngram_fast against lmcore.ngram, nltk.lm",
        "",
        f"lmcore {lmcore.__version__}, nltk {nltk.__version__}, numpy {np.__version__}. "
        f"Trigram, add-k with k = {K} (nltk.lm.Lidstone); {len(train):,} training sentences "
        f"({n_train:,} tokens), {len(test):,} held out ({n_test:,} tokens); same vocabulary "
        f"({len(ngram_fast.NGramModel(1).fit(train).vocab):,} types). Best of several runs. "
        f"Targets: lmcore.ngram_fast at least 10x faster than nltk.lm and at least {TARGET_PLAIN:.0f}x "
        f"faster than the readable lmcore.ngram ({met}).",
        "",
        "| library | held-out perplexity | fit + perplexity (ms) | time / lmcore |",
        "|---|---:|---:|---:|",
        f"| lmcore.ngram_fast | {ours:.6f} | {t_ours * 1e3:.0f} | 1x |",
        f"| lmcore.ngram (readable) | {plain:.6f} | {t_plain * 1e3:.0f} | {t_plain / t_ours:.1f}x |",
        f"| nltk.lm | {theirs:.6f} | {t_theirs * 1e3:.0f} | {t_theirs / t_ours:.1f}x |",
        "",
        "The perplexities agree to a relative 1e-9 (the two lmcore models to 1e-12).",
    ])
