"""Valid calls for the bad-input sweep (``tests/core/bad_input.py``), keyed by qualified name.

Every public function and class of a formula module needs one entry: a dict from parameter names to
valid values. Parameters left out take their default (a parameter whose default is None must be given
a value, so that it is swept). Plain values get a kind from their type; wrap a value in ``a(...)`` to
declare what the sweep cannot guess:

- ``a(value, kind)``: the kind decides the bad values generated (``KINDS`` in ``bad_input.py``).
  A number or array whose entries are all positive is taken to be ``"positive"`` (zero and a negative
  entry are bad); declare ``"real"`` for an unconstrained one, ``"nonneg"``, ``"prob"`` (in [0, 1]),
  ``"sign"`` (±1), ``"binary"`` (0/1), ``"count"`` (whole, >= 0). A Python int >= 1 is a ``"size"``
  (zero is bad); declare ``"int"`` where zero is fine. Lists of tensors are ``"arrays"``; declare
  ``"sizes"`` for a list of sizes, ``"params"`` for optimizer parameters.
- ``ok="case case"``: generated cases that are valid for this argument (``inf`` for a bound that may be
  infinite, ``ndim+1`` for an argument that broadcasts over a batch, ...). Keep this honest: a case
  listed here is never called.
- ``a(value, name=bad_value)``: extra bad values for constraints the generic cases miss (an index out
  of range, a step at the stability limit, ...); underscores in the name become spaces.

Keep the calls small and fast: the sweep makes a few thousand of them.
"""

import math

import numpy as np
import torch

from tests.core.bad_input import G, P, a

T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
T32 = lambda values: torch.tensor(values, dtype=torch.float32)  # noqa: E731
B = "ndim+1"  # broadcasts over a leading/trailing batch axis


def square(x):
    return x**2


def double(x):
    return 2 * x


def sum_sq(z):
    return (z**2).sum(-1)


def neg_sum_sq(z):
    return -(z**2).sum(-1)


def neg_double(z):
    return -2 * z


def identity_grad(z):
    return z


def xy_map(x):
    return torch.stack([x[0] * x[1], x[0] + x[1] ** 2])


def sign_gradient(x, k):
    return torch.sign(x) + 1.0


_ID2 = [[1.0, 0.0], [0.0, 1.0]]
_X32 = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.5]]
_W = [T([[0.5, -0.2, 0.1], [0.3, 0.4, -0.5]]), T([[1.0, -1.0], [0.5, 0.25]])]
_B = [T([0.1, -0.1]), T([0.0, 0.2])]
_PATTERNS = [[1.0, -1.0, 1.0, -1.0, 1.0], [1.0, 1.0, -1.0, -1.0, 1.0], [-1.0, 1.0, 1.0, 1.0, -1.0]]

FIXTURES: dict[str, dict] = {
    # --- probability.basics -------------------------------------------------------------------------
    "edl.probability.basics.variance": dict(x=a([1.0, 2.0, 4.0, 7.0], "real", ok=B)),
    "edl.probability.basics.covariance": dict(
        x=a([[1.0, 0.0], [2.0, 1.0], [4.0, 5.0]], "real", ok="ndim-1 mismatch-last"),
        y=a([[1.0, 0.5], [2.0, 1.0], [4.0, 5.0]], "real", ok="ndim-1 mismatch-last")),
    "edl.probability.basics.covariance_bilinear": dict(
        a=a(1.0, "real"), b=a(-2.0, "real"), c=a(0.5, "real"), d=a(3.0, "real"), cov=a([[1.0, 2.0], [3.0, 4.0]], "real")),
    "edl.probability.basics.integrate_by_parts": dict(f=double, g=torch.exp, a=a(0.0, "real"), b=a(1.0, "real"), num_nodes=8),
    "edl.probability.basics.geometric_sum": dict(a=a(2.0, "real", ok=B), r=a(0.5, "real", ok=B), n=a(3, "int")),
    "edl.probability.basics.log1p_series": dict(x=a(0.001, "real", ok=B, minus_one=-1.0, above_one=1.5), order=2),
    "edl.probability.basics.square_of_sum": dict(a=a([1.0, 2.0, 3.0], "real", ok=B)),
    "edl.probability.basics.leibniz_det": dict(A=a([[1.0, 2.0], [3.0, 4.0]], "real", nine_by_nine=torch.eye(9))),
    "edl.probability.basics.hoeffding_bound": dict(
        n=3, t=a(0.1, "nonneg", ok=B), ranges=a([1.0, 1.0, 2.0], mismatch=[1.0, 1.0, 2.0, 1.0])),
    "edl.probability.basics.union_bound": dict(probs=a([0.5, 0.25], "prob", ok=B)),
    "edl.probability.basics.cauchy_schwarz_bound": dict(v_=a([3.0, 4.0], "real"), u=a([6.0, 8.0], "real")),
    "edl.probability.basics.conjugate_exponent": dict(p=a(3.0, ok="inf", below_one=0.5)),
    "edl.probability.basics.holder_bound": dict(
        v_=a([1.0, -2.0], "real"), u=a([3.0, 1.0], "real"), p=a(1.5, ok="inf", below_one=0.5)),
    "edl.probability.basics.jensen_gap": dict(phi=square, x=a([0.0, 2.0], "real"),
                                              weights=a([0.25, 0.75], "prob", sum_not_one=[0.5, 0.6])),
    "edl.probability.basics.markov_bound": dict(mean=a(1.0, "nonneg", ok=B), a=a(4.0, ok=B)),
    "edl.probability.basics.normal_pdf": dict(x=a(0.3, "real", ok="inf -inf " + B), mu=a(0.0, "real", ok=B), sigma2=a(1.0, ok=B)),
    "edl.probability.basics.mvn_pdf": dict(x=a([0.3, -1.0], "real"), mu=a([0.0, 0.5], "real"), Sigma=a(_ID2, "positive")),
    "edl.probability.basics.gaussian_mgf": dict(t=a([1.0, 0.5], "real"), mu=a([0.0, 0.5], "real"), Sigma=a(_ID2, "positive")),
    "edl.probability.basics.exponential_pdf": dict(x=a([-1.0, 0.5], "real", ok="inf -inf ndim-1 " + B), lam=a(2.0, ok=B)),
    "edl.probability.basics.bernoulli_pmf": dict(x=a([0.0, 1.0], "binary", ok="ndim-1 " + B), p=a(0.25, "prob", ok=B)),
    "edl.probability.basics.binomial_pmf": dict(x=a(2, "count", ok=B, above_n=5), n=4, p=a(0.5, "prob", ok=B)),
    "edl.probability.basics.poisson_pmf": dict(x=a(2, "count", ok=B), lam=a(3.0, ok=B)),
    # --- probability.information --------------------------------------------------------------------
    "edl.probability.information.entropy": dict(p=a([0.5, 0.5], "prob", ok=B)),
    "edl.probability.information.cross_entropy": dict(p=a([0.5, 0.5], "prob"), q=a([0.25, 0.75], "prob")),
    "edl.probability.information.kl_divergence": dict(q=a([0.5, 0.5], "prob"), p=a([0.25, 0.75], "prob")),
    "edl.probability.information.total_variation": dict(q=a([0.6, 0.4], "prob"), p=a([0.5, 0.5], "prob")),
    "edl.probability.information.pinsker_bound": dict(kl=a(0.02, "nonneg", ok="inf " + B)),
    "edl.probability.information.js_divergence": dict(p=a([1.0, 0.0], "prob"), q=a([0.5, 0.5], "prob")),
    "edl.probability.information.gaussian_kl": dict(
        mu0=a(1.0, "real", ok=B), sigma2_0=a(2.0, ok=B), mu1=a(0.0, "real", ok=B), sigma2_1=a(1.0, ok=B)),
    "edl.probability.information.mvn_kl": dict(
        mu0=a([1.0, 0.0], "real"), Sigma0=a([[2.0, 0.0], [0.0, 1.0]], "positive"),
        mu1=a([0.0, 0.0], "real"), Sigma1=a([[3.0, 0.0], [0.0, 1.0]], "positive")),
    "edl.probability.information.gaussian_fit_kl": dict(
        log_p=a([-4.9, -2.9, -1.4, -0.9, -1.4, -2.9, -4.9], "real", ok="-inf"),
        x=a([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0], "real", decreasing=[3.0, 2.0, 1.0, 0.0, -1.0, -2.0, -3.0]),
        mu=a(0.0, "real"), sigma2=1.0, reverse=True),
    "edl.probability.information.log_partition": dict(log_psi=a([0.0, 1.0, 2.0], "real", ok="-inf " + B)),
    "edl.probability.information.gibbs_free_energy": dict(
        q=a([0.2, 0.3, 0.5], "prob"), log_psi=a([0.0, 1.0, 2.0], "real", ok="-inf")),
    # --- connectionism.cover ------------------------------------------------------------------------
    "edl.connectionism.cover.cover_count": dict(s=3, n=2),
    "edl.connectionism.cover.cover_count_table": dict(s_max=5, n_max=3),
    "edl.connectionism.cover.separability_probability": dict(
        s=a([10, 20, 30], ok="ndim+1 ndim-1", half=[10.5, 20, 30]), n=a(10, ok=B)),
    "edl.connectionism.cover.separable_lp": dict(
        x=a([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], "real", ok="mismatch-last"), y=a([1.0, 1.0, -1.0], "sign"), affine=True),
    "edl.connectionism.cover.linearly_separable": dict(
        x=a([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]], "real", ok="mismatch-last"), y=a([1.0, 1.0, -1.0], "sign"), affine=True),
    "edl.connectionism.cover.separable_dichotomies": dict(x=a([[1.0, 0.5], [-0.3, 1.0], [0.2, -1.0]], "real"), affine=True),
    "edl.connectionism.cover.random_separability": dict(
        s_values=a([3, 6], "sizes"), n=2, trials=4, generator=G(0), dtype=torch.float64),
    "edl.connectionism.cover.lift_features": dict(x=a([[1.0, 1.0], [1.0, -1.0]], "real", ok="ndim-1")),
    # --- connectionism.willshaw ---------------------------------------------------------------------
    "edl.connectionism.willshaw.sparse_patterns": dict(
        s=4, n=10, r=a(3, "int", above_n=11), trials=2, generator=G(0), dtype=torch.float32, device=a("cpu", "device")),
    "edl.connectionism.willshaw.memory_matrix": dict(
        x=a([[1.0, 1.0, 0.0], [0.0, 1.0, 1.0]], "binary", ok="mismatch-last"),
        y=a([[1.0, 0.0], [1.0, 0.0]], "binary", ok="mismatch-last")),
    "edl.connectionism.willshaw.fill_probability": dict(s=a(709, "nonneg", ok=B), n=a(256.0), r=a(8.0, "nonneg", above_n=300.0)),
    "edl.connectionism.willshaw.retrieve": dict(
        theta=a([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]], "binary", ok="mismatch-first"),
        x=a([[1.0, 1.0, 0.0]], "binary", ok="mismatch-first"), r=a(2, "int")),
    "edl.connectionism.willshaw.spurious_estimate": dict(n=a(10.0), r=a(2.0, "nonneg", above_n=11.0), fill=a(0.5, "prob", ok=B)),
    "edl.connectionism.willshaw.half_fill_load": dict(n=a(256.0), r=a(8.0, above_n=300.0)),
    "edl.connectionism.willshaw.bits_per_synapse": dict(s=a(500.0, "nonneg", ok=B), n=256, r=a(8, "int", above_n=300)),
    # --- connectionism.hopfield ---------------------------------------------------------------------
    "edl.connectionism.hopfield.sign": dict(h=a([-1.5, 0.0, 2.0], "real", ok="inf -inf ndim-1 " + B)),
    "edl.connectionism.hopfield.random_patterns": dict(
        s=3, n=5, trials=2, generator=G(0), dtype=torch.float32, device=a("cpu", "device")),
    "edl.connectionism.hopfield.local_field": dict(
        W=a([[0.0, 2.0], [2.0, 0.0]], "real"), x=a([1.0, -1.0], "sign"), b=a([0.5, 0.0], "real", ok="ndim-1")),
    "edl.connectionism.hopfield.energy": dict(
        W=a([[0.0, 1.0], [1.0, 0.0]], "real"), x=a([1.0, -1.0], "sign"), b=a([0.3, -1.0], "real", ok="ndim-1")),
    "edl.connectionism.hopfield.update_unit": dict(
        W=a([[0.0, 1.0], [1.0, 0.0]], "real"), x=a([1.0, -1.0], "sign"), i=a(0, "int", out_of_range=2),
        b=a([0.3, -1.0], "real", ok="ndim-1")),
    "edl.connectionism.hopfield.sync_step": dict(
        W=a([[0.0, 1.0], [1.0, 0.0]], "real"), x=a([1.0, -1.0], "sign"), b=a([0.3, -1.0], "real", ok="ndim-1")),
    "edl.connectionism.hopfield.run_async": dict(
        W=a([[0.0, 1.0], [1.0, 0.0]], "real"), x=a([[1.0, -1.0]], "sign", ok="mismatch-first"),
        b=a([0.0, 0.0], "real", ok="ndim-1"), max_sweeps=5, generator=G(0),
        orders=a([[0, 1], [1, 0]], "count", ok="mismatch-first", not_a_permutation=[[0, 0], [1, 0]])),
    "edl.connectionism.hopfield.run_sync": dict(
        W=a([[0.0, 1.0], [1.0, 0.0]], "real"), x=a([[1.0, -1.0]], "sign", ok="mismatch-first"),
        b=a([0.0, 0.0], "real", ok="ndim-1"), max_steps=5),
    "edl.connectionism.hopfield.overlap": dict(x=a([1.0, 1.0, -1.0, 1.0], "sign"), xi=a([1.0, 1.0, 1.0, 1.0], "sign")),
    "edl.connectionism.hopfield.hebbian_weights": dict(patterns=a(_PATTERNS, "sign", ok=B), normalize=False),
    "edl.connectionism.hopfield.aligned_fields": dict(patterns=a(_PATTERNS, "sign", ok=B)),
    "edl.connectionism.hopfield.unstable_fraction": dict(patterns=a(_PATTERNS, "sign", ok=B)),
    "edl.connectionism.hopfield.unstable_probability": dict(alpha=a(0.138, ok=B)),
    "edl.connectionism.hopfield.load": dict(s=a(138.0, "nonneg"), n=a(1000.0)),
    "edl.connectionism.hopfield.pattern_stable": dict(patterns=a(_PATTERNS, "sign", ok=B), index=a(0, "int", out_of_range=3)),
    "edl.connectionism.hopfield.perfect_recall_threshold": dict(n=a(1000.0, one=1.0), all_patterns=True),
    "edl.connectionism.hopfield.perfect_recall_probability": dict(s=a(72.0, ok=B), n=a(1000.0)),
    "edl.connectionism.hopfield.corrupt": dict(
        x=a([[1.0, 1.0, 1.0, -1.0], [1.0, -1.0, 1.0, 1.0]], "sign", ok="ndim-1 " + B),
        flip_fraction=a(0.5, "prob"), generator=G(0)),
    "edl.connectionism.hopfield.retrieve_async": dict(
        patterns=a([_PATTERNS, _PATTERNS], "sign"), probes=a(2, above_s=4), flip_fraction=a(0.2, "prob"),
        max_sweeps=5, generator=G(0)),
    "edl.connectionism.hopfield.hebbian_fields": dict(patterns=a([_PATTERNS], "sign"), x=a([_PATTERNS[:1]], "sign")),
    "edl.connectionism.hopfield.retrieve_sync": dict(
        patterns=a([_PATTERNS, _PATTERNS], "sign"), probes=a(2, above_s=4), flip_fraction=a(0.2, "prob"),
        max_steps=5, generator=G(0)),
    "edl.connectionism.hopfield.perceptron_weights": dict(patterns=a(_PATTERNS, "sign"), margin=a(1.0, "real"), max_epochs=20),
    "edl.connectionism.hopfield.stable_unit_probability": dict(s=38, n=a(20, one=1)),
    # --- connectionism.perceptron -------------------------------------------------------------------
    "edl.connectionism.perceptron.mcp_neuron": dict(
        x=a(torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]]), "binary", ok="mismatch-first"), sigma=a([1, -1], "sign"),
        theta=a(1, "int", ok="negative")),
    "edl.connectionism.perceptron.mcp_minterms": dict(sigma=a([1, 1, -1], "sign"), theta=a(1, "int", ok="negative")),
    "edl.connectionism.perceptron.nand": dict(inputs=a([0.0, 1.0], "binary", ok="ndim+1 ndim-1")),
    "edl.connectionism.perceptron.not_gate": dict(x=a([0.0, 1.0], "binary", ok="ndim+1 ndim-1")),
    "edl.connectionism.perceptron.and_gate": dict(
        a=a([0.0, 0.0, 1.0, 1.0], "binary", ok="ndim+1 ndim-1"), b=a([0.0, 1.0, 0.0, 1.0], "binary", ok="ndim+1 ndim-1")),
    "edl.connectionism.perceptron.or_gate": dict(
        a=a([0.0, 0.0, 1.0, 1.0], "binary", ok="ndim+1 ndim-1"), b=a([0.0, 1.0, 0.0, 1.0], "binary", ok="ndim+1 ndim-1")),
    "edl.connectionism.perceptron.b_type_link": dict(
        c=a([0.0, 1.0], "binary", ok="ndim+1 ndim-1"), x=a([1.0, 1.0], "binary", ok="ndim+1 ndim-1")),
    "edl.connectionism.perceptron.augment": dict(x=a([[2.0, 3.0]], "real", ok="ndim+1 ndim-1")),
    "edl.connectionism.perceptron.threshold_unit": dict(
        x=a([[1.0, 2.0], [-3.0, 0.0]], "real", ok="ndim-1 mismatch-first"), w=a([1.0, -1.0], "real"), b=a(0.5, "real", ok=B)),
    "edl.connectionism.perceptron.signed_distance": dict(
        x=a([[3.0, 4.0]], "real", ok="ndim-1 mismatch-first"), w=a([3.0, 4.0], "real", zero_vector=[0.0, 0.0]),
        b=a(-5.0, "real", ok=B)),
    "edl.connectionism.perceptron.hyperplane_foot": dict(w=a([0.0, 2.0], "real", ok=B), b=a(-4.0, "real", ok=B)),
    "edl.connectionism.perceptron.margin": dict(
        x=a([[1.0, 0.0], [0.0, 1.0]], "real"), y=a([1.0, -1.0], "sign"), w=a([1.0, 1.0], "real"), b=a(0.5, "real", ok=B)),
    "edl.connectionism.perceptron.set_margin": dict(
        x=a([[1.0, 0.0], [0.0, 1.0]], "real"), y=a([1.0, -1.0], "sign"), w=a([1.0, 1.0], "real"), b=a(0.5, "real", ok=B)),
    "edl.connectionism.perceptron.max_margin_classifier": dict(
        x=a([[1.0, 1.0], [2.0, 0.0], [-1.0, -1.0]], "real", ok="mismatch-last"), y=a([1.0, 1.0, -1.0], "sign")),
    "edl.connectionism.perceptron.perceptron_loss": dict(theta=a([1.0, -1.0], "real"), x=a([2.0, 3.0], "real"), y=a(1.0, "sign")),
    "edl.connectionism.perceptron.perceptron_update": dict(w=a([0.0, 0.0], "real", ok=B), x=a([1.0, 2.0], "real"), y=a(-1.0, "sign")),
    "edl.connectionism.perceptron.PerceptronRun": dict(
        w=a(T([0.5, 1.2]), "real"), mistakes=a(torch.tensor(2), "count"), converged=a(torch.tensor(True), "opaque")),
    "edl.connectionism.perceptron.perceptron_train": dict(
        x=a([[1.0, 0.2], [-0.5, 1.0], [-1.0, -0.3]], "real"), y=a([1.0, 1.0, -1.0], "sign"), w0=a([0.0, 0.0], "real"),
        max_updates=a(100, "int")),
    "edl.connectionism.perceptron.perceptron_trajectory": dict(
        x=a([[1.0, 0.2], [-0.5, 1.0], [-1.0, -0.3]], "real", ok="mismatch-last"), y=a([1.0, 1.0, -1.0], "sign"), max_epochs=20),
    "edl.connectionism.perceptron.planted_margin_data": dict(
        batch=2, s=5, n=3, gamma=0.2, generator=G(0), dtype=torch.float64),
    "edl.connectionism.perceptron.novikoff_quantities": dict(
        x=a([[3.0, 4.0], [-1.0, 0.0]], "real"), y=a([1.0, -1.0], "sign"), w_star=a([1.0, 0.0], "real", zero_vector=[0.0, 0.0])),
    "edl.connectionism.perceptron.norm_growth_bound": dict(t=a(16.0, "nonneg", ok=B), R=a(2.0, "nonneg", ok=B)),
    "edl.connectionism.perceptron.novikoff_cosine_bound": dict(t=a(25.0, "nonneg", ok=B), gamma=a(0.1, ok=B), R=a(1.0, ok=B)),
    "edl.connectionism.perceptron.novikoff_mistake_bound": dict(gamma=a(0.1, ok=B), R=a(1.0, "nonneg", ok=B)),
    # --- feedforward.approximation ------------------------------------------------------------------
    "edl.feedforward.approximation.ridge_function": dict(
        x=a([[1.0, 2.0], [3.0, -1.0]], "real", ok="ndim-1 mismatch-first"), theta=a([0.5, -0.25], "real"), phi=torch.tanh),
    "edl.feedforward.approximation.ridge_gradient_norm": dict(
        x=a([[1.0, 2.0], [3.0, -1.0]], "real", ok="ndim-1 mismatch-first"), theta=a([3.0, 4.0], "real")),
    "edl.feedforward.approximation.bernstein_polynomial": dict(f=square, m=4, x=a([0.0, 0.25, 1.0], "prob", ok="ndim-1 " + B)),
    "edl.feedforward.approximation.chebyshev_interpolant": dict(
        f=square, degree=a(3, "int"), x=a([-1.0, 0.2, 1.0], "real", ok="ndim-1 " + B, below=-1.5, above=1.5)),
    "edl.feedforward.approximation.sup_error": dict(f_values=a([0.0, 1.0], "real"), g_values=a([0.5, 0.75], "real")),
    "edl.feedforward.approximation.random_features": dict(
        x=a([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]], "real"), m=3, activation="tanh", weight_scale=5.0,
        bias_range=a(5.0, "nonneg"), generator=G(0)),
    "edl.feedforward.approximation.least_squares_readout": dict(
        features=a([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "real", ok="mismatch-last"), y=a([1.0, 2.0, 3.0], "real")),
    "edl.feedforward.approximation.random_feature_fit": dict(
        x=a([[-1.0], [-0.5], [0.0], [0.5], [1.0]], "real"), y=a([1.0, 0.25, 0.0, 0.25, 1.0], "real"), m=3,
        activation="tanh", x_test=a([[0.1], [0.2]], "real", ok="mismatch-first"), weight_scale=5.0,
        bias_range=a(5.0, "nonneg"), generator=G(0)),
    "edl.feedforward.approximation.polynomial_span_rank": dict(
        x=a([[0.1, 0.2], [0.3, -0.4], [0.5, 0.6], [-0.7, 0.8]], "real"), m=3, degree=2, generator=G(0)),
    "edl.feedforward.approximation.barron_network": dict(
        x=a([[1.0, 2.0]], "real", ok="ndim-1 mismatch-first"), beta=a([1.0, 1.0], "real"),
        theta=a([[1.0, 0.0], [0.0, 1.0]], "real"), b=a([-1.0, -1.0], "real"), b0=a(0.5, "real"), sigma=torch.relu),
    "edl.feedforward.approximation.barron_constant": dict(
        fhat_abs=a([0.5, 0.25, 0.125], "nonneg"), omega=a([[0.0], [1.0], [2.0]], "real", ok="mismatch-last"), weights=a([1.0, 1.0, 1.0], "nonneg")),
    "edl.feedforward.approximation.barron_constant_gaussian": dict(d=1),
    "edl.feedforward.approximation.barron_bound": dict(m=100, C_f=a(0.5, "nonneg"), r=2.0),
    "edl.feedforward.approximation.fourier_of_gradient": dict(
        omega=a([[2.0]], "real", ok="mismatch-last"), ghat=a(torch.tensor([1.0 + 0.5j], dtype=torch.complex128), "real")),
    "edl.feedforward.approximation.maurey_cosine_mse": dict(
        x=a([[0.0, 0.0], [0.5, 0.5], [1.0, 0.0]], "real"), m=5, repeats=2, generator=G(0)),
    "edl.feedforward.approximation.maurey_variance": dict(x=a([[0.0, 1.0, 0.5]], "real", ok="ndim-1 " + B)),
    "edl.feedforward.approximation.fitted_slope": dict(m=a([10.0, 100.0, 1000.0]), err=a([0.3, 0.03, 0.003])),
    "edl.feedforward.approximation.tent_map_power": dict(x=a([0.25, 0.5, 0.75], "real", ok="ndim-1 " + B), L=a(2, "int")),
    # --- feedforward.layers -------------------------------------------------------------------------
    "edl.feedforward.layers.dense_layer": dict(
        x=a([1.0, -2.0], "real"), W=a([[1.0, 1.0], [2.0, 0.0]], "real"), b=a([0.5, -3.0], "real"), phi="relu"),
    "edl.feedforward.layers.feedforward": dict(
        x=a([1.0, -1.0], "real"), weights=[T(_ID2), T([[2.0, 0.0], [0.0, 2.0]])], biases=[T([0.0, 1.0]), T([1.0, 0.0])],
        phi="relu", last="identity"),
    "edl.feedforward.layers.parameter_count": dict(widths=a([4, 3, 2], "sizes")),
    "edl.feedforward.layers.collapse_linear": dict(
        weights=[T(_ID2), T([[2.0, 0.0], [1.0, 2.0]])], biases=[T([1.0, 0.0]), T([0.0, 1.0])]),
    "edl.feedforward.layers.residual_layer": dict(
        x=a([1.0, 2.0], "real"), W=a([[0.0, 1.0], [1.0, 0.0]], "real"), b=a([0.5, 0.0], "real"), phi="sigmoid"),
    "edl.feedforward.layers.residual_jacobian": dict(
        x=a([0.0, 1.0], "real"), W=a([[1.0, 2.0], [3.0, 4.0]], "real"), b=a([0.5, 0.0], "real"), phi="tanh"),
    "edl.feedforward.layers.path_expansion": dict(jacobians=a([[[1.0, 0.5], [0.0, 1.0]], [[2.0, 0.0], [1.0, 1.0]]], "real")),
    # --- feedforward.linear -------------------------------------------------------------------------
    "edl.feedforward.linear.least_squares_risk": dict(X=a(_X32, "real"), y=a([1.0, 0.0, 2.0], "real"), w=a([0.3, -0.7], "real")),
    "edl.feedforward.linear.least_squares_gradient": dict(
        X=a(_X32, "real"), y=a([1.0, 0.0, 2.0], "real"), w=a([0.3, -0.7], "real")),
    "edl.feedforward.linear.least_squares_hessian": dict(X=a([[1.0, 0.0], [1.0, 2.0]], "real")),
    "edl.feedforward.linear.pseudo_inverse": dict(X=a([[1.0, 2.0], [2.0, 4.0], [0.0, 1.0]], "real"), rtol=a(1e-10, "nonneg")),
    "edl.feedforward.linear.min_norm_solution": dict(X=a([[1.0, 1.0], [0.0, 1.0]], "real", ok="mismatch-last"), y=a([2.0, 1.0], "real")),
    "edl.feedforward.linear.ridge_pseudo_inverse": dict(
        X=a([[2.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "real"), delta=a(0.1, ok=B), rtol=a(1e-10, "nonneg")),
    "edl.feedforward.linear.ridge_solution": dict(
        X=a([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], "real", ok="mismatch-last"), y=a([1.0, 2.0, 0.5], "real"), lam=a(0.7, ok=B),
        reduction="sum"),
    "edl.feedforward.linear.shrinkage_factors": dict(eigenvalues=a([9.0, 1.0, 0.0], "nonneg"), lam=a(1.0, ok=B)),
    "edl.feedforward.linear.ridge_by_shrinkage": dict(
        X=a([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], "real"), y=a([1.0, 2.0, 0.5], "real"), lam=a(0.7, ok=B)),
    "edl.feedforward.linear.lms_step": dict(
        w=a([0.0, 0.5], "real"), x=a([1.0, 2.0], "real"), y=a(5.0, "real"), eta=0.1),
    "edl.feedforward.linear.lms_sgd": dict(
        X=a([[1.0, 0.0], [0.0, 1.0]], "real"), y=a([2.0, -1.0], "real"), eta=0.5, steps=a(3, "int"),
        w0=a([0.0, 0.5], "real"), generator=G(0)),
    "edl.feedforward.linear.gaussian_nll": dict(
        X=a([[1.0], [2.0]], "real"), y=a([0.0, 1.0], "real"), w=a([1.0], "real", ok="mismatch " + B), sigma=1.0),
    # --- feedforward.linear_autoencoder -------------------------------------------------------------
    "edl.feedforward.linear_autoencoder.ae_loss": dict(
        C=a([[1.0, 0.0, 0.0]], "real", ok=""), D=a([[1.0], [0.0], [0.0]], "real"),
        X=a([[1.0, 0.0], [0.0, 1.0], [0.0, 0.5]], "real", ok="mismatch-last")),
    "edl.feedforward.linear_autoencoder.ae_gradients": dict(
        C=a([[0.5, 0.0, 0.0]], "real"), D=a([[1.0], [1.0], [0.0]], "real"),
        X=a([[1.0, 0.0], [0.0, 1.0], [0.0, 0.5]], "real", ok="mismatch-last")),
    "edl.feedforward.linear_autoencoder.train_linear_ae": dict(
        X=a([[3.0, 0.0], [0.0, 1.0]], "real"), k=a(1, too_big=3), lr=0.1, steps=3, inits=2,
        init_scale=a(0.1, "nonneg"), generator=G(0)),
    "edl.feedforward.linear_autoencoder.pca_projector": dict(
        X=a([[1.0, 0.0], [0.0, 5.0]], "real"), k=a(1, too_big=3)),
    "edl.feedforward.linear_autoencoder.pca_optimal_loss": dict(
        X=a([[3.0, 0.0], [0.0, 2.0]], "real"), k=a(1, "int")),
    "edl.feedforward.linear_autoencoder.eckart_young": dict(
        X=a([[1.0, 0.0], [0.0, 4.0]], "real"), r=a(1, "int")),
    "edl.feedforward.linear_autoencoder.als_low_rank": dict(
        X=a([[1.0, 0.5], [0.0, 4.0]], "real"), r=1, steps=3, generator=G(0)),
    "edl.feedforward.linear_autoencoder.principal_angles": dict(
        A=a([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], "real", ok="mismatch-last"),
        B=a([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-last")),
    "edl.feedforward.linear_autoencoder.landscape_slice": dict(
        C=a(T([[1.0, 0.0]]), "real"), D=a(T([[1.0], [0.0]]), "real"), X=a([[1.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-last"),
        t=a([0.0, 0.5, 1.0], "real", ok="mismatch ndim-1")),
    "edl.feedforward.linear_autoencoder.saddle_point": dict(
        X=a([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 1.0]], "real", ok="mismatch-first mismatch-last"), k=1,
        indices=a([2], "count", out_of_range=[3])),
    "edl.feedforward.linear_autoencoder.whiten": dict(X=a([[1.0, 0.0, -1.0, 0.5], [0.0, 1.0, 0.5, -1.0]], "real")),
    "edl.feedforward.linear_autoencoder.input_output_correlation": dict(
        Y=a([[1.0, 0.5, -1.0, 0.0]], "real", ok="mismatch-first"), X=a([[1.0, 0.0, -1.0, 0.5], [0.0, 1.0, 0.5, -1.0]], "real", ok="mismatch-first")),
    "edl.feedforward.linear_autoencoder.decoupled_loss": dict(
        Dt=a(_ID2, "real", ok="mismatch-first"), Ct=a([[1.0, 0.5], [0.0, 1.0]], "real", ok="mismatch-last"),
        sigma=a([1.0, 3.0], "nonneg")),
    "edl.feedforward.linear_autoencoder.whitened_gradients": dict(
        Dt=a(_ID2, "real"), Ct=a([[1.0, 0.5], [0.0, 1.0]], "real"), Sigma=a([[2.0, 0.0], [0.0, 1.0]], "real")),
    # --- feedforward.logistic -----------------------------------------------------------------------
    "edl.feedforward.logistic.sigmoid": dict(z=a([-0.8, 0.0, 2.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.logistic.sigmoid_derivative": dict(z=a([-0.8, 0.0, 2.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.logistic.sigmoid_second_derivative": dict(z=a([-0.8, 0.0, 2.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.logistic.logit": dict(t=a([0.3, 0.5], "prob", ok="ndim-1 " + B, zero=[0.0, 0.5], one=[1.0, 0.5])),
    "edl.feedforward.logistic.tanh_via_sigmoid": dict(z=a([-0.8, 0.0, 2.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.logistic.tanh_derivative": dict(z=a([-0.8, 0.0, 2.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.logistic.binary_cross_entropy_logits": dict(
        z=a([0.0, 2.0], "real", ok="ndim-1 " + B), y=a([1.0, 0.0], "binary", ok="ndim-1 " + B)),
    "edl.feedforward.logistic.logistic_risk": dict(
        X=a([[1.0, 2.0], [-1.0, 0.5]], "real"), y=a([1.0, 0.0], "binary"), w=a([0.3, -0.2], "real")),
    "edl.feedforward.logistic.logistic_gradient": dict(
        X=a([[1.0, 2.0], [-1.0, 0.5]], "real"), y=a([1.0, 0.0], "binary"), w=a([0.3, -0.2], "real")),
    "edl.feedforward.logistic.logistic_hessian": dict(X=a([[1.0, 0.0], [1.0, 2.0]], "real", ok="mismatch-first"), w=a([0.5, 0.0], "real")),
    "edl.feedforward.logistic.logistic_smoothness": dict(X=a([[1.0, 0.0], [0.0, 1.0]], "real")),
    "edl.feedforward.logistic.soft_cross_entropy": dict(y=a([0.0, 1.0], "prob", ok=B), q=a([0.5, 0.5], "prob", ok=B)),
    "edl.feedforward.logistic.log_partition": dict(v_=a([0.0, 1.0], "real", ok="ndim-1 " + B), family="bernoulli"),
    "edl.feedforward.logistic.exponential_family_nll": dict(
        y=a([2.0, 0.0], "count", ok="ndim-1 " + B), v_=a([0.5, -1.0], "real", ok="ndim-1 " + B), family="poisson"),
    "edl.feedforward.logistic.log_sum_exp": dict(z=a([1000.0, 1000.0], "real", ok="ndim-1 " + B), dim=a(-1, "int", ok="negative", out_of_range=3)),
    "edl.feedforward.logistic.softmax": dict(z=a([1000.0, 1000.0], "real", ok="ndim-1 " + B), dim=a(-1, "int", ok="negative", out_of_range=3)),
    "edl.feedforward.logistic.softmax_jacobian": dict(z=a([0.0, 1.0], "real", ok=B)),
    "edl.feedforward.logistic.softmax_cross_entropy": dict(
        z=a([0.0, 0.5, 1.0, 0.0], "real"), y=a(2, "count", out_of_range=4), base=a(2.0, one=1.0)),
    "edl.feedforward.logistic.softmax_cross_entropy_gradient": dict(z=a([0.0, 1.0], "real"), y=a(0, "count", out_of_range=2)),
    "edl.feedforward.logistic.softmax_regression_loss": dict(
        x=a([1.0, 2.0], "real"), y=a([1.0, 0.0], "prob"), Theta=a([[0.5, 0.0], [0.0, 0.5]], "real")),
    "edl.feedforward.logistic.softmax_regression_gradient": dict(
        x=a([1.0, 2.0], "real"), y=a([1.0, 0.0], "prob"), Theta=a([[0.5, 0.0], [0.0, 0.5]], "real")),
    # --- feedforward.relu_regions -------------------------------------------------------------------
    "edl.feedforward.relu_regions.relu_identities": dict(z=a([-2.0, 0.0, 3.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.relu_regions.relu_subdifferential": dict(z=a([-1.0, 0.0, 2.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.relu_regions.leaky_relu": dict(z=a([-2.0, 3.0], "real", ok="ndim-1 " + B), epsilon=a(0.1, "nonneg")),
    "edl.feedforward.relu_regions.elu": dict(z=a([-1.0, 1.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.relu_regions.softplus": dict(z=a([-1.0, 0.0, 30.0], "real", ok="ndim-1 " + B)),
    "edl.feedforward.relu_regions.relu_layer_jacobian": dict(
        W=a([[1.0, 2.0], [-1.0, 1.0]], "real"), b=a([0.0, 0.5], "real"), x=a([1.0, 0.0], "real", ok=B)),
    "edl.feedforward.relu_regions.zaslavsky_bound": dict(m=a(6, "int"), n=a(2, "int")),
    "edl.feedforward.relu_regions.activation_patterns": dict(
        W=a(_ID2, "real"), b=a([0.0, 0.5], "real"), x=a([[1.0, -1.0]], "real", ok="mismatch-first")),
    "edl.feedforward.relu_regions.pattern_codes": dict(patterns=a(torch.tensor([[True, False, True]]), "binary", ok="ndim-1 " + B)),
    "edl.feedforward.relu_regions.grid_points": dict(
        lo=a(0.0, "real", above_hi=2.0), hi=a(1.0, "real"), resolution=a(2, one=1), dtype=torch.float64, device=a("cpu", "device")),
    "edl.feedforward.relu_regions.count_regions_grid": dict(
        W=a(_ID2, "real"), b=a([0.0, 0.5], "real"), lo=a(-1.0, "real", above_hi=2.0), hi=a(1.0, "real"), resolution=a(11, one=1)),
    "edl.feedforward.relu_regions.count_regions_plane": dict(
        W=a([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "real", ok="mismatch-first"), b=a([0.0, 0.5, 0.0], "real"), tol=a(1e-9, "nonneg")),
    "edl.feedforward.relu_regions.count_regions_lp": dict(
        W=a(_ID2, "real", ok="mismatch-last"), b=a([0.0, 0.5], "real"), box=1e4, margin=a(1e-9, "nonneg")),
    "edl.feedforward.relu_regions.deep_relu_upper_bound": dict(m=a(4, "int"), n=a(2, "int"), L=2),
    "edl.feedforward.relu_regions.random_relu_net": dict(n=2, widths=a([3, 2], "sizes"), generator=G(0), dtype=torch.float64),
    "edl.feedforward.relu_regions.deep_activation_patterns": dict(
        layers=a([(T(_ID2), T([0.0, 0.5])), (T([[1.0, -1.0]]), T([0.0]))], "opaque",
                 empty=[], W_mismatch=[(T([[1.0, 0.0, 0.0]]), T([0.0]))], b_mismatch=[(T(_ID2), T([0.0]))],
                 nan=[(T([[math.nan, 0.0], [0.0, 1.0]]), T([0.0, 0.5]))], not_pairs=[T(_ID2)]),
        x=a([[1.0, -1.0]], "real")),
    "edl.feedforward.relu_regions.zigzag_layer": dict(z=a([0.0, 0.25, 0.5, 0.75, 1.0], "real", ok="ndim-1 " + B), m=2),
    "edl.feedforward.relu_regions.montufar_net": dict(x=a([0.0, 0.25, 0.5, 1.0], "real", ok="ndim-1 " + B), m=3, L=2, generator=G(0)),
    "edl.feedforward.relu_regions.montufar_lower_bound": dict(m=4, n=1, L=3),
    "edl.feedforward.relu_regions.count_pieces_1d": dict(
        x=a([0.0, 1.0, 2.0, 3.0, 4.0], "real", decreasing=[4.0, 3.0, 2.0, 1.0, 0.0]), y=a([0.0, 1.0, 2.0, 1.0, 0.0], "real"),
        rtol=a(1e-6, "nonneg")),
    "edl.feedforward.relu_regions.hinge_coefficients": dict(
        knots=a([0.0, 1.0, 2.0], "real", decreasing=[2.0, 1.0, 0.0]), values=a([0.0, 1.0, 0.0], "real")),
    "edl.feedforward.relu_regions.hinge_evaluate": dict(
        x=a([0.5, 1.5], "real", ok="ndim-1 mismatch " + B), a=a(1.0, "real"), b=a(0.0, "real"), c=a([-2.0, 1.0], "real"),
        interior_knots=a([1.0, 1.5], "real")),
    "edl.feedforward.relu_regions.interpolation_error_bound": dict(m=4, f2_max=a(8.0, "nonneg"), length=1.0),
    "edl.feedforward.relu_regions.maxout": dict(
        x=a([[-1.0, 0.5], [2.0, 0.0]], "real", ok="ndim-1 mismatch-first"), theta=a([[0.0, 1.0], [1.0, 0.5]], "real"),
        b=a([0.0, 0.5], "real")),
    "edl.feedforward.relu_regions.dc_split": dict(
        a=a(0.0, "real"), b=a(0.0, "real"), c=a([1.0, -1.0], "real"), interior_knots=a([0.0, 1.0], "real", decreasing=[1.0, 0.0])),
    # --- optimization.adaptive ----------------------------------------------------------------------
    "edl.optimization.adaptive.adagrad_step": dict(
        theta=a([1.0, 2.0], "real"), grad=a([2.0, -1.0], "real"), sum_sq=a([0.0, 1.0], "nonneg"), lr=0.1, eps=a(1e-10, "nonneg")),
    "edl.optimization.adaptive.rmsprop_step": dict(
        theta=a([1.0, 2.0], "real"), grad=a([2.0, -1.0], "real"), square_avg=a([0.0, 1.0], "nonneg"), lr=0.1,
        alpha=a(0.99, "prob", one=1.0), eps=a(1e-8, "nonneg")),
    "edl.optimization.adaptive.adam_step": dict(
        theta=a([1.0, 2.0], "real"), grad=a([2.0, -1.0], "real"), exp_avg=a([0.0, 0.5], "real"),
        exp_avg_sq=a([0.0, 1.0], "nonneg"), step=1, lr=0.1, betas=a((0.9, 0.999), "prob", beta2_one=(0.9, 1.0)),
        eps=a(1e-8, "nonneg"), max_exp_avg_sq=a([0.0, 1.0], "nonneg")),
    "edl.optimization.adaptive.sign_step": dict(theta=a([0.0, 1.0], "real"), grad=a([2.0, -3.0], "real"), lr=0.5),
    "edl.optimization.adaptive.adagrad_iterations": dict(
        H=a([[[1.0, 0.0], [0.0, 2.0]]], "positive", ok="zero mismatch-first"), x0=a([1.0, 1.0], "real"),
        lrs=a([0.5, 1.0], ok="ndim-1 mismatch"),
        tol=1e-3, max_iter=20, eps=a(1e-10, "nonneg")),
    "edl.optimization.adaptive.adam_online_counterexample": dict(
        C=3.0, beta2=a(0.1, "prob", one=1.0), num_steps=30, amsgrad=True, beta1=a(0.0, "prob", one=1.0), lr=0.5,
        return_path=False),
    "edl.optimization.adaptive.preconditioned_step": dict(
        x=a([1.0, 1.0], "real"), grad=a([2.0, 2.0], "real"), A=a([[2.0, 0.0], [0.0, 4.0]], "positive"), lr=1.0),
    "edl.optimization.adaptive.preconditioned_contraction": dict(
        H=a([[1.0, 0.0], [0.0, 0.5]], "real"), A=a([[2.0, 0.0], [0.0, 2.0]], "positive"), lr=a([1.0, 4.0], ok="ndim+1 ndim-1 mismatch")),
    "edl.optimization.adaptive.preconditioned_step_limit": dict(a=a(0.1, above_one=1.5)),
    "edl.optimization.adaptive.preconditioned_optimal_step": dict(a=a(0.5, above_one=1.5)),
    "edl.optimization.adaptive.polar_factor": dict(G=a([[3.0, 0.0], [0.0, -0.5]], "real")),
    "edl.optimization.adaptive.newton_schulz": dict(
        G=a([[3.0, 0.0, 0.0], [0.0, 1.0, 0.0]], "real", ok="mismatch-first mismatch-last"), steps=a(2, "int"), coefficients=a((3.4445, -4.775, 2.0315), "real"),
        eps=1e-7),
    "edl.optimization.adaptive.spectral_model": dict(G=a(_ID2, "real"), delta=a([[-1.0, 0.0], [0.0, -1.0]], "real")),
    "edl.optimization.adaptive.muon_update": dict(G=a([[3.0, 0.0], [0.0, 1.0]], "real")),
    "edl.optimization.adaptive.Adagrad": dict(
        params=a([P([1.0, 2.0])], "params"), lr=0.1, eps=a(1e-10, "nonneg"), weight_decay=a(0.0, "nonneg"),
        initial_accumulator_value=a(0.0, "nonneg")),
    "edl.optimization.adaptive.RMSprop": dict(
        params=a([P([1.0, 2.0])], "params"), lr=0.1, alpha=a(0.99, "prob", one=1.0), eps=a(1e-8, "nonneg"),
        weight_decay=a(0.0, "nonneg")),
    "edl.optimization.adaptive.Adam": dict(
        params=a([P([1.0, 2.0])], "params"), lr=0.1, betas=a((0.9, 0.999), "prob", beta2_one=(0.9, 1.0)),
        eps=a(1e-8, "nonneg"), weight_decay=a(0.0, "nonneg"), amsgrad=True),
    "edl.optimization.adaptive.SignSGD": dict(params=a([P([1.0, 2.0])], "params"), lr=0.1),
    "edl.optimization.adaptive.Muon": dict(
        params=a([P(_ID2)], "params", vector=[P([1.0, 2.0])]), lr=0.1, weight_decay=a(0.1, "nonneg"),
        momentum=a(0.95, "prob", one=1.0), nesterov=True, ns_coefficients=a((3.4445, -4.775, 2.0315), "real"),
        eps=1e-7, ns_steps=a(5, "int"), exact=False),
    # --- optimization.backprop ----------------------------------------------------------------------
    "edl.optimization.backprop.Activation": dict(
        name=a("tanh", "opaque", ok="string"), phi=torch.tanh, dphi=torch.cos, kappa=a(1.0, "nonneg"),
        kappa_inf=a(0.0, "nonneg", above_kappa=2.0)),
    "edl.optimization.backprop.activation": dict(name="linear", slope=a(1.0, "real")),
    "edl.optimization.backprop.init_mlp": dict(
        widths=a([3, 4, 2], "sizes"), gain=a(1.0, "nonneg"), bias_scale=a(0.1, "nonneg"), seed=a(0, "int", ok="negative"),
        dtype=torch.float64, device=a("cpu", "device")),
    "edl.optimization.backprop.mlp_forward": dict(
        x=a([1.0, 0.5, -1.0], "real", ok="mismatch"), weights=_W, biases=_B, act="tanh"),
    "edl.optimization.backprop.backprop": dict(
        x=a([1.0, 0.5, -1.0], "real"), y=a([0.0, 1.0], "real"), weights=_W, biases=_B, act="tanh"),
    "edl.optimization.backprop.layer_jacobians": dict(x=a([1.0, 0.5, -1.0], "real"), weights=_W, biases=_B, act="sigmoid"),
    "edl.optimization.backprop.chain_jacobian": dict(
        jacobians=a([T([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), T([[1.0, 1.0], [1.0, 0.0]])], "arrays", ok="shorter")),
    "edl.optimization.backprop.xi_recursion": dict(xi_top=a([3.0], "real"), jacobians=[T([[2.0, 0.0]])]),
    "edl.optimization.backprop.xi_parameter_gradients": dict(
        x=a([1.0, 0.5, -1.0], "real"), weights=_W, biases=_B, loss_grad=double, act="tanh"),
    "edl.optimization.backprop.jacobian_linear": dict(W=a([[1.0, 2.0]], "real")),
    "edl.optimization.backprop.jacobian_elementwise": dict(dphi=torch.cos, x=a([0.0, 0.5], "real")),
    "edl.optimization.backprop.gradient_squared_error": dict(y_bar=a([1.0, 3.0], "real", ok=""), y=a([0.0, 1.0], "real")),
    "edl.optimization.backprop.jacobian_relu": dict(x=a([-1.0, 2.0], "real")),
    "edl.optimization.backprop.mlp_jvp": dict(
        x=a([1.0, 0.5, -1.0], "real"), u=a([1.0, 0.0, 0.0], "real"), weights=_W, biases=_B, act="tanh"),
    "edl.optimization.backprop.mlp_vjp": dict(
        x=a([1.0, 0.5, -1.0], "real"), vec=a([0.0, 1.0], "real"), weights=_W, biases=_B, act="tanh"),
    "edl.optimization.backprop.jacobian_forward_mode": dict(f=xy_map, x=a([2.0, 3.0], "real")),
    "edl.optimization.backprop.jacobian_reverse_mode": dict(f=xy_map, x=a([2.0, 3.0], "real")),
    "edl.optimization.backprop.autodiff_cost": dict(n_inputs=1000, n_outputs=1, graph_size=50),
    "edl.optimization.backprop.jacobian_norm_bounds": dict(
        weights=a([T([[2.0, 0.0], [0.0, 1.5]]), T([[1.0, 0.5], [0.0, 2.0]])], "arrays", ok="shorter"), act="tanh"),
    "edl.optimization.backprop.gradient_regime": dict(
        weights=a([T([[2.0, 0.0], [0.0, 1.5]]), T([[1.0, 0.5], [0.0, 2.0]])], "arrays", ok="shorter"), act="linear"),
    "edl.optimization.backprop.rnn_gradient_bound": dict(
        kappa=a(1.0, "nonneg"), sigma1=a(0.9, "nonneg"), t=a(200.0, "nonneg", ok=B)),
    "edl.optimization.backprop.submultiplicative_bound": dict(
        A=a([[3.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-first"), B=a([[1.0, 0.0], [0.0, 2.0]], "real", ok="mismatch-last " + B)),
    "edl.optimization.backprop.clip_by_norm": dict(g=a([3.0, 4.0], "real", ok=B), threshold=a(1.0, ok=B)),
    # --- optimization.descent -----------------------------------------------------------------------
    "edl.optimization.descent.gradient_descent": dict(
        grad=double, x0=a([[1.0, 0.5]], "real", ok="ndim-1 " + B), eta=0.25, steps=a(3, "int")),
    "edl.optimization.descent.gd_quadratic": dict(
        eigenvalues=a([1.0, 10.0], "real", ok="ndim+1"), x0=a([1.0, 1.0], "real"), eta=a(0.1, ok=B), steps=a(2, "int")),
    "edl.optimization.descent.gradient_flow_quadratic": dict(
        H=a([[2.0, 0.5], [0.5, 1.0]], "real"), theta0=a([1.0, 0.5], "real"), t=a(0.5, "nonneg", ok=B)),
    "edl.optimization.descent.steepest_descent_direction": dict(g=a([3.0, -4.0], "real", ok=B, zero_vector=[0.0, 0.0])),
    "edl.optimization.descent.newton_step": dict(grad=a([2.0, 2.0], "real"), hess=a([[2.0, 0.0], [0.0, 4.0]], "real")),
    "edl.optimization.descent.quadratic_hessian": dict(A=a([[1.0, 2.0], [0.0, 1.0]], "real")),
    "edl.optimization.descent.gd_spectral_radius": dict(
        eigenvalues=a([1.0, 100.0], "real", ok="mismatch " + B), eta=a([0.01, 0.02], ok="ndim-1 mismatch " + B)),
    "edl.optimization.descent.stability_limit": dict(lam_max=a(4.0, ok=B)),
    "edl.optimization.descent.optimal_step": dict(lam_min=a(1.0, ok=B), lam_max=a(100.0, ok=B, below_lam_min=0.5)),
    "edl.optimization.descent.optimal_contraction": dict(kappa=a(100.0, ok=B, below_one=0.5)),
    "edl.optimization.descent.nonconvex_gradnorm_bound": dict(f_gap0=a(1.0, "nonneg", ok=B), eta=a(0.5, ok=B), t=a(3.0, "nonneg", ok=B)),
    "edl.optimization.descent.steps_to_stationarity": dict(L=a(2.0, ok=B), f_gap0=a(3.0, "nonneg", ok=B), eps=a(0.1, ok=B)),
    "edl.optimization.descent.convex_rate_bound": dict(
        dist0_sq=a(4.0, "nonneg", ok=B), eta=a(0.5, ok=B), t=a(2.0, ok=B, below_one=0.5)),
    "edl.optimization.descent.strongly_convex_rate_bound": dict(
        dist0_sq=a(1.0, "nonneg", ok=B), eta=a(0.5, ok=B), mu=a(1.0, ok=B), t=a(2.0, "nonneg", ok=B)),
    "edl.optimization.descent.pl_rate_bound": dict(
        f_gap0=a(1.0, "nonneg", ok=B), mu=a(1.0, ok=B), L=a(4.0, ok=B, below_mu=0.5), t=a(2.0, "nonneg", ok=B)),
    "edl.optimization.descent.pl_step": dict(mu=a(0.1), L=a(4.0, below_mu=0.05)),
    "edl.optimization.descent.pl_step_factor": dict(mu=a(1.0, ok=B), L=a(4.0, ok=B, below_mu=0.5), eta=a(0.25, ok=B, above_2_over_L=0.6)),
    "edl.optimization.descent.chord_gap": dict(
        f=sum_sq, w=a([[0.0, 1.0]], "real", ok="ndim-1 mismatch-first"), w_prime=a([[2.0, 0.0]], "real", ok="ndim-1 mismatch-first"),
        lam=a(0.5, "prob")),
    "edl.optimization.descent.tangent_gap": dict(
        f=sum_sq, grad=double, w=a([[3.0, 1.0]], "real", ok="ndim-1"), w_prime=a([[1.0, 0.0]], "real", ok="ndim-1")),
    "edl.optimization.descent.strong_convexity_gap": dict(
        f=sum_sq, grad=double, x=a([[0.0, 1.0]], "real", ok="ndim-1"), y=a([[1.0, 0.0]], "real", ok="ndim-1"), mu=a(2.0, "nonneg")),
    "edl.optimization.descent.smoothness_gap": dict(
        f=neg_sum_sq, grad=neg_double, x=a([[0.0, 1.0]], "real", ok="ndim-1"), y=a([[1.0, 0.0]], "real", ok="ndim-1"),
        L=a(2.0, "nonneg")),
    "edl.optimization.descent.gradient_lipschitz_ratio": dict(
        grad=neg_double, x=a([[0.0, 1.0]], "real", ok="ndim-1"), y=a([[1.0, 0.0]], "real", ok="ndim-1")),
    "edl.optimization.descent.gradnorm_gap_bound": dict(grad_norm_sq=a(4.0, "nonneg", ok=B), L=a(2.0, ok=B)),
    "edl.optimization.descent.pl_ratio": dict(grad_norm_sq=a(4.0, "nonneg", ok=B), f_gap=a(1.0, ok=B)),
    "edl.optimization.descent.pl_example": dict(x=a([0.0, 1.0], "real", ok="ndim-1 " + B)),
    "edl.optimization.descent.pl_example_grad": dict(x=a([0.0, 1.0], "real", ok="ndim-1 " + B)),
    "edl.optimization.descent.logistic_loss": dict(
        w=a([0.0, 0.5], "real"), X=a([[1.0, 0.0], [0.5, 1.0]], "real", ok="mismatch-first"), y=a([1.0, -1.0], "sign"),
        lam=a(0.1, "nonneg")),
    "edl.optimization.descent.logistic_grad": dict(
        w=a([0.0, 0.5], "real"), X=a([[1.0, 0.0], [0.5, 1.0]], "real", ok="mismatch-first"), y=a([1.0, -1.0], "sign"),
        lam=a(0.1, "nonneg")),
    "edl.optimization.descent.measured_contraction": dict(eigenvalues=a([1.0, 100.0], "real", ok=B), eta=a(0.0198, ok=B), steps=20),
    "edl.optimization.descent.empirical_stability_threshold": dict(eigenvalues=a([1.0, 4.0], ok=B), steps=20, iters=5),
    # --- optimization.momentum ----------------------------------------------------------------------
    "edl.optimization.momentum.heavy_ball_step": dict(
        theta=a([1.0, 0.5], "real"), theta_prev=a([0.0, 0.5], "real"), grad=a([2.0, 1.0], "real"), lr=0.1,
        momentum=a(0.5, "prob", one=1.0)),
    "edl.optimization.momentum.nesterov_step": dict(
        theta=a([1.0, 0.5], "real"), theta_prev=a([0.0, 0.5], "real"), gradient=double, lr=0.25,
        momentum=a(0.5, "prob", one=1.0)),
    "edl.optimization.momentum.heavy_ball_optimal": dict(mu=1.0, L=a(100.0, below_mu=0.5)),
    "edl.optimization.momentum.momentum_matrix": dict(
        lam=a(1.0, "real", ok=B), lr=0.5, momentum=a(0.5, "prob", one=1.0), lookahead=True),
    "edl.optimization.momentum.nesterov_parameters": dict(mu=1.0, L=a(100.0, below_mu=0.5)),
    "edl.optimization.momentum.nesterov_bound": dict(
        k=a(2.0, "nonneg", ok=B), mu=1.0, L=a(4.0, below_mu=0.5), dist0=a(1.0, "nonneg")),
    "edl.optimization.momentum.iterations_to_tolerance": dict(
        curvatures=a([[1.0, 1.0]], ok="mismatch-first"), x0=a([1.0, 1.0], "real", ok="ndim-1"), lr=a(0.5, ok=B),
        momentum=a(0.1, "prob", ok=B, one=1.0), lookahead=False, tol=0.1, max_iter=20),
    "edl.optimization.momentum.PerParameter": dict(params=a([P([1.0, 2.0])], "params"), defaults=a({"lr": 0.1}, "opaque")),
    "edl.optimization.momentum.SGD": dict(
        params=a([P([1.0, 2.0])], "params"), lr=0.1, momentum=a(0.5, "prob", one=1.0), nesterov=True,
        weight_decay=a(0.0, "nonneg")),
    # --- optimization.stochastic --------------------------------------------------------------------
    "edl.optimization.stochastic.least_squares_gradients": dict(
        A=a([[1.0, 2.0], [0.0, 1.0]], "real"), b=a([1.0, 0.0], "real"), x=a([1.0, 1.0], "real", ok=B)),
    "edl.optimization.stochastic.empirical_risk": dict(losses=a([1.0, 2.0, 6.0], "real", ok=B)),
    "edl.optimization.stochastic.full_gradient": dict(per_example=a([[1.0, 0.0], [3.0, 2.0]], "real", ok=B)),
    "edl.optimization.stochastic.sgd_step": dict(x=a([1.0, 1.0], "real"), grad=a([2.0, -1.0], "real"), eta=a(0.5, "nonneg", ok=B)),
    "edl.optimization.stochastic.gradient_variance": dict(per_example=a([[1.0, 0.0], [3.0, 2.0]], "real", ok=B)),
    "edl.optimization.stochastic.minibatch_variance": dict(
        V=a(2.0, "nonneg", ok=B), n=10, batch_size=a(5, above_n=11), replace=False),
    "edl.optimization.stochastic.minibatch_gradients": dict(
        per_example=a([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], "real"), batch_size=a(2, above_n=4), num_draws=2,
        replace=False, generator=G(0)),
    "edl.optimization.stochastic.robbins_monro_steps": dict(c=1.0, num_steps=4, start=a(1, "int"), power=a(1.0, "real")),
    "edl.optimization.stochastic.sgd_mean_estimation": dict(
        a=a([[1.0, 2.0, 6.0]], "real", ok="mismatch-first"), steps=a([1.0, 0.5, 0.25], "nonneg"), x0=a(0.0, "real")),
    "edl.optimization.stochastic.sgd_bound": dict(
        k=a(100.0, "nonneg", ok=B), eta=a(0.05, above_1_over_L=0.2), mu=1.0, L=a(10.0, below_mu=0.5), sigma2=a(2.0, "nonneg"),
        dist0=a(1.0, "nonneg")),
    "edl.optimization.stochastic.least_squares_noise": dict(A=a([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "real", ok="mismatch-last"), b=a([1.0, 2.0, 0.5], "real")),
    "edl.optimization.stochastic.sgd_floor": dict(A=a([[1.0], [1.0]], "real", ok="mismatch-last"), b=a([1.0, -1.0], "real"), eta=0.1, batch_size=1),
    "edl.optimization.stochastic.sgd_least_squares": dict(
        A=a([[1.0], [2.0], [1.0]], "real"), b=a([1.0, 1.0, 0.5], "real"), x0=a([0.0], "real", ok=B), eta=a([0.1], ok="mismatch ndim-1"),
        num_steps=2, num_chains=2, batch_size=1, record_every=1, generator=G(0)),
    "edl.optimization.stochastic.averaging_steps": dict(D=4.0, G=1.0, num_steps=4),
    "edl.optimization.stochastic.polyak_update": dict(x_bar=a([1.0, 0.5], "real"), x_new=a([4.0, 0.0], "real"), k=a(2, "int")),
    "edl.optimization.stochastic.polyak_average": dict(iterates=a([2.0, 4.0, 9.0], "real", ok=B)),
    "edl.optimization.stochastic.projected_sgd": dict(
        stochastic_gradient=sign_gradient, x0=a([0.0, 0.5], "real", ok="ndim-1 mismatch"),
        steps=a([1.0, 1.0, 0.5], "nonneg", ok="mismatch"),
        low=a(-1.5, "real", above_high=2.0), high=a(1.5, "real")),
    "edl.optimization.stochastic.svrg_gradient": dict(
        grad_i=a([3.0, 1.0], "real"), grad_i_snapshot=a([2.0, 0.0], "real"), full_snapshot=a([0.5, 0.5], "real")),
    "edl.optimization.stochastic.svrg_least_squares": dict(
        A=a([[1.0, 0.0], [0.0, 1.0]], "real"), b=a([1.0, 1.0], "real"), x0=a([0.0, 0.0], "real"), eta=0.5, num_epochs=2,
        num_chains=1, epoch_length=2, variance_reduced=True, generator=G(0)),
    "edl.optimization.stochastic.sign_sgd_step": dict(
        x=a([0.0, 0.0, 0.0], "real"), grad=a([3.0, -1e-9, 0.0], "real"), eta=a(0.1, "nonneg", ok=B)),
}


# --- appendix A and chapter 1 additions: conditioning, limits, margins, non-separable data, threshold
# networks, spurious states (kept in one block so that the chapter's helper can maintain it) -------------

_STD = lambda t: -t**2 / 2 - 0.5 * math.log(2 * math.pi)  # noqa: E731
_STD2 = lambda t: -(t**2).sum(-1) / 2 - math.log(2 * math.pi)  # noqa: E731
_XOR3 = [[0.0, 0.0, 1.0], [0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
_MIX = [[1.0, 1.0, 1.0, -1.0], [1.0, -1.0, -1.0, -1.0], [-1.0, 1.0, -1.0, -1.0]]

FIXTURES.update({
    # --- probability.conditioning -------------------------------------------------------------------
    "edl.probability.conditioning.bayes_posterior": dict(prior=a([0.01, 0.99], "prob"), likelihood=a([0.95, 0.1], "prob", ok="ndim+1")),
    "edl.probability.conditioning.mutual_information": dict(joint=a([[0.4, 0.1], [0.1, 0.4]], "prob")),
    "edl.probability.conditioning.softmax": dict(logits=a([1.0, 2.0, -0.5], "real", ok="ndim+1"), temperature=2.0),
    "edl.probability.conditioning.pushforward_density": dict(log_density=_STD, inverse=torch.log, y=a([0.5, 1.0, 2.0], ok="ndim+1 ndim-1")),
    "edl.probability.conditioning.affine_pushforward_log_density": dict(
        log_density=_STD2, A=a([[2.0, 0.0], [0.5, 1.0]], "real"), b=a([0.0, 1.0], "real"), y=a([[0.5, 1.0]], "real", ok="ndim-1 ndim+1 mismatch-first")),
    # --- probability.limits -----------------------------------------------------------------------------
    "edl.probability.limits.chebyshev_mean_bound": dict(variance=a(0.25, "nonneg", ok="ndim+1"), n=100, t=a(0.1, ok="ndim+1")),
    "edl.probability.limits.clt_distance": dict(n=10, p=a(0.3, "prob", zero=0.0, one=1.0)),
    "edl.probability.limits.berry_esseen_bound": dict(n=10, p=a(0.3, "prob", zero=0.0, one=1.0)),
    "edl.probability.limits.centered_bernoulli_log_mgf": dict(lam=a([0.5, -1.0], "real", ok="ndim+1 ndim-1"), p=a(0.3, "prob", ok="ndim+1")),
    "edl.probability.limits.bernoulli_kl": dict(q=a([0.5, 0.2], "prob", ok="ndim+1 ndim-1"), p=a(0.3, "prob", ok="ndim+1")),
    # --- connectionism.margins ------------------------------------------------------------------------------
    "edl.connectionism.margins.homogeneous_max_margin": dict(
        x=a([[1.0, 0.2], [0.3, 1.0], [2.0, -0.5]], "real", ok="ndim+1 mismatch-last"), y=a([1.0, 1.0, 1.0], "sign")),
    # --- connectionism.nonseparable ---------------------------------------------------------------------------
    "edl.connectionism.nonseparable.perceptron_epochs": dict(x=a(_XOR3, "real", ok="mismatch-last"), y=a([-1.0, 1.0, 1.0, -1.0], "sign"), epochs=3),
    "edl.connectionism.nonseparable.pocket_and_average": dict(x=a(_XOR3, "real", ok="mismatch-last"), y=a([-1.0, 1.0, 1.0, -1.0], "sign"), epochs=3),
    "edl.connectionism.nonseparable.training_errors": dict(
        x=a(_XOR3, "real"), y=a([-1.0, 1.0, 1.0, -1.0], "sign"), w=a([0.0, 1.0, -1.0], "real", ok="ndim+1")),
    # --- connectionism.threshold_networks ------------------------------------------------------------------
    "edl.connectionism.threshold_networks.threshold_network": dict(
        x=a([[0.0, 1.0], [1.0, 1.0]], "real", ok="ndim-1 ndim+1"),
        layers=[(T([[1.0, 1.0], [1.0, 1.0]]), T([-0.5, -1.5])), (T([[1.0, -1.0]]), T([-0.5]))]),
    "edl.connectionism.threshold_networks.xor_network": dict(),
    "edl.connectionism.threshold_networks.parity_network": dict(n=3),
    # --- connectionism.spurious -----------------------------------------------------------------------------
    "edl.connectionism.spurious.mixture_state": dict(patterns=a(_MIX, "sign", ok="ndim+1 mismatch-first mismatch-last"), indices=(0, 1, 2)),
    "edl.connectionism.spurious.classify_states": dict(x=a([[1.0, 1.0, -1.0, -1.0]], "sign", ok="mismatch-first"), patterns=a(_MIX, "sign", ok="mismatch-first")),
    "edl.connectionism.spurious.recall_probability": dict(
        patterns=a([_MIX], "sign", ok="mismatch-first mismatch-last"), flip_fractions=a([0.0, 0.25], "prob", ok="mismatch"), probes=1, generator=G(0)),
})


# --- chapters 2 and 3 additions: training a network end to end, learning-rate schedules, the optimiser race
# (kept in one block so that the chapters' helper can maintain it) ------------------------------------------

_TX = [[0.0, 0.5], [1.0, -0.5], [0.3, 0.2]]
_TW = lambda: [T([[0.5, -0.3], [0.2, 0.4]]), T([[1.0, -1.0]])]  # noqa: E731
_TB = lambda: [T([0.1, -0.1]), T([0.0])]  # noqa: E731
_NET = lambda: dict(X=a(_TX, "real", ok="mismatch-first"), weights=_TW(), biases=_TB())  # noqa: E731

FIXTURES.update({
    # --- feedforward.training ---------------------------------------------------------------------------
    "edl.feedforward.training.xor_data": dict(),
    "edl.feedforward.training.xor_relu_network": dict(),
    "edl.feedforward.training.xor_linear_fit": dict(),
    "edl.feedforward.training.two_moons": dict(s=5, noise=a(0.2, "nonneg"), generator=a(G(0), ok="None")),
    "edl.feedforward.training.init_network": dict(widths=a([2, 3, 1], "sizes"), generator=a(G(0), ok="None")),
    "edl.feedforward.training.forward": _NET(),
    "edl.feedforward.training.logits": _NET(),
    "edl.feedforward.training.loss": dict(**_NET(), y=a([0.0, 1.0, 1.0], "binary")),
    "edl.feedforward.training.accuracy": dict(**_NET(), y=a([0.0, 1.0, 1.0], "binary")),
    "edl.feedforward.training.backward": dict(**_NET(), y=a([0.0, 1.0, 1.0], "binary")),
    "edl.feedforward.training.train_by_hand": dict(
        **_NET(), y=a([0.0, 1.0, 1.0], "binary"), lr=0.5, steps=a(2, "int"),
        X_test=a(_TX, "real", ok="None mismatch-first"), y_test=a([1.0, 0.0, 1.0], "binary", ok="None"), record_every=1),
    "edl.feedforward.training.as_torch_module": dict(weights=_TW(), biases=_TB()),
    "edl.feedforward.training.train_with_torch": dict(**_NET(), y=a([0.0, 1.0, 1.0], "binary"), lr=0.5, steps=a(2, "int")),
    "edl.feedforward.training.overfitting_experiment": dict(
        sizes=a([4], "sizes"), width=2, steps=2, record_every=1, noise=a(0.3, "nonneg")),
    # --- optimization.schedules ---------------------------------------------------------------------------
    "edl.optimization.schedules.constant_schedule": dict(lr=0.1, steps=4),
    "edl.optimization.schedules.step_schedule": dict(lr=0.1, steps=6, step_size=2, gamma=a(0.5, "prob", zero=0.0, one=1.0)),
    "edl.optimization.schedules.cosine_schedule": dict(lr=0.1, steps=5, lr_min=a(0.01, "nonneg", above_lr=0.5)),
    "edl.optimization.schedules.warmup": dict(schedule=a([0.1, 0.1, 0.1, 0.1], "nonneg"), warmup_steps=2,
                                              start_factor=a(0.2, "prob")),
    "edl.optimization.schedules.sgd_least_squares_scheduled": dict(
        A=a([[1.0, 0.5], [0.2, -1.0], [0.3, 0.3]], "real", ok="mismatch-last"), b=a([1.0, 0.0, -0.5], "real"),
        schedule=a([0.1, 0.1, 0.05], "nonneg", ok="mismatch"), chains=2, generator=a(G(0), ok="None"), record_every=1),
    # --- optimization.network_race ----------------------------------------------------------------------------
    "edl.optimization.network_race.race_data": dict(s=8, noise=a(0.25, "nonneg"), seed=a(0, "int")),
    "edl.optimization.network_race.train_network": dict(
        optimizer="SGD", lr=0.1, steps=2, batch_size=2, widths=a((2, 3, 1), "sizes"), seed=a(0, "int"),
        schedule=a([1.0, 0.5], "nonneg", ok="None"), record_every=1),
    "edl.optimization.network_race.tune": dict(optimizer="SGD", lrs=a((0.1, 0.3), "positive")),
})

# Later parts keep their valid calls beside their tests: ``tests/<part>/bad_input_fixtures.py`` defines a
# dict ``FIXTURES`` in the format above, merged here.
def _part_fixtures() -> dict:
    import importlib

    import edl

    merged = {}
    for part in edl.PARTS:
        try:
            module = importlib.import_module(f"tests.{part}.bad_input_fixtures")
        except ModuleNotFoundError as err:
            if err.name != f"tests.{part}.bad_input_fixtures":
                raise
            continue
        merged.update(module.FIXTURES)
    return merged


FIXTURES.update(_part_fixtures())
