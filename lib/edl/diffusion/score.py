r"""Scores and SDEs: ε-prediction as score estimation, Tweedie's formula, the score of a diffused
Gaussian mixture, and the variance-preserving forward and reverse SDEs.

Chapter 10, "Diffusion models" (book labels ``diffusion.score-noise``, ``diffusion.forward-sde``,
``diffusion.reverse-sde``). Batched tensor code: points are rows ``(N, d)``; dtype and device follow
the input, and randomness comes from a ``torch.Generator`` on that device.
"""

import math
from collections.abc import Callable

import torch

from edl.core import validate as v
from edl.diffusion.forward import _callable, _float, _scalar


def _points(name, x):
    t = _float(name, x)
    v.require_ndim(name, t, 2)
    return t


def _generator(generator):
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    return generator


# --- noise and score -------------------------------------------------------------------------------

def score_from_eps(eps, abar) -> torch.Tensor:
    r"""The score of the forward marginal from the noise: :math:`\nabla_{\mathbf x_t}\log q(\mathbf x_t\mid\mathbf x_0)=-\boldsymbol\epsilon/\sqrt{1-\bar\alpha_t}`.

    Book label: ``diffusion.score-noise``. The same map turns the optimal
    :math:`\boldsymbol\epsilon^*(\mathbf x_t)=\mathbb E[\boldsymbol\epsilon\mid\mathbf x_t]` into the marginal
    score :math:`\nabla\log q_t(\mathbf x_t)`, so predicting the noise is estimating the score.

    >>> round(float(score_from_eps(1.0, 0.75)), 6)
    -2.0
    """
    e = _float("eps", eps)
    a = _float("abar", abar, like=e)
    v.require_in_range("abar", a, 0.0, 1.0, closed=False)
    return -e / torch.sqrt(1 - a)


def tweedie_mean(xt, score, abar) -> torch.Tensor:
    r"""Tweedie's formula: the posterior mean of the clean data from a noisy point and the score.

    .. math:: \mathbb E[\mathbf x_0\mid\mathbf x_t]=\frac{\mathbf x_t+(1-\bar\alpha_t)\nabla\log q_t(\mathbf x_t)}{\sqrt{\bar\alpha_t}}

    Book label: ``diffusion.score-noise``.

    >>> round(float(tweedie_mean(1.0, -1.0, 0.5)), 6)  # (1 − 0.5) / √0.5
    0.707107
    """
    x = _float("xt", xt)
    s = _float("score", score, like=x)
    v.require_same_shape("xt", x, "score", s)
    a = _float("abar", abar, like=x)
    v.require_in_range("abar", a, 0.0, 1.0, closed=False)
    return (x + (1 - a) * s) / torch.sqrt(a)


def mixture_score(x, means, var, weights=None) -> torch.Tensor:
    r"""Score :math:`\nabla\log p(\mathbf x)` of an isotropic Gaussian mixture, batched over points.

    .. math:: p(\mathbf x)=\sum_kw_k\mathcal N(\mathbf x;\boldsymbol\mu_k,vI),\qquad
              \nabla\log p(\mathbf x)=\sum_kr_k(\mathbf x)\frac{\boldsymbol\mu_k-\mathbf x}{v},\quad
              r_k=\frac{w_k\mathcal N(\mathbf x;\boldsymbol\mu_k,vI)}{p(\mathbf x)}

    Book label: ``diffusion.score-noise`` (the diffused 8-Gaussian ring has means
    :math:`\sqrt{\bar\alpha_t}\boldsymbol\mu_k` and variance :math:`\bar\alpha_t\sigma^2+1-\bar\alpha_t`).
    ``x`` : (N, d); ``means`` : (K, d); ``var`` : :math:`v>0`; ``weights`` : (K,), default equal.

    >>> mixture_score([[0.0]], [[-1.0], [1.0]], 1.0).tolist()  # symmetric: zero at the middle
    [[0.0]]
    """
    x = _points("x", x)
    mu = _points("means", means).to(dtype=x.dtype, device=x.device)
    if mu.shape[1] != x.shape[1]:
        raise ValueError(f"means must have {x.shape[1]} columns like x, got shape {tuple(mu.shape)}")
    var = _scalar("var", var, like=x)
    v.require_positive("var", var)
    diff = mu[None, :, :] - x[:, None, :]                       # (N, K, d)
    logits = -(diff**2).sum(-1) / (2 * var)                     # (N, K); equal weights: softmax ignores a shift
    if weights is not None:
        w = _float("weights", weights, like=x)
        if w.shape != mu.shape[:1]:
            raise ValueError(f"weights must have shape ({mu.shape[0]},), one per row of means, got {tuple(w.shape)}")
        v.require_distribution("weights", w)
        logits = logits + torch.log(w)
    r = torch.softmax(logits, -1)
    return (r[..., None] * diff).sum(1) / var


# --- the variance-preserving SDE ------------------------------------------------------------------

def linear_beta(t, beta_min: float = 0.1, beta_max: float = 20.0):
    r"""The continuous schedule :math:`\beta(t)=\beta_{\min}+t(\beta_{\max}-\beta_{\min})` on :math:`[0,1]`, and :math:`B(t)=\int_0^t\beta`.

    Book label: ``diffusion.forward-sde``. Returns ``(beta, B)``.

    >>> [round(float(z), 6) for z in linear_beta(1.0)]
    [20.0, 10.05]
    """
    t = _float("t", t)
    lo, hi = v.require_scalar("beta_min", beta_min), v.require_scalar("beta_max", beta_max)
    v.require_positive("beta_min", lo)
    v.require_positive("beta_max", hi)
    return lo + t * (hi - lo), lo * t + 0.5 * (hi - lo) * t**2


def vp_moments(m0, v0, B) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Mean and variance of the variance-preserving SDE :math:`d\mathbf x=-\frac12\beta(t)\mathbf x\,dt+\sqrt{\beta(t)}\,d\mathbf W_t`.

    .. math:: m_t=m_0e^{-B(t)/2},\qquad v_t=1+(v_0-1)e^{-B(t)},\qquad B(t)=\int_0^t\beta(s)\,ds

    Book label: ``diffusion.forward-sde``. The DDPM chain is its discretisation, with
    :math:`\sqrt{1-\beta_t}\approx1-\beta_t/2`.

    >>> [round(float(z), 6) for z in vp_moments(2.0, 0.25, math.log(4.0))]
    [1.0, 0.8125]
    """
    m0 = _float("m0", m0)
    v0, B = _float("v0", v0, like=m0), _float("B", B, like=m0)
    v.require_positive("v0", v0, strict=False)
    v.require_positive("B", B, strict=False)
    return m0 * torch.exp(-B / 2), 1 + (v0 - 1) * torch.exp(-B)


def vp_sde_forward(x0, beta: Callable, steps: int, generator: torch.Generator, t_end: float = 1.0) -> torch.Tensor:
    r"""Euler–Maruyama paths of the forward VP-SDE from ``x0`` (any shape) on :math:`[0,t_{\text{end}}]`.

    .. math:: \mathbf x_{k+1}=\mathbf x_k-\tfrac12\beta(t_k)\mathbf x_k\,\Delta t+\sqrt{\beta(t_k)\,\Delta t}\;\mathbf z_k

    Book label: ``diffusion.forward-sde``. ``beta`` : the function :math:`t\mapsto\beta(t)`. Returns the
    end points, same shape as ``x0``.

    >>> x = vp_sde_forward(torch.zeros(5), lambda t: 1.0, 10, torch.Generator().manual_seed(0))
    >>> tuple(x.shape)
    (5,)
    """
    x = _float("x0", x0)
    _callable("beta", beta)
    steps = v.require_int("steps", steps, minimum=1)
    t_end = v.require_scalar("t_end", t_end)
    v.require_positive("t_end", t_end)
    g, dt = _generator(generator), t_end / steps
    for k in range(steps):
        b = float(beta(k * dt))
        z = torch.randn(x.shape, generator=g, dtype=x.dtype, device=x.device)
        x = x - 0.5 * b * x * dt + math.sqrt(b * dt) * z
    return x


def vp_sde_reverse(xT, score: Callable, beta: Callable, steps: int, generator: torch.Generator,
                   t_end: float = 1.0) -> torch.Tensor:
    r"""Euler–Maruyama integration of the reverse-time SDE (Anderson) from :math:`t_{\text{end}}` down to 0.

    .. math:: d\mathbf x=\big[-\tfrac12\beta(t)\mathbf x-\beta(t)\nabla_{\mathbf x}\log q_t(\mathbf x)\big]dt+\sqrt{\beta(t)}\,d\bar{\mathbf W}_t,
              \qquad dt<0

    so one step back reads :math:`\mathbf x\leftarrow\mathbf x+\big[\frac12\beta\mathbf x+\beta\,\nabla\log q_t(\mathbf x)\big]\Delta t+\sqrt{\beta\Delta t}\,\mathbf z`.
    Book label: ``diffusion.reverse-sde``. ``score(x, t)`` : :math:`\nabla\log q_t`; ``xT`` : start
    points, drawn from :math:`q_{t_{\text{end}}}\approx\mathcal N(0,I)`. Returns the end points at :math:`t=0`.

    >>> x = vp_sde_reverse(torch.zeros(3), lambda x, t: -x, lambda t: 1.0, 10, torch.Generator().manual_seed(0))
    >>> tuple(x.shape)
    (3,)
    """
    x = _float("xT", xT)
    _callable("score", score)
    _callable("beta", beta)
    steps = v.require_int("steps", steps, minimum=1)
    t_end = v.require_scalar("t_end", t_end)
    v.require_positive("t_end", t_end)
    g, dt = _generator(generator), t_end / steps
    for k in range(steps, 0, -1):
        t = k * dt
        b = float(beta(t))
        z = torch.randn(x.shape, generator=g, dtype=x.dtype, device=x.device)
        x = x + (0.5 * b * x + b * score(x, t)) * dt + math.sqrt(b * dt) * z
    return x
