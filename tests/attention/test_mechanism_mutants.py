"""Tests of edl.attention.mechanism that pin what its mutants change: dtypes taken from the first argument,
exact error messages, the distribution tolerance of mix, and linear attention on batched inputs."""

import math

import pytest
import torch
import torch.nn.functional as F

from edl.attention import mechanism as ma

D, F32 = torch.float64, torch.float32


def rand(*shape, seed=0, dtype=D):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)


def phi(x):
    return F.elu(x) + 1


def quadratic_linear_attention(Q, K, V, causal=False):
    """The O(T^2) form of linear attention: weights phi(q_i).phi(k_j), normalised per row."""
    sim = phi(Q) @ phi(K).transpose(-1, -2)
    if causal:
        sim = sim.tril()
    return sim @ V / sim.sum(-1, keepdim=True)


def test_mix_reads_list_weights_in_the_dtype_of_x():
    """A float32 X makes list-valued A and W float32 too, so the product is float32 (hand-worked 2-token mix)."""
    X = torch.tensor([[0.0, 2.0], [1.0, 3.0]], dtype=F32)
    Y = ma.mix(X, [[0.5, 0.5], [1.0, 0.0]], [[1.0, 0.0], [0.0, 2.0]])
    assert Y.dtype == F32
    assert Y.tolist() == [[1.0, 0.0], [4.0, 2.0]]


def test_mix_refuses_rows_of_a_off_by_1e_7():
    """A must be stochastic to 1e-9: a row summing to 1 + 1e-7 is refused, one off by 1e-11 accepted."""
    X, W = rand(2, 2), torch.eye(2, dtype=D)
    with pytest.raises(ValueError, match=r"^A must sum to 1 along its last axis, got sums"):
        ma.mix(X, [[0.5, 0.5 + 1e-7]], W)
    torch.testing.assert_close(ma.mix(X, [[0.5, 0.5 + 1e-11]], W), X @ torch.tensor([[0.5], [0.5 + 1e-11]], dtype=D))


def test_mix_messages_name_the_matching_side():
    """Bad shapes of A and W are named against X's columns and X's rows (X is 2 x 3 so both differ)."""
    X = rand(2, 3)
    with pytest.raises(ValueError, match=r"^A must have shape \(any, 3\) to match X's columns, got shape \(1, 2\)$"):
        ma.mix(X, [[0.5, 0.5]], torch.eye(2, dtype=D))
    with pytest.raises(ValueError, match=r"^W must have shape \(any, 2\) to match X's rows, got shape \(1, 3\)$"):
        ma.mix(X, [[1.0, 0.0, 0.0]], [[1.0, 1.0, 1.0]])


def test_query_key_scores_reads_lists_in_the_dtype_of_x():
    """With a float32 X, list projections are float32: the 2-token docstring example in float32."""
    X = torch.eye(2, dtype=F32)
    S = ma.query_key_scores(X, [[1.0, 1.0]], [[1.0, -1.0]])
    assert S.dtype == F32
    assert S.tolist() == [[1.0, -1.0], [1.0, -1.0]]


def test_query_key_scores_messages():
    """U_Q is matched to X's rows and U_K to U_Q's shape, with both shapes in the message."""
    X = rand(3, 4)
    with pytest.raises(ValueError, match=r"^U_Q must have shape \(any, 3\) to match X's rows, got shape \(2, 5\)$"):
        ma.query_key_scores(X, rand(2, 5), rand(2, 3))
    with pytest.raises(ValueError, match=r"^U_K must have shape \(2, 3\) to match U_Q, got shape \(3, 3\)$"):
        ma.query_key_scores(X, rand(2, 3), rand(3, 3))


def test_kv_attention_reads_lists_in_the_dtype_of_the_query():
    """A float32 query makes list keys and values float32; the 2-key weights are (e^sqrt2, 1) / (e^sqrt2 + 1)."""
    out = ma.kv_attention(torch.tensor([1.0, 0.0], dtype=F32), [[2.0, 0.0], [0.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]])
    assert out.dtype == F32
    w = math.exp(math.sqrt(2)) / (math.exp(math.sqrt(2)) + 1)
    torch.testing.assert_close(out, torch.tensor([w, 1 - w], dtype=F32), atol=1e-6, rtol=0)


def test_kv_attention_values_message():
    """values must have one row per key; the message names keys as the source of the expected shape."""
    with pytest.raises(ValueError, match=r"^values must have shape \(2, any\) to match keys, got shape \(3, 1\)$"):
        ma.kv_attention([1.0, 0.0], [[2.0, 0.0], [0.0, 0.0]], [[1.0], [2.0], [3.0]])


def test_causal_mask_names_device_in_its_message():
    """An unknown device name is refused with a message naming the argument device."""
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'no-such-device'$"):
        ma.causal_mask(2, device="no-such-device")


def test_batched_non_causal_linear_attention_matches_the_quadratic_form():
    """Batched (2, T=4, r=3) inputs: the linear form equals the quadratic form phi(Q)phi(K)^T V, row-normalised."""
    Q, K, V = rand(2, 4, 3), rand(2, 4, 3, seed=1), rand(2, 4, 5, seed=2)
    out = ma.linear_attention(Q, K, V)
    assert out.shape == (2, 4, 5)
    torch.testing.assert_close(out, quadratic_linear_attention(Q, K, V), atol=1e-13, rtol=0)


def test_four_dimensional_causal_linear_attention_matches_the_masked_quadratic_form():
    """Two batch axes (2, 3): the causal recursion equals the lower-triangular quadratic form."""
    Q, K, V = rand(2, 3, 4, 2), rand(2, 3, 4, 2, seed=1), rand(2, 3, 4, 5, seed=2)
    out = ma.linear_attention(Q, K, V, causal=True)
    assert out.shape == (2, 3, 4, 5)
    torch.testing.assert_close(out, quadratic_linear_attention(Q, K, V, causal=True), atol=1e-13, rtol=0)


def test_causal_linear_attention_keeps_bfloat16():
    """bfloat16 in gives bfloat16 out: the running state starts in Q's dtype, not the default float32."""
    Q, K, V = (rand(4, 2, seed=s).to(torch.bfloat16) for s in (0, 1, 2))
    out = ma.linear_attention(Q, K, V, causal=True)
    assert out.dtype == torch.bfloat16
    ref = quadratic_linear_attention(Q.double(), K.double(), V.double(), causal=True)
    torch.testing.assert_close(out.double(), ref, atol=5e-2, rtol=0)


def test_linear_attention_step_reads_lists_in_the_dtype_of_s():
    """A float32 state S makes list z, q, k and v_ float32: every output is float32 (docstring example)."""
    h, S, z = ma.linear_attention_step(torch.zeros(1, 1, dtype=F32), [0.0], [0.0], [0.0], [5.0])
    assert (h.dtype, S.dtype, z.dtype) == (F32, F32, F32)
    assert (h.tolist(), S.tolist(), z.tolist()) == ([5.0], [[5.0]], [1.0])


def test_linear_attention_step_messages_name_the_side_of_s():
    """S is 2 x 1: z, q and k must have S's 2 rows and v_ its 1 column, and each message says so."""
    S, good = [[0.0], [0.0]], [0.0, 0.0]
    with pytest.raises(ValueError, match=r"^z must have shape \(2,\) to match S's rows, got shape \(1,\)$"):
        ma.linear_attention_step(S, [0.0], good, good, [1.0])
    with pytest.raises(ValueError, match=r"^q must have shape \(2,\) to match S's rows, got shape \(1,\)$"):
        ma.linear_attention_step(S, good, [0.0], good, [1.0])
    with pytest.raises(ValueError, match=r"^k must have shape \(2,\) to match S's rows, got shape \(1,\)$"):
        ma.linear_attention_step(S, good, good, [0.0], [1.0])
    with pytest.raises(ValueError, match=r"^v_ must have shape \(1,\) to match S's columns, got shape \(2,\)$"):
        ma.linear_attention_step(S, good, good, good, [1.0, 2.0])
