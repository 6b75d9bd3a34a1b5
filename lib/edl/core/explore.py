"""Explorers: one pure ``plot_*`` function, shown live in JupyterLab and still interactive in the HTML book.

An :class:`Explorer` renders its plot function on a small grid of control values. With a kernel
(JupyterLab) it displays an ipywidgets view whose sliders redraw the figure; without one (the built
HTML book) the same output carries a ``text/html`` view in which a slider switches between the
precomputed frames. Both views come from one mime bundle; the book's builder prefers ``text/html``.

>>> from matplotlib.figure import Figure
>>> def plot_line(slope):
...     fig = Figure(figsize=(2, 2))
...     fig.add_subplot().plot([0, 1], [0, slope])
...     return fig
>>> ex = Explorer(plot_line, [Control("slope", [1, 2, 3])])
>>> len(ex.frames()), ex.frames()[(0,)][:8] == b"\\x89PNG\\r\\n\\x1a\\n"
(3, True)
"""

import base64
import html
import io
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from matplotlib.figure import Figure

MAX_FRAME_BYTES = 3_000_000  # budget for all frames of one explorer in the HTML book
MAX_FRAMES = 200

_SCRIPT = """
(function () {
  var root = document.currentScript.parentElement;
  var data = JSON.parse(root.querySelector("script.edl-frames").textContent);
  var img = root.querySelector("img.edl-frame");
  var inputs = Array.prototype.slice.call(root.querySelectorAll("input[type=range]"));
  function update() {
    var key = inputs.map(function (inp) { return inp.value; }).join(",");
    img.src = data.frames[key];
    inputs.forEach(function (inp, j) {
      root.querySelectorAll("output.edl-value")[j].textContent = data.controls[j].labels[+inp.value];
    });
  }
  inputs.forEach(function (inp) { inp.addEventListener("input", update); });
})();
"""

_STYLE = (
    "<style>.edl-explorer{border:1px solid #ddd;border-radius:6px;padding:8px;margin:8px 0}"
    ".edl-controls label{margin-right:6px}.edl-controls .edl-control{display:inline-block;margin:0 18px 6px 0}"
    ".edl-explorer img{max-width:100%;height:auto}</style>"
)


@dataclass(frozen=True)
class Control:
    """A slider over ``values``, passed to the plot function as keyword argument ``name``."""

    name: str
    values: Sequence
    label: str | None = None
    start: int = 0
    labels: Sequence[str] = field(default=())

    def __post_init__(self):
        if not self.name.isidentifier():
            raise ValueError(f"name must be a Python identifier, got {self.name!r}")
        if len(self.values) == 0:
            raise ValueError(f"values of control {self.name!r} must not be empty")
        if not 0 <= self.start < len(self.values):
            raise ValueError(f"start of control {self.name!r} must index values (0..{len(self.values) - 1}), got {self.start}")
        if self.labels and len(self.labels) != len(self.values):
            raise ValueError(f"labels of control {self.name!r} must match values in length, got {len(self.labels)}")

    def text(self, i: int) -> str:
        """How position ``i`` is shown beside the slider."""
        if self.labels:
            return str(self.labels[i])
        v = self.values[i]
        return f"{v:.3g}" if isinstance(v, float) else str(v)


def figure_png(fig: Figure, dpi: int = 72) -> bytes:
    """Render a matplotlib figure to PNG bytes (no pyplot state involved)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


class Explorer:
    """Make ``plot(**fixed, **{control: value})`` explorable over a grid of control values.

    ``plot`` must return a matplotlib ``Figure``. ``fixed`` holds keyword arguments that do not
    change. Every grid point is rendered once and cached, so the live view answers from the cache
    after the first visit and the HTML view holds every frame.
    """

    def __init__(self, plot: Callable[..., Figure], controls: Sequence[Control], *, fixed: dict | None = None,
                 dpi: int = 72, title: str = ""):
        if not callable(plot):
            raise ValueError(f"plot must be callable, got {plot!r}")
        if len(controls) == 0:
            raise ValueError("controls must name at least one Control")
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"controls must have distinct names, got {names}")
        n_frames = 1
        for c in controls:
            n_frames *= len(c.values)
        if n_frames > MAX_FRAMES:
            raise ValueError(f"controls span {n_frames} frames; at most {MAX_FRAMES} fit in the HTML book")
        self.plot, self.controls, self.fixed = plot, list(controls), dict(fixed or {})
        self.dpi, self.title = dpi, title
        self._cache: dict[tuple[int, ...], bytes] = {}

    def kwargs(self, position: tuple[int, ...]) -> dict:
        """The plot function's keyword arguments at a grid position (one index per control)."""
        return {**self.fixed, **{c.name: c.values[i] for c, i in zip(self.controls, position)}}

    def render(self, position: tuple[int, ...]) -> bytes:
        """PNG of the frame at ``position``, cached."""
        if position not in self._cache:
            fig = self.plot(**self.kwargs(position))
            if not isinstance(fig, Figure):
                raise TypeError(f"plot must return a matplotlib Figure, got {type(fig).__name__}")
            self._cache[position] = figure_png(fig, self.dpi)
        return self._cache[position]

    def positions(self) -> list[tuple[int, ...]]:
        return list(itertools.product(*(range(len(c.values)) for c in self.controls)))

    def frames(self) -> dict[tuple[int, ...], bytes]:
        """Every frame of the grid, rendered (this is what the HTML book carries)."""
        return {p: self.render(p) for p in self.positions()}

    def start(self) -> tuple[int, ...]:
        return tuple(c.start for c in self.controls)

    # --- the kernel-free view -------------------------------------------------------------
    def to_html(self) -> str:
        frames = {",".join(map(str, p)): "data:image/png;base64," + base64.b64encode(png).decode()
                  for p, png in self.frames().items()}
        size = sum(len(v) for v in frames.values())
        if size > MAX_FRAME_BYTES:
            raise ValueError(f"frames take {size / 1e6:.1f} MB, over the {MAX_FRAME_BYTES / 1e6:.0f} MB budget; "
                             "use fewer control values or a lower dpi")
        data = {"controls": [{"name": c.name, "labels": [c.text(i) for i in range(len(c.values))]}
                             for c in self.controls], "frames": frames}
        sliders = "".join(
            f'<span class="edl-control"><label>{html.escape(c.label or c.name)} '
            f'<input type="range" min="0" max="{len(c.values) - 1}" step="1" value="{c.start}" '
            f'data-name="{c.name}"></label><output class="edl-value">{html.escape(c.text(c.start))}</output></span>'
            for c in self.controls)
        first = frames[",".join(map(str, self.start()))]
        payload = json.dumps(data).replace("</", "<\\/")
        title = f"<strong>{html.escape(self.title)}</strong><br>" if self.title else ""
        return (f'{_STYLE}<div class="edl-explorer">{title}<div class="edl-controls">{sliders}</div>'
                f'<img class="edl-frame" src="{first}" alt="{html.escape(self.title or self.plot.__name__)}">'
                f'<script type="application/json" class="edl-frames">{payload}</script>'
                f"<script>{_SCRIPT}</script></div>")

    # --- the live view --------------------------------------------------------------------
    def widget(self):
        """An ipywidgets view: one selection slider per control above the figure."""
        import ipywidgets as widgets

        image = widgets.Image(value=self.render(self.start()), format="png")
        sliders = [
            widgets.SelectionSlider(options=[(c.text(i), i) for i in range(len(c.values))], value=c.start,
                                    description=c.label or c.name, continuous_update=True,
                                    style={"description_width": "initial"})
            for c in self.controls
        ]

        def redraw(_change=None):
            image.value = self.render(tuple(s.value for s in sliders))

        for s in sliders:
            s.observe(redraw, names="value")
        header = [widgets.HTML(f"<strong>{html.escape(self.title)}</strong>")] if self.title else []
        return widgets.VBox([*header, widgets.HBox(sliders, layout=widgets.Layout(flex_flow="row wrap")), image])

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/plain": repr(self), "text/html": self.to_html()}
        try:
            view = self.widget()._repr_mimebundle_()
        except Exception:  # no widget front end available: the HTML view alone still works
            view = None
        if view:
            bundle.update({k: v for k, v in view.items() if k != "text/plain"})
        return bundle

    def __repr__(self) -> str:
        grid = " x ".join(f"{c.name}[{len(c.values)}]" for c in self.controls)
        return f"Explorer({self.plot.__name__}: {grid})"
