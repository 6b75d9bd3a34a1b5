"""Every figure of chapter 4 in the book's style (see :func:`edl.core.legibility.inspect`), and the
digits experiment's bookkeeping."""

import numpy as np
import pytest
import torch

from edl.convolution import digits as dg
from edl.convolution import embeddings as em
from edl.convolution import layers as ly
from edl.convolution.figures import experiments, layers, operator
from edl.core import legibility


@pytest.fixture(scope="module")
def trained():
    return dg.compare(epochs=2)


C = np.random.default_rng(0).integers(1, 50, size=(4, 4)).astype(float)

CASES = {
    "operator.plot_convolution_slide": lambda _: operator.plot_convolution_slide(14),
    "operator.plot_fft_wraparound": lambda _: operator.plot_fft_wraparound(40),
    "operator.plot_toeplitz": lambda _: operator.plot_toeplitz(),
    "operator.plot_kernel_matrices": lambda _: operator.plot_kernel_matrices(),
    "operator.plot_lsi_projection": lambda _: operator.plot_lsi_projection(),
    "layers.plot_receptive_field": lambda _: layers.plot_receptive_field(10, "stride 2"),
    "layers.plot_kernel_gradient_flip": lambda _: layers.plot_kernel_gradient_flip(),
    "layers.plot_separable_cost": lambda _: layers.plot_separable_cost(),
    "experiments.plot_sgns_pmi": lambda _: experiments.plot_sgns_pmi(C, {k: em.fit_sgns(C, k, steps=200) for k in (1.0, 5.0)}),
    "experiments.plot_training_curves": lambda r: experiments.plot_training_curves(
        r["cnn"].test_accuracy, r["mlp"].test_accuracy, r["params"]),
    "experiments.plot_filters_and_maps": lambda r: experiments.plot_filters_and_maps(r["cnn"].model, r["data"][2][0]),
    "experiments.plot_receptive_field_on_digit": lambda r: experiments.plot_receptive_field_on_digit(
        r["cnn"].model, r["data"][2][0]),
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (operator, layers, experiments) for n in dir(m)
             if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name, trained):
    report = legibility.inspect(CASES[name](trained))
    assert not report.problems, f"{name}: {report.problems}"


def test_the_budgets_match_and_the_shapes_follow_the_formulas(trained):
    cnn, mlp = trained["params"]
    assert cnn == 1898 and mlp == 1885 and cnn - mlp < 75
    assert sum(n for _, n in ly.architecture_shapes((1, 8, 8), dg.cnn_stages())) == cnn
    x = trained["data"][0][:3]
    assert trained["cnn"].model(x).shape == (3, 10)


def test_receptive_field_on_the_digit_is_the_formula_cut_by_the_border(trained):
    model, image = trained["cnn"].model, trained["data"][2][0]
    mask = dg.input_receptive_field(model, image, 0, 1, 1)
    rows, cols = torch.nonzero(mask, as_tuple=True)
    assert (int(rows.min()), int(rows.max()), int(cols.min()), int(cols.max())) == (0, 6, 0, 6)
    assert dg.receptive_field_side() == 8


def test_fft_explorer_data_corrupts_exactly_the_wrapped_entries():
    for n in (40, 62, 63):
        _, _, err = operator.fft_wraparound_data(n)
        assert int((err > 1e-9).sum()) == max(0, 63 - n)
