"""Edge cases of edl.convolution.embeddings that its mutation run exposed: large scores, vocabularies wider or
narrower than the embedding, list arguments taking the tensor's dtype, and beta = 0."""

import math

import pytest
import torch

from edl.convolution import embeddings as em

F32 = torch.float32
F64 = torch.float64


def test_logbilinear_probs_of_large_scores_do_not_overflow():
    """Scores ±800 overflow exp in float64 unless the maximum is subtracted: the result equals torch.softmax."""
    out = em.logbilinear_probs([400.0], [[2.0], [-2.0], [1.9]])
    torch.testing.assert_close(out, torch.softmax(torch.tensor([800.0, -800.0, 760.0], dtype=F64), 0))
    assert bool(torch.isfinite(out).all())


@pytest.mark.parametrize("fn", [em.w2v_nll, em.w2v_nll_grads,
                                lambda x, Y, nu: em.negative_sampling_loss(x, Y, nu, [1 / 3, 1 / 3, 1 / 3], 1.0)])
def test_context_word_indexes_the_vocabulary_rows_not_the_embedding_width(fn):
    """Y has V = 3 rows of width 2: nu = 2 is a valid word (the closed form at x = 0 is ln 3 for the NLL)."""
    fn([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], 2)
    assert float(em.w2v_nll([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], 2)) == pytest.approx(math.log(3), abs=1e-14)


@pytest.mark.parametrize("fn", [em.w2v_nll, em.w2v_nll_grads,
                                lambda x, Y, nu: em.negative_sampling_loss(x, Y, nu, [0.5, 0.5], 1.0)])
def test_context_word_beyond_a_narrow_vocabulary_is_refused(fn):
    """Y has V = 2 rows of width 3: nu = 2 is refused by name with the valid range 0..1."""
    with pytest.raises(ValueError, match=r"^nu must index the vocabulary \(0\.\.1\), got 2$"):
        fn([0.0, 0.0, 0.0], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], 2)


def test_noise_length_is_checked_against_the_vocabulary_size():
    """Y is 3 × 2: noise of length 2 is refused, and the message states the vocabulary size 3."""
    with pytest.raises(ValueError, match=r"^noise must have one probability per word of Y \(3\), got shape \(2,\)$"):
        em.negative_sampling_loss([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], 0, [0.5, 0.5], 1.0)


def test_negative_sampling_with_beta_zero_is_the_positive_logistic_term():
    """beta = 0 (no negatives) is allowed: the loss is -ln σ(x·y_ν) = ln(1 + e^{-1}) at x·y_ν = 1."""
    out = em.negative_sampling_loss([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], 0, [0.5, 0.5], 0.0)
    assert float(out) == pytest.approx(math.log1p(math.exp(-1.0)), abs=1e-14)


def test_list_arguments_take_the_dtype_of_float32_embeddings():
    """Float32 embeddings with list noise / list W give float32 results equal to autograd and torch.softmax."""
    g = torch.Generator().manual_seed(9)
    x, Y = torch.randn(3, generator=g, dtype=F32), torch.randn(4, 3, generator=g, dtype=F32)
    noise = [0.1, 0.2, 0.3, 0.4]
    loss = em.negative_sampling_loss(x, Y, 1, noise, 2.0)
    assert loss.dtype == F32
    xr = x.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(em.negative_sampling_loss(xr, Y, 1, torch.tensor(noise, dtype=F32), 2.0), xr)
    grad = em.negative_sampling_grad_x(x, Y, 1, noise, 2.0)
    assert grad.dtype == F32
    torch.testing.assert_close(grad, auto, atol=1e-5, rtol=0)
    W = torch.randn(4, 3, generator=g, dtype=F32)
    sk, cb = em.skipgram_probs(Y, W.tolist(), 2), em.cbow_probs(Y, W.tolist(), [0, 3])
    assert sk.dtype == F32 and cb.dtype == F32
    torch.testing.assert_close(sk, torch.softmax(Y @ W[2], 0), atol=1e-6, rtol=0)
    torch.testing.assert_close(cb, torch.softmax(Y @ (W[0] + W[3]), 0), atol=1e-6, rtol=0)


def test_list_centre_vector_takes_the_dtype_of_float32_output_embeddings():
    """logbilinear_probs(list x, float32 Y) is float32 and equals torch.softmax of Y x."""
    Y = torch.tensor([[1.0, 0.5], [-0.5, 2.0], [0.0, 1.0]], dtype=F32)
    out = em.logbilinear_probs([0.25, -1.0], Y)
    assert out.dtype == F32
    torch.testing.assert_close(out, torch.softmax(Y @ torch.tensor([0.25, -1.0], dtype=F32), 0), atol=1e-6, rtol=0)


def test_random_walk_formulas_on_a_batch_with_d_1_and_float32():
    """Rows of a (2, 2) batch are separate vectors; d = 1; a list v_c takes float32 from v_w. Closed forms:
    ‖a‖²/2 - log Z, ‖b‖²/2 - log Z, ‖a+b‖²/2 - 2 log Z and e^{‖a‖²/2}."""
    a = torch.tensor([[1.0, 0.0], [0.0, 2.0]], dtype=F32)
    b = [[0.0, 1.0], [1.0, 0.0]]
    out = em.randwalk_log_cooccurrence(a, b, 1, log_Z=0.5)
    assert out.dtype == F32
    expected = torch.tensor([[0.5 - 0.5, 0.5 - 0.5, 1.0 - 1.0], [2.0 - 0.5, 0.5 - 0.5, 2.5 - 1.0]], dtype=F32)
    torch.testing.assert_close(out, expected, atol=1e-6, rtol=0)
    torch.testing.assert_close(em.discourse_moment(a, 1), torch.tensor([math.exp(0.5), math.exp(2.0)], dtype=F32))
