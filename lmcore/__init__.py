"""lmcore: the small, tested helper package behind the course *Physics of Language Models in Python*.

One idea per module. Where speed matters, a ``*_fast`` sibling computes the same numbers as the
plain module a notebook shows, and a property test holds the two equal.

- :mod:`lmcore.corpus`           the course's texts and the one switch (LMCORE_TEXT) that changes them
- :mod:`lmcore.segmentation`     cutting text into sentences and words                          (01-13)
- :mod:`lmcore.splits`           shuffled splits, and splits by whole story                     (01-13)
- :mod:`lmcore.ngram`            counting n-grams; an n-gram model with MLE, add-k, Kneser-Ney   (01, 03)
- :mod:`lmcore.ngram_fast`       the same n-gram model, vectorised, for sweeps                (01, 03, 07-13)
- :mod:`lmcore.information`      entropy, cross-entropy, perplexity, KL divergence             (02, 03)
- :mod:`lmcore.information_fast` conditional entropy on integer codes                              (02)
- :mod:`lmcore.entropy_estimators` the Miller-Madow correction of the plug-in entropy             (02)
- :mod:`lmcore.markov`           a synthetic Markov language whose entropy is known exactly   (02, 03, 13)
- :mod:`lmcore.kneser_ney`       interpolated Kneser-Ney with dicts and loops                      (03)
- :mod:`lmcore.intervals`        Wilson score intervals for shares measured on small samples       (01)
- :mod:`lmcore.embeddings`       word vectors: cosine similarity, nearest words, analogies         (04)
- :mod:`lmcore.count_embeddings` co-occurrence, PPMI and SVD embeddings                          (04)
- :mod:`lmcore.count_embeddings_fast` the same counts and SVD, for the sweeps and widgets         (04)
- :mod:`lmcore.story_embeddings` the stories as embeddings in one cached call               (05, 06, 13)
- :mod:`lmcore.attention`        stable softmax, scaled dot-product and multi-head attention   (05, 06)
- :mod:`lmcore.positions`        causal and padding masks, sinusoidal positions                (05, 06)
- :mod:`lmcore.block`            a pre-norm transformer block                                      (06)
- :mod:`lmcore.layers`           transformer layers: each forward pass beside its backward pass    (07)
- :mod:`lmcore.transformer`      TransformerLM, a whole GPT-style model                        (06, 07, 13)
- :mod:`lmcore.induction`        a repeated-segment language with an exact floor                   (07)
- :mod:`lmcore.line_fit`         fitting a line by gradient descent; learning-rate runs            (07)
- :mod:`lmcore.optimizers`       SGD and Adam                                                      (07)
- :mod:`lmcore.gradient_check`   hand-written gradients against finite differences                (07)
- :mod:`lmcore.lm_data`          vocabularies, ``<unk>`` for rare words, training pairs, id streams
- :mod:`lmcore.neural_lm`        a neural bigram model and an MLP language model                   (07)
- :mod:`lmcore.training`         the training loop and how it diverges                             (07)
- :mod:`lmcore.lm_training`      training a sequence model with Adam, with checkpoints        (07, 13)
- :mod:`lmcore.tokenizers`       vocabularies with ``<unk>``; the pieces of BPE                    (08)
- :mod:`lmcore.bpe`              byte-pair encoding the plain way                                  (08)
- :mod:`lmcore.tokenizers_fast`  the same merges and ids, fast                                     (08)
- :mod:`lmcore.vocabulary_stats` Zipf's law and the out-of-vocabulary curve                        (08)
- :mod:`lmcore.sampling`         temperature, top-k, top-p, sampling and generation                (09)
- :mod:`lmcore.beam`             beam search, greedy and exhaustive decoding                       (10)
- :mod:`lmcore.beam_fast`        the same beams, pruned early, for the widget                      (10)
- :mod:`lmcore.beam_finished`    finished hypotheses set aside; the GNMT length penalty            (10)
- :mod:`lmcore.trie`             a trie of words with a best-first search                          (11)
- :mod:`lmcore.trie_fast`        the same answers with less work per query                         (11)
- :mod:`lmcore.completer`        next-word completion from an n-gram model                         (11)
- :mod:`lmcore.completer_fast`   the same suggestions, rankings kept per context                   (11)
- :mod:`lmcore.keystrokes`       keystrokes saved by a completer                                   (11)
- :mod:`lmcore.suggestions`      what notebook 11's text box shows                                 (11)
- :mod:`lmcore.reviews`          the bundled reviews and reading public labelled sets              (12)
- :mod:`lmcore.sentiment`        bag-of-words pipelines, cross-validation, read-outs               (12)
- :mod:`lmcore.classifier_stats` precision, recall, F1 and McNemar's test                          (12)
- :mod:`lmcore.scaling`          power-law fits                                                    (13)
- :mod:`lmcore.scaling_laws`     the published scaling laws (Kaplan 2020, Hoffmann 2022)           (13)
- :mod:`lmcore.scaling_uncertainty` standard errors and bootstrap intervals of a fitted law        (13)
- :mod:`lmcore.learning_curves`  held-out loss of fresh models on growing data                     (13)
- :mod:`lmcore.challenges`       small measurements of the field's open problems                   (13)
- :mod:`lmcore.datasets`         real text on demand (Gutenberg, Tiny Shakespeare, UCI sentiment)
- :mod:`lmcore.downloads`        download once, verify, cache: the machinery behind ``datasets``
- :mod:`lmcore.validation`       ``@validate``: a function's argument checks as one line
- :mod:`lmcore.plotting`         the one house style for figures, plus one figure module per topic
- :mod:`lmcore.widgets`          thin ipywidgets bindings: compute with lmcore, then draw
- :mod:`lmcore.exercises`        the checker for the learners' exercise solutions
- :mod:`lmcore.display`          show lmcore's own source in a notebook

The computing modules import numpy and each other, and a few import a library for one job:
scipy (statistics, a bounded minimiser), scikit-learn (the sentiment pipelines), pooch,
requests and tqdm (downloads, progress bars), threadpoolctl (one BLAS thread while training).
None imports matplotlib, ipywidgets or IPython, so every number can be tested without a
display; plotting modules draw what they are given and widgets bind a computation to a
drawing (``tests/test_layering.py`` holds these sentences true).
"""

__version__ = "0.1.0"
