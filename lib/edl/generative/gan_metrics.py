r"""Distances between distributions seen by GANs and the practice around them: Jensen–Shannon saturation,
the Wasserstein distance and integral probability metrics, mode collapse, weak discriminators, DCGAN
shapes, virtual batch normalisation, the Inception score and the KL view of evaluation.

Chapter 10, "Generative adversarial networks" (book labels ``gan.js-saturation``, ``gan.wasserstein``,
``gan.ipm``, ``gan.mode-collapse``, ``gan.discriminator-capacity``, ``gan.dcgan``, ``gan.virtual-batch-norm``,
``gan.inception-score``, ``gan.eval-kl``). Tensors in, tensors out; dtype and device follow the input.
"""

import math

import torch

from edl.core import validate as v
from edl.generative._util import fl, func, matrix, vector


def js_shifted_gaussians(theta, sigma, points: int = 20001) -> torch.Tensor:
    r""":math:`\mathrm{JS}\big(\mathcal N(0,\sigma^2),\mathcal N(\theta,\sigma^2)\big)` by the trapezoidal rule, for each θ in ``theta``.

    .. math:: \operatorname{supp}p\cap\operatorname{supp}p_\theta=\emptyset\ \Rightarrow\ \mathrm{JS}=\log2\ \text{for every }\theta,
              \qquad\text{while }W_1(\delta_0,\delta_\theta)=|\theta|

    Once the two bumps stop overlapping, JS is flat at log 2 and gives the generator no gradient.
    Book label: ``gan.js-saturation``.

    >>> [round(float(t), 6) for t in js_shifted_gaussians([0.0, 1.0], 0.01)]
    [0.0, 0.693147]
    """
    th = fl("theta", theta)
    v.require_ndim("theta", th, (0, 1))
    sigma = v.require_positive_scalar("sigma", sigma)
    points = v.require_int("points", points, minimum=101)
    out = []
    for t in th.reshape(-1).tolist():
        x = torch.linspace(min(0.0, t) - 10 * sigma, max(0.0, t) + 10 * sigma, points, dtype=th.dtype, device=th.device)
        lp = -0.5 * (x / sigma) ** 2
        lq = -0.5 * ((x - t) / sigma) ** 2
        lm = torch.logaddexp(lp, lq) - math.log(2)
        c = 1 / (sigma * math.sqrt(2 * math.pi))
        f = 0.5 * c * (torch.exp(lp) * (lp - lm) + torch.exp(lq) * (lq - lm))
        out.append(torch.trapezoid(f, x))
    return torch.stack(out).reshape(th.shape)


def wasserstein_1d(x, y) -> torch.Tensor:
    r"""The earth-mover distance between two equal-size 1-D samples: the mean gap between sorted values.

    .. math:: W(p_r,p_\theta)=\inf_{\gamma\in\Pi(p_r,p_\theta)}\mathbb E_{(x,y)\sim\gamma}|x-y|
              =\sup_{\|f\|_L\le1}\mathbb E_{p_r}f-\mathbb E_{p_\theta}f\quad\text{(Kantorovich–Rubinstein)}

    Book label: ``gan.wasserstein``.

    >>> float(wasserstein_1d([0.0, 1.0], [3.0, 2.0]))
    2.0
    """
    x = vector("x", x)
    y = vector("y", y, like=x, n=x.shape[0], match="x")
    return (torch.sort(x).values - torch.sort(y).values).abs().mean()


def gradient_penalty(critic, x_real, x_fake, eps) -> torch.Tensor:
    r"""WGAN-GP's penalty :math:`\mathbb E_{\hat x}(\|\nabla_{\hat x}f_w(\hat x)\|_2-1)^2`, :math:`\hat x=\epsilon x_r+(1-\epsilon)x_g`.

    ``x_real``, ``x_fake`` : (N, d); ``eps`` : (N,) in [0, 1]; ``critic`` maps (N, d) to (N,). It pushes
    the critic towards the 1-Lipschitz class of the dual. Book label: ``gan.wasserstein``.

    >>> float(gradient_penalty(lambda x: 3 * x.sum(-1), [[0.0]], [[1.0]], [0.5]))   # (3 − 1)²
    4.0
    """
    func("critic", critic)
    xr = matrix("x_real", x_real)
    xg = matrix("x_fake", x_fake, like=xr, rows=xr.shape[0], cols=xr.shape[1], match="x_real")
    e = vector("eps", eps, like=xr, n=xr.shape[0], match="x_real (one per row)")
    v.require_in_range("eps", e, 0.0, 1.0)
    xh = (e[:, None] * xr + (1 - e[:, None]) * xg).detach().requires_grad_()
    out = critic(xh)
    if not isinstance(out, torch.Tensor) or out.shape != xh.shape[:1]:
        raise ValueError(f"critic must return one value per row, shape {tuple(xh.shape[:1])}")
    g = torch.autograd.grad(out.sum(), xh)[0]
    return ((g.norm(dim=1) - 1) ** 2).mean()


def ipm(p, q, kind: str, support=None) -> torch.Tensor:
    r"""An integral probability metric :math:`d_{\mathcal F}(P,Q)=\sup_{f\in\mathcal F}|\mathbb E_Pf-\mathbb E_Qf|` between discrete distributions.

    ``kind`` : ``"sup"`` for :math:`\mathcal F=\{\|f\|_\infty\le1\}`, giving :math:`\|P-Q\|_1=2\,\mathrm{TV}(P,Q)`;
    ``"lipschitz"`` for :math:`\mathcal F=\{\mathrm{Lip}(f)\le1\}` on the sorted 1-D ``support``, giving :math:`W_1`;
    ``"log"`` for the log variant :math:`\sup_{D\in(0,1)}\mathbb E_P\log D+\mathbb E_Q\log(1-D)+\log4=2\,\mathrm{JS}(P,Q)`.
    Book label: ``gan.ipm``.

    >>> [round(float(ipm([1.0, 0.0], [0.0, 1.0], k, [0.0, 3.0])), 6) for k in ("sup", "lipschitz", "log")]
    [2.0, 3.0, 1.386294]
    """
    p = vector("p", p)
    q = vector("q", q, like=p, n=p.shape[0], match="p")
    v.require_distribution("p", p)
    v.require_distribution("q", q)
    v.require_choice("kind", kind, ("sup", "lipschitz", "log"))
    if kind == "sup":
        return (p - q).abs().sum()
    if kind == "lipschitz":
        if support is None:
            raise ValueError("support must give the atoms' positions for kind 'lipschitz', got None")
        x = vector("support", support, like=p, n=p.shape[0], match="p")
        if not (x[1:] > x[:-1]).all():
            raise ValueError(f"support must be strictly increasing, got {x.tolist()}")
        return ((torch.cumsum(p - q, 0)[:-1]).abs() * (x[1:] - x[:-1])).sum()
    m = 0.5 * (p + q)

    def kl(a):
        return torch.where(a > 0, a * torch.log(torch.where(a > 0, a, torch.ones_like(a)) / m), torch.zeros_like(a)).sum()

    return kl(p) + kl(q)


def duplicate_probability(s: int, N: int) -> torch.Tensor:
    r"""Probability of at least one duplicate among ``s`` draws from ``N`` equally likely values (the birthday paradox).

    .. math:: P(\text{duplicate})=1-\prod_{i=1}^{s-1}\Big(1-\frac iN\Big)\approx1-e^{-s(s-1)/(2N)}

    A generator whose batches of size :math:`s` show duplicates has a support of roughly :math:`s^2` or
    less: a diagnostic of mode collapse. Book label: ``gan.mode-collapse``.

    >>> round(float(duplicate_probability(23, 365)), 6)
    0.507297
    """
    s, N = v.require_int("s", s, minimum=1), v.require_int("N", N, minimum=1)
    i = torch.arange(1, s, dtype=torch.float64)
    return 1 - torch.clamp(1 - i / N, min=0).prod()


def linear_critic_gap(x_data, x_fake) -> torch.Tensor:
    r"""How well the best bounded *linear* critic tells two samples apart: :math:`\sup_{\|\mathbf w\|\le1}|\mathbf w^\top(\bar{\mathbf x}_{data}-\bar{\mathbf x}_{fake})|=\|\bar{\mathbf x}_{data}-\bar{\mathbf x}_{fake}\|`.

    A one-point generator at the data mean fools every such critic exactly: weak discriminators permit
    mode collapse (generators of support :math:`\tilde O(p\log p/\varepsilon^2)` fool all :math:`p`-parameter
    networks up to ε). Book label: ``gan.discriminator-capacity``.

    >>> float(linear_critic_gap([[0.0, 0.0], [2.0, 2.0]], [[1.0, 1.0]]))
    0.0
    """
    X = matrix("x_data", x_data)
    Y = matrix("x_fake", x_fake, like=X, cols=X.shape[1], match="x_data")
    return torch.linalg.norm(X.mean(0) - Y.mean(0))


def transposed_conv_size(i: int, k: int, s: int, p: int = 0, output_padding: int = 0) -> int:
    r"""Output length of a transposed convolution, :math:`o=(i-1)s-2p+k+\text{output padding}`.

    DCGAN's generator uses :math:`k=4,s=2,p=1`, which doubles the size: 4 → 8 → 16 → 32 → 64.
    Book label: ``gan.dcgan``.

    >>> [transposed_conv_size(n, 4, 2, 1) for n in (4, 8, 16, 32)]
    [8, 16, 32, 64]
    """
    i, k, s = (v.require_int(n, a, minimum=1) for n, a in (("i", i), ("k", k), ("s", s)))
    p, op = v.require_int("p", p, minimum=0), v.require_int("output_padding", output_padding, minimum=0)
    if op >= s:
        raise ValueError(f"output_padding must be smaller than the stride {s}, got {op}")
    o = (i - 1) * s - 2 * p + k + op
    if o < 1:
        raise ValueError(f"the padding p = {p} leaves no output for i = {i}, k = {k}, s = {s}")
    return o


def virtual_batch_norm(x, reference, gamma=1.0, beta=0.0, eps: float = 1e-5) -> torch.Tensor:
    r"""Virtual batch normalisation: normalise each row of ``x`` with the statistics of a fixed reference batch plus itself.

    .. math:: \hat{\mathbf x}=\frac{\mathbf x-\boldsymbol\mu_{R\cup\{\mathbf x\}}}{\sqrt{\boldsymbol\sigma^2_{R\cup\{\mathbf x\}}+\epsilon}}\,\gamma+\beta

    so an example's output does not depend on the other members of its minibatch. ``x`` : (N, d);
    ``reference`` : (M, d). Book label: ``gan.virtual-batch-norm``.

    >>> virtual_batch_norm([[1.0]], [[-1.0]], eps=0.0).tolist()
    [[1.0]]
    """
    X = matrix("x", x)
    R = matrix("reference", reference, like=X, cols=X.shape[1], match="x")
    gamma, beta = fl("gamma", gamma, like=X), fl("beta", beta, like=X)
    v.require_broadcast("gamma", gamma, X.shape[1:], to="one feature row's")
    v.require_broadcast("beta", beta, X.shape[1:], to="one feature row's")
    eps = v.require_positive_scalar("eps", eps, strict=False)
    M = R.shape[0]
    mean = (R.sum(0) + X) / (M + 1)                                   # (N, d): each row with the reference
    var = ((R[None] - mean[:, None]) ** 2).sum(1) / (M + 1) + (X - mean) ** 2 / (M + 1)
    return (X - mean) / torch.sqrt(var + eps) * gamma + beta


def inception_score(p_yx) -> torch.Tensor:
    r"""The Inception score of class predictions ``p_yx`` (N, K): :math:`\exp\big(\mathbb E_x\mathrm{KL}(p(y\mid x)\|p(y))\big)`.

    .. math:: \mathrm{IS}=\exp\big(\mathbb E_x\mathrm{KL}(p(y\mid x)\,\|\,p(y))\big)=\exp\big(H(y)-H(y\mid x)\big),\quad
              p(y)=\mathbb E_xp(y\mid x),\qquad1\le\mathrm{IS}\le K

    Book label: ``gan.inception-score``.

    >>> round(float(inception_score([[1.0, 0.0], [0.0, 1.0]])), 6)
    2.0
    """
    P = matrix("p_yx", p_yx)
    v.require_distribution("p_yx", P)
    py = P.mean(0)
    safe = torch.where(P > 0, P, torch.ones_like(P))
    kl = (P * (torch.log(safe) - torch.log(torch.where(P > 0, py.expand_as(P), torch.ones_like(P))))).sum(1)
    return torch.exp(kl.mean())


def kl_data_model(log_p, log_q, x) -> torch.Tensor:
    r""":math:`\mathrm{KL}(p_{data}\|p_{model})=-H(p_{data})-\mathbb E_{p_{data}}\log p_{model}` by the trapezoidal rule on a 1-D grid.

    Only the second term depends on the model, so minimising this KL over a family is maximum
    likelihood (and for a Gaussian family, moment matching). ``log_p``, ``log_q`` : log-densities at
    the grid points ``x``. Book label: ``gan.eval-kl``.

    >>> x = torch.linspace(-12, 12, 4001, dtype=torch.float64)
    >>> round(float(kl_data_model(-x**2 / 2 - 0.5 * math.log(2 * math.pi), -x**2 / 8 - 0.5 * math.log(8 * math.pi), x)), 6)
    0.318147
    """
    x = vector("x", x)
    if not (x[1:] > x[:-1]).all():
        raise ValueError("x must be a strictly increasing grid")
    lp = vector("log_p", log_p, like=x, n=x.shape[0], match="x")
    lq = vector("log_q", log_q, like=x, n=x.shape[0], match="x")
    p = torch.exp(lp)
    return torch.trapezoid(p * lp, x) - torch.trapezoid(p * lq, x)
