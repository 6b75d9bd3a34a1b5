"""Willshaw's binary associative memory: clipped Hebbian storage of sparse patterns, threshold retrieval.

Chapter 1, section "Willshaw's associative memory" (book labels ``willshaw.*``). Patterns are 0/1
tensors with exactly ``r`` ones among ``n`` units (the set :math:`\\mathbb B^n_r`); pairs
:math:`(\\mathbf x^t,\\mathbf y^t)` are stored in a binary matrix :math:`\\Theta\\in\\{0,1\\}^{n\\times n}`.
Batched over leading axes; device and dtype follow the input; randomness only through ``generator``.
"""

import math

import torch

from edl.core import validate as v


def _binary(name: str, x) -> torch.Tensor:
    t = v.as_float_tensor(name, x)
    if not ((t == 0) | (t == 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1 entries, got {v._show(t.tolist() if t.numel() < 20 else t)}")
    return t


def sparse_patterns(s: int, n: int, r: int, *, trials: int | None = None, generator: torch.Generator | None = None,
                    dtype=torch.float32, device=None) -> torch.Tensor:
    r"""``s`` random patterns of :math:`\mathbb B^n_r=\{\mathbf x\in\{0,1\}^n:\sum_ix_i=r\}`, shape ``(s, n)`` or
    ``(trials, s, n)``.

    Book label: ``willshaw.memory-matrix``. The ``r`` active units of each pattern are a uniformly random subset.

    >>> x = sparse_patterns(4, 10, 3, generator=torch.Generator().manual_seed(0))
    >>> x.sum(-1).tolist()
    [3.0, 3.0, 3.0, 3.0]
    """
    s, n = v.require_int("s", s, minimum=1), v.require_int("n", n, minimum=1)
    r = v.require_int("r", r, minimum=0)
    if r > n:
        raise ValueError(f"r must be at most n = {n}, got {r}")
    shape = (s, n) if trials is None else (v.require_int("trials", trials, minimum=1), s, n)
    v.require_generator("generator", generator)
    dtype, device = v.require_dtype("dtype", dtype), v.require_device("device", device)
    ranks = torch.rand(shape, generator=generator).argsort(-1).argsort(-1)  # a random ranking of the units
    return (ranks < r).to(dtype=dtype, device=device)


def memory_matrix(x, y) -> torch.Tensor:
    r"""Willshaw's clipped Hebbian memory matrix of the pairs :math:`(\mathbf x^t,\mathbf y^t)`.

    .. math:: \Theta_{ji}=\min\Big\{1,\sum_{t=1}^sy^t_jx^t_i\Big\},\qquad
              \Theta=\min\Big\{1,\sum_t\mathbf y^t(\mathbf x^t)^\top\Big\}

    Book label: ``willshaw.memory-matrix``. ``x`` : cue patterns, ``(..., s, n_x)``; ``y`` : target
    patterns, ``(..., s, n_y)`` (``y = x`` for auto-association). Returns ``(..., n_y, n_x)`` of 0/1:
    a synapse is on if its two units were ever active together.

    >>> x = torch.tensor([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]]); y = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> memory_matrix(x, y).tolist()
    [[1.0, 1.0, 1.0], [0.0, 0.0, 0.0]]
    """
    x, y = _binary("x", x), _binary("y", y)
    if x.ndim < 2 or y.shape[:-1] != x.shape[:-1]:
        raise ValueError(f"x and y must have shapes (..., s, n_x) and (..., s, n_y) with the same s, "
                         f"got {tuple(x.shape)} and {tuple(y.shape)}")
    y = y.to(dtype=x.dtype, device=x.device)
    return (y.transpose(-1, -2) @ x).clamp(max=1.0)  # (..., n_y, n_x)


def fill_probability(s, n, r) -> torch.Tensor:
    r"""Probability that a synapse of the memory is on after storing s random pairs.

    .. math:: \Pr[\Theta_{ji}=1]=1-\Big(1-\frac{r^2}{n^2}\Big)^s

    Book label: ``willshaw.memory-matrix``. ``s`` : stored pairs; ``n`` : units per layer; ``r`` : active units.

    >>> round(float(fill_probability(709, 256, 8)), 3)
    0.5
    """
    s = v.as_float_tensor("s", s)
    v.require_finite("s", s)
    v.require_positive("s", s, strict=False)
    n, r = v.require_positive_scalar("n", n), v.require_scalar("r", r)
    if not 0 <= r <= n:
        raise ValueError(f"r must lie in [0, n] = [0, {n}], got {r}")
    q = (r / n) ** 2  # the chance that one pair turns a given synapse on
    if q == 1:  # r = n: one pair fills every synapse (log1p(-1) would be -inf)
        return (s > 0).to(s.dtype)
    return -torch.expm1(s * math.log1p(-q))


def retrieve(theta, x, r: int | None = None) -> torch.Tensor:
    r"""Threshold retrieval: output unit j fires if all r active cue units reach it through on-synapses.

    .. math:: \mathbf z=\Theta\mathbf x,\qquad \hat y_j=\mathbb 1[z_j\ge r];\qquad
              \Theta\mathbf x^t\ge\mathbf y^t(\mathbf x^t)^\top\mathbf x^t=r\,\mathbf y^t
              \ \Rightarrow\ \hat{\mathbf y}\ge\mathbf y^t

    Book label: ``willshaw.retrieval-monotonicity``. ``theta`` : memory, ``(..., n_y, n_x)``;
    ``x`` : cues, ``(..., P, n_x)``; ``r`` : threshold (default: the number of ones of each cue).
    Returns 0/1 outputs ``(..., P, n_y)``.

    >>> theta = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    >>> retrieve(theta, torch.tensor([[1.0, 1.0, 0.0]])).tolist()
    [[1.0, 0.0]]
    """
    theta, x = _binary("theta", theta), _binary("x", x)
    x = x.to(dtype=theta.dtype, device=theta.device)
    if x.shape[-1] != theta.shape[-1]:
        raise ValueError(f"x must have {theta.shape[-1]} units (the columns of theta), got shape {tuple(x.shape)}")
    z = x @ theta.transpose(-1, -2)  # (..., P, n_y): dendritic sums
    threshold = x.sum(-1, keepdim=True) if r is None else v.require_int("r", r, minimum=0)
    return (z >= threshold).to(theta.dtype)


def spurious_estimate(n, r, fill) -> torch.Tensor:
    r"""Expected number of spurious ones per retrieval if synapses were independent: :math:`(n-r)\,p_1^r`.

    Book label: ``willshaw.retrieval-monotonicity``. ``fill`` : the fill fraction :math:`p_1`.

    >>> float(spurious_estimate(10, 2, 0.5))
    2.0
    """
    fill = v.as_float_tensor("fill", fill)
    v.require_in_range("fill", fill, 0.0, 1.0)
    n, r = v.require_positive_scalar("n", n), v.require_scalar("r", r)
    if not 0 <= r <= n:
        raise ValueError(f"r must lie in [0, n] = [0, {n}], got {r}")
    return (n - r) * fill**r


def half_fill_load(n, r) -> float:
    r"""Number of stored pairs at which half of the synapses are on.

    .. math:: s_{1/2}=\frac{\ln2}{-\ln(1-r^2/n^2)}\approx\ln2\,\frac{n^2}{r^2}

    Book label: ``willshaw.capacity``.

    >>> round(half_fill_load(256, 8), 1)
    709.4
    """
    n, r = v.require_scalar("n", n), v.require_scalar("r", r)
    if not 0 < r < n:
        raise ValueError(f"r must lie in (0, n) = (0, {n}), got {r}")
    return math.log(2) / -math.log1p(-(r / n) ** 2)


def bits_per_synapse(s, n: int, r: int) -> torch.Tensor:
    r"""Information stored per synapse when s patterns of :math:`\mathbb B^n_r` are recalled without error.

    .. math:: \frac{I}{n^2}=\frac{s\log_2\binom nr}{n^2}
              \ \xrightarrow[r\sim\log_2n,\ \text{half fill}]{n\to\infty}\ \ln2\approx0.693

    Book label: ``willshaw.capacity``. Each pattern carries :math:`\log_2\binom nr\approx r\log_2n` bits and
    the matrix holds :math:`n^2` binary synapses, so about :math:`n^2/(r\log n)` patterns fit.

    >>> round(float(bits_per_synapse(500, 256, 8)), 3)
    0.37
    """
    s = v.as_float_tensor("s", s)
    v.require_finite("s", s)
    v.require_positive("s", s, strict=False)
    n, r = v.require_int("n", n, minimum=1), v.require_int("r", r, minimum=0)
    if r > n:
        raise ValueError(f"r must be at most n = {n}, got {r}")
    r = min(r, n - r)  # C(n, r) = C(n, n - r); the product form below is accurate even for huge n
    log2_binom = (math.fsum(math.log(n - k) for k in range(r)) - math.lgamma(r + 1)) / math.log(2)
    return s * log2_binom / float(n) / float(n)
