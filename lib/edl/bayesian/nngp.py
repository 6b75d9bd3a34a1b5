r"""Wide random networks are Gaussian processes: the NNGP kernel, its layer recursion, the corrections at
finite width, and GP regression with a Monte Carlo kernel.

Chapter 9, part 2, "The neural network Gaussian process" (book labels ``nngp.one-hidden-layer`` …
``nngp.mc-gp-regression``). Inputs are rows of ``X`` ``(n, d)``; :math:`m` is a hidden width,
:math:`\sigma_w^2,\sigma_b^2` weight and bias variances, :math:`B` a number of random networks.
"""

import math

import numpy as np
import torch

from edl.core import validate as v


def _tensor(name, value, like=None, ndim=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def relu_expectation(k11, k12, k22) -> torch.Tensor:
    r"""The arc-cosine formula: :math:`\mathbb E[\mathrm{relu}(u)\,\mathrm{relu}(v)]` for a centred Gaussian pair.

    .. math:: (u,v)\sim\mathcal N\Big(0,\begin{bmatrix}k_{11}&k_{12}\\k_{12}&k_{22}\end{bmatrix}\Big):\quad
              \mathbb E[\mathrm{relu}(u)\mathrm{relu}(v)]=\frac{\sqrt{k_{11}k_{22}}}{2\pi}\big(\sin\psi+(\pi-\psi)\cos\psi\big),
              \quad\cos\psi=\frac{k_{12}}{\sqrt{k_{11}k_{22}}}

    Book label: ``nngp.one-hidden-layer``. Broadcasts over its arguments; ``k11``, ``k22`` > 0 and
    :math:`|k_{12}|\le\sqrt{k_{11}k_{22}}`. Equal arguments give :math:`k_{11}/2`.

    >>> [round(t, 6) for t in relu_expectation([1.0, 1.0, 4.0], [1.0, 0.0, -2.0], [1.0, 1.0, 1.0]).tolist()]
    [0.5, 0.159155, 0.0]
    """
    k11 = _tensor("k11", k11)
    k12, k22 = _tensor("k12", k12, like=k11), _tensor("k22", k22, like=k11)
    v.require_positive("k11", k11)
    v.require_positive("k22", k22)
    v.broadcast_shapes(k11=k11, k12=k12, k22=k22)
    norm = torch.sqrt(k11 * k22)
    if (k12.abs() > norm * (1 + 1e-9)).any():
        raise ValueError(f"k12 must satisfy |k12| <= sqrt(k11 k22), got k12={k12.tolist()}, k11={k11.tolist()}, "
                         f"k22={k22.tolist()}")
    cos = torch.clamp(k12 / norm, -1.0, 1.0)
    psi = torch.arccos(cos)
    return norm / (2 * math.pi) * (torch.sin(psi) + (math.pi - psi) * cos)


def one_hidden_layer_kernel(X, sigma0_2: float = 0.0, sigma_v2: float = 1.0) -> torch.Tensor:
    r"""The infinite-width kernel of :math:`f(x)=v_0+\frac1{\sqrt m}\sum_{j=1}^mv_j\,\mathrm{relu}(\theta_j^\top x)`,
    :math:`v_0\sim\mathcal N(0,\sigma_0^2)`, :math:`\mathbb Ev_j^2=\sigma_v^2`, :math:`\theta_j\sim\mathcal N(0,I)`.

    .. math:: k(x,x')=\sigma_0^2+\sigma_v^2\,\mathbb E_\theta[\mathrm{relu}(\theta^\top x)\,\mathrm{relu}(\theta^\top x')]
              =\sigma_0^2+\sigma_v^2\frac{\|x\|\|x'\|}{2\pi}\big(\sin\psi+(\pi-\psi)\cos\psi\big)

    Book label: ``nngp.one-hidden-layer``. ``X`` : ``(n, d)`` non-zero inputs. By the central limit theorem
    over the :math:`m` hidden units, :math:`f\to\mathcal{GP}(0,k)` as :math:`m\to\infty`.

    >>> [[round(t, 6) for t in row] for row in one_hidden_layer_kernel([[1.0, 0.0], [0.0, 2.0]], 0.5).tolist()]
    [[1.0, 0.81831], [0.81831, 2.5]]
    """
    X = _tensor("X", X, ndim=2)
    if (X.norm(dim=1) == 0).any():
        raise ValueError("X must not contain the zero input (the angle is undefined)")
    sigma0_2 = v.require_positive_scalar("sigma0_2", sigma0_2, strict=False)
    sigma_v2 = v.require_positive_scalar("sigma_v2", sigma_v2)
    G = X @ X.T
    d = torch.diagonal(G)
    return sigma0_2 + sigma_v2 * relu_expectation(d[:, None], G, d[None, :])


def random_one_hidden_layer(X, m: int, n_nets: int, generator: torch.Generator, sigma0_2: float = 0.0,
                            sigma_v2: float = 1.0) -> torch.Tensor:
    r"""Outputs of ``n_nets`` independent random one-hidden-layer ReLU networks of width ``m`` (Gaussian
    :math:`\theta_j`, :math:`v_j`, :math:`v_0`), at the inputs ``X`` ``(n, d)``. Returns ``(n_nets, n)``.

    >>> f = random_one_hidden_layer([[1.0, 0.0]], 50, 20000, torch.Generator().manual_seed(0))
    >>> round(float(f.var()), 1)                                         # k(x, x) = |x|²/2
    0.5
    """
    X = _tensor("X", X, ndim=2)
    m, n_nets = v.require_int("m", m, minimum=1), v.require_int("n_nets", n_nets, minimum=1)
    sigma0_2 = v.require_positive_scalar("sigma0_2", sigma0_2, strict=False)
    sigma_v2 = v.require_positive_scalar("sigma_v2", sigma_v2)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    out = torch.empty((n_nets, X.shape[0]), dtype=X.dtype, device=X.device)
    chunk = max(1, 2_000_000 // (m * max(X.shape[0], X.shape[1])))
    for start in range(0, n_nets, chunk):
        b = min(chunk, n_nets - start)
        theta = torch.randn((b, m, X.shape[1]), generator=generator, dtype=X.dtype).to(X.device)
        vv = torch.randn((b, m), generator=generator, dtype=X.dtype).to(X.device) * math.sqrt(sigma_v2)
        v0 = torch.randn((b, 1), generator=generator, dtype=X.dtype).to(X.device) * math.sqrt(sigma0_2)
        hidden = torch.relu(torch.einsum("bmd,nd->bmn", theta, X))           # (b, m, n)
        out[start:start + b] = v0 + torch.einsum("bm,bmn->bn", vv, hidden) / math.sqrt(m)
    return out


_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(30)        # ∫ g(z) e^{-z²/2} dz ≈ Σ w g(z)


def _gauss_expectation(activation, k11, k12, k22):
    """E[φ(u)φ(v)] for (u, v) ~ N(0, [[k11, k12], [k12, k22]]) by 30×30 Gauss–Hermite quadrature."""
    z = torch.as_tensor(_GH_NODES, dtype=k11.dtype, device=k11.device)
    w = torch.as_tensor(_GH_WEIGHTS / math.sqrt(2 * math.pi), dtype=k11.dtype, device=k11.device)
    a = torch.sqrt(k11)[..., None, None]
    rho = (k12 / torch.sqrt(k11 * k22)).clamp(-1, 1)[..., None, None]
    b = torch.sqrt(k22)[..., None, None]
    u = a * z[:, None]                                                   # u = √k11 z1
    vv = b * (rho * z[:, None] + torch.sqrt(1 - rho**2) * z[None, :])    # v = √k22 (ρ z1 + √(1-ρ²) z2)
    return (w[:, None] * w[None, :] * activation(u) * activation(vv)).sum((-1, -2))


def nngp_kernel(X, depth: int, sigma_w2: float, sigma_b2: float, activation: str = "relu") -> list[torch.Tensor]:
    r"""The NNGP kernels of a deep fully connected network, layer by layer.

    .. math:: K^0(x,x')=\sigma_b^2+\sigma_w^2\frac{x^\top x'}d,\qquad
              K^l(x,x')=\sigma_b^2+\sigma_w^2\,\mathbb E_{(u,v)\sim\mathcal N(0,\Lambda^{l-1})}[\varphi(u)\varphi(v)],\quad
              \Lambda^{l-1}=\begin{bmatrix}K^{l-1}(x,x)&K^{l-1}(x,x')\\K^{l-1}(x',x)&K^{l-1}(x',x')\end{bmatrix}

    Book label: ``nngp.kernel-recursion``. :math:`K^l` is the covariance of the pre-activations of layer
    :math:`l+1` of an infinitely wide network (weights :math:`\mathcal N(0,\sigma_w^2/\text{fan-in})`, biases
    :math:`\mathcal N(0,\sigma_b^2)`). ``activation`` : ``"relu"`` (arc-cosine closed form) or ``"tanh"``
    (30×30 Gauss–Hermite quadrature). Returns ``[K^0, ..., K^depth]``, each ``(n, n)``.

    >>> Ks = nngp_kernel([[1.0, 0.0], [0.0, 1.0]], 2, 2.0, 0.0)
    >>> [round(float(K[0, 1] / K[0, 0]), 6) for K in Ks]                # correlation → 1 with depth
    [0.0, 0.31831, 0.493731]
    """
    X = _tensor("X", X, ndim=2)
    depth = v.require_int("depth", depth, minimum=0)
    sigma_w2 = v.require_positive_scalar("sigma_w2", sigma_w2)
    sigma_b2 = v.require_positive_scalar("sigma_b2", sigma_b2, strict=False)
    v.require_choice("activation", activation, ("relu", "tanh"))
    K = sigma_b2 + sigma_w2 * (X @ X.T) / X.shape[1]
    if (torch.diagonal(K) <= 0).any():
        raise ValueError("X must not contain the zero input when sigma_b2 = 0 (its kernel row vanishes)")
    out = [K]
    for _ in range(depth):
        d = torch.diagonal(K)
        if activation == "relu":
            E = relu_expectation(d[:, None], K, d[None, :])
        else:
            E = _gauss_expectation(torch.tanh, d[:, None].expand_as(K), K, d[None, :].expand_as(K))
        K = sigma_b2 + sigma_w2 * E
        out.append(K)
    return out


def random_network_kernels(X, width: int, depth: int, sigma_w2: float, sigma_b2: float, generator: torch.Generator,
                           activation: str = "relu") -> list[torch.Tensor]:
    r"""The empirical counterparts of :func:`nngp_kernel` in one random network of finite ``width``:
    :math:`\hat K^0=K^0` and :math:`\hat K^l=\sigma_b^2+\sigma_w^2\frac1m\sum_{j=1}^m\varphi(z_j^l(x))\varphi(z_j^l(x'))`,
    with :math:`z^l` the pre-activations of hidden layer :math:`l` (``depth`` hidden layers).

    >>> Ks = random_network_kernels([[1.0, 0.0], [0.0, 1.0]], 20000, 1, 2.0, 0.0, torch.Generator().manual_seed(0))
    >>> round(float(Ks[1][0, 1]), 1)
    0.3
    """
    X = _tensor("X", X, ndim=2)
    width, depth = v.require_int("width", width, minimum=1), v.require_int("depth", depth, minimum=0)
    sigma_w2 = v.require_positive_scalar("sigma_w2", sigma_w2)
    sigma_b2 = v.require_positive_scalar("sigma_b2", sigma_b2, strict=False)
    v.require_choice("activation", activation, ("relu", "tanh"))
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    phi = torch.relu if activation == "relu" else torch.tanh

    def gauss(*shape):
        return torch.randn(shape, generator=generator, dtype=X.dtype).to(X.device)

    h, fan_in = X.T, X.shape[1]                                           # (fan_in, n)
    out = [sigma_b2 + sigma_w2 * (X @ X.T) / X.shape[1]]
    for _ in range(depth):
        z = gauss(width, fan_in) @ h * math.sqrt(sigma_w2 / fan_in) + gauss(width, 1) * math.sqrt(sigma_b2)
        h, fan_in = phi(z), width                                         # (width, n)
        out.append(sigma_b2 + sigma_w2 * (h.T @ h) / width)
    return out


def relu_moments() -> tuple[float, float]:
    r"""The second and fourth moments of :math:`\mathrm{relu}(z)`, :math:`z\sim\mathcal N(0,1)`: :math:`\tfrac12` and :math:`\tfrac32`
    (half of the Gaussian moments 1 and 3).

    >>> relu_moments()
    (0.5, 1.5)
    """
    return 0.5, 1.5


def finite_width_kurtosis(m: int, second_moment: float = 0.5, fourth_moment: float = 1.5) -> float:
    r"""The excess kurtosis of a second-layer pre-activation :math:`z_2=\frac1{\sqrt m}\sum_{j=1}^mw_j\varphi(z_{1j})`.

    .. math:: \kappa(z_2)=\frac{3\,\mathrm{Var}(\varphi^2)}{m\,\mathbb E[\varphi^2]^2}
              =\frac3m\Big(\frac{\mathbb E\varphi^4}{(\mathbb E\varphi^2)^2}-1\Big)\ \overset{\text{relu}}{=}\ \frac{15}m

    Book label: ``nngp.finite-width-non-gaussian``. Given the first layer, :math:`z_2` is Gaussian with the
    random variance :math:`s=\frac1m\sum_j\varphi(z_{1j})^2`: a Gaussian scale mixture, heavier-tailed than
    a Gaussian by :math:`3\mathrm{Var}(s)/(\mathbb Es)^2`, which vanishes like :math:`1/m`. Defaults are the
    ReLU moments of :func:`relu_moments`.

    >>> finite_width_kurtosis(5), finite_width_kurtosis(50)
    (3.0, 0.3)
    """
    m = v.require_int("m", m, minimum=1)
    mu2 = v.require_positive_scalar("second_moment", second_moment)
    mu4 = v.require_positive_scalar("fourth_moment", fourth_moment)
    if mu4 < mu2**2:
        raise ValueError(f"fourth_moment must be at least second_moment² (Jensen), got {mu4!r} < {mu2**2!r}")
    return 3 * (mu4 - mu2**2) / (m * mu2**2)


def second_layer_samples(m: int, n: int, generator: torch.Generator) -> torch.Tensor:
    r"""``n`` independent draws of :math:`z_2=\frac1{\sqrt m}\sum_jw_j\,\mathrm{relu}(z_{1j})`, :math:`w_j,z_{1j}\sim\mathcal N(0,1)`.

    >>> z = second_layer_samples(10, 100000, torch.Generator().manual_seed(0))
    >>> round(float(z.var()), 1)
    0.5
    """
    m, n = v.require_int("m", m, minimum=1), v.require_int("n", n, minimum=1)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    out = torch.empty(n, dtype=torch.float64)
    chunk = max(1, 4_000_000 // m)
    for start in range(0, n, chunk):
        b = min(chunk, n - start)
        z1 = torch.randn((b, m), generator=generator, dtype=torch.float64)
        w = torch.randn((b, m), generator=generator, dtype=torch.float64)
        out[start:start + b] = (w * torch.relu(z1)).sum(1) / math.sqrt(m)
    return out


def mc_features(outputs) -> torch.Tensor:
    r"""The Monte Carlo feature matrix of :math:`B` random networks: :math:`\Phi=B^{-1/2}[f_b(x_i)]_{i,b}`.

    .. math:: \varphi(x)=B^{-1/2}(f_1(x),\dots,f_B(x))^\top,\qquad\hat K=\Phi\Phi^\top=\frac1B\sum_bf_b(x_i)f_b(x_j)\to K

    Book label: ``nngp.mc-features``. ``outputs`` : ``(B, n)``, the outputs of network :math:`b` at the
    :math:`n` inputs in row :math:`b`. Returns :math:`\Phi` ``(n, B)`` (rows :math:`\varphi(x_i)^\top`); the error
    of :math:`\hat K` is :math:`O(B^{-1/2})`.

    >>> mc_features([[1.0, 2.0], [3.0, 0.0], [1.0, 2.0], [3.0, 0.0]]).tolist()
    [[0.5, 1.5, 0.5, 1.5], [1.0, 0.0, 1.0, 0.0]]
    """
    outputs = _tensor("outputs", outputs, ndim=2)
    return outputs.T / math.sqrt(outputs.shape[0])


def mc_gp_regression(Phi, Phi_star, y, sigma2: float) -> tuple[torch.Tensor, torch.Tensor]:
    r"""GP regression with the Monte Carlo kernel :math:`\hat K=\Phi\Phi^\top`, done in weight space.

    .. math:: \mathbb E[f(x)\mid y]=\varphi(x)^\top(\Phi^\top\Phi+\sigma^2I_B)^{-1}\Phi^\top y,\qquad
              \mathrm{Var}[f(x)\mid y]=\sigma^2\varphi(x)^\top(\Phi^\top\Phi+\sigma^2I_B)^{-1}\varphi(x)

    Book label: ``nngp.mc-gp-regression``. ``Phi`` : ``(n, B)`` training features; ``Phi_star`` : ``(m, B)``
    test features; ``y`` : ``(n,)``; ``sigma2`` : noise variance. One :math:`B\times B` solve, cost
    :math:`O(nB^2+B^3)` instead of :math:`O(n^3)`; the result equals function-space GP regression with :math:`\hat K`.

    >>> m, s2 = mc_gp_regression([[1.0], [1.0]], [[1.0]], [1.0, 3.0], 1.0)
    >>> round(float(m), 6), round(float(s2), 6)
    (1.333333, 0.333333)
    """
    Phi = _tensor("Phi", Phi, ndim=2)
    Phi_star = _tensor("Phi_star", Phi_star, like=Phi, ndim=2)
    v.require_shape("Phi_star", Phi_star, (None, Phi.shape[1]), match="Phi")
    y = _tensor("y", y, like=Phi, ndim=1)
    v.require_shape("y", y, (Phi.shape[0],), match="Phi")
    sigma2 = v.require_positive_scalar("sigma2", sigma2)
    A = Phi.T @ Phi + sigma2 * torch.eye(Phi.shape[1], dtype=Phi.dtype, device=Phi.device)   # (B, B)
    mean = Phi_star @ torch.linalg.solve(A, Phi.T @ y)
    var = sigma2 * (Phi_star * torch.linalg.solve(A, Phi_star.T).T).sum(-1)
    return mean, var
