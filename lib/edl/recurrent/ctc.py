r"""Connectionist temporal classification: the collapsing map, the alignments of a label and their probability.

Chapter 5, "Recurrent networks" (book label ``rnn.ctc``). ``log_probs`` is ``(T, K)``: per time step the
log-probabilities of ``K`` symbols, symbol ``blank`` (0 by default) being the blank. A label is a sequence of
non-blank symbols of length :math:`U\le T`.
"""

import itertools
import math

import torch

from edl.core import validate as v


def _log_probs(log_probs) -> torch.Tensor:
    lp = v.as_float_tensor("log_probs", log_probs)
    v.require_ndim("log_probs", lp, 2)
    if torch.isnan(lp).any() or (lp == math.inf).any() or (lp > 1e-9).any():
        raise ValueError(f"log_probs must hold log-probabilities (<= 0), got {lp.tolist()}")
    v.require_distribution("log_probs", lp.exp(), atol=1e-6)
    return lp


def _label(label, num_symbols: int, blank: int) -> list[int]:
    if isinstance(label, (str, bytes)) or not hasattr(label, "__len__"):
        raise ValueError(f"label must be a sequence of symbol indices, got {label!r}")
    out = []
    for s in (label.tolist() if isinstance(label, torch.Tensor) else list(label)):
        if isinstance(s, float) and s.is_integer():
            s = int(s)
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s < num_symbols or s == blank:
            raise ValueError(f"label must hold non-blank symbols in 0..{num_symbols - 1} (blank {blank}), got {label!r}")
        out.append(s)
    return out


def ctc_collapse(path, blank: int = 0) -> tuple[int, ...]:
    r"""The map :math:`\mathcal B`: first merge runs of repeated symbols, then delete the blanks.

    Book label: ``rnn.ctc``. The order matters: a blank between two equal symbols keeps them apart, which
    is the only way to emit a repeated symbol.

    >>> ctc_collapse([1, 1, 0, 1, 2, 2]), ctc_collapse([1, 0, 0, 2])
    ((1, 1, 2), (1, 2))
    """
    blank = v.require_int("blank", blank, minimum=0)
    if isinstance(path, (str, bytes)) or not hasattr(path, "__len__") or len(path) == 0:
        raise ValueError(f"path must be a non-empty sequence of symbols, got {path!r}")
    seq = [v.require_int("path", int(s) if isinstance(s, float) and s.is_integer() else s, minimum=0) for s in path]
    merged = [s for i, s in enumerate(seq) if i == 0 or s != seq[i - 1]]
    return tuple(s for s in merged if s != blank)


def ctc_alignments(T: int, label, num_symbols: int, blank: int = 0) -> list[tuple[int, ...]]:
    r"""Every path of length :math:`T` that :math:`\mathcal B` maps to ``label``, by enumerating all :math:`K^T`.

    .. math:: \mathcal B^{-1}(\ell)\cap\Sigma^T,\qquad |\mathcal B^{-1}(\ell)\cap\Sigma^T|=\binom{T+U}{2U}
              \ \text{ for a label of length }U\text{ without adjacent repeats}

    Book label: ``rnn.ctc``. Exponential in :math:`T`: for small examples and figures.

    >>> len(ctc_alignments(5, [1, 2], 3)), ctc_alignments(2, [1], 2)
    (35, [(0, 1), (1, 0), (1, 1)])
    """
    T = v.require_int("T", T, minimum=1)
    K = v.require_int("num_symbols", num_symbols, minimum=2)
    if K ** T > 2_000_000:
        raise ValueError(f"num_symbols ** T must stay below 2,000,000 for enumeration, got {K}**{T}")
    blank = v.require_int("blank", blank, minimum=0)
    if blank >= K:
        raise ValueError(f"blank must index a symbol (0..{K - 1}), got {blank}")
    target = tuple(_label(label, K, blank))
    return [p for p in itertools.product(range(K), repeat=T) if ctc_collapse(p, blank) == target]


def ctc_alignment_count(T: int, U: int) -> int:
    r"""The number :math:`\binom{T+U}{2U}` of length-:math:`T` alignments of a label of length :math:`U`
    without adjacent repeats.

    Book label: ``rnn.ctc``.

    >>> ctc_alignment_count(5, 2), ctc_alignment_count(6, 3)
    (35, 84)
    """
    T = v.require_int("T", T, minimum=1)
    U = v.require_int("U", U, minimum=0)
    return math.comb(T + U, 2 * U)


def ctc_probability(log_probs, label, blank: int = 0) -> float:
    r"""The CTC probability by brute force: the sum over all alignments of the product of their symbols.

    .. math:: p(\ell\mid x)=\sum_{\pi\in\mathcal B^{-1}(\ell)}\prod_{t=1}^{T}y^t_{\pi_t}

    Book label: ``rnn.ctc``. ``log_probs`` ``(T, K)``. Exponential cost; see :func:`ctc_loss` for the
    forward recursion.

    >>> round(ctc_probability(torch.log(torch.full((2, 2), 0.5, dtype=torch.float64)), [1]), 8)
    0.75
    """
    lp = _log_probs(log_probs)
    paths = ctc_alignments(lp.shape[0], label, lp.shape[1], blank)
    t = torch.arange(lp.shape[0])
    return float(sum(torch.exp(lp[t, list(p)].sum()) for p in paths)) if paths else 0.0


def ctc_loss(log_probs, label, blank: int = 0) -> float:
    r"""The CTC loss :math:`-\log p(\ell\mid x)` by the forward recursion over the blank-extended label.

    .. math:: \alpha_t(s)=y^t_{\ell'_s}\big(\alpha_{t-1}(s)+\alpha_{t-1}(s-1)+[\ell'_s\ne b,\ \ell'_s\ne\ell'_{s-2}]\,
              \alpha_{t-1}(s-2)\big),\qquad p(\ell|x)=\alpha_T(|\ell'|)+\alpha_T(|\ell'|-1)

    Book label: ``rnn.ctc``. :math:`\ell'=(b,\ell_1,b,\dots,\ell_U,b)`. Linear in :math:`T`; returns
    ``inf`` when no alignment exists (a label too long for :math:`T`).

    >>> round(ctc_loss(torch.log(torch.full((2, 2), 0.5, dtype=torch.float64)), [1]), 8)
    0.28768207
    """
    lp = _log_probs(log_probs)
    T, K = lp.shape
    blank = v.require_int("blank", blank, minimum=0)
    if blank >= K:
        raise ValueError(f"blank must index a symbol (0..{K - 1}), got {blank}")
    ext = [blank]
    for s in _label(label, K, blank):
        ext += [s, blank]
    S = len(ext)
    neg = torch.tensor(-math.inf, dtype=lp.dtype, device=lp.device)
    alpha = torch.full((S,), -math.inf, dtype=lp.dtype, device=lp.device)
    alpha[0] = lp[0, ext[0]]
    if S > 1:
        alpha[1] = lp[0, ext[1]]
    for t in range(1, T):
        prev = alpha
        alpha = torch.full_like(prev, -math.inf)
        for s in range(S):
            terms = [prev[s], prev[s - 1] if s >= 1 else neg]
            if s >= 2 and ext[s] != blank and ext[s] != ext[s - 2]:
                terms.append(prev[s - 2])
            alpha[s] = torch.logsumexp(torch.stack(terms), 0) + lp[t, ext[s]]
    total = torch.logsumexp(alpha[-2:], 0) if S > 1 else alpha[-1]
    return float(-total)
