"""Checks of ``edl.feedforward.linear_autoencoder`` (book labels ``linae.*``) and of the seeds' errata there.

The PCA optimum of the linear autoencoder, Eckart–Young, the loss landscape, the gradients and the
whitened deep linear network. Each check takes the formula under test as a keyword argument (default:
the library function) and compares it with an independent route: numpy eigen- and singular value
decompositions, gradient descent from random starts, autograd gradients and Hessians, random
candidates, or finite differences. Every verdict states tolerances and exact counts, never
machine-dependent errors, so it prints the same everywhere.
"""

import functools
import math

import numpy as np
import scipy.linalg
import torch

from edl.feedforward import linear_autoencoder as ae
from edl.feedforward.checks.approximation import _gen
from edl.core.checking import CheckResult, check_close, check_leq, f64, holds, to_numpy
from edl.core.ledger import erratum, formula


# --- linear autoencoder -----------------------------------------------------------------------------

AE_SCALES = (2.0, 1.7, 1.4, 0.8, 0.7, 0.6, 0.5, 0.45)


def ae_data(n: int = 200, seed: int = 0) -> torch.Tensor:
    """Centred anisotropic Gaussian data, d = 8, one sample per column."""
    X = torch.randn(len(AE_SCALES), n, generator=_gen(seed), dtype=torch.float64) * torch.tensor(
        AE_SCALES, dtype=torch.float64)[:, None]
    return X - X.mean(1, keepdim=True)


AE_LR, AE_STEPS = 0.15, 1000


@functools.cache
def ae_runs() -> tuple[torch.Tensor, torch.Tensor]:
    """Ten GD runs of the linear AE (k = 3) on :func:`ae_data`, shared by the pca-optimum and landscape checks."""
    return ae.train_linear_ae(ae_data(), 3, lr=AE_LR, steps=AE_STEPS, inits=10, generator=_gen(1))


def _numpy_projector(X: torch.Tensor, k: int) -> np.ndarray:
    lam, U = np.linalg.eigh(to_numpy(X) @ to_numpy(X).T)  # ascending
    Uk = U[:, ::-1][:, :k]
    return Uk @ Uk.T


@formula("linae.pca-optimum", reference="numpy.linalg.eigh of XXᵀ; gradient descent from 10 random starts")
def check_pca_optimum(train=ae.train_linear_ae) -> CheckResult:
    X, k = ae_data(), 3
    C, D = ae_runs() if train is ae.train_linear_ae else train(X, k, lr=AE_LR, steps=AE_STEPS, inits=10,
                                                                generator=_gen(1))
    lam = np.linalg.eigvalsh(to_numpy(X) @ to_numpy(X).T)
    optimum = lam[:-k].sum()  # Σ_{i>k} σ_i²
    losses = to_numpy(ae.ae_loss(C, D, X))
    value = check_close(losses, np.full(10, optimum), rtol=1e-8, what="loss of 10 GD runs and Σ_{i>3} σ_i²")
    proj = check_close(D @ C, np.broadcast_to(_numpy_projector(X, k), (10, 8, 8)), atol=1e-8,
                       what="DC and U₃U₃ᵀ")
    A = torch.randn(k, k, generator=_gen(2), dtype=torch.float64) + 2 * torch.eye(k, dtype=torch.float64)
    gauge = check_close(ae.ae_loss(torch.linalg.solve(A, C[0]), D[0] @ A, X), losses[0], rtol=1e-10,
                        what="loss after C → A⁻¹C, D → DA")
    Xn = to_numpy(X)
    top = np.linalg.eigh(Xn @ Xn.T)[1][:, ::-1][:, :k]
    library = check_close([float(ae.pca_optimal_loss(X, k))], [optimum], rtol=1e-10,
                          what="the library's Σ_{i>3} σ_i² and numpy") & \
        check_close(ae.pca_projector(X, k), _numpy_projector(X, k), atol=1e-10, what="the library's U₃U₃ᵀ and numpy") & \
        check_close(ae.principal_angles(D[0], f64(Xn[:, :k])), np.sort(scipy.linalg.subspace_angles(to_numpy(D[0]), Xn[:, :k])),
                    atol=1e-10, what="principal angles and scipy.linalg.subspace_angles") & \
        check_close(ae.principal_angles(D, f64(np.broadcast_to(top.copy(), (10, 8, k)))), np.zeros((10, k)), atol=1e-6,
                    what="angles between span D (10 runs) and the top-3 eigenvectors, and 0")
    return value & proj & gauge & library


def _seed_eckart_young(X, r):
    """002: the minimum over rank(Y) < r, i.e. the best rank-(r − 1) matrix."""
    return ae.eckart_young(X, r - 1)


@formula("linae.eckart-young", reference="numpy.linalg.svd; 2000 random rank-r matrices; alternating least squares")
def check_eckart_young(best=ae.eckart_young) -> CheckResult:
    rng = np.random.default_rng(21)
    X = f64(rng.normal(size=(10, 8)))
    s = np.linalg.svd(to_numpy(X), compute_uv=False)
    results = [best(X, r) for r in (1, 2, 3, 5)]
    errs = [float(err) for _, err in results]
    value = check_close(errs + [float(torch.linalg.norm(X - Y)) for Y, _ in results],
                        [math.sqrt((s[r:] ** 2).sum()) for r in (1, 2, 3, 5)] * 2, atol=1e-12,
                        what="‖X − X_r‖_F (r = 1, 2, 3, 5) and (Σ_{i>r} σ_i²)^½ from numpy")
    rank = holds(all(int(torch.linalg.matrix_rank(Y)) <= r for (Y, _), r in zip(results, (1, 2, 3, 5))),
                  "X_r has rank ≤ r", "X_r has rank above r")
    r = 3
    Xr, err = results[2]
    cand = torch.randn(2000, 10, r, generator=_gen(3), dtype=torch.float64) @ torch.randn(
        2000, r, 8, generator=_gen(4), dtype=torch.float64)
    U = torch.linalg.svd(Xr + 0.1 * torch.randn(500, 10, 8, generator=_gen(5), dtype=torch.float64)).U[..., :r]
    cand = torch.cat([cand, U @ U.transpose(-2, -1) @ X])  # projections of X onto nearby rank-3 subspaces
    others = check_leq(err.expand(2500), torch.linalg.norm(X - cand, dim=(-2, -1)), tol=1e-12,
                       what="no random or nearby rank-3 matrix beats X_3")
    als = check_close(torch.linalg.norm(X - ae.als_low_rank(X, r, generator=_gen(6))), err, atol=1e-8,
                      what="alternating least squares and X_3")
    pca = check_close([float(ae.pca_optimal_loss(X, q)) for q in (1, 2, 3, 5)], [e**2 for e in errs], rtol=1e-10,
                      what="the linear AE's optimum Σ_{i>r} σ_i² and ‖X − X_r‖²")
    return value & rank & others & als & pca


@formula("linae.landscape", reference="torch.autograd.functional.hessian on vec(C, D); midpoint test; 10 GD runs")
def check_landscape(claims_convex: bool = False) -> CheckResult:
    X, k = ae_data(), 3
    C, D = ae_runs()
    opt = float(ae.pca_optimal_loss(X, k))
    ts = np.linspace(0, 1, 21)
    path = to_numpy(ae.landscape_slice(C[0], D[0], X, f64(ts)))
    P, Xn = to_numpy(D[0] @ C[0]), to_numpy(X)
    by_numpy = [np.linalg.norm(Xn - (1 - 2 * t) ** 2 * P @ Xn) ** 2 for t in ts]
    ends, mid = [path[0], path[-1]], path[10]
    midpoint_convex = mid <= (ends[0] + ends[1]) / 2

    def f(theta):
        return ae.ae_loss(theta[: k * 8].reshape(k, 8), theta[k * 8:].reshape(8, k), X)

    H0 = torch.autograd.functional.hessian(f, torch.zeros(2 * 8 * k, dtype=torch.float64))
    low0 = float(torch.linalg.eigvalsh(H0)[0])
    theta = torch.cat([C[0].ravel(), D[0].ravel()])
    H = torch.autograd.functional.hessian(f, theta)
    blocks = min(float(torch.linalg.eigvalsh(H[: 8 * k, : 8 * k])[0]), float(torch.linalg.eigvalsh(H[8 * k:, 8 * k:])[0]))
    Cs, Ds = ae.saddle_point(X, k, [0, 1, 3])  # principal directions 1, 2, 4 instead of 1, 2, 3
    thetas = torch.cat([Cs.ravel(), Ds.ravel()]).requires_grad_(True)
    (grad_s,) = torch.autograd.grad(f(thetas), thetas)
    low_s = float(torch.linalg.eigvalsh(torch.autograd.functional.hessian(f, thetas.detach()))[0])
    all_global = bool((np.abs(to_numpy(ae.ae_loss(C, D, X)) / opt - 1) < 1e-8).all())
    convex = midpoint_convex and low0 >= -1e-10
    scale = float((X**2).sum())
    facts = (f"f(C,D) = f(−C,−D) = {ends[0]:.6g} < f(0,0) = {mid:.6g}; "
             f"Hessian at 0 has eigenvalue {low0 / scale:.3g}·‖X‖²")
    verdict = holds(convex == claims_convex,
                     f"not jointly convex: {facts}" if not claims_convex else "convex",
                     f"claimed convex, but {facts}" if claims_convex else f"convexity not refuted: {facts}")
    benign = holds(blocks >= -1e-10 and all_global and float(grad_s.abs().max()) < 1e-9 and low_s < -1e-6 * scale,
                    "block Hessians PSD; all 10 GD runs reach Σ_{i>3} σ_i² (rtol 1e-8); the critical point on "
                    "directions {1, 2, 4} is a saddle", "landscape facts fail")
    segment = check_close(path, by_numpy, rtol=1e-10, what="f on the segment (C, D) → (−C, −D) and ‖X − (1−2t)²DCX‖² by numpy")
    return verdict & benign & segment


@formula("linae.gradients", reference="torch.autograd per-sample gradients")
def check_gradients(grads=ae.ae_gradients) -> CheckResult:
    g = _gen(31)
    n, m = 6, 3  # input dimension n, bottleneck m
    C, D = torch.randn(m, n, generator=g, dtype=torch.float64), torch.randn(n, m, generator=g, dtype=torch.float64)
    ours, auto = [], []
    for _ in range(5):
        x = torch.randn(n, 1, generator=g, dtype=torch.float64)
        Cp, Dp = C.clone().requires_grad_(True), D.clone().requires_grad_(True)
        loss = 0.5 * ((x - Dp @ Cp @ x) ** 2).sum()
        auto += list(torch.autograd.grad(loss, (Cp, Dp)))
        ours += list(grads(C, D, x))
    same = check_close(torch.cat([t.ravel() for t in ours]), torch.cat([t.ravel() for t in auto]), atol=1e-12,
                       what="Dᵀ(y − x)xᵀ, (y − x)xᵀCᵀ and autograd on 5 samples")
    return same


def _seed_whitened_gradients(Dt, Ct, Sigma):
    """002: δl/δC̃ = (D̃C̃ − Σ)ᵀD̃, δl/δD̃ = C̃(D̃C̃ − Σ)Cᵀ (read with C = C̃)."""
    E = Dt @ Ct - Sigma
    return E.T @ Dt, Ct @ E @ Ct.T


def _seed_gamma(Y, X):
    """002: Γ := (1/5)YXᵀ."""
    return Y @ X.T / 5


@formula("linae.deep-linear-whitened", reference="covariance of whitened data; objectives at 5 random Θ; central finite differences (float64)")
def check_deep_linear_whitened(grads=ae.whitened_gradients, gamma=ae.input_output_correlation) -> CheckResult:
    g = _gen(41)
    d, p, s, h = 5, 4, 40, 3
    X = ae.whiten(torch.randn(d, s, generator=g, dtype=torch.float64) * torch.linspace(0.5, 2, d, dtype=torch.float64)[:, None])
    Y = torch.randn(p, d, generator=g, dtype=torch.float64) @ X + 0.3 * torch.randn(p, s, generator=g, dtype=torch.float64)
    white = check_close(X @ X.T / s, torch.eye(d, dtype=torch.float64), atol=1e-10, what="(1/s)X_wX_wᵀ and I")
    G = gamma(Y, X)
    thetas = torch.randn(5, p, d, generator=g, dtype=torch.float64)
    diff = ((Y - thetas @ X) ** 2).sum((-2, -1)) / (2 * s) - ((thetas - G) ** 2).sum((-2, -1)) / 2
    const = check_close(diff, diff[0].expand(5), atol=1e-10, what="(1/2s)‖Y − ΘX‖² − ½‖Θ − Γ‖² at 5 random Θ")
    U, S, Vh = torch.linalg.svd(ae.input_output_correlation(Y, X))  # Γ = UΣVᵀ, Σ is p × d
    Sigma = torch.zeros(p, d, dtype=torch.float64)
    Sigma[range(p), range(p)] = S
    D, C = torch.randn(p, h, generator=g, dtype=torch.float64), torch.randn(h, d, generator=g, dtype=torch.float64)
    Dt, Ct = U.T @ D, C @ Vh.T
    coop, comp = ae.decoupled_loss(Dt, Ct, S)
    split = check_close(coop + comp, ((Dt @ Ct - Sigma) ** 2).sum() / 2, atol=1e-10,
                        what="cooperative + competitive terms and ½‖D̃C̃ − Σ‖²")
    loss = lambda Dm, Cm: float(((Dm @ Cm - Sigma) ** 2).sum() / 2)
    fd_C, fd_D, eps = torch.zeros_like(Ct), torch.zeros_like(Dt), 1e-6
    for idx in np.ndindex(*Ct.shape):
        E = torch.zeros_like(Ct)
        E[idx] = eps
        fd_C[idx] = (loss(Dt, Ct + E) - loss(Dt, Ct - E)) / (2 * eps)
    for idx in np.ndindex(*Dt.shape):
        E = torch.zeros_like(Dt)
        E[idx] = eps
        fd_D[idx] = (loss(Dt + E, Ct) - loss(Dt - E, Ct)) / (2 * eps)
    try:
        gC, gD = grads(Dt, Ct, Sigma)
        fd = check_close(gC, fd_C, atol=1e-6, what="∇_C̃ and finite differences") & \
            check_close(gD, fd_D, atol=1e-6, what="∇_D̃ and finite differences")
    except RuntimeError:
        fd = holds(False, "", f"gradient formulas are dimensionally inconsistent for D̃ {p}×{h}, C̃ {h}×{d}")
    return white & const & split & fd


# --- the seeds' errata ------------------------------------------------------------------------------

@erratum("ch01-03:E25", wrong=r"\|X-X_r\|_F=\min_{\operatorname{rank}Y<r}\|X-Y\|_F",
         right=r"\|X-X_r\|_F=\min_{\operatorname{rank}Y\le r}\|X-Y\|_F",
         why="With rank Y < r the minimum is reached by Xᵣ₋₁, not Xᵣ, so the identity is false and following it keeps "
             "one singular value too few, adding σᵣ² to the squared error.")
def seed_eckart_young() -> CheckResult:
    return check_eckart_young(best=_seed_eckart_young)


@erratum("ch01-03:E26", wrong=r"\|X-DCX\|_F^2\ \text{is convex}",
         right=r"\|X-DCX\|_F^2\ \text{is not jointly convex, yet every local minimum is global}",
         why="Believing it convex, one expects a unique minimiser and no saddles; in fact minimisers form a whole "
             "family (C → A⁻¹C, D → DA), and gradient descent started at the saddle 0 never leaves it.")
def seed_landscape_convex() -> CheckResult:
    return check_landscape(claims_convex=True)


@erratum("ch01-03:E27", wrong=r"\partial_{\tilde C}=(\tilde D\tilde C-\Sigma)^\top\tilde D,\ \partial_{\tilde D}=\tilde C(\tilde D\tilde C-\Sigma)C^\top",
         right=r"\nabla_{\tilde C}=\tilde D^\top(\tilde D\tilde C-\Sigma),\ \nabla_{\tilde D}=(\tilde D\tilde C-\Sigma)\tilde C^\top",
         why="The gradient for C̃ comes out transposed and the one for D̃ does not multiply unless the layer sizes "
             "agree, so code following them crashes, or for square layers updates with the wrong matrices.")
def seed_whitened_gradients() -> CheckResult:
    return check_deep_linear_whitened(grads=_seed_whitened_gradients)


@erratum("ch01-03:E28", wrong=r"\tfrac1\varepsilon XX^\top=I,\ \Gamma:=\tfrac15YX^\top",
         right=r"\tfrac1s XX^\top=I,\ \Gamma:=\tfrac1sYX^\top",
         why="With 1/5 in place of 1/s, Γ is s/5 times the input–output correlation, so the loss is no longer ½‖Θ − "
             "Γ‖² plus a constant and the predicted end point of learning is off by that factor.")
def seed_gamma() -> CheckResult:
    return check_deep_linear_whitened(gamma=_seed_gamma)
