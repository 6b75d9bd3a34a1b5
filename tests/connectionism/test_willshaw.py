"""Tests of edl.connectionism.willshaw (its checks run in tests/test_hopfield.py and tests/test_ledger.py)."""

import math

import numpy as np
import pytest
import torch

from edl.connectionism import willshaw as will


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_sparse_patterns_have_exactly_r_ones():
    x = will.sparse_patterns(50, 64, 5, trials=3, generator=_gen(1))
    assert x.shape == (3, 50, 64)
    assert (x.sum(-1) == 5).all() and ((x == 0) | (x == 1)).all()


def test_memory_matrix_is_or_of_outer_products():
    x = will.sparse_patterns(20, 30, 3, generator=_gen(2), dtype=torch.float64)
    y = will.sparse_patterns(20, 25, 4, generator=_gen(3), dtype=torch.float64)
    ref = np.zeros((25, 30), dtype=bool)
    for t in range(20):
        ref |= np.outer(y[t].numpy().astype(bool), x[t].numpy().astype(bool))
    assert np.array_equal(will.memory_matrix(x, y).numpy().astype(bool), ref)


def test_memory_matrix_batched_equals_loop():
    x = will.sparse_patterns(10, 16, 2, trials=4, generator=_gen(4))
    y = will.sparse_patterns(10, 16, 2, trials=4, generator=_gen(5))
    batched = will.memory_matrix(x, y)
    for t in range(4):
        assert torch.equal(batched[t], will.memory_matrix(x[t], y[t]))


def test_fill_probability_matches_simulation():
    x = will.sparse_patterns(300, 128, 6, trials=4, generator=_gen(6))
    y = will.sparse_patterns(300, 128, 6, trials=4, generator=_gen(7))
    measured = float(will.memory_matrix(x, y).mean())
    assert abs(measured - float(will.fill_probability(300, 128, 6))) < 0.01


def test_retrieval_never_loses_a_stored_one():
    x = will.sparse_patterns(400, 100, 5, generator=_gen(8))
    y = will.sparse_patterns(400, 100, 5, generator=_gen(9))
    theta = will.memory_matrix(x, y)
    out = will.retrieve(theta, x)
    assert (out >= y).all()
    assert float((out - y).sum()) > 0  # at this load some spurious ones appear


def test_retrieve_with_explicit_threshold():
    theta = torch.tensor([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]])
    assert will.retrieve(theta, torch.tensor([[1.0, 1.0, 0.0]]), r=1).tolist() == [[1.0, 1.0]]


def test_half_fill_load_and_bits():
    s = will.half_fill_load(256, 8)
    assert math.isclose(float(will.fill_probability(s, 256, 8)), 0.5, rel_tol=1e-12)
    assert math.isclose(float(will.bits_per_synapse(500, 256, 8)), 500 * math.log2(math.comb(256, 8)) / 256**2,
                        rel_tol=1e-12)
    assert math.isclose(float(will.spurious_estimate(256, 8, 0.5)), 248 / 256)


def test_dtype_follows_input():
    x = will.sparse_patterns(5, 10, 2, generator=_gen(10), dtype=torch.float64)
    assert will.memory_matrix(x, x).dtype == torch.float64
    assert will.retrieve(will.memory_matrix(x, x), x).dtype == torch.float64


BAD = [
    (will.sparse_patterns, (5, 10, 11), {}, "r"),
    (will.sparse_patterns, (0, 10, 2), {}, "s"),
    (will.memory_matrix, (torch.tensor([[0.5, 1.0]]), torch.tensor([[1.0, 0.0]])), {}, "x"),
    (will.memory_matrix, (torch.ones(3, 4), torch.ones(2, 4)), {}, "x and y"),
    (will.fill_probability, (-1, 10, 2), {}, "s"),
    (will.fill_probability, (5, 10, 12), {}, "r"),
    (will.retrieve, (torch.ones(2, 3), torch.ones(1, 4)), {}, "x"),
    (will.retrieve, (torch.full((2, 3), 2.0), torch.ones(1, 3)), {}, "theta"),
    (will.spurious_estimate, (10, 2, 1.5), {}, "fill"),
    (will.half_fill_load, (10, 0), {}, "r"),
    (will.bits_per_synapse, (5, 10, 11), {}, "r"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD)
def test_bad_input_names_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        fn(*args, **kwargs)


def test_sparse_patterns_at_the_edges_of_their_ranges():
    """s = n = 1, r = 0 (all zeros), r = n (all ones) and trials = 1 are accepted; n = 0 is refused."""
    assert will.sparse_patterns(1, 1, 1, generator=_gen()).tolist() == [[1.0]]
    assert will.sparse_patterns(2, 4, 0, generator=_gen()).sum() == 0
    assert (will.sparse_patterns(3, 4, 4, generator=_gen()) == 1).all()
    assert will.sparse_patterns(2, 5, 2, trials=1, generator=_gen()).shape == (1, 2, 5)
    with pytest.raises(ValueError, match="n must be at least 1"):
        will.sparse_patterns(2, 0, 0)
    with pytest.raises(ValueError, match="generator"):
        will.sparse_patterns(2, 5, 2, generator="seed")


def test_each_trial_draws_its_own_uniform_subset():
    """With s = 1 and many trials, every unit is active in about r/n of the trials (not always the first r)."""
    x = will.sparse_patterns(1, 5, 2, trials=2000, generator=_gen(3))[:, 0]  # (2000, 5)
    freq = x.mean(0)
    assert torch.allclose(freq, torch.full((5,), 0.4), atol=0.05)  # sd of each frequency ≈ 0.011


def test_sparse_patterns_draw_only_from_their_generator():
    """One seed gives one draw whatever the global generator holds; another seed another draw."""
    draws = []
    for global_seed in (0, 1):
        torch.manual_seed(global_seed)
        draws.append(will.sparse_patterns(3, 8, 3, generator=_gen(4)))
    assert torch.equal(draws[0], draws[1])
    assert not torch.equal(draws[0], will.sparse_patterns(3, 8, 3, generator=_gen(5)))


def test_binary_refusals_show_short_values_as_lists_and_long_ones_as_tensors():
    """Below 20 entries the message lists the values; at 20 and more it shows the tensor."""
    with pytest.raises(ValueError, match=r"^x must hold only 0 and 1 entries, got \[\[0\.0, 2\.0\]\]$"):
        will.memory_matrix([[0.0, 2.0]], [[1.0, 0.0]])
    for size in (20, 25):
        with pytest.raises(ValueError, match=r"^x must hold only 0 and 1 entries, got tensor\("):
            will.memory_matrix(torch.full((1, size), 2.0), torch.ones(1, 2))


def test_mixed_dtypes_follow_the_first_argument():
    """memory_matrix follows x, retrieve follows theta, when the other argument has another float dtype."""
    x32 = torch.tensor([[1.0, 1.0, 0.0]], dtype=torch.float32)
    theta = will.memory_matrix(x32, x32.double())
    assert theta.dtype == torch.float32 and theta.tolist() == [[1, 1, 0], [1, 1, 0], [0, 0, 0]]
    out = will.retrieve(theta, x32.double())
    assert out.dtype == torch.float32 and out.tolist() == [[1.0, 1.0, 0.0]]


def test_retrieve_with_threshold_zero_fires_everywhere():
    """r = 0 is allowed: every dendritic sum is ≥ 0, so every output fires."""
    theta = torch.tensor([[1.0, 0.0], [0.0, 0.0]])
    assert will.retrieve(theta, torch.tensor([[0.0, 1.0]]), r=0).tolist() == [[1.0, 1.0]]


def test_capacity_formulas_at_the_ends_of_their_ranges():
    """s = 0 stores nothing; r = 0 or r = n give the closed forms 0, 1, n, 0; half fill needs 0 < r < n."""
    assert float(will.fill_probability(0, 10, 3)) == 0.0 and float(will.bits_per_synapse(0, 10, 3)) == 0.0
    assert float(will.fill_probability(5, 10, 0)) == 0.0 and float(will.fill_probability(5, 10, 10)) == 1.0
    full = will.fill_probability(torch.tensor([0.0, 1.0, 2.5], dtype=torch.float32), 10, 10)  # 1 − 0^s, 0⁰ = 1
    assert full.dtype == torch.float32 and full.tolist() == [0.0, 1.0, 1.0]
    assert float(will.spurious_estimate(10, 0, 0.3)) == 10.0 and float(will.spurious_estimate(10, 10, 0.3)) == 0.0
    assert math.isclose(will.half_fill_load(256, 1), math.log(2) / -math.log1p(-1 / 256**2), rel_tol=1e-15)
    with pytest.raises(ValueError, match=r"r must lie in \(0, n\) = \(0, 10\.0\), got 10"):
        will.half_fill_load(10, 10)
    assert float(will.bits_per_synapse(7, 1, 0)) == 0.0 and float(will.bits_per_synapse(7, 1, 1)) == 0.0
    assert float(will.bits_per_synapse(7, 5, 5)) == 0.0  # C(5, 5) = 1 pattern: no information
    with pytest.raises(ValueError, match="n must be at least 1"):
        will.bits_per_synapse(7, 0, 0)


def test_bits_of_a_nearly_full_pattern_use_the_short_product():
    """C(n, n − 1) = n: log₂ n to 1e-14 at n = 10⁶ (the long product of 10⁶ logs would lose 2.5e-13)."""
    n = 10**6
    assert float(will.bits_per_synapse(n * n, n, n - 1)) == pytest.approx(math.log2(n), abs=1e-14)
