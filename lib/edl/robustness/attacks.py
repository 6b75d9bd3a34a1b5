r"""Adversarial examples: norms and dual norms, minimal perturbations of linear classifiers, DeepFool.

Chapter 11, "Robustness, interpretability and fairness" (book labels ``adv.definition`` …
``adv.robustness-measure``). A perturbation :math:`\delta` is measured in an :math:`\ell_p` norm, and the
steepest direction of a linear function inside the :math:`\ell_p` ball is read off the dual norm
:math:`\ell_{p^*}`, :math:`1/p+1/p^*=1`. Vectors live on the last axis; leading axes are a batch.
Functions take tensors (or array-likes, converted to float64) and return tensors whose dtype and device
follow the input. Symbols: :math:`w,b` weights and bias, :math:`x` an input, :math:`y\in\{\pm1\}` a
label, :math:`W` (``(K, d)``) the weights of a :math:`K`-class linear classifier, :math:`f` a model.
"""

import math

import torch

from edl.core import validate as v


def _tensor(name: str, value, *, ndim=None, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _exponent(name: str, p, *, minimum: float = 1.0, zero: bool = False) -> float:
    """An exponent p in [minimum, inf] (or 0 where the l0 count is meant)."""
    if isinstance(p, bool) or not isinstance(p, (int, float)):
        raise ValueError(f"{name} must be a number in [{minimum:g}, inf], got {p!r}")
    p = float(p)
    if math.isnan(p) or p < minimum and not (zero and p == 0):
        raise ValueError(f"{name} must be a number in [{minimum:g}, inf]{' or 0' if zero else ''}, got {p!r}")
    return p


def _model(name: str, f):
    v.require_callable(name, f)
    return f


# --- norms and dual norms --------------------------------------------------------------------------

def p_norm(x, p) -> torch.Tensor:
    r"""The :math:`\ell_p` norm along the last axis, the max norm for :math:`p=\infty`, the count for :math:`p=0`.

    .. math:: \|x\|_p=\Big(\sum_i|x_i|^p\Big)^{1/p},\quad\|x\|_\infty=\max_i|x_i|,\quad
              \|x\|_0=|\{i:x_i\ne0\}|\ \ (\text{not a norm})

    Book label: ``adv.p-norms``. ``x`` : ``(..., d)``; ``p`` : 0, a number > 0, or ``math.inf``.
    For :math:`0<p<1` the formula is not a norm either (the unit ball is not convex).

    >>> [round(float(p_norm([3.0, -4.0, 0.0], p)), 6) for p in (0, 1, 2, math.inf)]
    [2.0, 7.0, 5.0, 4.0]
    """
    x = _tensor("x", x)
    v.require_min_ndim("x", x, 1)
    p = _exponent("p", p, minimum=1e-3, zero=True)
    a = x.abs()
    if p == 0:
        return (a != 0).sum(-1).to(x.dtype)
    if math.isinf(p):
        return a.amax(-1)
    scale = a.amax(-1, keepdim=True).clamp_min(torch.finfo(x.dtype).tiny)
    return scale[..., 0] * ((a / scale) ** p).sum(-1) ** (1 / p)


def dual_exponent(p) -> float:
    r"""The dual (Hölder conjugate) exponent :math:`p^*` with :math:`\frac1p+\frac1{p^*}=1`.

    Book label: ``adv.p-norms``. ``p`` : in :math:`[1,\infty]`; :math:`1^*=\infty`, :math:`\infty^*=1`.

    >>> dual_exponent(1), dual_exponent(2), dual_exponent(3), dual_exponent(math.inf)
    (inf, 2.0, 1.5, 1.0)
    """
    p = _exponent("p", p)
    if p == 1:
        return math.inf
    if math.isinf(p):
        return 1.0
    return p / (p - 1)


def steepest_direction(z, p) -> torch.Tensor:
    r"""The maximiser :math:`v^*` of the linear function :math:`v^\top z` over the unit :math:`\ell_p` ball.

    .. math:: \max_{\|v\|_p\le1}v^\top z=\|z\|_{p^*},\qquad
              v^*=\frac{\mathrm{sign}(z)\odot|z|^{p^*-1}}{\|z\|_{p^*}^{p^*-1}}

    with the limits :math:`v^*=\mathrm{sign}(z)` for :math:`p=\infty` (the FGSM direction),
    :math:`z/\|z\|_2` for :math:`p=2` and :math:`\mathrm{sign}(z_k)e_k`, :math:`k=\arg\max_i|z_i|`, for
    :math:`p=1`. Book label: ``adv.dual-norm-steepest``. ``z`` : ``(..., d)``, a gradient, not zero;
    ``p`` : in :math:`[1,\infty]`.

    >>> steepest_direction([3.0, -4.0], 2).tolist(), steepest_direction([3.0, -4.0], math.inf).tolist()
    ([0.6, -0.8], [1.0, -1.0])
    >>> steepest_direction([3.0, -4.0], 1).tolist()
    [0.0, -1.0]
    """
    z = _tensor("z", z)
    v.require_min_ndim("z", z, 1)
    p = _exponent("p", p)
    if (z.abs().amax(-1) == 0).any():
        raise ValueError(f"z must not be the zero vector (every direction is then steepest), got {z.tolist()}")
    if math.isinf(p):
        return torch.sign(z)
    if p == 1:
        k = z.abs().argmax(-1, keepdim=True)
        return torch.zeros_like(z).scatter(-1, k, torch.sign(z.gather(-1, k)))
    q = dual_exponent(p)
    a = z.abs() / z.abs().amax(-1, keepdim=True)          # rescaled: the ratio is scale-free
    return torch.sign(z) * a ** (q - 1) / p_norm(a, q)[..., None] ** (q - 1)


# --- the definition ----------------------------------------------------------------------------------

def is_adversarial(f, x, delta, y, *, eps, p, target=None) -> torch.Tensor:
    r"""Whether :math:`x+\delta` is an adversarial example of the classifier ``f`` within the budget.

    .. math:: \|\delta\|_p\le\epsilon\ \text{ and }\ \begin{cases}f(x+\delta)\ne y&\text{untargeted}\\
              f(x+\delta)=t&\text{targeted}\end{cases}

    Book label: ``adv.definition``. ``f`` : a model mapping ``(n, d)`` inputs to ``(n, K)`` scores (the
    predicted class is the argmax); ``x``, ``delta`` : ``(n, d)``; ``y`` : ``(n,)`` true classes;
    ``target`` : ``(n,)`` target classes, or None. Returns a boolean ``(n,)``.

    >>> f = lambda x: torch.stack([-x[:, 0], x[:, 0]], -1)    # class 1 iff x_0 > 0
    >>> is_adversarial(f, [[0.5], [0.5]], [[-0.6], [-0.4]], [1, 1], eps=0.55, p=2).tolist()
    [False, False]
    >>> is_adversarial(f, [[0.5], [0.5]], [[-0.6], [-0.4]], [1, 1], eps=0.7, p=2).tolist()
    [True, False]
    """
    f = _model("f", f)
    x = _tensor("x", x, ndim=2)
    delta = _tensor("delta", delta, ndim=2, like=x)
    v.require_shape("delta", delta, tuple(x.shape), match="x")
    eps = v.require_positive_scalar("eps", eps, strict=False)
    p = _exponent("p", p, zero=True)
    y = _labels("y", y, len(x), x.device)
    small = p_norm(delta, p) <= eps * (1 + 1e-12)
    pred = f(x + delta).argmax(-1)
    if target is None:
        return small & (pred != y)
    t = _labels("target", target, len(x), x.device)
    return small & (pred == t)


def _labels(name: str, y, n: int, device) -> torch.Tensor:
    try:
        t = torch.as_tensor(y, device=device) if not isinstance(y, torch.Tensor) else y
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"{name} must hold class indices, got {y!r}") from err
    if t.is_floating_point():
        v.require_finite(name, t)
        v.require_integer_valued(name, t, minimum=0)
    elif t.dtype == torch.bool or t.is_complex():
        raise ValueError(f"{name} must hold class indices, got {t.tolist()}")
    v.require_shape(name, t, (n,), match="x")
    if (t < 0).any():
        raise ValueError(f"{name} must hold class indices >= 0, got {t.tolist()}")
    return t.long()


# --- linear classifiers ---------------------------------------------------------------------------

def linear_flips(w, b, x, y, delta) -> torch.Tensor:
    r"""Whether the perturbation flips the label of the linear classifier :math:`\mathrm{sign}(w^\top x+b)`.

    .. math:: y\,(w^\top(x+\delta)+b)\le0\iff y\,w^\top\delta\le-y\,(w^\top x+b)

    Book label: ``adv.linear-binary``. ``w`` : ``(d,)``; ``b`` : a number; ``x``, ``delta`` : ``(..., d)``;
    ``y`` : ±1, broadcast over the batch. Returns a boolean tensor.

    >>> linear_flips([1.0, 1.0], -1.0, [1.0, 1.0], 1.0, [[-0.4, -0.4], [-0.6, -0.6]]).tolist()
    [False, True]
    """
    w = _tensor("w", w, ndim=1)
    b = v.require_scalar("b", b)
    x = _tensor("x", x, like=w)
    v.require_shape("x", x, (..., w.shape[0]), match="w")
    delta = _tensor("delta", delta, like=w)
    v.require_shape("delta", delta, (..., w.shape[0]), match="w")
    y = _tensor("y", y, like=w)
    if not ((y == 1) | (y == -1)).all():
        raise ValueError(f"y must hold labels ±1, got {y.tolist()}")
    v.broadcast_shapes(x=x[..., 0], delta=delta[..., 0], y=y)
    return y * (delta @ w) <= -y * (x @ w + b)


def linear_minimal_perturbation(w, b, x, p=2) -> torch.Tensor:
    r"""The smallest :math:`\ell_p` perturbation that moves :math:`x` onto the boundary :math:`w^\top x+b=0`.

    .. math:: \delta^*=-\frac{w^\top x+b}{\|w\|_{p^*}}\,v^*(w),\qquad
              \|\delta^*\|_p=\frac{|w^\top x+b|}{\|w\|_{p^*}}

    with :math:`v^*` the steepest direction of ``adv.dual-norm-steepest``; for :math:`p=2`,
    :math:`\delta^*=-\frac{w^\top x+b}{\|w\|_2^2}w`, and for :math:`p=\infty`,
    :math:`\delta^*=-\frac{w^\top x+b}{\|w\|_1}\mathrm{sign}(w)`. Any step beyond it flips the label.
    Book label: ``adv.linear-binary``. ``w`` : ``(d,)``; ``b`` : a number; ``x`` : ``(..., d)``;
    ``p`` : in :math:`[1,\infty]`.

    >>> linear_minimal_perturbation([3.0, 4.0], -5.0, [3.0, 4.0]).tolist()
    [-2.4, -3.2]
    >>> linear_minimal_perturbation([3.0, 4.0], -5.0, [3.0, 4.0], p=math.inf).round(decimals=6).tolist()
    [-2.857143, -2.857143]
    """
    w = _tensor("w", w, ndim=1)
    b = v.require_scalar("b", b)
    x = _tensor("x", x, like=w)
    v.require_shape("x", x, (..., w.shape[0]), match="w")
    p = _exponent("p", p)
    if (w == 0).all():
        raise ValueError(f"w must not be the zero vector (there is no boundary), got {w.tolist()}")
    direction = steepest_direction(w, p)                            # (d,)
    margin = x @ w + b                                             # (...)
    return -(margin / p_norm(w, dual_exponent(p)))[..., None] * direction


def linear_multiclass_perturbation(W, b, x, *, overshoot=0.0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The smallest :math:`\ell_2` perturbation that moves :math:`x` to another class of a linear classifier.

    .. math:: j^*=\arg\min_{j\ne\hat k}\frac{f_{\hat k}(x)-f_j(x)}{\|w_{\hat k}-w_j\|_2},\qquad
              \delta=(1+\text{overshoot})\,\frac{f_{\hat k}(x)-f_{j^*}(x)}{\|w_{\hat k}-w_{j^*}\|_2^2}
              (w_{j^*}-w_{\hat k})

    with :math:`f_k(x)=w_k^\top x+b_k` and :math:`\hat k` the predicted class. The class is chosen by the
    *distance* to each pairwise boundary. Book label: ``adv.linear-multiclass``. ``W`` : ``(K, d)``,
    rows distinct; ``b`` : ``(K,)``; ``x`` : ``(n, d)``; ``overshoot`` : ≥ 0. Returns ``(delta, j_star)``.

    >>> delta, j = linear_multiclass_perturbation([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], [0.0, 0.0, 0.0], [[2.0, 1.0]])
    >>> delta.round(decimals=8).tolist(), j.tolist()
    ([[-0.5, 0.5]], [1])
    """
    W = _tensor("W", W, ndim=2)
    b = _tensor("b", b, ndim=1, like=W)
    v.require_shape("b", b, (W.shape[0],), match="W")
    if W.shape[0] < 2:
        raise ValueError(f"W must have at least 2 rows (classes), got shape {tuple(W.shape)}")
    x = _tensor("x", x, ndim=2, like=W)
    v.require_shape("x", x, (None, W.shape[1]), match="W")
    overshoot = v.require_positive_scalar("overshoot", overshoot, strict=False)
    scores = x @ W.T + b                                           # (n, K)
    k = scores.argmax(-1)                                          # (n,)
    diff = W[k][:, None, :] - W[None, :, :]                        # (n, K, d): w_k - w_j
    gap = scores.gather(-1, k[:, None]) - scores                   # (n, K): f_k - f_j >= 0
    norms = diff.norm(dim=-1)                                      # (n, K)
    if ((norms == 0) & (torch.arange(W.shape[0], device=W.device) != k[:, None])).any():
        raise ValueError(f"W must have distinct rows, got {W.tolist()}")
    distance = torch.where(norms > 0, gap / norms.clamp_min(1e-300), torch.full_like(gap, math.inf))
    j = distance.argmin(-1)                                        # (n,)
    rows = torch.arange(len(x), device=x.device)
    coefficient = gap[rows, j] / norms[rows, j] ** 2               # (n,)
    return (1 + overshoot) * coefficient[:, None] * -diff[rows, j], j


# --- DeepFool -------------------------------------------------------------------------------------

def deepfool_binary_step(c, grad, p=2) -> torch.Tensor:
    r"""One DeepFool step for two classes: the smallest :math:`\ell_p` step onto the linearised boundary.

    .. math:: r^*=-\frac{c}{\|w\|_q^q}\,|w|^{q-1}\odot\mathrm{sign}(w),\qquad
              \|r^*\|_p=\frac{c}{\|w\|_q},\qquad q=p^*

    where :math:`c=f_1(x)-f_2(x)` and :math:`w=\nabla f_1(x)-\nabla f_2(x)`; it solves
    :math:`\min\|r\|_p` subject to :math:`c+w^\top r=0`. Book label: ``adv.deepfool-binary``.
    ``c`` : ``(...)``; ``grad`` : ``(..., d)``, not zero; ``p`` : in :math:`[1,\infty]`.

    >>> deepfool_binary_step(5.0, [3.0, 4.0]).tolist()
    [-0.6, -0.8]
    """
    grad = _tensor("grad", grad)
    v.require_min_ndim("grad", grad, 1)
    c = _tensor("c", c, like=grad)
    v.broadcast_shapes(c=c, grad=grad[..., 0])
    p = _exponent("p", p)
    if (grad.abs().amax(-1) == 0).any():
        raise ValueError(f"grad must not be the zero vector (the linearisation has no boundary), got {grad.tolist()}")
    q = dual_exponent(p)
    return -(c / p_norm(grad, q))[..., None] * steepest_direction(grad, p)


def deepfool_multiclass_step(h, grad_h, k, p=2) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One multiclass DeepFool step: towards the nearest linearised boundary :math:`h_l=0`.

    .. math:: \hat l=\arg\min_{j\ne\hat k}\frac{|h_j|}{\|\nabla h_j\|_q},\qquad
              r=\frac{|h_{\hat l}|}{\|\nabla h_{\hat l}\|_q^q}\,|\nabla h_{\hat l}|^{q-1}\odot
              \mathrm{sign}(\nabla h_{\hat l})

    with :math:`h_j=f_j-f_{\hat k}` (negative for :math:`j\ne\hat k`) and :math:`q=p^*`.
    Book label: ``adv.deepfool-multiclass``. ``h`` : ``(n, K)``; ``grad_h`` : ``(n, K, d)``; ``k`` :
    ``(n,)`` the predicted classes (skipped); ``p`` : in :math:`[1,\infty]`. Returns ``(r, l_hat)``.

    >>> r, l = deepfool_multiclass_step([[0.0, -1.0, -3.0]], [[[0.0, 0.0], [0.0, 2.0], [1.0, 0.0]]], [0])
    >>> r.tolist(), l.tolist()
    ([[0.0, 0.5]], [1])
    """
    h = _tensor("h", h, ndim=2)
    grad_h = _tensor("grad_h", grad_h, ndim=3, like=h)
    v.require_shape("grad_h", grad_h, (h.shape[0], h.shape[1], None), match="h")
    if h.shape[1] < 2:
        raise ValueError(f"h must have at least 2 classes, got shape {tuple(h.shape)}")
    k = _labels("k", k, h.shape[0], h.device)
    if (k >= h.shape[1]).any():
        raise ValueError(f"k must index the {h.shape[1]} classes of h, got {k.tolist()}")
    p = _exponent("p", p)
    q = dual_exponent(p)
    rows = torch.arange(len(h), device=h.device)
    norms = p_norm(grad_h, q)                                       # (n, K)
    others = torch.ones_like(h, dtype=torch.bool)
    others[rows, k] = False
    if (others & (norms == 0)).any():
        raise ValueError("grad_h must not vanish for a class other than k, got a zero gradient")
    ratio = torch.where(others, h.abs() / norms.clamp_min(1e-300), torch.full_like(h, math.inf))
    l_hat = ratio.argmin(-1)                                        # (n,)
    g, size = grad_h[rows, l_hat], ratio[rows, l_hat]              # (n, d), (n,): |h_l| / ||grad h_l||_q
    return size[:, None] * steepest_direction(g, p), l_hat


def deepfool(f, x, *, p=2, overshoot=0.02, max_iter=50) -> tuple[torch.Tensor, torch.Tensor]:
    r"""DeepFool: repeat the multiclass step on the model's linearisation until each label flips.

    .. math:: x_{i+1}=x_i+r_i\ \text{(adv.deepfool-multiclass)},\quad\text{until }\hat k(x_i)\ne\hat k(x_0);
              \qquad r=(1+\text{overshoot})\textstyle\sum_ir_i

    Book labels: ``adv.deepfool-binary``, ``adv.deepfool-multiclass`` (with two classes the step is the
    binary one). ``f`` : a differentiable model ``(n, d) → (n, K)``; ``x`` : ``(n, d)``; ``p`` : in
    :math:`[1,\infty]`; ``overshoot`` : ≥ 0; ``max_iter`` : ≥ 1. Returns ``(r, steps)``: the total
    perturbations ``(n, d)`` and the number of steps each point needed (``max_iter + 1``: never flipped).

    >>> f = lambda x: x @ torch.eye(2, dtype=x.dtype)
    >>> r, steps = deepfool(f, [[2.0, 1.0]], overshoot=0.02)
    >>> r.round(decimals=8).tolist(), steps.tolist()
    ([[-0.51, 0.51]], [1])
    """
    f = _model("f", f)
    x0 = _tensor("x", x, ndim=2)
    p = _exponent("p", p)
    overshoot = v.require_positive_scalar("overshoot", overshoot, strict=False)
    max_iter = v.require_int("max_iter", max_iter, minimum=1)
    with torch.no_grad():
        k0 = f(x0).argmax(-1)                                      # (n,)
    rows = torch.arange(len(x0), device=x0.device)
    r_total = torch.zeros_like(x0)
    steps = torch.full_like(k0, max_iter + 1)
    for i in range(max_iter + 1):
        xi = (x0 + (1 + overshoot) * r_total).detach().requires_grad_(True)
        scores = f(xi)                                             # (n, K)
        flipped = scores.argmax(-1) != k0
        steps = torch.where(flipped & (steps > max_iter), torch.full_like(steps, i), steps)
        active = steps > max_iter
        if i == max_iter or not active.any():
            break
        grads = torch.stack([torch.autograd.grad(scores[:, j].sum(), xi, retain_graph=True)[0]
                             for j in range(scores.shape[1])], 1)   # (n, K, d)
        h = (scores - scores[rows, k0][:, None]).detach()          # (n, K): f_j - f_k0
        grad_h = grads - grads[rows, k0][:, None]                  # (n, K, d)
        r, _ = deepfool_multiclass_step(h[active], grad_h[active], k0[active], p)
        r_total = r_total.clone()
        r_total[active] += r
    return ((1 + overshoot) * r_total).detach(), steps


def robustness_measure(r, x) -> torch.Tensor:
    r"""The average relative size of minimal adversarial perturbations.

    .. math:: \hat\rho_{adv}=\frac1n\sum_{i=1}^n\frac{\|r(x_i)\|_2}{\|x_i\|_2}

    Book label: ``adv.robustness-measure``. ``r``, ``x`` : ``(n, d)``, each :math:`x_i\ne0`.

    >>> float(robustness_measure([[0.3, 0.4], [0.0, 1.0]], [[3.0, 4.0], [0.0, 2.0]]))
    0.3
    """
    x = _tensor("x", x, ndim=2)
    r = _tensor("r", r, ndim=2, like=x)
    v.require_shape("r", r, tuple(x.shape), match="x")
    nx = x.norm(dim=-1)
    if (nx == 0).any():
        raise ValueError(f"x must not contain the zero vector, got {x.tolist() if x.numel() < 20 else x}")
    return (r.norm(dim=-1) / nx).mean()
