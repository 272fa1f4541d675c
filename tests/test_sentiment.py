"""Tests for lmcore.sentiment, its data, its figures, panel and exercises, and notebook 12's numbers.

References: scikit-learn called directly (cross_val_score, cross_val_predict, cross_validate,
metrics.confusion_matrix, a hand-built Pipeline), the csv module for the data file, regular
expressions and brute-force loops. No expected number is copied from lmcore's own output.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import warnings
import zipfile
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix as sk_confusion_matrix
from sklearn.model_selection import (
    StratifiedKFold,
    cross_val_predict,
    cross_val_score,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import make_pipeline

from lmcore import sentiment
from lmcore.reviews import has_negation, load_reviews, read_labelled_sentences
from lmcore.sentiment import (
    RegularisationCurve,
    bag_of_words_pipeline,
    confusion_matrix,
    cross_validated_probabilities,
    evaluate,
    fold_accuracies,
    regularisation_curve,
    top_words,
    word_contributions,
)

matplotlib.use("Agg")

DATA = Path(sentiment.__file__).parent / "data" / "reviews.tsv"
SLIDE_TEXTS = ["I love this product", "This is terrible", "Great experience",
               "Worst purchase ever", "Highly recommended"]
SLIDE_LABELS = [1, 0, 1, 0, 1]
NEGATION_RE = re.compile(r"\b(not|no|never|nothing|nobody|none|nor|neither|cannot|without|hardly|"
                         r"\w+n't)\b", re.IGNORECASE)


def sk_pipeline(ngram_range=(1, 1), tfidf=False, C=1.0, stop_words=None):
    """The reference model, built directly with scikit-learn."""
    vec = (TfidfVectorizer if tfidf else CountVectorizer)(ngram_range=ngram_range,
                                                         stop_words=stop_words)
    return make_pipeline(vec, LogisticRegression(C=C, solver="newton-cg", max_iter=1000,
                                                 tol=1e-6))


def cv(seed=0, folds=5):
    return StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)


@pytest.fixture(scope="module")
def rows():
    with open(DATA, encoding="ascii", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        return header, list(reader)


@pytest.fixture(scope="module")
def data():
    r = load_reviews()
    return r.texts, r.labels, r.domains


# ------------------------------------------------------------------------------ the data file


def test_reviews_file_is_well_formed(rows):
    header, body = rows
    assert header == ["label", "domain", "text"]
    assert all(len(r) == 3 for r in body)
    assert all(r[0] in ("0", "1") for r in body)
    assert all(r[2].strip() == r[2] and r[2] for r in body)
    raw = DATA.read_bytes()
    assert raw.isascii()
    assert raw.count(b"\t") == 2 * (len(body) + 1)  # no tab inside a text
    assert not any(ch in DATA.read_text() for ch in "\r\x0b\x0c")


def test_reviews_are_many_balanced_and_diverse(rows):
    _, body = rows
    assert len(body) >= 800
    labels = [r[0] for r in body]
    assert abs(labels.count("1") - labels.count("0")) <= 0.01 * len(body)
    domains = sorted({r[1] for r in body})
    assert len(domains) >= 4
    for d in domains:
        pos = sum(1 for r in body if r[1] == d and r[0] == "1")
        neg = sum(1 for r in body if r[1] == d and r[0] == "0")
        assert abs(pos - neg) <= max(1, 0.01 * (pos + neg)), d
    lengths = [len(r[2].split()) for r in body]
    assert min(lengths) < 4 and max(lengths) > 14  # short and longer reviews


def test_reviews_have_no_duplicates_even_ignoring_case_and_punctuation(rows):
    _, body = rows
    keys = [re.sub(r"[^a-z ]", "", r[2].lower()).strip() for r in body]
    assert len(set(keys)) == len(keys)


def test_reviews_hold_negations_in_both_classes(rows):
    _, body = rows
    for label in ("0", "1"):
        n = sum(1 for r in body if r[0] == label and NEGATION_RE.search(r[2]))
        assert n >= 30, (label, n)
    assert any("not bad" in r[2].lower() and r[0] == "1" for r in body)
    assert any("not good" in r[2].lower() and r[0] == "0" for r in body)


def test_load_reviews_matches_the_csv_reader(rows, data):
    _, body = rows
    texts, labels, domains = data
    assert texts == [r[2] for r in body]
    assert labels.tolist() == [int(r[0]) for r in body]
    assert domains == [r[1] for r in body]
    assert labels.dtype == np.int64


def test_load_reviews_from_a_path_and_bad_files(tmp_path):
    good = tmp_path / "r.tsv"
    good.write_text("label\tdomain\ttext\n1\tfilms\tGreat.\n0\tbooks\tDull.\n")
    r = load_reviews(good)
    assert r.texts == ["Great.", "Dull."] and r.labels.tolist() == [1, 0]
    for content in ("text\n1\tfilms\tGreat.\n", "label\tdomain\ttext\n2\tfilms\tGreat.\n",
                    "label\tdomain\ttext\n1\tGreat.\n", "label\tdomain\ttext\n"):
        bad = tmp_path / "bad.tsv"
        bad.write_text(content)
        with pytest.raises(ValueError, match="path"):
            load_reviews(bad)
    with pytest.raises(TypeError, match="path"):
        load_reviews(3)


# ------------------------------------- the public set's parser (download: test_datasets.py)


def make_archive(path: Path, extra: dict[str, bytes] | None = None) -> bytes:
    """A small zip laid out like the UCI archive (folder, three files, macOS junk)."""
    members = {
        "sentiment labelled sentences/amazon_cells_labelled.txt":
            b"Works great, love it.\t1\nBroke after a day.\t0\n",
        "sentiment labelled sentences/imdb_labelled.txt":
            b"A lovely film.  \t1\n\nTerrible acting.\t0\n",
        "sentiment labelled sentences/yelp_labelled.txt": b"Crust is not good.\t0\r\n",
        "sentiment labelled sentences/readme.txt": b"not data\n",
        "__MACOSX/sentiment labelled sentences/._imdb_labelled.txt": b"\x00\x01junk",
    }
    members.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


@pytest.fixture
def archive(tmp_path):
    source = tmp_path / "server" / "sentiment+labelled+sentences.zip"
    source.parent.mkdir()
    content = make_archive(source)
    return source, hashlib.sha256(content).hexdigest()


def test_parser_reads_the_uci_layout(archive):
    source, _ = archive
    r = read_labelled_sentences(source)
    assert r.texts == ["Works great, love it.", "Broke after a day.", "A lovely film.",
                       "Terrible acting.", "Crust is not good."]
    assert r.labels.tolist() == [1, 0, 1, 0, 0]
    assert r.domains == ["amazon", "amazon", "imdb", "imdb", "yelp"]


def test_parser_rejects_bad_archives(tmp_path):
    not_zip = tmp_path / "a.zip"
    not_zip.write_bytes(b"plain text")
    with pytest.raises(ValueError, match="path"):
        read_labelled_sentences(not_zip)
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("readme.txt", "nothing")
    with pytest.raises(ValueError, match="labelled"):
        read_labelled_sentences(empty)
    bad = tmp_path / "bad.zip"
    make_archive(bad, {"x/yelp_labelled.txt": b"no label here\n"})
    with pytest.raises(ValueError, match="line 1"):
        read_labelled_sentences(bad)


# -------------------------------------------------------------------------------- evaluation


@pytest.mark.parametrize("ngram_range, tfidf, seed, folds",
                         [((1, 1), False, 0, 5), ((1, 2), False, 3, 5), ((1, 1), True, 1, 4)])
def test_evaluate_reproduces_cross_val_score(data, ngram_range, tfidf, seed, folds):
    texts, labels, _ = data
    reference = cross_val_score(sk_pipeline(ngram_range, tfidf), texts, labels,
                                cv=cv(seed, folds))
    mean, std = evaluate(bag_of_words_pipeline(ngram_range, tfidf), texts, labels, folds, seed)
    assert mean == pytest.approx(reference.mean(), abs=1e-12)
    assert std == pytest.approx(reference.std(), abs=1e-12)
    scores = fold_accuracies(bag_of_words_pipeline(ngram_range, tfidf), texts, labels, folds,
                             seed)
    np.testing.assert_allclose(scores, reference, atol=1e-12)


def test_evaluate_works_with_any_estimator():
    texts = ["good", "bad", "great", "awful", "nice", "poor", "fine", "worst"] * 2
    labels = [1, 0] * 8
    from sklearn.dummy import DummyClassifier

    pipe = make_pipeline(CountVectorizer(), DummyClassifier(strategy="most_frequent"))
    mean, std = evaluate(pipe, texts, labels, folds=4, seed=0)
    assert mean == pytest.approx(0.5) and std == pytest.approx(0.0)


def test_cross_validated_probabilities_match_cross_val_predict(data):
    texts, labels, _ = data
    probs = cross_validated_probabilities(bag_of_words_pipeline((1, 2)), texts, labels, 5, 0)
    reference = cross_val_predict(sk_pipeline((1, 2)), texts, labels, cv=cv(0),
                                  method="predict_proba")[:, 1]
    np.testing.assert_allclose(probs, reference, atol=1e-9)
    predicted = cross_val_predict(sk_pipeline((1, 2)), texts, labels, cv=cv(0))
    assert np.array_equal((probs > 0.5).astype(int), predicted)


def test_evaluation_bad_input(data):
    texts, labels, _ = data
    pipe = bag_of_words_pipeline()
    with pytest.raises(ValueError, match="folds"):
        evaluate(pipe, texts, labels, folds=1)
    with pytest.raises(TypeError, match="folds"):
        evaluate(pipe, texts, labels, folds=2.5)
    with pytest.raises(ValueError, match="labels"):
        evaluate(pipe, texts, labels[:-1])
    with pytest.raises(ValueError, match="labels"):
        evaluate(pipe, texts[:3], [0, 1, 2])
    with pytest.raises(ValueError, match="labels"):
        evaluate(pipe, ["a", "b", "c"], [0, 1, 1], folds=2)
    with pytest.raises(TypeError, match="texts"):
        evaluate(pipe, "one long string", [1])
    with pytest.raises(TypeError, match="pipeline"):
        evaluate("model", texts, labels)
    with pytest.raises(ValueError, match="seed"):
        evaluate(pipe, texts, labels, seed=-1)
    with pytest.raises(TypeError, match="pipeline"):
        cross_validated_probabilities(object(), texts, labels)


def test_bag_of_words_pipeline_settings_and_bad_input():
    p = bag_of_words_pipeline((1, 2), tfidf=True, C=0.5, stop_words="english")
    vec, clf = p.named_steps["vectorizer"], p.named_steps["classifier"]
    assert isinstance(vec, TfidfVectorizer) and vec.ngram_range == (1, 2)
    assert clf.C == 0.5 and clf.solver == "newton-cg" and clf.max_iter >= 1000
    assert "not" not in vec.build_analyzer()("not good")
    for bad in [(2, 1), (0, 1), [1, 2], (1,), (1.0, 2.0)]:
        with pytest.raises(ValueError, match="ngram_range"):
            bag_of_words_pipeline(bad)
    with pytest.raises(ValueError, match="C"):
        bag_of_words_pipeline(C=0)
    with pytest.raises(TypeError, match="tfidf"):
        bag_of_words_pipeline(tfidf="yes")
    with pytest.raises(ValueError, match="stop_words"):
        bag_of_words_pipeline(stop_words="french")


def test_no_convergence_warning_over_the_whole_C_grid(data):
    texts, labels, _ = data
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for C in (0.01, 1.0, 100.0):
            for ngram_range in ((1, 1), (1, 2)):
                bag_of_words_pipeline(ngram_range, C=C).fit(texts, labels)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1)), min_size=1, max_size=60))
def test_confusion_matrix_matches_sklearn(pairs):
    labels, predicted = zip(*pairs)
    expected = sk_confusion_matrix(labels, predicted, labels=[0, 1])
    assert np.array_equal(confusion_matrix(labels, predicted), expected)


def test_confusion_matrix_bad_input():
    with pytest.raises(ValueError, match="labels"):
        confusion_matrix([0, 2], [0, 1])
    with pytest.raises(ValueError, match="predicted"):
        confusion_matrix([0, 1], [0, 1, 1])
    with pytest.raises(ValueError, match="labels"):
        confusion_matrix([], [])


def test_regularisation_curve_matches_cross_validate(data):
    texts, labels, _ = data
    Cs = 10 ** np.arange(-2, 2.01, 1.0)
    curve = regularisation_curve(texts, labels, Cs, folds=5, seed=0)
    for i, C in enumerate(Cs):
        ref = cross_validate(sk_pipeline(C=C), texts, labels, cv=cv(0), return_train_score=True)
        assert curve.cv_mean[i] == pytest.approx(ref["test_score"].mean(), abs=1e-12)
        assert curve.cv_std[i] == pytest.approx(ref["test_score"].std(), abs=1e-12)
        assert curve.train_mean[i] == pytest.approx(ref["train_score"].mean(), abs=1e-12)
    with pytest.raises(ValueError, match="Cs"):
        regularisation_curve(texts, labels, [1.0, -1.0])
    with pytest.raises(ValueError, match="Cs"):
        regularisation_curve(texts, labels, [])


# --------------------------------------------------------------------------------- read-outs


@pytest.fixture(scope="module")
def fitted(data):
    texts, labels, _ = data
    return bag_of_words_pipeline().fit(texts, labels)


def test_top_words_are_the_extreme_coefficients(fitted, data):
    texts, labels, _ = data
    ref = sk_pipeline().fit(texts, labels)
    names = ref[0].get_feature_names_out()
    coef = ref[-1].coef_[0]
    order = np.lexsort((names, -coef))  # weight descending, then alphabetical
    positive, negative = top_words(fitted, k=10)
    assert [w for w, _ in positive] == list(names[order[:10]])
    np.testing.assert_allclose([v for _, v in positive], coef[order[:10]], atol=1e-9)
    order = np.lexsort((names, coef))
    assert [w for w, _ in negative] == list(names[order[:10]])
    assert all(v > 0 for _, v in positive) and all(v < 0 for _, v in negative)
    with pytest.raises(ValueError, match="k"):
        top_words(fitted, k=0)
    with pytest.raises(TypeError, match="pipeline"):
        top_words(bag_of_words_pipeline())


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["good", "not", "bad", "great", "the", "zzzunknown", "never",
                                 "disappointed", "but", "battery", "died", "Loved", "it"]),
                min_size=0, max_size=12))
def test_word_contributions_add_up_to_the_log_odds(fitted, tokens):
    text = " ".join(tokens)
    pairs = word_contributions(fitted, text)
    intercept = fitted.named_steps["classifier"].intercept_[0]
    assert intercept + sum(v for _, v in pairs) == pytest.approx(
        fitted.decision_function([text])[0], abs=1e-9)
    assert "zzzunknown" not in [w for w, _ in pairs]
    magnitudes = [abs(v) for _, v in pairs]
    assert magnitudes == sorted(magnitudes, reverse=True)


def test_word_contributions_bad_input(fitted):
    with pytest.raises(TypeError, match="text"):
        word_contributions(fitted, ["not", "good"])
    with pytest.raises(TypeError, match="pipeline"):
        word_contributions(LogisticRegression(), "good")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["not", "no", "never", "nothing", "good", "bad", "note",
                                 "know", "nevermore", "didn't", "Not", "the", "snot"]),
                max_size=8))
def test_has_negation_matches_a_regex(tokens):
    text = " ".join(tokens) + "."
    assert has_negation(text) == bool(NEGATION_RE.search(text))


def test_has_negation_bad_input():
    with pytest.raises(TypeError, match="text"):
        has_negation(None)


# ----------------------------------------------------------------- notebook 12's numbers


def test_slide_example_tests_on_one_example_and_gets_it_wrong():
    vectorizer = CountVectorizer()
    X = vectorizer.fit_transform(SLIDE_TEXTS)
    X_train, X_test, y_train, y_test = train_test_split(X, SLIDE_LABELS, test_size=0.2,
                                                        random_state=42)
    assert X_test.shape[0] == 1  # 20% of five examples is one example
    _, test_rows = train_test_split(np.arange(5), test_size=0.2, random_state=42)
    assert [SLIDE_TEXTS[i] for i in test_rows] == ["This is terrible"]
    for model in (LogisticRegression(solver="newton-cg", max_iter=1000), LogisticRegression()):
        model.fit(X_train, y_train)
        weights = dict(zip(vectorizer.get_feature_names_out(), model.coef_[0]))
        # words only in the test sentence have a zero column in training: weight exactly 0
        assert weights["is"] == 0 and weights["terrible"] == 0 and weights["this"] > 0
        assert model.score(X_test, y_test) == 0.0  # the slide prints 1.00
        new_X = vectorizer.transform(["This product is amazing"])
        assert "amazing" not in weights and model.predict(new_X)[0] == 1
        # the verdict is the logistic of bias + this + product
        z = model.intercept_[0] + weights["this"] + weights["product"]
        assert model.predict_proba(new_X)[0, 1] == pytest.approx(1 / (1 + np.exp(-z)))
    # leaked vocabulary: words of the fitted vocabulary absent from the training sentences
    train_words = {w for i in range(5) if i not in test_rows
                   for w in re.findall(r"\b\w\w+\b", SLIDE_TEXTS[i].lower())}
    leaked = sorted(set(vectorizer.get_feature_names_out()) - train_words)
    assert leaked == ["is", "terrible"]


def test_slide_leave_one_out_gets_two_of_five():
    right = 0
    for i in range(5):
        rest = [j for j in range(5) if j != i]
        model = sk_pipeline().fit([SLIDE_TEXTS[j] for j in rest], [SLIDE_LABELS[j] for j in rest])
        lm = bag_of_words_pipeline().fit([SLIDE_TEXTS[j] for j in rest],
                                         [SLIDE_LABELS[j] for j in rest])
        assert lm.predict([SLIDE_TEXTS[i]])[0] == model.predict([SLIDE_TEXTS[i]])[0]
        right += int(model.predict([SLIDE_TEXTS[i]])[0] == SLIDE_LABELS[i])
    assert right == 2


def test_negation_table_and_stop_word_pitfall(data):
    texts, labels, _ = data
    negated = np.array([bool(NEGATION_RE.search(t)) for t in texts])
    assert np.array_equal(negated, [has_negation(t) for t in texts])
    results = {}
    for name, (ngram_range, tfidf, stop) in {"uni": ((1, 1), False, None),
                                             "bi": ((1, 2), False, None),
                                             "tfidf": ((1, 2), True, None),
                                             "stop": ((1, 1), False, "english")}.items():
        ref = cross_val_predict(sk_pipeline(ngram_range, tfidf, stop_words=stop), texts, labels,
                                cv=cv(0))
        ours = (cross_validated_probabilities(
            bag_of_words_pipeline(ngram_range, tfidf, stop_words=stop), texts, labels) > 0.5)
        assert np.array_equal(ours.astype(int), ref)
        results[name] = ref == labels
    # the notebook's claims: negation is harder, bigrams help there, stop words hurt there
    assert results["uni"][negated].mean() < results["uni"][~negated].mean() - 0.05
    assert results["bi"][negated].mean() > results["uni"][negated].mean()
    assert results["stop"][negated].mean() < results["uni"][negated].mean()
    ref_matrix = sk_confusion_matrix(labels, cross_val_predict(sk_pipeline(), texts, labels,
                                                               cv=cv(0)))
    ours = confusion_matrix(labels, (cross_validated_probabilities(
        bag_of_words_pipeline(), texts, labels) > 0.5).astype(int))
    assert np.array_equal(ours, ref_matrix)


def test_bag_of_words_is_good_but_not_perfect(data):
    texts, labels, _ = data
    scores = cross_val_score(sk_pipeline(), texts, labels, cv=cv(0))
    assert 0.7 < scores.mean() < 0.9


def test_new_sentence_probabilities_and_misclassified_refits(data):
    texts, labels, _ = data
    sentences = ["good", "not good", "The food was not good at all.", "not bad",
                 "This product is amazing", "Great screen but the battery died."]
    for ngram_range in ((1, 1), (1, 2)):
        ours = bag_of_words_pipeline(ngram_range).fit(texts, labels)
        ref = sk_pipeline(ngram_range).fit(texts, labels)
        np.testing.assert_allclose(ours.predict_proba(sentences), ref.predict_proba(sentences),
                                   atol=1e-9)
        if ngram_range == (1, 2):
            ref_weights = dict(zip(ref[0].get_feature_names_out(), ref[-1].coef_[0]))
            pairs = dict(word_contributions(ours, "not bad"))
            assert pairs == pytest.approx({w: ref_weights[w] for w in ("not", "bad", "not bad")})
    assert sum("not bad" in t.lower() for t in texts) == sum(
        bool(re.search(r"\bnot bad\b", t, re.IGNORECASE)) for t in texts)
    analyzer = CountVectorizer().build_analyzer()
    assert sum("bad" in analyzer(t) for t in texts) == sum(
        bool(re.search(r"\bbad\b", t, re.IGNORECASE)) for t in texts)
    # a leave-one-out refit, as the notebook does for its misclassified reviews
    i = 5
    keep = np.arange(len(texts)) != i
    ours = bag_of_words_pipeline().fit([t for t, k in zip(texts, keep) if k], labels[keep])
    ref = sk_pipeline().fit([t for t, k in zip(texts, keep) if k], labels[keep])
    assert ours.predict_proba([texts[i]])[0, 1] == pytest.approx(
        ref.predict_proba([texts[i]])[0, 1], abs=1e-9)


def test_single_split_spread_brackets_the_cv_mean(data):
    texts, labels, _ = data
    splits = [train_test_split(texts, labels, test_size=0.2, random_state=s) for s in range(20)]
    accs = [sk_pipeline().fit(a, c).score(b, d) for a, b, c, d in splits]
    ours = [bag_of_words_pipeline().fit(a, c).score(b, d) for a, b, c, d in splits]
    np.testing.assert_allclose(ours, accs, atol=1e-12)  # the notebook's min / median / max
    mean, _ = evaluate(bag_of_words_pipeline(), texts, labels)
    assert min(accs) < mean < max(accs)
    assert max(accs) - min(accs) > 0.03


# ------------------------------------------------------------------- figures, panel, exercises


@pytest.fixture(scope="module")
def curve():
    Cs = 10 ** np.arange(-2, 2.01, 0.5)
    rng = np.random.default_rng(0)
    return RegularisationCurve(Cs, np.linspace(0.6, 0.8, Cs.size), rng.uniform(0.01, 0.03, Cs.size),
                               np.linspace(0.7, 1.0, Cs.size))


def test_figures_are_titled_and_labelled(curve):
    from matplotlib.figure import Figure

    from lmcore.plotting import close
    from lmcore.plotting.sentiment import (
        confusion_figure,
        regularisation_figure,
        word_weights_figure,
    )

    figs = [confusion_figure([[30, 10], [5, 40]]),
            word_weights_figure([("great", 1.5), ("good", 1.0)], [("bad", -1.2)]),
            regularisation_figure(curve, 1.0)]
    for fig in figs:
        assert isinstance(fig, Figure)
        ax = fig.axes[0]
        assert ax.get_title() and ax.get_xlabel() and ax.get_ylabel()
        close(fig)
    fig = regularisation_figure(curve, 0.9)  # snaps to the grid point C = 1
    assert fig.axes[0].get_title().startswith("C = 1: cross-validated accuracy 70.0%")
    close(fig)
    with pytest.raises(ValueError, match="matrix"):
        confusion_figure([[1, 2, 3]])
    with pytest.raises(TypeError, match="curve"):
        regularisation_figure((1, 2), 1.0)
    with pytest.raises(ValueError, match="C"):
        regularisation_figure(curve, -1.0)


def test_regularisation_summary_reads_the_grid(curve):
    from lmcore.plotting.sentiment import regularisation_summary

    i = int(np.argmin(np.abs(curve.Cs - 10 ** 0.5)))
    text = regularisation_summary(curve, 3.0)
    assert text == (f"C = 3.16: cross-validated accuracy {100 * curve.cv_mean[i]:.1f}% +- "
                    f"{100 * curve.cv_std[i]:.1f}% (training {100 * curve.train_mean[i]:.1f}%)")


def test_panel_builds_and_reacts(curve, capsys):
    import ipywidgets

    from lmcore.plotting.live import kept
    from lmcore.widgets.sentiment import regularisation_panel

    panel = regularisation_panel(curve, C=1.0)
    assert isinstance(panel, ipywidgets.interactive)
    slider = panel.children[0]
    assert isinstance(slider, ipywidgets.FloatLogSlider)
    assert re.search(r"^C \(regularisation", slider.description)
    assert slider.continuous_update is False
    assert slider.min == pytest.approx(-2) and slider.max == pytest.approx(2)
    slider.value = 10 ** 1.5
    assert panel.kwargs["C"] == pytest.approx(10 ** 1.5)
    assert kept(panel.live.current)["title"].get_text().startswith("C = 31.6: cross-validated")
    assert "accuracy" not in capsys.readouterr().out   # the numbers are in the figure, not printed
    panel.close()
    with pytest.raises(TypeError, match="curve"):
        regularisation_panel([1, 2, 3])


def test_exercises_accept_references_and_reject_wrong_answers(capsys):
    from lmcore.corpus import words
    from lmcore.exercises import check
    from lmcore.exercises._core import passes

    assert passes("bag_of_words_counts",
                  lambda text, vocab: [words(text).count(w) for w in vocab])
    assert not passes("bag_of_words_counts",
                      lambda text, vocab: [text.lower().split().count(w) for w in vocab])
    assert passes("append_bigrams", lambda t: list(t) + [" ".join(p) for p in zip(t, t[1:])])
    assert not passes("append_bigrams", lambda t: [" ".join(p) for p in zip(t, t[1:])])

    def by_sklearn(labels, predicted):
        return sk_confusion_matrix(labels, predicted, labels=[0, 1]).tolist()

    assert passes("confusion_counts", by_sklearn)
    assert not passes("confusion_counts", lambda a, b: by_sklearn(b, a))
    check("confusion_counts", by_sklearn)
    assert "All 4 cases pass." in capsys.readouterr().out


def test_exercise_bag_of_words_matches_count_vectorizer():
    from lmcore.exercises._core import _REGISTRY

    reference = _REGISTRY["bag_of_words_counts"].reference
    vocab = ["bad", "good", "not", "the", "very"]
    for text in ("Not good, not good at all.", "The food was very, very good!"):
        vec = CountVectorizer(vocabulary=vocab)
        assert reference(text, vocab) == vec.transform([text]).toarray()[0].tolist()
