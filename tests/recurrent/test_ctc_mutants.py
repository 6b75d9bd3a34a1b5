"""Edge cases of edl.recurrent.ctc that its mutation run exposed: the tolerance on positive log-probabilities, the
argument named when rows do not sum to 1, and the range of blanks named in ctc_loss's message."""

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
        with pytest.raises(ValueError, match=rf"^log_probs must hold log-probabilities \(<= 0\), got \[\[{shown}, -inf\]\]$"):
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
