"""Tests of edl.connectionism.perceptron and of the registered checks of chapter 1, part A (edl.connectionism.checks.perceptron)."""

import itertools

import pytest
import torch

from edl.connectionism import perceptron as pc
from edl.core.ledger import catalogue, errata_entries, formula_entries

PART_IDS = sorted(i for i in catalogue.formulas() if i.startswith(("mcp.", "perceptron.", "cover.")))
PART_ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id in PART_IDS)
NAN = float("nan")


def f64(x):
    return torch.tensor(x, dtype=torch.float64)


# --- registration, verdicts and errata -------------------------------------------------------------

def test_every_part_formula_has_a_check_in_the_chapter_notebook():
    assert len(PART_IDS) == 14
    entries = formula_entries()
    assert all(entries[i].notebook == "ch01_connectionism" for i in PART_IDS)
    assert PART_ERRATA == [f"ch01-03:E{k}" for k in range(1, 6)]
    assert set(PART_ERRATA) <= set(errata_entries())


# --- McCulloch–Pitts and NAND ------------------------------------------------------------------------

def test_mcp_neuron_matches_its_disjunctive_normal_form():
    sigma, theta = [1, -1, 1, 1], 1
    terms = pc.mcp_minterms(sigma, theta)
    for x in itertools.product([0, 1], repeat=4):
        ones = frozenset(i for i, b in enumerate(x) if b)
        assert int(pc.mcp_neuron(f64(x), sigma, theta)) == int(ones in terms)


def test_nand_gates_follow_python_booleans():
    for a, b in itertools.product([0, 1], repeat=2):
        assert int(pc.nand(a, b)) == int(not (a and b))
        assert int(pc.and_gate(a, b)) == (a & b) and int(pc.or_gate(a, b)) == (a | b)
    assert int(pc.nand(1, 1, 0)) == 1 and int(pc.nand(1, 1, 1)) == 0


# --- the linear unit ---------------------------------------------------------------------------------

def test_threshold_unit_equals_homogeneous_augmented_unit():
    g = torch.Generator().manual_seed(0)
    x, w, b = torch.randn(50, 3, generator=g, dtype=torch.float64), f64([0.5, -1.0, 2.0]), 0.3
    assert torch.equal(pc.threshold_unit(x, w, b), pc.threshold_unit(pc.augment(x), torch.cat([w, f64([b])])))


def test_signed_distance_and_foot_of_hyperplane():
    w, b = f64([3.0, 4.0]), 10.0
    x0 = pc.hyperplane_foot(w, b)
    assert torch.allclose(x0, f64([-1.2, -1.6])) and abs(float(w @ x0 + b)) < 1e-12
    assert float(pc.signed_distance(f64([[0.0, 0.0]]), w, b)) == pytest.approx(2.0)


def test_margin_batched_equals_per_set():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(4, 6, 3, generator=g, dtype=torch.float64)
    y = torch.sign(torch.randn(4, 6, generator=g, dtype=torch.float64))
    w = torch.randn(4, 3, generator=g, dtype=torch.float64)
    b = f64([0.1, -0.2, 0.0, 0.5])
    batched = pc.set_margin(x, y, w, b)
    loop = torch.stack([pc.set_margin(x[k], y[k], w[k], b[k]) for k in range(4)])
    assert torch.allclose(batched, loop, atol=1e-14)


def test_max_margin_on_a_symmetric_pair():
    w, b, gamma = pc.max_margin_classifier(f64([[1.0, 0.0], [-1.0, 0.0]]), f64([1.0, -1.0]))
    assert float(gamma) == pytest.approx(1.0, abs=1e-6) and abs(float(b)) < 1e-6


def test_max_margin_rejects_inseparable_data():
    with pytest.raises(ValueError, match="separable"):
        pc.max_margin_classifier(f64([[1.0, 0.0], [1.0, 0.0]]), f64([1.0, -1.0]))


# --- perceptron learning -----------------------------------------------------------------------------

def test_update_moves_from_zero_and_keeps_correct_points():
    assert pc.perceptron_update(f64([0.0, 0.0]), f64([1.0, 2.0]), 1.0).tolist() == [1.0, 2.0]
    assert pc.perceptron_update(f64([1.0, 0.0]), f64([1.0, 2.0]), 1.0).tolist() == [1.0, 0.0]


def test_update_is_the_negative_autograd_gradient_of_the_perceptron_loss():
    theta = f64([0.5, -1.0, 0.2]).requires_grad_(True)
    x, y = f64([1.0, 1.0, 0.0]), 1.0
    (grad,) = torch.autograd.grad(pc.perceptron_loss(theta, x, y), theta)
    assert torch.allclose(pc.perceptron_update(theta.detach(), x, y) - theta.detach(), -grad)


def test_batched_training_equals_the_point_by_point_loop():
    x, y, _ = pc.planted_margin_data(6, 40, 5, 0.2, generator=torch.Generator().manual_seed(3))
    run = pc.perceptron_train(x, y)
    assert bool(run.converged.all())
    for k in range(6):
        ws, used = pc.perceptron_trajectory(x[k], y[k])
        assert torch.allclose(run.w[k], ws[-1], atol=1e-12)
        assert int(run.mistakes[k]) == len(used)


def test_training_follows_dtype_and_respects_the_cap():
    x, y, _ = pc.planted_margin_data(3, 30, 4, 0.05, generator=torch.Generator().manual_seed(4), dtype=torch.float32)
    run = pc.perceptron_train(x, y, max_updates=2)
    assert run.w.dtype == torch.float32 and int(run.mistakes.max()) <= 2


def test_planted_data_have_the_margin_and_unit_separator():
    x, y, w = pc.planted_margin_data(5, 200, 3, 0.5, generator=torch.Generator().manual_seed(5))
    assert torch.allclose(w.norm(dim=1), torch.ones(5, dtype=torch.float64))
    gamma, R = pc.novikoff_quantities(x, y, w)
    assert bool((gamma > 0.5).all()) and bool((R >= gamma).all())


def test_novikoff_bound_holds_on_random_data_sets():
    x, y, w = pc.planted_margin_data(20, 100, 10, 0.1, generator=torch.Generator().manual_seed(7))
    gamma, R = pc.novikoff_quantities(x, y, w)
    run = pc.perceptron_train(x, y)
    assert bool((run.mistakes <= pc.novikoff_mistake_bound(gamma, R)).all())
    t = torch.arange(1, 10, dtype=torch.float64)
    assert torch.allclose(pc.novikoff_cosine_bound(t, 0.1, 2.0), t * 0.1 / pc.norm_growth_bound(t, 2.0))


# --- bad input ---------------------------------------------------------------------------------------

BAD_INPUTS = [
    (pc.mcp_neuron, ([0, 2],), {"sigma": [1, 1], "theta": 1}, "x"),
    (pc.mcp_neuron, ([0, 1],), {"sigma": [1, 0], "theta": 1}, "sigma"),
    (pc.mcp_neuron, ([0, 1],), {"sigma": [1, 1], "theta": 0.5}, "theta"),
    (pc.nand, (), {}, "inputs"),
    (pc.nand, (1, 3), {}, "inputs"),
    (pc.threshold_unit, ([[1.0, 2.0]], [1.0]), {}, "w"),
    (pc.threshold_unit, ([[NAN, 2.0]], [1.0, 1.0]), {}, "x"),
    (pc.signed_distance, ([[1.0, 2.0]], [0.0, 0.0]), {}, "w"),
    (pc.hyperplane_foot, ([0.0, 0.0], 1.0), {}, "w"),
    (pc.margin, ([[1.0, 2.0]], [0.5], [1.0, 1.0]), {}, "y"),
    (pc.margin, ([[1.0, 2.0]], [1.0, 1.0], [1.0, 1.0]), {}, "y"),
    (pc.perceptron_train, ([1.0, 2.0], [1.0]), {}, "x"),
    (pc.perceptron_train, ([[1.0, 2.0]], [1.0]), {"max_updates": -1}, "max_updates"),
    (pc.planted_margin_data, (2, 10, 3, 0.0), {}, "gamma"),
    (pc.planted_margin_data, (0, 10, 3, 0.1), {}, "batch"),
    (pc.novikoff_mistake_bound, (0.0, 1.0), {}, "gamma"),
    (pc.norm_growth_bound, (-1.0, 1.0), {}, "t"),
]


@pytest.mark.parametrize("fn, args, kwargs, name", BAD_INPUTS)
def test_bad_input_raises_value_error_naming_the_argument(fn, args, kwargs, name):
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        fn(*args, **kwargs)
