"""Checks of ``edl.diffusion.graphical`` (book labels ``ar.*``, ``ebm.*``, ``rbm.*``, ``sbn.*``, ``bn.*``,
``mrf.*``) and of the errata there.

Independent routes: exact enumeration of every configuration of small binary models (numpy), marginals
and conditionals read off enumerated joints, scipy quadrature and finite differences, scipy minimisers
(L-BFGS-B, SLSQP), samples against enumerated probabilities (χ² test), and torch autograd.
"""

import itertools
import math

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.stats
import torch

from edl.core.checking import CheckResult, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.diffusion import graphical as gr


def _states(d):
    return np.array(list(itertools.product((0, 1), repeat=d)), dtype=float)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


# --- autoregressive models ---------------------------------------------------------------------------

@formula("ar.factorization", reference="a random joint pmf over 3 binary variables and its conditionals (numpy)")
def check_ar_factorization(log_prob=gr.ar_log_prob) -> CheckResult:
    rng = np.random.default_rng(140)
    joint = rng.dirichlet(np.ones(8)).reshape(2, 2, 2)

    def conditional(i, prefix):  # p(x_i = 1 | x_<i) from marginals of the joint
        marg = joint.sum(axis=tuple(range(i + 1, 3)))  # p(x_0..x_i)
        rows = [tuple(int(z) for z in row) for row in to_numpy(prefix)]
        return f64([marg[r + (1,)] / marg[r].sum() for r in rows])

    states = _states(3)
    ours = to_numpy(log_prob(f64(states), conditional).exp())
    return check_close(ours, joint.reshape(-1), atol=1e-12, what="∏ p(x_i|x_<i) and the 8 joint probabilities") & \
        check_close(ours.sum(), 1.0, atol=1e-12, what="total probability")


@erratum("ch09-11:E54", wrong=r"p(x_1,x_2,\dots,x_t)=p(x_i\mid x_{<i})", right=r"p(x_1,\dots,x_d)=\prod_{i=1}^dp(x_i\mid x_{<i})",
         why="Without the product the right-hand side is one conditional, which neither sums to one over the "
             "configurations nor depends on the earlier variables' own probabilities.")
def seed_ar_factorization() -> CheckResult:
    def last_only(x, conditional):
        p = conditional(x.shape[1] - 1, x[:, :-1])
        return torch.where(x[:, -1] == 1, torch.log(p), torch.log1p(-p))
    return check_ar_factorization(log_prob=last_only)


@formula("ar.fvsbn", reference="sixteen joint probabilities by explicit loops (numpy), summing to one")
def check_fvsbn(log_prob=gr.fvsbn_log_prob) -> CheckResult:
    rng = np.random.default_rng(141)
    A, c = rng.normal(size=(4, 4)) * 1.5, rng.normal(size=4)
    states = _states(4)
    ref = []
    for x in states:
        p = 1.0
        for i in range(4):
            pi = _sigmoid(sum(A[i, j] * x[j] for j in range(i)) + c[i])
            p *= pi if x[i] else 1 - pi
        ref.append(p)
    ours = to_numpy(log_prob(f64(states), f64(A), f64(c)).exp())
    return check_close(ours, ref, atol=1e-12, what="p(x) for all 16 x and explicit loops over j < i") & \
        check_close(ours.sum(), 1.0, atol=1e-12, what="Σ_x p(x) = 1")


@erratum("ch09-11:E55", wrong=r"p(x_i=1\mid x_{<i})=\sigma\Big(\sum_{j=1}^{i}A_ix_j+c_i\Big)",
         right=r"p(x_i=1\mid x_{<i})=\sigma\Big(\sum_{j<i}A_{ij}x_j+c_i\Big)",
         why="With j = i in the sum, the 'conditional' of x_i depends on x_i itself; the product of such terms is no "
             "longer a distribution (its sixteen values miss a total of 1 by 0.22 on the book's example), so it cannot be "
             "sampled or trained by maximum likelihood.")
def seed_fvsbn() -> CheckResult:
    def with_diagonal(x, A, c):
        p = torch.sigmoid(x @ torch.tril(A, 0).T + c)
        return (x * torch.log(p) + (1 - x) * torch.log1p(-p)).sum(-1)
    return check_fvsbn(log_prob=with_diagonal)


# --- energy-based models -------------------------------------------------------------------------

def _quartic(x, th):
    return th[0] * x**2 + th[1] * x**4


@formula("ebm.loglik-gradient", reference="scipy.integrate.quad for log Z and E_p[−∇E]; central finite differences")
def check_ebm_gradient(gradient=gr.ebm_loglik_gradient) -> CheckResult:
    th = np.array([-1.0, 0.25])  # a double well

    def log_z(t):
        return math.log(scipy.integrate.quad(lambda x: math.exp(-(t[0] * x**2 + t[1] * x**4)), -8, 8, epsabs=1e-13)[0])

    def model_mean(f):
        z = math.exp(log_z(th))
        return scipy.integrate.quad(lambda x: f(x) * math.exp(-(th[0] * x**2 + th[1] * x**4)) / z, -8, 8, epsabs=1e-13)[0]

    h = 1e-5
    fd = [(log_z(th + h * e) - log_z(th - h * e)) / (2 * h) for e in np.eye(2)]
    identity = check_close(fd, [model_mean(lambda x: -x**2), model_mean(lambda x: -x**4)], atol=1e-7,
                           what="∇ log Z by finite differences and E_p[−∇_θE] by quadrature")
    # exact model samples by inverse CDF on a fine grid; data from a shifted law
    grid = np.linspace(-6, 6, 200_001)
    dens = np.exp(-(th[0] * grid**2 + th[1] * grid**4))
    cdf = np.cumsum(dens) / dens.sum()
    rng = np.random.default_rng(142)
    model = np.interp(rng.uniform(size=200_000), cdf, grid)
    data = rng.normal(0.3, 1.2, size=2000)
    ours = to_numpy(gradient(f64(th), _quartic, f64(data), f64(model)))

    def mean_loglik(t):
        return -(t[0] * data**2 + t[1] * data**4).mean() - log_z(t)
    exact = [(mean_loglik(th + h * e) - mean_loglik(th - h * e)) / (2 * h) for e in np.eye(2)]
    se = [np.std(model**2) / math.sqrt(len(model)), np.std(model**4) / math.sqrt(len(model))]
    within = holds(all(abs(o - e) <= 4 * s for o, e, s in zip(ours, exact, se)),
                   "data minus model phase (2·10⁵ exact model samples) matches the finite-difference gradient within 4 SE",
                   f"gradient {np.round(ours, 4).tolist()} against {np.round(exact, 4).tolist()}, beyond 4 SE")
    return identity & within


def _gaussian_energy(params):
    return lambda z: ((z - params[0]) ** 2).sum(-1) / (2 * params[1])


@formula("ebm.score-matching", reference="scipy.optimize.minimize of the objective against the closed-form fit (mean, variance)")
def check_score_matching(objective=gr.hyvarinen_objective) -> CheckResult:
    rng = np.random.default_rng(143)
    x = rng.normal(1.2, 0.7, size=(100_000, 1))
    X = f64(x)

    def f(p):
        params = f64(p).requires_grad_(True)
        with torch.enable_grad():
            val = objective(X, _gaussian_energy(params))
            (g,) = torch.autograd.grad(val, params)
        return float(val.detach()), to_numpy(g)

    res = scipy.optimize.minimize(f, [0.0, 1.0], jac=True, method="L-BFGS-B", bounds=[(-5, 5), (0.05, 5)],
                                  options={"ftol": 1e-15, "gtol": 1e-12})
    closed = [float(x.mean()), float(x.var())]
    return check_close(res.x, closed, atol=1e-5, what="minimiser (a, b) of the objective and (x̄, sample variance)")


@erratum("ch09-11:E56", wrong=r"\tfrac12\big\|\nabla_x\log p_{data}(x)-(-E_\theta(x))\big\|^2",
         right=r"\tfrac12\big\|\nabla_x\log p_{data}(x)-(-\nabla_xE_\theta(x))\big\|^2",
         why="The model's score is −∇ₓE, a vector field; matching the data score to the scalar energy instead fits "
             "the wrong quantity, and its minimiser is not the data distribution (a Gaussian model then misses the "
             "data's mean and variance).")
def seed_score_matching() -> CheckResult:
    def energy_not_gradient(X, energy):  # ½ E‖∇ log p_data + E_θ‖² with the true data score of N(1.2, 0.49)
        return 0.5 * ((-(X - 1.2) / 0.49 + energy(X)[:, None]) ** 2).mean()
    return check_score_matching(objective=energy_not_gradient)


# --- restricted Boltzmann machines ----------------------------------------------------------------

def _rbm_params(seed=144, H=3, V=4):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(H, V)), rng.normal(size=H) * 0.5, rng.normal(size=V) * 0.5


def _rbm_joint(W, a, b):
    vs, hs = _states(W.shape[1]), _states(W.shape[0])
    logits = np.array([[a @ h + b @ v + h @ W @ v for h in hs] for v in vs])  # −E(v, h)
    p = np.exp(logits - logits.max())
    return vs, hs, p / p.sum()


@formula("rbm.conditionals", reference="conditionals read off the enumerated joint of a 4 × 3 RBM (numpy)")
def check_rbm_conditionals(hidden=gr.rbm_hidden_probs, visible=gr.rbm_visible_probs) -> CheckResult:
    W, a, b = _rbm_params()
    vs, hs, p = _rbm_joint(W, a, b)
    ph = np.stack([(p[i][:, None] * hs).sum(0) / p[i].sum() for i in range(len(vs))])     # P(h_j = 1 | v)
    pv = np.stack([(p[:, k][:, None] * vs).sum(0) / p[:, k].sum() for k in range(len(hs))])  # P(v_i = 1 | h)
    energy = -to_numpy(gr.rbm_energy(f64(np.repeat(vs, len(hs), 0)), f64(np.tile(hs, (len(vs), 1))), f64(W), f64(a), f64(b)))
    return check_close(hidden(f64(vs), f64(W), f64(a)), ph, atol=1e-12, what="P(h_j = 1|v) for all 16 v") & \
        check_close(visible(f64(hs), f64(W), f64(b)), pv, atol=1e-12, what="P(v_i = 1|h) for all 8 h") & \
        check_close(energy, np.log(p.reshape(-1)) - np.log(p.reshape(-1)).max() + energy.max(), atol=1e-10,
                    what="−E(v, h) and log P(v, h) up to log Z")


@erratum("ch09-11:E57", wrong=r"P(h_j=1\mid v)=\frac1{1+\exp(-W_j)v-a},\ P(v_i=1\mid h)=\frac1{1+\exp(-W_i)h-b}",
         right=r"P(h_j=1\mid v)=\sigma(a_j+W_{j,:}v),\ P(v_i=1\mid h)=\sigma(b_i+W_{:,i}^\top h)",
         why="Read as written, the bias and the product sit outside the exponential and the visible conditional uses "
             "a row of W where a column is needed: the values are not the model's conditionals and need not even "
             "lie in [0, 1], so block Gibbs sampling cannot run on them.")
def seed_rbm_conditionals() -> CheckResult:
    def hidden(v, W, a):
        return 1 / (1 + v @ torch.exp(-W).T - a)

    def visible(h, W, b):
        return 1 / (1 + h @ torch.exp(-W) - b)
    return check_rbm_conditionals(hidden=hidden, visible=visible)


@formula("rbm.cd-learning", reference="autograd of the exact log-likelihood (log Z by enumerating 128 states)")
def check_cd_learning(model_weights=lambda F: torch.softmax(-F, 0)) -> CheckResult:
    W, a, b = _rbm_params(145)
    rng = np.random.default_rng(145)
    data = f64(rng.integers(0, 2, size=(20, 4)))
    vs = f64(_states(4))
    Wt, at, bt = (f64(z).requires_grad_(True) for z in (W, a, b))
    with torch.enable_grad():
        F_all = gr.rbm_free_energy(vs, Wt, at, bt)
        loglik = -gr.rbm_free_energy(data, Wt, at, bt).mean() - torch.logsumexp(-F_all, 0)
        exact = torch.autograd.grad(loglik, (Wt, at, bt))
    weights = model_weights(gr.rbm_free_energy(vs, f64(W), f64(a), f64(b)))
    ours = gr.rbm_loglik_gradient(data, f64(W), f64(a), f64(b), vs, weights)
    same = check_close(torch.cat([g.reshape(-1) for g in ours]), torch.cat([g.reshape(-1) for g in exact]), atol=1e-10,
                       what="free-energy gradient (data − model) and autograd of the exact log-likelihood")
    g = torch.Generator().manual_seed(146)
    neg = gr.rbm_gibbs(data.repeat(500, 1), f64(W), f64(a), f64(b), 1, g)
    cd1 = gr.rbm_loglik_gradient(data, f64(W), f64(a), f64(b), neg)
    bias = float(torch.cat([(c - e).reshape(-1) for c, e in zip(cd1, exact)]).abs().max())
    return same & holds(bias > 0.01, f"CD-1 (10⁴ chains) is biased: largest error {bias:.2f}",
                        f"CD-1 agrees with the exact gradient to {bias:.3f}")


@erratum("ch09-11:E58", wrong=r"p(x)=\exp(F(x)/Z)", right=r"p(x)=e^{-F(x)}/Z",
         why="With p ∝ e^{+F} the stated gradient (data term −∇F, model term +∇F) has both signs wrong: following it "
             "lowers the likelihood of the data instead of raising it.")
def seed_cd_learning() -> CheckResult:
    return check_cd_learning(model_weights=lambda F: torch.softmax(F, 0))


# --- sigmoid belief networks, Bayesian networks, MRFs ---------------------------------------------

@formula("sbn.sigmoid-belief-network", reference="10⁵ ancestral samples against the enumerated joint (χ² test); numpy products")
def check_sbn(sample=gr.sbn_sample, log_joint=gr.sbn_log_joint) -> CheckResult:
    rng = np.random.default_rng(147)
    c, W, b = rng.normal(size=2), rng.normal(size=(3, 2)) * 1.5, rng.normal(size=3)
    hs, xs = _states(2), _states(3)
    joint = np.array([[np.prod(_sigmoid(c) ** h * (1 - _sigmoid(c)) ** (1 - h))
                       * np.prod(_sigmoid(W @ h + b) ** x * (1 - _sigmoid(W @ h + b)) ** (1 - x)) for x in xs] for h in hs])
    ours = to_numpy(log_joint(f64(np.repeat(hs, 8, 0)), f64(np.tile(xs, (4, 1))), f64(c), f64(W), f64(b)).exp())
    h, x = sample(100_000, f64(c), f64(W), f64(b), torch.Generator().manual_seed(147))
    index = to_numpy(h @ f64([2.0, 1.0])) * 8 + to_numpy(x @ f64([4.0, 2.0, 1.0]))
    counts = np.bincount(index.astype(int), minlength=32)
    p = scipy.stats.chisquare(counts, joint.reshape(-1) * 100_000).pvalue
    return check_close(ours, joint.reshape(-1), atol=1e-12, what="log joint and numpy products over 32 states") & \
        holds(p > 1e-3, "ancestral sampling frequencies: χ² p > 1e-3", f"sampling frequencies: χ² p = {p:.1e}")


@formula("bn.factorization", reference="the enumerated joint of a 4-node DAG: total mass, marginals, d-separation (numpy)")
def check_bn(log_joint=gr.bn_log_joint) -> CheckResult:
    rng = np.random.default_rng(148)
    parents = [[], [0], [0], [1, 2]]  # 0 → 1, 0 → 2, {1, 2} → 3
    cpts = [rng.uniform(0.1, 0.9, size=2 ** len(p)) for p in parents]
    states = _states(4)
    p = to_numpy(log_joint(f64(states), parents, [f64(t) for t in cpts]).exp()).reshape(2, 2, 2, 2)
    total = check_close(p.sum(), 1.0, atol=1e-12, what="Σ p(x) over 16 states")
    marg = check_close(p.sum(axis=(1, 2, 3))[1], cpts[0][0], atol=1e-12, what="p(x_0 = 1) = its table")
    p012 = p.sum(3)
    given0 = p012 / p012.sum(axis=(1, 2), keepdims=True)
    indep = check_close(given0, given0.sum(2, keepdims=True) * given0.sum(1, keepdims=True), atol=1e-12,
                        what="x_1 ⊥ x_2 | x_0 (d-separated)")
    given03 = p / p.sum(axis=(1, 2), keepdims=True)
    dep = float(np.abs(given03 - given03.sum(2, keepdims=True) * given03.sum(1, keepdims=True)).max())
    explain = holds(dep > 1e-3, f"but not given x_3 as well (explaining away: {dep:.3f})",
                    "x_1 ⊥ x_2 | x_0, x_3 although x_3 is a common child")
    return total & marg & indep & explain


@formula("mrf.factorization", reference="scipy.optimize.minimize (SLSQP) of −H(p) under the moment constraints; brute force")
def check_mrf(fit=gr.maxent_fit, joint=gr.mrf_joint) -> CheckResult:
    states = _states(3)
    edges = [(0, 1), (1, 2), (0, 2)]
    feats = np.concatenate([states, np.stack([states[:, i] * states[:, j] for i, j in edges], 1)], 1)  # (8, 6)
    rng = np.random.default_rng(149)
    target = rng.dirichlet(np.ones(8)) @ feats  # moments of some distribution: feasible
    cons = [{"type": "eq", "fun": lambda q: q @ feats - target}, {"type": "eq", "fun": lambda q: q.sum() - 1}]
    res = scipy.optimize.minimize(lambda q: float(np.sum(q * np.log(np.maximum(q, 1e-300)))), np.full(8, 1 / 8),
                                  jac=lambda q: np.log(np.maximum(q, 1e-300)) + 1, constraints=cons,
                                  bounds=[(1e-12, 1)] * 8, method="SLSQP", options={"ftol": 1e-15, "maxiter": 500})
    w, p = fit(f64(feats), f64(target))
    maxent = check_close(p, res.x, atol=1e-6, what="max-entropy p by SLSQP and exp(w·φ)/Z by Newton on the dual")
    rng2 = np.random.default_rng(150)
    psi = [rng2.uniform(0.5, 3, size=(2, 2)) for _ in edges]
    brute = np.array([np.prod([psi[k][int(s[i]), int(s[j])] for k, (i, j) in enumerate(edges)]) for s in states])
    pairwise = check_close(joint([f64(q) for q in psi], edges, 3), brute / brute.sum(), atol=1e-12,
                           what="pairwise MRF: ∏ψ/Z and brute force")
    return maxent & pairwise
