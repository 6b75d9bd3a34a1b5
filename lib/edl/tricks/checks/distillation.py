"""Checks of ``edl.tricks.distillation`` (book labels ``tricks.distill-tempered-softmax``, ``tricks.distill-gradient``)
and of the erratum there.

Independent routes: ``torch.nn.functional.kl_div`` plus the teacher's entropy (``scipy.stats.entropy``),
``cross_entropy`` with probability targets, autograd of the loss, and the temperature limits.
"""

import numpy as np
import scipy.stats
import torch
import torch.nn.functional as F

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.tricks import distillation as ds


def _logits(seed=80, K=6):
    rng = np.random.default_rng(seed)
    return f64(rng.normal(size=(4, K)) * 2), f64(rng.normal(size=(4, K)) * 2)


@formula("tricks.distill-tempered-softmax", reference="F.kl_div(log q^T, p^T) + H(p^T) (scipy.stats.entropy); F.cross_entropy")
def check_distill_tempered_softmax(loss=ds.distillation_loss, soften=ds.tempered_softmax) -> CheckResult:
    Ft, Gs = _logits()
    T = 3.0
    ref = F.kl_div(F.log_softmax(Gs / T, -1), F.softmax(Ft / T, -1), reduction="none").sum(-1) + \
        f64(scipy.stats.entropy(to_numpy(F.softmax(Ft / T, -1)), axis=-1))
    hot = soften(f64([1.0, 3.0, 2.0]), 1e-3)
    return all_of(check_close(loss(Ft, Gs, T), ref, atol=1e-12, what="T = 3, 4 rows of 6 logits vs KL + H(p^T)"),
                  check_close(loss(Ft, Gs, 1.0), F.cross_entropy(Gs, F.softmax(Ft, -1), reduction="none"), atol=1e-12,
                              what="T = 1 vs soft-target cross_entropy"),
                  check_close(soften(Ft, 1e8), torch.full((4, 6), 1 / 6, dtype=torch.float64), atol=1e-7,
                              what="T → ∞: uniform"),
                  check_close(hot, f64([0.0, 1.0, 0.0]), atol=1e-12, what="T → 0: arg-max"))


@erratum("ch04-08:ERR-46", wrong=r"\ell=\sum_y\frac{q\,e^{F_y/T}}{\sum_\nu e^{F_\nu/T}}\Big[\frac{G_y}T-\ln\sum_\nu e^{G_\nu/T}\Big],\quad "
         r"\frac{\partial\ell}{\partial G_y}=\frac1T\Big[\frac{q\,e^{qF_y/T}}{\sum_\nu e^{qF_\nu/T}}-\frac{q\,e^{G_y/T}}{\sum_\nu e^{G_\nu/T}}\Big]",
         right=r"\ell=-\sum_yp^T_y\Big[\frac{G_y}T-\ln\sum_\nu e^{G_\nu/T}\Big],\quad \frac{\partial\ell}{\partial G_y}=\frac1T\big(q^T_y-p^T_y\big)",
         why="The factors q scale the loss and, inside the teacher's exponent, change its temperature to T/q: the "
             "student is trained towards a sharper distribution than the teacher's at temperature T. Without the "
             "minus sign the expression is the negative cross-entropy, to be maximised, not minimised.")
def seed_distillation_q() -> CheckResult:
    q = 2.0
    return check_distill_tempered_softmax(
        loss=lambda Ft, Gs, T: (q * torch.softmax(q * Ft / T, -1) * torch.log_softmax(Gs / T, -1)).sum(-1))


@formula("tricks.distill-gradient", reference="torch.autograd.grad of the tempered cross-entropy; the 1/T rate of the limit")
def check_distill_gradient(grad=ds.distillation_grad, limit=ds.logit_matching_grad) -> CheckResult:
    Ft, Gs = _logits(81)
    Ft, Gs = Ft - Ft.mean(-1, keepdim=True), Gs - Gs.mean(-1, keepdim=True)
    G = Gs.clone().requires_grad_(True)
    T = 4.0
    (auto,) = torch.autograd.grad(-(F.softmax(Ft / T, -1) * F.log_softmax(G / T, -1)).sum(), G)
    rel = {}
    for t in (5.0, 20.0, 100.0):
        exact = grad(Ft, Gs, t)
        rel[t] = float(torch.linalg.vector_norm(limit(Ft, Gs, t) - exact) / torch.linalg.vector_norm(exact))
    scaled = [rel[t] * t for t in rel]
    return all_of(check_close(grad(Ft, Gs, T), auto, atol=1e-12, what="K = 6, T = 4: (q − p)/T vs autograd"),
                  holds(rel[100.0] < 0.02 and max(scaled) / min(scaled) < 1.3,
                        "logit matching (G − F)/(KT²): relative error " + ", ".join(f"{r:.2g}" for r in rel.values())
                        + " at T = 5, 20, 100 (∝ 1/T)", f"relative errors {rel}"),
                  check_close(grad(Ft, Gs, 200.0) * 200.0 ** 2, limit(Ft, Gs, 1.0), rtol=0.05, atol=1e-3,
                              what="T² × gradient at T = 200 vs (G − F)/K"))
