"""Tests of edl.attention.mechanism against torch and hand-computed values."""

import math

import pytest
import torch
import torch.nn.functional as F

from edl.attention import mechanism as ma

D = torch.float64


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=D)


def test_mix_is_w_x_a_transpose_and_refuses_a_non_stochastic_a():
    X, W = rand(3, 4), rand(2, 3, seed=1)
    A = torch.softmax(rand(5, 4, seed=2), -1)
    torch.testing.assert_close(ma.mix(X, A, W), W @ X @ A.T, rtol=0, atol=1e-14)
    assert ma.mix([[0.0, 2.0], [1.0, 3.0]], [[0.25, 0.75]], [[1.0, 1.0]]).tolist() == [[4.0]]
    with pytest.raises(ValueError, match="A must sum to 1"):
        ma.mix(X, A * 2, W)
    with pytest.raises(ValueError, match="A must"):
        ma.mix(X, A[:, :3], W)
    with pytest.raises(ValueError, match="W must"):
        ma.mix(X, A, W[:, :2])


def test_query_key_scores_and_their_rank():
    X, UQ, UK = rand(6, 9), rand(2, 6, seed=1), rand(2, 6, seed=2)
    S = ma.query_key_scores(X, UQ, UK)
    assert S.shape == (9, 9) and torch.linalg.matrix_rank(S) == 2
    torch.testing.assert_close(S[3, 5], (UQ @ X[:, 3]) @ (UK @ X[:, 5]))
    with pytest.raises(ValueError, match="U_K"):
        ma.query_key_scores(X, UQ, rand(3, 6))
    with pytest.raises(ValueError, match="U_Q"):
        ma.query_key_scores(X, rand(2, 5), UK)


def test_attention_weights_default_scale_mask_and_beta():
    Q, K = rand(4, 9), rand(6, 9, seed=1)
    torch.testing.assert_close(ma.attention_weights(Q, K), torch.softmax(Q @ K.T / 3.0, -1))
    torch.testing.assert_close(ma.attention_weights(Q, K, beta=0.5), torch.softmax(Q @ K.T * 0.5, -1))
    mask = torch.zeros(4, 6, dtype=D)
    mask[:, 2] = -math.inf
    A = ma.attention_weights(Q, K, mask=mask)
    assert (A[:, 2] == 0).all() and torch.allclose(A.sum(-1), torch.ones(4, dtype=D), atol=1e-15)
    mask[1] = -math.inf
    with pytest.raises(ValueError, match="every row"):
        ma.attention_weights(Q, K, mask=mask)
    with pytest.raises(ValueError, match=r"\+inf"):
        ma.attention_weights(Q, K, mask=torch.full((4, 6), math.inf, dtype=D))
    with pytest.raises(ValueError, match="mask must have shape"):
        ma.attention_weights(Q, K, mask=torch.zeros(6, 4, dtype=D))
    with pytest.raises(ValueError, match="K must have as many columns"):
        ma.attention_weights(Q, rand(6, 8))
    with pytest.raises(ValueError, match="beta"):
        ma.attention_weights(Q, K, beta=0.0)


def test_softmax_attention_matches_sdpa_and_worked_values():
    Q, K, V = rand(2, 5, 4), rand(2, 7, 4, seed=1), rand(2, 7, 3, seed=2)
    torch.testing.assert_close(ma.softmax_attention(Q, K, V), F.scaled_dot_product_attention(Q, K, V), atol=1e-14, rtol=0)
    out = ma.softmax_attention([[1.0, 0.0]], [[1.0, 0.0], [0.0, 0.0]], [[1.0], [0.0]], beta=1.0)
    assert out.item() == pytest.approx(math.e / (math.e + 1), abs=1e-15)
    with pytest.raises(ValueError, match="V must have one row"):
        ma.softmax_attention(Q, K, V[:, :6])
    with pytest.raises(ValueError, match="K must have as many columns"):
        ma.softmax_attention(Q, K[..., :3], V)
    with pytest.raises(ValueError, match="broadcast"):
        ma.softmax_attention(rand(3, 5, 4), K, V)


def test_kv_attention_is_one_row_of_attention():
    Q, K, V = rand(3, 5), rand(7, 5, seed=1), rand(7, 2, seed=2)
    ref = F.scaled_dot_product_attention(Q, K, V)
    for i in range(3):
        torch.testing.assert_close(ma.kv_attention(Q[i], K, V), ref[i], atol=1e-14, rtol=0)
    out = ma.kv_attention([2.0, 0.0], [[1.0, 0.0], [0.0, 0.0]], [[1.0], [0.0]])
    assert out.item() == pytest.approx(math.exp(math.sqrt(2)) / (math.exp(math.sqrt(2)) + 1), abs=1e-15)
    with pytest.raises(ValueError, match="values"):
        ma.kv_attention(Q[0], K, V[:6])
    with pytest.raises(ValueError, match="keys"):
        ma.kv_attention(Q[0], K[:, :4], V)


def test_dot_logits_and_softmax_jacobian():
    q, k = rand(3, 16), rand(3, 16, seed=1)
    torch.testing.assert_close(ma.dot_logits(q, k), (q * k).sum(-1) / 4.0)
    torch.testing.assert_close(ma.dot_logits(q, k, scaled=False), (q * k).sum(-1))
    with pytest.raises(ValueError, match="same shape"):
        ma.dot_logits(q, k[:, :8])
    s = torch.tensor([0.2, 0.3, 0.5], dtype=D)
    J = ma.softmax_jacobian(s)
    assert J[0, 0].item() == pytest.approx(0.16) and J[0, 2].item() == pytest.approx(-0.1)
    assert torch.allclose(J.sum(0), torch.zeros(3, dtype=D), atol=1e-16)
    assert ma.softmax_jacobian([[1.0, 0.0]]).abs().max().item() == 0.0
    with pytest.raises(ValueError, match="s must sum to 1"):
        ma.softmax_jacobian([0.5, 0.6])


def test_causal_mask_values_and_options():
    M = ma.causal_mask(4)
    assert M.dtype == D and M.shape == (4, 4)
    assert (M.triu(1) == -math.inf).sum() == 6 and (M.tril() == 0).all()
    assert ma.causal_mask(1).tolist() == [[0.0]]
    assert ma.causal_mask(2, dtype=torch.float32).dtype == torch.float32
    Q, K, V = rand(5, 4), rand(5, 4, seed=1), rand(5, 3, seed=2)
    torch.testing.assert_close(ma.softmax_attention(Q, K, V, mask=ma.causal_mask(5)),
                               F.scaled_dot_product_attention(Q, K, V, is_causal=True), atol=1e-14, rtol=0)


def test_linear_attention_forms_agree_and_the_step_is_the_recursion():
    Q, K, V = rand(6, 3), rand(6, 3, seed=1), rand(6, 2, seed=2)
    phi = lambda x: F.elu(x) + 1  # noqa: E731
    sim = phi(Q) @ phi(K).T
    torch.testing.assert_close(ma.linear_attention(Q, K, V), sim @ V / sim.sum(1, keepdim=True), atol=1e-14, rtol=0)
    low = sim.tril()
    torch.testing.assert_close(ma.linear_attention(Q, K, V, causal=True), low @ V / low.sum(1, keepdim=True), atol=1e-14, rtol=0)
    Qb, Kb, Vb = rand(2, 4, 3), rand(2, 4, 3, seed=3), rand(2, 4, 2, seed=4)
    assert ma.linear_attention(Qb, Kb, Vb, causal=True).shape == (2, 4, 2)
    torch.testing.assert_close(ma.linear_attention(Qb, Kb, Vb, causal=True)[1], ma.linear_attention(Qb[1], Kb[1], Vb[1], causal=True))
    with pytest.raises(ValueError, match="K must have as many rows"):
        ma.linear_attention(Q, K[:5], V[:5], causal=True)
    h, S, z = ma.linear_attention_step(torch.zeros(3, 2, dtype=D), torch.zeros(3, dtype=D), Q[0], K[0], V[0])
    torch.testing.assert_close(h, V[0])
    torch.testing.assert_close(S, phi(K[0])[:, None] * V[0][None])
    torch.testing.assert_close(z, phi(K[0]))
    assert ma.elu_feature([-1.0, 0.0, 2.0]).tolist() == pytest.approx([math.exp(-1), 1.0, 3.0])
    with pytest.raises(ValueError, match="z must be non-negative"):
        ma.linear_attention_step([[0.0]], [-1.0], [0.0], [0.0], [1.0])
    with pytest.raises(ValueError, match="v_"):
        ma.linear_attention_step([[0.0]], [1.0], [0.0], [0.0], [1.0, 2.0])


def test_non_causal_linear_attention_takes_more_keys_than_queries():
    Q, K, V = rand(2, 3), rand(5, 3, seed=1), rand(5, 2, seed=2)
    phi = lambda x: F.elu(x) + 1  # noqa: E731
    sim = phi(Q) @ phi(K).T
    torch.testing.assert_close(ma.linear_attention(Q, K, V), sim @ V / sim.sum(1, keepdim=True), atol=1e-14, rtol=0)
