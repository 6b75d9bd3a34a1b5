r"""Gradient attacks: FGSM, projected gradient ascent in :math:`\ell_2` and :math:`\ell_\infty`, and the
exact worst case of a linear classifier on Gaussian data.

Chapter 11, "Robustness, interpretability and fairness" (book labels ``adv.fgsm``, ``adv.pgd-l2``,
``adv.pgd-linf``). An attack receives ``loss``, a function of a batch of inputs ``(n, d)`` returning the
``(n,)`` losses (the labels live inside it), and ascends it within the ball
:math:`\|\delta\|_p\le\epsilon` around each input; ``lower``/``upper`` clip :math:`x+\delta` to the valid
input range. Everything is batched: one gradient call serves the whole batch, since the loss of input
:math:`i` depends on input :math:`i` only.
"""

import torch
from torch.distributions import Normal

from edl.core import validate as v
from edl.robustness.attacks import dual_exponent, p_norm


def _tensor(name: str, value, *, ndim=None, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _box(x: torch.Tensor, lower, upper) -> tuple[float | None, float | None]:
    lo = None if lower is None else v.require_scalar("lower", lower)
    hi = None if upper is None else v.require_scalar("upper", upper)
    if lo is not None and hi is not None and not lo < hi:
        raise ValueError(f"lower must be below upper, got lower={lower!r}, upper={upper!r}")
    if (lo is not None and (x < lo).any()) or (hi is not None and (x > hi).any()):
        raise ValueError(f"x must lie in [lower, upper] = [{lo}, {hi}], "
                         f"got values from {float(x.min())} to {float(x.max())}")
    return lo, hi


def _clip(z: torch.Tensor, lo, hi) -> torch.Tensor:
    return z.clamp(lo, hi) if lo is not None or hi is not None else z


def _input_gradient(loss, x: torch.Tensor) -> torch.Tensor:
    x = x.detach().requires_grad_(True)
    values = loss(x)
    if not isinstance(values, torch.Tensor) or values.shape != x.shape[:1]:
        raise ValueError(f"loss must return one value per input, shape {tuple(x.shape[:1])}, got "
                         f"{tuple(values.shape) if isinstance(values, torch.Tensor) else type(values).__name__}")
    return torch.autograd.grad(values.sum(), x)[0]


# --- projections --------------------------------------------------------------------------------

def project_l2(z, eps) -> torch.Tensor:
    r"""Euclidean projection onto the ball :math:`\|\delta\|_2\le\epsilon` (rows of ``z``).

    .. math:: \Pi_{B_2(\epsilon)}(z)=z\cdot\min\Big\{1,\frac{\epsilon}{\|z\|_2}\Big\}

    Book label: ``adv.pgd-l2``. Points inside the ball do not move; points outside move radially to the
    sphere. ``z`` : ``(..., d)``; ``eps`` : ≥ 0.

    >>> project_l2([[3.0, 4.0], [0.3, 0.4]], 1.0).round(decimals=8).tolist()
    [[0.6, 0.8], [0.3, 0.4]]
    """
    z = _tensor("z", z)
    v.require_min_ndim("z", z, 1)
    eps = v.require_positive_scalar("eps", eps, strict=False)
    norm = z.norm(dim=-1, keepdim=True)
    return z * torch.where(norm > eps, eps / norm.clamp_min(1e-300), torch.ones_like(norm))


def project_linf(z, eps) -> torch.Tensor:
    r"""Euclidean projection onto the box :math:`\|\delta\|_\infty\le\epsilon`: clip every coordinate.

    .. math:: \Pi_{B_\infty(\epsilon)}(z)_i=\mathrm{clip}_{[-\epsilon,\epsilon]}(z_i)

    Book label: ``adv.pgd-linf``. The box is a product of intervals and the squared distance a sum over
    coordinates, so each coordinate is projected on its own. ``z`` : any shape; ``eps`` : ≥ 0.

    >>> project_linf([2.0, 0.5], 1.0).tolist()
    [1.0, 0.5]
    """
    z = _tensor("z", z)
    eps = v.require_positive_scalar("eps", eps, strict=False)
    return z.clamp(-eps, eps)


# --- attacks ------------------------------------------------------------------------------------

def fgsm(loss, x, eps, *, lower=None, upper=None) -> torch.Tensor:
    r"""The fast gradient sign method: one signed-gradient step of size :math:`\epsilon`.

    .. math:: x_{adv}=x+\epsilon\,\mathrm{sign}\big(\nabla_x\ell(f(x),y)\big)

    the exact maximiser of the linearised loss over the :math:`\ell_\infty` ball
    (``adv.dual-norm-steepest`` with :math:`p=\infty`). Book label: ``adv.fgsm``. ``loss`` : ``(n, d) →
    (n,)``; ``x`` : ``(n, d)``; ``eps`` : ≥ 0; ``lower``, ``upper`` : the valid input range, or None.

    >>> loss = lambda x: -(x @ torch.tensor([1.0, -2.0], dtype=x.dtype))     # a margin to reduce
    >>> fgsm(loss, [[0.5, 0.5]], 0.1).tolist()
    [[0.4, 0.6]]
    """
    v.require_callable("loss", loss)
    x = _tensor("x", x, ndim=2)
    eps = v.require_positive_scalar("eps", eps, strict=False)
    lo, hi = _box(x, lower, upper)
    g = _input_gradient(loss, x)
    return _clip(x + eps * torch.sign(g), lo, hi).detach()


def pgd(loss, x, eps, *, norm="inf", alpha=None, steps=10, random_start=False, generator=None,
        lower=None, upper=None) -> torch.Tensor:
    r"""Projected gradient ascent on the loss within the :math:`\ell_\infty` or :math:`\ell_2` ball.

    .. math:: \ell_\infty:\ \delta_{t+1}=\mathrm{clip}_{[-\epsilon,\epsilon]}\big(\delta_t+\alpha\,
              \mathrm{sign}(g_t)\big),\qquad
              \ell_2:\ \delta_{t+1}=\Pi_{B_2(\epsilon)}\Big(\delta_t+\alpha\frac{g_t}{\|g_t\|_2}\Big),

    :math:`g_t=\nabla_x\ell(f(x+\delta_t),y)`, then :math:`x+\delta` clipped to ``[lower, upper]``.
    Book labels: ``adv.pgd-linf``, ``adv.pgd-l2``. ``loss`` : ``(n, d) → (n,)``; ``x`` : ``(n, d)``;
    ``eps`` : > 0; ``norm`` : ``"inf"`` or ``"2"``; ``alpha`` : the step (default :math:`2.5\epsilon/`
    ``steps``); ``steps`` : ≥ 1; ``random_start`` : start uniformly in the box (ℓ∞) or ball (ℓ2),
    drawn with ``generator``.

    >>> loss = lambda x: -(x @ torch.tensor([1.0, -2.0], dtype=x.dtype))
    >>> pgd(loss, [[0.5, 0.5]], 0.1, steps=5).round(decimals=8).tolist()
    [[0.4, 0.6]]
    >>> pgd(loss, [[0.5, 0.5]], 0.1, norm="2", steps=5).round(decimals=6).tolist()
    [[0.455279, 0.589443]]
    """
    v.require_callable("loss", loss)
    x = _tensor("x", x, ndim=2)
    eps = v.require_positive_scalar("eps", eps)
    v.require_choice("norm", norm, ("inf", "2"))
    steps = v.require_int("steps", steps, minimum=1)
    alpha = 2.5 * eps / steps if alpha is None else v.require_positive_scalar("alpha", alpha)
    random_start = v.require_bool("random_start", random_start)
    v.require_generator("generator", generator)
    lo, hi = _box(x, lower, upper)
    project = project_linf if norm == "inf" else project_l2
    delta = torch.zeros_like(x)
    if random_start:
        u = torch.rand(x.shape, generator=generator, dtype=x.dtype).to(x.device)
        if norm == "inf":
            delta = eps * (2 * u - 1)
        else:
            gauss = torch.randn(x.shape, generator=generator, dtype=x.dtype).to(x.device)
            radius = eps * u[:, :1] ** (1 / x.shape[1])
            delta = radius * gauss / gauss.norm(dim=-1, keepdim=True)
        delta = _clip(x + delta, lo, hi) - x
    for _ in range(steps):
        g = _input_gradient(loss, x + delta)
        if norm == "inf":
            step = torch.sign(g)
        else:
            gn = g.norm(dim=-1, keepdim=True)
            step = torch.where(gn > 0, g / gn.clamp_min(1e-300), torch.zeros_like(g))
        delta = project(delta + alpha * step, eps)
        delta = _clip(x + delta, lo, hi) - x
    return (x + delta).detach()


# --- the linear worst case on Gaussian data ------------------------------------------------------

def linear_robust_accuracy(mu, eps, p) -> torch.Tensor:
    r"""The exact accuracy of :math:`\mathrm{sign}(\mu^\top x)` under the worst :math:`\ell_p` attack, for
    :math:`x\sim\mathcal N(y\mu,I_d)`, :math:`y=\pm1`.

    .. math:: \mathrm{acc}_p(\epsilon)=\Phi\Big(\frac{\|\mu\|_2^2-\epsilon\|\mu\|_{p^*}}{\|\mu\|_2}\Big)

    The worst perturbation lowers every margin :math:`y\mu^\top x\sim\mathcal N(\|\mu\|_2^2,\|\mu\|_2^2)` by
    :math:`\epsilon\|\mu\|_{p^*}`, and FGSM attains it for :math:`p=\infty` (``adv.fgsm``). With
    :math:`\mu=\frac2{\sqrt d}\mathbf 1`, :math:`\|\mu\|_1=2\sqrt d` grows with :math:`d` while
    :math:`\|\mu\|_2=2` stays: the :math:`\ell_\infty` accuracy collapses as the dimension grows.
    Book label: ``adv.fgsm``. ``mu`` : ``(d,)``, not zero; ``eps`` : ≥ 0; ``p`` : in :math:`[1,\infty]`.

    >>> [round(float(linear_robust_accuracy([2 / d ** 0.5] * d, 0.05, float('inf'))), 4) for d in (10, 100, 1000)]
    [0.9673, 0.9332, 0.6623]
    """
    mu = _tensor("mu", mu, ndim=1)
    eps = v.require_positive_scalar("eps", eps, strict=False)
    q = dual_exponent(p)
    n2 = mu.norm()
    if n2 == 0:
        raise ValueError(f"mu must not be the zero vector, got {mu.tolist() if mu.numel() < 20 else mu}")
    z = (n2**2 - eps * p_norm(mu, q)) / n2
    return Normal(torch.zeros((), dtype=mu.dtype, device=mu.device), 1.0).cdf(z)
