"""Tests of edl.bayesian.dynamics: exact one-step values of the integrators, the batched HMC chains against one
chain at a time, and the Langevin samplers."""

import math

import numpy as np
import pytest
import torch

from edl.bayesian import dynamics as dy
from edl.bayesian.checks import dynamics as checks

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
E = lambda t: 0.5 * (t**2).sum(-1)  # noqa: E731
grad = lambda t: t  # noqa: E731


def test_hamiltonian_and_flow_values():
    assert float(dy.hamiltonian(E, [[1.0, 0.0]], [[0.0, 2.0]])[0]) == 2.5
    assert float(dy.hamiltonian(E, [[0.0]], [[2.0]], [[0.5]])[0]) == pytest.approx(1.0, abs=1e-15)   # ½ v M⁻¹ v
    th, vv = dy.hamiltonian_flow(lambda t: 2 * t, [[1.0]], [[3.0]], [[0.5]])
    assert th.tolist() == [[1.5]] and vv.tolist() == [[-2.0]]
    with pytest.raises(ValueError, match="v_ must have shape"):
        dy.hamiltonian(E, [[1.0, 0.0]], [[1.0]])
    with pytest.raises(ValueError, match="M_inv"):
        dy.hamiltonian(E, [[1.0, 0.0]], [[1.0, 0.0]], [[1.0]])


def test_leapfrog_one_step_by_hand():
    # E = θ²/2, η = 0.5, from (1, 0): v½ = −0.25, θ₁ = 0.875, v₁ = −0.25 − 0.25·0.875 = −0.46875
    th, vv = dy.leapfrog(grad, [[1.0]], [[0.0]], 0.5, 1)
    assert (float(th), float(vv)) == (0.875, -0.46875)
    th2, vv2 = dy.leapfrog(grad, [[1.0]], [[0.0]], 0.5, 2)
    th_a, vv_a = dy.leapfrog(grad, th, vv, 0.5, 1)
    assert torch.allclose(th2, th_a, atol=1e-15) and torch.allclose(vv2, vv_a, atol=1e-15)
    th_m, _ = dy.leapfrog(grad, [[1.0]], [[1.0]], 0.5, 1, [[2.0]])      # θ moves by η M⁻¹ v½
    assert float(th_m) == pytest.approx(1.0 + 0.5 * 2.0 * 0.75, abs=1e-15)


def test_explicit_euler_one_step_and_energy_growth():
    th, vv = dy.explicit_euler(grad, [[1.0]], [[0.0]], 0.5, 1)
    assert (float(th), float(vv)) == (1.0, -0.5)
    th, vv = dy.explicit_euler(grad, [[1.0]], [[0.0]], 0.5, 2)
    assert (float(th), float(vv)) == (0.75, -1.0)
    th, vv = dy.explicit_euler(grad, [[1.0]], [[0.0]], 0.1, 100)
    assert float(0.5 * (th**2 + vv**2)) == pytest.approx(0.5 * 1.01**100, rel=1e-12)   # |z|² grows by 1 + η² per step
    th_m, _ = dy.explicit_euler(grad, [[1.0]], [[1.0]], 0.5, 1, [[2.0]])
    assert float(th_m) == 2.0


def test_random_numbers_layout_and_refusals():
    r = dy.hmc_random_numbers(4, 3, 2, (2, 2), torch.Generator().manual_seed(0))
    assert r["momenta"].shape == (4, 3, 2) and r["L"].shape == r["uniforms"].shape == (4, 3)
    assert set(r["L"].unique().tolist()) == {2}
    with pytest.raises(ValueError, match="L_lo <= L_hi"):
        dy.hmc_random_numbers(4, 3, 2, (5, 2), torch.Generator())
    with pytest.raises(ValueError, match="pair"):
        dy.hmc_random_numbers(4, 3, 2, 5, torch.Generator())


def test_hmc_chains_batched_equals_one_chain_at_a_time():
    A = T([[2.0, 0.3], [0.3, 1.0]])
    En = lambda t: 0.5 * ((t @ A) * t).sum(-1)                           # noqa: E731
    gr = lambda t: t @ A                                                 # noqa: E731
    r = dy.hmc_random_numbers(30, 4, 2, (1, 6), torch.Generator().manual_seed(3))
    start = T([[0.0, 0.0], [1.0, 0.0], [0.0, -1.0], [2.0, 2.0]])
    for integrator in ("leapfrog", "euler"):
        xs, acc = dy.hmc_chains(En, gr, start, 0.4, r, integrator)
        for c in range(4):
            one = {k: v[:, c:c + 1] for k, v in r.items()}
            xc, ac = dy.hmc_chains(En, gr, start[c:c + 1], 0.4, one, integrator)
            assert torch.allclose(xs[:, c:c + 1], xc, atol=1e-13) and float(ac) == float(acc[c])


def test_hmc_chain_step_equals_leapfrog_and_accept_rule():
    r = {"momenta": T([[[0.7]]]), "L": torch.tensor([[3]]), "uniforms": T([[0.0]])}
    xs, acc = dy.hmc_chains(E, grad, T([[1.0]]), 0.3, r)
    th, _ = dy.leapfrog(grad, T([[1.0]]), T([[0.7]]), 0.3, 3)
    assert torch.allclose(xs[0], th, atol=1e-15) and acc.tolist() == [1.0]
    r["uniforms"] = T([[0.999999]])                                       # accept only if e^{H0 − H1} > u
    xs, acc = dy.hmc_chains(E, grad, T([[1.0]]), 0.3, r, "euler")
    th_e, vv_e = dy.explicit_euler(grad, T([[1.0]]), T([[0.7]]), 0.3, 3)
    H0, H1 = 0.5 * (1 + 0.49), float(0.5 * (th_e**2 + vv_e**2))
    assert (acc.tolist() == [1.0]) == (math.exp(min(0.0, H0 - H1)) > 0.999999)
    assert float(xs[0]) == (float(th_e) if acc.tolist() == [1.0] else 1.0)
    with pytest.raises(ValueError, match="randoms"):
        dy.hmc_chains(E, grad, T([[1.0]]), 0.3, {"momenta": T([[[0.7]]])})
    with pytest.raises(ValueError, match="integrator"):
        dy.hmc_chains(E, grad, T([[1.0]]), 0.3, r, "rk4")


def test_langevin_samplers_one_step_by_hand():
    g = torch.Generator().manual_seed(5)
    xi = torch.randn((1, 1), generator=torch.Generator().manual_seed(5), dtype=torch.float64)
    xs = dy.langevin_overdamped(grad, T([[1.0]]), 0.1, 1, g)
    assert float(xs[0]) == pytest.approx(0.9 + math.sqrt(0.2) * float(xi), abs=1e-15)
    th, vv = dy.langevin_underdamped(grad, T([[1.0]]), T([[2.0]]), 0.1, 0.5, 1, torch.Generator().manual_seed(5))
    assert float(th[0]) == pytest.approx(1.2, abs=1e-15)
    assert float(vv[0]) == pytest.approx(0.95 * 2.0 - 0.1 * 1.0 + math.sqrt(0.1) * float(xi), abs=1e-15)
    with pytest.raises(ValueError, match="eta \\* beta"):
        dy.langevin_underdamped(grad, T([[1.0]]), T([[2.0]]), 1.0, 2.0, 1, g)


def _noise_without_two(grad_E, theta, v, eta, beta, n, g):
    """Underdamped Langevin with noise √(βη) instead of √(2βη): friction and noise no longer match."""
    ths, vs = [], []
    for _ in range(n):
        xi = torch.randn(theta.shape, generator=g, dtype=theta.dtype)
        theta, v = theta + eta * v, (1 - eta * beta) * v - eta * grad_E(theta) + math.sqrt(beta * eta) * xi
        ths.append(theta)
        vs.append(v)
    return torch.stack(ths), torch.stack(vs)


@pytest.mark.parametrize("check, wrong", [
    (checks.check_hmc, dict(flow=lambda g, th, v, M=None: (v, -2 * g(th)))),                     # ignores M, doubles force
    (checks.check_langevin_overdamped, dict(sampler=lambda gf, x0, eta, n, g: dy.langevin_overdamped(gf, x0, eta / 2, n, g)
                                            * math.sqrt(2))),                                    # wrong noise scale
    (checks.check_langevin_overdamped, dict(sampler=lambda gf, x0, eta, n, g: dy.langevin_overdamped(gf, x0, 0.01, n, g))),
    (checks.check_langevin_underdamped, dict(sampler=lambda gE, t0, v0, eta, beta, n, g: _noise_without_two(gE, t0, v0, eta,
                                                                                                          beta, n, g))),
])
def test_checks_fail_on_wrong_variants(check, wrong):
    assert not check(**wrong).passed


def test_hmc_experiment_numbers():
    acc, mean_err, sd_err = checks.hmc_experiment("leapfrog", 10, 200)
    assert acc > 0.97 and mean_err < 0.15 and sd_err < 0.15
    acc_e, _, sd_e = checks.hmc_experiment("euler", 10, 200)
    assert acc_e < 0.1 and sd_e > 0.3
    assert np.isclose(np.linalg.eigvalsh(checks.blr_posterior_problem()[0]).min(), np.linalg.eigvalsh(
        checks.blr_posterior_problem()[0]).min())
