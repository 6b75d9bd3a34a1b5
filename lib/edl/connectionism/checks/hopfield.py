"""Checks of chapter 1's Hopfield networks (``hopfield.*``) and Willshaw memory (``willshaw.*``), and their errata.

Each check takes the formula under test as a keyword argument (default: the library function) and
compares it with an independent route: explicit double sums and loops in numpy, exact binomial
probabilities (scipy), exact orbit enumeration, linear programs (scipy's HiGHS), exact big-integer
binomials, or Monte Carlo within a stated number of standard errors. Randomness is seeded and every
verdict states tolerances or exact counts, so it prints the same on every machine.
"""

import math

import numpy as np
import scipy.optimize
import scipy.special
import scipy.stats
import torch

from edl.connectionism import hopfield as hop
from edl.connectionism import willshaw as will
from edl.core.checking import CheckResult, check_close, check_monte_carlo, holds, to_numpy
from edl.core.ledger import erratum, formula



def _gen(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _np_sign(h: np.ndarray) -> np.ndarray:
    return np.where(h >= 0, 1.0, -1.0)


def _random_symmetric(g: torch.Generator, nets: int, n: int) -> torch.Tensor:
    A = torch.randn(nets, n, n, generator=g, dtype=torch.float64)
    W = (A + A.transpose(-1, -2)) / 2
    return W - torch.diag_embed(torch.diagonal(W, dim1=-2, dim2=-1))  # zero diagonal


# --- the seeds' versions -------------------------------------------------------------------------

def seed001_energy(W, x, b=None):
    """Seed 001: E = -1/2 sum w x x + sum b x, paired with the update sign(W x + b)."""
    return hop.energy(W, x) + (b * x).sum(-1)


def seed002_energy(W, x, b=None):
    """Seed 002: E = -sum_{i,j} w x x - sum b x (no factor 1/2)."""
    return 2 * hop.energy(W, x) - (b * x).sum(-1)


def seed000_hebbian(patterns):
    """Seed 000: W = (1/n) sum_t x x^T, without removing the diagonal."""
    s, n = patterns.shape[-2:]
    return patterns.transpose(-1, -2) @ patterns / n


def seed001_inert_weights(n):
    """Seed 001's "X = diag(1,...,1)" read literally: the all-ones state stored by the Hebb rule."""
    return hop.hebbian_weights(torch.ones(1, n, dtype=torch.float64))


def seed002_load(s, n):
    """Seed 002: the capacity is stated for "alpha/n" with alpha = s/n, i.e. s/n^2."""
    return s / n / n


def seed001_threshold(n, *, all_patterns=False):
    """Seed 001: n / (2 log2 n)."""
    return n / ((4 if all_patterns else 2) * math.log2(n))


def seed002_memory_e12(x, y):
    """Seed 002's Hebb rule x_i^t x_i^t: the second factor lost its index j."""
    col = (x * x).sum(-2).clamp(max=1.0)  # (..., n_x)
    return col.unsqueeze(-2).expand(*x.shape[:-2], y.shape[-1], x.shape[-1]).clone()


def seed002_memory_e13(x, y):
    """Seed 002: Theta_ji = min{1, sum_t y_i^t x_i^t} (y indexed by i instead of j)."""
    col = (y * x).sum(-2).clamp(max=1.0)  # needs n_x = n_y
    return col.unsqueeze(-2).expand(*x.shape[:-2], y.shape[-1], x.shape[-1]).clone()


# --- energy and dynamics -------------------------------------------------------------------------

@formula("hopfield.energy-update", reference="explicit double sum over i≠j (numpy); ΔE against −Δxᵢhᵢ; 200 random nets")
def check_energy_update(energy=hop.energy) -> CheckResult:
    g = _gen(0)
    nets, n = 200, 30
    W = _random_symmetric(g, nets, n)  # (200, 30, 30)
    b = 2 * torch.randn(nets, n, generator=g, dtype=torch.float64)
    x = hop.sign(torch.randn(nets, n, generator=g, dtype=torch.float64))
    Wn, bn, xn = to_numpy(W), to_numpy(b), to_numpy(x)
    explicit = np.array([-0.5 * sum(Wn[k, i, j] * xn[k, i] * xn[k, j] for i in range(n) for j in range(n) if i != j)
                         - bn[k] @ xn[k] for k in range(5)])
    definition = check_close(energy(W[:5], x[:5], b[:5]), explicit, atol=1e-10,
                             what="E by the library and by the explicit double sum (5 nets)")
    states, fields, units = [x], [], []
    for _ in range(3):  # three asynchronous sweeps in random order
        for i in torch.randperm(n, generator=g).tolist():
            fields.append((W[:, i] * x).sum(-1) + b[:, i])  # h_i before the update, (200,)
            units.append(i)
            x = hop.update_unit(W, x, i, b)
            states.append(x)
    path = torch.stack(states, 1)  # (200, 91, 30): the whole trajectory of every net
    dE = energy(W, path, b.unsqueeze(1)).diff(dim=1)  # (200, 90): energy change of each update
    dx = torch.stack([path[:, k + 1, i] - path[:, k, i] for k, i in enumerate(units)], 1)  # (200, 90)
    increases = int((dE > 1e-12).sum())
    mismatch = float((dE + dx * torch.stack(fields, 1)).abs().max())
    monotone = holds(increases == 0, f"no energy increase in {nets} nets × 3 sweeps × {n} updates",
                      f"{increases} single-unit updates increased the energy (of {nets * 3 * n})")
    delta = holds(mismatch < 1e-9, "ΔE = −Δxᵢ(Σⱼwᵢⱼxⱼ+bᵢ) within 1e-09",
                   f"ΔE differs from −Δxᵢ(Σⱼwᵢⱼxⱼ+bᵢ) by up to {mismatch:.3g}")
    return definition & monotone & delta


@erratum("ch01-03:E6",
         wrong=r"E=-\tfrac12\sum w_{ij}x_ix_j+\sum_ib_ix_i\ \text{with}\ "
               r"x_i\leftarrow\operatorname{sign}(\sum_jw_{ij}x_j+b_i)",
         right=r"E=-\tfrac12\sum w_{ij}x_ix_j-\sum_ib_ix_i\ \text{with}\ "
               r"x_i\leftarrow\operatorname{sign}(\sum_jw_{ij}x_j+b_i)",
         why="With the bias entering the energy with the opposite sign to the update, single-unit updates can raise "
             "the energy, so it no longer shows that asynchronous dynamics settle at a fixed point.")
def erratum_energy_bias_sign() -> CheckResult:
    return check_energy_update(energy=seed001_energy)


@erratum("ch01-03:E7", wrong=r"E=-\sum_{i,j}w_{ij}x_ix_j-\sum_ib_ix_i",
         right=r"E=-\tfrac12\sum_{i\ne j}w_{ij}x_ix_j-\sum_ib_ix_i",
         why="Without the ½ the couplings count twice against the bias, so a flip made by sign(Σwx + b) can raise this "
             "energy when bias and coupling field disagree; it then proves no convergence.")
def erratum_energy_half() -> CheckResult:
    return check_energy_update(energy=seed002_energy)


def _orbit_period(W: np.ndarray, x: np.ndarray, max_steps: int = 500) -> int:
    """Exact period of the synchronous orbit of x, by remembering every visited state."""
    seen = {}
    for step in range(max_steps):
        key = x.tobytes()
        if key in seen:
            return step - seen[key]
        seen[key] = step
        x = _np_sign(W @ x)
    return -1


@formula("hopfield.convergence-async-sync", reference="fixed points tested by sign(Wx+b) = x in numpy; exact orbit periods by state enumeration")
def check_convergence(run_async=hop.run_async, run_sync=hop.run_sync, step=hop.sync_step) -> CheckResult:
    g = _gen(1)
    W = _random_symmetric(g, 100, 50)
    b = torch.randn(100, 50, generator=g, dtype=torch.float64)
    x0 = hop.sign(torch.randn(100, 50, generator=g, dtype=torch.float64))
    final, done = run_async(W, x0, b, max_sweeps=100, generator=g)
    fixed = np.all(_np_sign(np.einsum("kij,kj->ki", to_numpy(W), to_numpy(final)) + to_numpy(b)) == to_numpy(final), axis=1)
    asynchronous = holds(bool(fixed.all() and done.all()), "100 random symmetric nets (n = 50): asynchronous "
                          "sweeps end at fixed points within 100 sweeps",
                          f"{int((~fixed).sum())} of 100 asynchronous runs did not end at a fixed point")
    W2 = torch.tensor([[0.0, 1.0], [1.0, 0.0]], dtype=torch.float64)
    start = torch.tensor([[1.0, -1.0]], dtype=torch.float64)
    cyc, period2 = run_sync(W2, start)
    one, _ = run_async(W2, start, orders=[[0, 1], [0, 1]])
    example = holds(int(period2) == 2 and to_numpy(one).tolist() == [[-1.0, -1.0]],
                     "W = [[0,1],[1,0]] from (1,−1): synchronous 2-cycle, asynchronous stops at (−1,−1)",
                     f"2-unit example: period {int(period2)}, asynchronous end {to_numpy(one).tolist()}")
    Ws = _random_symmetric(g, 200, 20)
    xs = hop.sign(torch.randn(200, 20, generator=g, dtype=torch.float64))
    _, periods = run_sync(Ws, xs.unsqueeze(1), max_steps=500)  # (200, 1)
    exact = np.array([_orbit_period(to_numpy(Ws[k]), to_numpy(xs[k])) for k in range(200)])
    counts = {p: int((exact == p).sum()) for p in (1, 2)}
    goles = holds(bool(np.isin(exact, (1, 2)).all() and (exact == to_numpy(periods[:, 0])).all()),
                   f"200 synchronous orbits (n = 20): periods {counts[1]}×1 and {counts[2]}×2, as enumerated",
                   f"synchronous periods differ from enumeration or exceed 2: {sorted(set(exact.tolist()))}")
    bs = torch.randn(200, 20, generator=g, dtype=torch.float64)
    one = holds(bool((to_numpy(step(Ws, xs, bs)) == _np_sign(np.einsum("kij,kj->ki", to_numpy(Ws), to_numpy(xs))
                                                               + to_numpy(bs))).all()),
                 "one synchronous step = sign(Wx + b) by numpy on 200 states",
                 "the synchronous step differs from sign(Wx + b)")
    return asynchronous & example & goles & one


# --- Hebbian storage -----------------------------------------------------------------------------

@formula("hopfield.hebbian-weights", reference="elementwise loop over i, j, t (numpy)")
def check_hebbian_weights(hebbian=hop.hebbian_weights) -> CheckResult:
    X = hop.random_patterns(10, 100, generator=_gen(2), dtype=torch.float64)
    Xn = to_numpy(X)
    s, n = Xn.shape
    loop = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                loop[i, j] = sum(Xn[t, i] * Xn[t, j] for t in range(s)) / n
    W = hebbian(X)
    values = check_close(W, loop, atol=1e-12, what="W and the loop formula (n = 100, s = 10)")
    diagonal = holds(bool((to_numpy(W).diagonal() == 0).all()), "diagonal exactly 0",
                      f"diagonal is {float(to_numpy(W).diagonal().mean()):.3g} on average, not 0")
    return values & diagonal


@erratum("ch01-03:E8", wrong=r"W=\frac1n\sum_t\mathbf x^t(\mathbf x^t)^\top\ \text{with}\ w_{ii}=0",
         right=r"W=\frac1n\sum_t\mathbf x^t(\mathbf x^t)^\top-\frac snI",
         why="Coded as written, W keeps self-couplings s/n on its diagonal, so each unit partly reinforces its own "
             "current value and corrupted bits are harder to correct, the more so at high load.")
def erratum_hebbian_diagonal() -> CheckResult:
    return check_hebbian_weights(hebbian=seed000_hebbian)


@formula("hopfield.single-pattern", reference="the fields xᵢ(n−2k∓1)/n evaluated in numpy; 200 random states for W ∝ I")
def check_single_pattern(inert_weights=lambda n: torch.eye(n, dtype=torch.float64)) -> CheckResult:
    n, g = 101, _gen(3)
    x = hop.random_patterns(1, n, generator=g, dtype=torch.float64)
    W = hop.hebbian_weights(x, normalize=False)  # Θ = nW: integer fields, so ties are exact zeros
    xn = to_numpy(x[0])
    agree, restored, negated, ties = True, [], [], {}
    for k in range(n + 1):
        flipped = torch.randperm(n, generator=g)[:k]
        probe = x[0].clone()
        probe[flipped] *= -1
        step = to_numpy(hop.sync_step(W, probe))
        field = xn * (n - 2 * k - 1)  # n times the field of the unflipped units
        field[to_numpy(flipped).astype(int)] = xn[to_numpy(flipped).astype(int)] * (n - 2 * k + 1)  # and of the flipped ones
        agree &= bool((step == _np_sign(field)).all())
        if (step == xn).all():
            restored.append(k)
        elif (step == -xn).all():
            negated.append(k)
        else:
            ties[k] = int((step != xn).sum())
    table = holds(agree and restored == list(range(50)) and negated == list(range(52, n + 1)),
                   f"n = 101, one synchronous step: x for k ≤ 49, −x for k ≥ 52, ties at k = 50, 51 "
                   f"({ties.get(50, 0)} and {ties.get(51, 0)} bits differ from x)",
                   f"one-step recall: restored for k in {restored[:3]}...{restored[-1:]}, negated from "
                   f"{negated[:1]}, field formula {'holds' if agree else 'fails'}")
    inert = inert_weights(n)
    states = hop.sign(torch.randn(200, n, generator=g, dtype=torch.float64))
    still = bool((hop.sync_step(inert, states) == states).all())
    frozen = holds(still, "W ∝ I: 200 random states are all fixed points (nothing is corrected)",
                    "the claimed 'no reconstruction' weights do change random states: reconstruction happens")
    return table & frozen


@erratum("ch01-03:E9", wrong=r"\mathbf X=\operatorname{diag}(1,\dots,1)\Rightarrow\text{no reconstruction}",
         right=r"W\propto I\Rightarrow\text{every state is a fixed point}",
         why="Read literally, storing the all-ones pattern gives a net that does pull states toward ±(1,…,1); nothing "
             "is corrected only when W ∝ I, where every state is already a fixed point.")
def erratum_single_pattern() -> CheckResult:
    return check_single_pattern(inert_weights=seed001_inert_weights)


# --- capacity ------------------------------------------------------------------------------------

def exact_unstable_probability(s: int, n: int) -> float:
    """P(bit unstable), exactly: n xᵢhᵢ = n − 1 + S with S a sum of (s−1)(n−1) independent ±1 terms.

    Ties follow sign(0) = +1: a +1 bit flips if n − 1 + S < 0, a −1 bit if n − 1 + S <= 0.
    """
    N = (s - 1) * (n - 1)
    # S = 2K − N with K ~ Binomial(N, 1/2): x = +1 flips if n−1+S < 0, x = −1 flips if n−1+S ≤ 0
    strict = scipy.stats.binom.cdf(math.ceil((N - n + 1) / 2) - 1, N, 0.5)
    weak = scipy.stats.binom.cdf(math.floor((N - n + 1) / 2), N, 0.5)
    return 0.5 * (strict + weak)


@formula("hopfield.capacity-0138", reference="exact binomial law of the crosstalk (scipy.stats.binom, n = 10⁶); "
                                              "Monte Carlo within 4 SE; recall run below and above α_c")
def check_capacity_0138(load=hop.load, unstable=hop.unstable_probability, fields=hop.aligned_fields,
                        alpha_c: float = hop.HEBBIAN_CAPACITY) -> CheckResult:
    g = _gen(4)
    n, trials = 1000, 30
    rows = []
    for alpha in (0.1, 0.138, 0.2):
        s = round(alpha * n)
        per_set = to_numpy(hop.unstable_fraction(hop.random_patterns(s, n, trials=trials, generator=g)))
        exact = exact_unstable_probability(s, n)
        z = abs(per_set.mean() - exact) / (per_set.std(ddof=1) / math.sqrt(trials))
        rows.append((alpha, per_set.mean(), exact, z))
    mc = holds(all(r[3] <= 4 for r in rows),
                "unstable-bit fraction at α = 0.1, 0.138, 0.2 (n = 1000): Monte Carlo within 4 SE of the exact law",
                "Monte Carlo far from the exact law: " + ", ".join(f"{r[1]:.3g} vs {r[2]:.3g}" for r in rows))
    # the crosstalk: n xᵢhᵢ − (n − 1) is a sum of (s − 1)(n − 1) random signs, so mean 0 and variance (s − 1)(n − 1);
    # one bit of each of 10,000 independent pattern sets, so that the draws are independent
    X = hop.random_patterns(10, 40, trials=10_000, generator=g, dtype=torch.float64)
    cross = 40 * to_numpy(fields(X))[:, 0, 0] - 39
    moments = check_monte_carlo(cross, 0.0, what="crosstalk n·xᵢhᵢ − (n−1), mean 0 (s = 10, n = 40)") & \
        check_monte_carlo(cross**2, 9 * 39, what="its square, mean (s−1)(n−1)")
    # Φ(−1/√α) is the large-n limit of the exact law: at n = 10⁶ the two agree to 1e-3
    pairs = [(round(a * 10**6), 10**6) for a in (0.05, 0.1, 0.138, 0.2)]
    gauss = [float(unstable(load(s, m))) for s, m in pairs]
    exact = [exact_unstable_probability(s, m) for s, m in pairs]
    approx = check_close(gauss, exact, rtol=1e-3, what="Φ(−1/√α) and the exact probability at n = 10⁶, α = 0.05–0.2")
    # the capacity itself: recall from the stored patterns holds at 0.75 α_c and collapses at 1.45 α_c (n = 1000)
    overlaps = []
    for factor in (0.75, 1.45):
        patterns = hop.random_patterns(round(factor * alpha_c * n), n, trials=3, generator=g)
        overlaps.append(to_numpy(hop.retrieve_async(patterns, probes=8, generator=g)))
    below, above = overlaps
    recall = holds(below.mean() >= 0.97 and below.min() >= 0.9 and above.mean() <= 0.5,
                    f"asynchronous recall of 24 stored patterns (n = 1000): mean overlap {below.mean():.2f} at "
                    f"α = 0.75 α_c, {above.mean():.2f} at 1.45 α_c (α_c = {alpha_c:g})",
                    f"recall at α = 0.75 α_c and 1.45 α_c (α_c = {alpha_c:g}): mean overlaps {below.mean():.2f} "
                    f"(need ≥ 0.97, each ≥ 0.9) and {above.mean():.2f} (need ≤ 0.5)")
    return mc & moments & approx & recall


@erratum("ch01-03:E10", wrong=r"\alpha/n\le\alpha^*\approx0.138", right=r"\alpha=s/n\le\alpha^*\approx0.138",
         why="Read as written the limit becomes s/n² ≤ 0.138, i.e. about 0.138n² patterns: 138 000 instead of 138 for "
             "n = 1000, far past the load at which recall breaks down.")
def erratum_capacity_load() -> CheckResult:
    return check_capacity_0138(load=seed002_load)


@formula("hopfield.capacity-perfect-recall", reference="Monte Carlo (100 sets per s, 4 SE) against (1−Φ(−√(n/s)))ⁿ; "
                   "Gaussian tails via scipy log_ndtr")
def check_perfect_recall(threshold=hop.perfect_recall_threshold, probability=hop.perfect_recall_probability) -> CheckResult:
    g, n, trials = _gen(5), 1000, 100
    measured, predicted, sizes = [], [], []
    for c in (0.5, 1.0, 2.0):
        s = round(c * threshold(n))
        sizes.append(s)
        stable = hop.pattern_stable(hop.random_patterns(s, n, trials=trials, generator=g))
        measured.append(float(stable.double().mean()))
        predicted.append(float(probability(s, n)))
    tolerance = [0.02 + 4 * math.sqrt(p * (1 - p) / trials) for p in predicted]  # 4 SE + 0.02 for the model
    worst = max(abs(a - b) - t for a, b, t in zip(measured, predicted, tolerance))
    shown = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(measured, predicted))
    mc = holds(worst <= 0, f"P(pattern stable) at s = {sizes} (n = 1000, 100 sets), measured/predicted "
                f"{shown}, within 4 SE + 0.02", f"P(pattern stable) at s = {sizes}: measured/predicted {shown}, "
                "beyond 4 SE + 0.02")
    sharp_run = holds(measured[0] >= 0.95 and measured[2] <= 0.1,
                       "so recall is near certain at half the threshold n/(2 ln n) and fails at twice it (≤ 0.1)",
                       f"measured P(pattern stable) {measured[0]:.2f} at half and {measured[2]:.2f} at twice the stated "
                       f"threshold (need ≥ 0.95 and ≤ 0.1)")

    def log_expected_errors(s: float, m: float, copies: float) -> float:  # log of copies·m·Φ(−√(m/s))
        return math.log(copies * m) + float(scipy.special.log_ndtr(-math.sqrt(m / s)))

    m = 1e40  # far in the asymptotic regime
    sharp = []
    for all_patterns in (False, True):
        t = threshold(m, all_patterns=all_patterns)
        below = log_expected_errors(0.9 * t, m, 0.9 * t if all_patterns else 1.0)
        above = log_expected_errors(1.1 * t, m, 1.1 * t if all_patterns else 1.0)
        sharp.append(below < math.log(0.01) and above > math.log(100.0))
    asymptotic = holds(all(sharp), "n = 1e40: at 0.9× the thresholds n/(2 ln n), n/(4 ln n) the expected number "
                        "of wrong bits is < 0.01, at 1.1× it is > 100 (recall fails)",
                        "n = 1e40: the expected number of wrong bits does not switch from < 0.01 to > 100 "
                        "between 0.9× and 1.1× the stated thresholds")
    return mc & sharp_run & asymptotic


@erratum("ch01-03:E11", wrong=r"s\le\frac{n}{2\log_2n}", right=r"s\le\frac{n}{2\ln n}",
         why="Since log₂ n = ln n / ln 2, this limit is only about 69% of the true one: it puts the sharp transition "
             "to perfect recall at the wrong load and undersells the capacity by the factor ln 2.")
def erratum_perfect_recall_log2() -> CheckResult:
    return check_perfect_recall(threshold=seed001_threshold)


def _lp_storable(points: np.ndarray, labels: np.ndarray) -> bool:
    """Is there w with labels·(points @ w) >= 1 for every row? (a feasibility LP, HiGHS)."""
    A = -(labels[:, None] * points)
    res = scipy.optimize.linprog(np.zeros(points.shape[1]), A_ub=A, b_ub=-np.ones(len(labels)),
                                 bounds=[(None, None)] * points.shape[1], method="highs")
    return res.status == 0


@formula("hopfield.optimal-capacity", reference="per-unit feasibility LPs (scipy HiGHS) against Cover's count; scipy.stats.binom.cdf; "
                   "numpy sign test")
def check_optimal_capacity(learn=hop.perceptron_weights, cover=hop.stable_unit_probability) -> CheckResult:
    rng = np.random.default_rng(6)
    n, trials = 20, 80
    freqs, probs = [], []
    for s in (30, 38, 46):
        ok = 0
        for _ in range(trials):
            X = rng.choice([-1.0, 1.0], size=(s, n))
            ok += _lp_storable(np.delete(X, 0, axis=1), X[:, 0])  # unit 0 against the other 19 units
        freqs.append(ok / trials)
        probs.append(cover(s, n))
    shown = ", ".join(f"{a:.2f}/{b:.2f}" for a, b in zip(freqs, probs))
    lp = check_close(freqs, probs, atol=0.1, what=f"LP success frequency over {trials} trials and P(s, n−1) "
                                                  f"(n = 20, s = 30, 38, 46: {shown})")
    binom = check_close(probs, [scipy.stats.binom.cdf(n - 2, s - 1, 0.5) for s in (30, 38, 46)], atol=1e-12,
                        what="P(s, n−1) and P(Binomial(s−1, ½) ≤ n−2)")
    X = hop.random_patterns(50, 100, generator=_gen(7), dtype=torch.float64)  # alpha = 0.5
    W, converged = learn(X)
    Xn, Wn = to_numpy(X), to_numpy(W)
    learned = int((_np_sign(Xn @ Wn.T) != Xn).sum())
    hebb = float((_np_sign(Xn @ to_numpy(hop.hebbian_weights(X)).T) != Xn).mean())
    stored = holds(converged and learned == 0 and hebb > 0.02,
                    f"α = 0.5 (n = 100): learned weights make all 50 patterns fixed points; Hebbian weights leave "
                    f"{100 * hebb:.1f}% of bits unstable",
                    f"learned weights at α = 0.5 leave {learned} unstable bits (converged: {converged})")
    return lp & binom & stored


# --- Willshaw ------------------------------------------------------------------------------------

WILLSHAW_LOADS = (200, 500, 709, 1000, 2000)


def _willshaw_runs(memory):
    """Hetero-associative runs with n = 256, r = 8: one set of 2000 pairs, stored in prefixes of length s."""
    g = _gen(8)
    x = will.sparse_patterns(2000, 256, 8, generator=g, dtype=torch.float64)
    y = will.sparse_patterns(2000, 256, 8, generator=g, dtype=torch.float64)
    return x, y, {s: memory(x[:s], y[:s]) for s in WILLSHAW_LOADS}


@formula("willshaw.memory-matrix", reference="OR of outer products by explicit loops (numpy bool); fill fraction against 1−(1−r²/n²)ˢ")
def check_memory_matrix(memory=will.memory_matrix) -> CheckResult:
    g = _gen(9)
    x = will.sparse_patterns(30, 40, 4, generator=g, dtype=torch.float64)
    y = will.sparse_patterns(30, 40, 4, generator=g, dtype=torch.float64)
    xn, yn = to_numpy(x).astype(bool), to_numpy(y).astype(bool)
    loop = np.zeros((40, 40), dtype=bool)
    for t in range(30):
        for j in range(40):
            for i in range(40):
                loop[j, i] |= yn[t, j] and xn[t, i]
    exact = holds(bool((to_numpy(memory(x, y)) == loop).all()), "Θ equals the OR of the 30 outer products yᵗxᵗᵀ "
                   "(n = 40, r = 4)",
                   f"Θ differs from the OR of outer products in {int((to_numpy(memory(x, y)) != loop).sum())} entries")
    _, _, thetas = _willshaw_runs(memory)
    fills = [float(thetas[s].mean()) for s in WILLSHAW_LOADS]
    fill = check_close(fills, to_numpy(will.fill_probability(torch.tensor(WILLSHAW_LOADS, dtype=torch.float64), 256, 8)),
                       atol=0.01, what=f"fill fraction at s = {list(WILLSHAW_LOADS)} (n = 256, r = 8) and the formula")
    return exact & fill


@erratum("ch01-03:E12", wrong=r"\Delta\theta^t_{ij}\propto x_i^tx_i^t", right=r"\Delta\theta^t_{ji}\propto y_j^tx_i^t",
         why="With xᵢxᵢ the entry no longer depends on the output unit, so every row of the memory is the same and "
             "recall switches all outputs on or off together; no association is stored.")
def erratum_willshaw_hebb_index() -> CheckResult:
    return check_memory_matrix(memory=seed002_memory_e12)


@erratum("ch01-03:E13", wrong=r"\Theta_{ji}=\min\{1,\textstyle\sum_ty_i^tx_i^t\}",
         right=r"\Theta_{ji}=\min\{1,\textstyle\sum_ty_j^tx_i^t\}",
         why="Indexing y by i makes the entry depend on the input unit alone, so all rows coincide and only "
             "coincidences of input i with output i are kept; which outputs go with which inputs is lost.")
def erratum_willshaw_theta_index() -> CheckResult:
    return check_memory_matrix(memory=seed002_memory_e13)


@formula("willshaw.retrieval-monotonicity", reference="an AND over the cue's synapses (numpy); Monte Carlo of spurious "
                                                      "ones with independent synapses (4 SE)")
def check_retrieval_monotonicity(retrieve=will.retrieve, estimate=will.spurious_estimate) -> CheckResult:
    x, y, thetas = _willshaw_runs(will.memory_matrix)
    ok, agree, exact_low, spurious, predicted = True, True, True, [], []
    for s in WILLSHAW_LOADS:
        out = retrieve(thetas[s], x[:s])  # (s, 256)
        yn, on = to_numpy(y[:s]), to_numpy(out)
        # unit j fires iff no synapse from an active cue unit to j is missing
        missing = to_numpy(x[:s]) @ (1 - to_numpy(thetas[s])).T
        agree &= bool((on == (missing == 0)).all())
        ok &= bool((on >= yn).all())
        exact_low &= s > 200 or bool((on == yn).all())
        spurious.append(float((on - yn).sum(-1).mean()))
        predicted.append(float(estimate(256, 8, float(thetas[s].mean()))))
    shown = ", ".join(f"{a:.3g}/{b:.2g}" for a, b in zip(spurious, predicted))
    stored = holds(ok and agree and exact_low,
                    f"ŷ = AND of the cue's synapses, ŷ ≥ yᵗ for all stored pairs at s = {list(WILLSHAW_LOADS)}, "
                    "= yᵗ at s = 200",
                    f"retrieval {'loses stored ones' if not ok else 'is not the AND of the synapses' if not agree else 'adds ones at s = 200'}")
    # the estimate (n − r)p₁ʳ is exact when the synapses are independent: memories with Bernoulli(p₁) synapses
    # (plus the stored pair's own), n = 32, r = 3, p₁ = 0.6
    g = _gen(11)
    draws, n, r, p1 = 2000, 32, 3, 0.6
    xs, ys = (will.sparse_patterns(draws, n, r, generator=g, dtype=torch.float64) for _ in range(2))
    theta = (torch.rand(draws, n, n, generator=g) < p1).double()
    theta = torch.maximum(theta, ys[:, :, None] * xs[:, None, :])
    extra = to_numpy((retrieve(theta, xs[:, None, :])[:, 0] - ys).sum(-1))
    independent = check_monte_carlo(extra, float(estimate(n, r, p1)), what="spurious ones with independent "
                                    "synapses (n = 32, r = 3, p₁ = 0.6) and (n−r)p₁ʳ")
    info = holds(True, f"stored memories (n = 256, r = 8), spurious ones per retrieval measured/estimate: {shown}", "")
    return stored & independent & info


@formula("willshaw.capacity", reference="root of the fill formula (scipy brentq); measured fill over 5 sets; exact big-integer binomials")
def check_willshaw_capacity(half_fill=will.half_fill_load, bits=will.bits_per_synapse) -> CheckResult:
    n, r = 256, 8
    root = scipy.optimize.brentq(lambda s: 1 - (1 - r**2 / n**2) ** s - 0.5, 1, 1e5, xtol=1e-12)
    s_half = half_fill(n, r)
    formula_ = check_close([s_half], [root], rtol=1e-9, what=f"s½ = {s_half:.1f} and the root of fill = ½")
    g = _gen(10)
    x = will.sparse_patterns(round(s_half), n, r, trials=5, generator=g)
    y = will.sparse_patterns(round(s_half), n, r, trials=5, generator=g)
    measured = float(will.memory_matrix(x, y).mean())
    half = check_close([measured], [0.5], atol=0.01, what=f"measured fill at s = {round(s_half)} (5 sets) and ½")
    ordered = math.comb(n, r) ** 500  # the number of ordered choices of 500 patterns: I = log₂ of it, exactly
    shift = ordered.bit_length() - 60
    info = check_close([float(bits(500, n, r))], [(shift + math.log2(ordered >> shift)) / n**2], rtol=1e-9,
                       what=f"bits per synapse at s = 500 ({float(bits(500, n, r)):.3f}) and log₂ of the exact count of "
                            f"500 patterns of B²⁵⁶₈, over n²")

    def exact_log2_comb(k: int) -> float:  # log2 C(2^k, k) from the exact integer
        c = math.comb(2**k, k)
        shift = max(c.bit_length() - 60, 0)
        return shift + math.log2(c >> shift)

    ks = (10, 20, 100, 500)
    values = [float(bits(half_fill(2**k, k), 2**k, k)) for k in ks]
    exact = [half_fill(2**k, k) * exact_log2_comb(k) / 2**k / 2**k for k in ks]
    big = check_close(values, exact, rtol=1e-9, what="bits per synapse at half fill, r = log₂n, n = 2^10..2^500, "
                                                     "and exact binomials")
    limit = holds(bool(np.all(np.diff(values) > 0) and abs(values[-1] - math.log(2)) < 0.02 * math.log(2)),
                   f"it rises towards ln 2: {', '.join(f'{v:.3f}' for v in values)} (ln 2 = 0.693)",
                   f"bits per synapse {values} do not approach ln 2")
    return formula_ & half & info & big & limit
