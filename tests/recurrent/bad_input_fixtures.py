"""Valid calls of chapter 5's public functions for the bad-input sweep (``tests/core/bad_input.py``).

``FIXTURES`` (built by ``recurrent_fixtures()``) is merged into ``FIXTURES`` of
``tests/core/bad_input_fixtures.py``, which collects ``tests/<part>/bad_input_fixtures.py`` of every part.
"""


def half_step(z, x_t):
    return 0.5 * z + x_t


def recurrent_fixtures() -> dict:
    import torch

    from tests.core.bad_input import G, a

    T = lambda values: torch.tensor(values, dtype=torch.float64)  # noqa: E731
    el, gr, ga, st, lr, ct, sq, ar, ex = ("edl.recurrent." + m for m in (
        "elman", "gradients", "gates", "stacked", "lru", "ctc", "sequences", "autoregressive", "experiments"))
    x2 = [[1.0, 0.5], [0.0, -1.0], [0.5, 0.5]]                      # (T 3, n 2)
    U = [[0.5, -0.2], [0.1, 0.3]]
    V = [[1.0, 0.0], [0.5, -0.5]]
    x3 = T([[[1.0, 0.5]], [[0.0, -1.0]]])                            # (T 2, B 1, n 2)
    w4 = T([[0.1], [0.2], [0.3], [0.4]])                             # 4 gate blocks, m = 1, n = 1
    w3 = T([[0.1], [0.2], [0.3]])
    lam = T([0.5, -0.3])
    from edl.recurrent.experiments import CharLSTM, RNNClassifier
    return {
        # --- elman ---
        f"{el}.unroll": dict(step=half_step, x=a([[1.0], [2.0]], "real", ok="mismatch-first mismatch-last"),
                             z0=a([0.0], "real", ok="mismatch")),
        f"{el}.elman_step": dict(z=a([0.1, 0.2], "real", ok="mismatch"), x_t=a([1.0, 0.5], "real", ok="mismatch"),
                                 U=a(U, "real", ok="mismatch-first mismatch-last"), V=a(V, "real", ok="mismatch-first"),
                                 b=a([0.0, 0.1], "real")),
        f"{el}.elman_forward": dict(x=a(x3, "real", ok="mismatch-first"), U=a(U, "real"), V=a(V, "real"), b=a([0.0, 0.1], "real")),
        f"{el}.elman_param_count": dict(n=3, m=5, q=2),
        f"{el}.bptt_state_grads": dict(x=a(x2, "real"), U=a(U, "real"), V=a(V, "real"), W=a([[1.0, -1.0]], "real", ok="mismatch-first"),
                                       delta=a([[1.0], [0.5], [-1.0]], "real"), output="tanh"),
        f"{el}.per_step_param_grads": dict(x=a(x2, "real"), U=a(U, "real"), V=a(V, "real"), gbar=a(x2, "real")),
        f"{el}.bptt_param_grads": dict(x=a(x2, "real"), U=a(U, "real"), V=a(V, "real"), gbar=a(x2, "real")),
        f"{el}.bptt_path_contributions": dict(x=a(x2, "real"), U=a(U, "real"), V=a(V, "real"), theta=a(1.3, "real"),
                                              c=a(x2, "real")),
        # --- gradients ---
        f"{gr}.spectral_norm": dict(A=a([[3.0, 0.0], [4.0, 5.0]], "real"), iters=20),
        f"{gr}.spectral_radius": dict(A=a([[0.5, 1.0], [0.0, 0.2]], "real")),
        f"{gr}.submultiplicative_bound": dict(A=a([[2.0, 0.0], [0.0, 1.0]], "real", ok="mismatch-first"),
                                              B=a([[0.5, 0.0], [0.0, 0.1]], "real", ok="mismatch-last")),
        f"{gr}.state_jacobians": dict(x=a(x2, "real", ok="mismatch-first"), U=a(U, "real"), V=a(V, "real"), z0=a([0.0, 0.1], "real"), act="tanh"),
        f"{gr}.jacobian_norms": dict(x=a(x2, "real", ok="mismatch-first"), U=a(U, "real"), V=a(V, "real"), z0=a([0.0, 0.1], "real"), act="tanh"),
        f"{gr}.vanishing_bound": dict(sigma1=a(0.9, "nonneg"), T=a(3, "int"), act="tanh"),
        f"{gr}.feedforward_bound": dict(weights=a([T([[2.0, 0.0], [0.0, 1.0]]), T([[0.5, 1.0]])], "arrays", ok="shorter"), act="tanh"),
        f"{gr}.clip_by_norm": dict(g=a([3.0, 4.0], "real", ok="ndim+1 ndim-1"), threshold=1.0),
        # --- gates ---
        f"{ga}.lstm_forward": dict(x=a(T([[[1.0]], [[0.5]]]), "real", ok="mismatch-first"), W_ih=a(w4, "real"), W_hh=a(w4, "real"),
                                   b_ih=a([0.0, 1.0, 0.0, 0.0], "real"), b_hh=a([0.1, 0.0, 0.0, 0.2], "real")),
        f"{ga}.cell_path_gain": dict(f=a([[0.5], [0.9]], "prob", ok="ndim+1 ndim-1")),
        f"{ga}.forget_memory": dict(b_f=a(1.0, "real"), T=a(3, "int")),
        f"{ga}.memory_half_life": dict(b_f=a(1.0, "real")),
        f"{ga}.gru_forward": dict(x=a(T([[[1.0]], [[0.5]]]), "real", ok="mismatch-first"), W_ih=a(w3, "real"), W_hh=a(w3, "real"),
                                  b_ih=a([0.0, 1.0, 0.0], "real"), b_hh=a([0.1, 0.0, 0.2], "real"), reset="before"),
        # --- stacked ---
        f"{st}.deep_rnn_forward": dict(x=a(x3, "real", ok="mismatch-first"), weights_ih=[T(V), T(U)], weights_hh=[T(U), T(U)],
                                       biases=[T([0.0, 0.1]), T([0.1, 0.0])]),
        f"{st}.deep_rnn_shapes": dict(d=3, h=4, L=2),
        f"{st}.bidirectional_forward": dict(x=a(x3, "real", ok="mismatch-first"), W_ih=a(V, "real"), W_hh=a(U, "real"),
                                            b=a([0.0, 0.1], "real"), W_ih_rev=a(V, "real"), W_hh_rev=a(U, "real"),
                                            b_rev=a([0.1, 0.0], "real")),
        # --- lru ---
        f"{lr}.linear_recurrence": dict(A=a(U, "real"), B=a(V, "real"), x=a(x2, "real", ok="mismatch-first")),
        f"{lr}.recurrence_kernel": dict(A=a(U, "real", ok="mismatch-first mismatch-last"), B=a(V, "real", ok="mismatch-last"), T=3),
        f"{lr}.convolve_kernel": dict(K=a(T([[[2.0]], [[1.0]]]), "real"), x=a([[1.0], [1.0]], "real")),
        f"{lr}.diagonalize": dict(A=a(U, "real")),
        f"{lr}.diagonal_recurrence": dict(lam=a(lam, "real"), C=a([[1.0], [0.5]], "real"), x=a([[1.0], [2.0]], "real", ok="mismatch-first")),
        f"{lr}.is_stable": dict(lam=a([0.5, -0.9], "real")),
        f"{lr}.state_bound": dict(A=a([[0.5, 0.0], [0.1, 0.2]], "real", unstable=[[1.0, 0.0], [0.0, 0.5]]), B=a(V, "real"),
                                  x=a(x2, "real", ok="mismatch-first")),
        f"{lr}.exp_parameterization": dict(nu=a([0.0, -1.0], "real", ok="ndim-1"), phi=a([0.5, 1.0], "real", ok="ndim-1")),
        f"{lr}.nu_from_modulus": dict(r=a([0.5, 0.9], "prob", ok="ndim+1 ndim-1", one=[1.0, 0.5])),
        f"{lr}.ring_init": dict(m=4, r_min=a(0.4, "nonneg"), r_max=a(0.9, above_one=1.5, below_min=0.3), generator=G(0)),
        f"{lr}.scan_combine": dict(a1=a([2.0], "real", ok="ndim+1 mismatch"), b1=a([1.0], "real", ok="ndim+1 mismatch"),
                                   a2=a([3.0], "real", ok="ndim+1 mismatch"), b2=a([1.0], "real", ok="ndim+1 mismatch")),
        f"{lr}.sequential_scan": dict(lam=a(lam, "real"), u=a([[1.0, 0.0], [1.0, 1.0]], "real", ok="mismatch-first")),
        f"{lr}.parallel_scan": dict(lam=a(lam, "real"), u=a([[1.0, 0.0], [1.0, 1.0]], "real", ok="mismatch-first")),
        f"{lr}.recover_history": dict(lam=a(lam, "real", repeated=[0.5, 0.5]), zeta=a([1.5, -0.3], "real")),
        # --- ctc ---
        f"{ct}.ctc_collapse": dict(path=a([1, 1, 0, 2], "sizes", ok="zero"), blank=a(0, "int")),
        f"{ct}.ctc_alignments": dict(T=3, label=a([1], "sizes", ok="empty", blank=[0], too_big=[3]), num_symbols=2, blank=a(0, "int")),
        f"{ct}.ctc_alignment_count": dict(T=5, U=a(2, "int")),
        f"{ct}.ctc_probability": dict(log_probs=a(T([[-0.5, -1.0], [-0.2, -1.8]]).log_softmax(-1), "real", ok="-inf"),
                                      label=a([1], "sizes", ok="empty", blank=[0]), blank=a(0, "int")),
        f"{ct}.ctc_loss": dict(log_probs=a(T([[-0.5, -1.0], [-0.2, -1.8]]).log_softmax(-1), "real", ok="-inf"),
                               label=a([1], "sizes", ok="empty", blank=[0]), blank=a(0, "int")),
        # --- sequences ---
        f"{sq}.chain_rule_conditionals": dict(joint=a([[0.5, 0.0], [0.25, 0.25]], "prob", ok="ndim-1")),
        f"{sq}.chain_rule_joint": dict(conditionals=a([T([0.5, 0.5]), T([[1.0, 0.0], [0.5, 0.5]])], "arrays", ok="shorter")),
        f"{sq}.ancestral_sample": dict(conditionals=a([T([0.5, 0.5]), T([[1.0, 0.0], [0.5, 0.5]])], "arrays", ok="shorter"), n=3, generator=G(0)),
        f"{sq}.markov_marginals": dict(pi0=a([1.0, 0.0], "prob"), P=a([[0.5, 0.5], [0.0, 1.0]], "prob"), T=3),
        f"{sq}.markov_sequence_prob": dict(seq=a([0, 1, 1], "sizes", ok="zero", out_of_range=[0, 2]), pi0=a([1.0, 0.0], "prob"),
                                           P=a([[0.5, 0.5], [0.0, 1.0]], "prob")),
        f"{sq}.kalman_predictive": dict(x=a([1.0, 0.0], "real"), a=a(0.8, "real"), q=a(0.5, "nonneg"), c=a(1.0, "real"),
                                        r=0.3, m0=a(0.0, "real"), p0=a(1.0, "nonneg")),
        f"{sq}.seq2seq_likelihood": dict(joint=a(torch.full((2, 2, 2, 2), 1 / 16, dtype=torch.float64), "prob"), causal=True),
        f"{sq}.ar1_rollouts": dict(a_hat=a(1.01, "real"), y=a([1.0, 1.0, 1.0], "real", short=[1.0])),
        f"{sq}.EncoderDecoder": dict(n_in=2, n_hidden=3, n_out=2, seed=a(0, "int")),
        f"{sq}.empirical_moments": dict(x=a([[1.0], [3.0]], "real")),
        # --- autoregressive ---
        f"{ar}.fvsbn_conditionals": dict(x=a([[1.0, 0.0]], "binary", ok="mismatch-first"), A=a([[0.0, 0.0], [2.0, 0.0]], "real"), c=a([0.0, 1.0], "real")),
        f"{ar}.nade_conditionals": dict(x=a([[1.0, 0.0]], "binary", ok="mismatch-first"), W=a([[0.5, 1.0]], "real"), c=a([0.0], "real"),
                                        V=a([[1.0], [2.0]], "real"), b=a([0.0, 0.5], "real")),
        f"{ar}.bernoulli_log_likelihood": dict(x=a([[1.0, 0.0]], "binary"), p=a([[0.5, 0.25]], "prob")),
        f"{ar}.made_masks": dict(n=3, degrees=a([1, 2], "sizes", too_big=[1, 3])),
        f"{ar}.causal_mask": dict(k=3, kind="A"),
        f"{ar}.masked_conv1d": dict(x=a([[1.0, 2.0, 3.0]], "real", ok="mismatch-first mismatch-last"), w=a([1.0, 1.0, 1.0], "real", even=[1.0, 1.0]), kind="B"),
        f"{ar}.rnn_lm_log_prob": dict(tokens=a([0, 1], "sizes", ok="zero", out_of_range=[0, 2]), W_xh=a([[1.0, 0.0]], "real"),
                                      W_hh=a([[0.5]], "real"), W_hy=a([[0.0], [1.0]], "real")),
        # --- experiments ---
        f"{ex}.zen_text": dict(),
        f"{ex}.encode_text": dict(text=a("abba", "opaque", ok="string")),
        f"{ex}.CharLSTM": dict(vocab_size=3, hidden=2, seed=a(0, "int")),
        f"{ex}.train_char_lm": dict(text=a("abcabcabca", "opaque", ok="string"), hidden=2, steps=1, seq_len=4, batch=2, lr=0.01, seed=a(0, "int")),
        f"{ex}.sample_text": dict(model=a(CharLSTM(2, 2), "opaque"), vocab=a(["a", "b"], "opaque"), prime="ab", n=2,
                                  temperature=0.5, seed=a(0, "int")),
        f"{ex}.gradient_through_time": dict(model=a(CharLSTM(2, 2), "opaque"), tokens=a([0, 1, 1], "sizes", ok="zero",
                                                                                     too_big=[0, 2])),
        f"{ex}.memory_task": dict(n=2, T=3, generator=G(0)),
        f"{ex}.LRUClassifier": dict(n_in=2, m=2, r_min=a(0.9, "nonneg"), r_max=0.999, seed=a(0, "int")),
        f"{ex}.RNNClassifier": dict(n_in=2, m=2, seed=a(0, "int")),
        f"{ex}.train_memory": dict(model=a(RNNClassifier(2, 2), "opaque"), T=2, steps=1, batch=2, lr=0.01, seed=a(0, "int")),
    }


FIXTURES = recurrent_fixtures()
