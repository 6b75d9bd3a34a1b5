"""Edge cases of edl.convolution.operator that its mutation run exposed: complex kernels, asymmetric
Fourier transforms, array-like kernels taking the signal's dtype, and the smallest valid sizes."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from edl.convolution import operator as op

F32 = torch.float32


def one_sided_exponential_ft(u: float) -> complex:
    """Closed form of the Fourier transform of exp(-|t - 0.3|): 2 e^{-2πi u 0.3} / (1 + (2πu)²)."""
    return complex(2 * math.cos(2 * math.pi * 0.3 * u), -2 * math.sin(2 * math.pi * 0.3 * u)) / (1 + (2 * math.pi * u) ** 2)


def test_fourier_transform_of_an_asymmetric_function_has_the_closed_form_imaginary_part():
    """A shifted two-sided exponential has a complex transform with a kink at t = 0.3: the imaginary part
    (sign, 2π, the value not the error estimate) and the accuracy at high frequency (tolerances and the
    subdivision budget of the quadrature) are pinned against the closed form."""
    us = [1.0, 2.5, 5.0]
    out = op.fourier_transform(lambda t: math.exp(-abs(t - 0.3)), us)
    assert out.dtype == torch.complex128
    expected = torch.tensor([one_sided_exponential_ft(u) for u in us], dtype=torch.complex128)
    assert float((out.real - expected.real).abs().max()) < 5e-11
    assert float((out.imag - expected.imag).abs().max()) < 5e-11
    assert float(expected.imag.abs().max()) > 1e-2       # the imaginary part tested is far from 0


def test_fourier_transform_of_an_odd_function_is_purely_imaginary():
    """t e^{-πt²} is odd: its transform is -i u e^{-πu²} (a real part of 0 and the sign of the imaginary part)."""
    out = op.fourier_transform(lambda t: t * math.exp(-math.pi * t * t), [0.5, 1.0])
    expected = [-u * math.exp(-math.pi * u * u) for u in (0.5, 1.0)]
    assert out.imag.tolist() == pytest.approx(expected, abs=1e-12)
    assert out.real.tolist() == pytest.approx([0.0, 0.0], abs=1e-12)


def test_kernel_matrix_of_a_complex_kernel_is_the_dft_matrix():
    """The kernel e^{-2πi ut/N} on the grid 0..N-1 gives the DFT matrix, complex128, imaginary part kept."""
    N = 5
    grid = np.arange(N, dtype=float)
    H = op.kernel_matrix(lambda u, t: np.exp(-2j * np.pi * u * t / N), grid, grid)
    assert H.dtype == torch.complex128
    dft = torch.fft.fft(torch.eye(N, dtype=torch.complex128), dim=0)
    torch.testing.assert_close(H, dft, atol=1e-12, rtol=0)


@pytest.mark.parametrize("call, name", [
    (lambda: op.convolve(torch.ones(3, dtype=F32), [1.0, 1e300]), "h"),
    (lambda: op.correlate(torch.ones(3, dtype=F32), [1.0, 1e300]), "g"),
    (lambda: op.correlate_valid(torch.ones(3, dtype=F32), [1.0, 1e300]), "w"),
    (lambda: op.convolve2d(torch.ones(2, 2, dtype=F32), [[1.0, 1e300]]), "G"),
    (lambda: op.local_layer(torch.ones(2, 2, dtype=F32), [[0.0, 0.0, 0.0], [0.0, 1e300, 0.0], [0.0, 0.0, 0.0]]), "W"),
])
def test_array_like_second_argument_takes_the_dtype_of_the_first(call, name):
    """An array-like kernel is converted to the float32 signal's dtype before it is checked, so 1e300 (inf in
    float32) is refused by name instead of silently filling the output with inf."""
    with pytest.raises(ValueError, match=rf"^{name} must be finite, got \[.*inf"):
        call()


def test_array_like_kernels_give_float32_results_equal_to_torch():
    """With a float32 signal and list kernels, the results are float32 and match torch's conv1d/conv2d."""
    g = torch.Generator().manual_seed(0)
    f = torch.randn(6, generator=g, dtype=F32)
    h = [0.5, -1.25, 2.0]
    ref = F.conv1d(f[None, None], torch.tensor(h, dtype=F32).flip(0)[None, None], padding=2)[0, 0]
    for out in (op.convolve(f, h), op.correlate(f, h[::-1]).flip(0)):
        assert out.dtype == F32
        torch.testing.assert_close(out, ref, atol=1e-5, rtol=0)
    X = torch.randn(3, 4, generator=g, dtype=F32)
    G = [[1.0, -0.5], [0.25, 2.0]]
    out = op.convolve2d(X, G)
    assert out.dtype == F32
    ref2 = F.conv2d(X[None, None], torch.tensor(G, dtype=F32).flip(0, 1)[None, None], padding=1)[0, 0]
    torch.testing.assert_close(out, ref2, atol=1e-5, rtol=0)


def test_correlate_valid_with_a_kernel_as_long_as_the_signal_is_one_inner_product():
    """K = n is allowed: the single valid output is the inner product, 1·4 + 2·5 + 3·6 = 32."""
    assert op.correlate_valid([1.0, 2.0, 3.0], [4.0, 5.0, 6.0]).tolist() == [32.0]


def test_conv2d_matrix_checks_the_height_against_the_kernel_rows():
    """A 3×1 kernel needs at least 3 rows: height 2 is refused by name, height 3 gives torch's conv2d."""
    w = torch.tensor([[1.0], [-2.0], [0.5]], dtype=torch.float64)
    with pytest.raises(ValueError, match=r"^height must be at least 3, got 2$"):
        op.conv2d_matrix(w, 2, 4)
    x = torch.arange(6.0, dtype=torch.float64).reshape(3, 2)
    torch.testing.assert_close(op.conv2d_matrix(w, 3, 2) @ x.reshape(-1), F.conv2d(x[None, None], w[None, None]).reshape(-1))


def test_shift_matrix_of_size_one_and_a_bad_device():
    """N = 1 is the identity (a cyclic shift of one entry); an unknown device is refused by name."""
    assert op.shift_matrix(1).tolist() == [[1.0]]
    with pytest.raises(ValueError, match=r"^device must name an available torch device, got 'nowhere'$"):
        op.shift_matrix(3, device="nowhere")


def test_local_layer_refuses_an_even_square_kernel():
    """A 2×2 kernel has no centre (size 2Δ+1 is odd): refused with its shape."""
    with pytest.raises(ValueError, match=r"^W must be square of odd size 2Δ\+1, got shape \(2, 2\)$"):
        op.local_layer([[1.0, 2.0], [3.0, 4.0]], [[1.0, 0.0], [0.0, 1.0]])


def test_locality_parameter_counts_of_one_pixel_and_a_1x1_kernel():
    """H = W = 1, Δ = 0 are the smallest valid sizes: one weight and one bias in each map."""
    assert op.locality_parameter_counts(1, 1, 0) == {"dense": 2, "local": 2, "shared": 2}


@pytest.mark.parametrize("fn", [op.circular_convolve, op.fft_convolve])
def test_circular_and_fft_convolution_list_kernel_takes_the_dtype_of_f(fn):
    """A list g is converted to the float32 signal's dtype before it is checked: 1e300 is refused by name."""
    with pytest.raises(ValueError, match=r"^g must be finite, got \[.*inf"):
        fn(torch.ones(3, dtype=F32), [1.0, 0.0, 1e300])


@pytest.mark.parametrize("shape", [(3, 4), (2, 3, 4)])
def test_equivariance_gap_shifts_images_along_both_last_axes(shape):
    """Transposing the last two axes commutes with a shift by (1, 1) of both of them (gap 0), but not with a shift
    of one axis alone (gap > 0 at shift_out = 0 against the unshifted output)."""
    x = torch.arange(float(np.prod(shape)), dtype=torch.float64).reshape(shape) ** 2
    T = lambda z: z.transpose(-2, -1)  # noqa: E731
    assert op.equivariance_gap(T, x, 1, 1) == 0.0
    assert op.equivariance_gap(T, x, 1, 0) > 1.0


def test_equivariance_gap_of_invariant_and_tiny_outputs():
    """Global pooling (a 0-dim output) and row sums at shift 0 are compared unshifted; a 2-sample identity at
    shift (1, 1) is exactly equivariant."""
    x = torch.tensor([[1.0, 5.0, 2.0], [0.0, 3.0, 7.0]], dtype=torch.float64)
    assert op.equivariance_gap(lambda z: z.sum(), x, 1, 1) == 0.0
    assert op.equivariance_gap(lambda z: z.sum(-1), x, 0, 1) == 0.0
    assert op.equivariance_gap(lambda z: z, torch.tensor([1.0, 4.0], dtype=torch.float64), 1, 1) == 0.0


def test_equivariance_gap_names_outputs_of_different_shapes():
    """An op whose output length depends on the input values is refused with both shapes."""
    def op_(z):
        return z[:1] if z[0] > 0 else z
    with pytest.raises(ValueError, match=r"^op must map shifted inputs to outputs of one shape, got \(2,\) and \(1,\)$"):
        op.equivariance_gap(op_, torch.tensor([1.0, -1.0], dtype=torch.float64), 1, 1)
