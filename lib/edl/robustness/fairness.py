r"""Group fairness: demographic parity, equalised odds, equal opportunity, and the price of each.

Chapter 11, "Robustness, interpretability and fairness" (book labels ``fair.demographic-parity`` …
``fair.impossibility``). A decision :math:`\hat Y` may be randomised: ``decision`` holds
:math:`P(\hat Y=1)` for each individual (or each score bin), the label :math:`Y` and the protected
attribute :math:`A` are 0/1. The best randomised decisions under each criterion form a linear program
(solved with ``scipy.optimize.linprog``).
"""

import numpy as np
import scipy.optimize
import torch

from edl.core import validate as v

#: The criteria :func:`fair_decisions` can impose, and the rates each makes equal across the two groups.
CRITERIA = {"none": (), "demographic parity": ("rate",), "equal opportunity": ("tpr",),
            "equalized odds": ("tpr", "fpr"), "demographic parity + equalized odds": ("rate", "tpr", "fpr")}


def _binary(name: str, value, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, 1)
    v.require_finite(name, t)
    if not ((t == 0) | (t == 1)).all():
        raise ValueError(f"{name} must hold 0 or 1, got {t.tolist() if t.numel() < 20 else t}")
    return t


def _decision(decision) -> torch.Tensor:
    d = v.as_float_tensor("decision", decision)
    v.require_ndim("decision", d, 1)
    v.require_finite("decision", d)
    v.require_in_range("decision", d, 0.0, 1.0)
    return d


def _mean_where(x: torch.Tensor, mask: torch.Tensor, what: str) -> torch.Tensor:
    if not mask.any():
        raise ValueError(f"every group must contain {what}, got none")
    return x[mask].mean()


def group_rates(decision, y, a) -> dict[str, torch.Tensor]:
    r"""Positive rate, true-positive rate and false-positive rate of a (randomised) decision in each group.

    .. math:: P(\hat Y=1\mid A=a),\qquad\mathrm{TPR}_a=P(\hat Y=1\mid Y=1,A=a),\qquad
              \mathrm{FPR}_a=P(\hat Y=1\mid Y=0,A=a)

    Book labels: ``fair.demographic-parity``, ``fair.equalized-odds``, ``fair.equal-opportunity``.
    ``decision`` : ``(N,)`` in [0, 1]; ``y``, ``a`` : ``(N,)`` in {0, 1}, every group holding both labels.
    Returns ``{"rate", "tpr", "fpr"}``, each ``(2,)`` for groups 0 and 1.

    >>> r = group_rates([1.0, 0.0, 1.0, 1.0], [1, 0, 1, 0], [0, 0, 1, 1])
    >>> r["rate"].tolist(), r["tpr"].tolist(), r["fpr"].tolist()
    ([0.5, 1.0], [1.0, 1.0], [0.0, 1.0])
    """
    d = _decision(decision)
    y = _binary("y", y, like=d)
    a = _binary("a", a, like=d)
    v.require_shape("y", y, tuple(d.shape), match="decision")
    v.require_shape("a", a, tuple(d.shape), match="decision")
    out = {"rate": [], "tpr": [], "fpr": []}
    for g in (0, 1):
        in_g = a == g
        out["rate"].append(_mean_where(d, in_g, f"members (group {g})"))
        out["tpr"].append(_mean_where(d, in_g & (y == 1), f"positives (group {g})"))
        out["fpr"].append(_mean_where(d, in_g & (y == 0), f"negatives (group {g})"))
    return {k: torch.stack(val) for k, val in out.items()}


def demographic_parity_gap(decision, a) -> torch.Tensor:
    r"""The demographic-parity gap: how much the positive rate depends on the protected attribute.

    .. math:: \hat Y\perp A\iff\Delta_{DP}=\big|P(\hat Y=1\mid A=0)-P(\hat Y=1\mid A=1)\big|=0

    Book label: ``fair.demographic-parity``. ``decision`` : ``(N,)`` in [0, 1]; ``a`` : ``(N,)`` in {0, 1}.

    >>> float(demographic_parity_gap([1.0, 0.0, 1.0, 1.0], [0, 0, 1, 1]))
    0.5
    """
    d = _decision(decision)
    a = _binary("a", a, like=d)
    v.require_shape("a", a, tuple(d.shape), match="decision")
    return (_mean_where(d, a == 0, "members (group 0)") - _mean_where(d, a == 1, "members (group 1)")).abs()


def equalized_odds_gaps(decision, y, a) -> torch.Tensor:
    r"""The equalised-odds gaps: the differences of the true- and false-positive rates between the groups.

    .. math:: \hat Y\perp A\mid Y\iff|\mathrm{TPR}_0-\mathrm{TPR}_1|=|\mathrm{FPR}_0-\mathrm{FPR}_1|=0

    Book label: ``fair.equalized-odds``. Arguments as :func:`group_rates`. Returns ``(2,)``: TPR gap, FPR gap.

    >>> equalized_odds_gaps([1.0, 0.0, 1.0, 1.0], [1, 0, 1, 0], [0, 0, 1, 1]).tolist()
    [0.0, 1.0]
    """
    r = group_rates(decision, y, a)
    return torch.stack([(r["tpr"][0] - r["tpr"][1]).abs(), (r["fpr"][0] - r["fpr"][1]).abs()])


def equal_opportunity_gap(decision, y, a) -> torch.Tensor:
    r"""The equal-opportunity gap: the difference of the true-positive rates between the groups.

    .. math:: \hat Y\perp A\mid Y=1\iff|\mathrm{TPR}_0-\mathrm{TPR}_1|=0

    Book label: ``fair.equal-opportunity``. Arguments as :func:`group_rates`.

    >>> float(equal_opportunity_gap([1.0, 0.0, 0.0, 1.0], [1, 0, 1, 0], [0, 0, 1, 1]))
    1.0
    """
    r = group_rates(decision, y, a)
    return (r["tpr"][0] - r["tpr"][1]).abs()


# --- the best decisions under each criterion -----------------------------------------------------------

def score_distributions(n_bins=10, *, mean_pos=6.0, mean_neg=3.0, sd=1.8) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Score-bin distributions given the label, discretised Gaussians on the bins :math:`b=0,\dots,n-1`.

    .. math:: P(b\mid Y=1)\propto e^{-(b-\mu_+)^2/(2s^2)},\qquad P(b\mid Y=0)\propto e^{-(b-\mu_-)^2/(2s^2)}

    Book label: ``fair.impossibility``. ``n_bins`` : ≥ 2; ``mean_pos``, ``mean_neg`` : the centres;
    ``sd`` : > 0. Returns ``(p_pos, p_neg)``, each ``(n_bins,)`` summing to 1.

    >>> [round(x, 4) for x in score_distributions(3, mean_pos=2.0, mean_neg=0.0, sd=1.0)[0].tolist()]
    [0.0777, 0.3482, 0.5741]
    """
    n_bins = v.require_int("n_bins", n_bins, minimum=2)
    mean_pos = v.require_scalar("mean_pos", mean_pos)
    mean_neg = v.require_scalar("mean_neg", mean_neg)
    sd = v.require_positive_scalar("sd", sd)
    b = torch.arange(n_bins, dtype=torch.float64)
    pos, neg = torch.exp(-(b - mean_pos) ** 2 / (2 * sd**2)), torch.exp(-(b - mean_neg) ** 2 / (2 * sd**2))
    return pos / pos.sum(), neg / neg.sum()


def fair_decisions(base_rates, p_pos, p_neg, criterion="none", *, group_weights=(0.5, 0.5)) -> dict:
    r"""The most accurate randomised decisions per (group, score bin) under a fairness criterion, by LP.

    .. math:: \max_{d\in[0,1]^{2\times n}}\sum_a\pi_a\Big[p_a\,\mathrm{TPR}_a+(1-p_a)(1-\mathrm{FPR}_a)\Big],
              \quad\mathrm{TPR}_a=\sum_bP(b\mid1,a)\,d_{ab},\ \mathrm{FPR}_a=\sum_bP(b\mid0,a)\,d_{ab},

    subject to equal positive rates :math:`p_a\mathrm{TPR}_a+(1-p_a)\mathrm{FPR}_a` (demographic parity),
    equal TPR (equal opportunity), equal TPR and FPR (equalised odds), or parity and odds together. When
    the base rates :math:`p_a` differ, parity and odds together force :math:`\mathrm{TPR}=\mathrm{FPR}`,
    a decision independent of :math:`Y` (``fair.impossibility``). Book labels: ``fair.demographic-parity``,
    ``fair.equalized-odds``, ``fair.equal-opportunity``, ``fair.impossibility``. ``base_rates`` :
    :math:`(p_0,p_1)`; ``p_pos``, ``p_neg`` : ``(n,)`` or ``(2, n)`` score distributions given
    :math:`Y=1`, :math:`Y=0`; ``criterion`` : a key of :data:`CRITERIA`; ``group_weights`` : :math:`\pi_a`.
    Returns ``{"accuracy", "decision" (2, n), "rate", "tpr", "fpr"}``.

    >>> p_pos, p_neg = score_distributions()
    >>> round(fair_decisions([0.3, 0.6], p_pos, p_neg)["accuracy"], 4)
    0.8096
    """
    p = v.as_float_tensor("base_rates", base_rates)
    v.require_shape("base_rates", p, (2,))
    v.require_finite("base_rates", p)
    v.require_in_range("base_rates", p, 0.0, 1.0)
    pos = _distributions("p_pos", p_pos)
    neg = _distributions("p_neg", p_neg)
    if pos.shape != neg.shape:
        raise ValueError(f"p_pos and p_neg must have the same number of bins, "
                         f"got {tuple(pos.shape)} and {tuple(neg.shape)}")
    v.require_choice("criterion", criterion, tuple(CRITERIA))
    w = v.as_float_tensor("group_weights", group_weights)
    v.require_shape("group_weights", w, (2,))
    v.require_finite("group_weights", w)
    v.require_distribution("group_weights", w)
    p, pos, neg, w = (t.double().cpu().numpy() for t in (p, pos, neg, w))
    n = pos.shape[1]
    # accuracy = Σ_a π_a [(1 - p_a) + Σ_b d_ab (p_a P(b|1,a) - (1 - p_a) P(b|0,a))]
    gain = (w[:, None] * (p[:, None] * pos - (1 - p[:, None]) * neg)).ravel()
    constant = float((w * (1 - p)).sum())
    rows = {"tpr": pos, "fpr": neg, "rate": p[:, None] * pos + (1 - p[:, None]) * neg}
    A_eq = [np.concatenate([rows[r][0], -rows[r][1]]) for r in CRITERIA[criterion]]
    res = scipy.optimize.linprog(-gain, A_eq=np.array(A_eq) if A_eq else None,
                                 b_eq=np.zeros(len(A_eq)) if A_eq else None, bounds=[(0.0, 1.0)] * (2 * n), method="highs")
    d = np.clip(res.x, 0.0, 1.0).reshape(2, n)            # HiGHS may leave 1e-16 outside the bounds
    return {"accuracy": constant + float(gain @ d.ravel()), "decision": torch.as_tensor(d),
            **{r: torch.as_tensor((rows[r] * d).sum(1)) for r in rows}}


def _distributions(name: str, value) -> torch.Tensor:
    t = v.as_float_tensor(name, value)
    v.require_ndim(name, t, (1, 2))
    v.require_finite(name, t)
    if t.ndim == 1:
        t = t.expand(2, -1)
    v.require_shape(name, t, (2, None))
    v.require_distribution(name, t)
    return t
