"""Checks of ``edl.bayesian.markov`` (book labels ``bayes.detailed-balance`` … ``bayes.tempering``) and of the
errata there.

Independent routes: NumPy eigenvectors and matrix powers, ``networkx.conductance`` on a barbell graph, the
two-state chain where Cheeger's upper bound is an equality, SciPy densities (``lognorm``, ``norm``,
``multivariate_normal``), quadrature for the tempering normalisers, Kolmogorov–Smirnov tests and Monte Carlo
within its standard error.
"""

import functools

import networkx as nx
import numpy as np
import scipy.integrate
import scipy.stats
import torch

from edl.bayesian import markov as mk
from edl.core.checking import CheckResult, all_of, check_close, check_leq, f64, holds, to_numpy
from edl.core.ledger import erratum, formula

F64 = torch.float64


def _target_and_proposal(n: int = 6, seed: int = 5):
    rng = np.random.default_rng(seed)
    b = rng.uniform(0.2, 3.0, size=n)
    return b, np.full((n, n), 1.0 / n)


@formula("bayes.detailed-balance", reference="NumPy probability flows, rows and the fixed point πT = π")
def check_detailed_balance(gap=mk.detailed_balance_gap) -> CheckResult:
    b, Q = _target_and_proposal()
    pi = b / b.sum()
    T = to_numpy(mk.metropolis_hastings_matrix(f64(b), f64(Q)))
    flow = pi[:, None] * T
    cyc = np.array([[0.1, 0.6, 0.3], [0.3, 0.1, 0.6], [0.6, 0.3, 0.1]])   # doubly stochastic, uniform π, not reversible
    return all_of(check_close(flow, flow.T, atol=1e-14, what="6-state MH chain: π_i T_ij vs π_j T_ji"),
                  check_close(pi @ T, pi, atol=1e-12, what="hence πT = π"),
                  check_close(float(gap(f64(pi), f64(T))), np.abs(flow - flow.T).max(), atol=1e-15,
                              what="gap of the MH chain vs NumPy"),
                  check_close(float(gap(f64(np.full(3, 1 / 3)), f64(cyc))), 0.1, atol=1e-15,
                              what="a cyclic chain: stationary (πT = π) yet gap |0.6 − 0.3|/3 = 0.1"))


def _stationary_space_dim(T: np.ndarray) -> int:
    """Dimension of {π : πT = π}, from NumPy's eigenvalues (an independent count)."""
    return int(np.sum(np.abs(np.linalg.eigvals(T.T) - 1.0) < 1e-9))


def _unique_when_irreducible(irreducible: bool, aperiodic: bool) -> bool:
    return irreducible


@formula("bayes.stationary-distribution", reference="NumPy eigenvectors and matrix powers; a periodic and a lazy chain")
def check_stationary(stationary=mk.stationary_distribution, unique_when=_unique_when_irreducible) -> CheckResult:
    flip = np.array([[0.0, 1.0], [1.0, 0.0]])
    lazy = (np.eye(2) + flip) / 2
    rng = np.random.default_rng(6)
    R = rng.uniform(size=(5, 5))
    R /= R.sum(1, keepdims=True)
    w, V = np.linalg.eig(R.T)
    ref = np.real(V[:, np.argmin(np.abs(w - 1))])
    chains = {"flip (irreducible, period 2)": (flip, True, False), "lazy flip": (lazy, True, True),
              "identity on 2 states (reducible)": (np.eye(2), False, True), "random 5-state": (R, True, True)}
    wrong = [name for name, (T, irr, ape) in chains.items() if unique_when(irr, ape) != (_stationary_space_dim(T) == 1)]
    powers = np.linalg.matrix_power(flip, 50), np.linalg.matrix_power(flip, 51)
    return all_of(check_close(stationary(f64(flip)), [0.5, 0.5], atol=1e-14, what="flip chain: unique π = (½, ½)"),
                  check_close(stationary(f64(R)), ref / ref.sum(), atol=1e-12, what="random 5-state chain vs eigenvector"),
                  holds(not wrong, "uniqueness ⇔ irreducibility on 4 chains (periodic, lazy, reducible, random)",
                        f"the stated condition for uniqueness is wrong for: {', '.join(wrong)}"),
                  holds(np.abs(powers[0] - powers[1]).max() == 1.0 and
                        np.abs(np.linalg.matrix_power(lazy, 50) - 0.5).max() < 1e-12,
                        "flip: Tⁿ oscillates; lazy ½(I+T): ‖T⁵⁰ − 1π‖ < 1e-12 (aperiodicity gives convergence)",
                        "matrix powers do not behave as periodicity predicts"))


@erratum("ch09-11:E12", wrong=r"\pi\text{ unique}\iff\text{irreducible and aperiodic (acyclic)}",
         right=r"\text{irreducible}\Rightarrow\pi\text{ unique};\ \text{irreducible}+\text{aperiodic}\Rightarrow P(X_n=\cdot)\to\pi",
         why="The two-state flip chain is periodic and still has the unique stationary law (½, ½); aperiodicity "
             "is what makes the chain converge to it, and an acyclic finite graph cannot even be irreducible.")
def seed_aperiodic_for_uniqueness() -> CheckResult:
    return check_stationary(unique_when=lambda irreducible, aperiodic: irreducible and aperiodic)


def _mixture_logpdf(x):
    return torch.logaddexp(-2 * (x + 2) ** 2, -2 * (x - 2) ** 2).sum(-1)       # ½N(−2, ½²) + ½N(2, ½²), unnormalised


def _mixture_cdf(x):
    return 0.5 * scipy.stats.norm.cdf(x, -2, 0.5) + 0.5 * scipy.stats.norm.cdf(x, 2, 0.5)


@formula("bayes.metropolis-hastings", reference="detailed balance (NumPy), KS vs the exact mixture CDF, Gamma(3, 1) with scipy.stats.lognorm")
def check_metropolis_hastings(matrix=mk.metropolis_hastings_matrix, hastings=True) -> CheckResult:
    b, Q = _target_and_proposal(5, seed=7)
    Q = np.random.default_rng(8).uniform(0.1, 1.0, size=(5, 5))
    Q /= Q.sum(1, keepdims=True)                                           # an asymmetric proposal
    T = to_numpy(matrix(f64(b), f64(Q)))
    pi = b / b.sum()
    g = torch.Generator().manual_seed(9)
    # (a) a bimodal target, random-walk proposal σ = 1.5, 100 chains started from the target.
    start = torch.where(torch.rand(100, 1, generator=g, dtype=F64) < 0.5, -2.0, 2.0) + 0.5 * torch.randn(100, 1, generator=g, dtype=F64)
    walk = lambda x, gen: x + 1.5 * torch.randn(x.shape, generator=gen, dtype=x.dtype)   # noqa: E731
    xs, _ = mk.metropolis_hastings(_mixture_logpdf, start, walk, None, 2000, g)
    x = xs[:, :, 0].numpy()
    ks = scipy.stats.kstest(x[::20].ravel(), _mixture_cdf).pvalue
    # (b) Gamma(3, 1) with a multiplicative log-normal proposal x' = x e^{0.5 ξ}: not symmetric.
    log_gamma = lambda z: (2 * torch.log(z) - z).sum(-1)                   # noqa: E731
    mult = lambda z, gen: z * torch.exp(0.5 * torch.randn(z.shape, generator=gen, dtype=z.dtype))  # noqa: E731
    log_q = lambda to, frm: torch.as_tensor(scipy.stats.lognorm.logpdf(to.numpy(), 0.5, scale=frm.numpy()).sum(-1))  # noqa: E731
    gs, _ = mk.metropolis_hastings(log_gamma, torch.full((200, 1), 3.0, dtype=F64), mult, log_q if hastings else None, 600, g)
    gamma_mean = float(gs[100:].mean())
    se = float(gs[100:, :, 0].mean(0).std() / np.sqrt(200))
    z0, z1 = f64([[1.5]]), f64([[2.5]])
    ratio = float(mk.mh_log_ratio(log_gamma, log_q, z0, z1)[0])
    ref = (scipy.stats.gamma.logpdf(2.5, 3) + scipy.stats.lognorm.logpdf(1.5, 0.5, scale=2.5)
           - scipy.stats.gamma.logpdf(1.5, 3) - scipy.stats.lognorm.logpdf(2.5, 0.5, scale=1.5))
    return all_of(check_close(pi @ T, pi, atol=1e-12, what="5 states, asymmetric proposal: πT = π"),
                  check_close(pi[:, None] * T, (pi[:, None] * T).T, atol=1e-14, what="and detailed balance"),
                  holds(abs(x.mean()) < 0.1 and abs(x.var() / 4.25 - 1) < 0.03 and ks > 1e-3,
                        "bimodal target, 2·10⁵ steps: mean 0 ± 0.1, variance 4.25 ± 3%, KS p > 1e-3 (thinned by 20)",
                        f"bimodal target: mean {x.mean():.3f}, variance {x.var():.3f}, KS p {ks:.2g}"),
                  check_close(ratio, ref, atol=1e-12, what="log MH ratio vs scipy gamma and lognorm densities"),
                  holds(abs(gamma_mean - 3.0) < 4 * se + 0.02, "Gamma(3, 1) with the Hastings ratio: mean 3 within 4 SE",
                        f"Gamma(3, 1) target: chain mean {gamma_mean:.3f} (SE {se:.3f}), not 3"))


@erratum("ch09-11:E13", wrong=r"\text{with probability }1\,\alpha(i,j)\text{ go back to }i",
         right=r"\text{with probability }1-\alpha(i,j)\text{ stay at }i,\text{ else move to }j",
         why="Read as printed the chain moves when it should stay: it moves with probability 1 − α, which "
             "breaks detailed balance, and the chain samples the wrong distribution.")
def seed_accept_reject_swapped() -> CheckResult:
    def swapped(b, Q):
        b, Q = torch.as_tensor(b), torch.as_tensor(Q)
        A = torch.clamp((b[None, :] * Q.T) / (b[:, None] * Q), max=1.0)
        T = Q * (1 - A)
        T.fill_diagonal_(0.0)
        return T + torch.diag(1 - T.sum(1))
    return check_metropolis_hastings(matrix=swapped)


@functools.cache
def _barbell():
    G = nx.barbell_graph(5, 0)                                             # two 5-cliques joined by one edge
    A = nx.to_numpy_array(G)
    deg = A.sum(1)
    T = 0.5 * (np.eye(10) + A / deg[:, None])                              # lazy random walk
    return G, T, deg / deg.sum()


@formula("bayes.mixing-conductance", reference="networkx.conductance on a barbell graph; a 2-state chain where 1 − λ₂ = 2Φ*")
def check_conductance(phi=mk.conductance) -> CheckResult:
    G, T, pi = _barbell()
    clique = np.arange(10) < 5
    nx_phi = nx.conductance(G, set(range(5))) / 2                          # lazy walk: half the flow of the simple walk
    best = float(mk.min_conductance(f64(pi), f64(T)))
    gap = float(mk.spectral_gap(f64(pi), f64(T)))
    lam2 = np.sort(np.linalg.eigvals(T).real)[-2]
    p = 0.1
    T2 = np.array([[1 - p, p], [p, 1 - p]])
    gap2, phi2 = float(mk.spectral_gap(f64([0.5, 0.5]), f64(T2))), float(phi(f64([0.5, 0.5]), f64(T2), torch.tensor([True, False])))
    return all_of(check_close(float(phi(f64(pi), f64(T), torch.tensor(clique))), nx_phi, atol=1e-14,
                              what="barbell: Φ(one clique) vs networkx.conductance / 2"),
                  check_close(best, nx_phi, atol=1e-14, what="min over all 2¹⁰ subsets: the bridge cut"),
                  check_close(gap, 1 - lam2, atol=1e-12, what="1 − λ₂ vs NumPy eigenvalues"),
                  check_leq([best**2 / 2, gap], [gap, 2 * best], what="Cheeger ½Φ*² ≤ 1 − λ₂ ≤ 2Φ* on the barbell"),
                  check_close([phi2, gap2], [p, 2 * p], atol=1e-14, what="2 states, flip rate 0.1: Φ* = 0.1, 1 − λ₂ = 0.2 = 2Φ*"))


@erratum("ch09-11:E14", wrong=r"\Phi(S)=\frac{\sum_{i\in S,j\notin S}T_{ij}}{\sum_{i\in S}\pi_i}",
         right=r"\Phi(S)=\frac{\sum_{i\in S,j\notin S}\pi_iT_{ij}}{\sum_{i\in S}\pi_i}",
         why="Without π_i the numerator is not a probability flow: the ratio is not the escape probability of the "
             "set, can exceed 1, and no longer bounds the spectral gap.")
def seed_conductance_without_pi() -> CheckResult:
    def no_pi(pi, T, S):
        S = torch.as_tensor(S)
        return T[S][:, ~S].sum() / pi[S].sum()
    return check_conductance(phi=no_pi)


@formula("bayes.gibbs-sampling", reference="scipy.stats multivariate and conditional normal densities; sample covariance")
def check_gibbs(sampler=mk.gibbs_bivariate_normal, cond_var=lambda rho: 1 - rho**2) -> CheckResult:
    rho = 0.9
    joint = scipy.stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]])
    log_target = lambda x: torch.as_tensor(joint.logpdf(x.numpy()))                                     # noqa: E731
    log_q = lambda to, frm: torch.as_tensor(scipy.stats.norm.logpdf(to[:, 0].numpy(), rho * frm[:, 1].numpy(),
                                                                    np.sqrt(cond_var(rho))))            # noqa: E731
    rng = np.random.default_rng(10)
    x = f64(rng.normal(size=(6, 2)))
    x_new = x.clone()
    x_new[:, 0] = f64(rng.normal(size=6))                                  # any new first coordinate, second kept
    ratio = mk.mh_log_ratio(log_target, log_q, x, x_new)
    g = torch.Generator().manual_seed(11)
    start = torch.randn(50, 2, generator=g, dtype=F64) @ f64(np.linalg.cholesky([[1, rho], [rho, 1]])).T
    xs = sampler(rho, 2000, start, g).reshape(-1, 2).numpy()
    return all_of(check_close(ratio, np.zeros(6), atol=1e-12, what="MH log ratio of the full-conditional proposal is 0"),
                  check_close(np.cov(xs.T, bias=True), [[1, rho], [rho, 1]], rtol=0.05,
                              what="ρ = 0.9, 50 chains × 2000 sweeps: sample covariance"))


@functools.cache
def tempering_problem():
    """The tempering ladder of the check and the chapter: temperatures c_k and log Z_k of exp(-f/c_k) by quadrature."""
    c = np.array([1.0, 2.0, 4.0, 8.0])
    f = lambda x: 8 * (x**2 - 1) ** 2                                                                  # noqa: E731
    logZ = np.log([scipy.integrate.quad(lambda x, ck=ck: np.exp(-f(x) / ck), -np.inf, np.inf)[0] for ck in c])
    return c, logZ


@formula("bayes.tempering", reference="normalisers by scipy.integrate.quad; level occupancy and a KS test vs p₁")
def check_tempering(normalised=True, temperatures=None) -> CheckResult:
    c, logZ = tempering_problem()
    c = c if temperatures is None else np.asarray(temperatures)
    f = lambda x: 8 * (x**2 - 1) ** 2                                                                  # noqa: E731
    g = torch.Generator().manual_seed(12)
    xs, ks = mk.simulated_tempering(f, f64(c), f64(logZ if normalised else np.zeros(4)), torch.ones(100, dtype=F64),
                                    2000, 0.5, g)
    occupancy = [float((ks[200:] == k).double().mean()) for k in range(4)]
    base = xs[200:][ks[200:] == 0].numpy()
    Z1 = np.exp(logZ[0])
    cdf = np.vectorize(lambda t: scipy.integrate.quad(lambda x: np.exp(-f(x)) / Z1, -np.inf, t)[0])
    thin = base[::50]
    p = scipy.stats.kstest(thin, cdf).pvalue
    lpt = lambda x, k: -f(x) / f64(c)[k]                                                               # noqa: E731
    x0, k0, k1 = f64([0.3, -1.1]), torch.tensor([0, 2]), torch.tensor([1, 1])
    acc = mk.tempering_log_accept(lpt, x0, k0, k1, f64(logZ))
    dens = lambda x, k: np.exp(-f(x) / c[k] - logZ[k])                                                 # noqa: E731
    ref = np.log([dens(0.3, 1) / dens(0.3, 0), dens(-1.1, 1) / dens(-1.1, 2)])
    return all_of(check_close(acc, ref, atol=1e-10, what="log acceptance vs the ratio of normalised densities"),
                  holds(max(abs(o - 0.25) for o in occupancy) < 0.02,
                        "c = (1, 2, 4, 8), 100 chains × 2000 steps: each level occupied 0.25 ± 0.02",
                        f"level occupancy {[round(o, 3) for o in occupancy]}, not uniform"),
                  holds(p > 1e-3 and abs((base > 0).mean() - 0.5) < 0.1,
                        "x | k = 1 (thinned by 50): KS p > 1e-3 vs p₁, both wells visited (right well 0.5 ± 0.1)",
                        f"x | k = 1: KS p = {p:.2g}, right-well fraction {(base > 0).mean():.2f}"))


@erratum("ch09-11:E17", wrong=r"p_k(x)\propto e^{-f(x)/c},\quad A=\min\Big\{1,\frac{\tilde p_{k'}(x)}{\tilde p_k(x)}\Big\}",
         right=r"p_k(x)\propto e^{-f(x)/c_k},\quad A=\min\Big\{1,\frac{\tilde p_{k'}(x)Z_k}{\tilde p_k(x)Z_{k'}}\Big\}",
         why="Without the normalisers the level moves favour the hot levels, whose unnormalised densities are larger: "
             "the chain spends little time at the base level, and its occupancy is not uniform.")
def seed_unnormalised_levels() -> CheckResult:
    return check_tempering(normalised=False)
