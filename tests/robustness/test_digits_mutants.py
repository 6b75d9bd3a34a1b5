"""Edges of edl.robustness.digits that its mutation run exposed: the defaults of the network and of the
attack, the requested dtype, the [0, 1] pixel range kept by PGD, and the label message. No digits are loaded:
random pixels from a seeded generator are enough."""

import pytest
import torch

from edl.robustness import digits as dg


def _params(net):
    return torch.cat([p.detach().flatten() for p in net.parameters()])


def test_make_net_defaults_and_dtype():
    """Default hidden = 64 (64*65 + 65*10 parameters) and seed = 0; one hidden unit is allowed; dtype is kept."""
    net = dg.make_net()
    assert sum(p.numel() for p in net.parameters()) == 64 * 65 + 65 * 10
    assert torch.equal(_params(net), _params(dg.make_net(64, seed=0)))
    assert not torch.equal(_params(net), _params(dg.make_net(64, seed=1)))
    assert sum(p.numel() for p in dg.make_net(1).parameters()) == 65 + 20
    assert all(p.dtype == torch.float64 for p in dg.make_net(4, dtype=torch.float64).parameters())


class _Sum(torch.nn.Module):
    """Class 1 iff the pixel sum exceeds 64.5: at x = 1 (the top of the range) class 0 wins."""

    def forward(self, x):
        return torch.stack([torch.zeros(len(x), dtype=x.dtype), x.sum(-1) - 64.5], -1)


def test_attacks_keep_pixels_at_most_one():
    """All-ones images of class 0: only pixels above 1 could reach class 1, so both attacks must fail."""
    X, y = torch.ones(3, 64), torch.zeros(3, dtype=torch.long)
    assert dg.robust_accuracy(_Sum(), X, y, 0.1) == 1.0
    assert dg.robust_accuracy(_Sum(), X, y, 0.1, attack="fgsm") == 1.0


def test_robust_accuracy_default_steps_and_label_message(monkeypatch):
    """The default PGD has 10 steps (read from what PGD is handed: accuracies of 10 and 11 steps differ by one
    example here, too close to compare across machines), and the same accuracy as steps=10 passed explicitly."""
    net = dg.make_net(8, seed=3)
    X = torch.rand(300, 64, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        y = net(X).argmax(-1)
    default = dg.robust_accuracy(net, X, y, 0.015)
    assert default == dg.robust_accuracy(net, X, y, 0.015, attack="pgd", steps=10)
    handed = []
    real_pgd = dg.pgd
    monkeypatch.setattr(dg, "pgd", lambda *a, **k: handed.append(k.get("steps")) or real_pgd(*a, **k))
    dg.robust_accuracy(net, X, y, 0.015)
    dg.robust_accuracy(net, X, y, 0.015, steps=3)
    assert handed == [10, 3]
    with pytest.raises(ValueError, match=r"^y must have shape \(300,\) to match X, got shape \(299,\)$"):
        dg.robust_accuracy(net, X, y[:-1], 0.015)


def test_digits_experiment_trains_a_clean_standard_net_and_runs_both_attacks():
    """One epoch, seed 1: the standard net (trained without attack, lr 0.01) is already well above chance on
    clean digits; at eps = 0 both attacks give the clean accuracy, at eps = 0.1 FGSM and PGD are run separately."""
    out = dg.digits_experiment(eps_train=0.1, eps_grid=(0.0, 0.1), epochs=1, seed=1)
    for name in ("standard", "robust"):
        assert out[name]["fgsm"][0] == out[name]["pgd"][0] > 0.6
        assert out[name]["fgsm"][1] != out[name]["pgd"][1]


def test_digits_experiment_refuses_zero_epochs_before_touching_anything():
    """epochs = 0 is refused up front: the message names epochs and torch's global generator (which make_net
    seeds) is left as it was."""
    with torch.random.fork_rng():                  # the global state is restored afterwards
        torch.manual_seed(12345)                   # a state that make_net(seed=0) cannot leave behind
        state = torch.get_rng_state()
        with pytest.raises(ValueError, match=r"^epochs must be at least 1, got 0$"):
            dg.digits_experiment(eps_grid=(0.0,), epochs=0)
        assert torch.equal(torch.get_rng_state(), state)
