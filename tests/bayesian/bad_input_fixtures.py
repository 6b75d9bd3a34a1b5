"""Valid calls of chapter 9b's formula functions for the bad-input sweep (``tests/core/bad_input.py``).

Merged into ``tests.core.bad_input_fixtures.FIXTURES``, which collects every part's ``FIXTURES``; the format is
documented in that file.
"""

import torch

from tests.core.bad_input import G, a

T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
B = "ndim+1"


def _half_sq(z):
    return 0.5 * (z**2).sum(-1)


def _identity(z):
    return z


def _walk(x, g):
    return x + torch.randn(x.shape, generator=g, dtype=x.dtype)


def _flat_q(to, frm):
    return torch.zeros(to.shape[0], dtype=to.dtype)


def _level_density(x, k):
    return -x**2 / torch.tensor([1.0, 2.0], dtype=x.dtype)[k]


def _sq(x):
    return x**2


def _randoms():
    from edl.bayesian.dynamics import hmc_random_numbers
    return hmc_random_numbers(3, 2, 2, (1, 3), torch.Generator().manual_seed(0))


P = "edl.bayesian."
STOCH = a([[0.5, 0.5], [0.25, 0.75]], "prob", not_stochastic=[[0.5, 0.6], [0.25, 0.75]])
PI = a([1 / 3, 2 / 3], "prob", not_summing_to_one=[0.5, 0.6])
SPD = a([[2.0, 0.5], [0.5, 1.0]], not_positive_definite=[[1.0, 2.0], [2.0, 1.0]], not_symmetric=[[2.0, 0.5], [0.0, 1.0]])
X2 = a([[1.0, 0.0], [0.5, 1.0], [0.0, 2.0]], "real", ok="mismatch-first")
FIXTURES = {
    # posterior
    P + "posterior.grid_posterior": dict(theta=a([0.0, 0.5, 1.0], "real", decreasing=[1.0, 0.5, 0.0]),
                                         prior=a([1.0, 1.0, 1.0], "nonneg"), likelihood=a([0.0, 0.25, 0.0], "nonneg",
                                                                                        all_zero=[0.0, 0.0, 0.0])),
    P + "posterior.gaussian_prior_nll": dict(theta=a([1.0, -2.0], "real", ok=B), sigma=a([1.0, 2.0], ok="ndim-1")),
    P + "posterior.gaussian_nll": dict(y=a([1.0, 2.0], "real", ok=B), f=a([0.0, 2.0], "real", ok=B), eps=0.5),
    P + "posterior.posterior_energy": dict(y=a([1.0, 2.0], "real"), f=a([0.0, 2.0], "real"), theta=a([1.0, 1.0], "real", ok="mismatch"),
                                           eps=0.5, sigma=2.0),
    P + "posterior.map_linear": dict(X=a([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "real", ok="mismatch-last"),
                                     y=a([1.0, 2.0, 3.0], "real"), eps=1.0, sigma=1.0),
    P + "posterior.predictive_mean": dict(predictions=a([[1.0, 2.0], [3.0, 6.0]], "real", ok="ndim+1 ndim-1")),
    P + "posterior.ensemble_weights": dict(energies=a([0.0, 1.0, 5.0], "real")),
    P + "posterior.ensemble_prediction": dict(predictions=a([[1.0, 2.0], [3.0, 4.0]], "real", ok="ndim+1 ndim-1 mismatch-last"),
                                              energies=a([0.0, 1.0], "real")),
    # markov
    P + "markov.metropolis_hastings_matrix": dict(b=a([1.0, 3.0]), Q=STOCH),
    P + "markov.detailed_balance_gap": dict(pi=PI, T=STOCH),
    P + "markov.stationary_distribution": dict(T=a([[0.5, 0.5], [0.25, 0.75]], "prob", reducible=[[1.0, 0.0], [0.0, 1.0]],
                                                   not_stochastic=[[0.5, 0.6], [0.25, 0.75]])),
    P + "markov.conductance": dict(pi=PI, T=STOCH, S=a(torch.tensor([True, False]), "opaque", everything=torch.tensor([True, True]))),
    P + "markov.min_conductance": dict(pi=PI, T=STOCH),
    P + "markov.spectral_gap": dict(pi=a([1.0, 3.0]), T=a([[0.5, 0.5], [1 / 6, 5 / 6]], "prob", not_reversible=[[0.5, 0.5], [0.5, 0.5]])),
    P + "markov.mh_log_ratio": dict(log_target=_half_sq, log_q=_flat_q, x=a([[0.0]], "real"), x_new=a([[1.0]], "real")),
    P + "markov.metropolis_hastings": dict(log_target=_half_sq, x0=a([[0.0], [1.0]], "real"), propose=_walk,
                                           log_q=a(_flat_q, "callable", ok="None"), n_steps=3, generator=G(0)),
    P + "markov.gibbs_bivariate_normal": dict(rho=a(0.5, "real", above_one=1.0), n_sweeps=3, x0=a([[0.0, 0.0]], "real"),
                                              generator=G(0)),
    P + "markov.tempering_log_accept": dict(log_p_tilde=_level_density, x=a([1.0], "real"),
                                            k=a(torch.tensor([0]), "opaque", out_of_range=torch.tensor([5])),
                                            k_new=a(torch.tensor([1]), "opaque", float_level=torch.tensor([1.0])),
                                            log_Z=a([0.0, 0.3], "real", ok="mismatch")),
    P + "markov.simulated_tempering": dict(f=_sq, c=a([1.0, 2.0]), log_Z=a([0.9, 1.3], "real"), x0=a([0.0, 1.0], "real", ok="mismatch"),
                                           n_steps=3, step=0.5, generator=G(0)),
    # dynamics
    P + "dynamics.hamiltonian": dict(E=_half_sq, theta=a([[1.0, 0.0]], "real", ok="mismatch-first"),
                                     v_=a([[0.0, 2.0]], "real", ok="mismatch-first"), M_inv=SPD),
    P + "dynamics.hamiltonian_flow": dict(grad_E=_identity, theta=a([[1.0, 0.0]], "real", ok="mismatch-first"),
                                          v_=a([[0.0, 2.0]], "real", ok="mismatch-first"), M_inv=SPD),
    P + "dynamics.leapfrog": dict(grad_E=_identity, theta=a([[1.0, 0.0]], "real", ok="mismatch-first"),
                                  v_=a([[0.0, 2.0]], "real", ok="mismatch-first"), eta=0.1, L=3, M_inv=SPD),
    P + "dynamics.explicit_euler": dict(grad_E=_identity, theta=a([[1.0, 0.0]], "real", ok="mismatch-first"),
                                        v_=a([[0.0, 2.0]], "real", ok="mismatch-first"), eta=0.1, L=3, M_inv=SPD),
    P + "dynamics.hmc_random_numbers": dict(n_iter=3, n_chains=2, d=2, L_range=a((5, 24), "opaque", reversed=(24, 5), zero=(0, 3)),
                                            generator=G(0), dtype=torch.float64),
    P + "dynamics.hmc_chains": dict(E=_half_sq, grad_E=_identity, theta0=a([[0.0, 0.0], [1.0, 0.0]], "real"), eta=0.2,
                                    randoms=a(_randoms(), "opaque", missing_keys={"momenta": torch.zeros(3, 2, 2)}),
                                    integrator="leapfrog"),
    P + "dynamics.langevin_overdamped": dict(grad_f=_identity, x0=a([[0.0], [1.0]], "real"),
                                             eta=0.1, n_steps=3, generator=G(0)),
    P + "dynamics.langevin_underdamped": dict(grad_E=_identity, theta0=a([[0.0], [1.0]], "real"), v0=a([[0.0], [0.5]], "real"),
                                              eta=a(0.05, unstable=3.0), beta=1.0, n_steps=3, generator=G(0)),
    # gp
    P + "gp.condition_gaussian": dict(mu=a([0.0, 1.0], "real"), Sigma=SPD, A=a([0], "opaque", repeated=[0, 0], too_large=[2]),
                                      x_A=a([2.0], "real", ok="ndim-1")),
    P + "gp.linear_kernel": dict(X=X2, Y=a([[1.0, 2.0]], "real", ok="mismatch-first"), Sigma=SPD),
    P + "gp.rbf_kernel": dict(X=X2, Y=a([[1.0, 2.0]], "real", ok="mismatch-first"), eps=0.5),
    P + "gp.sample_gp": dict(mean=a([0.0, 1.0], "real"), K=a([[1.0, 0.0], [0.0, 4.0]], "nonneg", not_psd=[[1.0, 2.0], [2.0, 1.0]]),
                             n_samples=4, generator=G(0), jitter=a(1e-10, "nonneg")),
    P + "gp.empirical_mean_covariance": dict(samples=a([[0.0, 1.0], [2.0, 1.0]], "real")),
    P + "gp.gp_posterior": dict(K=a([[1.0, 0.5], [0.5, 1.0]], "real", not_psd=[[1.0, 2.0], [2.0, 1.0]]),
                                k_star=a([[0.5], [0.2]], "real", ok="mismatch-last"),
                                k_star_star=a([1.0], "real"), y=a([1.0, -1.0], "real"), noise=a(0.1, "nonneg")),
    # regression
    P + "regression.least_squares": dict(X=a([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], "real", ok="mismatch-first",
                                             rank_deficient=[[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]]),
                                         y=a([1.0, 3.0, 5.0], "real")),
    P + "regression.posterior_ridge": dict(X=a([[1.0], [1.0]], "real", ok="mismatch-last"), y=a([1.0, 3.0], "real"), sigma2=1.0),
    P + "regression.posterior_general": dict(X=a([[1.0, 0.0], [1.0, 1.0]], "real"), y=a([1.0, 3.0], "real"), sigma2=1.0, Sigma=SPD),
    P + "regression.predictive": dict(x_star=a([[2.0, 1.0]], "real", ok="mismatch-first"), mean=a([1.5, 0.0], "real"),
                                      cov=a([[0.25, 0.0], [0.0, 0.5]], "nonneg", not_psd=[[1.0, 2.0], [2.0, 1.0]]),
                                      sigma2=a(1.0, "nonneg")),
    P + "regression.function_space_posterior": dict(Phi=a([[1.0], [1.0]], "real", ok="mismatch-last"), y=a([1.0, 3.0], "real"),
                                                    sigma2=1.0, Sigma=a([[2.0]], "nonneg", not_psd=[[-1.0]])),
    P + "regression.linear_layer_kernel": dict(X=a([[1.0, 1.0], [2.0, 0.0]], "real"), sigma2=2.0),
    # nngp
    P + "nngp.relu_expectation": dict(k11=a([1.0, 2.0], ok=B + " ndim-1"), k12=a([0.5, -1.0], "real", too_large=[5.0, 0.0], ok=B + " ndim-1"), k22=a([1.0, 1.0], ok=B + " ndim-1")),
    P + "nngp.one_hidden_layer_kernel": dict(X=a([[1.0, 0.0], [0.0, 2.0]], "real",
                                                 zero_input=[[0.0, 0.0], [1.0, 0.0]]),
                                             sigma0_2=a(0.5, "nonneg"), sigma_v2=1.0),
    P + "nngp.random_one_hidden_layer": dict(X=a([[1.0, 0.0]], "real"), m=3, n_nets=2, generator=G(0),
                                             sigma0_2=a(0.5, "nonneg"), sigma_v2=1.0),
    P + "nngp.nngp_kernel": dict(X=a([[1.0, 0.0], [0.0, 1.0]], "real"), depth=a(2, "int"),
                                 sigma_w2=2.0, sigma_b2=a(0.1, "nonneg"), activation="relu"),
    P + "nngp.random_network_kernels": dict(X=a([[1.0, 0.0], [0.0, 1.0]], "real"), width=4,
                                            depth=a(2, "int"), sigma_w2=2.0, sigma_b2=a(0.1, "nonneg"), generator=G(0),
                                            activation="tanh"),
    P + "nngp.relu_moments": dict(),
    P + "nngp.finite_width_kurtosis": dict(m=5, second_moment=0.5, fourth_moment=a(1.5, below_jensen=0.1)),
    P + "nngp.second_layer_samples": dict(m=3, n=4, generator=G(0)),
    P + "nngp.mc_features": dict(outputs=a([[1.0, 2.0], [3.0, 0.0]], "real")),
    P + "nngp.mc_gp_regression": dict(Phi=a([[1.0], [1.0]], "real", ok="mismatch-first"), Phi_star=a([[1.0]], "real", ok="mismatch-first"),
                                      y=a([1.0, 3.0], "real"), sigma2=1.0),
}
