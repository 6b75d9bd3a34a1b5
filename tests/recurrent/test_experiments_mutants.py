"""Edge cases of edl.recurrent.experiments that its mutation run exposed: the defaults of training and sampling,
the smallest valid sizes, the order of the argument checks, the window the language model is trained on, the
state carried while sampling, the gradient through time against finite differences, and the LRU's decay."""

import pytest
import torch
import torch.nn.functional as F

from edl.recurrent import experiments as ex
from edl.recurrent import lru

TEXT = "abcabcabcabcabcabcabc"


def test_train_char_lm_defaults_are_batch_16_lr_001_seed_0():
    """Two steps with the defaults give the same losses as batch=16, lr=0.01, seed=0 spelt out (the second
    loss depends on the learning rate, both on the batch and the seed)."""
    short = dict(hidden=4, steps=2, seq_len=4)
    default = ex.train_char_lm(TEXT, **short)["losses"]
    explicit = ex.train_char_lm(TEXT, **short, batch=16, lr=0.01, seed=0)["losses"]
    assert default == pytest.approx(explicit, rel=1e-12, abs=0)


def test_train_char_lm_default_width_is_64_units():
    """The default model has 64 LSTM units."""
    run = ex.train_char_lm(TEXT, steps=1, seq_len=2, batch=1)
    assert run["model"].lstm.hidden_size == 64


def test_train_char_lm_default_is_300_steps():
    """The default run records 300 losses (one per step)."""
    run = ex.train_char_lm(TEXT, hidden=1, seq_len=2, batch=1)
    assert len(run["losses"]) == 300


def test_train_char_lm_default_window_is_64_characters():
    """A 64-character text is too short for the default seq_len of 64, and the message gives both numbers."""
    with pytest.raises(ValueError, match=r"^seq_len must be shorter than the text \(64 characters\), got 64$"):
        ex.train_char_lm("ab" * 32)


def test_train_char_lm_smallest_sizes():
    """hidden = 1, seq_len = 2 (one input, one target) and batch = 1 are valid."""
    run = ex.train_char_lm("abcabc", hidden=1, steps=1, seq_len=2, batch=1)
    assert run["model"].lstm.hidden_size == 1 and len(run["losses"]) == 1


def test_train_char_lm_checks_hidden_and_seed_before_the_rest():
    """hidden = 0 is refused before steps = 0 is looked at; seed = -1 before the text length: each message
    names the argument that is checked first."""
    with pytest.raises(ValueError, match=r"^hidden must be at least 1, got 0$"):
        ex.train_char_lm(TEXT, hidden=0, steps=0)
    with pytest.raises(ValueError, match=r"^seed must be at least 0, got -1$"):
        ex.train_char_lm("abc", seq_len=5, seed=-1)


def test_train_char_lm_refuses_a_window_as_long_as_the_text():
    """seq_len = len(text) leaves no room for the target of the last input: refused by name."""
    with pytest.raises(ValueError, match=r"^seq_len must be shorter than the text \(6 characters\), got 6$"):
        ex.train_char_lm("abcabd", seq_len=6)


def test_train_char_lm_first_loss_is_the_seeded_model_on_the_only_window():
    """With seq_len = len(text) - 1 the only window is the whole text: the first loss is the cross-entropy of an
    untrained CharLSTM(vocab, hidden, seed) predicting text[1:] from text[:-1]."""
    text = "abcaabbd"
    run = ex.train_char_lm(text, hidden=3, steps=1, seq_len=len(text) - 1, batch=2, seed=1)
    tokens, vocab = ex.encode_text(text)
    model = ex.CharLSTM(len(vocab), 3, seed=1)
    with torch.no_grad():
        logits, _ = model(tokens[:-1, None])
    want = float(F.cross_entropy(logits[:, 0], tokens[1:]))
    assert run["losses"][0] == pytest.approx(want, rel=1e-6)


def _sharp_model(seed=0):
    """An untrained CharLSTM whose weights are scaled up, so that its predictions depend strongly on context."""
    model = ex.CharLSTM(4, 8, seed=seed)
    with torch.no_grad():
        for p in model.parameters():
            p.mul_(4.0)
    return model


def test_sample_text_defaults_are_temperature_half_and_seed_0():
    """Omitting temperature and seed gives the same text as temperature=0.5, seed=0."""
    model, vocab = _sharp_model(), ["a", "b", "c", "d"]
    default = ex.sample_text(model, vocab, "ab", 40)
    assert default == ex.sample_text(model, vocab, "ab", 40, temperature=0.5, seed=0)
    assert default != ex.sample_text(model, vocab, "ab", 40, temperature=1.5, seed=0)
    assert default != ex.sample_text(model, vocab, "ab", 40, temperature=0.5, seed=1)


def test_sample_text_carries_the_state_over_the_whole_prefix():
    """The sampled continuation equals sampling from the model re-run on the full prefix at every step (same
    generator draws): the incremental LSTM state must hold all the context, not just the last character."""
    model, vocab = _sharp_model(1), ["a", "b", "c", "d"]
    got = ex.sample_text(model, vocab, "abd", 30, temperature=1.0, seed=4)
    g = torch.Generator().manual_seed(4)
    seq = [vocab.index(c) for c in "abd"]
    with torch.no_grad():
        for _ in range(30):
            logits, _ = model(torch.tensor(seq)[:, None])
            p = torch.softmax(logits[-1, 0].double(), 0)
            seq.append(int(torch.multinomial(p, 1, generator=g)))
    assert got == "".join(vocab[i] for i in seq)


def test_sample_text_one_character_and_the_model_named():
    """n = 1 is the shortest continuation; a model that is not a CharLSTM is named by its type."""
    model, vocab = _sharp_model(), ["a", "b", "c", "d"]
    out = ex.sample_text(model, vocab, "ab", 1)
    assert len(out) == 3 and out[:2] == "ab" and out[2] in vocab
    with pytest.raises(ValueError, match=r"^model must be a CharLSTM, got str$"):
        ex.sample_text("model", vocab, "ab", 1)
    with pytest.raises(ValueError, match=r"^model must be a CharLSTM, got str$"):
        ex.gradient_through_time("model", [0, 1])


def test_gradient_through_time_matches_finite_differences():
    """In float64, ||d l_T / d x_t|| for every input t = 1..4 agrees with central differences of the loss in the
    one-hot inputs, and the last input (which the last prediction reads) has a nonzero gradient."""
    model = _sharp_model(2).double()
    tokens = [0, 2, 1, 3, 1]
    got = ex.gradient_through_time(model, tokens)
    seq = torch.tensor(tokens)
    x0 = F.one_hot(seq[:-1, None], 4).double()

    def loss(x):
        logits, _ = model(None, inputs=x)
        return float(F.cross_entropy(logits[-1], seq[-1:]))

    eps, fd = 1e-6, torch.zeros(4, 4, dtype=torch.float64)
    with torch.no_grad():
        for t in range(4):
            for k in range(4):
                e = torch.zeros_like(x0)
                e[t, 0, k] = eps
                fd[t, k] = (loss(x0 + e) - loss(x0 - e)) / (2 * eps)
    torch.testing.assert_close(got, fd.norm(dim=1), atol=1e-7, rtol=1e-6)
    assert float(got[-1]) > 1e-3


def test_gradient_through_time_of_the_shortest_sequence_with_unused_symbols():
    """Two tokens (one input, one target) are enough, and tokens need not use the whole vocabulary (one-hot
    vectors have the model's vocabulary size, 4)."""
    g = ex.gradient_through_time(_sharp_model(), [0, 1])
    assert g.shape == (1,) and float(g[0]) > 0


def test_lru_classifier_matches_a_sequential_loop_of_its_recurrence():
    """The logit equals the head applied to Re(C zeta_T), with zeta_t = lam zeta_{t-1} + B x_t run step by step
    and lam = exp(-exp(nu) + i phi) of modulus below 1."""
    model = ex.LRUClassifier(2, 3, seed=0)
    x, _ = ex.memory_task(2, 5, torch.Generator().manual_seed(0))
    with torch.no_grad():
        lam = lru.exp_parameterization(model.nu.double(), model.phi.double())
        assert float(lam.abs().max()) < 1
        B, C = torch.view_as_complex(model.B.double()), torch.view_as_complex(model.C.double())
        zeta = torch.zeros(2, 3, dtype=torch.complex128)
        for x_t in x.double():
            zeta = lam * zeta + x_t.to(torch.complex128) @ B.T
        want = model.head.double()((zeta @ C.T).real)[:, 0]
        got = ex.LRUClassifier(2, 3, seed=0)(x)
    torch.testing.assert_close(got.double(), want, atol=1e-5, rtol=1e-5)
