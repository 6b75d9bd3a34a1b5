"""Valid calls of chapter 10a's formula functions for the bad-input sweep (``tests/core/bad_input.py``).

Merged into ``tests.core.bad_input_fixtures.FIXTURES``, which collects every part's ``FIXTURES``; the format is
documented in that file.
"""

import math

import torch

from tests.core.bad_input import G, a

T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731


def _lik(x, z):
    return -0.5 * (x - z) ** 2 - 0.5 * math.log(2 * math.pi)


def _double(z):
    return 2 * z


def _sum_sq(z):
    return (z**2).sum(-1)


def _grad_sq(z):
    return 2 * z


def _hess_sq(z):
    return 2 * torch.eye(z.shape[1], dtype=z.dtype).expand(z.shape[0], -1, -1)


def _halve(x):
    return x / 2, torch.full(x.shape[:1], -math.log(2), dtype=x.dtype)


def _twice(z):
    return 2 * z, torch.full(z.shape[:1], math.log(2), dtype=z.dtype)


def _base(z):
    return -0.5 * (z**2).sum(-1)


def _cond(x):
    return 0.1 * torch.cumsum(x, 1) - 0.1 * x, torch.zeros_like(x)


def _zero(a_):
    return 0 * a_


def _encode(x):
    return torch.zeros(len(x), 1, dtype=torch.float64), torch.ones(len(x), 1, dtype=torch.float64)


def _decode(z):
    return torch.full((len(z), 2), 0.5, dtype=torch.float64)


def _critic(x):
    return 3 * x.sum(-1)


DOUBLE = [(_twice, _halve)]
X23 = a([[1.0, 2.0, 0.5], [3.0, -1.0, 0.0]], "real", ok="mismatch-last")  # any number of examples
X1 = a([[1.0, 2.0, 0.5], [3.0, -1.0, 0.0]], "real")  # the only array argument: no mismatch cases
C = a([[1.0, 0.0]], "real")
D = a([[1.0], [0.5]], "real")
GMM = dict(X=a([[0.0, 0.1], [1.0, -0.5], [0.3, 0.2]], "real", ok="mismatch-first"), weights=a([0.5, 0.5], "prob"),
           means=a([[0.0, 0.0], [1.0, 0.0]], "real"), covs=a([[[1.0, 0.0], [0.0, 1.0]], [[1.0, 0.2], [0.2, 1.0]]], "real"))
W = a([[1.0], [0.5]], "real", ok="mismatch-last")  # any number of factors
PSI = a([0.5, 0.4])
P = "edl.generative."
FIXTURES = {
    # linear
    P + "linear.lae_loss": dict(C=C, D=D, X=X23),
    P + "linear.lae_gradients": dict(C=C, D=D, X=X23),
    P + "linear.truncated_svd": dict(X=X1, r=a(1, "int")),
    P + "linear.eckart_young_error": dict(X=X1, r=a(1, "int")),
    P + "linear.lae_optimum": dict(X=X1, m=1),
    P + "linear.lae_critical_point": dict(X=X1, index=a([1], "sizes", ok="zero")),
    P + "linear.whitened_target": dict(Y=a([[2.0, 0.0]], "real", ok="mismatch-first"), X=a([[1.0, 1.0], [1.0, -1.0]], "real", ok="mismatch-first")),
    P + "linear.mode_decomposition": dict(Dt=a([[1.0], [0.0]], "real", ok="mismatch-first"), Ct=a([[2.0, 1.0]], "real", ok="mismatch-last"), sigma=a([3.0, 1.0], "nonneg")),
    P + "linear.deep_linear_gradients": dict(C=C, D=a([[2.0]], "real"), Gamma=a([[1.0, 1.0]], "real")),
    # latent
    P + "latent.marginal_likelihood": dict(log_lik=_lik, x=a(0.3, "real", ok="ndim+1"), nodes=16),
    P + "latent.gmm_log_density": dict(GMM),
    P + "latent.gmm_responsibilities": dict(GMM),
    P + "latent.gmm_em": dict(GMM, iters=2, ridge=a(1e-6, "nonneg")),
    P + "latent.fa_covariance": dict(W=W, psi=PSI),
    P + "latent.fa_sample": dict(n=3, mu=a([0.0, 0.0], "real"), W=W, psi=PSI, generator=G(0)),
    P + "latent.fa_log_likelihood": dict(X=a([[0.1, 0.2], [1.0, -1.0]], "real", ok="mismatch-first"), mu=a([0.0, 0.0], "real"), W=W, psi=PSI),
    P + "latent.fa_posterior": dict(x=a([0.1, 0.2], "real"), mu=a([0.0, 0.0], "real"), W=W, psi=PSI),
    P + "latent.fa_em": dict(X=a([[0.1, 0.2], [1.0, -1.0], [0.5, 0.3]], "real", ok="mismatch-first"), W=W, psi=PSI, iters=2),
    P + "latent.ppca_posterior": dict(x=a([0.1, 0.2], "real"), mu=a([0.0, 0.0], "real"), W=W, sigma2=0.1),
    P + "latent.ppca_mle": dict(S=a([[2.0, 0.3, 0.0], [0.3, 1.0, 0.0], [0.0, 0.0, 0.5]], "real"), m=1, sigma2=0.2),
    # vae
    P + "vae.vae_sample": dict(decoder=_double, n=3, latent_dim=2, sigma=a(0.1, "nonneg"), generator=G(0)),
    P + "vae.conjugate_log_evidence": dict(x=a(1.3, "real", ok="ndim+1"), s2=0.25),
    P + "vae.conjugate_elbo": dict(x=a(1.3, "real", ok="ndim+1"), m=a(0.4, "real", ok="ndim+1"), v=a(0.3, ok="ndim+1"), s2=0.25),
    P + "vae.conjugate_posterior": dict(x=a(1.3, "real", ok="ndim+1"), s2=0.25),
    P + "vae.kl_to_standard_normal": dict(mu=a([0.5, -0.2], "real", ok="ndim+1"), sigma2=a([1.5, 0.3], ok="ndim+1")),
    P + "vae.gaussian_decoder_log_lik": dict(x=a([0.5, -0.2], "real", ok="ndim+1"), mean=a([0.0, 0.1], "real", ok="ndim+1"),
                                             sigma2=0.3),
    P + "vae.reparameterize": dict(mu=a([1.0, 0.0], "real"), sigma=a([2.0, 1.0]), eps=a([[0.5, -1.0]], "real", ok="ndim+1 ndim-1 mismatch-first")),
    P + "vae.reparam_gradient": dict(f=_sum_sq, mu=a([1.0, 0.0], "real"), sigma=a([2.0, 1.0]), eps=a([[0.5, -1.0], [0.1, 0.2]], "real", ok="mismatch-first")),
    P + "vae.score_function_gradient": dict(f=_sum_sq, mu=a([1.0, 0.0], "real"), sigma=a([2.0, 1.0]),
                                            eps=a([[0.5, -1.0], [0.1, 0.2]], "real", ok="mismatch-first")),
    P + "vae.bonnet_gradient": dict(grad_f=_grad_sq, mu=a([1.0, 0.0], "real"), Sigma=a([[1.0, 0.2], [0.2, 1.0]], "real"),
                                    eps=a([[0.5, -1.0], [0.1, 0.2]], "real", ok="mismatch-first")),
    P + "vae.price_gradient": dict(hess_f=_hess_sq, mu=a([1.0, 0.0], "real"), Sigma=a([[1.0, 0.2], [0.2, 1.0]], "real"),
                                   eps=a([[0.5, -1.0], [0.1, 0.2]], "real", ok="mismatch-first")),
    P + "vae.encoder_log_q": dict(z=a([[0.3, -0.1]], "real", ok="ndim+1 ndim-1 mismatch-first"), mu=a([0.0, 0.1], "real", ok="ndim-1"),
                                  log_sigma=a([0.2, -0.3], "real", ok="ndim-1")),
    P + "vae.linear_gaussian_gradients": dict(x=a(1.2, "real"), theta=a(0.8, "real"), m=a(0.3, "real"), log_v=a(-0.5, "real"),
                                              s2=0.4, eps=a([0.1, -0.3], "real")),
    P + "vae.sgvb_estimate": dict(x=a(1.3, "real"), m=a(0.4, "real"), v=0.3, s2=0.25, eps=a([0.1, -0.3], "real")),
    P + "vae.mc_reconstruction": dict(x=a([0.5, 0.1], "real"), decoder_mean=_double, mu=a([0.0, 0.2], "real"), sigma=a([1.0, 0.5]),
                                      sigma2=0.5, eps=a([[1.0, -1.0], [0.2, 0.3]], "real", ok="ndim+1 mismatch-first")),
    P + "vae.beta_vae_objective": dict(x=a(1.3, "real", ok="ndim+1"), m=a(0.4, "real", ok="ndim+1"), v=a(0.3, ok="ndim+1"), s2=0.25,
                                       beta=a(2.0, "nonneg")),
    P + "vae.beta_vae_optimum": dict(x=a(1.3, "real", ok="ndim+1"), s2=0.25, beta=2.0),
    P + "vae.hvae_elbo_samples": dict(x=a(0.8, "real"), eps=a([[0.1, -0.2], [0.3, 0.4]], "real"), a=a(0.9, "real"), s1=0.5,
                                      b=a(1.2, "real"), s0=0.3, c=a(0.6, "real"), t1=0.4, d=a(0.7, "real"), t2=0.6),
    P + "vae.gaussian_logistic": dict(mu0=a([0.0, 0.0], "real"), mu1=a([2.0, 0.0], "real"), Sigma=a([[1.0, 0.2], [0.2, 1.0]], "real"),
                                      pi1=a(0.3, "prob", at_zero=0.0, at_one=1.0)),
    # flows
    P + "flows.standard_normal_log_density": dict(z=a([0.5, -0.3], "real", ok="ndim+1")),
    P + "flows.change_of_variables": dict(log_base=_base, inverse=_halve, x=a([[0.5], [1.0]], "real")),
    P + "flows.spherical_to_cartesian": dict(r=a(2.0, ok="ndim+1"), theta=a(0.3, "real", ok="ndim+1", at_pole=math.pi / 2),
                                             phi=a(1.0, "real", ok="ndim+1")),
    P + "flows.flow_forward": dict(z=a([[0.5], [1.0]], "real"), layers=a(DOUBLE, "opaque")),
    P + "flows.flow_log_density": dict(x=a([[0.5], [1.0]], "real"), layers=a(DOUBLE, "opaque"), log_base=_base),
    P + "flows.triangular_log_det": dict(J=a([[2.0, 0.0], [5.0, -3.0]], "real", ok="ndim+1", upper=[[2.0, 1.0], [0.0, 3.0]])),
    P + "flows.maf_inverse": dict(x=a([[0.5, 1.0]], "real"), conditioner=_cond),
    P + "flows.maf_sample": dict(z=a([[0.5, 1.0]], "real"), conditioner=_cond),
    P + "flows.affine_coupling": dict(x=a([[0.5, 1.0]], "real"), scale=_zero, shift=_zero, d_a=1, inverse=False),
    P + "flows.planar_flow": dict(z=a([[0.5, 1.0]], "real", ok="mismatch-first"), u=a([1.0, 0.0], "real", not_invertible=[-2.0, 0.0]),
                                  w=a([1.0, 0.0], "real"), b=a(0.1, "real")),
    # gans
    P + "gans.gan_value": dict(p_data=a([0.5, 0.5], "prob"), p_gen=a([0.2, 0.8], "prob"), D=a([0.6, 0.3], "prob", at_one=[1.0, 0.5])),
    P + "gans.discriminator_log_likelihood": dict(p_data=a([0.5, 0.5], "prob"), p_gen=a([0.2, 0.8], "prob"),
                                                  D=a([0.6, 0.3], "prob", at_one=[1.0, 0.5])),
    P + "gans.optimal_discriminator": dict(p_data=a([0.5, 0.5], "prob"), p_gen=a([0.2, 0.8], "prob")),
    P + "gans.optimal_value": dict(p_data=a([0.5, 0.5], "prob"), p_gen=a([0.2, 0.8], "prob")),
    P + "gans.fit_logistic_discriminator": dict(features=a([[0.0, 1.0], [1.0, 1.0]], "real", ok="mismatch-last"), w_real=a([0.3, 0.7], "prob"),
                                                w_fake=a([0.6, 0.4], "prob"), iters=3),
    P + "gans.saddle_objective": dict(thetas=a([2.0], "real"), data_mean=a(2.0, "real"), nodes=4),
    P + "gans.generator_gradients": dict(a=a(-10.0, "real", ok="ndim+1")),
    P + "gans.train_toy_gan": dict(steps=2, lr_d=0.05, lr_g=0.5, batch=4, generator=G(0), theta0=a(0.0, "real"),
                                   data_mean=a(2.0, "real"), generator_sign=a(-1.0, "real", zero=0.0)),
    P + "gans.bilinear_game": dict(theta=a(1.0, "real"), psi=a(1.0, "real"), eta=0.1, steps=a(3, "int"), method="alternating"),
    # gan_metrics
    P + "gan_metrics.js_shifted_gaussians": dict(theta=a([0.0, 1.0], "real", ok="ndim-1"), sigma=0.1, points=201),
    P + "gan_metrics.wasserstein_1d": dict(x=a([0.0, 1.0], "real"), y=a([3.0, 2.0], "real")),
    P + "gan_metrics.gradient_penalty": dict(critic=_critic, x_real=a([[0.0], [1.0]], "real"), x_fake=a([[1.0], [2.0]], "real"),
                                             eps=a([0.5, 0.2], "prob")),
    P + "gan_metrics.ipm": dict(p=a([0.5, 0.5], "prob"), q=a([0.2, 0.8], "prob"), kind="lipschitz",
                                support=a([0.0, 1.0], "real", decreasing=[1.0, 0.0])),
    P + "gan_metrics.duplicate_probability": dict(s=23, N=365),
    P + "gan_metrics.linear_critic_gap": dict(x_data=a([[0.0, 0.0], [2.0, 2.0]], "real", ok="mismatch-first"), x_fake=a([[1.0, 1.0]], "real", ok="mismatch-first")),
    P + "gan_metrics.transposed_conv_size": dict(i=4, k=4, s=2, p=a(1, "int"), output_padding=a(0, "int", too_big=2)),
    P + "gan_metrics.virtual_batch_norm": dict(x=a([[1.0, 0.0]], "real", ok="mismatch-first"), reference=a([[-1.0, 0.5], [0.0, 1.0]], "real", ok="mismatch-first"),
                                               gamma=a(1.0, "real", ok="ndim+1"), beta=a(0.0, "real", ok="ndim+1"),
                                               eps=a(1e-5, "nonneg")),
    P + "gan_metrics.inception_score": dict(p_yx=a([[0.9, 0.1], [0.2, 0.8]], "prob")),
    P + "gan_metrics.kl_data_model": dict(log_p=a([-1.0, -0.5, -1.0], "real"), log_q=a([-1.2, -0.6, -0.9], "real"),
                                          x=a([0.0, 1.0, 2.0], "real", unsorted=[0.0, 2.0, 1.0])),
    # training
    P + "training.train_vae": dict(X=a([[0.0, 1.0], [0.5, 0.2], [1.0, 0.0]], "prob"), latent_dim=1, hidden=2,
                                   steps=2, lr=1e-3, batch=2, seed=a(0, "int")),
    P + "training.vae_elbo": dict(X=a([[0.0, 1.0], [0.5, 0.2]], "prob"), encode=_encode, decode=_decode, samples=1, seed=a(0, "int")),
    P + "training.train_flow_2d": dict(X=a([[0.0, 1.0], [0.5, 0.2], [1.0, 0.0]], "real"), layers=1, hidden=2,
                                       steps=2, lr=1e-3, batch=2, seed=a(0, "int")),
    P + "training.train_gan_2d": dict(X=a([[0.0, 1.0], [0.5, 0.2], [1.0, 0.0]], "real"), steps=2, hidden=2,
                                      lr=1e-3, batch=2, latent_dim=1, seed=a(0, "int")),
    P + "training.ring_data": dict(n=4, modes=8, radius=2.0, sd=0.1, seed=a(0, "int")),
}
