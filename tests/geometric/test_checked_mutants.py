"""Edge cases of edl.geometric._checked (the chapter's input checks): exact messages, the switch from a list to a
tensor in long messages, the symmetry tolerance relative to the scale, and the device of a permutation."""

import pytest
import torch

from edl.geometric import _checked as c


def test_adjacency_messages_show_small_matrices_as_lists():
    """Up to 36 entries the offending matrix is shown as a list, from 49 on as a tensor."""
    with pytest.raises(ValueError, match=r"^A must hold only 0 and 1, got \[\[0\.0, 2\.0\], \[2\.0, 0\.0\]\]$"):
        c.adjacency("A", [[0.0, 2.0], [2.0, 0.0]])
    big = torch.zeros(7, 7, dtype=torch.float64)
    big[0, 1] = big[1, 0] = 2.0
    with pytest.raises(ValueError, match=r"^A must hold only 0 and 1, got tensor\("):
        c.adjacency("A", big)
    with pytest.raises(ValueError, match=r"^A must be symmetric \(an undirected graph\), "
                                         r"got \[\[0\.0, 1\.0\], \[0\.0, 0\.0\]\]$"):
        c.adjacency("A", [[0.0, 1.0], [0.0, 0.0]])


def test_symmetric_tolerance_is_1e10_times_the_scale_at_least_one():
    """Asymmetry up to 1e-10 * max(max|S|, 1) passes: 1.5e-10 fails at scale 1, 1e-8 passes at scale 1000."""
    S = torch.tensor([[1.0, 0.5], [0.5, 1.0]], dtype=torch.float64)
    E = torch.tensor([[0.0, 1.0], [0.0, 0.0]], dtype=torch.float64)
    c.symmetric("S", S + 0.5e-10 * E)
    with pytest.raises(ValueError, match=r"^S must be symmetric, got \[\[1\.0, 0\.50000000015\], \[0\.5, 1\.0\]\]$"):
        c.symmetric("S", S + 1.5e-10 * E)
    c.symmetric("S", 1000 * S + 1e-8 * E)
    with pytest.raises(ValueError, match=r"^S must be symmetric, got "):
        c.symmetric("S", 1000 * S + 2e-7 * E)


def test_permutation_messages():
    """Booleans, ragged lists, 2-D arrays, fractions and non-permutations are refused with their own message."""
    with pytest.raises(ValueError, match=r"^p must be a permutation of 0\.\.M-1, got True$"):
        c.permutation("p", True)
    with pytest.raises(ValueError, match=r"^p must be a permutation of 0\.\.M-1, got \[\[0, 1\], \[2\]\]$"):
        c.permutation("p", [[0, 1], [2]])
    with pytest.raises(ValueError, match=r"^p must be a non-empty 1-D permutation of 0\.\.M-1, got \[\[0, 1\]\]$"):
        c.permutation("p", [[0, 1]])
    with pytest.raises(ValueError, match=r"^p must hold whole numbers, got \[0\.5, 1\]$"):
        c.permutation("p", [0.5, 1])
    with pytest.raises(ValueError, match=r"^p must be a permutation of 0\.\.1, got \[0, 2\]$"):
        c.permutation("p", [0, 2])


def test_permutation_moves_to_the_device_asked_for():
    """The permutation lands on the device passed (the meta device stands for an accelerator), else stays."""
    assert c.permutation("p", [1, 0], device="meta").device.type == "meta"
    assert c.permutation("p", [1, 0]).device.type == "cpu"


def test_output_messages():
    """Non-tensors and non-finite outputs are named; up to 19 values are shown as a list, from 20 on as a tensor."""
    with pytest.raises(ValueError, match=r"^f must return a tensor, got \[1\.0\]$"):
        c.output("f", [1.0])
    with pytest.raises(ValueError, match=r"^f must return finite values, got \[nan\]$"):
        c.output("f", torch.tensor([float("nan")]))
    t19 = torch.zeros(19)
    t19[0] = float("inf")
    with pytest.raises(ValueError, match=r"^f must return finite values, got \[inf, 0\.0, "):
        c.output("f", t19)
    t20 = torch.zeros(20)
    t20[0] = float("inf")
    with pytest.raises(ValueError, match=r"^f must return finite values, got tensor\("):
        c.output("f", t20)
