"""`make bench`, reading: how fast each page of the built book opens in headless Chromium.

For every page of `_build/html` (served from 127.0.0.1, outside `_static`, `_sources`, `_images`,
`_modules`), the median over --runs fresh loads of

* the time to the load event;
* the time until the math is fully rendered: the load event when the math was typeset at build time,
  else until MathJax's startup promise resolves (a book built without `make book`);
* the time to first contentful paint, and whether raw TeX shows at that paint: whether the HTML as served
  holds math elements that are not typeset yet (the browser paints them as raw TeX until MathJax runs);

and the page weight (bytes transferred: the HTML and every resource it loads). The target on 2 cores is
every chapter page fully rendered within 1.5 s, with no raw TeX at first paint. Budgets are reported,
never asserted. Writes `_build/reading.json` (or --json).

    python benchmarks/reading.py [--runs 3] [--json _build/reading.json] [PAGE ...]

``EDL_HTML=<folder>`` measures another build (to compare two builds of the same pages).
"""

import argparse
import functools
import http.server
import json
import os
import shutil
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HTML = Path(os.environ.get("EDL_HTML", ROOT / "_build" / "html"))
SKIPPED = {"_static", "_sources", "_images", "_modules"}
TARGET_S = 1.5

_FIRST_PAINT = """() => {
    const paint = performance.getEntriesByType('paint').find((p) => p.name === 'first-contentful-paint');
    return paint ? paint.startTime / 1000 : null;
}"""
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature fixed by http.server
        pass


def _untypeset_math(url: str) -> bool:
    """Whether the page as served holds a math element without its typeset SVG."""
    source = (HTML / url.split("/", 3)[3].split("#")[0]).read_text(encoding="utf-8")
    return source.count('class="math') > source.count("<mjx-container")


def pages() -> list[str]:
    return [p.relative_to(HTML).as_posix() for p in sorted(HTML.rglob("*.html"))
            if p.relative_to(HTML).parts[0] not in SKIPPED and p.name not in ("search.html", "genindex.html")
            and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")]  # a redirect is no page


def measure(browser, url: str) -> dict:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sizes = []
    page.on("requestfinished", lambda req: sizes.append(req.sizes()["responseBodySize"]))
    start = time.perf_counter()
    page.goto(url, wait_until="load")
    loaded = time.perf_counter() - start
    page.wait_for_load_state("load")  # a page that navigates once (to its own anchor, say) settles first
    typeset_in_browser = page.evaluate("() => !!(window.MathJax && MathJax.startup)")
    rendered = loaded
    if typeset_in_browser:
        page.evaluate("async () => { await MathJax.startup.promise; }")
        rendered = time.perf_counter() - start
    first_paint = page.evaluate(_FIRST_PAINT)
    raw_tex = _untypeset_math(url)
    page.close()
    return {"load_s": loaded, "math_rendered_s": rendered, "first_paint_s": first_paint, "raw_tex_at_first_paint":
            raw_tex, "typeset_in_browser": typeset_in_browser, "bytes": sum(sizes)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="*")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "reading.json")
    args = parser.parse_args(argv)
    if not (HTML / "index.html").exists():
        sys.exit("the book is not built: run `make book` first")
    from playwright.sync_api import sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(HTML)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    results = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            for path in args.pages or pages():
                try:
                    runs = [measure(browser, base + path) for _ in range(args.runs)]
                except Exception as err:  # noqa: BLE001 - reported in the table, the other pages still measured
                    print(f"{path}: not measured ({type(err).__name__}: {str(err).splitlines()[0]})")
                    continue
                med = {k: statistics.median(r[k] for r in runs) for k in ("load_s", "math_rendered_s", "bytes")}
                paints = [r["first_paint_s"] for r in runs if r["first_paint_s"] is not None]
                results[path] = {**{k: round(v, 3) for k, v in med.items()},
                                 "first_paint_s": round(statistics.median(paints), 3) if paints else None,
                                 "raw_tex_at_first_paint": any(r["raw_tex_at_first_paint"] for r in runs),
                                 "typeset_in_browser": any(r["typeset_in_browser"] for r in runs),
                                 "within_target": med["math_rendered_s"] <= TARGET_S}
            browser.close()
    finally:
        httpd.shutdown()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps({"target_s": TARGET_S, "runs": args.runs, "pages": results}, indent=1))
    width = max(map(len, results), default=10) + 2
    print(f"{'page':<{width}}{'load s':>8}{'math s':>8}{'paint s':>9}{'MB':>7}  raw TeX at paint")
    for path, r in results.items():
        paint = f"{r['first_paint_s']:.2f}" if r["first_paint_s"] is not None else "-"
        print(f"{path:<{width}}{r['load_s']:>8.2f}{r['math_rendered_s']:>8.2f}{paint:>9}{r['bytes'] / 1e6:>7.2f}  "
              f"{'yes' if r['raw_tex_at_first_paint'] else 'no'}" + ("" if r["within_target"] else "   over target"))
    over = [p for p, r in results.items() if not r["within_target"]]
    print(f"{len(results) - len(over)} of {len(results)} pages fully rendered within {TARGET_S} s (median of {args.runs})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
