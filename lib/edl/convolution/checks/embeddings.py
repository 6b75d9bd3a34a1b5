"""Checks of ``edl.convolution.embeddings`` (book labels ``conv.w2v-*``) and of the errata there.

Independent routes: ``torch.softmax`` and ``F.cross_entropy``, autograd, Monte Carlo within its standard
error, and per-pair root finding with ``scipy.optimize.brentq``.
"""

import math

import numpy as np
import scipy.optimize
import torch
import torch.nn.functional as F

from edl.convolution import embeddings as em
from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula


@formula("conv.w2v-logbilinear", reference="torch.softmax of Y x; invariance to a common shift of the y_μ")
def check_logbilinear(probs=em.logbilinear_probs) -> CheckResult:
    rng = np.random.default_rng(30)
    x, Y = f64(rng.normal(size=5)), f64(rng.normal(size=(7, 5)))
    p = probs(x, Y)
    c = f64(rng.normal(size=5))
    return all_of(check_close(p, torch.softmax(Y @ x, 0), atol=1e-12, what="P(·|ω) (V = 7, n = 5) vs torch.softmax"),
                check_close(p.sum(), 1.0, atol=1e-12, what="Σ_ν P(ν|ω) and 1"),
                check_close(probs(x, Y + c), p, atol=1e-12, what="y_μ → y_μ + c for all μ leaves P"))


@formula("conv.w2v-nll", reference="torch.nn.functional.cross_entropy and torch.autograd.grad")
def check_nll(loss=em.w2v_nll, grads=em.w2v_nll_grads) -> CheckResult:
    rng = np.random.default_rng(31)
    x, Y, nu = f64(rng.normal(size=5)), f64(rng.normal(size=(7, 5))), 3
    xr, Yr = x.clone().requires_grad_(True), Y.clone().requires_grad_(True)
    ce = F.cross_entropy((Yr @ xr)[None], torch.tensor([nu]))
    gx, gY = torch.autograd.grad(ce, (xr, Yr))
    ours_x, ours_Y = grads(x, Y, nu)
    return all_of(check_close(loss(x, Y, nu), ce.detach(), atol=1e-12, what="ℓ vs F.cross_entropy"),
                check_close(ours_x, gx, atol=1e-12, what="∇_x ℓ = −y_ν + Σ P(μ|ω) y_μ vs autograd"),
                check_close(ours_Y, gY, atol=1e-12, what="∇_{y_μ} ℓ = (P(μ|ω) − 1[μ=ν]) x vs autograd"))


@formula("conv.w2v-negative-sampling", reference="Monte Carlo over 200,000 sampled negatives; torch.autograd.grad")
def check_negative_sampling(loss=em.negative_sampling_loss, grad_x=em.negative_sampling_grad_x) -> CheckResult:
    rng = np.random.default_rng(32)
    V, n, beta, nu = 7, 5, 5.0, 2
    x, Y = f64(rng.normal(size=n)), f64(rng.normal(size=(V, n)))
    counts = rng.integers(1, 50, size=V).astype(float)
    D = counts**0.75 / (counts**0.75).sum()                   # unigram^{3/4}
    exact = float(loss(x, Y, nu, D, beta))
    draws = rng.choice(V, size=200_000, p=D)
    s = to_numpy(Y @ x)
    samples = -np.log(1 / (1 + np.exp(-s[nu]))) - beta * np.log(1 / (1 + np.exp(s[draws])))
    xr = x.clone().requires_grad_(True)
    sr = Y @ xr
    auto_loss = -F.logsigmoid(sr[nu]) - beta * (f64(D) * F.logsigmoid(-sr)).sum()
    (auto,) = torch.autograd.grad(auto_loss, xr)
    return all_of(check_monte_carlo(samples, exact, what="exact E_μ~D vs sampled negatives"),
                check_close(grad_x(x, Y, nu, D, beta), auto, atol=1e-12, what="∇_x with the exact expectation vs autograd"))


def _pair_optimum(n_wc, n_w, n_c, total, k):
    """Maximise #(w,c) log σ(s) + k #(w)#(c)/|D| log σ(−s) by root finding on its derivative."""
    expected = k * n_w * n_c / total
    return scipy.optimize.brentq(lambda s: n_wc / (1 + math.exp(s)) - expected / (1 + math.exp(-s)), -50, 50, xtol=1e-14)


@formula("conv.w2v-sgns-pmi", reference="each pair's objective maximised by scipy.optimize.brentq (V = 6, k = 5)")
def check_sgns_pmi(scores=em.sgns_optimal_scores) -> CheckResult:
    rng = np.random.default_rng(33)
    C = rng.integers(1, 50, size=(6, 6)).astype(float)
    total = C.sum()
    row, col = C.sum(1), C.sum(0)
    parts = []
    for k in (1.0, 5.0):
        optimum = np.array([[_pair_optimum(C[i, j], row[i], col[j], total, k) for j in range(6)] for i in range(6)])
        parts.append(check_close(scores(f64(C), k), optimum, atol=1e-8, what=f"k = {k:g}: s* vs root of each pair's derivative"))
    return all_of(*parts)


@erratum("ch04-08:ERR-13", wrong=r"\langle v_i,w_i\rangle\approx\mathrm{PMI}", right=r"\langle v_i,w_j\rangle\approx\mathrm{PMI}(i,j)-\log k",
         why="The score of a pair involves both words; a word's product with itself says nothing about which contexts "
             "it appears in, and with k negatives every optimum sits log k below the PMI.")
def seed_pmi_same_index() -> CheckResult:
    return check_sgns_pmi(scores=lambda C, k: em.pmi(C).diagonal()[:, None].expand(6, 6))


@formula("conv.w2v-cbow-skipgram", reference="normalisation; the log-bilinear model; torch.log_softmax for the n-gram sum")
def check_cbow_skipgram(skipgram=em.skipgram_probs, cbow=em.cbow_probs) -> CheckResult:
    rng = np.random.default_rng(34)
    V, d = 10, 4
    Vout, W = f64(rng.normal(size=(V, d))), f64(rng.normal(size=(V, d)))
    sg, cb = skipgram(Vout, W, 3), cbow(Vout, W, [1, 2, 4, 5])
    tokens = [0, 3, 1, 4, 1, 5, 9, 2, 6, 5]
    ll = em.sentence_log_likelihood(lambda ctx: torch.log_softmax(Vout @ W[ctx].sum(0), 0), tokens, 2)
    direct = sum(float(torch.log_softmax(Vout @ (W[tokens[t - 1]] + W[tokens[t - 2]]), 0)[tokens[t]]) for t in range(2, 10))
    return all_of(check_close(torch.stack([sg.sum(), cb.sum()]), [1.0, 1.0], atol=1e-12, what="skip-gram and CBOW sums and 1"),
                check_close(sg, em.logbilinear_probs(W[3], Vout), atol=1e-12, what="skip-gram vs log-bilinear with x = w_{x_t}, Y = v"),
                check_close(cb, torch.softmax(Vout @ (W[1] + W[2] + W[4] + W[5]), 0), atol=1e-12, what="CBOW vs softmax of the summed context"),
                holds(abs(float(sg.max() - sg.min())) > 1e-3, "skip-gram depends on the predicted word",
                      f"skip-gram is uniform: every word gets {float(sg[0]):.4g} = 1/V"),
                check_close(ll, direct, atol=1e-12, what="Σ_t log p(x_t | 2 previous) vs a direct sum"))


@erratum("ch04-08:ERR-12", wrong=r"p_\theta(x_i\mid x_t)\propto\exp\langle v_{x_t},w_{x_t}\rangle",
         right=r"p_\theta(x_i\mid x_t)\propto\exp\langle v_{x_i},w_{x_t}\rangle",
         why="A score that does not involve the predicted word is the same for every word, so after normalisation "
             "the model predicts the uniform distribution and learns nothing.")
def seed_skipgram_score() -> CheckResult:
    def seed_version(Vout, W, center):
        score = Vout[center] @ W[center]                 # the same number for every candidate x_i
        return torch.softmax(score.expand(Vout.shape[0]), 0)
    return check_cbow_skipgram(skipgram=seed_version)


@formula("conv.w2v-randwalk", reference="the PMI identity at random vectors; Monte Carlo of E exp⟨v, c⟩ (d = 50, 100,000 draws)")
def check_randwalk(logs=em.randwalk_log_cooccurrence, moment=em.discourse_moment) -> CheckResult:
    d = 50
    rng = np.random.default_rng(35)
    vw, vc = f64(rng.normal(size=d)), f64(rng.normal(size=d))
    lw, lc, lwc = logs(vw, vc, d, 1.7)
    parts = [check_close(lwc - lw - lc, float(vw @ vc) / d, atol=1e-12, what="log p(w,w') − log p(w) − log p(w') vs ⟨v_w,v_w'⟩/d")]
    c = rng.normal(size=(100_000, d)) / math.sqrt(d)
    for scale in (1.0, 2.0):
        v = rng.normal(size=d)
        v *= math.sqrt(scale * d) / np.linalg.norm(v)
        samples = np.exp(c @ v)
        parts.append(check_monte_carlo(samples, float(moment(f64(v), d)), what=f"‖v‖² = {scale:g}d: E e^⟨v,c⟩ vs e^(‖v‖²/2d)"))
    return all_of(*parts)
