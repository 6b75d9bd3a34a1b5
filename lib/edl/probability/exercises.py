"""Exercises of the appendix "Probability and information"; each reference is an independent route."""


import math
from fractions import Fraction

import numpy as np
from scipy import stats

from edl.core.exercises import exercise
from edl.probability.basics import hoeffding_bound, union_bound


@exercise("bg.ex.entropy-bits", function="entropy_bits", kind="implement", title="Entropy in bits",
          cases=[([0.5, 0.5],), ([1.0, 0.0, 0.0],), ([0.25] * 4,), ([0.7, 0.2, 0.1],), ([0.1] * 10,)],
          hidden=[([0.9, 0.05, 0.05, 0.0],), ([1 / 3] * 3,), ([0.6, 0.4],)],
          hint="use log base 2, and treat 0 log 0 as 0")
def _entropy_bits(p):
    return stats.entropy(p, base=2)


@exercise("bg.ex.hoeffding-sample-size", function="hoeffding_sample_size", kind="implement",
          title="How many held-out examples",
          cases=[(0.1, 0.05), (0.05, 0.01), (0.01, 0.05), (0.2, 0.5), (0.02, 1e-6)], atol=0, rtol=0,
          hidden=[(0.03, 0.001), (0.15, 0.2)],
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


BAYES_CHOICES = {
    "a": "about 95%: the test is right 95% of the time",
    "b": "about 50%",
    "c": "about 10% or less",
    "d": "about 1%: a positive test tells almost nothing",
}


@exercise("bg.ex.bayes-base-rate", function="bayes_prediction", kind="predict", title="A positive test",
          choices=BAYES_CHOICES, cases=[(0.01,), (0.1,), (0.5,)],
          hint="imagine 1000 people: how many are ill, how many of them test positive, and how many healthy "
               "people test positive as well?",
          explanation="Of 1000 people, with prevalence 1%, 10 are ill and 9.5 of them test positive, while 10% "
                      "of the 990 healthy ones, 99 people, test positive too: P(ill | +) = 9.5/108.5 ≈ 8.8%. "
                      "With prevalence 10% it is 95/185 ≈ 51%, and with 50% it is 95/105 ≈ 90%. The "
                      "sensitivity P(+ | ill) = 95% is not the answer to P(ill | +): the prior, the base rate, "
                      "decides how many of the positives are false alarms.")
def _bayes_prediction(prevalence):
    # Exact rational arithmetic over the two hypotheses, then the option whose range holds the posterior.
    prior = Fraction(str(prevalence))
    post = Fraction(95, 100) * prior / (Fraction(95, 100) * prior + Fraction(10, 100) * (1 - prior))
    return "c" if post < Fraction(2, 10) else "b" if post < Fraction(7, 10) else "a"


SOFTMAX_BUGGY = """def softmax_probabilities(z):
    "The softmax of the logits z (a list of numbers): exp(z_k) / sum_j exp(z_j)."
    e = np.exp(np.asarray(z, dtype=float))
    return e / e.sum()
"""


@exercise("bg.ex.softmax-overflow", function="softmax_probabilities", kind="debug",
          title="A softmax that returns nan", buggy=SOFTMAX_BUGGY,
          cases=[([1.0, 2.0, 3.0],), ([1000.0, 1001.0, 1002.0],), ([-1000.0, -1000.0],), ([710.0, 0.0, -710.0],)],
          atol=1e-12, rtol=1e-9,
          hint="what is np.exp(1000.0)? what does subtracting the same number from every logit do to the result?",
          explanation="exp overflows to inf above z ≈ 709.8 and underflows to 0 below about −745, so the quotient "
                      "becomes inf/inf or 0/0 = nan. The softmax is unchanged when the same constant is subtracted "
                      "from every logit; subtracting the largest one makes every exponent ≤ 0 and the largest term "
                      "exactly 1, so the sum lies between 1 and k and nothing overflows.")
def _softmax_probabilities(z):
    # Independent route: exact rational arithmetic on exp of the differences z_k − z_j, written as
    # 1 / Σ_j exp(z_j − z_k), with math.exp on differences only where they are moderate.
    z = [float(v) for v in z]
    out = []
    for zk in z:
        total = math.fsum(math.exp(zj - zk) if zj - zk < 700 else math.inf for zj in z)
        out.append(0.0 if math.isinf(total) else 1.0 / total)
    return np.array(out)


@exercise("bg.ex.hoeffding-union", function="models_sample_size", kind="derive",
          title="One test set for m models",
          tight=[(1, 0.1, 0.05), (1, 0.05, 0.01)],
          cases=[(10, 0.1, 0.05), (1000, 0.05, 0.05), (100, 0.02, 0.01), (10**6, 0.1, 0.1)], atol=0, rtol=0,
          hint="bound P(|mean − p| ≥ t) for one model by two one-sided Hoeffding tails, then take the union over "
               "the m models; solve 2m·exp(−2nt²) ≤ δ for the smallest whole n",
          explanation="For one model, P(|error estimate − error| ≥ t) ≤ 2e^{−2nt²}, the two tails of Hoeffding's "
                      "inequality. The union bound over the m models multiplies by m, so n = ⌈ln(2m/δ)/(2t²)⌉ "
                      "examples make all m estimates t-accurate with probability at least 1 − δ. The price of m "
                      "models is only ln m: a thousand models need about twice the examples of one, because "
                      "Hoeffding's tail falls exponentially in n.")
def _models_sample_size(m, t, delta):
    # Independent of the closed form: double, then bisect, on the union of 2m one-sided Hoeffding tails,
    # each from the library's (checked) hoeffding_bound, summed by the library's union_bound.
    def fails(n):
        return float(union_bound(np.full(2, float(hoeffding_bound(n, t))))) * m > delta

    hi = 1
    while fails(hi):
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fails(mid) else (lo, mid)
    return hi
