"""Every figure of chapter 9b in the book's style (see :func:`edl.core.legibility.inspect`), and the explorers' data."""

import numpy as np
import pytest

from edl.bayesian.figures import gaussian, mcmc
from edl.core import legibility

CASES = {
    "mcmc.plot_bayes_rule": lambda: mcmc.plot_bayes_rule(0),
    "mcmc.plot_metropolis": lambda: mcmc.plot_metropolis(0.5),
    "mcmc.plot_hmc_integrators": lambda: mcmc.plot_hmc_integrators(0.8, "leapfrog"),
    "mcmc.plot_hmc_experiment": lambda: mcmc.plot_hmc_experiment(
        {"leapfrog": np.random.default_rng(0).normal(size=(400, 3)), "euler": 3 * np.random.default_rng(1).normal(size=(400, 3))},
        np.zeros(3), np.ones(3)),
    "mcmc.plot_conductance": lambda: mcmc.plot_conductance(0.01),
    "gaussian.plot_gp_regression": lambda: gaussian.plot_gp_regression(0.3),
    "gaussian.plot_blr_as_gp": lambda: gaussian.plot_blr_as_gp(3),
    "gaussian.plot_nngp_depth": gaussian.plot_nngp_depth,
    "gaussian.plot_finite_width": lambda: gaussian.plot_finite_width(1),
    "gaussian.plot_kernel_convergence": lambda: gaussian.plot_kernel_convergence({"width": ([64, 256], [0.4, 0.2]),
                                                                                  "networks": ([100, 1000], [0.3, 0.1])}),
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (mcmc, gaussian) for n in dir(m) if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_explorer_data():
    _, acc = mcmc.mh_run(0.05)
    _, acc_big = mcmc.mh_run(20.0)
    assert acc > 0.9 and acc_big < 0.15
    lf, eu = mcmc.hmc_acceptance_curve("leapfrog"), mcmc.hmc_acceptance_curve("euler")
    assert min(lf) > 0.85 and eu[0] > 0.85 and eu[-1] < 0.05
    grid, m, sd = gaussian.gp_band(1.0, grid=[-2.0, 10.0])
    assert sd[0] < 0.2 and sd[1] == pytest.approx(1.0, abs=1e-6)      # far from the data: the prior sd
    pi, T = mcmc.barbell_chain(1.0)
    assert np.allclose(T.sum(1), 1) and pi.sum() == pytest.approx(1.0)
    with pytest.raises(ValueError, match="n must be at most"):
        mcmc.plot_bayes_rule(61)
