"""Tests of edl.generative.training that pin what its mutants change: defaults, smallest sizes, messages,
dtypes and seeded draws of the GAN trainer and the ring data, and structural invariants of the GAN's ReLU
networks (positive homogeneity at initialisation), its losses and its optimisers."""

import math

import numpy as np
import pytest
import torch

from edl.generative import training as tr

D = torch.float64
TINY = 1e-300          # an Adam step of size ~lr leaves the networks at their (zero-bias) initialisation


def _gen(k):
    return torch.Generator().manual_seed(k)


def _pts(n=6, k=0):
    return torch.randn(n, 2, generator=_gen(k), dtype=D)


# --- train_gan_2d: arguments ------------------------------------------------------------------------------------------

def test_gan_refuses_data_that_are_not_2d_points():
    """X must have two columns: the message gives the expected and the actual shape."""
    with pytest.raises(ValueError, match=r"^X must have shape \(any, 2\), got shape \(5, 3\)$"):
        tr.train_gan_2d(torch.zeros(5, 3, dtype=D), steps=1, hidden=1, batch=1)


def test_gan_accepts_the_smallest_sizes():
    """steps = hidden = batch = latent_dim = 1 are allowed; losses are float64, one per step."""
    out = tr.train_gan_2d(_pts(), steps=1, hidden=1, batch=1, latent_dim=1)
    assert out["d_loss"].shape == (1,) and out["g_loss"].shape == (1,)
    assert out["d_loss"].dtype == D and out["g_loss"].dtype == D
    assert out["sample"](3, _gen(0)).shape == (3, 2)


def test_gan_default_steps_is_1200():
    """Without steps the history has 1200 entries (tiny networks keep this fast)."""
    out = tr.train_gan_2d(_pts(), hidden=1, batch=1)
    assert out["d_loss"].shape == (1200,) and out["g_loss"].shape == (1200,)


@pytest.mark.parametrize("name, default, other", [("hidden", 48, 47), ("batch", 256, 255), ("latent_dim", 2, 3),
                                                  ("seed", 0, 1), ("lr", 1e-3, 2e-3)])
def test_gan_defaults(name, default, other):
    """Each default equals passing its documented value and differs from another value (one step, then a sample)."""
    small = {"steps": 1, "hidden": 2, "batch": 2, "latent_dim": 1}

    def run(**kw):
        args = {k: v for k, v in small.items() if k != name}
        out = tr.train_gan_2d(_pts(), **args, **kw)
        return torch.cat([out["d_loss"], out["g_loss"], out["sample"](4, _gen(1)).reshape(-1)])

    base = run()
    assert torch.equal(base, run(**{name: default}))
    assert not torch.allclose(base, run(**{name: other}), rtol=1e-9, atol=0)


# --- train_gan_2d: seeded draws ---------------------------------------------------------------------------------------

def test_gan_is_reproducible_and_samples_follow_their_generator():
    """Two runs with one seed agree exactly (every draw uses the seeded generator), and so do two samples drawn
    with equally seeded generators; another generator seed gives other samples."""
    a, b = (tr.train_gan_2d(_pts(), steps=3, hidden=3, batch=4, seed=2) for _ in range(2))
    assert torch.equal(a["d_loss"], b["d_loss"]) and torch.equal(a["g_loss"], b["g_loss"])
    s1, s2, s3 = a["sample"](5, _gen(7)), a["sample"](5, _gen(7)), a["sample"](5, _gen(8))
    assert torch.equal(s1, s2) and not torch.allclose(s1, s3)


def test_gan_minibatches_reach_every_row():
    """Minibatch indices are drawn from all rows: changing only rows 2 and 3 of four changes the first loss."""
    X = torch.tensor([[0.0, 0.0], [0.0, 0.0], [2.0, 3.0], [-3.0, 1.0]], dtype=D)
    Y = X.clone()
    Y[2:] = 0.0
    a = tr.train_gan_2d(X, steps=1, hidden=8, batch=64)
    b = tr.train_gan_2d(Y, steps=1, hidden=8, batch=64)
    assert abs(float(a["d_loss"][0] - b["d_loss"][0])) > 1e-6


def test_gan_each_step_averages_a_batch_of_fresh_fakes():
    """With the networks frozen (lr ≈ 0) and every real point at 0 (where D = 0), the discriminator loss varies
    across steps only through the fakes: its spread shrinks like 1/√batch (batch 256 against batch 1)."""
    X = torch.zeros(4, 2, dtype=D)
    one = tr.train_gan_2d(X, steps=40, hidden=4, batch=1, lr=TINY)["d_loss"]
    many = tr.train_gan_2d(X, steps=40, hidden=4, batch=256, lr=TINY)["d_loss"]
    assert float(many.std()) < 0.25 * float(one.std())


# --- train_gan_2d: networks and losses --------------------------------------------------------------------------------

def test_gan_generator_is_a_relu_network_at_initialisation():
    """With lr ≈ 0 the generator stays at its zero-bias ReLU initialisation, which is positively homogeneous:
    for a 1-D latent z, G(z) = z·G(1) for z > 0 and |z|·G(−1) for z < 0 (a tanh network is not)."""
    out = tr.train_gan_2d(_pts(), steps=1, hidden=8, batch=2, latent_dim=1, lr=TINY)
    z = torch.randn(50, 1, generator=_gen(3), dtype=D)
    y = out["sample"](50, _gen(3))
    for side in (z[:, 0] > 0, z[:, 0] < 0):
        ratio = y[side] / z[side].abs()
        assert torch.allclose(ratio, ratio[:1].expand_as(ratio), rtol=1e-9, atol=1e-12)
    assert float(y.abs().max()) > 1e-3


def test_gan_discriminator_is_a_scalar_relu_network_at_initialisation():
    """The first discriminator loss is softplus(−D(x)) averaged over the real batch plus a fake term that does
    not depend on X. With every real point at c·x₀ and D a zero-bias ReLU network with one logit,
    D(c·x₀) = c·D(x₀); so the losses at c = 0, 1 fix D(x₀) and predict the loss at c = 2 and c = 3."""
    x0 = torch.tensor([0.7, -0.4], dtype=D)

    def first_loss(c):
        X = (c * x0).expand(3, 2).clone()
        return float(tr.train_gan_2d(X, steps=1, hidden=16, batch=5)["d_loss"][0])

    r0, r1 = first_loss(0.0), first_loss(1.0)
    K = r0 - math.log(2)                                    # D(0) = 0: softplus(0) = log 2
    a = -math.log(math.expm1(r1 - K))                        # softplus(−a) = r1 − K
    assert abs(a) > 1e-2                                     # x₀ does reach live units
    for c in (2.0, 3.0):
        assert first_loss(c) == pytest.approx(K + math.log1p(math.exp(-c * a)), abs=1e-10)


def test_gan_losses_are_cross_entropies():
    """Both losses are negative log-likelihoods of probabilities, hence positive at every step."""
    out = tr.train_gan_2d(_pts(20), steps=30, hidden=8, batch=16, lr=1e-2)
    assert bool((out["d_loss"] > 0).all()) and bool((out["g_loss"] > 0).all())


def test_gan_moves_its_samples_to_the_data():
    """Trained on a point mass at (3, 3), the generator's samples move from near the origin towards it."""
    X = torch.full((8, 2), 3.0, dtype=D)
    before = tr.train_gan_2d(X, steps=1, hidden=16, batch=32, lr=TINY)["sample"](200, _gen(4))
    after = tr.train_gan_2d(X, steps=300, hidden=16, batch=32, lr=1e-2)["sample"](200, _gen(4))
    target = torch.tensor([3.0, 3.0], dtype=D)
    assert float((after - target).norm(dim=1).mean()) < 0.5 * float((before - target).norm(dim=1).mean())


def test_gan_learning_rate_reaches_both_optimisers():
    """Adam's first step moves each parameter by about lr, so for small lr the changes are proportional to lr:
    the generator's samples after one step (generator optimiser) and the first generator loss, which is taken
    after the discriminator's step (discriminator optimiser)."""
    def run(lr):
        out = tr.train_gan_2d(_pts(), steps=1, hidden=4, batch=8, lr=lr)
        return out["sample"](20, _gen(5)), float(out["g_loss"][0])

    (s0, g0), (s1, g1), (s2, g2) = run(TINY), run(1e-6), run(2e-6)
    assert float((s2 - s0).norm()) == pytest.approx(2 * float((s1 - s0).norm()), rel=1e-3)
    assert (g2 - g0) == pytest.approx(2 * (g1 - g0), rel=1e-3) and abs(g1 - g0) > 1e-9


# --- ring_data --------------------------------------------------------------------------------------------------------

def test_ring_defaults():
    """modes = 8 and seed = 0 by default: equal to passing them, different from 7 modes or seed 1."""
    base = tr.ring_data(16)
    assert torch.equal(base, tr.ring_data(16, modes=8, seed=0))
    assert not torch.equal(base, tr.ring_data(16, modes=7)) and not torch.equal(base, tr.ring_data(16, seed=1))


def test_ring_points_sit_at_the_mode_angles():
    """With a negligible sd every point lies on the radius-2 circle at a multiple of 2π/8, and all 8 occur."""
    R = tr.ring_data(200, sd=1e-12, seed=2)
    assert torch.allclose(R.norm(dim=1), torch.full((200,), 2.0, dtype=D), atol=1e-9)
    k = torch.atan2(R[:, 1], R[:, 0]) / (2 * math.pi / 8)
    assert torch.allclose(k, k.round(), atol=1e-9) and len(set((k.round() % 8).tolist())) == 8


def test_ring_with_one_point_and_one_mode():
    """n = 1 and modes = 1 are allowed: the single mode sits at angle 0, i.e. (radius, 0)."""
    R = tr.ring_data(1, modes=1, radius=3.0, sd=1e-12)
    assert R.shape == (1, 2) and R[0].tolist() == pytest.approx([3.0, 0.0], abs=1e-9)


def test_ring_noise_is_fresh_float64_per_point():
    """With one mode at (2, 0) the second coordinate is the noise alone: one independent draw per point
    (all different, mean ≈ 0, sd ≈ sd), drawn in float64 (not all values survive a round trip to float32)."""
    y = tr.ring_data(400, modes=1, sd=0.5, seed=3)[:, 1]
    assert len(set(y.tolist())) == 400
    assert abs(float(y.mean())) < 0.1 and float(y.std()) == pytest.approx(0.5, rel=0.15)
    assert not torch.equal(y.float().double(), y)


# --- train_vae --------------------------------------------------------------------------------------------------------

def _bits(n=12, d=3, k=0):
    return (torch.rand(n, d, generator=_gen(k), dtype=D) < 0.5).double()


def test_vae_decoder_at_initialisation_is_a_tanh_network_with_unit_fan_in_variance():
    """With lr ≈ 0 the decoder keeps its initialisation W ~ N(0, 1/fan_in), zero biases, tanh between layers:
    at a huge z the tanh units saturate (z = 1e6 and 2e6 give the same output), and the logits W₂ tanh(W₁ z)
    over 400 pixels have variance close to E tanh(g)² ≈ 0.394 (g ~ N(0, 1)) with 400 hidden units."""
    out = tr.train_vae(torch.zeros(2, 400, dtype=D), latent_dim=1, hidden=400, steps=1, lr=TINY, batch=1)
    p1, p2 = out["decode"]([[1e6]]), out["decode"]([[2e6]])
    assert torch.equal(p1, p2)
    logits = torch.logit(out["decode"]([[1.0]])[0])
    assert 0.3 < float(logits.var()) < 0.5


def test_vae_initial_weights_are_float64_draws():
    """With one latent and one hidden unit the decoder is p = σ(w₂ tanh(w₁ z)); at z = 1e3 the tanh is ±1, so the
    logits are ±w₂: float64 normal draws, not float32 values widened to float64."""
    out = tr.train_vae(torch.zeros(2, 50, dtype=D), latent_dim=1, hidden=1, steps=1, lr=TINY, batch=1)
    w = torch.logit(out["decode"]([[1e3]])[0])
    rel = ((w - w.float().double()) / w).abs()
    assert float(rel.max()) > 1e-10


def test_vae_accepts_the_smallest_sizes_and_lists():
    """latent_dim = hidden = steps = batch = 1 are allowed; encode and decode take lists and give float64."""
    out = tr.train_vae(_bits(), latent_dim=1, hidden=1, steps=1, batch=1)
    assert out["history"].shape == (1,) and out["history"].dtype == D
    mu, s2 = out["encode"]([[0.0, 1.0, 0.0]])
    assert mu.shape == (1, 1) and mu.dtype == D and s2.dtype == D
    assert out["decode"]([[0.5]]).dtype == D


def test_vae_default_steps_is_1500():
    """Without steps the history has 1500 entries (one hidden unit and one-row batches keep this fast)."""
    assert tr.train_vae(_bits(), latent_dim=1, hidden=1, batch=1)["history"].shape == (1500,)


@pytest.mark.parametrize("name, default, other", [("latent_dim", 2, 3), ("hidden", 96, 95), ("lr", 2e-3, 3e-3),
                                                  ("batch", 128, 127), ("seed", 0, 1)])
def test_vae_defaults(name, default, other):
    """Each default equals passing its documented value and differs from another value (two steps)."""
    small = {"latent_dim": 1, "hidden": 2, "steps": 2, "batch": 2}

    def run(**kw):
        return tr.train_vae(_bits(), **{k: v for k, v in small.items() if k != name}, **kw)["history"]

    base = run()
    assert torch.equal(base, run(**{name: default}))
    assert not torch.allclose(base, run(**{name: other}), rtol=1e-9, atol=0)


def test_vae_learning_rate_reaches_adam():
    """The second ELBO follows the first Adam step, whose size is lr: a larger lr changes it."""
    a = tr.train_vae(_bits(), latent_dim=1, hidden=2, steps=2, batch=4, lr=TINY)["history"]
    b = tr.train_vae(_bits(), latent_dim=1, hidden=2, steps=2, batch=4, lr=0.1)["history"]
    assert float(a[0]) == float(b[0]) and abs(float(a[1] - b[1])) > 1e-6


def test_vae_minibatches_reach_every_row():
    """Indices are drawn from all rows, not only from the first d: changing only the last rows changes the ELBO."""
    X = torch.zeros(8, 2, dtype=D)
    Y = X.clone()
    Y[4:] = 1.0
    a = tr.train_vae(X, latent_dim=1, hidden=2, steps=1, batch=64)["history"]
    b = tr.train_vae(Y, latent_dim=1, hidden=2, steps=1, batch=64)["history"]
    assert abs(float(a[0] - b[0])) > 1e-6


# --- vae_elbo ---------------------------------------------------------------------------------------------------------

def _enc(x):
    n = len(x)
    return torch.full((n, 1), 0.5, dtype=D), torch.full((n, 1), 4.0, dtype=D)


def _dec(z):
    return torch.sigmoid(z).expand(-1, 2)


def test_vae_elbo_single_sample_by_hand():
    """One draw ε from the seeded generator: z = μ + σε, ELBO = Σ_pixels [x log σ(z) + (1 − x) log(1 − σ(z))] − KL
    with KL(N(½, 4) ‖ N(0, 1)) = ½(¼ + 4 − 1 − log 4)."""
    X = torch.tensor([[1.0, 0.0], [1.0, 1.0]], dtype=D)
    eps = torch.randn(2, 1, generator=_gen(3), dtype=D)
    z = 0.5 + 2.0 * eps
    rec = (X * torch.nn.functional.logsigmoid(z) + (1 - X) * torch.nn.functional.logsigmoid(-z)).sum(1)
    kl = 0.5 * (0.25 + 4.0 - 1.0 - math.log(4.0))
    out = tr.vae_elbo(X, _enc, _dec, seed=3)
    assert out.tolist() == pytest.approx((rec - kl).tolist(), abs=1e-12)
    assert torch.equal(out, tr.vae_elbo(X, _enc, _dec, seed=3))


def test_vae_elbo_defaults():
    """samples = 1 and seed = 0 by default: equal to passing them, different from 2 samples or seed 1."""
    X = torch.tensor([[1.0, 0.0]], dtype=D)
    base = tr.vae_elbo(X, _enc, _dec)
    assert torch.equal(base, tr.vae_elbo(X, _enc, _dec, samples=1, seed=0))
    assert not torch.equal(base, tr.vae_elbo(X, _enc, _dec, samples=2))
    assert not torch.equal(base, tr.vae_elbo(X, _enc, _dec, seed=1))


def test_vae_elbo_averages_samples_and_subtracts_kl():
    """A decoder that ignores z gives the same reconstruction for every sample: averaging 3 samples keeps it,
    and the KL of N(1, 1) to N(0, 1), ½, is subtracted: 2 log ½ − ½."""
    enc = lambda x: (torch.ones(len(x), 1, dtype=D), torch.ones(len(x), 1, dtype=D))  # noqa: E731
    dec = lambda z: torch.full((len(z), 2), 0.5, dtype=D)  # noqa: E731
    out = tr.vae_elbo(torch.tensor([[1.0, 0.0]], dtype=D), enc, dec, samples=3)
    assert float(out[0]) == pytest.approx(2 * math.log(0.5) - 0.5, abs=1e-12)


def test_vae_elbo_clamps_certain_pixels():
    """Pixel probabilities are clamped to [1e-7, 1 − 1e-7]: a decoder sure of the wrong value costs log 1e-7 per
    pixel instead of −∞ (x = (1, 0) against p = (0, 1))."""
    enc = lambda x: (torch.zeros(len(x), 1, dtype=D), torch.ones(len(x), 1, dtype=D))  # noqa: E731
    dec = lambda z: torch.tensor([[0.0, 1.0]], dtype=D).expand(len(z), -1)  # noqa: E731
    out = tr.vae_elbo(torch.tensor([[1.0, 0.0]], dtype=D), enc, dec)
    assert float(out[0]) == pytest.approx(2 * math.log(1e-7), rel=1e-6)


def test_vae_first_elbo_is_a_monte_carlo_elbo_of_the_initial_model():
    """With every row equal to x₀ and lr ≈ 0, the first history entry is the mean over a large batch of
    log p(x₀ | μ + σε) − KL(N(μ, σ²) ‖ N(0, 1)) for the returned (initial) encoder and decoder; it must agree
    with the same ELBO by 60-node Gauss–Hermite quadrature over ε and the closed-form KL."""
    x0 = torch.tensor([[1.0, 0.0]], dtype=D)
    out = tr.train_vae(x0.expand(5, 2).clone(), latent_dim=1, hidden=3, steps=1, lr=TINY, batch=20000, seed=4)
    mu, s2 = (float(t) for t in out["encode"](x0))
    g, w = np.polynomial.hermite_e.hermegauss(60)
    z = torch.as_tensor(mu + math.sqrt(s2) * g, dtype=D)[:, None]
    p = out["decode"](z)
    rec = (torch.log(p[:, 0]) + torch.log1p(-p[:, 1])) @ torch.as_tensor(w / w.sum(), dtype=D)
    kl = 0.5 * (mu**2 + s2 - 1 - math.log(s2))
    assert kl > 1e-3
    assert float(out["history"][0]) == pytest.approx(float(rec) - kl, abs=0.01)


def test_vae_encoder_variance_is_clamped_to_e_pm_8():
    """encode returns σ² = exp(log-variance clamped to [−8, 8]); a fit driven to divergence (lr = 2) pins the
    posterior variance of the data at e^{−8}, and an input of −5s pushes it to e^{8}."""
    X = _bits(40, 6)
    out = tr.train_vae(X, latent_dim=1, hidden=4, steps=100, lr=2.0, batch=8)
    _, low = out["encode"](X)
    _, high = out["encode"](torch.full((1, 6), -5.0, dtype=D))
    assert torch.equal(low, torch.exp(torch.full_like(low, -8.0)))
    assert torch.equal(high, torch.exp(torch.full_like(high, 8.0)))


# --- train_flow_2d ----------------------------------------------------------------------------------------------------

def test_flow_refuses_data_that_are_not_2d_points():
    """X must have two columns: the message gives the expected and the actual shape."""
    with pytest.raises(ValueError, match=r"^X must have shape \(any, 2\), got shape \(4, 3\)$"):
        tr.train_flow_2d(torch.zeros(4, 3, dtype=D), layers=1, hidden=1, steps=1, batch=1)


def test_flow_accepts_the_smallest_sizes_and_lists():
    """layers = hidden = steps = batch = 1 are allowed; history and log-densities (of a list) are float64."""
    out = tr.train_flow_2d(_pts(), layers=1, hidden=1, steps=1, batch=1)
    assert out["history"].shape == (1,) and out["history"].dtype == D
    assert out["log_density"]([[0.0, 1.0]]).dtype == D


@pytest.mark.parametrize("name, default, other", [("layers", 6, 5), ("hidden", 32, 31), ("lr", 5e-3, 6e-3),
                                                  ("batch", 256, 255), ("seed", 0, 1)])
def test_flow_defaults(name, default, other):
    """Each default equals passing its documented value and differs from another value (two steps)."""
    small = {"layers": 1, "hidden": 2, "steps": 2, "batch": 2}

    def run(**kw):
        return tr.train_flow_2d(_pts(), **{k: v for k, v in small.items() if k != name}, **kw)["history"]

    base = run()
    assert torch.equal(base, run(**{name: default}))
    assert not torch.allclose(base, run(**{name: other}), rtol=1e-9, atol=0)


def test_flow_default_steps_is_600():
    """Without steps the history has 600 entries (a one-layer flow keeps this fast)."""
    assert tr.train_flow_2d(_pts(), layers=1, hidden=1, batch=1)["history"].shape == (600,)


def test_flow_first_loss_is_the_negative_log_likelihood():
    """With every row at x₀ and lr ≈ 0, the first recorded loss is −log p(x₀) under the returned density."""
    x0 = torch.tensor([[0.3, -1.2]], dtype=D)
    out = tr.train_flow_2d(x0.expand(6, 2).clone(), layers=2, hidden=4, steps=1, lr=TINY, batch=3)
    assert float(out["history"][0]) == pytest.approx(-float(out["log_density"](x0)[0]), abs=1e-12)


def test_flow_learning_rate_reaches_adam_and_every_row_is_drawn():
    """The second loss follows the first Adam step (size lr); changing rows beyond the first two changes the first
    loss (indices are drawn from all rows)."""
    a = tr.train_flow_2d(_pts(), layers=1, hidden=2, steps=2, batch=8, lr=TINY)["history"]
    b = tr.train_flow_2d(_pts(), layers=1, hidden=2, steps=2, batch=8, lr=0.1)["history"]
    assert float(a[0]) == float(b[0]) and abs(float(a[1] - b[1])) > 1e-6
    X = _pts()
    Y = X.clone()
    Y[2:] = 0.0
    c = tr.train_flow_2d(Y, layers=1, hidden=2, steps=2, batch=8, lr=TINY)["history"]
    assert abs(float(a[0] - c[0])) > 1e-6


def test_flow_layers_alternate_the_half_they_keep():
    """Coupling layers keep their first coordinate and alternate the order: layer 0 keeps x₁, layer 1 keeps x₂,
    layer 2 keeps x₁ again. With lr ≈ 0 the nets of the first layers are the same for 1, 2 and 3 layers, so the
    samples (from one seeded base draw z) share the kept coordinate from one depth to the next."""
    s = [tr.train_flow_2d(_pts(), layers=L, hidden=4, steps=1, lr=TINY, batch=2)["sample"](30, _gen(6))
         for L in (1, 2, 3)]
    z = torch.randn(30, 2, generator=_gen(6), dtype=D)
    assert torch.allclose(s[0][:, 0], z[:, 0], rtol=1e-12, atol=1e-12)
    assert torch.allclose(s[1][:, 1], s[0][:, 1], rtol=1e-12, atol=1e-12)
    assert torch.allclose(s[2][:, 0], s[1][:, 0], rtol=1e-12, atol=1e-12)
    assert not torch.allclose(s[0][:, 1], z[:, 1], atol=1e-6) and not torch.allclose(s[2][:, 1], s[1][:, 1], atol=1e-6)


def test_flow_density_is_normalised_along_the_transformed_coordinate():
    """For one coupling layer p(x₁, x₂) = N(x₁)·p(x₂ | x₁): integrating exp(log_density) over x₂ gives N(x₁)."""
    out = tr.train_flow_2d(_pts(40), layers=1, hidden=4, steps=20, lr=0.05, batch=8)
    x2 = torch.linspace(-30, 30, 60001, dtype=D)
    x1 = 0.8
    dens = torch.exp(out["log_density"](torch.stack([torch.full_like(x2, x1), x2], 1)))
    assert float(torch.trapezoid(dens, x2)) == pytest.approx(math.exp(-x1**2 / 2) / math.sqrt(2 * math.pi), rel=1e-6)


def test_flow_samples_follow_their_generator():
    """Two samples with equally seeded generators agree; another seed gives other points."""
    out = tr.train_flow_2d(_pts(), layers=1, hidden=2, steps=1, batch=2)
    a, b, c = out["sample"](5, _gen(1)), out["sample"](5, _gen(1)), out["sample"](5, _gen(2))
    assert torch.equal(a, b) and not torch.allclose(a, c)


def test_flow_samples_follow_its_density():
    """sample and log_density describe one distribution: the mean of x₂ under exp(log_density) (2-D trapezoidal
    rule) matches the mean of 200000 samples to within their Monte Carlo error."""
    out = tr.train_flow_2d(_pts(40) + 1.0, layers=1, hidden=4, steps=40, lr=0.05, batch=8)
    x1 = torch.linspace(-8, 8, 321, dtype=D)
    x2 = torch.linspace(-20, 20, 2001, dtype=D)
    grid = torch.stack(torch.meshgrid(x1, x2, indexing="ij"), -1).reshape(-1, 2)
    dens = torch.exp(out["log_density"](grid)).reshape(321, 2001)
    mass = torch.trapezoid(torch.trapezoid(dens, x2, dim=1), x1)
    mean_x2 = torch.trapezoid(torch.trapezoid(dens * x2, x2, dim=1), x1)
    s = out["sample"](200000, _gen(9))
    assert float(mass) == pytest.approx(1.0, abs=1e-6)
    assert float(mean_x2) == pytest.approx(float(s[:, 1].mean()), abs=5 * float(s[:, 1].std()) / math.sqrt(200000))


def test_flow_starts_close_to_volume_preserving():
    """The scale networks start with their last layer shrunk tenfold, so the initial log-determinant
    c(x₁) = tanh(s(x₁)) of a coupling is small. For one layer log p(x₁, x₂) is quadratic in x₂ with
    second derivative −e^{2c(x₁)}, so a unit-step second difference gives c exactly; with lr ≈ 0 its root mean
    square over x₁ ∈ [−3, 3] is about 0.02 here, and would be about ten times that without the shrinking."""
    out = tr.train_flow_2d(_pts(), layers=1, hidden=400, steps=1, lr=TINY, batch=2)
    a = torch.linspace(-3, 3, 61, dtype=D)
    f = [out["log_density"](torch.stack([a, torch.full_like(a, v)], 1)) for v in (-1.0, 0.0, 1.0)]
    c = 0.5 * torch.log(-(f[0] - 2 * f[1] + f[2]))
    rms = float(c.pow(2).mean().sqrt())
    assert 1e-3 < rms < 0.08


def test_vae_training_uses_the_variance_clamp_of_encode():
    """Fitting one repeated row with lr = 2 drives the log-variance to its lower clamp, −8, while the model settles:
    the last training ELBO then equals the ELBO of the returned encoder/decoder (whose clamp is −8), which a
    training clamp at another value (KL off by about ½ per unit of log-variance) would break."""
    x0 = torch.tensor([[1.0, 0.0, 1.0, 1.0, 0.0, 0.0]], dtype=D)
    out = tr.train_vae(x0.expand(10, 6).clone(), latent_dim=1, hidden=4, steps=100, lr=2.0, batch=8)
    _, s2 = out["encode"](x0)
    assert float(s2) == pytest.approx(math.exp(-8), rel=1e-12)
    elbo = tr.vae_elbo(x0, out["encode"], out["decode"], samples=4000)
    assert float(out["history"][-1]) == pytest.approx(float(elbo[0]), abs=1e-3)
