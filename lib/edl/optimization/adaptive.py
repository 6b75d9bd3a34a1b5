r"""Adaptive and geometry-aware optimisers: pure step functions and small ``torch.optim`` look-alikes.

Chapter 3, section "Adaptive and geometry-aware methods" (``adaptive.*``): AdaGrad, RMSprop, Adam and
AMSGrad, sign steps, preconditioning and Muon. Each update rule is a pure function (state in, state
out) whose docstring states the formula; the classes :class:`Adagrad`, :class:`RMSprop`, :class:`Adam`,
:class:`SignSGD` and :class:`Muon` wrap those functions behind the ``torch.optim.Optimizer`` interface
and keep PyTorch's argument names, so a test can run them side by side with ``torch.optim``. Heavy
ball, Nesterov and their :class:`~edl.optimization.momentum.SGD` are in :mod:`edl.optimization.momentum`.

Symbols → arguments: step size :math:`\eta` → ``lr``; Adam's :math:`(\beta_1,\beta_2)` → ``betas``;
RMSprop's decay :math:`\alpha` → ``alpha``; :math:`\varepsilon` → ``eps``; step counter :math:`t` →
``step`` (1-based).
"""

import math

import torch

from edl.core import validate as v
from edl.optimization.momentum import PerParameter, _decay, _float, _fraction, _lr, _state


def _eps(eps, strict=False):
    return v.require_positive_scalar("eps", eps, strict=strict)


def _moment(name, t):
    v.require_positive(name, t, strict=False)  # a running mean or sum of squares
    return t


def _betas(betas):
    try:
        if isinstance(betas, (str, bytes)):
            raise TypeError
        beta1, beta2 = betas
    except (TypeError, ValueError) as err:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {v._show(betas)}") from err
    return _fraction("betas[0]", beta1), _fraction("betas[1]", beta2)


def _coefficients(coefficients, name="coefficients"):
    t = _float(name, coefficients)
    v.require_shape(name, t, (3,))
    return tuple(float(c) for c in t)


# --- adaptive methods -----------------------------------------------------------------------------

def adagrad_step(theta, grad, sum_sq, lr: float, eps: float = 1e-10) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One AdaGrad step (PyTorch's placement of :math:`\varepsilon`).

    .. math:: \boldsymbol\gamma_t=\boldsymbol\gamma_{t-1}+\nabla f(\boldsymbol\theta_t)^{\odot2},\qquad
              \boldsymbol\theta_{t+1}=\boldsymbol\theta_t-\frac{\eta}{\sqrt{\boldsymbol\gamma_t}+\varepsilon}\odot\nabla f(\boldsymbol\theta_t)

    Book label: ``adaptive.adagrad`` (Duchi, Hazan and Singer 2011). ``grad`` is evaluated at the
    current iterate :math:`\boldsymbol\theta_t`; ``sum_sq`` : :math:`\boldsymbol\gamma_{t-1}`.
    Returns ``(theta_next, sum_sq_next)``.

    >>> [t.tolist() for t in adagrad_step([1.0], [2.0], [0.0], 0.1, eps=0.0)]  # first step moves η·sign(g)
    [[0.9], [4.0]]
    """
    theta, grad, sum_sq = _state("theta", theta, grad=grad, sum_sq=sum_sq)
    lr, eps, sum_sq = _lr(lr), _eps(eps), _moment("sum_sq", sum_sq) + grad * grad
    return theta - lr * grad / (sum_sq.sqrt() + eps), sum_sq


def rmsprop_step(theta, grad, square_avg, lr: float, alpha: float = 0.99,
                 eps: float = 1e-8) -> tuple[torch.Tensor, torch.Tensor]:
    r"""One RMSprop step: AdaGrad with an exponential moving average in place of the running sum.

    .. math:: \mathbf v_t=\alpha\mathbf v_{t-1}+(1-\alpha)\mathbf g_t^{\odot2},\qquad
              \boldsymbol\theta_{t+1}=\boldsymbol\theta_t-\frac{\eta}{\sqrt{\mathbf v_t}+\varepsilon}\odot\mathbf g_t

    Book label: ``adaptive.rmsprop`` (Tieleman and Hinton 2012). Returns ``(theta_next, square_avg_next)``.

    >>> [round(x, 6) for x in rmsprop_step([0.0], [1.0], [0.0], 0.1, 0.99, 0.0)[0].tolist()]  # -η/√(1-α)
    [-1.0]
    """
    theta, grad, square_avg = _state("theta", theta, grad=grad, square_avg=square_avg)
    lr, alpha, eps = _lr(lr), _fraction("alpha", alpha), _eps(eps)
    square_avg = alpha * _moment("square_avg", square_avg) + (1 - alpha) * grad * grad
    return theta - lr * grad / (square_avg.sqrt() + eps), square_avg


def adam_step(theta, grad, exp_avg, exp_avg_sq, step: int, lr: float = 1e-3,
              betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8, max_exp_avg_sq=None):
    r"""One Adam step with bias correction (AMSGrad when ``max_exp_avg_sq`` is given).

    .. math:: \mathbf m_t=\beta_1\mathbf m_{t-1}+(1-\beta_1)\mathbf g_t,\quad
              \mathbf v_t=\beta_2\mathbf v_{t-1}+(1-\beta_2)\mathbf g_t^{\odot2},\quad
              \hat{\mathbf m}_t=\frac{\mathbf m_t}{1-\beta_1^t},\quad\hat{\mathbf v}_t=\frac{\mathbf v_t}{1-\beta_2^t},\quad
              \boldsymbol\theta_{t+1}=\boldsymbol\theta_t-\eta\frac{\hat{\mathbf m}_t}{\sqrt{\hat{\mathbf v}_t}+\varepsilon}

    Book label: ``adaptive.adam`` (Kingma and Ba 2015). AMSGrad (Reddi, Kale and Kumar 2018) uses the
    running maximum :math:`\max(\mathbf v_{\max},\mathbf v_t)` in place of :math:`\mathbf v_t`.
    ``exp_avg``, ``exp_avg_sq`` : :math:`\mathbf m_{t-1},\mathbf v_{t-1}`; ``step`` : :math:`t\ge1`.
    Returns ``(theta_next, m_t, v_t, max_exp_avg_sq_next)`` (the last is None without AMSGrad).

    >>> theta, m, v_, _ = adam_step([0.0], [3.0], [0.0], [0.0], 1, lr=0.1, eps=0.0)
    >>> round(float(theta), 12), round(float(m), 12), round(float(v_), 12)  # m̂₁ = g, v̂₁ = g²: the first step is η
    (-0.1, 0.3, 0.009)
    """
    theta, grad, exp_avg, exp_avg_sq = _state("theta", theta, grad=grad, exp_avg=exp_avg, exp_avg_sq=exp_avg_sq)
    step = v.require_int("step", step, minimum=1)
    (beta1, beta2), lr, eps = _betas(betas), _lr(lr), _eps(eps)
    m = beta1 * exp_avg + (1 - beta1) * grad
    s = beta2 * _moment("exp_avg_sq", exp_avg_sq) + (1 - beta2) * grad * grad
    if max_exp_avg_sq is not None:
        max_exp_avg_sq = torch.maximum(_moment("max_exp_avg_sq", _state("theta", theta, max_exp_avg_sq=max_exp_avg_sq)[1]), s)
        second = max_exp_avg_sq
    else:
        second = s
    m_hat = m / (1 - beta1**step)
    v_hat = second / (1 - beta2**step)
    return theta - lr * m_hat / (v_hat.sqrt() + eps), m, s, max_exp_avg_sq


def sign_step(theta, grad, lr: float) -> torch.Tensor:
    r"""signSGD step :math:`\boldsymbol\theta-\eta\operatorname{sign}(\mathbf g)`; see :func:`edl.optimization.stochastic.sign_sgd_step`.

    Book label: ``sgd.signsgd``.

    >>> sign_step([0.0, 0.0], [2.0, -3.0], 0.5).tolist()
    [-0.5, 0.5]
    """
    theta, grad = _state("theta", theta, grad=grad)
    return theta - _lr(lr) * torch.sign(grad)


def adagrad_iterations(H, x0, lrs, *, tol: float = 1e-8, max_iter: int = 5000, eps: float = 1e-10) -> torch.Tensor:
    r"""Fewest AdaGrad iterations, over a grid of step sizes, until :math:`f\le\text{tol}\cdot f_0` on quadratics.

    :math:`f=\frac12\mathbf x^\top H\mathbf x`. ``H`` : Hessians, shape (B, d, d); ``x0`` : (d,);
    ``lrs`` : candidate step sizes, shape (m,). All (B, m) runs go in one batch; the count of a row is
    the first iteration at which any of its step sizes reaches the tolerance (``max_iter`` if none).
    Returns shape (B,). Book label: ``adaptive.adagrad``.

    >>> int(adagrad_iterations(torch.eye(2, dtype=torch.float64)[None], [1.0, 1.0], [0.5, 1.0])[0])  # one exact step
    1
    """
    H = _float("H", H)
    v.require_ndim("H", H, 3)
    if H.shape[-1] != H.shape[-2] or not torch.allclose(H, H.transpose(-1, -2)) or \
            (torch.linalg.eigvalsh(H).amin(-1) < -1e-12 * H.abs().amax((-2, -1))).any():
        raise ValueError(f"H must hold symmetric positive semi-definite (d, d) matrices, got {v._show(H)}")
    lrs = _float("lrs", lrs, like=H)
    v.require_ndim("lrs", lrs, (0, 1))
    v.require_positive("lrs", lrs)
    lrs = lrs.reshape(1, -1, 1)
    tol, eps = v.require_probability("tol", tol, open_low=True, open_high=True), _eps(eps)
    max_iter = v.require_int("max_iter", max_iter, minimum=1)
    B, m = H.shape[0], lrs.shape[1]
    x = _float("x0", x0, like=H)
    v.require_shape("x0", x, (H.shape[-1],), match="H (B, d, d)")
    x = x.expand(B, m, H.shape[-1]).clone()  # (B, m, d)
    Ht = H.transpose(-1, -2).unsqueeze(1)  # (B, 1, d, d)
    grad = (x.unsqueeze(-2) @ Ht).squeeze(-2)  # H x, (B, m, d)
    f0 = 0.5 * (x * grad).sum(-1)
    sum_sq = torch.zeros_like(x)
    count = torch.full((B,), max_iter, dtype=torch.long, device=H.device)
    done = torch.zeros_like(count, dtype=torch.bool)
    for t in range(1, max_iter + 1):
        sum_sq = sum_sq + grad * grad  # adagrad_step, inlined for speed
        x = x - lrs * grad / (sum_sq.sqrt() + eps)
        grad = (x.unsqueeze(-2) @ Ht).squeeze(-2)
        reached = ((0.5 * (x * grad).sum(-1) <= tol * f0).any(-1)) & ~done
        if reached.any():
            count[reached] = t
            done |= reached
            if done.all():
                break
    return count


def adam_online_counterexample(C: float = 3.0, beta2: float = 0.1, num_steps: int = 30_000, *,
                               amsgrad: bool = False, beta1: float = 0.0, lr: float = 0.5,
                               return_path: bool = False):
    r"""Reddi, Kale and Kumar's (2018) online problem on which Adam converges to the worst point.

    .. math:: f_t(x)=\begin{cases}Cx,&t\bmod3=1\\-x,&\text{otherwise}\end{cases},\qquad x\in[-1,1],\qquad
              \eta_t=\frac{\text{lr}}{\sqrt t},\quad\varepsilon=0

    The average loss :math:`(C-2)x/3` is minimised at :math:`x=-1`. Adam (``amsgrad=False``) with
    :math:`\beta_2=1/(1+C^2)` drifts to :math:`x=+1`; AMSGrad's running maximum of :math:`\mathbf v`
    fixes it. Bias correction as in :func:`adam_step`; the iterate is projected onto :math:`[-1,1]`.
    Returns the final iterate (or, with ``return_path``, the list of all iterates). Book label: ``adaptive.adam``.

    >>> adam_online_counterexample(num_steps=3000) > 0.9, adam_online_counterexample(num_steps=3000, amsgrad=True) < -0.9
    (True, True)
    """
    C, lr = v.require_positive_scalar("C", C), _lr(lr)
    beta1, beta2 = _fraction("beta1", beta1), _fraction("beta2", beta2)
    amsgrad, return_path = v.require_bool("amsgrad", amsgrad), v.require_bool("return_path", return_path)
    num_steps = v.require_int("num_steps", num_steps, minimum=1)
    x, m, s, s_max, path = 0.0, 0.0, 0.0, 0.0, []
    for t in range(1, num_steps + 1):
        g = C if t % 3 == 1 else -1.0
        m = beta1 * m + (1 - beta1) * g
        s = beta2 * s + (1 - beta2) * g * g
        s_max = max(s_max, s)
        m_hat = m / (1 - beta1**t)
        v_hat = (s_max if amsgrad else s) / (1 - beta2**t)
        x = min(1.0, max(-1.0, x - lr / math.sqrt(t) * m_hat / math.sqrt(v_hat)))
        path.append(x)
    return path if return_path else x


# --- preconditioning and orthogonalised updates ---------------------------------------------------

def preconditioned_step(x, grad, A, lr: float) -> torch.Tensor:
    r"""Preconditioned gradient step :math:`\mathbf x_{k+1}=\mathbf x_k-\eta A^{-1}\nabla f(\mathbf x_k)`.

    Book label: ``adaptive.preconditioning``. ``A`` : SPD preconditioner (d, d).

    >>> preconditioned_step([1.0, 1.0], [2.0, 2.0], [[2.0, 0.0], [0.0, 4.0]], 1.0).tolist()
    [0.0, 0.5]
    """
    x, grad = _state("x", x, grad=grad)
    A = _float("A", A, like=x)
    v.require_covariance("A", A)
    v.require_shape("x", x, (A.shape[0],), match="A (d, d)")
    return x - _lr(lr) * torch.linalg.solve(A, grad)


def preconditioned_contraction(H, A, lr) -> torch.Tensor:
    r"""Spectral radius of the preconditioned-GD iteration matrix on the quadratic with Hessian ``H``.

    .. math:: \rho(I-\eta A^{-1}H)=\max_{\lambda\in\operatorname{spec}(A^{-1}H)}|1-\eta\lambda|;\qquad
              aA\preceq H\preceq A\Rightarrow\operatorname{spec}(A^{-1}H)\subseteq[a,1],

    so every :math:`0<\eta<2` converges; :math:`\eta=2/(1+a)` gives the rate :math:`(1-a)/(1+a)`.
    Book label: ``adaptive.preconditioning``. The eigenvalues of :math:`A^{-1}H` come from the symmetric
    generalised problem :math:`H\mathbf u=\lambda A\mathbf u` (Cholesky of ``A``). ``lr`` : shape (...).

    >>> preconditioned_contraction(torch.eye(2, dtype=torch.float64), 2 * torch.eye(2, dtype=torch.float64), [1.0, 4.0]).round(decimals=12).tolist()
    [0.5, 1.0]
    """
    H, A = _float("H", H), _float("A", A)
    v.require_covariance("A", A)
    v.require_shape("H", H, A.shape, match="A (d, d)")
    if not torch.allclose(H, H.T):
        raise ValueError(f"H must be symmetric, got {v._show(H.tolist())}")
    Lc = torch.linalg.cholesky(A)
    M = torch.linalg.solve_triangular(Lc, torch.linalg.solve_triangular(Lc, H, upper=False).T, upper=False)
    lam = torch.linalg.eigvalsh((M + M.T) / 2)  # spec(L⁻¹ H L⁻ᵀ) = spec(A⁻¹H)
    lr = _float("lr", lr, like=H)
    v.require_positive("lr", lr)
    return (1 - lr.unsqueeze(-1) * lam).abs().amax(-1)


def preconditioned_step_limit(a: float) -> float:
    r"""The largest step guaranteed stable for preconditioned GD on every quadratic with :math:`aA\preceq H\preceq A`.

    .. math:: \operatorname{spec}(A^{-1}H)\subseteq[a,1]\ \Rightarrow\ \rho(I-\eta A^{-1}H)<1\iff0<\eta<2\quad(\text{worst case }H=A)

    The limit does not grow as :math:`a` shrinks: a better preconditioner (larger :math:`a`) speeds up
    convergence, it does not allow larger steps. Book label: ``adaptive.preconditioning``.

    >>> preconditioned_step_limit(0.1)
    2.0
    """
    a = v.require_scalar("a", a)
    if not 0 < a <= 1:
        raise ValueError(f"a must lie in (0, 1], got {a}")
    return 2.0


def preconditioned_optimal_step(a: float) -> tuple[float, float]:
    r"""The best fixed step for :math:`\operatorname{spec}(A^{-1}H)\subseteq[a,1]` and its rate.

    .. math:: \eta^*=\frac2{1+a},\qquad\rho^*=\frac{1-a}{1+a}=\frac{\kappa_{\text{eff}}-1}{\kappa_{\text{eff}}+1},\quad\kappa_{\text{eff}}=\frac1a

    Book label: ``adaptive.preconditioning``. Returns ``(lr, rate)``.

    >>> [round(v, 6) for v in preconditioned_optimal_step(0.5)]  # 4/3 and 1/3
    [1.333333, 0.333333]
    """
    a = v.require_scalar("a", a)
    if not 0 < a <= 1:
        raise ValueError(f"a must lie in (0, 1], got {a}")
    return 2 / (1 + a), (1 - a) / (1 + a)


def polar_factor(G) -> torch.Tensor:
    r"""The orthogonal polar factor :math:`UV^\top` of :math:`G=U\Sigma V^\top` (reduced SVD).

    Book label: ``adaptive.muon``. ``G`` : (d_out, d_in). Returns the same shape; all its singular
    values are 1.

    >>> polar_factor([[3.0, 0.0], [0.0, -0.5]]).tolist()
    [[1.0, 0.0], [0.0, -1.0]]
    """
    G = _float("G", G)
    v.require_ndim("G", G, 2)
    U, _, Vh = torch.linalg.svd(G, full_matrices=False)
    return U @ Vh


def newton_schulz(G, steps: int = 5, coefficients: tuple[float, float, float] = (3.4445, -4.7750, 2.0315),
                  eps: float = 1e-7) -> torch.Tensor:
    r"""Muon's quintic Newton–Schulz iteration, an SVD-free approximation of :math:`UV^\top`.

    .. math:: X_0=\frac{G}{\|G\|_F},\qquad X_{k+1}=aX_k+\big(b\,X_kX_k^\top+c\,(X_kX_k^\top)^2\big)X_k

    Each step maps every singular value :math:`s` to :math:`as+bs^3+cs^5` and keeps the singular vectors;
    the default coefficients push all singular values into roughly :math:`[0.7, 1.2]` in 5 steps.
    Book label: ``adaptive.muon``. Computed in the dtype of ``G`` (``torch.optim.Muon`` uses bfloat16).

    >>> X = newton_schulz(torch.diag(torch.tensor([3.0, 1.0, 0.1], dtype=torch.float64)))
    >>> bool(((X.diagonal() > 0.6) & (X.diagonal() < 1.25)).all())
    True
    """
    G = _float("G", G)
    v.require_ndim("G", G, 2)
    steps = v.require_int("steps", steps, minimum=0)
    a, b, c = _coefficients(coefficients)
    eps = _eps(eps, strict=True)
    tall = G.shape[0] > G.shape[1]
    X = G.T if tall else G
    X = X / X.norm().clamp(min=eps)
    for _ in range(steps):
        gram = X @ X.T
        X = a * X + (b * gram + c * gram @ gram) @ X
    return X.T if tall else X


def spectral_model(G, delta) -> torch.Tensor:
    r"""The local model Muon minimises: linear term plus a spectral-norm penalty.

    .. math:: m(\Delta W)=\langle G,\Delta W\rangle_F+\frac12\,\frac{d_{\text{in}}}{d_{\text{out}}}\,\|\Delta W\|_{2\to2}^2

    Book label: ``adaptive.muon``. ``G`` : gradient (d_out, d_in); ``delta`` : candidate steps (..., d_out, d_in).

    >>> float(spectral_model(torch.eye(2, dtype=torch.float64), -torch.eye(2, dtype=torch.float64)))  # -2 + 1/2
    -1.5
    """
    G = _float("G", G)
    v.require_ndim("G", G, 2)
    delta = _float("delta", delta, like=G)
    if delta.shape[-2:] != G.shape:
        raise ValueError(f"delta must have the shape of G {tuple(G.shape)} in its last two axes, got {tuple(delta.shape)}")
    d_out, d_in = G.shape
    return (G * delta).sum((-2, -1)) + 0.5 * d_in / d_out * torch.linalg.matrix_norm(delta, ord=2) ** 2


def muon_update(G) -> torch.Tensor:
    r"""Steepest descent under the spectral norm: the exact minimiser of :func:`spectral_model`.

    .. math:: \arg\min_{\Delta W}\Big[\langle G,\Delta W\rangle_F+\frac12\frac{d_{\text{in}}}{d_{\text{out}}}\|\Delta W\|_{2\to2}^2\Big]
              =-\frac{d_{\text{out}}}{d_{\text{in}}}\,\|G\|_*\,UV^\top,\qquad\min=-\frac{d_{\text{out}}}{2d_{\text{in}}}\|G\|_*^2

    Book label: ``adaptive.muon`` (Bernstein and Newhouse 2024; Jordan et al. 2024). ``G`` : (d_out, d_in);
    :math:`\|G\|_*` is the nuclear norm (sum of singular values).

    >>> muon_update([[3.0, 0.0], [0.0, 1.0]]).tolist()  # ‖G‖_* = 4, UVᵀ = I
    [[-4.0, -0.0], [-0.0, -4.0]]
    """
    G = _float("G", G)
    v.require_ndim("G", G, 2)
    d_out, d_in = G.shape
    return -(d_out / d_in) * torch.linalg.matrix_norm(G, ord="nuc") * polar_factor(G)


# --- torch.optim look-alikes ----------------------------------------------------------------------

class Adagrad(PerParameter):
    r"""AdaGrad as ``torch.optim.Adagrad`` (no lr decay): :func:`adagrad_step` per parameter.

    ``lr`` :math:`\eta`, ``eps`` :math:`\varepsilon` (added to :math:`\sqrt{\boldsymbol\gamma}`),
    ``initial_accumulator_value`` :math:`\boldsymbol\gamma_0`. Book label: ``adaptive.adagrad``.
    """

    def __init__(self, params, lr: float = 1e-2, eps: float = 1e-10, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0):
        lr, eps, weight_decay = _lr(lr), _eps(eps), _decay(weight_decay)
        initial_accumulator_value = v.require_positive_scalar("initial_accumulator_value", initial_accumulator_value,
                                                              strict=False)
        super().__init__(params, dict(lr=lr, eps=eps, weight_decay=weight_decay,
                                      initial_accumulator_value=initial_accumulator_value))

    def update(self, p, grad, state, group):
        if "sum" not in state:
            state["sum"] = torch.full_like(p, group["initial_accumulator_value"])
        new, state["sum"] = adagrad_step(p, grad + group["weight_decay"] * p, state["sum"], group["lr"], group["eps"])
        return new


class RMSprop(PerParameter):
    r"""RMSprop as ``torch.optim.RMSprop`` (no momentum, not centred): :func:`rmsprop_step` per parameter.

    ``lr`` :math:`\eta`, ``alpha`` :math:`\alpha`, ``eps`` :math:`\varepsilon`. Book label: ``adaptive.rmsprop``.
    """

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8, weight_decay: float = 0.0):
        lr, alpha, eps, weight_decay = _lr(lr), _fraction("alpha", alpha), _eps(eps), _decay(weight_decay)
        super().__init__(params, dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay))

    def update(self, p, grad, state, group):
        if "square_avg" not in state:
            state["square_avg"] = torch.zeros_like(p)
        g = grad + group["weight_decay"] * p
        new, state["square_avg"] = rmsprop_step(p, g, state["square_avg"], group["lr"], group["alpha"],
                                                group["eps"])
        return new


class Adam(PerParameter):
    r"""Adam (or AMSGrad) with bias correction, as ``torch.optim.Adam``: :func:`adam_step` per parameter.

    ``lr`` :math:`\eta`, ``betas`` :math:`(\beta_1,\beta_2)`, ``eps`` :math:`\varepsilon`, ``amsgrad``
    uses the running maximum of :math:`\mathbf v_t`. Book label: ``adaptive.adam``.
    """

    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False):
        lr, betas, eps, weight_decay = _lr(lr), _betas(betas), _eps(eps), _decay(weight_decay)
        amsgrad = v.require_bool("amsgrad", amsgrad)
        super().__init__(params, dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay, amsgrad=amsgrad))

    def update(self, p, grad, state, group):
        if not state:
            state.update(step=0, exp_avg=torch.zeros_like(p), exp_avg_sq=torch.zeros_like(p))
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = torch.zeros_like(p)
        state["step"] += 1
        new, state["exp_avg"], state["exp_avg_sq"], vmax = adam_step(
            p, grad + group["weight_decay"] * p, state["exp_avg"], state["exp_avg_sq"], state["step"], group["lr"],
            group["betas"], group["eps"], state.get("max_exp_avg_sq"))
        if vmax is not None:
            state["max_exp_avg_sq"] = vmax
        return new


class SignSGD(PerParameter):
    r"""signSGD: :math:`\boldsymbol\theta\leftarrow\boldsymbol\theta-\eta\operatorname{sign}(\mathbf g)`. Book label: ``sgd.signsgd``."""

    def __init__(self, params, lr: float = 1e-3):
        super().__init__(params, dict(lr=_lr(lr)))

    def update(self, p, grad, state, group):
        return sign_step(p, grad, group["lr"])


class Muon(PerParameter):
    r"""Muon as ``torch.optim.Muon``: momentum, then Newton–Schulz orthogonalisation, for 2-D parameters.

    :math:`B_t=\mu B_{t-1}+(1-\mu)G_t`; the direction :math:`\widetilde B_t` is :math:`B_t` or, with
    ``nesterov``, :math:`(1-\mu)G_t+\mu B_t`; :math:`O_t=\mathrm{NS}_5(\widetilde B_t)\approx UV^\top`;
    :math:`W\leftarrow(1-\eta\lambda)W-\eta\sqrt{\max(1,d_{\text{out}}/d_{\text{in}})}\,O_t`.
    ``lr`` :math:`\eta`, ``momentum`` :math:`\mu`, ``weight_decay`` :math:`\lambda` (decoupled),
    ``ns_coefficients`` :math:`(a,b,c)`, ``ns_steps``. ``exact=True`` uses the SVD polar factor instead of
    Newton–Schulz. Book label: ``adaptive.muon``.
    """

    def __init__(self, params, lr: float = 1e-3, weight_decay: float = 0.1, momentum: float = 0.95,
                 nesterov: bool = True, ns_coefficients: tuple[float, float, float] = (3.4445, -4.7750, 2.0315),
                 eps: float = 1e-7, ns_steps: int = 5, exact: bool = False):
        lr, momentum, weight_decay, eps = _lr(lr), _fraction("momentum", momentum), _decay(weight_decay), _eps(eps, True)
        nesterov, exact = v.require_bool("nesterov", nesterov), v.require_bool("exact", exact)
        ns_coefficients, ns_steps = _coefficients(ns_coefficients, "ns_coefficients"), v.require_int("ns_steps", ns_steps, minimum=0)
        super().__init__(params, dict(lr=lr, weight_decay=weight_decay, momentum=momentum, nesterov=nesterov,
                                      ns_coefficients=tuple(ns_coefficients), eps=eps, ns_steps=ns_steps, exact=exact))
        for group in self.param_groups:
            for p in group["params"]:
                if p.ndim != 2:
                    raise ValueError(f"params must be matrices for Muon, got a parameter of shape {tuple(p.shape)}")

    def update(self, p, grad, state, group):
        mu = group["momentum"]
        buf = mu * state.get("momentum_buffer", torch.zeros_like(p)) + (1 - mu) * grad
        state["momentum_buffer"] = buf
        direction = (1 - mu) * grad + mu * buf if group["nesterov"] else buf
        if group["exact"]:
            O = polar_factor(direction)
        else:
            O = newton_schulz(direction, group["ns_steps"], group["ns_coefficients"], group["eps"])
        scale = math.sqrt(max(1.0, p.shape[0] / p.shape[1]))
        return p * (1 - group["lr"] * group["weight_decay"]) - group["lr"] * scale * O
