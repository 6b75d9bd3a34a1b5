"""The optimisers on a network: same start and minibatches for every method, and divergence reported as inf."""

import math

import pytest

from edl.optimization import network_race as nr


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
