"""Edge cases of edl.tricks.digits that its mutation run exposes cheaply: History's validation of every record
(types, ranges, lengths, full messages), TrickMLP's arguments and structure, and the refusals of train_trick and
compare_tricks before any training."""

import math
import re

import pytest
import torch
from torch import nn

from edl.tricks import digits

FIELDS = ("train_loss", "test_loss", "train_acc", "test_acc")


def test_history_accepts_the_ends_of_each_range():
    """Losses may be 0 or very large (no upper end), accuracies 0 or 1; integers count as numbers."""
    h = digits.History("residual", [0, 1e6], [0.0, 2.5], [0, 1], [0.0, 1.0])
    assert h.train_loss == [0, 1e6] and h.test_acc == [0.0, 1.0]
    assert digits.History("plain").train_loss == [] and digits.History("plain").test_acc == []


@pytest.mark.parametrize("field, bad", [("train_loss", [-0.1]), ("test_loss", [math.inf]), ("train_acc", [1.5]),
                                        ("test_acc", [-0.5]), ("train_loss", [math.nan]), ("test_acc", [True]),
                                        ("train_acc", ["0.5"]), ("test_loss", (0.1,))])
def test_history_refuses_each_bad_record_with_its_name_and_range(field, bad):
    """A negative, infinite or NaN value, an accuracy above 1, a bool, a string or a tuple is refused with the
    field's name, its range ([0, inf] for losses, [0, 1.0] for accuracies) and the value."""
    kwargs = {f: [0.5] for f in FIELDS}
    kwargs[field] = bad
    top = "1.0" if field.endswith("acc") else "inf"
    with pytest.raises(ValueError, match=rf"^{field} must be a list of finite numbers in \[0, {top}\], got "
                                         rf"{re.escape(repr(bad))}$"):
        digits.History("plain", **kwargs)


def test_history_message_is_cut_at_200_characters():
    """A long bad list is shown only up to a 200-character message."""
    with pytest.raises(ValueError) as err:
        digits.History("plain", [-1.0] * 100)
    whole = "train_loss must be a list of finite numbers in [0, inf], got " + repr([-1.0] * 100)
    assert str(err.value) == whole[:200]


def test_history_refuses_records_of_different_lengths_with_every_length():
    """One record per epoch in each list: lengths 1, 2, 1, 1 are refused and all four are reported."""
    with pytest.raises(ValueError, match=r"^train_loss, test_loss, train_acc and test_acc must have one entry per "
                                         r"epoch each, got lengths 1, 2, 1, 1$"):
        digits.History("plain", [0.1], [0.1, 0.2], [0.5], [0.5])


def test_history_refuses_an_unknown_trick_with_the_choices():
    """The trick must be one of the six names, listed in the message."""
    with pytest.raises(ValueError, match=r"^trick must be one of 'plain', 'he init', 'weight decay', 'dropout', "
                                         r"'batch norm', 'residual', got 'cutout'$"):
        digits.History("cutout")


def test_trick_mlp_arguments_are_checked_by_name():
    """depth and width at least 1, p in [0, 1): each refusal names its argument and value."""
    with pytest.raises(ValueError, match=r"^depth must be at least 1, got 0$"):
        digits.TrickMLP("plain", depth=0)
    with pytest.raises(ValueError, match=r"^width must be at least 1, got 0$"):
        digits.TrickMLP("plain", width=0)
    with pytest.raises(ValueError, match=r"^p must lie in \[0, 1\), got 1\.0$"):
        digits.TrickMLP("dropout", p=1.0)
    with pytest.raises(ValueError, match=r"^trick must be one of "):
        digits.TrickMLP("cutout")


def test_trick_mlp_depth_one_and_defaults():
    """depth = 1 has no hidden-to-hidden layer (one norm for batch norm); the defaults are 6 layers of 64 units
    with p = 0.2; the output has 10 scores per image."""
    one = digits.TrickMLP("batch norm", depth=1, width=5)
    assert len(one.hidden) == 0 and len(one.norms) == 1
    assert one(torch.zeros(3, 1, 8, 8)).shape == (3, 10)
    net = digits.TrickMLP()
    assert net.trick == "plain" and net.depth == 6 and net.p == 0.2
    assert len(net.hidden) == 5 and net.inp.in_features == 64 and net.inp.out_features == 64
    assert net.out.in_features == 64 and net.out.out_features == 10
    assert all(isinstance(m, nn.Linear) and m.in_features == m.out_features == 64 for m in net.hidden)


def test_trick_mlp_he_variants_initialise_every_layer_including_input_and_output():
    """The He variants draw N(0, 2/n) weights and zero biases in the input and output layers too, and only for
    those three variants (the residual and batch-norm variants keep PyTorch's default init)."""
    net = digits.TrickMLP("dropout", depth=2, width=512)
    assert float(net.out.weight.detach().var()) == pytest.approx(2 / 512, rel=0.1)
    assert float(net.inp.bias.detach().abs().max()) == 0.0 and float(net.out.bias.detach().abs().max()) == 0.0
    for trick in ("residual", "batch norm"):
        other = digits.TrickMLP(trick, depth=2, width=512)
        assert float(other.inp.bias.detach().abs().max()) > 0
        assert float(other.hidden[0].weight.detach().var()) == pytest.approx(1 / (3 * 512), rel=0.05)


def test_trick_mlp_batch_norm_and_dropout_act_only_in_their_variants():
    """In evaluation mode the batch-norm variant with fresh running statistics (mean 0, variance 1) equals the
    plain forward pass scaled by 1/√(1 + 1e-5) before each ReLU; in training mode only the dropout variant
    is random, and with p = 0 it is not."""
    bn = digits.TrickMLP("batch norm", depth=2, width=4).eval()
    x = torch.randn(3, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    s = 1 / math.sqrt(1 + 1e-5)
    h = torch.relu(s * bn.inp(x.flatten(1)))
    h = torch.relu(s * bn.hidden[0](h))
    torch.testing.assert_close(bn(x), bn.out(h))
    for trick, p in (("plain", 0.5), ("dropout", 0.0)):
        net = digits.TrickMLP(trick, depth=2, width=8, p=p).train()
        assert torch.equal(net(x), net(x))


def test_train_trick_and_compare_tricks_refuse_bad_arguments_by_name():
    """Every refusal happens before training and names its argument."""
    cases = [(dict(epochs=0), r"^epochs must be at least 1, got 0$"),
             (dict(batch_size=0), r"^batch_size must be at least 1, got 0$"),
             (dict(lr=0.0), r"^lr must be positive, got 0\.0$"),
             (dict(weight_decay=-1.0), r"^weight_decay must be non-negative, got -1\.0$"),
             (dict(seed=-1), r"^seed must be at least 0, got -1$")]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            digits.train_trick("plain", **kwargs)
    with pytest.raises(ValueError, match=r"^tricks must be a non-empty sequence of names from \('plain', "):
        digits.compare_tricks(tricks=())
    with pytest.raises(ValueError, match=r"^tricks must be one of 'plain', "):
        digits.compare_tricks(tricks=("plain", "cutout"))
