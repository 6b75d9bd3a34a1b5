r"""The forward (noising) process of a diffusion model: Markov chains, the Gaussian kernel, noise
schedules, the closed-form marginal, entropy along the chain and the variational diffusion model.

Chapter 10, "Diffusion models" (book labels ``diffusion.markov-chain``, ``diffusion.forward-kernel``,
``diffusion.noise-schedule``, ``diffusion.closed-form-marginal``, ``diffusion.entropy-bound``,
``diffusion.vdm``). Functions take tensors (or array-likes, converted to float64) and return tensors
whose dtype and device follow the input. Time steps are 1-indexed as in the text: ``betas[t - 1]`` is
:math:`\beta_t`. Symbols: :math:`\beta_t` ``betas``, :math:`\alpha_t=1-\beta_t`,
:math:`\bar\alpha_t=\prod_{\tau\le t}\alpha_\tau` ``alpha_bar``.
"""

import math

import torch

from edl.core import validate as v


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _scalar(name, value, like=None):
    t = _float(name, value, like=like)
    if t.numel() != 1:
        raise ValueError(f"{name} must be a single number, got shape {tuple(t.shape)}")
    return t.reshape(())


def _callable(name, f):
    if not callable(f):
        raise ValueError(f"{name} must be a function, got {f!r}")
    return f


def _dtype_device(dtype, device):
    if not (isinstance(dtype, torch.dtype) and dtype.is_floating_point):
        raise ValueError(f"dtype must be a floating torch dtype, got {dtype!r}")
    try:
        device = torch.device("cpu" if device is None else device)
        torch.empty(0, device=device)
    except (RuntimeError, TypeError, AssertionError) as err:
        raise ValueError(f"device must name an available torch device, got {device!r}") from err
    return dtype, device


def _betas(betas):
    b = _float("betas", betas)
    v.require_ndim("betas", b, 1)
    if not ((b > 0) & (b < 1)).all():
        raise ValueError(f"betas must lie in (0, 1), got {b.tolist() if b.numel() < 20 else b}")
    return b


# --- Markov chains ----------------------------------------------------------------------------------

def markov_joint(p0, kernels) -> torch.Tensor:
    r"""Joint law of a finite-state Markov chain from its start and one-step kernels (forward factorisation).

    .. math:: p(x_0,\dots,x_T)=p(x_0)\prod_{t=1}^Tp(x_t\mid x_{t-1})

    Book label: ``diffusion.markov-chain``. ``p0`` : initial distribution, shape (S,); ``kernels`` :
    row-stochastic matrices ``K[t-1][i, j] = p(x_t=j | x_{t-1}=i)``, shape (T, S, S) (an inhomogeneous
    chain when they differ). Returns the joint, shape (S,)*(T+1).

    >>> markov_joint([0.5, 0.5], [[[0.9, 0.1], [0.2, 0.8]]]).tolist()
    [[0.45, 0.05], [0.1, 0.4]]
    """
    p = _float("p0", p0)
    K = _float("kernels", kernels, like=p)
    v.require_ndim("p0", p, 1)
    v.require_ndim("kernels", K, 3)
    if K.shape[1:] != (p.numel(), p.numel()):
        raise ValueError(f"kernels must have shape (T, {p.numel()}, {p.numel()}) for the {p.numel()} states of p0, "
                         f"got {tuple(K.shape)}")
    v.require_distribution("p0", p)
    v.require_distribution("kernels", K)
    joint = p
    for k in K:
        joint = joint.unsqueeze(-1) * k  # (..., S, 1) * (S, S) -> (..., S, S): k broadcasts on the last two axes
    return joint


def markov_reverse(p0, kernels) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Marginals and Bayes-reversed kernels of a Markov chain (backward factorisation).

    .. math:: \pi_{t}(x')=\sum_x\pi_{t-1}(x)\,p(x'\mid x),\qquad
              p(x_{t-1}\mid x_t)=\frac{\pi_{t-1}(x_{t-1})\,p(x_t\mid x_{t-1})}{\pi_t(x_t)},\qquad
              p(x_{0:T})=\pi_T(x_T)\prod_{t=1}^Tp(x_{t-1}\mid x_t)

    Book label: ``diffusion.markov-chain``. Returns ``(marginals, reverse)``: marginals (T+1, S) and
    ``reverse[t-1][j, i] = p(x_{t-1}=i | x_t=j)``, shape (T, S, S).

    >>> m, r = markov_reverse([0.5, 0.5], [[[0.9, 0.1], [0.2, 0.8]]])
    >>> [round(x, 6) for x in m[1].tolist()], [round(x, 6) for x in r[0][0].tolist()]
    ([0.55, 0.45], [0.818182, 0.181818])
    """
    p = _float("p0", p0)
    K = _float("kernels", kernels, like=p)
    markov_joint(p, K)  # validates shapes and distributions
    marginals, reverse = [p], []
    for k in K:
        prev = marginals[-1]
        nxt = prev @ k
        if (nxt <= 0).any():
            raise ValueError(f"kernels leave a state unreachable (marginal {nxt.tolist()}): no reverse kernel there")
        reverse.append((prev[:, None] * k / nxt[None, :]).T)
        marginals.append(nxt)
    return torch.stack(marginals), torch.stack(reverse)


# --- the Gaussian kernel and the schedules --------------------------------------------------------

def forward_step(x_prev, beta, noise) -> torch.Tensor:
    r"""One step of the forward process.

    .. math:: q(\mathbf x_t\mid\mathbf x_{t-1})=\mathcal N\big(\sqrt{1-\beta_t}\,\mathbf x_{t-1},\ \beta_tI\big)
              \iff\mathbf x_t=\sqrt{1-\beta_t}\,\mathbf x_{t-1}+\sqrt{\beta_t}\,\boldsymbol\epsilon_t

    Book label: ``diffusion.forward-kernel``. ``x_prev`` : :math:`\mathbf x_{t-1}`, any shape; ``beta`` :
    :math:`\beta_t\in(0,1)`, a number or broadcasting tensor; ``noise`` : :math:`\boldsymbol\epsilon_t`, same
    shape as ``x_prev``. Variance preserving: unit variance in gives unit variance out.

    >>> round(float(forward_step(1.0, 0.36, 0.5)), 6)  # 0.8 · 1 + 0.6 · 0.5
    1.1
    """
    x = _float("x_prev", x_prev)
    beta = _float("beta", beta, like=x)
    e = _float("noise", noise, like=x)
    v.require_same_shape("x_prev", x, "noise", e)
    v.require_in_range("beta", beta, 0.0, 1.0, closed=False)
    return torch.sqrt(1 - beta) * x + torch.sqrt(beta) * e


def forward_variance(betas, v0=1.0) -> torch.Tensor:
    r"""Exact variance of :math:`x_t` along the forward chain, by the one-step recursion.

    .. math:: \operatorname{Var}x_t=(1-\beta_t)\operatorname{Var}x_{t-1}+\beta_t

    Book label: ``diffusion.forward-kernel``. ``v0`` : variance of the data. Returns shape (T+1,)
    (index 0 is the data).

    >>> [round(x, 6) for x in forward_variance([0.5, 0.5], 0.0).tolist()]
    [0.0, 0.5, 0.75]
    """
    b = _betas(betas)
    var = [_scalar("v0", v0, like=b)]
    v.require_positive("v0", var[0], strict=False)
    for beta in b:
        var.append((1 - beta) * var[-1] + beta)
    return torch.stack(var)


def linear_schedule(T: int, beta_1: float = 1e-4, beta_T: float = 0.02, *, dtype=torch.float64, device=None):
    r"""The linear schedule :math:`\beta_t=\beta_1+\frac{t-1}{T-1}(\beta_T-\beta_1)`, :math:`t=1..T`.

    Book label: ``diffusion.noise-schedule``. With the defaults and ``T = 1000``,
    :math:`\bar\alpha_T\approx4.04\times10^{-5}`.

    >>> [round(x, 6) for x in linear_schedule(3, 0.1, 0.3).tolist()]
    [0.1, 0.2, 0.3]
    """
    T = v.require_int("T", T, minimum=1)
    dtype, device = _dtype_device(dtype, device)
    lo, hi = v.require_scalar("beta_1", beta_1), v.require_scalar("beta_T", beta_T)
    v.require_in_range("beta_1", lo, 0.0, 1.0, closed=False)
    v.require_in_range("beta_T", hi, 0.0, 1.0, closed=False)
    return torch.linspace(lo, hi, T, dtype=dtype, device=device)


def cosine_schedule(T: int, s: float = 0.008, max_beta: float = 0.999, *, dtype=torch.float64, device=None):
    r"""The cosine schedule of Nichol and Dhariwal, as per-step :math:`\beta_t`.

    .. math:: \bar\alpha_t=\frac{f(t)}{f(0)},\quad f(t)=\cos^2\Big(\frac{t/T+s}{1+s}\,\frac\pi2\Big),\qquad
              \beta_t=\min\Big(1-\frac{\bar\alpha_t}{\bar\alpha_{t-1}},\ \beta_{\max}\Big)

    Book label: ``diffusion.noise-schedule``. The cap :math:`\beta_{\max}` only bites at the last step,
    where :math:`f(T)=0` would make :math:`\beta_T=1`.

    >>> b = cosine_schedule(4)
    >>> [round(x, 4) for x in b.tolist()]
    [0.153, 0.417, 0.7079, 0.999]
    """
    T = v.require_int("T", T, minimum=1)
    dtype, device = _dtype_device(dtype, device)
    s = v.require_scalar("s", s)
    v.require_positive("s", s)
    max_beta = v.require_scalar("max_beta", max_beta)
    v.require_in_range("max_beta", max_beta, 0.0, 1.0, closed=False)
    t = torch.arange(T + 1, dtype=dtype, device=device)
    f = torch.cos((t / T + s) / (1 + s) * math.pi / 2) ** 2
    return torch.clamp(1 - f[1:] / f[:-1], max=max_beta)  # ᾱ_t/ᾱ_{t-1} = f(t)/f(t-1): f(0) cancels


def alpha_bar(betas) -> torch.Tensor:
    r""":math:`\bar\alpha_t=\prod_{\tau=1}^t(1-\beta_\tau)`, shape (T,).

    Book label: ``diffusion.noise-schedule``.

    >>> [round(x, 6) for x in alpha_bar([0.5, 0.5]).tolist()]
    [0.5, 0.25]
    """
    return torch.cumprod(1 - _betas(betas), 0)


def log_snr(betas) -> torch.Tensor:
    r"""The log signal-to-noise ratio :math:`\lambda_t=\log\frac{\bar\alpha_t}{1-\bar\alpha_t}`, shape (T,).

    Book label: ``diffusion.noise-schedule``.

    >>> [round(x, 6) for x in log_snr([0.5, 0.5]).tolist()]
    [0.0, -1.098612]
    """
    abar = alpha_bar(betas)
    return torch.log(abar) - torch.log1p(-abar)


# --- the closed-form marginal --------------------------------------------------------------------

def marginal(x0, abar) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Mean and variance of :math:`q(\mathbf x_t\mid\mathbf x_0)`.

    .. math:: q(\mathbf x_t\mid\mathbf x_0)=\mathcal N\big(\sqrt{\bar\alpha_t}\,\mathbf x_0,\ (1-\bar\alpha_t)I\big)

    Book label: ``diffusion.closed-form-marginal``. ``abar`` : :math:`\bar\alpha_t\in(0,1]`, broadcasting
    against ``x0``. Returns ``(mean, variance)`` (the variance per coordinate).

    >>> [round(float(m), 6) for m in marginal(2.0, 0.25)]
    [1.0, 0.75]
    """
    x = _float("x0", x0)
    a = _float("abar", abar, like=x)
    v.require_in_range("abar", a, 0.0, 1.0)
    try:
        torch.broadcast_shapes(a.shape, x.shape)
    except RuntimeError as err:
        raise ValueError(f"x0 and abar must broadcast together, got shapes {tuple(x.shape)} and {tuple(a.shape)}") from err
    return torch.sqrt(a) * x, (1 - a).expand(torch.broadcast_shapes(a.shape, x.shape)).clone()


def sample_marginal(x0, abar, noise) -> torch.Tensor:
    r"""Jump straight to step :math:`t`: :math:`\mathbf x_t=\sqrt{\bar\alpha_t}\,\mathbf x_0+\sqrt{1-\bar\alpha_t}\,\boldsymbol\epsilon`.

    Book label: ``diffusion.closed-form-marginal``. ``noise`` : :math:`\boldsymbol\epsilon`, broadcasting
    against ``x0`` and ``abar``.

    >>> round(float(sample_marginal(2.0, 0.25, 1.0)), 6)  # 0.5 · 2 + √0.75
    1.866025
    """
    mean, var = marginal(x0, abar)
    e = _float("noise", noise, like=mean)
    try:
        torch.broadcast_shapes(mean.shape, e.shape)
    except RuntimeError as err:
        raise ValueError(f"noise must broadcast against x0 and abar, got shapes {tuple(e.shape)} and {tuple(mean.shape)}") from err
    return mean + torch.sqrt(var) * e


def simulate_chain(x0, betas, generator: torch.Generator, *, coefficient=None) -> torch.Tensor:
    r"""Run the forward chain step by step from ``x0`` (batched), returning every :math:`\mathbf x_t`.

    ``x0`` : shape (...); returns shape (T+1, ...). ``coefficient`` : the map :math:`\beta\mapsto` mean
    coefficient (default :math:`\sqrt{1-\beta}`; the check also runs it with another one). The noise is
    drawn from ``generator`` on the device of ``x0``. Book label: ``diffusion.forward-kernel``.

    >>> xs = simulate_chain(torch.zeros(3), [0.5], torch.Generator().manual_seed(0))
    >>> tuple(xs.shape)
    (2, 3)
    """
    x = _float("x0", x0)
    b = _betas(betas).to(device=x.device, dtype=x.dtype)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    coef = (lambda beta: torch.sqrt(1 - beta)) if coefficient is None else _callable("coefficient", coefficient)
    out = [x]
    for beta in b:
        noise = torch.randn(x.shape, generator=generator, dtype=x.dtype, device=x.device)
        x = coef(beta) * x + torch.sqrt(beta) * noise
        out.append(x)
    return torch.stack(out)


# --- entropy along the chain ---------------------------------------------------------------------

def gaussian_chain_entropies(v0, betas) -> dict:
    r"""Differential entropies along the forward chain for Gaussian data :math:`x_0\sim\mathcal N(m,v_0)` (1-D).

    .. math:: H(x_t\mid x_{t-1})-H(x_{t-1}\mid x_t)=H(x_t)-H(x_{t-1}),\qquad H=\tfrac12\log(2\pi e\,v)

    with :math:`H(x_t\mid x_{t-1})=\frac12\log(2\pi e\beta_t)` and
    :math:`\operatorname{Var}(x_{t-1}\mid x_t)=v_{t-1}-\alpha_tv_{t-1}^2/v_t`.
    Book label: ``diffusion.entropy-bound``. Returns a dict of tensors of shape (T,) (index t-1 for step
    t): ``"H_t"``, ``"H_prev"``, ``"forward"`` (:math:`H(x_t\mid x_{t-1})`) and ``"reverse"``
    (:math:`H(x_{t-1}\mid x_t)`).

    >>> H = gaussian_chain_entropies(1.0, [0.1])
    >>> round(float(H["forward"][0] - H["reverse"][0]), 12)  # unit-variance data: H(x_t) = H(x_{t-1})
    0.0
    """
    b = _betas(betas)
    var = forward_variance(b, v0)
    if float(var[0]) <= 0:
        raise ValueError(f"v0 must be positive, got {v0!r}")
    H = 0.5 * torch.log(2 * math.pi * math.e * var)
    cond = var[:-1] - (1 - b) * var[:-1] ** 2 / var[1:]
    return {"H_t": H[1:], "H_prev": H[:-1], "forward": 0.5 * torch.log(2 * math.pi * math.e * b),
            "reverse": 0.5 * torch.log(2 * math.pi * math.e * cond)}


# --- the variational diffusion model ------------------------------------------------------------

def vdm_log_q(xs, x0, alphas) -> torch.Tensor:
    r"""Log density of the fixed VDM encoder :math:`q(\mathbf x_{1:T}\mid\mathbf x_0)=\prod_tq(\mathbf x_t\mid\mathbf x_{t-1})`.

    .. math:: q(\mathbf x_t\mid\mathbf x_{t-1})=\mathcal N\big(\sqrt{\alpha_t}\,\mathbf x_{t-1},(1-\alpha_t)I\big)

    A variational diffusion model is a Markovian hierarchical VAE whose latents
    :math:`\mathbf x_1,\dots,\mathbf x_T` have the data's dimension and whose encoders are these fixed
    Gaussians. Book label: ``diffusion.vdm``. ``xs`` : latents, shape (T, ..., d); ``x0`` : (..., d);
    ``alphas`` : shape (T,). Returns the log density, shape (...).

    >>> round(float(vdm_log_q([[0.0]], [0.0], [0.5])), 6)  # log N(0; 0, 0.5)
    -0.572365
    """
    x = _float("xs", xs)
    x0 = _float("x0", x0, like=x)
    a = _float("alphas", alphas, like=x)
    v.require_ndim("alphas", a, 1)
    v.require_in_range("alphas", a, 0.0, 1.0, closed=False)
    if x.shape[0] != a.numel() or x.shape[1:] != x0.shape:
        raise ValueError(f"xs must have shape (T, *x0.shape) = ({a.numel()}, {', '.join(map(str, x0.shape))}) for the "
                         f"{a.numel()} steps of alphas, "
                         f"got {tuple(x.shape)}")
    prev = torch.cat([x0.unsqueeze(0), x[:-1]])
    shape = (-1,) + (1,) * x0.ndim
    var = (1 - a).reshape(shape)
    resid = x - torch.sqrt(a).reshape(shape) * prev
    logp = -0.5 * (resid**2 / var + torch.log(2 * math.pi * var))
    return logp.sum(-1).sum(0)
