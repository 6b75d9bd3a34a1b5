"""Validation shared by chapter 8's formula modules (private: the bad-input sweep reaches it through them)."""

import torch

from edl.core import validate as v


def tensor(name: str, value, ndim=None, like: torch.Tensor | None = None) -> torch.Tensor:
    """A finite floating tensor (float64 unless ``value`` is a floating tensor or ``like`` says otherwise)."""
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def positive(name: str, value, *, strict: bool = True) -> float:
    """A finite real number > 0 (>= 0 with ``strict=False``)."""
    return v.require_positive_scalar(name, value, strict=strict)


def require_gen(name: str, value) -> torch.Generator:
    """A ``torch.Generator`` (required: the chapter's random functions never use hidden global state)."""
    if not isinstance(value, torch.Generator):
        raise ValueError(f"{name} must be a torch.Generator, got {value!r}"[:200])
    return value


def dtype_device(dtype, device):
    """A floating dtype and a device (or None)."""
    dtype = v.require_dtype("dtype", dtype)
    if not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating torch dtype, got {dtype!r}")
    device = v.require_device("device", device)
    if device is not None:
        try:
            torch.empty(0, device=device)
        except (RuntimeError, AssertionError) as err:
            raise ValueError(f"device must name an available torch device, got {device!r}") from err
    return dtype, device
