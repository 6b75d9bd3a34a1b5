"""Figures and explorers of chapter 10, part 2: pure ``plot_*`` functions and ``*_explorer`` factories.

Every ``plot_*`` takes its data as arguments (or computes it from the library with fixed, seeded
draws) and returns a matplotlib ``Figure`` in the book's style; an explorer wraps one of them.
"""

import functools
import math

import matplotlib.colors
import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_in_range, require_int
from edl.diffusion import elbo as el
from edl.diffusion import forward as fw
from edl.diffusion import sampling as sa
from edl.diffusion.checks.elbo import CATALOGUE_MODEL, _true_reverse, consistency_form, exact_elbo, log_marginal

F64 = torch.float64


# --- the forward process: a histogram diffusing ------------------------------------------------------

@functools.cache
def _diffused(kernel: str) -> tuple[np.ndarray, np.ndarray]:
    """10⁴ draws of a two-bump data set pushed through 1000 linear-schedule steps; x_t at every step."""
    g = torch.Generator().manual_seed(200)
    x0 = torch.where(torch.rand(10_000, generator=g) < 0.3, -1.5, 1.0).double() + 0.15 * torch.randn(10_000, generator=g, dtype=F64)
    coef = None if kernel == "sqrt" else (lambda beta: 1 - beta)
    chains = fw.simulate_chain(x0, fw.linear_schedule(1000), g, coefficient=coef)
    return x0.numpy(), chains[::10].numpy()  # every tenth step


DIFFUSION_STEPS = (0, 10, 30, 60, 100, 150, 250, 400, 600, 1000)


@styled
def plot_diffusion_histogram(t: int = 100, kernel: str = "sqrt") -> Figure:
    r"""Histogram of :math:`x_t` for a two-bump data set, with the closed-form marginal density and :math:`\mathcal N(0,1)`.

    ``kernel`` : ``"sqrt"`` (mean :math:`\sqrt{1-\beta_t}\,x_{t-1}`) or ``"linear"`` (the :math:`(1-\beta_t)` typo).
    """
    t = require_int("t", t, minimum=0)
    require_in_range("t", t, 0, 1000)
    if kernel not in ("sqrt", "linear"):
        raise ValueError(f"kernel must be 'sqrt' or 'linear', got {kernel!r}")
    x0, chains = _diffused(kernel)
    xt = chains[round(t / 10)]
    grid = np.linspace(-4.5, 4.5, 400)
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    ax.hist(xt, bins=np.linspace(-4.5, 4.5, 61), density=True, color="C0", alpha=0.55, label=f"$x_{{{t}}}$, 10⁴ chains")
    if kernel == "sqrt" and t > 0:
        abar = float(fw.alpha_bar(fw.linear_schedule(1000))[t - 1])
        mean, var = math.sqrt(abar) * x0[::5, None], 1 - abar  # every fifth data point: 2000 components
        dens = np.exp(-(grid[None] - mean) ** 2 / (2 * var)).mean(0) / math.sqrt(2 * math.pi * var)
        ax.plot(grid, dens, "C0", lw=2, label=r"closed form: mixture of $q(x_t|x_0)$")
    ax.plot(grid, np.exp(-grid**2 / 2) / math.sqrt(2 * math.pi), "k--", lw=1.2, label=r"$\mathcal{N}(0,1)$")
    name = r"$\sqrt{1-\beta_t}$ (correct)" if kernel == "sqrt" else r"$1-\beta_t$ (wrong)"
    ax.set(xlim=(-4.5, 4.5), ylim=(0, 1.6), xlabel="$x$", ylabel="density",
           title=f"t = {t}: mean coefficient {name}, Var $x_t$ = {xt.var():.3f}")
    style.mark_clipped(ax, "density beyond the axes (clipped)")
    style.legend_outside(ax, "right")
    return fig


def diffusion_explorer() -> Explorer:
    return Explorer(plot_diffusion_histogram,
                    [Control("t", list(DIFFUSION_STEPS), start=4, label="step t"),
                     Control("kernel", ["sqrt", "linear"], labels=["√(1 − β) (correct)", "1 − β (typo)"],
                             label="mean coefficient", why_few="the correct kernel and the common typo")],
                    title="The forward process: data diffusing into noise (linear schedule, T = 1000)")


# --- schedules --------------------------------------------------------------------------------------

@styled
def plot_schedules(T: int = 1000) -> Figure:
    r""":math:`\bar\alpha_t` and the log-SNR :math:`\log\frac{\bar\alpha_t}{1-\bar\alpha_t}` for the linear and cosine schedules."""
    T = require_int("T", T, minimum=2)
    t = np.arange(1, T + 1) / T
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2)
    for name, betas, color in (("linear 1e-4 → 0.02", fw.linear_schedule(T), "C0"), ("cosine, s = 0.008", fw.cosine_schedule(T), "C1")):
        ax.plot(t, fw.alpha_bar(betas).numpy(), color, label=name)
        lam = fw.log_snr(betas).numpy()
        ax2.plot(t[:-1], lam[:-1], color, label=name)  # the cosine schedule's last step has ᾱ_T ≈ 0: log-SNR → −∞
    ax.set(xlabel="t / T", ylabel=r"$\bar\alpha_t$", title="signal kept")
    ax2.set(xlabel="t / T", ylabel=r"log-SNR $\lambda_t$", ylim=(-15, 12), title="log signal-to-noise ratio")
    style.mark_clipped(ax2, "log-SNR beyond the axes (clipped)")
    style.legend_outside(ax2, "below", ncols=2)
    return fig


# --- the posterior and the weights -----------------------------------------------------------------

@styled
def plot_posterior_weights(T: int = 1000) -> Figure:
    r"""Weights of :math:`\mathbf x_0` and :math:`\mathbf x_t` in :math:`\tilde\mu_t`, and :math:`\tilde\beta_t` against :math:`\beta_t`."""
    betas = fw.linear_schedule(T)
    c0, ct, tilde = (z.numpy() for z in el.posterior_coefficients(betas))
    t = np.arange(1, T + 1)
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2)
    ax.semilogx(t[1:], c0[1:], "C0", label=r"weight of $\mathbf{x}_0$")
    ax.semilogx(t[1:], ct[1:], "C1", label=r"weight of $\mathbf{x}_t$")
    ax.set(xlabel="step t", title=r"$\tilde\mu_t$ = (weight)·$\mathbf{x}_0$ + (weight)·$\mathbf{x}_t$")
    style.legend_outside(ax, "below", ncols=2)
    ax2.loglog(t[1:], betas.numpy()[1:], "k--", label=r"$\beta_t$")
    ax2.loglog(t[1:], tilde[1:], "C2", label=r"$\tilde\beta_t$")
    ax2.set(xlabel="step t", title="posterior variance against the step's noise")
    style.legend_outside(ax2, "below", ncols=2)
    return fig


@styled
def plot_eps_weights(T: int = 1000) -> Figure:
    r"""The weight :math:`\phi_t` that turns each KL into noise regression, for :math:`\sigma_t^2=\beta_t` and :math:`\tilde\beta_t`."""
    betas = fw.linear_schedule(T)
    tilde = el.posterior_coefficients(betas)[2]
    t = np.arange(2, T + 1)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    ax.loglog(t, el.eps_weight(betas, betas).numpy()[1:], "C0", label=r"$\sigma_t^2=\beta_t$")
    ax.loglog(t, el.eps_weight(betas, torch.cat([betas[:1], tilde[1:]])).numpy()[1:], "C2", label=r"$\sigma_t^2=\tilde\beta_t$")
    ax.axhline(1.0, color="0.4", ls=":", label=r"$L_{\mathrm{simple}}$: weight 1")
    ax.set(xlabel="step t", ylabel=r"$\phi_t$", title=r"weights of $\|\epsilon-\epsilon_\theta\|^2$ in the ELBO")
    style.legend_outside(ax, "right")
    return fig


# --- the ELBO, term by term ---------------------------------------------------------------------

def _interpolated_model(mix: float) -> dict:
    """The book's T = 3 reverse model moved a fraction ``mix`` of the way to the true reverse process of N(0.5, 0.8) data."""
    model = CATALOGUE_MODEL
    reverse, (mT, vT) = _true_reverse(0.8, 0.5, np.array(model["alphas"]))
    out = {k: (1 - mix) * np.asarray(model[k]) + mix * reverse[k] for k in ("a", "b", "s2")}
    return {"x0": model["x0"], "alphas": model["alphas"], **out, "prior_mean": mix * mT, "prior_var": (1 - mix) + mix * vT}


ELBO_MIX = tuple(np.round(np.linspace(0, 1, 11), 2))


@styled
def plot_elbo_terms(mix: float = 0.0, form: str = "correct") -> Figure:
    r"""Stacked ELBO terms of the T = 3 linear-Gaussian reverse model, beside the exact ELBO and :math:`\log p_\theta(x_0)`.

    ``mix`` : how far the reverse model is moved towards the true reverse process (1: the bound is tight);
    ``form`` : ``"correct"`` decomposition or the ``"consistency"`` form.
    """
    require_in_range("mix", mix, 0.0, 1.0)
    if form not in ("correct", "consistency"):
        raise ValueError(f"form must be 'correct' or 'consistency', got {form!r}")
    m = _interpolated_model(mix)
    exact = exact_elbo(**m)
    bound = log_marginal(m["x0"], m["a"], m["b"], m["s2"], m["prior_mean"], m["prior_var"])
    fig = style.figure(3.8)
    ax = fig.add_subplot()
    if form == "correct":
        terms = el.elbo_linear_gaussian(**m)
        parts = [("reconstruction $-L_0$", float(terms["reconstruction"])), ("prior $-L_T$", -float(terms["prior"]))]
        parts += [(f"denoising $-L_{{{t}}}$", -float(d)) for t, d in enumerate(terms["denoising"].tolist(), start=1)]
    else:
        terms = consistency_form(**m)
        rest = float(terms["elbo"] - terms["reconstruction"] + terms["prior"])
        parts = [("reconstruction $-L_0$", float(terms["reconstruction"])), ("prior (consistency form)", -float(terms["prior"])),
                 ("consistency terms", rest)]
    bottom_neg = 0.0
    for k, (name, value) in enumerate(parts):
        ax.bar([0], [value], bottom=[bottom_neg if value < 0 else 0.0], color=f"C{k}", width=0.6, label=name)
        if value < 0:
            bottom_neg += value
    total = sum(v for _, v in parts)
    ax.bar([1], [total], color="0.35", width=0.6, label=f"sum = {total:.3f}")
    ax.axhline(exact, color="k", ls="--", label=f"exact ELBO (one Gaussian expectation) {exact:.3f}")
    ax.axhline(bound, color="C3", ls=":", lw=2, label=rf"$\log p_\theta(x_0)$ = {bound:.3f}")
    ax.set(xticks=[0, 1], xticklabels=["terms", "their sum"], ylim=(-6, 1), ylabel="nats",
           title=f"reverse model {100 * mix:.0f}% of the way to the true posterior")
    style.mark_clipped(ax, "bar beyond the axes (clipped)")
    style.legend_outside(ax, "right")
    return fig


def elbo_explorer() -> Explorer:
    return Explorer(plot_elbo_terms,
                    [Control("mix", list(ELBO_MIX), label="reverse model → true posterior"),
                     Control("form", ["correct", "consistency"], labels=["correct decomposition", "consistency form"],
                             label="decomposition", why_few="the decomposition the book derives and the wrong one")],
                    title="The diffusion ELBO term by term (T = 3, x₀ = 1.3)")


# --- sampling the ring ------------------------------------------------------------------------------

@functools.cache
def _ring_trajectory():
    g = torch.Generator().manual_seed(201)
    betas = fw.linear_schedule(200, 1e-4, 0.1)
    eps = sa.optimal_eps_mixture(sa.ring_means(), 0.01, betas)
    path = sa.ancestral_sample(eps, betas, torch.randn(1500, 2, generator=g, dtype=F64), g, trajectory=True)
    return path.numpy()  # (201, 1500, 2), from t = 200 down to 0


RING_STEPS = (200, 150, 120, 100, 80, 60, 45, 30, 20, 10, 5, 0)


@styled
def plot_reverse_ring(t: int = 0) -> Figure:
    """Ancestral samples with the analytic optimal denoiser at step t of the reverse chain, with ten trajectories."""
    t = require_int("t", t, minimum=0)
    require_in_range("t", t, 0, 200)
    path = _ring_trajectory()
    k = 200 - t
    fig = style.figure(4.4)
    ax = fig.add_subplot()
    ax.scatter(path[k, :, 0], path[k, :, 1], s=3, color="C0", alpha=0.5, label=f"1500 samples at t = {t}")
    for j in range(10):
        ax.plot(path[: k + 1, j, 0], path[: k + 1, j, 1], color="C1", lw=0.8, alpha=0.8,
                label="trajectories from t = 200" if j == 0 else None)
    mu = sa.ring_means().numpy()
    ax.plot(mu[:, 0], mu[:, 1], "k+", ms=10, mew=2, label="data modes")
    ax.set(xlim=(-4, 4), ylim=(-4, 4), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
           title=f"reverse chain, step t = {t} of 200")
    style.mark_clipped(ax, "beyond the window (clipped)")
    style.legend_outside(ax, "right")
    return fig


def ring_explorer() -> Explorer:
    return Explorer(plot_reverse_ring, [Control("t", list(RING_STEPS), label="step t")],
                    title="From noise to the ring: ancestral sampling with the optimal denoiser")


# --- the trained DDPM -------------------------------------------------------------------------------

@styled
def plot_ddpm(losses, samples, data, counts) -> Figure:
    """Training loss of the small DDPM, its samples beside the data, and the samples per mode."""
    losses, samples, data = (np.asarray(z, dtype=float) for z in (losses, samples, data))
    counts = np.asarray(counts, dtype=float)
    fig = style.figure(3.6)
    ax, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.1, 1, 0.9])
    w = 50
    smooth = np.convolve(losses, np.ones(w) / w, mode="valid")
    ax.plot(np.arange(len(losses)), losses, color="0.75", lw=0.6, label="per step")
    ax.plot(np.arange(w - 1, len(losses)), smooth, "C0", label=f"mean of {w}")
    ax.set(xlabel="training step", ylabel=r"$L_{\mathrm{simple}}$", ylim=(0.2, 1.2), title="training loss")
    style.mark_clipped(ax, "loss beyond the axes (clipped)")
    style.legend_outside(ax, "below", ncols=1)
    ax2.scatter(data[:, 0], data[:, 1], s=2, color="0.6", label="data")
    ax2.scatter(samples[:, 0], samples[:, 1], s=2, color="C1", label="DDPM samples")
    ax2.set(xlim=(-3, 3), ylim=(-3, 3), aspect="equal", title="samples and data")
    style.mark_clipped(ax2, "beyond the window (clipped)")
    style.legend_outside(ax2, "below", ncols=2, markerscale=4)
    ax3.bar(np.arange(len(counts)), counts, color="C1", label="samples per mode")
    ax3.axhline(counts.sum() / len(counts), color="k", ls="--", label="equal share")
    ax3.set(xlabel="mode", ylim=(0, 2.2 * counts.sum() / len(counts)), title="mode coverage")
    style.mark_clipped(ax3, "bar beyond the axes (clipped)")
    style.legend_outside(ax3, "below", ncols=1)
    return fig


@styled
def plot_reverse_sde(x_start, x_end) -> Figure:
    """Reverse-SDE end points against the data density N(2, 0.5²), and the start points against N(0, 1)."""
    x_start, x_end = np.asarray(x_start, dtype=float), np.asarray(x_end, dtype=float)
    grid = np.linspace(-4, 4, 400)
    fig = style.figure(3.2)
    ax = fig.add_subplot()
    bins = np.linspace(-4, 4, 81)
    ax.hist(x_start, bins=bins, density=True, color="0.6", alpha=0.6, label="start: $x_1$ ≈ N(0, 1)")
    ax.hist(x_end, bins=bins, density=True, color="C0", alpha=0.6, label="end of the reverse SDE")
    ax.plot(grid, np.exp(-(grid - 2) ** 2 / 0.5) / math.sqrt(0.5 * math.pi), "k--", label="data N(2, 0.5²)")
    ax.set(xlim=(-4, 4), ylim=(0, 1.0), xlabel="$x$", ylabel="density", title="reverse-time SDE with the exact score")
    style.mark_clipped(ax, "density beyond the axes (clipped)")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_ddpm_digits(real, generated, predicted) -> Figure:
    """Real digits beside DDPM samples (pixels in [−1, 1], one 64-vector per image), and how a classifier
    trained on real digits labels the samples (``predicted``: one class 0–9 per sample)."""
    real, generated = (np.asarray(z, dtype=float).reshape(-1, 8, 8) for z in (real, generated))
    predicted = np.asarray(predicted, dtype=int)
    if len(real) < 24 or len(generated) < 24:
        raise ValueError(f"real and generated must hold at least 24 images each, got {len(real)} and {len(generated)}")

    def mosaic(images):  # 3 rows of 8 images, one pixel of margin
        canvas = np.full((3 * 9 + 1, 8 * 9 + 1), -1.0)
        for k, im in enumerate(images[:24]):
            r, c = divmod(k, 8)
            canvas[1 + 9 * r:9 + 9 * r, 1 + 9 * c:9 + 9 * c] = im
        return canvas

    fig = style.figure(2.6)
    ax, ax2, ax3 = fig.subplots(1, 3, width_ratios=[1.2, 1.2, 1])
    norm = matplotlib.colors.Normalize(-1, 1)  # one scale for both mosaics, so one colour bar
    for a, images, title in ((ax, real, "real digits"), (ax2, generated, "DDPM samples")):
        shown = a.imshow(mosaic(np.clip(images, -1, 1)), cmap="gray_r", norm=norm, interpolation="nearest")
        a.set(title=title, xticks=[], yticks=[])
    style.colorbar(shown, [ax, ax2], "pixel value", location="left", shrink=0.7)
    counts = np.bincount(predicted, minlength=10)
    ax3.bar(np.arange(10), counts, color="C1", label="samples per class")
    ax3.axhline(len(predicted) / 10, color="k", ls="--", label="equal share")
    ax3.set(xlabel="class a classifier assigns", xticks=range(10), ylim=(0, 2.2 * len(predicted) / 10),
            title="class coverage")
    style.mark_clipped(ax3, "bar beyond the axes (clipped)")
    style.legend_outside(ax3, "below", ncols=1)
    return fig
