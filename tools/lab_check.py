"""Every explorer of the book, live in a real JupyterLab: its widget view shows, and a slider move redraws it.

    python tools/lab_check.py [--json _build/lab_check.json] [--shots _build/lab_shots] [PART ...]

Starts JupyterLab (headless, localhost, a random token) on a temporary folder holding one notebook that
builds every explorer of the chosen parts (default: all), opens it in headless Chromium through
Playwright, runs all cells, and then, for each explorer's live view, moves its first slider one step
with the keyboard and waits for the figure to change. It reports, per explorer, whether the widget
rendered and redrew and how long the redraw took (first slider step, seen in the browser), and keeps a
screenshot of each. A report like ``make bench``: run by hand or by ``make lab-check``, not in ``make test``.
"""

import argparse
import importlib
import inspect
import json
import os
import pkgutil
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "lib"))

import edl  # noqa: E402


def explorers(parts) -> list[str]:
    """Dotted names of the functions that build an explorer with no argument, in book order."""
    found = []
    for part in parts:
        try:
            package = importlib.import_module(f"edl.{part}.figures")
        except ModuleNotFoundError:
            continue
        modules = [package] + [importlib.import_module(f"{package.__name__}.{i.name}")
                               for i in pkgutil.iter_modules(getattr(package, "__path__", []))]
        for module in modules:
            for name, fn in vars(module).items():
                if (name.endswith("explorer") and inspect.isfunction(fn) and fn.__module__ == module.__name__
                        and not any(p.default is p.empty for p in inspect.signature(fn).parameters.values())):
                    found.append(f"{module.__name__}.{name}")
    return found


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _notebook(names: list[str]) -> nbformat.NotebookNode:
    cells = [nbformat.v4.new_code_cell("import torch\ntorch.set_num_threads(1)")]
    for name in names:
        module, _, fn = name.rpartition(".")
        cells.append(nbformat.v4.new_code_cell(f"from {module} import {fn}\n{fn}()"))
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                           "language": "python"}})


def _wait_for_server(port: int, seconds: float = 120) -> None:
    end = time.time() + seconds
    while time.time() < end:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise RuntimeError(f"JupyterLab did not listen on port {port} within {seconds} s")


def check(names: list[str], shots: Path) -> list[dict]:
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    port, token = _free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="edl-lab-") as folder:
        nbformat.write(_notebook(names), Path(folder) / "explorers.ipynb")
        env = dict(os.environ, PYTHONPATH=str(ROOT / "lib"), JUPYTER_CONFIG_DIR=str(Path(folder) / ".config"))
        lab = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
             "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False", "--ServerApp.allow_root=True"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_for_server(port)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                             args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.set_default_timeout(180_000)
                page.goto(f"http://127.0.0.1:{port}/lab/tree/explorers.ipynb?token={token}")
                page.wait_for_function("() => window.jupyterapp && document.querySelector('.jp-Notebook')")
                page.wait_for_function("() => document.querySelector('.jp-Notebook-ExecutionIndicator')"
                                       " || document.querySelector('.jp-KernelStatus') || true")
                page.add_style_tag(content=".Toastify { display: none !important; }")  # the news pop-up
                time.sleep(3)  # the kernel connects
                page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
                n = len(names)
                page.wait_for_function(f"() => document.querySelectorAll('.jp-OutputArea .widget-vbox').length >= {n}"
                                       " || document.querySelectorAll('.jp-OutputArea-output[data-mime-type="
                                       "\"application/vnd.jupyter.stderr\"]').length > 0", timeout=600_000)
                return [_move(page, k, name, shots) for k, name in enumerate(names)]
        finally:
            lab.terminate()
            try:
                lab.wait(timeout=20)
            except subprocess.TimeoutExpired:
                lab.kill()


def _move(page, k: int, name: str, shots: Path) -> dict:
    views = page.query_selector_all(".jp-OutputArea .widget-vbox")
    if k >= len(views):
        return {"explorer": name, "rendered": False, "redrew": False, "detail": "no widget view"}
    view = views[k]
    view.scroll_into_view_if_needed()
    image = view.query_selector("img")
    before = image.get_attribute("src") if image else None
    handle = view.query_selector(".noUi-handle, .ui-slider-handle, [role=slider]")
    if handle is None or before is None:
        return {"explorer": name, "rendered": image is not None, "redrew": False, "detail": "no slider or image"}
    handle.focus()
    start = time.perf_counter()
    page.keyboard.press("ArrowRight")
    try:
        page.wait_for_function("([img, src]) => img.getAttribute('src') !== src", arg=[image, before], timeout=30_000)
        redrew, detail = True, ""
    except Exception as err:  # noqa: BLE001 - reported, not raised
        redrew, detail = False, f"no redraw: {type(err).__name__}"
    ms = (time.perf_counter() - start) * 1000
    view.screenshot(path=str(shots / f"{k:02d}_{name.rsplit('.', 1)[1]}.png"))
    return {"explorer": name, "rendered": True, "redrew": redrew, "redraw_ms": round(ms), "detail": detail}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("parts", nargs="*", default=list(edl.PARTS))
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "lab_check.json")
    parser.add_argument("--shots", type=Path, default=ROOT / "_build" / "lab_shots")
    args = parser.parse_args(argv)
    names = explorers(args.parts)
    results = check(names, args.shots)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    for r in results:
        mark = "\u2713" if r["rendered"] and r["redrew"] else "\u2717"
        print(f"{mark} {r['explorer']}  {r.get('redraw_ms', '-')} ms {r['detail']}")
    ok = sum(r["rendered"] and r["redrew"] for r in results)
    print(f"{ok} of {len(results)} explorers render and redraw live in JupyterLab")
    return 0 if ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
