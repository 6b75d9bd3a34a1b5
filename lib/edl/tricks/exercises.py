"""Exercises of chapter 8 (initialisation, weight decay and early stopping, normalisation, bagging); each
reference is an independent route (sympy, torch.optim, the explorer's own data, numerical limits, a
recursion over bootstrap draws)."""

import numpy as np
import sympy
import torch

from edl.core.exercises import exercise


@exercise("ch08.ex.he-uniform-bound", function="he_uniform_bound", kind="implement",
          title="The uniform bound of He's initialisation",
          cases=[(64,), (128,), (256,), (1,)], atol=1e-12, rtol=1e-12,
          hint="the uniform law on [-a, a] has variance a²/3; He's rule asks for variance 2/n")
def _he_uniform_bound(n):
    a = sympy.symbols("a", positive=True)
    return float(sympy.solve(sympy.Eq(a**2 / 3, sympy.Rational(2, n)), a)[0])


@exercise("ch08.ex.relu-depth-gain", function="relu_keeps_signal", kind="explore",
          title="Which initialisation scale keeps a deep ReLU network alive?",
          explorer="edl.tricks.figures.init.init_depth_explorer",
          cases=[(0.25,), (1.0,), (2.0,), (2.5,), (1.5,), (4.0,)], atol=0, rtol=0,
          hint="read the orange (ReLU) curve at layer 20 for each c; each ReLU layer multiplies the second moment by about c/2")
def _relu_keeps_signal(c):
    from edl.tricks.figures.init import depth_profile        # the explorer's own data
    ratio = depth_profile(c)["relu"][-1]
    return 1.0 if 0.1 <= ratio <= 10 else 0.0


@exercise("ch08.ex.early-stopping-decay", function="matching_decay", kind="derive",
          title="The weight decay that early stopping imitates",
          tight=[(0.01, 100), (0.009, 222)],
          cases=[(0.1, 10), (0.001, 5000), (0.5, 3)], atol=1e-6, rtol=1e-6,
          hint="compare 1 − (1 − ηλ)^k with λ/(λ + μ) for a very flat direction, λ → 0")
def _matching_decay(lr, k):
    # Independent route: match the two filter factors numerically in the flat limit λ → 0.
    import math
    lam = 1e-10
    es = -math.expm1(k * math.log1p(-lr * lam))          # 1 − (1 − ηλ)^k without cancellation
    return lam / es - lam


BN_OUTCOMES = {
    "a": "the output does not change",
    "b": "the output is multiplied by c",
    "c": "the output is multiplied by |c|",
    "d": "the output changes sign",
}


@exercise("ch08.ex.batchnorm-scaling", function="batchnorm_after_scaling", kind="predict",
          title="Scaling the weights in front of batch normalisation", choices=BN_OUTCOMES,
          cases=[(3.7,), (0.1,), (-2.0,), (1.0,), (-0.5,)],
          hint="write BN(c·z) with the batch mean and standard deviation of c·z",
          explanation="The batch mean of c·z is c·μ and its standard deviation |c|·σ (with ε → 0), so "
                      "BN(c·z) = c(z − μ)/(|c|σ) = sign(c)·BN(z): positive factors change nothing (a), negative "
                      "ones flip the sign (d). This is the scale invariance that makes the loss constant along "
                      "rays cW and the gradient orthogonal to W.")
def _batchnorm_after_scaling(c):
    from edl.tricks.normalization import normalized_preactivation
    g = np.random.default_rng(0)
    X, W = torch.as_tensor(g.normal(size=(16, 5))), torch.as_tensor(g.normal(size=(3, 5)))
    before, after = normalized_preactivation(X, W, "batch", 0.0), normalized_preactivation(X, c * W, "batch", 0.0)
    if torch.allclose(after, before, atol=1e-10):
        return "a"
    if torch.allclose(after, -before, atol=1e-10):
        return "d"
    return "b" if torch.allclose(after, c * before, atol=1e-10) else "c"


L2_STEP_BUGGY = '''\
def l2_step(theta, grad, lr, mu):
    "One gradient step on R(θ) + (μ/2)‖θ‖², given grad = ∇R(θ)."
    theta, grad = np.asarray(theta, dtype=float), np.asarray(grad, dtype=float)
    return theta - lr * grad - 2 * lr * mu * theta        # the penalty's gradient
'''


@exercise("ch08.ex.l2-step-debug", function="l2_step", kind="debug",
          title="A weight-decay step that decays twice as fast", buggy=L2_STEP_BUGGY,
          cases=[([1.0, -2.0], [0.5, 0.5], 0.1, 0.1), ([3.0], [0.0], 0.5, 1.0),
                 ([0.0, 0.0, 0.0], [1.0, 2.0, 3.0], 0.01, 10.0), ([1.0, 1.0], [1.0, 1.0], 0.2, 0.0)],
          atol=1e-12, rtol=1e-10,
          hint="differentiate (μ/2)‖θ‖² and compare with torch.optim.SGD(weight_decay=μ)",
          explanation="The gradient of (μ/2)‖θ‖² is μθ, not 2μθ: the factor 2 belongs to a penalty written μ‖θ‖² "
                      "without the ½. The step is θ ← (1 − ημ)θ − η∇R(θ), which is what SGD's weight_decay does; a "
                      "zero θ or μ = 0 hides the bug.")
def _l2_step(theta, grad, lr, mu):
    # Independent route: one step of torch.optim.SGD with weight_decay.
    p = torch.tensor(theta, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([p], lr=lr, weight_decay=mu)
    p.grad = torch.tensor(grad, dtype=torch.float64)
    opt.step()
    return p.detach().numpy()


@exercise("ch08.ex.out-of-bag", function="left_out_by_all", kind="derive",
          title="An example that no bootstrap replica sees",
          tight=[(1, 3), (2, 1)],
          cases=[(10, 5), (100, 3), (1000, 2), (50, 10)], atol=1e-12, rtol=1e-9,
          hint="in one replica of n draws an example is missed with probability (1 − 1/n)ⁿ; the K replicas are independent")
def _left_out_by_all(n, K):
    # Independent route: a recursion over all n·K draws of the probability that example 0 is still unseen.
    p = 1.0
    for _ in range(n * K):
        p -= p / n
    return p
