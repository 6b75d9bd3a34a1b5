"""Checks of ``edl.feedforward.layers`` (book labels ``ffn.*``): feedforward, deep linear and residual layers.

Each check takes the formula under test as a keyword argument (default: the library function) and compares
it with a route that does not share its code: ``torch.nn`` modules with copied weights, a layer-by-layer
forward pass, or autograd Jacobians. Data are seeded; verdicts state tolerances, not achieved errors. The
seeds state no formula of this topic wrongly, so there are no errata here.
"""

import numpy as np
import torch

from edl.feedforward import layers
from edl.core.checking import CheckResult, check_close, f64, holds, to_numpy
from edl.core.ledger import formula


# --- 2.4 feedforward and residual layers ---------------------------------------------------------------

def _random_layers(widths, seed):
    rng = np.random.default_rng(seed)
    Ws = [f64(rng.normal(size=(m, m_prev)) / np.sqrt(m_prev)) for m_prev, m in zip(widths, widths[1:])]
    bs = [f64(rng.normal(size=m)) for m in widths[1:]]
    return Ws, bs


@formula("ffn.layer-composition", reference="torch.nn.Sequential with copied weights; sum(p.numel() for p in net.parameters())")
def check_layer_composition(network=layers.feedforward) -> CheckResult:
    widths = (4, 7, 5, 3)
    Ws, bs = _random_layers(widths, 15)
    modules = []
    for W, b in zip(Ws, bs):
        lin = torch.nn.Linear(W.shape[1], W.shape[0], dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(W)
            lin.bias.copy_(b)
        modules += [lin, torch.nn.Tanh()]
    net = torch.nn.Sequential(*modules[:-1])  # no activation after the last layer
    x = f64(np.random.default_rng(16).normal(size=(32, 4)))
    with torch.no_grad():
        forward = check_close(network(x, Ws, bs, "tanh"), net(x), atol=1e-12,
                              what="forward pass and nn.Sequential (4-7-5-3)") & \
            check_close(layers.dense_layer(x, Ws[0], bs[0], "tanh"), net[1](net[0](x)), atol=1e-12,
                        what="one dense layer and nn.Linear + nn.Tanh")
    counts, numels = [], []
    for ws in [widths, (784, 100, 10), (2, 1), (3, 16, 16, 16, 1)]:
        counts.append(layers.parameter_count(ws))
        numels.append(sum(p.numel() for p in torch.nn.Sequential(
            *[torch.nn.Linear(a, b) for a, b in zip(ws, ws[1:])]).parameters()))
    count = holds(counts == numels, "Σ m_l(m_{l−1}+1) = numel on 4 architectures",
                   f"counts {counts} != numel {numels}")
    return forward & count


@formula("ffn.linear-collapse", reference="layer-by-layer forward pass; numpy.linalg.matrix_rank")
def check_linear_collapse(collapse=layers.collapse_linear) -> CheckResult:
    widths = (5, 8, 3, 8, 4)
    Ws, bs = _random_layers(widths, 17)
    x = f64(np.random.default_rng(18).normal(size=(32, 5)))
    deep = x
    for W, b in zip(Ws, bs):
        deep = deep @ W.T + b
    W_, b_ = collapse(Ws, bs)
    same = check_close(x @ W_.T + b_, deep, atol=1e-12, what="deep linear net 5-8-3-8-4 and W̃x + b̃")
    # rank W̃ ≤ min m_l, attained by generic weights wherever the bottleneck sits: the rank of the map itself, read from
    # the layer-by-layer forward pass on the basis vectors (not from W̃), equals min m_l for every width pattern
    found = []
    for k, pattern in enumerate(((5, 8, 3, 8, 4), (6, 6, 2, 6), (3, 7, 7, 5), (7, 4, 6, 9))):
        Wk, bk = _random_layers(pattern, 40 + k)
        basis = torch.cat([torch.zeros(1, pattern[0], dtype=torch.float64), torch.eye(pattern[0], dtype=torch.float64)])
        out = basis
        for W, b in zip(Wk, bk):
            out = out @ W.T + b
        found.append((int(np.linalg.matrix_rank(to_numpy(out[1:] - out[0]))), int(np.linalg.matrix_rank(to_numpy(collapse(Wk, bk)[0]))),
                      min(pattern)))
    rank = holds(all(a == b == c for a, b, c in found),
                  f"rank of the map = rank W̃ = min m_l for widths 5-8-3-8-4, 6-6-2-6, 3-7-7-5, 7-4-6-9 ({[c for *_, c in found]})",
                  f"(rank of the map, rank W̃, min m_l) = {found}")
    return same & rank


@formula("ffn.residual", reference="torch.autograd.functional.jacobian; direct product of (I + J_l)")
def check_residual(layer=layers.residual_layer) -> CheckResult:
    rng = np.random.default_rng(19)
    x = f64(rng.normal(size=(16, 5)))
    zero_W, zero_b = torch.zeros(5, 5, dtype=torch.float64), torch.zeros(5, dtype=torch.float64)
    identity = holds(all(torch.equal(layer(x, zero_W, zero_b, phi), x) for phi in ("tanh", "sigmoid", "relu")),
                      "F[0,0](x) = x exactly (tanh, σ, ReLU)", "F[0,0] is not the identity")
    W, b, x0 = f64(rng.normal(size=(5, 5))), f64(rng.normal(size=5)), f64(rng.normal(size=5))
    jac = []
    for phi in ("tanh", "sigmoid"):
        auto = torch.autograd.functional.jacobian(lambda u, p=phi: layer(u, W, b, p), x0)
        jac.append(check_close(layers.residual_jacobian(x0, W, b, phi), auto, atol=1e-12,
                               what=f"I + diag(φ')W and autograd ({phi})"))
    J = f64(rng.normal(size=(4, 5, 5)) / 2)
    product = torch.eye(5, dtype=torch.float64)
    for Jl in J:
        product = (torch.eye(5, dtype=torch.float64) + Jl) @ product
    paths = check_close(layers.path_expansion(J), product, atol=1e-10, what="Π(I + J_l) and its 16 paths (L = 4)")
    return identity & jac[0] & jac[1] & paths
