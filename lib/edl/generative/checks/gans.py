"""Checks of ``edl.generative.gans`` and ``edl.generative.gan_metrics`` (book labels ``gan.*``) and of the errata there.

Independent routes: L-BFGS over the discriminator's logits (scipy), ``scipy.spatial.distance.jensenshannon``,
``sklearn.metrics.log_loss``, sympy, ``scipy.integrate.quad``, torch.autograd, powers of the exact update
matrices, ``scipy.stats.wasserstein_distance`` and the dual linear program (``scipy.optimize.linprog``),
brute force over sign vectors, Monte Carlo, ``torch.nn.ConvTranspose2d``, ``torch.nn.functional.batch_norm``
and ``scipy.stats.entropy``.
"""

import itertools
import math

import numpy as np
import scipy.integrate
import scipy.optimize
import scipy.spatial.distance
import scipy.stats
import sklearn.metrics
import sympy as sp
import torch

from edl.core.checking import CheckResult, all_of, check_close, check_monte_carlo, f64, holds, to_numpy
from edl.core.ledger import erratum, formula
from edl.generative.checks import one_thread
from edl.generative import gan_metrics as gm
from edl.generative import gans as ga


def _atoms(seed=150, k=10):
    rng = np.random.default_rng(seed)
    return rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))


def _js(p, q):
    return scipy.spatial.distance.jensenshannon(p, q) ** 2   # natural log


@formula("gan.objective", reference="L-BFGS over the logits of D on 10 atoms (scipy); scipy's Jensen–Shannon")
@one_thread
def check_objective(value=ga.gan_value) -> CheckResult:
    p, q = _atoms()

    def neg(a):
        return -float(value(f64(p), f64(q), f64(1 / (1 + np.exp(-a)))))

    res = scipy.optimize.minimize(neg, np.zeros(10), method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10})
    D = 1 / (1 + np.exp(-res.x))
    return check_close(-res.fun, 2 * _js(p, q) - math.log(4), atol=1e-6, what="max_D V = 2 JS − log 4") & \
        check_close(D, p / (p + q), atol=1e-4, what="argmax D = p/(p + p_G)")


@erratum("ch09-11:E42", wrong=r"V(G,D)=\mathbb E_{x_r}D(x_r)+\mathbb E_z(1-D(G(z)))",
         right=r"V(G,D)=\mathbb E_{x_r}\log D(x_r)+\mathbb E_z\log(1-D(G(z)))",
         why="Without the logarithms the inner maximum is 1 + TV(p_data, p_G), attained by a hard 0/1 "
             "discriminator: the game measures total variation, not Jensen–Shannon.")
def seed_objective_no_log() -> CheckResult:
    return check_objective(value=lambda p, q, D: (p * D).sum() + (q * (1 - D)).sum())


@erratum("ch09-11:E43", wrong=r"\mathbb E_{z\sim p_z}[\log D_\varphi(x)]+\dots", right=r"\mathbb E_{x\sim p_{data}}[\log D_\varphi(x)]+\dots",
         why="Averaging the real-data term over the generator's distribution removes the data from the game: "
             "the best discriminator is ½ everywhere and the value is −log 4 whatever the generator does.")
def seed_objective_wrong_expectation() -> CheckResult:
    return check_objective(value=lambda p, q, D: ga.gan_value(q, q, D))


@formula("gan.mixture-classification", reference="sklearn.metrics.log_loss on the weighted real/fake table")
@one_thread
def check_mixture_classification(loglik=ga.discriminator_log_likelihood) -> CheckResult:
    p, q = _atoms(151)
    D = np.random.default_rng(151).uniform(0.05, 0.95, 10)
    y = np.r_[np.ones(10), np.zeros(10)]
    probs = np.r_[D, D]
    weights = np.r_[0.5 * p, 0.5 * q]
    ref = -sklearn.metrics.log_loss(y, probs, sample_weight=weights, normalize=False)
    return check_close(float(loglik(f64(p), f64(q), f64(D))), ref, atol=1e-12, what="ℓ and the weighted log-loss") & \
        check_close(float(loglik(f64(p), f64(q), f64(D))), 0.5 * float(ga.gan_value(f64(p), f64(q), f64(D))), atol=1e-12,
                    what="ℓ = V/2")


@formula("gan.optimal-discriminator", reference="sympy.solve of d/dD [a log D + b log(1 − D)] = 0; L-BFGS on atoms")
@one_thread
def check_optimal_discriminator(dstar=ga.optimal_discriminator) -> CheckResult:
    a, b, D = sp.symbols("a b D", positive=True)
    sol = sp.solve(sp.diff(a * sp.log(D) + b * sp.log(1 - D), D), D)
    p, q = _atoms(152)
    num = to_numpy(dstar(f64(p), f64(q)))
    sym = np.array([float(sol[0].subs({a: pi, b: qi})) for pi, qi in zip(p, q)])
    res = scipy.optimize.minimize(lambda z: -float(ga.gan_value(f64(p), f64(q), f64(1 / (1 + np.exp(-z))))), np.zeros(10),
                                  method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-10})
    return all_of(holds(len(sol) == 1 and sp.simplify(sol[0] - a / (a + b)) == 0, "sympy: D = a/(a + b)", f"sympy: {sol}"),
                  check_close(num, sym, atol=1e-14, what="D* on 10 atoms and the symbolic solution"),
                  check_close(num, 1 / (1 + np.exp(-res.x)), atol=1e-4, what="and the numerical argmax"))


@formula("gan.js-reduction", reference="scipy's Jensen–Shannon on 50 random pairs; quad for two Gaussians")
@one_thread
def check_js_reduction(value=ga.optimal_value) -> CheckResult:
    rng = np.random.default_rng(153)
    pairs = [(rng.dirichlet(np.ones(8)), rng.dirichlet(np.ones(8))) for _ in range(50)]
    ours = [float(value(f64(p), f64(q))) for p, q in pairs]
    at_dstar = [float(ga.gan_value(f64(p), f64(q), ga.optimal_discriminator(f64(p), f64(q)))) for p, q in pairs]
    ref = [2 * _js(p, q) - math.log(4) for p, q in pairs]
    x = np.linspace(-12, 12, 24001)
    p, q = scipy.stats.norm.pdf(x, 0, 1), scipy.stats.norm.pdf(x, 1.5, 1.2)
    dens = np.r_[p, q]
    val = float(value(f64(p / p.sum()), f64(q / q.sum())))
    m = 0.5 * (p + q)
    js = 0.5 * scipy.integrate.quad(lambda t: np.interp(t, x, p * np.log(p / m)), -12, 12, limit=400)[0] + \
        0.5 * scipy.integrate.quad(lambda t: np.interp(t, x, q * np.log(q / m)), -12, 12, limit=400)[0]
    del dens
    return all_of(check_close(ours, ref, atol=1e-12, what="entropy form = 2 JS − log 4 on 50 pairs"),
                  check_close(at_dstar, ref, atol=1e-12, what="V(D*, G) = 2 JS − log 4"),
                  check_close(float(value(f64(pairs[0][0]), f64(pairs[0][0]))), -math.log(4), atol=1e-12,
                              what="p_G = p_data: the minimum −log 4 (tight)"),
                  check_close(val, 2 * js - math.log(4), atol=1e-6, what="N(0, 1) vs N(1.5, 1.44) discretised, vs quad"))


def _classifier_problem(nodes=120):
    g, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    x = np.r_[g, 2 * g]                          # p = N(0, 1), p_θ = N(0, 4)
    wr, wf = np.r_[w, 0 * w], np.r_[0 * w, w]
    return x, wr, wf


@formula("gan.classifier-bound", reference="ℓ* = JS(p, p_θ) − log 2 by scipy.integrate.quad")
@one_thread
def check_classifier_bound(fit=ga.fit_logistic_discriminator) -> CheckResult:
    p = lambda t: scipy.stats.norm.pdf(t, 0, 1)  # noqa: E731
    q = lambda t: scipy.stats.norm.pdf(t, 0, 2)  # noqa: E731
    kl = lambda a: scipy.integrate.quad(lambda t: a(t) * math.log(a(t) / (0.5 * p(t) + 0.5 * q(t))), -30, 30)[0]  # noqa: E731
    ell_star = 0.5 * kl(p) + 0.5 * kl(q) - math.log(2)
    x, wr, wf = _classifier_problem()
    _, lin = fit(f64(np.c_[x, np.ones_like(x)]), f64(wr), f64(wf))
    _, quad = fit(f64(np.c_[x**2, x, np.ones_like(x)]), f64(wr), f64(wf))
    return check_close(float(quad), ell_star, atol=1e-6, what="quadratic logits contain the Bayes classifier: sup ℓ = ℓ*") & \
        holds(float(lin) < ell_star - 0.05, f"linear logits: sup ℓ = {float(lin):.4f} < ℓ* = {ell_star:.4f} (strict)",
              "linear logits reach ℓ*")


@formula("gan.saddle-point", reference="ℓ* = JS − log 2 by quad; the outer minimum on a θ grid")
@one_thread
def check_saddle_point(solve=None) -> CheckResult:
    thetas = np.round(np.arange(1.5, 2.5001, 0.01), 2)
    vals = to_numpy(ga.saddle_objective(f64(thetas)))
    theta_star = thetas[np.argmin(vals)] if solve is None else solve(thetas)

    def js(t):
        p = lambda x: scipy.stats.norm.pdf(x, 2, 1)  # noqa: E731
        q = lambda x: scipy.stats.norm.pdf(x, t, 1)  # noqa: E731
        m = lambda x: 0.5 * p(x) + 0.5 * q(x)  # noqa: E731
        return 0.5 * scipy.integrate.quad(lambda x: p(x) * math.log(p(x) / m(x)), -20, 25)[0] + \
            0.5 * scipy.integrate.quad(lambda x: q(x) * math.log(q(x) / m(x)), -20, 25)[0]

    idx = [0, 30, 80]
    return check_close(theta_star, 2.0, atol=0.01, what="argmin_θ sup_ψ ℓ on a grid of step 0.01") & \
        check_close(vals[idx], [js(thetas[i]) - math.log(2) for i in idx], atol=1e-6, what="sup_ψ ℓ = JS − log 2 at θ = 1.5, 1.8, 2.3")


@erratum("ch09-11:E44", wrong=r"\psi:\ \text{generator},\quad\theta:\ \text{discriminator}",
         right=r"\theta:\ \text{generator}\ (p_\theta),\quad\psi:\ \text{discriminator}\ (q_\psi)",
         why="With the roles swapped the discriminator minimises the worst case over generators of its own "
             "log-likelihood: its answer is D ≡ ½, which leaves the generator undetermined instead of at the data.")
def seed_saddle_swapped() -> CheckResult:
    def swapped(thetas):
        # θ* = argmin over the discriminator of sup over the generator: D's parameters on a grid, then the
        # generator's best response to that discriminator (the first one on ties)
        grid = np.stack(np.meshgrid(np.linspace(-3, 3, 13), np.linspace(-3, 3, 13)), -1).reshape(-1, 2)
        g, w = np.polynomial.hermite_e.hermegauss(40)
        w = w / w.sum()
        a_real = np.outer(2 + g, grid[:, 0]) + grid[:, 1]
        ell = np.array([0.5 * (w @ -np.logaddexp(0, -a_real) + w @ -np.logaddexp(0, np.outer(t + g, grid[:, 0]) + grid[:, 1]))
                        for t in thetas])                                       # (θ, ψ)
        psi_star = int(np.argmin(ell.max(0)))
        return thetas[int(np.argmax(ell[:, psi_star]))]
    return check_saddle_point(solve=swapped)


@formula("gan.non-saturating", reference="torch.autograd on logsigmoid; the closed forms −σ(a) and 1 − σ(a)")
@one_thread
def check_non_saturating(grads=ga.generator_gradients) -> CheckResult:
    a = f64(np.arange(-10, 1)).requires_grad_()
    sat, non = grads(a.detach())
    g1 = torch.autograd.grad(torch.log1p(-torch.sigmoid(a)).sum(), a)[0]
    g2 = torch.autograd.grad(torch.nn.functional.logsigmoid(a).sum(), a)[0]
    return all_of(check_close(sat, g1, atol=1e-12, what="∂_a log(1 − σ(a)), a = −10 … 0"),
                  check_close(non, g2, atol=1e-12, what="∂_a log σ(a)"),
                  check_close([abs(float(sat[0])), float(non[0])], [4.5397868702e-05, 0.99995460213], rtol=1e-9,
                              what="at a = −10: 4.5e-5 (saturated) vs 0.99995"))


@formula("gan.training-updates", reference="the equilibrium θ = 2 (the data mean) over 3 independent runs")
@one_thread
def check_training(train=ga.train_toy_gan, sign=-1.0) -> CheckResult:
    ends = [float(train(500, 0.05, 0.5, 128, torch.Generator().manual_seed(s), generator_sign=sign)[-1]) for s in (0, 1, 2)]
    return check_close(ends, [2.0] * 3, atol=0.1, what="θ after 500 alternating steps from θ = 0, 3 runs")


@erratum("ch09-11:E45", wrong=r"\text{update the generator by ascending }\nabla_{\theta_G}\tfrac1m\sum\log(1-D(G(z^{(i)})))",
         right=r"\text{update the generator by descending }\nabla_{\theta_G}\tfrac1m\sum\log(1-D(G(z^{(i)})))",
         why="Ascending log(1 − D(G(z))) helps the discriminator: the generator flees the data and θ drifts "
             "away from 2 instead of converging to it.")
def seed_training_ascend() -> CheckResult:
    return check_training(sign=1.0)


def _radius(path):
    return float(np.linalg.norm(to_numpy(path)[-1]))


@formula("gan.alternating-gda", reference="the exact update matrices raised to the 1000th power (numpy)")
@one_thread
def check_gda(game=ga.bilinear_game) -> CheckResult:
    eta, T = 0.1, 1000
    sim = np.array([[1, -eta], [eta, 1]])
    alt = np.array([[1, -eta], [eta, 1 - eta**2]])
    ref_alt = np.linalg.matrix_power(alt, T) @ [1, 1]
    path = to_numpy(game(1.0, 1.0, eta, T, "alternating"))
    radii = np.linalg.norm(path, axis=1)
    return all_of(check_close(_radius(game(1.0, 1.0, eta, T, "simultaneous")), math.sqrt(2) * (1 + eta**2) ** 500, rtol=1e-9,
                              what="simultaneous GDA: radius √2(1 + η²)⁵⁰⁰ = 204.74"),
                  check_close(np.linalg.norm(np.linalg.matrix_power(sim, T) @ [1, 1]), math.sqrt(2) * (1 + eta**2) ** 500,
                              rtol=1e-9, what="and the matrix power"),
                  check_close(path[-1], ref_alt, rtol=1e-9, atol=1e-12, what="alternating GDA and the matrix power"),
                  check_close(abs(np.linalg.det(alt)), 1.0, atol=1e-15, what="det of its update matrix = 1"),
                  holds(radii.max() < 1.6 and radii.min() > 1.2, f"alternating: radius stays in [1.2, 1.6], ends at {radii[-1]:.2f}",
                        f"alternating radius leaves [1.2, 1.6]: {radii.min():.3g}–{radii.max():.3g}"))


@formula("gan.extragradient", reference="the exact extragradient update matrix to the 1000th power; radius closed form")
@one_thread
def check_extragradient(game=ga.bilinear_game, step=None) -> CheckResult:
    eta, T = 0.1, 1000
    M = np.eye(2) + eta * np.array([[0, -1], [1, 0]]) @ (np.eye(2) + eta * np.array([[0, -1], [1, 0]]))
    if step is None:
        end = to_numpy(game(1.0, 1.0, eta, T, "extragradient"))[-1]
    else:
        end = np.array([1.0, 1.0])
        for _ in range(T):
            end = step(end, eta)
    return check_close(np.linalg.norm(end), math.sqrt(2) * (1 - eta**2 + eta**4) ** 500, rtol=1e-9,
                       what="radius √2(1 − η² + η⁴)⁵⁰⁰ = 0.009773") & \
        check_close(end, np.linalg.matrix_power(M, T) @ [1, 1], atol=1e-12, what="and the matrix power")


@erratum("ch09-11:E46", wrong=r"\theta_{t+1}=\theta_t-\eta\nabla_\theta\ell(\theta_{t+.5},\psi_t),\ \psi_{t+1}=\psi_t+\eta\nabla_\psi\ell(\theta_t,\psi_{t+.5})",
         right=r"\text{both gradients at the joint look-ahead point }(\theta_{t+\frac12},\psi_{t+\frac12})",
         why="For ℓ = θψ the θ-gradient does not depend on θ and the ψ-gradient not on ψ, so this 'look-ahead' "
             "changes nothing: it is simultaneous GDA and spirals out to radius 204.74.")
def seed_extragradient_mixed() -> CheckResult:
    def mixed(x, eta):
        th, ps = x
        # ∇_θℓ(θ_{t+½}, ψ_t) = ψ_t and ∇_ψℓ(θ_t, ψ_{t+½}) = θ_t: the look-ahead values never enter
        return np.array([th - eta * ps, ps + eta * th])
    return check_extragradient(step=mixed)


@formula("gan.js-saturation", reference="scipy.integrate.quad of the JS integrand; scipy.stats.wasserstein_distance")
@one_thread
def check_js_saturation(js=gm.js_shifted_gaussians, w1=gm.wasserstein_1d) -> CheckResult:
    sigma = 0.01
    thetas = np.array([0.05, 0.2, 0.5, 1.0, 3.0])
    ours = to_numpy(js(f64(thetas), sigma))

    def quad_js(t):
        p = lambda x: scipy.stats.norm.pdf(x, 0, sigma)  # noqa: E731
        q = lambda x: scipy.stats.norm.pdf(x, t, sigma)  # noqa: E731

        def f(x):
            a, b = p(x), q(x)
            m = 0.5 * (a + b)
            return 0.5 * (a * math.log(a / m) if a > 0 else 0) + 0.5 * (b * math.log(b / m) if b > 0 else 0)

        return scipy.integrate.quad(f, -0.2, t + 0.2, points=[0, t], limit=400, epsabs=1e-12)[0]

    rng = np.random.default_rng(154)
    z = rng.normal(size=5000) * sigma
    w = [float(w1(f64(z), f64(z + t))) for t in thetas]
    return all_of(check_close(ours, [quad_js(t) for t in thetas], atol=1e-6, what="JS at θ = 0.05 … 3 and quad"),
                  check_close(ours[1:], np.full(4, math.log(2)), atol=1e-6, what="JS = log 2 for |θ| ≥ 0.2 (flat)"),
                  check_close(w, [scipy.stats.wasserstein_distance(z, z + t) for t in thetas], atol=1e-12,
                              what="W₁ of the samples and scipy"),
                  check_close(w, thetas, atol=1e-9, what="W₁ = |θ| (still informative)"))


@formula("gan.wasserstein", reference="scipy.stats.wasserstein_distance; the dual LP over 1-Lipschitz f (linprog)")
@one_thread
def check_wasserstein(w1=gm.wasserstein_1d, penalty=gm.gradient_penalty) -> CheckResult:
    rng = np.random.default_rng(155)
    x, y = rng.normal(size=30), rng.normal(1, 2, size=30)
    ours = float(w1(f64(x), f64(y)))
    pts = np.r_[x, y]
    n = len(pts)
    c = -np.r_[np.ones(30) / 30, -np.ones(30) / 30]                 # maximise E_x f − E_y f
    rows, rhs = [], []
    for i, j in itertools.combinations(range(n), 2):
        r = np.zeros(n)
        r[i], r[j] = 1, -1
        rows += [r, -r]
        rhs += [abs(pts[i] - pts[j])] * 2
    lp = scipy.optimize.linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=[(None, None)] * n, method="highs")
    a = np.array([0.6, -0.8])                                          # ‖a‖ = 1: a 1-Lipschitz linear critic
    gp = [float(penalty(lambda z, k=k: k * (z @ f64(a)), f64(rng.normal(size=(5, 2))), f64(rng.normal(size=(5, 2))),
                        f64(rng.random(5)))) for k in (1.0, 3.0)]
    return all_of(check_close(ours, scipy.stats.wasserstein_distance(x, y), atol=1e-12, what="30 vs 30 points: scipy"),
                  check_close(ours, -lp.fun, atol=1e-8, what="the dual LP (Kantorovich–Rubinstein)"),
                  check_close(gp, [0.0, 4.0], atol=1e-12, what="gradient penalty of f = k aᵀx, ‖a‖ = 1: (k − 1)² for k = 1, 3"))


@formula("gan.ipm", reference="brute force over f ∈ {±1}⁸; the Lipschitz LP (linprog); scipy's Jensen–Shannon")
@one_thread
def check_ipm(d=gm.ipm, tv_factor=2.0) -> CheckResult:
    p, q = _atoms(156, 8)
    x = np.sort(np.random.default_rng(156).normal(size=8))
    brute = max(abs(np.dot(f, p - q)) for f in itertools.product([-1, 1], repeat=8))
    c = -(p - q)
    rows, rhs = [], []
    for i in range(7):
        r = np.zeros(8)
        r[i], r[i + 1] = -1, 1
        rows += [r, -r]
        rhs += [x[i + 1] - x[i]] * 2
    lp = scipy.optimize.linprog(c, A_ub=np.array(rows), b_ub=np.array(rhs), bounds=[(None, None)] * 8, method="highs")
    tv = 0.5 * np.abs(p - q).sum()
    return all_of(check_close(float(d(f64(p), f64(q), "sup")), brute, atol=1e-12, what="‖f‖∞ ≤ 1: brute force over 256 sign vectors"),
                  check_close(brute, tv_factor * tv, atol=1e-12, what="= 2 TV"),
                  check_close(float(d(f64(p), f64(q), "lipschitz", f64(x))), -lp.fun, atol=1e-8, what="Lip ≤ 1: the LP (W₁)"),
                  check_close(float(d(f64(p), f64(q), "log")), 2 * _js(p, q), atol=1e-10, what="log variant: 2 JS"))


@erratum("ch09-11:E47", wrong=r"d_F\text{ is the TV distance for }F=\{\|f\|_\infty\le1\}",
         right=r"d_F=\|P-Q\|_1=2\,\mathrm{TV}(P,Q)\text{ for }F=\{\|f\|_\infty\le1\}",
         why="The supremum over functions bounded by 1 counts every difference twice (f = ±1 on both sides), "
             "so it is twice the total variation; the same slip gives q·W₁ for Lip ≤ q and +∞ for an "
             "unconstrained class.")
def seed_ipm_tv() -> CheckResult:
    return check_ipm(tv_factor=1.0)


@formula("gan.mode-collapse", reference="exact enumeration of small supports; Monte Carlo over 10⁴ batches from 1000 values")
@one_thread
def check_mode_collapse(prob=gm.duplicate_probability) -> CheckResult:
    rng = np.random.default_rng(157)
    parts = []
    for s, expected in ((20, 0.173), (40, 0.541), (80, 0.958)):
        draws = rng.integers(0, 1000, size=(10_000, s))
        dup = np.array([len(np.unique(r)) < s for r in draws], dtype=float)
        exact = float(prob(s, 1000))
        parts.append(check_monte_carlo(dup, exact, what=f"s = {s}"))
        parts.append(check_close(exact, 1 - math.exp(-s * (s - 1) / 2000), atol=0.02, what=f"≈ 1 − e^(−s(s−1)/2N) ≈ {expected}"))
    parts.append(check_close(float(prob(1001, 1000)), 1.0, atol=0, rtol=1e-15, what="s > N: a duplicate is certain"))
    cases = ((5, 3), (6, 4), (4, 2), (7, 5))
    exact = [np.mean([len(set(t)) < s for t in itertools.product(range(N), repeat=s)]) for N, s in cases]
    parts.append(check_close([float(prob(s, N)) for N, s in cases], exact, atol=1e-12,
                             what="exact enumeration of every batch for (N, s) = (5, 3), (6, 4), (4, 2), (7, 5)"))
    return all_of(*parts)


@formula("gan.discriminator-capacity", reference="scipy.optimize over unit vectors w; a one-point generator")
@one_thread
def check_capacity(gap=gm.linear_critic_gap) -> CheckResult:
    rng = np.random.default_rng(158)
    X = rng.normal(size=(500, 3)) @ np.diag([1.0, 2.0, 0.5]) + [1, -1, 2]
    one_point = X.mean(0, keepdims=True)
    Y = rng.normal(size=(200, 3))
    best = -scipy.optimize.minimize(lambda w: -abs(w @ (X.mean(0) - Y.mean(0))) / np.linalg.norm(w), np.ones(3)).fun
    return check_close(float(gap(f64(X), f64(one_point))), 0.0, atol=1e-12, what="a single point at the data mean fools every linear critic") & \
        check_close(float(gap(f64(X), f64(Y))), best, rtol=1e-6, what="another fake: the supremum over ‖w‖ ≤ 1 (optimiser)")


@formula("gan.dcgan", reference="output shapes of torch.nn.ConvTranspose2d")
@one_thread
def check_dcgan(size=gm.transposed_conv_size) -> CheckResult:
    ok, n = True, 0
    for i, k, s, p, op in itertools.product((1, 4, 7), (1, 3, 4, 5), (1, 2, 3), (0, 1, 2), (0, 1)):
        if op >= s or (i - 1) * s - 2 * p + k + op < 1:
            continue
        layer = torch.nn.ConvTranspose2d(1, 1, k, s, p, output_padding=op)
        ok &= layer(torch.zeros(1, 1, i, i)).shape[-1] == size(i, k, s, p, op)
        n += 1
    chain = [4]
    for _ in range(4):
        chain.append(size(chain[-1], 4, 2, 1))
    return holds(ok, f"{n} settings of (i, k, s, p, output padding): same size as ConvTranspose2d",
                 "a size differs from ConvTranspose2d") & \
        holds(chain == [4, 8, 16, 32, 64], "k = 4, s = 2, p = 1 doubles: 4 → 8 → 16 → 32 → 64", f"chain {chain}")


@formula("gan.virtual-batch-norm", reference="torch.nn.functional.batch_norm on the reference batch plus the example")
@one_thread
def check_vbn(vbn=gm.virtual_batch_norm) -> CheckResult:
    rng = np.random.default_rng(159)
    R, x = f64(rng.normal(size=(16, 3))), f64(rng.normal(size=(1, 3)))
    ref = torch.nn.functional.batch_norm(torch.cat([R, x]), None, None, training=True, eps=1e-5)[-1:]
    outs, bn = [], []
    for _ in range(3):
        mates = f64(rng.normal(size=(7, 3)) * 3 + 1)
        outs.append(vbn(torch.cat([x, mates]), R)[:1])
        bn.append(torch.nn.functional.batch_norm(torch.cat([x, mates]), None, None, training=True)[:1])
    return all_of(check_close(outs[0], ref, atol=1e-12, what="VBN of x = batch norm of R ∪ {x}"),
                  check_close(torch.cat(outs), torch.cat([ref] * 3), atol=1e-12, what="the same whatever the batch-mates"),
                  holds(float((bn[0] - bn[1]).abs().max()) > 0.1, "plain batch norm of the same x changes with its batch-mates",
                        "batch norm does not depend on the batch"))


@formula("gan.inception-score", reference="scipy.stats.entropy in both forms; one-hot and identical extremes")
@one_thread
def check_inception(score=gm.inception_score) -> CheckResult:
    rng = np.random.default_rng(160)
    P = rng.dirichlet(np.ones(10) * 0.3, size=1000)
    py = P.mean(0)
    kl_form = math.exp(np.mean([scipy.stats.entropy(r, py) for r in P]))
    h_form = math.exp(scipy.stats.entropy(py) - np.mean([scipy.stats.entropy(r) for r in P]))
    onehot = np.eye(10)[np.arange(1000) % 10]
    same = np.tile(rng.dirichlet(np.ones(10)), (50, 1))
    return all_of(check_close(float(score(f64(P))), kl_form, rtol=1e-12, what="exp E KL(p(y|x) ‖ p(y))"),
                  check_close(kl_form, h_form, rtol=1e-12, what="= exp(H(y) − H(y|x))"),
                  check_close(float(score(f64(onehot))), 10.0, rtol=1e-9, what="confident and balanced: IS = K = 10 (upper bound)"),
                  check_close(float(score(f64(same))), 1.0, atol=1e-12, what="identical predictions: IS = 1 (lower bound)"))


@formula("gan.eval-kl", reference="scipy.optimize.minimize of the KL; moment matching for Gamma(3, 1) data")
@one_thread
def check_eval_kl(kl=gm.kl_data_model) -> CheckResult:
    x = np.linspace(1e-6, 40, 40001)
    lp = scipy.stats.gamma(3).logpdf(x)

    def obj(par):
        m, ls = par
        return float(kl(f64(lp), f64(scipy.stats.norm.logpdf(x, m, math.exp(ls))), f64(x)))

    res = scipy.optimize.minimize(obj, [1.0, 0.0], method="Nelder-Mead", options={"xatol": 1e-9, "fatol": 1e-13, "maxiter": 4000})
    H = scipy.stats.gamma(3).entropy()
    ident = obj([2.0, 0.3]) + H + np.trapezoid(np.exp(lp) * scipy.stats.norm.logpdf(x, 2.0, math.exp(0.3)), x)
    return check_close([res.x[0], math.exp(2 * res.x[1])], [3.0, 3.0], atol=1e-4, what="minimiser = moment match (mean 3, var 3)") & \
        check_close(ident, 0.0, atol=1e-6, what="KL = −H(p) − E_p log q")
