"""Tests of edl.bayesian.posterior: exact values, edge cases and the refusals of bad input."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from edl.bayesian import posterior as po
from edl.bayesian.checks import posterior as checks

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def test_grid_posterior_is_the_normalised_product_and_returns_the_evidence():
    th = torch.linspace(0, 1, 5, dtype=torch.float64)
    post, Z = po.grid_posterior(th, T([1.0, 1, 1, 1, 1]), th)          # likelihood θ, flat prior: p(S) = 1/2
    assert float(Z) == pytest.approx(0.5, abs=1e-15)
    assert post.tolist() == pytest.approx([0.0, 0.5, 1.0, 1.5, 2.0], abs=1e-15)
    post2, Z2 = po.grid_posterior(th, 2 * torch.ones(5, dtype=torch.float64), th)
    assert float(Z2) == pytest.approx(1.0) and torch.allclose(post2, post)


@pytest.mark.parametrize("kwargs, match", [
    (dict(theta=[0.0], prior=[1.0], likelihood=[1.0]), "increasing grid"),
    (dict(theta=[0.0, 0.0], prior=[1.0, 1.0], likelihood=[1.0, 1.0]), "increasing grid"),
    (dict(theta=[1.0, 0.0], prior=[1.0, 1.0], likelihood=[1.0, 1.0]), "increasing grid"),
    (dict(theta=[0.0, 1.0], prior=[1.0, 1.0], likelihood=[0.0, 0.0]), "evidence 0"),
    (dict(theta=[0.0, 1.0], prior=[1.0, -1.0], likelihood=[1.0, 1.0]), "prior"),
    (dict(theta=[0.0, 1.0], prior=[1.0, 1.0, 1.0], likelihood=[1.0, 1.0]), "prior"),
])
def test_grid_posterior_refuses(kwargs, match):
    with pytest.raises(ValueError, match=match):
        po.grid_posterior(**kwargs)


def test_gaussian_prior_nll_matches_scipy_single_and_per_coordinate():
    theta = [0.3, -1.2, 2.0]
    assert float(po.gaussian_prior_nll(theta, 0.5)) == pytest.approx(-scipy.stats.norm.logpdf(theta, 0, 0.5).sum(), abs=1e-13)
    s = [0.5, 1.0, 3.0]
    assert float(po.gaussian_prior_nll(theta, s)) == pytest.approx(-scipy.stats.norm.logpdf(theta, 0, s).sum(), abs=1e-13)
    batch = po.gaussian_prior_nll(T([[0.0, 0.0], [1.0, 1.0]]), 1.0)
    assert batch.tolist() == pytest.approx([math.log(2 * math.pi), 1 + math.log(2 * math.pi)], abs=1e-14)
    with pytest.raises(ValueError, match="sigma"):
        po.gaussian_prior_nll(theta, [1.0, 2.0])


def test_gaussian_nll_values():
    assert float(po.gaussian_nll([1.0, 2.0], [0.0, 2.0], 0.5)) == pytest.approx(2 + math.log(2 * math.pi * 0.25), abs=1e-14)
    assert float(po.gaussian_nll([0.0], [0.0], 1.0)) == pytest.approx(0.5 * math.log(2 * math.pi), abs=1e-15)
    with pytest.raises(ValueError, match="f must have shape"):
        po.gaussian_nll([1.0, 2.0], [1.0], 1.0)


def test_posterior_energy_and_map():
    assert float(po.posterior_energy([1.0, 2.0], [0.0, 2.0], [1.0, 1.0], 0.5, 2.0)) == pytest.approx(2.0 + 0.25, abs=1e-15)
    assert float(po.posterior_energy([3.0], [1.0], [2.0], 1.0, 1.0)) == pytest.approx(4.0, abs=1e-15)
    X, y = T([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), T([1.0, 2.0, 3.0])
    assert po.map_linear(X, y, 1.0, 1.0).tolist() == pytest.approx([0.875, 1.375], abs=1e-14)
    assert po.map_linear(X, y, 1.0, 0.5).tolist() == pytest.approx(
        np.linalg.solve(X.numpy().T @ X.numpy() + 4 * np.eye(2), X.numpy().T @ y.numpy()).tolist(), abs=1e-14)   # λ = ε²/σ² = 4
    with pytest.raises(ValueError, match="y must have shape"):
        po.map_linear(X, [1.0, 2.0], 1.0, 1.0)


def test_predictive_mean_and_ensembles():
    assert po.predictive_mean([[1.0, 2.0], [3.0, 6.0]]).tolist() == [2.0, 4.0]
    assert po.ensemble_weights([0.0, 0.0]).tolist() == [0.5, 0.5]
    w = po.ensemble_weights([0.0, math.log(3.0)])
    assert w.tolist() == pytest.approx([0.75, 0.25], abs=1e-15)
    assert po.ensemble_weights([1000.0, 1001.0]).tolist() == pytest.approx([1 / (1 + math.e ** -1), 1 / (1 + math.e)], abs=1e-15)
    assert float(po.ensemble_prediction([1.0, 5.0], [0.0, math.log(3.0)])) == pytest.approx(2.0, abs=1e-14)
    assert po.ensemble_prediction([[1.0, 0.0], [5.0, 4.0]], [0.0, math.log(3.0)]).tolist() == pytest.approx([2.0, 1.0])
    with pytest.raises(ValueError, match="energies must have shape"):
        po.ensemble_prediction([1.0, 2.0, 3.0], [0.0, 1.0])


@pytest.mark.parametrize("check, wrong", [
    (checks.check_bayes_rule, dict(posterior=lambda th, p, l: (p * l, torch.trapezoid(p * l, th)))),          # unnormalised
    (checks.check_gaussian_likelihood, dict(nll=lambda y, f, eps: ((y - f) ** 2).sum(-1) / (2 * eps**2))),  # no constant
    (checks.check_gaussian_likelihood, dict(nll=lambda y, f, eps: ((y - f) ** 2).sum(-1) / eps**2
                                            + 0.5 * y.shape[-1] * math.log(2 * math.pi * eps**2))),   # factor 2
    (checks.check_posterior_energy, dict(map_=lambda X, y, e, s: torch.linalg.solve(X.T @ X + (s**2 / e**2) * torch.eye(X.shape[1],
                                         dtype=X.dtype), X.T @ y))),                                  # λ inverted
    (checks.check_predictive, dict(mean=lambda p: p.median(0).values + 0.05)),
    (checks.check_ensembling, dict(weights=lambda E: torch.softmax(E, 0))),                         # sign flipped
    (checks.check_ensembling, dict(predict=lambda f, E: f.mean(0))),                                # unweighted
])
def test_checks_fail_on_wrong_variants(check, wrong):
    assert not check(**wrong).passed


def test_checks_pass():
    for c in (checks.check_bayes_rule, checks.check_prior_weight_decay, checks.check_gaussian_likelihood,
              checks.check_posterior_energy, checks.check_predictive, checks.check_ensembling):
        assert c().passed
    assert not checks.seed_single_sigma().passed
