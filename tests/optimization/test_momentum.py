"""Tests of edl.optimization.momentum (against torch.optim.SGD) and of the registered momentum.* checks."""

import numpy as np
import pytest
import torch

from edl.optimization import momentum as mo
from edl.core.ledger import catalogue, errata_entries, formula_entries

F64 = torch.float64
IDS = sorted(i for i in catalogue.formulas() if i.startswith("momentum."))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith("momentum."))


def test_every_formula_and_erratum_is_registered():
    assert len(IDS) == 3
    assert set(IDS) <= set(formula_entries())
    assert set(ERRATA) == {"ch01-03:E45"} <= set(errata_entries())


# --- the torch.optim look-alike, step for step ----------------------------------------------------

def _run(make, steps=40, seed=0, shape=(3, 4)):
    """Train a small least-squares model W with ``make([W])``; return the final W."""
    g = torch.Generator().manual_seed(seed)
    X = torch.randn(32, shape[1], generator=g, dtype=F64)
    Y = torch.randn(32, shape[0], generator=g, dtype=F64)
    W = torch.nn.Parameter(torch.randn(*shape, generator=g, dtype=F64))
    opt = make([W])
    for _ in range(steps):
        opt.zero_grad()
        ((X @ W.T - Y) ** 2).mean().backward()
        opt.step()
    return W.detach()


PAIRS = [
    (lambda p: mo.SGD(p, lr=0.05), lambda p: torch.optim.SGD(p, lr=0.05)),
    (lambda p: mo.SGD(p, lr=0.05, momentum=0.9), lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
    (lambda p: mo.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
     lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
]


@pytest.mark.parametrize("ours, theirs", PAIRS)
def test_sgd_matches_torch(ours, theirs):
    torch.testing.assert_close(_run(ours), _run(theirs), atol=1e-12, rtol=1e-10)


# --- formula functions ----------------------------------------------------------------------------

def test_heavy_ball_two_point_form_equals_velocity_form():
    H = torch.diag(torch.tensor([1.0, 5.0], dtype=F64))
    x = prev = torch.tensor([1.0, -1.0], dtype=F64)
    y, v = x.clone(), torch.zeros(2, dtype=F64)
    for _ in range(20):
        prev, x = x, mo.heavy_ball_step(x, prev, H @ x, 0.1, 0.7)
        v = 0.7 * v + H @ y
        y = y - 0.1 * v
    torch.testing.assert_close(x, y, atol=1e-13, rtol=0)


def test_momentum_matrix_spectral_radius_is_polyak_rate():
    lr, beta, rate = mo.heavy_ball_optimal(2.0, 50.0)
    lam = torch.linspace(2.0, 50.0, 101, dtype=F64)
    radius = torch.linalg.eigvals(mo.momentum_matrix(lam, lr, beta)).abs().amax(-1)
    assert float(radius.max()) == pytest.approx(rate, rel=1e-6)


def test_nesterov_matrix_matches_iteration():
    lam, lr, beta = 3.0, 0.1, 0.6
    M = mo.momentum_matrix(lam, lr, beta, lookahead=True).numpy()
    x = prev = torch.tensor([1.0], dtype=F64)
    state = np.array([1.0, 1.0])
    for _ in range(10):
        prev, x = x, mo.nesterov_step(x, prev, lambda p: lam * p, lr, beta)
        state = M @ state
    assert float(x) == pytest.approx(state[0], rel=1e-12)


def test_iteration_counts_batched_equal_single():
    lam = torch.tensor([[1.0, 10.0], [1.0, 30.0]], dtype=F64)
    both = mo.iterations_to_tolerance(lam, [1.0, 1.0], [0.1, 1 / 30], 0.5, lookahead=True, tol=1e-4)
    one = [int(mo.iterations_to_tolerance(lam[i:i + 1], [1.0, 1.0], [[0.1, 1 / 30][i]], 0.5, lookahead=True,
                                          tol=1e-4)[0]) for i in range(2)]
    assert both.tolist() == one


# --- bad inputs -----------------------------------------------------------------------------------

BAD_INPUTS = [
    (mo.heavy_ball_optimal, (0.0, 1.0), {}, "mu"),
    (mo.heavy_ball_optimal, (2.0, 1.0), {}, "L"),
    (mo.nesterov_parameters, (-1.0, 1.0), {}, "mu"),
    (mo.nesterov_step, ([1.0], [0.0], 3.0, 0.1, 0.5), {}, "gradient"),
    (mo.iterations_to_tolerance, ([1.0, 2.0], [1.0, 1.0], 0.1, 0.0), {"lookahead": False, "tol": 1e-3}, "curvatures"),
    (mo.iterations_to_tolerance, ([[1.0, -2.0]], [1.0, 1.0], 0.1, 0.0), {"lookahead": False, "tol": 1e-3}, "curvatures"),
    (mo.SGD, ([torch.nn.Parameter(torch.zeros(2))],), {"lr": -0.1}, "lr"),
    (mo.SGD, ([torch.nn.Parameter(torch.zeros(2))],), {"lr": 0.1, "momentum": 1.5}, "momentum"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD_INPUTS, ids=lambda x: getattr(x, "__name__", None))
def test_bad_inputs_raise_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}"):
        fn(*args, **kwargs)
