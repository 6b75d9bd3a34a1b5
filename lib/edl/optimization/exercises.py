"""Exercises of chapter 3 (backpropagation and gradient descent; SGD, momentum and adaptive methods);
each reference is an independent route."""

import numpy as np
import scipy.optimize
import torch

from edl.core.exercises import exercise
from edl.optimization.descent import nonconvex_gradnorm_bound


_W1 = [[0.5, -1.0, 0.25], [1.5, 0.3, -0.7]]
_W2 = [[1.0, -2.0], [0.4, 0.9]]


@exercise("ch03.ex.backprop-two-layer", function="two_layer_weight_gradient", kind="implement",
          title="Backpropagation through two layers",
          cases=[(_W1, [0.1, -0.2], _W2, [0.0, 0.3], [1.0, 2.0, -1.0], [0.5, -0.5]),
                 (_W1, [0.0, 0.0], _W2, [0.0, 0.0], [0.0, 0.0, 0.0], [1.0, 1.0]),
                 ([[2.0, -1.0]], [0.5], [[1.0], [-3.0]], [0.2, 0.1], [0.3, 0.8], [0.0, 1.0])],
          atol=1e-10, rtol=1e-8,
          hint="δ² = 2(ŷ − y) (linear output), δ¹ = (W²ᵀδ²) ⊙ (1 − h²); ∂L/∂W¹ = δ¹ xᵀ")
def _two_layer_weight_gradient(W1, b1, W2, b2, x, y):
    W1 = torch.tensor(W1, dtype=torch.float64, requires_grad=True)
    h = torch.tanh(W1 @ torch.tensor(x, dtype=torch.float64) + torch.tensor(b1, dtype=torch.float64))
    y_hat = torch.tensor(W2, dtype=torch.float64) @ h + torch.tensor(b2, dtype=torch.float64)
    loss = ((y_hat - torch.tensor(y, dtype=torch.float64)) ** 2).sum()
    return torch.autograd.grad(loss, W1)[0].numpy()


@exercise("ch03.ex.gd-optimal-step", function="optimal_step_2x2", kind="derive",
          title="The optimal step of a 2×2 quadratic, from its entries",
          tight=[(2.0, 0.0, 2.0), (1.0, 0.0, 3.0)],  # isotropic: one step lands (ρ* = 0); diagonal κ = 3: ρ* = 1/2
          cases=[(2.0, 0.0, 18.0), (3.0, 1.0, 3.0), (5.0, -2.0, 1.0), (1.0, 0.5, 4.0)],
          atol=1e-6, rtol=1e-6,
          hint="for a 2×2 matrix, λ_max + λ_min is the trace and λ_max − λ_min = √((a − c)² + 4b²)")
def _optimal_step_2x2(a, b, c):
    # Independent route: minimise the spectral radius of I − ηQ numerically, without any closed form.
    Q = np.array([[a, b], [b, c]], dtype=np.float64)
    radius = lambda eta: np.abs(np.linalg.eigvals(np.eye(2) - eta * Q)).max()  # noqa: E731
    upper = 2 / np.abs(np.linalg.eigvals(Q)).max()
    res = scipy.optimize.minimize_scalar(radius, bounds=(0, upper), method="bounded", options={"xatol": 1e-12})
    return np.array([res.x, radius(res.x)])


@exercise("ch03.ex.gd-stationarity-steps", function="stationarity_steps", kind="implement",
          title="Steps to an ε-stationary point",
          cases=[(1.0, 1.0, 0.1), (10.0, 2.5, 0.01), (4.0, 0.5, 1.0), (2.0, 3.0, 0.05), (8.0, 0.0, 0.1)], atol=0, rtol=0,
          hint="after t steps, min ‖∇f‖² ≤ 2L(f₀ − f*)/(t + 1); find the smallest whole t that makes this ≤ ε²")
def _stationarity_steps(L, f_gap, eps):
    # Independent of the closed form: doubling, then bisection, on the bound itself.
    def enough(t):
        return float(nonconvex_gradnorm_bound(f_gap, 1 / L, t)) <= eps**2 * (1 + 1e-12)
    if enough(0):
        return 0
    hi = 1
    while not enough(hi):
        hi *= 2
    lo = hi // 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if enough(mid) else (mid, hi)
    return hi


@exercise("ch03.ex.adam-step", function="adam_update", kind="implement", title="One Adam step",
          cases=[([0.0], [3.0], [0.0], [0.0], 1, 0.1, 0.9, 0.999, 1e-8),
                 ([1.0, -2.0], [0.5, -0.1], [0.2, 0.0], [0.01, 0.3], 2, 0.01, 0.9, 0.999, 1e-8),
                 ([0.3, 0.3, 0.3], [1.0, -1.0, 2.0], [0.1, -0.2, 0.4], [0.5, 0.5, 0.5], 10, 0.05, 0.8, 0.99, 1e-8),
                 ([2.0], [-4.0], [1.0], [2.0], 100, 0.001, 0.5, 0.9, 0.0)],
          atol=1e-12, rtol=1e-9,
          hint="update m and v first, then divide them by 1 - beta1**t and 1 - beta2**t; eps goes outside the square root")
def _adam_update(theta, grad, m, v, t, lr, beta1, beta2, eps):
    # Independent route: torch.optim.Adam, started from the given state (m_{t-1}, v_{t-1}, t - 1 steps done).
    p = torch.nn.Parameter(torch.tensor(theta, dtype=torch.float64))
    opt = torch.optim.Adam([p], lr=lr, betas=(beta1, beta2), eps=eps)
    opt.state[p] = {"step": torch.tensor(float(t - 1)), "exp_avg": torch.tensor(m, dtype=torch.float64),
                    "exp_avg_sq": torch.tensor(v, dtype=torch.float64)}
    p.grad = torch.tensor(grad, dtype=torch.float64)
    opt.step()
    return p.detach().numpy()


@exercise("ch03.ex.sgd-noise-floor", function="sgd_floor_mean", kind="derive",
          title="The noise floor of constant-step SGD",
          tight=[(1.0, 2.0)],  # η = 1 jumps to the last sample: the floor is the variance σ² itself
          cases=[(0.1, 1 / 3), (0.5, 1.0), (1.5, 0.2), (0.01, 4.0)], atol=1e-12, rtol=1e-9,
          hint="write x_{k+1} - E a = (1 - eta)(x_k - E a) + eta (E a - a_k), take E of the square, and set "
               "the variance at step k + 1 equal to the variance at step k")
def _sgd_floor_mean(eta, sigma2):
    # Independent route: iterate the variance recursion v <- (1 - eta)^2 v + eta^2 sigma^2 to its fixed point.
    v = 0.0
    for _ in range(200_000):
        new = (1 - eta) ** 2 * v + eta**2 * sigma2
        if abs(new - v) <= 1e-16 * max(1.0, new):
            return new
        v = new
    return v


# --- a backward pass with a bug ------------------------------------------------------------------------

MLP_BACKWARD_BUGGY = '''\
def mlp_weight_gradients(Ws, bs, x, y):
    "∂L/∂Wˡ of every layer, flattened and concatenated, for L = ‖ŷ − y‖² and a tanh MLP with a linear last layer."
    Ws, bs = [np.asarray(W, dtype=float) for W in Ws], [np.asarray(b, dtype=float) for b in bs]
    xs = [np.asarray(x, dtype=float)]                    # x⁰ = x, then the output of every layer
    for l, (W, b) in enumerate(zip(Ws, bs)):
        a = W @ xs[-1] + b
        xs.append(a if l == len(Ws) - 1 else np.tanh(a))
    delta = 2 * (xs[-1] - np.asarray(y, dtype=float))   # δ of the linear last layer
    grads = []
    for l in reversed(range(len(Ws))):
        grads.insert(0, np.outer(delta, xs[l]))         # ∂L/∂Wˡ = δˡ (xˡ⁻¹)ᵀ
        if l > 0:
            delta = (Ws[l] @ delta) * (1 - xs[l] ** 2)  # back through Wˡ, then through tanh
    return np.concatenate([g.ravel() for g in grads])
'''


@exercise("ch03.ex.backprop-debug", function="mlp_weight_gradients", kind="debug",
          title="A backward pass that runs but is wrong", buggy=MLP_BACKWARD_BUGGY,
          cases=[([[[1.0, -2.0], [0.5, 0.3]]], [[0.1, -0.1]], [1.0, 2.0], [0.0, 1.0]),   # one layer: no recursion
                 ([[[0.5, -1.0, 0.2], [0.3, 0.8, -0.6], [1.2, 0.1, 0.4]], [[1.0, 0.5, -0.3], [-0.7, 0.2, 0.9],
                                                                         [0.4, -1.1, 0.6]]],
                  [[0.1, 0.0, -0.2], [0.0, 0.3, 0.1]], [0.5, -1.0, 2.0], [1.0, 0.0, -1.0]),  # square layers
                 ([[[0.5, -1.0], [0.3, 0.8], [1.2, 0.1], [-0.4, 0.7]], [[1.0, 0.5, -0.3, 0.2], [-0.7, 0.2, 0.9, 0.1],
                                                                       [0.4, -1.1, 0.6, 0.3]], [[0.8, -0.5, 1.0]]],
                  [[0.1, 0.0, -0.2, 0.1], [0.0, 0.3, 0.1], [0.2]], [1.5, -0.5], [0.7])],         # widths 2-4-3-1
          atol=1e-10, rtol=1e-8,
          hint="compare the backward loop with the four layer equations of the text, one product at a time; "
               "which product would fail if the layers had different widths?",
          explanation="Going backwards, ∂L/∂xˡ⁻¹ = (Wˡ)ᵀδˡ: the row vector δˡ multiplies Wˡ from the left. "
                      "Wˡδˡ has the right shape only when Wˡ is square, so the bug hides exactly in networks "
                      "of constant width, and a one-layer network, with no recursion at all, cannot reveal it.")
def _mlp_weight_gradients(Ws, bs, x, y):
    # Independent route: autograd through the forward pass, gradients flattened in the same order.
    Ws = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in Ws]
    h = torch.tensor(x, dtype=torch.float64)
    for l, (W, b) in enumerate(zip(Ws, bs)):
        h = W @ h + torch.tensor(b, dtype=torch.float64)
        h = h if l == len(Ws) - 1 else torch.tanh(h)
    loss = ((h - torch.tensor(y, dtype=torch.float64)) ** 2).sum()
    return torch.cat([g.reshape(-1) for g in torch.autograd.grad(loss, Ws)]).numpy()


# --- a prediction before the explorer ------------------------------------------------------------------

GD_OUTCOMES = {
    "a": "it converges, every coordinate shrinking steadily towards 0",
    "b": "it converges, but the steepest coordinate flips sign at every step",
    "c": "it neither converges nor blows up: the steepest coordinate flips sign forever at a constant size",
    "d": "it diverges: the steepest coordinate flips sign and grows at every step",
}


@exercise("ch03.ex.gd-past-the-limit", function="gd_prediction", kind="predict",
          title="Gradient descent near the step 2/L", choices=GD_OUTCOMES,
          cases=[(1.0,), (1.9,), (2.0,), (2.1,)],  # 2.0 is the edge: the stability limit itself
          hint="in the eigenbasis of Q every coordinate is multiplied by the same number at every step",
          explanation="In the eigenbasis of Q coordinate i is multiplied by 1 − ηλᵢ at every step, and the "
                      "steepest one by 1 − ηL. For ηL ≤ 1 all factors lie in [0, 1): steady shrinking (a). "
                      "For 1 < ηL < 2 the steepest factor lies in (−1, 0): it flips sign but shrinks (b). At "
                      "ηL = 2 it is exactly −1: the iterate bounces between two points for ever (c), so the "
                      "condition is η < 2/L, not η ≤ 2/L. Past 2 it grows like |1 − ηL|ᵗ (d): a step only 5% too "
                      "large diverges, however gentle the other directions are.")
def _gd_outcome(eta_L):
    # Independent route: run x <- x - η Q x on a rotated 3-d quadratic with eigenvalues L·(0.1, 0.55, 1) and
    # classify what the iterates do; nothing of the closed form ρ(η) = max|1 − ηλ| is used.
    L, steps = 3.0, 400
    rotation = np.linalg.qr(np.random.default_rng(0).normal(size=(3, 3)))[0]
    Q = rotation @ np.diag(L * np.array([0.1, 0.55, 1.0])) @ rotation.T
    top = np.linalg.eigh(Q)[1][:, -1]  # the steepest direction
    x, path = rotation @ np.ones(3), []
    for _ in range(steps + 1):
        path.append(x)
        x = x - (eta_L / L) * (Q @ x)
    path = np.array(path)
    size, along = np.linalg.norm(path, axis=1), path @ top
    if size[-1] > 2 * size[0]:
        return "d"
    if size[-1] > 1e-6 * size[0]:
        return "c"
    visible = np.abs(along[1:]) > 1e-8 * size[0]  # ignore sign changes of rounding noise around 0
    return "b" if np.any((along[1:] * along[:-1] < 0) & visible) else "a"


# --- an explorer question ---------------------------------------------------------------------------------

@exercise("ch03.ex.nesterov-limit", function="nesterov_divergence_step", kind="explore",
          title="Where Nesterov's method diverges",
          explorer="edl.optimization.figures.optimizers.race_explorer",
          cases=[(0.9, 100.0), (0.9, 10.0), (0.5, 100.0), (0.5, 10.0)], atol=0, rtol=0,
          hint="set β and κ, move the step slider up from 0.1 and watch the green curve of the loss panel: "
               "the first step at which it ends above where it started")
def _nesterov_divergence_step(momentum, kappa):
    # Reads the explorer's own slider values and trajectories: the smallest step whose Nesterov loss ends above
    # its start (None if it never does on the slider).
    from edl.optimization.figures import optimizers
    explorer = optimizers.race_explorer()
    lrs = next(c.values for c in explorer.controls if c.name == "lr")
    H = optimizers._race_hessian(kappa)
    for lr in lrs:
        path = optimizers.race_trajectories(float(lr), float(momentum), float(kappa))["Nesterov"]
        loss = 0.5 * np.einsum("ti,ij,tj->t", path, H, path)
        if not loss[-1] <= loss[0]:
            return lr
    return None
