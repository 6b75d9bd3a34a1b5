"""`make bench`: whole-process notebook timings and explorer update latencies, against their budgets.

Notebook time is measured as a whole process (`jupyter nbconvert --execute`), median of --runs runs,
beside a reference notebook that only starts a kernel and imports the library, measured in the same
run, so the table separates the chapter's own work from fixed start-up cost. Explorer latency is
measured per update: a slider move answered from the frame cache (what a reader of a built page or a
warm widget sees) and a cold render of every frame (what the first visit to a position costs).
Budgets (60 s per notebook on 2 cores, 100 ms per live update) are reported, never asserted.

Comparisons: each ``benchmarks/compare_<topic>.py`` exposes ``cases()``, a mapping from a case name to
(library, reference), two zero-argument callables doing the same workload on the same data. Each is
run in its own process (median of --runs); the table shows the whole-process time, the time of the
call itself, the ratio reference/library of the call times, and the largest difference between the
two results, so a fast but wrong implementation shows up in the same row.
"""

import argparse
import importlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import numpy as np

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
    nb.cells = [nbformat.v4.new_code_cell("import edl.core.ledger, edl.core.explore, torch, matplotlib")]
    path = folder / "reference_startup.ipynb"
    nbformat.write(nb, path)
    return path


def explorers():
    """Every explorer the book shows: the ``*_explorer`` factories in the ``figures`` of every part."""
    from edl.core.parts import import_all

    for module in import_all("figures"):
        for name in sorted(dir(module)):
            if name.endswith("_explorer") and callable(getattr(module, name)):
                yield f"{module.__name__.removeprefix('edl.')}.{name}", getattr(module, name)


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


def time_notebooks(runs: int, results: dict) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ref = statistics.median(time_notebook(reference_notebook(Path(tmp)), runs))
    results["reference_startup_s"] = ref
    print(f"{'notebook':40s} {'median s':>9s} {'minus start-up':>15s} {'budget':>7s}")
    print(f"{'(reference: kernel + imports)':40s} {ref:9.1f}")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        median = statistics.median(time_notebook(path, runs))
        results["notebooks"][path.stem] = {"median_s": median, "over_reference": median / ref}
        flag = "ok" if median <= NOTEBOOK_BUDGET_S else "OVER"
        print(f"{path.stem:40s} {median:9.1f} {median - ref:15.1f} {flag:>7s}")


def time_explorers(results: dict) -> None:
    print(f"\n{'explorer':48s} {'frames':>6s} {'update p50/p95 ms':>18s} {'cold p50/p95 ms':>16s} {'HTML MB':>8s}")
    for name, factory in explorers():
        r = time_explorer(factory)
        results["explorers"][name] = r
        flag = "" if r["update_p95_ms"] <= UPDATE_BUDGET_MS and r["cold_p95_ms"] <= UPDATE_BUDGET_MS else "  (over 100 ms)"
        print(f"{name:48s} {r['frames']:6d} {r['update_p50_ms']:8.2f}/{r['update_p95_ms']:<8.2f} "
              f"{r['cold_p50_ms']:7.1f}/{r['cold_p95_ms']:<7.1f} {r['html_bytes'] / 1e6:8.2f}{flag}")


def comparison_modules() -> list[str]:
    return sorted(p.stem for p in Path(__file__).parent.glob("compare_*.py"))


def run_case(spec: str) -> None:
    """In a child process: run one side of one case; print its call time and result as JSON."""
    module, case, side = spec.split(":")
    sys.path[:0] = [str(Path(__file__).parent)]
    fns = importlib.import_module(module).cases()[case]
    start = time.perf_counter()
    result = (fns[0] if side == "library" else fns[1])()
    seconds = time.perf_counter() - start
    print(json.dumps({"call_s": seconds, "result": np.asarray(result, dtype=np.float64).ravel().tolist()}))


def time_case(module: str, case: str, side: str, runs: int) -> tuple[float, float, np.ndarray]:
    """Medians of whole-process and call time over ``runs`` child processes, and the last result."""
    process, call = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--case", f"{module}:{case}:{side}"], check=True,
                             capture_output=True, text=True, cwd=ROOT)
        process.append(time.perf_counter() - start)
        reply = json.loads(out.stdout.strip().splitlines()[-1])
        call.append(reply["call_s"])
    return statistics.median(process), statistics.median(call), np.array(reply["result"])


def compare_all(runs: int, results: dict, match: str = "") -> None:
    print(f"\n{'comparison':44s} {'library s':>10s} {'reference s':>12s} {'call ratio':>10s} {'max |diff|':>10s}"
          "   (process s: library / reference)")
    sys.path[:0] = [str(Path(__file__).parent)]
    for module in (m for m in comparison_modules() if match in m):
        for case in importlib.import_module(module).cases():
            lib_p, lib_c, lib_r = time_case(module, case, "library", runs)
            ref_p, ref_c, ref_r = time_case(module, case, "reference", runs)
            diff = float(np.max(np.abs(lib_r - ref_r))) if lib_r.shape == ref_r.shape else float("inf")
            name = f"{module.removeprefix('compare_')}.{case}"
            results["comparisons"][name] = {"library_call_s": lib_c, "reference_call_s": ref_c,
                                            "library_process_s": lib_p, "reference_process_s": ref_p,
                                            "ratio": ref_c / lib_c, "max_abs_diff": diff}
            print(f"{name:44s} {lib_c:10.3f} {ref_c:12.3f} {ref_c / lib_c:9.1f}x {diff:10.2g}"
                  f"   ({lib_p:.1f} / {ref_p:.1f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "bench.json")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["notebooks", "explorers", "comparisons"], action="append",
                        help="run only these sections (repeatable); default: all")
    parser.add_argument("--match", default="", help="only the compare_*.py modules whose name contains this")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # internal: MODULE:CASE:SIDE in a child process
    args = parser.parse_args()
    if args.case:
        return run_case(args.case)
    os.environ.setdefault("MPLBACKEND", "Agg")
    sections = set(args.only or ["notebooks", "explorers", "comparisons"])
    results = {"cpu_count": os.cpu_count(), "runs": args.runs, "notebooks": {}, "explorers": {}, "comparisons": {}}

    if "notebooks" in sections:
        time_notebooks(args.runs, results)
    if "explorers" in sections:
        time_explorers(results)
    if "comparisons" in sections:
        compare_all(args.runs, results, args.match)

    from edl.core.ledger import report
    start = time.perf_counter()
    ledger = report.run_all()
    results["ledger_s"] = time.perf_counter() - start
    print(f"\nledger: {len(ledger['formulas'])} checks + errata in {results['ledger_s']:.2f} s")
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1))
    print(f"-> {args.json}")


if __name__ == "__main__":
    main()
