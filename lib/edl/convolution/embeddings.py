r"""Word embeddings: the log-bilinear model, its loss, negative sampling, CBOW and skip-gram, and PMI.

Chapter 4, "Convolutional networks" (book labels ``conv.w2v-*``). A vocabulary of :math:`V` words has
input embeddings :math:`x_\omega` (rows of ``X``, ``(V, n)``) and output (context) embeddings
:math:`y_\nu` (rows of ``Y``, ``(V, n)``). Words are integer indices. Functions take tensors (or
array-likes, converted to float64) and return tensors whose dtype and device follow the input.
"""

import math
from collections.abc import Sequence

import torch

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _word(name: str, value, V: int) -> int:
    w = v.require_int(name, value, minimum=0)
    if w >= V:
        raise ValueError(f"{name} must index the vocabulary (0..{V - 1}), got {w}")
    return w


def _pair(x, Y):
    Y = _tensor("Y", Y, 2)
    x = _tensor("x", x, 1, like=Y)
    if len(x) != Y.shape[1]:
        raise ValueError(f"x must have the embedding width of Y ({Y.shape[1]}), got shape {tuple(x.shape)}")
    return x, Y


# --- the log-bilinear model ----------------------------------------------------------------------------

def logbilinear_probs(x, Y) -> torch.Tensor:
    r"""The conditional log-bilinear model: a softmax over the vocabulary of inner products.

    .. math:: P(\nu\mid\omega)=\frac{\exp(x_\omega^\top y_\nu)}{\sum_\mu\exp(x_\omega^\top y_\mu)}

    Book label: ``conv.w2v-logbilinear``. ``x`` : :math:`x_\omega`, ``(n,)``; ``Y`` : output embeddings
    ``(V, n)``. Returns :math:`P(\cdot\mid\omega)`, ``(V,)``.

    >>> logbilinear_probs([1.0, 0.0], [[0.0, 1.0], [0.0, -1.0]]).tolist()
    [0.5, 0.5]
    """
    x, Y = _pair(x, Y)
    s = Y @ x
    s = s - s.max()                       # the shift cancels in the ratio
    return s.exp() / s.exp().sum()


def w2v_nll(x, Y, nu: int) -> torch.Tensor:
    r"""The word2vec loss of one (centre, context) pair: cross-entropy over the vocabulary.

    .. math:: \ell_{\omega,\nu}=-x_\omega^\top y_\nu+\ln\sum_\mu e^{x_\omega^\top y_\mu}

    Book label: ``conv.w2v-nll``. ``nu`` : the observed context word :math:`\nu`.

    >>> round(float(w2v_nll([0.0, 0.0], [[1.0, 2.0], [3.0, 4.0]], 0)), 8)   # ln 2
    0.69314718
    """
    x, Y = _pair(x, Y)
    nu = _word("nu", nu, Y.shape[0])
    s = Y @ x
    return -s[nu] + torch.logsumexp(s, 0)


def w2v_nll_grads(x, Y, nu: int) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Gradients of :math:`\ell_{\omega,\nu}`: expected minus observed.

    .. math:: \nabla_{x_\omega}\ell=-y_\nu+\sum_\mu P(\mu|\omega)\,y_\mu,\qquad
              \nabla_{y_\mu}\ell=\big(P(\mu|\omega)-\mathbb 1[\mu=\nu]\big)\,x_\omega

    Book label: ``conv.w2v-nll``. Returns ``(grad_x (n,), grad_Y (V, n))``.

    >>> gx, gY = w2v_nll_grads([0.0, 0.0], [[1.0, 2.0], [3.0, 4.0]], 0)
    >>> gx.tolist(), bool((gY == 0).all())   # x = 0: the softmax is uniform and the y-gradients vanish
    ([1.0, 1.0], True)
    """
    x, Y = _pair(x, Y)
    nu = _word("nu", nu, Y.shape[0])
    p = logbilinear_probs(x, Y)
    observed = torch.zeros_like(p)
    observed[nu] = 1
    return (p - observed) @ Y, torch.outer(p - observed, x)


# --- negative sampling ---------------------------------------------------------------------------------

def negative_sampling_loss(x, Y, nu: int, noise, beta: float) -> torch.Tensor:
    r"""The negative-sampling loss, with the expectation over the noise distribution taken exactly.

    .. math:: \tilde\ell_{\omega,\nu}=-\ln\sigma(x_\omega^\top y_\nu)-\beta\,\mathbb E_{\mu\sim D}\ln\big(1-\sigma(x_\omega^\top y_\mu)\big),
              \qquad 1-\sigma(z)=\sigma(-z)

    Book label: ``conv.w2v-negative-sampling``. ``noise`` : the noise distribution :math:`D` over the
    vocabulary, ``(V,)``; ``beta`` : the number of negatives :math:`\beta=k`. One logistic term for the
    observed pair and :math:`\beta` for words drawn at random replace the :math:`V`-way softmax.

    >>> round(float(negative_sampling_loss([0.0], [[1.0], [2.0]], 0, [0.5, 0.5], 3.0)), 7)   # 4 ln 2
    2.7725887
    """
    x, Y = _pair(x, Y)
    nu = _word("nu", nu, Y.shape[0])
    D = _tensor("noise", noise, 1, like=Y)
    if len(D) != Y.shape[0]:
        raise ValueError(f"noise must have one probability per word of Y ({Y.shape[0]}), got shape {tuple(D.shape)}")
    v.require_distribution("noise", D)
    beta = v.require_scalar("beta", beta)
    v.require_positive("beta", beta, strict=False)
    s = Y @ x
    return -torch.nn.functional.logsigmoid(s[nu]) - beta * (D * torch.nn.functional.logsigmoid(-s)).sum()


def negative_sampling_grad_x(x, Y, nu: int, noise, beta: float) -> torch.Tensor:
    r"""Gradient of the negative-sampling loss with respect to the centre embedding.

    .. math:: \nabla_{x_\omega}\tilde\ell=-\big(1-\sigma(x_\omega^\top y_\nu)\big)\,y_\nu
              +\beta\,\mathbb E_{\mu\sim D}\big[\sigma(x_\omega^\top y_\mu)\,y_\mu\big]

    Book label: ``conv.w2v-negative-sampling``.

    >>> negative_sampling_grad_x([0.0], [[1.0], [2.0]], 0, [0.5, 0.5], 2.0).tolist()
    [1.0]
    """
    negative_sampling_loss(x, Y, nu, noise, beta)            # validates
    x, Y = _pair(x, Y)
    D = v.as_float_tensor("noise", noise, like=Y)
    s = Y @ x
    return -(1 - torch.sigmoid(s[nu])) * Y[nu] + beta * (D * torch.sigmoid(s)) @ Y


# --- SGNS and PMI ----------------------------------------------------------------------------------------

def _counts(counts) -> torch.Tensor:
    C = _tensor("counts", counts, 2)
    if C.shape[0] != C.shape[1]:
        raise ValueError(f"counts must be a square word-by-context matrix, got shape {tuple(C.shape)}")
    if (C <= 0).any():
        raise ValueError("counts must be positive (every pair seen at least once), got "
                         f"{C.tolist() if C.numel() <= 16 else 'a matrix with zeros'}")
    return C


def pmi(counts) -> torch.Tensor:
    r"""Pointwise mutual information of a co-occurrence count matrix.

    .. math:: \mathrm{PMI}(w,c)=\log\frac{\#(w,c)\,|D|}{\#(w)\,\#(c)},\qquad
              \#(w)=\sum_c\#(w,c),\ \#(c)=\sum_w\#(w,c),\ |D|=\sum_{w,c}\#(w,c)

    Book label: ``conv.w2v-sgns-pmi``. ``counts`` : :math:`\#(w,c)`, positive, ``(V, V)``.

    >>> pmi([[1.0, 1.0], [1.0, 1.0]]).tolist()
    [[0.0, 0.0], [0.0, 0.0]]
    """
    C = _counts(counts)
    return torch.log(C * C.sum() / (C.sum(1, keepdim=True) * C.sum(0, keepdim=True)))


def sgns_optimal_scores(counts, k: float) -> torch.Tensor:
    r"""The dot products that maximise skip-gram with :math:`k` negatives: PMI shifted by :math:`\log k`.

    .. math:: \max_s\ \#(w,c)\log\sigma(s)+k\frac{\#(w)\#(c)}{|D|}\log\sigma(-s)\ \Rightarrow\
              s^*=x_w^\top y_c=\mathrm{PMI}(w,c)-\log k

    Book label: ``conv.w2v-sgns-pmi`` (Levy and Goldberg 2014). Setting the derivative
    :math:`\#(w,c)\sigma(-s)-k\frac{\#(w)\#(c)}{|D|}\sigma(s)` to zero gives
    :math:`e^{s}=\#(w,c)|D|/(k\,\#(w)\#(c))`. With enough dimensions every pair reaches its own optimum.

    >>> sgns_optimal_scores([[2.0, 1.0], [1.0, 2.0]], 1.0).round(decimals=6).tolist()
    [[0.287682, -0.405465], [-0.405465, 0.287682]]
    """
    k = v.require_scalar("k", k)
    v.require_positive("k", k)
    return pmi(counts) - math.log(k)


# --- CBOW and skip-gram --------------------------------------------------------------------------------

def skipgram_probs(Vout, W, center: int) -> torch.Tensor:
    r"""Skip-gram: the distribution of a context word :math:`x_i` given the centre word :math:`x_t`.

    .. math:: p(x_i\mid x_t)\propto\exp\langle v_{x_i},w_{x_t}\rangle

    Book label: ``conv.w2v-cbow-skipgram``. ``Vout`` : output vectors :math:`v` ``(V, d)``; ``W`` : input
    vectors :math:`w` ``(V, d)``; ``center`` : :math:`x_t`. It is the log-bilinear model with
    :math:`x=w_{x_t}`, :math:`Y=v`.

    >>> skipgram_probs([[1.0], [0.0]], [[0.0], [1.0]], 1).round(decimals=6).tolist()
    [0.731059, 0.268941]
    """
    Vout = _tensor("Vout", Vout, 2)
    W = _tensor("W", W, 2, like=Vout)
    v.require_same_shape("Vout", Vout, "W", W)
    center = _word("center", center, W.shape[0])
    return torch.softmax(Vout @ W[center], 0)


def cbow_probs(Vout, W, context: Sequence[int]) -> torch.Tensor:
    r"""CBOW: the distribution of the middle word given the sum of its context's input vectors.

    .. math:: p(x_t\mid\text{ctx})\propto\exp\Big\langle v_{x_t},\sum_{i\in\text{ctx}}w_{x_i}\Big\rangle

    Book label: ``conv.w2v-cbow-skipgram``. ``context`` : the indices of the context words.

    >>> cbow_probs([[1.0], [0.0]], [[0.5], [0.5]], [0, 1]).round(decimals=6).tolist()
    [0.731059, 0.268941]
    """
    Vout = _tensor("Vout", Vout, 2)
    W = _tensor("W", W, 2, like=Vout)
    v.require_same_shape("Vout", Vout, "W", W)
    if isinstance(context, (str, bytes)) or not isinstance(context, Sequence) or len(context) == 0:
        raise ValueError(f"context must be a non-empty sequence of word indices, got {context!r}")
    idx = [_word("context", c, W.shape[0]) for c in context]
    return torch.softmax(Vout @ W[idx].sum(0), 0)


def sentence_log_likelihood(log_probs, tokens: Sequence[int], window: int) -> torch.Tensor:
    r"""The n-gram objective :math:`\sum_t\log p_\theta(x_t\mid x_{t-1},\dots,x_{t-L})` of a token sequence.

    Book label: ``conv.w2v-cbow-skipgram``. ``log_probs`` : a function of (the previous ``window``
    tokens, a list) returning log-probabilities over the vocabulary; positions with fewer than ``window``
    predecessors are skipped.

    >>> round(float(sentence_log_likelihood(lambda ctx: torch.log(torch.tensor([0.5, 0.5])), [0, 1, 1], 1)), 6)
    -1.386294
    """
    if not callable(log_probs):
        raise ValueError(f"log_probs must be callable, got {log_probs!r}")
    window = v.require_int("window", window, minimum=1)
    if isinstance(tokens, (str, bytes)) or not isinstance(tokens, Sequence):
        raise ValueError(f"tokens must be a sequence of word indices, got {tokens!r}")
    tokens = [v.require_int("tokens", t, minimum=0) for t in tokens]
    if len(tokens) <= window:
        raise ValueError(f"tokens must be longer than the window ({window}), got {len(tokens)} tokens")
    return sum(log_probs(tokens[t - window:t])[tokens[t]] for t in range(window, len(tokens)))


# --- the random-walk model -------------------------------------------------------------------------------

def randwalk_log_cooccurrence(v_w, v_c, d: int, log_Z: float = 0.0) -> torch.Tensor:
    r"""Arora et al.'s random-walk model: log-probabilities of a word, and of a pair, from their vectors.

    .. math:: \log p(w)=\frac{\|v_w\|^2}{2d}-\log Z,\qquad \log p(w,w')=\frac{\|v_w+v_{w'}\|^2}{2d}-2\log Z
              \quad\Longrightarrow\quad \mathrm{PMI}(w,w')=\frac{\langle v_w,v_{w'}\rangle}{d}

    Book label: ``conv.w2v-randwalk``. ``v_w``, ``v_c`` : word vectors ``(d,)`` or batches ``(..., d)``;
    ``d`` : the dimension. Returns ``(log p(w), log p(w'), log p(w, w'))`` stacked along a new last axis
    (up to the model's :math:`\pm\epsilon`); the vector's norm encodes frequency, its direction meaning.

    >>> randwalk_log_cooccurrence([2.0, 0.0], [0.0, 2.0], 2).tolist()
    [1.0, 1.0, 2.0]
    """
    a = _tensor("v_w", v_w, (1, 2))
    b = _tensor("v_c", v_c, (1, 2), like=a)
    v.require_same_shape("v_w", a, "v_c", b)
    d = v.require_int("d", d, minimum=1)
    log_Z = v.require_scalar("log_Z", log_Z)
    sq = lambda z: (z * z).sum(-1)  # noqa: E731
    return torch.stack([sq(a) / (2 * d) - log_Z, sq(b) / (2 * d) - log_Z, sq(a + b) / (2 * d) - 2 * log_Z], -1)


def discourse_moment(v_w, d: int) -> torch.Tensor:
    r"""The moment that makes the model work: for :math:`c\sim\mathcal N(0,I_d/d)`, :math:`\mathbb E\,e^{\langle v,c\rangle}=e^{\|v\|^2/(2d)}`.

    Book label: ``conv.w2v-randwalk``. ``v_w`` : ``(d,)`` or ``(..., d)``.

    >>> round(float(discourse_moment([1.0, 1.0], 2)), 6)   # e^{2/4}
    1.648721
    """
    a = _tensor("v_w", v_w, (1, 2))
    d = v.require_int("d", d, minimum=1)
    return torch.exp((a * a).sum(-1) / (2 * d))


def fit_sgns(counts, k: float, *, dim: int | None = None, steps: int = 2000, lr: float = 0.05, seed: int = 0):
    r"""Train skip-gram with negative sampling on a co-occurrence matrix (the expected objective, by Adam).

    .. math:: \max_{X,Y}\sum_{w,c}\#(w,c)\log\sigma(x_w^\top y_c)+k\frac{\#(w)\#(c)}{|D|}\log\sigma(-x_w^\top y_c)

    ``dim`` : embedding width (default :math:`V`, enough for every pair to reach its own optimum).
    Returns the learned scores :math:`XY^\top`, ``(V, V)``, to compare with ``conv.w2v-sgns-pmi``.
    """
    C = _counts(counts)
    k = v.require_scalar("k", k)
    v.require_positive("k", k)
    dim = C.shape[0] if dim is None else v.require_int("dim", dim, minimum=1)
    steps = v.require_int("steps", steps, minimum=1)
    lr = v.require_scalar("lr", lr)
    v.require_positive("lr", lr)
    g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
    X = (0.1 * torch.randn(C.shape[0], dim, generator=g, dtype=C.dtype)).to(C.device).requires_grad_(True)
    Y = (0.1 * torch.randn(C.shape[0], dim, generator=g, dtype=C.dtype)).to(C.device).requires_grad_(True)
    negatives = k * C.sum(1, keepdim=True) * C.sum(0, keepdim=True) / C.sum()
    opt = torch.optim.Adam([X, Y], lr=lr)
    for _ in range(steps):
        opt.zero_grad()
        S = X @ Y.T
        loss = -(C * torch.nn.functional.logsigmoid(S) + negatives * torch.nn.functional.logsigmoid(-S)).sum() / C.sum()
        loss.backward()
        opt.step()
    return (X @ Y.T).detach()
