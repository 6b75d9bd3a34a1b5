"""Checks of ``edl.optimization.backprop`` (book labels ``backprop.*``, ``autodiff.*``, ``gradients.*``) and of
the seeds' errata there.

Backpropagation, forward- and reverse-mode automatic differentiation, vanishing and exploding gradients
and gradient clipping. Each check takes the formula (or the claim) under test as a keyword argument and
compares it with an independent route: torch autograd and ``torch.func``, FLOP counts from
``torch.utils.flop_counter``, numpy norms and SVDs, or ``torch.nn.utils.clip_grad_norm_``. Every verdict
states tolerances and rounded measurements, so it prints the same everywhere.
"""

import math

import numpy as np
import torch
from torch.utils.flop_counter import FlopCounterMode

from edl.optimization import backprop as bp
from edl.core.checking import CheckResult, f64, to_numpy
from edl.core.ledger import erratum, formula


# --- verdict helpers and a test problem, shared with edl.optimization.checks.descent --------------

def _all(parts, summary: str) -> CheckResult:
    """Pass with ``summary`` if every (ok, failure text) part holds; otherwise report the first failure."""
    for ok, failure in parts:
        if not ok:
            return CheckResult(False, failure, float("inf"))
    return CheckResult(True, summary)


def _close(a, b, tol) -> bool:
    a, b = to_numpy(a), to_numpy(b)
    return a.shape == b.shape and bool(np.all(np.abs(a - b) <= tol))


def _g(x: float) -> str:
    return f"{x:.3g}"


def _rotation(seed: int, d: int) -> np.ndarray:
    """A seeded random orthogonal d × d matrix."""
    return np.linalg.qr(np.random.default_rng(seed).normal(size=(d, d)))[0]


# --- 3.1 backpropagation and automatic differentiation ------------------------------------------------

@formula("backprop.jacobian-chain", reference="torch.autograd.functional.jacobian of the composite; autograd parameter gradients")
def check_jacobian_chain(chain=bp.chain_jacobian, param_grads=bp.xi_parameter_gradients) -> CheckResult:
    W, b = bp.init_mlp([4, 6, 5, 3], seed=1)
    x = f64(np.random.default_rng(1).normal(size=4))
    J = chain(bp.layer_jacobians(x, W, b))

    def net(z):
        return bp.mlp_forward(z, W, b)[1][-1]
    J_auto = torch.autograd.functional.jacobian(net, x)
    target = f64([0.3, -0.2, 0.5])
    gW, gb = param_grads(x, W, b, lambda z: z - target)  # l(z) = ½‖z − target‖²
    Wr = [w.clone().requires_grad_(True) for w in W]
    br = [c.clone().requires_grad_(True) for c in b]
    out = bp.mlp_forward(x, Wr, br)[1][-1]
    auto = torch.autograd.grad(0.5 * ((out - target) ** 2).sum(), Wr + br)
    ours = torch.cat([g.ravel() for g in gW + gb]) if all(
        g.shape == a.shape for g, a in zip(gW + gb, auto)) else None
    return _all([(J.shape == (3, 4), f"∂F has shape {tuple(J.shape)}, expected (3, 4)"),
                 (_close(J, J_auto, 1e-12), "product of layer Jacobians differs from autograd by > 1e-12"),
                 (ours is not None and _close(ours, torch.cat([a.ravel() for a in auto]), 1e-12),
                  "ξ-recursion parameter gradients differ from autograd by > 1e-12")],
                "4-6-5-3 tanh net: ∏∂F_l (3×4) and ξ-recursion gradients match autograd within 1e-12")


def _compare_grads(ours, auto, what: str) -> tuple[bool, str]:
    for l, (g, a) in enumerate(zip(ours, auto), start=1):
        if g.shape != a.shape:
            return False, f"{what} of layer {l} has shape {tuple(g.shape)}, autograd's is {tuple(a.shape)}"
    g, a = torch.cat([t.ravel() for t in ours]), torch.cat([t.ravel() for t in auto])
    rel = float((g - a).abs().max() / a.abs().max())
    return rel <= 1e-12, f"{what} off by {_g(rel)} relative (> 1e-12)"


@formula("backprop.layer-equations", reference="torch.autograd.grad of the summed squared error")
def check_layer_equations(gradients=bp.backprop) -> CheckResult:
    W, b = bp.init_mlp([5, 7, 6, 2], gain=1.5, seed=2)
    rng = np.random.default_rng(2)
    x, y = f64(rng.normal(size=(8, 5))), f64(rng.normal(size=(8, 2)) * 0.5)
    gW, gb, _ = gradients(x, y, W, b)
    Wr = [w.clone().requires_grad_(True) for w in W]
    br = [c.clone().requires_grad_(True) for c in b]
    loss = ((bp.mlp_forward(x, Wr, br)[1][-1] - y) ** 2).sum()
    auto = torch.autograd.grad(loss, Wr + br)
    return _all([_compare_grads(gW, auto[:3], "∂L/∂W"), _compare_grads(gb, auto[3:], "∂L/∂b")],
                "5-7-6-2 tanh MLP, batch of 8: δ-recursion ∂L/∂W, ∂L/∂b match autograd within 1e-12 relative")


@formula("backprop.matrix-derivatives", reference="torch.autograd.functional.jacobian (n = 6)")
def check_matrix_derivatives(linear=bp.jacobian_linear, elementwise=bp.jacobian_elementwise,
                             squared_error=bp.gradient_squared_error, relu=bp.jacobian_relu) -> CheckResult:
    rng = np.random.default_rng(3)
    W, x, y = f64(rng.normal(size=(4, 6))), f64(rng.normal(size=6)), f64(rng.normal(size=6))
    jac = torch.autograd.functional.jacobian
    pairs = [(linear(W), jac(lambda z: W @ z, x), "W x"),
             (elementwise(lambda z: 1 - torch.tanh(z) ** 2, x), jac(torch.tanh, x), "tanh"),
             (squared_error(x, y), jac(lambda z: ((y - z) ** 2).sum(), x), "‖y − ȳ‖²"),
             (relu(x), jac(torch.relu, x), "ReLU")]
    return _all([(_close(a, e, 1e-12), f"Jacobian of {name} differs from autograd") for a, e, name in pairs],
                "∂(Wx), ∂tanh, ∂‖y−ȳ‖², ∂ReLU match autograd within 1e-12")


@formula("autodiff.forward-reverse-cost", reference="torch.func.jacfwd/jacrev; evaluations of f counted; FLOPs from "
                                                     "torch.utils.flop_counter against the cost model")
def check_forward_reverse_cost(forward=bp.jacobian_forward_mode, reverse=bp.jacobian_reverse_mode,
                               cost=bp.autodiff_cost) -> CheckResult:
    parts, per_forward, per_reverse = [], [], []
    for N, M in ((32, 1), (1, 32), (6, 4)):
        W, b = bp.init_mlp([N, 16, 16, M], seed=N + M)
        calls = [0]

        def f(z, W=W, b=b):
            calls[0] += 1
            return bp.mlp_forward(z, W, b)[1][-1]
        x = f64(np.random.default_rng(4).normal(size=N))
        with FlopCounterMode(display=False) as count_0:
            f(x)
        graph = count_0.get_total_flops()  # one evaluation of f: the size of the graph, in FLOPs
        calls[0] = 0
        with FlopCounterMode(display=False) as count_f:
            Jf, pf = forward(f, x)
        calls_f, calls[0] = calls[0], 0
        with FlopCounterMode(display=False) as count_r:
            Jr, pr = reverse(f, x)
        calls_r = calls[0]
        exact = torch.func.jacrev(f)(x)
        parts += [(_close(Jf, exact, 1e-12) and _close(Jr, torch.func.jacfwd(f)(x), 1e-12),
                   f"(N, M) = ({N}, {M}): Jacobians differ from torch.func by > 1e-12"),
                  (calls_f == pf == N and calls_r == 1 and pr == M,
                   f"(N, M) = ({N}, {M}): forward mode evaluated f {calls_f} times (reports {pf} passes), reverse mode "
                   f"{calls_r} times (reports {pr} sweeps); expected N, 1 and M")]
        model = to_numpy(cost(N, M, graph))
        per_forward.append(count_f.get_total_flops() / model[0])
        per_reverse.append((count_r.get_total_flops() - graph) / model[1])  # the stored forward pass, then the sweeps
    steady = all(max(r) / min(r) < 1.01 for r in (per_forward, per_reverse))
    parts.append((steady, f"FLOPs / cost model: forward {[_g(r) for r in per_forward]}, reverse (after the stored pass) "
                          f"{[_g(r) for r in per_reverse]}, not constant over (N, M)"))
    return _all(parts, f"J agree (1e-12) at (N, M) = (32, 1), (1, 32), (6, 4); forward mode evaluates f N times, "
                       f"reverse mode once; measured FLOPs = {_g(per_forward[0])}·N|G| forward and |G| + "
                       f"{_g(per_reverse[0])}·M|G| reverse in all three")


@formula("autodiff.vjp-jvp", reference="torch.func.jvp / torch.func.vjp; explicit autograd Jacobian")
def check_vjp_jvp(jvp=bp.mlp_jvp, vjp=bp.mlp_vjp) -> CheckResult:
    W, b = bp.init_mlp([5, 16, 16, 3], seed=5)
    rng = np.random.default_rng(5)
    x, U, V = f64(rng.normal(size=5)), f64(rng.normal(size=(20, 5))), f64(rng.normal(size=(20, 3)))

    def f(z):
        return bp.mlp_forward(z, W, b)[1][-1]
    J = torch.autograd.functional.jacobian(f, x)
    Ju, JTv = jvp(x, U, W, b), vjp(x, V, W, b)
    ref_u = torch.stack([torch.func.jvp(f, (x,), (u,))[1] for u in U])
    ref_v = torch.stack([torch.func.vjp(f, x)[1](vv)[0] for vv in V])
    return _all([(_close((V * Ju).sum(-1), (JTv * U).sum(-1), 1e-12), "⟨v, Ju⟩ ≠ ⟨Jᵀv, u⟩ (1e-12)"),
                 (_close(Ju, ref_u, 1e-12) and _close(Ju, U @ J.T, 1e-12), "jvp differs from torch.func.jvp / J u"),
                 (_close(JTv, ref_v, 1e-12) and _close(JTv, V @ J, 1e-12), "vjp differs from torch.func.vjp / Jᵀv")],
                "20 pairs: ⟨v,Ju⟩ = ⟨Jᵀv,u⟩; jvp, vjp match torch.func and the explicit J within 1e-12")


# --- 3.2 vanishing and exploding gradients ------------------------------------------------------------

def _deep_net(act_name: str, gain: float, depth: int = 50, width: int = 32, seed: int = 7):
    W, b = bp.init_mlp([width] * (depth + 1), gain=gain, bias_scale=0.0, seed=seed)
    x = f64(np.random.default_rng(seed).normal(size=width))
    return W, b, x, bp.activation(act_name)


def _seed_regime(weights, act) -> str:
    """Seed 004: decide from φ′ alone."""
    act = bp.activation(act)
    return "vanishing" if act.kappa < 1 else "exploding" if act.kappa_inf > 1 else "undetermined"


@formula("gradients.vanishing-exploding", reference="‖∏ diag(φ′)W‖₂ computed (numpy SVD); exact 1.8³⁰, 0.55³⁰; numpy norms of random pairs")
def check_vanishing_exploding(bounds=bp.jacobian_norm_bounds, regime=bp.gradient_regime,
                              product_bound=bp.submultiplicative_bound, rnn_limit: float = 0.0) -> CheckResult:
    parts, cases = [], []
    for name in ("tanh", "sigmoid"):
        for gain in (0.5, 1.0, 2.0, 4.0):
            W, b, x, act = _deep_net(name, gain)
            norm = np.linalg.norm(to_numpy(bp.chain_jacobian(bp.layer_jacobians(x, W, b, act))), 2)
            lo, hi = to_numpy(bounds(W, act))
            parts.append((lo * (1 - 1e-9) <= norm <= hi * (1 + 1e-9),
                          f"{name}, g = {gain}: ‖J‖ = {_g(norm)} outside [{_g(lo)}, {_g(hi)}]"))
            cases.append((W, act, norm))
    for slope, scale, want in ((0.9, 2.0, 1.8**30), (1.1, 0.5, 0.55**30)):
        W = [scale * torch.eye(8, dtype=torch.float64)] * 30
        act = bp.activation("linear", slope)
        norm = np.linalg.norm(to_numpy(bp.chain_jacobian(bp.layer_jacobians(torch.ones(8).double(), W,
                                                                         [torch.zeros(8).double()] * 30, act))), 2)
        parts.append((abs(norm - want) <= 1e-9 * want and _close(bounds(W, act), [want, want], 1e-9 * want),
                      f"φ = {slope}z, W = {scale}I: ‖J‖ = {_g(norm)}, expected {_g(want)}"))
        cases.append((W, act, norm))
    for W, act, norm in cases:  # what a rule promises must come true at this depth
        said = regime(W, act)
        parts.append((not ((said == "vanishing" and norm >= 1) or (said == "exploding" and norm <= 1)),
                      f"rule says '{said}' for {act.name}, ‖W‖₂ = {_g(np.linalg.norm(to_numpy(W[0]), 2))}, "
                      f"but ‖J‖ = {_g(norm)}"))
    # both bounds with slack: a linear net (φ = 0.9z, κ = κ_inf = 0.9) with random square layers, ‖J‖ by numpy
    rng = np.random.default_rng(8)
    Ws = [f64(rng.normal(size=(8, 8)) / math.sqrt(8)) for _ in range(10)]
    exact = 0.9**10 * np.linalg.norm(np.linalg.multi_dot([to_numpy(W) for W in Ws[::-1]]), 2)
    lo, hi = to_numpy(bounds(Ws, bp.activation("linear", 0.9)))
    parts.append((lo < exact < hi, f"linear net, 10 random 8×8 layers: ‖J‖ = {_g(exact)} not strictly inside "
                                   f"[{_g(lo)}, {_g(hi)}]"))
    # both bounds attained: leaky ReLU (κ = 1, κ_inf = 0.2) on scaled permutation layers c_l P_l (orthogonal, and they
    # keep signs), with all biases −1 or all +1, so that every unit is negative (φ′ = 0.2) or positive (φ′ = 1)
    leaky = bp.Activation("leaky relu", lambda z: torch.where(z > 0, z, 0.2 * z),
                          lambda z: torch.where(z > 0, torch.ones_like(z), torch.full_like(z, 0.2)), 1.0, 0.2)
    scales = np.linspace(0.6, 1.8, 12)
    Wq = [f64(c * np.eye(8)[rng.permutation(8)]) for c in scales]
    for side, slope in ((-1.0, 0.2), (1.0, 1.0)):
        J = bp.chain_jacobian(bp.layer_jacobians(torch.zeros(8, dtype=torch.float64), Wq,
                                                 [torch.full((8,), side, dtype=torch.float64)] * 12, leaky))
        want = float(np.prod(slope * scales))
        parts.append((abs(np.linalg.norm(to_numpy(J), 2) / want - 1) < 1e-9
                      and abs(float(bounds(Wq, leaky)[0 if slope < 1 else 1]) / want - 1) < 1e-9,
                      f"leaky ReLU on scaled permutations, all φ′ = {slope:g}: ‖J‖ and the "
                      f"{'lower' if slope < 1 else 'upper'} bound are not both ∏{slope:g}c_l = {_g(want)}"))
    A, B = f64(rng.normal(size=(1000, 6, 5))), f64(rng.normal(size=(1000, 5, 4)) * rng.uniform(0.05, 2, (1000, 1, 1)))
    worst = float((torch.linalg.matrix_norm(A @ B, 2) / product_bound(A, B)).max())
    parts.append((worst <= 1 + 1e-12, f"‖AB‖₂ exceeds the product bound on random pairs (ratio up to {_g(worst)})"))
    # equality when A's right and B's left singular vectors are aligned: A = U diag(a) Vᵀ, B = V diag(b) Xᵀ
    U, V, Xr = (_rotation(40 + k, 5) for k in range(3))
    A1 = f64(U @ np.diag([3.0, 2.0, 1.0, 0.5, 0.2]) @ V.T)
    B1 = f64(V @ np.diag([2.0, 1.5, 1.0, 0.3, 0.1]) @ Xr.T)
    aligned = float(product_bound(A1, B1)) / np.linalg.norm(to_numpy(A1 @ B1), 2)
    parts.append((abs(aligned - 1) < 1e-12, f"aligned full-rank A, B: product bound/‖AB‖₂ = {_g(aligned)}, not 1"))
    U = f64(_rotation(9, 16) * 0.9)  # σ₁(U) = 0.9 < 1/κ = 1 for tanh
    z, J = f64(rng.normal(size=16)), torch.eye(16, dtype=torch.float64)
    for _ in range(200):
        z = torch.tanh(U @ z + 0.1)
        J = (1 - z**2)[:, None] * U @ J
    bound200 = float(bp.rnn_gradient_bound(1.0, 0.9, 200))
    parts.append((np.linalg.norm(to_numpy(J), 2) <= bound200 and abs(bound200 - rnn_limit) < 1e-6,
                  f"tanh RNN, σ₁(U) = 0.9: (κσ₁)²⁰⁰ = {bound200:.2e}, not near the claimed limit {rnn_limit}"))
    return _all(parts, "L = 50, g ∈ {0.5,1,2,4}: bounds hold; 1.8³⁰, 0.55³⁰ exact (1e-9); random linear layers: "
                       "strictly inside the bounds; leaky ReLU on scaled permutation layers: the lower bound is attained "
                       "when every unit is negative, the upper when every unit is positive; ‖AB‖₂ = ‖A‖₂‖B‖₂ for aligned "
                       "singular vectors; the norm rule is sound; RNN bound 0.9²⁰⁰ → 0")


@formula("gradients.clipping", reference="torch.nn.utils.clip_grad_norm_ (rtol 1e-5)")
def check_clipping(clip=bp.clip_by_norm) -> CheckResult:
    rng = np.random.default_rng(10)
    g = rng.normal(size=(1000, 10)) * rng.uniform(0.01, 3, (1000, 1))
    out = to_numpy(clip(f64(g), 1.0))
    norms = np.linalg.norm(out, axis=-1)
    cos = (out * g).sum(-1) / (norms * np.linalg.norm(g, axis=-1))
    ref = []
    for row in g:
        p = torch.nn.Parameter(torch.zeros(10, dtype=torch.float64))
        p.grad = f64(row)
        torch.nn.utils.clip_grad_norm_([p], 1.0)
        ref.append(to_numpy(p.grad))
    small = np.linalg.norm(g, axis=-1) <= 1
    return _all([(bool((norms <= 1 + 1e-12).all()), "a clipped gradient has norm > θ"),
                 (bool(np.abs(cos - 1).max() <= 1e-12), "clipping changed a direction"),
                 (np.allclose(out[small], g[small], atol=0, rtol=1e-15), "a gradient inside the ball was changed"),
                 (np.allclose(out, np.array(ref), rtol=1e-5, atol=0), "differs from clip_grad_norm_ (rtol 1e-5)")],
                "1000 gradients, θ = 1: ‖clip(g)‖ ≤ θ, cosine 1 (1e-12); matches clip_grad_norm_ (rtol 1e-5)")


# --- the seeds' errata: the same checks, run on what the seed says ---------------------------------

def _seed_backprop_double_phi(x, y, weights, biases, act="tanh"):
    """000: δ already contains φ̇, and φ̇ is applied again in ∂h/∂w and ∂h/∂b."""
    act = bp.activation(act)
    pre, post = bp.mlp_forward(x, weights, biases, act)
    dL_dx = 2 * (post[-1] - torch.as_tensor(y))
    gW, gb = [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        delta = dL_dx * act.dphi(pre[l])
        gW[l] = (delta * act.dphi(pre[l])).T @ post[l]
        gb[l] = (delta * act.dphi(pre[l])).sum(0)
        dL_dx = delta @ weights[l]
    return gW, gb, None


def _seed_backprop_h_times_delta(x, y, weights, biases, act="tanh"):
    """001: ∂L/∂W = h · ∂L/∂ȳ, i.e. h δᵀ (input × output) instead of the outer product δ hᵀ."""
    gW, gb, deltas = bp.backprop(x, y, weights, biases, act)
    return [g.T for g in gW], gb, deltas


@erratum("ch01-03:E29", wrong=r"\partial h/\partial w^l_{ij}=\delta^l_i\,\dot\varphi^l_i\,x^{l-1}_j,\ "
                              r"\delta^l_i=\tfrac{\partial h}{\partial x^l_i}\dot\varphi^l_i",
         right=r"\partial h/\partial w^l_{ij}=\delta^l_i\,x^{l-1}_j",
         why="Applying φ̇ a second time multiplies each unit's weight and bias gradients by its slope once more, so "
             "the update is no longer the gradient: entries shrink unevenly, most where units saturate.")
def seed_layer_equations_double_phi() -> CheckResult:
    return check_layer_equations(gradients=_seed_backprop_double_phi)


@erratum("ch01-03:E30", wrong=r"\tfrac{\partial L}{\partial W}=\bar h\,\tfrac{\partial L}{\partial\bar y}",
         right=r"\tfrac{\partial L}{\partial W}=\boldsymbol\delta\,\bar h^\top",
         why="h·∂L/∂ȳ has shape input × output, the transpose of W, so the update cannot be applied to a non-square "
             "layer, and for a square layer it silently applies the transposed gradient.")
def seed_layer_equations_transposed() -> CheckResult:
    return check_layer_equations(gradients=_seed_backprop_h_times_delta)


@erratum("ch01-03:E31", wrong=r"\sigma_1(U)<1/\kappa:\ (\kappa\sigma_1(U))^t\to\infty",
         right=r"\sigma_1(U)<1/\kappa:\ (\kappa\sigma_1(U))^t\to0",
         why="When σ₁(U) < 1/κ the factor κσ₁(U) is below 1 and its powers go to 0, so gradients through time vanish; "
             "reading → ∞, one would guard against explosion and miss the real problem.")
def seed_rnn_limit() -> CheckResult:
    return check_vanishing_exploding(rnn_limit=math.inf)


@erratum("ch01-03:E32", wrong=r"\|AB\|_2\le\|AB\|_2\|B\|_2", right=r"\|AB\|_2\le\|A\|_2\|B\|_2",
         why="The bound is circular (AB on both sides) and false whenever ‖B‖₂ < 1, so it cannot bound a product of "
             "layer Jacobians by their separate norms, which the gradient argument needs.")
def seed_submultiplicative() -> CheckResult:
    return check_vanishing_exploding(product_bound=lambda A, B: torch.linalg.matrix_norm(A @ B, 2)
                                     * torch.linalg.matrix_norm(B, 2))


@erratum("ch01-03:E33", wrong=r"\varphi'<1\Rightarrow\text{vanishing},\ \varphi'>1\Rightarrow\text{exploding}",
         right=r"\kappa\max_l\|W^l\|_2<1\Rightarrow\text{vanishing};\ \text{otherwise }\varphi'\text{ alone decides nothing}",
         why="Judging by φ′ alone ignores the weights: with slope 0.9 and ‖W‖₂ = 2 the rule predicts vanishing "
             "gradients, yet over 30 layers they grow about 1.8³⁰ ≈ 4.6·10⁷-fold.")
def seed_phi_prime_rule() -> CheckResult:
    return check_vanishing_exploding(regime=_seed_regime)
