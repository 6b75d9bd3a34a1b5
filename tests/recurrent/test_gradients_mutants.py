"""Edge cases of edl.recurrent.gradients that its mutation run exposed: a list B converted to A's float32
before it is checked, and clipping exactly on the sphere of radius theta."""

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
