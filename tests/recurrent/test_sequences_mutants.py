"""Edge cases of edl.recurrent.sequences that its mutation run exposed: the shortest valid lengths and sizes,
tight distribution tolerances, error messages naming the argument the shape comes from, half-precision and
float32 dtypes kept, the scale of the encoder-decoder's initialisation, the conditional tables checked by name, and
ancestral sampling of one sequence with certain steps."""

import math

import pytest
import torch

from edl.recurrent import sequences as sq

F32 = torch.float32


def test_chain_rule_joint_of_one_variable_is_its_distribution():
    """One conditional is the joint itself (T = 1 is the shortest chain)."""
    assert sq.chain_rule_joint([[0.25, 0.75]]).tolist() == [0.25, 0.75]


def test_chain_rule_joint_keeps_a_half_precision_dtype():
    """bfloat16 conditionals give a bfloat16 joint (exactly representable values: products are exact)."""
    cs = [torch.tensor([0.25, 0.75], dtype=torch.bfloat16),
          torch.tensor([[0.5, 0.5], [1.0, 0.0]], dtype=torch.bfloat16)]
    joint = sq.chain_rule_joint(cs)
    assert joint.dtype == torch.bfloat16
    assert joint.tolist() == [[0.125, 0.125], [0.75, 0.0]]


@pytest.mark.parametrize("call, name", [
    (lambda: sq.markov_marginals([0.5, 0.5 + 1e-7], [[1.0, 0.0], [0.0, 1.0]], 2), "pi0"),
    (lambda: sq.markov_marginals([0.5, 0.5], [[1.0, 0.0], [0.5, 0.5 + 1e-7]], 2), "P"),
])
def test_markov_distributions_must_sum_to_one_within_1e_9(call, name):
    """A sum off by 1e-7 is refused: the chain's tolerance is 1e-9, tighter than the default 1e-6."""
    with pytest.raises(ValueError, match=rf"^{name} must sum to 1 along its last axis"):
        call()


def test_markov_transition_matrix_of_the_wrong_size_names_pi0():
    """P must be (S, S) with S from pi0: the message says so."""
    with pytest.raises(ValueError, match=r"^P must have shape \(2, 2\) to match pi0, got shape \(3, 3\)$"):
        sq.markov_marginals([0.5, 0.5], torch.full((3, 3), 1 / 3), 2)


def test_markov_marginals_with_a_list_P_keep_the_float32_of_pi0():
    """A list P takes pi0's float32: pi_2 = pi_1 P = (0.5, 0.5) for pi_1 = (1, 0) and P = [[.5, .5], [0, 1]]."""
    m = sq.markov_marginals(torch.tensor([1.0, 0.0], dtype=F32), [[0.5, 0.5], [0.0, 1.0]], 2)
    assert m.dtype == F32
    assert m.tolist() == [[1.0, 0.0], [0.5, 0.5]]


def test_markov_marginals_of_one_step_are_pi0():
    """T = 1 is the shortest horizon: the only marginal is pi0."""
    assert sq.markov_marginals([0.25, 0.75], [[0.5, 0.5], [0.0, 1.0]], 1).tolist() == [[0.25, 0.75]]


def test_markov_sequence_prob_names_the_valid_states():
    """With 2 states, the valid states are 0..1, and the message says so."""
    with pytest.raises(ValueError, match=r"^seq must hold states 0\.\.1, got \[0, 2\]$"):
        sq.markov_sequence_prob([0, 2], [0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]])


def test_kalman_predictive_accepts_a_known_initial_state():
    """p0 = 0 (h_1 = m0 exactly) is valid: by hand with a = 2, q = 1, c = 1, r = 1, m0 = 3, x = (5, 0):
    step 1 predicts N(3, 0 + 1); the gain is 0, so h_2 ~ N(2 * 3, 4 * 0 + 1) and step 2 predicts N(6, 2)."""
    means, variances = sq.kalman_predictive([5.0, 0.0], a=2.0, q=1.0, c=1.0, r=1.0, m0=3.0, p0=0.0)
    assert means.tolist() == [3.0, 6.0]
    assert variances.tolist() == [1.0, 2.0]


def test_seq2seq_likelihood_names_the_four_variables_it_needs():
    """A 2-D joint is refused as having too few dimensions, a 5-D one as not having exactly 4."""
    with pytest.raises(ValueError, match=r"^joint must have at least 4 dimension\(s\), got shape \(2, 2\)$"):
        sq.seq2seq_likelihood(torch.full((2, 2), 0.25))
    with pytest.raises(ValueError, match=r"^joint must have 4 dimension\(s\), got shape \(2, 2, 2, 2, 2\)$"):
        sq.seq2seq_likelihood(torch.full((2,) * 5, 1 / 32))


def test_ar1_rollouts_of_the_shortest_series():
    """y = (y_0, y_1) is the shortest valid series: one prediction, a_hat * y_0, both ways; y_0 alone is refused."""
    teacher, free = sq.ar1_rollouts(3.0, [2.0, 5.0])
    assert teacher.tolist() == [6.0] and free.tolist() == [6.0]
    with pytest.raises(ValueError, match=r"^y must hold y_0 and at least one more value, got \[1\.0\]$"):
        sq.ar1_rollouts(3.0, [1.0])


def test_encoder_decoder_of_size_one_and_one_step():
    """n_in = n_hidden = n_out = 1 and steps = 1 are the smallest valid model and horizon: (1, B, 1) out."""
    model = sq.EncoderDecoder(1, 1, 1, seed=0)
    y = model(torch.zeros(4, 3, 1), steps=1)
    assert y.shape == (1, 3, 1)


def test_encoder_decoder_initialisation_is_uniform_on_plus_minus_one_over_root_n_hidden():
    """With n_hidden = 4 every weight and bias lies in [-1/2, 1/2], as in torch's own GRU initialisation, and the
    214 draws reach both ends (max > 0.45, min < -0.45) with a mean near 0."""
    model = sq.EncoderDecoder(3, 4, 2, seed=5)
    w = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert w.numel() == 214
    assert float(w.max()) <= 0.5 and float(w.min()) >= -0.5
    assert float(w.max()) > 0.45 and float(w.min()) < -0.45
    assert abs(float(w.mean())) < 0.05


def test_encoder_decoder_refuses_bad_inputs_by_name():
    """A 2-D x and steps = 0 are refused with messages naming x and steps."""
    model = sq.EncoderDecoder(2, 3, 2, seed=0)
    with pytest.raises(ValueError, match=r"^x must have 3 dimension\(s\), got shape \(5, 2\)$"):
        model(torch.zeros(5, 2), steps=2)
    with pytest.raises(ValueError, match=r"^steps must be at least 1, got 0$"):
        model(torch.zeros(5, 1, 2), steps=0)


def test_encoder_decoder_reads_a_list_input_in_the_model_dtype():
    """A list x becomes float32 like the model's parameters: same outputs as the float32 tensor."""
    model = sq.EncoderDecoder(2, 3, 2, seed=0)
    x = [[[1.0, -0.5]], [[0.25, 2.0]]]
    y = model(x, steps=2)
    assert y.dtype == F32
    torch.testing.assert_close(y, model(torch.tensor(x, dtype=F32), steps=2), atol=0, rtol=0)


def test_chain_rule_conditionals_of_one_variable_and_the_joint_tolerance():
    """A joint of one variable is its own single conditional; a joint summing to 1 + 1e-7 is refused (the
    tolerance is 1e-9), by name."""
    assert [c.tolist() for c in sq.chain_rule_conditionals([0.25, 0.75])] == [[0.25, 0.75]]
    with pytest.raises(ValueError, match=r"^joint must sum to 1 along its last axis"):
        sq.chain_rule_conditionals(torch.tensor([0.25, 0.75 + 1e-7], dtype=torch.float64))


def test_conditional_tables_are_checked_by_name_against_the_first():
    """conditionals[1] must be (K, K) with K from conditionals[0]; each table must sum to 1 within 1e-9; both
    messages name the table."""
    g = torch.Generator().manual_seed(0)
    with pytest.raises(ValueError, match=r"^conditionals\[1\] must have shape \(2, 2\) to match conditionals\[0\], "
                                         r"got shape \(2, 3\)$"):
        sq.ancestral_sample([[0.5, 0.5], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]], 1, g)
    with pytest.raises(ValueError, match=r"^conditionals\[0\] must sum to 1 along its last axis"):
        sq.ancestral_sample([torch.tensor([0.5, 0.5 + 1e-7], dtype=torch.float64)], 1, g)


def test_ancestral_sample_of_one_sequence_with_certain_steps_and_its_generator_messages():
    """n = 1 is valid, and a certain conditional (one category of probability 1) is always drawn; a generator is
    required: an integer is refused as not one, None by its own message."""
    cs = [[0.0, 1.0], [[1.0, 0.0], [0.0, 1.0]]]
    assert sq.ancestral_sample(cs, 1, torch.Generator().manual_seed(0)).tolist() == [[1, 1]]
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator or None, got 7$"):
        sq.ancestral_sample(cs, 2, 7)
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator, got None$"):
        sq.ancestral_sample(cs, 2, None)


def test_ancestral_sample_of_a_single_category():
    """K = 1 is a valid (if dull) variable: every draw is category 0, one value per sequence and step."""
    out = sq.ancestral_sample([[1.0], [[1.0]]], 3, torch.Generator().manual_seed(0))
    assert out.tolist() == [[0, 0], [0, 0], [0, 0]]
