"""Edges of edl.feedforward.training: data geometry, dtypes, the recording schedule, defaults and exact messages."""

import math

import pytest
import torch

from edl.feedforward import training as tr

F64, F32 = torch.float64, torch.float32


def _g(seed=0):
    return torch.Generator().manual_seed(seed)


def test_xor_data_and_network_are_float64():
    """The fixed XOR data and weights are float64 tensors (the chapter's dtype)."""
    X, y = tr.xor_data()
    W, b = tr.xor_relu_network()
    assert {t.dtype for t in [X, y, *W, *b]} == {F64}
    assert tr.xor_linear_fit().dtype == F64


def test_two_moons_without_noise_lies_on_the_two_half_circles():
    """noise = 0 is accepted: class 0 on the upper unit half circle, class 1 on the lower one centred at
    (1, 1/2), with angles filling [0, pi] (400 uniform draws reach within 0.1 of both ends)."""
    X, y = tr.two_moons(400, 0.0, generator=_g())
    assert y.tolist() == [0.0, 1.0] * 200
    up, down = X[y == 0], X[y == 1] - torch.tensor([1.0, 0.5], dtype=F64)
    assert float((up.norm(dim=1) - 1).abs().max()) < 1e-14 and float(up[:, 1].min()) >= 0
    assert float((down.norm(dim=1) - 1).abs().max()) < 1e-14 and float(down[:, 1].max()) <= 0
    angle = torch.atan2(up[:, 1], up[:, 0])
    assert float(angle.min()) < 0.1 and float(angle.max()) > math.pi - 0.1


def test_two_moons_defaults_and_smallest_size():
    """Without ``noise`` the documented 0.2 is used; s = 1 gives one point of class 0."""
    X, y = tr.two_moons(30, generator=_g(5))
    X2, y2 = tr.two_moons(30, 0.2, generator=_g(5))
    assert torch.equal(X, X2) and torch.equal(y, y2)
    X, y = tr.two_moons(1, generator=_g())
    assert X.shape == (1, 2) and y.tolist() == [0.0]


def test_two_moons_noise_scales_linearly():
    """The noise added is noise times one fixed draw: the offset from the noiseless points doubles with noise."""
    clean = tr.two_moons(50, 0.0, generator=_g(1))[0]
    d1 = tr.two_moons(50, 0.1, generator=_g(1))[0] - clean
    d2 = tr.two_moons(50, 0.2, generator=_g(1))[0] - clean
    assert float((d2 - 2 * d1).abs().max()) < 1e-14 and float(d1.abs().max()) > 0.1


def test_init_network_variance_and_smallest_widths():
    """W^l has variance 1 / n_{l-1} (200000 draws) and zero biases; widths of 1 are fine."""
    W, b = tr.init_network([400, 500, 1], generator=_g())
    assert abs(float(W[0].var()) * 400 - 1) < 0.02 and all(float(c.abs().max()) == 0 for c in b)
    W, b = tr.init_network((1, 1), generator=_g())
    assert W[0].shape == (1, 1) and b[0].shape == (1,)


def test_lists_take_the_dtype_of_float32_weights():
    """Biases, X and y given as lists follow float32 weights; the torch module is float32 too."""
    W = [torch.tensor([[0.5, -0.3], [0.2, 0.4]], dtype=F32), torch.tensor([[1.0, -1.0]], dtype=F32)]
    b = [[0.1, -0.1], [0.0]]
    X, y = [[0.0, 0.5], [1.0, -0.5]], [0.0, 1.0]
    assert tr.logits(X, W, b).dtype == F32 and tr.loss(X, y, W, b).dtype == F32
    gW, gb = tr.backward(X, y, W, b)
    assert {g.dtype for g in gW + gb} == {F32}
    net = tr.as_torch_module(W, b)
    assert [type(m).__name__ for m in net] == ["Linear", "Tanh", "Linear"]
    assert {p.dtype for p in net.parameters()} == {F32}


def test_accuracy_counts_a_zero_logit_as_class_0():
    """z > 0 predicts 1, so with zero weights every prediction is 0: the accuracy is the share of 0 labels."""
    W, b = [torch.zeros(3, 2, dtype=F64), torch.zeros(1, 3, dtype=F64)], [torch.zeros(3, dtype=F64),
                                                                          torch.zeros(1, dtype=F64)]
    X = [[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]]
    assert tr.accuracy(X, [0.0, 1.0, 1.0], W, b) == pytest.approx(1 / 3, rel=1e-15)
    assert tr.accuracy(X, [0.0, 0.0, 1.0], W, b) == pytest.approx(2 / 3, rel=1e-15)
    b[1] = torch.tensor([0.5], dtype=F64)
    assert tr.accuracy(X, [0.0, 1.0, 1.0], W, b) == pytest.approx(2 / 3, rel=1e-15)


def test_train_by_hand_records_every_k_steps_and_the_last():
    """Steps 0, k, 2k, ... and the last one; the recorded losses are :func:`loss` at those weights."""
    X, y = tr.two_moons(12, generator=_g(2))
    Xt, yt = tr.two_moons(8, generator=_g(3))
    W, b = tr.init_network([2, 3, 1], generator=_g(4))
    out = tr.train_by_hand(X, y, W, b, 0.5, 7, X_test=Xt, y_test=yt, record_every=3)
    assert out["steps"].tolist() == [0, 3, 6, 7] and out["train"].shape == out["test"].shape == (4,)
    assert out["train"].dtype == out["test"].dtype == F64
    assert float(out["train"][0]) == float(tr.loss(X, y, W, b))
    assert float(out["train"][-1]) == float(tr.loss(X, y, out["weights"], out["biases"]))
    assert float(out["test"][-1]) == float(tr.loss(Xt, yt, out["weights"], out["biases"]))
    again = tr.train_by_hand(X, y, W, b, 0.5, 7)
    assert torch.equal(again["steps"], torch.arange(8)) and again["test"] is None
    assert torch.equal(again["train"][[0, 3, 6, 7]], out["train"])
    still = tr.train_by_hand(X, y, W, b, 0.5, 0)
    assert still["steps"].tolist() == [0] and torch.equal(still["weights"][0], W[0])


def test_train_with_torch_zero_steps_reports_the_starting_loss():
    """steps = 0 is allowed: no update, one loss, equal to :func:`loss` at the start."""
    X, y = tr.two_moons(10, generator=_g(2))
    W, b = tr.init_network([2, 3, 1], generator=_g(4))
    net, curve = tr.train_with_torch(X, y, W, b, 0.1, 0)
    assert curve.shape == (1,) and abs(float(curve[0]) - float(tr.loss(X, y, W, b))) < 1e-15
    assert torch.equal(net[0].weight.detach(), W[0])


def _net():
    return tr.init_network([2, 3, 1], generator=_g())


@pytest.mark.parametrize("call, message", [
    (lambda: tr.init_network([2, 0, 1]), r"^widths must be at least 1, got 0$"),
    (lambda: tr.init_network("21"), r"^widths must list at least an input and an output width, got '21'$"),
    (lambda: tr.init_network([2, 1], generator=3), r"^generator must be a torch\.Generator or None, got 3$"),
    (lambda: tr.two_moons(0), r"^s must be at least 1, got 0$"),
    (lambda: tr.two_moons(3, -0.1), r"^noise must be non-negative"),
    (lambda: tr.forward([[0.0, 0.0]], [], []), r"^weights must be a non-empty list of arrays, got \[\]$"),
    (lambda: tr.forward([[0.0, 0.0]], [torch.ones(1, 2)], ()), r"^biases must be a non-empty list of arrays, got \(\)$"),
    (lambda: tr.forward([[0.0, 0.0]], [torch.ones(1, 2)], [torch.zeros(1)] * 2),
     r"^weights and biases must have the same length, got 1 and 2$"),
    (lambda: tr.forward([[0.0, 0.0]], [torch.ones(3, 2), torch.ones(1, 2)], [torch.zeros(3), torch.zeros(1)]),
     r"^weights\[1\] must be a matrix taking the previous layer's outputs, got shape \(1, 2\)$"),
    (lambda: tr.forward([[0.0, 0.0]], [torch.ones(3, 2), torch.ones(1, 3)], [torch.zeros(2), torch.zeros(1)]),
     r"^biases\[0\] must have shape \(3,\), got \(2,\)$"),
    (lambda: tr.forward([[0.0, 0.0]], [torch.ones(3, 2)], [torch.zeros(3)]),
     r"^weights\[-1\] must have one output \(a logit\), got shape \(3, 2\)$"),
    (lambda: tr.forward([[0.0, 0.0, 1.0]], *_net()), r"^X must have 2 columns \(the input width\), got shape \(1, 3\)$"),
    (lambda: tr.forward([0.0, 0.0], *_net()), r"^X must have 2 dimension"),
    (lambda: tr.forward([[0.0, math.inf]], *_net()), r"^X must be finite"),
    (lambda: tr.loss([[0.0, 0.0]] * 3, None, *_net()), r"^y must hold one 0/1 label per row of X, got None$"),
    (lambda: tr.loss([[0.0, 0.0]] * 3, [0.0, 1.0], *_net()), r"^y must hold one 0/1 label per row of X \(3\), "
                                                              r"got \[0\.0, 1\.0\]$"),
    (lambda: tr.accuracy([[0.0, 0.0]] * 25, [0.5] * 25, *_net()), r"^y must hold one 0/1 label per row of X \(25\), "
                                                                   r"got tensor\(\[0\.5000"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *_net(), lr=0.1, steps=2, X_test=[[0.0, 1.0]]),
     r"^X_test and y_test must be given together, got X_test alone$"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *_net(), lr=0.1, steps=2, y_test=[1.0]),
     r"^X_test and y_test must be given together, got y_test alone$"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *_net(), lr=0.1, steps=2, X_test=[[0.0, 1.0, 2.0]], y_test=[1.0]),
     r"^X_test must have 2 columns"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *_net(), lr=0.1, steps=2, X_test=[[0.0, 1.0]], y_test=[2.0]),
     r"^y_test must hold one 0/1 label per row of X_test \(1\), got \[2\.0\]$"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *_net(), lr=0.0, steps=2), r"^lr must be positive, got 0\.0$"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *_net(), lr=0.1, steps=-1), r"^steps must be at least 0, got -1$"),
    (lambda: tr.train_by_hand([[0.0, 0.0]], [1.0], *_net(), lr=0.1, steps=2, record_every=0),
     r"^record_every must be at least 1, got 0$"),
    (lambda: tr.train_with_torch([[0.0, 0.0]], [1.0], *_net(), lr=-0.1, steps=2), r"^lr must be positive, got -0\.1$"),
    (lambda: tr.train_with_torch([[0.0, 0.0]], [1.0], *_net(), lr="big", steps=2), r"^lr must be"),
    (lambda: tr.train_with_torch([[0.0, 0.0]], [1.0], *_net(), lr=0.1, steps=-1), r"^steps must be at least 0, got -1$"),
    (lambda: tr.overfitting_experiment(sizes=[]), r"^sizes must list at least one training-set size, got \[\]$"),
    (lambda: tr.overfitting_experiment(sizes=[0]), r"^sizes must be at least 1, got 0$"),
    (lambda: tr.overfitting_experiment(sizes=[4], width=0), r"^width must be at least 1, got 0$"),
    (lambda: tr.overfitting_experiment(sizes=[4], steps=0), r"^steps must be at least 1, got 0$"),
    (lambda: tr.overfitting_experiment(sizes=[4], record_every=0), r"^record_every must be at least 1, got 0$"),
    (lambda: tr.overfitting_experiment(sizes=[4], noise=-1.0), r"^noise must be non-negative"),
    (lambda: tr.overfitting_experiment(sizes=[4], noise="x"), r"^noise must be"),
])
def test_refusals_name_the_argument_exactly(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_overfitting_runs_are_seeded_and_independent_of_the_other_sizes():
    """Each size's run draws its data and start from its own seeded generators: the run for s = 6 is the same
    whether s = 4 is listed beside it or not."""
    one = tr.overfitting_experiment(sizes=(6,), width=3, steps=4, record_every=2, noise=0.1)[6]
    two = tr.overfitting_experiment(sizes=(4, 6), width=3, steps=4, record_every=2, noise=0.1)[6]
    assert one is not two
    for key in ("steps", "train", "test"):
        assert torch.equal(one[key], two[key])
    assert one["steps"].tolist() == [0, 2, 4]


def test_overfitting_experiment_smallest_arguments():
    """One training point, width 1, one step recorded every step: all accepted (each minimum is 1)."""
    run = tr.overfitting_experiment(sizes=[1], width=1, steps=1, record_every=1, noise=0.0)[1]
    assert run["steps"].tolist() == [0, 1] and run["weights"][0].shape == (1, 2)


def test_random_draws_come_from_the_generator_alone():
    """One seed gives the same data and the same start whatever the global generator holds."""
    torch.manual_seed(1)
    X1, _ = tr.two_moons(6, generator=_g(7))
    W1, _ = tr.init_network([2, 3, 1], generator=_g(7))
    torch.manual_seed(2)
    X2, _ = tr.two_moons(6, generator=_g(7))
    W2, _ = tr.init_network([2, 3, 1], generator=_g(7))
    assert torch.equal(X1, X2) and all(torch.equal(p, q) for p, q in zip(W1, W2))


def test_twenty_bad_labels_are_shown_as_a_tensor():
    """Up to 19 labels the message lists them; from 20 on it shows the tensor."""
    with pytest.raises(ValueError, match=r"got tensor\(\["):
        tr.loss([[0.0, 0.0]] * 20, [0.5] * 20, *_net())
    with pytest.raises(ValueError, match=r"got \[0\.5, "):
        tr.loss([[0.0, 0.0]] * 19, [0.5] * 19, *_net())
