"""Every figure of chapter 11 in the book's style (see :func:`edl.core.legibility.inspect`), and the data
behind the explorers."""

import numpy as np
import pytest
import torch

from edl.core import legibility
from edl.robustness import figures

RESULT = {"eps": [0.0, 0.1], "standard": {"fgsm": [0.98, 0.5], "pgd": [0.98, 0.45]},
          "robust": {"fgsm": [0.94, 0.77], "pgd": [0.94, 0.76]}}

CASES = {
    "plot_vulnerability": lambda: figures.plot_vulnerability(0.3),
    "plot_pgd_path": lambda: figures.plot_pgd_path(1.0, "2"),
    "plot_fairness_cost": lambda: figures.plot_fairness_cost(0.5),
    "plot_shap_waterfall": lambda: figures.plot_shap_waterfall([0.5, -1.2, 0.3], 0.2, ["a", "b", "c"]),
    "plot_digits_robustness": lambda: figures.plot_digits_robustness(RESULT),
    "plot_minimal_perturbations": lambda: figures.plot_minimal_perturbations(),
    "plot_local_lipschitz": lambda: figures.plot_local_lipschitz(np.linspace(0.5, 3.0, 50), 10.0),
    "plot_deepfool_path": lambda: figures.plot_deepfool_path(2),
    "plot_importance": lambda: figures.plot_importance([1.0, 2.0, 0.5], [0.3, 4.0, 0.1]),
}


def test_every_plot_function_has_a_case():
    assert {n for n in dir(figures) if n.startswith("plot_")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_vulnerability_data_is_the_closed_form():
    data = figures.vulnerability_data(0.05)
    i = list(data["d"]).index(10_000)
    assert round(float(data["linf"][i]), 4) == 0.0013 and np.allclose(data["l2"], data["l2"][0])
    assert np.all(np.diff(data["linf"]) <= 1e-15) and np.allclose(data["clean"], 0.9772498680518208)


def test_pgd_path_stays_in_the_ball_and_moves():
    for norm, ord_ in (("inf", np.inf), ("2", 2)):
        path = figures.pgd_path(0.4, norm)
        steps = np.linalg.norm(path - path[0], ord=ord_, axis=1)
        assert len(path) == 13 and steps.max() <= 0.4 + 1e-12 and steps[-1] > 0.3


def test_fairness_data_prices():
    free = figures.fairness_data(0.0)
    assert max(free.values()) - min(free.values()) < 1e-9                 # equal base rates: nothing to pay
    gap = figures.fairness_data(0.3)
    assert gap["demographic parity + equalized odds"] == pytest.approx(0.55, abs=1e-9)
    assert gap["none"] > gap["equalized odds"] > gap["demographic parity"]


def test_waterfall_refuses_nothing_but_draws_every_feature():
    fig = figures.plot_shap_waterfall(torch.tensor([1.0, -1.0]).numpy(), 0.0)
    assert len(fig.axes[0].patches) == 2


def test_deepfool_path_ends_across_the_boundary():
    f = figures._toy_net()
    for start in range(len(figures.STARTS)):
        path = torch.tensor(figures.deepfool_path(start))
        assert float(f(path[:1])) * float(f(path[-1:])) < 0, start
