"""Each registered check of chapter 5 fails on a plausible wrong version of its formula (the checks covered by an
erratum are shown failing in the errata tests of the ledger)."""

import numpy as np
import pytest
import torch

from edl.recurrent import ctc, elman, gates, lru, sequences, stacked
from edl.recurrent.checks import elman as c_el
from edl.recurrent.checks import gates as c_ga
from edl.recurrent.checks import gradients as c_gr
from edl.recurrent.checks import lru as c_lru
from edl.recurrent.checks import sequences as c_sq


def _skip_last(step, x, z0):
    return elman.unroll(step, x[:-1], z0)


def _no_recurrent_term(x, U, V, W, delta, output="tanh"):
    return elman.bptt_state_grads(x, 0 * U, V, W, delta, output)


def _lstm_swapped(x, W_ih, W_hh, b_ih, b_hh):
    perm = torch.cat([torch.arange(5, 10), torch.arange(0, 5), torch.arange(10, 20)])
    return gates.lstm_forward(x, W_ih[perm], W_hh[perm], b_ih[perm], b_hh[perm])


def _scan_shifted(lam, u):
    out = lru.sequential_scan(lam, u)
    return torch.cat([out[:1], out[:-1]])


def _delete_then_merge(path, blank=0):
    kept = [s for s in path if s != blank]
    return tuple(s for i, s in enumerate(kept) if i == 0 or s != kept[i - 1])


WRONG = {
    "state-evolution": (c_el.check_state_evolution, dict(run=_skip_last)),
    "elman forward": (c_el.check_elman, dict(forward=lambda x, U, V, b: elman.elman_forward(x, U, V, 0 * b))),
    "elman count": (c_el.check_elman, dict(count=lambda n, m, q: m * m + m * n + 2 * m + q * m + q)),
    "bptt-state-grads": (c_el.check_bptt_state_grads, dict(state_grads=_no_recurrent_term)),
    "bptt-general": (c_el.check_bptt_general, dict(paths=lambda x, U, V, th, c: 1.01 * elman.bptt_path_contributions(x, U, V, th, c))),
    "lstm": (c_ga.check_lstm, dict(forward=_lstm_swapped)),
    "gated-identity-path": (c_ga.check_gated_identity_path, dict(gain=lambda f: torch.cumprod(f, 0) * f)),
    "forget memory": (c_ga.check_lstm_forget_bias, dict(memory=lambda b, T: gates.forget_memory(b, T + 1)[1:])),
    "forget half-life": (c_ga.check_lstm_forget_bias, dict(half_life=lambda b: 2 * gates.memory_half_life(b))),
    "gru": (c_ga.check_gru, dict(forward=lambda x, *p, reset="after": gates.gru_forward(x, *p, reset="before" if reset == "after" else "after"))),
    "deep": (c_ga.check_deep, dict(forward=lambda x, Wi, Wh, b: stacked.deep_rnn_forward(x, Wi[:1], Wh[:1], b[:1]))),
    "bidirectional": (c_ga.check_bidirectional, dict(forward=lambda x, *p: torch.cat(
        [stacked.bidirectional_forward(x, *p)[..., :4], stacked.bidirectional_forward(x, *p).flip(0)[..., 4:]], -1))),
    "clipping": (c_gr.check_gradient_clipping, dict(clip=lambda g, t: g / torch.linalg.vector_norm(g) * t)),
    "lru-linear": (c_lru.check_lru_linear, dict(run=lambda A, B, x: lru.linear_recurrence(A.T, B, x))),
    "lru-diagonalization": (c_lru.check_lru_diagonalization, dict(run=lambda lam, C, x: lru.diagonal_recurrence(lam.conj(), C, x))),
    "lru-stability bound": (c_lru.check_lru_stability, dict(bound=lambda A, B, x: 0.5 * lru.state_bound(A, B, x))),
    "lru-exp-param": (c_lru.check_lru_exp_param, dict(param=lambda nu, phi: torch.polar(torch.exp(-nu.abs()), phi))),
    "lru-ring-init": (c_lru.check_lru_ring_init, dict(sampler=lambda m, a, b, g: torch.polar(
        a + (b - a) * torch.rand(m, generator=g, dtype=torch.float64), 6.283185307 * torch.rand(m, generator=g, dtype=torch.float64)))),
    "lru-parallel-scan": (c_lru.check_lru_parallel_scan, dict(scan=_scan_shifted)),
    "scan combine": (c_lru.check_lru_parallel_scan, dict(combine=lambda a1, b1, a2, b2: (a2 + a1, a2 * b1 + b2))),
    "lru-universality": (c_lru.check_lru_universality, dict(recover=lambda lam, z: lru.recover_history(lam, z).flip(0))),
    "ctc": (c_sq.check_ctc, dict(collapse=_delete_then_merge)),
    "markov": (c_sq.check_markov, dict(marginals=lambda pi, P, T: sequences.markov_marginals(pi, P.T / P.T.sum(1, keepdim=True), T))),
    "latent-ar": (c_sq.check_latent_ar, dict(predict=lambda x, a, q, c, r, m0, p0: sequences.kalman_predictive(x, a, q, c, 2 * r, m0, p0))),
    "seq2seq": (c_sq.check_seq2seq, dict(likelihood=lambda p, causal=False: sequences.seq2seq_likelihood(p, causal=True))),
    "teacher-forcing": (c_sq.check_teacher_forcing, dict(rollouts=lambda a, y: (sequences.ar1_rollouts(a, y)[0],) * 2)),
    "time-series-moments": (c_sq.check_time_series_moments, dict(moments=lambda x: (
        sequences.empirical_moments(x)[0], sequences.empirical_moments(x)[1] * len(x) / (len(x) - 1)))),
}


@pytest.mark.parametrize("name", sorted(WRONG))
def test_check_fails_on_a_wrong_version(name):
    check, kwargs = WRONG[name]
    assert check().passed, f"{name}: the check fails on the right version"
    result = check(**kwargs)
    assert not result.passed, f"{name}: the check passes on a wrong version: {result.detail}"


def test_ctc_alignment_count_is_pinned():
    assert [ctc.ctc_alignment_count(T, U) for T, U in ((5, 2), (6, 3), (1, 0), (3, 1))] == [35, 84, 1, 6]


def test_errata_checks_fail_with_readable_details():
    for run in (c_el.seed_bptt_off_by_one, c_el.seed_one_copy, c_gr.seed_self_bound, c_gr.seed_output_nonlinearity,
                c_gr.seed_bound_to_infinity, c_ga.seed_circular_reset, c_ga.seed_square_first_layer, c_lru.seed_closed_disc,
                c_sq.seed_no_product, c_sq.seed_fvsbn_includes_self, c_sq.seed_unmasked_later_layers, c_sq.seed_target_leakage):
        result = run()
        assert not result.passed and "check raised" not in result.detail, run.__name__
    assert np.isfinite(c_sq.check_rnn_lm().max_error)
