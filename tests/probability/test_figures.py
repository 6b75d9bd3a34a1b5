"""Every figure of the probability appendix in the book's style: shown at least 720 px wide, text at
9 pt or more, clipping marked, legends off the data (see :func:`edl.core.legibility.inspect`)."""

import pytest

from edl.core import legibility
from edl.probability import figures

CASES = {
    "plot_hoeffding": lambda: figures.plot_hoeffding(1000, 0.1),
    "plot_poisson_limit": lambda: figures.plot_poisson_limit(4.0, 4),
    "plot_jensen": lambda: figures.plot_jensen(0.0, 1.5),
    "plot_kl_fits": lambda: figures.plot_kl_fits(3.0),
    "plot_pinsker": lambda: figures.plot_pinsker(5, 1.0, pairs=500),
    "plot_binary_entropy": figures.plot_binary_entropy,
}


def test_every_plot_function_has_a_case():
    assert {n for n in dir(figures) if n.startswith("plot_")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_tails_below_the_axes_and_pairs_beyond_them_are_marked():
    for fig in (figures.plot_hoeffding(1000, 0.1), figures.plot_pinsker(5, 1.0, pairs=500)):
        ax = fig.axes[0]
        assert any(line.get_gid() == "edl-clip-mark" for line in ax.lines)
        assert any("clipped" in t.get_text() for t in ax.get_legend().get_texts())
