"""Exercises of chapter 9, part 1 (learning theory, PAC-Bayes, the neural tangent kernel); each reference is an
independent route (a recursion, torch.distributions, explicit iteration, the experiment itself, numpy)."""

import math

import numpy as np
import torch

from edl.core.exercises import exercise


@exercise("ch09.ex.cover-recursion", function="separable_dichotomies", kind="implement",
          title="Counting the labellings a halfspace can realise",
          cases=[(3, 3), (4, 3), (6, 3), (10, 2), (1, 5), (8, 8)], atol=0, rtol=0,
          hint="C(s, n) = 2 Σ_{i<n} binom(s − 1, i); for s ≤ n every one of the 2^s labellings is separable")
def _separable_dichotomies(s, n):
    # Independent route: Cover's recursion C(s+1, n) = C(s, n) + C(s, n−1), C(1, n) = 2, C(s, 0) = 0.
    table = {(1, k): 2 for k in range(1, n + 1)}
    for t in range(1, s):
        for k in range(1, n + 1):
            table[(t + 1, k)] = table[(t, k)] + (table[(t, k - 1)] if k > 1 else 0)
    return table[(s, n)]


@exercise("ch09.ex.pacbayes-kl", function="posterior_kl", kind="derive",
          title="The KL term of a Gaussian posterior",
          tight=[([1.0], [1.0], 1.0), ([0.0, 0.0], [2.0, 2.0], 2.0)],      # ½ exactly; Q = P gives 0
          cases=[([0.3, -1.2], [0.5, 2.0], 1.5), ([2.0], [0.1], 0.5), ([0.0, 1.0, -1.0], [1.0, 1.0, 1.0], 3.0)],
          atol=1e-10, rtol=1e-10,
          hint="integrate q log(q/p) coordinate by coordinate: E_q[(t − θ)²] = σ², E_q[t²] = σ² + θ²; λ is a standard deviation")
def _posterior_kl(theta, sigma, lam):
    # Independent route: torch.distributions.kl_divergence of the per-coordinate normals.
    q = torch.distributions.Normal(torch.tensor(theta, dtype=torch.float64), torch.tensor(sigma, dtype=torch.float64))
    p = torch.distributions.Normal(torch.zeros(len(theta), dtype=torch.float64), torch.full((len(theta),), float(lam),
                                                                                           dtype=torch.float64))
    return float(torch.distributions.kl_divergence(q, p).sum())


@exercise("ch09.ex.mode-decay", function="residual_left", kind="derive",
          title="How much of an eigenmode gradient descent leaves behind",
          tight=[(2.0, 1.0, 3), (1.0, 1.0, 5), (0.5, 0.5, 2)],    # ηλ = 2: the sign flips every step; ηλ = 1: gone
          cases=[(0.1, 1.0, 10), (3.0, 0.5, 4), (1.0, 0.25, 8), (0.0, 1.0, 3)],
          atol=1e-12, rtol=1e-10,
          hint="on the linearised model f ← f + ηK(y − f); write the residual r = y − f in the eigenbasis of K")
def _residual_left(lam, lr, steps):
    # Independent route: iterate f ← f + ηK(y − f) with a 2×2 kernel having eigenvalue λ along (1, 1)/√2.
    U = np.array([[1.0, 1.0], [1.0, -1.0]]) / math.sqrt(2)
    K = U @ np.diag([lam, 5.0]) @ U.T
    y, f = U[:, 0], np.zeros(2)
    for _ in range(steps):
        f = f + lr * K @ (y - f)
    return float(U[:, 0] @ (y - f))


REGIME_OUTCOMES = {
    "a": "the kernel moves about 16 times less at the larger width",
    "b": "the kernel moves about 4 times less at the larger width",
    "c": "the kernel moves by a similar, order-one or sizeable amount at both widths",
}


@exercise("ch09.ex.kernel-regimes", function="kernel_change_prediction", kind="predict",
          title="Which training keeps the kernel still?", choices=REGIME_OUTCOMES,
          cases=[("lazy",), ("catapult",), ("mean-field",)],
          hint="the lazy change is O(1/m); what does a step above 2/λ_max do to the early dynamics, and what does the "
               "1/m output scale do to the size of each weight's move?",
          explanation="With NTK scaling and a step below 2/λ_max each weight moves by O(1/√m) and the kernel by O(1/m): "
                      "16 times the width, about 16 times less change (a). A step above 2/λ_max first blows the outputs "
                      "up; the network escapes the instability by changing its kernel until λ_max < 2/η (the catapult), "
                      "a change of order 0.3 whatever the width (c). Mean-field scaling 1/m with a step ∝ m moves every "
                      "weight by order one: features are learned and the kernel changes by order one at every width (c).")
def _kernel_change_prediction(regime):
    # Independent route: run the experiment at widths 64 and 1024 and classify the measured ratio.
    from edl.theory.lazy import kernel_change_experiment
    small, large = kernel_change_experiment([64, 1024], regime=regime, seeds=1).tolist()
    ratio = small / large
    return "a" if ratio > 8 else "b" if ratio > 2.5 else "c"


KERNEL_REGRESSION_BUGGY = '''\
def ntk_predict(K, K_cross, y, f0, f0_cross):
    "Predictions of the trained linearised network at new points: kernel regression with the NTK."
    K, K_cross = np.asarray(K, dtype=float), np.asarray(K_cross, dtype=float)
    y, f0, f0_cross = np.asarray(y, dtype=float), np.asarray(f0, dtype=float), np.asarray(f0_cross, dtype=float)
    alpha = np.linalg.pinv(K) @ (y - f0)          # dual coefficients fitted to the residual targets
    return K_cross @ alpha
'''


@exercise("ch09.ex.kernel-regression-debug", function="ntk_predict", kind="debug",
          title="A kernel machine that forgets where the network started", buggy=KERNEL_REGRESSION_BUGGY,
          cases=[([[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.5]], [1.0, 0.0], [0.0, 0.0], [0.0]),       # f₀ = 0 hides the bug
                 ([[2.0]], [[1.0]], [1.0], [0.5], [0.2]),
                 ([[2.0, 0.5], [0.5, 1.0]], [[2.0, 0.5], [0.5, 1.0]], [1.0, -1.0], [0.3, 0.1], [0.3, 0.1]),
                 ([[1.0, 0.2, 0.0], [0.2, 1.0, 0.1], [0.0, 0.1, 1.0]], [[0.5, 0.5, 0.5]], [0.0, 1.0, 2.0],
                  [1.0, 1.0, 1.0], [-0.5])],
          atol=1e-10, rtol=1e-8,
          hint="predict at the training points themselves: does the fit interpolate y?",
          explanation="The linearised network is f₀ plus a kernel expansion: h*(x) = f₀(x) + k(x)ᵀK⁺(y − f₀). The "
                      "coefficients were fitted to the residual y − f₀, so the prediction must add f₀ back; without it "
                      "every training prediction misses its target by f₀(xᵢ). Only a network that starts at zero "
                      "(the first case) hides the bug.")
def _ntk_predict(K, K_cross, y, f0, f0_cross):
    # Independent route: the primal minimum-norm fit of a feature map J with J Jᵀ = K (Cholesky), in numpy.
    K, Kc = np.asarray(K, float), np.asarray(K_cross, float)
    y, f0, f0c = np.asarray(y, float), np.asarray(f0, float), np.asarray(f0_cross, float)
    J = np.linalg.cholesky(K)                              # rows: features of the training inputs
    Jc = np.linalg.solve(J, Kc.T).T                        # features of the new points: Jc Jᵀ = K_cross
    return f0c + Jc @ np.linalg.lstsq(J, y - f0, rcond=None)[0]


@exercise("ch09.ex.ntk-width-error", function="width_error", kind="explore",
          title="How wide before the kernel is deterministic?",
          explorer="edl.theory.figures.ntk.ntk_width_explorer",
          cases=[(16,), (64,), (256,), (1024,), (4096,)], atol=0.002, rtol=0,
          hint="read the relative error in the title of the right-hand panel; it falls like 1/√m")
def _width_error(m):
    from edl.theory.figures.ntk import ntk_width_data           # the explorer's own data
    return ntk_width_data(m)[2]
