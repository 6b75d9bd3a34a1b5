"""How legible a figure is as the book shows it: width, font sizes, clipping, legends, colour keys.

:func:`inspect` draws a figure at the book's resolution and measures what a reader sees: the width
it is shown at, its smallest text in CSS points, data beyond the axes that :func:`~edl.core.style.mark_clipped`
did not mark (or marked without a legend entry saying so), legends lying on data, colours without a
colour bar or key, and text running off the figure. The tests hold every figure and every explorer
frame of the book to an empty :attr:`Report.problems`.

>>> from edl.core import style
>>> @style.styled
... def plot_square(mark):
...     fig = style.figure(3.0)
...     ax = fig.add_subplot()
...     ax.plot([0, 1, 2], [0, 1, 4], label="square")
...     ax.set_ylim(0, 2)
...     if mark:
...         style.mark_clipped(ax)
...     ax.legend(loc="upper left")
...     return fig
>>> inspect(plot_square(mark=False)).problems
["'axes': 1 point beyond the axes, 0 marked, without a legend entry saying so"]
>>> report = inspect(plot_square(mark=True))
>>> report.problems, report.display_width, round(report.min_font_pt, 1)
([], 750, 9.9)
"""

from dataclasses import dataclass, field

import numpy as np
from matplotlib.collections import PathCollection
from matplotlib.container import BarContainer
from matplotlib.contour import ContourSet
from matplotlib.figure import Figure
from matplotlib.text import Text

from edl.core.style import (_CLIP_GID, _KEY_GID, MIN_DISPLAY_PX, MIN_FONT_PT, _clip_marks, _draw, _extend,
                            _has_finite_data, display_pt, display_size)


@dataclass
class Report:
    """What :func:`inspect` measured on one figure (sizes in CSS px and pt, as shown in the book)."""

    display_width: int = 0
    min_font_pt: float = float("inf")
    small_texts: list = field(default_factory=list)
    unmarked_clipping: int = 0
    clipping: list = field(default_factory=list)
    legend_overlaps: list = field(default_factory=list)
    unexplained_colours: list = field(default_factory=list)
    cut_texts: list = field(default_factory=list)
    finite_data: bool = False

    @property
    def problems(self) -> list[str]:
        out = []
        if self.display_width < MIN_DISPLAY_PX:
            out.append(f"shown {self.display_width} px wide, under {MIN_DISPLAY_PX} px")
        out += [f"text {t!r} at {pt:.1f} pt" for t, pt in self.small_texts]
        out += self.clipping
        out += self.legend_overlaps
        out += self.unexplained_colours
        out += [f"text {t!r} runs off the figure" for t in self.cut_texts]
        if not self.finite_data:
            out.append("no finite data in any axes")
        return out


def _tick_texts(fig: Figure) -> set[int]:
    ids = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for tick in [*axis.majorTicks, *axis.minorTicks]:
                ids |= {id(tick.label1), id(tick.label2)}
    return ids


def _data_points(ax, renderer) -> np.ndarray:
    """Display coordinates of the data of ``ax`` (line vertices, densified to every few pixels, and points)."""
    pts = []
    for line in ax.lines:
        if line.get_gid() == _KEY_GID or not line.get_visible():
            continue
        path = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float).reshape(-1, 2))
        path = path[np.isfinite(path).all(1)]
        if line.get_linestyle() not in ("None", "none", "", " ") and len(path) > 1:
            seg = np.diff(path, axis=0)
            n = np.clip(np.nan_to_num(np.hypot(*seg.T) / 3, nan=1.0, posinf=200.0), 1, 200).astype(int)
            dense = [path[:-1][k] + seg[k] * (np.arange(n[k])[:, None] / n[k]) for k in range(len(seg))]
            path = np.concatenate([*dense, path[-1:]])
        pts.append(path)
    for coll in ax.collections:
        if isinstance(coll, PathCollection) and coll.get_visible():
            off = coll.get_offset_transform().transform(np.asarray(coll.get_offsets(), dtype=float).reshape(-1, 2))
            pts.append(off[np.isfinite(off).all(1)])
    for container in ax.containers:
        if isinstance(container, BarContainer):
            for bar in container:
                bb = bar.get_window_extent(renderer)
                if np.isfinite(bb.bounds).all():
                    pts.append(np.array([[bb.x0, bb.y1], [(bb.x0 + bb.x1) / 2, bb.y1], [bb.x1, bb.y1]]))
    return np.concatenate(pts) if pts else np.zeros((0, 2))


def inspect(fig: Figure, drawn: bool = False) -> Report:
    """Measure ``fig`` as the book shows it: display width, smallest font, clipping, legends, colour keys.

    ``drawn``: the figure was just drawn at :data:`DPI` (by :func:`png`), so its renderer is reused.
    """
    if not drawn:
        _draw(fig)
    renderer = fig.canvas.get_renderer()
    width_in = fig.get_size_inches()[0]
    shown = display_size(fig)[0]
    report = Report(display_width=shown)
    tick_ids = _tick_texts(fig)
    texts = []
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if not (ax.axison and axis.get_visible()):
                continue
            for tick in axis._update_ticks():
                texts += [t for t in (tick.label1, tick.label2) if t.get_visible()]
    texts += [t for t in fig.findobj(Text) if id(t) not in tick_ids and (t.axes is None or t.axes.axison
                                                                         or t not in (t.axes.xaxis.label, t.axes.yaxis.label))]
    page = fig.bbox.padded(2)
    for t in texts:
        if not t.get_visible() or not t.get_text().strip():
            continue
        pt = display_pt(t.get_fontsize(), width_in, shown)
        report.min_font_pt = min(report.min_font_pt, pt)
        if t.get_fontsize() < MIN_FONT_PT:
            report.small_texts.append((t.get_text(), pt))
        box = t.get_window_extent(renderer)
        if not (page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1):
            report.cut_texts.append(t.get_text())
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend() is not None)]
    shown_labels = {t.get_text() for leg in legends for t in leg.get_texts()}
    barred = {id(m.norm) for ax in fig.axes for m in [*ax.images, *ax.collections]
              if getattr(m, "colorbar", None) is not None}  # images sharing a norm share its colour bar
    for ax in fig.axes:
        if getattr(ax, "_colorbar", None) is not None:
            continue
        report.finite_data |= _has_finite_data(ax)
        expected = len(_clip_marks(ax))
        drawn = sum(1 for line in ax.lines if line.get_gid() == _CLIP_GID)
        keys = {line.get_label() for line in ax.lines if line.get_gid() == _KEY_GID}
        keyed = bool(keys & shown_labels)
        if expected and (drawn != expected or not keyed):
            report.unmarked_clipping += expected
            report.clipping.append(f"{_name(ax)}: {expected} point{'s' * (expected != 1)} beyond the axes, {drawn} marked"
                                   + ("" if keyed else ", without a legend entry saying so"))
        for mappable in [*ax.images, *(c for c in ax.collections if isinstance(c, ContourSet) and c.filled)]:
            if getattr(mappable, "_edl_keyed", False):
                continue
            cb = getattr(mappable, "colorbar", None)
            if cb is None and id(mappable.norm) in barred:
                continue
            if cb is None:
                report.unexplained_colours.append(f"{_name(ax)}: colour encodes a value but there is no colour bar")
            elif _extend(mappable) not in ("neither", cb.extend) and cb.extend != "both":
                report.unexplained_colours.append(f"{_name(ax)}: values beyond the colour bar, not marked")
        data = _data_points(ax, renderer)
        data = data[_within(ax.get_window_extent(renderer), data)]  # what is visible of the data
        for leg in legends:
            if not leg.get_visible():
                continue
            box = leg.get_window_extent(renderer)
            covered = int(_within(box, data).sum())
            if covered:
                report.legend_overlaps.append(f"{_name(ax)}: legend covers {covered} data points")
    return report


def _within(box, points: np.ndarray) -> np.ndarray:
    x, y = points[:, 0], points[:, 1]
    return (x >= box.x0) & (x <= box.x1) & (y >= box.y0) & (y <= box.y1)


def _name(ax) -> str:
    return repr(ax.get_title() or ax.get_label() or "axes")
