"""Learning-rate schedules against torch.optim.lr_scheduler, and SGD under a schedule against its exact floor."""

import pytest
import torch

from edl.optimization import schedules as sc
from edl.optimization import stochastic as st

F64 = torch.float64


def _torch_schedule(make, steps, lr=1.0):
    p = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([p], lr=lr)
    sched = make(opt)
    out = []
    for _ in range(steps):
        out.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    return torch.tensor(out, dtype=F64)


def test_step_decay_is_torch_steplr():
    ref = _torch_schedule(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=7, gamma=0.3), 30, 0.5)
    assert torch.allclose(sc.step_schedule(0.5, 30, 7, 0.3), ref, rtol=1e-12)


def test_cosine_is_torch_cosine_annealing():
    ref = _torch_schedule(lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=40, eta_min=0.01), 40, 0.2)
    assert torch.allclose(sc.cosine_schedule(0.2, 40, 0.01), ref, rtol=1e-10, atol=1e-12)


def test_warmup_is_torch_linearlr():
    ref = _torch_schedule(lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.1, total_iters=10), 25, 0.3)
    assert torch.allclose(sc.warmup(sc.constant_schedule(0.3, 25), 10, 0.1), ref, rtol=1e-10, atol=1e-12)


def test_constant_step_settles_on_its_exact_floor_and_decay_goes_below():
    g = torch.Generator().manual_seed(0)
    A = torch.randn(30, 3, generator=g, dtype=F64)
    b = A @ torch.randn(3, generator=g, dtype=F64) + torch.randn(30, generator=g, dtype=F64)
    L = float((A**2).sum(1).max())
    const = sc.sgd_least_squares_scheduled(A, b, sc.constant_schedule(0.5 / L, 2000), 2000, record_every=100,
                                           generator=torch.Generator().manual_seed(1))
    floor = float(st.sgd_floor(A, b, 0.5 / L))
    assert abs(float(const[-10:].mean()) / floor - 1) < 0.05
    decayed = sc.sgd_least_squares_scheduled(A, b, sc.step_schedule(0.5 / L, 2000, 700, 0.1), 2000,
                                             record_every=100, generator=torch.Generator().manual_seed(1))
    assert float(decayed[-1]) < 0.2 * floor


@pytest.mark.parametrize("call, name", [
    (lambda: sc.constant_schedule(0.0, 3), "lr"),
    (lambda: sc.step_schedule(0.1, 10, 0), "step_size"),
    (lambda: sc.step_schedule(0.1, 10, 2, 1.5), "gamma"),
    (lambda: sc.cosine_schedule(0.1, 10, 0.5), "lr_min"),
    (lambda: sc.warmup(torch.ones(5, dtype=F64), 0), "warmup_steps"),
    (lambda: sc.sgd_least_squares_scheduled(torch.ones(3, 2), torch.ones(2), torch.ones(4), 2), "b"),
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
