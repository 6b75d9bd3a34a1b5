"""Edge cases of edl.recurrent.stacked that its mutation run exposed: the backward layer of a bidirectional
network reads x too, and its shape error says so; a deep network names the layer below and the input matrix that
fix the expected shapes."""

import pytest
import torch

from edl.recurrent import stacked as st


def test_bidirectional_backward_input_matrix_is_matched_to_x():
    """W_ih_rev must have as many columns as x has features (2 here): the message names x as the source."""
    x = torch.zeros(3, 1, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^W_ih_rev must have shape \(1, 2\) to match x, got shape \(1, 3\)$"):
        st.bidirectional_forward(x, [[1.0, 0.0]], [[0.5]], [0.0], [[1.0, 0.0, 0.0]], [[0.5]], [0.0])


def test_deep_rnn_messages_name_the_layer_below_and_the_input_matrix():
    """Layer 1's input matrix must have as many columns as layer 0 has units (2): the message names layer 0 as
    the source; a bias's length comes from the layer's input matrix, which its message names."""
    x = torch.zeros(3, 1, 1, dtype=torch.float64)
    W0, H0, b0 = [[1.0], [0.5]], [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0]
    with pytest.raises(ValueError, match=r"^weights_ih\[1\] must have shape \(1, 2\) to match layer 0, "
                                         r"got shape \(1, 3\)$"):
        st.deep_rnn_forward(x, [W0, [[1.0, 1.0, 1.0]]], [H0, [[0.0]]], [b0, [0.0]])
    with pytest.raises(ValueError, match=r"^biases\[0\] must have shape \(2,\) to match weights_ih\[0\], "
                                         r"got shape \(1,\)$"):
        st.deep_rnn_forward(x, [W0], [H0], [[0.0]])
