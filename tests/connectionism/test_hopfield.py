"""Tests of edl.connectionism.hopfield and its registered checks (edl.connectionism.checks.hopfield)."""

import math

import numpy as np
import pytest
import scipy.stats
import torch

from edl.connectionism import hopfield as hop
from edl.connectionism.checks.hopfield import exact_unstable_probability
from edl.core.ledger import catalogue, errata_entries, formula_entries

IDS = sorted(i for i in catalogue.formulas() if i.startswith(("hopfield.", "willshaw.")))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id in IDS)


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


def _symmetric(n, seed=0, nets=None):
    g = _gen(seed)
    shape = (n, n) if nets is None else (nets, n, n)
    A = torch.randn(shape, generator=g, dtype=torch.float64)
    W = (A + A.transpose(-1, -2)) / 2
    return W - torch.diag_embed(torch.diagonal(W, dim1=-2, dim2=-1))


def test_every_id_and_erratum_is_registered():
    assert len(IDS) == 10 and len(ERRATA) == 8
    assert set(IDS) <= set(formula_entries())
    assert set(ERRATA) <= set(errata_entries())
    assert all(formula_entries()[i].notebook == "ch01_connectionism" for i in IDS)


# --- energy and dynamics -------------------------------------------------------------------------

def test_energy_matches_double_sum_and_ignores_diagonal():
    W = _symmetric(6, 1)
    W_diag = W + torch.diag(torch.arange(6.0, dtype=torch.float64))
    x = hop.sign(torch.randn(4, 6, generator=_gen(2), dtype=torch.float64))
    b = torch.randn(6, generator=_gen(3), dtype=torch.float64)
    manual = torch.stack([-0.5 * sum(W[i, j] * s[i] * s[j] for i in range(6) for j in range(6) if i != j) - b @ s
                          for s in x])
    torch.testing.assert_close(hop.energy(W, x, b), manual)
    torch.testing.assert_close(hop.energy(W_diag, x, b), manual)


def test_update_never_raises_energy():
    W = _symmetric(20, 4, nets=50)
    b = torch.randn(50, 20, generator=_gen(5), dtype=torch.float64)
    x = hop.sign(torch.randn(50, 20, generator=_gen(6), dtype=torch.float64))
    for i in list(range(20)) * 2:
        new = hop.update_unit(W, x, i, b)
        assert (hop.energy(W, new, b) <= hop.energy(W, x, b) + 1e-12).all()
        x = new


def test_batched_field_equals_loop():
    W = _symmetric(7, 7, nets=3)
    x = hop.sign(torch.randn(3, 5, 7, generator=_gen(8), dtype=torch.float64))
    loop = torch.stack([torch.stack([W[t] @ x[t, p] for p in range(5)]) for t in range(3)])
    torch.testing.assert_close(hop.local_field(W, x), loop)


def _async_reference(W, x, orders):
    """Sequential asynchronous updates, one unit at a time, in plain Python."""
    x = x.copy()
    for order in orders:
        moved = False
        for i in order:
            new = 1.0 if W[i] @ x >= 0 else -1.0
            moved |= new != x[i]
            x[i] = new
        if not moved:
            break
    return x


def test_run_async_equals_sequential_loop():
    W = _symmetric(25, 9, nets=4)
    x = hop.sign(torch.randn(4, 3, 25, generator=_gen(10), dtype=torch.float64))
    orders = torch.stack([torch.randperm(25, generator=_gen(11 + k)) for k in range(30)])
    final, done = hop.run_async(W, x, orders=orders)
    assert done.all()
    for t in range(4):
        for p in range(3):
            ref = _async_reference(W[t].numpy(), x[t, p].numpy(), orders.tolist())
            assert np.array_equal(final[t, p].numpy(), ref)


def test_run_sync_two_cycle_and_fixed_point():
    W = torch.tensor([[0.0, 1.0], [1.0, 0.0]])
    final, period = hop.run_sync(W, torch.tensor([[1.0, -1.0], [1.0, 1.0]]))
    assert period.tolist() == [2, 1]
    assert final[1].tolist() == [1.0, 1.0]


def test_sign_tie_rule():
    assert hop.sign(torch.tensor([0.0, -0.0, -1e-30])).tolist() == [1.0, 1.0, -1.0]


# --- Hebbian storage and capacity ----------------------------------------------------------------

def test_hebbian_weights_zero_diagonal_and_integer_form():
    X = hop.random_patterns(5, 12, generator=_gen(12), dtype=torch.float64)
    W = hop.hebbian_weights(X)
    assert (W.diagonal() == 0).all()
    torch.testing.assert_close(12 * W, hop.hebbian_weights(X, normalize=False))
    torch.testing.assert_close(W, W.T)


def test_aligned_fields_and_unstable_fraction_match_explicit_weights():
    X = hop.random_patterns(20, 60, trials=3, generator=_gen(13), dtype=torch.float64)
    W = hop.hebbian_weights(X)
    fields = X @ W.transpose(-1, -2)
    torch.testing.assert_close(hop.aligned_fields(X), X * fields)
    integer = X @ hop.hebbian_weights(X, normalize=False).transpose(-1, -2)  # exact ties at 0
    torch.testing.assert_close(hop.unstable_fraction(X), (hop.sign(integer) != X).double().mean((-2, -1)))


def test_float32_and_float64_agree_exactly():
    X = hop.random_patterns(40, 200, trials=2, generator=_gen(14))
    counts32 = (hop.unstable_fraction(X).double() * 40 * 200).round()  # unstable bits per set
    assert torch.equal(counts32, (hop.unstable_fraction(X.double()) * 40 * 200).round())


def test_unstable_probability_against_exact_law():
    for alpha in (0.1, 0.2):
        exact = exact_unstable_probability(round(alpha * 2000), 2000)
        assert math.isclose(float(hop.unstable_probability(alpha)), exact, rel_tol=0.2)
    assert math.isclose(float(hop.unstable_probability(0.5)), scipy.stats.norm.cdf(-math.sqrt(2)), rel_tol=1e-6)


def test_pattern_stable_agrees_with_weights():
    X = hop.random_patterns(30, 100, trials=20, generator=_gen(15), dtype=torch.float64)
    W = hop.hebbian_weights(X)
    expected = (hop.sign((W @ X[:, 0].unsqueeze(-1)).squeeze(-1)) == X[:, 0]).all(-1)
    assert torch.equal(hop.pattern_stable(X), expected)


def test_perfect_recall_threshold_values():
    assert math.isclose(hop.perfect_recall_threshold(1000), 1000 / (2 * math.log(1000)))
    assert math.isclose(hop.perfect_recall_threshold(1000, all_patterns=True), 1000 / (4 * math.log(1000)))
    assert float(hop.perfect_recall_probability(20, 1000)) > 0.999


def test_retrieval_below_and_above_capacity():
    g = _gen(16)
    low = hop.retrieve_async(hop.random_patterns(40, 500, trials=3, generator=g), probes=2, generator=g)
    high = hop.retrieve_async(hop.random_patterns(125, 500, trials=3, generator=g), probes=2, generator=g)
    assert low.shape == (3, 2) and float(low.mean()) > 0.98 and float(high.mean()) < 0.6


def test_retrieve_sync_matches_explicit_weights():
    g = _gen(17)
    X = hop.random_patterns(30, 200, trials=2, generator=g, dtype=torch.float64)
    m = hop.retrieve_sync(X, probes=3)
    theta = hop.hebbian_weights(X, normalize=False)
    final, _ = hop.run_sync(theta, X[:, :3].clone())
    torch.testing.assert_close(m, hop.overlap(final, X[:, :3]))


def test_corrupt_flips_exact_count():
    y = hop.corrupt(torch.ones(3, 50), 0.2, generator=_gen(18))
    assert (y == -1).sum(-1).tolist() == [10, 10, 10]


def test_perceptron_weights_store_half_load():
    X = hop.random_patterns(40, 80, generator=_gen(19), dtype=torch.float64)
    W, ok = hop.perceptron_weights(X)
    assert ok and (W.diagonal() == 0).all()
    assert (hop.sign(X @ W.T) == X).all()
    assert float(hop.unstable_fraction(X)) > 0.02  # Hebbian weights fail at the same load


def test_stable_unit_probability_is_binomial_cdf():
    for s, n in ((30, 20), (38, 20), (46, 20), (10, 3)):
        assert math.isclose(hop.stable_unit_probability(s, n), scipy.stats.binom.cdf(n - 2, s - 1, 0.5), rel_tol=1e-12)


def test_device_and_dtype_follow_input():
    X = hop.random_patterns(4, 10, generator=_gen(20), dtype=torch.float64)
    assert hop.hebbian_weights(X).dtype == torch.float64
    assert hop.energy(hop.hebbian_weights(X), X).dtype == torch.float64
    X32 = X.float()
    assert hop.aligned_fields(X32).dtype == torch.float32
    if torch.cuda.is_available():
        assert hop.unstable_fraction(X.cuda()).device.type == "cuda"


# --- bad input -----------------------------------------------------------------------------------

BAD = [
    (hop.energy, (torch.zeros(3, 3), torch.tensor([1.0, 0.5, 1.0])), {}, "x"),
    (hop.energy, (torch.zeros(2, 2), torch.ones(3)), {}, "W"),
    (hop.energy, (torch.full((3, 3), float("nan")), torch.ones(3)), {}, "W"),
    (hop.local_field, (torch.zeros(3, 3), torch.ones(3)), {"b": torch.ones(4)}, "b"),
    (hop.update_unit, (torch.zeros(3, 3), torch.ones(3), 5), {}, "i"),
    (hop.run_async, (torch.zeros(3, 3), torch.ones(1, 3)), {"orders": [[0, 0, 1]]}, "orders"),
    (hop.run_async, (torch.zeros(3, 3), torch.ones(1, 3)), {"max_sweeps": 0}, "max_sweeps"),
    (hop.run_sync, (torch.zeros(3, 3), torch.ones(1, 3)), {"max_steps": 0}, "max_steps"),
    (hop.hebbian_weights, (torch.ones(4),), {}, "patterns"),
    (hop.hebbian_weights, (torch.zeros(2, 4),), {}, "patterns"),
    (hop.unstable_probability, (-0.1,), {}, "alpha"),
    (hop.pattern_stable, (torch.ones(2, 4),), {"index": 2}, "index"),
    (hop.perfect_recall_threshold, (1,), {}, "n"),
    (hop.perfect_recall_probability, (0.0, 100), {}, "s"),
    (hop.corrupt, (torch.ones(3),), {"flip_fraction": 1.5}, "flip_fraction"),
    (hop.retrieve_async, (torch.ones(2, 3, 4),), {"probes": 5}, "probes"),
    (hop.random_patterns, (0, 5), {}, "s"),
    (hop.stable_unit_probability, (10, 1), {}, "n"),
    (hop.perceptron_weights, (torch.ones(2, 2, 3),), {}, "patterns"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD)
def test_bad_input_names_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        fn(*args, **kwargs)
