"""Figures and explorers of chapter 11: vulnerability against dimension, the path of PGD on a 2-D problem,
the accuracy price of each fairness criterion, SHAP waterfalls and the digits experiment."""

import math

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.robustness import attacks as at
from edl.robustness import fairness as fa
from edl.robustness import pgd as pg

DIMS = np.unique(np.round(np.logspace(0, 4, 41)).astype(int))


def vulnerability_data(eps: float) -> dict[str, np.ndarray]:
    """The explorer's data: exact clean, ℓ2- and ℓ∞-robust accuracies of sign(μᵀx), μ = (2/√d)𝟏, against d."""
    out = {"d": DIMS, "clean": [], "l2": [], "linf": []}
    for d in DIMS:
        mu = torch.full((int(d),), 2 / math.sqrt(d), dtype=torch.float64)
        out["clean"].append(float(pg.linear_robust_accuracy(mu, 0.0, 2)))
        out["l2"].append(float(pg.linear_robust_accuracy(mu, eps, 2)))
        out["linf"].append(float(pg.linear_robust_accuracy(mu, eps, math.inf)))
    return {k: np.asarray(val) for k, val in out.items()}


@styled
def plot_vulnerability(eps: float = 0.05) -> Figure:
    r"""Exact worst-case accuracy of the Bayes classifier of :math:`\mathcal N(\pm\mu,I_d)`, :math:`\|\mu\|_2=2`,
    against the dimension: the :math:`\ell_2` accuracy is flat, the :math:`\ell_\infty` accuracy collapses."""
    data = vulnerability_data(eps)
    fig = style.figure(3.4)
    ax = fig.subplots()
    ax.semilogx(data["d"], data["clean"], color="0.3", lw=2, label="clean")
    ax.semilogx(data["d"], data["l2"], color="C0", lw=2, label=f"ℓ2 attack, ε = {eps:g}")
    ax.semilogx(data["d"], data["linf"], color="C3", lw=2, label=f"ℓ∞ attack (FGSM), ε = {eps:g}")
    ax.set(xlabel="input dimension d", ylabel="accuracy", ylim=(-0.02, 1.02),
           title="the same ε costs nothing in ℓ2 and everything in ℓ∞ as d grows")
    style.legend_outside(ax, "below", ncols=3)
    return fig


def vulnerability_explorer() -> Explorer:
    return Explorer(plot_vulnerability, [Control("eps", [0.005, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3],
                                                 start=4, label="budget ε")],
                    title="ℓ∞ vulnerability grows with the dimension; ℓ2 does not")


# --- PGD on a 2-D problem ------------------------------------------------------------------------

def _toy_net():
    g = torch.Generator().manual_seed(3)
    W1 = torch.randn(16, 2, generator=g, dtype=torch.float64) * 1.5
    b1 = torch.randn(16, generator=g, dtype=torch.float64)
    w2 = torch.randn(16, generator=g, dtype=torch.float64)
    return lambda x: torch.tanh(x @ W1.T + b1) @ w2


X0 = torch.tensor([[0.2, 0.1]], dtype=torch.float64)


def pgd_path(eps: float, norm: str, steps: int = 12) -> np.ndarray:
    """The explorer's data: the iterates of PGD (step 2.5ε/steps) lowering the toy network's margin at X0."""
    f = _toy_net()
    sign = 1.0 if float(f(X0)) > 0 else -1.0
    path = [X0.numpy()[0]]
    for t in range(1, steps + 1):
        path.append(pg.pgd(lambda z: -sign * f(z), X0, eps, norm=norm, steps=t, alpha=2.5 * eps / steps).numpy()[0])
    return np.array(path)


@styled
def plot_pgd_path(eps: float = 0.5, norm: str = "inf") -> Figure:
    r"""The path of projected gradient ascent inside the :math:`\epsilon`-ball around a point, over the decision
    regions of a small tanh network; the colour is the network's score."""
    f = _toy_net()
    g = np.linspace(-1.5, 1.9, 121)
    G = torch.tensor(np.stack(np.meshgrid(g, g), -1).reshape(-1, 2))
    F = f(G).detach().numpy().reshape(len(g), len(g))
    path = pgd_path(eps, norm)
    fig = style.figure(4.2)
    ax = fig.subplots()
    lim = float(np.abs(F).max())
    im = ax.contourf(g, g, F, levels=np.linspace(-lim, lim, 21), cmap="RdBu_r")
    ax.contour(g, g, F, levels=[0.0], colors="k", linewidths=1.5)
    c = X0.numpy()[0]
    if norm == "inf":
        ax.plot(c[0] + eps * np.array([-1, 1, 1, -1, -1]), c[1] + eps * np.array([-1, -1, 1, 1, -1]), "k--", lw=1,
                label=f"ℓ∞ ball, ε = {eps:g}")
    else:
        t = np.linspace(0, 2 * np.pi, 200)
        ax.plot(c[0] + eps * np.cos(t), c[1] + eps * np.sin(t), "k--", lw=1, label=f"ℓ2 ball, ε = {eps:g}")
    ax.plot(path[:, 0], path[:, 1], "o-", color="gold", mec="k", ms=4, label="PGD iterates")
    flipped = np.sign(float(f(torch.tensor(path[-1:])))) != np.sign(float(f(X0)))
    ax.plot(*c, "s", color="k", ms=7, label="x")
    ax.set(xlim=(g[0], g[-1]), ylim=(g[0], g[-1]), aspect="equal", xlabel="x₁", ylabel="x₂",
           title=f"{'label flipped' if flipped else 'label holds'} after 12 steps")
    style.colorbar(im, ax, label="network score f(x)")
    style.legend_outside(ax, "right")
    return fig


def pgd_explorer() -> Explorer:
    budgets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    return Explorer(plot_pgd_path, [Control("eps", budgets, start=4, label="budget ε"),
                                    Control("norm", ["inf", "2"], label="ball", labels=["ℓ∞", "ℓ2"],
                                            why_few="the two threat models of the chapter")],
                    title="Projected gradient ascent: signed steps in the box, normalised steps in the disc")


# --- fairness -----------------------------------------------------------------------------------

def fairness_data(gap: float) -> dict[str, float]:
    """The explorer's data: the best accuracy under each criterion with base rates 0.45 ∓ gap/2."""
    pos, neg = fa.score_distributions()
    rates = [0.45 - gap / 2, 0.45 + gap / 2]
    return {c: fa.fair_decisions(rates, pos, neg, c)["accuracy"] for c in fa.CRITERIA}


@styled
def plot_fairness_cost(gap: float = 0.3) -> Figure:
    """Accuracy of the best randomised decisions under each fairness criterion, for a base-rate gap between groups."""
    acc = fairness_data(gap)
    fig = style.figure(3.4)
    ax = fig.subplots()
    names = ["none", "demographic\nparity", "equal\nopportunity", "equalized\nodds", "parity +\nodds"]
    ax.bar(range(5), list(acc.values()), color=["0.5", "C0", "C1", "C2", "C3"])
    for i, a in enumerate(acc.values()):
        ax.text(i, a + 0.01, f"{a:.3f}", ha="center", fontsize=9)
    ax.set_xticks(range(5), names)
    ax.set(ylim=(0.5, 0.9), ylabel="best accuracy",
           title=f"base rates {0.45 - gap / 2:.2f} and {0.45 + gap / 2:.2f}: the price of each criterion")
    return fig


def fairness_explorer() -> Explorer:
    return Explorer(plot_fairness_cost, [Control("gap", [0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5], start=6,
                                                 label="base-rate gap")],
                    title="Fairness criteria conflict when base rates differ")


# --- SHAP and the digits experiment ---------------------------------------------------------------

@styled
def plot_shap_waterfall(phi, base: float, names=None) -> Figure:
    """A waterfall from the mean prediction to f(x): each bar is one feature's Shapley value."""
    phi = np.asarray(phi, dtype=float)
    names = names or [f"x{j + 1}" for j in range(len(phi))]
    fig = style.figure(3.2)
    ax = fig.subplots()
    start = base
    for j, p in enumerate(phi):
        ax.barh(j, p, left=start, color="C3" if p > 0 else "C0")
        ax.text(start + p + (0.05 if p >= 0 else -0.05), j, f"{p:+.2f}", va="center", ha="left" if p >= 0 else "right",
                fontsize=9)
        start += p
    ax.axvline(base, color="0.4", ls=":", label=f"E f = {base:.2f}")
    ax.axvline(start, color="k", label=f"f(x) = {start:.2f}")
    ax.set_yticks(range(len(phi)), names)
    ax.invert_yaxis()
    lo, hi = min(base, start, *(base + np.cumsum(phi))), max(base, start, *(base + np.cumsum(phi)))
    ax.set(xlim=(lo - 0.8, hi + 0.8), xlabel="prediction", title="SHAP: the prediction split among the features")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_digits_robustness(result: dict) -> Figure:
    """Test accuracy of a standard and an adversarially trained network on the digits against the ℓ∞ budget."""
    fig = style.figure(3.4)
    ax = fig.subplots()
    for name, color in (("standard", "C0"), ("robust", "C3")):
        for attack, ls in (("fgsm", "--"), ("pgd", "-")):
            ax.plot(result["eps"], result[name][attack], ls, marker="o", ms=4, color=color,
                    label=f"{'standard' if name == 'standard' else 'adversarial'} training, {attack.upper()}")
    ax.set(xlabel="ℓ∞ budget ε (pixels in [0, 1])", ylabel="test accuracy", ylim=(-0.02, 1.02),
           title="digits: adversarial training trades clean for robust accuracy")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_minimal_perturbations(w=(1.0, 2.0), b: float = -2.0, x=(2.0, 1.5)) -> Figure:
    r"""The smallest :math:`\ell_2` and :math:`\ell_\infty` perturbations of a point onto a line: the balls of radius
    :math:`|w^\top x+b|/\|w\|_{p^*}` just touch the boundary, the disc at the foot of the perpendicular, the square
    at a corner."""
    w_, x_ = torch.tensor(w, dtype=torch.float64), torch.tensor(x, dtype=torch.float64)
    fig = style.figure(4.0)
    ax = fig.subplots()
    t = np.linspace(-0.5, 3.5, 2)
    ax.plot(t, (-b - w[0] * t) / w[1], "k", lw=1.5, label="boundary wᵀx + b = 0")
    colours = {2: "C0", math.inf: "C3"}
    for p, name in ((2, "ℓ2"), (math.inf, "ℓ∞")):
        d = at.linear_minimal_perturbation(w_, b, x_, p).numpy()
        r = float(at.p_norm(torch.tensor(d), p))
        if p == 2:
            s = np.linspace(0, 2 * np.pi, 200)
            ax.plot(x[0] + r * np.cos(s), x[1] + r * np.sin(s), color=colours[p], lw=1)
        else:
            square = np.array([-1, 1, 1, -1, -1])
            ax.plot(x[0] + r * square, x[1] + r * np.roll(square, 1), color=colours[p], lw=1)
        ax.annotate("", xy=(x[0] + d[0], x[1] + d[1]), xytext=x,
                    arrowprops=dict(arrowstyle="->", color=colours[p], lw=2))
        ax.plot([], [], color=colours[p], lw=2, label=f"{name}: δ*, ‖δ*‖ = {r:.3f}")
    ax.plot(*x, "ko", ms=6, label="x")
    ax.set(xlim=(-0.5, 3.5), ylim=(-1.0, 3.0), aspect="equal", xlabel="x₁", ylabel="x₂",
           title="minimal perturbations: margin / dual norm")
    style.legend_outside(ax, "right")
    return fig


@styled
def plot_local_lipschitz(local, bound: float) -> Figure:
    r"""Local Lipschitz constants :math:`\sigma_{\max}(J_f(x))` at many inputs against the global product bound."""
    local = np.asarray(local, dtype=float)
    fig = style.figure(3.2)
    ax = fig.subplots()
    bins = np.logspace(np.log10(local.min()) - 0.05, np.log10(max(bound, local.max())) + 0.05, 40)
    ax.hist(local, bins=bins, color="C0", label="σ_max(J_f(x)) at random inputs")
    ax.axvline(bound, color="C3", lw=2, label=f"Π‖Wˡ‖₂ = {bound:.2f}")
    ax.set_xscale("log")
    ax.set(xlabel="Lipschitz constant (log scale)", ylabel="inputs",
           title=f"the bound is {bound / local.max():.1f}× the largest local value")
    style.legend_outside(ax, "below", ncols=2)
    return fig


# --- DeepFool on the 2-D network, and global importances ---------------------------------------------

STARTS = [(-1.2, -1.0), (-0.9, 0.2), (-0.6, -1.2), (0.2, 0.1), (0.6, -0.6), (1.0, -0.2), (1.5, 0.3), (0.9, 1.4),
          (-0.8, 1.0), (0.0, 1.2)]


def deepfool_path(start: int, overshoot: float = 0.02, max_iter: int = 10) -> np.ndarray:
    """The explorer's data: DeepFool's iterates x₀ + (1 + overshoot) Σ rᵢ from ``STARTS[start]`` on the toy network
    (two scores, −f and f), each rᵢ a binary step (``adv.deepfool-binary``) onto the current linearisation."""
    f = _toy_net()
    x0 = torch.tensor(STARTS[start], dtype=torch.float64)
    side = np.sign(float(f(x0[None])))
    r = torch.zeros_like(x0)
    path = [x0.numpy().copy()]
    for _ in range(max_iter):
        z = (x0 + (1 + overshoot) * r).requires_grad_(True)
        c = side * f(z[None])[0]                      # the margin of the starting class
        if float(c.detach()) < 0:
            break
        (g,) = torch.autograd.grad(c, z)
        r = r + at.deepfool_binary_step(c.detach(), g)
        path.append((x0 + (1 + overshoot) * r).numpy().copy())
    return np.array(path)


@styled
def plot_deepfool_path(start: int = 3) -> Figure:
    """DeepFool on a curved boundary: each step jumps onto the tangent line of the current point's level set,
    which lands near, not on, the true boundary; two or three steps usually cross it."""
    f = _toy_net()
    g = np.linspace(-1.5, 1.9, 121)
    G = torch.tensor(np.stack(np.meshgrid(g, g), -1).reshape(-1, 2))
    F = f(G).detach().numpy().reshape(len(g), len(g))
    path = deepfool_path(start)
    fig = style.figure(4.2)
    ax = fig.subplots()
    lim = float(np.abs(F).max())
    im = ax.contourf(g, g, F, levels=np.linspace(-lim, lim, 21), cmap="RdBu_r")
    ax.contour(g, g, F, levels=[0.0], colors="k", linewidths=1.5)
    ax.plot(path[:, 0], path[:, 1], "o-", color="gold", mec="k", ms=5, label=f"DeepFool: {len(path) - 1} step(s)")
    ax.plot(*path[0], "s", color="k", ms=7, label="start x₀")
    ax.set(xlim=(g[0], g[-1]), ylim=(g[0], g[-1]), aspect="equal", xlabel="x₁", ylabel="x₂",
           title=f"‖r‖₂ = {np.linalg.norm(path[-1] - path[0]):.3f}")
    style.colorbar(im, ax, label="network score f(x)")
    style.legend_outside(ax, "right")
    return fig


def deepfool_explorer() -> Explorer:
    return Explorer(plot_deepfool_path, [Control("start", list(range(len(STARTS))), start=3, label="starting point")],
                    title="DeepFool walks to a curved boundary by jumping onto tangent lines")


@styled
def plot_importance(shap_abs, sage, names=None) -> Figure:
    """Two global importances side by side: the mean absolute SHAP value over inputs and SAGE's share of the risk."""
    shap_abs, sage = np.asarray(shap_abs, dtype=float), np.asarray(sage, dtype=float)
    names = names or [f"x{j + 1}" for j in range(len(sage))]
    fig = style.figure(3.2)
    ax, ax2 = fig.subplots(1, 2)
    ax.barh(range(len(sage)), shap_abs, color="C0")
    ax.set(title="mean |SHAP| (local, averaged)", xlabel="prediction units")
    ax2.barh(range(len(sage)), sage, color="C1")
    ax2.set(title="SAGE (risk reduction)", xlabel="squared-error units")
    for a in (ax, ax2):
        a.set_yticks(range(len(sage)), names)
        a.invert_yaxis()
    return fig
