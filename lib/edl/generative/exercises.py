"""Exercises of chapter 10, part 1 (latent variables, VAEs, flows, GANs); each reference is an independent route."""

import math

import numpy as np
import scipy.optimize
import scipy.stats

from edl.core.exercises import exercise


@exercise("ch10.ex.ppca-noise", function="ppca_noise", kind="derive", title="The noise level of probabilistic PCA",
          tight=[([2.0, 2.0, 2.0], 1), ([5.0, 1.0], 1)],   # a flat spectrum, and a single discarded eigenvalue
          cases=[([5.0, 2.0, 1.0], 1), ([4.0, 3.0, 0.5, 0.25], 2), ([9.0, 1.0, 1.0, 0.2], 1)], atol=1e-5, rtol=1e-5,
          hint="at the optimum W W^T + σ²I has the top m eigenvalues of S and σ² for the others; "
               "differentiate the log-likelihood in σ²")
def _ppca_noise(lam, m):
    # Independent route: maximise the PPCA log-likelihood over W and σ² numerically (scipy L-BFGS).
    lam = np.asarray(lam, dtype=float)
    n = len(lam)
    S = np.diag(lam)

    def nll(t):
        W, s2 = t[:-1].reshape(n, m), math.exp(t[-1])
        C = W @ W.T + s2 * np.eye(n)
        return np.linalg.slogdet(C)[1] + np.trace(np.linalg.solve(C, S))

    start = np.r_[np.eye(n, m).ravel(), 0.0]
    best = min((scipy.optimize.minimize(nll, start + 0.1 * np.random.default_rng(k).normal(size=start.size),
                                        method="L-BFGS-B", options={"gtol": 1e-12, "ftol": 1e-15, "maxiter": 5000})
                for k in range(2)), key=lambda r: r.fun)
    return math.exp(best.x[-1])


@exercise("ch10.ex.beta-vae-variance", function="beta_vae_variance", kind="derive",
          title="How β shrinks the encoder's uncertainty",
          tight=[(0.25, 1.0), (2.0, 1.0)],   # β = 1: the exact posterior variance s²/(1 + s²)
          cases=[(0.25, 4.0), (0.25, 0.5), (1.0, 10.0), (0.01, 1.0)], atol=1e-7, rtol=1e-6,
          hint="only the terms −v/(2s²) and −(β/2)(v − log v) of L_β depend on v; set the derivative to zero")
def _beta_vae_variance(s2, beta):
    # Independent route: maximise the v-dependent part of the β-VAE objective numerically.
    f = lambda lv: math.exp(lv) / (2 * s2) + 0.5 * beta * (math.exp(lv) - lv)  # noqa: E731
    return math.exp(scipy.optimize.minimize_scalar(f, bounds=(-30, 10), method="bounded",
                                                   options={"xatol": 1e-12}).x)


GDA_OUTCOMES = {"a": "it spirals out, the radius grows without bound",
                "b": "it circles the saddle at a roughly constant radius",
                "c": "it spirals in towards the saddle (0, 0)"}


@exercise("ch10.ex.gda-predict", function="gda_prediction", kind="predict",
          title="Which update rule finds the saddle?", choices=GDA_OUTCOMES,
          cases=[("simultaneous",), ("alternating",), ("extragradient",)],
          hint="write one step as a 2 × 2 matrix acting on (θ, ψ) and look at its determinant",
          explanation="Simultaneous GDA multiplies (θ, ψ) by a matrix with determinant 1 + η² > 1: a rotation that "
                      "also stretches, so it spirals out (a). Alternating GDA's matrix has determinant exactly 1 and "
                      "complex eigenvalues of modulus 1: it circles for ever (b). Extragradient's matrix has "
                      "determinant 1 − η² + η⁴ < 1 for 0 < η < 1: the look-ahead damps the rotation (c). The game "
                      "min_θ max_ψ θψ has its equilibrium at (0, 0), but only one of the three finds it.")
def _gda_outcome(method):
    # Independent route: iterate the 2 × 2 update matrices directly and compare the radius after 1000 steps.
    eta = 0.1
    J = np.array([[0.0, -1.0], [1.0, 0.0]])
    M = {"simultaneous": np.eye(2) + eta * J,
         "alternating": np.array([[1.0, -eta], [eta, 1 - eta**2]]),
         "extragradient": np.eye(2) + eta * J @ (np.eye(2) + eta * J)}[method]
    r = np.linalg.norm(np.linalg.matrix_power(M, 1000) @ [1.0, 1.0]) / math.sqrt(2)
    return "a" if r > 2 else "c" if r < 0.5 else "b"


@exercise("ch10.ex.game-radius", function="game_radius", kind="explore",
          explorer="edl.generative.figures.game_explorer", title="Read the radii off the game explorer",
          cases=[(0.1,), (0.3,), (0.02,)], atol=5e-3, rtol=5e-3,
          hint="the legend of each frame gives the final radius of every method; return the simultaneous one")
def _game_radius(eta):
    # The explorer's own data: its plot function draws ga.bilinear_game over 200 steps.
    from edl.generative import gans as ga

    return float(np.linalg.norm(ga.bilinear_game(1.0, 1.0, eta, 200, "simultaneous").numpy()[-1]))


COUPLING_BUGGY = '''\
def coupling_inverse(y_a, y_b, s, t):
    "Invert y_b = x_b * exp(s(x_a)) + t(x_a), y_a = x_a, for scalar halves; s and t are functions."
    x_a = y_a
    x_b = (y_b - t(x_a)) * np.exp(s(x_a))
    return x_b
'''


@exercise("ch10.ex.coupling-debug", function="coupling_inverse", kind="debug", title="A coupling layer that does not invert",
          buggy=COUPLING_BUGGY,
          cases=[(0.5, 2.0, np.sin, np.cos), (0.0, 1.0, np.sin, np.cos),   # s(0) = 0: the bug is invisible here
                 (-1.2, 0.3, lambda a: 0.5 * a, lambda a: a**2)],
          atol=1e-10, rtol=1e-8,
          hint="apply the forward map to your answer: do you get y_b back?",
          explanation="The inverse must undo the scaling: x_b = (y_b − t(y_a))·exp(−s(y_a)). With exp(+s) the "
                      "scale is applied twice instead of cancelled; only where s = 0 (a pure NICE shift) do both "
                      "agree, which is why a test at x_a = 0 with s = sin misses the bug.")
def _coupling_inverse(y_a, y_b, s, t):
    # Independent route: solve x_b·e^{s(y_a)} + t(y_a) = y_b for x_b by bracketing root finding.
    return scipy.optimize.brentq(lambda xb: xb * math.exp(s(y_a)) + t(y_a) - y_b, -1e6, 1e6, xtol=1e-14, rtol=1e-15)


@exercise("ch10.ex.inception-score", function="inception_score", kind="implement", title="The Inception score",
          cases=[([[0.9, 0.1], [0.2, 0.8]],), ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],),
                 ([[0.5, 0.5], [0.5, 0.5]],),           # identical predictions: IS = 1
                 ([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.3, 0.4], [0.05, 0.9, 0.05]],)],
          atol=1e-10, rtol=1e-8,
          hint="IS = exp( mean over x of KL(p(y|x) ‖ p(y)) ), with p(y) the average of the rows")
def _inception_score(p_yx):
    # Independent route: the entropy form exp(H(y) − H(y|x)) with scipy.stats.entropy.
    P = np.asarray(p_yx, dtype=float)
    return math.exp(scipy.stats.entropy(P.mean(0)) - np.mean([scipy.stats.entropy(r) for r in P]))


@exercise("ch10.ex.duplicates-predict", function="duplicate_rate", kind="predict",
          title="How often does a collapsed generator repeat itself?",
          cases=[(100, 20), (1000, 20), (100, 5)], atol=0.0, rtol=0.05,
          hint="count the chance that all s draws are distinct, one draw at a time",
          explanation="All s draws are distinct with probability ∏_{i<s}(1 − i/N); for N = 100 and s = 20 that is "
                      "about 0.13, so 87% of batches contain a duplicate — a generator with only a hundred distinct "
                      "outputs is exposed by batches of twenty. Even N = 1000 gives duplicates in 17% of batches: "
                      "the support that batches of s can detect grows only like s².")
def _duplicate_rate(N, s):
    # Independent route: simulate 20 000 batches.
    draws = np.random.default_rng(3).integers(0, N, size=(20_000, s))
    return float(np.mean([len(np.unique(r)) < s for r in draws]))
