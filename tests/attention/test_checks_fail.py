"""Each check of chapter 6 passes as registered and fails on a plausible wrong version of its formula."""

import math

import pytest
import torch
import torch.nn.functional as F

from edl.attention.checks import context as cc
from edl.attention.checks import mechanism as cm
from edl.attention.checks import positional as cp
from edl.attention.checks import transformer as ct

CHECKS = [cm.check_mixing, cm.check_query_key, cm.check_softmax_attention, cm.check_scaling, cm.check_kv_map,
          cm.check_causal_mask, cm.check_linear_attention, cp.check_pe_sinusoidal, cp.check_pe_relative_rotation,
          cp.check_pe_add_concat, cp.check_pe_trainable, cp.check_pe_relative_bias, ct.check_multihead,
          ct.check_self_cross, ct.check_permutation_equivariance, ct.check_ffn, ct.check_transformer_block,
          ct.check_vit_patch, ct.check_cls_token, ct.check_gelu, cc.check_nonlocal, cc.check_complexity,
          cc.check_seq2seq_attention, cc.check_contextual_embeddings]
ERRATA = [cm.seed_softmax_of_product, cm.seed_multiplicative_mask, cp.seed_pe_unpaired_growing, cp.seed_pe_growing,
          cp.seed_absolute_pair_bias, ct.seed_one_wide_head, ct.seed_gelu_wrong_tail, cc.seed_offset_indices_mixed]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.__name__)
def test_check_passes(check):
    result = check()
    assert result.passed, result.detail


@pytest.mark.parametrize("seed", ERRATA, ids=lambda c: c.__name__)
def test_erratum_fails(seed):
    assert not seed().passed


WRONG = {
    "mixing: W dropped": lambda: cm.check_mixing(mixing=lambda X, A, W: W @ X @ A),
    "query-key: Q Qᵀ": lambda: cm.check_query_key(scores=lambda X, UQ, UK: (UQ @ X).T @ (UQ @ X)),
    "attention: no scaling": lambda: cm.check_softmax_attention(
        attention=lambda Q, K, V, beta=None: torch.softmax(Q @ K.transpose(-1, -2) * (beta or 1.0), -1) @ V),
    "scaling: divide by d": lambda: cm.check_scaling(logits=lambda q, k, scaled=True: (q * k).sum(-1) / (q.shape[-1] if scaled else 1)),
    "scaling: Jacobian without the diagonal": lambda: cm.check_scaling(jacobian=lambda s: -s[:, None] * s[None]),
    "kv-map: no 1/√n": lambda: cm.check_kv_map(kv=lambda xi, K, V: V.T @ torch.softmax(K @ xi, 0)),
    "linear attention: no normaliser": lambda: cm.check_linear_attention(
        linear=lambda Q, K, V, causal=False: (F.elu(Q) + 1) @ ((F.elu(K) + 1).T @ V)),
    "rotation: transposed blocks": lambda: cp.check_pe_relative_rotation(
        rotation=lambda delta, d: __import__("edl.attention.positional", fromlist=["x"]).rotation_matrix(delta, d).T),
    "add-concat: positions ignored": lambda: cp.check_pe_add_concat(add=lambda X, E, mode="add": X if mode == "add" else torch.cat([X, 0 * E], -1)),
    "trainable: the last rows": lambda: cp.check_pe_trainable(learned=lambda X, table: X + table[-X.shape[0]:]),
    "self-cross: keys from the decoder": lambda: ct.check_self_cross(
        mha=lambda X, W, O, h, memory=None, **kw: __import__("edl.attention.transformer", fromlist=["x"]).multihead_attention(X, W, O, h, **kw)),
    "permutation: a cumulative map": lambda: ct.check_permutation_equivariance(gap=lambda f, X, perm: 0.05),
    "ffn: the second layer transposed": lambda: ct.check_ffn(ffn=lambda Y, W1, b1, W2, b2, activation="relu":
                                                             torch.relu(Y @ W1.T + b1) @ W2.T),
    "block: LN before the residual in post-LN": lambda: ct.check_transformer_block(
        block=lambda X, attn, ffn, n1, n2, norm_first=False: n2(n1(X + attn(X)) + ffn(n1(X + attn(X)))) if norm_first else
        n1(X) + attn(n1(X)) + ffn(n2(n1(X) + attn(n1(X))))),
    "vit: patches column-major": lambda: ct.check_vit_patch(
        embed=lambda img, V, p: __import__("edl.attention.transformer", fromlist=["x"]).patch_embed(img.transpose(-1, -2), V, p)),
    "cls: appended, order-blind anyway": lambda: ct.check_cls_token(prepend=lambda X, c: torch.cat([X, c[None]], 0)),
    "complexity: attention 2n²d": lambda: cc.check_complexity(flops=lambda kind, n, d, k=3: 2 * n * n * d),
    "complexity: conv path (n-1)/k": lambda: cc.check_complexity(path=lambda kind, n, k=3: math.ceil((n - 1) / k)),
    "seq2seq: the last state": lambda: cc.check_seq2seq_attention(
        context=lambda xi, H: (H[-1].expand(*xi.shape[:-1], H.shape[1]), torch.softmax(xi @ H.T, -1))),
    "elmo: no softmax": lambda: cc.check_contextual_embeddings(mix=lambda layers, w, gamma=1.0: gamma * torch.tensordot(w, layers, 1)),
}


def _fails(run) -> bool:
    """A check fails when it reports failure or raises (the ledger shows a raising check as failed)."""
    try:
        return not run().passed
    except (RuntimeError, ValueError, IndexError):
        return True


@pytest.mark.parametrize("name", sorted(WRONG))
def test_check_fails_on_a_wrong_version(name):
    assert _fails(WRONG[name])
