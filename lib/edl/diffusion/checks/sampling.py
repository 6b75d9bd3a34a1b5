"""Checks of ``edl.diffusion.sampling`` (book labels ``diffusion.sampling``, ``diffusion.conditional``).

Independent route: the data themselves. Samples from the reverse chain driven by the analytic optimal
denoiser of the 8-Gaussian ring are compared with fresh draws from the ring by a kernel two-sample
statistic (MMD², next to its data-vs-data level), by counting samples per mode, and by their radius.
"""


import torch

from edl.core.checking import CheckResult, holds
from edl.core.ledger import formula
from edl.diffusion import forward as fw
from edl.diffusion import sampling as sa


def ring_experiment(n: int = 2000, T: int = 200, beta_T: float = 0.1, variance: str = "beta", seed: int = 130) -> dict:
    """H10.1b: ancestral sampling with the analytic optimal ε of the ring; MMD² to fresh data, and baselines."""
    g = torch.Generator().manual_seed(seed)
    data, _ = sa.ring_data(n, g)
    other, _ = sa.ring_data(n, g)
    betas = fw.linear_schedule(T, 1e-4, beta_T)
    eps = sa.optimal_eps_mixture(sa.ring_means(), 0.01, betas)
    x = sa.ancestral_sample(eps, betas, torch.randn(n, 2, generator=g, dtype=torch.float64), g, variance=variance)
    noise = torch.randn(n, 2, generator=g, dtype=torch.float64)
    counts = torch.bincount(sa.nearest_mode(x, sa.ring_means()), minlength=8)
    return {"samples": x, "data": data, "mmd": float(sa.mmd2(x, data)), "data_mmd": float(sa.mmd2(other, data)),
            "noise_mmd": float(sa.mmd2(noise, data)), "counts": counts, "radius": x.norm(dim=-1)}


@formula("diffusion.sampling", reference="MMD² to fresh ring data beside the data-vs-data level; samples per mode")
def check_sampling(experiment=ring_experiment) -> CheckResult:
    out = None
    for variance, name in (("beta", "σ_t² = β_t"), ("tilde", "σ_t² = β̃_t")):
        r = experiment(variance=variance)
        ok = r["mmd"] < 3 * r["data_mmd"] and int(r["counts"].min()) >= 150
        res = holds(ok, f"{name}: MMD² {r['mmd']:.1e} vs data-vs-data {r['data_mmd']:.1e} (noise {r['noise_mmd']:.2f}); "
                        f"every mode ≥ {int(r['counts'].min())} of 2000",
                    f"{name}: MMD² {r['mmd']:.1e} against data-vs-data {r['data_mmd']:.1e}, fewest per mode "
                    f"{int(r['counts'].min())}: the samples do not reproduce the ring")
        rad = float(r["radius"].mean())
        res = res & holds(abs(rad - 2) < 0.02, f"mean radius {rad:.3f}", f"mean radius {rad:.3f}, not 2 ± 0.02")
        out = res if out is None else out & res
    return out


@formula("diffusion.conditional", reference="nearest ring mode of 2000 class-conditional samples")
def check_conditional(denoiser=sa.optimal_eps_mixture) -> CheckResult:
    betas = fw.linear_schedule(200, 1e-4, 0.1)
    means = sa.ring_means()
    g = torch.Generator().manual_seed(131)
    out = None
    for k in (0, 3, 6):
        eps = denoiser(means[k:k + 1], 0.01, betas)  # condition y = k: the data law given the class is one Gaussian
        x = sa.ancestral_sample(eps, betas, torch.randn(2000, 2, generator=g, dtype=torch.float64), g)
        hit = float((sa.nearest_mode(x, means) == k).double().mean())
        r = holds(hit >= 0.99, f"class {k}: {100 * hit:.1f}% nearest the requested mode",
                  f"class {k}: only {100 * hit:.1f}% nearest the requested mode")
        out = r if out is None else out & r
    return out
