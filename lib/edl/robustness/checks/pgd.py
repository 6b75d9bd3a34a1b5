"""Checks of ``edl.robustness.pgd`` (book labels ``adv.fgsm``, ``adv.pgd-l2``, ``adv.pgd-linf``) and of the
errata there.

Independent routes: enumeration of the corners of the ℓ∞ ball; Monte Carlo of FGSM on Gaussian data
within its standard error; SLSQP nearest points for the projections; ``numpy.clip``.
"""

import itertools
import math

import numpy as np
import scipy.optimize
import torch.nn.functional as F

from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.robustness import pgd as pg
from edl.robustness.checks.attacks import _tanh_net


def _logistic(w, b, y):
    w = f64(w)
    return lambda x: F.softplus(-y * (x @ w + b))


@formula("adv.fgsm", reference="the 256 corners of the ℓ∞ ball; Monte Carlo of FGSM on Gaussian data within 4 SE; PGD-20")
def check_fgsm(attack=pg.fgsm, accuracy=pg.linear_robust_accuracy) -> CheckResult:
    rng = np.random.default_rng(10)
    w, b, x, eps = rng.normal(size=8), 0.3, rng.normal(size=8), 0.2
    y = 1.0 if w @ x + b > 0 else -1.0
    x_adv = to_numpy(attack(_logistic(w, b, y), f64(x[None]), eps))[0]
    corners = x + eps * np.array(list(itertools.product((-1, 1), repeat=8)))
    parts = [check_close([y * (w @ x_adv + b), y * (w @ x_adv + b)],
                         [y * (w @ x + b) - eps * np.abs(w).sum(), np.min(y * (corners @ w + b))], atol=1e-12,
                         what="logistic: margin − ε‖w‖₁ and the worst of 256 corners")]
    net, X = _tanh_net(), f64(rng.normal(size=(200, 10)))
    k = net(X).argmax(-1)
    loss = lambda z: F.cross_entropy(net(z), k, reduction="none")  # noqa: E731
    fg, pg20 = loss(attack(loss, X, 0.1)), loss(pg.pgd(loss, X, 0.1, steps=20))
    parts.append(holds(bool((pg20 >= fg - 1e-9).all()), "tanh net, ε = 0.1: PGD-20 loss ≥ FGSM loss on all 200 points",
                       f"PGD-20 below FGSM on {int((pg20 < fg - 1e-9).sum())} points"))
    gen = np.random.default_rng(11)
    for d in (10, 100, 1000):
        mu = np.full(d, 2 / math.sqrt(d))
        yy = gen.choice([-1.0, 1.0], size=2000)
        Xd = yy[:, None] * mu + gen.normal(size=(2000, d))
        lin = lambda z, yy=f64(yy), mu=f64(mu): F.softplus(-yy * (z @ mu))  # noqa: E731
        correct = yy * (to_numpy(attack(lin, f64(Xd), 0.05)) @ mu) > 0
        parts.append(check_monte_carlo(correct.astype(float), float(accuracy(f64(mu), 0.05, math.inf)),
                                       what=f"d = {d}: FGSM accuracy vs Φ((4 − ε·2√d)/2)"))
    return all_of(*parts)


def _nearest(z: np.ndarray, inside) -> np.ndarray:
    res = scipy.optimize.minimize(lambda u: np.sum((u - z) ** 2), np.zeros_like(z), jac=lambda u: 2 * (u - z),
                                  constraints=[inside], method="SLSQP", options={"ftol": 1e-14, "maxiter": 300})
    return res.x


@formula("adv.pgd-l2", reference="SLSQP nearest points of the ℓ2 ball; idempotence and fixed interior points; PGD on a linear loss")
def check_pgd_l2(project=pg.project_l2) -> CheckResult:
    rng = np.random.default_rng(12)
    eps = 0.5
    Z = rng.normal(size=(20, 4)) * np.r_[np.full(10, 0.1), np.full(10, 1.0)][:, None]     # half inside, half out
    P = to_numpy(project(f64(Z), eps))
    ball = {"type": "ineq", "fun": lambda u: eps**2 - u @ u}
    near = np.array([_nearest(z, ball) for z in Z])
    inside = np.linalg.norm(Z, axis=1) < eps
    w = rng.normal(size=4)
    x_adv = pg.pgd(lambda x: x @ f64(w), f64(np.zeros((1, 4))), eps, norm="2", steps=5)
    return all_of(check_close(P, near, atol=1e-6, what="Π(z) vs SLSQP nearest point, 20 points"),
                  check_close(to_numpy(project(f64(P), eps)), P, atol=1e-14, what="Π(Π(z)) = Π(z)"),
                  check_close(P[inside], Z[inside], atol=0, rtol=1e-15, what=f"{inside.sum()} interior points unmoved"),
                  check_close(to_numpy(x_adv)[0] @ w, eps * np.linalg.norm(w), rtol=1e-10, what="PGD-ℓ2 on wᵀx: ε‖w‖₂"))


@erratum("ch09-11:E69", wrong=r"\delta_{t+1}=\epsilon\,[\delta_t+\alpha\nabla_x\ell]_\epsilon,\quad[z]_\epsilon:=z/\|z\|_2",
         right=r"\delta_{t+1}=\Pi_{B_2(\epsilon)}(\delta_t+\alpha g_t/\|g_t\|_2),\quad\Pi(z)=z\min\{1,\epsilon/\|z\|_2\}",
         why="Normalising every iterate onto the sphere ‖δ‖ = ε is not a projection onto the ball: a point well "
             "inside is pushed out to the boundary, so the attack can never settle at an interior maximiser.")
def seed_sphere_normalisation() -> CheckResult:
    return check_pgd_l2(project=lambda z, eps: eps * z / z.norm(dim=-1, keepdim=True))


@formula("adv.pgd-linf", reference="numpy.clip and SLSQP nearest points of the ℓ∞ box; z = (2, 0.5), ε = 1 goes to (1, 0.5)")
def check_pgd_linf(project=pg.project_linf) -> CheckResult:
    rng = np.random.default_rng(13)
    eps = 0.5
    Z = rng.normal(size=(20, 4))
    P = to_numpy(project(f64(Z), eps))
    near = np.array([_nearest(z, {"type": "ineq", "fun": lambda u: np.r_[eps - u, eps + u]}) for z in Z])
    w = rng.normal(size=4)
    x_adv = pg.pgd(lambda x: x @ f64(w), f64(np.zeros((1, 4))), eps, steps=3)
    return all_of(check_close(P, np.clip(Z, -eps, eps), atol=0, rtol=1e-15, what="Π(z) vs np.clip, 20 points"),
                  check_close(P, near, atol=1e-6, what="vs SLSQP nearest point"),
                  check_close(to_numpy(project(f64([2.0, 0.5]), 1.0)), [1.0, 0.5], atol=1e-15, what="z = (2, 0.5), ε = 1 → (1, 0.5)"),
                  check_close(to_numpy(x_adv)[0] @ w, eps * np.abs(w).sum(), rtol=1e-10, what="PGD-ℓ∞ on wᵀx: ε‖w‖₁"))


@erratum("ch09-11:E70", wrong=r"[z]_\epsilon:=\epsilon\,z/\|z\|_\infty", right=r"\Pi_{B_\infty(\epsilon)}(z)=\mathrm{clip}_{[-\epsilon,\epsilon]}(z)",
         why="Rescaling by the max norm is not the projection onto the box: (2, 0.5) goes to (1, 0.25), farther from "
             "z than the clipped (1, 0.5), and interior points are pushed to the boundary.")
def seed_linf_rescaling() -> CheckResult:
    return check_pgd_linf(project=lambda z, eps: eps * z / z.abs().amax(-1, keepdim=True))
