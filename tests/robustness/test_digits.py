"""The end-to-end digits experiment: shapes, the network, and the attacks' ordering on a short run."""

import pytest
import torch

from edl.robustness import digits


def test_flat_digits_and_net():
    Xtr, ytr, Xte, yte = digits.flat_digits()
    assert tuple(Xtr.shape) == (1297, 64) and tuple(Xte.shape) == (500, 64) and float(Xtr.max()) == 1.0
    assert sum(p.numel() for p in digits.make_net(16).parameters()) == 16 * 65 + 10 * 17


def test_robust_accuracy_orders_the_attacks():
    Xtr, ytr, Xte, yte = digits.flat_digits()
    net = digits.make_net(32)
    from edl.robustness.defenses import adversarial_training
    adversarial_training(net, Xtr, ytr, 0.0, epochs=3, lr=0.01)
    clean = digits.robust_accuracy(net, Xte, yte, 0.0)
    fg = digits.robust_accuracy(net, Xte, yte, 0.1, attack="fgsm")
    pg = digits.robust_accuracy(net, Xte, yte, 0.1, attack="pgd")
    assert clean > 0.85 and clean > fg >= pg - 0.01
    with pytest.raises(ValueError, match="attack must be one of"):
        digits.robust_accuracy(net, Xte, yte, 0.1, attack="cw")
    with pytest.raises(ValueError, match="y must be a tensor of class indices"):
        digits.robust_accuracy(net, Xte, yte.tolist(), 0.1)


def test_experiment_structure():
    out = digits.digits_experiment(eps_grid=(0.0, 0.1), epochs=1)
    assert out["eps"] == [0.0, 0.1] and set(out) == {"eps", "standard", "robust"}
    assert out["standard"]["fgsm"][0] == out["standard"]["pgd"][0]          # ε = 0: both are the clean accuracy
    assert isinstance(out["robust"]["pgd"][1], float) and torch.get_num_threads() >= 1


def test_robust_accuracy_is_pinned_on_a_seeded_net():
    _, _, Xte, yte = digits.flat_digits()
    net = digits.make_net(8, seed=3)
    got = [digits.robust_accuracy(net, Xte[:100], yte[:100], e, attack=a, steps=3)
           for e, a in ((0.0, "pgd"), (0.3, "fgsm"), (0.3, "pgd"))]
    assert got == pytest.approx([0.12, 0.09, 0.05], abs=1e-6)
