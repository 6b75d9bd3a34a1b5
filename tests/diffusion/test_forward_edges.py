"""edl.diffusion.forward, edges: dtype rules, defaults, boundaries, shapes and small cases worked by hand."""

import math
import re

import pytest
import torch

from edl.diffusion import forward as fw

F32, F64 = torch.float32, torch.float64


def test_array_like_arguments_take_the_dtype_of_the_first_tensor():
    """Lists beside a float32 tensor become float32, so the result stays float32 (float64 lists would promote it)."""
    p32 = torch.tensor([0.5, 0.5], dtype=F32)
    assert fw.markov_joint(p32, [[[0.9, 0.1], [0.2, 0.8]]]).dtype == F32
    marg, rev = fw.markov_reverse(p32, [[[0.9, 0.1], [0.2, 0.8]]])
    assert marg.dtype == rev.dtype == F32
    x = torch.tensor([1.0, -0.5], dtype=F32)
    assert fw.forward_step(x, [0.1, 0.2], torch.zeros(2, dtype=F32)).dtype == F32
    assert fw.forward_step(x, 0.1, [0.3, 0.4]).dtype == F32
    assert fw.forward_variance(torch.tensor([0.1, 0.2], dtype=F32), 1.0).dtype == F32
    assert fw.sample_marginal(x, 0.25, [1.0, 0.5]).dtype == F32
    xs = torch.zeros(2, 1, dtype=F32)
    assert fw.vdm_log_q(xs, [0.0], [0.5, 0.5]).dtype == F32
    assert fw.vdm_log_q(xs, torch.zeros(1, dtype=F32), [0.5, 0.5]).dtype == F32
    # a 0-dim float32 start: the betas must be cast, or the 0-dim float64 coefficients would promote it
    assert fw.simulate_chain(torch.tensor(0.5, dtype=F32), [0.1, 0.2], torch.Generator().manual_seed(0)).dtype == F32


def test_a_python_v0_is_converted_in_the_dtype_of_the_betas():
    """v0 = 1e300 overflows float32: refused as not finite with float32 betas, accepted with float64 ones."""
    with pytest.raises(ValueError, match=r"^v0 must be finite"):
        fw.forward_variance(torch.tensor([0.1], dtype=F32), 1e300)
    assert math.isfinite(float(fw.forward_variance([0.1], 1e300)[0]))


def test_markov_joint_of_two_steps_by_enumeration():
    """p(x0, x1, x2) = p0(x0) K1[x0, x1] K2[x1, x2], every entry enumerated (two different kernels)."""
    p0 = [0.3, 0.7]
    K = [[[0.9, 0.1], [0.2, 0.8]], [[0.6, 0.4], [0.5, 0.5]]]
    joint = fw.markov_joint(p0, K)
    for i in range(2):
        for j in range(2):
            for k in range(2):
                assert float(joint[i, j, k]) == pytest.approx(p0[i] * K[0][i][j] * K[1][j][k], rel=1e-12)


def test_an_unreachable_state_has_no_reverse_kernel():
    with pytest.raises(ValueError, match=r"kernels leave a state unreachable \(marginal \[1\.0, 0\.0\]\)"):
        fw.markov_reverse([1.0, 0.0], [[[1.0, 0.0], [1.0, 0.0]]])


def test_forward_step_by_hand():
    """√(1 − 0.36) · 2 + √0.36 · 0.5 = 1.9."""
    assert float(fw.forward_step(2.0, 0.36, 0.5)) == pytest.approx(1.9, rel=1e-12)


def test_forward_variance_default_is_unit_variance_data():
    betas = [0.1, 0.3, 0.5]
    assert torch.equal(fw.forward_variance(betas), fw.forward_variance(betas, 1.0))
    assert torch.allclose(fw.forward_variance(betas), torch.ones(4, dtype=F64), rtol=1e-12)


def test_cosine_schedule_against_the_closed_form_alpha_bar():
    """Π(1 − β_τ) = f(t)/f(0) for t < T, f(t) = cos²((t/T + s)/(1 + s) · π/2), computed here with math."""
    T, s = 10, 0.008
    f = [math.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2 for t in range(T + 1)]
    abar = fw.alpha_bar(fw.cosine_schedule(T, s))
    for t in range(1, T):
        assert float(abar[t - 1]) == pytest.approx(f[t] / f[0], rel=1e-10)


def test_cosine_schedule_edges():
    """T = 1 is accepted (its only step is capped at max_beta); max_beta = 1 is refused, just below is accepted."""
    assert fw.cosine_schedule(1).tolist() == [0.999]
    with pytest.raises(ValueError, match=r"^T must be"):
        fw.cosine_schedule(0)
    with pytest.raises(ValueError, match=r"^max_beta must lie in \(0\.0, 1\.0\)"):
        fw.cosine_schedule(4, max_beta=1.0)
    assert float(fw.cosine_schedule(4, max_beta=0.9999).max()) <= 0.9999


def test_marginal_broadcasts_and_refuses_shapes_that_do_not():
    mean, var = fw.marginal(torch.tensor([2.0, -1.0, 0.5], dtype=F64), torch.tensor([[0.25], [0.64]], dtype=F64))
    assert mean.shape == var.shape == (2, 3)
    assert var[:, 0].tolist() == pytest.approx([0.75, 0.36], rel=1e-12)
    _, var = fw.marginal(torch.tensor([2.0, -1.0], dtype=F64), 0.36)
    assert var.shape == (2,)
    with pytest.raises(ValueError, match=r"^x0 and abar must broadcast together, got shapes \(2,\) and \(3,\)"):
        fw.marginal([1.0, 2.0], [0.5, 0.5, 0.5])


def test_simulate_chain_one_step_from_zero_is_the_scaled_seeded_draw():
    """From x0 = 0, x1 = √β · z with z the first float64 draw of the generator."""
    xs = fw.simulate_chain(torch.zeros(3, dtype=F64), [0.25], torch.Generator().manual_seed(5))
    z = torch.randn(3, generator=torch.Generator().manual_seed(5), dtype=F64)
    assert torch.equal(xs[0], torch.zeros(3, dtype=F64))
    assert torch.allclose(xs[1], 0.5 * z, rtol=1e-15, atol=0)


def test_gaussian_chain_entropies_absolute_values():
    """Unit-variance data stay unit variance: H(x_t) = ½ log(2πe) ≈ 1.4189385332 at every step."""
    H = fw.gaussian_chain_entropies(1.0, [0.1, 0.2])
    target = 0.5 * math.log(2 * math.pi * math.e)
    assert H["H_t"].tolist() == pytest.approx([target, target], rel=1e-12)
    assert H["H_prev"].tolist() == pytest.approx([target, target], rel=1e-12)
    assert H["forward"].tolist() == pytest.approx([0.5 * math.log(2 * math.pi * math.e * b) for b in (0.1, 0.2)],
                                                  rel=1e-12)


def test_vdm_log_q_batch_equals_single_calls():
    """xs (T=3, B=2, d=4): the batched density equals two single calls, each a sum of scipy-free Gaussian logs."""
    g = torch.Generator().manual_seed(3)
    xs, x0 = torch.randn(3, 2, 4, generator=g, dtype=F64), torch.randn(2, 4, generator=g, dtype=F64)
    alphas = [0.9, 0.7, 0.5]
    batch = fw.vdm_log_q(xs, x0, alphas)
    assert batch.shape == (2,)
    for i in range(2):
        ref, prev = 0.0, x0[i].tolist()
        for t, a in enumerate(alphas):
            for j in range(4):
                r = float(xs[t, i, j]) - math.sqrt(a) * prev[j]
                ref += -0.5 * (r * r / (1 - a) + math.log(2 * math.pi * (1 - a)))
            prev = xs[t, i].tolist()
        assert float(fw.vdm_log_q(xs[:, i], x0[i], alphas)) == pytest.approx(ref, rel=1e-12)
        assert float(batch[i]) == pytest.approx(ref, rel=1e-12)


def test_vdm_log_q_refusals():
    with pytest.raises(ValueError, match=r"^alphas must lie in \(0\.0, 1\.0\)"):
        fw.vdm_log_q([[0.0]], [0.0], [1.0])
    with pytest.raises(ValueError, match=re.escape("xs must have shape (T, *x0.shape) = (2, 1, 3) for the 2 steps")):
        fw.vdm_log_q(torch.zeros(2, 3, 1), torch.zeros(1, 3), [0.5, 0.5])


def test_linear_schedule_edges():
    """T = 1 gives [β_1]; T = 2 gives both ends; β_T = 1 is refused; the dtype asked for is the dtype returned."""
    assert fw.linear_schedule(1, 0.1, 0.3, dtype=F64).tolist() == [0.1]
    assert fw.linear_schedule(1, 0.1, 0.3, dtype=F64).dtype == F64
    assert fw.linear_schedule(2, 0.1, 0.3).tolist() == pytest.approx([0.1, 0.3], rel=1e-15)
    with pytest.raises(ValueError, match=r"^beta_T must lie in \(0\.0, 1\.0\)"):
        fw.linear_schedule(3, 0.1, 1.0)


@pytest.mark.parametrize("betas", [[0.0, 0.5], [0.5, 1.0]])
def test_betas_on_the_closed_boundary_are_refused(betas):
    with pytest.raises(ValueError, match=r"^betas must lie in \(0, 1\), got \["):
        fw.alpha_bar(betas)


def test_betas_message_lists_up_to_19_entries():
    """Fewer than 20 betas are listed in full; 20 or more are shown as the tensor."""
    with pytest.raises(ValueError, match=r"got \[0\.5, "):
        fw.alpha_bar([0.5] * 18 + [1.5])
    with pytest.raises(ValueError, match=r"got tensor\("):
        fw.alpha_bar([0.5] * 19 + [1.5])
