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


def test_metropolis_hastings_matrix_refusals_name_the_argument():
    """A 2-D b is refused for its dimension; a proposal of the wrong size names b."""
    with pytest.raises(ValueError, match=r"^b must have 1 dimension\(s\), got shape \(1, 2\)$"):
        mk.metropolis_hastings_matrix([[1.0, 1.0]], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"^Q must have shape \(3, 3\) to match b, got shape \(2, 2\)$"):
        mk.metropolis_hastings_matrix([1.0, 1.0, 1.0], [[0.5, 0.5], [0.5, 0.5]])


def test_mh_log_ratio_list_proposal_takes_the_float32_of_x_and_refusals():
    """x_new as a list takes x's float32: log N(1)/N(0) = -½ with a flat proposal; a 1-D or mis-shaped x_new is
    refused naming x."""
    lp = lambda z: -0.5 * (z**2).sum(-1)                                    # noqa: E731
    lq = lambda to, frm: torch.zeros(len(to), dtype=to.dtype)               # noqa: E731
    r = mk.mh_log_ratio(lp, lq, torch.tensor([[0.0]], dtype=F32), [[1.0]])
    assert r.dtype == F32 and r.tolist() == [-0.5]
    with pytest.raises(ValueError, match=r"^x_new must have 2 dimension\(s\), got shape \(1,\)$"):
        mk.mh_log_ratio(lp, lq, [[0.0]], [1.0])
    with pytest.raises(ValueError, match=r"^x_new must have shape \(1, 1\) to match x, got shape \(1, 2\)$"):
        mk.mh_log_ratio(lp, lq, [[0.0]], [[1.0, 2.0]])


def test_tempering_log_accept_list_normalisers_take_the_float32_of_x():
    """log_Z as a list takes x's float32: at x = 1, levels c = (1, 4), Z = (1, 2): -¼ - log 2 + 1 = 0.75 - log 2."""
    lpt = lambda x, k: -x**2 / torch.tensor([1.0, 4.0], dtype=x.dtype)[k]  # noqa: E731
    a = mk.tempering_log_accept(lpt, torch.tensor([1.0], dtype=F32), torch.tensor([0]), torch.tensor([1]),
                                [0.0, 0.6931471805599453])
    assert a.dtype == F32 and a.tolist() == pytest.approx([0.75 - 0.6931471805599453], rel=1e-6)
    with pytest.raises(ValueError, match=r"^log_Z must have 1 dimension\(s\), got shape \(1, 1\)$"):
        mk.tempering_log_accept(lpt, [1.0], torch.tensor([0]), torch.tensor([0]), [[0.0]])


def test_simulated_tempering_list_arguments_take_the_float32_of_c_and_refusals():
    """log_Z and x0 as lists take c's float32 (the states come back in float32); mis-shaped ones are refused."""
    c = torch.tensor([1.0, 2.0], dtype=F32)
    xs, ks = mk.simulated_tempering(lambda x: x**2, c, [0.0, 0.0], [0.0, 1.0], 3, 0.5, torch.Generator().manual_seed(0))
    assert xs.dtype == F32 and ks.dtype == torch.int64 and xs.shape == ks.shape == (3, 2)
    g = torch.Generator()
    with pytest.raises(ValueError, match=r"^log_Z must have shape \(2,\) to match c, got shape \(1,\)$"):
        mk.simulated_tempering(lambda x: x, [1.0, 2.0], [0.0], [0.0], 1, 1.0, g)
    with pytest.raises(ValueError, match=r"^log_Z must have 1 dimension\(s\), got shape \(1, 2\)$"):
        mk.simulated_tempering(lambda x: x, [1.0, 2.0], [[0.0, 0.0]], [0.0], 1, 1.0, g)
    with pytest.raises(ValueError, match=r"^x0 must have 1 dimension\(s\), got shape \(1, 1\)$"):
        mk.simulated_tempering(lambda x: x, [1.0, 2.0], [0.0, 0.0], [[0.0]], 1, 1.0, g)


def test_samplers_keep_float32_states():
    """float32 starting points give float32 Metropolis–Hastings and Gibbs samples and acceptance rates."""
    walk = lambda x, g: x + torch.randn(x.shape, generator=g, dtype=x.dtype)  # noqa: E731
    xs, acc = mk.metropolis_hastings(lambda z: -0.5 * (z**2).sum(-1), torch.zeros(2, 1, dtype=F32), walk, None, 3,
                                     torch.Generator().manual_seed(0))
    assert xs.dtype == F32 and acc.dtype == F32
    assert mk.gibbs_bivariate_normal(0.5, 3, torch.zeros(1, 2, dtype=F32), torch.Generator()).dtype == F32


def test_sampler_helpers_refuse_states_of_the_wrong_dimension_by_name():
    """A 1-D x of mh_log_ratio, a 2-D x of tempering_log_accept and 2-D temperatures are refused for their dimension
    (not for a shape mismatch of a later argument)."""
    with pytest.raises(ValueError, match=r"^x must have 2 dimension\(s\), got shape \(1,\)$"):
        mk.mh_log_ratio(lambda z: z.sum(-1), lambda a, b: a.sum(-1), [0.0], [[1.0]])
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(1, 1\)$"):
        mk.tempering_log_accept(lambda x, k: x, [[1.0]], torch.tensor([0]), torch.tensor([0]), [0.0])
    with pytest.raises(ValueError, match=r"^c must have 1 dimension\(s\), got shape \(1, 2\)$"):
        mk.simulated_tempering(lambda x: x, [[1.0, 2.0]], [0.0, 0.0], [0.0], 1, 1.0, torch.Generator())
