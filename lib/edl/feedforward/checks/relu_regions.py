"""Checks of ``edl.feedforward.relu_regions`` (book labels ``relu.*``) and of the seeds' erratum there.

The ReLU family and its subdifferential, region counts (Zaslavsky, Montúfar), piecewise-linear
interpolation, hinges, maxout and DC splits, and the sparsity of ReLU Jacobians. Each check takes the
formula under test as a keyword argument (default: the library function) and compares it with an
independent route: ``torch.nn.functional`` and autograd, exact enumeration of sign patterns with linear
programs, Euler's formula, numpy interpolation, or explicit piece counts. Every verdict states
tolerances and exact counts, never machine-dependent errors, so it prints the same everywhere.
"""

import math

import numpy as np
import torch

from edl.feedforward import relu_regions as rr
from edl.feedforward.checks.approximation import _gen
from edl.core.checking import CheckResult, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula


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


def _shallow_piece_counts(units: int = 12, nets: int = 10) -> list[int]:
    """Linear pieces on [0, 1] of random one-hidden-layer ReLU nets x ↦ Σ c_j relu(w_j x + b_j) (w_j = ±1, kinks in (0, 1))."""
    g = _gen(77)
    x = torch.linspace(0, 1, 20_001, dtype=torch.float64)
    counts = []
    for _ in range(nets):
        w = torch.where(torch.rand(units, generator=g) < 0.5, -1.0, 1.0).double()
        kinks = 0.02 + 0.96 * torch.rand(units, generator=g, dtype=torch.float64)
        c = torch.randn(units, generator=g, dtype=torch.float64)
        counts.append(rr.count_pieces_1d(x, (c * torch.relu(w * (x[:, None] - kinks))).sum(-1)))
    return counts


def _folded_plane_regions(res: int = 300) -> tuple[int, int]:
    """Regions in [0, 1]² of 4 generic lines, and of the net that first folds each coordinate with a 2-unit zig-zag layer
    (4 units, ⌊m/n⌋ = 2 per coordinate) and then applies those 4 lines: distinct activation patterns on a grid."""
    rng = np.random.default_rng(3)
    angle, point = rng.uniform(0, np.pi, 4), rng.uniform(0.3, 0.7, (4, 2))
    W2 = f64(np.stack([np.cos(angle), np.sin(angle)], 1))
    b2 = -(W2 * f64(point)).sum(1)
    W1, b1 = f64([[1, 0], [1, 0], [0, 1], [0, 1]]), f64([0, -0.5, 0, -0.5])  # the zig-zag units relu(z), relu(z − ½)
    grid = (torch.arange(res, dtype=torch.float64) + 0.5) / res
    x = torch.cartesian_prod(grid, grid)
    folded = torch.stack([rr.zigzag_layer(x[:, 0], 2), rr.zigzag_layer(x[:, 1], 2)], 1)
    lines = len(torch.unique(rr.pattern_codes(rr.activation_patterns(W2, b2, x))))
    deep = torch.cat([rr.activation_patterns(W1, b1, x), rr.activation_patterns(W2, b2, folded)], 1)
    return lines, len(torch.unique(rr.pattern_codes(deep)))


@formula("relu.montufar", reference="piece counts of the explicit zig-zag construction (n = 1) and of random shallow nets; "
                                    "region counts of a folded 2-D net on a grid")
def check_montufar(bound=rr.montufar_lower_bound) -> CheckResult:
    counts = montufar_piece_counts()
    expected = [bound(m, 1, L) for m, L in MONTUFAR_CASES]
    deep = holds(counts == expected, f"zig-zag nets, (m, L) ∈ {{2,3,4}}×{{1,2,3}}: pieces {counts} = ⌊m/n⌋^(n(L−1)) Σ binom(m, j)",
                  f"pieces {counts} differ from the bound {expected}")
    shallow_counts = _shallow_piece_counts()
    shallow = holds(max(shallow_counts) == bound(12, 1, 1) < expected[-1],
                     f"10 random one-layer nets of 12 units: at most {max(shallow_counts)} pieces = bound(12, 1, 1), "
                     f"below the {expected[-1]} of the deep net with 12 units (m = 4, L = 3)",
                     f"one-layer nets of 12 units: up to {max(shallow_counts)} pieces, bound(12, 1, 1) = {bound(12, 1, 1)}, "
                     f"deep {expected[-1]}")
    lines, folded = _folded_plane_regions()
    plane = holds(lines == bound(4, 2, 1) and folded == bound(4, 2, 2),
                   f"n = 2: 4 lines cut [0, 1]² into {lines} = bound(4, 2, 1) regions; folding each coordinate first "
                   f"(L = 2) gives {folded} = bound(4, 2, 2) = 2²·{lines}",
                   f"n = 2: {lines} and {folded} regions, bound(4, 2, L = 1, 2) = {bound(4, 2, 1)}, {bound(4, 2, 2)}")
    return deep & shallow & plane


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


# --- the seeds' errata ------------------------------------------------------------------------------

@erratum("ch01-03:E24", wrong=r"\partial(z)_+=\{1\}\ (z>0),\ [0,1]\ (z=0)\ \text{(no case }z<0)",
         right=r"\partial(z)_+=\{1\}\ (z>0),\ [0,1]\ (z=0),\ \{0\}\ (z<0)",
         why="With no case for z < 0, an inactive unit gets either no subgradient or, if [0, 1] is taken as the "
             "default, slopes up to 1 where ReLU is flat, which break the subgradient inequality.")
def seed_relu_subdifferential() -> CheckResult:
    return check_activation_family(subdifferential=_relu_subdifferential_seed)
