"""Edge cases of edl.generative.vae that its mutation run exposed: list arguments take the float32 of the first
tensor, the messages name the argument and its shape, a decoder's own dtype is cast to x's, noise enters with a plus
sign, and a variance where the normalising constant's logarithm vanishes."""

import math

import pytest
import scipy.stats
import torch

from edl.generative import vae as va

F32, F64 = torch.float32, torch.float64
HALF_LOG2PI = 0.5 * math.log(2 * math.pi)


def test_encoder_log_q_list_mean_and_log_sigma_take_the_float32_of_z():
    """mu and log_sigma as lists take z's float32: log q = -½·0.5² - ½ log 2π at z = 0.5, μ = 0, σ = 1."""
    lq = va.encoder_log_q(torch.tensor([0.5], dtype=F32), [0.0], [0.0])
    assert lq.dtype == F32
    assert float(lq) == pytest.approx(-0.125 - HALF_LOG2PI, rel=1e-6)


def test_encoder_log_q_messages_name_z_and_its_shape():
    """A scalar z has no latent axis; a log_sigma that does not broadcast to z is refused naming z's shape."""
    with pytest.raises(ValueError, match=r"^z must have at least 1 dimension\(s\), got shape \(\)$"):
        va.encoder_log_q(0.5, 0.0, 0.0)
    with pytest.raises(ValueError, match=r"^log_sigma must broadcast to z's shape \(2,\), got shape \(3,\)$"):
        va.encoder_log_q([0.5, 1.0], 0.0, [0.0, 0.0, 0.0])


def test_linear_gaussian_gradients_at_the_variance_where_the_log_constant_vanishes():
    """s2 = 1/(4π²), where log(4π²s²) = 0, is a variance like any other: ∂θ = (x - θz)z/s²,
    ∂m = -z + θ(x - θz)/s², ∂log v = ∂m·½√v·ε + ½, worked by hand at z = m + √v ε."""
    x, th, m, lv, e = 1.2, 0.8, 0.3, math.log(0.5), 1.0
    s2 = 1 / (4 * math.pi**2)
    z = m + math.exp(lv / 2) * e
    gt, gm, gl = va.linear_gaussian_gradients(x, th, m, lv, s2, [e])
    dm = -z + th * (x - th * z) / s2
    assert float(gt[0]) == pytest.approx((x - th * z) * z / s2, rel=1e-12)
    assert float(gm[0]) == pytest.approx(dm, rel=1e-12)
    assert float(gl[0]) == pytest.approx(dm * 0.5 * math.exp(lv / 2) * e + 0.5, rel=1e-12)


def test_mc_reconstruction_feeds_a_float32_decoder_float32_latents():
    """mu, sigma and eps as lists take x's float32, so a float32 torch.nn.Linear decoder (x̂ = 2z) accepts the
    latents z = μ + σε = 1.5 and 0.5: errors 9 and 1 at x = 0, mean 5, value -5/2 - ½ log 2π."""
    dec = torch.nn.Linear(1, 1, bias=False)
    with torch.no_grad():
        dec.weight.fill_(2.0)
    val = va.mc_reconstruction(torch.tensor([0.0], dtype=F32), dec, [0.5], [1.0], 1.0, [[1.0], [0.0]])
    assert val.dtype == F32
    assert float(val.detach()) == pytest.approx(-2.5 - HALF_LOG2PI, rel=1e-6)


def test_mc_reconstruction_adds_the_scaled_noise_to_the_mean():
    """z = μ + σε (not μ - σε): μ = 0.5, σ = 2, ε = 1 gives z = 2.5, and x = 0 with x̂ = z: -2.5²/2 - ½ log 2π."""
    val = va.mc_reconstruction([0.0], lambda z: z, [0.5], [2.0], 1.0, [[1.0]])
    assert float(val) == pytest.approx(-3.125 - HALF_LOG2PI, abs=1e-14)


def test_mc_reconstruction_casts_the_decoder_output_to_the_dtype_of_x():
    """A decoder returning float64 for a float32 x gives a float32 reconstruction term (x̂ = 0 at x = 1:
    -½ - ½ log 2π)."""
    val = va.mc_reconstruction(torch.tensor([1.0], dtype=F32), lambda z: torch.zeros(z.shape, dtype=F64),
                               [0.0], [1.0], 1.0, [[0.3]])
    assert val.dtype == F32
    assert float(val) == pytest.approx(-0.5 - HALF_LOG2PI, rel=1e-6)


def test_mc_reconstruction_messages_name_mu_and_the_expected_decoder_shape():
    """eps without a sample axis is refused naming mu; a decoder output of the wrong width is refused naming the
    expected (..., K, d) shape, here (2, 3, 2) for eps (2, 3, 1) and x of length 2."""
    with pytest.raises(ValueError, match=r"^eps must have shape \(\.\.\., any, 2\) to match mu, "
                                         r"got shape \(3,\)$"):
        va.mc_reconstruction([0.0], lambda z: z, [0.0, 0.0], [1.0, 1.0], 1.0, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^decoder_mean must return one mean per coordinate of x, "
                                         r"shape \(2, 3, 2\), got \(2, 3, 1\)$"):
        va.mc_reconstruction([0.0, 1.0], lambda z: z, [0.0], [1.0], 1.0, torch.zeros(2, 3, 1, dtype=F64))


def test_hvae_elbo_samples_refuses_eps_without_two_columns():
    """eps holds one (ε₁, ε₂) pair per sample: three columns are refused."""
    with pytest.raises(ValueError, match=r"^eps must have shape \(any, 2\), got shape \(1, 3\)$"):
        va.hvae_elbo_samples(0.0, [[0.0, 0.0, 0.0]], 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0)


def test_hvae_elbo_samples_with_nonzero_noise_against_scipy():
    """x = 1, c = ½, t₁ = ¼, d = 1, t₂ = 1, ε = (1, 1): z₁ = ½ + ½·1 = 1, z₂ = 1 + 1 = 2; each term from
    scipy's normal log-densities."""
    t = va.hvae_elbo_samples(1.0, [[1.0, 1.0]], 1.0, 1.0, 1.0, 1.0, 0.5, 0.25, 1.0, 1.0)[0]
    lpdf = scipy.stats.norm.logpdf
    expected = [lpdf(1.0, 1.0, 1.0), lpdf(1.0, 2.0, 1.0) - lpdf(1.0, 0.5, 0.5),
                lpdf(2.0, 0.0, 1.0) - lpdf(2.0, 1.0, 1.0)]
    assert t.tolist() == pytest.approx(expected, abs=1e-13)


def test_gaussian_logistic_list_mu1_and_sigma_take_the_float32_of_mu0():
    """mu1 and Sigma as lists take mu0's float32: μ₀ = 0, μ₁ = (2, 0), Σ = I give w = (2, 0), b = -2."""
    w, b = va.gaussian_logistic(torch.tensor([0.0, 0.0], dtype=F32), [2.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])
    assert w.dtype == F32 and b.dtype == F32
    assert w.tolist() == [2.0, 0.0] and float(b) == -2.0


def test_gaussian_logistic_messages_name_sigma_and_mu0():
    """A Σ of the wrong size names mu0; an indefinite Σ is refused by name with its entries."""
    with pytest.raises(ValueError, match=r"^Sigma must have shape \(2, 2\) to match mu0, got shape \(3, 3\)$"):
        va.gaussian_logistic([0.0, 0.0], [1.0, 0.0], torch.eye(3, dtype=F64))
    with pytest.raises(ValueError, match=r"^Sigma must be positive definite, got \[\[1\.0, 2\.0\], \[2\.0, 1\.0\]\]$"):
        va.gaussian_logistic([0.0, 0.0], [1.0, 0.0], [[1.0, 2.0], [2.0, 1.0]])


def test_vae_sample_is_the_decoder_mean_plus_sigma_times_the_generator_noise():
    """One draw (n = 1 is allowed): z and then ε are the generator's float64 standard normals, x = F(z) + σε with
    the noise added (a sign flip keeps the distribution but not the draw)."""
    x = va.vae_sample(lambda z: 2 * z, 1, 1, 0.5, torch.Generator().manual_seed(7))
    g = torch.Generator().manual_seed(7)
    z = torch.randn(1, 1, generator=g, dtype=F64)
    eps = torch.randn(1, 1, generator=g, dtype=F64)
    assert x.dtype == F64 and torch.allclose(x, 2 * z + 0.5 * eps, rtol=0, atol=1e-15)


def test_vae_sample_refuses_a_decoder_without_a_feature_axis():
    """A decoder returning (n,) instead of (n, d) is refused, naming the expected shape and the one returned."""
    with pytest.raises(ValueError, match=r"^decoder must return one row per latent, shape \(3, d\), got \(3,\)$"):
        va.vae_sample(lambda z: z[:, 0], 3, 1, 0.5, torch.Generator().manual_seed(0))


def test_closed_forms_list_arguments_take_the_float32_of_the_first_tensor():
    """Lists take the float32 of x (ELBO, decoder), mu (KL, reparameterisation): the values of the docstrings."""
    x32 = torch.tensor(1.3, dtype=F32)
    elbo = va.conjugate_elbo(x32, [1.04], [0.2], 0.25)
    assert elbo.dtype == F32 and float(elbo) == pytest.approx(float(va.conjugate_log_evidence(1.3, 0.25)), rel=1e-6)
    kl = va.kl_to_standard_normal(torch.tensor([1.0, 0.0], dtype=F32), [1.0, 1.0])
    assert kl.dtype == F32 and float(kl) == 0.5
    ll = va.gaussian_decoder_log_lik(torch.tensor([1.0, 0.0], dtype=F32), [0.0, 0.0], 1.0)
    assert ll.dtype == F32 and float(ll) == pytest.approx(-0.5 - math.log(2 * math.pi), rel=1e-6)
    z = va.reparameterize(torch.tensor([1.0, 0.0], dtype=F32), [2.0, 1.0], [[0.5, -1.0]])
    assert z.dtype == F32 and z.tolist() == [[2.0, -1.0]]


@pytest.mark.parametrize("x, m, v, shapes", [
    ([0.0, 1.0], [0.0, 1.0, 2.0], 1.0, r"x \(2,\), m \(3,\), v \(\)"),
    ([0.0, 1.0], 0.0, [1.0, 1.0, 1.0], r"x \(2,\), m \(\), v \(3,\)"),
    (0.0, [0.0, 1.0], [1.0, 1.0, 1.0], r"x \(\), m \(2,\), v \(3,\)"),
])
def test_conjugate_elbo_names_all_three_shapes_that_do_not_broadcast(x, m, v, shapes):
    """Any two of x, m, v that do not broadcast are refused with a ValueError naming all three shapes."""
    with pytest.raises(ValueError, match=r"^x and m and v must broadcast together, got shapes " + shapes + "$"):
        va.conjugate_elbo(x, m, v, 0.25)


def test_reparameterize_names_mu_when_eps_has_the_wrong_width():
    """eps must end in one entry per coordinate of mu."""
    with pytest.raises(ValueError, match=r"^eps must have shape \(\.\.\., 2\) to match mu, got shape \(3,\)$"):
        va.reparameterize([1.0, 0.0], [2.0, 1.0], [0.5, -1.0, 0.0])


@pytest.mark.parametrize("estimator", [va.reparam_gradient, va.score_function_gradient])
def test_gradient_estimators_list_arguments_take_the_float32_of_mu(estimator):
    """sigma and eps as lists take mu's float32, and a float64 f value is cast to it (the docstring examples:
    f = z², μ = σ = 1, ε = ½)."""
    gm, gs = estimator(lambda z: (z**2).sum(-1).to(F64), torch.tensor([1.0], dtype=F32), [1.0], [[0.5]])
    assert gm.dtype == F32 and gs.dtype == F32
    expected = ([[3.0]], [[1.5]]) if estimator is va.reparam_gradient else ([[1.125]], [[-1.6875]])
    assert (gm.tolist(), gs.tolist()) == expected


@pytest.mark.parametrize("estimator", [va.reparam_gradient, va.score_function_gradient])
def test_gradient_estimators_name_mu_when_eps_has_the_wrong_width(estimator):
    """eps must have one column per coordinate of mu."""
    with pytest.raises(ValueError, match=r"^eps must have shape \(any, 1\) to match mu, got shape \(1, 2\)$"):
        estimator(lambda z: (z**2).sum(-1), [1.0], [1.0], [[0.5, 0.5]])


def test_gradient_estimators_name_what_f_returned():
    """f must return K values: a (K, 1) tensor and a list are refused naming the shape or type received."""
    with pytest.raises(ValueError, match=r"^f must map \(K, d\) latents to K values, got shape \(1, 1\)$"):
        va.score_function_gradient(lambda z: z**2, [1.0], [1.0], [[0.5]])
    with pytest.raises(ValueError, match=r"^f must map \(K, d\) latents to K values, got torch\.Size\(\[1, 1\]\)$"):
        va.reparam_gradient(lambda z: z**2, [1.0], [1.0], [[0.5]])
    with pytest.raises(ValueError, match=r"^f must map \(K, d\) latents to K values, got <class 'list'>$"):
        va.reparam_gradient(lambda z: [1.0], [1.0], [1.0], [[0.5]])


def test_bonnet_and_price_keep_the_float32_of_mu():
    """Sigma and eps as lists take mu's float32 and float64 gradients and Hessians are cast to it: z = 1 + 2·½ = 2
    with ∇f = 2z, and ½·H = 1 for H = 2."""
    mu = torch.tensor([1.0], dtype=F32)
    g = va.bonnet_gradient(lambda z: (2 * z).to(F64), mu, [[4.0]], [[0.5]])
    assert g.dtype == F32 and g.tolist() == [[4.0]]
    H = va.price_gradient(lambda z: torch.full((len(z), 1, 1), 2.0, dtype=F64), mu, [[4.0]], [[0.5]])
    assert H.dtype == F32 and H.tolist() == [[[1.0]]]


def test_bonnet_and_price_messages():
    """An indefinite Sigma is refused by name, eps of the wrong width names mu, and a Hessian batch of the wrong
    shape names the expected (K, d, d)."""
    with pytest.raises(ValueError, match=r"^Sigma must be positive definite, got \[\[-1\.0\]\]$"):
        va.bonnet_gradient(lambda z: 2 * z, [0.0], [[-1.0]], [[0.5]])
    with pytest.raises(ValueError, match=r"^eps must have shape \(any, 1\) to match mu, got shape \(1, 2\)$"):
        va.bonnet_gradient(lambda z: 2 * z, [0.0], [[1.0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"^hess_f must return one Hessian per draw, shape \(1, 1, 1\), got \(1, 1\)$"):
        va.price_gradient(lambda z: torch.ones(1, 1, dtype=z.dtype), [0.0], [[1.0]], [[0.5]])


def test_sgvb_estimate_off_the_posterior_against_scipy():
    """For q = N(0.4, 0.3) (not the posterior) each estimate is log p(z) + log p(x | z) - log q(z) at
    z = m + √v ε, from scipy's normal log-densities."""
    x, m, v, s2, eps = 1.3, 0.4, 0.3, 0.25, [0.7, -2.0]
    est = va.sgvb_estimate(x, m, v, s2, eps)
    lpdf = scipy.stats.norm.logpdf
    zs = [m + math.sqrt(v) * e for e in eps]
    expected = [lpdf(z) + lpdf(x, z, math.sqrt(s2)) - lpdf(z, m, math.sqrt(v)) for z in zs]
    assert est.tolist() == pytest.approx(expected, abs=1e-12)


def test_beta_vae_objective_allows_beta_zero():
    """β = 0 drops the KL term: the objective is the expected reconstruction -½ log 2πs² - ((x - m)² + v)/(2s²)."""
    val = va.beta_vae_objective(1.3, 0.4, 0.3, 0.25, 0.0)
    assert float(val) == pytest.approx(-0.5 * math.log(2 * math.pi * 0.25) - (0.81 + 0.3) / 0.5, abs=1e-14)


@pytest.mark.parametrize("estimator", [va.reparam_gradient, va.score_function_gradient])
def test_gradient_estimators_hand_f_latents_in_the_float32_of_mu(estimator):
    """eps as a list takes mu's float32, so f sees float32 latents z = μ + σε (a float32 network would refuse
    float64 ones)."""
    seen = []

    def f(z):
        seen.append(z.dtype)
        return (z**2).sum(-1)

    estimator(f, torch.tensor([1.0], dtype=F32), torch.tensor([1.0], dtype=F32), [[0.5]])
    assert seen == [F32]
