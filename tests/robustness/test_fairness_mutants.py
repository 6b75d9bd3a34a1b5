"""Edges of edl.robustness.fairness that its mutation run exposed: the messages for empty groups, bad labels
and shapes, the smallest number of score bins, and the shape of per-group score distributions."""

import pytest
import torch

from edl.robustness import fairness as fa

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def test_empty_groups_are_named_in_the_message():
    """A group without members, positives or negatives is named with what it lacks."""
    with pytest.raises(ValueError, match=r"^every group must contain members \(group 1\), got none$"):
        fa.group_rates(T([1.0, 0.0]), T([1.0, 0.0]), T([0.0, 0.0]))
    with pytest.raises(ValueError, match=r"^every group must contain positives \(group 0\), got none$"):
        fa.group_rates(T([1.0, 0.0, 1.0, 0.0]), T([0.0, 0.0, 1.0, 0.0]), T([0.0, 0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^every group must contain negatives \(group 0\), got none$"):
        fa.group_rates(T([1.0, 0.0, 1.0, 0.0]), T([1.0, 1.0, 1.0, 0.0]), T([0.0, 0.0, 1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^every group must contain members \(group 0\), got none$"):
        fa.demographic_parity_gap(T([1.0, 0.0]), T([1.0, 1.0]))
    with pytest.raises(ValueError, match=r"^every group must contain members \(group 1\), got none$"):
        fa.demographic_parity_gap(T([1.0, 0.0]), T([0.0, 0.0]))


def test_label_and_shape_messages():
    """Non-binary labels are shown (as a list when short, as a tensor from 20 entries); a is matched to decision."""
    with pytest.raises(ValueError, match=r"^a must hold 0 or 1, got \[0\.0(, 0\.0){17}, 2\.0\]$"):
        fa.demographic_parity_gap(torch.zeros(19, dtype=torch.float64), T([0.0] * 18 + [2.0]))
    with pytest.raises(ValueError, match=r"^a must hold 0 or 1, got tensor\("):
        fa.demographic_parity_gap(torch.zeros(20, dtype=torch.float64), T([0.0] * 19 + [2.0]))
    with pytest.raises(ValueError, match=r"^a must have shape \(4,\) to match decision, got shape \(3,\)$"):
        fa.group_rates(T([1.0, 0.0, 1.0, 1.0]), T([1.0, 0.0, 1.0, 0.0]), T([0.0, 0.0, 1.0]))
    with pytest.raises(ValueError, match=r"^p_pos must have shape \(2, any\), got shape \(3, 2\)$"):
        half = torch.full((3, 2), 0.5, dtype=torch.float64)
        fa.fair_decisions([0.3, 0.6], half, half)


def test_score_distributions_with_two_bins():
    """n_bins = 2 is the smallest valid number: two bins centred on 0 and 1."""
    pos, neg = fa.score_distributions(2, mean_pos=1.0, mean_neg=0.0, sd=1.0)
    e = torch.exp(T(-0.5))
    assert pos.tolist() == pytest.approx([float(e / (1 + e)), float(1 / (1 + e))], abs=1e-15)
    assert neg.tolist() == pytest.approx([float(1 / (1 + e)), float(e / (1 + e))], abs=1e-15)


def test_labels_take_the_float32_of_the_decision():
    """y and a given as lists become float32 like decision, where 1e39 overflows: refused as not finite."""
    d = torch.tensor([1.0, 0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"^y must be finite, got \[1\.0, 0\.0, 1\.0, inf\]$"):
        fa.group_rates(d, [1.0, 0.0, 1.0, 1e39], [0.0, 0.0, 1.0, 1.0])
    with pytest.raises(ValueError, match=r"^a must be finite, got \[0\.0, 0\.0, 1\.0, inf\]$"):
        fa.group_rates(d, [1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1e39])
    with pytest.raises(ValueError, match=r"^a must be finite, got \[0\.0, 0\.0, 1\.0, inf\]$"):
        fa.demographic_parity_gap(d, [0.0, 0.0, 1.0, 1e39])
