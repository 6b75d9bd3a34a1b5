"""Exercises of chapter 10, part 2 (diffusion models); each reference is an independent route."""

import math

import numpy as np
import torch
from torch.distributions import Normal, kl_divergence

from edl.core.exercises import exercise


@exercise("ch10.ex.forward-fixed-point", function="stationary_variance", kind="derive",
          title="Where the forward variance settles",
          tight=[(math.sqrt(1 - 0.02), 0.02)],  # the correct kernel: the fixed point is exactly 1
          cases=[(1 - 0.02, 0.02), (0.5, 0.3), (0.9, 0.1), (0.0, 0.7)], atol=1e-10, rtol=1e-8,
          hint="the variance obeys v ← c² v + β at every step; at the fixed point v = c² v + β")
def _stationary_variance(c, beta):
    # Independent route: iterate the recursion until it stops moving.
    v = 0.0
    for _ in range(100_000):
        new = c * c * v + beta
        if abs(new - v) < 1e-15:
            return new
        v = new
    return v


@exercise("ch10.ex.min-simple-loss", function="min_loss_prediction", kind="predict",
          title="How much of the noise can be predicted?",
          cases=[(0.01,), (0.5,), (0.99,)], atol=0.0, rtol=0.05,
          hint="for unit-variance data x_t has unit variance at every t; how much of ε does x_t reveal?",
          explanation="For unit-variance data the best predictor is E[ε | x_t] = √(1 − ᾱ) x_t and the loss left over is "
                      "ᾱ, the signal's share of x_t. Near the end of the chain (ᾱ → 0) x_t is almost all noise and ε is "
                      "almost perfectly predictable; near the data (ᾱ → 1) the noise is a sliver hidden under the signal "
                      "and almost nothing can be predicted. This is why L_simple averages very different difficulties "
                      "over t, and why the ELBO's weights φ_t matter.")
def _min_loss(abar):
    # Independent route: fit ε on x_t by least squares over simulated pairs and measure what is left.
    rng = np.random.default_rng(7)
    x0, eps = rng.normal(size=400_000), rng.normal(size=400_000)
    xt = math.sqrt(abar) * x0 + math.sqrt(1 - abar) * eps
    slope = (xt @ eps) / (xt @ xt)
    return float(np.mean((eps - slope * xt) ** 2))


@exercise("ch10.ex.elbo-gap", function="elbo_gap", kind="explore", explorer="edl.diffusion.figures.elbo_explorer",
          title="Watch the bound close",
          cases=[(0.0,), (0.5,), (1.0,)], atol=2e-3, rtol=0.0,
          hint="read log p_θ(x₀) and the exact ELBO off the legend at each slider position, and subtract")
def _elbo_gap(mix):
    from edl.diffusion.checks.elbo import exact_elbo, log_marginal
    from edl.diffusion.figures import _interpolated_model

    m = _interpolated_model(mix)
    return log_marginal(m["x0"], m["a"], m["b"], m["s2"], m["prior_mean"], m["prior_var"]) - exact_elbo(**m)


REVERSE_STEP_BUGGY = '''\
def reverse_step(x, eps, t, betas, z):
    "One ancestral step x_t -> x_{t-1} with sigma_t^2 = beta_t; t counts from 1, betas[t - 1] is beta_t."
    betas = np.asarray(betas, dtype=float)
    beta = betas[t - 1]
    abar = np.prod(1 - betas[:t])
    mean = (x - np.sqrt(beta) / np.sqrt(1 - abar) * eps) / np.sqrt(1 - beta)
    return mean + (np.sqrt(beta) * z if t > 1 else 0.0)
'''


@exercise("ch10.ex.reverse-step-debug", function="reverse_step", kind="debug",
          title="A sampler that overshoots", buggy=REVERSE_STEP_BUGGY,
          cases=[(0.3, 1.0, 1, [0.1, 0.2], 0.0),        # the last step: no noise
                 (1.2, -0.4, 2, [0.1, 0.2], 0.5),
                 (-0.7, 0.9, 3, [0.05, 0.1, 0.3], -1.0)],
          atol=1e-10, rtol=1e-8,
          hint="write μ̃_t through x_t and ε and compare the coefficient of ε term by term",
          explanation="The coefficient of ε is β_t/√(1 − ᾱ_t), not √β_t/√(1 − ᾱ_t): substituting "
                      "x_0 = (x_t − √(1 − ᾱ_t) ε)/√ᾱ_t into μ̃_t gives β_t, and √β_t is 3 to 10 times larger for "
                      "typical β, so every step subtracts too much predicted noise and the samples overshoot the "
                      "data. The last step (t = 1, no added noise) already shows it.")
def _reverse_step(x, eps, t, betas, z):
    # Independent route: recover x_0 from (x_t, ε), then condition the joint Gaussian of (x_{t-1}, x_t) given x_0.
    b = np.asarray(betas, dtype=float)
    abar = np.concatenate([[1.0], np.cumprod(1 - b)])
    x0 = (x - math.sqrt(1 - abar[t]) * eps) / math.sqrt(abar[t])
    cov = np.array([[1 - abar[t - 1], math.sqrt(1 - b[t - 1]) * (1 - abar[t - 1])],
                    [math.sqrt(1 - b[t - 1]) * (1 - abar[t - 1]), 1 - abar[t]]])
    mean = np.array([math.sqrt(abar[t - 1]), math.sqrt(abar[t])]) * x0
    cond = mean[0] + cov[0, 1] / cov[1, 1] * (x - mean[1]) if t > 1 else x0
    return cond + (math.sqrt(b[t - 1]) * z if t > 1 else 0.0)


@exercise("ch10.ex.prior-term", function="prior_matching", kind="implement", title="The prior-matching term",
          cases=[(1.0, 4.04e-5), (0.0, 0.5), ([1.0, -2.0, 0.5], 0.01), (3.0, 0.999)], atol=1e-10, rtol=1e-8,
          hint="KL(N(μ, v) ‖ N(0, 1)) = ½(v + μ² − 1 − log v) per coordinate, with μ = √ᾱ_T x_0 and v = 1 − ᾱ_T")
def _prior_matching(x0, abar_T):
    # Independent route: torch.distributions' KL, summed over coordinates.
    x0 = torch.atleast_1d(torch.tensor(x0, dtype=torch.float64))
    q = Normal(math.sqrt(abar_T) * x0, math.sqrt(1 - abar_T) * torch.ones_like(x0))
    p = Normal(torch.zeros_like(x0), torch.ones_like(x0))
    return float(kl_divergence(q, p).sum())


@exercise("ch10.ex.tweedie-gaussian", function="denoise_gaussian", kind="derive",
          title="Tweedie's formula for Gaussian data",
          tight=[(1.3, 0.6, 0.5, 0.0), (0.4, 1.0 - 1e-12, -0.2, 2.0)],  # a point mass: E[x_0|x_t] = m; no noise: x_t itself
          cases=[(1.3, 0.6, 0.5, 1.0), (-2.0, 0.1, 1.0, 0.25), (0.0, 0.9, -1.0, 4.0)], atol=1e-8, rtol=1e-6,
          hint="the marginal q_t is N(√ᾱ m, ᾱ s² + 1 − ᾱ): write its score, then apply Tweedie's formula")
def _denoise_gaussian(x_t, abar, m, s2):
    # Independent route: condition the joint Gaussian of (x_0, x_t) with numpy.linalg.solve.
    cov = np.array([[s2, math.sqrt(abar) * s2], [math.sqrt(abar) * s2, abar * s2 + 1 - abar]])
    return float(m + cov[0, 1] * np.linalg.solve(cov[1:, 1:], [x_t - math.sqrt(abar) * m])[0])
