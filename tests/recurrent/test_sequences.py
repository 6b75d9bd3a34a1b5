"""Tests of edl.recurrent.ctc, edl.recurrent.sequences and edl.recurrent.autoregressive."""

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from edl.recurrent import autoregressive as ar
from edl.recurrent import ctc
from edl.recurrent import sequences as sq

F64 = torch.float64


# --- CTC ----------------------------------------------------------------------------------------------

def test_collapse_merges_then_deletes():
    assert ctc.ctc_collapse([1, 1, 0, 1]) == (1, 1)
    assert ctc.ctc_collapse([1, 1, 1]) == (1,)
    assert ctc.ctc_collapse([0, 0]) == ()
    assert ctc.ctc_collapse([2, 2, 1], blank=2) == (1,)
    assert ctc.ctc_collapse([1.0, 2.0]) == (1, 2)
    with pytest.raises(ValueError, match="path"):
        ctc.ctc_collapse([])


def test_alignment_counts():
    for T, U in ((3, 1), (4, 2), (5, 2), (6, 3), (4, 0)):
        assert len(ctc.ctc_alignments(T, list(range(1, U + 1)), max(U + 1, 2))) == ctc.ctc_alignment_count(T, U) == math.comb(T + U, 2 * U)
    assert ctc.ctc_alignments(2, [1, 1], 2) == []                        # a repeat needs a blank between: T ≥ 3
    assert ctc.ctc_alignments(3, [1, 1], 2) == [(1, 0, 1)]
    with pytest.raises(ValueError, match="label"):
        ctc.ctc_alignments(3, [0], 2)
    with pytest.raises(ValueError, match="num_symbols"):
        ctc.ctc_alignments(20, [1], 3)
    with pytest.raises(ValueError, match="blank"):
        ctc.ctc_alignments(3, [1], 2, blank=2)


@pytest.mark.parametrize("label, T", [([1, 2], 5), ([1, 1], 5), ([2], 4), ([1, 2, 1], 6), ([1, 1, 1], 5)])
def test_ctc_probability_and_loss_match_torch(label, T):
    lp = torch.log_softmax(torch.tensor(np.random.default_rng(T + len(label)).normal(size=(T, 3))), -1)
    want = float(F.ctc_loss(lp[:, None], torch.tensor([label]), torch.tensor([T]), torch.tensor([len(label)]), reduction="sum"))
    assert ctc.ctc_loss(lp, label) == pytest.approx(want, abs=1e-12)
    assert -math.log(ctc.ctc_probability(lp, label)) == pytest.approx(want, abs=1e-12)


def test_ctc_edge_cases():
    lp = torch.log(torch.full((2, 2), 0.5, dtype=F64))
    assert ctc.ctc_probability(lp, []) == pytest.approx(0.25)
    assert ctc.ctc_loss(lp, []) == pytest.approx(math.log(4))
    assert ctc.ctc_probability(lp, [1, 1]) == 0.0 and ctc.ctc_loss(lp, [1, 1]) == math.inf
    with pytest.raises(ValueError, match="log_probs"):
        ctc.ctc_loss(torch.zeros(2, 2, dtype=F64), [1])
    lp3 = torch.log(torch.tensor([[0.2, 0.8], [0.6, 0.4]], dtype=F64))
    assert ctc.ctc_probability(lp3, [1]) == pytest.approx(0.2 * 0.4 + 0.8 * 0.6 + 0.8 * 0.4)
    assert ctc.ctc_loss(lp3, [0], blank=1) == pytest.approx(-math.log(0.2 * 0.4 + 0.2 * 0.6 + 0.8 * 0.6))


# --- the chain rule, Markov chains, latent state ---------------------------------------------------------

def test_chain_rule_round_trip_and_zero_prefix():
    p = torch.tensor(np.random.default_rng(0).dirichlet(np.ones(27)).reshape(3, 3, 3))
    conds = sq.chain_rule_conditionals(p)
    assert [c.shape for c in conds] == [(3,), (3, 3), (3, 3, 3)]
    torch.testing.assert_close(sq.chain_rule_joint(conds), p, atol=1e-15, rtol=0)
    torch.testing.assert_close(conds[0], p.sum((1, 2)), atol=1e-15, rtol=0)
    zero = sq.chain_rule_conditionals([[0.0, 0.0], [0.3, 0.7]])
    assert zero[1].tolist() == [[0.5, 0.5], [0.3, 0.7]]
    with pytest.raises(ValueError, match="joint"):
        sq.chain_rule_conditionals([[0.5, 0.6], [0.0, 0.0]])
    with pytest.raises(ValueError, match="joint"):
        sq.chain_rule_conditionals(torch.full((2, 3), 1 / 6))


def test_ancestral_sample_frequencies():
    conds = [torch.tensor([0.25, 0.75], dtype=F64), torch.tensor([[1.0, 0.0], [0.2, 0.8]], dtype=F64)]
    s = sq.ancestral_sample(conds, 20_000, torch.Generator().manual_seed(1))
    freq = torch.bincount(s[:, 0] * 2 + s[:, 1], minlength=4).double() / 20_000
    torch.testing.assert_close(freq, torch.tensor([0.25, 0.0, 0.15, 0.6], dtype=F64), atol=0.015, rtol=0)
    with pytest.raises(ValueError, match="generator"):
        sq.ancestral_sample(conds, 2, None)


def test_markov():
    pi0, P = [0.2, 0.8], [[0.9, 0.1], [0.3, 0.7]]
    m = sq.markov_marginals(pi0, P, 4)
    assert m[1].tolist() == pytest.approx([0.42, 0.58])
    assert m.shape == (4, 2) and m.sum(1).tolist() == pytest.approx([1.0] * 4)
    assert sq.markov_sequence_prob([1, 0, 0], pi0, P) == pytest.approx(0.8 * 0.3 * 0.9)
    assert sq.markov_sequence_prob([0], pi0, P) == pytest.approx(0.2)
    with pytest.raises(ValueError, match="seq"):
        sq.markov_sequence_prob([0, 2], pi0, P)
    with pytest.raises(ValueError, match="P"):
        sq.markov_marginals(pi0, [[0.5, 0.6], [0.5, 0.5]], 2)


def test_kalman_one_step_by_hand():
    m, v = sq.kalman_predictive([2.0, 0.0, 1.0], a=0.5, q=0.1, c=2.0, r=0.5, m0=1.0, p0=0.4)
    assert float(m[0]) == pytest.approx(2.0) and float(v[0]) == pytest.approx(4 * 0.4 + 0.5)
    gain = 0.4 * 2 / 2.1
    mean1, var1 = 1.0 + gain * (2.0 - 2.0), (1 - gain * 2) * 0.4
    assert float(m[1]) == pytest.approx(2 * 0.5 * mean1) and float(v[1]) == pytest.approx(4 * (0.25 * var1 + 0.1) + 0.5)


def test_seq2seq_and_teacher_forcing():
    p = torch.tensor(np.random.default_rng(2).dirichlet(np.ones(16)).reshape(2, 2, 2, 2))
    exact = sq.seq2seq_likelihood(p)
    torch.testing.assert_close(exact, p / p.sum((2, 3), keepdim=True), atol=1e-15, rtol=0)
    causal = sq.seq2seq_likelihood(p, causal=True)
    torch.testing.assert_close(causal.sum((2, 3)), torch.ones(2, 2, dtype=F64), atol=1e-15, rtol=0)
    assert float((causal - exact).abs().max()) > 0.01
    teacher, free = sq.ar1_rollouts(2.0, [1.0, 3.0, -1.0])
    assert teacher.tolist() == [2.0, 6.0] and free.tolist() == [2.0, 4.0]
    with pytest.raises(ValueError, match="y"):
        sq.ar1_rollouts(1.0, [1.0])


def test_encoder_decoder_shapes_and_seed():
    a, b = sq.EncoderDecoder(2, 3, 2, seed=1), sq.EncoderDecoder(2, 3, 2, seed=1)
    x = torch.randn(5, 4, 2, generator=torch.Generator().manual_seed(0))
    y = a(x, steps=3)
    assert y.shape == (3, 4, 2)
    torch.testing.assert_close(y, b(x, steps=3))
    assert not torch.equal(y, sq.EncoderDecoder(2, 3, 2, seed=2)(x, steps=3))
    with pytest.raises(ValueError, match="steps"):
        a(x, steps=0)


def test_empirical_moments():
    x = torch.tensor([[1.0, 2.0], [3.0, 0.0], [5.0, 1.0]], dtype=F64)
    mu, S = sq.empirical_moments(x)
    assert mu.tolist() == [3.0, 1.0]
    torch.testing.assert_close(S, torch.tensor(np.cov(x.numpy().T, bias=True)), atol=1e-15, rtol=0)
    assert S[0, 1].item() == pytest.approx(-2.0 / 3)


# --- autoregressive models ----------------------------------------------------------------------------------

ALL = torch.tensor(list(itertools.product((0.0, 1.0), repeat=4)), dtype=F64)


def test_fvsbn_and_nade_are_normalised_and_causal():
    rng = np.random.default_rng(3)
    A, c = torch.tensor(rng.normal(size=(4, 4)) * 2), torch.tensor(rng.normal(size=4))
    p = ar.fvsbn_conditionals(ALL, A, c)
    assert float(ar.bernoulli_log_likelihood(ALL, p).exp().sum()) == pytest.approx(1.0, abs=1e-14)
    assert float(p[0, 0]) == pytest.approx(1 / (1 + math.exp(-float(c[0]))), abs=1e-15)
    x = torch.tensor([[1.0, 1.0, 0.0, 1.0]], dtype=F64)
    want = 1 / (1 + math.exp(-(float(A[3, 0]) + float(A[3, 1]) + float(c[3]))))
    assert float(ar.fvsbn_conditionals(x, A, c)[0, 3]) == pytest.approx(want, abs=1e-15)
    W, cn, V, b = (torch.tensor(rng.normal(size=s)) for s in ((3, 4), (3,), (4, 3), (4,)))
    q = ar.nade_conditionals(ALL, W, cn, V, b)
    assert float(ar.bernoulli_log_likelihood(ALL, q).exp().sum()) == pytest.approx(1.0, abs=1e-14)
    h2 = torch.sigmoid(W[:, 0] * 1 + W[:, 1] * 1 + cn)
    assert float(ar.nade_conditionals(x, W, cn, V, b)[0, 2]) == pytest.approx(float(torch.sigmoid(V[2] @ h2 + b[2])), abs=1e-15)
    with pytest.raises(ValueError, match="x"):
        ar.fvsbn_conditionals([[0.5, 1.0]], [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0])


def test_bernoulli_log_likelihood_values():
    out = ar.bernoulli_log_likelihood([[1.0, 0.0], [0.0, 0.0]], [[0.2, 0.3], [0.2, 0.3]])
    assert out.tolist() == pytest.approx([math.log(0.2 * 0.7), math.log(0.8 * 0.7)])
    assert ar.bernoulli_log_likelihood([[1.0]], [[1.0]]).tolist() == [0.0]


def test_made_masks_and_causal_convolutions():
    M1, M2 = ar.made_masks(4, [1, 2, 3, 1])
    assert M1.tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 0], [1, 0, 0, 0]]
    assert (M2 @ M1).triu().abs().sum() == 0 and (M2 @ M1)[3, :3].min() > 0
    with pytest.raises(ValueError, match="degrees"):
        ar.made_masks(3, [3])
    assert ar.causal_mask(5, "A").tolist() == [1.0, 1.0, 0.0, 0.0, 0.0]
    assert ar.causal_mask(5, "B").tolist() == [1.0, 1.0, 1.0, 0.0, 0.0]
    assert ar.causal_mask(1, "B").tolist() == [1.0] and ar.causal_mask(1, "A").tolist() == [0.0]
    with pytest.raises(ValueError, match="k"):
        ar.causal_mask(4, "A")
    y = ar.masked_conv1d([[1.0, 2.0, 3.0, 4.0]], [10.0, 100.0, 1000.0], "B")
    assert y.tolist() == [[100.0, 210.0, 320.0, 430.0]]


def test_rnn_lm_normalisation_and_value():
    rng = np.random.default_rng(4)
    W_xh, W_hh, W_hy = (torch.tensor(rng.normal(size=s)) for s in ((3, 2), (3, 3), (2, 3)))
    total = sum(math.exp(ar.rnn_lm_log_prob(list(s), W_xh, W_hh, W_hy)) for s in itertools.product(range(2), repeat=4))
    assert total == pytest.approx(1.0, abs=1e-13)
    h1 = torch.tanh(W_xh[:, 1])
    want = math.log(0.5) + float(torch.log_softmax(W_hy @ h1, 0)[0])
    assert ar.rnn_lm_log_prob([1, 0], W_xh, W_hh, W_hy) == pytest.approx(want, abs=1e-14)
    with pytest.raises(ValueError, match="tokens"):
        ar.rnn_lm_log_prob([2], W_xh, W_hh, W_hy)


def test_causal_factorisation_by_hand():
    p = np.random.default_rng(5).dirichlet(np.ones(16)).reshape(2, 2, 2, 2)
    got = sq.seq2seq_likelihood(torch.tensor(p), causal=True).numpy()
    p_y1_x1 = p.sum(axis=(1, 3)) / p.sum(axis=(1, 2, 3))[:, None]          # p(y1 | x1)
    p_y2 = p / p.sum(axis=3, keepdims=True)                                 # p(y2 | x1, x2, y1)
    want = p_y1_x1[:, None, :, None] * p_y2
    np.testing.assert_allclose(got, want, atol=1e-15)
