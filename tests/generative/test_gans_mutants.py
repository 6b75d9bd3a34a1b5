"""Tests of edl.generative.gans that pin what its mutants change: list arguments take the dtype of the
probability vectors, and shape messages name the argument they must match."""

import math

import pytest
import torch

from edl.generative import gan_metrics as gm
from edl.generative import gans as ga

F32 = torch.float32


def test_discriminator_log_likelihood_reads_a_list_D_in_the_dtype_of_p_data():
    """float32 p, q make a list D float32: the docstring's example −½ log(1/0.9)·2 = log 0.9 in float32."""
    p, q = torch.tensor([1.0, 0.0], dtype=F32), torch.tensor([0.0, 1.0], dtype=F32)
    out = ga.discriminator_log_likelihood(p, q, [0.9, 0.1])
    assert out.dtype == F32 and float(out) == pytest.approx(math.log(0.9), rel=1e-6)


def test_discriminator_log_likelihood_message_names_p_data():
    """D must have one entry per atom of p_data; the message names both."""
    with pytest.raises(ValueError, match=r"^D must have shape \(2,\) to match p_data, got shape \(3,\)$"):
        ga.discriminator_log_likelihood([0.5, 0.5], [0.5, 0.5], [0.5, 0.5, 0.5])


def test_gan_value_reads_a_list_D_in_the_dtype_of_p_data():
    """float32 p, q make a list D float32: the docstring's −log 4 in float32."""
    h = torch.tensor([0.5, 0.5], dtype=F32)
    out = ga.gan_value(h, h, [0.5, 0.5])
    assert out.dtype == F32 and float(out) == pytest.approx(-math.log(4), rel=1e-6)


def test_gan_value_message_names_p_data():
    """D must have one entry per atom of p_data; the message names both."""
    with pytest.raises(ValueError, match=r"^D must have shape \(2,\) to match p_data, got shape \(1,\)$"):
        ga.gan_value([0.5, 0.5], [0.5, 0.5], [0.5])


def test_a_list_p_gen_takes_the_dtype_of_p_data():
    """float32 p_data makes a list p_gen float32: the docstring's D* = [0.75, 0.25] in float32."""
    out = ga.optimal_discriminator(torch.tensor([0.75, 0.25], dtype=F32), [0.25, 0.75])
    assert out.dtype == F32 and out.tolist() == [0.75, 0.25]


def test_p_gen_of_another_length_is_refused_naming_p_data():
    """p_gen needs one mass per atom of p_data, even a broadcastable single atom."""
    with pytest.raises(ValueError, match=r"^p_gen must have shape \(2,\) to match p_data, got shape \(1,\)$"):
        ga.optimal_value([0.5, 0.5], [1.0])
    with pytest.raises(ValueError, match=r"^p_gen must have shape \(2,\) to match p_data, got shape \(3,\)$"):
        ga.optimal_discriminator([0.5, 0.5], [0.2, 0.3, 0.5])


def test_optimal_value_gradient_is_finite_at_an_empty_atom():
    """Autograd through the 0 log 0 guard of the entropies: no NaN where p = 0; elsewhere ∂V/∂p_i = log(p_i / m_i).

    V = −H(p) − H(q) + 2H(m) − 2 log 2 with m = (p + q)/2, so ∂V/∂p_i = (log p_i + 1) − (log m_i + 1).
    """
    p = torch.tensor([0.0, 0.5, 0.5], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.5, 0.25, 0.25], dtype=torch.float64)
    ga.optimal_value(p, q).backward()
    m = 0.5 * (p.detach() + q)
    assert torch.isfinite(p.grad).all()
    assert p.grad[1:].tolist() == pytest.approx(torch.log(p.detach()[1:] / m[1:]).tolist(), abs=1e-12)


def test_optimal_discriminator_gradient_is_finite_where_both_vanish():
    """D* = ½ where p = q = 0 is a constant (gradient 0); elsewhere ∂D*_i/∂p_i = q_i/(p_i + q_i)²."""
    p = torch.tensor([0.0, 0.75, 0.25], dtype=torch.float64, requires_grad=True)
    q = torch.tensor([0.0, 0.25, 0.75], dtype=torch.float64)
    ga.optimal_discriminator(p, q).sum().backward()
    assert p.grad.tolist() == pytest.approx([0.0, 0.25, 0.75], abs=1e-15)


# --- fit_logistic_discriminator ---------------------------------------------------------------------------------------

SEP = ([[1.0], [-1.0]], [1.0, 0.0], [0.0, 1.0])   # separable: real at +1, fake at −1


def test_one_newton_step_from_zero_by_hand():
    """From ψ = 0 (s = ½): gradient Σφ(w_r − w_f)/2 = 1, Hessian Σφ²(w_r + w_f)/4 = ½, so ψ₁ = 2.

    ℓ(ψ₁) = ½[log σ(2) + log σ(2)] = −log(1 + e^{−2}). Also pins that iters = 1 is allowed.
    """
    psi, ell = ga.fit_logistic_discriminator(*SEP, iters=1)
    assert psi.tolist() == pytest.approx([2.0], abs=1e-10)
    assert float(ell) == pytest.approx(-math.log1p(math.exp(-2.0)), abs=1e-10)


def test_newton_step_uses_the_small_ridge_on_a_tiny_feature():
    """A feature of scale δ = 1e-6 has Hessian δ²/4 = 2.5e-13, comparable to the ridge 1e-12 added for stability.

    One step from 0: ψ₁ = (δ/2) / (δ²/4 + 1e-12) = 4e5 (the ridge is added, in the dtype of the features).
    """
    d = 1e-6
    psi, _ = ga.fit_logistic_discriminator([[d], [0.0]], [1.0, 0.0], [0.0, 1.0], iters=1)
    assert float(psi[0]) == pytest.approx((d / 2) / (d * d / 4 + 1e-12), rel=1e-12)


def test_default_iters_is_50():
    """On separable data Newton never converges (ψ keeps growing), so the number of steps shows: default = 50."""
    psi, ell = ga.fit_logistic_discriminator(*SEP)
    psi50, ell50 = ga.fit_logistic_discriminator(*SEP, iters=50)
    psi51, _ = ga.fit_logistic_discriminator(*SEP, iters=51)
    assert torch.equal(psi, psi50) and torch.equal(ell, ell50)
    assert float(psi51[0]) > float(psi50[0]) + 0.02   # ψ grows like log of the step count


def test_fit_logistic_discriminator_reads_list_weights_in_the_dtype_of_features():
    """float32 features make list weights float32: ψ and ℓ come back float32 (one step: ψ₁ = 2)."""
    psi, ell = ga.fit_logistic_discriminator(torch.tensor(SEP[0], dtype=F32), SEP[1], SEP[2], iters=1)
    assert (psi.dtype, ell.dtype) == (F32, F32) and float(psi[0]) == pytest.approx(2.0, rel=1e-5)


@pytest.mark.parametrize("name", ["w_real", "w_fake"])
def test_fit_logistic_discriminator_reads_one_list_weight_in_the_dtype_of_features(name):
    """One list weight vector with float32 features and the other a float32 tensor: results stay float32."""
    args = {"w_real": torch.tensor(SEP[1], dtype=F32), "w_fake": torch.tensor(SEP[2], dtype=F32)}
    args[name] = args[name].tolist()
    F = torch.tensor(SEP[0], dtype=F32)
    psi, ell = ga.fit_logistic_discriminator(F, args["w_real"], args["w_fake"], iters=1)
    assert (psi.dtype, ell.dtype) == (F32, F32)


@pytest.mark.parametrize("name", ["w_real", "w_fake"])
def test_weights_of_another_length_are_refused_naming_the_rows(name):
    """Weights need one entry per row of features, even a broadcastable single one."""
    for bad, shape in (([1.0], r"\(1,\)"), ([1.0, 0.0, 0.0], r"\(3,\)")):
        args = {"w_real": SEP[1], "w_fake": SEP[2], name: bad}
        msg = rf"^{name} must have shape \(2,\) to match features \(one weight per row\), got shape {shape}$"
        with pytest.raises(ValueError, match=msg):
            ga.fit_logistic_discriminator(SEP[0], args["w_real"], args["w_fake"])


# --- saddle_objective -------------------------------------------------------------------------------------------------

def test_saddle_objective_keeps_float32():
    """float32 thetas give a float32 result (the quadrature nodes follow their dtype); θ = μ gives −log 2."""
    out = ga.saddle_objective(torch.tensor([2.0], dtype=F32))
    assert out.dtype == F32 and float(out[0]) == pytest.approx(-math.log(2), rel=1e-5)


def test_saddle_objective_accepts_two_nodes():
    """Two Gauss–Hermite nodes (±1, weights ½) are allowed; at θ = μ no classifier beats ½: −log 2."""
    out = ga.saddle_objective(torch.tensor([2.0], dtype=torch.float64), nodes=2)
    assert float(out[0]) == pytest.approx(-math.log(2), abs=1e-12)


def test_saddle_objective_with_two_nodes_by_hand():
    """Nodes ±1: data at {1, 3}, generator at θ ± 1 = {2, 4} for θ = 3; the best σ(ψ₁x + ψ₀) on these 4 atoms.

    The atoms interleave (real, fake, real, fake), so a monotone classifier cannot separate them; the sup is at
    a finite ψ and must agree with the logistic fit on the same atoms run to convergence.
    """
    x = torch.tensor([1.0, 3.0, 2.0, 4.0], dtype=torch.float64)
    F = torch.stack([x, torch.ones_like(x)], 1)
    _, want = ga.fit_logistic_discriminator(F, [0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5], iters=200)
    out = ga.saddle_objective(torch.tensor([3.0], dtype=torch.float64), nodes=2)
    assert float(out[0]) == pytest.approx(float(want), abs=1e-12)


# --- train_toy_gan ----------------------------------------------------------------------------------------------------

def _toy_gan_by_autograd(steps, lr_d, lr_g, batch, seed, theta0, mu, sign):
    """The documented updates, with gradients by autograd instead of the closed forms: D = σ(wx + b) from w = b = 0,
    each step drawing (from one seeded generator) the real batch, the fake batch for D, then fresh fakes for G."""
    g = torch.Generator().manual_seed(seed)
    w = torch.zeros((), dtype=torch.float64)
    b = torch.zeros((), dtype=torch.float64)
    theta, path = torch.tensor(theta0, dtype=torch.float64), [theta0]
    for _ in range(steps):
        x = mu + torch.randn(batch, generator=g, dtype=torch.float64)
        fake = theta + torch.randn(batch, generator=g, dtype=torch.float64)
        wb = torch.stack([w, b]).requires_grad_()
        obj = (torch.nn.functional.logsigmoid(wb[0] * x + wb[1]).mean()
               + torch.log1p(-torch.sigmoid(wb[0] * fake + wb[1])).mean())
        gw, gb = torch.autograd.grad(obj, wb)[0]
        w, b = w + lr_d * gw, b + lr_d * gb
        th = theta.clone().requires_grad_()
        z = torch.randn(batch, generator=g, dtype=torch.float64)
        (gt,) = torch.autograd.grad(torch.log1p(-torch.sigmoid(w * (th + z) + b)).mean(), th)
        theta = theta + sign * lr_g * gt
        path.append(float(theta))
    return torch.tensor(path, dtype=torch.float64)


@pytest.mark.parametrize("sign", [-1.0, 1.0])
def test_train_toy_gan_matches_the_updates_computed_by_autograd(sign):
    """Four alternating steps against the same updates with autograd gradients (w, b and θ all move; lr_g ≠ 1)."""
    th = ga.train_toy_gan(4, 0.7, 0.3, 3, torch.Generator().manual_seed(5), theta0=0.5, data_mean=-1.5,
                          generator_sign=sign)
    want = _toy_gan_by_autograd(4, 0.7, 0.3, 3, 5, 0.5, -1.5, sign)
    assert th.dtype == torch.float64 and th.shape == (5,)
    assert th.tolist() == pytest.approx(want.tolist(), rel=1e-12, abs=1e-14)
    assert abs(float(th[-1] - th[0])) > 1e-3


def test_train_toy_gan_accepts_one_step_of_one_sample():
    """steps = batch = 1 are allowed: the path has 2 points, the first θ₀."""
    th = ga.train_toy_gan(1, 0.1, 0.1, 1, torch.Generator().manual_seed(0), theta0=0.25)
    assert th.shape == (2,) and float(th[0]) == 0.25 and th.dtype == torch.float64


def test_saddle_objective_default_nodes_is_80():
    """At θ − μ = 4 the quadrature error still shows near 1e-7: the default equals nodes = 80 and differs from 81.

    Against the exact value JS(N(μ,1), N(θ,1)) − log 2 (trapezoidal JS) both node counts are within 1e-6.
    """
    t = torch.tensor([6.0], dtype=torch.float64)
    out, out80, out81 = ga.saddle_objective(t), ga.saddle_objective(t, nodes=80), ga.saddle_objective(t, nodes=81)
    assert torch.equal(out, out80) and abs(float(out80[0] - out81[0])) > 1e-9
    exact = float(gm.js_shifted_gaussians(4.0, 1.0)) - math.log(2)
    assert float(out[0]) == pytest.approx(exact, abs=1e-6) and float(out81[0]) == pytest.approx(exact, abs=1e-6)
