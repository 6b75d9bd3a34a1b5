"""Figures and explorers of chapter 6, part C: the counting transformer against the MLP, and its attention maps."""

import functools

import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from edl.attention import counting as ct
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled


@styled
def plot_training_curves(runs: dict, params) -> Figure:
    """Training loss and test accuracy of the transformer and the MLP (same parameter budget) against steps."""
    fig = style.figure(3.2)
    ax, ax2 = fig.subplots(1, 2)
    for j, (name, n) in enumerate(zip(("transformer", "mlp"), params)):
        run = runs[name]
        label = f"{'transformer' if j == 0 else 'MLP'} ({n:,} parameters)"
        ax.semilogy(run.steps, run.train_loss, color=f"C{j}", label=label)
        ax2.plot(run.steps, 100 * np.asarray(run.test_accuracy), color=f"C{j}", label=label)
    ax.set(xlabel="step", ylabel="cross-entropy", title="training loss")
    ax2.set(xlabel="step", ylabel="exact counts (%)", ylim=(0, 100), title="test accuracy")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


@styled
def plot_attention_maps(model, tokens, head: int = 0) -> Figure:
    """One head's attention map on one sequence, with the tokens on both axes, beside the predicted counts."""
    model.eval()
    with torch.no_grad():
        logits, weights = model(tokens[None])
    A = weights[0, head].cpu().numpy()
    labels = [str(int(t)) for t in tokens]
    pred, true = logits[0].argmax(-1).cpu().numpy() + 1, (tokens[:, None] == tokens[None]).sum(-1).cpu().numpy()
    fig = style.figure(3.6)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.2, 1])
    im = ax.imshow(A, cmap="viridis", norm=Normalize(0, 0.5))        # weights above 0.5 show on the bar's extension
    ax.set_xticks(range(len(labels)), labels)
    ax.set_yticks(range(len(labels)), labels)
    ax.set(xlabel="key token", ylabel="query token", title=f"head {head}")
    style.colorbar(im, ax, label="weight")
    x = np.arange(len(labels))
    ax2.bar(x - 0.2, true, width=0.4, color="0.6", label="true count")
    ax2.bar(x + 0.2, pred, width=0.4, color="C0", label="predicted")
    ax2.set_xticks(x, labels)
    ax2.set(xlabel="token", ylim=(0, ct.T_LEN + 0.5), title="counts")
    style.legend_outside(ax2, "below", ncols=2)
    return fig


@functools.cache
def trained_runs(steps: int = 600, seed: int = 0) -> dict:
    """The experiment (transformer and MLP, :func:`edl.attention.counting.compare`), run once per process."""
    return ct.compare(steps=steps, seed=seed)


def trained_counter():
    """The trained transformer of the experiment (the explorer's model)."""
    return trained_runs()["transformer"].model.eval()


EXAMPLES = ct.make_counting_data(10, seed=2024)[0]


def _example_map(example: int = 0, head: int = 0) -> Figure:
    return plot_attention_maps(trained_counter(), EXAMPLES[example], head)


def attention_map_explorer() -> Explorer:
    return Explorer(_example_map, [Control("example", list(range(10)), label="test sequence"),
                                   Control("head", [0, 1], label="head", why_few="the model has two heads")],
                    title="The trained counter: each token attends to the tokens equal to it")
