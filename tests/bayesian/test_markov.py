"""Tests of edl.bayesian.markov: exact transition matrices, stationary laws, conductances and the samplers."""

import math

import numpy as np
import pytest
import torch

from edl.bayesian import markov as mk
from edl.bayesian.checks import markov as checks

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def close(a, b, atol=1e-15):
    np.testing.assert_allclose(np.asarray(a.tolist() if hasattr(a, "tolist") else a), np.asarray(b), rtol=0, atol=atol)


def test_mh_matrix_exact_entries_and_refusals():
    M = mk.metropolis_hastings_matrix([1.0, 3.0], [[0.5, 0.5], [0.5, 0.5]])
    close(M, [[0.5, 0.5], [1 / 6, 5 / 6]])
    M3 = mk.metropolis_hastings_matrix([1.0, 2.0, 4.0], [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5], [0.5, 0.5, 0.0]])
    close(M3, [[0.0, 0.5, 0.5], [0.25, 0.25, 0.5], [0.125, 0.25, 0.625]])
    Q = [[0.2, 0.8], [0.4, 0.6]]                                            # asymmetric proposal: Hastings ratio needed
    M = mk.metropolis_hastings_matrix([1.0, 1.0], Q)
    close(M, [[0.6, 0.4], [0.4, 0.6]])
    with pytest.raises(ValueError, match="Q must propose"):
        mk.metropolis_hastings_matrix([1.0, 1.0], [[1.0, 0.0], [0.5, 0.5]])
    with pytest.raises(ValueError, match="Q must have shape"):
        mk.metropolis_hastings_matrix([1.0, 1.0, 1.0], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match="square"):
        mk.metropolis_hastings_matrix([1.0, 1.0], [[0.5, 0.5]])


def test_detailed_balance_gap_values():
    assert float(mk.detailed_balance_gap([0.25, 0.75], [[0.5, 0.5], [1 / 6, 5 / 6]])) == pytest.approx(0.0, abs=1e-16)
    cyc = [[0.1, 0.6, 0.3], [0.3, 0.1, 0.6], [0.6, 0.3, 0.1]]
    assert float(mk.detailed_balance_gap([1 / 3, 1 / 3, 1 / 3], cyc)) == pytest.approx(0.1, abs=1e-15)
    assert float(mk.detailed_balance_gap([0.5, 0.5], [[0.0, 1.0], [0.5, 0.5]])) == pytest.approx(0.25, abs=1e-15)


def test_stationary_distribution():
    assert mk.stationary_distribution([[0.9, 0.1], [0.3, 0.7]]).tolist() == pytest.approx([0.75, 0.25], abs=1e-14)
    assert mk.stationary_distribution([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]).tolist() == pytest.approx([1 / 3] * 3)
    with pytest.raises(ValueError, match="irreducible"):
        mk.stationary_distribution([[1.0, 0.0], [0.0, 1.0]])


def test_conductance_and_gap_exact():
    pi, T2 = [0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]]
    assert float(mk.conductance(pi, T2, [True, False])) == pytest.approx(0.1, abs=1e-15)
    assert float(mk.conductance([0.25, 0.75], [[0.0, 1.0], [1 / 3, 2 / 3]], [False, True])) == pytest.approx(1 / 3, abs=1e-15)
    assert float(mk.min_conductance(pi, T2)) == pytest.approx(0.1, abs=1e-15)
    assert float(mk.spectral_gap(pi, T2)) == pytest.approx(0.2, abs=1e-14)
    p3 = [0.2, 0.3, 0.5]
    M = mk.metropolis_hastings_matrix(p3, [[1 / 3] * 3] * 3)
    assert float(mk.min_conductance(p3, M)) == pytest.approx(min(
        float(mk.conductance(p3, M, S)) for S in ([True, False, False], [False, True, False], [True, True, False])
        if sum(p for p, s in zip(p3, S) if s) <= 0.5), abs=1e-15)
    assert float(mk.spectral_gap(p3, M)) == pytest.approx(1 - sorted(np.linalg.eigvals(M.numpy()).real)[-2], abs=1e-12)
    with pytest.raises(ValueError, match="reversible"):
        mk.spectral_gap([1 / 3] * 3, [[0.1, 0.6, 0.3], [0.3, 0.1, 0.6], [0.6, 0.3, 0.1]])
    with pytest.raises(ValueError, match="proper subset"):
        mk.conductance(pi, T2, [True, True])
    with pytest.raises(ValueError, match="proper subset"):
        mk.conductance(pi, T2, [False, False])
    with pytest.raises(ValueError, match="boolean mask"):
        mk.conductance(pi, T2, [1, 0])
    with pytest.raises(ValueError, match="at most 16"):
        mk.min_conductance([1 / 17] * 17, np.eye(17))
    with pytest.raises(ValueError, match="mass at most 1/2"):
        mk.min_conductance([1.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])


def test_mh_log_ratio_and_sampler():
    lp = lambda z: -0.5 * (z**2).sum(-1)                                    # noqa: E731
    lq = lambda to, frm: -(to - 0.5 * frm).pow(2).sum(-1)                  # noqa: E731  (asymmetric)
    r = mk.mh_log_ratio(lp, lq, T([[1.0]]), T([[2.0]]))
    assert r.tolist() == pytest.approx([-1.5 + (-(1 - 1.0) ** 2) - (-(2 - 0.5) ** 2)], abs=1e-15)
    g = torch.Generator().manual_seed(0)
    stay = lambda x, gen: x                                                # noqa: E731
    xs, acc = mk.metropolis_hastings(lp, T([[1.0], [2.0]]), stay, None, 4, g)
    assert acc.tolist() == [1.0, 1.0] and xs[:, :, 0].tolist() == [[1.0, 2.0]] * 4
    far = lambda x, gen: x + 100.0                                         # noqa: E731
    xs, acc = mk.metropolis_hastings(lp, T([[0.0]]), far, None, 3, g)
    assert acc.tolist() == [0.0] and xs.abs().max() == 0
    with pytest.raises(ValueError, match="generator"):
        mk.metropolis_hastings(lp, T([[0.0]]), far, None, 3, 0)


def test_gibbs_and_tempering_shapes_and_values():
    g = torch.Generator().manual_seed(1)
    xs = mk.gibbs_bivariate_normal(0.0, 3, T([[5.0, 5.0]]), g)
    assert xs.shape == (3, 1, 2) and float(xs.abs().max()) < 5        # ρ = 0: the start is forgotten at once
    with pytest.raises(ValueError, match="rho"):
        mk.gibbs_bivariate_normal(1.0, 3, T([[0.0, 0.0]]), g)
    lpt = lambda x, k: -x**2 / T([1.0, 4.0])[k]                          # noqa: E731
    a = mk.tempering_log_accept(lpt, T([1.0, 0.0]), torch.tensor([0, 1]), torch.tensor([1, 0]), T([0.0, math.log(2.0)]))
    assert a.tolist() == pytest.approx([0.75 - math.log(2.0), math.log(2.0)], abs=1e-15)
    with pytest.raises(ValueError, match="k_new"):
        mk.tempering_log_accept(lpt, T([1.0]), torch.tensor([0]), torch.tensor([2]), T([0.0, 0.0]))
    xs, ks = mk.simulated_tempering(lambda x: x**2, T([1.0, 2.0]), T([0.0, 0.0]), T([0.0, 0.5]), 5, 0.5, g)
    assert xs.shape == ks.shape == (5, 2) and set(ks.unique().tolist()) <= {0, 1}


@pytest.mark.parametrize("check, wrong", [
    (checks.check_detailed_balance, dict(gap=lambda pi, T: (pi[:, None] * T - pi[None, :] * T).abs().max())),
    (checks.check_stationary, dict(stationary=lambda T: torch.full((T.shape[0],), 1.0 / T.shape[0], dtype=T.dtype))),
    (checks.check_metropolis_hastings, dict(hastings=False)),
    (checks.check_gibbs, dict(cond_var=lambda rho: 1 - rho)),
    (checks.check_gibbs, dict(sampler=lambda rho, n, x0, g: mk.gibbs_bivariate_normal(rho**2, n, x0, g))),
    (checks.check_tempering, dict(temperatures=[1.0, 1.0, 1.0, 1.0])),
])
def test_checks_fail_on_wrong_variants(check, wrong):
    assert not check(**wrong).passed


def test_conductance_check_catches_a_factor_two_in_the_gap():
    assert not checks.check_conductance(phi=lambda pi, T, S: 2 * mk.conductance(pi, T, S)).passed


def test_samplers_reproduce_a_hand_run_with_the_same_random_numbers():
    # Metropolis–Hastings: proposal noise first, then the uniform, at every step.
    lp = lambda z: -0.5 * (z**2).sum(-1)                                    # noqa: E731
    walk = lambda x, gen: x + torch.randn(x.shape, generator=gen, dtype=x.dtype)   # noqa: E731
    xs, acc = mk.metropolis_hastings(lp, T([[0.5], [-1.0]]), walk, None, 6, torch.Generator().manual_seed(4))
    g = torch.Generator().manual_seed(4)
    x, n_acc = T([[0.5], [-1.0]]), torch.zeros(2, dtype=torch.float64)
    for t in range(6):
        prop = x + torch.randn(x.shape, generator=g, dtype=x.dtype)
        u = torch.rand(2, generator=g, dtype=x.dtype)
        ok = u < torch.exp(lp(prop) - lp(x))
        x = torch.where(ok[:, None], prop, x)
        n_acc += ok
        assert torch.equal(xs[t], x)
    assert torch.equal(acc, n_acc / 6)
    # Gibbs: all noise drawn up front, (sweeps, coordinate, chain).
    g = torch.Generator().manual_seed(5)
    noise = torch.randn((3, 2, 1), generator=g, dtype=torch.float64)
    out = mk.gibbs_bivariate_normal(0.6, 3, T([[1.0, 2.0]]), torch.Generator().manual_seed(5))
    x1, x2 = 1.0, 2.0
    for t in range(3):
        x1 = 0.6 * x2 + 0.8 * float(noise[t, 0, 0])
        x2 = 0.6 * x1 + 0.8 * float(noise[t, 1, 0])
        assert out[t, 0].tolist() == pytest.approx([x1, x2], abs=1e-14)
    # Simulated tempering: per step 4 uniforms (x move, direction, whether to try, level accept), then a normal.
    c, logZ = T([1.0, 2.0, 4.0]), 0.5 * torch.log(2 * math.pi * T([1.0, 2.0, 4.0]))
    f = lambda x: x**2 / 2                                                 # noqa: E731
    xs, ks = mk.simulated_tempering(f, c, logZ, T([0.3, -0.2]), 8, 0.7, torch.Generator().manual_seed(6))
    g = torch.Generator().manual_seed(6)
    x, k = T([0.3, -0.2]), torch.tensor([0, 0])
    for t in range(8):
        r = torch.rand((4, 2), generator=g, dtype=torch.float64)
        z = torch.randn(2, generator=g, dtype=torch.float64)
        prop = x + 0.7 * z
        keep = torch.log(r[0]) < -f(prop) / c[k] + f(x) / c[k]
        x = torch.where(keep, prop, x)
        k_new = k + torch.where(r[1] < 0.5, -1, 1)
        valid = (r[2] < 0.5) & (k_new >= 0) & (k_new < 3)
        k_try = torch.where(valid, k_new, k)
        log_a = -f(x) / c[k_try] - logZ[k_try] + f(x) / c[k] + logZ[k]
        k = torch.where(valid & (torch.log(r[3]) < log_a), k_try, k)
        assert torch.equal(xs[t], x) and torch.equal(ks[t], k)
