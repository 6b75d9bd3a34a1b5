"""Tests of edl.attention.context and of the counting experiment's bookkeeping."""

import math

import pytest
import torch
import torch.nn.functional as F

from edl.attention import context as cx
from edl.attention import counting as ct

D = torch.float64


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=D)


@pytest.mark.parametrize("n, k", [(9, 2), (5, 0), (4, 3), (1, 1)])
def test_offset_convolution_is_zero_padded_conv1d(n, k):
    x, g = rand(n, 3), rand(2 * k + 1, 2, 3, seed=1)
    ref = F.conv1d(x.T[None], g.permute(1, 2, 0), padding=k)[0].T
    torch.testing.assert_close(cx.offset_convolution(x, g, k), ref, atol=1e-13, rtol=0)


def test_offset_convolution_refuses_a_kernel_of_the_wrong_size():
    with pytest.raises(ValueError, match="g must"):
        cx.offset_convolution(rand(4, 3), rand(4, 2, 3), 2)


def test_nonlocal_attention_is_self_attention():
    X = rand(2, 6, 4)
    torch.testing.assert_close(cx.nonlocal_attention(X), F.scaled_dot_product_attention(X, X, X), atol=1e-14, rtol=0)


def test_layer_flops_and_path_lengths():
    assert cx.layer_flops("attention", 7, 3) == 4 * 49 * 3
    assert cx.layer_flops("recurrent", 7, 3) == 4 * 7 * 9
    assert cx.layer_flops("convolution", 7, 3, k=5) == 2 * 5 * 7 * 9
    assert [cx.max_path_length("convolution", n, 3) for n in (1, 2, 3, 4, 5, 6)] == [0, 1, 1, 2, 2, 3]
    assert [cx.max_path_length("convolution", n, 2) for n in (2, 5)] == [1, 4]
    assert cx.max_path_length("recurrent", 10) == 9 and cx.max_path_length("attention", 10) == 1
    assert cx.max_path_length("attention", 1) == 0 and cx.max_path_length("recurrent", 1) == 0
    with pytest.raises(ValueError, match="kind"):
        cx.layer_flops("dense", 3, 3)
    with pytest.raises(ValueError, match="k must be at least 2"):
        cx.max_path_length("convolution", 3, 1)


def test_attention_context_weights_and_shapes():
    xi, H = rand(3, 4), rand(5, 4, seed=1)
    c, alpha = cx.attention_context(xi, H)
    torch.testing.assert_close(alpha, torch.softmax(xi @ H.T, -1))
    torch.testing.assert_close(c, alpha @ H)
    c1, a1 = cx.attention_context(xi[1], H)
    assert c1.shape == (4,) and a1.shape == (5,)
    torch.testing.assert_close(c1, c[1])
    with pytest.raises(ValueError, match="H_enc"):
        cx.attention_context(xi, rand(5, 3))


def test_elmo_mix():
    layers = rand(3, 4, 6)
    w = torch.tensor([0.0, math.log(2.0), math.log(5.0)], dtype=D)
    torch.testing.assert_close(cx.elmo_mix(layers, w, 2.0), 2.0 * (layers[0] + 2 * layers[1] + 5 * layers[2]) / 8)
    assert cx.elmo_mix([[1.0], [3.0]], [0.0, 0.0]).tolist() == [2.0]
    with pytest.raises(ValueError, match="w must"):
        cx.elmo_mix(layers, w[:2])


def test_counting_data_and_models():
    x, y = ct.make_counting_data(50, T=7, V=3, seed=4)
    assert x.shape == y.shape == (50, 7) and int(x.max()) <= 2
    assert torch.equal(y + 1, (x[:, :, None] == x[:, None, :]).sum(-1))
    assert torch.equal(ct.make_counting_data(5, seed=1)[0], ct.make_counting_data(5, seed=1)[0])
    model = ct.CountingTransformer(8, 2, 16)
    logits, weights = model(x[:2])
    assert logits.shape == (2, 7, 10)
    assert weights.shape[:2] == (2, 2)
    assert ct.n_params(ct.CountingMLP(ct.matching_hidden(2490))) <= 2490 < ct.n_params(ct.CountingMLP(ct.matching_hidden(2490) + 1))
    with pytest.raises(ValueError, match="heads must divide"):
        ct.CountingTransformer(10, 3)


def test_a_short_training_run_learns_something():
    torch.manual_seed(0)
    run = ct.train(ct.CountingTransformer(), steps=60, every=30, seed=0)
    assert run.steps == [30, 60] and len(run.test_accuracy) == 2
    assert run.train_loss[-1] < 2.0
    assert 0.0 <= run.test_accuracy[-1] <= 1.0


def test_counting_bookkeeping_refuses_bad_arguments():
    model = ct.CountingMLP(4, T=3, V=2)
    logits, none = model(torch.tensor([[0, 1, 1]]))
    assert logits.shape == (1, 3, 3) and none is None
    x = torch.tensor([[0, 1, 1], [1, 1, 1]])
    y = (x[:, :, None] == x[:, None, :]).sum(-1) - 1
    torch.manual_seed(0)
    acc = ct.accuracy(model, x, y)
    with torch.no_grad():
        want = float((model(x)[0].argmax(-1) == y).double().mean())
    assert acc == want and 0.0 <= acc <= 1.0
    with pytest.raises(ValueError, match="targets must have the shape"):
        ct.accuracy(model, x, y[:, :2])
    with pytest.raises(ValueError, match="tokens"):
        ct.accuracy(model, x.double(), y)
    with pytest.raises(ValueError, match="model"):
        ct.Run("not a model")
    with pytest.raises(ValueError, match="steps must be a list"):
        ct.Run(model, steps=None)
    with pytest.raises(ValueError, match="model"):
        ct.n_params(3)
    assert ct.n_params(torch.nn.Linear(3, 2)) == 8
    assert ct.matching_hidden(ct.n_params(ct.CountingMLP(5))) == 5


def test_train_records_every_and_the_last_step():
    torch.manual_seed(1)
    run = ct.train(ct.CountingMLP(4, T=3, V=2), steps=5, every=2, batch_size=4, T=3, V=2)
    assert run.steps == [2, 4, 5] and len(run.train_loss) == 3 == len(run.test_accuracy)


def test_the_counting_transformer_is_a_pre_ln_block_of_the_library():
    from edl.attention import transformer as tf
    torch.manual_seed(3)
    model = ct.CountingTransformer(8, 2, 16, T=5, V=4).double()
    for norm in (model.norm1, model.norm2):
        torch.nn.init.normal_(norm.weight, 1.0, 0.3)
        torch.nn.init.normal_(norm.bias, 0.0, 0.3)
    x = torch.tensor([[0, 3, 1, 3, 2], [1, 1, 1, 0, 2]])
    with torch.no_grad():
        logits, weights = model(x)
        sa, ffn = model.attn, model.ffn
        block = tf.transformer_block(
            model.embed(x),
            lambda h: tf.multihead_attention(h, sa.in_proj_weight, sa.out_proj.weight, 2, in_proj_bias=sa.in_proj_bias,
                                             out_proj_bias=sa.out_proj.bias),
            lambda h: tf.position_wise_ffn(h, ffn[0].weight, ffn[0].bias, ffn[2].weight, ffn[2].bias, activation="gelu"),
            lambda h: tf.layer_norm(h, model.norm1.weight, model.norm1.bias),
            lambda h: tf.layer_norm(h, model.norm2.weight, model.norm2.bias), norm_first=True)
        torch.testing.assert_close(logits, model.out(block), atol=1e-12, rtol=0)
    assert weights.shape == (2, 2, 5, 5)
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 2, 5, dtype=torch.float64))


def test_the_counting_mlp_reads_the_flattened_one_hot_sequence():
    torch.manual_seed(4)
    model = ct.CountingMLP(6, T=3, V=2)
    x = torch.tensor([[0, 1, 1]])
    one_hot = torch.tensor([[1.0, 0.0, 0.0, 1.0, 0.0, 1.0]])
    with torch.no_grad():
        torch.testing.assert_close(model(x)[0], model.net(one_hot).view(1, 3, 3))
    assert ct.n_params(model) == (6 * 6 + 6) + (6 * 6 + 6) + (6 * 9 + 9)


def test_compare_matches_the_budgets():
    result = ct.compare(steps=2)
    n_tf, n_mlp = result["params"]
    assert n_tf == 2490 and n_mlp == 2375 and n_mlp <= n_tf
    assert result["transformer"].steps == [2] == result["mlp"].steps


def test_train_takes_adam_steps_of_size_lr_on_its_own_stream():
    torch.manual_seed(2)
    model = ct.CountingMLP(4, T=3, V=2)
    before = [p.detach().clone() for p in model.parameters()]
    run = ct.train(model, steps=1, lr=0.01, batch_size=8, every=1, T=3, V=2)
    moved = max(float((p.detach() - b).abs().max()) for p, b in zip(model.parameters(), before))
    assert moved == pytest.approx(0.01, rel=1e-4)          # Adam's first step is lr · sign(gradient)
    x, y = ct.make_counting_data(8, T=3, V=2, seed=1)
    torch.manual_seed(2)
    fresh = ct.CountingMLP(4, T=3, V=2)
    loss = F.cross_entropy(fresh(x)[0].flatten(0, 1), y.flatten())
    assert run.train_loss == [pytest.approx(float(loss.detach()), rel=1e-6)]
