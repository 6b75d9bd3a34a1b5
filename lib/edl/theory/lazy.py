r"""Training in the kernel regime and out of it: gradient descent on the two-layer network, its linearised
prediction, how the kernel moves (through the Hessian), how that motion shrinks with width, and what breaks
it (a large step, or mean-field scaling).

Chapter 9, part 1, "Linearised networks and the neural tangent kernel" (book labels ``ntk.constancy`` …
``ntk.lazy-vs-rich``). The network, its flat parameter vector ``theta`` and the scalings are those of
:mod:`edl.theory.ntk`. The experiments use :func:`kernel_data`: :math:`n` inputs in :math:`\mathbb R^d` with
rows rescaled to norm :math:`\sqrt d` and targets :math:`y=\sin x_1`.
"""

import math

import torch
from torch.func import grad, jvp

from edl.core import validate as v
from edl.theory import ntk

REGIMES = ("lazy", "catapult", "mean-field")


def _tensor(name, value, *, ndim=None, like=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def kernel_data(n: int = 20, d: int = 5, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``n`` Gaussian inputs in :math:`\mathbb R^d` rescaled to norm :math:`\sqrt d`, and targets :math:`\sin x_1`.

    >>> X, y = kernel_data(3, 2)
    >>> [round(float(r), 6) for r in X.norm(dim=1)]
    [1.414214, 1.414214, 1.414214]
    """
    n = v.require_int("n", n, minimum=1)
    d = v.require_int("d", d, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    X = torch.randn(n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    X = X / X.norm(dim=1, keepdim=True) * math.sqrt(d)
    return X, torch.sin(X[:, 0])


def train_gd(theta, X, y, *, lr: float, steps: int, activation: str = "tanh", scale: str = "ntk") -> torch.Tensor:
    r"""Full-batch gradient descent on :math:`E(\theta)=\frac12\|f(\theta)-y\|^2`: :math:`\theta\leftarrow\theta+\eta J^\top(y-f)`.

    Book label: ``ntk.constancy``. Returns the parameters after ``steps`` steps of size ``lr``.

    >>> X, y = kernel_data(4, 2)
    >>> theta = ntk.init_two_layer(64, 2, generator=torch.Generator().manual_seed(0))
    >>> loss = lambda t: round(float(0.5 * ((ntk.two_layer(t, X) - y) ** 2).sum()), 4)
    >>> loss(theta), loss(train_gd(theta, X, y, lr=0.1, steps=100))
    (1.9695, 0.0031)
    """
    theta, X = ntk._net_args(theta, X, activation, scale)
    y = _tensor("y", y, ndim=1, like=X)
    v.require_shape("y", y, (X.shape[0],), match="X")
    lr = v.require_positive_scalar("lr", lr)
    steps = v.require_int("steps", steps, minimum=0)
    d = X.shape[1]
    m = theta.shape[0] // (d + 1)
    c = m ** -ntk.SCALES[scale]
    W, vv = theta[: m * d].reshape(m, d).clone(), theta[m * d:].clone()
    Xs = X / math.sqrt(d)
    for _ in range(steps):
        U = Xs @ W.T                                                   # (n, m) pre-activations
        phi = torch.tanh(U) if activation == "tanh" else torch.relu(U)
        dphi = 1 - phi**2 if activation == "tanh" else (U > 0).to(U.dtype)
        r = c * phi @ vv - y                                           # residuals f − y
        W, vv = W - lr * c * ((dphi * vv) * r[:, None]).T @ Xs, vv - lr * c * phi.T @ r
    theta = torch.cat([W.reshape(-1), vv])
    return theta


def linearized_gd_prediction(K, K_cross, y, f0, f0_cross, *, lr: float, steps: int) -> torch.Tensor:
    r"""What gradient descent on the *linearised* network predicts, with the kernel frozen at initialisation:

    .. math:: f_t(x)=f_0(x)+k(x)^\top K^{-1}\big(I-(I-\eta K)^t\big)(\mathbf y-\mathbf f_0)
       \ \xrightarrow{t\to\infty}\ f_0(x)+k(x)^\top K^{-1}(\mathbf y-\mathbf f_0),

    the discrete-time counterpart of the constant-kernel flow; at infinite width the kernel stays constant and
    the trained network *is* this kernel machine. Book label: ``ntk.constancy``.

    >>> linearized_gd_prediction([[2.0]], [[1.0]], [1.0], [0.0], [0.0], lr=0.25, steps=1).tolist()
    [0.25]
    """
    K = ntk._kernel_args(K)
    v.require_covariance("K", K, strict=False)
    Kc = ntk._kernel_args(K_cross, square=False, name="K_cross")
    v.require_shape("K_cross", Kc, (None, K.shape[0]), match="K")
    y = ntk._vector("y", y, K.shape[0], K, "K")
    f0 = ntk._vector("f0", f0, K.shape[0], K, "K")
    f0c = ntk._vector("f0_cross", f0_cross, Kc.shape[0], K, "K_cross")
    lr = v.require_positive_scalar("lr", lr)
    steps = v.require_int("steps", steps, minimum=0)
    lam, U = torch.linalg.eigh(K)
    keep = lam > 1e-12 * lam.max()
    gain = torch.where(keep, (1 - (1 - lr * lam) ** steps) / torch.where(keep, lam, 1.0), lr * steps)
    return f0c + Kc @ (U @ (gain * (U.T @ (y - f0))))


def kernel_gradient(theta, x, z, *, activation: str = "tanh", scale: str = "ntk") -> torch.Tensor:
    r"""How the kernel moves with the parameters: it can only move through the Hessian of the network,

    .. math:: \nabla_\theta k(x,z)=\nabla^2_\theta f(x)\,\nabla_\theta f(z)+\nabla^2_\theta f(z)\,\nabla_\theta f(x),

    by two Hessian–vector products (forward over reverse, ``torch.func.jvp`` of ``grad``). Book label:
    ``ntk.kernel-gradient``. ``x``, ``z`` : single inputs of shape (d,).

    >>> kernel_gradient(torch.ones(3, dtype=torch.float64), [0.0, 0.0], [1.0, 0.0], activation="relu").tolist()
    [0.0, 0.0, 0.0]
    """
    x = _tensor("x", x, ndim=1)
    z = _tensor("z", z, ndim=1, like=x)
    v.require_same_shape("x", x, "z", z)
    theta, _ = ntk._net_args(theta, x[None], activation, scale, ("theta", "x"))
    d = x.shape[0]

    def g(point):
        return grad(lambda t: ntk._forward(t, point, d, activation, scale))

    gx, gz = g(x)(theta), g(z)(theta)
    return jvp(g(x), (theta,), (gz,))[1] + jvp(g(z), (theta,), (gx,))[1]


def relative_curvature(theta, x) -> torch.Tensor:
    r"""Relative curvature :math:`\|\nabla^2_\theta f(x)\|_2/\|\nabla_\theta f(x)\|_2^2` of the tanh network (NTK scaling).

    Book label: ``ntk.vanishing-curvature``. The Hessian is block-diagonal in the pairs :math:`(v_j,w_j)`, with
    blocks :math:`\frac1{\sqrt m}\begin{bmatrix}0&\varphi'(u_j)b^\top\\\varphi'(u_j)b&v_j\varphi''(u_j)bb^\top\end{bmatrix}`,
    :math:`b=x/\sqrt d`, each of rank two with eigenvalues :math:`\frac12(c_j\beta^2\pm\sqrt{c_j^2\beta^4+4a_j^2\beta^2})`,
    :math:`\beta=\|b\|`; the spectral norm is the largest over the blocks. It shrinks like :math:`m^{-1/2}` (up to
    the slowly growing maximum over neurons) while :math:`\|\nabla f\|^2=k(x,x)` stays of order one.

    >>> round(float(relative_curvature(ntk.init_two_layer(4096, 3, generator=torch.Generator().manual_seed(0)),
    ...                                [1.0, 1.0, 1.0])), 4)
    0.0515
    """
    x = _tensor("x", x, ndim=1)
    theta, X = ntk._net_args(theta, x[None], "tanh", "ntk", ("theta", "x"))
    d = x.shape[0]
    m = theta.shape[0] // (d + 1)
    W, vv = theta[: m * d].reshape(m, d), theta[m * d:]
    u = W @ x / math.sqrt(d)
    t = torch.tanh(u)
    a = (1 - t**2) / math.sqrt(m)                          # φ'(u)/√m
    c = vv * (-2 * t * (1 - t**2)) / math.sqrt(m)          # v φ''(u)/√m
    beta2 = (x @ x) / d
    top = (c.abs() * beta2 + torch.sqrt(c**2 * beta2**2 + 4 * a**2 * beta2)) / 2
    gradient_sq = ntk.empirical_ntk(theta, X)[0, 0]
    return top.max() / gradient_sq


def relative_kernel_change(K0, K1) -> torch.Tensor:
    r"""How far the kernel moved during training, :math:`\|K_T-K_0\|_F/\|K_0\|_F`.

    Book label: ``ntk.kernel-change-rate``.

    >>> float(relative_kernel_change([[2.0, 0.0], [0.0, 0.0]], [[2.0, 0.0], [0.0, 1.0]]))
    0.5
    """
    K0 = ntk._kernel_args(K0, square=False, name="K0")
    K1 = ntk._kernel_args(K1, square=False, name="K1", like=K0)
    v.require_same_shape("K0", K0, "K1", K1)
    norm = torch.linalg.matrix_norm(K0)
    if norm == 0:
        raise ValueError("K0 must not be the zero matrix")
    return torch.linalg.matrix_norm(K1 - K0) / norm


def _run(m, seed, regime, X, y, T, lr_fraction):
    scale = "mean-field" if regime == "mean-field" else "ntk"
    theta = ntk.init_two_layer(m, X.shape[1], generator=torch.Generator().manual_seed(seed))
    K0 = ntk.empirical_ntk(theta, X, scale=scale)
    top = float(torch.linalg.eigvalsh(K0)[-1])
    lr = 0.5 if regime == "catapult" else lr_fraction / top
    steps = round(T / lr) if regime == "catapult" else round(T * top * (m if scale == "mean-field" else 1) / lr_fraction)
    trained = train_gd(theta, X, y, lr=lr, steps=steps, scale=scale)
    return theta, trained, K0, lr, steps, scale


def kernel_change_experiment(widths, *, regime: str = "lazy", seeds: int = 3, n: int = 20, d: int = 5,
                             T: float = 20.0, lr_fraction: float = 0.5) -> torch.Tensor:
    r"""Relative kernel change :math:`\|K_T-K_0\|_F/\|K_0\|_F` after training, mean over seeds, one per width.

    Book labels: ``ntk.kernel-change-rate``, ``ntk.lazy-vs-rich``. ``regime`` : "lazy" (NTK scaling, step
    :math:`\eta=`\ ``lr_fraction``:math:`/\lambda_{\max}(K_0)` for time ``T``, i.e. :math:`T/\eta` steps: the change
    shrinks like :math:`1/m`), "catapult" (NTK scaling, fixed :math:`\eta=0.5>2/\lambda_{\max}`, :math:`T/\eta`
    steps) or "mean-field" (output scale :math:`1/m`, step :math:`\propto m`, as many steps as the lazy run: the
    kernel moves by order one at every width).

    >>> [round(c, 3) for c in kernel_change_experiment([64, 256], seeds=1).tolist()]
    [0.036, 0.012]
    """
    widths = v.require_int_list("widths", widths, minimum=1)
    v.require_choice("regime", regime, REGIMES)
    seeds = v.require_int("seeds", seeds, minimum=1)
    T = v.require_positive_scalar("T", T)
    lr_fraction = v.require_positive_scalar("lr_fraction", lr_fraction)
    X, y = kernel_data(n, d)
    out = torch.zeros(len(widths), dtype=torch.float64)
    for i, m in enumerate(widths):
        for seed in range(seeds):
            _, trained, K0, *_, scale = _run(m, seed, regime, X, y, T, lr_fraction)
            out[i] += relative_kernel_change(K0, ntk.empirical_ntk(trained, X, scale=scale)) / seeds
    return out


def constancy_experiment(widths, *, seeds: int = 1, n: int = 20, n_test: int = 10, d: int = 5,
                         T: float = 20.0) -> torch.Tensor:
    r"""Largest gap, over ``n_test`` held-out points, between the trained network and the linearised-GD prediction
    (:func:`linearized_gd_prediction` with the kernel at initialisation), mean over seeds, one per width.

    Book label: ``ntk.constancy``. Lazy regime of :func:`kernel_change_experiment`.

    >>> [round(g, 3) for g in constancy_experiment([64, 1024]).tolist()]
    [0.058, 0.005]
    """
    widths = v.require_int_list("widths", widths, minimum=1)
    seeds = v.require_int("seeds", seeds, minimum=1)
    n = v.require_int("n", n, minimum=1)
    n_test = v.require_int("n_test", n_test, minimum=1)
    T = v.require_positive_scalar("T", T)
    X_all, y_all = kernel_data(n + n_test, d)
    X, y, Xt = X_all[:n], y_all[:n], X_all[n:]
    out = torch.zeros(len(widths), dtype=torch.float64)
    for i, m in enumerate(widths):
        for seed in range(seeds):
            theta, trained, K0, lr, steps, _ = _run(m, seed, "lazy", X, y, T, 0.5)
            pred = linearized_gd_prediction(K0, ntk.empirical_ntk(theta, Xt, X), y, ntk.two_layer(theta, X),
                                            ntk.two_layer(theta, Xt), lr=lr, steps=steps)
            out[i] += (ntk.two_layer(trained, Xt) - pred).abs().max() / seeds
    return out


def infinite_width_error(widths, *, seeds: int = 5, n: int = 10, d: int = 5) -> torch.Tensor:
    r"""Relative Frobenius error :math:`\|K_m-K_\infty\|_F/\|K_\infty\|_F` of the empirical ReLU NTK at initialisation
    against :func:`edl.theory.ntk.relu_ntk_infinite`, mean over seeds, one per width (it shrinks like :math:`m^{-1/2}`).

    Book label: ``ntk.infinite-width-limit``.

    >>> [round(e, 3) for e in infinite_width_error([64, 4096], seeds=2).tolist()]
    [0.143, 0.028]
    """
    widths = v.require_int_list("widths", widths, minimum=1)
    seeds = v.require_int("seeds", seeds, minimum=1)
    n = v.require_int("n", n, minimum=1)
    d = v.require_int("d", d, minimum=1)
    X = torch.randn(n, d, generator=torch.Generator().manual_seed(123), dtype=torch.float64)
    K_inf = ntk.relu_ntk_infinite(X)
    out = torch.zeros(len(widths), dtype=torch.float64)
    for i, m in enumerate(widths):
        for seed in range(seeds):
            theta = ntk.init_two_layer(m, d, generator=torch.Generator().manual_seed(seed))
            K = ntk.empirical_ntk(theta, X, activation="relu")
            out[i] += torch.linalg.matrix_norm(K - K_inf) / torch.linalg.matrix_norm(K_inf) / seeds
    return out
