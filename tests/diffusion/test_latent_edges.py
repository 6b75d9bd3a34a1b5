"""edl.diffusion.latent: edges, dtypes, seeding and error messages, each against an independent route."""

import math

import pytest
import torch

from edl.diffusion import latent as la

F32 = torch.float32


def t32(values):
    return torch.tensor(values, dtype=F32)


def _cavi_by_hand(mu, L, n, start=(0.0, 0.0)):
    """CAVI errors e = m - mu after n sweeps: e1 <- -a e2, e2 <- -b e1 with a = L12/L11, b = L21/L22, so
    e2_n = (ab)^n e2_0 and e1_n = -a (ab)^(n-1) e2_0."""
    a, b = L[0][1] / L[0][0], L[1][0] / L[1][1]
    e2 = start[1] - mu[1]
    return [mu[0] - a * (a * b) ** (n - 1) * e2, mu[1] + (a * b) ** n * e2]


# --- variational inference ------------------------------------------------------------------------

def test_vi_objective_with_a_zero_probability_state():
    """0 log 0 = 0: q = (1, 0) gives -log p(x, z=0), whatever log_joint says of the state q never visits."""
    assert float(la.vi_objective([1.0, 0.0], [-2.0, -5.0])) == 2.0


@pytest.mark.parametrize("mu, L", [([1.0, -2.0], [[2.0, 0.6], [0.6, 3.0]]), ([0.5, 1.5], [[1.0, -0.4], [-0.4, 4.0]])])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_cavi_sweeps_match_the_closed_form(mu, L, n):
    m, s2 = la.cavi_gaussian(mu, L, iters=n)
    assert m.tolist() == pytest.approx(_cavi_by_hand(mu, L, n), rel=1e-12, abs=1e-14)
    assert s2.tolist() == pytest.approx([1 / L[0][0], 1 / L[1][1]], rel=1e-15)
    m, _ = la.cavi_gaussian(mu, L, iters=n, start=[3.0, -1.0])
    assert m.tolist() == pytest.approx(_cavi_by_hand(mu, L, n, (3.0, -1.0)), rel=1e-12, abs=1e-14)


def test_cavi_default_is_50_sweeps():
    """With correlation 0.999 each sweep shrinks the error by 0.998, so sweep 50 and sweep 51 differ."""
    mu, L = [1.0, -1.0], [[1.0, 0.999], [0.999, 1.0]]
    m, _ = la.cavi_gaussian(mu, L)
    assert m.tolist() == pytest.approx(_cavi_by_hand(mu, L, 50), rel=1e-10)
    assert m.tolist() != pytest.approx(_cavi_by_hand(mu, L, 51), rel=1e-6)


# --- sparse coding ----------------------------------------------------------------------------------

def test_ista_edges_by_hand():
    """iters = 0 returns h = 0 and the objective ½|x|²; lam = 0 is allowed (plain gradient steps); the default step
    is 1/|D|² (for D = 2I: 1/4, so one step from 0 gives S_{lam/4}(x/2))."""
    h, f = la.ista([[1.0, 0.0], [0.0, 1.0]], [3.0, -4.0], 0.5, 0)
    assert h.tolist() == [0.0, 0.0] and f.tolist() == [12.5]
    h, _ = la.ista([[1.0, 0.0], [0.0, 1.0]], [3.0, -4.0], 0.0, 1, eta=1.0)
    assert h.tolist() == [3.0, -4.0]
    h, _ = la.ista([[2.0, 0.0], [0.0, 2.0]], [3.0, -0.2], 0.4, 1)
    assert h.tolist() == pytest.approx([1.4, 0.0], abs=1e-15)


@pytest.mark.parametrize("iters", [0, 3])
def test_ista_batch_equals_single_calls(iters):
    """Rows of x (N, d) and (B, N, d) are solved independently: the code keeps the batch axes, even for iters = 0."""
    D = torch.tensor([[1.0, 0.5, 0.0], [0.0, 1.0, -0.3]], dtype=torch.float64)
    X = torch.tensor([[[1.0, 2.0], [-0.5, 0.3]], [[0.0, 1.0], [2.0, -1.0]]], dtype=torch.float64)
    h, f = la.ista(D, X, 0.1, iters)
    assert h.shape == (2, 2, 3) and f.shape == (iters + 1, 2, 2)
    for i in range(2):
        for j in range(2):
            hij, fij = la.ista(D, X[i, j], 0.1, iters)
            assert torch.allclose(h[i, j], hij, rtol=1e-14, atol=1e-15)
            assert torch.allclose(f[:, i, j], fij, rtol=1e-14, atol=1e-15)


# --- LDA --------------------------------------------------------------------------------------------

def test_lda_smallest_sizes_and_an_unused_last_word():
    """One document of one word is valid; the counts keep a column for every word, drawn or not."""
    c = la.lda_sample(1, 1, [1.0, 2.0], [[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]], torch.Generator().manual_seed(0))
    assert c.shape == (1, 3) and float(c.sum()) == 1.0 and float(c[0, 2]) == 0.0


def test_lda_with_a_huge_concentration():
    """Concentrations of 1e20 in float32: theta is the normalised Gamma draw (it would overflow unnormalised)."""
    c = la.lda_sample(2, 5, t32([1e20, 1e20]), [[1.0, 0.0], [0.0, 1.0]], torch.Generator().manual_seed(0))
    assert c.dtype == F32 and c.sum(1).tolist() == [5.0, 5.0]


def test_lda_draws_do_not_depend_on_the_global_generator():
    """Dirichlet, topic and word draws all come from the generator: two global seeds, the same counts."""
    def call():
        return la.lda_sample(20, 30, [0.5, 0.5, 0.5], [[0.6, 0.1, 0.3], [0.2, 0.8, 0.3], [0.2, 0.1, 0.4]],
                             torch.Generator().manual_seed(3))
    torch.manual_seed(11)
    first = call()
    torch.manual_seed(12)
    assert torch.equal(first, call())


def test_lda_word_marginal_refuses_an_entry_above_one():
    """A column (1 + 5e-7, 0) sums to 1 within require_distribution's 1e-6, but a probability cannot exceed 1."""
    with pytest.raises(ValueError, match=r"^beta must lie in \[0\.0, 1\.0\]"):
        la.lda_word_marginal([1.0], [[1.0 + 5e-7], [0.0]])


# --- k-means ----------------------------------------------------------------------------------------

def test_lloyd_one_iteration_by_hand():
    """iters = 1: assign to the nearest initial centre (0, 0, 1), then move the centres to the means."""
    mu, a, f = la.lloyd([[0.0], [1.0], [10.0]], [[0.0], [10.0]], iters=1)
    assert mu.tolist() == [[0.5], [10.0]] and a.tolist() == [0, 0, 1] and f.tolist() == [1.0]


# --- dtypes ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: la.vi_objective(t32([0.3, 0.7]), [-1.1, -2.3]),
    lambda: la.cavi_gaussian(t32([1.0, -1.0]), [[2.0, 0.5], [0.5, 1.0]], iters=3, start=[0.1, 0.2])[0],
    lambda: la.cavi_gaussian(t32([1.0, -1.0]), [[2.0, 0.5], [0.5, 1.0]], iters=3)[1],
    lambda: la.soft_threshold(t32([-2.0, 0.5]), [0.1, 0.3]),
    lambda: la.ista(t32([[1.0, 0.0], [0.0, 1.0]]), [3.0, 0.2], 0.5, 2)[0],
    lambda: la.lda_word_marginal(t32([1.0, 3.0]), [[0.5, 0.0], [0.5, 1.0]]),
    lambda: la.kmeans_objective(t32([[0.0], [2.0]]), [[1.1]], [0, 0]),
    lambda: la.lloyd(t32([[0.0], [0.2], [4.0]]), [[0.0], [1.0]])[0],
], ids=["vi", "cavi_mean", "cavi_var", "soft_threshold", "ista", "lda_marginal", "kmeans", "lloyd"])
def test_python_parameters_take_the_float32_dtype_of_the_data(call):
    assert call().dtype == F32


# --- error messages -------------------------------------------------------------------------------

@pytest.mark.parametrize("call, match", [
    (lambda: la.cavi_gaussian([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]], iters=0), r"^iters must be at least 1, got 0$"),
    (lambda: la.ista([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [1.0, 2.0, 3.0], 0.1, 1),
     r"^x must have 2 entries per row for D of shape \(2, 3\), got \(3,\)$"),
    (lambda: la.ista([[1.0]], [1.0], 0.1, -1), r"^iters must be at least 0, got -1$"),
    (lambda: la.lda_sample(0, 1, [1.0], [[1.0]], torch.Generator()), r"^n_docs must be at least 1, got 0$"),
    (lambda: la.lda_sample(1, 0, [1.0], [[1.0]], torch.Generator()), r"^n_words must be at least 1, got 0$"),
    (lambda: la.kmeans_objective([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], [[0.0] * 3, [1.0] * 3], [0, -1]),
     r"^assign must hold one centre index \(0\.\.1\) per row of X, got \[0, -1\]$"),
    (lambda: la.kmeans_objective([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]], [[0.0] * 3, [1.0] * 3], [0, 2]),
     r"^assign must hold one centre index \(0\.\.1\) per row of X, got \[0, 2\]$"),
    (lambda: la.lloyd([[0.0]], [[1.0]], iters=0), r"^iters must be at least 1, got 0$"),
])
def test_errors_name_the_argument_and_the_numbers(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_soft_threshold_at_zero_and_lasso_edges():
    """tau = 0 and lam = 0 are allowed: S_0 is the identity and the lasso objective is ½|x - Dh|²; a batch of codes
    gives one objective per row, as single calls do."""
    u = [-2.0, 0.5, 3.0]
    assert la.soft_threshold(u, 0.0).tolist() == u
    D = [[1.0, 0.5, 0.0], [0.0, 1.0, -0.3]]
    assert float(la.lasso_objective([1.0, 2.0, 3.0], D, [1.0, -1.0], 0.0)) == pytest.approx(
        0.5 * ((1.0 - 2.0) ** 2 + (-1.0 - (2.0 - 0.9)) ** 2), rel=1e-14)
    H, X = [[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]], [[1.0, -1.0], [0.5, 0.5]]
    both = la.lasso_objective(H, D, X, 0.3)
    assert both.shape == (2,)
    for i in range(2):
        assert float(both[i]) == pytest.approx(float(la.lasso_objective(H[i], D, X[i], 0.3)), rel=1e-14)


def test_lasso_objective_keeps_float32_and_names_x():
    out = la.lasso_objective(t32([1.0, 0.0]), [[1.0, 0.0], [0.0, 1.0]], [1.0, 1.0], 0.5)
    assert out.dtype == F32 and float(out) == 1.0
    with pytest.raises(ValueError, match=r"^x must have 2 entries per row, one per row of D, got shape \(3,\)$"):
        la.lasso_objective([1.0, 0.0, 0.0], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [1.0, 1.0, 1.0], 0.5)
