"""Valid calls of chapter 8's public functions for the bad-input sweep (``tests/core/bad_input.py``).

``FIXTURES`` (built by ``tricks_fixtures()``) is merged into ``FIXTURES`` of ``tests/core/bad_input_fixtures.py``,
which collects ``tests/<part>/bad_input_fixtures.py`` of every part.
"""


def half_gradient(theta):
    return 2 * (theta - 1.0)


def new_channel(z):
    return z[:, :1] * 2.0


def tricks_fixtures() -> dict:
    import torch

    from tests.core.bad_input import G, a

    T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
    cpu = torch.device("cpu")
    it, wd, sh, dr, nm, rs, en, ds, dg = ("edl.tricks." + m for m in ("init", "weight_decay", "shrinkage", "dropout",
                                                                     "normalization", "residual", "ensembles",
                                                                     "distillation", "digits"))
    H = [[1.0, 2.0], [3.0, -1.0], [0.5, 0.0]]
    return {
        # --- init ---
        f"{it}.uniform_bound": dict(sigma=a(0.5, ok="ndim+1")),
        f"{it}.sample_weights": dict(shape=a([3, 2], "sizes"), sigma=0.5, distribution="uniform", generator=G(0),
                                     dtype=torch.float64, device=cpu),
        f"{it}.lecun_std": dict(n=4),
        f"{it}.glorot_std": dict(n=4, m=2),
        f"{it}.he_std": dict(n=4),
        f"{it}.relu_second_moment": dict(s2=a(2.0, "nonneg", ok="ndim+1")),
        f"{it}.orthogonal": dict(m=3, count=2, gain=1.0, generator=G(0), dtype=torch.float64, device=cpu),
        f"{it}.second_moments": dict(x=a(T([[1.0, 2.0], [0.5, -1.0]]), "real", ok="mismatch-first"),
                                     weights=a(T([[[1.0, 0.0], [0.5, 1.0]]]), "real", ok="mismatch-first"),
                                     activation="relu"),
        # --- weight decay ---
        f"{wd}.l2_penalty": dict(theta=a([1.0, -2.0], "real", ok="ndim+1 ndim-1"), mu=a(0.1, "nonneg")),
        f"{wd}.l2_penalty_grad": dict(theta=a([1.0, -2.0], "real", ok="ndim+1 ndim-1"), mu=a(0.1, "nonneg")),
        f"{wd}.weight_decay_step": dict(theta=a([1.0, -2.0], "real"), grad=a([0.5, 0.5], "real"), lr=0.1,
                                        weight_decay=a(0.1, "nonneg")),
        f"{wd}.frobenius_penalty": dict(weights=[T([[1.0, 2.0]]), T([[0.5]])], mus=a([0.5, 2.0], "nonneg")),
        f"{wd}.eigen_shrinkage": dict(H=a([[2.0, 0.5], [0.5, 1.0]], "real"), theta_star=a([1.0, -1.0], "real"),
                                      mu=a(0.5, "nonneg")),
        f"{wd}.ridge_bayes_risk": dict(X=a([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], "real", ok="mismatch-first mismatch-last"),
                                       mu=a([0.5, 2.0], "nonneg", ok="ndim-1 mismatch"), u=1.0, sigma=2.0),
        f"{wd}.optimal_weight_decay": dict(sigma=2.0, u=1.0),
        f"{wd}.project_ball": dict(v_=a([3.0, 4.0], "real", ok="ndim+1"), r=1.0),
        f"{wd}.projected_gd": dict(grad=half_gradient, theta0=a([0.0, 0.5], "real"), lr=0.1, r=1.0, steps=3),
        f"{wd}.ridge": dict(X=a([[1.0, 0.0], [0.0, 2.0], [1.0, 1.0]], "real", ok="mismatch-last"),
                            y=a([1.0, 2.0, 0.5], "real"), mu=0.5),
        # --- shrinkage ---
        f"{sh}.soft_threshold": dict(b=a([-2.0, 0.3, 1.5], "real", ok="ndim+1 ndim-1"), beta=a(0.5, "nonneg")),
        f"{sh}.l1_solution": dict(theta_star=a([2.0, -0.3], "real"), h=a([1.0, 2.0]), lam=a(0.5, "nonneg")),
        f"{sh}.l2_solution": dict(theta_star=a([2.0, -0.3], "real"), h=a([1.0, 2.0]), lam=a(0.5, "nonneg")),
        f"{sh}.gd_quadratic": dict(H=a([[1.0, 0.0], [0.0, 0.1]], "real"), w_star=a([1.0, 1.0], "real"), lr=0.5, t=a(2, "int")),
        f"{sh}.early_stopping_factors": dict(lam=a([0.01, 1.0], "nonneg", ok="ndim-1"), lr=0.1, k=a(10, "int")),
        f"{sh}.l2_factors": dict(lam=a([0.01, 1.0], "nonneg", ok="ndim-1"), mu=1.0),
        f"{sh}.equivalent_steps": dict(lr=0.01, mu=0.5),
        # --- dropout ---
        f"{dr}.dropout": dict(H=a([[1.0, -2.0], [0.5, 3.0]], "real", ok="ndim+1 ndim-1"), p=a(0.3, "prob", at_one=1.0),
                              generator=G(0), inverted=True, training=True),
        f"{dr}.all_masks": dict(R=3, dtype=torch.float64, device=cpu),
        f"{dr}.mask_probabilities": dict(masks=a([[0.0, 1.0], [1.0, 1.0]], "binary", ok="mismatch-first"),
                                         keep=a([0.5, 0.9], "prob")),
        f"{dr}.ensemble_mean": dict(x=a([1.0, 2.0], "real"), W=a([[1.0, 0.5], [0.0, 1.0]], "real", ok="mismatch-first"),
                                    keep=a([0.5, 0.8], "prob"), output="softmax", mean="geometric"),
        f"{dr}.weight_scaled": dict(W=a([[1.0, 2.0], [3.0, 4.0]], "real", ok="mismatch-first"), keep=a([0.5, 1.0], "prob")),
        # --- normalization ---
        f"{nm}.standardize": dict(X=a([[1.0, 10.0], [3.0, 30.0], [2.0, 5.0]], "real")),
        f"{nm}.batch_norm": dict(H=a(H, "real", ok="mismatch-first"), alpha=a([1.0, 2.0], "real"), beta=a([0.0, 1.0], "real"),
                                 eps=a(1e-5, "nonneg")),
        f"{nm}.batch_norm_backward": dict(H=a(H, "real"), grad_out=a([[1.0, 0.0], [0.5, 1.0], [0.0, -1.0]], "real"),
                                          alpha=a([1.0, 2.0], "real"), eps=a(1e-5, "nonneg")),
        f"{nm}.batch_norm2d": dict(H=a(T([[[[1.0, 2.0]], [[0.5, -1.0]]]]), "real", ok="mismatch-first mismatch-last"),
                                   alpha=a([1.0, 2.0], "real"), beta=a([0.0, 1.0], "real"), eps=a(1e-5, "nonneg")),
        f"{nm}.update_running_stats": dict(running_mean=a([0.0, 0.0], "real"), running_var=a([1.0, 1.0], "nonneg"),
                                           H=a(H, "real", ok="mismatch-first"), momentum=a(0.1, "prob")),
        f"{nm}.batch_norm_eval": dict(H=a(H, "real", ok="mismatch-first"), running_mean=a([0.0, 1.0], "real"),
                                      running_var=a([1.0, 4.0], "nonneg"), alpha=a([1.0, 2.0], "real"),
                                      beta=a([0.0, 1.0], "real"), eps=a(1e-5, "nonneg")),
        f"{nm}.layer_norm": dict(H=a(H, "real", ok="ndim-1 mismatch-first"), alpha=a([1.0, 2.0], "real"),
                                 beta=a([0.0, 1.0], "real"), eps=a(1e-5, "nonneg")),
        f"{nm}.group_norm": dict(H=a(T([[[1.0, 2.0], [0.5, -1.0]], [[0.0, 1.0], [2.0, 2.5]]]), "real", ok="ndim+1 mismatch-first mismatch-last"),
                                 groups=2, alpha=a([1.0, 2.0], "real"), beta=a([0.0, 1.0], "real"), eps=a(1e-5, "nonneg")),
        f"{nm}.weight_norm": dict(v_=a([[3.0, 4.0], [1.0, 0.0]], "real", ok="mismatch-last"), g=a([2.0, -1.0], "real")),
        f"{nm}.weight_norm_grads": dict(v_=a([[3.0, 4.0], [1.0, 0.0]], "real"), g=a([2.0, -1.0], "real"),
                                        grad_w=a([[1.0, 0.0], [0.5, 2.0]], "real")),
        f"{nm}.normalized_preactivation": dict(X=a(H, "real", ok="mismatch-first"),
                                               W=a([[1.0, 0.5], [0.0, 1.0]], "real", ok="mismatch-first"), kind="batch",
                                               eps=a(1e-5, "nonneg")),
        # --- residual ---
        f"{rs}.residual_layer": dict(x=a([[1.0, 2.0], [0.0, -1.0]], "real", ok="ndim-1 mismatch-first"),
                                     W=a([[0.5, 0.0], [0.1, 0.2]], "real"), b=a([0.0, 0.1], "real"), activation="tanh",
                                     Ws=a([[1.0, 0.0], [0.0, 1.0]], "real")),
        f"{rs}.residual_jacobian": dict(x=a([0.5, -1.0], "real"), W=a([[1.0, 2.0], [3.0, 4.0]], "real")),
        f"{rs}.gradient_norms": dict(x=a([0.5, -1.0], "real"), weights=a(T([[[0.1, 0.2], [0.0, 0.3]]]), "real", ok="mismatch-first"),
                                     residual=True, alpha=1.0),
        f"{rs}.residual_growth": dict(d=3, n=2, alpha=a(0.5, "nonneg"), reps=2, generator=G(0)),
        f"{rs}.expected_growth": dict(n=10, a=a(1.0, "nonneg")),
        f"{rs}.residual_step_jacobians": dict(y_prev=a([1.0, -1.0], "real"), theta=a([[2.0, 0.0], [0.5, 1.0]], "real"),
                                              alpha=a(0.5, "nonneg")),
        f"{rs}.dense_channels": dict(k0=4, k=3, L=4),
        f"{rs}.dense_block": dict(x=a(T([[1.0, 2.0], [0.5, 0.0]]), "real", ok="ndim+1"),
                                  layers=a([new_channel], "opaque")),
        # --- ensembles ---
        f"{en}.cyclic_augment": dict(X=a([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], "real", ok="mismatch-last"), y=a([5.0, 1.0], "real")),
        f"{en}.augmented_least_squares": dict(X=a([[1.0, 2.0, 3.0], [0.0, 1.0, 0.0]], "real", ok="mismatch-last"),
                                              y=a([5.0, 1.0], "real")),
        f"{en}.expected_noisy_loss": dict(X=a([[1.0, 0.0], [0.0, 1.0]], "real"), y=a([1.0, 1.0], "real"),
                                          w=a([1.0, 0.5], "real"), sigma=a(0.5, "nonneg")),
        f"{en}.bootstrap_indices": dict(n=5, K=2, size=3, generator=G(0)),
        f"{en}.bagged_average": dict(predictions=a([[0.2, 0.8], [0.6, 0.4]], "real", ok="ndim+1 ndim-1")),
        f"{en}.bootstrap_distinct_fraction": dict(n=10),
        f"{en}.ensemble_error": dict(K=5, var=1.0, cov=a(0.3, "real", above_var=2.0, below_bound=-0.5)),
        # --- distillation ---
        f"{ds}.tempered_softmax": dict(z=a([2.0, 0.0, 1.0], "real", ok="ndim+1"), T=2.0),
        f"{ds}.distillation_loss": dict(F=a([1.0, 0.0, -1.0], "real", ok="ndim+1"), G=a([0.5, 0.5, 0.0], "real", ok="ndim+1"), T=2.0),
        f"{ds}.distillation_grad": dict(F=a([1.0, 0.0, -1.0], "real", ok="ndim+1"), G=a([0.5, 0.5, 0.0], "real", ok="ndim+1"), T=2.0),
        f"{ds}.logit_matching_grad": dict(F=a([1.0, 0.0, -1.0], "real", ok="ndim+1"), G=a([0.5, 0.5, 0.0], "real", ok="ndim+1"), T=2.0),
        # --- digits ---
        f"{dg}.TrickMLP": dict(trick="residual", depth=2, width=4, p=a(0.2, "prob", at_one=1.0)),
        f"{dg}.History": dict(trick="plain", train_loss=a([0.5], "nonneg", ok="empty"), test_loss=a([0.6], "nonneg", ok="empty"),
                              train_acc=a([0.9], "prob", ok="empty"), test_acc=a([0.8], "prob", ok="empty")),
        f"{dg}.train_trick": dict(trick="plain", epochs=1, depth=2, width=4, lr=0.05, weight_decay=a(1e-3, "nonneg"),
                                  p=a(0.2, "prob", at_one=1.0), batch_size=512, seed=a(0, "int"), device=cpu),
        f"{dg}.compare_tricks": dict(epochs=1, seed=a(0, "int"), device=cpu, tricks=a(("plain",), "opaque")),
    }


FIXTURES = tricks_fixtures()
