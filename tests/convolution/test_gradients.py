"""Tests of edl.convolution.gradients against autograd."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from edl.convolution import gradients as gr

F64 = torch.float64


def test_kernel_and_input_gradients_match_autograd_with_channels_and_batch():
    g = torch.Generator().manual_seed(0)
    x, w = torch.randn(3, 2, 7, 6, generator=g, dtype=F64), torch.randn(4, 2, 3, 2, generator=g, dtype=F64)
    G = torch.randn(3, 4, 5, 5, generator=g, dtype=F64)
    xr, wr = x.clone().requires_grad_(True), w.clone().requires_grad_(True)
    gx, gw = torch.autograd.grad((G * F.conv2d(xr, wr)).sum(), (xr, wr))
    torch.testing.assert_close(gr.kernel_gradient(x, G), gw, atol=1e-12, rtol=0)
    torch.testing.assert_close(gr.input_gradient(G, w), gx, atol=1e-12, rtol=0)


@pytest.mark.parametrize("act", ["sigmoid", "tanh", "linear"])
def test_true_convolution_kernel_gradient_needs_the_flip(act):
    rng = np.random.default_rng(1)
    x, w, v = (torch.tensor(rng.normal(size=s)) for s in ((7, 7), (3, 3), (25,)))
    phi = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "linear": lambda z: z}[act]
    wr = w.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad((v * phi(gr.true_convolve(x, wr)).reshape(-1)).sum(), wr)
    torch.testing.assert_close(gr.true_convolution_kernel_gradient(x, w, v, act), auto, atol=1e-12, rtol=0)
    G = v.reshape(5, 5) * gr.activation(act).dphi(gr.true_convolve(x, w))
    assert float((gr.true_convolve(x, G) - auto).abs().max()) > 0.1   # without the flip


def test_band_mask_and_shared_gradient():
    assert gr.band_mask(5, 5).all() and gr.band_mask(5, 1).equal(torch.eye(5, dtype=torch.bool))
    x, g = torch.arange(6.0, dtype=F64), torch.tensor([1.0, -1.0, 2.0, 0.5], dtype=F64)
    expected = [sum(float(g[i] * x[i + j]) for i in range(4)) for j in range(3)]
    assert gr.shared_kernel_gradient(x, g).tolist() == pytest.approx(expected)


@pytest.mark.parametrize("call, name", [
    (lambda: gr.band_mask(3, 4), "k"),
    (lambda: gr.shared_kernel_gradient([1.0], [1.0, 2.0]), "grad_y"),
    (lambda: gr.kernel_gradient(torch.zeros(1, 1, 3, 3), torch.zeros(2, 1, 2, 2)), "grad_y"),
    (lambda: gr.true_convolution_kernel_gradient([[1.0, 2.0], [3.0, 4.0]], [[1.0]], [1.0], "tanh"), "v_"),
    (lambda: gr.true_convolution_kernel_gradient([[1.0]], [[1.0]], [1.0], "swish"), "act"),
    (lambda: gr.input_gradient(torch.zeros(1, 2, 2, 2), torch.zeros(3, 1, 2, 2)), "grad_y"),
    (lambda: gr.true_convolve([[float("nan")]], [[1.0]]), "x"),
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
