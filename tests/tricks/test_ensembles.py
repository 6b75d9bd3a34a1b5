"""Unit tests of ``edl.tricks.ensembles`` and ``edl.tricks.distillation``."""

import math

import pytest
import torch

from edl.tricks import distillation as ds
from edl.tricks import ensembles as en

f64 = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731


def test_cyclic_augment_and_fit():
    Xa, ya = en.cyclic_augment([[1.0, 2.0], [3.0, 4.0]], [1.0, 2.0])
    assert Xa.tolist() == [[1.0, 2.0], [3.0, 4.0], [2.0, 1.0], [4.0, 3.0]] and ya.tolist() == [1.0, 2.0, 1.0, 2.0]
    w = en.augmented_least_squares([[1.0, 0.0], [0.0, 1.0]], [1.0, 3.0])
    assert w.tolist() == pytest.approx([2.0, 2.0])


def test_noisy_loss_exact():
    assert float(en.expected_noisy_loss([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [1.0, 0.0, 0.0], [1.0, 1.0], 0.5)) == \
        pytest.approx(0 + 1 + 4 + 3 * 0.25 * 2)


def test_bootstrap_and_bagging():
    idx = en.bootstrap_indices(4, 3, size=10, generator=torch.Generator().manual_seed(0))
    assert idx.shape == (3, 10) and int(idx.min()) >= 0 and int(idx.max()) <= 3 and idx.dtype == torch.int64
    assert en.bootstrap_indices(7, 2, generator=torch.Generator().manual_seed(0)).shape == (2, 7)
    assert en.bagged_average([[1.0, 3.0], [3.0, 5.0], [2.0, 1.0]]).tolist() == [2.0, 3.0]
    assert en.bootstrap_distinct_fraction(1) == 1.0
    assert en.bootstrap_distinct_fraction(2) == 0.75
    assert en.bootstrap_distinct_fraction(10**7) == pytest.approx(1 - math.exp(-1), abs=1e-7)


def test_ensemble_error_exact_and_bounds():
    assert en.ensemble_error(1, 2.0, 0.5) == 2.0
    assert en.ensemble_error(4, 2.0, 0.0) == 0.5
    assert en.ensemble_error(4, 2.0, 1.0) == pytest.approx(0.5 + 0.75)
    assert en.ensemble_error(3, 1.0, -0.5) == pytest.approx(0.0)
    with pytest.raises(ValueError, match="cov"):
        en.ensemble_error(3, 1.0, 1.5)
    with pytest.raises(ValueError, match="cov"):
        en.ensemble_error(3, 1.0, -0.6)


def test_distillation_values_and_limits():
    assert ds.tempered_softmax([0.0, math.log(3.0)], 1.0).tolist() == pytest.approx([0.25, 0.75])
    assert ds.tempered_softmax([0.0, 2 * math.log(3.0)], 2.0).tolist() == pytest.approx([0.25, 0.75])
    loss = float(ds.distillation_loss([0.0, math.log(3.0)], [0.0, 0.0], 1.0))
    assert loss == pytest.approx(math.log(2.0))
    grad = ds.distillation_grad([0.0, math.log(3.0)], [0.0, 0.0], 2.0)
    p = torch.softmax(f64([0.0, math.log(3.0)]) / 2, 0)
    assert grad.tolist() == pytest.approx(((0.5 - p) / 2).tolist())
    assert ds.logit_matching_grad([2.0, -2.0, 0.0], [0.0, 0.0, 0.0], 1.0).tolist() == pytest.approx([-2 / 3, 2 / 3, 0.0])
    assert ds.distillation_loss(torch.zeros(3, 4), torch.zeros(3, 4), 5.0).shape == (3,)
    with pytest.raises(ValueError, match="G"):
        ds.distillation_grad([1.0, 2.0], [1.0], 1.0)
    with pytest.raises(ValueError, match="T"):
        ds.tempered_softmax([1.0], 0.0)
