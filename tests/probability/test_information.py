"""edl.probability.information beyond its checks: infinite arguments where they are allowed, 0·log 0 at
the edges, the grid of the Gaussian fit, the dtype rule and the names in its errors."""

import inspect
import math
import re

import numpy as np
import pytest
import torch

from edl.probability import information as info
from edl.probability.basics import normal_pdf

F32, INF = torch.float32, math.inf


def names(arg):
    return pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(arg)}(?![\w.])")


def test_pinsker_bound_takes_zero_and_infinite_divergences():
    assert float(info.pinsker_bound(0.0)) == 0.0
    assert float(info.pinsker_bound(INF)) == INF
    with names("kl"):
        info.pinsker_bound(-0.5)


def test_log_partition_ignores_impossible_states_and_refuses_plus_infinity():
    assert float(info.log_partition([0.0, -INF])) == 0.0
    assert torch.allclose(info.log_partition([[0.0, 0.0], [1.0, -INF]]), torch.tensor([math.log(2), 1.0], dtype=torch.float64))
    with names("log_psi"):
        info.log_partition([0.0, INF])
    with names("log_psi"):
        info.log_partition(0.0)


@pytest.mark.parametrize("size, listed", [(19, True), (20, False)])
def test_a_plus_infinite_log_psi_is_echoed_as_a_list_below_20_entries(size, listed):
    with pytest.raises(ValueError, match=re.escape("log_psi must not be +inf, got " + ("[inf, " if listed else "tensor("))):
        info.log_partition([INF] * size)


def test_gibbs_functional_gives_states_of_zero_probability_no_weight():
    # q puts no mass where psi vanishes: F(q) = q·log psi + H(q) = 0 + 0 for a point mass on a state with psi = 1
    assert float(info.gibbs_free_energy([1.0, 0.0], [0.0, -INF])) == 0.0
    q, log_psi = [0.5, 0.5, 0.0], [math.log(2.0), 0.0, -INF]
    assert float(info.gibbs_free_energy(q, log_psi)) == pytest.approx(0.5 * math.log(2.0) + math.log(2.0))
    assert info.gibbs_free_energy(torch.tensor([1.0, 0.0], dtype=F32), [0.0, -1.0]).dtype == F32
    with names("log_psi"):
        info.gibbs_free_energy([1.0, 0.0], [0.0, INF])
    with names("log_psi"):
        info.gibbs_free_energy([1.0, 0.0], [0.0, 1.0, 2.0])


def test_gaussian_fit_kl_is_zero_for_the_gaussian_itself_where_both_vanish_at_the_edges():
    x = torch.linspace(-60.0, 60.0, 24001, dtype=torch.float64)  # q underflows to 0 for |x| > ~38
    log_p = torch.where(x.abs() <= 10, torch.log(normal_pdf(x)), -INF)
    for reverse in (False, True):
        kl = float(info.gaussian_fit_kl(log_p, x, 0.0, 1.0, reverse=reverse))
        if reverse:
            assert kl == INF  # q has mass where p has none
        else:
            assert abs(kl) < 1e-6
    assert info.gaussian_fit_kl(log_p.float(), x.float(), 0.0, 1.0).dtype == F32
    assert info.gaussian_fit_kl(log_p.numpy(), x.float(), 0.0, 1.0).dtype == F32  # an array takes the grid's dtype


def test_gaussian_fit_kl_needs_a_strictly_increasing_grid():
    log_p = torch.zeros(3, dtype=torch.float64)
    with names("x"):
        info.gaussian_fit_kl(log_p, [0.0, 1.0, 1.0], 0.0, 1.0)
    with names("x"):
        info.gaussian_fit_kl(log_p[:1], [0.0], 0.0, 1.0)
    with names("log_p"):
        info.gaussian_fit_kl([0.0, INF, 0.0], [0.0, 1.0, 2.0], 0.0, 1.0)
    with names("mu"):
        info.gaussian_fit_kl(log_p, [0.0, 1.0, 2.0], "zero", 1.0)
    with names("reverse"):
        info.gaussian_fit_kl(log_p, [0.0, 1.0, 2.0], 0.0, 1.0, reverse="yes")
    with names("x"):
        info.gaussian_fit_kl(log_p, [[0.0, 1.0, 2.0]], 0.0, 1.0)


def test_gaussian_kl_parameters_follow_mu0_and_are_named():
    mu0 = torch.tensor(0.0, dtype=F32)
    assert info.gaussian_kl(mu0, 1.0, 1.0, 2.0).dtype == F32
    for i, name in enumerate(("sigma2_0", "mu1", "sigma2_1")):
        args = [0.0, 1.0, 0.0, 1.0]
        args[i + 1] = float("nan")
        with names(name):
            info.gaussian_kl(*args)


def test_mvn_kl_names_each_of_its_four_arguments():
    good = ([0.0, 0.0], np.eye(2), [1.0, 0.0], 2 * np.eye(2))
    assert float(info.mvn_kl(*good)) == pytest.approx(0.5 * (1.0 + 0.5 - 2 + 2 * math.log(2.0)))
    for i, name in enumerate(("mu0", "Sigma0", "mu1", "Sigma1")):
        args = list(good)
        args[i] = np.full_like(np.asarray(args[i], dtype=float), float("nan"))
        with names(name):
            info.mvn_kl(*args)


@pytest.mark.parametrize("f", [info.cross_entropy, info.kl_divergence, info.total_variation, info.js_divergence])
def test_pairwise_measures_name_the_bad_side(f):
    first, second = list(inspect.signature(f).parameters)[:2]  # not __code__: mutmut's trampoline takes *args
    with names(first):
        f([0.5, 0.6], [0.5, 0.5])
    with names(second):
        f([0.5, 0.5], [0.5, 0.6])
    assert f(torch.tensor([0.5, 0.5], dtype=F32), [0.25, 0.75]).dtype == F32
