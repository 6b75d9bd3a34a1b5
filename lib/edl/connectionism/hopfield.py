"""Hopfield networks: energy, asynchronous and synchronous dynamics, Hebbian and learned weights, capacity.

Chapter 1, section "Hopfield networks" (book labels ``hopfield.*``). States are tensors of ±1 values
of shape ``(..., n)``; weights are ``(n, n)`` or a batch ``(T, n, n)`` whose leading size ``T`` matches
the first axis of the states. Ties are resolved as ``sign(0) = +1`` everywhere. Hebbian dynamics run
on the integer matrix :math:`\\Theta = nW` so that float32 arithmetic is exact (fields are integers
below :math:`2^{24}`); the sign of a field does not depend on the factor ``1/n``. All randomness comes
from a ``generator`` argument; results follow the device and dtype of the input.
"""

import math

import torch

from edl.core import validate as v

HEBBIAN_CAPACITY = 0.138  # alpha_c of Amit, Gutfreund and Sompolinsky (1985)
GARDNER_CAPACITY = 2.0  # alpha* for optimally chosen weights (Gardner 1988)


# --- validation helpers --------------------------------------------------------------------------

def _states(name: str, x, ndim: int = 1) -> torch.Tensor:
    t = x if isinstance(x, torch.Tensor) and x.is_floating_point() else v.as_float_tensor(name, x)
    if t.numel() == 0 or t.ndim < ndim:
        raise ValueError(f"{name} must have at least {ndim} dimension(s) and not be empty, got shape {tuple(t.shape)}")
    if not (t.abs() == 1).all():  # also rejects NaN
        raise ValueError(f"{name} must hold only +1 and -1 entries, got {v._show(t.tolist() if t.numel() < 20 else t)}")
    return t


def _weights(W, like: torch.Tensor, name: str = "x") -> torch.Tensor:
    if not (isinstance(W, torch.Tensor) and W.is_floating_point()):
        W = v.as_float_tensor("W", W, like=like)
    if not torch.isfinite(W).all():
        raise ValueError(f"W must be finite, got {v._show(W.tolist() if W.numel() < 20 else W)}")
    n = like.shape[-1]
    if W.ndim not in (2, 3) or W.shape[-2:] != (n, n):
        raise ValueError(f"W must have shape (n, n) or (T, n, n) with n = {n} the last axis of {name} "
                         f"{tuple(like.shape)}, got shape {tuple(W.shape)}")
    if W.ndim == 3 and (like.ndim < 2 or like.shape[0] != W.shape[0]):
        raise ValueError(f"W of shape {tuple(W.shape)} needs states {name} whose first axis has size {W.shape[0]}, "
                         f"got shape {tuple(like.shape)}")
    return W.to(dtype=like.dtype, device=like.device)


def _bias(b, like: torch.Tensor) -> torch.Tensor:
    if b is None:
        return torch.zeros((), dtype=like.dtype, device=like.device)
    b = v.as_float_tensor("b", b, like=like).to(dtype=like.dtype, device=like.device)
    v.require_finite("b", b)
    v.require_broadcast("b", b, like.shape, to="the states'")
    return b


# --- states, energy and the update rule ----------------------------------------------------------

def sign(h) -> torch.Tensor:
    r"""The ±1 sign with the book's tie rule :math:`\operatorname{sign}(0)=+1`.

    >>> sign(torch.tensor([-2.0, 0.0, 3.0])).tolist()
    [-1.0, 1.0, 1.0]
    """
    h = v.as_tensor("h", h)  # refuses NaN: it has no sign
    return torch.where(h >= 0, 1.0, -1.0).to(h.dtype if h.is_floating_point() else torch.float32)


def random_patterns(s: int, n: int, *, trials: int | None = None, generator: torch.Generator | None = None,
                    dtype=torch.float32, device=None) -> torch.Tensor:
    r"""``s`` random unbiased patterns :math:`\mathbf x^t\in\{\pm1\}^n`, shape ``(s, n)`` or ``(trials, s, n)``.

    Drawn on the CPU from ``generator`` (so the same seed gives the same patterns on every device).

    >>> p = random_patterns(3, 5, generator=torch.Generator().manual_seed(0))
    >>> p.shape, bool(((p == 1) | (p == -1)).all())
    (torch.Size([3, 5]), True)
    """
    s, n = v.require_int("s", s, minimum=1), v.require_int("n", n, minimum=1)
    shape = (s, n) if trials is None else (v.require_int("trials", trials, minimum=1), s, n)
    v.require_generator("generator", generator)
    dtype, device = v.require_dtype("dtype", dtype), v.require_device("device", device)
    bits = torch.randint(0, 2, shape, generator=generator, dtype=torch.int8)
    return (2 * bits - 1).to(dtype=dtype, device=device)


def local_field(W, x, b=None) -> torch.Tensor:
    r"""Local fields :math:`h_i=\sum_j w_{ij}x_j+b_i` of the states ``x`` (batched over leading axes).

    ``W`` : weights, ``(n, n)`` or ``(T, n, n)`` (then ``x`` has shape ``(T, ..., n)``);
    ``x`` : states, ``(..., n)``; ``b`` : biases :math:`b_i`, broadcastable to ``x``.

    >>> W = torch.tensor([[0.0, 2.0], [2.0, 0.0]]); x = torch.tensor([1.0, -1.0])
    >>> local_field(W, x, torch.tensor([0.5, 0.0])).tolist() == (W @ x + torch.tensor([0.5, 0.0])).tolist()
    True
    """
    x = _states("x", x)
    return _field(_weights(W, x), x, _bias(b, x))


def _field(W: torch.Tensor, x: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """:func:`local_field` on validated inputs."""
    if W.ndim == 2:
        return x @ W.T + b
    T, n = W.shape[0], x.shape[-1]
    flat = x.reshape(T, -1, n)  # (T, P, n)
    return (flat @ W.transpose(-1, -2)).reshape(x.shape) + b


def energy(W, x, b=None) -> torch.Tensor:
    r"""Hopfield energy (Lyapunov function) of the states ``x``.

    .. math:: E(\mathbf x)=-\tfrac12\sum_{i\ne j}w_{ij}x_ix_j-\sum_ib_ix_i

    Book label: ``hopfield.energy-update``. Paired with the update
    :math:`x_i\leftarrow\operatorname{sign}(\sum_jw_{ij}x_j+b_i)` (see :func:`update_unit`), it never
    increases when ``W`` is symmetric. ``W`` : weights :math:`w_{ij}` (the diagonal is ignored, as in
    the sum over :math:`i\ne j`); ``x`` : states, ``(..., n)``; ``b`` : biases :math:`b_i`.

    >>> W = torch.tensor([[0.0, 1.0, -2.0], [1.0, 0.0, 0.5], [-2.0, 0.5, 0.0]], dtype=torch.float64)
    >>> x = torch.tensor([1.0, -1.0, 1.0], dtype=torch.float64); b = torch.tensor([0.3, 0.0, -1.0], dtype=torch.float64)
    >>> pairs = sum(W[i, j] * x[i] * x[j] for i in range(3) for j in range(3) if i != j)
    >>> bool(torch.isclose(energy(W, x, b), -0.5 * pairs - b @ x))
    True
    """
    x = _states("x", x)
    W, b = _weights(W, x), _bias(b, x)
    diagonal = torch.diagonal(W, dim1=-2, dim2=-1)  # (n,) or (T, n); x_i^2 = 1 on the diagonal
    if W.ndim == 3:
        diagonal = diagonal.reshape((W.shape[0],) + (1,) * (x.ndim - 2) + (x.shape[-1],))
    quadratic = (x * local_field(W, x)).sum(-1) - diagonal.sum(-1)
    return -0.5 * quadratic - (b * x).sum(-1)


def update_unit(W, x, i: int, b=None) -> torch.Tensor:
    r"""One asynchronous update: unit ``i`` of every state in the batch takes the sign of its field.

    .. math:: x_i\leftarrow\operatorname{sign}\Big(\sum_jw_{ij}x_j+b_i\Big),\qquad
              \Delta E=-\Delta x_i\Big(\sum_jw_{ij}x_j+b_i\Big)\le0

    Book label: ``hopfield.energy-update``. Returns a new tensor; the other units are unchanged.

    >>> W = torch.tensor([[0.0, 1.0], [1.0, 0.0]]); x = torch.tensor([1.0, -1.0])
    >>> update_unit(W, x, 0).tolist()
    [-1.0, -1.0]
    """
    x = _states("x", x)
    n = x.shape[-1]
    i = v.require_int("i", i, minimum=0)
    if i >= n:
        raise ValueError(f"i must index a unit (0..{n - 1}), got {i}")
    W, b = _weights(W, x), _bias(b, x)
    row = W[..., i, :]  # (n,) or (T, n): the weights into unit i
    if W.ndim == 3:
        row = row.reshape((W.shape[0],) + (1,) * (x.ndim - 2) + (n,))
    h = (row * x).sum(-1) + b.expand(x.shape)[..., i]
    out = x.clone()
    out[..., i] = sign(h).to(x.dtype)
    return out


def sync_step(W, x, b=None) -> torch.Tensor:
    r"""One synchronous update of every unit: :math:`\mathbf x\leftarrow\operatorname{sign}(W\mathbf x+\mathbf b)`.

    Book label: ``hopfield.convergence-async-sync``.

    >>> W = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> sync_step(W, torch.tensor([1.0, -1.0])).tolist()  # the 2-cycle (1,-1) <-> (-1,1)
    [-1.0, 1.0]
    """
    return sign(local_field(W, x, b)).to(_states("x", x).dtype)


def run_async(W, x, b=None, *, max_sweeps: int = 50, generator: torch.Generator | None = None,
              orders=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Asynchronous dynamics to a fixed point: sweeps over the units in random order, batched over states.

    Each sweep visits every unit once in the order ``orders[k]`` (or a fresh random permutation drawn
    from ``generator``; the same order for the whole batch) and sets it to the sign of its current field.
    The implementation jumps straight to the next unit that would flip and updates the fields
    incrementally, :math:`h\mathrel{+}=2x_iW_{:,i}`, which is exactly the sequential rule.
    Book label: ``hopfield.convergence-async-sync``. Returns the final states and a boolean tensor
    that is True where a whole sweep made no flip (a fixed point was reached within ``max_sweeps``,
    or within ``len(orders)`` sweeps when ``orders`` is given).

    >>> W = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> xs, done = run_async(W, torch.tensor([[1.0, -1.0]]), orders=[[0, 1]] * 3)
    >>> xs.tolist(), done.tolist()  # unit 0 flips, then nothing moves
    ([[-1.0, -1.0]], [True])
    """
    x = _states("x", x)
    W, b = _weights(W, x), _bias(b, x)
    max_sweeps = v.require_int("max_sweeps", max_sweeps, minimum=1)
    v.require_generator("generator", generator)
    n = x.shape[-1]
    Wb = W if W.ndim == 3 else W.unsqueeze(0)  # (T, n, n)
    T = Wb.shape[0]
    state = x.reshape(T, -1, n).clone()  # (T, P, n)
    h = (state @ Wb.transpose(-1, -2) + b.expand(x.shape).reshape(T, -1, n)).reshape(-1, n)  # (B, n)
    state = state.reshape(-1, n)  # (B, n), B = T * P
    owner = torch.arange(T, device=x.device).repeat_interleave(state.shape[0] // T)  # (B,) row of W
    done = torch.zeros(state.shape[0], dtype=torch.bool, device=x.device)
    if orders is not None:
        orders = v.as_float_tensor("orders", orders)
        v.require_integer_valued("orders", orders, minimum=0)
        orders = orders.long()
        if orders.ndim != 2 or orders.shape[1] != n or not (orders.sort(1).values == torch.arange(n)).all():
            raise ValueError(f"orders must hold permutations of range({n}) as rows, got shape {tuple(orders.shape)}")
        max_sweeps = min(max_sweeps, orders.shape[0])
    rank = torch.empty(n, dtype=torch.int32, device=x.device)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the loop below runs many tiny ops: one thread avoids synchronisation costs
    try:
        _async_sweeps(Wb, h, state, owner, done, rank, orders, max_sweeps, generator)
    finally:
        torch.set_num_threads(threads)
    return state.reshape(x.shape), done.reshape(x.shape[:-1])


def _async_sweeps(Wb, h, state, owner, done, rank, orders, max_sweeps, generator) -> None:
    """The sweeps of :func:`run_async`, updating ``state``, ``h`` and ``done`` in place."""
    n = state.shape[-1]
    for sweep in range(max_sweeps):
        device = state.device
        order = (orders[sweep] if orders is not None else torch.randperm(n, generator=generator)).to(device)
        rank[order] = torch.arange(n, dtype=torch.int32, device=device)
        pos = torch.zeros(state.shape[0], dtype=torch.int32, device=device)  # next position in the sweep
        moved = torch.zeros_like(done)
        while True:
            unstable = ((h >= 0) != (state > 0)) & (rank >= pos[:, None])  # (B, n): would flip when visited
            nxt = torch.where(unstable, rank, n).amin(1)  # (B,) position of the next flip
            act = (nxt < n).nonzero().squeeze(1)
            if act.numel() == 0:
                break
            units = order[nxt[act].long()]
            new = -state[act, units]
            state[act, units] = new
            h[act] += 2 * new[:, None] * Wb[owner[act], :, units]  # column i of W: d h_j = w_ji dx_i
            pos[act] = nxt[act] + 1
            moved[act] = True
        done |= ~moved
        if done.all():
            break


def run_sync(W, x, b=None, *, max_steps: int = 100) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Synchronous dynamics :math:`\mathbf x\leftarrow\operatorname{sign}(W\mathbf x+\mathbf b)` to a period of 1 or 2.

    Book label: ``hopfield.convergence-async-sync`` (for symmetric ``W`` every orbit ends in a period
    of 1 or 2, Goles). Each state of the batch stops as soon as its new state equals its current one
    (period 1) or the one before (period 2). Returns the final states and the period found
    (0 where neither happened within ``max_steps``).

    >>> W = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    >>> xs, period = run_sync(W, torch.tensor([[1.0, -1.0], [1.0, 1.0]]))
    >>> period.tolist()
    [2, 1]
    """
    x = _states("x", x)
    W, b = _weights(W, x), _bias(b, x)
    max_steps = v.require_int("max_steps", max_steps, minimum=1)
    current, previous = x.clone(), torch.full_like(x, 0.0)
    period = torch.zeros(x.shape[:-1], dtype=torch.long, device=x.device)
    for _ in range(max_steps):
        new = torch.where(_field(W, current, b) >= 0, 1.0, -1.0).to(x.dtype)
        running = period == 0
        fixed = running & (new == current).all(-1)
        cycle = running & ~fixed & (new == previous).all(-1)
        period = torch.where(fixed, 1, torch.where(cycle, 2, period))
        keep = (~running)[..., None]
        previous, current = torch.where(keep, previous, current), torch.where(keep, current, new)
        if (period > 0).all():
            break
    return current, period


def overlap(x, xi) -> torch.Tensor:
    r"""Overlap :math:`m=\frac1n\sum_ix_i\xi_i` of states ``x`` with patterns ``xi`` (1 = perfect recall).

    >>> float(overlap(torch.tensor([1.0, 1.0, -1.0, 1.0]), torch.tensor([1.0, 1.0, 1.0, 1.0])))
    0.5
    """
    x, xi = _states("x", x), _states("xi", xi)
    if x.shape[-1] != xi.shape[-1]:
        raise ValueError(f"x and xi must have the same number of units, got shapes {tuple(x.shape)} and {tuple(xi.shape)}")
    v.broadcast_shapes(x=x, xi=xi)
    return (x * xi).mean(-1)


# --- Hebbian storage and its capacity ------------------------------------------------------------

def hebbian_weights(patterns, *, normalize: bool = True) -> torch.Tensor:
    r"""Hebbian weights of the stored patterns, with the self-coupling removed.

    .. math:: w_{ij}=\frac1n\sum_{t=1}^s x_i^tx_j^t\ (i\ne j),\quad w_{ii}=0
              \iff W=\frac1n\sum_{t=1}^s\mathbf x^t(\mathbf x^t)^\top-\frac snI

    Book label: ``hopfield.hebbian-weights``. ``patterns`` : :math:`\mathbf x^1..\mathbf x^s`, shape
    ``(..., s, n)``. With ``normalize=False`` returns :math:`\Theta=\sum_t[\mathbf x^t(\mathbf x^t)^\top-I]=nW`
    (integer valued; same sign dynamics).

    >>> x = torch.tensor([[1.0, -1.0, 1.0], [1.0, 1.0, -1.0]])
    >>> W = hebbian_weights(x)
    >>> bool(torch.isclose(W[0, 1], (x[:, 0] * x[:, 1]).sum() / 3)), W.diagonal().tolist()
    (True, [0.0, 0.0, 0.0])
    """
    X = _states("patterns", patterns, 2)
    normalize = v.require_bool("normalize", normalize)
    s, n = X.shape[-2:]
    theta = X.transpose(-1, -2) @ X - s * torch.eye(n, dtype=X.dtype, device=X.device)  # (..., n, n)
    return theta / n if normalize else theta


def aligned_fields(patterns) -> torch.Tensor:
    r"""Aligned local fields :math:`x_i^\mu h_i(\mathbf x^\mu)` at every stored pattern, Hebbian weights.

    .. math:: x_i^\mu h_i(\mathbf x^\mu)=\frac{n-1}{n}+\frac1n\sum_{t\ne\mu}\sum_{j\ne i}
              x_i^\mu x_i^tx_j^tx_j^\mu

    Book label: ``hopfield.capacity-0138``: the second term is the crosstalk, of variance about
    :math:`\alpha=s/n`. Computed without forming ``W``, as :math:`(XX^\top)X-sX`, in :math:`O(s^2n)`.
    ``patterns`` : ``(..., s, n)``. Returns ``(..., s, n)``, in units of ``1/n`` times integers.

    >>> x = random_patterns(4, 9, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    >>> bool(torch.allclose(aligned_fields(x), x * (x @ hebbian_weights(x).T)))
    True
    """
    X = _states("patterns", patterns, 2)
    s, n = X.shape[-2:]
    fields = (X @ X.transpose(-1, -2)) @ X - s * X  # (..., s, n) = Theta x^mu for every mu
    return X * fields / n


def unstable_fraction(patterns) -> torch.Tensor:
    r"""Fraction of bits of the stored patterns that one update would flip, per pattern set.

    A bit is unstable when :math:`\operatorname{sign}(h_i(\mathbf x^\mu))\ne x_i^\mu`. Book label:
    ``hopfield.capacity-0138``. ``patterns`` : ``(..., s, n)``; returns shape ``(...)``.

    >>> float(unstable_fraction(torch.ones(1, 5)))  # one pattern is always stable
    0.0
    """
    X = _states("patterns", patterns, 2)
    s, n = X.shape[-2:]
    fields = (X @ X.transpose(-1, -2)) @ X - s * X  # integer fields: exact in float32
    return (sign(fields) != X).to(X.dtype).mean((-2, -1))


def unstable_probability(alpha) -> torch.Tensor:
    r"""Gaussian crosstalk prediction of the unstable-bit fraction at load :math:`\alpha=s/n`.

    .. math:: \Pr[\text{bit unstable}]\approx\Phi\big(-1/\sqrt\alpha\big)

    Book label: ``hopfield.capacity-0138``. ``alpha`` : the load :math:`s/n` (> 0).

    >>> import scipy.stats
    >>> math.isclose(float(unstable_probability(0.138)), scipy.stats.norm.cdf(-1 / 0.138**0.5), rel_tol=1e-6)
    True
    """
    alpha = v.as_float_tensor("alpha", alpha)
    v.require_finite("alpha", alpha)
    v.require_positive("alpha", alpha)
    return torch.special.ndtr(-alpha.rsqrt())


def load(s, n) -> float:
    r"""The load :math:`\alpha=s/n`: stored patterns per neuron (capacity :math:`\alpha_c\approx0.138`).

    Book label: ``hopfield.capacity-0138``.

    >>> load(138, 1000)
    0.138
    """
    return v.require_positive_scalar("s", s, strict=False) / v.require_positive_scalar("n", n)


def pattern_stable(patterns, index: int = 0) -> torch.Tensor:
    r"""Whether stored pattern ``index`` is an exact fixed point of the Hebbian net, per pattern set.

    Book label: ``hopfield.capacity-perfect-recall``. ``patterns`` : ``(..., s, n)``; returns bools ``(...)``.

    >>> x = torch.tensor([[1.0, 1.0, -1.0, -1.0, 1.0]])
    >>> pattern_stable(x).item()
    True
    """
    X = _states("patterns", patterns, 2)
    s = X.shape[-2]
    index = v.require_int("index", index, minimum=0)
    if index >= s:
        raise ValueError(f"index must pick a stored pattern (0..{s - 1}), got {index}")
    probe = X[..., index, :]  # (..., n)
    field = ((X @ probe.unsqueeze(-1)).transpose(-1, -2) @ X).squeeze(-2) - s * probe  # Theta x
    return (sign(field) == probe).all(-1)


def perfect_recall_threshold(n, *, all_patterns: bool = False) -> float:
    r"""Largest number of patterns recalled without a single error, asymptotically (McEliece et al. 1987).

    .. math:: s\le\frac{n}{2\ln n}\ \text{(a given pattern)},\qquad s\le\frac{n}{4\ln n}\ \text{(all patterns)}

    Book label: ``hopfield.capacity-perfect-recall``. ``n`` : number of neurons (> 1).

    >>> round(perfect_recall_threshold(1000), 1)
    72.4
    """
    n, all_patterns = v.require_scalar("n", n), v.require_bool("all_patterns", all_patterns)
    if n <= 1:
        raise ValueError(f"n must exceed 1, got {n}")
    return n / ((4 if all_patterns else 2) * math.log(n))


def perfect_recall_probability(s, n) -> torch.Tensor:
    r"""Gaussian prediction that a given stored pattern is an exact fixed point.

    .. math:: \Pr[\text{pattern stable}]\approx\big(1-\Phi(-\sqrt{n/s})\big)^n

    Book label: ``hopfield.capacity-perfect-recall`` (treats the n bits as independent).

    >>> round(float(perfect_recall_probability(72, 1000)), 2)
    0.91
    """
    s = v.as_float_tensor("s", s)
    v.require_finite("s", s)
    v.require_positive("s", s)
    n = v.require_positive_scalar("n", n)
    return torch.exp(n * torch.log1p(-torch.special.ndtr(-(n / s).sqrt())))


# --- retrieval experiments -----------------------------------------------------------------------

def corrupt(x, flip_fraction: float, *, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Flip exactly ``round(flip_fraction * n)`` randomly chosen bits of every state in ``x``.

    >>> y = corrupt(torch.ones(2, 10), 0.3, generator=torch.Generator().manual_seed(0))
    >>> (y == -1).sum(-1).tolist()
    [3, 3]
    """
    x = _states("x", x)
    flip_fraction = v.require_probability("flip_fraction", flip_fraction)
    v.require_generator("generator", generator)
    n = x.shape[-1]
    k = round(flip_fraction * n)
    keys = torch.rand(x.shape, generator=generator).to(x.device)
    ranks = keys.argsort(-1).argsort(-1)  # a uniformly random ranking of the units
    return torch.where(ranks < k, -x, x)


def retrieve_async(patterns, *, probes: int = 1, flip_fraction: float = 0.0, max_sweeps: int = 50,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Overlaps after asynchronous Hebbian recall, batched over pattern sets and probes.

    For each pattern set (``patterns`` of shape ``(T, s, n)``), the first ``probes`` stored patterns,
    with a fraction ``flip_fraction`` of their bits flipped, run :func:`run_async` on :math:`\Theta=nW`.
    Book label: ``hopfield.capacity-0138``. Returns the overlaps with the stored originals, ``(T, probes)``.

    >>> x = random_patterns(5, 200, trials=2, generator=torch.Generator().manual_seed(0))
    >>> retrieve_async(x, probes=3, flip_fraction=0.2, generator=torch.Generator().manual_seed(1)).tolist()
    [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]
    """
    X = _states("patterns", patterns)
    v.require_ndim("patterns", X, 3)
    probes = v.require_int("probes", probes, minimum=1)
    if probes > X.shape[1]:
        raise ValueError(f"probes must be at most the number of patterns {X.shape[1]}, got {probes}")
    theta = hebbian_weights(X, normalize=False)  # (T, n, n), integer valued
    start = corrupt(X[:, :probes], flip_fraction, generator=generator)
    final, _ = run_async(theta, start, max_sweeps=max_sweeps, generator=generator)
    return overlap(final, X[:, :probes])


def hebbian_fields(patterns, x) -> torch.Tensor:
    r"""Fields :math:`\Theta\mathbf x=X^\top(X\mathbf x)-s\mathbf x` of the Hebbian net, without forming :math:`\Theta`.

    ``patterns`` : ``(T, s, n)``; ``x`` : ``(T, P, n)``. Costs :math:`O(Psn)` per set instead of :math:`O(sn^2)`.

    >>> X = random_patterns(3, 6, trials=1, generator=torch.Generator().manual_seed(2))
    >>> bool(torch.equal(hebbian_fields(X, X), X @ hebbian_weights(X, normalize=False).transpose(-1, -2)))
    True
    """
    X, x = _states("patterns", patterns, 3), _states("x", x, 3)
    if X.ndim != 3 or x.ndim != 3 or x.shape[0] != X.shape[0] or x.shape[-1] != X.shape[-1]:
        raise ValueError(f"patterns (T, s, n) and x (T, P, n) must agree in T and n, "
                         f"got shapes {tuple(X.shape)} and {tuple(x.shape)}")
    return (x @ X.transpose(-1, -2)) @ X - X.shape[-2] * x


def retrieve_sync(patterns, *, probes: int | None = None, flip_fraction: float = 0.0, max_steps: int = 30,
                  generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Overlaps after synchronous Hebbian recall, batched over pattern sets and probes.

    Like :func:`retrieve_async` but with :math:`\mathbf x\leftarrow\operatorname{sign}(\Theta\mathbf x)`
    for all units at once, each probe stopping at a fixed point or a 2-cycle (as :func:`run_sync`).
    The fields use the low-rank form of :func:`hebbian_fields`. ``probes`` defaults to all patterns.
    Returns the overlaps, ``(T, probes)``.

    >>> x = random_patterns(5, 200, trials=2, generator=torch.Generator().manual_seed(0))
    >>> retrieve_sync(x, probes=2, flip_fraction=0.2, generator=torch.Generator().manual_seed(1)).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    X = _states("patterns", patterns)
    v.require_ndim("patterns", X, 3)
    probes = X.shape[1] if probes is None else v.require_int("probes", probes, minimum=1)
    if probes > X.shape[1]:
        raise ValueError(f"probes must be at most the number of patterns {X.shape[1]}, got {probes}")
    max_steps = v.require_int("max_steps", max_steps, minimum=1)
    current = corrupt(X[:, :probes], flip_fraction, generator=generator)  # (T, P, n)
    previous = torch.zeros_like(current)
    running = torch.ones(current.shape[:-1], dtype=torch.bool, device=X.device)  # (T, P)
    s, Xt = X.shape[1], X.transpose(-1, -2)
    for _ in range(max_steps):
        fields = (current @ Xt) @ X - s * current  # Θx in low-rank form, as hebbian_fields
        new = torch.where(fields >= 0, 1.0, -1.0).to(X.dtype)
        stop = running & ((new == current).all(-1) | (new == previous).all(-1))
        keep = (~running)[..., None]
        previous, current = torch.where(keep, previous, current), torch.where(keep, current, new)
        running &= ~stop
        if not running.any():
            break
    return overlap(current, X[:, :probes])


# --- learned weights -----------------------------------------------------------------------------

def perceptron_weights(patterns, *, margin: float = 1.0, max_epochs: int = 1000) -> tuple[torch.Tensor, bool]:
    r"""Weights learned by the perceptron rule, one perceptron per unit, so that every pattern is stable.

    .. math:: \text{if } x_i^t\sum_{j\ne i}w_{ij}x_j^t\le\kappa:\quad
              w_{ij}\leftarrow w_{ij}+\tfrac1n x_i^tx_j^t\ (j\ne i)

    Book label: ``hopfield.optimal-capacity``. Unit i is a homogeneous perceptron on the s points
    :math:`\mathbf x^t_{-i}` with labels :math:`x_i^t`; all n perceptrons are trained at once, pattern by
    pattern. The result is in general asymmetric. ``patterns`` : ``(s, n)``; ``margin`` : κ, the aligned
    field every stored bit must exceed (the Hebbian signal term is about 1); ``max_epochs`` : passes over
    the patterns. Returns ``(W, converged)``; converged means an epoch without any update, so every
    pattern is a fixed point with aligned fields above κ.

    >>> x = random_patterns(30, 60, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    >>> W, ok = perceptron_weights(x)
    >>> ok, bool((sign(x @ W.T) == x).all())  # alpha = 0.5: all 30 patterns are fixed points
    (True, True)
    """
    X = _states("patterns", patterns)
    v.require_ndim("patterns", X, 2)
    margin = v.require_scalar("margin", margin)
    max_epochs = v.require_int("max_epochs", max_epochs, minimum=1)
    s, n = X.shape
    W = torch.zeros(n, n, dtype=X.dtype, device=X.device)
    off = 1 - torch.eye(n, dtype=X.dtype, device=X.device)  # keeps w_ii = 0
    for _ in range(max_epochs):
        updated = False
        for t in range(s):
            xt = X[t]
            wrong = (xt * (W @ xt) <= margin).to(X.dtype)  # (n,) units that fail on pattern t
            if wrong.any():
                W += (wrong * xt)[:, None] * xt[None, :] * off / n
                updated = True
        if not updated:
            return W, True
    return W, False


def stable_unit_probability(s: int, n: int) -> float:
    r"""Probability that one unit can be made stable on s random patterns: Cover's fraction in dimension n-1.

    .. math:: \Pr[\text{unit } i \text{ storable}]=P(s,n-1)=2^{1-s}\sum_{k=0}^{n-2}\binom{s-1}{k}

    Book label: ``hopfield.optimal-capacity``. It is ½ at :math:`s=2(n-1)`: the capacity of optimally
    chosen weights is :math:`\alpha^*=2` (Gardner). Exact, in integer arithmetic.

    >>> stable_unit_probability(38, 20)
    0.5
    """
    s, n = v.require_int("s", s, minimum=1), v.require_int("n", n, minimum=2)
    return sum(math.comb(s - 1, k) for k in range(n - 1)) / 2 ** (s - 1)
