"""Browser tests of the built HTML book (`make book` first; run with `pytest tests -m book -p no:xdist`).

Every page of `_build/html` is served from 127.0.0.1 and opened in headless Chromium
(Debian's `chromium`, driven by Playwright's Python API). For every page we check that

* it logs no console errors and throws no page errors;
* it requests nothing outside 127.0.0.1 (the book must read offline);
* every math element was typeset when the book was built (MathJax in Node, `tools/typeset_math.mjs`):
  the page's HTML holds its SVG, no MathJax script runs in the page, and no raw TeX is left in the
  visible text;
* every link to a page of the book resolves, fragment included, and every verdict links to the source
  of its check;
* every explorer (`div.edl-explorer`) answers its sliders: each position shows a frame, and
  moving a slider changes the frame.

Full-page screenshots go to `_build/screenshots/<page path with / replaced by __>.png`, explorer
screenshots next to them as `<page>--explorer-<n>.png`.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.book

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
SHOTS = ROOT / "_build" / "screenshots"
SKIPPED_PAGES = {"search.html", "genindex.html"}
# _modules holds viewcode's source listings: not visited, but every link into them is checked.
SKIPPED_DIRS = {"_static", "_sources", "_images", "_modules"}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Raw TeX that must never be visible once MathJax has run (code listings are exempt).
RAW_TEX = re.compile(
    r"\\(?:frac|tfrac|dfrac|mathrm|mathbf|mathbb|mathcal|operatorname|sum|prod|int|sqrt|"
    r"left|right|begin|end|cdot|times|alpha|beta|gamma|delta|epsilon|sigma|theta|lambda|mu|"
    r"partial|nabla|infty|log|exp|hat|bar|tilde|leq|geq|approx|text)\b"
    r"|\\\(|\\\)|\\\[|\\\]|\$\$"
)
RAW_DELIMITERS = re.compile(r"\\\(|\\\)|\\\[|\\\]|\$\$")


def _pages() -> list[str]:
    if not (HTML / "index.html").exists():
        return []
    pages = []
    for path in sorted(HTML.rglob("*.html")):
        rel = path.relative_to(HTML)
        if rel.parts[0] in SKIPPED_DIRS or rel.as_posix() in SKIPPED_PAGES:
            continue
        pages.append(rel.as_posix())
    return pages


PAGES = _pages()
NOT_BUILT = "book-not-built"


def _shot_name(page: str) -> str:
    return page.removesuffix(".html").replace("/", "__")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


@pytest.fixture(scope="module")
def server():
    if not (HTML / "index.html").exists():
        pytest.skip("the HTML book is not built (_build/html/index.html is missing): run `make book` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser(server):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("no `chromium` executable on PATH (on Debian: apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
    shutil.rmtree(SHOTS, ignore_errors=True)  # screenshots of this run only
    SHOTS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="edl-chromium-") as user_data, sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            user_data,
            executable_path=chromium,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
            service_workers="block",
        )
        try:
            yield context
        finally:
            context.close()


@dataclass
class Visit:
    path: str
    url: str
    page: object
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(scope="module", params=PAGES or [NOT_BUILT])
def visit(request, server, browser):
    """Open one page once; the tests below all inspect that one visit."""
    path = request.param
    if path == NOT_BUILT:
        pytest.skip("the HTML book is not built: run `make book` first")
    page = browser.new_page()
    page.set_default_timeout(15_000)
    v = Visit(path=path, url=urljoin(server, path), page=page)
    page.on(
        "console",
        lambda msg: v.console_errors.append(f"{msg.text} ({msg.location.get('url', '')})")
        if msg.type == "error"
        else None,
    )
    page.on("pageerror", lambda exc: v.page_errors.append(str(exc)))
    page.on("request", lambda req: v.requests.append(req.url))

    # Never let a request leave the machine, even if a test is about to fail because of it.
    def _guard(route):
        if route.request.url.startswith(server):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", _guard)
    page.goto(v.url, wait_until="load")
    refresh = re.search(
        r'http-equiv="refresh"\s+content="\d+;\s*url=([^"]+)"', (HTML / path).read_text(encoding="utf-8"), re.I
    )
    if refresh:  # e.g. the root index.html redirecting to the first chapter
        page.wait_for_url(urljoin(v.url, refresh.group(1)))
        page.wait_for_load_state("load")
    page.evaluate(
        """async () => {
            if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
                await MathJax.startup.promise;
            }
            if (document.fonts) { await document.fonts.ready; }
        }"""
    )
    page.screenshot(path=str(SHOTS / f"{_shot_name(path)}.png"), full_page=True)
    yield v
    page.close()


def test_no_console_or_page_errors(visit):
    assert not visit.page_errors, f"{visit.path}: uncaught page errors: {visit.page_errors}"
    assert not visit.console_errors, f"{visit.path}: console errors: {visit.console_errors}"


def test_no_request_leaves_localhost(visit, server):
    outside = [u for u in visit.requests if not (u.startswith(server) or u.startswith(("data:", "blob:")))]
    assert not outside, f"{visit.path}: requests outside 127.0.0.1: {outside}"


def test_math_is_rendered(visit):
    report = visit.page.evaluate(
        """() => {
            const els = Array.from(document.querySelectorAll('.math, span.math, div.math'));
            const raw = (el) => {
                const copy = el.cloneNode(true);
                copy.querySelectorAll('mjx-container').forEach((c) => c.remove());
                return copy.textContent;
            };
            const skip = 'pre, code, script, style, textarea, mjx-container';
            const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
            const texts = [];
            for (let n = walker.nextNode(); n; n = walker.nextNode()) {
                const parent = n.parentElement;
                if (!parent || parent.closest(skip)) continue;
                if (!parent.checkVisibility || parent.checkVisibility()) texts.push(n.textContent);
            }
            return {
                hasMathJax: !!(window.MathJax && MathJax.startup),
                elements: els.map((el) => ({
                    html: el.outerHTML.slice(0, 200),
                    rendered: !!el.querySelector('mjx-container'),
                    leftover: raw(el),
                })),
                visibleText: texts.join(' '),
            };
        }"""
    )
    elements = report["elements"]
    # Math is typeset when the book is built (tools/typeset_math.mjs): no script typesets it at load time.
    assert not report["hasMathJax"], f"{visit.path}: MathJax is loaded to typeset math in the browser"
    source = (HTML / visit.path).read_text(encoding="utf-8")
    assert source.count("<mjx-container") >= len(elements), f"{visit.path}: math not typeset in the page's HTML"
    unrendered = [e["html"] for e in elements if not e["rendered"]]
    assert not unrendered, f"{visit.path}: math elements without an mjx-container: {unrendered}"
    raw = [e["html"] for e in elements if RAW_DELIMITERS.search(e["leftover"])]
    assert not raw, f"{visit.path}: math elements still holding raw TeX delimiters: {raw}"
    leaks = sorted({m.group(0) for m in RAW_TEX.finditer(report["visibleText"])})
    assert not leaks, f"{visit.path}: raw TeX in the visible text: {leaks}"


def test_explorers_respond(visit):
    page = visit.page
    explorers = page.query_selector_all("div.edl-explorer")
    for n, explorer in enumerate(explorers):
        where = f"{visit.path}, explorer {n}"
        inputs = explorer.query_selector_all("input[type=range]")
        assert inputs, f"{where}: no input[type=range]"
        imgs = explorer.query_selector_all("img.edl-frame")
        assert len(imgs) == 1, f"{where}: expected one img.edl-frame, found {len(imgs)}"
        img = imgs[0]
        assert explorer.is_visible(), f"{where}: the explorer is not visible"
        explorer.evaluate("el => el.scrollIntoView({block: 'center'})")
        for k, slider in enumerate(inputs):
            name = slider.get_attribute("data-name") or str(k)
            lo, hi = int(slider.get_attribute("min") or 0), int(slider.get_attribute("max") or 100)
            step = int(slider.get_attribute("step") or 1)
            start = slider.evaluate("el => el.value")
            assert hi > lo, f"{where}, control {name!r}: a slider needs at least two positions ({lo}..{hi})"
            previous_src, previous_pos = img.get_attribute("src"), int(start)
            for pos in range(lo, hi + 1, step):
                slider.evaluate(
                    "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input', {bubbles: true})); }",
                    pos,
                )
                src = img.get_attribute("src")
                assert src, f"{where}, control {name!r} = {pos}: the frame's src is empty"
                ok = img.evaluate(
                    "async (im) => { try { await im.decode(); } catch (e) {} return im.complete && im.naturalWidth > 0; }"
                )
                assert ok, f"{where}, control {name!r} = {pos}: the frame does not decode to an image"
                if pos != previous_pos:
                    assert src != previous_src, (
                        f"{where}, control {name!r}: moving {previous_pos} -> {pos} did not change the frame"
                    )
                previous_src, previous_pos = src, pos
            explorer.screenshot(path=str(SHOTS / f"{_shot_name(visit.path)}--explorer-{n}-{name}.png"))
            slider.evaluate(
                "(el, v) => { el.value = v; el.dispatchEvent(new Event('input', {bubbles: true})); }", start
            )
    assert not visit.page_errors, f"{visit.path}: page errors after moving the explorers: {visit.page_errors}"
    assert not visit.console_errors, f"{visit.path}: console errors after moving the explorers: {visit.console_errors}"


def test_verdicts_show_one_closed_line_that_opens(visit):
    page = visit.page
    verdicts = page.query_selector_all("details.edl-verdict")
    for n, verdict in enumerate(verdicts):
        where = f"{visit.path}, verdict {n}"
        assert verdict.get_attribute("open") is None, f"{where}: open by default"
        summary = verdict.query_selector("summary")
        assert summary.is_visible() and summary.bounding_box()["height"] < 60, f"{where}: not one compact line"
        items = verdict.query_selector_all("li")
        assert items and not items[0].is_visible(), f"{where}: sub-checks visible before opening"
        if n == 0:
            verdict.evaluate("el => el.scrollIntoView({block: 'center'})")
            page.screenshot(path=str(SHOTS / f"{_shot_name(visit.path)}--verdict-closed.png"))
            summary.click()
            assert items[0].is_visible(), f"{where}: the sub-checks do not show when opened"
            page.screenshot(path=str(SHOTS / f"{_shot_name(visit.path)}--verdict-open.png"))
            summary.click()
    code = page.query_selector_all("div.cell div.cell_input")
    assert not any("ledger.verify(" in c.inner_text() or "ledger.demonstrate(" in c.inner_text() for c in code), \
        f"{visit.path}: a verdict cell shows its code"


def test_exercise_solutions_start_hidden(visit):
    page = visit.page
    solutions = [c for c in page.query_selector_all("div.cell.tag_solution, div.cell.tag_debug")]
    for n, cell in enumerate(solutions):
        where = f"{visit.path}, solution {n}"
        source = cell.query_selector("div.cell_input")
        assert source is None or not source.is_visible(), f"{where}: the solution is in plain view"
        if n == 0:
            cell.evaluate("el => el.scrollIntoView({block: 'center'})")
            page.screenshot(path=str(SHOTS / f"{_shot_name(visit.path)}--solution-closed.png"))
            toggle = cell.query_selector("summary, button.toggle-button, .toggle-button")
            assert toggle is not None, f"{where}: no toggle to reveal the solution"
            toggle.click()
            page.wait_for_timeout(300)
            assert cell.query_selector("div.cell_input").is_visible(), f"{where}: the toggle does not reveal it"
            page.screenshot(path=str(SHOTS / f"{_shot_name(visit.path)}--solution-open.png"))


def test_local_links_resolve(visit):
    """Every link to a page of the book reaches a file that exists, and its #fragment an element of that page."""
    links = visit.page.evaluate("() => Array.from(document.querySelectorAll('a[href]'), (a) => a.href)")
    root = urljoin(visit.url, "/")
    broken = []
    for href in sorted(set(links)):
        if not href.startswith(root):
            continue  # outside links are never followed (and never loaded: see test_no_request_leaves_localhost)
        target, _, fragment = href.partition("#")
        rel = target[len(root):] or "index.html"
        path = HTML / rel
        if path.is_dir():
            path = path / "index.html"
        if not path.exists():
            broken.append(f"{href} (no file {rel})")
        elif fragment and path.suffix == ".html" and f'id="{fragment}"' not in path.read_text(encoding="utf-8"):
            broken.append(f"{href} (no element #{fragment} in {rel})")
    assert not broken, f"{visit.path}: broken links: {broken[:20]}"


def test_every_verdict_links_to_the_code_of_its_check(visit):
    verdicts = visit.page.evaluate(
        """() => Array.from(document.querySelectorAll('details.edl-verdict'), (d) => {
            const a = d.querySelector('li.edl-check-code a');
            return {head: d.querySelector('summary code')?.textContent, href: a ? a.href : null};
        })"""
    )
    unlinked = [v["head"] for v in verdicts if not v["href"] or "/_modules/edl/" not in v["href"]]
    assert not unlinked, f"{visit.path}: verdicts without a link to their check's code: {unlinked}"
