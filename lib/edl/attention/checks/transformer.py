"""Checks of ``edl.attention.transformer`` (book labels ``attn.multihead`` … ``attn.gelu``) and of the errata there.

Independent routes: ``torch.nn.MultiheadAttention``, ``torch.nn.TransformerEncoderLayer`` (post- and pre-LN),
``torch.nn.Conv1d`` with kernel size 1, ``torch.nn.functional.conv2d`` with stride p, ``F.layer_norm``,
``F.gelu`` (exact and tanh) and ``scipy.stats.norm.cdf``, all in float64.
"""

import math

import numpy as np
import scipy.stats
import torch
import torch.nn.functional as F

from edl.attention import mechanism as ma
from edl.attention import positional as pe
from edl.attention import transformer as tf
from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula

DTYPE = torch.float64


def _seeded(seed: int):
    torch.manual_seed(seed)
    return np.random.default_rng(seed)


def _mha_fn(module, mha=tf.multihead_attention):
    """The library's multi-head attention with the weights of an nn.MultiheadAttention."""
    def f(x, memory=None, mask=None):
        return mha(x, module.in_proj_weight, module.out_proj.weight, module.num_heads, in_proj_bias=module.in_proj_bias,
                   out_proj_bias=module.out_proj.bias, memory=memory, mask=mask)
    return f


@formula("attn.multihead", reference="torch.nn.MultiheadAttention (with and without biases), float64")
@torch.no_grad()
def check_multihead(mha=tf.multihead_attention) -> CheckResult:
    rng = _seeded(72)
    X = f64(rng.normal(size=(2, 5, 8)))
    parts = []
    for bias, heads in ((False, 2), (True, 4), (True, 1)):
        module = torch.nn.MultiheadAttention(8, heads, bias=bias, batch_first=True, dtype=DTYPE)
        if bias:
            torch.nn.init.normal_(module.in_proj_bias)
            torch.nn.init.normal_(module.out_proj.bias)
        parts.append(check_close(_mha_fn(module, mha)(X), module(X, X, X)[0], atol=1e-12,
                                 what=f"d = 8, h = {heads}, bias {bias}"))
    return all_of(*parts)


@erratum("ch04-08:ERR-29", wrong=r"Y=\mathrm{softmax}(XW_qW_k^\top X^\top)\,XW_v,\ W_{\{q,k,v\}}\in\mathbb R^{d\times hd}",
         right=r"\mathrm{MHA}(X)=[H_1\|\cdots\|H_h]W_O,\ H_j=\mathrm{softmax}\big(XW_{Q,j}(XW_{K,j})^\top/\sqrt{d_k}\big)XW_{V,j}",
         why="One softmax over the concatenated projections is a single head of width hd, not h heads; without "
             "1/√d_k it saturates, and without W_O the output has width hd instead of d.")
def seed_one_wide_head() -> CheckResult:
    def wrong(X, W_in, W_out, heads, **_):
        d = X.shape[-1]
        Wq, Wk, Wv = W_in[:d].T, W_in[d:2 * d].T, W_in[2 * d:].T
        return torch.softmax(X @ Wq @ Wk.T @ X.transpose(-1, -2), -1) @ X @ Wv
    return check_multihead(mha=wrong)


@formula("attn.self-cross", reference="torch.nn.MultiheadAttention(query=decoder, key=value=encoder) and attn_mask")
@torch.no_grad()
def check_self_cross(mha=tf.multihead_attention) -> CheckResult:
    rng = _seeded(73)
    module = torch.nn.MultiheadAttention(8, 2, batch_first=True, dtype=DTYPE)
    f = _mha_fn(module, mha)
    dec, enc = f64(rng.normal(size=(3, 8))), f64(rng.normal(size=(6, 8)))
    cross = f(dec, memory=enc)
    perm = [4, 2, 0, 5, 1, 3]
    causal = torch.ones(3, 3, dtype=torch.bool).triu(1)
    return all_of(check_close(cross, module(dec[None], enc[None], enc[None])[0][0], atol=1e-12,
                              what="cross: T_dec = 3 queries on T_enc = 6 memories vs torch"),
                  holds(tuple(cross.shape) == (3, 8), "output T_dec × d = 3 × 8", f"output shape {tuple(cross.shape)}"),
                  check_close(f(dec, memory=enc[perm]), cross, atol=1e-12, what="invariant to permuting the memory"),
                  check_close(f(dec, mask=ma.causal_mask(3)), module(dec[None], dec[None], dec[None], attn_mask=causal)[0][0],
                              atol=1e-12, what="masked self-attention vs torch attn_mask"))


def _encoder_layer(seed: int, norm_first: bool = False):
    torch.manual_seed(seed)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=norm_first, dtype=DTYPE)
    for norm in (layer.norm1, layer.norm2):          # non-trivial γ and β, so that a swapped LN would show
        torch.nn.init.normal_(norm.weight, 1.0, 0.3)
        torch.nn.init.normal_(norm.bias, 0.0, 0.3)
    return layer.eval()


@formula("attn.permutation-equivariance", reference="torch.nn.TransformerEncoderLayer and MultiheadAttention on permuted rows")
@torch.no_grad()
def check_permutation_equivariance(gap=tf.permutation_gap) -> CheckResult:
    rng = _seeded(74)
    module = torch.nn.MultiheadAttention(8, 2, batch_first=True, dtype=DTYPE)
    f = _mha_fn(module)
    layer = _encoder_layer(74)
    X, perm = f64(rng.normal(size=(5, 8))), [2, 4, 1, 0, 3]
    E = pe.sinusoidal_encoding(5, 8)
    masked = gap(lambda x: f(x, mask=ma.causal_mask(5)), X, perm)
    positioned = gap(lambda x: f(x + E), X, perm)
    return all_of(holds(gap(f, X, perm) < 1e-12, "MHA(PX) = P MHA(X) within 1e-12", "MHA is not permutation-equivariant"),
                  holds(gap(lambda x: layer(x[None])[0], X, perm) < 1e-12, "TransformerEncoderLayer(PX) = P layer(X) within 1e-12",
                        "the encoder layer is not permutation-equivariant"),
                  holds(min(masked, positioned) > 0.02, "with a causal mask or added positions the identity fails (gap > 0.02)",
                        f"gaps with mask {masked:.2g}, with positions {positioned:.2g}"))


@formula("attn.ffn", reference="torch.nn.Conv1d with kernel size 1 (copied weights) and F.gelu; permuted rows")
@torch.no_grad()
def check_ffn(ffn=tf.position_wise_ffn) -> CheckResult:
    rng = _seeded(75)
    conv1, conv2 = torch.nn.Conv1d(6, 12, 1, dtype=DTYPE), torch.nn.Conv1d(12, 6, 1, dtype=DTYPE)
    W1, b1, W2, b2 = conv1.weight[:, :, 0], conv1.bias, conv2.weight[:, :, 0], conv2.bias
    Y = f64(rng.normal(size=(7, 6)))
    ref = conv2(torch.relu(conv1(Y.T[None])))[0].T
    ref_gelu = conv2(F.gelu(conv1(Y.T[None])))[0].T
    perm = [6, 0, 5, 1, 4, 2, 3]
    return all_of(check_close(ffn(Y, W1, b1, W2, b2), ref, atol=1e-12, what="T = 7, d = 6, d_ff = 12 vs two 1×1 Conv1d"),
                  check_close(ffn(Y, W1, b1, W2, b2, activation="gelu"), ref_gelu, atol=1e-12, what="with GELU"),
                  holds(tf.permutation_gap(lambda y: ffn(y, W1, b1, W2, b2), Y, perm) < 1e-13, "F(PY) = P F(Y)",
                        "the position-wise network mixes positions"))


def _library_block(layer, norm_first: bool, block=tf.transformer_block):
    attn = _mha_fn(layer.self_attn)
    ffn = lambda h: tf.position_wise_ffn(h, layer.linear1.weight, layer.linear1.bias, layer.linear2.weight,   # noqa: E731
                                         layer.linear2.bias)
    ln1 = lambda h: tf.layer_norm(h, layer.norm1.weight, layer.norm1.bias, eps=layer.norm1.eps)   # noqa: E731
    ln2 = lambda h: tf.layer_norm(h, layer.norm2.weight, layer.norm2.bias, eps=layer.norm2.eps)   # noqa: E731
    return lambda x: block(x, attn, ffn, ln1, ln2, norm_first=norm_first)


@formula("attn.transformer-block", reference="torch.nn.TransformerEncoderLayer(norm_first=False/True), dropout 0; F.layer_norm")
@torch.no_grad()
def check_transformer_block(block=tf.transformer_block) -> CheckResult:
    rng = _seeded(76)
    X = f64(rng.normal(size=(2, 5, 8)))
    parts = []
    for norm_first in (False, True):
        layer = _encoder_layer(76 + norm_first, norm_first)
        parts.append(check_close(_library_block(layer, norm_first, block)(X), layer(X), atol=1e-12,
                                 what=f"{'pre' if norm_first else 'post'}-LN block vs TransformerEncoderLayer"))
    w, b = f64(rng.normal(size=8)), f64(rng.normal(size=8))
    parts.append(check_close(tf.layer_norm(X, w, b), F.layer_norm(X, (8,), w, b), atol=1e-12, what="LN vs F.layer_norm"))
    return all_of(*parts)


@formula("attn.vit-patch", reference="torch.nn.functional.conv2d with kernel p and stride p")
def check_vit_patch(embed=tf.patch_embed) -> CheckResult:
    rng = np.random.default_rng(77)
    img, V = f64(rng.normal(size=(2, 3, 16, 16))), f64(rng.normal(size=(10, 48)))
    tokens = embed(img, V, 4)
    ref = F.conv2d(img, V.view(10, 3, 4, 4), stride=4).flatten(2).transpose(1, 2)      # (B, 16, 10)
    rect = f64(rng.normal(size=(3, 8, 12)))
    ref_rect = F.conv2d(rect[None], V.view(10, 3, 4, 4), stride=4)[0].flatten(1).T
    return all_of(check_close(tokens, ref, atol=1e-12, what="16×16×3 images, p = 4, n = 10 vs F.conv2d(stride 4)"),
                  holds(tokens.shape[1] == 16, "T = HW/p² = 16 tokens", f"{tokens.shape[1]} tokens"),
                  check_close(embed(rect, V, 4), ref_rect, atol=1e-12, what="an 8×12 image: 6 tokens, row by row"))


@formula("attn.cls-token", reference="torch.nn.TransformerEncoderLayer on [c; X] and [c; PX]")
@torch.no_grad()
def check_cls_token(prepend=tf.prepend_cls) -> CheckResult:
    rng = _seeded(78)
    layer = _encoder_layer(78)
    X, c = f64(rng.normal(size=(6, 8))), f64(rng.normal(size=8))
    perm = [5, 3, 1, 0, 2, 4]
    out = layer(prepend(X, c)[None])[0]
    shuffled = layer(prepend(X[perm], c)[None])[0]
    E = pe.sinusoidal_encoding(7, 8)
    with_pe = [layer((prepend(x, c) + E)[None])[0, 0] for x in (X, X[perm])]
    return all_of(check_close(shuffled[0], out[0], atol=1e-12, what="CLS output for [c; X] and [c; PX]"),
                  check_close(prepend(X, c)[0], c, atol=1e-15, what="row 0 of [c; X] is c"),
                  holds(float((with_pe[0] - with_pe[1]).abs().max()) > 1e-3, "with positions added the CLS output changes",
                        "the CLS output ignored order even with positions"))


@formula("attn.gelu", reference="torch.nn.functional.gelu (exact and tanh) and z·scipy.stats.norm.cdf(z)")
def check_gelu(activation=tf.gelu) -> CheckResult:
    z = torch.linspace(-5, 5, 1001, dtype=DTYPE)
    g = activation(z)
    gap = float((tf.gelu(z) - tf.gelu_tanh(z)).abs().max())
    return all_of(check_close(g, F.gelu(z), atol=1e-12, what="[-5, 5], 1001 points vs F.gelu"),
                  check_close(g, z.numpy() * scipy.stats.norm.cdf(z.numpy()), atol=1e-12, what="vs z Φ(z) (scipy)"),
                  check_close(tf.gelu_tanh(z), F.gelu(z, approximate="tanh"), atol=1e-12, what="tanh form vs F.gelu(tanh)"),
                  holds(4e-4 < gap < 5e-4, "the tanh form is within 5e-4 of GELU (max error 4.7e-4)",
                        f"tanh form differs by {gap:.2g}"))


@erratum("ch04-08:ERR-26", wrong=r"\varphi(z)=z\Pr(z\le Z),\ Z\sim\mathcal N(0,1)", right=r"\varphi(z)=z\Pr(Z\le z)=z\,\Phi(z)",
         why="Pr(z ≤ Z) = 1 − Φ(z): the unit z Φ(−z) tends to 0 for large positive z and to z for negative z, a "
             "mirror image of the ReLU that switches off exactly the inputs GELU lets through.")
def seed_gelu_wrong_tail() -> CheckResult:
    return check_gelu(activation=lambda z: z * 0.5 * torch.erfc(z / math.sqrt(2.0)))
