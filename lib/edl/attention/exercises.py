"""Exercises of chapter 6 (attention, masks, positional encodings, the cost of a layer); each reference is an
independent route (PyTorch's scaled_dot_product_attention, Gauss–Hermite quadrature, complex exponentials,
breadth-first search, or the explorer's own data)."""

import math

import networkx as nx
import numpy as np
import torch
import torch.nn.functional as F

from edl.core.exercises import exercise


@exercise("ch06.ex.causal-attention", function="causal_attention", kind="implement",
          title="Causal attention in a few lines",
          cases=[([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [0.0, 1.0], [1.0, -1.0]], [[1.0], [2.0], [3.0]]),
                 ([[0.5, -1.0, 2.0]], [[1.0, 1.0, 1.0]], [[4.0, -4.0]]),                  # one token: its own value
                 ([[2.0], [0.0], [-1.0], [3.0]], [[1.0], [2.0], [0.5], [-1.0]],
                  [[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 2.0]])],
          atol=1e-12, rtol=1e-10,
          hint="scores QKᵀ/√d_k, then −∞ above the diagonal (np.triu(..., 1)), a stable softmax per row, times V")
def _causal_attention(Q, K, V):
    Q, K, V = (torch.tensor(x, dtype=torch.float64) for x in (Q, K, V))
    return F.scaled_dot_product_attention(Q, K, V, is_causal=True).numpy()


@exercise("ch06.ex.dot-variance", function="dot_variance", kind="derive",
          title="The variance of a dot product, and the scale that undoes it",
          tight=[(1, 1.0, 1.0), (64, 1.0, 1.0)],
          cases=[(4, 0.5, 2.0), (16, 2.0, 0.25), (3, 1.5, 1.5), (100, 0.1, 3.0)], atol=1e-10, rtol=1e-10,
          hint="q·k is a sum of d independent products q_i k_i; each has mean 0 and E[(q_i k_i)²] = E q_i² · E k_i²")
def _dot_variance(d, sigma_q, sigma_k):
    # Independent route: E[(q k)²] for one coordinate by Gauss–Hermite quadrature, times d independent terms.
    x, w = np.polynomial.hermite_e.hermegauss(8)
    w = w / w.sum()
    second = (w * (sigma_q * x) ** 2).sum() * (w * (sigma_k * x) ** 2).sum()
    return d * second


MASK_OUTCOMES = {
    "a": "only the output row of the last token changes",
    "b": "every output row changes",
    "c": "no output row changes",
    "d": "every row except the last changes",
}


@exercise("ch06.ex.mask-leak", function="rows_that_change", kind="predict",
          title="Which outputs move when the last token changes?", choices=MASK_OUTCOMES,
          cases=[("additive",), ("multiplicative",), ("none",)],
          hint="for row i, ask which logits of row i depend on the last token, and what weight each gets after "
               "the softmax",
          explanation="With the additive mask the future logits are −∞, their weights exactly 0, so row i < T − 1 "
                      "never sees the last token (a). A 0/1 mask multiplied into the logits turns the future logits "
                      "into 0, and e⁰ = 1 is a weight like any other: the last token's value enters every row (b), "
                      "as it does without any mask.")
def _rows_that_change(mask):
    # Independent route: run attention on 5 random tokens, change the last one, and compare the rows.
    g = torch.Generator().manual_seed(6)
    Q, K, V = (torch.randn(5, 4, generator=g, dtype=torch.float64) for _ in range(3))
    upper = torch.ones(5, 5, dtype=torch.bool).triu(1)

    def attend(Q, K, V):
        logits = Q @ K.T / 2.0
        if mask == "additive":
            logits = logits.masked_fill(upper, -math.inf)
        elif mask == "multiplicative":
            logits = logits * (~upper)
        return torch.softmax(logits, -1) @ V
    before = attend(Q, K, V)
    K2, V2 = K.clone(), V.clone()
    K2[-1], V2[-1] = K2[-1] + 1.0, V2[-1] + 1.0
    changed = (attend(Q, K2, V2) - before).abs().amax(1) > 1e-12
    if not changed.any():
        return "c"
    if changed.all():
        return "b"
    return "a" if changed.tolist() == [False] * 4 + [True] else "d"


@exercise("ch06.ex.entropy-scale", function="first_scale_below", kind="explore",
          title="How hot is too hot?", explorer="edl.attention.figures.mechanism.temperature_explorer",
          cases=[(64,), (4,), (256,)], atol=0, rtol=0,
          hint="read the right-hand panel: the first marker of the width-d curve below 0.5 nats")
def _first_scale_below(d):
    from edl.attention.figures.mechanism import SCALES, temperature_entropy_data   # the explorer's own data
    curve = temperature_entropy_data(1.0, d)["entropy"][d]
    return next(s for s, h in zip(SCALES, curve) if h < 0.5)


SINUSOID_BUGGY = '''\
def sinusoidal(T, d, C=10000.0):
    "Sinusoidal positional encoding: sin in even columns, cos in odd columns."
    E = np.zeros((T, d))
    for t in range(T):
        for k in range(d):
            omega = C ** (-k / d)
            E[t, k] = np.sin(t * omega) if k % 2 == 0 else np.cos(t * omega)
    return E
'''


@exercise("ch06.ex.sinusoid-debug", function="sinusoidal", kind="debug",
          title="An encoding whose shifts are not rotations", buggy=SINUSOID_BUGGY,
          cases=[(4, 2), (6, 4), (50, 16), (1, 8)], atol=1e-12, rtol=1e-10,
          hint="columns 2j and 2j + 1 must share one frequency; which exponent does column 2j + 1 use here?",
          explanation="Column 2j + 1 used the frequency C^(−(2j+1)/d), not that of its sine partner C^(−2j/d). "
                      "Each column is a fine sinusoid, so plots look right, but a shift by Δ no longer turns each "
                      "(sin, cos) pair by one angle: E_(t+Δ) is not a fixed linear map of E_t.")
def _sinusoidal(T, d, C=10000.0):
    # Independent route: imaginary and real parts of exp(i t ω_j), ω_j geometric from 1 to C^(-(d-2)/d).
    omega = np.geomspace(1.0, C ** (-(d - 2) / d), d // 2) if d > 2 else np.ones(1)
    Z = np.exp(1j * np.arange(T)[:, None] * omega)
    E = np.empty((T, d))
    E[:, 0::2], E[:, 1::2] = Z.imag, Z.real
    return E


@exercise("ch06.ex.conv-path", function="conv_path_length", kind="derive",
          title="How many convolutions until the first token reaches the last?",
          tight=[(9, 2), (2, 5)],            # k = 2: one position per layer; two tokens: one layer
          cases=[(16, 3), (9, 3), (10, 4), (100, 5), (3, 7)], atol=0, rtol=0,
          hint="after L causal layers of kernel k, output i reads inputs i − L(k − 1) … i")
def _conv_path_length(n, k):
    # Independent route: breadth-first search on the layered dependency graph.
    G = nx.DiGraph()
    G.add_edges_from(((layer, j), (layer + 1, i)) for layer in range(n) for i in range(n)
                     for j in range(max(0, i - k + 1), i + 1))
    reach = nx.single_source_shortest_path_length(G, (0, 0))
    return min(layer for layer in range(n + 1) if (layer, n - 1) in reach)
