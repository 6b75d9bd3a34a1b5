"""Checks of ``edl.tricks.init`` (book labels ``tricks.init-random`` … ``tricks.init-orthogonal``) and of the
errata there.

Independent routes: sympy for the uniform law's variance, ``torch.nn.init`` (``xavier_uniform_``,
``kaiming_normal_``, ``orthogonal_``) and ``nn.Linear``'s default, scipy quadrature for the ReLU moment,
Monte Carlo within its standard error, and the signal measured after 20 layers, where a wrong variance
constant c shows as c^20.
"""

import math

import numpy as np
import scipy.integrate
import scipy.stats
import sympy
import torch
from torch import nn

from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.tricks import init

DEPTH, WIDTH, BATCH = 20, 128, 256


def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _deep_ratio(bound: float, activation: str, seed: int, nets: int = 1) -> float:
    """E‖x_20‖²/E‖x_0‖² through 20 layers of width 128 with U[-bound, bound] weights (mean over ``nets`` networks)."""
    g = _gen(seed)
    out = []
    for _ in range(nets):
        weights = (2 * torch.rand(DEPTH, WIDTH, WIDTH, generator=g, dtype=torch.float64) - 1) * bound
        x = torch.randn(BATCH, WIDTH, generator=g, dtype=torch.float64)
        out.append(float(init.second_moments(x, weights, activation)[-1]))
    return float(np.mean(out))


def _within(value: float, low: float, high: float, what: str) -> CheckResult:
    return holds(low <= value <= high, f"{what}: {value:.3g} in [{low:.3g}, {high:.3g}]",
                 f"{what}: {value:.3g} outside [{low:.3g}, {high:.3g}]")


@formula("tricks.init-random", reference="sympy ∫x²/(2a)dx = a²/3; sample variances of 10⁶ draws (Monte Carlo)")
def check_init_random(bound=init.uniform_bound) -> CheckResult:
    x, a, s = sympy.symbols("x a sigma", positive=True)
    var = sympy.integrate(x**2 / (2 * a), (x, -a, a))
    a_of_sigma = sympy.solve(sympy.Eq(var, s**2), a)[0]               # the half-width with variance sigma²
    sigma = 0.3
    sampled = {d: init.sample_weights((10**6,), sigma, d, generator=_gen(1)) for d in ("normal", "uniform")}
    top = float(sampled["uniform"].abs().max())
    return all_of(holds(sympy.simplify(var - a**2 / 3) == 0, "sympy: Var U[-a, a] = a²/3", f"sympy gives {var}"),
                  check_close(bound(sigma), float(a_of_sigma.subs(s, sigma)), rtol=1e-12,
                              what="bound(0.3) vs sympy's solution of a²/3 = σ²"),
                  check_monte_carlo((sampled["normal"] ** 2).numpy(), sigma**2, what="normal: E θ² = σ²"),
                  check_monte_carlo((sampled["uniform"] ** 2).numpy(), sigma**2, what="uniform: E θ² = σ²"),
                  holds(float(bound(sigma)) * 0.999 < top <= float(bound(sigma)), "uniform draws fill [-√3σ, √3σ]",
                        f"largest |θ| {top:.4g} vs bound {float(bound(sigma)):.4g}"))


@formula("tricks.init-lecun", reference="second moment after 20 linear layers (width 128); nn.Linear's default")
def check_init_lecun(bound=lambda n: float(init.uniform_bound(init.lecun_std(n)))) -> CheckResult:
    ratio = _deep_ratio(bound(WIDTH), "linear", 2)
    with torch.no_grad(), torch.random.fork_rng():
        torch.manual_seed(3)                                # nn.Linear draws from the global generator
        default = nn.Linear(256, 256).weight.double()
        layers = torch.stack([nn.Linear(WIDTH, WIDTH).weight.double() for _ in range(DEPTH)])
    torch_ratio = float(init.second_moments(torch.randn(BATCH, WIDTH, generator=_gen(3), dtype=torch.float64), layers)[-1])
    return all_of(_within(ratio, 0.8, 1.25, "U[-√(3/n), √(3/n)], 20 layers: E‖x₂₀‖²/E‖x₀‖²"),
                  check_close(init.lecun_std(WIDTH) ** 2 * WIDTH, 1.0, rtol=1e-12, what="Var·n"),
                  check_close(float(default.var()) * 3 * 256, 1.0, rtol=0.03,
                              what="nn.Linear(256, 256) default: Var = 1/(3n)"),
                  _within(torch_ratio / 3.0**-DEPTH, 0.5, 2.0, "nn.Linear's default over 20 layers, in units of 3⁻²⁰"))


@erratum("ch04-08:ERR-37", wrong=r"w_{ij}\sim\mathcal U[-a,a],\ a=1/\sqrt n\ \text{(variance-stabilising)}",
         right=r"w_{ij}\sim\mathcal U[-a,a],\ a=\sqrt{3/n}",
         why="U[-1/√n, 1/√n] has variance 1/(3n): each layer divides the signal's second moment by 3, "
             "a factor 3⁻²⁰ ≈ 3·10⁻¹⁰ after 20 layers.")
def seed_lecun_bound() -> CheckResult:
    return check_init_lecun(bound=lambda n: 1 / math.sqrt(n))


@formula("tricks.init-glorot", reference="torch.nn.init.xavier_uniform_ (64→256); 20 linear layers of width 128")
def check_init_glorot(std=init.glorot_std) -> CheckResult:
    w = nn.init.xavier_uniform_(torch.empty(256, 64, dtype=torch.float64), generator=_gen(4))
    bound = float(init.uniform_bound(std(64, 256)))
    ratio = _deep_ratio(float(init.uniform_bound(std(WIDTH, WIDTH))), "linear", 5)
    return all_of(holds(0.999 * bound < float(w.abs().max()) <= bound,
                        "xavier_uniform_(256×64) fills exactly [-√(6/(n+m)), √(6/(n+m))]",
                        f"xavier_uniform_'s largest |w| {float(w.abs().max()):.4g} vs the bound {bound:.4g}"),
                  check_close(float(w.var()), std(64, 256) ** 2, rtol=0.03, what="its variance vs 2/(n+m)"),
                  _within(ratio, 0.8, 1.25, "n = m = 128, 20 layers: E‖x₂₀‖²/E‖x₀‖²"))


@erratum("ch04-08:ERR-38", wrong=r"\mathcal U[-\sqrt3\epsilon,\sqrt3\epsilon],\ \epsilon=\frac2{n+m}",
         right=r"\mathcal U[-\sqrt3\epsilon,\sqrt3\epsilon],\ \epsilon=\sqrt{\frac2{n+m}}",
         why="ε must be a standard deviation: with ε = 2/(n+m) the variance is 4/(n+m)², about 250 times too small "
             "for n = m = 256, and the signal vanishes within a few layers.")
def seed_glorot_epsilon() -> CheckResult:
    return check_init_glorot(std=lambda n, m: 2 / (n + m))


@formula("tricks.init-he", reference="scipy quad of E ReLU(z)²; kaiming_normal_; Monte Carlo over 400 layers")
def check_init_he(bound=lambda n: float(init.uniform_bound(init.he_std(n)))) -> CheckResult:
    quad = [scipy.integrate.quad(lambda z, s=s: z * z * scipy.stats.norm.pdf(z, scale=s), 0, 40 * s,
                                 epsabs=1e-14, epsrel=1e-12)[0] for s in (0.7, 2.0)]
    n = 64
    g = _gen(6)
    x = torch.randn(n, generator=g, dtype=torch.float64)
    W = (2 * torch.rand(400, n, n, generator=g, dtype=torch.float64) - 1) * bound(n)
    factor = (torch.relu(W @ x) ** 2).sum(-1) / (x**2).sum()            # one ReLU layer, 400 draws of W
    k = nn.init.kaiming_normal_(torch.empty(256, 256, dtype=torch.float64), nonlinearity="relu", generator=_gen(7))
    he20 = _deep_ratio(bound(WIDTH), "relu", 8, nets=4)
    lecun20 = _deep_ratio(float(init.uniform_bound(init.lecun_std(WIDTH))), "relu", 8, nets=4)
    return all_of(check_close(to_numpy(init.relu_second_moment([0.49, 4.0])), quad, rtol=1e-8,
                              what="E ReLU(z)² vs quadrature at s = 0.7, 2"),
                  check_monte_carlo(factor.numpy(), 1.0, what="E‖ReLU(Wx)‖²/‖x‖² = 1 (n = 64)"),
                  check_close(float(k.var()), init.he_std(256) ** 2, rtol=0.025, what="kaiming_normal_ variance vs 2/n"),
                  _within(he20, 0.2, 5.0, "He, 20 ReLU layers (mean of 4 nets): ratio"),
                  _within(lecun20 / 2.0**-DEPTH, 0.2, 5.0, "LeCun, 20 ReLU layers, in units of 2⁻²⁰"))


@erratum("ch04-08:ERR-39", wrong=r"\mathcal U[-\sqrt3\epsilon,\sqrt3\epsilon],\ \epsilon=\frac2n",
         right=r"\mathcal U\big[-\sqrt{3\epsilon},\sqrt{3\epsilon}\big]=\mathcal U\big[-\sqrt{6/n},\sqrt{6/n}\big]",
         why="The same ε = 2/n is used as a variance for the normal and as a standard deviation for the uniform: "
             "the uniform version has variance 4/n², and a ReLU network loses almost all of its signal per layer.")
def seed_he_uniform() -> CheckResult:
    return check_init_he(bound=lambda n: math.sqrt(3) * 2 / n)


@formula("tricks.init-orthogonal", reference="torch.nn.init.orthogonal_; KS test of W₁₁² against Beta(½, (m−1)/2)")
def check_init_orthogonal(make=init.orthogonal) -> CheckResult:
    m = 32
    Ws = make(m, count=2000, generator=_gen(9))
    corner = to_numpy(Ws[:, 0, 0] ** 2)
    p = scipy.stats.kstest(corner, scipy.stats.beta(0.5, (m - 1) / 2).cdf).pvalue
    deep = make(WIDTH, count=DEPTH, generator=_gen(10))
    x = torch.randn(BATCH, WIDTH, generator=_gen(11), dtype=torch.float64)
    ratio = init.second_moments(x, deep)[-1]
    per_row = torch.linalg.vector_norm(x @ torch.linalg.multi_dot(list(deep)).T, dim=1) / torch.linalg.vector_norm(x, dim=1)
    eye = torch.eye(m, dtype=torch.float64)
    t = nn.init.orthogonal_(torch.empty(WIDTH, WIDTH), generator=_gen(12))
    return all_of(check_close(Ws[0].T @ Ws[0], eye, atol=1e-12, what="WᵀW vs I (m = 32)"),
                  check_close(per_row, torch.ones(BATCH, dtype=torch.float64), atol=1e-10,
                              what="‖W₂₀⋯W₁x‖/‖x‖ for 256 inputs (m = 128)"),
                  check_close(ratio, 1.0, atol=1e-10, what="E‖x₂₀‖²/E‖x₀‖²"),
                  holds(p > 0.01, "2000 draws: W₁₁² ~ Beta(½, 31/2), KS p > 0.01 (Haar measure)",
                        f"W₁₁² is not Beta(½, 31/2): KS p = {p:.2g}"),
                  check_close(t.T @ t, torch.eye(WIDTH), atol=1e-5, what="nn.init.orthogonal_ (float32): WᵀW vs I"))


@erratum("ch04-08:ERR-40", wrong=r"\tfrac1{\sqrt m}W\sim\mathrm{Haar}(O(m)),\ W^\top W=WW^\top=mI",
         right=r"W\sim\mathrm{Haar}(O(m)),\ W^\top W=WW^\top=I",
         why="For layers written as Wx, WᵀW = mI multiplies every norm by √m per layer: after 20 layers of width "
             "256 the signal has grown by 256²⁰ ≈ 10⁴⁸ and overflows float32.")
def seed_orthogonal_scaled() -> CheckResult:
    return check_init_orthogonal(make=lambda m, **kw: math.sqrt(m) * init.orthogonal(m, **kw))
