r"""Deep (stacked) and bidirectional recurrent networks.

Chapter 5, "Recurrent networks" (book labels ``rnn.deep``, ``rnn.bidirectional``). Each layer is an Elman
layer :math:`z=\tanh(W_{ih}x+W_{hh}z_{\text{prev}}+b)` in ``torch.nn.RNN``'s layout: ``W_ih`` ``(h, d)``
(its transpose :math:`W_{xh}\in\mathbb R^{d\times h}` in the row-batch notation), ``W_hh`` ``(h, h)``,
``b`` ``(h,)``. Sequences are ``(T, B, d)``; states start at zero.
"""

import torch

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _layer(x: torch.Tensor, W_ih, W_hh, b, names: tuple[str, str, str], below: str) -> torch.Tensor:
    """Validate one Elman layer's parameters (named as the caller calls them) and run it over ``x``."""
    W_ih = _tensor(names[0], W_ih, 2, like=x)
    h = W_ih.shape[0]
    v.require_shape(names[0], W_ih, (h, x.shape[-1]), match=below)
    W_hh = _tensor(names[1], W_hh, 2, like=x)
    v.require_shape(names[1], W_hh, (h, h), match=names[0])
    b = _tensor(names[2], b, 1, like=x)
    v.require_shape(names[2], b, (h,), match=names[0])
    z = torch.zeros(x.shape[1], h, dtype=x.dtype, device=x.device)
    out = []
    for x_t in x:                                                    # (B, d)
        z = torch.tanh(x_t @ W_ih.T + z @ W_hh.T + b)                # (B, h)
        out.append(z)
    return torch.stack(out)


def deep_rnn_forward(x, weights_ih, weights_hh, biases) -> torch.Tensor:
    r"""A stack of Elman layers: each layer reads the states of the layer below at the same time step.

    .. math:: z^{t,\ell}=\varphi\big(W_\ell z^{t-1,\ell}+U_\ell z^{t,\ell-1}+b_\ell\big),\quad z^{t,0}=x_t;
              \qquad H^{(l)}_t=\phi\big(H^{(l-1)}_tW^{(l)}_{xh}+H^{(l)}_{t-1}W^{(l)}_{hh}+b^{(l)}_h\big)

    Book label: ``rnn.deep``. ``x`` : ``(T, B, d)``; ``weights_ih[l]`` : ``(h_l, d)`` for the first layer
    and ``(h_l, h_{l-1})`` above it; ``weights_hh[l]`` : ``(h_l, h_l)``; ``biases[l]`` : ``(h_l,)``.
    Returns the top layer's states ``(T, B, h_L)``.

    >>> deep_rnn_forward([[[1.0]]], [[[1.0]], [[1.0]]], [[[0.0]], [[0.0]]], [[0.0], [0.0]]).numpy().round(6).tolist()
    [[[0.642015]]]
    """
    x = _tensor("x", x, 3)
    Wi = v.as_tensor_list("weights_ih", weights_ih, like=x)
    Wh = v.as_tensor_list("weights_hh", weights_hh, like=x)
    bs = v.as_tensor_list("biases", biases, like=x)
    if not len(Wi) == len(Wh) == len(bs):
        raise ValueError(f"weights_ih, weights_hh and biases must have one entry per layer, got lengths "
                         f"{len(Wi)}, {len(Wh)} and {len(bs)}")
    h = x
    for layer, (W_ih, W_hh, b) in enumerate(zip(Wi, Wh, bs)):
        names = (f"weights_ih[{layer}]", f"weights_hh[{layer}]", f"biases[{layer}]")
        h = _layer(h, W_ih, W_hh, b, names, "x" if layer == 0 else f"layer {layer - 1}")   # (T, B, h_l)
    return h


def deep_rnn_shapes(d: int, h: int, L: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    r"""Shapes of :math:`W^{(l)}_{xh}` and :math:`W^{(l)}_{hh}` in the row-batch form :math:`H_tW_{xh}+H_{t-1}W_{hh}`.

    .. math:: W^{(1)}_{xh}\in\mathbb R^{d\times h},\qquad W^{(l\ge2)}_{xh},\ W^{(l)}_{hh}\in\mathbb R^{h\times h}

    Book label: ``rnn.deep``. ``d`` : input features, ``h`` : hidden units per layer, ``L`` : layers. Only the
    first layer reads the input; every later one reads the ``h`` states below it.

    >>> deep_rnn_shapes(3, 4, 2)
    [((3, 4), (4, 4)), ((4, 4), (4, 4))]
    """
    d, h, L = (v.require_int(k, val, minimum=1) for k, val in (("d", d), ("h", h), ("L", L)))
    return [((d if layer == 0 else h, h), (h, h)) for layer in range(L)]


def bidirectional_forward(x, W_ih, W_hh, b, W_ih_rev, W_hh_rev, b_rev) -> torch.Tensor:
    r"""A bidirectional Elman layer: one pass left to right, one right to left, states side by side.

    .. math:: z_t=F(z_{t-1},x_t),\qquad \tilde z_t=\tilde F(\tilde z_{t+1},x_t),\qquad
              \hat y_t=\Phi(Wz_t+\tilde W\tilde z_t)=\Phi\big([W\ \tilde W][z_t;\tilde z_t]\big)

    Book label: ``rnn.bidirectional``. ``x`` ``(T, B, d)``; the forward layer has ``W_ih`` ``(h, d)``,
    ``W_hh`` ``(h, h)``, ``b`` ``(h,)``, the backward layer the ``*_rev`` parameters. Returns
    ``(T, B, 2h)`` = :math:`[z_t;\tilde z_t]`, as ``torch.nn.RNN(bidirectional=True)`` does.

    >>> bidirectional_forward([[[1.0]], [[0.0]]], [[1.0]], [[0.0]], [0.0], [[1.0]], [[1.0]], [0.0]).numpy().round(6).tolist()
    [[[0.761594, 0.761594]], [[0.0, 0.0]]]
    """
    x = _tensor("x", x, 3)
    forward = _layer(x, W_ih, W_hh, b, ("W_ih", "W_hh", "b"), "x")
    backward = _layer(torch.flip(x, (0,)), W_ih_rev, W_hh_rev, b_rev, ("W_ih_rev", "W_hh_rev", "b_rev"), "x")
    return torch.cat([forward, torch.flip(backward, (0,))], dim=-1)
