"""edl.probability.conditioning beyond its checks: batches of evidence, softmax rows on different scales,
the affine change of variables' shape rules, and the names in its errors."""

import math
import re

import pytest
import torch

from edl.probability import conditioning as c

F64 = torch.float64


def names(arg):
    return pytest.raises(ValueError, match=rf"(?<![\w.]){re.escape(arg)}(?![\w.])")


def test_bayes_posterior_takes_one_row_of_likelihoods_per_piece_of_evidence():
    prior = [0.25, 0.75]
    likelihood = torch.tensor([[0.5, 0.1], [1.0, 0.0], [0.2, 0.2]], dtype=F64)  # three observations, two hypotheses
    expected = torch.tensor([[0.125 / 0.2, 0.075 / 0.2], [1.0, 0.0], [0.25, 0.75]], dtype=F64)
    assert torch.allclose(c.bayes_posterior(prior, likelihood), expected, atol=1e-15)
    prior32 = torch.tensor(prior, dtype=torch.float32)
    assert c.bayes_posterior(prior32, [[0.5, 0.1]]).dtype == torch.float32  # the likelihood follows the prior
    with names("likelihood"):
        c.bayes_posterior(prior, [[0.5, 0.1, 0.3]])
    with names("likelihood"):
        c.bayes_posterior(prior, [0.0, 0.0])
    with names("prior"):
        c.bayes_posterior([[0.5, 0.5]], [0.5, 0.5])
    with names("likelihood"):
        c.bayes_posterior(prior, [0.5, float("nan")])


def test_softmax_shifts_each_row_by_its_own_maximum():
    z = torch.tensor([[1000.0, 1001.0], [0.0, 1.0]], dtype=F64)  # one shift for all would underflow row 2
    expected = torch.tensor([1 / (1 + math.e), math.e / (1 + math.e)], dtype=F64)
    out = c.softmax(z)
    assert torch.allclose(out, expected.expand(2, 2), atol=1e-15)
    assert torch.allclose(c.softmax([0.0, 1.0], temperature=0.5), c.softmax([0.0, 2.0]))
    with names("logits"):
        c.softmax([0.0, float("nan")])
    with names("temperature"):
        c.softmax([0.0, 1.0], temperature="hot")


def test_mutual_information_of_independent_and_copied_variables():
    assert float(c.mutual_information([[0.25, 0.25], [0.25, 0.25]])) == pytest.approx(0.0, abs=1e-15)
    assert float(c.mutual_information([[0.5, 0.0], [0.0, 0.5]])) == pytest.approx(math.log(2))
    with names("joint"):
        c.mutual_information([0.5, 0.5])


def test_pushforward_density_names_its_arguments():
    with names("log_density"):
        c.pushforward_density(0.0, torch.log, 1.0)
    with names("inverse"):
        c.pushforward_density(lambda x: -x, 0.0, 1.0)
    with names("y"):
        c.pushforward_density(lambda x: -x, torch.log, float("nan"))
    with pytest.raises(ValueError, match=re.escape("got y = [-1.0, 2.0]")):
        c.pushforward_density(lambda x: -x, torch.log, [-1.0, 2.0])  # log of a negative number


def test_affine_pushforward_needs_a_square_invertible_matrix_and_matching_shapes():
    log_p = lambda x: -(x**2).sum(-1) / 2 - math.log(2 * math.pi)  # noqa: E731  N(0, I) in the plane
    A = torch.tensor([[2.0, 0.0], [0.0, 1.0]], dtype=F64)  # det 2; x = A⁻¹(y - b) = (0, 0) and (1, 0.5)
    out = c.affine_pushforward_log_density(log_p, A, [1.0, 0.0], [[1.0, 0.0], [3.0, 0.5]])
    expected = torch.tensor([0.0, -0.625], dtype=F64) - math.log(2 * math.pi) - math.log(2.0)
    assert torch.allclose(out, expected, atol=1e-14)
    A32 = A.float()  # b and y (lists) take A's dtype, so that A⁻¹(y - b) can be solved at all
    assert c.affine_pushforward_log_density(log_p, A32, [1.0, 0.0], [3.0, 0.5]).dtype == torch.float32
    for bad in (torch.ones(2, 3, dtype=F64), torch.ones(2, dtype=F64), torch.ones(1, 2, 2, dtype=F64)):
        with pytest.raises(ValueError, match=re.escape(f"A must be a square matrix, got shape {tuple(bad.shape)}")):
            c.affine_pushforward_log_density(log_p, bad, [0.0, 0.0], [0.0, 0.0])
    with names("A"):
        c.affine_pushforward_log_density(log_p, torch.zeros(2, 2, dtype=F64), [0.0, 0.0], [0.0, 0.0])
    with names("A"):
        c.affine_pushforward_log_density(log_p, [[1.0, float("nan")], [0.0, 1.0]], [0.0, 0.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=re.escape("b must have shape (2,) and y end in 2, got (3,) and (2,)")):
        c.affine_pushforward_log_density(log_p, A, [0.0, 0.0, 0.0], [0.0, 0.0])
    with pytest.raises(ValueError, match=re.escape("got (2,) and (3,)")):
        c.affine_pushforward_log_density(log_p, A, [0.0, 0.0], [0.0, 0.0, 0.0])
    with names("b"):
        c.affine_pushforward_log_density(log_p, A, [0.0, float("nan")], [0.0, 0.0])
    with names("y"):
        c.affine_pushforward_log_density(log_p, A, [0.0, 0.0], [0.0, float("nan")])
    with names("log_density"):
        c.affine_pushforward_log_density(None, A, [0.0, 0.0], [0.0, 0.0])
