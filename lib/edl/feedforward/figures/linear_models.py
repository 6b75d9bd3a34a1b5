"""Figures and explorers of chapter 2, part A: linear models, the logistic unit, softmax and residual layers."""

import functools

import numpy as np
import torch
from matplotlib.figure import Figure

from edl.feedforward import layers, linear, logistic
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int, require_positive


def _t(x) -> torch.Tensor:
    return torch.as_tensor(np.array(x, dtype=np.float64))


# --- ridge regression: shrinkage along eigen-directions -------------------------------------------------

@functools.cache
def quadratic_fit_data(s: int = 20, noise: float = 0.15, seed: int = 0):
    """Noisy samples of y = 1.5x − 2x² on [0, 1] with the two correlated features (x, x²)."""
    rng = np.random.default_rng(seed)
    x = np.sort(rng.uniform(0, 1, s))
    y = 1.5 * x - 2 * x**2 + noise * rng.normal(size=s)
    return x, np.stack([x, x**2], 1), y


RIDGE_LAMBDAS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)


@styled
def plot_ridge_shrinkage(lam: float = 0.1) -> Figure:
    """Ridge on the features (x, x²): the fit, the weight plane with its eigen-directions, and the shrinkage factors.

    The penalty is on the unnormalised data term ½‖Xw − y‖² + (λ/2)‖w‖², so H = XᵀX and the factors are
    λᵢ/(λᵢ+λ); (Λ + I)⁻¹ would give 1/(λᵢ+1) whatever λ is.
    """
    require_positive("lam", lam)
    x, X, y = quadratic_fit_data()
    Xt, yt = _t(X), _t(y)
    w0 = linear.min_norm_solution(Xt, yt).numpy()
    w_lam = linear.ridge_by_shrinkage(Xt, yt, lam).numpy()
    path = linear.ridge_by_shrinkage(Xt, yt, _t(np.logspace(-5, 2, 120))).numpy()
    eigenvalues, Q = np.linalg.eigh(X.T @ X)
    fig = style.figure(5.0)
    layout = fig.add_gridspec(2, 2, width_ratios=[1, 1.15])
    ax_fit, ax_f, ax_w = fig.add_subplot(layout[0, 0]), fig.add_subplot(layout[1, 0]), fig.add_subplot(layout[:, 1])
    grid = np.linspace(0, 1, 100)
    ax_fit.plot(x, y, "k.", label="data")
    ax_fit.plot(grid, w0[0] * grid + w0[1] * grid**2, "C0--", label="least squares")
    ax_fit.plot(grid, w_lam[0] * grid + w_lam[1] * grid**2, "C3", lw=2, label=f"ridge, λ = {lam:g}")
    ax_fit.set(xlabel="$x$", ylabel="$y$", title=r"fit $w_1x+w_2x^2$", ylim=(-1.0, 0.8))
    style.mark_clipped(ax_fit)
    style.legend_outside(ax_fit)
    u, v = np.meshgrid(np.linspace(-1, 4, 60), np.linspace(-5, 1.5, 60))
    W = np.stack([u.ravel(), v.ravel()], 1)
    risk = (((W @ X.T) - y) ** 2).sum(1).reshape(u.shape) / 2
    ax_w.contour(u, v, np.log(risk - risk.min() + 1e-3), levels=12, colors="0.7", linewidths=0.7)
    ax_w.plot(path[:, 0], path[:, 1], color="0.4", lw=1, label="ridge path")
    for i, c in enumerate(("C2", "C1")):
        d = Q[:, i] * (1.2 if i == 0 else 1.8)
        ax_w.annotate("", w0 + d, w0, arrowprops={"arrowstyle": "->", "color": c, "lw": 1.5})
        ax_w.plot([], [], color=c, label=f"eigen-direction $q_{i + 1}$ ($\\lambda_{i + 1}$ = {eigenvalues[i]:.2g})")
    ax_w.plot(*w0, "C0o", label=r"$w_0^*$")
    ax_w.plot(*w_lam, "C3o", label=r"$w_\lambda^*$")
    ax_w.plot(0, 0, "k+")
    ax_w.plot([], [], color="0.7", lw=0.7, label="risk contours")
    ax_w.set(xlabel="$w_1$", ylabel="$w_2$", title="weight plane", xlim=(-1, 4), ylim=(-5, 1.5))
    style.mark_clipped(ax_w)
    style.legend_outside(ax_w, "below", ncols=1)
    factors = linear.shrinkage_factors(_t(eigenvalues), lam).numpy()
    pos = np.arange(2)
    ax_f.bar(pos - 0.2, factors, width=0.4, color=["C2", "C1"], label=r"$\lambda_i/(\lambda_i+\lambda)$")
    ax_f.bar(pos + 0.2, 1 / (eigenvalues + 1), width=0.4, color="none", edgecolor="C3", hatch="//",
             label=r"$1/(\lambda_i+1)$: $\lambda$ left out")
    ax_f.set(xticks=pos, xticklabels=["$q_1$ (flat)", "$q_2$ (stiff)"], ylim=(0, 1.05),
             title="kept fraction of $Q^\\top w_0^*$")
    style.legend_outside(ax_f)
    for ax in (ax_fit, ax_w):
        ax.locator_params(nbins=4)  # fewer tick labels: a lighter frame
    ax_f.set_yticks([0, 0.5, 1])
    return fig


def ridge_explorer() -> Explorer:
    labels = [f"{lam:g}" for lam in RIDGE_LAMBDAS]
    return Explorer(plot_ridge_shrinkage,
                    [Control("lam", list(RIDGE_LAMBDAS), start=6, label="penalty λ", labels=labels)],
                    title="Ridge shrinks least squares along the eigen-directions of XᵀX")


@styled
def plot_ridge_to_pinv(seed: int = 3) -> Figure:
    """Distance from the ridge-regularised inverse to the pseudo-inverse against δ, with the bound δ/σ_r³."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(30, 6)) @ rng.normal(size=(6, 10))  # rank 6
    deltas = np.logspace(-8, 1, 19)
    pinv = linear.pseudo_inverse(_t(X)).numpy()
    gaps = np.abs(linear.ridge_pseudo_inverse(_t(X), _t(deltas)).numpy() - pinv).max((1, 2))
    sigma_r = np.linalg.svd(X, compute_uv=False)[5]
    fig = style.figure(3.4)
    ax = fig.add_subplot()
    ax.loglog(deltas, gaps, "C0o-", label=r"$\|(X^\top X+\delta I)^{-1}X^\top-X^+\|_{\max}$")
    ax.loglog(deltas, deltas / sigma_r**3, "k--", label=r"bound $\delta/\sigma_r^3$")
    ax.set(xlabel=r"ridge $\delta$", ylabel="distance", title="rank-6 matrix of size 30 × 10")
    ax.legend(loc="upper left")
    return fig


# --- least mean squares -----------------------------------------------------------------------------------

@styled
def plot_lms_convergence(steps: int = 4000, seed: int = 4) -> Figure:
    """Distance of LMS iterates to the least-squares solution: a consistent system, and a noisy one."""
    steps = require_int("steps", steps, minimum=10)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(50, 5))
    w_true = rng.normal(size=5)
    noisy = X @ w_true + 0.3 * rng.normal(size=50)
    eta = 1 / (X**2).sum(1).max()
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    for y, label, c in ((X @ w_true, "consistent y = Xw", "C0"), (noisy, "noisy y", "C3")):
        target = np.linalg.lstsq(X, y, rcond=None)[0]
        for factor, fmt in ((1.0, "-"), (0.1, ":")):
            path = linear.lms_sgd(_t(X), _t(y), eta=factor * eta, steps=steps,
                                  generator=torch.Generator().manual_seed(seed)).numpy()
            ax.semilogy(np.linalg.norm(path - target, axis=1), fmt, color=c,
                        label=f"{label}, η = {factor:g}/max‖xᵢ‖²")
    ax.set(xlabel="step $t$", ylabel=r"$\|w_t - X^+y\|$", title="LMS (SGD on one example) against the closed form")
    style.legend_outside(ax, "below")
    return fig


# --- logistic regression decision boundary ------------------------------------------------------------------

@functools.cache
def blobs(separation: float, s: int = 80, seed: int = 0):
    """Two Gaussian classes in the plane whose means lie ``separation`` apart along (1, 1)/√2."""
    rng = np.random.default_rng(seed)
    y = (np.arange(s) % 2).astype(float)
    direction = np.array([1.0, 1.0]) / np.sqrt(2)
    x = rng.normal(size=(s, 2)) + np.outer(y - 0.5, direction) * separation
    return x, y


@functools.cache
def fit_logistic(separation: float, lam: float, iterations: int = 40):
    """Penalised logistic regression L[w] + (λ/2)‖w‖² (weights and bias) by Newton's method."""
    x, y = blobs(separation)
    X = _t(np.hstack([x, np.ones((len(x), 1))]))
    w = torch.zeros(3, dtype=torch.float64)
    for _ in range(iterations):
        g = logistic.logistic_gradient(X, _t(y), w) + lam * w
        H = logistic.logistic_hessian(X, w) + lam * torch.eye(3, dtype=torch.float64)
        w = w - torch.linalg.solve(H, g)
        if float(g.abs().max()) < 1e-12:
            break
    return w.numpy(), float(logistic.logistic_risk(X, _t(y), w))


LOGISTIC_SEPARATIONS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0, 5.0, 6.0)
LOGISTIC_LAMBDAS = (1e-3, 1e-2, 0.1, 1.0)


@styled
def plot_logistic_boundary(separation: float = 2.5, lam: float = 0.01) -> Figure:
    """Two classes, the fitted probability σ(wᵀx + b), the decision boundary and the 10 % / 90 % contours."""
    require_positive("separation", separation)
    require_positive("lam", lam)
    x, y = blobs(separation)
    w, risk = fit_logistic(separation, lam)
    u, v = np.meshgrid(np.linspace(-5, 5, 60), np.linspace(-5, 5, 60))
    p = logistic.sigmoid(_t(w[0] * u + w[1] * v + w[2])).numpy()
    fig = style.figure(4.2)
    ax = fig.add_subplot()
    shading = ax.contourf(u, v, p, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.5)
    ax.contour(u, v, p, levels=[0.1, 0.5, 0.9], colors="k", linestyles=[":", "-", ":"], linewidths=[1, 2, 1])
    ax.scatter(*x[y == 0].T, s=14, c="C0", edgecolors="k", linewidths=0.4, label="y = 0")
    ax.scatter(*x[y == 1].T, s=14, c="C3", edgecolors="k", linewidths=0.4, label="y = 1")
    ax.set(xlim=(-5, 5), ylim=(-5, 5), aspect="equal", xlabel="$x_1$", ylabel="$x_2$",
           title=f"‖w‖ = {np.linalg.norm(w[:2]):.2f}, mean loss {risk:.3f}")
    ax.plot([], [], "k-", lw=2, label="boundary σ = 0.5")
    ax.plot([], [], "k:", lw=1, label="σ = 0.1 and 0.9")
    style.mark_clipped(ax)
    style.colorbar(shading, ax, "fitted probability σ(wᵀx + b)", ticks=[0, 0.5, 1])
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right upper")
    return fig


def logistic_explorer() -> Explorer:
    return Explorer(plot_logistic_boundary,
                    [Control("separation", list(LOGISTIC_SEPARATIONS), start=4, label="class separation"),
                     Control("lam", list(LOGISTIC_LAMBDAS), start=1, label="penalty λ",
                             labels=[f"{lam:g}" for lam in LOGISTIC_LAMBDAS],
                             why_few="four penalties a decade apart span weak to strong shrinkage; "
                                     "ten would take the page over budget")],
                    title="Logistic regression: the boundary sharpens as the classes separate and λ shrinks")


# --- the logistic unit and tanh --------------------------------------------------------------------------

@styled
def plot_sigmoid_tanh() -> Figure:
    """σ with its derivatives as polynomials in σ; tanh as 2σ(2z) − 1 and its derivative."""
    z = torch.linspace(-6, 6, 401, dtype=torch.float64)
    s = logistic.sigmoid(z)
    fig = style.figure(4.4)
    left, right = fig.subplots(1, 2)
    left.plot(z, s, "k", lw=2, label=r"$\sigma(z)$")
    left.plot(z, logistic.sigmoid_derivative(z), "C0", label=r"$\sigma'=\sigma(1-\sigma)$")
    left.plot(z, logistic.sigmoid_second_derivative(z), "C1", label=r"$\sigma''=\sigma(1-\sigma)(1-2\sigma)$")
    left.axhline(0.25, color="C0", ls=":", lw=0.8)
    for side in (-6, 4):
        left.axvspan(side, side + 2, color="0.9")
    left.set(xlabel="$z$", title="logistic function\n(shaded: saturated, slope < 0.018)")
    style.legend_outside(left, "below", ncols=1)
    right.plot(z, torch.tanh(z), "k", lw=4, alpha=0.3, label=r"$\tanh z$")
    right.plot(z, logistic.tanh_via_sigmoid(z), "C0", label=r"$2\sigma(2z)-1$")
    right.plot(z, logistic.tanh_derivative(z), "C2", label=r"$1-\tanh^2 z$")
    right.set(xlabel="$z$", ylim=(-1.1, 1.1), title="tanh, odd and bounded in (−1, 1)")
    style.legend_outside(right, "below", ncols=1)
    return fig


# --- softmax ---------------------------------------------------------------------------------------------

SOFTMAX_LOGITS = (2.0, 1.0, 0.2, -0.5, -1.5)
SOFTMAX_TEMPERATURES = (0.1, 0.25, 0.4, 0.6, 0.8, 1.0, 1.5, 2.0, 4.0, 8.0)


@styled
def plot_softmax_jacobian(temperature: float = 1.0, logits=SOFTMAX_LOGITS) -> Figure:
    """Softmax probabilities of z/T and their Jacobian with respect to z/T, diag(s) − ssᵀ, at temperature T."""
    require_positive("temperature", temperature)
    z = _t(logits) / temperature
    s = logistic.softmax(z).numpy()
    J = logistic.softmax_jacobian(z).numpy()
    fig = style.figure(3.4)
    left, right = fig.subplots(1, 2)
    left.bar(np.arange(len(s)), s, color="C0")
    left.set(ylim=(0, 1), xlabel="class $i$", ylabel="$s_i$", title=f"softmax(z / T), T = {temperature:g}")
    image = right.imshow(J, cmap="RdBu_r", vmin=-0.25, vmax=0.25)
    right.set(title="∂s/∂(z/T) = diag(s) − ssᵀ", xlabel="j", ylabel="i")
    style.colorbar(image, right, "$J_{ij}$", ticks=[-0.25, 0, 0.25])
    return fig


def softmax_explorer() -> Explorer:
    return Explorer(plot_softmax_jacobian,
                    [Control("temperature", list(SOFTMAX_TEMPERATURES), start=5, label="temperature T")],
                    title="Softmax and its Jacobian as the temperature varies")


# --- residual layers --------------------------------------------------------------------------------------

@functools.cache
def _input_gradient_norms(depth: int, width: int, gain: float, seed: int):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(width, generator=g, dtype=torch.float64)
    v = torch.randn(width, generator=g, dtype=torch.float64)
    v = v / torch.linalg.norm(v)
    plain, residual = [1.0], [1.0]
    xp, xr, vp, vr = x.clone(), x.clone(), v.clone(), v.clone()
    for _ in range(depth):
        W = torch.randn(width, width, generator=g, dtype=torch.float64) * gain / width**0.5
        b = torch.zeros(width, dtype=torch.float64)
        slope = 1 - torch.tanh(W @ xp) ** 2
        vp = vp @ (slope[:, None] * W)   # vᵀ ∂F for the plain layer tanh(Wx)
        xp = layers.dense_layer(xp, W, b, "tanh")
        Wr = W / 4                       # a smaller residual branch
        vr = vr @ layers.residual_jacobian(xr, Wr, b, "tanh")
        xr = layers.residual_layer(xr, Wr, b, "tanh")
        plain.append(float(torch.linalg.norm(vp)))
        residual.append(float(torch.linalg.norm(vr)))
    return np.array(plain), np.array(residual)


@styled
def plot_residual_depth(depth: int = 100, width: int = 16, seed: int = 0) -> Figure:
    """‖vᵀ ∂(x_L)/∂(x_0)‖ against depth at random initialisation: plain tanh layers against residual ones."""
    depth, width = require_int("depth", depth, minimum=1), require_int("width", width, minimum=1)
    fig = style.figure(3.6)
    ax = fig.add_subplot()
    for gain, dash in ((0.8, "-"), (1.0, "--")):
        plain, residual = _input_gradient_norms(depth, width, gain, seed)
        ax.semilogy(plain, "C3" + dash, label=f"plain tanh, gain {gain:g}")
        ax.semilogy(residual, "C0" + dash, label=f"residual tanh, gain {gain:g}/4")
    ax.set(xlabel="depth $L$", ylabel=r"$\|v^\top\partial x_L/\partial x_0\|$",
           title=f"back-propagated signal at initialisation (width {width})")
    style.legend_outside(ax)
    return fig
