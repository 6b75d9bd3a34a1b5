"""Valid calls of chapter 9 part 1's public functions for the bad-input sweep (``tests/core/bad_input.py``).

``FIXTURES`` is merged into ``FIXTURES`` of ``tests/core/bad_input_fixtures.py``, which collects
``tests/<part>/bad_input_fixtures.py`` of every part. Calls are tiny: the sweep makes a few thousand of them.
"""


def theory_fixtures() -> dict:
    import torch

    from tests.core.bad_input import G, a

    B = "ndim+1"
    lr, pb, nt, lz = ("edl.theory." + m for m in ("learning", "pacbayes", "ntk", "lazy"))
    theta = [1.0, 0.0, 0.0, 1.0, 2.0, -1.0]                       # m = 2, d = 2
    K = [[2.0, 0.5], [0.5, 1.0]]
    return {
        # --- learning ---
        f"{lr}.risk_decomposition": dict(risk_fit=a(0.3, "real"), risk_class=a(0.25, "real"), risk_bayes=a(0.01, "real")),
        f"{lr}.polynomial_risks": dict(degree=a(3, "int"), n=a(10, ok="ndim+1"), noise_std=a(0.1, "nonneg"), generator=G(0)),
        f"{lr}.generalization_gap": dict(test_error=a([0.3, 0.1], "real", ok="ndim-1 ndim+1"),
                                         train_error=a([0.2, 0.15], "real", ok="ndim-1 ndim+1")),
        f"{lr}.threshold_labellings": dict(x=a([0.2, 0.9, 0.5], "real")),
        f"{lr}.interval_labellings": dict(x=a([0.2, 0.9, 0.5], "real")),
        f"{lr}.growth_function": dict(labellings=a([[0.0, 1.0], [1.0, 1.0]], "binary")),
        f"{lr}.vc_dimension": dict(labellings=a([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0], [1.0, 0.0]], "binary")),
        f"{lr}.cover_count": dict(s=4, n=3),
        f"{lr}.vc_inequality_bound": dict(s=a(2000.0, ok=B), epsilon=a(0.05, ok=B), growth=a(2001.0, ok=B)),
        f"{lr}.vc_generalization_bound": dict(train_error=a(0.1, "real", ok=B), n=a(500.0, ok=B),
                                              growth_2n=a(1001.0, ok=B, below_one=0.5), delta=a(0.05, "prob", zero=0.0, one=1.0)),
        f"{lr}.rademacher_finite": dict(values=a([[1.0, -1.0], [1.0, 1.0]], "real", ok="mismatch-first"),
                                        signs=a([[1.0, 1.0], [1.0, -1.0]], "sign", ok="mismatch-first")),
        f"{lr}.rademacher_linear": dict(X=a([[1.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-last"), B=1.0,
                                        signs=a([[1.0, 1.0], [1.0, -1.0]], "sign", ok="mismatch-first")),
        f"{lr}.rademacher_bound": dict(rademacher=a(0.05, "nonneg"), best_risk=a(0.1, "nonneg")),
        f"{lr}.random_relu_features": dict(X=a([[1.0, -1.0]], "real", ok="mismatch-first"),
                                           W=a([[1.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-first")),
        f"{lr}.min_norm_fit": dict(F=a([[1.0, 1.0]], "real", ok="mismatch-last"), y=a([2.0], "real")),
        f"{lr}.double_descent": dict(ps=a([2, 4], "sizes"), n=3, d=2, noise=a(0.1, "nonneg"), n_test=4, seeds=1,
                                     ridge=a(0.0, "nonneg")),
        f"{lr}.gd_least_squares": dict(X=a([[1.0, 1.0]], "real"), y=a([2.0], "real"), w0=a([0.0, 0.0], "real"),
                                       lr=0.25, steps=a(3, "int")),
        f"{lr}.min_norm_limit": dict(X=a([[1.0, 1.0]], "real"), y=a([2.0], "real"), w0=a([1.0, -1.0], "real")),
        # --- pacbayes ---
        f"{pb}.gibbs_tilt": dict(p=a([0.5, 0.5], "prob", sum_not_one=[0.5, 0.6]), phi=a([0.0, 1.0], "real")),
        f"{pb}.donsker_varadhan_gap": dict(q=a([0.25, 0.75], "prob", sum_not_one=[0.5, 0.6]),
                                           p=a([0.5, 0.5], "prob", sum_not_one=[0.5, 0.6], zero_mass=[1.0, 0.0]),
                                           phi=a([0.0, 1.0], "real")),
        f"{pb}.mcallester_bound": dict(emp_risk=a(0.1, "prob", ok=B), kl=a(5.0, "nonneg", ok=B), s=a(1000.0, ok=B),
                                       delta=a(0.05, "prob", zero=0.0, one=1.0), form="mcallester"),
        f"{pb}.gaussian_kl_diag": dict(theta=a([1.0, 0.0], "real", ok=B), sigma=a([1.0, 0.5], ok=B), lam=1.0,
                                       theta0=a([0.0, 0.0], "real", ok="ndim-1")),
        f"{pb}.pac_bayes_objective": dict(emp_risk=a(0.1, "prob", ok=B), kl=a(5.0, "nonneg", ok=B), s=a(1000.0, ok=B),
                                          delta=a(0.05, "prob", zero=0.0, one=1.0)),
        f"{pb}.perturb": dict(theta=a([1.0, 0.0], "real"), rho=a([0.0, 0.5], "real"),
                              eta=a([[0.5, 0.5]], "real", ok="ndim-1 ndim+1 mismatch-first")),
        f"{pb}.stochastic_error": dict(X=a([[1.0, 0.0], [0.0, 1.0]], "real"), y=a([1.0, -1.0], "sign"),
                                       theta=a([1.0, -1.0], "real"), rho=a([-1.0, -1.0], "real"), samples=3, generator=G(0)),
        f"{pb}.train_pac_bayes": dict(X=a([[1.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-last"), y=a([1.0, -1.0], "sign"),
                                      delta=a(0.05, "prob", zero=0.0, one=1.0), steps=a(2, "int"), batch=2, lr=0.05,
                                      sigma0=0.5, prior_std=1.0, seed=a(0, "int")),
        # --- ntk ---
        f"{nt}.init_two_layer": dict(m=2, d=2, generator=G(0), dtype=torch.float64, device=torch.device("cpu")),
        f"{nt}.two_layer": dict(theta=a(theta, "real", bad_length=[1.0, 2.0]), X=a([[1.0, 1.0]], "real", ok="mismatch-first"),
                                activation="relu", scale="ntk"),
        f"{nt}.param_jacobian": dict(theta=a(theta, "real", bad_length=[1.0, 2.0]), X=a([[1.0, 1.0]], "real", ok="mismatch-first"),
                                     activation="tanh", scale="ntk"),
        f"{nt}.empirical_ntk": dict(theta=a(theta, "real", bad_length=[1.0, 2.0]), X1=a([[1.0, 1.0]], "real", ok="mismatch-first"),
                                    X2=a([[0.5, 1.0], [1.0, 0.0]], "real", ok="mismatch-first"), activation="tanh", scale="ntk"),
        f"{nt}.linearized": dict(theta0=a(theta, "real", bad_length=[1.0, 2.0]), delta=a([0.1] * 6, "real"),
                                 X=a([[1.0, 1.0]], "real", ok="mismatch-first"), activation="tanh", scale="ntk"),
        f"{nt}.dual_predict": dict(alpha=a([1.0, -1.0], "real"), K_cross=a([[2.0, 1.0]], "real", ok="mismatch-first"),
                                   f0=a([0.5], "real")),
        f"{nt}.dual_loss": dict(alpha=a([0.5, 0.0], "real"), K=a(K, "real"), f0=a([0.0, 0.0], "real"), y=a([1.0, 1.0], "real")),
        f"{nt}.kernel_regression": dict(K=a(K, "real"), K_cross=a([[1.0, 0.5]], "real", ok="mismatch-first"),
                                        y=a([1.0, 0.0], "real"), f0=a([0.5, 0.0], "real"), f0_cross=a([0.2], "real")),
        f"{nt}.param_gradient_flow": dict(theta=a(theta, "real", bad_length=[1.0, 2.0]), X=a([[1.0, 1.0]], "real"),
                                          y=a([1.0], "real"), activation="tanh", scale="ntk"),
        f"{nt}.functional_gradient_flow": dict(K=a(K, "real"), y=a([1.0, 0.0], "real"), f=a([0.0, 0.0], "real")),
        f"{nt}.linear_ode_solution": dict(K=a(K, "real", not_psd=[[1.0, 2.0], [2.0, 1.0]]), y=a([1.0, 0.0], "real"),
                                          f0=a([0.0, 0.0], "real"), t=a(1.0, "nonneg"),
                                          K_cross=a([[1.0, 0.5]], "real", ok="mismatch-first"), f0_cross=a([0.2], "real")),
        f"{nt}.relu_ntk_infinite": dict(X1=a([[1.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-first", zero_row=[[0.0, 0.0]]),
                                        X2=a([[1.0, 1.0]], "real", ok="mismatch-first")),
        # --- lazy ---
        f"{lz}.kernel_data": dict(n=3, d=2, seed=a(0, "int")),
        f"{lz}.train_gd": dict(theta=a(theta, "real", bad_length=[1.0, 2.0]), X=a([[1.0, 1.0]], "real"), y=a([1.0], "real"),
                               lr=0.1, steps=a(2, "int"), activation="tanh", scale="ntk"),
        f"{lz}.linearized_gd_prediction": dict(K=a(K, "real"), K_cross=a([[1.0, 0.5]], "real", ok="mismatch-first"),
                                               y=a([1.0, 0.0], "real"), f0=a([0.0, 0.0], "real"), f0_cross=a([0.2], "real"),
                                               lr=0.25, steps=a(3, "int")),
        f"{lz}.kernel_gradient": dict(theta=a(theta, "real", bad_length=[1.0, 2.0]), x=a([1.0, 0.5], "real"),
                                      z=a([0.0, 1.0], "real"), activation="tanh", scale="ntk"),
        f"{lz}.relative_curvature": dict(theta=a(theta, "real", bad_length=[1.0, 2.0]), x=a([1.0, 0.5], "real")),
        f"{lz}.relative_kernel_change": dict(K0=a(K, "real", zero_matrix=[[0.0, 0.0], [0.0, 0.0]]), K1=a(K, "real")),
        f"{lz}.kernel_change_experiment": dict(widths=a([2], "sizes"), regime="lazy", seeds=1, n=3, d=2, T=a(0.5),
                                               lr_fraction=0.5),
        f"{lz}.constancy_experiment": dict(widths=a([2], "sizes"), seeds=1, n=3, n_test=2, d=2, T=a(0.5)),
        f"{lz}.infinite_width_error": dict(widths=a([2], "sizes"), seeds=1, n=2, d=2),
    }


FIXTURES = theory_fixtures()
