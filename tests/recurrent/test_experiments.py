"""Tests of edl.recurrent.experiments at a small size: the Zen text, the character LSTM, the memory task."""

import pytest
import torch

from edl.recurrent import experiments as ex


def test_zen_text_and_encoding():
    text = ex.zen_text()
    assert text.startswith("The Zen of Python") and "Beautiful is better than ugly." in text and len(text) == 856
    tokens, vocab = ex.encode_text(text)
    assert len(vocab) == 45 and "".join(vocab[i] for i in tokens.tolist()) == text
    with pytest.raises(ValueError, match="text"):
        ex.encode_text("a")


def test_char_lm_learns_and_samples():
    run = ex.train_char_lm("abcabcabcabcabcabcabc", hidden=8, steps=60, seq_len=6, batch=4, lr=0.05)
    assert run["losses"][-1] < 0.5 * run["losses"][0]
    assert ex.sample_text(run["model"], run["vocab"], "ab", 6, temperature=0.1) == "abcabcab"
    g = ex.gradient_through_time(run["model"], [0, 1, 2, 0, 1])
    assert g.shape == (4,) and bool((g >= 0).all())
    with pytest.raises(ValueError, match="prime"):
        ex.sample_text(run["model"], run["vocab"], "z", 2)
    with pytest.raises(ValueError, match="seq_len"):
        ex.train_char_lm("abc", seq_len=5)


def test_memory_task_and_models():
    x, y = ex.memory_task(5, 7, torch.Generator().manual_seed(0))
    assert x.shape == (7, 5, 2) and torch.equal(x[0, :, 0], 2 * y - 1) and bool((x[1:, :, 0] == 0).all())
    for model in (ex.LRUClassifier(2, 4), ex.RNNClassifier(2, 4)):
        assert model(x).shape == (5,)
    out = ex.train_memory(ex.LRUClassifier(2, 8), T=20, steps=40, batch=16, lr=0.02)
    assert out["accuracy"] > 0.9 and len(out["losses"]) == 40
    with pytest.raises(ValueError, match="model"):
        ex.train_memory("model")


def test_model_initialisation():
    lstm = ex.CharLSTM(5, 4, seed=3)
    assert lstm.lstm.bias_ih_l0[4:8].tolist() == [1.0] * 4 and lstm.vocab_size == 5
    torch.testing.assert_close(ex.CharLSTM(5, 4, seed=3).readout.weight, lstm.readout.weight)
    model = ex.LRUClassifier(2, 50, r_min=0.9, r_max=0.999, seed=0)
    r = torch.exp(-torch.exp(model.nu.detach().double()))
    assert float(r.min()) >= 0.9 - 1e-6 and float(r.max()) <= 0.999 + 1e-6
    assert model.B.shape == (50, 2, 2) and model.C.shape == (50, 50, 2)
    x, _ = ex.memory_task(2000, 3, torch.Generator().manual_seed(1))
    assert abs(float(x[:, :, 1].std()) - 1) < 0.03 and abs(float(x[0, :, 0].mean())) < 0.1


def test_char_lm_first_loss_is_the_uniform_guess():
    run = ex.train_char_lm(ex.zen_text(), hidden=8, steps=1, seq_len=16, batch=2)
    assert run["losses"][0] == pytest.approx(3.8067, abs=0.05)       # ln 45 = 3.8067 at initialisation
