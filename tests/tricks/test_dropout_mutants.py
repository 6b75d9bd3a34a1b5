"""Edge cases of edl.tricks.dropout that its mutation run exposed: which argument a refusal names and how, the order
of the checks, and list arguments taking a float32 input's dtype (checked by exact enumeration of the masks)."""

import itertools

import pytest
import torch

from edl.tricks import dropout as dr

F32 = torch.float32
F64 = torch.float64


# --- ensemble_mean ----------------------------------------------------------------------------------------

def test_ensemble_mean_refuses_bad_ranks_by_name():
    """x must be a vector and keep a vector: a (1, 2) x or keep is refused for its number of axes."""
    W = [[1.0, 1.0]]
    with pytest.raises(ValueError, match=r"^x must have 1 dimension\(s\), got shape \(1, 2\)$"):
        dr.ensemble_mean([[1.0, 2.0]], W, [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^keep must have 1 dimension\(s\), got shape \(1, 2\)$"):
        dr.ensemble_mean([1.0, 2.0], W, [[0.5, 0.5]])


def test_ensemble_mean_length_messages_name_W_columns():
    """A wrong-length x or keep is compared with W's columns, and the message says so."""
    W = [[1.0, 1.0]]
    with pytest.raises(ValueError, match=r"^x must have shape \(2,\) to match W's columns, got shape \(3,\)$"):
        dr.ensemble_mean([1.0, 2.0, 3.0], W, [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^keep must have shape \(2,\) to match W's columns, got shape \(1,\)$"):
        dr.ensemble_mean([1.0, 2.0], W, [0.5])


def test_ensemble_mean_checks_keep_before_the_output_name():
    """A keep probability of 1.5 is refused by the argument checks, before the output and mean names are read."""
    with pytest.raises(ValueError, match=r"^keep must lie in \[0\.0, 1\.0\]"):
        dr.ensemble_mean([1.0, 2.0], [[1.0, 1.0]], [1.5, 0.5], output="cubic")


def test_ensemble_mean_list_arguments_take_a_float32_input_dtype():
    """float32 x with list W and keep: the linear and softmax ensembles are float32 and equal the sums over the
    four masks b, weighted by Π φ_i^b_i (1 − φ_i)^(1 − b_i), written out with itertools.product."""
    x = torch.tensor([1.0, 2.0], dtype=F32)
    W, keep = [[1.0, -1.0], [0.5, 2.0]], [0.5, 0.25]
    lin = dr.ensemble_mean(x, W, keep)
    soft = dr.ensemble_mean(x, W, keep, "softmax")
    assert lin.dtype == F32 and soft.dtype == F32
    Wd, xd = torch.tensor(W, dtype=F64), x.double()
    want_lin, want_soft = torch.zeros(2, dtype=F64), torch.zeros(2, dtype=F64)
    for b in itertools.product((0.0, 1.0), repeat=2):
        p = 1.0
        for bi, phi in zip(b, keep):
            p *= phi if bi else 1 - phi
        z = Wd @ (torch.tensor(b, dtype=F64) * xd)
        want_lin += p * z
        want_soft += p * torch.softmax(z, 0)
    torch.testing.assert_close(lin, want_lin.float())
    torch.testing.assert_close(soft, want_soft.float())


# --- weight_scaled ----------------------------------------------------------------------------------------

def test_weight_scaled_refuses_a_matrix_keep_and_names_W_columns():
    """keep must be a vector (a (1, 2) matrix is refused for its rank); a wrong length names W's columns."""
    with pytest.raises(ValueError, match=r"^keep must have 1 dimension\(s\), got shape \(1, 2\)$"):
        dr.weight_scaled([[2.0, 4.0]], [[0.5, 0.25]])
    with pytest.raises(ValueError, match=r"^keep must have shape \(2,\) to match W's columns, got shape \(1,\)$"):
        dr.weight_scaled([[2.0, 4.0]], [0.5])


def test_weight_scaled_list_keep_takes_a_float32_W_dtype():
    """float32 W with a list keep gives float32 W diag(φ)."""
    out = dr.weight_scaled(torch.tensor([[2.0, 4.0], [1.0, -8.0]], dtype=F32), [0.5, 0.25])
    assert out.dtype == F32
    torch.testing.assert_close(out, torch.tensor([[1.0, 1.0], [0.5, -2.0]], dtype=F32))


# --- dropout, all_masks, mask_probabilities ---------------------------------------------------------------

def test_dropout_refuses_p_one_with_the_half_open_interval():
    """p = 1 drops everything and the inverted rescaling would divide by 0: refused, naming [0, 1)."""
    with pytest.raises(ValueError, match=r"^p must lie in \[0, 1\), got 1\.0$"):
        dr.dropout(torch.ones(3, dtype=F64), 1.0, generator=torch.Generator().manual_seed(0))


def test_dropout_non_inverted_and_evaluation_modes():
    """p = 0 keeps every entry unscaled; inverted=False multiplies by the mask only (entries 0 or H); training=False
    returns H itself."""
    H = torch.tensor([1.0, -2.0, 3.0, 4.0], dtype=F64)
    g = torch.Generator().manual_seed(0)
    assert torch.equal(dr.dropout(H, 0.0, generator=g), H)
    out = dr.dropout(H, 0.5, generator=g, inverted=False)
    assert all(o in (0.0, h) for o, h in zip(out.tolist(), H.tolist()))
    assert dr.dropout(H, 0.5, generator=g, training=False) is H


def test_all_masks_limit_is_inclusive():
    """R = 20 is the largest size allowed (2^20 masks); 21 is refused with the full message."""
    masks = dr.all_masks(20, dtype=torch.bool)
    assert masks.shape == (2 ** 20, 20) and masks.dtype == torch.bool
    assert masks[-1].all() and not masks[0].any()
    with pytest.raises(ValueError, match=r"^R must be at most 20 \(2\^R masks are enumerated\), got 21$"):
        dr.all_masks(21)


def test_mask_probabilities_refuses_by_name_and_keeps_float32():
    """masks must be a matrix of 0s and 1s and keep match its columns (full messages); float32 masks with a list
    keep give float32 probabilities Π φ^b (1 − φ)^(1 − b)."""
    with pytest.raises(ValueError, match=r"^masks must have 2 dimension\(s\), got shape \(2,\)$"):
        dr.mask_probabilities([1.0, 0.0], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^masks must hold only 0s and 1s$"):
        dr.mask_probabilities([[1.0, 0.5]], [0.5, 0.5])
    with pytest.raises(ValueError, match=r"^keep must have shape \(2,\) to match masks, got shape \(1,\)$"):
        dr.mask_probabilities([[1.0, 0.0]], [0.5])
    out = dr.mask_probabilities(torch.tensor([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0]], dtype=F32), [0.5, 0.75])
    assert out.dtype == F32
    torch.testing.assert_close(out, torch.tensor([0.125, 0.375, 0.375], dtype=F32))
