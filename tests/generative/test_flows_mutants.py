"""Edge cases of edl.generative.flows that its mutation run exposed: non-square Jacobian batches, float32 kept for
Python-number and list arguments and under a float64 default, and the messages of the shape and layer checks."""

import math

import pytest
import torch

from edl.generative import flows as fl

from tests.dtypes import under_float64_default


def test_triangular_log_det_refuses_a_batch_of_non_square_jacobians():
    """J of shape (1, 3, 2) is lower triangular but not square: the last two axes (3, 2) are compared, not the batch
    axis with the rows (3 = 3 would pass)."""
    J = torch.zeros(1, 3, 2, dtype=torch.float64)
    J[0, 0, 0], J[0, 1, 1] = 1.0, 1.0
    with pytest.raises(ValueError, match=r"^J must be square, got shape \(1, 3, 2\)$"):
        fl.triangular_log_det(J)


F32, F64 = torch.float32, torch.float64
DOUBLE = (lambda z: (2 * z, torch.full(z.shape[:1], math.log(2), dtype=z.dtype)),
          lambda x: (x / 2, torch.full(x.shape[:1], -math.log(2), dtype=x.dtype)))


def test_spherical_to_cartesian_float_angles_take_the_float32_of_r():
    """theta and phi as Python floats take r's float32: (2, 0, 0) and log(r² cos 0) = log 4."""
    p, logdet = fl.spherical_to_cartesian(torch.tensor(2.0, dtype=F32), 0.0, 0.0)
    assert p.dtype == F32 and logdet.dtype == F32
    assert p.tolist() == [2.0, 0.0, 0.0] and float(logdet) == pytest.approx(math.log(4), rel=1e-6)


def test_spherical_to_cartesian_refuses_a_latitude_below_minus_half_pi():
    """θ = -π/2 - 0.1 lies outside the open interval (-π/2, π/2) of latitudes."""
    with pytest.raises(ValueError, match=r"^theta must lie in \(-1\.5707963267948966, 1\.5707963267948966\)"):
        fl.spherical_to_cartesian(1.0, -math.pi / 2 - 0.1, 0.0)


@pytest.mark.parametrize("r, theta, phi, shapes", [
    ([1.0, 2.0], [0.1, 0.2, 0.3], 0.0, r"r \(2,\), theta \(3,\), phi \(\)"),
    ([1.0, 2.0], 0.1, [0.1, 0.2, 0.3], r"r \(2,\), theta \(\), phi \(3,\)"),
    (1.0, [0.1, 0.2], [0.1, 0.2, 0.3], r"r \(\), theta \(2,\), phi \(3,\)"),
])
def test_spherical_to_cartesian_names_all_three_shapes_that_do_not_broadcast(r, theta, phi, shapes):
    """Any two of r, theta, phi that do not broadcast are refused with a ValueError naming all three shapes."""
    with pytest.raises(ValueError, match=r"^r and theta and phi must broadcast together, got shapes " + shapes + "$"):
        fl.spherical_to_cartesian(r, theta, phi)


def test_flow_forward_refuses_a_string_or_an_iterator_of_layers():
    """Only a list or tuple of layers is accepted: a string, and an iterator even of valid pairs, are refused as a
    whole by the layers message."""
    with pytest.raises(ValueError, match=r"^layers must be a non-empty list of \(forward, inverse\) pairs, got 'ab'$"):
        fl.flow_forward([[1.0]], "ab")
    with pytest.raises(ValueError, match=r"^layers must be a non-empty list of \(forward, inverse\) pairs, got <"):
        fl.flow_forward([[1.0]], iter([DOUBLE]))


def test_flow_forward_and_log_density_keep_float32_under_a_float64_default():
    """The running log-determinant takes z's float32, not the global default: x = 4z, log|det| = 2 log 2 and
    log p(0) = log N(0; 0, 16)."""
    z = torch.tensor([[1.0]], dtype=F32)
    x, ld = under_float64_default(lambda: fl.flow_forward(z, [DOUBLE, DOUBLE]))
    lp = under_float64_default(lambda: fl.flow_log_density(torch.zeros(1, 1, dtype=F32), [DOUBLE, DOUBLE]))
    assert x.dtype == F32 and ld.dtype == F32 and lp.dtype == F32
    assert float(ld[0]) == pytest.approx(2 * math.log(2), rel=1e-6)
    assert float(lp[0]) == pytest.approx(-0.5 * math.log(2 * math.pi * 16), rel=1e-6)


@pytest.mark.parametrize("out", [
    lambda x: (torch.zeros_like(x), torch.zeros(x.shape[0], 1, dtype=x.dtype)),      # log_sigma too narrow
    lambda x: (torch.zeros(x.shape[0], 1, dtype=x.dtype), torch.zeros_like(x)),      # mu too narrow
    lambda x: (torch.zeros_like(x), torch.zeros_like(x), torch.zeros_like(x)),       # three outputs
])
def test_maf_inverse_refuses_a_conditioner_of_the_wrong_form(out):
    """The conditioner must return exactly (mu, log_sigma), each of x's shape (1, 2)."""
    with pytest.raises(ValueError, match=r"^conditioner must return \(mu, log_sigma\), each of shape \(1, 2\)$"):
        fl.maf_inverse([[1.0, 2.0]], out)


def test_affine_coupling_refuses_a_scale_of_the_wrong_shape():
    """A scale output of shape (1, 2) for a B part of shape (1, 1) is refused even when the shift is right."""
    with pytest.raises(ValueError, match=r"^scale and shift must return shape \(1, 1\), got \(1, 2\) and \(1, 1\)$"):
        fl.affine_coupling([[1.0, 2.0]], lambda a: torch.zeros(1, 2, dtype=a.dtype), lambda a: a, 1)


def test_planar_flow_list_u_and_w_take_the_float32_of_z():
    """u = w = (1, 0), b = 0 at z = 0: F(0) = 0 and log|1 + 1·1| = log 2, in float32."""
    y, ld = fl.planar_flow(torch.zeros(1, 2, dtype=F32), [1.0, 0.0], [1.0, 0.0], 0.0)
    assert y.dtype == F32 and ld.dtype == F32
    assert y.tolist() == [[0.0, 0.0]] and float(ld[0]) == pytest.approx(math.log(2), rel=1e-6)


def test_planar_flow_names_z_when_w_has_the_wrong_length():
    """w must have one entry per column of z."""
    with pytest.raises(ValueError, match=r"^w must have shape \(2,\) to match z, got shape \(3,\)$"):
        fl.planar_flow([[0.0, 0.0]], [1.0, 0.0], [1.0, 0.0, 0.0], 0.0)
