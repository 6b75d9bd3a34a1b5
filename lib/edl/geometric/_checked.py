"""Input validation shared by the chapter 7 modules: graphs, node features, permutations, callables.

Every helper raises a ``ValueError`` naming the argument and echoing its value (see :mod:`edl.core.validate`).
"""

import torch

from edl.core import validate as v


def matrix(name: str, value, *, like: torch.Tensor | None = None, square: bool = False) -> torch.Tensor:
    """A finite floating 2-D tensor (square if asked)."""
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, 2)
    v.require_finite(name, t)
    if square and t.shape[0] != t.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {tuple(t.shape)}")
    return t


def adjacency(name: str, value, *, like: torch.Tensor | None = None, loops: bool = False) -> torch.Tensor:
    """The adjacency matrix of an undirected simple graph: square, symmetric, entries 0 or 1, zero diagonal."""
    A = matrix(name, value, like=like, square=True)
    if not ((A == 0) | (A == 1)).all():
        raise ValueError(f"{name} must hold only 0 and 1, got {v._show(A.tolist() if A.numel() < 40 else A)}")
    if not torch.equal(A, A.T):
        raise ValueError(f"{name} must be symmetric (an undirected graph), got {v._show(A.tolist())}")
    if not loops and bool(A.diagonal().any()):
        raise ValueError(f"{name} must have a zero diagonal (no self-loops), got diagonal {A.diagonal().tolist()}")
    return A


def symmetric(name: str, value, *, like: torch.Tensor | None = None) -> torch.Tensor:
    """A finite real symmetric matrix (a Laplacian, a propagation operator)."""
    S = matrix(name, value, like=like, square=True)
    scale = max(float(S.abs().max()), 1.0)
    if not torch.allclose(S, S.T, atol=1e-10 * scale, rtol=0):
        raise ValueError(f"{name} must be symmetric, got {v._show(S.tolist())}")
    return S


def features(name: str, value, rows: int, *, like: torch.Tensor | None = None, match: str = "A") -> torch.Tensor:
    """Node features: a finite ``(rows, N)`` tensor, one row per node."""
    X = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, X, 2)
    v.require_finite(name, X)
    v.require_shape(name, X, (rows, None), match=match)
    return X


def signal(name: str, value, rows: int, *, like: torch.Tensor | None = None, match: str = "L") -> torch.Tensor:
    """A graph signal: a finite ``(rows,)`` vector, one value per node."""
    x = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, x, 1)
    v.require_finite(name, x)
    v.require_shape(name, x, (rows,), match=match)
    return x


def permutation(name: str, value, size: int | None = None, *, device=None) -> torch.Tensor:
    """A permutation of ``0, ..., M-1`` as a 1-D integer tensor (``perm[j]`` is where element ``j`` goes)."""
    if isinstance(value, (str, bytes)) or value is None or isinstance(value, bool):
        raise ValueError(f"{name} must be a permutation of 0..M-1, got {v._show(value)}")
    try:
        t = torch.as_tensor(value)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{name} must be a permutation of 0..M-1, got {v._show(value)}") from err
    if t.ndim != 1 or t.numel() == 0 or t.is_complex():
        raise ValueError(f"{name} must be a non-empty 1-D permutation of 0..M-1, got {v._show(value)}")
    d = t.double()
    if not (torch.isfinite(d).all() and (d == d.round()).all()):
        raise ValueError(f"{name} must hold whole numbers, got {v._show(value)}")
    t = d.long()
    if not torch.equal(t.sort().values.cpu(), torch.arange(t.numel())):
        raise ValueError(f"{name} must be a permutation of 0..{t.numel() - 1}, got {v._show(value)}")
    if size is not None and t.numel() != size:
        raise ValueError(f"{name} must permute {size} elements, got {t.numel()}: {v._show(value)}")
    return t.to(device) if device is not None else t


def function(name: str, value):
    v.require_callable(name, value)
    return value


def output(name: str, t) -> torch.Tensor:
    """The result of a user-supplied callable: a finite tensor."""
    if not isinstance(t, torch.Tensor):
        raise ValueError(f"{name} must return a tensor, got {v._show(t)}")
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} must return finite values, got {v._show(t.tolist() if t.numel() < 20 else t)}")
    return t
