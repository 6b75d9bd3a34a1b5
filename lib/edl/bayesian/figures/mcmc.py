"""Figures and explorers of chapter 9, part 2: Bayes' rule, Metropolis–Hastings, HMC and its integrators,
conductance, and the HMC experiment."""

import functools
import math

import numpy as np
import scipy.stats
import torch
from matplotlib.figure import Figure

from edl.bayesian import dynamics as dy
from edl.bayesian import markov as mk
from edl.bayesian import posterior as po
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_choice, require_int, require_positive_scalar

F64 = torch.float64

#: A fixed sequence of coin flips (1 = heads) drawn with P(heads) = 0.7; the explorer reveals its first n.
COIN = np.random.default_rng(3).uniform(size=60) < 0.7


# --- Bayes' rule --------------------------------------------------------------------------------------

@styled
def plot_bayes_rule(n: int = 5, a: float = 2.0, b: float = 2.0) -> Figure:
    r"""Prior Beta(a, b), likelihood of the first ``n`` coin flips, and the posterior they multiply to."""
    n = require_int("n", n, minimum=0)
    if n > len(COIN):
        raise ValueError(f"n must be at most {len(COIN)}, got {n}")
    k = int(COIN[:n].sum())
    theta = torch.linspace(0, 1, 401, dtype=F64)
    prior = torch.as_tensor(scipy.stats.beta.pdf(theta.numpy(), a, b))
    like = theta**k * (1 - theta) ** (n - k)
    post, evidence = po.grid_posterior(theta, prior, like)
    fig = style.figure(3.2)
    axes = fig.subplots(1, 3, sharex=True)
    scaled = like / torch.trapezoid(like, theta)
    for ax, y, title, c in ((axes[0], prior, f"prior Beta({a:g}, {b:g})", "C0"),
                            (axes[1], scaled, f"likelihood: {k} heads in {n}", "C1"),
                            (axes[2], post, f"posterior, p(S) = {float(evidence):.2e}", "C2")):
        ax.fill_between(theta.numpy(), y.numpy(), color=c, alpha=0.35)
        ax.plot(theta.numpy(), y.numpy(), color=c, lw=2)
        ax.axvline(0.7, color="0.4", ls=":", lw=1)
        ax.set(title=title, xlabel="θ = P(heads)", ylim=(0, 9.5))
    axes[0].set_ylabel("density (likelihood rescaled)")
    for ax in axes:
        style.mark_clipped(ax)
    return fig


def bayes_rule_explorer() -> Explorer:
    flips = [0, 1, 2, 3, 5, 8, 12, 20, 35, 60]
    return Explorer(plot_bayes_rule, [Control("n", flips, start=4, label="coin flips seen n")],
                    title="Prior × likelihood ∝ posterior: the posterior narrows around 0.7 as flips arrive")


# --- Metropolis–Hastings on a bimodal target ---------------------------------------------------------

def _mixture_logpdf(x):
    return torch.logaddexp(-2 * (x + 2) ** 2, -2 * (x - 2) ** 2).sum(-1)


def mh_run(proposal_sd: float, n_chains: int = 20, n_steps: int = 600, seed: int = 0):
    """Random-walk Metropolis on ½N(−2, ½²) + ½N(2, ½²) from x = 0: states ``(n_steps, n_chains)`` and the
    mean acceptance rate."""
    proposal_sd = require_positive_scalar("proposal_sd", proposal_sd)
    g = torch.Generator().manual_seed(seed)
    walk = lambda x, gen: x + proposal_sd * torch.randn(x.shape, generator=gen, dtype=x.dtype)   # noqa: E731
    xs, acc = mk.metropolis_hastings(_mixture_logpdf, torch.zeros(n_chains, 1, dtype=F64), walk, None, n_steps, g)
    return xs[:, :, 0].numpy(), float(acc.mean())


@styled
def plot_metropolis(proposal_sd: float = 1.5) -> Figure:
    r"""A random-walk Metropolis chain on a two-mode target: the trace of one chain and the histogram of 20."""
    xs, acc = mh_run(proposal_sd)
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1])
    ax.plot(xs[:, 0], color="C0", lw=0.8)
    ax.set(xlabel="step", ylabel="x", ylim=(-4.5, 4.5), title=f"σ = {proposal_sd:g}: acceptance {acc:.2f}")
    style.mark_clipped(ax)
    grid = np.linspace(-4.5, 4.5, 300)
    dens = 0.5 * scipy.stats.norm.pdf(grid, -2, 0.5) + 0.5 * scipy.stats.norm.pdf(grid, 2, 0.5)
    ax2.hist(xs[100:].ravel(), bins=np.linspace(-4.5, 4.5, 46), density=True, color="C0", alpha=0.5,
             orientation="horizontal", label="20 chains, steps 100–600")
    ax2.plot(dens, grid, color="k", lw=1.5, label="target")
    ax2.set(ylim=(-4.5, 4.5), xlabel="density", xlim=(0, 0.95))
    style.mark_clipped(ax2)
    style.legend_outside(ax2, "below", ncols=1)
    return fig


def metropolis_explorer() -> Explorer:
    values = [0.05, 0.1, 0.2, 0.5, 1.0, 1.5, 2.5, 4.0, 8.0, 20.0]
    return Explorer(plot_metropolis, [Control("proposal_sd", values, start=5, label="proposal width σ")],
                    title="Metropolis–Hastings: too small a step never leaves a mode, too large a step is always rejected")


# --- HMC: integrators and acceptance -----------------------------------------------------------------

HMC_ETAS = [0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0]


@functools.cache
def hmc_acceptance_curve(integrator: str) -> tuple[float, ...]:
    """Acceptance of HMC on the chapter's Bayesian-regression posterior for each step in :data:`HMC_ETAS`
    (in units of 1/√λ_max), 10 chains × 60 iterations, L ~ Unif{5..24}."""
    from edl.bayesian.checks.dynamics import blr_posterior_problem
    A, mu = blr_posterior_problem()
    At, mut = torch.as_tensor(A), torch.as_tensor(mu)
    E = lambda t: 0.5 * (((t - mut) @ At) * (t - mut)).sum(-1)            # noqa: E731
    grad = lambda t: (t - mut) @ At                                       # noqa: E731
    scale = 1 / math.sqrt(np.linalg.eigvalsh(A).max())
    out = []
    for eta in HMC_ETAS:
        r = dy.hmc_random_numbers(60, 10, 3, (5, 24), torch.Generator().manual_seed(0))
        out.append(float(dy.hmc_chains(E, grad, mut.expand(10, 3), eta * scale, r, integrator)[1].mean()))
    return tuple(out)


@styled
def plot_hmc_integrators(eta: float = 0.3, integrator: str = "leapfrog") -> Figure:
    r"""Left: 40 steps of size η of an integrator on :math:`E=\theta^2/2` (exact orbits are circles).
    Right: HMC acceptance against the step size, with the chosen step marked."""
    eta = require_positive_scalar("eta", eta)
    require_choice("integrator", integrator, ("leapfrog", "euler"))
    step = dy.leapfrog if integrator == "leapfrog" else dy.explicit_euler
    pts = [(torch.tensor([[1.0]], dtype=F64), torch.tensor([[0.0]], dtype=F64))]
    for _ in range(40):
        pts.append(step(lambda t: t, *pts[-1], eta, 1))
    th = np.array([float(p[0]) for p in pts])
    vv = np.array([float(p[1]) for p in pts])
    H = 0.5 * (th**2 + vv**2)
    fig = style.figure(3.6)
    ax, ax2 = fig.subplots(1, 2)
    t = np.linspace(0, 2 * np.pi, 200)
    ax.plot(np.cos(t), np.sin(t), color="0.6", lw=1, label="exact orbit H = ½")
    ax.plot(th, vv, "o-", ms=3, lw=1, color="C0" if integrator == "leapfrog" else "C3", label=f"{integrator}, 40 steps")
    ax.set(xlim=(-2.2, 2.2), ylim=(-2.2, 2.2), aspect="equal", xlabel="θ", ylabel="v",
           title=f"η = {eta:g}: H after 40 steps {H[-1]:.3g}")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=1)
    for name, c in (("leapfrog", "C0"), ("euler", "C3")):
        ax2.plot(HMC_ETAS, hmc_acceptance_curve(name), "o-", color=c, ms=4, label=name)
    ax2.axvline(eta, color="0.3", ls=":", lw=1)
    ax2.set(xlabel="step η·√λ_max", ylabel="acceptance rate", ylim=(-0.03, 1.03), xscale="log",
            title="HMC on a 3-d Gaussian posterior")
    style.legend_outside(ax2, "below", ncols=2)
    return fig


def hmc_explorer() -> Explorer:
    return Explorer(plot_hmc_integrators,
                    [Control("eta", HMC_ETAS, start=4, label="step size η"),
                     Control("integrator", ["leapfrog", "euler"], label="integrator",
                             why_few="two integrators: the symplectic one and explicit Euler")],
                    title="HMC: leapfrog stays on its orbit and is accepted; explicit Euler spirals out and is rejected")


@styled
def plot_hmc_experiment(samples: dict, mean, sd) -> Figure:
    r"""Histograms of the first coordinate of HMC samples for each integrator against the exact posterior marginal.

    ``samples`` : integrator name → array ``(N, d)``; ``mean``, ``sd`` : exact posterior means and sds."""
    fig = style.figure(3.2)
    axes = fig.subplots(1, len(samples), sharey=True)
    for ax, (name, xs) in zip(np.atleast_1d(axes), samples.items()):
        z = (np.asarray(xs)[:, 0] - mean[0]) / sd[0]
        ax.hist(z, bins=np.linspace(-5, 5, 41), density=True, color="C0" if name == "leapfrog" else "C3", alpha=0.6,
                label=f"{name} HMC")
        grid = np.linspace(-5, 5, 200)
        ax.plot(grid, scipy.stats.norm.pdf(grid), "k", lw=1.5, label="exact posterior")
        ax.set(xlabel="(w₁ − posterior mean) / posterior sd", title=f"{name}: {len(z):,} samples", xlim=(-5, 5))
        style.mark_clipped(ax)
        style.legend_outside(ax, "below", ncols=1)
    np.atleast_1d(axes)[0].set_ylabel("density")
    return fig


# --- conductance --------------------------------------------------------------------------------------

def barbell_chain(bridge: float):
    """Lazy random walk on two 5-cliques joined by one edge of weight ``bridge``: (π, T)."""
    bridge = require_positive_scalar("bridge", bridge)
    W = np.zeros((10, 10))
    W[:5, :5] = W[5:, 5:] = 1.0
    np.fill_diagonal(W, 0.0)
    W[4, 5] = W[5, 4] = bridge
    deg = W.sum(1)
    return deg / deg.sum(), 0.5 * (np.eye(10) + W / deg[:, None])


@styled
def plot_conductance(bridge: float = 1.0) -> Figure:
    r"""Spectral gap of the lazy walk on a barbell against the bridge weight, between Cheeger's bounds."""
    bridges = np.logspace(-3, 1, 30)
    rows = []
    for w in bridges:
        pi, T = barbell_chain(float(w))
        phi = float(mk.min_conductance(torch.as_tensor(pi), torch.as_tensor(T)))
        rows.append((phi, float(mk.spectral_gap(torch.as_tensor(pi), torch.as_tensor(T)))))
    phi, gap = np.array(rows).T
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.fill_between(bridges, phi**2 / 2, 2 * phi, color="C0", alpha=0.15, label="Cheeger: ½Φ*² … 2Φ*")
    ax.loglog(bridges, gap, "o-", color="C0", ms=3, label="spectral gap 1 − λ₂")
    ax.loglog(bridges, phi, "--", color="C1", label="conductance Φ*")
    ax.axvline(bridge, color="0.3", ls=":", lw=1)
    ax.set(xlabel="bridge weight", ylabel="rate", title="A bottleneck slows mixing")
    style.legend_outside(ax)
    return fig
