"""Unit tests of edl.robustness.attribution: gradients, missing information, CMI and exact Shapley values."""

import itertools
import math

import numpy as np
import pytest
import torch

from edl.robustness import attribution as ab

T = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731


def test_sensitivity_and_ceteris_paribus():
    assert ab.sensitivity(lambda x: x[:, 0] * x[:, 1] ** 2, T([[1.0, 2.0], [3.0, -1.0]])).tolist() == [[4.0, 4.0], [1.0, -6.0]]
    assert ab.ceteris_paribus(lambda x: x[:, 0] * x[:, 1], T([1.0, 2.0]), 1, T([0.0, 1.0, 3.0])).tolist() == [0.0, 1.0, 3.0]
    assert ab.ceteris_paribus(lambda x: x[:, 0] * x[:, 1], T([1.0, 2.0]), 0, T([-1.0])).tolist() == [-2.0]
    with pytest.raises(ValueError, match="j must index"):
        ab.ceteris_paribus(lambda x: x[:, 0], T([1.0, 2.0]), 2, T([0.0]))
    with pytest.raises(ValueError, match="f must return one value per row"):
        ab.sensitivity(lambda x: x, T([[1.0, 2.0]]))


def test_missing_information():
    S = T([[1.0, 0.5], [0.5, 1.0]])
    assert ab.missing_information(T([1.0, 1.0]), T([0.0, 0.0]), S, T([1.0, 0.0])).tolist() == [1.0, -0.5]
    assert ab.missing_information(T([2.0, -1.0]), T([1.0, 1.0]), T([[1.0, 0.0], [0.0, 4.0]]), T([2.0, 3.0])).tolist() == [2.0, -2.0]
    assert ab.missing_information(T([3.0]), T([1.0]), T([[2.0]]), T([2.0])).tolist() == [3.0]
    three = ab.missing_information(T([1.0, 1.0, 1.0]), T([0.0, 0.0, 0.0]), T([[1.0, 0.5, 0.0], [0.5, 1.0, 0.0], [0.0, 0.0, 1.0]]),
                                   T([1.0, 1.0, 1.0]))
    assert three.tolist() == pytest.approx([0.5, 0.5, 1.0], abs=1e-14)


def test_conditional_mutual_information():
    p = torch.zeros(2, 2, 2, dtype=torch.float64)
    p[0, 0, 0] = p[1, 0, 1] = p[0, 1, 0] = p[1, 1, 1] = 0.25
    assert float(ab.conditional_mutual_information(p, 0)) == pytest.approx(math.log(2), abs=1e-15)
    assert float(ab.conditional_mutual_information(p, 1)) == pytest.approx(0.0, abs=1e-15)
    xor = torch.zeros(2, 2, 2, dtype=torch.float64)
    for a, b in itertools.product((0, 1), repeat=2):
        xor[a, b, a ^ b] = 0.25
    assert float(ab.conditional_mutual_information(xor, 0)) == pytest.approx(math.log(2), abs=1e-15)   # only jointly informative
    with pytest.raises(ValueError, match="j must be 0 or 1"):
        ab.conditional_mutual_information(p, 2)


def test_coalitions_and_shapley_values():
    assert ab.coalitions(2).int().tolist() == [[0, 0], [1, 0], [0, 1], [1, 1]]
    assert ab.coalitions(3).shape == (8, 3) and ab.coalitions(3).sum().item() == 12
    with pytest.raises(ValueError, match="n must be at most 20"):
        ab.coalitions(21)
    assert ab.shapley_values(lambda S: (S[:, 0] & S[:, 1]).double(), 2).tolist() == [0.5, 0.5]
    glove = lambda S: torch.minimum(S[:, 0].double(), S[:, 1:].double().sum(1).clamp(max=1))  # noqa: E731  one left, two right
    assert ab.shapley_values(glove, 3).tolist() == pytest.approx([2 / 3, 1 / 6, 1 / 6], abs=1e-15)
    additive = lambda S: S.double() @ T([1.0, 2.0, 3.0, 4.0])  # noqa: E731
    assert ab.shapley_values(additive, 4).tolist() == [1.0, 2.0, 3.0, 4.0]
    single = lambda S: S.double()[:, 0] * 5 + 1  # noqa: E731
    assert ab.shapley_values(single, 1).tolist() == [5.0]
    with pytest.raises(ValueError, match="value must map"):
        ab.shapley_values(lambda S: S.double(), 2)


def test_shap_and_interventional_values():
    v = ab.interventional_value(lambda z: z.sum(-1), T([1.0, 2.0]), T([[0.0, 0.0], [2.0, 2.0]]))
    assert v(ab.coalitions(2)).tolist() == [2.0, 2.0, 3.0, 3.0]
    phi = ab.shap_values(lambda z: z @ T([1.0, -2.0]), T([1.0, 1.0]), T([[0.0, 0.0], [1.0, 3.0]]))
    assert phi.tolist() == [0.5, 1.0]
    prod = ab.shap_values(lambda z: z[..., 0] * z[..., 1], T([2.0, 3.0]), T([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]]))
    assert prod.tolist() == [3.0, 3.0]


def test_sage_values():
    f = lambda z: z @ T([1.0, 2.0])  # noqa: E731
    X = T([[1.0, 1.0], [-1.0, -1.0], [1.0, -1.0], [-1.0, 1.0]])
    assert ab.sage_values(f, X, f(X), X).tolist() == [1.0, 4.0]
    Y = f(X) + T([1.0, -1.0, 1.0, -1.0])
    phi = ab.sage_values(f, X, Y, X)
    assert float(phi.sum()) == pytest.approx(float(((Y - f(X).mean()) ** 2).mean() - ((Y - f(X)) ** 2).mean()), abs=1e-13)
    assert np.allclose(ab.sage_values(lambda z: 0 * z[..., 0], X, Y, X).numpy(), 0.0)
