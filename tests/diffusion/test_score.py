"""edl.diffusion.score: noise and score, Tweedie, the mixture score, the VP-SDE both ways."""

import math

import pytest
import torch

from edl.diffusion import score as sc


def test_score_and_tweedie_are_consistent():
    x0, e, a = torch.tensor([0.7]), torch.tensor([0.3]), 0.6
    xt = math.sqrt(a) * x0 + math.sqrt(1 - a) * e
    # with the conditional score (a single known x0), Tweedie returns x0 exactly
    assert torch.allclose(sc.tweedie_mean(xt, sc.score_from_eps(e, a), a), x0, atol=1e-6)


def test_mixture_score_of_one_component_is_linear():
    x = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    assert torch.allclose(sc.mixture_score(x, [[0.0, 0.0]], 2.0), -x / 2)


def test_vp_moments_relax_to_one():
    m, v = sc.vp_moments(3.0, 4.0, 50.0)
    assert float(m) < 1e-9 and float(v) == pytest.approx(1.0)


def test_sde_paths_keep_shape_and_dtype():
    x = torch.zeros(7, dtype=torch.float32)
    y = sc.vp_sde_forward(x, lambda t: 1.0, 5, torch.Generator().manual_seed(0))
    z = sc.vp_sde_reverse(y, lambda x, t: -x, lambda t: 1.0, 5, torch.Generator().manual_seed(0))
    assert y.shape == z.shape == (7,) and z.dtype == torch.float32


@pytest.mark.parametrize("call, match", [
    (lambda: sc.score_from_eps([1.0], 1.0), "abar"),
    (lambda: sc.tweedie_mean([1.0], [1.0], 0.0), "abar"),
    (lambda: sc.mixture_score([1.0], [[0.0]], 1.0), "x"),
    (lambda: sc.mixture_score([[1.0]], [[0.0, 1.0]], 1.0), "means"),
    (lambda: sc.mixture_score([[1.0]], [[0.0]], 0.0), "var"),
    (lambda: sc.mixture_score([[1.0]], [[0.0], [1.0]], 1.0, [0.2, 0.2]), "weights"),
    (lambda: sc.vp_moments(0.0, -1.0, 1.0), "v0"),
    (lambda: sc.vp_sde_forward([0.0], lambda t: 1.0, 0, torch.Generator()), "steps"),
    (lambda: sc.vp_sde_reverse([0.0], lambda x, t: x, lambda t: 1.0, 3, None), "generator"),
    (lambda: sc.linear_beta(0.5, -1.0, 20.0), "beta_min"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
