"""Unit tests of edl.robustness.fairness: group rates, gaps and the fairness LPs (H11.3)."""

import pytest
import torch

from edl.robustness import fairness as fa

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def test_group_rates_and_gaps():
    r = fa.group_rates(T([1.0, 0.0, 1.0, 1.0]), T([1, 0, 1, 0]), T([0, 0, 1, 1]))
    assert r["rate"].tolist() == [0.5, 1.0] and r["tpr"].tolist() == [1.0, 1.0] and r["fpr"].tolist() == [0.0, 1.0]
    soft = fa.group_rates(T([0.5, 0.25, 1.0, 0.0, 0.5, 0.5]), T([1, 0, 1, 1, 0, 0]), T([0, 0, 0, 1, 1, 1]))
    assert soft["rate"].tolist() == pytest.approx([1.75 / 3, 1 / 3]) and soft["tpr"].tolist() == [0.75, 0.0]
    assert soft["fpr"].tolist() == [0.25, 0.5]
    assert float(fa.demographic_parity_gap(T([1.0, 0.0, 1.0, 1.0]), T([0, 0, 1, 1]))) == 0.5
    assert float(fa.demographic_parity_gap(T([1.0, 1.0, 0.0, 1.0]), T([0, 0, 1, 1]))) == 0.5
    assert fa.equalized_odds_gaps(T([1.0, 0.0, 1.0, 1.0]), T([1, 0, 1, 0]), T([0, 0, 1, 1])).tolist() == [0.0, 1.0]
    assert fa.equalized_odds_gaps(T([1.0, 0.0, 0.0, 1.0]), T([1, 0, 1, 0]), T([0, 0, 1, 1])).tolist() == [1.0, 1.0]
    assert float(fa.equal_opportunity_gap(T([1.0, 0.0, 0.0, 1.0]), T([1, 0, 1, 0]), T([0, 0, 1, 1]))) == 1.0
    with pytest.raises(ValueError, match="every group must contain"):
        fa.group_rates(T([1.0, 0.0]), T([1, 1]), T([0, 1]))
    with pytest.raises(ValueError, match="a must hold 0 or 1"):
        fa.demographic_parity_gap(T([1.0, 0.0]), T([0, 2]))


def test_score_distributions():
    pos, neg = fa.score_distributions(3, mean_pos=2.0, mean_neg=0.0, sd=1.0)
    assert [round(x, 4) for x in pos.tolist()] == [0.0777, 0.3482, 0.5741]
    assert [round(x, 4) for x in neg.tolist()] == [0.5741, 0.3482, 0.0777]
    pos, neg = fa.score_distributions()
    assert pos.shape == (10,) and float(pos.sum()) == pytest.approx(1.0, abs=1e-15) and int(pos.argmax()) == 6 and int(neg.argmax()) == 3


def test_fair_decisions_headline_values():
    pos, neg = fa.score_distributions()
    acc = {c: round(fa.fair_decisions([0.3, 0.6], pos, neg, c)["accuracy"], 4) for c in fa.CRITERIA}
    assert acc == {"none": 0.8096, "demographic parity": 0.7586, "equal opportunity": 0.7959, "equalized odds": 0.7959,
                   "demographic parity + equalized odds": 0.55}
    eo = fa.fair_decisions([0.3, 0.6], pos, neg, "equalized odds")
    assert [round(x, 4) for x in eo["tpr"].tolist()] == [0.7959, 0.7959] and [round(x, 4) for x in eo["fpr"].tolist()] == [0.2041, 0.2041]
    both = fa.fair_decisions([0.3, 0.6], pos, neg, "demographic parity + equalized odds")
    assert both["tpr"].tolist() == pytest.approx([0.0, 0.0], abs=1e-9) and both["decision"].shape == (2, 10)
    weighted = fa.fair_decisions([0.3, 0.6], pos, neg, "none", group_weights=[1.0, 0.0])
    assert weighted["accuracy"] == pytest.approx(float(torch.maximum(0.3 * pos, 0.7 * neg).sum()), abs=1e-12)
    per_group = fa.fair_decisions([0.3, 0.6], torch.stack([pos, pos]), torch.stack([neg, neg]), "none")
    assert per_group["accuracy"] == pytest.approx(0.8096, abs=1e-4)
    with pytest.raises(ValueError, match="p_pos and p_neg must have the same number of bins"):
        fa.fair_decisions([0.3, 0.6], pos, neg[:5] / neg[:5].sum())
    with pytest.raises(ValueError, match="criterion must be one of"):
        fa.fair_decisions([0.3, 0.6], pos, neg, "calibration")
