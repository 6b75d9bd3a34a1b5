"""Edge cases of edl.tricks.ensembles that its mutation run exposed: both ends of the valid covariance range,
including the 1e-12 rounding allowance, are accepted."""

import pytest

from edl.tricks import ensembles as en


def test_ensemble_error_accepts_both_ends_of_the_tolerance():
    """With K = 2 and v = 1 the valid covariances are [−1, 1], widened by 1e-12 for rounding; c exactly at
    −1 − 1e-12 or 1 + 1e-12 is accepted and gives v/K + (K − 1)c/K = (1 + c)/2."""
    low, high = -1.0 - 1e-12, 1.0 + 1e-12
    assert en.ensemble_error(2, 1.0, low) == pytest.approx((1 + low) / 2, abs=1e-15)
    assert en.ensemble_error(2, 1.0, high) == pytest.approx((1 + high) / 2, abs=1e-15)
    with pytest.raises(ValueError, match=r"^cov must lie in \[-var/\(K-1\), var\] = \[-1, 1\]"):
        en.ensemble_error(2, 1.0, 1.0 + 1e-9)
