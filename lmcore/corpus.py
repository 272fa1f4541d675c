"""Text sources for the course, and the two ways we cut text into pieces.

The course's English corpus is a set of short stories written for this project and shipped
in ``lmcore/data/stories.txt`` (see ``lmcore/data/README.md``), so every notebook runs
offline and prints the same numbers on every machine.

Cutting text:

- :func:`sentences` splits prose into sentences (a sentence ends at ``.``, ``!`` or ``?``,
  possibly followed by a closing quote; a line break always ends one);
- :func:`words` lowercases and keeps runs of letters of any alphabet (with inner
  apostrophes: ``don't``) and runs of digits; a Chinese character or Japanese kana is a
  word of its own (those scripts put no spaces between words). Punctuation is dropped.

Other texts: :func:`load_text` reads any UTF-8 file, and :func:`course_text` returns the
text a notebook should measure: the stories, or what the ``LMCORE_TEXT`` environment
variable names (a file, a Project Gutenberg book, Tiny Shakespeare).

>>> words('"Sit," said the King. The cat sat on the mat!')
['sit', 'said', 'the', 'king', 'the', 'cat', 'sat', 'on', 'the', 'mat']
>>> sentences('"Sit," said the King. The cat sat on the mat!')
['"Sit," said the King.', 'The cat sat on the mat!']
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from lmcore._checks import check_float, check_int, check_memory, check_tokens

# Chinese characters (Han) and Japanese kana: these scripts put no spaces between words,
# so each character is a token of its own.
_CJK = "\u3041-\u3096\u30a1-\u30fa\u30fc\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
# One letter of any other script (a word character that is not a digit, "_" or CJK),
# with any combining accents that follow it.
_LETTER = rf"[^\W\d_{_CJK}][\u0300-\u036f]*"

#: A word is a run of letters, optionally joined by apostrophes (``don't``, ``king's``),
#: or a run of digits, or one CJK character. Everything else (punctuation, quotes, dashes)
#: separates words. It is applied to lowercased NFC text whose ``’`` became ``'``.
WORD_PATTERN = re.compile(rf"(?:{_LETTER})+(?:'(?:{_LETTER})+)*|[{_CJK}]|\d+")

# Lowercase letters of the alphabetic scripts (Latin, Greek, Cyrillic, Armenian, ...).
_LOWER = "".join(re.escape(c) for c in map(chr, range(0x2000)) if c.islower())
# A sentence ends after . ! ? or an ellipsis (and any closing quotes) when whitespace follows
# and the next word does not start in lower case ('"Run!" she said.' stays one sentence);
# after a CJK full stop, ! or ? (and closing brackets) it always ends.
_SENTENCE_END = re.compile(
    rf"(?<=[.!?\u2026])[\"')\]\u2019\u201d\u00bb]*\s+(?![{_LOWER}])"
    r"|(?<=[\u3002\uff01\uff1f])[\u300d\u300f\uff09]*\s*"
)


@lru_cache(maxsize=1)
def load_stories() -> str:
    """Return the course's English corpus as one string (about 45,000 words).

    Paragraphs are separated by blank lines and stories by a line ``* * *``.
    The text is read from the installed package, so the working directory does not matter.
    """
    return resources.files("lmcore").joinpath("data", "stories.txt").read_text(encoding="utf-8")


def load_text(path) -> str:
    """Read a UTF-8 text file (a book, your own notes, a class's essays) as one string.

    A byte-order mark is dropped and Windows/old-Mac line endings become ``\\n``.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as d:
    ...     p = pathlib.Path(d, "t.txt"); _ = p.write_bytes("Ça va?\\r\\nOui.".encode()); load_text(p)
    'Ça va?\\nOui.'
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a file path (str or pathlib.Path), got {type(path).__name__}")
    path = Path(path).expanduser()
    if path.is_dir():
        raise ValueError(f"path {str(path)!r} is a folder, not a text file")
    if not path.exists():
        raise FileNotFoundError(f"path {str(path)!r}: no such file")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(f"path {str(path)!r} is not UTF-8 text (byte {exc.start} is "
                         f"{data[exc.start]:#04x}); save it as UTF-8 first, e.g. "
                         "'iconv -f latin1 -t utf-8 in.txt > out.txt'") from None
    if not text.strip():
        raise ValueError(f"path {str(path)!r} holds no text")
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: The environment variable that makes :func:`course_text` load another text.
TEXT_ENV = "LMCORE_TEXT"


def course_text(choice: str | None = None) -> str:
    """The text the notebooks measure: the course's stories unless ``LMCORE_TEXT`` says otherwise.

    ``choice`` (default: the ``LMCORE_TEXT`` environment variable) is one of

    - unset, empty or ``stories``: :func:`load_stories`;
    - ``shakespeare``: :func:`lmcore.datasets.tiny_shakespeare` (downloaded once, then cached);
    - ``gutenberg:1342``: :func:`lmcore.datasets.gutenberg` book 1342 (downloaded once);
    - a path to a UTF-8 text file: :func:`load_text`.

    So ``LMCORE_TEXT=gutenberg:1342 jupyter lab`` runs every text notebook on *Pride and
    Prejudice*. Only the stories keep the recorded outputs; other texts give other numbers.

    >>> course_text("stories") == load_stories()
    True
    """
    where = TEXT_ENV if choice is None else "choice"
    if choice is None:
        choice = os.environ.get(TEXT_ENV, "")
    elif not isinstance(choice, str):
        raise TypeError(f"choice must be a str, got {type(choice).__name__}")
    spec = choice.strip()
    if spec.lower() in ("", "stories"):
        return load_stories()
    from lmcore import datasets

    if spec.lower() == "shakespeare":
        return datasets.tiny_shakespeare()
    book = re.fullmatch(r"gutenberg:\s*(\d+)", spec, flags=re.IGNORECASE)
    if book:
        return datasets.gutenberg(int(book.group(1)))
    path = Path(spec).expanduser()
    if spec.lower().startswith("gutenberg") or not path.is_file():
        raise ValueError(f"{where}={choice!r} is not understood: use 'stories', 'shakespeare', "
                         "'gutenberg:<book number>' (e.g. gutenberg:1342) or the path of an "
                         f"existing UTF-8 text file (there is no file {str(path.resolve())!r})")
    return load_text(path)


def words(text: str) -> list[str]:
    """Lowercase ``text`` and return its words, in order (punctuation dropped).

    Letters of every alphabet count (accents, Greek, Cyrillic, ...); the text is put in
    NFC form first, so an accent typed as a separate combining mark stays in its word, and
    a typographic apostrophe ``’`` becomes ``'``. Chinese characters and Japanese kana are
    one word each (a word list for those languages needs a dictionary-based segmenter).

    >>> words("Don't wake the King's cat!")
    ["don't", 'wake', 'the', "king's", 'cat']
    >>> words("L’été à Paris: 3 cafés.")
    ["l'été", 'à', 'paris', '3', 'cafés']
    >>> words("Кошка спит. Η γάτα κοιμάται.")
    ['кошка', 'спит', 'η', 'γάτα', 'κοιμάται']
    >>> words("我爱猫。Cats!")
    ['我', '爱', '猫', 'cats']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    text = unicodedata.normalize("NFC", text.lower()).replace("\u2019", "'")
    return WORD_PATTERN.findall(text)


def sentences(text: str) -> list[str]:
    """Split ``text`` into sentences, keeping their original spelling and punctuation.

    Every line break ends a sentence (the corpus keeps one paragraph per line); pieces
    without a single word (such as the ``* * *`` story separators) are dropped. A lower-case
    letter of any alphabet after ``!`` or ``?`` continues the sentence; a Chinese or
    Japanese full stop ``。`` always ends one.

    >>> sentences("Hello there. How are you?\\n* * *\\nFine!")
    ['Hello there.', 'How are you?', 'Fine!']
    >>> sentences("«Στάσου!» φώναξε. Έφυγε.")
    ['«Στάσου!» φώναξε.', 'Έφυγε.']
    >>> sentences("猫が寝た。犬も寝た。")
    ['猫が寝た。', '犬も寝た。']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    out = []
    for line in text.splitlines():
        for piece in _split_line(line.strip()):
            if words(piece):
                out.append(piece)
    return out


def _split_line(line: str) -> list[str]:
    """Split one line at sentence ends, keeping closing quotes with their sentence."""
    pieces, start = [], 0
    for match in _SENTENCE_END.finditer(line):
        # the closing quotes belong to the sentence that ends here; the whitespace does not
        end = match.start() + len(match.group(0).rstrip())
        pieces.append(line[start:end])
        start = match.end()
    pieces.append(line[start:])
    return [p.strip() for p in pieces if p.strip()]


def tokenized_sentences(text: str) -> list[list[str]]:
    """Return ``[words(s) for s in sentences(text)]``: the input every n-gram model takes.

    >>> tokenized_sentences("The cat sat. The dog ran!")
    [['the', 'cat', 'sat'], ['the', 'dog', 'ran']]
    """
    return [words(s) for s in sentences(text)]


def train_test_split(items, test_fraction: float = 0.1, seed: int = 0) -> tuple[list, list]:
    """Shuffle ``items`` with ``np.random.default_rng(seed)`` and split off a test share.

    Deterministic: the same items, fraction and seed always give the same split, on any
    machine. The test part has ``round(len(items) * test_fraction)`` items, at least one,
    and the training part keeps at least one. Items keep no particular order.

    >>> train, test = train_test_split(list(range(10)), test_fraction=0.2, seed=0)
    >>> len(train), len(test), sorted(train + test) == list(range(10))
    (8, 2, True)
    """
    if isinstance(items, (str, bytes)):
        raise TypeError("items must be a list (e.g. of sentences), got a single string")
    items = list(items)
    if len(items) < 2:
        raise ValueError(f"items must hold at least 2 items to split, got {len(items)}")
    test_fraction = check_float(
        "test_fraction", test_fraction, minimum=0, maximum=1, min_inclusive=False,
        max_inclusive=False,
    )
    seed = check_int("seed", seed, minimum=0)
    n_test = min(max(1, round(len(items) * test_fraction)), len(items) - 1)
    order = np.random.default_rng(seed).permutation(len(items))
    test = [items[i] for i in order[:n_test]]
    train = [items[i] for i in order[n_test:]]
    return train, test


def stand_ins(wanted, vocabulary, spare) -> tuple[list[str], str]:
    """``(chosen, note)``: ``wanted`` with each word that ``vocabulary`` lacks replaced.

    A notebook names words of the stories (*king*, *whisker*); on another text they may be
    missing. Each missing word is replaced by the first word of ``spare`` that ``vocabulary``
    holds and that is not already chosen; ``note`` says so in one line, or is ``""`` when
    nothing was replaced (print it only then).

    >>> stand_ins(["king", "cat"], {"cat", "roi", "le"}, ["le", "roi"])
    (['le', 'cat'], "this text has no 'king': using 'le' instead")
    """
    wanted, spare = check_tokens("wanted", wanted), check_tokens("spare", spare)
    if not hasattr(vocabulary, "__contains__"):
        raise TypeError(f"vocabulary must be a collection of words, got {type(vocabulary).__name__}")
    chosen, missing = list(wanted), []
    unused = iter(w for w in spare if w in vocabulary and w not in wanted)
    for i, word in enumerate(wanted):
        if word not in vocabulary:
            chosen[i] = next(unused, None)
            if chosen[i] is None:
                raise ValueError(f"spare has too few words of vocabulary to stand in for {word!r}")
            missing.append(i)
    if not missing:
        return chosen, ""
    note = (f"this text has no {', '.join(repr(wanted[i]) for i in missing)}: using "
            f"{', '.join(repr(chosen[i]) for i in missing)} instead")
    return chosen, note


STORY_SEPARATOR = "* * *"


#: A text without separator lines is cut into pseudo-stories of about this many words.
PSEUDO_STORY_WORDS = 1000


def stories(text: str) -> list[str]:
    """Cut ``text`` into its stories at the separator lines ``* * *``; empty pieces dropped.

    A text with no separator line at all (a book, your own notes) is cut into
    *pseudo-stories* instead: runs of consecutive paragraphs (blank-line separated, or lines
    if there are fewer than 20 paragraphs), equal in number of paragraphs, about
    ``PSEUDO_STORY_WORDS`` words each and at least 20 of them (fewer only if the text has
    fewer paragraphs). So :func:`split_stories` holds out whole runs of a book.

    >>> stories("Once.\\n* * *\\nTwice.\\n")
    ['Once.', 'Twice.']
    >>> stories("One.\\n\\nTwo.\\n\\nThree.")  # no separator: one paragraph each
    ['One.', 'Two.', 'Three.']
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {type(text).__name__}")
    pieces = re.split(r"^\s*\* \* \*\s*$", text, flags=re.MULTILINE)
    if len(pieces) == 1:  # no separator line: pseudo-stories of paragraphs
        pieces = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
        if len(pieces) < 20:
            pieces = [line for line in text.splitlines() if line.strip()]
        n = min(len(pieces), max(20, round(len(text.split()) / PSEUDO_STORY_WORDS)))
        bounds = np.linspace(0, len(pieces), n + 1).round().astype(int)
        pieces = ["\n\n".join(pieces[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
    return [p.strip() for p in pieces if p.strip()]


def split_stories(text: str, dev_fraction: float = 0.1, test_fraction: float = 0.1,
                  seed: int = 0) -> tuple[str, str, str]:
    """Split ``text`` into ``(train, dev, test)`` texts made of whole stories.

    Held-out text must be held out by story: sentences of one story share characters and
    phrases, so splitting sentences would leak them into the test set. The stories are
    shuffled with ``np.random.default_rng(seed)``; dev and test get
    ``max(1, round(n * fraction))`` stories each and training keeps the rest. Tune on
    ``dev``; score ``test`` once. Each part is its stories joined by separator lines.

    >>> train, dev, test = split_stories("A.\\n* * *\\nB.\\n* * *\\nC.\\n* * *\\nD.", 0.25, 0.25)
    >>> sorted(stories(train) + stories(dev) + stories(test))
    ['A.', 'B.', 'C.', 'D.']
    """
    parts = stories(text)
    dev_fraction = check_float("dev_fraction", dev_fraction, minimum=0, maximum=1,
                               min_inclusive=False, max_inclusive=False)
    test_fraction = check_float("test_fraction", test_fraction, minimum=0, maximum=1,
                                min_inclusive=False, max_inclusive=False)
    seed = check_int("seed", seed, minimum=0)
    n = len(parts)
    n_dev, n_test = max(1, round(n * dev_fraction)), max(1, round(n * test_fraction))
    if n - n_dev - n_test < 1:
        raise ValueError(f"text has {n} stories: too few to hold out {n_dev} for dev and "
                         f"{n_test} for test and keep one for training")
    order = np.random.default_rng(seed).permutation(n)
    join = f"\n{STORY_SEPARATOR}\n".join
    dev = join(parts[i] for i in sorted(order[:n_dev]))
    test = join(parts[i] for i in sorted(order[n_dev:n_dev + n_test]))
    train = join(parts[i] for i in sorted(order[n_dev + n_test:]))
    return train, dev, test


class MarkovSource:
    """A random Markov chain over ``vocab_size`` symbols whose entropy rate is known exactly.

    Real text has an unknown entropy rate; this synthetic "language" has one we can compute,
    so an estimate or a model can be measured against the true limit. The next symbol depends
    on the previous ``order`` symbols (a *state*); for each of the ``vocab_size ** order``
    states, the next-symbol distribution is drawn once from a symmetric Dirichlet
    distribution with parameter ``concentration``: small values (0.1) make each state nearly
    deterministic (low entropy), large ones (100) nearly uniform (close to
    ``log2 vocab_size`` bits).

    The *entropy rate* is the average uncertainty of the next symbol, weighted by how often
    each state occurs in the long run (the stationary distribution ``pi``):

        H = sum_s pi(s) * H(P(. | s))        bits per symbol

    Args:
        order: how many previous symbols the next one depends on, 0..8 (0 = i.i.d.).
        vocab_size: number of symbols, >= 2; ``vocab_size ** order`` must be <= 1024.
        seed: seed of the ``np.random.default_rng`` that draws the transition table.
        concentration: the Dirichlet parameter, in [0.01, 1000].

    Attributes:
        transitions: array of shape (vocab_size ** order, vocab_size); row ``s`` is
            ``P(next symbol | state s)``. A state is the base-``vocab_size`` number whose
            digits are the last ``order`` symbols, most recent last.
        symbols: names for the symbols (letters up to 26 symbols, else ``"s0"``, ``"s1"``...).

    >>> source = MarkovSource(order=1, vocab_size=2, seed=0, concentration=1.0)
    >>> source.transitions.shape
    (2, 2)
    >>> x = source.sample(10, np.random.default_rng(0))
    >>> x.shape, x.dtype.kind
    ((10,), 'i')
    >>> 0 < source.entropy_rate() < 1
    True
    """

    MAX_STATES = 1024

    def __init__(self, order: int = 1, vocab_size: int = 8, seed: int = 0,
                 concentration: float = 1.0):
        self.order = check_int("order", order, minimum=0, maximum=8)
        self.vocab_size = check_int("vocab_size", vocab_size, minimum=2)
        self.seed = check_int("seed", seed, minimum=0)
        self.concentration = check_float("concentration", concentration, minimum=0.01,
                                         maximum=1000)
        self.n_states = self.vocab_size**self.order
        if self.n_states > self.MAX_STATES:
            raise ValueError(
                f"vocab_size ** order must be <= {self.MAX_STATES} (the exact entropy rate "
                f"solves an n_states x n_states system), got {self.vocab_size}**{self.order} "
                f"= {self.n_states}"
            )
        check_memory("vocab_size", 2 * self.n_states * self.vocab_size)
        rng = np.random.default_rng(self.seed)
        alpha = np.full(self.vocab_size, self.concentration)
        self.transitions = rng.dirichlet(alpha, size=self.n_states)  # (S, V)
        self.symbols = (
            tuple("abcdefghijklmnopqrstuvwxyz"[: self.vocab_size]) if self.vocab_size <= 26
            else tuple(f"s{i}" for i in range(self.vocab_size))
        )
        self._stationary: np.ndarray | None = None

    def __repr__(self) -> str:
        return (f"MarkovSource(order={self.order}, vocab_size={self.vocab_size}, "
                f"seed={self.seed}, concentration={self.concentration:g})")

    def _next_states(self) -> np.ndarray:
        """Shape (S, V): the state reached from state s by emitting symbol y."""
        states = np.arange(self.n_states)[:, None]  # (S, 1)
        return (states * self.vocab_size + np.arange(self.vocab_size)) % self.n_states  # (S, V)

    def stationary(self) -> np.ndarray:
        """The stationary distribution over states, shape (S,): solves ``pi T = pi``, sum 1.

        Exact up to floating point: one dense linear solve (no simulation).
        """
        if self._stationary is None:
            S = self.n_states
            if S == 1:
                self._stationary = np.ones(1)
            else:
                T = np.zeros((S, S))  # (S, S) state-to-state transition matrix
                rows = np.repeat(np.arange(S), self.vocab_size)  # (S * V,)
                np.add.at(T, (rows, self._next_states().ravel()), self.transitions.ravel())
                A = T.T - np.eye(S)  # (S, S): (T^T - I) pi = 0 ...
                A[-1] = 1.0  # ... with one equation replaced by sum(pi) = 1
                b = np.zeros(S)
                b[-1] = 1.0
                pi = np.clip(np.linalg.solve(A, b), 0.0, None)
                self._stationary = pi / pi.sum()
        return self._stationary.copy()

    def entropy_rate(self) -> float:
        """The exact entropy rate in bits per symbol: ``sum_s pi(s) H(P(. | s))``."""
        P = self.transitions
        with np.errstate(divide="ignore"):
            logs = np.where(P > 0, np.log2(np.where(P > 0, P, 1.0)), 0.0)  # (S, V), 0 log 0 = 0
        row_entropy = -np.sum(P * logs, axis=1)  # (S,) bits
        return float(self.stationary() @ row_entropy)

    def sample(self, n_tokens: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_tokens`` consecutive symbols (ints in [0, vocab_size)), shape (n_tokens,).

        The first state is drawn from the stationary distribution, so the sample is
        stationary from its first symbol. ``rng`` is a ``np.random.default_rng(seed)``.
        """
        from bisect import bisect_right

        n_tokens = check_int("n_tokens", n_tokens, minimum=1)
        check_memory("n_tokens", 2 * n_tokens)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy Generator, e.g. np.random.default_rng(0); "
                            f"got {type(rng).__name__}")
        V, S = self.vocab_size, self.n_states
        state = int(rng.choice(S, p=self.stationary()))
        start = [(state // V**(self.order - 1 - i)) % V for i in range(self.order)]
        cumulative = np.cumsum(self.transitions, axis=1)  # (S, V)
        cumulative[:, -1] = 1.0  # u < 1 always lands on a symbol despite rounding
        table = cumulative.tolist()
        out = start[:n_tokens]
        for u in rng.random(n_tokens - len(out)).tolist():
            y = bisect_right(table[state], u)
            out.append(y)
            state = (state * V + y) % S
        return np.array(out, dtype=np.int64)
