r"""Feedforward layers, their composition into networks, deep linear collapse, and residual layers.

Chapter 2 (book labels ``ffn.*``). A layer maps inputs of width ``n`` to outputs of width ``m`` with
weights ``W`` of shape ``(m, n)`` and biases ``b`` of shape ``(m,)``; inputs are row vectors, so a batch
``x`` of shape ``(..., n)`` is mapped by :math:`\mathbf x\mapsto\varphi(W\mathbf x+\mathbf b)` as
``phi(x @ W.T + b)``. Activations are named: ``"identity"``, ``"tanh"``, ``"sigmoid"``, ``"relu"``.
"""

import itertools

import torch

from edl.core import validate as v

ACTIVATIONS = {
    "identity": (lambda u: u, lambda u: torch.ones_like(u)),
    "tanh": (torch.tanh, lambda u: 1 - torch.tanh(u) ** 2),
    "sigmoid": (torch.sigmoid, lambda u: torch.sigmoid(u) * torch.sigmoid(-u)),
    "relu": (torch.relu, lambda u: (u > 0).to(u.dtype)),
}


def _activation(phi: str, name: str = "phi"):
    v.require_choice(name, phi, sorted(ACTIVATIONS))
    return ACTIVATIONS[phi]


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _layer_args(x, W, b, names=("x", "W", "b")):
    nx, nW, nb = names
    W = _float(nW, W)
    v.require_ndim(nW, W, 2)
    x = _float(nx, x, like=W)
    b = _float(nb, b, like=W)
    if x.ndim == 0 or x.shape[-1] != W.shape[1]:
        raise ValueError(f"{nx} must end in the input width {W.shape[1]} of {nW}, got shape {tuple(x.shape)}")
    if b.shape != (W.shape[0],):
        raise ValueError(f"{nb} must have shape ({W.shape[0]},) to match {nW}, got shape {tuple(b.shape)}")
    return x, W, b


def _layers(weights, biases):
    seqs = []
    for name, seq in (("weights", weights), ("biases", biases)):
        try:
            seqs.append(list(seq) if not isinstance(seq, (str, bytes)) else None)
        except TypeError:
            seqs.append(None)
        if seqs[-1] is None:
            raise ValueError(f"{name} must be a list of arrays, got {v._show(seq)}")
    if len(seqs[0]) == 0 or len(seqs[0]) != len(seqs[1]):
        raise ValueError(f"weights and biases must be non-empty and of equal length, "
                         f"got {len(seqs[0])} and {len(seqs[1])}")
    return seqs


def dense_layer(x, W, b, phi: str = "tanh") -> torch.Tensor:
    r"""One feedforward layer: an affine map followed by an elementwise non-linearity.

    .. math:: F[\theta](\mathbf x)=\varphi(W\mathbf x+\mathbf b),\qquad \theta=(W,\mathbf b)\in\mathbb R^{m(n+1)}

    Book label: ``ffn.layer-composition``. ``x`` : inputs, shape ``(..., n)``; ``W`` : shape ``(m, n)``;
    ``b`` : shape ``(m,)``; ``phi`` : activation name. Returns shape ``(..., m)``.

    >>> dense_layer([1.0, -2.0], [[1.0, 1.0], [2.0, 0.0]], [0.5, -3.0], phi="relu").tolist()
    [0.0, 0.0]
    """
    x, W, b = _layer_args(x, W, b)
    return _activation(phi)[0](x @ W.T + b)


def feedforward(x, weights, biases, phi: str = "tanh", *, last: str = "identity") -> torch.Tensor:
    r"""A multilayer perceptron: the composition of dense layers.

    .. math:: G=F_L[\theta_L]\circ\cdots\circ F_1[\theta_1],\qquad
              \mathbf x^l=F_l(\mathbf x^{l-1}),\ \mathbf x^0=\mathbf x

    Book label: ``ffn.layer-composition``. ``x`` : inputs, shape ``(..., n)``; ``weights``, ``biases`` :
    sequences of the layers' ``W_l`` (shape ``(m_l, m_{l-1})``) and ``b_l``; ``phi`` : hidden activation;
    ``last`` : activation of the output layer (default none, as for logits).

    >>> W = [torch.eye(2, dtype=torch.float64), 2 * torch.eye(2, dtype=torch.float64)]
    >>> feedforward([1.0, -1.0], W, [torch.zeros(2), torch.zeros(2)], phi="relu").tolist()
    [2.0, 0.0]
    """
    weights, biases = _layers(weights, biases)
    hidden, out = _activation(phi)[0], _activation(last, "last")[0]
    for l, (W, b) in enumerate(zip(weights, biases)):
        x, W, b = _layer_args(x, W, b, ("x" if l == 0 else f"the output of weights[{l - 1}]", f"weights[{l}]",
                                        f"biases[{l}]"))
        x = (hidden if l < len(weights) - 1 else out)(x @ W.T + b)
    return x


def parameter_count(widths) -> int:
    r"""Number of weights and biases of a multilayer perceptron with layer widths :math:`m_0,\dots,m_L`.

    .. math:: \#\text{params}=\sum_{l=1}^Lm_l\,(m_{l-1}+1)

    Book label: ``ffn.layer-composition``. ``widths`` : :math:`(m_0,\dots,m_L)`, input width first.

    >>> parameter_count([784, 100, 10])   # 100·785 + 10·101
    79510
    """
    widths = v.require_int_list("widths", widths, minimum=1)
    if len(widths) < 2:
        raise ValueError(f"widths must list at least an input and an output width, got {widths}")
    return sum(m * (m_prev + 1) for m_prev, m in zip(widths, widths[1:]))


def collapse_linear(weights, biases) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The single affine map equal to a deep *linear* network (no activations).

    .. math:: W_L(\cdots(W_1\mathbf x+\mathbf b_1)\cdots)+\mathbf b_L=\tilde W\mathbf x+\tilde{\mathbf b},\qquad
              \tilde W=W_L\cdots W_1,\qquad \operatorname{rank}\tilde W\le\min_lm_l

    Book label: ``ffn.linear-collapse``. ``weights``, ``biases`` as in :func:`feedforward`. Returns
    :math:`(\tilde W,\tilde{\mathbf b})` with
    :math:`\tilde{\mathbf b}=W_L\cdots W_2\mathbf b_1+\cdots+W_L\mathbf b_{L-1}+\mathbf b_L`.

    >>> W_, b_ = collapse_linear([[[2.0]], [[3.0]]], [[1.0], [-1.0]])   # 3(2x + 1) - 1 = 6x + 2
    >>> W_.tolist(), b_.tolist()
    ([[6.0]], [2.0])
    """
    weights, biases = _layers(weights, biases)
    W_total = b_total = None
    for l, (W, b) in enumerate(zip(weights, biases)):
        W = _float(f"weights[{l}]", W, like=W_total)
        v.require_ndim(f"weights[{l}]", W, 2)
        b = _float(f"biases[{l}]", b, like=W_total if l else W)
        if l and W.shape[1] != W_total.shape[0]:
            raise ValueError(f"weights[{l}] must have {W_total.shape[0]} columns, the rows of weights[{l - 1}], "
                             f"got shape {tuple(W.shape)}")
        if b.shape != (W.shape[0],):
            raise ValueError(f"biases[{l}] must have shape ({W.shape[0]},) to match weights[{l}], got shape {tuple(b.shape)}")
        W_total, b_total = (W @ W_total, W @ b_total + b) if l else (W, b)
    return W_total, b_total


# --- residual layers ----------------------------------------------------------------------------------

def _residual_args(x, W, b):
    x, W, b = _layer_args(x, W, b)
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square for a residual layer (use a projection otherwise), "
                         f"got shape {tuple(W.shape)}")
    return x, W, b


def residual_layer(x, W, b, phi: str = "tanh") -> torch.Tensor:
    r"""A residual layer: the identity plus a dense layer shifted to vanish at zero parameters.

    .. math:: F[W,\mathbf b](\mathbf x)=\mathbf x+\big[\varphi(W\mathbf x+\mathbf b)-\varphi(0)\big],\qquad
              F[0,0]=\mathrm{id}

    Book label: ``ffn.residual``. ``x`` : shape ``(..., n)``; ``W`` : shape ``(n, n)``; ``b`` : shape
    ``(n,)``; ``phi`` : activation name. Subtracting :math:`\varphi(0)` (which is ½ for the sigmoid)
    makes the block exactly the identity at :math:`W=0,\mathbf b=0`.

    >>> residual_layer([1.0, 2.0], torch.zeros(2, 2), torch.zeros(2), phi="sigmoid").tolist()
    [1.0, 2.0]
    """
    x, W, b = _residual_args(x, W, b)
    fn = _activation(phi)[0]
    return x + (fn(x @ W.T + b) - fn(torch.zeros_like(b)))  # the bracket is exactly 0 at W = 0, b = 0


def residual_jacobian(x, W, b, phi: str = "tanh") -> torch.Tensor:
    r"""Jacobian of a residual layer with respect to its input: the identity plus the branch's Jacobian.

    .. math:: \partial F(\mathbf x)=I+\partial f(\mathbf x)
              =I+\operatorname{diag}\big(\varphi'(W\mathbf x+\mathbf b)\big)\,W

    Book label: ``ffn.residual``. ``x`` : one input, shape ``(n,)``; ``W``, ``b``, ``phi`` as in
    :func:`residual_layer`. Returns shape ``(n, n)``.

    >>> residual_jacobian([0.0, 0.0], [[1.0, 2.0], [3.0, 4.0]], [0.0, 0.0], phi="tanh").tolist()
    [[2.0, 2.0], [3.0, 5.0]]
    """
    x, W, b = _residual_args(x, W, b)
    v.require_ndim("x", x, 1)
    slope = _activation(phi)[1](W @ x + b)
    return torch.eye(W.shape[0], dtype=W.dtype, device=W.device) + slope[:, None] * W


def path_expansion(jacobians) -> torch.Tensor:
    r"""The product of :math:`L` residual Jacobians, written as a sum over its :math:`2^L` paths.

    .. math:: \prod_{l=L}^{1}(I+J_l)=\sum_{S\subseteq\{1,\dots,L\}}\ \prod_{l\in S,\ \text{descending}}J_l

    Book label: ``ffn.residual``. ``jacobians`` : :math:`J_1,\dots,J_L`, shape ``(L, n, n)``. Each subset
    :math:`S` is a path through the network that takes the branch at the layers in :math:`S` and the
    skip connection elsewhere; the empty path contributes :math:`I`.

    >>> J = torch.tensor([[[1.0]], [[2.0]]], dtype=torch.float64)   # (1 + 2)(1 + 1) = 1 + 1 + 2 + 2
    >>> path_expansion(J).tolist()
    [[6.0]]
    """
    J = _float("jacobians", jacobians)
    if J.ndim != 3 or J.shape[1] != J.shape[2] or J.shape[0] > 16:
        raise ValueError(f"jacobians must have shape (L, n, n) with L <= 16, got shape {tuple(J.shape)}")
    L, n = J.shape[0], J.shape[1]
    total = torch.zeros(n, n, dtype=J.dtype, device=J.device)
    for subset in itertools.product((False, True), repeat=L):
        path = torch.eye(n, dtype=J.dtype, device=J.device)
        for l in range(L):  # apply J_1 first, J_L last: the product is J_L ... J_1
            if subset[l]:
                path = J[l] @ path
        total = total + path
    return total
