"""Edge cases of edl.convolution.gradients that its mutation run exposed: non-square shapes, output gradients
as large as the input, list arguments taking the tensor's dtype, and the smallest valid sizes."""

import pytest
import torch
import torch.nn.functional as F

from edl.convolution import gradients as gr

F32 = torch.float32
F64 = torch.float64


def autograd_kernel_and_input_gradients(x, w, G):
    """Gradients of sum(G * conv2d(x, w)) by autograd: the independent reference."""
    xr, wr = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    return torch.autograd.grad((G * F.conv2d(xr, wr)).sum(), (xr, wr))


# --- band_mask ---------------------------------------------------------------------------------------------

def test_band_mask_of_one_input_and_a_zero_length():
    """n = k = 1 is a 1×1 band; n = 0 is refused as n (not as k exceeding n)."""
    assert gr.band_mask(1, 1).tolist() == [[True]]
    with pytest.raises(ValueError, match=r"^n must be at least 1, got 0$"):
        gr.band_mask(0, 1)


# --- shared_kernel_gradient ------------------------------------------------------------------------------------

def test_shared_kernel_gradient_with_grad_y_as_long_as_x():
    """k = 1 (one output per input): the gradient of the single tap is Σ g_i x_i = 4 + 10 + 18."""
    assert gr.shared_kernel_gradient([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]).tolist() == [32.0]


def test_shared_kernel_gradient_list_grad_y_takes_the_dtype_of_x():
    """A float32 x with a list grad_y gives a float32 gradient equal to autograd's of Σ g_i (x ⋆ h)_i."""
    x = torch.tensor([1.0, -2.0, 0.5, 3.0, 1.5], dtype=F32)
    g = [0.5, -1.0, 2.0]
    h = torch.zeros(3, dtype=F32, requires_grad=True)
    (auto,) = torch.autograd.grad((torch.tensor(g, dtype=F32) * F.conv1d(x[None, None], h[None, None])[0, 0]).sum(), h)
    out = gr.shared_kernel_gradient(x, g)
    assert out.dtype == F32
    torch.testing.assert_close(out, auto, atol=1e-6, rtol=0)


# --- kernel_gradient and input_gradient -------------------------------------------------------------------------

@pytest.mark.parametrize("x_shape, g_shape", [
    ((2, 2, 5, 4), (2, 3, 3, 1)),     # non-square output gradient: kernel 3 × 4
    ((1, 1, 4, 2), (1, 1, 3, 1)),     # tall image: kernel 2 × 2
    ((1, 1, 2, 4), (1, 2, 1, 3)),     # wide image: kernel 2 × 2
    ((1, 1, 3, 4), (1, 2, 3, 4)),     # grad_y as large as x: a 1 × 1 kernel
])
def test_kernel_and_input_gradients_of_non_square_shapes_match_autograd(x_shape, g_shape):
    """Kernel shape (H - H' + 1, W - W' + 1) and values equal autograd's for non-square and full-size grad_y."""
    g = torch.Generator().manual_seed(5)
    x = torch.randn(*x_shape, generator=g, dtype=F64)
    G = torch.randn(*g_shape, generator=g, dtype=F64)
    w = torch.randn(g_shape[1], x_shape[1], x_shape[2] - g_shape[2] + 1, x_shape[3] - g_shape[3] + 1,
                    generator=g, dtype=F64)
    gx, gw = autograd_kernel_and_input_gradients(x, w, G)
    torch.testing.assert_close(gr.kernel_gradient(x, G), gw, atol=1e-12, rtol=0)
    torch.testing.assert_close(gr.input_gradient(G, w), gx, atol=1e-12, rtol=0)


def test_kernel_gradient_refuses_grad_y_taller_than_x():
    """grad_y taller (but not wider) than x is refused: each spatial size is checked on its own."""
    with pytest.raises(ValueError, match=r"^grad_y must match x's batch and be no larger, got x \(1, 1, 3, 3\) "
                                         r"and grad_y \(1, 1, 4, 2\)$"):
        gr.kernel_gradient(torch.zeros(1, 1, 3, 3, dtype=F64), torch.zeros(1, 1, 4, 2, dtype=F64))


def test_list_arguments_take_the_dtype_of_the_float32_tensor():
    """kernel_gradient(x float32, list grad_y) and input_gradient(grad_y float32, list w) are float32 and equal autograd."""
    g = torch.Generator().manual_seed(6)
    x = torch.randn(1, 2, 4, 3, generator=g, dtype=F32)
    w = torch.randn(2, 2, 2, 2, generator=g, dtype=F32)
    G = torch.randn(1, 2, 3, 2, generator=g, dtype=F32)
    gx, gw = autograd_kernel_and_input_gradients(x, w, G)
    kg, ig = gr.kernel_gradient(x, G.tolist()), gr.input_gradient(G, w.tolist())
    assert kg.dtype == F32 and ig.dtype == F32
    torch.testing.assert_close(kg, gw, atol=1e-5, rtol=0)
    torch.testing.assert_close(ig, gx, atol=1e-5, rtol=0)


# --- true_convolve and true_convolution_kernel_gradient ------------------------------------------------------

def autograd_true_kernel_gradient(x, w, v, phi):
    """Gradient of v · vec(φ(x * w)) with respect to w, the true convolution taken as torch's conv2d with the
    flipped kernel: the independent reference."""
    wr = w.clone().requires_grad_(True)
    y = F.conv2d(x[None, None], wr.flip(0, 1)[None, None])[0, 0]
    (auto,) = torch.autograd.grad((v * phi(y).reshape(-1)).sum(), wr)
    return auto


def test_true_convolution_list_arguments_take_the_dtype_of_x():
    """A float32 image with list kernel and list v_ gives float32 results equal to torch on the flipped kernel."""
    g = torch.Generator().manual_seed(7)
    x = torch.randn(5, 4, generator=g, dtype=F32)
    w = torch.randn(2, 3, generator=g, dtype=F32)
    v = torch.randn(8, generator=g, dtype=F32)
    y = gr.true_convolve(x, w.tolist())
    assert y.dtype == F32
    torch.testing.assert_close(y, F.conv2d(x[None, None], w.flip(0, 1)[None, None])[0, 0], atol=1e-5, rtol=0)
    grad = gr.true_convolution_kernel_gradient(x, w.tolist(), v.tolist(), "tanh")
    assert grad.dtype == F32
    torch.testing.assert_close(grad, autograd_true_kernel_gradient(x, w, v, torch.tanh), atol=1e-5, rtol=0)


@pytest.mark.parametrize("act, phi", [(None, torch.sigmoid), ("relu", torch.relu)])
def test_true_convolution_kernel_gradient_default_sigmoid_and_relu(act, phi):
    """Without act the activation is the sigmoid; "relu" is accepted; both equal autograd (no entry at the kink)."""
    g = torch.Generator().manual_seed(8)
    x, w, v = (torch.randn(*s, generator=g, dtype=F64) for s in ((6, 5), (3, 2), (16,)))
    out = gr.true_convolution_kernel_gradient(x, w, v) if act is None else gr.true_convolution_kernel_gradient(x, w, v, act)
    assert float(gr.true_convolve(x, w).abs().min()) > 1e-6
    torch.testing.assert_close(out, autograd_true_kernel_gradient(x, w, v, phi), atol=1e-12, rtol=0)


def test_true_convolution_kernel_gradient_names_the_output_count_of_a_non_square_image():
    """x 3×4 and a 1×1 kernel have 3·4 = 12 outputs: the message states 12."""
    with pytest.raises(ValueError, match=r"^v_ must have one entry per output of x \(shape \(3, 4\)\) \* w "
                                         r"\(shape \(1, 1\)\), 12, got shape \(5,\)$"):
        gr.true_convolution_kernel_gradient(torch.ones(3, 4, dtype=F64), [[1.0]], [1.0] * 5)
