"""Exercises of notebook 01 (n-gram models)."""

from lmcore.exercises._core import register
from lmcore.ngram import conditional_probabilities, ngram_counts

_TEXT = "the cat sat on the mat".split()
_LONGER = "the dog chased the cat and the cat chased the bird".split()
_PETS = "my dog and my cat and my owl".split()  # a three-way tie, first met not alphabetical
_TABLES = {  # count tables the cases use, with the label a learner sees
    "slide bigrams": ngram_counts(_TEXT, 2),
    "dog-and-cat bigrams": ngram_counts(_LONGER, 2),
    "dog-and-cat trigrams": ngram_counts(_LONGER, 3),
    "dog-cat-owl bigrams": ngram_counts(_PETS, 2),
}


def _label(counts):
    return next(name for name, table in _TABLES.items() if table is counts)


def _next_word_probability(counts, context, word):
    return conditional_probabilities(counts).get(context, {}).get(word, 0.0)


def _most_likely_next(counts, context):
    following = counts[context]
    return min(following, key=lambda w: (-following[w], w))


register(
    "ngram_counts",
    ngram_counts,
    cases=[(_TEXT, 2), (_TEXT, 1), (_TEXT, 3), (_LONGER, 2), (["a"], 2), ([], 3)],
    hint="slide a window of n tokens; the context is the first n - 1 joined by spaces, "
    "and a text shorter than n has no n-grams at all",
)
register(
    "next_word_probability",
    _next_word_probability,
    cases=[
        (_TABLES["slide bigrams"], "the", "cat"),
        (_TABLES["dog-and-cat bigrams"], "the", "cat"),
        (_TABLES["dog-and-cat bigrams"], "cat", "chased"),
        (_TABLES["dog-and-cat bigrams"], "the", "mat"),
        (_TABLES["dog-and-cat bigrams"], "bird", "the"),
        (_TABLES["dog-and-cat trigrams"], "the cat", "and"),
    ],
    hint="divide the count of (context, word) by the total count of the context; "
    "a word never seen after the context, or a context never seen, has probability 0.0",
    describe=lambda args: f"<{_label(args[0])}>, {args[1]!r}, {args[2]!r}",
)
register(
    "most_likely_next",
    _most_likely_next,
    cases=[
        (_TABLES["slide bigrams"], "the"),
        (_TABLES["dog-and-cat bigrams"], "the"),
        (_TABLES["dog-and-cat bigrams"], "chased"),
        (_TABLES["dog-and-cat trigrams"], "the cat"),
        (_TABLES["dog-cat-owl bigrams"], "my"),
    ],
    hint="take the word with the highest count; break ties by alphabetical order (not by the "
    "order the words were met in): min over (-count, word)",
    describe=lambda args: f"<{_label(args[0])}>, {args[1]!r}",
)
