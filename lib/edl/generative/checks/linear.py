"""Checks of ``edl.generative.linear`` (book labels ``lae.*``) and of the errata there.

Independent routes: numpy's matrix rank and a per-example loop, torch.autograd, random low-rank matrices
and scipy's L-BFGS over factorisations, principal angles (``scipy.linalg.subspace_angles``), the Hessian
by torch.autograd.functional, and the objective evaluated directly in numpy.
"""

import numpy as np
import scipy.linalg
import scipy.optimize
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_leq, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.generative.checks import one_thread
from edl.generative import linear as li


def _data(seed, n=10, s=500, spectrum=None):
    rng = np.random.default_rng(seed)
    spectrum = np.linspace(3.0, 0.3, n) if spectrum is None else np.asarray(spectrum)
    Q = np.linalg.qr(rng.normal(size=(n, n)))[0]
    X = Q @ (spectrum[:, None] * rng.normal(size=(n, s)))
    return X - X.mean(1, keepdims=True)


def _lae_objective(S, m):
    """The loss (1/2s)‖X − DCX‖² and its gradient through the covariance S = XXᵀ/s (cheap: n × n, not n × s)."""
    n = S.shape[0]

    def f(cd):
        Cm, Dm = cd[: m * n].reshape(m, n), cd[m * n:].reshape(n, m)
        E = np.eye(n) - Dm @ Cm                                    # X − DCX = EX
        ES = E @ S
        return 0.5 * np.sum(ES * E), np.concatenate([(-Dm.T @ ES).ravel(), (-ES @ Cm.T).ravel()])
    return f


@formula("lae.model", reference="numpy matrix_rank of DC; a per-example loop of ½‖x − DCx‖²")
@one_thread
def check_model(loss=li.lae_loss) -> CheckResult:
    rng = np.random.default_rng(100)
    X = rng.normal(size=(6, 40))
    ranks, losses, loops = [], [], []
    for _ in range(20):
        C, D = rng.normal(size=(3, 6)), rng.normal(size=(6, 3))
        ranks.append(np.linalg.matrix_rank(D @ C))
        losses.append(float(loss(f64(C), f64(D), f64(X))))
        loops.append(np.mean([0.5 * np.sum((x - D @ (C @ x)) ** 2) for x in X.T]))
    return holds(max(ranks) == 3 == min(ranks), "rank(DC) = m = 3 for 20 random factors (the bound is attained)",
                 f"ranks {sorted(set(ranks))} of DC, expected 3") & \
        check_close(losses, loops, rtol=1e-12, what="loss of 20 random autoencoders and the per-example loop")


@formula("lae.gradients", reference="torch.autograd on the reconstruction loss")
@one_thread
def check_gradients(grads=li.lae_gradients) -> CheckResult:
    rng = np.random.default_rng(101)
    X, C, D = f64(rng.normal(size=(5, 30))), f64(rng.normal(size=(2, 5))), f64(rng.normal(size=(5, 2)))
    Ca, Da = C.clone().requires_grad_(), D.clone().requires_grad_()
    (0.5 * ((X - Da @ Ca @ X) ** 2).sum(0).mean()).backward()
    gC, gD = grads(C, D, X)
    return check_close(gC, Ca.grad, rtol=1e-10, atol=1e-12, what="∂ℓ/∂C (2 × 5)") & \
        check_close(gD, Da.grad, rtol=1e-10, atol=1e-12, what="∂ℓ/∂D (5 × 2)")


@formula("lae.eckart-young", reference="1000 random rank-r matrices and L-BFGS over Y = ABᵀ never beat the bound")
@one_thread
def check_eckart_young(error=li.eckart_young_error, truncate=li.truncated_svd) -> CheckResult:
    rng = np.random.default_rng(102)
    X = rng.normal(size=(30, 20))
    r = 5
    bound = float(error(f64(X), r))
    Xr = to_numpy(truncate(f64(X), r))
    attained = check_close(np.linalg.norm(X - Xr), bound, rtol=1e-10, what="‖X − X_r‖_F and the bound (tight)")
    rank = holds(np.linalg.matrix_rank(Xr) == r, f"rank X_r = {r}", f"rank X_r = {np.linalg.matrix_rank(Xr)} ≠ {r}")
    random = [np.linalg.norm(X - rng.normal(size=(30, r)) @ rng.normal(size=(r, 20))) for _ in range(1000)]

    def f(ab):
        A, B = ab[: 30 * r].reshape(30, r), ab[30 * r:].reshape(20, r)
        R = A @ B.T - X
        return 0.5 * np.sum(R**2), np.concatenate([(R @ B).ravel(), (R.T @ A).ravel()])

    fitted = [np.sqrt(2 * scipy.optimize.minimize(f, rng.normal(size=50 * r), jac=True, method="L-BFGS-B",
                                                  options={"maxiter": 3000, "gtol": 1e-10}).fun) for _ in range(3)]
    return all_of(attained, rank,
                  check_leq(np.full(1000, bound), random, what="1000 random rank-5 matrices do no better"),
                  holds(min(fitted) >= bound - 1e-8, "L-BFGS from 3 starts does no better (1e-8)",
                        f"L-BFGS beats the bound by {bound - min(fitted):.3g}"),
                  check_close(min(fitted), bound, rtol=1e-6, what="and the best start reaches it"))


@erratum("ch09-11:E27", wrong=r"\min_{\mathrm{rank}(Y)<r}\|X-Y\|_F=\|X-X_r\|_F",
         right=r"\min_{\mathrm{rank}(Y)\le r}\|X-Y\|_F=\|X-X_r\|_F",
         why="With a strict inequality the best approximation has rank r − 1, so the error is "
             "(Σ_{i≥r} σ_i²)^{1/2}: one singular value too many is thrown away.")
def seed_eckart_young_strict() -> CheckResult:
    return check_eckart_young(error=lambda X, r: li.eckart_young_error(X, r - 1))


@formula("lae.optimal-solution", reference="L-BFGS from random starts; principal angles to the top eigenvectors (scipy)")
@one_thread
def check_optimal_solution(optimum=li.lae_optimum, loss=li.lae_loss) -> CheckResult:
    X = _data(103)
    n, s, m = X.shape[0], X.shape[1], 3
    C, D = optimum(f64(X), m)
    evecs = np.linalg.eigh(X @ X.T)[1][:, ::-1][:, :m]
    eig = float(li.eckart_young_error(f64(X), m)) ** 2 / (2 * s)

    f = _lae_objective(X @ X.T / s, m)
    res = scipy.optimize.minimize(f, np.random.default_rng(3).normal(size=2 * m * n) * 0.3, jac=True, method="L-BFGS-B",
                                  options={"maxiter": 20_000, "gtol": 1e-12, "ftol": 1e-16})
    learned = res.x[m * n:].reshape(n, m)
    A = np.random.default_rng(4).normal(size=(m, m))
    reparam = float(loss(f64(np.linalg.solve(A, to_numpy(C))), f64(to_numpy(D) @ A), f64(X)))
    return all_of(
        check_close(np.max(scipy.linalg.subspace_angles(to_numpy(D), evecs)), 0.0, atol=1e-8,
                    what="col(D) and the top-3 eigenvectors of XXᵀ: largest principal angle"),
        check_close(float(loss(C, D, f64(X))), eig, rtol=1e-10, what="its loss and the Eckart–Young value"),
        check_close(np.max(scipy.linalg.subspace_angles(learned, evecs)), 0.0, atol=1e-4,
                    what="L-BFGS from a random start: principal angle"),
        check_close(res.fun, eig, rtol=1e-8, what="L-BFGS loss"),
        check_close(reparam, eig, rtol=1e-10, what="C = A⁻¹U_mᵀ, D = U_mA for a random A ∈ GL(3): same loss"))


def _hessian_eigs(X, C, D):
    Xt = f64(X)
    m, n = C.shape

    def f(theta):
        Cm, Dm = theta[: m * n].reshape(m, n), theta[m * n:].reshape(n, m)
        return 0.5 * ((Xt - Dm @ Cm @ Xt) ** 2).sum() / Xt.shape[1]

    theta = torch.cat([f64(C).ravel(), f64(D).ravel()])
    g = torch.autograd.functional.jacobian(f, theta)
    H = torch.autograd.functional.hessian(f, theta)
    return float(g.norm()), np.linalg.eigvalsh(to_numpy(H))


@formula("lae.landscape", reference="the Hessian by torch.autograd at critical points; L-BFGS from 12 random starts")
@one_thread
def check_landscape(critical=li.lae_critical_point, convex=False, spurious_minima=False) -> CheckResult:
    X = _data(104, n=6, s=300, spectrum=[3.0, 2.5, 2.0, 1.5, 1.0, 0.5])
    n, s, m = 6, 300, 3
    parts = []
    C, D = critical(f64(X), [0, 1, 2])
    best = float(li.lae_loss(C, D, f64(X)))
    mid = float(li.lae_loss(0 * C, 0 * D, f64(X)))  # midpoint of (C, D) and (−C, −D)
    if convex:
        parts.append(check_leq(mid, best, what="convexity along the segment from (C*, D*) to (−C*, −D*)"))
    else:
        parts.append(holds(mid > best + 1.0, f"not convex: (±C*, ±D*) both optimal ({best:.4f}) but the midpoint 0 has "
                                             f"loss {mid:.4f}", "the midpoint is no worse than the optima"))
    g, eig = _hessian_eigs(X, to_numpy(C), to_numpy(D))
    parts.append(check_close(g, 0.0, atol=1e-10, what="I = {1,2,3}: gradient norm"))
    parts.append(holds(eig.min() >= -1e-8, "I = {1,2,3}: Hessian positive semi-definite (a minimum)",
                       f"I = {{1,2,3}}: Hessian eigenvalue {eig.min():.3g} < 0"))
    saddles = 0
    for idx in ([0, 1, 3], [0, 2, 4], [3, 4, 5]):
        Ci, Di = critical(f64(X), idx)
        g, eig = _hessian_eigs(X, to_numpy(Ci), to_numpy(Di))
        saddles += int(g < 1e-10 and eig.min() < -1e-3)
    parts.append(holds(saddles == 3, "I = {1,2,4}, {1,3,5}, {4,5,6}: critical points with a negative Hessian eigenvalue "
                                     "(saddles)", f"only {saddles} of 3 other critical points are saddles"))
    rng = np.random.default_rng(5)

    f = _lae_objective(X @ X.T / s, m)
    ends = np.array([scipy.optimize.minimize(f, rng.normal(size=2 * m * n), jac=True, method="L-BFGS-B",
                                             options={"maxiter": 3000, "gtol": 1e-10, "ftol": 1e-15}).fun
                     for _ in range(12)])
    stuck = int((ends > best + 1e-6).sum())
    if spurious_minima:
        parts.append(holds(stuck > 0, f"{stuck} of 12 runs stop at a non-global minimum",
                           "all 12 random starts reach the global minimum: there is no spurious local minimum"))
    else:
        parts.append(holds(stuck == 0, "12 random starts all reach the global minimum (1e-6)",
                           f"{stuck} of 12 runs stop above the global minimum"))
    return all_of(*parts)


@erratum("ch09-11:E28", wrong="the linear autoencoder generally has non-global local minima",
         right="every local minimum is global; the other critical points are saddles",
         why="The loss has saddles but no spurious minima: from random starts a local optimiser always reaches the "
             "PCA solution, so there is nothing to escape from.")
def seed_landscape_spurious() -> CheckResult:
    return check_landscape(spurious_minima=True)


@erratum("ch09-11:E29", wrong="the linear-autoencoder objective is convex",
         right="it is not convex (only convex in C or in D separately)",
         why="(C*, D*) and (−C*, −D*) are both optimal but their midpoint (0, 0) reconstructs nothing; a convex loss "
             "cannot be larger between two minima.")
def seed_landscape_convex() -> CheckResult:
    return check_landscape(convex=True)


def _whitened(seed=105, s=200):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(5, s))
    X = np.linalg.cholesky(np.linalg.inv(X @ X.T / s)).T @ X  # now XXᵀ/s = I
    Y = rng.normal(size=(4, 5)) @ X + 0.3 * rng.normal(size=(4, s))
    return X, Y


@formula("lae.svd-diagonalization", reference="the objective in numpy; ½‖D̃C̃ − Σ‖²; torch.autograd for the gradients")
@one_thread
def check_svd_diagonalization(target=li.whitened_target, grads=li.deep_linear_gradients) -> CheckResult:
    X, Y = _whitened()
    s = X.shape[1]
    rng = np.random.default_rng(106)
    C, D = rng.normal(size=(3, 5)), rng.normal(size=(4, 3))
    G = to_numpy(target(f64(Y), f64(X)))
    lhs = np.sum((Y - D @ C @ X) ** 2) / (2 * s)
    rhs = 0.5 * np.sum((D @ C - G) ** 2) + np.sum(Y**2) / (2 * s) - 0.5 * np.sum(G**2)
    U, sig, Vh = np.linalg.svd(G)
    Dt, Ct = U.T @ D, C @ Vh.T
    coop, comp = li.mode_decomposition(f64(Dt), f64(Ct), f64(sig))
    Sig = np.zeros((4, 5))
    Sig[:4, :4] = np.diag(sig)
    Ca, Da = f64(Ct).requires_grad_(), f64(Dt).requires_grad_()
    (0.5 * ((Da @ Ca - f64(Sig)) ** 2).sum()).backward()
    gC, gD = grads(f64(Ct), f64(Dt), f64(Sig))
    return all_of(
        check_close(lhs, rhs, rtol=1e-10, what="(1/2s)‖Y − ΘX‖² = ½‖Θ − Γ‖² + const"),
        check_close(float(coop + comp), 0.5 * np.sum((Dt @ Ct - Sig) ** 2), rtol=1e-12,
                    what="cooperative + competitive = ½‖D̃C̃ − Σ‖²"),
        check_close(gC, Ca.grad, rtol=1e-10, what="∂/∂C̃ = D̃ᵀ(D̃C̃ − Σ)"),
        check_close(gD, Da.grad, rtol=1e-10, what="∂/∂D̃ = (D̃C̃ − Σ)C̃ᵀ"))


@erratum("ch09-11:E30", wrong=r"\Gamma:=\tfrac15YX^\top,\ \tfrac1\varepsilon XX^\top=I",
         right=r"\Gamma:=\tfrac1sYX^\top,\ \tfrac1sXX^\top=I",
         why="With any factor other than 1/s, Γ is not the least-squares target: the objective no longer equals "
             "½‖Θ − Γ‖² plus a constant, and the network fits the wrong matrix.")
def seed_gamma_factor() -> CheckResult:
    return check_svd_diagonalization(target=lambda Y, X: Y @ X.T / 5)


@erratum("ch09-11:E31", wrong=r"\partial_{\tilde C}=(\tilde D\tilde C-\Sigma)^\top\tilde D,\ "
                              r"\partial_{\tilde D}=\tilde C(\tilde D\tilde C-\Sigma)C^\top",
         right=r"\partial_{\tilde C}=\tilde D^\top(\tilde D\tilde C-\Sigma),\ \partial_{\tilde D}=(\tilde D\tilde C-\Sigma)\tilde C^\top",
         why="The transposed product does not even have the shape of C̃ (it is n_in × m instead of m × n_in), "
             "so a gradient step cannot be taken.")
def seed_transposed_gradients() -> CheckResult:
    return check_svd_diagonalization(grads=lambda C, D, G: ((D @ C - G).T @ D, (D @ C - G) @ C.T))
