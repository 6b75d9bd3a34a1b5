"""Checks of ``edl.bayesian.dynamics`` (book labels ``bayes.hmc`` … ``bayes.langevin-overdamped``) and of the
errata there.

Independent routes: ``scipy.integrate.solve_ivp`` and ``scipy.linalg.expm`` for the exact Hamiltonian flow,
``scipy.stats.multivariate_normal`` for the kinetic energy, autograd Jacobians of the integrators, the exact
Gaussian posterior of Bayesian linear regression, and ``scipy.linalg.solve_discrete_lyapunov`` for the
stationary covariances of the discretised Langevin dynamics.
"""

import functools

import numpy as np
import scipy.integrate
import scipy.linalg
import scipy.stats
import torch

from edl.bayesian import dynamics as dy
from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula

F64 = torch.float64
HESSIAN = np.array([[2.0, 0.3], [0.3, 1.0]])


def _quadratic(A):
    A = f64(A)
    return (lambda t: 0.5 * ((t @ A) * t).sum(-1)), (lambda t: t @ A)


@formula("bayes.hmc", reference="scipy solve_ivp and expm of the exact flow; scipy multivariate_normal for the kinetic term")
def check_hmc(flow=dy.hamiltonian_flow) -> CheckResult:
    E, grad = _quadratic(HESSIAN)
    M = np.array([[2.0, 0.5], [0.5, 1.0]])
    M_inv = np.linalg.inv(M)
    theta, v = np.array([1.0, -0.5]), np.array([0.3, 0.8])
    H = float(dy.hamiltonian(E, f64([theta]), f64([v]), f64(M_inv))[0])
    ref = 0.5 * theta @ HESSIAN @ theta - scipy.stats.multivariate_normal(np.zeros(2), M).logpdf(v) \
        - 0.5 * np.log(np.linalg.det(2 * np.pi * M))

    def rhs(_, z):
        th, vv = flow(grad, f64([z[:2]]), f64([z[2:]]), f64(M_inv))
        return np.concatenate([th[0].numpy(), vv[0].numpy()])
    sol = scipy.integrate.solve_ivp(rhs, (0, 5), np.concatenate([theta, v]), rtol=1e-11, atol=1e-12)
    Hs = [float(dy.hamiltonian(E, f64([z[:2]]), f64([z[2:]]), f64(M_inv))[0]) for z in sol.y.T]
    J = np.stack([rhs(0, e) for e in np.eye(4)], 1)                       # the (linear) vector field as a matrix
    return all_of(check_close(H, ref, atol=1e-12, what="H = E(θ) − log N(v; 0, M) + const"),
                  check_close(np.array(Hs) - H, np.zeros(len(Hs)), atol=1e-8, what="exact flow for t ∈ [0, 5]: H conserved"),
                  check_close(np.linalg.det(scipy.linalg.expm(5 * J)), 1.0, atol=1e-10,
                              what="det of the time-5 flow map (volume preserved)"))


@erratum("ch09-11:E15", wrong=r"\dot v=-E(\theta)", right=r"\dot v=-\nabla E(\theta)",
         why="A force equal to minus the energy itself is not a Hamiltonian flow: the energy drifts along the "
             "trajectory and the sampler would reject almost every long proposal.")
def seed_force_without_gradient() -> CheckResult:
    E, _ = _quadratic(HESSIAN)

    def wrong_flow(grad_E, theta, v_, M_inv=None):
        return v_ @ M_inv, -E(theta)[:, None].expand_as(theta)
    return check_hmc(flow=wrong_flow)


@functools.cache
def blr_posterior_problem(n: int = 50, d: int = 3, sigma2: float = 0.25, seed: int = 0):
    """Bayesian linear regression with prior N(0, I): energy Hessian A, its minimiser (the posterior mean)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + np.sqrt(sigma2) * rng.normal(size=n)
    A = X.T @ X / sigma2 + np.eye(d)                                       # ∇²E = posterior precision
    return A, np.linalg.solve(A, X.T @ y / sigma2)


def hmc_experiment(integrator: str = "leapfrog", n_chains: int = 40, n_iter: int = 250, seed: int = 1):
    """HMC on the exact Gaussian posterior of Bayesian linear regression (d = 3, n = 50, σ² = 0.25): step
    0.3/√λ_max(∇²E), L ~ Unif{5..24}, chains started at the posterior mean. Returns the acceptance rate,
    the largest mean error in posterior standard deviations and the largest relative sd error."""
    A, mu = blr_posterior_problem()
    At, mut = f64(A), f64(mu)
    E = lambda t: 0.5 * (((t - mut) @ At) * (t - mut)).sum(-1)            # noqa: E731
    grad = lambda t: (t - mut) @ At                                       # noqa: E731
    eta = 0.3 / np.sqrt(np.linalg.eigvalsh(A).max())
    randoms = dy.hmc_random_numbers(n_iter, n_chains, 3, (5, 24), torch.Generator().manual_seed(seed))
    xs, acc = dy.hmc_chains(E, grad, mut.expand(n_chains, 3), eta, randoms, integrator)
    sd = np.sqrt(np.diag(np.linalg.inv(A)))
    samples = xs.reshape(-1, 3).numpy()
    return float(acc.mean()), float(np.abs(samples.mean(0) - mu).max() / sd.min()), \
        float(np.abs(samples.std(0) / sd - 1).max())


@formula("bayes.hmc-leapfrog", reference="autograd Jacobians of the integrator; HMC on an exact Gaussian posterior")
def check_leapfrog(integrator="leapfrog") -> CheckResult:
    step = dy.leapfrog if integrator == "leapfrog" else dy.explicit_euler
    E, grad = _quadratic(HESSIAN)

    def one_map(z):
        th, vv = step(grad, z[None, :2], z[None, 2:], 0.1, 1)
        return torch.cat([th[0], vv[0]])
    J = torch.autograd.functional.jacobian(one_map, f64([0.4, -0.2, 0.1, 0.5]))
    th, vv = step(grad, f64([[1.0, -0.5]]), f64([[0.3, 0.8]]), 0.1, 30)
    back_th, back_v = step(grad, th, -vv, 0.1, 30)
    acc, mean_err, sd_err = hmc_experiment(integrator, n_chains=40, n_iter=100)
    return all_of(check_close(float(torch.linalg.det(J)), 1.0, atol=1e-12,
                              what="∇²E = [[2, .3], [.3, 1]], η = 0.1: Jacobian determinant of one step (autograd)"),
                  check_close(torch.cat([back_th, -back_v], 1), f64([[1.0, -0.5, 0.3, 0.8]]), atol=1e-12,
                              what="30 steps forward, flip v, 30 steps back: the start again"),
                  holds(acc > 0.95 and mean_err < 0.1 and sd_err < 0.1,
                        "HMC on a Gaussian posterior (d = 3): acceptance > 0.95, means within 0.1 sd, sds within 10%",
                        f"HMC: acceptance {acc:.3f}, mean error {mean_err:.2f} sd, sd error {100 * sd_err:.0f}%"))


@erratum("ch09-11:E16", wrong=r"\theta_{t+1}=\theta_t+\eta v_t,\quad v_{t+1}=v_t-\eta\nabla E(\theta_t)",
         right=r"v_{t+\frac12}=v_t-\tfrac\eta2\nabla E(\theta_t),\ \theta_{t+1}=\theta_t+\eta v_{t+\frac12},\ "
               r"v_{t+1}=v_{t+\frac12}-\tfrac\eta2\nabla E(\theta_{t+1})",
         why="Explicit Euler expands phase-space volume by det(I + η²∇²E) per step and is not reversible: the energy "
             "error grows geometrically, almost every proposal is rejected, and the accept step no longer "
             "targets the posterior.")
def seed_explicit_euler() -> CheckResult:
    return check_leapfrog(integrator="euler")


@formula("bayes.langevin-overdamped", reference="stationary variance by scipy.linalg.solve_discrete_lyapunov")
def check_langevin_overdamped(sampler=dy.langevin_overdamped) -> CheckResult:
    eta = 0.1
    exact = float(scipy.linalg.solve_discrete_lyapunov(np.array([[1 - eta]]), np.array([[2 * eta]]))[0, 0])
    xs = sampler(lambda x: x, torch.zeros(4000, 1, dtype=F64), eta, 150, torch.Generator().manual_seed(13))
    var = float(xs[100:].var())
    return all_of(check_close(exact, 1 / (1 - eta / 2), atol=1e-12, what="f = x²/2, η = 0.1: Lyapunov variance = 1/(1 − η/2)"),
                  check_close(var, exact, rtol=0.02, what="4000 chains, steps 100–150: sample variance"),
                  holds(var > 1.03, "and the O(η) bias is visible: variance > 1.03 (target 1)",
                        f"sample variance {var:.4f} shows no bias above the target's 1"))


@formula("bayes.langevin-underdamped", reference="stationary covariance by scipy.linalg.solve_discrete_lyapunov")
def check_langevin_underdamped(sampler=dy.langevin_underdamped) -> CheckResult:
    eta, beta = 0.05, 1.0
    A = np.array([[1.0, eta], [-eta, 1 - eta * beta]])
    exact = scipy.linalg.solve_discrete_lyapunov(A, np.diag([0.0, 2 * beta * eta]))
    th, vv = sampler(lambda t: t, torch.zeros(2000, 1, dtype=F64), torch.zeros(2000, 1, dtype=F64), eta, beta, 400,
                     torch.Generator().manual_seed(14))
    z = torch.stack([th[200:, :, 0], vv[200:, :, 0]], -1).reshape(-1, 2).numpy()
    return all_of(check_close(exact, [[1.0533, -0.027], [-0.027, 1.0789]], atol=1e-4,
                              what="E = θ²/2, β = 1, η = 0.05: Lyapunov covariance"),
                  check_close(np.cov(z.T, bias=True), exact, atol=0.03 * 1.08,
                              what="2000 chains, steps 200–400: sample covariance within 3%"))
