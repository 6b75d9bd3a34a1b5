"""Checks of ``edl.bayesian.nngp`` (book labels ``nngp.one-hidden-layer`` … ``nngp.mc-gp-regression``) and of
the errata there.

Independent routes: ``scipy.integrate.dblquad`` and ``quad`` for Gaussian expectations, Monte Carlo over random
networks of finite width (their empirical covariances within standard errors, a KS test of normality, the
sample kurtosis of ``scipy.stats.kurtosis``), the shrinking error of the layer-by-layer empirical kernels, and
function-space GP regression with the Monte Carlo kernel.
"""

import functools
import math

import numpy as np
import scipy.integrate
import scipy.stats
import torch

from edl.bayesian import gp
from edl.bayesian import nngp as ng
from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula

F64 = torch.float64


def _relu_pair_quad(k11, k12, k22):
    """E[relu(u) relu(v)] for a centred Gaussian pair, by scipy.integrate.dblquad over the quadrant where both
    are positive: u = √k11 z₁ > 0 and v = √k22 (ρz₁ + √(1−ρ²) z₂) > 0, with z standard normal."""
    rho = k12 / math.sqrt(k11 * k22)
    c = math.sqrt(max(1 - rho**2, 0.0))
    if c < 1e-12:                                                          # u, v proportional: a 1-D integral
        one = scipy.integrate.quad(lambda z: z * z * math.exp(-z * z / 2) / math.sqrt(2 * math.pi), 0, np.inf)[0]
        return math.sqrt(k11 * k22) * one if rho > 0 else 0.0

    def integrand(z2, z1):
        return math.sqrt(k11) * z1 * math.sqrt(k22) * (rho * z1 + c * z2) * math.exp(-(z1**2 + z2**2) / 2) / (2 * math.pi)
    return scipy.integrate.dblquad(integrand, 0, 12, lambda z1: -rho * z1 / c, 12, epsabs=1e-12, epsrel=1e-10)[0]


@functools.cache
def _inputs():
    return np.random.default_rng(40).normal(size=(5, 3))


@formula("nngp.one-hidden-layer", reference="scipy dblquad of the Gaussian expectation; 4000 random nets of width 200")
def check_one_hidden_layer(kernel=ng.one_hidden_layer_kernel) -> CheckResult:
    X = _inputs()
    k = [(1.0, 0.3, 2.0), (0.5, -0.6, 1.0)]
    quad = [_relu_pair_quad(*c) for c in k]
    arc = to_numpy(ng.relu_expectation(f64([c[0] for c in k]), f64([c[1] for c in k]), f64([c[2] for c in k])))
    K = to_numpy(kernel(f64(X), 0.2, 1.5))
    f = to_numpy(ng.random_one_hidden_layer(f64(X), 200, 4000, torch.Generator().manual_seed(41), 0.2, 1.5))
    prods = f[:, :, None] * f[:, None, :]
    z = np.abs(prods.mean(0) - K) / (prods.std(0) / np.sqrt(len(f)))
    ks = scipy.stats.kstest(f[:, 0], "norm", args=(0, math.sqrt(K[0, 0]))).pvalue
    return all_of(check_close(arc, quad, atol=1e-8, what="arc-cosine formula vs dblquad at two covariances"),
                  holds(z.max() < 4, "σ₀² = 0.2, σ_v² = 1.5, 5 inputs: all 25 covariances of 4000 nets (m = 200) within 4 SE",
                        f"empirical covariance of random nets differs from k by up to {z.max():.1f} SE"),
                  holds(ks > 1e-3, "f(x) across nets passes a KS test against N(0, k(x, x)) (p > 1e-3)",
                        f"f(x) fails the normality test (p = {ks:.2g})"))


NNGP_SETUP = dict(depth=3, sigma_w2=2.0, sigma_b2=0.1)


def kernel_recursion_errors(kernel, widths=(64, 256, 1024), seeds=8):
    """Relative Frobenius error of the empirical kernels of random nets, averaged over layers and seeds."""
    X = f64(np.random.default_rng(42).normal(size=(4, 5)))
    exact = kernel(X, **NNGP_SETUP)
    errors = []
    for m in widths:
        e = []
        for s in range(seeds):
            emp = ng.random_network_kernels(X, m, generator=torch.Generator().manual_seed(100 + s), **NNGP_SETUP)
            e += [float((a - b).norm() / b.norm()) for a, b in zip(emp[1:], exact[1:])]
        errors.append(float(np.mean(e)))
    return errors


@formula("nngp.kernel-recursion", reference="dblquad for one step; wide random ReLU nets (error falling like m^(−1/2)); Monte Carlo for tanh")
def check_kernel_recursion(kernel=ng.nngp_kernel) -> CheckResult:
    # one ReLU step, exactly: inputs whose K⁰ = σ_b² + σ_w² xᵀx'/d is a chosen 2 × 2 matrix
    K0 = np.array([[1.3, 0.4], [0.4, 0.8]])
    X = f64(np.linalg.cholesky(K0 - 0.1) * math.sqrt(2 / 2.0))           # σ_b² = 0.1, σ_w² = 2, d = 2
    step = to_numpy(kernel(X, 1, 2.0, 0.1)[1])
    ref = 0.1 + 2.0 * np.array([[_relu_pair_quad(K0[i, i], K0[i, j], K0[j, j]) for j in range(2)] for i in range(2)])
    widths = (64, 256, 1024)
    errors = kernel_recursion_errors(kernel, widths)
    slope = float(np.polyfit(np.log(widths), np.log(errors), 1)[0])
    g = torch.Generator().manual_seed(43)
    uv = torch.randn(400_000, 2, generator=g, dtype=F64) @ f64(np.linalg.cholesky(K0)).T
    K1 = kernel(f64(np.linalg.cholesky(K0) * math.sqrt(2)), 1, 1.0, 0.0, "tanh")[1]   # x xᵀ / d = K0
    t = torch.tanh(uv).numpy()
    prods = np.stack([t[:, 0] ** 2, t[:, 0] * t[:, 1], t[:, 1] ** 2])
    mc, se = prods.mean(1), prods.std(1) / math.sqrt(prods.shape[1])
    got = to_numpy(K1)[[0, 0, 1], [0, 1, 1]]
    return all_of(check_close(step, ref, atol=1e-8, what="one ReLU step, σ_w² = 2, σ_b² = 0.1: vs σ_b² + σ_w² dblquad"),
                  holds(errors[-1] < 0.15 and errors[0] > errors[1] > errors[2] and -0.8 < slope < -0.3,
                        "3 ReLU layers, 8 nets per width m = 64, 256, 1024: kernel error falls, slope in [−0.8, −0.3], "
                        "< 0.15 at 1024",
                        f"relative errors {[round(e, 3) for e in errors]} for m = {widths}, slope {slope:.2f}"),
                  holds(np.all(np.abs(got - mc) < 4 * se), "tanh layer by Gauss–Hermite: within 4 SE of 4·10⁵ Gaussian pairs",
                        f"tanh layer: {got.round(4)} vs Monte Carlo {mc.round(4)}"))


@erratum("ch09-11:E20", wrong=r"K^l_{\mu\nu}=\mathbb E[\varphi(f_\mu)\varphi(f_\nu)]=\sigma^2\,\mathbb E[\varphi(f_\mu)\varphi(f_\nu)]",
         right=r"K^l(x,x')=\sigma_b^2+\sigma_w^2\,\mathbb E_{(u,v)\sim\mathcal N(0,\Lambda^{l-1})}[\varphi(u)\varphi(v)]",
         why="Dropping the weight variance and the bias variance gives the second moment of the activations, not the "
             "covariance of the next layer: with σ_w² = 2 the kernel halves at every layer instead of staying put.")
def seed_recursion_without_variances() -> CheckResult:
    def bare(X, depth, sigma_w2, sigma_b2, activation="relu"):
        Ks = ng.nngp_kernel(X, depth, sigma_w2, sigma_b2, activation)
        out = [Ks[0]]
        for _ in range(depth):                                            # K^l = E[φφ] under K^{l-1}, nothing else
            d = torch.diagonal(out[-1])
            out.append(ng.relu_expectation(d[:, None], out[-1], d[None, :]))
        return out
    return check_kernel_recursion(kernel=bare)


@formula("nngp.finite-width-non-gaussian", reference="scipy.stats.kurtosis of 10⁵ second-layer draws; moments by scipy quad")
def check_finite_width(kurtosis=ng.finite_width_kurtosis) -> CheckResult:
    g = torch.Generator().manual_seed(44)
    mu2 = scipy.integrate.quad(lambda z: z**2 * scipy.stats.norm.pdf(z), 0, np.inf)[0]
    mu4 = scipy.integrate.quad(lambda z: z**4 * scipy.stats.norm.pdf(z), 0, np.inf)[0]
    rows = []
    for m in (5, 10, 20, 50):
        z = ng.second_layer_samples(m, 100_000, g).numpy().reshape(20, -1)
        ks = scipy.stats.kurtosis(z, axis=1)
        rows.append((m, float(scipy.stats.kurtosis(z.ravel())), float(ks.std() / math.sqrt(20)), kurtosis(m)))
    bad = [(m, round(k, 3), round(p, 3)) for m, k, se, p in rows if abs(k - p) > max(4 * se, 0.05 * p)]
    return all_of(check_close(ng.relu_moments(), (mu2, mu4), atol=1e-10, what="E relu² = ½, E relu⁴ = 3/2 (quad)"),
                  check_close([r[3] for r in rows], [15 / m for m, *_ in rows], atol=1e-12, what="ReLU: 3Var(φ²)/(m Eφ²²) = 15/m"),
                  holds(not bad, "m = 5, 10, 20, 50: sample excess kurtosis within 4 SE of 15/m",
                        f"(m, measured, formula) off: {bad}"))


@formula("nngp.mc-features", reference="the arc-cosine kernel: ‖K̂ − K‖_F/‖K‖_F falls like B^(−1/2)")
def check_mc_features(features=ng.mc_features) -> CheckResult:
    X = f64(_inputs())
    K = to_numpy(ng.one_hidden_layer_kernel(X))
    Bs = [100, 316, 1000, 3162, 10000]
    errs = []
    for B in Bs:
        e = []
        for s in range(4):
            out = ng.random_one_hidden_layer(X, 50, B, torch.Generator().manual_seed(1000 * s + B))
            Phi = to_numpy(features(out))
            e.append(np.linalg.norm(Phi @ Phi.T - K) / np.linalg.norm(K))
        errs.append(np.mean(e))
    slope = np.polyfit(np.log(Bs), np.log(errs), 1)[0]
    return all_of(holds(abs(slope + 0.5) < 0.1 and errs[-1] < 0.05,
                        "B = 10², …, 10⁴ nets: relative Frobenius error of ΦΦᵀ slope −0.5 ± 0.1, below 0.05 at B = 10⁴",
                        f"errors {[float(f'{e:.4g}') for e in errs]}, log–log slope {slope:.2f}"))


@erratum("ch09-11:E21", wrong=r"\varphi(x)=B^{-1/2}(f_1(x),\dots,f_B(x)),\quad\Phi=[f_1\ \cdots\ f_B]",
         right=r"\Phi=B^{-1/2}[f_b(x_i)]_{i,b}\quad(\text{rows }\varphi(x_i)^\top)",
         why="Without the 1/√B in Φ the Gram matrix ΦΦᵀ is B times the kernel: it grows with the number of networks "
             "instead of converging, and every GP prediction built on it assumes a prior B times too wide.")
def seed_features_without_scaling() -> CheckResult:
    return check_mc_features(features=lambda outputs: torch.as_tensor(outputs).T)


@formula("nngp.mc-gp-regression", reference="function-space GP regression with K̂ = ΦΦᵀ (an n × n solve)")
def check_mc_gp_regression(regress=ng.mc_gp_regression) -> CheckResult:
    rng = np.random.default_rng(45)
    x = np.sort(rng.uniform(-2, 2, 200))
    X = f64(np.column_stack([x, np.ones(200)]))
    xs = np.linspace(-2.5, 2.5, 7)
    Xs = f64(np.column_stack([xs, np.ones(7)]))
    out = ng.random_one_hidden_layer(torch.cat([X, Xs]), 20, 50, torch.Generator().manual_seed(46))
    Phi = ng.mc_features(out)
    y = f64(np.sin(2 * x) + 0.1 * rng.normal(size=200))
    m, v = regress(Phi[:200], Phi[200:], y, 0.01)
    K = Phi @ Phi.T
    gm, gv = gp.gp_posterior(K[:200, :200], K[:200, 200:], torch.diagonal(K)[200:], y, 0.01)
    return all_of(check_close(m, gm, atol=1e-9, what="n = 200, B = 50: weight-space mean vs function-space k̂ᵀ(K̂+σ²I)⁻¹y"),
                  check_close(v, gv, atol=1e-9, what="weight-space variance vs k̂(x,x) − k̂ᵀ(K̂+σ²I)⁻¹k̂"))
