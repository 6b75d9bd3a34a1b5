"""Edge cases of edl.geometric.gcn that the behaviour tests leave open: exact messages, low-precision and float32
dtypes kept, square-matrix checks, and the scale invariance of the rank thresholds."""

import pytest
import torch

from edl.geometric import gcn

A2 = [[0.0, 1.0], [1.0, 0.0]]
HALF = [[0.5, 0.5], [0.5, 0.5]]


def test_low_precision_adjacency_keeps_its_dtype():
    """float16 and bfloat16 graphs give operators and gains of the same dtype (the identity follows A)."""
    for dt in (torch.float16, torch.bfloat16):
        A = torch.tensor(A2, dtype=dt)
        S = gcn.normalized_adjacency(A)
        assert S.dtype == dt
        torch.testing.assert_close(S.float(), torch.full((2, 2), 0.5), atol=1e-2, rtol=0)
        P = gcn.propagation_operator(A, renormalised=False)
        assert P.dtype == dt
        torch.testing.assert_close(P.float(), torch.ones(2, 2), atol=1e-2, rtol=0)
        g = gcn.propagation_growth(S, torch.tensor([1.0, 1.0], dtype=dt), 2)
        assert g.dtype == dt
        torch.testing.assert_close(g.float(), torch.ones(3), atol=1e-2, rtol=0)


def test_float32_operator_kept_with_list_inputs():
    """List signals, features, weights and coefficients take the float32 dtype of the operator."""
    S = torch.tensor(HALF, dtype=torch.float32)
    g = gcn.propagation_growth(S, [1.0, 1.0], 2)
    assert g.dtype == torch.float32 and g.tolist() == [1.0, 1.0, 1.0]
    out = gcn.gcn_layer([[1.0], [3.0]], S, [[1.0, 2.0]], activation=lambda z: z)
    assert out.dtype == torch.float32 and out.tolist() == [[2.0, 4.0], [2.0, 4.0]]
    p = gcn.gcn_two_layer([[1.0], [3.0]], torch.tensor(A2, dtype=torch.float32), [[1.0]], [[1.0, -1.0]])
    assert p.dtype == torch.float32
    torch.testing.assert_close(p.sum(1), torch.ones(2), atol=1e-6, rtol=0)
    y = gcn.matrix_polynomial(S, [1.0, 2.0], [1.0, 3.0])
    assert y.dtype == torch.float32 and y.tolist() == [5.0, 7.0]       # x + 2 S x = [1, 3] + 2 [2, 2]
    # 1e40 overflows float32: the coefficients are read in the operator's dtype and refused
    with pytest.raises(ValueError, match=r"^theta must be finite, got \[inf\]$"):
        gcn.matrix_polynomial(S, [1e40])


def test_shape_messages_name_the_matching_argument():
    """Mismatched sizes are refused with messages naming the argument the size comes from."""
    S = torch.tensor(HALF, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^x must have shape \(2,\) to match S, got shape \(3,\)$"):
        gcn.propagation_growth(S, [1.0, 2.0, 3.0], 1)
    with pytest.raises(ValueError, match=r"^X must have shape \(2, any\) to match A_bar, got shape \(3, 1\)$"):
        gcn.gcn_layer([[1.0], [2.0], [3.0]], S, [[1.0]])
    with pytest.raises(ValueError, match=r"^W must have shape \(1, any\) to match X \(W acts on the N features, "
                                         r"not the M nodes\), got shape \(2, 1\)$"):
        gcn.gcn_layer([[1.0], [2.0]], S, [[1.0], [2.0]])
    with pytest.raises(ValueError, match=r"^X must have shape \(2, any\) to match A, got shape \(3, 1\)$"):
        gcn.gcn_two_layer([[1.0], [2.0], [3.0]], A2, [[1.0]], [[1.0, -1.0]])
    with pytest.raises(ValueError, match=r"^W1 must have shape \(2, any\) to match W0, got shape \(3, 1\)$"):
        gcn.gcn_two_layer([[1.0], [2.0]], A2, [[1.0, 1.0]], [[1.0], [1.0], [1.0]])
    with pytest.raises(ValueError, match=r"^x must have shape \(2,\) to match S, got shape \(3,\)$"):
        gcn.matrix_polynomial(S, [1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nonexistent'$"):
        gcn.cycle_adjacency(4, device="nonexistent")


def test_dimensions_need_square_operators():
    """Non-square operators are refused by both dimension counts."""
    R = [[1.0, 0.0, 2.0], [0.0, 1.0, 0.0]]
    with pytest.raises(ValueError, match=r"^S must be a square matrix, got shape \(2, 3\)$"):
        gcn.commutant_dimension(R)
    with pytest.raises(ValueError, match=r"^S must be a square matrix, got shape \(2, 3\)$"):
        gcn.polynomial_dimension(R)


def test_dimensions_are_scale_invariant():
    """Scaling S changes no dimension: the swap graph gives 2 and 2 at any scale, distinct tiny eigenvalues M."""
    S = torch.tensor(A2, dtype=torch.float64)
    for scale in (1.0, 1e-10, 1e-3):
        assert gcn.commutant_dimension(scale * S) == 2        # eigenvalues +s and -s, each once: 1 + 1
        assert gcn.polynomial_dimension(scale * S) == 2
    assert gcn.polynomial_dimension(torch.diag(torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)) * 1e-5) == 3
    assert gcn.polynomial_dimension([[5.0]]) == 1 and gcn.polynomial_dimension([[0.5]]) == 1
    assert gcn.commutant_dimension([[0.5]]) == 1


def test_rank_threshold_is_strict():
    """With tol = 1 no singular value is strictly above the largest, so every direction counts as null."""
    S = torch.tensor(A2, dtype=torch.float64)
    assert gcn.polynomial_dimension(S, tol=1.0) == 0
    assert gcn.commutant_dimension(S, tol=1.0) == 4
