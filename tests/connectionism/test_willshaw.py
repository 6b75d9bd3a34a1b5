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
