r"""End to end: a one-layer transformer learns to count, against an MLP with the same number of parameters.

Chapter 6, "Attention and transformers". The task (a *histogram*): given a sequence of T tokens from a
vocabulary of V symbols, output at every position how often its token occurs in the whole sequence. The
answer at position i needs a comparison of token i with every other token — the query–key matching of
attention — and it does not depend on the order of the tokens, so the transformer needs no positional
encoding at all. An MLP on the flattened one-hot sequence must learn the same comparisons separately for
every pair of positions. Both models are built from ``torch.nn``; the transformer's attention weights are
returned so that its maps can be read.
"""

from dataclasses import dataclass, field

import torch
from torch import nn

from edl.core import validate as v

T_LEN, VOCAB = 10, 6


def make_counting_data(n: int, *, T: int = T_LEN, V: int = VOCAB, seed: int = 0, device=None):
    r"""``n`` random sequences and their histogram targets.

    .. math:: y_i=\#\{j:x_j=x_i\}-1\in\{0,\dots,T-1\}

    Returns ``(tokens, targets)``, both integer tensors of shape (n, T); tokens are uniform on
    :math:`\{0,\dots,V-1\}` (a generator seeded with ``seed``), targets are counts minus one (class indices).

    >>> x, y = make_counting_data(1, T=5, V=2, seed=1)
    >>> x.tolist(), y.tolist()
    ([[1, 1, 0, 0, 1]], [[2, 2, 1, 1, 2]])
    """
    n, T, V = v.require_int("n", n, minimum=1), v.require_int("T", T, minimum=1), v.require_int("V", V, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    device = v.require_device("device", device)
    g = torch.Generator().manual_seed(seed)
    tokens = torch.randint(V, (n, T), generator=g)
    targets = (tokens[:, :, None] == tokens[:, None, :]).sum(-1) - 1
    return tokens.to(device), targets.to(device)


class CountingTransformer(nn.Module):
    r"""Embedding, one block (multi-head self-attention and a position-wise network, each with a residual
    connection and pre-LN), and a read-out to T classes at every position. No positional encoding.

    ``d`` : width; ``heads`` : attention heads; ``d_ff`` : hidden width of the position-wise network.
    ``forward`` returns ``(logits, weights)``: logits (B, T, T), attention weights (B, heads, T, T).
    """

    def __init__(self, d: int = 16, heads: int = 2, d_ff: int = 32, *, T: int = T_LEN, V: int = VOCAB):
        super().__init__()
        d, heads = v.require_int("d", d, minimum=1), v.require_int("heads", heads, minimum=1)
        d_ff, T, V = (v.require_int(name, x, minimum=1) for name, x in (("d_ff", d_ff), ("T", T), ("V", V)))
        if d % heads:
            raise ValueError(f"heads must divide d = {d}, got {heads}")
        self.embed = nn.Embedding(V, d)
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ffn = nn.Sequential(nn.Linear(d, d_ff), nn.GELU(), nn.Linear(d_ff, d))
        self.out = nn.Linear(d, T)

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = self.embed(tokens)                                                     # (B, T, d)
        h = self.norm1(x)
        a, weights = self.attn(h, h, h, need_weights=True, average_attn_weights=False)
        x = x + a
        x = x + self.ffn(self.norm2(x))
        return self.out(x), weights


class CountingMLP(nn.Module):
    r"""An MLP on the flattened one-hot sequence: :math:`TV\to h\to h\to T\cdot T` logits, ReLU between."""

    def __init__(self, hidden: int = 64, *, T: int = T_LEN, V: int = VOCAB):
        super().__init__()
        hidden, T, V = (v.require_int(name, x, minimum=1) for name, x in (("hidden", hidden), ("T", T), ("V", V)))
        self.T, self.V = T, V
        self.net = nn.Sequential(nn.Linear(T * V, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                                 nn.Linear(hidden, T * T))

    def forward(self, tokens: torch.Tensor) -> tuple[torch.Tensor, None]:
        x = nn.functional.one_hot(tokens, self.V).float().flatten(1)
        return self.net(x).view(-1, self.T, self.T), None


def n_params(model) -> int:
    """Number of trainable parameters."""
    _require_module(model)
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def matching_hidden(budget: int, *, T: int = T_LEN, V: int = VOCAB) -> int:
    """The widest hidden layer of :class:`CountingMLP` whose parameter count stays within ``budget``."""
    budget = v.require_int("budget", budget, minimum=1)
    h = 1
    while n_params(CountingMLP(h + 1, T=T, V=V)) <= budget:
        h += 1
    return h


@dataclass
class Run:
    """A trained model with its training loss and test accuracy, recorded every ``every`` steps."""

    model: nn.Module
    steps: list = field(default_factory=list)
    train_loss: list = field(default_factory=list)
    test_accuracy: list = field(default_factory=list)

    def __post_init__(self):
        _require_module(self.model)
        for name in ("steps", "train_loss", "test_accuracy"):
            if not isinstance(getattr(self, name), list):
                raise ValueError(f"{name} must be a list, got {getattr(self, name)!r}")


def _require_module(model) -> None:
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")


def _require_tokens(name: str, t) -> None:
    if not isinstance(t, torch.Tensor) or t.dtype != torch.long or t.ndim != 2:
        raise ValueError(f"{name} must be a (batch, T) tensor of token indices (torch.long), got {t!r}")


def accuracy(model, tokens, targets) -> float:
    """Share of positions whose count is predicted exactly."""
    _require_module(model)
    _require_tokens("tokens", tokens)
    _require_tokens("targets", targets)
    if targets.shape != tokens.shape:
        raise ValueError(f"targets must have the shape of tokens {tuple(tokens.shape)}, got {tuple(targets.shape)}")
    with torch.no_grad():
        logits, _ = model(tokens)
    return float((logits.argmax(-1) == targets).double().mean())


def train(model, *, steps: int = 600, lr: float = 3e-3, batch_size: int = 64, every: int = 50, seed: int = 0,
          T: int = T_LEN, V: int = VOCAB) -> Run:
    """Adam on fresh random sequences (an endless stream: no overfitting), cross-entropy at every position."""
    _require_module(model)
    steps, every = v.require_int("steps", steps, minimum=1), v.require_int("every", every, minimum=1)
    lr, batch_size = v.require_positive_scalar("lr", lr), v.require_int("batch_size", batch_size, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    device = next(model.parameters()).device
    torch.manual_seed(seed)
    test = make_counting_data(1000, T=T, V=V, seed=seed + 10_000, device=device)
    stream = make_counting_data(steps * batch_size, T=T, V=V, seed=seed + 1, device=device)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    run = Run(model)
    for step in range(1, steps + 1):
        batch = slice((step - 1) * batch_size, step * batch_size)
        x, y = stream[0][batch], stream[1][batch]
        logits, _ = model(x)
        loss = nn.functional.cross_entropy(logits.flatten(0, 1), y.flatten())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % every == 0 or step == steps:
            run.steps.append(step)
            run.train_loss.append(float(loss.detach()))
            run.test_accuracy.append(accuracy(model, *test))
    return run


def compare(*, steps: int = 600, seed: int = 0, device=None) -> dict:
    """Train the transformer and the MLP with the same budget of parameters on the same stream."""
    device = v.require_device("device", device)
    seed = v.require_int("seed", seed, minimum=0)
    steps = v.require_int("steps", steps, minimum=1)
    torch.manual_seed(seed)
    transformer = CountingTransformer().to(device)
    torch.manual_seed(seed)
    mlp = CountingMLP(matching_hidden(n_params(transformer))).to(device)
    return {"transformer": train(transformer, steps=steps, seed=seed), "mlp": train(mlp, steps=steps, seed=seed),
            "params": (n_params(transformer), n_params(mlp))}
