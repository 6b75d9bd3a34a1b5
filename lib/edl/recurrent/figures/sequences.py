"""Figures and explorers of chapter 5, part B: linear recurrent units (eigenvalues, ring initialisation), CTC
alignments, and the chapter's two experiments."""

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int, require_scalar
from edl.recurrent import ctc
from edl.recurrent import lru

#: Values of ν offered by the LRU mode explorer (the modulus of λ, exp(−e^ν), from 0.999 down to 0.05).
NUS = [-7.0, -6.0, -5.0, -4.0, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0, 1.0]
#: The CTC explorer's example: T = 5 steps, 3 symbols (0 = blank), label [1, 2].
CTC_T, CTC_LABEL = 5, (1, 2)


def lru_mode_data(nu: float, phi: float = 0.6, T: int = 120) -> tuple[complex, np.ndarray]:
    """The explorer's data: the eigenvalue λ = exp(−e^ν + iφ) and its impulse response λ^t for t = 0..T−1."""
    nu, phi = require_scalar("nu", nu), require_scalar("phi", phi)
    lam = complex(lru.exp_parameterization(torch.tensor([nu], dtype=torch.float64),
                                           torch.tensor([phi], dtype=torch.float64))[0])
    return lam, lam ** np.arange(require_int("T", T, minimum=1))


@styled
def plot_lru_mode(nu: float = -2.0, phi: float = 0.6) -> Figure:
    r"""One LRU eigenvalue :math:`\lambda=\exp(-e^\nu+i\varphi)` in the unit disc and its impulse response
    :math:`\lambda^t`: a damped rotation with half-life :math:`\ln2/e^\nu`."""
    lam, resp = lru_mode_data(nu, phi)
    t = np.arange(len(resp))
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1, 2])
    circle = np.exp(1j * np.linspace(0, 2 * np.pi, 200))
    ax.plot(circle.real, circle.imag, color="0.5", lw=1)
    ax.plot([lam.real], [lam.imag], "o", color="C3", ms=8)
    ax.set(xlim=(-1.1, 1.1), ylim=(-1.1, 1.1), aspect="equal", title=f"|λ| = {abs(lam):.3f}", xlabel="Re λ", ylabel="Im λ")
    ax2.plot(t, resp.real, color="C0", label="Re λ^t")
    ax2.plot(t, np.abs(resp), color="C3", lw=1.2, ls="--", label="|λ|^t")
    ax2.axhline(0.5, color="0.5", lw=0.8, ls=":", label="½")
    ax2.set(ylim=(-1.05, 1.05), xlabel="t", title=f"ν = {nu:g}: half-life {math.log(2) / math.exp(nu):.3g} steps")
    style.legend_outside(ax2, "right")
    return fig


def lru_mode_explorer() -> Explorer:
    return Explorer(plot_lru_mode, [Control("nu", NUS, start=6, label="ν")],
                    title="The LRU's exponential parameterisation: every real ν gives a stable eigenvalue")


def ring_samples(r_min: float = 0.4, r_max: float = 0.9, m: int = 3000) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues from the area-uniform ring sampler and from a uniform radius (what the ring figure draws)."""
    lam = lru.ring_init(m, r_min, r_max, torch.Generator().manual_seed(0)).numpy()
    rng = np.random.default_rng(0)
    naive = rng.uniform(r_min, r_max, m) * np.exp(2j * np.pi * rng.uniform(size=m))
    return lam, naive


@styled
def plot_ring_init(r_min: float = 0.4, r_max: float = 0.9) -> Figure:
    r"""Ring initialisation: :math:`r=\sqrt{u_1(r_{\max}^2-r_{\min}^2)+r_{\min}^2}` fills the annulus evenly;
    a uniform radius crowds its inner edge."""
    lam, naive = ring_samples(r_min, r_max)
    r_mid = math.sqrt((r_min ** 2 + r_max ** 2) / 2)
    fig = style.figure(3.6)
    axes = fig.subplots(1, 2)
    for ax, z, name in ((axes[0], lam, "r² uniform (area-uniform)"), (axes[1], naive, "r uniform")):
        inside = float((np.abs(z) < r_mid).mean())
        ax.scatter(z.real, z.imag, s=1.5, color="C0", alpha=0.5)
        ax.plot(r_mid * np.cos(np.linspace(0, 6.3, 200)), r_mid * np.sin(np.linspace(0, 6.3, 200)), color="C3", lw=1)
        ax.set(xlim=(-1, 1), ylim=(-1, 1), aspect="equal", title=f"{name}: {100 * inside:.1f}% inside the red circle",
               xlabel="Re λ")
    axes[0].set_ylabel("Im λ")
    return fig


def ctc_data(path_index: int) -> tuple[tuple[int, ...], np.ndarray]:
    """The explorer's data: valid path number ``path_index`` (of the 35 for label [1, 2], T = 5) and the forward
    variables α_t(s) (probabilities) of random outputs."""
    k = require_int("path_index", path_index, minimum=0)
    paths = ctc.ctc_alignments(CTC_T, list(CTC_LABEL), 3)
    if k >= len(paths):
        raise ValueError(f"path_index must be below {len(paths)}, got {k}")
    lp = torch.log_softmax(torch.tensor(np.random.default_rng(40).normal(size=(CTC_T, 3))), -1)
    ext = [0, 1, 0, 2, 0]
    alpha = np.zeros((CTC_T, len(ext)))
    for t in range(CTC_T):                          # α_t(s): probability of the prefixes that end in state s
        for s in range(len(ext)):
            prev = alpha[t - 1, s] + (alpha[t - 1, s - 1] if s else 0) if t else float(s < 2)
            if t and s >= 2 and ext[s] != 0 and ext[s] != ext[s - 2]:
                prev += alpha[t - 1, s - 2]
            alpha[t, s] = prev * math.exp(float(lp[t, ext[s]]))
    return paths[k], alpha


@styled
def plot_ctc_alignment(path_index: int = 0) -> Figure:
    """The CTC trellis of the label [1, 2] over T = 5 steps (blank-extended label b 1 b 2 b), one valid
    alignment drawn through it, and the forward variables as colours."""
    path, alpha = ctc_data(path_index)
    ext = [0, 1, 0, 2, 0]
    states, s = [], 0
    for t, sym in enumerate(path):                 # the trellis state of each step of the path
        if t == 0:
            s = 0 if sym == 0 else 1
        elif sym != ext[s]:
            s = s + 1 if ext[s + 1] == sym else s + 2
        states.append(s)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    im = ax.imshow(alpha.T, origin="upper", cmap="Blues", aspect="auto", norm=None)
    ax.plot(range(CTC_T), states, "o-", color="C3", lw=2.5, ms=9, label="alignment")
    ax.set(yticks=range(5), yticklabels=["blank", "1", "blank", "2", "blank"], xticks=range(CTC_T),
           xlabel="time step t", title=f"path {''.join('·' if c == 0 else str(c) for c in path)} → collapses to 1 2")
    style.colorbar(im, ax, label="forward variable α_t(s)")
    style.legend_outside(ax, "below", ncols=1)
    return fig


def ctc_explorer() -> Explorer:
    return Explorer(plot_ctc_alignment, [Control("path_index", list(range(0, 35, 3)), label="alignment")],
                    title="CTC: the 35 alignments of the label 1 2 in five steps")


@styled
def plot_char_lm(losses, gradient_norms) -> Figure:
    """Training loss of the character LSTM (nats per character) and, on the trained model, the gradient of the last
    prediction with respect to each earlier input character."""
    losses, g = np.asarray(losses, float), np.asarray(gradient_norms, float)
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2)
    ax.plot(np.arange(1, len(losses) + 1), losses, color="C0")
    ax.axhline(math.log(45), color="0.5", ls=":", lw=1, label="uniform over 45 characters")
    ax.set(xlabel="Adam step", ylabel="cross-entropy (nats/char)", title="training on the Zen of Python")
    style.legend_outside(ax, "below", ncols=1)
    lag = np.arange(len(g))[::-1] + 1
    ax2.semilogy(lag, g, "o", ms=3, color="C3")
    ax2.set(xlabel="lag T − t (characters back)", ylabel=r"$\|\partial\ell_T/\partial x_t\|$",
            title="influence of earlier characters")
    return fig


@styled
def plot_memory_task(lru_losses, rnn_losses, accuracies) -> Figure:
    """Training losses of the LRU and the tanh RNN on the remember-the-first-bit task (T = 100)."""
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    for losses, name, colour, acc in ((lru_losses, "LRU", "C0", accuracies[0]), (rnn_losses, "tanh RNN", "C3", accuracies[1])):
        ax.semilogy(np.arange(1, len(losses) + 1), losses, color=colour, label=f"{name}: test accuracy {100 * acc:.0f}%")
    ax.axhline(math.log(2), color="0.5", ls=":", lw=1, label="chance (log 2)")
    ax.set(xlabel="Adam step", ylabel="cross-entropy", title="remember one bit for 100 noisy steps")
    style.legend_outside(ax, "right")
    return fig
