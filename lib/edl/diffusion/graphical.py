r"""Autoregressive, energy-based and graphical models: the chain rule and FVSBN, energy models and score
matching, restricted Boltzmann machines, sigmoid belief networks, Bayesian networks and Markov random
fields (with the maximum-entropy principle).

Chapter 10, "Other generative models" (book labels ``ar.*``, ``ebm.*``, ``rbm.*``, ``sbn.*``, ``bn.*``,
``mrf.*``). Binary variables take values 0 and 1; batches of configurations are rows. Tensors in,
tensors out; dtype and device follow the input.
"""

import itertools
from collections.abc import Callable, Sequence

import torch

from edl.core import validate as v
from edl.diffusion.forward import _callable, _dtype_device, _float


def _generator(generator):
    if not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator, got {generator!r}")
    return generator


def _sequence(name, value):
    if not isinstance(value, (list, tuple)):
        raise ValueError(f"{name} must be a list, got {value!r}")
    return value


def _columns(name, t, n, what):
    if t.shape[-1] != n:
        raise ValueError(f"{name} must have {n} columns, one per {what}, got shape {tuple(t.shape)}")


def _binary(name, x):
    t = _float(name, x)
    v.require_ndim(name, t, 2)
    if not ((t == 0) | (t == 1)).all():
        raise ValueError(f"{name} must hold 0/1 values, got {t.tolist() if t.numel() < 20 else t}")
    return t


def all_states(d: int, *, dtype=torch.float64, device=None) -> torch.Tensor:
    """Every binary configuration of ``d`` variables, shape (2**d, d), in lexicographic order (x_1 most significant).

    >>> all_states(2).tolist()
    [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    """
    d = v.require_int("d", d, minimum=1)
    dtype, device = _dtype_device(dtype, device)
    return torch.tensor(list(itertools.product((0.0, 1.0), repeat=d)), dtype=dtype, device=device)


# --- autoregressive models ---------------------------------------------------------------------------

def ar_log_prob(x, conditional: Callable) -> torch.Tensor:
    r"""Log probability by the chain rule, :math:`\log p(\mathbf x)=\sum_{i=1}^d\log p(x_i\mid\mathbf x_{<i})`.

    Book label: ``ar.factorization``. ``x`` : binary rows (N, d); ``conditional(i, prefix)`` returns
    :math:`p(x_i=1\mid\mathbf x_{<i})` for the prefixes (N, i), shape (N,) (``i`` is 0-based).

    >>> float(ar_log_prob([[1.0, 0.0]], lambda i, prefix: torch.full((1,), 0.5).double()).exp()[0])
    0.25
    """
    x = _binary("x", x)
    if not callable(conditional):
        raise ValueError(f"conditional must be a function (i, prefix) -> p(x_i = 1 | prefix), got {conditional!r}")
    total = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    for i in range(x.shape[1]):
        p = conditional(i, x[:, :i])
        total = total + torch.where(x[:, i] == 1, torch.log(p), torch.log1p(-p))
    return total


def fvsbn_conditionals(x, A, c) -> torch.Tensor:
    r"""The conditionals of a fully visible sigmoid belief network, for every variable at once.

    .. math:: p(x_i=1\mid\mathbf x_{<i})=\sigma\Big(\sum_{j<i}A_{ij}x_j+c_i\Big)

    Book label: ``ar.fvsbn``. Only the strictly lower triangle of ``A`` (d, d) is used: the mask
    :math:`j<i` is what makes this a valid autoregressive model (MADE's masks generalise it). ``x`` :
    (N, d); returns (N, d).

    >>> [round(p, 6) for p in fvsbn_conditionals([[1.0, 0.0]], [[5.0, 0.0], [2.0, 5.0]], [0.0, 0.0])[0].tolist()]
    [0.5, 0.880797]
    """
    x = _binary("x", x)
    A = _float("A", A, like=x)
    c = _float("c", c, like=x)
    d = x.shape[1]
    if A.shape != (d, d) or c.shape != (d,):
        raise ValueError(f"A must be ({d}, {d}) and c ({d},) for the {d} columns of x, got {tuple(A.shape)} and "
                         f"{tuple(c.shape)}")
    return torch.sigmoid(x @ torch.tril(A, -1).T + c)


def fvsbn_log_prob(x, A, c) -> torch.Tensor:
    r""":math:`\log p(\mathbf x)=\sum_i\big[x_i\log p_i+(1-x_i)\log(1-p_i)\big]` with the FVSBN conditionals :math:`p_i`.

    Book label: ``ar.fvsbn``.

    >>> round(float(fvsbn_log_prob([[1.0, 1.0]], [[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0]).exp()[0]), 6)
    0.25
    """
    x = _binary("x", x)
    p = fvsbn_conditionals(x, A, c)
    return (x * torch.log(p) + (1 - x) * torch.log1p(-p)).sum(-1)


# --- energy-based models -------------------------------------------------------------------------

def ebm_loglik_gradient(theta, energy: Callable, data, model_samples) -> torch.Tensor:
    r"""The log-likelihood gradient of an energy model :math:`p_\theta=e^{-E_\theta}/Z_\theta`: positive minus negative phase.

    .. math:: \nabla_\theta\frac1n\sum_i\log p_\theta(x_i)=\mathbb E_{p_{\text{data}}}[-\nabla_\theta E_\theta(x)]
              -\mathbb E_{p_\theta}[-\nabla_\theta E_\theta(x)],\qquad\nabla_\theta\log Z_\theta=\mathbb E_{p_\theta}[-\nabla_\theta E_\theta]

    Book label: ``ebm.loglik-gradient``. ``energy(x, theta)`` : energies of a batch; ``data``,
    ``model_samples`` : batches (the model expectation is estimated from samples of :math:`p_\theta`, in
    practice drawn by MCMC). Gradients by autograd.

    >>> E = lambda x, th: th[0] * x**2
    >>> ebm_loglik_gradient([0.5], E, [0.0, 0.0], [1.0, -1.0]).tolist()  # -0 + E_model[x²]
    [1.0]
    """
    th = _float("theta", theta).detach().requires_grad_(True)
    v.require_ndim("theta", th, 1)
    _callable("energy", energy)
    data = _float("data", data, like=th)
    model = _float("model_samples", model_samples, like=th)
    with torch.enable_grad():
        pos = torch.autograd.grad(-energy(data, th).mean(), th)[0]
        neg = torch.autograd.grad(-energy(model, th).mean(), th)[0]
    return pos - neg


def hyvarinen_objective(x, energy: Callable) -> torch.Tensor:
    r"""Hyvärinen's score-matching objective, which needs no partition function.

    .. math:: J(\theta)=\mathbb E_{p_{\text{data}}}\Big[\tfrac12\|\nabla_xE_\theta(x)\|^2-\operatorname{tr}\nabla_x^2E_\theta(x)\Big]
              =\tfrac12\mathbb E_{p_{\text{data}}}\big\|\nabla_x\log p_{\text{data}}-(-\nabla_xE_\theta)\big\|^2+\text{const}

    Book label: ``ebm.score-matching``. ``x`` : data (N, d); ``energy`` : maps (N, d) to (N,),
    differentiable in its input (derivatives by autograd, so the result is differentiable in the
    parameters ``energy`` closes over).

    >>> x = torch.tensor([[1.0], [-1.0]]).double()
    >>> round(float(hyvarinen_objective(x, lambda z: 0.5 * (z**2).sum(-1)).detach()), 6)  # ½ E x² − 1
    -0.5
    """
    x = _float("x", x)
    v.require_ndim("x", x, 2)
    _callable("energy", energy)
    x = x.detach().requires_grad_(True)
    with torch.enable_grad():
        grad = torch.autograd.grad(energy(x).sum(), x, create_graph=True)[0]          # (N, d)
        trace = sum(torch.autograd.grad(grad[:, i].sum(), x, create_graph=True)[0][:, i] for i in range(x.shape[1]))
        return (0.5 * (grad**2).sum(-1) - trace).mean()


# --- restricted Boltzmann machines ----------------------------------------------------------------

def _rbm(W, a, b, like=None):
    W = _float("W", W, like=like)
    v.require_ndim("W", W, 2)
    a, b = _float("a", a, like=W), _float("b", b, like=W)
    if a.shape != W.shape[:1] or b.shape != W.shape[1:]:
        raise ValueError(f"a must have shape ({W.shape[0]},) and b ({W.shape[1]},) for W of shape {tuple(W.shape)}, "
                         f"got {tuple(a.shape)} and {tuple(b.shape)}")
    return W, a, b


def rbm_energy(vis, hid, W, a, b) -> torch.Tensor:
    r""":math:`E(\mathbf v,\mathbf h)=-\mathbf a^\top\mathbf h-\mathbf b^\top\mathbf v-\mathbf h^\top W\mathbf v` for rows of ``vis`` (N, V) and ``hid`` (N, H).

    Book label: ``rbm.conditionals``. ``W`` : (H, V); ``a`` : hidden biases (H,); ``b`` : visible biases (V,).

    >>> float(rbm_energy([[1.0]], [[1.0]], [[2.0]], [0.5], [0.25])[0])
    -2.75
    """
    vis, hid = _binary("vis", vis), _binary("hid", hid)
    W, a, b = _rbm(W, a, b, like=vis)
    _columns("vis", vis, W.shape[1], "column of W")
    _columns("hid", hid, W.shape[0], "row of W")
    if vis.shape[0] != hid.shape[0]:
        raise ValueError(f"vis and hid must have the same number of rows, got {vis.shape[0]} and {hid.shape[0]}")
    return -(hid @ a) - (vis @ b) - ((hid @ W) * vis).sum(-1)


def rbm_hidden_probs(vis, W, a) -> torch.Tensor:
    r""":math:`P(h_j=1\mid\mathbf v)=\sigma(a_j+W_{j,:}\mathbf v)`, shape (N, H). Book label: ``rbm.conditionals``.

    >>> round(float(rbm_hidden_probs([[1.0]], [[2.0]], [-2.0])[0, 0]), 6)
    0.5
    """
    vis = _binary("vis", vis)
    W, a, _ = _rbm(W, a, torch.zeros(_float("W", W).shape[-1]), like=vis)
    _columns("vis", vis, W.shape[1], "column of W")
    return torch.sigmoid(a + vis @ W.T)


def rbm_visible_probs(hid, W, b) -> torch.Tensor:
    r""":math:`P(v_i=1\mid\mathbf h)=\sigma(b_i+W_{:,i}^\top\mathbf h)` (column :math:`i` of :math:`W`), shape (N, V).

    Book label: ``rbm.conditionals``.

    >>> round(float(rbm_visible_probs([[1.0]], [[2.0]], [0.0])[0, 0]), 6)
    0.880797
    """
    hid = _binary("hid", hid)
    W, _, b = _rbm(W, torch.zeros(_float("W", W).shape[0]), b, like=hid)
    _columns("hid", hid, W.shape[0], "row of W")
    return torch.sigmoid(b + hid @ W)


def rbm_free_energy(vis, W, a, b) -> torch.Tensor:
    r"""Free energy :math:`F(\mathbf v)=-\mathbf b^\top\mathbf v-\sum_j\log(1+e^{a_j+W_{j,:}\mathbf v})`, so :math:`P(\mathbf v)=e^{-F(\mathbf v)}/Z`.

    Book label: ``rbm.cd-learning``.

    >>> round(float(rbm_free_energy([[0.0]], [[1.0]], [0.0], [0.0])[0]), 6)  # −log 2
    -0.693147
    """
    vis = _binary("vis", vis)
    W, a, b = _rbm(W, a, b, like=vis)
    _columns("vis", vis, W.shape[1], "column of W")
    return -(vis @ b) - torch.nn.functional.softplus(a + vis @ W.T).sum(-1)


def rbm_loglik_gradient(data, W, a, b, model, model_weights=None) -> tuple[torch.Tensor, ...]:
    r"""Likelihood gradient of an RBM from free energies: at the data minus under the model.

    .. math:: \nabla_\theta\frac1n\sum_i\log p_\theta(\mathbf v_i)=-\frac1n\sum_i\nabla_\theta F_\theta(\mathbf v_i)
              +\mathbb E_{p_\theta}\big[\nabla_\theta F_\theta(\mathbf v)\big]

    Book label: ``rbm.cd-learning``. ``model`` : visible configurations standing for :math:`p_\theta`
    (samples, e.g. after :math:`k` Gibbs steps from the data for CD-:math:`k`; or every configuration
    with ``model_weights`` their probabilities, for the exact gradient). Returns the gradients for
    ``(W, a, b)``.

    >>> [g.shape for g in rbm_loglik_gradient([[1.0]], [[0.0]], [0.0], [0.0], [[0.0], [1.0]], [0.5, 0.5])]
    [torch.Size([1, 1]), torch.Size([1]), torch.Size([1])]
    """
    data, model = _binary("data", data), _binary("model", model)
    W, a, b = (t.detach().requires_grad_(True) for t in _rbm(W, a, b, like=data))
    _columns("data", data, W.shape[1], "column of W")
    _columns("model", model, W.shape[1], "column of W")
    if model_weights is None:
        w = torch.full((model.shape[0],), 1.0 / model.shape[0], dtype=data.dtype, device=data.device)
    else:
        w = _float("model_weights", model_weights, like=data)
        if w.shape != model.shape[:1]:
            raise ValueError(f"model_weights must have shape ({model.shape[0]},), one per row of model, got {tuple(w.shape)}")
        v.require_distribution("model_weights", w)
    with torch.enable_grad():
        objective = -rbm_free_energy(data, W, a, b).mean() + (w * rbm_free_energy(model, W, a, b)).sum()
        return torch.autograd.grad(objective, (W, a, b))


def rbm_gibbs(vis, W, a, b, k: int, generator: torch.Generator) -> torch.Tensor:
    r"""``k`` steps of block Gibbs sampling :math:`\mathbf h\sim P(\mathbf h\mid\mathbf v)`, :math:`\mathbf v\sim P(\mathbf v\mid\mathbf h)` from each row of ``vis``.

    CD-:math:`k` uses the result as its negative samples. Book label: ``rbm.cd-learning``.

    >>> tuple(rbm_gibbs([[1.0, 0.0]], [[0.5, -0.5]], [0.0], [0.0, 0.0], 2, torch.Generator().manual_seed(0)).shape)
    (1, 2)
    """
    x = _binary("vis", vis)
    W, a, b = _rbm(W, a, b, like=x)
    _columns("vis", x, W.shape[1], "column of W")
    k = v.require_int("k", k, minimum=0)
    _generator(generator)
    for _ in range(k):
        h = torch.bernoulli(torch.sigmoid(a + x @ W.T), generator=generator)
        x = torch.bernoulli(torch.sigmoid(b + h @ W), generator=generator)
    return x


# --- sigmoid belief networks ----------------------------------------------------------------------

def sbn_sample(n: int, c, W, b, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    r"""Ancestral samples of a sigmoid belief network with one hidden layer.

    .. math:: h_j\sim\mathrm{Bern}(\sigma(c_j)),\qquad p(x_i=1\mid\mathbf h)=\sigma(\mathbf w_i^\top\mathbf h+b_i)

    Book label: ``sbn.sigmoid-belief-network`` (a deep belief net stacks such directed layers under an
    RBM). ``c`` : (H,); ``W`` : (V, H); ``b`` : (V,). Returns ``(h, x)``, shapes (n, H), (n, V).

    >>> h, x = sbn_sample(3, [0.0], [[1.0], [2.0]], [0.0, 0.0], torch.Generator().manual_seed(0))
    >>> tuple(h.shape), tuple(x.shape)
    ((3, 1), (3, 2))
    """
    n = v.require_int("n", n, minimum=1)
    c = _float("c", c)
    W, b = _float("W", W, like=c), _float("b", b, like=c)
    v.require_ndim("c", c, 1)
    v.require_ndim("b", b, 1)
    _generator(generator)
    if W.ndim != 2 or W.shape != (b.numel(), c.numel()):
        raise ValueError(f"W must have shape ({b.numel()}, {c.numel()}) for b and c, got {tuple(W.shape)}")
    h = torch.bernoulli(torch.sigmoid(c).expand(n, -1), generator=generator)
    return h, torch.bernoulli(torch.sigmoid(h @ W.T + b), generator=generator)


def sbn_log_joint(h, x, c, W, b) -> torch.Tensor:
    r""":math:`\log p(\mathbf h,\mathbf x)=\sum_j\log\mathrm{Bern}(h_j;\sigma(c_j))+\sum_i\log\mathrm{Bern}(x_i;\sigma(\mathbf w_i^\top\mathbf h+b_i))`.

    Book label: ``sbn.sigmoid-belief-network``.

    >>> round(float(sbn_log_joint([[1.0]], [[1.0]], [0.0], [[0.0]], [0.0]).exp()[0]), 6)
    0.25
    """
    h, x = _binary("h", h), _binary("x", x)
    c, W, b = (_float(n, z, like=h) for n, z in (("c", c), ("W", W), ("b", b)))
    v.require_ndim("c", c, 1)
    v.require_ndim("b", b, 1)
    v.require_ndim("W", W, 2)
    if W.shape != (b.numel(), c.numel()):
        raise ValueError(f"W must have shape ({b.numel()}, {c.numel()}) for b and c, got {tuple(W.shape)}")
    _columns("h", h, c.numel(), "entry of c")
    _columns("x", x, b.numel(), "entry of b")
    if h.shape[0] != x.shape[0]:
        raise ValueError(f"h and x must have the same number of rows, got {h.shape[0]} and {x.shape[0]}")
    ph, px = torch.sigmoid(c), torch.sigmoid(h @ W.T + b)
    return (h * torch.log(ph) + (1 - h) * torch.log1p(-ph)).sum(-1) + (x * torch.log(px) + (1 - x) * torch.log1p(-px)).sum(-1)


# --- Bayesian networks and Markov random fields --------------------------------------------------

def bn_log_joint(x, parents: Sequence[Sequence[int]], cpts: Sequence) -> torch.Tensor:
    r"""Log joint of a Bayesian network of binary nodes: :math:`\log p(\mathbf x)=\sum_j\log p(x_j\mid\mathrm{pa}(x_j))`.

    Book label: ``bn.factorization``. ``parents[j]`` : the parents of node ``j`` (earlier nodes: a
    topological order); ``cpts[j]`` : :math:`p(x_j=1\mid\mathrm{pa})` for each parent configuration,
    shape (2**len(parents[j]),), indexed with the first parent most significant. ``x`` : (N, M).

    >>> round(float(bn_log_joint([[1.0, 1.0]], [[], [0]], [[0.5], [0.2, 0.9]]).exp()[0]), 6)
    0.45
    """
    x = _binary("x", x)
    _sequence("parents", parents)
    _sequence("cpts", cpts)
    if len(parents) != x.shape[1] or len(cpts) != x.shape[1]:
        raise ValueError(f"parents and cpts must have one entry per node ({x.shape[1]}), got {len(parents)} and {len(cpts)}")
    total = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    for j, (pa, table) in enumerate(zip(parents, cpts)):
        if any(not 0 <= p < j for p in pa):
            raise ValueError(f"parents[{j}] must name earlier nodes (a topological order), got {list(pa)}")
        t = _float(f"cpts[{j}]", table, like=x).reshape(-1)
        v.require_in_range(f"cpts[{j}]", t, 0.0, 1.0)
        if t.numel() != 2 ** len(pa):
            raise ValueError(f"cpts[{j}] must have {2 ** len(pa)} entries for {len(pa)} parents, got {t.numel()}")
        index = torch.zeros(x.shape[0], dtype=torch.long, device=x.device)
        for p in pa:
            index = 2 * index + x[:, p].long()
        p1 = t[index]
        total = total + torch.where(x[:, j] == 1, torch.log(p1), torch.log1p(-p1))
    return total


def mrf_joint(potentials: Sequence, edges: Sequence[tuple[int, int]], n: int) -> torch.Tensor:
    r"""The joint of a pairwise Markov random field over ``n`` binary variables, normalised by enumeration.

    .. math:: p(\mathbf x)=\frac1Z\prod_{(i,j)\in E}\psi_{ij}(x_i,x_j),\qquad Z=\sum_{\mathbf x}\prod_{(i,j)\in E}\psi_{ij}(x_i,x_j)

    Book label: ``mrf.factorization``. ``potentials[k]`` : a positive 2x2 table for edge ``edges[k]``.
    Returns the probabilities of :func:`all_states` (``n``), shape (2**n,).

    >>> [round(p, 6) for p in mrf_joint([[[2.0, 1.0], [1.0, 2.0]]], [(0, 1)], 2).tolist()]
    [0.333333, 0.166667, 0.166667, 0.333333]
    """
    n = v.require_int("n", n, minimum=1)
    _sequence("potentials", potentials)
    _sequence("edges", edges)
    if len(potentials) != len(edges):
        raise ValueError(f"potentials and edges must have the same length, got {len(potentials)} and {len(edges)}")
    states = all_states(n).long()
    log_p = torch.zeros(states.shape[0], dtype=torch.float64)
    for psi, (i, j) in zip(potentials, edges):
        psi = _float("potentials", psi)
        if psi.shape != (2, 2):
            raise ValueError(f"each potential must be a 2x2 table, got shape {tuple(psi.shape)}")
        v.require_positive("potentials", psi)
        if not (0 <= i < n and 0 <= j < n and i != j):
            raise ValueError(f"edges must join two different variables among 0..{n - 1}, got {(i, j)}")
        log_p = log_p + torch.log(psi.double()[states[:, i], states[:, j]])
    return torch.softmax(log_p, 0)


def maxent_fit(features, targets, iters: int = 100) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The maximum-entropy distribution over finitely many states with given feature means, in exponential-family form.

    .. math:: \max_pH(p)\ \text{s.t.}\ \mathbb E_p\boldsymbol\phi=\boldsymbol\mu
              \quad\Longrightarrow\quad p(\mathbf x)\propto\exp\big(\mathbf w^\top\boldsymbol\phi(\mathbf x)\big)

    (Jaynes). The weights minimise the convex dual :math:`\log Z(\mathbf w)-\mathbf w^\top\boldsymbol\mu`,
    solved here by Newton's method (the Hessian is the feature covariance). Book label:
    ``mrf.factorization``. ``features`` : :math:`\boldsymbol\phi` of every state, (S, K); ``targets`` :
    :math:`\boldsymbol\mu`, (K,). Returns ``(weights, p)``.

    >>> w, p = maxent_fit([[0.0], [1.0]], [0.75])
    >>> round(float(w[0]), 6), [round(z, 6) for z in p.tolist()]
    (1.098612, [0.25, 0.75])
    """
    phi = _float("features", features)
    v.require_ndim("features", phi, 2)
    mu = _float("targets", targets, like=phi)
    if mu.shape != phi.shape[1:]:
        raise ValueError(f"targets must have shape ({phi.shape[1]},), one per column of features, got {tuple(mu.shape)}")
    iters = v.require_int("iters", iters, minimum=1)
    w = torch.zeros_like(mu)
    for _ in range(iters):
        p = torch.softmax(phi @ w, 0)
        mean = p @ phi
        cov = (phi - mean).T @ (p[:, None] * (phi - mean))
        step = torch.linalg.lstsq(cov + 1e-12 * torch.eye(len(mu), dtype=phi.dtype, device=phi.device),
                                  (mean - mu)[:, None]).solution[:, 0]
        w = w - step
        if float(step.abs().max()) < 1e-14:
            break
    return w, torch.softmax(phi @ w, 0)
