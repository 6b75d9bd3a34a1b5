r"""Gradients of convolutional layers: sparse Jacobians, shared weights, the kernel and the input gradient.

Chapter 4, "Convolutional networks" (book labels ``conv.sparse-connectivity-grad``,
``conv.gradient-weights``, ``conv.gradient-input``). Two layers appear: the cross-correlation layer of
the deep-learning libraries, :math:`y=x\star w`, and the true ("valid") convolution
:math:`(x*w)_{ij}=\sum_{k,l=1}^{q}x_{i+q-k,\,j+q-l}\,w_{kl}`. Their kernel gradients differ by a flip.
Shapes follow PyTorch: ``x`` ``(B, C_in, H, W)``, ``w`` ``(C_out, C_in, k_h, k_w)``.
"""

import torch

from edl.convolution import layers
from edl.core import validate as v
from edl.optimization.backprop import activation


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


# --- structural sparsity and weight sharing (1-D) ---------------------------------------------------

def band_mask(n: int, k: int) -> torch.Tensor:
    r"""Which inputs each output of a valid 1-D convolution touches: :math:`\mathcal I_i=\{j: i\le j\le i+k-1\}`.

    .. math:: \frac{\partial y_i}{\partial x_j}=0\quad(j\notin\mathcal I_i)

    Book label: ``conv.sparse-connectivity-grad``. Returns a boolean ``(n - k + 1, n)`` band: the
    non-zero pattern of the layer's Toeplitz matrix, and so of its Jacobian; backpropagation through the
    layer touches only these :math:`k` entries per row.

    >>> band_mask(4, 2).int().tolist()
    [[1, 1, 0, 0], [0, 1, 1, 0], [0, 0, 1, 1]]
    """
    n, k = v.require_int("n", n, minimum=1), v.require_int("k", k, minimum=1)
    if k > n:
        raise ValueError(f"k must not exceed n, got k={k}, n={n}")
    i = torch.arange(n - k + 1)[:, None]
    j = torch.arange(n)[None, :]
    return (j >= i) & (j <= i + k - 1)


def shared_kernel_gradient(x, grad_y) -> torch.Tensor:
    r"""Gradient of a shared 1-D kernel: the sum, over every position where a weight is used, of its local gradient.

    .. math:: \frac{\partial\mathcal R}{\partial h_j}=\sum_i\frac{\partial\mathcal R}{\partial y_i}\,
              \frac{\partial y_i}{\partial h_j}=\sum_i\frac{\partial\mathcal R}{\partial y_i}\,x_{i+j},
              \qquad y_i=\sum_jh_jx_{i+j}

    Book label: ``conv.sparse-connectivity-grad``. ``x`` : input ``(n,)``; ``grad_y`` :
    :math:`\partial\mathcal R/\partial y`, ``(n - k + 1,)``. Returns ``(k,)``.

    >>> shared_kernel_gradient([1.0, 2.0, 3.0], [1.0, 1.0]).tolist()
    [3.0, 5.0]
    """
    x = _tensor("x", x, 1)
    g = _tensor("grad_y", grad_y, 1, like=x)
    k = len(x) - len(g) + 1
    if k < 1:
        raise ValueError(f"grad_y must not be longer than x, got lengths {len(g)} and {len(x)}")
    rows = torch.stack([x[i:i + k] for i in range(len(g))])   # (n-k+1, k): the inputs each position sees
    return g @ rows                                          # Σ_i g_i x_{i+j}


# --- the kernel gradient -------------------------------------------------------------------------------

def kernel_gradient(x, grad_y) -> torch.Tensor:
    r"""Kernel gradient of a cross-correlation layer :math:`y=x\star w` (stride 1, no padding).

    .. math:: \frac{\partial L}{\partial w}=x\star\frac{\partial L}{\partial y},\qquad
              \frac{\partial L}{\partial w[r,u][a,c]}=\sum_{b,i,j}\frac{\partial L}{\partial y[b,r][i,j]}\,x[b,u][i+a,j+c]

    Book label: ``conv.gradient-weights``. ``x`` : ``(B, C_in, H, W)``; ``grad_y`` : ``(B, C_out, H', W')``.
    Returns ``(C_out, C_in, H - H' + 1, W - W' + 1)``.

    >>> kernel_gradient(torch.arange(9.0).double().reshape(1, 1, 3, 3), torch.ones(1, 1, 2, 2).double()).tolist()
    [[[[8.0, 12.0], [20.0, 24.0]]]]
    """
    x = _tensor("x", x, 4)
    g = _tensor("grad_y", grad_y, 4, like=x)
    if g.shape[0] != x.shape[0] or g.shape[2] > x.shape[2] or g.shape[3] > x.shape[3]:
        raise ValueError(f"grad_y must match x's batch and be no larger, got x {tuple(x.shape)} and grad_y {tuple(g.shape)}")
    kh, kw = x.shape[2] - g.shape[2] + 1, x.shape[3] - g.shape[3] + 1
    out = torch.empty(g.shape[1], x.shape[1], kh, kw, dtype=x.dtype, device=x.device)
    for a in range(kh):
        for c in range(kw):
            out[:, :, a, c] = torch.einsum("brhw,buhw->ru", g, x[:, :, a:a + g.shape[2], c:c + g.shape[3]])
    return out


def true_convolve(x, w) -> torch.Tensor:
    r"""Valid true 2-D convolution of one image: :math:`(x*w)_{ij}=\sum_{k,l=1}^{q}x_{i+q-k,\,j+q-l}\,w_{kl}`.

    Book label: ``conv.gradient-weights``. ``x`` : ``(d_1, d_2)``; ``w`` : ``(q_1, q_2)``. It is the
    cross-correlation with the flipped kernel.

    >>> true_convolve([[1.0, 2.0, 3.0]], [[1.0, 0.0]]).tolist()
    [[2.0, 3.0]]
    """
    x = _tensor("x", x, 2)
    w = _tensor("w", w, 2, like=x)
    return layers.conv2d(x[None, None], torch.flip(w, (0, 1))[None, None])[0, 0]


def true_convolution_kernel_gradient(x, w, v_, act: str = "sigmoid") -> torch.Tensor:
    r"""Kernel gradient of :math:`f=v^\top\mathrm{vec}(\sigma(x*w))` for the true convolution.

    .. math:: \frac{\partial f}{\partial w_{ab}}=\sum_{k,l=1}^{r}\mathrm{mat}(v)_{kl}\,\sigma'\big((x*w)_{kl}\big)\,
              x_{k+q-a,\,l+q-b}\quad\Longrightarrow\quad
              \nabla_wf=\mathrm{rot}_{180}(x)*\big[\mathrm{mat}(v)\odot\sigma'(x*w)\big]

    Book label: ``conv.gradient-weights``. ``x`` : ``(d, d)``; ``w`` : ``(q, q)``; ``v_`` : ``(r, r)``
    or ``(r²,)`` with :math:`r=d-q+1`; ``act`` : the activation σ (``"sigmoid"``, ``"tanh"``,
    ``"relu"``, ``"linear"``). The flip of the input is what distinguishes it from the cross-correlation
    layer's :math:`x\star\partial L/\partial y`.

    >>> true_convolution_kernel_gradient([[1.0, 2.0], [3.0, 4.0]], [[1.0]], [[1.0, 0], [0, 0]], "linear").tolist()
    [[1.0]]
    """
    x = _tensor("x", x, 2)
    w = _tensor("w", w, 2, like=x)
    r = (x.shape[0] - w.shape[0] + 1, x.shape[1] - w.shape[1] + 1)
    V = v.as_float_tensor("v_", v_, like=x)
    v.require_finite("v_", V)
    if V.numel() != r[0] * r[1]:
        raise ValueError(f"v_ must have one entry per output of x (shape {tuple(x.shape)}) * w (shape {tuple(w.shape)}), "
                         f"{r[0] * r[1]}, got shape {tuple(V.shape)}")
    if act not in ("sigmoid", "tanh", "relu", "linear"):
        raise ValueError(f"act must be 'sigmoid', 'tanh', 'relu' or 'linear', got {act!r}")
    phi = activation(act)
    G = V.reshape(r) * phi.dphi(true_convolve(x, w))       # mat(v) ⊙ σ'(x * w), the output gradient
    return true_convolve(torch.flip(x, (0, 1)), G)          # rot180(x) * G


# --- the input gradient --------------------------------------------------------------------------------

def input_gradient(grad_y, w) -> torch.Tensor:
    r"""Input gradient of a cross-correlation layer (stride 1, no padding): a full true convolution.

    .. math:: y=x\star w\ \Rightarrow\ \frac{\partial L}{\partial x[u]}=\sum_r\mathrm{pad}_{k-1}\Big(\frac{\partial L}{\partial y[r]}\Big)*w[r,u]
              =\mathrm{conv\_transpose}\Big(\frac{\partial L}{\partial y},w\Big)

    Book label: ``conv.gradient-input``. ``grad_y`` : ``(B, C_out, H', W')``; ``w`` :
    ``(C_out, C_in, k_h, k_w)``. Returns ``(B, C_in, H' + k_h - 1, W' + k_w - 1)``: every output
    gradient is scattered back through the kernel onto the inputs it came from.

    >>> input_gradient(torch.ones(1, 1, 1, 2).double(), torch.tensor([[[[1.0, 2.0]]]]).double()).tolist()
    [[[[1.0, 3.0, 2.0]]]]
    """
    g = _tensor("grad_y", grad_y, 4)
    w = _tensor("w", w, 4, like=g)
    if g.shape[1] != w.shape[0]:
        raise ValueError(f"grad_y must have one channel per output channel of w, got {tuple(g.shape)} and {tuple(w.shape)}")
    kh, kw = w.shape[2:]
    flipped = torch.flip(w, (2, 3)).transpose(0, 1)         # (C_in, C_out, k_h, k_w), rotated by 180°
    return layers.conv2d(g, flipped, padding=(kh - 1, kw - 1))
