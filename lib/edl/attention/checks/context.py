"""Checks of ``edl.attention.context`` (book labels ``attn.nonlocal``, ``attn.complexity``,
``attn.seq2seq-attention``, ``attn.contextual-embeddings``) and of the erratum there.

Independent routes: ``torch.nn.functional.conv1d`` with zero padding and ``scaled_dot_product_attention``;
``torch.utils.flop_counter.FlopCounterMode`` on explicit attention, a recurrent cell and ``F.conv1d``;
breadth-first search (``networkx``) on the dependency graph of a stack of layers; autograd through
``torch.nn.RNN``; ``torch.nn.LSTM`` (bidirectional, two layers) and a linear programme for convex hulls.
"""


import networkx as nx
import numpy as np
import scipy.optimize
import torch
import torch.nn.functional as F
from torch.utils.flop_counter import FlopCounterMode

from edl.attention import context as cx
from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula


@formula("attn.nonlocal", reference="torch.nn.functional.conv1d (zero padding) and scaled_dot_product_attention(X, X, X)")
def check_nonlocal(conv=cx.offset_convolution) -> CheckResult:
    rng = np.random.default_rng(79)
    n, c, k = 9, 3, 2
    x, g = f64(rng.normal(size=(n, c))), f64(rng.normal(size=(2 * k + 1, 4, c)))
    ref = F.conv1d(x.T[None], g.permute(1, 2, 0), padding=k)[0].T                  # w[:, :, m] is g(m - k)
    X = f64(rng.normal(size=(2, 7, 5)))
    h = conv(x, g, k)
    return all_of(check_close(h[k:n - k], ref[k:n - k], atol=1e-12, what="n = 9, k = 2: interior vs F.conv1d"),
                  check_close(h, ref, atol=1e-12, what="every position, borders included (zero padding)"),
                  check_close(cx.nonlocal_attention(X), F.scaled_dot_product_attention(X, X, X), atol=1e-12,
                              what="non-local weighting vs SDPA(X, X, X)"))


@erratum("ch04-08:ERR-33", wrong=r"h_i=\sum_{j=-i+1}^{n-i}g(i+j)\,x_j", right=r"h_i=\sum_{j=1-i}^{n-i}g(j)\,x_{i+j}=\sum_{m=1}^ng(m-i)\,x_m",
         why="With j running over offsets, x_j reads positions 1 − i … 0 that do not exist and g(i + j) is the "
             "kernel at an absolute position: the layer is no longer a convolution.")
def seed_offset_indices_mixed() -> CheckResult:
    def wrong(x, g, k):
        n = x.shape[0]
        h = torch.zeros(n, g.shape[1], dtype=x.dtype)
        for i in range(1, n + 1):
            for j in range(1 - i, n - i + 1):                      # offsets, as in the formula
                if 1 <= j <= n and abs(i + j) <= k:                # x_j exists only for 1 <= j <= n
                    h[i - 1] = h[i - 1] + g[k + i + j] @ x[j - 1]
        return h
    return check_nonlocal(conv=wrong)


def _flops(fn) -> int:
    with FlopCounterMode(display=False) as counter:
        fn()
    return counter.get_total_flops()


def _slope(ns, values) -> float:
    return float(np.polyfit(np.log(ns), np.log(values), 1)[0])


def _path(kind: str, n: int, k: int) -> int:
    """Shortest path from position 0 to position n - 1 in the dependency graph, by breadth-first search."""
    G = nx.DiGraph()
    if kind == "recurrent":                                         # h_i -> h_(i+1) inside one layer
        G.add_edges_from((i, i + 1) for i in range(n - 1))
        G.add_node(0)
        return nx.shortest_path_length(G, 0, n - 1)
    if kind == "attention":                                          # every input feeds every output
        G.add_edges_from(((0, j), (1, i)) for i in range(n) for j in range(n))
        return nx.shortest_path_length(G, (0, 0), (1, n - 1))
    depth = n                                                       # causal kernels: output i reads i-k+1 .. i
    G.add_edges_from(((layer, j), (layer + 1, i)) for layer in range(depth) for i in range(n)
                     for j in range(max(0, i - k + 1), i + 1))
    reach = nx.single_source_shortest_path_length(G, (0, 0))
    return min(layer for layer in range(depth + 1) if (layer, n - 1) in reach) if n > 1 else 0


@formula("attn.complexity", reference="torch.utils.flop_counter.FlopCounterMode; breadth-first search (networkx)")
@torch.no_grad()
def check_complexity(flops=cx.layer_flops, path=cx.max_path_length) -> CheckResult:
    d, ns = 16, [8, 16, 32, 64]
    g = torch.Generator().manual_seed(80)
    W_ih, W_hh, w = (torch.randn(*s, generator=g) for s in ((d, d), (d, d), (d, d, 3)))
    counted = {"attention": [], "recurrent": [], "convolution": []}
    for n in ns:
        x = torch.randn(n, d, generator=g)

        def attention():
            torch.softmax(x @ x.T, -1) @ x

        def recurrent():
            h = torch.zeros(d)
            for t in range(n):
                h = torch.tanh(x[t] @ W_ih.T + h @ W_hh.T)
        counted["attention"].append(_flops(attention))
        counted["recurrent"].append(_flops(recurrent))
        counted["convolution"].append(_flops(lambda: F.conv1d(x.T[None], w, padding=1)))
    parts = [holds(counted[kind] == [flops(kind, n, d) for n in ns],
                   f"{kind}: counted FLOPs = formula for n = 8..64 (slope {_slope(ns, counted[kind]):.2f})",
                   f"{kind}: counted {counted[kind]}, formula {[flops(kind, n, d) for n in ns]}")
             for kind in counted]
    cases = [(kind, n, k) for kind in ("attention", "recurrent", "convolution") for n in (2, 9, 16) for k in (2, 3, 5)]
    wrong = [c for c in cases if path(*c) != _path(*c)]
    parts.append(holds(not wrong, f"max path length = BFS distance in {len(cases)} graphs (n = 2, 9, 16; k = 2, 3, 5)",
                       f"path lengths differ from BFS at {wrong[:3]}"))
    return all_of(*parts)


def _gradient_ratio(seed: int, T: int = 30) -> float:
    """‖∂L/∂x_1‖ with the attention read-out over ‖∂L/∂x_1‖ with the last state, L = q · read-out."""
    torch.manual_seed(seed)
    rnn = torch.nn.RNN(4, 16, dtype=torch.float64)
    q = torch.randn(16, dtype=torch.float64)
    norms = []
    for attend in (True, False):
        x = torch.randn(T, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(seed)).requires_grad_()
        H, _ = rnn(x)                                                # (T, 16)
        readout = cx.attention_context(q, H)[0] if attend else H[-1]
        (grad,) = torch.autograd.grad(q @ readout, x)
        norms.append(float(grad[0].norm()))
    return norms[0] / norms[1]


@formula("attn.seq2seq-attention", reference="autograd through torch.nn.RNN (T = 30, 5 seeds); explicit sums over states")
def check_seq2seq_attention(context=cx.attention_context) -> CheckResult:
    rng = np.random.default_rng(81)
    xi, H = f64(rng.normal(size=(3, 6))), f64(rng.normal(size=(8, 6)))
    c, alpha = context(xi, H)
    xs, Hs = xi.numpy(), H.numpy()
    explicit = np.array([[np.exp(xs[i] @ Hs[t]) for t in range(8)] for i in range(3)])
    explicit /= explicit.sum(1, keepdims=True)
    perm = [7, 3, 0, 6, 1, 5, 2, 4]
    ratios = [_gradient_ratio(s) for s in range(5)]
    return all_of(check_close(alpha, explicit, atol=1e-12, what="α_it = e^(ξ·h_t)/Σ e^(ξ·h) by hand"),
                  check_close(c, explicit @ H.numpy(), atol=1e-12, what="c^i = Σ_t α_it h_t"),
                  check_close(context(xi, H[perm])[0], c, atol=1e-12, what="c invariant to permuting the encoder states"),
                  holds(min(ratios) > 1e3, "tanh RNN, T = 30: ‖∂L/∂x_1‖ over 1000× larger through attention (5 seeds)",
                        f"gradient ratios {[f'{r:.2g}' for r in ratios]}"))


def _in_hull(points: np.ndarray, y: np.ndarray) -> bool:
    m = points.shape[0]
    res = scipy.optimize.linprog(np.zeros(m), A_eq=np.vstack([points.T, np.ones((1, m))]), b_eq=np.append(y, 1.0),
                                 bounds=[(0, None)] * m, method="highs")
    return res.status == 0


@formula("attn.contextual-embeddings", reference="torch.nn.LSTM(bidirectional, 2 layers); convex hull by linear programming")
@torch.no_grad()
def check_contextual_embeddings(mix=cx.elmo_mix) -> CheckResult:
    torch.manual_seed(82)
    T, e, h = 7, 5, 5
    lstm = torch.nn.LSTM(e, h, num_layers=2, bidirectional=True, dtype=torch.float64)
    x = torch.randn(T, e, dtype=torch.float64)
    first = torch.nn.LSTM(e, h, bidirectional=True, dtype=torch.float64)
    second = torch.nn.LSTM(2 * h, h, bidirectional=True, dtype=torch.float64)
    for layer, module in ((0, first), (1, second)):
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            for sfx in ("", "_reverse"):
                getattr(module, f"{name}_l0{sfx}").copy_(getattr(lstm, f"{name}_l{layer}{sfx}"))
    h1, h2 = first(x)[0], second(first(x)[0])[0]                           # (T, 2h) each
    layers = torch.stack([torch.cat([x, x], 1), h1, h2])                    # token layer + L = 2 layers
    distinct = [x, h1[:, :h], h1[:, h:], h2[:, :h], h2[:, h:]]
    w = torch.tensor([0.3, -1.0, 2.0], dtype=torch.float64)
    out = mix(layers, w)
    hull = all(_in_hull(layers[:, k].numpy(), out[k].numpy()) for k in range(T))
    return all_of(check_close(h2, lstm(x)[0], atol=1e-12, what="two stacked biLSTM layers = nn.LSTM(num_layers=2)"),
                  holds(len(distinct) == 2 * 2 + 1, "2L + 1 = 5 vectors per token for L = 2", f"{len(distinct)} vectors"),
                  holds(hull, "ELMo_k/γ in the convex hull of the 3 layer vectors for all 7 tokens (LP)",
                        "some ELMo_k/γ lies outside the convex hull"),
                  check_close(mix(layers, w, gamma=2.5), 2.5 * out, atol=1e-12, what="γ scales the mixture"),
                  check_close(mix(layers, torch.tensor([0.0, 0.0, 60.0], dtype=torch.float64)), h2, atol=1e-12,
                              what="a dominant score selects its layer"))
