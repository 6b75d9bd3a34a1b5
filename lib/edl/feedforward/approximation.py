r"""Approximation theory as computable quantities: ridge functions, Weierstrass, the UAT, Barron's rate.

Chapter 2, section "Approximation theory" (book labels ``approx.*``). Every function takes tensors
(or array-likes, converted to float64) and returns tensors whose dtype and device follow the input;
randomness enters only through a ``generator`` argument.

Fitting a width-:math:`m` one-hidden-layer net. :func:`random_feature_fit` draws the inner weights
:math:`(\boldsymbol\theta_j, b_j)` at random and solves for the outer weights by least squares. That is
one linear solve, deterministic given the generator, and fast enough for dozens of widths in a
notebook cell. It is also the right tool for measuring Barron's rate: Maurey's argument shows that
*averaging* units drawn from the right distribution already reaches :math:`O(1/m)`, and the
least-squares outer weights can only do better on the points they are fitted to.
"""

import math
from collections.abc import Callable

import torch

from edl.core import validate as v


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _ridge_args(x, theta):
    x = _float("x", x)
    theta = _float("theta", theta, like=x)
    v.require_ndim("theta", theta, 1)
    if x.ndim == 0 or x.shape[-1] != theta.shape[0]:
        raise ValueError(f"x must have last dimension {theta.shape[0]} (len(theta)), got shape {tuple(x.shape)}")
    return x, theta


def _vector(name, value, size, like, match, *, nonneg=False):
    t = _float(name, value, like=like)
    v.require_shape(name, t, (size,), match=match)
    if nonneg:
        v.require_positive(name, t, strict=False)
    return t


# --- ridge functions and polynomial approximation -----------------------------------------------

def ridge_function(x, theta, phi: Callable = torch.tanh) -> torch.Tensor:
    r"""A ridge function: a scalar nonlinearity of one linear projection.

    .. math:: f(\mathbf x;\boldsymbol\theta)=\phi(\mathbf x\cdot\boldsymbol\theta)

    Book label: ``approx.ridge-function``. ``x`` : points, shape ``(..., n)``; ``theta`` : direction
    :math:`\boldsymbol\theta`, shape ``(n,)``; ``phi`` : the nonlinearity :math:`\phi`.

    >>> x = torch.tensor([[1.0, 2.0], [3.0, -1.0]], dtype=torch.float64)
    >>> theta = torch.tensor([0.5, -0.25], dtype=torch.float64)
    >>> bool(torch.allclose(ridge_function(x, theta), torch.tanh(x[:, 0] / 2 - x[:, 1] / 4)))
    True
    """
    x, theta = _ridge_args(x, theta)
    v.require_callable("phi", phi)
    return phi(x @ theta)


def ridge_gradient_norm(x, theta, dphi: Callable = lambda z: 1 - torch.tanh(z) ** 2) -> torch.Tensor:
    r"""Norm of the input gradient of a ridge function.

    .. math:: \|\nabla_{\mathbf x} f\| = |\phi'(\mathbf x\cdot\boldsymbol\theta)|\,\|\boldsymbol\theta\|

    Book label: ``approx.ridge-function``. ``dphi`` : the derivative :math:`\phi'` (default: tanh's).

    >>> theta = torch.tensor([3.0, 4.0], dtype=torch.float64)
    >>> float(ridge_gradient_norm(torch.zeros(2, dtype=torch.float64), theta))  # tanh'(0) = 1
    5.0
    """
    x, theta = _ridge_args(x, theta)
    v.require_callable("dphi", dphi)
    return dphi(x @ theta).abs() * torch.linalg.vector_norm(theta)


def bernstein_polynomial(f: Callable, m: int, x) -> torch.Tensor:
    r"""The degree-:math:`m` Bernstein polynomial of ``f`` on [0, 1] (Bernstein's proof of Weierstrass).

    .. math:: (B_m f)(x)=\sum_{k=0}^{m} f(k/m)\binom mk x^k(1-x)^{m-k}

    Book label: ``approx.weierstrass-density``. ``f`` : maps a tensor of nodes to values; ``m`` : degree;
    ``x`` : points in [0, 1]. The binomial weights are evaluated in log space, batched over ``x`` and k.

    >>> x = torch.linspace(0, 1, 5, dtype=torch.float64)
    >>> bool(torch.allclose(bernstein_polynomial(lambda t: t**2, 4, x), x**2 + x * (1 - x) / 4))
    True
    """
    v.require_callable("f", f)
    m = v.require_int("m", m, minimum=1)
    x = _float("x", x)
    v.require_in_range("x", x, 0.0, 1.0)
    k = torch.arange(m + 1, dtype=x.dtype, device=x.device)  # (m+1,)
    log_binom = torch.lgamma(torch.tensor(m + 1.0, dtype=x.dtype)) - torch.lgamma(k + 1) - torch.lgamma(m - k + 1)
    xs = x.unsqueeze(-1)  # (..., 1)
    log_w = log_binom + torch.xlogy(k, xs) + torch.xlogy(m - k, 1 - xs)  # (..., m+1)
    return (torch.exp(log_w) * f(k / m)).sum(-1)


def chebyshev_interpolant(f: Callable, degree: int, x) -> torch.Tensor:
    r"""Polynomial interpolant of ``f`` at the degree+1 Chebyshev points of [−1, 1], by the barycentric formula.

    .. math:: p(x)=\frac{\sum_j \frac{w_j}{x-x_j}f(x_j)}{\sum_j\frac{w_j}{x-x_j}},\quad
              x_j=\cos\frac{(2j+1)\pi}{2(N+1)},\quad w_j=(-1)^j\sin\frac{(2j+1)\pi}{2(N+1)}

    Book label: ``approx.weierstrass-density``. ``degree`` : N; ``x`` : points in [−1, 1].

    >>> x = torch.linspace(-1, 1, 7, dtype=torch.float64)
    >>> bool(torch.allclose(chebyshev_interpolant(lambda t: t**3 - t, 3, x), x**3 - x))
    True
    """
    v.require_callable("f", f)
    n = v.require_int("degree", degree, minimum=0)
    x = _float("x", x)
    v.require_in_range("x", x, -1.0, 1.0)
    angle = (2 * torch.arange(n + 1, dtype=x.dtype, device=x.device) + 1) * math.pi / (2 * (n + 1))
    nodes, weights = torch.cos(angle), torch.sin(angle) * (-1.0) ** torch.arange(n + 1, device=x.device)
    diff = x.unsqueeze(-1) - nodes  # (..., N+1)
    exact = diff == 0
    diff = torch.where(exact, torch.ones_like(diff), diff)
    ratio = weights / diff
    p = (ratio * f(nodes)).sum(-1) / ratio.sum(-1)
    hit = exact.any(-1)
    return torch.where(hit, (exact.to(x.dtype) * f(nodes)).sum(-1), p)


def sup_error(f_values, g_values) -> torch.Tensor:
    r"""The uniform distance on a grid, :math:`\max_i |f(x_i)-g(x_i)|`, a lower estimate of :math:`\|f-g\|_\infty`.

    Book label: ``approx.weierstrass-density``.

    >>> float(sup_error(torch.tensor([0.0, 1.0]), torch.tensor([0.5, 0.75])))
    0.5
    """
    f, g = _float("f_values", f_values), _float("g_values", g_values)
    v.require_same_shape("f_values", f, "g_values", g)
    v.require_min_ndim("f_values", f, 1)
    return (f - g).abs().amax(-1)


# --- one hidden layer: random features and least squares ----------------------------------------

ACTIVATIONS: dict[str, Callable] = {
    "tanh": torch.tanh,
    "relu": torch.relu,
    "cos": torch.cos,
    "square": lambda z: z**2,  # a polynomial activation: the non-example of the UAT
}


def random_features(x, m: int, activation: str = "tanh", *, weight_scale: float = 5.0, bias_range: float = 5.0,
                    generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Hidden units :math:`\sigma(\boldsymbol\theta_j\cdot\mathbf x+b_j)` with random inner weights, plus a constant column.

    :math:`\boldsymbol\theta_j\sim N(0,\text{weight\_scale}^2 I)`, :math:`b_j\sim U[-\text{bias\_range},\text{bias\_range}]`.
    ``x`` : shape ``(N, n)``; returns the design matrix, shape ``(N, m + 1)`` (last column 1 for :math:`b_0`).

    >>> phi = random_features(torch.zeros(4, 2, dtype=torch.float64), 3, generator=torch.Generator().manual_seed(0))
    >>> tuple(phi.shape), bool((phi[:, -1] == 1).all())
    ((4, 4), True)
    """
    x = _float("x", x)
    v.require_ndim("x", x, 2)
    m = v.require_int("m", m, minimum=1)
    v.require_choice("activation", activation, sorted(ACTIVATIONS))
    weight_scale = v.require_positive_scalar("weight_scale", weight_scale)
    bias_range = v.require_positive_scalar("bias_range", bias_range, strict=False)
    v.require_generator("generator", generator)
    theta = torch.randn(x.shape[1], m, generator=generator, dtype=x.dtype).to(x.device) * weight_scale
    b = (torch.rand(m, generator=generator, dtype=x.dtype).to(x.device) * 2 - 1) * bias_range
    hidden = ACTIVATIONS[activation](x @ theta + b)  # (N, m)
    return torch.cat([hidden, torch.ones_like(hidden[:, :1])], dim=1)


def least_squares_readout(features, y) -> torch.Tensor:
    r"""Outer weights :math:`(\beta, b_0)=\arg\min\|\Phi\beta-y\|^2` (minimum-norm), from a thin SVD of :math:`\Phi`.

    ``features`` : :math:`\Phi`, shape ``(N, p)``; ``y`` : targets, shape ``(N,)``. Random units are often
    nearly collinear, so singular values below :math:`\epsilon\max(N,p)\,s_1` are dropped (numpy's
    ``lstsq`` rule). The SVD is the robust choice: rank-revealing QR or the normal equations lose
    accuracy on these nearly collinear features.

    >>> Phi = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], dtype=torch.float64)
    >>> beta = least_squares_readout(Phi, torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64))
    >>> bool(torch.allclose(beta, torch.tensor([1.0, 2.0], dtype=torch.float64)))
    True
    """
    Phi, y = _float("features", features), _float("y", y)
    v.require_ndim("features", Phi, 2)
    v.require_shape("y", y, (Phi.shape[0],), match="features")
    U, S, Vh = torch.linalg.svd(Phi, full_matrices=False)
    keep = S > S[0] * torch.finfo(Phi.dtype).eps * max(Phi.shape)
    return Vh[keep].T @ ((U[:, keep].T @ y) / S[keep])


def random_feature_fit(x, y, m: int, activation: str = "tanh", *, x_test=None, weight_scale: float = 5.0,
                       bias_range: float = 5.0, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Fit :math:`g_m(\mathbf x)=\sum_{j=1}^m\beta_j\sigma(\boldsymbol\theta_j\cdot\mathbf x+b_j)+b_0` with random inner weights.

    Book labels: ``approx.uat-ridge-lifting``, ``approx.barron``. ``x`` : training inputs ``(N, n)``;
    ``y`` : targets ``(N,)``; ``x_test`` : where to evaluate the fitted net (default ``x``). The same
    generator state draws the same units for ``x`` and ``x_test``. Returns :math:`g_m` on ``x_test``.

    >>> x = torch.linspace(-1, 1, 50, dtype=torch.float64)[:, None]
    >>> g = random_feature_fit(x, x[:, 0] ** 2, 3, "square", generator=torch.Generator().manual_seed(0))
    >>> bool(torch.allclose(g, x[:, 0] ** 2, atol=1e-8))  # three squared units span the quadratics
    True
    """
    x = _float("x", x)
    v.require_ndim("x", x, 2)
    x_test = x if x_test is None else _float("x_test", x_test, like=x)
    v.require_shape("x_test", x_test, (None, x.shape[1]), match="x")
    y = _float("y", y, like=x)
    v.require_shape("y", y, (x.shape[0],), match="x")
    v.require_generator("generator", generator)
    # the units for x_test are drawn again from the same state (of the global generator when none is given)
    state = torch.random.get_rng_state() if generator is None else generator.get_state()
    Phi = random_features(x, m, activation, weight_scale=weight_scale, bias_range=bias_range, generator=generator)
    beta = least_squares_readout(Phi, y)
    if x_test is x:
        return Phi @ beta
    if generator is None:
        torch.random.set_rng_state(state)
    else:
        generator.set_state(state)
    Phi_test = random_features(x_test, m, activation, weight_scale=weight_scale, bias_range=bias_range,
                               generator=generator)
    return Phi_test @ beta


def polynomial_span_rank(x, m: int, degree: int, *, generator: torch.Generator | None = None) -> int:
    r"""Rank of :math:`m` units :math:`(\boldsymbol\theta_j\cdot\mathbf x+b_j)^k` on the points ``x``; never above :math:`\binom{n+k}{k}`.

    Book label: ``approx.uat-ridge-lifting`` (a polynomial activation only spans polynomials of degree ≤ k).

    >>> x = torch.randn(200, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    >>> polynomial_span_rank(x, 100, 2, generator=torch.Generator().manual_seed(2))
    10
    """
    x = _float("x", x)
    v.require_ndim("x", x, 2)
    k = v.require_int("degree", degree, minimum=1)
    m = v.require_int("m", m, minimum=1)
    v.require_generator("generator", generator)
    theta = torch.randn(x.shape[1], m, generator=generator, dtype=x.dtype).to(x.device)
    b = torch.randn(m, generator=generator, dtype=x.dtype).to(x.device)
    return int(torch.linalg.matrix_rank((x @ theta + b) ** k, rtol=1e-9))


# --- Barron's theorem -------------------------------------------------------------------------------

def barron_network(x, beta, theta, b, b0, sigma: Callable = torch.sigmoid) -> torch.Tensor:
    r"""The one-hidden-layer net of Barron's theorem.

    .. math:: g_m(\mathbf x)=\sum_{j=1}^m\beta_j\,\sigma(\boldsymbol\theta_j\cdot\mathbf x+b_j)+b_0

    Book label: ``approx.barron``. ``x`` : ``(N, d)``; ``theta`` : rows :math:`\boldsymbol\theta_j`,
    ``(m, d)``; ``b``, ``beta`` : ``(m,)``; ``b0`` : scalar. Returns ``(N,)``.

    >>> x = torch.tensor([[1.0, 2.0]], dtype=torch.float64)
    >>> th = torch.tensor([[1.0, 0.0], [0.0, 1.0]], dtype=torch.float64)
    >>> one = torch.ones(2, dtype=torch.float64)
    >>> float(barron_network(x, one, th, -one, 0.5, torch.relu))  # relu(0) + relu(1) + 0.5
    1.5
    """
    x = _float("x", x)
    theta = _float("theta", theta, like=x)
    v.require_ndim("theta", theta, 2)
    v.require_shape("x", x, (..., theta.shape[1]), match="theta")
    beta, b = _vector("beta", beta, theta.shape[0], x, "theta"), _vector("b", b, theta.shape[0], x, "theta")
    b0 = v.require_scalar("b0", b0)
    v.require_callable("sigma", sigma)
    return sigma(x @ theta.T + b) @ beta + b0


def barron_constant(fhat_abs, omega, weights) -> torch.Tensor:
    r"""Barron's constant by a quadrature rule on frequency nodes.

    .. math:: C_f=\int_{\mathbb R^d}\|\boldsymbol\omega\|\,|\hat f(\boldsymbol\omega)|\,d\boldsymbol\omega
              \approx\sum_q w_q\,\|\boldsymbol\omega_q\|\,|\hat f(\boldsymbol\omega_q)|

    Book label: ``approx.barron``. ``fhat_abs`` : :math:`|\hat f|` at the nodes, ``(Q,)``; ``omega`` :
    nodes, ``(Q, d)``; ``weights`` : quadrature weights, ``(Q,)``. Convention:
    :math:`f(\mathbf x)=\int\hat f(\boldsymbol\omega)e^{i\boldsymbol\omega\cdot\mathbf x}d\boldsymbol\omega`.

    >>> w = torch.linspace(-12, 12, 4801, dtype=torch.float64)  # Gaussian: fhat = N(0, 1) density
    >>> fhat = torch.exp(-w**2 / 2) / math.sqrt(2 * math.pi)
    >>> C = float(barron_constant(fhat, w[:, None], torch.full_like(w, 0.005)))
    >>> abs(C - math.sqrt(2 / math.pi)) < 1e-5  # E|omega| for omega ~ N(0, 1)
    True
    """
    omega = _float("omega", omega)
    v.require_ndim("omega", omega, 2)
    fhat_abs = _vector("fhat_abs", fhat_abs, omega.shape[0], omega, "omega", nonneg=True)
    weights = _vector("weights", weights, omega.shape[0], omega, "omega", nonneg=True)
    return (weights * torch.linalg.vector_norm(omega, dim=-1) * fhat_abs).sum()


def barron_constant_gaussian(d: int) -> float:
    r"""Barron's constant of :math:`f(\mathbf x)=e^{-\|\mathbf x\|^2/2}` on :math:`\mathbb R^d`.

    Here :math:`\hat f` is the :math:`N(0,I_d)` density, so :math:`C_f=\mathbb E\|\boldsymbol\omega\|=\sqrt2\,\Gamma(\frac{d+1}2)/\Gamma(\frac d2)`,
    which grows like :math:`\sqrt d`: the rate :math:`1/m` is dimension-free, the constant is not.

    >>> round(barron_constant_gaussian(1), 12) == round(math.sqrt(2 / math.pi), 12)
    True
    """
    d = v.require_int("d", d, minimum=1)
    return math.sqrt(2) * math.exp(math.lgamma((d + 1) / 2) - math.lgamma(d / 2))


def barron_bound(m: int, C_f: float, r: float = 1.0) -> float:
    r"""Barron's bound on the squared :math:`L^2(\mu)` error of the best width-:math:`m` sigmoid net on the ball :math:`B_r`.

    .. math:: \int_{B_r}(f-g_m)^2\,\mu(d\mathbf x)\le\frac{(2rC_f)^2}{m}

    Book label: ``approx.barron``.

    >>> barron_bound(100, 0.5, r=2.0)
    0.04
    """
    m = v.require_int("m", m, minimum=1)
    C_f, r = v.require_positive_scalar("C_f", C_f, strict=False), v.require_positive_scalar("r", r)
    return (2 * r * C_f) ** 2 / m


def fourier_of_gradient(omega, ghat) -> torch.Tensor:
    r"""The Fourier transform of a derivative: differentiation becomes multiplication by :math:`i\omega`.

    .. math:: \widehat{\nabla g}(\boldsymbol\omega)=i\boldsymbol\omega\,\hat g(\boldsymbol\omega)

    Book label: ``approx.barron`` (it turns :math:`C_f` into :math:`\int|\widehat{\nabla f}|`).
    ``omega`` : frequencies ``(..., d)``; ``ghat`` : complex :math:`\hat g` at them, ``(...)``.

    >>> fourier_of_gradient(torch.tensor([[2.0]]), torch.tensor([1.0 + 0j])).tolist()
    [[2j]]
    """
    omega = _float("omega", omega)
    ghat = v.as_tensor("ghat", ghat)
    v.require_finite("ghat", ghat)
    v.require_min_ndim("omega", omega, 1)
    v.require_shape("ghat", ghat, omega.shape[:-1], match="omega")
    return 1j * omega * ghat.unsqueeze(-1)


def maurey_cosine_mse(x, m: int, repeats: int = 1, *, generator: torch.Generator | None = None) -> torch.Tensor:
    r"""Squared error of Maurey's sampled approximant of :math:`e^{-\|\mathbf x\|^2/2}=\mathbb E_{\boldsymbol\omega\sim N(0,I)}\cos(\boldsymbol\omega\cdot\mathbf x)`.

    .. math:: g_m(\mathbf x)=\frac1m\sum_{j=1}^m\cos(\boldsymbol\omega_j\cdot\mathbf x),\qquad
              \mathbb E\!\int(f-g_m)^2d\mu=\frac1m\int\mathrm{Var}_{\boldsymbol\omega}\cos(\boldsymbol\omega\cdot\mathbf x)\,d\mu

    Book label: ``approx.barron`` (the sampling step of Barron's proof). ``x`` : points drawn from
    :math:`\mu`, ``(N, d)``; returns the empirical MSE of each of ``repeats`` independent draws, batched.

    >>> x = torch.zeros(3, 2, dtype=torch.float64)
    >>> maurey_cosine_mse(x, 5, 2, generator=torch.Generator().manual_seed(0)).tolist()  # cos 0 = 1 exactly
    [0.0, 0.0]
    """
    x = _float("x", x)
    v.require_ndim("x", x, 2)
    m = v.require_int("m", m, minimum=1)
    repeats = v.require_int("repeats", repeats, minimum=1)
    v.require_generator("generator", generator)
    omega = torch.randn(repeats, m, x.shape[1], generator=generator, dtype=x.dtype).to(x.device)  # (R, m, d)
    g = torch.cos(torch.einsum("rmd,nd->rnm", omega, x)).mean(-1)  # (R, N)
    f = torch.exp(-(x**2).sum(-1) / 2)
    return ((f - g) ** 2).mean(-1)


def maurey_variance(x) -> torch.Tensor:
    r"""Pointwise variance of one cosine unit: :math:`\mathrm{Var}_{\boldsymbol\omega}\cos(\boldsymbol\omega\cdot\mathbf x)=\tfrac12(1-e^{-\|\mathbf x\|^2})^2\le\tfrac12`.

    Book label: ``approx.barron``.

    >>> float(maurey_variance(torch.zeros(1, 3, dtype=torch.float64))[0])
    0.0
    """
    x = _float("x", x)
    return (1 - torch.exp(-(x**2).sum(-1))) ** 2 / 2


def fitted_slope(m, err) -> float:
    r"""Least-squares slope of :math:`\log\text{err}` against :math:`\log m` (−1 for an :math:`O(1/m)` rate).

    >>> round(fitted_slope([10, 100, 1000], [0.3, 0.03, 0.003]), 10)
    -1.0
    """
    m, err = _float("m", m).double(), _float("err", err).double()
    v.require_ndim("m", m, 1)
    v.require_shape("err", err, m.shape, match="m")
    v.require_positive("m", m), v.require_positive("err", err)
    if m.numel() < 2 or (m == m[0]).all():
        raise ValueError(f"m must hold at least two different widths, got {m.tolist()}")
    lm, le = torch.log(m), torch.log(err)
    lm, le = lm - lm.mean(), le - le.mean()
    return float((lm * le).sum() / (lm * lm).sum())


# --- depth separation -------------------------------------------------------------------------------

def tent_map_power(x, L: int) -> torch.Tensor:
    r"""The L-fold composed tent map :math:`T^{L}`, :math:`T(z)=2(z)_+-4(z-\tfrac12)_+`: a depth-L net of width 2 with :math:`2^L` pieces.

    Book label: ``approx.depth-separation`` (Telgarsky's construction: a width-k single hidden layer
    has at most k + 1 pieces, so it needs :math:`2^L-1` units to match).

    >>> tent_map_power(torch.tensor([0.25, 0.5, 0.75], dtype=torch.float64), 2).tolist()
    [1.0, 0.0, 1.0]
    """
    x = _float("x", x)
    L = v.require_int("L", L, minimum=0)
    for _ in range(L):
        x = 2 * torch.relu(x) - 4 * torch.relu(x - 0.5)
    return x
