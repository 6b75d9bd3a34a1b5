"""Optimisers compared on a real network: a small tanh MLP trained with minibatches on two moons.

Chapter 3, "The optimisers on a network". Each run starts from the same weights and sees the same
minibatches; only the update rule and its learning rate differ. The network, data and loss are those of
chapter 2's end-to-end section (:mod:`edl.feedforward.training`); the optimisers are ``torch.optim``'s,
which the chapter's checks compare step for step with the library's own.
"""

import torch

from edl.core import validate as v
from edl.feedforward import training as tr

#: The optimisers of the race: name -> (torch.optim class, keyword arguments besides the learning rate).
OPTIMIZERS = {
    "SGD": (torch.optim.SGD, {}),
    "heavy ball": (torch.optim.SGD, {"momentum": 0.9}),
    "Nesterov": (torch.optim.SGD, {"momentum": 0.9, "nesterov": True}),
    "RMSprop": (torch.optim.RMSprop, {}),
    "Adam": (torch.optim.Adam, {}),
}


_DATA: dict = {}


def race_data(s: int = 400, noise: float = 0.25, seed: int = 0) -> tuple[torch.Tensor, ...]:
    """Training and held-out two-moons sets of ``s`` points each (float64), fixed by ``seed`` (and cached)."""
    key = (v.require_int("s", s, minimum=2), v.require_scalar("noise", noise), v.require_int("seed", seed, minimum=0))
    if key not in _DATA:
        g = torch.Generator().manual_seed(key[2])
        X, y = tr.two_moons(key[0], noise, generator=g)
        X_test, y_test = tr.two_moons(key[0], noise, generator=g)
        _DATA[key] = (X, y, X_test, y_test)
    return _DATA[key]


def train_network(optimizer: str, lr: float, *, steps: int = 600, batch_size: int = 32, widths=(2, 32, 32, 1),
                  seed: int = 0, schedule=None, record_every: int = 20) -> dict:
    """Train the race's MLP with ``optimizer`` (a key of :data:`OPTIMIZERS`) at learning rate ``lr``.

    ``schedule`` : optional factors (one per step) multiplying ``lr``, e.g. from :mod:`.schedules`.
    Returns ``{"steps", "train" (full training loss at the recorded steps), "test" (held-out loss at the end),
    "accuracy" (held-out)}``. The minibatches and the initial weights depend only on ``seed``.
    """
    if not isinstance(optimizer, str) or optimizer not in OPTIMIZERS:
        raise ValueError(f"optimizer must be one of {list(OPTIMIZERS)}, got {optimizer!r}")
    lr = v.require_scalar("lr", lr)
    v.require_positive("lr", lr)
    steps = v.require_int("steps", steps, minimum=1)
    batch_size = v.require_int("batch_size", batch_size, minimum=1)
    record_every = v.require_int("record_every", record_every, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    if not isinstance(widths, (list, tuple)) or len(widths) < 2 or widths[0] != 2 or widths[-1] != 1:
        raise ValueError(f"widths must run from 2 inputs to 1 logit, e.g. (2, 32, 32, 1), got {widths!r}")
    if schedule is not None:
        schedule = v.as_float_tensor("schedule", schedule)
        if schedule.shape != (steps,):
            raise ValueError(f"schedule must hold one factor per step ({steps}), got shape {tuple(schedule.shape)}")
        v.require_finite("schedule", schedule)
        v.require_positive("schedule", schedule, strict=False)
    X, y, X_test, y_test = race_data()
    W, b = tr.init_network(list(widths), generator=torch.Generator().manual_seed(seed + 1))
    net = tr.as_torch_module(W, b)
    cls, kwargs = OPTIMIZERS[optimizer]
    opt = cls(net.parameters(), lr=lr, **kwargs)
    bce = torch.nn.BCEWithLogitsLoss()
    picks = torch.randint(len(y), (steps, batch_size), generator=torch.Generator().manual_seed(seed + 2))
    at, train = [], []
    for t in range(steps + 1):
        if t % record_every == 0 or t == steps:
            with torch.no_grad():
                value = float(bce(net(X)[:, 0], y))
            at.append(t)
            train.append(value if value == value else float("inf"))  # a diverged run records inf, not NaN
        if t == steps or train[-1] == float("inf"):
            break
        if schedule is not None:
            for group in opt.param_groups:
                group["lr"] = lr * float(schedule[t])
        opt.zero_grad()
        bce(net(X[picks[t]])[:, 0], y[picks[t]]).backward()
        opt.step()
    with torch.no_grad():
        z = net(X_test)[:, 0]
        test = float(bce(z, y_test))
        accuracy = float(((z > 0).to(y_test.dtype) == y_test).double().mean())
    return {"steps": torch.tensor(at), "train": torch.tensor(train, dtype=torch.float64),
            "test": test if test == test else float("inf"), "accuracy": accuracy}


def tune(optimizer: str, lrs, **kwargs) -> tuple[float, dict, dict]:
    """Run :func:`train_network` at each learning rate of ``lrs``; return the best rate, its run, and for every
    rate the final training loss, averaged over the last five recorded values (minibatch noise makes a single
    value a poor judge)."""
    if not isinstance(lrs, (list, tuple)) or len(lrs) == 0:
        raise ValueError(f"lrs must list at least one learning rate, got {lrs!r}")
    lrs = [v.require_scalar("lrs", lr) for lr in lrs]
    v.require_positive("lrs", lrs)
    runs = {lr: train_network(optimizer, lr, **kwargs) for lr in lrs}
    finals = {lr: float(r["train"][-5:].mean()) for lr, r in runs.items()}
    best = min(finals, key=lambda lr: (finals[lr], lr))
    return best, runs[best], finals
