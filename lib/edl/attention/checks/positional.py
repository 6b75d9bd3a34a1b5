"""Checks of ``edl.attention.positional`` (book labels ``attn.pe-sinusoidal`` … ``attn.pe-relative-bias``) and
of the errata there.

Independent routes: the encoding as imaginary and real parts of complex exponentials e^{itω} with
frequencies from ``numpy.geomspace``, least squares (``numpy.linalg.lstsq``) for the best linear shift map,
``torch.nn.MultiheadAttention``, ``torch.nn.Embedding`` and autograd, ``scipy.linalg.toeplitz``.
"""

import numpy as np
import scipy.linalg
import torch

from edl.attention import positional as pe
from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula

D, T, DELTA, C = 16, 50, 7, 1e4


def _phasors(T_: int, d: int) -> np.ndarray:
    """E[t, 2j] + i E[t, 2j+1] flipped: exp(i t ω_j) with ω_j geometric from 1 down to C^{-(d-2)/d}."""
    omega = np.geomspace(1.0, C ** (-(d - 2) / d), d // 2)
    return np.exp(1j * np.arange(T_)[:, None] * omega), omega


def _reference_encoding(T_: int, d: int) -> np.ndarray:
    Z, _ = _phasors(T_, d)
    E = np.empty((T_, d))
    E[:, 0::2], E[:, 1::2] = Z.imag, Z.real
    return E


def _shift_residual(E: np.ndarray, delta: int) -> float:
    """Residual of the best linear map E_t -> E_{t+delta} (least squares over all t)."""
    M, *_ = np.linalg.lstsq(E[:-delta], E[delta:], rcond=None)
    return float(np.abs(E[:-delta] @ M - E[delta:]).max())


@formula("attn.pe-sinusoidal", reference="Im and Re of exp(i t ω_j), ω from numpy.geomspace(1, C^(-(d-2)/d)); least squares")
def check_pe_sinusoidal(encoding=pe.sinusoidal_encoding, frequencies=pe.sinusoidal_frequencies) -> CheckResult:
    E = np.asarray(encoding(T, D))
    omega = np.asarray(frequencies(D))
    _, ref_omega = _phasors(T, D)
    residual = _shift_residual(E, DELTA)
    return all_of(check_close(E, _reference_encoding(T, D), atol=1e-12, what="d = 16, T = 50: E vs Im/Re of exp(itω_j)"),
                  check_close(omega, ref_omega, rtol=1e-12, what="ω_j = C^(-2j/d) from 1 to 10^-3.5"),
                  holds(omega.max() <= 1.0, "highest frequency 1 rad/step (no aliasing)",
                        f"highest frequency {omega.max():.4g} rad/step: aliased at integer t"),
                  holds(residual < 1e-9, "a linear map sends E_t to E_(t+7) for every t",
                        f"no linear map sends E_t to E_(t+7): least-squares residual {residual:.2f}"))


@erratum("ch04-08:ERR-27", wrong=r"p_{tk}=\sin(t\omega_k)\ (k\text{ even}),\ \cos(t\omega_k)\ (k\text{ odd}),\quad \omega_k=C^{k/K}",
         right=r"E_{t,2j}=\sin(t\omega_j),\ E_{t,2j+1}=\cos(t\omega_j),\quad \omega_j=C^{-2j/d}",
         why="With a positive exponent the frequencies grow to thousands of radians per step and alias at integer "
             "positions, and with one frequency per coordinate a shift is no longer a fixed linear map of the encoding.")
def seed_pe_unpaired_growing() -> CheckResult:
    def encoding(T_, d):
        omega = C ** (np.arange(d) / d)
        t = np.arange(T_)[:, None]
        return np.where(np.arange(d) % 2 == 0, np.sin(t * omega), np.cos(t * omega))
    return check_pe_sinusoidal(encoding=encoding, frequencies=lambda d: C ** (np.arange(d) / d))


@erratum("ch04-08:ERR-28", wrong=r"\omega_k=C^{k/n},\ C=10000", right=r"\omega_j=C^{-2j/n},\ C=10000",
         why="Even with sine and cosine paired, frequencies that grow from 1 to C^{(n-2)/n} alias at integer positions: "
             "distant positions get nearly the same encoding and the slow 'counter' coordinates are gone.")
def seed_pe_growing() -> CheckResult:
    def frequencies(d):
        return C ** (2.0 * np.arange(d // 2) / d)

    def encoding(T_, d):
        angles = np.arange(T_)[:, None] * frequencies(d)
        return np.stack([np.sin(angles), np.cos(angles)], -1).reshape(T_, d)
    return check_pe_sinusoidal(encoding=encoding, frequencies=frequencies)


@formula("attn.pe-relative-rotation", reference="complex exponentials: exp(i(t+Δ)ω) = exp(iΔω) exp(itω); Gram by closed form")
def check_pe_relative_rotation(rotation=pe.rotation_matrix) -> CheckResult:
    E = _reference_encoding(T, D)
    _, omega = _phasors(T, D)
    parts = []
    for delta in (DELTA, 1, 0):
        R = np.asarray(rotation(delta, D))
        shifted = E[delta:] if delta else E
        parts.append(check_close(E[:T - delta] @ R.T, shifted, atol=1e-12, what=f"Δ = {delta}: E_(t+Δ) = R(Δ) E_t for all t"))
    R = np.asarray(rotation(2.5, D))
    parts.append(check_close(R @ R.T, np.eye(D), atol=1e-12, what="R(2.5) is orthogonal"))
    G = E @ E.T
    diag = np.array([G[i, i + DELTA] for i in range(T - DELTA)])
    parts.append(check_close(diag, np.full(T - DELTA, np.cos(DELTA * omega).sum()), atol=1e-12,
                             what="Gram ⟨E_t, E_(t+7)⟩ = Σ_j cos 7ω_j for every t (Toeplitz)"))
    return all_of(*parts)


def _mha(d: int, seed: int):
    torch.manual_seed(seed)
    return torch.nn.MultiheadAttention(d, 2, batch_first=True, dtype=torch.float64).eval()


@formula("attn.pe-add-concat", reference="torch.nn.MultiheadAttention on permuted tokens, with and without positions")
@torch.no_grad()
def check_pe_add_concat(add=pe.add_positions) -> CheckResult:
    rng = np.random.default_rng(67)
    mha = _mha(8, 67)
    f = lambda x: mha(x[None], x[None], x[None])[0][0]                              # noqa: E731
    X, perm = f64(rng.normal(size=(5, 8))), [3, 0, 4, 1, 2]
    E = pe.sinusoidal_encoding(5, 8)
    base = f(add(X, E))
    moved = float((f(add(X[perm], E)) - base[perm]).abs().max())
    carried = f(add(X, E)[perm])
    mha4 = _mha(8, 68)
    g = lambda x: mha4(x[None], x[None], x[None])[0][0]                             # noqa: E731
    X4, E4 = f64(rng.normal(size=(5, 4))), pe.sinusoidal_encoding(5, 4)
    cat = add(X4, E4, mode="concat")
    moved_cat = float((g(add(X4[perm], E4, mode="concat")) - g(cat)[perm]).abs().max())
    return all_of(check_close(carried, base[perm], atol=1e-12, what="MHA(P(X+E)) = P MHA(X+E)"),
                  holds(moved > 0.02, "MHA(PX+E) ≠ P MHA(X+E): order is visible (gap > 0.02)",
                        f"MHA(PX+E) - P MHA(X+E) = {moved:.2g}: order still invisible"),
                  check_close(cat[:, 4:], E4, atol=1e-15, what="[X ‖ E] keeps E in its last columns"),
                  holds(moved_cat > 0.02, "concatenation: MHA(P[X‖E]) ≠ P MHA([X‖E]) as well (gap > 0.02)",
                        f"concatenation leaves a gap of only {moved_cat:.2g}"))


@formula("attn.pe-trainable", reference="torch.nn.Embedding lookup and autograd on the embedding table")
def check_pe_trainable(learned=pe.learned_positions) -> CheckResult:
    torch.manual_seed(69)
    emb = torch.nn.Embedding(10, 4, dtype=torch.float64)
    X = torch.randn(6, 4, dtype=torch.float64)
    out = learned(X, emb.weight)
    ref = X + emb(torch.arange(6))
    out.pow(2).sum().backward()
    grad = emb.weight.grad
    try:
        learned(torch.zeros(11, 4, dtype=torch.float64), emb.weight)
        refused = False
    except ValueError:
        refused = True
    return all_of(check_close(out, ref, atol=1e-15, what="x_t + E_t vs nn.Embedding lookup"),
                  holds(bool((grad[6:] == 0).all() and (grad[:6] != 0).any(dim=1).all()),
                        "after backward on T = 6 < T_max = 10: rows 6..9 have exactly zero gradient, rows 0..5 not",
                        f"gradient rows: {grad.abs().sum(1).tolist()}"),
                  holds(refused, "a sequence of 11 > T_max positions is refused", "a sequence longer than T_max was accepted"))


@formula("attn.pe-relative-bias", reference="scipy.linalg.toeplitz; scores at shifted positions vs absolute sinusoids")
def check_pe_relative_bias(bias=pe.relative_bias) -> CheckResult:
    rng = np.random.default_rng(70)
    L = 6
    b = rng.normal(size=2 * L - 1)
    B = np.asarray(bias(list(range(L)), f64(b)))
    toeplitz = scipy.linalg.toeplitz(b[L - 1:], b[L - 1::-1])
    Q, K = f64(rng.normal(size=(L, 4))), f64(rng.normal(size=(L, 4)))
    here = pe.relative_scores(Q, K, list(range(10, 10 + L)), f64(b)) if bias is pe.relative_bias else \
        Q @ K.T / 2.0 + bias(list(range(10, 10 + L)), f64(b))
    there = Q @ K.T / 2.0 + bias(list(range(23, 23 + L)), f64(b))
    E = pe.sinusoidal_encoding(40, 4)
    absolute = [((Q + E[p:p + L]) @ (K + E[p:p + L]).T / 2.0) for p in (10, 23)]
    b5 = rng.normal(size=5)
    clipped = np.asarray(bias(list(range(L)), f64(b5), clip=2) if bias is pe.relative_bias else bias(list(range(L)), f64(b5)))
    want = np.array([[b5[2 + max(-2, min(2, i - j))] for j in range(L)] for i in range(L)])
    return all_of(check_close(B, toeplitz, atol=1e-15, what="L = 6: B_ij = b_(i-j) vs scipy.linalg.toeplitz"),
                  check_close(here, there, atol=1e-12, what="relative scores at positions 10.. and 23.. identical"),
                  holds(float((absolute[0] - absolute[1]).abs().max()) > 0.1, "absolute sinusoids added to X: scores change",
                        "absolute sinusoids gave shift-invariant scores"),
                  check_close(clipped, want, atol=1e-15, what="offsets clipped to |i-j| ≤ 2"))


@erratum("ch04-08:ERR-32", wrong=r"\alpha(x_i,x_j,i-j)=x_i^\top x_j+b_{ij}",
         right=r"\alpha(x_i,x_j,i-j)=\frac{q_i^\top k_j}{\sqrt d}+b_{i-j}",
         why="A bias indexed by the pair (i, j) is an arbitrary table of L² absolute parameters: it is not Toeplitz, "
             "it changes when the whole sequence moves, and it cannot be used beyond the trained length.")
def seed_absolute_pair_bias() -> CheckResult:
    table = f64(np.random.default_rng(71).normal(size=(40, 40)))
    return check_pe_relative_bias(bias=lambda positions, b, **_: table[positions][:, positions])
