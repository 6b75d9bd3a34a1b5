"""Every figure of chapter 2 in the book's style: shown at least 720 px wide, text at 9 pt or more,
clipping marked, legends off the data, colour explained (see :func:`edl.core.legibility.inspect`)."""

import numpy as np
import pytest
import torch

from edl.core import legibility
from edl.feedforward import linear_autoencoder as ae
from edl.feedforward import training as tr
from edl.feedforward.figures import expressivity, linear_models, training

F64 = torch.float64


def _ae_landscape():
    g = torch.Generator().manual_seed(0)
    X = torch.randn(8, 40, generator=g, dtype=F64) * torch.linspace(2.0, 0.3, 8, dtype=F64)[:, None]
    X = X - X.mean(1, keepdim=True)
    Cs, Ds = ae.saddle_point(X, 3, [0, 1, 3])
    starts = [(0.1 * torch.randn(3, 8, generator=g, dtype=F64), 0.1 * torch.randn(8, 3, generator=g, dtype=F64))
              for _ in range(3)] + [(Cs + 1e-4 * torch.randn(Cs.shape, generator=g, dtype=F64), Ds)]
    curves = expressivity.ae_loss_curves(X, 3, starts, steps=400)
    return expressivity.plot_ae_landscape(X, starts[0][0], starts[0][1], curves, labels=[None] * 3 + ["saddle"])


CASES = {
    "expressivity.plot_relu_regions": lambda: expressivity.plot_relu_regions(6, 2),
    "expressivity.plot_zaslavsky_counts": lambda: expressivity.plot_zaslavsky_counts(
        [(2, 6), (3, 6)], [22, 42], [22, 42], [12, 32], [12, 32]),
    "expressivity.plot_montufar": lambda: expressivity.plot_montufar(3, 3),
    "expressivity.plot_hinge": expressivity.plot_hinge,
    "expressivity.plot_barron_rate": lambda: expressivity.plot_barron_rate(
        (10, 100, 1000), {2: np.array([5e-2, 5e-3, 5e-4]), 20: np.array([4e-2, 4e-3, 4e-4])}),
    "expressivity.plot_approximation_error": lambda: expressivity.plot_approximation_error(2, "cos"),
    "expressivity.plot_uat_fits": lambda: expressivity.plot_uat_fits(20),
    "expressivity.plot_ae_landscape": _ae_landscape,
    "linear_models.plot_ridge_shrinkage": lambda: linear_models.plot_ridge_shrinkage(10.0),
    "linear_models.plot_ridge_to_pinv": linear_models.plot_ridge_to_pinv,
    "linear_models.plot_lms_convergence": lambda: linear_models.plot_lms_convergence(500),
    "linear_models.plot_logistic_boundary": lambda: linear_models.plot_logistic_boundary(6.0, 1e-3),
    "linear_models.plot_sigmoid_tanh": linear_models.plot_sigmoid_tanh,
    "linear_models.plot_softmax_jacobian": lambda: linear_models.plot_softmax_jacobian(0.1),
    "linear_models.plot_residual_depth": lambda: linear_models.plot_residual_depth(30),
    "training.plot_xor": training.plot_xor,
    "training.plot_trained_network": lambda: _trained(),
    "training.plot_overfitting": lambda: training.plot_overfitting(
        {f"{s} points": r for s, r in tr.overfitting_experiment(sizes=(20, 200), steps=600, record_every=50).items()}),
}


def _trained():
    X, y = tr.two_moons(40, generator=torch.Generator().manual_seed(0))
    W, b = tr.init_network([2, 6, 1], generator=torch.Generator().manual_seed(1))
    r = tr.train_by_hand(X, y, W, b, 0.5, 30)
    _, curve = tr.train_with_torch(X, y, W, b, 0.5, 30)
    return training.plot_trained_network(X, y, r["weights"], r["biases"], r["steps"], r["train"], curve)


def test_every_plot_function_has_a_case():
    modules = (expressivity, linear_models, training)
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in modules for n in dir(m) if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_colour_bars_explain_the_colours():
    assert linear_models.plot_softmax_jacobian(1.0).axes[-1].get_ylabel() == "$J_{ij}$"
    fig = linear_models.plot_logistic_boundary(2.5, 0.01)
    assert len(fig.axes) == 2 and "probability" in fig.axes[1].get_ylabel()
