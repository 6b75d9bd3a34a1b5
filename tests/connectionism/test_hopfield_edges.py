"""Edges of edl.connectionism.hopfield: ties at a zero field, asymmetric and batched weights, defaults, range
boundaries and error messages, each against a hand-worked case or an independent route (update_unit, run_sync)."""

import math

import pytest
import torch

from edl.connectionism import hopfield as hop


def f64(x):
    return torch.tensor(x, dtype=torch.float64)


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


# --- a zero field gives +1 ---------------------------------------------------------------------------------

def test_a_zero_field_sets_the_unit_to_plus_one_in_every_dynamics():
    """W = 0: every field is 0, and sign(0) = +1, so all-minus states turn all-plus (period 1 after it)."""
    W, x = torch.zeros(3, 3, dtype=torch.float64), -torch.ones(2, 3, dtype=torch.float64)
    final, done = hop.run_async(W, x, generator=_gen())
    assert (final == 1).all() and done.all()
    final, period = hop.run_sync(W, x)
    assert final.dtype == torch.float64 and (final == 1).all() and period.tolist() == [1, 1]


def test_retrieve_sync_breaks_ties_upwards():
    """Two orthogonal patterns of 2 units: Θ = 0 off the diagonal, every field is 0, every unit ends at +1."""
    X = f64([[[1.0, 1.0], [1.0, -1.0]]])  # ξ¹ ⟂ ξ²: Θ = ξ¹ξ¹ᵀ + ξ²ξ²ᵀ − 2I = 0
    assert hop.retrieve_sync(X).tolist() == [[1.0, 0.0]]  # both end at (1, 1): overlaps 1 and 0


# --- against independent routes ---------------------------------------------------------------------------

def _sweeps_by_update_unit(W, x, orders):
    for order in orders.tolist():
        for i in order:
            x = hop.update_unit(W, x, i)
    return x


def test_run_async_with_given_orders_equals_update_unit_step_by_step_for_asymmetric_batched_weights():
    g = _gen(1)
    T, P, n, K = 2, 3, 5, 4
    W = torch.randn(T, n, n, generator=g, dtype=torch.float64)  # not symmetric
    x = hop.sign(torch.randn(T, P, n, generator=g, dtype=torch.float64))
    orders = torch.stack([torch.randperm(n, generator=g) for _ in range(K)])
    final, _ = hop.run_async(W, x, orders=orders, max_sweeps=K)
    assert torch.equal(final, _sweeps_by_update_unit(W, x, orders))
    assert torch.equal(hop.run_async(W, x, orders=orders)[0], final)  # orders shorter than max_sweeps: K sweeps


def test_update_unit_with_batched_weights_equals_each_network_alone():
    g = _gen(2)
    W = torch.randn(2, 4, 4, generator=g, dtype=torch.float64)
    x = hop.sign(torch.randn(2, 3, 4, generator=g, dtype=torch.float64))
    out = hop.update_unit(W, x, 1)
    for t in range(2):
        assert torch.equal(out[t], hop.update_unit(W[t], x[t], 1))


def test_retrieve_sync_equals_run_sync_with_the_hebbian_weights():
    """The low-rank sync retrieval ends where run_sync with Θ = Σ ξξᵀ − sI ends, from the same start."""
    X = hop.random_patterns(12, 40, trials=3, generator=_gen(3), dtype=torch.float64)
    out = hop.retrieve_sync(X, probes=5, flip_fraction=0.2, generator=_gen(4))
    start = hop.corrupt(X[:, :5], 0.2, generator=_gen(4))
    final, _ = hop.run_sync(hop.hebbian_weights(X, normalize=False), start, max_steps=30)
    assert torch.equal(out, hop.overlap(final, X[:, :5]))
    assert (out < 1).any()  # at load 0.3 some runs miss: the comparison is not trivial


def test_retrieve_async_equals_run_async_with_the_hebbian_weights():
    X = hop.random_patterns(12, 40, trials=3, generator=_gen(5), dtype=torch.float64)
    out = hop.retrieve_async(X, probes=4, flip_fraction=0.2, generator=_gen(6))
    g = _gen(6)
    start = hop.corrupt(X[:, :4], 0.2, generator=g)
    final, _ = hop.run_async(hop.hebbian_weights(X, normalize=False), start, generator=g)
    assert torch.equal(out, hop.overlap(final, X[:, :4]))


def test_run_sync_reports_period_one_for_a_state_that_is_fixed_after_one_step():
    """From −1 with W = 0 the first step gives +1 ≠ the start: no cycle; the second is a fixed point."""
    _, period = hop.run_sync(torch.zeros(2, 2), -torch.ones(2))
    assert int(period) == 1


def test_run_sync_batches_a_fixed_point_and_a_two_cycle():
    """W = [[0, 1], [1, 0]] swaps the units: (1, 1) is fixed, (1, −1) alternates with (−1, 1)."""
    final, period = hop.run_sync(torch.tensor([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([[1.0, 1.0], [1.0, -1.0]]))
    assert period.tolist() == [1, 2]


# --- defaults, boundaries of ranges, messages ---------------------------------------------------------------

def _six_cycle():
    """x'_i = −x_{i−1} on 3 units: from (1, −1, −1) the synchronous orbit has period 6 (never 1 or 2)."""
    P = torch.roll(torch.eye(3, dtype=torch.float64), 1, 0)
    return -P, f64([1.0, -1.0, -1.0])


def test_run_sync_default_is_100_steps():
    W, x = _six_cycle()
    final, period = hop.run_sync(W, x)
    assert int(period) == 0 and torch.equal(final, hop.run_sync(W, x, max_steps=100)[0])
    assert not torch.equal(final, hop.run_sync(W, x, max_steps=101)[0])
    assert torch.equal(hop.run_sync(W, x, max_steps=1)[0], f64([1.0, -1.0, 1.0]))  # one step allowed


def test_run_async_default_is_50_sweeps_and_one_sweep_is_allowed():
    """x₀ ← x₁, x₁ ← −x₀ never settles; the default equals max_sweeps = 50, not 51."""
    W, x = f64([[0.0, 1.0], [-1.0, 0.0]]), f64([[1.0, 1.0], [1.0, -1.0], [-1.0, 1.0], [-1.0, -1.0]])
    orders = torch.stack([torch.randperm(2, generator=_gen(k)) for k in range(60)])
    default, done = hop.run_async(W, x, orders=orders[:50].repeat(2, 1))
    assert torch.equal(default, hop.run_async(W, x, orders=orders[:50])[0]) and not done.any()
    g50 = hop.run_async(W, x, generator=_gen(7))[0]
    assert torch.equal(g50, hop.run_async(W, x, max_sweeps=50, generator=_gen(7))[0])
    assert not torch.equal(g50, hop.run_async(W, x, max_sweeps=51, generator=_gen(7))[0])
    hop.run_async(W, x, max_sweeps=1, generator=_gen(7))
    with pytest.raises(ValueError, match="orders"):
        hop.run_async(W, x, orders=[[0.0, -1.0]])


def test_retrieval_probe_ranges_and_defaults():
    X = hop.random_patterns(3, 30, trials=2, generator=_gen(8), dtype=torch.float64)
    assert hop.retrieve_async(X, generator=_gen(9)).shape == (2, 1)  # probes defaults to 1
    assert hop.retrieve_async(X, probes=3, generator=_gen(9)).shape == (2, 3)
    assert hop.retrieve_sync(X).shape == (2, 3)  # probes defaults to every pattern
    assert hop.retrieve_sync(X, probes=1, max_steps=1).shape == (2, 1)
    for fn in (hop.retrieve_async, hop.retrieve_sync):
        with pytest.raises(ValueError, match=r"^probes must be at most the number of patterns 3, got 4$"):
            fn(X, probes=4)


def test_index_messages_name_the_valid_range():
    W = torch.zeros(3, 3)
    with pytest.raises(ValueError, match=r"^i must index a unit \(0\.\.2\), got 3$"):
        hop.update_unit(W, torch.ones(3), 3)
    with pytest.raises(ValueError, match=r"^index must pick a stored pattern \(0\.\.2\), got 3$"):
        hop.pattern_stable(torch.ones(3, 4), 3)


def test_hebbian_fields_and_overlap_refuse_wrong_shapes():
    with pytest.raises(ValueError, match=r"^patterns must have at least 3 dimension"):
        hop.hebbian_fields(torch.ones(2, 4), torch.ones(1, 1, 4))
    with pytest.raises(ValueError, match=r"^x must have at least 3 dimension"):
        hop.hebbian_fields(torch.ones(1, 2, 4), torch.ones(1, 4))
    with pytest.raises(ValueError, match=r"^patterns \(T, s, n\) and x \(T, P, n\) must agree"):
        hop.hebbian_fields(torch.ones(1, 1, 2, 4), torch.ones(1, 1, 4))
    for x, xi in ((torch.ones(2, 4), torch.ones(3, 4)), (torch.ones(3, 4), torch.ones(2, 4))):
        with pytest.raises(ValueError):
            hop.overlap(x, xi)


def test_corrupt_flips_a_uniform_subset_in_every_row_and_checks_its_generator():
    """(T, 1, n) states: each unit is flipped in about the flip fraction of the rows, not always the first k."""
    x = torch.ones(2000, 1, 10)
    flipped = (hop.corrupt(x, 0.3, generator=_gen(10)) == -1).double()
    assert (flipped.sum(-1) == 3).all()
    assert torch.allclose(flipped.mean((0, 1)), torch.full((10,), 0.3, dtype=torch.float64), atol=0.05)
    with pytest.raises(ValueError, match="generator"):
        hop.corrupt(x, 0.3, generator="seed")


def test_learned_weights_defaults_one_epoch_and_failure():
    """margin defaults to 1; one epoch is allowed and does not suffice here; s = 3n patterns are not learnt."""
    X = hop.random_patterns(4, 12, generator=_gen(11), dtype=torch.float64)
    W, ok = hop.perceptron_weights(X)
    W1, ok1 = hop.perceptron_weights(X, margin=1.0)
    assert ok and ok1 and torch.equal(W, W1)
    assert ((X @ W.T) * X > 1).all() and W.diagonal().abs().max() == 0  # margin 1 reached, no self-coupling
    _, once = hop.perceptron_weights(X, margin=5.0, max_epochs=1)
    assert not once
    _, ok = hop.perceptron_weights(hop.random_patterns(30, 10, generator=_gen(12), dtype=torch.float64),
                                   max_epochs=5)
    assert not ok


def test_capacity_formulas_at_their_smallest_arguments():
    """P(stable unit) at s = 1 is 1 (no crosstalk) and at n = 2 is 2^{1−s}; load(0, n) = 0; n = 2 is allowed."""
    assert hop.stable_unit_probability(1, 5) == 1.0 and hop.stable_unit_probability(3, 2) == 0.25
    assert hop.load(0, 10) == 0.0
    assert hop.perfect_recall_threshold(2) == pytest.approx(2 / (2 * math.log(2)))


def test_learned_weights_of_one_pattern_are_its_hebbian_weights():
    """From W = 0 every unit fails the first pattern, so one update gives (ξξᵀ − I)/n, the Hebbian weights; its
    aligned fields (n − 1)/n exceed the margin ½ and the second epoch changes nothing."""
    X = hop.random_patterns(1, 7, generator=_gen(13), dtype=torch.float64)
    W, ok = hop.perceptron_weights(X, margin=0.5)
    assert ok and torch.allclose(W, hop.hebbian_weights(X), rtol=0, atol=1e-15)


def test_orders_must_hold_non_negative_whole_numbers():
    with pytest.raises(ValueError, match=r"^orders must hold whole numbers >= 0, got \[\[0\.0, -1\.0\]\]"):
        hop.run_async(torch.zeros(2, 2), torch.ones(2), orders=[[0.0, -1.0]])


def test_sync_dynamics_keep_half_precision():
    """float16 states stay float16 through run_sync and retrieve_sync (the ±1 updates take the states' dtype)."""
    W = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    final, _ = hop.run_sync(W, torch.tensor([1.0, -1.0, -1.0], dtype=torch.float16))
    assert final.dtype == torch.float16
    X = hop.random_patterns(3, 10, trials=2, generator=_gen(14), dtype=torch.float16)
    assert hop.retrieve_sync(X).dtype == torch.float16


def test_run_sync_detects_each_two_cycle_on_its_own():
    """Units 0 and 1 swap, unit 2 has field 0 (→ +1). By hand: (1, −1, −1) → (−1, 1, 1) → (1, −1, 1)
    → (−1, 1, 1) closes its 2-cycle at step 3; (1, −1, 1) → (−1, 1, 1) → (1, −1, 1) closes at step 2."""
    W = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    final, period = hop.run_sync(W, torch.tensor([[1.0, -1.0, -1.0], [1.0, -1.0, 1.0]]))
    assert final.tolist() == [[-1.0, 1.0, 1.0], [1.0, -1.0, 1.0]] and period.tolist() == [2, 2]


def test_retrieve_sync_equals_run_sync_where_two_cycles_occur():
    """At load 6/8 many corrupted starts fall into 2-cycles whose two states have different overlaps; the
    low-rank retrieval stops on the same state as run_sync."""
    X = hop.random_patterns(6, 8, trials=20, generator=_gen(0), dtype=torch.float64)
    start = hop.corrupt(X, 0.25, generator=_gen(100))
    W = hop.hebbian_weights(X, normalize=False)
    final, period = hop.run_sync(W, start, max_steps=30)
    other = torch.stack([hop.sync_step(W[t], final[t]) for t in range(20)])
    assert ((period == 2) & (hop.overlap(final, X) != hop.overlap(other, X))).sum() >= 5
    assert torch.equal(hop.retrieve_sync(X, flip_fraction=0.25, generator=_gen(100)), hop.overlap(final, X))


def test_learned_weights_update_a_unit_whose_field_equals_the_margin():
    """n = 4, margin ¾: after one update the aligned fields are exactly 3/4 = the margin, which still counts as
    failing (≤), so a second update doubles the weights: W = 2 (ξξᵀ − I)/4."""
    X = hop.random_patterns(1, 4, generator=_gen(15), dtype=torch.float64)
    W, ok = hop.perceptron_weights(X, margin=0.75)
    assert ok and torch.equal(W, 2 * hop.hebbian_weights(X))
