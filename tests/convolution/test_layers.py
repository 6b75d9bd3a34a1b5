"""Tests of edl.convolution.layers against torch.nn and torch.nn.functional."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from edl.convolution import layers as ly

NAN = float("nan")


def test_conv2d_matches_torch_with_every_option():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 11, 9, generator=g, dtype=torch.float64)
    w = torch.randn(6, 4, 3, 2, generator=g, dtype=torch.float64)
    b = torch.randn(6, generator=g, dtype=torch.float64)
    for stride, padding, dilation in [(1, 0, 1), (2, 1, 1), ((1, 2), (2, 0), (2, 1)), (3, 2, 2)]:
        torch.testing.assert_close(ly.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation),
                                   F.conv2d(x, w, b, stride, padding, dilation), atol=1e-12, rtol=0)
    assert ly.conv2d(x[0], w).shape == (6, 9, 8)


def test_output_size_is_the_shape_torch_produces():
    for i, k, p, s, d in [(7, 3, 0, 2, 1), (28, 5, 2, 1, 1), (10, 3, 1, 3, 2), (5, 5, 0, 1, 1)]:
        assert ly.output_size(i, k, p, s, d) == F.conv1d(torch.zeros(1, 1, i), torch.zeros(1, 1, k), stride=s,
                                                         padding=p, dilation=d).shape[-1]
    with pytest.raises(ValueError, match="must fit"):
        ly.output_size(4, 3, 0, 1, 2)


def test_padding_modes_and_parameter_counts():
    assert [ly.padding_for(7, m) for m in ("valid", "same", "full")] == [0, 3, 6]
    with pytest.raises(ValueError, match="odd"):
        ly.padding_for(4, "same")
    for args, kw in [((3, 16, 5, 3), {}), ((4, 8, 3, 3), {"groups": 2, "bias": False})]:
        module = torch.nn.Conv2d(args[0], args[1], args[2:], groups=kw.get("groups", 1), bias=kw.get("bias", True))
        assert ly.param_count(*args, **kw) == sum(p.numel() for p in module.parameters())


def test_pooling_matches_torch_and_the_worked_example():
    x = torch.randn(2, 3, 9, 9, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    torch.testing.assert_close(ly.pool2d(x, 3, 2), F.max_pool2d(x, 3, 2))
    torch.testing.assert_close(ly.pool2d(x, 2, mode="avg"), F.avg_pool2d(x, 2))
    P = [[31.0, 15, 28, 184], [0, 100, 70, 38], [12, 12, 7, 2], [12, 12, 45, 6]]
    assert ly.pool2d(P, 2, mode="avg").tolist() == [[36.5, 80.0], [12.0, 15.0]]


def test_dilated_convolution_is_torch_on_the_flipped_kernel():
    x, h = torch.arange(20.0, dtype=torch.float64) ** 1.5, torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64)
    torch.testing.assert_close(ly.dilated_convolve(x, h, 4), F.conv1d(x[None, None], h.flip(0)[None, None], dilation=4)[0, 0])


@pytest.mark.parametrize("kernels, strides, dilations", [([3] * 4, [2] * 4, None), ([3] * 5, None, [1, 2, 4, 8, 16]),
                                                         ([7, 1, 3], [2, 1, 3], None), ([1], None, None)])
def test_receptive_field_equals_the_autograd_support(kernels, strides, dilations):
    measured = int((ly.measured_receptive_field(kernels, strides, dilations, n=300) != 0).sum())
    assert ly.receptive_field(kernels, strides, dilations) == measured


def test_separable_two_passes_and_mac_counts():
    g = torch.Generator().manual_seed(2)
    x, u, v = (torch.randn(*s, generator=g, dtype=torch.float64) for s in ((12, 10), (3,), (4,)))
    torch.testing.assert_close(ly.separable_conv2d(x, u, v), F.conv2d(x[None, None], torch.outer(u, v)[None, None])[0, 0])
    assert ly.conv_macs(16, 5) == 12 * 12 * 25 and ly.conv_macs(16, 5, separable=True) == 5 * 12 * 16 + 5 * 12 * 12
    w = torch.randn(4, 4, generator=g, dtype=torch.float64)
    _, _, err = ly.rank_one_kernel(w)
    s = torch.linalg.svdvals(w)
    assert err == pytest.approx(float(s[1:].pow(2).sum().sqrt()), rel=1e-12)


def test_architecture_shapes_of_lenet():
    stages = [{"conv": 6, "k": 5, "p": 2}, {"pool": 2}, {"conv": 16, "k": 5}, {"pool": 2}, {"flatten": True},
              {"fc": 120}, {"fc": 84}, {"fc": 10}]
    out = ly.architecture_shapes((1, 28, 28), stages)
    assert [n for _, n in out] == [156, 0, 2416, 0, 0, 48120, 10164, 850]
    with pytest.raises(ValueError, match="flattened"):
        ly.architecture_shapes((1, 8, 8), [{"fc": 3}])


@pytest.mark.parametrize("call, name", [
    (lambda: ly.conv2d(torch.zeros(1, 2, 4, 4), torch.zeros(1, 3, 2, 2)), "x"),
    (lambda: ly.conv2d(torch.zeros(2, 4, 4), torch.zeros(1, 2, 2, 2), stride=0), "stride"),
    (lambda: ly.conv2d(torch.zeros(2, 4, 4), torch.zeros(1, 2, 2, 2), torch.zeros(3)), "b"),
    (lambda: ly.conv2d([[[NAN]]], torch.zeros(1, 1, 1, 1)), "x"),
    (lambda: ly.conv1d([[1.0, 2.0]], [[[1.0]]], padding=-1), "padding"),
    (lambda: ly.output_size(0, 1), "i"),
    (lambda: ly.output_size(5, 2, s=0), "s"),
    (lambda: ly.param_count(3, 4, 3, 3, groups=2), "groups"),
    (lambda: ly.param_count(3, 4, 3, 3, bias=1), "bias"),
    (lambda: ly.pool2d([[1.0]], 2), "dilated kernel"),
    (lambda: ly.pool2d([[1.0, 2.0]], 1, mode="median"), "mode"),
    (lambda: ly.receptive_field([]), "kernels"),
    (lambda: ly.receptive_field([3, 3], [1]), "strides"),
    (lambda: ly.receptive_field([3, 0]), "kernels"),
    (lambda: ly.dilated_convolve([1.0, 2.0], [1.0, 1.0], 2), "dilated kernel"),
    (lambda: ly.separable_conv2d([[1.0]], [1.0, 2.0], [1.0]), "u and v_"),
    (lambda: ly.conv_macs(3, 5), "q"),
    (lambda: ly.rank_one_kernel([1.0, 2.0]), "w"),
    (lambda: ly.architecture_shapes((1, 8), []), "input_shape"),
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
