"""Tests of edl.feedforward.relu_regions and the relu.* checks (edl.feedforward.checks.relu_regions)."""


import numpy as np
import pytest
import torch

from edl.feedforward import relu_regions as rr
from edl.core.ledger import catalogue, errata_entries, formula_entries

IDS = sorted(i for i in catalogue.formulas() if i.startswith("relu."))
F64 = torch.float64


def test_every_relu_formula_is_registered():
    assert len(IDS) == 6 and set(IDS) <= set(formula_entries())
    assert "ch01-03:E24" in errata_entries()


def test_counts_and_bounds_small_cases():
    assert [rr.zaslavsky_bound(m, 2) for m in range(5)] == [1, 2, 4, 7, 11]
    assert rr.zaslavsky_bound(3, 5) == 8  # m <= n: every pattern occurs
    assert rr.cover_count(4, 2) == 8 and rr.cover_count(3, 3) == 8
    assert rr.montufar_lower_bound(3, 1, 2) == 12 and rr.montufar_lower_bound(4, 2, 2) == 4 * 11


def test_lp_plane_and_grid_counts_agree_for_general_position_lines():
    g = torch.Generator().manual_seed(0)
    W, b = torch.randn(5, 2, generator=g, dtype=F64), torch.randn(5, generator=g, dtype=F64)
    exact = rr.count_regions_lp(W, b)
    assert exact == rr.count_regions_plane(W, b) == rr.zaslavsky_bound(5, 2) == 16
    assert rr.count_regions_grid(W, b, -6, 6, 200) <= exact
    assert rr.count_regions_lp(W, torch.zeros_like(b)) == rr.count_regions_plane(W, torch.zeros_like(b)) == 10


def test_plane_count_handles_parallel_and_concurrent_lines():
    W = torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=F64)
    assert rr.count_regions_plane(W, torch.tensor([0.0, -1.0, 0.0], dtype=F64)) == 6  # two parallel + one crossing
    W3 = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=F64)
    assert rr.count_regions_plane(W3, torch.zeros(3, dtype=F64)) == 6 == rr.count_regions_lp(W3, torch.zeros(3, dtype=F64))


def test_activation_patterns_batched_equals_loop():
    g = torch.Generator().manual_seed(1)
    W, b, x = torch.randn(6, 3, generator=g), torch.randn(6, generator=g), torch.randn(50, 3, generator=g)
    batched = rr.activation_patterns(W, b, x)
    loop = torch.stack([(W @ xi + b) > 0 for xi in x])
    assert torch.equal(batched, loop)
    codes = rr.pattern_codes(batched)
    assert torch.equal(codes, torch.tensor([sum(int(v) << i for i, v in enumerate(row)) for row in batched.tolist()]))


def test_deep_patterns_refine_first_layer():
    layers = rr.random_relu_net(2, [4, 4], generator=torch.Generator().manual_seed(2))
    x = rr.grid_points(-3, 3, 60)
    deep = rr.deep_activation_patterns(layers, x)
    assert deep.shape == (3600, 8)
    assert torch.equal(deep[:, :4], rr.activation_patterns(*layers[0], x))


def test_zigzag_and_montufar_piece_counts():
    x = torch.linspace(0, 1, 30001, dtype=F64)
    z = rr.zigzag_layer(rr.zigzag_layer(x, 3), 3)
    assert rr.count_pieces_1d(x, z) == 9
    assert float(z.min()) >= -1e-12 and float(z.max()) <= 1 + 1e-12
    y = rr.montufar_net(x, 2, 3, generator=torch.Generator().manual_seed(0))
    assert rr.count_pieces_1d(x, y) == rr.montufar_lower_bound(2, 1, 3) == 12


def test_hinge_roundtrip_and_dc_split():
    knots = torch.tensor([0.0, 0.2, 0.5, 0.9, 1.0], dtype=F64)
    values = torch.tensor([1.0, -1.0, 2.0, 0.0, 0.5], dtype=F64)
    a, b, c = rr.hinge_coefficients(knots, values)
    x = torch.linspace(0, 1, 501, dtype=F64)
    g = rr.hinge_evaluate(x, a, b, c, knots[1:-1])
    np.testing.assert_allclose(g.numpy(), np.interp(x.numpy(), knots.numpy(), values.numpy()), atol=1e-12)
    (s1, t1), (s2, t2) = rr.dc_split(a, b, c, knots[1:-1])
    f = rr.maxout(x[:, None], s1[:, None], t1) - rr.maxout(x[:, None], s2[:, None], t2)
    torch.testing.assert_close(f, g)


def test_activations_follow_dtype_and_match_torch():
    z = torch.linspace(-4, 4, 81, dtype=torch.float32)
    for ours, ref in ((rr.softplus(z), torch.nn.functional.softplus(z)), (rr.elu(z), torch.nn.functional.elu(z)),
                      (rr.leaky_relu(z, 0.2), torch.nn.functional.leaky_relu(z, 0.2))):
        assert ours.dtype == torch.float32
        torch.testing.assert_close(ours, ref)
    low, high = rr.relu_subdifferential(torch.tensor([-1.0, 0.0, 1.0]))
    assert low.tolist() == [0.0, 0.0, 1.0] and high.tolist() == [0.0, 1.0, 1.0]


def test_layer_jacobian_batched_equals_autograd():
    g = torch.Generator().manual_seed(3)
    W, b, x = torch.randn(5, 3, generator=g, dtype=F64), torch.randn(5, generator=g, dtype=F64), torch.randn(4, 3, generator=g, dtype=F64)
    J = rr.relu_layer_jacobian(W, b, x)
    for i in range(4):
        torch.testing.assert_close(J[i], torch.autograd.functional.jacobian(lambda u: torch.relu(W @ u + b), x[i]))


@pytest.mark.parametrize("call, name", [
    (lambda: rr.zaslavsky_bound(-1, 2), "m"),
    (lambda: rr.cover_count(3, 0), "n"),
    (lambda: rr.count_regions_plane(torch.ones(3, 3), torch.ones(3)), "W"),
    (lambda: rr.count_regions_lp(torch.ones(17, 2), torch.ones(17)), "W"),
    (lambda: rr.montufar_lower_bound(1, 2, 2), "m"),
    (lambda: rr.hinge_coefficients([0.0, 0.0, 1.0], [1.0, 2.0, 3.0]), "knots"),
    (lambda: rr.zigzag_layer([0.5], 0), "m"),
    (lambda: rr.grid_points(0, 1, 1), "resolution"),
    (lambda: rr.activation_patterns(torch.ones(3), torch.ones(3), torch.ones(2, 3)), "W"),
])
def test_bad_inputs_raise_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()
