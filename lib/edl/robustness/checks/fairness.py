"""Checks of ``edl.robustness.fairness`` (book labels ``fair.demographic-parity`` … ``fair.impossibility``).

Independent routes: group-specific thresholds found by bisection and a χ² independence test on sampled
decisions; the greedy (fractional-knapsack) best decision at each common positive rate; the ROC curve of
the score (threshold policies, randomised at one bin) scanned over the common true-positive rate; the
closed form max(P(Y=0), P(Y=1)) of the impossibility theorem.
"""

import numpy as np
import scipy.optimize
import scipy.stats

from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import formula
from edl.robustness import fairness as fa

BASE = np.array([0.3, 0.6])


def _setup():
    pos, neg = (to_numpy(t) for t in fa.score_distributions())
    return pos, neg


def _fill(order, mass, target):
    """Decisions that accept bins in ``order`` until the accepted ``mass`` reaches ``target`` (one bin randomised)."""
    d, left = np.zeros(len(mass)), target
    for b in order:
        take = min(1.0, left / mass[b]) if mass[b] > 0 else 0.0
        d[b], left = take, left - take * mass[b]
        if left <= 1e-15:
            break
    return d


def _best_at_rate(p, pos, neg, rate):
    """The most accurate decisions of one group with positive rate ``rate``: greedy by P(Y=1 | bin)."""
    mass = p * pos + (1 - p) * neg
    d = _fill(np.argsort(-(p * pos) / mass, kind="stable"), mass, rate)
    return p * pos @ d + (1 - p) * (1 - neg @ d)


def _roc_point(pos, neg, tpr):
    """The smallest FPR at a given TPR: accept bins by decreasing likelihood ratio."""
    d = _fill(np.argsort(-pos / neg, kind="stable"), pos, tpr)
    return neg @ d


def _scan(acc, lo=0.0, hi=1.0):
    grid = np.linspace(lo, hi, 2001)
    k = int(np.argmax([acc(t) for t in grid]))
    res = scipy.optimize.minimize_scalar(lambda t: -acc(t), bounds=(grid[max(k - 1, 0)], grid[min(k + 1, 2000)]),
                                         method="bounded", options={"xatol": 1e-12})
    return max(-res.fun, acc(grid[k]))


@formula("fair.demographic-parity", reference="thresholds by bisection and a χ² test; the greedy best decisions at each common positive rate")
def check_demographic_parity(gap=fa.demographic_parity_gap, solve=fa.fair_decisions) -> CheckResult:
    rng = np.random.default_rng(50)
    a = rng.integers(0, 2, size=20_000)
    s = rng.normal(loc=0.8 * a, size=20_000)
    t0 = np.quantile(s[a == 0], 0.7)
    t1 = scipy.optimize.brentq(lambda t: np.mean(s[a == 1] > t) - np.mean(s[a == 0] > t0), -5, 5, xtol=1e-12)
    decision = np.where(a == 0, s > t0, s > t1).astype(float)
    chi2 = scipy.stats.chi2_contingency(np.array([[np.sum((a == g) & (decision == k)) for k in (0, 1)] for g in (0, 1)]))
    rates = to_numpy(fa.group_rates(f64(decision), f64((s > 0.4).astype(float)), f64(a))["rate"])
    pos, neg = _setup()
    lp = solve(BASE, pos, neg, "demographic parity")
    greedy = _scan(lambda r: 0.5 * (_best_at_rate(BASE[0], pos, neg, r) + _best_at_rate(BASE[1], pos, neg, r)))
    return all_of(check_close(float(gap(f64(decision), f64(a))), 0.0, atol=1e-3, what="bisection thresholds: Δ_DP (20,000 scores)"),
                  check_close(rates, [np.mean(decision[a == 0]), np.mean(decision[a == 1])], atol=1e-12,
                              what="group_rates: positive rates vs numpy means"),
                  holds(chi2.pvalue > 1e-3, f"χ² test of Ŷ ⊥ A: p = {chi2.pvalue:.2f}", f"χ² rejects Ŷ ⊥ A, p = {chi2.pvalue:.2g}"),
                  check_close(lp["rate"][0], lp["rate"][1], atol=1e-8, what="LP: equal positive rates"),
                  check_close(lp["accuracy"], greedy, atol=1e-7, what=f"LP accuracy {lp['accuracy']:.3f} vs the greedy scan"))


def _eo_accuracy(pos, neg, with_fpr):
    def acc(t):
        f = _roc_point(pos, neg, t)
        return np.mean([p * t + (1 - p) * (1 - f) for p in BASE])
    del with_fpr        # the two groups share the score distributions, hence the ROC curve
    return _scan(acc)


@formula("fair.equalized-odds", reference="the ROC curve scanned over the common (TPR, FPR); gaps on 20,000 sampled individuals")
def check_equalized_odds(gaps=fa.equalized_odds_gaps, solve=fa.fair_decisions) -> CheckResult:
    pos, neg = _setup()
    lp = solve(BASE, pos, neg, "equalized odds")
    rng = np.random.default_rng(51)
    a = rng.integers(0, 2, size=20_000)
    y = (rng.uniform(size=20_000) < BASE[a]).astype(int)
    bins = np.where(y == 1, rng.choice(10, size=20_000, p=pos), rng.choice(10, size=20_000, p=neg))
    d = to_numpy(lp["decision"])[a, bins]
    g = to_numpy(gaps(f64(d), f64(y), f64(a)))
    return all_of(check_close(lp["tpr"][0], lp["tpr"][1], atol=1e-8, what="LP: equal TPR"),
                  check_close(lp["fpr"][0], lp["fpr"][1], atol=1e-8, what="and equal FPR"),
                  check_close(lp["accuracy"], _eo_accuracy(pos, neg, True), atol=1e-7,
                              what=f"LP accuracy {lp['accuracy']:.3f} vs the ROC scan"),
                  check_close(g, [0.0, 0.0], atol=0.03, what="gaps of the LP decisions on 20,000 sampled individuals"))


@formula("fair.equal-opportunity", reference="the ROC curve scanned over the common TPR; the unconstrained Bayes rule per bin")
def check_equal_opportunity(gap=fa.equal_opportunity_gap, solve=fa.fair_decisions) -> CheckResult:
    pos, neg = _setup()
    lp = solve(BASE, pos, neg, "equal opportunity")
    free = solve(BASE, pos, neg, "none")
    bayes = np.mean([np.sum(np.maximum(p * pos, (1 - p) * neg)) for p in BASE])
    y = np.array([1, 1, 0, 1, 1, 0])
    a = np.array([0, 0, 0, 1, 1, 1])
    return all_of(check_close(lp["tpr"][0], lp["tpr"][1], atol=1e-8, what="LP: equal TPR"),
                  check_close(lp["accuracy"], _eo_accuracy(pos, neg, False), atol=1e-7,
                              what=f"LP accuracy {lp['accuracy']:.3f} vs the ROC scan"),
                  check_close(free["accuracy"], bayes, atol=1e-10, what=f"unconstrained {free['accuracy']:.3f} = Bayes rule per bin"),
                  check_close(float(gap(f64([1, 1, 1, 0.5, 0.5, 1]), f64(y), f64(a))), 0.5, atol=1e-12,
                              what="gap of a hand-made decision: |1 − 0.5|"))


@formula("fair.impossibility", reference="the closed form max(P(Y=0), P(Y=1)); TPR = FPR forced by parity with different base rates")
def check_impossibility(solve=fa.fair_decisions) -> CheckResult:
    pos, neg = _setup()
    both = solve(BASE, pos, neg, "demographic parity + equalized odds")
    prior = BASE.mean()
    same = solve([0.45, 0.45], pos, neg, "demographic parity + equalized odds")
    free_same = solve([0.45, 0.45], pos, neg, "none")
    return all_of(check_close(both["accuracy"], max(prior, 1 - prior), atol=1e-8, what="DP + EO: accuracy = max(P(Y=0), P(Y=1))"),
                  check_close(both["tpr"], both["fpr"], atol=1e-8, what="TPR = FPR in both groups (Ŷ ⊥ Y)"),
                  check_close(same["accuracy"], free_same["accuracy"], atol=1e-8,
                              what="equal base rates: no price at all"))
