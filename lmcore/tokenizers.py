"""Tokenization: cutting text into the units a model counts, and numbering them.

A language model never sees text, only integer ids. Two steps get us there.

**Tokenizing** cuts text into pieces. Words (:func:`lmcore.corpus.words`) are the obvious
unit, but every word the model never met in training becomes a hole. Bytes have no holes
(every string is a sequence of UTF-8 bytes) but make English about five times longer.

**A vocabulary** numbers the pieces: :class:`Vocabulary` keeps the words seen at least
``min_freq`` times, reserves the special tokens ``<unk>``, ``<pad>``, ``<s>``, ``</s>`` as ids
0 to 3, and numbers the words after them 4, 5, 6, ... with no gaps, most frequent first.
Every word it does not know becomes ``<unk>`` (id 0), never the id of some other word.

**Byte-pair encoding** (BPE, Sennrich et al. 2016; byte-level as in GPT-2) sits between the
two. Start from the 256 bytes and repeat: count every adjacent pair of tokens in the
training text (:func:`count_pairs`), and merge the most frequent pair into one new token
(:func:`merge_pair`), never across the chunks of :func:`pretokenize`. This module holds
those pieces; :mod:`lmcore.bpe` trains and applies the merges the plain way, and
:mod:`lmcore.tokenizers_fast` does the same faster. Word statistics (Zipf's law, the
out-of-vocabulary curve) are in :mod:`lmcore.vocabulary_stats`.

>>> vocab = Vocabulary("the cat sat on the mat".split())
>>> vocab.encode(["the", "dog"])
[4, 0]
>>> merge_pair(list(b"low lower"), (108, 111), 256)  # 'lo' becomes token 256
[256, 119, 32, 256, 119, 101, 114]
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict

from lmcore._checks import atomic_write_text, check_ids, check_int, check_list, check_tokens, read_text_file
from lmcore.validation import Custom, Int, Str, Tokens, validate

UNK, PAD, BOS, EOS = "<unk>", "<pad>", "<s>", "</s>"
#: Reserved first, in this order: ids 0, 1, 2, 3.
SPECIALS = (UNK, PAD, BOS, EOS)


# ----------------------------------------------------------------------------- vocabulary
class Vocabulary:
    """Numbers the tokens seen at least ``min_freq`` times: ids ``0 .. len(vocab) - 1``.

    Ids 0 to 3 are the specials ``<unk>``, ``<pad>``, ``<s>``, ``</s>``; then the kept tokens,
    most frequent first (ties in alphabetical order), so the numbering is contiguous and the
    same on every machine. An unknown token encodes to ``<unk>`` (id 0).

    Args:
        tokens: a flat list of string tokens (e.g. ``corpus.words(text)``).
        min_freq: keep a token only if it occurs at least this many times (>= 1).

    ``itos`` (id to string) is the tuple of tokens in id order; ``stoi`` maps each back.

    >>> v = Vocabulary(["b", "a", "b", "c", "b", "a"], min_freq=2)
    >>> v.tokens
    ('<unk>', '<pad>', '<s>', '</s>', 'b', 'a')
    >>> v.encode(["a", "c"]), v.decode([5, 0]), len(v)
    ([5, 0], ['a', '<unk>'], 6)
    """

    @validate(tokens=Tokens(), min_freq=Int(min=1))
    def __init__(self, tokens=(), min_freq: int = 1):
        counts = Counter(tokens)
        kept = [t for t, c in counts.items() if c >= min_freq and t not in SPECIALS]
        kept.sort(key=lambda t: (-counts[t], t))  # most frequent first; ties alphabetical
        self.min_freq = min_freq
        self.itos = SPECIALS + tuple(kept)  # id -> token
        self.stoi = {t: i for i, t in enumerate(self.itos)}  # token -> id

    @property
    def tokens(self) -> tuple[str, ...]:
        """All tokens in id order: ``tokens[i]`` has id ``i``."""
        return self.itos

    @property
    def unk_id(self) -> int:
        """The id of ``<unk>`` (0)."""
        return self.stoi[UNK]

    def __len__(self) -> int:
        return len(self.itos)

    def __contains__(self, token) -> bool:
        return token in self.stoi

    def __eq__(self, other) -> bool:
        return isinstance(other, Vocabulary) and self.itos == other.itos

    __hash__ = None

    def __repr__(self) -> str:
        return f"Vocabulary(size={len(self)}, min_freq={self.min_freq})"

    @validate(tokens=Tokens())
    def encode(self, tokens) -> list[int]:
        """Map a list of tokens to ids; a token not in the vocabulary gives ``unk_id``.

        >>> Vocabulary(["a", "b"]).encode(["b", "zzz"])
        [5, 0]
        """
        return [self.stoi.get(t, self.unk_id) for t in tokens]

    def decode(self, ids) -> list[str]:
        """Map ids back to tokens; an id outside ``0 .. len - 1`` is a ``ValueError``.

        >>> Vocabulary(["a", "b"]).decode([4, 5, 0])
        ['a', 'b', '<unk>']
        """
        return [self.itos[i] for i in check_ids("ids", ids, len(self))]

    @validate(tokens=Tokens())
    def oov_rate(self, tokens) -> float:
        """Share of ``tokens`` (in [0, 1]) that are out of vocabulary (encode to ``<unk>``).

        >>> Vocabulary(["a", "b"]).oov_rate(["a", "c", "d", "b"])
        0.5
        """
        if not tokens:
            raise ValueError("tokens is empty: the OOV rate of no tokens is undefined")
        return sum(t not in self.stoi for t in tokens) / len(tokens)

    def save(self, path) -> None:
        """Write the vocabulary to ``path`` as JSON (the tokens in id order).

        The file is written atomically: a failed save leaves any previous file as it was.
        """
        data = {"format": "lmcore.Vocabulary", "version": 1, "min_freq": self.min_freq,
                "tokens": list(self.itos)}
        try:
            text = json.dumps(data, ensure_ascii=False, indent=1)
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: JSON's \u escapes keep it exactly
            text = json.dumps(data, ensure_ascii=True, indent=1)
        atomic_write_text(path, text)

    @classmethod
    def load(cls, path) -> Vocabulary:
        """Read a vocabulary written by :meth:`save`; the ids come back unchanged."""
        try:
            data = json.loads(read_text_file(path))
        except json.JSONDecodeError as exc:
            raise ValueError(f"path {str(path)!r} is not valid JSON ({exc})") from None
        if not isinstance(data, dict) or data.get("format") != "lmcore.Vocabulary":
            raise ValueError(f"path {str(path)!r} does not hold a saved lmcore Vocabulary")
        missing = sorted({"tokens", "min_freq"} - set(data))
        if missing:
            raise ValueError(f"path {str(path)!r} holds a Vocabulary without {missing}")
        tokens = check_tokens("tokens (in the file)", data["tokens"])
        if tuple(tokens[: len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"tokens (in the file) must start with the specials {SPECIALS}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("tokens (in the file) must be unique in a vocabulary")
        vocab = cls.__new__(cls)
        vocab.min_freq = check_int("min_freq (in the file)", data["min_freq"], minimum=1)
        vocab.itos = tuple(tokens)
        vocab.stoi = {t: i for i, t in enumerate(vocab.itos)}
        return vocab


# ----------------------------------------------------------------------------- BPE pieces
#: GPT-2-style pre-tokenizer: merges never cross these chunks. A chunk is an optional space
#: followed by letters, or by digits, or by other symbols; or a run of whitespace. Every
#: character matches one of them, so the chunks always join back to the text.
PRETOKENIZE = re.compile(r" ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+")


def _id_list(name: str, ids) -> list[int]:
    """``ids`` as a list of ints (numpy integers accepted); fast when it already is one."""
    ids = check_list(name, ids, "a list of integer ids")
    if set(map(type, ids)) <= {int}:
        return ids
    return [check_int(f"{name}[{i}]", t) for i, t in enumerate(ids)]


def _pair(name: str, pair) -> tuple[int, int]:
    pair = check_list(name, pair, "a pair of integer ids")
    if len(pair) != 2:
        raise ValueError(f"{name} must be a pair of ids, got {len(pair)} items")
    return check_int(f"{name}[0]", pair[0]), check_int(f"{name}[1]", pair[1])


def _id_lists(name: str, seqs) -> list[list[int]]:
    seqs = check_list(name, seqs, "a list of id lists")
    return [_id_list(f"{name}[{i}]", s) for i, s in enumerate(seqs)]


def _counts(name: str, freqs) -> list[int] | None:
    if freqs is None:
        return None
    return [check_int(f"{name}[{i}]", f, minimum=0)
            for i, f in enumerate(check_list(name, freqs, "a list of counts"))]


#: Rules: a list of integer ids; a pair of them; a list of such lists; a list of counts >= 0.
IDS, PAIR, ID_LISTS, COUNTS = Custom(_id_list), Custom(_pair), Custom(_id_lists), Custom(_counts)


@validate(text=Str())
def pretokenize(text: str) -> list[str]:
    """Cut ``text`` into the chunks BPE works inside; ``"".join(chunks) == text`` always.

    >>> pretokenize("The cat's mat, 42 times!")
    ['The', ' cat', "'", 's', ' mat', ',', ' 42', ' times', '!']
    """
    return PRETOKENIZE.findall(text)


@validate(ids=IDS, pair=PAIR, new_id=Int())
def merge_pair(ids, pair, new_id: int) -> list[int]:
    """Replace each occurrence of ``pair`` in ``ids`` by ``new_id``, left to right.

    Occurrences do not overlap: ``(a, a)`` in ``a a a`` merges once, leaving ``aa a``.

    >>> merge_pair([1, 2, 3, 1, 2], (1, 2), 9)
    [9, 3, 9]
    >>> merge_pair([7, 7, 7], (7, 7), 8)
    [8, 7]
    """
    first, second = pair
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == first and ids[i + 1] == second:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


@validate(seqs=ID_LISTS, freqs=COUNTS)
def count_pairs(seqs, freqs=None) -> dict[tuple[int, int], int]:
    """Count adjacent pairs in each sequence, weighted by ``freqs`` (default: 1 each).

    >>> count_pairs([[1, 2, 3], [1, 2]], freqs=[1, 5])
    {(1, 2): 6, (2, 3): 1}
    """
    freqs = [1] * len(seqs) if freqs is None else freqs
    if len(freqs) != len(seqs):
        raise ValueError(f"freqs must hold one count per sequence: {len(seqs)} sequences, got {len(freqs)}")
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for seq, f in zip(seqs, freqs):
        for pair in zip(seq, seq[1:]):
            counts[pair] += f
    return dict(counts)
