"""Exercises of chapter 11 (attacks, robust training, Shapley values, fairness); each reference is an
independent route (numpy norms, corner enumeration, SLSQP, orders of the players, the explorer's data)."""

import itertools
import math

import numpy as np
import scipy.optimize
import scipy.stats

from edl.core.exercises import exercise


@exercise("ch11.ex.dual-norm", function="dual_norm", kind="implement",
          title="The largest gain of a linear function in an ℓp ball",
          cases=[([3.0, -4.0], 2.0), ([3.0, -4.0], math.inf), ([3.0, -4.0], 1.0), ([1.0, 2.0, -2.0], 3.0),
                 ([0.5], 1.5)],                                        # one coordinate: every norm is |z|
          atol=1e-10, rtol=1e-10,
          hint="max over ‖v‖_p ≤ 1 of vᵀz is ‖z‖ in the dual exponent p* = p/(p − 1), with 1* = ∞ and ∞* = 1")
def _dual_norm(z, p):
    q = math.inf if p == 1 else 1.0 if math.isinf(p) else p / (p - 1)
    return float(np.linalg.norm(np.asarray(z, float), q))


@exercise("ch11.ex.robust-margin", function="robust_margin", kind="implement",
          title="The worst-case margin of a linear classifier in an ℓ∞ ball",
          cases=[([1.0, -2.0], 0.5, [1.0, 0.0], 1.0, 0.1), ([1.0, -2.0], 0.5, [1.0, 0.0], 1.0, 0.0),
                 ([0.3, 0.3, -1.0], -0.2, [1.0, -1.0, -1.0], -1.0, 0.25), ([2.0], 0.0, [-1.0], -1.0, 0.5)],
          atol=1e-10, rtol=1e-10,
          hint="y(wᵀ(x+δ)+b) is smallest at δ = −ε y sign(w): the margin drops by ε‖w‖₁")
def _robust_margin(w, b, x, y, eps):
    # Independent route: the minimum over all corners of the box (a linear function is minimised at a corner).
    w, x = np.asarray(w, float), np.asarray(x, float)
    corners = x + eps * np.array(list(itertools.product((-1.0, 1.0), repeat=len(w))))
    return float(np.min(y * (corners @ w + b)))


@exercise("ch11.ex.half-accuracy-dimension", function="half_accuracy_dimension", kind="derive",
          title="The dimension at which FGSM reaches a coin flip",
          tight=[(0.05,), (2.0,)],                 # ε = 2: already d = 1 is at one half
          cases=[(0.1,), (0.02,), (0.2,), (0.01,)], atol=1e-6, rtol=1e-9,
          hint="the ℓ∞-robust accuracy is Φ((‖μ‖² − ε‖μ‖₁)/‖μ‖) with μ = (2/√d)𝟏; it is 1/2 where the argument is 0")
def _half_accuracy_dimension(eps):
    # Independent route: root finding on the accuracy written with scipy's normal cdf.
    acc = lambda d: scipy.stats.norm.cdf((4 - eps * 2 * math.sqrt(d)) / 2) - 0.5  # noqa: E731
    return scipy.optimize.brentq(acc, 1e-9, 1e12, xtol=1e-12, rtol=1e-14)


PROJECT_BUGGY = '''\
def project_ball(z, eps):
    "The Euclidean projection of z onto the ball ‖u‖₂ ≤ eps."
    z = np.asarray(z, dtype=float)
    return eps * z / np.linalg.norm(z)
'''


@exercise("ch11.ex.project-ball", function="project_ball", kind="debug",
          title="A projection that pushes every point out", buggy=PROJECT_BUGGY,
          cases=[([3.0, 4.0], 1.0), ([0.3, 0.4], 1.0), ([0.6, 0.8], 1.0), ([1.0, -2.0, 2.0], 2.0)],
          atol=1e-6, rtol=1e-6,
          hint="a projection leaves points of the set where they are",
          explanation="Rescaling onto the sphere is the projection only for points outside the ball; inside, the "
                      "nearest point of the ball is the point itself. The bug makes PGD oscillate on the sphere "
                      "instead of settling at an interior maximiser.")
def _project_ball(z, eps):
    # Independent route: the nearest point of the ball by SLSQP.
    z = np.asarray(z, float)
    res = scipy.optimize.minimize(lambda u: np.sum((u - z) ** 2), np.zeros_like(z), jac=lambda u: 2 * (u - z),
                                  constraints=[{"type": "ineq", "fun": lambda u: eps**2 - u @ u}], method="SLSQP",
                                  options={"ftol": 1e-14, "maxiter": 300})
    return res.x


SHARE = {
    "a": "all of x₁x₂ goes to x₁ (it comes first)",
    "b": "each of x₁ and x₂ receives half of x₁x₂",
    "c": "neither receives anything: an interaction is nobody's",
    "d": "x₁ and x₂ split x₁x₂ in proportion to |x₁| and |x₂|",
}


@exercise("ch11.ex.interaction-share", function="interaction_share", kind="predict",
          title="Who gets the credit for an interaction?", choices=SHARE,
          cases=[(1.0, 2.0), (3.0, 0.5), (-1.0, 2.0), (2.0, 2.0)],
          hint="list the four coalitions of {x₁, x₂} and their values with a background of mean zero",
          explanation="With a background whose coordinates and their product average to zero, v(∅) = v({1}) = "
                      "v({2}) = 0 and v({1,2}) = x₁x₂. The Shapley weights of two players are ½ and ½, so each "
                      "feature gets ½x₁x₂ whatever the values: Shapley values split a pure interaction evenly (b).")
def _interaction_share(x1, x2):
    # Independent route: the average marginal contribution over the two orders, background {(±1, ±1)}.
    Z = np.array(list(itertools.product((-1.0, 1.0), repeat=2)))

    def v(S):
        mixed = np.where(np.array(S, bool), [x1, x2], Z)
        return float(np.mean(mixed[:, 0] * mixed[:, 1]))
    phi1 = 0.5 * (v([1, 0]) - v([0, 0])) + 0.5 * (v([1, 1]) - v([0, 1]))
    total = v([1, 1]) - v([0, 0])
    return "b" if abs(phi1 - total / 2) < 1e-12 else "a" if abs(phi1 - total) < 1e-12 else "c" if phi1 == 0 else "d"


@exercise("ch11.ex.price-of-parity", function="price_of_parity", kind="explore",
          title="The accuracy that demographic parity costs",
          explorer="edl.robustness.figures.fairness_explorer",
          cases=[(0.0,), (0.1,), (0.3,), (0.5,)], atol=2e-3, rtol=0,
          hint="read the bars 'none' and 'demographic parity' at each base-rate gap (three decimals suffice)")
def _price_of_parity(gap):
    from edl.robustness.figures import fairness_data        # the explorer's own data
    acc = fairness_data(gap)
    return acc["none"] - acc["demographic parity"]
