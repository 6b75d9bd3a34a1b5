r"""Robust training and its guarantees: adversarial training, DRO, Jacobian and operator norms, certificates.

Chapter 11, "Robustness, interpretability and fairness" (book labels ``adv.robust-training`` …
``adv.certified-defenses``). Linear models have closed forms (the inner maximum of a linear logistic
loss, :math:`\epsilon\|W\|_{p\to q}` for the largest output change); networks get the Jacobian's spectral
norm by power iteration with Jacobian–vector products, the product bound over layers, interval bounds
propagated layer by layer, and the certified radius of randomised smoothing.
"""

import itertools
import math

import torch
import torch.nn.functional as F
from torch.distributions import Normal

from edl.core import validate as v
from edl.robustness.attacks import dual_exponent, p_norm
from edl.robustness.pgd import pgd


def _tensor(name: str, value, *, ndim=None, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _signs(name: str, y, like: torch.Tensor, n: int) -> torch.Tensor:
    t = _tensor(name, y, ndim=1, like=like)
    v.require_shape(name, t, (n,), match="X")
    if not ((t == 1) | (t == -1)).all():
        raise ValueError(f"{name} must hold labels ±1, got {t.tolist() if t.numel() < 20 else t}")
    return t


def _exponent(name: str, p) -> float:
    if isinstance(p, bool) or not isinstance(p, (int, float)) or math.isnan(p) or p < 1:
        raise ValueError(f"{name} must be a number in [1, inf], got {p!r}")
    return float(p)


# --- adversarial training of a linear classifier ---------------------------------------------------

def robust_logistic_loss(w, b, X, y, eps, p=math.inf) -> torch.Tensor:
    r"""The adversarial logistic loss of a linear classifier, whose inner maximum has a closed form.

    .. math:: \frac1n\sum_i\max_{\|\delta\|_p\le\epsilon}\log\big(1+e^{-y_i(w^\top(x_i+\delta)+b)}\big)
              =\frac1n\sum_i\log\big(1+e^{-y_i(w^\top x_i+b)+\epsilon\|w\|_{p^*}}\big)

    The loss is decreasing in the margin, and :math:`\min_{\|\delta\|_p\le\epsilon}y\,w^\top\delta=
    -\epsilon\|w\|_{p^*}` (dual norm); at :math:`w=0` the dual norm's gradient is taken as the zero subgradient.
    Book label: ``adv.robust-training``. ``w`` : ``(d,)``; ``b`` : a
    number or 0-d tensor; ``X`` : ``(n, d)``; ``y`` : ``(n,)`` in ±1; ``eps`` : ≥ 0; ``p`` : in
    :math:`[1,\infty]`. Differentiable in ``w`` and ``b``.

    >>> round(float(robust_logistic_loss([1.0, -1.0], 0.0, [[1.0, 0.0]], [1.0], 0.5)), 6)
    0.693147
    """
    w = _tensor("w", w, ndim=1)
    b = _tensor("b", b, ndim=0, like=w)
    X = _tensor("X", X, ndim=2, like=w)
    v.require_shape("X", X, (None, w.shape[0]), match="w")
    y = _signs("y", y, w, X.shape[0])
    eps = v.require_positive_scalar("eps", eps, strict=False)
    q = dual_exponent(_exponent("p", p))
    # at w = 0 the dual norm has no gradient (autograd gives 0/0 for 1 < q < inf): take the zero subgradient
    penalty = p_norm(w, q) if bool((w != 0).any()) else (w * 0).sum()
    margin = y * (X @ w + b) - eps * penalty
    return F.softplus(-margin).mean()


def train_linear_classifier(X, y, eps, *, p=math.inf, steps=500, lr=0.1) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Adversarial training of a linear classifier by full-batch gradient descent on the robust loss.

    .. math:: \min_{w,b}\frac1n\sum_i\max_{\|\delta\|_p\le\epsilon}\ell\big(y_i(w^\top(x_i+\delta)+b)\big)

    with the inner maximum in closed form (:func:`robust_logistic_loss`); ``eps = 0`` is standard
    training. Book label: ``adv.robust-training``. ``X`` : ``(n, d)``; ``y`` : ``(n,)`` in ±1;
    ``eps`` : ≥ 0; ``steps`` : ≥ 1; ``lr`` : > 0. Returns ``(w, b)`` from zero initial values.

    >>> w, b = train_linear_classifier([[1.0], [-1.0]], [1.0, -1.0], 0.0, steps=100)
    >>> round(float(w[0]), 4), round(float(b), 4)
    (2.1855, 0.0)
    """
    X = _tensor("X", X, ndim=2)
    y = _signs("y", y, X, X.shape[0])
    eps = v.require_positive_scalar("eps", eps, strict=False)
    p = _exponent("p", p)
    steps = v.require_int("steps", steps, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    w = torch.zeros(X.shape[1], dtype=X.dtype, device=X.device, requires_grad=True)
    b = torch.zeros((), dtype=X.dtype, device=X.device, requires_grad=True)
    for _ in range(steps):
        gw, gb = torch.autograd.grad(robust_logistic_loss(w, b, X, y, eps, p), (w, b))
        with torch.no_grad():
            w -= lr * gw
            b -= lr * gb
    return w.detach(), b.detach()


def adversarial_training(model, X, y, eps, *, epochs=30, lr=0.01, batch_size=128, attack_steps=5,
                         seed=0) -> list[float]:
    r"""Adversarial training of a classifier: each step descends the loss at PGD's inner maximiser.

    .. math:: \min_\theta\ \mathbb E_{(x,y)}\Big[\max_{\|\delta\|_\infty\le\epsilon}\ell(f_\theta(x+\delta),y)\Big],
              \qquad\nabla_\theta\max_\delta\ell=\nabla_\theta\ell(f_\theta(x+\delta^*),y)\ \ \text{(Danskin)}

    Inputs are clipped to [0, 1]; ``eps = 0`` is standard training. Book label: ``adv.robust-training``.
    ``model`` : an ``nn.Module`` mapping ``(n, d)`` to ``(n, K)`` logits, trained in place with Adam;
    ``X`` : ``(n, d)`` in [0, 1]; ``y`` : ``(n,)`` class indices; ``eps`` : ≥ 0. Returns the mean
    training loss of each epoch.

    >>> net = torch.nn.Linear(2, 2).double()
    >>> X, y = torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64), torch.tensor([0, 1])
    >>> losses = adversarial_training(net, X, y, 0.1, epochs=20, lr=0.1)
    >>> losses[-1] < losses[0]
    True
    """
    if not isinstance(model, torch.nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {model!r}")
    X = _tensor("X", X, ndim=2)
    if (X < 0).any() or (X > 1).any():
        raise ValueError("X must lie in [0, 1], got values outside")
    if not isinstance(y, torch.Tensor) or y.dtype != torch.long:
        raise ValueError(f"y must be a tensor of class indices (torch.long), got {y!r}")
    v.require_shape("y", y, (X.shape[0],), match="X")
    eps = v.require_positive_scalar("eps", eps, strict=False)
    epochs = v.require_int("epochs", epochs, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    batch_size = v.require_int("batch_size", batch_size, minimum=1)
    attack_steps = v.require_int("attack_steps", attack_steps, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        order = torch.randperm(len(X), generator=gen).to(X.device)
        total = 0.0
        for start in range(0, len(X), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = X[idx], y[idx]
            if eps > 0:
                xb = pgd(lambda z, yb=yb: F.cross_entropy(model(z), yb, reduction="none"), xb, eps,
                         steps=attack_steps, lower=0.0, upper=1.0)
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += float(loss.detach()) * len(idx)
        history.append(total / len(X))
    return history


# --- distributionally robust optimisation -----------------------------------------------------------

def dro_worst_case(loss, x, eps, grid) -> torch.Tensor:
    r"""The worst expected loss over distributions within :math:`W_\infty`-distance :math:`\epsilon` of the
    empirical one, with moved points restricted to a grid.

    .. math:: \sup_{Q:\,W_\infty(P_n,Q)\le\epsilon}\mathbb E_Q[L]=\frac1n\sum_{i=1}^n
              \max_{\|\delta\|\le\epsilon}L(x_i+\delta)

    A coupling of :math:`P_n` with a :math:`Q` that moves no mass farther than :math:`\epsilon` sends each
    atom :math:`x_i` to points within :math:`\epsilon`, and the best such plan puts all of it on the
    maximiser: DRO in a :math:`W_\infty` ball *is* adversarial training. Book label: ``adv.dro``.
    ``loss`` : ``(m,) → (m,)``; ``x`` : ``(n,)`` points on the line; ``eps`` : ≥ 0; ``grid`` : ``(m,)``
    candidate points, with at least one within :math:`\epsilon` of every :math:`x_i`.

    >>> round(float(dro_worst_case(lambda t: t.abs(), [0.0, 1.0], 0.5, torch.linspace(-2, 2, 41))), 6)
    1.0
    """
    v.require_callable("loss", loss)
    x = _tensor("x", x, ndim=1)
    grid = _tensor("grid", grid, ndim=1, like=x)
    eps = v.require_positive_scalar("eps", eps, strict=False)
    values = loss(grid)
    if not isinstance(values, torch.Tensor) or values.shape != grid.shape:
        raise ValueError(f"loss must map the grid to one value per point, got {values!r}")
    reach = (grid[None, :] - x[:, None]).abs() <= eps * (1 + 1e-12) + 1e-12      # (n, m)
    if not reach.any(-1).all():
        raise ValueError(f"grid must have a point within eps = {eps} of every x, got none near some x")
    return torch.where(reach, values[None, :], torch.full_like(reach, -math.inf, dtype=values.dtype)).amax(-1).mean()


# --- Jacobians, layer norms and operator norms ----------------------------------------------------

def jacobian_spectral_norm(f, x, *, iters=50, seed=0) -> torch.Tensor:
    r"""The largest singular value of the Jacobian :math:`J_f(x)`, by power iteration on :math:`J^\top J`.

    .. math:: \frac{\|f(x+\Delta)-f(x)\|_2}{\|\Delta\|_2}\approx\frac{\|J_f(x)\Delta\|_2}{\|\Delta\|_2}
              \le\sigma_{\max}(J_f(x))=\max_{\|u\|_2\le1}\|J_f(x)u\|_2

    Each iteration takes one Jacobian–vector product (by double backward) and one vector–Jacobian
    product: the Jacobian is never formed. Book label: ``adv.operator-norm``. ``f`` : a map
    ``(d,) → (m,)``; ``x`` : ``(d,)``; ``iters`` : ≥ 1; ``seed`` : the starting vector.

    >>> A = torch.tensor([[3.0, 0.0], [0.0, -1.0]], dtype=torch.float64)
    >>> round(float(jacobian_spectral_norm(lambda z: A @ z, [1.0, 1.0])), 8)
    3.0
    """
    v.require_callable("f", f)
    x = _tensor("x", x, ndim=1)
    iters = v.require_int("iters", iters, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    u = torch.randn(x.shape, generator=torch.Generator().manual_seed(seed), dtype=x.dtype).to(x.device)
    u = u / u.norm()
    xg = x.detach().requires_grad_(True)
    y = f(xg)                                                      # (m,)
    if not isinstance(y, torch.Tensor) or y.ndim != 1:
        raise ValueError(f"f must map x to a vector (m,), got {y!r}")
    probe = torch.zeros_like(y, requires_grad=True)
    Jt_probe = torch.autograd.grad(y, xg, probe, create_graph=True)[0]          # Jᵀv, linear in v

    def jvp(vec):       # J u as the gradient of vᵀ(J u) = (Jᵀv)ᵀu with respect to v (double backward)
        return torch.autograd.grad(Jt_probe, probe, vec, retain_graph=True)[0]
    for _ in range(iters):
        Ju = jvp(u)
        if Ju.norm() == 0:
            return Ju.norm().detach()
        JtJu = torch.autograd.grad(y, xg, Ju, retain_graph=True)[0]            # Jᵀ(J u)
        u = JtJu / JtJu.norm()
    return jvp(u).norm().detach()


def spectral_norm_bound(weights) -> torch.Tensor:
    r"""The product of the layers' spectral norms, a global Lipschitz bound of a network.

    .. math:: \sigma_{\max}(J_f(x))\le\prod_{l=1}^L\sigma_{\max}(W^l)

    for :math:`f=W^L\circ\phi\circ\dots\circ\phi\circ W^1` with 1-Lipschitz elementwise activations
    :math:`\phi` (ReLU, tanh): the Jacobian is :math:`W^LD^{L-1}\cdots D^1W^1` with diagonal
    :math:`|D^l_{ii}|\le1`, and spectral norms are submultiplicative. Book label:
    ``adv.spectral-norm-bound``. ``weights`` : a list of matrices, ``weights[l]`` of shape ``(d_{l+1}, d_l)``.

    >>> float(spectral_norm_bound([torch.eye(2) * 3, torch.tensor([[0.0, 2.0]])]))
    6.0
    """
    Ws = v.as_tensor_list("weights", weights)
    for i, W in enumerate(Ws):
        v.require_ndim(f"weights[{i}]", W, 2)
        if i and W.shape[1] != Ws[i - 1].shape[0]:
            raise ValueError(f"weights[{i}] must have {Ws[i - 1].shape[0]} columns to follow weights[{i - 1}], "
                             f"got shape {tuple(W.shape)}")
    return torch.stack([torch.linalg.matrix_norm(W.to(Ws[0].dtype), 2) for W in Ws]).prod()


def operator_norm(W, p, q) -> torch.Tensor:
    r"""The :math:`p\to q` operator norm, the largest output change of a linear map per unit input change.

    .. math:: \max_{\|\delta\|_p\le\epsilon}\|W(x+\delta)-Wx\|_q=\epsilon\|W\|_{p\to q},\qquad
              \|W\|_{p\to q}=\max_{\|u\|_p\le1}\|Wu\|_q

    For a network, :math:`\max_{\|\delta\|_p\le\epsilon}\|f(x+\delta)-f(x)\|_q\approx\epsilon\|J_f(x)\|_{p\to q}`
    for small :math:`\epsilon`: adversarial training with an :math:`\ell_q` loss on the logits is
    data-dependent operator-norm regularisation. Computed as: :math:`p=q=2`, power iteration on
    :math:`W^\top W`; :math:`p=1`, the largest column norm; :math:`p=\infty`, the largest
    :math:`\|Ws\|_q` over sign vectors :math:`s` (a convex function is maximised at a vertex of the cube;
    at most 20 columns). Book label: ``adv.advtrain-opnorm``. ``W`` : ``(m, d)``; ``p`` : 1, 2 or
    ``inf``; ``q`` : in :math:`[1,\infty]` (only 2 when ``p = 2``).

    >>> W = torch.tensor([[1.0, 2.0], [3.0, -4.0]], dtype=torch.float64)
    >>> [round(float(operator_norm(W, p, q)), 6) for p, q in ((1, 1), (float('inf'), 1), (2, 2))]
    [6.0, 8.0, 5.116673]
    """
    W = _tensor("W", W, ndim=2)
    p, q = _exponent("p", p), _exponent("q", q)
    if p == 1:
        return p_norm(W.T, q).amax()
    if math.isinf(p):
        if W.shape[1] > 20:
            raise ValueError(f"W must have at most 20 columns for p = inf (2^d sign vectors), "
                             f"got shape {tuple(W.shape)}")
        signs = torch.tensor(list(itertools.product((-1.0, 1.0), repeat=W.shape[1])), dtype=W.dtype, device=W.device)
        return p_norm(signs @ W.T, q).amax()
    if p == 2 and q == 2:
        u = torch.ones(W.shape[1], dtype=W.dtype, device=W.device) / math.sqrt(W.shape[1])
        u = u + 0.1 * torch.arange(W.shape[1], dtype=W.dtype, device=W.device) / W.shape[1]   # avoid a null start
        for _ in range(500):
            z = W.T @ (W @ u)
            if z.norm() == 0:
                return z.norm()
            u = z / z.norm()
        return (W @ u).norm()
    raise ValueError(f"p and q must be p = 1, p = inf, or p = q = 2, got p={p!r}, q={q!r}")


# --- certified defences -----------------------------------------------------------------------------

def ibp_bounds(weights, biases, lower, upper) -> list[tuple[torch.Tensor, torch.Tensor]]:
    r"""Interval bound propagation through a ReLU network: a box that contains every output of the input box.

    .. math:: z=Wx+b,\ x\in[l,u]:\quad c=\tfrac{u+l}2,\ r=\tfrac{u-l}2\ \Rightarrow\
              z\in[Wc+b-|W|r,\ Wc+b+|W|r],

    and the monotone ReLU maps the bounds elementwise. For one layer the bounds are exact (each is
    attained at a corner of the box). Book label: ``adv.certified-defenses``. ``weights``, ``biases`` :
    lists of ``(d_{l+1}, d_l)`` and ``(d_{l+1},)``; ReLU after every layer but the last; ``lower``,
    ``upper`` : ``(d_0,)`` with ``lower <= upper``. Returns the bounds ``(l, u)`` of every pre-activation.

    >>> [(lo.tolist(), hi.tolist()) for lo, hi in ibp_bounds([[[1.0, -1.0]]], [[0.0]], [0.0, 0.0], [1.0, 1.0])]
    [([-1.0], [1.0])]
    """
    Ws = v.as_tensor_list("weights", weights)
    bs = v.as_tensor_list("biases", biases, like=Ws[0])
    if len(bs) != len(Ws):
        raise ValueError(f"biases must have one entry per layer ({len(Ws)}), got {len(bs)}")
    lo = _tensor("lower", lower, ndim=1, like=Ws[0])
    hi = _tensor("upper", upper, ndim=1, like=Ws[0])
    v.require_shape("upper", hi, tuple(lo.shape), match="lower")
    if (lo > hi).any():
        raise ValueError(f"lower must not exceed upper, got lower={lo.tolist()}, upper={hi.tolist()}")
    out = []
    for i, (W, b) in enumerate(zip(Ws, bs)):
        v.require_shape(f"weights[{i}]", W, (None, lo.shape[0]), match="the previous layer")
        v.require_shape(f"biases[{i}]", b, (W.shape[0],), match=f"weights[{i}]")
        c, r = (hi + lo) / 2, (hi - lo) / 2
        mid, rad = W @ c + b, W.abs() @ r
        out.append((mid - rad, mid + rad))
        lo, hi = (mid - rad).clamp_min(0), (mid + rad).clamp_min(0)
    return out


def smoothing_radius(p_a, p_b, sigma) -> torch.Tensor:
    r"""The certified :math:`\ell_2` radius of a randomised-smoothing classifier (Cohen et al., 2019).

    .. math:: g(x)=\arg\max_cP\big(f(x+\varepsilon)=c\big),\ \varepsilon\sim\mathcal N(0,\sigma^2I):\qquad
              R=\frac\sigma2\big(\Phi^{-1}(p_A)-\Phi^{-1}(p_B)\big)

    where :math:`p_A` bounds the top class's probability from below and :math:`p_B` the runner-up's from
    above; :math:`g` is constant on the ball of radius :math:`R`. Book label: ``adv.certified-defenses``.
    ``p_a``, ``p_b`` : in (0, 1), :math:`p_B\le p_A`; ``sigma`` : > 0.

    >>> round(float(smoothing_radius(0.8413447460685429, 0.15865525393145707, 0.5)), 8)
    0.5
    """
    p_a = _tensor("p_a", p_a)
    p_b = _tensor("p_b", p_b, like=p_a)
    v.require_in_range("p_a", p_a, 0.0, 1.0, closed=False)
    v.require_in_range("p_b", p_b, 0.0, 1.0, closed=False)
    v.broadcast_shapes(p_a=p_a, p_b=p_b)
    if (p_b > p_a).any():
        raise ValueError(f"p_b must not exceed p_a, got p_a={p_a.tolist()}, p_b={p_b.tolist()}")
    sigma = v.require_positive_scalar("sigma", sigma)
    normal = Normal(torch.zeros((), dtype=p_a.dtype, device=p_a.device), 1.0)
    return sigma / 2 * (normal.icdf(p_a) - normal.icdf(p_b))
