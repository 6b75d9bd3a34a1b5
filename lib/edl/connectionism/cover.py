"""Cover's function-counting theorem: how many dichotomies a linear threshold unit can realise.

Chapter 1 (book labels ``cover.*``). Conventions: ``s`` points :math:`\\mathbf x_1..\\mathbf x_s\\in\\mathbb R^n`
in general position, labels :math:`y_i\\in\\{-1,+1\\}`, and *homogeneous* separators
:math:`\\operatorname{sign}(\\mathbf w\\cdot\\mathbf x)` (no bias). An affine separator on
:math:`\\mathbb R^n` is a homogeneous one on the points :math:`(\\mathbf x, 1)\\in\\mathbb R^{n+1}`, so it
realises :math:`C(s, n+1)` dichotomies.

Counting functions return exact Python integers; probabilities are float64 tensors. Separability
is decided by :func:`linearly_separable`, a batched phase-1 simplex method (Gordan's alternative),
whose every answer carries a certificate that is verified; :func:`separable_lp` is the one-dataset
reference through ``scipy.optimize.linprog``.
"""

import itertools
import math

import numpy as np
import torch
from scipy.optimize import linprog

from edl.core import validate as v


def _counts(s, n, names=("s", "n")) -> tuple[int, int]:
    return v.require_int(names[0], s, minimum=1), v.require_int(names[1], n, minimum=1)


# --- counting -------------------------------------------------------------------------------------

def cover_count(s: int, n: int) -> int:
    r"""Number of dichotomies of ``s`` points in general position in :math:`\mathbb R^n` that
    homogeneous linear separators realise (Cover's function-counting theorem, 1965).

    .. math:: C(s,n)=2\sum_{i=0}^{n-1}\binom{s-1}{i}

    Book label: ``cover.function-counting``. ``s`` : number of points, >= 1; ``n`` : dimension, >= 1.
    Returns an exact integer. For ``s <= n`` every labelling is realisable, :math:`C=2^s`.

    >>> cover_count(3, 2), cover_count(4, 4), cover_count(8, 4)  # 6 of 8; all 16; half of 256
    (6, 16, 128)
    >>> from fractions import Fraction
    >>> Fraction(cover_count(40, 20), 2**40)  # s = 2n: exactly one half
    Fraction(1, 2)
    """
    s, n = _counts(s, n)
    return 2 * sum(math.comb(s - 1, i) for i in range(n))


def cover_count_table(s_max: int, n_max: int) -> list[list[int]]:
    r"""Table of :math:`C(s,n)` for ``1 <= s <= s_max``, ``1 <= n <= n_max``, built by the recurrence.

    .. math:: C(s+1,n)=C(s,n)+C(s,n-1),\qquad C(1,n)=2,\quad C(s,1)=2

    Book label: ``cover.recurrence``. Adding a point keeps every dichotomy of the old points (one
    extension each) and doubles those realisable by a hyperplane through the new point, which are
    the dichotomies of the old points projected into one dimension fewer. Returns exact integers,
    ``table[s][n]`` (row and column 0 are unused zeros).

    >>> table = cover_count_table(5, 3)
    >>> table[5][1:]  # C(5, 1), C(5, 2), C(5, 3)
    [2, 10, 22]
    >>> all(table[s][n] == cover_count(s, n) for s in range(1, 6) for n in range(1, 4))
    True
    """
    s_max, n_max = _counts(s_max, n_max, ("s_max", "n_max"))
    table = [[0] * (n_max + 1) for _ in range(s_max + 1)]
    for n in range(1, n_max + 1):
        table[1][n] = 2
    for s in range(1, s_max):
        table[s + 1][1] = 2
        for n in range(2, n_max + 1):
            table[s + 1][n] = table[s][n] + table[s][n - 1]  # C(s+1,n) = C(s,n) + C(s,n-1)
    return table


def separability_probability(s, n) -> torch.Tensor:
    r"""Probability that a uniformly random labelling of ``s`` points in general position in
    :math:`\mathbb R^n` is homogeneously linearly separable.

    .. math:: P(s,n)=\frac{C(s,n)}{2^s}=2^{1-s}\sum_{i=0}^{n-1}\binom{s-1}{i}
              =\Pr\big[\mathrm{Bin}(s-1,\tfrac12)\le n-1\big],\qquad P(2n,n)=\tfrac12

    Book label: ``cover.phase-transition``. ``s, n`` : positive whole numbers (broadcastable
    tensors or array-likes). Computed in log space (``lgamma`` and ``logsumexp``), so it is
    vectorised and stays accurate for thousands of points. Returns float64 (or the floating dtype
    of ``s``).

    >>> p = separability_probability([10, 20, 30], 10)
    >>> [round(float(x), 4) for x in p]
    [1.0, 0.5, 0.0307]
    """
    s = v.as_float_tensor("s", s)
    n = v.as_float_tensor("n", n, like=s)
    for name, t in (("s", s), ("n", n)):
        v.require_integer_valued(name, t, minimum=1)
    s, n = torch.broadcast_tensors(s, n)
    i = torch.arange(int(n.max()), dtype=s.dtype, device=s.device)  # summation index
    log_binom = (torch.lgamma(s.unsqueeze(-1)) - torch.lgamma(i + 1)
                 - torch.lgamma(s.unsqueeze(-1) - i))  # log C(s-1, i)
    # terms i >= s vanish by themselves: lgamma(s - i) = +inf at the non-positive integers
    log_sum = torch.logsumexp(torch.where(i < n.unsqueeze(-1), log_binom, -torch.inf), -1)
    return torch.exp(log_sum + (1 - s) * math.log(2.0)).clamp(max=1.0)


# --- separability ---------------------------------------------------------------------------------

def _points_and_labels(x, y) -> tuple[np.ndarray, np.ndarray, torch.device]:
    """Validate points (..., s, n) and labels (..., s) in NumPy float64 (cheap for large batches)."""
    device = x.device if isinstance(x, torch.Tensor) else torch.device("cpu")
    X = x.detach().cpu().double().numpy() if isinstance(x, torch.Tensor) else v.as_float_tensor("x", x).numpy()
    if X.size == 0 or not np.isfinite(X).all():
        raise ValueError(f"x must be a non-empty array of finite numbers, got shape {X.shape}")
    if X.ndim not in (2, 3):
        raise ValueError(f"x must have 2 or 3 dimension(s), got shape {X.shape}")
    if y is None:
        Y = np.ones(X.shape[:-1])
    else:
        Y = y.detach().cpu().double().numpy() if isinstance(y, torch.Tensor) else \
            v.as_float_tensor("y", y).numpy()
    if Y.shape != X.shape[:-1]:
        raise ValueError(f"y must have shape x.shape[:-1] = {X.shape[:-1]}, got {Y.shape}")
    if not (np.abs(Y) == 1).all():
        raise ValueError(f"y must hold labels -1 or +1, got {np.unique(Y).tolist()}")
    return X, Y, device


def separable_lp(x, y=None, *, affine: bool = False) -> bool:
    r"""Is one labelled data set linearly separable? One linear program (``scipy.optimize.linprog``, HiGHS).

    .. math:: \exists\,\mathbf w:\ y_i\,\mathbf x_i\cdot\mathbf w\ge1\ \ (i=1..s)

    ``x`` : points, shape ``(s, n)``; ``y`` : labels in {-1, +1}, shape ``(s,)`` (default all +1);
    ``affine`` : allow a bias (append a constant 1 to every point). Any strict separator can be
    scaled to margin 1, so feasibility of this LP is separability. This is the straightforward
    one-LP-per-data-set route; :func:`linearly_separable` decides many data sets at once.

    >>> separable_lp([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])  # all +1: 0 is in their convex hull
    False
    >>> separable_lp([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], [1, 1, -1])
    True
    """
    x, y, _ = _points_and_labels(x, y)
    affine = v.require_bool("affine", affine)
    if x.ndim != 2:
        raise ValueError(f"x must have 2 dimension(s), got shape {x.shape}")
    z = y[:, None] * x
    if affine:
        z = np.hstack([z, y[:, None]])
    res = linprog(np.zeros(z.shape[1]), A_ub=-z, b_ub=-np.ones(len(z)), bounds=[(None, None)] * z.shape[1],
                  method="highs")
    return res.status == 0


def _gordan_simplex(z: np.ndarray, tol: float = 1e-9, max_iter: int = 10_000):
    """Batched phase-1 simplex with Bland's rule for: lam >= 0, [Z^T; 1^T] lam = [0; 1].

    Feasible (optimal phase-1 value 0) exactly when 0 lies in the convex hull of the rows of Z.
    ``z`` : float64 array (B, s, n). Returns the optimal values (B,), the final tableaux
    (B, n+2, s+n+2) and the bases (B, n+1). NumPy, because a pivoting loop of many small array
    operations runs faster there than in torch on a CPU.
    """
    B, s, n = z.shape
    m, N = n + 1, s + n + 1  # equality rows; columns: s multipliers lam, then m artificials
    T = np.zeros((B, m + 1, N + 1))  # last row: reduced costs, last column: right-hand side
    T[:, :n, :s] = z.transpose(0, 2, 1)
    T[:, n, :s] = 1
    T[:, :m, s:N] = np.eye(m)
    T[:, n, N] = 1
    T[:, m, :s] = -T[:, :m, :s].sum(1)  # cost 1 on every artificial, priced out of the basis
    T[:, m, N] = -1
    basis = np.tile(np.arange(s, N), (B, 1))
    work = np.arange(B)  # the data sets still pivoting (compacted as they finish)
    Tw, bw = T.copy(), basis.copy()
    big = np.iinfo(np.int64).max
    for _ in range(max_iter):
        improving = Tw[:, m, :N] < -tol
        active = improving.any(1)
        if not active.all():  # write the finished ones back, keep pivoting the rest
            T[work[~active]], basis[work[~active]] = Tw[~active], bw[~active]
            work, Tw, bw, improving = work[active], Tw[active], bw[active], improving[active]
            if len(work) == 0:
                break
        rows = np.arange(len(work))
        q = improving.argmax(1)  # Bland: the first improving column enters
        col = Tw[rows, :m, q]  # (b, m)
        ok = col > tol
        ratio = np.where(ok, Tw[:, :m, N] / np.where(ok, col, 1.0), np.inf)
        tie = ratio <= ratio.min(1, keepdims=True) + tol
        r = np.where(tie & ok, bw, big).argmin(1)  # Bland: the smallest basic index among ties leaves
        pivot_row = Tw[rows, r] / col[rows, r][:, None]  # (b, N+1)
        Tw -= Tw[rows, :, q][:, :, None] * pivot_row[:, None, :]  # eliminate column q from every row
        Tw[rows, r] = pivot_row
        bw[rows, r] = q
    else:
        raise RuntimeError("simplex did not terminate")  # Bland's rule cannot cycle; only on NaN input
    return -T[:, m, N], T, basis


def linearly_separable(x, y=None, *, affine: bool = False) -> torch.Tensor:
    r"""Which of many labelled data sets are linearly separable: one batched, exact computation.

    .. math:: \exists\,\mathbf w:\ y_i\,\mathbf x_i\cdot\mathbf w>0\ \ \forall i
              \quad\Longleftrightarrow\quad \mathbf 0\notin\operatorname{conv}\{y_i\mathbf x_i\}
              \quad\text{(Gordan's alternative)}

    ``x`` : points, shape ``(B, s, n)`` (or ``(s, n)`` for one data set); ``y`` : labels in {-1, +1},
    shape ``x.shape[:-1]`` (default all +1); ``affine`` : allow a bias. Returns a bool tensor of
    shape ``(B,)`` (or a 0-d one).

    Method: the phase-1 simplex method (Bland's rule, which terminates) decides, for all B data sets
    in lockstep, whether 0 is a convex combination of the points :math:`\mathbf z_i=y_i\mathbf x_i`.
    Each answer is then certified: "not separable" by the multipliers
    :math:`\boldsymbol\lambda\ge0,\ \sum\lambda_i=1,\ \|\sum\lambda_i\mathbf z_i\|\le10^{-9}`
    read from the final basis (each coordinate of the :math:`\mathbf z_i` first divided by its largest
    magnitude, which changes no answer and makes the tolerances relative to the data), "separable" by the dual vector :math:`\mathbf w` read from the
    reduced costs, checked to give :math:`\min_i\mathbf z_i\cdot\mathbf w>0`. A data set whose
    certificate fails (near-degenerate input) is decided by :func:`separable_lp` instead. The
    pivoting runs in NumPy float64 on the CPU; the result is placed on the device of ``x``.

    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(300, 8, 4, generator=g, dtype=torch.float64)
    >>> y = torch.randint(0, 2, (300, 8), generator=g).double() * 2 - 1
    >>> batched = linearly_separable(x, y)
    >>> bool((batched == torch.tensor([separable_lp(a, b) for a, b in zip(x, y)])).all())
    True
    """
    x, y, device = _points_and_labels(x, y)
    affine = v.require_bool("affine", affine)
    single = x.ndim == 2
    if single:
        x, y = x[None], y[None]
    z = y[..., None] * x  # (B, s, n): separable iff z_i . w > 0 for all i
    if affine:
        z = np.concatenate([z, y[..., None]], -1)
    # separability is invariant under a positive rescaling of each coordinate (z_ij w_j = (z_ij / c_j)(c_j w_j)):
    # give every coordinate the largest entry 1, so the tolerances below are relative to the data
    col = np.abs(z).max(-2, keepdims=True)
    z = z / np.where(col > 0, col, 1.0)
    B, s, n = z.shape
    value, T, basis = _gordan_simplex(z)
    # certificate of "not separable": lam >= 0 summing to 1 with sum lam_i z_i = 0
    lam = np.zeros((B, s + n + 1))
    np.put_along_axis(lam, basis, T[:, :n + 1, -1], 1)
    lam = lam[:, :s].clip(min=0)
    residual = np.linalg.norm((lam[..., None] * z).sum(1), axis=-1)
    hull_ok = (lam.sum(1) > 0.5) & (residual <= 1e-9)
    # certificate of "separable": w = -(dual of the first n rows) = (reduced cost of artificial) - 1
    w = T[:, -1, s:s + n] - 1
    margin_ok = np.einsum("bsn,bn->bs", z, w).min(-1) > 0
    separable = value > 1e-9  # the phase-1 optimum is 0 (hull) or positive (separable)
    certified = np.where(separable, margin_ok, hull_ok)
    for b in np.flatnonzero(~certified):  # rare: near-degenerate input, decided by one LP
        separable[b] = separable_lp(z[b])
    separable = torch.from_numpy(separable).to(device)
    return separable[0] if single else separable


def separable_dichotomies(x, *, affine: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    r"""All :math:`2^s` labellings of the points ``x`` and which of them a linear separator realises.

    .. math:: \#\{\mathbf y\in\{\pm1\}^s:\ \exists\mathbf w\ \forall i\ y_i\,\mathbf x_i\cdot\mathbf w>0\}
              \overset{\text{general position}}{=}C(s,n)

    ``x`` : points, shape ``(s, n)`` with ``s <= 16``. Returns the labellings, shape ``(2**s, s)``,
    and a bool mask of the separable ones, shape ``(2**s,)``, decided in one batch by
    :func:`linearly_separable`.

    >>> x = torch.randn(6, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    >>> labels, ok = separable_dichotomies(x)
    >>> int(ok.sum()), cover_count(6, 3)
    (32, 32)
    """
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    v.require_ndim("x", x, 2)
    affine = v.require_bool("affine", affine)
    s = x.shape[0]
    if s > 16:
        raise ValueError(f"x must hold at most 16 points (2**s labellings), got {s}")
    labels = torch.tensor(list(itertools.product([1.0, -1.0], repeat=s)), dtype=x.dtype, device=x.device)
    return labels, linearly_separable(x.expand(len(labels), -1, -1), labels, affine=affine)


def random_separability(s_values, n: int, trials: int, *, generator: torch.Generator | None = None,
                        dtype=torch.float64) -> torch.Tensor:
    r"""Monte Carlo estimate of :math:`P(s,n)` for several ``s``: Gaussian points, uniform random labels.

    .. math:: \hat P(s,n)=\frac1{\text{trials}}\sum_{k=1}^{\text{trials}}
              \mathbf 1\big[\{(\mathbf x^{(k)}_i,y^{(k)}_i)\}_{i\le s}\ \text{linearly separable}\big]

    ``s_values`` : numbers of points; ``n`` : dimension; ``trials`` : data sets per ``s``;
    ``generator`` : the source of randomness (on the device where the data are drawn). For each
    ``s`` all ``trials`` data sets are decided in one call of :func:`linearly_separable`.
    Returns frequencies, shape
    ``(len(s_values),)``. Gaussian points are in general position with probability one.

    >>> g = torch.Generator().manual_seed(0)
    >>> [round(float(p), 2) for p in random_separability([5, 10, 30], 5, 200, generator=g)]
    [1.0, 0.5, 0.0]
    """
    if isinstance(s_values, (str, bytes)) or not hasattr(s_values, "__iter__"):
        raise ValueError(f"s_values must be a sequence of numbers of points, got {s_values!r}")
    s_list = [v.require_int("s_values", int(s) if isinstance(s, (np.integer, torch.Tensor)) else s, minimum=1)
              for s in s_values]
    if not s_list:
        raise ValueError("s_values must not be empty")
    n = v.require_int("n", n, minimum=1)
    trials = v.require_int("trials", trials, minimum=1)
    v.require_generator("generator", generator)
    if not v.require_dtype("dtype", dtype).is_floating_point:
        raise ValueError(f"dtype must be a floating dtype, got {dtype}")
    device = generator.device if generator is not None else None
    freq = []
    for s in s_list:  # one batched decision of all trials per s
        x = torch.randn(trials, s, n, generator=generator, dtype=dtype, device=device)
        y = torch.randint(0, 2, (trials, s), generator=generator, device=device).to(dtype) * 2 - 1
        freq.append(linearly_separable(x, y).to(dtype).mean())
    return torch.stack(freq)


def lift_features(x) -> torch.Tensor:
    r"""Cover's non-linear lifting of planar points by the product feature.

    .. math:: \varphi(x_1,x_2)=(x_1,\,x_2,\,x_1x_2)

    Book label: ``cover.nonlinear-lifting``. ``x`` : points, shape ``(..., 2)``. Returns shape
    ``(..., 3)``. XOR (label :math:`x_1x_2` on :math:`\{\pm1\}^2`) is not affinely separable in the
    plane but is in the lifted space, by the plane :math:`w=(0,0,1)`.

    >>> xor = torch.tensor([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]], dtype=torch.float64)
    >>> labels = xor[:, 0] * xor[:, 1]
    >>> bool(linearly_separable(xor, labels, affine=True)), bool(linearly_separable(lift_features(xor), labels))
    (False, True)
    """
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    if x.ndim == 0 or x.shape[-1] != 2:
        raise ValueError(f"x must have last dimension 2, got shape {tuple(x.shape)}")
    return torch.cat([x, (x[..., 0] * x[..., 1]).unsqueeze(-1)], -1)
