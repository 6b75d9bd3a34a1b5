"""Tests of edl.attention.positional that pin what its mutants change: dtypes taken from the tokens, exact
error messages, batched tables, and integer positions read exactly (beyond float32's 2**24)."""

import pytest
import torch

from edl.attention import positional as pe

D, F32 = torch.float64, torch.float32


def test_add_positions_reads_a_list_encoding_in_the_dtype_of_x():
    """A float32 X makes a list E float32, so X + E stays float32 (2-token hand example)."""
    X = torch.tensor([[1.0], [2.0]], dtype=F32)
    out = pe.add_positions(X, [[0.5], [0.25]])
    assert out.dtype == F32 and out.tolist() == [[1.5], [2.25]]


def test_add_positions_concat_message_names_x_rows():
    """Concatenation needs one row of E per token; the message names X's rows as the source."""
    with pytest.raises(ValueError, match=r"^E must have shape \(3, any\) to match X's rows, got shape \(2, 1\)$"):
        pe.add_positions(torch.zeros(3, 2, dtype=D), [[1.0], [2.0]], mode="concat")


def test_learned_positions_reads_a_list_table_in_the_dtype_of_x():
    """A float32 X makes a list table float32; only the first T rows are added (hand example)."""
    out = pe.learned_positions(torch.tensor([[1.0, 1.0]], dtype=F32), [[0.5, -0.5], [7.0, 7.0]])
    assert out.dtype == F32 and out.tolist() == [[1.5, 0.5]]


def test_learned_positions_matches_the_width_of_a_batched_x():
    """X of shape (2, 3, 2): the table's width must be X's last axis (2), not its token axis (3)."""
    X = torch.arange(12.0, dtype=D).reshape(2, 3, 2)
    table = torch.tensor([[0.5, -0.5], [1.0, 2.0], [3.0, 4.0], [9.0, 9.0]], dtype=D)
    out = pe.learned_positions(X, table)
    torch.testing.assert_close(out, X + table[None, :3], atol=0, rtol=0)
    with pytest.raises(ValueError, match=r"^table must have shape \(any, 2\) to match X's width, got shape \(4, 3\)$"):
        pe.learned_positions(X, torch.zeros(4, 3, dtype=D))


def test_relative_bias_reads_integer_positions_exactly_beyond_float32():
    """Positions 2**24 and 2**24 + 1 are one apart; in float32 they would round to the same number."""
    B = pe.relative_bias([2**24, 2**24 + 1], [-1.0, 0.0, 1.0])
    assert B.tolist() == [[0.0, -1.0], [1.0, 0.0]]


def test_relative_scores_reads_lists_in_the_dtype_of_q():
    """A float32 Q makes list keys and biases float32: the result is float32 (hand example, d = 1)."""
    Q = torch.tensor([[1.0], [0.0]], dtype=F32)
    out = pe.relative_scores(Q, [[2.0], [1.0]], [5, 6], [-1.0, 0.0, 1.0])
    assert out.dtype == F32
    assert out.tolist() == [[2.0, 0.0], [1.0, 0.0]]


def test_relative_scores_positions_message():
    """Three positions for two tokens: the message names positions and Q's rows."""
    with pytest.raises(ValueError, match=r"^positions must have shape \(2, 2\) to match Q's rows, got shape \(3, 3\)$"):
        pe.relative_scores(torch.zeros(2, 1, dtype=D), torch.zeros(2, 1, dtype=D), [0, 1, 2], [-1.0, 0.0, 1.0])



def test_sinusoidal_frequencies_accept_any_base_above_one():
    """C = 1.5 exceeds 1, so it is accepted: omega = (1, 1.5^(-1/2)) for d = 4."""
    w = pe.sinusoidal_frequencies(4, C=1.5)
    torch.testing.assert_close(w, torch.tensor([1.0, 1.5 ** -0.5], dtype=D), atol=1e-15, rtol=0)


def test_sinusoidal_frequencies_name_device_in_their_message():
    """An unknown device name is refused with a message naming the argument device."""
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'no-such-device'$"):
        pe.sinusoidal_frequencies(4, device="no-such-device")


def test_sinusoidal_encoding_of_a_single_position():
    """T = 1 is allowed: position 0 encodes as sin 0 = 0, cos 0 = 1 in every pair."""
    assert pe.sinusoidal_encoding(1, 4).tolist() == [[0.0, 1.0, 0.0, 1.0]]
