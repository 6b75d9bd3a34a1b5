"""Edge cases of edl.bayesian.dynamics that its mutation run exposed: list momenta take the float32 of the
positions."""

import pytest
import torch

from edl.bayesian import dynamics as dy

F32 = torch.float32


def test_explicit_euler_list_momentum_takes_theta_float32():
    """A list v_ takes theta's float32; one Euler step of E = θ²/2 from (1, 1), η = 0.5: θ = 1.5, v = 0.5."""
    th, vv = dy.explicit_euler(lambda t: t, torch.tensor([[1.0]], dtype=F32), [[1.0]], 0.5, 1)
    assert th.dtype == F32 and vv.dtype == F32
    assert (float(th), float(vv)) == (1.5, 0.5)


def test_integrators_and_flow_take_theta_float32_for_list_momenta_and_masses():
    """v_ and M_inv as lists take theta's float32. E = θ²/2, M⁻¹ = 2, from (1, 1): H = ½ + 1 = 1.5, flow (2, -1),
    one leapfrog step of η = ½: v½ = 0.75, θ = 1.75, v = 0.75 - 0.25·1.75 = 0.3125."""
    th32 = torch.tensor([[1.0]], dtype=F32)
    H = dy.hamiltonian(lambda t: 0.5 * (t**2).sum(-1), th32, [[1.0]], [[2.0]])
    assert H.dtype == F32 and float(H) == 1.5
    flow = dy.hamiltonian_flow(lambda t: t, th32, [[1.0]], [[2.0]])
    assert all(t.dtype == F32 for t in flow) and [float(t) for t in flow] == [2.0, -1.0]
    th, vv = dy.leapfrog(lambda t: t, th32, [[1.0]], 0.5, 1, [[2.0]])
    assert th.dtype == F32 and vv.dtype == F32 and (float(th), float(vv)) == (1.75, 0.3125)


@pytest.mark.parametrize("fn", [dy.hamiltonian, dy.hamiltonian_flow])
def test_hamiltonian_refusals_name_the_argument(fn):
    """A 1-D v_ is refused for its dimension; a v_ of another shape and a mass of the wrong size name theta."""
    f = (lambda t: t) if fn is dy.hamiltonian_flow else (lambda t: (t**2).sum(-1))
    with pytest.raises(ValueError, match=r"^v_ must have 2 dimension\(s\), got shape \(2,\)$"):
        fn(f, [[1.0, 0.0]], [1.0, 0.0])
    with pytest.raises(ValueError, match=r"^v_ must have shape \(1, 2\) to match theta, got shape \(1, 1\)$"):
        fn(f, [[1.0, 0.0]], [[1.0]])
    with pytest.raises(ValueError, match=r"^M_inv must have shape \(2, 2\) to match theta, got shape \(1, 1\)$"):
        fn(f, [[1.0, 0.0]], [[1.0, 0.0]], [[1.0]])


@pytest.mark.parametrize("fn", [dy.leapfrog, dy.explicit_euler])
def test_integrator_refusals_name_the_argument(fn):
    """The integrators refuse a 1-D v_, a v_ of another shape and a mass of the wrong size, naming theta."""
    with pytest.raises(ValueError, match=r"^v_ must have 2 dimension\(s\), got shape \(2,\)$"):
        fn(lambda t: t, [[1.0, 0.0]], [1.0, 0.0], 0.1, 1)
    with pytest.raises(ValueError, match=r"^v_ must have shape \(1, 2\) to match theta, got shape \(1, 1\)$"):
        fn(lambda t: t, [[1.0, 0.0]], [[1.0]], 0.1, 1)
    with pytest.raises(ValueError, match=r"^M_inv must have shape \(2, 2\) to match theta, got shape \(1, 1\)$"):
        fn(lambda t: t, [[1.0, 0.0]], [[1.0, 0.0]], 0.1, 1, [[1.0]])


def test_samplers_keep_float32_positions():
    """float32 starting points give float32 samples (HMC with float64 random numbers, both Langevin samplers), and
    the underdamped sampler takes a list v0 in theta0's dtype."""
    r = dy.hmc_random_numbers(3, 1, 1, (1, 2), torch.Generator().manual_seed(0))
    xs, acc = dy.hmc_chains(lambda t: 0.5 * (t**2).sum(-1), lambda t: t, torch.zeros(1, 1, dtype=F32), 0.2, r)
    assert xs.dtype == F32 and acc.dtype == F32
    assert dy.langevin_overdamped(lambda x: x, torch.zeros(2, 1, dtype=F32), 0.1, 3, torch.Generator()).dtype == F32
    th, vv = dy.langevin_underdamped(lambda t: t, torch.zeros(1, 1, dtype=F32), [[1.0]], 0.1, 1.0, 2, torch.Generator())
    assert th.dtype == F32 and vv.dtype == F32
    assert float(th[0]) == pytest.approx(0.1, abs=1e-7)                 # θ₁ = θ₀ + η v₀


def test_langevin_underdamped_refuses_a_momentum_of_another_shape():
    """A v0 whose shape differs from theta0's is refused, naming theta0."""
    with pytest.raises(ValueError, match=r"^v0 must have shape \(1, 2\) to match theta0, got shape \(1, 1\)$"):
        dy.langevin_underdamped(lambda t: t, [[1.0, 0.0]], [[1.0]], 0.1, 1.0, 1, torch.Generator())
