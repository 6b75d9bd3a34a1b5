"""Edge cases of edl.recurrent.gradients that its mutation run exposed: a list B converted to A's float32
before it is checked, clipping exactly on the sphere of radius theta, the layers named when weights do not
chain, one power step from a fixed start, list arguments of state_jacobians in x's float32, and shape messages."""

import math

import pytest
import torch

from edl.recurrent import gradients as gr


def test_submultiplicative_bound_reads_a_list_B_in_the_float32_of_A():
    """A list B takes A's float32 before the finiteness check, so 1e39 (inf in float32) is refused by name
    instead of giving a finite float64 bound."""
    with pytest.raises(ValueError, match=r"^B must be finite, got \[\[inf\]\]$"):
        gr.submultiplicative_bound(torch.ones(1, 1, dtype=torch.float32), [[1e39]])


def test_clip_by_norm_on_the_sphere_is_the_identity_derivative_included():
    """||g|| = theta counts as inside the ball: g is returned as it is (a copy), so the map is the identity
    there and its derivative is I (d sum(out) / dg = (1, 1)), not the derivative of the rescaling theta g / ||g||,
    which would be (1, 1) - theta (3 + 4) g / ||g||^3 = (0.16, -0.12)."""
    g = torch.tensor([3.0, 4.0], dtype=torch.float64, requires_grad=True)
    out = gr.clip_by_norm(g, 5.0)
    assert out.tolist() == [3.0, 4.0] and out is not g
    out.sum().backward()
    assert g.grad.tolist() == [1.0, 1.0]


def test_feedforward_bound_names_the_layer_that_does_not_chain():
    """weights[2] of shape (4, 7) cannot follow weights[1] of shape (3, 2): it needs 3 columns (the rows of
    weights[1], not its columns nor those of weights[0]), and the message names layers 2 and 1."""
    Ws = [torch.ones(2, 5), torch.ones(3, 2), torch.ones(4, 7)]
    with pytest.raises(ValueError, match=r"^weights\[2\] must have 3 columns to follow weights\[1\], "
                                         r"got shape \(4, 7\)$"):
        gr.feedforward_bound(Ws)


def test_spectral_norm_of_one_power_step_and_a_fixed_start():
    """iters = 1 is valid, and exact when all singular values are equal (2 I times a rotation); with one step the
    result depends on the start vector, which is fixed: the same under two different global seeds."""
    R = torch.tensor([[0.6, -0.8], [0.8, 0.6]], dtype=torch.float64)
    assert gr.spectral_norm(2 * R, iters=1) == pytest.approx(2.0, rel=1e-12)
    A = torch.tensor([[3.0, 1.0], [0.0, 2.0]], dtype=torch.float64)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(1)
        first = gr.spectral_norm(A, iters=1)
        torch.manual_seed(2)
        second = gr.spectral_norm(A, iters=1)
    assert first == second
    assert first <= float(torch.linalg.matrix_norm(A, 2)) + 1e-12


def test_spectral_radius_names_a_non_square_A():
    """A (2, 3) matrix has no eigenvalues: refused, asking for the square shape of its row count."""
    with pytest.raises(ValueError, match=r"^A must have shape \(2, 2\), got shape \(2, 3\)$"):
        gr.spectral_radius(torch.zeros(2, 3, dtype=torch.float64))


def test_state_jacobians_read_list_arguments_in_the_float32_of_x():
    """U, V and z0 given as lists take x's float32: the Jacobians are float32 and equal the float64 ones."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 2, generator=g)
    U, V, z0 = (torch.randn(*s, generator=g, dtype=torch.float64) / 2 for s in ((2, 2), (2, 2), (2,)))
    got = gr.state_jacobians(x, U.tolist(), V.tolist(), z0.tolist())
    assert got.dtype == torch.float32
    torch.testing.assert_close(got.double(), gr.state_jacobians(x.double(), U, V, z0), atol=1e-5, rtol=0)


def test_state_jacobians_shape_messages():
    """A non-square U asks for (rows, rows); V's shape comes from U and x, z0's from U: each message says so."""
    x, U, V, z0 = torch.zeros(3, 2), torch.zeros(2, 2), torch.zeros(2, 2), torch.zeros(2)
    with pytest.raises(ValueError, match=r"^U must have shape \(2, 2\), got shape \(2, 3\)$"):
        gr.state_jacobians(x, torch.zeros(2, 3), V, z0)
    with pytest.raises(ValueError, match=r"^V must have shape \(2, 2\) to match U and x, got shape \(2, 3\)$"):
        gr.state_jacobians(x, U, torch.zeros(2, 3), z0)
    with pytest.raises(ValueError, match=r"^z0 must have shape \(2,\) to match U, got shape \(3,\)$"):
        gr.state_jacobians(x, U, V, torch.zeros(3))


def test_spectral_norm_default_is_200_power_steps_and_float32_works():
    """For diag(1, 0.999) power iteration converges slowly, so the step count shows: the default gives the
    result of iters=200, not that of 201. A float32 matrix gives its norm too (the start vector takes its dtype)."""
    A = torch.diag(torch.tensor([1.0, 0.999], dtype=torch.float64))
    default = gr.spectral_norm(A)
    assert default == pytest.approx(gr.spectral_norm(A, iters=200), rel=1e-15, abs=0)
    assert abs(default - gr.spectral_norm(A, iters=201)) > 1e-9
    B = torch.tensor([[3.0, 0.0], [4.0, 5.0]], dtype=torch.float32)
    assert gr.spectral_norm(B) == pytest.approx(math.sqrt(45), rel=1e-5)
