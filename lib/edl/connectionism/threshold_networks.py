"""Networks of threshold units with a hidden layer: XOR and parity, the functions one unit cannot compute.

Chapter 1, section "A hidden layer computes XOR". A layer is a pair ``(W, b)`` of weights ``(m, k)`` and
biases ``(m,)``; a unit fires (outputs 1) when its weighted sum plus bias is at least 0. Inputs are bits.
Tensors in, tensors out; dtype and device follow ``x``.
"""

import torch

from edl.core import validate as v


def threshold_network(x, layers) -> torch.Tensor:
    r"""Forward pass of a feed-forward network of threshold units.

    .. math:: \mathbf h^{(0)}=\mathbf x,\qquad
              \mathbf h^{(l)}=\mathbb 1\big[W^{(l)}\mathbf h^{(l-1)}+\mathbf b^{(l)}\ge0\big],\quad l=1..L

    ``x`` : input bits ``(..., k)``; ``layers`` : a non-empty sequence of ``(W, b)``. Returns the last layer's
    bits ``(..., m_L)``.

    >>> x = torch.tensor([[0., 0], [0, 1], [1, 0], [1, 1]])
    >>> threshold_network(x, xor_network())[:, 0].tolist()
    [0.0, 1.0, 1.0, 0.0]
    """
    h = v.as_float_tensor("x", x)
    v.require_finite("x", h)
    if not isinstance(layers, (list, tuple)) or not layers:
        raise ValueError(f"layers must be a non-empty sequence of (W, b) pairs, got {layers!r}")
    for l, layer in enumerate(layers):
        if not isinstance(layer, (list, tuple)) or len(layer) != 2:
            raise ValueError(f"layers[{l}] must be a pair (W, b), got {layer!r}")
        W = v.as_float_tensor(f"layers[{l}] W", layer[0]).to(h)  # weights and biases follow the input
        b = v.as_float_tensor(f"layers[{l}] b", layer[1]).to(h)
        v.require_finite(f"layers[{l}] W", W)
        v.require_finite(f"layers[{l}] b", b)
        if W.ndim != 2 or W.shape[1] != h.shape[-1] or b.shape != W.shape[:1]:
            raise ValueError(f"layers[{l}] must have W of shape (m, {h.shape[-1]}) and b of shape (m,), "
                             f"got {tuple(W.shape)} and {tuple(b.shape)}")
        h = (h @ W.T + b >= 0).to(h.dtype)
    return h


def xor_network() -> list[tuple[torch.Tensor, torch.Tensor]]:
    r"""Two hidden threshold units and one output unit that compute XOR: "OR but not AND".

    .. math:: h_1=\mathbb 1[x_1+x_2\ge\tfrac12]\ (\mathrm{OR}),\quad h_2=\mathbb 1[x_1+x_2\ge\tfrac32]\ (\mathrm{AND}),
              \quad y=\mathbb 1[h_1-h_2\ge\tfrac12]

    Returns the layers for :func:`threshold_network` (float64).

    >>> [W.tolist() for W, _ in xor_network()]
    [[[1.0, 1.0], [1.0, 1.0]], [[1.0, -1.0]]]
    """
    f = lambda a: torch.tensor(a, dtype=torch.float64)  # noqa: E731
    return [(f([[1.0, 1.0], [1.0, 1.0]]), f([-0.5, -1.5])), (f([[1.0, -1.0]]), f([-0.5]))]


def parity_network(n: int) -> list[tuple[torch.Tensor, torch.Tensor]]:
    r"""Parity of ``n`` bits with ``n`` hidden threshold units, counting and alternating.

    .. math:: h_k=\mathbb 1\Big[\sum_ix_i\ge k\Big]\ (k=1..n),\qquad
              y=\mathbb 1\Big[\sum_{k=1}^n(-1)^{k+1}h_k\ge\tfrac12\Big]

    With :math:`c=\sum_ix_i` ones, the first :math:`c` hidden units fire, and the alternating sum
    :math:`1-1+1-\dots` of :math:`c` terms is 1 for odd :math:`c` and 0 for even :math:`c`. ``n`` : number of
    input bits, at least 1. Returns the layers for :func:`threshold_network` (float64).

    >>> x = torch.tensor([[1., 0, 1], [1, 1, 1], [0, 0, 0]])
    >>> threshold_network(x, parity_network(3))[:, 0].tolist()
    [0.0, 1.0, 0.0]
    """
    n = v.require_int("n", n, minimum=1)
    k = torch.arange(1, n + 1, dtype=torch.float64)
    hidden = (torch.ones(n, n, dtype=torch.float64), -k + 0.5)  # fires when Σx ≥ k, i.e. Σx − k + ½ ≥ 0
    signs = torch.where(k % 2 == 1, 1.0, -1.0).to(torch.float64)
    return [hidden, (signs.unsqueeze(0), torch.tensor([-0.5], dtype=torch.float64))]
