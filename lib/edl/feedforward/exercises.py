"""Exercises of chapter 2 (linear and logistic models; expressivity); each reference is an
independent route (autograd, torch.logsumexp, scipy.optimize)."""

import numpy as np
import scipy.optimize
import torch

from edl.core.exercises import exercise


_X = [[1.0, 2.0, 0.5], [0.0, -1.0, 3.0], [2.0, 0.5, -1.0], [1.5, 1.0, 1.0]]
_Y = [1.0, -2.0, 0.5, 3.0]


@exercise("ch02.ex.lsq-gradient", function="lsq_gradient", kind="implement", title="The least-squares gradient",
          cases=[(_X, _Y, [0.0, 0.0, 0.0]), (_X, _Y, [1.0, -1.0, 0.5]),
                 ([[1.0, 0.0], [0.0, 1.0]], [3.0, -4.0], [1.0, 1.0])],
          atol=1e-10, rtol=1e-10,
          hint="h(w) = ‖Xw − y‖² / (2s) averages over the s rows of X; its gradient is (XᵀXw − Xᵀy) / s")
def _lsq_gradient(X, y, w):
    X, y = torch.tensor(X, dtype=torch.float64), torch.tensor(y, dtype=torch.float64)
    w = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    ((X @ w - y) ** 2).mean().div(2).backward()
    return w.grad


@exercise("ch02.ex.log-sum-exp", function="stable_log_sum_exp", kind="implement", title="A stable log-sum-exp",
          cases=[([0.0, 0.0],), ([1.0, 2.0, 3.0],), ([1000.0, 1000.5, 999.0],), ([-1000.0, -1001.0],),
                 ([710.0, -710.0, 0.0],)],
          atol=1e-9, rtol=1e-12,
          hint="factor out e^m with m = max z before exponentiating, so that no exponential overflows")
def _log_sum_exp(z):
    return torch.logsumexp(torch.tensor(z, dtype=torch.float64), 0)


@exercise("ch02.ex.softmax-jacobian", function="softmax_jacobian_matrix", kind="implement",
          title="The softmax Jacobian",
          cases=[([0.0, 0.0],), ([1.0, 2.0, 3.0],), ([0.5, -1.0, 2.0, 0.0],), ([300.0, 301.0, 299.0],)],
          atol=1e-12, rtol=1e-9,
          hint="∂s_i/∂z_j = s_i(δ_ij − s_j): diag(s) − s sᵀ, with s the (stable) softmax of z")
def _softmax_jacobian(z):
    return torch.autograd.functional.jacobian(lambda u: torch.softmax(u, 0), torch.tensor(z, dtype=torch.float64))


def _lp_region_count(m: int, n: int, seed: int) -> int:
    """Regions of m random affine hyperplanes in R^n, by testing every sign pattern with an LP."""
    rng = np.random.default_rng(seed)
    W, b = rng.normal(size=(m, n)), rng.normal(size=m)
    count = 0
    for code in range(2**m):
        s = np.where((code >> np.arange(m)) & 1, 1.0, -1.0)
        res = scipy.optimize.linprog(np.r_[np.zeros(n), -1.0], A_ub=np.hstack([-s[:, None] * W, np.ones((m, 1))]),
                                     b_ub=s * b, bounds=[(-1e4, 1e4)] * n + [(None, 1.0)], method="highs")
        count += bool(res.status == 0 and -res.fun > 1e-9)
    return count


@exercise("ch02.ex.relu-zaslavsky", function="max_regions", kind="implement",
          title="Regions of a hyperplane arrangement",
          cases=[(3, 1), (4, 2), (6, 2), (5, 3), (6, 3), (2, 4)], atol=0, rtol=0,
          hint="count the subsets of at most n hyperplanes: sum over i <= min(n, m) of binom(m, i)")
def _max_regions(m, n):
    # Independent of the formula: enumerate the regions of a random (general-position) arrangement.
    return _lp_region_count(m, n, seed=m * 10 + n)


@exercise("ch02.ex.relu-hinge", function="hinge_coefficients_of", kind="implement",
          title="Hinge coefficients of an interpolant",
          cases=[([0.0, 1.0, 2.0], [0.0, 1.0, 0.0]), ([0.0, 0.5, 1.0, 2.0], [1.0, 2.0, 0.0, 3.0]),
                 ([-1.0, 0.0, 1.0], [1.0, 0.0, 1.0])],
          hint="a = first slope, b = g(x0) - a x0, c_i = slope after knot i minus slope before it")
def _hinge_coefficients(knots, values):
    # Independent route: least squares on the basis [x, 1, (x - x_i)+] sampled densely.
    knots, values = np.asarray(knots, float), np.asarray(values, float)
    x = np.linspace(knots[0], knots[-1], 2001)
    basis = np.column_stack([x, np.ones_like(x)] + [np.maximum(x - k, 0) for k in knots[1:-1]])
    coef = np.linalg.lstsq(basis, np.interp(x, knots, values), rcond=None)[0]
    return coef


# --- thinking exercises: a derivation, an explorer, a debug, a prediction ---------------------------------

@exercise("ch02.ex.xor-affine-fit", function="affine_fit_on_corners", kind="derive",
          title="The best affine fit on the corners of the square",
          tight=[([0.0, 1.0, 1.0, 0.0],),   # XOR: the fit is ½ everywhere
                 ([1.0, 2.0, 3.0, 4.0],)],  # already affine: the fit is exact
          cases=[([1.0, 0.0, 0.0, 0.0],), ([0.0, 0.0, 0.0, 1.0],), ([2.0, -1.0, 0.5, 3.0],)],
          atol=1e-10, rtol=1e-10,
          hint="on the four corners, which labelling is orthogonal to 1, x₁ and x₂? The residual of a "
               "least-squares fit is orthogonal to everything the model can represent")
def _affine_fit_on_corners(y):
    # Independent route: least squares on the design matrix [x1, x2, 1] of the corners (0,0), (0,1), (1,0), (1,1).
    design = np.array([[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    coef = np.linalg.lstsq(design, np.asarray(y, float), rcond=None)[0]
    return design @ coef


@exercise("ch02.ex.ridge-half", function="kept_fractions", kind="explore",
          title="What ridge keeps of each direction",
          explorer="edl.feedforward.figures.linear_models.ridge_explorer",
          cases=[(0.01,), (0.3,), (1.0,), (10.0,)], atol=0.02, rtol=0,
          hint="move λ and read the factors λᵢ/(λᵢ + λ) of the flat (green) and the stiff direction in the bar chart")
def _kept_fractions(lam):
    # Reads the explorer's own data: the shrinkage factors [flat, stiff] of the quadratic fit at a slider value.
    from edl.feedforward.figures import linear_models
    if lam not in linear_models.ridge_explorer().controls[0].values:
        raise ValueError(f"lam must be a value of the explorer's slider, got {lam!r}")
    _, X, _ = linear_models.quadratic_fit_data()
    eig = np.linalg.eigvalsh(X.T @ X)
    return eig / (eig + lam)


TRAINING_BACKWARD_BUGGY = '''\
def network_gradients(X, y, Ws, bs):
    "∂L/∂Wˡ and ∂L/∂bˡ of the mean cross-entropy of a tanh network with one output logit, flattened."
    Ws, bs = [np.asarray(W, dtype=float) for W in Ws], [np.asarray(b, dtype=float) for b in bs]
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    pre, post = [], [X]                                   # a^l and x^l for every layer, rows = examples
    for l, (W, b) in enumerate(zip(Ws, bs)):
        pre.append(post[-1] @ W.T + b)
        post.append(pre[-1] if l == len(Ws) - 1 else np.tanh(pre[-1]))
    delta = (1 / (1 + np.exp(-post[-1])) - y[:, None]) / len(y)    # δ of the output logit
    grads = []
    for l in reversed(range(len(Ws))):
        grads = [delta.T @ post[l], delta.sum(0)] + grads            # ∂L/∂Wˡ, ∂L/∂bˡ
        if l > 0:
            delta = (delta @ Ws[l]) * (1 - pre[l - 1] ** 2)          # back through Wˡ, then through tanh
    return np.concatenate([g.ravel() for g in grads])
'''


@exercise("ch02.ex.training-debug", function="network_gradients", kind="debug",
          title="A backward pass with the wrong derivative", buggy=TRAINING_BACKWARD_BUGGY,
          cases=[([[0.0, 0.0], [1.0, 0.5]], [0.0, 1.0], [[[0.3, -0.2]]], [[0.1]]),          # no hidden layer
                 ([[0.1, -0.2], [0.4, 0.3], [-0.1, 0.2]], [1.0, 0.0, 1.0],
                  [[[0.2, -0.1], [0.05, 0.1], [-0.15, 0.1]], [[0.5, -0.4, 0.3]]], [[0.0, 0.0, 0.0], [0.0]]),  # small a
                 ([[1.0, -2.0], [0.5, 1.5], [-1.0, 0.3]], [1.0, 0.0, 0.0],
                  [[[1.2, -0.7], [0.4, 1.1], [-0.9, 0.6]], [[0.8, -1.3, 0.5]]], [[0.3, -0.2, 0.1], [0.2]])],
          atol=1e-10, rtol=1e-8,
          hint="compare the tanh derivative in the backward loop with 1 − tanh²(aˡ); which stored list holds tanh(aˡ)?",
          explanation="The derivative of tanh at the pre-activation aˡ is 1 − tanh²(aˡ) = 1 − (xˡ)², the layer's own "
                      "output, stored as post[l]. The buggy line used 1 − (aˡ)², which is close to it only where the "
                      "pre-activations are small (tanh a ≈ a): on small weights the bug hides, and a network with no "
                      "hidden layer never reaches that line.")
def _network_gradients(X, y, Ws, bs):
    # Independent route: autograd of torch's BCEWithLogitsLoss through the same network.
    Ws = [torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in Ws]
    bs = [torch.tensor(b, dtype=torch.float64, requires_grad=True) for b in bs]
    h = torch.tensor(X, dtype=torch.float64)
    for l, (W, b) in enumerate(zip(Ws, bs)):
        h = h @ W.T + b
        h = h if l == len(Ws) - 1 else torch.tanh(h)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(h[:, 0], torch.tensor(y, dtype=torch.float64))
    grads = torch.autograd.grad(loss, [t for pair in zip(Ws, bs) for t in pair])
    return torch.cat([g.reshape(-1) for g in grads]).numpy()


OVERFIT_OUTCOMES = {
    "a": "lower with 200 training points than with 20",
    "b": "higher with 200 training points than with 20",
    "c": "about the same (within 10%)",
}


@exercise("ch02.ex.overfit-predict", function="overfit_prediction", kind="predict",
          title="Ten times more data", choices=OVERFIT_OUTCOMES,
          cases=[("final training loss",), ("final held-out loss",), ("best held-out loss",)],
          hint="a network that can fit 20 points exactly can it fit 200 noisy, overlapping ones exactly?",
          explanation="Twenty noisy points are fitted exactly: the training loss goes to zero while the held-out "
                      "loss climbs, because the network learns the noise of those twenty points. With 200 points "
                      "the classes overlap within the training set itself, so the same network cannot drive its "
                      "training loss to zero (it ends higher), but what it learns is closer to the true boundary: "
                      "both the best and the final held-out losses are lower. More data narrows the gap between "
                      "training and held-out loss; it does not make the training loss smaller.")
def _overfit_outcome(quantity):
    # Independent route: run the experiment (cached) and compare the two runs.
    from edl.feedforward.training import overfitting_experiment
    runs = overfitting_experiment()
    pick = {"final training loss": lambda r: float(r["train"][-1]),
            "final held-out loss": lambda r: float(r["test"][-1]),
            "best held-out loss": lambda r: float(r["test"].min())}[quantity]
    few, many = pick(runs[20]), pick(runs[200])
    if abs(many - few) <= 0.1 * max(abs(few), abs(many)):
        return "c"
    return "a" if many < few else "b"


@exercise("ch02.ex.ae-critical-loss", function="ae_loss_at_critical_point", kind="derive",
          title="The loss at a critical point of the linear autoencoder",
          tight=[([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]], [0, 1])],  # the top-k set: Eckart–Young
          cases=[([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]], [1, 2]),
                 ([[1.0, 2.0, 0.5, 0.0], [0.0, 1.0, -1.0, 2.0], [2.0, 0.0, 1.0, 1.0]], [2]),
                 ([[1.0, 2.0, 0.5, 0.0], [0.0, 1.0, -1.0, 2.0], [2.0, 0.0, 1.0, 1.0]], [])],
          atol=1e-9, rtol=1e-9,
          hint="at the critical point DC = U_S U_Sᵀ; what is left of X after projecting onto the chosen directions?")
def _ae_loss_at_critical_point(X, indices):
    # Independent route: project onto the chosen eigenvectors of X Xᵀ (largest first) and measure the residual.
    X = np.asarray(X, float)
    _, U = np.linalg.eigh(X @ X.T)
    U = U[:, ::-1][:, list(indices)]
    return float(((X - U @ U.T @ X) ** 2).sum())
