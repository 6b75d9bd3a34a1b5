"""Figures of chapter 8, part C: the digits experiment and distillation."""

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.style import styled
from edl.tricks import distillation


@styled
def plot_trick_curves(histories: dict) -> Figure:
    """Training and held-out cross-entropy per epoch of every variant, side by side (log scale)."""
    fig = style.figure(3.6)
    axes = fig.subplots(1, 2, sharey=True)
    for j, (trick, h) in enumerate(histories.items()):
        epochs = np.arange(1, len(h.train_loss) + 1)
        axes[0].semilogy(epochs, h.train_loss, color=f"C{j}", label=trick)
        axes[1].semilogy(epochs, h.test_loss, color=f"C{j}", label=trick)
    axes[0].set(xlabel="epoch", ylabel="cross-entropy", title="training")
    axes[1].set(xlabel="epoch", title="held out (500 digits)")
    style.legend_outside(axes[1], "right")
    return fig


@styled
def plot_temperature(T: float = 4.0, seed: int = 1) -> Figure:
    r"""A teacher's class probabilities at temperature :math:`T`: dark knowledge appears as :math:`T` grows."""
    F = torch.as_tensor(np.random.default_rng(seed).normal(size=10) * 3)
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    for j, t in enumerate((1.0, T)):
        ax.bar(np.arange(10) + (j - 0.5) * 0.4, distillation.tempered_softmax(F, t).numpy(), width=0.38,
               color=f"C{j}", label=f"T = {t:g}")
    ax.set(xticks=range(10), xlabel="class", ylabel="p^T", title="Softened targets keep the ranking of the wrong classes")
    style.legend_outside(ax, "right")
    return fig
