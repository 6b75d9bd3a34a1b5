r"""Dropout: random masks at training time, the exponential ensemble they define, and the weight-scaling rule.

Chapter 8, "Tricks of the trade" (book labels ``tricks.dropout-mask`` … ``tricks.dropout-weight-scaling``).
Symbols: :math:`p` the drop probability, :math:`\phi=1-p` the keep probability (one per unit:
:math:`\phi_i`), :math:`b\in\{0,1\}^R` a mask over the :math:`R` units of a layer's input.
"""

import torch

from edl.core import validate as v
from edl.tricks._common import require_gen, tensor

OUTPUTS = ("linear", "softmax")
MEANS = ("arithmetic", "geometric")
MAX_UNITS = 20  # 2^20 masks: enumeration beyond that is not what this module is for


def dropout(H, p: float, *, generator=None, inverted: bool = True, training: bool = True) -> torch.Tensor:
    r"""Dropout of the entries of ``H``.

    .. math:: \tilde H=H\odot M,\quad M_{ij}\sim\mathrm{Bernoulli}(1-p),\quad \mathbb E\tilde H=(1-p)H;
              \qquad\text{inverted: }\tilde H=\frac{H\odot M}{1-p},\quad \mathbb E\tilde H=H

    Book label: ``tricks.dropout-mask``. ``p`` : drop probability in [0, 1); ``inverted`` : rescale at training
    time (PyTorch's convention), so that nothing changes at test time; ``training=False`` returns ``H``
    unchanged (with ``inverted=False`` the test-time network must instead scale by :math:`1-p`).

    >>> dropout(torch.ones(8).double(), 0.5, generator=torch.Generator().manual_seed(0)).tolist()
    [2.0, 2.0, 0.0, 2.0, 2.0, 2.0, 0.0, 0.0]
    """
    H = tensor("H", H)
    p = v.require_probability("p", p, open_high=True)
    g = require_gen("generator", generator)
    inverted, training = v.require_bool("inverted", inverted), v.require_bool("training", training)
    if not training:
        return H
    keep = torch.rand(H.shape, generator=g, dtype=torch.float64).to(H.device) >= p     # Bernoulli(1 - p)
    out = H * keep.to(H.dtype)
    return out / (1 - p) if inverted else out


def all_masks(R: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""Every mask :math:`b\in\{0,1\}^R`, one per row: ``(2^R, R)``. Book label: ``tricks.dropout-ensemble``.

    >>> all_masks(2).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    R = v.require_int("R", R, minimum=1)
    if R > MAX_UNITS:
        raise ValueError(f"R must be at most {MAX_UNITS} (2^R masks are enumerated), got {R}")
    v.require_dtype("dtype", dtype)
    device = v.require_device("device", device)
    codes = torch.arange(2 ** R, device=device)[:, None]                     # mask number k: the bits of k
    shifts = torch.arange(R - 1, -1, -1, device=device)                      # first unit = most significant bit
    return ((codes >> shifts) & 1).to(dtype)


def mask_probabilities(masks, keep) -> torch.Tensor:
    r"""The probability of each mask when unit :math:`i` is kept with probability :math:`\phi_i`, independently.

    .. math:: p(b)=\prod_{i=1}^{R}\phi_i^{b_i}(1-\phi_i)^{1-b_i}

    Book label: ``tricks.dropout-ensemble``. ``masks`` : ``(N, R)`` of 0s and 1s; ``keep`` : ``(R,)`` in [0, 1].

    >>> mask_probabilities(all_masks(2), [0.5, 0.9]).round(decimals=8).tolist()
    [0.05, 0.45, 0.05, 0.45]
    """
    masks = tensor("masks", masks, 2)
    if not ((masks == 0) | (masks == 1)).all():
        raise ValueError("masks must hold only 0s and 1s")
    keep = tensor("keep", keep, 1, like=masks)
    v.require_shape("keep", keep, (masks.shape[1],), match="masks")
    v.require_in_range("keep", keep, 0.0, 1.0)
    return torch.where(masks == 1, keep, 1 - keep).prod(-1)


def _logits(x, W, keep):
    x = tensor("x", x, 1)
    W = tensor("W", W, 2, like=x)
    v.require_shape("x", x, (W.shape[1],), match="W's columns")
    keep = tensor("keep", keep, 1, like=x)
    v.require_shape("keep", keep, (W.shape[1],), match="W's columns")
    v.require_in_range("keep", keep, 0.0, 1.0)
    return x, W, keep


def ensemble_mean(x, W, keep, output: str = "linear", mean: str = "arithmetic") -> torch.Tensor:
    r"""The exact average of the :math:`2^R` sub-networks of one dropout layer, by enumerating every mask.

    .. math:: p(y\mid x)=\sum_{b\in\{0,1\}^R}p(b)\,p(y\mid x;b),\qquad p(y\mid x;b)=\mathrm{out}\big(W(b\odot x)\big)

    ``mean="geometric"`` gives the normalised weighted geometric mean
    :math:`\prod_bp(y\mid x;b)^{p(b)}\big/\sum_{y'}\prod_bp(y'\mid x;b)^{p(b)}` (for ``output="softmax"``).
    Book label: ``tricks.dropout-ensemble``. ``x`` : ``(R,)``; ``W`` : ``(m, R)``; ``keep`` : ``(R,)``;
    ``output`` : ``"linear"`` or ``"softmax"``. All masks are evaluated in one batched product.

    >>> ensemble_mean([1.0, 2.0], [[1.0, 1.0]], [0.5, 0.5]).tolist()
    [1.5]
    """
    x, W, keep = _logits(x, W, keep)
    v.require_choice("output", output, OUTPUTS)
    v.require_choice("mean", mean, MEANS)
    if mean == "geometric" and output != "softmax":
        raise ValueError(f"mean must be 'arithmetic' for a linear output (a geometric mean needs probabilities), got {mean!r}")
    masks = all_masks(len(x), dtype=x.dtype, device=x.device)            # (2^R, R)
    weights = mask_probabilities(masks, keep)                             # (2^R,)
    z = (masks * x) @ W.T                                                 # (2^R, m): one row per sub-network
    if output == "linear":
        return weights @ z
    logp = torch.log_softmax(z, dim=-1)
    if mean == "arithmetic":
        return weights @ logp.exp()
    return torch.softmax(weights @ logp, dim=-1)                          # exp of the weighted log, normalised


def weight_scaled(W, keep) -> torch.Tensor:
    r"""The weight-scaling inference rule: scale the outgoing weights of each unit by its keep probability.

    .. math:: \tilde w_{ij}=\phi_j\,w_{ij},\qquad \tilde W=W\,\mathrm{diag}(\phi)

    Book label: ``tricks.dropout-weight-scaling``. One deterministic pass then gives exactly
    :math:`\mathbb E_b[W(b\odot x)]=W\mathrm{diag}(\phi)x` for a linear layer and, for a softmax output, exactly the
    normalised geometric mean of the ensemble (:func:`ensemble_mean`); for anything else it is an approximation.

    >>> weight_scaled([[1.0, 2.0], [3.0, 4.0]], [0.5, 1.0]).tolist()
    [[0.5, 2.0], [1.5, 4.0]]
    """
    W = tensor("W", W, 2)
    keep = tensor("keep", keep, 1, like=W)
    v.require_shape("keep", keep, (W.shape[1],), match="W's columns")
    v.require_in_range("keep", keep, 0.0, 1.0)
    return W * keep
