"""edl.diffusion.sampling: the time embedding, EpsMLP and train_ddpm at their edges, against independent routes."""

import math

import pytest
import torch
from torch import nn

from edl.diffusion import sampling as sa

DATA = torch.tensor([[2.0, 0.0], [0.0, 2.0], [-2.0, 0.0], [0.1, -1.9]], dtype=torch.float64)
BETAS = [0.1, 0.2, 0.3]


def _by_hand(t, T, dim):
    """(sin(w_j t/T), cos(w_j t/T)) with w_j = 1000^(j/(dim/2)), in float64."""
    freqs = [1000.0 ** (j / (dim // 2)) for j in range(dim // 2)]
    return [[math.sin(w * s / T) for w in freqs] + [math.cos(w * s / T) for w in freqs] for s in t]


# --- the time embedding -----------------------------------------------------------------------------

@pytest.mark.parametrize("T, dim", [(1, 2), (4, 4), (7, 6)])
def test_time_embedding_matches_the_closed_form(T, dim):
    """dim = 2 and T = 1 are the smallest accepted; dim = 6 has frequencies 1, 10, 100."""
    t = [0, 1, 3, 7]
    e = sa.time_embedding(torch.tensor(t), T, dim)
    assert e.dtype == torch.float32 and e.shape == (4, dim)
    assert torch.allclose(e.double(), torch.tensor(_by_hand(t, T, dim), dtype=torch.float64), atol=2e-5, rtol=0)


def test_time_embedding_is_float32_whatever_the_default_dtype():
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        e = sa.time_embedding(torch.tensor([1, 5]), 10, 4)
    finally:
        torch.set_default_dtype(before)
    assert e.dtype == torch.float32 and torch.equal(e, sa.time_embedding(torch.tensor([1, 5]), 10, 4))


@pytest.mark.parametrize("t", [torch.tensor(3), torch.tensor([[1], [2]])], ids=["0-d", "2-d"])
def test_time_embedding_wants_a_vector_of_steps(t):
    """t is (N,): a scalar or a column is refused by name (a column once gave a 3-d embedding)."""
    with pytest.raises(ValueError, match=r"^t must have 1 dimension\(s\), got shape"):
        sa.time_embedding(t, 10, 4)


# --- EpsMLP -----------------------------------------------------------------------------------------

def test_epsmlp_defaults():
    """d = 2, T = 100, three hidden layers of 128 on [x, 16 embedding features]."""
    m = sa.EpsMLP()
    assert (m.d, m.T, m.embed) == (2, 100, 16)
    shapes = [tuple(layer.weight.shape) for layer in m.net if isinstance(layer, nn.Linear)]
    assert shapes == [(128, 18), (128, 128), (128, 128), (2, 128)]


def test_epsmlp_smallest_sizes_and_a_small_embedding():
    """d = T = width = depth = 1 and embed = 2 are accepted; the embedding has `embed` features for any T."""
    m = sa.EpsMLP(d=1, T=1, width=1, depth=1, embed=2)
    assert m(torch.zeros(3, 1), torch.tensor([1, 1, 1])).shape == (3, 1)
    m = sa.EpsMLP(d=2, T=10, width=4, depth=1, embed=4)
    assert m(torch.zeros(5, 2), torch.arange(1, 6)).shape == (5, 2)


def test_epsmlp_runs_in_the_dtype_of_x():
    """The float32 embedding is cast to x's dtype: a bfloat16 model on bfloat16 input stays in bfloat16."""
    m = sa.EpsMLP(d=2, T=10, width=4, depth=1, embed=4).to(torch.bfloat16)
    out = m(torch.ones(3, 2, dtype=torch.bfloat16), torch.tensor([1, 2, 3]))
    assert out.dtype == torch.bfloat16


# --- train_ddpm ---------------------------------------------------------------------------------------

def _same(first, second):
    (m1, l1), (m2, l2) = first, second
    s1, s2 = m1.state_dict(), m2.state_dict()
    return torch.equal(l1, l2) and all(torch.equal(s1[k], s2[k]) for k in s1)


def test_train_ddpm_defaults_equal_the_documented_values():
    """One step already tells the defaults apart: its learning rate is lr / warmup."""
    run = lambda **kw: sa.train_ddpm(DATA, BETAS, 1, torch.Generator().manual_seed(0), **kw)  # noqa: E731
    assert _same(run(), run(batch=512, lr=2e-3, warmup=100, width=128, depth=3))


def test_train_ddpm_smallest_sizes():
    """One data row, one diffusion step (T = 1), one training step, a batch of one, no warm-up."""
    model, losses = sa.train_ddpm([[0.5, -0.5]], [0.2], 1, torch.Generator().manual_seed(0), batch=1, warmup=0,
                                  width=2, depth=1)
    assert losses.shape == (1,) and bool(torch.isfinite(losses).all())
    _, losses = sa.train_ddpm([[0.5, -0.5]], [0.2], 2, torch.Generator().manual_seed(0), batch=16, width=2, depth=1)
    assert bool(torch.isfinite(losses).all())


def test_train_ddpm_draws_only_from_its_generator():
    run = lambda: sa.train_ddpm(DATA, BETAS, 2, torch.Generator().manual_seed(1), batch=8, width=4, depth=1)  # noqa: E731
    torch.manual_seed(11)
    first = run()
    torch.manual_seed(12)
    assert _same(first, run())


def test_train_ddpm_he_initialisation():
    """With lr = 1e-12 one step leaves the initial weights: standard deviation sqrt(2 / fan-in), zero biases."""
    model, _ = sa.train_ddpm(DATA, BETAS, 1, torch.Generator().manual_seed(2), lr=1e-12, batch=8, width=64, depth=2)
    for layer in (m for m in model.net if isinstance(m, nn.Linear)):
        if layer.weight.numel() >= 1000:
            assert float(layer.weight.detach().std()) == pytest.approx(math.sqrt(2 / layer.weight.shape[1]), rel=0.1)
        assert float(layer.bias.detach().abs().max()) < 1e-10


def test_train_ddpm_learning_rate_schedule(monkeypatch):
    """Adam at lr, scaled by min(1, (k + 1) / max(warmup, 1)) * (1 + cos(pi k / steps)) / 2 at step k: by hand,
    warm-up 4 over 8 steps gives 1/4 at k = 0, then the cosine alone from k = 3, reaching 0 at k = 8."""
    seen = []

    class Spy(torch.optim.lr_scheduler.LambdaLR):
        def __init__(self, optimizer, lr_lambda, *args, **kwargs):
            seen.append((optimizer, lr_lambda))
            super().__init__(optimizer, lr_lambda, *args, **kwargs)

    monkeypatch.setattr(torch.optim.lr_scheduler, "LambdaLR", Spy)
    sa.train_ddpm(DATA, BETAS, 8, torch.Generator().manual_seed(0), lr=3e-3, warmup=4, batch=4, width=4, depth=1)
    opt, lam = seen[-1]
    assert opt.param_groups[0]["initial_lr"] == 3e-3
    cosine = lambda k: (1 + math.cos(math.pi * k / 8)) / 2  # noqa: E731
    want = {0: 0.25 * cosine(0), 1: 0.5 * cosine(1), 3: cosine(3), 5: cosine(5), 6: cosine(6), 8: 0.0}
    assert {k: lam(k) for k in want} == pytest.approx(want, abs=1e-15)
    for warmup in (0, 1):
        sa.train_ddpm(DATA, BETAS, 8, torch.Generator().manual_seed(0), warmup=warmup, batch=4, width=4, depth=1)
        assert seen[-1][1](0) == 1.0


# --- ring data, MMD and nearest modes -----------------------------------------------------------------

def test_ring_data_edges():
    """n = 1 and sigma = 0 are valid (sigma = 0 returns the centres themselves); rows get their own noise."""
    x, y = sa.ring_data(1, torch.Generator().manual_seed(0))
    assert x.shape == (1, 2) and y.shape == (1,)
    x, y = sa.ring_data(50, torch.Generator().manual_seed(0), k=4, radius=3.0, sigma=0.0)
    assert torch.equal(x, sa.ring_means(4, 3.0)[y])
    x, _ = sa.ring_data(3, torch.Generator().manual_seed(0), k=1, radius=1.0, sigma=0.5)
    assert len({tuple(row) for row in x.tolist()}) == 3


@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64])
def test_ring_data_dtype(dtype):
    x, _ = sa.ring_data(4, torch.Generator().manual_seed(0), dtype=dtype)
    assert x.dtype == dtype


def test_ring_data_draws_only_from_its_generator():
    torch.manual_seed(11)
    x1, y1 = sa.ring_data(30, torch.Generator().manual_seed(4))
    torch.manual_seed(12)
    x2, y2 = sa.ring_data(30, torch.Generator().manual_seed(4))
    assert torch.equal(x1, x2) and torch.equal(y1, y2)


def _mmd_by_pairs(x, y, h):
    k = lambda a, b: math.exp(-sum((p - q) ** 2 for p, q in zip(a, b)) / (2 * h * h))  # noqa: E731
    mean = lambda A, B: sum(k(a, b) for a in A for b in B) / (len(A) * len(B))  # noqa: E731
    return mean(x, x) + mean(y, y) - 2 * mean(x, y)


@pytest.mark.parametrize("h", [0.5, 2.0])
def test_mmd2_matches_a_double_loop_over_pairs(h):
    x, y = [[1.0, 0.0], [0.0, 0.5]], [[3.0, 1.0], [-1.0, 2.0], [0.5, 0.5]]
    assert float(sa.mmd2(x, y, h)) == pytest.approx(_mmd_by_pairs(x, y, h), rel=1e-12)


def test_mmd2_default_bandwidth_and_dtype():
    """The default bandwidth is 0.5; y is cast to x's dtype (float32 here)."""
    x, y = [[1.0, 0.0], [0.0, 0.5]], [[3.0, 1.0], [0.5, 0.5]]
    assert float(sa.mmd2(x, y)) == pytest.approx(_mmd_by_pairs(x, y, 0.5), rel=1e-12)
    out = sa.mmd2(torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float64))
    assert out.dtype == torch.float32 and float(out) == pytest.approx(_mmd_by_pairs(x, y, 0.5), rel=1e-5)


def test_nearest_mode_casts_the_means_to_x():
    x = torch.tensor([[0.9, 0.1], [-2.0, 0.0]], dtype=torch.float32)
    assert sa.nearest_mode(x, sa.ring_means(4, 1.0)).tolist() == [0, 2]


# --- the optimal denoiser ---------------------------------------------------------------------------------

BETAS4 = [0.1, 0.2, 0.3, 0.4]


def _abar(t):
    return math.prod(1 - b for b in BETAS4[:t])


def test_optimal_eps_is_the_scaled_autograd_score_of_the_noisy_mixture():
    """eps*(x, t) = -sqrt(1 - abar_t) grad log q_t(x), q_t the mixture of N(sqrt(abar_t) mu_k, (abar_t s2 + 1 - abar_t) I):
    the gradient by autograd of the log-density, at steps 1..4."""
    means = torch.tensor([[1.0, 0.0], [-1.0, 2.0]], dtype=torch.float64)
    s2 = 0.3
    eps = sa.optimal_eps_mixture(means, s2, BETAS4)
    x = torch.tensor([[0.5, 0.5], [-1.0, 1.0], [2.0, -1.0], [0.0, 0.0]], dtype=torch.float64)
    t = torch.tensor([1, 2, 3, 4])
    got = eps(x, t)
    for i in range(4):
        a = _abar(int(t[i]))
        var = a * s2 + 1 - a
        xi = x[i].clone().requires_grad_(True)
        logq = torch.logsumexp(-((xi - math.sqrt(a) * means) ** 2).sum(-1) / (2 * var), 0)
        (g,) = torch.autograd.grad(logq, xi)
        assert torch.allclose(got[i], -math.sqrt(1 - a) * g, rtol=1e-12, atol=1e-14)


def test_optimal_eps_for_point_data():
    """sigma2 = 0 is valid: data at one point mu gives eps* = (x - sqrt(abar) mu) / sqrt(1 - abar), in x's dtype."""
    eps = sa.optimal_eps_mixture(torch.tensor([[1.0, -2.0]], dtype=torch.float32), 0.0, BETAS4)
    x = torch.tensor([[0.3, 0.4]], dtype=torch.float32)
    out = eps(x, torch.tensor([3]))
    a = _abar(3)
    want = [(0.3 - math.sqrt(a)) / math.sqrt(1 - a), (0.4 + 2 * math.sqrt(a)) / math.sqrt(1 - a)]
    assert out.dtype == torch.float32 and out[0].tolist() == pytest.approx(want, rel=1e-5)


# --- ancestral sampling ---------------------------------------------------------------------------------

def test_ancestral_sample_difference_of_two_predictors_is_deterministic():
    """The same seed draws the same z whatever the predictor, so the difference of two runs is noise-free: with
    eps = 0 and eps = c, each step t adds beta_t / sqrt(1 - abar_t) c and divides by sqrt(1 - beta_t)."""
    betas, c = [0.1, 0.2], 0.7
    xT = torch.tensor([[0.5, -1.0], [2.0, 0.0]], dtype=torch.float64)
    zero = sa.ancestral_sample(lambda x, t: torch.zeros_like(x), betas, xT, torch.Generator().manual_seed(0),
                               trajectory=True)
    const = sa.ancestral_sample(lambda x, t: torch.full_like(x, c), betas, xT, torch.Generator().manual_seed(0),
                                trajectory=True)
    abar = [1 - betas[0], (1 - betas[0]) * (1 - betas[1])]
    d1 = betas[1] / math.sqrt(1 - abar[1]) * c / math.sqrt(1 - betas[1])
    d0 = (d1 + betas[0] / math.sqrt(1 - abar[0]) * c) / math.sqrt(1 - betas[0])
    diff = zero - const
    assert torch.allclose(diff[1], torch.full_like(xT, d1), rtol=1e-12)
    assert torch.allclose(diff[2], torch.full_like(xT, d0), rtol=1e-12)


def test_ancestral_sample_variance_choice():
    """With eps = 0 and T = 2 the only noise enters at t = 2, sigma_2 z with the same z for both choices: the
    deviations from the noise-free path are in the ratio sqrt(beta_2 / tilde beta_2) = sqrt((1 - abar_2) / beta_1).
    The default is "beta"."""
    betas = [0.1, 0.2]
    xT = torch.tensor([[0.5, -1.0], [2.0, 0.0]], dtype=torch.float64)
    run = lambda **kw: sa.ancestral_sample(lambda x, t: torch.zeros_like(x), betas, xT,  # noqa: E731
                                           torch.Generator().manual_seed(0), **kw)
    base = xT / math.sqrt((1 - betas[0]) * (1 - betas[1]))
    beta, tilde = run(variance="beta") - base, run(variance="tilde") - base
    abar2 = (1 - betas[0]) * (1 - betas[1])
    assert torch.allclose(beta, tilde * math.sqrt((1 - abar2) / betas[0]), rtol=1e-12)
    assert torch.equal(run(), run(variance="beta"))


def test_ancestral_sample_keeps_float32():
    means = torch.tensor([[1.0, 0.0]], dtype=torch.float32)
    eps = sa.optimal_eps_mixture(means, 0.1, BETAS4)
    out = sa.ancestral_sample(eps, BETAS4, torch.zeros(3, 2), torch.Generator().manual_seed(0))
    assert out.dtype == torch.float32
    assert eps(torch.zeros(3, 2), torch.tensor([1, 2, 3])).dtype == torch.float32


def test_ancestral_sample_noise_scale_and_seeding():
    """With eps = 0 and T = 2 the deviation from the noise-free path is sigma_2 z / sqrt(1 - beta_1), sigma_2² = beta_2:
    its sample standard deviation over 4000 rows is within 5% of that. The draws come from the generator alone."""
    betas = [0.1, 0.2]
    xT = torch.zeros(4000, 2, dtype=torch.float64)
    run = lambda: sa.ancestral_sample(lambda x, t: torch.zeros_like(x), betas, xT,  # noqa: E731
                                      torch.Generator().manual_seed(0))
    torch.manual_seed(11)
    first = run()
    torch.manual_seed(12)
    assert torch.equal(first, run())
    assert float(first.std()) == pytest.approx(math.sqrt(betas[1] / (1 - betas[0])), rel=0.05)


def test_ancestral_sample_keeps_float16():
    out = sa.ancestral_sample(lambda x, t: torch.zeros_like(x), [0.1, 0.2], torch.zeros(3, 2, dtype=torch.float16),
                              torch.Generator().manual_seed(0))
    assert out.dtype == torch.float16


def test_ring_means_with_one_centre():
    assert sa.ring_means(1, 2.0).tolist() == [[2.0, 0.0]]


def test_ring_means_snaps_only_below_1e_12():
    """Entries under 1e-12 in magnitude are rounding of exact zeros and become 0; 1e-12 itself is kept: for this
    radius r cos(pi/2) rounds to exactly 1e-12 in float64 (found by stepping r by ulps)."""
    r = 16331.239353195368
    assert r * float(torch.cos(torch.tensor(math.pi / 2, dtype=torch.float64))) == 1e-12
    assert float(sa.ring_means(4, r)[1, 0]) == 1e-12
    assert float(sa.ring_means(4, 1.0)[1, 0]) == 0.0


def test_ancestral_sample_takes_betas_in_the_dtype_of_xT():
    """A list of betas is used in xT's dtype: the same float32 samples, bit for bit, as a float32 tensor of betas
    (betas kept in float64 would give a more precise alpha-bar and other float32 roundings)."""
    b = [0.1, 0.2, 0.3, 0.4]
    eps = sa.optimal_eps_mixture(torch.tensor([[1.0, 0.0]]), 0.1, b)
    xT = torch.randn(50, 2, generator=torch.Generator().manual_seed(1))
    from_list = sa.ancestral_sample(eps, b, xT, torch.Generator().manual_seed(0))
    from_f32 = sa.ancestral_sample(eps, torch.tensor(b, dtype=torch.float32), xT, torch.Generator().manual_seed(0))
    assert from_list.dtype == torch.float32 and torch.equal(from_list, from_f32)
