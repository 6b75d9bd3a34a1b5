"""Checks of ``edl.optimization.descent`` (book labels ``gd.*``, ``convexity.*``, ``smooth.*``, ``pl.*``) and of
the seeds' errata there.

Steepest descent, gradient flow and Newton's method, step sizes on quadratics, convexity, smoothness and
the PL condition, and the convergence rates of gradient descent. Each check takes the formula (or the
claim) under test as a keyword argument and compares it with an independent route: torch autograd, scipy
(``expm``, ``minimize``, eigenvalues), sympy, or gradient descent actually run and measured against the
proven bound. Every verdict states tolerances and rounded measurements, so it prints the same everywhere.
"""

import math

import numpy as np
import scipy.linalg
import scipy.optimize
import sympy
import torch

from edl.optimization import descent as gd
from edl.optimization.checks.backprop import _all, _close, _g, _rotation
from edl.core.checking import CheckResult, f64, to_numpy
from edl.core.ledger import erratum, formula


# --- test problems --------------------------------------------------------------------------------

def _logistic_data(seed: int = 0, s: int = 200, n: int = 5):
    """Overlapping two-class data (labels ±1) and the smoothness constant λ_max(XᵀX)/(4s)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(s, n))
    y = np.where(X @ rng.normal(size=n) + rng.normal(size=s) * 1.5 > 0, 1.0, -1.0)
    return f64(X), f64(y), float(np.linalg.eigvalsh(X.T @ X).max() / (4 * s))


def _newton_minimum(f, w0, iters: int = 30) -> torch.Tensor:
    """The minimiser of a smooth strictly convex f by Newton's method with autograd derivatives."""
    w = w0.clone()
    for _ in range(iters):
        g = torch.autograd.functional.jacobian(f, w)
        H = torch.autograd.functional.hessian(f, w)
        w = w - torch.linalg.solve(H, g)
    return w


# --- 3.1 steepest descent -------------------------------------------------------------------------

@formula("gd.steepest-descent", reference="10⁵ random unit directions; level-set tangent from the closed-form contour")
def check_steepest_descent(direction=gd.steepest_descent_direction) -> CheckResult:
    X, y, _ = _logistic_data(6, 100, 5)
    theta = f64(np.random.default_rng(6).normal(size=5))
    d = direction(gd.logistic_grad(theta, X, y))
    dirs = torch.randn(100_000, 5, generator=torch.Generator().manual_seed(6), dtype=torch.float64)
    dirs = dirs / dirs.norm(dim=-1, keepdim=True)
    eta = 1e-5
    best = dirs[torch.argmin(gd.logistic_loss(theta + eta * dirs, X, y))]
    cos = float(best @ d)
    beats = float(gd.logistic_loss(theta + eta * d, X, y)) <= float(gd.logistic_loss(theta + eta * best, X, y))
    def along(u):  # f(θ + ηϑ) and its autograd gradient in ϑ, minimised over the unit sphere by SLSQP
        u = f64(u).requires_grad_(True)
        value = gd.logistic_loss(theta + eta * u, X, y) / eta
        return float(value.detach()), to_numpy(torch.autograd.grad(value, u)[0])
    res = scipy.optimize.minimize(along, to_numpy(dirs[0]), jac=True, method="SLSQP", options={"ftol": 1e-15},
                                  constraints=[{"type": "eq", "fun": lambda u: u @ u - 1, "jac": lambda u: 2 * u}])
    opt = float(f64(res.x / np.linalg.norm(res.x)) @ d)
    # 2-D: f = x² + xy + 4y²; the level set through p is r(φ) = sqrt(c / q(φ)) in polar coordinates
    Q = np.array([[1.0, 0.5], [0.5, 4.0]])
    phi = np.linspace(0.1, 6.2, 50)
    c = 2.0

    def point(a):
        u = np.stack([np.cos(a), np.sin(a)], -1)
        return np.sqrt(c / np.einsum("...i,ij,...j->...", u, Q, u))[..., None] * u
    p, h = point(phi), 1e-5
    tangent = (point(phi + h) - point(phi - h)) / (2 * h)
    dd = to_numpy(direction(f64(2 * p @ Q)))
    orth = np.abs((dd * tangent).sum(-1) / np.linalg.norm(tangent, axis=-1)).max()
    return _all([(cos > 0.99, f"best of 10⁵ directions has cosine {_g(cos)} ≤ 0.99 with the returned one"),
                 (beats, "a random direction decreases f more than the returned one"),
                 (opt > 0.9999, f"the minimiser over the sphere has cosine {_g(opt)} ≤ 0.9999"),
                 (orth < 1e-6, f"returned direction not orthogonal to the level set ({_g(orth)})")],
                f"η = 1e-5: argmin over the sphere has cosine {opt:.5f}, best of 10⁵ random {cos:.3f}; "
                f"⊥ level sets in 2-D (1e-6)")


# --- 3.3 gradient descent basics ------------------------------------------------------------------------

@formula("gd.update-flow", reference="scipy.linalg.expm(−Ht)θ₀; scipy.optimize.minimize for the minimiser")
def check_update_flow(descend=gd.gradient_descent, flow=gd.gradient_flow_quadratic,
                      optimum=lambda res: res.x) -> CheckResult:
    rng = np.random.default_rng(11)
    R = _rotation(11, 5)
    H = R @ np.diag(np.linspace(1, 10, 5)) @ R.T
    theta0 = rng.normal(size=5)
    exact = scipy.linalg.expm(-H) @ theta0
    errors = []
    for n in (100, 200, 400):
        errors.append(np.linalg.norm(to_numpy(descend(lambda th: th @ f64(H), f64(theta0), 1.0 / n, n)[-1]) - exact))
    ratios = [errors[0] / errors[1], errors[1] / errors[2]]
    times = np.linspace(0, 3, 301)
    path = to_numpy(flow(f64(H), f64(theta0), f64(times)))
    h = 0.5 * np.einsum("ti,ij,tj->t", path, H, path)
    c, h0 = rng.normal(size=5), 1.5  # J(θ) = ½(θ−c)ᵀH(θ−c) + h0: argmin c, min value h0
    J = lambda th: 0.5 * (th - c) @ H @ (th - c) + h0  # noqa: E731
    res = scipy.optimize.minimize(J, np.zeros(5), jac=lambda th: H @ (th - c), method="BFGS", options={"gtol": 1e-12})
    limit = to_numpy(descend(lambda th: (th - f64(c)) @ f64(H), f64(theta0), 0.1, 500)[-1])
    target = np.atleast_1d(optimum(res))
    return _all([(_close(path[100], scipy.linalg.expm(-H) @ theta0, 1e-12), "flow differs from expm(−Ht)θ₀"),
                 (all(1.9 <= r <= 2.1 for r in ratios), f"halving η changes the error by {_g(ratios[0])}, {_g(ratios[1])}"),
                 (bool((np.diff(h) <= 1e-15).all()), "h(θ(t)) increases along the flow"),
                 (target.shape == limit.shape and np.abs(limit - target).max() < 1e-8,
                  f"GD converges to a point in ℝ⁵, not to θ* = {np.round(target, 3).tolist()}")],
                f"θ(1) = e^(−H)θ₀ (1e-12); Euler error halves with η (ratios {ratios[0]:.2f}, {ratios[1]:.2f}); "
                f"h ↓; GD → argmin")


@formula("gd.newton", reference="sympy.hessian; autograd Hessian for logistic regression")
def check_newton(step=gd.newton_step, hessian=gd.quadratic_hessian) -> CheckResult:
    xs = sympy.symbols("x1:4")
    rng = np.random.default_rng(12)
    A_int = rng.integers(-5, 6, size=(3, 3))
    x, b = sympy.Matrix(xs), sympy.Matrix(rng.integers(-5, 6, size=3).tolist())
    expr = (x.T * sympy.Matrix(A_int.tolist()) * x)[0] + (b.T * x)[0] + 7
    symbolic = np.array(sympy.hessian(expr, xs).tolist(), dtype=np.float64)
    a = sympy.Matrix(3, 3, sympy.symbols("a1:10"))
    general = sympy.simplify(sympy.hessian((x.T * a * x)[0], xs) - (a + a.T)) == sympy.zeros(3, 3)
    M = rng.normal(size=(10, 10))
    Q, c = M @ M.T + np.eye(10), rng.normal(size=10)
    x0 = rng.normal(size=10)
    one = to_numpy(f64(x0) + step(f64(Q @ x0 - c), f64(Q)))
    X, y, _ = _logistic_data(12)
    w = torch.zeros(5, dtype=torch.float64)
    for _ in range(10):
        f = lambda v: gd.logistic_loss(v, X, y)  # noqa: E731
        w = w + step(gd.logistic_grad(w, X, y), torch.autograd.functional.hessian(f, w))
    gnorm = float(gd.logistic_grad(w, X, y).norm())
    return _all([(general and _close(hessian(f64(A_int)), symbolic, 0), "Hessian differs from sympy's"),
                 (_close(one, np.linalg.solve(Q, c), 1e-10), "one Newton step misses the quadratic's minimiser"),
                 (gnorm < 1e-10, f"logistic regression: ‖∇f‖ = {_g(gnorm)} after 10 Newton steps")],
                "∇²(xᵀAx+bᵀx+c) = A+Aᵀ (sympy); 1 step on a quadratic; ‖∇f‖ < 1e-10 in 10 steps")


def _converges(lam: np.ndarray, eta: float, steps: int = 5000) -> bool:
    x = to_numpy(gd.gd_quadratic(f64(lam), torch.ones(len(lam), dtype=torch.float64), eta, steps)[-1])
    return bool(np.linalg.norm(x) < 1e-6 * math.sqrt(len(lam)))


@formula("gd.quadratic-optimal-lr", reference="numpy.linalg.eigvals of I − ηQ on a grid; iterates run at and beyond 2/λ_max")
def check_quadratic_optimal_lr(radius=gd.gd_spectral_radius, best=gd.optimal_step,
                               contraction=gd.optimal_contraction,
                               stable=lambda eta, lam_max: eta < float(gd.stability_limit(lam_max))) -> CheckResult:
    lam = np.logspace(0, 2, 50)
    R = _rotation(13, 50)
    Q = R @ np.diag(lam) @ R.T
    grid = np.linspace(0.001, 0.025, 2401)
    rho = to_numpy(radius(f64(lam), f64(grid)))
    few = grid[::240]
    eig = [np.abs(np.linalg.eigvals(np.eye(50) - e * Q)).max() for e in few]
    arg = grid[rho.argmin()]
    top = to_numpy(gd.gd_quadratic(f64(lam), torch.ones(50, dtype=torch.float64), 2 / lam.max(), 101))[:, -1]
    over = to_numpy(gd.gd_quadratic(f64(lam), torch.ones(50, dtype=torch.float64), 2.01 / lam.max(), 101))[:, -1]
    verdicts = {f"{k:g}": (stable(k / lam.max(), lam.max()), _converges(lam, k / lam.max()))
                for k in (0.5, 1.0, 1.99, 2.0, 2.01)}
    wrong = [k for k, (said, seen) in verdicts.items() if said != seen]
    steps_at = np.array([0.5 / lam.max(), 2 / 101, 1.5 / lam.max()])
    measured = to_numpy(gd.measured_contraction(f64(np.broadcast_to(lam, (3, 50))), f64(steps_at), 5000))
    return _all([(np.allclose(to_numpy(radius(f64(lam), f64(few))), eig, atol=1e-10), "ρ(η) ≠ max|eig(I − ηQ)|"),
                 (np.allclose(measured, to_numpy(radius(f64(lam), f64(steps_at))), atol=1e-3),
                  f"(‖x_T‖/‖x₀‖)^(1/T) after 5000 steps is {np.round(measured, 4).tolist()}, not ρ(η) within 1e-3"),
                 (abs(arg - float(best(1.0, 100.0))) <= 1e-5, f"grid argmin {_g(arg)} ≠ η* = 2/101"),
                 (abs(rho.min() - float(contraction(100.0))) <= 5e-4, f"min ρ = {rho.min():.5f} ≠ (κ−1)/(κ+1) ± 5e-4"),
                 (np.allclose(np.abs(top), 1, atol=1e-12) and abs(over[-1]) > 2, "top mode at 2/λ_max not neutral"),
                 (not wrong, f"η = {', '.join(wrong)}·(1/λ_max) called {'stable' if wrong and verdicts[wrong[0]][0] else 'unstable'}"
                             f" but GD {'diverges or stalls' if wrong and verdicts[wrong[0]][0] else 'converges'}")],
                f"κ = 100: argmin ρ = {arg:.5f} (2/101 = 0.019802), min ρ = {rho.min():.5f} = 99/101; "
                f"measured contraction → ρ; converges iff η < 2/λ_max")


# --- 3.4 function classes ------------------------------------------------------------------------------

def _second_derivative(f, x):
    """f″ at the points x by autograd (1-D functions)."""
    x = x.clone().requires_grad_(True)
    (d1,) = torch.autograd.grad(f(x).sum(), x, create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), x)
    return d2


@formula("convexity.definition", reference="second-order test: eigenvalues of the autograd Hessian; autograd gradients")
def check_convexity_definition(chord=gd.chord_gap, tangent=gd.tangent_gap) -> CheckResult:
    X, y, _ = _logistic_data(14, 100, 3)
    f = lambda w: gd.logistic_loss(w, X, y)  # noqa: E731
    grad = lambda w: gd.logistic_grad(w, X, y)  # noqa: E731
    rng = np.random.default_rng(14)
    w, wp, lam = f64(rng.normal(size=(10_000, 3)) * 3), f64(rng.normal(size=(10_000, 3)) * 3), f64(rng.uniform(size=10_000))
    hess_min = min(float(torch.linalg.eigvalsh(torch.autograd.functional.hessian(f, p)).min()) for p in w[:50])
    convex = float(chord(f, w, wp, lam).min()) >= -1e-12 and float(tangent(f, grad, w, wp).min()) >= -1e-12
    a, c = f64(rng.uniform(-4, 4, size=(10_000, 1))), f64(rng.uniform(-4, 4, size=(10_000, 1)))
    g1 = lambda z: gd.pl_example(z)[..., 0]  # noqa: E731
    violations = int((chord(g1, a, c, f64(rng.uniform(size=10_000))) < -1e-12).sum())
    curvature = float(_second_derivative(gd.pl_example, f64(np.linspace(-4, 4, 801))).min())
    return _all([(hess_min >= -1e-12 and convex, "logistic loss (∇²f ⪰ 0) fails the chord or tangent test"),
                 (curvature < 0 and violations > 0, "x² + 3 sin²x (f″ < 0 somewhere) passes the chord test")],
                f"logistic loss: chord and tangent gaps ≥ 0 on 10⁴ pairs; x² + 3 sin²x: min f″ = {curvature:.3g}, "
                f"{violations} chord violations")


_STRICT_TESTS = {"x⁴": lambda x: x**4, "x²": lambda x: x**2, "cosh x": sympy.cosh,
                 "x⁴ + x²": lambda x: x**4 + x**2, "x² + 3 sin²x": lambda x: x**2 + 3 * sympy.sin(x) ** 2}


@formula("convexity.strict-vs-strong", reference="sympy f″; the midpoint definition on 10⁴ random pairs; quotient (f(x)−f(0))/(x²/2) → 0")
def check_strict_vs_strong(claim: str = "sufficient", chord=gd.chord_gap) -> CheckResult:
    z = sympy.Symbol("z", real=True)
    rng = np.random.default_rng(15)
    a, b = rng.uniform(-2, 2, size=(2, 10_000, 1))
    keep = np.abs(a - b)[:, 0] > 1e-3
    a, b = f64(a[keep]), f64(b[keep])
    parts = []
    for name, expr in _STRICT_TESTS.items():
        d2 = sympy.lambdify(z, sympy.diff(expr(z), z, 2), "numpy")
        grid = np.concatenate([np.linspace(-3, 3, 6001), [0.0]])
        pd = bool((np.broadcast_to(d2(grid), grid.shape) > 0).all())  # ∇²f ≻ 0 on the line (sampled, incl. 0)
        fn = sympy.lambdify(z, expr(z), "torch")
        strict = bool((chord(lambda w: fn(w)[..., 0], a, b, 0.5) > 0).all())
        ok = (not pd or strict) if claim == "sufficient" else (pd == strict)
        parts.append((ok, f"{name}: strictly convex = {strict} but ∇²f ≻ 0 = {pd}, against '{claim}'"))
    x = 10.0 ** -np.arange(1, 7)
    mu_sup = float((x**4 / (x**2 / 2)).min())
    parts.append((mu_sup < 1e-10, "x⁴ admits a μ > 0"))
    return _all(parts, f"x⁴: f″(0) = 0 yet (f(a)+f(b))/2 > f((a+b)/2) on 10⁴ pairs; ∇²f ≻ 0 ⇒ strict on 5 functions; "
                       f"x⁴ not strongly convex (μ ≤ {mu_sup:.0e})")


@formula("convexity.strong", reference="numpy.linalg.eigvalsh(XᵀX) + λ; random pairs")
def check_strong_convexity(gap=gd.strong_convexity_gap) -> CheckResult:
    rng = np.random.default_rng(16)
    X, t, lam_reg = rng.normal(size=(30, 5)), rng.normal(size=30), 0.1
    f = lambda w: 0.5 * ((w @ f64(X).T - f64(t)) ** 2).sum(-1) + lam_reg / 2 * (w**2).sum(-1)  # noqa: E731
    grad = lambda w: (w @ f64(X).T - f64(t)) @ f64(X) + lam_reg * w  # noqa: E731
    evals, evecs = np.linalg.eigh(X.T @ X)
    mu = evals[0] + lam_reg
    x, y = f64(rng.normal(size=(10_000, 5)) * 2), f64(rng.normal(size=(10_000, 5)) * 2)
    worst = float(gap(f, grad, x, y, mu).min())
    x1 = f64(rng.normal(size=(1, 5)))
    y1 = x1 + f64(evecs[:, :1].T)
    tight = float(gap(f, grad, x1, y1, 1.01 * mu)[0])
    return _all([(worst >= -1e-9, f"the μ-bound fails on a random pair (gap {_g(worst)})"),
                 (tight < 0, "1.01μ still satisfies the bound along the bottom eigenvector")],
                f"ridge, μ = λ_min(XᵀX)+λ = {mu:.3f}: bound holds on 10⁴ pairs; 1.01μ fails along the bottom eigenvector")


@formula("smooth.l-smooth", reference="gradient ratios and upper-bound gaps on 10⁴ pairs; autograd Hessians; the exact "
                                       "second-order expansion of a quadratic")
def check_l_smooth(claim: str = "convex", upper=gd.smoothness_gap, ratio=gd.gradient_lipschitz_ratio) -> CheckResult:
    X, y, L_log = _logistic_data(17, 200, 5)
    rng = np.random.default_rng(17)
    tests = {"−x², L = 1": (lambda w: -(w**2).sum(-1), lambda w: -2 * w, 1.0, 1),
             "sin x, L = 1": (lambda w: torch.sin(w).sum(-1), torch.cos, 1.0, 1),
             "logistic, L = λ_max/4s": (lambda w: gd.logistic_loss(w, X, y), lambda w: gd.logistic_grad(w, X, y), L_log, 5)}
    parts = []
    for name, (f, grad, L, d) in tests.items():
        x, z = f64(rng.normal(size=(10_000, d)) * 3), f64(rng.normal(size=(10_000, d)) * 3)
        bound_ok = float(upper(f, grad, x, z, L).min()) >= -1e-12
        lip_ok = float(ratio(grad, x, z).max()) <= L * (1 + 1e-9)
        H = [torch.autograd.functional.hessian(lambda w: f(w[None])[0], p) for p in x[:50]]
        convex = min(float(torch.linalg.eigvalsh(h).min()) for h in H) >= -1e-12
        ok = (bound_ok or not lip_ok) and (lip_ok or not bound_ok or not convex) if claim == "convex" \
            else bound_ok == lip_ok
        parts.append((ok, f"{name}: upper bound holds = {bound_ok}, gradient L-Lipschitz = {lip_ok}, "
                          f"against the claim '{claim}'"))
    # where both are tight: a quadratic ½xᵀHx, whose expansion is exact, and −x², whose gradient ratio is 2 everywhere
    R = _rotation(17, 4)
    lam = np.array([-3.0, -1.0, 0.5, 2.0])
    H = R @ np.diag(lam) @ R.T
    x, z = rng.normal(size=(1000, 4)), rng.normal(size=(1000, 4))
    quad, qgrad = (lambda w: 0.5 * ((w @ f64(H)) * w).sum(-1)), (lambda w: w @ f64(H))
    dz = z - x
    exact = 0.5 * np.einsum("ni,ij,nj->n", dz, 3.0 * np.eye(4) - H, dz)  # ½(z−x)ᵀ(LI − H)(z−x), L = 3
    gap = to_numpy(upper(quad, qgrad, f64(x), f64(z), 3.0))
    top = R[:, 3]  # the eigenvector of λ_max = 2: there the gap with L = λ_max vanishes
    zero = float(upper(quad, qgrad, f64(x[:1]), f64(x[:1] + top), 2.0)[0])
    ratios = to_numpy(ratio(qgrad, f64(x), f64(z)))
    along = float(ratio(qgrad, f64(x[:1]), f64(x[:1] + R[:, 0]))[0])  # the eigenvector of |λ| = 3
    minus = to_numpy(ratio(lambda w: -2 * w, f64(x[:, :1]), f64(z[:, :1])))
    parts += [(np.allclose(gap, exact, rtol=1e-10, atol=1e-12), "quadratic: the gap is not ½(y−x)ᵀ(LI − H)(y−x)"),
              (abs(zero) <= 1e-12, f"quadratic, L = λ_max along its eigenvector: gap {_g(zero)}, not 0"),
              (ratios.max() <= 3 * (1 + 1e-12) and abs(along - 3) <= 1e-12,
               f"quadratic: the gradient ratio reaches {_g(ratios.max())} and {_g(along)} along the top eigenvector, "
               "not at most and exactly max|λ| = 3"),
              (np.allclose(minus, 2.0, rtol=1e-12), f"−x²: gradient ratios {_g(minus.min())}..{_g(minus.max())}, not 2")]
    return _all(parts, "Lipschitz ∇f ⇒ upper bound on 3 functions; −x² meets the bound with L = 1 but its gradient "
                       "ratio is exactly 2 (non-convex); quadratic: gap = ½(y−x)ᵀ(LI − H)(y−x), 0 at L = λ_max along "
                       "its eigenvector; ratio ≤ max|λ|, with equality along it")


@formula("smooth.gradnorm-gap", reference="f* from scipy.optimize.minimize (BFGS, gtol 1e-12)")
def check_gradnorm_gap(bound=gd.gradnorm_gap_bound) -> CheckResult:
    X, y, L = _logistic_data(18)
    res = scipy.optimize.minimize(lambda w: float(gd.logistic_loss(f64(w), X, y)), np.zeros(5),
                                  jac=lambda w: to_numpy(gd.logistic_grad(f64(w), X, y)), method="BFGS",
                                  options={"gtol": 1e-12})
    w = f64(np.random.default_rng(18).normal(size=(1000, 5)) * 2)
    g2 = (gd.logistic_grad(w, X, y) ** 2).sum(-1)
    slack = float((gd.logistic_loss(w, X, y) - res.fun - bound(g2, L)).min())
    xs = f64(np.linspace(-3, 3, 61))
    equal = _close(2.5 * xs**2 - bound((5 * xs) ** 2, 5.0), np.zeros(61), 1e-12)
    return _all([(slack >= -1e-12, f"f − f* < ‖∇f‖²/(2L) somewhere (slack {_g(slack)})"),
                 (equal, "no equality for f = (L/2)x²")],
                f"logistic regression: f − f* ≥ ‖∇f‖²/(2L) at 1000 points (min slack {slack:.3f}); equality for (L/2)x²")


@formula("pl.condition", reference="dense grid with sympy f″; numpy eigenvalues and lstsq for f*; equality along the "
                                      "eigenvector of λ⁺_min")
def check_pl_condition(ratio=gd.pl_ratio) -> CheckResult:
    x = torch.linspace(-50, 50, 2_000_001, dtype=torch.float64)
    x = x[x.abs() > 1e-6]
    r = ratio(gd.pl_example_grad(x) ** 2, gd.pl_example(x))
    z = sympy.Symbol("z")
    d2 = sympy.lambdify(z, sympy.diff(z**2 + 3 * sympy.sin(z) ** 2, z, 2), "numpy")(np.linspace(-4, 4, 80_001))
    rng = np.random.default_rng(19)
    X = rng.normal(size=(30, 6)) @ rng.normal(size=(6, 10))  # rank 6
    t = rng.normal(size=30)
    w_star = np.linalg.lstsq(X, t, rcond=None)[0]
    f_star = 0.5 * np.sum((X @ w_star - t) ** 2)
    evals, evecs = np.linalg.eigh(X.T @ X)
    plus = np.flatnonzero(evals > 1e-9 * evals.max())[0]
    lam_plus = evals[plus]
    w = np.concatenate([rng.normal(size=(10_000, 10)) * 3,
                        w_star + np.array([0.5, -2.0, 7.0])[:, None] * evecs[:, plus]])  # last 3: along v(λ⁺_min)
    res = w @ X.T - t
    ls = to_numpy(ratio(f64(((res @ X) ** 2).sum(-1)), f64(0.5 * (res**2).sum(-1) - f_star)))
    Q = X.T @ X + np.eye(10)
    qe, qv = np.linalg.eigh(Q)
    wq = np.concatenate([w[:10_000], np.array([[1.0], [-3.0]]) * qv[:, 0]])
    quad = to_numpy(ratio(f64(((wq @ Q) ** 2).sum(-1)), f64(0.5 * np.einsum("ni,ij,nj->n", wq, Q, wq))))
    r_min = float(r.min())
    return _all([(r_min >= 1 / 32, f"x² + 3 sin²x: min ratio {_g(r_min)} < 1/32"),
                 (abs(d2.min() + 4) < 1e-6 and abs(d2.max() - 8) < 1e-6, "f″ range is not [−4, 8]"),
                 (ls[:-3].min() >= lam_plus * (1 - 1e-9), f"rank-deficient least squares: ratio {_g(ls.min())} < λ⁺_min"),
                 (np.allclose(ls[-3:], lam_plus, rtol=1e-9), f"least squares along v(λ⁺_min): ratio "
                  f"{np.round(ls[-3:], 4).tolist()}, not λ⁺_min = {lam_plus:.4f}"),
                 (quad[:-2].min() >= qe[0] * (1 - 1e-9) and np.allclose(quad[-2:], qe[0], rtol=1e-9),
                  f"quadratic: ratio {_g(quad.min())} below λ_min, or not λ_min along its eigenvector")],
                f"x² + 3 sin²x: min ½f′²/f = {r_min:.4f} ≥ 1/32, f″ ∈ [−4, 8]; least squares (rank 6): ratio ≥ λ⁺_min = "
                f"{lam_plus:.4f}, with equality along its eigenvector; quadratic: ≥ λ_min, equality along its eigenvector")


# --- 3.5 convergence rates ------------------------------------------------------------------------------

def _robust_problem(seed: int = 20):
    """f(x) = Σ log(1 + (aⱼᵀx − bⱼ)²): non-convex, L = 2λ_max(AᵀA), f ≥ 0."""
    rng = np.random.default_rng(seed)
    A, b = f64(rng.normal(size=(30, 5))), f64(rng.normal(size=30) * 2)
    f = lambda x: torch.log1p((x @ A.T - b) ** 2).sum(-1)  # noqa: E731
    grad = lambda x: (2 * (x @ A.T - b) / (1 + (x @ A.T - b) ** 2)) @ A  # noqa: E731
    return f, grad, 2 * float(torch.linalg.eigvalsh(A.T @ A).max())


@formula("gd.rate-nonconvex", reference="gradient descent run for 1000 steps from 16 starts; first step with ‖∇f‖ ≤ ε measured")
def check_rate_nonconvex(bound=gd.nonconvex_gradnorm_bound, steps=gd.steps_to_stationarity) -> CheckResult:
    f, grad, L = _robust_problem()
    x0 = f64(np.random.default_rng(20).normal(size=(16, 5)) * 3)
    xs = gd.gradient_descent(grad, x0, 1 / L, 1000)  # (1001, 16, 5)
    g2 = (grad(xs) ** 2).sum(-1)  # (1001, 16)
    best = torch.cummin(g2, 0).values
    t = torch.arange(1001, dtype=torch.float64)[:, None]
    worst = float((best / bound(f(x0), 1 / L, t)).max())
    lam = np.linspace(1.0, 10.0, 5)  # quadratic ½ Σ λ_i x_i², L = 10, μ = 1
    q0 = torch.full((5,), 2.0, dtype=torch.float64)
    qs = gd.gd_quadratic(f64(lam), q0, 0.1, 3000)
    qg = (qs * f64(lam)).norm(dim=-1)
    gap0 = float(0.5 * (f64(lam) * q0**2).sum())
    parts, hits = [(worst <= 1, f"min‖∇f‖² exceeds 2(f₀ − f*)/(η(t+1)) (ratio {_g(worst)})")], []
    for eps in (1.0, 0.1, 0.01, 1e-3):
        for name, gn, LL, gap in (("robust", g2.sqrt().max(1).values, L, f(x0).max()), ("quadratic", qg, 10.0, gap0)):
            first = int(torch.nonzero(gn <= eps)[0, 0]) if bool((gn <= eps).any()) else math.inf
            allowed = float(steps(LL, float(gap), eps))
            ok = first <= allowed or (first == math.inf and allowed >= len(gn) - 1)  # not reached, not due yet
            parts.append((ok, f"{name}, ε = {eps:g}: ‖∇f‖ ≤ ε first at step {first} > bound {_g(allowed)}"))
            hits.append(first)
    # f = (λ/2)x², η = 1/L: min_{i≤t} f′(x_i)² = λ²(1 − q)^{2t}x₀² with q = λ/L, so measured/bound = (t+1)q(1 − q)^{2t}
    # exactly; at q = 1, t = 0 (one step lands on x* = 0) this is 1: the bound is attained
    q = np.array([1.0, 1 / 3, 1 / 11, 0.01])
    runs = gd.gradient_descent(lambda z: z * f64(q * 10.0), torch.full((4,), 2.0, dtype=torch.float64), 0.1, 50)
    tq = np.array([0, 1, 5, 50])
    g2q = torch.cummin((runs * f64(q * 10.0)) ** 2, 0).values[tq]  # (4 times, 4 curvatures)
    measured = to_numpy(g2q / bound(f64(q * 10.0 / 2 * 4.0), 0.1, f64(tq)[:, None]))
    closed = (tq[:, None] + 1) * q * (1 - q) ** (2 * tq[:, None])
    # and the step count at that equality: ‖∇f₀‖ = 20 and ε just below it are reached in one step
    allowed_eq = float(steps(10.0, 20.0, 20.0 * (1 - 1e-6)))
    parts += [(np.allclose(measured, closed, rtol=1e-10, atol=1e-300), f"(λ/2)x², η = 1/L: measured/bound "
               f"{np.round(measured[0], 4).tolist()} at t = 0, not (t+1)q(1−q)^(2t) = {np.round(closed[0], 4).tolist()}"),
              (1 <= allowed_eq <= 1 + 1e-5, f"(L/2)x² from ‖∇f₀‖ = 20, ε → 20: one step suffices, but the count is {_g(allowed_eq)}")]
    return _all(parts, f"16 starts: max measured/bound {worst:.3f} ≤ 1; steps to ε-stationarity within 2L(f₀−f*)/ε² "
                       f"for ε = 1 … 1e-3; (λ/2)x², η = 1/L: measured/bound = (t+1)q(1−q)^(2t) (q = λ/L), equality at "
                       f"q = 1, t = 0; the step count is 1 when ε → ‖∇f₀‖ there")


@formula("gd.rate-convex", reference="gradient descent runs (f* by Newton with autograd); the Huber worst case of "
                                        "Drori and Teboulle, f(x_N) − f* = L‖x₀−x*‖²/(4N+2)")
def check_rate_convex(bound=gd.convex_rate_bound) -> CheckResult:
    X, y, L = _logistic_data(21)
    f = lambda w: gd.logistic_loss(w, X, y)  # noqa: E731
    w_star = _newton_minimum(f, torch.zeros(5, dtype=torch.float64))
    f_star = float(f(w_star))
    x0 = f64(np.random.default_rng(21).normal(size=(8, 5)) * 3)
    xs = gd.gradient_descent(lambda w: gd.logistic_grad(w, X, y), x0, 1 / L, 500)[1:]  # t = 1..500
    t = torch.arange(1, 501, dtype=torch.float64)[:, None]
    ratio = (f(xs) - f_star) / bound(((x0 - w_star) ** 2).sum(-1), 1 / L, t)
    worst = float(ratio.max())
    # Huber f(x) = Lδ|x| − Lδ²/2 (|x| ≥ δ), Lx²/2 (|x| < δ) with δ = R/(2N+1), from x₀ = R, η = 1/L: every step moves by δ,
    # x_N = R(N+1)/(2N+1) and f(x_N) − f* = LR²/(4N+2), the exact worst case of N steps (Drori and Teboulle 2014)
    Lh, R = 3.0, 2.0
    N = np.array([1, 10, 100, 1000])
    delta = f64(R / (2 * N + 1))
    runs = gd.gradient_descent(lambda z: Lh * torch.clamp(z, -delta, delta), torch.full((4,), R, dtype=torch.float64),
                               1 / Lh, int(N.max()))
    xN = runs[N, range(4)]
    huber = torch.where(xN.abs() >= delta, Lh * delta * xN.abs() - Lh * delta**2 / 2, Lh * xN**2 / 2)
    return _all([(worst <= 1, f"f(x_t) − f* exceeds L‖x₀−x*‖²/(2t) (ratio {_g(worst)})"),
                 (_close(huber, Lh * R**2 / (4 * f64(N) + 2), 1e-12), "the Huber run does not give LR²/(4N+2)"),
                 (_close(bound(f64(np.full(4, R**2)), 1 / Lh, f64(N)) / huber, (2 * f64(N) + 1) / f64(N), 1e-9),
                  "Huber worst case, N = 1..1000: bound/(f(x_N) − f*) is not (2N+1)/N")],
                f"logistic regression, 8 starts, η = 1/L, t ≤ 500: max (f − f*)/bound = {worst:.3f} ≤ 1; Huber worst case "
                f"(N = 1, 10, 100, 1000 steps): f(x_N) − f* = LR²/(4N+2), so bound/(f − f*) = (2N+1)/N → 2")


@formula("gd.rate-strongly-convex", reference="gradient descent run for 500 steps; x* by Newton")
def check_rate_strongly_convex(bound=gd.strongly_convex_rate_bound, contraction=gd.optimal_contraction) -> CheckResult:
    X, y, L0 = _logistic_data(22)
    lam_reg = 0.1
    problems = []
    f = lambda w: gd.logistic_loss(w, X, y, lam_reg)  # noqa: E731
    problems.append(("ridge logistic", lambda w: gd.logistic_grad(w, X, y, lam_reg),
                     _newton_minimum(f, torch.zeros(5, dtype=torch.float64)), lam_reg, L0 + lam_reg))
    lam = np.logspace(0, 2, 10)
    Q = f64(_rotation(22, 10) @ np.diag(lam) @ _rotation(22, 10).T)
    c = f64(np.random.default_rng(22).normal(size=10))
    problems.append(("quadratic κ = 100", lambda w: (w - c) @ Q, c, 1.0, 100.0))
    v_mu = f64(_rotation(22, 10)[:, 0])  # the eigenvector of μ = 1: the slowest start
    parts, worst = [], 0.0
    for name, grad, x_star, mu, L in problems:
        x0 = x_star + f64(np.random.default_rng(23).normal(size=(8, len(x_star))) * 2)
        if len(x_star) == 10:
            x0 = torch.cat([x0, x_star + 2 * v_mu[None]])
        t = torch.arange(501, dtype=torch.float64)[:, None]
        d0 = ((x0 - x_star) ** 2).sum(-1)
        for eta, kind in ((1 / L, "sq"), (2 / (L + mu), "opt")):
            dist = ((gd.gradient_descent(grad, x0, eta, 500) - x_star) ** 2).sum(-1)
            b = bound(d0, eta, mu, t) if kind == "sq" else contraction(L / mu) ** (2 * t) * d0
            keep = (b > 1e-24 * d0) & (t > 0)  # from t = 1 until the bound reaches rounding level
            r = float((dist[keep] / b[keep]).max())
            worst = max(worst, r)
            parts.append((r <= 1 + 1e-9, f"{name}, η = {'1/L' if kind == 'sq' else '2/(L+μ)'}: ratio {_g(r)} > 1"))
    # from the μ-eigenvector ‖x_t − x*‖² = (1 − ημ)^(2t)‖x₀ − x*‖² exactly; at η = 2/(L+μ) the distance contracts by
    # exactly (κ−1)/(κ+1) per step, the bound of that step
    t = torch.arange(301, dtype=torch.float64)
    slow = ((gd.gradient_descent(problems[1][1], c + 2 * v_mu, 1 / 100, 300) - c) ** 2).sum(-1)
    fast = ((gd.gradient_descent(problems[1][1], c + 2 * v_mu, 2 / 101, 300) - c) ** 2).sum(-1)
    parts += [(_close(slow / 4, (1 - 1 / 100) ** (2 * t), 1e-12), "from v(μ), η = 1/L: ‖x_t − x*‖² ≠ (1 − ημ)^(2t)d₀"),
              (_close(fast.sqrt() / 2, contraction(100.0) ** t, 1e-12),
               "from v(μ), η = 2/(L+μ): ‖x_t − x*‖ ≠ ((κ−1)/(κ+1))^t ‖x₀ − x*‖ (the bound of that step is not attained)")]
    return _all(parts, f"ridge logistic and a κ = 100 quadratic (8 random starts and the μ-eigenvector): both bounds hold "
                       f"(max ratio {worst:.3f}); from the μ-eigenvector ‖x_t − x*‖² = (1 − ημ)^(2t)d₀ at η = 1/L, and the "
                       f"distance contracts by exactly (κ−1)/(κ+1) at η = 2/(L+μ)")


def _declared_pl(f, grad, mu: float) -> bool:
    """PL certificate on a dense grid: ½f′² ≥ μ(f − f*) (f* = 0)."""
    x = torch.linspace(-30, 30, 600_001, dtype=torch.float64)
    return bool((0.5 * grad(x) ** 2 >= mu * f(x) - 1e-12).all())


@formula("gd.rate-pl", reference="gradient descent run; PL constants certified on a dense grid; "
                                               "the descent-lemma factor at the prescribed step")
def check_rate_pl(step=gd.pl_step, bound=gd.pl_rate_bound, admits=_declared_pl) -> CheckResult:
    problems = [("x² + 3 sin²x", gd.pl_example, gd.pl_example_grad, 1 / 32, 8.0, 200),
                ("x² + 10 sin²x", lambda x: x**2 + 10 * torch.sin(x) ** 2,
                 lambda x: 2 * x + 10 * torch.sin(2 * x), 1 / 32, 22.0, 200)]
    parts, worst = [], 0.0
    x0 = torch.linspace(-10, 10, 41, dtype=torch.float64)
    x0 = x0[x0 != 0]
    for name, f, grad, mu, L, T in problems:
        if not admits(f, grad, mu):
            continue
        eta = step(mu, L)
        xs = gd.gradient_descent(grad, x0, eta, T)
        t = torch.arange(T + 1, dtype=torch.float64)[:, None]
        b = bound(f(x0), mu, L, t)
        r = float((f(xs) / b)[(b > 1e-250) & (t > 0)].max())
        worst = max(worst, r)
        parts.append((r <= 1 + 1e-9, f"{name} (μ = 1/32, L = {L:g}): f(x_t) exceeds (1−μ/L)^t f(x₀), ratio {_g(r)}"))
        factor = float(gd.pl_step_factor(mu, L, eta))
        parts.append((abs(factor - (1 - mu / L)) <= 1e-12,
                      f"{name}: at η = {_g(eta)} the proof gives factor {factor:.6f}, not 1 − μ/L = {1 - mu / L:.6f}"))
    rng = np.random.default_rng(24)
    A = rng.normal(size=(20, 4)) @ rng.normal(size=(4, 8))  # rank 4: not strongly convex
    tgt = rng.normal(size=20)
    ev = np.linalg.eigvalsh(A.T @ A)
    mu_ls, L_ls = ev[ev > 1e-9 * ev.max()].min(), ev.max()
    f_star = 0.5 * np.sum((A @ np.linalg.lstsq(A, tgt, rcond=None)[0] - tgt) ** 2)
    grad = lambda w: (w @ f64(A).T - f64(tgt)) @ f64(A)  # noqa: E731
    evecs = np.linalg.eigh(A.T @ A)[1]
    slowest = np.linalg.lstsq(A, tgt, rcond=None)[0] + 3 * evecs[:, np.flatnonzero(ev > 1e-9 * ev.max())[0]]
    w0 = torch.cat([f64(rng.normal(size=(8, 8)) * 3), f64(slowest[None])])  # the last starts on v(λ⁺_min)
    ws = gd.gradient_descent(grad, w0, step(mu_ls, L_ls), 500)
    gaps = 0.5 * ((ws @ f64(A).T - f64(tgt)) ** 2).sum(-1) - f_star
    b = bound(gaps[0], mu_ls, L_ls, torch.arange(501, dtype=torch.float64)[:, None])
    keep = (b > 1e-10 * gaps[0]) & (torch.arange(501)[:, None] > 0)
    r = float((gaps[keep] / b[keep]).max())
    parts.append((r <= 1 + 1e-9, f"rank-deficient least squares: ratio {_g(r)} > 1"))
    return _all(parts, f"x² + 3 sin²x (40 starts, η = {_g(step(1 / 32, 8.0))}): max f(x_t)/bound = {worst:.3f}; "
                       f"rank-4 least squares (μ = λ⁺_min, 8 random starts and its eigenvector, where the gap falls as "
                       f"(1 − μ/L)^(2t)): {r:.3f}")


# --- the seeds' errata: the same checks, run on what the seed says ---------------------------------

@erratum("ch01-03:E34", wrong=r"\theta^*=\min_{\theta\in\Omega}J(\theta)", right=r"\theta^*\in\arg\min_{\theta\in\Omega}J(\theta)",
         why="With min in place of argmin, θ* names the lowest value of J rather than the point where it is reached, "
             "so iterates (vectors) get compared with a number and the loss is mistaken for the solution.")
def seed_min_for_argmin() -> CheckResult:
    return check_update_flow(optimum=lambda res: res.fun)


@erratum("ch01-03:E35", wrong=r"\eta\le2/\lambda_{\max}(Q)", right=r"0<\eta<2/\lambda_{\max}(Q)",
         why="At exactly η = 2/λₘₐₓ the top eigendirection flips sign every step without shrinking, so gradient "
             "descent oscillates forever instead of converging; that step must be excluded.")
def seed_stability_closed() -> CheckResult:
    return check_quadratic_optimal_lr(stable=lambda eta, lam_max: eta <= 2 / lam_max)


@erratum("ch01-03:E36", wrong=r"f\text{ strictly convex}\iff\nabla^2f\succ0",
         right=r"\nabla^2f\succ0\Rightarrow f\text{ strictly convex (not conversely: }x^4)",
         why="Taking the converse, one would deny that x⁴ is strictly convex, or expect every strictly convex loss to "
             "curve at its minimum and give gradient descent a linear rate, where x⁴ gives a sublinear one.")
def seed_strict_iff_pd() -> CheckResult:
    return check_strict_vs_strong(claim="equivalent")


@erratum("ch01-03:E37", wrong=r"\|\nabla f(x)-\nabla f(y)\|\le L\|x-y\|\iff f(y)\le f(x)+\nabla f(x)^\top(y-x)+\tfrac L2\|y-x\|^2",
         right=r"\Rightarrow\ \text{always};\ \Leftarrow\ \text{for convex }f",
         why="Without convexity the bound limits curvature only from above: −x² meets it with L = 1 though its "
             "gradient is 2-Lipschitz, so results that need a Lipschitz gradient get too small an L.")
def seed_smooth_iff_upper_bound() -> CheckResult:
    return check_l_smooth(claim="equivalent")


@erratum("ch01-03:E38", wrong=r"T\le\frac{2\varepsilon}{\mu^2}(f(x_0)-f^*)", right=r"T\le\frac{2L}{\varepsilon^2}(f(x_0)-f^*)",
         why="This count shrinks as ε shrinks, promising fewer steps for a more accurate stationary point, so gradient "
             "descent overruns it once the tolerance is small.")
def seed_stationarity_steps() -> CheckResult:
    return check_rate_nonconvex(steps=lambda L, gap, eps: 2 * eps * gap / 1.0**2)  # μ = 1: the quadratic's λ_min


@erratum("ch01-03:E39", wrong=r"\eta^*=\tfrac2{L+\mu}:\ f(x_t)-f^*\le(1-\mu/L)^t(f(x_0)-f^*)",
         right=r"\eta=\tfrac1L:\ f(x_t)-f^*\le(1-\mu/L)^t(f(x_0)-f^*)",
         why="At η = 2/(L+μ) the descent-lemma argument guarantees a contraction of only 1 − 4μ²/(L+μ)² per step, far "
             "weaker than 1 − μ/L when μ ≪ L, so the promised rate is unsupported.")
def seed_pl_step() -> CheckResult:
    return check_rate_pl(step=lambda mu, L: 2 / (L + mu))


@erratum("ch01-03:E40", wrong=r"L\text{-smooth},\ \eta=\tfrac1L\Rightarrow h(\theta^t)-\min h\le(1-\mu/L)^t(\dots)",
         right=r"L\text{-smooth}+\mu\text{-PL},\ \eta=\tfrac1L\Rightarrow h(\theta^t)-\min h\le(1-\mu/L)^t(\dots)",
         why="Without the PL inequality the linear rate can fail outright: on x² + 10 sin²x gradient descent from many "
             "starts stops in the local minima near x ≈ ±2.84, where the gap stays near 9.")
def seed_pl_without_hypothesis() -> CheckResult:
    return check_rate_pl(admits=lambda f, grad, mu: True)
