"""Edge cases of edl.recurrent.autoregressive that its mutation run exposed: MADE's smallest input size and the
range of degrees named in its error message."""

import pytest

from edl.recurrent import autoregressive as ar


def test_made_masks_of_two_inputs():
    """n = 2 is the smallest MADE: the single degree 1 unit sees x_1 and feeds output 2 only."""
    M1, M2 = ar.made_masks(2, [1])
    assert M1.tolist() == [[1.0, 0.0]] and M2.tolist() == [[0.0], [1.0]]


def test_made_masks_names_the_valid_degrees():
    """With n = 3 inputs the degrees lie in 1..2, and the message says so."""
    with pytest.raises(ValueError, match=r"^degrees must lie in 1\.\.2, got \[3\]$"):
        ar.made_masks(3, [3])
