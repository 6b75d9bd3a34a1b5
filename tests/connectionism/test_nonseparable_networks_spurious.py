"""Tests of edl.connectionism.nonseparable, threshold_networks and spurious against independent routes."""

import itertools

import numpy as np
import pytest
import torch
from scipy.optimize import linprog

from edl.connectionism import hopfield as hop
from edl.connectionism import perceptron as pc
from edl.connectionism import nonseparable as ns
from edl.connectionism import spurious as sp
from edl.connectionism import threshold_networks as tn


def f64(x):
    return torch.tensor(x, dtype=torch.float64)


def _noisy_grid(seed=1, s=40, flips=4):
    """Integer points in [-4, 4]², labelled by a line, with a few labels flipped: not separable."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, size=(s, 2)).astype(float)
    y = np.sign(x @ [1.0, 0.6] + 0.5)
    y[rng.choice(s, flips, replace=False)] *= -1
    return pc.augment(torch.from_numpy(x)), torch.from_numpy(y)


# --- the perceptron on non-separable data -------------------------------------------------------------

def _lp_separable(x, y) -> bool:
    z = (y[:, None] * x).numpy()
    res = linprog(np.zeros(z.shape[1]), A_ub=-z, b_ub=-np.ones(len(z)), bounds=[(None, None)] * z.shape[1],
                  method="highs")
    return res.status == 0


def test_on_non_separable_data_the_run_repeats_and_never_stops_making_mistakes():
    x, y = _noisy_grid()
    assert not _lp_separable(x, y)
    run = ns.perceptron_epochs(x, y, 200)
    assert run.repeat_at > 0 and run.period > 0
    w = run.weights
    # once repeated, the run is periodic: compare with the recorded weights one period later, exactly
    for e in range(run.repeat_at, 200 - run.period + 1):
        assert torch.equal(w[e], w[e - run.period])
    assert (run.mistakes > 0).all()
    # the weights stay bounded (the cycling theorem): the norm over the last 150 epochs is never larger
    assert float(w[50:].norm(dim=1).max()) <= float(w[:50].norm(dim=1).max()) + 1e-12


def test_epochs_agree_with_the_batched_trainer_and_stop_on_separable_data():
    x, y, _ = pc.planted_margin_data(1, 30, 3, 0.2, generator=torch.Generator().manual_seed(0))
    run = ns.perceptron_epochs(x[0], y[0], 50)
    final = pc.perceptron_train(x[0], y[0])
    assert torch.allclose(run.weights[-1], final.w) and int(run.mistakes.sum()) == int(final.mistakes)
    assert run.mistakes[-1] == 0 and run.period == 1  # a separator is a fixed point of the epoch map


def test_pocket_keeps_the_best_visited_weights_and_the_average_is_the_mean():
    x, y = _noisy_grid()
    epochs = 30
    r = ns.pocket_and_average(x, y, epochs)
    # brute force: replay the perceptron visit by visit, keeping every weight vector it holds
    z = (y[:, None] * x).numpy()
    w, held = np.zeros(3), []
    for _ in range(epochs):
        for zi in z:
            if zi @ w <= 0:
                w = w + zi
            held.append(w.copy())
    held = np.array(held)
    errors = ((z @ held.T) <= 0).sum(0)
    assert int(ns.training_errors(x, y, r.pocket)) == errors.min()
    assert np.allclose(r.averaged.numpy(), held.mean(0)) and np.allclose(r.last.numpy(), held[-1])
    assert int(ns.training_errors(x, y, r.pocket)) <= int(ns.training_errors(x, y, r.last))


def test_training_errors_count_boundary_points_as_wrong_and_refuse_bad_input():
    assert int(ns.training_errors([[1.0, 0.0], [0.0, 1.0]], [1, 1], [1.0, 0.0])) == 1
    with pytest.raises(ValueError, match="w must end"):
        ns.training_errors([[1.0, 0.0]], [1], [1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="y must hold"):
        ns.perceptron_epochs([[1.0, 0.0]], [2], 3)
    with pytest.raises(ValueError, match="epochs"):
        ns.pocket_and_average([[1.0, 0.0]], [1], 0)


# --- threshold networks ---------------------------------------------------------------------------------

def test_xor_and_parity_networks_on_every_input():
    for n in range(1, 7):
        x = f64(list(itertools.product([0, 1], repeat=n)))
        out = tn.threshold_network(x, tn.parity_network(n))[:, 0]
        assert torch.equal(out, x.sum(1) % 2)
    x = f64(list(itertools.product([0, 1], repeat=2)))
    assert tn.threshold_network(x, tn.xor_network())[:, 0].tolist() == [0.0, 1.0, 1.0, 0.0]
    hidden = tn.threshold_network(x, tn.xor_network()[:1])
    assert hidden.tolist() == [[0, 0], [1, 0], [1, 0], [1, 1]]  # OR and AND


def test_no_single_threshold_unit_computes_parity_of_two_or_more_bits():
    for n in (2, 3, 4):
        x = np.array(list(itertools.product([0, 1], repeat=n)), float)
        y = np.where(x.sum(1) % 2 == 1, 1.0, -1.0)
        assert not _lp_separable(pc.augment(torch.from_numpy(x)), torch.from_numpy(y))


def test_threshold_network_refuses_bad_layers():
    with pytest.raises(ValueError, match="layers must be"):
        tn.threshold_network([[0.0, 1.0]], [])
    with pytest.raises(ValueError, match=r"layers\[0\] must have W"):
        tn.threshold_network([[0.0, 1.0]], [(f64([[1.0, 1.0, 1.0]]), f64([0.0]))])
    with pytest.raises(ValueError, match="n must be"):
        tn.parity_network(0)


# --- spurious states and basins ---------------------------------------------------------------------------

def test_mixture_overlaps_are_one_half_and_the_mixture_is_a_fixed_point_at_low_load():
    X = hop.random_patterns(3, 2000, trials=10, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    mix = sp.mixture_state(X)
    m = (mix.unsqueeze(-2) * X).mean(-1)  # (10, 3)
    assert abs(float(m.mean()) - 0.5) < 4 * (0.75 / (2000 * 30)) ** 0.5  # each bit: ±1 w.p. 3/4, 1/4
    theta = hop.hebbian_weights(X, normalize=False)
    assert torch.equal(hop.sync_step(theta, mix), mix)  # every bit stable
    e_pattern = hop.energy(theta / 2000, X[:, 0]) / 2000
    e_mix = hop.energy(theta / 2000, mix) / 2000
    assert float(e_pattern.mean()) == pytest.approx(-0.5, abs=0.01)
    assert float(e_mix.mean()) == pytest.approx(-3 / 8, abs=0.01)  # −½ Σ m² = −½ · 3/4


def test_every_end_point_is_a_fixed_point_and_is_classified_at_low_load():
    g = torch.Generator().manual_seed(1)
    X = hop.random_patterns(3, 100, generator=g, dtype=torch.float64)
    theta = hop.hebbian_weights(X, normalize=False)
    final, done = hop.run_async(theta, hop.sign(torch.randn(500, 100, generator=g, dtype=torch.float64)), generator=g)
    assert done.all() and torch.equal(hop.sync_step(theta, final), final)
    assert set(sp.classify_states(final, X)) <= {"pattern", "negative", "mixture"}


def test_recall_probability_is_one_without_noise_at_low_load_and_falls_with_noise():
    X = hop.random_patterns(10, 200, trials=10, generator=torch.Generator().manual_seed(2))
    p = sp.recall_probability(X, [0.0, 0.2, 0.4, 0.6], probes=3, generator=torch.Generator().manual_seed(3))
    assert float(p[0]) == 1.0 and float(p[-1]) == 0.0 and bool((p[1:] <= p[:-1]).all())
    with pytest.raises(ValueError, match="flip_fractions"):
        sp.recall_probability(X, [0.1, 1.5])
    with pytest.raises(ValueError, match="indices"):
        sp.mixture_state(X, (0, 1))


def test_network_layers_are_float64_and_a_unit_fires_at_exactly_zero():
    """xor_network and parity_network build float64 layers; 1[W h + b ≥ 0] fires on equality (1 − 1 = 0)."""
    for layers in (tn.xor_network(), tn.parity_network(1), tn.parity_network(4)):
        assert all(W.dtype == b.dtype == torch.float64 for W, b in layers)
    assert tn.threshold_network([[1.0]], [([[1.0]], [-1.0])]).tolist() == [[1.0]]
    assert tn.threshold_network([[1.0]], [([[1.0]], [-1.0 - 1e-9])]).tolist() == [[0.0]]


def test_threshold_network_takes_single_inputs_and_batches_and_follows_the_input_dtype():
    """A 1-D input is one example; a (2, 4, 2) batch equals its rows; list weights take the input's dtype."""
    x = torch.tensor([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    assert tn.threshold_network(x[1], tn.xor_network()).tolist() == [1.0]
    batch = torch.stack([x, x.flip(0)])
    xor = [0.0, 1.0, 1.0, 0.0]
    assert tn.threshold_network(batch, tn.xor_network())[..., 0].tolist() == [xor, xor]
    x32 = torch.tensor([[1.0]], dtype=torch.float32)
    out = tn.threshold_network(x32, [([[1.0]], [-1.0 - 1e-10])])  # the bias rounds to −1 in float32: fires
    assert out.dtype == torch.float32 and out.tolist() == [[1.0]]


def test_threshold_network_names_the_bad_layer():
    """Every refusal names layers[l], its W or b, and the input width h.shape[-1]."""
    good = (f64([[1.0, 1.0]]), f64([0.0]))
    cases = [
        ([good, (f64([[1.0]]), f64([0.0]), None)], r"layers\[1\] must be a pair \(W, b\)"),
        ([good, "Wb"], r"layers\[1\] must be a pair"),
        ([good, ([[float("nan")]], [0.0])], r"layers\[1\] W must not contain NaN"),
        ([good, ([[1.0]], [float("nan")])], r"layers\[1\] b must not contain NaN"),
        ([good, ([[float("inf")]], [0.0])], r"layers\[1\] W must be finite"),
        ([good, ([[1.0]], [float("-inf")])], r"layers\[1\] b must be finite"),
        ([good, ([[1.0, 1.0]], [0.0])],
         r"layers\[1\] must have W of shape \(m, 1\) and b of shape \(m,\), got \(1, 2\)"),
    ]
    for layers, message in cases:
        with pytest.raises(ValueError, match=message):
            tn.threshold_network([[0.0, 1.0]], layers)
    with pytest.raises(ValueError, match=r"W of shape \(m, 2\)"):
        tn.threshold_network(torch.zeros(4, 3, 2, dtype=torch.float64), [(f64([[1.0, 1.0, 1.0]]), f64([0.0]))])


# --- edges of the non-separable perceptron ---------------------------------------------------------------

def test_one_epoch_is_accepted_and_shapes_count_epochs():
    """epochs = 1 (the minimum) runs; E epochs give E+1 starts, E mistake counts and E+1 error counts."""
    x, y = f64([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]), f64([1.0, -1.0, 1.0])
    for epochs in (1, 3):
        run = ns.perceptron_epochs(x, y, epochs)
        assert run.weights.shape == (epochs + 1, 2) and run.mistakes.shape == (epochs,)
        assert run.errors.shape == (epochs + 1,)
    assert ns.pocket_and_average(x, y, 1).last.shape == (2,)
    with pytest.raises(ValueError, match="epochs must be at least 1"):
        ns.pocket_and_average(x, y, 0)


def test_without_a_repeat_the_run_reports_minus_one_and_period_zero():
    """One epoch from w = 0 ends at a non-zero w, so no start repeats: (repeat_at, period) = (−1, 0)."""
    run = ns.perceptron_epochs([[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0], 1)
    assert (run.repeat_at, run.period) == (-1, 0) and run.weights[1].tolist() == [1.0, 1.0]


def test_epoch_errors_agree_with_training_errors_of_each_start():
    """By hand: w goes 0 -> (0, −1) and stays; y x·w = (0, 1, −1, 1) there: 2 wrong (0 counts, 1 does not)."""
    x, y = f64([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [2.0, 1.0]]), f64([1.0, -1.0, 1.0, -1.0])
    run = ns.perceptron_epochs(x, y, 4)
    assert run.weights[-1].tolist() == [0.0, -1.0] and run.errors.tolist() == [4, 2, 2, 2, 2]
    assert torch.equal(run.errors, ns.training_errors(x, y, run.weights))


def test_results_follow_the_dtype_of_x():
    """float32 points give float32 weights (the float64 arithmetic is internal); counts stay integers."""
    x, y = torch.tensor([[0.0, 0, 1], [0, 1, 1], [1, 0, 1], [1, 1, 1]]), [-1.0, 1.0, 1.0, -1.0]
    run = ns.perceptron_epochs(x, y, 3)
    assert run.weights.dtype == torch.float32 and not run.errors.is_floating_point()
    assert all(t.dtype == torch.float32 for t in ns.pocket_and_average(x, y, 3))


def test_the_pocket_keeps_the_first_weights_with_the_fewest_errors():
    """x = (1, 1), y = (+1, −1): the run alternates w = 1 (1 error) and w = 0 (2 errors); the pocket is 1."""
    r = ns.pocket_and_average([[1.0], [1.0]], [1.0, -1.0], 2)
    assert r.pocket.tolist() == [1.0] and r.last.tolist() == [0.0] and r.averaged.tolist() == [0.5]


def test_training_errors_batches_and_follows_the_dtype_of_x():
    """A (2, n) batch of w gives two counts; a list w is read in x's dtype (1 + 1e-10 rounds to 1 in float32)."""
    x, y = [[1.0, 1.0], [1.0, 0.0]], [1.0, 1.0]
    assert ns.training_errors(x, y, [[1.0, 1.0], [-1.0, 0.5]]).tolist() == [0, 2]
    x32 = torch.tensor([[1.0, 1.0]], dtype=torch.float32)
    assert int(ns.training_errors(x32, [1.0], [1.0 + 1e-10, -1.0])) == 1  # 0 in float32: on the boundary
    assert int(ns.training_errors(f64([[1.0, 1.0]]), [1.0], [1.0 + 1e-10, -1.0])) == 0
    with pytest.raises(ValueError, match=r"y must have shape \(3,\), one label per point"):
        ns.training_errors(torch.zeros(3, 2), [1.0, 1.0], [1.0, 1.0])


# --- edges of the spurious-state tools --------------------------------------------------------------------

def test_with_fewer_than_three_patterns_nothing_is_a_mixture():
    """s = 2 has no 3-mixtures: a state that is neither pattern nor negative is "other"."""
    X = f64([[1.0, 1.0, 1.0, 1.0], [1.0, -1.0, 1.0, -1.0]])
    states = f64([[1.0, 1.0, 1.0, 1.0], [-1.0, 1.0, -1.0, 1.0], [1.0, 1.0, -1.0, -1.0]])
    assert sp.classify_states(states, X) == ["pattern", "negative", "other"]


def test_recall_probability_defaults_dtype_and_probe_range():
    """probes defaults to 1; probes = s is allowed, s + 1 and 0 refused; the result takes flip_fractions' dtype."""
    X = hop.random_patterns(2, 30, trials=3, generator=torch.Generator().manual_seed(5))
    g = lambda: torch.Generator().manual_seed(6)  # noqa: E731
    rho = torch.tensor([0.0, 0.1], dtype=torch.float32)
    p = sp.recall_probability(X[:, :1], rho, generator=g())  # s = 1: only probes = 1 is possible
    assert p.dtype == torch.float32 and torch.equal(p, sp.recall_probability(X[:, :1], rho, probes=1, generator=g()))
    assert sp.recall_probability(X, [0.0], probes=2, generator=g()).tolist() == [1.0]
    with pytest.raises(ValueError, match=r"probes must be between 1 and the number of patterns 2, got 3"):
        sp.recall_probability(X, [0.0], probes=3)
    with pytest.raises(ValueError, match=r"probes must be at least 1, got 0"):
        sp.recall_probability(X, [0.0], probes=0)


def test_recall_probability_draws_only_from_its_generator():
    """In the transition (ρ ≈ 0.3, α = 1/6) one seed gives one fraction whatever the global generator holds."""
    X = hop.random_patterns(10, 60, trials=6, generator=torch.Generator().manual_seed(2))
    runs = []
    for global_seed in (0, 1):
        torch.manual_seed(global_seed)
        runs.append(sp.recall_probability(X, [0.25, 0.35], probes=3, generator=torch.Generator().manual_seed(3)))
    other = sp.recall_probability(X, [0.25, 0.35], probes=3, generator=torch.Generator().manual_seed(4))
    assert torch.equal(runs[0], runs[1]) and not torch.equal(runs[0], other)
    assert 0 < float(runs[0][0]) < 1
