"""Every figure of chapter 5 in the book's style (see :func:`edl.core.legibility.inspect`), and the explorers' data."""

import math

import numpy as np
import pytest

from edl.core import legibility
from edl.recurrent.figures import dynamics, sequences

CASES = {
    "dynamics.plot_jacobian_norms": lambda: dynamics.plot_jacobian_norms(1.1),
    "dynamics.plot_bptt_paths": lambda: dynamics.plot_bptt_paths(),
    "dynamics.plot_forget_memory": lambda: dynamics.plot_forget_memory(-2.0),
    "dynamics.plot_teacher_forcing": lambda: dynamics.plot_teacher_forcing(),
    "dynamics.plot_gru_gap": lambda: dynamics.plot_gru_gap(),
    "sequences.plot_lru_mode": lambda: sequences.plot_lru_mode(-7.0),
    "sequences.plot_ring_init": lambda: sequences.plot_ring_init(),
    "sequences.plot_ctc_alignment": lambda: sequences.plot_ctc_alignment(34),
    "sequences.plot_char_lm": lambda: sequences.plot_char_lm([3.8, 2.0, 0.5], [1e-5, 1e-3, 0.2]),
    "sequences.plot_memory_task": lambda: sequences.plot_memory_task([0.7, 0.01], [0.7, 0.69], (1.0, 0.5)),
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (dynamics, sequences) for n in dir(m) if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_jacobian_data_shows_the_three_regimes():
    d = dynamics.jacobian_norm_data(1.1)
    np.testing.assert_allclose(d["orthogonal"], d["bound"], rtol=1e-10)
    assert d["linear"][-1] < 1e-10 and d["tanh"][-1] < d["linear"][-1]
    small = dynamics.jacobian_norm_data(0.5)
    assert (small["tanh"] <= small["bound"] * (1 + 1e-12)).all()


def test_ctc_explorer_data():
    path, alpha = sequences.ctc_data(0)
    assert len(path) == 5 and path[0] in (0, 1)
    lp = np.random.default_rng(40).normal(size=(5, 3))
    p = np.exp(lp - np.log(np.exp(lp).sum(1, keepdims=True)))
    from edl.recurrent import ctc
    import torch
    assert alpha[-1, -1] + alpha[-1, -2] == pytest.approx(ctc.ctc_probability(torch.tensor(np.log(p)), [1, 2]), rel=1e-10)
    with pytest.raises(ValueError, match="path_index"):
        sequences.ctc_data(35)


def test_lru_mode_data_and_ring_samples():
    lam, resp = sequences.lru_mode_data(0.0, 0.0, 3)
    assert lam == pytest.approx(math.exp(-1.0)) and resp.real.tolist() == pytest.approx([1.0, math.exp(-1), math.exp(-2)])
    area, naive = sequences.ring_samples()
    r_mid = math.sqrt((0.16 + 0.81) / 2)
    assert abs((np.abs(area) < r_mid).mean() - 0.5) < 0.03 and (np.abs(naive) < r_mid).mean() > 0.55
