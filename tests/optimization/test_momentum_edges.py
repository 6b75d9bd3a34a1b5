"""Edge cases of edl.optimization.momentum: boundaries, defaults, dtypes and the exact wording of its errors."""

import math

import pytest
import torch

from edl.optimization import momentum as mo

F64 = torch.float64


def _count_by_single_steps(lam, x0, lr, beta, lookahead, tol, max_iter):
    """First t with ‖x_t‖ <= tol ‖x_0‖, iterating heavy_ball_step / nesterov_step one step at a time."""
    lam, x = torch.tensor(lam, dtype=F64), torch.tensor(x0, dtype=F64)
    prev, start = x.clone(), float(x.norm())
    for t in range(1, max_iter + 1):
        if lookahead:
            new = mo.nesterov_step(x, prev, lambda p: lam * p, lr, beta)
        else:
            new = mo.heavy_ball_step(x, prev, lam * x, lr, beta)
        prev, x = x, new
        if float(x.norm()) <= tol * start:
            return t
    return max_iter


@pytest.mark.parametrize("lookahead", [False, True])
def test_iteration_counts_equal_single_steps_per_problem(lookahead):
    """Batched counts (per-problem lr, momentum and x0) against heavy_ball_step / nesterov_step run one by one;
    the third problem is too slow for max_iter and reports max_iter."""
    lam = [[1.0, 4.0, 9.0], [2.0, 3.0, 0.5], [0.01, 0.02, 0.01]]
    x0 = [[1.0, -2.0, 0.5], [0.3, 0.0, -1.0], [1.0, 1.0, 1.0]]
    lr, beta = [0.1, 0.25, 0.5], [0.5, 0.2, 0.0]
    got = mo.iterations_to_tolerance(lam, x0, lr, beta, lookahead=lookahead, tol=1e-3, max_iter=60)
    want = [_count_by_single_steps(lam[i], x0[i], lr[i], beta[i], lookahead, 1e-3, 60) for i in range(3)]
    assert got.tolist() == want
    assert want[2] == 60 and want[0] != want[1]


def test_iteration_count_boundaries_are_exact():
    """Gradient descent with factor 1/2: ‖x_t‖ = 2^-t exactly, so tol = 1/8 is met (with equality) at t = 3,
    which is counted when max_iter >= 3 and reported as max_iter otherwise."""
    call = lambda max_iter: int(mo.iterations_to_tolerance(  # noqa: E731
        [[1.0]], [1.0], 0.5, 0.0, lookahead=False, tol=0.125, max_iter=max_iter)[0])
    assert [call(m) for m in (1, 2, 3, 4)] == [1, 2, 3, 3]


def test_iteration_counts_run_in_the_dtype_of_the_curvatures():
    """float32 curvatures: x0, lr and momentum given as Python numbers take float32, where 1e-30 squares to 0,
    so the target 0 is met at once; in float64 it takes the real number of steps."""
    lam32 = torch.tensor([[1.0, 2.0]], dtype=torch.float32)
    kw = dict(lookahead=False, tol=1e-3, max_iter=50)
    assert mo.iterations_to_tolerance(lam32, [1e-30, 1e-30], 0.5, 0.1, **kw).tolist() == [1]
    assert mo.iterations_to_tolerance(lam32.double(), [1e-30, 1e-30], 0.5, 0.1, **kw).tolist() != [1]


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=[0.1, 0.2]), r"^lr must broadcast to one per problem, shape \(1,\), got shape \(2,\)"),
    (dict(momentum=[0.1, 0.2]), r"^momentum must broadcast to one per problem, shape \(1,\), got shape \(2,\)"),
    (dict(momentum=1.5), r"^momentum must lie in \[0, 1\), got 1\.5$"),
    (dict(x0=[1.0, 1.0, 1.0]), r"^x0 must broadcast to the curvatures' shape \(1, 2\), got shape \(3,\)"),
])
def test_iteration_count_errors_name_the_argument(kwargs, message):
    call = dict(curvatures=[[1.0, 2.0]], x0=[1.0, 1.0], lr=0.1, momentum=0.0) | kwargs
    with pytest.raises(ValueError, match=message):
        mo.iterations_to_tolerance(**call, lookahead=False, tol=0.1)


def test_step_functions_keep_the_dtype_of_theta():
    """A float32 theta: the other states given as lists take float32 (lists alone would be float64)."""
    theta = torch.tensor([1.0, 0.5], dtype=torch.float32)
    assert mo.heavy_ball_step(theta, [0.0, 0.5], [2.0, 1.0], 0.1, 0.5).dtype == torch.float32
    assert mo.nesterov_step(theta, [0.0, 0.5], lambda p: 2 * p, 0.1, 0.5).dtype == torch.float32


def test_equal_mu_and_l_is_accepted():
    """κ = 1: Polyak's tuning is η = 1/L, β = 0, rate 0; Nesterov's β = 0; the bound is L·dist0 at k = 0, 0 after."""
    assert mo.heavy_ball_optimal(2.0, 2.0) == (pytest.approx(0.5, rel=1e-15), 0.0, 0.0)
    assert mo.nesterov_parameters(2.0, 2.0) == (0.5, 0.0)
    assert float(mo.nesterov_bound(0.0, 2.0, 2.0, 3.0)) == 6.0
    assert float(mo.nesterov_bound(1.0, 2.0, 2.0, 3.0)) == 0.0


def test_nesterov_parameters_use_the_condition_number():
    """μ = 4, L = 64: κ = 16, √κ = 4, β = 3/5, η = 1/64."""
    lr, beta = mo.nesterov_parameters(4.0, 64.0)
    assert lr == 1 / 64 and beta == pytest.approx(0.6, rel=1e-15)


def test_nesterov_bound_accepts_a_zero_distance():
    assert float(mo.nesterov_bound(2.0, 1.0, 4.0, 0.0)) == 0.0


def test_sgd_defaults_match_torch():
    """SGD's default lr (1e-3) and plain steps are those of torch.optim.SGD's defaults."""
    def run(make):
        w = torch.nn.Parameter(torch.tensor([1.0, -2.0], dtype=F64))
        opt = make([w])
        for _ in range(3):
            opt.zero_grad()
            (w**2).sum().backward()
            opt.step()
        return w.detach()
    torch.testing.assert_close(run(mo.SGD), run(torch.optim.SGD), atol=0, rtol=1e-15)


def test_sgd_refuses_nesterov_without_momentum():
    p = [torch.nn.Parameter(torch.zeros(2))]
    with pytest.raises(ValueError, match=r"^nesterov=True needs momentum > 0, got momentum=0$"):
        mo.SGD(p, lr=0.1, nesterov=True)


def test_per_parameter_refuses_defaults_that_are_not_a_dict():
    with pytest.raises(ValueError, match=r"^defaults must be a dict of hyperparameters, got \[\('lr', 0\.1\)\]$"):
        mo.PerParameter([torch.nn.Parameter(torch.zeros(2))], [("lr", 0.1)])


def test_momentum_zero_is_accepted_and_one_refused():
    """The momentum range is [0, 1): 0 is plain gradient descent, 1 is refused."""
    assert mo.heavy_ball_step([1.0], [3.0], [2.0], 0.25, 0.0).tolist() == [0.5]
    with pytest.raises(ValueError, match=r"^momentum must lie in \[0, 1\), got 1\.0$"):
        mo.heavy_ball_step([1.0], [3.0], [2.0], 0.25, 1.0)
    assert math.isfinite(float(mo.momentum_matrix(1.0, 0.5, 0.0)[0, 0]))
