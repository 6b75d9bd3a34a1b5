r"""Probabilistic sequence models: the chain rule, Markov chains, latent state-space models, sequence-to-sequence
factorisations, teacher forcing, encoder–decoders and the moments of a time series.

Chapter 5, "Recurrent networks" (book labels ``rnn.autoregressive``, ``rnn.markov``, ``rnn.latent-ar``,
``rnn.seq2seq-factorization``, ``rnn.teacher-forcing``, ``rnn.encoder-decoder``,
``rnn.time-series-moments``). A joint pmf of :math:`n` discrete variables with :math:`K` values each is a
tensor of shape ``(K,) * n``.
"""

import torch
from torch import nn

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _joint(joint, min_ndim: int = 1) -> torch.Tensor:
    p = v.as_float_tensor("joint", joint)
    v.require_finite("joint", p)
    v.require_min_ndim("joint", p, min_ndim)
    if len(set(p.shape)) != 1:
        raise ValueError(f"joint must have the same number of values per variable, got shape {tuple(p.shape)}")
    v.require_distribution("joint", p.reshape(-1), atol=1e-9)
    return p


def _conditionals(conditionals) -> list[torch.Tensor]:
    """A list of conditional tables, the t-th of shape (K,) * (t + 1), each a distribution along its last axis."""
    cs = v.as_tensor_list("conditionals", conditionals)
    v.require_ndim("conditionals[0]", cs[0], 1)
    K = cs[0].shape[0]
    for t, c in enumerate(cs):
        v.require_shape(f"conditionals[{t}]", c, (K,) * (t + 1), match="conditionals[0]")
        v.require_distribution(f"conditionals[{t}]", c, atol=1e-9)
    return cs


def _condition(p: torch.Tensor, axis: int) -> torch.Tensor:
    """p(x_axis | earlier variables) from the joint p of the variables up to ``axis``; 0/0 gives 1/K."""
    marginal = p.sum(axis, keepdim=True)
    K = p.shape[axis]
    return torch.where(marginal > 0, p / torch.where(marginal > 0, marginal, 1), torch.full_like(p, 1 / K))


# --- the chain rule --------------------------------------------------------------------------------------------

def chain_rule_conditionals(joint) -> list[torch.Tensor]:
    r"""The factors :math:`p(x_t\mid x_{t-1},\dots,x_1)` of a joint pmf, from its marginals.

    .. math:: p(x_1,\dots,x_T)=\prod_{t=1}^{T}p(x_t\mid x_{t-1},\dots,x_1),\qquad
              p(x_t\mid x_{<t})=\frac{p(x_1,\dots,x_t)}{p(x_1,\dots,x_{t-1})}

    Book label: ``rnn.autoregressive``. ``joint`` ``(K,) * T``. Returns ``T`` tables, the ``t``-th of shape
    ``(K,) * t`` (indexed by :math:`x_1..x_t`); a conditional on a prefix of probability 0 is taken uniform.

    >>> [c.tolist() for c in chain_rule_conditionals([[0.5, 0.0], [0.25, 0.25]])]
    [[0.5, 0.5], [[1.0, 0.0], [0.5, 0.5]]]
    """
    p = _joint(joint)
    T = p.ndim
    out = []
    for t in range(T):
        prefix = p.sum(dim=tuple(range(t + 1, T))) if t + 1 < T else p        # p(x_1..x_{t+1})
        out.append(_condition(prefix, t))
    return out


def chain_rule_joint(conditionals) -> torch.Tensor:
    r"""The joint pmf as the product of its conditionals (see :func:`chain_rule_conditionals`).

    Book label: ``rnn.autoregressive``. ``conditionals[t]`` has shape ``(K,) * (t + 1)``.

    >>> chain_rule_joint([[0.5, 0.5], [[1.0, 0.0], [0.5, 0.5]]]).tolist()
    [[0.5, 0.0], [0.25, 0.25]]
    """
    cs = _conditionals(conditionals)
    joint = torch.ones((), dtype=cs[0].dtype, device=cs[0].device)
    for c in cs:
        joint = joint[..., None] * c                                          # p(x_≤t) = p(x_<t) p(x_t | x_<t)
    return joint


def ancestral_sample(conditionals, n: int, generator: torch.Generator) -> torch.Tensor:
    r"""Draw ``n`` sequences one variable after another: :math:`x_t\sim p(\cdot\mid x_{<t})`.

    Book label: ``rnn.autoregressive``. Returns ``(n, T)`` integer indices.

    >>> ancestral_sample([[0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]]], 2, torch.Generator().manual_seed(0)).tolist()
    [[1, 1], [1, 1]]
    """
    cs = _conditionals(conditionals)
    n = v.require_int("n", n, minimum=1)
    v.require_generator("generator", generator)
    if generator is None:
        raise ValueError("generator must be a torch.Generator, got None")
    out = torch.zeros(n, len(cs), dtype=torch.long)
    for t, c in enumerate(cs):
        rows = c[tuple(out[:, s] for s in range(t))] if t else c.expand(n, -1)   # (n, K)
        out[:, t] = torch.multinomial(rows.cpu().double(), 1, generator=generator)[:, 0]
    return out


# --- Markov chains and latent state ---------------------------------------------------------------------------------

def _chain(pi0, P) -> tuple[torch.Tensor, torch.Tensor]:
    pi0 = _tensor("pi0", pi0, 1)
    v.require_distribution("pi0", pi0, atol=1e-9)
    P = _tensor("P", P, 2, like=pi0)
    v.require_shape("P", P, (pi0.shape[0], pi0.shape[0]), match="pi0")
    v.require_distribution("P", P, atol=1e-9)
    return pi0, P


def markov_marginals(pi0, P, T: int) -> torch.Tensor:
    r"""Marginals of a Markov chain by dynamic programming: :math:`\pi_t=\pi_{t-1}P`, :math:`\pi_1=` ``pi0``.

    .. math:: P(x_1,\dots,x_T)=\prod_{t=1}^{T}P(x_t\mid x_{t-1}),\qquad P(x_1\mid x_0):=P(x_1)

    Book label: ``rnn.markov``. ``P[i, j]`` = :math:`P(x_t=j\mid x_{t-1}=i)`. Returns ``(T, S)``: cost
    :math:`O(TS^2)` instead of the :math:`S^T` terms of the joint.

    >>> markov_marginals([1.0, 0.0], [[0.5, 0.5], [0.0, 1.0]], 3).tolist()
    [[1.0, 0.0], [0.5, 0.5], [0.25, 0.75]]
    """
    pi, P = _chain(pi0, P)
    T = v.require_int("T", T, minimum=1)
    out = [pi]
    for _ in range(T - 1):
        out.append(out[-1] @ P)
    return torch.stack(out)


def markov_sequence_prob(seq, pi0, P) -> float:
    r"""The probability :math:`P(x_1)\prod_{t\ge2}P(x_t\mid x_{t-1})` of one state sequence.

    Book label: ``rnn.markov``.

    >>> markov_sequence_prob([0, 1, 1], [1.0, 0.0], [[0.5, 0.5], [0.0, 1.0]])
    0.5
    """
    pi, P = _chain(pi0, P)
    s = v.require_int_list("seq", seq, minimum=0)
    if max(s) >= len(pi):
        raise ValueError(f"seq must hold states 0..{len(pi) - 1}, got {seq!r}")
    prob = pi[s[0]]
    for a, b in zip(s, s[1:]):
        prob = prob * P[a, b]
    return float(prob)


def kalman_predictive(x, a, q, c, r, m0, p0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Predictive mean and variance of :math:`x_t` given :math:`x_{<t}` in a linear-Gaussian state-space model.

    .. math:: h_t=ah_{t-1}+\mathcal N(0,q),\quad x_t=ch_t+\mathcal N(0,r),\quad h_1\sim\mathcal N(m_0,p_0);
    .. math:: p(x_t\mid x_{t-1},\dots,x_1)=p(x_t\mid\hat h_t)=\mathcal N(c\,m_t,\ c^2P_t+r),\qquad
              \hat h_t=(m_t,P_t)=g(\hat h_{t-1},x_{t-1})

    Book label: ``rnn.latent-ar``. The statistic :math:`\hat h_t` of the past is updated recursively from the
    previous one and the last observation (the Kalman filter): a latent autoregressive model in which
    the conditional is exact. ``x`` ``(T,)``. Returns means and variances ``(T,)``.

    >>> [t.tolist() for t in kalman_predictive([1.0, 0.0], 1.0, 0.0, 1.0, 1.0, 0.0, 1.0)]
    [[0.0, 0.5], [2.0, 1.5]]
    """
    x = _tensor("x", x, 1)
    a, c = v.require_scalar("a", a), v.require_scalar("c", c)
    q, r = v.require_positive_scalar("q", q, strict=False), v.require_positive_scalar("r", r)
    m, P = v.require_scalar("m0", m0), v.require_positive_scalar("p0", p0, strict=False)
    means, variances = [], []
    for x_t in x.tolist():
        S = c * c * P + r
        means.append(c * m)
        variances.append(S)
        gain = P * c / S                                       # update with x_t, then predict h_{t+1}
        m, P = m + gain * (x_t - c * m), (1 - gain * c) * P
        m, P = a * m, a * a * P + q
    return (torch.tensor(means, dtype=x.dtype, device=x.device),
            torch.tensor(variances, dtype=x.dtype, device=x.device))


# --- sequence to sequence --------------------------------------------------------------------------------------------

def seq2seq_likelihood(joint, causal: bool = False) -> torch.Tensor:
    r"""The conditional :math:`p(y^1,y^2\mid x^1,x^2)` as a product of per-output factors.

    .. math:: p(y^{1:T}\mid x^{1:T})=\prod_{t=1}^{T}p(y^t\mid x^{1:T},y^{1:t-1})\ \ (\text{exact}),\qquad
              \approx\prod_tp(y^t\mid x^{1:t},y^{1:t-1})\ \ (\text{causal})

    Book label: ``rnn.seq2seq-factorization``. ``joint`` ``(K, K, K, K)`` over :math:`(x^1,x^2,y^1,y^2)`.
    Returns the product indexed like ``joint``. The causal version drops :math:`x^2` from the first factor,
    which is exact only if :math:`y^1\perp x^2\mid x^1`.

    >>> seq2seq_likelihood(torch.full((2, 2, 2, 2), 1 / 16)).flatten().tolist()[:2]
    [0.25, 0.25]
    """
    p = _joint(joint, 4)
    v.require_ndim("joint", p, 4)
    causal = v.require_bool("causal", causal)
    first = _condition(p.sum(3, keepdim=True), 2)                                # p(y1 | x1, x2)
    if causal:
        first = _condition(p.sum((1, 3), keepdim=True), 2)                       # p(y1 | x1)
    second = _condition(p, 3)                                                    # p(y2 | x1, x2, y1)
    return first * second


def ar1_rollouts(a_hat, y) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Teacher-forced and free-running predictions of a learned AR(1) model :math:`\hat y_t=\hat a\,y_{t-1}`.

    .. math:: \text{training: }\hat y_t=f(y_{t-1}^{\text{true}}),\qquad \text{generation: }\hat y_t=f(\hat y_{t-1})

    Book label: ``rnn.teacher-forcing``. ``a_hat`` : the learned coefficient; ``y`` ``(T + 1,)`` : the true
    series from :math:`y_0`. Returns the predictions of :math:`y_1..y_T` fed the truth (teacher forcing) and
    fed their own outputs (free running). The free-running error compounds: exposure bias.

    >>> [t.numpy().round(8).tolist() for t in ar1_rollouts(2.0, [1.0, 1.0, 1.0])]
    [[2.0, 2.0], [2.0, 4.0]]
    """
    a = v.require_scalar("a_hat", a_hat)
    y = _tensor("y", y, 1)
    if len(y) < 2:
        raise ValueError(f"y must hold y_0 and at least one more value, got {y.tolist()}")
    teacher = a * y[:-1]
    free = y[0] * a ** torch.arange(1, len(y), dtype=y.dtype, device=y.device)   # â^t y_0
    return teacher, free


class EncoderDecoder(nn.Module):
    r"""A GRU encoder that reads :math:`x^1..x^T` into :math:`z=h^T` and a GRU decoder that writes :math:`S`
    outputs from :math:`z`, feeding each output back as its next input.

    Book label: ``rnn.encoder-decoder``. ``n_in``, ``n_hidden``, ``n_out`` : sizes; ``seed`` : the
    initialisation. Call it with ``x`` ``(T, B, n_in)`` and ``steps`` :math:`S`; returns ``(S, B, n_out)``.
    Input and output lengths are independent: everything the decoder knows passes through :math:`z`.

    >>> model = EncoderDecoder(2, 3, 2, seed=0).double()
    >>> tuple(model(torch.zeros(7, 1, 2, dtype=torch.float64), steps=4).shape)
    (4, 1, 2)
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, seed: int = 0):
        super().__init__()
        n_in, n_hidden, n_out = (v.require_int(k, val, minimum=1)
                                 for k, val in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)))
        seed = v.require_int("seed", seed, minimum=0)
        self.encoder = nn.GRU(n_in, n_hidden)
        self.decoder = nn.GRUCell(n_out, n_hidden)
        self.readout = nn.Linear(n_hidden, n_out)
        g = torch.Generator().manual_seed(seed)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_((torch.rand(p.shape, generator=g) * 2 - 1) / n_hidden ** 0.5)

    def forward(self, x, steps: int) -> torch.Tensor:
        x = _tensor("x", x, 3, like=next(self.parameters()))
        steps = v.require_int("steps", steps, minimum=1)
        _, z = self.encoder(x)                                  # z: (1, B, n_hidden), the whole input in one vector
        h = z[0]
        y = torch.zeros(x.shape[1], self.readout.out_features, dtype=x.dtype, device=x.device)
        out = []
        for _ in range(steps):
            h = self.decoder(y, h)                              # the previous output is the next input
            y = self.readout(h)
            out.append(y)
        return torch.stack(out)


# --- a time series as a stochastic process ----------------------------------------------------------------------------

def empirical_moments(x) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Empirical mean and covariance of a (multivariate) time series.

    .. math:: \hat\mu=\tfrac1T\textstyle\sum_tx_t,\qquad \hat\Sigma=\tfrac1T\sum_t(x_t-\hat\mu)(x_t-\hat\mu)^\top

    Book label: ``rnn.time-series-moments``. ``x`` ``(T, d)``. Returns ``(d,)`` and ``(d, d)``; they estimate
    :math:`\mu=\mathbb E\{x\}` and :math:`\Sigma=\mathbb E\{(x-\mu)(x-\mu)^\top\}` of a stationary process.

    >>> [t.tolist() for t in empirical_moments([[1.0], [3.0]])]
    [[2.0], [[1.0]]]
    """
    x = _tensor("x", x, 2)
    mu = x.mean(0)
    d = x - mu
    return mu, d.T @ d / x.shape[0]
