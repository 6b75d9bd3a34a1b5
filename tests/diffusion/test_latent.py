"""edl.diffusion.latent: VI, ISTA, LDA, k-means and total correlation."""

import math

import numpy as np
import pytest
import torch

from edl.diffusion import latent as la


def test_vi_objective_is_smallest_at_the_posterior():
    lj = torch.log(torch.tensor([0.1, 0.05, 0.15], dtype=torch.float64))
    post = torch.exp(lj) / torch.exp(lj).sum()
    at = float(la.vi_objective(post, lj))
    assert at == pytest.approx(-math.log(0.3), abs=1e-12)
    assert float(la.vi_objective(torch.tensor([1 / 3] * 3, dtype=torch.float64), lj)) > at


def test_ista_threshold_and_monotone_objective():
    D = torch.eye(3, dtype=torch.float64)
    h, hist = la.ista(D, torch.tensor([2.0, 0.05, -1.0], dtype=torch.float64), 0.1, 10)
    assert torch.allclose(h, torch.tensor([1.9, 0.0, -0.9], dtype=torch.float64))
    assert bool((hist[1:] <= hist[:-1] + 1e-15).all())


def test_lda_counts_and_marginal():
    c = la.lda_sample(50, 20, [1.0, 1.0], [[0.5, 0.0], [0.5, 1.0]], torch.Generator().manual_seed(0))
    assert c.shape == (50, 2) and bool((c.sum(1) == 20).all())


def test_lloyd_separates_two_blobs_and_tc_is_zero_for_diagonal():
    X = torch.tensor([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]], dtype=torch.float64)
    mu, a, f = la.lloyd(X, X[[0, 1]])
    assert sorted(a.tolist()) == [0, 0, 1, 1] and bool((f[1:] <= f[:-1]).all())
    assert float(la.gaussian_total_correlation(torch.diag(torch.tensor([1.0, 3.0])))) == pytest.approx(0.0, abs=1e-7)


@pytest.mark.parametrize("call, match", [
    (lambda: la.vi_objective([0.6, 0.6], [0.0, 0.0]), "q"),
    (lambda: la.vi_objective([0.5, 0.5], [0.0, 0.0, 0.0]), "log_joint"),
    (lambda: la.cavi_gaussian([0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]]), "precision"),
    (lambda: la.cavi_gaussian([0.0], [[1.0]]), "mu"),
    (lambda: la.soft_threshold([1.0], -0.1), "tau"),
    (lambda: la.ista([[1.0, 0.0]], [1.0, 2.0], 0.1, 3), "x must have"),
    (lambda: la.ista([[1.0]], [1.0], -0.1, 3), "lam"),
    (lambda: la.lda_sample(0, 5, [1.0], [[1.0]], torch.Generator()), "n_docs"),
    (lambda: la.lda_word_marginal([1.0, -1.0], [[1.0, 0.0], [0.0, 1.0]]), "alpha"),
    (lambda: la.lloyd([[0.0, 1.0]], [[0.0]]), "init"),
    (lambda: la.gaussian_total_correlation([[1.0, 0.0], [1.0, 1.0]]), "Sigma"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
