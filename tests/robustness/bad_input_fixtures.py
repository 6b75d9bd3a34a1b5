"""Valid calls of chapter 11's public functions for the bad-input sweep (``tests/core/bad_input.py``).

``FIXTURES`` (built by ``robustness_fixtures()``) is merged into ``FIXTURES`` of
``tests/core/bad_input_fixtures.py``, which collects ``tests/<part>/bad_input_fixtures.py`` of every part.
"""


def two_logits(x):
    import torch
    return torch.stack([-x[:, 0], x[:, 0]], -1)


def margin_loss(x):
    return -(x[:, 0] - 2 * x[:, 1])


def product(x):
    return x[:, 0] * x[:, 1]


def summed(z):
    return z.sum(-1)


def absolute(t):
    return t.abs()


def linear_map(z):
    import torch
    return torch.stack([3 * z[0], -z[1]])


def pair_game(S):
    return (S[:, 0] & S[:, 1]).double()


def robustness_fixtures() -> dict:
    import torch

    from tests.core.bad_input import a

    T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
    at, pg, df, ab, fa, dg = ("edl.robustness." + m for m in ("attacks", "pgd", "defenses", "attribution", "fairness", "digits"))
    inf = float("inf")
    return {
        # --- attacks ---
        f"{at}.p_norm": dict(x=a([3.0, -4.0], "real", ok="ndim+1"), p=a(2.0, ok="inf zero")),
        f"{at}.dual_exponent": dict(p=a(3.0, ok="inf", below_one=0.5)),
        f"{at}.steepest_direction": dict(z=a([3.0, -4.0], "real", ok="ndim+1", zero_vector=[0.0, 0.0]), p=a(2.0, ok="inf", below_one=0.5)),
        f"{at}.is_adversarial": dict(f=two_logits, x=a([[0.5]], "real", ok="mismatch-last"), delta=a([[-0.6]], "real", ok="mismatch-last"),
                                     y=a([1], "count", ok="ndim+1"), eps=a(0.7, "nonneg"), p=a(2.0, ok="inf zero"),
                                     target=a([0], "count", ok="ndim+1")),
        f"{at}.linear_flips": dict(w=a([1.0, 1.0], "real"), b=a(-1.0, "real"), x=a([1.0, 1.0], "real", ok="ndim+1"),
                                   y=a(1.0, "sign", ok="ndim+1"), delta=a([-0.6, -0.6], "real", ok="ndim+1")),
        f"{at}.linear_minimal_perturbation": dict(w=a([3.0, 4.0], "real", zero_vector=[0.0, 0.0]), b=a(-5.0, "real"),
                                                  x=a([3.0, 4.0], "real", ok="ndim+1"), p=a(2.0, ok="inf", below_one=0.5)),
        f"{at}.linear_multiclass_perturbation": dict(W=a([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]], "real", ok="mismatch-first",
                                                     repeated_rows=[[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]),
                                                     b=a([0.0, 0.0, 0.0], "real"), x=a([[2.0, 1.0]], "real", ok="mismatch-first"),
                                                     overshoot=a(0.0, "nonneg")),
        f"{at}.deepfool_binary_step": dict(c=a(5.0, "real", ok="ndim+1"), grad=a([3.0, 4.0], "real", ok="ndim+1", zero_vector=[0.0, 0.0]),
                                           p=a(2.0, ok="inf", below_one=0.5)),
        f"{at}.deepfool_multiclass_step": dict(h=a([[0.0, -1.0, -3.0]], "real", ok="mismatch-last"),
                                               grad_h=a([[[0.0, 0.0], [0.0, 2.0], [1.0, 0.0]]], "real", ok="mismatch-last"),
                                               k=a([0], "count", out_of_range=[5]), p=a(2.0, ok="inf", below_one=0.5)),
        f"{at}.deepfool": dict(f=two_logits, x=a([[0.5], [-1.0]], "real"), p=a(2.0, ok="inf", below_one=0.5),
                               overshoot=a(0.02, "nonneg"), max_iter=3),
        f"{at}.robustness_measure": dict(r=a([[0.3, 0.4]], "real", ok="mismatch-first"), x=a([[3.0, 4.0]], "real", ok="mismatch-first",
                                                                                                 zero_row=[[0.0, 0.0]])),
        # --- pgd ---
        f"{pg}.project_l2": dict(z=a([[3.0, 4.0]], "real", ok="ndim+1 ndim-1"), eps=a(1.0, "nonneg")),
        f"{pg}.project_linf": dict(z=a([2.0, 0.5], "real", ok="ndim+1 ndim-1"), eps=a(1.0, "nonneg")),
        f"{pg}.fgsm": dict(loss=margin_loss, x=a([[0.5, 0.5]], "real", outside=[[2.0, 0.5]]), eps=a(0.1, "nonneg"),
                           lower=a(0.0, "real"), upper=a(1.0, "real", below_lower=-1.0)),
        f"{pg}.pgd": dict(loss=margin_loss, x=a([[0.5, 0.5]], "real", outside=[[2.0, 0.5]]), eps=0.1, norm="inf",
                          alpha=0.05, steps=2, random_start=True, generator=torch.Generator().manual_seed(0),
                          lower=a(0.0, "real"), upper=a(1.0, "real", below_lower=-1.0)),
        f"{pg}.linear_robust_accuracy": dict(mu=a([1.0, 1.0], "real", zero_vector=[0.0, 0.0]), eps=a(0.05, "nonneg"),
                                             p=a(inf, ok="inf", below_one=0.5)),
        # --- defenses ---
        f"{df}.robust_logistic_loss": dict(w=a([1.0, -1.0], "real", ok="mismatch"), b=a(0.0, "real"), X=a([[1.0, 0.0]], "real", ok="mismatch-first"),
                                           y=a([1.0], "sign"), eps=a(0.5, "nonneg"), p=a(inf, ok="inf", below_one=0.5)),
        f"{df}.train_linear_classifier": dict(X=a([[1.0], [-1.0]], "real", ok="mismatch-last"), y=a([1.0, -1.0], "sign"), eps=a(0.1, "nonneg"),
                                              p=a(inf, ok="inf", below_one=0.5), steps=3, lr=0.1),
        f"{df}.adversarial_training": dict(model=a(torch.nn.Linear(2, 2).double(), "opaque"), X=a(T([[0.0, 1.0], [1.0, 0.0]]), "nonneg",
                                           above_one=T([[2.0, 1.0], [1.0, 0.0]])),
                                           y=a(torch.tensor([0, 1]), "opaque"), eps=a(0.1, "nonneg"), epochs=1, lr=0.1, batch_size=2,
                                           attack_steps=1, seed=a(0, "int")),
        f"{df}.dro_worst_case": dict(loss=absolute, x=a([0.0, 1.0], "real", ok="mismatch"), eps=a(0.5, "nonneg"),
                                     grid=a([-1.0, 0.0, 0.5, 1.0, 1.5], "real", ok="mismatch", far_away=[10.0, 11.0])),
        f"{df}.jacobian_spectral_norm": dict(f=linear_map, x=a([1.0, 1.0], "real"), iters=3, seed=a(0, "int")),
        f"{df}.spectral_norm_bound": dict(weights=a([T([[3.0, 0.0], [0.0, 3.0]]), T([[0.0, 2.0]])], ok="shorter")),
        f"{df}.operator_norm": dict(W=a([[1.0, 2.0], [3.0, -4.0]], "real"), p=a(1.0, ok="inf", below_one=0.5, three=3.0),
                                    q=a(1.0, ok="inf", below_one=0.5)),
        f"{df}.ibp_bounds": dict(weights=[T([[1.0, -1.0]])], biases=[T([0.0])], lower=a([0.0, 0.0], "real"),
                                 upper=a([1.0, 1.0], "real", below_lower=[-1.0, 1.0])),
        f"{df}.smoothing_radius": dict(p_a=a(0.8, "prob", ok="ndim+1", one=1.0), p_b=a(0.2, "prob", ok="ndim+1", zero=0.0), sigma=0.5),
        # --- attribution ---
        f"{ab}.sensitivity": dict(f=product, x=a([[1.0, 2.0]], "real")),
        f"{ab}.ceteris_paribus": dict(f=product, x=a([1.0, 2.0], "real", ok="mismatch"), j=a(1, "int", out_of_range=5), t=a([0.0, 1.0, 3.0], "real", ok="mismatch")),
        f"{ab}.missing_information": dict(w=a([1.0, 1.0], "real"), mu=a([0.0, 0.0], "real"), Sigma=a([[1.0, 0.5], [0.5, 1.0]], "real",
                                          not_definite=[[1.0, 2.0], [2.0, 1.0]]), x=a([1.0, 0.0], "real")),
        f"{ab}.conditional_mutual_information": dict(p=a(T([[[0.25, 0.0], [0.25, 0.0]], [[0.0, 0.25], [0.0, 0.25]]]), "prob",
                                                     not_normalised=T([[[0.5, 0.0], [0.25, 0.0]],
                                                                                                         [[0.0, 0.25], [0.0, 0.25]]])),
                                                     j=a(0, "int", out_of_range=2)),
        f"{ab}.coalitions": dict(n=2, device=torch.device("cpu")),
        f"{ab}.shapley_values": dict(value=pair_game, n=a(2, too_many=25)),
        f"{ab}.interventional_value": dict(f=summed, x=a([1.0, 2.0], "real"), background=a([[0.0, 0.0], [2.0, 2.0]], "real", ok="mismatch-first")),
        f"{ab}.shap_values": dict(f=summed, x=a([1.0, 2.0], "real"), background=a([[0.0, 0.0], [2.0, 2.0]], "real", ok="mismatch-first")),
        f"{ab}.sage_values": dict(f=summed, X=a([[1.0, 1.0], [-1.0, -1.0]], "real"), Y=a([2.0, -2.0], "real"),
                                  background=a([[1.0, 1.0], [-1.0, -1.0]], "real", ok="mismatch-first")),
        # --- fairness ---
        f"{fa}.group_rates": dict(decision=a([1.0, 0.0, 1.0, 1.0], "prob"), y=a([1.0, 0.0, 1.0, 0.0], "binary"), a=a([0.0, 0.0, 1.0, 1.0], "binary")),
        f"{fa}.demographic_parity_gap": dict(decision=a([1.0, 0.0, 1.0, 1.0], "prob"), a=a([0.0, 0.0, 1.0, 1.0], "binary")),
        f"{fa}.equalized_odds_gaps": dict(decision=a([1.0, 0.0, 1.0, 1.0], "prob"), y=a([1.0, 0.0, 1.0, 0.0], "binary"),
                                          a=a([0.0, 0.0, 1.0, 1.0], "binary")),
        f"{fa}.equal_opportunity_gap": dict(decision=a([1.0, 0.0, 1.0, 1.0], "prob"), y=a([1.0, 0.0, 1.0, 0.0], "binary"),
                                            a=a([0.0, 0.0, 1.0, 1.0], "binary")),
        f"{fa}.score_distributions": dict(n_bins=3, mean_pos=a(2.0, "real"), mean_neg=a(0.0, "real"), sd=1.0),
        f"{fa}.fair_decisions": dict(base_rates=a([0.3, 0.6], "prob"), p_pos=a([0.5, 0.5], "prob", ok="ndim+1"),
                                     p_neg=a([0.75, 0.25], "prob", ok="ndim+1"), criterion="equalized odds",
                                     group_weights=a([0.5, 0.5], "prob", not_normalised=[0.5, 0.6])),
        # --- digits ---
        f"{dg}.flat_digits": dict(seed=a(0, "int"), dtype=torch.float32, device=torch.device("cpu")),
        f"{dg}.make_net": dict(hidden=4, seed=a(0, "int"), dtype=torch.float32),
        f"{dg}.robust_accuracy": dict(model=a(torch.nn.Linear(64, 10), "opaque"), X=a(torch.zeros(2, 64), "real"),
                                      y=a(torch.tensor([0, 1]), "opaque"), eps=a(0.1, "nonneg"), attack="fgsm", steps=1),
        f"{dg}.digits_experiment": dict(eps_train=0.1, eps_grid=a([0.0, 0.1], "nonneg"), epochs=1, seed=a(0, "int")),
    }


FIXTURES = robustness_fixtures()
