r"""Variational autoencoders: the ELBO and its gap, Gaussian encoders and decoders, gradient estimators
(reparameterisation, score function, Bonnet and Price), β-VAE, hierarchical VAEs, and the generative
classifier that turns into logistic regression.

Chapter 10, "Variational autoencoders" (book labels ``vae.*`` and ``gencls.gaussian-logistic``). The
*conjugate model* used throughout is :math:`p(z)=\mathcal N(0,1)`, :math:`p(x\mid z)=\mathcal N(z,s^2)`,
with Gaussian :math:`q=\mathcal N(m,v)`. Tensors in, tensors out; dtype and device follow the input.
"""

import math

import torch

from edl.core import validate as val
from edl.generative._util import fl, func, matrix, positive, vector
from edl.generative._util import generator as _generator

LOG2PI = math.log(2 * math.pi)


def vae_sample(decoder, n: int, latent_dim: int, sigma, generator: torch.Generator) -> torch.Tensor:
    r"""``n`` draws of a VAE's generative model: :math:`\mathbf z\sim\mathcal N(0,I)`, :math:`\mathbf x=F_\theta(\mathbf z)+\sigma\boldsymbol\epsilon`.

    .. math:: p_\theta(\mathbf x)=\int p_\theta(\mathbf x\mid\mathbf z)\,p(\mathbf z)\,d\mathbf z,\qquad
              p_\theta(\mathbf x\mid\mathbf z)=\mathcal N(F_\theta(\mathbf z),\sigma^2I)

    A linear decoder :math:`F(\mathbf z)=W\mathbf z` gives probabilistic PCA, :math:`\mathbf x\sim\mathcal N(0,WW^\top+\sigma^2I)`.
    ``decoder`` maps (n, latent_dim) float64 latents to (n, d). Book label: ``vae.model``.

    >>> vae_sample(lambda z: 2 * z, 4, 1, 0.1, torch.Generator().manual_seed(0)).shape
    torch.Size([4, 1])
    """
    func("decoder", decoder)
    n, k = val.require_int("n", n, minimum=1), val.require_int("latent_dim", latent_dim, minimum=1)
    sigma = val.require_positive_scalar("sigma", sigma, strict=False)
    _generator("generator", generator)
    z = torch.randn(n, k, generator=generator, dtype=torch.float64)
    mean = torch.as_tensor(decoder(z))
    if mean.ndim != 2 or mean.shape[0] != n:
        raise ValueError(f"decoder must return one row per latent, shape ({n}, d), got {tuple(mean.shape)}")
    return mean + sigma * torch.randn(mean.shape, generator=generator, dtype=mean.dtype)


def _conjugate(x, m, var, s2):
    x = fl("x", x)
    m, var = fl("m", m, like=x), positive("v", var, like=x)
    s2 = val.require_positive_scalar("s2", s2)
    val.broadcast_shapes(x=x, m=m, v=var)
    return x, m, var, s2


def conjugate_log_evidence(x, s2) -> torch.Tensor:
    r""":math:`\log p(x)=\log\mathcal N(x;0,1+s^2)` in the conjugate model. Book label: ``vae.elbo``.

    >>> round(float(conjugate_log_evidence(0.0, 1.0)), 6)
    -1.265512
    """
    x = fl("x", x)
    s2 = val.require_positive_scalar("s2", s2)
    return -0.5 * x**2 / (1 + s2) - 0.5 * math.log(2 * math.pi * (1 + s2))


def conjugate_elbo(x, m, v, s2) -> torch.Tensor:
    r"""The ELBO of :math:`q=\mathcal N(m,v)` in the conjugate model, in closed form (broadcast over ``m``, ``v``).

    .. math:: \log p(x)\ \ge\ \mathcal L(q)=\mathbb E_q\log p(x\mid z)-\mathrm{KL}(q\,\|\,p(z))
              =-\tfrac12\log2\pi s^2-\frac{(x-m)^2+v}{2s^2}-\tfrac12\big(v+m^2-1-\log v\big)

    Book label: ``vae.elbo``.

    >>> round(float(conjugate_elbo(1.3, 1.04, 0.2, 0.25)), 6) == round(float(conjugate_log_evidence(1.3, 0.25)), 6)
    True
    """
    x, m, var, s2 = _conjugate(x, m, v, s2)
    return -0.5 * math.log(2 * math.pi * s2) - ((x - m) ** 2 + var) / (2 * s2) - 0.5 * (var + m**2 - 1 - torch.log(var))


def conjugate_posterior(x, s2) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The exact posterior :math:`p(z\mid x)=\mathcal N\big(\frac{x}{1+s^2},\frac{s^2}{1+s^2}\big)`: where the ELBO gap closes.

    .. math:: \log p(x)-\mathcal L(q)=\mathrm{KL}\big(q(z)\,\|\,p(z\mid x)\big)\ \ge0,\quad=0\iff q=p(z\mid x)

    Book label: ``vae.elbo-gap``.

    >>> [round(float(t), 6) for t in conjugate_posterior(1.3, 0.25)]
    [1.04, 0.2]
    """
    x = fl("x", x)
    s2 = val.require_positive_scalar("s2", s2)
    return x / (1 + s2), torch.full_like(x, s2 / (1 + s2))


def kl_to_standard_normal(mu, sigma2) -> torch.Tensor:
    r""":math:`\mathrm{KL}\big(\mathcal N(\boldsymbol\mu,\operatorname{diag}\boldsymbol\sigma^2)\,\|\,\mathcal N(0,I)\big)=\frac12\sum_j(\sigma_j^2+\mu_j^2-1-\log\sigma_j^2)`.

    Sums over the last axis. Book label: ``vae.gaussian-kl-prior``.

    >>> float(kl_to_standard_normal([1.0, 0.0], [1.0, 1.0]))
    0.5
    """
    mu = fl("mu", mu)
    s2 = positive("sigma2", sigma2, like=mu)
    val.require_min_ndim("mu", mu, 1)
    val.require_same_shape("mu", mu, "sigma2", s2)
    return 0.5 * (s2 + mu**2 - 1 - torch.log(s2)).sum(-1)


def gaussian_decoder_log_lik(x, mean, sigma2) -> torch.Tensor:
    r""":math:`\log\mathcal N(\mathbf x;\boldsymbol\mu_\theta(\mathbf z),\sigma^2I)=-\frac1{2\sigma^2}\|\mathbf x-\boldsymbol\mu_\theta\|^2-\frac d2\log(2\pi\sigma^2)`.

    Sums over the last axis. Book label: ``vae.gaussian-decoder``.

    >>> round(float(gaussian_decoder_log_lik([1.0, 0.0], [0.0, 0.0], 1.0)), 6)
    -2.337877
    """
    x = fl("x", x)
    mean = fl("mean", mean, like=x)
    val.require_min_ndim("x", x, 1)
    val.require_same_shape("x", x, "mean", mean)
    s2 = val.require_positive_scalar("sigma2", sigma2)
    return -((x - mean) ** 2).sum(-1) / (2 * s2) - 0.5 * x.shape[-1] * math.log(2 * math.pi * s2)


def reparameterize(mu, sigma, eps) -> torch.Tensor:
    r"""The reparameterisation :math:`\mathbf z=\boldsymbol\mu+\boldsymbol\sigma\odot\boldsymbol\epsilon`, :math:`\boldsymbol\epsilon\sim\mathcal N(0,I)`.

    .. math:: \nabla_\phi\mathbb E_{q_\phi}f(\mathbf z)=\mathbb E_{\boldsymbol\epsilon}\big[\nabla_\phi f(\boldsymbol\mu_\phi+\boldsymbol\sigma_\phi\odot\boldsymbol\epsilon)\big]

    ``eps`` : (..., d); ``mu``, ``sigma`` : (d,). Book label: ``vae.reparameterization``.

    >>> reparameterize([1.0, 0.0], [2.0, 1.0], [[0.5, -1.0]]).tolist()
    [[2.0, -1.0]]
    """
    mu = fl("mu", mu)
    val.require_ndim("mu", mu, 1)
    sigma = positive("sigma", sigma, like=mu)
    val.require_same_shape("mu", mu, "sigma", sigma)
    eps = fl("eps", eps, like=mu)
    val.require_shape("eps", eps, (..., mu.shape[0]), match="mu")
    return mu + sigma * eps


def _per_sample_grads(f, mu, sigma, eps, score: bool):
    K = eps.shape[0]
    if score:
        # one copy of (μ, σ) per sample, so that the gradient of the sum holds each sample's gradient
        mu_ = mu.detach().expand(K, -1).clone().requires_grad_()
        sg_ = sigma.detach().expand(K, -1).clone().requires_grad_()
        z = (mu + sigma * eps).detach()
        logq = (-0.5 * ((z - mu_) / sg_) ** 2 - torch.log(sg_)).sum()
        gm, gs = torch.autograd.grad(logq, (mu_, sg_))
        fz = torch.as_tensor(f(z), dtype=mu.dtype).detach()
        if fz.shape != (K,):
            raise ValueError(f"f must map (K, d) latents to K values, got shape {tuple(fz.shape)}")
        return fz[:, None] * gm, fz[:, None] * gs
    z = (mu + sigma * eps).detach().requires_grad_()
    fz = f(z)
    if not isinstance(fz, torch.Tensor) or fz.shape != (K,):
        raise ValueError(f"f must map (K, d) latents to K values, got {getattr(fz, 'shape', type(fz))}")
    # f acts row by row, so the gradient of the sum w.r.t. z gives each sample's ∇f(z_k); ∂z/∂μ = 1, ∂z/∂σ = ε
    gz = torch.autograd.grad(fz.sum(), z)[0].detach()
    return gz, gz * eps


def reparam_gradient(f, mu, sigma, eps) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Per-sample reparameterised gradients of :math:`\mathbb E_{\mathcal N(\boldsymbol\mu,\operatorname{diag}\boldsymbol\sigma^2)}f`, shapes (K, d) each.

    .. math:: \nabla_{\boldsymbol\mu}=\nabla f(\mathbf z_k),\qquad\nabla_{\boldsymbol\sigma}=\nabla f(\mathbf z_k)\odot\boldsymbol\epsilon_k,
              \qquad\mathbf z_k=\boldsymbol\mu+\boldsymbol\sigma\odot\boldsymbol\epsilon_k

    ``f`` maps (K, d) latents to (K,) values, row by row, differentiably. Average the rows for the
    estimate. Book label: ``vae.reparameterization``.

    >>> gm, gs = reparam_gradient(lambda z: (z**2).sum(-1), [1.0], [1.0], [[0.5]])
    >>> gm.tolist(), gs.tolist()
    ([[3.0]], [[1.5]])
    """
    func("f", f)
    mu = fl("mu", mu)
    val.require_ndim("mu", mu, 1)
    sigma = positive("sigma", sigma, like=mu)
    val.require_same_shape("mu", mu, "sigma", sigma)
    eps = matrix("eps", eps, like=mu, cols=mu.shape[0], match="mu")
    return _per_sample_grads(f, mu, sigma, eps, score=False)


def score_function_gradient(f, mu, sigma, eps) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Per-sample score-function (REINFORCE) gradients :math:`f(\mathbf z_k)\,\nabla\log q(\mathbf z_k)`, shapes (K, d).

    Unbiased like :func:`reparam_gradient` but with a much larger variance. Book label: ``vae.reparameterization``.

    >>> gm, gs = score_function_gradient(lambda z: (z**2).sum(-1), [1.0], [1.0], [[0.5]])
    >>> gm.tolist(), gs.tolist()
    ([[1.125]], [[-1.6875]])
    """
    func("f", f)
    mu = fl("mu", mu)
    val.require_ndim("mu", mu, 1)
    sigma = positive("sigma", sigma, like=mu)
    val.require_same_shape("mu", mu, "sigma", sigma)
    eps = matrix("eps", eps, like=mu, cols=mu.shape[0], match="mu")
    return _per_sample_grads(f, mu, sigma, eps, score=True)


def _gaussian_draws(mu, Sigma, eps):
    mu = fl("mu", mu)
    val.require_ndim("mu", mu, 1)
    Sigma = fl("Sigma", Sigma, like=mu)
    val.require_shape("Sigma", Sigma, (mu.shape[0], mu.shape[0]), match="mu")
    val.require_covariance("Sigma", Sigma)
    eps = matrix("eps", eps, like=mu, cols=mu.shape[0], match="mu")
    return mu + eps @ torch.linalg.cholesky(Sigma).T


def bonnet_gradient(grad_f, mu, Sigma, eps) -> torch.Tensor:
    r"""Per-sample terms of Bonnet's theorem, :math:`\nabla_{\boldsymbol\mu}\mathbb Ef(\mathbf z)=\mathbb E[\nabla_{\mathbf z}f(\mathbf z)]`, shape (K, d).

    .. math:: \nabla_{\boldsymbol\mu}\mathcal N(\mathbf z;\boldsymbol\mu,\Sigma)=-\nabla_{\mathbf z}\mathcal N\ \Rightarrow\
              \nabla_{\boldsymbol\mu}\mathbb Ef=-\!\int\!\nabla_{\mathbf z}\mathcal N\,f=\int\mathcal N\,\nabla_{\mathbf z}f

    ``grad_f`` maps (K, d) draws :math:`\mathbf z_k=\boldsymbol\mu+L\boldsymbol\epsilon_k` (:math:`LL^\top=\Sigma`) to (K, d) gradients.
    Book label: ``vae.bonnet``.

    >>> bonnet_gradient(lambda z: 2 * z, [1.0], [[1.0]], [[0.5]]).tolist()
    [[3.0]]
    """
    func("grad_f", grad_f)
    z = _gaussian_draws(mu, Sigma, eps)
    g = torch.as_tensor(grad_f(z), dtype=z.dtype)
    if g.shape != z.shape:
        raise ValueError(f"grad_f must return one gradient per draw, shape {tuple(z.shape)}, got {tuple(g.shape)}")
    return g


def price_gradient(hess_f, mu, Sigma, eps) -> torch.Tensor:
    r"""Per-sample terms of Price's theorem, :math:`\nabla_\Sigma\mathbb Ef(\mathbf z)=\frac12\mathbb E[\nabla^2_{\mathbf z}f(\mathbf z)]`, shape (K, d, d).

    Entries :math:`\Sigma_{ij}` and :math:`\Sigma_{ji}` count as separate variables; a symmetric
    perturbation :math:`\Sigma+\varepsilon(E_{ij}+E_{ji})` changes :math:`\mathbb Ef` at rate
    :math:`\mathbb E[\partial_i\partial_jf]`. ``hess_f`` maps (K, d) draws to (K, d, d) Hessians. Book label: ``vae.price``.

    >>> price_gradient(lambda z: 2 * torch.ones(len(z), 1, 1, dtype=z.dtype), [0.0], [[1.0]], [[0.3]]).tolist()
    [[[1.0]]]
    """
    func("hess_f", hess_f)
    z = _gaussian_draws(mu, Sigma, eps)
    H = torch.as_tensor(hess_f(z), dtype=z.dtype)
    if H.shape != (*z.shape, z.shape[1]):
        raise ValueError(f"hess_f must return one Hessian per draw, shape {(*z.shape, z.shape[1])}, got {tuple(H.shape)}")
    return 0.5 * H


def encoder_log_q(z, mu, log_sigma) -> torch.Tensor:
    r"""Log-density of an amortised diagonal-Gaussian encoder through its noise: :math:`\log q_\phi(\mathbf z\mid\mathbf x)=\log p(\boldsymbol\epsilon)-\sum_j\log\sigma_j`.

    .. math:: (\boldsymbol\mu,\log\boldsymbol\sigma)=f_\phi(\mathbf x),\quad q_\phi(\mathbf z\mid\mathbf x)=\mathcal N(\mathbf z;\boldsymbol\mu,\operatorname{diag}\boldsymbol\sigma^2),
              \quad\boldsymbol\epsilon=(\mathbf z-\boldsymbol\mu)/\boldsymbol\sigma

    Last axis is the latent dimension. Book label: ``vae.encoder-amortized``.

    >>> round(float(encoder_log_q([0.0], [0.0], [0.0])), 6)
    -0.918939
    """
    z = fl("z", z)
    val.require_min_ndim("z", z, 1)
    mu = fl("mu", mu, like=z)
    ls = fl("log_sigma", log_sigma, like=z)
    val.require_broadcast("mu", mu, z.shape, to="z's")
    val.require_broadcast("log_sigma", ls, z.shape, to="z's")
    eps = (z - mu) * torch.exp(-ls)
    return (-0.5 * eps**2 - 0.5 * LOG2PI).sum(-1) - ls.expand_as(z).sum(-1)


def linear_gaussian_gradients(x, theta, m, log_v, s2, eps) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""Single-sample gradients of the ELBO of :math:`p(z)=\mathcal N(0,1)`, :math:`p_\theta(x\mid z)=\mathcal N(\theta z,s^2)`, :math:`q_\phi=\mathcal N(m,e^{\log v})`.

    .. math:: \nabla_\theta\mathcal L=\mathbb E_{q_\phi}[\nabla_\theta\log p_\theta(x,z)]\simeq\nabla_\theta\log p_\theta(x,z_k);\qquad
              \nabla_\phi\mathcal L\ne\mathbb E_{q_\phi}[\nabla_\phi(\log p_\theta-\log q_\phi)]\ \Rightarrow\ z_k=m+\sqrt v\,\epsilon_k

    Returns per-sample :math:`(\partial_\theta,\partial_m,\partial_{\log v})` of :math:`\log p_\theta(x,z_k)-\log q_\phi(z_k)`,
    each (K,), by autograd through the reparameterised draw. Book label: ``vae.gradients-theta-phi``.

    >>> gt, gm, gl = linear_gaussian_gradients(1.0, 1.0, 0.0, 0.0, 1.0, [0.0])
    >>> gt.tolist(), gm.tolist(), gl.tolist()
    ([0.0], [1.0], [0.5])
    """
    x = val.require_scalar("x", x)
    eps = vector("eps", eps)
    K = eps.shape[0]
    # one copy of each parameter per sample: the gradient of the sum holds every sample's own gradient
    theta, m, log_v = (torch.full((K,), val.require_scalar(n, a), dtype=torch.float64, requires_grad=True)
                       for n, a in (("theta", theta), ("m", m), ("log_v", log_v)))
    s2 = val.require_positive_scalar("s2", s2)
    z = m + torch.exp(0.5 * log_v) * eps
    logp = -0.5 * z**2 - 0.5 * (x - theta * z) ** 2 / s2 - 0.5 * math.log(4 * math.pi**2 * s2)
    logq = -0.5 * eps**2 - 0.5 * log_v - 0.5 * LOG2PI
    return torch.autograd.grad((logp - logq).sum(), (theta, m, log_v))


def sgvb_estimate(x, m, v, s2, eps) -> torch.Tensor:
    r"""Single-sample SGVB estimates :math:`\tilde{\mathcal L}=\log p(x,z_k)-\log q(z_k)`, :math:`z_k=m+\sqrt v\,\epsilon_k`, in the conjugate model.

    .. math:: \mathbb E_{\boldsymbol\epsilon}\tilde{\mathcal L}_{\theta,\phi}(x)=\mathcal L_{\theta,\phi}(x)

    Book label: ``vae.sgvb``.

    >>> round(float(sgvb_estimate(1.3, 1.04, 0.2, 0.25, [0.7])[0]), 6) == round(float(conjugate_log_evidence(1.3, 0.25)), 6)
    True
    """
    x = val.require_scalar("x", x)
    m = val.require_scalar("m", m)
    var = val.require_positive_scalar("v", v)
    s2 = val.require_positive_scalar("s2", s2)
    eps = vector("eps", eps)
    z = m + math.sqrt(var) * eps
    logp = -0.5 * z**2 - 0.5 * (x - z) ** 2 / s2 - 0.5 * math.log(4 * math.pi**2 * s2)
    return logp - (-0.5 * eps**2 - 0.5 * math.log(2 * math.pi * var))


def mc_reconstruction(x, decoder_mean, mu, sigma, sigma2, eps) -> torch.Tensor:
    r"""The Monte Carlo reconstruction term of the ELBO, averaged over ``K`` reparameterised latents.

    .. math:: \mathbb E_{q_\phi}[\log p_\theta(\mathbf x\mid\mathbf z)]\approx-\frac1{2\sigma^2K}\sum_{k=1}^K\|\mathbf x-\boldsymbol\mu_\theta(\mathbf z_k)\|^2-\frac d2\log(2\pi\sigma^2),
              \quad\mathbf z_k=\boldsymbol\mu_\phi+\boldsymbol\sigma_\phi\odot\boldsymbol\epsilon_k

    ``eps`` : (..., K, d_z); returns the K-average, shape (...). ``decoder_mean`` maps (..., K, d_z) to (..., K, d).
    Book label: ``vae.mc-estimator``.

    >>> round(float(mc_reconstruction([0.0], lambda z: z, [0.0], [1.0], 1.0, [[1.0], [-1.0]])), 6)
    -1.418939
    """
    x = fl("x", x)
    val.require_ndim("x", x, 1)
    func("decoder_mean", decoder_mean)
    s2 = val.require_positive_scalar("sigma2", sigma2)
    mu = fl("mu", mu, like=x)
    val.require_ndim("mu", mu, 1)
    sigma = positive("sigma", sigma, like=x)
    val.require_same_shape("mu", mu, "sigma", sigma)
    eps = fl("eps", eps, like=x)
    val.require_shape("eps", eps, (..., None, mu.shape[0]), match="mu")
    xhat = torch.as_tensor(decoder_mean(mu + sigma * eps), dtype=x.dtype)
    if xhat.shape != (*eps.shape[:-1], x.shape[0]):
        raise ValueError(f"decoder_mean must return one mean per coordinate of x, shape {(*eps.shape[:-1], x.shape[0])}, "
                         f"got {tuple(xhat.shape)}")
    return -((x - xhat) ** 2).sum(-1).mean(-1) / (2 * s2) - 0.5 * x.shape[0] * math.log(2 * math.pi * s2)


def beta_vae_objective(x, m, v, s2, beta) -> torch.Tensor:
    r"""The β-VAE objective in the conjugate model, :math:`\mathcal L_\beta=\mathbb E_q\log p(x\mid z)-\beta\,\mathrm{KL}(q\,\|\,p(z))`; β = 1 is the ELBO.

    Book label: ``vae.beta-vae``.

    >>> float(beta_vae_objective(0.0, 0.0, 1.0, 1.0, 3.0)) == float(conjugate_elbo(0.0, 0.0, 1.0, 1.0))
    True
    """
    x, m, var, s2 = _conjugate(x, m, v, s2)
    beta = val.require_positive_scalar("beta", beta, strict=False)
    rec = -0.5 * math.log(2 * math.pi * s2) - ((x - m) ** 2 + var) / (2 * s2)
    return rec - beta * 0.5 * (var + m**2 - 1 - torch.log(var))


def beta_vae_optimum(x, s2, beta) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The maximiser :math:`q=\mathcal N\big(\frac{x}{1+\beta s^2},\frac{\beta s^2}{1+\beta s^2}\big)` of :func:`beta_vae_objective`; the prior as :math:`\beta\to\infty`.

    Book label: ``vae.beta-vae``.

    >>> [round(float(t), 6) for t in beta_vae_optimum(1.3, 0.25, 4.0)]
    [0.65, 0.5]
    """
    x = fl("x", x)
    s2 = val.require_positive_scalar("s2", s2)
    beta = val.require_positive_scalar("beta", beta)
    return x / (1 + beta * s2), torch.full_like(x, beta * s2 / (1 + beta * s2))


def hvae_elbo_samples(x, eps, a, s1, b, s0, c, t1, d, t2) -> torch.Tensor:
    r"""Single-sample ELBO terms of a two-level linear-Gaussian hierarchical VAE with a bottom-up encoder.

    .. math:: p(\mathbf z_2)=\mathcal N(0,1),\ p(z_1\mid z_2)=\mathcal N(az_2,s_1),\ p(x\mid z_1)=\mathcal N(bz_1,s_0);\quad
              q(z_1\mid x)=\mathcal N(cx,t_1),\ q(z_2\mid z_1)=\mathcal N(dz_1,t_2)
    .. math:: \mathcal L=\mathbb E_q\Big[\log p(x\mid z_1)+\log\frac{p(z_1\mid z_2)}{q(z_1\mid x)}+\log\frac{p(z_2)}{q(z_2\mid z_1)}\Big]\le\log p(x)

    ``eps`` : (K, 2) standard-normal draws; returns the three terms per sample, shape (K, 3) (sum the
    columns for the ELBO estimate). Book label: ``vae.hierarchical``.

    >>> hvae_elbo_samples(0.0, [[0.0, 0.0]], 1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5).shape
    torch.Size([1, 3])
    """
    x = val.require_scalar("x", x)
    eps = matrix("eps", eps, cols=2)
    a, b, c, d = (val.require_scalar(n, t) for n, t in (("a", a), ("b", b), ("c", c), ("d", d)))
    s1, s0, t1, t2 = (val.require_positive_scalar(n, t) for n, t in (("s1", s1), ("s0", s0), ("t1", t1), ("t2", t2)))

    def logn(y, mean, var):
        return -0.5 * (y - mean) ** 2 / var - 0.5 * math.log(2 * math.pi * var)

    z1 = c * x + math.sqrt(t1) * eps[:, 0]
    z2 = d * z1 + math.sqrt(t2) * eps[:, 1]
    return torch.stack([logn(x, b * z1, s0), logn(z1, a * z2, s1) - logn(z1, c * x, t1),
                        logn(z2, 0.0, 1.0) - logn(z2, d * z1, t2)], 1)


def gaussian_logistic(mu0, mu1, Sigma, pi1=0.5) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Logistic-regression weights of the Bayes posterior of two Gaussian classes with a shared covariance.

    .. math:: p(y=1\mid\mathbf x)=\sigma(\mathbf w^\top\mathbf x+b),\quad\mathbf w=\Sigma^{-1}(\boldsymbol\mu_1-\boldsymbol\mu_0),\quad
              b=\tfrac12\big(\boldsymbol\mu_0^\top\Sigma^{-1}\boldsymbol\mu_0-\boldsymbol\mu_1^\top\Sigma^{-1}\boldsymbol\mu_1\big)+\log\frac{\pi_1}{\pi_0}

    (:math:`\Sigma=I`, :math:`\pi_1=\frac12`: :math:`\mathbf w=\boldsymbol\mu_1-\boldsymbol\mu_0`, :math:`b=\frac12(\|\boldsymbol\mu_0\|^2-\|\boldsymbol\mu_1\|^2)`.)
    Book label: ``gencls.gaussian-logistic``.

    >>> w, b = gaussian_logistic([0.0, 0.0], [2.0, 0.0], [[1.0, 0.0], [0.0, 1.0]])
    >>> w.tolist(), float(b)
    ([2.0, 0.0], -2.0)
    """
    mu0 = fl("mu0", mu0)
    val.require_ndim("mu0", mu0, 1)
    mu1 = vector("mu1", mu1, like=mu0, n=mu0.shape[0], match="mu0")
    S = fl("Sigma", Sigma, like=mu0)
    val.require_shape("Sigma", S, (mu0.shape[0], mu0.shape[0]), match="mu0")
    val.require_covariance("Sigma", S)
    pi1 = val.require_probability("pi1", pi1, open_low=True, open_high=True)
    a0, a1 = torch.linalg.solve(S, mu0), torch.linalg.solve(S, mu1)
    return a1 - a0, 0.5 * (mu0 @ a0 - mu1 @ a1) + math.log(pi1 / (1 - pi1))
