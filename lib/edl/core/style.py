"""The book's figure style, in one place: size, fonts, legends, colour bars and visible clipping.

Every ``plot_*`` function of the book is decorated with :func:`styled` and starts its figure with
:func:`figure`. A figure is :data:`WIDTH` inches wide and is shown at :data:`DISPLAY_PX_PER_INCH`
CSS pixels per inch (750 px), rendered at :data:`DPI` (twice that) so it stays sharp on a
high-density laptop screen. Since a CSS pixel is 1/96 inch, a font of ``s`` pt in the figure is
shown at ``s * 100 / 96`` pt, so :data:`MIN_FONT_PT` = 9 keeps every text at 9 pt or more.

Clipping is never silent: :func:`mark_clipped` draws a marker where a curve or point leaves the
axes (▲ ▼ ◀ ▶ at the edge) with a legend entry saying so, and :func:`colorbar` draws the colour
bar's extension triangles when values fall outside the colour range.
:func:`edl.core.legibility.inspect` measures all of this on a finished figure, which is what the
tests check.

>>> @styled
... def plot_square():
...     fig = figure(3.0)
...     ax = fig.add_subplot()
...     ax.plot([0, 1, 2], [0, 1, 4])
...     ax.set_ylim(0, 2)
...     mark_clipped(ax, legend=True)  # the curve leaves at the top: a ▲ on the edge, and a legend entry
...     return fig
>>> fig = plot_square()
>>> display_size(fig), png(fig)[:4] == b"\\x89PNG"
((750, 300), True)
"""

import functools
import io

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.mathtext import MathTextParser
from matplotlib.patches import Patch
from matplotlib import transforms

WIDTH = 7.5                 # inches: every figure of the book is this wide
DISPLAY_PX_PER_INCH = 100   # CSS px per figure inch: a figure is shown 750 px wide
RENDER_SCALE = 2            # PNG pixels per CSS pixel: sharp on high-density screens
DPI = DISPLAY_PX_PER_INCH * RENDER_SCALE
CSS_PX_PER_INCH = 96        # a CSS pixel is 1/96 inch, a point 1/72 inch
MIN_DISPLAY_PX = 720        # no figure or explorer frame is shown narrower
MIN_FONT_PT = 9.0           # no text is smaller, in the figure and (100/96 times larger) on the page
FONT_PT = 10.0
SMALL_PT = 9.5              # tick labels, legends, notes

RC = {
    "font.size": FONT_PT,
    "axes.titlesize": FONT_PT,
    "axes.labelsize": FONT_PT,
    "figure.titlesize": 11.0,
    "xtick.labelsize": SMALL_PT,
    "ytick.labelsize": SMALL_PT,
    "legend.fontsize": SMALL_PT,
    "legend.title_fontsize": SMALL_PT,
    "legend.framealpha": 0.9,
    "legend.edgecolor": "0.75",
    "legend.handlelength": 1.6,
    "legend.borderaxespad": 0.4,
    "lines.linewidth": 1.6,
    "lines.markersize": 5.0,
    "axes.titlepad": 8.0,  # clears the ▲ marks on the top edge
    "figure.dpi": DPI,
    "savefig.dpi": DPI,
    "image.interpolation": "nearest",
}

CLIPPED = "beyond the axes: drawn at the edge (clipped)"
_CLIP_GID = "edl-clip-mark"
_KEY_GID = "edl-clip-key"
_ARROWS = {(0, 1): "^", (0, -1): "v", (1, 0): ">", (-1, 0): "<"}


class BookFigure(Figure):
    """A matplotlib figure that shows itself at the book's display size, rendered at twice its resolution.

    Its resolution is :data:`DPI`, and in a notebook it carries ``width`` metadata in CSS pixels, which
    JupyterLab and the HTML book both honour (no height: a narrow screen scales it keeping its shape).
    Under matplotlib's inline backend (``%matplotlib inline``) the backend draws the PNG, at the
    figure's resolution; elsewhere the figure draws it itself. Everything else is a plain ``Figure``.
    """

    def _repr_mimebundle_(self, include=None, exclude=None):
        import base64

        metadata = {"image/png": {"width": display_size(self)[0]}}
        if _inline_png(self):
            return {}, metadata
        return {"image/png": base64.b64encode(png(self, colors=256)).decode("ascii")}, metadata


def _inline_png(fig) -> bool:
    """Whether the running IPython shell has its own PNG printer for ``fig`` (the inline backend's)."""
    try:
        from IPython import get_ipython

        get_ipython().display_formatter.formatters["image/png"].lookup(fig)
        return True
    except Exception:  # no IPython, no shell, or no printer registered for figures
        return False


def figure(height: float = 3.6, width: float = WIDTH) -> BookFigure:
    """A new figure of the book's width, with constrained layout (legends and colour bars outside fit)."""
    return BookFigure(figsize=(width, height), dpi=DPI, layout="constrained")


def styled(plot):
    """Decorator of a ``plot_*`` function: its artists are made under :data:`RC`."""

    @functools.wraps(plot)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(RC):
            fig = plot(*args, **kwargs)
        if isinstance(fig, Figure):
            for ax in fig.axes:
                _sparse_log_ticks(ax)
        return fig

    return wrapper


def _sparse_log_ticks(ax) -> None:
    """No minor ticks on a log axis spanning more than three decades: too dense to read, and slow to draw."""
    from matplotlib.ticker import NullLocator

    for axis in (ax.xaxis, ax.yaxis):
        if axis.get_scale() == "log":
            lo, hi = sorted(axis.get_view_interval())
            if lo > 0 and hi / lo > 1e3:
                axis.set_minor_locator(NullLocator())


def display_size(fig: Figure) -> tuple[int, int]:
    """The size in CSS pixels at which the book shows ``fig``."""
    w, h = fig.get_size_inches()
    return round(w * DISPLAY_PX_PER_INCH), round(h * DISPLAY_PX_PER_INCH)


def display_pt(size_pt: float, fig_width_in: float, display_px: float) -> float:
    """A font of ``size_pt`` in a figure ``fig_width_in`` wide, shown ``display_px`` CSS pixels wide, in CSS pt.

    >>> round(display_pt(8, 6.4, 460), 2)  # the old frames: 8-pt legends shown at 6 pt
    5.99
    >>> round(display_pt(9, WIDTH, 750), 2)
    9.38
    """
    return float(size_pt * (display_px / fig_width_in) / CSS_PX_PER_INCH)


class _SharedMathText(MathTextParser):
    """One mathtext parser for every figure drawn, with room for all of a figure's labels.

    matplotlib gives each renderer its own parser with a 50-entry cache, so every new figure parses
    its math (tick labels of log axes, legends) again: half the time of an explorer frame.
    """

    @functools.lru_cache(2048)
    def _parse_cached(self, *args):
        return MathTextParser._parse_cached.__wrapped__(self, *args)


_MATHTEXT: dict[str, MathTextParser] = {}


def _draw(fig: Figure) -> FigureCanvasAgg:
    canvas = FigureCanvasAgg(fig)
    fig.set_dpi(DPI)
    renderer = canvas.get_renderer()
    own = getattr(renderer, "mathtext_parser", None)
    if isinstance(own, MathTextParser) and hasattr(MathTextParser._parse_cached, "__wrapped__"):
        kind = {"vector": "path", "raster": "agg"}.get(getattr(own, "_output_type", ""), "")
        if kind:
            renderer.mathtext_parser = _MATHTEXT.setdefault(kind, _SharedMathText(kind))
    with matplotlib.rc_context(RC):
        canvas.draw()
    return canvas


def png(fig: Figure, colors: int | None = 64) -> bytes:
    """PNG of ``fig`` at :data:`DPI`, reduced to a palette of ``colors`` colours (``None``: full colour).

    Line art has few colours, so a 64-colour palette keeps it sharp at a third of the size.
    """
    from PIL import Image

    canvas = _draw(fig)
    image = Image.frombuffer("RGBA", canvas.get_width_height(physical=True), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = image.convert("RGB")
    if colors:
        image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buf = io.BytesIO()
    image.save(buf, format="PNG", compress_level=6)  # level 9: 10% smaller, five times slower
    return buf.getvalue()


# --- legends, colour bars, keys -------------------------------------------------------------------

def legend_outside(ax, where: str = "right", **kwargs) -> Legend:
    """A legend beside (``"right"``) or below (``"below"``) the axes, where it cannot cover data."""
    if where == "right":
        return ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0, **kwargs)
    if where == "below":
        kwargs.setdefault("ncols", 2)
        below = transforms.offset_copy(ax.transAxes, ax.figure, y=-_below_axis(ax), units="points")
        return ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), bbox_transform=below, borderaxespad=0.0,
                         **kwargs)
    raise ValueError(f"where must be 'right' or 'below', got {where!r}")


def _below_axis(ax) -> float:
    """Points from the bottom of ``ax`` to below its tick labels and x label (as the style draws them)."""
    depth = 3.0
    if ax.axison and ax.xaxis.get_visible() and len(ax.get_xticks()):
        depth += matplotlib.rcParams["xtick.major.size"] + matplotlib.rcParams["xtick.major.pad"] + 1.4 * SMALL_PT
    label = ax.get_xlabel()
    if ax.axison and label:
        depth += matplotlib.rcParams["axes.labelpad"] + 1.35 * FONT_PT * (label.count("\n") + 1)
    return depth


def colorbar(mappable, ax, label: str = "", **kwargs):
    """A colour bar for ``mappable`` beside ``ax``, with extension triangles on the sides where values are clipped."""
    kwargs.setdefault("extend", _extend(mappable))
    kwargs.setdefault("shrink", 0.9)
    fig = np.ravel(ax)[0].figure
    return fig.colorbar(mappable, ax=ax, label=label, **kwargs)


def key(ax, entries: dict, *, where: str = "below", **kwargs) -> Legend:
    """A legend of colour patches for colours that name categories (``{label: colour}``), e.g. ±1 states."""
    handles = [Patch(facecolor=c, edgecolor="0.4", label=label) for label, c in entries.items()]
    for im in [*ax.images, *ax.collections]:
        im._edl_keyed = True
    if where in ("below", "right"):
        kwargs.setdefault("ncols", len(handles) if where == "below" else 1)
        kwargs.setdefault("frameon", False)
        return legend_outside(ax, where, handles=handles, **kwargs)
    return ax.legend(handles=handles, loc=where, **kwargs)


def categorical(*mappables) -> None:
    """Declare that the colours of these images name categories (explained in the text or title), not values."""
    for m in mappables:
        m._edl_keyed = True


def _values(mappable) -> np.ndarray:
    a = mappable.get_array()
    if a is None:
        return np.array([])
    a = np.ma.masked_invalid(np.ma.asarray(a, dtype=float))
    return a.compressed()


def _extend(mappable) -> str:
    values = _values(mappable)
    norm = mappable.norm
    if values.size == 0 or norm.vmin is None or norm.vmax is None:
        return "neither"
    if isinstance(mappable, ContourSet) and mappable.filled:
        lo, hi = mappable.levels[0], mappable.levels[-1]
    else:
        lo, hi = norm.vmin, norm.vmax
    tol = 1e-9 * max(1.0, abs(hi - lo))
    below, above = bool((values < lo - tol).any()), bool((values > hi + tol).any())
    return {(False, False): "neither", (True, False): "min", (False, True): "max", (True, True): "both"}[below, above]


# --- visible clipping -----------------------------------------------------------------------------

def _scaled(ax, which: str, v) -> np.ndarray:
    v = np.asarray(v, dtype=float)
    scale = ax.get_xscale() if which == "x" else ax.get_yscale()
    if scale == "log":
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(v > 0, np.log10(np.where(v > 0, v, 1.0)), np.where(np.isnan(v), np.nan, -np.inf))
    return v


def _unscaled(ax, which: str, s) -> np.ndarray:
    scale = ax.get_xscale() if which == "x" else ax.get_yscale()
    return 10.0 ** np.asarray(s, dtype=float) if scale == "log" else np.asarray(s, dtype=float)


def _limits(ax):
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    lx, ly = np.sort(_scaled(ax, "x", [x0, x1])), np.sort(_scaled(ax, "y", [y0, y1]))
    tol = 1e-9 * np.array([lx[1] - lx[0], ly[1] - ly[0]])
    return lx, ly, tol


def _side(s: np.ndarray, lo: float, hi: float, tol: float) -> np.ndarray:
    return np.where(s > hi + tol, 1, np.where(s < lo - tol, -1, 0))


def _clip_marks(ax) -> list[tuple[float, float, str, object]]:
    """Where data of ``ax`` leaves its view: (x, y, marker, colour) in data coordinates, at the edge.

    A curve is marked wherever it crosses the edge (leaving or coming back, also along a segment that
    passes through the view between two points beyond it), or at its start if no part of it is in
    view; points are marked one by one, bars at their tops.
    """
    lx, ly, tol = _limits(ax)
    marks = []

    def add(sx, sy, dx, dy, color):
        px, py = float(np.clip(sx, *lx)), float(np.clip(sy, *ly))
        edges = {(0, 1): abs(py - ly[1]) <= tol[1] and dy >= 0, (0, -1): abs(py - ly[0]) <= tol[1] and dy <= 0,
                 (1, 0): abs(px - lx[1]) <= tol[0] and dx >= 0, (-1, 0): abs(px - lx[0]) <= tol[0] and dx <= 0}
        side = (0, dy) if dy and edges[(0, dy)] else next((e for e, on in edges.items() if on), (dx, dy))
        marker = _ARROWS[side] if side in _ARROWS else _ARROWS[(0, dy)] if dy else _ARROWS[(dx, 0)]
        marks.append((float(_unscaled(ax, "x", px)), float(_unscaled(ax, "y", py)), marker, color))

    far = np.array([lx[0] - 1e3 * (lx[1] - lx[0] + 1), lx[1] + 1e3 * (lx[1] - lx[0] + 1),
                    ly[0] - 1e3 * (ly[1] - ly[0] + 1), ly[1] + 1e3 * (ly[1] - ly[0] + 1)])
    for line in ax.lines:
        if line.get_gid() in (_CLIP_GID, _KEY_GID) or not line.get_visible() or line.get_transform() != ax.transData:
            continue
        xy = np.asarray(line.get_xydata(), dtype=float).reshape(-1, 2)
        if len(xy) == 0:
            continue
        sx, sy = _scaled(ax, "x", xy[:, 0]), _scaled(ax, "y", xy[:, 1])
        nan = np.isnan(sx) | np.isnan(sy)
        dx, dy = _side(sx, *lx, tol[0]), _side(sy, *ly, tol[1])
        out = ((dx != 0) | (dy != 0)) & ~nan
        if not out.any():
            continue
        color = line.get_color()
        if line.get_linestyle() in ("None", "none", "", " "):
            for i in np.flatnonzero(out):
                add(sx[i], sy[i], dx[i], dy[i], color)
            continue
        # infinities (0 on a log axis) as points far beyond the edge, where matplotlib draws them
        fx, fy = np.clip(sx, far[0], far[1]), np.clip(sy, far[2], far[3])
        before = len(marks)
        for k in np.flatnonzero(~nan[:-1] & ~nan[1:] & (out[:-1] | out[1:])):
            hit = _clip_segment(fx[k], fy[k], fx[k + 1], fy[k + 1], lx, ly)
            if hit is None:
                continue
            t0, t1 = hit
            ddx, ddy = fx[k + 1] - fx[k], fy[k + 1] - fy[k]
            if out[k]:  # comes back in at t0
                add(fx[k] + t0 * ddx, fy[k] + t0 * ddy, dx[k], dy[k], color)
            if out[k + 1]:  # leaves at t1
                add(fx[k] + t1 * ddx, fy[k] + t1 * ddy, dx[k + 1], dy[k + 1], color)
        if len(marks) == before and not (~out & ~nan).any():  # never in view: mark where it starts
            i = int(np.flatnonzero(out)[0])
            add(sx[i], sy[i], dx[i], dy[i], color)
    for coll in ax.collections:
        if not isinstance(coll, PathCollection) or not coll.get_visible() or coll.get_offset_transform() != ax.transData:
            continue
        xy = np.asarray(coll.get_offsets(), dtype=float).reshape(-1, 2)
        if len(xy) == 0:
            continue
        sx, sy = _scaled(ax, "x", xy[:, 0]), _scaled(ax, "y", xy[:, 1])
        dx, dy = _side(sx, *lx, tol[0]), _side(sy, *ly, tol[1])
        colors = coll.get_facecolor()
        for i in np.flatnonzero(((dx != 0) | (dy != 0)) & ~np.isnan(sx) & ~np.isnan(sy)):
            add(sx[i], sy[i], dx[i], dy[i], colors[i % len(colors)] if len(colors) else "k")
    for container in ax.containers:
        if not isinstance(container, BarContainer) or container.orientation != "vertical":
            continue
        for bar in container:
            top = bar.get_y() + bar.get_height()
            st = _scaled(ax, "y", [top])[0]
            cx = _scaled(ax, "x", [bar.get_x() + bar.get_width() / 2])[0]
            d = _side(np.array([st]), *ly, tol[1])[0]
            if d and lx[0] <= cx <= lx[1]:
                add(cx, st, 0, d, bar.get_facecolor())
    return marks


def _clip_segment(x0, y0, x1, y1, lx, ly):
    """The part (t0, t1) of the segment from (x0, y0) to (x1, y1) inside the view (Liang–Barsky), or None."""
    t0, t1 = 0.0, 1.0
    for p, q in ((x0 - x1, x0 - lx[0]), (x1 - x0, lx[1] - x0), (y0 - y1, y0 - ly[0]), (y1 - y0, ly[1] - y0)):
        if p == 0:
            if q < 0:
                return None
        elif p < 0:
            t0 = max(t0, q / p)
        else:
            t1 = min(t1, q / p)
    return (t0, t1) if t0 <= t1 else None


def mark_clipped(ax, label: str = CLIPPED, *, legend: bool = False) -> int:
    """Mark every point of ``ax``'s lines, scatters and bars that lies beyond its limits; return how many.

    Call it once the limits are final and before ``ax.legend``: the marks (▲ ▼ ◀ ▶ on the edge, in
    the colour of their curve) bring one legend entry, ``label``. A curve that leaves the axes is
    marked where it leaves and where it comes back; points are marked one by one. With
    ``legend=True`` the entry is shown at once, in a legend of its own below the axes.
    """
    for artist in [*ax.lines]:
        if artist.get_gid() in (_CLIP_GID, _KEY_GID):
            artist.remove()
    marks = _clip_marks(ax)
    if "clipped" not in label:
        label += " (clipped)"
    for x, y, marker, color in marks:
        ax.plot([x], [y], ls="none", marker=marker, ms=7, color=color, mec="k", mew=0.6, clip_on=False,
                zorder=6, gid=_CLIP_GID, label="_nolegend_")
    ax._edl_clip_marks = len(marks)
    if marks:
        ax.plot([], [], ls="none", marker=marks[0][2], ms=7, color="0.6", mec="k", mew=0.6, gid=_KEY_GID, label=label)
        if legend:
            handles = [line for line in ax.lines if line.get_gid() == _KEY_GID]
            legend_outside(ax, "below", handles=handles, frameon=False, ncols=1)
    return len(marks)


def clip_keys(axes) -> list[Line2D]:
    """The legend entries :func:`mark_clipped` made on ``axes``, for a figure-level legend."""
    return [line for ax in np.ravel(axes) for line in ax.lines if line.get_gid() == _KEY_GID]


def _has_finite_data(ax) -> bool:
    for line in ax.lines:
        if line.get_gid() not in (_CLIP_GID, _KEY_GID) and np.isfinite(np.asarray(line.get_xydata(), float)).all(1).any():
            return True
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and np.isfinite(np.asarray(coll.get_offsets(), float)).all(1).any():
            return True
        if isinstance(coll, ContourSet) or (coll.get_array() is not None and np.isfinite(_values(coll)).any()):
            return True
        if len(coll.get_paths()):
            return True
    for im in ax.images:
        if np.isfinite(_values(im)).any():
            return True
    return any(np.isfinite(p.get_height()) and p.get_height() != 0 for c in ax.containers
               if isinstance(c, BarContainer) for p in c)


def has_finite_data(fig: Figure) -> bool:
    """Whether some axes of ``fig`` (colour bars aside) shows a finite data value."""
    return any(_has_finite_data(ax) for ax in fig.axes if getattr(ax, "_colorbar", None) is None)
