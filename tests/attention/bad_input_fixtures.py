"""Valid calls of chapter 6's public functions for the bad-input sweep (``tests/core/bad_input.py``).

``FIXTURES`` (built by ``attention_fixtures()``) is merged into ``FIXTURES`` of
``tests/core/bad_input_fixtures.py``, which collects ``tests/<part>/bad_input_fixtures.py`` of every part.
"""


def cumulative(x):
    return x.cumsum(-2)


def identity(x):
    return x


def zero_map(x):
    return 0 * x


def attention_fixtures() -> dict:
    import torch

    from tests.core.bad_input import a

    T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
    from edl.attention.counting import CountingTransformer

    ma, pe, tf, cx, ct = ("edl.attention." + m for m in ("mechanism", "positional", "transformer", "context", "counting"))
    eye2 = [[1.0, 0.0], [0.0, 1.0]]
    X22 = [[1.0, 0.5], [-0.5, 2.0]]
    w_in = T([[0.5, 0.0], [0.0, 0.5], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.0, -1.0]])
    return {
        # --- mechanism ---
        f"{ma}.mix": dict(X=a(X22, "real", ok="mismatch-last"), A=a([[0.5, 0.5], [1.0, 0.0]], "prob", ok="mismatch-first", sum_not_one=[[0.5, 0.6], [1.0, 0.0]]),
                          W=a(eye2, "real", ok="mismatch-first")),
        f"{ma}.query_key_scores": dict(X=a(X22, "real", ok="mismatch-last"), U_Q=a([[1.0, 1.0]], "real", ok="mismatch-first"),
                                       U_K=a([[1.0, -1.0]], "real", ok="mismatch-first")),
        f"{ma}.attention_weights": dict(Q=a(X22, "real", ok="ndim+1 mismatch-first"), K=a(eye2, "real", ok="ndim+1 mismatch-first"),
                                        beta=a(0.5), mask=a([[0.0, -float("inf")], [0.0, 0.0]], "real", ok="-inf", all_masked=[[-float("inf"), -float("inf")], [0.0, 0.0]])),
        f"{ma}.softmax_attention": dict(Q=a(X22, "real", ok="ndim+1 mismatch-first"), K=a(eye2, "real", ok="ndim+1"),
                                        V=a([[2.0], [4.0]], "real", ok="ndim+1 mismatch-last"), beta=a(0.5),
                                        mask=a([[0.0, -float("inf")], [0.0, 0.0]], "real", ok="-inf")),
        f"{ma}.kv_attention": dict(xi=a([0.5, -1.0], "real"), keys=a(eye2, "real", ok="mismatch-first"),
                                   values=a([[2.0, 0.0], [0.0, 2.0]], "real", ok="mismatch-last")),
        f"{ma}.dot_logits": dict(q=a([[1.0, 2.0]], "real", ok="ndim+1"), k=a([[1.0, -1.0]], "real", ok="ndim+1"), scaled=True),
        f"{ma}.softmax_jacobian": dict(s=a([0.25, 0.75], "prob", ok="ndim+1", sum_not_one=[0.5, 0.6])),
        f"{ma}.causal_mask": dict(T=3, dtype=torch.float64, device=torch.device("cpu")),
        f"{ma}.elu_feature": dict(x=a([-1.0, 0.5], "real", ok="ndim+1")),
        f"{ma}.linear_attention": dict(Q=a(X22, "real", ok="ndim+1 mismatch-first"), K=a(eye2, "real", ok="ndim+1"),
                                       V=a([[2.0], [4.0]], "real", ok="ndim+1 mismatch-last"), causal=True),
        f"{ma}.linear_attention_step": dict(S=a([[0.0]], "real", ok="mismatch-last"), z=a([1.0], "nonneg"), q=a([0.5], "real"),
                                            k=a([0.0], "real"), v_=a([5.0], "real")),
        # --- positional ---
        f"{pe}.sinusoidal_frequencies": dict(d=4, C=a(100.0, at_one=1.0), dtype=torch.float64, device=torch.device("cpu")),
        f"{pe}.sinusoidal_encoding": dict(T=3, d=a(4, odd=3), C=a(100.0, at_one=1.0), dtype=torch.float64, device=torch.device("cpu")),
        f"{pe}.rotation_matrix": dict(delta=a(1.5, "real"), d=a(4, odd=3), C=a(100.0, at_one=1.0), dtype=torch.float64,
                                      device=torch.device("cpu")),
        f"{pe}.add_positions": dict(X=a(X22, "real", ok="ndim+1"), E=a([[0.5, 0.0], [0.0, 0.5]], "real"), mode="add"),
        f"{pe}.learned_positions": dict(X=a([[1.0, 1.0]], "real", ok="ndim+1 mismatch-first", too_long=[[1.0, 1.0]] * 3),
                                        table=a([[0.5, -0.5], [7.0, 7.0]], "real", ok="mismatch-first")),
        f"{pe}.relative_bias": dict(positions=a([0, 1, 2], "count", ok="negative mismatch"), b=a([-1.0, 0.0, 1.0], "real", even=[1.0, 2.0]), clip=a(1, "int", above_K=2)),
        f"{pe}.relative_scores": dict(Q=a([[0.0], [1.0]], "real"), K_=a([[1.0], [1.0]], "real"),
                                      positions=a([5, 6], "count", ok="negative", three=[5, 6, 7]), b=a([-1.0, 0.0, 1.0], "real")),
        # --- transformer ---
        f"{tf}.permutation_gap": dict(f=cumulative, X=a([[1.0], [2.0]], "real", ok="ndim+1"), perm=a([1, 0], "sizes", ok="zero", repeated=[1, 1])),
        f"{tf}.multihead_attention": dict(X=a(X22, "real", ok="ndim+1"), in_proj_weight=a(w_in, "real"),
                                          out_proj_weight=a(eye2, "real"), heads=a(2, three=3),
                                          in_proj_bias=a([0.1, 0.0, 0.0, 0.2, 0.0, 0.0], "real"), out_proj_bias=a([0.0, 0.5], "real"),
                                          memory=a([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]], "real", ok="ndim+1 mismatch-first"),
                                          mask=a([[0.0, 0.0, -float("inf")], [0.0, 0.0, 0.0]], "real", ok="-inf")),
        f"{tf}.position_wise_ffn": dict(Y=a([[1.0], [-1.0]], "real", ok="ndim+1 mismatch-first"), W1=a([[1.0], [0.5]], "real"),
                                        b1=a([0.0, 0.1], "real"), W2=a([[2.0, 1.0]], "real"), b2=a([0.5], "real"), activation="gelu"),
        f"{tf}.gelu": dict(z=a([-1.0, 0.0, 1.0], "real", ok="ndim+1 ndim-1")),
        f"{tf}.gelu_tanh": dict(z=a([-1.0, 0.0, 1.0], "real", ok="ndim+1 ndim-1")),
        f"{tf}.layer_norm": dict(X=a([[1.0, 3.0]], "real", ok="ndim+1 ndim-1 mismatch-first"), weight=a([1.0, 2.0], "real"), bias=a([0.0, 0.5], "real"),
                                 eps=a(1e-5, "nonneg")),
        f"{tf}.transformer_block": dict(X=a([[1.0, 2.0]], "real", ok="ndim+1"), attention=zero_map, ffn=identity, norm1=identity,
                                        norm2=identity, norm_first=True),
        f"{tf}.patch_embed": dict(images=a(torch.arange(16.0, dtype=torch.float64).reshape(1, 4, 4), "real", ok="ndim+1",
                                           odd=torch.zeros(1, 3, 4, dtype=torch.float64)),
                                  V=a([[1.0, 0.5, 0.0, -1.0]], "real", ok="mismatch-first"), p=a(2, three=3)),
        f"{tf}.prepend_cls": dict(X=a([[1.0, 2.0]], "real", ok="ndim+1 mismatch-first"), c=a([0.0, 0.5], "real")),
        # --- context ---
        f"{cx}.offset_convolution": dict(x=a([[1.0], [2.0], [3.0]], "real", ok="mismatch-first"),
                                         g=a([[[0.0]], [[1.0]], [[10.0]]], "real", ok="mismatch-last"), k=a(1, "int")),
        f"{cx}.nonlocal_attention": dict(X=a(X22, "real", ok="ndim+1")),
        f"{cx}.layer_flops": dict(kind="attention", n=10, d=4, k=3),
        f"{cx}.max_path_length": dict(kind="convolution", n=9, k=a(3, one=1)),
        f"{cx}.attention_context": dict(xi=a([0.5, -1.0], "real", ok="ndim+1"), H_enc=a([[1.0, 0.0], [3.0, 2.0]], "real", ok="mismatch-first")),
        f"{cx}.elmo_mix": dict(layers=a([[1.0, 0.0], [0.0, 1.0]], "real", ok="ndim+1 mismatch-last"), w=a([0.0, 1.0], "real"),
                               gamma=a(2.0, "real")),
        # --- counting ---
        f"{ct}.make_counting_data": dict(n=3, T=4, V=2, seed=a(0, "int"), device=torch.device("cpu")),
        f"{ct}.CountingTransformer": dict(d=4, heads=a(2, three=3), d_ff=4, T=3, V=2),
        f"{ct}.CountingMLP": dict(hidden=3, T=3, V=2),
        f"{ct}.n_params": dict(model=a(torch.nn.Linear(2, 1), "opaque")),
        f"{ct}.matching_hidden": dict(budget=200, T=3, V=2),
        f"{ct}.accuracy": dict(model=a(CountingTransformer(4, 2, 4, T=3, V=2), "opaque"),
                               tokens=a(torch.zeros(2, 3, dtype=torch.long), "opaque"), targets=a(torch.zeros(2, 3, dtype=torch.long), "opaque")),
        f"{ct}.Run": dict(model=a(torch.nn.Linear(2, 1), "opaque")),
        f"{ct}.train": dict(model=a(CountingTransformer(4, 2, 4, T=3, V=2), "opaque"), steps=2, lr=0.01, batch_size=2, every=1,
                            seed=a(0, "int"), T=3, V=2),
        f"{ct}.compare": dict(steps=1, seed=a(0, "int"), device=torch.device("cpu")),
    }


FIXTURES = attention_fixtures()
