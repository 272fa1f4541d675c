"""Every figure of lmcore.plotting is drawn and measured: no text leaves the figure, no two
texts overlap, and no legend covers a bar or a data marker.

The figure functions are found by introspection: a new public function in a
``lmcore.plotting`` module fails :func:`test_every_plotting_function_is_listed` until it gets
inputs in ``FIGURES`` (or is named in ``NOT_FIGURES``, with what it returns).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache, lru_cache

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.text import Text

import lmcore.plotting
from lmcore import attention, corpus, ngram, positions
from lmcore.plotting import close

matplotlib.use("Agg")

# ------------------------------------------------------------------------------- measuring


def _shown_tick_labels(fig) -> tuple[set[int], set[int]]:
    """(ids of the tick labels drawn, ids of every tick label): ticks outside the view are not drawn."""
    shown, every = set(), set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            scale = axis.get_transform()  # compare in the scaled space (log axes)
            lo, hi = sorted(scale.transform(np.asarray(axis.get_view_interval())))
            slack = 1e-9 * (hi - lo)
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                with np.errstate(all="ignore"):
                    loc = scale.transform(np.array([tick.get_loc()]))[0]
                inside = lo - slack <= loc <= hi + slack
                for label in (tick.label1, tick.label2):
                    every.add(id(label))
                    if inside and tick.get_visible() and label.get_visible():
                        shown.add(id(label))
    return shown, every


def _corners(text: Text, renderer) -> np.ndarray:
    """The four corners (pixels) of the rotated rectangle that ``text`` occupies, shape (4, 2)."""
    box = text.get_window_extent(renderer)
    angle = np.deg2rad(text.get_rotation())
    if np.isclose(np.sin(2 * angle), 0):  # 0, 90, 180, 270 degrees: the box is the text
        return np.array([[box.x0, box.y0], [box.x1, box.y0], [box.x1, box.y1], [box.x0, box.y1]])
    rotation = text.get_rotation()
    text.set_rotation(0)
    flat = text.get_window_extent(renderer)
    text.set_rotation(rotation)
    w, h = flat.width, flat.height
    c, s = np.cos(angle), np.sin(angle)
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]]) @ np.array([[c, s], [-s, c]])
    return corners - corners.min(axis=0) + [box.x0, box.y0]


def _overlap_depth(a: np.ndarray, b: np.ndarray) -> float:
    """How far (pixels) two convex polygons overlap; <= 0 when they are apart (separating axes)."""
    depth = np.inf
    for poly in (a, b):
        edges = np.roll(poly, -1, axis=0) - poly
        normals = np.stack([-edges[:, 1], edges[:, 0]], axis=1)
        normals /= np.maximum(np.linalg.norm(normals, axis=1, keepdims=True), 1e-12)
        pa, pb = a @ normals.T, b @ normals.T  # (4, 4): every corner on every axis
        depth = min(depth, float(np.min(np.minimum(pa.max(0), pb.max(0))
                                        - np.maximum(pa.min(0), pb.min(0)))))
    return depth


def _texts(fig):
    """Every visible, non-empty text of ``fig`` as (text, corners)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    shown, ticks = _shown_tick_labels(fig)
    found = []
    for text in fig.findobj(Text):
        if not text.get_visible() or not text.get_text().strip():
            continue
        if id(text) in ticks and id(text) not in shown:
            continue
        found.append((text, _corners(text, renderer)))
    return found


def _overlap(a, b, tol: float = 1.0) -> bool:
    """Do two pixel boxes (x0, y0, x1, y1) share more than ``tol`` pixels each way?"""
    return min(a[2], b[2]) - max(a[0], b[0]) > tol and min(a[3], b[3]) - max(a[1], b[1]) > tol


def _data_boxes(ax, renderer):
    """Pixel boxes of the bars and of the marker positions of ``ax``."""
    for container in ax.containers:
        if isinstance(container, BarContainer):
            for patch in container.patches:
                box = patch.get_window_extent(renderer)
                if box.width > 0.5 and box.height > 0.5:
                    yield "bar", box.extents
    for line in ax.get_lines():
        if line.get_marker() in (None, "None", "", " ") or not line.get_visible():
            continue
        xy = line.get_transform().transform(line.get_xydata())
        every = line.get_markevery()
        if every is not None:
            xy = xy[np.atleast_1d(every)] if not isinstance(every, int) else xy[::every]
        r = line.get_markersize() / 2
        for x, y in xy:
            yield "marker", (x - r, y - r, x + r, y + r)
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and len(collection.get_offsets()):
            xy = collection.get_offset_transform().transform(collection.get_offsets())
            for x, y in xy:
                yield "marker", (x - 2, y - 2, x + 2, y + 2)


def layout_problems(fig, tol: float = 1.0) -> list[str]:
    """What is wrong with the layout of ``fig`` (an empty list when nothing is)."""
    texts = _texts(fig)
    renderer = fig.canvas.get_renderer()
    problems = []
    width, height = fig.bbox.width, fig.bbox.height
    for text, corners in texts:
        (x0, y0), (x1, y1) = corners.min(axis=0), corners.max(axis=0)
        if x0 < -tol or y0 < -tol or x1 > width + tol or y1 > height + tol:
            problems.append(f"{text.get_text()!r} leaves the figure: x {x0:.0f} to {x1:.0f} of "
                            f"{width:.0f}, y {y0:.0f} to {y1:.0f} of {height:.0f} pixels")
    boxes = np.array([[*c.min(axis=0), *c.max(axis=0)] for _, c in texts]).reshape(-1, 4)
    wide = (np.minimum(boxes[:, None, 2], boxes[None, :, 2])
            - np.maximum(boxes[:, None, 0], boxes[None, :, 0]) > tol)
    tall = (np.minimum(boxes[:, None, 3], boxes[None, :, 3])
            - np.maximum(boxes[:, None, 1], boxes[None, :, 1]) > tol)
    for i, j in zip(*np.nonzero(np.triu(wide & tall, k=1))):  # upright boxes meet: look closer
        if _overlap_depth(texts[i][1], texts[j][1]) > tol:
                problems.append(f"{texts[i][0].get_text()!r} overlaps {texts[j][0].get_text()!r}")
    for ax in fig.axes:
        legend = ax.get_legend()
        if legend is None:
            continue
        box = legend.get_window_extent(renderer).extents
        for kind, data in _data_boxes(ax, renderer):
            if _overlap(box, data, tol):
                problems.append(f"the legend of {ax.get_title()!r} covers a {kind}")
                break
    return problems


# ------------------------------------------------------------------------ realistic inputs


@lru_cache(maxsize=1)
def _stories():
    """(train, test) sentences of the course's stories, split as the notebooks do."""
    return corpus.train_test_split(corpus.tokenized_sentences(corpus.load_stories()), 0.1, 0)


@lru_cache(maxsize=1)
def _next_words():
    """A trigram model's next-word distribution after 'said the', and the vocabulary."""
    train, _ = _stories()
    model = ngram.NGramModel(3, smoothing="kneser-ney").fit(train[:1500])
    return model.probabilities(["said", "the"]), list(model.vocab)


def _history(losses, steps=None):
    from lmcore.training import History

    steps = list(range(0, 10 * len(losses), 10)) if steps is None else steps
    return History("adam", 0.1, steps, list(losses), list(losses))


def _learning_curve(E, A, alpha, sizes, rng):
    sizes = np.asarray(sizes, dtype=float)
    return sizes, E + A * sizes ** -alpha + rng.normal(0, 0.005, sizes.size)


@cache
def _cases_information():
    from lmcore.plotting import information as m

    ks = list(range(7))
    whole = [4.05, 3.31, 2.58, 2.05, 1.62, 1.24, 0.93]
    sizes = [100, 300, 1_000, 3_000, 10_000, 30_000, 100_000]
    train, test = _stories()
    models = {n: ngram.NGramModel(n).fit(train[:1500]) for n in (1, 2, 3)}
    ns = [1, 2, 3, 4, 5]
    return {
        m.conditional_entropy_figure: [
            ((ks, {"plug-in estimate, whole text": whole}),
             {"bounds": {"zlib": 3.05, "bz2": 2.41, "lzma": 2.62}}),
            ((ks, {"whole text": whole, "first 20,000 characters": [4.04, 3.28, 2.45, 1.73,
                                                                      1.05, 0.6, 0.35]}),
             {"bounds": None, "shannon": None})],
        m.convergence_figure: [((sizes, {
            "k = 1 (too little context)": [2.6, 2.75, 2.8, 2.82, 2.83, 2.83, 2.83],
            "k = 2 (the true order)": [1.9, 2.2, 2.35, 2.42, 2.45, 2.46, 2.46],
            "k = 4 (more than needed)": [0.9, 1.3, 1.7, 2.0, 2.2, 2.35, 2.42]}, 2.462), {})],
        m.source_figure: [((c,), {}) for c in (0.01, 1.0, 100.0)] + [((0.5,), {"order": 2})],
        m.perplexity_by_order_figure: [((ns, {"add-k (k = 0.01)": [380, 60, 12, 4, 2.5],
                                              "Kneser-Ney": [330, 45, 10, 4.5, 3]},
                                         {"add-k (k = 0.01)": [420, 310, 520, 760, 900],
                                          "Kneser-Ney": [400, 230, 215, 220, 224]}), {})],
        m.markov_perplexity_figure: [(([300, 1_000, 3_000, 10_000, 30_000, 100_000],
                                       {"n = 2 (too short)": [6.5, 6.1, 6.0, 5.95, 5.94, 5.94],
                                        "n = 3 (the true order + 1)": [7.4, 6.6, 5.9, 5.6, 5.52,
                                                                       5.5],
                                        "n = 4 (longer)": [7.8, 7.2, 6.5, 5.9, 5.65, 5.55]},
                                       5.49), {})],
        m.add_k_figure: [((models, test[:200]), {"k": k}) for k in (1e-4, 0.01, 10.0)],
    }


@cache
def _cases_embeddings():
    from lmcore.count_embeddings import pca_2d
    from lmcore.embeddings import random_cosine_density, random_pair_cosines
    from lmcore.plotting import embeddings as m
    from lmcore.story_embeddings import story_embeddings

    rng = np.random.default_rng(0)
    groups = {
        "royal family": ["king", "queen", "prince", "princess", "crown", "castle"],
        "animals": ["cat", "dog", "horse", "sheep", "fox", "mare"],
        "food": ["bread", "buns", "loaf", "cheese", "honey", "cake"],
        "time": ["morning", "evening", "night", "day", "week", "afternoon"],
        "colours": ["red", "blue", "green", "yellow", "white", "gold"],
        "numbers": ["two", "three", "four", "six", "ten", "hundred"],
    }
    emb = story_embeddings()
    vectors = emb.lookup([w for members in groups.values() for w in members])
    xy = pca_2d(vectors / np.linalg.norm(vectors, axis=1, keepdims=True))  # (n, 2)
    return {
        m.cosine_histograms_figure: [(({d: random_pair_cosines(d, 10_000, rng)
                                        for d in (3, 30, 300)}, random_cosine_density), {})],
        m.projection_figure: [((xy, groups, emb.dim), {})],
    }


@cache
def _cases_attention():
    from lmcore.plotting import attention as m

    rng = np.random.default_rng(1)
    tokens = "king aldric wore his gold crown and his best blue cloak".split()
    x = rng.standard_normal((len(tokens), 48))
    weights = attention.softmax(rng.normal(0, 1.5, (len(tokens), len(tokens))))
    long = [f"w{i}" for i in range(20)]
    dims = [2, 8, 32, 128, 512]
    return {
        m.attention_heatmap: [
            ((weights, tokens, tokens, "Self-attention over a sentence (temperature 1)"), {}),
            ((np.where(positions.causal_mask(11), weights, 0) / np.where(
                positions.causal_mask(11), weights, 0).sum(1, keepdims=True), tokens, tokens,
              "Causal self-attention: no word sees the future"), {}),
            ((attention.softmax(rng.normal(size=(20, 20))), long, long, "Twenty tokens"), {})],
        m.scaling_figure: [((dims, attention.scaling_experiment(dims, 8, 200, 0)), {})],
        m.temperature_heatmap: [((tokens, attention.self_attention_weights(x, t)), {"temperature": t})
                                for t in (0.1, 1.0, 5.0)]
        + [((tokens, attention.self_attention_weights(x, mask=~np.eye(len(tokens), dtype=bool))),
            {"hide_self": True})],
        m.heads_figure: [((tokens, attention.multi_head_attention(
            x[None], *attention.random_projections(48, rng).values(), h,
            positions.causal_mask(len(tokens)) if h != 2 else None)[1][0], 48), {"causal": h != 2})
            for h in (1, 2, 4, 8)],
        m.positions_figure: [((positions.sinusoidal_positions(50, 48),), {})],
    }


@cache
def _cases_decoding():
    from lmcore.plotting import decoding as m
    from lmcore.sampling import sampling_distribution

    p, labels = _next_words()
    draws = np.random.default_rng(1).choice(len(p), size=10_000, p=p)
    t = np.linspace(0, 3, 61)
    curves = {name: np.log2(v) * (1 - np.exp(-3 * t)) for name, v in
              (("sat on", 40), ("said the", 400), ("<s> the", 1200))}
    return {
        m.sampling_figure: [((p, p, labels, "t = 1, no top-k, no top-p"), {"context": "said the"}),
                            ((p, sampling_distribution(p, 0.0), labels, "t = 0, no top-k, no top-p"),
                             {"context": "said the"}),
                            ((p, sampling_distribution(p, 3.0, top_k=5), labels,
                              "t = 3, top-k = 5, no top-p"), {"context": "x"}),
                            ((p, sampling_distribution(p, 1.5, top_p=0.5), labels,
                              "t = 1.5, no top-k, top-p = 0.5"), {})],
        m.frequency_figure: [((p, labels, draws), {})],
        m.entropy_figure: [((t, curves), {})],
        m.width_figure: [(([1, 2, 3, 5, 10], [-14.2, -12.9, -12.1, -11.3, -10.8],
                           [6.1, 4.2, 3.3, 2.6, 2.1]), {})],
    }


@cache
def _cases_autocomplete():
    from lmcore.plotting import autocomplete as m

    savings = {"trie (frequency only)": [0.12, 0.21, 0.25],
               "bigram -> frequency": [0.2, 0.3, 0.34],
               "trigram -> frequency": [0.19, 0.29, 0.33],
               "trigram -> bigram -> frequency": [0.22, 0.32, 0.36]}
    return {
        m.keystrokes_figure: [(([1, 3, 5], savings), {})],
        m.search_cost_figure: [((["", "t", "th", "k", "wh", "pr", "bre"],
                                 [3480, 240, 48, 61, 17, 39, 4], [9, 7, 6, 8, 6, 7, 5], 5), {})],
    }


@cache
def _cases_tokenizers():
    from lmcore.plotting import tokenizers as m

    train, _ = _stories()
    counts = np.array(sorted(_word_counts(train).values(), reverse=True), dtype=float)
    sizes = [256, 300, 400, 500, 600, 700, 800, 900, 1000]
    min_freqs = list(range(1, 21))
    vocab = [4000 / f ** 0.8 for f in min_freqs]
    rates = [0.01 + 0.012 * f ** 0.9 for f in min_freqs]
    return {
        m.zipf_figure: [((counts, -1.05, 3.6, 1000), {})],
        m.vocab_tradeoff_figure: [((min_freqs, vocab, rates), {"min_freq": f}) for f in (1, 2, 20)],
        m.bytes_per_token_figure: [((sizes, [1.0 + 2.6 * (1 - 256 / s) for s in sizes],
                                     [1.0 + 2.4 * (1 - 256 / s) for s in sizes]), {})],
    }


def _word_counts(sentences):
    counts = {}
    for s in sentences:
        for w in s:
            counts[w] = counts.get(w, 0) + 1
    return counts


@cache
def _cases_training():
    from lmcore.line_fit import learning_rate_run, slide_line_data
    from lmcore.plotting import training as m

    x, y = slide_line_data()
    steps = list(range(0, 201, 5))
    decay = np.exp(-np.array(steps) / 40)  # from hundreds or thousands down to about 100
    rng = np.random.default_rng(2)
    p_counts = rng.dirichlet(np.ones(7), size=8)
    p_neural = np.abs(p_counts + rng.normal(0, 0.02, p_counts.shape)) + 1e-4
    return {
        m.line_fit_figure: [((x, y, {"slide (lr 0.01, 1000 epochs)": (2.9, 4.1),
                                     "least squares": (2.97, 4.22)}), {})],
        m.learning_rate_figure: [((learning_rate_run(x, y, lr=lr),), {}) for lr in (0.01, 0.5, 1.2, 5.0)],
        m.training_curves_figure: [(({
            "neural bigram, full batch": {"SGD, lr 70": _history(np.log(130 + 570 * decay), steps),
                                          "Adam, lr 0.3": _history(np.log(120 + 580 * decay), steps)},
            "MLP, minibatches of 256": {"Adam, lr 0.03 decaying": _history(
                np.log(98 + 3000 * decay), steps)}},
            {"neural bigram, full batch": {"add-k count bigram": 128.7},
             "MLP, minibatches of 256": {"add-k count bigram": 128.7, "Kneser-Ney bigram": 110.2,
                                         "Kneser-Ney trigram": 104.9}}), {})],
        m.probability_agreement_figure: [((p_counts, p_neural, "add-k count bigram",
                                           "trained neural bigram"), {})],
    }


@cache
def _cases_sentiment():
    from lmcore.plotting import sentiment as m
    from lmcore.sentiment import RegularisationCurve

    positive = [("great", 1.9), ("loved", 1.7), ("excellent", 1.6), ("perfect", 1.4),
                ("recommend", 1.3), ("wonderful", 1.2), ("best", 1.1), ("comfortable", 1.0),
                ("delicious", 0.9), ("friendly", 0.9)]
    negative = [("worst", -2.0), ("disappointing", -1.8), ("awful", -1.6), ("broke", -1.4),
                ("waste", -1.3), ("refund", -1.2), ("rude", -1.1), ("boring", -1.0),
                ("cold", -0.9), ("stopped", -0.9)]
    Cs = 10 ** np.arange(-2, 2.01, 0.5)
    curve = RegularisationCurve(Cs, np.linspace(0.55, 0.8, Cs.size), np.full(Cs.size, 0.03),
                                np.linspace(0.6, 1.0, Cs.size))
    return {
        m.confusion_figure: [(([[362, 63], [49, 376]],), {})],
        m.word_weights_figure: [((positive, negative), {})],
        m.regularisation_figure: [((curve, C), {}) for C in (0.01, 1.0, 100.0)],
    }


@cache
def _cases_scaling():
    from lmcore.plotting import scaling as m
    from lmcore.scaling import fit_power_law

    rng = np.random.default_rng(3)
    markov = [1_000 * 2**k for k in range(7)]
    curves = {n: _learning_curve(E, 9.0, 0.5, markov, rng)
              for n, E in ((1, 2.95), (2, 2.6), (3, 2.3), (4, 2.32))}
    fits = {n: fit_power_law(*curves[n]) for n in curves}
    stories = [1_000, 4_000, 16_000, 64_000, 230_000]
    letters = {n: _learning_curve(E, 12.0, 0.3, stories, rng) for n, E in ((2, 3.2), (3, 2.6),
                                                                          (5, 1.9))}
    return {
        m.learning_curves_figure: [
            (({f"{n}-gram": curves[n] for n in curves},
              {f"{n}-gram": fits[n] for n in curves},
              {"entropy rate": 2.26, "H(X | 1 previous)": 2.58, "H(X)": 2.94}),
             {"title": "Markov source: held-out loss against training symbols"}),
            (({f"{n}-gram": letters[n] for n in letters},
              {f"{n}-gram": fit_power_law(*letters[n]) for n in letters},
              {"Shannon (1951), English with long contexts: at most": 1.3}),
             {"title": "Stories: held-out loss against training characters"})],
        m.published_laws_figure: [(({"Markov source, KN 3-gram": (*curves[3], fits[3]),
                                     "stories (letters), KN 5-gram": (
                                         *letters[5], fit_power_law(*letters[5]))},), {})],
        m.order_fit_figure: [((*curves[3], fit_power_law(*(np.asarray(v)[:k] for v in curves[3])), 2.3),
                              {"n": 3, "up_to": up_to}) for k, up_to in ((3, 4_000), (7, 64_000))],
        m.novelty_figure: [(([2, 3, 4, 5], [0.62, 0.31, 0.12, 0.05], [0.02, 0.1, 0.34, 0.6], 0.74),
                            {})],
    }


@cache
def _cases_ngram():
    from lmcore.plotting import ngram as m

    return {m.coverage_figure: [(([1, 2, 3, 4, 5], [0.96, 0.62, 0.27, 0.11, 0.05]), {})]}


@cache
def _cases_transformer():
    from lmcore.lm_training import LMHistory
    from lmcore.plotting import transformer as m
    from lmcore.scaling import fit_power_law

    rng = np.random.default_rng(4)
    steps = list(range(0, 601, 50))
    loss = [1.1 + 1.2 * np.exp(-s / 150) for s in steps]
    labels = "a b a c b d a b".split()
    maps = [[attention.softmax(np.where(positions.causal_mask(8), rng.normal(0, 2, (2, 8, 8)), -np.inf))
             for _ in range(2)] for _ in steps]
    history = LMHistory(steps, loss, loss, maps)
    floor = np.r_[1.386, np.full(14, 1.03)]
    sizes = np.array([2e3, 8e3, 3e4, 1.2e5])
    size_losses = 1.05 + 40 * sizes ** -0.45
    return {
        m.training_step_figure: [((history, i, labels, 1.031),
                                  {"references": {"Kneser-Ney trigram": 1.24, "MLP": 1.18}})
                                 for i in (0, 12)],
        m.position_loss_figure: [(({"transformer": floor + 0.1 * np.exp(-np.arange(15) / 4),
                                    "trigram, Kneser-Ney": floor + 0.15}, floor,
                                   "Loss at each position: the transformer against a trigram"), {})],
        m.model_size_figure: [((sizes, size_losses, fit_power_law(sizes, size_losses), 1.031,
                                "Transformers of growing size on the Markov source"), {})],
    }


CASES = [_cases_ngram, _cases_information, _cases_embeddings, _cases_attention, _cases_decoding,
         _cases_autocomplete, _cases_tokenizers, _cases_training, _cases_sentiment, _cases_scaling,
         _cases_transformer]

#: Public functions of lmcore.plotting that do not return a figure, and what they return.
NOT_FIGURES = {
    "lmcore.plotting.new_figure": "an empty figure in the house style (every figure uses it)",
    "lmcore.plotting.show": "None (displays a figure)",
    "lmcore.plotting.close": "None",
    "lmcore.plotting.format_table": "text",
    "lmcore.plotting.ngram.generated_text": "text",
    "lmcore.plotting.embeddings.neighbour_table": "text",
    "lmcore.plotting.decoding.beam_table": "text",
    "lmcore.plotting.autocomplete.suggestions_text": "text",
    "lmcore.plotting.sentiment.regularisation_summary": "text",
    "lmcore.plotting.tokenizers.merges_table": "text",
}


def _name(fn) -> str:
    return f"{fn.__module__}.{fn.__name__}"


def _public_functions() -> set[str]:
    found = {f"lmcore.plotting.{n}" for n, f in vars(lmcore.plotting).items()
             if inspect.isfunction(f) and not n.startswith("_") and f.__module__ == "lmcore.plotting"}
    for info in pkgutil.iter_modules(lmcore.plotting.__path__):
        module = importlib.import_module(f"lmcore.plotting.{info.name}")
        found |= {_name(f) for n, f in vars(module).items()
                  if inspect.isfunction(f) and not n.startswith("_") and f.__module__ == module.__name__}
    return found


def test_every_plotting_function_is_listed():
    listed = {_name(fn) for build in CASES for fn in build()}
    assert not listed & set(NOT_FIGURES)
    missing = _public_functions() - set(NOT_FIGURES) - listed
    assert not missing, (f"give these plotting functions inputs in a _cases_<module> of this file "
                         f"(or list them in NOT_FIGURES): {sorted(missing)}")


@pytest.mark.parametrize("build", [pytest.param(b, id=b.__name__.removeprefix("_cases_"))
                                   for b in CASES])
def test_no_text_is_clipped_or_overlapping_and_no_legend_covers_data(build):
    problems = []
    cases = build()
    module = f"lmcore.plotting.{build.__name__.removeprefix('_cases_')}"
    assert all(fn.__module__ == module for fn in cases)
    for fn, calls in cases.items():
        for args, kwargs in calls:
            fig = fn(*args, **kwargs)
            assert isinstance(fig, matplotlib.figure.Figure), _name(fn)
            problems += [f"{fn.__name__}{kwargs or ''}: {p}" for p in layout_problems(fig)]
            close(fig)
    assert not problems, "\n".join(problems)


def test_the_measure_sees_clipping_overlap_and_covered_bars_but_not_rotated_neighbours():
    fig, ax = lmcore.plotting.new_figure("A title far too long to fit " * 4, "x (units)", "y (units)")
    ax.text(0.5, 0.5, "first label", transform=ax.transAxes)
    ax.text(0.52, 0.5, "second label", transform=ax.transAxes)
    ax.bar([0, 1, 2], [1.0, 1.0, 1.0], label="bars")
    ax.legend(loc="center")
    problems = layout_problems(fig)
    close(fig)
    assert any("leaves the figure" in p for p in problems)
    assert any("'first label' overlaps 'second label'" in p for p in problems)
    assert any("covers a bar" in p for p in problems)
    # long labels at 45 degrees: their upright boxes overlap, the rotated text does not
    fig, ax = lmcore.plotting.new_figure("Rotated tick labels", "word", "count")
    ax.bar(range(8), np.arange(1.0, 9.0))
    ax.set_xticks(range(8), [f"a longer label {i}" for i in range(8)], rotation=45, ha="right",
                  rotation_mode="anchor")
    assert layout_problems(fig) == []
    corners = [c for t, c in _texts(fig) if t.get_text() == "a longer label 0"][0]
    assert np.ptp(corners[:, 0]) > 60  # the measure is of the rotated text, not a point
    close(fig)
