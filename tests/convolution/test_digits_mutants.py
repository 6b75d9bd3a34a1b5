"""Tests of edl.convolution.digits that pin what its mutants change: the split, the CNN and the MLP against
torch's own layers and hand counts, the training loop's batches, seeds and defaults, the receptive field
against a hand derivation, and every error message."""

import numpy as np
import pytest
import torch
from torch import nn
from torch.nn import functional as F

from edl.convolution import digits as dg
from edl.convolution import layers as ly

INF, NAN = float("inf"), float("nan")


def _tiny_data(n_train=10, n_test=5, seed=0):
    """Random images whose pixel (0, 0) holds the example's index (so a model can tell which one it sees)."""
    g = torch.Generator().manual_seed(seed)
    Xtr, Xte = torch.rand(n_train, 1, 8, 8, generator=g), torch.rand(n_test, 1, 8, 8, generator=g)
    Xtr[:, 0, 0, 0] = torch.arange(n_train, dtype=torch.float32)
    ytr = torch.randint(0, 10, (n_train,), generator=g)
    yte = torch.randint(0, 10, (n_test,), generator=g)
    return Xtr, ytr, Xte, yte


def _linear(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(64, 10))


def _same_weights(a: nn.Module, b: nn.Module) -> bool:
    return all(torch.allclose(p, q, rtol=1e-6, atol=1e-7) for p, q in zip(a.parameters(), b.parameters()))


class _Recorder(nn.Module):
    """A linear classifier that notes, for every forward pass, whether it trains and which examples it sees."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(64, 10)
        self.seen = []

    def forward(self, x):
        self.seen.append((torch.is_grad_enabled(), x[:, 0, 0, 0].round().long().tolist()))
        return self.fc(x.flatten(1))


# --- load_digits ---------------------------------------------------------------------------------------

def test_load_digits_partitions_sklearns_images_with_their_labels():
    """Train and test together hold every (image, label) pair of scikit-learn's digits once, scaled by 1/16."""
    from sklearn.datasets import load_digits

    ref = load_digits()
    Xtr, ytr, Xte, yte = dg.load_digits()
    assert Xtr.shape == (1297, 1, 8, 8) and Xte.shape == (500, 1, 8, 8) and ytr.shape == (1297,)
    assert Xtr.dtype == torch.float32 and ytr.dtype == torch.long and yte.dtype == torch.long
    assert float(Xtr.min()) == 0.0 and float(torch.cat([Xtr, Xte]).max()) == 1.0

    def rows(images, labels):  # each (image in sixteenths, label) as a row; unique rows with their counts
        table = np.hstack([np.asarray(images, dtype=np.float64).reshape(len(labels), 64), np.asarray(labels)[:, None]])
        return np.unique(table, axis=0, return_counts=True)
    got = rows((16 * torch.cat([Xtr, Xte])).round().numpy(), torch.cat([ytr, yte]).numpy())
    want = rows(ref.images, ref.target)
    assert np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1])


def test_load_digits_split_is_seeded_by_its_own_generator():
    """Same seed, same split under any global seed; seed 0 is the default; another seed gives another split."""
    torch.manual_seed(1)
    a = dg.load_digits(seed=3)
    torch.manual_seed(2)
    b = dg.load_digits(seed=3)
    assert all(torch.equal(u, v) for u, v in zip(a, b))
    assert all(torch.equal(u, v) for u, v in zip(dg.load_digits(), dg.load_digits(seed=0)))
    assert not torch.equal(dg.load_digits(seed=1)[3], dg.load_digits(seed=0)[3])


def test_load_digits_dtype_and_errors():
    """A floating dtype is kept (and exact: the pixels are multiples of 1/16); anything else is refused by name."""
    X64 = dg.load_digits(dtype=torch.float64)[0]
    assert X64.dtype == torch.float64 and torch.equal(16 * X64, (16 * X64).round())
    for bad in (torch.int64, "float32"):
        with pytest.raises(ValueError, match=rf"^dtype must be a floating torch dtype, got {bad!r}$"):
            dg.load_digits(dtype=bad)
    with pytest.raises(ValueError, match=r"^seed must be at least 0, got -1$"):
        dg.load_digits(seed=-1)
    with pytest.raises(ValueError, match=r"^seed must be an integer"):
        dg.load_digits(seed=0.5)
    with pytest.raises(ValueError, match=r"^device must name an available torch device"):
        dg.load_digits(device="no-such-device")


# --- SmallCNN, make_mlp, n_params, cnn_stages -------------------------------------------------------

def _reference_cnn(model: dg.SmallCNN, c1: int, c2: int) -> nn.Sequential:
    """The documented architecture from torch's own modules, carrying ``model``'s weights."""
    ref = nn.Sequential(nn.Conv2d(1, c1, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Conv2d(c1, c2, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                        nn.Flatten(), nn.Linear(4 * c2, 10))
    with torch.no_grad():
        for mine, theirs in zip([ref[0], ref[3], ref[7]], [model.conv1, model.conv2, model.fc]):
            mine.weight.copy_(theirs.weight)
            mine.bias.copy_(theirs.bias)
    return ref


@pytest.mark.parametrize("c1, c2", [(1, 1), (3, 5)])
def test_small_cnn_is_the_documented_stack_of_torch_layers(c1, c2):
    """Forward and features equal conv(same) → ReLU → pool 2 → conv(same) → ReLU → pool 2 → linear from nn."""
    torch.manual_seed(0)
    model = dg.SmallCNN(c1, c2)
    ref = _reference_cnn(model, c1, c2)
    x = torch.rand(4, 1, 8, 8, generator=torch.Generator().manual_seed(1))
    out = model(x)
    assert out.shape == (4, 10)
    torch.testing.assert_close(out, ref(x), atol=1e-6, rtol=1e-5)
    torch.testing.assert_close(model.features(x), ref[1](ref[0](x)), atol=1e-6, rtol=1e-5)
    assert model.features(x).shape == (4, c1, 8, 8)


def test_parameter_counts_by_hand():
    """conv1 9·c1+c1, conv2 9·c1·c2+c2, fc 4·c2·10+10: 1,898 for the default 8, 16; the MLP has 75·h+10."""
    def by_hand(c1, c2):
        return 10 * c1 + 9 * c1 * c2 + c2 + 40 * c2 + 10
    assert dg.n_params(dg.SmallCNN()) == 1898 == by_hand(8, 16)
    for c1, c2 in [(1, 1), (2, 3), (5, 2)]:
        model = dg.SmallCNN(c1, c2)
        assert dg.n_params(model) == by_hand(c1, c2)
        assert model.conv1.weight.shape == (c1, 1, 3, 3) and model.conv2.weight.shape == (c2, c1, 3, 3)
    for h in (1, 2, 25):
        assert dg.n_params(dg.make_mlp(h)) == 75 * h + 10
    assert dg.n_params(nn.Linear(2, 1)) == 3 and dg.n_params(nn.Flatten()) == 0
    with pytest.raises(ValueError, match=r"^model must be a Module, got list$"):
        dg.n_params([nn.Linear(2, 1)])


def test_make_mlp_is_flatten_linear_relu_linear():
    """The MLP on images (B, 1, 8, 8) is torch's Flatten → Linear(64, h) → ReLU → Linear(h, 10), same weights."""
    torch.manual_seed(0)
    for h in (1, 7):
        mlp = dg.make_mlp(h)
        ref = nn.Sequential(nn.Flatten(), nn.Linear(64, h), nn.ReLU(), nn.Linear(h, 10))
        ref.load_state_dict(mlp.state_dict())
        x = torch.rand(5, 1, 8, 8, generator=torch.Generator().manual_seed(2)) - 0.5
        out = mlp(x)
        assert out.shape == (5, 10)
        torch.testing.assert_close(out, ref(x), atol=1e-6, rtol=1e-5)


def test_width_arguments_are_checked_by_name():
    """Widths 1 are allowed, 0 is refused with the argument's name and value."""
    assert dg.n_params(dg.SmallCNN(1, 1)) > 0 and dg.n_params(dg.make_mlp(1)) == 85
    for call, name in [(lambda: dg.SmallCNN(0, 2), "c1"), (lambda: dg.SmallCNN(2, 0), "c2"),
                       (lambda: dg.cnn_stages(0, 2), "c1"), (lambda: dg.cnn_stages(2, 0), "c2"),
                       (lambda: dg.make_mlp(0), "hidden")]:
        with pytest.raises(ValueError, match=rf"^{name} must be at least 1, got 0$"):
            call()
    with pytest.raises(ValueError, match=r"^c1 must be an integer"):
        dg.SmallCNN(2.0, 2)
    with pytest.raises(ValueError, match=r"^hidden must be an integer"):
        dg.make_mlp("3")


@pytest.mark.parametrize("sizes", [None, (1, 1), (3, 5)])
def test_cnn_stages_follow_the_model_shape_by_shape(sizes):
    """architecture_shapes on the stages gives, stage by stage, the shapes the model's layers produce and
    the numbers of parameters torch counts; the defaults are the default model's 8 and 16."""
    stages, model = (dg.cnn_stages(), dg.SmallCNN()) if sizes is None else (dg.cnn_stages(*sizes), dg.SmallCNN(*sizes))
    h1 = model.conv1(torch.zeros(1, 1, 8, 8))
    p1 = F.max_pool2d(h1, 2)
    h2 = model.conv2(p1)
    p2 = F.max_pool2d(h2, 2)
    flat = p2.flatten(1)
    out = model.fc(flat)
    numel = [sum(p.numel() for p in m.parameters()) for m in (model.conv1, model.conv2, model.fc)]
    want = [(tuple(h1.shape[1:]), numel[0]), (tuple(p1.shape[1:]), 0), (tuple(h2.shape[1:]), numel[1]),
            (tuple(p2.shape[1:]), 0), (tuple(flat.shape[1:]), 0), (tuple(out.shape[1:]), numel[2])]
    assert ly.architecture_shapes((1, 8, 8), stages) == want
    assert all(s.get("flatten", True) is True for s in stages)       # the documented {"flatten": True}


# --- matching_hidden_width ---------------------------------------------------------------------------

def test_matching_hidden_width_is_the_widest_mlp_within_budget():
    """By enumeration with torch's own parameter counts: the largest h whose MLP fits the budget, an int."""
    counts = {h: dg.n_params(dg.make_mlp(h)) for h in range(1, 10)}
    for budget in range(85, 85 + 6 * 75 + 2):
        h = dg.matching_hidden_width(budget)
        assert type(h) is int
        assert counts[h] <= budget < counts[h + 1]
    assert dg.matching_hidden_width(1898) == 25
    with pytest.raises(ValueError, match=r"^budget must be at least 85, got 84$"):
        dg.matching_hidden_width(84)
    with pytest.raises(ValueError, match=r"^budget must be an integer"):
        dg.matching_hidden_width(100.0)


# --- accuracy and its checks ---------------------------------------------------------------------------

def test_accuracy_counts_argmax_hits_by_hand():
    """Scores are the inputs themselves (a model without parameters): 3 of 4 argmaxes hit, whatever the dtype."""
    scores = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    y = torch.tensor([1, 0, 2, 0])
    assert dg.accuracy(nn.Flatten(), scores, y) == 0.75
    assert dg.accuracy(nn.Flatten(), scores.double(), y) == 0.75
    assert dg.accuracy(nn.Flatten(), scores.tolist(), y) == 0.75
    assert isinstance(dg.accuracy(nn.Flatten(), scores, y), float)


def test_accuracy_converts_inputs_to_the_models_dtype():
    """Integer images (a list, a long tensor) take the model's float32, as float images would."""
    torch.manual_seed(0)
    model = nn.Linear(4, 3)
    X = torch.tensor([[1, 0, 2, 0], [0, 3, 0, 1]])
    y = torch.tensor([0, 2])
    want = dg.accuracy(model, X.float(), y)
    assert dg.accuracy(model, X, y) == want and dg.accuracy(model, X.tolist(), y) == want


def test_accuracy_errors_name_the_argument():
    """Bad images, labels and shapes are refused with the argument's name and what was given."""
    model = nn.Linear(64, 10)
    X = torch.zeros(2, 64)
    y = torch.tensor([0, 1])
    with pytest.raises(ValueError, match=r"^model must be a Module, got str$"):
        dg.accuracy("net", X, y)
    with pytest.raises(ValueError, match=r"^X must be a batch of inputs \(2 or more dimensions\), got shape \(64,\)$"):
        dg.accuracy(model, torch.zeros(64), torch.tensor([0]))
    with pytest.raises(ValueError, match=r"^X must be finite"):
        dg.accuracy(model, torch.full((2, 64), INF), y)
    with pytest.raises(ValueError, match=r"^X must not contain NaN"):
        dg.accuracy(model, torch.full((2, 64), float("nan")), y)
    with pytest.raises(ValueError, match=r"^X must fit the model's input, got shape \(2, 3, 3\): "):
        dg.accuracy(model, torch.zeros(2, 3, 3), y)
    bad_labels = [[0, 1], torch.tensor([0.0, 1.0]), torch.tensor([[0], [1]]), torch.tensor([0, 1, 2]),
                  torch.tensor([0], dtype=torch.long)]
    for bad in bad_labels:
        with pytest.raises(ValueError, match=r"^y must be a 1-D tensor of 2 integer class labels, got "):
            dg.accuracy(model, X, bad)
    with pytest.raises(ValueError) as err:
        dg.accuracy(model, X, torch.arange(300))
    assert str(err.value).startswith("y must be a 1-D tensor of 2") and len(str(err.value)) == 200


# --- Run ----------------------------------------------------------------------------------------------------

def test_run_accepts_accuracies_in_the_closed_unit_interval_only():
    """0.0 and 1.0 (and an empty history) are accuracies; 1.5, -0.5, an int, a tuple or a non-model are not."""
    model = nn.Linear(2, 1)
    assert dg.Run(model, [0.0, 0.5, 1.0]).test_accuracy == [0.0, 0.5, 1.0]
    assert dg.Run(model, []).test_accuracy == []
    for bad in ([0.5, 1.5], [-0.5], [1], (0.5,), "0.5"):
        with pytest.raises(ValueError, match=r"^test_accuracy must be a list of accuracies in \[0, 1\], got "):
            dg.Run(model, bad)
    with pytest.raises(ValueError) as err:
        dg.Run(model, [2.0] * 100)
    assert len(str(err.value)) == 200
    with pytest.raises(ValueError, match=r"^model must be a Module, got str$"):
        dg.Run("net", [0.5])


# --- train --------------------------------------------------------------------------------------------------

def test_train_visits_every_example_once_per_epoch_in_batches():
    """Each epoch: ceil(10/4) = 3 training batches of 4, 4, 2 that together are a permutation of the 10
    examples, then one evaluation of the 5 test images; the order is reshuffled every epoch."""
    torch.manual_seed(0)
    rec = _Recorder()
    run = dg.train(rec, _tiny_data(), epochs=3, batch_size=4, seed=0)
    assert len(rec.seen) == 3 * 4
    orders = []
    for epoch in range(3):
        calls = rec.seen[4 * epoch: 4 * epoch + 4]
        assert [(grad, len(ids)) for grad, ids in calls] == [(True, 4), (True, 4), (True, 2), (False, 5)]
        order = [i for _, ids in calls[:3] for i in ids]
        assert sorted(order) == list(range(10))
        orders.append(order)
    assert orders[0] != orders[1] or orders[1] != orders[2]
    assert run.model is rec and len(run.test_accuracy) == 3


def test_train_one_example_batches():
    """batch_size 1 (the smallest allowed) gives one step per example; one epoch is allowed."""
    torch.manual_seed(0)
    rec = _Recorder()
    dg.train(rec, _tiny_data(n_train=3, n_test=2), epochs=1, batch_size=1)
    assert [len(ids) for _, ids in rec.seen] == [1, 1, 1, 2]


def test_train_order_comes_from_the_seed_not_the_global_generator():
    """Same seed under different global seeds: same batches and same weights; another seed: other batches."""
    data = _tiny_data()
    runs = []
    for global_seed, seed in [(0, 5), (1, 5), (2, 6)]:
        torch.manual_seed(0)
        rec = _Recorder()
        torch.manual_seed(global_seed)
        dg.train(rec, data, epochs=2, batch_size=4, seed=seed)
        runs.append(rec)
    assert runs[0].seen == runs[1].seen and _same_weights(runs[0], runs[1])
    assert runs[0].seen != runs[2].seen


def test_train_defaults_are_30_epochs_lr_3e_3_batches_of_64_seed_0():
    """With 70 examples (so that a batch of 64 differs from 65) the defaults train exactly as the documented values."""
    data = _tiny_data(n_train=70, n_test=5)
    a, b = _linear(), _linear()
    run_a = dg.train(a, data)
    run_b = dg.train(b, data, epochs=30, lr=3e-3, batch_size=64, seed=0)
    assert len(run_a.test_accuracy) == 30 and run_a.test_accuracy == run_b.test_accuracy
    assert _same_weights(a, b)


def test_train_first_adam_step_moves_every_weight_by_lr():
    """One full batch, one epoch: Adam's first step is lr·g/(|g|+eps) ≈ lr·sign(g) for every parameter."""
    model = _linear()
    before = [p.detach().clone() for p in model.parameters()]
    dg.train(model, _tiny_data(), epochs=1, lr=0.01, batch_size=10)
    steps = torch.cat([(p.detach() - q).abs().flatten() for p, q in zip(model.parameters(), before)])
    torch.testing.assert_close(steps, torch.full_like(steps, 0.01), atol=2e-4, rtol=0)


def test_train_learns_real_digits_and_records_the_test_accuracy():
    """A few epochs on 300 digits lower the training loss; the last accuracy recorded is that of the returned model."""
    Xtr, ytr, Xte, yte = dg.load_digits()
    data = (Xtr[:300], ytr[:300], Xte[:100], yte[:100])
    torch.manual_seed(0)
    model = dg.make_mlp(16)
    with torch.no_grad():
        before = float(F.cross_entropy(model(data[0]), data[1]))
    run = dg.train(model, data, epochs=3, lr=1e-2, batch_size=32)
    with torch.no_grad():
        after = float(F.cross_entropy(model(data[0]), data[1]))
    assert after < 0.7 * before
    assert len(run.test_accuracy) == 3 and all(isinstance(a, float) for a in run.test_accuracy)
    assert run.test_accuracy[-1] == dg.accuracy(model, data[2], data[3]) > 0.5


def test_train_takes_the_models_dtype_for_integer_images():
    """Integer images become the model's float32 (not float64), for training and for the test evaluation."""
    Xtr, ytr, Xte, yte = _tiny_data()
    data = ((Xtr * 4).long(), ytr, (Xte * 4).long(), yte)
    run = dg.train(_linear(), data, epochs=1)
    assert len(run.test_accuracy) == 1


def test_train_errors_name_the_argument():
    """Every argument is checked and named in the message, with the value it got."""
    data = _tiny_data()
    model = _linear()
    cases = [
        (dict(epochs=0), r"^epochs must be at least 1, got 0$"),
        (dict(batch_size=0), r"^batch_size must be at least 1, got 0$"),
        (dict(lr=0.0), r"^lr must be positive, got 0\.0$"),
        (dict(lr="fast"), r"^lr must be a real number"),
        (dict(lr=float("inf")), r"^lr must be finite"),
        (dict(seed=-1), r"^seed must be at least 0, got -1$"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValueError, match=message):
            dg.train(model, data, **kwargs)
    with pytest.raises(ValueError, match=r"^model must be a Module, got str$"):
        dg.train("net", data)
    with pytest.raises(ValueError, match=r"^data must be \(X_train, y_train, X_test, y_test\), got list$"):
        dg.train(model, list(data))
    with pytest.raises(ValueError, match=r"^data must be \(X_train, y_train, X_test, y_test\), got tuple$"):
        dg.train(model, data[:3])
    Xtr, ytr, Xte, yte = data
    for bad, message in [((Xtr + INF, ytr, Xte, yte), r"^data must be finite"),
                         ((Xtr, ytr, Xte + INF, yte), r"^data must be finite"),
                         ((Xtr * NAN, ytr, Xte, yte), r"^data must not contain NaN"),
                         ((Xtr, ytr, Xte * NAN, yte), r"^data must not contain NaN"),
                         ((Xtr[0, 0, 0], ytr, Xte, yte), r"^data must be a batch of inputs"),
                         ((Xtr, ytr, Xte[0, 0, 0], yte), r"^data must be a batch of inputs"),
                         ((Xtr, ytr[:3], Xte, yte), r"^data must be a 1-D tensor of 10 integer class labels"),
                         ((Xtr, ytr, Xte, yte[:3]), r"^data must be a 1-D tensor of 5 integer class labels")]:
        with pytest.raises(ValueError, match=message):
            dg.train(model, bad, epochs=1)


# --- compare ----------------------------------------------------------------------------------------------

def test_compare_is_train_on_the_seeded_cnn_and_its_matched_mlp():
    """One epoch with seed 1: the CNN and the 25-wide MLP drawn after torch.manual_seed(1), each trained with
    seed 1 on the default split; the counts are 1,898 and 1,885; seed 0 is the default."""
    out = dg.compare(epochs=1, seed=1)
    assert set(out) == {"cnn", "mlp", "params", "data"}
    assert out["params"] == (1898, 1885)
    assert all(torch.equal(u, v) for u, v in zip(out["data"], dg.load_digits()))
    torch.manual_seed(1)
    cnn, mlp = dg.SmallCNN(), dg.make_mlp(25)
    want_cnn = dg.train(cnn, out["data"], epochs=1, seed=1)
    want_mlp = dg.train(mlp, out["data"], epochs=1, seed=1)
    assert _same_weights(out["cnn"].model, cnn) and _same_weights(out["mlp"].model, mlp)
    assert out["cnn"].test_accuracy == want_cnn.test_accuracy and out["mlp"].test_accuracy == want_mlp.test_accuracy


def test_compare_defaults_are_30_epochs_and_seed_0():
    """compare() hands train 30 epochs and seed 0, and draws both networks after torch.manual_seed(0); train is
    replaced by a recorder, so the 30 epochs cost nothing."""
    calls = []

    def recorder(model, data, *, epochs, seed):
        calls.append((type(model).__name__, dg.n_params(model), epochs, seed))
        return dg.Run(model, [0.5] * epochs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(dg, "train", recorder)
        out = dg.compare()
        assert calls == [("SmallCNN", 1898, 30, 0), ("Sequential", 1885, 30, 0)]
        assert len(out["cnn"].test_accuracy) == len(out["mlp"].test_accuracy) == 30
        calls.clear()
        dg.compare(epochs=2, seed=7)
        assert calls == [("SmallCNN", 1898, 2, 7), ("Sequential", 1885, 2, 7)]
    torch.manual_seed(0)
    assert _same_weights(out["cnn"].model, dg.SmallCNN()) and _same_weights(out["mlp"].model, dg.make_mlp(25))


def test_compare_refuses_bad_arguments_before_touching_the_global_generator():
    """Bad epochs, seeds and devices are refused by name, and before compare seeds torch's global generator."""
    for kwargs, message in [(dict(epochs=0), r"^epochs must be at least 1, got 0$"),
                            (dict(epochs=1, seed=-1), r"^seed must be at least 0, got -1$"),
                            (dict(epochs=1.0), r"^epochs must be an integer"),
                            (dict(epochs=1, seed="0"), r"^seed must be an integer"),
                            (dict(epochs=1, device="no-such-device"), r"^device must name an available torch device")]:
        torch.manual_seed(12345)
        state = torch.get_rng_state()
        with pytest.raises(ValueError, match=message):
            dg.compare(**kwargs)
        assert torch.equal(torch.get_rng_state(), state), kwargs


# --- receptive fields ----------------------------------------------------------------------------------

def _positive_cnn(c1=2, c2=3, dtype=torch.float32):
    """Weights drawn in [0.1, 1.1): no gradient can cancel, so the support of ∂y/∂x is the whole wiring."""
    model = dg.SmallCNN(c1, c2).to(dtype)
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.rand(p.shape, generator=g, dtype=dtype) + 0.1)
    return model


def _hand_field(H, W, row, col):
    """conv2 (3, pad 1) reads pooled rows row-1..row+1, each pooled row two conv1 rows, conv1 (3, pad 1)
    one more on each side: input rows 2·row-3 .. 2·row+4, cut by the border (columns alike)."""
    mask = torch.zeros(H, W, dtype=torch.bool)
    mask[max(0, 2 * row - 3): min(H - 1, 2 * row + 4) + 1, max(0, 2 * col - 3): min(W - 1, 2 * col + 4) + 1] = True
    return mask


@pytest.mark.parametrize("H, W", [(8, 8), (7, 9), (16, 12)])
def test_input_receptive_field_is_the_hand_derived_square_cut_by_the_border(H, W):
    """Every unit of conv2's grid, on square, odd and non-square images, for every channel."""
    model = _positive_cnn()
    x = torch.rand(1, H, W, generator=torch.Generator().manual_seed(1))
    for channel in range(3):
        for row in range(H // 2):
            for col in range(W // 2):
                mask = dg.input_receptive_field(model, x, channel, row, col)
                assert mask.dtype == torch.bool and mask.shape == (H, W)
                assert torch.equal(mask, _hand_field(H, W, row, col)), (channel, row, col)


def test_interior_receptive_field_side_is_eight():
    """receptive_field_side is 3 + 1 + 2·2 = 8 and is the side an interior unit's mask measures."""
    assert dg.receptive_field_side() == 8
    x = torch.rand(1, 16, 16, generator=torch.Generator().manual_seed(2))
    mask = dg.input_receptive_field(_positive_cnn(), x, 0, 3, 4)
    rows, cols = torch.nonzero(mask, as_tuple=True)
    assert int(rows.max() - rows.min()) + 1 == dg.receptive_field_side() == int(cols.max() - cols.min()) + 1


def test_input_receptive_field_takes_integer_images_in_the_models_dtype():
    """An integer image (tensor or nested list) is converted to the model's float32 and gives the same mask."""
    model = _positive_cnn()
    x = torch.randint(0, 16, (1, 8, 8), generator=torch.Generator().manual_seed(0))
    want = _hand_field(8, 8, 1, 2)
    assert torch.equal(dg.input_receptive_field(model, x, 0, 1, 2), want)
    assert torch.equal(dg.input_receptive_field(model, x.tolist(), 0, 1, 2), want)


def test_input_receptive_field_errors_name_the_argument():
    """The model must be a SmallCNN; x one finite (1, H, W) image; channel, row and col inside conv2's grid,
    with the edges (the last channel, row and column) allowed and one past them refused."""
    model = _positive_cnn(c2=3)
    x = torch.rand(1, 7, 9, generator=torch.Generator().manual_seed(3))
    assert dg.input_receptive_field(model, x, 2, 2, 3).any()              # the last channel, row and column
    assert dg.input_receptive_field(model, x, 0, 0, 0)[0, 0]
    with pytest.raises(ValueError, match=r"^model must be a SmallCNN, got Sequential$"):
        dg.input_receptive_field(nn.Sequential(nn.Conv2d(1, 1, 3)), x, 0, 0, 0)
    with pytest.raises(ValueError, match=r"^x must have 3 dimension\(s\), got shape \(7, 9\)$"):
        dg.input_receptive_field(model, x[0], 0, 0, 0)
    with pytest.raises(ValueError, match=r"^x must be finite"):
        dg.input_receptive_field(model, torch.full((1, 8, 8), INF), 0, 0, 0)
    with pytest.raises(ValueError, match=r"^x must not contain NaN"):
        dg.input_receptive_field(model, torch.full((1, 8, 8), NAN), 0, 0, 0)
    with pytest.raises(ValueError, match=r"^channel must index conv2's 3 channels, got 3$"):
        dg.input_receptive_field(model, x, 3, 0, 0)
    for name, args in [("channel", (-1, 0, 0)), ("row", (0, -1, 0)), ("col", (0, 0, -1))]:
        with pytest.raises(ValueError, match=rf"^{name} must be at least 0, got -1$"):
            dg.input_receptive_field(model, x, *args)
    for row, col in [(3, 0), (0, 4), (3, 4)]:
        message = rf"^row and col must index the 3×4 grid of conv2, got row={row}, col={col}$"
        with pytest.raises(ValueError, match=message):
            dg.input_receptive_field(model, x, 0, row, col)
