"""Tests of edl.generative._util that pin what its mutants change: ``scalar`` returns a 0-dim finite
tensor in the dtype rule of ``fl`` and refuses anything with an axis, naming the argument."""

import pytest
import torch

from edl.generative import _util as ut

F32 = torch.float32


def test_scalar_returns_a_zero_dim_float64_tensor():
    """A Python number becomes a 0-dim float64 tensor holding the same value (2.5 is exact)."""
    t = ut.scalar("c", 2.5)
    assert isinstance(t, torch.Tensor) and t.shape == () and t.dtype == torch.float64 and float(t) == 2.5


def test_scalar_takes_the_dtype_of_like():
    """With a float32 ``like`` a Python number becomes float32; without it, float64."""
    assert ut.scalar("c", 0.5, like=torch.zeros(3, dtype=F32)).dtype == F32
    assert ut.scalar("c", 0.5, torch.zeros(3, dtype=F32)).dtype == F32


def test_scalar_refuses_a_vector_naming_the_argument_and_its_shape():
    """A one-element vector is not a single number: the message names ``c`` and the shape (1,)."""
    with pytest.raises(ValueError, match=r"^c must be a single number, got shape \(1,\)$"):
        ut.scalar("c", [1.0])
    with pytest.raises(ValueError, match=r"^c must be a single number, got shape \(2, 2\)$"):
        ut.scalar("c", torch.zeros(2, 2))


def test_scalar_refuses_an_infinite_value_naming_the_argument():
    """Finiteness is checked under the caller's name."""
    with pytest.raises(ValueError, match=r"^c must be finite"):
        ut.scalar("c", float("inf"))


@pytest.mark.parametrize("helper, value",
                         [(ut.fl, [0.5]), (ut.matrix, [[0.5]]), (ut.vector, [0.5]), (ut.positive, [0.5])])
def test_helpers_take_the_dtype_of_like(helper, value):
    """A list becomes float32 when ``like`` is float32, and float64 without it."""
    assert helper("a", value, like=torch.zeros(1, dtype=F32)).dtype == F32
    assert helper("a", value, torch.zeros(1, dtype=F32)).dtype == F32
    assert helper("a", value).dtype == torch.float64


def test_matrix_message_without_match_names_no_source():
    """Without ``match`` the shape message ends at the expected shape: no "to match" clause."""
    with pytest.raises(ValueError, match=r"^W must have shape \(3, any\), got shape \(2, 3\)$"):
        ut.matrix("W", torch.zeros(2, 3), rows=3)


def test_vector_message_without_match_names_no_source():
    """Without ``match`` the shape message ends at the expected shape: no "to match" clause."""
    with pytest.raises(ValueError, match=r"^b must have shape \(3,\), got shape \(2,\)$"):
        ut.vector("b", torch.zeros(2), n=3)
