"""Edge cases of edl.recurrent.gates that its mutation run exposed: 3-D forget gates, lag 0 of the forget
memory, and the recurrent bias of the candidate in the textbook ("before") GRU."""

import math

import pytest
import torch

from edl.recurrent import gates as ga


def test_cell_path_gain_of_three_dimensional_gates_multiplies_along_time():
    """f (T, B, m) = (2, 1, 2) is valid: the gain is the running product over the first axis only."""
    out = ga.cell_path_gain([[[0.5, 1.0]], [[0.5, 0.25]]])
    assert out.tolist() == [[[0.5, 1.0]], [[0.25, 0.25]]]


def test_forget_memory_at_lag_zero_is_one():
    """T = 0 is the smallest lag: dC_0/dC_0 = 1, whatever the bias."""
    assert ga.forget_memory(-3.0, 0).tolist() == [1.0]


def test_gru_before_adds_the_recurrent_bias_of_the_candidate_unscaled():
    """Textbook GRU, one scalar step from h_0 = 0, W_hh = 0, W_ih = (0, 0, 1), x = 1, b_hh = (0, 0, 0.5):
    n = tanh(1 + W_hn (r h_0) + 0.5) = tanh(1.5) and z = sigmoid(0) = 1/2, so h_1 = tanh(1.5) / 2; the second
    step (x = 0) gives r = z = 1/2, n = tanh(0 + 0 + 0.5), h_2 = n / 2 + h_1 / 2."""
    out = ga.gru_forward([[[1.0]], [[0.0]]], [[0.0], [0.0], [1.0]], [[0.0]] * 3, [0.0] * 3, [0.0, 0.0, 0.5],
                         reset="before")
    h1 = math.tanh(1.5) / 2
    h2 = math.tanh(0.5) / 2 + h1 / 2
    assert out.flatten().tolist() == pytest.approx([h1, h2], abs=1e-15)
