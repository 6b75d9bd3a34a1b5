"""Tests of edl.feedforward.linear and of the chapter-2 part-A checks (edl.feedforward.checks.linear, .logistic, .layers)."""

import re

import numpy as np
import pytest
import torch

from edl.feedforward import linear
from edl.core.ledger import catalogue, errata_entries, formula_entries

PREFIXES = ("linear.", "logistic.", "losses.", "softmax.", "ffn.")
IDS = sorted(i for i in catalogue.formulas() if i.startswith(PREFIXES))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id in IDS)
NAN = float("nan")


def _data(seed=0, s=40, n=4):
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(s, n, generator=g, dtype=torch.float64)
    w = torch.randn(n, generator=g, dtype=torch.float64)
    return X, X @ w + 0.1 * torch.randn(s, generator=g, dtype=torch.float64)


# --- registration (tests/test_ledger.py runs every check and erratum) --------------------------------

def test_every_part_a_formula_and_erratum_is_registered():
    assert len(IDS) == 18
    entries = formula_entries()
    assert all(entries[i].notebook == "ch02_feedforward" for i in IDS)
    assert set(ERRATA) == {f"ch01-03:E{n}" for n in range(14, 21)} <= set(errata_entries())


# --- values against independent routes ----------------------------------------------------------------

def test_gradient_and_hessian_match_autograd():
    X, y = _data()
    w = torch.randn(4, dtype=torch.float64, requires_grad=True)
    linear.least_squares_risk(X, y, w).backward()
    assert torch.allclose(linear.least_squares_gradient(X, y, w.detach()), w.grad, rtol=1e-12, atol=1e-14)
    H = torch.autograd.functional.hessian(lambda u: linear.least_squares_risk(X, y, u), w.detach())
    assert torch.allclose(linear.least_squares_hessian(X), H, rtol=1e-12)


def test_batched_risk_and_gradient_equal_the_loop():
    X, y = _data(1)
    W = torch.randn(6, 4, dtype=torch.float64)
    loop = torch.stack([linear.least_squares_risk(X, y, w) for w in W])
    assert torch.allclose(linear.least_squares_risk(X, y, W), loop)
    assert torch.allclose(linear.least_squares_gradient(X, y, W),
                          torch.stack([linear.least_squares_gradient(X, y, w) for w in W]))


def test_pseudo_inverse_matches_numpy_on_rank_deficient_matrix():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(12, 3)) @ rng.normal(size=(3, 7))
    assert np.allclose(linear.pseudo_inverse(torch.from_numpy(X)).numpy(), np.linalg.pinv(X), atol=1e-10)
    y = rng.normal(size=12)
    assert np.allclose(linear.min_norm_solution(torch.from_numpy(X), torch.from_numpy(y)).numpy(),
                       np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-10)


def test_ridge_pseudo_inverse_batched_and_tends_to_pinv():
    X, _ = _data(3)
    deltas = torch.tensor([1e-1, 1e-3, 1e-5], dtype=torch.float64)
    batch = linear.ridge_pseudo_inverse(X, deltas)
    assert batch.shape == (3, 4, 40)
    for d, B in zip(deltas, batch):
        direct = torch.linalg.solve(X.T @ X + d * torch.eye(4, dtype=torch.float64), X.T)
        assert torch.allclose(B, direct, rtol=1e-9, atol=1e-12)
    gaps = (batch - torch.linalg.pinv(X)).abs().amax((1, 2))
    assert bool((gaps[1:] < gaps[:-1] / 50).all())


def test_ridge_normalisations_and_shrinkage_agree():
    X, y = _data(4)
    s = X.shape[0]
    assert torch.allclose(linear.ridge_solution(X, y, 0.05), linear.ridge_solution(X, y, 0.05 * s, reduction="sum"))
    lams = torch.tensor([0.1, 1.0, 10.0], dtype=torch.float64)
    assert torch.allclose(linear.ridge_by_shrinkage(X, y, lams), linear.ridge_solution(X, y, lams, reduction="sum"))
    f = linear.shrinkage_factors(torch.tensor([4.0, 1.0], dtype=torch.float64), lams)
    assert f.shape == (3, 2) and torch.allclose(f[1], torch.tensor([0.8, 0.5], dtype=torch.float64))


def test_lms_converges_on_consistent_system_and_follows_generator():
    X, _ = _data(5)
    w_true = torch.tensor([1.0, -2.0, 0.5, 3.0], dtype=torch.float64)
    y = X @ w_true
    eta = float(1 / (X**2).sum(1).max())
    a = linear.lms_sgd(X, y, eta=eta, steps=3000, generator=torch.Generator().manual_seed(0))
    b = linear.lms_sgd(X, y, eta=eta, steps=3000, generator=torch.Generator().manual_seed(0))
    assert a.shape == (3001, 4) and torch.equal(a, b)
    assert float(torch.linalg.norm(a[-1] - w_true)) < 1e-8


def test_gaussian_nll_matches_torch_distributions():
    X, y = _data(6)
    w = torch.randn(4, dtype=torch.float64)
    ref = -torch.distributions.Normal(X @ w, 0.7).log_prob(y).sum()
    assert torch.allclose(linear.gaussian_nll(X, y, w, 0.7), ref, rtol=1e-12)


def test_dtype_follows_input():
    X, y = _data(7)
    X32, y32 = X.float(), y.float()
    w32 = torch.zeros(4)
    assert linear.least_squares_gradient(X32, y32, w32).dtype == torch.float32
    assert linear.ridge_solution(X32, y32, 0.1).dtype == torch.float32
    assert linear.min_norm_solution([[1, 0], [0, 1]], [1, 2]).dtype == torch.float64


# --- bad input ------------------------------------------------------------------------------------------

BAD = [
    (linear.least_squares_risk, (np.ones(3), [1.0], [1.0]), {}, "X"),
    (linear.least_squares_risk, (np.ones((3, 2)), [1.0, 2.0], [1.0, 1.0]), {}, "X and y"),
    (linear.least_squares_gradient, (np.ones((3, 2)), np.ones(3), [1.0, 1.0, 1.0]), {}, "w"),
    (linear.least_squares_gradient, ([[NAN, 1.0]], [1.0], [1.0, 1.0]), {}, "X"),
    (linear.ridge_solution, (np.ones((3, 2)), np.ones(3), 0.0), {}, "lam"),
    (linear.ridge_solution, (np.ones((3, 2)), np.ones(3), 0.1), {"reduction": "avg"}, "reduction"),
    (linear.ridge_pseudo_inverse, (np.ones((3, 2)), -1.0), {}, "delta"),
    (linear.shrinkage_factors, ([-1.0, 2.0], 1.0), {}, "eigenvalues"),
    (linear.ridge_by_shrinkage, (np.ones((3, 2)), np.ones(3), 1.0), {}, "X"),
    (linear.lms_step, ([0.0], [1.0], 1.0, 0.0), {}, "eta"),
    (linear.lms_sgd, (np.ones((3, 2)), np.ones(3)), {"eta": 0.1, "steps": -1}, "steps"),
    (linear.gaussian_nll, (np.ones((3, 2)), np.ones(3), [1.0, 1.0], 0.0), {}, "sigma"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD, ids=[f"{c[0].__name__}-{c[3]}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(name)}(?![\w.])"):
        fn(*args, **kwargs)
