"""Edge cases of edl.generative.flows that its mutation run exposed: a batch of non-square Jacobians is refused."""

import pytest
import torch

from edl.generative import flows as fl


def test_triangular_log_det_refuses_a_batch_of_non_square_jacobians():
    """J of shape (1, 3, 2) is lower triangular but not square: the last two axes (3, 2) are compared, not the batch
    axis with the rows (3 = 3 would pass)."""
    J = torch.zeros(1, 3, 2, dtype=torch.float64)
    J[0, 0, 0], J[0, 1, 1] = 1.0, 1.0
    with pytest.raises(ValueError, match=r"^J must be square, got shape \(1, 3, 2\)$"):
        fl.triangular_log_det(J)
