"""Tests of edl.feedforward.layers: dense layers, networks, deep linear collapse and residual layers."""

import re

import numpy as np
import pytest
import torch

from edl.feedforward import layers

NAN = float("nan")


def _net(widths, seed=0):
    g = torch.Generator().manual_seed(seed)
    Ws = [torch.randn(m, k, generator=g, dtype=torch.float64) for k, m in zip(widths, widths[1:])]
    bs = [torch.randn(m, generator=g, dtype=torch.float64) for m in widths[1:]]
    return Ws, bs


@pytest.mark.parametrize("phi", ["identity", "tanh", "sigmoid", "relu"])
def test_dense_layer_matches_torch_linear(phi):
    (W,), (b,) = _net((3, 4))
    lin = torch.nn.Linear(3, 4, dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(W)
        lin.bias.copy_(b)
    act = {"identity": torch.nn.Identity(), "tanh": torch.nn.Tanh(), "sigmoid": torch.nn.Sigmoid(),
           "relu": torch.nn.ReLU()}[phi]
    x = torch.randn(10, 3, dtype=torch.float64)
    with torch.no_grad():
        assert torch.allclose(layers.dense_layer(x, W, b, phi), act(lin(x)), atol=1e-14)


def test_feedforward_batched_equals_loop_and_counts():
    Ws, bs = _net((4, 6, 2))
    x = torch.randn(5, 4, dtype=torch.float64)
    batched = layers.feedforward(x, Ws, bs, "relu")
    assert batched.shape == (5, 2)
    assert torch.allclose(batched, torch.stack([layers.feedforward(xi, Ws, bs, "relu") for xi in x]))
    assert layers.parameter_count((4, 6, 2)) == 6 * 5 + 2 * 7


def test_collapse_linear_equals_identity_network():
    Ws, bs = _net((3, 5, 2, 4))
    W_, b_ = layers.collapse_linear(Ws, bs)
    x = torch.randn(7, 3, dtype=torch.float64)
    assert torch.allclose(layers.feedforward(x, Ws, bs, "identity"), x @ W_.T + b_, atol=1e-12)
    assert int(torch.linalg.matrix_rank(W_)) <= 2


@pytest.mark.parametrize("phi", ["tanh", "sigmoid", "relu", "identity"])
def test_residual_is_identity_at_zero(phi):
    x = torch.randn(6, 3, dtype=torch.float64)
    W, b = torch.zeros(3, 3, dtype=torch.float64), torch.zeros(3, dtype=torch.float64)
    assert torch.equal(layers.residual_layer(x, W, b, phi), x)


@pytest.mark.parametrize("phi", ["tanh", "sigmoid", "identity"])
def test_residual_jacobian_matches_autograd(phi):
    g = torch.Generator().manual_seed(1)
    W, b, x = (torch.randn(*s, generator=g, dtype=torch.float64) for s in ((4, 4), (4,), (4,)))
    auto = torch.autograd.functional.jacobian(lambda u: layers.residual_layer(u, W, b, phi), x)
    assert torch.allclose(layers.residual_jacobian(x, W, b, phi), auto, atol=1e-13)


def test_path_expansion_equals_product():
    J = torch.randn(5, 3, 3, dtype=torch.float64) / 2
    product = torch.eye(3, dtype=torch.float64)
    for Jl in J:
        product = (torch.eye(3, dtype=torch.float64) + Jl) @ product
    assert torch.allclose(layers.path_expansion(J), product, atol=1e-12)


def test_dtype_follows_input():
    W, b = torch.randn(2, 2), torch.zeros(2)
    assert layers.residual_layer(torch.ones(2), W, b).dtype == torch.float32
    assert layers.dense_layer([1.0, 2.0], W.double(), b.double()).dtype == torch.float64


BAD = [
    (layers.dense_layer, ([1.0, 2.0], np.ones((2, 3)), np.zeros(2)), {}, "x"),
    (layers.dense_layer, ([1.0, 2.0], np.ones((3, 2)), np.zeros(2)), {}, "b"),
    (layers.dense_layer, ([1.0, 2.0], np.ones(2), np.zeros(2)), {}, "W"),
    (layers.dense_layer, ([1.0, 2.0], np.ones((2, 2)), np.zeros(2)), {"phi": "gelu"}, "phi"),
    (layers.dense_layer, ([NAN, 2.0], np.ones((2, 2)), np.zeros(2)), {}, "x"),
    (layers.feedforward, ([1.0], [], []), {}, "weights and biases"),
    (layers.parameter_count, ([3],), {}, "widths"),
    (layers.parameter_count, ([3, 0],), {}, "widths"),
    (layers.residual_layer, ([1.0, 2.0], np.ones((3, 2)), np.zeros(3)), {}, "W"),
    (layers.path_expansion, (np.ones((2, 2, 3)),), {}, "jacobians"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD, ids=[f"{c[0].__name__}-{c[3]}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(name)}(?![\w.])"):
        fn(*args, **kwargs)
