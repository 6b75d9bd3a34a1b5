"""Explorers: one pure ``plot_*`` function, shown live in JupyterLab and still interactive in the HTML book.

An :class:`Explorer` renders its plot function on a grid of control values. With a kernel
(JupyterLab) it displays an ipywidgets view whose sliders redraw the figure; without one (the built
HTML book) the same output carries a ``text/html`` view in which a slider switches between the
precomputed frames. Both views come from one mime bundle; the book's builder prefers ``text/html``.

Frames follow the book's figure style (:mod:`edl.core.style`): shown :data:`~edl.core.style.WIDTH`
inches x 100 CSS px wide (750 px), rendered at twice that and stored as palette PNGs, so that the
page carrying every frame of an explorer stays within :data:`MAX_HTML_BYTES`. A slider has at least
:data:`MIN_POSITIONS` positions unless its :class:`Control` says why not (``why_few``), and a
frame without any finite data is an error, not a blank picture.

Frames are rendered one after the other. On the book's 2-core machine a thread pool gained nothing
(7.2 s against 6.8 s for the 40 frames of the optimizer race: drawing holds the GIL). A forked process
pool halved the time of one explorer alone, but the build already runs two notebooks at once on the
two cores, and a forked worker inherits matplotlib's FreeType fonts: one failed in ``FT_Load_Glyph``
and left its pool hanging.

>>> from edl.core import style
>>> @style.styled
... def plot_line(slope):
...     fig = style.figure(2.0)
...     fig.add_subplot().plot([0, 1], [0, slope])
...     return fig
>>> ex = Explorer(plot_line, [Control("slope", [1, 2, 3], why_few="a doctest")])
>>> len(ex.frames()), ex.frames()[(0,)][:8] == b"\\x89PNG\\r\\n\\x1a\\n", ex.display_size()
(3, True, (750, 200))
"""

import base64
import html
import itertools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from matplotlib.figure import Figure

from edl.core import style

MAX_HTML_BYTES = 3_000_000  # the whole text/html view of one explorer, every frame included
MAX_FRAMES = 200
MIN_POSITIONS = 10  # per slider, unless its Control says why fewer (why_few)

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
    "<style>.edl-explorer{border:1px solid #ddd;border-radius:6px;padding:8px;margin:8px 0;overflow-x:auto}"
    ".edl-controls label{margin-right:6px}.edl-controls .edl-control{display:inline-block;margin:0 18px 6px 0}"
    ".edl-controls input[type=range]{vertical-align:middle;width:12em}"
    f".edl-explorer img.edl-frame{{display:block;max-width:100%;min-width:{style.MIN_DISPLAY_PX}px;height:auto}}</style>"
)


@dataclass(frozen=True)
class Control:
    """A slider over ``values``, passed to the plot function as keyword argument ``name``.

    ``why_few`` says why the slider has fewer than :data:`MIN_POSITIONS` positions (a handful of
    categories, or frames too expensive for more); the tests ask for it.
    """

    name: str
    values: Sequence
    label: str | None = None
    start: int = 0
    labels: Sequence[str] = field(default=())
    why_few: str = ""

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


def figure_png(fig: Figure, colors: int | None = 64) -> bytes:
    """Render a matplotlib figure to PNG bytes in the book's style (no pyplot state involved)."""
    return style.png(fig, colors)


class Explorer:
    """Make ``plot(**fixed, **{control: value})`` explorable over a grid of control values.

    ``plot`` must return a matplotlib ``Figure``. ``fixed`` holds keyword arguments that do not
    change. Every grid point is rendered once and cached, so the live view answers from the cache
    after the first visit and the HTML view holds every frame. ``colors`` is the size of the frames'
    PNG palette (``None``: full colour, for pictures with many colours).
    """

    def __init__(self, plot: Callable[..., Figure], controls: Sequence[Control], *, fixed: dict | None = None,
                 colors: int | None = 64, title: str = ""):
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
        self.colors, self.title = colors, title
        self._cache: dict[tuple[int, ...], bytes] = {}
        self._display: tuple[int, int] | None = None

    def kwargs(self, position: tuple[int, ...]) -> dict:
        """The plot function's keyword arguments at a grid position (one index per control)."""
        return {**self.fixed, **{c.name: c.values[i] for c, i in zip(self.controls, position)}}

    def render(self, position: tuple[int, ...], inspect: Callable | None = None) -> bytes:
        """PNG of the frame at ``position``, cached; ``inspect(position, figure)`` is called on a new frame."""
        if position not in self._cache:
            fig = self.plot(**self.kwargs(position))
            if not isinstance(fig, Figure):
                raise TypeError(f"plot must return a matplotlib Figure, got {type(fig).__name__}")
            png = figure_png(fig, self.colors)
            if not style.has_finite_data(fig):
                raise ValueError(f"{self.plot.__name__}{self.kwargs(position)} draws no finite data")
            size = style.display_size(fig)
            if self._display not in (None, size):
                raise ValueError(f"frames must share one size: {size} at {position}, {self._display} before")
            self._display = size
            if inspect is not None:
                inspect(position, fig)
            self._cache[position] = png
        return self._cache[position]

    def display_size(self) -> tuple[int, int]:
        """Width and height (CSS px) at which the frames are shown."""
        if self._display is None:
            self.render(self.start())
        return self._display

    def positions(self) -> list[tuple[int, ...]]:
        return list(itertools.product(*(range(len(c.values)) for c in self.controls)))

    def frames(self, inspect: Callable | None = None) -> dict[tuple[int, ...], bytes]:
        """Every frame of the grid, rendered (this is what the HTML book carries)."""
        return {p: self.render(p, inspect) for p in self.positions()}

    def start(self) -> tuple[int, ...]:
        return tuple(c.start for c in self.controls)

    # --- the kernel-free view -------------------------------------------------------------
    def to_html(self) -> str:
        frames = {",".join(map(str, p)): "data:image/png;base64," + base64.b64encode(png).decode()
                  for p, png in self.frames().items()}
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
        width, height = self.display_size()
        page = (f'{_STYLE}<div class="edl-explorer">{title}<div class="edl-controls">{sliders}</div>'
                f'<img class="edl-frame" src="{first}" width="{width}" height="{height}" style="width:{width}px" '
                f'alt="{html.escape(self.title or self.plot.__name__)}">'
                f'<script type="application/json" class="edl-frames">{payload}</script>'
                f"<script>{_SCRIPT}</script></div>")
        if len(page) > MAX_HTML_BYTES:
            raise ValueError(f"the HTML view takes {len(page) / 1e6:.1f} MB, over the {MAX_HTML_BYTES / 1e6:.0f} MB "
                             "budget; use fewer control values or a smaller palette")
        return page

    # --- the live view --------------------------------------------------------------------
    def widget(self):
        """An ipywidgets view: one selection slider per control above the figure."""
        import ipywidgets as widgets

        width, _ = self.display_size()
        image = widgets.Image(value=self.render(self.start()), format="png", width=str(width))
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

    def sparse_controls(self) -> list[Control]:
        """Controls with fewer than :data:`MIN_POSITIONS` positions that do not say why (``why_few``)."""
        return [c for c in self.controls if len(c.values) < MIN_POSITIONS and not c.why_few.strip()]

    def __repr__(self) -> str:
        grid = " x ".join(f"{c.name}[{len(c.values)}]" for c in self.controls)
        return f"Explorer({self.plot.__name__}: {grid})"
