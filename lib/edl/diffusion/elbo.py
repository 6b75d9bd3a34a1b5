r"""The forward posterior, the diffusion ELBO and its decomposition, the equal-variance KL, the
ε-parameterisation and the simple loss.

Chapter 10, "Diffusion models" (book labels ``diffusion.posterior``, ``diffusion.posterior-mean-eps``,
``diffusion.elbo``, ``diffusion.reverse-model``, ``diffusion.kl-equal-variance``,
``diffusion.eps-parameterization``, ``diffusion.simple-loss``). Time steps are 1-indexed:
``betas[t - 1]`` is :math:`\beta_t`, and :math:`\bar\alpha_0=1`. Tensors in, tensors out; dtype and
device follow the input.
"""

import math

import torch

from edl.core import validate as v
from edl.diffusion.forward import _betas, _callable, _float, _scalar, alpha_bar


def _step(t, T: int) -> int:
    t = v.require_int("t", t, minimum=1)
    if t > T:
        raise ValueError(f"t must lie in 1..{T} (the schedule's length), got {t}")
    return t


def _abar_prev(betas) -> tuple[torch.Tensor, torch.Tensor]:
    """(ᾱ_t, ᾱ_{t-1}) for t = 1..T, with ᾱ_0 = 1."""
    abar = alpha_bar(betas)
    return abar, torch.cat([torch.ones_like(abar[:1]), abar[:-1]])


# --- the forward posterior ------------------------------------------------------------------------

def posterior_coefficients(betas) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Coefficients of :math:`q(\mathbf x_{t-1}\mid\mathbf x_t,\mathbf x_0)=\mathcal N(\tilde\mu_t,\tilde\beta_tI)` for every t.

    .. math:: \tilde\mu_t=\frac{\sqrt{\bar\alpha_{t-1}}\,\beta_t}{1-\bar\alpha_t}\mathbf x_0
              +\frac{\sqrt{\alpha_t}\,(1-\bar\alpha_{t-1})}{1-\bar\alpha_t}\mathbf x_t,\qquad
              \tilde\beta_t=\frac{1-\bar\alpha_{t-1}}{1-\bar\alpha_t}\beta_t

    Book label: ``diffusion.posterior``. Returns ``(coef_x0, coef_xt, variance)``, each shape (T,). At
    :math:`t=1` the posterior is the point mass at :math:`\mathbf x_0` (coefficients 1, 0 and variance 0).

    >>> [[round(x, 6) for x in c.tolist()] for c in posterior_coefficients([0.5, 0.5])]
    [[1.0, 0.471405], [0.0, 0.471405], [0.0, 0.333333]]
    """
    b = _betas(betas)
    abar, prev = _abar_prev(b)
    return torch.sqrt(prev) * b / (1 - abar), torch.sqrt(1 - b) * (1 - prev) / (1 - abar), (1 - prev) / (1 - abar) * b


def posterior(x0, xt, t: int, betas) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Mean :math:`\tilde\mu_t(\mathbf x_t,\mathbf x_0)` and variance :math:`\tilde\beta_t` of the forward posterior.

    Book label: ``diffusion.posterior`` (see :func:`posterior_coefficients`). ``x0``, ``xt`` : same shape.

    >>> [round(float(z), 6) for z in posterior(1.0, 0.0, 2, [0.5, 0.5])]
    [0.471405, 0.333333]
    """
    x0 = _float("x0", x0)
    xt = _float("xt", xt, like=x0)
    v.require_same_shape("x0", x0, "xt", xt)
    c0, ct, var = posterior_coefficients(betas)
    t = _step(t, len(c0))
    c0, ct, var = (c.to(device=x0.device, dtype=x0.dtype) for c in (c0, ct, var))
    return c0[t - 1] * x0 + ct[t - 1] * xt, var[t - 1]


def posterior_mean_from_eps(xt, eps, t: int, betas) -> torch.Tensor:
    r"""The posterior mean written through the noise, after substituting :math:`\mathbf x_0=(\mathbf x_t-\sqrt{1-\bar\alpha_t}\,\boldsymbol\epsilon)/\sqrt{\bar\alpha_t}`.

    .. math:: \tilde\mu_t=\frac1{\sqrt{\alpha_t}}\Big(\mathbf x_t-\frac{\beta_t}{\sqrt{1-\bar\alpha_t}}\,\boldsymbol\epsilon\Big)

    Book labels: ``diffusion.posterior-mean-eps``; with a network's :math:`\boldsymbol\epsilon_\theta(\mathbf x_t,t)`
    in place of :math:`\boldsymbol\epsilon` it is the model mean :math:`\mu_\theta` of
    ``diffusion.eps-parameterization``.

    >>> round(float(posterior_mean_from_eps(1.0, 0.0, 1, [0.36])), 6)  # x_t / √0.64
    1.25
    """
    xt = _float("xt", xt)
    e = _float("eps", eps, like=xt)
    v.require_same_shape("xt", xt, "eps", e)
    b = _betas(betas).to(device=xt.device, dtype=xt.dtype)
    t = _step(t, len(b))
    abar = alpha_bar(b)[t - 1]
    beta = b[t - 1]
    return (xt - beta / torch.sqrt(1 - abar) * e) / torch.sqrt(1 - beta)


# --- Gaussian KL divergences --------------------------------------------------------------------

def gaussian_kl(mu_q, var_q, mu_p, var_p) -> torch.Tensor:
    r"""Elementwise :math:`\mathrm{KL}(\mathcal N(\mu_q,\sigma_q^2)\,\|\,\mathcal N(\mu_p,\sigma_p^2))`.

    .. math:: \frac12\Big(\log\frac{\sigma_p^2}{\sigma_q^2}+\frac{\sigma_q^2+(\mu_q-\mu_p)^2}{\sigma_p^2}-1\Big)

    Book label: ``diffusion.kl-equal-variance`` (the general case). Sum over coordinates for isotropic
    Gaussians.

    >>> round(float(gaussian_kl(0.0, 1.0, 1.0, 1.0)), 6)
    0.5
    """
    mq = _float("mu_q", mu_q)
    vq, mp, vp = (_float(n, x, like=mq) for n, x in (("var_q", var_q), ("mu_p", mu_p), ("var_p", var_p)))
    v.require_positive("var_q", vq)
    v.require_positive("var_p", vp)
    return 0.5 * (torch.log(vp / vq) + (vq + (mq - mp) ** 2) / vp - 1)


def kl_equal_variance(mu_q, mu_p, var) -> torch.Tensor:
    r"""KL between two isotropic Gaussians with the same variance: a scaled squared distance of the means.

    .. math:: \mathrm{KL}\big(\mathcal N(\boldsymbol\mu_q,\sigma^2I)\,\|\,\mathcal N(\boldsymbol\mu_p,\sigma^2I)\big)=\frac{\|\boldsymbol\mu_q-\boldsymbol\mu_p\|^2}{2\sigma^2}

    Book label: ``diffusion.kl-equal-variance``. ``mu_q``, ``mu_p`` : shape (..., d); ``var`` :
    :math:`\sigma^2`, broadcasting against (...). Returns shape (...).

    >>> round(float(kl_equal_variance([1.0, 2.0], [0.0, 0.0], 0.5)), 6)
    5.0
    """
    mq = _float("mu_q", mu_q)
    mp = _float("mu_p", mu_p, like=mq)
    v.require_same_shape("mu_q", mq, "mu_p", mp)
    var = _float("var", var, like=mq)
    v.require_positive("var", var)
    return ((mq - mp) ** 2).sum(-1) / (2 * var)


def kl_constant(var_q, var_p, d: int = 1) -> torch.Tensor:
    r"""The mean-free part of the KL when the model variance :math:`\sigma_t^2` differs from :math:`\tilde\beta_t`.

    .. math:: C_t=\frac d2\Big(\frac{\tilde\beta_t}{\sigma_t^2}-1-\log\frac{\tilde\beta_t}{\sigma_t^2}\Big)\ \ (=0\text{ iff }\sigma_t^2=\tilde\beta_t)

    Book label: ``diffusion.kl-equal-variance``.

    >>> round(float(kl_constant(1.0, 2.0, 2)), 6)
    0.193147
    """
    vq = _float("var_q", var_q)
    vp = _float("var_p", var_p, like=vq)
    v.require_positive("var_q", vq)
    v.require_positive("var_p", vp)
    d = v.require_int("d", d, minimum=1)
    r = vq / vp
    return 0.5 * d * (r - 1 - torch.log(r))


def eps_weight(betas, sigma2) -> torch.Tensor:
    r"""The weight :math:`\phi_t` that turns each denoising KL into a noise-regression loss.

    .. math:: \|\tilde\mu_t-\mu_\theta\|^2=\frac{\beta_t^2}{\alpha_t(1-\bar\alpha_t)}\|\boldsymbol\epsilon-\boldsymbol\epsilon_\theta\|^2
              \quad\Rightarrow\quad L_{t-1}=\phi_t\|\boldsymbol\epsilon-\boldsymbol\epsilon_\theta\|^2+C_t,\qquad
              \phi_t=\frac{\beta_t^2}{2\sigma_t^2\,\alpha_t\,(1-\bar\alpha_t)}

    Book label: ``diffusion.eps-parameterization``. ``sigma2`` : :math:`\sigma_t^2`, shape (T,) or a number.

    >>> round(float(eps_weight([0.5], 0.5)[0]), 6)  # 0.25 / (2 · 0.5 · 0.5 · 0.5)
    1.0
    """
    b = _betas(betas)
    s2 = _float("sigma2", sigma2, like=b)
    v.require_positive("sigma2", s2)
    if s2.numel() != 1 and s2.shape != b.shape:
        raise ValueError(f"sigma2 must be one number or one per step of betas ({b.numel()}), got shape {tuple(s2.shape)}")
    return b**2 / (2 * s2 * (1 - b) * (1 - alpha_bar(b)))


# --- the ELBO of a linear-Gaussian reverse model (1-D) ---------------------------------------------

def _linear_model(x0, alphas, a, b, s2):
    x0 = _float("x0", x0)
    if x0.numel() != 1:
        raise ValueError(f"x0 must be one number (the 1-D data point), got shape {tuple(x0.shape)}")
    al = _float("alphas", alphas, like=x0)
    v.require_ndim("alphas", al, 1)
    v.require_in_range("alphas", al, 0.0, 1.0, closed=False)
    out = [x0.reshape(()), al]
    for name, value in (("a", a), ("b", b), ("s2", s2)):
        t = _float(name, value, like=x0)
        v.require_ndim(name, t, 1)
        v.require_same_shape("alphas", al, name, t)
        out.append(t)
    v.require_positive("s2", out[-1])
    return out


def elbo_linear_gaussian(x0, alphas, a, b, s2, prior_mean=0.0, prior_var=1.0) -> dict:
    r"""The diffusion ELBO of one 1-D data point, term by term, for a linear-Gaussian reverse model.

    .. math:: \log p_\theta(x_0)\ge
              \underbrace{\mathbb E_{q(x_1|x_0)}\log p_\theta(x_0\mid x_1)}_{-L_0}
              -\underbrace{\mathrm{KL}(q(x_T\mid x_0)\|p(x_T))}_{L_T}
              -\sum_{t=2}^T\underbrace{\mathbb E_{q(x_t|x_0)}\mathrm{KL}\big(q(x_{t-1}\mid x_t,x_0)\,\|\,p_\theta(x_{t-1}\mid x_t)\big)}_{L_{t-1}}

    Book label: ``diffusion.elbo``. The forward kernels are :math:`q(x_t\mid x_{t-1})=\mathcal N(\sqrt{\alpha_t}x_{t-1},1-\alpha_t)`
    (``alphas`` : :math:`\alpha_t`, shape (T,)); the reverse model is :math:`p(x_T)=\mathcal N(m_p,v_p)`
    (``prior_mean``, ``prior_var``) and :math:`p_\theta(x_{t-1}\mid x_t)=\mathcal N(a_tx_t+b_t,s_t^2)` (``a``,
    ``b``, ``s2``, each shape (T,)). Every expectation is Gaussian and taken in closed form. Returns a dict:
    ``"reconstruction"`` (:math:`-L_0`), ``"prior"`` (:math:`L_T`), ``"denoising"`` (:math:`L_1..L_{T-1}`,
    shape (T-1,)) and ``"elbo"``.

    >>> terms = elbo_linear_gaussian(1.3, [0.9, 0.7, 0.5], [0.8, 0.6, 0.5], [0.2, -0.1, 0.05], [0.1, 0.3, 0.4])
    >>> round(float(terms["elbo"]), 4)
    -2.1972
    """
    x0, al, a, b, s2 = _linear_model(x0, alphas, a, b, s2)
    mp = _scalar("prior_mean", prior_mean, like=x0)
    vp = _scalar("prior_var", prior_var, like=x0)
    v.require_positive("prior_var", vp)
    abar = torch.cumprod(al, 0)
    m, var = torch.sqrt(abar) * x0, 1 - abar  # q(x_t | x_0), t = 1..T
    recon = -0.5 * torch.log(2 * math.pi * s2[0]) - ((x0 - a[0] * m[0] - b[0]) ** 2 + a[0] ** 2 * var[0]) / (2 * s2[0])
    prior = gaussian_kl(m[-1], var[-1], mp, vp)
    c0, ct, tilde = posterior_coefficients(1 - al)
    c0, ct, tilde, aa, bb, ss = c0[1:], ct[1:], tilde[1:], a[1:], b[1:], s2[1:]  # steps t = 2..T
    # E over x_t ~ N(m_t, v_t) of (μ̃ − μ_θ)² with μ̃ − μ_θ = c0 x0 + (ct − a_t) x_t − b_t
    mean_gap = c0 * x0 + (ct - aa) * m[1:] - bb
    sq = mean_gap**2 + (ct - aa) ** 2 * var[1:]
    denoising = 0.5 * (torch.log(ss / tilde) + (tilde + sq) / ss - 1)
    return {"reconstruction": recon, "prior": prior, "denoising": denoising,
            "elbo": recon - prior - denoising.sum()}


def elbo_samples_linear_gaussian(x0, alphas, a, b, s2, n: int, generator: torch.Generator,
                                 prior_mean=0.0, prior_var=1.0) -> torch.Tensor:
    r"""Monte Carlo draws of :math:`\log\frac{p_\theta(x_{0:T})}{q(x_{1:T}\mid x_0)}` over ``n`` forward chains (batched).

    Their mean estimates the ELBO without any decomposition (same model as :func:`elbo_linear_gaussian`).
    Book label: ``diffusion.elbo``. Returns shape (n,).

    >>> s = elbo_samples_linear_gaussian(1.3, [0.9], [0.8], [0.0], [0.2], 4, torch.Generator().manual_seed(0))
    >>> tuple(s.shape)
    (4,)
    """
    x0, al, a, b, s2 = _linear_model(x0, alphas, a, b, s2)
    n = v.require_int("n", n, minimum=1)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    mp = _scalar("prior_mean", prior_mean, like=x0)
    vp = _scalar("prior_var", prior_var, like=x0)
    v.require_positive("prior_var", vp)

    def logn(x, mean, var):
        return -0.5 * (torch.log(2 * math.pi * var) + (x - mean) ** 2 / var)

    eps = torch.randn(len(al), n, generator=generator, dtype=x0.dtype, device=x0.device)
    x, log_ratio, xs = x0.expand(n), torch.zeros(n, dtype=x0.dtype, device=x0.device), [x0.expand(n)]
    for t in range(len(al)):  # forward chain: accumulate −log q(x_t | x_{t-1})
        new = torch.sqrt(al[t]) * x + torch.sqrt(1 - al[t]) * eps[t]
        log_ratio = log_ratio - logn(new, torch.sqrt(al[t]) * x, 1 - al[t])
        x = new
        xs.append(x)
    log_ratio = log_ratio + logn(xs[-1], mp, vp)
    for t in range(len(al)):  # reverse model: + log p_θ(x_t | x_{t+1})
        log_ratio = log_ratio + logn(xs[t], a[t] * xs[t + 1] + b[t], s2[t])
    return log_ratio


def reverse_variance(v0, betas) -> torch.Tensor:
    r"""The true reverse-step variance :math:`\operatorname{Var}(x_{t-1}\mid x_t)` for Gaussian data of variance :math:`v_0` (1-D).

    .. math:: \operatorname{Var}(x_{t-1}\mid x_t)=v_{t-1}-\frac{\alpha_tv_{t-1}^2}{v_t},\qquad v_t=\bar\alpha_tv_0+1-\bar\alpha_t

    Book label: ``diffusion.reverse-model``: equal to :math:`\beta_t` for :math:`v_0=1` and to
    :math:`\tilde\beta_t` for a point mass (:math:`v_0=0`), the two fixed choices of :math:`\sigma_t^2`.
    Returns shape (T,).

    >>> [round(x, 6) for x in reverse_variance(1.0, [0.1, 0.2]).tolist()]
    [0.1, 0.2]
    """
    b = _betas(betas)
    v0 = _scalar("v0", v0, like=b)
    v.require_positive("v0", v0, strict=False)
    abar, prev = _abar_prev(b)
    var, var_prev = abar * v0 + 1 - abar, prev * v0 + 1 - prev
    return var_prev - (1 - b) * var_prev**2 / var


# --- the simple loss ---------------------------------------------------------------------------------

def simple_loss(eps_model, x0, t, noise, abar) -> torch.Tensor:
    r"""The simple noise-prediction loss on a batch.

    .. math:: L_{\text{simple}}(\theta)=\mathbb E_{t,\mathbf x_0,\boldsymbol\epsilon}\big\|\boldsymbol\epsilon
              -\boldsymbol\epsilon_\theta\big(\sqrt{\bar\alpha_t}\,\mathbf x_0+\sqrt{1-\bar\alpha_t}\,\boldsymbol\epsilon,\ t\big)\big\|^2

    Book label: ``diffusion.simple-loss``. ``eps_model(x_t, t)`` : the network; ``x0``, ``noise`` : shape
    (B, d); ``t`` : step indices 1..T, shape (B,); ``abar`` : the schedule's :math:`\bar\alpha`, shape (T,).
    A training step is a gradient step of this loss **in θ**. Returns the batch mean of the squared norm.

    >>> zero = lambda x, t: torch.zeros_like(x)
    >>> round(float(simple_loss(zero, torch.zeros(2, 1), torch.tensor([1, 1]), torch.ones(2, 1), [0.5])), 6)
    1.0
    """
    x0 = _float("x0", x0)
    e = _float("noise", noise, like=x0)
    v.require_ndim("x0", x0, 2)
    v.require_same_shape("x0", x0, "noise", e)
    ab = _float("abar", abar, like=x0)
    v.require_ndim("abar", ab, 1)
    v.require_in_range("abar", ab, 0.0, 1.0)
    _callable("eps_model", eps_model)
    try:
        t = torch.as_tensor(t, device=x0.device)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"t must be integer steps, one per row of x0, got {t!r}") from err
    if t.dtype.is_floating_point or t.shape != x0.shape[:1] or (t < 1).any() or (t > len(ab)).any():
        raise ValueError(f"t must be integer steps in 1..{len(ab)}, one per row of x0, got {t.tolist()}")
    a = ab[t - 1].unsqueeze(-1)
    xt = torch.sqrt(a) * x0 + torch.sqrt(1 - a) * e
    pred = eps_model(xt, t)
    if not isinstance(pred, torch.Tensor) or pred.shape != xt.shape:
        raise ValueError(f"eps_model must return a tensor of the shape of x_t {tuple(xt.shape)}, "
                         f"got {tuple(pred.shape) if isinstance(pred, torch.Tensor) else type(pred).__name__}")
    return ((e - pred) ** 2).sum(-1).mean()


def gaussian_optimal_eps(x, abar, m, s2) -> torch.Tensor:
    r"""The minimiser :math:`\boldsymbol\epsilon^*=\mathbb E[\boldsymbol\epsilon\mid\mathbf x_t]` of the simple loss for Gaussian data :math:`\mathcal N(m,s^2)`.

    .. math:: \epsilon^*(x,t)=\frac{\sqrt{1-\bar\alpha_t}}{\bar\alpha_ts^2+1-\bar\alpha_t}\big(x-\sqrt{\bar\alpha_t}\,m\big),
              \qquad\min\ \text{per coordinate}=\frac{\bar\alpha_ts^2}{\bar\alpha_ts^2+1-\bar\alpha_t}

    Book label: ``diffusion.simple-loss``.

    >>> round(float(gaussian_optimal_eps(1.0, 0.5, 0.0, 1.0)), 6)  # √0.5 / 1
    0.707107
    """
    x = _float("x", x)
    a, m, s2 = (_float(n, z, like=x) for n, z in (("abar", abar), ("m", m), ("s2", s2)))
    v.require_in_range("abar", a, 0.0, 1.0)
    v.require_positive("s2", s2, strict=False)
    return torch.sqrt(1 - a) / (a * s2 + 1 - a) * (x - torch.sqrt(a) * m)


def gaussian_min_simple_loss(abar, s2) -> torch.Tensor:
    r"""The smallest per-coordinate simple loss for Gaussian data, :math:`\bar\alpha s^2/(\bar\alpha s^2+1-\bar\alpha)`.

    Book label: ``diffusion.simple-loss``.

    >>> round(float(gaussian_min_simple_loss(0.5, 1.0)), 6)
    0.5
    """
    a = _float("abar", abar)
    s2 = _float("s2", s2, like=a)
    v.require_in_range("abar", a, 0.0, 1.0)
    v.require_positive("s2", s2, strict=False)
    return a * s2 / (a * s2 + 1 - a)
