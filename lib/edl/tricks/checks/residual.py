"""Checks of ``edl.tricks.residual`` (book labels ``tricks.residual-layer`` … ``tricks.dense-connectivity``) and
of the erratum there.

Independent routes: ``torch.nn`` modules, ``torch.autograd.functional.jacobian`` and autograd through whole
stacks, sympy's expansion of the product of Jacobians, Monte Carlo over random residual stacks, and a
dense block of ``nn.Conv2d`` layers.
"""

import math

import numpy as np
import sympy
import torch
from torch import nn
from torch.autograd.functional import jacobian

from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.tricks import residual as rs


def _gen(seed):
    return torch.Generator().manual_seed(seed)


@formula("tricks.residual-layer", reference="torch.nn.Linear + Sigmoid modules; a ReLU inside vs outside the branch")
def check_residual_layer(layer=rs.residual_layer) -> CheckResult:
    rng = np.random.default_rng(60)
    x = f64(rng.normal(size=(1000, 5)))
    lin = nn.Linear(5, 5).double()
    with torch.no_grad():
        out_module = x + torch.sigmoid(lin(x)) - 0.5
    W, b = lin.weight.detach(), lin.bias.detach()
    proj, down = nn.Linear(5, 3, bias=False).double(), nn.Linear(5, 3).double()
    with torch.no_grad():
        out_proj = proj(x) + torch.tanh(down(x))
    zero = layer(x, torch.zeros(5, 5, dtype=torch.float64), torch.zeros(5, dtype=torch.float64))
    relu_inside = layer(x, W, b, "relu") - x
    W2 = f64(rng.normal(size=(5, 5)))
    relu_then_linear = torch.relu(x @ W.T + b) @ W2.T                   # f = W₂ ReLU(W₁x + b): ReLU outside f
    return all_of(holds(bool((zero == x).all()), "W = 0, b = 0: F(x) = x exactly (σ(0) = ½ subtracted)", "F[0, 0] ≠ id"),
                  check_close(layer(x, W, b), out_module, atol=1e-12, what="vs x + Sigmoid(Linear(x)) − ½"),
                  check_close(layer(x, down.weight.detach(), down.bias.detach(), "tanh", proj.weight.detach()), out_proj,
                              atol=1e-12, what="width 5 → 3 with a projected shortcut"),
                  holds(bool((relu_inside >= 0).all()) and bool((relu_then_linear < 0).any() and (relu_then_linear > 0).any()),
                        "a ReLU at the end of f gives r(x) − x ≥ 0 on 1000 inputs; W₂ReLU(W₁x) takes both signs",
                        "the sign pattern of r(x) − x is not as claimed"))


@formula("tricks.residual-jacobian", reference="torch.autograd.functional.jacobian; autograd through 50 layers; sympy")
def check_residual_jacobian(jac=rs.residual_jacobian, norms=rs.gradient_norms) -> CheckResult:
    rng = np.random.default_rng(61)
    x, W = f64(rng.normal(size=6)), f64(rng.normal(size=(6, 6)))
    auto = jacobian(lambda z: z + torch.tanh(W @ z), x)
    d, L = 32, 50
    Ws = f64(rng.normal(size=(L, d, d)) * math.sqrt(0.01 / d))
    x0 = f64(rng.normal(size=d))
    found = {}
    for residual in (False, True):
        z = x0.clone().requires_grad_(True)
        y = z
        for Wl in Ws:
            y = torch.tanh(Wl @ y) + (y if residual else 0)
        (g,) = torch.autograd.grad(y.sum(), z)
        found[residual] = (float(norms(x0, Ws, residual)[0]), float(g.norm()))
    a = sympy.symbols("a1:7")
    paths = len(sympy.expand(sympy.prod([1 + s for s in a])).as_ordered_terms())
    return all_of(check_close(jac(x, W), auto, atol=1e-12, what="J_r = I + diag(1 − tanh²(Wx))W vs autograd"),
                  check_close(found[False][0], found[False][1], rtol=1e-8, what=f"plain 50-layer tanh: ‖∇‖ = {found[False][1]:.2g}"),
                  check_close(found[True][0], found[True][1], rtol=1e-10, what=f"residual: ‖∇‖ = {found[True][1]:.3g}"),
                  holds(found[False][1] < 1e-40 and 0.5 < found[True][1] / math.sqrt(d) < 2,
                        "plain < 10⁻⁴⁰, residual within a factor 2 of √32 (the identity's)",
                        f"plain {found[False][1]:.2g}, residual {found[True][1]:.3g}"),
                  holds(paths == 64, "sympy: ∏(1 + aₗ), l = 1..6, has 2⁶ = 64 terms (paths)", f"{paths} terms"))


def _chain_rule(jacobians, alpha=0.3, seed=62):
    """∂L/∂Θ_k through a 4-block stack by autograd, and by the product of block Jacobians."""
    rng = np.random.default_rng(seed)
    d = 4
    thetas = [f64(rng.normal(size=(d, d)) / 2) for _ in range(4)]
    x, c = f64(rng.normal(size=d)), f64(rng.normal(size=d))
    k = 1                                                                   # the block whose gradient we follow
    t = thetas[k].clone().requires_grad_(True)
    ys = [x]
    for i, th in enumerate(thetas):
        ys.append(alpha * (t if i == k else th) @ ys[-1] + ys[-1])
    (auto,) = torch.autograd.grad(c @ ys[-1], t)
    grad_y = c                                                              # ∂L/∂y_n
    for i in range(len(thetas) - 1, k, -1):
        grad_y = jacobians(ys[i].detach(), thetas[i], alpha)[0].T @ grad_y
    J_theta = jacobians(ys[k].detach(), thetas[k], alpha)[1]
    return torch.einsum("i,ijl->jl", grad_y, J_theta), auto


@formula("tricks.residual-depth-scaling", reference="Monte Carlo over 200 random stacks (d = 32); autograd for the Jacobians")
def check_residual_depth_scaling(growth=rs.residual_growth, expected=rs.expected_growth,
                                 jacobians=rs.residual_step_jacobians) -> CheckResult:
    parts = []
    for n, seed in ((10, 63), (100, 64)):
        ratios = growth(32, n, math.sqrt(1.0 / n), 200, generator=_gen(seed))
        parts.append(check_monte_carlo(to_numpy(ratios), expected(n, 1.0), what=f"α² = 1/n, n = {n}: E‖y_n‖²/‖x‖²"))
    unscaled = float(growth(32, 50, 1.0, 100, generator=_gen(65)).mean())
    parts.append(holds(0.3 < unscaled / 2.0**50 < 3, f"α = 1, n = 50: {unscaled:.2g}, of the order of 2⁵⁰ = 1.1e+15",
                       f"α = 1, n = 50: {unscaled:.2g}, not ≈ 2⁵⁰"))
    parts.append(check_close(expected(1000, 1.0), math.e, rtol=1e-3, what="(1 + 1/n)ⁿ → e at n = 1000"))
    rng = np.random.default_rng(66)
    y, th = f64(rng.normal(size=5)), f64(rng.normal(size=(5, 5)))
    Jy, Jt = jacobian(lambda a, b: 0.4 * b @ a + a, (y, th))
    ours = jacobians(y, th, 0.4)
    ours_chain, auto_chain = _chain_rule(jacobians)
    parts += [check_close(ours[0], Jy, atol=1e-12, what="∂y_k/∂y_(k−1) = αΘ + I vs autograd"),
              check_close(ours[1], Jt, atol=1e-12, what="∂y_k/∂Θ_k = α ∂f/∂Θ_k vs autograd"),
              check_close(ours_chain, auto_chain, atol=1e-12, what="∂L/∂Θ₂ through 4 blocks by the chain rule")]
    return all_of(*parts)


@erratum("ch04-08:ERR-43", wrong=r"\frac{\partial y_{k-1}}{\partial\Theta_k}=\alpha\frac{\partial f}{\partial y_{k-1}}+I_d,\quad "
         r"\frac{\partial y_k}{\partial\Theta_k}=\alpha\frac{\partial f(y_{k-1},\Theta_k)}{\partial\Theta_k}\frac{\partial y_{k-1}}{\partial\Theta_k}",
         right=r"\frac{\partial y_k}{\partial y_{k-1}}=\alpha\frac{\partial f}{\partial y_{k-1}}+I_d,\quad "
               r"\frac{\partial y_k}{\partial\Theta_k}=\alpha\frac{\partial f(y_{k-1},\Theta_k)}{\partial\Theta_k}",
         why="y_(k−1) does not depend on Θ_k, so ∂y_(k−1)/∂Θ_k = 0: the extra factor would make every parameter "
             "gradient zero, and the first formula is the Jacobian with respect to y_(k−1), not Θ_k.")
def seed_residual_jacobians() -> CheckResult:
    def wrong(y_prev, theta, alpha):
        J_y, J_theta = rs.residual_step_jacobians(y_prev, theta, alpha)
        return J_y, J_theta * 0.0                     # times ∂y_(k−1)/∂Θ_k, which is zero
    return check_residual_depth_scaling(jacobians=wrong)


@formula("tricks.dense-connectivity", reference="a dense block of torch.nn.Conv2d layers (3×3, k₀ = 4, k = 3, L = 4)")
def check_dense_connectivity(channels=rs.dense_channels, block=rs.dense_block) -> CheckResult:
    ins, out = channels(4, 3, 4)
    with torch.random.fork_rng():
        torch.manual_seed(67)
        convs = [nn.Conv2d(c, 3, 3, padding=1).double() for c in ins]
    x = f64(np.random.default_rng(68).normal(size=(2, 4, 6, 6)))
    with torch.no_grad():
        y = block(x, convs)
        first = convs[0](x)
    return all_of(holds(ins == [4, 7, 10, 13] and out == 16 and y.shape == (2, 16, 6, 6),
                        "in-channels [4, 7, 10, 13], output 16 channels: the convolutions accept them",
                        f"in-channels {ins}, output {out}, block shape {tuple(y.shape)}"),
                  holds(bool((y[:, :4] == x).all()) and bool((y[:, 4:7] == first).all()),
                        "x₀ and x₁ appear verbatim in the output (concatenated, not added)",
                        "earlier feature maps are altered inside the block"))
