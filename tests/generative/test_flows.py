"""Unit tests of edl.generative.flows."""

import math

import numpy as np
import pytest
import torch

from edl.core.checking import f64
from edl.generative import flows as fl
from edl.generative.checks import flows as ch

HALVE = (lambda z: (2 * z, torch.full(z.shape[:1], math.log(2), dtype=z.dtype)),
         lambda x: (x / 2, torch.full(x.shape[:1], -math.log(2), dtype=x.dtype)))
SHIFT = (lambda z: (z + 1, torch.zeros(z.shape[0], dtype=z.dtype)), lambda x: (x - 1, torch.zeros(x.shape[0], dtype=x.dtype)))


def test_base_density_and_change_of_variables():
    assert float(fl.standard_normal_log_density([0.0, 0.0])) == pytest.approx(-math.log(2 * math.pi), abs=1e-15)
    val = fl.change_of_variables(fl.standard_normal_log_density, HALVE[1], [[2.0]])
    assert float(val[0]) == pytest.approx(-0.5 * 4 / 4 - 0.5 * math.log(2 * math.pi * 4), abs=1e-14)
    with pytest.raises(ValueError, match="inverse"):
        fl.change_of_variables(fl.standard_normal_log_density, lambda x: (x[:, :1], x[:, 0]), [[1.0, 2.0]])


def test_spherical_coordinates():
    p, ld = fl.spherical_to_cartesian(f64([2.0, 1.0]), f64([math.pi / 3, 0.0]), f64([0.0, math.pi / 2]))
    assert p.numpy() == pytest.approx(np.array([[1.0, 0.0, math.sqrt(3)], [0.0, 1.0, 0.0]]), abs=1e-14)
    assert ld.numpy() == pytest.approx([math.log(2.0), 0.0], abs=1e-14)
    with pytest.raises(ValueError, match="theta"):
        fl.spherical_to_cartesian(1.0, math.pi / 2, 0.0)


def test_composition_order_and_log_density():
    x, ld = fl.flow_forward([[1.0]], [HALVE, SHIFT])      # 2·1 + 1
    assert x.tolist() == [[3.0]] and float(ld[0]) == pytest.approx(math.log(2), abs=1e-15)
    x, _ = fl.flow_forward([[1.0]], [SHIFT, HALVE])       # 2·(1 + 1)
    assert x.tolist() == [[4.0]]
    lp = fl.flow_log_density([[3.0]], [HALVE, SHIFT])     # x = 2z + 1 ~ N(1, 4)
    assert float(lp[0]) == pytest.approx(-0.5 - 0.5 * math.log(8 * math.pi), abs=1e-14)
    with pytest.raises(ValueError, match="layers"):
        fl.flow_forward([[1.0]], [])
    with pytest.raises(ValueError, match="layers"):
        fl.flow_forward([[1.0]], [(HALVE[0],)])


def test_triangular_log_det():
    assert float(fl.triangular_log_det([[2.0, 0.0], [5.0, -3.0]])) == pytest.approx(math.log(6), abs=1e-15)
    batch = f64([[[1.0, 0.0], [1.0, 2.0]], [[3.0, 0.0], [0.0, 0.5]]])
    assert fl.triangular_log_det(batch).numpy() == pytest.approx([math.log(2), math.log(1.5)], abs=1e-15)
    with pytest.raises(ValueError, match="lower triangular"):
        fl.triangular_log_det([[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ValueError, match="square"):
        fl.triangular_log_det([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])


def test_maf_round_trip_and_passes():
    cond = lambda x: (0.5 * (torch.cumsum(x, 1) - x), 0.1 * (torch.cumsum(x, 1) - x))  # noqa: E731
    z = f64([[0.3, -1.0, 2.0], [1.0, 0.0, -0.5]])
    x, passes = fl.maf_sample(z, cond)
    assert passes == 3
    assert float(x[0, 0]) == pytest.approx(0.3, abs=1e-15)
    assert float(x[0, 1]) == pytest.approx(0.15 + math.exp(0.03) * -1.0, abs=1e-14)
    zb, ld = fl.maf_inverse(x, cond)
    assert torch.allclose(zb, z, atol=1e-13)
    assert float(ld[0]) == pytest.approx(-0.1 * (float(x[0, 0]) + float(x[0, 0] + x[0, 1])), abs=1e-13)


def test_affine_coupling_values_and_inverse():
    y, ld = fl.affine_coupling([[1.0, 2.0]], lambda a: a * 0 + math.log(3), lambda a: a, 1)
    assert y.numpy()[0] == pytest.approx([1.0, 7.0], abs=1e-14) and float(ld[0]) == pytest.approx(math.log(3), abs=1e-15)
    x, ldi = fl.affine_coupling(y, lambda a: a * 0 + math.log(3), lambda a: a, 1, inverse=True)
    assert x.numpy()[0] == pytest.approx([1.0, 2.0], abs=1e-14) and float(ldi[0]) == pytest.approx(-math.log(3), abs=1e-15)
    with pytest.raises(ValueError, match="d_a"):
        fl.affine_coupling([[1.0, 2.0]], lambda a: a, lambda a: a, 2)
    with pytest.raises(ValueError, match="scale and shift"):
        fl.affine_coupling([[1.0, 2.0, 3.0]], lambda a: a, lambda a: a, 1)


def test_planar_flow_values_and_invertibility_condition():
    y, ld = fl.planar_flow([[0.0, 0.0]], [1.0, 0.0], [1.0, 0.0], 0.0)
    assert y.tolist() == [[0.0, 0.0]] and float(ld[0]) == pytest.approx(math.log(2), abs=1e-15)
    y, ld = fl.planar_flow([[1.0, 2.0]], [0.5, 1.0], [0.0, 1.0], -1.0)    # wᵀz + b = 1
    t = math.tanh(1.0)
    assert y.numpy()[0] == pytest.approx([1 + 0.5 * t, 2 + t], abs=1e-14)
    assert float(ld[0]) == pytest.approx(math.log(1 + (1 - t * t) * 1.0), abs=1e-14)
    y, ld = fl.planar_flow([[0.0]], [-1.0], [1.0], 0.0)                     # the boundary wᵀu = −1: det 0 at a = 0
    assert float(ld[0]) == -math.inf
    with pytest.raises(ValueError, match="invertible"):
        fl.planar_flow([[0.0]], [-2.0], [1.0], 0.0)


def test_the_checks_fail_on_wrong_formulas():
    assert not ch.check_change_of_variables(cov=lambda lb, inv, x: fl.change_of_variables(lb, inv, x) - 0.01).passed
    assert not ch.check_spherical(sph=lambda r, t, p: (fl.spherical_to_cartesian(r, t, p)[0],
                                                      2 * torch.log(r) + torch.log(torch.sin(t).abs() + 1e-300))).passed
    assert not ch.check_maf(inverse=lambda x, c: (fl.maf_inverse(x, c)[0], -fl.maf_inverse(x, c)[1])).passed
    assert not ch.check_coupling(coupling=lambda x, s, t, d, inverse=False: (
        fl.affine_coupling(x, s, t, d, inverse)[0], 2 * fl.affine_coupling(x, s, t, d, inverse)[1])).passed
    assert not ch.check_planar(planar=lambda z, u, w, b: (fl.planar_flow(z, u, w, b)[0], 2 * fl.planar_flow(z, u, w, b)[1])).passed
