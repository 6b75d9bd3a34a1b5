"""The documented defaults of chapter 5's functions: a call without the keyword equals the call with it."""

import numpy as np
import pytest
import torch

from edl.recurrent import ctc, elman, gates, gradients, sequences

F64 = torch.float64
RNG = np.random.default_rng(9)
X, U, V, Z0 = (torch.tensor(RNG.normal(size=s)) for s in ((4, 2), (3, 3), (3, 2), (3,)))


def test_state_nonlinearity_defaults_to_tanh():
    torch.testing.assert_close(gradients.state_jacobians(X, U, V, Z0), gradients.state_jacobians(X, U, V, Z0, "tanh"))
    torch.testing.assert_close(gradients.jacobian_norms(X, U, V, Z0), gradients.jacobian_norms(X, U, V, Z0, "tanh"))
    assert gradients.feedforward_bound([[[2.0]]]) == gradients.feedforward_bound([[[2.0]]], "tanh") == 2.0
    assert gradients.vanishing_bound(0.5, 2).tolist() == [1.0, 0.5, 0.25]


def test_spectral_norm_default_iterations_converge():
    A = torch.tensor(RNG.normal(size=(5, 5)))
    assert gradients.spectral_norm(A) == pytest.approx(float(torch.linalg.matrix_norm(A, 2)), rel=1e-10)


def test_output_and_reset_defaults():
    W, d = torch.tensor(RNG.normal(size=(2, 3))), torch.tensor(RNG.normal(size=(4, 2)))
    torch.testing.assert_close(elman.bptt_state_grads(X, U, V, W, d), elman.bptt_state_grads(X, U, V, W, d, "tanh"))
    x = torch.tensor(RNG.normal(size=(3, 1, 2)))
    p = [torch.tensor(RNG.normal(size=s)) for s in ((6, 2), (6, 2), (6,), (6,))]
    torch.testing.assert_close(gates.gru_forward(x, *p), gates.gru_forward(x, *p, reset="after"))


def test_blank_and_causal_defaults():
    lp = torch.log_softmax(torch.tensor(RNG.normal(size=(4, 3))), -1)
    assert ctc.ctc_loss(lp, [1, 2]) == ctc.ctc_loss(lp, [1, 2], blank=0)
    assert ctc.ctc_probability(lp, [2]) == ctc.ctc_probability(lp, [2], blank=0)
    assert ctc.ctc_alignments(3, [1], 2) == ctc.ctc_alignments(3, [1], 2, blank=0)
    assert ctc.ctc_collapse([0, 1, 1]) == ctc.ctc_collapse([0, 1, 1], blank=0) == (1,)
    p = torch.tensor(RNG.dirichlet(np.ones(16)).reshape(2, 2, 2, 2))
    torch.testing.assert_close(sequences.seq2seq_likelihood(p), sequences.seq2seq_likelihood(p, causal=False))


def test_model_seed_defaults():
    x = torch.zeros(3, 1, 2, dtype=F64)
    a, b = sequences.EncoderDecoder(2, 3, 2).double(), sequences.EncoderDecoder(2, 3, 2, seed=0).double()
    torch.testing.assert_close(a(x, steps=2), b(x, steps=2))
