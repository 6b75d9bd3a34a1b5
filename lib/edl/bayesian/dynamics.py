r"""Samplers driven by the gradient of the energy: Hamiltonian Monte Carlo with the leapfrog integrator, and
underdamped and overdamped Langevin dynamics.

Chapter 9, part 2, "Hamiltonian and Langevin dynamics" (book labels ``bayes.hmc`` …
``bayes.langevin-overdamped``). Symbols: :math:`\theta` position (the parameters), :math:`v` momentum,
:math:`E` energy, :math:`M` mass matrix (``M_inv`` its inverse, the identity by default), :math:`\eta` step
size, :math:`L` leapfrog steps per proposal, :math:`\beta` friction. Functions act on a batch of chains:
states are ``(C, d)`` and ``grad_E`` maps ``(C, d)`` to ``(C, d)``.
"""

from collections.abc import Callable

import torch

from edl.core import validate as v


def _state(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, 2)
    v.require_finite(name, t)
    return t


def _mass(M_inv, theta):
    if M_inv is None:
        return None
    M_inv = v.as_float_tensor("M_inv", M_inv, like=theta)
    v.require_covariance("M_inv", M_inv)
    v.require_shape("M_inv", M_inv, (theta.shape[1], theta.shape[1]), match="theta")
    return M_inv


def _velocity(v_, M_inv):
    return v_ if M_inv is None else v_ @ M_inv        # M symmetric: (M^{-1} v)^T = v^T M^{-1}


def hamiltonian(E: Callable, theta, v_, M_inv=None) -> torch.Tensor:
    r"""The Hamiltonian of HMC: potential energy plus kinetic energy.

    .. math:: H(\theta,v)=E(\theta)+\tfrac12v^\top M^{-1}v,\qquad p(\theta,v)\propto e^{-H(\theta,v)}

    Book label: ``bayes.hmc``. ``E`` : energy per chain, ``(C, d) → (C,)``; ``theta``, ``v_`` : ``(C, d)``.
    Because :math:`e^{-H}` factorises, the :math:`\theta`-marginal of :math:`p(\theta,v)` is :math:`e^{-E}`.

    >>> round(float(hamiltonian(lambda t: (t**2).sum(-1) / 2, [[1.0, 0.0]], [[0.0, 2.0]])[0]), 6)
    2.5
    """
    v.require_callable("E", E)
    theta = _state("theta", theta)
    v_ = _state("v_", v_, like=theta)
    v.require_shape("v_", v_, tuple(theta.shape), match="theta")
    M_inv = _mass(M_inv, theta)
    return E(theta) + 0.5 * (v_ * _velocity(v_, M_inv)).sum(-1)


def hamiltonian_flow(grad_E: Callable, theta, v_, M_inv=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Hamilton's equations: the velocity field of the exact dynamics.

    .. math:: \dot\theta=\frac{\partial H}{\partial v}=M^{-1}v,\qquad\dot v=-\frac{\partial H}{\partial\theta}=-\nabla E(\theta)

    Book label: ``bayes.hmc``. Along the flow :math:`H` is constant and phase-space volume is preserved
    (the field is divergence-free). Returns :math:`(\dot\theta,\dot v)`, each ``(C, d)``.

    >>> [t.tolist() for t in hamiltonian_flow(lambda t: 2 * t, [[1.0]], [[3.0]])]
    [[[3.0]], [[-2.0]]]
    """
    v.require_callable("grad_E", grad_E)
    theta = _state("theta", theta)
    v_ = _state("v_", v_, like=theta)
    v.require_shape("v_", v_, tuple(theta.shape), match="theta")
    return _velocity(v_, _mass(M_inv, theta)), -grad_E(theta)


def leapfrog(grad_E: Callable, theta, v_, eta: float, L: int, M_inv=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``L`` leapfrog steps of size :math:`\eta` (the symplectic integrator of HMC).

    .. math:: v_{t+\frac12}=v_t-\tfrac\eta2\nabla E(\theta_t),\quad\theta_{t+1}=\theta_t+\eta M^{-1}v_{t+\frac12},
              \quad v_{t+1}=v_{t+\frac12}-\tfrac\eta2\nabla E(\theta_{t+1})

    Book label: ``bayes.hmc-leapfrog``. Each sub-step is a shear (it changes one of :math:`\theta,v` by a
    function of the other), so the map has Jacobian determinant 1, and it is reversible: run from
    :math:`(\theta',-v')` it returns to :math:`(\theta,-v)`. Returns the new :math:`(\theta,v)`.

    >>> th, vv = leapfrog(lambda t: t, [[1.0]], [[0.0]], 0.1, 10)       # E = θ²/2: θ(1) ≈ cos 1
    >>> round(float(th), 4), round(float(vv), 4)
    (0.54, -0.8406)
    """
    v.require_callable("grad_E", grad_E)
    theta = _state("theta", theta)
    v_ = _state("v_", v_, like=theta)
    v.require_shape("v_", v_, tuple(theta.shape), match="theta")
    eta = v.require_positive_scalar("eta", eta)
    L = v.require_int("L", L, minimum=1)
    M_inv = _mass(M_inv, theta)
    v_ = v_ - 0.5 * eta * grad_E(theta)
    for step in range(L):
        theta = theta + eta * _velocity(v_, M_inv)
        v_ = v_ - (eta if step < L - 1 else 0.5 * eta) * grad_E(theta)   # two half kicks merge between steps
    return theta, v_


def explicit_euler(grad_E: Callable, theta, v_, eta: float, L: int, M_inv=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``L`` steps of the explicit Euler scheme for Hamilton's equations (not an HMC integrator).

    .. math:: \theta_{t+1}=\theta_t+\eta M^{-1}v_t,\qquad v_{t+1}=v_t-\eta\nabla E(\theta_t)

    Both updates use the old state. For a quadratic energy one step multiplies phase-space volume by
    :math:`\det(I+\eta^2M^{-1}\nabla^2E)>1`, the energy error grows geometrically and the map is not
    reversible, so a Metropolis correction built on it no longer targets :math:`e^{-H}`. Shown for contrast
    with :func:`leapfrog`.

    >>> th, vv = explicit_euler(lambda t: t, [[1.0]], [[0.0]], 0.1, 10)
    >>> round(float(th), 4), round(float(vv), 4)
    (0.5708, -0.8825)
    """
    v.require_callable("grad_E", grad_E)
    theta = _state("theta", theta)
    v_ = _state("v_", v_, like=theta)
    v.require_shape("v_", v_, tuple(theta.shape), match="theta")
    eta = v.require_positive_scalar("eta", eta)
    L = v.require_int("L", L, minimum=1)
    M_inv = _mass(M_inv, theta)
    for _ in range(L):
        theta, v_ = theta + eta * _velocity(v_, M_inv), v_ - eta * grad_E(theta)
    return theta, v_


def hmc_random_numbers(n_iter: int, n_chains: int, d: int, L_range: tuple[int, int],
                       generator: torch.Generator, dtype=torch.float64) -> dict[str, torch.Tensor]:
    r"""Every random number HMC chains consume, drawn up front: momenta :math:`v\sim\mathcal N(0,I)`
    ``(n_iter, C, d)``, path lengths :math:`L\sim\mathrm{Unif}\{L_{lo},\dots,L_{hi}\}` ``(n_iter, C)`` and
    uniforms for the accept step ``(n_iter, C)``. Slicing chain ``c`` out of them gives the numbers that
    chain sees, so a batch of chains and one chain at a time produce the same samples.

    >>> r = hmc_random_numbers(3, 2, 4, (5, 24), torch.Generator().manual_seed(0))
    >>> tuple(r["momenta"].shape), bool(((r["L"] >= 5) & (r["L"] <= 24)).all())
    ((3, 2, 4), True)
    """
    n_iter, n_chains = v.require_int("n_iter", n_iter, minimum=1), v.require_int("n_chains", n_chains, minimum=1)
    d = v.require_int("d", d, minimum=1)
    if not (isinstance(L_range, (tuple, list)) and len(L_range) == 2):
        raise ValueError(f"L_range must be a pair (L_lo, L_hi), got {L_range!r}")
    lo, hi = (v.require_int("L_range", L, minimum=1) for L in L_range)
    if hi < lo:
        raise ValueError(f"L_range must have L_lo <= L_hi, got {L_range!r}")
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    v.require_dtype("dtype", dtype)
    return {"momenta": torch.randn((n_iter, n_chains, d), generator=generator, dtype=dtype),
            "L": torch.randint(lo, hi + 1, (n_iter, n_chains), generator=generator),
            "uniforms": torch.rand((n_iter, n_chains), generator=generator, dtype=dtype)}


def hmc_chains(E: Callable, grad_E: Callable, theta0, eta: float, randoms: dict,
               integrator: str = "leapfrog") -> tuple[torch.Tensor, torch.Tensor]:
    r"""Hamiltonian Monte Carlo on a batch of chains (identity mass matrix).

    Each iteration draws :math:`v\sim\mathcal N(0,I)`, integrates Hamilton's equations for :math:`L` steps
    and accepts :math:`(\theta',v')` with probability :math:`\min\{1,e^{-H(\theta',v')+H(\theta,v)}\}`.

    Book label: ``bayes.hmc-leapfrog``. ``theta0`` : ``(C, d)``; ``randoms`` : from
    :func:`hmc_random_numbers` (its chain axis must match); ``integrator`` : ``"leapfrog"`` (correct) or
    ``"euler"`` (:func:`explicit_euler`, for contrast). Chains with different :math:`L` run in one batch:
    a chain stops moving once its own :math:`L` steps are done. Returns samples ``(n_iter, C, d)`` and the
    acceptance rate of each chain ``(C,)``.

    >>> E, gE = (lambda t: (t**2).sum(-1) / 2), (lambda t: t)
    >>> r = hmc_random_numbers(2000, 4, 2, (5, 10), torch.Generator().manual_seed(0))
    >>> xs, acc = hmc_chains(E, gE, torch.zeros(4, 2, dtype=torch.float64), 0.2, r)
    >>> round(float(xs.var()), 1), bool(acc.min() > 0.95)
    (1.0, True)
    """
    v.require_callable("E", E)
    v.require_callable("grad_E", grad_E)
    theta = _state("theta0", theta0).clone()
    eta = v.require_positive_scalar("eta", eta)
    v.require_choice("integrator", integrator, ("leapfrog", "euler"))
    if not isinstance(randoms, dict) or set(randoms) != {"momenta", "L", "uniforms"}:
        raise ValueError(f"randoms must be the dict of hmc_random_numbers, got {type(randoms).__name__}")
    momenta = randoms["momenta"].to(dtype=theta.dtype, device=theta.device)
    v.require_shape("randoms['momenta']", momenta, (None, *theta.shape), match="theta0")
    Ls, uniforms = randoms["L"].to(theta.device), randoms["uniforms"].to(dtype=theta.dtype, device=theta.device)
    n_iter, C = momenta.shape[:2]
    out = torch.empty((n_iter, *theta.shape), dtype=theta.dtype, device=theta.device)
    accepted = torch.zeros(C, dtype=theta.dtype, device=theta.device)
    for t in range(n_iter):
        v0, L = momenta[t], Ls[t]
        H0 = E(theta) + 0.5 * (v0**2).sum(-1)
        th, vv = theta, v0
        if integrator == "leapfrog":
            vv = vv - 0.5 * eta * grad_E(th)
        for step in range(int(L.max())):
            live = (step < L)[:, None]                             # (C, 1): chains still integrating
            if integrator == "leapfrog":
                th_new = th + eta * vv
                kick = torch.where((step < L - 1)[:, None], eta, 0.5 * eta)
                vv_new = vv - kick * grad_E(th_new)
            else:
                th_new, vv_new = th + eta * vv, vv - eta * grad_E(th)
            th, vv = torch.where(live, th_new, th), torch.where(live, vv_new, vv)
        H1 = E(th) + 0.5 * (vv**2).sum(-1)
        accept = uniforms[t] < torch.exp(torch.clamp(H0 - H1, max=0.0))
        accept &= torch.isfinite(H1)
        theta = torch.where(accept[:, None], th, theta)
        accepted += accept
        out[t] = theta
    return out, accepted / n_iter


def langevin_overdamped(grad_f: Callable, x0, eta: float, n_steps: int, generator: torch.Generator) -> torch.Tensor:
    r"""The unadjusted Langevin algorithm: gradient descent plus Gaussian noise of variance :math:`2\eta`.

    .. math:: x_{t+1}=x_t-\eta\nabla f(x_t)+\sqrt{2\eta}\,\xi_t,\qquad\xi_t\sim\mathcal N(0,I)

    Book label: ``bayes.langevin-overdamped``. Approximately samples :math:`p\propto e^{-f}` (bias
    :math:`O(\eta)`; adding a Metropolis step gives MALA). ``x0`` : ``(C, d)``. Returns ``(n_steps, C, d)``.

    >>> xs = langevin_overdamped(lambda x: x, torch.zeros(200, 1), 0.1, 2000, torch.Generator().manual_seed(0))
    >>> round(float(xs[500:].var()), 2)                                 # exact: 1/(1 - η/2) = 1.0526
    1.05
    """
    v.require_callable("grad_f", grad_f)
    x = _state("x0", x0).clone()
    eta = v.require_positive_scalar("eta", eta)
    n_steps = v.require_int("n_steps", n_steps, minimum=1)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    out = torch.empty((n_steps, *x.shape), dtype=x.dtype, device=x.device)
    scale = (2 * eta) ** 0.5
    for t in range(n_steps):
        xi = torch.randn(x.shape, generator=generator, dtype=x.dtype).to(x.device)
        x = x - eta * grad_f(x) + scale * xi
        out[t] = x
    return out


def langevin_underdamped(grad_E: Callable, theta0, v0, eta: float, beta: float, n_steps: int,
                         generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Underdamped Langevin dynamics (Hamiltonian dynamics with friction and matched noise), Euler–Maruyama.

    .. math:: d\theta=v\,dt,\quad dv=-\nabla E(\theta)\,dt-\beta v\,dt+\sqrt{2\beta}\,dW_t;\qquad
              \theta_{t+1}=\theta_t+\eta v_t,\quad v_{t+1}=(1-\eta\beta)v_t-\eta\nabla E(\theta_t)+\sqrt{2\beta\eta}\,\xi_t

    Book label: ``bayes.langevin-underdamped``. The continuous dynamics leave
    :math:`e^{-E(\theta)-\|v\|^2/2}` invariant; the discretisation is biased by :math:`O(\eta)`. With a
    minibatch estimate of :math:`\nabla E` this is SGHMC. ``theta0``, ``v0`` : ``(C, d)``. Returns the
    positions and momenta, each ``(n_steps, C, d)``.

    >>> th, vv = langevin_underdamped(lambda t: t, torch.zeros(200, 1), torch.zeros(200, 1), 0.05, 1.0, 3000,
    ...                               torch.Generator().manual_seed(0))
    >>> round(float(th[1000:].var()), 1), round(float(vv[1000:].var()), 1)
    (1.1, 1.1)
    """
    v.require_callable("grad_E", grad_E)
    theta = _state("theta0", theta0).clone()
    v_ = _state("v0", v0, like=theta).clone()
    v.require_shape("v0", v_, tuple(theta.shape), match="theta0")
    eta, beta = v.require_positive_scalar("eta", eta), v.require_positive_scalar("beta", beta)
    if eta * beta >= 2:
        raise ValueError(f"eta * beta must be below 2 for a stable friction step, got eta={eta!r}, beta={beta!r}")
    n_steps = v.require_int("n_steps", n_steps, minimum=1)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    ths = torch.empty((n_steps, *theta.shape), dtype=theta.dtype, device=theta.device)
    vs = torch.empty_like(ths)
    scale = (2 * beta * eta) ** 0.5
    for t in range(n_steps):
        xi = torch.randn(theta.shape, generator=generator, dtype=theta.dtype).to(theta.device)
        theta, v_ = theta + eta * v_, (1 - eta * beta) * v_ - eta * grad_E(theta) + scale * xi
        ths[t], vs[t] = theta, v_
    return ths, vs
