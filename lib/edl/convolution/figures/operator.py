"""Figures and explorers of chapter 4, part A: the convolution operator, the Fourier theorem, Toeplitz matrices."""

import numpy as np
import torch
from matplotlib.colors import Normalize
from matplotlib.figure import Figure

from edl.convolution import operator as op
from edl.core import style
from edl.core.explore import Control, Explorer
from edl.core.style import styled
from edl.core.validate import require_int

#: The signal and the asymmetric kernel that slide past each other in the first explorer.
SIGNAL = np.array([0, 0, 1, 2, 3, 2, 1, 0, 0, -1, -2, -1, 0, 0], dtype=float)
KERNEL = np.array([1.0, 0.5, -0.5])


def _sliding_terms(u: int, flipped: bool):
    """Positions t, the kernel as seen from output u, and the products f[t]·(kernel)."""
    n, k = len(SIGNAL), len(KERNEL)
    t = np.arange(-k + 1, n + k - 1)
    f = np.where((t >= 0) & (t < n), SIGNAL[np.clip(t, 0, n - 1)], 0.0)
    lag = (u - t) if flipped else (t - u)          # convolution g[u - t]; correlation g[t - u], i.e. (g ⋆ f)[u]
    g = np.where((lag >= 0) & (lag < k), KERNEL[np.clip(lag, 0, k - 1)], 0.0)
    return t, f, g


@styled
def plot_convolution_slide(u: int = 4) -> Figure:
    r"""The kernel sliding along the signal: convolution :math:`(f*g)[u]=\sum_tf[t]g[u-t]` (flipped kernel)
    against correlation :math:`(g\star f)[u]=\sum_tg[t-u]f[t]` (kernel as it is), at output position ``u``."""
    u = require_int("u", u)
    conv = op.convolve(SIGNAL, KERNEL).numpy()                      # output index u = 0 .. n + k - 2
    corr = op.correlate(KERNEL, SIGNAL).numpy()                     # lags -(k-1) .. n-1
    fig = style.figure(4.6)
    axes = fig.subplots(2, 2, width_ratios=[1.4, 1])
    for row, (flipped, name, out, lags) in enumerate(((True, "convolution f * g", conv, np.arange(len(conv))),
                                                      (False, "correlation g ⋆ f", corr, np.arange(-2, len(SIGNAL))))):
        t, f, g = _sliding_terms(u, flipped)
        ax = axes[row, 0]
        ax.bar(t, f, color="0.75", width=0.8, label="signal f[t]")
        ax.plot(t, g, "o-", color="C1", ms=4, label="kernel g[u−t]" if flipped else "kernel g[t−u]")
        ax.bar(t, f * g, color="C0", width=0.4, label="product")
        ax.set(xlim=(t[0] - 0.5, t[-1] + 0.5), ylim=(-2.6, 3.4), title=f"{name}: kernel at u = {u}",
               xlabel="t" if row else None)
        style.legend_outside(ax, "right", fontsize=9)
        ax2 = axes[row, 1]
        shown = lags <= u
        ax2.plot(lags, out, color="0.8", lw=1)
        ax2.plot(lags[shown], out[shown], "o-", color="C0", ms=3)
        value = float((f * g).sum())
        ax2.plot([u], [value], "s", color="C3", ms=7, label=f"Σ products = {value:.2f}")
        ax2.set(xlim=(-3, 16), ylim=(-6.5, 6.5), title="output so far", xlabel="u" if row else None)
        style.legend_outside(ax2, "below", ncols=1)
    return fig


def convolution_slide_explorer() -> Explorer:
    return Explorer(plot_convolution_slide, [Control("u", list(range(0, 15)), start=4, label="output position u")],
                    title="Convolution flips the kernel, correlation does not: slide it along the signal")


def fft_wraparound_data(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The explorer's data: the linear convolution of its two length-32 signals, the inverse FFT of length
    ``n`` (its first min(n, 63) entries) and their absolute difference."""
    n = require_int("n", n, minimum=32)
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=32), np.exp(-np.arange(32) / 6.0)
    linear = op.convolve(a, b).numpy()
    fft = op.fft_convolve(a, b, n=n).numpy()
    return linear, fft, np.abs(fft - linear[:len(fft)])


@styled
def plot_fft_wraparound(n: int = 48) -> Figure:
    r"""Linear convolution of two length-32 signals (length 63) against the inverse FFT of their length-``n``
    transforms: for :math:`N<63` the tail wraps around onto the head."""
    linear, fft, err = fft_wraparound_data(n)
    fig = style.figure(4.0)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.6, 1])
    ax.plot(np.arange(63), linear, color="0.3", lw=2.5, label="linear convolution (length 63)")
    ax.plot(np.arange(len(fft)), fft, "--", color="C3", lw=1.6, label=f"inverse FFT of length N = {n}")
    ax.axvline(n - 0.5, color="C3", lw=0.8, ls=":")
    ax.set(xlabel="index u", ylim=(-9, 9), title=f"N = {n}: {'wraps around' if n < 63 else 'exact'}")
    style.mark_clipped(ax)
    style.legend_outside(ax, "below", ncols=1)
    idx = np.arange(len(fft))
    ax2.semilogy(idx[err > 0], err[err > 0], "o", color="C3", ms=3, label="|FFT − linear|")
    if (err == 0).any():   # log axes cannot show 0: drawn on the bottom edge, and said so
        ax2.semilogy(idx[err == 0], np.full((err == 0).sum(), 1e-17), "x", color="C0", ms=4,
                     label="exactly 0 (drawn on the bottom edge)")
    ax2.set(ylim=(1e-17, 1e2), xlim=(-1, 64), xlabel="index u", title=f"max error {err.max():.1e}")
    style.mark_clipped(ax2)
    style.legend_outside(ax2, "below", ncols=1)
    return fig


def fft_length_explorer() -> Explorer:
    return Explorer(plot_fft_wraparound, [Control("n", [32, 36, 40, 44, 48, 52, 56, 60, 62, 63, 64, 72], start=4,
                                                  label="transform length N")],
                    title="Convolution by FFT: a transform shorter than n_f + n_g − 1 wraps the tail onto the head")


@styled
def plot_toeplitz(h=(1.0, 2.0, -1.0), D: int = 10) -> Figure:
    r"""The matrix of a valid 1-D convolution (Toeplitz and banded) beside that of a 2-D one (doubly block Toeplitz)."""
    D = require_int("D", D, minimum=len(h))
    W = op.toeplitz_matrix(list(h), D).numpy()
    M = op.conv2d_matrix([[1.0, 2.0], [-1.0, 0.5]], 4, 5).numpy()
    fig = style.figure(3.4)
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1, 1.6])
    lim = max(abs(W).max(), abs(M).max())
    norm = Normalize(-lim, lim)
    im = ax.imshow(W, cmap="RdBu_r", norm=norm)
    ax.set(title=f"1-D, kernel {list(h)}: {W.shape[0]}×{W.shape[1]}", xlabel="input j", ylabel="output k")
    ax2.imshow(M, cmap="RdBu_r", norm=norm)
    ax2.set(title="2-D, 2×2 kernel on 4×5 images: 12×20", xlabel="input pixel", ylabel="output pixel")
    style.colorbar(im, [ax, ax2], label="matrix entry")
    return fig


@styled
def plot_kernel_matrices() -> Figure:
    r"""Two integral operators on one grid: the Fourier kernel :math:`\cos 2\pi ut` oscillates everywhere; a
    convolution kernel :math:`h(u-t)` is constant along diagonals."""
    grid = np.linspace(-2, 2, 81)
    F_ = op.kernel_matrix(lambda u, t: np.cos(2 * np.pi * u * t), grid, grid).numpy()
    H = op.kernel_matrix(lambda u, t: np.exp(-np.abs(u - t)) * np.cos(3 * (u - t)), grid, grid).numpy()
    fig = style.figure(3.4)
    axes = fig.subplots(1, 2)
    extent = (-2, 2, 2, -2)
    norm = Normalize(-1, 1)
    for ax, A, title in ((axes[0], F_, "Fourier: Re H(u,t) = cos 2πut"), (axes[1], H, "convolution: H(u,t) = h(u − t)")):
        im = ax.imshow(A, cmap="RdBu_r", norm=norm, extent=extent)
        ax.set(title=title, xlabel="t", ylabel="u")
    style.colorbar(im, axes, label="H(u, t)")
    return fig


@styled
def plot_lsi_projection(seed: int = 0, N: int = 8) -> Figure:
    r"""A random matrix, and its average over all cyclic shifts: the average commutes with shifts and is circulant."""
    N = require_int("N", N, minimum=2)
    T = torch.as_tensor(np.random.default_rng(seed).normal(size=(N, N)))
    P = op.shift_equivariant_part(T).numpy()
    fig = style.figure(3.3)
    axes = fig.subplots(1, 2)
    norm = Normalize(-float(abs(T).max()), float(abs(T).max()))
    for ax, A, title in ((axes[0], T.numpy(), "a linear map T"), (axes[1], P, "(1/N) Σ S⁻ᵏ T Sᵏ: circulant")):
        im = ax.imshow(A, cmap="RdBu_r", norm=norm)
        ax.set(title=title, xlabel="input j", ylabel="output u")
    style.colorbar(im, axes, label="entry")
    return fig
