"""The chapter's checks pass, its errata fail, and each check without an erratum fails on a plausible wrong
version of its formula (a check that cannot fail is worse than none)."""

import math
import time

import pytest
import torch

from edl.core.ledger import registry
from edl.robustness import attribution as ab
from edl.robustness import defenses as df
from edl.robustness import fairness as fa
from edl.robustness.checks import attacks as ca
from edl.robustness.checks import attribution as cb
from edl.robustness.checks import defenses as cd
from edl.robustness.checks import fairness as cf
from edl.robustness.checks import pgd as cp

PREFIXES = ("adv.", "interp.", "fair.")


def _ours(entries):
    return {k: e for k, e in entries.items() if (getattr(e, "id", k)).startswith(PREFIXES)}


def test_every_id_is_registered_and_passes_quickly():
    formulas = _ours(registry.formula_entries())
    assert len(formulas) == 26
    start = time.perf_counter()
    failed = [id for id in formulas if not registry.run_formula(id)[0].passed]
    assert not failed
    assert time.perf_counter() - start < 30          # ~12 s on an idle core


def test_every_erratum_fails_its_check():
    errata = _ours(registry.errata_entries())
    assert len(errata) == 12
    assert not [k for k in errata if registry.run_erratum(k)[0].passed]


def _no_budget(f, x, delta, y, *, eps, p, target=None):
    return f(x + delta).argmax(-1) != torch.as_tensor(y)


def _squared_radius(r, x):
    return ((r**2).sum(-1) / (x**2).sum(-1)).mean()


WRONG = {
    "adv.definition": lambda: ca.check_definition(adversarial=_no_budget),
    "adv.p-norms": lambda: ca.check_p_norms(norm=lambda x, p: (x.abs() ** p).sum(-1) if p not in (0, math.inf) else
                                            ca.at.p_norm(x, p)),
    "adv.robustness-measure": lambda: ca.check_robustness_measure(measure=_squared_radius),
    "adv.fgsm (no sign)": lambda: cp.check_fgsm(attack=lambda loss, x, eps: x + eps * torch.autograd.functional.jacobian(
        lambda z: loss(z).sum(), x)),
    "adv.fgsm (ℓ2 norm for ℓ1)": lambda: cp.check_fgsm(accuracy=lambda mu, eps, p: torch.distributions.Normal(0.0, 1.0).cdf(
        (mu.norm() ** 2 - eps * mu.norm()) / mu.norm())),
    "adv.dro": lambda: cd.check_dro(worst=lambda loss, x, eps, grid: loss(x).mean()),
    "adv.spectral-norm-bound": lambda: cd.check_spectral_norm_bound(
        bound=lambda Ws: torch.stack([torch.linalg.matrix_norm(W) for W in Ws]).prod()),
    "adv.advtrain-opnorm": lambda: cd.check_advtrain_opnorm(norm=lambda W, p, q: 2 * df.operator_norm(W, p, q)),
    "adv.certified-defenses (W r)": lambda: cd.check_certified_defenses(bounds=_ibp_without_abs),
    "adv.certified-defenses (σ for σ/2)": lambda: cd.check_certified_defenses(
        radius=lambda pa, pb, s: 2 * df.smoothing_radius(pa, pb, s)),
    "interp.sensitivity": lambda: cb.check_sensitivity(grad=lambda f, x: 2 * ab.sensitivity(f, x)),
    "interp.missing-information": lambda: cb.check_missing_information(delta=lambda w, mu, S, x: w * (x - mu)),
    "interp.conditional-mutual-information": lambda: cb.check_conditional_mutual_information(
        cmi=lambda p, j: ab.conditional_mutual_information(p.sum(1 - j, keepdim=True).expand_as(p) / p.shape[1 - j], j)),
    "interp.shap": lambda: cb.check_shap(shapley=_banzhaf),
    "interp.sage": lambda: cb.check_sage(sage=lambda f, X, Y, bg: ab.sage_values(f, X, Y, bg).sqrt()),
    "fair.demographic-parity": lambda: cf.check_demographic_parity(solve=lambda *a: fa.fair_decisions(*a[:3], "none")),
    "fair.equalized-odds": lambda: cf.check_equalized_odds(solve=lambda *a: fa.fair_decisions(*a[:3], "demographic parity")),
    "fair.equal-opportunity": lambda: cf.check_equal_opportunity(solve=lambda *a: fa.fair_decisions(*a[:3], "demographic parity")),
    "fair.impossibility": lambda: cf.check_impossibility(solve=lambda *a: fa.fair_decisions(*a[:3], "equalized odds")),
}


def _ibp_without_abs(Ws, bs, lo, hi):
    """Interval bounds with W r for |W| r: the radius can come out negative, the box inside out."""
    out = []
    for W, b in zip(Ws, bs):
        mid, rad = W @ ((hi + lo) / 2) + b, W @ ((hi - lo) / 2)
        out.append((mid - rad, mid + rad))
        lo, hi = (mid - rad).clamp_min(0), (mid + rad).clamp_min(0)
    return out


def _banzhaf(value, n):
    """Uniform weights 1/2^(n−1) instead of Shapley's: right for additive games, wrong with interactions."""
    masks = ab.coalitions(n)
    vals = value(masks)
    idx = torch.arange(2**n)
    return torch.stack([(vals[idx[~masks[:, j]] + 2**j] - vals[idx[~masks[:, j]]]).mean() for j in range(n)])


@pytest.mark.parametrize("name", sorted(WRONG))
def test_check_fails_on_a_wrong_version(name):
    assert not WRONG[name]().passed
