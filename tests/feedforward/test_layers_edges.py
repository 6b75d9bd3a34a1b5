"""Edges of edl.feedforward.layers: defaults, dtypes, exact error messages and the residual layer's square W."""

import re

import pytest
import torch

from edl.feedforward import layers

F64 = torch.float64


def _net(widths, seed=0):
    g = torch.Generator().manual_seed(seed)
    Ws = [torch.randn(m, k, generator=g, dtype=F64) for k, m in zip(widths, widths[1:])]
    bs = [torch.randn(m, generator=g, dtype=F64) for m in widths[1:]]
    return Ws, bs


def test_default_hidden_activation_is_tanh():
    """Leaving out ``phi`` equals passing the documented default "tanh", and differs from "relu"."""
    Ws, bs = _net((3, 4, 2))
    x = torch.randn(5, 3, generator=torch.Generator().manual_seed(1), dtype=F64)
    assert torch.equal(layers.feedforward(x, Ws, bs), layers.feedforward(x, Ws, bs, "tanh"))
    assert not torch.equal(layers.feedforward(x, Ws, bs), layers.feedforward(x, Ws, bs, "relu"))
    W, b = torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=F64), torch.tensor([0.5, -0.5], dtype=F64)
    u = torch.tensor([0.2, -0.1], dtype=F64)
    assert torch.equal(layers.residual_jacobian(u, W, b), layers.residual_jacobian(u, W, b, "tanh"))


def test_python_numbers_take_the_dtype_of_the_weights():
    """A list ``x`` or ``b`` beside float32 (or float16) weights computes in the weights' dtype."""
    W = torch.tensor([[1.0, -1.0], [0.5, 2.0]], dtype=torch.float32)
    out = layers.dense_layer([1.0, 2.0], W, [0.25, -0.5], phi="identity")
    assert out.dtype == torch.float32 and out.tolist() == [-0.75, 4.0]
    W_, b_ = layers.collapse_linear([W, [[2.0, 0.0], [0.0, 1.0]]], [[1.0, 0.0], [0.0, 1.0]])
    assert W_.dtype == b_.dtype == torch.float32
    assert W_.tolist() == [[2.0, -2.0], [0.5, 2.0]] and b_.tolist() == [2.0, 1.0]   # [[2,0],[0,1]] (1, 0) + (0, 1)
    # the second bias takes the dtype of the running product, also when it is a list and the first was not
    W_, b_ = layers.collapse_linear([W, W], [torch.zeros(2, dtype=torch.float32), [1.0, 1.0]])
    assert b_.dtype == torch.float32 and b_.tolist() == [1.0, 1.0]


def test_half_precision_is_kept_by_the_residual_jacobian_and_the_path_sum():
    """float16 in, float16 out: the identity added is built in the input's dtype (exact small integers)."""
    h = torch.float16
    J = layers.residual_jacobian(torch.zeros(2, dtype=h), torch.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=h),
                                 torch.zeros(2, dtype=h), phi="identity")
    assert J.dtype == h and J.tolist() == [[2.0, 2.0], [3.0, 5.0]]
    P = layers.path_expansion(torch.tensor([[[1.0]], [[2.0]]], dtype=h))   # (1 + 2)(1 + 1)
    assert P.dtype == h and P.tolist() == [[6.0]]


def test_path_expansion_one_layer_and_the_layer_limit():
    """L = 1 gives I + J_1; a wide n with few layers is fine; L = 17 is refused (the limit is L <= 16)."""
    J = torch.arange(17 * 17, dtype=F64).reshape(1, 17, 17)
    assert torch.equal(layers.path_expansion(J), torch.eye(17, dtype=F64) + J[0])
    with pytest.raises(ValueError, match=r"jacobians must have shape \(L, n, n\) with L <= 16, got shape \(17, 1, 1\)"):
        layers.path_expansion(torch.zeros(17, 1, 1))


def test_residual_jacobian_refuses_a_non_square_W():
    """A residual layer needs a square W; a 1 x 2 or 3 x 2 W is refused by name, as by residual_layer."""
    for W, b in (([[1.0, 2.0]], [0.0]), ([[1.0, 2.0], [1.0, 1.0], [0.0, 1.0]], [0.0, 0.0, 0.0])):
        for fn in (layers.residual_jacobian, layers.residual_layer):
            with pytest.raises(ValueError, match=r"^W must be square .* got shape \(\d, 2\)$"):
                fn([1.0, 2.0], W, b)


def test_residual_jacobian_needs_one_point():
    """The Jacobian is of one input: a batch of points is refused, naming ``x``."""
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(3, 2\)$"):
        layers.residual_jacobian(torch.zeros(3, 2), torch.eye(2), torch.zeros(2))


@pytest.mark.parametrize("bad", ["ab", b"ab", 3])
def test_weights_must_be_a_list(bad):
    """A string, bytes or a number is not a list of layers; the message names ``weights`` and shows the value."""
    with pytest.raises(ValueError, match="^weights must be a list of arrays, got " + re.escape(repr(bad)) + "$"):
        layers.feedforward([1.0, 2.0], bad, [[0.0], [0.0]])


def test_messages_name_the_layer_and_the_expected_sizes():
    """Errors say which layer is wrong and the size it needed, counted from the shapes given."""
    Ws, bs = _net((2, 3, 4))
    with pytest.raises(ValueError, match=r"^the output of weights\[0\] must end in the input width 5 of weights\[1\]"):
        layers.feedforward([1.0, 2.0], [Ws[0], torch.ones(4, 5)], bs)
    with pytest.raises(ValueError, match=r"^weights\[2\] must have 4 columns, the rows of weights\[1\], "
                                         r"got shape \(1, 3\)$"):
        layers.collapse_linear(Ws + [torch.ones(1, 3)], bs + [torch.zeros(1)])
    with pytest.raises(ValueError, match=r"^biases\[1\] must have shape \(4,\) to match weights\[1\], got shape \(3,\)$"):
        layers.collapse_linear(Ws, [bs[0], torch.zeros(3)])
    with pytest.raises(ValueError, match=r"^b must have shape \(3,\) to match W, got shape \(2,\)$"):
        layers.dense_layer([1.0, 2.0], Ws[0], [0.0, 0.0])
