"""Tests of edl.optimization.backprop: the δ-recursion, Jacobian chains, forward/reverse mode, gradient norm bounds."""

import re

import numpy as np
import pytest
import torch

from edl.optimization import backprop as bp

NAN = float("nan")


def _net(widths=(4, 6, 5, 3), seed=0, **kw):
    return bp.init_mlp(list(widths), seed=seed, **kw)


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu"])
def test_backprop_matches_autograd(act):
    W, b = _net((5, 7, 6, 2), gain=1.3)
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(8, 5, generator=g, dtype=torch.float64), torch.randn(8, 2, generator=g, dtype=torch.float64)
    gW, gb, deltas = bp.backprop(x, y, W, b, act)
    Wr = [w.clone().requires_grad_(True) for w in W]
    br = [c.clone().requires_grad_(True) for c in b]
    loss = ((bp.mlp_forward(x, Wr, br, act)[1][-1] - y) ** 2).sum()
    auto = torch.autograd.grad(loss, Wr + br)
    for ours, ref in zip(gW + gb, auto):
        torch.testing.assert_close(ours, ref, atol=1e-12, rtol=0)
    assert [tuple(d.shape) for d in deltas] == [(8, 7), (8, 6), (8, 2)]


def test_batched_backprop_is_the_sum_of_single_examples():
    W, b = _net((3, 4, 2))
    x, y = torch.randn(5, 3, dtype=torch.float64), torch.randn(5, 2, dtype=torch.float64)
    batch = bp.backprop(x, y, W, b)[0]
    single = [bp.backprop(x[i], y[i], W, b)[0] for i in range(5)]
    for l in range(2):
        torch.testing.assert_close(batch[l], sum(s[l] for s in single), atol=1e-12, rtol=0)


def test_chain_jacobian_matches_autograd_and_xi_gives_input_gradient():
    W, b = _net()
    x = torch.randn(4, dtype=torch.float64)
    J = bp.chain_jacobian(bp.layer_jacobians(x, W, b))
    J_auto = torch.autograd.functional.jacobian(lambda z: bp.mlp_forward(z, W, b)[1][-1], x)
    torch.testing.assert_close(J, J_auto, atol=1e-12, rtol=0)
    xi = bp.xi_recursion(torch.ones(3, dtype=torch.float64), bp.layer_jacobians(x, W, b))
    torch.testing.assert_close(xi[0], J.sum(0), atol=1e-12, rtol=0)


def test_forward_and_reverse_mode_agree_and_count_passes():
    W, b = _net((7, 8, 3))
    f = lambda z: bp.mlp_forward(z, W, b)[1][-1]  # noqa: E731
    x = torch.randn(7, dtype=torch.float64)
    (Jf, nf), (Jr, nr) = bp.jacobian_forward_mode(f, x), bp.jacobian_reverse_mode(f, x)
    torch.testing.assert_close(Jf, Jr, atol=1e-12, rtol=0)
    assert (nf, nr) == (7, 3)
    assert bp.autodiff_cost(7, 3, 10).tolist() == [70.0, 30.0]


def test_jvp_vjp_adjoint_and_match_torch_func():
    W, b = _net((5, 9, 4), seed=3)
    x, u, v = torch.randn(5, dtype=torch.float64), torch.randn(5, dtype=torch.float64), torch.randn(4, dtype=torch.float64)
    f = lambda z: bp.mlp_forward(z, W, b)[1][-1]  # noqa: E731
    torch.testing.assert_close(bp.mlp_jvp(x, u, W, b), torch.func.jvp(f, (x,), (u,))[1], atol=1e-12, rtol=0)
    torch.testing.assert_close(bp.mlp_vjp(x, v, W, b), torch.func.vjp(f, x)[1](v)[0], atol=1e-12, rtol=0)
    assert abs(float(v @ bp.mlp_jvp(x, u, W, b) - bp.mlp_vjp(x, v, W, b) @ u)) < 1e-12


def test_basic_jacobians():
    x = torch.tensor([-1.0, 0.5, 2.0], dtype=torch.float64)
    assert bp.jacobian_relu(x).diagonal().tolist() == [0.0, 1.0, 1.0]
    torch.testing.assert_close(bp.jacobian_elementwise(torch.exp, x), torch.diag(torch.exp(x)))
    assert bp.gradient_squared_error([1.0], [3.0]).tolist() == [-4.0]


def test_norm_bounds_and_regime():
    W, b = bp.init_mlp([16] * 21, gain=2.0, bias_scale=0.0, seed=1)
    x = torch.randn(16, dtype=torch.float64)
    norm = float(torch.linalg.matrix_norm(bp.chain_jacobian(bp.layer_jacobians(x, W, b)), 2))
    lo, hi = bp.jacobian_norm_bounds(W, "tanh").tolist()
    assert lo <= norm <= hi * (1 + 1e-12)
    assert bp.gradient_regime([0.5 * torch.eye(3, dtype=torch.float64)], "tanh") == "vanishing"
    assert bp.gradient_regime([2 * torch.eye(3, dtype=torch.float64)], bp.activation("linear", 1.1)) == "exploding"
    assert bp.gradient_regime(W, "tanh") == "undetermined"
    assert float(bp.rnn_gradient_bound(1.0, 0.5, 10)) == 0.5**10


def test_clip_matches_torch_and_is_batched():
    g = torch.randn(6, 4, dtype=torch.float64) * 3
    out = bp.clip_by_norm(g, 1.0)
    for row, clipped in zip(g, out):
        p = torch.nn.Parameter(torch.zeros(4, dtype=torch.float64))
        p.grad = row.clone()
        torch.nn.utils.clip_grad_norm_([p], 1.0)
        torch.testing.assert_close(clipped, p.grad, rtol=1e-5, atol=0)
    assert bool((out.norm(dim=-1) <= 1 + 1e-12).all())


def test_dtype_follows_the_weights():
    W, b = bp.init_mlp([3, 4, 2], dtype=torch.float32)
    pre, post = bp.mlp_forward([1, 2, 3], W, b)
    assert post[-1].dtype == torch.float32
    assert bp.backprop(torch.ones(3), torch.zeros(2), W, b)[0][0].dtype == torch.float32
    assert bp.clip_by_norm(torch.ones(3, dtype=torch.float32), 1.0).dtype == torch.float32


BAD = [
    (bp.activation, ("swish",), {}, "name"),
    (bp.init_mlp, ([3],), {}, "widths"),
    (bp.init_mlp, ([3, 0],), {}, "widths"),
    (bp.init_mlp, ([3, 2],), {"gain": -1.0}, "gain"),
    (bp.mlp_forward, ([1.0, 2.0], *bp.init_mlp([3, 2])), {}, "x"),
    (bp.mlp_forward, ([NAN, 1.0, 2.0], *bp.init_mlp([3, 2])), {}, "x"),
    (bp.mlp_forward, ([1.0, 2.0, 3.0], [], []), {}, "weights and biases"),
    (bp.backprop, ([1.0, 2.0, 3.0], [0.0], *bp.init_mlp([3, 2])), {}, "y"),
    (bp.chain_jacobian, ([],), {}, "jacobians"),
    (bp.chain_jacobian, ([torch.ones(2, 3), torch.ones(2, 3)],), {}, "jacobians"),
    (bp.jacobian_linear, ([1.0, 2.0],), {}, "W"),
    (bp.gradient_squared_error, ([1.0, 2.0], [1.0]), {}, "y_bar and y"),
    (bp.jacobian_relu, ([[1.0]],), {}, "x"),
    (bp.mlp_jvp, ([1.0, 2.0, 3.0], [1.0, 0.0], *bp.init_mlp([3, 2])), {}, "u"),
    (bp.mlp_vjp, ([1.0, 2.0, 3.0], [1.0, 0.0, 0.0], *bp.init_mlp([3, 2])), {}, "vec"),
    (bp.jacobian_forward_mode, (torch.sin, [[1.0]]), {}, "x"),
    (bp.autodiff_cost, (0, 1, 1), {}, "n_inputs"),
    (bp.jacobian_norm_bounds, ([],), {}, "weights"),
    (bp.rnn_gradient_bound, (1.0, -0.5, 3), {}, "sigma1"),
    (bp.submultiplicative_bound, (np.ones((2, 3)), np.ones((2, 3))), {}, "A and B"),
    (bp.clip_by_norm, ([1.0, 2.0], 0.0), {}, "threshold"),
    (bp.clip_by_norm, ([NAN, 2.0], 1.0), {}, "g"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD, ids=[f"{c[0].__name__}-{i}" for i, c in enumerate(BAD)])
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(name)}(?![\w.])"):
        fn(*args, **kwargs)
