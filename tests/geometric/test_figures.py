"""Every figure of chapter 7 in the book's style (see :func:`edl.core.legibility.inspect`), every explorer frame
readable and distinct, and the explorers' data."""

import functools

import pytest
import torch

from edl.core import legibility
from edl.core.explore import MAX_HTML_BYTES
from edl.geometric import experiments as ex
from edl.geometric.figures import experiments, graphs, spectral


@pytest.fixture(scope="module")
def runs():
    A, y = ex.karate_club()
    X = torch.eye(34, dtype=torch.float64)
    return dict(A=A, y=y, gcn=ex.train_node_classifier(A, X, y, epochs=20),
                mlp=ex.train_node_classifier(A, X, y, graph=False, epochs=20),
                sets=ex.train_set_models(steps=20, n_train=64))


CASES = {
    "graphs.plot_cayley_table": lambda _: graphs.plot_cayley_table(),
    "graphs.plot_pooling_multisets": lambda _: graphs.plot_pooling_multisets(),
    "graphs.plot_relabelling": lambda _: graphs.plot_relabelling(0),
    "graphs.plot_wl_refinement": lambda _: graphs.plot_wl_refinement(0),
    "spectral.plot_propagation": lambda _: spectral.plot_propagation(20),
    "spectral.plot_fourier_modes": lambda _: spectral.plot_fourier_modes(),
    "spectral.plot_heat_filter": lambda _: spectral.plot_heat_filter(0.0),
    "spectral.plot_component_spectra": lambda _: spectral.plot_component_spectra(11),
    "spectral.plot_commutant_dimensions": lambda _: spectral.plot_commutant_dimensions(),
    "experiments.plot_karate": lambda r: experiments.plot_karate(r["A"], r["y"], r["gcn"], r["mlp"], ex.TRAIN_NODES),
    "experiments.plot_deep_sets": lambda r: experiments.plot_deep_sets(r["sets"]),
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (graphs, spectral, experiments) for n in dir(m)
             if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name, runs):
    report = legibility.inspect(CASES[name](runs))
    assert not report.problems, f"{name}: {report.problems}"


EXPLORERS = {"relabelling": graphs.relabelling_explorer, "propagation": spectral.propagation_explorer,
             "heat filter": spectral.heat_filter_explorer, "components": spectral.component_explorer}


@functools.cache
def _built(name):
    explorer = EXPLORERS[name]()
    problems = {}
    explorer.frames(inspect=lambda p, fig: problems.update({p: legibility.inspect(fig, drawn=True).problems}
                                                           if legibility.inspect(fig, drawn=True).problems else {}))
    return explorer, explorer.to_html(), problems


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_every_explorer_frame_renders_readable_distinct_and_small(name):
    explorer, page, problems = _built(name)
    assert not problems, f"{name}: {problems}"
    assert len(page) <= MAX_HTML_BYTES
    assert not explorer.sparse_controls()
    frames = explorer.frames()
    assert len(frames) >= 10
    for (i,), png in frames.items():
        if (i + 1,) in frames:
            assert frames[(i + 1,)] != png, f"{name}: frames {i} and {i + 1} are the same"


def test_explorer_data_follow_the_formulas():
    d = graphs.relabelling_data(0)
    assert d["right"] == 0.0 and d["wrong"] == 0.0                         # the identity relabelling
    d = graphs.relabelling_data(3)
    assert d["right"] <= 1e-12 and d["wrong"] > 0.1
    p = spectral.propagation_data(4)
    assert p["first"][20] / p["first"][19] == pytest.approx(2.0, rel=1e-3)
    assert max(p["renorm"]) <= 1.0 + 1e-12 and p["spec_first"].max() == pytest.approx(2.0, abs=1e-12)
    h0, h1 = spectral.heat_filter_data(0.0), spectral.heat_filter_data(1.0)
    assert h1["energy"] < h0["energy"]
    assert h0["y_hat"] == pytest.approx(h0["x_hat"], abs=1e-12)
