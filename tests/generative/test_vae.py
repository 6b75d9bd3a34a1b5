"""Unit tests of edl.generative.vae."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from edl.core.checking import f64
from edl.generative import vae as va
from edl.generative.checks import vae as ch

G = lambda s: torch.Generator().manual_seed(s)  # noqa: E731


def test_conjugate_model_exact_values():
    logp = scipy.stats.norm.logpdf(1.3, 0, math.sqrt(1.25))
    assert float(va.conjugate_log_evidence(1.3, 0.25)) == pytest.approx(logp, abs=1e-14)
    m, v = va.conjugate_posterior(1.3, 0.25)
    assert (float(m), float(v)) == pytest.approx((1.04, 0.2), abs=1e-14)
    assert float(va.conjugate_elbo(1.3, m, v, 0.25)) == pytest.approx(logp, abs=1e-13)
    # an off-posterior q: closed form by hand
    elbo = -0.5 * math.log(2 * math.pi * 0.25) - ((1.3 - 0.4) ** 2 + 0.3) / 0.5 - 0.5 * (0.3 + 0.16 - 1 - math.log(0.3))
    assert float(va.conjugate_elbo(1.3, 0.4, 0.3, 0.25)) == pytest.approx(elbo, abs=1e-14)
    assert va.conjugate_elbo(1.3, f64([0.0, 1.0]), f64([1.0, 0.5]), 0.25).shape == (2,)


def test_kl_decoder_and_encoder_densities():
    assert float(va.kl_to_standard_normal([1.0, 0.0], [1.0, 1.0])) == 0.5
    assert float(va.kl_to_standard_normal([0.0], [0.25])) == pytest.approx(0.5 * (0.25 - 1 - math.log(0.25)), abs=1e-15)
    assert va.kl_to_standard_normal(f64([[0.0, 1.0], [1.0, 1.0]]), f64([[1.0, 1.0], [1.0, 1.0]])).tolist() == [0.5, 1.0]
    assert float(va.gaussian_decoder_log_lik([1.0, 0.0], [0.0, 0.0], 1.0)) == pytest.approx(-0.5 - math.log(2 * math.pi), abs=1e-14)
    assert float(va.gaussian_decoder_log_lik([1.0, 1.0], [0.0, 0.0], 0.5)) == pytest.approx(-2.0 - math.log(math.pi), abs=1e-14)
    z, mu, ls = np.array([0.3, -1.0]), np.array([0.1, 0.2]), np.array([0.5, -0.3])
    ref = scipy.stats.multivariate_normal(mu, np.diag(np.exp(2 * ls))).logpdf(z)
    assert float(va.encoder_log_q(f64(z), f64(mu), f64(ls))) == pytest.approx(ref, abs=1e-13)


def test_reparameterisation_and_score_function_values():
    assert va.reparameterize([1.0, 0.0], [2.0, 1.0], [[0.5, -1.0]]).tolist() == [[2.0, -1.0]]
    gm, gs = va.reparam_gradient(lambda z: (z**2).sum(-1), [1.0], [1.0], [[0.5]])
    assert gm.tolist() == [[3.0]] and gs.tolist() == [[1.5]]
    gm, gs = va.score_function_gradient(lambda z: (z**2).sum(-1), [1.0], [1.0], [[0.5]])
    assert gm.tolist() == [[1.125]] and gs.tolist() == [[-1.6875]]   # f = 2.25, score (0.5, 0.25 − 1)
    gm, gs = va.score_function_gradient(lambda z: (z**2).sum(-1), [0.0, 1.0], [2.0, 1.0], [[1.0, 0.0], [0.0, 2.0]])
    assert gm.tolist() == [[2.5, 0.0], [0.0, 18.0]] and gs.tolist() == [[0.0, -5.0], [-4.5, 27.0]]


def test_bonnet_and_price_per_sample_terms():
    assert va.bonnet_gradient(lambda z: 2 * z, [1.0], [[4.0]], [[0.5]]).tolist() == [[4.0]]     # z = 1 + 2·0.5
    H = va.price_gradient(lambda z: torch.full((len(z), 1, 1), 6.0, dtype=z.dtype), [0.0], [[1.0]], [[0.3], [0.1]])
    assert H.tolist() == [[[3.0]], [[3.0]]]
    with pytest.raises(ValueError, match="grad_f"):
        va.bonnet_gradient(lambda z: z[:, :1], [0.0, 0.0], np.eye(2), [[0.1, 0.2]])


def test_linear_gaussian_gradients_and_sgvb():
    gt, gm, gl = va.linear_gaussian_gradients(1.0, 1.0, 0.0, 0.0, 1.0, [0.0])
    assert (gt.tolist(), gm.tolist(), gl.tolist()) == ([0.0], [1.0], [0.5])
    gt, gm, gl = va.linear_gaussian_gradients(1.2, 0.8, 0.3, math.log(0.5), 0.4, [1.0])
    z = 0.3 + math.sqrt(0.5)
    assert float(gt[0]) == pytest.approx((1.2 - 0.8 * z) * z / 0.4, abs=1e-13)
    assert float(gm[0]) == pytest.approx(-z + 0.8 * (1.2 - 0.8 * z) / 0.4, abs=1e-13)
    est = va.sgvb_estimate(1.3, 1.04, 0.2, 0.25, [0.7, -2.0, 0.0])
    assert est.numpy() == pytest.approx(np.full(3, float(va.conjugate_log_evidence(1.3, 0.25))), abs=1e-12)


def test_mc_reconstruction_exact_for_symmetric_draws():
    val = va.mc_reconstruction([0.0], lambda z: z, [0.0], [1.0], 1.0, [[1.0], [-1.0]])
    assert float(val) == pytest.approx(-0.5 - 0.5 * math.log(2 * math.pi), abs=1e-14)
    batch = va.mc_reconstruction([0.0, 1.0], lambda z: 2 * z, [0.0, 0.0], [1.0, 1.0], 2.0, f64(np.zeros((3, 4, 2))))
    assert batch.shape == (3,) and float(batch[0]) == pytest.approx(-0.25 - math.log(4 * math.pi), abs=1e-14)


def test_beta_vae_and_hierarchy():
    assert [float(t) for t in va.beta_vae_optimum(1.3, 0.25, 4.0)] == pytest.approx([0.65, 0.5], abs=1e-14)
    assert float(va.beta_vae_objective(1.3, 0.4, 0.3, 0.25, 1.0)) == pytest.approx(float(va.conjugate_elbo(1.3, 0.4, 0.3, 0.25)), abs=1e-15)
    kl = 0.5 * (0.3 + 0.16 - 1 - math.log(0.3))
    assert float(va.beta_vae_objective(1.3, 0.4, 0.3, 0.25, 3.0) - va.beta_vae_objective(1.3, 0.4, 0.3, 0.25, 1.0)) == \
        pytest.approx(-2 * kl, abs=1e-14)
    t = va.hvae_elbo_samples(0.5, [[0.0, 0.0]], 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)   # z1 = 0.5, z2 = 0.5
    c = -0.5 * math.log(2 * math.pi)
    assert t[0].tolist() == pytest.approx([c, c - c, (c - 0.125) - c], abs=1e-14)


def test_vae_sample_and_gaussian_logistic():
    x = va.vae_sample(lambda z: z @ f64([[1.0, 0.0], [0.0, 2.0]]).T, 40_000, 2, 0.0, G(0))
    assert np.allclose(np.cov(x.numpy().T), [[1.0, 0.0], [0.0, 4.0]], atol=0.1)
    w, b = va.gaussian_logistic([0.0, 0.0], [2.0, 0.0], np.eye(2))
    assert w.tolist() == [2.0, 0.0] and float(b) == -2.0
    w, b = va.gaussian_logistic([1.0, 0.0], [2.0, 0.0], 2 * np.eye(2), 0.25)
    assert w.tolist() == [0.5, 0.0] and float(b) == pytest.approx(0.25 - 1.0 - math.log(3), abs=1e-14)


def test_the_checks_fail_on_wrong_formulas():
    assert not ch.check_model(sample=lambda dec, n, k, s, g: va.vae_sample(dec, n, k, 2 * s, g)).passed
    assert not ch.check_elbo(elbo=lambda x, m, v, s2: va.conjugate_elbo(x, m, v, s2) + 0.01).passed
    assert not ch.check_elbo_gap(posterior=lambda x, s2: (x / (1 + s2), x * 0 + 1 / (1 + s2))).passed
    assert not ch.check_kl_prior(kl=lambda m, s2: va.kl_to_standard_normal(m, s2) * 2).passed
    assert not ch.check_decoder(loglik=lambda x, m, s2: va.gaussian_decoder_log_lik(x, m, 2 * s2)).passed
    assert not ch.check_reparameterization(reparam=lambda f, m, s, e: tuple(2 * g for g in va.reparam_gradient(f, m, s, e))).passed
    assert not ch.check_bonnet(bonnet=lambda g, m, S, e: 2 * va.bonnet_gradient(g, m, S, e)).passed
    assert not ch.check_price(price=lambda h, m, S, e: 2 * va.price_gradient(h, m, S, e)).passed
    assert not ch.check_sgvb(estimate=lambda x, m, v, s2, e: va.sgvb_estimate(x, m, v, s2, e) + 0.05).passed
    assert not ch.check_beta_vae(optimum=lambda x, s2, b: va.beta_vae_optimum(x, s2, 2 * b)).passed


def test_vae_sample_noise_and_gradients_in_log_v():
    x = va.vae_sample(lambda z: 0 * z, 40_000, 1, 0.5, G(1))
    assert float(x.var()) == pytest.approx(0.25, abs=0.01)
    # log p − log q at z = m + √v ε, differentiated in log v by hand
    x0, th, m, lv, s2, e = 1.2, 0.8, 0.3, math.log(0.5), 0.4, 1.0
    z = m + math.exp(lv / 2) * e
    dz = 0.5 * math.exp(lv / 2) * e
    expected = (-z + th * (x0 - th * z) / s2) * dz + 0.5
    assert float(va.linear_gaussian_gradients(x0, th, m, lv, s2, [e])[2][0]) == pytest.approx(expected, abs=1e-13)
