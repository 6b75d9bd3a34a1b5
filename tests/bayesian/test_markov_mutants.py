"""Edge cases of edl.bayesian.markov that its mutation run exposed: refusals that name the argument at fault,
the float32 dtype kept under a float64 global default, the 16-state limit of the subset enumeration, and the
inclusive tolerances (mass 1/2 + 1e-12, detailed-balance gap 1e-10) at their exact boundaries."""

import pytest
import torch

from edl.bayesian import markov as mk

F32, F64 = torch.float32, torch.float64


def test_stationary_distribution_keeps_float32_under_a_float64_default():
    """The identity subtracted from T takes T's dtype, not the global default; π of [[.9,.1],[.3,.7]] is (3/4, 1/4)."""
    T = torch.tensor([[0.9, 0.1], [0.3, 0.7]], dtype=F32)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(F64)
    try:
        pi = mk.stationary_distribution(T)
    finally:
        torch.set_default_dtype(previous)
    assert pi.dtype == F32
    assert pi.tolist() == pytest.approx([0.75, 0.25], abs=1e-6)


def test_detailed_balance_gap_refusals_name_the_argument():
    """A 2-D pi is refused for its dimension; a T of the wrong size is refused with a message naming T and pi."""
    with pytest.raises(ValueError, match=r"^pi must have 1 dimension\(s\), got shape \(1, 2\)$"):
        mk.detailed_balance_gap([[0.5, 0.5]], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"^T must have shape \(2, 2\) to match pi, got shape \(3, 3\)$"):
        mk.detailed_balance_gap([0.5, 0.5], [[1 / 3] * 3] * 3)


def test_conductance_refusals_name_the_argument():
    """A 2-D pi is refused for its dimension; a T of the wrong size names pi; an S torch cannot read is shown."""
    with pytest.raises(ValueError, match=r"^pi must have 1 dimension\(s\), got shape \(1, 2\)$"):
        mk.conductance([[0.5, 0.5]], [[0.5, 0.5], [0.5, 0.5]], [True, False])
    with pytest.raises(ValueError, match=r"^T must have shape \(2, 2\) to match pi, got shape \(3, 3\)$"):
        mk.conductance([0.5, 0.5], [[1 / 3] * 3] * 3, [True, False])
    with pytest.raises(ValueError, match=r"^S must be a boolean mask of shape \(2,\), got \[True, 'a'\]$"):
        mk.conductance([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]], [True, "a"])


@pytest.mark.parametrize("fn", [mk.min_conductance, mk.spectral_gap])
def test_min_conductance_and_spectral_gap_name_pi_for_a_wrong_T(fn):
    """A 3×3 T with a 2-state pi is refused with a message naming T and pi."""
    with pytest.raises(ValueError, match=r"^T must have shape \(2, 2\) to match pi, got shape \(3, 3\)$"):
        fn([0.5, 0.5], [[1 / 3] * 3] * 3)


def test_min_conductance_enumerates_sixteen_states():
    """16 states are allowed: on the complete graph (uniform π, T_ij = a/15 off the diagonal) Φ(S) = (16 - |S|) a/15,
    smallest at |S| = 8: Φ* = 8a/15."""
    a, n = 0.3, 16
    T = torch.full((n, n), a / (n - 1), dtype=F64)
    T.fill_diagonal_(1 - a)
    assert float(mk.min_conductance(torch.full((n,), 1 / n, dtype=F64), T)) == pytest.approx(8 * a / 15, abs=1e-12)


def test_min_conductance_keeps_a_set_of_mass_one_half_plus_the_tolerance():
    """π(S) = 1/2 + 1e-12 exactly still counts as at most 1/2: {0} (Φ = 0.1) is kept, not only {1} (Φ = 0.9)."""
    f = 0.5 + 1e-12
    pi = torch.tensor([f, 1 - f], dtype=F64)
    T = [[0.9, 0.1], [0.9, 0.1]]
    assert float(mk.min_conductance(pi, T)) == pytest.approx(0.1, abs=1e-12)


def test_spectral_gap_accepts_a_detailed_balance_gap_of_exactly_the_tolerance():
    """A violation of detailed balance of exactly 1e-10 is accepted (π = (½, ½), T_01 = 2e-10, T_10 = 0), twice it is
    refused. The symmetrised matrix [[1 - 2e-10, 1e-10], [1e-10, 1]] has λ₂ = 1 - (1 + √2)·1e-10."""
    T = torch.tensor([[1 - 2e-10, 2e-10], [0.0, 1.0]], dtype=F64)
    gap = float(mk.spectral_gap(torch.tensor([1.0, 1.0], dtype=F64), T))
    assert gap == pytest.approx((1 + 2**0.5) * 1e-10, rel=1e-4)
    T2 = torch.tensor([[1 - 4e-10, 4e-10], [0.0, 1.0]], dtype=F64)
    with pytest.raises(ValueError, match=r"^T must be reversible with respect to pi \(detailed balance fails\)$"):
        mk.spectral_gap(torch.tensor([1.0, 1.0], dtype=F64), T2)
