"""Tests of edl.recurrent.lru: linear recurrences, their diagonal form, stability, parameterisation, scans."""

import math

import numpy as np
import pytest
import torch

from edl.recurrent import lru

F64 = torch.float64


def _loop(A, B, x):
    z, out = np.zeros(A.shape[0]), []
    for x_t in x:
        z = A @ z + B @ x_t
        out.append(z)
    return np.array(out)


def test_linear_recurrence_kernel_and_convolution_agree_with_a_loop():
    rng = np.random.default_rng(0)
    A, B, x = rng.normal(size=(4, 4)) * 0.4, rng.normal(size=(4, 2)), rng.normal(size=(9, 2))
    want = _loop(A, B, x)
    np.testing.assert_allclose(lru.linear_recurrence(torch.tensor(A), torch.tensor(B), torch.tensor(x)).numpy(), want, atol=1e-13)
    K = lru.recurrence_kernel(torch.tensor(A), torch.tensor(B), 9)
    assert K.shape == (9, 4, 2)
    np.testing.assert_allclose(K[3].numpy(), np.linalg.matrix_power(A, 3) @ B, atol=1e-14)
    np.testing.assert_allclose(lru.convolve_kernel(K, torch.tensor(x)).numpy(), want, atol=1e-13)
    assert lru.convolve_kernel([[[1.0]], [[10.0]], [[100.0]]], [[1.0], [2.0], [3.0]]).flatten().tolist() == [1.0, 12.0, 123.0]


def test_diagonal_form_reproduces_the_states():
    rng = np.random.default_rng(1)
    A, B, x = rng.normal(size=(5, 5)) / 3, rng.normal(size=(5, 1)), rng.normal(size=(7, 1))
    lam, P = lru.diagonalize(torch.tensor(A))
    C = torch.linalg.solve(P, torch.tensor(B).to(P.dtype))
    zeta = lru.diagonal_recurrence(lam, C, torch.tensor(x))
    np.testing.assert_allclose((zeta @ P.T).real.numpy(), _loop(A, B, x), atol=1e-12)
    out = lru.diagonal_recurrence(torch.tensor([1j]), [[1.0]], [[1.0], [0.0], [0.0]])
    assert out.flatten().tolist() == [1 + 0j, 1j, -1 + 0j]


def test_stability_and_the_bound():
    assert lru.is_stable([0.999, -0.5]) and not lru.is_stable([0.5, 1.0]) and not lru.is_stable(torch.tensor([1j]))
    assert lru.is_stable(torch.tensor([0.6 + 0.79j])) and not lru.is_stable(torch.tensor([0.6 + 0.8j + 1e-9]))
    assert lru.state_bound([[0.5]], [[2.0]], [[1.0], [-3.0]]) == pytest.approx(12.0)
    assert lru.state_bound([[0.0]], [[1.0]], [[1.0]]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="A"):
        lru.state_bound([[1.0]], [[1.0]], [[1.0]])
    z = lru.linear_recurrence([[0.99]], [[1.0]], torch.ones(3000, 1, dtype=F64))
    assert float(z[-1, 0]) == pytest.approx(100.0, rel=1e-6) and float(z.max()) <= 100.0


def test_exp_parameterization_and_inverse():
    lam = lru.exp_parameterization([0.0, math.log(2.0)], [0.0, math.pi / 2])
    assert abs(lam[0]) == pytest.approx(math.exp(-1.0), rel=1e-14)
    assert float(lam[1].real) == pytest.approx(0.0, abs=1e-15) and float(lam[1].imag) == pytest.approx(math.exp(-2), rel=1e-14)
    assert float(lru.nu_from_modulus(math.exp(-math.e))) == pytest.approx(1.0, abs=1e-14)
    r = torch.tensor([0.1, 0.5, 0.99], dtype=F64)
    torch.testing.assert_close(lru.exp_parameterization(lru.nu_from_modulus(r), torch.zeros(3, dtype=F64)).abs(), r,
                               atol=1e-14, rtol=0)
    for bad in (0.0, 1.0, 1.5):
        with pytest.raises(ValueError, match="r"):
            lru.nu_from_modulus(bad)


def test_ring_init_is_area_uniform():
    lam = lru.ring_init(50_000, 0.5, 1.0, torch.Generator().manual_seed(3))
    r = lam.abs().numpy()
    assert lam.dtype == torch.complex128 and r.min() >= 0.5 and r.max() <= 1.0
    assert abs((r ** 2 < 0.625).mean() - 0.5) < 0.01                   # r² uniform on [0.25, 1]
    assert abs(np.angle(lam.numpy()).mean()) < 0.05
    with pytest.raises(ValueError, match="r_max"):
        lru.ring_init(3, 0.5, 0.5, torch.Generator())
    with pytest.raises(ValueError, match="r_max"):
        lru.ring_init(3, 0.5, 1.2, torch.Generator())
    with pytest.raises(ValueError, match="generator"):
        lru.ring_init(3, 0.1, 0.5, None)


def test_scans_agree_and_combine_is_associative():
    rng = np.random.default_rng(4)
    lam = torch.polar(torch.tensor(rng.uniform(0.3, 0.99, 6)), torch.tensor(rng.uniform(0, 6.28, 6)))
    for T in (1, 2, 3, 7, 8, 33):
        u = torch.tensor(rng.normal(size=(T, 6)) + 1j * rng.normal(size=(T, 6)))
        torch.testing.assert_close(lru.parallel_scan(lam, u), lru.sequential_scan(lam, u), atol=1e-12, rtol=0)
    assert [t.tolist() for t in lru.scan_combine([2.0], [3.0], [5.0], [7.0])] == [[10.0], [22.0]]
    a, b = lru.scan_combine(torch.tensor([1j]), torch.tensor([1.0 + 0j]), torch.tensor([2.0 + 0j]), torch.tensor([1.0 + 0j]))
    assert a.tolist() == [2j] and b.tolist() == [3 + 0j]
    assert lru.sequential_scan([0.5], [[2.0], [0.0]]).real.flatten().tolist() == [2.0, 1.0]


def test_recover_history():
    lam = torch.tensor([0.9, -0.5, 0.3 + 0.4j, 0.3 - 0.4j], dtype=torch.complex128)
    x = torch.tensor([[1.0], [-2.0], [0.5], [3.0]], dtype=F64)
    zeta = lru.diagonal_recurrence(lam, torch.ones(4, 1, dtype=F64), x)[-1]
    torch.testing.assert_close(lru.recover_history(lam, zeta), x[:, 0], atol=1e-12, rtol=0)
    with pytest.raises(ValueError, match="distinct"):
        lru.recover_history([0.5, 0.5], [1.0, 1.0])


def test_state_bound_uses_the_condition_number_of_the_eigenvectors():
    A = np.array([[0.5, 2.0], [0.0, -0.25]])                       # not normal: ‖P‖‖P⁻¹‖ > 1
    B, x = np.array([[1.0], [0.5]]), np.array([[1.0], [-2.0], [0.5]])
    _, P = np.linalg.eig(A)
    want = np.linalg.cond(P, 2) * np.linalg.norm(x @ B.T, axis=1).max() / (1 - 0.5)
    assert lru.state_bound(A.tolist(), B.tolist(), x.tolist()) == pytest.approx(want, rel=1e-10)
    assert np.linalg.cond(P, 2) > 2
