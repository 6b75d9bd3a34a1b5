"""Figures and explorers of chapter 5, part A: BPTT path terms, vanishing and exploding Jacobian products, the
LSTM's cell path and forget bias, teacher forcing."""

import numpy as np
import torch
from matplotlib.colors import SymLogNorm
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_choice, require_positive_scalar, require_scalar
from edl.recurrent import elman as el
from edl.recurrent import gates as ga
from edl.recurrent import gradients as gr
from edl.recurrent import sequences as sq

#: Values of σ₁(U) offered by the Jacobian explorer.
SIGMAS = [0.5, 0.7, 0.8, 0.9, 0.95, 1.0, 1.05, 1.1, 1.2, 1.4, 1.7, 2.0]
#: Forget-gate biases offered by the forget-bias explorer.
FORGET_BIASES = [-2.0, -1.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0]


def jacobian_norm_data(sigma1: float, T: int = 100, m: int = 32) -> dict[str, np.ndarray]:
    """The explorer's data: ‖∂z_t/∂z₀‖ for t = 1..T of a tanh RNN and a linear RNN with Gaussian U rescaled to
    σ₁(U) = ``sigma1`` (inputs N(0, 1)), of the linear RNN with U = σ₁Q (Q orthogonal), and the bound σ₁^t."""
    s = require_positive_scalar("sigma1", sigma1)
    rng = np.random.default_rng(0)
    G = rng.normal(size=(m, m))
    U = torch.tensor(G / np.linalg.norm(G, 2) * s)
    Q = torch.tensor(np.linalg.qr(rng.normal(size=(m, m)))[0] * s)
    x, V, z0 = torch.tensor(rng.normal(size=(T, m))), torch.eye(m, dtype=torch.float64), torch.zeros(m, dtype=torch.float64)
    zero = torch.zeros(T, m, dtype=torch.float64)
    return {"tanh": gr.jacobian_norms(x, U, V, z0, "tanh").numpy(),
            "linear": gr.jacobian_norms(zero, U, V, z0, "linear").numpy(),
            "orthogonal": gr.jacobian_norms(zero, Q, V, z0, "linear").numpy(),
            "bound": gr.vanishing_bound(s, T, "tanh").numpy()[1:],
            "rho": np.array(gr.spectral_radius(U))}


@styled
def plot_jacobian_norms(sigma1: float = 0.9) -> Figure:
    r"""Vanishing and exploding: :math:`\|\partial z_t/\partial z_0\|_2` against the sequence length for
    :math:`\sigma_1(U)` = ``sigma1``, tanh and linear recurrences, and the bound :math:`\sigma_1^t`."""
    d = jacobian_norm_data(sigma1)
    t = np.arange(1, len(d["bound"]) + 1)
    fig = style.figure(4.4)
    ax = fig.add_subplot()
    ax.semilogy(t, d["bound"], "k--", lw=1.2, label=r"bound $(\kappa\sigma_1)^t$")
    ax.semilogy(t, d["orthogonal"], color="C2", lw=2.2, alpha=0.7, label=r"linear, $U=\sigma_1Q$ (attains it)")
    ax.semilogy(t, d["linear"], color="C0", label=f"linear, Gaussian U (ρ = {float(d['rho']):.2f})")
    ax.semilogy(t, d["tanh"], color="C3", label="tanh, Gaussian U, inputs N(0, 1)")
    ax.set(ylim=(1e-30, 1e12), xlabel="steps t", ylabel=r"$\|\partial z_t/\partial z_0\|_2$",
           title=f"σ₁(U) = {sigma1:g}: explosion needs σ₁ > 1, and even then only at rate ρ")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=2)
    return fig


def jacobian_explorer() -> Explorer:
    return Explorer(plot_jacobian_norms, [Control("sigma1", SIGMAS, start=3, label="σ₁(U)")],
                    title="Gradient norm through time: spectral norm, spectral radius and sequence length")


@styled
def plot_bptt_paths(T: int = 12, theta: float = 1.0) -> Figure:
    r"""The terms of the general BPTT sum: cell :math:`(t, i)` is the contribution of the use of :math:`\theta`
    at step :math:`i` to the loss at step :math:`t` (``theta`` scales a random recurrent matrix)."""
    theta = require_scalar("theta", theta)
    rng = np.random.default_rng(3)
    x, U, V, c = (torch.tensor(rng.normal(size=s)) for s in ((T, 3), (6, 6), (6, 3), (T, 6)))
    U = U / np.linalg.norm(U.numpy(), 2)
    terms = el.bptt_path_contributions(x, U, V, theta, c).numpy()
    fig = style.figure(3.6)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.2, 1])
    lim = float(np.abs(terms).max())
    masked = np.ma.masked_where(np.triu(np.ones_like(terms), 1) > 0, terms)
    im = ax.imshow(masked, cmap="RdBu_r", norm=SymLogNorm(1e-4 * lim, vmin=-lim, vmax=lim), origin="lower",
                   extent=(0.5, T + 0.5, 0.5, T + 0.5))
    ax.set(xlabel="use of θ at step i", ylabel="loss at step t", title="path terms (t, i), i ≤ t")
    style.colorbar(im, ax, label="term (symmetric log scale)")
    lag = np.array([np.abs(np.diagonal(terms, -k)[1:]).mean() for k in range(T - 1)])   # i = 1 is 0 (h₀ = 0)
    ax2.semilogy(np.arange(T - 1), lag, "o-", color="C0")
    ax2.set(xlabel="lag t − i", ylabel="mean |term| (i ≥ 2)", title="terms shrink with the lag")
    return fig


@styled
def plot_forget_memory(b_f: float = 1.0) -> Figure:
    r"""Memory along the LSTM's cell path, :math:`\sigma(b_f)^t`, against a tanh RNN's :math:`\|U^t\|` at
    :math:`\sigma_1(U)=0.9`, on a log axis."""
    b = require_scalar("b_f", b_f)
    t = np.arange(0, 101)
    fig = style.figure(3.8)
    ax = fig.add_subplot()
    ax.semilogy(t, ga.forget_memory(b, 100).numpy(), color="C0", lw=2, label=f"LSTM cell path, b_f = {b:g}")
    ax.semilogy(t, 0.9 ** t, color="C3", label="tanh RNN bound, σ₁ = 0.9")
    ax.axhline(0.5, color="0.6", lw=0.8, ls=":")
    ax.set(ylim=(1e-12, 2), xlabel="lag t", ylabel=r"$\partial C_t/\partial C_0$",
           title=f"half-life {ga.memory_half_life(b):.3g} steps (dotted line: ½)")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=2)
    return fig


def forget_bias_explorer() -> Explorer:
    return Explorer(plot_forget_memory, [Control("b_f", FORGET_BIASES, start=4, label="forget bias b_f")],
                    title="The forget-gate bias sets how long the cell remembers")


@styled
def plot_teacher_forcing(a_hat: float = 1.01, T: int = 100) -> Figure:
    """Teacher-forced and free-running predictions of a slightly wrong AR(1) model of the constant series y = 1."""
    a = require_scalar("a_hat", a_hat)
    y = torch.ones(T + 1, dtype=torch.float64)
    teacher, free = (r.numpy() for r in sq.ar1_rollouts(a, y))
    t = np.arange(1, T + 1)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    ax.plot(t, np.ones(T), color="0.3", lw=2.5, label="truth y_t = 1")
    ax.plot(t, teacher, color="C0", label="teacher forcing: â·y_{t−1}")
    ax.plot(t, free, color="C3", label="free running: â·ŷ_{t−1}")
    ax.set(xlabel="t", ylabel="prediction", title=f"â = {a:g}: a one-step error of {abs(a - 1):.2g} compounds to "
                                                  f"{abs(free[-1] - 1):.2f}")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_gru_gap(reset: str = "before") -> Figure:
    """Hidden states of ``nn.GRU``'s reset-after equations against the reset-before equations with the same
    parameters, for one unit over 30 steps."""
    require_choice("reset", reset, ("before", "after"))
    torch.manual_seed(3)
    gru = torch.nn.GRU(3, 5).double()
    x = torch.tensor(np.random.default_rng(24).normal(size=(30, 1, 3)))
    params = [p.detach() for p in gru.parameters()]
    after = ga.gru_forward(x, *params, reset="after")[:, 0].numpy()
    other = ga.gru_forward(x, *params, reset=reset)[:, 0].numpy()
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    for k in range(2):
        ax.plot(after[:, k], color=f"C{k}", label=f"unit {k}: reset after (nn.GRU)")
        ax.plot(other[:, k], "--", color=f"C{k}", label=f"unit {k}: reset {reset}")
    ax.set(xlabel="t", ylabel="h_t", title="same parameters, two GRUs")
    style.legend_outside(ax, "right")
    return fig
