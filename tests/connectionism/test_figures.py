"""Every figure of chapter 1 in the book's style: shown at least 720 px wide, text at 9 pt or more,
clipping marked, legends off the data, colour explained (see :func:`edl.core.legibility.inspect`)."""

import numpy as np
import pytest

from edl.connectionism.figures import hopfield, perceptron
from edl.core import legibility, style

CASES = {
    "hopfield.plot_energy_trace": lambda: hopfield.plot_energy_trace("bias sign flipped"),
    "hopfield.plot_async_vs_sync": hopfield.plot_async_vs_sync,
    "hopfield.plot_hebbian_weights": hopfield.plot_hebbian_weights,
    "hopfield.plot_one_step": lambda: hopfield.plot_one_step(130),
    "hopfield.plot_capacity": lambda: hopfield.plot_capacity([0.05, 0.1, 0.15, 0.2], [1.0, 0.97, 0.3, -0.05],
                                                             [1.0, 0.9, 0.2, 0.1], n=200, alpha_hist=0.138),
    "hopfield.plot_perfect_recall": lambda: hopfield.plot_perfect_recall(sizes=(100, 250), trials=4),
    "hopfield.plot_learned_vs_hebbian": lambda: hopfield.plot_learned_vs_hebbian(
        [0.1, 0.3, 0.5], [0.001, 0.05, 0.08], [0.0, 0.0, 0.01], n=100),
    "hopfield.plot_recall": lambda: hopfield.plot_recall(0.26, 0.35),
    "hopfield.plot_willshaw": lambda: hopfield.plot_willshaw(25),
    "hopfield.plot_willshaw_capacity": hopfield.plot_willshaw_capacity,
    "hopfield.plot_basins": hopfield.plot_basins,
    "perceptron.plot_mcp_truth_table": perceptron.plot_mcp_truth_table,
    "perceptron.plot_perceptron_2d": perceptron.plot_perceptron_2d,
    "perceptron.plot_novikoff_ingredients": perceptron.plot_novikoff_ingredients,
    "perceptron.plot_novikoff_mistakes": lambda: perceptron.plot_novikoff_mistakes(0.02, 50),
    "perceptron.plot_max_margin": perceptron.plot_max_margin,
    "perceptron.plot_dichotomies": perceptron.plot_dichotomies,
    "perceptron.plot_phase_transition": lambda: perceptron.plot_phase_transition(5),
    "perceptron.plot_cover_curves": perceptron.plot_cover_curves,
    "perceptron.plot_nonseparable": perceptron.plot_nonseparable,
    "perceptron.plot_xor_network": perceptron.plot_xor_network,
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (hopfield, perceptron) for n in dir(m) if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_clipped_values_are_marked():
    """The capacity curve's negative overlap and Willshaw's zero spurious ones are drawn at the edge, with a key."""
    for fig in (CASES["hopfield.plot_capacity"](), CASES["hopfield.plot_willshaw"]()):
        marks = [line for ax in fig.axes for line in ax.lines if line.get_gid() == "edl-clip-mark"]
        assert marks and all(np.isfinite(line.get_xydata()).all() for line in marks)
        assert any(style.CLIPPED in t.get_text() or "floor" in t.get_text() or "clipped" in t.get_text()
                   for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts())
