r"""The chapter's end-to-end experiments: a GCN on Zachary's karate club against a feature-only MLP, and a
Deep Sets model learning a set function against an MLP that reads the set as an ordered vector.

Data ship with networkx (``karate_club_graph``) or are synthesised from a seed; nothing is downloaded.
Training runs in float64 on the device of the inputs, with seeded generators and no global seeding.
"""

import networkx as nx
import torch

from edl.core import validate as v
from edl.geometric import _checked as c
from edl.geometric.gcn import normalized_adjacency


def karate_club(*, dtype: torch.dtype = torch.float64, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Zachary's karate club (34 members, 78 friendships) and the faction each member joined after the split.

    Returns the adjacency ``(34, 34)`` and the labels ``(34,)`` (0: Mr. Hi's club, 1: the officer's).

    >>> A, y = karate_club()
    >>> int(A.sum()) // 2, int(y.sum()), y[[0, 33]].tolist()
    (78, 17, [0, 1])
    """
    v.require_dtype("dtype", dtype)
    device = v.require_device("device", device)
    G = nx.karate_club_graph()
    A = torch.as_tensor(nx.to_numpy_array(G, nodelist=range(34), weight=None), dtype=dtype, device=device)
    y = torch.tensor([int(G.nodes[n]["club"] != "Mr. Hi") for n in range(34)], device=device)
    return A, y


#: The labelled members: the two leaders and one ordinary member of each faction.
TRAIN_NODES = (0, 33, 4, 26)


def _nodes(name, nodes, M):
    idx = v.require_int_list(name, nodes, minimum=0)
    if max(idx) >= M or len(set(idx)) != len(idx):
        raise ValueError(f"{name} must be distinct nodes 0..{M - 1}, got {list(nodes)}")
    return torch.tensor(idx)


def train_node_classifier(A, X, y, train_nodes=TRAIN_NODES, *, graph: bool = True, hidden: int = 8,
                          epochs: int = 100, lr: float = 0.05, seed: int = 0) -> dict:
    r"""Train a two-layer GCN (``graph=True``) or the same network without propagation (an MLP on the features).

    .. math:: \text{GCN: }Z=\bar A\tanh(\bar AXW^0)W^1,\qquad \text{MLP: }Z=\tanh(XW^0)W^1,\qquad
              \text{loss: cross-entropy on the labelled nodes only}

    ``A`` : ``(M, M)``; ``X`` : ``(M, N)``; ``y`` : ``(M,)`` classes 0/1; ``train_nodes`` : the labelled
    nodes; Adam with step ``lr`` for ``epochs`` full-batch steps. The other nodes are the test set. Returns
    ``test_accuracy`` (per epoch), the final ``logits`` ``(M, 2)`` and the ``hidden`` embedding ``(M, hidden)``.

    >>> A, y = karate_club()
    >>> run = train_node_classifier(A, torch.eye(34, dtype=torch.float64), y, epochs=5)
    >>> len(run["test_accuracy"]), tuple(run["logits"].shape), tuple(run["hidden"].shape)
    (5, (34, 2), (34, 8))
    """
    A = c.adjacency("A", A)
    X = c.features("X", X, A.shape[0], like=A)
    y = v.as_tensor("y", y, dtype=torch.float64)
    v.require_shape("y", y, (A.shape[0],), match="A")
    if not ((y == 0) | (y == 1)).all():
        raise ValueError(f"y must hold classes 0 and 1, got {v._show(y.tolist())}")
    y = y.long().to(A.device)
    train = _nodes("train_nodes", train_nodes, A.shape[0]).to(A.device)
    v.require_bool("graph", graph)
    hidden, epochs = v.require_int("hidden", hidden, minimum=1), v.require_int("epochs", epochs, minimum=1)
    lr = v.require_positive_scalar("lr", lr)
    seed = v.require_int("seed", seed, minimum=0)
    g = torch.Generator().manual_seed(seed)
    W0 = (torch.randn(X.shape[1], hidden, generator=g, dtype=torch.float64) / X.shape[1] ** 0.5).to(A).requires_grad_()
    W1 = (torch.randn(hidden, 2, generator=g, dtype=torch.float64) / hidden ** 0.5).to(A).requires_grad_()
    S = normalized_adjacency(A) if graph else torch.eye(A.shape[0], dtype=A.dtype, device=A.device)
    test = torch.ones(A.shape[0], dtype=torch.bool, device=A.device)
    test[train] = False
    opt = torch.optim.Adam([W0, W1], lr=lr)
    accuracy = []
    for _ in range(epochs):
        H = torch.tanh(S @ X @ W0)
        Z = S @ H @ W1
        loss = torch.nn.functional.cross_entropy(Z[train], y[train])
        opt.zero_grad()
        loss.backward()
        opt.step()
        accuracy.append(float((Z.argmax(1)[test] == y[test]).double().mean()))
    with torch.no_grad():
        H = torch.tanh(S @ X @ W0)
        return {"test_accuracy": accuracy, "logits": S @ H @ W1, "hidden": H}


class DeepSetsNet(torch.nn.Module):
    r"""A trainable Deep Sets model on batches of sets: :math:`\rho\big(\sum_m\varphi(x_m)\big)`.

    ``width`` : the size of the embedding :math:`\varphi(x)\in\mathbb R^{\text{width}}`; ``seed`` seeds
    the initial weights. ``forward`` takes ``(B, M)`` (sets of ``M`` numbers) and returns ``(B,)``.

    >>> net = DeepSetsNet(width=4, seed=0)
    >>> x = torch.tensor([[0.1, 0.5, 0.9]], dtype=torch.float64)
    >>> bool(torch.allclose(net(x), net(x[:, [2, 0, 1]]), atol=1e-15))
    True
    """

    def __init__(self, width: int = 16, seed: int = 0):
        super().__init__()
        width = v.require_int("width", width, minimum=1)
        seed = v.require_int("seed", seed, minimum=0)
        g = torch.Generator().manual_seed(seed)
        self.phi = torch.nn.Sequential(torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, width))
        self.rho = torch.nn.Sequential(torch.nn.Linear(width, width), torch.nn.Tanh(), torch.nn.Linear(width, 1))
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn(p.shape, generator=g) * (0.1 if p.ndim == 1 else p.shape[1] ** -0.5))
        self.double()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = v.as_float_tensor("x", x)
        v.require_ndim("x", x, 2)
        v.require_finite("x", x)
        return self.rho(self.phi(x[..., None]).sum(1))[:, 0]        # (B, M, 1) → (B, M, w) → (B, w) → (B,)


def make_sets(n: int, size: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    r"""``n`` random sets of ``size`` numbers, uniform on [0, 1], and the set function to learn: the range.

    .. math:: f(\{x_1,\dots,x_M\})=\max_mx_m-\min_mx_m

    >>> x, t = make_sets(2, 3)
    >>> tuple(x.shape), bool(torch.allclose(t, x.max(1).values - x.min(1).values))
    ((2, 3), True)
    """
    n, size = v.require_int("n", n, minimum=1), v.require_int("size", size, minimum=1)
    seed = v.require_int("seed", seed, minimum=0)
    x = torch.rand(n, size, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    return x, x.max(1).values - x.min(1).values


def train_set_models(size: int = 6, steps: int = 400, n_train: int = 512, seed: int = 0) -> dict:
    r"""Train Deep Sets and an MLP on the ordered vector to predict the range of a set; compare them.

    Both see the same ``n_train`` sets of ``size`` numbers (Adam, step 0.01, ``steps`` full-batch steps).
    Returns the training curves, the test mean squared errors on fresh sets, and how much each model's
    output moves when the test sets are shuffled (Deep Sets: rounding; the MLP: a real change).

    >>> out = train_set_models(size=4, steps=3, n_train=16)
    >>> sorted(out)
    ['deep_sets_loss', 'deep_sets_mse', 'deep_sets_shuffle', 'mlp_loss', 'mlp_mse', 'mlp_shuffle', 'mse_by_size']
    """
    size, steps = v.require_int("size", size, minimum=2), v.require_int("steps", steps, minimum=1)
    n_train, seed = v.require_int("n_train", n_train, minimum=1), v.require_int("seed", seed, minimum=0)
    x, t = make_sets(n_train, size, seed)
    xt, tt = make_sets(500, size, seed + 1)
    shuffled = xt[:, torch.randperm(size, generator=torch.Generator().manual_seed(seed + 2))]
    deep = DeepSetsNet(16, seed)
    g = torch.Generator().manual_seed(seed + 3)
    mlp = torch.nn.Sequential(torch.nn.Linear(size, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1)).double()
    with torch.no_grad():
        for p in mlp.parameters():
            scale = 0.1 if p.ndim == 1 else p.shape[1] ** -0.5
            p.copy_(torch.randn(p.shape, generator=g, dtype=torch.float64) * scale)
    models = {"deep_sets": (deep, lambda z: deep(z)), "mlp": (mlp, lambda z: mlp(z)[:, 0])}
    out = {}
    for name, (model, f) in models.items():
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        losses = []
        for _ in range(steps):
            loss = ((f(x) - t) ** 2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(float(loss.detach()))
        with torch.no_grad():
            out[f"{name}_loss"] = losses
            out[f"{name}_mse"] = float(((f(xt) - tt) ** 2).mean())
            out[f"{name}_shuffle"] = float((f(xt) - f(shuffled)).abs().max())
    with torch.no_grad():
        out["mse_by_size"] = {m: float(((deep(xs) - ts) ** 2).mean()) for m in (2, 4, 6, 10, 20)
                              for xs, ts in [make_sets(300, m, seed + 4)]}
    return out
