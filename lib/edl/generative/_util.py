"""Argument helpers shared by the topic modules of chapter 10, part 1 (not part of the book's API)."""

import torch

from edl.core import validate as v


def fl(name, value, like=None):
    """A finite floating tensor (float64 unless ``value`` is a floating tensor or ``like`` says otherwise)."""
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def matrix(name, value, like=None, rows=None, cols=None, match=""):
    t = fl(name, value, like)
    v.require_shape(name, t, (rows, cols), match=match)
    return t


def vector(name, value, like=None, n=None, match=""):
    t = fl(name, value, like)
    v.require_shape(name, t, (n,), match=match)
    return t


def scalar(name, value, like=None):
    t = fl(name, value, like)
    if t.ndim != 0:
        raise ValueError(f"{name} must be a single number, got shape {tuple(t.shape)}")
    return t


def positive(name, value, like=None):
    t = fl(name, value, like)
    v.require_positive(name, t)
    return t


def func(name, f):
    v.require_callable(name, f)
    return f


def generator(name, g):
    if not isinstance(g, torch.Generator):
        raise ValueError(f"{name} must be a torch.Generator, got {g!r}")
    return g
