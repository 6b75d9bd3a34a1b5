"""Tests of edl.theory.pacbayes that pin what its mutants change: array-like arguments take the dtype of the
first tensor argument, validation messages name the right arguments, smallest sizes, default arguments and the
seeded draws of the stochastic classifier."""

import math

import pytest
import torch

from edl.theory import pacbayes as pb

F32, F64 = torch.float32, torch.float64


def f32(x):
    return torch.tensor(x, dtype=F32)


# --- Donsker-Varadhan -------------------------------------------------------------------------------

def test_gibbs_tilt_reads_a_list_phi_in_the_dtype_of_p():
    """float32 p makes a list phi float32: uniform P tilted by phi = [0, log 3] is [1/4, 3/4]."""
    out = pb.gibbs_tilt(f32([0.5, 0.5]), [0.0, math.log(3.0)])
    assert out.dtype == F32 and out.tolist() == pytest.approx([0.25, 0.75], abs=1e-6)


def test_gibbs_tilt_messages():
    """A 2-D p or phi is refused as the wrong number of dimensions; a phi of another length names p."""
    with pytest.raises(ValueError, match=r"^p must have 1 dimension\(s\), got shape \(1, 2\)$"):
        pb.gibbs_tilt([[0.5, 0.5]], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"^phi must have 1 dimension\(s\), got shape \(1, 2\)$"):
        pb.gibbs_tilt([0.5, 0.5], [[0.0, 0.0]])
    with pytest.raises(ValueError, match=r"^phi must have shape \(2,\) to match p, got shape \(3,\)$"):
        pb.gibbs_tilt([0.5, 0.5], [0.0, 0.0, 0.0])


def test_donsker_varadhan_gap_reads_lists_in_the_dtype_of_q():
    """float32 q makes list p and phi float32: Q = P and constant phi leave no slack."""
    out = pb.donsker_varadhan_gap(f32([0.25, 0.75]), [0.25, 0.75], [2.0, 2.0])
    assert out.dtype == F32 and float(out) == pytest.approx(0.0, abs=1e-6)


def test_donsker_varadhan_gap_accepts_point_masses():
    """Q = P = a point mass is absolutely continuous (nothing where p = 0): KL 0, log E_P e^phi = E_Q phi = 3."""
    assert float(pb.donsker_varadhan_gap([1.0, 0.0], [1.0, 0.0], [3.0, -1.0])) == pytest.approx(0.0, abs=1e-12)


def test_donsker_varadhan_gap_messages():
    """p and phi of other lengths are reported against q; a 2-D phi is refused as the wrong number of dimensions."""
    with pytest.raises(ValueError, match=r"^p must have shape \(2,\) to match q, got shape \(3,\)$"):
        pb.donsker_varadhan_gap([0.5, 0.5], [0.5, 0.25, 0.25], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"^phi must have shape \(2,\) to match q, got shape \(3,\)$"):
        pb.donsker_varadhan_gap([0.5, 0.5], [0.5, 0.5], [0.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"^phi must have 1 dimension\(s\), got shape \(1, 2\)$"):
        pb.donsker_varadhan_gap([0.5, 0.5], [0.5, 0.5], [[0.0, 0.0]])


# --- bounds and the Gaussian KL ---------------------------------------------------------------------

def test_mcallester_bound_reads_lists_in_the_dtype_of_emp_risk():
    """float32 risks make list kl and s float32: s = 1, delta = 1, KL = 0 is emp + sqrt(2 log 2) by hand."""
    out = pb.mcallester_bound(f32([0.0, 0.5]), [0.0, 0.0], [1.0, 1.0], 0.5)
    assert out.dtype == F32
    assert out.tolist() == pytest.approx([math.sqrt(2 * math.log(4.0)), 0.5 + math.sqrt(2 * math.log(4.0))], rel=1e-6)


def test_mcallester_bound_broadcast_message_names_all_three():
    """Shapes that do not broadcast are a ValueError naming emp_risk, kl and s with their shapes."""
    with pytest.raises(ValueError, match=r"^emp_risk and kl and s must broadcast together, "
                                         r"got shapes emp_risk \(2,\), kl \(3,\), s \(\)$"):
        pb.mcallester_bound([0.1, 0.2], [1.0, 1.0, 1.0], 100.0, 0.05)
    with pytest.raises(ValueError, match=r"^emp_risk and kl and s must broadcast together, "
                                         r"got shapes emp_risk \(\), kl \(2,\), s \(3,\)$"):
        pb.mcallester_bound(0.1, [1.0, 1.0], [100.0, 100.0, 100.0], 0.05)


def test_gaussian_kl_diag_reads_lists_in_the_dtype_of_theta():
    """float32 theta makes list sigma and theta0 float32: N(1, 1) from N(1, 1) is 0, N(1, 1) from N(0, 1) is 1/2."""
    out = pb.gaussian_kl_diag(f32([[1.0], [1.0]]), [[1.0], [1.0]], 1.0, [[1.0], [0.0]])
    assert out.dtype == F32 and out.tolist() == pytest.approx([0.0, 0.5], abs=1e-6)


def test_gaussian_kl_diag_theta0_message():
    """A theta0 that does not broadcast to theta's shape is reported with both shapes."""
    with pytest.raises(ValueError, match=r"^theta0 must broadcast to theta's shape \(2,\), got shape \(3,\)$"):
        pb.gaussian_kl_diag([0.0, 0.0], [1.0, 1.0], 1.0, [0.0, 0.0, 0.0])


# --- the reparameterised posterior ------------------------------------------------------------------

def test_perturb_reads_lists_in_the_dtype_of_theta():
    """float32 theta makes list rho and eta float32: the docstring's theta + e^rho eta = [1.5, 1.0]."""
    out = pb.perturb(f32([1.0, 0.0]), [0.0, math.log(2.0)], [[0.5, 0.5]])
    assert out.dtype == F32 and out.tolist() == [[1.5, 1.0]]


def test_perturb_messages():
    """2-D theta or rho are refused as the wrong number of dimensions; an eta of another width names theta."""
    with pytest.raises(ValueError, match=r"^theta must have 1 dimension\(s\), got shape \(1, 2\)$"):
        pb.perturb([[1.0, 0.0]], [[0.0, 0.0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"^rho must have 1 dimension\(s\), got shape \(1, 2\)$"):
        pb.perturb([1.0, 0.0], [[0.0, 0.0]], [[0.5, 0.5]])
    with pytest.raises(ValueError, match=r"^eta must have shape \(\.\.\., 2\) to match theta, got shape \(1, 3\)$"):
        pb.perturb([1.0, 0.0], [0.0, 0.0], [[0.5, 0.5, 0.5]])


def test_labels_message_lists_short_labels_and_shows_long_ones_as_tensors():
    """Under 20 labels the message lists them; 20 or more are shown as a tensor; a 2-D y is refused as such."""
    X = torch.ones(20, 1, dtype=F64)
    with pytest.raises(ValueError, match=r"^y must hold ±1 labels, got \[1.0, 0.0\]$"):
        pb.stochastic_error(X[:2], [1.0, 0.0], [1.0], [0.0])
    with pytest.raises(ValueError, match=r"^y must hold ±1 labels, got tensor\(\[0\., 1\., 1\.,"):
        pb.stochastic_error(X, torch.cat([torch.zeros(1, dtype=F64), torch.ones(19, dtype=F64)]), [1.0], [0.0])
    with pytest.raises(ValueError, match=r"^y must have 1 dimension\(s\), got shape \(2, 1\)$"):
        pb.stochastic_error(X[:2], [[1.0], [1.0]], [1.0], [0.0])


def test_stochastic_error_theta_dtype_shape_samples_and_generator():
    """float32 X makes a list theta float32; a 2-D theta is refused as such; samples = 1 is allowed, 0 is not;
    a seed integer is not a generator."""
    X, y = f32([[1.0, 0.0]]), [1.0]
    out = pb.stochastic_error(X, y, [5.0, 0.0], [-9.0, -9.0], samples=1, generator=torch.Generator().manual_seed(0))
    assert out.dtype == F32 and float(out) == 0.0
    with pytest.raises(ValueError, match=r"^theta must have 1 dimension\(s\), got shape \(1, 2\)$"):
        pb.stochastic_error(X, y, [[5.0, 0.0]], [0.0, 0.0])
    with pytest.raises(ValueError, match=r"^samples must be at least 1, got 0$"):
        pb.stochastic_error(X, y, [5.0, 0.0], [0.0, 0.0], samples=0)
    with pytest.raises(ValueError, match=r"^generator must be a torch.Generator or None, got 7$"):
        pb.stochastic_error(X, y, [5.0, 0.0], [0.0, 0.0], generator=7)


def test_stochastic_error_counts_the_seeded_standard_normal_draws():
    """With d = 1, x = 1, y = 1, rho = 0 the error is the share of draws eta <= -theta: counted from the generator's
    own (samples, d) standard normals in X's dtype, with theta set to minus one of them (a margin of exactly 0)."""
    eta = torch.randn(40, 1, generator=torch.Generator().manual_seed(3), dtype=F64)[:, 0]
    theta = -float(eta.sort().values[17])
    want = float((eta <= -theta).double().mean())
    assert want == 18 / 40
    got = pb.stochastic_error([[1.0]], [1.0], [theta], [0.0], samples=40, generator=torch.Generator().manual_seed(3))
    assert float(got) == want


def test_stochastic_error_default_samples_is_2000():
    """Called without samples it draws 2000: the same as samples=2000 from the same seed, not as 2001."""
    args = ([[1.0, 0.0], [0.0, 1.0]], [1.0, -1.0], [0.0, 0.0], [0.0, 0.0])
    default = pb.stochastic_error(*args, generator=torch.Generator().manual_seed(0))
    assert float(default) == float(pb.stochastic_error(*args, samples=2000, generator=torch.Generator().manual_seed(0)))
    assert float(default) != float(pb.stochastic_error(*args, samples=2001, generator=torch.Generator().manual_seed(0)))


# --- training ---------------------------------------------------------------------------------------

def test_train_pac_bayes_keeps_float64_parameters_and_allows_batch_1():
    """float64 data train float64 theta and rho; batch = 1 is allowed, batch = 0 is not."""
    X = torch.tensor([[1.0, 0.5], [-1.0, 0.25]], dtype=F64)
    out = pb.train_pac_bayes(X, [1.0, -1.0], steps=2, batch=1)
    assert out["theta"].dtype == F64 and out["rho"].dtype == F64 and out["kl"].dtype == F64
    assert float(out["theta"][0]) > 0          # both examples push theta_0 up
    with pytest.raises(ValueError, match=r"^batch must be at least 1, got 0$"):
        pb.train_pac_bayes(X, [1.0, -1.0], steps=2, batch=0)


def test_train_pac_bayes_default_batch_is_256():
    """With 300 examples a batch of 256 differs from 257: the default is 256."""
    g = torch.Generator().manual_seed(0)
    X = torch.randn(300, 2, generator=g, dtype=F64)
    y = torch.where(X[:, 0] > 0, 1.0, -1.0).to(F64)
    default = pb.train_pac_bayes(X, y, steps=2)
    assert torch.equal(default["theta"], pb.train_pac_bayes(X, y, steps=2, batch=256)["theta"])
    assert not torch.equal(default["theta"], pb.train_pac_bayes(X, y, steps=2, batch=257)["theta"])


def test_train_pac_bayes_default_steps_is_3000():
    """Called without steps it takes 3000 steps: the same seeded run as steps=3000 (every step moves theta, so any
    other count ends elsewhere, as the 2-step run shows)."""
    X, y = torch.tensor([[1.0, 0.5]], dtype=F64), torch.tensor([1.0], dtype=F64)
    default = pb.train_pac_bayes(X, y, batch=1)
    assert torch.equal(default["theta"], pb.train_pac_bayes(X, y, steps=3000, batch=1)["theta"])
    assert not torch.equal(default["theta"], pb.train_pac_bayes(X, y, steps=2, batch=1)["theta"])


def test_train_pac_bayes_reads_list_labels_in_the_dtype_of_X():
    """float32 X makes list labels float32: the same run, bit for bit, as with float32 labels (float64 labels
    would compute the margins in float64 and end a few float32 ulps away)."""
    X = torch.randn(6, 3, generator=torch.Generator().manual_seed(0), dtype=F32)
    labels = [1.0, -1.0, 1.0, 1.0, -1.0, 1.0]
    listed = pb.train_pac_bayes(X, labels, steps=3, batch=4, lr=0.3)
    tensor = pb.train_pac_bayes(X, f32(labels), steps=3, batch=4, lr=0.3)
    assert listed["theta"].dtype == F32
    assert torch.equal(listed["theta"], tensor["theta"]) and torch.equal(listed["rho"], tensor["rho"])
