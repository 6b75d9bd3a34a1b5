"""Every figure of chapter 3 in the book's style: shown at least 720 px wide, text at 9 pt or more,
clipping marked, legends off the data, colour explained (see :func:`edl.core.legibility.inspect`)."""

import numpy as np
import pytest

from edl.core import legibility
import torch

from edl.optimization import network_race, schedules
from edl.optimization.figures import descent, optimizers, training

TIMINGS = {"sizes": [1, 4, 16], "N": np.array([[1.0, 0.5], [3.0, 0.6], [9.0, 0.7]]),
           "M": np.array([[1.0, 0.5], [1.1, 2.0], [1.2, 7.0]])}

CASES = {
    "descent.plot_gd_quadratic": lambda: descent.plot_gd_quadratic(2.2, 20.0),
    "descent.plot_step_size_rate": lambda: descent.plot_step_size_rate(100.0),
    "descent.plot_stability_sweep": lambda: descent.plot_stability_sweep(
        [2.0, 10.0, 100.0], [2.0, 1.999, 2.2], [0.33, 0.82, 0.98]),
    "descent.plot_autodiff_cost": lambda: descent.plot_autodiff_cost(TIMINGS),
    "descent.plot_delta_norms": lambda: descent.plot_delta_norms(4.0, "relu"),
    "descent.plot_jacobian_depth": lambda: descent.plot_jacobian_depth("tanh", 4.0),
    "descent.plot_phi_prime_counterexample": descent.plot_phi_prime_counterexample,
    "descent.plot_pl_example": descent.plot_pl_example,
    "descent.plot_rates": lambda: descent.plot_rates(descent.rate_curves(runs=3)),
    "optimizers.plot_optimizer_race": lambda: optimizers.plot_optimizer_race(1.95, 0.9, 10.0),
    "optimizers.plot_noise_floor": lambda: optimizers.plot_noise_floor(1, 0.9),
    "optimizers.plot_minibatch_variance": lambda: optimizers.plot_minibatch_variance(draws=500),
    "optimizers.plot_acceleration": optimizers.plot_acceleration,
    "optimizers.plot_adagrad_rotation": lambda: optimizers.plot_adagrad_rotation(kappas=(1, 100), d=4),
    "optimizers.plot_adam_counterexample": lambda: optimizers.plot_adam_counterexample(3000),
    "optimizers.plot_svrg": lambda: optimizers.plot_svrg(epochs=4),
    "optimizers.plot_muon_spectrum": optimizers.plot_muon_spectrum,
    "optimizers.plot_worst_case_acceleration": lambda: optimizers.plot_worst_case_acceleration(100.0, 60),
    "training.plot_computational_graph": training.plot_computational_graph,
    "training.plot_schedules": lambda: _schedules(),
    "training.plot_network_race": lambda: _race(),
}


def _schedules():
    g = torch.Generator().manual_seed(0)
    A = torch.randn(20, 3, generator=g, dtype=torch.float64)
    b = A @ torch.ones(3, dtype=torch.float64) + torch.randn(20, generator=g, dtype=torch.float64)
    L = float((A**2).sum(1).max())
    plans = {"constant": schedules.constant_schedule(0.5, 200), "cosine": schedules.cosine_schedule(0.5, 200)}
    curves = {k: schedules.sgd_least_squares_scheduled(A, b, p / L, 50, record_every=20, generator=g)
              for k, p in plans.items()}
    return training.plot_schedules(plans, curves, 20, {"0.5/L": 0.05})


def _race():
    best, finals = {}, {}
    for name, lrs in (("SGD", (0.3, 1.0)), ("Adam", (0.003, 0.01))):
        _, best[name], finals[name] = network_race.tune(name, lrs, steps=40)
    return training.plot_network_race(best, finals)


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (descent, optimizers, training) for n in dir(m) if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_diverging_iterates_are_marked_not_dropped():
    """Beyond η = 2/λ_max the iterates leave the contour window: every exit is marked on its edge."""
    fig = descent.plot_gd_quadratic(2.2, 20.0)
    window = fig.axes[0]
    marks = [line for line in window.lines if line.get_gid() == "edl-clip-mark"]
    assert marks
    x, y = np.concatenate([line.get_xydata() for line in marks]).T
    assert np.all(np.isclose(np.abs(x), 2.6) | np.isclose(np.abs(y), 2.6))


def test_the_race_keeps_iterates_unclipped_in_its_data():
    """The trajectories are drawn as computed (no np.clip); the axes clip them, and the marks say where."""
    fig = optimizers.plot_optimizer_race(1.95, 0.9, 10.0)
    paths = [line.get_xydata() for line in fig.axes[0].lines[:4]]
    assert max(np.abs(p).max() for p in paths) > 2.6
    assert any(line.get_gid() == "edl-clip-mark" for line in fig.axes[0].lines)
