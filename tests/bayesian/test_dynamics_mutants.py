"""Edge cases of edl.bayesian.dynamics that its mutation run exposed: list momenta take the float32 of the
positions."""

import pytest
import torch

from edl.bayesian import dynamics as dy

F32 = torch.float32


def test_explicit_euler_list_momentum_takes_theta_float32():
    """A list v_ takes theta's float32; one Euler step of E = θ²/2 from (1, 1), η = 0.5: θ = 1.5, v = 0.5."""
    th, vv = dy.explicit_euler(lambda t: t, torch.tensor([[1.0]], dtype=F32), [[1.0]], 0.5, 1)
    assert th.dtype == F32 and vv.dtype == F32
    assert (float(th), float(vv)) == (1.5, 0.5)
