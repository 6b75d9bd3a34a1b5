"""Tests of edl.optimization.adaptive (against torch.optim) and of the registered adaptive.* checks."""

import math

import numpy as np
import pytest
import torch

from edl.optimization import adaptive as ad
from edl.core.ledger import catalogue, errata_entries, formula_entries
from tests.optimization.test_momentum import _run

F64 = torch.float64
IDS = sorted(i for i in catalogue.formulas() if i.startswith("adaptive."))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith("adaptive."))
NAN = float("nan")


def test_every_formula_and_erratum_is_registered():
    assert len(IDS) == 5
    assert set(IDS) <= set(formula_entries())
    assert set(ERRATA) == {f"ch01-03:E{n}" for n in range(46, 53)} <= set(errata_entries())


# --- the torch.optim look-alikes, step for step ---------------------------------------------------

PAIRS = [
    (lambda p: ad.Adagrad(p, lr=0.1), lambda p: torch.optim.Adagrad(p, lr=0.1)),
    (lambda p: ad.RMSprop(p, lr=0.01, alpha=0.9), lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9)),
    (lambda p: ad.Adam(p, lr=0.01), lambda p: torch.optim.Adam(p, lr=0.01)),
    (lambda p: ad.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True),
     lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True)),
]


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_optimizers_match_torch(ours, theirs):
    torch.testing.assert_close(_run(ours), _run(theirs), atol=1e-12, rtol=1e-10)


def test_muon_matches_torch_up_to_bfloat16():
    ours = _run(lambda p: ad.Muon(p, lr=0.01), steps=5, shape=(6, 3))
    theirs = _run(lambda p: torch.optim.Muon(p, lr=0.01), steps=5, shape=(6, 3))
    torch.testing.assert_close(ours, theirs, atol=2e-3, rtol=0)


def test_muon_exact_step_is_orthogonal():
    W = torch.nn.Parameter(torch.zeros(5, 3, dtype=F64))
    opt = ad.Muon([W], lr=1.0, momentum=0.5, nesterov=False, weight_decay=0.0, exact=True)
    W.grad = torch.randn(5, 3, generator=torch.Generator().manual_seed(0), dtype=F64)
    opt.step()
    scale = math.sqrt(5 / 3)
    torch.testing.assert_close(torch.linalg.svdvals(W.detach()), torch.full((3,), scale, dtype=F64))


def test_sign_sgd_class_matches_function():
    ours = _run(lambda p: ad.SignSGD(p, lr=0.01), steps=3)
    theirs = _run(lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.0, 0.0), eps=0.0), steps=3)
    torch.testing.assert_close(ours, theirs, atol=1e-13, rtol=0)


# --- formula functions ----------------------------------------------------------------------------

def test_adagrad_counts_diagonal_flat_rotated_grow():
    d = 4
    Q, _ = torch.linalg.qr(torch.randn(d, d, generator=torch.Generator().manual_seed(1), dtype=F64))
    D = torch.diag(torch.logspace(0, 2, d, dtype=F64))
    counts = ad.adagrad_iterations(torch.stack([D, Q @ D @ Q.T]), torch.ones(d, dtype=F64) * 0.7,
                                   torch.logspace(-2, 1, 10, dtype=F64), tol=1e-8, max_iter=3000)
    assert counts[1] > 3 * counts[0]


def test_adam_first_step_has_size_lr():
    theta, *_ = ad.adam_step(torch.zeros(3, dtype=F64), torch.tensor([5.0, -0.01, 1.0], dtype=F64),
                             torch.zeros(3, dtype=F64), torch.zeros(3, dtype=F64), 1, lr=0.1, eps=0.0)
    torch.testing.assert_close(theta.abs(), torch.full((3,), 0.1, dtype=F64))


def test_adam_counterexample_and_amsgrad():
    assert ad.adam_online_counterexample(num_steps=6000) > 0.99
    assert ad.adam_online_counterexample(num_steps=6000, amsgrad=True) < -0.9
    assert ad.adam_online_counterexample(num_steps=6000, beta2=0.999) < -0.9


def test_preconditioned_contraction_against_numpy():
    rng = np.random.default_rng(2)
    B = rng.normal(size=(4, 4))
    A, C = B @ B.T + np.eye(4), rng.normal(size=(4, 4))
    H = C @ C.T + 0.1 * np.eye(4)
    etas = np.array([0.01, 0.1, 0.5])
    expected = [np.abs(np.linalg.eigvals(np.eye(4) - e * np.linalg.solve(A, H))).max() for e in etas]
    torch.testing.assert_close(ad.preconditioned_contraction(torch.as_tensor(H), torch.as_tensor(A), etas),
                               torch.as_tensor(expected), atol=1e-10, rtol=0)


def test_muon_update_is_minimiser_and_polar_factor_orthogonal():
    G = torch.randn(5, 3, generator=torch.Generator().manual_seed(3), dtype=F64)
    Q = ad.polar_factor(G)
    torch.testing.assert_close(Q.T @ Q, torch.eye(3, dtype=F64), atol=1e-12, rtol=0)
    step = ad.muon_update(G)
    best = float(ad.spectral_model(G, step))
    assert best == pytest.approx(-(5 / 6) * float(torch.linalg.matrix_norm(G, "nuc")) ** 2, rel=1e-12)
    for s in (0.5, 0.9, 1.1, 2.0):
        assert float(ad.spectral_model(G, s * step)) > best


def test_newton_schulz_keeps_singular_vectors_and_dtype():
    G = torch.randn(4, 7, generator=torch.Generator().manual_seed(4), dtype=torch.float32)
    X = ad.newton_schulz(G, steps=20, coefficients=(1.5, -0.5, 0.0))  # the cubic iteration converges to UVᵀ
    assert X.dtype == torch.float32
    torch.testing.assert_close(X, ad.polar_factor(G), atol=1e-4, rtol=0)


# --- bad inputs -----------------------------------------------------------------------------------

BAD_INPUTS = [
    (ad.adagrad_step, ([NAN], [1.0], [0.0], 0.1), {}, "theta"),
    (ad.adam_step, ([0.0], [1.0], [0.0], [0.0], 0), {}, "step"),
    (ad.preconditioned_step_limit, (0.0,), {}, "a"),
    (ad.preconditioned_optimal_step, (1.5,), {}, "a"),
    (ad.preconditioned_step, ([1.0, 1.0], [1.0, 1.0], [[1.0, 2.0], [2.0, 1.0]], 0.1), {}, "A"),
    (ad.polar_factor, ([1.0, 2.0],), {}, "G"),
    (ad.newton_schulz, ([[1.0]],), {"steps": -1}, "steps"),
    (ad.spectral_model, ([[1.0, 0.0]], [[1.0]]), {}, "delta"),
    (ad.Adam, ([torch.nn.Parameter(torch.zeros(2))],), {"betas": (0.9, 1.0)}, r"betas\[1\]"),
    (ad.RMSprop, ([torch.nn.Parameter(torch.zeros(2))],), {"alpha": -0.1}, "alpha"),
    (ad.Muon, ([torch.nn.Parameter(torch.zeros(2))],), {}, "params"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD_INPUTS, ids=lambda x: getattr(x, "__name__", None))
def test_bad_inputs_raise_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        fn(*args, **kwargs)
