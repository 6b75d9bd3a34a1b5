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
