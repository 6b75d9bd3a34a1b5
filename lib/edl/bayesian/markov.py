r"""Markov chains that sample a posterior: detailed balance, stationarity, Metropolis–Hastings, Gibbs
sampling, conductance and mixing, and simulated tempering.

Chapter 9, part 2, "Markov chain Monte Carlo" (book labels ``bayes.detailed-balance`` …
``bayes.tempering``). A finite chain is a row-stochastic matrix :math:`T` (:math:`T_{ij}` the probability
of moving from state :math:`i` to :math:`j`), a distribution a row vector :math:`\pi`. Samplers take a
``torch.Generator`` and run a batch of independent chains at once (the first axis of the state).
"""

import itertools
from collections.abc import Callable

import torch

from edl.core import validate as v


def _tensor(name, value, like=None, ndim=None):
    t = v.as_float_tensor(name, value, like=like)
    if ndim is not None:
        v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _stochastic(name, T):
    T = _tensor(name, T, ndim=2)
    if T.shape[0] != T.shape[1]:
        raise ValueError(f"{name} must be a square matrix, got shape {tuple(T.shape)}")
    v.require_distribution(name, T, atol=1e-9)
    return T


def _target(name, pi, like=None):
    pi = _tensor(name, pi, like=like, ndim=1)
    v.require_positive(name, pi)
    return pi


def metropolis_hastings_matrix(b, Q) -> torch.Tensor:
    r"""The transition matrix of Metropolis–Hastings on a finite state space.

    .. math:: T_{ij}=Q_{ij}\min\Big\{1,\frac{b_jQ_{ji}}{b_iQ_{ij}}\Big\}\ (j\ne i),\qquad T_{ii}=1-\sum_{j\ne i}T_{ij}

    Book label: ``bayes.metropolis-hastings``. ``b`` : ``(n,)`` positive target weights, :math:`b\propto\pi`
    (the normaliser cancels); ``Q`` : ``(n, n)`` row-stochastic proposal with :math:`Q_{ij}>0\iff Q_{ji}>0`.
    A rejected proposal leaves the chain where it is (the diagonal).

    >>> metropolis_hastings_matrix([1.0, 3.0], [[0.5, 0.5], [0.5, 0.5]]).numpy().round(6).tolist()
    [[0.5, 0.5], [0.166667, 0.833333]]
    """
    b = _target("b", b)
    Q = _stochastic("Q", Q)
    v.require_shape("Q", Q, (len(b), len(b)), match="b")
    if ((Q > 0) != (Q.T > 0)).any():
        raise ValueError("Q must propose j from i exactly when it proposes i from j (Q_ij > 0 iff Q_ji > 0)")
    ratio = (b[None, :] * Q.T) / (b[:, None] * Q).clamp_min(torch.finfo(Q.dtype).tiny)
    T = Q * torch.clamp(ratio, max=1.0)
    T.fill_diagonal_(0.0)
    return T + torch.diag(1.0 - T.sum(1))


def detailed_balance_gap(pi, T) -> torch.Tensor:
    r"""The largest violation of detailed balance, :math:`\max_{i,j}|\pi_iT_{ij}-\pi_jT_{ji}|`.

    .. math:: \pi_iT_{ij}=\pi_jT_{ji}\ \forall i,j\quad\Longrightarrow\quad\sum_i\pi_iT_{ij}=\pi_j\sum_iT_{ji}=\pi_j

    Book label: ``bayes.detailed-balance``. ``pi`` : ``(n,)``; ``T`` : ``(n, n)`` row-stochastic. Zero means
    the chain is reversible with respect to :math:`\pi`, which is then stationary.

    >>> float(detailed_balance_gap([0.25, 0.75], [[0.5, 0.5], [1 / 6, 5 / 6]]))
    0.0
    """
    pi = _tensor("pi", pi, ndim=1)
    v.require_distribution("pi", pi)
    T = _stochastic("T", T)
    v.require_shape("T", T, (len(pi), len(pi)), match="pi")
    flow = pi[:, None] * T                       # (n, n): probability flow i → j
    return (flow - flow.T).abs().max()


def stationary_distribution(T) -> torch.Tensor:
    r"""The stationary distribution of an irreducible finite chain: the unique solution of :math:`\pi T=\pi`,
    :math:`\sum_i\pi_i=1`.

    Book label: ``bayes.stationary-distribution``. Solved as a linear system (the balance equations with
    one replaced by the normalisation), which has a unique solution exactly when the chain has a single
    closed class; a reducible chain with several is refused. Irreducibility is what makes :math:`\pi`
    unique; aperiodicity is what makes :math:`P(X_n=\cdot)\to\pi`.

    >>> stationary_distribution([[0.0, 1.0], [1.0, 0.0]]).tolist()
    [0.5, 0.5]
    """
    T = _stochastic("T", T)
    n = T.shape[0]
    A = (T - torch.eye(n, dtype=T.dtype, device=T.device)).T      # (n, n): A π = 0
    A[-1] = 1.0
    rhs = torch.zeros(n, dtype=T.dtype, device=T.device)
    rhs[-1] = 1.0
    if torch.linalg.matrix_rank(A) < n:
        raise ValueError("T must be irreducible (a single closed class): its stationary distribution is not unique")
    return torch.linalg.solve(A, rhs)


def conductance(pi, T, S) -> torch.Tensor:
    r"""The conductance of a set of states: the probability flow out of it per unit of its mass.

    .. math:: \Phi(S)=\frac{\sum_{i\in S,\,j\notin S}\pi_iT_{ij}}{\sum_{i\in S}\pi_i}

    Book label: ``bayes.mixing-conductance``. ``pi`` : ``(n,)`` stationary distribution; ``T`` :
    ``(n, n)``; ``S`` : boolean mask ``(n,)`` of a non-empty proper subset.

    >>> round(float(conductance([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]], [True, False])), 6)
    0.1
    """
    pi = _tensor("pi", pi, ndim=1)
    v.require_distribution("pi", pi)
    T = _stochastic("T", T)
    v.require_shape("T", T, (len(pi), len(pi)), match="pi")
    if not isinstance(S, (torch.Tensor, list, tuple)):
        raise ValueError(f"S must be a boolean mask of shape {tuple(pi.shape)}, got {S!r}")
    try:
        S = torch.as_tensor(S)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"S must be a boolean mask of shape {tuple(pi.shape)}, got {S!r}") from err
    if S.dtype != torch.bool or S.shape != pi.shape:
        raise ValueError(f"S must be a boolean mask of shape {tuple(pi.shape)}, got {S.tolist()}")
    if not S.any() or S.all():
        raise ValueError(f"S must be a non-empty proper subset of the states, got {S.tolist()}")
    S = S.to(pi.device)
    out = (pi[S, None] * T[S][:, ~S]).sum()
    return out / pi[S].sum()


def min_conductance(pi, T) -> torch.Tensor:
    r"""The conductance of the chain, :math:`\Phi^*=\min_{0<\pi(S)\le1/2}\Phi(S)`, by enumerating every subset.

    Book label: ``bayes.mixing-conductance``. For a reversible chain Cheeger's inequality sandwiches the
    spectral gap, :math:`\tfrac12\Phi^{*2}\le1-\lambda_2\le2\Phi^*`. At most 16 states.

    >>> round(float(min_conductance([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]])), 6)
    0.1
    """
    pi = _tensor("pi", pi, ndim=1)
    if len(pi) > 16:
        raise ValueError(f"pi must have at most 16 states for enumeration, got {len(pi)}")
    v.require_distribution("pi", pi)
    T = _stochastic("T", T)
    v.require_shape("T", T, (len(pi), len(pi)), match="pi")
    masks = torch.tensor(list(itertools.product((0.0, 1.0), repeat=len(pi))), dtype=pi.dtype, device=pi.device)
    mass = masks @ pi                                                           # π(S) of every subset
    keep = (mass > 0) & (mass <= 0.5 + 1e-12) & (masks.sum(1) < len(pi))
    if not keep.any():
        raise ValueError(f"pi must give some proper subset mass at most 1/2, got {pi.tolist()}")
    masks, mass = masks[keep], mass[keep]
    out = torch.einsum("ki,ij,kj->k", masks * pi, T, 1 - masks)               # flow out of each S
    return (out / mass).min()


def spectral_gap(pi, T) -> torch.Tensor:
    r"""The spectral gap :math:`1-\lambda_2` of a chain reversible with respect to :math:`\pi`.

    Book label: ``bayes.mixing-conductance``. :math:`D^{1/2}TD^{-1/2}` with :math:`D=\mathrm{diag}(\pi)` is
    symmetric for a reversible chain and has the eigenvalues of :math:`T`; :math:`\lambda_2` is the second
    largest.

    >>> round(float(spectral_gap([0.5, 0.5], [[0.9, 0.1], [0.1, 0.9]])), 6)
    0.2
    """
    pi = _tensor("pi", pi, ndim=1)
    v.require_positive("pi", pi)
    T = _stochastic("T", T)
    v.require_shape("T", T, (len(pi), len(pi)), match="pi")
    if float(detailed_balance_gap(pi / pi.sum(), T)) > 1e-10:
        raise ValueError("T must be reversible with respect to pi (detailed balance fails)")
    d = pi.sqrt()
    A = d[:, None] * T / d[None, :]
    lam = torch.linalg.eigvalsh((A + A.T) / 2)
    return 1.0 - lam[-2]


def mh_log_ratio(log_target: Callable, log_q: Callable, x, x_new) -> torch.Tensor:
    r"""The log Metropolis–Hastings ratio of a proposed move :math:`x\to x'`.

    .. math:: \log\frac{p(x')\,\tilde\Pi(x\mid x')}{p(x)\,\tilde\Pi(x'\mid x)},\qquad A(x'\mid x)=\min\{1,e^{\text{ratio}}\}

    Book label: ``bayes.metropolis-hastings``. ``log_target(x)`` : unnormalised log density, per chain;
    ``log_q(to, frm)`` : log proposal density of ``to`` given ``frm``; ``x``, ``x_new`` : ``(C, d)``.

    >>> lp = lambda z: -0.5 * (z**2).sum(-1)
    >>> lq = lambda to, frm: torch.zeros(len(to), dtype=to.dtype)
    >>> [round(r, 6) for r in mh_log_ratio(lp, lq, torch.tensor([[0.0]]), torch.tensor([[1.0]])).tolist()]
    [-0.5]
    """
    v.require_callable("log_target", log_target)
    v.require_callable("log_q", log_q)
    x = _tensor("x", x, ndim=2)
    x_new = _tensor("x_new", x_new, like=x, ndim=2)
    v.require_shape("x_new", x_new, tuple(x.shape), match="x")
    return log_target(x_new) + log_q(x, x_new) - log_target(x) - log_q(x_new, x)


def metropolis_hastings(log_target: Callable, x0, propose: Callable, log_q: Callable | None, n_steps: int,
                        generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Run Metropolis–Hastings chains: propose :math:`x'\sim\tilde\Pi(\cdot\mid x)`, accept with probability
    :math:`\min\{1,\frac{p(x')\tilde\Pi(x\mid x')}{p(x)\tilde\Pi(x'\mid x)}\}`, else stay at :math:`x`.

    Book label: ``bayes.metropolis-hastings``. ``x0`` : ``(C, d)``, one row per chain; ``propose(x, g)`` :
    proposals ``(C, d)``; ``log_q`` : as in :func:`mh_log_ratio`, or ``None`` for a symmetric proposal.
    Returns the states ``(n_steps, C, d)`` and the acceptance rate of each chain ``(C,)``.

    >>> g = torch.Generator().manual_seed(0)
    >>> walk = lambda x, g: x + torch.randn(x.shape, generator=g, dtype=x.dtype)
    >>> xs, acc = metropolis_hastings(lambda z: -0.5 * (z**2).sum(-1), torch.zeros(2, 1), walk, None, 5000, g)
    >>> xs.shape, bool(abs(float(xs.mean())) < 0.1), bool(0.6 < float(acc.mean()) < 0.8)
    (torch.Size([5000, 2, 1]), True, True)
    """
    v.require_callable("log_target", log_target)
    v.require_callable("propose", propose)
    if log_q is not None:
        v.require_callable("log_q", log_q)
    x = _tensor("x0", x0, ndim=2).clone()
    n_steps = v.require_int("n_steps", n_steps, minimum=1)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    lp = log_target(x)
    out = torch.empty((n_steps, *x.shape), dtype=x.dtype, device=x.device)
    accepted = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    for t in range(n_steps):
        x_new = propose(x, generator)
        lp_new = log_target(x_new)
        log_ratio = lp_new - lp
        if log_q is not None:
            log_ratio = log_ratio + log_q(x, x_new) - log_q(x_new, x)
        u = torch.rand(x.shape[0], generator=generator, dtype=x.dtype, device=x.device)
        accept = torch.log(u) < log_ratio                         # u < min(1, ratio)
        x = torch.where(accept[:, None], x_new, x)
        lp = torch.where(accept, lp_new, lp)
        accepted += accept
        out[t] = x
    return out, accepted / n_steps


def gibbs_bivariate_normal(rho: float, n_sweeps: int, x0, generator: torch.Generator) -> torch.Tensor:
    r"""Gibbs sampling of a standard bivariate Gaussian with correlation :math:`\rho`: each sweep draws
    :math:`x_1\sim p(x_1\mid x_2)=\mathcal N(\rho x_2,1-\rho^2)`, then :math:`x_2\sim\mathcal N(\rho x_1,1-\rho^2)`.

    Book label: ``bayes.gibbs-sampling``. Each update is Metropolis–Hastings with the full conditional as
    proposal, whose acceptance ratio is exactly 1. ``x0`` : ``(C, 2)`` starting points of ``C`` chains.
    Returns ``(n_sweeps, C, 2)``.

    >>> g = torch.Generator().manual_seed(0)
    >>> xs = gibbs_bivariate_normal(0.5, 20000, torch.zeros(1, 2), g)
    >>> round(float((xs[:, 0, 0] * xs[:, 0, 1]).mean()), 1)
    0.5
    """
    rho = v.require_scalar("rho", rho)
    if not -1 < rho < 1:
        raise ValueError(f"rho must lie in (-1, 1), got {rho!r}")
    n_sweeps = v.require_int("n_sweeps", n_sweeps, minimum=1)
    x = _tensor("x0", x0, ndim=2).clone()
    v.require_shape("x0", x, (None, 2))
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    sd = (1 - rho**2) ** 0.5
    noise = torch.randn((n_sweeps, 2, x.shape[0]), generator=generator, dtype=x.dtype).to(x.device)
    out = torch.empty((n_sweeps, *x.shape), dtype=x.dtype, device=x.device)
    for t in range(n_sweeps):
        x[:, 0] = rho * x[:, 1] + sd * noise[t, 0]
        x[:, 1] = rho * x[:, 0] + sd * noise[t, 1]
        out[t] = x
    return out


def tempering_log_accept(log_p_tilde: Callable, x, k, k_new, log_Z) -> torch.Tensor:
    r"""Log acceptance ratio of a level move :math:`k\to k'` of simulated tempering at a fixed state :math:`x`.

    .. math:: A=\min\Big\{1,\frac{\tilde p_{k'}(x)\,Z_k}{\tilde p_k(x)\,Z_{k'}}\Big\}=\min\Big\{1,\frac{p_{k'}(x)}{p_k(x)}\Big\},
              \qquad\tilde p_k(x)=e^{-f(x)/c_k}

    Book label: ``bayes.tempering``. ``log_p_tilde(x, k)`` : :math:`-f(x)/c_k` for integer level tensors
    ``k``; ``x`` : ``(C,)``; ``k``, ``k_new`` : ``(C,)`` integer levels; ``log_Z`` : ``(K,)`` log normalisers.

    >>> lpt = lambda x, k: -x**2 / torch.tensor([1.0, 4.0], dtype=x.dtype)[k]
    >>> [round(a, 6) for a in tempering_log_accept(lpt, torch.tensor([1.0]), torch.tensor([0]), torch.tensor([1]),
    ...                                           torch.log(torch.tensor([1.0, 2.0]))).tolist()]
    [0.056853]
    """
    v.require_callable("log_p_tilde", log_p_tilde)
    x = _tensor("x", x, ndim=1)
    log_Z = _tensor("log_Z", log_Z, like=x, ndim=1)
    levels = {}
    for name, t in (("k", k), ("k_new", k_new)):
        if not isinstance(t, (torch.Tensor, list, tuple)):
            raise ValueError(f"{name} must be a tensor of integer levels, got {t!r}")
        try:
            t = levels[name] = torch.as_tensor(t, device=x.device)
        except (TypeError, ValueError, RuntimeError) as err:
            raise ValueError(f"{name} must be a tensor of integer levels, got {t!r}") from err
        if t.dtype not in (torch.int32, torch.int64) or t.shape != x.shape or (t < 0).any() or (t >= len(log_Z)).any():
            raise ValueError(f"{name} must hold integer levels in [0, {len(log_Z) - 1}] of x's shape, got {t.tolist()}")
    k, k_new = levels["k"], levels["k_new"]
    return log_p_tilde(x, k_new) - log_Z[k_new] - log_p_tilde(x, k) + log_Z[k]


def simulated_tempering(f: Callable, c, log_Z, x0, n_steps: int, step: float,
                        generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Simulated tempering on :math:`(x,k)` with levels :math:`p_k(x)\propto e^{-f(x)/c_k}`, :math:`1=c_1<\dots<c_K`.

    Book label: ``bayes.tempering``. Each step makes a random-walk Metropolis move of :math:`x` (step
    ``step``) at the current level, then with probability ½ proposes a neighbouring level :math:`k\pm1` and
    accepts it with :func:`tempering_log_accept`. ``f`` : energy of 1-D states ``(C,)``; ``c`` : ``(K,)``
    temperatures; ``log_Z`` : ``(K,)`` log normalisers of :math:`e^{-f/c_k}`; ``x0`` : ``(C,)``. The stationary
    law is :math:`P(x,k)=p_k(x)/K`. Returns states ``(n_steps, C)`` and levels ``(n_steps, C)``.

    >>> g = torch.Generator().manual_seed(1)
    >>> c = torch.tensor([1.0, 2.0], dtype=torch.float64)
    >>> log_Z = 0.5 * torch.log(2 * torch.pi * c)                  # Z_k of e^{-x²/(2 c_k)}
    >>> xs, ks = simulated_tempering(lambda x: x**2 / 2, c, log_Z, torch.zeros(4), 4000, 1.0, g)
    >>> round(float((ks == 0).double().mean()), 1)
    0.5
    """
    v.require_callable("f", f)
    c = _tensor("c", c, ndim=1)
    v.require_positive("c", c)
    log_Z = _tensor("log_Z", log_Z, like=c, ndim=1)
    v.require_shape("log_Z", log_Z, (len(c),), match="c")
    x = _tensor("x0", x0, like=c, ndim=1).clone()
    n_steps = v.require_int("n_steps", n_steps, minimum=1)
    step = v.require_positive_scalar("step", step)
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    K, C = len(c), len(x)

    def log_p_tilde(z, level):
        return -f(z) / c[level]

    k = torch.zeros(C, dtype=torch.int64, device=x.device)
    xs = torch.empty((n_steps, C), dtype=x.dtype, device=x.device)
    ks = torch.empty((n_steps, C), dtype=torch.int64, device=x.device)
    for t in range(n_steps):
        r = torch.rand((4, C), generator=generator, dtype=x.dtype).to(x.device)
        z = torch.randn(C, generator=generator, dtype=x.dtype).to(x.device)
        x_new = x + step * z
        accept = torch.log(r[0]) < log_p_tilde(x_new, k) - log_p_tilde(x, k)
        x = torch.where(accept, x_new, x)
        k_new = k + torch.where(r[1] < 0.5, -1, 1)
        valid = (r[2] < 0.5) & (k_new >= 0) & (k_new < K)
        k_try = torch.where(valid, k_new, k)
        move = valid & (torch.log(r[3]) < tempering_log_accept(log_p_tilde, x, k, k_try, log_Z))
        k = torch.where(move, k_try, k)
        xs[t], ks[t] = x, k
    return xs, ks
