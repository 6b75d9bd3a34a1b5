"""Tests of edl.attention.positional."""

import math

import numpy as np
import pytest
import torch

from edl.attention import positional as pe


def test_frequencies_are_paired_and_decreasing():
    w = pe.sinusoidal_frequencies(16)
    assert len(w) == 8 and w[0].item() == 1.0 and w[-1].item() == pytest.approx(10 ** (-3.5), rel=1e-12)
    assert np.allclose((w[1:] / w[:-1]).numpy(), 10 ** (-0.5))
    assert pe.sinusoidal_frequencies(2).tolist() == [1.0]
    with pytest.raises(ValueError, match="even"):
        pe.sinusoidal_frequencies(5)
    with pytest.raises(ValueError, match="C must exceed 1"):
        pe.sinusoidal_frequencies(4, C=1.0)


def test_encoding_values_and_the_rotation():
    E = pe.sinusoidal_encoding(30, 8)
    assert E.shape == (30, 8) and E[0].tolist() == [0.0, 1.0] * 4
    assert E[3, 0].item() == pytest.approx(math.sin(3)) and E[3, 3].item() == pytest.approx(math.cos(0.3))
    for delta in (1, 5):
        R = pe.rotation_matrix(delta, 8)
        torch.testing.assert_close(E[:30 - delta] @ R.T, E[delta:], atol=1e-13, rtol=0)
    R = pe.rotation_matrix(0.7, 4, C=100.0)
    assert R[0, 1].item() == pytest.approx(math.sin(0.7)) and R[1, 0].item() == pytest.approx(-math.sin(0.7))
    assert R[2, 2].item() == pytest.approx(math.cos(0.07)) and R[0, 2].item() == 0.0


def test_add_and_concatenate_positions():
    X, E = torch.ones(2, 3, 2, dtype=torch.float64), torch.tensor([[0.5, 0.0], [0.0, 1.0], [2.0, 2.0]], dtype=torch.float64)
    assert pe.add_positions(X, E)[1].tolist() == [[1.5, 1.0], [1.0, 2.0], [3.0, 3.0]]
    cat = pe.add_positions(X, E[:, :1], mode="concat")
    assert cat.shape == (2, 3, 3) and cat[0, :, 2].tolist() == [0.5, 0.0, 2.0]
    with pytest.raises(ValueError, match="E must"):
        pe.add_positions(X, E[:2])
    with pytest.raises(ValueError, match="E must"):
        pe.add_positions(X, E[:2], mode="concat")
    with pytest.raises(ValueError, match="mode"):
        pe.add_positions(X, E, mode="sum")


def test_learned_positions_read_only_the_first_rows():
    table = torch.arange(8.0, dtype=torch.float64).reshape(4, 2)
    assert pe.learned_positions(torch.zeros(3, 2), table).tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
    assert pe.learned_positions(torch.zeros(4, 2), table).shape == (4, 2)
    with pytest.raises(ValueError, match="at most T_max = 4"):
        pe.learned_positions(torch.zeros(5, 2), table)


def test_relative_bias_is_toeplitz_clipped_and_shift_invariant():
    b = torch.tensor([-2.0, -1.0, 0.0, 1.0, 2.0], dtype=torch.float64)
    B = pe.relative_bias([0, 1, 2, 3], b)
    assert B.tolist() == [[0, -1, -2, -2], [1, 0, -1, -2], [2, 1, 0, -1], [2, 2, 1, 0]]
    assert pe.relative_bias([0, 1, 2, 3], b, clip=1).tolist()[3] == [1, 1, 1, 0]
    assert pe.relative_bias([0, 1, 2, 3], b, clip=0).abs().sum().item() == 0.0
    assert torch.equal(pe.relative_bias([7, 8, 9, 10], b), B)
    with pytest.raises(ValueError, match="odd length"):
        pe.relative_bias([0, 1], [1.0, 2.0])
    with pytest.raises(ValueError, match="clip must be at most"):
        pe.relative_bias([0, 1], b, clip=3)
    with pytest.raises(ValueError, match="whole numbers"):
        pe.relative_bias([0, 1.5], b)
    Q, K = torch.ones(2, 4, dtype=torch.float64), torch.ones(2, 4, dtype=torch.float64)
    assert pe.relative_scores(Q, K, [3, 4], b).tolist() == [[2.0, 1.0], [3.0, 2.0]]
    with pytest.raises(ValueError, match="positions"):
        pe.relative_scores(Q, K, [3, 4, 5], b)
