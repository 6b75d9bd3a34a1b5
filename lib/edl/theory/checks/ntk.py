"""Checks of ``edl.theory.ntk`` and ``edl.theory.lazy`` (book labels ``ntk.*``) and of the errata there.

Independent routes: the two-layer Jacobian written out by hand in NumPy, ``torch.autograd`` (gradients,
double backward, full Hessians), ``numpy.linalg.pinv`` for the primal minimum-norm solution,
``scipy.integrate.solve_ivp`` for the gradient flow, explicit iteration of the linearised recursion, Monte Carlo
over random features for the infinite-width kernel, and fitted log–log slopes for the rates in the width.
"""

import math

import numpy as np
import scipy.integrate
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_leq, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.theory import lazy
from edl.theory import ntk


def _net(m=64, d=5, n=8, seed=0):
    g = torch.Generator().manual_seed(seed)
    theta = ntk.init_two_layer(m, d, generator=g)
    X = torch.randn(n, d, generator=g, dtype=torch.float64)
    return theta, X


def _jacobian_by_hand(theta, X, relu=False):
    """∂f/∂W_jk = v_j φ'(u_j) x_k/√(md), ∂f/∂v_j = φ(u_j)/√m, in NumPy."""
    th, X = to_numpy(theta), to_numpy(X)
    n, d = X.shape
    m = len(th) // (d + 1)
    W, v = th[: m * d].reshape(m, d), th[m * d:]
    U = X @ W.T / math.sqrt(d)
    phi, dphi = (np.maximum(U, 0), (U > 0) * 1.0) if relu else (np.tanh(U), 1 - np.tanh(U) ** 2)
    dW = (v * dphi)[:, :, None] * X[:, None, :] / math.sqrt(m * d)
    return np.concatenate([dW.reshape(n, -1), phi / math.sqrt(m)], axis=1)


def _slope(x, y):
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


@formula("ntk.linearization", reference="Jacobian written out by hand; second-order error (log–log slope 2)")
def check_linearization(linear=ntk.linearized) -> CheckResult:
    theta, X = _net(m=256)
    u = torch.randn(theta.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    u = u / u.norm()
    ts = np.geomspace(1e-3, 1e-1, 5)
    errors = [float((ntk.two_layer(theta + t * u, X) - linear(theta, t * u, X)).abs().max()) for t in ts]
    by_hand = to_numpy(ntk.two_layer(theta, X)) + _jacobian_by_hand(theta, X) @ to_numpy(0.01 * u)
    slope = _slope(ts, errors)
    return all_of(check_close(linear(theta, 0.01 * u, X), by_hand, atol=1e-12, what="f₀ + ϑ·∇f vs hand-written J ϑ"),
                  holds(1.9 <= slope <= 2.1, f"|f − h| ∝ t^{slope:.2f} for ϑ = t u, t = 1e-3..1e-1 (m = 256)",
                        f"linearisation error slope {slope:.2f}, not 2"))


@formula("ntk.kernel", reference="the closed two-layer formula from a hand-written Jacobian; symmetric and PSD")
def check_kernel(kernel=ntk.empirical_ntk) -> CheckResult:
    theta, X = _net(m=128, n=10)
    J = _jacobian_by_hand(theta, X)
    K = to_numpy(kernel(theta, X))
    X2 = X[:3] * 2.0
    return all_of(check_close(K, J @ J.T, atol=1e-10, what="K vs J Jᵀ (n = 10, m = 128)"),
                  check_close(kernel(theta, X, X2), J @ _jacobian_by_hand(theta, X2).T, atol=1e-10,
                              what="cross kernel k(x, x′)"),
                  check_close(K, K.T, atol=1e-12, what="symmetric"),
                  check_leq(-1e-10, float(np.linalg.eigvalsh(K).min()), what="λ_min ≥ 0"),
                  check_close(ntk.param_jacobian(theta, X), J, atol=1e-12, what="jacrev Jacobian vs by hand"))


@formula("ntk.dual-representation", reference="numpy pinv of the Jacobian: primal min-norm ϑ* = Jᵀα*")
def check_dual(predict=ntk.dual_predict, loss=ntk.dual_loss) -> CheckResult:
    theta, X_all = _net(m=64, n=30)
    X, Xt = X_all[:10], X_all[10:]
    J, Jt = _jacobian_by_hand(theta, X), _jacobian_by_hand(theta, Xt)
    f0, f0t = to_numpy(ntk.two_layer(theta, X)), to_numpy(ntk.two_layer(theta, Xt))
    y = np.sin(to_numpy(X)[:, 0])
    primal = np.linalg.pinv(J) @ (y - f0)
    alpha = np.linalg.pinv(J @ J.T) @ (y - f0)
    K, Kt = f64(J @ J.T), f64(Jt @ J.T)
    a = np.random.default_rng(2).normal(size=10)
    return all_of(check_close(J.T @ alpha, primal, atol=1e-8, what="ϑ* = Jᵀα* (p = 384 ≫ s = 10)"),
                  check_close(predict(f64(alpha), Kt, f64(f0t)), f0t + Jt @ primal, atol=1e-8,
                              what="dual vs primal predictions at 20 test points"),
                  check_close(float(loss(f64(a), K, f64(f0), f64(y))), np.sum((f0 + J @ (J.T @ a) - y) ** 2) / 20,
                              atol=1e-10, what="E(α) vs the primal loss at ϑ = Jᵀα"),
                  check_close(float(loss(f64(alpha), K, f64(f0), f64(y))), 0.0, atol=1e-12, what="E(α*) = 0"))


@formula("ntk.kernel-regression-solution", reference="interpolation h*(xᵢ) = yᵢ; the primal min-norm fit by numpy pinv")
def check_kernel_regression(regress=ntk.kernel_regression) -> CheckResult:
    theta, X_all = _net(m=64, n=35)
    X, Xt = X_all[:15], X_all[15:]
    J, Jt = _jacobian_by_hand(theta, X), _jacobian_by_hand(theta, Xt)
    f0, f0t = to_numpy(ntk.two_layer(theta, X)), to_numpy(ntk.two_layer(theta, Xt))
    y = np.cos(to_numpy(X)[:, 1])
    K, Kt = f64(J @ J.T), f64(Jt @ J.T)
    fitted = regress(K, K, f64(y), f64(f0), f64(f0))
    return all_of(check_close(fitted, y, atol=1e-8, what="h*(xᵢ) = yᵢ at 15 training points"),
                  check_close(regress(K, Kt, f64(y), f64(f0), f64(f0t)), f0t + Jt @ np.linalg.pinv(J) @ (y - f0),
                              atol=1e-8, what="h* vs f₀ + J_test J⁺(y − f₀) at 20 test points"))


def _without_offset(K, K_cross, y, f0, f0_cross):
    return f64(K_cross) @ (torch.linalg.pinv(f64(K)) @ (f64(y) - f64(f0)))


@erratum("ch09-11:E09", wrong=r"h^*(x)=k(x)K^+(y-f),\quad f_\infty(x)=k(x)K^+(y-f)",
         right=r"h^*(x)=f(\theta_0)(x)+k(x)^\top K^+(y-f_0)",
         why="The linearised model starts from f₀, so the kernel fits only the residual y − f₀; dropping the offset leaves "
             "every training prediction short by exactly f₀(xᵢ), unless the network happens to start at zero.")
def seed_offset_dropped() -> CheckResult:
    return check_kernel_regression(regress=_without_offset)


@erratum("ch09-11:E10", wrong=r"h^*(x)=\mathbf k_{\theta_0}(x)^\top\alpha^*", right=r"h^*(x)=f(\theta_0)(x)+\mathbf k_{\theta_0}(x)^\top\alpha^*",
         why="The dual representation is f₀ plus a kernel expansion; the expansion alone misses the initial function, and "
             "the 'interpolating' solution misses the training targets by f₀(xᵢ).")
def seed_dual_without_offset() -> CheckResult:
    return check_kernel_regression(regress=_without_offset)


@formula("ntk.param-gradient-flow", reference="torch.autograd.grad of ½‖f(θ) − y‖²")
def check_param_flow(flow=ntk.param_gradient_flow) -> CheckResult:
    theta, X = _net(m=32, n=6)
    y = torch.sin(X[:, 0])
    t = theta.clone().requires_grad_()
    E = 0.5 * ((ntk.two_layer(t, X) - y) ** 2).sum()
    g = torch.autograd.grad(E, t)[0]
    return all_of(check_close(flow(theta, X, y), -g, atol=1e-10, what="θ̇ vs −∇E by autograd (tanh)"),
                  check_close(flow(theta, X, y, activation="relu", scale="mean-field"),
                              -torch.autograd.grad(0.5 * ((ntk.two_layer(t, X, activation="relu", scale="mean-field") - y)
                                                          ** 2).sum(), t)[0], atol=1e-10,
                              what="θ̇ vs −∇E (ReLU, mean-field)"))


@formula("ntk.functional-gradient-flow", reference="finite difference of one gradient step of size 1e-6")
def check_functional_flow(flow=ntk.functional_gradient_flow) -> CheckResult:
    theta, X = _net(m=64, n=8)
    y = torch.sin(X[:, 0])
    f = ntk.two_layer(theta, X)
    eta = 1e-6
    J = f64(_jacobian_by_hand(theta, X))
    stepped = ntk.two_layer(theta + eta * J.T @ (y - f), X)
    K = J @ J.T
    return check_close(flow(K, y, f), (stepped - f) / eta, rtol=1e-4, atol=1e-6,
                       what="K(y − f) vs (f(θ + η θ̇) − f(θ))/η")


@formula("ntk.linear-ode-solution", reference="scipy solve_ivp of ḟ = K(y − f) with the test outputs alongside")
def check_linear_ode(solution=ntk.linear_ode_solution) -> CheckResult:
    rng = np.random.default_rng(3)
    A = rng.normal(size=(8, 12))
    K, Kc = A @ A.T / 12, rng.normal(size=(3, 12)) @ A.T / 12
    y, f0, f0c = rng.normal(size=8), rng.normal(size=8), rng.normal(size=3)

    def rhs(_, z):
        r = y - z[:8]
        return np.concatenate([K @ r, Kc @ r])
    sol = scipy.integrate.solve_ivp(rhs, (0, 2.0), np.concatenate([f0, f0c]), rtol=1e-11, atol=1e-12).y[:, -1]
    args = (f64(K), f64(y), f64(f0), 2.0)
    late = solution(f64(K), f64(y), f64(f0), 1e4, f64(Kc), f64(f0c))
    return all_of(check_close(solution(*args), sol[:8], atol=1e-8, what="training outputs at t = 2 vs solve_ivp"),
                  check_close(solution(*args, f64(Kc), f64(f0c)), sol[8:], atol=1e-8, what="test outputs at t = 2"),
                  check_close(late, f0c + Kc @ np.linalg.solve(K, y - f0), atol=1e-8, what="t → ∞: kernel regression"))


@formula("ntk.infinite-width-limit", reference="Monte Carlo over 400,000 random ReLU features; error ∝ m^(−1/2)")
def check_infinite_width(limit=ntk.relu_ntk_infinite, error=lazy.infinite_width_error) -> CheckResult:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(4, 5))
    W, v = rng.normal(size=(400_000, 5)), rng.normal(size=400_000)
    U = X @ W.T / math.sqrt(5)
    per_feature = (np.maximum(U, 0)[:, None, :] * np.maximum(U, 0)[None, :, :] +
                   (v**2) * ((U > 0)[:, None, :] * (U > 0)[None, :, :]) * (X @ X.T / 5)[:, :, None])
    mc, se = per_feature.mean(2), per_feature.std(2) / math.sqrt(400_000)
    widths = [64, 256, 1024, 4096, 16384]
    errs = to_numpy(error(widths, seeds=5))
    slope = _slope(widths, errs)
    k = to_numpy(limit(f64(X)))
    return all_of(holds(bool(np.all(np.abs(k - mc) < 4 * se)), "k∞ within 4 SE of the Monte Carlo average (16 pairs)",
                        f"k∞ is {np.max(np.abs(k - mc) / se):.1f} SE from the Monte Carlo average"),
                  holds(-0.6 <= slope <= -0.4, f"‖K_m − K∞‖/‖K∞‖ ∝ m^{slope:.2f}, m = 64..16384",
                        f"empirical NTK error slope {slope:.2f}, not −1/2"))


@formula("ntk.constancy", reference="explicit iteration of the frozen-kernel recursion; trained vs linearised gap shrinking with m")
def check_constancy(predict=lazy.linearized_gd_prediction, train=lazy.train_gd) -> CheckResult:
    rng = np.random.default_rng(5)
    A = rng.normal(size=(6, 9))
    K, Kc = A @ A.T / 9, rng.normal(size=(2, 9)) @ A.T / 9
    y, f0, f0c = rng.normal(size=6), rng.normal(size=6), rng.normal(size=2)
    lr, steps = 0.5 / np.linalg.eigvalsh(K).max(), 40
    f, fc = f0.copy(), f0c.copy()
    for _ in range(steps):
        f, fc = f + lr * K @ (y - f), fc + lr * Kc @ (y - f)
    theta, X = _net(m=32, n=6)
    yy = torch.sin(X[:, 0])
    widths = [64, 256, 1024, 4096]
    gaps = to_numpy(lazy.constancy_experiment(widths))
    slope = _slope(widths, gaps)
    return all_of(check_close(predict(f64(K), f64(Kc), f64(y), f64(f0), f64(f0c), lr=lr, steps=steps), fc, atol=1e-10,
                              what="closed form vs 40 steps of f ← f + ηK(y − f)"),
                  check_close(predict(f64(K), f64(Kc), f64(y), f64(f0), f64(f0c), lr=lr, steps=100_000),
                              f0c + Kc @ np.linalg.solve(K, y - f0), atol=1e-8, what="t → ∞: f₀ + kᵀK⁻¹(y − f₀)"),
                  check_close(train(theta, X, yy, lr=0.01, steps=1), theta + 0.01 * ntk.param_gradient_flow(theta, X, yy),
                              atol=1e-12, what="one GD step vs θ + η Jᵀ(y − f)"),
                  holds(-1.2 <= slope <= -0.5 and gaps[-1] < 0.005,
                        f"trained vs linearised: max gap {gaps[-1]:.4f} at m = 4096, ∝ m^{slope:.2f}",
                        f"gaps {np.round(gaps, 4).tolist()} (slope {slope:.2f}) do not shrink with the width"))


@formula("ntk.kernel-gradient", reference="torch.autograd double backward of k(x, z) = ∇f(x)·∇f(z)")
def check_kernel_gradient(gradient=lazy.kernel_gradient) -> CheckResult:
    theta, X = _net(m=64, n=2)
    t = theta.clone().requires_grad_()

    def g(x):
        return torch.autograd.grad(ntk.two_layer(t, x[None])[0], t, create_graph=True)[0]
    k = g(X[0]) @ g(X[1])
    ref = torch.autograd.grad(k, t)[0]
    return all_of(check_close(gradient(theta, X[0], X[1]), ref, atol=1e-10, what="H(x)g(z) + H(z)g(x) vs autograd (m = 64)"),
                  check_close(gradient(theta, X[0], X[1]), gradient(theta, X[1], X[0]), atol=1e-12, what="symmetric in x, z"))


@formula("ntk.vanishing-curvature", reference="torch.autograd.functional.hessian and eigvalsh; slope in the width")
def check_curvature(curvature=lazy.relative_curvature) -> CheckResult:
    x = f64([1.0, -0.5, 0.3, 0.8, -1.2])
    exact = []
    for m in (4, 16):
        theta = ntk.init_two_layer(m, 5, generator=torch.Generator().manual_seed(m))
        H = torch.autograd.functional.hessian(lambda t: ntk.two_layer(t, x[None])[0], theta)
        gsq = float(ntk.param_jacobian(theta, x[None])[0].pow(2).sum())
        exact.append((float(curvature(theta, x)), float(torch.linalg.eigvalsh(H).abs().max()) / gsq))
    widths = [16, 64, 256, 1024, 4096, 16384]
    rel = [float(np.median([float(curvature(ntk.init_two_layer(m, 5, generator=torch.Generator().manual_seed(s)), x))
                            for s in range(3)])) for m in widths]
    slope = _slope(widths, rel)
    got, ref = (np.array(c) for c in zip(*exact))
    return all_of(check_close(got, ref, rtol=1e-10, what="block formula vs full Hessian eigenvalues (m = 4, 16)"),
                  holds(-0.55 <= slope <= -0.35, f"relative curvature ∝ m^{slope:.2f}, m = 16..16384",
                        f"relative curvature slope {slope:.2f}, not about −1/2"))


@formula("ntk.kernel-change-rate", reference="gradient descent at widths 64..4096: log–log slope −1; a large step does not shrink")
def check_kernel_change(change=lazy.relative_kernel_change) -> CheckResult:
    rng = np.random.default_rng(6)
    A, B = rng.normal(size=(5, 5)), rng.normal(size=(5, 5))
    widths = [64, 256, 1024, 4096]
    lazy_change = to_numpy(lazy.kernel_change_experiment(widths, seeds=2))
    slope = _slope(widths, lazy_change)
    catapult = to_numpy(lazy.kernel_change_experiment([64, 1024], regime="catapult", seeds=1))
    return all_of(check_close(float(change(f64(A), f64(B))), np.linalg.norm(B - A) / np.linalg.norm(A), rtol=1e-12,
                              what="‖K₁ − K₀‖_F/‖K₀‖_F vs numpy"),
                  holds(-1.2 <= slope <= -0.8, f"lazy: change ∝ m^{slope:.2f} ({lazy_change[0]:.3f} → {lazy_change[-1]:.4f})",
                        f"lazy kernel change {np.round(lazy_change, 4).tolist()} has slope {slope:.2f}, not −1"),
                  holds(bool(catapult.min() > 0.1), f"η = 0.5 > 2/λ_max: change {catapult.min():.2f}+ at m = 64 and 1024",
                        f"large-step change {np.round(catapult, 3).tolist()} shrank"))


@formula("ntk.lazy-vs-rich", reference="the same training in NTK scaling 1/√m and mean-field scaling 1/m, m = 64 and 1024")
def check_lazy_vs_rich(experiment=lazy.kernel_change_experiment) -> CheckResult:
    lazy_change = to_numpy(experiment([64, 1024], seeds=1))
    rich = to_numpy(experiment([64, 1024], regime="mean-field", seeds=1))
    return all_of(holds(lazy_change[1] < lazy_change[0] / 8, f"NTK scaling: {lazy_change[0]:.3f} → {lazy_change[1]:.4f}",
                        f"NTK scaling: {lazy_change[0]:.3f} → {lazy_change[1]:.4f}, not ∝ 1/m"),
                  holds(bool(rich.min() > 0.5) and rich[1] > rich[0] / 2,
                        f"mean-field: {rich[0]:.2f} → {rich[1]:.2f}, order one at both widths",
                        f"mean-field change {np.round(rich, 3).tolist()} is not of order one"))
