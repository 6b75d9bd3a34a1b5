"""Valid calls of chapter 10b's formula functions for the bad-input sweep (``tests/core/bad_input.py``).

Merged into ``tests.core.bad_input_fixtures.FIXTURES``, which collects every part's ``FIXTURES``; the format is
documented in that file.
"""

import torch

from tests.core.bad_input import G, a

T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
B = "ndim+1"


def _eps_zero(x, t):
    return torch.zeros_like(x)


def _quartic(x, th):
    return th[0] * x**2 + th[1] * x**4


def _half_sq(z):
    return 0.5 * (z**2).sum(-1)


def _conditional(i, prefix):
    return torch.full((prefix.shape[0],), 0.5, dtype=torch.float64)


def _beta_one(t):
    return 1.0


def _score_lin(x, t):
    return -x


BETAS = a([0.1, 0.2, 0.3], "prob")
SCHEDULE = a([0.1, 0.2, 0.3], "prob", ok="mismatch")  # any schedule at least t steps long is valid


def _sqrt_keep(beta):
    return torch.sqrt(1 - beta)
P = "edl.diffusion."
FIXTURES = {
    # forward
    P + "forward.markov_joint": dict(p0=a([0.5, 0.5], "prob"), kernels=a([[[0.9, 0.1], [0.2, 0.8]]], "prob", ok="mismatch-first")),
    P + "forward.markov_reverse": dict(p0=a([0.5, 0.5], "prob"), kernels=a([[[0.9, 0.1], [0.2, 0.8]]], "prob", ok="mismatch-first")),
    P + "forward.forward_step": dict(x_prev=a([1.0, -0.5], "real", ok=B), beta=a(0.3, "prob", ok=B, at_one=1.0),
                                     noise=a([0.2, 0.1], "real", ok=B)),
    P + "forward.forward_variance": dict(betas=BETAS, v0=a(1.0, "nonneg")),
    P + "forward.linear_schedule": dict(T=3, beta_1=a(0.1, "prob"), beta_T=a(0.3, "prob"), device="cpu", dtype=torch.float64),
    P + "forward.cosine_schedule": dict(T=4, s=0.008, max_beta=a(0.999, "prob"), device="cpu", dtype=torch.float64),
    P + "forward.alpha_bar": dict(betas=BETAS),
    P + "forward.log_snr": dict(betas=BETAS),
    P + "forward.marginal": dict(x0=a([2.0, -1.0], "real", ok=B + " ndim-1"), abar=a(0.25, "prob", ok=B)),
    P + "forward.sample_marginal": dict(x0=a([2.0, -1.0], "real", ok=B + " ndim-1"), abar=a(0.25, "prob", ok=B),
                                        noise=a([1.0, 0.5], "real", ok=B + " ndim-1")),
    P + "forward.simulate_chain": dict(x0=a([0.0, 1.0], "real", ok=B + " ndim-1 mismatch"), betas=SCHEDULE, generator=G(0), coefficient=_sqrt_keep),
    P + "forward.gaussian_chain_entropies": dict(v0=a(0.5, "positive"), betas=BETAS),
    P + "forward.vdm_log_q": dict(xs=a([[0.1], [0.2]], "real"), x0=a([0.0], "real"), alphas=a([0.9, 0.8], "prob")),
    # elbo
    P + "elbo.posterior_coefficients": dict(betas=BETAS),
    P + "elbo.posterior": dict(x0=a([1.0], "real", ok=B), xt=a([0.5], "real", ok=B), t=2, betas=SCHEDULE),
    P + "elbo.posterior_mean_from_eps": dict(xt=a([1.0], "real", ok=B), eps=a([0.5], "real", ok=B), t=2, betas=SCHEDULE),
    P + "elbo.gaussian_kl": dict(mu_q=a(0.0, "real", ok=B), var_q=a(1.0, ok=B), mu_p=a(1.0, "real", ok=B), var_p=a(2.0, ok=B)),
    P + "elbo.kl_equal_variance": dict(mu_q=a([1.0, 2.0], "real", ok=B), mu_p=a([0.0, 0.0], "real", ok=B), var=a(0.5, ok=B)),
    P + "elbo.kl_constant": dict(var_q=a(1.0, ok=B), var_p=a(2.0, ok=B), d=2),
    P + "elbo.eps_weight": dict(betas=BETAS, sigma2=a([0.1, 0.2, 0.3], ok="ndim-1")),
    P + "elbo.elbo_linear_gaussian": dict(x0=a(1.3, "real"), alphas=a([0.9, 0.7], "prob"), a=a([0.8, 0.6], "real"),
                                          b=a([0.2, -0.1], "real"), s2=a([0.1, 0.3]), prior_mean=a(0.0, "real"),
                                          prior_var=1.0),
    P + "elbo.elbo_samples_linear_gaussian": dict(x0=a(1.3, "real"), alphas=a([0.9, 0.7], "prob"), a=a([0.8, 0.6], "real"),
                                                  b=a([0.2, -0.1], "real"), s2=a([0.1, 0.3]), n=4, generator=G(0),
                                                  prior_mean=a(0.0, "real"), prior_var=1.0),
    P + "elbo.reverse_variance": dict(v0=a(0.5, "nonneg"), betas=BETAS),
    P + "elbo.simple_loss": dict(eps_model=_eps_zero, x0=a([[0.0], [1.0]], "real"), t=a([1, 2], "opaque"),
                                 noise=a([[1.0], [0.5]], "real"), abar=a([0.9, 0.5], "prob", ok="mismatch")),
    P + "elbo.gaussian_optimal_eps": dict(x=a(1.0, "real", ok=B), abar=a(0.5, "prob", ok=B), m=a(0.0, "real", ok=B),
                                          s2=a(1.0, "nonneg", ok=B)),
    P + "elbo.gaussian_min_simple_loss": dict(abar=a(0.5, "prob", ok=B), s2=a(1.0, "nonneg", ok=B)),
    # score
    P + "score.score_from_eps": dict(eps=a([1.0], "real", ok=B + " ndim-1"), abar=a(0.75, "prob", ok=B)),
    P + "score.tweedie_mean": dict(xt=a([1.0], "real", ok=B), score=a([-1.0], "real", ok=B), abar=a(0.5, "prob", ok=B)),
    P + "score.mixture_score": dict(x=a([[0.5, 0.0]], "real", ok="mismatch-first"), means=a([[0.0, 0.0], [1.0, 1.0]], "real"), var=1.0,
                                    weights=a([0.3, 0.7], "prob")),
    P + "score.linear_beta": dict(t=a(0.5, "real", ok=B), beta_min=0.1, beta_max=20.0),
    P + "score.vp_moments": dict(m0=a(2.0, "real", ok=B), v0=a(0.25, "nonneg", ok=B), B=a(1.0, "nonneg", ok=B)),
    P + "score.vp_sde_forward": dict(x0=a([0.0, 1.0], "real", ok=B + " ndim-1"), beta=_beta_one, steps=3, generator=G(0), t_end=1.0),
    P + "score.vp_sde_reverse": dict(xT=a([0.0, 1.0], "real", ok=B + " ndim-1"), score=_score_lin, beta=_beta_one, steps=3,
                                     generator=G(0), t_end=1.0),
}

BIN = lambda values: a(values, "binary")  # noqa: E731
W = [[1.0, -0.5], [0.3, 0.2]]
FIXTURES.update({
    # sampling
    P + "sampling.ring_means": dict(k=4, radius=2.0, dtype=torch.float64, device="cpu"),
    P + "sampling.ring_data": dict(n=5, generator=G(0), k=4, radius=2.0, sigma=a(0.1, "nonneg"), dtype=torch.float64),
    P + "sampling.mmd2": dict(x=a([[0.0, 1.0], [1.0, 0.0]], "real", ok="mismatch-first"), y=a([[0.5, 0.5]], "real", ok="mismatch-first"),
                              bandwidth=0.5),
    P + "sampling.nearest_mode": dict(x=a([[0.9, 0.1]], "real", ok="mismatch-first"), means=a([[1.0, 0.0], [0.0, 1.0]], "real",
                                                                                              ok="mismatch-first")),
    P + "sampling.optimal_eps_mixture": dict(means=a([[0.0, 0.0]], "real", ok="mismatch-first mismatch-last"), sigma2=a(1.0, "nonneg"),
                                             betas=SCHEDULE),
    P + "sampling.ancestral_sample": dict(eps_model=_eps_zero, betas=SCHEDULE, xT=a([[0.0, 0.0]], "real", ok="mismatch-first mismatch-last"),
                                          generator=G(0), variance="beta", trajectory=False),
    P + "sampling.time_embedding": dict(t=a(torch.tensor([1, 2]), "opaque"), T=10, dim=4),
    P + "sampling.EpsMLP": dict(d=2, T=10, width=4, depth=1, embed=4),
    P + "sampling.train_ddpm": dict(data=a([[0.0, 1.0], [1.0, 0.0]], "real", ok="mismatch-first mismatch-last"), betas=SCHEDULE, steps=2, generator=G(0), batch=4,
                                    lr=1e-3, warmup=a(1, "int"), width=4, depth=1),
    # graphical
    P + "graphical.all_states": dict(d=2, dtype=torch.float64, device="cpu"),
    P + "graphical.ar_log_prob": dict(x=BIN([[1.0, 0.0]]), conditional=_conditional),
    P + "graphical.fvsbn_conditionals": dict(x=a([[1.0, 0.0]], "binary", ok="mismatch-first"), A=a([[0.0, 0.0], [2.0, 0.0]], "real"), c=a([0.0, 0.0], "real")),
    P + "graphical.fvsbn_log_prob": dict(x=a([[1.0, 0.0]], "binary", ok="mismatch-first"), A=a([[0.0, 0.0], [2.0, 0.0]], "real"), c=a([0.0, 0.0], "real")),
    P + "graphical.ebm_loglik_gradient": dict(theta=a([0.5, 0.1], "real", ok="mismatch"), energy=_quartic, data=a([0.0, 1.0], "real", ok=B + " ndim-1 mismatch"),
                                              model_samples=a([1.0, -1.0], "real", ok=B + " ndim-1 mismatch")),
    P + "graphical.hyvarinen_objective": dict(x=a([[1.0], [-1.0]], "real"), energy=_half_sq),
    P + "graphical.rbm_energy": dict(vis=BIN([[1.0, 0.0]]), hid=BIN([[1.0, 1.0]]), W=a(W, "real"), a=a([0.0, 0.5], "real"),
                                     b=a([0.1, 0.0], "real")),
    P + "graphical.rbm_hidden_probs": dict(vis=a([[1.0, 0.0]], "binary", ok="mismatch-first"), W=a(W, "real"), a=a([0.0, 0.5], "real")),
    P + "graphical.rbm_visible_probs": dict(hid=a([[1.0, 0.0]], "binary", ok="mismatch-first"), W=a(W, "real"), b=a([0.0, 0.5], "real")),
    P + "graphical.rbm_free_energy": dict(vis=a([[1.0, 0.0]], "binary", ok="mismatch-first"), W=a(W, "real"), a=a([0.0, 0.5], "real"), b=a([0.1, 0.0], "real")),
    P + "graphical.rbm_loglik_gradient": dict(data=a([[1.0, 0.0]], "binary", ok="mismatch-first"), W=a(W, "real"), a=a([0.0, 0.5], "real"),
                                              b=a([0.1, 0.0], "real"), model=BIN([[0.0, 0.0], [1.0, 1.0]]),
                                              model_weights=a([0.5, 0.5], "prob")),
    P + "graphical.rbm_gibbs": dict(vis=a([[1.0, 0.0]], "binary", ok="mismatch-first"), W=a(W, "real"), a=a([0.0, 0.5], "real"), b=a([0.1, 0.0], "real"),
                                    k=a(2, "int"), generator=G(0)),
    P + "graphical.sbn_sample": dict(n=3, c=a([0.0], "real"), W=a([[1.0], [2.0]], "real"), b=a([0.0, 0.0], "real"), generator=G(0)),
    P + "graphical.sbn_log_joint": dict(h=BIN([[1.0]]), x=BIN([[1.0, 0.0]]), c=a([0.0], "real"), W=a([[1.0], [2.0]], "real"),
                                        b=a([0.0, 0.0], "real")),
    P + "graphical.bn_log_joint": dict(x=BIN([[1.0, 1.0]]), parents=a([[], [0]], "opaque"),
                                       cpts=a([[0.5], [0.2, 0.9]], "opaque")),
    P + "graphical.mrf_joint": dict(potentials=a([[[2.0, 1.0], [1.0, 2.0]]], "opaque"), edges=a([(0, 1)], "opaque"), n=2),
    P + "graphical.maxent_fit": dict(features=a([[0.0], [1.0]], "real", ok="mismatch-first"), targets=a([0.75], "real"), iters=50),
    # latent
    P + "latent.vi_objective": dict(q=a([0.5, 0.5], "prob", ok=B), log_joint=a([-1.0, -2.0], "real")),
    P + "latent.cavi_gaussian": dict(mu=a([1.0, -1.0], "real"), precision=a([[2.0, 0.5], [0.5, 1.0]], "real"), iters=5,
                                     start=a([0.0, 0.0], "real")),
    P + "latent.soft_threshold": dict(u=a([-2.0, 0.5], "real", ok=B + " ndim-1"), tau=a(1.0, "nonneg", ok=B)),
    P + "latent.lasso_objective": dict(h=a([1.0, 0.0], "real", ok=B), D=a([[1.0, 0.0], [0.0, 1.0]], "real"),
                                       x=a([1.0, 1.0], "real", ok=B), lam=a(0.5, "nonneg", ok=B)),
    P + "latent.ista": dict(D=a([[1.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-last"), x=a([3.0, 0.2], "real", ok=B), lam=a(0.5, "nonneg"), iters=a(2, "int"),
                            eta=0.5),
    P + "latent.lda_sample": dict(n_docs=2, n_words=3, alpha=a([1.0, 1.0]), beta=a([[1.0, 0.0], [0.0, 1.0]], "prob"), generator=G(0)),
    P + "latent.lda_word_marginal": dict(alpha=a([1.0, 3.0]), beta=a([[1.0, 0.0], [0.0, 1.0]], "prob")),
    P + "latent.kmeans_objective": dict(X=a([[0.0], [2.0]], "real"), centres=a([[1.0]], "real", ok="mismatch-first"), assign=a([0, 0], "opaque")),
    P + "latent.lloyd": dict(X=a([[0.0], [0.2], [4.0]], "real", ok="mismatch-first"), init=a([[0.0], [1.0]], "real", ok="mismatch-first"), iters=10),
    P + "latent.gaussian_total_correlation": dict(Sigma=a([[1.0, 0.5], [0.5, 1.0]], "real")),
})
