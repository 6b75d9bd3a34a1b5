import base64
import json
import re

import pytest
from matplotlib.figure import Figure

from edl.core.explore import MAX_FRAMES, Control, Explorer


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
