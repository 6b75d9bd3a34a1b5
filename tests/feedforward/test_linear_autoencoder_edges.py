"""Edges of edl.feedforward.linear_autoencoder: defaults, dtype rules, smallest sizes, rank limits, messages."""

import math

import pytest
import torch

from edl.feedforward import linear_autoencoder as ae

F32, F64 = torch.float32, torch.float64


def G(seed):
    return torch.Generator().manual_seed(seed)


# --- defaults -------------------------------------------------------------------------------------------

def test_train_linear_ae_defaults_are_the_documented_ones():
    """Leaving lr, steps, inits and init_scale out equals passing 0.05, 3000, 10 and 0.1."""
    X = torch.tensor([[1.0, 0.2], [0.0, 0.9]], dtype=F64)
    C, D = ae.train_linear_ae(X, 1, generator=G(0))
    C2, D2 = ae.train_linear_ae(X, 1, lr=0.05, steps=3000, inits=10, init_scale=0.1, generator=G(0))
    assert C.shape == (10, 1, 2)  # one more step moves them by about 5e-8
    torch.testing.assert_close(C, C2, rtol=0, atol=1e-12)
    torch.testing.assert_close(D, D2, rtol=0, atol=1e-12)


def test_als_low_rank_default_is_200_steps():
    """Close singular values (1, 0.99) make ALS converge slowly: one more step moves the result by about 1e-4."""
    X = torch.diag(torch.tensor([1.0, 0.99, 0.5], dtype=F64))
    torch.testing.assert_close(ae.als_low_rank(X, 1, generator=G(1)), ae.als_low_rank(X, 1, 200, generator=G(1)),
                               rtol=0, atol=1e-10)


# --- random starts ---------------------------------------------------------------------------------------

def test_train_linear_ae_starts_are_seeded_independent_normals_per_init():
    """With a vanishing step the returned (C, D) are the starts: one N(0, s²) draw per init, fixed by the seed."""
    X = torch.tensor([[1.0, 0.0, 0.5], [0.0, 1.0, -0.5], [0.5, 0.5, 1.0]], dtype=F64)
    C, D = ae.train_linear_ae(X, 2, lr=1e-300, steps=1, inits=300, init_scale=0.5, generator=G(3))
    C2, D2 = ae.train_linear_ae(X, 2, lr=1e-300, steps=1, inits=300, init_scale=0.5, generator=G(3))
    assert torch.equal(C, C2) and torch.equal(D, D2)
    assert C.shape == (300, 2, 3) and D.shape == (300, 3, 2)
    assert not torch.equal(C[0], C[1]) and not torch.equal(D[0], D[1])
    for start in (C, D):
        assert abs(float(start.std()) - 0.5) < 0.05 and abs(float(start.mean())) < 0.05
    C3, _ = ae.train_linear_ae(X, 2, lr=1e-300, steps=1, inits=300, init_scale=0.5, generator=G(4))
    assert not torch.equal(C, C3)


def test_zero_init_scale_stays_at_the_zero_critical_point():
    """init_scale = 0 is allowed: C = D = 0 has zero gradient, so training never leaves it."""
    X = torch.eye(2, dtype=F64)
    C, D = ae.train_linear_ae(X, 1, lr=0.1, steps=5, inits=1, init_scale=0.0, generator=G(0))
    assert C.tolist() == [[[0.0, 0.0]]] and D.tolist() == [[[0.0], [0.0]]]


def test_train_linear_ae_smallest_counts_and_k_up_to_d():
    """steps = inits = 1 and k = d (the rows of X, here more than the samples) are accepted."""
    X = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=F64)  # d = 3 rows, n = 2 samples
    C, D = ae.train_linear_ae(X, 3, lr=0.1, steps=1, inits=1, generator=G(0))
    assert C.shape == (1, 3, 3) and D.shape == (1, 3, 3)
    with pytest.raises(ValueError, match=r"^k must be at most d = 3, the rows of X, got 4$"):
        ae.train_linear_ae(X, 4, generator=G(0))


# --- dtype ---------------------------------------------------------------------------------------------

def test_list_arguments_follow_float32_data():
    X = torch.tensor([[1.0, 0.0], [0.0, 2.0]], dtype=F32)
    C, D = [[1.0, 0.0]], [[1.0], [0.0]]
    loss = ae.ae_loss(C, D, X)
    assert loss.dtype == F32 and float(loss) == 4.0
    assert all(g.dtype == F32 for g in ae.ae_gradients(C, D, X))
    assert ae.landscape_slice(torch.tensor(C, dtype=F32), torch.tensor(D, dtype=F32), X, [0.0, 0.5]).dtype == F32
    Dt, Ct = torch.eye(2, dtype=F32), torch.eye(2, dtype=F32)
    assert all(t.dtype == F32 for t in ae.decoupled_loss(Dt, Ct, [1.0, 3.0]))
    assert all(t.dtype == F32 for t in ae.whitened_gradients(Dt, Ct, [[1.0, 0.0], [0.0, 3.0]]))


# --- smallest sizes and exact values -------------------------------------------------------------------

def test_one_dimensional_autoencoder_by_hand():
    """d = k = 1: DCX = 0.5 X, so the loss is ‖0.5 X‖² = 0.25 (1 + 4)."""
    assert float(ae.ae_loss([[0.5]], [[1.0]], [[1.0, 2.0]])) == 1.25


def test_zero_rank_keeps_nothing():
    """k = r = 0: the loss and the squared error are all of ‖X‖_F²; the rank-0 approximation is 0."""
    X = torch.tensor([[3.0, 0.0], [0.0, 4.0]], dtype=F64)
    assert float(ae.pca_optimal_loss(X, 0)) == 25.0
    Xr, err = ae.eckart_young(X, 0)
    assert Xr.tolist() == [[0.0, 0.0], [0.0, 0.0]] and float(err) == 5.0


def test_pca_projector_with_k_equal_to_the_rank_is_the_identity():
    X = torch.tensor([[2.0, 1.0], [0.0, 1.0]], dtype=F64)
    torch.testing.assert_close(ae.pca_projector(X, 2), torch.eye(2, dtype=F64), rtol=0, atol=1e-15)


def test_landscape_slice_at_a_scalar_t():
    """A 0-d t is one point of the segment; t = 1/2 is the zero map, worth ‖X‖_F²."""
    X = torch.tensor([[1.0, 2.0], [0.0, 1.0]], dtype=F64)
    C = torch.tensor([[1.0, 0.0]], dtype=F64)
    assert ae.landscape_slice(C, C.T, X, 0.5).tolist() == [6.0]


def test_principal_angles_of_lines():
    """One-dimensional space: any two nonzero lines coincide; in the plane, e1 and e1 + e2 make π/4."""
    assert ae.principal_angles([[2.0]], [[-3.0]]).tolist() == [0.0]
    assert float(ae.principal_angles([[1.0], [0.0]], [[1.0], [1.0]])[0]) == pytest.approx(math.pi / 4, rel=1e-14)


def test_decoupled_loss_with_fewer_singular_values_and_a_zero_one():
    """Dt = Ct = I: with Σ = diag(3, 0), ½‖I - Σ‖² = ½(2² + 1²) split as cooperative 2 and competitive 1/2."""
    eye = torch.eye(2, dtype=F64)
    assert [float(t) for t in ae.decoupled_loss(eye, eye, [3.0])] == [2.0, 0.5]
    assert [float(t) for t in ae.decoupled_loss(eye, eye, [1.0, 0.0])] == [0.5, 0.0]


# --- whitening: scale invariance and the rank test ------------------------------------------------------------

def test_whitening_is_scale_invariant_down_to_tiny_data():
    """Whitening X and c X gives the same result, even for c = 1e-7 (covariance entries near 1e-14)."""
    X = torch.randn(3, 40, generator=G(0), dtype=F64)
    for c in (1e-7, 1e5):
        torch.testing.assert_close(ae.whiten(c * X), ae.whiten(X), rtol=1e-8, atol=1e-10)


def test_whitening_refuses_an_eigenvalue_ratio_of_exactly_1e_minus_12():
    """X = diag(1, 1e-6) has XXᵀ/2 eigenvalues 5e-13 and 0.5, a ratio of exactly 1e-12: refused."""
    message = r"^X must have full row rank \(XXᵀ/s has eigenvalues .*\), got shape \(2, 2\)$"
    with pytest.raises(ValueError, match=message):
        ae.whiten(torch.diag(torch.tensor([1.0, 1e-6], dtype=F64)))


# --- broadcasting and errors ----------------------------------------------------------------------------

def test_batches_that_do_not_broadcast_are_refused():
    X = torch.eye(2, dtype=F64)
    with pytest.raises(ValueError, match=r"^C and D must broadcast together"):
        ae.ae_loss(torch.ones(2, 1, 2, dtype=F64), torch.ones(3, 2, 1, dtype=F64), X)
    with pytest.raises(ValueError, match=r"^A and B must broadcast together"):
        ae.principal_angles(torch.ones(2, 3, 1, dtype=F64), torch.ones(3, 3, 1, dtype=F64))


@pytest.mark.parametrize("call, message", [
    (lambda: ae.ae_loss(torch.ones(1, 3), torch.ones(2, 1), torch.ones(2, 4)),
     r"^C must have shape \(\.\.\., any, 2\) to match X \(the k x d encoder of d-dimensional samples\), "
     r"got shape \(1, 3\)$"),
    (lambda: ae.ae_loss(torch.ones(1, 2), torch.ones(2, 2), torch.ones(2, 4)),
     r"^D must have shape \(\.\.\., 2, 1\) to match C and X \(the d x k decoder\), got shape \(2, 2\)$"),
    (lambda: ae.principal_angles(torch.ones(3, 1), torch.ones(2, 1)),
     r"^B must have shape \(\.\.\., 3, any\) to match A \(both in the same space\), got shape \(2, 1\)$"),
    (lambda: ae.input_output_correlation(torch.ones(1, 3), torch.ones(2, 4)),
     r"^Y must have shape \(any, 4\) to match X \(the same s samples\), got shape \(1, 3\)$"),
    (lambda: ae.input_output_correlation(torch.ones(4), torch.ones(2, 4)), r"^Y must have 2 dimension"),
    (lambda: ae.decoupled_loss(torch.ones(2, 2), torch.ones(2), [1.0]), r"^Ct must have 2 dimension"),
    (lambda: ae.decoupled_loss(torch.ones(2, 2), torch.ones(3, 2), [1.0]), r"^Ct must have shape \(2, any\)"),
    (lambda: ae.decoupled_loss(torch.ones(2, 1), torch.ones(1, 3), [1.0, 1.0, 1.0]),
     r"^sigma must hold at most min\(p, d\) = 2 singular values"),
    (lambda: ae.landscape_slice(torch.ones(2, 1, 2), torch.ones(2, 1), torch.eye(2), 0.5),
     r"^C must have 2 dimension"),
    (lambda: ae.landscape_slice(torch.ones(1, 2), torch.ones(3, 2, 1), torch.eye(2), 0.5),
     r"^D must have 2 dimension"),
    (lambda: ae.saddle_point(torch.ones(3, 2), 1, [2]),
     r"^indices must name k=1 distinct principal directions in 0\.\.1,"),
    (lambda: ae.saddle_point(torch.eye(3), 0, []), r"^k must be at least 1"),
    (lambda: ae.pca_projector(torch.ones(3, 2), 3), r"^k must be at most min\(X\.shape\) = 2, got 3$"),
    (lambda: ae.train_linear_ae(torch.eye(2), 1, generator=1), r"^generator must be a torch\.Generator or None"),
    (lambda: ae.als_low_rank(torch.eye(2), 1, generator=1), r"^generator must be a torch\.Generator or None"),
])
def test_errors_name_the_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_eckart_young_with_r_past_the_rank_returns_x():
    """r above min(d, n) keeps every singular value: X itself, error 0 (a tall X, d = 3 > n = 2)."""
    X = torch.tensor([[1.0, 2.0], [0.0, 1.0], [3.0, -1.0]], dtype=F64)
    Xr, err = ae.eckart_young(X, 3)
    torch.testing.assert_close(Xr, X, rtol=0, atol=1e-14)
    assert float(err) == 0.0


def test_projector_and_truncation_have_no_negative_zeros():
    """X = [[0, 3], [2, 0]]: the singular vectors mix signs with zeros; the results print 0.0, never -0.0."""
    X = torch.tensor([[0.0, 3.0], [2.0, 0.0]], dtype=F64)
    P = ae.pca_projector(X, 1)
    Xr, _ = ae.eckart_young(X, 1)
    assert P.tolist() == [[1.0, 0.0], [0.0, 0.0]] and not bool(torch.signbit(P).any())
    assert Xr.tolist() == [[0.0, 3.0], [0.0, 0.0]] and not bool(torch.signbit(Xr).any())


def test_als_after_one_step_depends_on_the_seeded_start_only():
    """steps = 1 is allowed; one step from the start B leaves its trace: the seed fixes it, another seed moves it."""
    X = torch.diag(torch.tensor([1.0, 0.99, 0.5], dtype=F64))
    a = ae.als_low_rank(X, 1, 1, generator=G(0))
    torch.testing.assert_close(a, ae.als_low_rank(X, 1, 1, generator=G(0)), rtol=0, atol=1e-12)
    assert float((a - ae.als_low_rank(X, 1, 1, generator=G(1))).abs().max()) > 0.1
