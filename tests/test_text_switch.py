"""The text switch (issue 15): every text notebook runs on another text, chosen by LMCORE_TEXT.

Two texts are generated here (no copied text): an English one and a French one with accented
letters, a few thousand words each, in paragraphs with no ``* * *`` story separators (so the
notebooks cut them into pseudo-stories). Each text notebook is executed top to bottom on each
with nbclient, two at a time; the recorded outputs (on the stories) are nbval's business.
Also: ``corpus.stories`` on a text without separators, and ``corpus.stand_ins``.
"""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import nbformat
import numpy as np
import pytest

from lmcore import corpus

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ["01_ngram_models", "02_entropy", "03_perplexity", "04_word_embeddings",
             "08_tokenization", "09_sampling", "11_autocomplete", "13_scaling_and_challenges"]
CELL_TIMEOUT = 60  # seconds per cell; a notebook takes 5-15 s on the stories
NOTEBOOK_LIMIT = 90  # seconds per notebook on a generated text (they are shorter than the stories)

# ------------------------------------------------------------------------- the two texts

ENGLISH = {
    "subject": ["Anna", "the old miller", "a tired sailor", "my neighbour", "the gardener", "Tom",
                "the teacher", "a young painter", "her brother", "the fisherman", "Lena", "our guest"],
    "verb": ["carried", "painted", "found", "mended", "watched", "sold", "planted", "opened",
             "cleaned", "borrowed", "counted", "followed", "noticed", "forgot"],
    "object": ["a blue boat", "the wooden gate", "three apples", "an empty basket", "the long letter",
               "a broken lamp", "the heavy box", "some warm soup", "a map of the coast",
               "the green door", "two candles", "a tin of nails"],
    "place": ["near the harbour", "behind the mill", "in the garden", "on the hill", "at the market",
              "by the river", "under the bridge", "in the kitchen", "beside the road"],
    "time": ["in the morning", "after lunch", "before the rain", "at dusk", "on Sunday",
             "during the storm", "late at night", "in the spring"],
    "how": ["slowly", "carefully", "without a word", "with great patience", "in a hurry",
            "quietly", "for the first time", "once again", "with some difficulty", "happily",
            "as usual", "by mistake"],
}
FRENCH = {
    "subject": ["Élodie", "le vieux meunier", "un marin fatigué", "ma voisine", "le jardinier",
                "Théo", "l'élève", "une jeune peintre", "son frère", "le pêcheur", "Maëlle",
                "notre hôte"],
    "verb": ["a porté", "a peint", "a trouvé", "a réparé", "a regardé", "a vendu", "a planté",
             "a ouvert", "a nettoyé", "a emprunté", "a compté", "a suivi", "a remarqué", "a oublié"],
    "object": ["un bateau bleu", "la barrière en bois", "trois pommes", "un panier vide",
               "la longue lettre", "une lampe cassée", "la boîte lourde", "une soupe chaude",
               "une carte de la côte", "la porte verte", "deux bougies", "un paquet de clous"],
    "place": ["près du port", "derrière le moulin", "dans le jardin", "sur la colline",
              "au marché", "au bord de la rivière", "sous le pont", "dans la cuisine",
              "à côté de la forêt"],
    "time": ["le matin", "après le déjeuner", "avant la pluie", "au crépuscule", "le dimanche",
             "pendant l'orage", "très tard", "au début de l'été"],
    "how": ["lentement", "avec soin", "sans un mot", "avec une grande patience", "à la hâte",
            "doucement", "pour la première fois", "encore une fois", "avec peine", "joyeusement",
            "comme d'habitude", "par erreur"],
}


def generated_text(lexicon: dict, seed: int, paragraphs: int = 80) -> tuple[str, int, int]:
    """``(text, n_sentences, n_words)``: paragraphs of 3-6 sentences from ``lexicon``.

    Each sentence is ``Subject verb object how place[, time].``; none holds a full stop, ``!`` or
    ``?`` inside, so the sentence and word counts are known without tokenising.
    """
    rng = np.random.default_rng(seed)
    pick = {k: (lambda v=v: v[rng.integers(len(v))]) for k, v in lexicon.items()}
    out, n_sentences, n_words = [], 0, 0
    for _ in range(paragraphs):
        sentences = []
        for _ in range(rng.integers(3, 7)):
            parts = [pick["subject"](), pick["verb"](), pick["object"](), pick["how"](), pick["place"]()]
            if rng.random() < 0.5:
                parts[-1] += ", " + pick["time"]()
            sentence = " ".join(parts)
            sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ".", ".", "!", "?"])
            sentences.append(sentence)
            n_words += len(re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?", sentence))
        n_sentences += len(sentences)
        out.append(" ".join(sentences))
    return "\n\n".join(out) + "\n", n_sentences, n_words


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    folder = tmp_path_factory.mktemp("texts")
    made = {}
    for name, lexicon, seed in [("english", ENGLISH, 1), ("french", FRENCH, 2)]:
        text, n_sentences, n_words = generated_text(lexicon, seed)
        path = folder / f"{name}.txt"
        path.write_text(text, encoding="utf-8")
        made[name] = (path, n_sentences, n_words)
    return made


def test_the_generated_texts_are_what_the_tests_need(texts):
    for name, (path, n_sentences, n_words) in texts.items():
        text = path.read_text(encoding="utf-8")
        assert 3000 <= n_words <= 8000, name
        assert "* * *" not in text
        assert len(corpus.sentences(text)) == n_sentences, name
        assert len(corpus.words(text)) == n_words, name
    french = texts["french"][0].read_text(encoding="utf-8")
    assert {"é", "è", "ô", "ë", "à"} <= set(french)


# --------------------------------------------------------------- executing the notebooks


def _execute(name: str, text_path: str) -> tuple[str, float, str | None, list[str]]:
    """Run notebook ``name`` on ``text_path``: ``(name, seconds, error or None, stdout per cell)``."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    os.environ.update({"LMCORE_TEXT": text_path, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"})
    path = ROOT / "notebooks" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    start = time.perf_counter()
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc)[-3000:]
    except Exception as exc:  # a timeout or a dead kernel
        error = f"{type(exc).__name__}: {exc}"
    stdout = ["".join(o.get("text", "") for o in c.get("outputs", []) if o.get("name") == "stdout")
              for c in nb.cells if c.cell_type == "code"]
    stderr = [o.get("text", "") for c in nb.cells if c.cell_type == "code"
              for o in c.get("outputs", []) if o.get("name") == "stderr"]
    if error is None and stderr:
        error = "stderr: " + "".join(stderr)[-3000:]
    return name, time.perf_counter() - start, error, stdout


@pytest.fixture(scope="module")
def runs(texts):
    """Every text notebook on both texts, two kernels at a time."""
    jobs = [(lang, name) for lang in texts for name in NOTEBOOKS]
    with ProcessPoolExecutor(max_workers=2) as pool:
        results = pool.map(_execute, [name for _, name in jobs], [str(texts[lang][0]) for lang, _ in jobs])
        return {job: result[1:] for job, result in zip(jobs, results)}


@pytest.mark.parametrize("lang", ["english", "french"])
@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_runs_on_another_text(runs, name, lang):
    seconds, error, stdout = runs[(lang, name)]
    assert error is None, f"{name} on the {lang} text:\n{error}"
    assert seconds < NOTEBOOK_LIMIT, f"{name} on the {lang} text took {seconds:.0f} s"


def test_notebook_03_measures_the_local_file(runs, texts):
    """Notebook 03 with LMCORE_TEXT = a local plain-text file counts that file's tokens."""
    _, n_sentences, n_words = texts["english"]
    _, error, stdout = runs[("english", "03_perplexity")]
    assert error is None
    parts = re.findall(r"(train|dev|test): (\d+) stories, ([\d,]+) sentences, ([\d,]+) tokens",
                       "".join(stdout))
    assert [p[0] for p in parts] == ["train", "dev", "test"]
    # 80 paragraphs and about 4,000 words: 20 pseudo-stories (the minimum), 2 dev and 2 test
    assert [int(p[1]) for p in parts] == [16, 2, 2]
    assert sum(int(p[2].replace(",", "")) for p in parts) == n_sentences
    # a token is a word or the end of a sentence
    assert sum(int(p[3].replace(",", "")) for p in parts) == n_words + n_sentences


def test_fallbacks_say_so_on_another_text(runs):
    """Cells that name story words say which words of the text stand in for them."""
    for name in ["01_ngram_models", "04_word_embeddings", "09_sampling", "11_autocomplete"]:
        _, error, stdout = runs[("french", name)]
        assert error is None
        assert "this text has no" in "".join(stdout), name


# ------------------------------------------------------------------- pseudo-stories


def _paragraphs(n: int, rng) -> list[str]:
    return [" ".join(f"w{rng.integers(1000)}" for _ in range(rng.integers(5, 40))) + "."
            for _ in range(n)]


@pytest.mark.parametrize("n_paragraphs", [20, 21, 45, 137])
def test_text_without_separators_becomes_equal_runs_of_paragraphs(n_paragraphs):
    paragraphs = _paragraphs(n_paragraphs, np.random.default_rng(n_paragraphs))
    pieces = corpus.stories("\n\n".join(paragraphs))
    assert len(pieces) == 20  # fewer than 20,000 words: the minimum of 20
    runs = [piece.split("\n\n") for piece in pieces]
    assert [p for run in runs for p in run] == paragraphs  # all of them, in order, once
    sizes = [len(run) for run in runs]
    assert max(sizes) - min(sizes) <= 1


def test_a_long_text_gets_pseudo_stories_of_about_a_thousand_words():
    rng = np.random.default_rng(0)
    paragraphs = [" ".join(["word"] * 100) + "." for _ in range(400)]  # 40,000 words
    pieces = corpus.stories("\n\n".join(paragraphs))
    assert len(pieces) == 40
    assert all(len(p.split()) == 1000 for p in pieces)
    lines = _paragraphs(50, rng)  # one paragraph per line, no blank lines: cut at lines
    pieces = corpus.stories("\n".join(lines))
    assert [line for p in pieces for line in p.split("\n\n")] == lines
    assert len(pieces) == 20


def test_split_stories_on_a_book_holds_out_whole_runs():
    paragraphs = _paragraphs(60, np.random.default_rng(1))
    train, dev, test = corpus.split_stories("\n\n".join(paragraphs), 0.1, 0.1, seed=0)
    held = [corpus.stories(part) for part in (train, dev, test)]
    assert [len(h) for h in held] == [16, 2, 2]
    every = sorted(p for part in held for piece in part for p in piece.split("\n\n"))
    assert every == sorted(paragraphs)


def test_separators_still_win_and_short_texts_stay_whole():
    assert corpus.stories("A.\n\nB.\n* * *\nC.") == ["A.\n\nB.", "C."]
    assert corpus.stories("Just one line.") == ["Just one line."]
    assert corpus.stories("  \n\n ") == []
    stories = corpus.load_stories()
    assert len(corpus.stories(stories)) == sum(line.strip() == "* * *" for line in stories.splitlines()) + 1


# ------------------------------------------------------------------------- stand-ins


def test_stand_ins_replace_only_missing_words_in_order():
    vocabulary = {"le", "chat", "roi", "pain", "de"}
    assert corpus.stand_ins(["chat", "pain"], vocabulary, ["le"]) == (["chat", "pain"], "")
    chosen, note = corpus.stand_ins(["king", "chat", "bread"], vocabulary, ["zzz", "chat", "de", "roi"])
    # "zzz" is not in the vocabulary and "chat" is already wanted: the next spare words stand in
    assert chosen == ["de", "chat", "roi"]
    assert note == "this text has no 'king', 'bread': using 'de', 'roi' instead"


def test_stand_ins_bad_input():
    with pytest.raises(ValueError, match="spare"):
        corpus.stand_ins(["king", "queen"], {"a"}, ["a"])
    with pytest.raises(TypeError, match="wanted"):
        corpus.stand_ins("king", {"a"}, ["a"])
    with pytest.raises(TypeError, match="vocabulary"):
        corpus.stand_ins(["king"], 3, ["a"])


# -------------------------------------------------------------- notebook 12's UCI cell


def _uci_cell() -> str:
    nb = nbformat.read(ROOT / "notebooks" / "12_sentiment.ipynb", as_version=4)
    [cell] = [c for c in nb.cells if c.get("id") == "uci-run"]
    assert "nbval-ignore-output" in cell.metadata.get("tags", [])  # depends on the cache: not compared
    return cell.source


def test_uci_cell_without_the_file_says_how_to_get_it(tmp_path, monkeypatch, capsys):
    from lmcore import sentiment

    monkeypatch.setenv("LMCORE_CACHE", str(tmp_path))
    exec(_uci_cell(), {"evaluate": None, "bag_of_words_pipeline": sentiment.bag_of_words_pipeline})
    out = capsys.readouterr().out
    assert "not in your cache" in out and "datasets.uci_sentiment()" in out
    assert list(tmp_path.iterdir()) == []  # nothing downloaded, nothing created


def test_uci_cell_with_the_file_runs_the_pipeline(tmp_path, monkeypatch, capsys):
    """A small archive in the UCI layout, placed in the cache, with its hash registered."""
    import dataclasses
    import zipfile

    from lmcore import classifier_stats, datasets, sentiment

    rng = np.random.default_rng(5)
    good, bad = ["great", "lovely", "superb", "fine"], ["awful", "broken", "dull", "rude"]
    folder = tmp_path / "uci-sentiment"
    folder.mkdir()
    source = datasets.SOURCES["uci-sentiment"]
    archive = folder / source.filename
    with zipfile.ZipFile(archive, "w") as zf:
        for site in ["amazon_cells", "imdb", "yelp"]:
            lines = [f"it was {rng.choice(good if y else bad)} and {rng.choice(['new', 'old'])}\t{y}"
                     for y in [0, 1] * 20]
            zf.writestr(f"sentiment labelled sentences/{site}_labelled.txt", "\n".join(lines) + "\n")
    monkeypatch.setitem(datasets.SOURCES, "uci-sentiment",
                        dataclasses.replace(source, sha256=datasets.sha256_of(archive)))
    monkeypatch.setenv("LMCORE_CACHE", str(tmp_path))
    exec(_uci_cell(), {"evaluate": sentiment.evaluate, "mean": 0.8,
                       "bag_of_words_pipeline": sentiment.bag_of_words_pipeline,
                       "leave_one_domain_out": classifier_stats.leave_one_domain_out})
    out = capsys.readouterr().out
    # every sentence holds one word of its class: perfectly separable, in every fold and site
    assert "UCI sentences: 120, 60 positive" in out
    assert "accuracy 100.0% +- 0.0%" in out
    assert "amazon 100.0%, imdb 100.0%, yelp 100.0%" in out
