"""lmcore.lm_data.id_stream: the sentences as one stream of ids, as notebooks 06 and 07 train on."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from lmcore.lm_data import build_vocab, id_stream, make_examples, replace_rare

sentences_st = st.lists(st.lists(st.sampled_from(["a", "b", "cat", "dog", "zebra"]), max_size=6),
                        min_size=1, max_size=6).filter(lambda ss: any(ss))


def test_a_stream_worked_out_by_hand():
    vocab = ("</s>", "<unk>", "a", "b")
    assert id_stream([["a", "b"], ["zebra", "a"]], vocab).tolist() == [0, 2, 3, 0, 1, 2, 0]


@given(sentences_st)
def test_the_stream_is_the_sentences_with_rare_words_replaced_and_ends_marked(sentences):
    vocab = build_vocab(sentences, min_count=2)  # words seen once become <unk>
    words = ["</s>"] + [w for s in replace_rare(sentences, vocab) for w in [*s, "</s>"]]
    stream = id_stream(sentences, vocab)
    assert [vocab[i] for i in stream] == words and stream.dtype == np.int64
    # every token after the first is a target: the same targets make_examples gives, in order
    assert np.array_equal(stream[1:], make_examples(sentences, vocab, context_size=1)[1])


def test_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="^vocab"):
        id_stream([["a"]], "a b")
    with pytest.raises(ValueError, match="^vocab"):
        id_stream([["a"]], ("a", "b"))
    with pytest.raises(TypeError, match="^sentences"):
        id_stream("a b", ("</s>", "<unk>"))
