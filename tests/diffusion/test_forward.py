"""edl.diffusion.forward: the chain, the kernel, schedules, marginals, entropies, the VDM encoder."""

import math

import numpy as np
import pytest
import torch

from edl.diffusion import forward as fw


def test_forward_and_backward_factorisations_agree():
    p0 = torch.tensor([0.5, 0.3, 0.2], dtype=torch.float64)
    K = torch.tensor([[[0.6, 0.3, 0.1], [0.2, 0.5, 0.3], [0.1, 0.2, 0.7]]] * 2, dtype=torch.float64)
    joint = fw.markov_joint(p0, K)
    marg, rev = fw.markov_reverse(p0, K)
    back = marg[2][None, None, :] * rev[1].T[None] * rev[0].T[:, :, None]
    assert torch.allclose(joint, back, atol=1e-15) and abs(float(joint.sum()) - 1) < 1e-15


def test_variance_is_preserved_only_with_the_square_root():
    betas = fw.linear_schedule(1000)
    assert torch.allclose(fw.forward_variance(betas, 1.0), torch.ones(1001, dtype=torch.float64), atol=1e-12)
    v = 1.0
    for b in betas.tolist():
        v = (1 - b) ** 2 * v + b
    assert abs(v - 0.505) < 1e-3  # the (1 - β) typo


def test_schedules():
    assert abs(float(fw.alpha_bar(fw.linear_schedule(1000))[-1]) - 4.0358e-5) < 1e-8
    b = fw.cosine_schedule(100)
    assert b.shape == (100,) and float(b.max()) <= 0.999 and bool((b > 0).all())
    lam = fw.log_snr(fw.linear_schedule(100))
    assert bool((lam[1:] < lam[:-1]).all())


def test_marginal_and_jump():
    mean, var = fw.marginal(torch.tensor([2.0, -1.0]), 0.36)
    assert torch.allclose(mean, torch.tensor([1.2, -0.6])) and torch.allclose(var, torch.full((2,), 0.64))
    assert float(fw.sample_marginal(2.0, 0.36, 0.5)) == pytest.approx(1.2 + 0.8 * 0.5)


def test_device_and_dtype_follow_the_input():
    x = torch.zeros(4, dtype=torch.float32)
    assert fw.forward_step(x, 0.1, torch.ones(4, dtype=torch.float32)).dtype == torch.float32
    out = fw.simulate_chain(x, [0.1, 0.2], torch.Generator().manual_seed(0))
    assert out.dtype == torch.float32 and out.shape == (3, 4)


def test_entropy_identity_and_vdm_density():
    H = fw.gaussian_chain_entropies(0.25, fw.linear_schedule(50))
    assert torch.allclose(H["forward"] - H["reverse"], H["H_t"] - H["H_prev"], atol=1e-12)
    lq = fw.vdm_log_q(torch.zeros(2, 1), torch.zeros(1), [0.5, 0.5])
    assert float(lq) == pytest.approx(2 * (-0.5 * math.log(2 * math.pi * 0.5)))


@pytest.mark.parametrize("call, match", [
    (lambda: fw.forward_step([1.0], 1.5, [0.0]), "beta"),
    (lambda: fw.forward_step([1.0, 2.0], 0.1, [0.0]), "x_prev and noise"),
    (lambda: fw.forward_step([float("nan")], 0.1, [0.0]), "x_prev"),
    (lambda: fw.forward_step([float("inf")], 0.1, [0.0]), "x_prev"),
    (lambda: fw.linear_schedule(0), "T"),
    (lambda: fw.linear_schedule(10, 0.0, 0.02), "beta_1"),
    (lambda: fw.cosine_schedule(2.5), "T"),
    (lambda: fw.alpha_bar([[0.1]]), "betas"),
    (lambda: fw.alpha_bar([]), "betas"),
    (lambda: fw.alpha_bar([0.1, 1.2]), "betas"),
    (lambda: fw.marginal([1.0], 1.5), "abar"),
    (lambda: fw.markov_joint([0.5, 0.6], [[[1.0, 0.0], [0.0, 1.0]]]), "p0"),
    (lambda: fw.markov_joint([0.5, 0.5], [[1.0, 0.0], [0.0, 1.0]]), "kernels"),
    (lambda: fw.simulate_chain([0.0], [0.1], "seed"), "generator"),
    (lambda: fw.vdm_log_q([[0.0]], [0.0], [0.5, 0.5]), "xs"),
    (lambda: fw.forward_variance([0.1], -1.0), "v0"),
    (lambda: fw.forward_step("a", 0.1, [0.0]), "x_prev"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
