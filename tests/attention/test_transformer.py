"""Tests of edl.attention.transformer against torch.nn modules."""

import math

import pytest
import torch
import torch.nn.functional as F

from edl.attention import mechanism as ma
from edl.attention import transformer as tf

D = torch.float64


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=D)


@pytest.mark.parametrize("heads, bias", [(1, False), (2, True), (4, True)])
def test_multihead_matches_torch(heads, bias):
    torch.manual_seed(heads)
    m = torch.nn.MultiheadAttention(8, heads, bias=bias, batch_first=True, dtype=D)
    if bias:
        torch.nn.init.normal_(m.in_proj_bias)
        torch.nn.init.normal_(m.out_proj.bias)
    X, Z = rand(2, 5, 8), rand(2, 3, 8, seed=1)
    kw = dict(in_proj_bias=m.in_proj_bias, out_proj_bias=m.out_proj.bias)
    with torch.no_grad():
        torch.testing.assert_close(tf.multihead_attention(X, m.in_proj_weight, m.out_proj.weight, heads, **kw),
                                   m(X, X, X)[0], atol=1e-13, rtol=0)
        torch.testing.assert_close(tf.multihead_attention(X, m.in_proj_weight, m.out_proj.weight, heads, memory=Z, **kw),
                                   m(X, Z, Z)[0], atol=1e-13, rtol=0)
        mask = ma.causal_mask(5)
        torch.testing.assert_close(tf.multihead_attention(X, m.in_proj_weight, m.out_proj.weight, heads, mask=mask, **kw),
                                   m(X, X, X, attn_mask=mask)[0], atol=1e-13, rtol=0)


def test_multihead_refuses_bad_shapes():
    W, O = rand(6, 2), rand(2, 2)
    with pytest.raises(ValueError, match="heads must divide"):
        tf.multihead_attention(rand(3, 2), W, O, 3)
    with pytest.raises(ValueError, match="mask must have shape"):
        tf.multihead_attention(rand(3, 2), W, O, 1, mask=torch.zeros(2, 3, dtype=D))
    with pytest.raises(ValueError, match="memory"):
        tf.multihead_attention(rand(3, 2), W, O, 1, memory=rand(3, 4))
    with pytest.raises(ValueError, match="in_proj_bias"):
        tf.multihead_attention(rand(3, 2), W, O, 1, in_proj_bias=torch.zeros(5, dtype=D))


def test_permutation_gap():
    X = rand(4, 3)
    assert tf.permutation_gap(lambda x: 2 * x, X, [3, 1, 0, 2]) == 0.0
    assert tf.permutation_gap(lambda x: x.cumsum(0), [[1.0], [2.0], [4.0]], [2, 1, 0]) == 6.0
    with pytest.raises(ValueError, match="perm must be a permutation"):
        tf.permutation_gap(lambda x: x, X, [0, 1, 2, 2])


def test_ffn_layer_norm_and_gelu():
    Y, W1, b1, W2, b2 = rand(5, 3), rand(7, 3, seed=1), rand(7, seed=2), rand(3, 7, seed=3), rand(3, seed=4)
    torch.testing.assert_close(tf.position_wise_ffn(Y, W1, b1, W2, b2), torch.relu(Y @ W1.T + b1) @ W2.T + b2)
    torch.testing.assert_close(tf.position_wise_ffn(Y, W1, b1, W2, b2, activation="gelu"), F.gelu(Y @ W1.T + b1) @ W2.T + b2)
    with pytest.raises(ValueError, match="b2"):
        tf.position_wise_ffn(Y, W1, b1, W2, b2[:2])
    w, b = rand(3, seed=5), rand(3, seed=6)
    torch.testing.assert_close(tf.layer_norm(Y, w, b), F.layer_norm(Y, (3,), w, b), atol=1e-14, rtol=0)
    torch.testing.assert_close(tf.layer_norm(Y, w, b, eps=0.5), F.layer_norm(Y, (3,), w, b, eps=0.5), atol=1e-14, rtol=0)
    assert tf.layer_norm([[2.0, 2.0]], [1.0, 1.0], [0.5, -0.5]).tolist() == [[0.5, -0.5]]
    z = torch.linspace(-6, 6, 121, dtype=D)
    torch.testing.assert_close(tf.gelu(z), F.gelu(z), atol=1e-15, rtol=0)
    torch.testing.assert_close(tf.gelu_tanh(z), F.gelu(z, approximate="tanh"), atol=1e-15, rtol=0)
    assert tf.gelu([1.0]).item() == pytest.approx(0.5 * (1 + math.erf(1 / math.sqrt(2))), abs=1e-16)


@pytest.mark.parametrize("norm_first", [False, True])
def test_block_matches_the_encoder_layer(norm_first):
    torch.manual_seed(3)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=norm_first, dtype=D).eval()
    for norm in (layer.norm1, layer.norm2):
        torch.nn.init.normal_(norm.weight, 1.0, 0.3)
        torch.nn.init.normal_(norm.bias, 0.0, 0.3)
    sa = layer.self_attn
    attn = lambda h: tf.multihead_attention(h, sa.in_proj_weight, sa.out_proj.weight, 2, in_proj_bias=sa.in_proj_bias,  # noqa: E731
                                            out_proj_bias=sa.out_proj.bias)
    ffn = lambda h: tf.position_wise_ffn(h, layer.linear1.weight, layer.linear1.bias, layer.linear2.weight, layer.linear2.bias)  # noqa: E731
    n1 = lambda h: tf.layer_norm(h, layer.norm1.weight, layer.norm1.bias)  # noqa: E731
    n2 = lambda h: tf.layer_norm(h, layer.norm2.weight, layer.norm2.bias)  # noqa: E731
    X = rand(2, 5, 8)
    with torch.no_grad():
        torch.testing.assert_close(tf.transformer_block(X, attn, ffn, n1, n2, norm_first=norm_first), layer(X), atol=1e-13, rtol=0)
        other = tf.transformer_block(X, attn, ffn, n1, n2, norm_first=not norm_first)
    assert (other - layer(X)).abs().max() > 0.01


def test_block_composition_order():
    X = torch.tensor([[1.0, 3.0]], dtype=D)
    plus1 = lambda x: x + 1  # noqa: E731
    double = lambda x: 2 * x  # noqa: E731
    # post-LN: norm2(H + ffn(H)), H = norm1(X + attn(X)); pre-LN: H = X + attn(norm1 X), H + ffn(norm2 H)
    assert tf.transformer_block(X, plus1, double, double, plus1).tolist() == [[19.0, 43.0]]
    assert tf.transformer_block(X, plus1, double, double, plus1, norm_first=True).tolist() == [[14.0, 32.0]]


def test_patch_embedding_and_cls():
    img, V = rand(2, 3, 8, 12), rand(5, 48, seed=1)
    ref = F.conv2d(img, V.view(5, 3, 4, 4), stride=4).flatten(2).transpose(1, 2)
    torch.testing.assert_close(tf.patch_embed(img, V, 4), ref, atol=1e-13, rtol=0)
    torch.testing.assert_close(tf.patch_embed(img[0], V, 4), ref[0], atol=1e-13, rtol=0)
    assert tf.patch_embed(torch.ones(1, 2, 2), torch.ones(1, 1), 1).tolist() == [[1.0]] * 4
    with pytest.raises(ValueError, match="p must divide"):
        tf.patch_embed(img, V, 5)
    with pytest.raises(ValueError, match="V must"):
        tf.patch_embed(img, V[:, :40], 4)
    X = rand(2, 3, 4)
    out = tf.prepend_cls(X, torch.arange(4.0, dtype=D))
    assert out.shape == (2, 4, 4) and out[1, 0].tolist() == [0.0, 1.0, 2.0, 3.0]
    torch.testing.assert_close(out[:, 1:], X)
