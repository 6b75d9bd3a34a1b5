"""Unit tests of edl.generative.gans and edl.generative.gan_metrics."""

import math

import numpy as np
import pytest
import torch

from edl.core.checking import f64
from edl.generative import gan_metrics as gm
from edl.generative import gans as ga
from edl.generative.checks import gans as ch


def test_value_likelihood_and_optimal_discriminator():
    p, q, D = f64([0.5, 0.5, 0.0]), f64([0.2, 0.3, 0.5]), f64([0.6, 0.3, 0.9])
    val = 0.5 * math.log(0.6) + 0.5 * math.log(0.3) + 0.2 * math.log(0.4) + 0.3 * math.log(0.7) + 0.5 * math.log(0.1)
    assert float(ga.gan_value(p, q, D)) == pytest.approx(val, abs=1e-15)
    assert float(ga.discriminator_log_likelihood(p, q, D)) == pytest.approx(val / 2, abs=1e-15)
    assert ga.optimal_discriminator(p, q).numpy() == pytest.approx([0.5 / 0.7, 0.5 / 0.8, 0.0], abs=1e-15)
    assert ga.optimal_discriminator(f64([1.0, 0.0]), f64([1.0, 0.0])).tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="D"):
        ga.gan_value(p, q, f64([1.0, 0.3, 0.9]))


def test_optimal_value_extremes():
    assert float(ga.optimal_value(f64([0.3, 0.7]), f64([0.3, 0.7]))) == pytest.approx(-math.log(4), abs=1e-15)
    assert float(ga.optimal_value(f64([1.0, 0.0]), f64([0.0, 1.0]))) == pytest.approx(0.0, abs=1e-15)
    p, q = f64([0.2, 0.8]), f64([0.6, 0.4])
    assert float(ga.optimal_value(p, q)) == pytest.approx(float(ga.gan_value(p, q, ga.optimal_discriminator(p, q))), abs=1e-14)


def test_logistic_discriminator_and_saddle():
    psi, ell = ga.fit_logistic_discriminator([[1.0], [1.0]], [1.0, 0.0], [0.0, 1.0])
    assert float(ell) == pytest.approx(-math.log(2), abs=1e-12) and abs(float(psi[0])) < 1e-12
    psi, ell = ga.fit_logistic_discriminator([[1.0, 1.0], [-1.0, 1.0]], [0.75, 0.25], [0.25, 0.75])
    assert float(ell) == pytest.approx(0.75 * math.log(0.75) + 0.25 * math.log(0.25), abs=1e-10)
    vals = ga.saddle_objective(f64([1.0, 2.0, 3.0]))
    assert float(vals[1]) == pytest.approx(-math.log(2), abs=1e-12) and float(vals[0]) == pytest.approx(float(vals[2]), abs=1e-9)


def test_generator_gradients_and_toy_training():
    sat, non = ga.generator_gradients(f64([0.0, -10.0]))
    assert sat.tolist() == pytest.approx([-0.5, -1 / (1 + math.exp(10))], abs=1e-15)
    assert non.tolist() == pytest.approx([0.5, 1 / (1 + math.exp(-10))], abs=1e-15)
    th = ga.train_toy_gan(300, 0.05, 0.5, 64, torch.Generator().manual_seed(1))
    assert th.shape == (301,) and float(th[0]) == 0.0 and abs(float(th[-1]) - 2.0) < 0.3
    th = ga.train_toy_gan(300, 0.05, 0.5, 64, torch.Generator().manual_seed(1), generator_sign=1.0)
    assert float(th[-1]) < -1.0
    with pytest.raises(ValueError, match="generator_sign"):
        ga.train_toy_gan(3, 0.05, 0.5, 4, torch.Generator(), generator_sign=0.5)


def test_bilinear_game_steps():
    assert ga.bilinear_game(1.0, 1.0, 0.5, 1, "simultaneous").tolist() == [[1.0, 1.0], [0.5, 1.5]]
    assert ga.bilinear_game(1.0, 1.0, 0.5, 1, "alternating").tolist() == [[1.0, 1.0], [0.5, 1.25]]
    assert ga.bilinear_game(1.0, 1.0, 0.5, 1, "extragradient").tolist() == [[1.0, 1.0], [0.25, 1.25]]
    p = ga.bilinear_game(1.0, 1.0, 0.1, 1000, "simultaneous")
    assert float(p[-1].norm()) == pytest.approx(math.sqrt(2) * 1.01**500, rel=1e-10)
    assert ga.bilinear_game(1.0, 1.0, 0.1, 0).shape == (1, 2)


def test_metrics_values():
    assert gm.js_shifted_gaussians(f64([0.0, 1.0]), 0.01).numpy() == pytest.approx([0.0, math.log(2)], abs=1e-9)
    assert float(gm.wasserstein_1d([0.0, 1.0], [3.0, 2.0])) == 2.0
    assert float(gm.gradient_penalty(lambda x: 3 * x.sum(-1), [[0.0]], [[1.0]], [0.5])) == 4.0
    assert float(gm.gradient_penalty(lambda x: (x**2).sum(-1), [[0.0, 1.0]], [[1.0, 0.0]], [1.0])) == pytest.approx(1.0, abs=1e-15)
    p, q, x = f64([0.5, 0.3, 0.2]), f64([0.2, 0.2, 0.6]), f64([0.0, 1.0, 4.0])
    assert float(gm.ipm(p, q, "sup")) == pytest.approx(0.8, abs=1e-15)
    assert float(gm.ipm(p, q, "lipschitz", x)) == pytest.approx(0.3 * 1 + 0.4 * 3, abs=1e-15)
    m = 0.5 * (p + q)
    js2 = float((p * torch.log(p / m)).sum() + (q * torch.log(q / m)).sum())
    assert float(gm.ipm(p, q, "log")) == pytest.approx(js2, abs=1e-15)
    with pytest.raises(ValueError, match="support"):
        gm.ipm(p, q, "lipschitz")
    with pytest.raises(ValueError, match="increasing"):
        gm.ipm(p, q, "lipschitz", f64([0.0, 2.0, 1.0]))


def test_counting_shapes_and_normalisation():
    assert float(gm.duplicate_probability(23, 365)) == pytest.approx(0.5072972343, abs=1e-9)
    assert float(gm.duplicate_probability(1, 10)) == 0.0 and float(gm.duplicate_probability(11, 10)) == 1.0
    assert float(gm.duplicate_probability(2, 4)) == 0.25
    assert float(gm.linear_critic_gap([[0.0, 0.0], [2.0, 2.0]], [[0.0, 1.0]])) == 1.0
    assert gm.transposed_conv_size(4, 4, 2, 1) == 8 and gm.transposed_conv_size(3, 3, 2, 0, 1) == 8
    assert gm.transposed_conv_size(5, 1, 1) == 5
    with pytest.raises(ValueError, match="output_padding"):
        gm.transposed_conv_size(4, 4, 2, 1, 2)
    with pytest.raises(ValueError, match="padding"):
        gm.transposed_conv_size(1, 1, 1, 1)
    assert gm.virtual_batch_norm([[1.0]], [[-1.0]], eps=0.0).tolist() == [[1.0]]
    out = gm.virtual_batch_norm([[1.0], [3.0]], [[-1.0], [1.0]], gamma=2.0, beta=0.5, eps=0.0)
    # x = 1: {−1, 1, 1}: mean 1/3, var 8/9; x = 3: {−1, 1, 3}: mean 1, var 8/3
    assert out[:, 0].numpy() == pytest.approx([2 * (2 / 3) / math.sqrt(8 / 9) + 0.5, 2 * 2 / math.sqrt(8 / 3) + 0.5], abs=1e-14)


def test_inception_score_and_kl():
    assert float(gm.inception_score([[1.0, 0.0], [0.0, 1.0]])) == pytest.approx(2.0, abs=1e-14)
    assert float(gm.inception_score([[0.3, 0.7], [0.3, 0.7]])) == pytest.approx(1.0, abs=1e-14)
    P = np.array([[0.9, 0.1], [0.2, 0.8]])
    py = P.mean(0)
    assert float(gm.inception_score(P)) == pytest.approx(math.exp(np.mean((P * np.log(P / py)).sum(1))), abs=1e-14)
    x = torch.linspace(-12, 12, 4001, dtype=torch.float64)
    kl = gm.kl_data_model(-x**2 / 2 - 0.5 * math.log(2 * math.pi), -x**2 / 8 - 0.5 * math.log(8 * math.pi), x)
    assert float(kl) == pytest.approx(0.5 * (0.25 - 1 + math.log(4)), abs=1e-9)
    with pytest.raises(ValueError, match="increasing"):
        gm.kl_data_model([0.0, 0.0], [0.0, 0.0], [1.0, 0.0])


def test_the_checks_fail_on_wrong_formulas():
    assert not ch.check_mixture_classification(loglik=lambda p, q, D: ga.gan_value(p, q, D)).passed
    assert not ch.check_optimal_discriminator(dstar=lambda p, q: q / (p + q)).passed
    assert not ch.check_js_reduction(value=lambda p, q: ga.optimal_value(p, q) / 2).passed
    assert not ch.check_non_saturating(grads=lambda a: (-torch.sigmoid(a), -torch.sigmoid(a))).passed
    assert not ch.check_gda(game=lambda t, p, e, n, m: ga.bilinear_game(t, p, e, n, "simultaneous")).passed
    assert not ch.check_js_saturation(w1=lambda x, y: 2 * gm.wasserstein_1d(x, y)).passed
    assert not ch.check_wasserstein(w1=lambda x, y: (x - y).abs().mean()).passed
    assert not ch.check_mode_collapse(prob=lambda s, N: 1 - torch.exp(torch.tensor(-s * s / (2.0 * N)))).passed
    assert not ch.check_capacity(gap=lambda X, Y: (X.mean(0) - Y.mean(0)).abs().sum()).passed
    assert not ch.check_dcgan(size=lambda i, k, s, p=0, op=0: i * s).passed
    assert not ch.check_vbn(vbn=lambda x, R: torch.nn.functional.batch_norm(x, None, None, training=True)).passed
    assert not ch.check_inception(score=lambda P: torch.exp(-(P * torch.log(P.clamp_min(1e-300))).sum(1).mean())).passed
    assert not ch.check_eval_kl(kl=lambda lp, lq, x: gm.kl_data_model(lq, lp, x)).passed


def test_toy_gan_follows_the_data_mean_and_scalar_js():
    th = ga.train_toy_gan(400, 0.05, 0.5, 64, torch.Generator().manual_seed(2), theta0=1.0, data_mean=-1.0)
    assert float(th[0]) == 1.0 and abs(float(th[-1]) + 1.0) < 0.3
    js = gm.js_shifted_gaussians(0.5, 1.0)
    assert js.shape == () and 0 < float(js) < math.log(2)
    assert float(ga.saddle_objective(f64([0.0]), data_mean=0.0)[0]) == pytest.approx(-math.log(2), abs=1e-12)
