"""Tests of edl.convolution.embeddings against softmax, autograd and root finding."""

import math

import numpy as np
import pytest
import torch

from edl.convolution import embeddings as em

F64 = torch.float64


def test_probabilities_normalise_and_skipgram_is_logbilinear():
    rng = np.random.default_rng(0)
    V, W = torch.tensor(rng.normal(size=(6, 3))), torch.tensor(rng.normal(size=(6, 3)))
    torch.testing.assert_close(em.skipgram_probs(V, W, 2), em.logbilinear_probs(W[2], V))
    assert float(em.cbow_probs(V, W, [0, 1, 3]).sum()) == pytest.approx(1.0, abs=1e-14)


def test_nll_gradients_are_expected_minus_observed():
    x, Y = torch.tensor([0.5, -1.0], dtype=F64), torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=F64)
    gx, gY = em.w2v_nll_grads(x, Y, 1)
    xr = x.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(em.w2v_nll(xr, Y, 1), xr)
    torch.testing.assert_close(gx, auto)
    assert float(gY.sum(0).norm()) == pytest.approx(0.0, abs=1e-15)   # Σ_μ (P − 1[μ=ν]) = 0


def test_sgns_optimum_is_shifted_pmi_and_training_reaches_it():
    C = np.array([[8.0, 1.0, 3.0], [2.0, 6.0, 1.0], [1.0, 2.0, 9.0]])
    S = em.sgns_optimal_scores(C, 3.0)
    total = C.sum()
    s01 = math.log(C[0, 1] * total / (C[0].sum() * C[:, 1].sum())) - math.log(3.0)
    assert float(S[0, 1]) == pytest.approx(s01, abs=1e-12)
    torch.testing.assert_close(em.fit_sgns(C, 3.0, steps=3000), S, atol=1e-5, rtol=0)


def test_negative_sampling_gradient_matches_autograd():
    rng = np.random.default_rng(1)
    x, Y = torch.tensor(rng.normal(size=4)), torch.tensor(rng.normal(size=(5, 4)))
    D = torch.tensor([0.1, 0.2, 0.3, 0.2, 0.2], dtype=F64)
    xr = x.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad(em.negative_sampling_loss(xr, Y, 0, D, 4.0), xr)
    torch.testing.assert_close(em.negative_sampling_grad_x(x, Y, 0, D, 4.0), auto)


def test_randwalk_pmi_is_the_scaled_inner_product():
    a, b = torch.tensor([1.0, 2.0, 0.0], dtype=F64), torch.tensor([0.5, -1.0, 3.0], dtype=F64)
    lw, lc, lwc = em.randwalk_log_cooccurrence(a, b, 3, 0.7)
    assert float(lwc - lw - lc) == pytest.approx(float(a @ b) / 3, abs=1e-14)


@pytest.mark.parametrize("call, name", [
    (lambda: em.logbilinear_probs([1.0], [[1.0, 2.0]]), "x"),
    (lambda: em.w2v_nll([1.0], [[1.0]], 1), "nu"),
    (lambda: em.w2v_nll([1.0], [[1.0]], -1), "nu"),
    (lambda: em.negative_sampling_loss([1.0], [[1.0], [2.0]], 0, [0.5, 0.6], 1.0), "noise"),
    (lambda: em.negative_sampling_loss([1.0], [[1.0], [2.0]], 0, [0.5, 0.5], -1.0), "beta"),
    (lambda: em.pmi([[1.0, 0.0], [1.0, 1.0]]), "counts"),
    (lambda: em.pmi([[1.0, 2.0]]), "counts"),
    (lambda: em.sgns_optimal_scores([[1.0]], 0.0), "k"),
    (lambda: em.cbow_probs([[1.0]], [[1.0]], []), "context"),
    (lambda: em.skipgram_probs([[1.0]], [[1.0], [2.0]], 0), "Vout"),
    (lambda: em.sentence_log_likelihood(lambda c: None, [0, 1], 2), "tokens"),
    (lambda: em.randwalk_log_cooccurrence([1.0], [1.0], 0), "d"),
    (lambda: em.discourse_moment([float("inf")], 1), "v_w"),
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
