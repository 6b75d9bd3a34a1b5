"""Exercises of the appendix "Probability and information"; each reference is an independent route."""


import torch
from scipy import stats

from edl.core.exercises import exercise
from edl.probability.basics import hoeffding_bound


@exercise("bg.ex.entropy-bits", function="entropy_bits", kind="implement", title="Entropy in bits",
          cases=[([0.5, 0.5],), ([1.0, 0.0, 0.0],), ([0.25] * 4,), ([0.7, 0.2, 0.1],), ([0.1] * 10,)],
          hint="use log base 2, and treat 0 log 0 as 0")
def _entropy_bits(p):
    return stats.entropy(p, base=2)


@exercise("bg.ex.hoeffding-sample-size", function="hoeffding_sample_size", kind="implement",
          title="How many held-out examples",
          cases=[(0.1, 0.05), (0.05, 0.01), (0.01, 0.05), (0.2, 0.5), (0.02, 1e-6)], atol=0, rtol=0,
          hint="solve exp(-2 n t²) <= δ for n, then round up to a whole number of samples")
def _hoeffding_sample_size(t, delta):
    # Independent of the closed form: double, then bisect, on the bound itself.
    hi = 1
    while float(hoeffding_bound(hi, t)) > delta:
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if float(hoeffding_bound(mid, t)) <= delta else (mid, hi)
    return hi


@exercise("bg.ex.gaussian-kl", function="gaussian_kl_by_formula", kind="implement",
          title="KL divergence between two normals",
          cases=[(0.0, 1.0, 0.0, 1.0), (1.0, 1.0, 0.0, 1.0), (0.0, 2.0, 1.0, 0.5), (-1.5, 0.3, 2.0, 3.0)],
          hint="arguments are standard deviations here, not variances")
def _gaussian_kl(mu0, sigma0, mu1, sigma1):
    kl = torch.distributions.kl_divergence(torch.distributions.Normal(mu0 * 1.0, sigma0 * 1.0),
                                           torch.distributions.Normal(mu1 * 1.0, sigma1 * 1.0))
    return float(kl)


@exercise("bg.ex.total-variation", function="total_variation_by_events", kind="implement",
          title="Total variation from its definition",
          cases=[([0.5, 0.5], [0.9, 0.1]), ([0.2, 0.3, 0.5], [0.5, 0.3, 0.2]), ([0.1, 0.2, 0.3, 0.4], [0.25] * 4)],
          hint="maximise |Q(A) - P(A)| over all 2^k subsets A of the atoms")
def _total_variation(q, p):
    return 0.5 * sum(abs(a - b) for a, b in zip(q, p))


@exercise("bg.ex.pinsker-bernoulli", function="pinsker_local_ratio", kind="derive",
          title="Pinsker's constant cannot be improved",
          tight=[(0.5,)], cases=[(0.1,), (0.3,), (0.9,), (0.01,)], atol=1e-12, rtol=1e-9,
          hint="expand log(1 + u) = u - u²/2 + ... in both terms of KL(Ber(p + ε) ‖ Ber(p)): the first-order "
               "terms cancel, and the ε² term has the Fisher information 1/(p(1 - p)) of a coin",
          explanation="KL(Ber(p + ε) ‖ Ber(p)) = ε²/(2p(1 − p)) + O(ε³) and TV = |ε|, so the ratio tends to "
                      "2p(1 − p). It is at most 1/2, with equality only for the fair coin: pairs of coins near "
                      "p = 1/2 come arbitrarily close to TV² = KL/2, so no constant below 1/2 makes Pinsker's "
                      "inequality true for all distributions.")
def _pinsker_local_ratio(p):
    # Independent of the expansion: sympy's limit of TV²/KL, with TV and KL written from their definitions
    # (TV as half the ℓ1 distance, KL as the sum over the two outcomes), at the exact rational p.
    import sympy as sp

    eps = sp.symbols("epsilon", positive=True)
    p = sp.Rational(str(p))
    q = p + eps
    tv = (sp.Abs(q - p) + sp.Abs((1 - q) - (1 - p))) / 2
    kl = q * sp.log(q / p) + (1 - q) * sp.log((1 - q) / (1 - p))
    return float(sp.limit(tv**2 / kl, eps, 0, "+"))
