"""Notebook 14 (the annotated bibliography): its links, its arXiv ids and its course map.

Checked on the notebook's markdown, without the network: every link is a well-formed https
URL; every arXiv id is well formed and was submitted in the year the paper is cited by or the
year before (a conference paper is often cited by its conference year); every entry says
which notebook uses it; the course map links all fourteen notebooks by file name.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = ROOT / "notebooks" / "14_resources.ipynb"
COURSE = ["01_ngram_models.ipynb", "02_entropy.ipynb", "03_perplexity.ipynb",
          "04_word_embeddings.ipynb", "05_attention.ipynb", "06_transformer.ipynb",
          "07_training.ipynb", "08_tokenization.ipynb", "09_sampling.ipynb",
          "10_beam_search.ipynb", "11_autocomplete.ipynb", "12_sentiment.ipynb",
          "13_scaling_and_challenges.ipynb", "14_resources.ipynb"]

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")  # [text](target)
BARE = re.compile(r"(?<![(\[])\b(?:https?|ftp)://[^\s)>\]]+")  # a URL outside a markdown link
ENTRY = re.compile(r"^- \*\*(?P<who>[^*]+?) \((?P<year>\d{4})\)\*\*")
ARXIV_LINK = re.compile(r"\[arXiv:(?P<shown>[^\]]+)\]\(https://arxiv\.org/abs/(?P<id>[^)]+)\)")
NEW_ID = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})$")
OLD_ID = re.compile(r"^[a-z-]+(?:\.[A-Z]{2})?/(?P<yy>\d{2})(?P<mm>\d{2})(?P<num>\d{3})$")


def arxiv_problem(arxiv_id: str, year: int) -> str | None:
    """Why ``arxiv_id`` cannot belong to a paper cited as ``year`` (None if it can).

    New ids (April 2007 on) are ``YYMM.NNNN`` up to December 2014 and ``YYMM.NNNNN`` from
    January 2015; old ids are ``archive/YYMMNNN`` (1991 to March 2007). The submission
    year must be ``year`` or ``year - 1``.
    """
    match = NEW_ID.match(arxiv_id)
    if match:
        yy, mm = int(match["yy"]), int(match["mm"])
        submitted = 2000 + yy
        digits = 5 if (yy, mm) >= (15, 1) else 4
        if len(match["num"]) != digits:
            return f"{arxiv_id}: ids from {submitted}-{mm:02d} have {digits} digits after the dot"
        if (yy, mm) < (7, 4):
            return f"{arxiv_id}: YYMM.NNNN ids start in April 2007"
    else:
        match = OLD_ID.match(arxiv_id)
        if not match:
            return f"{arxiv_id}: not an arXiv id"
        yy, mm = int(match["yy"]), int(match["mm"])
        submitted = 1900 + yy if yy >= 91 else 2000 + yy
        if submitted > 2007 or (submitted == 2007 and mm > 3):
            return f"{arxiv_id}: old-style ids end in March 2007"
    if not 1 <= mm <= 12:
        return f"{arxiv_id}: month {mm:02d} does not exist"
    if not year - 1 <= submitted <= year:
        return f"{arxiv_id}: submitted in {submitted}, but the paper is cited as {year}"
    return None


def _markdown() -> list[str]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def _entries() -> list[str]:
    return [line for cell in _markdown() for line in cell.splitlines() if ENTRY.match(line)]


def test_the_checker_catches_inconsistent_ids():
    assert arxiv_problem("1706.03762", 2017) is None
    assert arxiv_problem("1508.07909", 2016) is None  # preprint a year before the venue
    assert arxiv_problem("cs/0205070", 2002) is None
    assert arxiv_problem("1301.3781", 2013) is None  # four digits before 2015
    assert "cited as 2019" in arxiv_problem("1706.03762", 2019)
    assert "cited as 2016" in arxiv_problem("1706.03762", 2016)  # preprint after the paper
    assert "month 13" in arxiv_problem("1713.03762", 2017)
    assert "5 digits" in arxiv_problem("1501.0001", 2015)
    assert "4 digits" in arxiv_problem("1412.69800", 2014)
    assert "not an arXiv id" in arxiv_problem("abs/1706", 2017)
    assert "old-style" in arxiv_problem("cs/0905070", 2009)


def test_every_link_is_a_well_formed_https_url():
    links = []
    for text in _markdown():
        links += LINK.findall(text) + BARE.findall(text)
    web = [t for t in links if not re.fullmatch(r"\d\d_\w+\.ipynb", t)]
    assert len(web) >= 30, web
    for url in web:
        parsed = urlparse(url)
        assert parsed.scheme == "https", url
        assert re.fullmatch(r"[a-z0-9-]+(\.[a-z0-9-]+)+", parsed.netloc), url
        assert not re.search(r"\s", url) and not url.endswith((".", ",", ";")), url


def test_every_notebook_link_names_a_course_notebook():
    for text in _markdown():
        for target in LINK.findall(text):
            if not target.startswith("https://"):
                assert target in COURSE, target


def test_every_arxiv_id_matches_its_papers_year():
    checked = 0
    for line in _entries():
        year = int(ENTRY.match(line)["year"])
        for match in ARXIV_LINK.finditer(line):
            assert match["shown"] == match["id"], line[:80]
            problem = arxiv_problem(match["id"], year)
            assert problem is None, problem
            checked += 1
        # an arxiv.org link in any other form would escape the check above
        assert line.count("arxiv.org/abs/") == len(ARXIV_LINK.findall(line)), line[:80]
    assert checked >= 20
    # and so would one outside an entry (whose year we could not read)
    assert checked == sum(text.count("arxiv.org/abs/") for text in _markdown())


def test_the_slides_five_papers_are_listed_with_their_arxiv_links():
    text = "\n".join(_markdown())
    for who, arxiv_id in [("Vaswani et al. (2017)", "1706.03762"),
                          ("Devlin et al. (2018)", "1810.04805"),
                          ("Brown et al. (2020)", "2005.14165"),
                          ("Bommasani et al. (2021)", "2108.07258"),
                          ("Kaplan et al. (2020)", "2001.08361")]:
        line = next(e for e in _entries() if e.startswith(f"- **{who}**"))
        assert f"https://arxiv.org/abs/{arxiv_id}" in line
    for who in ["Shannon (1948)", "Shannon (1951)", "Kneser and Ney (1995)",
                "Chen and Goodman (1998)", "Bengio et al. (2003)", "Mikolov et al. (2013)",
                "Sennrich, Haddow and Birch (2016)", "Holtzman et al. (2019)",
                "Hoffmann et al. (2022)", "Okabe and Ito (2008)", "Zipf (1935)"]:
        assert f"- **{who}**" in text, who


def test_every_entry_says_what_it_adds_and_where_it_is_used():
    entries = _entries()
    assert len(entries) >= 40
    for line in entries:
        assert "*Adds:*" in line, line[:80]
        used = line.split("*Used in:*", 1)
        assert len(used) == 2 and re.search(r"\]\(\d\d_\w+\.ipynb\)", used[1]), line[:80]


def test_the_course_map_links_all_fourteen_notebooks():
    cells = _markdown()
    course_map = next(c for c in cells if c.lstrip().startswith("## Course map"))
    linked = re.findall(r"\[(\d\d) · [^\]]+\]\((\d\d_\w+\.ipynb)\)", course_map)
    assert [f for _, f in linked] == COURSE
    assert all(f.startswith(number) for number, f in linked)
    assert sorted(n for n, _ in linked) == [f"{i:02d}" for i in range(1, 15)]



# ------------------------------------------------------------------ "used in" links are true
# A citation in a notebook: a capitalised surname, optionally "et al." or "and X", then a
# year, with or without parentheses: "Holtzman et al. (2019)", "Kneser and Ney 1995",
# "(Sennrich, Haddow and Birch, 2016)". Keyed by (first author's surname, year).
CITATION = re.compile(
    r"\b(?P<name>[A-Z][A-Za-z'-]+)"
    r"(?: et al\.?| and [A-Z][A-Za-z'-]+| and van der [A-Z][A-Za-z'-]+"
    r"|, [A-Z][A-Za-z'-]+ and [A-Z][A-Za-z'-]+)?,? \(?(?P<year>(?:19|20)\d\d)\)?")
NOT_NAMES = {"January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December", "Jan", "Feb", "Mar", "Apr",
             "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "In", "Since", "From", "ICLR",
             "NeurIPS", "ACL", "EMNLP", "KDD", "ICASSP", "NAACL", "CVPR", "FAccT"}
TOOLS_HEADING = "### Figures and tools"  # software every notebook uses, not cited in each


def citations(text: str) -> set[tuple[str, int]]:
    """Every (surname, year) cited in ``text`` (line breaks count as spaces)."""
    return {(m["name"], int(m["year"])) for m in CITATION.finditer(" ".join(text.split()))
            if m["name"] not in NOT_NAMES}


def claimed_uses() -> dict[str, set[tuple[str, int]]]:
    """Notebook file -> the (surname, year) of every entry notebook 14 lists as used there."""
    claims: dict[str, set[tuple[str, int]]] = {name: set() for name in COURSE[:-1]}
    for cell in _markdown():
        if cell.lstrip().startswith(TOOLS_HEADING):
            continue
        for line in cell.splitlines():
            match = ENTRY.match(line)
            if not match:
                continue
            first_author = re.split(r",| and | et al", match["who"])[0].split()[-1]
            for target in re.findall(r"\]\((\d\d_\w+\.ipynb)\)", line.split("*Used in:*", 1)[1]):
                claims[target].add((first_author, int(match["year"])))
    return claims


def notebook_text(name: str) -> str:
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    return "\n".join(cell.source for cell in nb.cells)


def test_the_citation_pattern():
    text = ("as Holtzman et al. (2019) showed; Kneser and Ney 1995; (Sennrich, Haddow and Birch, "
            "2016); Zipf (1935); Smith and van der Walt (2015); submitted in June 2017")
    assert citations(text) == {("Holtzman", 2019), ("Kneser", 1995), ("Sennrich", 2016),
                               ("Zipf", 1935), ("Smith", 2015)}
    assert citations("the 2019 model; Holtzman 2019") == {("Holtzman", 2019)}
    assert citations("described by Zipf\n(1935)") == {("Zipf", 1935)}


def test_claims_are_read_from_notebook_14():
    claims = claimed_uses()
    assert ("Holtzman", 2019) in claims["09_sampling.ipynb"]
    assert ("Stahlberg", 2019) in claims["10_beam_search.ipynb"]
    assert ("Sennrich", 2016) in claims["08_tokenization.ipynb"]
    assert ("Briandais", 1959) in claims["11_autocomplete.ipynb"]
    assert sum(map(len, claims.values())) >= 45


@pytest.mark.parametrize("name", COURSE[:-1])
def test_every_reference_14_lists_as_used_is_cited_there(name):
    missing = sorted(claimed_uses()[name] - citations(notebook_text(name)))
    assert not missing, f"{name} does not cite {missing}, which notebook 14 says it uses"


@pytest.mark.parametrize("name", COURSE[:-1])
def test_every_citation_in_a_notebook_is_listed_in_14_as_used_there(name):
    extra = sorted(citations(notebook_text(name)) - claimed_uses()[name])
    assert not extra, f"{name} cites {extra}, but notebook 14 does not list it as used there"
