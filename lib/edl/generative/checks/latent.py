"""Checks of ``edl.generative.latent`` (book labels ``lvm.*``, ``mix.*``, ``fa.*``, ``ppca.*``) and of the errata there.

Independent routes: ``scipy.integrate.quad`` and the closed-form Gaussian marginal, scipy's multivariate
normal densities on a grid, Gaussian conditioning of the joint (z, x) with numpy, Monte Carlo regressions,
float64 finite differences and scipy's L-BFGS on the likelihood.
"""

import math

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.stats
import torch

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.generative.checks import one_thread
from edl.generative import latent as la


@formula("lvm.marginal-likelihood", reference="scipy.integrate.quad of p(x|z)p(z); the closed form N(x; 0, w² + s²)")
@one_thread
def check_marginal_likelihood(marginal=la.marginal_likelihood) -> CheckResult:
    w, s = 1.5, 0.7
    xs = [-2.0, 0.3, 1.7]

    def lik(x, z):
        return -0.5 * (x - w * z) ** 2 / s**2 - 0.5 * math.log(2 * math.pi * s**2)

    ours = [float(marginal(lik, x)) for x in xs]
    quad = [scipy.integrate.quad(lambda z, x=x: scipy.stats.norm.pdf(x, w * z, s) * scipy.stats.norm.pdf(z), -12, 12,
                                 epsabs=1e-13)[0] for x in xs]
    closed = scipy.stats.norm.pdf(xs, 0, math.sqrt(w**2 + s**2))
    x = 1.7
    post = scipy.integrate.quad(lambda z: scipy.stats.norm.pdf(x, w * z, s) * scipy.stats.norm.pdf(z) / ours[2], -12, 12)[0]
    return all_of(check_close(ours, quad, atol=1e-10, what="p(x) at x = −2, 0.3, 1.7 and quad"),
                  check_close(ours, closed, atol=1e-10, what="and N(x; 0, w² + s²)"),
                  check_close(post, 1.0, atol=1e-9, what="p(z|x) = p(x, z)/p(x) integrates to 1"))


def _gmm_params():
    w = np.array([0.5, 0.3, 0.2])
    mu = np.array([[0.0, 0.0], [2.5, 1.0], [-1.0, 2.5]])
    S = np.array([[[1.0, 0.3], [0.3, 0.6]], [[0.4, -0.1], [-0.1, 0.8]], [[0.7, 0.0], [0.0, 0.3]]])
    return w, mu, S


@formula("mix.mixture-model", reference="scipy multivariate normal densities; a 400 × 400 grid; EM's log-likelihood")
@one_thread
def check_mixture(log_density=la.gmm_log_density, resp=la.gmm_responsibilities, em=la.gmm_em) -> CheckResult:
    w, mu, S = _gmm_params()
    g = np.linspace(-7, 8, 400)
    grid = np.stack(np.meshgrid(g, g), -1).reshape(-1, 2)
    dens = np.exp(to_numpy(log_density(f64(grid), f64(w), f64(mu), f64(S))))
    ref = sum(w[k] * scipy.stats.multivariate_normal(mu[k], S[k]).pdf(grid) for k in range(3))
    rng = np.random.default_rng(110)
    pts = rng.normal(size=(50, 2)) * 2
    comp = np.stack([w[k] * scipy.stats.multivariate_normal(mu[k], S[k]).pdf(pts) for k in range(3)], 1)
    r = to_numpy(resp(f64(pts), f64(w), f64(mu), f64(S)))
    labels = rng.choice(3, size=600, p=w)
    X = np.stack([rng.multivariate_normal(mu[k], S[k]) for k in labels])
    *_, hist = em(f64(X), f64([1 / 3] * 3), f64(X[[0, 1, 2]]), f64(np.stack([np.eye(2)] * 3)), iters=50)
    steps = np.diff(to_numpy(hist))
    return all_of(check_close(dens, ref, rtol=1e-10, atol=1e-300, what="density on a grid and scipy's mixture"),
                  check_close(dens.sum() * (g[1] - g[0]) ** 2, 1.0, atol=1e-3, what="∫p over the grid"),
                  check_close(r, comp / comp.sum(1, keepdims=True), atol=1e-12, what="responsibilities and Bayes' rule"),
                  holds(steps.min() >= -1e-10, "EM, 50 iterations on 600 points: log-likelihood never decreases",
                        f"EM's log-likelihood drops by {-steps.min():.3g}"))


def _fa_params():
    W = np.array([[1.0, 0.2], [0.8, -0.5], [0.3, 1.1], [-0.6, 0.4], [0.5, 0.5]])
    psi = np.array([0.3, 0.5, 0.2, 0.4, 0.6])
    return np.array([1.0, -1.0, 0.5, 0.0, 2.0]), W, psi


@formula("fa.model", reference="empirical covariance of 10⁶ simulated draws")
@one_thread
def check_fa_model(cov=la.fa_covariance, sample=la.fa_sample) -> CheckResult:
    mu, W, psi = _fa_params()
    x = to_numpy(sample(1_000_000, f64(mu), f64(W), f64(psi), torch.Generator().manual_seed(111)))
    return check_close(np.cov(x.T), to_numpy(cov(f64(W), f64(psi))), atol=0.02, what="covariance WWᵀ + Ψ (n = 5, m = 2)") & \
        check_close(x.mean(0), mu, atol=0.01, what="mean μ")


@formula("fa.non-identifiability", reference="scipy.stats.multivariate_normal.logpdf for W and WQ, Q orthogonal")
@one_thread
def check_fa_rotation(loglik=la.fa_log_likelihood) -> CheckResult:
    mu, W, psi = _fa_params()
    rng = np.random.default_rng(112)
    X = rng.normal(size=(200, 5)) + mu
    Q = np.linalg.qr(rng.normal(size=(2, 2)))[0]
    ref = scipy.stats.multivariate_normal(mu, W @ W.T + np.diag(psi)).logpdf(X).sum()
    a, b = float(loglik(f64(X), f64(mu), f64(W), f64(psi))), float(loglik(f64(X), f64(mu), f64(W @ Q), f64(psi)))
    W2 = W.copy()
    W2[0, 0] += 0.1
    c = float(loglik(f64(X), f64(mu), f64(W2), f64(psi)))
    return all_of(check_close(a, ref, rtol=1e-12, what="log-likelihood and scipy"),
                  check_close(b, ref, rtol=1e-12, what="the same with W → WQ"),
                  holds(abs(c - ref) > 1e-3, "a change of W that is not a rotation does change it",
                        "the likelihood ignores W altogether"))


@formula("fa.posterior", reference="Gaussian conditioning of the joint (z, x) with numpy; Monte Carlo regression of z on x")
@one_thread
def check_fa_posterior(posterior=la.fa_posterior) -> CheckResult:
    mu, W, psi = _fa_params()
    C = W @ W.T + np.diag(psi)
    x = np.array([2.0, 0.0, 1.0, -1.0, 1.5])
    m, S = posterior(f64(x), f64(mu), f64(W), f64(psi))
    m_ref = W.T @ np.linalg.solve(C, x - mu)
    S_ref = np.eye(2) - W.T @ np.linalg.solve(C, W)
    rng = np.random.default_rng(113)
    z = rng.normal(size=(400_000, 2))
    xs = mu + z @ W.T + rng.normal(size=(400_000, 5)) * np.sqrt(psi)
    B = np.linalg.lstsq(np.c_[xs - mu, np.ones(len(xs))], z, rcond=None)[0]
    return all_of(check_close(m, m_ref, atol=1e-10, what="posterior mean: both forms"),
                  check_close(S, S_ref, atol=1e-10, what="posterior covariance: both forms"),
                  check_close(np.r_[x - mu, 1] @ B, m_ref, atol=0.01, what="regression of z on x over 4·10⁵ draws"))


@formula("fa.mle", reference="float64 finite differences of scipy's log-likelihood in μ; EM's log-likelihood")
@one_thread
def check_fa_mle(em=la.fa_em) -> CheckResult:
    mu, W, psi = _fa_params()
    rng = np.random.default_rng(114)
    X = mu + rng.normal(size=(500, 2)) @ W.T + rng.normal(size=(500, 5)) * np.sqrt(psi)
    m_hat, W_hat, psi_hat, hist = em(f64(X), f64(rng.normal(size=(5, 2))), f64(np.ones(5)), iters=100)
    m_hat, W_hat, psi_hat = to_numpy(m_hat), to_numpy(W_hat), to_numpy(psi_hat)
    dist = scipy.stats.multivariate_normal
    C = W_hat @ W_hat.T + np.diag(psi_hat)
    h = 1e-5
    grad = np.array([(dist(m_hat + h * e, C).logpdf(X).sum() - dist(m_hat - h * e, C).logpdf(X).sum()) / (2 * h)
                     for e in np.eye(5)])
    steps = np.diff(to_numpy(hist))
    return all_of(check_close(grad, np.zeros(5), atol=1e-6, what="∇_μ log p at the sample mean (finite differences)"),
                  check_close(float(hist[-1]), dist(m_hat, C).logpdf(X).sum(), rtol=1e-10, what="EM's log-likelihood and scipy"),
                  holds(steps.min() >= -1e-9, "100 EM steps: log-likelihood never decreases",
                        f"EM's log-likelihood drops by {-steps.min():.3g}"))


@formula("ppca.pseudo-inverse-limit", reference="numpy.linalg.pinv; log–log slopes over σ = 10⁻¹ … 10⁻⁶")
@one_thread
def check_ppca_limit(posterior=la.ppca_posterior, orthogonal_pinv=np.linalg.pinv) -> CheckResult:
    rng = np.random.default_rng(115)
    U = np.linalg.qr(rng.normal(size=(5, 2)))[0]
    W = U @ np.diag([2.0, 3.0])
    x, mu = rng.normal(size=5), np.zeros(5)
    sig = 10.0 ** -np.arange(1, 7)
    err_m, err_S = [], []
    for s in sig:
        m, S = posterior(f64(x), f64(mu), f64(W), s**2)
        err_m.append(np.linalg.norm(to_numpy(m) - np.linalg.pinv(W) @ x))
        err_S.append(np.linalg.norm(to_numpy(S)))
    slope_m = np.polyfit(np.log(sig[:4]), np.log(err_m[:4]), 1)[0]
    slope_S = np.polyfit(np.log(sig), np.log(err_S), 1)[0]
    rho = np.diag([0.25, 1 / 9]) @ W.T
    return all_of(check_close(slope_m, 2.0, atol=0.1, what="‖μ_z|x − W⁺(x − μ)‖ = O(σ²): log–log slope"),
                  check_close(slope_S, 2.0, atol=0.1, what="‖Σ_z|x‖ = O(σ²): slope"),
                  check_close(orthogonal_pinv(W), rho, atol=1e-12, what="orthogonal columns of norms 2, 3: W⁺ = diag(ρ⁻²)Wᵀ"),
                  check_close(orthogonal_pinv(U), U.T, atol=1e-12, what="orthonormal columns: W⁺ = Wᵀ"))


@erratum("ch09-11:E32", wrong=r"W\text{ has orthogonal columns}\Rightarrow W^\dagger=W^\top",
         right=r"W\text{ has orthonormal columns}\Rightarrow W^\dagger=W^\top",
         why="The PPCA optimum has orthogonal columns of lengths ρ_i, so its pseudo-inverse is diag(ρ_i⁻²)Wᵀ: "
             "using Wᵀ scales every latent coordinate by ρ_i² too much.")
def seed_ppca_orthogonal() -> CheckResult:
    return check_ppca_limit(orthogonal_pinv=lambda W: W.T)


def _ppca_loglik(W, s2, S, N):
    C = W @ W.T + s2 * np.eye(len(S))
    return -0.5 * N * (len(S) * math.log(2 * math.pi) + np.linalg.slogdet(C)[1] + np.trace(np.linalg.solve(C, S)))


@formula("ppca.mle", reference="finite-difference gradient of the log-likelihood; scipy L-BFGS from 5 starts")
@one_thread
def check_ppca_mle(mle=la.ppca_mle) -> CheckResult:
    rng = np.random.default_rng(116)
    W0 = rng.normal(size=(6, 2)) * 2
    X = rng.normal(size=(5000, 2)) @ W0.T + 0.5 * rng.normal(size=(5000, 6))
    S = np.cov(X.T, bias=True)
    W, s2 = mle(f64(S), 2)
    W, s2 = to_numpy(W), float(s2)
    theta = np.r_[W.ravel(), math.log(s2)]

    def nll(t):
        return -_ppca_loglik(t[:12].reshape(6, 2), math.exp(t[12]), S, 5000) / 5000

    h = 1e-6
    grad = np.array([(nll(theta + h * e) - nll(theta - h * e)) / (2 * h) for e in np.eye(13)])
    best = min(scipy.optimize.minimize(nll, np.r_[rng.normal(size=12), 0.0], method="L-BFGS-B").fun for _ in range(5))
    Q = np.linalg.qr(rng.normal(size=(2, 2)))[0]
    # with a fixed noise above an eigenvalue, that loading must vanish: the maximiser over W alone
    lam = np.sort(np.linalg.eigvalsh(S))[::-1]
    s2_fix = 0.5 * (lam[0] + lam[1])
    Wf = to_numpy(mle(f64(S), 2, s2_fix)[0])
    fixed = min(scipy.optimize.minimize(lambda w: -_ppca_loglik(w.reshape(6, 2), s2_fix, S, 5000) / 5000,
                                        rng.normal(size=12), method="L-BFGS-B").fun for _ in range(2))
    return all_of(
        check_close(np.linalg.norm(grad) / (1 + abs(nll(theta))), 0.0, atol=1e-6, what="relative ‖∇ log-likelihood‖"),
        holds(best >= nll(theta) - 1e-6, "L-BFGS from 5 random starts does not beat it (1e-6)",
              f"L-BFGS beats the closed form by {nll(theta) - best:.3g}"),
        check_close(_ppca_loglik(W @ Q, s2, S, 5000), _ppca_loglik(W, s2, S, 5000), rtol=1e-12, what="invariant under W → WR"),
        check_close(-_ppca_loglik(Wf, s2_fix, S, 5000) / 5000, fixed, atol=1e-6,
                    what=f"fixed σ² = {s2_fix:.3f} above λ₂: clipped ρ₂ = 0 attains the L-BFGS optimum"))


@erratum("ch09-11:E33", wrong=r"\rho_i=\max\{0,\sqrt{\lambda_i-\sigma^2}\}", right=r"\rho_i=\sqrt{\max\{0,\lambda_i-\sigma^2\}}",
         why="Taking the root first fails exactly when it matters: for an eigenvalue below the noise level the "
             "root of a negative number is NaN, and max{0, NaN} stays NaN.")
def seed_ppca_clip() -> CheckResult:
    def wrong(S, m, sigma2=None):
        lam, U = torch.linalg.eigh(S)
        lam, U = lam.flip(0), U.flip(1)
        s2 = lam[m:].mean() if sigma2 is None else torch.tensor(sigma2, dtype=S.dtype)
        rho = torch.clamp(torch.sqrt(lam[:m] - s2), min=0)
        return U[:, :m] * rho, s2
    with np.errstate(invalid="ignore"):  # the NaN is the demonstration: no warning on the page
        return check_ppca_mle(mle=wrong)
