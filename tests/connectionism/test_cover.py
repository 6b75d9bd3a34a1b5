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


# --- the batched simplex decides by itself, and its certificates catch a wrong answer ---------------------

def _mixed_batch(seed, B=120, s=9, n=4, scale=1.0):
    """Gaussian data sets with random labels near s = 2n: about half of them separable."""
    g = torch.Generator().manual_seed(seed)
    x = scale * torch.randn(B, s, n, generator=g, dtype=torch.float64)
    y = torch.randint(0, 2, (B, s), generator=g).double() * 2 - 1
    return x, y


def _lp_truth(x, y, affine=False):
    return torch.tensor([cover.separable_lp(a, b, affine=affine) for a, b in zip(x, y)])


@pytest.mark.parametrize("scale, affine", [(1.0, False), (1.0, True), (1e6, False), (1e-6, True)])
def test_the_simplex_decides_generic_data_without_the_lp_fallback(monkeypatch, scale, affine):
    """On points in general position every answer is certified by the simplex itself (no LP is called),
    at any scale of the data, and agrees with one scipy LP per data set."""
    x, y = _mixed_batch(int(scale > 1) + 2 * affine, scale=scale)
    truth = _lp_truth(x, y, affine)
    assert 0.2 < truth.double().mean() < 0.8

    def no_lp(*args, **kwargs):
        raise AssertionError("the LP fallback was used")
    monkeypatch.setattr(cover, "separable_lp", no_lp)
    assert torch.equal(cover.linearly_separable(x, y, affine=affine), truth)


def test_a_wrong_simplex_answer_fails_its_certificate_and_the_lp_decides(monkeypatch):
    """With every phase-1 value flipped (0 <-> positive), neither certificate holds, so each data set goes to
    the LP and the answers stay right."""
    x, y = _mixed_batch(5)
    truth = _lp_truth(x, y)
    real = cover._gordan_simplex

    def lying(z, *args, **kwargs):
        value, T, basis = real(z, *args, **kwargs)
        return np.where(value > 1e-9, 0.0, 1.0), T, basis
    monkeypatch.setattr(cover, "_gordan_simplex", lying)
    calls, lp = [], cover.separable_lp
    monkeypatch.setattr(cover, "separable_lp", lambda z: calls.append(1) or lp(z))
    assert torch.equal(cover.linearly_separable(x, y), truth) and len(calls) == len(x)


def test_phase_one_values_against_scipy():
    """The phase-1 optimum min Σa over λ ≥ 0, a ≥ 0 with Zᵀλ + a' = 0, Σλ + a'' = 1, by scipy's linprog."""
    from scipy.optimize import linprog
    x, y = _mixed_batch(6, B=12)
    z = (y[..., None] * x).numpy()
    value, _, _ = cover._gordan_simplex(z)
    for zb, vb in zip(z, value):
        s, n = zb.shape
        A = np.block([[zb.T, np.eye(n), np.zeros((n, 1))], [np.ones((1, s)), np.zeros((1, n)), np.ones((1, 1))]])
        c = np.r_[np.zeros(s), np.ones(n + 1)]
        res = linprog(c, A_eq=A, b_eq=np.r_[np.zeros(n), 1.0], bounds=[(0, None)] * (s + n + 1), method="highs")
        assert vb == pytest.approx(res.fun, abs=1e-9)


def test_the_simplex_stops_with_an_error_after_max_iter_pivots():
    """A data set needing pivots raises RuntimeError when no pivot is allowed."""
    with pytest.raises(RuntimeError, match="^simplex did not terminate$"):
        cover._gordan_simplex(np.array([[[1.0, 0.0], [0.0, 1.0]]]), max_iter=0)


# --- edges of the public functions -----------------------------------------------------------------------

def test_one_data_set_gives_a_0d_answer_and_tensors_with_gradients_are_read():
    """(s, n) input gives a 0-d bool; points and labels that require grad are read (detached)."""
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, -1.0], dtype=torch.float64, requires_grad=True)
    out = cover.linearly_separable(x, y)
    assert out.shape == () and bool(out)
    assert bool(cover.linearly_separable([[5.0]]))  # a single point in one dimension


def test_default_labels_are_all_plus_one_also_for_a_batch():
    """y = None means every label +1: (1, 1) and (2, 1) are separable, (1,) and (−1,) are not."""
    x = f64([[[1.0, 1.0], [2.0, 1.0]], [[1.0, 0.0], [-1.0, 0.0]]])
    assert cover.linearly_separable(x).tolist() == [True, False]
    assert torch.equal(cover.linearly_separable(x), cover.linearly_separable(x, torch.ones(2, 2)))


def test_label_errors_name_the_expected_shape_and_the_bad_values():
    with pytest.raises(ValueError, match=r"y must have shape x.shape\[:-1\] = \(2, 3\), got \(2, 2\)"):
        cover.linearly_separable(torch.zeros(2, 3, 2), torch.ones(2, 2))
    with pytest.raises(ValueError, match=r"y must hold labels -1 or \+1, got \[-1.0, 0.5, 1.0\]"):
        cover.linearly_separable(torch.ones(3, 2), [1.0, 0.5, -1.0])
    with pytest.raises(ValueError, match=r"^x must have 2 dimension\(s\), got shape \(1, 2, 2\)"):
        cover.separable_lp(torch.ones(1, 2, 2))


def test_count_table_has_zero_row_and_column_and_the_right_size():
    """table[s][n] for 0 <= s <= s_max, 0 <= n <= n_max; row 0 and column 0 are zeros."""
    table = cover.cover_count_table(4, 3)
    assert len(table) == 5 and all(len(row) == 4 for row in table)
    assert table[0] == [0, 0, 0, 0] and [row[0] for row in table] == [0] * 5


def test_probability_never_exceeds_one():
    """For s <= n every labelling is separable: P = 1 up to rounding and never above (the sum can round up)."""
    p = cover.separability_probability(torch.arange(1, 200, dtype=torch.float64), 200)
    assert (p <= 1).all() and torch.allclose(p, torch.ones_like(p), rtol=0, atol=1e-12)


def test_lift_features_of_one_point_and_of_a_batch():
    """φ(2, 3) = (2, 3, 6) for one point (shape (2,)) and in a (2, 1, 2) batch."""
    assert cover.lift_features([2.0, 3.0]).tolist() == [2.0, 3.0, 6.0]
    batch = cover.lift_features(f64([[[2.0, 3.0]], [[-1.0, 4.0]]]))
    assert batch.shape == (2, 1, 3) and batch[:, 0].tolist() == [[2.0, 3.0, 6.0], [-1.0, 4.0, -4.0]]


def test_dichotomies_dtype_affine_and_the_largest_size():
    """Labels take x's dtype; affine counts C(s, n+1); s = 16 is accepted (on a line: C(16, 1) = 2)."""
    x = torch.randn(5, 2, generator=torch.Generator().manual_seed(7), dtype=torch.float64)
    labels, ok = cover.separable_dichotomies(x, affine=True)
    assert labels.dtype == torch.float64 and int(ok.sum()) == cover.cover_count(5, 3)
    labels, ok = cover.separable_dichotomies(torch.arange(1.0, 17.0).unsqueeze(-1))
    assert labels.shape == (2**16, 16) and int(ok.sum()) == 2


def test_random_separability_at_its_minimum_sizes_and_with_array_counts():
    """s = 1, n = 1, trials = 1 are allowed (one point is always separable); numpy and tensor counts work."""
    g = lambda: torch.Generator().manual_seed(8)  # noqa: E731
    assert cover.random_separability([1], 1, 1, generator=g()).tolist() == [1.0]
    ref = cover.random_separability([3, 4], 2, 50, generator=g())
    assert torch.equal(cover.random_separability(np.array([3, 4]), 2, 50, generator=g()), ref)
    assert torch.equal(cover.random_separability(torch.tensor([3, 4]), 2, 50, generator=g()), ref)
    with pytest.raises(ValueError, match=r"^dtype must be a floating dtype, got torch.int64$"):
        cover.random_separability([3], 2, 5, dtype=torch.int64)


def test_a_coordinate_that_is_zero_everywhere_changes_nothing():
    """Points on the x₁ axis: (1, 0), (2, 0) are separable, (1, 0), (−1, 0) are not, as without the zero axis."""
    assert cover.linearly_separable(f64([[[1.0, 0.0], [2.0, 0.0]], [[1.0, 0.0], [-1.0, 0.0]]])).tolist() == [True, False]
