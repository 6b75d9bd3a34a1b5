"""Checks of ``edl.convolution.operator`` (book labels ``conv.continuous`` … ``conv.locality``) and of the
errata there.

Independent routes: closed forms integrated by ``scipy.integrate.quad``, ``numpy.convolve``,
``scipy.signal.convolve2d``, ``numpy.fft``, ``torch.nn.functional.conv1d/conv2d``, ``scipy.linalg``
(Toeplitz, circulant, null spaces) and ``torch.nn`` parameter counts. Each check takes the formula
under test as keyword arguments, so that an erratum runs the same check on the mistaken version.
"""

import math

import numpy as np
import scipy.linalg
import scipy.signal
import scipy.stats
import torch
import torch.nn.functional as F

from edl.convolution import operator as op
from edl.core.checking import CheckResult, all_of, check_close, f64, holds, max_abs_error, to_numpy
from edl.core.ledger import erratum, formula


# --- 4.1 continuous convolution and integral operators ----------------------------------------------

def _gauss(s):
    return lambda t: scipy.stats.norm.pdf(t, scale=s)


@formula("conv.continuous", reference="closed forms: Gaussian densities add variances, box * box = triangle (scipy quad)")
def check_continuous(convolution=op.continuous_convolution) -> CheckResult:
    u = np.array([-3.0, -1.5, 0.0, 1.5, 3.0])
    a, b = 0.7, 1.3
    fg = convolution(_gauss(a), _gauss(b), u)
    gf = convolution(_gauss(b), _gauss(a), u)
    box = lambda t: float(0.0 <= t <= 1.0)  # noqa: E731
    grid = np.linspace(-0.5, 2.5, 9)
    tri = convolution(box, box, grid, lower=0.0, upper=1.0)
    return all_of(check_close(fg, scipy.stats.norm.pdf(u, scale=math.hypot(a, b)), rtol=1e-8,
                            what="N(0,0.7²)*N(0,1.3²) vs N(0,0.7²+1.3²) at 5 points"),
                check_close(fg, gf, rtol=1e-8, what="f*g and g*f"),
                check_close(tri, np.maximum(0, 1 - np.abs(grid - 1)), atol=1e-8, what="box*box vs triangle at 9 points"))


@formula("conv.integral-operator", reference="closed form F[exp(-πt²)] = exp(-πu²); Toeplitz structure of h(u - t)")
def check_integral_operator(transform=op.fourier_transform, matrix=op.kernel_matrix) -> CheckResult:
    u = np.array([0.0, 0.5, 1.0, 1.5])
    Ff = transform(lambda t: math.exp(-math.pi * t * t), u)
    grid = np.linspace(-2, 2, 41)
    H = to_numpy(matrix(lambda s, t: np.exp(-np.abs(s - t)), grid, grid))
    fourier = to_numpy(matrix(lambda s, t: np.cos(2 * np.pi * s * t), grid, grid))
    # A Riemann sum of the convolution operator approximates (h * f) for a smooth f:
    f = np.exp(-grid**2)
    approx = H @ f * (grid[1] - grid[0])
    exact = to_numpy(op.continuous_convolution(lambda t: math.exp(-t * t), lambda t: math.exp(-abs(t)), grid[15:26]))
    return all_of(check_close(Ff.real, np.exp(-np.pi * u**2), atol=1e-10, what="Re F[e^{-πt²}](u) vs e^{-πu²}"),
                check_close(Ff.imag, np.zeros(4), atol=1e-10, what="Im F[e^{-πt²}]"),
                holds(np.allclose(H[1:, 1:], H[:-1, :-1]) and np.allclose(H, scipy.linalg.toeplitz(H[:, 0], H[0])),
                      "H(u,t) = h(u-t) is Toeplitz on the grid", "the convolution kernel matrix is not Toeplitz"),
                holds(not np.allclose(fourier[1:, 1:], fourier[:-1, :-1]), "the Fourier kernel is not",
                      "the Fourier kernel matrix came out Toeplitz"),
                check_close(approx[15:26], exact, atol=2e-2, what="Riemann sum of the operator (step 0.1) vs quad"))


# --- the convolution theorem -------------------------------------------------------------------------

def _ri(z: np.ndarray) -> np.ndarray:
    return np.stack([z.real, z.imag])


@formula("conv.fourier-theorem", reference="numpy.fft and an explicit double loop; numpy.convolve")
def check_fourier_theorem(circular=op.circular_convolve, fft_conv=op.fft_convolve) -> CheckResult:
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=64), rng.normal(size=64)
    loop = np.array([sum(a[t] * b[(u - t) % 64] for t in range(64)) for u in range(64)])
    circ = to_numpy(circular(f64(a), f64(b)))
    linear = to_numpy(fft_conv(f64(a), f64(b)))
    short = to_numpy(fft_conv(f64(a), f64(b), n=64))
    wrap = max_abs_error(short, np.convolve(a, b)[:64])
    return all_of(check_close(circ, loop, atol=1e-10, what="circular convolution (N = 64) vs double loop"),
                check_close(_ri(np.fft.fft(circ)), _ri(np.fft.fft(a) * np.fft.fft(b)), atol=1e-10,
                            what="DFT(f ⊛ g) vs DFT f · DFT g"),
                check_close(linear, np.convolve(a, b), atol=1e-10, what="FFT of length 127 vs np.convolve"),
                check_close(short, np.fft.ifft(np.fft.fft(a) * np.fft.fft(b)).real, atol=1e-10,
                            what="length 64: the circular convolution"),
                holds(wrap > 1, f"length 64 < 127 wraps around: error {wrap:.2g} vs the linear convolution",
                      f"a transform of length 64 reproduced the linear convolution (error {wrap:.2g})"))


# --- discrete convolution, correlation, flips -------------------------------------------------------

@formula("conv.discrete", reference="numpy.convolve and scipy.signal.convolve2d")
def check_discrete(conv1=op.convolve, conv2=op.convolve2d) -> CheckResult:
    rng = np.random.default_rng(1)
    f, h = rng.normal(size=20), rng.normal(size=5)
    F_, G = rng.normal(size=(16, 16)), rng.normal(size=(3, 3))
    return all_of(check_close(conv1(f64(f), f64(h)), np.convolve(f, h, "full"), atol=1e-12, what="1-D (n = 20, k = 5)"),
                check_close(conv1(f64(h), f64(f)), np.convolve(f, h, "full"), atol=1e-12, what="h * f = f * h"),
                check_close(conv2(f64(F_), f64(G)), scipy.signal.convolve2d(F_, G, "full"), atol=1e-12,
                            what="2-D (16×16, 3×3)"),
                check_close(conv2(f64(G), f64(F_)), scipy.signal.convolve2d(F_, G, "full"), atol=1e-12, what="G * F = F * G"))


@erratum("ch04-08:ERR-08", wrong=r"\langle f[n],g[n-k]\rangle=\sum_{\mathbb R^d}f[k]\,g[n-k]",
         right=r"(f*g)[n]=\sum_{k\in\mathbb Z^d}f[k]\,g[n-k]",
         why="A sum over the reals is meaningless; any grid finer than the integers counts terms that are not there: on "
             "the half-integer grid, with samples held between integers, every output picks up its neighbour's value.")
def seed_sum_over_reals() -> CheckResult:
    def over_half_integers(f, h):
        f, h = to_numpy(f), to_numpy(h)
        n = len(f) + len(h) - 1
        at = lambda s, k: s[int(math.floor(k))] if 0 <= math.floor(k) < len(s) else 0.0  # noqa: E731
        grid = np.arange(0, len(f), 0.5)
        return f64([sum(at(f, k) * at(h, u - k) for k in grid) for u in range(n)])
    return check_discrete(conv1=over_half_integers)


@formula("conv.cross-correlation", reference="torch.nn.functional.conv1d; numpy.convolve with the reversed kernel")
def check_cross_correlation(layer=op.correlate_valid, correlation=op.correlate) -> CheckResult:
    rng = np.random.default_rng(2)
    x, w = rng.normal(size=20), rng.normal(size=4)
    torch_out = F.conv1d(f64(x)[None, None], f64(w)[None, None])[0, 0]
    explicit = np.array([sum(w[k] * x[i + k] for k in range(4)) for i in range(17)])
    fg, gf = to_numpy(correlation(f64(w), f64(x))), to_numpy(correlation(f64(x), f64(w)))
    return all_of(check_close(layer(f64(x), f64(w)), torch_out, atol=1e-12, what="w ⋆ x (n = 20, k = 4) vs F.conv1d"),
                check_close(torch_out, np.convolve(x, w[::-1], "valid"), atol=1e-12, what="F.conv1d vs np.convolve(x, w̄)"),
                check_close(torch_out, explicit, atol=1e-12, what="vs Σ_k w[k] x[i+k]"),
                check_close(fg, np.convolve(w[::-1], x, "full"), atol=1e-12, what="full w ⋆ x vs w̄ * x"),
                check_close(fg, gf[::-1], atol=1e-12, what="(f ⋆ g)[u] = (g ⋆ f)[-u]"),
                holds(max_abs_error(fg, gf) > 0.1, "f ⋆ g ≠ g ⋆ f: not commutative", "correlation came out commutative"))


@erratum("ch04-08:ERR-01", wrong=r"(g*f)[u]:=\sum_t g[t]\,f[u+t]", right=r"(g\star f)[u]=\sum_t g[t]\,f[u+t]",
         why="Read with the convolution symbol's own definition, the formula describes a convolution, so a layer "
             "written from it flips its kernel and disagrees with every deep-learning library.")
def seed_correlation_as_convolution() -> CheckResult:
    return check_cross_correlation(
        layer=lambda x, w: f64(np.convolve(to_numpy(x), to_numpy(w), "valid")),
        correlation=lambda f, g: f64(np.convolve(to_numpy(f), to_numpy(g), "full")))


def _conv(f, g):      # signals on -m..m, result on -2m..2m
    return np.convolve(f, g)


def _corr(f, g):      # (f ⋆ g)(y) = Σ_t f(t) g(y + t) on y = -2m..2m, computed from its definition
    m = len(f) // 2
    return np.array([sum(f[t + m] * g[y + t + m] for t in range(-m, m + 1) if 0 <= y + t + m < len(g))
                     for y in range(-2 * m, 2 * m + 1)])


FLIP_IDENTITIES = {
    "(f ⋆ g)(y) = (f̄ * g)(y)": lambda f, g: (_corr(f, g), _conv(f[::-1], g)),
    "(f ⋆ g)(y) = (f * ḡ)(-y)": lambda f, g: (_corr(f, g), _conv(f, g[::-1])[::-1]),
    "(f * g)(-y) = (f̄ * ḡ)(y)": lambda f, g: (_conv(f, g)[::-1], _conv(f[::-1], g[::-1])),
    "(f̄ * g)(y) = (f * ḡ)(-y)": lambda f, g: (_conv(f[::-1], g), _conv(f, g[::-1])[::-1]),
}


@formula("conv.flip-identities", reference="numpy.convolve and the definition of correlation, signals on -4..4")
def check_flip_identities(identities=None) -> CheckResult:
    identities = FLIP_IDENTITIES if identities is None else identities
    rng = np.random.default_rng(3)
    f, g = rng.normal(size=9), rng.normal(size=9)
    parts = [check_close(*both(f, g), atol=1e-12, what=name) for name, both in identities.items()]
    return all_of(*parts)


@erratum("ch04-08:ERR-02", wrong=r"(f*g)(y)=(\bar f*g)(y)", right=r"(f\star g)(y)=(\bar f*g)(y)",
         why="Flipping one factor changes a convolution into a correlation; the two sides agree only for an even "
             "f, so a layer 'simplified' this way silently flips its kernel.")
def seed_flip_one_factor() -> CheckResult:
    return check_flip_identities(identities={"(f * g)(y) = (f̄ * g)(y)": lambda f, g: (_conv(f, g), _conv(f[::-1], g))})


@erratum("ch04-08:ERR-03", wrong=r"(f*g)(-y)=(\bar f*g)(y)=(f*\bar g)(y)",
         right=r"(f*g)(-y)=(\bar f*\bar g)(y),\quad(\bar f*g)(y)=(f*\bar g)(-y)",
         why="The three expressions differ in general; reflecting the output needs both factors flipped, and the "
             "two one-sided flips agree only after reflecting the argument.")
def seed_flip_chain() -> CheckResult:
    return check_flip_identities(identities={
        "(f * g)(-y) = (f̄ * g)(y)": lambda f, g: (_conv(f, g)[::-1], _conv(f[::-1], g)),
        "(f̄ * g)(y) = (f * ḡ)(y)": lambda f, g: (_conv(f[::-1], g), _conv(f, g[::-1]))})


# --- Toeplitz matrices, shifts, the LSI theorem, locality ------------------------------------------

@formula("conv.toeplitz", reference="numpy.convolve, scipy.linalg.toeplitz and F.conv2d applied to the 64 basis images")
def check_toeplitz(matrix=op.toeplitz_matrix, matrix2d=op.conv2d_matrix) -> CheckResult:
    rng = np.random.default_rng(4)
    x, h = rng.normal(size=7), rng.normal(size=3)
    W = to_numpy(matrix(f64(h), 7))
    reference = scipy.linalg.toeplitz([h[2]] + [0] * 4, list(h[::-1]) + [0] * 4)
    Wc = to_numpy(matrix(f64(h), 7, correlation=True))
    w2 = rng.normal(size=(3, 3))
    basis = torch.eye(64, dtype=torch.float64).reshape(64, 1, 8, 8)
    columns = F.conv2d(basis, f64(w2)[None, None]).reshape(64, 36).T          # column j: the image of e_j
    M = to_numpy(matrix2d(f64(w2), 8, 8))
    blocks = [[M[6 * i:6 * i + 6, 8 * j:8 * j + 8] for j in range(8)] for i in range(6)]
    block_toeplitz = all(np.allclose(b[1:, 1:], b[:-1, :-1]) for row in blocks for b in row) and \
        all(np.allclose(blocks[i][j], blocks[i + 1][j + 1]) for i in range(5) for j in range(7))
    return all_of(check_close(W @ x, np.convolve(x, h, "valid"), atol=1e-12, what="W_h x vs np.convolve (D = 7, K = 3)"),
                check_close(W, reference, atol=0, rtol=1e-15, what="W_h vs scipy.linalg.toeplitz"),
                check_close(Wc @ x, np.correlate(x, h, "valid"), atol=1e-12, what="correlation matrix vs np.correlate"),
                check_close(M, columns, atol=1e-12, what="2-D matrix (36×64) vs F.conv2d of basis images"),
                holds(block_toeplitz, "its 6×8 blocks are Toeplitz, in a Toeplitz pattern", "not doubly block Toeplitz"))


@formula("conv.shift-equivariance", reference="numpy.roll and torch.roll against F.conv2d with circular padding")
def check_shift_equivariance(gap=op.equivariance_gap, relation="equivariant") -> CheckResult:
    rng = np.random.default_rng(5)
    x, h = f64(rng.normal(size=32)), f64(rng.normal(size=32))
    out = lambda a: a if relation == "equivariant" else 0  # noqa: E731   (where the output should move)
    circ = lambda z: op.circular_convolve(z, h)  # noqa: E731
    direct = to_numpy(torch.roll(circ(x), 3))
    numpy_side = np.array([sum(np.roll(to_numpy(x), 3)[t] * to_numpy(h)[(u - t) % 32] for t in range(32)) for u in range(32)])
    w = f64(rng.normal(size=(1, 1, 3, 3)))
    img = f64(rng.normal(size=(1, 1, 16, 16)))
    conv = lambda z: F.conv2d(F.pad(z, (1, 1, 1, 1), mode="circular"), w)  # noqa: E731
    strided = lambda z: F.conv2d(F.pad(z, (1, 1, 1, 1), mode="circular"), w, stride=2)  # noqa: E731
    pooled = lambda z: conv(z).mean((-2, -1))  # noqa: E731
    g_circ, g_img = gap(circ, x, 3, out(3)), gap(conv, img, 2, out(2))
    g_s1, g_s2 = gap(strided, img, 1, out(1)), gap(strided, img, 2, out(1))
    return all_of(holds(g_circ <= 1e-12 and max_abs_error(direct, numpy_side) <= 1e-12,
                      "S³(x ⊛ h) = (S³x) ⊛ h (N = 32) within 1e-12", f"circular convolution: gap {g_circ:.2g}"),
                holds(g_img <= 1e-12, "F.conv2d, circular padding, 16×16: commutes with torch.roll within 1e-12",
                      f"circularly padded conv2d: gap {g_img:.2g} after a shift by 2"),
                holds(g_s2 <= 1e-12 < g_s1, "stride 2: a shift by 2 moves the output by 1; a shift by 1 breaks it",
                      f"stride 2: gaps {g_s2:.2g} (shift 2) and {g_s1:.2g} (shift 1)"),
                holds(gap(pooled, img, 5, 0) <= 1e-12, "global average pooling: invariant",
                      "global average pooling changed under a shift"))


@erratum("ch04-08:ERR-09", wrong=r"h[i,j]=u+\sum_{k_1,k_2}W[k_1,k_2]\,x[i+k_1,j+k_2]\ \text{is translation invariant}",
         right=r"\text{translation equivariant: }x\mapsto x_\Delta\Rightarrow h\mapsto h_\Delta",
         why="Shifting the input shifts the feature map; calling it invariant suggests a convolution alone can ignore "
             "where an object is, when that takes pooling over positions on top.")
def seed_invariance() -> CheckResult:
    return check_shift_equivariance(relation="invariant")


@formula("conv.lsi-theorem", reference="scipy.linalg.null_space of I⊗S − Sᵀ⊗I and scipy.linalg.circulant")
def check_lsi_theorem(project=op.shift_equivariant_part, circ=op.circulant) -> CheckResult:
    N = 8
    S = to_numpy(op.shift_matrix(N))
    # TS = ST  ⇔  (I⊗S − Sᵀ⊗I) vec(T) = 0 with column-major vec
    null = scipy.linalg.null_space(np.kron(np.eye(N), S) - np.kron(S.T, np.eye(N)))
    T = null @ np.random.default_rng(6).normal(size=null.shape[1])
    T = T.reshape(N, N, order="F")
    rng = np.random.default_rng(7)
    A, x = rng.normal(size=(N, N)), rng.normal(size=N)
    P = to_numpy(project(f64(A)))
    h = P[:, 0]
    return all_of(holds(null.shape[1] == N, f"the shift-commuting matrices form an {N}-dimensional space",
                      f"commutant dimension {null.shape[1]} ≠ {N}"),
                check_close(to_numpy(circ(f64(T[:, 0]))), T, atol=1e-10, what="a random one vs circulant(T e₀)"),
                check_close(P @ S, S @ P, atol=1e-12, what="projection commutes with S"),
                check_close(P, scipy.linalg.circulant(h), atol=1e-12, what="projection vs scipy circulant(P e₀)"),
                check_close(P @ x, to_numpy(op.circular_convolve(f64(h), f64(x))), atol=1e-12, what="P x vs h ⊛ x"))


@formula("conv.locality", reference="parameter counts of torch.nn.Conv2d and nn.Linear; F.conv2d with padding Δ")
def check_locality(layer=op.local_layer, counts=op.locality_parameter_counts) -> CheckResult:
    parts = []
    for delta in (1, 2):
        conv = sum(p.numel() for p in torch.nn.Conv2d(1, 1, 2 * delta + 1, padding=delta).parameters())
        c = counts(12, 12, delta)
        parts.append(holds(c["shared"] == conv, f"Δ = {delta}: {conv} parameters, as nn.Conv2d",
                           f"Δ = {delta}: {c['shared']} parameters, nn.Conv2d has {conv}"))
    dense = sum(p.numel() for p in torch.nn.Linear(144, 144).parameters())
    c = counts(12, 12, 1)
    parts.append(holds(c["dense"] == dense, f"dense 12×12 → 12×12: {dense:,} = (HW)² + HW, as nn.Linear",
                       f"dense count {c['dense']:,} ≠ nn.Linear's {dense:,}"))
    rng = np.random.default_rng(8)
    x, W, u = rng.normal(size=(12, 12)), rng.normal(size=(5, 5)), 0.3
    ref = F.conv2d(f64(x)[None, None], f64(W)[None, None], padding=2)[0, 0] + u
    parts.append(check_close(layer(f64(x), f64(W), u), ref, atol=1e-12, what="h = u + Σ W x on 12×12 (Δ = 2) vs F.conv2d"))
    return all_of(*parts)
