r"""Groups, invariance and equivariance, and the Deep Sets constructions.

Chapter 7, "Geometric deep learning" (book labels ``gdl.group-axioms`` … ``gdl.equivariant-set-layer``).
A permutation is a 1-D integer tensor ``perm`` with ``perm[j]`` the position element ``j`` moves to; its
matrix :math:`P` has :math:`P_{\mathrm{perm}[j],j}=1`, so that :math:`(PX)_{\mathrm{perm}[j]}=X_j` and
:math:`P(\sigma)P(\tau)=P(\sigma\circ\tau)`. A set of :math:`M` elements is a tensor whose first axis runs
over the elements. Tensors keep their dtype and device; anything else becomes float64.
"""

from collections.abc import Callable, Sequence

import torch

from edl.core import validate as v
from edl.geometric import _checked as c


def permutation_matrix(perm, *, dtype: torch.dtype = torch.float64, device=None) -> torch.Tensor:
    r"""The permutation matrix of ``perm``: one 1 in every row and every column.

    .. math:: P_{\sigma(j),\,j}=1,\qquad PP^\top=I,\qquad P(\sigma)P(\tau)=P(\sigma\circ\tau)

    Book labels: ``gdl.group-axioms``, ``gdl.permutation-matrix``. ``perm`` : ``(M,)``, a permutation of
    ``0..M-1``.

    >>> permutation_matrix([1, 2, 0]).int().tolist()
    [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    """
    v.require_dtype("dtype", dtype)
    device = v.require_device("device", device)
    perm = c.permutation("perm", perm)
    M = perm.numel()
    P = torch.zeros(M, M, dtype=dtype, device=device)
    P[perm.to(P.device), torch.arange(M, device=P.device)] = 1
    return P


def compose(sigma, tau) -> torch.Tensor:
    r"""The composition :math:`(\sigma\circ\tau)(j)=\sigma(\tau(j))`: first :math:`\tau`, then :math:`\sigma`.

    Book label: ``gdl.group-axioms``.

    >>> compose([1, 2, 0], [1, 0, 2]).tolist()
    [2, 1, 0]
    """
    sigma = c.permutation("sigma", sigma)
    tau = c.permutation("tau", tau, sigma.numel())
    return sigma[tau]


def group_axioms(table) -> dict[str, bool]:
    r"""Which group axioms a finite operation satisfies, from its table ``table[i][j]`` = index of :math:`g_ig_j`.

    .. math:: gh\in G,\quad (gh)k=g(hk),\quad \exists e:\ eg=ge=g,\quad \forall g\,\exists g^{-1}:\ gg^{-1}=g^{-1}g=e

    Also reports whether the operation is commutative (``abelian``). Book label: ``gdl.group-axioms``.
    ``table`` : ``(n, n)`` whole numbers >= 0; an entry beyond ``n-1`` breaks closure.

    >>> group_axioms([[0, 1], [1, 0]])
    {'closure': True, 'associative': True, 'identity': True, 'inverses': True, 'abelian': True}
    >>> group_axioms([[0, 1], [1, 1]])['inverses']
    False
    """
    T = c.matrix("table", table, square=True)
    v.require_integer_valued("table", T, minimum=0)
    T = T.long()
    n = T.shape[0]
    closure = bool(((T >= 0) & (T < n)).all())
    out = {"closure": closure, "associative": False, "identity": False, "inverses": False,
           "abelian": bool(torch.equal(T, T.T))}
    if not closure:
        return out
    idx = torch.arange(n, device=T.device)
    out["associative"] = bool(torch.equal(T[T[:, :, None], idx[None, None, :]],     # (g h) k
                                          T[idx[:, None, None], T[None, :, :]]))    # g (h k)
    units = [e for e in range(n) if torch.equal(T[e], idx) and torch.equal(T[:, e], idx)]
    if units:
        e = units[0]
        out["identity"] = True
        out["inverses"] = bool(((T == e) & (T.T == e)).any(1).all())
    return out


def act(perm, X) -> torch.Tensor:
    r"""The action of a permutation on a set or on node features: :math:`X\mapsto PX`.

    .. math:: (PX)_{\sigma(j)}=X_j,\qquad (\sigma\tau)\cdot X=\sigma\cdot(\tau\cdot X),\qquad e\cdot X=X

    Book label: ``gdl.group-axioms``. ``perm`` : ``(M,)``; ``X`` : ``(M, ...)``.

    >>> act([1, 2, 0], [10.0, 20.0, 30.0]).tolist()
    [30.0, 10.0, 20.0]
    """
    X = v.as_float_tensor("X", X)
    v.require_min_ndim("X", X, 1)
    v.require_finite("X", X)
    perm = c.permutation("perm", perm, X.shape[0], device=X.device)
    out = torch.empty_like(X)
    out[perm] = X
    return out


def _perms(perms, M: int) -> list[torch.Tensor]:
    if isinstance(perms, (str, bytes, torch.Tensor)) or not isinstance(perms, Sequence) or len(perms) == 0:
        raise ValueError(f"perms must be a non-empty list of permutations, got {v._show(perms)}")
    return [c.permutation(f"perms[{i}]", p, M) for i, p in enumerate(perms)]


def invariance_gap(f: Callable, x, perms) -> float:
    r"""How far ``f`` is from order invariance on ``x``: :math:`\max_\pi\|f(P_\pi x)-f(x)\|_\infty`.

    .. math:: f(x_1,\dots,x_M)=f(x_{\pi_1},\dots,x_{\pi_M})\quad\forall\pi\in S_M

    Book label: ``gdl.invariance``. ``f`` : a function of a set ``(M, ...)``; ``x`` : the set; ``perms`` :
    the permutations tried. Zero (to rounding) for an invariant function.

    >>> invariance_gap(lambda s: s.sum(0), [1.0, 2.0, 4.0], [[2, 0, 1], [1, 0, 2]])
    0.0
    >>> invariance_gap(lambda s: s[0], [1.0, 2.0, 4.0], [[2, 0, 1], [1, 0, 2]])
    1.0
    """
    f = c.function("f", f)
    x = v.as_float_tensor("x", x)
    v.require_min_ndim("x", x, 1)
    v.require_finite("x", x)
    base = c.output("f", f(x))
    return max(float((c.output("f", f(act(p, x))) - base).abs().max()) for p in _perms(perms, x.shape[0]))


def equivariance_gap(f: Callable, x, perms) -> float:
    r"""How far ``f`` is from permutation equivariance on ``x``: :math:`\max_\pi\|f(P_\pi x)-P_\pi f(x)\|_\infty`.

    .. math:: f(PX)=Pf(X)\quad\forall P\in\Pi_M

    Book label: ``gdl.equivariance``. ``f`` maps a set ``(M, ...)`` to one output row per element.

    >>> equivariance_gap(torch.tanh, [1.0, 2.0, 4.0], [[2, 0, 1]])
    0.0
    >>> round(equivariance_gap(lambda s: torch.cumsum(s, 0), [1.0, 2.0, 4.0], [[2, 0, 1]]), 6)
    6.0
    """
    f = c.function("f", f)
    x = v.as_float_tensor("x", x)
    v.require_min_ndim("x", x, 1)
    v.require_finite("x", x)
    y = c.output("f", f(x))
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"f must return one row per element ({x.shape[0]}), got shape {tuple(y.shape)}")
    return max(float((c.output("f", f(act(p, x))) - act(p, y)).abs().max()) for p in _perms(perms, x.shape[0]))


def pool(x, mode: str = "sum") -> torch.Tensor:
    r"""Pool a set along its first axis: sum, mean or coordinate-wise max, all order invariant.

    .. math:: \sum_{m=1}^{M}x_m=\sum_{m=1}^{M}x_{\pi_m}\quad\forall\pi\in S_M

    Book label: ``gdl.sum-invariance``. ``x`` : ``(M, ...)``; ``mode`` : ``"sum"``, ``"mean"`` or ``"max"``.

    >>> [round(pool([1.0, 2.0, 2.0], m).item(), 6) for m in ("sum", "mean", "max")]
    [5.0, 1.666667, 2.0]
    """
    v.require_choice("mode", mode, ("sum", "mean", "max"))
    x = v.as_float_tensor("x", x)
    v.require_min_ndim("x", x, 1)
    v.require_finite("x", x)
    if mode == "sum":
        return x.sum(0)
    if mode == "mean":
        return x.mean(0)
    return x.max(0).values


def _elements(x) -> torch.Tensor:
    x = v.as_float_tensor("x", x)
    v.require_ndim("x", x, (1, 2))
    v.require_finite("x", x)
    return x[:, None] if x.ndim == 1 else x           # (M, d): one row per element


def deep_sets(x, phi: Callable, rho: Callable, aggregate: str = "sum") -> torch.Tensor:
    r"""The Deep Sets model: embed every element, pool, post-process.

    .. math:: f(x_1,\dots,x_M)=\rho\Big(\sum_{m=1}^{M}\varphi(x_m)\Big)\quad\text{or}\quad
              \rho\Big(\max_{m}\varphi(x_m)\Big)\ \text{(coordinate-wise)}

    Book labels: ``gdl.deep-sets``, ``gdl.deep-sets-max``. ``x`` : ``(M,)`` or ``(M, d)``, any ``M``;
    ``phi`` : maps ``(M, d)`` to ``(M, N)`` row by row; ``rho`` : maps ``(N,)`` to the output;
    ``aggregate`` : ``"sum"`` or ``"max"``. The max variant cannot count: {1, 1, 2} and {1, 2} look alike.

    >>> phi = lambda s: torch.cat([s, s ** 2], 1)
    >>> deep_sets([1.0, 1.0, 2.0], phi, lambda z: z).tolist(), deep_sets([1.0, 2.0], phi, lambda z: z, "max").tolist()
    ([4.0, 6.0], [2.0, 4.0])
    """
    phi, rho = c.function("phi", phi), c.function("rho", rho)
    v.require_choice("aggregate", aggregate, ("sum", "max"))
    x = _elements(x)
    h = c.output("phi", phi(x))
    if h.ndim != 2 or h.shape[0] != x.shape[0]:
        raise ValueError(f"phi must return one row per element, shape ({x.shape[0]}, N), got {tuple(h.shape)}")
    return c.output("rho", rho(h.sum(0) if aggregate == "sum" else h.max(0).values))


def equivariant_set_layer(x, phi: Callable, rho: Callable) -> torch.Tensor:
    r"""An equivariant layer: every element is combined with one shared, order-invariant summary.

    .. math:: y_m=\rho\Big(x_m,\ \sum_{k=1}^{M}\varphi(x_k)\Big)

    Book label: ``gdl.equivariant-set-layer``. ``x`` : ``(M,)`` or ``(M, d)``; ``phi`` : ``(M, d)`` to
    ``(M, N)``; ``rho`` : maps the rows ``[x_m, s]`` of an ``(M, d + N)`` tensor to ``(M, ...)``.

    >>> equivariant_set_layer([1.0, 2.0, 3.0], lambda s: s, lambda z: z[:, 0] - z[:, 1] / 3).tolist()
    [-1.0, 0.0, 1.0]
    """
    phi, rho = c.function("phi", phi), c.function("rho", rho)
    x = _elements(x)
    h = c.output("phi", phi(x))
    if h.ndim != 2 or h.shape[0] != x.shape[0]:
        raise ValueError(f"phi must return one row per element, shape ({x.shape[0]}, N), got {tuple(h.shape)}")
    s = h.sum(0, keepdim=True).expand(x.shape[0], -1)
    y = c.output("rho", rho(torch.cat([x, s], 1)))
    if y.ndim == 0 or y.shape[0] != x.shape[0]:
        raise ValueError(f"rho must return one row per element ({x.shape[0]}), got shape {tuple(y.shape)}")
    return y
