r"""Linear recurrent units: linear state evolution, its diagonal form, stability, the exponential
parameterisation, ring initialisation, the parallel scan and the memory of the state.

Chapter 5, "Recurrent networks" (book labels ``rnn.lru-linear``, ``rnn.lru-diagonalization``,
``rnn.lru-stability``, ``rnn.lru-exp-param``, ``rnn.lru-ring-init``, ``rnn.lru-parallel-scan``,
``rnn.lru-universality``). The recurrence is :math:`z_{t+1}=Az_t+Bx_t` from :math:`z_0=0`, so that
:math:`z_t` has read :math:`x_0..x_{t-1}`; ``A`` ``(m, m)``, ``B`` ``(m, n)``, ``x`` ``(T, n)``. Diagonal
recurrences take the eigenvalues ``lam`` ``(m,)`` (complex) instead of ``A``.
"""

import math

import torch

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _complex(name: str, value, ndim) -> torch.Tensor:
    """A complex128 (or complex64) tensor of ``ndim`` dimensions; real input is promoted."""
    if isinstance(value, torch.Tensor) and value.is_complex():
        t = v.as_tensor(name, value)
    else:
        t = v.as_float_tensor(name, value)
        t = t.to(torch.complex64 if t.dtype == torch.float32 else torch.complex128)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _number(name: str, value) -> torch.Tensor:
    """A real or complex tensor of 1 or 2 dimensions (real input stays real)."""
    if isinstance(value, torch.Tensor) and value.is_complex():
        return _complex(name, value, (1, 2))
    return _tensor(name, value, (1, 2))


def _system(A, B, x) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    x = _tensor("x", x, 2)
    A = _tensor("A", A, 2, like=x)
    v.require_shape("A", A, (A.shape[0], A.shape[0]))
    B = _tensor("B", B, 2, like=x)
    v.require_shape("B", B, (A.shape[0], x.shape[1]), match="A and x")
    return A, B, x


# --- linear state evolution ------------------------------------------------------------------------------

def linear_recurrence(A, B, x) -> torch.Tensor:
    r"""The states :math:`z_1..z_T` of :math:`z_{t+1}=Az_t+Bx_t`, :math:`z_0=0`, by the sequential loop.

    Book label: ``rnn.lru-linear``. Returns ``(T, m)``.

    >>> linear_recurrence([[0.5]], [[1.0]], [[1.0], [1.0], [1.0]]).flatten().tolist()
    [1.0, 1.5, 1.75]
    """
    A, B, x = _system(A, B, x)
    z = torch.zeros(A.shape[0], dtype=x.dtype, device=x.device)
    out = []
    for x_t in x:
        z = A @ z + B @ x_t
        out.append(z)
    return torch.stack(out)


def recurrence_kernel(A, B, T: int) -> torch.Tensor:
    r"""The convolution kernel of a linear recurrence, :math:`K_j=A^jB`, :math:`j=0..T-1`.

    .. math:: z_t=\sum_{k=0}^{t-1}A^{t-1-k}Bx_k=(K\ast x)_t,\qquad K_j=A^jB

    Book label: ``rnn.lru-linear``. Returns ``(T, m, n)``. A linear recurrence is a causal convolution,
    which is why all its states can be computed at once.

    >>> recurrence_kernel([[0.5]], [[2.0]], 3).flatten().tolist()
    [2.0, 1.0, 0.5]
    """
    A = _tensor("A", A, 2)
    v.require_shape("A", A, (A.shape[0], A.shape[0]))
    B = _tensor("B", B, 2, like=A)
    v.require_shape("B", B, (A.shape[0], None), match="A")
    T = v.require_int("T", T, minimum=1)
    K, out = B, []
    for _ in range(T):
        out.append(K)
        K = A @ K
    return torch.stack(out)


def convolve_kernel(K, x) -> torch.Tensor:
    r"""The states from the kernel: :math:`z_t=\sum_{j=0}^{t-1}K_jx_{t-1-j}`, :math:`t=1..T`.

    Book label: ``rnn.lru-linear``. ``K`` ``(T, m, n)`` from :func:`recurrence_kernel`, ``x`` ``(T, n)``.

    >>> convolve_kernel([[[2.0]], [[1.0]]], [[1.0], [1.0]]).flatten().tolist()
    [2.0, 3.0]
    """
    K = _tensor("K", K, 3)
    x = _tensor("x", x, 2, like=K)
    v.require_shape("x", x, (K.shape[0], K.shape[2]), match="K")
    T = x.shape[0]
    return torch.stack([torch.einsum("jmn,jn->m", K[:t], torch.flip(x[:t], (0,))) for t in range(1, T + 1)])


# --- the diagonal form -------------------------------------------------------------------------------------

def diagonalize(A) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Eigenvalues and eigenvectors :math:`A=P\Lambda P^{-1}` (complex for a real :math:`A` with rotation).

    .. math:: \zeta_t=P^{-1}z_t,\qquad \zeta_{t+1}=\Lambda\zeta_t+Cx_t,\qquad C=P^{-1}B

    Book label: ``rnn.lru-diagonalization``. Returns ``lam`` ``(m,)`` and ``P`` ``(m, m)``, complex.

    >>> lam, P = diagonalize([[0.0, -1.0], [1.0, 0.0]])
    >>> sorted(lam.imag.tolist())
    [-1.0, 1.0]
    """
    A = _tensor("A", A, 2)
    v.require_shape("A", A, (A.shape[0], A.shape[0]))
    return torch.linalg.eig(A)


def diagonal_recurrence(lam, C, x) -> torch.Tensor:
    r"""The states of the diagonal recurrence :math:`\zeta_{t+1}=\Lambda\zeta_t+Cx_t`, :math:`\zeta_0=0`.

    Book labels: ``rnn.lru-diagonalization``, ``rnn.lru-universality``. ``lam`` ``(m,)`` complex, ``C``
    ``(m, n)`` (complex or real), ``x`` ``(T, n)`` real. Returns ``(T, m)`` complex: every channel evolves
    on its own, a damped rotation.

    >>> diagonal_recurrence([0.5], [[1.0]], [[1.0], [1.0]]).real.flatten().tolist()
    [1.0, 1.5]
    """
    lam = _complex("lam", lam, 1)
    C = _complex("C", C, 2).to(lam.dtype)
    x = _tensor("x", x, 2)
    v.require_shape("C", C, (lam.shape[0], x.shape[1]), match="lam and x")
    u = x.to(lam.dtype) @ C.T                                        # (T, m): C x_t
    zeta = torch.zeros_like(lam)
    out = []
    for u_t in u:
        zeta = lam * zeta + u_t
        out.append(zeta)
    return torch.stack(out)


# --- stability -----------------------------------------------------------------------------------------------

def is_stable(lam) -> bool:
    r"""Whether every bounded input gives a bounded state: :math:`\rho(A)=\max_j|\lambda_j|<1`, strictly.

    Book label: ``rnn.lru-stability``. ``lam`` : eigenvalues ``(m,)``. On the unit circle the state is not
    bounded: :math:`\lambda=1` integrates a constant input, :math:`z_t=t`.

    >>> is_stable([0.99, -0.5]), is_stable([1.0])
    (True, False)
    """
    lam = _complex("lam", lam, 1)
    return bool(lam.abs().max() < 1)


def state_bound(A, B, x) -> float:
    r"""The bound on the state of a stable diagonalisable recurrence.

    .. math:: \|z_t\|\le\|P\|\,\|P^{-1}\|\,\frac{\max_k\|Bx_k\|}{1-\rho(A)}

    Book label: ``rnn.lru-stability``. Tight for a scalar recurrence with a constant input:
    :math:`\lambda=0.99`, :math:`x\equiv1` approaches :math:`1/(1-\lambda)=100`.

    >>> round(state_bound([[0.5]], [[1.0]], [[1.0], [2.0]]), 8)
    4.0
    """
    A, B, x = _system(A, B, x)
    lam, P = torch.linalg.eig(A)
    rho = float(lam.abs().max())
    if rho >= 1:
        raise ValueError(f"A must have spectral radius below 1 for a bound to exist, got rho = {rho:.6g}")
    cond = float(torch.linalg.matrix_norm(P, 2) * torch.linalg.matrix_norm(torch.linalg.inv(P), 2))
    return cond * float(torch.linalg.vector_norm(x @ B.T, dim=1).max()) / (1 - rho)


# --- parameterisation and initialisation ----------------------------------------------------------------------

def exp_parameterization(nu, phi) -> torch.Tensor:
    r"""Eigenvalues from unconstrained reals: :math:`\lambda=\exp(-\exp(\nu)+i\varphi)`.

    .. math:: |\lambda|=e^{-e^{\nu}}\in(0,1)\ \ \forall\nu\in\mathbb R,\qquad \arg\lambda=\varphi

    Book label: ``rnn.lru-exp-param``. ``nu``, ``phi`` : same shape. Keep :math:`\nu` moderate: in float64
    :math:`e^{-e^\nu}` underflows to 0 above :math:`\nu\approx6.6` and rounds to 1 below :math:`\nu\approx-37`.

    >>> lam = exp_parameterization([0.0], [0.0])
    >>> round(float(lam.real[0]), 8), float(lam.imag[0])
    (0.36787944, 0.0)
    """
    nu = _tensor("nu", nu, (0, 1, 2))
    phi = v.as_float_tensor("phi", phi, like=nu)
    v.require_finite("phi", phi)
    v.require_same_shape("nu", nu, "phi", phi)
    return torch.polar(torch.exp(-torch.exp(nu)), phi)


def nu_from_modulus(r) -> torch.Tensor:
    r"""The inverse map :math:`\nu=\ln(-\ln r)` for a modulus :math:`r\in(0,1)`; mode half-life :math:`\ln2/e^{\nu}`.

    Book label: ``rnn.lru-exp-param``.

    >>> round(float(nu_from_modulus(math.exp(-1.0))), 8)
    0.0
    """
    r = v.as_float_tensor("r", r)
    v.require_finite("r", r)
    v.require_in_range("r", r, 0.0, 1.0, closed=False)
    return torch.log(-torch.log(r))


def ring_init(m: int, r_min, r_max, generator: torch.Generator) -> torch.Tensor:
    r"""Eigenvalues uniform (by area) on the annulus :math:`r_{\min}\le|\lambda|\le r_{\max}`.

    .. math:: \lambda=re^{i\theta},\quad r=\sqrt{u_1(r_{\max}^2-r_{\min}^2)+r_{\min}^2},\quad\theta=2\pi u_2,
              \quad u_1,u_2\sim\mathcal U(0,1)

    Book label: ``rnn.lru-ring-init``. :math:`r^2` is uniform, so equal areas get equal mass; a uniform
    radius would crowd the inner edge. Returns ``(m,)`` complex128.

    >>> lam = ring_init(1000, 0.4, 0.9, torch.Generator().manual_seed(0))
    >>> bool((lam.abs() >= 0.4).all() and (lam.abs() <= 0.9).all())
    True
    """
    m = v.require_int("m", m, minimum=1)
    lo = v.require_positive_scalar("r_min", r_min, strict=False)
    hi = v.require_positive_scalar("r_max", r_max)
    if not lo < hi <= 1:
        raise ValueError(f"r_max must satisfy r_min < r_max <= 1, got r_min={r_min!r}, r_max={r_max!r}")
    v.require_generator("generator", generator)
    if generator is None:
        raise ValueError("generator must be a torch.Generator (the sampler draws from it), got None")
    u = torch.rand(2, m, generator=generator, dtype=torch.float64)
    r = torch.sqrt(u[0] * (hi ** 2 - lo ** 2) + lo ** 2)
    return torch.polar(r, 2 * math.pi * u[1])


# --- the parallel scan ---------------------------------------------------------------------------------------

def scan_combine(a1, b1, a2, b2) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The associative operator of linear recurrences: :math:`(a_1,b_1)\bullet(a_2,b_2)=(a_2a_1,\ a_2b_1+b_2)`.

    Book label: ``rnn.lru-parallel-scan``. Applying :math:`z\mapsto a_1z+b_1`, then :math:`z\mapsto a_2z+b_2`,
    is the map :math:`z\mapsto a_2a_1z+(a_2b_1+b_2)`.

    >>> [t.tolist() for t in scan_combine([2.0], [1.0], [3.0], [1.0])]
    [[6.0], [4.0]]
    """
    a1, b1, a2, b2 = (_number(n, t) for n, t in (("a1", a1), ("b1", b1), ("a2", a2), ("b2", b2)))
    v.broadcast_shapes(a1=a1, b1=b1, a2=a2, b2=b2)
    return a2 * a1, a2 * b1 + b2


def _lam_and_inputs(lam, u) -> tuple[torch.Tensor, torch.Tensor]:
    lam = _complex("lam", lam, 1)
    u = _complex("u", u, 2).to(lam.dtype)
    v.require_shape("u", u, (None, lam.shape[0]), match="lam")
    return lam, u


def sequential_scan(lam, u) -> torch.Tensor:
    r"""All states of :math:`\zeta_t=\lambda\odot\zeta_{t-1}+u_t`, :math:`\zeta_0=0`, one step after another.

    Book label: ``rnn.lru-parallel-scan``. ``lam`` ``(m,)``, ``u`` ``(T, m)``. :math:`T` sequential steps.

    >>> sequential_scan([0.5], [[1.0], [1.0], [1.0]]).real.flatten().tolist()
    [1.0, 1.5, 1.75]
    """
    lam, u = _lam_and_inputs(lam, u)
    zeta = torch.zeros_like(lam)
    out = []
    for u_t in u:
        zeta = lam * zeta + u_t
        out.append(zeta)
    return torch.stack(out)


def parallel_scan(lam, u) -> torch.Tensor:
    r"""The same states by an inclusive (Hillis–Steele) scan with :func:`scan_combine`: depth :math:`\lceil\log_2T\rceil`.

    .. math:: (a_1,b_1)\bullet(a_2,b_2)=(a_2a_1,\ a_2b_1+b_2),\qquad
              (\Lambda,u_1)\bullet\cdots\bullet(\Lambda,u_t)=(\Lambda^t,\zeta_t)

    Book label: ``rnn.lru-parallel-scan``. Each of the :math:`\lceil\log_2T\rceil` rounds combines every
    position with the one :math:`2^k` before it, all positions at once.

    >>> parallel_scan([0.5], [[1.0], [1.0], [1.0]]).real.flatten().tolist()
    [1.0, 1.5, 1.75]
    """
    lam, u = _lam_and_inputs(lam, u)
    a, b = lam.expand_as(u), u                                       # (T, m): prefix products Λ^t, prefix states ζ_t
    shift = 1
    while shift < u.shape[0]:                                        # combine with the element 2^k before, everywhere
        a, b = (torch.cat([a[:shift], a[:-shift] * a[shift:]]),
                torch.cat([b[:shift], a[shift:] * b[:-shift] + b[shift:]]))
        shift *= 2
    return b


# --- the memory of the state ---------------------------------------------------------------------------------

def recover_history(lam, zeta) -> torch.Tensor:
    r"""The inputs :math:`x_0..x_{T-1}` read back from the state :math:`\zeta_T` of a scalar-input recurrence.

    .. math:: \zeta_T=\sum_{k=0}^{T-1}\Lambda^{T-1-k}\mathbf 1\,x_k=V\,(x_{T-1},\dots,x_0)^\top,\qquad
              V_{jk}=\lambda_j^{k}

    Book label: ``rnn.lru-universality``. ``lam`` ``(T,)`` distinct eigenvalues (as many as steps),
    ``zeta`` ``(T,)`` the final state with :math:`C=\mathbf 1`. Solves the Vandermonde system; returns
    :math:`x_0..x_{T-1}` (real part). With distinct eigenvalues nothing of the history is lost.

    >>> recover_history([0.5, -0.5], [1.5, 0.5]).numpy().round(8).tolist()
    [1.0, 1.0]
    """
    lam = _complex("lam", lam, 1)
    zeta = _complex("zeta", zeta, 1).to(lam.dtype)
    v.require_shape("zeta", zeta, lam.shape, match="lam")
    gaps = (lam[:, None] - lam[None, :]).abs() + torch.eye(len(lam), dtype=torch.float64, device=lam.device)
    if (gaps == 0).any():
        raise ValueError(f"lam must hold distinct eigenvalues, got {lam.tolist()}")
    Vdm = lam[:, None] ** torch.arange(len(lam), device=lam.device)  # V_jk = λ_j^k
    return torch.flip(torch.linalg.solve(Vdm, zeta), (0,)).real
