"""lmcore: the small, tested helper package behind the course *Physics of Language Models in Python*.

One module per idea, each readable on its own:

- :mod:`lmcore.corpus`        the course's English stories, sentences and words, splits, MarkovSource
- :mod:`lmcore.ngram`         counting n-grams; n-gram models (MLE, add-k, Kneser-Ney)       (01, 03)
- :mod:`lmcore.information`   entropy, cross-entropy, perplexity, KL divergence, compression   (02, 03)
- :mod:`lmcore.embeddings`    cosine similarity, co-occurrence, PPMI, SVD embeddings, analogies (04)
- :mod:`lmcore.attention`     stable softmax, scaled dot-product and multi-head attention, masks (05, 06)
- :mod:`lmcore.layers`        transformer layers: each forward pass beside its hand-written backward  (07)
- :mod:`lmcore.transformer`   a pre-norm transformer block; TransformerLM, a whole GPT-style model (06, 07)
- :mod:`lmcore.induction`     a repeated-segment language with an exact floor; induction scores  (07)
- :mod:`lmcore.lm_training`   training a sequence model with Adam, with checkpoints to replay (07, 13)
- :mod:`lmcore.training`      gradient descent, gradient checks, SGD and Adam, the training loop (07)
- :mod:`lmcore.neural_lm`     a neural bigram model and an MLP language model with backprop     (07)
- :mod:`lmcore.tokenizers`    vocabularies with ``<unk>``, Zipf's law, byte-level BPE            (08)
- :mod:`lmcore.bpe`           byte-pair encoding trained the plain way (full recount), as 08 shows (08)
- :mod:`lmcore.sampling`      temperature, top-k, top-p, sampling and generation                (09)
- :mod:`lmcore.beam`          beam search, greedy and exhaustive decoding                         (10)
- :mod:`lmcore.autocomplete`  a best-first trie, next-word completion, keystrokes saved           (11)
- :mod:`lmcore.sentiment`     the bundled reviews, bag-of-words pipelines, cross-validation      (12)
- :mod:`lmcore.scaling`       power-law fits and the published scaling laws                      (13)
- :mod:`lmcore.challenges`    small measurements of the field's open problems                    (13)
- :mod:`lmcore.datasets`      real text on demand (Gutenberg, Tiny Shakespeare, UCI sentiment), pooch
- :mod:`lmcore.plotting`      the one house style for figures, plus one figure module per topic
- :mod:`lmcore.widgets`       thin ipywidgets bindings of the tested figure/table functions
- :mod:`lmcore.exercises`     the checker for the learners' exercise solutions
- :mod:`lmcore.display`       show lmcore's own source in a notebook

The computing modules import numpy (and, for :mod:`lmcore.datasets`, pooch) and each other,
never matplotlib or ipywidgets, so every number can be tested without a display.
"""

__version__ = "0.1.0"
