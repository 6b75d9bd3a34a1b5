r"""End-to-end experiments of chapter 5: a character-level LSTM language model on the Zen of Python, and a linear
recurrent unit against a tanh RNN on a task that needs a memory of 100 steps.

Chapter 5, "Recurrent networks". The text ships with Python (``import this`` stores it ROT13-encoded in
``this.s``, with the decoding table ``this.d``): nothing is downloaded. Both experiments train for a few
seconds on one CPU core.
"""

import contextlib
import io
import math

import torch
from torch import nn

from edl.core import validate as v
from edl.recurrent import lru


def zen_text() -> str:
    """The Zen of Python, decoded from the standard library's ``this`` module (without printing it).

    >>> zen_text().splitlines()[0]
    'The Zen of Python, by Tim Peters'
    """
    with contextlib.redirect_stdout(io.StringIO()):
        import this
    return "".join(this.d.get(c, c) for c in this.s)


def encode_text(text: str) -> tuple[torch.Tensor, list[str]]:
    """Characters to indices: the sorted vocabulary and the index sequence.

    >>> tokens, vocab = encode_text("abba")
    >>> tokens.tolist(), vocab
    ([0, 1, 1, 0], ['a', 'b'])
    """
    if not isinstance(text, str) or len(text) < 2:
        raise ValueError(f"text must be a string of at least 2 characters, got {text!r}")
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    return torch.tensor([index[c] for c in text]), vocab


class CharLSTM(nn.Module):
    """A character-level language model: one-hot characters, an LSTM, a linear read-out of next-character logits.

    ``vocab_size`` : number of characters; ``hidden`` : LSTM units; ``seed`` : initialisation. Called with
    ``tokens`` ``(T, B)`` it returns logits ``(T, B, vocab_size)`` (row ``t`` predicts token ``t + 1``) and the LSTM state.

    >>> CharLSTM(5, 8)(torch.zeros(3, 2, dtype=torch.long))[0].shape
    torch.Size([3, 2, 5])
    """

    def __init__(self, vocab_size: int, hidden: int, seed: int = 0):
        super().__init__()
        self.vocab_size = v.require_int("vocab_size", vocab_size, minimum=2)
        hidden = v.require_int("hidden", hidden, minimum=1)
        seed = v.require_int("seed", seed, minimum=0)
        with torch.random.fork_rng(devices=[]):
            torch.default_generator.manual_seed(seed)   # the CPU generator only: CUDA, MPS, ... left alone
            self.lstm = nn.LSTM(self.vocab_size, hidden)
            self.readout = nn.Linear(hidden, self.vocab_size)
            with torch.no_grad():
                self.lstm.bias_ih_l0[hidden:2 * hidden] = 1.0        # forget bias 1 (with bias_hh ≈ 0)

    def forward(self, tokens, state=None, inputs=None):
        x = nn.functional.one_hot(tokens, self.vocab_size).to(self.readout.weight.dtype) if inputs is None else inputs
        out, state = self.lstm(x, state)
        return self.readout(out), state


def train_char_lm(text: str, hidden: int = 64, steps: int = 300, seq_len: int = 64, batch: int = 16,
                  lr: float = 0.01, seed: int = 0) -> dict:
    r"""Train a :class:`CharLSTM` with Adam on random windows of ``text``, minimising the next-character
    cross-entropy :math:`-\frac1T\sum_t\log p(x_{t+1}\mid x_{\le t})` (nats per character).

    Returns ``{"model", "vocab", "tokens", "losses"}``; ``losses`` holds the training loss of every step.
    """
    tokens, vocab = encode_text(text)
    hidden, steps = v.require_int("hidden", hidden, minimum=1), v.require_int("steps", steps, minimum=1)
    seq_len, batch = v.require_int("seq_len", seq_len, minimum=2), v.require_int("batch", batch, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    seed = v.require_int("seed", seed, minimum=0)
    if seq_len >= len(tokens):
        raise ValueError(f"seq_len must be shorter than the text ({len(tokens)} characters), got {seq_len}")
    model = CharLSTM(len(vocab), hidden, seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(steps):
        start = torch.randint(0, len(tokens) - seq_len, (batch,), generator=g)
        window = torch.stack([tokens[s:s + seq_len + 1] for s in start.tolist()], 1)   # (T + 1, B)
        logits, _ = model(window[:-1])
        loss = nn.functional.cross_entropy(logits.reshape(-1, len(vocab)), window[1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
    return {"model": model, "vocab": vocab, "tokens": tokens, "losses": losses}


def sample_text(model: CharLSTM, vocab, prime: str, n: int, temperature: float = 0.5, seed: int = 0) -> str:
    """Continue ``prime`` by ``n`` characters, each drawn from softmax(logits / temperature): ancestral sampling."""
    if not isinstance(model, CharLSTM):
        raise ValueError(f"model must be a CharLSTM, got {type(model).__name__}")
    if isinstance(vocab, (str, bytes)) or not hasattr(vocab, "__len__") or len(vocab) != model.vocab_size:
        raise ValueError(f"vocab must list the model's {model.vocab_size} characters, got {vocab!r}")
    vocab = list(vocab)
    if not isinstance(prime, str) or not prime or any(c not in vocab for c in prime):
        raise ValueError(f"prime must be a non-empty string of vocabulary characters, got {prime!r}")
    n = v.require_int("n", n, minimum=1)
    temperature = v.require_positive_scalar("temperature", temperature)
    g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
    out = list(prime)
    with torch.no_grad():
        logits, state = model(torch.tensor([vocab.index(c) for c in prime])[:, None])
        for _ in range(n):
            p = torch.softmax(logits[-1, 0].double() / temperature, 0)
            nxt = int(torch.multinomial(p, 1, generator=g))
            out.append(vocab[nxt])
            logits, state = model(torch.tensor([[nxt]]), state)
    return "".join(out)


def gradient_through_time(model: CharLSTM, tokens) -> torch.Tensor:
    r"""How strongly the last prediction depends on each earlier input: :math:`\|\partial\ell_T/\partial x_t\|`,
    :math:`t=1..T`, with :math:`\ell_T=-\log p(x_{T+1}\mid x_{\le T})` and :math:`x_t` the one-hot inputs.

    ``tokens`` ``(T + 1,)``. Returns ``(T,)``: the vanishing-gradient picture of the trained network.
    """
    if not isinstance(model, CharLSTM):
        raise ValueError(f"model must be a CharLSTM, got {type(model).__name__}")
    t = v.require_int_list("tokens", tokens, minimum=0)
    if len(t) < 2 or max(t) >= model.vocab_size:
        raise ValueError(f"tokens must hold at least 2 indices below {model.vocab_size}, got {tokens!r}")
    seq = torch.tensor(t)
    x = nn.functional.one_hot(seq[:-1, None], model.vocab_size).to(model.readout.weight.dtype).requires_grad_(True)
    logits, _ = model(seq[:-1, None], inputs=x)
    loss = nn.functional.cross_entropy(logits[-1], seq[-1:])
    (g,) = torch.autograd.grad(loss, x)
    return g[:, 0].norm(dim=-1)


# --- a long memory: LRU against a tanh RNN ----------------------------------------------------------------------

def memory_task(n: int, T: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Remember the first bit: channel 0 carries :math:`\pm1` at :math:`t=0` and zeros after, channel 1 is
    :math:`\mathcal N(0,1)` noise at every step; the label is the first bit, to be read at step :math:`T`.

    Returns inputs ``(T, n, 2)`` and labels ``(n,)`` in {0, 1}.
    """
    n, T = v.require_int("n", n, minimum=1), v.require_int("T", T, minimum=1)
    v.require_generator("generator", generator)
    if generator is None:
        raise ValueError("generator must be a torch.Generator, got None")
    bits = torch.randint(0, 2, (n,), generator=generator)
    x = torch.zeros(T, n, 2)
    x[0, :, 0] = 2.0 * bits - 1
    x[:, :, 1] = torch.randn(T, n, generator=generator)
    return x, bits.float()


class LRUClassifier(nn.Module):
    r"""A linear recurrent unit and a small MLP: :math:`\zeta_t=\Lambda\zeta_{t-1}+Bx_t` with
    :math:`\lambda=\exp(-e^\nu+i\varphi)` ring-initialised in :math:`[r_{\min},r_{\max}]`, computed by the
    parallel scan; the logit is an MLP of :math:`\mathrm{Re}(C\zeta_T)`."""

    def __init__(self, n_in: int, m: int, r_min: float = 0.9, r_max: float = 0.999, seed: int = 0):
        super().__init__()
        n_in, m = v.require_int("n_in", n_in, minimum=1), v.require_int("m", m, minimum=1)
        g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
        lam = lru.ring_init(m, r_min, r_max, g)
        self.nu = nn.Parameter(lru.nu_from_modulus(lam.abs()).float())
        self.phi = nn.Parameter(lam.angle().float())
        scale = 1 / math.sqrt(2 * n_in)
        self.B = nn.Parameter(torch.randn(m, n_in, 2, generator=g) * scale)
        self.C = nn.Parameter(torch.randn(m, m, 2, generator=g) / math.sqrt(m))
        with torch.random.fork_rng(devices=[]):  # the head from the seed too, not from the global generator
            torch.default_generator.manual_seed(int(torch.randint(2**62, (), generator=g)))
            self.head = nn.Sequential(nn.Linear(m, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        lam = torch.polar(torch.exp(-torch.exp(self.nu)), self.phi)         # (m,)
        B, C = torch.view_as_complex(self.B), torch.view_as_complex(self.C)
        T, n = x.shape[:2]
        u = (x.to(B.dtype) @ B.T).reshape(T, -1)                            # (T, n·m): one channel per (example, mode)
        zeta = lru.parallel_scan(lam.repeat(n), u)[-1].reshape(n, -1)       # (n, m): the last state
        return self.head((zeta @ C.T).real)[:, 0]


class RNNClassifier(nn.Module):
    """A tanh RNN and the same MLP head, reading its last state."""

    def __init__(self, n_in: int, m: int, seed: int = 0):
        super().__init__()
        n_in, m = v.require_int("n_in", n_in, minimum=1), v.require_int("m", m, minimum=1)
        with torch.random.fork_rng(devices=[]):
            torch.default_generator.manual_seed(v.require_int("seed", seed, minimum=0))
            self.rnn = nn.RNN(n_in, m)
            self.head = nn.Sequential(nn.Linear(m, 16), nn.ReLU(), nn.Linear(16, 1))

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[-1])[:, 0]


def train_memory(model: nn.Module, T: int = 100, steps: int = 150, batch: int = 64, lr: float = 0.01,
                 seed: int = 0) -> dict:
    """Train ``model`` on :func:`memory_task` with Adam; returns per-step losses and the test accuracy on 1000 fresh
    sequences (``{"losses", "accuracy"}``)."""
    if not isinstance(model, nn.Module):
        raise ValueError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    T, steps, batch = (v.require_int(k, val, minimum=1) for k, val in (("T", T), ("steps", steps), ("batch", batch)))
    lr = v.require_positive_scalar("lr", lr)
    g = torch.Generator().manual_seed(v.require_int("seed", seed, minimum=0))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        x, y = memory_task(batch, T, g)
        loss = nn.functional.binary_cross_entropy_with_logits(model(x), y)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
    x, y = memory_task(1000, T, g)
    with torch.no_grad():
        accuracy = float(((model(x) > 0).float() == y).float().mean())
    return {"losses": losses, "accuracy": accuracy}
