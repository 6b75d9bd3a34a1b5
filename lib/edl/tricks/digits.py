r"""End to end: one small network on handwritten digits, trained with and without each trick of the chapter.

Chapter 8, "Tricks of the trade". The data are scikit-learn's bundled 8×8 digits (1,797 images, nothing is
downloaded), split by :func:`edl.convolution.digits.load_digits` into 1,297 training and 500 held-out images
and flattened to 64 inputs. The network is an MLP 64 → ``width`` → … → 10 with ``depth`` hidden ReLU layers,
trained by SGD with momentum on the cross-entropy from seeded initialisations and batch orders. Each
variant changes one thing (:data:`TRICKS`):

- ``"plain"``: PyTorch's default initialisation :math:`\mathcal U[-1/\sqrt n,1/\sqrt n]` (variance :math:`1/(3n)`);
- ``"he init"``: :math:`\mathcal N(0,2/n)` weights, zero biases (``tricks.init-he``);
- ``"weight decay"``: He initialisation and ``weight_decay`` on the weight matrices only (``tricks.wd-multilayer``);
- ``"dropout"``: He initialisation and inverted dropout on every hidden layer (``tricks.dropout-mask``);
- ``"batch norm"``: batch normalisation before every ReLU (``tricks.batchnorm``);
- ``"residual"``: hidden layers :math:`h\mapsto h+\alpha\,\mathrm{ReLU}(Wh+b)` with :math:`\alpha^2=1/\text{depth}`
  (``tricks.residual-depth-scaling``).
"""

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from edl.convolution.digits import load_digits
from edl.core import validate as v

TRICKS = ("plain", "he init", "weight decay", "dropout", "batch norm", "residual")


class TrickMLP(nn.Module):
    """An MLP 64 → width (× depth hidden layers) → 10 with one trick switched on (or none)."""

    def __init__(self, trick: str = "plain", depth: int = 6, width: int = 64, p: float = 0.2):
        super().__init__()
        v.require_choice("trick", trick, TRICKS)
        depth, width = v.require_int("depth", depth, minimum=1), v.require_int("width", width, minimum=1)
        self.p = v.require_probability("p", p, open_high=True)
        self.trick, self.depth = trick, depth
        self.inp = nn.Linear(64, width)
        self.hidden = nn.ModuleList(nn.Linear(width, width) for _ in range(depth - 1))
        self.norms = nn.ModuleList(nn.BatchNorm1d(width) for _ in range(depth)) if trick == "batch norm" else None
        self.out = nn.Linear(width, 10)
        if trick in ("he init", "weight decay", "dropout"):      # the regularisers act on a trainable network
            for layer in (self.inp, *self.hidden, self.out):
                nn.init.normal_(layer.weight, std=(2.0 / layer.in_features) ** 0.5)
                nn.init.zeros_(layer.bias)

    def _act(self, z, i):
        if self.norms is not None:
            z = self.norms[i](z)
        z = torch.relu(z)
        if self.trick == "dropout":
            z = nn.functional.dropout(z, self.p, self.training)
        return z

    def forward(self, x):
        h = self._act(self.inp(x.flatten(1)), 0)                              # (B, width)
        alpha = self.depth ** -0.5
        for i, layer in enumerate(self.hidden, start=1):
            z = self._act(layer(h), i)
            h = h + alpha * z if self.trick == "residual" else z
        return self.out(h)                                                    # (B, 10)


@dataclass
class History:
    """Per-epoch training and held-out cross-entropy and accuracy of one variant."""

    trick: str
    train_loss: list = field(default_factory=list)
    test_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    test_acc: list = field(default_factory=list)

    def __post_init__(self):
        v.require_choice("trick", self.trick, TRICKS)
        for name in ("train_loss", "test_loss", "train_acc", "test_acc"):
            values = getattr(self, name)
            top = 1.0 if name.endswith("acc") else math.inf
            if not isinstance(values, list) or not all(isinstance(x, (int, float)) and not isinstance(x, bool)
                                                       and 0 <= x <= top and math.isfinite(x) for x in values):
                raise ValueError(f"{name} must be a list of finite numbers in [0, {top}], got {values!r}"[:200])
        lengths = {len(getattr(self, n)) for n in ("train_loss", "test_loss", "train_acc", "test_acc")}
        if len(lengths) > 1:
            raise ValueError(f"train_loss, test_loss, train_acc and test_acc must have one entry per epoch each, "
                             f"got lengths {len(self.train_loss)}, {len(self.test_loss)}, {len(self.train_acc)}, {len(self.test_acc)}")


def _evaluate(model, X, y):
    model.eval()
    with torch.no_grad():
        scores = model(X)
        out = float(nn.functional.cross_entropy(scores, y)), float((scores.argmax(1) == y).double().mean())
    model.train()
    return out


def train_trick(trick: str, *, epochs: int = 30, depth: int = 6, width: int = 64, lr: float = 0.05,
                weight_decay: float = 1e-3, p: float = 0.2, batch_size: int = 64, seed: int = 0, device=None) -> History:
    """Train :class:`TrickMLP` with one trick; record losses and accuracies after every epoch.

    ``weight_decay`` and ``p`` are used only by the variants of the same name; all variants share the data
    split, the initialisation seed and the order of the mini-batches.
    """
    v.require_choice("trick", trick, TRICKS)
    epochs, batch_size = v.require_int("epochs", epochs, minimum=1), v.require_int("batch_size", batch_size, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    weight_decay = v.require_positive_scalar("weight_decay", weight_decay, strict=False)
    seed = v.require_int("seed", seed, minimum=0)
    Xtr, ytr, Xte, yte = load_digits(device=device, dtype=torch.float32, seed=0)
    Xtr, Xte = Xtr.flatten(1), Xte.flatten(1)
    torch.manual_seed(seed)
    model = TrickMLP(trick, depth, width, p).to(Xtr.device)
    decay = weight_decay if trick == "weight decay" else 0.0
    weights = [m.weight for m in model.modules() if isinstance(m, nn.Linear)]
    others = [q for q in model.parameters() if all(q is not w for w in weights)]
    opt = torch.optim.SGD([{"params": weights, "weight_decay": decay}, {"params": others, "weight_decay": 0.0}],
                          lr=lr, momentum=0.9)
    g = torch.Generator().manual_seed(seed)
    history = History(trick)
    for _ in range(epochs):
        order = torch.randperm(len(ytr), generator=g).to(ytr.device)
        for start in range(0, len(ytr), batch_size):
            idx = order[start:start + batch_size]
            if len(idx) < 2:
                continue                                                     # batch norm needs two examples
            opt.zero_grad()
            nn.functional.cross_entropy(model(Xtr[idx]), ytr[idx]).backward()
            opt.step()
        for (loss, acc), (ls, accs) in zip((_evaluate(model, Xtr, ytr), _evaluate(model, Xte, yte)),
                                           ((history.train_loss, history.train_acc), (history.test_loss, history.test_acc))):
            ls.append(loss)
            accs.append(acc)
    return history


def compare_tricks(epochs: int = 30, seed: int = 0, device=None, tricks=TRICKS) -> dict:
    """:func:`train_trick` for every variant in ``tricks``; returns ``{trick: History}``."""
    if isinstance(tricks, str) or not tricks:
        raise ValueError(f"tricks must be a non-empty sequence of names from {TRICKS}, got {tricks!r}")
    for t in tricks:
        v.require_choice("tricks", t, TRICKS)
    return {t: train_trick(t, epochs=epochs, seed=seed, device=device) for t in tricks}
