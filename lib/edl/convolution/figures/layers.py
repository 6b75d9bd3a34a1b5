"""Figures and explorers of chapter 4, part B: receptive fields, the kernel gradient's flip, separable cost."""

import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from edl.convolution import gradients as gr
from edl.convolution import layers as ly
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int

#: The three designs of the receptive-field explorer: kernels of 3 taps, stacked.
DESIGNS = ("stride 1", "stride 2", "dilation 2^l")


def design_stack(design: str, depth: int) -> tuple[list[int], list[int], list[int]]:
    """Kernels, strides and dilations of ``depth`` 3-tap layers of one design."""
    depth = require_int("depth", depth, minimum=1)
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    strides = [2] * depth if design == "stride 2" else [1] * depth
    dilations = [2**l for l in range(depth)] if design == "dilation 2^l" else [1] * depth
    return [3] * depth, strides, dilations


def receptive_field_data(design: str, depth: int, n: int = 2200) -> np.ndarray:
    """The magnitude of ∂y_centre/∂x over the input, for the stack, measured by autograd (what the explorer draws)."""
    return ly.measured_receptive_field(*design_stack(design, depth), n=n).numpy()


@styled
def plot_receptive_field(depth: int = 3, design: str = "stride 1") -> Figure:
    r"""Which inputs one top unit of a stack of 3-tap layers depends on (autograd), against
    :math:`r_0=1+\sum_l(k_l-1)\prod_{i<l}s_i` with :math:`k_l\to d_l(k_l-1)+1`."""
    grad = receptive_field_data(design, depth)
    k, s, d = design_stack(design, depth)
    r = ly.receptive_field(k, s, d)
    idx = np.flatnonzero(grad)
    centre = (idx[0] + idx[-1]) / 2
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    x = np.arange(len(grad)) - centre
    ax.semilogy(x, np.where(grad > 0, grad, np.nan), "o", ms=2.5, color="C0", label="|∂y/∂x| (autograd), non-zero")
    ax.axvspan(-r / 2, r / 2, color="C1", alpha=0.15, label=f"formula: r₀ = {r}")
    half = 0.6 * r + 5
    ax.set(xlim=(-half, half), ylim=(0.5, max(10.0, 20 * float(grad.max()))), xlabel="input position relative to the centre",
           title=f"{depth} layer{'s' * (depth > 1)}, {design}: {len(idx)} inputs reach the top unit")
    style.mark_clipped(ax)
    style.legend_outside(ax, "right")
    return fig


def receptive_field_explorer() -> Explorer:
    return Explorer(plot_receptive_field,
                    [Control("depth", list(range(1, 11)), start=2, label="layers"),
                     Control("design", list(DESIGNS), label="design",
                             why_few="the three ways of growing a receptive field that the text compares")],
                    title="Receptive field of a stack of 3-tap layers: linear growth, or exponential by stride or dilation")


@styled
def plot_kernel_gradient_flip(seed: int = 0) -> Figure:
    r"""For a true convolution :math:`y=x*w`, autograd's kernel gradient against the flip formula
    :math:`\mathrm{rot}_{180}(x)*G` and the unflipped :math:`x*G`."""
    rng = np.random.default_rng(seed)
    x, w = torch.as_tensor(rng.normal(size=(8, 8))), torch.as_tensor(rng.normal(size=(3, 3)))
    v = torch.as_tensor(rng.normal(size=36))
    wr = w.clone().requires_grad_(True)
    out = torch.sigmoid(torch.nn.functional.conv2d(x[None, None], torch.flip(wr, (0, 1))[None, None])[0, 0])
    (auto,) = torch.autograd.grad((v * out.reshape(-1)).sum(), wr)
    flipped = gr.true_convolution_kernel_gradient(x, w, v, "sigmoid")
    G = v.reshape(6, 6) * gr.activation("sigmoid").dphi(gr.true_convolve(x, w))
    unflipped = gr.true_convolve(x, G)
    lim = float(max(auto.abs().max(), unflipped.abs().max()))
    norm = Normalize(-lim, lim)
    fig = style.figure(3.0)
    axes = fig.subplots(1, 3)
    for ax, A, title in ((axes[0], auto, "autograd"), (axes[1], flipped, f"rot180(x) * G: max err {float((flipped - auto).abs().max()):.0e}"),
                         (axes[2], unflipped, f"x * G: max err {float((unflipped - auto).abs().max()):.2f}")):
        im = ax.imshow(A.detach().numpy(), cmap="RdBu_r", norm=norm)
        ax.set(title=title, xticks=range(3), yticks=range(3))
    style.colorbar(im, axes, label="∂f/∂w")
    return fig


@styled
def plot_separable_cost(d: int = 64) -> Figure:
    """Multiply-accumulates of a q×q convolution of a d×d image: direct against two 1-D passes."""
    d = require_int("d", d, minimum=2)
    q = np.arange(1, 32)
    direct = np.array([ly.conv_macs(d, int(k)) for k in q])
    sep = np.array([ly.conv_macs(d, int(k), separable=True) for k in q])
    fig = style.figure(3.2)
    ax, ax2 = fig.subplots(1, 2)
    ax.semilogy(q, direct, label="direct (d−q+1)²q²")
    ax.semilogy(q, sep, label="separable q(d−q+1)(2d−q+1)")
    ax.set(xlabel="kernel size q", ylabel="multiply-accumulates", title=f"{d}×{d} image")
    style.legend_outside(ax, "below", ncols=1)
    ax2.plot(q, direct / sep, label="measured ratio")
    ax2.plot(q, q / 2, "--", color="0.4", label="q/2 (d ≫ q)")
    ax2.set(xlabel="kernel size q", title="speed-up of the separable route")
    style.legend_outside(ax2, "below", ncols=1)
    return fig
