r"""Sampling: the 8-Gaussian ring, ancestral sampling, the analytic optimal denoiser (unconditional and
class-conditional), a small DDPM and its training loop, and the MMD between samples.

Chapter 10, "Diffusion models" (book labels ``diffusion.sampling``, ``diffusion.conditional``,
``diffusion.simple-loss``). Everything is batched tensor code that runs unchanged on CPU or GPU:
the device (and dtype) follow the input tensors, and randomness comes from a ``torch.Generator`` on
that device.
"""

import math
from collections.abc import Callable

import torch
from torch import nn

from edl.core import validate as v
from edl.diffusion.elbo import posterior_coefficients, simple_loss
from edl.diffusion.forward import _betas, _callable, _dtype_device, _float, _scalar, alpha_bar
from edl.diffusion.score import _generator, _points, mixture_score


# --- data ----------------------------------------------------------------------------------------

def ring_means(k: int = 8, radius: float = 2.0, *, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""The centres :math:`r(\cos\frac{2\pi j}k,\sin\frac{2\pi j}k)`, :math:`j=0..k-1`, shape (k, 2).

    >>> [round(x, 6) for x in ring_means(4, 1.0)[1].tolist()]
    [0.0, 1.0]
    """
    k = v.require_int("k", k, minimum=1)
    dtype, device = _dtype_device(dtype, device)
    radius = v.require_scalar("radius", radius)
    v.require_positive("radius", radius)
    angle = 2 * math.pi * torch.arange(k, dtype=dtype, device=device) / k
    out = radius * torch.stack([torch.cos(angle), torch.sin(angle)], -1)
    return torch.where(out.abs() < 1e-12, torch.zeros_like(out), out)


def ring_data(n: int, generator: torch.Generator, k: int = 8, radius: float = 2.0, sigma: float = 0.1,
              *, dtype=torch.float64) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``n`` draws from the ring of ``k`` equal-weight Gaussians :math:`\mathcal N(\boldsymbol\mu_j,\sigma^2I)`, with their mode labels.

    The device is the generator's. Returns ``(x, labels)``, shapes (n, 2) and (n,).

    >>> x, y = ring_data(5, torch.Generator().manual_seed(0))
    >>> tuple(x.shape), tuple(y.shape)
    ((5, 2), (5,))
    """
    n = v.require_int("n", n, minimum=1)
    g = _generator(generator)
    _dtype_device(dtype, g.device)
    sigma = v.require_scalar("sigma", sigma)
    v.require_positive("sigma", sigma, strict=False)
    mu = ring_means(k, radius, dtype=dtype, device=g.device)
    labels = torch.randint(0, len(mu), (n,), generator=g, device=g.device)
    return mu[labels] + sigma * torch.randn(n, 2, generator=g, dtype=dtype, device=g.device), labels


def mmd2(x, y, bandwidth: float = 0.5) -> torch.Tensor:
    r"""Squared maximum mean discrepancy with the Gaussian kernel :math:`k(\mathbf x,\mathbf y)=e^{-\|\mathbf x-\mathbf y\|^2/(2h^2)}` (biased, V-statistic).

    .. math:: \widehat{\mathrm{MMD}}^2=\overline{k(X,X)}+\overline{k(Y,Y)}-2\,\overline{k(X,Y)}

    ``x`` : (N, d); ``y`` : (M, d); ``bandwidth`` : :math:`h`. Zero for identical samples.

    >>> round(float(mmd2([[0.0]], [[0.0]])), 6)
    0.0
    """
    x, y = _points("x", x), _points("y", y)
    y = y.to(dtype=x.dtype, device=x.device)
    if x.shape[1] != y.shape[1]:
        raise ValueError(f"x and y must have the same number of columns, got {x.shape[1]} and {y.shape[1]}")
    h = v.require_scalar("bandwidth", bandwidth)
    v.require_positive("bandwidth", h)

    def k(a, b):  # mean kernel value; squared distances as |a|² + |b|² − 2 a·b, clamped at 0 against rounding
        sq = (a * a).sum(-1)[:, None] + (b * b).sum(-1)[None, :] - 2 * a @ b.T
        return torch.exp(-sq.clamp(min=0) / (2 * h * h)).mean()

    return k(x, x) + k(y, y) - 2 * k(x, y)


def nearest_mode(x, means) -> torch.Tensor:
    """Index of the nearest centre for each row of ``x`` (N, d); ``means`` (K, d). Returns (N,) integers.

    >>> nearest_mode([[0.9, 0.1], [-2.0, 0.0]], ring_means(4, 1.0)).tolist()
    [0, 2]
    """
    x, mu = _points("x", x), _points("means", means)
    if x.shape[1] != mu.shape[1]:
        raise ValueError(f"x and means must have the same number of columns, got {x.shape[1]} and {mu.shape[1]}")
    return torch.cdist(x, mu.to(dtype=x.dtype, device=x.device)).argmin(-1)


# --- the analytic optimal denoiser ----------------------------------------------------------------

def optimal_eps_mixture(means, sigma2: float, betas) -> Callable:
    r"""The optimal noise predictor for data from an isotropic Gaussian mixture, as a function ``eps(x_t, t)``.

    .. math:: \boldsymbol\epsilon^*(\mathbf x_t,t)=\mathbb E[\boldsymbol\epsilon\mid\mathbf x_t]
              =-\sqrt{1-\bar\alpha_t}\,\nabla\log q_t(\mathbf x_t),\qquad
              q_t=\frac1K\sum_k\mathcal N\big(\sqrt{\bar\alpha_t}\boldsymbol\mu_k,\ (\bar\alpha_t\sigma^2+1-\bar\alpha_t)I\big)

    Book labels: ``diffusion.sampling`` and, with a single centre (the requested class),
    ``diffusion.conditional``. ``means`` : (K, d); ``sigma2`` : :math:`\sigma^2`; ``t`` in the returned
    function : step indices 1..T, shape (N,).

    >>> eps = optimal_eps_mixture([[0.0, 0.0]], 1.0, [0.5])  # N(0, I) data: ε* = √β x
    >>> [round(z, 6) for z in eps(torch.tensor([[1.0, 2.0]]).double(), torch.tensor([1]))[0].tolist()]
    [0.707107, 1.414214]
    """
    mu = _points("means", means)
    s2 = _scalar("sigma2", sigma2, like=mu)
    v.require_positive("sigma2", s2, strict=False)
    abar = alpha_bar(betas).to(dtype=mu.dtype, device=mu.device)

    def eps(x, t):
        a = abar[torch.as_tensor(t, device=abar.device) - 1].reshape(-1, 1, 1)   # (N, 1, 1)
        var = a * s2 + 1 - a
        diff = torch.sqrt(a) * mu.to(x.device)[None] - x[:, None, :]             # (N, K, d)
        r = torch.softmax(-(diff**2).sum(-1) / (2 * var[..., 0]), -1)            # (N, K)
        score = (r[..., None] * diff).sum(1) / var[:, 0]                          # (N, d)
        return -torch.sqrt(1 - a[:, 0]) * score

    return eps


# --- ancestral sampling ----------------------------------------------------------------------------

def ancestral_sample(eps_model: Callable, betas, xT, generator: torch.Generator, *, variance: str = "beta",
                     trajectory: bool = False) -> torch.Tensor:
    r"""Run the learned reverse chain from Gaussian noise (DDPM sampling), batched over rows of ``xT``.

    .. math:: \mathbf x_{t-1}=\frac1{\sqrt{\alpha_t}}\Big(\mathbf x_t-\frac{1-\alpha_t}{\sqrt{1-\bar\alpha_t}}\,
              \boldsymbol\epsilon_\theta(\mathbf x_t,t)\Big)+\sigma_t\mathbf z,\qquad
              \mathbf z\sim\mathcal N(0,I)\text{ for }t>1,\ \mathbf z=0\text{ for }t=1

    Book label: ``diffusion.sampling``. ``eps_model(x, t)`` : the noise predictor, ``t`` a tensor of step
    indices (N,); ``xT`` : (N, d) draws from :math:`\mathcal N(0,I)`; ``variance`` : ``"beta"``
    (:math:`\sigma_t^2=\beta_t`) or ``"tilde"`` (:math:`\tilde\beta_t`). Returns :math:`\mathbf x_0`
    (N, d), or with ``trajectory=True`` every :math:`\mathbf x_t`, shape (T+1, N, d), from :math:`t=T` down.

    >>> eps = optimal_eps_mixture([[0.0, 0.0]], 1.0, [0.1, 0.2])
    >>> tuple(ancestral_sample(eps, [0.1, 0.2], torch.zeros(4, 2).double(), torch.Generator().manual_seed(0)).shape)
    (4, 2)
    """
    x = _points("xT", xT)
    _callable("eps_model", eps_model)
    if not isinstance(trajectory, bool):
        raise ValueError(f"trajectory must be True or False, got {trajectory!r}")
    b = _betas(betas).to(dtype=x.dtype, device=x.device)
    g = _generator(generator)
    if variance not in ("beta", "tilde"):
        raise ValueError(f"variance must be 'beta' or 'tilde', got {variance!r}")
    abar = alpha_bar(b)
    sigma2 = b if variance == "beta" else posterior_coefficients(b)[2]
    path = [x]
    for t in range(len(b), 0, -1):
        steps = torch.full((x.shape[0],), t, dtype=torch.long, device=x.device)
        beta = b[t - 1]
        mean = (x - beta / torch.sqrt(1 - abar[t - 1]) * eps_model(x, steps)) / torch.sqrt(1 - beta)
        if t > 1:
            mean = mean + torch.sqrt(sigma2[t - 1]) * torch.randn(x.shape, generator=g, dtype=x.dtype, device=x.device)
        x = mean
        if trajectory:
            path.append(x)
    return torch.stack(path) if trajectory else x


# --- a small DDPM ----------------------------------------------------------------------------------

def time_embedding(t, T: int, dim: int = 16) -> torch.Tensor:
    r"""Sinusoidal embedding of step indices: :math:`(\sin(\omega_jt/T),\cos(\omega_jt/T))_j`, :math:`\omega_j=1000^{j/(\dim/2)}`.

    ``t`` : (N,) integers; returns (N, dim) float32 on ``t``'s device.

    >>> tuple(time_embedding(torch.tensor([1, 2]), 10).shape)
    (2, 16)
    """
    dim = v.require_int("dim", dim, minimum=2)
    if dim % 2:
        raise ValueError(f"dim must be even, got {dim}")
    T = v.require_int("T", T, minimum=1)
    try:
        t = torch.as_tensor(t)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"t must be a tensor of step indices, got {t!r}") from err
    v.require_ndim("t", t, 1)
    freqs = 1000.0 ** (torch.arange(dim // 2, device=t.device, dtype=torch.float32) / (dim // 2))
    angle = (t.to(torch.float32) / T)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(angle), torch.cos(angle)], -1)


class EpsMLP(nn.Module):
    r"""The noise predictor :math:`\boldsymbol\epsilon_\theta(\mathbf x_t,t)`: an MLP on :math:`[\mathbf x_t,\text{embed}(t)]` with SiLU units.

    ``d`` : data dimension; ``T`` : number of steps; ``width``, ``depth`` : hidden layers.
    """

    def __init__(self, d: int = 2, T: int = 100, width: int = 128, depth: int = 3, embed: int = 16):
        super().__init__()
        self.d, self.T, self.embed = (v.require_int(n, x, minimum=1) for n, x in (("d", d), ("T", T), ("embed", embed)))
        width, depth = v.require_int("width", width, minimum=1), v.require_int("depth", depth, minimum=1)
        layers, n_in = [], d + embed
        for _ in range(depth):
            layers += [nn.Linear(n_in, width), nn.SiLU()]
            n_in = width
        self.net = nn.Sequential(*layers, nn.Linear(n_in, d))

    def forward(self, x, t):
        emb = time_embedding(t, self.T, self.embed).to(dtype=x.dtype, device=x.device)
        return self.net(torch.cat([x, emb], -1))


def train_ddpm(data, betas, steps: int, generator: torch.Generator, *, batch: int = 512, lr: float = 2e-3,
               warmup: int = 100, width: int = 128, depth: int = 3) -> tuple[EpsMLP, torch.Tensor]:
    r"""Train an :class:`EpsMLP` on ``data`` (N, d) with the simple loss: Adam, linear warm-up, cosine decay.

    Each step draws a batch of data, steps :math:`t\sim U\{1..T\}` and noise from ``generator``, and takes
    a gradient step of :func:`~edl.diffusion.elbo.simple_loss` **in θ**. The model is built on the data's
    device, in float32, with parameters drawn from ``generator``. This is the chapter's end-to-end
    experiment, built on the formula of ``diffusion.simple-loss``.
    Returns ``(model, losses)`` with the loss of every step, shape (steps,).
    """
    x = _points("data", data).to(torch.float32)
    b = _betas(betas)
    steps, batch = v.require_int("steps", steps, minimum=1), v.require_int("batch", batch, minimum=1)
    warmup = v.require_int("warmup", warmup, minimum=0)
    lr = v.require_scalar("lr", lr)
    v.require_positive("lr", lr)
    g = _generator(generator)
    abar = alpha_bar(b).to(device=x.device, dtype=torch.float32)
    model = EpsMLP(x.shape[1], len(b), width, depth).to(x.device)
    with torch.no_grad():
        for p in model.parameters():  # He-style init from the generator, so training is reproducible
            if p.ndim == 2:
                p.copy_(torch.randn(p.shape, generator=g, device=g.device).to(x.device) * math.sqrt(2.0 / p.shape[1]))
            else:
                p.zero_()
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min(1.0, (k + 1) / max(warmup, 1)) * 0.5 * (1 + math.cos(math.pi * min(k / steps, 1.0))))
    losses = torch.empty(steps)
    for k in range(steps):
        idx = torch.randint(0, x.shape[0], (batch,), generator=g, device=g.device).to(x.device)
        t = torch.randint(1, len(b) + 1, (batch,), generator=g, device=g.device).to(x.device)
        noise = torch.randn(batch, x.shape[1], generator=g, device=g.device).to(x.device)
        loss = simple_loss(model, x[idx], t, noise, abar)
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        losses[k] = loss.detach()
    return model, losses
