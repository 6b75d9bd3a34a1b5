"""Checks of ``edl.diffusion.latent`` (book labels ``vi.variational-inference``, ``sparse.sparse-coding``,
``sparse.ista``, ``lda.generative-process``, ``kmeans.objective``, ``repr.disentanglement``) and of the
errata there.

Independent routes: Bayes' rule on a discrete latent, the exact Gaussian marginals, scipy's L-BFGS-B
on a split (u − v) form of the lasso, the lasso's optimality (KKT) conditions, simulated documents
(Monte Carlo within 4 SE over documents), ``scipy.cluster.vq.kmeans2`` from the same start, and a
Monte Carlo KL divergence.
"""

import math

import numpy as np
import scipy.cluster.vq
import scipy.optimize
import scipy.stats
import torch

from edl.core.checking import CheckResult, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.diffusion import latent as la


@formula("vi.variational-inference", reference="Bayes' rule on a 5-state latent; the exact Gaussian target for CAVI")
def check_vi(objective=la.vi_objective) -> CheckResult:
    rng = np.random.default_rng(160)
    log_joint = np.log(rng.dirichlet(np.ones(5)) * 0.3)  # log p(x, z), z = 1..5, with p(x) = 0.3
    post = np.exp(log_joint) / np.exp(log_joint).sum()
    at_post = float(objective(f64(post), f64(log_joint)))
    tight = check_close(at_post, -math.log(0.3), atol=1e-12, what="at q = p(z|x) the objective is −log p(x)")
    others = rng.dirichlet(np.ones(5), size=2000)
    values = to_numpy(objective(f64(others), f64(log_joint)))
    kl = (others * np.log(others / post)).sum(1)
    gap = check_close(values - at_post, kl, atol=1e-10, what="2000 other q: objective − min = KL(q ‖ p(z|x))")
    mu, L = np.array([1.0, -0.5]), np.array([[2.0, 0.9], [0.9, 1.0]])
    m, s2 = la.cavi_gaussian(f64(mu), f64(L), iters=100)
    cavi = check_close(torch.cat([m, s2]), np.concatenate([mu, 1 / np.diag(L)]), atol=1e-8,
                       what="CAVI on a correlated 2-D Gaussian: means μ, variances 1/Λ_ii")
    true_var = np.diag(np.linalg.inv(L))
    under = holds(bool((to_numpy(s2) < true_var).all()),
                  f"mean-field variances {np.round(to_numpy(s2), 3).tolist()} < marginals {np.round(true_var, 3).tolist()}",
                  "mean-field variances are not below the true marginal variances")
    return tight & gap & cavi & under


@erratum("ch09-11:E59", wrong=r"\arg\min_q\{-H(q)-\mathbb E_q\log z\}", right=r"\arg\min_q\{-H(q)-\mathbb E_q\log p(x,z)\}",
         why="The expected log of the latent's own value ignores the data and the model altogether; its minimiser "
             "has nothing to do with the posterior, and the minimum is not −log p(x).")
def seed_vi_log_z() -> CheckResult:
    z = f64(np.arange(1, 6))
    return check_vi(objective=lambda q, log_joint: (q * torch.log(q)).sum(-1) - (q * torch.log(z)).sum(-1))


@erratum("ch09-11:E60", wrong=r"\log p(x)=\max_q H(q|z)+\mathbb E_q\log p(x,z)", right=r"\log p(x)=\max_q H(q)+\mathbb E_q\log p(x,z)",
         why="A distribution over z has no entropy left given z (H(q|z) = 0), so the objective loses its entropy "
             "term: the maximiser collapses onto the single most probable z and the maximum is no longer log p(x).")
def seed_vi_conditional_entropy() -> CheckResult:
    return check_vi(objective=lambda q, log_joint: -(q * log_joint).sum(-1))


def _lasso_problem(seed=161, d=50, k=100):
    rng = np.random.default_rng(seed)
    D = rng.normal(size=(d, k)) / math.sqrt(d)
    h_true = np.zeros(k)
    h_true[rng.choice(k, 8, replace=False)] = rng.normal(size=8) * 2
    return D, D @ h_true + 0.05 * rng.normal(size=d)


@formula("sparse.sparse-coding", reference="scipy.optimize.minimize (L-BFGS-B) on h = u − v, u, v ≥ 0")
def check_sparse_coding(solve=la.ista, objective=la.lasso_objective) -> CheckResult:
    D, x = _lasso_problem()
    lam = 0.1
    h, hist = solve(f64(D), f64(x), lam, 2000)
    k = D.shape[1]

    def f(uv):
        u, v = uv[:k], uv[k:]
        r = D @ (u - v) - x
        g = D.T @ r
        return 0.5 * r @ r + lam * uv.sum(), np.concatenate([g + lam, -g + lam])

    res = scipy.optimize.minimize(f, np.zeros(2 * k), jac=True, method="L-BFGS-B", bounds=[(0, None)] * (2 * k),
                                  options={"ftol": 1e-16, "gtol": 1e-12, "maxiter": 20_000})
    ours = float(objective(h, f64(D), f64(x), lam))
    return check_close(ours, res.fun, atol=1e-6, what="d = 50, k = 100, λ = 0.1: lasso objective of ISTA and L-BFGS-B") & \
        holds(int((h.abs() > 1e-8).sum()) < k // 2, f"the code is sparse: {int((h.abs() > 1e-8).sum())} of {k} non-zero",
              "the code is not sparse")


@formula("sparse.ista", reference="the lasso's optimality (KKT) conditions, tight on the support")
def check_ista(solve=la.ista) -> CheckResult:
    D, x = _lasso_problem(162)
    lam = 0.1
    h, hist = solve(f64(D), f64(x), lam, 2000)
    h, hist = to_numpy(h), to_numpy(hist)
    corr = D.T @ (x - D @ h)
    support = np.abs(h) > 1e-10
    kkt = holds(np.abs(corr).max() <= lam + 1e-6, "|Dᵀ(x − Dh)|_i ≤ λ + 1e-6 for all i",
                f"|Dᵀ(x − Dh)| reaches {np.abs(corr).max():.4g} > λ = {lam}")
    on = holds(np.allclose(corr[support], lam * np.sign(h[support]), atol=1e-6),
               f"= λ·sign(h_i) on the {int(support.sum())} active coordinates (tight)",
               "on the support Dᵀ(x − Dh) ≠ λ sign(h)")
    mono = holds(bool((np.diff(hist) <= 1e-12).all()), "objective non-increasing over 2000 steps",
                 "the objective increases at some step")
    return kkt & on & mono


@formula("lda.generative-process", reference="10⁴ simulated documents: pooled word frequencies within 4 SE (over documents)")
def check_lda(sample=la.lda_sample, marginal=la.lda_word_marginal) -> CheckResult:
    rng = np.random.default_rng(163)
    alpha = np.array([0.5, 1.0, 2.0])
    beta = rng.dirichlet(np.ones(6), size=3).T  # (6 words, 3 topics), columns sum to 1
    counts = to_numpy(sample(10_000, 50, f64(alpha), f64(beta), torch.Generator().manual_seed(163)))
    freq = counts / 50  # per-document word frequencies: independent across documents
    expected = to_numpy(marginal(f64(alpha), f64(beta)))
    out = None
    for w in range(6):
        r = check_monte_carlo(freq[:, w], float(expected[w]), what=f"word {w}")
        out = r if out is None else out & r
    return out


@formula("kmeans.objective", reference="scipy.cluster.vq.kmeans2 from the same initial centres")
def check_kmeans(run=la.lloyd) -> CheckResult:
    rng = np.random.default_rng(164)
    X = np.concatenate([rng.normal(c, 0.6, size=(100, 2)) for c in ([0, 0], [3, 1], [1, 4])])
    init = X[[0, 100, 1]]
    mu, assign, hist = run(f64(X), f64(init), 100)
    ref, ref_assign = scipy.cluster.vq.kmeans2(X, init.copy(), iter=100, minit="matrix")
    return check_close(mu, ref, atol=1e-10, what="Lloyd's centres and scipy's") & \
        holds(bool((to_numpy(assign) == ref_assign).all()), "same assignments", "assignments differ from scipy's") & \
        holds(bool((np.diff(to_numpy(hist)) <= 1e-12).all()), f"objective non-increasing over {len(hist)} iterations",
              "the objective increases")


@formula("repr.disentanglement", reference="Monte Carlo KL(q(z) ‖ ∏q(z_i)) over 10⁶ draws (4 SE)")
def check_total_correlation(tc=la.gaussian_total_correlation) -> CheckResult:
    S = np.array([[1.0, 0.6, 0.2], [0.6, 2.0, -0.4], [0.2, -0.4, 0.5]])
    rng = np.random.default_rng(165)
    z = rng.multivariate_normal(np.zeros(3), S, size=1_000_000)
    log_ratio = scipy.stats.multivariate_normal(np.zeros(3), S).logpdf(z) - \
        scipy.stats.norm(0, np.sqrt(np.diag(S))).logpdf(z).sum(1)
    mc = check_monte_carlo(log_ratio, float(tc(f64(S))), what="TC of a 3-D Gaussian")
    zero = check_close(tc(f64(np.diag([1.0, 2.0, 0.5]))), 0.0, atol=1e-12, what="TC = 0 for a diagonal Σ (tight)")
    return mc & zero
