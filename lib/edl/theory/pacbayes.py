r"""PAC-Bayes: the Donsker–Varadhan change of measure, McAllester's bound, the KL divergence of Gaussian
posteriors, the PAC-Bayes objective and its reparameterised training.

Chapter 9, part 1, "PAC-Bayes" (book labels ``pacbayes.donsker-varadhan`` … ``pacbayes.reparam-training``).
Symbols: :math:`P` the prior (fixed before the data), :math:`Q` the posterior (any distribution over
classifiers), :math:`s` the sample size, :math:`\delta` the failure probability, :math:`\hat E` the
empirical and :math:`E` the population error of a classifier, both in [0, 1]. Gaussian posteriors are
:math:`Q=\mathcal N(\theta,\mathrm{diag}\,\sigma^2)` with :math:`\sigma=e^\rho`. Tensors keep their dtype and
device; array-likes become float64.
"""

import math

import torch

from edl.core import validate as v


def _tensor(name, value, *, ndim=None, like=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _distribution(name, value, like=None):
    t = _tensor(name, value, ndim=1, like=like)
    v.require_distribution(name, t)
    return t


def _labels(y, X):
    y = _tensor("y", y, ndim=1, like=X)
    v.require_shape("y", y, (X.shape[0],), match="X")
    if not (y.abs() == 1).all():
        raise ValueError(f"y must hold ±1 labels, got {v._show(y.tolist() if y.numel() < 20 else y)}")
    return y


def gibbs_tilt(p, phi) -> torch.Tensor:
    r"""The distribution that attains Donsker–Varadhan: :math:`Q^*(i)=P(i)e^{\phi_i}/\sum_jP(j)e^{\phi_j}`.

    Book label: ``pacbayes.donsker-varadhan``. ``p`` : probability vector; ``phi`` : values of :math:`\phi`.

    >>> gibbs_tilt([0.5, 0.5], [0.0, math.log(3.0)]).tolist()
    [0.25, 0.75]
    """
    p = _distribution("p", p)
    phi = _tensor("phi", phi, ndim=1, like=p)
    v.require_shape("phi", phi, p.shape, match="p")
    w = torch.log(p) + phi
    return torch.softmax(w, dim=0)


def donsker_varadhan_gap(q, p, phi) -> torch.Tensor:
    r"""The slack of the Donsker–Varadhan inequality on a finite space,

    .. math:: \mathrm{KL}(Q\|P)+\log\mathbb E_P\big[e^{\phi}\big]-\mathbb E_Q[\phi]\ \ge0,

    zero exactly at :math:`Q^*\propto Pe^\phi` (:func:`gibbs_tilt`). Book label: ``pacbayes.donsker-varadhan``.
    ``q``, ``p`` : probability vectors with :math:`Q\ll P`; ``phi`` : values of :math:`\phi`.

    >>> round(float(donsker_varadhan_gap([0.25, 0.75], [0.5, 0.5], [0.0, math.log(3.0)])), 12)
    0.0
    >>> round(float(donsker_varadhan_gap([0.5, 0.5], [0.5, 0.5], [0.0, math.log(3.0)])), 6)
    0.143841
    """
    q = _distribution("q", q)
    p = _distribution("p", p, like=q)
    phi = _tensor("phi", phi, ndim=1, like=q)
    v.require_shape("p", p, q.shape, match="q")
    v.require_shape("phi", phi, q.shape, match="q")
    if ((q > 0) & (p == 0)).any():
        raise ValueError(f"q must be absolutely continuous with respect to p (q > 0 only where p > 0), got q={q.tolist()}, p={p.tolist()}")
    pos = q > 0
    kl = (q[pos] * torch.log(q[pos] / p[pos])).sum()
    return kl + torch.logsumexp(torch.log(p[p > 0]) + phi[p > 0], dim=0) - (q * phi).sum()


def mcallester_bound(emp_risk, kl, s, delta, *, form: str = "mcallester") -> torch.Tensor:
    r"""McAllester's PAC-Bayes bound: with probability at least :math:`1-\delta` over the sample, for all :math:`Q`,

    .. math:: \mathbb E_Q[E(f)]\le\mathbb E_Q[\hat E_S(f)]+\sqrt{\frac2s\Big[\mathrm{KL}(Q\|P)+\ln\frac{2\sqrt s}\delta\Big]}
       \quad\text{("mcallester")},\qquad\text{or}\quad+\sqrt{\frac{\mathrm{KL}(Q\|P)+\ln(2\sqrt s/\delta)}{2s}}\quad\text{("maurer")}.

    Book label: ``pacbayes.mcallester-bound``. ``emp_risk`` : :math:`\mathbb E_Q\hat E_S` in [0, 1]; ``kl`` :
    :math:`\mathrm{KL}(Q\|P)\ge0`; ``s`` : sample size; ``delta`` in (0, 1); ``form`` : "mcallester" or "maurer"
    (the sharper form, by Pinsker from Maurer's kl bound).

    >>> round(float(mcallester_bound(0.1, 5.0, 1000, 0.05)), 6), round(float(mcallester_bound(0.1, 5.0, 1000, 0.05, form="maurer")), 6)
    (0.255838, 0.177919)
    """
    emp = _tensor("emp_risk", emp_risk)
    v.require_in_range("emp_risk", emp, 0.0, 1.0)
    kl = _tensor("kl", kl, like=emp)
    v.require_positive("kl", kl, strict=False)
    s = _tensor("s", s, like=emp)
    v.require_positive("s", s)
    delta = v.require_probability("delta", delta, open_low=True, open_high=True)
    v.require_choice("form", form, ("mcallester", "maurer"))
    v.broadcast_shapes(emp_risk=emp, kl=kl, s=s)
    complexity = kl + torch.log(2 * torch.sqrt(s) / delta)
    return emp + (torch.sqrt(2 * complexity / s) if form == "mcallester" else torch.sqrt(complexity / (2 * s)))


def gaussian_kl_diag(theta, sigma, lam, theta0=0.0) -> torch.Tensor:
    r"""KL divergence of a diagonal Gaussian posterior from an isotropic Gaussian prior of *standard deviation* :math:`\lambda`:

    .. math:: \mathrm{KL}\big(\mathcal N(\theta,\mathrm{diag}\,\sigma^2)\,\|\,\mathcal N(\theta_0,\lambda^2I)\big)
       =\sum_i\Big[\ln\frac\lambda{\sigma_i}+\frac{\sigma_i^2+(\theta_i-\theta_{0,i})^2}{2\lambda^2}-\frac12\Big].

    Book label: ``pacbayes.gaussian-kl``. ``theta``, ``sigma`` : posterior means and standard deviations
    (last axis = parameters); ``lam`` : prior standard deviation; ``theta0`` : prior mean.

    >>> round(float(gaussian_kl_diag([1.0, 0.0], [1.0, 0.5], 1.0)), 6)
    0.818147
    """
    theta = _tensor("theta", theta)
    v.require_min_ndim("theta", theta, 1)
    sigma = _tensor("sigma", sigma, like=theta)
    v.require_positive("sigma", sigma)
    v.require_same_shape("theta", theta, "sigma", sigma)
    lam = v.require_positive_scalar("lam", lam)
    theta0 = _tensor("theta0", theta0, like=theta)
    v.require_broadcast("theta0", theta0, theta.shape, to="theta's")
    terms = math.log(lam) - torch.log(sigma) + (sigma**2 + (theta - theta0) ** 2) / (2 * lam**2) - 0.5
    return terms.sum(-1)


def pac_bayes_objective(emp_risk, kl, s, delta) -> torch.Tensor:
    r"""The PAC-Bayes training objective: McAllester's bound ("mcallester" form) as a function of the posterior,

    .. math:: E_{PAC}(Q)=\mathbb E_Q[\hat E]+\sqrt{\frac2s\Big[\mathrm{KL}(Q\|P)+\ln\frac{2\sqrt s}\delta\Big]}.

    Book label: ``pacbayes.objective``. Minimised over :math:`Q=\mathcal N(\theta,\mathrm{diag}\,\sigma^2)` with a
    differentiable surrogate for :math:`\hat E`, it pays for both the error and the distance moved from the prior,
    and so prefers minima that tolerate the perturbations :math:`\theta+\varepsilon` (flat minima).

    >>> round(float(pac_bayes_objective(0.0, 0.0, 100, 0.05)), 6)
    0.346164
    """
    return mcallester_bound(emp_risk, kl, s, delta, form="mcallester")


def perturb(theta, rho, eta) -> torch.Tensor:
    r"""A reparameterised posterior sample :math:`\tilde\theta=\theta+\mathrm{diag}(\sigma)\,\eta`, :math:`\sigma=e^\rho`,
    :math:`\eta\sim\mathcal N(0,I)`, differentiable in :math:`(\theta,\rho)`:

    .. math:: \nabla_\theta\mathbb E_Q\hat E=\mathbb E_\eta\big[\nabla\hat E(\tilde\theta)\big],\qquad
       \partial_{\sigma_i}\mathbb E_Q\hat E=\mathbb E_\eta\big[\partial_i\hat E(\tilde\theta)\,\eta_i\big].

    Book label: ``pacbayes.reparam-training``. ``theta``, ``rho`` : (p,); ``eta`` : (..., p) standard normal draws.

    >>> perturb([1.0, 0.0], [0.0, math.log(2.0)], [[0.5, 0.5]]).tolist()
    [[1.5, 1.0]]
    """
    theta = _tensor("theta", theta, ndim=1)
    rho = _tensor("rho", rho, ndim=1, like=theta)
    v.require_same_shape("theta", theta, "rho", rho)
    eta = _tensor("eta", eta, like=theta)
    v.require_shape("eta", eta, (..., theta.shape[0]), match="theta")
    return theta + torch.exp(rho) * eta


def stochastic_error(X, y, theta, rho, *, samples: int = 2000, generator=None) -> torch.Tensor:
    r"""The Gibbs error :math:`\mathbb E_Q\hat E_{01}` of the stochastic linear classifier
    :math:`\mathrm{sign}(\tilde\theta^\top x)`, :math:`\tilde\theta\sim Q`, by ``samples`` posterior draws.

    Book label: ``pacbayes.reparam-training``. ``X`` : (s, d); ``y`` : (s,) labels ±1.

    >>> float(stochastic_error([[1.0, 0.0]], [1.0], [5.0, 0.0], [-9.0, -9.0], samples=10))
    0.0
    """
    X = _tensor("X", X, ndim=2)
    y = _labels(y, X)
    theta = _tensor("theta", theta, ndim=1, like=X)
    v.require_shape("theta", theta, (X.shape[1],), match="X")
    samples = v.require_int("samples", samples, minimum=1)
    v.require_generator("generator", generator)
    eta = torch.randn(samples, X.shape[1], generator=generator, dtype=X.dtype).to(X.device)
    thetas = perturb(theta, rho, eta)                                       # (samples, d)
    return ((X @ thetas.T) * y[:, None] <= 0).to(X.dtype).mean()


def train_pac_bayes(X, y, *, delta: float = 0.05, steps: int = 3000, batch: int = 256, lr: float = 0.05,
                    sigma0: float = 0.5, prior_std: float = 1.0, seed: int = 0) -> dict:
    r"""Minimise the PAC-Bayes objective of a stochastic linear classifier by reparameterised SGD.

    Book label: ``pacbayes.reparam-training``. Surrogate :math:`\mathbb E_Q[\log_2(1+e^{-y\tilde\theta^\top x/\sqrt d})]`
    (one posterior draw per example) plus :math:`\sqrt{\frac2s[\mathrm{KL}(Q\|P)+\ln\frac{2\sqrt s}\delta]}` with
    :math:`P=\mathcal N(0,\lambda^2I)`; starts at :math:`\theta=0,\ \sigma=\sigma_0`. Returns ``theta``, ``rho``
    and ``kl`` (float64 tensors).

    >>> out = train_pac_bayes(torch.eye(2).repeat(8, 1), torch.ones(16), steps=5, batch=4)
    >>> sorted(out), round(float(out["kl"]), 4)
    (['kl', 'rho', 'theta'], 0.6435)
    """
    X = _tensor("X", X, ndim=2)
    y = _labels(y, X)
    delta = v.require_probability("delta", delta, open_low=True, open_high=True)
    steps = v.require_int("steps", steps, minimum=0)
    batch = v.require_int("batch", batch, minimum=1)
    lr, sigma0, prior_std = (v.require_positive_scalar(k, x) for k, x in
                             (("lr", lr), ("sigma0", sigma0), ("prior_std", prior_std)))
    seed = v.require_int("seed", seed, minimum=0)
    s, d = X.shape
    g = torch.Generator().manual_seed(seed)
    theta = torch.zeros(d, dtype=X.dtype, device=X.device, requires_grad=True)
    rho = torch.full((d,), math.log(sigma0), dtype=X.dtype, device=X.device, requires_grad=True)
    opt = torch.optim.SGD([theta, rho], lr=lr)
    for _ in range(steps):
        idx = torch.randint(0, s, (min(batch, s),), generator=g)
        eta = torch.randn(len(idx), d, generator=g, dtype=X.dtype).to(X.device)
        margins = y[idx] * (X[idx] * perturb(theta, rho, eta)).sum(1) / math.sqrt(d)
        surrogate = torch.nn.functional.softplus(-margins).mean() / math.log(2)
        kl = gaussian_kl_diag(theta, torch.exp(rho), prior_std)
        loss = surrogate + torch.sqrt(2 / s * (kl + math.log(2 * math.sqrt(s) / delta)))
        opt.zero_grad()
        loss.backward()
        opt.step()
    theta, rho = theta.detach(), rho.detach()
    return {"theta": theta, "rho": rho, "kl": gaussian_kl_diag(theta, torch.exp(rho), prior_std)}
