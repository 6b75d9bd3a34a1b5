"""Checks of ``edl.generative.flows`` (book labels ``flow.*``) and of the errata there.

Independent routes: scipy's multivariate normal, ``scipy.integrate.quad`` and a Kolmogorov–Smirnov test,
sympy's symbolic Jacobian, the full Jacobian by ``torch.autograd.functional.jacobian`` and its
determinant by ``numpy.linalg.slogdet``, and the integral of the density on a grid.
"""

import math

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.stats
import sympy as sp
import torch

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.generative.checks import one_thread
from edl.generative import flows as fl


def _full_logdet(f, x):
    """log|det| of the full Jacobian of ``f`` (one point (d,) → (d,)) by autograd, with numpy's slogdet."""
    J = torch.autograd.functional.jacobian(lambda p: f(p[None])[0], x)
    return np.linalg.slogdet(to_numpy(J))[1]


def _grid(lo=-6.0, hi=6.0, n=300):
    g = np.linspace(lo, hi, n)
    return g, f64(np.stack(np.meshgrid(g, g), -1).reshape(-1, 2))


@formula("flow.change-of-variables", reference="scipy's N(b, AAᵀ); quad of a warped 1-D density; a KS test of samples")
@one_thread
def check_change_of_variables(cov=fl.change_of_variables) -> CheckResult:
    A, b = np.array([[1.5, 0.3], [-0.4, 0.8]]), np.array([0.5, -1.0])
    rng = np.random.default_rng(140)
    x = rng.normal(size=(50, 2)) * 2

    def inv(y):
        return (y - f64(b)) @ torch.linalg.inv(f64(A)).T, torch.full(y.shape[:1], -math.log(abs(np.linalg.det(A))), dtype=y.dtype)

    ours = to_numpy(cov(fl.standard_normal_log_density, inv, f64(x)))
    ref = scipy.stats.multivariate_normal(b, A @ A.T).logpdf(x)
    # 1-D T(z) = z + 0.5 tanh z (increasing), inverted by brentq at every query point
    T = lambda z: z + 0.5 * math.tanh(z)  # noqa: E731

    def inv1(y):
        zs = [scipy.optimize.brentq(lambda z: T(z) - float(t), -50, 50, xtol=1e-14) for t in y[:, 0]]
        z = f64(zs)[:, None]
        return z, -torch.log(1 + 0.5 * (1 - torch.tanh(z[:, 0]) ** 2))

    def px(t):
        return math.exp(float(cov(fl.standard_normal_log_density, inv1, f64([[t]]))[0]))

    total = scipy.integrate.quad(px, -12, 12, epsabs=1e-11, limit=200)[0]
    grid = np.linspace(-8, 8, 4001)
    dens = np.exp(to_numpy(cov(fl.standard_normal_log_density, inv1, f64(grid[:, None]))))
    cdf = np.concatenate([[0.0], np.cumsum((dens[1:] + dens[:-1]) / 2 * np.diff(grid))])
    samples = np.array([T(z) for z in rng.normal(size=2000)])
    ks = scipy.stats.kstest(samples, lambda t: np.interp(t, grid, cdf))
    return all_of(check_close(ours, ref, atol=1e-12, what="affine flow: log p_x and scipy at 50 points"),
                  check_close(total, 1.0, atol=1e-8, what="T(z) = z + ½ tanh z: ∫p_x"),
                  holds(ks.pvalue > 1e-3, "2000 samples of T(z) pass a KS test against p_x (p > 1e-3)",
                        f"KS test rejects p_x (p = {ks.pvalue:.2g})"))


@formula("flow.spherical-example", reference="sympy's Jacobian determinant; KS tests of uniform points in the ball")
@one_thread
def check_spherical(sph=fl.spherical_to_cartesian) -> CheckResult:
    r, th, ph = sp.symbols("r theta phi", positive=True)
    X = sp.Matrix([r * sp.cos(th) * sp.cos(ph), r * sp.cos(th) * sp.sin(ph), r * sp.sin(th)])
    det = sp.simplify(X.jacobian([r, th, ph]).det())
    rng = np.random.default_rng(141)
    R, TH, PH = rng.uniform(0.2, 2, 20), rng.uniform(-1.5, 1.5, 20), rng.uniform(-3, 3, 20)
    pts, logdet = sph(f64(R), f64(TH), f64(PH))
    ad = [_full_logdet(lambda p: sph(p[:, 0], p[:, 1], p[:, 2])[0], f64([R[i], TH[i], PH[i]])) for i in range(20)]
    u = rng.normal(size=(20_000, 3))
    u = u / np.linalg.norm(u, axis=1, keepdims=True) * rng.random((20_000, 1)) ** (1 / 3)  # uniform in the unit ball
    rad, lat = np.linalg.norm(u, axis=1), np.arcsin(u[:, 2] / np.linalg.norm(u, axis=1))
    # p(r, θ, φ) = p(x)·r² cos θ = (3/4π) r² cos θ: r³ and (1 + sin θ)/2 are uniform
    p1 = scipy.stats.kstest(rad**3, "uniform").pvalue
    p2 = scipy.stats.kstest((1 + np.sin(lat)) / 2, "uniform").pvalue
    return all_of(holds(sp.simplify(det**2 - (r**2 * sp.cos(th)) ** 2) == 0, "sympy: |det ∂(x,y,z)/∂(r,θ,φ)| = r² cos θ",
                        f"sympy finds det = {det}"),
                  check_close(logdet, ad, atol=1e-12, what="log r² cos θ and autograd's Jacobian at 20 points"),
                  check_close(to_numpy(pts)[:, 2], R * np.sin(TH), atol=1e-14, what="z = r sin θ"),
                  holds(min(p1, p2) > 1e-3, "uniform points in the ball: r³ and (1 + sin θ)/2 pass KS tests (p > 1e-3)",
                        f"KS p-values {p1:.2g}, {p2:.2g}"))


def _layers(seed=142):
    g = torch.Generator().manual_seed(seed)
    W1, W2 = torch.randn(1, 8, generator=g, dtype=torch.float64), torch.randn(8, 1, generator=g, dtype=torch.float64) * 0.3
    s_net = lambda a: torch.tanh(a @ W1) @ W2  # noqa: E731
    t_net = lambda a: torch.sin(a @ W1) @ W2 * 2  # noqa: E731
    swap = lambda x: (x.flip(1), torch.zeros(x.shape[0], dtype=x.dtype))  # noqa: E731
    coupling = (lambda x: fl.affine_coupling(x, s_net, t_net, 1), lambda y: fl.affine_coupling(y, s_net, t_net, 1, inverse=True))
    sc, sh = f64([1.3, 0.6]), f64([0.2, -0.4])
    elementwise = (lambda x: (x * sc + sh, torch.log(sc).sum().expand(x.shape[0])),
                   lambda y: ((y - sh) / sc, -torch.log(sc).sum().expand(y.shape[0])))
    return [coupling, (swap, swap), elementwise]


@formula("flow.composition", reference="the full Jacobian of F by autograd (slogdet); ∫p_X on a 300 × 300 grid")
@one_thread
def check_composition(log_density=fl.flow_log_density, forward=fl.flow_forward, inverse_order="reversed") -> CheckResult:
    layers = _layers()
    rng = np.random.default_rng(143)
    z = f64(rng.normal(size=(10, 2)))
    x, ld = forward(z, layers)

    def F(p):
        return forward(p, layers)[0]

    full = [_full_logdet(F, z[i]) for i in range(10)]
    # round trip with the inverse applied in the stated order
    order = list(reversed(layers)) if inverse_order == "reversed" else list(layers)
    back = x
    for _, inv in order:
        back = inv(back)[0]
    g, pts = _grid()
    dens = np.exp(to_numpy(log_density(pts, layers)))
    return all_of(check_close(ld, full, atol=1e-10, what="Σ per-layer log-dets and log|det ∂F| at 10 points"),
                  check_close(back, z, atol=1e-12, what="F⁻¹(F(z)) = z"),
                  check_close(dens.sum() * (g[1] - g[0]) ** 2, 1.0, atol=1e-3, what="∫p_X over the grid"),
                  check_close(log_density(x, layers), fl.standard_normal_log_density(z) - ld, atol=1e-12,
                              what="log p_X(F(z)) = log p_Z(z) − Σ log|det ∂F_l|"))


@erratum("ch09-11:E39", wrong=r"F^{-1}=F_1^{-1}\circ\dots\circ F_L-1", right=r"F^{-1}=F_1^{-1}\circ\dots\circ F_L^{-1}",
         why="Read as written, the inverse is applied in the wrong order (or with F_L itself): the round trip "
             "F⁻¹(F(z)) no longer returns z.")
def seed_composition_order() -> CheckResult:
    return check_composition(inverse_order="forward")


@erratum("ch09-11:E40", wrong=r"\log p(x|z)=-\sum_l\log|\det(\partial F_l\circ F_{1:l-1})|",
         right=r"\log p_X(x)=\log p_Z(z_0)-\sum_l\log|\det\partial F_l(z_{l-1})|",
         why="Without the base term log p_Z(z₀) the 'density' ignores where the point comes from: it does not "
             "integrate to 1 and is useless for maximum likelihood.")
def seed_composition_no_base() -> CheckResult:
    return check_composition(log_density=lambda x, layers: fl.flow_log_density(x, layers) - fl.standard_normal_log_density(
        _invert(x, layers)))


def _invert(x, layers):
    for _, inv in reversed(layers):
        x = inv(x)[0]
    return x


@formula("flow.triangular-jacobian", reference="numpy.linalg.slogdet; autograd's Jacobian of an autoregressive map")
@one_thread
def check_triangular(logdet=fl.triangular_log_det, structure="lower") -> CheckResult:
    rng = np.random.default_rng(144)
    L = np.tril(rng.normal(size=(50, 50))) + 3 * np.eye(50)
    if structure == "tridiagonal":
        L = np.diag(np.diag(L)) + np.diag(rng.normal(size=49), 1) + np.diag(rng.normal(size=49), -1)
        ours = np.log(np.abs(np.diag(L))).sum()
    else:
        ours = float(logdet(f64(L)))
    A = f64(np.tril(rng.normal(size=(4, 4)), -1))

    def f(x):  # z'_i = x_i·exp(tanh(Σ_{j<i} A_ij x_j)) + sin(Σ_{j<i} x_j): output i depends on x_{≤i}
        h = x @ A.T
        return x * torch.exp(torch.tanh(h)) + torch.sin(torch.cumsum(x, 1) - x)

    x0 = f64(rng.normal(size=4))
    J = torch.autograd.functional.jacobian(lambda p: f(p[None])[0], x0)
    return check_close(ours, np.linalg.slogdet(L)[1], rtol=1e-10, what="50 × 50: Σ log|L_ii| and slogdet") & \
        check_close(float(logdet(J)), np.linalg.slogdet(to_numpy(J))[1], atol=1e-12,
                    what="autoregressive map: triangular Jacobian, Σ log|∂z'_i/∂z_i|")


@erratum("ch09-11:E41", wrong=r"F(\mathbf x)=A\mathbf z+b;\ \text{if }A\text{ triagonal}",
         right=r"F(\mathbf z)=A\mathbf z+b;\ \text{if }A\text{ triangular}",
         why="A tridiagonal matrix is not triangular: the product of its diagonal is not its determinant, so the "
             "cheap log-determinant is simply wrong.")
def seed_triagonal() -> CheckResult:
    return check_triangular(structure="tridiagonal")


def _made(seed=145, d=2, hidden=16):
    g = torch.Generator().manual_seed(seed)
    W1 = torch.randn(d, hidden, generator=g, dtype=torch.float64)
    W2 = torch.randn(hidden, 2 * d, generator=g, dtype=torch.float64) * 0.4
    deg = torch.arange(hidden) % (d - 1) + 1                                   # hidden unit degrees 1..d-1
    M1 = (torch.arange(1, d + 1)[:, None] <= deg[None]).double()
    M2 = (deg[:, None] < torch.arange(1, d + 1).repeat(2)[None]).double()

    def cond(x):
        out = torch.tanh(x @ (W1 * M1)) @ (W2 * M2)
        return out[:, :d] + 0.3, 0.5 * torch.tanh(out[:, d:])
    return cond


@formula("flow.maf-iaf", reference="round trip; autograd's Jacobian; ∫p on a grid; counted network passes")
@one_thread
def check_maf(inverse=fl.maf_inverse, sample=fl.maf_sample) -> CheckResult:
    cond = _made()
    calls = {"n": 0}

    def counted(x):
        calls["n"] += 1
        return cond(x)

    z = f64(np.random.default_rng(146).normal(size=(20, 2)))
    x, passes = sample(z, counted)
    n_sample = calls["n"]
    calls["n"] = 0
    z_back, ld = inverse(x, counted)
    n_density = calls["n"]
    full = [_full_logdet(lambda p: inverse(p, cond)[0], x[i]) for i in range(5)]
    g, pts = _grid()
    zz, ldg = inverse(pts, cond)
    dens = np.exp(to_numpy(fl.standard_normal_log_density(zz) + ldg))
    return all_of(check_close(z_back, z, atol=1e-12, what="sampling then one-pass inversion recovers z"),
                  check_close(ld[:5], full, atol=1e-10, what="−Σ log σ_i and autograd's log|det ∂z/∂x|"),
                  check_close(dens.sum() * (g[1] - g[0]) ** 2, 1.0, atol=1e-3, what="∫p over the grid"),
                  holds(n_sample == passes == 2 and n_density == 1, "passes: density 1, sampling d = 2",
                        f"passes: density {n_density}, sampling {n_sample}"))


@formula("flow.coupling", reference="round trip; autograd's full Jacobian (slogdet); ∫p on a grid")
@one_thread
def check_coupling(coupling=fl.affine_coupling) -> CheckResult:
    g = torch.Generator().manual_seed(147)
    W1 = torch.randn(2, 16, generator=g, dtype=torch.float64)
    W2, W3 = (torch.randn(16, 2, generator=g, dtype=torch.float64) * 0.4 for _ in range(2))
    s, t = (lambda a: torch.tanh(a @ W1) @ W2), (lambda a: torch.relu(a @ W1) @ W3)
    x = f64(np.random.default_rng(148).normal(size=(10, 4)))
    y, ld = coupling(x, s, t, 2)
    back, ldi = coupling(y, s, t, 2, inverse=True)
    full = [_full_logdet(lambda p: coupling(p, s, t, 2)[0], x[i]) for i in range(10)]
    s1, t1 = (lambda a: 0.3 * torch.tanh(a)), (lambda a: 0.5 * torch.sin(a))
    gr, pts = _grid()
    yy, ldg = coupling(pts, s1, t1, 1, inverse=True)
    dens = np.exp(to_numpy(fl.standard_normal_log_density(yy) + ldg))
    return all_of(check_close(back, x, atol=1e-12, what="inverse ∘ forward = id (d = 4)"),
                  check_close(ld, full, atol=1e-10, what="Σ s(x_A) and autograd's log|det J|"),
                  check_close(ldi, -ld, atol=1e-12, what="the inverse's log-det is minus it"),
                  check_close(dens.sum() * (gr[1] - gr[0]) ** 2, 1.0, atol=1e-3, what="2-D: ∫p over the grid"))


@formula("flow.planar", reference="numpy.linalg.det of I + h′uwᵀ; autograd's Jacobian; monotonicity along w")
@one_thread
def check_planar(planar=fl.planar_flow) -> CheckResult:
    rng = np.random.default_rng(149)
    u, w, b = rng.normal(size=5), rng.normal(size=5), 0.3
    if w @ u < -1:
        u = -u
    z = rng.normal(size=(10, 5))
    y, ld = planar(f64(z), f64(u), f64(w), b)
    hp = 1 - np.tanh(z @ w + b) ** 2
    dets = [np.linalg.det(np.eye(5) + hp[i] * np.outer(u, w)) for i in range(10)]
    full = [_full_logdet(lambda p: planar(p, f64(u), f64(w), b)[0], f64(z[i])) for i in range(10)]
    # at the boundary wᵀu = −1 the map along w is s ↦ s − tanh(s + b)·1·(‖w‖ scaled): still monotone
    u1 = u - (w @ u + 1) * w / (w @ w)
    line = f64(np.linspace(-5, 5, 2001)[:, None] * w[None] / (w @ w))
    proj = to_numpy(planar(line, f64(u1), f64(w), b)[0]) @ w
    return all_of(check_close(np.exp(to_numpy(ld)), np.abs(dets), rtol=1e-12, what="|1 + h′uᵀw| and det(I + h′uwᵀ)"),
                  check_close(ld, full, atol=1e-10, what="and autograd's Jacobian"),
                  holds(bool((np.diff(proj) >= -1e-12).all()), "wᵀu = −1 (the boundary): still monotone along w",
                        "not monotone along w at wᵀu = −1"))
