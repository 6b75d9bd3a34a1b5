"""Edge cases of edl.generative.latent that its mutation run exposed: list arguments take the float32 of W (also
under a float64 default dtype), shape messages name W, fa_em's defaults and smallest iteration count, the scatter of
data far from the origin, and ppca_mle on a singular covariance."""

import math

import pytest
import torch

from edl.generative import latent as la

from tests.dtypes import under_float64_default

F32, F64 = torch.float32, torch.float64


def test_fa_posterior_list_x_and_mu_take_the_float32_of_w():
    """W = [[1]], Ψ = [1], x = 2: Σ = (1 + 1)⁻¹ = 1/2 and mean Σ·2 = 1 (the docstring example), in float32."""
    m, S = la.fa_posterior([2.0], [0.0], torch.tensor([[1.0]], dtype=F32), torch.tensor([1.0], dtype=F32))
    assert m.dtype == F32 and S.dtype == F32
    assert m.tolist() == [1.0] and S.tolist() == [[0.5]]


def test_fa_posterior_keeps_float32_under_a_float64_default():
    """The identity in Σ = (I + WᵀΨ⁻¹W)⁻¹ takes W's dtype, not the global default."""
    W, psi = torch.tensor([[1.0]], dtype=F32), torch.tensor([1.0], dtype=F32)
    x, mu = torch.tensor([2.0], dtype=F32), torch.zeros(1, dtype=F32)
    m, S = under_float64_default(lambda: la.fa_posterior(x, mu, W, psi))
    assert m.dtype == F32 and S.dtype == F32
    assert m.tolist() == [1.0] and S.tolist() == [[0.5]]


@pytest.mark.parametrize("fn", [la.fa_posterior, lambda x, mu, W, s: la.ppca_posterior(x, mu, W, 1.0)])
def test_posteriors_name_w_when_x_or_mu_has_the_wrong_length(fn):
    """x and mu must have one entry per row of W; the messages name the argument, W and the shapes."""
    W, psi = [[1.0], [2.0]], [1.0, 1.0]
    with pytest.raises(ValueError, match=r"^x must have shape \(2,\) to match W, got shape \(3,\)$"):
        fn([0.0, 0.0, 0.0], [0.0, 0.0], W, psi)
    with pytest.raises(ValueError, match=r"^mu must have shape \(2,\) to match W, got shape \(1,\)$"):
        fn([0.0, 0.0], [0.0], W, psi)


def test_ppca_posterior_list_x_and_mu_take_the_float32_of_w():
    """W = [[2], [0]], σ² = 1/2, x = (2, 0): M = 4.5, mean 4/4.5 and covariance 0.5/4.5, in float32."""
    m, S = la.ppca_posterior([2.0, 0.0], [0.0, 0.0], torch.tensor([[2.0], [0.0]], dtype=F32), 0.5)
    assert m.dtype == F32 and S.dtype == F32
    assert float(m[0]) == pytest.approx(4.0 / 4.5, rel=1e-6) and float(S[0, 0]) == pytest.approx(0.5 / 4.5, rel=1e-6)


def test_ppca_posterior_keeps_float32_under_a_float64_default():
    """The σ²I in M = WᵀW + σ²I takes W's dtype, not the global default."""
    W, x = torch.tensor([[2.0], [0.0]], dtype=F32), torch.tensor([2.0, 0.0], dtype=F32)
    m, S = under_float64_default(lambda: la.ppca_posterior(x, torch.zeros(2, dtype=F32), W, 0.5))
    assert m.dtype == F32 and S.dtype == F32
    assert float(m[0]) == pytest.approx(4.0 / 4.5, rel=1e-6)


X3 = [[1.0, 2.0], [-1.0, -2.0], [0.5, 0.0]]


def test_fa_em_runs_100_iterations_by_default():
    """Without iters the history holds 101 log-likelihoods (before each of 100 steps and after the last) and equals
    iters=100; iters=3 stops earlier, with a different fit."""
    default = la.fa_em(X3, [[1.0], [1.0]], [1.0, 1.0])
    explicit = la.fa_em(X3, [[1.0], [1.0]], [1.0, 1.0], iters=100)
    short = la.fa_em(X3, [[1.0], [1.0]], [1.0, 1.0], iters=3)
    assert default[3].shape == (101,) and short[3].shape == (4,)
    assert torch.allclose(default[3], explicit[3], rtol=0, atol=1e-12)
    assert torch.allclose(default[1], explicit[1], rtol=0, atol=1e-12)
    assert not torch.allclose(default[1], short[1], rtol=0, atol=1e-3)


def test_fa_em_one_iteration_is_allowed_and_zero_refused():
    """iters = 1 gives two log-likelihoods (before and after the step), the second not smaller; iters = 0 is refused."""
    _, _, _, ll = la.fa_em(X3, [[1.0], [1.0]], [1.0, 1.0], iters=1)
    assert ll.shape == (2,) and float(ll[1]) >= float(ll[0])
    with pytest.raises(ValueError, match=r"^iters must be at least 1, got 0$"):
        la.fa_em(X3, [[1.0], [1.0]], [1.0, 1.0], iters=0)


def test_fa_em_refuses_x_with_the_wrong_number_of_columns_first():
    """X with three columns for a W with two rows is refused for its shape, naming W, before iters is looked
    at."""
    with pytest.raises(ValueError, match=r"^X must have shape \(any, 2\) to match W \(one column per row of W\), "
                                         r"got shape \(1, 3\)$"):
        la.fa_em([[1.0, 2.0, 3.0]], [[1.0], [1.0]], [1.0, 1.0], iters=0)


def test_fa_em_list_x_takes_the_float32_of_w():
    """X as a list takes W's float32: the mean, loadings, noise and history are float32; the mean is the sample
    mean."""
    W, psi = torch.tensor([[1.0], [1.0]], dtype=F32), torch.tensor([1.0, 1.0], dtype=F32)
    mu, W, psi, ll = la.fa_em(X3, W, psi, iters=2)
    assert {t.dtype for t in (mu, W, psi, ll)} == {F32}
    assert mu.tolist() == pytest.approx([0.5 / 3, 0.0], abs=1e-7)


def test_fa_em_keeps_float32_under_a_float64_default():
    """The identity in E[zzᵀ] = I - βW + βSβᵀ takes W's dtype, not the global default: float32 in, float32 out."""
    W, psi = torch.tensor([[1.0], [1.0]], dtype=F32), torch.tensor([1.0, 1.0], dtype=F32)
    mu, W, psi, ll = under_float64_default(lambda: la.fa_em(torch.tensor(X3, dtype=F32), W, psi, iters=2))
    assert {t.dtype for t in (mu, W, psi, ll)} == {F32}
    assert bool((ll[1:] >= ll[:-1] - 1e-4).all())


def test_fa_em_fit_is_the_same_for_data_far_from_the_origin():
    """Translating the data by 1e8 moves the mean by 1e8 and leaves the fitted covariance WWᵀ + Ψ unchanged: the
    scatter is formed from centred rows on both sides (three rows, whose mean is not exact in binary)."""
    X = torch.tensor(X3, dtype=F64)
    shift = torch.tensor([1e8, -1e8], dtype=F64)
    mu0, W0, psi0, _ = la.fa_em(X, [[1.0], [1.0]], [1.0, 1.0], iters=5)
    mu1, W1, psi1, _ = la.fa_em(X + shift, [[1.0], [1.0]], [1.0, 1.0], iters=5)
    assert torch.allclose(mu1 - shift, mu0, rtol=0, atol=1e-6)
    C0, C1 = W0 @ W0.T + torch.diag(psi0), W1 @ W1.T + torch.diag(psi1)
    assert torch.allclose(C1, C0, rtol=0, atol=1e-5)


def test_ppca_mle_accepts_a_singular_covariance():
    """S = diag(4, 1, 0) is positive semi-definite, not definite, and allowed: σ² = (1 + 0)/2 and
    ρ₁ = √(4 - 1/2)."""
    W, s2 = la.ppca_mle(torch.diag(torch.tensor([4.0, 1.0, 0.0], dtype=F64)), 1)
    assert float(s2) == pytest.approx(0.5, abs=1e-15)
    assert W.abs()[:, 0].tolist() == pytest.approx([math.sqrt(3.5), 0.0, 0.0], abs=1e-12)


def test_ppca_mle_fixed_noise_keeps_the_float64_of_s():
    """A fixed sigma2 = 0.3 comes back as a float64 0.3 (not rounded through float32) and sets ρ₁ = √(5 - 0.3)."""
    W, s2 = la.ppca_mle(torch.diag(torch.tensor([5.0, 2.0, 1.0], dtype=F64)), 1, sigma2=0.3)
    assert s2.dtype == F64 and W.dtype == F64
    assert float(s2) == pytest.approx(0.3, abs=1e-15)
    assert float(W.abs()[0, 0]) == pytest.approx(math.sqrt(4.7), abs=1e-14)


def _positive_half(x, z):
    """p(x | z) = 1[z > 0]: its marginal is P(z > 0) = ½."""
    return torch.where(z > 0, 0.0, -math.inf).to(z.dtype)


def test_marginal_likelihood_uses_64_nodes_by_default():
    """The default equals nodes=64: 64 nodes lie symmetric about 0, none on it, so P(z > 0) = ½ exactly; 65 nodes
    put one node with positive weight at 0, which the indicator drops."""
    default = float(la.marginal_likelihood(_positive_half, 0.0))
    assert default == pytest.approx(0.5, abs=1e-12)
    assert default == pytest.approx(float(la.marginal_likelihood(_positive_half, 0.0, nodes=64)), abs=1e-15)
    assert float(la.marginal_likelihood(_positive_half, 0.0, nodes=65)) < 0.5 - 1e-3


def test_marginal_likelihood_works_in_the_float32_of_x():
    """For a float32 x the latent nodes handed to log_lik are float32, a float64 log_lik output is cast back, and
    the marginal of x | z ~ N(z, 1) at 0 is N(0; 0, 2), in float32."""
    seen = []

    def lik(x, z):
        seen.append(z.dtype)
        return (-0.5 * (x - z) ** 2 - 0.5 * math.log(2 * math.pi)).to(F64)

    p = la.marginal_likelihood(lik, torch.tensor(0.0, dtype=F32), nodes=16)
    assert seen == [F32] and p.dtype == F32
    assert float(p) == pytest.approx(1 / math.sqrt(4 * math.pi), rel=1e-5)


GMM = dict(weights=[0.5, 0.5], means=[[0.0], [0.0]], covs=[[[1.0]], [[1.0]]])


def test_gmm_list_parameters_take_the_float32_of_x():
    """weights, means and covs as lists take X's float32: two equal N(0, 1) components give log N(0; 0, 1)."""
    lp = la.gmm_log_density(torch.tensor([[0.0]], dtype=F32), **GMM)
    assert lp.dtype == F32 and float(lp[0]) == pytest.approx(-0.5 * math.log(2 * math.pi), rel=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    (dict(GMM, means=[[0.0, 0.0], [0.0, 0.0]]),
     r"^means must have shape \(any, 1\) to match X \(one column per feature\), got shape \(2, 2\)$"),
    (dict(GMM, weights=[0.2, 0.3, 0.5]),
     r"^weights must have shape \(2,\) to match means \(one weight per component\), got shape \(3,\)$"),
    (dict(GMM, covs=[[[1.0]]]), r"^covs must have shape \(2, 1, 1\) to match means and X, got shape \(1, 1, 1\)$"),
    (dict(GMM, covs=[[[1.0]], [[-1.0]]]), r"^covs\[1\] must be positive definite, got \[\[-1\.0\]\]$"),
])
def test_gmm_messages_name_the_source_of_each_shape(kwargs, message):
    """Each parameter of the wrong shape is refused naming where its shape comes from; every covariance is checked,
    also beyond the number of features (two components in one dimension)."""
    with pytest.raises(ValueError, match=message):
        la.gmm_log_density([[0.0]], **kwargs)


def test_gmm_em_defaults_and_smallest_settings():
    """50 iterations by default (51 log-likelihoods, as with iters=50); iters = 1 and ridge = 0 are allowed: one
    step from N(1, 1) on {0, 2} gives the exact variance 1."""
    args = ([[0.0], [2.0]], [1.0], [[1.0]], [[[1.0]]])
    assert la.gmm_em(*args)[3].shape == (51,) and la.gmm_em(*args, iters=50)[3].shape == (51,)
    _, mu, S, ll = la.gmm_em(*args, iters=1, ridge=0.0)
    assert ll.shape == (2,) and float(mu[0, 0]) == 1.0 and float(S[0, 0, 0]) == pytest.approx(1.0, abs=1e-15)


def test_gmm_em_keeps_float32_under_a_float64_default():
    """The ridge identity takes X's dtype, not the global default."""
    X = torch.tensor([[0.0], [2.0]], dtype=F32)
    pi, mu, S, ll = under_float64_default(lambda: la.gmm_em(X, [1.0], [[1.0]], [[[1.0]]], iters=2))
    assert {t.dtype for t in (pi, mu, S, ll)} == {F32}


def test_factor_analysis_list_arguments_take_the_float32_of_w():
    """psi, mu and X as lists take W's float32: WWᵀ + Ψ = [[1.5, 2], [2, 4.5]], and with W = 0, Ψ = I the
    log-likelihood of the origin is log N(0; 0, I₂) = -log 2π."""
    W32 = torch.tensor([[1.0], [2.0]], dtype=F32)
    C = la.fa_covariance(W32, [0.5, 0.5])
    assert C.dtype == F32 and C.tolist() == [[1.5, 2.0], [2.0, 4.5]]
    ll = la.fa_log_likelihood([[0.0, 0.0]], [0.0, 0.0], torch.zeros(2, 1, dtype=F32), [1.0, 1.0])
    assert ll.dtype == F32 and float(ll) == pytest.approx(-math.log(2 * math.pi), rel=1e-6)
    x = la.fa_sample(3, [0.0, 0.0], W32, [0.5, 0.5], torch.Generator().manual_seed(0))
    assert x.dtype == F32 and x.shape == (3, 2)


@pytest.mark.parametrize("call, message", [
    (lambda: la.fa_covariance([[1.0], [2.0]], [0.5]),
     r"^psi must have shape \(2,\) to match W \(one noise variance per row of W\), got shape \(1,\)$"),
    (lambda: la.fa_log_likelihood([[0.0, 0.0, 0.0]], [0.0, 0.0], [[1.0], [2.0]], [0.5, 0.5]),
     r"^X must have shape \(any, 2\) to match W \(one column per row of W\), got shape \(1, 3\)$"),
    (lambda: la.fa_log_likelihood([[0.0, 0.0]], [0.0], [[1.0], [2.0]], [0.5, 0.5]),
     r"^mu must have shape \(2,\) to match W, got shape \(1,\)$"),
    (lambda: la.fa_sample(2, [0.0], [[1.0], [2.0]], [0.5, 0.5], torch.Generator().manual_seed(0)),
     r"^mu must have shape \(2,\) to match W, got shape \(1,\)$"),
])
def test_factor_analysis_messages_name_w(call, message):
    """psi, X and mu of the wrong size are refused naming W as the source of the expected shape."""
    with pytest.raises(ValueError, match=message):
        call()


def test_fa_sample_is_mean_plus_loadings_times_factors_plus_scaled_noise():
    """One draw (n = 1 is allowed): x = μ + Wz + √ψ η with z and then η the generator's float64 standard normals,
    both added (a sign flip would keep the distribution but not the draw)."""
    x = la.fa_sample(1, [1.0, -1.0], [[1.0], [0.5]], [0.25, 4.0], torch.Generator().manual_seed(5))
    g = torch.Generator().manual_seed(5)
    z, eta = torch.randn(1, 1, generator=g, dtype=F64), torch.randn(1, 2, generator=g, dtype=F64)
    expected = torch.tensor([1.0, -1.0], dtype=F64) + z * torch.tensor([1.0, 0.5], dtype=F64) \
        + eta * torch.tensor([0.5, 2.0], dtype=F64)
    assert x.shape == (1, 2) and torch.allclose(x, expected, rtol=0, atol=1e-14)


def test_gmm_list_means_are_read_in_the_float32_of_x():
    """means given as a list are converted to X's float32 like X itself: 2²⁴ + 1 rounds to 2²⁴ in float32, so the
    point X = 2²⁴ sits on the mean and the log-density is log N(0; 0, 1)."""
    X = torch.tensor([[2.0**24]], dtype=F32)
    lp = la.gmm_log_density(X, [0.5, 0.5], [[2.0**24 + 1], [2.0**24 + 1]], [[[1.0]], [[1.0]]])
    assert lp.dtype == F32 and float(lp[0]) == pytest.approx(-0.5 * math.log(2 * math.pi), rel=1e-6)
