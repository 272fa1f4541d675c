"""A synthetic language whose entropy is known exactly: a random Markov chain over symbols.

Real text has an unknown entropy rate; :class:`MarkovSource` has one we can compute, so an
estimate or a model can be measured against the true limit. What it means for a model:

- :func:`conditional_entropy` is the best cross-entropy a model that reads only the last
  ``k`` symbols can reach (an n-gram model has ``k = n - 1``), with unlimited data;
- :func:`source_cross_entropy` is what the true source itself scores on a sample;
- :func:`markov_sentences` cuts a sample into the token lists the n-gram models take.

>>> source = MarkovSource(order=2, vocab_size=3, seed=0)
>>> bool(np.isclose(conditional_entropy(source, 2), source.entropy_rate()))
True
"""

from __future__ import annotations

from bisect import bisect_right

import numpy as np

from lmcore._checks import check_memory
from lmcore.validation import Custom, Float, Int, List, Rng, validate

__all__ = ["MarkovSource", "conditional_entropy", "source_cross_entropy", "markov_sentences"]


class MarkovSource:
    """A random Markov chain over ``vocab_size`` symbols whose entropy rate is known exactly.

    The next symbol depends on the previous ``order`` symbols (a *state*); for each of the
    ``vocab_size ** order`` states, the next-symbol distribution is drawn once from a
    symmetric Dirichlet distribution with parameter ``concentration``: small values (0.1)
    make each state nearly deterministic (low entropy), large ones (100) nearly uniform
    (close to ``log2 vocab_size`` bits).

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

    @validate(order=Int(min=0, max=8), vocab_size=Int(min=2), seed=Int(min=0),
              concentration=Float(min=0.01, max=1000))
    def __init__(self, order: int = 1, vocab_size: int = 8, seed: int = 0,
                 concentration: float = 1.0):
        self.order, self.vocab_size, self.seed = order, vocab_size, seed
        self.concentration = concentration
        self.n_states = vocab_size**order
        if self.n_states > self.MAX_STATES:
            raise ValueError(
                f"vocab_size ** order must be <= {self.MAX_STATES} (the exact entropy rate "
                f"solves an n_states x n_states system), got {vocab_size}**{order} "
                f"= {self.n_states}"
            )
        check_memory("vocab_size", 2 * self.n_states * vocab_size)
        rng = np.random.default_rng(seed)
        alpha = np.full(vocab_size, concentration)
        self.transitions = rng.dirichlet(alpha, size=self.n_states)  # (S, V)
        self.symbols = (
            tuple("abcdefghijklmnopqrstuvwxyz"[:vocab_size]) if vocab_size <= 26
            else tuple(f"s{i}" for i in range(vocab_size))
        )

    def __repr__(self) -> str:
        return (f"MarkovSource(order={self.order}, vocab_size={self.vocab_size}, "
                f"seed={self.seed}, concentration={self.concentration:g})")

    def stationary(self) -> np.ndarray:
        """The stationary distribution over states, shape (S,): solves ``pi T = pi``, sum 1.

        Exact up to floating point: one dense linear solve (no simulation).
        """
        S, V = self.n_states, self.vocab_size
        if S == 1:
            return np.ones(1)
        T = np.zeros((S, S))  # (S, S) state-to-state transition matrix
        following = (np.arange(S)[:, None] * V + np.arange(V)) % S  # (S, V) the state after y
        np.add.at(T, (np.repeat(np.arange(S), V), following.ravel()), self.transitions.ravel())
        A = T.T - np.eye(S)  # (S, S): (T^T - I) pi = 0 ...
        A[-1] = 1.0  # ... with one equation replaced by sum(pi) = 1
        b = np.zeros(S)
        b[-1] = 1.0
        pi = np.clip(np.linalg.solve(A, b), 0.0, None)
        return pi / pi.sum()

    def entropy_rate(self) -> float:
        """The exact entropy rate in bits per symbol: ``sum_s pi(s) H(P(. | s))``."""
        P = self.transitions
        with np.errstate(divide="ignore"):
            logs = np.where(P > 0, np.log2(np.where(P > 0, P, 1.0)), 0.0)  # (S, V), 0 log 0 = 0
        row_entropy = -np.sum(P * logs, axis=1)  # (S,) bits
        return float(self.stationary() @ row_entropy)

    @validate(n_tokens=Int(min=1), rng=Rng())
    def sample(self, n_tokens: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_tokens`` consecutive symbols (ints in [0, vocab_size)), shape (n_tokens,).

        The first state is drawn from the stationary distribution, so the sample is
        stationary from its first symbol. ``rng`` is a ``np.random.default_rng(seed)``.
        """
        check_memory("n_tokens", 2 * n_tokens)
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


def _source(name, value):
    if not isinstance(value, MarkovSource):
        raise TypeError(f"{name} must be a lmcore.markov.MarkovSource, got {type(value).__name__}")
    return value


#: The rule of a source: a :class:`MarkovSource`.
SOURCE = Custom(_source)


# ---------------------------------------------------------------------------- the floor
@validate(source=SOURCE, context_length=Int(min=0))
def conditional_entropy(source: MarkovSource, context_length: int) -> float:
    """Exact ``H(X_t | X_{t-k}, ..., X_{t-1})`` of a stationary MarkovSource, in bits per symbol.

    The best cross-entropy a model that sees only the last ``k = context_length`` symbols can
    reach, with unlimited data: an n-gram model has ``k = n - 1``. It falls as ``k`` grows and
    equals the entropy rate from ``k = source.order`` on (the source forgets everything older).

    The joint probability of (last k symbols, next symbol) adds up ``pi(s) P(next | s)`` over
    the states ``s`` that end in those k symbols; then ``H(next | last k) = H(last k, next)
    - H(last k)``.

    >>> src = MarkovSource(order=2, vocab_size=3, seed=0)
    >>> h = [conditional_entropy(src, k) for k in range(4)]
    >>> h[0] >= h[1] >= h[2] == h[3], bool(np.isclose(h[2], src.entropy_rate()))
    (True, True)
    """
    from lmcore.information import entropy  # here, not above: information imports corpus

    k = min(context_length, source.order)  # symbols older than the order tell nothing more
    V = source.vocab_size
    pi = source.stationary()  # (S,) how often each state occurs
    joint = np.zeros((V**k, V))  # (V**k, V): P(last k symbols, next symbol)
    for state in range(source.n_states):
        last_k = state % V**k  # the state's last k symbols, as a base-V number
        joint[last_k] += pi[state] * source.transitions[state]
    return entropy(joint.ravel()) - entropy(joint.sum(axis=1))  # H(last k, next) - H(last k)


@validate(source=SOURCE, symbols=List("a sequence of symbol ids or names"))
def source_cross_entropy(source: MarkovSource, symbols) -> float:
    """What the true source scores on a sample: mean ``-log2 P(x_t | previous order symbols)``.

    Averaged over the symbols from position ``source.order`` on (the first ones have no full
    context). On a long sample it is close to the entropy rate; on a finite test sample it is
    the exact score a perfect model would get there, the fair target for a fitted ``E``.

    Args:
        source: a ``MarkovSource``.
        symbols: int array of shape (T,) with values in ``[0, vocab_size)``, or a list of
            symbol names (``source.symbols``), with T > order.

    Returns: bits per symbol.

    >>> src = MarkovSource(order=0, vocab_size=2, seed=0)
    >>> p = src.transitions[0]
    >>> bool(np.isclose(source_cross_entropy(src, [0, 1]), -np.log2(p).mean()))
    True
    """
    if len(symbols) and isinstance(symbols[0], str):  # symbol names, e.g. a sentence of markov_sentences
        names = {name: i for i, name in enumerate(source.symbols)}
        unknown = sorted(set(symbols) - set(names))
        if unknown:
            raise ValueError(f"symbols holds names that are not symbols of the source: {unknown[:5]}")
        symbols = [names[s] for s in symbols]
    x = np.asarray(symbols)
    if x.ndim != 1 or x.size <= source.order or not np.issubdtype(x.dtype, np.integer):
        raise ValueError(f"symbols must be a 1-D int array longer than order = {source.order}")
    V, order = source.vocab_size, source.order
    if x.min() < 0 or x.max() >= V:
        raise ValueError(f"symbols must hold ints in [0, {V}), got {x.min()}..{x.max()}")
    state = np.zeros(x.size - order, dtype=np.int64)  # (T - order,) state before each symbol
    for j in range(order):  # digits oldest first: state = sum x[t - order + j] * V ** (order - 1 - j)
        state = state * V + x[j : x.size - order + j]
    p = source.transitions[state, x[order:]]  # (T - order,)
    with np.errstate(divide="ignore"):
        return float(-np.log2(p).mean())


@validate(source=SOURCE, n_tokens=Int(min=1), length=Int(min=1), rng=Rng())
def markov_sentences(source: MarkovSource, n_tokens: int, length: int,
                     rng: np.random.Generator) -> list[list[str]]:
    """Sample ``n_tokens`` consecutive symbols and cut them into "sentences" of ``length``.

    Returns a list of token lists (symbol names like ``"a"``, ``"b"``), the format the
    n-gram models and :func:`lmcore.learning_curves.learning_curve` take. Long sentences
    keep the boundary symbols ``<s>``/``</s>`` the models add rare: each costs about
    ``1 / length`` of a token.

    >>> s = markov_sentences(MarkovSource(1, 3, seed=0), 10, 4, np.random.default_rng(0))
    >>> [len(x) for x in s], set(s[0]) <= {"a", "b", "c"}
    ([4, 4, 2], True)
    """
    check_memory("n_tokens", 8 * n_tokens)
    names = np.array(source.symbols)
    x = names[source.sample(n_tokens, rng)]  # (n_tokens,) symbol names
    return [x[i : i + length].tolist() for i in range(0, n_tokens, length)]
