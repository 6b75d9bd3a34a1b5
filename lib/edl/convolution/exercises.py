"""Exercises of chapter 4 (convolution, convolutional layers, their gradients, word embeddings); each
reference is an independent route (numpy, autograd, root finding, or the experiment itself)."""

import math

import numpy as np
import scipy.optimize
import torch

from edl.convolution.layers import measured_receptive_field
from edl.core.exercises import exercise


@exercise("ch04.ex.valid-correlation", function="valid_correlation", kind="implement",
          title="A convolutional layer in one line of loops",
          cases=[([1.0, 2.0, 3.0, 4.0], [1.0, -1.0]), ([0.5, -1.0, 2.0, 0.0, 3.0], [1.0, 2.0, 3.0]),
                 ([2.0, 3.0], [1.0, 1.0]),                                   # kernel as long as the input: one output
                 ([1.0, 0.0, 0.0, 0.0], [4.0])],
          atol=1e-12, rtol=1e-12,
          hint="y[i] = Σ_k w[k] x[i + k] for i = 0 .. n − K: the kernel is not flipped")
def _valid_correlation(x, w):
    return np.correlate(np.asarray(x, float), np.asarray(w, float), "valid")


@exercise("ch04.ex.stacked-receptive-field", function="stacked_receptive_field", kind="derive",
          title="The receptive field of L identical strided layers",
          tight=[(3, 1, 4), (5, 2, 1)],      # stride 1: linear growth 1 + L(k − 1); one layer: the kernel itself
          cases=[(3, 2, 3), (3, 2, 5), (2, 2, 4), (3, 3, 3), (1, 2, 5)], atol=0, rtol=0,
          hint="unroll r_{l-1} = s r_l + (k − s) from r_L = 1; the sum is geometric (treat s = 1 separately)")
def _stacked_receptive_field(k, s, L):
    # Independent route: the support of the gradient of the centre unit, measured by autograd.
    return int((measured_receptive_field([k] * L, [s] * L, n=400) != 0).sum())


STRIDE_OUTCOMES = {
    "a": "the output is shifted by the same number of samples as the input",
    "b": "the output is shifted by fewer samples than the input (shift divided by the stride)",
    "c": "the output changes, and is not a shifted copy of the old output",
    "d": "the output does not change",
}


@exercise("ch04.ex.stride-shift", function="stride_shift_prediction", kind="predict",
          title="Shifting the input of a strided layer", choices=STRIDE_OUTCOMES,
          cases=[(1, 1), (2, 2), (2, 1), (3, 3), (3, 2), (1, 3)],
          hint="write output j of a stride-s layer in terms of the input around position s·j",
          explanation="Output j of a stride-s layer sees the input around s·j. Shifting the input by Δ moves every "
                      "window by Δ, which is again a window of the layer only when Δ is a multiple of s: then the "
                      "output moves by Δ/s (b; with s = 1 that is the same shift, a). Otherwise the windows fall "
                      "between the old ones and the layer computes values it never computed before (c). Strided "
                      "layers, and pooling with a stride, are equivariant only to shifts by multiples of the stride.")
def _stride_shift(stride, shift):
    # Independent route: run a circularly padded strided convolution on a random signal and compare.
    rng = np.random.default_rng(0)
    x, w = torch.tensor(rng.normal(size=24)), torch.tensor(rng.normal(size=3))

    def layer(z):
        z = torch.cat([z[-1:], z, z[:1]])        # circular padding by 1
        return torch.nn.functional.conv1d(z[None, None], w[None, None], stride=stride)[0, 0]
    before, after = layer(x), layer(torch.roll(x, shift))
    if torch.allclose(after, before, atol=1e-12):
        return "d"
    moved = [m for m in range(1, len(before)) if torch.allclose(after, torch.roll(before, m), atol=1e-12)]
    if shift in moved:
        return "a"
    return "b" if moved else "c"


# --- a kernel gradient without its flip --------------------------------------------------------------

CONV_GRADIENT_BUGGY = '''\
def conv_kernel_gradient(x, G):
    "∂L/∂w of the valid true convolution y[i,j] = Σ_kl w[k,l] x[i+q-1-k, j+q-1-l], given G = ∂L/∂y."
    x, G = np.asarray(x, dtype=float), np.asarray(G, dtype=float)
    r = G.shape[0]
    q = x.shape[0] - r + 1
    grad = np.zeros((q, q))
    for a in range(q):
        for b in range(q):
            grad[a, b] = np.sum(G * x[a:a + r, b:b + r])     # the inputs that w[a, b] multiplies
    return grad
'''


@exercise("ch04.ex.conv-gradient-debug", function="conv_kernel_gradient", kind="debug",
          title="A kernel gradient that trains the mirror image", buggy=CONV_GRADIENT_BUGGY,
          cases=[([[1.0, 2.0], [3.0, 4.0]], [[1.0]]),                                     # a 1×1 output: q = d
                 ([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0], [2.0, 1.0, 1.0]], [[1.0, 0.0], [0.0, 0.0]]),
                 ([[0.5, -1.0, 2.0, 0.0], [1.0, 0.0, -2.0, 1.0], [3.0, 1.0, 0.0, -1.0], [0.0, 2.0, 1.0, 1.0]],
                  [[1.0, -1.0, 0.5], [0.0, 2.0, 1.0], [1.0, 0.0, -1.0]]),
                 ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]], [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0], [1.0, 1.0, 1.0]])],
          atol=1e-10, rtol=1e-8,
          hint="write out which x multiplies w[a, b] in y[i, j]; the comment in the loop says something else",
          explanation="In the true convolution w[a, b] multiplies x[i+q-1-a, j+q-1-b], so the slice must start at "
                      "q-1-a, not a: the gradient is the correlation of G with the input rotated by 180°. Without the "
                      "flip every weight receives the gradient of its mirror image; the shapes are right, and a 1×1 "
                      "kernel or a symmetric input hides the bug.")
def _conv_kernel_gradient(x, G):
    # Independent route: autograd through F.conv2d with the flipped kernel (a true convolution).
    x, G = torch.tensor(x, dtype=torch.float64), torch.tensor(G, dtype=torch.float64)
    q = x.shape[0] - G.shape[0] + 1
    w = torch.zeros(q, q, dtype=torch.float64, requires_grad=True)
    y = torch.nn.functional.conv2d(x[None, None], torch.flip(w, (0, 1))[None, None])[0, 0]
    return torch.autograd.grad((G * y).sum(), w)[0].numpy()


@exercise("ch04.ex.fft-wrapped-entries", function="wrapped_entries", kind="explore",
          title="How many entries does a short FFT corrupt?",
          explorer="edl.convolution.figures.operator.fft_length_explorer",
          cases=[(48,), (60,), (63,), (32,), (72,)], atol=0, rtol=0,
          hint="count the points of the right-hand panel that sit far above the rounding floor of 1e-15")
def _wrapped_entries(n):
    from edl.convolution.figures.operator import fft_wraparound_data   # the explorer's own data
    _, _, err = fft_wraparound_data(n)
    return int((err > 1e-9).sum())


@exercise("ch04.ex.sgns-scores", function="sgns_scores", kind="implement",
          title="The dot products skip-gram with negative sampling learns",
          cases=[([[10.0, 2.0], [3.0, 5.0]], 1.0), ([[10.0, 2.0], [3.0, 5.0]], 5.0),
                 ([[4.0, 4.0, 4.0], [4.0, 4.0, 4.0], [4.0, 4.0, 4.0]], 2.0),           # independent words: PMI = 0
                 ([[1.0, 7.0, 2.0], [5.0, 1.0, 9.0], [3.0, 3.0, 3.0]], 15.0)],
          atol=1e-8, rtol=1e-8,
          hint="PMI(w, c) = log(#(w,c)|D| / (#(w)#(c))), with #(w) a row sum, #(c) a column sum, |D| the total")
def _sgns_scores(counts, k):
    # Independent route: maximise each pair's objective by root finding on its derivative.
    C = np.asarray(counts, float)
    total, row, col = C.sum(), C.sum(1), C.sum(0)

    def optimum(i, j):
        neg = k * row[i] * col[j] / total
        return scipy.optimize.brentq(lambda s: C[i, j] / (1 + math.exp(s)) - neg / (1 + math.exp(-s)), -60, 60,
                                     xtol=1e-14)
    return np.array([[optimum(i, j) for j in range(C.shape[1])] for i in range(C.shape[0])])
