"""edl.diffusion.elbo: posterior, KLs, the ELBO decomposition and its Monte Carlo estimate, the simple loss."""

import math

import numpy as np
import pytest
import torch

from edl.diffusion import elbo as el
from edl.diffusion import forward as fw
from edl.diffusion.checks.elbo import CATALOGUE_MODEL, consistency_form, exact_elbo


def test_headline_numbers_of_the_elbo():
    """H10.3: decomposition −2.1972, Monte Carlo within its standard error, consistency form −2.630."""
    value = float(el.elbo_linear_gaussian(**CATALOGUE_MODEL)["elbo"])
    assert value == pytest.approx(-2.1972, abs=1e-4)
    draws = el.elbo_samples_linear_gaussian(**CATALOGUE_MODEL, n=400_000, generator=torch.Generator().manual_seed(0))
    assert abs(float(draws.mean()) - value) < 4 * float(draws.std()) / math.sqrt(draws.numel())
    assert float(consistency_form(**CATALOGUE_MODEL)["elbo"]) == pytest.approx(-2.630, abs=1e-3)
    assert value == pytest.approx(exact_elbo(**CATALOGUE_MODEL), abs=1e-12)


def test_posterior_at_t1_is_the_point_mass_and_variance_is_below_beta():
    betas = fw.linear_schedule(100, 1e-4, 0.1)
    c0, ct, var = el.posterior_coefficients(betas)
    assert float(c0[0]) == pytest.approx(1.0) and float(ct[0]) == 0.0 and float(var[0]) == 0.0
    assert bool((var[1:] < betas[1:]).all())


def test_kl_helpers():
    assert float(el.kl_equal_variance([1.0, 0.0], [0.0, 0.0], 0.5)) == pytest.approx(1.0)
    assert float(el.kl_constant(0.3, 0.3, 4)) == 0.0
    assert float(el.gaussian_kl(0.0, 1.0, 0.0, 1.0)) == 0.0


def test_reverse_variance_extremes():
    betas = fw.linear_schedule(50, 1e-3, 0.1)
    assert torch.allclose(el.reverse_variance(1.0, betas), betas, atol=1e-13)
    assert torch.allclose(el.reverse_variance(0.0, betas)[1:], el.posterior_coefficients(betas)[2][1:], atol=1e-13)


def test_simple_loss_is_zero_for_the_perfect_predictor_and_float32_stays_float32():
    x0, noise = torch.randn(8, 2), torch.randn(8, 2)
    t = torch.randint(1, 4, (8,))
    loss = el.simple_loss(lambda x, tt: noise, x0, t, noise, torch.tensor([0.9, 0.5, 0.1]))
    assert float(loss) == 0.0 and loss.dtype == torch.float32


@pytest.mark.parametrize("call, match", [
    (lambda: el.posterior([1.0], [1.0, 2.0], 2, [0.1, 0.2]), "x0 and xt"),
    (lambda: el.posterior([1.0], [1.0], 3, [0.1, 0.2]), "t must lie"),
    (lambda: el.posterior([1.0], [1.0], 0, [0.1, 0.2]), "t must be at least"),
    (lambda: el.posterior_mean_from_eps([1.0], [float("nan")], 1, [0.1]), "eps"),
    (lambda: el.gaussian_kl(0.0, -1.0, 0.0, 1.0), "var_q"),
    (lambda: el.kl_equal_variance([1.0], [1.0, 2.0], 1.0), "mu_q and mu_p"),
    (lambda: el.kl_constant(1.0, 1.0, 0), "d"),
    (lambda: el.eps_weight([0.1], 0.0), "sigma2"),
    (lambda: el.elbo_linear_gaussian([1.0, 2.0], [0.9], [1.0], [0.0], [0.1]), "x0"),
    (lambda: el.elbo_linear_gaussian(1.0, [0.9, 0.8], [1.0], [0.0], [0.1]), "alphas and a"),
    (lambda: el.elbo_linear_gaussian(1.0, [0.9], [1.0], [0.0], [-0.1]), "s2"),
    (lambda: el.elbo_samples_linear_gaussian(1.0, [0.9], [1.0], [0.0], [0.1], 0, torch.Generator()), "n"),
    (lambda: el.simple_loss(lambda x, t: x, [[0.0]], [0.5], [[0.0]], [0.5]), "t must be integer"),
    (lambda: el.gaussian_optimal_eps(1.0, 1.5, 0.0, 1.0), "abar"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
