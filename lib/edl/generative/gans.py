r"""Generative adversarial networks: the objective, the optimal discriminator and the Jensen–Shannon
reduction, restricted discriminators, the saddle point, the non-saturating loss, minibatch training and
the dynamics of gradient descent–ascent on a bilinear game.

Chapter 10, "Generative adversarial networks" (book labels ``gan.objective``, ``gan.mixture-classification``,
``gan.optimal-discriminator``, ``gan.js-reduction``, ``gan.classifier-bound``, ``gan.saddle-point``,
``gan.non-saturating``, ``gan.training-updates``, ``gan.alternating-gda``, ``gan.extragradient``). Discrete
distributions are probability vectors over the same atoms. Tensors in, tensors out; dtype follows the input.
"""

import math

import numpy as np
import torch

from edl.core import validate as v
from edl.generative._util import fl, matrix, vector
from edl.generative._util import generator as _generator


def _pair(p_data, p_gen):
    p = vector("p_data", p_data)
    q = vector("p_gen", p_gen, like=p, n=p.shape[0], match="p_data")
    v.require_distribution("p_data", p)
    v.require_distribution("p_gen", q)
    return p, q


def _xlogy(x, y):
    return torch.where(x > 0, x * torch.log(torch.where(x > 0, y, torch.ones_like(y))), torch.zeros_like(x))


def gan_value(p_data, p_gen, D) -> torch.Tensor:
    r"""The GAN value :math:`V(G,D)=\mathbb E_{p_{data}}\log D(x)+\mathbb E_{p_G}\log(1-D(x))` on a finite set of atoms.

    .. math:: \min_G\max_D\ V(G,D)=\mathbb E_{x\sim p_{data}}[\log D(x)]+\mathbb E_{z\sim p_z}[\log(1-D(G(z)))]

    ``D`` : discriminator outputs in (0, 1) at the atoms. Book label: ``gan.objective``.

    >>> round(float(gan_value([0.5, 0.5], [0.5, 0.5], [0.5, 0.5])), 6)   # −log 4
    -1.386294
    """
    p, q = _pair(p_data, p_gen)
    D = vector("D", D, like=p, n=p.shape[0], match="p_data")
    v.require_in_range("D", D, 0.0, 1.0, closed=False)
    return _xlogy(p, D).sum() + _xlogy(q, 1 - D).sum()


def discriminator_log_likelihood(p_data, p_gen, D) -> torch.Tensor:
    r"""The discriminator's expected log-likelihood on the balanced real-vs-fake mixture.

    .. math:: \tilde p_\theta(x,y)=\tfrac12\big[y\,p(x)+(1-y)\,p_\theta(x)\big],\quad
              \ell(\theta,\psi)=\mathbb E_{\tilde p_\theta}\big[y\ln q_\psi(x)+(1-y)\ln(1-q_\psi(x))\big]=\tfrac12V

    Computed from the joint table of :math:`(x,y)` (label 1 = real). Book label: ``gan.mixture-classification``.

    >>> round(float(discriminator_log_likelihood([1.0, 0.0], [0.0, 1.0], [0.9, 0.1])), 6)
    -0.105361
    """
    p, q = _pair(p_data, p_gen)
    D = vector("D", D, like=p, n=p.shape[0], match="p_data")
    v.require_in_range("D", D, 0.0, 1.0, closed=False)
    joint = torch.stack([0.5 * q, 0.5 * p])                      # rows y = 0, 1
    log_lik = torch.stack([torch.log(1 - D), torch.log(D)])
    return _xlogy(joint, torch.exp(log_lik)).sum()


def optimal_discriminator(p_data, p_gen) -> torch.Tensor:
    r"""The Bayes-optimal discriminator :math:`D^*(x)=\dfrac{p(x)}{p(x)+p_\theta(x)}=P(y=1\mid x)`.

    Pointwise, :math:`a\log D+b\log(1-D)` is maximised at :math:`D=a/(a+b)`. Atoms where both vanish get
    :math:`\frac12`. Book label: ``gan.optimal-discriminator``.

    >>> optimal_discriminator([0.75, 0.25], [0.25, 0.75]).tolist()
    [0.75, 0.25]
    """
    p, q = _pair(p_data, p_gen)
    s = p + q
    return torch.where(s > 0, p / torch.where(s > 0, s, torch.ones_like(s)), torch.full_like(s, 0.5))


def optimal_value(p_data, p_gen) -> torch.Tensor:
    r"""The value against the optimal discriminator, through entropies: :math:`V(D^*,G)=2\,\mathrm{JS}(p_{data}\|p_G)-\log4`.

    .. math:: \ell^*=-\tfrac12H(p)-\tfrac12H(p_\theta)+H\big(\tfrac12(p+p_\theta)\big)-\ln2=\mathrm{JS}(p,p_\theta)-\ln2,\qquad V=2\ell^*

    minimal (:math:`-\log4`) iff :math:`p_G=p_{data}`. Book label: ``gan.js-reduction``.

    >>> round(float(optimal_value([1.0, 0.0], [0.0, 1.0])), 6)   # disjoint supports: 2 log 2 − log 4 = 0
    0.0
    """
    p, q = _pair(p_data, p_gen)

    def H(r):
        return -_xlogy(r, r).sum()

    return 2 * (-0.5 * H(p) - 0.5 * H(q) + H(0.5 * (p + q)) - math.log(2))


def fit_logistic_discriminator(features, w_real, w_fake, iters: int = 50) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The best discriminator :math:`q_\psi(x)=\sigma(\psi^\top\phi(x))` in a restricted class, by Newton's method.

    .. math:: \ell^*(\theta)\ \ge\ \sup_{\psi\in\Psi}\ell(\theta,\psi),\qquad\text{with equality iff the Bayes classifier is in the class}

    ``features`` : :math:`\phi(x_i)` at quadrature nodes or samples (N, k); ``w_real``, ``w_fake`` :
    non-negative weights of the nodes under :math:`p` and :math:`p_\theta` (each summing to 1). Maximises
    :math:`\ell=\frac12\sum_i[w^{real}_i\log q_\psi(x_i)+w^{fake}_i\log(1-q_\psi(x_i))]` (concave). Returns
    :math:`(\psi,\sup\ell)`. Book label: ``gan.classifier-bound``.

    >>> psi, ell = fit_logistic_discriminator([[1.0], [1.0]], [1.0, 0.0], [0.0, 1.0])
    >>> round(float(ell), 6)   # a constant feature cannot separate: D = ½ and ℓ = −log 2
    -0.693147
    """
    F = matrix("features", features)
    wr = vector("w_real", w_real, like=F, n=F.shape[0], match="features (one weight per row)")
    wf = vector("w_fake", w_fake, like=F, n=F.shape[0], match="features (one weight per row)")
    v.require_distribution("w_real", wr)
    v.require_distribution("w_fake", wf)
    iters = v.require_int("iters", iters, minimum=1)
    psi = torch.zeros(F.shape[1], dtype=F.dtype, device=F.device)
    eye = torch.eye(F.shape[1], dtype=F.dtype, device=F.device)
    for _ in range(iters):
        s = torch.sigmoid(F @ psi)
        grad = F.T @ (wr * (1 - s) - wf * s)
        H = (F.T * ((wr + wf) * s * (1 - s))) @ F + 1e-12 * eye
        psi = psi + torch.linalg.solve(H, grad)
    a = F @ psi
    ell = 0.5 * ((wr * torch.nn.functional.logsigmoid(a)).sum() + (wf * torch.nn.functional.logsigmoid(-a)).sum())
    return psi, ell


def saddle_objective(thetas, data_mean=2.0, nodes: int = 80) -> torch.Tensor:
    r""":math:`\sup_\psi\ell(\theta,\psi)` for the generator :math:`\mathcal N(\theta,1)` against data :math:`\mathcal N(\mu,1)`, for each θ in ``thetas``.

    .. math:: \theta^*=\arg\min_{\theta\in\Theta}\ \sup_{\psi\in\Psi}\ell(\theta,\psi)\qquad(\theta\text{ the generator},\ \psi\text{ the discriminator})

    The discriminator is :math:`\sigma(\psi_1x+\psi_0)`, a class containing the Bayes classifier here; the
    expectations use Gauss–Hermite nodes. The minimum, :math:`-\log2`, is at :math:`\theta=\mu`. Book label: ``gan.saddle-point``.

    >>> round(float(saddle_objective([2.0])[0]), 6)
    -0.693147
    """
    th = fl("thetas", thetas)
    v.require_ndim("thetas", th, 1)
    mu = v.require_scalar("data_mean", data_mean)
    nodes = v.require_int("nodes", nodes, minimum=2)
    g, w = np.polynomial.hermite_e.hermegauss(nodes)
    g = torch.as_tensor(g, dtype=th.dtype)
    w = torch.as_tensor(w / w.sum(), dtype=th.dtype)
    out = []
    for t in th.tolist():
        x = torch.cat([mu + g, t + g])
        F = torch.stack([x, torch.ones_like(x)], 1)
        out.append(fit_logistic_discriminator(F, torch.cat([w, 0 * w]), torch.cat([0 * w, w]), iters=30)[1])
    return torch.stack(out)


def generator_gradients(a) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradients in the discriminator logit :math:`a` of the saturating and the non-saturating generator losses.

    .. math:: \partial_a\log(1-\sigma(a))=-\sigma(a)\xrightarrow{a\to-\infty}0,\qquad\partial_a\log\sigma(a)=1-\sigma(a)\to1

    The first (minimax) loss saturates exactly when the discriminator confidently rejects the fakes;
    the second keeps the gradient alive. Book label: ``gan.non-saturating``.

    >>> [round(float(t), 6) for t in generator_gradients(-10.0)]
    [-4.5e-05, 0.999955]
    """
    a = fl("a", a)
    s = torch.sigmoid(a)
    return -s, 1 - s


def train_toy_gan(steps: int, lr_d: float, lr_g: float, batch: int, generator: torch.Generator,
                  theta0: float = 0.0, data_mean: float = 2.0, generator_sign: float = -1.0) -> torch.Tensor:
    r"""Alternating minibatch GAN training on a 1-D toy: :math:`G(z)=z+\theta`, data :math:`\mathcal N(\mu,1)`, :math:`D(x)=\sigma(wx+b)`.

    .. math:: \theta_D\mathrel{+}=\eta_D\nabla_{\theta_D}\tfrac1m\textstyle\sum_i\big[\log D(x^{(i)})+\log(1-D(G(z^{(i)})))\big],\qquad
              \theta_G\mathrel{-}=\eta_G\nabla_{\theta_G}\tfrac1m\textstyle\sum_i\log(1-D(G(z^{(i)})))

    ``generator_sign`` = −1 descends (correct); +1 ascends. Gradients in closed form. Returns the trajectory
    of :math:`\theta` (steps + 1,). Book label: ``gan.training-updates``.

    >>> th = train_toy_gan(500, 0.05, 0.5, 128, torch.Generator().manual_seed(0))
    >>> abs(float(th[-1]) - 2.0) < 0.1
    True
    """
    steps, batch = v.require_int("steps", steps, minimum=1), v.require_int("batch", batch, minimum=1)
    lr_d, lr_g = v.require_positive_scalar("lr_d", lr_d), v.require_positive_scalar("lr_g", lr_g)
    _generator("generator", generator)
    theta, mu = v.require_scalar("theta0", theta0), v.require_scalar("data_mean", data_mean)
    sign = v.require_scalar("generator_sign", generator_sign)
    if sign not in (-1.0, 1.0):
        raise ValueError(f"generator_sign must be -1 (descend) or +1 (ascend), got {generator_sign!r}")
    w, b = 0.0, 0.0
    path = [theta]
    for _ in range(steps):
        x = mu + torch.randn(batch, generator=generator, dtype=torch.float64)
        fake = theta + torch.randn(batch, generator=generator, dtype=torch.float64)
        dr, df = torch.sigmoid(w * x + b), torch.sigmoid(w * fake + b)
        w += lr_d * float(((1 - dr) * x).mean() - (df * fake).mean())
        b += lr_d * float((1 - dr).mean() - df.mean())
        df = torch.sigmoid(w * (theta + torch.randn(batch, generator=generator, dtype=torch.float64)) + b)
        grad = float((-df * w).mean())                     # ∂/∂θ of mean log(1 − D(z + θ))
        theta += sign * lr_g * grad
        path.append(theta)
    return torch.tensor(path, dtype=torch.float64)


def bilinear_game(theta, psi, eta, steps: int, method: str = "simultaneous") -> torch.Tensor:
    r"""Gradient descent–ascent on :math:`\min_\theta\max_\psi\ \theta\psi`; returns the trajectory (steps + 1, 2).

    ``method`` : ``"simultaneous"`` (both from the current point), ``"alternating"``
    (:math:`\theta_{t+1}=\theta_t-\eta\psi_t`, then :math:`\psi_{t+1}=\psi_t+\eta\theta_{t+1}`) or ``"extragradient"``
    (look ahead, then step with both gradients taken at the look-ahead point)

    .. math:: (\theta_{t+\frac12},\psi_{t+\frac12})=(\theta_t-\eta\psi_t,\ \psi_t+\eta\theta_t),\quad
              \theta_{t+1}=\theta_t-\eta\psi_{t+\frac12},\ \ \psi_{t+1}=\psi_t+\eta\theta_{t+\frac12}

    Radii after 2T steps from (1, 1): simultaneous :math:`\sqrt2(1+\eta^2)^T`, alternating bounded,
    extragradient :math:`\sqrt2(1-\eta^2+\eta^4)^T`. Book labels: ``gan.alternating-gda``, ``gan.extragradient``.

    >>> bilinear_game(1.0, 1.0, 0.5, 1, "alternating").tolist()
    [[1.0, 1.0], [0.5, 1.25]]
    """
    th, ps = v.require_scalar("theta", theta), v.require_scalar("psi", psi)
    eta = v.require_positive_scalar("eta", eta)
    steps = v.require_int("steps", steps, minimum=0)
    v.require_choice("method", method, ("simultaneous", "alternating", "extragradient"))
    path = [(th, ps)]
    for _ in range(steps):
        if method == "simultaneous":
            th, ps = th - eta * ps, ps + eta * th
        elif method == "alternating":
            th = th - eta * ps
            ps = ps + eta * th
        else:
            th_h, ps_h = th - eta * ps, ps + eta * th
            th, ps = th - eta * ps_h, ps + eta * th_h
        path.append((th, ps))
    return torch.tensor(path, dtype=torch.float64)
