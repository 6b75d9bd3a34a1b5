"""Checks of ``edl.tricks.ensembles`` (book labels ``tricks.data-augmentation`` … ``tricks.ensemble-variance``).

Independent routes: ``numpy.linalg.lstsq`` on the augmented system built with ``np.roll``, Monte Carlo over
noise draws, bootstrap samples and correlated Gaussian errors (each within its standard error), exact
enumeration of all 4⁴ bootstrap samples of 4 points, and a bagged 1-nearest-neighbour regressor.
"""

import itertools
from fractions import Fraction

import numpy as np
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import formula
from edl.tricks import ensembles as en


def _gen(seed):
    return torch.Generator().manual_seed(seed)


@formula("tricks.data-augmentation", reference="numpy.linalg.lstsq on all 8 cyclic shifts of 40 examples (np.roll)")
def check_data_augmentation(fit=en.augmented_least_squares) -> CheckResult:
    rng = np.random.default_rng(70)
    X, y = rng.normal(size=(40, 8)), rng.normal(size=40)
    Xa = np.concatenate([np.roll(X, g, axis=1) for g in range(8)])
    ref = np.linalg.lstsq(Xa, np.tile(y, 8), rcond=None)[0]
    w = to_numpy(fit(f64(X), f64(y)))
    plain = np.linalg.lstsq(X, y, rcond=None)[0]
    x = rng.normal(size=8)
    preds = [np.roll(x, g) @ w for g in range(8)]
    return all_of(check_close(w, ref, atol=1e-10, what="augmented least squares vs lstsq"),
                  check_close(w, np.full(8, w.mean()), atol=1e-12, what="the weights are constant"),
                  check_close(preds, np.full(8, preds[0]), atol=1e-12, what="f(Sᵍx) = f(x) for all 8 shifts"),
                  holds(np.ptp(plain) > 0.1, f"without augmentation the weights spread by {np.ptp(plain):.2f}",
                        "the plain fit is already constant"))


@formula("tricks.noise-injection-ridge", reference="Monte Carlo over 4000 draws of Gaussian input noise (s = 200, d = 5)")
def check_noise_injection_ridge(loss=en.expected_noisy_loss) -> CheckResult:
    rng = np.random.default_rng(71)
    s, d, sigma = 200, 5, 0.3
    X, w = rng.normal(size=(s, d)), rng.normal(size=d)
    y = X @ w + rng.normal(size=s)
    E = rng.normal(size=(4000, s, d))
    noisy = ((y - (X + sigma * E) @ w) ** 2).sum(-1)                          # (4000,)
    ridge_only = float(loss(f64(X), f64(y), f64(w), 0.0))
    return all_of(check_monte_carlo(noisy, float(loss(f64(X), f64(y), f64(w), sigma)), what="σ = 0.3: E‖y − (X + σE)w‖²"),
                  check_close(ridge_only, float(((y - X @ w) ** 2).sum()), rtol=1e-12, what="σ = 0: the plain loss"))


def _one_nn(x_train, y_train, x_test):
    return y_train[np.abs(x_test[:, None] - x_train[None, :]).argmin(1)]


@formula("tricks.bagging", reference="a bagged 1-nearest-neighbour regressor over 100 data sets; uniform bootstrap counts")
def check_bagging(indices=en.bootstrap_indices, average=en.bagged_average) -> CheckResult:
    rng = np.random.default_rng(72)
    grid = np.linspace(0, 2 * np.pi, 200)
    single, bagged = [], []
    g = _gen(73)
    for _ in range(100):
        x = np.sort(rng.uniform(0, 2 * np.pi, 50))
        y = np.sin(x) + 0.5 * rng.normal(size=50)
        idx = indices(50, 25, generator=g).numpy()
        members = np.stack([_one_nn(x[i], y[i], grid) for i in idx])      # (25, 200)
        single.append(np.mean((_one_nn(x, y, grid) - np.sin(grid)) ** 2))
        bagged.append(np.mean((to_numpy(average(f64(members))) - np.sin(grid)) ** 2))
    probs = torch.softmax(f64(rng.normal(size=(7, 5, 3))), -1)
    counts = np.bincount(indices(10, 4000, generator=_gen(74)).numpy().ravel(), minlength=10)
    return all_of(check_close(average(probs).sum(-1), torch.ones(5, dtype=torch.float64), atol=1e-12,
                              what="7 averaged probability vectors sum to 1"),
                  holds(np.mean(bagged) < 0.7 * np.mean(single),
                        f"1-NN on sin x + noise: test MSE {np.mean(single):.3f} single, {np.mean(bagged):.3f} bagged (K = 25)",
                        f"bagging did not help: {np.mean(single):.3f} vs {np.mean(bagged):.3f}"),
                  check_monte_carlo((indices(10, 4000, generator=_gen(74)).numpy().ravel() == 3).astype(float), 0.1,
                                    what="each index drawn with probability 1/n"),
                  holds(counts.min() > 0, "every index occurs", "an index never occurs"))


@formula("tricks.bootstrap-fraction", reference="exact enumeration of all 4⁴ samples; Monte Carlo over 200 bootstraps of 1000")
def check_bootstrap_fraction(fraction=en.bootstrap_distinct_fraction) -> CheckResult:
    exact = sum(Fraction(len(set(s)), 4) for s in itertools.product(range(4), repeat=4)) / 4**4
    idx = en.bootstrap_indices(1000, 200, generator=_gen(75))
    distinct = np.array([len(set(row.tolist())) / 1000 for row in idx])
    return all_of(holds(Fraction(fraction(4)).limit_denominator(10**6) == exact == Fraction(175, 256),
                        "n = 4: 175/256 = 0.68359375, as enumerated", f"n = 4: {fraction(4)} vs enumeration {float(exact)}"),
                  check_monte_carlo(distinct, fraction(1000), what="n = 1000: distinct fraction"),
                  check_close(fraction(10**6), 1 - np.exp(-1), atol=1e-6, what="n = 10⁶ vs 1 − 1/e"))


@formula("tricks.ensemble-variance", reference="Monte Carlo over 2·10⁵ draws of 5 correlated Gaussian errors")
def check_ensemble_variance(error=en.ensemble_error) -> CheckResult:
    rng = np.random.default_rng(76)
    parts = []
    for c in (0.3, 1.0, -0.2):
        cov = np.full((5, 5), c) + np.eye(5) * (1 - c)
        eps = rng.multivariate_normal(np.zeros(5), cov, size=200_000, method="cholesky" if c < 1 else "eigh")
        parts.append(check_monte_carlo(eps.mean(1) ** 2, error(5, 1.0, c), what=f"K = 5, v = 1, c = {c}"))
    parts.append(check_close(error(5, 1.0, 1.0), 1.0, rtol=1e-12, what="c = v: no gain"))
    return all_of(*parts)
