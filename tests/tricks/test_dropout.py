"""Unit tests of ``edl.tricks.dropout``."""

import pytest
import torch

from edl.tricks import dropout as dr

f64 = lambda x: torch.tensor(x, dtype=torch.float64)  # noqa: E731


def gen(seed=0):
    return torch.Generator().manual_seed(seed)


def test_dropout_values_modes_and_rates():
    H = torch.ones(10_000, dtype=torch.float64)
    inv = dr.dropout(H, 0.25, generator=gen())
    assert sorted(inv.unique().tolist()) == [0.0, pytest.approx(4 / 3)]
    assert float((inv == 0).double().mean()) == pytest.approx(0.25, abs=0.02)
    plain = dr.dropout(H, 0.25, generator=gen(), inverted=False)
    assert set(plain.unique().tolist()) == {0.0, 1.0}
    assert torch.equal(plain == 0, inv == 0)                              # same mask for the same generator
    assert torch.equal(dr.dropout(H, 0.25, generator=gen(), training=False), H)
    assert torch.equal(dr.dropout(H, 0.0, generator=gen()), H)
    with pytest.raises(ValueError, match="p"):
        dr.dropout(H, 1.0, generator=gen())


def test_masks_and_probabilities_exact():
    m = dr.all_masks(3)
    assert m.shape == (8, 3) and m[5].tolist() == [1.0, 0.0, 1.0]
    p = dr.mask_probabilities(m, [0.5, 0.25, 1.0])
    assert p.tolist() == pytest.approx([0, 0.375, 0, 0.125, 0, 0.375, 0, 0.125])
    assert float(p.sum()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="masks"):
        dr.mask_probabilities([[0.5, 1.0]], [0.5, 0.5])
    with pytest.raises(ValueError, match="R"):
        dr.all_masks(21)
    assert dr.all_masks(20).shape == (2 ** 20, 20)


def test_ensemble_mean_linear_softmax_geometric():
    x, W, keep = f64([1.0, 2.0]), f64([[1.0, -1.0], [0.5, 2.0]]), f64([0.5, 0.25])
    assert dr.ensemble_mean(x, W, keep).tolist() == pytest.approx([0.5 - 0.5, 0.25 + 1.0])
    # softmax arithmetic mean by hand over the four masks
    probs = dr.mask_probabilities(dr.all_masks(2), keep)
    outs = torch.stack([torch.softmax(W @ (torch.tensor(b, dtype=torch.float64) * x), 0)
                        for b in ([0, 0], [0, 1], [1, 0], [1, 1])])
    assert dr.ensemble_mean(x, W, keep, "softmax").tolist() == pytest.approx((probs @ outs).tolist())
    geo = torch.exp(probs @ torch.log(outs))
    assert dr.ensemble_mean(x, W, keep, "softmax", "geometric").tolist() == pytest.approx((geo / geo.sum()).tolist())
    with pytest.raises(ValueError, match="mean"):
        dr.ensemble_mean(x, W, keep, "linear", "geometric")
    with pytest.raises(ValueError, match="keep"):
        dr.ensemble_mean(x, W, [0.5, 1.5])


def test_weight_scaled():
    assert dr.weight_scaled([[2.0, 4.0]], [0.5, 0.25]).tolist() == [[1.0, 1.0]]
    with pytest.raises(ValueError, match="keep"):
        dr.weight_scaled([[2.0, 4.0]], [0.5])


def test_dropout_keeps_dtype_and_refuses_bad_masks():
    H = torch.ones(4, dtype=torch.float32)
    assert dr.dropout(H, 0.5, generator=gen()).dtype == torch.float32
    assert dr.all_masks(1).tolist() == [[0.0], [1.0]]
    assert dr.mask_probabilities([[1.0, 1.0]], [0.0, 1.0]).tolist() == [0.0]
    with pytest.raises(ValueError, match="keep"):
        dr.mask_probabilities([[1.0, 0.0]], [0.5])
    with pytest.raises(ValueError, match="output"):
        dr.ensemble_mean([1.0], [[1.0]], [0.5], "tanh")
