"""Figures and explorers of the appendix "Probability and information"."""

import numpy as np
import torch
from matplotlib.figure import Figure
from scipy import stats

from edl.probability import information as info
from edl.probability import basics as prob
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_in_range, require_int, require_positive


@styled
def plot_hoeffding(n: int = 100, p: float = 0.3) -> Figure:
    """Exact upper tail of a Bernoulli(p) sample mean against Hoeffding's bound, the bound with n in place of n², and Chebyshev's."""
    n = require_int("n", n, minimum=1)
    require_in_range("p", p, 0.0, 1.0, closed=False)
    t = np.linspace(0.005, min(0.5, 1 - p) - 1e-9, 200)
    # P(mean - p >= t) = P(S >= n(p + t)), S ~ Binomial(n, p): the exact tail by the survival function.
    exact = stats.binom.sf(np.ceil(n * (p + t) - 1e-9) - 1, n, p)
    hoeffding = prob.hoeffding_bound(n, torch.as_tensor(t)).numpy()
    weak = np.exp(-2 * t**2)  # the exponent with n in place of n^2, for variables in [0, 1]
    chebyshev = np.minimum(1.0, p * (1 - p) / (n * t**2))
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    ax.semilogy(t, exact, "k", lw=2, label="exact tail (binomial)")
    ax.semilogy(t, hoeffding, "C0", label=r"Hoeffding $e^{-2nt^2}$")
    ax.semilogy(t, chebyshev, "C2--", label=r"Chebyshev $\min(1, p(1-p)/(nt^2))$")
    ax.semilogy(t, weak, "C3:", label=r"$e^{-2t^2}$ ($n$ in place of $n^2$)")
    ax.set(xlabel="deviation $t$", ylabel=r"$P(\bar Z - p \geq t)$", ylim=(1e-12, 2), xlim=(0, 0.5),
           title=f"Bernoulli({p:g}) mean of n = {n}")
    style.mark_clipped(ax, "curve continues below the axes (clipped)")
    style.legend_outside(ax)
    return fig


def hoeffding_explorer() -> Explorer:
    return Explorer(plot_hoeffding, [Control("n", [5, 10, 20, 30, 50, 100, 200, 300, 500, 1000], start=5, label="samples n"),
                                     Control("p", [0.1, 0.3, 0.5], start=1, label="Bernoulli p",
                                             why_few="three means (skewed, moderate, symmetric) show the point; "
                                                     "ten would make 100 frames, over the page budget")],
                    title="Hoeffding's inequality against the exact tail")


@styled
def plot_poisson_limit(lam: float = 2.0, n: int = 10) -> Figure:
    """Binomial(n, λ/n) against Poisson(λ): rare events in many trials."""
    require_positive("lam", lam)
    n = require_int("n", n, minimum=1)
    if lam > n:
        raise ValueError(f"lam must be at most n (so that lam/n is a probability), got lam={lam}, n={n}")
    x = torch.arange(0, int(lam + 5 * lam**0.5 + 5), dtype=torch.float64)
    poisson = prob.poisson_pmf(x, lam).numpy()
    xb = x[x <= n]
    binomial = prob.binomial_pmf(xb, n, lam / n).numpy()
    tv = 0.5 * (np.abs(binomial - poisson[: len(xb)]).sum() + poisson[len(xb):].sum() + max(0.0, 1 - poisson.sum()))
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.bar(x.numpy() - 0.2, poisson, width=0.4, label=rf"Poisson($\lambda$={lam:g})")
    ax.bar(xb.numpy() + 0.2, binomial, width=0.4, label=f"Binomial(n={n}, p={lam / n:.3g})")
    ax.set(xlabel="$x$", ylabel="probability", title=f"total variation distance {tv:.3f}")
    style.legend_outside(ax)
    return fig


def poisson_explorer() -> Explorer:
    return Explorer(plot_poisson_limit, [Control("lam", [0.5, 1.0, 2.0, 4.0], start=2, label="rate λ",
                                                 why_few="four rates, doubling, show the shape; the limit is in n"),
                                         Control("n", [4, 6, 10, 20, 30, 50, 100, 200, 500, 1000], start=2,
                                                 label="trials n")],
                    title="The binomial distribution tends to the Poisson distribution")


@styled
def plot_jensen(mu: float = 0.0, sigma: float = 0.8, seed: int = 0) -> Figure:
    """Jensen's inequality for the concave log: samples of a log-normal X, log E X against E log X."""
    require_positive("sigma", sigma)
    rng = np.random.default_rng(seed)
    x = rng.lognormal(mu, sigma, 400)
    grid = np.linspace(x.min() * 0.8, np.quantile(x, 0.99), 200)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.plot(grid, np.log(grid), "k", label=r"$\log x$")
    ax.plot(x, np.log(x), ".", color="C0", alpha=0.25, ms=4, label="samples $(X, \\log X)$")
    mean_x, mean_log = x.mean(), np.log(x).mean()
    ax.plot([mean_x], [np.log(mean_x)], "o", color="C3", label=r"$(\mathbb{E}X, \log \mathbb{E}X)$")
    ax.plot([mean_x], [mean_log], "s", color="C2", label=r"$(\mathbb{E}X, \mathbb{E}\log X)$")
    ax.vlines(mean_x, mean_log, np.log(mean_x), colors="C3", linestyles=":")
    ax.set(xlabel="$x$", ylabel="$\\log x$", title=rf"gap $\log\mathbb{{E}}X - \mathbb{{E}}\log X$ = {np.log(mean_x) - mean_log:.3f}"
           rf" (exact $\sigma^2/2$ = {sigma**2 / 2:.3f})")
    style.legend_outside(ax)
    return fig


def bimodal_log_density(x: torch.Tensor, separation: float, width: float = 0.5) -> torch.Tensor:
    """log p for p = ½ N(-separation, width²) + ½ N(separation, width²) on the points ``x``."""
    left = torch.log(prob.normal_pdf(x, -separation, width**2))
    right = torch.log(prob.normal_pdf(x, separation, width**2))
    return torch.logaddexp(left, right) - np.log(2.0)


def fit_gaussian_kl(log_p: torch.Tensor, x: torch.Tensor, *, reverse: bool, start: tuple[float, float]):
    """The Gaussian (mu, sigma) minimising forward or reverse KL to the tabulated p, from ``start``."""
    from scipy.optimize import minimize

    def objective(theta):
        return float(info.gaussian_fit_kl(log_p, x, theta[0], float(np.exp(2 * theta[1])), reverse=reverse))

    res = minimize(objective, [start[0], np.log(start[1])], method="Nelder-Mead",
                   options={"xatol": 1e-6, "fatol": 1e-10, "maxiter": 2000})
    return float(res.x[0]), float(np.exp(res.x[1]))


@styled
def plot_kl_fits(separation: float = 2.0) -> Figure:
    """One Gaussian fitted to a two-mode mixture by forward KL (covers both) and by reverse KL (picks one)."""
    require_positive("separation", separation)
    x = torch.linspace(-10, 10, 2001, dtype=torch.float64)
    log_p = bimodal_log_density(x, separation)
    forward = fit_gaussian_kl(log_p, x, reverse=False, start=(0.5, 1.0))
    reverse = fit_gaussian_kl(log_p, x, reverse=True, start=(1.0, 1.0))
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    x = x[x.abs() <= separation + 3]  # the window shown
    ax.fill_between(x, torch.exp(bimodal_log_density(x, separation)), color="0.85", label="target $p$ (two modes)")
    for (m, s), fmt, name in ((forward, "C0", r"forward $\arg\min_q \mathrm{KL}(p\Vert q)$"),
                                (reverse, "C3--", r"reverse $\arg\min_q \mathrm{KL}(q\Vert p)$")):
        ax.plot(x, prob.normal_pdf(x, m, s**2), fmt, lw=2, label=f"{name}: μ={m + 0.0 if abs(m) >= 5e-3 else 0.0:.2f}, σ={s:.2f}")
    ax.set(xlim=(-separation - 3, separation + 3), xlabel="$x$", ylabel="density",
           title=f"modes at ±{separation:g}")
    style.legend_outside(ax, "below", ncols=1)
    return fig


def kl_fits_explorer() -> Explorer:
    return Explorer(plot_kl_fits, [Control("separation", [0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0], start=7,
                                           label="mode separation")],
                    title="Forward KL covers, reverse KL seeks a mode")


@styled
def plot_pinsker(k: int = 5, concentration: float = 1.0, pairs: int = 2000, seed: int = 0) -> Figure:
    """(KL, TV) for random pairs of distributions on k atoms, under the Pinsker curve TV = sqrt(KL/2)."""
    k = require_int("k", k, minimum=2)
    require_positive("concentration", concentration)
    rng = np.random.default_rng(seed)
    q, p = (torch.from_numpy(rng.dirichlet(np.full(k, concentration), pairs)) for _ in range(2))
    kl, tv = info.kl_divergence(q, p).numpy(), info.total_variation(q, p).numpy()
    grid = np.linspace(0, np.quantile(kl, 0.98), 200)
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.plot(kl, tv, ".", ms=3, alpha=0.4, label=f"{pairs} random pairs on {k} atoms")
    ax.plot(grid, info.pinsker_bound(torch.from_numpy(grid)).numpy(), "k", lw=2, label=r"Pinsker $\sqrt{\mathrm{KL}/2}$")
    ax.set(xlim=(0, grid[-1]), ylim=(0, 1), xlabel=r"$\mathrm{KL}(Q\Vert P)$ (nats)", ylabel=r"$\mathrm{TV}(Q,P)$",
           title="the 2% of pairs with the largest KL lie beyond the right edge")
    beyond = int((kl > grid[-1]).sum())
    style.mark_clipped(ax, f"{beyond} pairs with KL > {grid[-1]:.2f}: drawn at the edge (clipped)")
    style.legend_outside(ax, "below", ncols=1)
    return fig


@styled
def plot_binary_entropy() -> Figure:
    """Entropy of a Bernoulli(p) variable in nats, maximal (log 2) at p = 1/2."""
    p = torch.linspace(0, 1, 201, dtype=torch.float64)
    h = info.entropy(torch.stack([p, 1 - p], -1)).numpy()
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    ax.plot(p, h, lw=2)
    ax.axhline(np.log(2), color="0.5", ls=":", label=r"$\log 2$")
    ax.set(xlabel="$p$", ylabel="$H$ (nats)", title="entropy of a Bernoulli($p$) variable", ylim=(0, 0.8))
    ax.legend(loc="lower center")
    return fig
