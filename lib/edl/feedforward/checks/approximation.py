"""Checks of chapter 2, part B: approximation theory (``approx.*``), ReLU networks (``relu.*``) and the
linear autoencoder (``linae.*``), with the seeds' errata there.

Each check takes the formula under test as a keyword argument (default: the library function) and
compares it with an independent route: autograd, numpy/scipy, exact enumeration with linear programs,
closed forms, quadrature, or Monte Carlo against the theoretical mean. Every verdict states
tolerances and exact counts, never machine-dependent errors, so it prints the same everywhere.
"""

import functools
import math

import numpy as np
import scipy.special
import scipy.stats
import torch

from edl.feedforward import approximation as ap
from edl.feedforward import linear_autoencoder as ae
from edl.feedforward import relu_regions as rr
from edl.core.checking import CheckResult, check_close, check_leq, f64, holds, to_numpy
from edl.core.device import single_threaded
from edl.core.ledger import erratum, formula



def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# --- approximation theory ---------------------------------------------------------------------------

@formula("approx.ridge-function", reference="torch.autograd input gradient; random Δx ⊥ θ")
def check_ridge_function(ridge=ap.ridge_function, grad_norm=ap.ridge_gradient_norm) -> CheckResult:
    rng = np.random.default_rng(0)
    theta, x = f64(rng.normal(size=5)), f64(rng.normal(size=(200, 5))).requires_grad_(True)
    f = ridge(x, theta)
    (grad,) = torch.autograd.grad(f.sum(), x)  # rows: ∇f at each point (points are independent)
    norms = check_close(grad_norm(x.detach(), theta), grad.norm(dim=1), atol=1e-12,
                        what="|φ'(x·θ)|‖θ‖ and the autograd ‖∇f‖ (200 points, n = 5)")
    delta = f64(rng.normal(size=(200, 5)))
    delta = delta - (delta @ theta)[:, None] * theta / (theta @ theta)  # project out θ
    level = check_close(ridge(x.detach() + 3 * delta, theta), f.detach(), atol=1e-12,
                        what="f(x + Δx) and f(x) for Δx ⊥ θ")
    return norms & level


@formula("approx.weierstrass-density", reference="scipy.stats.binom.pmf sums; numpy.polynomial.chebyshev.chebinterpolate")
def check_weierstrass_density(bernstein=ap.bernstein_polynomial, chebyshev=ap.chebyshev_interpolant) -> CheckResult:
    x01, x11 = np.linspace(0, 1, 1001), np.linspace(-1, 1, 2001)
    kink, absolute = (lambda t: abs(t - 0.5)), (lambda t: abs(t))
    b_err, b_ours, b_ref = [], [], []
    for m in (10, 100, 1000):
        ours = to_numpy(bernstein(kink, m, f64(x01)))
        k = np.arange(m + 1)
        ref = scipy.stats.binom.pmf(k, m, x01[:, None]) @ np.abs(k / m - 0.5)
        b_ours.append(ours), b_ref.append(ref), b_err.append(np.abs(ours - np.abs(x01 - 0.5)).max())
    c_err, c_ours, c_ref = [], [], []
    for deg in (16, 64, 256):
        ours = to_numpy(chebyshev(absolute, deg, f64(x11)))
        ref = np.polynomial.chebyshev.chebval(x11, np.polynomial.chebyshev.chebinterpolate(np.abs, deg))
        c_ours.append(ours), c_ref.append(ref), c_err.append(np.abs(ours - np.abs(x11)).max())
    routes = check_close(np.concatenate(b_ours + c_ours), np.concatenate(b_ref + c_ref), atol=1e-10,
                         what="Bernstein (m = 10, 100, 1000) vs binomial sums, Chebyshev (N = 16, 64, 256) vs numpy")
    falls = (np.diff(b_err) < 0).all() and (np.diff(c_err) < 0).all() and b_err[-1] < 0.015 and c_err[-1] < 0.003
    return routes & holds(falls, "sup errors decrease; Bernstein < 0.015 at m = 1000, Chebyshev < 0.003 at N = 256",
                           f"sup errors do not fall as required: Bernstein {np.round(b_err, 4).tolist()}, "
                           f"Chebyshev {np.round(c_err, 4).tolist()}")


def uat_errors(widths=(10, 40, 160), activation="tanh", draws: int = 5, fit=ap.random_feature_fit) -> np.ndarray:
    """Median (over draws) sup error of least-squares random-feature fits of sin 3x + |x| on [−1, 1]."""
    x = torch.linspace(-1, 1, 1001, dtype=torch.float64)[:, None]
    y = torch.sin(3 * x[:, 0]) + x[:, 0].abs()
    with single_threaded():
        errs = [[float(ap.sup_error(y, fit(x, y, m, activation, generator=_gen(100 * m + r)))) for r in range(draws)]
                for m in widths]
    return np.median(np.array(errs), axis=1)


@formula("approx.uat-ridge-lifting", reference="numpy.polyfit (degree-2 least squares); rank of degree-k units vs binom(n+k, k)")
def check_uat_ridge_lifting(fit=ap.random_feature_fit) -> CheckResult:
    tanh = uat_errors(fit=fit)
    shrinks = holds(tanh[2] < tanh[0] / 4, "tanh units: median sup error falls by more than 4x from m = 10 to 160",
                     f"tanh units: median sup error {np.round(tanh, 4).tolist()} does not fall 4x")
    x = np.linspace(-1, 1, 1001)
    y = np.sin(3 * x) + np.abs(x)
    quad = np.polyval(np.polyfit(x, y, 2), x)  # best quadratic in least squares
    fits = [to_numpy(fit(f64(x[:, None]), f64(y), m, "square", generator=_gen(m))) for m in (10, 40, 160)]
    same = check_close(np.stack(fits), np.stack([quad] * 3), atol=1e-8,
                       what="(θx + b)² nets (m = 10, 40, 160) and the least-squares quadratic")
    stuck = holds(np.abs(y - quad).max() > 1.0, "so their sup error stays above 1.0 for every m",
                   "the quadratic fit is unexpectedly good")
    xs = torch.randn(300, 3, generator=_gen(1), dtype=torch.float64)
    ranks = [ap.polynomial_span_rank(xs, 200, k, generator=_gen(2)) for k in (1, 2, 3)]
    bound = [math.comb(3 + k, k) for k in (1, 2, 3)]
    span = holds(ranks == bound, f"in n = 3, 200 units of degree k = 1, 2, 3 span dimensions {bound} = binom(n+k, k)",
                  f"degree-k units span {ranks}, expected {bound}")
    return shrinks & same & stuck & span


def _fourier_1d(values: np.ndarray, x: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """(1/2π)∫g(x)e^{−iωx}dx by the trapezoid rule (spectrally accurate for smooth, fast-decaying g)."""
    w = np.full_like(x, x[1] - x[0])
    w[[0, -1]] /= 2
    return (np.exp(-1j * np.outer(omega, x)) * values * w).sum(1) / (2 * np.pi)


def _barron_constant_fourier(f, fprime, omega, weights, x):
    """C_f with f̂ computed from f by quadrature: the library formula on |f̂|."""
    return ap.barron_constant(f64(np.abs(_fourier_1d(f(x), x, omega))), f64(omega[:, None]), f64(weights))


def _seed_network(x, beta, theta, b, b0, sigma=torch.sigmoid):
    """002: f_m(x) = Σ_j (β_j σ(θ_j + b_j) + b_0): no x in the unit, b_0 inside the sum."""
    value = (beta * sigma(theta.sum(1) + b) + b0).sum()
    return value.expand(x.shape[0])


MAUREY_WIDTHS = (10, 50, 250)


@formula("approx.barron", reference="Fourier transforms by quadrature vs closed forms; torch.nn Linear–Sigmoid–Linear; "
                   "Maurey Monte Carlo vs (1/m)∫Var dμ")
def check_barron(constant=_barron_constant_fourier, grad_transform=ap.fourier_of_gradient,
                 network=ap.barron_network) -> CheckResult:
    # (a) C_f = ∫|ω||f̂(ω)|dω for e^{−x²/2} and e^{−x²/2}cos 2x, whose f̂ are N(0,1) and ½N(±2,1) densities
    x = np.linspace(-12, 12, 1201)
    omega = np.linspace(-10, 10, 2001)
    weights = np.full_like(omega, omega[1] - omega[0])
    gauss, dgauss = (lambda t: np.exp(-t**2 / 2)), (lambda t: -t * np.exp(-t**2 / 2))
    wave = lambda t: np.exp(-t**2 / 2) * np.cos(2 * t)
    dwave = lambda t: -np.exp(-t**2 / 2) * (t * np.cos(2 * t) + 2 * np.sin(2 * t))
    ours = [float(constant(gauss, dgauss, omega, weights, x)), float(constant(wave, dwave, omega, weights, x))]
    mu = 2.0
    exact = [ap.barron_constant_gaussian(1),
             math.sqrt(2 / math.pi) * math.exp(-mu**2 / 2) + mu * (1 - 2 * scipy.stats.norm.cdf(-mu))]
    cf = check_close(ours, exact, atol=1e-4, what="C_f of two 1-D functions and closed forms E|ω|")
    # (b) (∇g)^ = iω ĝ for g = (1 + x)e^{−x²/2}
    g = (1 + x) * np.exp(-x**2 / 2)
    dg = (1 - x - x**2) * np.exp(-x**2 / 2)
    w = np.linspace(-6, 6, 121)
    transform = grad_transform(f64(w[:, None]), torch.as_tensor(_fourier_1d(g, x, w)))[:, 0]
    ref = torch.as_tensor(_fourier_1d(dg, x, w))
    grad = check_close(torch.view_as_real(transform.resolve_conj()), torch.view_as_real(ref), atol=1e-10,
                       what="transform of g' and iωĝ")
    # (c) the network form against torch.nn
    rng = np.random.default_rng(3)
    d, m = 4, 7
    xs, theta, b, beta, b0 = (f64(rng.normal(size=s)) for s in ((50, d), (m, d), (m,), (m,), ()))
    net = torch.nn.Sequential(torch.nn.Linear(d, m), torch.nn.Sigmoid(), torch.nn.Linear(m, 1)).double()
    with torch.no_grad():
        net[0].weight.copy_(theta), net[0].bias.copy_(b), net[2].weight.copy_(beta[None]), net[2].bias.copy_(b0[None])
        torch_out = net(xs)[:, 0]
    form = check_close(network(xs, beta, theta, b, float(b0)), torch_out, atol=1e-12, what="g_m and torch.nn")
    # (d) Maurey's sampling: E∫(f − g_m)² dμ = (1/m)∫Var dμ with the same value in d = 2, 20, 200
    ratios, worst = [], 0.0
    for d in (2, 20, 200):
        xd = torch.randn(300, d, generator=_gen(d), dtype=torch.float64) * 1.5 / math.sqrt(d)
        theory = float(ap.maurey_variance(xd).mean())
        for m in MAUREY_WIDTHS:
            mse = float(ap.maurey_cosine_mse(xd, m, 10, generator=_gen(d + m)).mean())
            ratios.append(m * mse / theory)
            worst = max(worst, m * mse)
    maurey = holds(max(abs(r - 1) for r in ratios) < 0.35 and worst <= 0.65,
                    "Maurey: m·MSE within 35% of ∫Var dμ and ≤ 0.65 for d = 2, 20, 200, m = 10, 50, 250",
                    f"Maurey: m·MSE/theory = {np.round(ratios, 3).tolist()}, max m·MSE {worst:.3g}")
    return cf & grad & form & maurey


@formula("approx.depth-separation", reference="exact breakpoints of T^L at j/2^L; piece counts of random one-layer nets on a fine grid")
def check_depth_separation(tent=ap.tent_map_power) -> CheckResult:
    Ls = range(1, 9)
    nodes = [tent(f64(np.arange(2**L + 1) / 2**L), L) for L in Ls]
    alternate = all(np.array_equal(to_numpy(n), np.arange(2**L + 1) % 2) for n, L in zip(nodes, Ls))
    x = torch.linspace(0, 1, 2**12 + 1, dtype=torch.float64)  # contains every breakpoint j/2^L, L ≤ 8
    pieces = [rr.count_pieces_1d(x, tent(x, L)) for L in Ls]
    deep = holds(alternate and pieces == [2**L for L in Ls],
                  "T^L (2L ReLUs) has exactly 2^L pieces, L = 1..8, alternating 0, 1 at j/2^L",
                  f"tent powers have {pieces} pieces")
    g, worst = _gen(7), 0
    xs = torch.linspace(-3, 3, 30001, dtype=torch.float64)
    for k in (2, 4, 8, 16):
        for _ in range(10):
            w, b, c = (torch.randn(k, generator=g, dtype=torch.float64) for _ in range(3))
            y = torch.relu(xs[:, None] * w + b) @ c
            worst = max(worst, rr.count_pieces_1d(xs, y) - (k + 1))
    shallow = holds(worst <= 0, "40 random one-layer nets with k = 2, 4, 8, 16 units have ≤ k + 1 pieces",
                     f"a one-layer net exceeded k + 1 pieces by {worst}")
    return deep & shallow


# --- ReLU networks ----------------------------------------------------------------------------------

def _relu_subdifferential_seed(z):
    """002: {1} for z > 0, [0, 1] otherwise (the z < 0 case is missing)."""
    z = torch.as_tensor(z)
    return (z > 0).to(z.dtype), torch.ones_like(z)


@formula("relu.activation-family", reference="torch.nn.functional (relu, leaky_relu, elu, softplus); autograd; subgradient inequality on 10⁴ z")
def check_activation_family(subdifferential=rr.relu_subdifferential) -> CheckResult:
    z = torch.linspace(-5, 5, 10001, dtype=torch.float64)
    ids = rr.relu_identities(z)
    relu = torch.nn.functional.relu(z)
    identities = check_close(torch.stack([ids["(z+|z|)/2"], ids["2(z)+ - z"], ids["(z)+ + (-z)+"]]),
                             torch.stack([relu, z.abs(), z.abs()]), atol=1e-15, what="ReLU/|z| identities")
    F = torch.nn.functional
    variants = check_close(torch.stack([rr.leaky_relu(z, 0.01), rr.elu(z), rr.softplus(z)]),
                           torch.stack([F.leaky_relu(z, 0.01), F.elu(z), F.softplus(z)]), atol=1e-12,
                           what="leaky ReLU, ELU, softplus vs torch")
    zg = z.clone().requires_grad_(True)
    (dsp,) = torch.autograd.grad(rr.softplus(zg).sum(), zg)
    sig = check_close(dsp, torch.sigmoid(z), atol=1e-12, what="softplus' and σ")
    # subdifferential: every c in [low, high] satisfies (z)+ − (z0)+ ≥ c(z − z0) on all z; c just outside fails
    z0 = torch.tensor([-1.5, -0.2, 0.0, 0.3, 2.0], dtype=torch.float64)
    low, high = subdifferential(z0)
    c_in = low[:, None] + (high - low)[:, None] * torch.linspace(0, 1, 11, dtype=torch.float64)
    gap = relu[None, None, :] - torch.relu(z0)[:, None, None] - c_in[:, :, None] * (z - z0[:, None, None])
    inside = bool((gap >= -1e-12).all())
    c_out = torch.stack([low - 0.01, high + 0.01], 1)
    gap_out = relu[None, None, :] - torch.relu(z0)[:, None, None] - c_out[:, :, None] * (z - z0[:, None, None])
    outside = bool((gap_out < -1e-12).any(-1).all())
    sub = holds(inside and outside, "∂(z)+ at z0 ∈ {−1.5, −0.2, 0, 0.3, 2}: every c inside satisfies the "
                 "subgradient inequality on 10⁴ z, c ± 0.01 outside does not",
                 f"subdifferential wrong at z0 = {z0.tolist()}: intervals {list(zip(low.tolist(), high.tolist()))}")
    rng = np.random.default_rng(5)
    W, b, x = f64(rng.normal(size=(6, 4))), f64(rng.normal(size=6)), f64(rng.normal(size=4))
    J = torch.autograd.functional.jacobian(lambda u: torch.relu(W @ u + b), x)
    jac = check_close(rr.relu_layer_jacobian(W, b, x), J, atol=1e-15, what="diag(H(Wx+b))W and the autograd Jacobian")
    return identities & variants & sig & sub & jac


ZASLAVSKY_CASES = ((2, 6), (3, 6), (4, 4))


@formula("relu.zaslavsky", reference="exact enumeration of all 2^m sign patterns with scipy.optimize.linprog (HiGHS); Euler's formula")
def check_zaslavsky(bound=rr.zaslavsky_bound, central=rr.cover_count) -> CheckResult:
    g = _gen(0)
    lp, formula_values = [], []
    for n, m in ZASLAVSKY_CASES:
        W, b = torch.randn(m, n, generator=g, dtype=torch.float64), torch.randn(m, generator=g, dtype=torch.float64)
        lp += [rr.count_regions_lp(W, b), rr.count_regions_lp(W, torch.zeros_like(b))]
        formula_values += [bound(m, n), central(m, n)]
    shown = ", ".join(f"(n, m) = ({n}, {m}): {a}/{c}" for (n, m), a, c in zip(ZASLAVSKY_CASES, lp[::2], lp[1::2]))
    exact = holds(lp == formula_values, f"LP region counts with/without biases equal Σ binom(m, i) / C(m, n): {shown}",
                   f"LP counts {lp} differ from the formulas {formula_values}")
    planes, grid_ok = [], True
    for m in (8, 12, 20):
        W, b = torch.randn(m, 2, generator=g, dtype=torch.float64), torch.randn(m, generator=g, dtype=torch.float64)
        planes.append((rr.count_regions_plane(W, b), bound(m, 2)))
        grid_ok &= rr.count_regions_grid(W, b, -8, 8, 300) <= planes[-1][0]
    euler = holds(all(a == e for a, e in planes) and grid_ok,
                   f"in the plane, Euler counts {[a for a, _ in planes]} for m = 8, 12, 20 equal the bound; "
                   "grid counts stay below",
                   f"Euler counts vs bound {planes}, grid below: {grid_ok}")
    return exact & euler


MONTUFAR_CASES = [(m, L) for m in (2, 3, 4) for L in (1, 2, 3)]


def montufar_piece_counts(net=rr.montufar_net) -> list[int]:
    """Linear pieces on [0, 1] of the zig-zag construction for (m, L) in MONTUFAR_CASES (grid of 100 001 points)."""
    x = torch.linspace(0, 1, 100_001, dtype=torch.float64)
    return [rr.count_pieces_1d(x, net(x, m, L, generator=_gen(10 * m + L))) for m, L in MONTUFAR_CASES]


@formula("relu.montufar", reference="piece counts of the explicit zig-zag construction (n = 1)")
def check_montufar(bound=rr.montufar_lower_bound) -> CheckResult:
    counts = montufar_piece_counts()
    expected = [bound(m, 1, L) for m, L in MONTUFAR_CASES]
    deep = holds(counts == expected, f"zig-zag nets, (m, L) ∈ {{2,3,4}}×{{1,2,3}}: pieces {counts} = ⌊m/n⌋^(n(L−1)) Σ binom(m, j)",
                  f"pieces {counts} differ from the bound {expected}")
    shallow = holds(max(expected) > 12 + 1, f"with 12 units: deep (m = 4, L = 3) {expected[-1]} pieces, "
                     "one layer of 12 at most 13", "no depth advantage")
    return deep & shallow


@formula("relu.pwl-lebesgue", reference="numpy.interp; the bound h²/8 max|f''| for sin 2πx")
def check_pwl_lebesgue(coefficients=rr.hinge_coefficients, bound=rr.interpolation_error_bound) -> CheckResult:
    rng = np.random.default_rng(11)
    knots = np.concatenate([[0.0], np.sort(rng.uniform(0, 1, 6)), [1.0]])  # 7 pieces
    values = rng.normal(size=8)
    x = np.linspace(0, 1, 10_001)
    a, b, c = coefficients(f64(knots), f64(values))
    hinge = check_close(rr.hinge_evaluate(f64(x), a, b, c, f64(knots[1:-1])), np.interp(x, knots, values), atol=1e-12,
                        what="ax + b + Σ c_i(x − x_i)+ and numpy.interp (7 pieces, 10⁴ points)")
    fine = np.linspace(0, 1, 200_001)
    ratios = []
    for m in (4, 16, 64):
        nodes = np.linspace(0, 1, m + 1)
        err = np.abs(np.sin(2 * np.pi * fine) - np.interp(fine, nodes, np.sin(2 * np.pi * nodes))).max()
        ratios.append(err / bound(m, (2 * np.pi) ** 2))
    rate = holds(all(0.5 <= r <= 1 for r in ratios), "sin 2πx, m = 4, 16, 64: interpolation error between ½ and 1 "
                  "times h²/8 max|f''|", f"error/bound = {np.round(ratios, 3).tolist()}")
    return hinge & rate


@formula("relu.hinge-maxout-dc", reference="numpy.maximum; numpy.interp; second differences")
def check_hinge_maxout_dc(split=rr.dc_split) -> CheckResult:
    rng = np.random.default_rng(12)
    f, g = rng.normal(size=(2, 10_000))
    two_max = check_close(2 * np.maximum(f, g), f + g + np.abs(f - g), atol=1e-15, what="2max{f, g} and f + g + |f − g|")
    knots = np.concatenate([[0.0], np.sort(rng.uniform(0, 1, 7)), [1.0]])
    values = rng.normal(size=9)
    a, b, c = rr.hinge_coefficients(f64(knots), f64(values))
    (s1, t1), (s2, t2) = split(a, b, c, f64(knots[1:-1]))
    x = np.linspace(0, 1, 10_001)
    f1 = (to_numpy(s1) * x[:, None] + to_numpy(t1)).max(1)
    f2 = (to_numpy(s2) * x[:, None] + to_numpy(t2)).max(1)
    dc = check_close(f1 - f2, np.interp(x, knots, values), atol=1e-12, what="max(A) − max(B) and the CPWL g")
    convex = holds(bool((np.diff(f1, 2) >= -1e-12).all() and (np.diff(f2, 2) >= -1e-12).all()),
                    "both parts convex", "a DC part is not convex")
    z = torch.linspace(-3, 3, 601, dtype=torch.float64)[:, None]
    relu = check_close(rr.maxout(z, f64([[0.0], [1.0]]), f64([0.0, 0.0])), torch.relu(z[:, 0]), atol=1e-15,
                       what="the 2-hinge max{0, z} and ReLU")
    return two_max & dc & convex & relu


@formula("relu.jacobian-sparsity", reference="torch.autograd (Jacobian rows; parameter gradients)")
def check_jacobian_sparsity(jacobian=rr.relu_layer_jacobian) -> CheckResult:
    g = _gen(13)
    W = torch.randn(16, 5, generator=g, dtype=torch.float64) / math.sqrt(5)  # so that w·x ~ N(0, ≈1)
    b, x = torch.randn(16, generator=g, dtype=torch.float64), torch.randn(5, generator=g, dtype=torch.float64)
    J = torch.autograd.functional.jacobian(lambda u: torch.relu(W @ u + b), x)
    inactive = W @ x + b <= 0
    rows = holds(bool((J[inactive] == 0).all()) and bool(inactive.any()),
                  f"autograd Jacobian rows of the {int(inactive.sum())} inactive units are exactly 0",
                  "inactive rows are not zero")
    same = check_close(jacobian(W, b, x), J, atol=1e-15, what="the formula's Jacobian and autograd")
    b_dead = b.clone()
    b_dead[:3] = -10.0
    Wp, bp = W.clone().requires_grad_(True), b_dead.clone().requires_grad_(True)
    X = torch.randn(1000, 5, generator=g, dtype=torch.float64)
    out = torch.relu(X @ Wp.T + bp) @ torch.randn(16, generator=g, dtype=torch.float64)
    gW, gb = torch.autograd.grad(out.pow(2).mean(), (Wp, bp))
    dead = holds(bool((gW[:3] == 0).all() and (gb[:3] == 0).all() and (gW[3:].abs().sum(1) > 0).all()),
                  "units with b = −10 get exactly zero gradient over 1000 samples; the other 13 do not",
                  "dead units receive gradient")
    return rows & same & dead


# --- linear autoencoder -----------------------------------------------------------------------------

AE_SCALES = (2.0, 1.7, 1.4, 0.8, 0.7, 0.6, 0.5, 0.45)


def ae_data(n: int = 200, seed: int = 0) -> torch.Tensor:
    """Centred anisotropic Gaussian data, d = 8, one sample per column."""
    X = torch.randn(len(AE_SCALES), n, generator=_gen(seed), dtype=torch.float64) * torch.tensor(
        AE_SCALES, dtype=torch.float64)[:, None]
    return X - X.mean(1, keepdim=True)


AE_LR, AE_STEPS = 0.15, 1000


@functools.cache
def ae_runs() -> tuple[torch.Tensor, torch.Tensor]:
    """Ten GD runs of the linear AE (k = 3) on :func:`ae_data`, shared by the pca-optimum and landscape checks."""
    return ae.train_linear_ae(ae_data(), 3, lr=AE_LR, steps=AE_STEPS, inits=10, generator=_gen(1))


def _numpy_projector(X: torch.Tensor, k: int) -> np.ndarray:
    lam, U = np.linalg.eigh(to_numpy(X) @ to_numpy(X).T)  # ascending
    Uk = U[:, ::-1][:, :k]
    return Uk @ Uk.T


@formula("linae.pca-optimum", reference="numpy.linalg.eigh of XXᵀ; gradient descent from 10 random starts")
def check_pca_optimum(train=ae.train_linear_ae) -> CheckResult:
    X, k = ae_data(), 3
    C, D = ae_runs() if train is ae.train_linear_ae else train(X, k, lr=AE_LR, steps=AE_STEPS, inits=10,
                                                                generator=_gen(1))
    lam = np.linalg.eigvalsh(to_numpy(X) @ to_numpy(X).T)
    optimum = lam[:-k].sum()  # Σ_{i>k} σ_i²
    losses = to_numpy(ae.ae_loss(C, D, X))
    value = check_close(losses, np.full(10, optimum), rtol=1e-8, what="loss of 10 GD runs and Σ_{i>3} σ_i²")
    proj = check_close(D @ C, np.broadcast_to(_numpy_projector(X, k), (10, 8, 8)), atol=1e-8,
                       what="DC and U₃U₃ᵀ")
    A = torch.randn(k, k, generator=_gen(2), dtype=torch.float64) + 2 * torch.eye(k, dtype=torch.float64)
    gauge = check_close(ae.ae_loss(torch.linalg.solve(A, C[0]), D[0] @ A, X), losses[0], rtol=1e-10,
                        what="loss after C → A⁻¹C, D → DA")
    return value & proj & gauge


def _seed_eckart_young(X, r):
    """002: the minimum over rank(Y) < r, i.e. the best rank-(r − 1) matrix."""
    return ae.eckart_young(X, r - 1)


@formula("linae.eckart-young", reference="numpy.linalg.svd; 2000 random rank-r matrices; alternating least squares")
def check_eckart_young(best=ae.eckart_young) -> CheckResult:
    rng = np.random.default_rng(21)
    X = f64(rng.normal(size=(10, 8)))
    s = np.linalg.svd(to_numpy(X), compute_uv=False)
    results = [best(X, r) for r in (1, 2, 3, 5)]
    errs = [float(err) for _, err in results]
    value = check_close(errs + [float(torch.linalg.norm(X - Y)) for Y, _ in results],
                        [math.sqrt((s[r:] ** 2).sum()) for r in (1, 2, 3, 5)] * 2, atol=1e-12,
                        what="‖X − X_r‖_F (r = 1, 2, 3, 5) and (Σ_{i>r} σ_i²)^½ from numpy")
    rank = holds(all(int(torch.linalg.matrix_rank(Y)) <= r for (Y, _), r in zip(results, (1, 2, 3, 5))),
                  "X_r has rank ≤ r", "X_r has rank above r")
    r = 3
    Xr, err = results[2]
    cand = torch.randn(2000, 10, r, generator=_gen(3), dtype=torch.float64) @ torch.randn(
        2000, r, 8, generator=_gen(4), dtype=torch.float64)
    U = torch.linalg.svd(Xr + 0.1 * torch.randn(500, 10, 8, generator=_gen(5), dtype=torch.float64)).U[..., :r]
    cand = torch.cat([cand, U @ U.transpose(-2, -1) @ X])  # projections of X onto nearby rank-3 subspaces
    others = check_leq(err.expand(2500), torch.linalg.norm(X - cand, dim=(-2, -1)), tol=1e-12,
                       what="no random or nearby rank-3 matrix beats X_3")
    als = check_close(torch.linalg.norm(X - ae.als_low_rank(X, r, generator=_gen(6))), err, atol=1e-8,
                      what="alternating least squares and X_3")
    return value & rank & others & als


@formula("linae.landscape", reference="torch.autograd.functional.hessian on vec(C, D); midpoint test; 10 GD runs")
def check_landscape(claims_convex: bool = False) -> CheckResult:
    X, k = ae_data(), 3
    C, D = ae_runs()
    opt = float(ae.pca_optimal_loss(X, k))
    ends = [float(ae.ae_loss(C[0], D[0], X)), float(ae.ae_loss(-C[0], -D[0], X))]
    mid = float(ae.ae_loss(0 * C[0], 0 * D[0], X))
    midpoint_convex = mid <= (ends[0] + ends[1]) / 2

    def f(theta):
        return ae.ae_loss(theta[: k * 8].reshape(k, 8), theta[k * 8:].reshape(8, k), X)

    H0 = torch.autograd.functional.hessian(f, torch.zeros(2 * 8 * k, dtype=torch.float64))
    low0 = float(torch.linalg.eigvalsh(H0)[0])
    theta = torch.cat([C[0].ravel(), D[0].ravel()])
    H = torch.autograd.functional.hessian(f, theta)
    blocks = min(float(torch.linalg.eigvalsh(H[: 8 * k, : 8 * k])[0]), float(torch.linalg.eigvalsh(H[8 * k:, 8 * k:])[0]))
    Cs, Ds = ae.saddle_point(X, k, [0, 1, 3])  # principal directions 1, 2, 4 instead of 1, 2, 3
    thetas = torch.cat([Cs.ravel(), Ds.ravel()]).requires_grad_(True)
    (grad_s,) = torch.autograd.grad(f(thetas), thetas)
    low_s = float(torch.linalg.eigvalsh(torch.autograd.functional.hessian(f, thetas.detach()))[0])
    all_global = bool((np.abs(to_numpy(ae.ae_loss(C, D, X)) / opt - 1) < 1e-8).all())
    convex = midpoint_convex and low0 >= -1e-10
    scale = float((X**2).sum())
    facts = (f"f(C,D) = f(−C,−D) = {ends[0]:.6g} < f(0,0) = {mid:.6g}; "
             f"Hessian at 0 has eigenvalue {low0 / scale:.3g}·‖X‖²")
    verdict = holds(convex == claims_convex,
                     f"not jointly convex: {facts}" if not claims_convex else "convex",
                     f"claimed convex, but {facts}" if claims_convex else f"convexity not refuted: {facts}")
    benign = holds(blocks >= -1e-10 and all_global and float(grad_s.abs().max()) < 1e-9 and low_s < -1e-6 * scale,
                    "block Hessians PSD; all 10 GD runs reach Σ_{i>3} σ_i² (rtol 1e-8); the critical point on "
                    "directions {1, 2, 4} is a saddle", "landscape facts fail")
    return verdict & benign


@formula("linae.gradients", reference="torch.autograd per-sample gradients")
def check_gradients(grads=ae.ae_gradients) -> CheckResult:
    g = _gen(31)
    n, m = 6, 3  # input dimension n, bottleneck m
    C, D = torch.randn(m, n, generator=g, dtype=torch.float64), torch.randn(n, m, generator=g, dtype=torch.float64)
    ours, auto = [], []
    for _ in range(5):
        x = torch.randn(n, 1, generator=g, dtype=torch.float64)
        Cp, Dp = C.clone().requires_grad_(True), D.clone().requires_grad_(True)
        loss = 0.5 * ((x - Dp @ Cp @ x) ** 2).sum()
        auto += list(torch.autograd.grad(loss, (Cp, Dp)))
        ours += list(grads(C, D, x))
    same = check_close(torch.cat([t.ravel() for t in ours]), torch.cat([t.ravel() for t in auto]), atol=1e-12,
                       what="Dᵀ(y − x)xᵀ, (y − x)xᵀCᵀ and autograd on 5 samples")
    rank = holds(int(torch.linalg.matrix_rank(D @ C)) <= m, f"rank(DC) ≤ m = {m} < n = {n}", "rank(DC) > m")
    return same & rank


def _seed_whitened_gradients(Dt, Ct, Sigma):
    """002: δl/δC̃ = (D̃C̃ − Σ)ᵀD̃, δl/δD̃ = C̃(D̃C̃ − Σ)Cᵀ (read with C = C̃)."""
    E = Dt @ Ct - Sigma
    return E.T @ Dt, Ct @ E @ Ct.T


def _seed_gamma(Y, X):
    """002: Γ := (1/5)YXᵀ."""
    return Y @ X.T / 5


@formula("linae.deep-linear-whitened", reference="covariance of whitened data; objectives at 5 random Θ; central finite differences (float64)")
def check_deep_linear_whitened(grads=ae.whitened_gradients, gamma=ae.input_output_correlation) -> CheckResult:
    g = _gen(41)
    d, p, s, h = 5, 4, 40, 3
    X = ae.whiten(torch.randn(d, s, generator=g, dtype=torch.float64) * torch.linspace(0.5, 2, d, dtype=torch.float64)[:, None])
    Y = torch.randn(p, d, generator=g, dtype=torch.float64) @ X + 0.3 * torch.randn(p, s, generator=g, dtype=torch.float64)
    white = check_close(X @ X.T / s, torch.eye(d, dtype=torch.float64), atol=1e-10, what="(1/s)X_wX_wᵀ and I")
    G = gamma(Y, X)
    thetas = torch.randn(5, p, d, generator=g, dtype=torch.float64)
    diff = ((Y - thetas @ X) ** 2).sum((-2, -1)) / (2 * s) - ((thetas - G) ** 2).sum((-2, -1)) / 2
    const = check_close(diff, diff[0].expand(5), atol=1e-10, what="(1/2s)‖Y − ΘX‖² − ½‖Θ − Γ‖² at 5 random Θ")
    U, S, Vh = torch.linalg.svd(ae.input_output_correlation(Y, X))  # Γ = UΣVᵀ, Σ is p × d
    Sigma = torch.zeros(p, d, dtype=torch.float64)
    Sigma[range(p), range(p)] = S
    D, C = torch.randn(p, h, generator=g, dtype=torch.float64), torch.randn(h, d, generator=g, dtype=torch.float64)
    Dt, Ct = U.T @ D, C @ Vh.T
    coop, comp = ae.decoupled_loss(Dt, Ct, S)
    split = check_close(coop + comp, ((Dt @ Ct - Sigma) ** 2).sum() / 2, atol=1e-10,
                        what="cooperative + competitive terms and ½‖D̃C̃ − Σ‖²")
    loss = lambda Dm, Cm: float(((Dm @ Cm - Sigma) ** 2).sum() / 2)
    fd_C, fd_D, eps = torch.zeros_like(Ct), torch.zeros_like(Dt), 1e-6
    for idx in np.ndindex(*Ct.shape):
        E = torch.zeros_like(Ct)
        E[idx] = eps
        fd_C[idx] = (loss(Dt, Ct + E) - loss(Dt, Ct - E)) / (2 * eps)
    for idx in np.ndindex(*Dt.shape):
        E = torch.zeros_like(Dt)
        E[idx] = eps
        fd_D[idx] = (loss(Dt + E, Ct) - loss(Dt - E, Ct)) / (2 * eps)
    try:
        gC, gD = grads(Dt, Ct, Sigma)
        fd = check_close(gC, fd_C, atol=1e-6, what="∇_C̃ and finite differences") & \
            check_close(gD, fd_D, atol=1e-6, what="∇_D̃ and finite differences")
    except RuntimeError:
        fd = holds(False, "", f"gradient formulas are dimensionally inconsistent for D̃ {p}×{h}, C̃ {h}×{d}")
    return white & const & split & fd


# --- the seeds' errata ------------------------------------------------------------------------------

def _seed_barron_constant(f, fprime, omega, weights, x):
    """001: C_f = ∫‖w‖|f′(w)|dw — the derivative in place of the Fourier transform."""
    return ap.barron_constant(f64(np.abs(fprime(omega))), f64(omega[:, None]), f64(weights))


def _seed_fourier_of_gradient(omega, ghat):
    """002: ∇ĝ(ω) = ω ĝ(ω) — no factor i."""
    return torch.as_tensor(omega) * torch.as_tensor(ghat).unsqueeze(-1) + 0j


@erratum("ch01-03:E21", wrong=r"C_f=\int\|w\|\,|f'(w)|\,dw", right=r"C_f=\int\|\omega\|\,|\hat f(\omega)|\,d\omega")
def seed_barron_constant() -> CheckResult:
    return check_barron(constant=_seed_barron_constant)


@erratum("ch01-03:E22", wrong=r"\nabla\hat g(\omega)=\omega\,\hat g(\omega)",
         right=r"\widehat{\nabla g}(\omega)=i\omega\,\hat g(\omega)")
def seed_fourier_of_gradient() -> CheckResult:
    return check_barron(grad_transform=_seed_fourier_of_gradient)


@erratum("ch01-03:E23", wrong=r"f_m(x)=\sum_j\big(\beta_j\sigma(\theta_j+b_j)+b_0\big)",
         right=r"f_m(x)=\sum_j\beta_j\sigma(\theta_j\cdot x+b_j)+b_0")
def seed_barron_network() -> CheckResult:
    return check_barron(network=_seed_network)


@erratum("ch01-03:E24", wrong=r"\partial(z)_+=\{1\}\ (z>0),\ [0,1]\ (z=0)\ \text{(no case }z<0)",
         right=r"\partial(z)_+=\{1\}\ (z>0),\ [0,1]\ (z=0),\ \{0\}\ (z<0)")
def seed_relu_subdifferential() -> CheckResult:
    return check_activation_family(subdifferential=_relu_subdifferential_seed)


@erratum("ch01-03:E25", wrong=r"\|X-X_r\|_F=\min_{\operatorname{rank}Y<r}\|X-Y\|_F",
         right=r"\|X-X_r\|_F=\min_{\operatorname{rank}Y\le r}\|X-Y\|_F")
def seed_eckart_young() -> CheckResult:
    return check_eckart_young(best=_seed_eckart_young)


@erratum("ch01-03:E26", wrong=r"\|X-DCX\|_F^2\ \text{is convex}",
         right=r"\|X-DCX\|_F^2\ \text{is not jointly convex, yet every local minimum is global}")
def seed_landscape_convex() -> CheckResult:
    return check_landscape(claims_convex=True)


@erratum("ch01-03:E27", wrong=r"\partial_{\tilde C}=(\tilde D\tilde C-\Sigma)^\top\tilde D,\ \partial_{\tilde D}=\tilde C(\tilde D\tilde C-\Sigma)C^\top",
         right=r"\nabla_{\tilde C}=\tilde D^\top(\tilde D\tilde C-\Sigma),\ \nabla_{\tilde D}=(\tilde D\tilde C-\Sigma)\tilde C^\top")
def seed_whitened_gradients() -> CheckResult:
    return check_deep_linear_whitened(grads=_seed_whitened_gradients)


@erratum("ch01-03:E28", wrong=r"\tfrac1\varepsilon XX^\top=I,\ \Gamma:=\tfrac15YX^\top",
         right=r"\tfrac1s XX^\top=I,\ \Gamma:=\tfrac1sYX^\top")
def seed_gamma() -> CheckResult:
    return check_deep_linear_whitened(gamma=_seed_gamma)
