"""Checks of ``edl.attention.mechanism`` (book labels ``attn.mixing`` … ``attn.linear-attention``) and of the
errata there.

Independent routes: ``torch.nn.functional.scaled_dot_product_attention`` (with ``is_causal``), explicit loops,
a linear programme (convex-hull membership, ``scipy.optimize.linprog``), the SVD rank, autograd Jacobians,
Monte Carlo within its standard error, and the quadratic form of linear attention built from its definition.
"""

import math

import numpy as np
import scipy.optimize
import torch
import torch.nn.functional as F

from edl.attention import mechanism as ma
from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds
from edl.core.ledger import erratum, formula


def _rng(seed: int) -> np.random.Generator:
    return np.random.default_rng(seed)


# --- mixing and matching ------------------------------------------------------------------------------

def _in_hull(points: np.ndarray, y: np.ndarray) -> bool:
    """Is y a convex combination of the columns of points? (an LP feasibility problem)"""
    T = points.shape[1]
    res = scipy.optimize.linprog(np.zeros(T), A_eq=np.vstack([points, np.ones((1, T))]), b_eq=np.append(y, 1.0),
                                 bounds=[(0, None)] * T, method="highs")
    return res.status == 0


@formula("attn.mixing", reference="a loop over Σ_t a_st W x_t; convex hull by linear programming")
def check_mixing(mixing=ma.mix) -> CheckResult:
    rng = _rng(60)
    n, T = 6, 9
    X, W = rng.normal(size=(n, T)), rng.normal(size=(2, n))
    A = rng.dirichlet(np.ones(T), size=T)
    Y = mixing(f64(X), f64(A), f64(W))
    loop = np.array([[sum(A[s, t] * (W @ X[:, t])[i] for t in range(T)) for s in range(T)] for i in range(2)])
    hull = all(_in_hull(W @ X, np.asarray(Y[:, s])) for s in range(T))
    onehot = np.eye(T)[[3, 0, 8]]
    return all_of(check_close(Y, loop, atol=1e-12, what="T = 9, n = 6: W X Aᵀ and the loop over t"),
                  holds(hull, "each y_s in the convex hull of {W x_t} (LP feasible)", "some y_s lies outside the hull"),
                  check_close(mixing(f64(X), f64(onehot), f64(W)), (W @ X)[:, [3, 0, 8]], atol=1e-12,
                              what="one-hot rows of A pick W x_3, W x_0, W x_8"))


@formula("attn.query-key", reference="numpy matrix_rank (SVD) and a loop of dot products q_s · k_t")
def check_query_key(scores=ma.query_key_scores) -> CheckResult:
    rng = _rng(61)
    n, T = 6, 9
    X = rng.normal(size=(n, T))
    parts = []
    for q in (1, 2, 4):
        UQ, UK = rng.normal(size=(q, n)), rng.normal(size=(q, n))
        S = scores(f64(X), f64(UQ), f64(UK))
        loop = np.array([[np.dot(UQ @ X[:, s], UK @ X[:, t]) for t in range(T)] for s in range(T)])
        rank = np.linalg.matrix_rank(np.asarray(S))
        parts += [check_close(S, loop, atol=1e-12, what=f"q = {q}: Qᵀ K and the dot-product loop"),
                  holds(rank == q, f"rank {rank} = q", f"rank {rank}, not q = {q}")]
    return all_of(*parts)


# --- softmax attention ---------------------------------------------------------------------------------

@formula("attn.softmax-attention", reference="torch.nn.functional.scaled_dot_product_attention in float64")
def check_softmax_attention(attention=ma.softmax_attention) -> CheckResult:
    rng = _rng(62)
    Q, K, V = f64(rng.normal(size=(5, 4))), f64(rng.normal(size=(5, 4))), f64(rng.normal(size=(5, 3)))
    Qb, Kb, Vb = f64(rng.normal(size=(2, 3, 6, 8))), f64(rng.normal(size=(2, 3, 7, 8))), f64(rng.normal(size=(2, 3, 7, 2)))
    A = ma.attention_weights(Q, K)
    return all_of(check_close(attention(Q, K, V), F.scaled_dot_product_attention(Q, K, V), atol=1e-12,
                              what="T = 5, d_k = 4, d_v = 3 vs SDPA"),
                  check_close(attention(Qb, Kb, Vb), F.scaled_dot_product_attention(Qb, Kb, Vb), atol=1e-12,
                              what="batch 2 × 3 heads, 6 queries, 7 keys"),
                  check_close(attention(Q, K, V, beta=2.0), F.scaled_dot_product_attention(Q, K, V, scale=2.0),
                              atol=1e-12, what="β = 2 vs SDPA(scale=2)"),
                  check_close(A.sum(-1), torch.ones(5, dtype=torch.float64), atol=1e-14, what="row sums of A"))


@erratum("ch04-08:ERR-30", wrong=r"A(Q,K,V)=\mathrm{softmax}(QK^\top V)",
         right=r"A(Q,K,V)=\mathrm{softmax}\big(QK^\top/\sqrt{d_k}\big)\,V",
         why="The values must be mixed after the softmax: softmax(QKᵀV) normalises across the value features, "
             "so the output is a probability vector per token instead of a mixture of values (and the shapes "
             "only fit when d_v = T).")
def seed_softmax_of_product() -> CheckResult:
    return check_softmax_attention(attention=lambda Q, K, V, beta=None: torch.softmax(Q @ K.transpose(-1, -2) @ V, -1))


@formula("attn.scaling", reference="Monte Carlo within 4 SE (2·10⁴ pairs, d ≤ 256); torch.autograd Jacobian of softmax")
def check_scaling(logits=ma.dot_logits, jacobian=ma.softmax_jacobian) -> CheckResult:
    g = torch.Generator().manual_seed(63)
    parts = []
    for d in (4, 64, 256):
        raw, scaled = [], []
        for _ in range(4):                                  # 4 chunks of 5,000 pairs keep the memory small
            q, k = torch.randn(5000, d, generator=g, dtype=torch.float64), torch.randn(5000, d, generator=g, dtype=torch.float64)
            raw.append(logits(q, k, scaled=False) ** 2 / d)
            scaled.append(logits(q, k) ** 2)
        parts += [check_monte_carlo(torch.cat(raw), 1.0, what=f"d = {d}: E(q·k)²/d = 1"),
                  check_monte_carlo(torch.cat(scaled), 1.0, what="E(q·k/√d)² = 1")]
    z = torch.randn(6, generator=g, dtype=torch.float64)
    auto = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), z)
    parts.append(check_close(jacobian(torch.softmax(z, 0)), auto, atol=1e-14, what="diag(s) − ssᵀ vs autograd"))
    q, K = torch.randn(1024, generator=g, dtype=torch.float64), torch.randn(16, 1024, generator=g, dtype=torch.float64)
    flat = float(torch.linalg.norm(jacobian(torch.softmax(K @ q, 0))))
    live = float(torch.linalg.norm(jacobian(torch.softmax(K @ q / 32.0, 0))))
    parts.append(holds(flat < 1e-3 < 0.1 < live, "d = 1024, 16 keys: ‖J‖_F < 1e-3 unscaled, > 0.1 with 1/√d",
                       f"‖J‖_F = {flat:.2g} unscaled, {live:.2g} scaled"))
    return all_of(*parts)


@formula("attn.kv-map", reference="rows of torch.nn.functional.scaled_dot_product_attention")
def check_kv_map(kv=ma.kv_attention) -> CheckResult:
    rng = _rng(64)
    Q, K, V = f64(rng.normal(size=(4, 5))), f64(rng.normal(size=(7, 5))), f64(rng.normal(size=(7, 3)))
    ref = F.scaled_dot_product_attention(Q, K, V)
    rows = torch.stack([kv(Q[i], K, V) for i in range(4)])
    return all_of(check_close(rows, ref, atol=1e-12, what="4 queries, 7 key–value pairs, n = 5: F(ξ, ·) vs SDPA rows"),
                  check_close(kv(K[2] * 1e3, K, V), V[torch.argmax(K @ K[2])], atol=1e-9,
                              what="a query 1000 × a key reads that key's value"))


# --- masks ---------------------------------------------------------------------------------------------

def _causal(Q, K, V):
    return ma.softmax_attention(Q, K, V, mask=ma.causal_mask(Q.shape[-2]))


@formula("attn.causal-mask", reference="scaled_dot_product_attention(is_causal=True); perturbing the last token")
def check_causal_mask(masked=_causal) -> CheckResult:
    rng = _rng(65)
    L = 5
    Q, K, V = f64(rng.normal(size=(L, 8))), f64(rng.normal(size=(L, 8))), f64(rng.normal(size=(L, 8)))
    out = masked(Q, K, V)
    K2, V2, Q2 = K.clone(), V.clone(), Q.clone()
    K2[-1], V2[-1], Q2[-1] = K2[-1] + 3.0, V2[-1] - 5.0, Q2[-1] + 1.0
    change = float((masked(Q2, K2, V2)[:-1] - out[:-1]).abs().max())
    return all_of(check_close(out, F.scaled_dot_product_attention(Q, K, V, is_causal=True), atol=1e-12,
                              what="L = 5, additive −∞ mask vs SDPA(is_causal=True)"),
                  holds(change == 0.0, "rows 0..3 unchanged exactly when token 4 changes",
                        f"rows 0..3 change by {change:.2g} when only token 4 changes"))


@erratum("ch04-08:ERR-31", wrong=r"H=\mathrm{softmax}\big((QK^\top\odot M)/\sqrt q\big)V,\ M_{ij}=\mathbb 1[j\le i]",
         right=r"H=\mathrm{softmax}\big(QK^\top/\sqrt q+M\big)V,\ M_{ij}=0\ (j\le i),\ -\infty\ (j>i)",
         why="Multiplying a logit by 0 sets it to 0, and e⁰ = 1 still carries weight: the first token puts most "
             "of its attention on the future, and a language model trained this way reads the answer it should predict.")
def seed_multiplicative_mask() -> CheckResult:
    def leaky(Q, K, V):
        M = torch.ones(Q.shape[-2], K.shape[-2], dtype=Q.dtype).tril()
        return torch.softmax(Q @ K.T * M / math.sqrt(Q.shape[-1]), -1) @ V
    return check_causal_mask(masked=leaky)


# --- linear attention ------------------------------------------------------------------------------------

@formula("attn.linear-attention", reference="the quadratic form Σ_j φ(q_i)ᵀφ(k_j) v_j / Σ_j φ(q_i)ᵀφ(k_j), masked for causal")
def check_linear_attention(linear=ma.linear_attention, step=ma.linear_attention_step) -> CheckResult:
    rng = _rng(66)
    L, r, dv = 5, 4, 3
    Q, K, V = f64(rng.normal(size=(L, r))), f64(rng.normal(size=(L, r))), f64(rng.normal(size=(L, dv)))
    phi = lambda x: F.elu(x) + 1                                                    # noqa: E731
    sim = phi(Q) @ phi(K).T                                                          # (L, L), all positive
    full = (sim @ V) / sim.sum(1, keepdim=True)
    low = sim.tril()
    causal = (low @ V) / low.sum(1, keepdim=True)
    shapes = []
    for n in (5, 50):
        S, z = torch.zeros(r, dv, dtype=torch.float64), torch.zeros(r, dtype=torch.float64)
        Kn, Vn = f64(rng.normal(size=(n, r))), f64(rng.normal(size=(n, dv)))
        for i in range(n):
            _, S, z = step(S, z, Kn[i], Kn[i], Vn[i])
        shapes.append((tuple(S.shape), float((S - phi(Kn).T @ Vn).abs().max())))
    return all_of(check_close(linear(Q, K, V), full, atol=1e-12, what="L = 5: factorised φ(Q)(φ(K)ᵀV) vs quadratic form"),
                  check_close(linear(Q, K, V, causal=True), causal, atol=1e-12, what="prefix-sum recursion vs masked quadratic form"),
                  holds(shapes[0][0] == shapes[1][0] == (r, dv) and max(e for _, e in shapes) < 1e-12,
                        "state S is 4 × 3 after 5 and after 50 tokens, = Σ φ(k_j)v_jᵀ",
                        f"state shapes and errors {shapes}"))
