"""Tests of edl.connectionism.cover: counting dichotomies, the separability decision and the Monte Carlo of P(s, n)."""

import math
from fractions import Fraction

import numpy as np
import pytest
import torch

from edl.connectionism import cover


def f64(x):
    return torch.tensor(x, dtype=torch.float64)


def test_closed_form_and_recurrence_agree_with_pascal():
    table = cover.cover_count_table(30, 12)
    for s in range(1, 31):
        for n in range(1, 13):
            assert table[s][n] == cover.cover_count(s, n) == 2 * sum(math.comb(s - 1, i) for i in range(n))


def test_shattering_and_half_at_twice_the_dimension():
    assert all(cover.cover_count(s, n) == 2**s for n in range(1, 15) for s in range(1, n + 1))
    assert all(Fraction(cover.cover_count(2 * n, n), 4**n) == Fraction(1, 2) for n in range(1, 40))


def test_probability_matches_exact_fractions_and_broadcasts():
    s, n = torch.arange(1, 41, dtype=torch.float64), f64([[3.0], [10.0]])
    p = cover.separability_probability(s, n)
    assert p.shape == (2, 40)
    exact = [[float(Fraction(cover.cover_count(int(a), int(b)), 2 ** int(a))) for a in s] for b in (3, 10)]
    assert torch.allclose(p, f64(exact), atol=1e-13)
    assert cover.separability_probability(torch.tensor([4.0], dtype=torch.float32), 2).dtype == torch.float32


def test_batched_separability_equals_one_lp_per_data_set():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(150, 12, 5, generator=g, dtype=torch.float64)
    y = torch.randint(0, 2, (150, 12), generator=g).double() * 2 - 1
    batched = cover.linearly_separable(x, y)
    loop = torch.tensor([cover.separable_lp(a, b) for a, b in zip(x, y)])
    assert torch.equal(batched, loop) and 0 < int(batched.sum()) < 150


def test_affine_separability_of_xor_and_its_lifting():
    pts = f64([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    labels = pts[:, 0] * pts[:, 1]
    assert not bool(cover.linearly_separable(pts, labels, affine=True))
    assert bool(cover.linearly_separable(cover.lift_features(pts), labels))
    assert cover.separable_lp(pts, labels, affine=True) is False


def test_enumeration_counts_cover_number():
    for s, n, seed in [(5, 2, 0), (6, 3, 1), (7, 3, 2)]:
        x = torch.randn(s, n, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
        labels, ok = cover.separable_dichotomies(x)
        assert labels.shape == (2**s, s) and int(ok.sum()) == cover.cover_count(s, n)
        assert torch.equal(ok, ok.flip(0))  # y and -y are separable together


def test_monte_carlo_agrees_with_theory_within_four_standard_errors():
    s = [6, 12, 18]
    freq = cover.random_separability(s, 6, 400, generator=torch.Generator().manual_seed(1))
    p = cover.separability_probability(f64(s), 6)
    se = torch.sqrt(p * (1 - p) / 400).clamp(min=1e-3)
    assert bool(((freq - p).abs() <= 4 * se + 1e-12).all())


@pytest.mark.parametrize("fn, args, kwargs, name", [
    (cover.cover_count, (0, 2), {}, "s"),
    (cover.cover_count, (3, 1.5), {}, "n"),
    (cover.cover_count_table, (5, 0), {}, "n_max"),
    (cover.separability_probability, ([2.5], 2), {}, "s"),
    (cover.separability_probability, ([2.0], 0), {}, "n"),
    (cover.linearly_separable, (np.ones((2, 3)), [1.0, 0.0]), {}, "y"),
    (cover.linearly_separable, (np.ones(3),), {}, "x"),
    (cover.separable_dichotomies, (np.ones((17, 2)),), {}, "x"),
    (cover.random_separability, ([], 2, 10), {}, "s_values"),
    (cover.random_separability, ([3], 2, 0), {}, "trials"),
    (cover.lift_features, (np.ones((3, 3)),), {}, "x"),
])
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        fn(*args, **kwargs)
