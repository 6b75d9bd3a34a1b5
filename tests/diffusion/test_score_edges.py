"""edl.diffusion.score, edges: dtype rules, defaults, boundaries and one Euler–Maruyama step worked by hand."""

import math

import pytest
import torch

from edl.diffusion import score as sc

F32, F64 = torch.float32, torch.float64


def test_array_like_arguments_take_the_dtype_of_the_first_tensor():
    """Lists beside a float32 tensor become float32, so the result stays float32 (float64 lists would promote it)."""
    e = torch.tensor([1.0, -0.5], dtype=F32)
    assert sc.score_from_eps(e, [0.75, 0.5]).dtype == F32
    assert sc.tweedie_mean(e, [-1.0, 0.5], 0.5).dtype == F32
    assert sc.tweedie_mean(e, e, [0.5, 0.25]).dtype == F32
    x = torch.tensor([[0.5, 0.0]], dtype=F32)
    assert sc.mixture_score(x, [[0.0, 0.0], [1.0, 1.0]], 1.0).dtype == F32
    assert sc.mixture_score(x, torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=F32), 1.0, [0.3, 0.7]).dtype == F32
    m, v = sc.vp_moments(e, [0.25, 0.5], 1.0)
    assert m.dtype == v.dtype == F32
    m, v = sc.vp_moments(e, 0.25, [1.0, 2.0])
    assert m.dtype == v.dtype == F32


def test_mixture_var_is_converted_in_the_dtype_of_x():
    """var = 1e-50 underflows to 0 in float32: refused beside float32 points, accepted beside float64 ones."""
    with pytest.raises(ValueError, match=r"^var must be positive"):
        sc.mixture_score(torch.zeros(1, 1, dtype=F32), [[0.0]], 1e-50)
    assert float(sc.mixture_score(torch.zeros(1, 1, dtype=F64), [[0.0]], 1e-50)) == 0.0


def test_mixture_score_of_two_components_by_hand():
    """Weights w, means ±1, v = 1 at x = 0.5: r_k ∝ w_k exp(−(x − μ_k)²/2), score = Σ r_k (μ_k − x)."""
    for w in (None, [0.3, 0.7]):
        wk = [0.5, 0.5] if w is None else w
        lik = [wk[0] * math.exp(-(0.5 + 1) ** 2 / 2), wk[1] * math.exp(-(0.5 - 1) ** 2 / 2)]
        ref = (lik[0] * (-1 - 0.5) + lik[1] * (1 - 0.5)) / sum(lik)
        assert float(sc.mixture_score([[0.5]], [[-1.0], [1.0]], 1.0, w)) == pytest.approx(ref, rel=1e-12)


def test_mixture_weights_message_counts_the_rows_of_means():
    with pytest.raises(ValueError, match=r"^weights must have shape \(2,\), one per row of means, got \(3,\)"):
        sc.mixture_score([[0.0, 0.0, 0.0]], [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], 1.0, [0.2, 0.3, 0.5])


def test_vp_moments_accept_zero_variance_and_zero_time():
    """v0 = 0 (a point mass) and B = 0 (no time elapsed) lie on the closed boundaries: m_0 and v_0 come back."""
    m, v = sc.vp_moments(2.0, 0.0, 0.0)
    assert (float(m), float(v)) == (2.0, 0.0)
    m, v = sc.vp_moments(2.0, 0.0, math.log(4.0))
    assert (float(m), float(v)) == pytest.approx((1.0, 0.75), rel=1e-12)


def test_one_forward_euler_step_by_hand():
    """steps = 1 on [0, t_end]: x1 = x0 − ½β(0)x0·t_end + √(β(0)t_end)·z, z the generator's first float64 draw."""
    x0 = torch.tensor([1.0, -2.0, 0.5], dtype=F64)
    z = torch.randn(3, generator=torch.Generator().manual_seed(7), dtype=F64)
    for t_end in (1.0, 0.5):
        x1 = sc.vp_sde_forward(x0, lambda t: 2.0, 1, torch.Generator().manual_seed(7), t_end=t_end)
        assert torch.allclose(x1, x0 - x0 * t_end + math.sqrt(2.0 * t_end) * z, rtol=1e-14, atol=1e-15)
    default = sc.vp_sde_forward(x0, lambda t: 2.0, 4, torch.Generator().manual_seed(7))
    assert torch.equal(default, sc.vp_sde_forward(x0, lambda t: 2.0, 4, torch.Generator().manual_seed(7), t_end=1.0))


def test_one_reverse_euler_step_by_hand():
    """steps = 1 from t_end: x0 = xT + (½β xT + β·score(xT, t_end))·t_end + √(β t_end)·z."""
    xT = torch.tensor([1.0, -2.0, 0.5], dtype=F64)
    z = torch.randn(3, generator=torch.Generator().manual_seed(9), dtype=F64)
    seen = []

    def score(x, t):
        seen.append(t)
        return -2.0 * x

    for t_end in (1.0, 0.5):
        x0 = sc.vp_sde_reverse(xT, score, lambda t: 2.0, 1, torch.Generator().manual_seed(9), t_end=t_end)
        assert torch.allclose(x0, xT + (xT - 4.0 * xT) * t_end + math.sqrt(2.0 * t_end) * z, rtol=1e-14, atol=1e-15)
    assert seen == [1.0, 0.5]
    default = sc.vp_sde_reverse(xT, score, lambda t: 2.0, 4, torch.Generator().manual_seed(9))
    assert torch.equal(default, sc.vp_sde_reverse(xT, score, lambda t: 2.0, 4, torch.Generator().manual_seed(9),
                                                  t_end=1.0))
