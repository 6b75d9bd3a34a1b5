"""Tests of edl.probability.basics, edl.probability.information and their registered checks (edl.probability.checks)."""

import math
import re

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from edl.probability import information as info
from edl.probability import basics as prob
from edl.core.ledger import catalogue, errata_entries, formula_entries

BG_IDS = sorted(i for i in catalogue.formulas() if i.startswith("bg."))
BG_ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith("bg."))
NAN = float("nan")


# --- registration and determinism (tests/test_ledger.py runs every check and erratum) ---------------

def test_every_bg_formula_has_a_check():
    assert len(BG_IDS) == 28
    assert set(BG_IDS) <= set(formula_entries())
    assert set(BG_ERRATA) == {f"ch09-11:E{n}" for n in range(22, 27)} <= set(errata_entries())


# --- (c) bad inputs raise ValueError naming the argument -----------------------------------------

def _f(x):
    return x**2


BAD_INPUTS = [
    # (function, args, kwargs, argument named in the message)
    (prob.variance, ([NAN, 1.0],), {}, "x"),
    (prob.variance, ([],), {}, "x"),
    (prob.covariance, ([1.0, 2.0, 3.0], [1.0, 2.0]), {}, "x and y"),
    (prob.covariance, (np.ones((3, 2, 2)), np.ones(3)), {}, "x"),
    (prob.covariance, ([1.0, 2.0], [NAN, 1.0]), {}, "y"),
    (prob.covariance_bilinear, (1, 2, 3, 4, np.eye(3)), {}, "cov"),
    (prob.covariance_bilinear, (NAN, 2, 3, 4, np.eye(2)), {}, "a"),
    (prob.covariance_bilinear, (1, 2, 3, 4, [[NAN, 0], [0, 1]]), {}, "cov"),
    (prob.integrate_by_parts, (_f, _f, 0.0, 1.0), {"num_nodes": 0}, "num_nodes"),
    (prob.integrate_by_parts, (_f, 3.0, 0.0, 1.0), {}, "g"),
    (prob.integrate_by_parts, (_f, _f, NAN, 1.0), {}, "a"),
    (prob.geometric_sum, (1.0, 0.5, -1), {}, "n"),
    (prob.geometric_sum, (1.0, 1.5), {}, "r"),
    (prob.geometric_sum, (1.0, []), {}, "r"),
    (prob.geometric_sum, (NAN, 0.5, 3), {}, "a"),
    (prob.log1p_series, (-1.0,), {}, "x"),
    (prob.log1p_series, (0.1,), {"order": 0}, "order"),
    (prob.log1p_series, ([NAN],), {}, "x"),
    (prob.square_of_sum, ([],), {}, "a"),
    (prob.square_of_sum, ([1.0, NAN],), {}, "a"),
    (prob.leibniz_det, (np.ones((2, 3)),), {}, "A"),
    (prob.leibniz_det, (np.ones(3),), {}, "A"),
    (prob.leibniz_det, (np.eye(9),), {}, "A"),
    (prob.hoeffding_bound, (0, 0.1), {}, "n"),
    (prob.hoeffding_bound, (3, -0.1), {}, "t"),
    (prob.hoeffding_bound, (3, NAN), {}, "t"),
    (prob.hoeffding_bound, (3, 0.1, [1.0, 1.0]), {}, "ranges"),
    (prob.hoeffding_bound, (2, 0.1, [1.0, 0.0]), {}, "ranges"),
    (prob.union_bound, ([0.5, 1.2],), {}, "probs"),
    (prob.union_bound, ([],), {}, "probs"),
    (prob.cauchy_schwarz_bound, ([1.0, 2.0], [1.0]), {}, "v_ and u"),
    (prob.cauchy_schwarz_bound, ([NAN], [1.0]), {}, "v_"),
    (prob.holder_bound, ([1.0], [1.0], 0.5), {}, "p"),
    (prob.holder_bound, ([1.0], [1.0], NAN), {}, "p"),
    (prob.holder_bound, ([1.0, 2.0], [[1.0, 2.0]]), {"p": 2.0}, "v_ and u"),
    (prob.jensen_gap, (_f, [[1.0, 2.0]]), {}, "x"),
    (prob.jensen_gap, (_f, [1.0, 2.0], [0.5, 0.6]), {}, "weights"),
    (prob.jensen_gap, (_f, [1.0, 2.0], [1.0]), {}, "weights"),
    (prob.jensen_gap, (None, [1.0]), {}, "phi"),
    (prob.markov_bound, (1.0, 0.0), {}, "a"),
    (prob.markov_bound, (-1.0, 2.0), {}, "mean"),
    (prob.markov_bound, (NAN, 2.0), {}, "mean"),
    (prob.normal_pdf, (0.0, 0.0, 0.0), {}, "sigma2"),
    (prob.normal_pdf, ([NAN],), {}, "x"),
    (prob.normal_pdf, ([],), {}, "x"),
    (prob.normal_pdf, (0.0, NAN), {}, "mu"),
    (prob.mvn_pdf, ([0.0, 0.0], [0.0], np.eye(2)), {}, "mu"),
    (prob.mvn_pdf, ([0.0, 0.0], [0.0, 0.0], [[1.0, 2.0], [2.0, 1.0]]), {}, "Sigma"),
    (prob.mvn_pdf, ([0.0, 0.0], [0.0, 0.0], [[1.0, 0.5], [0.0, 1.0]]), {}, "Sigma"),
    (prob.mvn_pdf, ([0.0, 0.0], [0.0, 0.0], np.ones(2)), {}, "Sigma"),
    (prob.mvn_pdf, ([NAN, 0.0], [0.0, 0.0], np.eye(2)), {}, "x"),
    (prob.mvn_pdf, ([0.0, 0.0], [[0.0, 0.0]], np.eye(2)), {}, "mu"),
    (prob.gaussian_mgf, ([0.0, 0.0, 0.0], [0.0, 0.0], np.eye(2)), {}, "Sigma"),
    (prob.gaussian_mgf, ([], [0.0], np.eye(1)), {}, "t"),
    (prob.exponential_pdf, (1.0, 0.0), {}, "lam"),
    (prob.exponential_pdf, (1.0, NAN), {}, "lam"),
    (prob.bernoulli_pmf, (2.0, 0.5), {}, "x"),
    (prob.bernoulli_pmf, (1.0, 1.5), {}, "p"),
    (prob.bernoulli_pmf, ([], 0.5), {}, "x"),
    (prob.binomial_pmf, (1.0, 0, 0.5), {}, "n"),
    (prob.binomial_pmf, (1.5, 3, 0.5), {}, "x"),
    (prob.binomial_pmf, (4.0, 3, 0.5), {}, "x"),
    (prob.binomial_pmf, (1.0, 3, -0.1), {}, "p"),
    (prob.poisson_pmf, (2.0, 0.0), {}, "lam"),
    (prob.poisson_pmf, (-1.0, 1.0), {}, "x"),
    (prob.poisson_pmf, ([NAN], 1.0), {}, "x"),
    (info.entropy, ([0.5, 0.6],), {}, "p"),
    (info.entropy, ([1.5, -0.5],), {}, "p"),
    (info.entropy, ([],), {}, "p"),
    (info.entropy, ([NAN, 1.0],), {}, "p"),
    (info.cross_entropy, ([0.5, 0.5], [1.0]), {}, "p and q"),
    (info.cross_entropy, ([0.5, 0.5], [0.7, 0.7]), {}, "q"),
    (info.kl_divergence, ([0.5, 0.5], [0.2, 0.3, 0.5]), {}, "q and p"),
    (info.kl_divergence, ([0.5, 0.5], [NAN, 0.5]), {}, "p"),
    (info.total_variation, ([0.5, 0.5], [0.9, 0.0]), {}, "p"),
    (info.pinsker_bound, (-0.1,), {}, "kl"),
    (info.pinsker_bound, ([],), {}, "kl"),
    (info.js_divergence, ([1.0], [0.5, 0.5]), {}, "p and q"),
    (info.gaussian_kl, (0.0, 0.0, 0.0, 1.0), {}, "sigma2_0"),
    (info.gaussian_kl, (0.0, 1.0, 0.0, -1.0), {}, "sigma2_1"),
    (info.gaussian_kl, (NAN, 1.0, 0.0, 1.0), {}, "mu0"),
    (info.mvn_kl, ([0.0], [[1.0]], [0.0, 0.0], np.eye(2)), {}, "mu1"),
    (info.mvn_kl, ([0.0], [[-1.0]], [0.0], [[1.0]]), {}, "Sigma0"),
    (info.gaussian_fit_kl, ([0.0, 0.0], [0.0, 1.0, 2.0], 0.0, 1.0), {}, "log_p and x"),
    (info.gaussian_fit_kl, ([0.0, 0.0], [1.0, 0.0], 0.0, 1.0), {}, "x"),
    (info.gaussian_fit_kl, ([0.0, 0.0], [0.0, 1.0], 0.0, 0.0), {}, "sigma2"),
    (info.log_partition, ([],), {}, "log_psi"),
    (info.gibbs_free_energy, ([0.5, 0.5], [0.0]), {}, "q and log_psi"),
    (info.gibbs_free_energy, ([0.5, 0.6], [0.0, 0.0]), {}, "q"),
    (info.gibbs_free_energy, ([0.5, 0.5], [NAN, 0.0]), {}, "log_psi"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD_INPUTS,
                         ids=[f"{c[0].__name__}-{c[3]}-{i}" for i, c in enumerate(BAD_INPUTS)])
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(name)}(?![\w.])"):
        fn(*args, **kwargs)


def test_error_message_echoes_the_value():
    with pytest.raises(ValueError, match=r"sigma2 must be positive, got .*-2\.5"):
        prob.normal_pdf(0.0, 0.0, -2.5)
    with pytest.raises(ValueError, match=r"ranges must have shape \(3,\).*got shape \(2,\)"):
        prob.hoeffding_bound(3, 0.1, [1.0, 1.0])
    with pytest.raises(ValueError, match=r"p must sum to 1 .*1\.1"):
        info.entropy([0.5, 0.6])


# --- dtype and device follow the input ------------------------------------------------------------

def test_python_input_gives_float64_and_float32_input_stays_float32():
    assert prob.normal_pdf(0.5).dtype == torch.float64
    x32 = torch.linspace(-1, 1, 5, dtype=torch.float32)
    assert prob.normal_pdf(x32, 0.0, 2.0).dtype == torch.float32
    assert prob.exponential_pdf(x32, 1.5).dtype == torch.float32
    assert info.entropy(torch.full((4,), 0.25, dtype=torch.float32)).dtype == torch.float32
    assert prob.mvn_pdf(x32[:2], [0.0, 0.0], torch.eye(2)).dtype == torch.float32


def test_batches_broadcast_like_torch():
    p = np.random.default_rng(0).dirichlet(np.ones(5), size=(4, 3))  # (4, 3, 5)
    assert info.entropy(p).shape == (4, 3)
    assert prob.leibniz_det(torch.eye(3).expand(7, 3, 3)).shape == (7,)
    assert prob.mvn_pdf(torch.zeros(6, 2), [0.0, 0.0], torch.eye(2)).shape == (6,)


def test_leibniz_det_matches_torch():
    A = torch.randn(5, 4, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    torch.testing.assert_close(prob.leibniz_det(A), torch.linalg.det(A))


# --- properties on random distributions (hypothesis) ----------------------------------------------

def _normalise(w):
    w = np.asarray(w, dtype=np.float64)
    return w / w.sum()


weights = st.floats(0.0, 1.0, allow_subnormal=False)


@st.composite
def distribution_pairs(draw, positive_second=False):
    n = draw(st.integers(2, 8))
    q = draw(st.lists(weights, min_size=n, max_size=n).filter(lambda w: sum(w) > 1e-3))
    low = 1e-3 if positive_second else 0.0
    p = draw(st.lists(st.floats(low, 1.0, allow_subnormal=False), min_size=n, max_size=n)
             .filter(lambda w: sum(w) > 1e-3))
    return _normalise(q), _normalise(p)


@settings(max_examples=200, deadline=None)
@given(distribution_pairs())
def test_entropy_between_zero_and_log_n(pair):
    p, _ = pair
    h = float(info.entropy(p))
    assert -1e-12 <= h <= math.log(len(p)) + 1e-12


@settings(max_examples=200, deadline=None)
@given(distribution_pairs(positive_second=True))
def test_kl_nonnegative_and_pinsker(pair):
    q, p = pair
    kl = info.kl_divergence(q, p)
    assert float(kl) >= -1e-12
    assert float(info.total_variation(q, p)) <= float(info.pinsker_bound(kl.clamp(min=0))) + 1e-12
    assert float(info.cross_entropy(q, p)) >= float(info.entropy(q)) - 1e-12


@settings(max_examples=200, deadline=None)
@given(distribution_pairs())
def test_js_and_tv_are_bounded_and_symmetric(pair):
    p, q = pair
    js = float(info.js_divergence(p, q))
    assert -1e-12 <= js <= math.log(2) + 1e-12
    assert math.isclose(js, float(info.js_divergence(q, p)), abs_tol=1e-12)
    assert 0.0 <= float(info.total_variation(p, q)) <= 1.0 + 1e-12


@settings(max_examples=200, deadline=None)
@given(distribution_pairs(), st.lists(st.floats(-20, 20), min_size=8, max_size=8))
def test_gibbs_functional_never_exceeds_log_partition(pair, log_psi):
    q, _ = pair
    log_psi = np.asarray(log_psi[: len(q)])
    assert float(info.gibbs_free_energy(q, log_psi)) <= float(info.log_partition(log_psi)) + 1e-9


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 200), st.floats(0.0, 1.0), st.integers(1, 50).map(float))
def test_hoeffding_reduces_to_unit_interval_case(n, t, width):
    assert math.isclose(float(prob.hoeffding_bound(n, t)), math.exp(-2 * n * t * t), rel_tol=1e-12)
    # scaling every Z_i by `width` scales t by `width` too: the bound is unchanged
    scaled = prob.hoeffding_bound(n, t * width, [width] * n)
    assert math.isclose(float(scaled), math.exp(-2 * n * t * t), rel_tol=1e-9, abs_tol=1e-300)
