"""The optimisers on a network: same start and minibatches for every method, and divergence reported as inf."""

import math

import pytest
import torch

from edl.feedforward import training as tr
from edl.optimization import network_race as nr

F64 = torch.float64


def test_same_settings_give_the_same_run_and_training_lowers_the_loss():
    a = nr.train_network("Adam", 0.01, steps=40, record_every=10)
    b = nr.train_network("Adam", 0.01, steps=40, record_every=10)
    assert a["train"].tolist() == b["train"].tolist()
    assert float(a["train"][-1]) < float(a["train"][0])
    assert 0.0 <= a["accuracy"] <= 1.0


def test_every_optimizer_starts_from_the_same_loss():
    starts = {name: float(nr.train_network(name, 0.01, steps=1)["train"][0]) for name in nr.OPTIMIZERS}
    assert len(set(starts.values())) == 1


def test_a_diverging_run_records_inf_not_nan():
    run = nr.train_network("SGD", 1e6, steps=20, record_every=1)
    assert math.isinf(float(run["train"][-1])) or float(run["train"][-1]) > 10


def test_tune_picks_the_lowest_final_loss():
    best, run, finals = nr.tune("SGD", (0.001, 1.0), steps=60)
    assert best == min(finals, key=finals.get) == 1.0


@pytest.mark.parametrize("call, name", [
    (lambda: nr.train_network("LBFGS", 0.1), "optimizer"),
    (lambda: nr.train_network("SGD", -0.1), "lr"),
    (lambda: nr.train_network("SGD", 0.1, steps=5, schedule=[1.0, 1.0]), "schedule"),
    (lambda: nr.tune("SGD", []), "lrs"),
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# --- the run against chapter 2's own network functions ------------------------------------------------------


def _start(widths, seed):
    """The race's initial network, by its documented seed rule (init from seed + 1)."""
    return tr.init_network(list(widths), generator=torch.Generator().manual_seed(seed + 1))


@pytest.mark.parametrize("optimizer", ["Adam", "heavy ball"])
def test_a_zero_schedule_keeps_the_initial_network(optimizer):
    """Factors 0 freeze the weights: every recorded loss, the held-out loss and accuracy are those of the initial
    network, computed by chapter 2's softplus loss and accuracy (not the race's BCEWithLogitsLoss)."""
    run = nr.train_network(optimizer, 0.1, steps=3, widths=(2, 5, 1), seed=4, schedule=[0.0, 0.0, 0.0], record_every=1)
    X, y, X_test, y_test = nr.race_data()
    W, b = _start((2, 5, 1), 4)
    assert run["steps"].tolist() == [0, 1, 2, 3]
    start = float(tr.loss(X, y, W, b))
    torch.testing.assert_close(run["train"], torch.full((4,), start, dtype=F64), rtol=1e-12, atol=0)
    assert run["test"] == pytest.approx(float(tr.loss(X_test, y_test, W, b)), rel=1e-12)
    assert run["accuracy"] == tr.accuracy(X_test, y_test, W, b)


def test_one_sgd_step_is_chapter_two_backward_on_the_seeded_minibatch():
    """Step 1 of SGD = W - η ∇L on the minibatch drawn from seed + 2, with ∇L from chapter 2's hand-written backward."""
    run = nr.train_network("SGD", 0.5, steps=1, batch_size=3, widths=(2, 4, 1), seed=2, record_every=1)
    X, y, _, _ = nr.race_data()
    W, b = _start((2, 4, 1), 2)
    picks = torch.randint(len(y), (1, 3), generator=torch.Generator().manual_seed(4))[0]
    gW, gb = tr.backward(X[picks], y[picks], W, b)
    W1, b1 = [w - 0.5 * g for w, g in zip(W, gW)], [c - 0.5 * g for c, g in zip(b, gb)]
    expected = torch.stack([tr.loss(X, y, W, b), tr.loss(X, y, W1, b1)])
    torch.testing.assert_close(run["train"], expected, rtol=1e-12, atol=0)


def test_a_schedule_multiplies_the_learning_rate():
    plain = nr.train_network("heavy ball", 0.1, steps=4, widths=(2, 3, 1), record_every=1)
    halved = nr.train_network("heavy ball", 0.2, steps=4, widths=(2, 3, 1), record_every=1, schedule=[0.5] * 4)
    assert plain["train"].tolist() == halved["train"].tolist()
    assert plain["test"] == halved["test"] and plain["accuracy"] == halved["accuracy"]


@pytest.mark.parametrize("steps, every, recorded",
                         [(1, 1, [0, 1]), (5, 2, [0, 2, 4, 5]), (4, 2, [0, 2, 4]), (3, 10, [0, 3])])
def test_recorded_steps_are_multiples_of_record_every_and_the_last(steps, every, recorded):
    run = nr.train_network("SGD", 0.1, steps=steps, batch_size=1, widths=(2, 1), record_every=every)
    assert run["steps"].tolist() == recorded and len(run["train"]) == len(recorded)


def test_an_overflowing_run_stops_at_inf():
    run = nr.train_network("SGD", 1e308, steps=5, widths=(2, 3, 1), record_every=1)
    assert run["steps"].tolist() == [0, 1] and math.isinf(float(run["train"][1])) and math.isinf(run["test"])


def test_a_run_whose_loss_turns_nan_records_inf():
    """RMSprop's first step is lr·g/√(0.01 g²) = ±10·lr, which overflows to ±inf for lr = 1e308: the weights mix
    +inf and -inf, the logits and both losses are NaN, and the run reports them as inf."""
    run = nr.train_network("RMSprop", 1e308, steps=3, widths=(2, 3, 1), record_every=1)
    assert run["steps"].tolist() == [0, 1] and run["train"][1].item() == math.inf and run["test"] == math.inf


def test_race_data_is_two_seeded_moons_draws_and_cached():
    X, y, X_test, y_test = nr.race_data(6, 0.1, 3)
    g = torch.Generator().manual_seed(3)
    for ours, ref in zip((X, y, X_test, y_test), tr.two_moons(6, 0.1, generator=g) + tr.two_moons(6, 0.1, generator=g)):
        assert torch.equal(ours, ref)
    assert nr.race_data(6, 0.1, 3)[0] is X and nr.race_data(2, 0.0, 0)[0].shape == (2, 2)
    assert nr.race_data()[0].shape == (400, 2) and torch.equal(nr.race_data()[0], nr.race_data(400, 0.25, 0)[0])


def test_tune_averages_the_last_five_records_and_breaks_ties_towards_the_smaller_rate():
    best, run, finals = nr.tune("SGD", [0.3, 0.1], steps=6, widths=(2, 3, 1), record_every=1)
    runs = {lr: nr.train_network("SGD", lr, steps=6, widths=(2, 3, 1), record_every=1) for lr in (0.3, 0.1)}
    assert finals == {lr: float(r["train"][-5:].mean()) for lr, r in runs.items()}
    assert best == min(finals, key=finals.get) and run["train"].tolist() == runs[best]["train"].tolist()
    best, _, finals = nr.tune("SGD", (1e308, 2e307), steps=2, widths=(2, 3, 1), record_every=1)
    assert finals == {1e308: math.inf, 2e307: math.inf} and best == 2e307


@pytest.mark.parametrize("kwargs, message", [
    (dict(optimizer="sgd"),
     r"^optimizer must be one of \['SGD', 'heavy ball', 'Nesterov', 'RMSprop', 'Adam'\], got 'sgd'$"),
    (dict(optimizer=None), r"^optimizer must be one of .*, got None$"),
    (dict(lr=0.0), r"^lr must be positive"),
    (dict(steps=0), r"^steps must be at least 1, got 0$"),
    (dict(batch_size=0), r"^batch_size must be at least 1, got 0$"),
    (dict(record_every=0), r"^record_every must be at least 1, got 0$"),
    (dict(seed=-1), r"^seed must be at least 0, got -1$"),
    (dict(widths=[2]), r"^widths must run from 2 inputs to 1 logit, e\.g\. \(2, 32, 32, 1\), got \[2\]$"),
    (dict(widths=(3, 1)), r"^widths must run from 2 inputs to 1 logit"),
    (dict(widths=(2, 2)), r"^widths must run from 2 inputs to 1 logit"),
    (dict(widths="21"), r"^widths must run from 2 inputs to 1 logit"),
    (dict(schedule=[1.0]), r"^schedule must hold one factor per step \(2\), got shape \(1,\)$"),
    (dict(schedule=[1.0, float("inf")]), r"^schedule must be finite"),
    (dict(schedule=[1.0, -1.0]), r"^schedule must be non-negative"),
])
def test_train_network_errors_name_the_argument(kwargs, message):
    call = dict(optimizer="SGD", lr=0.1, steps=2, widths=(2, 1)) | kwargs
    with pytest.raises(ValueError, match=message):
        nr.train_network(**call)


def test_tune_errors_name_lrs():
    with pytest.raises(ValueError, match=r"^lrs must list at least one learning rate, got 0\.1$"):
        nr.tune("SGD", 0.1)
    with pytest.raises(ValueError, match=r"^lrs must be positive"):
        nr.tune("SGD", [0.1, -0.1])


@pytest.mark.parametrize("optimizer, nesterov", [("heavy ball", False), ("Nesterov", True)])
def test_two_momentum_steps_use_momentum_point_nine(optimizer, nesterov):
    """torch's SGD with momentum μ = 0.9: v ← μv + g, then W ← W - η v (heavy ball) or W ← W - η(g + μv) (Nesterov),
    with the gradients g of the two seeded minibatches from chapter 2's hand-written backward."""
    run = nr.train_network(optimizer, 0.3, steps=2, batch_size=4, widths=(2, 3, 1), seed=1, record_every=1)
    X, y, _, _ = nr.race_data()
    params = [p for pair in zip(*_start((2, 3, 1), 1)) for p in pair]  # W1, b1, W2, b2
    picks = torch.randint(len(y), (2, 4), generator=torch.Generator().manual_seed(3))
    velocity, losses = [torch.zeros_like(p) for p in params], []
    for t in range(2):
        losses.append(tr.loss(X, y, params[0::2], params[1::2]))
        gW, gb = tr.backward(X[picks[t]], y[picks[t]], params[0::2], params[1::2])
        grads = [g for pair in zip(gW, gb) for g in pair]
        velocity = [0.9 * u + g for u, g in zip(velocity, grads)]
        params = [p - 0.3 * ((g + 0.9 * u) if nesterov else u) for p, g, u in zip(params, grads, velocity)]
    losses.append(tr.loss(X, y, params[0::2], params[1::2]))
    torch.testing.assert_close(run["train"], torch.stack(losses), rtol=1e-12, atol=0)


def test_defaults_are_600_steps_recorded_every_20_batches_of_32_seed_0_and_the_32_32_network():
    assert nr.train_network("SGD", 0.1, widths=(2, 1))["steps"].tolist() == list(range(0, 601, 20))
    short = nr.train_network("SGD", 0.1, steps=1, record_every=1)
    explicit = nr.train_network("SGD", 0.1, steps=1, record_every=1, batch_size=32, seed=0, widths=(2, 32, 32, 1))
    assert short["train"].tolist() == explicit["train"].tolist() and short["test"] == explicit["test"]


def test_tune_accepts_a_single_rate():
    best, run, finals = nr.tune("SGD", [0.2], steps=2, widths=(2, 1), record_every=1)
    assert best == 0.2 and list(finals) == [0.2] and len(run["train"]) == 3


def test_race_data_needs_two_points():
    with pytest.raises(ValueError, match=r"^s must be at least 2, got 1$"):
        nr.race_data(1)
