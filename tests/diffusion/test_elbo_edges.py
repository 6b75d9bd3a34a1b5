"""edl.diffusion.elbo, edges: dtype rules, defaults, boundaries, refusals and small cases worked by hand."""

import math

import pytest
import torch
from scipy.stats import norm

from edl.diffusion import elbo as el

F32, F64 = torch.float32, torch.float64
MODEL = dict(alphas=[0.9, 0.7], a=[0.8, 0.6], b=[0.2, -0.1], s2=[0.1, 0.3])


def test_array_like_arguments_take_the_dtype_of_the_first_tensor():
    """Lists and numbers beside a float32 tensor become float32, so every result stays float32."""
    x = torch.tensor([1.0, -0.5], dtype=F32)
    mean, var = el.posterior(x, [0.5, 0.2], 2, [0.1, 0.2])
    assert mean.dtype == var.dtype == F32
    assert el.posterior_mean_from_eps(x, [0.5, 0.2], 2, [0.1, 0.2]).dtype == F32
    assert el.posterior_mean_from_eps(torch.tensor(1.0, dtype=F32), torch.tensor(0.5, dtype=F32), 2,
                                      [0.1, 0.2]).dtype == F32
    assert el.gaussian_kl(x, [1.0, 2.0], [0.0, 0.0], [2.0, 0.5]).dtype == F32
    assert el.gaussian_kl(torch.tensor(0.0, dtype=F32), 1.0, 1.0, 2.0).dtype == F32
    assert el.kl_equal_variance(x, [0.0, 0.0], 0.5).dtype == F32
    assert el.kl_equal_variance(x, torch.zeros(2, dtype=F32), 0.5).dtype == F32
    assert el.kl_constant(torch.tensor(1.0, dtype=F32), 2.0).dtype == F32
    assert el.eps_weight(torch.tensor([0.1, 0.2], dtype=F32), [0.1, 0.2]).dtype == F32
    terms = el.elbo_linear_gaussian(torch.tensor(1.3, dtype=F32), **MODEL)
    assert {k: v.dtype for k, v in terms.items()} == dict.fromkeys(("reconstruction", "prior", "denoising", "elbo"), F32)
    x0 = torch.zeros(2, 1, dtype=F32)
    zero = lambda xt, t: torch.zeros_like(xt)  # noqa: E731
    assert el.simple_loss(zero, x0, [1, 2], [[1.0], [0.5]], torch.tensor([0.9, 0.5], dtype=F32)).dtype == F32
    assert el.simple_loss(lambda xt, t: xt, x0, [1, 2], torch.ones(2, 1, dtype=F32), [0.9, 0.5]).dtype == F32
    assert el.gaussian_optimal_eps(torch.tensor(1.0, dtype=F32), 0.5, 0.0, 1.0).dtype == F32
    assert el.gaussian_min_simple_loss(torch.tensor(0.5, dtype=F32), 1.0).dtype == F32


def test_python_numbers_are_converted_in_the_dtype_of_the_data():
    """1e300 and 1e40 overflow, 1e-50 underflows in float32: refused beside float32 data, accepted beside float64."""
    x32 = torch.tensor(1.3, dtype=F32)
    g = torch.Generator
    with pytest.raises(ValueError, match=r"^prior_mean must be finite"):
        el.elbo_linear_gaussian(x32, **MODEL, prior_mean=1e300)
    with pytest.raises(ValueError, match=r"^prior_var must be positive"):
        el.elbo_linear_gaussian(x32, **MODEL, prior_var=1e-50)
    with pytest.raises(ValueError, match=r"^prior_mean must be finite"):
        el.elbo_samples_linear_gaussian(x32, **MODEL, n=2, generator=g().manual_seed(0), prior_mean=1e300)
    with pytest.raises(ValueError, match=r"^prior_var must be positive"):
        el.elbo_samples_linear_gaussian(x32, **MODEL, n=2, generator=g().manual_seed(0), prior_var=1e-50)
    with pytest.raises(ValueError, match=r"^v0 must be finite"):
        el.reverse_variance(1e40, torch.tensor([0.1], dtype=F32))
    assert math.isfinite(float(el.elbo_linear_gaussian(1.3, **MODEL, prior_mean=1e30)["prior"]))
    assert bool(torch.isfinite(el.reverse_variance(1e40, [0.1])).all())


def test_elbo_terms_by_name_add_up():
    terms = el.elbo_linear_gaussian(1.3, **MODEL)
    assert set(terms) == {"reconstruction", "prior", "denoising", "elbo"}
    assert float(terms["elbo"]) == pytest.approx(
        float(terms["reconstruction"] - terms["prior"] - terms["denoising"].sum()), rel=1e-12)
    assert terms["denoising"].shape == (1,)


def test_alphas_of_one_are_refused():
    with pytest.raises(ValueError, match=r"^alphas must lie in \(0\.0, 1\.0\)"):
        el.elbo_linear_gaussian(1.3, [1.0, 0.7], [0.8, 0.6], [0.2, -0.1], [0.1, 0.3])


def test_elbo_samples_of_one_step_by_scipy():
    """T = 1: log p(x_1) + log p_θ(x_0 | x_1) − log q(x_1 | x_0), x_1 = √α x0 + √(1 − α) z, z the seeded draws."""
    x0, al, a, b, s2, n = 1.3, 0.6, 0.8, 0.2, 0.3, 3
    draws = el.elbo_samples_linear_gaussian(x0, [al], [a], [b], [s2], n, torch.Generator().manual_seed(4))
    z = torch.randn(1, n, generator=torch.Generator().manual_seed(4), dtype=F64)[0].tolist()
    for d, zi in zip(draws.tolist(), z):
        x1 = math.sqrt(al) * x0 + math.sqrt(1 - al) * zi
        ref = (norm.logpdf(x1, 0.0, 1.0) + norm.logpdf(x0, a * x1 + b, math.sqrt(s2))
               - norm.logpdf(x1, math.sqrt(al) * x0, math.sqrt(1 - al)))
        assert d == pytest.approx(ref, rel=1e-12)


def test_elbo_samples_edges():
    """n = 1 is the smallest accepted size; in float16 the result stays float16."""
    one = el.elbo_samples_linear_gaussian(1.3, **MODEL, n=1, generator=torch.Generator().manual_seed(0))
    assert one.shape == (1,)
    half = el.elbo_samples_linear_gaussian(torch.tensor(1.3, dtype=torch.float16), **MODEL, n=2,
                                           generator=torch.Generator().manual_seed(0))
    assert half.dtype == torch.float16


def test_kl_constant_default_dimension_is_one():
    """d = 1 by default: ½(r − 1 − log r) with r = 1/2."""
    assert float(el.kl_constant(1.0, 2.0)) == pytest.approx(0.5 * (0.5 - 1 - math.log(0.5)), rel=1e-12)
    assert float(el.kl_constant(1.0, 2.0, 1)) == float(el.kl_constant(1.0, 2.0))


def test_zero_data_variance_is_accepted():
    """s2 = 0 (a point mass at m): ε* = (x − √ᾱ m)/√(1 − ᾱ) exactly, and the smallest loss is 0."""
    assert float(el.gaussian_optimal_eps(1.0, 0.36, 0.5, 0.0)) == pytest.approx((1.0 - 0.6 * 0.5) / 0.8, rel=1e-12)
    assert float(el.gaussian_min_simple_loss(0.36, 0.0)) == 0.0


def test_simple_loss_by_hand():
    """ε_θ(x_t) = x_t: x_t = √ᾱ_t x0 + √(1 − ᾱ_t) ε; rows (t=1: 0.8·1 + 0.6·0.5) and (t=2: 0.5·2 + √0.75·(−1))."""
    loss = el.simple_loss(lambda xt, t: xt, [[1.0], [2.0]], torch.tensor([1, 2]), [[0.5], [-1.0]], [0.64, 0.25])
    rows = [(0.5 - (0.8 + 0.3)) ** 2, (-1.0 - (1.0 - math.sqrt(0.75))) ** 2]
    assert float(loss) == pytest.approx(sum(rows) / 2, rel=1e-12)


@pytest.mark.parametrize("t", [[0, 1], [1, 3], [1], [1.0, 2.0]])
def test_simple_loss_refuses_bad_steps(t):
    with pytest.raises(ValueError, match=r"^t must be integer steps in 1\.\.2, one per row of x0"):
        el.simple_loss(lambda xt, tt: xt, [[1.0], [2.0]], t, [[0.5], [-1.0]], [0.64, 0.25])


def test_simple_loss_refuses_a_model_output_of_another_shape():
    """A (B,) output would broadcast against (B, 1) noise into a (B, B) loss without complaint."""
    with pytest.raises(ValueError, match=r"^eps_model must return a tensor of the shape of x_t \(2, 1\), got \(2,\)"):
        el.simple_loss(lambda xt, t: xt[:, 0], [[1.0], [2.0]], [1, 2], [[0.5], [-1.0]], [0.64, 0.25])
    with pytest.raises(ValueError, match=r"^eps_model must return a tensor of the shape of x_t \(2, 1\), got list"):
        el.simple_loss(lambda xt, t: [[0.0], [0.0]], [[1.0], [2.0]], [1, 2], [[0.5], [-1.0]], [0.64, 0.25])
