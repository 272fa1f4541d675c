"""lmcore.exercises: the checker; every exercise rejects plausible wrong solutions and
accepts the reference solution its notebook shows."""

import ast
import json
import math
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from lmcore import exercises
from lmcore.corpus import words
from lmcore.exercises import _core


def _correct_counts(tokens, n):
    out = {}
    for i in range(len(tokens) - n + 1):
        ctx = " ".join(tokens[i:i + n - 1])
        out.setdefault(ctx, {})
        out[ctx][tokens[i + n - 1]] = out[ctx].get(tokens[i + n - 1], 0) + 1
    return out


def test_a_correct_solution_passes_every_case(capsys):
    assert exercises.passes("ngram_counts", _correct_counts)
    assert exercises.check("ngram_counts", _correct_counts) is None
    out = capsys.readouterr().out
    assert "✗" not in out and out.count("✓") == len(_core._REGISTRY["ngram_counts"].cases)


def test_a_wrong_solution_fails_with_expected_got_and_hint(capsys):
    def off_by_one(tokens, n):
        return _correct_counts(tokens, n + 1)

    assert not exercises.passes("ngram_counts", off_by_one)
    exercises.check("ngram_counts", off_by_one)
    out = capsys.readouterr().out
    assert "expected" in out and "got" in out and "Hint:" in out


def test_a_stub_and_a_crash_are_reported_not_raised(capsys):
    exercises.check("most_likely_next", lambda counts, ctx: None)
    assert "returned None" in capsys.readouterr().out
    exercises.check("most_likely_next", lambda counts, ctx: counts["nope"])
    assert "raised KeyError" in capsys.readouterr().out


def test_reference_answers_of_notebook_01_by_hand():
    exercises.exercise_names()
    _core._lookup("most_likely_next")
    ex = _core._REGISTRY
    slide = ex["next_word_probability"].cases[0][0]
    assert ex["next_word_probability"].reference(slide, "the", "cat") == 0.5
    assert ex["next_word_probability"].reference(slide, "the", "dog") == 0.0
    # "the dog chased the cat and the cat chased the bird": after "the": dog 1, cat 2, bird 1
    longer = ex["most_likely_next"].cases[1][0]
    assert ex["most_likely_next"].reference(longer, "the") == "cat"
    assert ex["most_likely_next"].reference(longer, "chased") == "the"
    # "my dog and my cat and my owl": after "my" a three-way tie, broken alphabetically
    assert ex["most_likely_next"].reference(ex["most_likely_next"].cases[-1][0], "my") == "cat"
    # the stop model: "hi" (0.6), then "</s>" (0.5), and greedy stops right after it
    stop = [c for c in ex["greedy_decode"].cases if repr(c[0]) == "stop_model"][0]
    assert tuple(ex["greedy_decode"].reference(*stop)) == ("hi", "</s>")


def test_float_results_compare_with_tolerance():
    assert _core._close(0.1 + 0.2, 0.3)
    assert not _core._close(0.3, 0.31)
    assert _core._close({"a": [0.1 + 0.2]}, {"a": [0.3]})


def test_bad_input():
    with pytest.raises(ValueError, match="name"):
        exercises.check("no_such_exercise", len)
    with pytest.raises(TypeError, match="fn"):
        exercises.check("ngram_counts", "not a function")
    with pytest.raises(ValueError, match="name"):
        exercises.register("ngram_counts", len, [(1,)], "dup")
    with pytest.raises(ValueError, match="cases"):
        exercises.register("brand_new_name_for_test", len, [], "no cases")


def test_exercise_modules_load_lazily_and_names_are_unique_across_notebooks():
    import ast
    import subprocess
    import sys
    from pathlib import Path

    names = []
    for path in sorted(Path(_core.__file__).parent.glob("nb[0-9][0-9].py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "register":
                names.append(node.args[0].value)
    assert len(names) == len(set(names)) and sorted(set(names)) == exercises.exercise_names()
    # checking a notebook-01 exercise imports neither notebook 12's module nor scikit-learn
    code = ("import sys; from lmcore.exercises import check; check('ngram_counts', lambda t, n: {});"
            "print('sklearn' in sys.modules, 'lmcore.exercises.nb12' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
    assert out.strip().splitlines()[-1] == "False False"


def test_the_table_of_exercise_modules_matches_what_each_module_registers():
    import json
    import subprocess
    import sys

    # import the modules one by one in a fresh interpreter; note the names each one adds
    code = ("import importlib, json, pkgutil; import lmcore.exercises as e; from lmcore.exercises "
            "import _core; seen = {}\n"
            "for m in sorted(i.name for i in pkgutil.iter_modules(e.__path__) if i.name.startswith('nb')):\n"
            "    before = set(dict.keys(_core._REGISTRY)); importlib.import_module('lmcore.exercises.' + m)\n"
            "    seen.update(dict.fromkeys(set(dict.keys(_core._REGISTRY)) - before, m))\n"
            "print(json.dumps(seen))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    registered = json.loads(out.stdout.strip().splitlines()[-1])
    assert registered == _core.EXERCISE_MODULES
    assert len(set(registered.values())) == 13  # notebooks 01-13 each have exercises


def test_every_registered_exercise_has_a_reference_that_runs():
    for name in exercises.exercise_names():
        exercise = _core._lookup(name)
        for args in exercise.cases:
            exercise.reference(*args)


# ------------------------------------------- every checker: wrong answers out, reference in

# Plausible wrong solutions, one slip each: what a learner might write. WRONG maps every
# exercise to at least two of them, and its checker must reject every one.

# ---------------------------------------------------------------- notebook 01
def counts_miss_the_last_ngram(tokens, n):
    out = {}
    for i in range(len(tokens) - n):  # one window short
        ctx, w = " ".join(tokens[i:i + n - 1]), tokens[i + n - 1]
        out.setdefault(ctx, {})[w] = out.get(ctx, {}).get(w, 0) + 1
    return out


def counts_record_presence_not_count(tokens, n):
    out = {}
    for i in range(len(tokens) - n + 1):
        out.setdefault(" ".join(tokens[i:i + n - 1]), {})[tokens[i + n - 1]] = 1
    return out


def counts_with_tuple_contexts(tokens, n):
    out = {}
    for i in range(len(tokens) - n + 1):
        ctx, w = tuple(tokens[i:i + n - 1]), tokens[i + n - 1]
        out.setdefault(ctx, {})[w] = out.get(ctx, {}).get(w, 0) + 1
    return out


def probability_over_distinct_followers(counts, context, word):
    following = counts.get(context, {})
    return following.get(word, 0) / len(following) if following else 0.0


def probability_fails_on_an_unseen_context(counts, context, word):
    following = counts[context]
    return following.get(word, 0) / sum(following.values())


def probability_over_all_bigrams(counts, context, word):
    total = sum(sum(f.values()) for f in counts.values())
    return counts.get(context, {}).get(word, 0) / total


def most_likely_first_seen(counts, context):
    following = counts[context]
    return max(following, key=following.get)  # ties: the first met, not alphabetical


def most_likely_last_in_sort(counts, context):
    following = counts[context]
    return sorted(following, key=lambda w: following[w])[-1]  # ties: the last met


def most_likely_reverse_alphabetical(counts, context):
    following = counts[context]
    return max(following, key=lambda w: (following[w], w))


# ---------------------------------------------------------------- notebook 02
def entropy_in_nats(counts):
    total = sum(counts.values())
    return -sum(c / total * math.log(c / total) for c in counts.values() if c > 0)


def entropy_over_symbol_count(counts):
    n = len(counts)  # divides by the number of symbols, not the number of observations
    return -sum(c / n * math.log2(c / n) for c in counts.values() if c > 0)


def entropy_crashes_on_a_zero(counts):
    total = sum(counts.values())
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def conditional_is_the_joint_entropy(text):
    pairs = Counter(zip(text, text[1:]))
    m = len(text) - 1
    return -sum(c / m * math.log2(c / m) for c in pairs.values())


def conditional_with_whole_text_counts(text):
    pairs, previous = Counter(zip(text, text[1:])), Counter(text)  # should be text[:-1]
    m = len(text) - 1
    return -sum(c / m * math.log2(c / previous[a]) for (a, _), c in pairs.items())


def conditional_divides_by_n(text):
    pairs, previous = Counter(zip(text, text[1:])), Counter(text[:-1])
    return -sum(c / len(text) * math.log2(c / previous[a]) for (a, _), c in pairs.items())


def conditional_is_the_unigram_entropy(text):
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def kl_arguments_swapped(p, q):
    return sum(qi * math.log2(qi / pi) for pi, qi in zip(p, q) if qi > 0)


def kl_in_nats(p, q):
    return sum(pi * math.log(pi / qi) for pi, qi in zip(p, q) if pi > 0)


def kl_without_the_zero_guard(p, q):
    return sum(pi * math.log2(pi / qi) for pi, qi in zip(p, q))


# ---------------------------------------------------------------- notebook 03
def perplexity_of_the_sum(probabilities):
    return 2 ** -sum(math.log2(p) for p in probabilities)


def perplexity_of_the_arithmetic_mean(probabilities):
    return len(probabilities) / sum(probabilities)


def perplexity_mixing_bases(probabilities):
    return 2 ** (-sum(math.log(p) for p in probabilities) / len(probabilities))


def add_k_without_k_in_the_denominator(count, context_count, vocab_size, k):
    return (count + k) / (context_count + vocab_size)


def add_k_adding_k_once(count, context_count, vocab_size, k):
    return (count + k) / (context_count + k)


def bits_per_char_inverted(perplexity, n_tokens, n_chars):
    return math.log2(perplexity) * n_chars / n_tokens


def bits_per_char_in_nats(perplexity, n_tokens, n_chars):
    return math.log(perplexity) * n_tokens / n_chars


# ---------------------------------------------------------------- notebook 04
def cosine_is_the_dot_product(a, b):
    return float(np.dot(a, b))


def cosine_in_absolute_value(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return abs(float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))))


def cosine_over_squared_lengths(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(a @ b / (a @ a * (b @ b)))


def pairs_to_the_right_only(tokens, window):
    pairs = {}
    for i, word in enumerate(tokens):
        for j in range(i + 1, min(len(tokens), i + window + 1)):
            pairs[(word, tokens[j])] = pairs.get((word, tokens[j]), 0) + 1
    return pairs


def pairs_skip_equal_words(tokens, window):
    pairs = {}
    for i, word in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if tokens[j] != word:  # should compare positions, not words
                pairs[(word, tokens[j])] = pairs.get((word, tokens[j]), 0) + 1
    return pairs


def pairs_window_exclusive(tokens, window):
    pairs = {}
    for i, word in enumerate(tokens):
        for j in range(max(0, i - window + 1), min(len(tokens), i + window)):
            if j != i:
                pairs[(word, tokens[j])] = pairs.get((word, tokens[j]), 0) + 1
    return pairs


def ppmi_without_clipping(counts):
    counts = np.asarray(counts, dtype=float)
    expected = np.outer(counts.sum(1), counts.sum(0)) / counts.sum()
    out = np.zeros_like(counts)
    seen = counts > 0
    out[seen] = np.log2(counts[seen] / expected[seen])
    return out


def ppmi_in_nats(counts):
    counts = np.asarray(counts, dtype=float)
    expected = np.outer(counts.sum(1), counts.sum(0)) / counts.sum()
    out = np.zeros_like(counts)
    seen = counts > 0
    out[seen] = np.maximum(np.log(counts[seen] / expected[seen]), 0)
    return out


def ppmi_with_row_sums_twice(counts):
    counts = np.asarray(counts, dtype=float)
    rows = counts.sum(1)
    expected = np.outer(rows, rows) / counts.sum()
    out = np.zeros_like(counts)
    seen = counts > 0
    out[seen] = np.maximum(np.log2(counts[seen] / expected[seen]), 0)
    return out


# ---------------------------------------------------------------- notebook 05
def softmax_without_the_shift(scores):
    e = np.exp(np.asarray(scores, dtype=float))
    return e / e.sum()


def softmax_shifted_by_the_mean(scores):
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.mean())
    return e / e.sum()


def softmax_shifted_by_the_min(scores):
    s = np.asarray(scores, dtype=float)
    e = np.exp(s - s.min())
    return e / e.sum()


def _stable(s):
    e = np.exp(s - s.max())
    return e / e.sum()


def weights_without_scaling(query, keys):
    return _stable(np.asarray(keys, float) @ np.asarray(query, float))


def weights_scaled_by_d(query, keys):
    return _stable(np.asarray(keys, float) @ np.asarray(query, float) / len(query))


def weights_with_a_naive_softmax(query, keys):
    s = np.asarray(keys, float) @ np.asarray(query, float) / np.sqrt(len(query))
    return np.exp(s) / np.exp(s).sum()


def mask_of_floats(T):
    return np.tril(np.ones((T, T)))


def mask_upper_triangle(T):
    return np.triu(np.ones((T, T), dtype=bool))


def mask_without_the_diagonal(T):
    return np.tril(np.ones((T, T), dtype=bool), k=-1)


# ---------------------------------------------------------------- notebook 06
def heads_by_direct_reshape(x, num_heads):
    B, T, d = x.shape
    return x.reshape(B, num_heads, T, d // num_heads)


def heads_without_transpose(x, num_heads):
    B, T, d = x.shape
    return x.reshape(B, T, num_heads, d // num_heads)


def heads_with_features_split_the_other_way(x, num_heads):
    B, T, d = x.shape
    return x.reshape(B, T, d // num_heads, num_heads).transpose(0, 3, 1, 2)


def block_count_without_biases(d_model, d_ff):
    return 4 * d_model**2 + 2 * d_model * d_ff + 4 * d_model


def block_count_without_layer_norms(d_model, d_ff):
    return 4 * d_model**2 + 2 * d_model * d_ff + d_ff + d_model


def block_count_without_w_o(d_model, d_ff):
    return 3 * d_model**2 + 2 * d_model * d_ff + d_ff + d_model + 4 * d_model


# ---------------------------------------------------------------- notebook 07
def line_gradient_of_the_full_mse(x, y, slope, intercept):
    err = slope * np.asarray(x) + intercept - np.asarray(y)
    return float(np.mean(2 * err * np.asarray(x))), float(np.mean(2 * err))


def line_gradient_with_the_sign_flipped(x, y, slope, intercept):
    err = np.asarray(y) - (slope * np.asarray(x) + intercept)
    return float(np.mean(err * np.asarray(x))), float(np.mean(err))


def line_gradient_summed(x, y, slope, intercept):
    err = slope * np.asarray(x) + intercept - np.asarray(y)
    return float(np.sum(err * np.asarray(x))), float(np.sum(err))


def xent_gradient_overflows(logits, target):
    p = np.exp(np.asarray(logits, dtype=float))
    p /= p.sum()
    p[target] -= 1.0
    return p


def xent_gradient_one_hot_minus_softmax(logits, target):
    z = np.asarray(logits, dtype=float)
    p = np.exp(z - z.max())
    p /= p.sum()
    onehot = np.zeros_like(p)
    onehot[target] = 1.0
    return onehot - p


def xent_gradient_is_the_softmax(logits, target):
    z = np.asarray(logits, dtype=float)
    p = np.exp(z - z.max())
    return p / p.sum()


def forward_difference(f, x, eps):
    return (f(x + eps) - f(x)) / eps


def central_difference_over_eps(f, x, eps):
    return (f(x + eps) - f(x - eps)) / eps


# ---------------------------------------------------------------- notebook 08
def pair_counts_ignore_overlaps(seqs):
    counts = Counter()
    for seq in seqs:
        i = 0
        while i + 1 < len(seq):
            pair = (seq[i], seq[i + 1])
            counts[pair] += 1
            # skip the second token of a repeated pair, as a merge would
            i += 2 if i + 2 < len(seq) and seq[i + 2] == seq[i + 1] == seq[i] else 1
    return min(counts, key=lambda p: (-counts[p], p))


def pair_counts_across_sequences(seqs):
    flat = [t for seq in seqs for t in seq]
    counts = Counter(zip(flat, flat[1:]))
    return min(counts, key=lambda p: (-counts[p], p))


def pair_ties_first_seen(seqs):
    counts = Counter(pair for seq in seqs for pair in zip(seq, seq[1:]))
    return counts.most_common(1)[0][0]


def merge_overlapping(ids, pair, new_id):
    out = []
    for i in range(len(ids)):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == tuple(pair):
            out.append(new_id)
        elif i > 0 and (ids[i - 1], ids[i]) == tuple(pair):
            continue
        else:
            out.append(ids[i])
    return out


def merge_right_to_left(ids, pair, new_id):
    out, i = [], len(ids) - 1
    while i >= 0:
        if i > 0 and (ids[i - 1], ids[i]) == tuple(pair):
            out.append(new_id)
            i -= 2
        else:
            out.append(ids[i])
            i -= 1
    return out[::-1]


def merge_drops_the_last_id(ids, pair, new_id):
    out, i = [], 0
    while i + 1 < len(ids):
        if (ids[i], ids[i + 1]) == tuple(pair):
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


def oov_at_or_below_min_freq(train_tokens, test_tokens, min_freq):
    counts = Counter(train_tokens)
    return sum(counts[t] <= min_freq for t in test_tokens) / len(test_tokens)


def oov_of_distinct_test_words(train_tokens, test_tokens, min_freq):
    counts = Counter(train_tokens)
    types = set(test_tokens)
    return sum(counts[t] < min_freq for t in types) / len(types)


def oov_ignoring_min_freq(train_tokens, test_tokens, min_freq):
    seen = set(train_tokens)
    return sum(t not in seen for t in test_tokens) / len(test_tokens)


# ---------------------------------------------------------------- notebook 09
def tempered_in_probability_space(probs, t):
    q = np.asarray(probs, dtype=float) ** (1 / t)
    return q / q.sum()


def tempered_with_power_t(probs, t):
    q = np.asarray(probs, dtype=float) ** t
    return q / q.sum()


def tempered_softmax_of_probabilities(probs, t):
    z = np.asarray(probs, dtype=float) / max(t, 1e-12)
    q = np.exp(z - z.max())
    return q / q.sum()


def top_k_ties_to_the_higher_index(probs, k):
    p = np.asarray(probs, dtype=float)
    keep = np.argsort(p)[::-1][:k]
    q = np.zeros_like(p)
    q[keep] = p[keep]
    return q / q.sum()


def top_k_by_threshold(probs, k):
    p = np.asarray(probs, dtype=float)
    q = np.where(p >= np.sort(p)[::-1][min(k, len(p)) - 1], p, 0.0)
    return q / q.sum()


def top_k_not_renormalised(probs, k):
    p = np.asarray(probs, dtype=float)
    keep = np.argsort(-p, kind="stable")[:k]
    q = np.zeros_like(p)
    q[keep] = p[keep]
    return q


def top_p_without_tolerance(probs, p):
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")
    size = int(np.argmax(np.cumsum(probs[order]) >= p)) + 1
    q = np.zeros_like(probs)
    q[order[:size]] = probs[order[:size]]
    return q / q.sum()


def top_p_stops_before_the_crossing_word(probs, p):
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")
    size = max(1, int(np.sum(np.cumsum(probs[order]) < p - 1e-12)))
    q = np.zeros_like(probs)
    q[order[:size]] = probs[order[:size]]
    return q / q.sum()


def top_p_not_renormalised(probs, p):
    probs = np.asarray(probs, dtype=float)
    order = np.argsort(-probs, kind="stable")
    size = int(np.argmax(np.cumsum(probs[order]) >= p - 1e-12)) + 1
    q = np.zeros_like(probs)
    q[order[:size]] = probs[order[:size]]
    return q


# ---------------------------------------------------------------- notebook 10
def sequence_probability_not_log(log_prob_fn, start, tokens):
    total, prefix = 1.0, tuple(start)
    for token in tokens:
        total *= math.exp(log_prob_fn(prefix)[token])
        prefix += (token,)
    return total


def sequence_with_a_fixed_prefix(log_prob_fn, start, tokens):
    return sum(log_prob_fn(tuple(start))[t] for t in tokens)


def greedy_ignores_eos(log_prob_fn, start, max_steps, eos):
    tokens = tuple(start)
    for _ in range(max_steps):
        dist = log_prob_fn(tokens)
        tokens += (min(dist, key=lambda w: (-dist[w], w)),)
    return tokens[len(start):]


def greedy_drops_eos(log_prob_fn, start, max_steps, eos):
    tokens = tuple(start)
    for _ in range(max_steps):
        dist = log_prob_fn(tokens)
        best = min(dist, key=lambda w: (-dist[w], w))
        if best == eos:
            break
        tokens += (best,)
    return tokens[len(start):]


def greedy_ties_first_seen(log_prob_fn, start, max_steps, eos):
    tokens = tuple(start)
    for _ in range(max_steps):
        dist = log_prob_fn(tokens)
        tokens += (max(dist, key=dist.get),)
        if tokens[-1] == eos:
            break
    return tokens[len(start):]


def beam_step_ignores_the_beam_score(log_prob_fn, beam, beam_width):
    candidates = [(tuple(t) + (w,), lp) for t, _ in beam for w, lp in log_prob_fn(tuple(t)).items()]
    candidates.sort(key=lambda c: (-c[1], c[0]))
    return candidates[:beam_width]


def beam_step_ties_first_seen(log_prob_fn, beam, beam_width):
    candidates = [(tuple(t) + (w,), s + lp) for t, s in beam for w, lp in log_prob_fn(tuple(t)).items()]
    candidates.sort(key=lambda c: -c[1])
    return candidates[:beam_width]


def beam_step_per_hypothesis(log_prob_fn, beam, beam_width):
    out = []
    for t, s in beam:  # keeps the best of every hypothesis, not of all candidates
        dist = log_prob_fn(tuple(t))
        out.append(min(((tuple(t) + (w,), s + lp) for w, lp in dist.items()), key=lambda c: (-c[1], c[0])))
    out.sort(key=lambda c: (-c[1], c[0]))
    return out[:beam_width]


# ---------------------------------------------------------------- notebook 11
def completions_ties_first_seen(counts, prefix, k):
    matching = [(w, c) for w, c in counts.items() if w.startswith(prefix)]
    return sorted(matching, key=lambda wc: -wc[1])[:k]


def completions_words_only(counts, prefix, k):
    matching = [(w, c) for w, c in counts.items() if w.startswith(prefix)]
    return [w for w, _ in sorted(matching, key=lambda wc: (-wc[1], wc[0]))[:k]]


def completions_exclude_the_prefix_itself(counts, prefix, k):
    matching = [(w, c) for w, c in counts.items() if w.startswith(prefix) and w != prefix]
    return sorted(matching, key=lambda wc: (-wc[1], wc[0]))[:k]


def trie_nodes_without_root(words):
    return len({w[:i] for w in words for i in range(1, len(w) + 1)})


def trie_nodes_without_sharing(words):
    return 1 + sum(len(w) for w in set(words))


def typing_cost_off_by_one(word, trie, k):
    for i in range(len(word)):
        if word in [w for w, _ in trie.complete(word[:i], k)]:
            return i
    return len(word)


def typing_cost_starts_at_one_letter(word, trie, k):
    for i in range(1, len(word)):
        if word in [w for w, _ in trie.complete(word[:i], k)]:
            return i + 1
    return len(word) + 1


def typing_cost_without_the_accept_key(word, trie, k):
    for i in range(len(word)):
        if word in [w for w, _ in trie.complete(word[:i], k)]:
            return i + 1
    return len(word)


# ---------------------------------------------------------------- notebook 12
def bag_split_on_spaces(text, vocabulary):
    tokens = text.split()
    return [tokens.count(word) for word in vocabulary]


def bag_presence_not_counts(text, vocabulary):
    tokens = set(words(text))
    return [int(word in tokens) for word in vocabulary]


def bag_counts_substrings(text, vocabulary):
    lowered = text.lower()
    return [lowered.count(word) for word in vocabulary]


def bigrams_only(tokens):
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


def bigrams_as_tuples(tokens):
    return list(tokens) + list(zip(tokens, tokens[1:]))


def bigrams_first(tokens):
    return [f"{a} {b}" for a, b in zip(tokens, tokens[1:])] + list(tokens)


def confusion_rows_are_predictions(labels, predicted):
    table = [[0, 0], [0, 0]]
    for truth, guess in zip(labels, predicted):
        table[guess][truth] += 1
    return table


def confusion_flattened(labels, predicted):
    table = [0, 0, 0, 0]
    for truth, guess in zip(labels, predicted):
        table[2 * truth + guess] += 1
    return table


def confusion_positive_class_first(labels, predicted):
    table = [[0, 0], [0, 0]]
    for truth, guess in zip(labels, predicted):
        table[1 - truth][1 - guess] += 1
    return table


# ---------------------------------------------------------------- notebook 13
def novelty_of_distinct_ngrams(generated, training, n):
    seen = {tuple(s[i:i + n]) for s in training for i in range(len(s) - n + 1)}
    grams = {tuple(s[i:i + n]) for s in generated for i in range(len(s) - n + 1)}
    return sum(g not in seen for g in grams) / len(grams)


def novelty_across_sentences(generated, training, n):
    flat = [w for s in generated for w in s]
    seen = {tuple(s[i:i + n]) for s in training for i in range(len(s) - n + 1)}
    grams = [tuple(flat[i:i + n]) for i in range(len(flat) - n + 1)]
    return sum(g not in seen for g in grams) / len(grams)


def novelty_share_seen(generated, training, n):
    seen = {tuple(s[i:i + n]) for s in training for i in range(len(s) - n + 1)}
    grams = [tuple(s[i:i + n]) for s in generated for i in range(len(s) - n + 1)]
    return sum(g in seen for g in grams) / len(grams)


def tokens_to_reach_without_the_floor_check(E, A, alpha, target):
    return (A / (target - E)) ** (1 / alpha)


def tokens_to_reach_exponent_alpha(E, A, alpha, target):
    if target <= E:
        return math.inf
    return (A / (target - E)) ** alpha


def tokens_to_reach_ignores_the_floor(E, A, alpha, target):
    return (A / target) ** (1 / alpha)


def association_of_dot_products(w, group_a, group_b):
    w = np.asarray(w, dtype=float)
    return float(np.mean(np.asarray(group_a, float) @ w) - np.mean(np.asarray(group_b, float) @ w))


def association_of_the_mean_vector(w, group_a, group_b):
    w = np.asarray(w, dtype=float)

    def cos(v):
        return v @ w / (np.linalg.norm(v) * np.linalg.norm(w))

    return float(cos(np.mean(group_a, axis=0)) - cos(np.mean(group_b, axis=0)))


def association_b_minus_a(w, group_a, group_b):
    w = np.asarray(w, dtype=float)

    def mean_cos(g):
        g = np.asarray(g, dtype=float)
        return np.mean(g @ w / (np.linalg.norm(g, axis=1) * np.linalg.norm(w)))

    return float(mean_cos(group_b) - mean_cos(group_a))


WRONG = {
    "ngram_counts": [counts_miss_the_last_ngram, counts_record_presence_not_count,
                     counts_with_tuple_contexts],
    "next_word_probability": [probability_over_distinct_followers,
                              probability_fails_on_an_unseen_context, probability_over_all_bigrams],
    "most_likely_next": [most_likely_first_seen, most_likely_last_in_sort,
                         most_likely_reverse_alphabetical],
    "entropy_bits": [entropy_in_nats, entropy_over_symbol_count, entropy_crashes_on_a_zero],
    "conditional_entropy_k1": [conditional_is_the_joint_entropy, conditional_with_whole_text_counts,
                               conditional_divides_by_n, conditional_is_the_unigram_entropy],
    "kl_divergence_bits": [kl_arguments_swapped, kl_in_nats, kl_without_the_zero_guard],
    "perplexity_of_probabilities": [perplexity_of_the_sum, perplexity_of_the_arithmetic_mean,
                                    perplexity_mixing_bases],
    "add_k_probability": [add_k_without_k_in_the_denominator, add_k_adding_k_once],
    "bits_per_char": [bits_per_char_inverted, bits_per_char_in_nats],
    "cosine": [cosine_is_the_dot_product, cosine_in_absolute_value, cosine_over_squared_lengths],
    "cooccurrence_pairs": [pairs_to_the_right_only, pairs_skip_equal_words, pairs_window_exclusive],
    "ppmi": [ppmi_without_clipping, ppmi_in_nats, ppmi_with_row_sums_twice],
    "stable_softmax": [softmax_without_the_shift, softmax_shifted_by_the_mean,
                       softmax_shifted_by_the_min],
    "attention_weights_one_query": [weights_without_scaling, weights_scaled_by_d,
                                    weights_with_a_naive_softmax],
    "causal_mask": [mask_of_floats, mask_upper_triangle, mask_without_the_diagonal],
    "split_heads": [heads_by_direct_reshape, heads_without_transpose,
                    heads_with_features_split_the_other_way],
    "block_parameter_count": [block_count_without_biases, block_count_without_layer_norms,
                              block_count_without_w_o],
    "line_gradient": [line_gradient_of_the_full_mse, line_gradient_with_the_sign_flipped,
                      line_gradient_summed],
    "softmax_xent_gradient": [xent_gradient_overflows, xent_gradient_one_hot_minus_softmax,
                              xent_gradient_is_the_softmax],
    "central_difference": [forward_difference, central_difference_over_eps],
    "most_frequent_pair": [pair_counts_ignore_overlaps, pair_counts_across_sequences,
                           pair_ties_first_seen],
    "merge_pair": [merge_overlapping, merge_right_to_left, merge_drops_the_last_id],
    "oov_rate": [oov_at_or_below_min_freq, oov_of_distinct_test_words, oov_ignoring_min_freq],
    "tempered_distribution": [tempered_in_probability_space, tempered_with_power_t,
                              tempered_softmax_of_probabilities],
    "top_k_filter": [top_k_ties_to_the_higher_index, top_k_by_threshold, top_k_not_renormalised],
    "top_p_filter": [top_p_without_tolerance, top_p_stops_before_the_crossing_word,
                     top_p_not_renormalised],
    "sequence_log_prob": [sequence_probability_not_log, sequence_with_a_fixed_prefix],
    "greedy_decode": [greedy_ignores_eos, greedy_drops_eos, greedy_ties_first_seen],
    "beam_step": [beam_step_ignores_the_beam_score, beam_step_ties_first_seen,
                  beam_step_per_hypothesis],
    "top_completions": [completions_ties_first_seen, completions_words_only,
                        completions_exclude_the_prefix_itself],
    "trie_node_count": [trie_nodes_without_root, trie_nodes_without_sharing],
    "typing_cost": [typing_cost_off_by_one, typing_cost_starts_at_one_letter,
                    typing_cost_without_the_accept_key],
    "bag_of_words_counts": [bag_split_on_spaces, bag_presence_not_counts, bag_counts_substrings],
    "append_bigrams": [bigrams_only, bigrams_as_tuples, bigrams_first],
    "confusion_counts": [confusion_rows_are_predictions, confusion_flattened,
                         confusion_positive_class_first],
    "novel_ngram_share": [novelty_of_distinct_ngrams, novelty_across_sentences, novelty_share_seen],
    "tokens_to_reach": [tokens_to_reach_without_the_floor_check, tokens_to_reach_exponent_alpha,
                        tokens_to_reach_ignores_the_floor],
    "association_score": [association_of_dot_products, association_of_the_mean_vector,
                          association_b_minus_a],
}


# ------------------------------------------- every checker: wrong answers out, reference in

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_every_exercise_has_at_least_two_plausible_wrong_solutions():
    assert sorted(WRONG) == exercises.exercise_names()
    assert all(len(fns) >= 2 for fns in WRONG.values())


@pytest.mark.parametrize("name, wrong", [pytest.param(name, fn, id=f"{name}-{fn.__name__}")
                                         for name, fns in WRONG.items() for fn in fns])
def test_the_checker_rejects_a_plausible_wrong_solution(name, wrong):
    with warnings.catch_warnings(), np.errstate(all="ignore"):  # overflow is one of the slips
        warnings.simplefilter("ignore")
        assert not exercises.passes(name, wrong)


def _reference_solutions() -> dict:
    """{exercise name: function} from the notebooks' hidden reference-solution cells.

    A reference cell is a collapsed code cell that calls ``check``; its function definitions
    run with the imports of its notebook, and each ``check(name, fn)`` names the pair.
    """
    found = {}
    for path in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb")):
        cells = [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
                 if c["cell_type"] == "code"]
        solutions = [ast.parse("".join(c["source"])) for c in cells
                     if c["metadata"].get("jupyter", {}).get("source_hidden")
                     and "check(" in "".join(c["source"])]
        if not solutions:
            continue
        imports = []
        for cell in cells:
            try:
                tree = ast.parse("".join(cell["source"]))
            except SyntaxError:  # a cell magic
                continue
            imports += [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        for tree in solutions:
            namespace = {}
            defs = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
            exec(compile(ast.Module(imports + defs, type_ignores=[]), str(path), "exec"), namespace)
            for node in ast.walk(tree):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check":
                    found[node.args[0].value] = namespace[node.args[1].id]
    return found


def test_the_reference_solution_shown_in_each_notebook_passes_its_checker():
    references = _reference_solutions()
    assert sorted(references) == exercises.exercise_names()
    failing = [name for name, fn in references.items() if not exercises.passes(name, fn)]
    assert not failing
