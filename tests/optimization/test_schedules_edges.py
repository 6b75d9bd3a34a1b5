"""Edges of edl.optimization.schedules: smallest sizes, range boundaries, defaults, dtypes, and SGD under a schedule
on tiny problems whose error is known exactly whatever examples are drawn."""

import math

import pytest
import torch

from edl.optimization import schedules as sc

F64 = torch.float64


def test_one_step_schedules_start_at_lr():
    assert sc.constant_schedule(0.3, 1).tolist() == [0.3]
    assert sc.step_schedule(0.3, 1, 1, 0.5).tolist() == [0.3]
    assert sc.cosine_schedule(0.3, 1).tolist() == [0.3]
    assert sc.constant_schedule(2.0, 3).dtype == F64


def test_step_size_one_decays_every_step_and_default_gamma_is_a_tenth():
    assert sc.step_schedule(2.0, 4, 1, 0.5).tolist() == [2.0, 1.0, 0.5, 0.25]
    torch.testing.assert_close(sc.step_schedule(1.0, 5, 2), sc.step_schedule(1.0, 5, 2, 0.1), rtol=0, atol=0)
    torch.testing.assert_close(sc.step_schedule(1.0, 5, 2), torch.tensor([1.0, 1.0, 0.1, 0.1, 0.01], dtype=F64),
                               rtol=1e-15, atol=0)


def test_step_schedule_gamma_range_is_open():
    """γ just inside (0, 1) is accepted; 0 and 1 themselves are refused, naming gamma and the open interval."""
    assert sc.step_schedule(1.0, 3, 1, 1 - 1e-12).tolist()[0] == 1.0
    assert sc.step_schedule(1.0, 3, 1, 1e-12).tolist()[1] == pytest.approx(1e-12, rel=1e-12)
    for gamma in (0.0, 1.0):
        with pytest.raises(ValueError, match=r"^gamma must lie in \(0\.0, 1\.0\), got "):
            sc.step_schedule(1.0, 3, 1, gamma)


def test_cosine_default_floor_is_zero_and_floor_may_equal_lr():
    """Default η_min = 0: η_t = η(1 + cos(πt/T))/2; η_min = η (allowed, the range is closed) is constant."""
    t = torch.arange(6, dtype=F64)
    torch.testing.assert_close(sc.cosine_schedule(2.0, 6), (1 + torch.cos(math.pi * t / 6)), rtol=1e-14, atol=1e-15)
    torch.testing.assert_close(sc.cosine_schedule(2.0, 6), sc.cosine_schedule(2.0, 6, 0.0), rtol=0, atol=0)
    assert sc.cosine_schedule(0.5, 4, 0.5).tolist() == [0.5] * 4
    with pytest.raises(ValueError, match=r"^lr_min must lie in \[0\.0, 0\.5\], got 0\.6"):
        sc.cosine_schedule(0.5, 4, 0.6)


def test_warmup_edges():
    """One warm-up step multiplies only step 0 (by f0); the default f0 is 0; f0 = 1 changes nothing; a warm-up longer
    than the schedule never reaches 1; zeros in the schedule are accepted; float32 stays float32."""
    base = torch.tensor([2.0, 4.0, 8.0], dtype=F64)
    assert sc.warmup(base, 1, 0.5).tolist() == [1.0, 4.0, 8.0]
    assert sc.warmup(base, 2).tolist() == [0.0, 2.0, 8.0]
    torch.testing.assert_close(sc.warmup(base, 2), sc.warmup(base, 2, 0.0), rtol=0, atol=0)
    assert sc.warmup(base, 3, 1.0).tolist() == [2.0, 4.0, 8.0]
    assert sc.warmup(base, 4, 0.0).tolist() == [0.0, 1.0, 4.0]
    assert sc.warmup([0.0, 1.0], 1, 0.5).tolist() == [0.0, 1.0]
    out = sc.warmup(torch.tensor([1.0, 1.0, 1.0]), 2, 0.5)
    assert out.dtype == torch.float32 and out.tolist() == [0.5, 0.75, 1.0]


@pytest.mark.parametrize("call, message", [
    (lambda: sc.constant_schedule(0.1, 0), r"^steps must be at least 1, got 0$"),
    (lambda: sc.constant_schedule(-0.1, 2), r"^lr must be positive"),
    (lambda: sc.step_schedule(0.1, 4, 0), r"^step_size must be at least 1, got 0$"),
    (lambda: sc.warmup([1.0, 1.0], 0), r"^warmup_steps must be at least 1, got 0$"),
    (lambda: sc.warmup([1.0, 1.0], 1, 1.5), r"^start_factor must lie in \[0\.0, 1\.0\], got 1\.5"),
    (lambda: sc.warmup([1.0, -1.0], 1), r"^schedule must be non-negative"),
    (lambda: sc.warmup([[1.0]], 1), r"^schedule must have 1 dimension"),
])
def test_schedule_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- SGD under a schedule -------------------------------------------------------------------------

def test_one_example_sgd_contracts_by_one_minus_eta_a_squared():
    """n = 1, a = 2, b = 2: x* = 1 and e_{t+1} = (1 - 4η_t) e_t from e_0 = -1, with no randomness left.
    Recorded at t = 0, 2, 4 and the last step 5."""
    schedule = torch.tensor([0.1, 0.05, 0.1, 0.2, 0.15], dtype=F64)
    out = sc.sgd_least_squares_scheduled([[2.0]], [2.0], schedule, 3, record_every=2,
                                         generator=torch.Generator().manual_seed(0))
    factors = torch.cumprod(1 - 4 * schedule, 0) ** 2
    expected = torch.tensor([1.0, factors[1], factors[3], factors[4]], dtype=F64)
    assert out.dtype == F64
    torch.testing.assert_close(out, expected, rtol=1e-12, atol=0)
    every = sc.sgd_least_squares_scheduled([[2.0]], [2.0], schedule, 1)
    torch.testing.assert_close(every, torch.cat([torch.ones(1, dtype=F64), factors]), rtol=1e-12, atol=0)


def test_unit_step_lands_on_the_drawn_target():
    """f_i = ½(x - b_i)² with b = ±1 (x* = 0): a step of size 1 sets x = b_i, so ‖x - x*‖² = 1 whichever i is drawn;
    a zero step (allowed) leaves x at 0."""
    out = sc.sgd_least_squares_scheduled([[1.0], [1.0]], [1.0, -1.0], [1.0, 1.0, 1.0], 4,
                                         generator=torch.Generator().manual_seed(3))
    torch.testing.assert_close(out, torch.tensor([0.0, 1.0, 1.0, 1.0], dtype=F64), rtol=1e-12, atol=1e-24)
    still = sc.sgd_least_squares_scheduled([[1.0], [1.0]], [1.0, -1.0], [0.0, 0.0], 2)
    torch.testing.assert_close(still, torch.zeros(3, dtype=F64), rtol=0, atol=1e-24)  # lstsq's x* = 0 up to rounding


def test_float32_problem_runs_in_float32_and_reports_float64():
    out = sc.sgd_least_squares_scheduled(torch.tensor([[2.0]]), [2.0], [0.25], 1)
    assert out.dtype == F64 and out.tolist() == [1.0, 0.0]


@pytest.mark.parametrize("kwargs, message", [
    (dict(b=[1.0, 2.0]), r"^b must have one entry per row of A \(3\), got shape \(2,\)$"),
    (dict(schedule=[0.1, -0.1]), r"^schedule must be non-negative"),
    (dict(schedule=[[0.1]]), r"^schedule must have 1 dimension"),
    (dict(chains=0), r"^chains must be at least 1, got 0$"),
    (dict(record_every=0), r"^record_every must be at least 1, got 0$"),
    (dict(generator=5), r"^generator must be a torch\.Generator or None, got 5$"),
    (dict(A=[1.0, 2.0, 3.0]), r"^A must have 2 dimension"),
])
def test_scheduled_sgd_errors_name_the_argument(kwargs, message):
    call = dict(A=[[1.0], [2.0], [3.0]], b=[1.0, 2.0, 3.0], schedule=[0.1], chains=1) | kwargs
    with pytest.raises(ValueError, match=message):
        sc.sgd_least_squares_scheduled(**call)

