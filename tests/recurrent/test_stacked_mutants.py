"""Edge cases of edl.recurrent.stacked that its mutation run exposed: the backward layer of a bidirectional
network reads x too, and its shape error says so."""

import pytest
import torch

from edl.recurrent import stacked as st


def test_bidirectional_backward_input_matrix_is_matched_to_x():
    """W_ih_rev must have as many columns as x has features (2 here): the message names x as the source."""
    x = torch.zeros(3, 1, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^W_ih_rev must have shape \(1, 2\) to match x, got shape \(1, 3\)$"):
        st.bidirectional_forward(x, [[1.0, 0.0]], [[0.5]], [0.0], [[1.0, 0.0, 0.0]], [[0.5]], [0.0])
