"""Unit tests of ``edl.tricks.digits``: each variant's network, the training loop's bookkeeping and its errors."""

import math

import pytest
import torch
from torch import nn

from edl.tricks import digits


def test_he_variants_draw_he_weights_and_zero_biases():
    torch.manual_seed(0)
    for trick in ("he init", "weight decay", "dropout"):
        net = digits.TrickMLP(trick, depth=3, width=256)
        w = net.hidden[0].weight
        assert float(w.var()) == pytest.approx(2 / 256, rel=0.03)
        assert float(net.inp.weight.var()) == pytest.approx(2 / 64, rel=0.05)
        assert float(net.hidden[0].bias.abs().max()) == 0.0 and float(net.out.bias.abs().max()) == 0.0
    plain = digits.TrickMLP("plain", depth=3, width=256)
    assert float(plain.hidden[0].weight.var()) == pytest.approx(1 / (3 * 256), rel=0.03)
    assert float(plain.hidden[0].bias.abs().max()) > 0


def test_structure_of_each_variant():
    bn = digits.TrickMLP("batch norm", depth=4, width=8)
    assert len(bn.norms) == 4 and all(isinstance(m, nn.BatchNorm1d) for m in bn.norms)
    assert digits.TrickMLP("plain", depth=4, width=8).norms is None
    assert len(digits.TrickMLP("plain", depth=4, width=8).hidden) == 3
    x = torch.randn(6, 1, 8, 8)
    drop = digits.TrickMLP("dropout", depth=2, width=16, p=0.5)
    drop.eval()
    assert torch.equal(drop(x), drop(x))                                     # no dropout at test time
    drop.train()
    torch.manual_seed(1)
    assert not torch.equal(drop(x), drop(x))                                 # random masks in training
    res = digits.TrickMLP("residual", depth=4, width=8)
    with torch.no_grad():
        for layer in res.hidden:
            layer.weight.zero_()
            layer.bias.fill_(1.0)
    h0 = torch.relu(res.inp(x.flatten(1)))
    want = res.out(h0 + 3 * (1 / math.sqrt(4)) * 1.0)                        # three blocks each add α·ReLU(1)
    assert torch.allclose(res(x), want, atol=1e-6)


def test_train_trick_records_every_epoch_and_learns():
    torch.set_num_threads(1)
    h = digits.train_trick("he init", epochs=3, depth=2, width=32)
    assert h.trick == "he init"
    assert len(h.train_loss) == len(h.test_loss) == len(h.train_acc) == len(h.test_acc) == 3
    assert h.train_loss[-1] < h.train_loss[0] < math.log(10) + 0.5 and h.test_acc[-1] > 0.8
    again = digits.train_trick("he init", epochs=3, depth=2, width=32)
    assert again.test_loss == h.test_loss                                  # fixed generator state: reproducible


def test_weight_decay_only_on_weights_and_only_for_its_variant():
    torch.set_num_threads(1)
    strong = digits.train_trick("weight decay", epochs=1, depth=2, width=16, weight_decay=5.0)
    none = digits.train_trick("weight decay", epochs=1, depth=2, width=16, weight_decay=0.0)
    he = digits.train_trick("he init", epochs=1, depth=2, width=16, weight_decay=5.0)
    assert strong.train_loss[0] > none.train_loss[0] + 0.5                 # decay 5 cripples the fit
    assert he.train_loss == none.train_loss                                # other variants ignore weight_decay


def test_compare_tricks_and_errors():
    torch.set_num_threads(1)
    out = digits.compare_tricks(epochs=1, tricks=("plain", "batch norm"))
    assert list(out) == ["plain", "batch norm"] and all(len(h.test_acc) == 1 for h in out.values())
    with pytest.raises(ValueError, match="tricks"):
        digits.compare_tricks(epochs=1, tricks="plain")
    with pytest.raises(ValueError, match="tricks"):
        digits.compare_tricks(epochs=1, tricks=("plain", "cutout"))
    with pytest.raises(ValueError, match="trick"):
        digits.train_trick("cutout")
    with pytest.raises(ValueError, match="test_acc"):
        digits.History("plain", [0.1], [0.1], [0.5], [1.5])
    assert digits.History("plain", [0.1], [0.2], [0.5], [1.0]).test_acc == [1.0]
