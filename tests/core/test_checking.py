import math

import numpy as np
import pytest

from edl.core.checking import CheckResult, check_close, check_leq, check_monte_carlo, max_abs_error


def test_check_close_passes_and_fails():
    assert check_close([1.0, 2.0], [1.0, 2.0], atol=1e-12).passed
    failed = check_close([1.0, 2.1], [1.0, 2.0], atol=1e-3, what="density")
    assert not failed.passed and "density differ by 0.1" in failed.detail
    assert math.isclose(failed.max_error, 0.1, rel_tol=1e-9)


def test_check_close_shape_mismatch_and_nan_fail():
    assert not check_close([1.0, 2.0], [1.0], atol=1).passed
    assert not check_close([float("nan")], [1.0], atol=1).passed


def test_check_close_needs_a_tolerance():
    with pytest.raises(ValueError, match="atol"):
        check_close([1.0], [1.0])


def test_check_leq_reports_slack_and_violation():
    ok = check_leq([0.1, 0.5], [0.2, 0.5], what="bound")
    assert ok.passed and "smallest slack 0" in ok.detail
    bad = check_leq([0.3], [0.2], what="bound")
    assert not bad.passed and "violated" in bad.detail


def test_monte_carlo_within_and_outside_standard_error():
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 1.0, 100_000)
    assert check_monte_carlo(x, 1.0).passed
    assert not check_monte_carlo(x, 1.1).passed  # 0.1 is ~30 standard errors away
    with pytest.raises(ValueError, match="samples"):
        check_monte_carlo([1.0], 1.0)


def test_results_combine():
    both = CheckResult(True, "a", 1e-3) & CheckResult(False, "b", 2e-3)
    assert not both.passed and both.detail == "a; b" and both.max_error == 2e-3


def test_max_abs_error_shape_mismatch_is_infinite():
    assert max_abs_error([1, 2], [1, 2, 3]) == float("inf")
