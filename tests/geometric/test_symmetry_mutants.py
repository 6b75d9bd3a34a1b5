"""Edge cases of edl.geometric.symmetry that the behaviour tests leave open: exact messages naming the callable
or the permutation, one-sided inverses, closure at the table's size, and the summary of an equivariant layer."""

import pytest
import torch

from edl.geometric import symmetry as sy

NAN = float("nan")


def _second_call_nan(f):
    """``f`` on the first call, ``f`` times NaN afterwards: a callable that breaks only on permuted input."""
    calls = []

    def g(*args):
        calls.append(1)
        out = f(*args)
        return out if len(calls) == 1 else out * NAN
    return g


def test_permutation_matrix_bad_device():
    """A bad device is named in the message."""
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nonexistent'$"):
        sy.permutation_matrix([1, 0], device="nonexistent")


def test_group_axioms_edges():
    """Tables must be square; an entry equal to n breaks closure; a one-sided inverse is not an inverse."""
    with pytest.raises(ValueError, match=r"^table must be a square matrix, got shape \(2, 3\)$"):
        sy.group_axioms([[0, 1, 0], [1, 0, 1]])
    assert sy.group_axioms([[0, 2], [1, 0]])["closure"] is False
    # identity 0; 1 * 2 = 0 but 2 * 1 = 2: element 1 has only a right inverse, so no group
    out = sy.group_axioms([[0, 1, 2], [1, 2, 0], [2, 2, 2]])
    assert out["identity"] is True and out["inverses"] is False


def test_gap_messages_name_the_callable_and_the_permutation():
    """Non-finite outputs of f (on the set or on a permuted set) and short permutations are named."""
    x = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match=r"^f must return finite values, got "):
        sy.invariance_gap(_second_call_nan(lambda z: z.sum()), x, [[1, 2, 0]])
    with pytest.raises(ValueError, match=r"^f must return finite values, got "):
        sy.equivariance_gap(lambda z: z * NAN, x, [[1, 2, 0]])
    with pytest.raises(ValueError, match=r"^f must return finite values, got "):
        sy.equivariance_gap(_second_call_nan(lambda z: 2 * z), x, [[1, 2, 0]])
    with pytest.raises(ValueError, match=r"^perms\[0\] must permute 3 elements, got 2: \[1, 0\]$"):
        sy.invariance_gap(lambda z: z.sum(), x, [[1, 0]])
    with pytest.raises(ValueError, match=r"^perms\[0\] must permute 3 elements, got 2: \[1, 0\]$"):
        sy.equivariance_gap(lambda z: 2 * z, x, [[1, 0]])
    with pytest.raises(ValueError, match=r"^perms must be a non-empty list of permutations, got \[\]$"):
        sy.invariance_gap(lambda z: z.sum(), x, [])


def test_set_model_messages():
    """Non-finite or malformed outputs of phi and rho are refused with messages naming them and the set size."""
    x = [1.0, 2.0, 3.0]
    with pytest.raises(ValueError, match=r"^phi must return finite values, got "):
        sy.deep_sets(x, lambda z: z * NAN, lambda s: s)
    with pytest.raises(ValueError, match=r"^rho must return finite values, got "):
        sy.deep_sets(x, lambda z: z, lambda s: s * NAN)
    with pytest.raises(ValueError, match=r"^phi must return one row per element, shape \(3, N\), got \(2, 1\)$"):
        sy.deep_sets(x, lambda z: z[:2], lambda s: s)
    with pytest.raises(ValueError, match=r"^phi must return finite values, got "):
        sy.equivariant_set_layer(x, lambda z: z * NAN, lambda r: r)
    with pytest.raises(ValueError, match=r"^rho must return finite values, got "):
        sy.equivariant_set_layer(x, lambda z: z, lambda r: r * NAN)
    with pytest.raises(ValueError, match=r"^phi must return one row per element, shape \(3, N\), got \(2, 1\)$"):
        sy.equivariant_set_layer(x, lambda z: z[:2], lambda r: r)
    with pytest.raises(ValueError, match=r"^rho must return one row per element \(3\), got shape \(2,\)$"):
        sy.equivariant_set_layer(x, lambda z: z, lambda r: r[:2, 0])
