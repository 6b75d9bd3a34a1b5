r"""Graphs as matrices, relabelling, invariant and equivariant graph functions, message passing, attention and
the Weisfeiler–Lehman test.

Chapter 7, "Geometric deep learning" (book labels ``gdl.adjacency`` … ``gdl.message-passing``,
``gdl.attention-gnn``, ``gdl.wl-test``). A graph on :math:`M` nodes is its adjacency matrix ``A``
(``(M, M)``, symmetric, 0/1, zero diagonal); node features are the rows of ``X`` (``(M, N)``). A
relabelling is a permutation ``perm`` (node ``j`` becomes node ``perm[j]``) acting as
:math:`X\mapsto PX`, :math:`A\mapsto PAP^\top` (see :func:`edl.geometric.symmetry.permutation_matrix`).
"""

import hashlib
from collections import Counter
from collections.abc import Callable

import networkx as nx
import torch

from edl.core import validate as v
from edl.geometric import _checked as c
from edl.geometric.symmetry import permutation_matrix


def adjacency_matrix(num_nodes: int, edges, *, dtype: torch.dtype = torch.float64, device=None) -> torch.Tensor:
    r"""The adjacency matrix of an undirected simple graph from its edge list.

    .. math:: a_{nm}=\begin{cases}1&\{v_n,v_m\}\in E\\0&\text{otherwise}\end{cases},\qquad A=A^\top,\quad
              \deg(v_n)=\sum_m a_{nm}

    Book label: ``gdl.adjacency``. ``num_nodes`` : :math:`M`; ``edges`` : pairs ``(n, m)`` of distinct
    nodes in ``0..M-1`` (an edge listed twice is one edge).

    >>> adjacency_matrix(3, [(0, 1), (1, 2)]).int().tolist()
    [[0, 1, 0], [1, 0, 1], [0, 1, 0]]
    """
    M = v.require_int("num_nodes", num_nodes, minimum=1)
    v.require_dtype("dtype", dtype)
    device = v.require_device("device", device)
    E = _edge_list(edges, M)
    A = torch.zeros(M, M, dtype=dtype, device=device)
    if E.numel():
        A[E[:, 0], E[:, 1]] = 1
        A[E[:, 1], E[:, 0]] = 1
    return A


def _edge_list(edges, M: int) -> torch.Tensor:
    if isinstance(edges, (str, bytes)) or edges is None:
        raise ValueError(f"edges must be a list of node pairs, got {v._show(edges)}")
    try:
        E = torch.as_tensor(edges, dtype=torch.float64).reshape(-1, 2) if len(edges) else torch.zeros(0, 2)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"edges must be a list of node pairs, got {v._show(edges)}") from err
    if E.numel() and (torch.as_tensor(edges).ndim != 2 or torch.as_tensor(edges).shape[1] != 2):
        raise ValueError(f"edges must be a list of node pairs, got {v._show(edges)}")
    if not (torch.isfinite(E).all() and (E == E.round()).all() and ((E >= 0) & (E < M)).all()):
        raise ValueError(f"edges must join nodes 0..{M - 1}, got {v._show(edges)}")
    if (E[:, 0] == E[:, 1]).any():
        raise ValueError(f"edges must join distinct nodes (no self-loops), got {v._show(edges)}")
    return E.long()


def degrees(A) -> torch.Tensor:
    r"""The degrees :math:`d_n=\sum_m a_{nm}`, the row sums of the adjacency matrix. Book label: ``gdl.adjacency``.

    >>> degrees([[0, 1, 1], [1, 0, 0], [1, 0, 0]]).tolist()
    [2.0, 1.0, 1.0]
    """
    return c.adjacency("A", A).sum(1)


def relabel(X, A, perm) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Relabel the nodes: features and adjacency move together.

    .. math:: X\mapsto PX,\qquad A\mapsto PAP^\top,\qquad PP^\top=I

    Book label: ``gdl.permutation-matrix``. ``X`` : ``(M, N)``; ``A`` : ``(M, M)``; ``perm`` : ``(M,)``.

    >>> X2, A2 = relabel([[1.0], [2.0], [3.0]], [[0, 1, 0], [1, 0, 1], [0, 1, 0]], [2, 0, 1])
    >>> X2.flatten().tolist(), A2.int().tolist()
    ([2.0, 3.0, 1.0], [[0, 1, 1], [1, 0, 0], [1, 0, 0]])
    """
    A = c.adjacency("A", A)
    X = c.features("X", X, A.shape[0], like=A)
    c.permutation("perm", perm, A.shape[0])
    P = permutation_matrix(perm, dtype=A.dtype, device=A.device)
    return P @ X, P @ A @ P.T


def graph_readout(X, A_bar, W) -> torch.Tensor:
    r"""A graph-level output, invariant to relabelling: one GCN step, then a sum over the nodes.

    .. math:: f(X,A)=\mathbf 1^\top\tanh(\bar AXW)=f(PX,PAP^\top)\quad\forall P\in\Pi_M

    Book labels: ``gdl.graph-invariance``, ``gdl.wl-test``. ``X`` : ``(M, N)``; ``A_bar`` : the ``(M, M)``
    propagation operator (e.g. :func:`edl.geometric.gcn.normalized_adjacency`); ``W`` : ``(N, N')``.
    Returns ``(N',)``.

    >>> graph_readout([[1.0], [2.0]], [[0.5, 0.5], [0.5, 0.5]], [[1.0, -1.0]]).numpy().round(6).tolist()
    [1.810297, -1.810297]
    """
    A_bar = c.symmetric("A_bar", A_bar)
    X = c.features("X", X, A_bar.shape[0], like=A_bar, match="A_bar")
    W = c.matrix("W", W, like=X)
    v.require_shape("W", W, (X.shape[1], None), match="X")
    return torch.tanh(A_bar @ X @ W).sum(0)


def equivariance_error(f: Callable, X, A, perm) -> float:
    r"""How far a node-level graph function is from equivariance under one relabelling.

    .. math:: \big\|P\,f(X,A)-f(PX,PAP^\top)\big\|_\infty\qquad(\text{zero for an equivariant }f)

    Book label: ``gdl.graph-equivariance``. ``f(X, A)`` returns one row per node; ``X`` : ``(M, N)``;
    ``A`` : ``(M, M)``; ``perm`` : ``(M,)``. The permutation acts on the output of the original graph.

    >>> round(equivariance_error(lambda X, A: A @ X, [[1.0], [2.0], [3.0]], [[0, 1, 0], [1, 0, 1], [0, 1, 0]],
    ...                          [1, 2, 0]), 12)
    0.0
    """
    f = c.function("f", f)
    A = c.adjacency("A", A)
    X = c.features("X", X, A.shape[0], like=A)
    P = permutation_matrix(c.permutation("perm", perm, A.shape[0]), dtype=A.dtype, device=A.device)
    y = c.output("f", f(X, A))
    if y.ndim == 0 or y.shape[0] != A.shape[0]:
        raise ValueError(f"f must return one row per node ({A.shape[0]}), got shape {tuple(y.shape)}")
    y_perm = c.output("f", f(P @ X, P @ A @ P.T))
    return float((P @ y.reshape(A.shape[0], -1) - y_perm.reshape(A.shape[0], -1)).abs().max())


def neighbourhood_multiset(X, A, m: int) -> Counter:
    r"""The multiset of the features of node ``m``'s neighbours, as a ``Counter`` of feature tuples.

    .. math:: X_m=\{\!\{x_n:\{v_n,v_m\}\in E\}\!\}

    Book label: ``gdl.neighborhood-multiset``. ``X`` : ``(M, N)``; ``A`` : ``(M, M)``; ``m`` : a node.
    Repeated features count with their multiplicity; the order of the neighbours is lost.

    >>> sorted(neighbourhood_multiset([[1.0], [2.0], [1.0], [5.0]], [[0, 1, 1, 0], [1, 0, 0, 0], [1, 0, 0, 1],
    ...                                                          [0, 0, 1, 0]], 0).items())
    [((1.0,), 1), ((2.0,), 1)]
    """
    A = c.adjacency("A", A)
    X = c.features("X", X, A.shape[0], like=A)
    m = v.require_int("m", m, minimum=0)
    if m >= A.shape[0]:
        raise ValueError(f"m must be a node of the graph (0..{A.shape[0] - 1}), got {m}")
    rows = torch.nonzero(A[m]).flatten()
    return Counter(tuple(X[n].tolist()) for n in rows.tolist())


def edge_index(A) -> torch.Tensor:
    r"""The directed edge list ``(2, 2|E|)`` of an adjacency matrix: row 0 the source, row 1 the target.

    Book label: ``gdl.message-passing``. Each undirected edge appears once in each direction.

    >>> edge_index([[0, 1], [1, 0]]).tolist()
    [[1, 0], [0, 1]]
    """
    A = c.adjacency("A", A)
    target, source = torch.nonzero(A, as_tuple=True)
    return torch.stack([source, target])


def aggregate(messages, edges, num_nodes: int, mode: str = "sum") -> torch.Tensor:
    r"""Aggregate the messages of every node's neighbours along an edge list (a sparse scatter).

    .. math:: m_i=\bigoplus_{j:\,(j\to i)\in E}\psi_j,\qquad \oplus\in\{\textstyle\sum,\ \text{mean},\ \max\}

    Book label: ``gdl.message-passing``. ``messages`` : ``(M, N)``, the message :math:`\psi(x_j)` of every
    node; ``edges`` : ``(2, E)`` source and target indices; a node without neighbours receives 0. Costs
    :math:`O(|E|N)`, against :math:`O(M^2N)` for the dense product :math:`A\psi(X)`.

    >>> aggregate([[1.0], [2.0], [4.0]], [[1, 2, 0], [0, 0, 1]], 3, "mean").flatten().tolist()
    [3.0, 1.0, 0.0]
    """
    M = v.require_int("num_nodes", num_nodes, minimum=1)
    v.require_choice("mode", mode, ("sum", "mean", "max"))
    H = c.features("messages", messages, M, match="num_nodes")
    E = _directed_edges(edges, M, H.device)
    source, target = E
    out = torch.zeros_like(H)
    if mode == "max":
        out = out.scatter_reduce(0, target[:, None].expand(-1, H.shape[1]), H[source], "amax", include_self=False)
    else:
        out = out.index_add(0, target, H[source])
        if mode == "mean":
            ones = torch.ones_like(target, dtype=H.dtype)
            count = torch.zeros(M, dtype=H.dtype, device=H.device).index_add(0, target, ones)
            out = out / count.clamp(min=1)[:, None]
    return out


def _directed_edges(edges, M: int, device) -> torch.Tensor:
    try:
        E = torch.as_tensor(edges, device=device)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"edges must be a (2, E) array of node indices, got {v._show(edges)}") from err
    if E.ndim != 2 or E.shape[0] != 2 or E.is_complex() or E.dtype == torch.bool:
        raise ValueError(f"edges must be a (2, E) array of node indices, got {v._show(edges)}")
    if E.is_floating_point():
        if not (torch.isfinite(E).all() and (E == E.round()).all()):
            raise ValueError(f"edges must hold node indices 0..{M - 1}, got {v._show(edges)}")
        E = E.long()
    if E.numel() and (int(E.min()) < 0 or int(E.max()) >= M):
        raise ValueError(f"edges must hold node indices 0..{M - 1}, got {v._show(edges)}")
    return E.long()


def message_passing(X, A, psi: Callable | None = None, phi: Callable | None = None, mode: str = "sum") -> torch.Tensor:
    r"""One message-passing layer: every node combines its own state with the aggregate of its neighbours'.

    .. math:: x_m^+=\varphi\Big(x_m,\ \bigoplus_{x\in X_m}\psi(x)\Big);\qquad
              \text{sum: }X^+=\varphi\big(X,\ A\,\psi(X)\big),\quad\text{mean: }\varphi\big(X,\ D^{-1}A\,\psi(X)\big)

    Book label: ``gdl.message-passing``. ``X`` : ``(M, N)``; ``A`` : ``(M, M)``; ``psi`` : messages,
    ``(M, N)`` to ``(M, K)`` row by row (default: the identity); ``phi(X, m)`` : the update (default:
    ``m``, the aggregate itself); ``mode`` : ``"sum"``, ``"mean"`` or ``"max"``.

    >>> message_passing([[1.0], [2.0], [4.0]], [[0, 1, 1], [1, 0, 0], [1, 0, 0]], mode="max").flatten().tolist()
    [4.0, 1.0, 1.0]
    """
    v.require_choice("mode", mode, ("sum", "mean", "max"))
    A = c.adjacency("A", A)
    X = c.features("X", X, A.shape[0], like=A)
    H = X if psi is None else c.output("psi", c.function("psi", psi)(X))
    if H.ndim != 2 or H.shape[0] != X.shape[0]:
        raise ValueError(f"psi must return one row per node ({X.shape[0]}), got shape {tuple(H.shape)}")
    m = aggregate(H, edge_index(A), A.shape[0], mode)
    return m if phi is None else c.output("phi", c.function("phi", phi)(X, m))


def attention_coefficients(X, A, V, u, *, negative_slope: float = 0.2) -> torch.Tensor:
    r"""Attention weights of a GAT layer: a softmax over every node's neighbourhood (self-loop included).

    .. math:: q_{ij}=\operatorname*{softmax}_{j:\,\tilde A_{ij}=1}
              \Big(\mathrm{LeakyReLU}\big(u^\top[Vx_i;Vx_j]\big)\Big),
              \qquad \sum_j\tilde A_{ij}q_{ij}=1,\quad q_{ij}=0\ \text{where}\ \tilde A_{ij}=0

    Book label: ``gdl.attention-gnn``. ``X`` : ``(M, N)``; ``A`` : ``(M, M)`` (self-loops are added);
    ``V`` : ``(K, N)``; ``u`` : ``(2K,)``; ``negative_slope`` : the LeakyReLU slope (0.2 in GAT).

    >>> attention_coefficients([[1.0], [0.0]], [[0, 1], [1, 0]], [[1.0]], [0.0, 1.0]).numpy().round(6).tolist()
    [[0.731059, 0.268941], [0.731059, 0.268941]]
    """
    A = c.adjacency("A", A)
    X = c.features("X", X, A.shape[0], like=A)
    V = c.matrix("V", V, like=X)
    v.require_shape("V", V, (None, X.shape[1]), match="X")
    u = v.as_float_tensor("u", u, like=X)
    v.require_finite("u", u)
    v.require_shape("u", u, (2 * V.shape[0],), match="V")
    slope = v.require_positive_scalar("negative_slope", negative_slope, strict=False)
    Z = X @ V.T                                                  # (M, K)
    K = V.shape[0]
    scores = (Z @ u[:K])[:, None] + (Z @ u[K:])[None, :]         # (M, M): u^T [V x_i ; V x_j]
    scores = torch.nn.functional.leaky_relu(scores, slope)
    mask = (A + torch.eye(A.shape[0], dtype=A.dtype, device=A.device)) > 0
    return torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)


def gat_layer(X, A, V, u, W, *, activation: Callable = torch.tanh) -> torch.Tensor:
    r"""A graph attention layer: learned neighbour weights :math:`Q` in place of the fixed :math:`\bar A`.

    .. math:: X^+=\sigma(QXW),\qquad Q=(q_{ij})\ \text{from}\ :func:`attention_coefficients`

    Book label: ``gdl.attention-gnn``. ``W`` : ``(N, N')``; ``activation`` : :math:`\sigma`.

    >>> ident = lambda z: z
    >>> gat_layer([[1.0], [0.0]], [[0, 1], [1, 0]], [[1.0]], [0.0, 0.0], [[2.0]], activation=ident).flatten().tolist()
    [1.0, 1.0]
    """
    activation = c.function("activation", activation)
    Q = attention_coefficients(X, A, V, u)
    X = c.features("X", X, Q.shape[0], like=Q)
    W = c.matrix("W", W, like=X)
    v.require_shape("W", W, (X.shape[1], None), match="X")
    return activation(Q @ X @ W)


def wl_colours(A, iterations: int = 3) -> list[Counter]:
    r"""1-WL colour refinement: the histogram of node colours after each round (round 0: all nodes alike).

    .. math:: c_v^{(t+1)}=\mathrm{hash}\big(c_v^{(t)},\ \{\!\{c_u^{(t)}:u\in\mathcal N(v)\}\!\}\big)

    Book label: ``gdl.wl-test``. ``A`` : ``(M, M)``; ``iterations`` : the number of rounds. Colours are
    canonical (nested tuples), so histograms of different graphs compare directly: different histograms
    prove that two graphs are not isomorphic; equal histograms prove nothing.

    >>> [len(h) for h in wl_colours([[0, 1, 0], [1, 0, 1], [0, 1, 0]], 2)]
    [1, 2, 2]
    """
    A = c.adjacency("A", A)
    T = v.require_int("iterations", iterations, minimum=0)
    neighbours = [torch.nonzero(A[i]).flatten().tolist() for i in range(A.shape[0])]
    colour = ["0"] * A.shape[0]
    history = [Counter(colour)]
    for _ in range(T):
        colour = [_hash((colour[i], tuple(sorted(colour[j] for j in neighbours[i])))) for i in range(A.shape[0])]
        history.append(Counter(colour))
    return history


def _hash(signature) -> str:
    """A short deterministic name for a colour signature (the same in every process and graph)."""
    return hashlib.blake2b(repr(signature).encode(), digest_size=8).hexdigest()


def wl_distinguishes(A1, A2, iterations: int = 3) -> bool:
    r"""Does 1-WL tell the two graphs apart within ``iterations`` rounds (different colour histograms)?

    Book label: ``gdl.wl-test``. ``True`` proves the graphs are not isomorphic; ``False`` is inconclusive.

    >>> C6 = [[int(abs(i - j) in (1, 5)) for j in range(6)] for i in range(6)]
    >>> two_triangles = [[int(i != j and i // 3 == j // 3) for j in range(6)] for i in range(6)]
    >>> wl_distinguishes(C6, two_triangles)
    False
    """
    A1, A2 = c.adjacency("A1", A1), c.adjacency("A2", A2)
    T = v.require_int("iterations", iterations, minimum=0)
    if A1.shape != A2.shape:
        return True
    return wl_colours(A1, T) != wl_colours(A2, T)


def to_networkx(A) -> nx.Graph:
    """The networkx graph of an adjacency matrix (nodes ``0..M-1``). Book label: ``gdl.adjacency``.

    >>> sorted(to_networkx([[0, 1], [1, 0]]).edges())
    [(0, 1)]
    """
    A = c.adjacency("A", A)
    return nx.from_numpy_array(A.detach().cpu().numpy())
