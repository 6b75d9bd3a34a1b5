"""Tests of edl.geometric.symmetry: permutations as matrices, group axioms, invariance, Deep Sets."""

import pytest
import torch

from edl.geometric import symmetry as sy

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def test_permutation_matrix_moves_column_j_to_row_perm_j():
    P = sy.permutation_matrix([2, 0, 1])
    assert P.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert P.dtype == torch.float64
    assert sy.permutation_matrix([0], dtype=torch.float32).dtype == torch.float32
    assert torch.equal(sy.permutation_matrix([1, 0]) @ T([5.0, 7.0]), T([7.0, 5.0]))


def test_compose_applies_tau_first():
    assert sy.compose([1, 2, 0], [0, 2, 1]).tolist() == [1, 0, 2]
    s, t = [1, 2, 0, 3], [3, 2, 1, 0]
    assert torch.equal(sy.permutation_matrix(sy.compose(s, t)), sy.permutation_matrix(s) @ sy.permutation_matrix(t))
    with pytest.raises(ValueError, match="tau must permute 3"):
        sy.compose([1, 2, 0], [1, 0])


def test_group_axioms_on_tables():
    z3 = [[(i + j) % 3 for j in range(3)] for i in range(3)]
    assert sy.group_axioms(z3) == dict(closure=True, associative=True, identity=True, inverses=True, abelian=True)
    minus = [[(i - j) % 3 for j in range(3)] for i in range(3)]
    assert sy.group_axioms(minus) == dict(closure=True, associative=False, identity=False, inverses=False, abelian=False)
    out = [[0, 3], [1, 0]]
    assert sy.group_axioms(out) == dict(closure=False, associative=False, identity=False, inverses=False, abelian=False)
    monoid = [[0, 0], [0, 1]]            # multiplication on {0, 1}: identity 1, but 0 has no inverse
    assert sy.group_axioms(monoid) == dict(closure=True, associative=True, identity=True, inverses=False, abelian=True)
    left_only = [[0, 1], [0, 1]]         # g h = h: every element is a left identity, none two-sided
    assert sy.group_axioms(left_only)["identity"] is False
    with pytest.raises(ValueError, match="whole numbers"):
        sy.group_axioms([[0, 1.5], [1, 0]])


def test_act_is_left_action_and_validates():
    X = T([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    assert sy.act([1, 2, 0], X).tolist() == [[5.0, 6.0], [1.0, 2.0], [3.0, 4.0]]
    assert torch.equal(sy.act([0, 1, 2], X), X)
    with pytest.raises(ValueError, match="perm must permute 3"):
        sy.act([1, 0], X)
    with pytest.raises(ValueError, match="perm must be a permutation"):
        sy.act([0, 0, 1], X)
    with pytest.raises(ValueError, match="whole numbers"):
        sy.act([0.5, 1, 2], X)


def test_invariance_and_equivariance_gaps_exact_values():
    x = T([1.0, 2.0, 4.0])
    assert sy.invariance_gap(lambda s: s[0], x, [[1, 2, 0]]) == 3.0          # x[perm⁻¹] starts with 4
    assert sy.invariance_gap(lambda s: s.max(0).values, x, [[1, 2, 0], [2, 1, 0]]) == 0.0
    assert sy.equivariance_gap(lambda s: 2 * s, x, [[1, 2, 0]]) == 0.0
    assert sy.equivariance_gap(lambda s: s - s[0], x, [[1, 2, 0]]) == 3.0
    with pytest.raises(ValueError, match="perms must be a non-empty list"):
        sy.invariance_gap(lambda s: s.sum(), x, [])
    with pytest.raises(ValueError, match="one row per element"):
        sy.equivariance_gap(lambda s: s.sum(0), x, [[0, 1, 2]])
    with pytest.raises(ValueError, match="f must return finite"):
        sy.invariance_gap(lambda s: s / 0, x, [[0, 1, 2]])
    with pytest.raises(ValueError, match="f must return a tensor"):
        sy.invariance_gap(lambda s: 1.0, x, [[0, 1, 2]])


def test_pool_modes():
    x = T([[1.0, -2.0], [3.0, 5.0], [2.0, 0.0]])
    assert sy.pool(x).tolist() == [6.0, 3.0]
    assert sy.pool(x, "mean").tolist() == [2.0, 1.0]
    assert sy.pool(x, "max").tolist() == [3.0, 5.0]
    with pytest.raises(ValueError, match="mode must be one of"):
        sy.pool(x, "min")


def test_deep_sets_sum_and_max_values():
    phi = lambda s: torch.cat([s, s**2], 1)  # noqa: E731
    assert sy.deep_sets(T([1.0, 2.0, 2.0]), phi, lambda z: z).tolist() == [5.0, 9.0]
    assert sy.deep_sets(T([1.0, 2.0, 2.0]), phi, lambda z: z, "max").tolist() == [2.0, 4.0]
    assert sy.deep_sets(T([[1.0, 0.0], [0.0, 3.0]]), lambda s: s, lambda z: z.sum()).item() == 4.0
    assert sy.deep_sets(T([7.0]), phi, lambda z: z).tolist() == [7.0, 49.0]
    with pytest.raises(ValueError, match="phi must return one row per element"):
        sy.deep_sets(T([1.0, 2.0]), lambda s: s.sum(0), lambda z: z)
    with pytest.raises(ValueError, match="aggregate must be one of"):
        sy.deep_sets(T([1.0, 2.0]), phi, lambda z: z, "mean")


def test_equivariant_set_layer_values():
    y = sy.equivariant_set_layer(T([1.0, 2.0, 3.0]), lambda s: 2 * s, lambda z: z[:, :1] * z[:, 1:])
    assert y.flatten().tolist() == [12.0, 24.0, 36.0]
    with pytest.raises(ValueError, match="rho must return one row per element"):
        sy.equivariant_set_layer(T([1.0, 2.0]), lambda s: s, lambda z: z.sum())
    with pytest.raises(ValueError, match="phi must return one row per element"):
        sy.equivariant_set_layer(T([1.0, 2.0]), lambda s: s.T, lambda z: z)
