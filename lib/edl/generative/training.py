r"""End-to-end training of the chapter's three generative models, small enough to run in seconds on a CPU:
a VAE on scikit-learn's digits, a coupling flow on a 2-D density, and a GAN on a 2-D mixture.

Chapter 10, experiments. These use the formulas of :mod:`edl.generative.vae`, :mod:`edl.generative.flows`
and :mod:`edl.generative.gans` together; each returns plain tensors and callables (no classes), with a seeded ``torch.Generator`` for every draw.
"""

import math

import torch
from torch import nn

from edl.core import validate as v
from edl.generative import flows as fl
from edl.generative import vae as va
from edl.generative._util import matrix


def _mlp(sizes, generator, act=nn.Tanh):
    layers = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        lin = nn.Linear(a, b, dtype=torch.float64)
        with torch.no_grad():
            lin.weight.copy_(torch.randn(b, a, generator=generator, dtype=torch.float64) * math.sqrt(1.0 / a))
            lin.bias.zero_()
        layers.append(lin)
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def _batches(n, batch, steps, generator):
    for _ in range(steps):
        yield torch.randint(0, n, (batch,), generator=generator)


def train_vae(X, latent_dim: int = 2, hidden: int = 96, steps: int = 1500, lr: float = 2e-3, batch: int = 128,
              seed: int = 0) -> dict:
    r"""Train a VAE with a Gaussian encoder and a Bernoulli decoder on the rows of ``X`` (entries in [0, 1]).

    Loss per example: :math:`-\mathcal L=-\mathbb E_q\log p_\theta(\mathbf x\mid\mathbf z)+\mathrm{KL}(q_\phi\,\|\,\mathcal N(0,I))`,
    one reparameterised sample per example (SGVB, :func:`edl.generative.vae.reparameterize`), the KL in
    closed form (:func:`edl.generative.vae.kl_to_standard_normal`), Adam. Returns ``history`` (the
    mini-batch ELBO per example, nats, one per step), ``encode(x) -> (mu, sigma2)`` and ``decode(z) -> pixel
    probabilities``.

    >>> out = train_vae(torch.rand(20, 4, generator=torch.Generator().manual_seed(0), dtype=torch.float64), steps=3, batch=5)
    >>> out["history"].shape
    torch.Size([3])
    """
    X = matrix("X", X)
    v.require_in_range("X", X, 0.0, 1.0)
    latent_dim, hidden = v.require_int("latent_dim", latent_dim, minimum=1), v.require_int("hidden", hidden, minimum=1)
    steps, batch = v.require_int("steps", steps, minimum=1), v.require_int("batch", batch, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    seed = v.require_int("seed", seed, minimum=0)
    g = torch.Generator().manual_seed(seed)
    d = X.shape[1]
    enc, dec = _mlp([d, hidden, 2 * latent_dim], g), _mlp([latent_dim, hidden, d], g)
    opt = torch.optim.Adam([*enc.parameters(), *dec.parameters()], lr=lr)
    history = []
    for idx in _batches(X.shape[0], batch, steps, g):
        x = X[idx]
        h = enc(x)
        mu, logvar = h[:, :latent_dim], h[:, latent_dim:].clamp(-8, 8)
        eps = torch.randn(mu.shape, generator=g, dtype=X.dtype)
        z = mu + torch.exp(0.5 * logvar) * eps                                  # = reparameterize, batched
        logits = dec(z)
        rec = -nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = va.kl_to_standard_normal(mu, torch.exp(logvar))
        elbo = (rec - kl).mean()
        opt.zero_grad()
        (-elbo).backward()
        opt.step()
        history.append(float(elbo.detach()))
    enc.eval()
    dec.eval()

    def encode(x):
        with torch.no_grad():
            h = enc(torch.as_tensor(x, dtype=torch.float64))
            return h[:, :latent_dim], torch.exp(h[:, latent_dim:].clamp(-8, 8))

    def decode(z):
        with torch.no_grad():
            return torch.sigmoid(dec(torch.as_tensor(z, dtype=torch.float64)))

    return {"history": torch.tensor(history, dtype=torch.float64), "encode": encode, "decode": decode}


def vae_elbo(X, encode, decode, samples: int = 1, seed: int = 0) -> torch.Tensor:
    r"""Monte Carlo ELBO per example of a trained VAE (Bernoulli decoder), averaging ``samples`` draws per example.

    >>> enc = lambda x: (torch.zeros(len(x), 1, dtype=torch.float64), torch.ones(len(x), 1, dtype=torch.float64))
    >>> dec = lambda z: torch.full((len(z), 2), 0.5, dtype=torch.float64)
    >>> round(float(vae_elbo(torch.zeros(3, 2, dtype=torch.float64), enc, dec).mean()), 6)   # 2 log ½
    -1.386294
    """
    X = matrix("X", X)
    v.require_in_range("X", X, 0.0, 1.0)
    v.require_callable("encode", encode)
    v.require_callable("decode", decode)
    samples, seed = v.require_int("samples", samples, minimum=1), v.require_int("seed", seed, minimum=0)
    g = torch.Generator().manual_seed(seed)
    mu, s2 = encode(X)
    rec = 0.0
    for _ in range(samples):
        z = mu + torch.sqrt(s2) * torch.randn(mu.shape, generator=g, dtype=X.dtype)
        p = decode(z).clamp(1e-7, 1 - 1e-7)
        rec = rec + (X * torch.log(p) + (1 - X) * torch.log(1 - p)).sum(1)
    return rec / samples - va.kl_to_standard_normal(mu, s2)


def train_flow_2d(X, layers: int = 6, hidden: int = 32, steps: int = 600, lr: float = 5e-3, batch: int = 256,
                  seed: int = 0) -> dict:
    r"""Fit a RealNVP-style flow of ``layers`` affine couplings (alternating halves) to 2-D data by maximum likelihood.

    Each layer is :func:`edl.generative.flows.affine_coupling` with small tanh networks for :math:`s` and
    :math:`t`; the density is :func:`edl.generative.flows.flow_log_density` with a standard-normal base.
    Returns ``history`` (mini-batch negative log-likelihood per step), ``log_density(x)`` and ``sample(n, generator)``.

    >>> out = train_flow_2d(torch.randn(50, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64), 2, 4, 3, 1e-3, 10)
    >>> out["history"].shape
    torch.Size([3])
    """
    X = matrix("X", X, cols=2)
    layers, hidden = v.require_int("layers", layers, minimum=1), v.require_int("hidden", hidden, minimum=1)
    steps, batch = v.require_int("steps", steps, minimum=1), v.require_int("batch", batch, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
    nets = [(_mlp([1, hidden, 1], g), _mlp([1, hidden, 1], g)) for _ in range(layers)]
    for s, _ in nets:
        with torch.no_grad():
            s[-1].weight.mul_(0.1)

    def make(i):
        s, t = nets[i]
        scale = lambda a: torch.tanh(s(a))  # noqa: E731
        perm = (lambda x: x) if i % 2 == 0 else (lambda x: x.flip(1))
        return (lambda x: _permuted(fl.affine_coupling(perm(x), scale, t, 1), perm),
                lambda y: _permuted(fl.affine_coupling(perm(y), scale, t, 1, inverse=True), perm))

    flow = [make(i) for i in range(layers)]
    opt = torch.optim.Adam([p for pair in nets for net in pair for p in net.parameters()], lr=lr)
    history = []
    for idx in _batches(X.shape[0], batch, steps, g):
        nll = -fl.flow_log_density(X[idx], flow).mean()
        opt.zero_grad()
        nll.backward()
        opt.step()
        history.append(float(nll.detach()))

    def log_density(x):
        with torch.no_grad():
            return fl.flow_log_density(torch.as_tensor(x, dtype=torch.float64), flow)

    def sample(n, generator):
        with torch.no_grad():
            return fl.flow_forward(torch.randn(n, 2, generator=generator, dtype=torch.float64), flow)[0]

    return {"history": torch.tensor(history, dtype=torch.float64), "log_density": log_density, "sample": sample}


def _permuted(out, perm):
    y, ld = out
    return perm(y), ld


def train_gan_2d(X, steps: int = 1200, hidden: int = 48, lr: float = 1e-3, batch: int = 256, latent_dim: int = 2,
                 seed: int = 0) -> dict:
    r"""Train a small GAN with the non-saturating generator loss on 2-D data; alternating Adam steps.

    The discriminator ascends :math:`\frac1m\sum_i[\log D(\mathbf x^{(i)})+\log(1-D(G(\mathbf z^{(i)})))]`; the
    generator ascends :math:`\frac1m\sum_i\log D(G(\mathbf z^{(i)}))` (see ``gan.non-saturating``). Returns
    ``d_loss``, ``g_loss`` per step and ``sample(n, generator)``.

    >>> out = train_gan_2d(torch.randn(50, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64), steps=3, batch=8)
    >>> out["d_loss"].shape
    torch.Size([3])
    """
    X = matrix("X", X, cols=2)
    steps, hidden = v.require_int("steps", steps, minimum=1), v.require_int("hidden", hidden, minimum=1)
    batch, latent_dim = v.require_int("batch", batch, minimum=1), v.require_int("latent_dim", latent_dim, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
    G = _mlp([latent_dim, hidden, hidden, 2], g, act=nn.ReLU)
    D = _mlp([2, hidden, hidden, 1], g, act=nn.ReLU)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=(0.5, 0.999))
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=(0.5, 0.999))
    logsig = nn.functional.logsigmoid
    d_hist, g_hist = [], []
    for idx in _batches(X.shape[0], batch, steps, g):
        fake = G(torch.randn(batch, latent_dim, generator=g, dtype=torch.float64))
        d_loss = -(logsig(D(X[idx])).mean() + logsig(-D(fake.detach())).mean())
        opt_d.zero_grad()
        d_loss.backward()
        opt_d.step()
        g_loss = -logsig(D(fake)).mean()
        opt_g.zero_grad()
        g_loss.backward()
        opt_g.step()
        d_hist.append(float(d_loss.detach()))
        g_hist.append(float(g_loss.detach()))

    def sample(n, generator):
        with torch.no_grad():
            return G(torch.randn(n, latent_dim, generator=generator, dtype=torch.float64))

    return {"d_loss": torch.tensor(d_hist, dtype=torch.float64), "g_loss": torch.tensor(g_hist, dtype=torch.float64),
            "sample": sample}


def ring_data(n: int, modes: int = 8, radius: float = 2.0, sd: float = 0.1, seed: int = 0) -> torch.Tensor:
    r"""``n`` points from ``modes`` equally weighted Gaussians (sd ``sd``) on a circle of radius ``radius``, shape (n, 2).

    >>> ring_data(4, seed=1).shape
    torch.Size([4, 2])
    """
    n, modes = v.require_int("n", n, minimum=1), v.require_int("modes", modes, minimum=1)
    radius, sd = v.require_positive_scalar("radius", radius), v.require_positive_scalar("sd", sd)
    g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
    k = torch.randint(0, modes, (n,), generator=g)
    ang = 2 * math.pi * k.double() / modes
    centres = radius * torch.stack([torch.cos(ang), torch.sin(ang)], 1)
    return centres + sd * torch.randn(n, 2, generator=g, dtype=torch.float64)
