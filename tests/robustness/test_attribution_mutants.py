"""Edges of edl.robustness.attribution that its mutation run exposed: float32 inputs next to array-likes,
the exact shape and value messages, the 20-player limit, and a model that reads every column."""

import pytest
import torch

from edl.robustness import attribution as ab

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
F32 = lambda v: torch.tensor(v, dtype=torch.float32)  # noqa: E731


def test_ceteris_paribus_keeps_the_other_features():
    """Every other column keeps x's value: a model summing all columns sees x_{-j} once, plus t."""
    out = ab.ceteris_paribus(lambda X: X.sum(-1), T([1.0, 2.0, 4.0]), 1, T([0.0, 10.0]))
    assert out.tolist() == [5.0, 15.0]


def test_missing_information_float32_and_messages():
    """float32 w with list mu, x, Sigma computes in float32; wrong ranks and shapes are named."""
    out = ab.missing_information(F32([1.0, 1.0]), [0.0, 0.0], [[1.0, 0.5], [0.5, 1.0]], [1.0, 0.0])
    assert out.dtype == torch.float32 and out.tolist() == [1.0, -0.5]
    w, mu, S, x = T([1.0, 1.0]), T([0.0, 0.0]), T([[1.0, 0.5], [0.5, 1.0]]), T([1.0, 0.0])
    with pytest.raises(ValueError, match=r"^mu must have 1 dimension\(s\), got shape \(1, 2\)$"):
        ab.missing_information(w, T([[0.0, 0.0]]), S, x)
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(1, 2\)$"):
        ab.missing_information(w, mu, S, T([[1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"^Sigma must have 2 dimension\(s\), got shape \(1, 2, 2\)$"):
        ab.missing_information(w, mu, S[None], x)
    with pytest.raises(ValueError, match=r"^x must have shape \(2,\) to match w, got shape \(3,\)$"):
        ab.missing_information(w, mu, S, T([1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match=r"^Sigma must have shape \(2, 2\) to match w, got shape \(3, 3\)$"):
        ab.missing_information(w, mu, torch.eye(3, dtype=torch.float64), x)


def test_conditional_mutual_information_needs_a_normalised_pmf():
    """The pmf must sum to 1 within 1e-9: an excess of 1e-7 is refused."""
    p = torch.full((2, 2, 2), 0.125, dtype=torch.float64)
    p[0, 0, 0] += 1e-7
    with pytest.raises(ValueError, match=r"^p must sum to 1 along its last axis"):
        ab.conditional_mutual_information(p, 0)


def test_coalitions_up_to_twenty_players_and_the_device_message():
    """n = 20 is the largest allowed: 2^20 masks; an unknown device is named."""
    masks = ab.coalitions(20)
    assert masks.shape == (2**20, 20) and int(masks[-1].sum()) == 20
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nowhere'$"):
        ab.coalitions(2, device="nowhere")


def test_shapley_values_messages():
    """With n = 3 the message gives 8 masks and 8 values; a non-finite game value is named value(S)."""
    with pytest.raises(ValueError, match=r"^value must map the \(8, 3\) masks to \(8,\) values, got "):
        ab.shapley_values(lambda S: S.double(), 3)
    with pytest.raises(ValueError, match=r"^value\(S\) must be finite, got \[0\.0, inf, 0\.0, inf\]$"):
        ab.shapley_values(lambda S: torch.where(S[:, 0], float("inf"), 0.0).double(), 2)


def test_interventional_value_and_sage_keep_float32():
    """A float32 x or X with list background and targets keeps the values (and attributions) in float32."""
    value = ab.interventional_value(lambda z: z.sum(-1), F32([1.0, 2.0]), [[0.0, 0.0], [2.0, 2.0]])
    out = value(ab.coalitions(2))
    assert out.dtype == torch.float32 and out.tolist() == [2.0, 2.0, 3.0, 3.0]
    X = F32([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    phi = ab.sage_values(lambda z: z @ torch.tensor([1.0, 2.0], dtype=z.dtype), X, [3.0, -3.0, -1.0, 1.0],
                         [[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    assert phi.dtype == torch.float32 and phi.tolist() == [1.0, 4.0]


def test_background_and_target_rank_messages():
    """background must be (B, n) and Y must be (N,), each named in its own message."""
    with pytest.raises(ValueError, match=r"^background must have 2 dimension\(s\), got shape \(2,\)$"):
        ab.interventional_value(lambda z: z.sum(-1), T([1.0, 2.0]), T([0.0, 0.0]))
    X = T([[1.0, 1.0], [-1.0, -1.0]])
    with pytest.raises(ValueError, match=r"^Y must have 1 dimension\(s\), got shape \(2, 1\)$"):
        ab.sage_values(lambda z: z.sum(-1), X, T([[1.0], [2.0]]), X)
    with pytest.raises(ValueError, match=r"^background must have 2 dimension\(s\), got shape \(2,\)$"):
        ab.sage_values(lambda z: z.sum(-1), X, T([1.0, 2.0]), T([0.0, 0.0]))


def test_ceteris_paribus_values_take_the_float32_of_x():
    """t given as a list becomes float32 like x, where 1e39 overflows: it is refused as not finite."""
    with pytest.raises(ValueError, match=r"^t must be finite, got \[0\.0, inf\]$"):
        ab.ceteris_paribus(lambda X: X.sum(-1), F32([1.0, 2.0]), 0, [0.0, 1e39])
