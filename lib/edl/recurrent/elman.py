r"""Simple (Elman) recurrent networks and backpropagation through time.

Chapter 5, "Recurrent networks" (book labels ``rnn.state-evolution``, ``rnn.elman``,
``rnn.bptt-param-grads``, ``rnn.bptt-state-grads``, ``rnn.bptt-general``, ``rnn.weight-sharing-grad``).
The state follows :math:`z_t=\varphi(Uz_{t-1}+Vx_t+b)` from :math:`z_0=0`: ``U`` ``(m, m)`` is the
recurrent matrix, ``V`` ``(m, n)`` the input matrix, ``W`` ``(q, m)`` the output matrix. Sequences are
time-major: ``x`` is ``(T, n)``, or ``(T, B, n)`` with a batch, as in ``torch.nn.RNN``. The state
nonlinearity of the gradient formulas is :math:`\varphi=\tanh`.
"""

import torch

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _weights(x: torch.Tensor, U, V) -> tuple[torch.Tensor, torch.Tensor]:
    U = _tensor("U", U, 2, like=x)
    m = U.shape[0]
    v.require_shape("U", U, (m, m))
    V = _tensor("V", V, 2, like=x)
    v.require_shape("V", V, (m, x.shape[-1]), match="U and x")
    return U, V


# --- the state update and its unrolling --------------------------------------------------------------

def unroll(step, x, z0) -> torch.Tensor:
    r"""Run a time-invariant state update over a sequence: :math:`z_t=F(z_{t-1},x_t)`, :math:`t=1..T`.

    .. math:: z_t=F[\theta](z_{t-1},x_t),\qquad \hat y_t=G[\psi](z_t)

    Book label: ``rnn.state-evolution``. ``step`` : the update :math:`F(z, x_t)`; ``x`` : ``(T, n)``;
    ``z0`` : the initial state ``(m,)``. Returns the states ``(T, m)``. For a fixed length the loop is a
    ``T``-layer feed-forward network whose layers share their weights and each read one input.

    >>> unroll(lambda z, x: 0.5 * z + x, [[1.0], [1.0], [1.0]], [0.0]).flatten().tolist()
    [1.0, 1.5, 1.75]
    """
    v.require_callable("step", step)
    x = _tensor("x", x, 2)
    z = _tensor("z0", z0, 1, like=x)
    states = []
    for x_t in x:
        z = step(z, x_t)
        states.append(z)
    return torch.stack(states)


def elman_step(z, x_t, U, V, b) -> torch.Tensor:
    r"""One step of the Elman network: :math:`z_t=\tanh(Uz_{t-1}+Vx_t+b)`.

    Book labels: ``rnn.elman``, ``rnn.state-evolution``. ``z`` : ``(m,)`` or ``(B, m)``; ``x_t`` :
    ``(n,)`` or ``(B, n)``; ``U`` ``(m, m)``, ``V`` ``(m, n)``, ``b`` ``(m,)``.

    >>> round(float(elman_step([0.0], [1.0], [[0.5]], [[1.0]], [0.0])[0]), 6)
    0.761594
    """
    x_t = _tensor("x_t", x_t, (1, 2))
    z = _tensor("z", z, (1, 2), like=x_t)
    U = _tensor("U", U, 2, like=x_t)
    m = U.shape[0]
    v.require_shape("U", U, (m, m))
    v.require_shape("z", z, (..., m), match="U")
    V = _tensor("V", V, 2, like=x_t)
    v.require_shape("V", V, (m, None), match="U")
    v.require_shape("x_t", x_t, (..., V.shape[1]), match="V")
    if z.shape[:-1] != x_t.shape[:-1]:
        raise ValueError(f"z and x_t must have the same batch shape, got {tuple(z.shape)} and {tuple(x_t.shape)}")
    b = _tensor("b", b, 1, like=x_t)
    v.require_shape("b", b, (U.shape[0],), match="U")
    return torch.tanh(z @ U.T + x_t @ V.T + b)


def elman_forward(x, U, V, b) -> torch.Tensor:
    r"""The states of an Elman network over a batch of sequences, from :math:`z_0=0`.

    .. math:: z_t=\varphi(Uz_{t-1}+Vx_t+b),\qquad \text{row form } H_t=\tanh(X_tV^\top+H_{t-1}U^\top+b)

    Book label: ``rnn.elman``. ``x`` : ``(T, B, n)``; returns ``(T, B, m)``. ``torch.nn.RNN`` computes the
    same with ``V = weight_ih_l0``, ``U = weight_hh_l0`` and ``b = bias_ih_l0 + bias_hh_l0``.

    >>> elman_forward([[[1.0]], [[0.0]]], [[0.0]], [[1.0]], [0.0]).flatten().numpy().round(6).tolist()
    [0.761594, 0.0]
    """
    x = _tensor("x", x, 3)
    U, V = _weights(x, U, V)
    b = _tensor("b", b, 1, like=x)
    v.require_shape("b", b, (U.shape[0],), match="U")
    z = torch.zeros(x.shape[1], U.shape[0], dtype=x.dtype, device=x.device)
    states = []
    for x_t in x:                                           # (B, n)
        z = torch.tanh(z @ U.T + x_t @ V.T + b)             # (B, m)
        states.append(z)
    return torch.stack(states)


def elman_param_count(n: int, m: int, q: int) -> int:
    r"""Parameters of an Elman network with output layer: :math:`m^2+mn+m+qm+q`, independent of :math:`T`.

    Book label: ``rnn.elman``. ``n`` : input size, ``m`` : state size, ``q`` : output size.

    >>> elman_param_count(3, 5, 2)
    57
    """
    n, m, q = (v.require_int(k, val, minimum=1) for k, val in (("n", n), ("m", m), ("q", q)))
    return m * m + m * n + m + q * m + q


# --- backpropagation through time ---------------------------------------------------------------------

def _states(x: torch.Tensor, U: torch.Tensor, V: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """States z_0..z_T (z_0 = 0) and the slopes φ̇^t = 1 - z_t² of z_t = tanh(U z_{t-1} + V x_t)."""
    z = [torch.zeros(U.shape[0], dtype=x.dtype, device=x.device)]
    for x_t in x:
        z.append(torch.tanh(U @ z[-1] + V @ x_t))
    Z = torch.stack(z)                                      # (T+1, m)
    return Z, 1 - Z[1:] ** 2                                # φ̇^t for t = 1..T: (T, m)


def bptt_state_grads(x, U, V, W, delta, output: str = "tanh") -> torch.Tensor:
    r"""Total derivatives :math:`\bar g_t=\partial h/\partial z_t` by the backward recursion.

    .. math:: \bar g_t=W^\top(\dot\Phi^t\odot\delta^t)+U^\top(\dot\varphi^{t+1}\odot\bar g_{t+1}),\quad
              \bar g_{T+1}=0,\qquad \delta^t=\frac{\partial h}{\partial\hat y^t},\ \hat y^t=\Phi(Wz_t)

    Book label: ``rnn.bptt-state-grads``. ``x`` ``(T, n)``; ``U`` ``(m, m)``, ``V`` ``(m, n)``,
    ``W`` ``(q, m)``; ``delta`` ``(T, q)``; ``output`` : Φ, ``"tanh"`` or ``"linear"``. The state is
    :math:`z_t=\tanh(Uz_{t-1}+Vx_t)` from :math:`z_0=0`. Returns ``(T, m)``: each row collects every later
    output error, carried back through the recurrence.

    >>> bptt_state_grads([[1.0], [1.0]], [[0.0]], [[1.0]], [[1.0]], [[0.0], [1.0]], "linear").flatten().tolist()
    [0.0, 1.0]
    """
    x = _tensor("x", x, 2)
    U, V = _weights(x, U, V)
    W = _tensor("W", W, 2, like=x)
    v.require_shape("W", W, (None, U.shape[0]), match="U")
    delta = _tensor("delta", delta, 2, like=x)
    v.require_shape("delta", delta, (x.shape[0], W.shape[0]), match="x and W")
    v.require_choice("output", output, ("tanh", "linear"))
    Z, slope = _states(x, U, V)
    y = Z[1:] @ W.T                                                  # (T, q) pre-activations of the output
    out_slope = 1 - torch.tanh(y) ** 2 if output == "tanh" else torch.ones_like(y)
    T = x.shape[0]
    g = torch.zeros_like(Z)                                          # g[t] = ḡ_t for t = 1..T; g[T+1] = 0
    g = torch.cat([g, torch.zeros_like(Z[:1])])
    for t in range(T, 0, -1):
        g[t] = W.T @ (out_slope[t - 1] * delta[t - 1])
        if t < T:
            g[t] = g[t] + U.T @ (slope[t] * g[t + 1])                # φ̇^{t+1} ⊙ ḡ_{t+1}
    return g[1:T + 1]


def per_step_param_grads(x, U, V, gbar) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The contribution of each time step to the gradients of the shared matrices.

    .. math:: \frac{\partial h}{\partial\tilde U_t}=(\bar g_t\odot\dot\varphi^t)\,z_{t-1}^\top,\qquad
              \frac{\partial h}{\partial\tilde V_t}=(\bar g_t\odot\dot\varphi^t)\,x_t^\top

    Book labels: ``rnn.weight-sharing-grad``, ``rnn.bptt-param-grads``. :math:`\tilde U_t` is the copy of
    :math:`U` used at step :math:`t`; ``gbar`` ``(T, m)`` holds the total derivatives
    :math:`\partial h/\partial z_t`. Returns ``(T, m, m)`` and ``(T, m, n)``.

    >>> [g.flatten().tolist() for g in per_step_param_grads([[1.0], [1.0]], [[0.0]], [[0.0]], [[1.0], [1.0]])]
    [[0.0, 0.0], [1.0, 1.0]]
    """
    x = _tensor("x", x, 2)
    U, V = _weights(x, U, V)
    gbar = _tensor("gbar", gbar, 2, like=x)
    v.require_shape("gbar", gbar, (x.shape[0], U.shape[0]), match="x and U")
    Z, slope = _states(x, U, V)
    local = gbar * slope                                             # (T, m): ḡ_t ⊙ φ̇^t
    return local[:, :, None] * Z[:-1, None, :], local[:, :, None] * x[:, None, :]


def bptt_param_grads(x, U, V, gbar) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradients of the shared matrices: sums over time of the per-step terms.

    .. math:: \frac{\partial h}{\partial u_{ij}}=\sum_{t=1}^{T}\frac{\partial h}{\partial z_i^t}\,
              \dot\varphi_i^t\,z_j^{t-1},\qquad
              \frac{\partial h}{\partial v_{ij}}=\sum_{t=1}^{T}\frac{\partial h}{\partial z_i^t}\,\dot\varphi_i^t\,x_j^t

    Book label: ``rnn.bptt-param-grads``. The factor of the step-:math:`t` term is the *previous* state
    :math:`z_{t-1}` and the *current* input :math:`x_t`. Returns ``(m, m)`` and ``(m, n)``.

    >>> [g.tolist() for g in bptt_param_grads([[1.0], [1.0]], [[0.0]], [[0.0]], [[1.0], [1.0]])]
    [[[0.0]], [[2.0]]]
    """
    gU, gV = per_step_param_grads(x, U, V, gbar)
    return gU.sum(0), gV.sum(0)


def bptt_path_contributions(x, U, V, theta, c) -> torch.Tensor:
    r"""The terms of the general BPTT expansion for a scalar parameter :math:`\theta` scaling :math:`U`.

    .. math:: \frac{\partial L}{\partial\theta}=\sum_{t=1}^{T}\frac{\partial L_t}{\partial h_t}
              \sum_{i=1}^{t}\Big(\prod_{j=t}^{i+1}\frac{\partial h_j}{\partial a_j}\frac{\partial a_j}{\partial h_{j-1}}\Big)
              \frac{\partial h_i}{\partial a_i}\frac{\partial a_i}{\partial\theta}

    Book label: ``rnn.bptt-general``. The model is :math:`a_t=\theta Uh_{t-1}+Vx_t`, :math:`h_t=\tanh(a_t)`,
    :math:`h_0=0`, with loss :math:`L=\sum_t c_t^\top h_t` (so :math:`\partial L_t/\partial h_t=c_t`);
    :math:`\partial a_i/\partial\theta=Uh_{i-1}` is the immediate partial. ``theta`` : a number;
    ``c`` ``(T, m)``. Returns the ``(T, T)`` lower-triangular matrix of terms :math:`(t, i)`, whose sum is
    the gradient.

    >>> bptt_path_contributions([[1.0], [0.0]], [[1.0]], [[1.0]], 1.0, [[0.0], [1.0]]).numpy().round(6).tolist()
    [[0.0, 0.0], [0.0, 0.447678]]
    """
    x = _tensor("x", x, 2)
    U, V = _weights(x, U, V)
    theta = v.require_scalar("theta", theta)
    c = _tensor("c", c, 2, like=x)
    v.require_shape("c", c, (x.shape[0], U.shape[0]), match="x and U")
    T, m = x.shape[0], U.shape[0]
    h = [torch.zeros(m, dtype=x.dtype, device=x.device)]
    for x_t in x:
        h.append(torch.tanh(theta * U @ h[-1] + V @ x_t))
    H = torch.stack(h)                                               # (T+1, m)
    slope = 1 - H[1:] ** 2                                           # ∂h_j/∂a_j (diagonal), j = 1..T
    out = torch.zeros(T, T, dtype=x.dtype, device=x.device)
    for i in range(1, T + 1):
        carried = slope[i - 1] * (U @ H[i - 1])                      # ∂h_i/∂a_i ∂a_i/∂θ
        for t in range(i, T + 1):
            if t > i:
                carried = slope[t - 1] * (theta * U @ carried)       # ∂h_t/∂a_t ∂a_t/∂h_{t-1}
            out[t - 1, i - 1] = c[t - 1] @ carried
    return out
