r"""The convolution operator: continuous and discrete convolution, correlation, flips, Fourier, Toeplitz.

Chapter 4, "Convolutional networks" (book labels ``conv.continuous`` … ``conv.locality``). A finite
signal is a tensor whose entry ``f[t]`` sits at index ``t = 0, 1, …``; a *full* convolution of signals
of lengths :math:`n_f` and :math:`n_g` has length :math:`n_f+n_g-1`. Functions take tensors (or
array-likes, converted to float64) and return tensors whose dtype and device follow the input.
Symbols: :math:`f,g,h` signals or kernels, :math:`\bar f(t)=f(-t)` the flip, :math:`\star` the
cross-correlation, :math:`\circledast_N` circular convolution of length :math:`N`.
"""

import math
from collections.abc import Callable

import numpy as np
import scipy.integrate
import torch

from edl.core import validate as v


def _signal(name: str, value, *, ndim=1, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _callable(name: str, f) -> Callable:
    if not callable(f):
        raise ValueError(f"{name} must be a callable of one real variable, got {f!r}")
    return f


def _bound(name: str, value) -> float:
    """An integration limit: a real number or ±inf, never NaN."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a real number or ±inf, got {value!r}")
    if math.isnan(value):
        raise ValueError(f"{name} must be a real number or ±inf, got {value!r}")
    return float(value)


def _limits(lower, upper) -> tuple[float, float]:
    lower, upper = _bound("lower", lower), _bound("upper", upper)
    if not lower < upper:
        raise ValueError(f"lower must be below upper, got lower={lower!r}, upper={upper!r}")
    return lower, upper


def _bool(name: str, value) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def _points(name: str, u) -> np.ndarray:
    t = v.as_float_tensor(name, u)
    v.require_ndim(name, t, (0, 1))
    v.require_finite(name, t)
    return t.detach().cpu().double().reshape(-1).numpy()


# --- continuous convolution and integral operators ---------------------------------------------------

def continuous_convolution(f: Callable, g: Callable, u, *, lower: float = -math.inf,
                           upper: float = math.inf) -> torch.Tensor:
    r"""The convolution of two functions of one real variable, by adaptive quadrature.

    .. math:: (f*g)(u)=\int_{-\infty}^{\infty}f(t)\,g(u-t)\,dt

    Book label: ``conv.continuous``. ``f``, ``g`` : functions of a float; ``u`` : the points, a number
    or a 1-D array; ``lower``, ``upper`` : the support of ``f`` (where the integrand can be non-zero).
    Returns float64 values at ``u``.

    >>> box = lambda t: float(0.0 <= t <= 1.0)
    >>> [round(x, 6) for x in continuous_convolution(box, box, [0.5, 1.0, 1.5], lower=0, upper=1).tolist()]
    [0.5, 1.0, 0.5]
    """
    f, g = _callable("f", f), _callable("g", g)
    lower, upper = _limits(lower, upper)
    out = [scipy.integrate.quad(lambda t, x=x: f(t) * g(x - t), lower, upper, epsabs=1e-13, epsrel=1e-12,
                                limit=200)[0] for x in _points("u", u)]
    return torch.tensor(out, dtype=torch.float64)


def fourier_transform(f: Callable, u, *, lower: float = -math.inf, upper: float = math.inf) -> torch.Tensor:
    r"""The Fourier transform as the integral operator with kernel :math:`H(u,t)=e^{-2\pi i tu}`.

    .. math:: (\mathcal Ff)(u)=\int_{-\infty}^{\infty}e^{-2\pi i tu}f(t)\,dt

    Book label: ``conv.integral-operator``. ``f`` : a real function; ``u`` : frequencies. Returns a
    complex128 tensor (real and imaginary parts integrated separately).

    >>> round(float(fourier_transform(lambda t: math.exp(-math.pi * t * t), [1.0]).real[0]), 8)
    0.04321392
    """
    f = _callable("f", f)
    lower, upper = _limits(lower, upper)
    out = []
    for x in _points("u", u):
        re = scipy.integrate.quad(lambda t: math.cos(2 * math.pi * t * x) * f(t), lower, upper, epsabs=1e-13, limit=200)[0]
        im = scipy.integrate.quad(lambda t: -math.sin(2 * math.pi * t * x) * f(t), lower, upper, epsabs=1e-13, limit=200)[0]
        out.append(complex(re, im))
    return torch.tensor(out, dtype=torch.complex128)


def kernel_matrix(kernel: Callable, u, t) -> torch.Tensor:
    r"""The matrix :math:`H_{ij}=H(u_i,t_j)` of an integral operator :math:`(Tf)(u)=\int H(u,t)f(t)\,dt` on a grid.

    Book label: ``conv.integral-operator``. A convolution has :math:`H(u,t)=h(u-t)`: its matrix is
    constant along diagonals (Toeplitz) on an evenly spaced grid. ``kernel`` : a vectorised function of
    two arrays; ``u``, ``t`` : 1-D grids. Multiplying by the spacing of ``t`` gives a Riemann sum of the
    operator.

    >>> kernel_matrix(lambda u, t: np.maximum(0, 1 - abs(u - t)), [0.0, 1.0], [0.0, 0.5, 1.0]).tolist()
    [[1.0, 0.5, 0.0], [0.0, 0.5, 1.0]]
    """
    kernel = _callable("kernel", kernel)
    U, T = np.meshgrid(_points("u", u), _points("t", t), indexing="ij")
    H = np.asarray(kernel(U, T))
    if np.iscomplexobj(H):
        return torch.as_tensor(H.astype(np.complex128))
    return torch.as_tensor(H.astype(np.float64))


# --- discrete convolution and correlation --------------------------------------------------------------

def convolve(f, h) -> torch.Tensor:
    r"""Full discrete convolution of two finite signals (both start at index 0).

    .. math:: (f*h)[u]=\sum_{t\in\mathbb Z}f[t]\,h[u-t],\qquad u=0,\dots,n_f+n_h-2

    Book label: ``conv.discrete``. ``f`` : ``(n_f,)``; ``h`` : ``(n_h,)``. The sum runs over the
    integers; only the :math:`n_f` terms where ``f`` is non-zero contribute: copies of ``h`` shifted by
    ``t`` and weighted by ``f[t]``.

    >>> convolve([1.0, 2.0], [1.0, 0.0, -1.0]).tolist()
    [1.0, 2.0, -1.0, -2.0]
    """
    f = _signal("f", f)
    h = _signal("h", h, like=f)
    out = torch.zeros(len(f) + len(h) - 1, dtype=f.dtype, device=f.device)
    for t in range(len(f)):          # (f*h)[u] gets f[t] h[u - t]
        out[t:t + len(h)] += f[t] * h
    return out


def convolve2d(F, G) -> torch.Tensor:
    r"""Full 2-D discrete convolution.

    .. math:: (F*G)[i,j]=\sum_{k\in\mathbb Z}\sum_{l\in\mathbb Z}F[i-k,j-l]\,G[k,l]

    Book label: ``conv.discrete``. ``F`` : ``(m_1, m_2)``; ``G`` : ``(n_1, n_2)``. Returns
    ``(m_1 + n_1 - 1, m_2 + n_2 - 1)``.

    >>> convolve2d([[1.0, 2.0]], [[1.0], [1.0]]).tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    F = _signal("F", F, ndim=2)
    G = _signal("G", G, ndim=2, like=F)
    out = torch.zeros(F.shape[0] + G.shape[0] - 1, F.shape[1] + G.shape[1] - 1, dtype=F.dtype, device=F.device)
    for k in range(G.shape[0]):
        for l in range(G.shape[1]):
            out[k:k + F.shape[0], l:l + F.shape[1]] += G[k, l] * F   # F[i-k, j-l] G[k, l]
    return out


def flip(f) -> torch.Tensor:
    r"""The flipped signal :math:`\bar f[t]=f[-t]`, on the mirrored index range (reversal along every axis).

    >>> flip([1.0, 2.0, 3.0]).tolist()
    [3.0, 2.0, 1.0]
    """
    f = v.as_float_tensor("f", f)
    v.require_finite("f", f)
    return torch.flip(f, dims=tuple(range(f.ndim)))


def correlate(f, g) -> torch.Tensor:
    r"""Full discrete cross-correlation, at the lags :math:`u=-(n_f-1),\dots,n_g-1` in that order.

    .. math:: (f\star g)[u]=\sum_t f[t]\,g[u+t]=(\bar f*g)[u]

    Book label: ``conv.cross-correlation``. Unlike convolution it is not commutative:
    :math:`(f\star g)[u]=(g\star f)[-u]`.

    >>> correlate([1.0, 2.0], [1.0, 0.0, -1.0]).tolist()   # lags -1, 0, 1, 2
    [2.0, 1.0, -2.0, -1.0]
    """
    f = _signal("f", f)
    g = _signal("g", g, like=f)
    out = torch.zeros(len(f) + len(g) - 1, dtype=f.dtype, device=f.device)
    n = len(f)
    for t in range(n):               # lag u sits at position u + n - 1 and gets f[t] g[u + t]
        out[n - 1 - t:n - 1 - t + len(g)] += f[t] * g
    return out


def correlate_valid(x, w) -> torch.Tensor:
    r"""What deep-learning libraries call a (1-D, "valid") convolution: a cross-correlation.

    .. math:: y[i]=\sum_{k=0}^{K-1}w[k]\,x[i+k]=(w\star x)[i],\qquad i=0,\dots,n-K

    Book label: ``conv.cross-correlation``. ``x`` : input ``(n,)``; ``w`` : kernel ``(K,)``, ``K ≤ n``.

    >>> correlate_valid([1.0, 2.0, 3.0, 4.0], [1.0, -1.0]).tolist()
    [-1.0, -1.0, -1.0]
    """
    x = _signal("x", x)
    w = _signal("w", w, like=x)
    if len(w) > len(x):
        raise ValueError(f"w must not be longer than x, got lengths {len(w)} and {len(x)}")
    n_out = len(x) - len(w) + 1
    return sum(w[k] * x[k:k + n_out] for k in range(len(w)))


# --- circular convolution and the Fourier theorem --------------------------------------------------

def circular_convolve(f, g) -> torch.Tensor:
    r"""Circular convolution of two signals of one length :math:`N`.

    .. math:: (f\circledast_N g)[u]=\sum_{t=0}^{N-1}f[t]\,g[(u-t)\bmod N]

    Book label: ``conv.fourier-theorem`` (and ``conv.shift-equivariance``, ``conv.lsi-theorem``).

    >>> circular_convolve([1.0, 2.0, 3.0], [0.0, 1.0, 0.0]).tolist()   # g = δ[t - 1]: a cyclic shift
    [3.0, 1.0, 2.0]
    """
    f = _signal("f", f)
    g = _signal("g", g, like=f)
    v.require_same_shape("f", f, "g", g)
    N = len(f)
    idx = (torch.arange(N, device=f.device)[:, None] - torch.arange(N, device=f.device)[None, :]) % N  # (u, t)
    return g[idx] @ f


def fft_convolve(f, g, n: int | None = None) -> torch.Tensor:
    r"""Convolution by the convolution theorem: zero-pad both signals to length :math:`N`, multiply DFTs.

    .. math:: \mathrm{DFT}_N(f\circledast_N g)=\mathrm{DFT}_N(f)\odot\mathrm{DFT}_N(g)

    Book label: ``conv.fourier-theorem``. ``n`` : the transform length :math:`N`; by default
    :math:`n_f+n_g-1`, the shortest length at which the circular convolution of the padded signals
    equals the linear one. A shorter ``n`` returns the circular convolution of length ``n``, in which
    the tail of the linear convolution wraps around onto its head. Returns the first
    :math:`\min(N, n_f+n_g-1)` entries.

    >>> [round(x, 8) for x in fft_convolve([1.0, 2.0], [1.0, 0.0, -1.0]).tolist()]
    [1.0, 2.0, -1.0, -2.0]
    >>> [round(x, 8) for x in fft_convolve([1.0, 2.0], [1.0, 0.0, -1.0], n=3).tolist()]   # -2 wraps onto index 0
    [-1.0, 2.0, -1.0]
    """
    f = _signal("f", f)
    g = _signal("g", g, like=f)
    full = len(f) + len(g) - 1
    n = full if n is None else v.require_int("n", n, minimum=max(len(f), len(g)))
    spectrum = torch.fft.rfft(f, n) * torch.fft.rfft(g, n)
    return torch.fft.irfft(spectrum, n)[:min(n, full)]


# --- Toeplitz and circulant matrices; shifts ---------------------------------------------------------

def toeplitz_matrix(h, D: int, *, correlation: bool = False) -> torch.Tensor:
    r"""The matrix of a "valid" 1-D convolution with a kernel of length :math:`K`: :math:`x*h=W_hx`.

    .. math:: (W_h)_{kj}=\begin{cases}h_{K+k-j}&k\le j\le k+K-1\\0&\text{else}\end{cases}\qquad
              (1\text{-indexed}),\qquad W_h\in\mathbb R^{(D-K+1)\times D}

    Book label: ``conv.toeplitz``. ``h`` : kernel ``(K,)``; ``D`` : input length; with
    ``correlation=True`` the matrix of :math:`h\star x` instead, :math:`(W)_{kj}=h_{j-k+1}`. The matrix
    is constant along diagonals (weight sharing) and banded (locality).

    >>> toeplitz_matrix([1.0, 2.0], 3).tolist()
    [[2.0, 1.0, 0.0], [0.0, 2.0, 1.0]]
    """
    h = _signal("h", h)
    D = v.require_int("D", D, minimum=len(h))
    correlation = _bool("correlation", correlation)
    K = len(h)
    k = torch.arange(D - K + 1, device=h.device)[:, None]       # 0-indexed rows
    j = torch.arange(D, device=h.device)[None, :]
    band = (j >= k) & (j <= k + K - 1)
    tap = (j - k) if correlation else (K - 1 + k - j)             # 0-indexed h_{j-k+1} or h_{K+k-j}
    return torch.where(band, h[tap.clamp(0, K - 1)], torch.zeros((), dtype=h.dtype, device=h.device))


def conv2d_matrix(w, height: int, width: int) -> torch.Tensor:
    r"""The matrix of a valid 2-D cross-correlation with kernel :math:`w` on :math:`H\times W` images.

    Rows are output pixels :math:`(i,j)` in row-major order, columns input pixels; row :math:`(i,j)` holds
    :math:`w[a,b]` at column :math:`(i+a,j+b)`. It is *doubly block Toeplitz*: blocks of size
    :math:`(W-q_2+1)\times W` that are Toeplitz, arranged in a Toeplitz pattern. Book label: ``conv.toeplitz``.

    >>> conv2d_matrix([[1.0]], 1, 2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    w = _signal("w", w, ndim=2)
    height = v.require_int("height", height, minimum=w.shape[0])
    width = v.require_int("width", width, minimum=w.shape[1])
    q1, q2 = w.shape
    oh, ow = height - q1 + 1, width - q2 + 1
    M = torch.zeros(oh * ow, height * width, dtype=w.dtype, device=w.device)
    rows = torch.arange(oh * ow, device=w.device)
    i, j = rows // ow, rows % ow
    for a in range(q1):
        for b in range(q2):
            M[rows, (i + a) * width + (j + b)] = w[a, b]
    return M


def shift_matrix(N: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    r"""The cyclic shift :math:`S` of :math:`\mathbb R^N`: :math:`(Sx)[u]=x[(u-1)\bmod N]`.

    >>> shift_matrix(3) @ torch.tensor([1.0, 2.0, 3.0]).double()
    tensor([3., 1., 2.], dtype=torch.float64)
    """
    N = v.require_int("N", N, minimum=1)
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise ValueError(f"dtype must be a floating torch dtype, got {dtype!r}")
    return torch.roll(torch.eye(N, dtype=dtype, device=v.require_device("device", device)), 1, dims=0)


def circulant(h) -> torch.Tensor:
    r"""The circulant matrix :math:`\operatorname{circ}(h)_{uj}=h[(u-j)\bmod N]`, so that :math:`\operatorname{circ}(h)x=h\circledast x`.

    Book label: ``conv.lsi-theorem``.

    >>> circulant([1.0, 2.0, 3.0]).tolist()
    [[1.0, 3.0, 2.0], [2.0, 1.0, 3.0], [3.0, 2.0, 1.0]]
    """
    h = _signal("h", h)
    N = len(h)
    idx = (torch.arange(N, device=h.device)[:, None] - torch.arange(N, device=h.device)[None, :]) % N
    return h[idx]


def shift_equivariant_part(T) -> torch.Tensor:
    r"""The orthogonal projection of a linear map onto the maps that commute with the cyclic shift.

    .. math:: P(T)=\frac1N\sum_{k=0}^{N-1}S^{-k}\,T\,S^{k},\qquad S\,P(T)=P(T)\,S,\qquad
              P(T)=\operatorname{circ}(P(T)e_0)

    Book label: ``conv.lsi-theorem``. Averaging over all shifts makes the result commute with :math:`S`;
    by the theorem it is then a circular convolution, whose kernel is its impulse response, column 0.
    ``T`` : a square matrix ``(N, N)``.

    >>> shift_equivariant_part(torch.eye(2).double().flip(0) + torch.eye(2).double()).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    T = _signal("T", T, ndim=2)
    if T.shape[0] != T.shape[1]:
        raise ValueError(f"T must be a square matrix, got shape {tuple(T.shape)}")
    N = T.shape[0]
    # S^{-k} T S^k moves entry (u, j) to (u + k, j + k) mod N: average T along its cyclic diagonals.
    return sum(torch.roll(T, (k, k), dims=(0, 1)) for k in range(N)) / N


def equivariance_gap(op: Callable, x, shift_in: int, shift_out: int) -> float:
    r"""How far ``op`` is from commuting with cyclic shifts: :math:`\max|op(S^{a}x)-S^{b}op(x)|`.

    Book label: ``conv.shift-equivariance``. ``shift_in`` : :math:`a` (along the last axis of ``x``, and
    the one before it for images), ``shift_out`` : :math:`b` in the output. A convolution with circular
    padding has gap 0 at :math:`b=a`; a stride-:math:`s` layer only at :math:`a=sb`; an *invariant* map
    (global pooling) at :math:`b=0`.

    >>> h = torch.tensor([0.5, 0.5, 0.0, 0.0], dtype=torch.float64)
    >>> equivariance_gap(lambda z: circular_convolve(z, h), torch.arange(4.0, dtype=torch.float64), 1, 1)
    0.0
    """
    op = _callable("op", op)
    x = v.as_float_tensor("x", x)
    v.require_finite("x", x)
    if x.ndim == 0:
        raise ValueError(f"x must be a signal or an image (1 or more dimensions), got shape {tuple(x.shape)}")
    a = v.require_int("shift_in", shift_in)
    b = v.require_int("shift_out", shift_out)
    dims = (-1,) if x.ndim == 1 else (-2, -1)
    y = op(x)
    lhs = op(torch.roll(x, (a,) * len(dims), dims=dims))
    rhs = torch.roll(y, (b,) * len(dims), dims=dims) if y.ndim >= len(dims) and y.numel() > 1 else y
    if lhs.shape != rhs.shape:
        raise ValueError(f"op must map shifted inputs to outputs of one shape, got {tuple(lhs.shape)} and {tuple(rhs.shape)}")
    return float((lhs - rhs).abs().max())


# --- locality and weight sharing -------------------------------------------------------------------

def local_layer(x, W, u: float = 0.0) -> torch.Tensor:
    r"""A local, weight-shared layer on one image, zero-padded so that the output keeps the input's size.

    .. math:: h[i,j]=u+\sum_{k_1=-\Delta}^{\Delta}\sum_{k_2=-\Delta}^{\Delta}W[k_1,k_2]\,x[i+k_1,j+k_2]

    Book label: ``conv.locality``. ``x`` : image ``(H, W)``; ``W`` : weights ``(2Δ+1, 2Δ+1)``, indexed
    from :math:`-\Delta` (row 0) to :math:`\Delta`; ``u`` : the bias.

    >>> local_layer([[1.0, 2.0], [3.0, 4.0]], [[0, 0, 0], [0, 1.0, 1.0], [0, 0, 0]]).tolist()
    [[3.0, 2.0], [7.0, 4.0]]
    """
    x = _signal("x", x, ndim=2)
    W = _signal("W", W, ndim=2, like=x)
    if W.shape[0] != W.shape[1] or W.shape[0] % 2 == 0:
        raise ValueError(f"W must be square of odd size 2Δ+1, got shape {tuple(W.shape)}")
    u = v.require_scalar("u", u)
    delta = W.shape[0] // 2
    H, Wd = x.shape
    padded = torch.nn.functional.pad(x, (delta, delta, delta, delta))
    out = torch.full_like(x, u)
    for k1 in range(-delta, delta + 1):
        for k2 in range(-delta, delta + 1):
            out = out + W[k1 + delta, k2 + delta] * padded[delta + k1:delta + k1 + H, delta + k2:delta + k2 + Wd]
    return out


def locality_parameter_counts(height: int, width: int, delta: int) -> dict:
    r"""Parameters of three maps :math:`\mathbb R^{H\times W}\to\mathbb R^{H\times W}`: dense, local, local and shared.

    .. math:: \text{dense: }(HW)^2+HW,\qquad \text{local: }HW(2\Delta+1)^2+HW,\qquad
              \text{local + shared (convolution): }(2\Delta+1)^2+1

    Book label: ``conv.locality``.

    >>> locality_parameter_counts(28, 28, 1)
    {'dense': 615440, 'local': 7840, 'shared': 10}
    """
    height = v.require_int("height", height, minimum=1)
    width = v.require_int("width", width, minimum=1)
    delta = v.require_int("delta", delta, minimum=0)
    n, taps = height * width, (2 * delta + 1) ** 2
    return {"dense": n * n + n, "local": n * taps + n, "shared": taps + 1}
