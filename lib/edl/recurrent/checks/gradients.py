"""Checks of ``edl.recurrent.gradients`` (book labels ``rnn.spectral-norm``, ``rnn.jacobian-product``,
``rnn.vanishing-exploding``, ``rnn.gradient-clipping``) and of the errata there.

Independent routes: ``numpy.linalg.norm(A, 2)`` and the SVD, ``torch.autograd.functional.jacobian`` of the
unrolled map :math:`z_0\\mapsto z_t`, orthogonal matrices (where the bounds are attained), and
``torch.nn.utils.clip_grad_norm_``.
"""

import numpy as np
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_leq, f64, holds
from edl.core.ledger import erratum, formula
from edl.recurrent import gradients as gr


def _orthogonal(m: int, seed: int) -> torch.Tensor:
    q, _ = np.linalg.qr(np.random.default_rng(seed).normal(size=(m, m)))
    return f64(q)


# --- the spectral norm -------------------------------------------------------------------------------------

@formula("rnn.spectral-norm", reference="numpy.linalg.norm(A, 2) and the SVD; equality for aligned singular vectors")
def check_spectral_norm(bound=gr.submultiplicative_bound) -> CheckResult:
    rng = np.random.default_rng(10)
    A = rng.normal(size=(8, 8))
    sigma = np.linalg.svd(A, compute_uv=False)[0]
    pairs = [(rng.normal(size=(4, 5)) * rng.uniform(0.1, 2), rng.normal(size=(5, 3)) * rng.uniform(0.1, 2))
             for _ in range(300)]
    lhs = [np.linalg.norm(P @ Q, 2) for P, Q in pairs]
    rhs = [bound(f64(P), f64(Q)) for P, Q in pairs]
    D1, D2 = f64(np.diag([2.0, 1.0])), f64(np.diag([0.5, 0.1]))               # ‖D1 D2‖ = 1 = ‖D1‖‖D2‖
    mats = [rng.normal(size=(5, 5)) for _ in range(100)]
    radii = [gr.spectral_radius(f64(M)) for M in mats]
    return all_of(check_close(gr.spectral_norm(f64(A)), np.linalg.norm(A, 2), rtol=1e-8,
                              what="8×8: power iteration vs numpy.linalg.norm(A, 2)"),
                  check_close(np.linalg.norm(A, 2), sigma, rtol=1e-12, what="vs σ₁ of the SVD"),
                  check_leq(lhs, rhs, what="‖AB‖ ≤ bound(A, B)", tol=1e-12),
                  check_close(bound(D1, D2), np.linalg.norm((D1 @ D2).numpy(), 2), atol=1e-12,
                              what="diag(2, 1)·diag(0.5, 0.1): the bound is attained"),
                  check_leq(radii, [np.linalg.norm(M, 2) for M in mats], what="ρ(A) ≤ ‖A‖₂", tol=1e-12),
                  holds(gr.spectral_radius(f64([[0.0, 1.0], [0.0, 0.0]])) == 0.0 and
                        abs(gr.spectral_norm(f64([[0.0, 1.0], [0.0, 0.0]])) - 1) < 1e-12,
                        "[[0, 1], [0, 0]]: ρ = 0 < σ₁ = 1", "the nilpotent example gives other values"))


@erratum("ch04-08:ERR-20", wrong=r"\|AB\|_2\le\|AB\|_2\cdot\|B\|_2", right=r"\|AB\|_2\le\|A\|_2\,\|B\|_2",
         why="The typo bounds a norm by itself times ‖B‖, which is false whenever ‖B‖ < 1: a contraction "
             "would appear to make every product larger.")
def seed_self_bound() -> CheckResult:
    return check_spectral_norm(bound=lambda A, B: float(torch.linalg.matrix_norm(A @ B, 2) * torch.linalg.matrix_norm(B, 2)))


# --- the state Jacobian through time ---------------------------------------------------------------------------

def _rnn(seed: int, m: int = 4, n: int = 3, T: int = 6):
    rng = np.random.default_rng(seed)
    return (f64(rng.normal(size=(T, n))), f64(rng.normal(size=(m, m)) * 0.8), f64(rng.normal(size=(m, n))),
            f64(rng.normal(size=m)), f64(rng.normal(size=(m, m))))


@formula("rnn.jacobian-product", reference="torch.autograd.functional.jacobian of the unrolled map z₀ ↦ z_t")
def check_jacobian_product(jacobians=gr.state_jacobians) -> CheckResult:
    x, U, V, z0, _ = _rnn(11)
    parts = []
    for act, phi in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid)):
        def run(z, t):
            for x_t in x[:t]:
                z = phi(U @ z + V @ x_t)
            return z
        want = torch.stack([torch.autograd.functional.jacobian(lambda z, t=t: run(z, t), z0) for t in range(1, 7)])
        parts.append(check_close(jacobians(x, U, V, z0, act), want, atol=1e-12,
                                 what=f"φ = {act}, m 4, T 6: ∂z_t/∂z₀ for t = 1..6"))
    return all_of(*parts)


def _output_slopes(x, U, V, z0, act="tanh"):
    """The mistaken product: the slope of the output nonlinearity Φ = sigmoid(W z_t) in place of φ̇."""
    W = _rnn(11)[4]
    z, J, out = z0, torch.eye(len(z0), dtype=x.dtype), []
    for x_t in x:
        z = torch.tanh(U @ z + V @ x_t)
        s = torch.sigmoid(W @ z)
        J = ((s * (1 - s))[:, None] * U) @ J
        out.append(J)
    return torch.stack(out)


@erratum("ch04-08:ERR-15", wrong=r"\frac{\partial z_T}{\partial z_0}=\dot\Phi^TU\cdots\dot\Phi^1U",
         right=r"\frac{\partial z_T}{\partial z_0}=\mathrm{diag}(\dot\varphi^T)U\cdots\mathrm{diag}(\dot\varphi^1)U,"
               r"\ \dot\varphi^t=\varphi'(Uz_{t-1}+Vx_t)",
         why="The output nonlinearity does not lie on the path from z₀ to z_T; using its slope gives a product "
             "that shrinks or grows at the wrong rate, and a wrong diagnosis of vanishing gradients.")
def seed_output_nonlinearity() -> CheckResult:
    return check_jacobian_product(jacobians=_output_slopes)


# --- vanishing and exploding --------------------------------------------------------------------------------

@formula("rnn.vanishing-exploding", reference="autograd-free products; orthogonal U, where the bound is attained")
def check_vanishing_exploding(bound=gr.vanishing_bound) -> CheckResult:
    rng = np.random.default_rng(0)
    G = rng.normal(size=(32, 32))
    U = f64(G / np.linalg.norm(G, 2) * 0.9)
    x, V, z0 = f64(rng.normal(size=(50, 32))), f64(np.eye(32)), f64(np.zeros(32))
    norms = gr.jacobian_norms(x, U, V, z0, "tanh")
    Q = _orthogonal(32, 1)
    zero_in = torch.zeros(50, 32, dtype=torch.float64)
    tight = gr.jacobian_norms(zero_in, 0.9 * Q, V, z0, "tanh")               # φ̇ = 1 at the fixed point 0
    # sigmoid: hold the pre-activation at 0 (slope 1/4) with z₀ = ½·1 and the input −U z₀ at every step
    z_half = 0.5 * torch.ones(32, dtype=torch.float64)
    hold = (-(3.6 * Q) @ z_half).expand(50, 32)
    sig = gr.jacobian_norms(hold, 3.6 * Q, V, z_half, "sigmoid")
    Gl = f64(G / np.linalg.norm(G, 2) * 1.1)
    linear = gr.jacobian_norms(zero_in, Gl, V, z0, "linear")
    explode = gr.jacobian_norms(zero_in, 1.1 * Q, V, z0, "linear")
    W1, W2 = f64(np.diag([2.0, 0.5])), f64(np.diag([3.0, 0.25]))
    ff = gr.feedforward_bound([W1, W2], "linear")
    return all_of(
        check_leq(norms, bound(0.9, 50, "tanh")[1:], what="tanh, m 32, σ₁ 0.9: ‖∂z_t/∂z₀‖ ≤ bound", tol=1e-15),
        check_close(tight, bound(0.9, 50, "tanh")[1:], rtol=1e-10, what="U = 0.9Q, zero input: attained for all t"),
        check_close(sig, bound(3.6, 50, "sigmoid")[1:], rtol=1e-10, what="sigmoid, U = 3.6Q at slope ¼: (0.9)^t"),
        holds(float(bound(0.9, 500, "tanh")[-1]) < 1e-20, "σ₁ < 1/κ: the bound tends to 0 (< 1e-20 at t = 500)",
              f"the bound at t = 500 is {float(bound(0.9, 500, 'tanh')[-1]):.3g}, it does not vanish"),
        holds(float(linear[-1]) < 1e-3 and gr.spectral_radius(Gl) < 0.9,
              "linear, σ₁ = 1.1 but ρ < 0.9: ‖U⁵⁰‖ < 1e-3, no explosion", f"‖U⁵⁰‖ = {float(linear[-1]):.3g}"),
        check_close(explode[-1], 1.1 ** 50, rtol=1e-10, what="U = 1.1Q: ‖U⁵⁰‖ = 1.1⁵⁰ = 117.39"),
        check_close(ff, np.linalg.norm((W2 @ W1).numpy(), 2), rtol=1e-12,
                    what="feed-forward, aligned diagonal layers: Π‖W_l‖ = ‖W₂W₁‖ = 6"))


@erratum("ch04-08:ERR-14", wrong=r"\Big\|\frac{\partial z_t}{\partial z_0}\Big\|_2\le(\kappa\sigma_1(U))^t\rightarrow\infty",
         right=r"\Big\|\frac{\partial z_t}{\partial z_0}\Big\|_2\le(\kappa\sigma_1(U))^t\rightarrow0\quad(\sigma_1(U)<1/\kappa)",
         why="A bound that tends to infinity says nothing; the point of the bound is that it goes to zero, "
             "which is what makes the gradient vanish.")
def seed_bound_to_infinity() -> CheckResult:
    return check_vanishing_exploding(bound=lambda s, T, act: (gr.KAPPA[act] * s) ** -torch.arange(T + 1.0, dtype=torch.float64))


# --- clipping ------------------------------------------------------------------------------------------------

@formula("rnn.gradient-clipping", reference="torch.nn.utils.clip_grad_norm_; a 1-Lipschitz loss moved along g")
def check_gradient_clipping(clip=gr.clip_by_norm) -> CheckResult:
    g = f64(10 * np.random.default_rng(12).normal(size=10))
    p = torch.zeros(10, dtype=torch.float64, requires_grad=True)
    p.grad = g.clone()
    torch.nn.utils.clip_grad_norm_([p], 1.0)
    c, small = clip(g, 1.0), f64([0.1, -0.2, 0.05])
    cosine = float(c @ g / (c.norm() * g.norm()))
    w, eta = g.clone(), 0.3                                       # l(w) = ‖w‖: a step along g moves it by η‖g_c‖
    step = float(w.norm() - (w - eta * c).norm())
    return all_of(check_close(c, p.grad, rtol=1e-5, what="‖g‖ ≈ 30, θ = 1: vs clip_grad_norm_"),
                  check_close(c.norm(), 1.0, atol=1e-12, what="‖g_clipped‖ = min(‖g‖, θ) = θ"),
                  check_close(cosine, 1.0, atol=1e-12, what="cosine with the original"),
                  check_close(clip(small, 1.0), small, atol=1e-15, what="‖g‖ < θ: unchanged"),
                  check_close(step, eta * 1.0, atol=1e-12, what="‖w‖ along g: |Δl| = Lηθ, the step bound attained"))
