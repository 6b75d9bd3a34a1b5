"""Checks of ``edl.geometric.symmetry`` (book labels ``gdl.group-axioms`` … ``gdl.equivariant-set-layer``).

Independent routes: sympy's permutation groups (composition, ``is_abelian``), explicit triple loops over
Cayley tables, exhaustive enumeration of orderings (``itertools.permutations``), ``math.fsum`` (exact
sums), NumPy fancy indexing for permuted sets, and per-element loops through ``torch.nn`` MLPs.
"""

import itertools
import math

import numpy as np
import torch
from sympy.combinatorics import Permutation
from sympy.combinatorics.named_groups import CyclicGroup, SymmetricGroup

from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import formula
from edl.geometric import symmetry as sy


def _cayley(elements) -> list[list[int]]:
    """Table of g_i g_j, where sympy's product p*q applies p first: g_i g_j := g_j ∘ g_i, a group either way."""
    index = {tuple(p.array_form): i for i, p in enumerate(elements)}
    return [[index[tuple((p * q).array_form)] for q in elements] for p in elements]


def _axioms_by_loops(T) -> dict[str, bool]:
    n = len(T)
    closure = all(0 <= T[i][j] < n for i in range(n) for j in range(n))
    assoc = closure and all(T[T[i][j]][k] == T[i][T[j][k]] for i in range(n) for j in range(n) for k in range(n))
    units = [e for e in range(n) if all(T[e][g] == g == T[g][e] for g in range(n))] if closure else []
    inverses = bool(units) and all(any(T[g][h] == units[0] == T[h][g] for h in range(n)) for g in range(n))
    abelian = all(T[i][j] == T[j][i] for i in range(n) for j in range(n))
    return {"closure": closure, "associative": assoc, "identity": bool(units), "inverses": inverses, "abelian": abelian}


@formula("gdl.group-axioms", reference="sympy SymmetricGroup(3), CyclicGroup(8): Cayley tables by loops, is_abelian")
def check_group_axioms(axioms=sy.group_axioms, matrix=sy.permutation_matrix) -> CheckResult:
    S3, C8 = list(SymmetricGroup(3).generate()), list(CyclicGroup(8).generate())
    tables = {"S3": _cayley(S3), "C8": _cayley(C8), "x - y mod 5": [[(i - j) % 5 for j in range(5)] for i in range(5)],
              "max(x, y) on 0..3": [[max(i, j) for j in range(4)] for i in range(4)]}
    got = {k: axioms(t) for k, t in tables.items()}
    want = {k: _axioms_by_loops(t) for k, t in tables.items()}
    homomorphism = all(torch.equal(matrix(s.array_form) @ matrix(t.array_form), matrix((t * s).array_form))
                       for s in S3 for t in S3)                     # sympy t*s applies t first: s ∘ t
    composed = all(sy.compose(s.array_form, t.array_form).tolist() == (t * s).array_form for s in S3 for t in S3)
    X = f64(np.random.default_rng(0).normal(size=(3, 2)))
    action = all(torch.equal(sy.act(sy.compose(s.array_form, t.array_form), X), sy.act(s.array_form, sy.act(t.array_form, X)))
                 for s in S3 for t in S3) and torch.equal(sy.act(Permutation(2).array_form, X), X)
    return all_of(holds(got == want, "4 tables (S3, C8, x−y mod 5, max): every axiom as the explicit triple loops",
                        f"axioms differ from the loops: {[k for k in got if got[k] != want[k]]}"),
                  holds(all(got["S3"][a] for a in ("closure", "associative", "identity", "inverses"))
                        and got["S3"]["abelian"] is SymmetricGroup(3).is_abelian is False
                        and got["C8"]["abelian"] is CyclicGroup(8).is_abelian is True,
                        "S3 a non-abelian group, C8 abelian, as sympy's is_abelian",
                        f"S3 {got['S3']}, C8 abelian {got['C8']['abelian']}"),
                  holds(homomorphism and composed, "P(σ)P(τ) = P(σ∘τ) and compose = sympy's product, all 36 pairs of S3",
                        "permutation matrices do not multiply as the permutations compose"),
                  holds(action, "(στ)·X = σ·(τ·X) for all 36 pairs, e·X = X", "act is not a group action"))


def _rng_perms(M, n, seed):
    rng = np.random.default_rng(seed)
    return [rng.permutation(M).tolist() for _ in range(n)]


@formula("gdl.invariance", reference="all 120 orderings of M = 5 (itertools.permutations), 100 random of M = 7")
def check_invariance(gap=sy.invariance_gap) -> CheckResult:
    rng = np.random.default_rng(1)
    x5, x7 = f64(rng.normal(size=5)), f64(rng.normal(size=(7, 3)))
    every = [list(p) for p in itertools.permutations(range(5))]
    readouts = {"sum": lambda s: s.sum(0), "mean": lambda s: s.mean(0), "max": lambda s: s.max(0).values,
                "sorted · w": lambda s: (torch.sort(s, 0).values * torch.linspace(1, 2, s.shape[0], dtype=s.dtype)[:, None]
                                         if s.ndim == 2 else torch.sort(s).values * torch.linspace(1, 2, s.shape[0], dtype=s.dtype)).sum(0)}
    exhaustive = max(gap(f, x5, every) for f in readouts.values())
    sampled = max(gap(f, x7, _rng_perms(7, 100, 2)) for f in readouts.values())
    first = gap(lambda s: s[0], x7, _rng_perms(7, 100, 2))
    return all_of(holds(exhaustive <= 1e-12, "sum, mean, max, weighted sorted sum: unchanged under all 120 orders of 5 (1e-12)",
                        f"an invariant readout changes by {exhaustive:.3g} over S5"),
                  holds(sampled <= 1e-12, "the same for 100 random orders of 7 elements in ℝ³",
                        f"an invariant readout changes by {sampled:.3g}"),
                  holds(first > 0.5, "the first element (an ordered readout) does change", f"first element changes by {first:.3g}"))


@formula("gdl.equivariance", reference="f(x[π]) against f(x)[π] by NumPy fancy indexing; a cumulative sum as control")
def check_equivariance(gap=sy.equivariance_gap) -> CheckResult:
    rng = np.random.default_rng(3)
    x = f64(rng.normal(size=(7, 2)))
    W = f64(rng.normal(size=(4, 2)))
    layer = lambda s: sy.equivariant_set_layer(s, lambda z: torch.tanh(z @ W.T), lambda z: torch.sin(z).sum(1, keepdim=True))
    fs = {"tanh": torch.tanh, "equivariant set layer": layer, "x − mean": lambda s: s - s.mean(0)}
    perms = _rng_perms(7, 30, 4)
    direct = max(float((f(x[p]) - f(x)[p]).abs().max()) for f in fs.values() for p in perms)
    by_gap = max(gap(f, x, perms) for f in fs.values())
    control = gap(lambda s: torch.cumsum(s, 0), x, perms)
    return all_of(holds(direct <= 1e-12, "f(x_π) = f(x)_π for 3 maps × 30 permutations, by fancy indexing (1e-12)",
                        f"f(x_π) − f(x)_π = {direct:.3g}"),
                  holds(by_gap <= 1e-12, "‖f(Px) − Pf(x)‖ ≤ 1e-12 for the same maps", f"equivariance gap {by_gap:.3g}"),
                  holds(control > 0.1, "a cumulative sum is not equivariant", f"cumsum gap only {control:.3g}"))


@formula("gdl.sum-invariance", reference="math.fsum (correctly rounded) of 50 random orders; Python max")
def check_sum_invariance(pool=sy.pool) -> CheckResult:
    rng = np.random.default_rng(5)
    x = rng.normal(size=40) * 10.0 ** rng.integers(-3, 4, size=40)
    exact = math.fsum(x)
    orders = [rng.permutation(40) for _ in range(50)]
    sums = [float(pool(f64(x[p]))) for p in orders]
    means = [float(pool(f64(x[p]), "mean")) for p in orders]
    maxes = [float(pool(f64(x[p]), "max")) for p in orders]
    return all_of(check_close(sums, [exact] * 50, atol=1e-10, what="sums of 50 orders of 40 numbers (10⁻³..10³) vs fsum"),
                  holds(len({math.fsum(x[p]) for p in orders}) == 1, "fsum is exactly the same in every order",
                        "fsum differs between orders"),
                  check_close(means, [exact / 40] * 50, atol=1e-12, what="means vs fsum / 40"),
                  holds(set(maxes) == {max(x.tolist())}, "max pooling: exactly Python's max in every order",
                        "max pooling depends on the order"))


def _mlp(sizes, seed):
    """A tanh MLP in float64 with weights drawn from its own generator (no global seeding)."""
    g = torch.Generator().manual_seed(seed)
    layers = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        linear = torch.nn.Linear(a, b, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.randn(b, a, generator=g, dtype=torch.float64) / math.sqrt(a))
            linear.bias.copy_(0.1 * torch.randn(b, generator=g, dtype=torch.float64))
        layers += [linear, torch.nn.Tanh()]
    return torch.nn.Sequential(*layers[:-1])


@formula("gdl.deep-sets", reference="torch.nn MLPs φ: ℝ→ℝ⁴, ρ: ℝ⁴→ℝ² applied element by element; M ∈ {1, 5, 50}")
def check_deep_sets(model=sy.deep_sets) -> CheckResult:
    phi, rho = _mlp([1, 8, 4], 0), _mlp([4, 8, 2], 1)
    rng = np.random.default_rng(6)
    parts = []
    with torch.no_grad():
        for M in (1, 5, 50):
            x = f64(rng.normal(size=M))
            loop = rho(sum(phi(x[m:m + 1]) for m in range(M)))
            parts.append(float((model(x, phi, rho) - loop).abs().max()))
        x = f64(rng.normal(size=9))
        inv = max(float((model(x[p], phi, rho) - model(x, phi, rho)).abs().max()) for p in _rng_perms(9, 30, 7))
    return all_of(holds(max(parts) <= 1e-12, "ρ(Σ φ(x_m)) as the element-by-element loop for M = 1, 5, 50 (1e-12)",
                        f"deep sets differ from the loop by {max(parts):.3g}"),
                  holds(inv <= 1e-12, "unchanged under 30 permutations of 9 elements (1e-12)", f"changes by {inv:.3g}"))


@formula("gdl.deep-sets-max", reference="Python max over the embedded elements; the multisets {1,1,2} and {1,2}")
def check_deep_sets_max(model=sy.deep_sets) -> CheckResult:
    phi = _mlp([1, 8, 4], 2)
    ident = lambda z: z  # noqa: E731
    rng = np.random.default_rng(8)
    x = f64(rng.normal(size=9))
    with torch.no_grad():
        H = phi(x[:, None])
        loop = f64([max(float(H[m, j]) for m in range(9)) for j in range(4)])
        inv = max(float((model(x[p], phi, ident, "max") - model(x, phi, ident, "max")).abs().max())
                  for p in _rng_perms(9, 30, 9))
        a, b = f64([1.0, 1.0, 2.0]), f64([1.0, 2.0])
        same_max = torch.equal(model(a, phi, ident, "max"), model(b, phi, ident, "max"))
        gap_sum = float((model(a, phi, ident) - model(b, phi, ident)).abs().max())
    return all_of(check_close(model(x, phi, ident, "max").detach(), loop, atol=1e-15, what="coordinate-wise max vs Python max"),
                  holds(inv <= 1e-12, "unchanged under 30 permutations (1e-12)", f"changes by {inv:.3g}"),
                  holds(same_max and gap_sum > 1e-3, "{1,1,2} and {1,2}: max pooling identical, sum pooling differs",
                        f"max identical: {same_max}; sum differs by {gap_sum:.3g}"))


@formula("gdl.equivariant-set-layer", reference="per-element loop ρ([x_m, Σ_k φ(x_k)]) with torch.nn MLPs; permutations")
def check_equivariant_set_layer(layer=sy.equivariant_set_layer) -> CheckResult:
    phi, rho = _mlp([2, 6, 3], 3), _mlp([5, 6, 2], 4)
    rng = np.random.default_rng(10)
    x = f64(rng.normal(size=(8, 2)))
    with torch.no_grad():
        s = sum(phi(x[k]) for k in range(8))
        loop = torch.stack([rho(torch.cat([x[m], s])) for m in range(8)])
        y = layer(x, phi, rho)
        eq = max(float((layer(x[p], phi, rho) - y[p]).abs().max()) for p in _rng_perms(8, 30, 11))
    return all_of(check_close(y, loop, atol=1e-12, what="y_m = ρ(x_m, Σφ) vs the per-element loop"),
                  holds(eq <= 1e-12, "f(x_π) = f(x)_π for 30 permutations (1e-12)", f"equivariance gap {eq:.3g}"))
