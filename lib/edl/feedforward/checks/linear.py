"""Checks of ``edl.feedforward.linear`` (book labels ``linear.*``) and of the seeds' errata there.

Least squares, the pseudo-inverse, LMS, the Gaussian likelihood and ridge regression. Each check takes the
formula under test as a keyword argument (default: the library function) and compares it with a route that
does not share its code: PyTorch autograd, NumPy linear algebra, SciPy optimisers or ``scipy.stats``
likelihoods. Data are seeded; verdicts state tolerances, not achieved errors. The errata at the end run the
same checks on the seeds' versions, which must fail.
"""

import numpy as np
import scipy.optimize
import scipy.stats
import torch

from edl.feedforward import linear
from edl.core.checking import CheckResult, check_close, check_leq, f64, holds, to_numpy
from edl.core.ledger import erratum, formula


def _leq(lhs, rhs, *, what: str, tol: float = 0.0) -> CheckResult:
    """``check_leq`` whose passing verdict names only the inequality and the number of cases.

    The achieved slack is left out: at tolerances near rounding level it differs between machines.
    """
    result = check_leq(lhs, rhs, what=what, tol=tol)
    if result.passed:
        return CheckResult(True, f"{what} on {np.size(to_numpy(rhs) - to_numpy(lhs))} cases")
    return result


def regression_data(seed: int = 0, s: int = 50, n: int = 5, noise: float = 0.5):
    """A seeded regression problem: Gaussian design ``X`` (s, n), weights ``w_true`` and noisy targets ``y``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(s, n))
    w_true = rng.normal(size=n)
    return X, w_true, X @ w_true + noise * rng.normal(size=s)


def _minimise(objective, n: int) -> np.ndarray:
    """BFGS on a torch objective, with the gradient from autograd (not from any closed form)."""
    def fun(w):
        wt = torch.tensor(w, requires_grad=True)
        value = objective(wt)
        (grad,) = torch.autograd.grad(value, wt)
        return float(value.detach()), grad.numpy()
    return scipy.optimize.minimize(fun, np.zeros(n), jac=True, method="BFGS", options={"gtol": 1e-12}).x


# --- 2.1 linear models ----------------------------------------------------------------------------------

@formula("linear.lsq-gradient", reference="torch.autograd gradient and Hessian of (1/2s)‖Xw−y‖²")
def check_lsq_gradient(gradient=linear.least_squares_gradient) -> CheckResult:
    X, _, y = regression_data(1)
    s, n = X.shape
    Xt, yt = f64(X), f64(y)
    w = f64(np.random.default_rng(2).normal(size=(8, n)))  # 8 weight vectors

    def risk(wi):
        return linear.least_squares_risk(Xt, yt, wi)
    values = check_close(risk(w), [0.5 * float(torch.nn.functional.mse_loss(Xt @ wi, yt)) for wi in w], rtol=1e-12,
                         what="h at 8 points and half torch's mean squared error")
    wg = w.clone().requires_grad_(True)
    (auto_grad,) = torch.autograd.grad(risk(wg).sum(), wg)  # the risks are independent: row i is ∇h(w_i)
    auto_hess = torch.autograd.functional.hessian(risk, w[0])
    grads = check_close(gradient(Xt, yt, w), auto_grad, rtol=1e-10, atol=1e-12,
                        what=f"∇h at 8 points (s = {s}, n = {n}) and autograd")
    hess = check_close(linear.least_squares_hessian(Xt), auto_hess, rtol=1e-10, atol=1e-12,
                       what="XᵀX/s and the autograd Hessian")
    return values & grads & hess


@formula("linear.moore-penrose", reference="numpy.linalg.pinv and numpy.linalg.lstsq; null-space perturbations")
def check_moore_penrose(solution=linear.min_norm_solution) -> CheckResult:
    rng = np.random.default_rng(3)
    X = rng.normal(size=(30, 6)) @ rng.normal(size=(6, 10))  # rank 6
    y = rng.normal(size=30)
    sigma = np.linalg.svd(X, compute_uv=False)
    pinv = np.linalg.pinv(X)
    deltas = [1e-2, 1e-4, 1e-6]
    gaps = [np.abs(to_numpy(linear.ridge_pseudo_inverse(f64(X), d)) - pinv).max() for d in deltas]
    limit = _leq(gaps, [d / sigma[5] ** 3 for d in deltas],
                      what="‖(XᵀX+δI)⁻¹Xᵀ − X⁺‖_max ≤ δ/σ_r³ (δ = 1e-2, 1e-4, 1e-6)")
    linear_rate = holds(all(90 < gaps[i] / gaps[i + 1] < 110 for i in range(2)),
                         "gap shrinks ×100 per ×100 in δ", "gap does not shrink linearly in δ")
    w = to_numpy(solution(f64(X), f64(y)))
    lstsq = check_close(w, np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-8, atol=1e-10,
                        what="X⁺y and numpy.linalg.lstsq (rank 6 of 10)")
    gradient = _leq(np.abs(X.T @ (X @ w - y)).max() / 30, 1e-10, what="‖∇h(w*)‖_max ≤ 1e-10")
    null = np.linalg.svd(X)[2][6:]  # rows span null(X)
    others = w + rng.normal(size=(100, 4)) @ null
    shortest = _leq(np.linalg.norm(w), np.linalg.norm(others, axis=1),
                         what="‖X⁺y‖ < ‖X⁺y + z‖ for 100 z ∈ null(X)")
    return limit & linear_rate & lstsq & gradient & shortest


@formula("linear.lms-sgd", reference="autograd SGD step on ½(y−wᵀx)²; Kaczmarz convergence to w_true")
def check_lms_sgd(step=linear.lms_step) -> CheckResult:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(50, 5))
    w_true = rng.normal(size=5)
    y = X @ w_true  # a consistent system
    w0 = rng.normal(size=5)
    eta = 0.05
    wg = f64(w0).requires_grad_(True)
    (grad,) = torch.autograd.grad(0.5 * (f64(y)[7] - wg @ f64(X)[7]) ** 2, wg)
    one = check_close(step(f64(w0), f64(X[7]), float(y[7]), eta), f64(w0) - eta * grad, atol=1e-12,
                      what="LMS update and an autograd SGD step")
    eta = 1 / (X**2).sum(1).max()
    path = linear.lms_sgd(f64(X), f64(y), eta=eta, steps=5000, generator=torch.Generator().manual_seed(5))
    draws = torch.randint(50, (20,), generator=torch.Generator().manual_seed(5)).tolist()  # the same indices
    w = torch.nn.Parameter(torch.zeros(5, dtype=torch.float64))
    sgd = torch.optim.SGD([w], lr=eta)
    for i in draws:  # torch SGD on ½(yᵢ − wᵀxᵢ)², gradient by autograd
        sgd.zero_grad()
        (0.5 * (f64(y)[i] - w @ f64(X)[i]) ** 2).backward()
        sgd.step()
    same = check_close(path[20], w.detach(), atol=1e-12, what="20 steps of lms_sgd and of torch SGD on ½(yᵢ − wᵀxᵢ)²")
    converged = _leq(float(torch.linalg.norm(path[-1] - f64(w_true))), 1e-6,
                     what="‖w₅₀₀₀ − w_true‖ ≤ 1e-6 with η = 1/max‖xᵢ‖²")
    return one & same & converged


@formula("linear.gaussian-nll", reference="scipy.stats.norm.logpdf; BFGS argmin vs numpy.linalg.lstsq")
def check_gaussian_nll(nll=linear.gaussian_nll) -> CheckResult:
    X, _, y = regression_data(6)
    w = np.random.default_rng(7).normal(size=(4, 5))
    values, exact = [], []
    for sigma in (0.1, 1.0, 3.0):
        values.append(to_numpy(nll(f64(X), f64(y), f64(w), sigma)))
        exact.append(-scipy.stats.norm.logpdf(y, w @ X.T, sigma).sum(-1))
    agree = check_close(np.concatenate(values), np.concatenate(exact), rtol=1e-10,
                        what="NLL and −Σ log N(yᵢ; wᵀxᵢ, σ²) (σ = 0.1, 1, 3)")
    w_ls = np.linalg.lstsq(X, y, rcond=None)[0]
    argmins = [_minimise(lambda wt, sg=sigma: nll(f64(X), f64(y), wt, sg), 5) for sigma in (0.1, 3.0)]
    same = check_close(np.stack(argmins), np.stack([w_ls, w_ls]), rtol=1e-6, atol=1e-8,
                       what="BFGS argmin for σ = 0.1, 3 and lstsq")
    return agree & same


@formula("linear.ridge", reference="BFGS (autograd gradient) on each normalisation of the objective")
def check_ridge(solution=linear.ridge_solution) -> CheckResult:
    X, _, y = regression_data(8)
    s, n = X.shape
    lam = 0.3
    Xt, yt = f64(X), f64(y)
    objectives = {
        "mean": lambda w: ((Xt @ w - yt) ** 2).sum() / (2 * s) + lam / 2 * (w**2).sum(),
        "sum": lambda w: ((Xt @ w - yt) ** 2).sum() / 2 + lam / 2 * (w**2).sum(),
    }
    result = None
    for reduction, objective in objectives.items():
        term = "1/(2s)" if reduction == "mean" else "1/2"
        r = check_close(solution(Xt, yt, lam, reduction=reduction), _minimise(objective, n), rtol=1e-6, atol=1e-9,
                        what=f"closed form and BFGS minimiser ({term} data term, λ = {lam})")
        result = r if result is None else result & r
    return result


@formula("linear.ridge-shrinkage", reference="torch.linalg.solve((H+λI), H w₀*) and (H+λI)⁻¹Xᵀy")
def check_ridge_shrinkage(factors=linear.shrinkage_factors) -> CheckResult:
    X, _, y = regression_data(9)
    H = X.T @ X
    eigenvalues, Q = np.linalg.eigh(H)
    w0 = np.linalg.solve(H, X.T @ y)
    lams = [1.0, 30.0, 300.0]
    spectral = [Q @ (to_numpy(factors(f64(eigenvalues), lam)).ravel() * (Q.T @ w0)) for lam in lams]
    resolvent = [np.linalg.solve(H + lam * np.eye(5), H @ w0) for lam in lams]
    direct = [np.linalg.solve(H + lam * np.eye(5), X.T @ y) for lam in lams]
    a = check_close(np.stack(spectral), np.stack(resolvent), rtol=1e-10, atol=1e-12,
                    what="Q diag(λᵢ/(λᵢ+λ)) Qᵀw₀* and (H+λI)⁻¹Hw₀* (λ = 1, 30, 300)")
    b = check_close(np.stack(spectral), np.stack(direct), rtol=1e-10, atol=1e-12, what="and (H+λI)⁻¹Xᵀy")
    c = check_close(linear.ridge_by_shrinkage(f64(X), f64(y), f64(lams)), np.stack(direct), rtol=1e-10, atol=1e-12,
                    what="ridge_by_shrinkage")
    return a & b & c


# --- the seeds' errata ----------------------------------------------------------------------------------

def _seed_lsq_gradient(X, y, w):
    return 2 * w @ (X.T @ X) - 2 * X.T @ y  # gradient of ‖Xw−y‖², stated for (1/2s)‖Xw−y‖²


@erratum("ch01-03:E14", wrong=r"\nabla h=2X^\top X\mathbf w-2X^\top\mathbf y",
         right=r"\nabla h=\tfrac1s\big(X^\top X\mathbf w-X^\top\mathbf y\big)",
         why="This gradient is 2s times the true one (100 times for s = 50), so a step size chosen from the curvature "
             "of h is in effect multiplied by 2s and gradient descent diverges.")
def seed_lsq_gradient() -> CheckResult:
    return check_lsq_gradient(gradient=_seed_lsq_gradient)


@erratum("ch01-03:E15", wrong=r"\mathbf w^*=X^\top\mathbf y\in\arg\min h",
         right=r"\mathbf w^*=X^+\mathbf y\in\arg\min h",
         why="Xᵀy solves least squares only when X has orthonormal columns; for other data it is a wrongly scaled and "
             "rotated vector that does not minimise the error, so the fit is poor.")
def seed_moore_penrose() -> CheckResult:
    return check_moore_penrose(solution=lambda X, y: X.T @ y)


def _seed_ridge(X, y, lam, *, reduction="mean"):
    return linear.ridge_solution(X, y, lam, reduction="sum")  # (XᵀX + λI)⁻¹Xᵀy whatever the normalisation


@erratum("ch01-03:E16",
         wrong=r"\tfrac1{2s}\|X\mathbf w-\mathbf y\|^2+\tfrac\lambda2\|\mathbf w\|^2:\ "
               r"\mathbf w^*=(X^\top X+\lambda I)^{-1}X^\top\mathbf y",
         right=r"\tfrac1{2s}\|X\mathbf w-\mathbf y\|^2+\tfrac\lambda2\|\mathbf w\|^2:\ "
               r"\mathbf w^*=(X^\top X+s\lambda I)^{-1}X^\top\mathbf y",
         why="For the 1/(2s)-averaged loss this closed form applies a penalty s times weaker than the stated λ, so the "
             "fitted model is less regularised than intended, and ever less so as data are added.")
def seed_ridge() -> CheckResult:
    return check_ridge(solution=_seed_ridge)


@erratum("ch01-03:E17", wrong=r"(\Lambda+I)^{-1}=\operatorname{diag}\big(\tfrac{\lambda_i}{\lambda_i+\mu}\big)",
         right=r"(\Lambda+\mu I)^{-1}\Lambda=\operatorname{diag}\big(\tfrac{\lambda_i}{\lambda_i+\mu}\big)",
         why="Taken as shrinkage factors, (Λ+I)⁻¹ gives 1/(λᵢ+1): it ignores the penalty μ and shrinks the "
             "well-determined large-eigenvalue directions most, the reverse of what ridge regression does.")
def seed_ridge_shrinkage() -> CheckResult:
    return check_ridge_shrinkage(factors=lambda eigenvalues, lam: 1 / (eigenvalues + 1))  # (Λ + I)⁻¹
