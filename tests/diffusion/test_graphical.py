"""edl.diffusion.graphical: autoregressive, energy-based and graphical models on enumerable examples."""

import math

import pytest
import torch

from edl.diffusion import graphical as gr


def test_fvsbn_is_normalised_and_ignores_the_diagonal():
    A = torch.randn(3, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    c = torch.zeros(3, dtype=torch.float64)
    p = gr.fvsbn_log_prob(gr.all_states(3), A, c).exp()
    assert abs(float(p.sum()) - 1) < 1e-12
    assert torch.allclose(p, gr.fvsbn_log_prob(gr.all_states(3), A + 5 * torch.eye(3, dtype=torch.float64), c).exp())


def test_rbm_free_energy_normalises_the_marginal():
    W = torch.tensor([[0.5, -1.0], [1.0, 0.3]], dtype=torch.float64)
    a, b = torch.tensor([0.1, -0.1], dtype=torch.float64), torch.tensor([0.2, 0.0], dtype=torch.float64)
    vs, hs = gr.all_states(2), gr.all_states(2)
    joint = torch.stack([torch.stack([-gr.rbm_energy(v[None], h[None], W, a, b)[0] for h in hs]) for v in vs]).exp()
    marg = joint.sum(1) / joint.sum()
    assert torch.allclose(torch.softmax(-gr.rbm_free_energy(vs, W, a, b), 0), marg, atol=1e-14)


def test_bn_and_mrf_sum_to_one():
    p = gr.bn_log_joint(gr.all_states(3), [[], [0], [0, 1]], [[0.3], [0.2, 0.6], [0.1, 0.5, 0.5, 0.9]]).exp()
    assert abs(float(p.sum()) - 1) < 1e-12
    q = gr.mrf_joint([[[1.0, 2.0], [2.0, 1.0]]] * 2, [(0, 1), (1, 2)], 3)
    assert abs(float(q.sum()) - 1) < 1e-12


def test_maxent_matches_its_constraints():
    feats = gr.all_states(2)
    w, p = gr.maxent_fit(feats, [0.3, 0.8])
    assert torch.allclose(p @ feats, torch.tensor([0.3, 0.8], dtype=torch.float64), atol=1e-10)


def test_hyvarinen_objective_is_minimised_at_the_data_moments():
    x = torch.tensor([[0.0], [1.0], [2.0]], dtype=torch.float64)
    best = float(gr.hyvarinen_objective(x, lambda z: ((z - 1.0) ** 2).sum(-1) / (2 * 2 / 3)).detach())
    worse = float(gr.hyvarinen_objective(x, lambda z: ((z - 1.2) ** 2).sum(-1) / (2 * 2 / 3)).detach())
    assert best < worse


@pytest.mark.parametrize("call, match", [
    (lambda: gr.all_states(0), "d"),
    (lambda: gr.fvsbn_conditionals([[0.5, 1.0]], [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0]), "x must hold 0/1"),
    (lambda: gr.fvsbn_conditionals([[0.0, 1.0]], [[0.0]], [0.0, 0.0]), "A must be"),
    (lambda: gr.ar_log_prob([[0.0]], "not callable"), "conditional"),
    (lambda: gr.rbm_hidden_probs([[1.0, 0.0]], [[1.0, 0.0]], [0.0, 0.0]), "a must have shape"),
    (lambda: gr.rbm_loglik_gradient([[1.0]], [[0.0]], [0.0], [0.0], [[0.0], [1.0]], [0.7, 0.7]), "model_weights"),
    (lambda: gr.sbn_sample(3, [0.0], [[1.0, 2.0]], [0.0], torch.Generator()), "W must have shape"),
    (lambda: gr.bn_log_joint([[0.0, 1.0]], [[], [1]], [[0.5], [0.2, 0.3]]), "parents"),
    (lambda: gr.bn_log_joint([[0.0, 1.0]], [[], [0]], [[0.5], [0.2, 1.3]]), "cpts"),
    (lambda: gr.mrf_joint([[[1.0, 1.0], [1.0, -1.0]]], [(0, 1)], 2), "potentials"),
    (lambda: gr.mrf_joint([[[1.0, 1.0], [1.0, 1.0]]], [(0, 0)], 2), "edges"),
    (lambda: gr.maxent_fit([[0.0], [1.0]], [0.5, 0.5]), "targets"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
