"""Tests of edl.convolution.operator and of the registered conv.* checks and errata of chapter 4."""

import math

import numpy as np
import pytest
import scipy.linalg
import scipy.signal
import torch

from edl.convolution import operator as op
from edl.core.ledger import catalogue, errata_entries, formula_entries, run_erratum, run_formula

IDS = sorted(i for i in catalogue.formulas() if i.startswith("conv."))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith("conv."))
NAN = float("nan")


def test_every_id_and_erratum_is_registered_to_chapter_4():
    assert len(IDS) == 29 and len(ERRATA) == 13
    assert set(IDS) <= set(formula_entries())
    assert all(formula_entries()[i].notebook == "ch04_convolution" for i in IDS)
    assert set(ERRATA) <= set(errata_entries())
    assert all(errata_entries()[k].why.strip() for k in ERRATA)


@pytest.mark.parametrize("key", ERRATA)
def test_every_erratum_fails_its_check_without_crashing(key):
    result, _ = run_erratum(key)
    assert not result.passed and "check raised" not in result.detail, result.detail


@pytest.mark.parametrize("id", [i for i in IDS if i in ("conv.flip-identities", "conv.fourier-theorem", "conv.lsi-theorem")])
def test_operator_checks_pass(id):
    assert run_formula(id)[0].passed


def test_convolve_and_correlate_against_numpy_and_scipy():
    rng = np.random.default_rng(0)
    f, h = rng.normal(size=9), rng.normal(size=4)
    np.testing.assert_allclose(op.convolve(f, h), np.convolve(f, h), atol=1e-13)
    np.testing.assert_allclose(op.correlate(h, f), np.correlate(f, h, "full"), atol=1e-13)
    F_, G = rng.normal(size=(5, 6)), rng.normal(size=(2, 3))
    np.testing.assert_allclose(op.convolve2d(F_, G), scipy.signal.convolve2d(F_, G), atol=1e-13)
    np.testing.assert_allclose(op.correlate_valid(f, h), np.correlate(f, h, "valid"), atol=1e-13)


def test_fft_convolve_wraps_exactly_the_tail_onto_the_head():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=10), rng.normal(size=6)
    full = np.convolve(a, b)                      # length 15
    short = op.fft_convolve(a, b, n=12).numpy()
    expected = full[:12].copy()
    expected[:3] += full[12:]
    np.testing.assert_allclose(short, expected, atol=1e-12)
    np.testing.assert_allclose(op.fft_convolve(a, b, n=20).numpy(), full, atol=1e-12)


def test_toeplitz_matrices_equal_scipy_and_conv():
    h = np.array([1.0, -2.0, 0.5])
    W = op.toeplitz_matrix(h, 6).numpy()
    np.testing.assert_array_equal(W, scipy.linalg.toeplitz([0.5, 0, 0, 0], [0.5, -2.0, 1.0, 0, 0, 0]))
    x = np.arange(6.0)
    np.testing.assert_allclose(op.toeplitz_matrix(h, 6, correlation=True).numpy() @ x, np.correlate(x, h, "valid"))


def test_circulant_and_projection():
    h = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_array_equal(op.circulant(h).numpy(), scipy.linalg.circulant(h))
    C = op.circulant(h)
    torch.testing.assert_close(op.shift_equivariant_part(C), C)   # a circulant is its own projection


def test_continuous_and_fourier_closed_forms():
    tri = op.continuous_convolution(lambda t: float(0 <= t <= 1), lambda t: float(0 <= t <= 1), [1.0], lower=0, upper=1)
    assert float(tri[0]) == pytest.approx(1.0, abs=1e-9)
    F_ = op.fourier_transform(lambda t: math.exp(-math.pi * t * t), [0.7])
    assert float(F_.real[0]) == pytest.approx(math.exp(-math.pi * 0.49), abs=1e-10)


def test_dtype_and_device_follow_the_input():
    x = torch.arange(5.0, dtype=torch.float32)
    assert op.convolve(x, [1.0, 1.0]).dtype == torch.float32
    assert op.circular_convolve(x, x).dtype == torch.float32
    assert op.fft_convolve(x, x).dtype == torch.float32
    assert op.convolve([1, 2], [3]).dtype == torch.float64


@pytest.mark.parametrize("call, name", [
    (lambda: op.convolve([1.0, NAN], [1.0]), "f"),
    (lambda: op.convolve([1.0], []), "h"),
    (lambda: op.convolve([[1.0]], [1.0]), "f"),
    (lambda: op.convolve([1.0, float("inf")], [1.0]), "f"),
    (lambda: op.correlate_valid([1.0], [1.0, 2.0]), "w"),
    (lambda: op.circular_convolve([1.0, 2.0], [1.0]), "f"),
    (lambda: op.fft_convolve([1.0, 2.0], [1.0], n=1), "n"),
    (lambda: op.fft_convolve([1.0, 2.0], [1.0], n=2.5), "n"),
    (lambda: op.toeplitz_matrix([1.0, 2.0], 1), "D"),
    (lambda: op.shift_equivariant_part([[1.0, 2.0]]), "T"),
    (lambda: op.local_layer([[1.0]], [[1.0, 2.0]]), "W"),
    (lambda: op.locality_parameter_counts(0, 4, 1), "height"),
    (lambda: op.continuous_convolution(3.0, abs, [0.0]), "f"),
    (lambda: op.continuous_convolution(abs, abs, [NAN]), "u"),
    (lambda: op.continuous_convolution(abs, abs, [0.0], lower=1, upper=0), "lower"),
    (lambda: op.shift_matrix(0), "N"),
    (lambda: op.equivariance_gap(abs, [1.0], 1.5, 1), "shift_in"),
])
def test_bad_input_is_refused_by_name(call, name):
    with pytest.raises(ValueError, match=name):
        call()
