"""Checks of ``edl.convolution.layers`` (book labels ``conv.multichannel-layer`` … ``conv.architecture``) and of
the errata there.

Independent routes: ``torch.nn.functional.conv1d/conv2d/max_pool*/avg_pool2d``, ``torch.nn`` modules and
their parameter counts, explicit loops, autograd (receptive fields as the support of a gradient), the
SVD (Eckart–Young) and operation counting.
"""

import functools
import itertools

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from edl.convolution import layers as ly
from edl.core.checking import CheckResult, all_of, check_close, f64, holds, to_numpy
from edl.core.ledger import erratum, formula


# --- the layer and its worked examples ----------------------------------------------------------------

@formula("conv.multichannel-layer", reference="torch.nn.functional.conv2d / conv1d (with stride, padding, dilation)")
def check_multichannel_layer(layer=ly.conv2d, layer1d=ly.conv1d) -> CheckResult:
    rng = np.random.default_rng(10)
    x, w, b = f64(rng.normal(size=(2, 3, 10, 10))), f64(rng.normal(size=(4, 3, 3, 3))), f64(rng.normal(size=4))
    explicit = torch.stack([torch.einsum("rukl,bukl->br", w, x[:, :, s:s + 3, t:t + 3]) for s in range(8)
                            for t in range(8)], -1).reshape(2, 4, 8, 8) + b[None, :, None, None]
    x1, w1 = f64(rng.normal(size=(2, 3, 17))), f64(rng.normal(size=(5, 3, 4)))
    return all_of(check_close(layer(x, w, b), F.conv2d(x, w, b), atol=1e-12, what="C_in 3 → C_out 4, 10×10, k 3 vs F.conv2d"),
                check_close(F.conv2d(x, w, b), explicit, atol=1e-12, what="F.conv2d vs the einsum over windows"),
                check_close(layer(x, w, b, stride=2, padding=1, dilation=2), F.conv2d(x, w, b, 2, 1, 2), atol=1e-12,
                            what="stride 2, padding 1, dilation 2"),
                check_close(layer1d(x1, w1, stride=3, padding=2), F.conv1d(x1, w1, stride=3, padding=2), atol=1e-12,
                            what="1-D, stride 3, padding 2 vs F.conv1d"))


D2L_INPUT = [[0.0, 1, 2], [3, 4, 5], [6, 7, 8]]
D2L_SECOND = [[1.0, 2, 3], [4, 5, 6], [7, 8, 9]]
D2L_KERNELS = [[[0.0, 1], [2, 3]], [[1.0, 2], [3, 4]]]


@formula("conv.worked-examples", reference="torch.nn.functional.conv2d, exact integers")
def check_worked_examples(layer=ly.conv2d, inputs=(D2L_INPUT, D2L_SECOND)) -> CheckResult:
    one = layer(f64([D2L_INPUT]), f64([[D2L_KERNELS[0]]]))[0]
    x, w = f64(list(inputs)), f64([D2L_KERNELS])
    two = layer(x, w)[0]
    ref = F.conv2d(x[None], w)[0, 0]
    return all_of(holds(one.tolist() == [[19.0, 25.0], [37.0, 43.0]] == F.conv2d(f64([[D2L_INPUT]]), f64([[D2L_KERNELS[0]]]))[0, 0].tolist(),
                      "one channel: [[19, 25], [37, 43]] exactly", f"one channel gives {one.tolist()}"),
                holds(two.tolist() == ref.tolist() == [[56.0, 72.0], [104.0, 120.0]],
                      "two channels: [[56, 72], [104, 120]] exactly, as F.conv2d",
                      f"two channels give {two.tolist()} (F.conv2d: {ref.tolist()}), not [[56, 72], [104, 120]]"))


@erratum("ch04-08:ERR-10", wrong=r"\begin{smallmatrix}1&2&3\\4&5&6\\7&8&9\end{smallmatrix}\star\begin{smallmatrix}0&1\\2&3\end{smallmatrix}+\begin{smallmatrix}1&2&3\\4&5&6\\7&8&9\end{smallmatrix}\star\begin{smallmatrix}1&2\\3&4\end{smallmatrix}=\begin{smallmatrix}56&72\\104&120\end{smallmatrix}",
         right=r"\begin{smallmatrix}0&1&2\\3&4&5\\6&7&8\end{smallmatrix}\star\begin{smallmatrix}0&1\\2&3\end{smallmatrix}+\begin{smallmatrix}1&2&3\\4&5&6\\7&8&9\end{smallmatrix}\star\begin{smallmatrix}1&2\\3&4\end{smallmatrix}=\begin{smallmatrix}56&72\\104&120\end{smallmatrix}",
         why="With both input channels printed as 1…9 the sum is [[62, 78], [110, 126]]: a reader who reproduces the "
             "example gets a different answer and suspects the layer rather than the table.")
def seed_worked_example_inputs() -> CheckResult:
    return check_worked_examples(inputs=(D2L_SECOND, D2L_SECOND))


@formula("conv.param-count", reference="parameter counts of torch.nn.Conv2d modules")
def check_param_count(count=ly.param_count) -> CheckResult:
    cases = [((3, 16, 5, 3), {}), ((3, 16, 5, 3), {"bias": False}), ((8, 16, 3, 3), {"groups": 4}), ((1, 1, 1, 1), {})]
    parts = []
    for (ci, co, kh, kw), kw_ in cases:
        module = nn.Conv2d(ci, co, (kh, kw), bias=kw_.get("bias", True), groups=kw_.get("groups", 1))
        n = sum(p.numel() for p in module.parameters())
        got = count(ci, co, kh, kw, **kw_)
        parts.append(holds(got == n, f"Conv2d({ci},{co},({kh},{kw}){', ' + str(kw_) if kw_ else ''}): {n}",
                           f"Conv2d({ci},{co},({kh},{kw}),{kw_}): formula {got}, torch {n}"))
    conv = nn.Conv2d(3, 16, (5, 3))
    same = all(conv(torch.zeros(1, 3, s, s)).shape[1] == 16 for s in (8, 64))
    parts.append(holds(same, "the same module runs on 8×8 and 64×64 images", "the module depends on the image size"))
    return all_of(*parts)


@formula("conv.padding", reference="output lengths of torch.nn.functional.conv1d (and its padding='same')")
def check_padding(pad=ly.padding_for) -> CheckResult:
    bad = []
    for i, k in itertools.product(range(5, 13), (1, 3, 5, 7)):
        if k > i:
            continue
        x, w = torch.zeros(1, 1, i), torch.zeros(1, 1, k)
        got = {m: F.conv1d(x, w, padding=pad(k, m)).shape[-1] for m in ("valid", "same", "full")}
        want = {"valid": i - k + 1, "same": i, "full": i + k - 1}
        if got != want or F.conv1d(x, w, padding="same").shape[-1] != got["same"]:
            bad.append((i, k))
    y = torch.zeros(1, 1, 20)
    for _ in range(5):
        y = F.conv1d(y, torch.zeros(1, 1, 3), padding=pad(3, "valid"))
    return all_of(holds(not bad, "i in 5..12, k in 1,3,5,7: valid i-k+1, same i (= padding='same'), full i+k-1",
                      f"sizes wrong at (i, k) = {bad[:4]}"),
                holds(y.shape[-1] == 10, "5 stacked valid 3-convolutions on length 20 leave 10",
                      f"5 stacked valid 3-convolutions leave {y.shape[-1]}"))


# --- size arithmetic --------------------------------------------------------------------------------

def _combos():
    for i, k, p, s, d in itertools.product(range(5, 13), range(1, 6), range(3), range(1, 4), range(1, 3)):
        if d * (k - 1) + 1 <= i + 2 * p:
            yield i, k, p, s, d


@functools.cache
def _torch_sizes() -> tuple[dict, dict]:
    """Output lengths of F.conv1d (every case) and F.max_pool1d (p ≤ k/2), the independent route."""
    conv = {c: F.conv1d(torch.zeros(1, 1, c[0]), torch.zeros(1, 1, c[1]), stride=c[3], padding=c[2],
                        dilation=c[4]).shape[-1] for c in _combos()}
    pool = {c: F.max_pool1d(torch.zeros(1, 1, c[0]), c[1], c[3], c[2], c[4]).shape[-1] for c in conv if c[2] <= c[1] // 2}
    return conv, pool


@formula("conv.output-size", reference="output lengths of torch.nn.functional.conv1d and max_pool1d over 696 cases")
def check_output_size(size=ly.output_size) -> CheckResult:
    conv, pool = _torch_sizes()
    wrong = [c for c, o in conv.items() if size(*c) != o]
    wrong_pool = [c for c, o in pool.items() if size(*c) != o]
    strides = sorted({c[3] for c in wrong})
    return all_of(holds(not wrong, f"all {len(conv)} (i,k,p,s,d) in [5,12]×[1,5]×[0,2]×[1,3]×[1,2]: 0 mismatches with F.conv1d",
                      f"{len(wrong)} of {len(conv)} sizes differ from F.conv1d (at strides {strides})"),
                holds(not wrong_pool, f"max_pool1d: 0 mismatches in {len(pool)} cases with p ≤ k/2",
                      f"{len(wrong_pool)} of {len(pool)} pooled sizes differ from F.max_pool1d"))


@erratum("ch04-08:ERR-04", wrong=r"H_{\text{out}}=\Big\lfloor\frac{H_{\text{in}}+2P-K}{2}\Big\rfloor+1",
         right=r"H_{\text{out}}=\Big\lfloor\frac{H_{\text{in}}+2P-K}{S}\Big\rfloor+1",
         why="The formula is right only for stride 2: at stride 1 it halves the output, so every later layer is "
             "built for the wrong shape and the network fails at its first linear layer.")
def seed_output_size_halves() -> CheckResult:
    return check_output_size(size=lambda i, k, p=0, s=1, d=1: (i + 2 * p - d * (k - 1) - 1) // 2 + 1)


@erratum("ch04-08:ERR-05", wrong=r"o=\left|\frac{i+2p-k}{l}\right|+1", right=r"o=\left\lfloor\frac{i+2p-k}{s}\right\rfloor+1",
         why="Read as printed (bars, not a floor) the size is a fraction whenever the stride does not divide "
             "i + 2p - k; the last partial window must be dropped by rounding down.")
def seed_output_size_bars() -> CheckResult:
    return check_output_size(size=lambda i, k, p=0, s=1, d=1: abs((i + 2 * p - d * (k - 1) - 1) / s) + 1)


@formula("conv.dilation", reference="torch.nn.functional.conv1d/conv2d with dilation, on the flipped kernel")
def check_dilation(dilated=ly.dilated_convolve, field=ly.receptive_field) -> CheckResult:
    rng = np.random.default_rng(11)
    x, h = f64(rng.normal(size=30)), f64(rng.normal(size=4))
    ref = F.conv1d(x[None, None], torch.flip(h, (0,))[None, None], dilation=3)[0, 0]
    x2, h2 = f64(rng.normal(size=(12, 12))), f64(rng.normal(size=(3, 2)))
    ref2 = F.conv2d(x2[None, None], torch.flip(h2, (0, 1))[None, None], dilation=2)[0, 0]
    return all_of(check_close(dilated(x, h, 3), ref, atol=1e-12, what="1-D, n = 30, M = 4, d = 3"),
                check_close(dilated(x2, h2, 2), ref2, atol=1e-12, what="2-D, 12×12, 3×2 taps, d = 2"),
                holds(dilated(x, h, 3).shape[-1] == 30 - 3 * 3 and field([3, 3, 3], dilations=[1, 2, 4]) == 15,
                      "k_eff = d(M-1)+1 = 10 with 4 parameters; three 3-taps at d = 1, 2, 4 see 15 inputs",
                      "effective kernel size or dilated receptive field wrong"))


POOL_MAX_INPUT = [[29.0, 15, 28, 184], [0, 100, 70, 38], [12, 12, 7, 2], [12, 12, 45, 6]]
POOL_AVG_INPUT = [[31.0, 15, 28, 184], [0, 100, 70, 38], [12, 12, 7, 2], [12, 12, 45, 6]]


@formula("conv.pooling", reference="torch.nn.functional.max_pool2d / avg_pool2d, explicit loops, autograd")
def check_pooling(pool=ly.pool2d, average_example=None) -> CheckResult:
    P, Q = f64(POOL_MAX_INPUT), f64(POOL_AVG_INPUT)
    avg = pool(Q, 2, mode="avg").tolist() if average_example is None else average_example
    rng = np.random.default_rng(12)
    x = f64(rng.normal(size=(8, 8)))
    loops_max = [[max(float(x[2 * i + k, 2 * j + l]) for k in range(2) for l in range(2)) for j in range(4)] for i in range(4)]
    loops_avg = [[float(x[3 * i:3 * i + 3, 3 * j:3 * j + 3].mean()) for j in range(2)] for i in range(2)]
    xg = x.clone().requires_grad_(True)
    pool(xg, 2, mode="max").sum().backward()
    one_hot = (xg.grad.reshape(4, 2, 4, 2).sum((1, 3)) == 1).all() and set(xg.grad.unique().tolist()) == {0.0, 1.0}
    return all_of(holds(pool(P, 2).tolist() == [[100.0, 184.0], [12.0, 45.0]] == F.max_pool2d(P[None], 2)[0].tolist(),
                      "max pool: [[100, 184], [12, 45]] exactly, as F.max_pool2d", f"max pool gives {pool(P, 2).tolist()}"),
                holds(avg == [[36.5, 80.0], [12.0, 15.0]] == F.avg_pool2d(Q[None], 2)[0].tolist(),
                      "average pool: [[36.5, 80], [12, 15]] exactly, as F.avg_pool2d",
                      f"average pool gives {avg}; F.avg_pool2d gives {F.avg_pool2d(Q[None], 2)[0].tolist()}"),
                check_close(pool(x, 2), loops_max, atol=1e-12, what="random 8×8, max 2×2 vs loops"),
                check_close(pool(x, 3, 3, mode="avg"), loops_avg, atol=1e-12, what="avg 3×3 vs loops"),
                holds(bool(one_hot), "the gradient of max pooling is one-hot in every window",
                      "the max-pool gradient is not one-hot per window"))


@erratum("ch04-08:ERR-11", wrong=r"\operatorname{avg}\{31,15,0,100\}=36", right=r"\operatorname{avg}\{31,15,0,100\}=146/4=36.5",
         why="Average pooling does not round: an integer output suggests an integer division, which biases every "
             "pooled value down by up to one unit.")
def seed_average_rounded() -> CheckResult:
    return check_pooling(average_example=[[36.0, 80.0], [12.0, 15.0]])


# --- receptive fields --------------------------------------------------------------------------------

RF_STACKS = [([3, 3, 3], [1, 1, 1], [1, 1, 1]), ([3, 3, 3], [2, 2, 2], [1, 1, 1]),
             ([5, 3, 2, 3], [1, 2, 2, 1], [1, 1, 1, 1]), ([3, 3, 3], [1, 1, 1], [1, 2, 4]),
             ([7, 3, 3, 3], [2, 2, 1, 1], [1, 1, 2, 1])]


@formula("conv.receptive-field", reference="support of ∂y_centre/∂x by autograd (unit weights, length 101)")
def check_receptive_field(field=ly.receptive_field) -> CheckResult:
    got, measured = [], []
    for k, s, d in RF_STACKS:
        got.append(field(k, s, d))
        measured.append(int((ly.measured_receptive_field(k, s, d) != 0).sum()))
    return holds(got == measured, f"5 stacks: formula {got} = autograd {measured}", f"formula {got} vs autograd {measured}")


# --- separable kernels ----------------------------------------------------------------------------------

def _count_macs(d, q, separable):
    """Multiplications counted one by one in explicit loops (no formula)."""
    n = 0
    o = d - q + 1
    if separable:
        for _row in range(d):
            for _col in range(o):
                for _tap in range(q):
                    n += 1
        for _row in range(o):
            for _col in range(o):
                for _tap in range(q):
                    n += 1
        return n
    for _i in range(o):
        for _j in range(o):
            for _a in range(q):
                for _b in range(q):
                    n += 1
    return n


@formula("conv.separable", reference="F.conv2d with the q×q kernel uvᵀ; counted multiplications; the SVD")
def check_separable(separable=ly.separable_conv2d, macs=ly.conv_macs, rank_one=ly.rank_one_kernel,
                    factor_lengths=(5, 5)) -> CheckResult:
    rng = np.random.default_rng(13)
    q = 5
    a, b = rng.normal(size=q), rng.normal(size=q)
    kernel = np.outer(a, b)                                    # a separable q×q kernel
    x = f64(rng.normal(size=(32, 32)))
    direct = F.conv2d(x[None, None], f64(kernel)[None, None])[0, 0]
    p, r = factor_lengths                                       # the factors' lengths: q and q
    u, v = f64(np.resize(a, p) * (np.arange(p) < q)), f64(np.resize(b, r) * (np.arange(r) < q))
    w = rng.normal(size=(5, 5))
    ut, vt, err = rank_one(f64(w))
    sigma = np.linalg.svd(w, compute_uv=False)
    count = {sep: _count_macs(16, 5, sep) for sep in (False, True)}
    return all_of(check_close(separable(x, u, v), direct, atol=1e-12, what="two 1-D passes vs F.conv2d(x, uvᵀ), 32×32, q = 5"),
                holds(macs(16, 5) == count[False] and macs(16, 5, separable=True) == count[True],
                      f"d = 16, q = 5: {count[False]} vs {count[True]} multiplications, as counted",
                      f"MACs {macs(16, 5)}, {macs(16, 5, separable=True)} vs counted {count[False]}, {count[True]}"),
                check_close(err, np.sqrt((sigma[1:] ** 2).sum()), rtol=1e-12, what="best rank-1 error vs √Σσᵢ² (i ≥ 2)"),
                check_close(np.linalg.norm(w - to_numpy(torch.outer(ut, vt))), err, rtol=1e-12,
                            what="‖w − uvᵀ‖_F at the returned factors"))


@erratum("ch04-08:ERR-07", wrong=r"w=uv^\top,\ u\in\mathbb R^q,\ v\in\mathbb R^p", right=r"w=uv^\top,\ u,v\in\mathbb R^q",
         why="A q×q kernel is the outer product of two vectors of length q; with v of another length p the factors "
             "describe a q×p kernel, and the two passes no longer reproduce the square filter.")
def seed_separable_lengths() -> CheckResult:
    return check_separable(factor_lengths=(5, 6))   # v ∈ ℝ^p with p = 6 ≠ q


# --- architecture -------------------------------------------------------------------------------------

LENET = [{"conv": 6, "k": 5, "p": 2}, {"pool": 2}, {"conv": 16, "k": 5}, {"pool": 2}, {"flatten": True},
         {"fc": 120}, {"fc": 84}, {"fc": 10}]


@formula("conv.architecture", reference="a torch LeNet-5: shapes of a forward pass and its parameter count")
def check_architecture(shapes=ly.architecture_shapes) -> CheckResult:
    net = [nn.Conv2d(1, 6, 5, padding=2), nn.Sequential(nn.Tanh(), nn.MaxPool2d(2)), nn.Conv2d(6, 16, 5),
           nn.Sequential(nn.Tanh(), nn.MaxPool2d(2)), nn.Flatten(), nn.Linear(400, 120),
           nn.Sequential(nn.Tanh(), nn.Linear(120, 84)), nn.Sequential(nn.Tanh(), nn.Linear(84, 10))]
    h, seen = torch.zeros(1, 1, 28, 28), []
    for module in net:
        h = module(h)
        seen.append((tuple(h.shape[1:]), sum(p.numel() for p in module.parameters())))
    ours = shapes((1, 28, 28), LENET)
    total = sum(n for _, n in ours)
    return all_of(holds(ours == seen, "LeNet-5 on 28×28: every stage's shape and parameter count as torch",
                      f"stages differ: {[(a, b) for a, b in zip(ours, seen) if a != b][:2]}"),
                holds(total == 61706, "156 + 2416 + 48120 + 10164 + 850 = 61,706 parameters",
                      f"{total:,} parameters, not 61,706"))
