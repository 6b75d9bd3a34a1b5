"""Checks of ``edl.optimization.adaptive`` (book labels ``adaptive.*``) and of the seeds' errata there.

AdaGrad, RMSprop, Adam and AMSGrad, preconditioning and Muon. Each check takes the formula under test as a
keyword argument (default: the library function) and compares it with a route that does not share its
code: ``torch.optim`` (Adagrad, RMSprop, Adam, Muon) run step for step, iteration counts over condition
numbers, numpy/scipy linear algebra, closed forms, or random candidate steps. Claims (invariances,
stability ranges) are tested by running the methods. All randomness is seeded; verdicts state tolerances
and 3-significant-digit numbers, so they print the same everywhere.
"""

import numpy as np
import scipy.linalg
import scipy.optimize
import torch

from edl.optimization import adaptive as ad
from edl.optimization.checks.stochastic import _quadratic, _torch_trajectory
from edl.core.checking import CheckResult, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula

F64 = torch.float64


# --- adaptive methods -----------------------------------------------------------------------------

def _adagrad_counts(rotated: bool) -> np.ndarray:
    d = 10
    rng = np.random.default_rng(18)
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    spectra = [np.logspace(0, np.log10(k), d) for k in (1, 10, 100, 1000)]
    H = np.stack([(Q @ np.diag(s) @ Q.T) if rotated else np.diag(s) for s in spectra])
    return to_numpy(ad.adagrad_iterations(f64(H), f64(rng.normal(size=d)), torch.logspace(-2, 1, 13, dtype=F64),
                                     tol=1e-8, max_iter=5000))


@formula("adaptive.adagrad", reference="torch.optim.Adagrad step for step; iteration counts over κ")
def check_adagrad(step=ad.adagrad_step, gradient_at=lambda x, x_star: x,
                  invariant_for=("axis-aligned",)) -> CheckResult:
    H, x0 = _quadratic(19)
    x, s, ours = f64(x0), torch.zeros(6, dtype=F64), []
    for _ in range(50):
        x, s = step(x, f64(H) @ gradient_at(x, torch.zeros(6, dtype=F64)), s, 0.1, 1e-10)
        ours.append(x)
    ref = _torch_trajectory(lambda p: torch.optim.Adagrad(p, lr=0.1, eps=1e-10), H, x0, 50)
    cls = _torch_trajectory(lambda p: ad.Adagrad(p, lr=0.1, eps=1e-10), H, x0, 50)
    same = check_close(torch.stack(ours), ref, rtol=1e-8, atol=1e-12, what="50 steps and torch Adagrad") & \
        check_close(cls, ref, rtol=1e-8, atol=1e-12, what="edl.optimization.adaptive.Adagrad and torch")
    results = same
    for name in ("axis-aligned", "rotated"):
        counts = _adagrad_counts(rotated=name == "rotated").astype(int)
        flat = counts.max() <= 2 * counts.min()
        text = f"{name} Hessian, κ = 1, 10, 10², 10³: best-step iterations {counts.tolist()}"
        if name in invariant_for:
            results = results & holds(flat, f"{text} (flat)", f"{text}: not invariant to κ")
        else:
            results = results & holds(not flat, f"{text} (grow with κ)", f"{text}: unexpectedly flat")
    return results


@formula("adaptive.rmsprop", reference="torch.optim.RMSprop step for step; torch.optim.Adam first step")
def check_rmsprop(step=ad.rmsprop_step) -> CheckResult:
    H, x0 = _quadratic(20)
    x, s, ours = f64(x0), torch.zeros(6, dtype=F64), []
    for _ in range(50):
        x, s = step(x, f64(H) @ x, s, 0.01, 0.9, 1e-8)
        ours.append(x)
    ref = _torch_trajectory(lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8), H, x0, 50)
    cls = _torch_trajectory(lambda p: ad.RMSprop(p, lr=0.01, alpha=0.9, eps=1e-8), H, x0, 50)
    same = check_close(torch.stack(ours), ref, rtol=1e-10, atol=1e-13, what="50 steps and torch RMSprop") & \
        check_close(cls, ref, rtol=1e-10, atol=1e-13, what="edl.optimization.adaptive.RMSprop and torch")
    g = f64(H) @ f64(x0)
    rms_move = to_numpy(step(f64(x0), g, torch.zeros(6, dtype=F64), 0.01, 0.99, 0.0)[0]) - x0
    adam_move = _torch_trajectory(lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.0, 0.99), eps=0.0), H, x0, 1)[0] - x0
    ratio = check_close(rms_move / adam_move, np.full(6, 10.0), atol=1e-6,
                        what="first step RMSprop(α = 0.99) / Adam(β₁ = 0, β₂ = 0.99) and 1/√(1−α) = 10")
    return same & ratio


@formula("adaptive.adam", reference="torch.optim.Adam (and amsgrad=True) step for step; constant-gradient identity")
def check_adam(step=ad.adam_step) -> CheckResult:
    H, x0 = _quadratic(21)

    def run(amsgrad: bool, steps: int):
        x, m, s = f64(x0), torch.zeros(6, dtype=F64), torch.zeros(6, dtype=F64)
        vmax, out = (torch.zeros(6, dtype=F64) if amsgrad else None), []
        for t in range(1, steps + 1):
            x, m, s, vmax = step(x, f64(H) @ x, m, s, t, 0.01, (0.9, 0.999), 1e-8, vmax)
            out.append(x)
        return torch.stack(out)

    ref = _torch_trajectory(lambda p: torch.optim.Adam(p, lr=0.01), H, x0, 100)
    ams = _torch_trajectory(lambda p: torch.optim.Adam(p, lr=0.01, amsgrad=True), H, x0, 100)
    cls = _torch_trajectory(lambda p: ad.Adam(p, lr=0.01), H, x0, 100)
    same = check_close(run(False, 100), ref, rtol=1e-10, atol=1e-13, what="100 steps and torch Adam") & \
        check_close(run(True, 100), ams, rtol=1e-10, atol=1e-13, what="AMSGrad") & \
        check_close(cls, ref, rtol=1e-10, atol=1e-13, what="edl.optimization.adaptive.Adam")
    g = f64(np.array([3.0, -0.5, 1e-3]))
    x, m, s, moves = torch.zeros(3, dtype=F64), torch.zeros(3, dtype=F64), torch.zeros(3, dtype=F64), []
    for t in range(1, 31):  # a constant gradient: m̂_t = g and v̂_t = g², so every step is η g/(|g| + ε)
        new, m, s, _ = step(x, g, m, s, t, 0.1, (0.9, 0.999), 1e-8)
        moves.append(new - x)
        x = new
    constant = check_close(torch.stack(moves), (-0.1 * g / (g.abs() + 1e-8)).expand(30, 3), atol=1e-12,
                           what="constant gradient: 30 steps and η g/(|g| + ε)")
    # Reddi, Kale and Kumar's online problem: the average loss (C − 2)x/3 is least at x = −1; Adam (β₂ = 1/(1+C²)) ends at
    # the worst point +1, AMSGrad at −1; and the library's run is the step rule above, projected onto [−1, 1]
    ends = [ad.adam_online_counterexample(num_steps=3000, amsgrad=ams) for ams in (False, True)]
    x, m, s2, path = torch.zeros(1, dtype=F64), torch.zeros(1, dtype=F64), torch.zeros(1, dtype=F64), []
    for t in range(1, 301):
        x, m, s2, _ = step(x, f64([3.0 if t % 3 == 1 else -1.0]), m, s2, t, 0.5 / t**0.5, (0.0, 0.1), 0.0)
        x = x.clamp(-1.0, 1.0)
        path.append(float(x))
    online = holds(ends[0] > 0.9 and ends[1] < -0.9, f"online problem (C = 3): Adam ends at {ends[0]:.2f}, AMSGrad at "
                    f"{ends[1]:.2f} (best: −1)", f"online problem: Adam ends at {ends[0]:.3g}, AMSGrad at {ends[1]:.3g}") & \
        check_close(ad.adam_online_counterexample(num_steps=300, return_path=True), path, atol=1e-12,
                    what="its 300 iterates and the projected Adam step")
    return same & constant & online


@formula("adaptive.preconditioning", reference="numpy eigenvalues of I − ηA⁻¹H (non-symmetric)")
def check_preconditioning(limit=ad.preconditioned_step_limit) -> CheckResult:
    rng = np.random.default_rng(22)
    d, a = 10, 0.1
    B = rng.normal(size=(d, d))
    A = B @ B.T / d + 0.1 * np.eye(d)
    root = scipy.linalg.sqrtm(A).real
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    spectra = [np.concatenate([[a, 1.0], rng.uniform(a, 1.0, d - 2)]), np.ones(d), np.full(d, a)]
    Hs = [root @ Q @ np.diag(s) @ Q.T @ root for s in spectra]  # aA ⪯ H ⪯ A; H = A; H = aA
    top = limit(a)
    etas = top * np.linspace(0.02, 0.98, 25)
    radius = np.array([[np.abs(np.linalg.eigvals(np.eye(d) - e * np.linalg.solve(A, H))).max() for e in etas] for H in Hs])
    stable = holds(bool((radius < 1).all()),
                    f"ρ(I − ηA⁻¹H) < 1 for 25 steps in (0, {top:.3g}) on 3 Hessians with aA ⪯ H ⪯ A, a = 0.1",
                    f"η up to {top:.3g} is not stable: ρ(I − ηA⁻¹H) reaches {radius.max():.3g} (η = {etas[radius.max(0).argmax()]:.3g})")
    ours = torch.stack([ad.preconditioned_contraction(f64(H), f64(A), f64(etas)) for H in Hs])
    lib = check_close(ours, radius, atol=1e-10, what="edl contraction factors and numpy")
    lr_opt, rate = ad.preconditioned_optimal_step(a)
    rho = np.abs(np.linalg.eigvals(np.eye(d) - lr_opt * np.linalg.solve(A, Hs[0]))).max()
    optimal = check_close(rho, rate, rtol=1e-6, what="η = 2/(1+a): ρ and (1−a)/(1+a)")
    # "exactly when": with H = A (allowed) the limit is attained, so any step beyond it diverges; run the step itself
    x0 = f64(rng.normal(size=d))
    norms = []
    for eta in (0.98 * top, 1.02 * top):
        x = x0
        for _ in range(300):
            x = ad.preconditioned_step(x, f64(Hs[1]) @ x, f64(A), eta)
            if not 1e-50 < float(x.norm()) < 1e50:  # converged or diverged: stop before under- or overflow
                break
        norms.append(float(x.norm() / x0.norm()))
    rho_above = np.abs(np.linalg.eigvals(np.eye(d) - 1.02 * top * np.linalg.solve(A, Hs[1]))).max()
    sharp = holds(norms[0] < 1e-3 and norms[1] > 1e3 and rho_above > 1,
                   f"H = A: after 300 preconditioned steps ‖x‖/‖x₀‖ = {norms[0]:.3g} at 0.98 × {top:.3g} and {norms[1]:.3g} "
                   f"at 1.02 × {top:.3g} (ρ = {rho_above:.3g})",
                   f"H = A: at 0.98 and 1.02 × {top:.3g}, 300 preconditioned steps change ‖x‖ by {norms[0]:.3g} and "
                   f"{norms[1]:.3g} (ρ = {rho_above:.3g} beyond it): the limit is not where stability ends")
    one = check_close(ad.preconditioned_step(x0, f64(Hs[0]) @ x0, f64(A), 0.7),
                      to_numpy(x0) - 0.7 * np.linalg.solve(A, Hs[0] @ to_numpy(x0)), atol=1e-12,
                      what="one step and x − ηA⁻¹∇f by numpy")
    return stable & sharp & one & lib & optimal


def _muon_case(G: np.ndarray, update) -> CheckResult:
    d_out, d_in = G.shape
    try:
        D = torch.as_tensor(update(f64(G)), dtype=F64)
    except RuntimeError:
        return CheckResult(False, f"{d_out}x{d_in}: the update is undefined (shapes do not multiply)", float("inf"))
    if D.shape != G.shape:
        return CheckResult(False, f"{d_out}x{d_in}: the update has shape {tuple(D.shape)}", float("inf"))
    value = float(ad.spectral_model(f64(G), D))
    nuclear = np.linalg.svd(G, compute_uv=False).sum()
    closed = check_close(value, -nuclear**2 / (2 * d_in / d_out), rtol=1e-10, what=f"{d_out}x{d_in}: m(ΔW*) and −‖G‖*²/(2c)")
    rng = np.random.default_rng(23)
    cand = rng.normal(size=(10_000, d_out, d_in)) * rng.uniform(0, 3 * float(D.abs().max()), size=(10_000, 1, 1))
    random_best = float(ad.spectral_model(f64(G), f64(cand)).min())
    scaled = scipy.optimize.minimize_scalar(lambda s: float(ad.spectral_model(f64(G), f64(-s * G))), bounds=(0, 100),
                                            method="bounded").fun
    best = min(random_best, scaled)
    beaten = holds(value <= best, f"{d_out}x{d_in}: m(ΔW*) = {value:.4g} below 10⁴ random steps and the best scaled gradient ({best:.4g})",
                    f"{d_out}x{d_in}: m(ΔW) = {value:.4g} is beaten by a random step or a scaled gradient ({best:.4g})")
    return closed & beaten


@formula("adaptive.muon", reference="closed-form minimum; 10⁴ random candidates; scipy.linalg.polar; torch.optim.Muon")
def check_muon(update=ad.muon_update) -> CheckResult:
    rng = np.random.default_rng(24)
    G = rng.normal(size=(6, 4))
    result = _muon_case(G, update) & _muon_case(rng.normal(size=(4, 4)), update)
    polar = check_close(ad.polar_factor(f64(G)), scipy.linalg.polar(G)[0], atol=1e-12, what="UVᵀ and scipy's polar factor")
    sv = np.linalg.svd(to_numpy(ad.newton_schulz(f64(G))), compute_uv=False)
    ns = holds(bool(0.6 <= sv.min() and sv.max() <= 1.25),
                "Newton–Schulz (5 quintic steps) singular values in [0.6, 1.25]",
                f"Newton–Schulz singular values span [{sv.min():.3g}, {sv.max():.3g}]")
    W0 = rng.normal(size=(6, 4))
    trajs = []
    for make in (lambda p: torch.optim.Muon(p, lr=0.02), lambda p: ad.Muon(p, lr=0.02)):
        W = torch.nn.Parameter(f64(W0))
        opt, out = make([W]), []
        for _ in range(5):
            opt.zero_grad()
            ((W - 1.0) ** 2).sum().backward()
            opt.step()
            out.append(W.detach().clone())
        trajs.append(torch.stack(out))
    torch_muon = check_close(trajs[1], trajs[0], atol=2e-3, what="5 steps of edl.optimization.adaptive.Muon (float64) and torch Muon (bfloat16)")
    return result & polar & ns & torch_muon


# --- the seeds' errata: the same checks, run on what the seed says ---------------------------------

@erratum("ch01-03:E46", wrong=r"x^{k+1}=x^k-\eta\Lambda^k\nabla f(x^*)", right=r"x^{k+1}=x^k-\eta\Lambda^k\nabla f(x^k)",
         why="Since ∇f(x*) = 0, every step is zero and the iterate never leaves x⁰; besides, x* is the unknown the "
             "method is meant to find.")
def seed_adagrad_gradient_point() -> CheckResult:
    return check_adagrad(gradient_at=lambda x, x_star: x_star)


@erratum("ch01-03:E47", wrong=r"\text{AdaGrad is invariant to }\kappa", right=r"\text{invariant only to axis-aligned (diagonal) ill-conditioning}",
         why="AdaGrad's per-coordinate scaling only undoes ill-conditioning aligned with the axes; for a rotated "
             "Hessian the iterations needed grow with κ (7 to 2473 as κ goes from 1 to 1000).")
def seed_adagrad_invariance() -> CheckResult:
    return check_adagrad(invariant_for=("axis-aligned", "rotated"))


def _adam_no_bias_correction(theta, grad, m, s, t, lr, betas, eps, vmax=None):
    m = betas[0] * m + (1 - betas[0]) * grad
    s = betas[1] * s + (1 - betas[1]) * grad**2
    second = s if vmax is None else torch.maximum(vmax, s)
    return theta - lr * m / (second.sqrt() + eps), m, s, (None if vmax is None else second)


def _adam_adagrad_sum(theta, grad, m, s, t, lr, betas, eps, vmax=None):
    m = betas[0] * m + (1 - betas[0]) * grad
    s = s + grad**2  # AdaGrad's running sum in place of the moving average
    second = s if vmax is None else torch.maximum(vmax, s)
    return theta - lr * (m / (1 - betas[0] ** t)) / (second.sqrt() + eps), m, s, (None if vmax is None else second)


def _adam_linear_correction(theta, grad, m, s, t, lr, betas, eps, vmax=None):
    m = betas[0] * m + (1 - betas[0]) * grad
    s = betas[1] * s + (1 - betas[1]) * grad**2
    second = s if vmax is None else torch.maximum(vmax, s)
    v_hat = second / (1 - betas[1] ** t)
    return theta - lr / (1 - betas[0] * t) * m / (v_hat.sqrt() + eps), m, s, (None if vmax is None else second)


@erratum("ch01-03:E48", wrong=r"\theta_{t+1}=\theta_t-\eta\,m_t/(\sqrt{v_t}+\varepsilon)", right=r"\theta_{t+1}=\theta_t-\eta\,\hat m_t/(\sqrt{\hat v_t}+\varepsilon)",
         why="Without bias correction v starts near 0, so with β₁ = 0.9, β₂ = 0.999 early steps on a steady gradient "
             "reach about 6.6η instead of η, and the first updates can overshoot.")
def seed_adam_no_bias_correction() -> CheckResult:
    return check_adam(step=_adam_no_bias_correction)


@erratum("ch01-03:E49", wrong=r"\text{Adam}=\text{AdaGrad}+\text{momentum}", right=r"\text{Adam}=\text{RMSprop (EMA of }g^2)+\text{momentum}+\text{bias correction}",
         why="With AdaGrad's growing sum of g² in place of a moving average, steps keep shrinking like 1/√t, whereas "
             "Adam's stay near η; an optimizer built from this description slows down for good.")
def seed_adam_adagrad() -> CheckResult:
    return check_adam(step=_adam_adagrad_sum)


@erratum("ch01-03:E50", wrong=r"\frac{\eta}{1-\beta k}\,m^k", right=r"\frac{\eta}{1-\beta^k}\,m^k",
         why="With 1 − βk in place of 1 − βᵏ the factor is right only at k = 1; once k > 1/β it is negative, so the "
             "update reverses sign and climbs the loss.")
def seed_adam_linear_correction() -> CheckResult:
    return check_adam(step=_adam_linear_correction)


@erratum("ch01-03:E51", wrong=r"\eta<1/a", right=r"0<\eta<2",
         why="The bound admits steps up to 1/a (10 for a = 0.1), yet the preconditioned iteration is sure to be stable "
             "only for η < 2: with H = A, which aA ⪯ H ⪯ A allows, every step above 2 diverges.")
def seed_preconditioning() -> CheckResult:
    return check_preconditioning(limit=lambda a: 1 / a)


def _seed_muon(G):
    """001: −‖G‖_* (d_out/d_in) UᵀV (the minimiser claimed for a Frobenius penalty)."""
    d_out, d_in = G.shape
    U, _, Vh = torch.linalg.svd(G, full_matrices=False)
    return -torch.linalg.matrix_norm(G, ord="nuc") * (d_out / d_in) * (U.T @ Vh.T)


@erratum("ch01-03:E52", wrong=r"-\|G\|_*\tfrac{d_{out}}{d_{in}}U^\top V\ \text{minimises}\ \langle G,\Delta W\rangle+\tfrac12\tfrac{d_{out}}{d_{in}}\|\Delta W\|_F^2",
         right=r"-\|G\|_*\tfrac{d_{out}}{d_{in}}UV^\top\ \text{minimises}\ \langle G,\Delta W\rangle+\tfrac12\tfrac{d_{in}}{d_{out}}\|\Delta W\|_{2\to2}^2",
         why="UᵀV does not have W's shape for a non-square layer and for a square one can even raise the model loss; a "
             "Frobenius penalty would give a scaled gradient step, not Muon's orthogonalised one.")
def seed_muon() -> CheckResult:
    return check_muon(update=_seed_muon)
