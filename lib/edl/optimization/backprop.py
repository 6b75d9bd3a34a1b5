"""Backpropagation and automatic differentiation, written out layer by layer.

Chapter 3, "Gradient-based learning" (book labels ``backprop.*``, ``autodiff.*``, ``gradients.*``).
A multilayer perceptron is a list of weight matrices ``weights[l]`` of shape ``(n_l, n_{l-1})`` and
biases ``biases[l]`` of shape ``(n_l,)``; every layer computes :math:`x^l=\\varphi(W^lx^{l-1}+b^l)`.
Inputs are one vector ``(n_0,)`` or a batch ``(B, n_0)``; dtype and device follow the weights.
Jacobians use the numerator layout: :math:`(\\partial y/\\partial x)_{ij}=\\partial y_i/\\partial x_j`.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from edl.core import validate as v


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity φ with its derivative and the bounds inf|φ'| and sup|φ'| (= κ)."""

    name: str
    phi: Callable[[torch.Tensor], torch.Tensor]
    dphi: Callable[[torch.Tensor], torch.Tensor]
    kappa: float
    kappa_inf: float

    def __post_init__(self):
        if not isinstance(self.name, str):
            raise ValueError(f"name must be a string, got {self.name!r}")
        v.require_callable("phi", self.phi)
        v.require_callable("dphi", self.dphi)
        kappa = v.require_positive_scalar("kappa", self.kappa, strict=False)
        if v.require_positive_scalar("kappa_inf", self.kappa_inf, strict=False) > kappa:
            raise ValueError(f"kappa_inf must not exceed kappa = {kappa}, got {self.kappa_inf!r}")


def _act(act) -> "Activation":
    """:func:`activation` for a function's ``act`` argument (errors name ``act``)."""
    if isinstance(act, Activation):
        return act
    v.require_choice("act", act, ("tanh", "sigmoid", "relu", "linear"))
    return activation(act)


def _tensors(name, values, ndim):
    ts = v.as_tensor_list(name, values)
    for i, t in enumerate(ts):
        v.require_ndim(f"{name}[{i}]", t, ndim)  # v.as_tensor_list has already refused an empty one
    return ts


def activation(name: str | Activation, slope: float = 1.0) -> Activation:
    r"""The activation called ``name``: ``"tanh"``, ``"sigmoid"``, ``"relu"`` or ``"linear"``.

    .. math:: \kappa=\sup_z|\varphi'(z)|:\quad \sigma:\tfrac14,\ \tanh:1,\ \mathrm{ReLU}:1,\
              \varphi(z)=cz:\ |c|

    ``slope`` : the factor :math:`c` of the linear activation :math:`\varphi(z)=cz` (only for ``"linear"``).

    >>> act = activation("sigmoid")
    >>> z = torch.linspace(-6, 6, 1001, dtype=torch.float64)
    >>> float(act.dphi(z).max()) == act.kappa == 0.25
    True
    """
    if isinstance(name, Activation):
        return name
    slope = v.require_scalar("slope", slope)
    if name == "tanh":
        return Activation("tanh", torch.tanh, lambda z: 1 - torch.tanh(z) ** 2, 1.0, 0.0)
    if name == "sigmoid":
        return Activation("sigmoid", torch.sigmoid,
                          lambda z: torch.sigmoid(z) * torch.sigmoid(-z), 0.25, 0.0)
    if name == "relu":
        return Activation("relu", torch.relu, lambda z: (z > 0).to(z.dtype), 1.0, 0.0)
    if name == "linear":
        return Activation(f"linear({slope:g})", lambda z: slope * z,
                          lambda z: torch.full_like(z, slope), abs(slope), abs(slope))
    raise ValueError(f"name must be 'tanh', 'sigmoid', 'relu' or 'linear', got {name!r}")


def init_mlp(widths: Sequence[int], *, gain: float = 1.0, bias_scale: float = 0.1, seed: int = 0,
             dtype=torch.float64, device=None) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    r"""Random weights :math:`W^l_{ij}\sim\mathcal N(0,g^2/n_{l-1})` and biases :math:`\mathcal N(0,s^2)`.

    ``widths`` : :math:`(n_0,\dots,n_L)`; ``gain`` : :math:`g`; ``bias_scale`` : :math:`s`.

    >>> W, b = init_mlp([4, 6, 3])
    >>> [tuple(w.shape) for w in W], [tuple(c.shape) for c in b]
    ([(6, 4), (3, 6)], [(6,), (3,)])
    """
    widths = v.require_int_list("widths", widths, minimum=1)
    if len(widths) < 2:
        raise ValueError(f"widths must list at least an input and an output width, got {list(widths)!r}")
    gain = v.require_positive_scalar("gain", gain, strict=False)
    bias_scale = v.require_positive_scalar("bias_scale", bias_scale, strict=False)
    seed = v.require_int("seed", seed)
    if not v.require_dtype("dtype", dtype).is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    device = v.require_device("device", device)
    g = torch.Generator(device=device or "cpu").manual_seed(seed)
    weights, biases = [], []
    for n_in, n_out in zip(widths[:-1], widths[1:]):
        weights.append(torch.randn(n_out, n_in, generator=g, dtype=dtype, device=device) * gain / math.sqrt(n_in))
        biases.append(torch.randn(n_out, generator=g, dtype=dtype, device=device) * bias_scale)
    return weights, biases


def _check_mlp(x, weights, biases):
    if hasattr(weights, "__len__") and hasattr(biases, "__len__") and (not len(weights) or len(weights) != len(biases)):
        raise ValueError(f"weights and biases must be non-empty lists of equal length, "
                         f"got {len(weights)} and {len(biases)}")
    weights, biases = _tensors("weights", weights, 2), _tensors("biases", biases, 1)
    for l, (W, b) in enumerate(zip(weights, biases)):
        if l and W.shape[1] != weights[l - 1].shape[0]:
            raise ValueError(f"weights[{l}] must have {weights[l - 1].shape[0]} columns, the rows of weights[{l - 1}], "
                             f"got shape {tuple(W.shape)}")
        v.require_shape(f"biases[{l}]", b, (W.shape[0],), match=f"weights[{l}]")
    x = v.as_float_tensor("x", x, like=weights[0])
    v.require_finite("x", x)
    v.require_ndim("x", x, (1, 2))
    if x.shape[-1] != weights[0].shape[1]:
        raise ValueError(f"x must have {weights[0].shape[1]} features (the first layer's input width), "
                         f"got shape {tuple(x.shape)}")
    return x, weights, biases


def mlp_forward(x, weights, biases, act="tanh") -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    r"""Forward pass storing every pre-activation and activation.

    .. math:: \mathbf a^l=W^l\mathbf x^{l-1}+\mathbf b^l,\qquad \mathbf x^l=\varphi(\mathbf a^l),\qquad l=1..L

    Returns ``(pre, post)``: ``pre[l-1]`` is :math:`\mathbf a^l` and ``post[l]`` is :math:`\mathbf x^l`
    (``post[0]`` is the input), each ``(n_l,)`` or ``(B, n_l)``.

    >>> W, b = init_mlp([3, 4, 2])
    >>> pre, post = mlp_forward(torch.ones(3, dtype=torch.float64), W, b)
    >>> bool(torch.allclose(post[-1], torch.tanh(W[1] @ torch.tanh(W[0] @ torch.ones(3).double() + b[0]) + b[1])))
    True
    """
    pre, post, _ = _forward(x, weights, biases, act)
    return pre, post


def _forward(x, weights, biases, act):
    """:func:`mlp_forward`, also returning the weights as tensors (they may be given as nested lists)."""
    x, weights, biases = _check_mlp(x, weights, biases)
    act = _act(act)
    pre, post = [], [x]
    for W, b in zip(weights, biases):
        pre.append(post[-1] @ W.T + b)  # (B, n_l): a^l = W^l x^{l-1} + b^l
        post.append(act.phi(pre[-1]))
    return pre, post, weights


def backprop(x, y, weights, biases, act="tanh") -> tuple[list[torch.Tensor], list[torch.Tensor], list[torch.Tensor]]:
    r"""Gradients of the squared error :math:`\mathcal L=\|\mathbf x^L-\mathbf y\|^2` by the δ-recursion.

    .. math:: \boldsymbol\delta^l=\frac{\partial\mathcal L}{\partial\mathbf x^l}\odot\varphi'(\mathbf a^l),\qquad
              \frac{\partial\mathcal L}{\partial\mathbf x^{l-1}}=(W^l)^\top\boldsymbol\delta^l,\qquad
              \frac{\partial\mathcal L}{\partial W^l}=\boldsymbol\delta^l(\mathbf x^{l-1})^\top,\qquad
              \frac{\partial\mathcal L}{\partial\mathbf b^l}=\boldsymbol\delta^l

    Book label: ``backprop.layer-equations``. ``y`` : targets, same shape as the output. For a batch the
    loss is summed over the batch. Returns ``(grad_weights, grad_biases, deltas)``; ``deltas[l-1]`` is
    :math:`\boldsymbol\delta^l` (per example).

    >>> W, b = init_mlp([3, 4, 2])
    >>> x, y = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    >>> gW, gb, _ = backprop(x, y, W, b)
    >>> W1 = W[1].clone().requires_grad_(True)
    >>> loss = ((torch.tanh(W1 @ torch.tanh(W[0] @ x + b[0]) + b[1]) - y) ** 2).sum()
    >>> bool(torch.allclose(gW[1], torch.autograd.grad(loss, W1)[0], atol=1e-14))
    True
    """
    act = _act(act)
    pre, post, weights = _forward(x, weights, biases, act)
    y = v.as_float_tensor("y", y, like=post[-1])
    v.require_finite("y", y)
    v.require_same_shape("y", y, "the network output", post[-1])
    batched = post[0].ndim == 2
    dL_dx = 2 * (post[-1] - y)  # ∂L/∂x^L
    grad_W, grad_b, deltas = [None] * len(weights), [None] * len(weights), [None] * len(weights)
    for l in reversed(range(len(weights))):
        delta = dL_dx * act.dphi(pre[l])  # δ^l = ∂L/∂x^l ⊙ φ'(a^l)
        d2, x2 = (delta, post[l]) if batched else (delta[None], post[l][None])
        grad_W[l] = d2.T @ x2  # Σ over the batch of δ^l (x^{l-1})ᵀ
        grad_b[l] = d2.sum(0)
        deltas[l] = delta
        dL_dx = delta @ weights[l]  # (W^l)ᵀ δ^l
    return grad_W, grad_b, deltas


def layer_jacobians(x, weights, biases, act="tanh") -> list[torch.Tensor]:
    r"""Per-layer Jacobians :math:`\partial F_l(\mathbf z_{l-1})=\operatorname{diag}(\varphi'(\mathbf a^l))\,W^l` at one input.

    Book label: ``backprop.jacobian-chain``. ``x`` : one input ``(n_0,)``. Returns ``L`` matrices ``(n_l, n_{l-1})``.

    >>> W, b = init_mlp([2, 3])
    >>> J = layer_jacobians(torch.zeros(2, dtype=torch.float64), W, b)[0]
    >>> bool(torch.allclose(J, torch.diag(1 - torch.tanh(b[0]) ** 2) @ W[0]))
    True
    """
    act = _act(act)
    pre, post, weights = _forward(x, weights, biases, act)
    v.require_ndim("x", post[0], 1)
    return [act.dphi(a)[:, None] * W for a, W in zip(pre, weights)]  # diag(φ'(a^l)) W^l


def chain_jacobian(jacobians: Sequence[torch.Tensor]) -> torch.Tensor:
    r"""Jacobian of a composition: the per-layer Jacobians multiplied right to left.

    .. math:: \partial(F_k\circ\cdots\circ F_1)(\mathbf x)=\prod_{l=k}^{1}\partial F_l(\mathbf z_{l-1})
              =\partial F_k\cdots\partial F_2\,\partial F_1

    Book label: ``backprop.jacobian-chain``. ``jacobians`` : ``[∂F_1, ..., ∂F_k]``, shapes ``(n_l, n_{l-1})``.

    >>> A, B = torch.eye(2, 3, dtype=torch.float64), torch.ones(4, 2, dtype=torch.float64)
    >>> tuple(chain_jacobian([A, B]).shape)
    (4, 3)
    """
    jacobians = _tensors("jacobians", jacobians, 2)
    J = jacobians[0]
    for Jl in jacobians[1:]:
        if Jl.shape[1] != J.shape[0]:
            raise ValueError(f"jacobians must chain: got shapes {tuple(J.shape)} then {tuple(Jl.shape)}")
        J = Jl @ J
    return J


def xi_recursion(xi_top, jacobians: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    r"""Row vectors :math:`\boldsymbol\xi_l` of the backward pass (downstream Jacobian × local Jacobian).

    .. math:: \boldsymbol\xi_{k+1}=\partial l(\mathbf z_k),\qquad
              \boldsymbol\xi_l=\boldsymbol\xi_{l+1}\,\partial F_l(\mathbf z_{l-1}),\qquad l=k,\dots,1

    Book label: ``backprop.jacobian-chain``. ``xi_top`` : :math:`\partial l(\mathbf z_k)`, shape ``(n_k,)``.
    Returns ``[ξ_1, ..., ξ_{k+1}]``; :math:`\boldsymbol\xi_1` is the gradient with respect to the input.

    >>> J = [torch.tensor([[2.0, 0.0]]).double()]
    >>> xi_recursion(torch.tensor([3.0]).double(), J)[0].tolist()
    [6.0, 0.0]
    """
    xi = [v.as_float_tensor("xi_top", xi_top)]
    v.require_finite("xi_top", xi[0])
    v.require_ndim("xi_top", xi[0], 1)
    jacobians = _tensors("jacobians", jacobians, 2)
    for l in range(len(jacobians) - 1, -1, -1):
        want = xi[0].shape[0] if l == len(jacobians) - 1 else jacobians[l + 1].shape[1]
        if jacobians[l].shape[0] != want:
            what = "xi_top" if l == len(jacobians) - 1 else f"jacobians[{l + 1}]"
            raise ValueError(f"jacobians[{l}] must have {want} rows to match {what}, got shape {tuple(jacobians[l].shape)}")
    for J in reversed(jacobians):
        xi.insert(0, xi[0] @ J)
    return xi


def xi_parameter_gradients(x, weights, biases, loss_grad: Callable, act="tanh"):
    r"""Parameter gradients from the ξ-recursion: :math:`\nabla_{\boldsymbol\theta_l}f=\boldsymbol\xi_{l+1}\cdot F_l'(\mathbf z_{l-1})`.

    For :math:`F_l(\mathbf z)=\varphi(W^l\mathbf z+\mathbf b^l)`, :math:`\partial x^l_i/\partial W^l_{ij}=\varphi'(a^l_i)z_j`,
    so :math:`\nabla_{W^l}=(\boldsymbol\xi_{l+1}\odot\varphi'(\mathbf a^l))^\top\mathbf z_{l-1}^\top` and
    :math:`\nabla_{\mathbf b^l}=\boldsymbol\xi_{l+1}\odot\varphi'(\mathbf a^l)`. Book label: ``backprop.jacobian-chain``.
    ``loss_grad`` : maps the output :math:`\mathbf z_k` to :math:`\partial l(\mathbf z_k)`.

    >>> W, b = init_mlp([2, 2])
    >>> gW, gb = xi_parameter_gradients(torch.ones(2).double(), W, b, lambda z: torch.ones_like(z))
    >>> bool(torch.allclose(gb[0], 1 - torch.tanh(W[0] @ torch.ones(2).double() + b[0]) ** 2))
    True
    """
    act = _act(act)
    v.require_callable("loss_grad", loss_grad)
    pre, post, weights = _forward(x, weights, biases, act)
    v.require_ndim("x", post[0], 1)
    xi = xi_recursion(loss_grad(post[-1]), layer_jacobians(post[0], weights, biases, act))
    grad_b = [xi[l + 1] * act.dphi(pre[l]) for l in range(len(weights))]
    return [torch.outer(gb, post[l]) for l, gb in enumerate(grad_b)], grad_b


# --- the basic Jacobians ----------------------------------------------------------------------------

def jacobian_linear(W) -> torch.Tensor:
    r"""Jacobian of :math:`\mathbf x\mapsto W\mathbf x`: :math:`\partial(W\mathbf x)/\partial\mathbf x=W`.

    Book label: ``backprop.matrix-derivatives``.

    >>> jacobian_linear([[1.0, 2.0]]).tolist()
    [[1.0, 2.0]]
    """
    W = v.as_float_tensor("W", W)
    v.require_finite("W", W)
    v.require_ndim("W", W, 2)
    return W.clone()


def jacobian_elementwise(dphi: Callable, x) -> torch.Tensor:
    r"""Jacobian of an elementwise map: :math:`\partial f(\mathbf x)/\partial\mathbf x=\operatorname{diag}(f'(\mathbf x))`.

    Book label: ``backprop.matrix-derivatives``. ``dphi`` : the scalar derivative :math:`f'`.

    >>> jacobian_elementwise(torch.cos, [0.0, 0.0]).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    v.require_callable("dphi", dphi)
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    v.require_ndim("x", x, 1)
    return torch.diag(dphi(x))


def gradient_squared_error(y_bar, y) -> torch.Tensor:
    r"""Derivative of the squared error with respect to the prediction: :math:`\partial\|\mathbf y-\bar{\mathbf y}\|^2/\partial\bar{\mathbf y}=2(\bar{\mathbf y}-\mathbf y)^\top`.

    Book label: ``backprop.matrix-derivatives``. ``y_bar`` : prediction :math:`\bar{\mathbf y}`; ``y`` : target.

    >>> gradient_squared_error([1.0, 3.0], [0.0, 1.0]).tolist()
    [2.0, 4.0]
    """
    y_bar = v.as_float_tensor("y_bar", y_bar)
    y = v.as_float_tensor("y", y, like=y_bar)
    v.require_finite("y_bar", y_bar), v.require_finite("y", y)
    v.require_same_shape("y_bar", y_bar, "y", y)
    return 2 * (y_bar - y)


def jacobian_relu(x) -> torch.Tensor:
    r"""Jacobian of the ReLU: :math:`\partial\max(0,\mathbf x)/\partial\mathbf x=\operatorname{diag}(H(\mathbf x))`, with :math:`H(0)=0`.

    Book label: ``backprop.matrix-derivatives``.

    >>> jacobian_relu([-1.0, 2.0]).tolist()
    [[0.0, 0.0], [0.0, 1.0]]
    """
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    v.require_ndim("x", x, 1)
    return torch.diag((x > 0).to(x.dtype))


# --- forward and reverse mode ---------------------------------------------------------------------

def mlp_jvp(x, u, weights, biases, act="tanh") -> torch.Tensor:
    r"""Jacobian-vector product by forward mode: tangents ride along with the forward pass.

    .. math:: \mathrm{jvp}(f,\mathbf u)=\partial_{\mathbf x}f\,\mathbf u:\qquad
              \dot{\mathbf x}^0=\mathbf u,\quad \dot{\mathbf x}^l=\varphi'(\mathbf a^l)\odot W^l\dot{\mathbf x}^{l-1}

    Book label: ``autodiff.vjp-jvp``. ``x`` : one input ``(n_0,)``; ``u`` : one tangent ``(n_0,)`` or a
    stack ``(K, n_0)`` (K passes done side by side). Returns :math:`J\mathbf u`, ``(n_L,)`` or ``(K, n_L)``.

    >>> W, b = init_mlp([3, 2])
    >>> x, u = torch.ones(3).double(), torch.tensor([1.0, 0.0, 0.0]).double()
    >>> bool(torch.allclose(mlp_jvp(x, u, W, b), layer_jacobians(x, W, b)[0][:, 0]))
    True
    """
    act = _act(act)
    pre, post, weights = _forward(x, weights, biases, act)
    v.require_ndim("x", post[0], 1)  # the input's shape in the message (pre[0] has the first layer's width)
    u = v.as_float_tensor("u", u, like=pre[0])
    v.require_finite("u", u)
    if u.ndim == 0 or u.shape[-1] != weights[0].shape[1]:
        raise ValueError(f"u must have {weights[0].shape[1]} entries per tangent, got shape {tuple(u.shape)}")
    for a, W in zip(pre, weights):
        u = act.dphi(a) * (u @ W.T)  # ẋ^l = φ'(a^l) ⊙ W^l ẋ^{l-1}
    return u


def mlp_vjp(x, vec, weights, biases, act="tanh") -> torch.Tensor:
    r"""Vector-Jacobian product by reverse mode: one backward sweep after a stored forward pass.

    .. math:: \mathrm{vjp}_{\mathbf x}(f,\mathbf v)=\partial_{\mathbf x}f^\top\mathbf v:\qquad
              \bar{\mathbf x}^L=\mathbf v,\quad \bar{\mathbf x}^{l-1}=(W^l)^\top\big(\varphi'(\mathbf a^l)\odot\bar{\mathbf x}^l\big)

    Book label: ``autodiff.vjp-jvp``. ``vec`` : one cotangent ``(n_L,)`` or a stack ``(K, n_L)``.
    Returns :math:`J^\top\mathbf v`, ``(n_0,)`` or ``(K, n_0)``.

    >>> W, b = init_mlp([3, 2])
    >>> x, e = torch.ones(3).double(), torch.tensor([0.0, 1.0]).double()
    >>> bool(torch.allclose(mlp_vjp(x, e, W, b), layer_jacobians(x, W, b)[0][1]))
    True
    """
    act = _act(act)
    pre, post, weights = _forward(x, weights, biases, act)
    v.require_ndim("x", post[0], 1)  # the input's shape in the message (pre[0] has the first layer's width)
    vec = v.as_float_tensor("vec", vec, like=pre[0])
    v.require_finite("vec", vec)
    if vec.ndim == 0 or vec.shape[-1] != weights[-1].shape[0]:
        raise ValueError(f"vec must have {weights[-1].shape[0]} entries per cotangent, got shape {tuple(vec.shape)}")
    for a, W in zip(reversed(pre), reversed(weights)):
        vec = (act.dphi(a) * vec) @ W  # x̄^{l-1} = (W^l)ᵀ (φ'(a^l) ⊙ x̄^l)
    return vec


def jacobian_forward_mode(f: Callable, x) -> tuple[torch.Tensor, int]:
    r"""Assemble :math:`J\in\mathbb R^{M\times N}` one column per JVP pass: :math:`J\mathbf e_j`, :math:`j=1..N`.

    Book label: ``autodiff.forward-reverse-cost``. ``f`` : a function :math:`\mathbb R^N\to\mathbb R^M`;
    ``x`` : the point ``(N,)``. Returns ``(J, passes)`` with ``passes`` = N.

    >>> J, passes = jacobian_forward_mode(lambda z: torch.stack([z.sum(), z.prod()]), torch.tensor([2.0, 3.0]).double())
    >>> J.tolist(), passes
    ([[1.0, 1.0], [3.0, 2.0]], 2)
    """
    v.require_callable("f", f)
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    v.require_ndim("x", x, 1)
    eye = torch.eye(x.shape[0], dtype=x.dtype, device=x.device)
    columns = [torch.func.jvp(f, (x,), (eye[j],))[1] for j in range(x.shape[0])]
    return torch.stack(columns, -1), len(columns)


def jacobian_reverse_mode(f: Callable, x) -> tuple[torch.Tensor, int]:
    r"""Assemble :math:`J\in\mathbb R^{M\times N}` one row per VJP pass: :math:`\mathbf e_i^\top J`, :math:`i=1..M`.

    One forward pass is stored and then swept backwards M times. Book label: ``autodiff.forward-reverse-cost``.
    Returns ``(J, passes)`` with ``passes`` = M.

    >>> J, passes = jacobian_reverse_mode(lambda z: torch.stack([z.sum(), z.prod()]), torch.tensor([2.0, 3.0]).double())
    >>> J.tolist(), passes
    ([[1.0, 1.0], [3.0, 2.0]], 2)
    """
    v.require_callable("f", f)
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    v.require_ndim("x", x, 1)
    out, pullback = torch.func.vjp(f, x)
    eye = torch.eye(out.numel(), dtype=out.dtype, device=out.device)
    rows = [pullback(eye[i].reshape(out.shape))[0] for i in range(out.numel())]
    return torch.stack(rows, 0), len(rows)


def autodiff_cost(n_inputs: int, n_outputs: int, graph_size: int) -> torch.Tensor:
    r"""Cost of the full Jacobian in forward and in reverse mode, in units of one sweep of the graph.

    .. math:: \text{forward: }O\big(N(|V|+|E|)\big),\qquad \text{reverse: }O\big(M(|V|+|E|)\big)

    Book label: ``autodiff.forward-reverse-cost``. ``n_inputs`` : N; ``n_outputs`` : M;
    ``graph_size`` : :math:`|V|+|E|`. Returns ``tensor([forward, reverse])``.

    >>> autodiff_cost(1000, 1, 50).tolist()
    [50000.0, 50.0]
    """
    n = [v.require_int(name, k, minimum=1) for name, k in
         (("n_inputs", n_inputs), ("n_outputs", n_outputs), ("graph_size", graph_size))]
    return torch.tensor([n[0] * n[2], n[1] * n[2]], dtype=torch.float64)


# --- vanishing and exploding gradients --------------------------------------------------------------

def jacobian_norm_bounds(weights, act="tanh") -> torch.Tensor:
    r"""Lower and upper bounds on :math:`\|\partial\mathbf x^L/\partial\mathbf x^0\|_2` from the layer norms.

    .. math:: \prod_{l=1}^L\kappa_{\inf}\,\sigma_{\min}(W^l)\ \le\
              \Big\|\prod_{l=L}^{1}\operatorname{diag}(\varphi'(\mathbf a^l))W^l\Big\|_2\ \le\
              \prod_{l=1}^L\kappa\,\|W^l\|_2,\qquad \kappa=\sup|\varphi'|,\ \kappa_{\inf}=\inf|\varphi'|

    Book label: ``gradients.vanishing-exploding``. The upper bound is submultiplicativity
    :math:`\|AB\|_2\le\|A\|_2\|B\|_2`; the lower bound holds for square layers. Returns ``tensor([lower, upper])``.

    >>> W = [2 * torch.eye(3, dtype=torch.float64)] * 30
    >>> [f"{b:.3g}" for b in jacobian_norm_bounds(W, activation("linear", 0.9)).tolist()]
    ['4.55e+07', '4.55e+07']
    """
    act = _act(act)
    weights = _tensors("weights", weights, 2)
    norms = torch.stack([torch.linalg.matrix_norm(W, 2) for W in weights])
    square = all(W.shape[0] == W.shape[1] for W in weights)
    smallest = torch.stack([torch.linalg.svdvals(W)[-1] for W in weights]) if square else torch.zeros_like(norms)
    return torch.stack([(act.kappa_inf * smallest).prod(), (act.kappa * norms).prod()])


def gradient_regime(weights, act="tanh") -> str:
    r"""What the layer norms guarantee about :math:`\|\partial\mathbf x^L/\partial\mathbf x^0\|_2` at depth L.

    ``"vanishing"`` if :math:`\kappa\max_l\|W^l\|_2<1` (then the norm is at most :math:`c^L`),
    ``"exploding"`` if :math:`\kappa_{\inf}\min_l\sigma_{\min}(W^l)>1` (then it is at least :math:`c^L`),
    otherwise ``"undetermined"``: the derivative bound of φ alone decides nothing. Book label:
    ``gradients.vanishing-exploding``.

    >>> gradient_regime([2 * torch.eye(3, dtype=torch.float64)], activation("linear", 0.9))
    'exploding'
    """
    act = _act(act)
    weights = _tensors("weights", weights, 2)
    top = max(float(torch.linalg.matrix_norm(W, 2)) for W in weights)
    if act.kappa * top < 1:
        return "vanishing"
    if all(W.shape[0] == W.shape[1] for W in weights):
        bottom = min(float(torch.linalg.svdvals(W)[-1]) for W in weights)
        if act.kappa_inf * bottom > 1:
            return "exploding"
    return "undetermined"


def rnn_gradient_bound(kappa, sigma1, t) -> torch.Tensor:
    r"""Bound on the gradient through t steps of :math:`\mathbf z_t=\varphi(U\mathbf z_{t-1}+\dots)`.

    .. math:: \Big\|\frac{\partial\mathbf z_t}{\partial\mathbf z_0}\Big\|_2\le(\kappa\,\sigma_1(U))^t
              \xrightarrow{t\to\infty}0\quad\text{if }\sigma_1(U)<1/\kappa

    Book label: ``gradients.vanishing-exploding``. ``kappa`` : :math:`\sup|\varphi'|`;
    ``sigma1`` : largest singular value of U; ``t`` : number of steps (tensor allowed).

    >>> f"{float(rnn_gradient_bound(1.0, 0.9, 200)):.2e}"
    '7.06e-10'
    """
    t = v.as_float_tensor("t", t)
    v.require_finite("t", t)
    v.require_positive("t", t, strict=False)
    kappa, sigma1 = v.require_scalar("kappa", kappa), v.require_scalar("sigma1", sigma1)
    v.require_positive("kappa", kappa, strict=False)
    v.require_positive("sigma1", sigma1, strict=False)
    return (kappa * sigma1) ** t


def submultiplicative_bound(A, B) -> torch.Tensor:
    r"""The spectral norm is submultiplicative: :math:`\|AB\|_2\le\|A\|_2\,\|B\|_2` (batched over leading axes).

    Book label: ``gradients.vanishing-exploding``.

    >>> A, B = torch.diag(torch.tensor([3.0, 1.0])), torch.diag(torch.tensor([1.0, 2.0]))
    >>> float(torch.linalg.matrix_norm(A @ B, 2)), float(submultiplicative_bound(A, B))
    (3.0, 6.0)
    """
    A, B = v.as_float_tensor("A", A), v.as_float_tensor("B", B)
    v.require_finite("A", A), v.require_finite("B", B)
    if A.ndim < 2 or B.ndim < 2 or A.shape[-1] != B.shape[-2]:
        raise ValueError(f"A and B must be matrices that multiply, got shapes {tuple(A.shape)} and {tuple(B.shape)}")
    return torch.linalg.matrix_norm(A, 2) * torch.linalg.matrix_norm(B, 2)


def clip_by_norm(g, threshold) -> torch.Tensor:
    r"""Gradient clipping by norm (each row of a batch separately).

    .. math:: \mathbf g\leftarrow\min\Big(1,\frac{\theta}{\|\mathbf g\|}\Big)\mathbf g
              \quad\Rightarrow\quad\|\mathbf g\|\le\theta,\ \text{direction unchanged}

    Book label: ``gradients.clipping``. ``g`` : gradient ``(..., d)``; ``threshold`` : θ > 0.

    >>> clip_by_norm([3.0, 4.0], 1.0).round(decimals=6).tolist()
    [0.6, 0.8]
    """
    g = v.as_float_tensor("g", g)
    v.require_finite("g", g)
    v.require_min_ndim("g", g, 1)
    threshold = v.as_float_tensor("threshold", threshold, like=g)
    v.require_finite("threshold", threshold)
    v.require_positive("threshold", threshold)
    norm = torch.linalg.vector_norm(g, dim=-1, keepdim=True)
    scale = torch.clamp(threshold / norm, max=1.0)  # a zero row: θ/0 = inf, clamped to 1, leaves it zero
    return scale * g
