"""Spurious states and basins of attraction of a Hebbian Hopfield network.

Chapter 1, section "Spurious states and basins of attraction". Besides the stored patterns and their
negatives, the Hebbian energy has other minima: *mixture states*, the sign of an odd number of stored
patterns added together, and at high load *spin-glass states* unrelated to any pattern. Every state
drains into one fixed point under the asynchronous dynamics; the set that drains into a stored pattern
is its *basin of attraction*. States are ±1 tensors ``(..., n)``, patterns ``(..., s, n)``; all
randomness comes from a ``generator``.
"""

import itertools

import torch

from edl.connectionism import hopfield as hop
from edl.core import validate as v


def mixture_state(patterns, indices=(0, 1, 2)) -> torch.Tensor:
    r"""The symmetric mixture of an odd number of stored patterns: their bitwise majority.

    .. math:: \mathbf x^{\text{mix}}=\operatorname{sign}\big(\boldsymbol\xi^{\mu_1}+\boldsymbol\xi^{\mu_2}+\boldsymbol\xi^{\mu_3}\big),
              \qquad \frac1n\,\boldsymbol\xi^{\mu_k}\cdot\mathbf x^{\text{mix}}\to\tfrac12\ \ (n\to\infty)

    A pattern agrees with the majority of three unless both others disagree with it, which for random
    patterns happens with probability 1/4: the overlap is :math:`\tfrac34-\tfrac14=\tfrac12`.
    ``patterns`` : ``(..., s, n)``; ``indices`` : an odd number of distinct pattern indices. Returns
    ``(..., n)``.

    >>> xi = torch.tensor([[1., 1, 1, -1], [1, -1, -1, -1], [-1, 1, -1, -1]])
    >>> mixture_state(xi).tolist()
    [1.0, 1.0, -1.0, -1.0]
    """
    X = hop._states("patterns", patterns)
    if X.ndim < 2:
        raise ValueError(f"patterns must have shape (..., s, n), got shape {tuple(X.shape)}")
    idx = list(indices) if isinstance(indices, (list, tuple)) else None
    s = X.shape[-2]
    if not idx or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < s for i in idx) or \
            len(idx) % 2 == 0 or len(set(idx)) != len(idx):
        raise ValueError(f"indices must be an odd number of distinct pattern indices below s = {s}, got {indices!r}")
    return torch.sign(X[..., idx, :].sum(-2))


def classify_states(x, patterns) -> list[str]:
    r"""Name each state: ``"pattern"``, ``"negative"``, ``"mixture"`` (a 3-mixture
    :math:`\pm\operatorname{sign}(\pm\boldsymbol\xi^a\pm\boldsymbol\xi^b\pm\boldsymbol\xi^c)`, negatives of
    patterns allowed), or ``"other"``.

    ``x`` : states ``(m, n)``; ``patterns`` : ``(s, n)``. Used to sort the end points of the dynamics.

    >>> xi = torch.tensor([[1., 1, 1, -1], [1, -1, -1, -1], [-1, 1, -1, -1]])
    >>> odd = torch.sign(xi[0] + xi[1] - xi[2])
    >>> classify_states(torch.stack([xi[1], -xi[0], mixture_state(xi), -odd, torch.tensor([1., 1, -1, 1])]), xi)
    ['pattern', 'negative', 'mixture', 'mixture', 'other']
    """
    X = hop._states("patterns", patterns)
    v.require_ndim("patterns", X, 2)
    x = hop._states("x", x)
    v.require_ndim("x", x, 2)
    if x.shape[1] != X.shape[1]:
        raise ValueError(f"x must have {X.shape[1]} units like the patterns, got shape {tuple(x.shape)}")
    m = x @ X.T / X.shape[1]  # (m, s) overlaps
    flips = torch.tensor([[1.0, 1, 1], [1, 1, -1], [1, -1, 1], [-1, 1, 1]], dtype=X.dtype, device=X.device)
    triples = [torch.sign(f @ X[list(c)]) for c in itertools.combinations(range(X.shape[0]), 3) for f in flips]
    mixtures = torch.stack(triples) if triples else X[:0]
    n = X.shape[1]
    is_mixture = ((x @ mixtures.T).abs() == n).any(-1)  # (m, 0) -> all False when s < 3
    names = []
    for k in range(x.shape[0]):
        names.append("pattern" if (m[k] == 1).any() else "negative" if (m[k] == -1).any()
                     else "mixture" if is_mixture[k] else "other")
    return names


def recall_probability(patterns, flip_fractions, *, probes: int = 1,
                       generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Probability that asynchronous recall from a corrupted stored pattern returns it exactly.

    .. math:: P_{\text{recall}}(\rho)=\Pr\big[\text{dynamics from }\boldsymbol\xi^\mu\text{ with }\rho n
              \text{ bits flipped end at }\boldsymbol\xi^\mu\big]

    as a function of the corruption :math:`\rho`: the radius where it falls from 1 to 0 is the size of the
    basin of attraction. ``patterns`` : ``(T, s, n)`` (``T`` pattern sets); ``flip_fractions`` : the values of
    :math:`\rho` in [0, 1]; ``probes`` : stored patterns probed per set. Returns the fraction of the
    ``T·probes`` runs that end exactly at their pattern, one per :math:`\rho`.

    >>> xi = hop.random_patterns(5, 200, trials=4, generator=torch.Generator().manual_seed(0))
    >>> recall_probability(xi, [0.1, 0.6], probes=2, generator=torch.Generator().manual_seed(1)).tolist()
    [1.0, 0.0]
    """
    X = hop._states("patterns", patterns)
    v.require_ndim("patterns", X, 3)
    probes = v.require_int("probes", probes, minimum=1)
    rho = v.as_float_tensor("flip_fractions", flip_fractions)
    v.require_ndim("flip_fractions", rho, 1)
    v.require_in_range("flip_fractions", rho, 0.0, 1.0)
    T, s, n = X.shape
    if not 1 <= probes <= s:
        raise ValueError(f"probes must be between 1 and the number of patterns {s}, got {probes}")
    target = X[:, :probes].repeat(1, len(rho), 1)  # (T, R·P, n): every probe at every corruption
    starts = torch.cat([hop.corrupt(X[:, :probes], float(r), generator=generator) for r in rho], 1)
    final, _ = hop.run_async(hop.hebbian_weights(X, normalize=False), starts, generator=generator)  # one batch
    exact = (final == target).all(-1).reshape(T, len(rho), probes)
    return exact.double().mean((0, 2)).to(rho)
