"""Exercises of notebook 10 (beam search)."""

import math

from lmcore.beam import greedy
from lmcore.exercises._core import register


class ToyModel:
    """A bigram table as a ``log_prob_fn``: tokens -> {next token: log-probability in nats}."""

    def __init__(self, name: str, table: dict[str, dict[str, float]]):
        self.name = name
        self.table = {ctx: {w: math.log(p) for w, p in row.items()} for ctx, row in table.items()}

    def __call__(self, tokens):
        return dict(self.table[tokens[-1]])

    def __repr__(self) -> str:
        return self.name


#: The slide's five words; greedy takes "the mat" (0.4) and pays for it later.
SLIDE = ToyModel("slide_model", {
    "<s>": {"the": 0.9, "cat": 0.1},
    "the": {"cat": 0.35, "mat": 0.4, "the": 0.05, "</s>": 0.2},
    "cat": {"sat": 0.6, "on": 0.1, "</s>": 0.3},
    "mat": {"the": 0.3, "on": 0.3, "sat": 0.2, "</s>": 0.2},
    "sat": {"on": 0.8, "</s>": 0.2},
    "on": {"the": 0.9, "mat": 0.1},
    "</s>": {"</s>": 1.0},
})
#: Two tied first words: ties go to the alphabetically first token.
TIED = ToyModel("tied_model", {
    "x": {"b": 0.4, "a": 0.4, "c": 0.2},
    "a": {"x": 0.5, "y": 0.5},
    "b": {"y": 0.9, "x": 0.1},
    "c": {"x": 1.0},
    "y": {"x": 1.0},
})
#: Ending is the most probable continuation after "hi": greedy must stop there.
STOPPING = ToyModel("stop_model", {
    "<s>": {"hi": 0.6, "</s>": 0.4},
    "hi": {"</s>": 0.5, "there": 0.3, "hi": 0.2},
    "there": {"</s>": 1.0},
    "</s>": {"</s>": 1.0},
})


def _sequence_log_prob(log_prob_fn, start, tokens):
    total, prefix = 0.0, tuple(start)
    for token in tokens:
        total += log_prob_fn(prefix)[token]
        prefix += (token,)
    return total


def _greedy_decode(log_prob_fn, start, max_steps, eos):
    return greedy(log_prob_fn, start, max_steps, eos=eos).tokens[len(start):]


def _beam_step(log_prob_fn, beam, beam_width):
    candidates = []
    for tokens, log_prob in beam:
        for word, lp in log_prob_fn(tuple(tokens)).items():
            candidates.append((tuple(tokens) + (word,), log_prob + lp))
    candidates.sort(key=lambda c: (-c[1], c[0]))
    return candidates[:beam_width]


register(
    "sequence_log_prob",
    _sequence_log_prob,
    cases=[
        (SLIDE, ("<s>",), ("the", "cat", "sat", "on")),
        (SLIDE, ("<s>",), ("the", "mat", "on", "the")),
        (SLIDE, ("<s>", "the"), ("</s>",)),
        (TIED, ("x",), ("a", "y", "x")),
        (SLIDE, ("<s>",), ()),
    ],
    hint="walk through tokens; add log_prob_fn(prefix)[token] (natural log, nats) and "
    "append the token to the prefix; an empty continuation has log-probability 0.0",
)
register(
    "greedy_decode",
    _greedy_decode,
    cases=[
        (SLIDE, ("<s>",), 4, "</s>"),
        (SLIDE, ("<s>",), 2, "</s>"),
        (SLIDE, ("<s>", "the", "cat"), 5, "</s>"),
        (STOPPING, ("<s>",), 5, "</s>"),
        (TIED, ("x",), 3, None),
    ],
    hint="at every step take the token with the highest log-probability (ties: the "
    "alphabetically first, min over (-log_prob, token)); stop after max_steps tokens or "
    "right after eos (eos included); return only the added tokens",
)
register(
    "beam_step",
    _beam_step,
    cases=[
        (SLIDE, [(("<s>",), 0.0)], 2),
        (SLIDE, [(("<s>", "the"), math.log(0.9)), (("<s>", "cat"), math.log(0.1))], 3),
        (SLIDE, [(("<s>", "the", "mat"), math.log(0.36)),
                 (("<s>", "the", "cat"), math.log(0.315))], 2),
        (TIED, [(("x",), 0.0)], 2),
    ],
    hint="extend every (tokens, log_prob) of the beam by every next token (add the log-"
    "probabilities), sort all candidates by decreasing log-probability (ties: by tokens) "
    "and keep the first beam_width; tokens are tuples",
    describe=lambda args: f"{args[0]!r}, beam of {len(args[1])}, {args[2]}",
)
