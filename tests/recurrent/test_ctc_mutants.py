"""Edge cases of edl.recurrent.ctc that its mutation run exposed: the tolerance on positive log-probabilities, the
argument named when rows do not sum to 1, the range of blanks named in ctc_loss's message, labels as tensors or whole
floats, and the edges of ctc_alignments."""

import math

import pytest
import torch

from edl.recurrent import ctc

F64 = torch.float64


def test_log_probs_up_to_1e_9_are_accepted_as_rounding():
    """A log-probability of exactly 1e-9 is rounding noise of log(1) and is accepted: one frame with symbol 0
    certain gives the empty label a loss of -1e-9 and a probability of exp(1e-9) (the only path)."""
    lp = torch.tensor([[1e-9, -math.inf]], dtype=F64)
    assert ctc.ctc_loss(lp, []) == pytest.approx(-1e-9, rel=1e-12, abs=0)
    assert ctc.ctc_probability(lp, []) == pytest.approx(math.exp(1e-9), rel=1e-12, abs=0)


def test_positive_log_probs_above_1e_9_are_refused_even_if_the_rows_sum_to_one():
    """log p = 1e-8 (p = 1 + 1e-8) would pass the row-sum check with its 1e-6 tolerance, but it is not a
    log-probability: refused by the <= 0 check, with the values in the message, and so is 0.5."""
    for bad, shown in ((1e-8, r"1e-08"), (0.5, r"0\.5")):
        lp = torch.tensor([[bad, -math.inf]], dtype=F64)
        want = rf"^log_probs must hold log-probabilities \(<= 0\), got \[\[{shown}, -inf\]\]$"
        with pytest.raises(ValueError, match=want):
            ctc.ctc_loss(lp, [])


def test_rows_that_do_not_sum_to_one_are_named_log_probs():
    """exp(log_probs) rows summing to 1.1 are refused, and the message names log_probs and the sum."""
    lp = torch.log(torch.tensor([[0.5, 0.6]], dtype=F64))
    with pytest.raises(ValueError, match=r"^log_probs must sum to 1 along its last axis, got sums \[1\.1"):
        ctc.ctc_loss(lp, [])
    with pytest.raises(ValueError, match=r"^log_probs must sum to 1 along its last axis"):
        ctc.ctc_probability(lp, [1])


def test_ctc_loss_refuses_a_blank_equal_to_the_number_of_symbols():
    """With K = 2 symbols the blank must be 0 or 1: blank = 2 is refused by ctc_loss itself, naming the range
    0..1 and the value (not an IndexError from reading column 2)."""
    lp = torch.log(torch.full((2, 2), 0.5, dtype=F64))
    with pytest.raises(ValueError, match=r"^blank must index a symbol \(0\.\.1\), got 2$"):
        ctc.ctc_loss(lp, [], blank=2)
    lp3 = torch.log(torch.full((2, 3), 1 / 3, dtype=F64))
    with pytest.raises(ValueError, match=r"^blank must index a symbol \(0\.\.2\), got 3$"):
        ctc.ctc_loss(lp3, [1], blank=3)


def test_labels_as_tensors_and_whole_floats_are_symbol_indices():
    """A label given as an integer tensor or as whole floats is the same label as the list of ints: same loss."""
    lp = torch.log_softmax(torch.randn(4, 3, generator=torch.Generator().manual_seed(0), dtype=F64), -1)
    want = ctc.ctc_loss(lp, [1, 2])
    assert ctc.ctc_loss(lp, torch.tensor([1, 2])) == want
    assert ctc.ctc_loss(lp, [1.0, 2.0]) == want


def test_label_symbols_must_be_below_the_number_of_symbols():
    """With K = 3 symbols (blank 0) a label may hold 1 and 2: symbol 3 is refused, the message naming 0..2."""
    lp = torch.log(torch.full((3, 3), 1 / 3, dtype=F64))
    with pytest.raises(ValueError, match=r"^label must hold non-blank symbols in 0\.\.2 \(blank 0\), got \[1, 3\]$"):
        ctc.ctc_loss(lp, [1, 3])


def test_ctc_alignments_edges():
    """T = 1 is valid; the blank is the one passed (blank = 1: the label [0] is reached by (0, 0), (0, 1) and
    (1, 0)); a negative blank (checked before the label) and one past the symbols are refused by name;
    K**T = 2,000,001 is too many."""
    assert ctc.ctc_alignments(1, [1], 2) == [(1,)]
    assert ctc.ctc_alignments(2, [0], 2, blank=1) == [(0, 0), (0, 1), (1, 0)]
    with pytest.raises(ValueError, match=r"^blank must be at least 0, got -1$"):
        ctc.ctc_alignments(2, [5], 2, blank=-1)                      # the blank is checked before the label
    with pytest.raises(ValueError, match=r"^blank must index a symbol \(0\.\.1\), got 2$"):
        ctc.ctc_alignments(2, [1], 2, blank=2)
    with pytest.raises(ValueError, match=r"^num_symbols \*\* T must stay below 2,000,000 for enumeration, "
                                         r"got 2000001\*\*1$"):
        ctc.ctc_alignments(1, [1], 2_000_001)
