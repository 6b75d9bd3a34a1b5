"""Edge cases of edl.recurrent.experiments that its mutation run exposed: the defaults of training and sampling,
the smallest valid sizes, the order of the argument checks, the window the language model is trained on, the
state carried while sampling, the gradient through time against finite differences, the LRU's decay, the memory
task's smallest sizes and fresh noise, the classifiers' initial scales, seeds and heads, and train_memory's defaults,
clipping and accuracy threshold (through probe models that record what training feeds them)."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn

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


# --- the memory task, its classifiers and their training ---------------------------------------------------------

def test_memory_task_of_one_sequence_of_one_step():
    """n = 1 and T = 1 are the smallest task: one first bit (+-1 and its 0/1 label), one noise value."""
    x, y = ex.memory_task(1, 1, torch.Generator().manual_seed(0))
    assert x.shape == (1, 1, 2) and y.shape == (1,)
    assert float(x[0, 0, 0]) == 2 * float(y[0]) - 1


def test_memory_task_generator_messages():
    """A generator is required: an integer is refused as not a generator, None by its own message."""
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator or None, got 5$"):
        ex.memory_task(2, 3, 5)
    with pytest.raises(ValueError, match=r"^generator must be a torch\.Generator, got None$"):
        ex.memory_task(2, 3, None)


def test_memory_task_noise_is_fresh_at_every_step():
    """Channel 1 is independent N(0, 1) noise at every step: no two steps repeat the same values, and the
    steps are uncorrelated with unit variance (2000 draws)."""
    x, _ = ex.memory_task(40, 50, torch.Generator().manual_seed(3))
    noise = x[:, :, 1].double()
    assert bool((noise[1:] != noise[:1]).all())
    assert abs(float(noise.std()) - 1) < 0.06
    assert abs(float((noise[1:] * noise[:-1]).mean())) < 0.1


def test_lru_classifier_default_seed_is_0():
    """LRUClassifier(n_in, m) has the parameters of seed=0, which differ from those of seed=1."""
    default, zero, one = (ex.LRUClassifier(2, 3, **kw) for kw in ({}, {"seed": 0}, {"seed": 1}))
    for a, b, c in zip(default.parameters(), zero.parameters(), one.parameters()):
        assert torch.equal(a, b) and not torch.equal(a, c)


def test_lru_classifier_smallest_sizes_and_the_width_named():
    """n_in = 1 and m = 1 are valid; m = 0 is refused by name."""
    x, _ = ex.memory_task(2, 3, torch.Generator().manual_seed(0))
    assert ex.LRUClassifier(1, 1)(x[:, :, :1]).shape == (2,)
    with pytest.raises(ValueError, match=r"^m must be at least 1, got 0$"):
        ex.LRUClassifier(2, 0)


def test_lru_classifier_input_and_output_matrices_have_glorot_like_scales():
    """B's real and imaginary parts are N(0, 1 / (2 n_in)) (so B x has unit variance for unit inputs) and C's
    are N(0, 1 / m): the sample standard deviations of 1600 and 20000 entries are within a few percent."""
    model = ex.LRUClassifier(8, 100, seed=0)
    assert float(model.B.detach().double().std()) == pytest.approx(1 / math.sqrt(16), rel=0.06)
    assert float(model.C.detach().double().std()) == pytest.approx(1 / math.sqrt(100), rel=0.03)


def test_lru_classifier_heads_differ_for_125_seeds():
    """The head is seeded from a number drawn from 2**62 values, so 125 seeds give 125 different heads (a draw
    from 124 values or fewer would have to repeat one)."""
    firsts = {float(ex.LRUClassifier(1, 1, seed=s).head[0].bias[0].detach()) for s in range(125)}
    assert len(firsts) == 125


def test_lru_classifier_head_is_nonlinear_with_one_logit():
    """The recurrence is linear and zeta = 0 for x = 0, so only the MLP head can bend the output: f(x) + f(-x)
    differs from 2 f(0) for a large input. The head gives one logit per example."""
    model = ex.LRUClassifier(2, 4, seed=0)
    x, _ = ex.memory_task(3, 5, torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert model.head(torch.zeros(3, 4)).shape == (3, 1)
        bend = model(10 * x) + model(-10 * x) - 2 * model(torch.zeros_like(x))
    assert float(bend.abs().max()) > 1e-2


def test_rnn_classifier_reads_the_last_state():
    """The logit is the head of the final hidden state h_T that torch's nn.RNN returns (T = 3: not h_1, h_2)."""
    model = ex.RNNClassifier(2, 4, seed=0)
    x, _ = ex.memory_task(5, 3, torch.Generator().manual_seed(0))
    with torch.no_grad():
        _, h_n = model.rnn(x)
        torch.testing.assert_close(model(x), model.head(h_n[0])[:, 0])


class _Probe(nn.Module):
    """The logit 100 w s of the first bit s = +-1 (w starts at 0); records each batch, w and w's gradient as seen
    by every call, so that the gradient of the previous step is visible after clipping."""

    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.zeros(1))
        self.shapes, self.firsts, self.ws, self.grads = [], [], [], []

    def forward(self, x):
        self.shapes.append(tuple(x.shape))
        if not self.firsts:
            self.firsts.append(x.clone())
        self.ws.append(float(self.w.detach()))
        self.grads.append(None if self.w.grad is None else float(self.w.grad))
        return 100 * self.w * x[0, :, 0]


@pytest.fixture(scope="module")
def default_probe_run():
    """train_memory with every default on the probe (150 cheap steps)."""
    probe = _Probe()
    return probe, ex.train_memory(probe)


def test_train_memory_defaults_are_150_steps_of_64_sequences_of_100_steps(default_probe_run):
    """The defaults: 150 training batches of shape (T, batch, 2) = (100, 64, 2), then one test batch of 1000."""
    probe, run = default_probe_run
    assert len(run["losses"]) == 150 and probe.shapes[:150] == [(100, 64, 2)] * 150
    assert probe.shapes[150:] == [(100, 1000, 2)]


def test_train_memory_default_lr_and_the_losses(default_probe_run):
    """At w = 0 the loss is log 2; the gradient -50 is clipped to norm 1 (seen by the next call), and Adam's
    first step moves w by lr = 0.01 exactly in its direction, so the second loss is log(1 + e^-1)."""
    probe, run = default_probe_run
    assert run["losses"][0] == pytest.approx(math.log(2), rel=1e-6)
    assert probe.grads[1] == pytest.approx(-1.0, rel=1e-6)
    assert probe.ws[1] == pytest.approx(0.01, rel=1e-5)
    assert run["losses"][1] == pytest.approx(math.log1p(math.exp(-1)), rel=1e-5)


def test_train_memory_default_seed_is_0(default_probe_run):
    """The first batch of the default run is the first batch of seed=0 and not that of seed=1."""
    probe, _ = default_probe_run
    zero, one = _Probe(), _Probe()
    ex.train_memory(zero, steps=1, seed=0)
    ex.train_memory(one, steps=1, seed=1)
    assert torch.equal(probe.firsts[0], zero.firsts[0]) and not torch.equal(probe.firsts[0], one.firsts[0])


class _Threshold(nn.Module):
    """A fixed logit: 0.5 for a first bit of +1, exactly 0 for -1 (its parameter has no effect)."""

    def __init__(self):
        super().__init__()
        self.p = nn.Parameter(torch.zeros(1))

    def forward(self, x):
        return 0.5 * (x[0, :, 0] > 0).float() + 0 * self.p


def test_train_memory_accuracy_predicts_1_for_positive_logits_only():
    """A logit of exactly 0 predicts label 0 and a logit of 0.5 label 1 (the sign of the logit, threshold
    probability 1/2), so this model scores accuracy 1 on the 1000 test sequences."""
    run = ex.train_memory(_Threshold(), T=1, steps=1, batch=1)
    assert run["accuracy"] == 1.0


def test_train_memory_names_the_type_of_a_wrong_model():
    """A model that is not an nn.Module is refused with its type's name."""
    with pytest.raises(ValueError, match=r"^model must be a torch\.nn\.Module, got str$"):
        ex.train_memory("model")


def test_seeded_models_leave_the_accelerator_generators_alone(monkeypatch):
    """Building a seeded model seeds only the CPU generator inside its fork: torch.manual_seed would also reseed
    every CUDA device's generator (which fork_rng(devices=[]) does not restore), changing the random numbers of
    unrelated GPU code. The CPU weights are unchanged by this: still those of torch.manual_seed(seed)."""
    calls = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", calls.append)
    model = ex.RNNClassifier(2, 3, seed=5)
    ex.LRUClassifier(2, 3, seed=5)
    ex.CharLSTM(4, 3, seed=5)
    assert calls == []
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)                          # reseeds the (patched, recording) CUDA generators too
        want = nn.RNN(2, 3).weight_ih_l0
    assert torch.equal(model.rnn.weight_ih_l0, want)


def test_classifier_widths_are_checked_before_the_seed():
    """m = 0 is refused by the classifier itself, before the seed (and before the LRU's ring sampler) is looked
    at; n_in = 1 and m = 1 are the smallest RNN classifier."""
    with pytest.raises(ValueError, match=r"^m must be at least 1, got 0$"):
        ex.LRUClassifier(2, 0, seed=-1)
    x, _ = ex.memory_task(2, 3, torch.Generator().manual_seed(0))
    assert ex.RNNClassifier(1, 1)(x[:, :, :1]).shape == (2,)


def test_rnn_classifier_default_seed_and_head():
    """RNNClassifier(n_in, m) has the parameters of seed=0 (not those of seed=1), and its head is a nonlinear
    MLP with one logit: with its biases zeroed the tanh RNN is odd in x (h_0 = 0), so a head without a bend would
    give f(x) + f(-x) = 2 f(0)."""
    default, zero, one = (ex.RNNClassifier(2, 3, **kw) for kw in ({}, {"seed": 0}, {"seed": 1}))
    for a, b, c in zip(default.parameters(), zero.parameters(), one.parameters()):
        assert torch.equal(a, b) and not torch.equal(a, c)
    with torch.no_grad():
        assert default.head(torch.zeros(4, 3)).shape == (4, 1)
        default.rnn.bias_ih_l0.zero_()
        default.rnn.bias_hh_l0.zero_()
        x, _ = ex.memory_task(3, 4, torch.Generator().manual_seed(0))
        bend = default(10 * x) + default(-10 * x) - 2 * default(torch.zeros_like(x))
    assert float(bend.abs().max()) > 1e-2


def test_encode_text_of_two_characters_and_train_char_lm_returns_the_tokens():
    """Two characters are the shortest text; train_char_lm returns the encoded text under "tokens"."""
    tokens, vocab = ex.encode_text("ba")
    assert tokens.tolist() == [1, 0] and vocab == ["a", "b"]
    run = ex.train_char_lm("abcab", hidden=1, steps=1, seq_len=2, batch=1)
    assert run["tokens"].tolist() == [0, 1, 2, 0, 1] and run["vocab"] == ["a", "b", "c"]


def test_char_lstm_default_seed_and_smallest_vocabulary():
    """CharLSTM(V, hidden) has the parameters of seed=0 (not those of seed=1); two characters are the smallest
    vocabulary, giving two logits per step."""
    default, zero, one = (ex.CharLSTM(2, 3, **kw) for kw in ({}, {"seed": 0}, {"seed": 1}))
    for a, b, c in zip(default.parameters(), zero.parameters(), one.parameters()):
        assert torch.equal(a, b) and not torch.equal(a, c)
    with torch.no_grad():
        assert default(torch.tensor([[0], [1]]))[0].shape == (2, 1, 2)


def test_seeded_models_do_not_read_the_accelerator_generators(monkeypatch):
    """The fork around a model's seeded initialisation covers the CPU generator only (the one it seeds): even
    with two CUDA devices reported, no device's generator state is read (which would initialise every device)."""
    reads = []
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)
    monkeypatch.setattr(torch.cuda, "get_rng_state", lambda device="cuda": reads.append(device))
    monkeypatch.setattr(torch.cuda, "set_rng_state", lambda state, device="cuda": reads.append(device))
    ex.RNNClassifier(2, 3, seed=5)
    ex.LRUClassifier(2, 3, seed=5)
    ex.CharLSTM(4, 3, seed=5)
    assert reads == []
