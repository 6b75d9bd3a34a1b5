"""Every figure of chapter 9 part 1 in the book's style (see :func:`edl.core.legibility.inspect`), and the explorers' data."""

import numpy as np
import pytest

from edl.core import legibility
from edl.theory.figures import learning, ntk, pacbayes

CASES = {
    "learning.plot_risk_decomposition": lambda: learning.plot_risk_decomposition(n=20, degrees=range(0, 4), seeds=3),
    "learning.plot_vc_bounds": lambda: learning.plot_vc_bounds(),
    "learning.plot_double_descent": lambda: learning.plot_double_descent([10, 50, 100, 200, 1000], [0.7, 0.4, 11.0, 0.1, 0.02], 100),
    "learning.plot_double_descent_ridge": lambda: learning.plot_double_descent_ridge(0.01),
    "learning.plot_implicit_bias": lambda: learning.plot_implicit_bias(108),
    "pacbayes.plot_pac_bayes_objective": lambda: pacbayes.plot_pac_bayes_objective(0.2),
    "pacbayes.plot_pac_bayes_bound": lambda: pacbayes.plot_pac_bayes_bound({"E_Q Ê": 0.12, "bound": 0.25, "test": 0.12}),
    "ntk.plot_ntk_width": lambda: ntk.plot_ntk_width(32),
    "ntk.plot_linearization": lambda: ntk.plot_linearization(8.0),
    "ntk.plot_kernel_rates": lambda: ntk.plot_kernel_rates([64, 256, 1024], {"lazy": [0.05, 0.012, 0.003],
                                                                              "catapult": [0.3, 0.3, 0.3]}),
    "ntk.plot_spectral_bias": lambda: ntk.plot_spectral_bias(3.0),
}


def test_every_plot_function_has_a_case():
    plots = {f"{m.__name__.rsplit('.', 1)[1]}.{n}" for m in (learning, pacbayes, ntk) for n in dir(m) if n.startswith("plot_")}
    assert plots == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_figure_is_readable(name):
    report = legibility.inspect(CASES[name]())
    assert not report.problems, f"{name}: {report.problems}"


def test_explorer_data():
    ps, plain, ridged = learning.double_descent_data(0.0)
    assert ps[int(np.argmax(plain))] == 40 and np.array_equal(plain, ridged)
    _, flat, _ = learning.double_descent_data(1.0)
    path, limit, best = learning.implicit_bias_path(90.0)
    assert np.allclose(limit, [-0.4, 1.2]) and np.allclose(best, [0.4, 0.8])
    assert np.allclose(path[-1], limit, atol=1e-3)
    K, K_inf, err = ntk.ntk_width_data(4096)
    assert err < 0.1 and K.shape == K_inf.shape == (32, 32)
    lam, res = ntk.spectral_bias_data(0.0)
    lam1, res1 = ntk.spectral_bias_data(1.0)
    assert np.allclose(res1, res * np.exp(-lam), atol=1e-10) and np.all(np.diff(lam) <= 0)
    emp, obj, kl = pacbayes.objective_curve(0.1)
    assert np.all(obj >= emp) and pacbayes.THETAS[np.argmin(obj)] > 0.5
    assert pacbayes.two_minima_loss([-1.0, 1.0, 5.0]).tolist() == [0.0, 0.0, 1.0]
