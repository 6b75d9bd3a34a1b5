"""Figures of chapter 4, part C: skip-gram with negative sampling against PMI, and the CNN on digits."""

import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from edl.convolution import digits as dg
from edl.convolution import embeddings as em
from edl.core import style
from edl.core.style import styled


@styled
def plot_sgns_pmi(counts, learned: dict) -> Figure:
    r"""Dot products learned by skip-gram with negative sampling (full-rank embeddings, trained by gradient
    ascent) against :math:`\mathrm{PMI}-\log k`, one colour per :math:`k`. ``learned`` : ``{k: scores (V, V)}``."""
    P = em.pmi(counts).numpy()
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    lo, hi = P.min() - np.log(max(learned)) - 0.3, P.max() + 0.3
    line = np.array([P.min() - 0.3, hi])
    for j, (k, S) in enumerate(sorted(learned.items())):
        ax.plot(P.ravel(), np.asarray(S).ravel(), "o", ms=4, color=f"C{j}", label=f"learned, k = {k:g}")
        ax.plot(line, line - np.log(k), "--", lw=1, color=f"C{j}", label=f"PMI − log {k:g}")
    ax.set(xlim=(P.min() - 0.3, hi), ylim=(lo, hi), xlabel="PMI(w, c)", ylabel="learned x_w·y_c",
           title="SGNS optima: PMI shifted down by log k")
    style.mark_clipped(ax)
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_training_curves(cnn_accuracy, mlp_accuracy, params) -> Figure:
    """Test accuracy per epoch of the CNN and the MLP of the same parameter budget."""
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    epochs = np.arange(1, len(cnn_accuracy) + 1)
    ax.plot(epochs, 100 * np.asarray(cnn_accuracy), label=f"CNN ({params[0]:,} parameters)")
    ax.plot(epochs, 100 * np.asarray(mlp_accuracy), label=f"MLP ({params[1]:,} parameters)")
    ax.set(xlabel="epoch", ylabel="test accuracy (%)", ylim=(80, 100), title="8×8 digits, 500 test images")
    style.mark_clipped(ax)
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_filters_and_maps(model: dg.SmallCNN, image) -> Figure:
    """The eight learned 3×3 first-layer filters, and the feature maps they produce on one digit."""
    w = model.conv1.weight.detach().cpu()[:, 0].numpy()                     # (8, 3, 3)
    with torch.no_grad():
        maps = model.features(image[None].to(next(model.parameters()).device))[0].cpu().numpy()   # (8, 8, 8)
    fig = style.figure(3.4)
    axes = fig.subplots(2, 9, width_ratios=[1.15] + [1] * 8)
    img = axes[0, 0].imshow(image[0].cpu().numpy(), cmap="gray_r", vmin=0, vmax=1)
    style.categorical(img)
    axes[0, 0].set_title("input", fontsize=9.5)
    axes[1, 0].axis("off")
    wnorm = Normalize(-float(abs(w).max()), float(abs(w).max()))
    mnorm = Normalize(0, max(float(maps.max()), 1e-12))
    for c in range(8):
        f = axes[0, c + 1].imshow(w[c], cmap="RdBu_r", norm=wnorm)
        axes[0, c + 1].set_title(f"filter {c + 1}", fontsize=9.5)
        m = axes[1, c + 1].imshow(maps[c], cmap="magma", norm=mnorm)
    for ax in axes.ravel():
        ax.set(xticks=[], yticks=[])
    style.colorbar(f, axes[0, 1:], label="weight", shrink=0.8)
    style.colorbar(m, axes[1, 1:], label="ReLU(feature)", shrink=0.8)
    return fig


@styled
def plot_receptive_field_on_digit(model: dg.SmallCNN, image, units=((0, 1, 1), (0, 0, 0), (0, 3, 2))) -> Figure:
    """The input pixels that a unit of the second conv layer sees (autograd), drawn on a digit."""
    fig = style.figure(3.0)
    axes = fig.subplots(1, len(units))
    for ax, (c, i, j) in zip(axes, units):
        mask = dg.input_receptive_field(model, image, c, i, j).cpu().numpy()
        shown = ax.imshow(image[0].cpu().numpy(), cmap="gray_r", vmin=0, vmax=1)
        style.categorical(shown)
        over = np.ma.masked_where(~mask, np.ones_like(mask, dtype=float))
        tint = ax.imshow(over, cmap="autumn", alpha=0.45, vmin=0, vmax=1)
        style.categorical(tint)
        rows, cols = np.nonzero(mask)
        ax.set(xticks=[], yticks=[], title=f"unit ({i},{j}): {np.ptp(rows) + 1}×{np.ptp(cols) + 1} pixels")
    return fig
