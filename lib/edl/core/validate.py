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
    try:
        t = torch.as_tensor(value)
        if t.is_floating_point() and not isinstance(value, torch.Tensor):
            t = torch.as_tensor(value, dtype=torch.float64)  # float32 would round a tiny negative to -0.0
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{name} must be a number or numeric array-like, got {_show(value)}") from err
    word = "positive" if strict else "non-negative"
    if t.numel() == 0 or t.dtype == torch.bool or torch.isnan(t.double()).any():
        raise ValueError(f"{name} must be {word}, got {_show(value)}")
    bad = (t <= 0) if strict else (t < 0)
    if bad.any():
        raise ValueError(f"{name} must be {word}, got {_show(value)}")


def require_int(name: str, value, *, minimum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer, got {_show(value)}")
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def require_in_range(name: str, value, low: float, high: float, *, closed: bool = True) -> None:
    """Every entry of ``value`` in [low, high] (or (low, high) with ``closed=False``)."""
    brackets = "[]" if closed else "()"
    try:
        t = torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{name} must lie in {brackets[0]}{low}, {high}{brackets[1]}, got {_show(value)}") from err
    ok = ((t >= low) & (t <= high)) if closed else ((t > low) & (t < high))
    if t.numel() == 0 or not ok.all():
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


# --- scalars, choices and the other kinds of argument --------------------------------------------------

def require_positive_scalar(name: str, value, *, strict: bool = True) -> float:
    """A finite real number > 0 (or >= 0 with ``strict=False``).

    >>> require_positive_scalar("lr", 0.1)
    0.1
    """
    x = require_scalar(name, value)
    if x <= 0 if strict else x < 0:
        raise ValueError(f"{name} must be {'positive' if strict else 'non-negative'}, got {value!r}")
    return x


def require_probability(name: str, value, *, open_low: bool = False, open_high: bool = False) -> float:
    """A number in [0, 1], with either end excluded on request (``open_high=True`` for a decay rate in [0, 1)).

    >>> require_probability("momentum", 0.9, open_high=True)
    0.9
    """
    x = require_scalar(name, value)
    if x < 0 or x > 1 or (open_low and x == 0) or (open_high and x == 1):
        interval = f"{'(' if open_low else '['}0, 1{')' if open_high else ']'}"
        raise ValueError(f"{name} must lie in {interval}, got {value!r}")
    return x


def require_bool(name: str, value) -> bool:
    """``True`` or ``False`` (a string such as ``"no"`` is truthy, so it is refused)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ValueError(f"{name} must be True or False, got {_show(value)}")
    return bool(value)


def require_choice(name: str, value, choices) -> None:
    """One of ``choices``."""
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}, got {_show(value)}")


def require_callable(name: str, value) -> None:
    """A function (or any callable)."""
    if not callable(value) or isinstance(value, (str, bytes)):
        raise ValueError(f"{name} must be callable, got {_show(value)}")


def require_generator(name: str, value) -> None:
    """None or a ``torch.Generator``."""
    if value is not None and not isinstance(value, torch.Generator):
        raise ValueError(f"{name} must be a torch.Generator or None, got {_show(value)}")


def require_dtype(name: str, value) -> torch.dtype:
    """A ``torch.dtype``."""
    if not isinstance(value, torch.dtype):
        raise ValueError(f"{name} must be a torch.dtype, got {_show(value)}")
    return value


def require_device(name: str, value) -> torch.device | None:
    """None, or a ``torch.device`` or its name (``"cpu"``, ``"cuda:0"``) that this machine has.

    >>> require_device("device", "cpu")
    device(type='cpu')
    """
    if value is None:
        return value
    try:
        found = value if isinstance(value, torch.device) else torch.device(value)
        torch.empty(0, device=found)  # a CUDA device on a machine without one fails here, not deep in a formula
    except (TypeError, ValueError, RuntimeError, AssertionError) as err:
        raise ValueError(f"{name} must name an available torch device, got {_show(value)}") from err
    return found


def require_min_ndim(name: str, t: torch.Tensor, ndim: int) -> None:
    """At least ``ndim`` dimensions (a function working along the last axis needs one)."""
    if t.ndim < ndim:
        raise ValueError(f"{name} must have at least {ndim} dimension(s), got shape {tuple(t.shape)}")


def require_shape(name: str, t: torch.Tensor, shape: tuple, *, match: str = "") -> None:
    """``t`` has ``shape``; ``None`` matches any size and a leading ``...`` any batch axes.

    ``match`` names the argument the expected shape comes from, so that a mismatch names both.

    >>> require_shape("W", torch.zeros(3, 2), (3, None))
    >>> require_shape("x", torch.zeros(4, 5, 2), (..., 2))
    >>> require_shape("y", torch.zeros(3), (4,), match="X")
    Traceback (most recent call last):
    ...
    ValueError: y must have shape (4,) to match X, got shape (3,)
    """
    tail = shape[1:] if shape and shape[0] is Ellipsis else shape
    batch = shape and shape[0] is Ellipsis
    ok = (t.ndim >= len(tail) if batch else t.ndim == len(tail)) and all(
        want is None or got == want for got, want in zip(t.shape[t.ndim - len(tail):], tail))
    if not ok:
        want = ", ".join("..." if d is Ellipsis else "any" if d is None else str(d) for d in shape)
        to = f" to match {match}" if match else ""
        raise ValueError(f"{name} must have shape ({want}{',' if len(shape) == 1 else ''}){to}, got shape {tuple(t.shape)}")


def require_broadcast(name: str, t: torch.Tensor, shape, *, to: str = "") -> None:
    """``t`` broadcasts to ``shape`` without changing it (a trailing extra axis is refused, not broadcast)."""
    shape = tuple(shape)
    try:
        ok = torch.broadcast_shapes(tuple(t.shape), shape) == shape
    except RuntimeError:
        ok = False
    if not ok:
        raise ValueError(f"{name} must broadcast to {to + ' ' if to else ''}shape {shape}, got shape {tuple(t.shape)}")


def broadcast_shapes(**tensors: torch.Tensor) -> tuple[int, ...]:
    """The common broadcast shape of named tensors, or a ``ValueError`` naming them all.

    >>> broadcast_shapes(a=torch.zeros(3, 1), b=torch.zeros(2))
    (3, 2)
    """
    try:
        return tuple(torch.broadcast_shapes(*(t.shape for t in tensors.values())))
    except RuntimeError as err:
        shapes = ", ".join(f"{n} {tuple(t.shape)}" for n, t in tensors.items())
        raise ValueError(f"{' and '.join(tensors)} must broadcast together, got shapes {shapes}") from err


def as_tensor_list(name: str, values, *, like: torch.Tensor | None = None, finite: bool = True) -> list[torch.Tensor]:
    """A non-empty list (or tuple) of floating tensors, each validated as ``name[i]``."""
    if isinstance(values, (str, bytes, torch.Tensor)) or not isinstance(values, Sequence):
        raise ValueError(f"{name} must be a list of arrays, got {_show(values)}")
    if len(values) == 0:
        raise ValueError(f"{name} must not be empty, got {_show(values)}")
    out = []
    for i, value in enumerate(values):
        t = as_float_tensor(f"{name}[{i}]", value, like=like)
        if finite:
            require_finite(f"{name}[{i}]", t)
        out.append(t)
    return out


def require_int_list(name: str, values, *, minimum: int | None = None) -> list[int]:
    """A non-empty sequence of integers (layer widths, numbers of points), each at least ``minimum``."""
    if isinstance(values, (str, bytes)) or not isinstance(values, (Sequence, np.ndarray, torch.Tensor)):
        raise ValueError(f"{name} must be a sequence of integers, got {_show(values)}")
    if len(values) == 0:
        raise ValueError(f"{name} must not be empty, got {_show(values)}")
    out = []
    for value in values:
        if isinstance(value, torch.Tensor) and value.ndim == 0 and value.dtype in _INT_DTYPES:
            value = int(value)
        out.append(require_int(name, value, minimum=minimum))
    return out


_INT_DTYPES = (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8)


def require_params(name: str, params) -> list:
    """Optimizer parameters: a non-empty iterable of floating tensors or of parameter-group dicts."""
    if isinstance(params, (torch.Tensor, str, bytes, dict)) or params is None:
        raise ValueError(f"{name} must be an iterable of tensors or of parameter groups, got {_show(params)}")
    try:
        items = list(params)
    except TypeError as err:
        raise ValueError(f"{name} must be an iterable of tensors or of parameter groups, got {_show(params)}") from err
    if not items:
        raise ValueError(f"{name} must not be empty, got {_show(params)}")
    for item in items:
        tensors = item.get("params", []) if isinstance(item, dict) else [item]
        tensors = [tensors] if isinstance(tensors, torch.Tensor) else list(tensors)
        for p in tensors:
            if not (isinstance(p, torch.Tensor) and p.is_floating_point()):
                raise ValueError(f"{name} must hold floating tensors, got {_show(p)}")
    return items
