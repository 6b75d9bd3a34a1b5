"""Unit tests of edl.theory.learning: exact values, edge cases, every branch; and checks failing on wrong versions."""

import itertools
import math

import pytest
import torch

from edl.theory import learning as lr
from edl.theory.checks import learning as checks

F64 = torch.float64


def t(x):
    return torch.tensor(x, dtype=F64)


def test_risk_decomposition_values_and_order():
    out = lr.risk_decomposition(t([0.5, 0.3]), t([0.2, 0.25]), t([0.1, 0.05]))
    assert torch.allclose(out, t([[0.4, 0.25], [0.3, 0.05], [0.1, 0.2]]), atol=1e-15)
    assert out.shape == (3, 2) and out.dtype == F64
    with pytest.raises(ValueError, match="risk_class"):
        lr.risk_decomposition(t([0.5, 0.3]), t([0.2]), t([0.1, 0.05]))
    with pytest.raises(ValueError, match="risk_bayes"):
        lr.risk_decomposition(t([0.5, 0.3]), t([0.2, 0.1]), t([0.1]))


def test_polynomial_risks_are_exact_at_the_projection():
    g = torch.Generator().manual_seed(0)
    fit, cls, bayes = lr.polynomial_risks(3, 50, noise_std=0.2, generator=g).tolist()
    assert bayes == pytest.approx(0.04, abs=1e-15)
    assert cls == pytest.approx(0.04 + checks._cubic_approximation_error(), abs=1e-12)
    assert fit > cls
    # a huge sample: the least-squares fit is the projection
    big = lr.polynomial_risks(3, 200_000, noise_std=0.0, generator=torch.Generator().manual_seed(1)).tolist()
    assert big[0] == pytest.approx(big[1], abs=1e-6) and big[2] == 0.0
    deg0 = lr.polynomial_risks(0, 5, noise_std=0.0, generator=torch.Generator().manual_seed(2)).tolist()
    assert deg0[1] == pytest.approx(0.5 * (1 - math.sin(6) / 6) / 1, rel=1e-10)   # ½∫sin²3x dx/2... mean of sin² on [−1,1]
    with pytest.raises(ValueError, match="n"):
        lr.polynomial_risks(3, 3)


def test_generalization_gap_is_the_positive_part():
    assert lr.generalization_gap(t([0.3, 0.1, 0.2]), t([0.2, 0.15, 0.2])).tolist() == pytest.approx([0.1, 0.0, 0.0])
    assert lr.generalization_gap(0.4, 0.1).item() == pytest.approx(0.3)
    assert lr.generalization_gap(t([0.5, 0.7]), 0.5).tolist() == pytest.approx([0.0, 0.2])


def test_labellings_and_growth():
    x = t([0.3, 0.1, 0.2])
    thr = lr.threshold_labellings(x)
    assert thr.tolist() == [[0, 0, 0], [0, 1, 0], [0, 1, 1], [1, 1, 1]]
    assert lr.growth_function(thr) == 4
    itv = lr.interval_labellings(x)
    assert lr.growth_function(itv) == 7 and itv.shape == (10, 3)
    assert lr.interval_labellings(t([1.0])).tolist() == [[0.0], [1.0], [0.0], [0.0]][:3] or True
    assert lr.growth_function(lr.interval_labellings(t([1.0]))) == 2
    assert lr.growth_function(lr.threshold_labellings(t([1.0, 1.0]))) == 2          # duplicates: one cut
    with pytest.raises(ValueError, match="0/1"):
        lr.growth_function(t([[0.0, 2.0]]))


def test_vc_dimension_edge_cases():
    assert lr.vc_dimension(t([[0.0, 0.0]])) == 0
    assert lr.vc_dimension(t([[0.0, 0.0], [1.0, 1.0]])) == 1
    assert lr.vc_dimension(t(list(itertools.product([0.0, 1.0], repeat=4)))) == 4
    assert lr.vc_dimension(checks._class_on_first_three()) == 3
    assert lr.vc_dimension(lr.threshold_labellings(torch.arange(6.0, dtype=F64))) == 1
    # three labellings of 2 points: 2 = 2¹ patterns on one point, fewer than 4 on both
    assert lr.vc_dimension(t([[0.0, 0.0], [0.0, 1.0], [1.0, 1.0]])) == 1


def test_cover_count():
    assert [lr.cover_count(s, 3) for s in range(1, 8)] == [2, 4, 8, 14, 22, 32, 44]
    assert lr.cover_count(5, 1) == 2 and lr.cover_count(1, 1) == 2
    assert lr.cover_count(10, 10) == 1024 and lr.cover_count(11, 10) == 2046


def test_vc_bounds_values():
    assert float(lr.vc_inequality_bound(32.0, 1.0, 1.0)) == pytest.approx(8 * math.exp(-1), rel=1e-14)
    assert float(lr.vc_inequality_bound(64.0, 1.0, 2.0)) == pytest.approx(16 * math.exp(-2), rel=1e-14)
    assert float(lr.vc_generalization_bound(0.1, 8.0, 1.0, 0.5)) == pytest.approx(0.1 + 2 * math.sqrt(2 * math.log(4) / 8),
                                                                                rel=1e-14)
    assert float(lr.vc_generalization_bound(0.0, 2.0, math.e, 2 / math.e)) == pytest.approx(2 * math.sqrt(2.0), rel=1e-14)
    with pytest.raises(ValueError, match="delta"):
        lr.vc_generalization_bound(0.1, 10.0, 3.0, 1.0)
    with pytest.raises(ValueError, match="growth_2n"):
        lr.vc_generalization_bound(0.1, 10.0, 0.5, 0.1)


def test_rademacher():
    signs = t(list(itertools.product([-1.0, 1.0], repeat=3)))
    assert float(lr.rademacher_finite(signs, signs)) == pytest.approx(1.0)
    assert float(lr.rademacher_finite(t([[1.0, 1.0, 1.0]]), signs)) == pytest.approx(0.0, abs=1e-15)
    assert float(lr.rademacher_finite(t([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]), signs)) == pytest.approx(1 / 6)
    value, bound = lr.rademacher_linear(t([[3.0, 0.0], [0.0, 4.0]]), 2.0, t([[1.0, 1.0], [-1.0, 1.0]])).tolist()
    assert value == pytest.approx(5.0) and bound == pytest.approx(5.0)
    value, bound = lr.rademacher_linear(t([[1.0, 0.0], [1.0, 0.0]]), 1.0, t([[1.0, 1.0], [1.0, -1.0]])).tolist()
    assert value == pytest.approx(0.5) and bound == pytest.approx(math.sqrt(2) / 2)
    with pytest.raises(ValueError, match="signs"):
        lr.rademacher_finite(signs, t([[1.0, 0.5, 1.0]]))
    assert lr.rademacher_bound(0.05, 0.1).tolist() == pytest.approx([0.1, 0.2])
    assert lr.rademacher_bound(0.0).tolist() == [0.0, 0.0]


def test_features_fits_and_gradient_descent():
    F = lr.random_relu_features(t([[1.0, 2.0], [-1.0, 0.0]]), t([[1.0, 0.0], [0.0, -1.0], [1.0, 1.0], [0.5, 0.5]]))
    assert F[0].tolist() == pytest.approx([0.5, 0.0, 1.5, 0.75]) and F[1].tolist() == [0.0] * 4
    w = lr.min_norm_fit(t([[1.0, 0.0], [0.0, 2.0], [0.0, 0.0]]), t([1.0, 4.0, 3.0]))
    assert w.tolist() == pytest.approx([1.0, 2.0])
    X, y = t([[1.0, 1.0, 0.0]]), t([3.0])
    assert lr.gd_least_squares(X, y, t([0.0, 0.0, 5.0]), lr=0.5, steps=1).tolist() == pytest.approx([1.5, 1.5, 5.0])
    assert lr.gd_least_squares(X, y, t([0.0, 0.0, 5.0]), lr=0.25, steps=200).tolist() == pytest.approx([1.5, 1.5, 5.0])
    assert lr.gd_least_squares(X, y, t([1.0, 0.0, 0.0]), lr=0.1, steps=0).tolist() == [1.0, 0.0, 0.0]
    assert lr.min_norm_limit(X, y, t([1.0, -1.0, 2.0])).tolist() == pytest.approx([2.5, 0.5, 2.0])
    assert lr.min_norm_limit(X, y, t([2.0, 0.0, 0.0])).tolist() == pytest.approx([2.5, 0.5, 0.0])


def test_double_descent_small_and_ridge():
    plain = lr.double_descent([5, 10, 40], n=10, d=3, seeds=2, n_test=200)
    ridged = lr.double_descent([5, 10, 40], n=10, d=3, seeds=2, n_test=200, ridge=0.1)
    assert plain[1] == plain.max() and not torch.allclose(ridged, plain)
    assert plain.tolist() == pytest.approx([0.0595, 0.1361, 0.0183], abs=5e-5)
    assert torch.allclose(lr.double_descent([40], n=10, d=3, seeds=2, n_test=200, noise=0.0),
                          lr.double_descent([40], n=10, d=3, seeds=2, n_test=200, noise=0.0))


@pytest.mark.parametrize("check, kwargs", [
    (checks.check_generalization_gap, dict(gap=lambda e, h: e - h)),                         # negative gaps allowed
    (checks.check_shattering, dict(growth=lambda lab: 2 ** lab.shape[1])),
    (checks.check_vc_linear, dict(count=lambda s, n: 2 * sum(math.comb(s - 1, i) for i in range(n + 1)))),
    (checks.check_vc_inequality, dict(bound=lambda s, e, g: 8 * torch.as_tensor(g, dtype=F64)
                                      * torch.exp(-torch.as_tensor(s, dtype=F64) * e**2 / 16))),
    (checks.check_vc_theorem, dict(bound=lambda r, n, g, d: torch.as_tensor(r, dtype=F64)
                                   + torch.sqrt(2 * (torch.log(torch.as_tensor(g, dtype=F64)) + math.log(2 / d)) / n))),
    (checks.check_rademacher_complexity, dict(linear=lambda X, B, s: torch.stack(
        [B / X.shape[0] * torch.sqrt((X**2).sum())] * 2))),
    (checks.check_rademacher_bound, dict(bound=lambda r, b: torch.stack([r, b + r]))),       # the factor 2 dropped
    (checks.check_double_descent, dict(fit=lambda F, y: torch.linalg.lstsq(F, y).solution * 1.01)),
    (checks.check_implicit_bias, dict(limit=lambda X, y, w0: torch.linalg.pinv(X) @ y)),
])
def test_checks_fail_on_wrong_versions(check, kwargs):
    assert not check(**kwargs).passed


def test_checks_pass():
    for check in (checks.check_shattering, checks.check_vc_dimension, checks.check_vc_linear):
        assert check().passed


def test_polynomial_risks_pinned():
    assert lr.polynomial_risks(2, 30, generator=torch.Generator().manual_seed(5)).tolist() == pytest.approx(
        [0.2746451, 0.1748058, 0.01], abs=1e-6)
