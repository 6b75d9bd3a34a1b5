r"""The logistic unit, tanh, softmax and the cross-entropy losses built on them.

Chapter 2 (book labels ``logistic.*``, ``softmax.*``, ``losses.*``). Logits are :math:`z`
(a scalar per example) or :math:`\mathbf z` (a vector over ``k`` classes, the last axis). Labels are
:math:`y\in\{0,1\}` or, in the signed convention, :math:`v=2y-1\in\{\pm1\}`; class labels are integers
in ``0..k-1``. Every function is vectorised over leading axes; dtype and device follow the logits
(non-tensor input becomes float64). Losses are computed in their numerically stable form.
"""

import math

import torch

from edl.core import validate as v


def _float(name, value, like=None):
    t = v.as_float_tensor(name, value, like=like)
    v.require_finite(name, t)
    return t


def _binary_labels(name, y, like):
    y = _float(name, y, like=like)
    if not ((y == 0) | (y == 1)).all():
        raise ValueError(f"{name} must hold labels 0 or 1, got {y.tolist() if y.numel() < 20 else y}")
    return y


def _class_labels(y, z):
    v.require_min_ndim("z", z, 1)
    try:
        y = torch.as_tensor(y, device=z.device)
    except (TypeError, ValueError, RuntimeError) as err:
        raise ValueError(f"y must hold integer class labels, got {v._show(y)}") from err
    if y.is_floating_point() and not (y == torch.round(y)).all():
        raise ValueError(f"y must hold integer class labels, got {y.tolist() if y.numel() < 20 else y}")
    y = y.long()
    if y.shape != z.shape[:-1] or (y < 0).any() or (y >= z.shape[-1]).any():
        raise ValueError(f"y must hold class labels in 0..{z.shape[-1] - 1} of shape z.shape[:-1] = "
                         f"{tuple(z.shape[:-1])} (z: {z.shape[-1]} logits per example), "
                         f"got {y.tolist() if y.numel() < 20 else y}")
    return y


def _dim(dim, z):
    dim = v.require_int("dim", dim)
    if not -max(z.ndim, 1) <= dim < max(z.ndim, 1):
        raise ValueError(f"dim must index an axis of z (shape {tuple(z.shape)}), got {dim}")
    return dim


# --- the logistic function and tanh -------------------------------------------------------------------

def sigmoid(z) -> torch.Tensor:
    r"""The logistic function, computed without overflow for large :math:`|z|`.

    .. math:: \sigma(z)=\frac1{1+e^{-z}},\qquad \sigma(z)+\sigma(-z)=1,\qquad \sigma^{-1}(t)=\log\frac t{1-t}

    Book label: ``logistic.sigmoid-identities``. ``z`` : logits, any shape.

    >>> float(sigmoid(0.0)), float(sigmoid(800.0) + sigmoid(-800.0))
    (0.5, 1.0)
    """
    z = _float("z", z)
    e = torch.exp(-z.abs())  # in (0, 1]: never overflows
    return torch.where(z >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_derivative(z) -> torch.Tensor:
    r"""Slope of the logistic function, a polynomial in :math:`\sigma`; at most 1/4, reached at 0.

    .. math:: \sigma'(z)=\sigma(z)\big(1-\sigma(z)\big)=\sigma(z)\,\sigma(-z)\le\sigma'(0)=\tfrac14

    Book label: ``logistic.sigmoid-identities``. ``z`` : logits.

    >>> float(sigmoid_derivative(0.0))
    0.25
    """
    z = _float("z", z)
    return sigmoid(z) * sigmoid(-z)


def sigmoid_second_derivative(z) -> torch.Tensor:
    r"""Curvature of the logistic function.

    .. math:: \sigma''(z)=\sigma(1-\sigma)(1-2\sigma)

    Book label: ``logistic.sigmoid-identities``. ``z`` : logits.

    >>> float(sigmoid_second_derivative(0.0))   # the inflection point
    0.0
    """
    s = sigmoid(z)
    return s * (1 - s) * (1 - 2 * s)


def logit(t) -> torch.Tensor:
    r"""The inverse of the logistic function: the log-odds of a probability.

    .. math:: \sigma^{-1}(t)=\log\frac t{1-t},\qquad 0<t<1

    Book label: ``logistic.sigmoid-identities``. ``t`` : probabilities in (0, 1).

    >>> round(float(sigmoid(logit(0.3))), 12)
    0.3
    """
    t = _float("t", t)
    v.require_in_range("t", t, 0.0, 1.0, closed=False)
    return torch.log(t) - torch.log1p(-t)


def tanh_via_sigmoid(z) -> torch.Tensor:
    r"""The hyperbolic tangent as a rescaled, recentred logistic function.

    .. math:: \tanh z=\frac{e^z-e^{-z}}{e^z+e^{-z}}=\frac{1-e^{-2z}}{1+e^{-2z}}=2\sigma(2z)-1

    Book label: ``logistic.tanh-identities``. ``z`` : pre-activations. Range :math:`(-1,1)`, odd in :math:`z`.

    >>> round(float(tanh_via_sigmoid(1.0)), 4)
    0.7616
    """
    z = _float("z", z)
    return 2 * sigmoid(2 * z) - 1


def tanh_derivative(z) -> torch.Tensor:
    r"""Slope of tanh, a polynomial in tanh; at most 1, reached at 0.

    .. math:: \tanh'(z)=1-\tanh^2 z\le\tanh'(0)=1

    Book label: ``logistic.tanh-identities``. ``z`` : pre-activations.

    >>> float(tanh_derivative(0.0))
    1.0
    """
    return 1 - tanh_via_sigmoid(z) ** 2


# --- binary cross-entropy and logistic regression ----------------------------------------------------------

def binary_cross_entropy_logits(z, y) -> torch.Tensor:
    r"""Binary cross-entropy of a label given a logit: the softplus of minus the signed margin.

    .. math:: \ell(y,z)=-y\log\sigma(z)-(1-y)\log\big(1-\sigma(z)\big)=-\log\sigma\big((2y-1)z\big)
              =\log\big(1+e^{-(2y-1)z}\big)

    Book label: ``logistic.cross-entropy``. ``z`` : logits; ``y`` : labels in {0, 1}, broadcastable to ``z``.
    With signed labels :math:`v=2y-1`, this is :math:`-\log\sigma(vz)`. Computed as
    :math:`\log(e^0+e^{-m})` with :math:`m=(2y-1)z` by ``torch.logaddexp``, which neither overflows nor
    loses digits.

    >>> round(float(binary_cross_entropy_logits(0.0, 1.0)), 12) == round(math.log(2), 12)
    True
    >>> float(binary_cross_entropy_logits(-1000.0, 1.0))   # a confident mistake costs its margin
    1000.0
    """
    z = _float("z", z)
    y = _binary_labels("y", y, like=z)
    v.broadcast_shapes(z=z, y=y)
    margin = (2 * y - 1) * z
    return torch.logaddexp(torch.zeros_like(margin), -margin)


def _logistic_data(X, y, w):
    X = _float("X", X)
    v.require_ndim("X", X, 2)
    y = _binary_labels("y", y, like=X)
    v.require_ndim("y", y, 1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"X and y must hold the same number of samples, "
        f"got shapes {tuple(X.shape)} and {tuple(y.shape)}")
    w = _float("w", w, like=X)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got shape {tuple(w.shape)}")
    return X, y, w


def logistic_risk(X, y, w) -> torch.Tensor:
    r"""Average logistic loss of the linear classifier :math:`\mathbf x\mapsto\sigma(\mathbf w^\top\mathbf x)`.

    .. math:: L[\mathbf w]=\frac1s\sum_{i=1}^s\ell(y_i,\mathbf w^\top\mathbf x_i)

    Book label: ``logistic.gradient``. ``X`` : inputs, shape ``(s, n)``; ``y`` : labels in {0, 1}, shape
    ``(s,)``; ``w`` : weights, shape ``(n,)``.

    >>> X = torch.ones(3, 2, dtype=torch.float64)
    >>> math.isclose(float(logistic_risk(X, [0.0, 1.0, 1.0], [0.0, 0.0])), math.log(2))
    True
    """
    X, y, w = _logistic_data(X, y, w)
    return binary_cross_entropy_logits(X @ w, y).mean()


def logistic_gradient(X, y, w) -> torch.Tensor:
    r"""Gradient of the logistic risk: prediction minus label, times the input, averaged.

    .. math:: \nabla L[\mathbf w]=\frac1s\sum_{i=1}^s\big(\sigma(\mathbf w^\top\mathbf x_i)-y_i\big)\mathbf x_i
              =-\frac1s\sum_{i=1}^s\sigma(-v_i\mathbf w^\top\mathbf x_i)\,v_i\mathbf x_i,\quad v_i=2y_i-1

    Book label: ``logistic.gradient``. Arguments as in :func:`logistic_risk`; returns shape ``(n,)``.

    >>> X, y = torch.tensor([[1.0, 2.0], [-1.0, 0.5]], dtype=torch.float64), [1.0, 0.0]
    >>> w = torch.tensor([0.3, -0.2], dtype=torch.float64, requires_grad=True)
    >>> logistic_risk(X, y, w).backward()
    >>> bool(torch.allclose(logistic_gradient(X, y, w.detach()), w.grad, rtol=1e-12))
    True
    """
    X, y, w = _logistic_data(X, y, w)
    return X.T @ (sigmoid(X @ w) - y) / X.shape[0]


def logistic_hessian(X, w) -> torch.Tensor:
    r"""Hessian of the logistic risk: a weighted covariance of the inputs, hence PSD (the risk is convex).

    .. math:: \nabla^2L[\mathbf w]=\frac1s\sum_{i=1}^s\sigma_i(1-\sigma_i)\,\mathbf x_i\mathbf x_i^\top\succeq0,
              \qquad \sigma_i=\sigma(\mathbf w^\top\mathbf x_i)

    Book label: ``logistic.gradient``. ``X`` : shape ``(s, n)``; ``w`` : shape ``(n,)``. It does not
    depend on the labels. Since :math:`\sigma(1-\sigma)\le\frac14`, :math:`\nabla^2L\preceq\frac1{4s}X^\top X`.

    >>> logistic_hessian(torch.ones(2, 1, dtype=torch.float64), [0.0]).tolist()   # σ(1-σ) = 1/4
    [[0.25]]
    """
    X = _float("X", X)
    v.require_ndim("X", X, 2)
    w = _float("w", w, like=X)
    if w.shape != (X.shape[1],):
        raise ValueError(f"w must have shape ({X.shape[1]},) to match X, got shape {tuple(w.shape)}")
    weight = sigmoid_derivative(X @ w)  # σ_i (1 - σ_i)
    return (X.T * weight) @ X / X.shape[0]


def logistic_smoothness(X) -> torch.Tensor:
    r"""A smoothness constant of the logistic risk (an upper bound on its Hessian's eigenvalues).

    .. math:: L_{\text{smooth}}=\frac{\lambda_{\max}(X^\top X)}{4s}

    Book label: ``logistic.gradient``. ``X`` : shape ``(s, n)``.

    >>> float(logistic_smoothness(torch.eye(2, dtype=torch.float64)))
    0.125
    """
    X = _float("X", X)
    v.require_ndim("X", X, 2)
    return torch.linalg.eigvalsh(X.T @ X)[-1] / (4 * X.shape[0])


def soft_cross_entropy(y, q) -> torch.Tensor:
    r"""Cross-entropy of a model pmf :math:`\mathbf q` against a target pmf :math:`\mathbf y` (nats).

    .. math:: \ell_{\mathbf y}(\mathbf q)=-\sum_iy_i\log q_i
              =H(\mathbf y)+\mathrm{KL}(\mathbf y\,\|\,\mathbf q)\ \ge\ H(\mathbf y)

    Book label: ``logistic.soft-ce-gibbs``. ``y`` : target pmf; ``q`` : model pmf; both shape ``(..., k)``.
    Terms with :math:`y_i=0` contribute 0. For a one-hot target it is the negative log-likelihood :math:`-\log q_y`.
    The inequality (Gibbs') is an equality exactly when :math:`\mathbf q=\mathbf y`.

    >>> round(float(soft_cross_entropy([0.0, 1.0], [0.5, 0.5])), 12) == round(math.log(2), 12)
    True
    """
    q = _float("q", q)
    y = _float("y", y, like=q)
    v.require_distribution("y", y)
    v.require_distribution("q", q)
    if y.shape[-1] != q.shape[-1]:
        raise ValueError(f"y and q must have the same number of classes, "
                         f"got shapes {tuple(y.shape)} and {tuple(q.shape)}")
    return -torch.where(y > 0, y * torch.log(q), torch.zeros_like(q)).sum(-1)


# --- exponential-family losses --------------------------------------------------------------------------

_FAMILIES = ("bernoulli", "gaussian", "poisson")


def log_partition(v_, family: str) -> torch.Tensor:
    r"""Log-partition function :math:`\psi(v)` of a one-parameter exponential family in natural parameter :math:`v`.

    .. math:: \psi(v)=\log(1+e^v)\ \text{(Bernoulli)},\qquad \tfrac12v^2\ \text{(Gaussian, unit variance)},
              \qquad e^v\ \text{(Poisson)};\qquad \psi'(v)=\mathbb E[y]

    Book label: ``losses.exponential-family``. ``v_`` : natural parameter (the network's output);
    ``family`` : ``"bernoulli"``, ``"gaussian"`` or ``"poisson"``.

    >>> round(float(log_partition(0.0, "bernoulli")), 12) == round(math.log(2), 12)
    True
    """
    if family not in _FAMILIES:
        raise ValueError(f"family must be one of {_FAMILIES}, got {family!r}")
    t = _float("v_", v_)
    if family == "bernoulli":
        return torch.logaddexp(t, torch.zeros_like(t))  # softplus log(1 + e^v), stable
    if family == "gaussian":
        return t**2 / 2
    return torch.exp(t)


def exponential_family_nll(y, v_, family: str) -> torch.Tensor:
    r"""Negative log-likelihood of an exponential-family output: the loss it induces.

    .. math:: p(y;v)=h(y)\exp[yv-\psi(v)]\ \Rightarrow\ -\log p(y;v)=\psi(v)-yv-\log h(y)

    Book label: ``losses.exponential-family``. ``y`` : observation; ``v_`` : natural parameter;
    ``family`` as in :func:`log_partition`, with :math:`h(y)=1` (Bernoulli),
    :math:`e^{-y^2/2}/\sqrt{2\pi}` (Gaussian: the loss is :math:`\frac12(y-v)^2+\frac12\log2\pi`),
    :math:`1/y!` (Poisson). The Bernoulli case is the logistic loss of :func:`binary_cross_entropy_logits`.

    >>> float(exponential_family_nll(1.0, 1.0, "gaussian")) == 0.5 * math.log(2 * math.pi)
    True
    """
    t = _float("v_", v_)
    y = _float("y", y, like=t)
    v.broadcast_shapes(y=y, v_=t)
    if family == "bernoulli":
        _binary_labels("y", y, like=t)
        log_h = torch.zeros_like(y)
    elif family == "gaussian":
        log_h = -y**2 / 2 - 0.5 * math.log(2 * math.pi)
    elif family == "poisson":
        v.require_integer_valued("y", y, minimum=0)
        log_h = -torch.lgamma(y + 1)
    else:
        raise ValueError(f"family must be one of {_FAMILIES}, got {family!r}")
    return log_partition(t, family) - y * t - log_h


# --- softmax ------------------------------------------------------------------------------------------

def log_sum_exp(z, dim: int = -1) -> torch.Tensor:
    r"""Numerically stable :math:`\log\sum_je^{z_j}`: subtract the maximum before exponentiating.

    .. math:: \log\sum_je^{z_j}=m+\log\sum_je^{z_j-m},\qquad m=\max_jz_j

    Book label: ``softmax.ce-logits``. ``z`` : logits; ``dim`` : the axis summed over. Every
    :math:`e^{z_j-m}\le1`, and the largest is exactly 1, so the sum neither overflows nor underflows to 0.

    >>> float(log_sum_exp([1000.0, 1000.0])) == 1000.0 + math.log(2)
    True
    """
    z = _float("z", z)
    dim = _dim(dim, z)
    m = z.amax(dim, keepdim=True)
    return (m + torch.log(torch.exp(z - m).sum(dim, keepdim=True))).squeeze(dim)


def softmax(z, dim: int = -1) -> torch.Tensor:
    r"""Softmax of logits: a categorical distribution, unchanged by adding a constant to every logit.

    .. math:: \operatorname{softmax}(\mathbf z)_i=\frac{e^{z_i}}{\sum_je^{z_j}},\qquad
              \operatorname{softmax}(\mathbf z+c\mathbf1)=\operatorname{softmax}(\mathbf z),\qquad
              k=2:\ \operatorname{softmax}(\mathbf z)_1=\sigma(z_1-z_2)

    Book label: ``softmax.definition-invariance``. ``z`` : logits; ``dim`` : the class axis (for a matrix,
    ``dim=-1`` normalises each row). Computed as :math:`e^{z_i-m}/\sum_je^{z_j-m}` with :math:`m=\max_jz_j`.

    >>> softmax([1000.0, 1000.0]).tolist()
    [0.5, 0.5]
    """
    z = _float("z", z)
    dim = _dim(dim, z)
    e = torch.exp(z - z.amax(dim, keepdim=True))
    return e / e.sum(dim, keepdim=True)


def softmax_jacobian(z) -> torch.Tensor:
    r"""Jacobian of softmax: the covariance of a one-hot draw from :math:`\mathbf s=\operatorname{softmax}(\mathbf z)`.

    .. math:: \frac{\partial s_i}{\partial z_j}=s_i(\delta_{ij}-s_j),\qquad
              J=\operatorname{diag}(\mathbf s)-\mathbf s\mathbf s^\top
              =J^\top\succeq0,\qquad J\mathbf1=\mathbf0

    Book label: ``softmax.jacobian``. ``z`` : logits, shape ``(..., k)``; returns shape ``(..., k, k)``.

    >>> softmax_jacobian([0.0, 0.0]).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    z = _float("z", z)
    v.require_min_ndim("z", z, 1)
    s = softmax(z)
    return torch.diag_embed(s) - s[..., :, None] * s[..., None, :]


def softmax_cross_entropy(z, y, *, base: float = math.e) -> torch.Tensor:
    r"""Cross-entropy of a class label given logits: log-sum-exp minus the true class's logit.

    .. math:: \ell(y,\mathbf z)=-z_y+\log\sum_je^{z_j}\ \text{(nats)},\qquad
              \text{in bits: }\frac1{\ln2}\Big[-z_y+\ln\sum_je^{z_j}\Big]

    Book label: ``softmax.ce-logits``. ``z`` : logits, shape ``(..., k)``; ``y`` : class labels in
    ``0..k-1``, shape ``z.shape[:-1]``; ``base`` : ``math.e`` for nats, 2 for bits.

    >>> float(softmax_cross_entropy([0.0, 0.0, 0.0, 0.0], 2, base=2))   # uniform over 4 classes: 2 bits
    2.0
    """
    z = _float("z", z)
    y = _class_labels(y, z)
    if v.require_positive_scalar("base", base) == 1:
        raise ValueError(f"base must differ from 1 (log 1 = 0), got {base!r}")
    z_y = torch.gather(z, -1, y[..., None]).squeeze(-1)
    return (log_sum_exp(z) - z_y) / math.log(base)


def softmax_cross_entropy_gradient(z, y) -> torch.Tensor:
    r"""Gradient of the softmax cross-entropy with respect to the logits: predicted minus target probabilities.

    .. math:: \nabla_{\mathbf z}\ell=\operatorname{softmax}(\mathbf z)-\mathbf e_y

    Book label: ``softmax.ce-logits``. ``z`` : logits, shape ``(..., k)``; ``y`` : class labels.

    >>> softmax_cross_entropy_gradient([0.0, 0.0], 0).tolist()
    [-0.5, 0.5]
    """
    z = _float("z", z)
    y = _class_labels(y, z)
    return softmax(z) - torch.nn.functional.one_hot(y, z.shape[-1]).to(z.dtype)


def softmax_regression_loss(x, y, Theta) -> torch.Tensor:
    r"""Loss of softmax regression with class weight vectors :math:`\boldsymbol\theta_i` (rows of ``Theta``).

    .. math:: \ell(\mathbf x,\mathbf y;\Theta)=-\sum_iy_i\,\mathbf x\cdot\boldsymbol\theta_i
              +\log\sum_je^{\mathbf x\cdot\boldsymbol\theta_j}

    Book label: ``softmax.ce-logits``. ``x`` : inputs, shape ``(..., n)``; ``y`` : target pmfs (one-hot
    or soft), shape ``(..., k)``; ``Theta`` : shape ``(k, n)``. The log-partition term enters once, with
    a plus sign, because the targets sum to one.

    >>> Theta = torch.zeros(2, 2, dtype=torch.float64)
    >>> math.isclose(float(softmax_regression_loss([1.0, 2.0], [1.0, 0.0], Theta)), math.log(2))
    True
    """
    Theta = _float("Theta", Theta)
    v.require_ndim("Theta", Theta, 2)
    x, y = _float("x", x, like=Theta), _float("y", y, like=Theta)
    v.require_shape("x", x, (..., Theta.shape[1]), match="Theta (k, n)")
    v.require_shape("y", y, (..., Theta.shape[0]), match="Theta (k, n)")
    v.require_distribution("y", y)
    v.broadcast_shapes(x=x[..., 0], y=y[..., 0])
    z = x @ Theta.T  # (..., k) logits x·θ_j
    return -(y * z).sum(-1) + log_sum_exp(z)


def softmax_regression_gradient(x, y, Theta) -> torch.Tensor:
    r"""Gradient of the softmax-regression loss with respect to each class's weights.

    .. math:: \nabla_{\boldsymbol\theta_i}\ell=\big(\operatorname{softmax}(\Theta\mathbf x)_i-y_i\big)\,\mathbf x

    Book label: ``softmax.ce-logits``. ``x`` : shape ``(n,)``; ``y`` : shape ``(k,)``; ``Theta`` : shape
    ``(k, n)``. Returns shape ``(k, n)``.

    >>> softmax_regression_gradient([1.0, 2.0], [1.0, 0.0], torch.zeros(2, 2)).tolist()
    [[-0.5, -1.0], [0.5, 1.0]]
    """
    Theta = _float("Theta", Theta)
    v.require_ndim("Theta", Theta, 2)
    x, y = _float("x", x, like=Theta), _float("y", y, like=Theta)
    v.require_shape("x", x, (Theta.shape[1],), match="Theta (k, n)")
    v.require_shape("y", y, (Theta.shape[0],), match="Theta (k, n)")
    v.require_distribution("y", y)
    return (softmax(Theta @ x) - y)[:, None] * x[None, :]
