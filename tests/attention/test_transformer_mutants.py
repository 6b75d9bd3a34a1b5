"""Tests of edl.attention.transformer that pin what its mutants change: dtypes taken from the tokens, exact
error messages, layer norm of a single token vector, and negative entries of a permutation."""

import pytest
import torch
import torch.nn.functional as F

from edl.attention import transformer as tf

D, F32 = torch.float64, torch.float32


def rand(*shape, seed=0):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed), dtype=D)


def test_permutation_gap_refuses_a_negative_entry_by_its_value():
    """A negative entry is refused as an integer below 0, before the permutation check."""
    with pytest.raises(ValueError, match=r"^perm must be at least 0, got -1$"):
        tf.permutation_gap(lambda x: x, [[1.0], [2.0]], [-1, 0])


def test_layer_norm_of_one_token_vector_matches_torch():
    """A 1-D X is one token: the result equals F.layer_norm over its d = 4 features."""
    x, w, b = rand(4), rand(4, seed=1), rand(4, seed=2)
    torch.testing.assert_close(tf.layer_norm(x, w, b), F.layer_norm(x, (4,), w, b), atol=1e-14, rtol=0)


def test_layer_norm_refuses_a_scalar_naming_x():
    """A 0-d X has no feature axis; the message names X and its shape."""
    with pytest.raises(ValueError, match=r"^X must have at least 1 dimension\(s\), got shape \(\)$"):
        tf.layer_norm(torch.tensor(1.0, dtype=D), [1.0], [0.0])


def test_layer_norm_reads_list_weights_in_the_dtype_of_x():
    """A float32 X makes list weight and bias float32 (hand example: [1, 3] -> [-1, 1] at eps = 0)."""
    out = tf.layer_norm(torch.tensor([[1.0, 3.0]], dtype=F32), [2.0, 1.0], [0.5, 0.0], eps=0.0)
    assert out.dtype == F32 and out.tolist() == [[-1.5, 1.0]]


def test_layer_norm_messages_name_x_width():
    """weight and bias of the wrong length are named against X's width."""
    X = rand(2, 2)
    with pytest.raises(ValueError, match=r"^weight must have shape \(2,\) to match X's width, got shape \(3,\)$"):
        tf.layer_norm(X, [1.0, 1.0, 1.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"^bias must have shape \(2,\) to match X's width, got shape \(3,\)$"):
        tf.layer_norm(X, [1.0, 1.0], [0.0, 0.0, 0.0])


def test_patch_embed_reads_a_list_map_in_the_dtype_of_the_images():
    """float32 images make a list V float32: one 2 x 2 patch of ones summed by V = [1, 1, 1, 1] gives 4."""
    out = tf.patch_embed(torch.ones(1, 2, 2, dtype=F32), [[1.0, 1.0, 1.0, 1.0]], 2)
    assert out.dtype == F32 and out.tolist() == [[4.0]]


def test_patch_embed_message_gives_q_p_squared():
    """With q = 2 channels and p = 2, V needs q p^2 = 8 columns; the message states the integer 8."""
    with pytest.raises(ValueError, match=r"^V must have shape \(any, 8\) to match q p² = 8 of images and p, "
                                         r"got shape \(1, 4\)$"):
        tf.patch_embed(torch.ones(2, 2, 2, dtype=D), torch.ones(1, 4, dtype=D), 2)


def test_prepend_cls_reads_a_list_token_in_the_dtype_of_x_and_names_x_width():
    """A float32 X makes a list c float32; a c of the wrong length is named against X's width."""
    out = tf.prepend_cls(torch.tensor([[1.0, 2.0]], dtype=F32), [0.5, 0.0])
    assert out.dtype == F32 and out.tolist() == [[0.5, 0.0], [1.0, 2.0]]
    with pytest.raises(ValueError, match=r"^c must have shape \(2,\) to match X's width, got shape \(3,\)$"):
        tf.prepend_cls(torch.ones(1, 2, dtype=D), [0.0, 0.0, 0.0])


def test_position_wise_ffn_reads_list_weights_in_the_dtype_of_y():
    """A float32 Y makes list W1, b1, W2, b2 float32: the docstring's 2-token relu example in float32."""
    out = tf.position_wise_ffn(torch.tensor([[1.0], [-1.0]], dtype=F32), [[1.0]], [0.0], [[2.0]], [0.5])
    assert out.dtype == F32 and out.tolist() == [[2.5], [0.5]]


def test_position_wise_ffn_messages_name_their_sources():
    """Y is 1 x 2, W1 is 3 x 2: W1, b1, W2 and b2 of the wrong shape name Y's width, W1's rows, W2's rows."""
    Y, W1, b1, W2, b2 = rand(1, 2), rand(3, 2), rand(3), rand(2, 3), rand(2)
    with pytest.raises(ValueError, match=r"^W1 must have shape \(any, 2\) to match Y's width, got shape \(3, 3\)$"):
        tf.position_wise_ffn(Y, rand(3, 3), b1, W2, b2)
    with pytest.raises(ValueError, match=r"^b1 must have shape \(3,\) to match W1's rows, got shape \(2,\)$"):
        tf.position_wise_ffn(Y, W1, rand(2), W2, b2)
    with pytest.raises(ValueError, match=r"^W2 must have shape \(any, 3\) to match W1's rows, got shape \(2, 2\)$"):
        tf.position_wise_ffn(Y, W1, b1, rand(2, 2), b2)
    with pytest.raises(ValueError, match=r"^b2 must have shape \(2,\) to match W2's rows, got shape \(3,\)$"):
        tf.position_wise_ffn(Y, W1, b1, W2, rand(3))


def test_multihead_attention_reads_lists_in_the_dtype_of_x():
    """A float32 X makes list memory, weights, biases and mask float32. Zero queries and keys weigh the two
    memory tokens equally, so with identity value and output maps the result is their mean plus the biases."""
    I = [[1.0, 0.0], [0.0, 1.0]]
    W_in = [[0.0, 0.0]] * 4 + I
    X = torch.tensor([[5.0, -5.0]], dtype=F32)
    out = tf.multihead_attention(X, W_in, I, 1, in_proj_bias=[0.0] * 4 + [1.0, 0.0], out_proj_bias=[0.0, 0.5],
                                 memory=[[1.0, 0.0], [3.0, 2.0]], mask=[[0.0, 0.0]])
    assert out.dtype == F32 and out.tolist() == [[3.0, 1.5]]


def test_multihead_attention_keeps_bfloat16_without_biases():
    """bfloat16 X without biases stays bfloat16: the zero biases are made in X's dtype, not float32."""
    I = torch.eye(2, dtype=torch.bfloat16)
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.bfloat16)
    out = tf.multihead_attention(X, torch.cat([0 * I, 0 * I, I]), I, 2)
    assert out.dtype == torch.bfloat16 and out.tolist() == [[0.5, 0.5], [0.5, 0.5]]


def test_multihead_attention_messages_name_their_sources():
    """memory, in_proj_weight, out_proj_weight and both biases of the wrong shape name where the shape comes from."""
    X, I = rand(1, 2), torch.eye(2, dtype=D)
    W_in = torch.cat([I, I, I])
    with pytest.raises(ValueError, match=r"^memory must have shape \(\.\.\., 2\) to match X's width, "
                                         r"got shape \(1, 3\)$"):
        tf.multihead_attention(X, W_in, I, 1, memory=rand(1, 3))
    with pytest.raises(ValueError, match=r"^in_proj_weight must have shape \(6, 2\) to match 3d × d for X's width, "
                                         r"got shape \(4, 2\)$"):
        tf.multihead_attention(X, W_in[:4], I, 1)
    with pytest.raises(ValueError, match=r"^out_proj_weight must have shape \(2, 2\) to match X's width, "
                                         r"got shape \(1, 2\)$"):
        tf.multihead_attention(X, W_in, I[:1], 1)
    with pytest.raises(ValueError, match=r"^in_proj_bias must have shape \(6,\) to match in_proj_weight, "
                                         r"got shape \(2,\)$"):
        tf.multihead_attention(X, W_in, I, 1, in_proj_bias=rand(2))
    with pytest.raises(ValueError, match=r"^out_proj_bias must have shape \(2,\) to match out_proj_weight, "
                                         r"got shape \(6,\)$"):
        tf.multihead_attention(X, W_in, I, 1, out_proj_bias=rand(6))
