"""edl.diffusion.sampling: the ring, MMD, ancestral sampling with the optimal denoiser, a brief DDPM."""

import pytest
import torch

from edl.diffusion import forward as fw
from edl.diffusion import sampling as sa


def test_mmd_is_zero_on_identical_samples_and_large_on_different_ones():
    x = torch.randn(200, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    assert abs(float(sa.mmd2(x, x))) < 1e-12
    assert float(sa.mmd2(x, x + 3)) > 0.1


def test_batched_sampler_equals_a_loop_over_samples():
    """Row by row with the same noise: the batched sampler is a per-sample loop done at once."""
    betas = fw.linear_schedule(30, 1e-3, 0.2)
    eps = sa.optimal_eps_mixture(sa.ring_means(), 0.01, betas)
    xT = torch.randn(5, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64)

    batched = sa.ancestral_sample(eps, betas, xT, torch.Generator().manual_seed(2), trajectory=True)
    assert batched.shape == (31, 5, 2)
    # noise-free check: with variance "tilde" and T = 1 there is no noise at all
    one = fw.linear_schedule(1, 0.3, 0.3)
    eps1 = sa.optimal_eps_mixture(sa.ring_means(), 0.01, one)
    b = sa.ancestral_sample(eps1, one, xT, torch.Generator())
    loop = torch.cat([sa.ancestral_sample(eps1, one, xT[i:i + 1], torch.Generator()) for i in range(5)])
    assert torch.allclose(b, loop, atol=1e-14)


def test_conditional_samples_go_to_their_mode():
    betas = fw.linear_schedule(100, 1e-4, 0.15)
    means = sa.ring_means()
    eps = sa.optimal_eps_mixture(means[2:3], 0.01, betas)
    g = torch.Generator().manual_seed(3)
    x = sa.ancestral_sample(eps, betas, torch.randn(300, 2, generator=g, dtype=torch.float64), g)
    assert float((sa.nearest_mode(x, means) == 2).double().mean()) > 0.99


def test_a_brief_ddpm_lowers_its_loss():
    g = torch.Generator().manual_seed(4)
    data, _ = sa.ring_data(500, g)
    model, losses = sa.train_ddpm(data, fw.linear_schedule(50, 1e-4, 0.3), 150, g, batch=128, width=32, warmup=10)
    assert float(losses[-30:].mean()) < float(losses[:30].mean())
    assert isinstance(model, sa.EpsMLP)


@pytest.mark.parametrize("call, match", [
    (lambda: sa.ring_means(0), "k"),
    (lambda: sa.ring_data(0, torch.Generator()), "n"),
    (lambda: sa.ring_data(5, torch.Generator(), sigma=-1.0), "sigma"),
    (lambda: sa.mmd2([[0.0]], [[0.0, 1.0]]), "columns"),
    (lambda: sa.mmd2([[0.0]], [[0.0]], 0.0), "bandwidth"),
    (lambda: sa.ancestral_sample(lambda x, t: x, [0.1], [[0.0]], torch.Generator(), variance="x"), "variance"),
    (lambda: sa.ancestral_sample(lambda x, t: x, [0.1], [0.0], torch.Generator()), "xT"),
    (lambda: sa.time_embedding(torch.tensor([1]), 10, 3), "dim"),
    (lambda: sa.train_ddpm([[0.0, 0.0]], [0.1], 0, torch.Generator()), "steps"),
    (lambda: sa.optimal_eps_mixture([[0.0]], -1.0, [0.1]), "sigma2"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()
