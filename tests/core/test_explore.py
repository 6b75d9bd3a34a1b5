"""The explorer machinery, the book's figure style, and every explorer of the book measured as the HTML book shows it."""

import base64
import functools
import io
import json
import re

import numpy as np
import pytest
from matplotlib.figure import Figure
from PIL import Image

import edl
from edl.core import legibility, style
from edl.core.explore import MAX_FRAMES, MAX_HTML_BYTES, MIN_POSITIONS, Control, Explorer
from edl.core.parts import import_all


def plot_power(k, scale=1.0):
    fig = Figure(figsize=(2, 1.5))
    ax = fig.add_subplot()
    xs = [i / 10 for i in range(11)]
    ax.plot(xs, [scale * x**k for x in xs])
    return fig


@pytest.fixture
def explorer():
    return Explorer(plot_power, [Control("k", [1, 2, 3], label="power"), Control("scale", [0.5, 1.0], start=1)],
                    title="powers")


def test_every_position_renders_a_distinct_png(explorer):
    frames = explorer.frames()
    assert len(frames) == 6
    assert all(png.startswith(b"\x89PNG") for png in frames.values())
    assert len(set(frames.values())) == 6


def test_html_view_follows_the_dom_contract(explorer):
    page = explorer.to_html()
    assert page.count('type="range"') == 2 and 'class="edl-frame"' in page
    data = json.loads(re.search(r'<script type="application/json" class="edl-frames">(.*?)</script>', page).group(1))
    assert sorted(data["frames"]) == sorted(f"{i},{j}" for i in range(3) for j in range(2))
    assert data["controls"][1]["labels"] == ["0.5", "1"]
    start = re.search(r'<img class="edl-frame" src="([^"]+)"', page).group(1)
    assert start == data["frames"]["0,1"]
    assert base64.b64decode(start.split(",", 1)[1]) == explorer.render((0, 1))


def test_mime_bundle_carries_widget_and_html(explorer):
    bundle = explorer._repr_mimebundle_()
    assert "text/html" in bundle and "application/vnd.jupyter.widget-view+json" in bundle


def test_live_widget_redraws_on_slider_move(explorer):
    view = explorer.widget()
    sliders, image = view.children[1].children, view.children[2]
    before = image.value
    sliders[0].value = 2
    assert image.value != before and image.value == explorer.render((2, 1))


@pytest.mark.parametrize("bad, match", [
    (dict(controls=[]), "controls"),
    (dict(controls=[Control("k", [1]), Control("k", [2])]), "distinct"),
    (dict(controls=[Control("k", list(range(MAX_FRAMES + 1)))]), "frames"),
    (dict(plot=42, controls=[Control("k", [1])]), "plot must be callable"),
])
def test_bad_explorers(bad, match):
    args = dict(plot=plot_power) | bad
    with pytest.raises(ValueError, match=match):
        Explorer(args.pop("plot"), args.pop("controls"))


@pytest.mark.parametrize("kwargs, match", [
    (dict(name="not valid", values=[1]), "identifier"),
    (dict(name="k", values=[]), "empty"),
    (dict(name="k", values=[1, 2], start=2), "start"),
    (dict(name="k", values=[1, 2], labels=["a"]), "labels"),
])
def test_bad_controls(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Control(**kwargs)


def test_plot_must_return_a_figure():
    with pytest.raises(TypeError, match="Figure"):
        Explorer(lambda k: None, [Control("k", [1])]).render((0,))


# --- every explorer of the book -------------------------------------------------------------------

def _book_explorers() -> dict:
    found = {}
    for module in import_all("figures"):
        for name in sorted(dir(module)):
            if name.endswith("_explorer") and callable(getattr(module, name)):
                found[f"{module.__name__.removeprefix('edl.')}.{name}"] = getattr(module, name)
    return found


EXPLORERS = _book_explorers()
FRAME = re.compile(r'<img class="edl-frame" src="[^"]+" width="(\d+)" height="(\d+)"')


def test_every_part_shows_explorers():
    assert {name.split(".")[0] for name in EXPLORERS} == set(edl.PARTS)


@pytest.mark.parametrize("name", sorted(EXPLORERS))
def test_sliders_have_ten_positions_or_say_why_not(name):
    explorer = EXPLORERS[name]()
    assert not explorer.sparse_controls(), (
        f"{name}: sliders with fewer than {MIN_POSITIONS} positions and no why_few: "
        f"{[c.name for c in explorer.sparse_controls()]}")


def test_a_slider_of_three_positions_must_say_why():
    assert [c.name for c in Explorer(plot_power, [Control("k", [1, 2, 3])]).sparse_controls()] == ["k"]
    assert not Explorer(plot_power, [Control("k", [1, 2, 3], why_few="three powers")]).sparse_controls()


def test_style_fonts_are_nine_points_or_more_as_shown():
    """Every font size of the style, at the display width (CSS pt: px/96 inch), is at least 9 pt."""
    shown = style.WIDTH * style.DISPLAY_PX_PER_INCH
    assert shown >= style.MIN_DISPLAY_PX >= 720
    sizes = {k: v for k, v in style.RC.items() if k.startswith(("font.", "axes.title", "axes.label", "figure.title",
                                                                 "xtick.label", "ytick.label", "legend.")) and k.endswith("size")}
    assert len(sizes) >= 7
    for key, pt in sizes.items():
        assert style.display_pt(pt, style.WIDTH, shown) >= 9, key
        assert pt * shown / (style.WIDTH * 72) >= 9, key  # the same in px, 1/72 inch each
    assert style.display_pt(style.MIN_FONT_PT, style.WIDTH, shown) >= 9


def test_the_old_frames_fail_the_checks():
    """A 6.4-inch figure at 72 dpi with an 8-pt legend was shown 460 px wide with 6-pt text: inspect says so."""
    fig = Figure(figsize=(6.4, 3.4), dpi=72)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [0, 1, 4], label="curve")
    ax.set_ylim(0, 2)  # clips the last point, silently
    ax.legend(fontsize=8)
    assert round(style.display_pt(8, 6.4, 460), 1) == 6.0
    problems = " ".join(legibility.inspect(fig).problems)
    assert "under 720 px" in problems and "'curve' at" in problems and "beyond the axes" in problems


@functools.cache
def _built(name: str):
    """An explorer with every frame rendered and inspected, and its HTML view."""
    explorer = EXPLORERS[name]()
    problems = {}

    def inspect(position, fig):
        found = legibility.inspect(fig, drawn=True).problems
        if found:
            problems[position] = found

    explorer.frames(inspect=inspect)
    return explorer, explorer.to_html(), problems


class _PartExplorers:
    """Every frame of every explorer of one part (a class per part: test workers split them by class)."""

    part: str | None = None

    def test_html_view_stays_within_budget(self, name):
        _, page, _ = _built(name)
        assert len(page) <= MAX_HTML_BYTES, f"{name}: {len(page) / 1e6:.2f} MB"

    def test_frames_are_shown_720_px_wide_or_more_and_sharp(self, name):
        explorer, page, _ = _built(name)
        width, height = map(int, FRAME.search(page).groups())
        assert width >= 720 and (width, height) == explorer.display_size()
        for png in explorer.frames().values():
            with Image.open(io.BytesIO(png)) as image:
                assert image.format == "PNG" and image.width >= 1.5 * width
                assert abs(image.height / image.width - height / width) < 0.01

    def test_every_frame_is_readable(self, name):
        _, _, problems = _built(name)
        assert not problems, f"{name}: {problems}"

    def test_moving_any_slider_one_step_changes_the_frame(self, name):
        explorer, _, _ = _built(name)
        frames = explorer.frames()
        for position, png in frames.items():
            for j in range(len(position)):
                step = position[:j] + (position[j] + 1,) + position[j + 1:]
                if step in frames:
                    assert frames[step] != png, f"{name}: {position} -> {step} shows the same frame"


def pytest_generate_tests(metafunc):
    part = getattr(metafunc.cls, "part", None)
    if part is not None:
        metafunc.parametrize("name", sorted(n for n in EXPLORERS if n.split(".")[0] == part))


for _part in edl.PARTS:
    globals()[f"TestExplorers_{_part}"] = type(f"TestExplorers_{_part}", (_PartExplorers,), {"part": _part})


# --- the style's own checks can fail --------------------------------------------------------------

@style.styled
def _clipped_axes():
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2, 3, 4], [0, 5, 0, 5, 0], label="spikes")  # leaves the top twice, comes back twice
    ax.plot([0.5, 9.0], [1.0, 1.0], "o", label="points")  # one point beyond the right edge
    ax.bar([1, 3], [0.5, 7.0], label="bars")  # one bar beyond the top
    ax.set(xlim=(-0.5, 4.5), ylim=(0, 2))
    return fig, ax


def test_mark_clipped_marks_every_crossing_point_and_bar():
    fig, ax = _clipped_axes()
    assert style.mark_clipped(ax) == 4 + 1 + 1
    marks = [line for line in ax.lines if line.get_gid() == "edl-clip-mark"]
    assert sorted(line.get_marker() for line in marks) == [">", "^", "^", "^", "^", "^"]
    ax.legend()
    assert any("clipped" in t.get_text() for t in ax.get_legend().get_texts())
    assert not legibility.inspect(fig).clipping


def test_unmarked_clipping_and_a_hidden_key_are_reported():
    fig, ax = _clipped_axes()
    ax.legend(loc="upper left", bbox_to_anchor=(1, 1))
    assert legibility.inspect(fig).unmarked_clipping == 6
    fig, ax = _clipped_axes()
    style.mark_clipped(ax)  # marked, but no legend says so
    assert "without a legend entry" in " ".join(legibility.inspect(fig).clipping)


def test_a_zero_on_a_log_axis_is_marked_where_the_curve_drops():
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    ax.semilogy([1, 2, 3], [1.0, 0.1, 0.0])
    ax.set_ylim(1e-3, 10)
    assert style.mark_clipped(ax, legend=True) == 1
    (mark,) = [line for line in ax.lines if line.get_gid() == "edl-clip-mark"]
    assert mark.get_marker() == "v" and np.allclose(mark.get_xydata(), [[2.0, 1e-3]], rtol=1e-3)


def test_colour_without_a_colour_bar_and_a_legend_on_the_data_are_reported():
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    ax.imshow([[0.0, 1.0], [2.0, 3.0]])
    ax.plot([-0.5, 1.5], [-0.5, 1.5], label="diagonal")
    ax.legend(loc="center")
    problems = " ".join(legibility.inspect(fig).problems)
    assert "no colour bar" in problems and "legend covers" in problems


def test_colour_bars_show_clipped_values_as_extensions():
    fig = style.figure(3.0)
    ax = fig.add_subplot()
    image = ax.imshow([[0.0, 1.0], [2.0, 3.0]], vmin=0.5, vmax=2.5)
    assert style.colorbar(image, ax, "value").extend == "both"
    assert not legibility.inspect(fig).unexplained_colours


def test_book_figures_show_themselves_at_display_size_twice_as_sharp():
    fig = style.figure(3.0)
    fig.add_subplot().plot([0, 1], [1, 0])
    data, metadata = fig._repr_mimebundle_()
    assert metadata == {"image/png": {"width": 750}}
    with Image.open(io.BytesIO(base64.b64decode(data["image/png"]))) as image:
        assert image.size == (1500, 600)


def test_under_the_inline_backend_book_figures_leave_the_png_to_it(monkeypatch):
    """The inline backend's own PNG printer wins over a mime bundle: the figure then adds only its width."""
    monkeypatch.setattr(style, "_inline_png", lambda fig: True)
    fig = style.figure(3.0)
    assert fig._repr_mimebundle_() == ({}, {"image/png": {"width": 750}})
    assert fig.dpi == style.DPI  # what the backend renders it at
