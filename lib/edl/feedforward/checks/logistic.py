"""Checks of chapter 2, part A: linear models, the logistic unit, softmax, losses and feedforward layers.

Book labels ``linear.*``, ``logistic.*``, ``losses.*``, ``softmax.*``, ``ffn.*``. Each check takes the
formula under test as a keyword argument (default: the library function) and compares it with a route
that does not share its code: PyTorch autograd and ``torch.nn.functional``, NumPy/SciPy linear algebra
and optimisers, ``scipy.stats`` likelihoods, or sympy. Data are seeded; verdicts state tolerances, not
achieved errors. The errata at the end run the same checks on the seeds' versions, which must fail.
"""

import math

import numpy as np
import scipy.optimize
import scipy.special
import scipy.stats
import sympy
import torch
import torch.nn.functional as F

from edl.feedforward import layers, linear, logistic
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
        return ((wi @ Xt.T - yt) ** 2).sum(-1) / (2 * s)
    wg = w.clone().requires_grad_(True)
    (auto_grad,) = torch.autograd.grad(risk(wg).sum(), wg)  # the risks are independent: row i is ∇h(w_i)
    auto_hess = torch.autograd.functional.hessian(risk, w[0])
    grads = check_close(gradient(Xt, yt, w), auto_grad, rtol=1e-10, atol=1e-12,
                        what=f"∇h at 8 points (s = {s}, n = {n}) and autograd")
    hess = check_close(linear.least_squares_hessian(Xt), auto_hess, rtol=1e-10, atol=1e-12,
                       what="XᵀX/s and the autograd Hessian")
    psd = holds(bool(torch.linalg.eigvalsh(auto_hess).min() >= 0), "Hessian PSD (convex)", "Hessian not PSD")
    return grads & hess & psd


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
    w = path[0]
    for i in draws:
        w = step(w, f64(X[i]), float(y[i]), eta)
    same = check_close(path[20], w, atol=1e-12, what="lms_sgd and 20 updates")
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


# --- 2.2 logistic unit, tanh, cross-entropy --------------------------------------------------------------

_Z = np.linspace(-30, 30, 10_000)


@formula("logistic.sigmoid-identities", reference="sympy.simplify; scipy.special.expit; torch autograd")
def check_sigmoid_identities(derivative=logistic.sigmoid_derivative) -> CheckResult:
    z, t = sympy.symbols("z t", real=True)
    sig = 1 / (1 + sympy.exp(-z))
    d1 = sympy.diff(sig, z)
    identities = [sig + sig.subs(z, -z) - 1, d1 - sig * (1 - sig), d1 - sig * sig.subs(z, -z),
                  sympy.diff(sig, z, 2) - sig * (1 - sig) * (1 - 2 * sig),
                  sympy.log(sig / (1 - sig)) - z]
    symbolic = holds(all(sympy.simplify(sympy.expand_log(e, force=True)) == 0 for e in identities),
                      "sympy: σ(z)+σ(−z) = 1, σ' = σ(1−σ) = σ(z)σ(−z), σ'' = σ(1−σ)(1−2σ), σ⁻¹ = log-odds",
                      "sympy finds an identity false")
    zt = f64(_Z).requires_grad_(True)
    (auto,) = torch.autograd.grad(torch.sigmoid(zt).sum(), zt)
    values = check_close(logistic.sigmoid(f64(_Z)), scipy.special.expit(_Z), atol=1e-12,
                         what="σ and scipy expit on [−30, 30]")
    slope = check_close(derivative(f64(_Z)), auto, atol=1e-12, what="σ' and autograd")
    fine = np.linspace(-1, 1, 20_001)
    d = to_numpy(derivative(f64(fine)))
    peak = check_close([fine[d.argmax()], d.max()], [0.0, 0.25], atol=1e-12, what="argmax σ' = 0, max σ' = 1/4")
    return symbolic & values & slope & peak


@formula("logistic.tanh-identities", reference="sympy rewrite(exp); torch.tanh; torch autograd")
def check_tanh_identities(tanh=logistic.tanh_via_sigmoid) -> CheckResult:
    z = sympy.Symbol("z", real=True)
    forms = [(sympy.exp(z) - sympy.exp(-z)) / (sympy.exp(z) + sympy.exp(-z)),
             (1 - sympy.exp(-2 * z)) / (1 + sympy.exp(-2 * z)), 2 / (1 + sympy.exp(-2 * z)) - 1]
    symbolic = holds(all(sympy.simplify((sympy.tanh(z) - f).rewrite(sympy.exp)) == 0 for f in forms)
                      and sympy.simplify(sympy.diff(sympy.tanh(z), z) - (1 - sympy.tanh(z) ** 2)) == 0,
                      "sympy: (eᶻ−e⁻ᶻ)/(eᶻ+e⁻ᶻ) = (1−e⁻²ᶻ)/(1+e⁻²ᶻ) = 2σ(2z)−1, tanh' = 1−tanh²",
                      "sympy finds a tanh identity false")
    at_one = float(tanh(1.0))
    values = check_close(tanh(f64(_Z)), np.tanh(_Z), atol=1e-12,
                         what=f"on [−30, 30] and torch.tanh (value at z = 1: {at_one:.4f})")
    zt = f64(_Z).requires_grad_(True)
    (auto,) = torch.autograd.grad(torch.tanh(zt).sum(), zt)
    slope = check_close(logistic.tanh_derivative(f64(_Z)), auto, atol=1e-12, what="1 − tanh² and autograd")
    return symbolic & values & slope


@formula("logistic.cross-entropy", reference="scipy.special.log_expit; torch.nn.functional.binary_cross_entropy_with_logits")
def check_cross_entropy(loss=logistic.binary_cross_entropy_logits) -> CheckResult:
    z = np.linspace(-30, 30, 1001)
    ours, by_probability, torch_loss, signed = [], [], [], []
    for y in (0.0, 1.0):
        ours.append(to_numpy(loss(f64(z), y)))
        by_probability.append(-y * scipy.special.log_expit(z) - (1 - y) * scipy.special.log_expit(-z))
        torch_loss.append(to_numpy(F.binary_cross_entropy_with_logits(f64(z), torch.full((1001,), y, dtype=torch.float64),
                                                                 reduction="none")))
        signed.append(-scipy.special.log_expit((2 * y - 1) * z))
    ours = np.concatenate(ours)
    a = check_close(ours, np.concatenate(by_probability), atol=1e-10, what="−y log σ − (1−y) log(1−σ)")
    b = check_close(ours, np.concatenate(torch_loss), atol=1e-10, what="torch BCE-with-logits")
    c = check_close(ours, np.concatenate(signed), atol=1e-10, what="−log σ(vz), v = ±1, on z ∈ [−30, 30]")
    far = check_close(loss(f64([-1000.0, 1000.0]), f64([1.0, 0.0])), [1000.0, 1000.0], rtol=1e-12,
                      what="finite at |z| = 1000")
    return a & b & c & far


@formula("logistic.gradient", reference="torch autograd of the mean BCE-with-logits (gradient, Hessian)")
def check_logistic_gradient(gradient=logistic.logistic_gradient) -> CheckResult:
    rng = np.random.default_rng(10)
    X = rng.normal(size=(100, 5))
    y = (rng.random(100) < 0.5).astype(float)
    w = rng.normal(size=5)
    Xt, yt = f64(X), f64(y)

    def risk(wt):
        return F.binary_cross_entropy_with_logits(Xt @ wt, yt)
    wg = f64(w).requires_grad_(True)
    (auto_grad,) = torch.autograd.grad(risk(wg), wg)
    auto_hess = torch.autograd.functional.hessian(risk, f64(w))
    v = 2 * y - 1
    signed = -(scipy.special.expit(-v * (X @ w)) * v) @ X / 100
    g = check_close(gradient(Xt, yt, f64(w)), auto_grad, rtol=1e-10, atol=1e-14, what="∇L (s = 100, n = 5) and autograd")
    s = check_close(signed, auto_grad, rtol=1e-10, atol=1e-14, what="±1-label form")
    h = check_close(logistic.logistic_hessian(Xt, f64(w)), auto_hess, rtol=1e-10, atol=1e-14, what="∇²L")
    eig = np.linalg.eigvalsh(to_numpy(auto_hess))
    smooth = _leq(np.concatenate([[0.0], eig]), np.concatenate([eig, [float(logistic.logistic_smoothness(Xt))]]),
                       what="0 ≤ eig ∇²L ≤ λ_max(XᵀX)/(4s)", tol=1e-14)
    return g & s & h & smooth


@formula("logistic.soft-ce-gibbs", reference="scipy.stats.entropy (H and KL); torch.nn.functional.nll_loss")
def check_soft_ce_gibbs(ce=logistic.soft_cross_entropy) -> CheckResult:
    rng = np.random.default_rng(11)
    p, q = rng.dirichlet(np.ones(10), size=(2, 1000))
    value = to_numpy(ce(f64(p), f64(q)))
    decomposition = check_close(value - scipy.stats.entropy(p, axis=1), scipy.stats.entropy(p, q, axis=1), atol=1e-12,
                                what="CE − H and KL on 1000 Dirichlet pairs (k = 10)")
    gibbs = _leq(scipy.stats.entropy(p, axis=1), value, what="CE ≥ H")
    equal = check_close(ce(f64(p), f64(p)), scipy.stats.entropy(p, axis=1), atol=1e-12, what="equality at q = p")
    labels = rng.integers(10, size=1000)
    hard = check_close(ce(f64(np.eye(10)[labels]), f64(q)), F.nll_loss(torch.log(f64(q)), torch.as_tensor(labels),
                                                                     reduction="none"),
                       atol=1e-12, what="one-hot CE and nll_loss")
    return decomposition & gibbs & equal & hard


@formula("losses.exponential-family", reference="sympy; scipy.stats bernoulli/norm/poisson logpmf; autograd ψ' vs the mean")
def check_exponential_family(nll=logistic.exponential_family_nll) -> CheckResult:
    v_, y = sympy.symbols("v y", real=True)
    sig = 1 / (1 + sympy.exp(-v_))
    symbolic = holds(all(sympy.simplify(
        (sympy.log(1 + sympy.exp(v_)) - y * v_ + y * sympy.log(sig) + (1 - y) * sympy.log(1 - sig)).subs(y, k)) == 0
        for k in (0, 1)), "sympy: Bernoulli NLL = logistic loss", "sympy: Bernoulli NLL ≠ logistic loss")
    v = np.linspace(-4, 4, 41)
    cases = []
    for y_ in (0.0, 1.0):
        cases.append((nll(y_, f64(v), "bernoulli"), -scipy.stats.bernoulli.logpmf(y_, scipy.special.expit(v))))
    for y_ in (-1.5, 0.0, 2.0):
        cases.append((nll(y_, f64(v), "gaussian"), -scipy.stats.norm.logpdf(y_, v, 1.0)))
    for y_ in (0.0, 1.0, 5.0):
        cases.append((nll(y_, f64(v), "poisson"), -scipy.stats.poisson.logpmf(y_, np.exp(v))))
    ours, exact = torch.cat([c[0] for c in cases]), np.concatenate([c[1] for c in cases])
    losses = check_close(ours, exact, rtol=1e-10, atol=1e-12,
                         what="−log p(y; v) for Bernoulli, N(v, 1), Poisson and scipy.stats")
    slopes, means = [], []
    for family, mean in (("bernoulli", scipy.special.expit(v)), ("gaussian", v), ("poisson", np.exp(v))):
        vt = f64(v).requires_grad_(True)
        (d,) = torch.autograd.grad(logistic.log_partition(vt, family).sum(), vt)
        slopes.append(to_numpy(d))
        means.append(mean)
    mean = check_close(np.concatenate(slopes), np.concatenate(means), rtol=1e-12, atol=1e-14, what="ψ'(v) = E[y]")
    return symbolic & losses & mean


# --- 2.3 softmax --------------------------------------------------------------------------------------

@formula("softmax.definition-invariance", reference="scipy.special.softmax; scipy.special.expit")
def check_softmax_definition(softmax=logistic.softmax) -> CheckResult:
    rng = np.random.default_rng(12)
    z = rng.normal(size=(50, 7)) * 3
    a = check_close(softmax(f64(z)), scipy.special.softmax(z, axis=-1), atol=1e-14, what="softmax and scipy (50 × 7)")
    b = check_close(softmax(f64(z + 1000.0)), scipy.special.softmax(z, axis=-1), atol=1e-12,
                    what="shift by c = 1000 (z + c is rounded to 1e-13)")
    pair = rng.normal(size=(50, 2)) * 3
    c = check_close(softmax(f64(pair))[:, 0], scipy.special.expit(pair[:, 0] - pair[:, 1]), atol=1e-14,
                    what="k = 2 and σ(z₁ − z₂)")
    A = rng.normal(size=(4, 6))
    d = check_close(softmax(f64(A)), np.exp(A) / np.exp(A).sum(1, keepdims=True), atol=1e-14, what="row-wise on 4 × 6")
    x, Theta, shift = rng.normal(size=(10, 3)), rng.normal(size=(5, 3)), rng.normal(size=3)
    e = check_close(softmax(f64(x @ (Theta + shift).T)), scipy.special.softmax(x @ Theta.T, axis=-1), atol=1e-14,
                    what="θᵢ → θᵢ + c")
    return a & b & c & d & e


@formula("softmax.jacobian", reference="torch.autograd.functional.jacobian of torch.softmax")
def check_softmax_jacobian(jacobian=logistic.softmax_jacobian) -> CheckResult:
    z = f64(np.random.default_rng(13).normal(size=(3, 7)) * 2)
    ours = jacobian(z)
    auto = torch.stack([torch.autograd.functional.jacobian(lambda u: torch.softmax(u, -1), zi) for zi in z])
    agree = check_close(ours, auto, atol=1e-12, what="J and autograd (k = 7, 3 logit vectors)")
    eigenvalues, vectors = torch.linalg.eigh(auto)  # ascending
    psd = _leq(-1e-14, eigenvalues, what="eigenvalues ≥ −1e-14")
    one_null = holds(bool((eigenvalues[:, 0].abs() < 1e-14).all() and (eigenvalues[:, 1] > 1e-6).all()),
                      "exactly one zero eigenvalue", "not exactly one zero eigenvalue")
    ones = torch.full((7,), 7**-0.5, dtype=torch.float64)
    direction = check_close((vectors[:, :, 0] @ ones).abs(), np.ones(3), atol=1e-10, what="its eigenvector ∝ 1")
    return agree & psd & one_null & direction


@formula("softmax.ce-logits", reference="torch.nn.functional.cross_entropy; torch.logsumexp; torch autograd")
def check_softmax_ce(regression_loss=logistic.softmax_regression_loss) -> CheckResult:
    rng = np.random.default_rng(14)
    z = f64(rng.normal(size=(20, 10)) * 3)
    y = torch.as_tensor(rng.integers(10, size=20))
    torch_ce = F.cross_entropy(z, y, reduction="none")
    nats = check_close(logistic.softmax_cross_entropy(z, y), torch_ce, atol=1e-12,
                       what="−z_y + lse(z) and torch CE (k = 10)")
    bits = check_close(logistic.softmax_cross_entropy(z, y, base=2), torch_ce / math.log(2), atol=1e-12, what="bits")
    big = f64(rng.normal(size=(20, 10)) * 1000)
    lse = check_close(logistic.log_sum_exp(big), torch.logsumexp(big, -1), rtol=1e-14, what="stable lse at |z| ~ 1e3")
    zg = z.clone().requires_grad_(True)
    F.cross_entropy(zg, y, reduction="sum").backward()
    grad = check_close(logistic.softmax_cross_entropy_gradient(z, y), zg.grad, atol=1e-12,
                       what="softmax − e_y and autograd")
    x, Theta = f64(rng.normal(size=(20, 4))), f64(rng.normal(size=(10, 4)))
    targets = F.one_hot(y, 10).double()
    reg = check_close(regression_loss(x, targets, Theta), F.cross_entropy(x @ Theta.T, y, reduction="none"),
                      atol=1e-12, what="softmax regression loss and torch CE")
    Th = Theta.clone().requires_grad_(True)
    F.cross_entropy(x[:1] @ Th.T, y[:1], reduction="sum").backward()
    reg_grad = check_close(logistic.softmax_regression_gradient(x[0], targets[0], Theta), Th.grad, atol=1e-12,
                           what="(σᵢ − yᵢ)x and autograd")
    return nats & bits & lse & grad & reg & reg_grad


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
                              what="forward pass and nn.Sequential (4-7-5-3)")
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
    rank = holds(np.linalg.matrix_rank(to_numpy(W_)) <= 3, "rank W̃ ≤ min m_l = 3", "rank W̃ > 3")
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


# --- the seeds' errata ----------------------------------------------------------------------------------

def _seed_lsq_gradient(X, y, w):
    return 2 * w @ (X.T @ X) - 2 * X.T @ y  # gradient of ‖Xw−y‖², stated for (1/2s)‖Xw−y‖²


@erratum("ch01-03:E14", wrong=r"\nabla h=2X^\top X\mathbf w-2X^\top\mathbf y",
         right=r"\nabla h=\tfrac1s\big(X^\top X\mathbf w-X^\top\mathbf y\big)")
def seed_lsq_gradient() -> CheckResult:
    return check_lsq_gradient(gradient=_seed_lsq_gradient)


@erratum("ch01-03:E15", wrong=r"\mathbf w^*=X^\top\mathbf y\in\arg\min h",
         right=r"\mathbf w^*=X^+\mathbf y\in\arg\min h")
def seed_moore_penrose() -> CheckResult:
    return check_moore_penrose(solution=lambda X, y: X.T @ y)


def _seed_ridge(X, y, lam, *, reduction="mean"):
    return linear.ridge_solution(X, y, lam, reduction="sum")  # (XᵀX + λI)⁻¹Xᵀy whatever the normalisation


@erratum("ch01-03:E16",
         wrong=r"\tfrac1{2s}\|X\mathbf w-\mathbf y\|^2+\tfrac\lambda2\|\mathbf w\|^2:\ "
               r"\mathbf w^*=(X^\top X+\lambda I)^{-1}X^\top\mathbf y",
         right=r"\tfrac1{2s}\|X\mathbf w-\mathbf y\|^2+\tfrac\lambda2\|\mathbf w\|^2:\ "
               r"\mathbf w^*=(X^\top X+s\lambda I)^{-1}X^\top\mathbf y")
def seed_ridge() -> CheckResult:
    return check_ridge(solution=_seed_ridge)


@erratum("ch01-03:E17", wrong=r"(\Lambda+I)^{-1}=\operatorname{diag}\big(\tfrac{\lambda_i}{\lambda_i+\mu}\big)",
         right=r"(\Lambda+\mu I)^{-1}\Lambda=\operatorname{diag}\big(\tfrac{\lambda_i}{\lambda_i+\mu}\big)")
def seed_ridge_shrinkage() -> CheckResult:
    return check_ridge_shrinkage(factors=lambda eigenvalues, lam: 1 / (eigenvalues + 1))  # (Λ + I)⁻¹


@erratum("ch01-03:E18", wrong=r"\sigma'(z)=\sigma(-z)=1",
         right=r"\sigma(z)+\sigma(-z)=1,\quad \sigma'(z)=\sigma(z)\,\sigma(-z)")
def seed_sigmoid_identities() -> CheckResult:
    return check_sigmoid_identities(derivative=lambda z: logistic.sigmoid(-torch.as_tensor(z, dtype=torch.float64)))


def _seed_tanh(z):
    z = torch.as_tensor(z, dtype=torch.float64)
    return (torch.exp(z) - torch.exp(-z)) / (2 * z)  # sinh(z)/z: the denominator should be eᶻ + e⁻ᶻ


@erratum("ch01-03:E19", wrong=r"\tanh z=\frac{e^z-e^{-z}}{2z}", right=r"\tanh z=\frac{e^z-e^{-z}}{e^z+e^{-z}}")
def seed_tanh() -> CheckResult:
    return check_tanh_identities(tanh=_seed_tanh)


def _seed_softmax_regression(x, y, Theta):
    z = x @ Theta.T
    return -(y * z + torch.logsumexp(z, -1, keepdim=True)).sum(-1)  # lse inside the sum, with a minus sign


@erratum("ch01-03:E20",
         wrong=r"\ell=-\sum_i\Big[y_i\,\mathbf x\cdot\boldsymbol\theta_i"
               r"+\log\sum_je^{\mathbf x\cdot\boldsymbol\theta_j}\Big]",
         right=r"\ell=-\sum_iy_i\,\mathbf x\cdot\boldsymbol\theta_i+\log\sum_je^{\mathbf x\cdot\boldsymbol\theta_j}")
def seed_softmax_regression() -> CheckResult:
    return check_softmax_ce(regression_loss=_seed_softmax_regression)
