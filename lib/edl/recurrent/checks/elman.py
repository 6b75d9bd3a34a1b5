"""Checks of ``edl.recurrent.elman`` (book labels ``rnn.state-evolution`` … ``rnn.weight-sharing-grad``) and of
the errata there.

Independent routes: ``torch.nn.RNN`` and its parameter count, ``functools.reduce``, an explicit stack of
``torch.nn.Linear`` layers with tied weights, ``torch.autograd`` (``retain_grad`` on every state for the
total derivatives, per-step leaf copies of a shared matrix).
"""

import functools

import numpy as np
import torch
from torch import nn

from edl.core.checking import CheckResult, all_of, check_close, f64, holds
from edl.core.ledger import erratum, formula
from edl.recurrent import elman as el


def _problem(seed: int, m: int = 4, n: int = 3, T: int = 6):
    rng = np.random.default_rng(seed)
    return (f64(rng.normal(size=(T, n))), f64(rng.normal(size=(m, m)) * 0.6), f64(rng.normal(size=(m, n))),
            f64(rng.normal(size=(2, m))))


def _autograd_states(x, U, V, copies=None):
    """Run z_t = tanh(U_t z_{t-1} + V x_t) with autograd; U_t is copies[t] when given. States retain grads."""
    z, states = torch.zeros(U.shape[0], dtype=x.dtype), []
    for t, x_t in enumerate(x):
        Ut = copies[t] if copies is not None else U
        z = torch.tanh(Ut @ z + V @ x_t)
        z.retain_grad()
        states.append(z)
    return states


@formula("rnn.state-evolution", reference="functools.reduce; an explicit 6-layer stack of tied torch.nn.Linear layers")
def check_state_evolution(run=el.unroll) -> CheckResult:
    x, U, V, _ = _problem(0, m=5, n=3, T=6)
    b = f64(np.random.default_rng(1).normal(size=5))
    step = functools.partial(lambda z, x_t, U, V, b: el.elman_step(z, x_t, U, V, b), U=U, V=V, b=b)
    z0 = torch.zeros(5, dtype=torch.float64)
    states = run(step, x, z0)
    reduced = functools.reduce(lambda z, x_t: step(z, x_t), x, z0)
    layers = [nn.Linear(5, 5).double() for _ in range(6)]                 # six layers, one weight matrix
    with torch.no_grad():
        for layer in layers:
            layer.weight.copy_(U)
            layer.bias.copy_(b)
        h = z0
        for layer, x_t in zip(layers, x):                                 # the input enters at every layer
            h = torch.tanh(layer(h) + V @ x_t)
    return all_of(check_close(states[-1], reduced, atol=1e-12, what="T = 6: loop vs functools.reduce"),
                  check_close(states[-1], h, atol=1e-12, what="vs a 6-layer network with tied weights"),
                  holds(states.shape == (6, 5), "one state per step", f"states have shape {tuple(states.shape)}"))


@formula("rnn.elman", reference="torch.nn.RNN (tanh) and the parameter count of torch modules")
def check_elman(forward=el.elman_forward, count=el.elman_param_count) -> CheckResult:
    torch.manual_seed(0)
    rnn = nn.RNN(3, 5).double()
    x = f64(np.random.default_rng(2).normal(size=(7, 2, 3)))
    with torch.no_grad():
        want, _ = rnn(x)
    got = forward(x, rnn.weight_hh_l0.detach(), rnn.weight_ih_l0.detach(), (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach())
    first = el.elman_step(torch.zeros(2, 5, dtype=torch.float64), x[0], rnn.weight_hh_l0.detach(),
                          rnn.weight_ih_l0.detach(), (rnn.bias_ih_l0 + rnn.bias_hh_l0).detach())
    head = nn.Linear(5, 2)
    torch_count = sum(p.numel() for p in rnn.parameters()) + sum(p.numel() for p in head.parameters())
    same = all(rnn(torch.zeros(T, 1, 3, dtype=torch.float64))[0].shape == (T, 1, 5) for T in (7, 700))
    return all_of(check_close(got, want, atol=1e-12, what="nn.RNN(3, 5), T = 7, B = 2: outputs"),
                  check_close(first, want[0], atol=1e-12, what="one batched step from z₀ = 0"),
                  holds(count(3, 5, 2) == torch_count - 5, f"m² + mn + m + qm + q = {count(3, 5, 2)} "
                        f"(torch: {torch_count}, one bias vector more)", f"count {count(3, 5, 2)} vs torch {torch_count} - 5"),
                  holds(same, "the same parameters run T = 7 and T = 700", "the module depends on T"))


@formula("rnn.bptt-param-grads", reference="torch.autograd: U.grad and V.grad of Σ_t ‖W z_t‖²")
def check_bptt_param_grads(grads=el.bptt_param_grads) -> CheckResult:
    x, U, V, W = _problem(3)
    Ur, Vr = U.clone().requires_grad_(True), V.clone().requires_grad_(True)
    states = _autograd_states(x, Ur, Vr)
    sum((W @ z).pow(2).sum() for z in states).backward()
    gbar = torch.stack([z.grad for z in states])                      # total derivatives ∂h/∂z_t
    gU, gV = grads(x, U, V, gbar)
    delta = torch.stack([2 * W @ z.detach() for z in states])
    gU2, _ = grads(x, U, V, el.bptt_state_grads(x, U, V, W, delta, "linear"))
    return all_of(check_close(gU, Ur.grad, atol=1e-10, what="m 4, n 3, T 6: ∇U vs autograd"),
                  check_close(gV, Vr.grad, atol=1e-10, what="∇V vs autograd"),
                  check_close(gU2, Ur.grad, atol=1e-10, what="∇U from the backward recursion's ḡ_t"))


def _off_by_one(x, U, V, gbar):
    Z = torch.stack([torch.zeros(U.shape[0], dtype=x.dtype), *el.elman_forward(x[:, None], U, V, 0 * U[0])[:, 0]])
    local = gbar * (1 - Z[1:] ** 2)
    x_next = torch.cat([x[1:], torch.zeros_like(x[:1])])
    return (local[:, :, None] * Z[1:, None, :]).sum(0), (local[:, :, None] * x_next[:, None, :]).sum(0)


@erratum("ch04-08:ERR-18", wrong=r"\frac{\partial L}{\partial U}=\sum_{t=1}^T\frac{\partial L}{\partial z_t}\cdot(\varphi'_t\cdot z_t),\ "
                                 r"\frac{\partial L}{\partial V}=\sum_{t=1}^T\frac{\partial L}{\partial z_t}\cdot(\varphi'_t\cdot x_{t+1})",
         right=r"\frac{\partial L}{\partial U}=\sum_{t=1}^T\Big(\frac{\partial L}{\partial z_t}\odot\varphi'_t\Big)z_{t-1}^\top,\ "
               r"\frac{\partial L}{\partial V}=\sum_{t=1}^T\Big(\frac{\partial L}{\partial z_t}\odot\varphi'_t\Big)x_t^\top",
         why="Step t multiplies U by the previous state and V by the current input; shifting both by one step "
             "gives a gradient that is wrong in every entry, and training follows it.")
def seed_bptt_off_by_one() -> CheckResult:
    return check_bptt_param_grads(grads=_off_by_one)


@formula("rnn.bptt-state-grads", reference="torch.autograd: the gradient retained at every state z_t")
def check_bptt_state_grads(state_grads=el.bptt_state_grads) -> CheckResult:
    x, U, V, _ = _problem(4)
    W = f64(np.random.default_rng(5).normal(size=(3, 4)))
    d = f64(np.random.default_rng(6).normal(size=(6, 3)))
    parts = []
    for output, Phi in (("tanh", torch.tanh), ("linear", lambda s: s)):
        states = _autograd_states(x, U.clone().requires_grad_(True), V)
        sum(d[t] @ Phi(W @ z) for t, z in enumerate(states)).backward()
        want = torch.stack([z.grad for z in states])
        parts.append(check_close(state_grads(x, U, V, W, d, output), want, atol=1e-10,
                                 what=f"Φ = {output}: ḡ_t for t = 1..6 vs z_t.grad"))
    return all_of(*parts)


@formula("rnn.bptt-general", reference="torch.autograd of L with respect to θ, in total and loss term by loss term")
def check_bptt_general(paths=el.bptt_path_contributions) -> CheckResult:
    rng = np.random.default_rng(7)
    x, U, V, c = f64(rng.normal(size=(5, 2))), f64(rng.normal(size=(3, 3)) * 0.7), f64(rng.normal(size=(3, 2))), \
        f64(rng.normal(size=(5, 3)))
    theta = torch.tensor(1.3, dtype=torch.float64, requires_grad=True)
    h, per_t = torch.zeros(3, dtype=torch.float64), []
    for t in range(5):
        h = torch.tanh(theta * U @ h + V @ x[t])
        per_t.append(c[t] @ h)
    want = torch.stack([torch.autograd.grad(L_t, theta, retain_graph=True)[0] for L_t in per_t])
    terms = paths(x, U, V, 1.3, c)
    return all_of(check_close(terms.sum(), want.sum(), atol=1e-10, what="T = 5: Σ_t Σ_{i≤t} (path terms) vs ∂L/∂θ"),
                  check_close(terms.sum(1), want, atol=1e-10, what="each loss term L_t: Σ_{i≤t} vs ∂L_t/∂θ"),
                  holds(bool((torch.triu(terms, 1) == 0).all()), "no path from a later use i > t",
                        "a term with i > t is non-zero"))


@formula("rnn.weight-sharing-grad", reference="torch.autograd with one leaf copy of U per time step")
def check_weight_sharing(per_step=el.per_step_param_grads, combine=lambda g: g.sum(0)) -> CheckResult:
    x, U, V, W = _problem(8)
    copies = [U.clone().requires_grad_(True) for _ in range(6)]
    states = _autograd_states(x, U, V, copies)
    sum((W @ z).pow(2).sum() for z in states).backward()
    Ur = U.clone().requires_grad_(True)
    (tied,) = torch.autograd.grad(sum((W @ z).pow(2).sum() for z in _autograd_states(x, Ur, V)), Ur)
    gbar = torch.stack([z.grad for z in states])
    gU, _ = per_step(x, U, V, gbar)
    return all_of(check_close(gU, torch.stack([c.grad for c in copies]), atol=1e-12,
                              what="T = 6: ∂L/∂Ũ_t of each step's copy"),
                  check_close(combine(gU), tied, atol=1e-12, what="combined copies vs the tied gradient"))


@erratum("ch04-08:ERR-19", wrong=r"\frac{\partial L}{\partial\tilde W_i}=\sum_j\frac{\partial L}{\partial\tilde W_i}"
                                 r"\frac{\partial\tilde W_i}{\partial W},\quad\frac{\partial L}{\partial\tilde W_i}=I",
         right=r"\frac{\partial L}{\partial W}=\sum_i\frac{\partial L}{\partial\tilde W_i}\frac{\partial\tilde W_i}{\partial W}"
               r"=\sum_i\frac{\partial L}{\partial\tilde W_i},\quad\frac{\partial\tilde W_i}{\partial W}=I",
         why="Read as written, the gradient of the shared matrix is that of one copy; it misses every other "
             "step's contribution, which is the whole point of the identity.")
def seed_one_copy() -> CheckResult:
    return check_weight_sharing(combine=lambda g: g[-1])
