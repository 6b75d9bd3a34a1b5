"""Checks of ``edl.tricks.normalization`` (book labels ``tricks.data-standardization`` …
``tricks.norm-scale-invariance``) and of the erratum there.

Independent routes: scikit-learn's ``StandardScaler``, the ``torch.nn`` modules ``BatchNorm1d``,
``BatchNorm2d``, ``LayerNorm`` and the ``weight_norm`` parametrization (outputs, running statistics, eval
mode), autograd through them, and autograd of losses built on scaled weights.
"""

import numpy as np
import torch
from sklearn.preprocessing import StandardScaler
from torch import nn

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.tricks import normalization as nm


def _rng(seed):
    return np.random.default_rng(seed)


@formula("tricks.data-standardization", reference="sklearn.preprocessing.StandardScaler; column means and np.var(ddof=0)")
def check_data_standardization(standardize=nm.standardize) -> CheckResult:
    X = _rng(50).normal(size=(40, 4)) * [1.0, 10.0, 0.1, 3.0] + [5.0, -2.0, 0.0, 100.0]
    Z = to_numpy(standardize(f64(X)))
    return all_of(check_close(Z, StandardScaler().fit_transform(X), atol=1e-12, what="40 × 4 vs StandardScaler"),
                  check_close(Z.mean(0), np.zeros(4), atol=1e-12, what="column means"),
                  check_close(Z.var(0, ddof=0), np.ones(4), atol=1e-12, what="column variances (ddof 0)"))


@erratum("ch04-08:ERR-45", wrong=r"\mu_j=\frac1n\sum_i\mathbf X_i", right=r"\mu_j=\frac1n\sum_iX_{ij}",
         why="Without the column index the statistics can be taken along the wrong axis: standardising each example "
             "(row) leaves the features with unequal means and scales, which is what standardisation should remove.")
def seed_standardization_axis() -> CheckResult:
    def per_row(X):
        mu = X.mean(1, keepdim=True)
        return (X - mu) / ((X - mu) ** 2).mean(1, keepdim=True).sqrt()
    return check_data_standardization(standardize=per_row)


@formula("tricks.batchnorm", reference="torch.nn.BatchNorm1d in train mode and autograd through it")
def check_batchnorm(bn=nm.batch_norm, backward=nm.batch_norm_backward) -> CheckResult:
    rng = _rng(51)
    H = f64(rng.normal(size=(16, 5)) * 3 + 1)
    alpha, beta = f64(rng.normal(size=5)), f64(rng.normal(size=5))
    module = nn.BatchNorm1d(5).double().train()
    with torch.no_grad():
        module.weight.copy_(alpha), module.bias.copy_(beta)
    Hg = H[:6, :3].clone().requires_grad_(True)
    small = nn.BatchNorm1d(3).double().train()
    with torch.no_grad():
        small.weight.copy_(alpha[:3])
    G = f64(rng.normal(size=(6, 3)))
    (auto,) = torch.autograd.grad((small(Hg) * G).sum(), Hg)
    shift = f64(rng.normal(size=5))
    return all_of(check_close(bn(H, alpha, beta), module(H), atol=1e-12, what="16 × 5 vs BatchNorm1d"),
                  check_close(backward(H[:6, :3], G, alpha[:3]), auto, atol=1e-12, what="∂L/∂H (b = 6, f = 3) vs autograd"),
                  check_close(bn(H + shift, alpha, beta), bn(H, alpha, beta), atol=1e-12, what="a bias before BN cancels"))


@formula("tricks.batchnorm-conv", reference="torch.nn.BatchNorm2d(3, affine=False) in train mode on NCHW 4×3×5×5")
def check_batchnorm_conv(bn2d=nm.batch_norm2d) -> CheckResult:
    H = f64(_rng(52).normal(size=(4, 3, 5, 5)) * 2 + 0.5)
    out = bn2d(H)
    return all_of(check_close(out, nn.BatchNorm2d(3, affine=False).double().train()(H), atol=1e-12, what="vs BatchNorm2d"),
                  check_close(out.mean((0, 2, 3)), torch.zeros(3, dtype=torch.float64), atol=1e-12,
                              what="per-channel mean over (batch, h, w)"))


@formula("tricks.batchnorm-inference", reference="torch.nn.BatchNorm1d running_mean/running_var and eval mode")
def check_batchnorm_inference(update=nm.update_running_stats, evaluate=nm.batch_norm_eval) -> CheckResult:
    rng = _rng(53)
    H1, H2, X = (f64(rng.normal(size=(8, 4)) * 2 + 1) for _ in range(3))
    module = nn.BatchNorm1d(4).double().train()
    module(H1), module(H2)
    mean, var = torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64)
    for H in (H1, H2):
        mean, var = update(mean, var, H)
    first_var = update(torch.zeros(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64), H1)[1]
    module.eval()
    alone = evaluate(X[:1], mean, var)
    return all_of(check_close(first_var, 0.9 + 0.1 * H1.var(0, unbiased=True), atol=1e-12,
                              what="after one batch: 0.9 + 0.1·var_unbiased"),
                  check_close(torch.stack([mean, var]), torch.stack([module.running_mean, module.running_var]), atol=1e-12,
                              what="two batches: running mean and var vs BatchNorm1d"),
                  check_close(evaluate(X, mean, var), module(X), atol=1e-12, what="eval output vs BatchNorm1d.eval()"),
                  check_close(alone, evaluate(X, mean, var)[:1], atol=1e-15, what="a row alone or in its batch"))


@formula("tricks.layernorm", reference="torch.nn.LayerNorm(5) and torch.nn.GroupNorm with random weight and bias")
def check_layernorm(ln=nm.layer_norm, gn=nm.group_norm) -> CheckResult:
    rng = _rng(54)
    H, alpha, beta = f64(rng.normal(size=(16, 5)) * 4 - 1), f64(rng.normal(size=5)), f64(rng.normal(size=5))
    module = nn.LayerNorm(5).double()
    with torch.no_grad():
        module.weight.copy_(alpha), module.bias.copy_(beta)
    maps, a6, b6 = f64(rng.normal(size=(3, 6, 4, 4)) * 2 + 1), f64(rng.normal(size=6)), f64(rng.normal(size=6))
    parts = []
    for groups in (1, 2, 6):
        group_module = nn.GroupNorm(groups, 6).double()
        with torch.no_grad():
            group_module.weight.copy_(a6), group_module.bias.copy_(b6)
        parts.append(check_close(gn(maps, groups, a6, b6), group_module(maps), atol=1e-12,
                                 what=f"GroupNorm({groups}, 6) on 3×6×4×4"))
    whole = nn.LayerNorm([6, 4, 4], elementwise_affine=False).double()(maps)
    return all_of(check_close(ln(H, alpha, beta), module(H), atol=1e-12, what="16 × 5 vs LayerNorm"),
                  check_close(ln(H[3:4], alpha, beta), ln(H, alpha, beta)[3:4], atol=1e-15,
                              what="row 3 alone or in the batch of 16"),
                  *parts, check_close(gn(maps, 1), whole, atol=1e-12, what="one group = LayerNorm over (C, h, w)"))


@formula("tricks.weightnorm", reference="torch.nn.utils.parametrizations.weight_norm(nn.Linear(7, 3))")
def check_weightnorm(wn=nm.weight_norm) -> CheckResult:
    with torch.random.fork_rng():
        torch.manual_seed(55)
        layer = nn.utils.parametrizations.weight_norm(nn.Linear(7, 3).double())
    g, v_ = layer.parametrizations.weight.original0, layer.parametrizations.weight.original1
    with torch.no_grad():
        g.copy_(f64([[2.0], [-0.5], [1.5]]))
        ours = wn(v_.detach(), g.detach()[:, 0])
        theirs = layer.weight.detach().clone()
        v_.mul_(3.0)
        scaled = layer.weight.detach().clone()
    return all_of(check_close(ours, theirs, atol=1e-12, what="w = g v/‖v‖ vs the parametrization"),
                  check_close(torch.linalg.vector_norm(ours, dim=1), f64([2.0, 0.5, 1.5]), atol=1e-12, what="‖wᵢ‖ = |gᵢ|"),
                  check_close(scaled, theirs, atol=1e-12, what="v → 3v leaves w unchanged"))


@formula("tricks.weightnorm-gradients", reference="torch.autograd.grad of E = sin²(w·x) + Σw³ through w(v, g)")
def check_weightnorm_gradients(grads=nm.weight_norm_grads) -> CheckResult:
    rng = _rng(56)
    v0, g0, x = f64(rng.normal(size=(3, 5))), f64(rng.normal(size=3)), f64(rng.normal(size=5))
    v_, g = v0.clone().requires_grad_(True), g0.clone().requires_grad_(True)
    w = g[:, None] * v_ / v_.norm(dim=1, keepdim=True)
    energy = lambda w: (torch.sin(w @ x) ** 2).sum() + (w ** 3).sum()  # noqa: E731
    auto_g, auto_v = torch.autograd.grad(energy(w), (g, v_))
    wd = w.detach().clone().requires_grad_(True)
    (grad_w,) = torch.autograd.grad(energy(wd), wd)
    ours_g, ours_v = grads(v0, g0, grad_w)
    lr = 0.3
    grown = (v0 - lr * ours_v).norm(dim=1) ** 2
    return all_of(check_close(ours_g, auto_g, atol=1e-12, what="∂E/∂g vs autograd"),
                  check_close(ours_v, auto_v, atol=1e-12, what="∇_vE vs autograd"),
                  check_close((v0 * ours_v).sum(1), torch.zeros(3, dtype=torch.float64), atol=1e-12, what="v·∇_vE = 0"),
                  check_close(grown, v0.norm(dim=1) ** 2 + lr ** 2 * ours_v.norm(dim=1) ** 2, atol=1e-12,
                              what="one step (η = 0.3): ‖v‖² grows by η²‖∇_vE‖²"))


@formula("tricks.norm-scale-invariance", reference="outputs at cW and autograd of a loss on BN/LN(XWᵀ), eps = 10⁻¹²")
def check_norm_scale_invariance(layer=nm.normalized_preactivation) -> CheckResult:
    rng = _rng(57)
    X, W, T = f64(rng.normal(size=(12, 6))), f64(rng.normal(size=(4, 6))), f64(rng.normal(size=(12, 4)))
    c = f64([0.3, 1.0, 3.7, 12.0])[:, None]
    parts = [check_close(layer(X, 3.7 * W, k, 1e-12), layer(X, W, k, 1e-12), atol=1e-9, what=f"{k} norm: W → 3.7W")
             for k in nm.KINDS]
    parts.append(check_close(layer(X, c * W, "batch", 1e-12), layer(X, W, "batch", 1e-12), atol=1e-9,
                             what="batch norm: one cᵢ per unit"))
    for kind in nm.KINDS:
        Wg = W.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(((layer(X, Wg, kind, 1e-12) - T) ** 2).sum(), Wg)
        radial = (grad * W).sum(1) if kind == "batch" else (grad * W).sum()
        parts.append(check_close(radial, torch.zeros_like(radial), atol=1e-9,
                                 what=f"{kind} norm: ⟨∇_W L, W⟩ = 0" + (" per row" if kind == "batch" else "")))
    changed = float((X @ (3.7 * W).T - X @ W.T).abs().max())
    parts.append(holds(changed > 1, f"without normalisation XWᵀ moves by up to {changed:.1f}", "XWᵀ did not move"))
    return all_of(*parts)
