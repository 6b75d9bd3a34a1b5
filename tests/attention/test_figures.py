"""Every figure of chapter 6 in the book's style (see :func:`edl.core.legibility.inspect`)."""

import numpy as np
import pytest

from edl.attention import counting as ct
from edl.attention.figures import experiments, mechanism, positional
from edl.core import legibility


@pytest.fixture(scope="module")
def trained():
    return ct.compare(steps=40)


CASES = {
    "mechanism.plot_mixing": lambda _: mechanism.plot_mixing(1.0),
    "mechanism.plot_query_key_rank": lambda _: mechanism.plot_query_key_rank(3),
    "mechanism.plot_attention_temperature": lambda _: mechanism.plot_attention_temperature(256.0, 4),
    "mechanism.plot_scaling_histograms": lambda _: mechanism.plot_scaling_histograms(500),
    "mechanism.plot_causal_masks": lambda _: mechanism.plot_causal_masks(),
    "mechanism.plot_gelu": lambda _: mechanism.plot_gelu(),
    "mechanism.plot_complexity": lambda _: mechanism.plot_complexity(),
    "positional.plot_encodings": lambda _: positional.plot_encodings(),
    "positional.plot_rotation": lambda _: positional.plot_rotation(0),
    "positional.plot_relative_bias": lambda _: positional.plot_relative_bias(),
    "experiments.plot_training_curves": lambda r: experiments.plot_training_curves(r, r["params"]),
    "experiments.plot_attention_maps": lambda r: experiments.plot_attention_maps(r["transformer"].model,
                                                                                 experiments.EXAMPLES[0], 1),
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (mechanism, positional, experiments) for n in dir(m)
             if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name, trained):
    report = legibility.inspect(CASES[name](trained))
    assert not report.problems, f"{name}: {report.problems}"


def test_mixing_weights_and_temperature_data():
    assert mechanism.mixing_weights(0.0).tolist() == [0.2] * 5
    assert mechanism.mixing_weights(1.0).tolist() == [0.0, 0.0, 1.0, 0.0, 0.0]
    data = mechanism.temperature_entropy_data(1.0, 4)
    assert sorted(data["entropy"]) == [4, 64, 256] and data["A"].shape == (8, 8)
    assert np.allclose(data["A"].sum(1), 1.0)
    for curve in data["entropy"].values():
        assert curve[0] > 2.0 and curve[-1] < 0.1


def test_growing_encoding_reaches_thousands_of_radians():
    E = positional.growing_encoding(3, 16)
    assert E.shape == (3, 16) and E[0, 1] == 1.0 and E[0, 0] == 0.0
