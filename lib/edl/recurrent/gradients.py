r"""Gradients through time: the spectral norm, products of state Jacobians, vanishing and exploding, clipping.

Chapter 5, "Recurrent networks" (book labels ``rnn.spectral-norm``, ``rnn.jacobian-product``,
``rnn.vanishing-exploding``, ``rnn.gradient-clipping``). The recurrence is
:math:`z_t=\varphi(Uz_{t-1}+Vx_t)` with :math:`\varphi` one of ``"tanh"``, ``"sigmoid"`` (logistic) or
``"linear"``; :math:`\kappa=\sup|\varphi'|` is 1, 1/4 and 1.
"""

import math

import torch

from edl.core import validate as v

#: :math:`\kappa=\sup|\varphi'|` of each state nonlinearity.
KAPPA = {"tanh": 1.0, "sigmoid": 0.25, "linear": 1.0}


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _act(name: str):
    v.require_choice("act", name, tuple(KAPPA))
    if name == "tanh":
        return torch.tanh, lambda s: 1 - torch.tanh(s) ** 2
    if name == "sigmoid":
        return torch.sigmoid, lambda s: torch.sigmoid(s) * (1 - torch.sigmoid(s))
    return (lambda s: s), torch.ones_like


# --- the spectral norm ----------------------------------------------------------------------------------

def spectral_norm(A, iters: int = 200) -> float:
    r"""The operator 2-norm by power iteration on :math:`A^\top A`.

    .. math:: \|A\|_2=\max_{\|x\|=1}\|Ax\|_2=\sigma_1(A)=\sqrt{\lambda_{\max}(A^\top A)}

    Book label: ``rnn.spectral-norm``. ``A`` : ``(p, m)``; ``iters`` : power steps from a fixed start
    vector (the error shrinks like :math:`(\sigma_2/\sigma_1)^{2k}`).

    >>> round(spectral_norm([[3.0, 0.0], [4.0, 5.0]]), 6)
    6.708204
    """
    A = _tensor("A", A, 2)
    iters = v.require_int("iters", iters, minimum=1)
    g = torch.Generator().manual_seed(0)
    x = torch.rand(A.shape[1], generator=g, dtype=torch.float64).to(A) + 0.5   # a positive, generic start
    G = A.T @ A
    for _ in range(iters):
        y = G @ x
        n = torch.linalg.vector_norm(y)
        if n == 0:
            return 0.0
        x = y / n
    return float(torch.linalg.vector_norm(A @ x))


def spectral_radius(A) -> float:
    r"""The spectral radius :math:`\rho(A)=\max_j|\lambda_j(A)|\le\|A\|_2`.

    Book label: ``rnn.spectral-norm``. ``A`` : square ``(m, m)``.

    >>> spectral_radius([[0.0, 1.0], [0.0, 0.0]]), round(spectral_norm([[0.0, 1.0], [0.0, 0.0]]), 8)
    (0.0, 1.0)
    """
    A = _tensor("A", A, 2)
    v.require_shape("A", A, (A.shape[0], A.shape[0]))
    return float(torch.linalg.eigvals(A).abs().max())


def submultiplicative_bound(A, B) -> float:
    r"""The bound :math:`\|AB\|_2\le\|A\|_2\,\|B\|_2`.

    Book label: ``rnn.spectral-norm``. ``A`` ``(p, m)``, ``B`` ``(m, r)``. Equality holds when the top right
    singular vector of :math:`A` is the top left singular vector of :math:`B`.

    >>> submultiplicative_bound([[2.0, 0.0], [0.0, 1.0]], [[0.5, 0.0], [0.0, 0.1]])
    1.0
    """
    A = _tensor("A", A, 2)
    B = _tensor("B", B, 2, like=A)
    v.require_shape("B", B, (A.shape[1], None), match="A")
    return float(torch.linalg.matrix_norm(A, 2) * torch.linalg.matrix_norm(B, 2))


# --- the state Jacobian through time ----------------------------------------------------------------------

def state_jacobians(x, U, V, z0, act: str = "tanh") -> torch.Tensor:
    r"""The products :math:`\partial z_t/\partial z_0` for :math:`t=1..T`.

    .. math:: \frac{\partial z_T}{\partial z_0}=\mathrm{diag}(\dot\varphi^T)U\cdots\mathrm{diag}(\dot\varphi^1)U,
              \qquad \dot\varphi^t=\varphi'(Uz_{t-1}+Vx_t)

    Book label: ``rnn.jacobian-product``. ``x`` ``(T, n)``, ``U`` ``(m, m)``, ``V`` ``(m, n)``, ``z0``
    ``(m,)``; ``act`` : the *state* nonlinearity φ. Returns ``(T, m, m)``. The transposed product carries a
    gradient back: :math:`\nabla_{z_t}\mathcal R=[\prod_{r=t+1}^sU^\top\mathrm{diag}(\dot\varphi^r)]\nabla_{z_s}\mathcal R`.

    >>> state_jacobians([[0.0], [0.0]], [[0.5]], [[1.0]], [0.0], "linear").flatten().tolist()
    [0.5, 0.25]
    """
    x = _tensor("x", x, 2)
    U = _tensor("U", U, 2, like=x)
    m = U.shape[0]
    v.require_shape("U", U, (m, m))
    V = _tensor("V", V, 2, like=x)
    v.require_shape("V", V, (m, x.shape[1]), match="U and x")
    z = _tensor("z0", z0, 1, like=x)
    v.require_shape("z0", z, (m,), match="U")
    phi, dphi = _act(act)
    J = torch.eye(m, dtype=x.dtype, device=x.device)
    out = []
    for x_t in x:
        s = U @ z + V @ x_t
        J = (dphi(s)[:, None] * U) @ J                         # diag(φ̇^t) U · (∂z_{t-1}/∂z_0)
        z = phi(s)
        out.append(J)
    return torch.stack(out)


def jacobian_norms(x, U, V, z0, act: str = "tanh") -> torch.Tensor:
    r"""Spectral norms :math:`\|\partial z_t/\partial z_0\|_2` for :math:`t=1..T` (see :func:`state_jacobians`).

    Book label: ``rnn.vanishing-exploding``.

    >>> jacobian_norms([[0.0], [0.0]], [[2.0]], [[1.0]], [0.0], "linear").tolist()
    [2.0, 4.0]
    """
    return torch.linalg.matrix_norm(state_jacobians(x, U, V, z0, act), 2)


def vanishing_bound(sigma1, T: int, act: str = "tanh") -> torch.Tensor:
    r"""The bound :math:`(\kappa\,\sigma_1(U))^t` on :math:`\|\partial z_t/\partial z_0\|_2`, :math:`t=0..T`.

    .. math:: \Big\|\frac{\partial z_t}{\partial z_0}\Big\|_2\le(\kappa\,\sigma_1(U))^t
              \xrightarrow{t\to\infty}0\quad\text{if }\sigma_1(U)<1/\kappa,\qquad\kappa=\sup|\varphi'|

    Book label: ``rnn.vanishing-exploding``. ``sigma1`` : :math:`\sigma_1(U)\ge0`; ``act`` picks κ. The
    converse fails: :math:`\sigma_1>1/\kappa` is necessary for explosion, not sufficient (a linear
    recurrence grows like :math:`\rho(U)^t`).

    >>> vanishing_bound(0.5, 3, "linear").tolist(), vanishing_bound(2.0, 2, "sigmoid").tolist()
    ([1.0, 0.5, 0.25, 0.125], [1.0, 0.5, 0.25])
    """
    s = v.require_positive_scalar("sigma1", sigma1, strict=False)
    T = v.require_int("T", T, minimum=0)
    v.require_choice("act", act, tuple(KAPPA))
    return torch.tensor(KAPPA[act] * s, dtype=torch.float64) ** torch.arange(T + 1, dtype=torch.float64)


def feedforward_bound(weights, act: str = "tanh") -> float:
    r"""The feed-forward analogue :math:`\|\partial x_L/\partial x_0\|_2\le\prod_{l=1}^L\kappa\|W_l\|_2`.

    Book label: ``rnn.vanishing-exploding``. ``weights`` : the list of layer matrices :math:`W_l`.

    >>> round(feedforward_bound([[[2.0, 0.0], [0.0, 1.0]], [[0.5, 0.0], [0.0, 3.0]]], "sigmoid"), 8)
    0.375
    """
    Ws = v.as_tensor_list("weights", weights)
    for i, W in enumerate(Ws):
        v.require_ndim(f"weights[{i}]", W, 2)
        if i and W.shape[1] != Ws[i - 1].shape[0]:
            raise ValueError(f"weights[{i}] must have {Ws[i - 1].shape[0]} columns to follow weights[{i - 1}], "
                             f"got shape {tuple(W.shape)}")
    v.require_choice("act", act, tuple(KAPPA))
    return math.prod(KAPPA[act] * float(torch.linalg.matrix_norm(W, 2)) for W in Ws)


# --- gradient clipping ---------------------------------------------------------------------------------

def clip_by_norm(g, threshold) -> torch.Tensor:
    r"""Rescale a gradient onto the ball of radius :math:`\theta`: :math:`g\leftarrow\min(1,\theta/\|g\|)\,g`.

    .. math:: \|g_{\text{clipped}}\|=\min(\|g\|,\theta),\qquad g_{\text{clipped}}\parallel g,\qquad
              |l(w_t)-l(w_{t+1})|\le L\eta\|g_{\text{clipped}}\|\le L\eta\theta

    Book label: ``rnn.gradient-clipping``. ``g`` : any shape (treated as one vector); ``threshold`` :
    θ > 0. The direction is kept; only the length is capped.

    >>> clip_by_norm([3.0, 4.0], 1.0).numpy().round(8).tolist(), clip_by_norm([0.3, 0.4], 1.0).tolist()
    ([0.6, 0.8], [0.3, 0.4])
    """
    g = v.as_float_tensor("g", g)
    v.require_finite("g", g)
    theta = v.require_positive_scalar("threshold", threshold)
    norm = torch.linalg.vector_norm(g)
    if norm <= theta:
        return g.clone()
    return g * (theta / norm)
