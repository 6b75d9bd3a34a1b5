"""Edge cases of edl.recurrent.autoregressive that its mutation run exposed: MADE's smallest input size and the
range of degrees named in its error message, list parameters read in the dtype of x (or W_xh), the padding of wide
causal kernels, and the names and ranges in the messages."""

import math

import pytest
import torch
import torch.nn.functional as F

from edl.recurrent import autoregressive as ar


def test_made_masks_of_two_inputs():
    """n = 2 is the smallest MADE: the single degree 1 unit sees x_1 and feeds output 2 only."""
    M1, M2 = ar.made_masks(2, [1])
    assert M1.tolist() == [[1.0, 0.0]] and M2.tolist() == [[0.0], [1.0]]


def test_made_masks_names_the_valid_degrees():
    """With n = 3 inputs the degrees lie in 1..2, and the message says so."""
    with pytest.raises(ValueError, match=r"^degrees must lie in 1\.\.2, got \[3\]$"):
        ar.made_masks(3, [3])


def test_fvsbn_reads_list_parameters_in_the_float32_of_x():
    """A and c given as lists take x's float32, so the conditionals stay float32 and equal the float64 ones to
    float32 precision (one coordinate: sigma(c_1); two: sigma(A_21 x_1 + c_2))."""
    x = torch.tensor([[1.0, 1.0], [0.0, 1.0]], dtype=torch.float32)
    p = ar.fvsbn_conditionals(x, [[5.0, 0.0], [2.0, 5.0]], [0.5, -1.0])
    assert p.dtype == torch.float32
    want = torch.sigmoid(torch.tensor([[0.5, 1.0], [0.5, -1.0]], dtype=torch.float64))
    torch.testing.assert_close(p.double(), want, atol=1e-6, rtol=0)


def test_fvsbn_names_x_when_c_has_the_wrong_length():
    """c must have one bias per coordinate of x, and the message says which argument fixes its length."""
    with pytest.raises(ValueError, match=r"^c must have shape \(2,\) to match x, got shape \(3,\)$"):
        ar.fvsbn_conditionals([[1.0, 0.0]], [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0, 0.0])


def test_bernoulli_log_likelihood_reads_a_list_p_in_the_float32_of_x():
    """p given as a list takes x's float32: the log-likelihood of (1, 0) under (0.25, 0.5) is log(0.25 * 0.5),
    returned in float32."""
    out = ar.bernoulli_log_likelihood(torch.tensor([[1.0, 0.0]], dtype=torch.float32), [[0.25, 0.5]])
    assert out.dtype == torch.float32
    assert float(out[0]) == pytest.approx(math.log(0.125), rel=1e-6)


def test_masked_conv1d_reads_a_list_w_in_the_float32_of_x():
    """w given as a list takes x's float32 before the finiteness check: 1e39 (inf in float32) is refused by name
    instead of leaking an infinity into the output."""
    with pytest.raises(ValueError, match=r"^w must be finite, got \[inf, 1\.0, 1\.0\]$"):
        ar.masked_conv1d(torch.ones(1, 3, dtype=torch.float32), [1e39, 1.0, 1.0], "B")


@pytest.mark.parametrize("kind", ["A", "B"])
def test_masked_conv1d_of_width_5_is_torch_conv1d_with_the_masked_kernel(kind):
    """A centred kernel of width 5 pads 2 zeros on each side: the output is torch's cross-correlation conv1d with
    padding 2 and the kernel times its causal mask (taps 0, 1 and, for B, 2)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 6, generator=g, dtype=torch.float64)
    w = torch.randn(5, generator=g, dtype=torch.float64)
    keep = torch.tensor([1.0, 1.0, 1.0 if kind == "B" else 0.0, 0.0, 0.0], dtype=torch.float64)
    want = F.conv1d(x[:, None], (w * keep)[None, None], padding=2)[:, 0]
    torch.testing.assert_close(ar.masked_conv1d(x, w, kind), want, atol=1e-12, rtol=0)


def _rnn_lm_weights(dtype):
    """Small random weights (m = 3 units, V = 4 tokens) of an RNN language model."""
    g = torch.Generator().manual_seed(0)
    W_xh = torch.randn(3, 4, generator=g, dtype=torch.float64)
    W_hh = 0.5 * torch.randn(3, 3, generator=g, dtype=torch.float64)
    W_hy = torch.randn(4, 3, generator=g, dtype=torch.float64)
    return [W.to(dtype) for W in (W_xh, W_hh, W_hy)]


def test_rnn_lm_reads_list_weights_in_the_float32_of_W_xh():
    """W_hh and W_hy given as lists take the float32 of W_xh, and the log-probability equals the all-float64
    one to float32 precision."""
    W_xh, W_hh, W_hy = _rnn_lm_weights(torch.float64)
    tokens = [0, 3, 1, 2]
    want = ar.rnn_lm_log_prob(tokens, W_xh, W_hh, W_hy)
    got = ar.rnn_lm_log_prob(tokens, W_xh.float(), W_hh.tolist(), W_hy.tolist())
    assert got == pytest.approx(want, rel=1e-5)


def test_rnn_lm_accumulates_in_the_dtype_of_the_weights():
    """With bfloat16 weights the sum of log-probabilities is a bfloat16 number (kept in the weights' dtype, not
    promoted to float32), close to the float64 value at bfloat16 precision."""
    tokens = [0, 3, 1, 2, 2, 1]
    got = ar.rnn_lm_log_prob(tokens, *_rnn_lm_weights(torch.bfloat16))
    assert float(torch.tensor(got, dtype=torch.bfloat16)) == got
    assert got == pytest.approx(ar.rnn_lm_log_prob(tokens, *_rnn_lm_weights(torch.float64)), abs=0.1)


def test_rnn_lm_names_the_token_range():
    """With V = 4 tokens the valid indices are 0..3, and the message gives that range and the tokens."""
    with pytest.raises(ValueError, match=r"^tokens must lie in 0\.\.3, got \[0, 4\]$"):
        ar.rnn_lm_log_prob([0, 4], *_rnn_lm_weights(torch.float64))


def test_nade_reads_list_parameters_in_the_float32_of_x():
    """W, c, V and b given as lists take x's float32: the conditionals are float32 and equal the float64 ones."""
    g = torch.Generator().manual_seed(1)
    x = torch.tensor([[1.0, 0.0, 1.0]])
    W, c, V, b = (torch.randn(*s, generator=g, dtype=torch.float64) for s in ((2, 3), (2,), (3, 2), (3,)))
    got = ar.nade_conditionals(x, W.tolist(), c.tolist(), V.tolist(), b.tolist())
    assert got.dtype == torch.float32
    torch.testing.assert_close(got.double(), ar.nade_conditionals(x.double(), W, c, V, b), atol=1e-6, rtol=0)


def test_nade_shape_messages_name_the_arguments_they_match():
    """V must be (n, H) to match x and W, b must be (n,) to match x: each message says so."""
    x, W, c = [[1.0, 0.0, 1.0]], [[0.0] * 3] * 2, [0.0, 0.0]
    with pytest.raises(ValueError, match=r"^V must have shape \(3, 2\) to match x and W, got shape \(2, 3\)$"):
        ar.nade_conditionals(x, W, c, [[0.0] * 3] * 2, [0.0] * 3)
    with pytest.raises(ValueError, match=r"^b must have shape \(3,\) to match x, got shape \(2,\)$"):
        ar.nade_conditionals(x, W, c, [[0.0] * 2] * 3, [0.0] * 2)


def test_non_binary_x_is_shown_as_a_list_below_20_entries_and_as_a_tensor_from_20():
    """The message lists up to 19 entries of a non-binary x and shows the tensor itself from 20 entries on."""
    p19, p20 = [[0.5] * 19], [[0.5] * 20]
    with pytest.raises(ValueError, match=r"^x must hold 0s and 1s, got \[\[0\.5, "):
        ar.bernoulli_log_likelihood(p19, p19)
    with pytest.raises(ValueError, match=r"^x must hold 0s and 1s, got tensor\("):
        ar.bernoulli_log_likelihood(p20, p20)
