"""Stage timings of ``make test``: record each stage's wall time, then print a table and a projection.

    python3 tools/timings.py run STAGE -- COMMAND ...   # run COMMAND, record its wall time as STAGE
    python3 tools/timings.py report                     # write _build/timings.json, print the table

Stages named ``execute:<notebook>`` are per notebook; the others are whole stages. The projection
to the book's fourteen parts multiplies every stage that grows with the book (notebook execution, unit
tests, ledger, book build, student edition, browser test) by 14 / (parts written now), and keeps the fixed
ones (installing the environment, vendoring MathJax) as they are. Notebook execution runs on
``WORKERS`` cores at once, so its wall time is the stage ``notebooks``, not the sum of the notebooks.
Only the standard library is used: the first stage runs before the virtual environment exists.
"""

import json
import subprocess
import sys
import time
from pathlib import Path

RECORDS = Path("_build/timings")
SUMMARY = Path("_build/timings.json")
FIXED = {"setup"}  # stages whose cost does not grow with the number of parts
TARGET_PARTS = 14  # edl.PARTS: appendix A, chapters 1-8, 9 and 10 in two notebooks each, 11


def run(stage: str, command: list[str]) -> int:
    start = time.perf_counter()
    code = subprocess.call(command)
    seconds = time.perf_counter() - start
    RECORDS.mkdir(parents=True, exist_ok=True)
    (RECORDS / f"{stage.replace(':', '--')}.json").write_text(
        json.dumps({"stage": stage, "seconds": round(seconds, 2), "exit_code": code}))
    return code


def report(parts: int) -> dict:
    records = [json.loads(p.read_text()) for p in sorted(RECORDS.glob("*.json"), key=lambda p: p.stat().st_mtime)]
    notebooks = {r["stage"].split(":", 1)[1]: r["seconds"] for r in records if r["stage"].startswith("execute:")}
    stages = {r["stage"]: r["seconds"] for r in records if not r["stage"].startswith("execute:")}
    fixed = sum(s for name, s in stages.items() if name in FIXED)
    growing = sum(s for name, s in stages.items() if name not in FIXED)
    summary = {
        "parts": parts, "stages": stages, "notebooks": notebooks, "total_seconds": round(fixed + growing, 1),
        "projection": {"parts": TARGET_PARTS, "fixed_seconds": round(fixed, 1),
                       "per_part_seconds": round(growing / parts, 1),
                       "total_seconds": round(fixed + growing * TARGET_PARTS / parts, 1)},
    }
    SUMMARY.write_text(json.dumps(summary, indent=1))
    width = max(map(len, [*stages, *notebooks, "total"]), default=10) + 2
    print(f"{'stage':<{width}}{'seconds':>9}")
    for name, s in stages.items():
        print(f"{name:<{width}}{s:>9.1f}" + ("   (fixed)" if name in FIXED else ""))
    for name, s in notebooks.items():
        print(f"{'  ' + name:<{width}}{s:>9.1f}   (one notebook, within 'notebooks')")
    p = summary["projection"]
    print(f"{'total':<{width}}{summary['total_seconds']:>9.1f}")
    print(f"projection for {TARGET_PARTS} parts: {p['fixed_seconds']:.0f} s fixed + {p['per_part_seconds']:.0f} s "
          f"per part x {TARGET_PARTS} = {p['total_seconds']:.0f} s ({p['total_seconds'] / 60:.1f} min)  -> {SUMMARY}")
    return summary


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"] and len(argv) >= 4 and argv[2] == "--":
        return run(argv[1], argv[3:])
    if argv[:1] == ["report"]:
        parts = len([p for p in Path("notebooks").glob("*.ipynb") if p.stem != "appendix_errata"])  # the errata appendix grows with the parts
        report(parts)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
