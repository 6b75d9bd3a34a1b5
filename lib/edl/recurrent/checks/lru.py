"""Checks of ``edl.recurrent.lru`` (book labels ``rnn.lru-linear`` … ``rnn.lru-universality``) and of the
erratum there.

Independent routes: NumPy loops and ``numpy.convolve``, ``numpy.linalg.eig`` and matrix powers, a resonant
bounded input on the unit circle, Monte Carlo within its standard error and a Kolmogorov–Smirnov test
(``scipy.stats.kstest``), and ``numpy.linalg.solve`` on ``numpy.vander``.
"""

import math

import numpy as np
import scipy.stats
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_leq, check_monte_carlo, f64, holds
from edl.core.ledger import erratum, formula
from edl.recurrent import lru


def _np_loop(A, B, x):
    z, out = np.zeros(A.shape[0], dtype=np.result_type(A, B, x)), []
    for x_t in x:
        z = A @ z + B @ x_t
        out.append(z)
    return np.array(out)


@formula("rnn.lru-linear", reference="a NumPy loop; Σ_k A^{t-1-k}Bx_k by matrix powers; numpy.convolve per channel")
def check_lru_linear(run=lru.linear_recurrence, kernel=lru.recurrence_kernel, convolve=lru.convolve_kernel) -> CheckResult:
    rng = np.random.default_rng(30)
    A, B, x = rng.normal(size=(16, 16)) / 4 * 0.9, rng.normal(size=(16, 3)), rng.normal(size=(40, 3))
    loop = _np_loop(A, B, x)
    powers = np.array([sum(np.linalg.matrix_power(A, t - 1 - k) @ B @ x[k] for k in range(t)) for t in (1, 20, 40)])
    lam = rng.uniform(-0.95, 0.95, size=4)
    xd = rng.normal(size=(40, 1))
    diag = np.stack([np.convolve(xd[:, 0], l ** np.arange(40))[:40] for l in lam], 1)
    return all_of(check_close(run(f64(A), f64(B), f64(x)), loop, atol=1e-10, what="m 16, T 40: loop vs NumPy loop"),
                  check_close(convolve(kernel(f64(A), f64(B), 40), f64(x))[[0, 19, 39]], powers, atol=1e-10,
                              what="(K ∗ x)_t vs Σ_k A^{t-1-k} B x_k at t = 1, 20, 40"),
                  check_close(run(f64(np.diag(lam)), f64(np.ones((4, 1))), f64(xd)), diag, atol=1e-12,
                              what="diagonal A: numpy.convolve(x, λ^j) per channel"))


@formula("rnn.lru-diagonalization", reference="numpy.linalg.eig and a NumPy loop of the original recurrence")
def check_lru_diagonalization(diag=lru.diagonalize, run=lru.diagonal_recurrence) -> CheckResult:
    rng = np.random.default_rng(31)
    A, B, x = rng.normal(size=(16, 16)) / 4, rng.normal(size=(16, 2)), rng.normal(size=(40, 2))
    lam, P = diag(f64(A))
    C = torch.linalg.solve(P, f64(B).to(P.dtype))                     # C = P⁻¹ B
    zeta = run(lam, C, f64(x))
    recon = (P @ torch.diag(lam) @ torch.linalg.inv(P)).numpy()
    complex_pairs = int((lam.imag.abs() > 1e-12).sum())
    return all_of(check_close(recon.real, A, atol=1e-10, what="P Λ P⁻¹ = A"),
                  check_close((zeta @ P.T).real, _np_loop(A, B, x), atol=1e-9, what="m 16, T 40: P ζ_t = z_t"),
                  check_close((zeta @ P.T).imag, np.zeros((40, 16)), atol=1e-9, what="the imaginary parts cancel"),
                  holds(complex_pairs > 0, f"a real A has {complex_pairs} complex eigenvalues (in conjugate pairs)",
                        "no complex eigenvalue: the example does not show the rotation"))


def _resonant_peak(lam: complex, T: int = 2000) -> float:
    """max_t |z_t| for z_{t+1} = λ z_t + u_t with the bounded input u_t = (λ/|λ|)^t (|u_t| = 1)."""
    u = lam / abs(lam)
    z, peak = 0j, 0.0
    for t in range(T):
        z = lam * z + u ** t
        peak = max(peak, abs(z))
    return peak


@formula("rnn.lru-stability", reference="NumPy loops with a constant and a resonant bounded input; a Jordan block")
def check_lru_stability(stable=lru.is_stable, bound=lru.state_bound) -> CheckResult:
    cases = [0.5, 0.99, -0.9, 0.95j, 1.0, -1.0, 1j, 1.01]
    verdicts = [(lam, stable(torch.tensor([lam], dtype=torch.complex128)), _resonant_peak(lam) < 500) for lam in cases]
    wrong = [str(lam) for lam, said, bounded in verdicts if said != bounded]
    z = 0.0
    for _ in range(3000):
        z = 0.99 * z + 1.0
    jordan = np.linalg.matrix_power(np.array([[1.0, 1.0], [0.0, 1.0]]), 50) @ np.array([0.0, 1.0])
    rng = np.random.default_rng(32)
    A = rng.normal(size=(6, 6))
    A = A / max(abs(np.linalg.eigvals(A))) * 0.9
    B, x = rng.normal(size=(6, 2)), rng.uniform(-1, 1, size=(300, 2))
    norms = np.linalg.norm(_np_loop(A, B, x), axis=1)
    return all_of(holds(not wrong, f"{len(cases)} eigenvalues: stable exactly when |λ| < 1 (a resonant input grows on |λ| = 1)",
                        f"stability misjudged for λ = {', '.join(wrong)}"),
                  check_close(z, bound(f64([[0.99]]), f64([[1.0]]), f64(np.ones((3000, 1)))), rtol=1e-6,
                              what="λ = 0.99, x ≡ 1: z₃₀₀₀ reaches the bound 1/(1-λ) = 100"),
                  holds(jordan[0] == 50.0, "Jordan block at λ = 1, no input: z₅₀ = (50, 1)", f"z₅₀ = {jordan}"),
                  check_leq(norms, np.full(300, bound(f64(A), f64(B), f64(x))), what="ρ = 0.9, 6×6: ‖z_t‖ ≤ bound"))


@erratum("ch04-08:ERR-17", wrong=r"\max_j|\lambda_j|\le1", right=r"\max_j|\lambda_j|<1",
         why="On the unit circle a bounded input can drive the state without limit: λ = 1 integrates a constant "
             "input (z_t = t), and any |λ| = 1 resonates with the input λ^t.")
def seed_closed_disc() -> CheckResult:
    return check_lru_stability(stable=lambda lam: bool(torch.as_tensor(lam).abs().max() <= 1))


@formula("rnn.lru-exp-param", reference="numpy.log/numpy.angle of 10⁴ eigenvalues; the round trip r → ν → r")
def check_lru_exp_param(param=lru.exp_parameterization, inverse=lru.nu_from_modulus) -> CheckResult:
    rng = np.random.default_rng(33)
    nu, phi = rng.uniform(-6, 3, 10_000), rng.uniform(0, 2 * np.pi, 10_000)
    lam = param(f64(nu), f64(phi)).numpy()
    r = np.abs(lam)
    r0 = rng.uniform(0.01, 0.999, 1000)
    back = np.abs(param(inverse(f64(r0)), f64(np.zeros(1000))).numpy())
    half = np.exp(np.log(np.abs(param(f64([0.5]), f64([0.0])).numpy()[0])) * math.log(2) / math.exp(0.5))
    return all_of(holds(bool(((r > 0) & (r < 1)).all()), "ν ∈ [-6, 3]: all 10⁴ moduli in (0, 1)", "a modulus leaves (0, 1)"),
                  check_close(np.log(-np.log(r)), nu, atol=1e-9, what="ln(-ln|λ|) = ν"),
                  check_close(np.mod(np.angle(lam), 2 * np.pi), phi, atol=1e-9, what="arg λ = φ"),
                  check_close(back, r0, atol=1e-12, what="round trip r → ν → r"),
                  check_close(half, 0.5, atol=1e-12, what="|λ|^(ln 2 / e^ν) = ½: the half-life"))


@formula("rnn.lru-ring-init", reference="Monte Carlo over 2·10⁵ draws within 4 SE; scipy.stats.kstest of r²")
def check_lru_ring_init(sampler=lru.ring_init) -> CheckResult:
    r1, r2 = 0.4, 0.9
    lam = sampler(200_000, r1, r2, torch.Generator().manual_seed(0)).numpy()
    r = np.abs(lam)
    r_mid = math.sqrt((r1 ** 2 + r2 ** 2) / 2)                         # the radius that halves the annulus' area
    p = scipy.stats.kstest(r ** 2, scipy.stats.uniform(r1 ** 2, r2 ** 2 - r1 ** 2).cdf).pvalue
    uniform_r = np.random.default_rng(34).uniform(r1, r2, 200_000)
    return all_of(holds(bool(((r >= r1) & (r <= r2)).all()), "all |λ| in [0.4, 0.9]", "a modulus leaves [r₁, r₂]"),
                  check_monte_carlo((r < r_mid).astype(float), 0.5, what="P(|λ| < r_mid) = ½ (equal areas)"),
                  holds(p > 0.01, "KS test of |λ|² against U[r₁², r₂²]: p > 0.01", f"KS p-value {p:.2g}"),
                  check_monte_carlo((uniform_r < r_mid).astype(float), (r_mid - r1) / (r2 - r1),
                                    what="uniform radius instead: P = 0.593, not ½"),
                  holds(abs(np.angle(lam).mean()) < 0.02, "angles centred (uniform on the circle)", "angles off centre"))


@formula("rnn.lru-parallel-scan", reference="a NumPy sequential loop, T = 40 and 1024; associativity on 100 triples")
def check_lru_parallel_scan(scan=lru.parallel_scan, combine=lru.scan_combine) -> CheckResult:
    rng = np.random.default_rng(35)
    lam = torch.polar(f64(rng.uniform(0.5, 0.99, 16)), f64(rng.uniform(0, 2 * np.pi, 16)))
    parts = []
    for T in (40, 1024):
        u = torch.complex(f64(rng.normal(size=(T, 16))), f64(rng.normal(size=(T, 16))))
        z, ref = np.zeros(16, complex), []
        for u_t in u.numpy():
            z = lam.numpy() * z + u_t
            ref.append(z)
        parts.append(check_close(torch.view_as_real(scan(lam, u)), np.stack([np.real(ref), np.imag(ref)], -1),
                                 atol=1e-10, what=f"m 16, T {T}: scan vs loop"))
        parts.append(check_close(torch.view_as_real(lru.sequential_scan(lam, u)), np.stack([np.real(ref), np.imag(ref)], -1),
                                 atol=1e-10, what=f"T {T}: library loop vs NumPy loop"))
    t = [f64(rng.normal(size=(6, 100))) for _ in range(6)]
    left = combine(*combine(t[0], t[1], t[2], t[3]), t[4], t[5])
    right = combine(t[0], t[1], *combine(t[2], t[3], t[4], t[5]))
    return all_of(*parts, check_close(torch.stack(left), torch.stack(right), atol=1e-12,
                                      what="(e₁•e₂)•e₃ = e₁•(e₂•e₃) on 100 triples"))


@formula("rnn.lru-universality", reference="numpy.linalg.solve on numpy.vander(λ, T, increasing=True)")
def check_lru_universality(recover=lru.recover_history) -> CheckResult:
    T = 8
    x = f64(np.random.default_rng(36).normal(size=(T, 1)))
    parts = []
    rings = (("λ_j = 0.9 e^{2πij/8}", torch.polar(f64(np.full(T, 0.9)), f64(2 * np.pi * np.arange(T) / T))),
             ("ring init, r ∈ [0.5, 0.95]", lru.ring_init(T, 0.5, 0.95, torch.Generator().manual_seed(0))))
    for name, lam in rings:
        zeta = lru.diagonal_recurrence(lam, f64(np.ones((T, 1))), x)[-1]
        ref = np.linalg.solve(np.vander(lam.numpy(), T, increasing=True), zeta.numpy())[::-1].real
        parts.append(check_close(recover(lam, zeta), x[:, 0], atol=1e-8, what=f"{name}: x₀..x₇ from ζ₈"))
        parts.append(check_close(ref, x[:, 0].numpy(), atol=1e-8, what="numpy.vander solve"))
    return all_of(*parts)
