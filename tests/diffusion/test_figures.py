"""Every figure of chapter 10, part 2 in the book's style (see :func:`edl.core.legibility.inspect`)."""

import numpy as np
import pytest

from edl.core import legibility
from edl.diffusion import figures

RNG = np.random.default_rng(0)
CASES = {
    "plot_diffusion_histogram": lambda: figures.plot_diffusion_histogram(1000, "linear"),
    "plot_schedules": figures.plot_schedules,
    "plot_posterior_weights": figures.plot_posterior_weights,
    "plot_eps_weights": figures.plot_eps_weights,
    "plot_elbo_terms": lambda: figures.plot_elbo_terms(0.3, "consistency"),
    "plot_reverse_ring": lambda: figures.plot_reverse_ring(60),
    "plot_ddpm": lambda: figures.plot_ddpm(RNG.uniform(0.3, 1.0, 300), RNG.normal(size=(200, 2)) * 2,
                                           RNG.normal(size=(200, 2)) * 2, np.full(8, 25)),
    "plot_ddpm_digits": lambda: figures.plot_ddpm_digits(RNG.uniform(-1, 1, (30, 64)), RNG.uniform(-1, 1, (40, 64)),
                                                         RNG.integers(0, 10, 40)),
    "plot_reverse_sde": lambda: figures.plot_reverse_sde(RNG.normal(size=500), 2 + 0.5 * RNG.normal(size=500)),
}


def test_every_plot_function_has_a_case():
    assert {n for n in dir(figures) if n.startswith("plot_")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


@pytest.mark.parametrize("call, match", [
    (lambda: figures.plot_diffusion_histogram(2000), "t"),
    (lambda: figures.plot_diffusion_histogram(10, "cube"), "kernel"),
    (lambda: figures.plot_elbo_terms(1.5), "mix"),
    (lambda: figures.plot_elbo_terms(0.5, "other"), "form"),
    (lambda: figures.plot_reverse_ring(-1), "t"),
    (lambda: figures.plot_ddpm_digits(np.zeros((10, 64)), np.zeros((30, 64)), np.zeros(30)), "real and generated"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
