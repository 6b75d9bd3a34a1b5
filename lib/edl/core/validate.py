"""Validation at public boundaries: every failure is a ``ValueError`` naming the argument and its value."""

import math
from collections.abc import Sequence

import numpy as np
import torch


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


def as_tensor(name: str, value, *, dtype=None, device=None) -> torch.Tensor:
    """Convert ``value`` to a floating tensor, rejecting empty input and NaNs."""
    try:
        t = torch.as_tensor(value, dtype=dtype, device=device)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{name} must be numeric array-like, got {_show(value)}") from err
    if not (t.is_floating_point() or t.is_complex()):
        t = t.to(torch.get_default_dtype() if dtype is None else dtype)
    if t.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(t.shape)}")
    if torch.isnan(t).any():
        raise ValueError(f"{name} must not contain NaN, got {_show(value)}")
    return t


def require_ndim(name: str, t: torch.Tensor, ndim: int | Sequence[int]) -> None:
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if t.ndim not in allowed:
        raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimension(s), got shape {tuple(t.shape)}")


def require_same_shape(name_a: str, a: torch.Tensor, name_b: str, b: torch.Tensor) -> None:
    if a.shape != b.shape:
        raise ValueError(f"{name_a} and {name_b} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}")


def require_finite(name: str, t: torch.Tensor) -> None:
    if not torch.isfinite(t).all():
        raise ValueError(f"{name} must be finite, got {_show(t.tolist() if t.numel() < 20 else t)}")


def require_positive(name: str, value, *, strict: bool = True) -> None:
    """Scalar or tensor must be > 0 (or >= 0 with ``strict=False``)."""
    t = torch.as_tensor(value)
    if t.numel() == 0 or torch.isnan(t.double()).any():
        raise ValueError(f"{name} must be {'positive' if strict else 'non-negative'}, got {_show(value)}")
    bad = (t <= 0) if strict else (t < 0)
    if bad.any():
        raise ValueError(f"{name} must be {'positive' if strict else 'non-negative'}, got {_show(value)}")


def require_int(name: str, value, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {_show(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def require_in_range(name: str, value, low: float, high: float, *, closed: bool = True) -> None:
    """Every entry of ``value`` in [low, high] (or (low, high) with ``closed=False``)."""
    t = torch.as_tensor(value, dtype=torch.float64)
    ok = ((t >= low) & (t <= high)) if closed else ((t > low) & (t < high))
    if t.numel() == 0 or not ok.all():
        brackets = "[]" if closed else "()"
        raise ValueError(f"{name} must lie in {brackets[0]}{low}, {high}{brackets[1]}, got {_show(value)}")


def require_distribution(name: str, p: torch.Tensor, *, atol: float = 1e-6) -> None:
    """``p`` is a probability vector (or a batch of them along the last axis)."""
    if (p < 0).any():
        raise ValueError(f"{name} must be non-negative, got {_show(p.tolist() if p.numel() < 20 else p)}")
    total = p.sum(-1)
    if not torch.allclose(total, torch.ones_like(total), atol=atol, rtol=0):
        raise ValueError(f"{name} must sum to 1 along its last axis, got sums {_show(total.tolist())}")


def require_scalar(name: str, value) -> float:
    """A finite real number."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a real number, got {value!r}")
    try:
        x = float(value)
    except (TypeError, ValueError) as err:
        raise ValueError(f"{name} must be a real number, got {_show(value)}") from err
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return x


def as_float_tensor(name: str, value, *, like: torch.Tensor | None = None) -> torch.Tensor:
    """Like :func:`as_tensor`, but with the book's dtype rule for formula functions.

    A floating tensor keeps its dtype and device; anything else (Python numbers, lists, numpy
    arrays, integer tensors) becomes float64, or takes the dtype and device of ``like`` if given.

    >>> as_float_tensor("x", [1, 2]).dtype
    torch.float64
    >>> as_float_tensor("mu", 0.5, like=torch.zeros(2, dtype=torch.float32)).dtype
    torch.float32
    """
    if isinstance(value, torch.Tensor) and value.is_floating_point():
        return as_tensor(name, value)
    if like is not None:
        return as_tensor(name, value, dtype=like.dtype, device=like.device)
    device = value.device if isinstance(value, torch.Tensor) else None
    return as_tensor(name, value, dtype=torch.float64, device=device)


def require_integer_valued(name: str, t: torch.Tensor, *, minimum: float | None = None) -> None:
    """Every entry of ``t`` is a whole number (and at least ``minimum`` if given)."""
    whole = torch.isfinite(t) & (t == torch.round(t))
    if not whole.all() or (minimum is not None and (t < minimum).any()):
        low = "" if minimum is None else f" >= {minimum:g}"
        raise ValueError(f"{name} must hold whole numbers{low}, got {_show(t.tolist() if t.numel() < 20 else t)}")


def require_covariance(name: str, t: torch.Tensor, *, strict: bool = True) -> None:
    """``t`` is a symmetric positive definite (or, with ``strict=False``, semi-definite) square matrix."""
    if t.ndim != 2 or t.shape[0] != t.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {tuple(t.shape)}")
    require_finite(name, t)
    scale = float(t.abs().max())
    if not torch.allclose(t, t.T, atol=1e-8 * max(scale, 1.0), rtol=0):
        raise ValueError(f"{name} must be symmetric, got {_show(t.tolist())}")
    ok = torch.linalg.cholesky_ex(t).info == 0 if strict else \
        bool(torch.linalg.eigvalsh(t).min() >= -1e-10 * max(scale, 1.0))
    if not ok:
        kind = "positive definite" if strict else "positive semi-definite"
        raise ValueError(f"{name} must be {kind}, got {_show(t.tolist())}")
