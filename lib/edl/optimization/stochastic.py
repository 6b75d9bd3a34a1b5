r"""Stochastic gradient descent on finite sums: unbiasedness, gradient noise, noise floors, averaging, SVRG.

Chapter 3, section "Stochastic gradient descent" (book labels ``sgd.*``). The running example is
least squares, :math:`f(\mathbf x)=\frac1n\sum_i f_i(\mathbf x)` with
:math:`f_i(\mathbf x)=\frac12(\mathbf a_i^\top\mathbf x-b_i)^2`, because every quantity the theory
names (per-example gradients, their variance, the stationary spread of SGD) has a closed form there.
Simulations are batched over independent chains (seeds) and take randomness only from a
``torch.Generator``. Functions return tensors whose dtype and device follow their inputs.

Notation: ``A`` (n, d) the data matrix with rows :math:`\mathbf a_i`; ``b`` (n,) targets; ``x`` a point
:math:`\mathbf x`; ``eta`` the step size :math:`\eta`; ``batch_size`` the minibatch size :math:`r`.
"""

import math

import torch

from edl.core import validate as v


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _same(name_a, a, **others):
    """``a`` and tensors of its shape (a gradient, an iterate), in its dtype and device."""
    a = _float(name_a, a)
    out = [a]
    for name, value in others.items():
        t = _float(name, value, like=a)
        v.require_same_shape(name, t, name_a, a)
        out.append(t)
    return out


def _start(x0, A, shape):
    x0 = _float("x0", x0, like=A)
    v.require_shape("x0", x0, (..., A.shape[1]), match="A (n, d)")
    v.require_broadcast("x0", x0, shape, to="the chains'")
    return x0


def _least_squares_data(A, b):
    A = _float("A", A)
    v.require_ndim("A", A, 2)
    b = _float("b", b, like=A)
    v.require_ndim("b", b, 1)
    if b.shape[0] != A.shape[0]:
        raise ValueError(f"b must hold one target per row of A ({A.shape[0]}), got shape {tuple(b.shape)}")
    return A, b


# --- gradients of a finite sum --------------------------------------------------------------------

def least_squares_gradients(A, b, x) -> torch.Tensor:
    r"""Per-example gradients of :math:`f_i(\mathbf x)=\frac12(\mathbf a_i^\top\mathbf x-b_i)^2`.

    .. math:: \nabla f_i(\mathbf x)=\mathbf a_i\,(\mathbf a_i^\top\mathbf x-b_i)

    Book label: ``sgd.update-unbiased``. ``A`` : rows :math:`\mathbf a_i`, shape (n, d); ``b`` : (n,);
    ``x`` : a point or a batch of points, shape (..., d). Returns shape (..., n, d).

    >>> A = torch.tensor([[1.0, 2.0], [0.0, 1.0]], dtype=torch.float64)
    >>> least_squares_gradients(A, [1.0, 0.0], [1.0, 1.0]).tolist()  # residuals 2 and 1
    [[2.0, 4.0], [0.0, 1.0]]
    """
    A, b = _least_squares_data(A, b)
    x = _float("x", x, like=A)
    if x.ndim == 0 or x.shape[-1] != A.shape[1]:
        raise ValueError(f"x must have {A.shape[1]} coordinates (the columns of A), got shape {tuple(x.shape)}")
    residual = x @ A.T - b  # (..., n)
    return residual.unsqueeze(-1) * A  # (..., n, d)


def empirical_risk(losses) -> torch.Tensor:
    r"""The finite-sum objective as an average of per-example losses, :math:`f=\frac1n\sum_{i=1}^nf_i`.

    Book label: ``sgd.update-unbiased``: it is the *average* (not the sum) whose gradient a uniformly
    drawn :math:`\nabla f_I` estimates without bias. ``losses`` : shape (..., n).

    >>> float(empirical_risk([1.0, 2.0, 6.0]))
    3.0
    """
    losses = _float("losses", losses)
    v.require_min_ndim("losses", losses, 1)
    return losses.mean(-1)


def full_gradient(per_example) -> torch.Tensor:
    r"""Gradient of the average :math:`f=\frac1n\sum_i f_i` from the per-example gradients.

    .. math:: \nabla f(\mathbf x)=\frac1n\sum_{i=1}^n\nabla f_i(\mathbf x)=\mathbb E_{I\sim\mathcal U\{1..n\}}\nabla f_I(\mathbf x)

    Book label: ``sgd.update-unbiased``: a uniformly drawn example's gradient is an unbiased estimate of
    this. ``per_example`` : shape (..., n, d). Returns shape (..., d).

    >>> full_gradient([[1.0, 0.0], [3.0, 2.0]]).tolist()
    [2.0, 1.0]
    """
    g = _float("per_example", per_example)
    v.require_ndim("per_example", g, tuple(range(2, 8)))
    return g.mean(-2)


def sgd_step(x, grad, eta) -> torch.Tensor:
    r"""One (stochastic) gradient step :math:`\mathbf x^{k+1}=\mathbf x^k-\eta_k\,\nabla f_{I(k)}(\mathbf x^k)`.

    Book label: ``sgd.update-unbiased``. ``x`` : current point; ``grad`` : the sampled gradient;
    ``eta`` : step size :math:`\eta_k` (scalar or broadcastable).

    >>> sgd_step([1.0, 1.0], [2.0, -1.0], 0.5).tolist()
    [0.0, 1.5]
    """
    x, grad = _same("x", x, grad=grad)
    eta = _float("eta", eta, like=x)
    v.require_positive("eta", eta, strict=False)
    v.require_broadcast("eta", eta, x.shape, to="x's")
    return x - eta * grad


def gradient_variance(per_example) -> torch.Tensor:
    r"""Variance of the single-example gradient estimate (the SGD noise at a point).

    .. math:: V(\mathbf x)=\frac1n\sum_{i=1}^n\|\nabla f_i(\mathbf x)-\nabla f(\mathbf x)\|^2
              =\frac1n\sum_i\|\nabla f_i(\mathbf x)\|^2-\|\nabla f(\mathbf x)\|^2,
              \qquad \sigma^2:=V(\mathbf x^*)

    Book label: ``sgd.variance``. ``per_example`` : gradients :math:`\nabla f_i`, shape (..., n, d).
    Returns :math:`V`, shape (...).

    >>> g = torch.tensor([[1.0, 0.0], [3.0, 2.0]], dtype=torch.float64)
    >>> float(gradient_variance(g)) == float((g**2).sum(-1).mean() - (g.mean(0)**2).sum())
    True
    """
    g = _float("per_example", per_example)
    v.require_ndim("per_example", g, tuple(range(2, 8)))
    return ((g - g.mean(-2, keepdim=True)) ** 2).sum(-1).mean(-1)


def minibatch_variance(V, n: int, batch_size: int, *, replace: bool = True) -> torch.Tensor:
    r"""Variance of the minibatch gradient :math:`\mathbf g_r=\frac1r\sum_{j=1}^r\nabla f_{I_j}`.

    .. math:: \mathbb E\|\mathbf g_r-\nabla f\|^2=\frac Vr\quad(\text{i.i.d. draws}),\qquad
              \frac Vr\cdot\frac{n-r}{n-1}\quad(\text{without replacement})

    Book label: ``sgd.minibatch``. ``V`` : single-example variance; ``n`` : number of examples;
    ``batch_size`` : :math:`r`; ``replace`` : whether examples are drawn with replacement.

    >>> float(minibatch_variance(2.0, 10, 10, replace=False))  # the whole data set: no noise
    0.0
    """
    V = _float("V", V)
    v.require_positive("V", V, strict=False)
    n = v.require_int("n", n, minimum=1)
    r = v.require_int("batch_size", batch_size, minimum=1)
    if not v.require_bool("replace", replace) and r > n:
        raise ValueError(f"batch_size must be at most n = {n} without replacement, got {r}")
    if replace or n == 1:
        return V / r
    return V / r * (n - r) / (n - 1)


def minibatch_gradients(per_example, batch_size: int, num_draws: int, *, replace: bool = True,
                        generator: torch.Generator | None = None) -> torch.Tensor:
    r"""``num_draws`` independent minibatch gradients :math:`\mathbf g_r=\frac1r\sum_j\nabla f_{I_j}`.

    Book label: ``sgd.minibatch``. ``per_example`` : shape (n, d); returns shape (num_draws, d).
    Without replacement each batch is a uniformly random subset of size ``batch_size``.

    >>> g = torch.eye(3, dtype=torch.float64)
    >>> minibatch_gradients(g, 3, 2, replace=False, generator=torch.Generator().manual_seed(0)).round(decimals=6).tolist()
    [[0.333333, 0.333333, 0.333333], [0.333333, 0.333333, 0.333333]]
    """
    g = _float("per_example", per_example)
    v.require_ndim("per_example", g, 2)
    n = g.shape[0]
    r = v.require_int("batch_size", batch_size, minimum=1)
    draws = v.require_int("num_draws", num_draws, minimum=1)
    v.require_generator("generator", generator)
    if v.require_bool("replace", replace):
        idx = torch.randint(n, (draws, r), generator=generator)
    else:
        if r > n:
            raise ValueError(f"batch_size must be at most n = {n} without replacement, got {r}")
        idx = torch.rand(draws, n, generator=generator, dtype=torch.float64).argsort(-1)[:, :r]
    picked = g.index_select(0, idx.to(g.device).reshape(-1)).reshape(draws, r, -1)  # (draws, r, d)
    return picked.mean(-2)


# --- step sizes and the noise floor ---------------------------------------------------------------

def robbins_monro_steps(c: float, num_steps: int, *, start: int = 1, power: float = 1.0) -> torch.Tensor:
    r"""The step sizes :math:`\eta_k=c/k^{p}` for :math:`k=\text{start},\dots,\text{start}+\text{num\_steps}-1`.

    .. math:: \sum_{k\ge1}\eta_k=\infty,\qquad \sum_{k\ge1}\eta_k^2<\infty\qquad(\text{Robbins–Monro; }
              \tfrac12<p\le1)

    Book label: ``sgd.robbins-monro``. The sums start at :math:`k=1`; ``start=0`` would ask for
    :math:`c/0`, which is returned as ``inf`` so that a simulation using it visibly breaks.

    >>> robbins_monro_steps(1.0, 4).round(decimals=6).tolist()
    [1.0, 0.5, 0.333333, 0.25]
    """
    c = v.require_scalar("c", c)
    v.require_positive("c", c)
    num_steps = v.require_int("num_steps", num_steps, minimum=1)
    start = v.require_int("start", start, minimum=0)
    power = v.require_scalar("power", power)
    k = torch.arange(start, start + num_steps, dtype=torch.float64)
    return c / k**power


def sgd_mean_estimation(a, steps, x0: float = 0.0) -> torch.Tensor:
    r"""SGD on :math:`f(x)=\frac12\mathbb E(x-a)^2` with samples ``a``: :math:`x_{k+1}=x_k-\eta_k(x_k-a_k)`.

    Book label: ``sgd.robbins-monro``. ``a`` : samples, shape (chains, K), one fresh sample per step;
    ``steps`` : :math:`\eta_1..\eta_K`, shape (K,). Returns the iterates :math:`x_2..x_{K+1}`, shape
    (chains, K). With :math:`\eta_k=1/k` the iterate :math:`x_{k+1}` is the running mean of
    :math:`a_1..a_k`.

    >>> a = torch.tensor([[1.0, 2.0, 6.0]], dtype=torch.float64)
    >>> sgd_mean_estimation(a, robbins_monro_steps(1.0, 3)).tolist()
    [[1.0, 1.5, 3.0]]
    """
    a = _float("a", a)
    v.require_ndim("a", a, 2)
    steps = v.as_tensor("steps", steps, dtype=a.dtype, device=a.device)  # in a's dtype, whatever it came in
    v.require_ndim("steps", steps, 1)
    v.require_finite("steps", steps)
    v.require_positive("steps", steps, strict=False)
    x0 = v.require_scalar("x0", x0)
    if steps.shape[0] != a.shape[1]:
        raise ValueError(f"steps must hold one step per column of a ({a.shape[1]}), got shape {tuple(steps.shape)}")
    x = torch.full(a.shape[:1], float(x0), dtype=a.dtype, device=a.device)
    out = torch.empty_like(a)
    for k in range(a.shape[1]):
        x = x - steps[k] * (x - a[:, k])
        out[:, k] = x
    return out


def sgd_bound(k, eta, mu, L, sigma2, dist0) -> torch.Tensor:
    r"""Needell–Srebro–Ward bound on the mean-square distance of constant-step SGD.

    .. math:: \mathbb E\|\mathbf x^k-\mathbf x^*\|^2\le\big(1-2\eta\mu(1-\eta L)\big)^k\|\mathbf x^0-\mathbf x^*\|^2
              +\frac{\eta\,\sigma^2}{\mu\,(1-\eta L)},\qquad 0<\eta<\frac1L

    Book label: ``sgd.strongly-convex-bound`` (Needell, Srebro and Ward 2014). Each :math:`f_i` is
    convex and ``L``-smooth, :math:`f` is ``mu``-strongly convex, ``sigma2`` :math:`=\sigma^2=V(\mathbf x^*)`,
    ``dist0`` :math:`=\|\mathbf x^0-\mathbf x^*\|^2`, ``k`` : iteration(s). The second term is the noise floor.

    >>> float(sgd_bound(10**6, 0.05, 1.0, 10.0, 2.0, 1.0))  # the floor ησ²/(μ(1-ηL)) = 0.1/0.5
    0.2
    """
    k = _float("k", k)
    v.require_positive("k", k, strict=False)
    eta, mu, L = (v.require_scalar(n, x) for n, x in (("eta", eta), ("mu", mu), ("L", L)))
    v.require_positive("mu", mu)
    if L < mu:
        raise ValueError(f"L must be at least mu = {mu}, got {L}")
    if not 0 < eta < 1 / L:
        raise ValueError(f"eta must lie in (0, 1/L) = (0, {1 / L:.4g}), got {eta}")
    sigma2, dist0 = (v.require_positive_scalar(n, x, strict=False) for n, x in (("sigma2", sigma2), ("dist0", dist0)))
    return (1 - 2 * eta * mu * (1 - eta * L)) ** k * dist0 + eta * sigma2 / (mu * (1 - eta * L))


def least_squares_noise(A, b) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    r"""The minimiser :math:`\mathbf x^*`, Hessian :math:`H=\frac1nA^\top A` and gradient-noise covariance at :math:`\mathbf x^*`.

    .. math:: \Sigma_*=\frac1n\sum_i\nabla f_i(\mathbf x^*)\nabla f_i(\mathbf x^*)^\top,\qquad
              \sigma^2=\operatorname{tr}\Sigma_*=V(\mathbf x^*)

    Book label: ``sgd.variance``. Returns ``(x_star, H, Sigma)``.

    >>> A = torch.eye(2, dtype=torch.float64)
    >>> [t.tolist() for t in least_squares_noise(A, [1.0, 2.0])]
    [[1.0, 2.0], [[0.5, 0.0], [0.0, 0.5]], [[0.0, 0.0], [0.0, 0.0]]]
    """
    A, b = _least_squares_data(A, b)
    x_star = torch.linalg.lstsq(A, b.unsqueeze(-1)).solution.squeeze(-1)
    g = least_squares_gradients(A, b, x_star)  # (n, d)
    return x_star, A.T @ A / A.shape[0], g.T @ g / A.shape[0]


def sgd_floor(A, b, eta: float, batch_size: int = 1) -> torch.Tensor:
    r"""Exact stationary mean-square error :math:`\lim_k\mathbb E\|\mathbf x^k-\mathbf x^*\|^2` of constant-step
    minibatch SGD (i.i.d. draws) on least squares.

    With :math:`\mathbf e=\mathbf x-\mathbf x^*` and :math:`S=\mathbb E\,\mathbf e\mathbf e^\top`, the
    stationary second moment solves the linear (Lyapunov-type) equation

    .. math:: \eta(HS+SH)=\eta^2\Big[\tfrac1r\big(\tfrac1n\textstyle\sum_i\mathbf a_i\mathbf a_i^\top S\,
              \mathbf a_i\mathbf a_i^\top+\Sigma_*\big)+\big(1-\tfrac1r\big)HSH\Big],

    and the floor is :math:`\operatorname{tr}S`; for small :math:`\eta`,
    :math:`\operatorname{tr}S\approx\frac{\eta}{2r}\operatorname{tr}(H^{-1}\Sigma_*)`.
    Book label: ``sgd.strongly-convex-bound`` (the exact value under the bound's noise term).
    Returns ``inf`` where the second moment is unstable (step too large).

    >>> A = torch.ones(2, 1, dtype=torch.float64)  # f_i = ½(x - b_i)², the mean-estimation problem
    >>> round(float(sgd_floor(A, [1.0, -1.0], 0.1)), 12) == round(0.1 * 1.0 / (2 - 0.1), 12)  # ησ²/(2-η)
    True
    """
    A, b = _least_squares_data(A, b)
    eta = v.require_scalar("eta", eta)
    v.require_positive("eta", eta)
    r = v.require_int("batch_size", batch_size, minimum=1)
    n, d = A.shape
    _, H, Sigma = least_squares_noise(A, b)
    eye = torch.eye(d, dtype=A.dtype, device=A.device)
    # vec(M S N) = (M ⊗ Nᵀ) vec(S) for row-major vec
    outer = A.unsqueeze(-1) * A.unsqueeze(-2)  # (n, d, d): a_i a_iᵀ
    fourth = torch.einsum("nij,nkl->ikjl", outer, outer).reshape(d * d, d * d) / n  # S -> mean a aᵀ S a aᵀ
    lhs = eta * (torch.kron(H, eye) + torch.kron(eye, H.T.contiguous()))
    lhs = lhs - eta**2 * (fourth / r + (1 - 1 / r) * torch.kron(H, H.T.contiguous()))
    S = torch.linalg.solve(lhs, eta**2 / r * Sigma.reshape(-1)).reshape(d, d)
    S = (S + S.T) / 2
    # the stationary solution is a second moment only if the mean-square dynamics are stable
    stable = torch.linalg.eigvalsh(S).min() >= -1e-12 * S.abs().max() and _mean_square_stable(lhs, d)
    return torch.trace(S) if stable else torch.tensor(math.inf, dtype=A.dtype, device=A.device)


def _mean_square_stable(lhs: torch.Tensor, d: int) -> bool:
    # S_{k+1} = (I - lhs) S_k + noise: stable iff the spectral radius of I - lhs is < 1
    transition = torch.eye(d * d, dtype=lhs.dtype, device=lhs.device) - lhs
    return bool(torch.linalg.eigvals(transition).abs().max() < 1)


def sgd_least_squares(A, b, x0, eta, num_steps: int, num_chains: int, *, batch_size: int = 1,
                      record_every: int = 1, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Constant-step minibatch SGD on least squares, batched over chains and step sizes.

    Runs :math:`\mathbf x^{k+1}=\mathbf x^k-\eta\,\frac1r\sum_{j}\nabla f_{I_j}(\mathbf x^k)` (i.i.d. draws)
    from ``x0`` for every step size in ``eta`` (shape (m,)) and ``num_chains`` independent chains.
    Returns the squared distances :math:`\|\mathbf x^k-\mathbf x^*\|^2` at
    :math:`k=0,\text{record\_every},\dots`, shape (m, num_chains, num_records).
    Book label: ``sgd.strongly-convex-bound``.

    >>> A = torch.ones(3, 1, dtype=torch.float64)
    >>> sgd_least_squares(A, [1.0, 1.0, 1.0], [0.0], [1.0], 1, 2).round(decimals=9).tolist()  # one step of size 1 lands on x* = 1
    [[[1.0, 0.0], [1.0, 0.0]]]
    """
    A, b = _least_squares_data(A, b)
    eta = _float("eta", eta, like=A)
    v.require_ndim("eta", eta, (0, 1))
    eta = eta.reshape(-1)
    v.require_positive("eta", eta)
    steps = v.require_int("num_steps", num_steps, minimum=1)
    chains = v.require_int("num_chains", num_chains, minimum=1)
    x0 = _start(x0, A, (eta.shape[0], chains, A.shape[1]))
    v.require_generator("generator", generator)
    r = v.require_int("batch_size", batch_size, minimum=1)
    every = v.require_int("record_every", record_every, minimum=1)
    x_star = torch.linalg.lstsq(A, b.unsqueeze(-1)).solution.squeeze(-1)
    n, d = A.shape
    x = x0.expand(eta.shape[0], chains, d).clone()  # (m, chains, d)
    scale = eta.reshape(-1, 1, 1) / r
    records = [((x - x_star) ** 2).sum(-1)]
    for k in range(1, steps + 1):
        idx = torch.randint(n, (eta.shape[0] * chains * r,), generator=generator).to(A.device)
        a = A.index_select(0, idx).reshape(eta.shape[0], chains, r, d)  # (m, chains, r, d)
        residual = (a * x.unsqueeze(-2)).sum(-1) - b.index_select(0, idx).reshape(eta.shape[0], chains, r)
        x = x - scale * (residual.unsqueeze(-1) * a).sum(-2)
        if k % every == 0:
            records.append(((x - x_star) ** 2).sum(-1))
    return torch.stack(records, -1)


# --- averaging and variance reduction -------------------------------------------------------------

def averaging_steps(D: float, G: float, num_steps: int) -> torch.Tensor:
    r"""Step sizes :math:`\eta_k=\frac{D}{G\sqrt k}` for projected SGD with averaging on convex problems.

    .. math:: \mathbb Ef(\bar{\mathbf x}_T)-f^*\le\frac{3GD}{2\sqrt T}

    for convex :math:`f`, stochastic subgradients with :math:`\|\mathbf g\|\le G` and a domain of
    diameter :math:`D`. Book label: ``sgd.polyak-averaging-rates``.

    >>> [round(x, 6) for x in averaging_steps(4.0, 1.0, 4).tolist()]
    [4.0, 2.828427, 2.309401, 2.0]
    """
    D, G = v.require_scalar("D", D), v.require_scalar("G", G)
    v.require_positive("D", D)
    v.require_positive("G", G)
    return robbins_monro_steps(D / G, num_steps, power=0.5)


def polyak_update(x_bar, x_new, k: int) -> torch.Tensor:
    r"""One step of the running (Polyak–Ruppert) average of the iterates.

    .. math:: \bar{\mathbf x}_{k+1}=\frac k{k+1}\bar{\mathbf x}_k+\frac1{k+1}\mathbf x_{k+1}
              =\frac1{k+1}\sum_{j=1}^{k+1}\mathbf x_j

    Book label: ``sgd.polyak-averaging-rates``. ``x_bar`` : average of the first ``k`` iterates;
    ``x_new`` : iterate number ``k + 1``.

    >>> polyak_update([1.0], [4.0], 2).tolist()  # the mean of (x1, x2) = 1 and x3 = 4 with x1 + x2 = 2
    [2.0]
    """
    x_bar, x_new = _same("x_bar", x_bar, x_new=x_new)
    k = v.require_int("k", k, minimum=0)
    return k / (k + 1) * x_bar + x_new / (k + 1)


def polyak_average(iterates) -> torch.Tensor:
    r"""Running averages :math:`\bar{\mathbf x}_1,\dots,\bar{\mathbf x}_T` of iterates along axis 0, by the recursion.

    Book label: ``sgd.polyak-averaging-rates``. ``iterates`` : shape (T, ...).

    >>> polyak_average([2.0, 4.0, 9.0]).tolist()
    [2.0, 3.0, 5.0]
    """
    x = _float("iterates", iterates)
    v.require_min_ndim("iterates", x, 1)
    out = torch.empty_like(x)
    out[0] = x[0]
    for k in range(1, x.shape[0]):
        out[k] = polyak_update(out[k - 1], x[k], k)
    return out


def projected_sgd(stochastic_gradient, x0, steps, low: float, high: float) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Projected SGD :math:`x_{k+1}=\Pi_{[\text{low},\text{high}]}(x_k-\eta_k g_k)` with running averages.

    Book label: ``sgd.polyak-averaging-rates``. ``stochastic_gradient(x, k)`` returns a (sub)gradient
    sample at the batch of points ``x`` for step ``k`` (1-based); ``x0`` : starting points, shape
    (chains,); ``steps`` : :math:`\eta_1..\eta_T`. Returns the last iterates and the averages
    :math:`\bar x_k=\frac1k\sum_{j=1}^kx_j` (where :math:`x_1=x_0`), each of shape (chains, T).

    >>> last, avg = projected_sgd(lambda x, k: torch.ones_like(x), [0.0], [1.0, 1.0, 1.0], -1.5, 1.5)
    >>> last.tolist(), [round(a, 6) for a in avg[0].tolist()]
    ([[0.0, -1.0, -1.5]], [0.0, -0.5, -0.833333])
    """
    v.require_callable("stochastic_gradient", stochastic_gradient)
    x = _float("x0", x0)
    v.require_ndim("x0", x, (0, 1))
    x = x.reshape(-1).clone()
    steps = v.as_tensor("steps", steps, dtype=x.dtype, device=x.device)  # in x's dtype, whatever it came in
    v.require_ndim("steps", steps, 1)
    v.require_finite("steps", steps)
    v.require_positive("steps", steps, strict=False)
    low, high = v.require_scalar("low", low), v.require_scalar("high", high)
    if not low < high:
        raise ValueError(f"low must be below high, got low={low}, high={high}")
    T = steps.shape[0]
    last = torch.empty(x.shape[0], T, dtype=x.dtype, device=x.device)
    avg = torch.empty_like(last)
    x_bar = x.clone()
    for k in range(1, T + 1):
        last[:, k - 1], avg[:, k - 1] = x, x_bar
        if k < T:
            x = torch.clamp(x - steps[k - 1] * stochastic_gradient(x, k), low, high)
            x_bar = k / (k + 1) * x_bar + x / (k + 1)  # polyak_update, inlined for speed
    return last, avg


def svrg_gradient(grad_i, grad_i_snapshot, full_snapshot) -> torch.Tensor:
    r"""The SVRG control-variate gradient estimate.

    .. math:: \mathbf g=\nabla f_i(\mathbf x_t)-\nabla f_i(\bar{\mathbf x})+\nabla f(\bar{\mathbf x}),\qquad
              \mathbf x_{t+1}=\mathbf x_t-\eta\,\mathbf g

    Book label: ``sgd.svrg`` (Johnson and Zhang 2013). ``grad_i`` : :math:`\nabla f_i(\mathbf x_t)`;
    ``grad_i_snapshot`` : :math:`\nabla f_i(\bar{\mathbf x})`; ``full_snapshot`` : :math:`\nabla f(\bar{\mathbf x})`.

    >>> svrg_gradient([3.0], [2.0], [0.5]).tolist()
    [1.5]
    """
    g = _float("grad_i", grad_i)
    g_snap, full = _float("grad_i_snapshot", grad_i_snapshot, like=g), _float("full_snapshot", full_snapshot, like=g)
    for name, t in (("grad_i", g), ("grad_i_snapshot", g_snap), ("full_snapshot", full)):
        if t.ndim == 0 or t.shape[-1] != g.shape[-1]:
            raise ValueError(f"{name} must end in the dimension d = {g.shape[-1] if g.ndim else '?'} of grad_i, "
                             f"got shape {tuple(t.shape)}")
    v.broadcast_shapes(grad_i=g, grad_i_snapshot=g_snap, full_snapshot=full)
    return g - g_snap + full


def svrg_least_squares(A, b, x0, eta: float, num_epochs: int, num_chains: int, *, epoch_length: int | None = None,
                       variance_reduced: bool = True, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""SVRG (or, with ``variance_reduced=False``, plain SGD) on least squares, batched over chains.

    Each epoch refreshes the snapshot :math:`\bar{\mathbf x}` and its full gradient, then takes
    ``epoch_length`` (default :math:`2n`) steps of :func:`svrg_gradient`. Plain SGD is given the same
    number of gradient evaluations per epoch (:math:`n+2m` for epoch length :math:`m`).
    Returns :math:`\|\mathbf x-\mathbf x^*\|` after each epoch, shape (num_chains, num_epochs + 1).
    Book label: ``sgd.svrg``.

    >>> A = torch.eye(2, dtype=torch.float64)  # f_i = ½(x_i - 1)², L_max = 1
    >>> d = svrg_least_squares(A, [1.0, 1.0], [0.0, 0.0], 0.5, 20, 1, generator=torch.Generator().manual_seed(0))
    >>> float(d[0, 0]) == 2**0.5, float(d[0, -1]) < 1e-12
    (True, True)
    """
    A, b = _least_squares_data(A, b)
    eta = v.require_positive_scalar("eta", eta)
    epochs = v.require_int("num_epochs", num_epochs, minimum=1)
    chains = v.require_int("num_chains", num_chains, minimum=1)
    x0 = _start(x0, A, (chains, A.shape[1]))
    variance_reduced = v.require_bool("variance_reduced", variance_reduced)
    v.require_generator("generator", generator)
    n, d = A.shape
    m = v.require_int("epoch_length", 2 * n if epoch_length is None else epoch_length, minimum=1)
    x_star = torch.linalg.lstsq(A, b.unsqueeze(-1)).solution.squeeze(-1)
    x = x0.expand(chains, d).clone()  # (chains, d)
    outer = A.unsqueeze(-1) * A.unsqueeze(-2)  # (n, d, d): ∇f_i(x) - ∇f_i(y) = a_i a_iᵀ (x - y)
    out = [torch.linalg.vector_norm(x - x_star, dim=-1)]
    for _ in range(epochs):
        if variance_reduced:
            snap = x.clone()
            full = full_gradient(least_squares_gradients(A, b, snap))  # (chains, d)
            idx = torch.randint(n, (m, chains), generator=generator).to(A.device)
            for t in range(m):
                # svrg_gradient(∇f_i(x), ∇f_i(snap), ∇f(snap)) = a_i a_iᵀ (x - snap) + ∇f(snap), inlined
                diff = (outer.index_select(0, idx[t]) @ (x - snap).unsqueeze(-1)).squeeze(-1)
                x = x - eta * (diff + full)
        else:
            idx = torch.randint(n, (n + 2 * m, chains), generator=generator).to(A.device)
            for t in range(n + 2 * m):
                a = A.index_select(0, idx[t])  # (chains, d)
                x = x - eta * ((a * x).sum(-1) - b.index_select(0, idx[t])).unsqueeze(-1) * a
        out.append(torch.linalg.vector_norm(x - x_star, dim=-1))
    return torch.stack(out, -1)


def sign_sgd_step(x, grad, eta) -> torch.Tensor:
    r"""One signSGD step: every coordinate moves by exactly :math:`\eta` against the sign of its gradient.

    .. math:: \mathbf x^{k+1}=\mathbf x^k-\eta_k\operatorname{sign}\big(\nabla f_{I(k)}(\mathbf x^k)\big)

    Book label: ``sgd.signsgd`` (Bernstein et al. 2018). One bit per coordinate is communicated.

    >>> sign_sgd_step([0.0, 0.0, 0.0], [3.0, -1e-9, 0.0], 0.1).tolist()
    [-0.1, 0.1, 0.0]
    """
    x, grad = _same("x", x, grad=grad)
    eta = _float("eta", eta, like=x)
    v.require_positive("eta", eta, strict=False)
    v.require_broadcast("eta", eta, x.shape, to="x's")
    return x - eta * torch.sign(grad)
