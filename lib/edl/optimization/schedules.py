"""Learning-rate schedules, and what they do to the noise floor of SGD.

Chapter 3, "Learning-rate schedules". A schedule maps the step number ``t = 0, 1, …`` to a step size;
every function here returns the whole schedule as a float64 tensor of length ``steps``, matching
``torch.optim.lr_scheduler`` step for step (``StepLR``, ``CosineAnnealingLR``, ``LinearLR``).
"""

import math

import torch

from edl.core import validate as v


def _common(lr, steps):
    lr = v.require_scalar("lr", lr)
    v.require_positive("lr", lr)
    return lr, v.require_int("steps", steps, minimum=1)


def constant_schedule(lr: float, steps: int) -> torch.Tensor:
    """η_t = η for every step.

    >>> constant_schedule(0.1, 3).tolist()
    [0.1, 0.1, 0.1]
    """
    lr, steps = _common(lr, steps)
    return torch.full((steps,), lr, dtype=torch.float64)


def step_schedule(lr: float, steps: int, step_size: int, gamma: float = 0.1) -> torch.Tensor:
    r"""Step decay: :math:`\eta_t=\eta\,\gamma^{\lfloor t/s\rfloor}`, the step multiplied by γ every ``step_size`` = s steps.

    >>> step_schedule(1.0, 5, 2, 0.5).tolist()
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """
    lr, steps = _common(lr, steps)
    step_size = v.require_int("step_size", step_size, minimum=1)
    gamma = v.require_scalar("gamma", gamma)
    v.require_in_range("gamma", gamma, 0.0, 1.0, closed=False)
    t = torch.arange(steps, dtype=torch.float64)
    return lr * gamma ** torch.floor(t / step_size)


def cosine_schedule(lr: float, steps: int, lr_min: float = 0.0) -> torch.Tensor:
    r"""Cosine annealing over ``steps`` steps: :math:`\eta_t=\eta_{\min}+\tfrac12(\eta-\eta_{\min})(1+\cos(\pi t/T))`.

    It starts at η, falls slowly, fastest at the middle, and flattens out towards :math:`\eta_{\min}`.

    >>> [round(x, 6) for x in cosine_schedule(1.0, 4).tolist()]
    [1.0, 0.853553, 0.5, 0.146447]
    """
    lr, steps = _common(lr, steps)
    lr_min = v.require_scalar("lr_min", lr_min)
    v.require_in_range("lr_min", lr_min, 0.0, lr)
    t = torch.arange(steps, dtype=torch.float64)
    return lr_min + 0.5 * (lr - lr_min) * (1 + torch.cos(math.pi * t / steps))


def warmup(schedule: torch.Tensor, warmup_steps: int, start_factor: float = 0.0) -> torch.Tensor:
    r"""Linear warm-up in front of ``schedule``: the first ``warmup_steps`` = w steps are multiplied by
    :math:`f_0+(1-f_0)\,t/w`, rising from ``start_factor`` = :math:`f_0` to 1.

    >>> [round(x, 6) for x in warmup(constant_schedule(1.0, 5), 4, 0.2).tolist()]
    [0.2, 0.4, 0.6, 0.8, 1.0]
    """
    schedule = v.as_float_tensor("schedule", schedule)
    v.require_ndim("schedule", schedule, 1)
    v.require_finite("schedule", schedule)
    v.require_positive("schedule", schedule, strict=False)
    warmup_steps = v.require_int("warmup_steps", warmup_steps, minimum=1)
    start_factor = v.require_scalar("start_factor", start_factor)
    v.require_in_range("start_factor", start_factor, 0.0, 1.0)
    t = torch.arange(len(schedule), dtype=schedule.dtype)
    factor = torch.clamp(start_factor + (1 - start_factor) * t / warmup_steps, max=1.0)
    return schedule * factor


def sgd_least_squares_scheduled(A, b, schedule, chains: int, *, generator: torch.Generator | None = None,
                                record_every: int = 1) -> torch.Tensor:
    r"""Single-example SGD on :math:`f(\mathbf x)=\frac1{2n}\|A\mathbf x-\mathbf b\|^2` from :math:`\mathbf x_0=0`
    with the step sizes ``schedule`` (one per step), ``chains`` independent chains at once.

    Returns the mean over chains of :math:`\|\mathbf x_t-\mathbf x^*\|^2` at ``t = 0, record_every, …``
    (and the last step), where :math:`\mathbf x^*` is the least-squares solution.
    """
    A = v.as_float_tensor("A", A)
    v.require_ndim("A", A, 2)
    v.require_finite("A", A)
    b = v.as_float_tensor("b", b, like=A)
    if b.shape != (A.shape[0],):
        raise ValueError(f"b must have one entry per row of A ({A.shape[0]}), got shape {tuple(b.shape)}")
    v.require_finite("b", b)
    schedule = v.as_float_tensor("schedule", schedule, like=A)
    v.require_ndim("schedule", schedule, 1)
    v.require_finite("schedule", schedule)
    v.require_positive("schedule", schedule, strict=False)
    chains = v.require_int("chains", chains, minimum=1)
    record_every = v.require_int("record_every", record_every, minimum=1)
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator or None, got {generator!r}")
    n, d = A.shape
    x_star = torch.linalg.lstsq(A, b[:, None]).solution[:, 0]
    x = torch.zeros(chains, d, dtype=A.dtype, device=A.device)
    picks = torch.randint(n, (len(schedule), chains), generator=generator).to(A.device)
    out = [float(((x - x_star) ** 2).sum(-1).mean())]
    for t, eta in enumerate(schedule):
        a = A[picks[t]]  # (chains, d): one example per chain
        x = x - eta * a * ((a * x).sum(-1) - b[picks[t]])[:, None]
        if (t + 1) % record_every == 0 or t + 1 == len(schedule):
            out.append(float(((x - x_star) ** 2).sum(-1).mean()))
    return torch.tensor(out, dtype=torch.float64)
