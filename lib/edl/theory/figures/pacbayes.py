"""Figures and explorers of chapter 9, part 1: the PAC-Bayes objective and a non-vacuous bound."""

import functools

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.theory import pacbayes as pb

THETAS = np.linspace(-2.5, 2.5, 201)


def two_minima_loss(theta):
    """A loss in [0, 1] with a sharp minimum at −1 and a flat one at +1: min(5(θ+1)², 0.2(θ−1)²), clipped at 1."""
    theta = np.asarray(theta, float)
    return np.clip(np.minimum(5 * (theta + 1) ** 2, 0.2 * (theta - 1) ** 2), 0, 1)


@functools.lru_cache(maxsize=None)
def objective_curve(sigma: float, s: int = 1000, prior_std: float = 2.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The explorer's data: E_Q Ê (Gauss–Hermite, 100 nodes) and the PAC-Bayes objective over the grid of means, for
    posterior width ``sigma``; also the KL term."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(100)
    weights = weights / weights.sum()
    emp = (two_minima_loss(THETAS[:, None] + sigma * nodes) * weights).sum(1)
    kl = pb.gaussian_kl_diag(torch.tensor(THETAS[:, None]), torch.full((len(THETAS), 1), float(sigma)), prior_std).numpy()
    return emp, pb.pac_bayes_objective(torch.tensor(emp), torch.tensor(kl), s, 0.05).numpy(), kl


@styled
def plot_pac_bayes_objective(sigma: float = 0.1) -> Figure:
    r"""A sharp and a flat minimum of the same depth, the Gaussian posterior :math:`Q=\mathcal N(\theta,\sigma^2)` at the
    minimiser of the PAC-Bayes objective for this :math:`\sigma`, and the objective over :math:`\theta`
    (:math:`s=1000`, prior :math:`\mathcal N(0,2^2)`)."""
    emp, obj, _ = objective_curve(float(sigma))
    best = THETAS[np.argmin(obj)]
    fig = style.figure(4.4)
    top, bottom = fig.subplots(2, 1, sharex=True)
    top.plot(THETAS, two_minima_loss(THETAS), color="0.3", label="loss Ê(θ)")
    top.plot(THETAS, emp, color="C0", label=f"E_Q Ê, σ = {sigma:g}")
    dens = np.exp(-0.5 * ((THETAS - best) / sigma) ** 2)
    top.fill_between(THETAS, 0, 0.9 * dens, color="C1", alpha=0.3, label=f"Q at the best mean {best:+.2f}")
    top.set(ylim=(0, 1.05), ylabel="error", title="The PAC-Bayes objective prefers the flat minimum")
    style.legend_outside(top, "right")
    bottom.plot(THETAS, obj, color="C3", label="E_PAC(θ, σ)")
    bottom.axvline(best, color="C1", ls=":", lw=1.2, label="its minimiser")
    bottom.set(xlabel="posterior mean θ", ylabel="bound", ylim=(0, 1.5))
    style.mark_clipped(bottom, legend=True)
    style.legend_outside(bottom, "right")
    return fig


def pac_bayes_explorer() -> Explorer:
    sigmas = [0.02, 0.04, 0.07, 0.1, 0.15, 0.2, 0.3, 0.45, 0.7, 1.0]
    return Explorer(plot_pac_bayes_objective, [Control("sigma", sigmas, start=3, label="posterior width σ")],
                    title="PAC-Bayes: a wider posterior pays less KL but must tolerate perturbations")


@styled
def plot_pac_bayes_bound(parts: dict) -> Figure:
    """The non-vacuous bound of the reparameterised experiment, as bars: empirical Gibbs error, the two forms of the
    bound, and the test error of the stochastic and of the mean classifier (``parts``: label → value)."""
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    labels, values = list(parts), list(parts.values())
    colors = ["C0", "C3", "C1", "C2", "C4", "C5"][: len(values)]
    ax.barh(labels, values, color=colors)
    for i, val in enumerate(values):
        ax.text(val + 0.005, i, f"{val:.3f}", va="center", fontsize=9.5)
    ax.axvline(0.5, color="0.5", ls=":", lw=1)
    ax.text(0.505, len(values) - 0.6, "a coin flip", color="0.35", fontsize=9.5, va="bottom")
    ax.set(xlim=(0, 0.6), xlabel="0-1 error", title="A non-vacuous PAC-Bayes bound (d = 20, s = 5000, δ = 0.05)")
    ax.invert_yaxis()
    return fig
