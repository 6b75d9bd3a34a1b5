r"""The neural tangent kernel of a two-layer network: linearisation, the empirical and the infinite-width
kernel, the dual (kernel) form of the linearised model, and its gradient-flow dynamics.

Chapter 9, part 1, "Linearised networks and the neural tangent kernel" (book labels ``ntk.linearization`` …
``ntk.infinite-width-limit``). The network is

.. math:: f(\theta)(x)=\frac1{m^{a}}\sum_{j=1}^mv_j\,\varphi\Big(\frac{w_j\cdot x}{\sqrt d}\Big),\qquad
   a=\tfrac12\ \text{(NTK scaling, ``scale="ntk"``)},\quad a=1\ \text{(mean-field, ``scale="mean-field"``)},

with all parameters trained and initialised :math:`v_j,w_{jk}\sim\mathcal N(0,1)`. Its parameters are one flat
vector ``theta`` of length :math:`m(d+1)`: the rows :math:`w_j` first, then :math:`v`. Symbols: :math:`J` the
(n, P) Jacobian :math:`\partial f(x_i)/\partial\theta_j`, :math:`K=JJ^\top` the kernel on the training inputs,
:math:`k(x)` the column of kernel values between the training inputs and :math:`x`, :math:`f_0` the network
at initialisation. Tensors keep their dtype and device; array-likes become float64.
"""

import math

import torch
from torch.func import jacrev, jvp, vmap

from edl.core import validate as v

ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu}
SCALES = {"ntk": 0.5, "mean-field": 1.0}


def _tensor(name, value, *, ndim=None, like=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _net_args(theta, X, activation, scale, names=("theta", "X")):
    X = _tensor(names[1], X, ndim=2)
    theta = _tensor(names[0], theta, ndim=1, like=X)
    d = X.shape[1]
    if theta.shape[0] % (d + 1):
        raise ValueError(f"{names[0]} must have length m·(d + 1) = m·{d + 1} to match {names[1]}, "
                         f"got length {theta.shape[0]}")
    v.require_choice("activation", activation, tuple(ACTIVATIONS))
    v.require_choice("scale", scale, tuple(SCALES))
    return theta, X


def _forward(theta, x, d, activation, scale):
    """f(θ)(x) for one input x of shape (d,), no validation (torch.func transforms this)."""
    m = theta.shape[0] // (d + 1)
    W, vv = theta[: m * d].reshape(m, d), theta[m * d:]
    return (vv * ACTIVATIONS[activation](W @ x / math.sqrt(d))).sum() / m ** SCALES[scale]


def init_two_layer(m: int, d: int, *, generator=None, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""Initial parameters :math:`w_{jk},v_j\sim\mathcal N(0,1)` as one flat vector (``m·d`` weights, then ``m`` outputs).

    >>> init_two_layer(3, 2, generator=torch.Generator().manual_seed(0)).shape
    torch.Size([9])
    """
    m = v.require_int("m", m, minimum=1)
    d = v.require_int("d", d, minimum=1)
    v.require_generator("generator", generator)
    dtype = v.require_dtype("dtype", dtype)
    device = v.require_device("device", device)
    return torch.randn(m * (d + 1), generator=generator, dtype=dtype).to(device)


def two_layer(theta, X, *, activation: str = "tanh", scale: str = "ntk") -> torch.Tensor:
    r"""The network's outputs :math:`f(\theta)(x_i)` on the rows of ``X`` (n, d).

    >>> theta = torch.tensor([1.0, 0.0, 0.0, 1.0, 2.0, -1.0], dtype=torch.float64)     # m = 2, d = 2
    >>> [round(f, 6) for f in two_layer(theta, [[1.0, 1.0]], activation="relu").tolist()]
    [0.5]
    """
    theta, X = _net_args(theta, X, activation, scale)
    d = X.shape[1]
    return vmap(lambda x: _forward(theta, x, d, activation, scale))(X)


def param_jacobian(theta, X, *, activation: str = "tanh", scale: str = "ntk") -> torch.Tensor:
    r"""The Jacobian :math:`J_{ij}=\partial f(\theta)(x_i)/\partial\theta_j`, (n, P), by ``torch.func.jacrev`` and ``vmap``.

    Book label: ``ntk.kernel``.

    >>> param_jacobian(torch.ones(6, dtype=torch.float64), [[0.0, 0.0]]).tolist()
    [[0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]
    """
    return _jacobian(theta, X, activation, scale, ("theta", "X"))


def _jacobian(theta, X, activation, scale, names):
    theta, X = _net_args(theta, X, activation, scale, names)
    d = X.shape[1]
    return vmap(jacrev(lambda t, x: _forward(t, x, d, activation, scale)), in_dims=(None, 0))(theta, X)


def empirical_ntk(theta, X1, X2=None, *, activation: str = "tanh", scale: str = "ntk") -> torch.Tensor:
    r"""The empirical neural tangent kernel :math:`k_\theta(x,x')=\nabla_\theta f(x)\cdot\nabla_\theta f(x')`:

    .. math:: K=J_1J_2^\top,\qquad\text{for }a=\tfrac12:\ k=\frac1m\sum_j\Big[\varphi(u_j)\varphi(u_j')
       +v_j^2\varphi'(u_j)\varphi'(u_j')\frac{x\cdot x'}d\Big],\ u_j=\frac{w_j\cdot x}{\sqrt d}.

    Book label: ``ntk.kernel``. ``X1`` (n1, d), ``X2`` (n2, d) (default ``X1``: the Gram matrix, symmetric and
    positive semi-definite). Batched over all parameters and all input pairs.

    >>> theta = torch.tensor([1.0, 0.0, 0.0, 1.0, 2.0, -1.0], dtype=torch.float64)
    >>> [[round(k, 6) for k in row] for row in empirical_ntk(theta, [[1.0, 1.0]], activation="relu").tolist()]
    [[3.0]]
    """
    J1 = _jacobian(theta, X1, activation, scale, ("theta", "X1"))
    if X2 is None:
        return J1 @ J1.T
    return J1 @ _jacobian(theta, X2, activation, scale, ("theta", "X2")).T


def linearized(theta0, delta, X, *, activation: str = "tanh", scale: str = "ntk") -> torch.Tensor:
    r"""The linearised network :math:`h(\vartheta)(x)=f(\theta_0)(x)+\vartheta\cdot\nabla_\theta f(\theta_0)(x)`,
    a Jacobian–vector product (``torch.func.jvp``), with error at most :math:`\frac12\|\vartheta\|^2\sup\|\nabla^2_\theta f\|`.

    Book label: ``ntk.linearization``. ``theta0`` : expansion point; ``delta`` : :math:`\vartheta=\theta-\theta_0`.

    >>> theta = torch.tensor([1.0, 0.0, 0.0, 1.0, 2.0, -1.0], dtype=torch.float64)
    >>> [round(h, 6) for h in linearized(theta, torch.full((6,), 0.1, dtype=torch.float64), [[1.0, 1.0]], activation="relu").tolist()]
    [0.7]
    """
    theta0, X = _net_args(theta0, X, activation, scale, ("theta0", "X"))
    delta = _tensor("delta", delta, like=theta0)
    v.require_same_shape("theta0", theta0, "delta", delta)
    d = X.shape[1]
    return jvp(lambda t: vmap(lambda x: _forward(t, x, d, activation, scale))(X), (theta0,), (delta,))[1] + \
        two_layer(theta0, X, activation=activation, scale=scale)


def _kernel_args(K, *, square=True, name="K", like=None):
    K = _tensor(name, K, ndim=2, like=like)
    if square and K.shape[0] != K.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {tuple(K.shape)}")
    return K


def _vector(name, value, n, like, match):
    t = _tensor(name, value, ndim=1, like=like)
    v.require_shape(name, t, (n,), match=match)
    return t


def dual_predict(alpha, K_cross, f0) -> torch.Tensor:
    r"""The dual (representer) form of the linearised model, :math:`h(\alpha)(x)=f_0(x)+\sum_{i=1}^s\alpha_ik(x_i,x)`.

    Book label: ``ntk.dual-representation``. ``alpha`` : (s,); ``K_cross`` : (n, s) kernel between the points
    and the training inputs; ``f0`` : (n,) the network at initialisation on the points.

    >>> dual_predict([1.0, -1.0], [[2.0, 1.0]], [0.5]).tolist()
    [1.5]
    """
    Kc = _kernel_args(K_cross, square=False, name="K_cross")
    alpha = _vector("alpha", alpha, Kc.shape[1], Kc, "K_cross")
    f0 = _vector("f0", f0, Kc.shape[0], Kc, "K_cross")
    return f0 + Kc @ alpha


def dual_loss(alpha, K, f0, y) -> torch.Tensor:
    r"""The training loss in dual coordinates, :math:`E(\alpha)=\frac1{2s}\|K\alpha+f_0-y\|^2`.

    Book label: ``ntk.dual-representation``.

    >>> float(dual_loss([0.5, 0.0], [[2.0, 0.0], [0.0, 1.0]], [0.0, 0.0], [1.0, 1.0]))
    0.25
    """
    K = _kernel_args(K)
    alpha = _vector("alpha", alpha, K.shape[0], K, "K")
    f0 = _vector("f0", f0, K.shape[0], K, "K")
    y = _vector("y", y, K.shape[0], K, "K")
    return ((K @ alpha + f0 - y) ** 2).sum() / (2 * K.shape[0])


def kernel_regression(K, K_cross, y, f0, f0_cross) -> torch.Tensor:
    r"""The optimum of the linearised network: kernel regression with the NTK on the residual targets,

    .. math:: h^*(x)=f_0(x)+k(x)^\top K^+(y-f_0),\qquad h^*(x_i)=y_i\ \text{for invertible }K.

    Book label: ``ntk.kernel-regression-solution``. ``K`` : (s, s) training kernel, symmetric positive
    semi-definite (its symmetric part is used); ``K_cross`` : (n, s); ``y``, ``f0`` : (s,) targets and initial
    outputs on the training inputs; ``f0_cross`` : (n,) on the points.

    >>> kernel_regression([[2.0]], [[1.0]], [1.0], [0.5], [0.2]).tolist()
    [0.45]
    """
    K = _kernel_args(K)
    v.require_covariance("K", K, strict=False)
    K = (K + K.T) / 2                                      # the Hermitian pseudo-inverse reads one triangle only
    Kc = _kernel_args(K_cross, square=False, name="K_cross")
    v.require_shape("K_cross", Kc, (None, K.shape[0]), match="K")
    y = _vector("y", y, K.shape[0], K, "K")
    f0 = _vector("f0", f0, K.shape[0], K, "K")
    f0c = _vector("f0_cross", f0_cross, Kc.shape[0], K, "K_cross")
    return f0c + Kc @ (torch.linalg.pinv(K, hermitian=True) @ (y - f0))


def param_gradient_flow(theta, X, y, *, activation: str = "tanh", scale: str = "ntk") -> torch.Tensor:
    r"""The gradient-flow velocity of :math:`E(\theta)=\frac12\|f(\theta)-y\|^2` in parameter space,

    .. math:: \dot\theta=-\nabla E=\sum_{i=1}^s\big(y_i-f_i(\theta)\big)\nabla f_i(\theta)=J^\top(y-f).

    Book label: ``ntk.param-gradient-flow``.

    >>> param_gradient_flow(torch.ones(6, dtype=torch.float64), [[0.0, 0.0]], [1.0]).tolist()
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    """
    J = param_jacobian(theta, X, activation=activation, scale=scale)
    y = _vector("y", y, J.shape[0], J, "X")
    return J.T @ (y - two_layer(theta, X, activation=activation, scale=scale))


def functional_gradient_flow(K, y, f) -> torch.Tensor:
    r"""The same flow seen on the training outputs: :math:`\dot{\mathbf f}=K(\theta)(\mathbf y-\mathbf f)`,
    since :math:`\dot f_j=\nabla f_j\cdot\dot\theta=\sum_i(y_i-f_i)k(x_i,x_j)`.

    Book label: ``ntk.functional-gradient-flow``.

    >>> functional_gradient_flow([[2.0, 1.0], [1.0, 2.0]], [1.0, 0.0], [0.0, 0.0]).tolist()
    [2.0, 1.0]
    """
    K = _kernel_args(K)
    y = _vector("y", y, K.shape[0], K, "K")
    f = _vector("f", f, K.shape[0], K, "K")
    return K @ (y - f)


def linear_ode_solution(K, y, f0, t, K_cross=None, f0_cross=None) -> torch.Tensor:
    r"""The flow :math:`\dot{\mathbf f}=K(\mathbf y-\mathbf f)` with a constant kernel, solved:

    .. math:: \mathbf f(t)=\mathbf y-e^{-Kt}(\mathbf y-\mathbf f_0),\qquad
       f_t(x)=f_0(x)+k(x)^\top K^{-1}\big(I-e^{-Kt}\big)(\mathbf y-\mathbf f_0).

    Book label: ``ntk.linear-ode-solution``. With ``K_cross`` (n, s) and ``f0_cross`` (n,) returns the
    predictions at other points; otherwise the training outputs. In the eigenbasis :math:`K=U\Lambda U^\top`
    residual mode :math:`k` decays like :math:`e^{-\lambda_kt}`; :math:`t\to\infty` gives :func:`kernel_regression`.

    >>> [round(f, 6) for f in linear_ode_solution([[1.0]], [1.0], [0.0], 1.0).tolist()]
    [0.632121]
    """
    K = _kernel_args(K)
    v.require_covariance("K", K, strict=False)
    y = _vector("y", y, K.shape[0], K, "K")
    f0 = _vector("f0", f0, K.shape[0], K, "K")
    t = v.require_positive_scalar("t", t, strict=False)
    lam, U = torch.linalg.eigh(K)
    coef = U.T @ (y - f0)
    if K_cross is None and f0_cross is None:
        return y - U @ (torch.exp(-lam * t) * coef)
    if K_cross is None or f0_cross is None:
        raise ValueError(f"K_cross and f0_cross must be given together, got K_cross={K_cross!r}, f0_cross={f0_cross!r}")
    Kc = _kernel_args(K_cross, square=False, name="K_cross")
    v.require_shape("K_cross", Kc, (None, K.shape[0]), match="K")
    f0c = _vector("f0_cross", f0_cross, Kc.shape[0], K, "K_cross")
    safe = torch.where(lam > 1e-12 * lam.max(), lam, torch.ones_like(lam))
    gain = torch.where(lam > 1e-12 * lam.max(), -torch.expm1(-lam * t) / safe, t * torch.ones_like(lam))
    return f0c + Kc @ (U @ (gain * coef))


def relu_ntk_infinite(X1, X2=None) -> torch.Tensor:
    r"""The infinite-width NTK of the two-layer ReLU network (NTK scaling, :math:`v,w\sim\mathcal N(0,1)`):

    .. math:: k_\infty(x,x')=\frac{\|x\|\|x'\|}{2\pi d}\big(\sin\psi+(\pi-\psi)\cos\psi\big)
       +\frac{x\cdot x'}d\,\frac{\pi-\psi}{2\pi},\qquad\psi=\angle(x,x').

    Book label: ``ntk.infinite-width-limit``. The first term is :math:`\mathbb E[\varphi(u)\varphi(u')]` (the
    output-layer gradients), the second :math:`\mathbb E[v^2]\mathbb E[\varphi'(u)\varphi'(u')]\,x\cdot x'/d`.

    >>> [[round(k, 6) for k in row] for row in relu_ntk_infinite([[1.0, 0.0], [0.0, 1.0]]).tolist()]
    [[0.5, 0.079577], [0.079577, 0.5]]
    """
    X1 = _tensor("X1", X1, ndim=2)
    X2 = X1 if X2 is None else _tensor("X2", X2, ndim=2, like=X1)
    v.require_shape("X2", X2, (None, X1.shape[1]), match="X1")
    n1, n2 = torch.linalg.vector_norm(X1, dim=1), torch.linalg.vector_norm(X2, dim=1)
    if not ((n1 > 0).all() and (n2 > 0).all()):
        raise ValueError("X1 and X2 must not contain the zero vector (its angle is undefined)")
    d = X1.shape[1]
    dot = X1 @ X2.T
    norms = n1[:, None] * n2[None, :]
    psi = torch.arccos(torch.clamp(dot / norms, -1.0, 1.0))
    return norms / (2 * math.pi * d) * (torch.sin(psi) + (math.pi - psi) * torch.cos(psi)) + \
        dot / d * (math.pi - psi) / (2 * math.pi)
