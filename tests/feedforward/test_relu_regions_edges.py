"""Edges of edl.feedforward.relu_regions: boundaries, defaults, dtypes, batches and exact messages."""

import math
import warnings

import pytest
import torch

from edl.feedforward import relu_regions as rr

F64, F32 = torch.float64, torch.float32


def _lines_through(point, m):
    """m lines through ``point`` with the directions k pi / m (distinct, none parallel)."""
    theta = torch.arange(m, dtype=F64) * math.pi / m
    W = torch.stack([torch.cos(theta), torch.sin(theta)], 1)
    return W, -(W @ torch.tensor(point, dtype=F64))


# --- activations ----------------------------------------------------------------------------------------

def test_leaky_relu_default_slope_and_zero_slope():
    """The default slope is 0.01; epsilon = 0 is accepted and gives the ReLU itself."""
    z = torch.tensor([-3.0, -1.0, 0.0, 2.0], dtype=F64)
    assert torch.equal(rr.leaky_relu(z), rr.leaky_relu(z, 0.01))
    assert rr.leaky_relu(z).tolist() == [-0.03, -0.01, 0.0, 2.0]
    assert torch.equal(rr.leaky_relu(z, 0.0), torch.relu(z))


def test_zigzag_is_the_triangle_wave_in_float64():
    """On [0, 1], h(z) = |u - 2 round(u / 2)| with u = m z (slopes +-m); m = 1 is the ReLU; batches act row-wise."""
    z = torch.rand(200, generator=torch.Generator().manual_seed(0), dtype=F64)
    for m in (1, 3, 7):
        u = m * z
        assert float((rr.zigzag_layer(z, m) - (u - 2 * torch.round(u / 2)).abs()).abs().max()) < 1e-13
    x = torch.tensor([-1.0, 0.5, 2.0], dtype=F64)
    assert torch.equal(rr.zigzag_layer(x, 1), torch.relu(x))
    batch = z.reshape(4, 50)
    assert torch.equal(rr.zigzag_layer(batch, 3), torch.stack([rr.zigzag_layer(row, 3) for row in batch]))


def test_montufar_net_starts_with_slope_three_tenths_and_acts_row_wise():
    """Below every knot (all >= 0.05) only the linear term 0.3 z is left; a batch equals its rows."""
    x = torch.tensor([0.0, 0.01, 0.04], dtype=F64)
    y = rr.montufar_net(x, 3, 1, generator=torch.Generator().manual_seed(0))
    assert float((y - 0.3 * x).abs().max()) < 1e-15
    x = torch.linspace(0, 1, 12, dtype=F64).reshape(3, 4)
    batch = rr.montufar_net(x, 2, 2, generator=torch.Generator().manual_seed(1))
    rows = [rr.montufar_net(r, 2, 2, generator=torch.Generator().manual_seed(1)) for r in x]
    assert torch.equal(batch, torch.stack(rows))


# --- patterns: H(0) = 0 ------------------------------------------------------------------------------------

def test_a_point_on_a_hyperplane_is_inactive():
    """H is the strict step: a unit whose pre-activation is exactly 0 is off (pattern False, Jacobian row 0)."""
    W, b = torch.eye(2, dtype=F64), torch.tensor([0.0, -1.0], dtype=F64)
    x = torch.tensor([[0.0, 1.0], [2.0, 1.0]], dtype=F64)   # on both lines, then on the second
    assert rr.activation_patterns(W, b, x).tolist() == [[False, False], [True, False]]
    assert rr.relu_layer_jacobian(W, b, x).tolist() == [[[0.0, 0.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 0.0]]]
    assert rr.deep_activation_patterns([(W, b)], x).tolist() == [[False, False], [True, False]]


def test_deep_patterns_of_one_point():
    """A single point (shape (n,)) gives one concatenated pattern of shape (sum m_l,)."""
    layers = [(torch.eye(2, dtype=F64), torch.zeros(2, dtype=F64)), (torch.tensor([[1.0, -1.0]], dtype=F64),
                                                                      torch.tensor([0.5], dtype=F64))]
    assert rr.deep_activation_patterns(layers, [1.0, -1.0]).tolist() == [True, False, True]


def test_pattern_codes_of_one_pattern_of_a_batch_and_at_the_limit():
    """One 1-D pattern gives one code; a (2, 2, 3) batch equals its rows; 62 units are the most accepted."""
    assert int(rr.pattern_codes([1, 0, 1])) == 5
    p = torch.tensor([[[1, 0, 1], [0, 1, 1]], [[1, 1, 1], [0, 0, 0]]], dtype=torch.bool)
    assert rr.pattern_codes(p).tolist() == [[5, 6], [7, 0]]
    assert int(rr.pattern_codes(torch.ones(62, dtype=torch.bool))) == 2**62 - 1
    with pytest.raises(ValueError, match=r"^patterns must have at most 62 units, got 63$"):
        rr.pattern_codes(torch.ones(1, 63, dtype=torch.bool))
    with pytest.raises(ValueError, match=r"^patterns must have at most 62 units, got 63$"):
        rr.pattern_codes(torch.ones(63, dtype=torch.bool))


# --- counts --------------------------------------------------------------------------------------------------

def test_grid_count_defaults_see_a_thin_strip():
    """The strip 0.02 < x < 0.03 holds the point -10 + 20 * 200/399 of the default 400-point grid on [-10, 10],
    but no point of a 401-point grid or of a grid on [-10, 11]: 3 patterns with the defaults, 2 without."""
    W, b = [[1.0, 0.0], [1.0, 0.0]], [-0.02, -0.03]
    assert rr.count_regions_grid(W, b) == rr.count_regions_grid(W, b, -10.0, 10.0, 400) == 3
    assert rr.count_regions_grid(W, b, resolution=401) == rr.count_regions_grid(W, b, hi=11.0) == 2


def test_lp_count_default_box_and_margin():
    """The half-plane x > 10000.5 lies outside the default box ||x||_inf <= 1e4; the strip 0 < x < 1 has
    inradius 1/2, so it counts only for a margin below 1/2 (whichever sign pattern names it)."""
    assert rr.count_regions_lp([[1.0, 0.0]], [-10000.5]) == 1
    assert rr.count_regions_lp([[1.0, 0.0]], [-10000.5], box=2e4) == 2
    for W, b in (([[1.0, 0.0], [-1.0, 0.0]], [0.0, 1.0]), ([[-1.0, 0.0], [1.0, 0.0]], [0.0, -1.0])):
        assert rr.count_regions_lp(W, b, margin=0.25) == 3
        assert rr.count_regions_lp(W, b, margin=0.5) == rr.count_regions_lp(W, b, margin=0.75) == 2


def test_lp_count_refuses_a_margin_of_one_or_more():
    """t is capped at 1, so a margin >= 1 would silently count no region at all."""
    assert rr.count_regions_lp(torch.eye(2, dtype=F64), torch.zeros(2, dtype=F64), margin=0.99) == 4
    with pytest.raises(ValueError, match=r"^margin must be below 1"):
        rr.count_regions_lp(torch.eye(2, dtype=F64), torch.zeros(2, dtype=F64), margin=1.0)


def test_plane_count_for_concurrent_lines_off_the_origin():
    """m distinct lines through one point cut the plane into 2m regions (here m = 3 and 9, through (1, -2))."""
    for m in (3, 9):
        W, b = _lines_through([1.0, -2.0], m)
        assert rr.count_regions_plane(W, b) == 2 * m
    W, b = _lines_through([0.5, 3.0], 3)
    W, b = torch.cat([W, torch.tensor([[1.0, 0.0]], dtype=F64)]), torch.cat([b, torch.tensor([2.0], dtype=F64)])
    assert rr.count_regions_plane(W, b) == 6 + 3 == rr.count_regions_lp(W, b)  # a 4th line crosses the 3 apart


def test_plane_count_with_one_crossing_or_none():
    """Two crossing lines: 4 regions; m parallel lines: m + 1, also with tol = 0."""
    assert rr.count_regions_plane(torch.eye(2, dtype=F64), torch.tensor([1.0, 2.0], dtype=F64)) == 4
    W, b = torch.tensor([[1.0, 1.0]] * 3, dtype=F64), torch.tensor([0.0, 1.0, 2.0], dtype=F64)
    assert rr.count_regions_plane(W, b) == rr.count_regions_plane(W, b, tol=0.0) == 4


def test_plane_count_tolerance_is_an_angle():
    """Two lines count as parallel when |sin angle| <= tol, whatever the lengths of their normals, and the
    test is made pair by pair (a third line does not change it)."""
    assert rr.count_regions_plane([[10.0, 0.0], [10.0, 1e-3]], [0.0, 1.0], tol=1e-3) == 3   # sin = 1e-4
    assert rr.count_regions_plane([[1.0, 0.0], [1.0, 1e-3]], [0.0, 1.0], tol=1e-5) == 4
    W, b = [[1.0, 0.0], [1.0, 0.01], [0.0, 1.0]], [0.0, 1.0, 2.0]   # sin of the first pair about 0.01
    assert rr.count_regions_plane(W, b, tol=0.007) == 7 == rr.count_regions_lp(W, b)


def test_count_pieces_thresholds():
    """A slope change counts when it exceeds rtol times max(1, largest |slope|), strictly."""
    x = torch.tensor([0.0, 1.0, 2.0], dtype=F64)
    assert rr.count_pieces_1d(x, torch.tensor([0.0, 0.0, 1.5e-6], dtype=F64)) == 2   # scale 1
    assert rr.count_pieces_1d(x, torch.tensor([0.0, 0.0, 0.5], dtype=F64), rtol=0.5) == 1   # exactly at the bar
    x4 = torch.arange(4, dtype=F64)
    assert rr.count_pieces_1d(x4, torch.tensor([0.0, 10.0, 20.0, 31.0], dtype=F64), rtol=0.5) == 1   # 1 <= 5
    assert rr.count_pieces_1d(x4, torch.tensor([0.0, 10.0, 20.0, 31.0], dtype=F64), rtol=0.0) == 2
    assert rr.count_pieces_1d([0.0, 1.0], [3.0, 5.0]) == 1   # two points: one piece


# --- bounds -----------------------------------------------------------------------------------------------------

def test_bounds_at_their_smallest_arguments():
    """L = 1 is Zaslavsky's count; m = n is allowed in Montufar's bound; m = 1 piece bounds by length^2/8 f''."""
    assert rr.deep_relu_upper_bound(4, 2, 1) == rr.zaslavsky_bound(4, 2) == 11
    assert rr.montufar_lower_bound(2, 2, 3) == 4   # floor(2/2)^(2*2) * (1 + 2 + 1)
    assert rr.interpolation_error_bound(1, 8.0) == 1.0
    assert rr.interpolation_error_bound(2, 0.0) == 0.0
    assert rr.zaslavsky_bound(3, 0) == 1


def test_random_relu_net_smallest_sizes_he_scale_and_dtype():
    """n = 1 and width 1 are accepted; W has variance 2 / fan_in and b variance 1 (He scaling, 100000 draws)."""
    (W, b), = rr.random_relu_net(1, [1], generator=torch.Generator().manual_seed(0))
    assert W.shape == (1, 1) and b.shape == (1,)
    (W, b), = rr.random_relu_net(50, [2000], generator=torch.Generator().manual_seed(0))
    assert abs(float(W.var()) / (2 / 50) - 1) < 0.03 and abs(float(b.var()) - 1) < 0.15
    (W, b), = rr.random_relu_net(2, [3], generator=torch.Generator().manual_seed(0), dtype=F32)
    assert W.dtype == b.dtype == F32


# --- hinges --------------------------------------------------------------------------------------------------------

def test_hinge_coefficients_off_the_origin_and_of_two_knots():
    """g through (1, 3) and (2, 5): a = 2 and b = 3 - 2 * 1 = 1, no interior knot."""
    a, b, c = rr.hinge_coefficients([1.0, 2.0], [3.0, 5.0])
    assert (float(a), float(b), c.tolist()) == (2.0, 1.0, [])


def test_hinge_evaluate_and_maxout_act_on_batches():
    """A batch of points equals the points one at a time."""
    x = torch.tensor([[0.0, 0.5, 1.0], [1.5, 2.0, -1.0]], dtype=F64)
    c, knots = torch.tensor([-2.0, 1.0], dtype=F64), torch.tensor([1.0, 1.5], dtype=F64)
    batch = rr.hinge_evaluate(x, 1.0, 0.5, c, knots)
    assert torch.equal(batch, torch.stack([rr.hinge_evaluate(r, 1.0, 0.5, c, knots) for r in x]))
    assert batch[0].tolist() == [0.5, 1.0, 1.5]   # 0.5 + x up to the first knot, at 1
    pts = torch.randn(2, 3, 2, generator=torch.Generator().manual_seed(0), dtype=F64)
    theta, bias = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], dtype=F64), torch.zeros(3, dtype=F64)
    out = rr.maxout(pts, theta, bias)
    assert out.shape == (2, 3)
    assert torch.equal(out, torch.stack([rr.maxout(p, theta, bias) for p in pts]))


def test_lists_and_other_dtypes_follow_the_tensor_they_go_with():
    """float32 weights make list biases and points float32; maxout casts its pieces to the points' dtype;
    float16 and float32 stay as they are through the hinge functions."""
    W = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=F32)
    assert rr.activation_patterns(W, [0.0, -1.0], [[1.0, 2.0]]).tolist() == [[True, True]]
    assert rr.relu_layer_jacobian(W, [0.0, -1.0], [1.0, 2.0]).dtype == F32
    assert rr.count_regions_grid(W, [0.0, 0.0], resolution=11) == 4
    x = torch.tensor([0.5, 1.5], dtype=F32)
    assert rr.hinge_evaluate(x, 1.0, 0.0, [-2.0], [1.0]).dtype == F32
    assert rr.maxout([[2.0, 1.0]], W, torch.zeros(2, dtype=F32)).dtype == F64
    (s1, t1), (s2, t2) = rr.dc_split(0.0, 0.0, torch.tensor([1.0, -1.0], dtype=F32), [0.0, 1.0])
    assert {s1.dtype, t1.dtype, s2.dtype, t2.dtype} == {F32}
    (s1, t1), (s2, t2) = rr.dc_split(0.0, 0.0, torch.tensor([1.0, -1.0], dtype=torch.float16), [0.0, 1.0])
    assert {s1.dtype, t1.dtype, s2.dtype, t2.dtype} == {torch.float16}
    assert s2.tolist() == [0.0, 0.0, 1.0] and t2.tolist() == [0.0, 0.0, -1.0]


def test_grid_points_warns_nothing():
    """The grid is built without a warning (the meshgrid indexing is given)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert rr.grid_points(0.0, 1.0, 3).shape == (9, 2)


# --- refusals ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, message", [
    (lambda: rr.grid_points(1.0, 1.0, 3), r"^lo must be below hi, got lo=1\.0, hi=1\.0$"),
    (lambda: rr.grid_points(0.0, 1.0, 3, dtype=torch.int64), r"^dtype must be a floating dtype, got torch\.int64$"),
    (lambda: rr.random_relu_net(2, [3], dtype=torch.int32), r"^dtype must be a floating dtype, got torch\.int32$"),
    (lambda: rr.random_relu_net(2, [3], generator="seed"), r"^generator must be a torch\.Generator or None"),
    (lambda: rr.count_pieces_1d([0.0], [1.0]), r"^x must hold at least 2 points, got \[0\.0\]$"),
    (lambda: rr.count_pieces_1d([0.0, 1.0, 1.0], [0.0, 1.0, 2.0]), r"^x must be strictly increasing"),
    (lambda: rr.count_pieces_1d([0.0, 1.0, 2.0], [0.0, 1.0]), r"^x and y must have the same shape"),
    (lambda: rr.dc_split(0.0, 0.0, [1.0, 1.0], [1.0, 1.0]), r"^interior_knots must be strictly increasing"),
    (lambda: rr.dc_split(0.0, 0.0, [1.0], [0.0, 1.0]), r"^c and interior_knots must have the same shape"),
    (lambda: rr.hinge_coefficients([0.0], [1.0]), r"^knots must be strictly increasing with at least 2 entries"),
    (lambda: rr.count_regions_plane([[1.0, 0.0]], [0.0, 1.0]), r"^b must have shape \(1,\) to match W, got"),
    (lambda: rr.deep_activation_patterns({"W": 1}, [1.0]), r"^layers must be a non-empty list of \(W, b\) pairs, "
                                                           r"got \{'W': 1\}$"),
    (lambda: rr.deep_activation_patterns([(torch.eye(2), torch.zeros(2), 0)], [1.0, 2.0]),
     r"^layers\[0\] must be a pair \(W, b\), got \(tensor"),
    (lambda: rr.deep_activation_patterns([(torch.eye(2), torch.zeros(2))], 1.0),
     r"^layers\[0\]\[0\] must have \? columns to take x, got shape \(2, 2\)$"),
    (lambda: rr.deep_activation_patterns([(torch.eye(2), torch.zeros(2))], [1.0, 2.0, 3.0]),
     r"^layers\[0\]\[0\] must have 3 columns to take x, got shape \(2, 2\)$"),
    (lambda: rr.deep_activation_patterns([(torch.eye(2), torch.zeros(2)), (torch.eye(2), torch.zeros(2)),
                                          (torch.ones(1, 3), torch.zeros(1))], [1.0, 2.0]),
     r"^layers\[2\]\[0\] must have 2 columns to take the output of layers\[1\], got shape \(1, 3\)$"),
])
def test_refusals_name_the_argument_and_the_sizes(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_deep_patterns_take_the_dtype_of_the_first_layer():
    """Points given as a list take the dtype of float32 layers (they were float64 and the product failed)."""
    layers = [(torch.eye(2, dtype=F32), torch.zeros(2, dtype=F32)), (torch.ones(1, 2, dtype=F32), torch.zeros(1, dtype=F32))]
    assert rr.deep_activation_patterns(layers, [[1.0, -2.0]]).tolist() == [[True, False, True]]


def test_random_draws_come_from_the_generator_alone():
    """One seed gives the same net and the same Montufar function whatever the global generator holds."""
    torch.manual_seed(1)
    a = rr.random_relu_net(2, [3, 2], generator=torch.Generator().manual_seed(7))
    m1 = rr.montufar_net(torch.linspace(0, 1, 9, dtype=F64), 3, 2, generator=torch.Generator().manual_seed(7))
    torch.manual_seed(2)
    b = rr.random_relu_net(2, [3, 2], generator=torch.Generator().manual_seed(7))
    m2 = rr.montufar_net(torch.linspace(0, 1, 9, dtype=F64), 3, 2, generator=torch.Generator().manual_seed(7))
    assert all(torch.equal(p, q) for la, lb in zip(a, b) for p, q in zip(la, lb)) and torch.equal(m1, m2)
    assert {t.dtype for layer in a for t in layer} == {F64}   # the default dtype, for W and b alike


def test_rounding_follows_the_dtype_of_the_weights():
    """A list bias is rounded to float32 beside float32 weights: -0.99999999999 becomes -1, so the point x = 1
    sits on the hyperplane (inactive); maxout rounds float64 pieces to float32 points."""
    assert rr.activation_patterns(torch.tensor([[1.0]]), [-0.99999999999], [[1.0]]).tolist() == [[False]]
    assert rr.activation_patterns(torch.tensor([[1.0]], dtype=F64), [-0.99999999999], [[1.0]]).tolist() == [[True]]
    out = rr.maxout(torch.tensor([[2.0, 1.0]]), torch.eye(2, dtype=F64), torch.tensor([0.1, 0.2], dtype=F64))
    assert out.dtype == F32 and out.tolist() == [torch.tensor(2.1, dtype=F32).item()]


def test_lp_margin_zero_and_plane_count_at_a_unit_point():
    """margin = 0 is accepted; three lines through (1, 0) give 6 regions (the merging scale is positive there)."""
    assert rr.count_regions_lp(torch.eye(2, dtype=F64), torch.zeros(2, dtype=F64), margin=0.0) == 4
    assert rr.count_regions_plane([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [-1.0, 0.0, -1.0]) == 6


def test_grid_points_refuses_an_unknown_device_by_name():
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nowhere'$"):
        rr.grid_points(0.0, 1.0, 2, device="nowhere")


def test_pattern_codes_refuses_entries_other_than_zero_and_one():
    with pytest.raises(ValueError, match=r"^patterns must hold 0/1 \(or bool\) entries along a last axis, "
                                         r"got tensor\(\[2\., 0\.\]\)$"):
        rr.pattern_codes([2, 0])
