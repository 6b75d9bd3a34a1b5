"""Tests of edl.generative.gan_metrics that pin what its mutants change: list arguments take the dtype of
the first tensor, shape and broadcast messages name their source, the support of the Lipschitz IPM
must increase strictly, and the 0 log 0 guard of the log IPM holds for values and gradients."""

import math

import pytest
import torch

from edl.generative import gan_metrics as gm

D, F32 = torch.float64, torch.float32


# --- ipm --------------------------------------------------------------------------------------------------------------

def test_ipm_reads_list_q_and_support_in_the_dtype_of_p():
    """float32 p makes a list q (and a list support) float32: the docstring's [2, 3, 2 log 2] in float32."""
    p = torch.tensor([1.0, 0.0], dtype=F32)
    sup, lip, log = (gm.ipm(p, [0.0, 1.0], k, [0.0, 3.0]) for k in ("sup", "lipschitz", "log"))
    assert (sup.dtype, lip.dtype, log.dtype) == (F32, F32, F32)
    assert float(sup) == 2.0 and float(lip) == 3.0 and float(log) == pytest.approx(2 * math.log(2), rel=1e-6)


def test_ipm_lipschitz_reads_a_list_support_in_the_dtype_of_p():
    """Only the support is a list here: W1 between δ at 0 and δ at 3 is 3, in float32."""
    p, q = torch.tensor([1.0, 0.0], dtype=F32), torch.tensor([0.0, 1.0], dtype=F32)
    out = gm.ipm(p, q, "lipschitz", [0.0, 3.0])
    assert out.dtype == F32 and float(out) == 3.0


def test_ipm_q_of_another_length_is_refused_naming_p():
    """q needs one mass per atom of p, even when it could broadcast (length 1)."""
    with pytest.raises(ValueError, match=r"^q must have shape \(2,\) to match p, got shape \(3,\)$"):
        gm.ipm([0.5, 0.5], [0.2, 0.3, 0.5], "sup")
    with pytest.raises(ValueError, match=r"^q must have shape \(2,\) to match p, got shape \(1,\)$"):
        gm.ipm([0.5, 0.5], [1.0], "sup")


def test_ipm_support_of_another_length_is_refused_naming_p():
    """The support needs one position per atom of p, even a broadcastable single one."""
    with pytest.raises(ValueError, match=r"^support must have shape \(2,\) to match p, got shape \(3,\)$"):
        gm.ipm([1.0, 0.0], [0.0, 1.0], "lipschitz", [0.0, 1.0, 2.0])
    with pytest.raises(ValueError, match=r"^support must have shape \(2,\) to match p, got shape \(1,\)$"):
        gm.ipm([1.0, 0.0], [0.0, 1.0], "lipschitz", [0.0])


def test_ipm_lipschitz_without_support_names_the_missing_argument():
    """kind 'lipschitz' needs the atoms' positions: the full message."""
    with pytest.raises(ValueError, match=r"^support must give the atoms' positions for kind 'lipschitz', got None$"):
        gm.ipm([1.0, 0.0], [0.0, 1.0], "lipschitz")


def test_ipm_lipschitz_refuses_a_repeated_position():
    """Two atoms at the same place are not a strictly increasing support."""
    with pytest.raises(ValueError, match=r"^support must be strictly increasing, got \[0.0, 1.0, 1.0\]$"):
        gm.ipm([0.5, 0.5, 0.0], [0.0, 0.5, 0.5], "lipschitz", [0.0, 1.0, 1.0])


def test_ipm_log_with_an_atom_empty_under_both():
    """An atom with p = q = 0 adds nothing (0 log 0 = 0 even where m = 0): disjoint halves give 2 log 2."""
    out = gm.ipm([1.0, 0.0, 0.0], [0.0, 1.0, 0.0], "log")
    assert math.isfinite(float(out)) and float(out) == pytest.approx(2 * math.log(2), abs=1e-15)


def test_ipm_log_gradient_is_finite_where_p_vanishes():
    """Autograd through the 0 log 0 guard: at an atom with p = 0 < q no NaN; elsewhere ∂/∂p_i = log(p_i / m_i).

    With m = (p + q)/2, ∂/∂p_i [p_i log(p_i/m_i) + q_i log(q_i/m_i)] = log(p_i/m_i); at p_i = 0 only the q term
    is left, q_i log(q_i/m_i), whose derivative is −q_i/(2 m_i) = −1.
    """
    p = torch.tensor([0.0, 0.5, 0.5], dtype=D, requires_grad=True)
    q = torch.tensor([0.5, 0.25, 0.25], dtype=D)
    gm.ipm(p, q, "log").backward()
    m = 0.5 * (p.detach() + q)
    assert torch.isfinite(p.grad).all()
    assert p.grad[1:].tolist() == pytest.approx(torch.log(p.detach()[1:] / m[1:]).tolist(), abs=1e-12)
    assert float(p.grad[0]) == pytest.approx(-1.0, abs=1e-12)


# --- linear_critic_gap, virtual_batch_norm ----------------------------------------------------------------------------

def test_linear_critic_gap_reads_a_list_x_fake_in_the_dtype_of_x_data():
    """float32 data make list fakes float32: the means (1, 1) and (0, 1) are 1 apart."""
    out = gm.linear_critic_gap(torch.tensor([[0.0, 0.0], [2.0, 2.0]], dtype=F32), [[0.0, 1.0]])
    assert out.dtype == F32 and float(out) == 1.0


def test_virtual_batch_norm_keeps_float32_with_list_reference_gamma_and_beta():
    """float32 x makes a list reference and list gamma, beta float32: the unit test's 2-row example in float32."""
    x = torch.tensor([[1.0], [3.0]], dtype=F32)
    out = gm.virtual_batch_norm(x, [[-1.0], [1.0]], gamma=[2.0], beta=[0.5], eps=0.0)
    assert out.dtype == F32
    want = [2 * (2 / 3) / math.sqrt(8 / 9) + 0.5, 2 * 2 / math.sqrt(8 / 3) + 0.5]
    assert out[:, 0].tolist() == pytest.approx(want, rel=1e-6)


@pytest.mark.parametrize("which", ["reference", "gamma", "beta"])
def test_virtual_batch_norm_keeps_float32_with_one_list_argument(which):
    """One list argument at a time with float32 x: the output stays float32 (x = 1 against {−1}: 1).

    gamma and beta are given per feature, shape (1,): a 0-dim tensor would not take part in type promotion.
    """
    args = {"reference": torch.tensor([[-1.0]], dtype=F32), "gamma": torch.tensor([1.0], dtype=F32),
            "beta": torch.tensor([0.0], dtype=F32)}
    args[which] = {"reference": [[-1.0]], "gamma": [1.0], "beta": [0.0]}[which]
    out = gm.virtual_batch_norm(torch.tensor([[1.0]], dtype=F32), args["reference"], gamma=args["gamma"],
                                beta=args["beta"], eps=0.0)
    assert out.dtype == F32 and out.tolist() == [[1.0]]


def test_virtual_batch_norm_takes_per_feature_gamma_and_beta():
    """gamma, beta of shape (d,) scale and shift each feature; feature 1 is the unit test's x = 1 case.

    Rows {−1, 1}: x = 1 gives (1 − 1/3)/√(8/9) = 1/√2 in both features; times (1, 3) plus (0, −1).
    """
    out = gm.virtual_batch_norm([[1.0, 1.0]], [[-1.0, -1.0], [1.0, 1.0]], gamma=[1.0, 3.0], beta=[0.0, -1.0], eps=0.0)
    assert out[0].tolist() == pytest.approx([1 / math.sqrt(2), 3 / math.sqrt(2) - 1], abs=1e-14)


def test_virtual_batch_norm_gamma_message_names_the_feature_row():
    """A gamma with 3 entries cannot scale 2 features: the message names gamma and the row shape."""
    with pytest.raises(ValueError, match=r"^gamma must broadcast to one feature row's shape \(2,\), got shape \(3,\)$"):
        gm.virtual_batch_norm([[1.0, 2.0]], [[0.0, 0.0]], gamma=[1.0, 1.0, 1.0])


def test_virtual_batch_norm_beta_message_names_the_feature_row():
    """A beta with 3 entries cannot shift 2 features: the message names beta and the row shape."""
    with pytest.raises(ValueError, match=r"^beta must broadcast to one feature row's shape \(2,\), got shape \(3,\)$"):
        gm.virtual_batch_norm([[1.0, 2.0]], [[0.0, 0.0]], beta=[1.0, 1.0, 1.0])


# --- js_shifted_gaussians ---------------------------------------------------------------------------------------------

def test_js_is_symmetric_in_theta_even_on_a_coarse_grid():
    """JS(N(0,σ²), N(θ,σ²)) = JS(N(0,σ²), N(−θ,σ²)), and the grid [min(0,θ) − 10σ, max(0,θ) + 10σ] is mirrored
    with θ, so even 101 points (spacing about 2σ, far from converged) give equal values for ±θ."""
    out = gm.js_shifted_gaussians(torch.tensor([200.0, -200.0, 0.5, -0.5], dtype=D), 1.0, points=101)
    assert float(out[0]) == pytest.approx(float(out[1]), abs=1e-12)
    assert float(out[2]) == pytest.approx(float(out[3]), abs=1e-12)
    assert abs(float(out[0]) - math.log(2)) > 1e-6          # coarse enough that the grid's placement shows


def test_js_with_the_fewest_points():
    """points = 101 is allowed; identical Gaussians have JS = 0 (the integrand vanishes up to rounding)."""
    assert float(gm.js_shifted_gaussians(0.0, 1.0, points=101)) == pytest.approx(0.0, abs=1e-15)


def test_js_default_points_is_20001():
    """A shift of 1e5 σ makes the default grid coarse (spacing about 5σ), so the point count shows in the value."""
    t = torch.tensor([1e5], dtype=D)
    out, out_d, out_other = (gm.js_shifted_gaussians(t, 1.0), gm.js_shifted_gaussians(t, 1.0, points=20001),
                             gm.js_shifted_gaussians(t, 1.0, points=20002))
    assert torch.equal(out, out_d) and abs(float(out[0] - out_other[0])) > 1e-6


# --- wasserstein_1d, gradient_penalty ---------------------------------------------------------------------------------

def test_wasserstein_reads_a_list_y_in_the_dtype_of_x():
    """float32 x makes a list y float32: the docstring's W = 2 in float32."""
    out = gm.wasserstein_1d(torch.tensor([0.0, 1.0], dtype=F32), [3.0, 2.0])
    assert out.dtype == F32 and float(out) == 2.0


@pytest.mark.parametrize("which", ["x_fake", "eps"])
def test_gradient_penalty_reads_list_arguments_in_the_dtype_of_x_real(which):
    """float32 x_real makes a list x_fake or eps float32: the docstring's (3 − 1)² = 4 in float32."""
    args = {"x_fake": torch.tensor([[1.0]], dtype=F32), "eps": torch.tensor([0.5], dtype=F32)}
    args[which] = args[which].tolist()
    out = gm.gradient_penalty(lambda x: 3 * x.sum(-1), torch.tensor([[0.0]], dtype=F32), args["x_fake"], args["eps"])
    assert out.dtype == F32 and float(out) == 4.0


def test_gradient_penalty_eps_message_names_the_rows_of_x_real():
    """eps needs one value per row of x_real, even a broadcastable single one."""
    msg = r"^eps must have shape \(2,\) to match x_real \(one per row\), got shape \(1,\)$"
    with pytest.raises(ValueError, match=msg):
        gm.gradient_penalty(lambda x: x.sum(-1), [[0.0], [1.0]], [[1.0], [0.0]], [0.5])


def test_gradient_penalty_at_an_interior_interpolate():
    """f(x) = ‖x‖² has gradient 2x̂; x̂ = ¼(1, 0) + ¾(1, 1) = (1, ¾), so ‖∇f‖ = 2.5 and the penalty (2.5 − 1)²."""
    out = gm.gradient_penalty(lambda x: (x**2).sum(-1), [[1.0, 0.0]], [[1.0, 1.0]], [0.25])
    assert float(out) == pytest.approx(2.25, abs=1e-14)


def test_gradient_penalty_refuses_a_critic_with_a_column_output():
    """A critic returning (N, 1) instead of (N,) is refused, with the expected shape in the message."""
    with pytest.raises(ValueError, match=r"^critic must return one value per row, shape \(2,\)$"):
        gm.gradient_penalty(lambda x: x.sum(-1, keepdim=True), [[0.0, 1.0, 2.0], [1.0, 1.0, 1.0]],
                            [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]], [0.5, 0.5])


# --- duplicate_probability, inception_score, kl_data_model ------------------------------------------------------------

def test_duplicate_probability_with_a_single_value():
    """N = 1 is allowed: one draw has no duplicate, two draws from one value always collide."""
    assert float(gm.duplicate_probability(1, 1)) == 0.0 and float(gm.duplicate_probability(2, 1)) == 1.0


def test_inception_score_with_a_class_never_predicted():
    """A class with p(y) = 0 adds nothing (0 log 0 = 0): two sure, distinct predictions over 3 classes give IS = 2."""
    out = gm.inception_score([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert float(out) == pytest.approx(2.0, abs=1e-14)


def test_kl_data_model_refuses_a_repeated_grid_point():
    """A grid with a repeated point is not strictly increasing."""
    with pytest.raises(ValueError, match=r"^x must be a strictly increasing grid$"):
        gm.kl_data_model([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 1.0, 1.0])


@pytest.mark.parametrize("which", ["log_p", "log_q"])
def test_kl_data_model_reads_list_log_densities_in_the_dtype_of_x(which):
    """float32 x makes a list log-density float32: equal uniform densities on [0, 1] give KL = 0 in float32."""
    args = {"log_p": torch.zeros(3, dtype=F32), "log_q": torch.zeros(3, dtype=F32), which: [0.0, 0.0, 0.0]}
    out = gm.kl_data_model(args["log_p"], args["log_q"], torch.tensor([0.0, 0.5, 1.0], dtype=F32))
    assert out.dtype == F32 and float(out) == 0.0


@pytest.mark.parametrize("which", ["log_p", "log_q"])
def test_kl_data_model_length_message_names_x(which):
    """Each log-density needs one value per grid point of x, even a broadcastable single one."""
    args = {"log_p": [0.0, 0.0], "log_q": [0.0, 0.0], which: [0.0]}
    with pytest.raises(ValueError, match=rf"^{which} must have shape \(2,\) to match x, got shape \(1,\)$"):
        gm.kl_data_model(args["log_p"], args["log_q"], [0.0, 1.0])
