"""Smoke and sanity tests of edl.generative.training (tiny sizes: a few dozen steps)."""

import math

import numpy as np
import pytest
import torch

from edl.generative import training as tr


def test_vae_trains_and_its_elbo_rises():
    X = (torch.rand(200, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64) < 0.3).double()
    out = tr.train_vae(X, latent_dim=2, hidden=16, steps=150, lr=1e-2, batch=50, seed=0)
    h = out["history"]
    assert h.shape == (150,) and float(h[-20:].mean()) > float(h[:20].mean())
    mu, s2 = out["encode"](X[:5])
    assert mu.shape == (5, 2) and bool((s2 > 0).all())
    probs = out["decode"](mu)
    assert probs.shape == (5, 8) and bool(((probs > 0) & (probs < 1)).all())
    elbo = tr.vae_elbo(X, out["encode"], out["decode"], samples=2)
    assert elbo.shape == (200,) and float(elbo.mean()) < 0


def test_vae_elbo_of_a_trivial_model():
    enc = lambda x: (torch.zeros(len(x), 1, dtype=torch.float64), torch.ones(len(x), 1, dtype=torch.float64))  # noqa: E731
    dec = lambda z: torch.full((len(z), 3), 0.5, dtype=torch.float64)  # noqa: E731
    assert tr.vae_elbo(torch.ones(2, 3, dtype=torch.float64), enc, dec).numpy() == pytest.approx([3 * math.log(0.5)] * 2, abs=1e-12)


def test_flow_fits_a_shifted_gaussian():
    X = torch.randn(400, 2, generator=torch.Generator().manual_seed(1), dtype=torch.float64) * 0.5 + 1.0
    out = tr.train_flow_2d(X, layers=2, hidden=8, steps=150, lr=1e-2, batch=100, seed=0)
    assert float(out["history"][-20:].mean()) < float(out["history"][:20].mean())
    lp = out["log_density"](X[:10])
    assert lp.shape == (10,) and bool(torch.isfinite(lp).all())
    assert out["sample"](7, torch.Generator().manual_seed(2)).shape == (7, 2)


def test_gan_runs_and_ring_data():
    R = tr.ring_data(500, seed=3)
    radius = R.norm(dim=1)
    assert R.shape == (500, 2) and abs(float(radius.mean()) - 2.0) < 0.05
    ang = torch.atan2(R[:, 1], R[:, 0])
    k = (torch.round(ang / (2 * math.pi / 8)) % 8).long()
    assert torch.bincount(k, minlength=8).min() > 30
    out = tr.train_gan_2d(R, steps=20, hidden=8, batch=32, seed=0)
    assert out["d_loss"].shape == (20,) and bool(torch.isfinite(out["g_loss"]).all())
    assert out["sample"](5, torch.Generator().manual_seed(0)).shape == (5, 2)
    np.testing.assert_equal(tr.ring_data(4, seed=1).numpy(), tr.ring_data(4, seed=1).numpy())
