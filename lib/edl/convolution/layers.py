r"""Convolutional layers: channels, padding, stride, dilation, pooling, receptive fields, separable kernels.

Chapter 4, "Convolutional networks" (book labels ``conv.multichannel-layer`` … ``conv.architecture``).
Layers follow PyTorch's conventions: a batch of images is ``(B, C_in, H, W)``, a kernel
``(C_out, C_in, k_h, k_w)``, and the layer computes a cross-correlation (no flip). Symbols of the size
arithmetic, per spatial dimension: :math:`i` input size, :math:`k` kernel size, :math:`p` zero padding
on each side, :math:`s` stride, :math:`d` dilation, :math:`o` output size.
"""

import math
from collections.abc import Sequence

import torch

from edl.core import validate as v


def _tensor(name: str, value, ndim, like=None) -> torch.Tensor:
    t = v.as_float_tensor(name, value, like=like)
    v.require_ndim(name, t, ndim)
    v.require_finite(name, t)
    return t


def _pair(name: str, value, minimum: int) -> tuple[int, int]:
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an integer or a pair of integers, got {value!r}")
        return tuple(v.require_int(name, x, minimum=minimum) for x in value)
    n = v.require_int(name, value, minimum=minimum)
    return n, n


# --- size arithmetic -----------------------------------------------------------------------------------

def output_size(i: int, k: int, p: int = 0, s: int = 1, d: int = 1) -> int:
    r"""Output size of a convolution or pooling along one dimension.

    .. math:: o=\left\lfloor\frac{i+2p-d(k-1)-1}{s}\right\rfloor+1

    Book label: ``conv.output-size``. ``i`` : input size; ``k`` : kernel size; ``p`` : zero padding on
    each side; ``s`` : stride; ``d`` : dilation. The dilated kernel spans :math:`d(k-1)+1` inputs,
    which must fit into the padded input.

    >>> output_size(28, 5, p=2), output_size(7, 3, s=2), output_size(10, 3, d=2)
    (28, 3, 6)
    """
    i, k = v.require_int("i", i, minimum=1), v.require_int("k", k, minimum=1)
    p, s, d = v.require_int("p", p, minimum=0), v.require_int("s", s, minimum=1), v.require_int("d", d, minimum=1)
    span = d * (k - 1) + 1
    if span > i + 2 * p:
        raise ValueError(f"the dilated kernel (span d(k-1)+1 = {span}) must fit into the padded input "
                         f"(i + 2p = {i + 2 * p}), got i={i}, k={k}, p={p}, d={d}")
    return (i + 2 * p - span) // s + 1


def padding_for(k: int, mode: str) -> int:
    r"""The padding of the three classic stride-1 modes, and what each does to the size.

    .. math:: \text{valid: }p=0,\ o=i-k+1;\qquad \text{same (half): }p=\tfrac{k-1}2,\ o=i\ (k\text{ odd});\qquad
              \text{full: }p=k-1,\ o=i+k-1

    Book label: ``conv.padding``. ``mode`` : ``"valid"``, ``"same"`` or ``"full"``; "same" needs an odd
    kernel, so that the padding is symmetric.

    >>> [padding_for(5, m) for m in ("valid", "same", "full")]
    [0, 2, 4]
    """
    k = v.require_int("k", k, minimum=1)
    if mode == "valid":
        return 0
    if mode == "same":
        if k % 2 == 0:
            raise ValueError(f"k must be odd for symmetric 'same' padding, got {k}")
        return (k - 1) // 2
    if mode == "full":
        return k - 1
    raise ValueError(f"mode must be 'valid', 'same' or 'full', got {mode!r}")


def param_count(c_in: int, c_out: int, k_h: int, k_w: int, *, bias: bool = True, groups: int = 1) -> int:
    r"""Number of parameters of a 2-D convolutional layer; it does not depend on the image size.

    .. math:: D=C_{out}\cdot\frac{C_{in}}{g}\cdot k_h\cdot k_w\ (+\,C_{out}\text{ biases})

    Book label: ``conv.param-count``. ``groups`` : :math:`g`, which must divide both channel counts.

    >>> param_count(3, 16, 5, 3), param_count(8, 16, 3, 3, groups=4)
    (736, 304)
    """
    c_in, c_out = v.require_int("c_in", c_in, minimum=1), v.require_int("c_out", c_out, minimum=1)
    k_h, k_w = v.require_int("k_h", k_h, minimum=1), v.require_int("k_w", k_w, minimum=1)
    groups = v.require_int("groups", groups, minimum=1)
    if not isinstance(bias, bool):
        raise ValueError(f"bias must be True or False, got {bias!r}")
    if c_in % groups or c_out % groups:
        raise ValueError(f"groups must divide c_in and c_out, got groups={groups}, c_in={c_in}, c_out={c_out}")
    return c_out * (c_in // groups) * k_h * k_w + (c_out if bias else 0)


# --- the layer -----------------------------------------------------------------------------------------

def conv2d(x, w, b=None, *, stride=1, padding=0, dilation=1) -> torch.Tensor:
    r"""A multi-channel 2-D convolutional layer (a cross-correlation), written as a sum over kernel taps.

    .. math:: y[r][s,t]=b_r+\sum_{u}\sum_{s',t'}w[r,u][s',t']\;x[u][\sigma s+\delta s',\,\sigma t+\delta t']

    with stride :math:`\sigma` and dilation :math:`\delta` (both 1 in the plain layer), after zero
    padding. Book label: ``conv.multichannel-layer``. ``x`` : ``(C_in, H, W)`` or ``(B, C_in, H, W)``;
    ``w`` : ``(C_out, C_in, k_h, k_w)``; ``b`` : ``(C_out,)`` or ``None``. Each output channel sums the
    cross-correlations of every input channel with its own slice of the kernel: the channels are mixed
    by a dense matrix ``w[:, :, s', t']`` at every tap.

    >>> x = torch.arange(9.0).double().reshape(1, 3, 3)
    >>> conv2d(x, torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]]).double()).tolist()
    [[[19.0, 25.0], [37.0, 43.0]]]
    """
    x = _tensor("x", x, (3, 4))
    w = _tensor("w", w, 4, like=x)
    single = x.ndim == 3
    if single:
        x = x[None]
    if x.shape[1] != w.shape[1]:
        raise ValueError(f"x must have as many channels as w's second axis, got x {tuple(x.shape)} and w {tuple(w.shape)}")
    sh, sw = _pair("stride", stride, 1)
    ph, pw = _pair("padding", padding, 0)
    dh, dw = _pair("dilation", dilation, 1)
    kh, kw = w.shape[2:]
    oh = output_size(x.shape[2], kh, ph, sh, dh)
    ow = output_size(x.shape[3], kw, pw, sw, dw)
    x = torch.nn.functional.pad(x, (pw, pw, ph, ph))
    y = torch.zeros(x.shape[0], w.shape[0], oh, ow, dtype=x.dtype, device=x.device)
    for a in range(kh):
        for c in range(kw):
            window = x[:, :, a * dh:a * dh + sh * (oh - 1) + 1:sh, c * dw:c * dw + sw * (ow - 1) + 1:sw]  # (B, C_in, oh, ow)
            y = y + torch.einsum("ru,buhw->brhw", w[:, :, a, c], window)
    if b is not None:
        b = _tensor("b", b, 1, like=x)
        if len(b) != w.shape[0]:
            raise ValueError(f"b must have one bias per output channel of w ({w.shape[0]}), got shape {tuple(b.shape)}")
        y = y + b[None, :, None, None]
    return y[0] if single else y


def conv1d(x, w, b=None, *, stride: int = 1, padding: int = 0, dilation: int = 1) -> torch.Tensor:
    r"""The 1-D layer: :func:`conv2d` on images one pixel high. ``x`` : ``(C_in, n)`` or ``(B, C_in, n)``;
    ``w`` : ``(C_out, C_in, k)``. Book label: ``conv.multichannel-layer``.

    >>> conv1d([[1.0, 2.0, 3.0, 4.0]], [[[1.0, 1.0]]], stride=2).tolist()
    [[3.0, 7.0]]
    """
    x = _tensor("x", x, (2, 3))
    w = _tensor("w", w, 3, like=x)
    y = conv2d(x.unsqueeze(-2), w.unsqueeze(-2), b, stride=(1, stride), padding=(0, padding), dilation=(1, dilation))
    return y.squeeze(-2)


def dilated_convolve(x, h, d: int) -> torch.Tensor:
    r"""Dilated (à trous) true convolution on the valid positions: kernel taps :math:`d` samples apart.

    .. math:: y[i]=\sum_{k=0}^{M-1}h[k]\,x[i-d\,k],\qquad i=d(M-1),\dots,n-1;\qquad
              y[i,j]=\sum_{k_1,k_2}h[k_1,k_2]\,x[i-dk_1,\,j-dk_2]

    Book label: ``conv.dilation``. ``x`` : ``(n,)`` or ``(n_1, n_2)``; ``h`` : ``(M,)`` or ``(M_1, M_2)``.
    The kernel spans :math:`k_{\mathrm{eff}}=d(M-1)+1` inputs with only :math:`M` parameters. Output
    index 0 corresponds to :math:`i=d(M-1)`.

    >>> dilated_convolve([1.0, 2.0, 3.0, 4.0, 5.0], [1.0, -1.0], 2).tolist()   # x[i] - x[i-2]
    [2.0, 2.0, 2.0]
    """
    x = _tensor("x", x, (1, 2))
    h = _tensor("h", h, x.ndim, like=x)
    d = v.require_int("d", d, minimum=1)
    spans = [d * (m - 1) + 1 for m in h.shape]
    if any(sp > n for sp, n in zip(spans, x.shape)):
        raise ValueError(f"the dilated kernel (span {spans}) must fit into x (shape {tuple(x.shape)}), got d={d}")
    outs = [n - sp + 1 for n, sp in zip(x.shape, spans)]
    y = torch.zeros(outs, dtype=x.dtype, device=x.device)
    for k in torch.cartesian_prod(*[torch.arange(m) for m in h.shape]).reshape(-1, h.ndim).tolist():
        # output position o is i = o + d(M-1); x[i - d k] starts at d(M-1-k)
        sl = tuple(slice(d * (m - 1 - kk), d * (m - 1 - kk) + o) for m, kk, o in zip(h.shape, k, outs))
        y = y + h[tuple(k)] * x[sl]
    return y


def pool2d(x, r: int, s: int | None = None, *, mode: str = "max") -> torch.Tensor:
    r"""Max or average pooling of square :math:`r\times r` windows at stride :math:`s` (default :math:`s=r`).

    .. math:: x^{\max}_{ij}=\max_{0\le k,l<r}x_{si+k,\,sj+l},\qquad
              x^{\mathrm{avg}}_{ij}=\frac1{r^2}\sum_{0\le k,l<r}x_{si+k,\,sj+l}

    Book label: ``conv.pooling``. ``x`` : ``(..., H, W)``; the output size follows ``conv.output-size``
    (no padding, floor mode). Pooling has no parameters; the gradient of a max is one-hot at the arg-max.

    >>> pool2d([[31.0, 15, 28, 184], [0, 100, 70, 38], [12, 12, 7, 2], [12, 12, 45, 6]], 2, mode="avg").tolist()
    [[36.5, 80.0], [12.0, 15.0]]
    """
    x = _tensor("x", x, (2, 3, 4))
    r = v.require_int("r", r, minimum=1)
    s = r if s is None else v.require_int("s", s, minimum=1)
    if mode not in ("max", "avg"):
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    oh, ow = output_size(x.shape[-2], r, 0, s), output_size(x.shape[-1], r, 0, s)
    windows = torch.stack([x[..., k:k + s * (oh - 1) + 1:s, l:l + s * (ow - 1) + 1:s]
                           for k in range(r) for l in range(r)])       # (r², ..., oh, ow)
    return windows.amax(0) if mode == "max" else windows.mean(0)


# --- receptive fields ----------------------------------------------------------------------------------

def receptive_field(kernels: Sequence[int], strides: Sequence[int] | None = None,
                    dilations: Sequence[int] | None = None) -> int:
    r"""Size of the input region that one unit of the top layer sees (per dimension).

    .. math:: r_{l-1}=s_l\,r_l+(k_l-s_l),\quad r_L=1\quad\Longrightarrow\quad
              r_0=1+\sum_{l=1}^{L}(k_l-1)\prod_{i=1}^{l-1}s_i,\qquad k_l\to d_l(k_l-1)+1\ \text{(dilation)}

    Book label: ``conv.receptive-field``. ``kernels`` : :math:`k_1,\dots,k_L` from the input up;
    ``strides``, ``dilations`` : default 1.

    >>> receptive_field([3, 3, 3]), receptive_field([3, 3, 3], [2, 2, 2]), receptive_field([3, 3, 3], dilations=[1, 2, 4])
    (7, 15, 15)
    """
    if isinstance(kernels, (str, bytes)) or not isinstance(kernels, Sequence) or len(kernels) == 0:
        raise ValueError(f"kernels must be a non-empty sequence of kernel sizes, got {kernels!r}")
    L = len(kernels)
    strides = [1] * L if strides is None else list(strides)
    dilations = [1] * L if dilations is None else list(dilations)
    if len(strides) != L or len(dilations) != L:
        raise ValueError(f"strides and dilations must have one entry per kernel ({L}), got {strides!r} and {dilations!r}")
    k = [v.require_int("kernels", kk, minimum=1) for kk in kernels]
    s = [v.require_int("strides", ss, minimum=1) for ss in strides]
    d = [v.require_int("dilations", dd, minimum=1) for dd in dilations]
    r = 1
    for kl, sl, dl in reversed(list(zip(k, s, d))):   # from the top unit down to the input
        r = sl * r + (dl * (kl - 1) + 1 - sl)
    return r


def measured_receptive_field(kernels: Sequence[int], strides: Sequence[int] | None = None,
                             dilations: Sequence[int] | None = None, n: int = 101) -> torch.Tensor:
    r"""The receptive field measured by autograd: :math:`|\partial y_{\mathrm{centre}}/\partial x|` of a 1-D stack.

    Every layer has all weights 1 (so nothing cancels) and no padding; ``n`` : input length. Returns the
    gradient, ``(n,)``: its non-zero entries are the receptive field of the top layer's centre unit.

    >>> int((measured_receptive_field([3, 3, 3]) != 0).sum())
    7
    """
    L = len(kernels) if isinstance(kernels, Sequence) and not isinstance(kernels, str) else 0
    receptive_field(kernels, strides, dilations)            # validates
    n = v.require_int("n", n, minimum=1)
    strides = [1] * L if strides is None else list(strides)
    dilations = [1] * L if dilations is None else list(dilations)
    x = torch.zeros(1, 1, n, dtype=torch.float64, requires_grad=True)
    y = x
    for k, s, d in zip(kernels, strides, dilations):
        if d * (k - 1) + 1 > y.shape[-1]:
            raise ValueError(f"n = {n} is too short for this stack: a layer has no output")
        y = torch.nn.functional.conv1d(y, torch.ones(1, 1, k, dtype=torch.float64), stride=s, dilation=d)
    y[0, 0, y.shape[-1] // 2].backward()
    return x.grad[0, 0].detach()


# --- separable kernels -----------------------------------------------------------------------------------

def separable_conv2d(x, u, v_) -> torch.Tensor:
    r"""Valid 2-D cross-correlation with the rank-one kernel :math:`w=uv^\top`, as two 1-D passes.

    .. math:: x\star(uv^\top)=\big(x\star_{\text{rows}}v^\top\big)\star_{\text{cols}}u,\qquad u,v\in\mathbb R^q

    Book label: ``conv.separable``. ``x`` : ``(d_1, d_2)``; ``u`` : ``(q,)`` the column factor;
    ``v_`` : ``(q,)`` the row factor (a kernel is separable exactly when it has rank one).

    >>> separable_conv2d(torch.ones(3, 3).double(), [1.0, 1.0], [1.0, 2.0]).tolist()
    [[6.0, 6.0], [6.0, 6.0]]
    """
    x = _tensor("x", x, 2)
    u = _tensor("u", u, 1, like=x)
    v_ = _tensor("v_", v_, 1, like=x)
    if len(u) > x.shape[0] or len(v_) > x.shape[1]:
        raise ValueError(f"u and v_ must fit into x, got lengths {len(u)}, {len(v_)} and x of shape {tuple(x.shape)}")
    rows = sum(v_[j] * x[:, j:j + x.shape[1] - len(v_) + 1] for j in range(len(v_)))      # along each row
    return sum(u[i] * rows[i:i + x.shape[0] - len(u) + 1] for i in range(len(u)))          # then down each column


def conv_macs(d: int, q: int, *, separable: bool = False) -> int:
    r"""Multiply-accumulates of a valid :math:`q\times q` convolution of a :math:`d\times d` image.

    .. math:: \text{direct: }(d-q+1)^2q^2,\qquad \text{separable: }q(d-q+1)d+q(d-q+1)^2=q(d-q+1)(2d-q+1)

    Book label: ``conv.separable``. For :math:`d\gg q` the separable route is about :math:`q/2` times cheaper.

    >>> conv_macs(16, 5), conv_macs(16, 5, separable=True)
    (3600, 1680)
    """
    d, q = v.require_int("d", d, minimum=1), v.require_int("q", q, minimum=1)
    if not isinstance(separable, bool):
        raise ValueError(f"separable must be True or False, got {separable!r}")
    if q > d:
        raise ValueError(f"q must not exceed d, got q={q}, d={d}")
    o = d - q + 1
    return q * o * (2 * d - q + 1) if separable else o * o * q * q


def rank_one_kernel(w) -> tuple[torch.Tensor, torch.Tensor, float]:
    r"""The best separable approximation :math:`\sigma_1u_1v_1^\top` of a kernel, and its Frobenius error.

    .. math:: \min_{\operatorname{rank}\tilde w\le1}\|w-\tilde w\|_F=\Big(\sum_{i\ge2}\sigma_i^2\Big)^{1/2}

    Book label: ``conv.separable`` (Eckart–Young). Returns ``(u, v, error)`` with :math:`\tilde w=uv^\top`.

    >>> u, v_, err = rank_one_kernel([[1.0, 2.0], [2.0, 4.0]])
    >>> round(err, 8), torch.outer(u, v_).round(decimals=6).tolist()
    (0.0, [[1.0, 2.0], [2.0, 4.0]])
    """
    w = _tensor("w", w, 2)
    U, S, Vh = torch.linalg.svd(w)
    return U[:, 0] * S[0], Vh[0], float(S[1:].pow(2).sum().sqrt())


# --- architecture bookkeeping --------------------------------------------------------------------------

def architecture_shapes(input_shape: Sequence[int], stages: Sequence[dict]) -> list[tuple[tuple[int, ...], int]]:
    r"""Shapes and parameter counts through a CNN: :math:`[\text{conv}\to\varphi\to\text{pool}]^L\to\text{flatten}\to\text{FC}^+`.

    Book label: ``conv.architecture``. ``input_shape`` : ``(C, H, W)``; each stage is a dict:
    ``{"conv": C_out, "k": k, "p": p, "s": s}``, ``{"pool": r}``, ``{"flatten": True}`` or
    ``{"fc": n_out}``. Returns, per stage, the output shape and the stage's number of parameters; sizes
    follow ``conv.output-size`` and counts ``conv.param-count``.

    >>> lenet = [{"conv": 6, "k": 5, "p": 2}, {"pool": 2}, {"conv": 16, "k": 5}, {"pool": 2},
    ...          {"flatten": True}, {"fc": 120}, {"fc": 84}, {"fc": 10}]
    >>> [s for s, _ in architecture_shapes((1, 28, 28), lenet)][:5], sum(n for _, n in architecture_shapes((1, 28, 28), lenet))
    ([(6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,)], 61706)
    """
    if isinstance(input_shape, (str, bytes)) or not isinstance(input_shape, Sequence):
        raise ValueError(f"input_shape must be (C, H, W), got {input_shape!r}")
    if isinstance(stages, (str, bytes)) or not isinstance(stages, Sequence):
        raise ValueError(f"stages must be a list of stage dicts, got {stages!r}")
    shape = tuple(v.require_int("input_shape", n, minimum=1) for n in input_shape)
    if len(shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W), got {tuple(input_shape)!r}")
    out = []
    for stage in stages:
        if not isinstance(stage, dict) or len({"conv", "pool", "flatten", "fc"} & set(stage)) != 1:
            raise ValueError(f"stages must be dicts with one of conv, pool, flatten, fc, got {stage!r}")
        if "conv" in stage:
            c, k = stage["conv"], stage["k"]
            p, s = stage.get("p", 0), stage.get("s", 1)
            n = param_count(shape[0], c, k, k)
            shape = (c, output_size(shape[1], k, p, s), output_size(shape[2], k, p, s))
        elif "pool" in stage:
            r = stage["pool"]
            n, shape = 0, (shape[0], output_size(shape[1], r, 0, r), output_size(shape[2], r, 0, r))
        elif "flatten" in stage:
            n, shape = 0, (math.prod(shape),)
        else:
            if len(shape) != 1:
                raise ValueError(f"a fully connected stage needs a flattened input, got shape {shape}")
            m = v.require_int("fc", stage["fc"], minimum=1)
            n, shape = shape[0] * m + m, (m,)
        out.append((shape, n))
    return out
