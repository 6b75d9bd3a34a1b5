"""Every figure of chapter 8 in the book's style (see :func:`edl.core.legibility.inspect`), every frame of every
explorer, and the digits experiment's bookkeeping."""

import pytest
import torch

from edl.core import legibility
from edl.tricks import digits
from edl.tricks.figures import dropout_residual, experiments, init

MODULES = (init, dropout_residual, experiments)


@pytest.fixture(scope="module")
def histories():
    torch.set_num_threads(1)
    return digits.compare_tricks(epochs=2, tricks=("plain", "he init", "residual"))


CASES = {
    "init.plot_init_depth": lambda _: init.plot_init_depth(2.0),
    "init.plot_uniform_vs_normal": lambda _: init.plot_uniform_vs_normal(0.5),
    "init.plot_shrinkage": lambda _: init.plot_shrinkage(),
    "init.plot_snr_risk": lambda _: init.plot_snr_risk(),
    "init.plot_early_stopping": lambda _: init.plot_early_stopping(22),
    "dropout_residual.plot_dropout_means": lambda _: dropout_residual.plot_dropout_means(0.3),
    "dropout_residual.plot_residual_gradients": lambda _: dropout_residual.plot_residual_gradients(0.1),
    "dropout_residual.plot_residual_growth": lambda _: dropout_residual.plot_residual_growth(),
    "experiments.plot_trick_curves": lambda h: experiments.plot_trick_curves(h),
    "experiments.plot_temperature": lambda _: experiments.plot_temperature(8.0),
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in MODULES for n in dir(m) if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name, histories):
    report = legibility.inspect(CASES[name](histories))
    assert not report.problems, f"{name}: {report.problems}"


EXPLORERS = [init.init_depth_explorer, init.early_stopping_explorer, dropout_residual.dropout_explorer,
             dropout_residual.residual_explorer]


@pytest.mark.parametrize("make", EXPLORERS, ids=lambda f: f.__name__)
def test_every_explorer_frame_renders_readably_and_differs(make):
    ex = make()
    assert not ex.sparse_controls()
    assert all(len(c.values) >= 10 for c in ex.controls)
    problems = []
    frames = ex.frames(inspect=lambda pos, fig: problems.extend(legibility.inspect(fig).problems))
    assert not problems
    assert len(set(frames.values())) == len(frames)
    assert len(ex.to_html()) < 3_000_000


def test_the_explorer_data_say_what_the_text_says():
    prof = {c: init.depth_profile(c)["relu"][-1] for c in (1.0, 2.0, 3.0)}
    assert prof[1.0] < 1e-5 and 0.1 < prof[2.0] < 10 and prof[3.0] > 100
    means = dropout_residual.dropout_means(0.5)
    assert abs(means["geometric ensemble"] - means["weight-scaled net"]).max() < 1e-12
    assert abs(means["arithmetic ensemble"] - means["weight-scaled net"]).max() > 0.01
    grads = dropout_residual.gradient_profile(1.0)
    assert grads["plain"][0] < 1e-10 < 1 < grads["residual"][0]


def test_history_and_network_shapes(histories):
    h = histories["he init"]
    assert len(h.train_loss) == len(h.test_acc) == 2 and 0 <= h.test_acc[-1] <= 1
    assert h.train_loss[-1] < histories["plain"].train_loss[-1]
    for trick in digits.TRICKS:
        assert digits.TrickMLP(trick, depth=3, width=8)(torch.zeros(5, 64)).shape == (5, 10)
    with pytest.raises(ValueError, match="trick"):
        digits.TrickMLP("mixup")
    with pytest.raises(ValueError, match="train_loss"):
        digits.History("plain", train_loss=[0.1, 0.2])
