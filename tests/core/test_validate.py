import math

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from edl.core import validate


def test_as_tensor_rejects_empty_nan_and_junk():
    with pytest.raises(ValueError, match="x must not be empty"):
        validate.as_tensor("x", [])
    with pytest.raises(ValueError, match="x must not contain NaN"):
        validate.as_tensor("x", [1.0, math.nan])
    with pytest.raises(ValueError, match="x must be numeric"):
        validate.as_tensor("x", ["a"])


def test_as_tensor_makes_integers_floating():
    assert validate.as_tensor("x", [1, 2]).is_floating_point()


@given(st.floats(max_value=0.0, allow_nan=False))
def test_require_positive_rejects_non_positive(value):
    with pytest.raises(ValueError, match="lam must be positive"):
        validate.require_positive("lam", value)


def test_require_positive_rejects_nan():
    with pytest.raises(ValueError, match="lam"):
        validate.require_positive("lam", math.nan)


@pytest.mark.parametrize("value", [0, -3, 2.5, True, "4"])
def test_require_int(value):
    with pytest.raises(ValueError, match="n must be"):
        validate.require_int("n", value, minimum=1)


def test_require_distribution():
    validate.require_distribution("p", torch.tensor([0.25, 0.75]))
    with pytest.raises(ValueError, match="p must sum to 1"):
        validate.require_distribution("p", torch.tensor([0.5, 0.6]))
    with pytest.raises(ValueError, match="p must be non-negative"):
        validate.require_distribution("p", torch.tensor([-0.5, 1.5]))


def test_shape_helpers():
    with pytest.raises(ValueError, match="x must have 2 dimension"):
        validate.require_ndim("x", torch.zeros(3), 2)
    with pytest.raises(ValueError, match="p and q must have the same shape"):
        validate.require_same_shape("p", torch.zeros(2), "q", torch.zeros(3))
    with pytest.raises(ValueError, match="p must lie in"):
        validate.require_in_range("p", 1.5, 0, 1)
    with pytest.raises(ValueError, match="t must be finite"):
        validate.require_scalar("t", math.inf)
