"""Unit tests of edl.theory.pacbayes: exact values, edge cases, every branch; and checks failing on wrong versions."""

import math

import pytest
import torch

from edl.theory import pacbayes as pb
from edl.theory.checks import pacbayes as checks

F64 = torch.float64


def t(x):
    return torch.tensor(x, dtype=F64)


def test_gibbs_tilt_and_dv_gap():
    assert pb.gibbs_tilt(t([0.5, 0.5]), t([0.0, math.log(3.0)])).tolist() == pytest.approx([0.25, 0.75])
    assert pb.gibbs_tilt(t([1.0, 0.0]), t([5.0, 0.0])).tolist() == pytest.approx([1.0, 0.0])
    # Q = P, φ constant: KL 0, log E e^φ = c, E_Q φ = c
    assert float(pb.donsker_varadhan_gap(t([0.3, 0.7]), t([0.3, 0.7]), t([2.0, 2.0]))) == pytest.approx(0.0, abs=1e-14)
    # point mass Q on atom 0 of uniform P, φ = 0: gap = KL = log 2
    assert float(pb.donsker_varadhan_gap(t([1.0, 0.0]), t([0.5, 0.5]), t([0.0, 0.0]))) == pytest.approx(math.log(2))
    # P with an empty atom, Q avoiding it: the atom is ignored
    assert float(pb.donsker_varadhan_gap(t([0.5, 0.5, 0.0]), t([0.5, 0.5, 0.0]), t([0.0, 0.0, 9.0]))) == pytest.approx(0.0, abs=1e-14)
    with pytest.raises(ValueError, match="absolutely continuous"):
        pb.donsker_varadhan_gap(t([0.5, 0.5]), t([1.0, 0.0]), t([0.0, 0.0]))


def test_mcallester_bound_values():
    c = math.log(2 * 10 / 0.05)
    assert float(pb.mcallester_bound(0.1, 0.0, 100.0, 0.05)) == pytest.approx(0.1 + math.sqrt(2 * c / 100), rel=1e-14)
    assert float(pb.mcallester_bound(0.1, 2.0, 100.0, 0.05, form="maurer")) == pytest.approx(
        0.1 + math.sqrt((2 + c) / 200), rel=1e-14)
    assert float(pb.pac_bayes_objective(0.2, 1.0, 400.0, 0.1)) == pytest.approx(
        0.2 + math.sqrt(2 / 400 * (1 + math.log(2 * 20 / 0.1))), rel=1e-14)
    with pytest.raises(ValueError, match="form"):
        pb.mcallester_bound(0.1, 0.0, 100.0, 0.05, form="seeger")
    with pytest.raises(ValueError, match="emp_risk"):
        pb.mcallester_bound(1.5, 0.0, 100.0, 0.05)


def test_gaussian_kl_values():
    assert float(pb.gaussian_kl_diag(t([0.0]), t([2.0]), 2.0)) == pytest.approx(0.0, abs=1e-15)
    assert float(pb.gaussian_kl_diag(t([1.0]), t([1.0]), 1.0)) == pytest.approx(0.5)
    assert float(pb.gaussian_kl_diag(t([0.0]), t([1.0]), math.e)) == pytest.approx(1 + 1 / (2 * math.e**2) - 0.5)
    assert float(pb.gaussian_kl_diag(t([3.0]), t([1.0]), 1.0, t([3.0]))) == pytest.approx(0.0, abs=1e-15)
    batch = pb.gaussian_kl_diag(t([[1.0], [0.0]]), t([[1.0], [1.0]]), 1.0)
    assert batch.tolist() == pytest.approx([0.5, 0.0])


def test_perturb_and_stochastic_error():
    assert pb.perturb(t([1.0, 0.0]), t([0.0, math.log(2.0)]), t([[0.5, 0.5], [-1.0, 1.0]])).tolist() == [[1.5, 1.0], [0.0, 2.0]]
    X, y = t([[1.0, 0.0], [0.0, 1.0]]), t([1.0, -1.0])
    assert float(pb.stochastic_error(X, y, t([5.0, -5.0]), t([-20.0, -20.0]), samples=4)) == 0.0
    assert float(pb.stochastic_error(X, y, t([-5.0, 5.0]), t([-20.0, -20.0]), samples=4)) == 1.0
    assert float(pb.stochastic_error(X, y, t([5.0, 5.0]), t([-20.0, -20.0]), samples=4)) == 0.5
    # a zero margin counts as an error: an input orthogonal to every sample
    assert float(pb.stochastic_error(t([[0.0, 1.0]]), t([1.0]), t([1.0, 0.0]), t([0.0, -800.0]), samples=3)) == 1.0
    with pytest.raises(ValueError, match="y"):
        pb.stochastic_error(X, t([1.0, 0.0]), t([1.0, 1.0]), t([0.0, 0.0]))


def test_training_lowers_the_bound_and_is_seeded():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(200, 3, generator=g, dtype=F64)
    y = torch.sign(X[:, 0])
    a = pb.train_pac_bayes(X, y, steps=50, batch=32, lr=0.1, seed=1)
    b = pb.train_pac_bayes(X, y, steps=50, batch=32, lr=0.1, seed=1)
    assert torch.equal(a["theta"], b["theta"]) and float(a["theta"][0]) > 0.5
    assert float(a["kl"]) == pytest.approx(float(pb.gaussian_kl_diag(a["theta"], torch.exp(a["rho"]), 1.0)))
    start = pb.train_pac_bayes(X, y, steps=0, sigma0=0.5)
    assert start["theta"].tolist() == [0.0] * 3 and start["rho"].tolist() == pytest.approx([math.log(0.5)] * 3)
    assert float(start["kl"]) == pytest.approx(3 * (math.log(2) + 0.125 - 0.5))


def test_kl_moment_and_implied_constant():
    assert checks._kl_moment(1, 0.5) == pytest.approx(math.log(2.0))          # Ê ∈ {0, 1}: kl = log 2 each
    xi = checks._implied_log_constant(pb.mcallester_bound, 100, 0.05, "maurer")
    assert xi == pytest.approx(math.log(20.0), rel=1e-10)
    assert checks._implied_log_constant(pb.mcallester_bound, 100, 0.05, "mcallester") == pytest.approx(math.log(20.0), rel=1e-10)


@pytest.mark.parametrize("check, kwargs", [
    (checks.check_donsker_varadhan, dict(gap=lambda q, p, phi: pb.donsker_varadhan_gap(q, p, phi) * 0.5)),
    (checks.check_donsker_varadhan, dict(tilt=lambda p, phi: torch.softmax(phi, 0))),
    (checks.check_mcallester, dict(bound=lambda e, k, s, d, form="mcallester": pb.mcallester_bound(e, k, s, d, form=form) * 3)),
    (checks.check_gaussian_kl, dict(kl=lambda th, sg, lam, th0=0.0: pb.gaussian_kl_diag(th, sg, lam, th0) * 2)),
    (checks.check_objective, dict(objective=lambda e, k, s, d: torch.as_tensor(e, dtype=F64))),
    (checks.check_reparam, dict(sample=lambda th, rho, eta: th + rho * eta)),
])
def test_checks_fail_on_wrong_versions(check, kwargs):
    assert not check(**kwargs).passed


def test_training_pinned():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(200, 3, generator=g, dtype=F64)
    out = pb.train_pac_bayes(X, torch.sign(X[:, 0]), steps=50, batch=32, lr=0.1, seed=1)
    assert float(out["kl"]) == pytest.approx(1.8630807, abs=1e-6)
    assert out["theta"].tolist() == pytest.approx([1.2536609, -0.0958045, -0.0434409], abs=1e-6)
    assert out["rho"].tolist() == pytest.approx([-0.7345929, -0.7255730, -0.7727364], abs=1e-6)
    assert float(pb.train_pac_bayes(X, torch.sign(X[:, 0]), steps=50, batch=32, lr=0.1, prior_std=2.0, seed=1)["kl"]) != \
        pytest.approx(1.8630807, abs=1e-3)
    half = pb.train_pac_bayes(X, torch.sign(X[:, 0]), steps=50, batch=32, lr=0.1, delta=0.5, seed=1)
    assert not torch.allclose(half["theta"], out["theta"])
