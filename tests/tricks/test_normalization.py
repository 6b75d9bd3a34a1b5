"""Unit tests of ``edl.tricks.normalization``."""

import pytest
import torch

from edl.tricks import normalization as nm

f64 = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731


def test_standardize_exact_population_variance():
    Z = nm.standardize([[0.0, 1.0], [2.0, 1.5], [4.0, 2.0]])
    s = (8 / 3) ** 0.5
    assert Z[:, 0].tolist() == pytest.approx([-2 / s, 0.0, 2 / s])
    with pytest.raises(ValueError, match="X"):
        nm.standardize([[1.0, 2.0], [1.0, 3.0]])


def test_batch_norm_affine_eps_and_errors():
    H = f64([[1.0, 0.0], [3.0, 4.0]])
    out = nm.batch_norm(H, [2.0, 1.0], [1.0, -1.0], eps=0.0)
    assert torch.allclose(torch.as_tensor(out, dtype=torch.float64), f64([[-1.0, -2.0], [3.0, 0.0]]))
    soft = nm.batch_norm(H, eps=1.0)                                       # var 1 and 4
    assert soft[:, 0].tolist() == pytest.approx([-1 / 2 ** 0.5, 1 / 2 ** 0.5])
    assert soft[:, 1].tolist() == pytest.approx([-2 / 5 ** 0.5, 2 / 5 ** 0.5])
    with pytest.raises(ValueError, match="H"):
        nm.batch_norm([[1.0, 2.0]])
    with pytest.raises(ValueError, match="eps"):
        nm.batch_norm([[1.0, 2.0], [1.0, 3.0]], eps=0.0)
    with pytest.raises(ValueError, match="alpha"):
        nm.batch_norm(H, [1.0])


def test_batch_norm_backward_matches_autograd_and_is_centred():
    g = torch.Generator().manual_seed(0)
    H = torch.randn(7, 3, generator=g, dtype=torch.float64)
    G = torch.randn(7, 3, generator=g, dtype=torch.float64)
    alpha = f64([1.0, -2.0, 0.5])
    Hg = H.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad((nm.batch_norm(Hg, alpha, eps=0.1) * G).sum(), Hg)
    ours = nm.batch_norm_backward(H, G, alpha, eps=0.1)
    assert torch.allclose(ours, auto, atol=1e-12)
    assert torch.allclose(ours.sum(0), torch.zeros(3, dtype=torch.float64), atol=1e-12)
    with pytest.raises(ValueError, match="grad_out"):
        nm.batch_norm_backward(H, G[:, :2])
    with pytest.raises(ValueError, match="eps"):
        nm.batch_norm_backward([[1.0], [1.0]], [[1.0], [1.0]], eps=0.0)


def test_batch_norm2d_pools_batch_and_positions():
    H = torch.arange(16.0, dtype=torch.float64).reshape(2, 2, 2, 2)
    out = nm.batch_norm2d(H, [1.0, 2.0], [0.0, 5.0], eps=0.0)
    ch0 = H[:, 0].flatten()
    want = (ch0 - ch0.mean()) / ch0.std(unbiased=False)
    assert out[:, 0].flatten().tolist() == pytest.approx(want.tolist())
    assert out[:, 1].flatten().tolist() == pytest.approx((2 * want + 5).tolist())
    with pytest.raises(ValueError, match="H"):
        nm.batch_norm2d(torch.ones(1, 2, 1, 1, dtype=torch.float64))


def test_running_stats_and_eval():
    mean, var = nm.update_running_stats([1.0, 0.0], [2.0, 1.0], [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]], momentum=0.5)
    assert mean.tolist() == pytest.approx([1.5, 1.5]) and var.tolist() == pytest.approx([3.0, 2.5])
    same = nm.update_running_stats([1.0], [2.0], [[0.0], [4.0]], momentum=0.0)
    assert [t.tolist() for t in same] == [[1.0], [2.0]]
    assert nm.batch_norm_eval([[3.0, 0.0]], [1.0, 0.0], [4.0, 1.0], [2.0, 1.0], [1.0, 0.0], eps=0.0).tolist() == [[3.0, 0.0]]
    assert nm.batch_norm_eval([[1.0]], [0.0], [0.0], eps=1.0).tolist() == [[1.0]]
    with pytest.raises(ValueError, match="eps"):
        nm.batch_norm_eval([[1.0]], [0.0], [0.0], eps=0.0)
    with pytest.raises(ValueError, match="H"):
        nm.update_running_stats([0.0], [1.0], [[1.0]])


def test_layer_norm_rows_and_errors():
    out = nm.layer_norm([[1.0, 3.0], [0.0, 10.0]], [1.0, 2.0], [0.0, 1.0], eps=0.0)
    assert torch.allclose(torch.as_tensor(out, dtype=torch.float64), f64([[-1.0, 3.0], [-1.0, 3.0]]))
    assert nm.layer_norm([1.0, 3.0], eps=0.0).tolist() == pytest.approx([-1.0, 1.0])
    assert torch.allclose(torch.as_tensor(nm.layer_norm([[0.0, 2.0]], eps=1.0), dtype=torch.float64), f64([[-2 ** -0.5, 2 ** -0.5]]))
    with pytest.raises(ValueError, match="H"):
        nm.layer_norm([[1.0]])
    with pytest.raises(ValueError, match="eps"):
        nm.layer_norm([[1.0, 1.0]], eps=0.0)


def test_weight_norm_and_gradients():
    assert torch.allclose(torch.as_tensor(nm.weight_norm([[0.0, 2.0], [3.0, 4.0]], [3.0, -1.0]), dtype=torch.float64), f64([[0.0, 3.0], [-0.6, -0.8]]))
    gg, gv = nm.weight_norm_grads([[0.0, 2.0]], [3.0], [[1.0, 5.0]])
    assert gg.tolist() == [5.0]
    assert torch.allclose(gv, f64([[1.5, 0.0]]))
    with pytest.raises(ValueError, match="v_"):
        nm.weight_norm([[0.0, 0.0]], [1.0])
    with pytest.raises(ValueError, match="grad_w"):
        nm.weight_norm_grads([[1.0, 0.0]], [1.0], [[1.0]])


def test_normalized_preactivation_kinds():
    X = f64([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0]])
    W = f64([[1.0, 1.0], [2.0, -1.0]])
    assert torch.allclose(nm.normalized_preactivation(X, W, "batch", 0.0), nm.batch_norm(X @ W.T, eps=0.0))
    assert torch.allclose(nm.normalized_preactivation(X, W, "layer", 1e-3), nm.layer_norm(X @ W.T, eps=1e-3))
    assert torch.allclose(nm.normalized_preactivation(X, -W, "batch", 0.0), -nm.normalized_preactivation(X, W, "batch", 0.0))
    with pytest.raises(ValueError, match="kind"):
        nm.normalized_preactivation(X, W, "group")


def test_group_norm_groups_channels_and_errors():
    H = torch.arange(8.0, dtype=torch.float64).reshape(1, 4, 2)            # channels 0..3, two positions each
    two = nm.group_norm(H, 2, eps=0.0)                                     # groups {0, 1} and {2, 3}
    first = torch.arange(4.0, dtype=torch.float64)
    assert two[0, :2].flatten().tolist() == pytest.approx(((first - 1.5) / first.std(unbiased=False)).tolist())
    inst = nm.group_norm(H, 4, [1.0, 1.0, 1.0, 2.0], [0.0, 0.0, 0.0, 1.0], eps=0.0)
    assert inst[0, 3].tolist() == pytest.approx([-1.0, 3.0])
    assert torch.allclose(nm.group_norm(H, 1, eps=1e-5), nm.layer_norm(H.reshape(1, 8), eps=1e-5).reshape(1, 4, 2))
    with pytest.raises(ValueError, match="groups"):
        nm.group_norm(H, 3)
    with pytest.raises(ValueError, match="H"):
        nm.group_norm(torch.ones(1, 2, dtype=torch.float64), 2, eps=1.0)
    with pytest.raises(ValueError, match="eps"):
        nm.group_norm(torch.ones(1, 2, 2, dtype=torch.float64), 1, eps=0.0)


def test_running_stats_momentum_one_and_shapes():
    mean, var = nm.update_running_stats([5.0], [9.0], [[0.0], [2.0]], momentum=1.0)
    assert mean.tolist() == [1.0] and var.tolist() == [2.0]                # the batch's own (unbiased) statistics
    with pytest.raises(ValueError, match="running_var"):
        nm.update_running_stats([0.0], [-1.0], [[0.0], [2.0]])
    with pytest.raises(ValueError, match="running_mean"):
        nm.batch_norm_eval([[1.0, 2.0]], [0.0], [1.0, 1.0])
    with pytest.raises(ValueError, match="g"):
        nm.weight_norm([[1.0, 0.0]], [1.0, 2.0])
