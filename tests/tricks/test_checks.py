"""Every chapter-8 check passes, and the checks without a catalogued erratum fail on a plausible wrong formula."""

import math

import pytest
import torch

from edl.tricks import dropout as dr
from edl.tricks import ensembles as en
from edl.tricks import init, shrinkage, weight_decay
from edl.tricks.checks import distillation as cds
from edl.tricks.checks import dropout as cdr
from edl.tricks.checks import ensembles as cen
from edl.tricks.checks import init as cinit
from edl.tricks.checks import normalization as cnm
from edl.tricks.checks import residual as crs
from edl.tricks.checks import shrinkage as csh
from edl.tricks.checks import weight_decay as cwd

WRONG = {
    "init-random (bound σ, not √3σ)": lambda: cinit.check_init_random(bound=lambda s: s),
    "l2-penalty (no ½)": lambda: cwd.check_l2_penalty(penalty=lambda t, mu: mu * (t ** 2).sum()),
    "l2-penalty gradient 2μθ": lambda: cwd.check_l2_penalty(penalty_grad=lambda t, mu: 2 * mu * t),
    "wd-multilayer (no ½)": lambda: cwd.check_wd_multilayer(penalty=lambda Ws, mus: sum(m * (W ** 2).sum() for m, W in zip(mus, Ws))),
    "wd-snr (σ/u)": lambda: cwd.check_wd_snr(optimum=lambda s, u: s / u),
    "wd-snr (risk without noise term)": lambda: cwd.check_wd_snr(
        risk=lambda X, mu, u, s: weight_decay.ridge_bayes_risk(X, mu, u, s) * 1.05),
    "norm-constraint (projection r/‖v‖ always)": lambda: cwd.check_norm_constraint(
        project=lambda v, r: v * r / torch.linalg.vector_norm(v, dim=-1, keepdim=True)),
    "ridge (μ/2)": lambda: cwd.check_ridge(fit=lambda X, y, mu: weight_decay.ridge(X, y, mu / 2)),
    "l1 threshold λ/(2h)": lambda: csh.check_l1_soft_threshold(solve=lambda t, h, lam: shrinkage.l1_solution(t, h, lam / 2)),
    "l2-diagonal h/(h + 2λ)": lambda: csh.check_l2_diagonal(solve=lambda t, h, lam: shrinkage.l2_solution(t, h, 2 * lam)),
    "trajectory (I − ηΛ)^(t+1)": lambda: csh.check_early_stopping_trajectory(
        trajectory=lambda H, w, lr, t: shrinkage.gd_quadratic(H, w, lr, t + 1)),
    "early stopping k = 2/(ημ)": lambda: csh.check_early_stopping_l2(steps=lambda lr, mu: round(2 / (lr * mu))),
    "dropout without rescaling": lambda: cdr.check_dropout_mask(drop=lambda H, p, **kw: dr.dropout(H, p, **{**kw, "inverted": False})),
    "mask probabilities with 1 − φ": lambda: cdr.check_dropout_ensemble(probs=lambda m, k: dr.mask_probabilities(m, 1 - k)),
    "weight scaling by 1 − φ": lambda: cdr.check_dropout_weight_scaling(scale=lambda W, k: W * (1 - k)),
    "standardisation with ddof 1": lambda: cnm.check_data_standardization(standardize=lambda X: (X - X.mean(0)) / X.std(0)),
    "batch norm with unbiased variance": lambda: cnm.check_batchnorm(
        bn=lambda H, a, b: a * (H - H.mean(0)) / torch.sqrt(H.var(0) + 1e-5) + b),
    "running variance biased": lambda: cnm.check_batchnorm_inference(
        update=lambda m, v, H: (0.9 * m + 0.1 * H.mean(0), 0.9 * v + 0.1 * H.var(0, unbiased=False))),
    "layer norm over the batch": lambda: cnm.check_layernorm(
        ln=lambda H, a, b: a * (H - H.mean(0)) / torch.sqrt(H.var(0, unbiased=False) + 1e-5) + b),
    "weight norm without the norm": lambda: cnm.check_weightnorm(wn=lambda v, g: g[:, None] * v),
    "weight-norm gradient unprojected": lambda: cnm.check_weightnorm_gradients(
        grads=lambda v, g, gw: (gw.mul(v / v.norm(dim=1, keepdim=True)).sum(1), (g / v.norm(dim=1))[:, None] * gw)),
    "residual Jacobian without I": lambda: crs.check_residual_jacobian(
        jac=lambda x, W: (1 - torch.tanh(W @ x) ** 2)[:, None] * W),
    "residual growth e^a for every n": lambda: crs.check_residual_depth_scaling(expected=lambda n, a: math.exp(a) * 1.1),
    "dense channels k0 + l·k": lambda: crs.check_dense_connectivity(channels=lambda k0, k, L: ([k0 + l * k for l in range(1, L + 1)], k0 + L * k)),
    "augmentation without shifts": lambda: cen.check_data_augmentation(fit=lambda X, y: torch.linalg.pinv(X) @ y),
    "noise ridge σ instead of σ²": lambda: cen.check_noise_injection_ridge(
        loss=lambda X, y, w, s: en.expected_noisy_loss(X, y, w, math.sqrt(s) if s else 0.0)),
    "bootstrap fraction (1 − 1/n)ⁿ": lambda: cen.check_bootstrap_fraction(fraction=lambda n: (1 - 1 / n) ** n),
    "ensemble error v/K only": lambda: cen.check_ensemble_variance(error=lambda K, v, c: v / K),
    "distillation gradient without 1/T": lambda: cds.check_distill_gradient(
        grad=lambda F, G, T: torch.softmax(G / T, -1) - torch.softmax(F / T, -1)),
    "init-orthogonal (Gaussian, not orthogonal)": lambda: cinit.check_init_orthogonal(
        make=lambda m, count=1, generator=None: torch.randn(count, m, m, generator=generator, dtype=torch.float64) / math.sqrt(m)),
    "He with LeCun's variance": lambda: cinit.check_init_he(bound=lambda n: float(init.uniform_bound(init.lecun_std(n)))),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_a_wrong_formula_fails_its_check(name):
    torch.set_num_threads(1)
    try:
        passed = WRONG[name]().passed
    except RuntimeError:                       # the ledger counts a crashing check as failing
        passed = False
    assert not passed, name
