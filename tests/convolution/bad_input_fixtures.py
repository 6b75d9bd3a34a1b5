"""Valid calls of chapter 4's public functions for the bad-input sweep (``tests/core/bad_input.py``).

``FIXTURES`` (built by ``convolution_fixtures()``) is merged into ``FIXTURES`` of
``tests/core/bad_input_fixtures.py``, which collects ``tests/<part>/bad_input_fixtures.py`` of every part.
"""

import math


def box(t):
    return float(0.0 <= t <= 1.0)


def gaussian(t):
    return math.exp(-math.pi * t * t)


def difference_kernel(u, t):
    return abs(u - t)


def shift_op(z):
    return z


def uniform_log_probs(context):
    import torch
    return torch.log(torch.full((3,), 1 / 3, dtype=torch.float64))


def convolution_fixtures() -> dict:
    import torch

    from edl.convolution.digits import SmallCNN
    from tests.core.bad_input import a

    T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
    op, ly, gr, em, dg = ("edl.convolution." + m for m in ("operator", "layers", "gradients", "embeddings", "digits"))
    small_digits = (torch.zeros(4, 1, 8, 8), torch.tensor([0, 1, 2, 3]), torch.zeros(2, 1, 8, 8), torch.tensor([0, 1]))
    return {
        # --- operator ---
        f"{op}.continuous_convolution": dict(f=box, g=box, u=a([0.5, 1.0], "real", ok="ndim-1"), lower=a(0.0, "real", ok="-inf"),
                                             upper=a(1.0, "real", ok="inf")),
        f"{op}.fourier_transform": dict(f=gaussian, u=a([0.0, 0.5], "real", ok="ndim-1"), lower=a(-5.0, "real", ok="-inf"),
                                        upper=a(5.0, "real", ok="inf")),
        f"{op}.kernel_matrix": dict(kernel=difference_kernel, u=a([0.0, 1.0], "real", ok="ndim-1 mismatch"), t=a([0.0, 0.5, 1.0], "real", ok="ndim-1 mismatch")),
        f"{op}.convolve": dict(f=a([1.0, 2.0, 3.0], "real", ok="mismatch"), h=a([1.0, -1.0], "real", ok="mismatch")),
        f"{op}.convolve2d": dict(F=a([[1.0, 2.0], [3.0, 4.0]], "real", ok="mismatch-first mismatch-last"), G=a([[1.0, -1.0]], "real", ok="mismatch-first mismatch-last")),
        f"{op}.flip": dict(f=a([1.0, 2.0, 3.0], "real", ok="ndim+1 ndim-1")),
        f"{op}.correlate": dict(f=a([1.0, 2.0], "real", ok="mismatch"), g=a([1.0, 0.0, -1.0], "real", ok="mismatch")),
        f"{op}.correlate_valid": dict(x=a([1.0, 2.0, 3.0, 4.0], "real", ok="mismatch"), w=a([1.0, -1.0], "real", ok="mismatch")),
        f"{op}.circular_convolve": dict(f=a([1.0, 2.0, 3.0], "real"), g=a([0.0, 1.0, 0.0], "real")),
        f"{op}.fft_convolve": dict(f=a([1.0, 2.0], "real", ok="mismatch"), g=a([1.0, 0.0, -1.0], "real", ok="mismatch"), n=4),
        f"{op}.toeplitz_matrix": dict(h=a([1.0, 2.0], "real"), D=3, correlation=False),
        f"{op}.conv2d_matrix": dict(w=a([[1.0, 2.0]], "real"), height=2, width=3),
        f"{op}.shift_matrix": dict(N=3, dtype=torch.float64, device=torch.device("cpu")),
        f"{op}.circulant": dict(h=a([1.0, 2.0, 3.0], "real")),
        f"{op}.shift_equivariant_part": dict(T=a([[1.0, 2.0], [3.0, 4.0]], "real")),
        f"{op}.equivariance_gap": dict(op=shift_op, x=a([1.0, 2.0, 3.0], "real", ok="ndim+1"), shift_in=a(1, "int", ok="negative"),
                                       shift_out=a(1, "int", ok="negative")),
        f"{op}.local_layer": dict(x=a([[1.0, 2.0], [3.0, 4.0]], "real", ok="mismatch-first mismatch-last"), W=a([[0.0, 1.0, 0.0], [1.0, 2.0, 1.0], [0.0, 1.0, 0.0]], "real"),
                                  u=a(0.5, "real")),
        f"{op}.locality_parameter_counts": dict(height=4, width=4, delta=a(1, "int")),
        # --- layers ---
        f"{ly}.output_size": dict(i=7, k=3, p=a(1, "int"), s=2, d=1),
        f"{ly}.padding_for": dict(k=3, mode="same"),
        f"{ly}.param_count": dict(c_in=4, c_out=8, k_h=3, k_w=3, bias=True, groups=2),
        f"{ly}.conv2d": dict(x=a(T([[[1.0, 2.0, 0.0], [0.5, -1.0, 1.0], [2.0, 0.0, 1.0]]]), "real", ok="ndim+1 mismatch-last"), w=a(T([[[[1.0, -1.0], [0.5, 2.0]]]]), "real", ok="mismatch-last"),
                             b=a(T([0.5]), "real"), stride=a(1, ok="ndim+1"), padding=a(1, "int", ok="ndim+1"), dilation=a(1, ok="ndim+1")),
        f"{ly}.conv1d": dict(x=a([[1.0, 2.0, 3.0, 4.0]], "real", ok="ndim+1 mismatch-last"), w=a([[[1.0, 1.0]]], "real", ok="mismatch-last"), b=a([0.5], "real"),
                             stride=1, padding=a(0, "int"), dilation=1),
        f"{ly}.dilated_convolve": dict(x=a([1.0, 2.0, 3.0, 4.0, 5.0], "real", ok="ndim+1 mismatch"), h=a([1.0, -1.0], "real", ok="mismatch"), d=2),
        f"{ly}.pool2d": dict(x=a([[1.0, 2.0], [3.0, 4.0]], "real", ok="ndim+1"), r=2, s=1, mode="max"),
        f"{ly}.receptive_field": dict(kernels=a([3, 3], "sizes"), strides=a([2, 1], "sizes"), dilations=a([1, 2], "sizes")),
        f"{ly}.measured_receptive_field": dict(kernels=a([3, 3], "sizes"), strides=a([2, 1], "sizes"),
                                               dilations=a([1, 1], "sizes"), n=21),
        f"{ly}.separable_conv2d": dict(x=a([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "real", ok="mismatch-first mismatch-last"), u=a([1.0, 1.0], "real", ok="mismatch"),
                                       v_=a([1.0, -1.0], "real", ok="mismatch")),
        f"{ly}.conv_macs": dict(d=8, q=3, separable=True),
        f"{ly}.rank_one_kernel": dict(w=a([[1.0, 2.0], [2.0, 4.0]], "real")),
        f"{ly}.architecture_shapes": dict(input_shape=a([1, 8, 8], "sizes"), stages=[{"conv": 2, "k": 3}, {"pool": 2},
                                                                                    {"flatten": True}, {"fc": 3}]),
        # --- gradients ---
        f"{gr}.band_mask": dict(n=4, k=2),
        f"{gr}.shared_kernel_gradient": dict(x=a([1.0, 2.0, 3.0], "real", ok="mismatch"), grad_y=a([1.0, 1.0], "real", ok="mismatch")),
        f"{gr}.kernel_gradient": dict(x=a(T([[[[1.0, 2.0, 0.0], [0.5, -1.0, 1.0], [2.0, 0.0, 1.0]]]]), "real", ok="mismatch-last"),
                                        grad_y=a(T([[[[1.0, 0.5], [0.0, -1.0]]]]), "real", ok="mismatch-last")),
        f"{gr}.true_convolve": dict(x=a([[1.0, 2.0, 3.0], [0.0, 1.0, 2.0]], "real", ok="mismatch-first mismatch-last"),
                                     w=a([[1.0, 0.5]], "real", ok="mismatch-first mismatch-last")),
        f"{gr}.true_convolution_kernel_gradient": dict(x=a([[1.0, 2.0], [3.0, 4.0]], "real"), w=a([[1.0]], "real"),
                                                       v_=a([[1.0, 0.0], [0.5, 2.0]], "real", ok="ndim-1 ndim+1"), act="tanh"),
        f"{gr}.input_gradient": dict(grad_y=a(T([[[[1.0, 2.0]]]]), "real", ok="mismatch-first mismatch-last"), w=a(T([[[[1.0, 2.0]]]]), "real", ok="mismatch-last")),
        # --- embeddings ---
        f"{em}.logbilinear_probs": dict(x=a([1.0, 0.0], "real"), Y=a([[0.0, 1.0], [1.0, -1.0]], "real", ok="mismatch-first")),
        f"{em}.w2v_nll": dict(x=a([1.0, 0.0], "real"), Y=a([[0.0, 1.0], [1.0, -1.0]], "real", ok="mismatch-first"), nu=a(1, "int", above_V=2)),
        f"{em}.w2v_nll_grads": dict(x=a([1.0, 0.0], "real"), Y=a([[0.0, 1.0], [1.0, -1.0]], "real", ok="mismatch-first"), nu=a(0, "int", above_V=2)),
        f"{em}.negative_sampling_loss": dict(x=a([0.5], "real"), Y=a([[1.0], [2.0]], "real"), nu=a(0, "int", above_V=2),
                                             noise=a([0.5, 0.5], "prob"), beta=a(3.0, "nonneg")),
        f"{em}.negative_sampling_grad_x": dict(x=a([0.5], "real"), Y=a([[1.0], [2.0]], "real"), nu=a(0, "int", above_V=2),
                                               noise=a([0.5, 0.5], "prob"), beta=a(3.0, "nonneg")),
        f"{em}.pmi": dict(counts=[[2.0, 1.0], [1.0, 2.0]]),
        f"{em}.sgns_optimal_scores": dict(counts=[[2.0, 1.0], [1.0, 2.0]], k=2.0),
        f"{em}.skipgram_probs": dict(Vout=a([[1.0], [0.0]], "real"), W=a([[0.0], [1.0]], "real"), center=a(1, "int", above_V=2)),
        f"{em}.cbow_probs": dict(Vout=a([[1.0], [0.0]], "real"), W=a([[0.5], [0.5]], "real"), context=a([0, 1], "sizes", ok="zero")),
        f"{em}.sentence_log_likelihood": dict(log_probs=uniform_log_probs, tokens=a([0, 1, 2], "sizes", ok="zero"), window=1),
        f"{em}.randwalk_log_cooccurrence": dict(v_w=a([2.0, 0.0], "real", ok="ndim+1"), v_c=a([0.0, 2.0], "real", ok="ndim+1"),
                                                d=2, log_Z=a(0.0, "real")),
        f"{em}.discourse_moment": dict(v_w=a([1.0, 1.0], "real", ok="ndim+1"), d=2),
        f"{em}.fit_sgns": dict(counts=[[2.0, 1.0], [1.0, 2.0]], k=2.0, dim=2, steps=5, lr=0.05, seed=a(0, "int")),
        # --- digits ---
        f"{dg}.load_digits": dict(device=torch.device("cpu"), dtype=torch.float32, seed=a(0, "int")),
        f"{dg}.SmallCNN": dict(c1=2, c2=2),
        f"{dg}.cnn_stages": dict(c1=2, c2=2),
        f"{dg}.make_mlp": dict(hidden=3),
        f"{dg}.matching_hidden_width": dict(budget=200),
        f"{dg}.n_params": dict(model=a(torch.nn.Linear(2, 1), "opaque")),
        f"{dg}.accuracy": dict(model=a(torch.nn.Linear(64, 10), "opaque"), X=a(torch.zeros(2, 64), "real"),
                               y=a(torch.tensor([0, 1]), "opaque")),
        f"{dg}.Run": dict(model=a(torch.nn.Linear(2, 1), "opaque"), test_accuracy=a([0.5], "opaque")),
        f"{dg}.train": dict(model=a(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(64, 10)), "opaque"),
                            data=a(small_digits, "opaque"), epochs=1, lr=0.01, batch_size=2, seed=a(0, "int")),
        f"{dg}.compare": dict(epochs=1, seed=a(0, "int"), device=torch.device("cpu")),
        f"{dg}.input_receptive_field": dict(model=a(SmallCNN(2, 2), "opaque"), x=a(torch.zeros(1, 8, 8), "real"),
                                            channel=a(0, "int"), row=a(1, "int"), col=a(1, "int")),
        f"{dg}.receptive_field_side": dict(),
    }


FIXTURES = convolution_fixtures()
