"""Diffusion (edl.diffusion.sampling): the batched ancestral sampler against a per-sample loop, and the
DDPM training loop against the same steps written out by hand.

``ancestral_sampling``: 400 samples of the 8-Gaussian ring through T = 200 reverse steps with the
analytic optimal denoiser, all rows at once (the library) or one sample at a time (a plain Python loop
over samples and steps, drawing the same noise). Both return the samples, shape (400, 2).

``training_steps``: 100 steps of ``train_ddpm`` (batch 512, width 64) against the same 100 steps written
inline (same initialisation, the same draws from the generator, the loss as an explicit mean of squared
errors). Both return the trained parameters, flattened; the harness reports the time per call, so the
time of one training step is the call time / 100.
"""

import math
from collections.abc import Callable

import numpy as np
import torch

from edl.core.device import single_threaded
from edl.diffusion import forward as fw
from edl.diffusion import sampling as sa

N, T = 400, 200
STEPS = 100


def _setup():
    betas = fw.linear_schedule(T, 1e-4, 0.1)
    eps = sa.optimal_eps_mixture(sa.ring_means(), 0.01, betas)
    xT = torch.randn(N, 2, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    return betas, eps, xT


@single_threaded()
def batched_sampler() -> np.ndarray:
    betas, eps, xT = _setup()
    return sa.ancestral_sample(eps, betas, xT, torch.Generator().manual_seed(1)).numpy()


@single_threaded()
def looped_sampler() -> np.ndarray:
    betas, eps, xT = _setup()
    g = torch.Generator().manual_seed(1)
    noise = {t: torch.randn(N, 2, generator=g, dtype=torch.float64) for t in range(T, 1, -1)}  # the library's order
    abar = torch.cumprod(1 - betas, 0)
    out = []
    for i in range(N):
        x = xT[i:i + 1]
        for t in range(T, 0, -1):
            b = float(betas[t - 1])
            e = eps(x, torch.tensor([t]))
            x = (x - b / math.sqrt(1 - float(abar[t - 1])) * e) / math.sqrt(1 - b)
            if t > 1:
                x = x + math.sqrt(b) * noise[t][i:i + 1]
        out.append(x)
    return torch.cat(out).numpy()


def _data():
    return sa.ring_data(2000, torch.Generator().manual_seed(2))[0]


@single_threaded()
def library_training() -> np.ndarray:
    model, _ = sa.train_ddpm(_data(), fw.linear_schedule(100, 1e-4, 0.2), STEPS, torch.Generator().manual_seed(3),
                             batch=512, width=64)
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).double().numpy()


@single_threaded()
def inline_training() -> np.ndarray:
    data = _data().float()
    betas = fw.linear_schedule(100, 1e-4, 0.2)
    abar = torch.cumprod(1 - betas, 0).float()
    g = torch.Generator().manual_seed(3)
    model = sa.EpsMLP(2, 100, 64, 3)
    with torch.no_grad():
        for p in model.parameters():
            if p.ndim == 2:
                p.copy_(torch.randn(p.shape, generator=g) * math.sqrt(2.0 / p.shape[1]))
            else:
                p.zero_()
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: min(1.0, (k + 1) / 100) * 0.5 * (1 + math.cos(math.pi * min(k / STEPS, 1.0))))
    for _ in range(STEPS):
        idx = torch.randint(0, 2000, (512,), generator=g)
        t = torch.randint(1, 101, (512,), generator=g)
        noise = torch.randn(512, 2, generator=g)
        a = abar[t - 1].unsqueeze(-1)
        xt = a.sqrt() * data[idx] + (1 - a).sqrt() * noise
        loss = ((noise - model(xt, t)) ** 2).sum(-1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return torch.cat([p.detach().reshape(-1) for p in model.parameters()]).double().numpy()


def cases() -> dict[str, tuple[Callable[[], np.ndarray], Callable[[], np.ndarray]]]:
    """Case name -> (library, reference); both return the same quantity."""
    return {"ancestral_sampling": (batched_sampler, looped_sampler), "training_steps": (library_training, inline_training)}


if __name__ == "__main__":
    import time
    for name, (ours, ref) in cases().items():
        t0 = time.perf_counter(); a = ours(); t1 = time.perf_counter(); b = ref(); t2 = time.perf_counter()
        print(f"{name}: library {t1 - t0:.2f} s, reference {t2 - t1:.2f} s, ratio {(t2 - t1) / (t1 - t0):.1f}x, "
              f"max |difference| {np.abs(a - b).max():.1e}")
