"""Figures and explorers of chapter 10, part 1: pure ``plot_*`` functions and ``*_explorer`` factories.

Every ``plot_*`` takes its data as arguments (or computes it from the library with fixed, seeded draws)
and returns a matplotlib ``Figure`` in the book's style; an explorer wraps one of them.
"""

import functools
import math

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_in_range, require_int, require_positive_scalar
from edl.generative import flows as fl
from edl.generative import gan_metrics as gm
from edl.generative import gans as ga
from edl.generative import latent as la
from edl.generative import linear as li
from edl.generative import vae as va

F64 = torch.float64


# --- PCA and the linear autoencoder ------------------------------------------------------------------

@styled
def plot_eckart_young(X: np.ndarray, image: np.ndarray, ranks=(1, 3, 8, 20)) -> Figure:
    r"""Squared singular values of a centred data matrix and the relative Eckart–Young error, with an image reconstructed at several ranks."""
    X = np.asarray(X, dtype=float)
    s = np.linalg.svd(X, compute_uv=False)
    err = np.array([float(li.eckart_young_error(torch.as_tensor(X), r)) for r in range(len(s) + 1)])
    fig = style.figure(3.8)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.5, 1])
    ax, ax2 = top.subplots(1, 2)
    ax.semilogy(np.arange(1, len(s) + 1), s**2, "C0.-")
    ax.set(xlabel="index i", ylabel=r"$\sigma_i^2$", title="spectrum of the data")
    ax2.semilogy(np.arange(len(s)), (err[:-1] / err[0]) ** 2, "C1.-")
    ax2.set(xlabel="rank r", ylabel=r"$\|X-X_r\|_F^2/\|X\|_F^2$", title="best rank-r error (Eckart–Young)")
    axes = bottom.subplots(1, len(ranks) + 1)
    mean = X.mean(1, keepdims=True)
    for a, r in zip(axes, ranks):
        C, D = li.lae_optimum(torch.as_tensor(X), r)
        rec = (D @ (C @ torch.as_tensor(image[:, None] - mean))).numpy()[:, 0] + mean[:, 0]
        a.imshow(rec.reshape(8, 8), cmap="gray_r")
        a.set_title(f"rank {r}")
        a.axis("off")
    axes[-1].imshow(image.reshape(8, 8), cmap="gray_r")
    axes[-1].set_title("original")
    axes[-1].axis("off")
    style.categorical(*[im for a in axes for im in a.images])
    return fig


@styled
def plot_lae_landscape(S: float = 1.0) -> Figure:
    r"""The scalar linear-autoencoder loss :math:`\frac12S(1-cd)^2`: a valley of minima along :math:`cd=1` and a saddle at the origin."""
    c = np.linspace(-2.5, 2.5, 301)
    C, D = np.meshgrid(c, c)
    f = 0.5 * S * (1 - C * D) ** 2
    fig = style.figure(3.8)
    ax = fig.add_subplot()
    im = ax.contourf(C, D, np.log10(f + 1e-3), levels=20, cmap="viridis")
    style.colorbar(im, ax, r"$\log_{10}(f+10^{-3})$")
    cc = np.linspace(0.4, 2.5, 100)
    ax.plot(cc, 1 / cc, "w--", lw=1.5, label="minima cd = 1")
    ax.plot(-cc, -1 / cc, "w--", lw=1.5)
    ax.plot([0], [0], "rx", ms=9, mew=2, label="saddle (0, 0)")
    ax.set(xlabel="encoder c", ylabel="decoder d", aspect="equal", title=r"$f(c,d)=\frac{1}{2}S(1-cd)^2$")
    style.legend_outside(ax, "below")
    return fig


@styled
def plot_ppca_spectrum(lam, m: int) -> Figure:
    r"""Eigenvalues of a sample covariance with the PPCA noise level :math:`\sigma^2_{ML}` as a water line: :math:`\rho_i^2` is what sticks out."""
    lam = np.sort(np.asarray(lam, dtype=float))[::-1]
    W, s2 = la.ppca_mle(torch.as_tensor(np.diag(lam)), m)
    rho2 = (W**2).sum(0).numpy()
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    i = np.arange(1, len(lam) + 1)
    ax.bar(i, lam, color="0.8", label=r"eigenvalue $\lambda_i$")
    ax.bar(i[:m], rho2, bottom=float(s2), color="C0", label=r"$\rho_i^2=\lambda_i-\sigma^2$ (kept)")
    ax.axhline(float(s2), color="C3", ls="--", label=rf"$\sigma^2_{{ML}}$ = {float(s2):.3f}")
    ax.set(xlabel="i", ylabel="variance", title=f"PPCA with m = {m}: loadings are what rises above the noise")
    style.legend_outside(ax, "right")
    return fig


# --- the ELBO and its gap -----------------------------------------------------------------------------

X0, S2 = 1.3, 0.25
LOG_V = tuple(np.round(np.linspace(-4.0, 1.5, 12), 2))


@styled
def plot_elbo_gap(log_v: float = -1.6, m=None) -> Figure:
    r"""The ELBO of :math:`q=\mathcal N(m,v)` against :math:`\log p(x)` in the conjugate model, with the gap :math:`\mathrm{KL}(q\|p(z|x))` as a bar."""
    log_v = float(log_v)
    require_in_range("log_v", log_v, -6.0, 3.0)
    pm, pv = (float(t) for t in va.conjugate_posterior(X0, S2))
    m = pm if m is None else float(m)
    logp = float(va.conjugate_log_evidence(X0, S2))
    grid = np.linspace(-4.5, 2.0, 300)
    curve = va.conjugate_elbo(X0, m, torch.as_tensor(np.exp(grid)), S2).numpy()
    here = float(va.conjugate_elbo(X0, m, math.exp(log_v), S2))
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[2, 1])
    ax.plot(grid, curve, "C0", label=f"ELBO, m = {m:.2f}")
    ax.axhline(logp, color="k", ls="--", label=r"$\log p(x)$")
    ax.axvline(math.log(pv), color="0.6", lw=1, label="posterior variance")
    ax.plot([log_v], [here], "o", color="C3", ms=7)
    ax.set(xlabel=r"$\log v$", ylabel="nats", ylim=(logp - 10.0, logp + 0.5), title="ELBO of q = N(m, v)")
    style.mark_clipped(ax, "ELBO below the axes (clipped)")
    style.legend_outside(ax, "below", ncols=3)
    ax2.bar([0], [here - (logp - 10.0)], bottom=logp - 10.0, color="C0", label="ELBO")
    ax2.bar([0], [logp - here], bottom=here, color="C3", label=f"KL(q‖p(z|x)) = {logp - here:.3f}")
    ax2.set(xlim=(-1, 1), ylim=(logp - 10.0, logp + 0.5), xticks=[], title="log p(x) = ELBO + KL")
    style.mark_clipped(ax2, "ELBO below the axes (clipped)")
    style.legend_outside(ax2, "below", ncols=1)
    return fig


def elbo_gap_explorer() -> Explorer:
    return Explorer(plot_elbo_gap, [Control("log_v", list(LOG_V), start=4, label="encoder log-variance log v")],
                    title="The ELBO gap is the KL to the posterior (x = 1.3, s² = 0.25, m at the posterior mean)")


@styled
def plot_estimator_variance(Ks=(1, 3, 10, 30, 100, 300), seed: int = 0) -> Figure:
    r"""Variance of the reparameterised and the score-function estimators of :math:`\partial_\mu\mathbb E\sin(\mathbf a^\top\mathbf z)` against the number of samples K."""
    a, mu, sigma = f64v([0.7, -0.4, 1.1]), f64v([0.2, 0.5, -0.3]), f64v([0.6, 1.0, 0.4])
    f = lambda z: torch.sin(z @ a)  # noqa: E731
    eps = torch.randn(4000, 3, generator=torch.Generator().manual_seed(seed), dtype=F64)
    rm = va.reparam_gradient(f, mu, sigma, eps)[0][:, 0].numpy()
    sm = va.score_function_gradient(f, mu, sigma, eps)[0][:, 0].numpy()
    Ks = np.asarray(Ks)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    ax.loglog(Ks, sm.var() / Ks, "C3o-", label="score function (REINFORCE)")
    ax.loglog(Ks, rm.var() / Ks, "C0o-", label="reparameterisation")
    ax.set(xlabel="samples K", ylabel=r"variance of the $\partial/\partial\mu_1$ estimate",
           title=f"same mean, {sm.var() / rm.var():.0f}× less variance")
    style.legend_outside(ax, "below")
    return fig


def f64v(x):
    return torch.tensor(x, dtype=F64)


@styled
def plot_vae_digits(history, originals, reconstructions, samples, codes, labels) -> Figure:
    """A trained VAE on the digits: training ELBO, reconstructions, samples from the prior, and the 2-D latent codes by class."""
    history = np.asarray(history)
    fig = style.figure(5.4)
    top, bottom = fig.subfigures(2, 1, height_ratios=[1.15, 1])
    ax, ax2 = top.subplots(1, 2)
    k = max(1, len(history) // 50)
    smooth = np.convolve(history, np.ones(k) / k, mode="valid")
    ax.plot(np.arange(len(smooth)) + k, smooth, "C0")
    ax.set(xlabel="step", ylabel="ELBO per image (nats)", title="training ELBO (running mean)")
    sc = ax2.scatter(codes[:, 0], codes[:, 1], c=labels, cmap="tab10", s=4, vmin=-0.5, vmax=9.5)
    style.colorbar(sc, ax2, "digit", ticks=range(10))
    ax2.set(xlabel="$z_1$", ylabel="$z_2$", title="posterior means of the test digits")
    axes = bottom.subplots(3, 10)
    for j in range(10):
        for i, img in enumerate((originals[j], reconstructions[j], samples[j])):
            axes[i, j].imshow(np.asarray(img).reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
            axes[i, j].axis("off")
    style.categorical(*[im for a in axes.ravel() for im in a.images])
    bottom.suptitle("rows: test digits, their reconstructions, samples from the prior", fontsize=10)
    return fig


# --- flows --------------------------------------------------------------------------------------------

def _planar_stack():
    """Ten fixed planar layers (directions turning by 72°, alternating push) that fold a standard normal into lobes."""
    layers = []
    for k in range(10):
        ang = k * 2 * math.pi / 5 + 0.3
        w = np.array([math.cos(ang), math.sin(ang)]) * 3.0
        u = np.array([math.cos(ang + 0.4), math.sin(ang + 0.4)]) * (0.9 if k % 2 == 0 else -0.3)
        layers.append((torch.tensor(u), torch.tensor(w), 0.0))
    return layers


@functools.cache
def _flow_frames(points: int = 6000):
    g = torch.Generator().manual_seed(11)
    z = torch.randn(points, 2, generator=g, dtype=F64)
    out, logq = [z], [fl.standard_normal_log_density(z)]
    for u, w, b in _planar_stack():
        z, ld = fl.planar_flow(z, u, w, b)
        out.append(z)
        logq.append(logq[-1] - ld)
    return out, logq


@styled
def plot_flow_layers(k: int = 3) -> Figure:
    """Samples pushed through the first ``k`` of ten planar layers, coloured by their exact log-density (change of variables)."""
    k = require_int("k", k, minimum=0)
    require_in_range("k", k, 0, 10)
    pts, logq = _flow_frames()
    fig = style.figure(4.2)
    axes = fig.subplots(1, 2)
    for ax, j in zip(axes, (0, k)):
        x, lq = pts[j].numpy(), logq[j].numpy()
        sc = ax.scatter(x[:, 0], x[:, 1], c=lq, s=2, cmap="magma", vmin=-8, vmax=-1, rasterized=True)
        ax.set(xlim=(-6, 6), ylim=(-6, 6), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
               title="base N(0, I)" if j == 0 else f"after {j} planar layer{'s' if j != 1 else ''}")
        style.mark_clipped(ax, "points beyond the axes (clipped)", legend=j == k)
    style.colorbar(sc, axes, r"$\log p_k(\mathbf{x})$")
    return fig


def flow_layers_explorer() -> Explorer:
    return Explorer(plot_flow_layers, [Control("k", list(range(11)), start=3, label="layers applied k")],
                    title="Planar layers deforming a Gaussian; colour is the exact density")


@styled
def plot_flow_fit(data, samples, log_density, history) -> Figure:
    """A fitted 2-D flow: training curve, the data, the learned density on a grid, and samples from it."""
    data, samples = np.asarray(data), np.asarray(samples)
    g = np.linspace(-2.0, 3.0, 120)
    h = np.linspace(-1.5, 2.0, 90)
    G = np.stack(np.meshgrid(g, h), -1).reshape(-1, 2)
    dens = np.exp(log_density(torch.as_tensor(G)).numpy()).reshape(len(h), len(g))
    fig = style.figure(5.6)
    axes = fig.subplots(2, 2).ravel()
    axes[0].plot(np.asarray(history), "C0", lw=0.8)
    axes[0].set(xlabel="step", ylabel="NLL (nats)", title="training")
    axes[1].scatter(data[:, 0], data[:, 1], s=1, c="k")
    axes[1].set(title="data", xlim=(-2, 3), ylim=(-1.5, 2))
    style.mark_clipped(axes[1], "points beyond the axes (clipped)", legend=True)
    im = axes[2].imshow(dens, origin="lower", extent=(-2, 3, -1.5, 2), cmap="viridis", aspect="auto")
    style.colorbar(im, axes[2], "density")
    axes[2].set(title="flow density")
    axes[3].scatter(samples[:, 0], samples[:, 1], s=1, c="C1")
    axes[3].set(title="flow samples", xlim=(-2, 3), ylim=(-1.5, 2))
    style.mark_clipped(axes[3], "points beyond the axes (clipped)", legend=True)
    return fig


# --- GANs -------------------------------------------------------------------------------------------

@styled
def plot_saturation() -> Figure:
    r"""Generator-gradient magnitude against the discriminator's logit on a fake: the minimax loss saturates, the non-saturating one does not."""
    a = torch.linspace(-10, 4, 300, dtype=F64)
    sat, non = ga.generator_gradients(a)
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    ax.semilogy(a, sat.abs(), "C3", label=r"minimax: $|\partial_a\log(1-\sigma(a))|=\sigma(a)$")
    ax.semilogy(a, non.abs(), "C0", label=r"non-saturating: $|\partial_a\log\sigma(a)|=1-\sigma(a)$")
    ax.set(xlabel="discriminator logit a on a fake (≪ 0: confidently rejected)", ylabel="gradient magnitude")
    style.legend_outside(ax, "below", ncols=1)
    return fig


@styled
def plot_js_w1(sigma: float = 0.05) -> Figure:
    r"""JS and :math:`W_1` between :math:`\mathcal N(0,\sigma^2)` and its shift by θ: JS saturates at log 2, :math:`W_1=|\theta|` keeps a slope."""
    sigma = require_positive_scalar("sigma", sigma)
    th = np.linspace(-1, 1, 201)
    J = gm.js_shifted_gaussians(torch.as_tensor(th), sigma, points=4001).numpy()
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    ax.plot(th, J, "C3", label=r"JS$(p,p_\theta)$")
    ax.axhline(math.log(2), color="C3", ls=":", lw=1, label="log 2")
    ax.plot(th, np.abs(th), "C0", label=r"$W_1=|\theta|$")
    ax.set(xlabel=r"shift $\theta$", ylabel="nats / distance", title=f"two Gaussians of width σ = {sigma}")
    style.legend_outside(ax, "right")
    return fig


ETAS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 0.9)


@styled
def plot_game(eta: float = 0.1, steps: int = 200) -> Figure:
    r"""Trajectories of simultaneous GDA, alternating GDA and extragradient on :math:`\min_\theta\max_\psi\theta\psi` from (1, 1)."""
    eta = require_positive_scalar("eta", eta)
    steps = require_int("steps", steps, minimum=1)
    fig = style.figure(3.8)
    ax = fig.add_subplot()
    for method, c in (("simultaneous", "C3"), ("alternating", "C2"), ("extragradient", "C0")):
        p = ga.bilinear_game(1.0, 1.0, eta, steps, method).numpy()
        r = np.linalg.norm(p[-1])
        ax.plot(p[:, 0], p[:, 1], c, lw=1, label=f"{method}: radius {r:.3g}")
    ax.plot([0], [0], "k*", ms=10, label="saddle (0, 0)")
    ax.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal", xlabel=r"$\theta$ (min)", ylabel=r"$\psi$ (max)",
           title=f"η = {eta}, {steps} steps")
    style.mark_clipped(ax, "trajectory beyond the axes (clipped)")
    style.legend_outside(ax, "right")
    return fig


def game_explorer() -> Explorer:
    return Explorer(plot_game, [Control("eta", list(ETAS), start=2, label="step size η")],
                    title="Gradient descent–ascent on min_θ max_ψ θψ: three update rules")


@styled
def plot_gan_fit(data, samples, d_loss, g_loss) -> Figure:
    """A small GAN on a ring of eight Gaussians: both players' losses and the samples against the data."""
    data, samples = np.asarray(data), np.asarray(samples)
    fig = style.figure(3.2)
    ax, ax2 = fig.subplots(1, 2)
    k = max(1, len(d_loss) // 40)
    for y, c, name in ((d_loss, "C3", "discriminator"), (g_loss, "C0", "generator (non-saturating)")):
        ax.plot(np.convolve(np.asarray(y), np.ones(k) / k, mode="valid"), c, label=name)
    ax.axhline(2 * math.log(2), color="C3", ls=":", lw=1, label="log 4 (D = ½)")
    ax.set(xlabel="step", ylabel="loss", title="training (running mean)")
    style.legend_outside(ax, "below", ncols=1)
    ax2.scatter(data[:, 0], data[:, 1], s=2, c="0.6", label="data")
    ax2.scatter(samples[:, 0], samples[:, 1], s=2, c="C1", label="GAN samples")
    ax2.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", title="samples")
    style.mark_clipped(ax2, "samples beyond the axes (clipped)")
    style.legend_outside(ax2, "right", markerscale=4)
    return fig
