"""`make bench`: whole-process notebook timings and explorer update latencies, against their budgets.

Notebook time is measured as a whole process (`jupyter nbconvert --execute`), median of --runs runs,
beside a reference notebook that only starts a kernel and imports the library, measured in the same
run, so the table separates the chapter's own work from fixed start-up cost. Explorer latency is
measured per update: a slider move answered from the frame cache (what a reader of a built page or a
warm widget sees) and a cold render of every frame (what the first visit to a position costs).
Budgets (60 s per notebook on 2 cores, 100 ms per live update) are reported, never asserted.
"""

import argparse
import importlib
import json
import os
import pkgutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_BUDGET_S, UPDATE_BUDGET_MS = 60.0, 100.0


def time_notebook(path: Path, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as out:
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "jupyter", "nbconvert", "--to", "notebook", "--execute",
                            "--output-dir", out, str(path)], check=True, capture_output=True, cwd=path.parent)
            times.append(time.perf_counter() - start)
    return times


def reference_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import edl.ledger, edl.explore, torch, matplotlib")]
    path = folder / "reference_startup.ipynb"
    nbformat.write(nb, path)
    return path


def explorers():
    """Every explorer the book shows: the ``*_explorer`` factories of the modules in :mod:`edl.plots`."""
    import edl.plots

    for info in pkgutil.iter_modules(edl.plots.__path__):
        module = importlib.import_module(f"edl.plots.{info.name}")
        for name in sorted(dir(module)):
            if name.endswith("_explorer") and callable(getattr(module, name)):
                yield f"{info.name}.{name}", getattr(module, name)


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q / 100 * (len(xs) - 1))))]


def time_explorer(factory) -> dict:
    explorer = factory()
    cold = []
    for position in explorer.positions():
        start = time.perf_counter()
        explorer.render(position)
        cold.append(1e3 * (time.perf_counter() - start))
    view = explorer.widget()
    sliders = [w for box in view.children if hasattr(box, "children") for w in box.children
               if hasattr(w, "options")]
    warm = []
    for _ in range(3):
        for slider in sliders:
            for i in range(len(slider.options)):
                start = time.perf_counter()
                slider.value = i
                warm.append(1e3 * (time.perf_counter() - start))
    return {"frames": len(cold), "cold_p50_ms": percentile(cold, 50), "cold_p95_ms": percentile(cold, 95),
            "update_p50_ms": percentile(warm, 50), "update_p95_ms": percentile(warm, 95),
            "html_bytes": len(explorer.to_html())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "bench.json")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("MPLBACKEND", "Agg")
    results = {"cpu_count": os.cpu_count(), "runs": args.runs, "notebooks": {}, "explorers": {}}

    with tempfile.TemporaryDirectory() as tmp:
        ref = statistics.median(time_notebook(reference_notebook(Path(tmp)), args.runs))
    results["reference_startup_s"] = ref
    print(f"{'notebook':40s} {'median s':>9s} {'minus start-up':>15s} {'budget':>7s}")
    print(f"{'(reference: kernel + imports)':40s} {ref:9.1f}")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        median = statistics.median(time_notebook(path, args.runs))
        results["notebooks"][path.stem] = {"median_s": median, "over_reference": median / ref}
        flag = "ok" if median <= NOTEBOOK_BUDGET_S else "OVER"
        print(f"{path.stem:40s} {median:9.1f} {median - ref:15.1f} {flag:>7s}")

    print(f"\n{'explorer':48s} {'frames':>6s} {'update p50/p95 ms':>18s} {'cold p50/p95 ms':>16s} {'HTML MB':>8s}")
    for name, factory in explorers():
        r = time_explorer(factory)
        results["explorers"][name] = r
        flag = "" if r["update_p95_ms"] <= UPDATE_BUDGET_MS and r["cold_p95_ms"] <= UPDATE_BUDGET_MS else "  (over 100 ms)"
        print(f"{name:48s} {r['frames']:6d} {r['update_p50_ms']:8.2f}/{r['update_p95_ms']:<8.2f} "
              f"{r['cold_p50_ms']:7.1f}/{r['cold_p95_ms']:<7.1f} {r['html_bytes'] / 1e6:8.2f}{flag}")

    from edl.ledger import report
    start = time.perf_counter()
    ledger = report.run_all()
    results["ledger_s"] = time.perf_counter() - start
    print(f"\nledger: {len(ledger['formulas'])} checks + errata in {results['ledger_s']:.2f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    print(f"-> {args.json}")


if __name__ == "__main__":
    main()
