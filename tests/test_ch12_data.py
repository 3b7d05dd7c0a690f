"""course.data: the corpus source's entropy rate is right, its text and loader behave."""

from __future__ import annotations

import numpy as np
import pytest

from course.data import COURSE_GRAMMAR, CharTokenizer, WordGrammar, load_corpus, split_ids


def test_entropy_rate_of_a_one_state_source_is_closed_form():
    # One state, words "a" and "bb" with p = 1/4, 3/4: H = H(1/4) nats per word;
    # E[chars] = 1/4 * 2 + 3/4 * 3 = 2.75 (each word plus its space).
    g = WordGrammar({"S": [("a", 0.25, "S"), ("bb", 0.75, "S")]}, start="S")
    h_word = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    assert g.entropy_rate() == pytest.approx(h_word / 2.75, rel=1e-12)


def test_stationary_distribution_of_a_two_state_chain():
    # X -> Y always; Y -> X with 1/2, Y -> Y with 1/2: pi = (1/3, 2/3).
    g = WordGrammar({"X": [("x", 1.0, "Y")], "Y": [("p", 0.5, "X"), ("q", 0.5, "Y")]}, start="X")
    np.testing.assert_allclose(g.stationary(), [1 / 3, 2 / 3], atol=1e-12)
    # Only Y carries information: ln 2 per visit; chars per word = 2 everywhere.
    assert g.entropy_rate() == pytest.approx((2 / 3) * np.log(2) / 2, rel=1e-12)


def test_empirical_log_likelihood_converges_to_the_entropy_rate():
    """Independent check: -log P(text)/chars of a long sample -> the closed-form rate."""
    text = COURSE_GRAMMAR.sample(400_000, seed=3)
    total, chars = COURSE_GRAMMAR.log_likelihood(text)
    assert chars > 399_000
    assert -total / chars == pytest.approx(COURSE_GRAMMAR.entropy_rate(), rel=0.01)


def test_entropy_rate_is_below_the_empirical_bigram_entropy():
    text = COURSE_GRAMMAR.sample(100_000, seed=4)
    tok = CharTokenizer(text)
    ids = tok.encode(text)
    counts = np.zeros((tok.vocab_size, tok.vocab_size))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)
    probs = counts / counts.sum(axis=1, keepdims=True)
    nz = counts > 0
    bigram = -np.sum(counts[nz] * np.log(probs[nz])) / counts.sum()
    assert COURSE_GRAMMAR.entropy_rate() < bigram


def test_sample_is_seeded_and_exact_length():
    a, b = COURSE_GRAMMAR.sample(5_000, seed=7), COURSE_GRAMMAR.sample(5_000, seed=7)
    assert a == b and len(a) == 5_000
    assert a != COURSE_GRAMMAR.sample(5_000, seed=8)
    assert a.startswith(("the ", "a ", "one "))


def test_grammar_rejects_bad_rules():
    with pytest.raises(ValueError, match="unifilar"):
        WordGrammar({"S": [("a", 0.5, "S"), ("a", 0.5, "S")]}, start="S")
    with pytest.raises(ValueError, match="sum to 1"):
        WordGrammar({"S": [("a", 0.5, "S")]}, start="S")
    with pytest.raises(ValueError, match="undefined"):
        WordGrammar({"S": [("a", 1.0, "T")]}, start="S")
    with pytest.raises(ValueError, match="cannot follow"):
        COURSE_GRAMMAR.log_likelihood("the the ")


def test_loader_reads_any_text_file(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("To be, or not to be: that is the question.\n", encoding="utf-8")
    text = load_corpus(path)
    tok = CharTokenizer(text)
    assert tok.decode(tok.encode(text)) == text
    with pytest.raises(ValueError, match="not in the vocabulary"):
        tok.encode("~")
    assert load_corpus(n_chars=300, seed=1) == COURSE_GRAMMAR.sample(300, seed=1)


def test_split_is_contiguous():
    train, val = split_ids(np.arange(100), 0.2)
    np.testing.assert_array_equal(np.concatenate([train, val]), np.arange(100))
    assert len(val) == 20
    with pytest.raises(ValueError):
        split_ids(np.arange(10), 0.0)


def test_blas_thread_control_round_trips():
    from course.reference.blas import get_blas_threads, set_blas_threads

    before = set_blas_threads(1)
    if before is None:
        pytest.skip("numpy's BLAS is not one course.reference.blas can control")
    try:
        assert get_blas_threads() in (1, None)
    finally:
        set_blas_threads(before)


def test_reference_forward_keeps_float32_and_matches_float64():
    """ch12 trains in float32: no step of the reference forward may promote to float64 (numpy
    float64 scalars such as np.sqrt(2.0) do), and the result agrees with float64."""
    from course.reference.gpt import gpt_forward, init_params

    ids = np.random.default_rng(0).integers(0, 11, size=(3, 8))
    p64 = init_params(11, 8, 16, 2, seed=1, std=0.3)
    p32 = init_params(11, 8, 16, 2, seed=1, std=0.3, dtype=np.float32)
    assert {a.dtype for a in p32.values()} == {np.dtype(np.float32)}
    logits32, tape = gpt_forward(p32, ids, n_heads=2)
    assert logits32.dtype == np.float32

    def arrays(obj):
        if isinstance(obj, np.ndarray):
            yield obj
        elif isinstance(obj, tuple | list):
            for item in obj:
                yield from arrays(item)

    promoted = {a.dtype for a in arrays([cache for _, cache in tape[1:]]) if a.dtype.kind == "f"}
    assert promoted == {np.dtype(np.float32)}
    np.testing.assert_allclose(logits32, gpt_forward(p64, ids, n_heads=2)[0], rtol=0, atol=1e-5)
    with pytest.raises(ValueError, match="float type"):
        init_params(11, 8, 16, 1, dtype=np.int32)
