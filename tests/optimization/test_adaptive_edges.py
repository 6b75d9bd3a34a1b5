"""Edge cases of edl.optimization.adaptive: defaults against torch.optim, counts against single steps,
boundaries, dtypes and the exact wording of its errors."""

import math

import numpy as np
import pytest
import torch

from edl.optimization import adaptive as ad
from tests.optimization.test_momentum import _run

F64 = torch.float64
P = lambda: [torch.nn.Parameter(torch.zeros(2, dtype=F64))]  # noqa: E731


def _torch_step(make, theta, grad):
    """One step of a torch.optim optimizer from fresh state: the new parameter."""
    p = torch.nn.Parameter(torch.tensor(theta, dtype=F64))
    opt = make([p])
    p.grad = torch.tensor(grad, dtype=F64)
    opt.step()
    return p.detach()


# --- defaults, against torch.optim's own defaults -------------------------------------------------

THETA, TINY = [1.0, -2.0, 0.5], [1e-9, -3e-8, 2e-10]  # gradients small enough for eps to matter


def test_step_function_defaults_are_torchs():
    """adagrad_step (eps), rmsprop_step (alpha, eps) and adam_step (lr, betas, eps) with their defaults take
    the step torch.optim takes with its defaults, on gradients comparable to eps."""
    zeros = [0.0, 0.0, 0.0]
    torch.testing.assert_close(ad.adagrad_step(THETA, TINY, zeros, 0.01)[0],
                               _torch_step(torch.optim.Adagrad, THETA, TINY), atol=0, rtol=1e-12)
    torch.testing.assert_close(ad.rmsprop_step(THETA, TINY, zeros, 0.01)[0],
                               _torch_step(torch.optim.RMSprop, THETA, TINY), atol=0, rtol=1e-12)
    torch.testing.assert_close(ad.adam_step(THETA, TINY, zeros, zeros, 1)[0],
                               _torch_step(torch.optim.Adam, THETA, TINY), atol=0, rtol=1e-12)


@pytest.mark.parametrize("ours, theirs", [
    (ad.Adagrad, torch.optim.Adagrad),
    (ad.RMSprop, torch.optim.RMSprop),
    (ad.Adam, torch.optim.Adam),
    (lambda p: ad.Adagrad(p, lr=0.1, eps=0.5, weight_decay=0.1, initial_accumulator_value=0.5),
     lambda p: torch.optim.Adagrad(p, lr=0.1, eps=0.5, weight_decay=0.1, initial_accumulator_value=0.5)),
    (lambda p: ad.RMSprop(p, lr=0.01, eps=0.5, weight_decay=0.1),
     lambda p: torch.optim.RMSprop(p, lr=0.01, eps=0.5, weight_decay=0.1)),
    (ad.SignSGD, lambda p: torch.optim.Adam(p, betas=(0.0, 0.0), eps=0.0)),
], ids=["adagrad-defaults", "rmsprop-defaults", "adam-defaults", "adagrad-decay-eps", "rmsprop-decay-eps",
        "signsgd-default"])
def test_optimizer_defaults_and_options_match_torch(ours, theirs):
    """Defaults (lr, eps, alpha, betas) and the options weight_decay, eps, initial_accumulator_value as torch.optim."""
    torch.testing.assert_close(_run(ours, steps=10), _run(theirs, steps=10), atol=1e-12, rtol=1e-10)


def _polar(M):
    U, _, Vt = np.linalg.svd(M, full_matrices=False)
    return U @ Vt


@pytest.mark.parametrize("nesterov", [None, False])
def test_muon_defaults_against_the_docstring_rule(nesterov):
    """Muon with its defaults (lr 1e-3, weight decay 0.1, momentum 0.95, Nesterov; then without Nesterov) and the
    exact polar factor, three steps with different gradients, against a numpy transcription of the class docstring."""
    g = torch.Generator().manual_seed(5)
    W0 = torch.randn(5, 3, generator=g, dtype=F64)
    grads = [torch.randn(5, 3, generator=g, dtype=F64) for _ in range(3)]
    W = torch.nn.Parameter(W0.clone())
    opt = ad.Muon([W], exact=True) if nesterov is None else ad.Muon([W], exact=True, nesterov=nesterov)
    for G in grads:
        W.grad = G.clone()
        opt.step()
    lr, wd, mu, scale = 1e-3, 0.1, 0.95, math.sqrt(5 / 3)
    w, buf = W0.numpy().copy(), np.zeros((5, 3))
    for G in grads:
        G = G.numpy()
        buf = mu * buf + (1 - mu) * G
        direction = buf if nesterov is False else (1 - mu) * G + mu * buf
        w = w * (1 - lr * wd) - lr * scale * _polar(direction)
    np.testing.assert_allclose(W.detach().numpy(), w, rtol=1e-12, atol=0)


def test_muon_eps_and_zero_newton_schulz_steps():
    """ns_steps = 0 leaves the normalisation X = G / max(‖G‖_F, eps) alone; with eps = 1 > ‖G‖_F = 0.1 the
    step is exactly -lr·√(d_out/d_in)·G."""
    G = torch.tensor([[0.06, 0.0], [0.0, 0.08], [0.0, 0.0]], dtype=F64)
    W = torch.nn.Parameter(torch.ones(3, 2, dtype=F64))
    opt = ad.Muon([W], lr=1.0, weight_decay=0.0, momentum=0.0, nesterov=False, eps=1.0, ns_steps=0)
    W.grad = G.clone()
    opt.step()
    torch.testing.assert_close(W.detach(), 1.0 - math.sqrt(1.5) * G, atol=1e-15, rtol=0)


def test_newton_schulz_default_is_five_quintic_steps_on_the_singular_values():
    """A diagonal G: each step maps every normalised singular value s to a s + b s³ + c s⁵ (default
    coefficients), five times; the matrix stays diagonal."""
    s = np.array([3.0, 1.0, 0.1])
    X = ad.newton_schulz(torch.diag(torch.tensor(s, dtype=F64)))
    a, b, c = 3.4445, -4.7750, 2.0315
    s = s / np.linalg.norm(s)
    for _ in range(5):
        s = a * s + b * s**3 + c * s**5
    np.testing.assert_allclose(X.numpy(), np.diag(s), rtol=1e-12, atol=1e-15)


def test_newton_schulz_zero_steps_normalises_with_the_default_eps():
    """steps = 0 returns G / max(‖G‖_F, 1e-7): a tiny G is divided by eps, not by its norm."""
    G = 1e-9 * torch.eye(2, dtype=F64)
    torch.testing.assert_close(ad.newton_schulz(G, steps=0), G / 1e-7, atol=0, rtol=1e-15)
    H = torch.tensor([[3.0, 0.0], [0.0, 4.0]], dtype=F64)
    torch.testing.assert_close(ad.newton_schulz(H, steps=0), H / 5, atol=0, rtol=1e-15)


# --- AdaGrad iteration counts -------------------------------------------------------------------

def _adagrad_count(H, x0, lr, tol, max_iter, eps):
    """First t with f(x_t) <= tol f(x_0), f = x·Hx/2, iterating adagrad_step one step at a time."""
    x, s = torch.tensor(x0, dtype=F64), torch.zeros(len(x0), dtype=F64)
    f = lambda z: 0.5 * float(z @ H @ z)  # noqa: E731
    f0 = f(x)
    for t in range(1, max_iter + 1):
        x, s = ad.adagrad_step(x, H @ x, s, lr, eps)
        if f(x) <= tol * f0:
            return t
    return max_iter


def test_adagrad_counts_equal_single_steps():
    """Two Hessians (one rotated, one slow) and three step sizes in one batch: each row's count is the
    fewest adagrad_step iterations of any of its step sizes; the slow row reports max_iter."""
    H = torch.tensor([[[2.0, 0.5], [0.5, 1.0]], [[0.02, 0.0], [0.0, 0.01]]], dtype=F64)
    x0, lrs = [1.0, -0.5], [0.05, 0.3, 0.9]
    got = ad.adagrad_iterations(H, x0, lrs, tol=1e-2, max_iter=40, eps=0.3)
    want = [min(_adagrad_count(H[b], x0, lr, 1e-2, 40, 0.3) for lr in lrs) for b in range(2)]
    assert got.tolist() == want
    assert want[1] == 40 and want[0] < 40


def test_adagrad_count_boundaries_are_exact():
    """f = x²/2 from x0 = 1 with lr 1/2, eps 0: x1 = 1/2 (f1/f0 = 1/4 exactly), x2 = 1/2 - 1/(4√1.25)
    (f2/f0 ≈ 0.076). tol = 1/4 is met with equality at t = 1; tol = 0.2 at t = 2, counted once max_iter >= 2."""
    call = lambda tol, max_iter: int(ad.adagrad_iterations(  # noqa: E731
        torch.ones(1, 1, 1, dtype=F64), [1.0], [0.5], tol=tol, max_iter=max_iter, eps=0.0)[0])
    assert call(0.25, 3) == 1
    assert [call(0.2, m) for m in (1, 2, 3)] == [1, 2, 2]


def test_adagrad_count_scalar_step_and_default_max_iter():
    """A single step size may be a number; with a step far too small to converge the count is the default
    max_iter, 5000."""
    H, x0 = torch.tensor([[[1.0, 0.0], [0.0, 3.0]]], dtype=F64), [1.0, 1.0]
    assert ad.adagrad_iterations(H, x0, 0.5, tol=1e-3).tolist() == ad.adagrad_iterations(H, x0, [0.5], tol=1e-3).tolist()
    assert ad.adagrad_iterations(H[:, :1, :1], [1.0], [1e-6]).tolist() == [5000]


def test_adagrad_counts_run_in_the_dtype_of_h():
    """float32 Hessians: x0 and lrs given as lists take float32, where f(x0) = 1e-50 rounds to 0 and the target
    is met at once; in float64 f shrinks about 4-fold a step (eps = 1 dominates √γ) and needs more than 5."""
    H = torch.eye(2, dtype=torch.float32)[None]
    assert ad.adagrad_iterations(H, [1e-25, 1e-25], [0.5], max_iter=5, eps=1.0).tolist() == [1]
    assert ad.adagrad_iterations(H.double(), [1e-25, 1e-25], [0.5], max_iter=5, eps=1.0).tolist() == [5]


def test_adagrad_counts_psd_tolerance_is_per_matrix():
    """An eigenvalue as low as -1e-12 × (the matrix's largest entry) is accepted, each matrix on its own scale."""
    diag = lambda *rows: torch.stack([torch.diag(torch.tensor(r, dtype=F64)) for r in rows])  # noqa: E731
    ad.adagrad_iterations(diag([-2e-12, 2.0]), [1.0, 1.0], [0.5], max_iter=1)
    ad.adagrad_iterations(diag([-1e-7, 1e6], [1.0, 1.0]), [1.0, 1.0], [0.5], max_iter=1)
    for H in (diag([-1e-7, 1e6], [-1e-7, 1.0]), diag([-3e-12, 2.0]), torch.tensor([[[1.0, 1.0], [0.0, 2.0]]])):
        with pytest.raises(ValueError, match=r"^H must hold symmetric positive semi-definite \(d, d\) matrices, "
                                             r"got tensor\(\[\[\["):
            ad.adagrad_iterations(H, [1.0, 1.0], [0.5], max_iter=1)


@pytest.mark.parametrize("kwargs, message", [
    (dict(x0=[1.0, 1.0, 1.0]), r"^x0 must have shape \(2,\) to match H \(B, d, d\), got shape \(3,\)$"),
    (dict(tol=1.0), r"^tol must lie in \(0, 1\), got 1\.0$"),
])
def test_adagrad_count_errors(kwargs, message):
    call = dict(H=torch.eye(2, dtype=F64)[None], x0=[1.0, 1.0], lrs=[0.5]) | kwargs
    with pytest.raises(ValueError, match=message):
        ad.adagrad_iterations(**call)


# --- Reddi, Kale and Kumar's counterexample ---------------------------------------------------------

@pytest.mark.parametrize("amsgrad", [False, True])
def test_counterexample_path_equals_projected_adam_steps(amsgrad):
    """The path against adam_step (η_t = lr/√t, ε = 0, AMSGrad's running maximum) with projection onto
    [-1, 1], with β1 > 0 and C < 1 so that m, v and v_max all matter; the path reaches the lower end."""
    C, beta1, beta2, lr, n = 0.5, 0.5, 0.5, 2.0, 12
    path = ad.adam_online_counterexample(C, beta2, n, amsgrad=amsgrad, beta1=beta1, lr=lr, return_path=True)
    x, m, v = (torch.zeros(1, dtype=F64) for _ in range(3))
    vmax, want = torch.zeros(1, dtype=F64) if amsgrad else None, []
    for t in range(1, n + 1):
        g = torch.tensor([C if t % 3 == 1 else -1.0], dtype=F64)
        x, m, v, vmax = ad.adam_step(x, g, m, v, t, lr=lr / math.sqrt(t), betas=(beta1, beta2), eps=0.0,
                                     max_exp_avg_sq=vmax)
        x = x.clamp(-1.0, 1.0)
        want.append(float(x))
    np.testing.assert_allclose(path, want, rtol=1e-12, atol=1e-15)
    assert min(path) == -1.0


def test_counterexample_step_counts():
    """num_steps = 1 is accepted (one iterate); the default is 30 000 iterates."""
    assert len(ad.adam_online_counterexample(num_steps=1, return_path=True)) == 1
    assert len(ad.adam_online_counterexample(return_path=True)) == 30_000


# --- preconditioning, sign steps and the spectral model ---------------------------------------------

def test_preconditioning_accepts_a_equal_to_one():
    """a = 1 (A = H): the limit is still 2, and the best step is 1 with rate 0 (one step solves it)."""
    assert ad.preconditioned_step_limit(1.0) == 2.0
    assert ad.preconditioned_optimal_step(1.0) == (1.0, 0.0)


def test_preconditioned_step_keeps_the_dtype_of_x():
    x = torch.tensor([1.0, 1.0], dtype=torch.float32)
    out = ad.preconditioned_step(x, [2.0, 2.0], [[2.0, 0.0], [0.0, 4.0]], 1.0)
    assert out.dtype == torch.float32 and out.tolist() == [0.0, 0.5]


def test_preconditioned_contraction_batches_steps_and_keeps_dtype():
    """A (2, 3) grid of steps against numpy's eigenvalues of I - η A⁻¹H; float32 H and A give float32."""
    H, A = np.array([[2.0, 0.5], [0.5, 1.0]]), np.array([[1.5, 0.2], [0.2, 1.0]])
    lr = np.array([[0.5, 1.0, 1.5], [2.0, 0.1, 0.2]])
    want = [[np.abs(np.linalg.eigvals(np.eye(2) - e * np.linalg.solve(A, H))).max() for e in row] for row in lr]
    got = ad.preconditioned_contraction(torch.as_tensor(H), torch.as_tensor(A), lr.tolist())
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-10, atol=0)
    H32, A32 = torch.as_tensor(H, dtype=torch.float32), torch.as_tensor(A, dtype=torch.float32)
    assert ad.preconditioned_contraction(H32, A32, [0.5, 1.0]).dtype == torch.float32


@pytest.mark.parametrize("fn, args, message", [
    (ad.preconditioned_step, ([1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [[2.0, 0.0], [0.0, 4.0]], 1.0),
     r"^x must have shape \(2,\) to match A \(d, d\), got shape \(3,\)$"),
    (ad.preconditioned_contraction, ([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], [[2.0, 0.0], [0.0, 2.0]], 1.0),
     r"^H must have shape \(2, 2\) to match A \(d, d\), got shape \(3, 3\)$"),
    (ad.preconditioned_contraction, ([[1.0, 2.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 2.0]], 1.0),
     r"^H must be symmetric, got \[\[1\.0, 2\.0\], \[0\.0, 1\.0\]\]$"),
    (ad.Adam, (P(),), r"^betas must be a pair \(beta1, beta2\), got 0\.9$"),
    (ad.adam_step, ([0.0, 0.0], [1.0, 1.0], [0.0, 0.0], [0.0, 0.0], 1),
     r"^max_exp_avg_sq and theta must have the same shape"),
])
def test_error_messages(fn, args, message):
    kwargs = {ad.Adam: dict(betas=0.9), ad.adam_step: dict(max_exp_avg_sq=[0.0, 0.0, 0.0])}.get(fn, {})
    with pytest.raises(ValueError, match=message):
        fn(*args, **kwargs)


def test_sign_step_leaves_zero_gradient_coordinates():
    """sign(0) = 0: a coordinate with zero gradient does not move."""
    assert ad.sign_step([1.0, 1.0, 1.0], [0.0, 2.0, -0.5], 0.25).tolist() == [1.0, 0.75, 1.25]


def test_spectral_model_batches_and_keeps_dtype():
    """A batch of candidate steps equals the single calls; a float32 G makes a list delta float32."""
    G = torch.tensor([[1.0, 2.0], [0.0, -1.0], [0.5, 0.5]], dtype=F64)
    deltas = torch.randn(4, 3, 2, generator=torch.Generator().manual_seed(6), dtype=F64)
    torch.testing.assert_close(ad.spectral_model(G, deltas), torch.stack([ad.spectral_model(G, d) for d in deltas]))
    assert ad.spectral_model(G.float(), deltas[0].tolist()).dtype == torch.float32
