"""Checks of ``edl.feedforward.logistic`` (book labels ``logistic.*``, ``losses.*``, ``softmax.*``) and of the
seeds' errata there.

The logistic unit and tanh, binary and soft cross-entropy, exponential-family losses, softmax and its
cross-entropy. Each check takes the formula under test as a keyword argument (default: the library function)
and compares it with a route that does not share its code: PyTorch autograd and ``torch.nn.functional``,
``scipy.special`` and ``scipy.stats``, or sympy. Data are seeded; verdicts state tolerances, not achieved
errors. The errata at the end run the same checks on the seeds' versions, which must fail.
"""

import math

import numpy as np
import scipy.special
import scipy.stats
import sympy
import torch
import torch.nn.functional as F

from edl.feedforward import logistic
from edl.feedforward.checks.linear import _leq
from edl.core.checking import CheckResult, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula


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
    zt2 = f64(_Z).requires_grad_(True)
    (first,) = torch.autograd.grad(torch.sigmoid(zt2).sum(), zt2, create_graph=True)
    (second,) = torch.autograd.grad(first.sum(), zt2)
    curvature = check_close(logistic.sigmoid_second_derivative(f64(_Z)), second, atol=1e-12, what="σ'' and autograd")
    t = np.linspace(0.001, 0.999, 999)
    inverse = check_close(logistic.logit(f64(t)), scipy.special.logit(t), rtol=1e-12, atol=1e-12,
                          what="σ⁻¹ and scipy.special.logit")
    fine = np.linspace(-1, 1, 20_001)
    d = to_numpy(derivative(f64(fine)))
    peak = check_close([fine[d.argmax()], d.max()], [0.0, 0.25], atol=1e-12, what="argmax σ' = 0, max σ' = 1/4")
    return symbolic & values & slope & curvature & inverse & peak


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
        return logistic.logistic_risk(Xt, yt, wt)
    values = check_close(risk(f64(w)), F.binary_cross_entropy_with_logits(Xt @ f64(w), yt), rtol=1e-12,
                         what="L and torch's mean BCE with logits")
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
    return values & g & s & h & smooth


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


# --- the seeds' errata ----------------------------------------------------------------------------------

@erratum("ch01-03:E18", wrong=r"\sigma'(z)=\sigma(-z)=1",
         right=r"\sigma(z)+\sigma(-z)=1,\quad \sigma'(z)=\sigma(z)\,\sigma(-z)",
         why="Coding σ′(z) as σ(−z) overstates every slope by the factor 1/σ(z), giving slopes near 1 instead of near "
             "0 for very negative z, so backpropagation never sees the sigmoid saturate there.")
def seed_sigmoid_identities() -> CheckResult:
    return check_sigmoid_identities(derivative=lambda z: logistic.sigmoid(-torch.as_tensor(z, dtype=torch.float64)))


def _seed_tanh(z):
    z = torch.as_tensor(z, dtype=torch.float64)
    return (torch.exp(z) - torch.exp(-z)) / (2 * z)  # sinh(z)/z: the denominator should be eᶻ + e⁻ᶻ


@erratum("ch01-03:E19", wrong=r"\tanh z=\frac{e^z-e^{-z}}{2z}", right=r"\tanh z=\frac{e^z-e^{-z}}{e^z+e^{-z}}",
         why="The formula gives sinh(z)/z, which is even, never below 1 and grows exponentially (about 1.18 at z = 1, "
             "where tanh is 0.76), so it is neither odd nor bounded in (−1, 1).")
def seed_tanh() -> CheckResult:
    return check_tanh_identities(tanh=_seed_tanh)


def _seed_softmax_regression(x, y, Theta):
    z = x @ Theta.T
    return -(y * z + torch.logsumexp(z, -1, keepdim=True)).sum(-1)  # lse inside the sum, with a minus sign


@erratum("ch01-03:E20",
         wrong=r"\ell=-\sum_i\Big[y_i\,\mathbf x\cdot\boldsymbol\theta_i"
               r"+\log\sum_je^{\mathbf x\cdot\boldsymbol\theta_j}\Big]",
         right=r"\ell=-\sum_iy_i\,\mathbf x\cdot\boldsymbol\theta_i+\log\sum_je^{\mathbf x\cdot\boldsymbol\theta_j}",
         why="With the log-sum-exp inside the sum and negated, the loss is unbounded below: minimising it pushes every "
             "logit up without limit instead of raising the correct class against the others.")
def seed_softmax_regression() -> CheckResult:
    return check_softmax_ce(regression_loss=_seed_softmax_regression)
