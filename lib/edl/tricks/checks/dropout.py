"""Checks of ``edl.tricks.dropout`` (book labels ``tricks.dropout-mask`` … ``tricks.dropout-weight-scaling``).

Independent routes: ``torch.nn.Dropout`` in train and eval mode, Monte Carlo over 10⁶ masked copies and over
10⁴ masks drawn by ``torch.bernoulli``, and a loop over the 256 sub-networks of an 8-unit layer, each
evaluated on its own.
"""

import itertools

import numpy as np
import torch
from torch import nn

from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import formula
from edl.tricks import dropout as dr


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@formula("tricks.dropout-mask", reference="torch.nn.Dropout(p = 0.3) in train and eval mode; Monte Carlo over 10⁶ copies")
def check_dropout_mask(drop=dr.dropout) -> CheckResult:
    x = f64([1.5, -2.0, 0.25])
    H = x.repeat(400_000, 1)                                               # (400000, 3)
    ours = drop(H, 0.3, generator=_gen(40))
    plain = drop(H, 0.3, generator=_gen(41), inverted=False)
    with torch.random.fork_rng():
        torch.manual_seed(42)
        theirs = nn.Dropout(p=0.3).train()(H)
    values_ours = set(np.unique(np.round(to_numpy(ours[:, 0]), 12)).tolist())
    values_torch = set(np.unique(np.round(to_numpy(theirs[:, 0]), 12)).tolist())
    return all_of(holds(values_ours == values_torch == {0.0, round(1.5 / 0.7, 12)},
                        "entries ∈ {0, x/0.7}, as nn.Dropout(0.3).train()", f"values {values_ours} vs torch {values_torch}"),
                  check_monte_carlo(to_numpy(ours[:, 1]), -2.0, what="inverted: E H̃ = H"),
                  check_monte_carlo(to_numpy(plain[:, 1]), -1.4, what="plain: E H̃ = (1 − p)H"),
                  check_monte_carlo(to_numpy(ours[:, 2] == 0).astype(float), 0.3, what="fraction dropped = p"),
                  check_close(drop(H[:5], 0.3, generator=_gen(43), training=False), nn.Dropout(0.3).eval()(H[:5]),
                              atol=1e-15, what="test time: identity, as .eval()"))


def _layer(seed: int = 44):
    rng = np.random.default_rng(seed)
    return f64(rng.normal(size=8)), f64(rng.normal(size=(3, 8))), f64(rng.uniform(0.3, 0.9, size=8))


def _loop(x, W, keep, output):
    """The ensemble the slow way: every sub-network on its own, p(b) as a product of Bernoulli factors."""
    total, log_total = torch.zeros(W.shape[0], dtype=torch.float64), torch.zeros(W.shape[0], dtype=torch.float64)
    for bits in itertools.product((0, 1), repeat=len(x)):
        b = torch.tensor(bits, dtype=torch.float64)
        prob = float(np.prod([k if bit else 1 - k for bit, k in zip(bits, keep.tolist())]))
        z = W @ (b * x)
        out = z if output == "linear" else torch.softmax(z, 0)
        total += prob * out
        log_total += prob * torch.log(out) if output == "softmax" else 0
    return total, (log_total.exp() / log_total.exp().sum()) if output == "softmax" else None


@formula("tricks.dropout-ensemble", reference="a loop over the 256 sub-networks; Monte Carlo over 10⁴ Bernoulli masks")
def check_dropout_ensemble(masks=dr.all_masks, probs=dr.mask_probabilities, mean=dr.ensemble_mean) -> CheckResult:
    x, W, keep = _layer()
    b = masks(8)
    p = probs(b, keep)
    exact = mean(x, W, keep, "softmax")
    loop_arith, _ = _loop(x, W, keep, "softmax")
    drawn = torch.bernoulli(keep.expand(10_000, 8), generator=_gen(45))    # (10000, 8)
    sampled = torch.softmax((drawn * x) @ W.T, -1)                           # (10000, 3)
    return all_of(holds(len(set(map(tuple, b.tolist()))) == 256, "2⁸ = 256 distinct masks", "masks repeat or are missing"),
                  check_close(p.sum(), 1.0, atol=1e-12, what="Σ_b p(b)"),
                  check_close(p @ b, keep, atol=1e-12, what="Σ_b p(b) b = φ (each unit kept with its own φᵢ)"),
                  check_close(exact, loop_arith, atol=1e-12, what="batched ensemble vs the loop"),
                  check_monte_carlo(to_numpy(sampled[:, 0]), float(exact[0]), what="class 0"),
                  check_monte_carlo(to_numpy(sampled[:, 2]), float(exact[2]), what="class 2"))


@formula("tricks.dropout-weight-scaling", reference="exact enumeration of the 256 sub-networks, evaluated one by one")
def check_dropout_weight_scaling(scale=dr.weight_scaled) -> CheckResult:
    x, W, keep = _layer()
    lin, _ = _loop(x, W, keep, "linear")
    arith, geo = _loop(x, W, keep, "softmax")
    scaled = scale(W, keep) @ x
    gap = float((torch.softmax(scaled, 0) - arith).abs().max())
    return all_of(check_close(scaled, lin, atol=1e-12, what="linear layer: W diag(φ) x vs the ensemble mean"),
                  check_close(torch.softmax(scaled, 0), geo, atol=1e-12, what="softmax: vs the normalised geometric mean"),
                  holds(gap > 5e-3, f"but not the arithmetic mean (differs by {gap:.3f})",
                        f"the weight-scaled softmax matches the arithmetic mean to {gap:.2g}"))
