"""Exercises of chapter 5 (recurrent networks); each reference is an independent route (torch modules, autograd,
enumeration, or the explorer's own data)."""

import itertools

import numpy as np
import torch

from edl.core.exercises import exercise


@exercise("ch05.ex.elman-states", function="elman_states", kind="implement",
          title="The states of an Elman network",
          cases=[([[1.0], [0.0], [-1.0]], [[0.5]], [[1.0]], [0.0]),
                 ([[1.0, 0.5], [0.0, -1.0]], [[0.2, -0.1], [0.4, 0.3]], [[1.0, 0.0], [0.5, -0.5]], [0.1, 0.0]),
                 ([[0.0]], [[2.0]], [[1.0]], [0.3]),                            # one step: only the bias acts
                 ([[2.0, -1.0]] * 4, [[0.0, 0.0], [0.0, 0.0]], [[1.0, 1.0], [-1.0, 1.0]], [0.0, 0.0])],
          atol=1e-12, rtol=1e-10,
          hint="z_0 = 0 and z_t = tanh(U z_{t-1} + V x_t + b); return the T states as a (T, m) array")
def _elman_states(x, U, V, b):
    # Independent route: torch.nn.RNN with the same weights (one bias vector set to zero).
    U, V = torch.tensor(U, dtype=torch.float64), torch.tensor(V, dtype=torch.float64)
    rnn = torch.nn.RNN(V.shape[1], U.shape[0]).double()
    with torch.no_grad():
        rnn.weight_hh_l0.copy_(U)
        rnn.weight_ih_l0.copy_(V)
        rnn.bias_ih_l0.copy_(torch.tensor(b, dtype=torch.float64))
        rnn.bias_hh_l0.zero_()
        out, _ = rnn(torch.tensor(x, dtype=torch.float64)[:, None])
    return out[:, 0].numpy()


BPTT_BUGGY = '''\
def grad_U(x, U, V, w):
    "∂L/∂U for z_t = tanh(U z_{t-1} + V x_t), z_0 = 0, and the loss L = Σ_t w·z_t."
    x, U, V, w = (np.asarray(a, dtype=float) for a in (x, U, V, w))
    T, m = len(x), len(U)
    z = [np.zeros(m)]
    for t in range(T):
        z.append(np.tanh(U @ z[-1] + V @ x[t]))
    grad, carried = np.zeros((m, m)), np.zeros(m)
    for t in range(T, 0, -1):
        gbar = w + carried                       # total derivative ∂L/∂z_t
        local = gbar * (1 - z[t] ** 2)           # times φ̇ at step t
        grad += np.outer(local, z[t])            # the state that U multiplied at step t
        carried = U.T @ local
    return grad
'''


@exercise("ch05.ex.bptt-debug", function="grad_U", kind="debug",
          title="A BPTT gradient that is one step off", buggy=BPTT_BUGGY,
          cases=[([[1.0], [0.5]], [[0.3]], [[1.0]], [1.0]),
                 ([[1.0, 0.0], [0.0, 1.0], [0.5, -0.5]], [[0.2, -0.4], [0.3, 0.1]], [[1.0, 0.5], [-0.5, 1.0]], [1.0, -2.0]),
                 ([[0.0]], [[0.7]], [[1.0]], [1.0]),                            # one step from z_0 = 0: the gradient is 0
                 ([[1.0], [1.0], [1.0], [1.0]], [[0.9]], [[0.5]], [2.0])],
          atol=1e-10, rtol=1e-8,
          hint="which state does U multiply in z_t = tanh(U z_{t-1} + V x_t)?",
          explanation="U multiplies the previous state z_{t-1} at step t, so the step-t term is (ḡ_t ⊙ φ̇^t) z_{t-1}ᵀ. "
                      "Using z_t shifts every term by one step; with a single step from z_0 = 0 the right gradient is "
                      "exactly 0, which the buggy version misses.")
def _grad_U(x, U, V, w):
    # Independent route: torch.autograd through the unrolled loop.
    x, V, w = (torch.tensor(a, dtype=torch.float64) for a in (x, V, w))
    U = torch.tensor(U, dtype=torch.float64, requires_grad=True)
    z, L = torch.zeros(U.shape[0], dtype=torch.float64), 0.0
    for x_t in x:
        z = torch.tanh(U @ z + V @ x_t)
        L = L + w @ z
    return torch.autograd.grad(L, U)[0].numpy()


@exercise("ch05.ex.ctc-paths", function="ctc_path_count", kind="derive",
          title="How many alignments does CTC sum over?",
          tight=[(4, 0), (3, 3), (5, 1)],            # only blanks; the label itself; one symbol: C(T+1, 2)
          cases=[(5, 2), (6, 3), (7, 2), (6, 1)], atol=0, rtol=0,
          hint="an alignment is fixed by where each symbol's run starts and ends, and where the blanks go: count "
               "the choices of 2U boundaries among T + U slots")
def _ctc_path_count(T, U):
    # Independent route: enumerate all (U + 1)^T paths over a blank and U distinct symbols; collapse each.
    label = tuple(range(1, U + 1))
    count = 0
    for path in itertools.product(range(U + 1), repeat=T):
        merged = [s for i, s in enumerate(path) if i == 0 or s != path[i - 1]]
        count += tuple(s for s in merged if s != 0) == label
    return count


FORGET_OUTCOMES = {
    "a": "more than half of the gradient survives 20 steps",
    "b": "between a thousandth and a half survives",
    "c": "less than a thousandth survives",
}


@exercise("ch05.ex.forget-bias", function="forget_bias_prediction", kind="predict",
          title="How much gradient does the cell path keep?", choices=FORGET_OUTCOMES,
          cases=[(0.0,), (1.0,), (3.0,), (5.0,), (-1.0,), (8.0,)],
          hint="with all weights zero the forget gate is σ(b_f) at every step",
          explanation="With zero weights f_t = σ(b_f) at every step, and the cell path multiplies the gradient by f_t "
                      "per step: ∂C₂₀/∂C₀ = σ(b_f)²⁰. At b_f = 0 that is 2⁻²⁰ ≈ 1e-6; at b_f = 1 it is 0.73²⁰ ≈ 2e-3; "
                      "it needs b_f ≳ 4 (σ > 0.966) to keep half. This is why the forget bias is initialised "
                      "positive: the cell starts out remembering.")
def _forget_bias(b):
    # Independent route: autograd through torch.nn.LSTM with zero weights and forget bias b.
    lstm = torch.nn.LSTM(1, 1).double()
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        lstm.bias_ih_l0[1] = b
    c0 = torch.ones(1, 1, 1, dtype=torch.float64, requires_grad=True)
    _, (_, c) = lstm(torch.zeros(20, 1, 1, dtype=torch.float64), (torch.zeros(1, 1, 1, dtype=torch.float64), c0))
    g = float(torch.autograd.grad(c[0, 0, 0], c0)[0])
    return "a" if g > 0.5 else "b" if g > 1e-3 else "c"


@exercise("ch05.ex.lru-half-life", function="half_life_steps", kind="explore",
          title="Reading a memory length off the eigenvalue",
          explorer="edl.recurrent.figures.sequences.lru_mode_explorer",
          cases=[(-2.0,), (-4.0,), (0.0,), (-3.0,), (1.0,)], atol=0, rtol=0,
          hint="in the right panel, find the first step at which the dashed curve |λ|^t is at or below ½")
def _half_life_steps(nu):
    from edl.recurrent.figures.sequences import lru_mode_data           # the explorer's own data
    modulus = np.abs(lru_mode_data(nu)[1])
    return int(np.argmax(modulus <= 0.5))


@exercise("ch05.ex.free-running-error", function="free_running_error", kind="derive",
          title="How a one-step error compounds without teacher forcing",
          tight=[(0.9, 0.9, 10), (1.2, 1.0, 1), (1.0, 1.01, 0)],              # â = a; one step; t = 0
          cases=[(1.0, 1.01, 100), (0.5, 0.6, 5), (0.95, 0.9, 30), (1.1, 1.05, 20)], atol=1e-12, rtol=1e-10,
          hint="unroll ŷ_t = â ŷ_{t-1} from ŷ_0 = y_0 = 1, and y_t = a y_{t-1}")
def _free_running_error(a, a_hat, t):
    # Independent route: run both recursions step by step.
    y = y_hat = 1.0
    for _ in range(t):
        y, y_hat = a * y, a_hat * y_hat
    return y_hat - y

