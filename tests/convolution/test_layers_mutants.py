"""Edge cases of edl.convolution.layers that its mutation run exposed: kernels that exactly fit, the smallest
valid sizes, non-square inputs, dtypes kept, and which argument an error names."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from edl.convolution import layers as ly

F32 = torch.float32
F64 = torch.float64


# --- dilated_convolve ------------------------------------------------------------------------------------

def test_dilated_convolve_with_d_1_is_the_valid_convolution():
    """d = 1 is allowed and gives NumPy's valid convolution."""
    x, h = [1.0, 4.0, -2.0, 3.0, 0.5], [2.0, -1.0, 0.5]
    np.testing.assert_allclose(ly.dilated_convolve(x, h, 1).numpy(), np.convolve(x, h, "valid"), atol=1e-14)


def test_dilated_convolve_kernel_spanning_all_of_x_gives_one_output():
    """Span d(M-1)+1 = n fits: one output, y = h[0] x[4] + h[1] x[2] + h[2] x[0] = 5 + 2·3 + 3·1 (1-D), and the
    2-D analogue on a 3×3 image with a 2×2 kernel at d = 2 (only the corners)."""
    assert ly.dilated_convolve([1.0, 0.0, 3.0, 0.0, 5.0], [1.0, 2.0, 3.0], 2).tolist() == [14.0]
    X = [[1.0, 0.0, 2.0], [0.0, 0.0, 0.0], [3.0, 0.0, 4.0]]
    # y = h00 x[2,2] + h01 x[2,0] + h10 x[0,2] + h11 x[0,0] = 4 + 10·3 + 100·2 + 1000·1
    assert ly.dilated_convolve(X, [[1.0, 10.0], [100.0, 1000.0]], 2).tolist() == [[1234.0]]


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, F32])
def test_dilated_convolve_keeps_a_low_precision_dtype(dtype):
    """The output has the input's dtype (the accumulator must not be the default float32 or float64)."""
    x = torch.tensor([1.0, 2.0, 3.0, 4.0, 5.0], dtype=dtype)
    out = ly.dilated_convolve(x, [1.0, -1.0], 2)
    assert out.dtype == dtype
    assert out.float().tolist() == [2.0, 2.0, 2.0]


def test_dilated_convolve_list_kernel_takes_the_signal_dtype():
    """A list kernel is converted to the float32 signal's dtype before it is checked: 1e300 (inf in float32)
    is refused by name instead of silently producing inf."""
    with pytest.raises(ValueError, match=r"^h must be finite, got \[.*inf"):
        ly.dilated_convolve(torch.ones(5, dtype=F32), [1.0, 1e300], 2)


# --- pool2d -----------------------------------------------------------------------------------------------

def test_pool2d_of_a_three_axis_non_square_input_matches_torch():
    """(C, H, W) input is accepted, and the width of the output follows W (here W ≠ H)."""
    x = torch.randn(2, 5, 8, generator=torch.Generator().manual_seed(3), dtype=F64)
    out = ly.pool2d(x, 2)
    assert out.shape == (2, 2, 4)
    torch.testing.assert_close(out, F.max_pool2d(x, 2))
    torch.testing.assert_close(ly.pool2d(x[0], 3, 1, mode="avg"), F.avg_pool2d(x[:1], 3, 1)[0])


def test_pool2d_names_a_zero_stride_before_a_bad_mode():
    """s = 0 is refused as s (checked with r, before the mode), even when the mode is also wrong."""
    with pytest.raises(ValueError, match=r"^s must be at least 1, got 0$"):
        ly.pool2d([[1.0, 2.0], [3.0, 4.0]], 2, 0, mode="median")


# --- measured_receptive_field -------------------------------------------------------------------------------

def test_measured_receptive_field_sits_at_the_centre_unit_of_a_default_length_input():
    """Default n = 101 and dilation 1: a 3,3,3 stack has 95 outputs; the centre one (index 47) sees inputs
    47..53, contiguous."""
    g = ly.measured_receptive_field([3, 3, 3])
    assert g.shape == (101,)
    assert torch.nonzero(g).reshape(-1).tolist() == list(range(47, 54))


def test_measured_receptive_field_of_one_layer_is_a_centred_box():
    """One 3-tap layer on 7 inputs has 5 outputs; the centre (index 2) sees inputs 2, 3, 4 with weight 1."""
    assert ly.measured_receptive_field([3], n=7).tolist() == [0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]


def test_measured_receptive_field_smallest_inputs():
    """n = 1 with a 1-tap layer, and n equal to the kernel span: the whole input is the receptive field."""
    assert ly.measured_receptive_field([1], n=1).tolist() == [1.0]
    assert ly.measured_receptive_field([3], n=3).tolist() == [1.0, 1.0, 1.0]
    assert ly.measured_receptive_field([2], dilations=[3], n=4).tolist() == [1.0, 0.0, 0.0, 1.0]


@pytest.mark.parametrize("kernels, dilations, n", [([3], None, 2), ([2, 2], None, 2), ([2], [3], 3)])
def test_measured_receptive_field_names_a_too_short_input(kernels, dilations, n):
    """An input one sample shorter than a layer's span is refused as a ValueError naming n."""
    with pytest.raises(ValueError, match=rf"^n = {n} is too short for this stack: a layer has no output$"):
        ly.measured_receptive_field(kernels, dilations=dilations, n=n)


# --- separable_conv2d -----------------------------------------------------------------------------------------

def test_separable_conv2d_on_a_tall_image_with_kernel_filling_it():
    """u as long as the height and v_ as long as the width of a non-square image fit: one output, torch's conv2d."""
    g = torch.Generator().manual_seed(4)
    x, u, v = (torch.randn(*s, generator=g, dtype=F64) for s in ((3, 2), (3,), (2,)))
    out = ly.separable_conv2d(x, u, v)
    torch.testing.assert_close(out, F.conv2d(x[None, None], torch.outer(u, v)[None, None])[0, 0])
    assert out.shape == (1, 1)


def test_separable_conv2d_refuses_u_longer_than_the_height_of_a_wide_image():
    """u must fit the height (x.shape[0]), not the width."""
    with pytest.raises(ValueError, match=r"^u and v_ must fit into x, got lengths 3, 1 and x of shape \(2, 3\)$"):
        ly.separable_conv2d(torch.ones(2, 3, dtype=F64), [1.0, 1.0, 1.0], [1.0])


@pytest.mark.parametrize("u, v, name", [([1.0, 1e300], [1.0], "u"), ([1.0], [1.0, 1e300], "v_")])
def test_separable_conv2d_list_factors_take_the_image_dtype(u, v, name):
    """List factors are converted to the float32 image's dtype before they are checked: 1e300 is refused."""
    with pytest.raises(ValueError, match=rf"^{name} must be finite, got \[.*inf"):
        ly.separable_conv2d(torch.ones(3, 3, dtype=F32), u, v)


# --- conv_macs ----------------------------------------------------------------------------------------------

def count_macs(d: int, q: int, separable: bool) -> int:
    """Multiply-accumulates counted by looping over outputs and taps (independent of the closed form)."""
    o = d - q + 1
    if not separable:
        return sum(1 for _ in range(o * o) for _ in range(q * q))
    row_pass = sum(1 for _ in range(d) for _ in range(o) for _ in range(q))     # (d, o) intermediate
    col_pass = sum(1 for _ in range(o) for _ in range(o) for _ in range(q))
    return row_pass + col_pass


@pytest.mark.parametrize("d, q", [(1, 1), (4, 1), (3, 3), (6, 4)])
@pytest.mark.parametrize("separable", [False, True])
def test_conv_macs_at_the_edges_equals_counting(d, q, separable):
    """d = 1, q = 1 and q = d are valid; the counts equal an explicit loop over outputs and taps."""
    assert ly.conv_macs(d, q, separable=separable) == count_macs(d, q, separable)


def test_conv_macs_names_a_zero_image_size():
    """d = 0 is refused as d (not as q exceeding d)."""
    with pytest.raises(ValueError, match=r"^d must be at least 1, got 0$"):
        ly.conv_macs(0, 1)


# --- conv2d, conv1d, _pair -----------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: ly.conv2d(torch.ones(1, 3, 3, dtype=F32), [[[[1.0, 1e300]]]]),
    lambda: ly.conv1d(torch.ones(1, 3, dtype=F32), [[[1.0, 1e300]]]),
])
def test_conv_layers_list_kernel_takes_the_dtype_of_x(call):
    """A list kernel is converted to the float32 input's dtype before it is checked: 1e300 is refused as w."""
    with pytest.raises(ValueError, match=r"^w must be finite, got \[.*inf"):
        call()


def test_conv1d_default_stride_is_one():
    """Without stride, conv1d equals torch's conv1d at stride 1 (every position)."""
    g = torch.Generator().manual_seed(10)
    x, w = torch.randn(2, 7, generator=g, dtype=F64), torch.randn(3, 2, 3, generator=g, dtype=F64)
    torch.testing.assert_close(ly.conv1d(x, w), F.conv1d(x[None], w)[0], atol=1e-12, rtol=0)


def test_a_stride_triple_is_refused_with_its_value():
    """stride must be one integer or a pair: a triple is refused by name with its value."""
    with pytest.raises(ValueError, match=r"^stride must be an integer or a pair of integers, got \(1, 2, 3\)$"):
        ly.conv2d(torch.zeros(1, 4, 4), torch.zeros(1, 1, 2, 2), stride=(1, 2, 3))


# --- architecture_shapes ----------------------------------------------------------------------------------

def test_architecture_shapes_of_a_strided_net_on_a_non_square_image_match_torch():
    """Strided convolution and pooling on a 3 × 20 × 12 image: shapes and counts equal torch.nn's, and a 1-unit
    fully connected head is allowed."""
    stages = [{"conv": 4, "k": 3, "p": 1, "s": 2}, {"pool": 2}, {"conv": 5, "k": 2}, {"flatten": True}, {"fc": 1}]
    out = ly.architecture_shapes((3, 20, 12), stages)
    body = torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1, stride=2), torch.nn.MaxPool2d(2),
                               torch.nn.Conv2d(4, 5, 2), torch.nn.Flatten(0))
    z = torch.zeros(3, 20, 12)
    expected = []
    for layer in body:
        z = layer(z)
        expected.append((tuple(z.shape), sum(p.numel() for p in layer.parameters())))
    head = torch.nn.Linear(z.numel(), 1)
    expected.append(((1,), sum(p.numel() for p in head.parameters())))
    assert out == expected


@pytest.mark.parametrize("stages, message", [
    ([{"conv": 2, "k": 3, "pool": 2}], r"^stages must be dicts with one of conv, pool, flatten, fc, got \{'conv': 2"),
    ([{"flatten": True}, {"fc": 0}], r"^fc must be at least 1, got 0$"),
])
def test_architecture_shapes_names_a_bad_stage(stages, message):
    """A stage with two kinds, and a fully connected stage of 0 units, are refused with their values."""
    with pytest.raises(ValueError, match=message):
        ly.architecture_shapes((1, 8, 8), stages)


def test_conv2d_keeps_float16_takes_list_bias_in_x_dtype_and_names_the_bias_count():
    """float16 in gives float16 out; a list bias 1e300 (inf in float32) is refused as b; a wrong bias length is
    reported against C_out = 3 (not C_in = 2)."""
    out = ly.conv2d(torch.ones(1, 3, 3, dtype=torch.float16), torch.ones(2, 1, 2, 2, dtype=torch.float16))
    assert out.dtype == torch.float16 and out.float().tolist() == [[[4.0, 4.0], [4.0, 4.0]]] * 2
    with pytest.raises(ValueError, match=r"^b must be finite, got \[.*inf"):
        ly.conv2d(torch.ones(1, 3, 3, dtype=F32), torch.ones(1, 1, 2, 2, dtype=F32), [1e300])
    with pytest.raises(ValueError, match=r"^b must have one bias per output channel of w \(3\), got shape \(2,\)$"):
        ly.conv2d(torch.ones(2, 3, 3, dtype=F64), torch.ones(3, 2, 1, 1, dtype=F64), [0.0, 0.0])
