"""Every figure of chapter 10, part 1 in the book's style (see :func:`edl.core.legibility.inspect`)."""

import numpy as np
import pytest
import torch

from edl.core import legibility
from edl.generative import figures

RNG = np.random.default_rng(0)


def _digits():
    X = RNG.random((16, 40))
    return X - X.mean(1, keepdims=True), RNG.random(16) * 0 + RNG.random(64)[:16]


CASES = {
    "plot_eckart_young": lambda: figures.plot_eckart_young(RNG.normal(size=(64, 40)), RNG.random(64), ranks=(1, 5)),
    "plot_lae_landscape": figures.plot_lae_landscape,
    "plot_ppca_spectrum": lambda: figures.plot_ppca_spectrum([5.0, 3.0, 1.0, 0.8, 0.5], 2),
    "plot_elbo_gap": lambda: figures.plot_elbo_gap(-3.0, m=0.5),
    "plot_estimator_variance": lambda: figures.plot_estimator_variance(Ks=(1, 10, 100)),
    "plot_vae_digits": lambda: figures.plot_vae_digits(RNG.normal(size=200) - 30, RNG.random((10, 64)), RNG.random((10, 64)),
                                                       RNG.random((10, 64)), RNG.normal(size=(100, 2)), RNG.integers(0, 10, 100)),
    "plot_flow_layers": lambda: figures.plot_flow_layers(10),
    "plot_flow_fit": lambda: figures.plot_flow_fit(RNG.normal(size=(200, 2)), RNG.normal(size=(200, 2)),
                                                   lambda x: -0.5 * (x**2).sum(1) - np.log(2 * np.pi), RNG.normal(size=50) + 2),
    "plot_saturation": figures.plot_saturation,
    "plot_js_w1": lambda: figures.plot_js_w1(0.1),
    "plot_game": lambda: figures.plot_game(0.5, 50),
    "plot_gan_fit": lambda: figures.plot_gan_fit(RNG.normal(size=(200, 2)), RNG.normal(size=(200, 2)), RNG.random(100) + 1,
                                                 RNG.random(100) + 0.5),
}


def test_every_plot_function_has_a_case():
    assert {n for n in dir(figures) if n.startswith("plot_")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


@pytest.mark.parametrize("call, match", [
    (lambda: figures.plot_elbo_gap(9.0), "log_v"),
    (lambda: figures.plot_flow_layers(11), "k"),
    (lambda: figures.plot_game(-0.1), "eta"),
    (lambda: figures.plot_game(0.1, 0), "steps"),
    (lambda: figures.plot_js_w1(0.0), "sigma"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_flow_frames_carry_the_exact_density():
    pts, logq = figures._flow_frames()
    assert len(pts) == 11 and torch.isfinite(logq[-1]).all()
