"""Checks of ``edl.convolution.gradients`` (book labels ``conv.sparse-connectivity-grad``,
``conv.gradient-weights``, ``conv.gradient-input``) and of the erratum there.

Independent routes: ``torch.autograd`` (gradients and ``torch.autograd.functional.jacobian``),
``torch.nn.functional.conv2d`` and ``conv_transpose2d``, and an untied, locally connected copy of a layer.
"""

import numpy as np
import torch
import torch.nn.functional as F

from edl.convolution import gradients as gr
from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula


@formula("conv.sparse-connectivity-grad", reference="torch.autograd.functional.jacobian; autograd of an untied locally connected copy")
def check_sparse_connectivity(mask=gr.band_mask, shared=gr.shared_kernel_gradient) -> CheckResult:
    rng = np.random.default_rng(20)
    n, k = 12, 3
    x, h = f64(rng.normal(size=n)), f64(rng.normal(size=k))
    J = torch.autograd.functional.jacobian(lambda z: F.conv1d(z[None, None], h[None, None])[0, 0], x)
    g = f64(rng.normal(size=n - k + 1))                        # ∂R/∂y for R = ⟨g, y⟩
    untied = h.repeat(n - k + 1, 1).requires_grad_(True)       # row i: position i's own copy of the kernel
    y = torch.stack([untied[i] @ x[i:i + k] for i in range(n - k + 1)])
    (per_position,) = torch.autograd.grad((g * y).sum(), untied)
    tied = h.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad((g * F.conv1d(x[None, None], tied[None, None])[0, 0]).sum(), tied)
    return all_of(holds(torch.equal(J != 0, mask(n, k)), f"n = {n}, k = {k}: the Jacobian's non-zeros are the band",
                      "the Jacobian's non-zero pattern is not the band"),
                check_close(shared(x, g), per_position.sum(0), atol=1e-12, what="shared gradient vs Σ of untied per-position gradients"),
                check_close(shared(x, g), auto, atol=1e-12, what="vs autograd of the tied layer"))


@formula("conv.gradient-weights", reference="torch.autograd.grad; F.conv2d of the input with the output gradient")
def check_gradient_weights(correlation_grad=gr.kernel_gradient, true_grad=gr.true_convolution_kernel_gradient) -> CheckResult:
    rng = np.random.default_rng(21)
    x, w = f64(rng.normal(size=(2, 3, 8, 8))), f64(rng.normal(size=(4, 3, 3, 3)))
    G = f64(rng.normal(size=(2, 4, 6, 6)))
    wr = w.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad((G * F.conv2d(x, wr)).sum(), wr)
    via_conv = F.conv2d(x.transpose(0, 1), G.transpose(0, 1)).transpose(0, 1)     # x ⋆ G, summed over the batch
    # true convolution x * w = F.conv2d(x, flip(w)); f = vᵀ vec(σ(x * w))
    x1, w1, v = f64(rng.normal(size=(8, 8))), f64(rng.normal(size=(3, 3))), f64(rng.normal(size=36))
    w1r = w1.clone().requires_grad_(True)
    out = torch.sigmoid(F.conv2d(x1[None, None], torch.flip(w1r, (0, 1))[None, None])[0, 0])
    (auto1,) = torch.autograd.grad((v * out.reshape(-1)).sum(), w1r)
    return all_of(check_close(correlation_grad(x, G), auto, atol=1e-12, what="cross-correlation layer: x ⋆ ∂L/∂y vs autograd"),
                check_close(via_conv, auto, atol=1e-12, what="F.conv2d(x, ∂L/∂y) vs autograd"),
                check_close(true_grad(x1, w1, v, "sigmoid"), auto1, atol=1e-12,
                            what="true convolution, σ = sigmoid: rot180(x) * [mat(v) ⊙ σ'] vs autograd"))


@erratum("ch04-08:ERR-06", wrong=r"y=x*w:\ \frac{\partial L}{\partial w}=x*\frac{\partial L}{\partial y}",
         right=r"y=x*w:\ \frac{\partial L}{\partial w}=\mathrm{rot}_{180}(x)*\frac{\partial L}{\partial y};\quad"
               r"y=x\star w:\ \frac{\partial L}{\partial w}=x\star\frac{\partial L}{\partial y}",
         why="Without the flip, gradient descent moves each weight by the gradient of its mirror image: training "
             "stalls or diverges although every shape is right.")
def seed_unflipped_gradient() -> CheckResult:
    def unflipped(x, w, v, act):
        G = torch.as_tensor(v).reshape(6, 6) * gr.activation(act).dphi(gr.true_convolve(x, w))
        return gr.true_convolve(x, G)          # x * ∂L/∂y, without rotating x
    return check_gradient_weights(true_grad=unflipped)


@formula("conv.gradient-input", reference="torch.autograd x.grad and torch.nn.functional.conv_transpose2d")
def check_gradient_input(input_grad=gr.input_gradient) -> CheckResult:
    rng = np.random.default_rng(22)
    x, w = f64(rng.normal(size=(1, 2, 9, 9))), f64(rng.normal(size=(3, 2, 3, 3)))
    G = f64(rng.normal(size=(1, 3, 7, 7)))
    xr = x.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad((G * F.conv2d(xr, w)).sum(), xr)
    return all_of(check_close(input_grad(G, w), auto, atol=1e-12, what="C_in 2, C_out 3, 9×9, k 3: full convolution vs autograd"),
                check_close(F.conv_transpose2d(G, w), auto, atol=1e-12, what="F.conv_transpose2d vs autograd"))
