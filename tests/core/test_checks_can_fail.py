"""Checks that can fail: plausible wrong versions of formulas fail the sub-check meant to catch them.

Each case below is a sub-check that once passed by construction, compared the library with itself or retyped
the formula (see CONTRIBUTING.md, Checks). The wrong version is passed to the check as its keyword argument
(or patched into the library for the duration of the call) and must fail, with the failure text of the
sub-check that was rewritten to catch it. A static scan keeps vacuous fallbacks out of the check modules
(tests/core/test_ledger.py keeps the errata failing in the comparison, not on the library's input validation).
"""

import ast
import math
from pathlib import Path

import pytest
import torch

import edl

F64 = torch.float64


def _montufar_without_n(m, n, L):
    """⌊m/n⌋^(L−1) for ⌊m/n⌋^(n(L−1)): right for n = 1 only."""
    return (m // n) ** (L - 1) * sum(math.comb(m, j) for j in range(n + 1))


def _reverse_cost_n_times_m(N, M, g):
    return torch.tensor([N * g, N * M * g], dtype=F64)


def _cover_off_by_one(s, n):
    return 2 * sum(math.comb(s - 1, i) for i in range(n + 1))


def _hoeffding_n(n, t, ranges=None):
    return torch.exp(-n * torch.as_tensor(t, dtype=F64) ** 2)


def _holder_same_exponent(v, u, p):
    return torch.linalg.vector_norm(v, ord=float(p), dim=-1) * torch.linalg.vector_norm(u, ord=float(p), dim=-1)


def _bits_r_log_n(s, n, r):
    return s * r * math.log2(n) / n**2


def _vdm_mean_alpha(xs, x0, alphas):
    """The VDM kernel with mean α_t x_{t−1} for √α_t x_{t−1}."""
    x, a = torch.as_tensor(xs, dtype=F64), torch.as_tensor(alphas, dtype=F64)
    prev = torch.cat([torch.as_tensor(x0, dtype=F64).unsqueeze(0), x[:-1]])
    var = (1 - a).reshape(-1, 1)
    return (-0.5 * ((x - a.reshape(-1, 1) * prev) ** 2 / var + torch.log(2 * math.pi * var))).sum()


def _never_updates(theta, x, y, lr=1.0):
    return theta.clone()


# (module of the check, check function, keyword arguments, text the failing sub-check prints)
WRONG = {
    "relu.montufar, ⌊m/n⌋^(L−1)": ("edl.feedforward.checks.relu_regions", "check_montufar",
                                  {"bound": _montufar_without_n}, "bound(4, 2, L = 1, 2) = 11, 22"),
    "autodiff cost, reverse ∝ NM": ("edl.optimization.checks.backprop", "check_forward_reverse_cost",
                                    {"cost": _reverse_cost_n_times_m}, "not constant over (N, M)"),
    "Cover, Σ_{i≤n} binom(s−1, i)": ("edl.connectionism.checks.perceptron", "check_function_counting",
                                    {"count": _cover_off_by_one}, "differs from Cover's induction"),
    "Hoeffding, e^(−nt²)": ("edl.probability.checks.basics", "check_hoeffding", {"bound": _hoeffding_n},
                            "Chernoff rate"),
    "Hölder, q = p": ("edl.probability.checks.basics", "check_holder", {"bound": _holder_same_exponent},
                      "equality cases"),
    "Willshaw bits, s·r·log₂n/n²": ("edl.connectionism.checks.hopfield", "check_willshaw_capacity",
                                    {"bits": _bits_r_log_n}, "exact count of 500 patterns"),
    "VDM, mean α_t x": ("edl.diffusion.checks.forward", "check_vdm", {"log_q": _vdm_mean_alpha},
                        "Var x_t = 1 for t = 1..6"),
    "perceptron rule that never updates": ("edl.connectionism.checks.perceptron", "check_update_rule",
                                           {"update": _never_updates}, "the rule made no update"),
}


@pytest.mark.parametrize("case", sorted(WRONG))
def test_a_wrong_version_fails_the_rewritten_sub_check(case):
    import importlib

    module, name, kwargs, failure = WRONG[case]
    result = getattr(importlib.import_module(module), name)(**kwargs)
    assert not result.passed, f"{case}: the check passes the wrong version: {result.detail}"
    assert failure in result.detail, f"{case}: fails, but not where expected: {result.detail}"


def test_lms_sgd_with_half_the_step_fails_against_torch_sgd(monkeypatch):
    from edl.feedforward import linear
    from edl.feedforward.checks import linear as checks

    right = linear.lms_sgd
    monkeypatch.setattr(linear, "lms_sgd", lambda X, y, *, eta, **kw: right(X, y, eta=eta / 2, **kw))
    result = checks.check_lms_sgd()
    assert not result.passed and "torch SGD" in result.detail.split("differ")[0], result.detail


def test_the_rank_of_a_deep_linear_map_is_pinned_at_its_bound():
    from edl.feedforward.checks import layers

    def collapse_plus_rank_one(weights, biases):  # the right map plus a small rank-1 term: rank min m_l + 1
        W, b = edl.feedforward.layers.collapse_linear(weights, biases)
        return W + 1e-3 * torch.ones_like(W), b

    result = layers.check_linear_collapse(collapse=collapse_plus_rank_one)
    assert not result.passed and "(rank of the map, rank W̃, min m_l)" in result.detail, result.detail


def _check_modules() -> list[Path]:
    root = Path(edl.__file__).parent
    return sorted(p for part in edl.PARTS for p in (root / part / "checks").glob("*.py"))


def test_no_vacuous_fallback_in_the_checks():
    """``values or [0.0]`` passes an inequality on an empty list of cases; a sub-check must fail when there is nothing to test."""
    found = []
    for path in _check_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and \
                    isinstance(node.values[-1], (ast.List, ast.Tuple)) and node.values[-1].elts:
                found.append(f"{path.parent.parent.name}/checks/{path.name}:{node.lineno}")
    assert not found, f"vacuous fallbacks (`... or [value]`): {found}"
