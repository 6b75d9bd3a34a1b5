"""Checks of ``edl.recurrent.ctc``, ``edl.recurrent.sequences`` and ``edl.recurrent.autoregressive`` (book labels
``rnn.ctc`` … ``rnn.rnn-lm``) and of the errata there.

Independent routes: ``torch.nn.functional.ctc_loss``, exact enumeration (``itertools.product``) of paths,
sequences and binary vectors, ``numpy.einsum`` joints, explicit Gaussian conditioning, ``numpy.cov``,
``torch.nn.RNN`` and ``torch.nn.GRU`` with their own weights, and ``torch.autograd`` Jacobians.
"""

import itertools
import math

import numpy as np
import torch
import torch.nn.functional as F

from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula
from edl.recurrent import autoregressive as ar
from edl.recurrent import ctc
from edl.recurrent import gates as ga
from edl.recurrent import sequences as sq


def _log_probs(seed: int, T: int = 5, K: int = 3) -> torch.Tensor:
    return torch.log_softmax(f64(np.random.default_rng(seed).normal(size=(T, K))), -1)


def _torch_ctc(lp: torch.Tensor, label: list[int]) -> float:
    return float(F.ctc_loss(lp[:, None], torch.tensor([label]), torch.tensor([lp.shape[0]]), torch.tensor([len(label)]),
                            reduction="sum", zero_infinity=False))


@formula("rnn.ctc", reference="torch.nn.functional.ctc_loss; enumeration of all 3⁵ paths")
def check_ctc(collapse=ctc.ctc_collapse) -> CheckResult:
    lp = _log_probs(40)
    paths = list(itertools.product(range(3), repeat=5))
    prob = {p: math.exp(float(lp[range(5), list(p)].sum())) for p in paths}
    by_label = {}
    for p in paths:
        by_label[collapse(p)] = by_label.get(collapse(p), 0.0) + prob[p]
    brute = ctc.ctc_probability(lp, [1, 2])
    lp6 = _log_probs(41, T=6, K=4)
    return all_of(check_close(-math.log(brute), _torch_ctc(lp, [1, 2]), atol=1e-10, what="T 5, ℓ = [1, 2]: brute force vs F.ctc_loss"),
                  check_close(ctc.ctc_loss(lp, [1, 2]), _torch_ctc(lp, [1, 2]), atol=1e-10, what="forward recursion vs F.ctc_loss"),
                  check_close(ctc.ctc_loss(lp6, [1, 2, 3]), _torch_ctc(lp6, [1, 2, 3]), atol=1e-10, what="T 6, ℓ = [1, 2, 3]"),
                  holds(len(ctc.ctc_alignments(5, [1, 2], 3)) == 35 == ctc.ctc_alignment_count(5, 2) ==
                        sum(collapse(p) == (1, 2) for p in paths) and len(ctc.ctc_alignments(6, [1, 2, 3], 4)) == 84,
                        "35 = C(7, 4) valid paths of 243; 84 = C(9, 6) for T 6, ℓ = [1, 2, 3]", "path counts differ"),
                  check_close(-math.log(by_label.get((1, 1), 1e-300)), _torch_ctc(lp, [1, 1]), atol=1e-10,
                              what="ℓ = [1, 1] (a blank between the repeats) vs F.ctc_loss"),
                  check_close(sum(by_label.values()), 1.0, atol=1e-12, what="Σ_ℓ p(ℓ|x) = 1"))


@formula("rnn.autoregressive", reference="numpy marginal sums of a random joint on {0,1}⁵; 10⁵ ancestral samples")
def check_autoregressive(joint_from=sq.chain_rule_joint) -> CheckResult:
    rng = np.random.default_rng(42)
    p = rng.dirichlet(np.ones(32)).reshape((2,) * 5)
    conds = sq.chain_rule_conditionals(f64(p))
    ref = [p.sum(axis=tuple(range(t + 1, 5))) / p.sum(axis=tuple(range(t, 5)))[..., None] for t in range(5)]
    samples = sq.ancestral_sample(conds, 100_000, torch.Generator().manual_seed(0)).numpy()
    counts = np.bincount(samples @ (2 ** np.arange(4, -1, -1)), minlength=32) / 100_000
    tv = 0.5 * np.abs(counts - p.reshape(-1)).sum()
    err = max(float(np.abs(c.numpy() - r).max()) for c, r in zip(conds, ref))
    return all_of(holds(err < 1e-12, "the 5 conditional tables agree with marginal ratios within 1e-12",
                        f"a conditional table differs by {err:.3g}"),
                  check_close(joint_from(conds), p, atol=1e-12, what="Π_t p(x_t | x_<t) = p(x₁..x₅)"),
                  holds(tv < 0.01, "10⁵ ancestral samples: total variation < 0.01", f"total variation {tv:.3f}"))


@erratum("ch04-08:ERR-21", wrong=r"p(x_1,x_2,\dots,x_t)=p(x_i\mid x_{<i})", right=r"p(x_1,\dots,x_t)=\prod_{i=1}^{t}p(x_i\mid x_{<i})",
         why="Without the product the 'joint' is a single conditional: it ignores how likely the prefix is, and "
             "it sums to 2^(t-1) instead of 1 over binary sequences.")
def seed_no_product() -> CheckResult:
    return check_autoregressive(joint_from=lambda conds: torch.as_tensor(conds[-1]))


@formula("rnn.markov", reference="numpy.einsum of the 3⁶ joint; brute-force marginals and conditionals")
def check_markov(marginals=sq.markov_marginals, seq_prob=sq.markov_sequence_prob) -> CheckResult:
    rng = np.random.default_rng(43)
    pi0, P = rng.dirichlet(np.ones(3)), rng.dirichlet(np.ones(3), size=3)
    joint = np.einsum("a,ab,bc,cd,de,ef->abcdef", pi0, P, P, P, P, P)
    p123 = joint.sum(axis=(3, 4, 5))
    cond_full = p123 / p123.sum(2, keepdims=True)                     # P(x₃ | x₂, x₁)
    p23 = p123.sum(0)
    cond_markov = p23 / p23.sum(1, keepdims=True)                     # P(x₃ | x₂)
    seqs = [(0, 1, 2, 2, 1, 0), (2, 2, 2, 2, 2, 2), (1, 0, 1, 0, 1, 0)]
    return all_of(check_close(joint.sum(), 1.0, atol=1e-12, what="3 states, T 6: the 729 terms sum to 1"),
                  check_close(cond_full, np.broadcast_to(cond_markov, (3, 3, 3)), atol=1e-12, what="P(x₃|x₂,x₁) = P(x₃|x₂)"),
                  check_close(marginals(f64(pi0), f64(P), 6)[-1], joint.sum(axis=(0, 1, 2, 3, 4)), atol=1e-12,
                              what="marginal of x₆: DP vs brute force"),
                  check_close([seq_prob(s, f64(pi0), f64(P)) for s in seqs], [joint[s] for s in seqs], atol=1e-15,
                              what="three sequence probabilities vs the joint"))


@formula("rnn.latent-ar", reference="explicit Gaussian conditioning on the joint covariance of x₁..x₆")
def check_latent_ar(predict=sq.kalman_predictive) -> CheckResult:
    a, q, c, r, m0, p0, T = 0.8, 0.5, 1.5, 0.3, 0.2, 1.0, 6
    M = np.zeros((T, T))                                                # h = M [h₁, w₂..w₆]
    for t in range(T):
        M[t, 0] = a ** t
        for s in range(1, t + 1):
            M[t, s] = a ** (t - s)
    S0 = np.diag([p0] + [q] * (T - 1))
    cov = c * c * M @ S0 @ M.T + r * np.eye(T)
    mu = c * M[:, 0] * m0
    x = np.random.default_rng(44).normal(size=T)
    means, variances = [mu[0]], [cov[0, 0]]
    for t in range(1, T):
        k = np.linalg.solve(cov[:t, :t], cov[:t, t])
        means.append(mu[t] + k @ (x[:t] - mu[:t]))
        variances.append(cov[t, t] - k @ cov[:t, t])
    got_m, got_v = predict(f64(x), a, q, c, r, m0, p0)
    return all_of(check_close(got_m, means, atol=1e-10, what="T 6: predictive means vs Gaussian conditioning"),
                  check_close(got_v, variances, atol=1e-10, what="predictive variances"))


@formula("rnn.seq2seq-factorization", reference="exact conditionals of random joint pmfs over binary (x¹, x², y¹, y²)")
def check_seq2seq(likelihood=sq.seq2seq_likelihood) -> CheckResult:
    rng = np.random.default_rng(45)
    p = rng.dirichlet(np.ones(16)).reshape(2, 2, 2, 2)
    exact = p / p.sum(axis=(2, 3), keepdims=True)                       # p(y¹, y² | x¹, x²)
    causal_gap = float(np.abs(likelihood(f64(p), causal=True).numpy() - exact).max())
    # a joint in which y¹ ⊥ x² | x¹: the causal factorisation is then exact
    px1, px2, py1, py2 = rng.dirichlet(np.ones(2)), rng.dirichlet(np.ones(2), 2), rng.dirichlet(np.ones(2), 2), \
        rng.dirichlet(np.ones(2), (2, 2, 2))
    q = np.einsum("a,ab,ac,abcd->abcd", px1, px2, py1, py2)
    return all_of(check_close(likelihood(f64(p)), exact, atol=1e-12, what="exact chain rule = p(y | x)"),
                  holds(causal_gap > 0.01, f"causal product differs by {causal_gap:.2f} in general",
                        f"causal product differs by only {causal_gap:.2g}"),
                  check_close(likelihood(f64(q), causal=True), q / q.sum(axis=(2, 3), keepdims=True), atol=1e-12,
                              what="y¹ ⊥ x² | x¹: causal = exact"))


@formula("rnn.teacher-forcing", reference="the closed forms 0.01 per step and 1.01¹⁰⁰ − 1 for y_t = y_{t-1}")
def check_teacher_forcing(rollouts=sq.ar1_rollouts) -> CheckResult:
    y = torch.ones(101, dtype=torch.float64)                            # a = 1, y₀ = 1
    teacher, free = rollouts(1.01, y)
    y2 = f64(0.9 ** np.arange(31))
    t2, f2 = rollouts(0.8, y2)
    return all_of(check_close(teacher - y[1:], np.full(100, 0.01), rtol=1e-10, what="teacher forcing: error 0.01 at every step"),
                  check_close(free[-1] - 1, math.pow(1.01, 100) - 1, rtol=1e-10, what="free running: 1.01¹⁰⁰ − 1 = 1.7048 at t = 100"),
                  check_close(f2 - y2[1:], 0.8 ** np.arange(1, 31) - 0.9 ** np.arange(1, 31), atol=1e-12,
                              what="a = 0.9, â = 0.8: free error â^t − a^t"),
                  check_close(t2, 0.8 * y2[:-1], atol=1e-15, what="teacher-forced predictions â y_{t-1}"))


@formula("rnn.encoder-decoder", reference="the module's GRUs replayed by the reset-after equations; autograd")
def check_encoder_decoder(model_class=sq.EncoderDecoder) -> CheckResult:
    model = model_class(3, 5, 2, seed=0).double()
    x = f64(np.random.default_rng(46).normal(size=(7, 1, 3))).requires_grad_(True)
    y = model(x, steps=4)
    enc = model.encoder
    z = ga.gru_forward(x.detach(), enc.weight_ih_l0, enc.weight_hh_l0, enc.bias_ih_l0, enc.bias_hh_l0)[-1]
    dec, out, h, prev = model.decoder, [], z, torch.zeros(1, 2, dtype=torch.float64)
    for _ in range(4):
        gi = prev @ dec.weight_ih.T + dec.bias_ih
        gh = h @ dec.weight_hh.T + dec.bias_hh
        r, u = torch.sigmoid(gi[:, :5] + gh[:, :5]), torch.sigmoid(gi[:, 5:10] + gh[:, 5:10])
        h = (1 - u) * torch.tanh(gi[:, 10:] + r * gh[:, 10:]) + u * h
        prev = model.readout(h)
        out.append(prev)
    y.pow(2).sum().backward()
    grads = [p.grad for p in model.encoder.parameters()]
    shapes = {tuple(model(torch.zeros(T, 2, 3, dtype=torch.float64), steps=S).shape) for T, S in ((3, 9), (9, 3))}
    g1, gT = float(x.grad[0].norm()), float(x.grad[-1].norm())
    return all_of(check_close(y.detach(), torch.stack(out).detach(), atol=1e-12, what="T 7, S 4: outputs vs the replayed GRUs"),
                  holds(shapes == {(9, 2, 2), (3, 2, 2)}, "output length S independent of input length T",
                        f"shapes {shapes}"),
                  holds(all(bool((g != 0).any()) for g in grads), "every encoder parameter receives a gradient",
                        "an encoder parameter gets no gradient"),
                  holds(g1 < gT, "‖∂L/∂x¹‖ < ‖∂L/∂x⁷‖: x¹ passes 6 more encoder Jacobians", f"norms {g1:.3g}, {gT:.3g}"))


@formula("rnn.time-series-moments", reference="numpy.cov(bias=True); AR(1) mean 0 within 4 SE and variance 1/(1-0.8²)")
def check_time_series_moments(moments=sq.empirical_moments) -> CheckResult:
    rng = np.random.default_rng(47)
    eps = rng.normal(size=100_000)
    x = np.zeros(100_000)
    for t in range(1, 100_000):
        x[t] = 0.8 * x[t - 1] + eps[t]
    mu, var = moments(f64(x[:, None]))
    se = math.sqrt(1 / (1 - 0.64) / 100_000 * (1 + 0.8) / (1 - 0.8))   # long-run standard error of the mean
    y = rng.normal(size=(500, 3)) @ rng.normal(size=(3, 3))
    mu3, cov3 = moments(f64(y))
    return all_of(holds(abs(float(mu[0])) < 4 * se, "AR(1), T 10⁵: |μ̂| < 4 SE", f"μ̂ = {float(mu[0]):.3g} ({4 * se:.3g})"),
                  check_close(var[0, 0], 1 / (1 - 0.64), rtol=0.05, what="Σ̂ ≈ 1/(1 − 0.8²) = 2.78"),
                  check_close(cov3, np.cov(y.T, bias=True), atol=1e-12, what="3-d series: Σ̂ = numpy.cov(bias=True)"),
                  check_close(mu3, y.mean(0), atol=1e-12, what="μ̂ = mean over time"))


# --- tractable autoregressive models -------------------------------------------------------------------------

_ALL8 = f64(list(itertools.product((0.0, 1.0), repeat=8)))


def _total(conditionals) -> float:
    return float(ar.bernoulli_log_likelihood(_ALL8, conditionals).exp().sum())


def _two_layer_jacobian(first, second) -> torch.Tensor:
    rng = np.random.default_rng(49)
    w1, w2 = f64(rng.normal(size=3)), f64(rng.normal(size=3))
    return torch.autograd.functional.jacobian(lambda z: second(torch.tanh(first(z[None], w1)), w2)[0],
                                              f64(rng.normal(size=10)))


@formula("rnn.fvsbn-nade", reference="exact sums over all 2⁸ binary vectors; autograd Jacobians of masked layers")
def check_fvsbn_nade(fvsbn=ar.fvsbn_conditionals, second=lambda h, w: ar.masked_conv1d(h, w, "B")) -> CheckResult:
    rng = np.random.default_rng(48)
    A, c = f64(rng.normal(size=(8, 8)) * 2), f64(rng.normal(size=8))
    W, cn, V, b = f64(rng.normal(size=(5, 8))), f64(rng.normal(size=5)), f64(rng.normal(size=(8, 5))), f64(rng.normal(size=8))
    M1, M2 = ar.made_masks(8, [1, 3, 5, 7, 2, 4])
    W1, W2 = f64(rng.normal(size=(6, 8))) * M1, f64(rng.normal(size=(8, 6))) * M2
    made = torch.sigmoid(torch.tanh(_ALL8 @ W1.T) @ W2.T)
    J_made = torch.autograd.functional.jacobian(lambda z: torch.tanh(z @ W1.T) @ W2.T, _ALL8[37])
    J = _two_layer_jacobian(lambda z, w: ar.masked_conv1d(z, w, "A"), second)
    fv = _total(fvsbn(_ALL8, A, c))
    return all_of(check_close(fv, 1.0, atol=1e-12, what=f"FVSBN, n 8: Σ over 256 vectors of Π p(x_i|x_<i) = {fv:.3f}"),
                  check_close(_total(ar.nade_conditionals(_ALL8, W, cn, V, b)), 1.0, atol=1e-12, what="NADE sums to 1"),
                  check_close(_total(made), 1.0, atol=1e-12, what="MADE (masked 8-6-8) sums to 1"),
                  holds(bool((torch.triu(J_made) == 0).all()), "MADE: ∂out_i/∂x_j = 0 for j ≥ i", "MADE leaks"),
                  holds(bool((torch.triu(J) == 0).all()), "causal conv, mask A then mask B: ∂y_i/∂x_j = 0 for j ≥ i",
                        f"two-layer causal conv: ∂y₄/∂x₄ = {float(J[4, 4]):.2f} (the layer reads its own target)"))


@erratum("ch04-08:ERR-22", wrong=r"p(x_i\mid x_{<i})=\sigma\Big(\sum_{j=1}^{i}A_ix_j+c_i\Big)",
         right=r"p(x_i=1\mid x_{<i})=\sigma\Big(\sum_{j=1}^{i-1}A_{ij}x_j+c_i\Big)",
         why="A conditional that reads x_i itself is not a conditional of x_i: the product over i no longer sums "
             "to 1 over all binary vectors, so likelihoods are meaningless.")
def seed_fvsbn_includes_self() -> CheckResult:
    return check_fvsbn_nade(fvsbn=lambda x, A, c: torch.sigmoid(x @ torch.tril(A).T + c))


@erratum("ch04-08:ERR-23", wrong=r"\text{PixelCNN: layers after the first are not masked}",
         right=r"\text{first layer mask A (excludes the current pixel), every later layer mask B (excludes the future)}",
         why="An unmasked later layer reads the neighbours to the right of every position, so the model sees the "
             "pixels it is supposed to predict: training likelihoods look excellent and sampling fails.")
def seed_unmasked_later_layers() -> CheckResult:
    return check_fvsbn_nade(second=lambda h, w: F.conv1d(h[:, None], w[None, None], padding=1)[:, 0])


def _lm_weights():
    rng = np.random.default_rng(50)
    return f64(rng.normal(size=(4, 3))), f64(rng.normal(size=(4, 4))), f64(rng.normal(size=(3, 4)) * 2)


@formula("rnn.rnn-lm", reference="enumeration of the 27 sequences; torch.nn.RNN on one-hot inputs after a zero BOS")
def check_rnn_lm(log_prob=ar.rnn_lm_log_prob) -> CheckResult:
    W_xh, W_hh, W_hy = _lm_weights()
    seqs = list(itertools.product(range(3), repeat=3))
    total = sum(math.exp(log_prob(list(s), W_xh, W_hh, W_hy)) for s in seqs)
    rnn = torch.nn.RNN(3, 4, bias=False).double()
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(W_xh)
        rnn.weight_hh_l0.copy_(W_hh)
    s = [2, 0, 1]
    inputs = torch.cat([torch.zeros(1, 1, 3, dtype=torch.float64), F.one_hot(torch.tensor(s[:-1]), 3).double()[:, None]])
    with torch.no_grad():
        h, _ = rnn(inputs)                                                     # h_i has read x_≤i (after BOS)
    ref = float(torch.log_softmax(h[:, 0] @ W_hy.T, -1)[range(3), s].sum())
    return all_of(check_close(total, 1.0, atol=1e-12, what=f"V 3, length 3: Σ over 27 sequences = {total:.3f}"),
                  check_close(log_prob(s, W_xh, W_hh, W_hy), ref, atol=1e-12, what="log p([2, 0, 1]) vs nn.RNN"))


@erratum("ch04-08:ERR-25", wrong=r"h_i=\tanh(W_{hh}h_{i-1}+W_{xh}x_i),\ o_i=W_{hy}h_i,\ p(x_i|x_{<i})\sim\mathrm{softmax}(o_i)",
         right=r"h_i=\tanh(W_{hh}h_{i-1}+W_{xh}x_i),\ o_i=W_{hy}h_i,\ p(x_{i+1}|x_{\le i})=\mathrm{softmax}(o_i)",
         why="h_i has already read x_i, so softmax(o_i) used as p(x_i | x_<i) peeks at the answer: training "
             "loss drops to nearly zero and the probabilities over all sequences no longer sum to 1.")
def seed_target_leakage() -> CheckResult:
    def leaky(tokens, W_xh, W_hh, W_hy):
        h, total = torch.zeros(W_hh.shape[0], dtype=torch.float64), 0.0
        for token in tokens:
            h = torch.tanh(W_hh @ h + W_xh[:, token])                           # reads x_i first ...
            total += float(torch.log_softmax(W_hy @ h, 0)[token])               # ... then "predicts" it
        return total
    return check_rnn_lm(log_prob=leaky)
