"""Edge cases of edl.recurrent.lru that its mutation run exposed: error messages for non-square matrices,
array-like second arguments taking the first argument's dtype, the shortest kernel and 0-D / 2-D eigenvalues, the
linear recurrence's list arguments and messages, ring_init's smallest ring, generator messages and independent
modulus and phase, and the complex precision of the scans."""

import math

import pytest
import torch

from edl.recurrent import lru

F32 = torch.float32


@pytest.mark.parametrize("call", [
    lambda A: lru.recurrence_kernel(A, [[1.0], [1.0]], 2),
    lambda A: lru.diagonalize(A),
])
def test_a_non_square_A_is_refused_by_name_with_its_square_shape(call):
    """A (2, 3) matrix has no powers and no eigenvalues: the error names A and the square shape (2, 2) it needs."""
    with pytest.raises(ValueError, match=r"^A must have shape \(2, 2\), got shape \(2, 3\)$"):
        call([[0.5, 0.0, 1.0], [0.0, 0.5, 1.0]])


def test_recurrence_kernel_names_A_when_B_has_the_wrong_number_of_rows():
    """B must have as many rows as A: the message says the expected shape comes from A."""
    with pytest.raises(ValueError, match=r"^B must have shape \(2, any\) to match A, got shape \(3, 1\)$"):
        lru.recurrence_kernel([[0.5, 0.0], [0.0, 0.5]], [[1.0], [1.0], [1.0]], 2)


def test_recurrence_kernel_of_length_one_is_B_itself():
    """T = 1 is the shortest valid kernel: K_0 = A^0 B = B, shape (1, m, n)."""
    B = [[1.0, -2.0], [0.5, 3.0]]
    K = lru.recurrence_kernel([[0.9, 0.1], [0.2, 0.3]], B, 1)
    assert K.shape == (1, 2, 2)
    assert K[0].tolist() == B


def test_recurrence_kernel_with_a_list_B_keeps_the_float32_of_A():
    """A list B takes A's float32: K_j = A^j B by hand for a diagonal A, float32 throughout."""
    A = torch.tensor([[0.5, 0.0], [0.0, -2.0]], dtype=F32)
    K = lru.recurrence_kernel(A, [[1.0], [1.0]], 3)
    assert K.dtype == F32
    torch.testing.assert_close(K[:, :, 0], torch.tensor([[1.0, 1.0], [0.5, -2.0], [0.25, 4.0]], dtype=F32))


def test_convolve_kernel_with_a_list_x_keeps_the_float32_of_K():
    """A list x takes K's float32: z_1 = K_0 x_0 = 2, z_2 = K_0 x_1 + K_1 x_0 = 2*3 + 1*1 = 7."""
    K = torch.tensor([[[2.0]], [[1.0]]], dtype=F32)
    z = lru.convolve_kernel(K, [[1.0], [3.0]])
    assert z.dtype == F32
    assert z.flatten().tolist() == [2.0, 7.0]


def test_exp_parameterization_accepts_a_scalar_and_a_matrix():
    """nu may be 0-D (one eigenvalue) or 2-D (a batch of them): the modulus is exp(-exp(nu)), the angle phi."""
    lam = lru.exp_parameterization(0.0, math.pi / 2)
    assert lam.shape == () and lam.dtype == torch.complex128
    assert abs(complex(lam) - 1j * math.exp(-1.0)) < 1e-15
    nu = torch.tensor([[0.0, math.log(2.0)], [math.log(0.5), 0.0]], dtype=torch.float64)
    lam2 = lru.exp_parameterization(nu, torch.zeros(2, 2, dtype=torch.float64))
    want = torch.tensor([[math.exp(-1.0), math.exp(-2.0)], [math.exp(-0.5), math.exp(-1.0)]], dtype=torch.float64)
    torch.testing.assert_close(lam2.real, want, atol=1e-15, rtol=0)


def test_exp_parameterization_with_a_list_phi_keeps_the_float32_of_nu():
    """A list phi takes nu's float32, so the eigenvalues are complex64: exp(-1) at angle pi."""
    lam = lru.exp_parameterization(torch.zeros(1, dtype=F32), [math.pi])
    assert lam.dtype == torch.complex64
    assert lam.real.tolist() == pytest.approx([-math.exp(-1.0)], rel=1e-6)


def test_recover_history_with_a_list_zeta_keeps_the_complex64_of_lam():
    """float32 eigenvalues +-0.5 with a list state zeta_j = x_1 + lam_j x_0 = (1.5, 0.5): x = (1, 1) in float32."""
    x = lru.recover_history(torch.tensor([0.5, -0.5], dtype=F32), [1.5, 0.5])
    assert x.dtype == F32
    torch.testing.assert_close(x, torch.tensor([1.0, 1.0], dtype=F32), atol=1e-6, rtol=0)


def test_scan_combine_takes_complex_matrices_and_refuses_complex_3d_by_name():
    """Complex (T, m) operands are valid (batched channels): (1j, 1) then (1j, 1) is (-1, 1j + 1) entrywise; a
    complex 3-D a1 is refused under its own name."""
    a = torch.full((2, 3), 1j, dtype=torch.complex128)
    b = torch.ones(2, 3, dtype=torch.complex128)
    a12, b12 = lru.scan_combine(a, b, a, b)
    assert a12.shape == (2, 3) and bool((a12 == -1).all()) and bool((b12 == 1 + 1j).all())
    with pytest.raises(ValueError, match=r"^a1 must have 1 or 2 dimension\(s\), got shape \(1, 1, 1\)$"):
        lru.scan_combine(torch.ones(1, 1, 1, dtype=torch.complex128), [1.0], [1.0], [1.0])


def test_scan_combine_names_all_four_operands_when_they_do_not_broadcast():
    """Shapes (2,), (3,), (1,), (1,) do not broadcast: the message names a1, b1, a2 and b2 with their shapes."""
    with pytest.raises(ValueError, match=r"^a1 and b1 and a2 and b2 must broadcast together, got shapes "
                                         r"a1 \(2,\), b1 \(3,\), a2 \(1,\), b2 \(1,\)$"):
        lru.scan_combine([1.0, 2.0], [1.0, 2.0, 3.0], [1.0], [1.0])


def test_linear_recurrence_reads_list_A_and_B_in_the_float32_of_x():
    """A and B given as lists take x's float32: z = 1, 1.5, 1.75 for A = 1/2, B = 1 and unit inputs, in float32."""
    z = lru.linear_recurrence([[0.5]], [[1.0]], torch.ones(3, 1, dtype=torch.float32))
    assert z.dtype == torch.float32 and z.flatten().tolist() == [1.0, 1.5, 1.75]


def test_linear_recurrence_shape_messages():
    """A non-square A asks for (rows, rows); B's shape comes from A and x, and the message says so."""
    x = torch.ones(3, 2, dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^A must have shape \(2, 2\), got shape \(2, 3\)$"):
        lru.linear_recurrence(torch.zeros(2, 3, dtype=torch.float64), torch.zeros(2, 2, dtype=torch.float64), x)
    with pytest.raises(ValueError, match=r"^B must have shape \(2, 2\) to match A and x, got shape \(2, 3\)$"):
        lru.linear_recurrence(torch.zeros(2, 2, dtype=torch.float64), torch.zeros(2, 3, dtype=torch.float64), x)


def test_ring_init_smallest_ring_and_its_generator_messages():
    """m = 1 and r_min = 0 (a full disc) are valid; a generator is required, an integer refused as not one and
    None by its own message."""
    lam = lru.ring_init(1, 0.0, 0.5, torch.Generator().manual_seed(0))
    assert lam.shape == (1,) and float(lam.abs()[0]) <= 0.5
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator or None, got 3$"):
        lru.ring_init(2, 0.5, 0.9, 3)
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator \(the sampler draws from it\), "
                                         r"got None$"):
        lru.ring_init(2, 0.5, 0.9, None)


def test_ring_init_modulus_and_phase_are_independent():
    """Uniform on the ring: the squared modulus and the phase come from independent uniforms, so over 4000 draws
    their correlation is near 0 (it would be 1 if both were read from the same uniform)."""
    lam = lru.ring_init(4000, 0.5, 0.9, torch.Generator().manual_seed(0))
    r2, phase = lam.abs() ** 2, torch.remainder(lam.angle(), 2 * math.pi)
    corr = torch.corrcoef(torch.stack([r2, phase]))[0, 1]
    assert abs(float(corr)) < 0.1


def test_scans_return_complex_states_of_the_eigenvalues_precision():
    """Real float64 input is promoted to complex128 and float32 to complex64; u takes lam's precision (a float32
    lam with a list u gives complex64). Both scans give 1, 1.5, 1.75 for lam = 1/2 and unit inputs."""
    for scan in (lru.sequential_scan, lru.parallel_scan):
        z = scan([0.5], [[1.0], [1.0], [1.0]])
        assert z.dtype == torch.complex128 and z.real.flatten().tolist() == [1.0, 1.5, 1.75]
        z = scan(torch.tensor([0.5], dtype=F32), [[1.0], [1.0], [1.0]])
        assert z.dtype == torch.complex64 and z.real.flatten().tolist() == [1.0, 1.5, 1.75]


def test_complex_eigenvalues_with_nan_are_refused_by_name():
    """A complex lam holding NaN is refused, the message naming lam."""
    with pytest.raises(ValueError, match=r"^lam must not contain NaN"):
        lru.sequential_scan(torch.tensor([complex(float("nan"), 0.0)]), [[1.0]])


def test_ring_init_draws_two_uniforms_per_eigenvalue():
    """One uniform for the modulus and one for the phase of each of the m eigenvalues: afterwards the generator
    is where 2m float64 uniforms leave it, so draws that follow from the same seed are reproducible."""
    g, ref = torch.Generator().manual_seed(4), torch.Generator().manual_seed(4)
    lru.ring_init(5, 0.5, 0.9, g)
    torch.rand(10, generator=ref, dtype=torch.float64)
    assert torch.equal(g.get_state(), ref.get_state())
