"""Edges of edl.robustness.pgd that its mutation run exposed: one-sided boxes and their boundaries, the
defaults of PGD, batched l2 steps with small gradients, the random start drawn from the generator, and the
exact messages."""

import math

import pytest
import torch

from edl.robustness import pgd as pg

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def _margin(x):
    return -(x @ T([1.0, -2.0]))


def _flat(z):
    return (z * 0).sum(-1)


# --- the valid box ----------------------------------------------------------------------------------------

def test_one_sided_boxes_clip_one_side_only():
    """Only lower, or only upper: that side is clipped, the other is free."""
    x = T([[0.05, 0.95]])
    assert pg.fgsm(_margin, x, 0.1, lower=0.0).tolist() == [[0.0, pytest.approx(1.05)]]
    assert pg.fgsm(_margin, x, 0.1, upper=1.0).tolist() == [[pytest.approx(-0.05), 1.0]]
    assert pg.pgd(_margin, x, 0.1, steps=2, lower=0.0).tolist() == [[0.0, pytest.approx(1.05)]]
    assert pg.pgd(_margin, x, 0.1, steps=2, upper=1.0).tolist() == [[pytest.approx(-0.05), 1.0]]


def test_box_boundaries_are_inside_and_an_empty_box_is_refused():
    """x on the box's faces is valid; lower = upper leaves no room; the messages name the values."""
    x = T([[0.0, 1.0]])
    assert pg.fgsm(_margin, x, 0.1, lower=0.0, upper=1.0).tolist() == [[0.0, 1.0]]
    with pytest.raises(ValueError, match=r"^lower must be below upper, got lower=0\.5, upper=0\.5$"):
        pg.fgsm(_margin, T([[0.5, 0.5]]), 0.1, lower=0.5, upper=0.5)
    with pytest.raises(ValueError, match=r"^x must lie in \[lower, upper\] = \[0\.0, 1\.0\],"
                                         r" got values from -1\.0 to 0\.5$"):
        pg.pgd(_margin, T([[-1.0, 0.5]]), 0.1, lower=0.0, upper=1.0)
    with pytest.raises(ValueError, match=r"^x must lie in \[lower, upper\] = \[None,"
                                         r" 1\.0\], got values from 0\.5 to 2\.0$"):
        pg.fgsm(_margin, T([[2.0, 0.5]]), 0.1, upper=1.0)
    with pytest.raises(ValueError, match=r"^x must lie in \[lower, upper\] = \[0\.0, None\],"
                                         r" got values from -1\.0 to 0\.5$"):
        pg.fgsm(_margin, T([[-1.0, 0.5]]), 0.1, lower=0.0)
    with pytest.raises(ValueError, match=r"^lower must be a real number, got 'a'$"):
        pg.fgsm(_margin, x, 0.1, lower="a")
    with pytest.raises(ValueError, match=r"^upper must be a real number, got 'a'$"):
        pg.fgsm(_margin, x, 0.1, upper="a")


def test_loss_shape_messages():
    """A loss returning a scalar tensor or a number is refused, with what it returned."""
    with pytest.raises(ValueError, match=r"^loss must return one value per input, shape \(1,\), got \(\)$"):
        pg.fgsm(lambda z: z.sum(), T([[0.5, 0.5]]), 0.1)
    with pytest.raises(ValueError, match=r"^loss must return one value per input, shape \(2,\), got float$"):
        pg.pgd(lambda z: 1.0, T([[0.5, 0.5], [0.1, 0.1]]), 0.1)
    with pytest.raises(ValueError, match=r"^loss must return one value per input, shape \(2,\), got \(2, 2\)$"):
        pg.fgsm(lambda z: z, T([[0.5, 0.5], [0.1, 0.1]]), 0.1)


# --- projections ------------------------------------------------------------------------------------------

def test_project_l2_shrinks_rows_of_a_three_axis_batch_independently():
    """(2, 2, 2): rows outside the ball land on the sphere, rows inside (norm < 1) stay, small rows included."""
    z = T([[[3.0, 4.0], [0.3, 0.4]], [[0.0, 0.2], [6.0, -8.0]]])
    out = pg.project_l2(z, 0.1)
    want = T([[[0.06, 0.08], [0.06, 0.08]], [[0.0, 0.1], [0.06, -0.08]]])
    assert out.shape == z.shape and torch.allclose(out, want, rtol=0, atol=1e-15)
    assert torch.allclose(pg.project_l2(z, 1.0)[0, 1], T([0.3, 0.4]), rtol=0, atol=0)


def test_projection_messages():
    """Negative radii are refused by name; eps = 0 is valid for both projections."""
    with pytest.raises(ValueError, match=r"^eps must be non-negative, got -1\.0$"):
        pg.project_l2(T([1.0]), -1.0)
    with pytest.raises(ValueError, match=r"^eps must be non-negative, got -1\.0$"):
        pg.project_linf(T([1.0]), -1.0)
    assert pg.project_linf(T([[0.5, -2.0]]), 0.0).tolist() == [[0.0, 0.0]]
    with pytest.raises(ValueError, match=r"^z must have at least 1 dimension\(s\), got shape \(\)$"):
        pg.project_l2(T(1.0), 1.0)


# --- PGD --------------------------------------------------------------------------------------------------

def test_pgd_defaults_ten_steps_of_a_quarter_budget_from_x():
    """Default steps = 10, alpha = 2.5 eps / 10, no random start, l_inf: on |z - 0.03| with eps = 0.1 the
    iterate alternates 0.025, 0.05, ... and ends at 0.05 after an even number of steps."""
    loss = lambda z: -(z - 0.03).abs().sum(-1)  # noqa: E731
    x = torch.zeros(1, 1, dtype=torch.float64)
    assert pg.pgd(loss, x, 0.1).item() == pytest.approx(0.05, abs=1e-15)
    assert pg.pgd(loss, x, 0.1, alpha=0.025).item() == pytest.approx(0.05, abs=1e-15)
    assert pg.pgd(loss, x, 0.1, alpha=0.025, steps=11).item() == pytest.approx(0.025, abs=1e-15)
    assert pg.pgd(loss, x, 0.1, norm="inf", alpha=0.025, steps=10, random_start=False).item() == \
        pytest.approx(0.05, abs=1e-15)


def test_pgd_l2_steps_are_per_row_and_full_length_for_small_gradients():
    """A batch of two rows with gradients of norm 0.1 and 0.5: each row moves alpha along its own direction."""
    loss = lambda z: z @ T([0.06, 0.08]) * T([1.0, 5.0])  # noqa: E731
    x = T([[0.0, 0.0], [1.0, 1.0]])
    out = pg.pgd(loss, x, 1.0, norm="2", steps=1, alpha=0.5)
    assert torch.allclose(out - x, T([[0.3, 0.4], [0.3, 0.4]]), rtol=0, atol=1e-14)


def test_pgd_gradient_is_taken_at_the_current_iterate():
    """On -(z - 0.03)^2 the gradient at x + delta (not x - delta) changes sign after the first step."""
    loss = lambda z: -((z - 0.03) ** 2).sum(-1)  # noqa: E731
    x = T([[0.02]])
    # steps of 0.02: 0.02 -> 0.04 (gradient at 0.02 points up) -> 0.02 (gradient at 0.04 points down)
    assert pg.pgd(loss, x, 0.1, steps=2, alpha=0.02).item() == pytest.approx(0.02, abs=1e-15)
    assert pg.pgd(loss, x, 0.1, steps=1, alpha=0.02).item() == pytest.approx(0.04, abs=1e-15)


def test_pgd_validation_messages():
    """Each setting is refused by name with its value."""
    x = T([[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"^eps must be positive, got 0\.0$"):
        pg.pgd(_margin, x, 0.0)
    with pytest.raises(ValueError, match=r"^norm must be one of 'inf', '2', got '1'$"):
        pg.pgd(_margin, x, 0.1, norm="1")
    with pytest.raises(ValueError, match=r"^steps must be at least 1, got 0$"):
        pg.pgd(_margin, x, 0.1, steps=0)
    with pytest.raises(ValueError, match=r"^alpha must be positive, got 0\.0$"):
        pg.pgd(_margin, x, 0.1, alpha=0.0)
    with pytest.raises(ValueError, match=r"^random_start must be True or False, got 1$"):
        pg.pgd(_margin, x, 0.1, random_start=1)
    with pytest.raises(ValueError, match=r"^generator must be a torch.Generator or None, got 0$"):
        pg.pgd(_margin, x, 0.1, generator=0)


def test_random_start_is_drawn_from_the_generator_in_the_input_dtype():
    """l_inf start: delta_0 = eps (2u - 1) with u the generator's float64 uniforms; a zero-gradient loss keeps it.
    The start is added to x (not subtracted), and the same seed gives the same start."""
    x = T([[0.5, 0.5, 0.5], [0.2, 0.7, 0.4]])
    out = pg.pgd(_flat, x, 0.1, steps=1, random_start=True, generator=torch.Generator().manual_seed(3))
    u = torch.rand((2, 3), generator=torch.Generator().manual_seed(3), dtype=torch.float64)
    assert torch.allclose(out, x + 0.1 * (2 * u - 1), rtol=0, atol=1e-15)
    again = pg.pgd(_flat, x, 0.1, steps=1, random_start=True, generator=torch.Generator().manual_seed(3))
    assert torch.equal(out, again)


def test_random_start_in_the_l2_ball_uses_the_generator_and_is_centred_at_x():
    """l2 start: radius eps u^(1/d) from the first uniform of each row, direction a normalised Gaussian."""
    x = T([[0.5, 0.5, 0.5], [0.2, 0.7, 0.4]])
    out = pg.pgd(_flat, x, 0.1, norm="2", steps=1, random_start=True, generator=torch.Generator().manual_seed(4))
    g = torch.Generator().manual_seed(4)
    u = torch.rand((2, 3), generator=g, dtype=torch.float64)
    gauss = torch.randn((2, 3), generator=g, dtype=torch.float64)
    assert torch.allclose((out - x).norm(dim=1), 0.1 * u[:, 0] ** (1 / 3), rtol=0, atol=1e-15)
    cosine = ((out - x) * gauss).sum(1) / ((out - x).norm(dim=1) * gauss.norm(dim=1))
    assert torch.allclose(cosine, torch.ones(2, dtype=torch.float64), rtol=0, atol=1e-12)


def test_random_start_is_clipped_into_the_box_around_x():
    """Near the upper face the random start is clipped to [lower, upper], centred on x, not on -x."""
    x = torch.full((500, 2), 0.95, dtype=torch.float64)
    out = pg.pgd(_flat, x, 0.1, steps=1, random_start=True, generator=torch.Generator().manual_seed(0),
                 lower=0.0, upper=1.0)
    assert out.max() == 1.0 and out.min() >= 0.85 and (out == 1.0).double().mean() > 0.15
    two = pg.pgd(_flat, x, 0.1, norm="2", steps=1, random_start=True, generator=torch.Generator().manual_seed(0),
                 lower=0.0, upper=1.0)
    assert two.max() == 1.0 and two.min() >= 0.85


# --- the linear worst case --------------------------------------------------------------------------------

def test_linear_robust_accuracy_closed_form_for_a_non_unit_mean():
    """mu = (3, 4): acc = Phi((25 - eps |mu|_q) / 5), against math.erf, for p = 1, 2, inf."""
    phi = lambda t: 0.5 * (1 + math.erf(t / math.sqrt(2)))  # noqa: E731
    mu = T([3.0, 4.0])
    assert float(pg.linear_robust_accuracy(mu, 2.0, 2)) == pytest.approx(phi((25 - 10) / 5), abs=1e-14)
    assert float(pg.linear_robust_accuracy(mu, 2.0, math.inf)) == pytest.approx(phi((25 - 14) / 5), abs=1e-14)
    assert float(pg.linear_robust_accuracy(mu, 2.0, 1)) == pytest.approx(phi((25 - 8) / 5), abs=1e-14)
    assert float(pg.linear_robust_accuracy(mu, 0.0, 1)) == pytest.approx(phi(5.0), abs=1e-14)


def test_linear_robust_accuracy_dtype_and_messages():
    """float32 mu gives float32 even with a float64 default dtype; the zero-vector message shows mu."""
    previous = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        out = pg.linear_robust_accuracy(torch.tensor([1.0, 1.0], dtype=torch.float32), 0.1, 2)
    finally:
        torch.set_default_dtype(previous)
    assert out.dtype == torch.float32
    assert pg.linear_robust_accuracy(torch.tensor([1.0, 1.0]), 0.1, 2).dtype == torch.float32
    with pytest.raises(ValueError, match=r"^mu must not be the zero vector, got \[0\.0, 0\.0, 0\.0\]$"):
        pg.linear_robust_accuracy(torch.zeros(3, dtype=torch.float64), 0.1, 2)
    with pytest.raises(ValueError, match=r"^mu must not be the zero vector, got \[0\.0(, 0\.0){18}\]$"):
        pg.linear_robust_accuracy(torch.zeros(19, dtype=torch.float64), 0.1, 2)
    with pytest.raises(ValueError, match=r"^mu must not be the zero vector, got tensor\("):
        pg.linear_robust_accuracy(torch.zeros(20, dtype=torch.float64), 0.1, 2)
    with pytest.raises(ValueError, match=r"^eps must be non-negative, got -0\.1$"):
        pg.linear_robust_accuracy(T([1.0]), -0.1, 2)
    assert float(pg.linear_robust_accuracy(T([1.0]), 0.0, 2)) == pytest.approx(0.8413447460685429, abs=1e-14)


def test_fgsm_leaves_coordinates_with_zero_gradient_alone():
    """sign(0) = 0: a coordinate the loss does not depend on does not move (no division by the sign)."""
    out = pg.fgsm(lambda z: z[:, 0], T([[0.5, 0.5]]), 0.1)
    assert out.tolist() == [[pytest.approx(0.6), 0.5]]


def test_random_start_is_clipped_before_the_first_gradient_step():
    """x = 0.02 near the lower face, a loss increasing in z: the clipped start is >= 0, so after one step of
    0.01 every point is >= 0.01 (an unclipped start below -0.01 would end at 0); likewise near the upper face."""
    g = torch.Generator().manual_seed(5)
    x = torch.full((200, 1), 0.02, dtype=torch.float64)
    up = pg.pgd(lambda z: z[:, 0], x, 0.1, steps=1, alpha=0.01, random_start=True, generator=g, lower=0.0, upper=1.0)
    assert up.min() >= 0.01 - 1e-15
    down = pg.pgd(lambda z: -z[:, 0], 1.0 - x, 0.1, steps=1, alpha=0.01, random_start=True, generator=g,
                  lower=0.0, upper=1.0)
    assert down.max() <= 0.99 + 1e-15
