"""``make mutants``: mutation testing of the formula modules; write ``_build/mutation.json``.

    python tools/mutants.py [--part PART ...] [--module edl/PART/TOPIC.py ...] [--workers N] [--at REV]
                            [--keep] [--json _build/mutation.json] [--work _build/mutation]
                            [MUTANT_NAME_OR_GLOB ...]

The formula modules are ``lib/edl/<part>/<topic>.py`` of every part in ``edl.PARTS`` (not
``checks/``, ``figures``, ``exercises`` or ``edl.core``). mutmut (``tools/mutants_session.py``)
mutates them in a working copy under ``_build/mutation/`` and kills the mutants with the tests that
pin their behaviour: each registered formula check as its own test item
(``tests/core/test_ledger.py::test_formula_check_passes``), the unit tests of every part
(``tests/<part>/test_*.py`` but the figure tests), the bad-input sweep (``tests/core/test_bad_input*.py``), the seeded-randomness rules
(``tests/core/test_seeded.py``)
and the doctests of the formula modules (less the tests in :data:`LEFT_OUT`, each with its reason).
For each mutant only the tests that called the mutated function in an unmutated run are run, fastest
first, until one fails. Tests that fail without any mutant are left out and listed in the report.

A mutant that the tests do not kill either changes behaviour the tests do not pin (add a test) or
changes nothing (an equivalent mutant): those are listed, each with its reason, in
``tests/mutation_equivalent.tsv`` and left out of the denominator. A mutant that times out counts as
killed, as in mutmut's own score, and so does one whose test process crashes. The report counts,
per part and per module, mutants made, killed, survived, timed out and equivalent, and per formula
id (the ``Book label: ``<id>``​`` of the mutated function's docstring, or of its class) mutants made
and killed; the survivors are listed with their diffs. The target is 95% of the non-equivalent
mutants killed in every part.

``--keep`` reuses the previous working copy: mutmut then tests only the mutants of functions that
changed, and those named on the command line (names or globs, as ``mutmut results`` prints them);
without it every mutant is made and tested afresh. A report written with ``--part`` or ``--module``
covers those modules only. ``--at REV`` tests the library and tests of a commit (exported with
``git archive``) instead of the working tree.
"""

import argparse
import ast
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "_build" / "mutation"
EQUIVALENT = ROOT / "tests" / "mutation_equivalent.tsv"
TARGET = 0.95
ROLES = {"__init__", "exercises", "figures"}  # modules beside the formula modules of a part
CHECKS_AS_TESTS = "tests/core/test_ledger.py::test_formula_check_passes"
KILLED = {"killed", "timeout", "segfault"}  # segfault: mutmut's name for a test process ended by a signal
# Tests left out of the killers, each with its reason.
LEFT_OUT = {
    "tests/core/test_bad_input.py::test_drawn_values_outside_a_scalar_domain_raise_a_clear_error":
        "300 hypothesis draws across every swept function (about 9 s a run), so it would be selected, and run "
        "to the end, for nearly every surviving mutant; the per-function sweep makes the same kind of calls",
}
PYTEST_ARGS = ["-p", "mutants_plugin", "-p", "no:cacheprovider", "-p", "no:xdist", "-p", "no:unraisableexception",
               "-m", "not book", "--doctest-modules", *(a for test in LEFT_OUT for a in ("--deselect", test))]


def parts(src: Path) -> tuple[str, ...]:
    """``edl.PARTS`` as ``src``'s library states it."""
    tree = ast.parse((src / "lib" / "edl" / "__init__.py").read_text())
    return next(ast.literal_eval(node.value) for node in tree.body
                if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", None) == "PARTS")


def formula_modules(src: Path, part: str) -> list[str]:
    """The formula modules of ``part``, as paths relative to ``lib/``."""
    return [f"edl/{part}/{p.name}" for p in sorted((src / "lib" / "edl" / part).glob("*.py")) if p.stem not in ROLES]


def killer_tests(src: Path, all_parts) -> list[str]:
    """The test files, test node and doctest modules that mutants are run against (relative to ``src``)."""
    tests = [CHECKS_AS_TESTS]
    tests += [str(p.relative_to(src)) for p in sorted((src / "tests" / "core").glob("test_bad_input*.py"))]
    tests += [str(p.relative_to(src)) for p in sorted((src / "tests" / "core").glob("test_seeded.py"))]
    for part in all_parts:
        tests += [str(p.relative_to(src)) for p in sorted((src / "tests" / part).glob("test_*.py"))
                  if p.name != "test_figures.py"]
    return tests + [m for part in all_parts for m in formula_modules(src, part)]


def export(rev: str) -> Path:
    """The library and tests of commit ``rev``, exported under the working folder."""
    src = WORK / "tree"
    src.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", rev, "lib", "tests"], cwd=ROOT, capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
    (WORK / "commit.txt").write_text(_git("rev-parse", rev) + "\n")
    return src


def _toml_list(values) -> str:
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def stage(src: Path, mutate: list[str], tests: list[str]) -> None:
    """Lay out the working folder: the library and the tests (links), the pytest plugin, mutmut's configuration."""
    WORK.mkdir(parents=True, exist_ok=True)
    for name, target in {"edl": src / "lib" / "edl", "tests": src / "tests",
                         "mutants_plugin.py": ROOT / "tools" / "mutants_plugin.py"}.items():
        link = WORK / name
        if link.is_symlink():
            link.unlink()
        link.symlink_to(os.path.relpath(target, WORK))
    (WORK / "pyproject.toml").write_text(f"""\
# Written by tools/mutants.py; mutmut runs in this folder, on the copy it makes in mutants/.
[tool.mutmut]
source_paths = ["edl"]
only_mutate = {_toml_list(mutate)}
also_copy = ["mutants_plugin.py"]
pytest_add_cli_args = {_toml_list(PYTEST_ARGS)}
pytest_add_cli_args_test_selection = {_toml_list(tests)}
process_isolation = "forkserver"
use_git_change_detection = false
track_dependencies = false

[tool.pytest.ini_options]
markers = ["gpu: needs a CUDA device", "book: needs the built HTML book"]
""")


def run_mutmut(workers: int, names: list[str]) -> tuple[float, float]:
    """Run mutmut in the working folder, its output to ``mutmut.log``; return the wall and CPU seconds it took."""
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1", EDL_DEVICE="cpu", MPLBACKEND="Agg",
               PYTHONHASHSEED="0")
    session = str(ROOT / "tools" / "mutants_session.py")
    log = WORK / "mutmut.log"
    start = time.perf_counter()
    (WORK / "mutmut-times.tsv").unlink(missing_ok=True)
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, session, "run", "--max-children", str(workers), *names],
                                cwd=WORK, env=env, stdout=out, stderr=subprocess.STDOUT)
        while proc.poll() is None:
            time.sleep(30)
            print(f"  {time.perf_counter() - start:6.0f} s  {_progress(log)}", flush=True)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode:
        print(log.read_text()[-5000:], file=sys.stderr)
        raise SystemExit(f"mutmut failed (exit {proc.returncode}); its output is in {log}")
    subprocess.run([sys.executable, session, "results", "results.json"], cwd=WORK, env=env, check=True)
    return seconds, usage.ru_utime + usage.ru_stime


def _progress(log: Path) -> str:
    """The last progress line mutmut printed (``done/total`` and the count per status)."""
    text = log.read_text(errors="replace").replace("\r", "\n").strip().splitlines()
    counts = re.findall(r"\d+/\d+[^⠀-⣿]*", text[-1]) if text else []  # the spinner (braille) separates updates
    return counts[-1].strip() if counts else re.sub(r"^\W+", "", text[-1]) if text else "starting"


# ----- the report -----------------------------------------------------------------------------------

LABELS = re.compile(r"Book labels?:\s*((?:``[^`]+``(?:\s*,\s*|\s+and\s+)?)+)")


def labels_by_function(module_path: Path) -> dict[str, list[str]]:
    """Formula ids by function (``name`` or ``Class.method``): its docstring's book labels, else its class's."""
    tree = ast.parse(module_path.read_text())

    def ids(node) -> list[str]:
        match = LABELS.search(ast.get_docstring(node) or "")
        return re.findall(r"``([^`]+)``", match.group(1)) if match else []

    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = ids(node)
        elif isinstance(node, ast.ClassDef):
            own = ids(node)
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}.{item.name}"] = ids(item) or own
    return found


def mutation_key(diff: str) -> str:
    """A mutant's change as text that stays the same across runs: removed lines => added lines, stripped."""
    lines = diff.splitlines()[2:]  # after the ---/+++ header
    removed = [line[1:].strip() for line in lines if line.startswith("-")]
    added = [line[1:].strip() for line in lines if line.startswith("+")]
    return " | ".join(removed) + " => " + " | ".join(added)


def read_equivalent(path: Path = EQUIVALENT) -> dict[tuple[str, str, str], str]:
    """The mutants judged equivalent: (module, function, mutation key) -> reason."""
    found = {}
    if not path.exists():
        return found
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or fields[0] == "module":
            if fields[0] == "module":
                continue
            raise ValueError(f"{path}:{number}: expected module, function, mutation, reason separated by tabs")
        module, function, key, reason = fields
        found[(module, function, key)] = reason
    return found


# Classes of mutants that are equivalent wherever they occur; --suggest prints the survivors of the last
# report that fall in one, as lines for tests/mutation_equivalent.tsv, to be read before they are added.
_FLAG_CALLEES = {"finite": ("_float(",), "strict": ("require_positive(", "require_covariance(", "require_positive_scalar("),
                 "closed": ("require_in_range(",)}
_FLAG_REASON = ("{callee} tests {flag} only for truth (`if {flag}` / `... if {flag} else ...`), "
                "so {flag}=None acts as {flag}=False")
_NAN_REASON = "torch.nan_to_num replaces NaN by 0.0 when nan is None or not given, so nan=0.0 changes nothing"


def equivalent_class(key: str) -> str | None:
    """The reason a mutation (as :func:`mutation_key` writes it) is equivalent, if it is of a known class."""
    removed, _, added = re.sub(r" #\d+$", "", key).partition(" => ")
    for flag, callees in _FLAG_CALLEES.items():
        if f"{flag}=False" not in removed or added != removed.replace(f"{flag}=False", f"{flag}=None", 1):
            continue
        before = removed[:removed.index(f"{flag}=False")]
        for callee in callees:  # the flag must be an argument of that very call, not of one nested in it
            at = before.rfind(callee)
            if at >= 0 and before[at:].count("(") - before[at:].count(")") == 1:
                return _FLAG_REASON.format(callee=callee.rstrip("("), flag=flag)
    if "nan_to_num(" in removed and "nan=0.0" in removed and added in (
            removed.replace("nan=0.0", "nan=None", 1), removed.replace(", nan=0.0", ", ", 1)):
        return _NAN_REASON
    return None


_DEVICE_PARTS = re.compile(r",?\s*\bdevice\s*=\s*(?:None|[\w.\[\]]+)\s*(?=[,)])|\.to\((?:None|[\w.\[\]]+\.device)\)")


def device_only(key: str) -> bool:
    """Whether a mutation only drops or blanks where a tensor is placed (``device=x.device`` -> none, ``None``;
    ``.to(x.device)`` -> ``.to(None)``): on a CPU-only machine the mutant computes exactly what the original does."""
    removed, _, added = re.sub(r" #\d+$", "", key).partition(" => ")

    def strip(text):
        return re.sub(r"\(,", "(", re.sub(r"\s+", "", re.sub(r",\s*\)", ")", _DEVICE_PARTS.sub("", text))))
    return removed != added and strip(removed) == strip(added)


def suggest(report: dict) -> list[str]:
    """Lines for the equivalent list: the survivors of ``report`` in a known equivalent class."""
    return [f"{s['module']}\t{s['function']}\t{s['key']}\t{reason}" for s in report["survivors"]
            if (reason := equivalent_class(s["key"]))]


def _tally(rows) -> dict:
    count = Counter(r["status"] for r in rows)
    made = len(rows)
    equivalent = sum(r["equivalent"] for r in rows)
    killed = sum(r["status"] in KILLED for r in rows)
    device = sum(r["device_only"] for r in rows)
    counted = made - equivalent - device
    return {"made": made, "killed": killed, "survived": counted - killed, "timeout": count["timeout"],
            "no_tests": sum(r["status"] == "no tests" and not r["equivalent"] for r in rows),
            "equivalent": equivalent, "device_only": device, "score": round(killed / counted, 4) if counted else None,
            "score_counting_device_only": round(killed / (counted + device), 4) if counted + device else None}


def tree_commit() -> str:
    """The commit of the library and tests in the working tree, flagged when they hold uncommitted changes."""
    return _git("rev-parse", "HEAD") + (" with uncommitted changes" if _git("status", "--porcelain", "lib", "tests") else "")


def summarise(records: list[dict], equivalent: dict, wall_seconds: float | None, workers: int, modules: list[str],
              src: Path = ROOT, commit: str = "", cpu_seconds: float | None = None) -> dict:
    labels = {m: labels_by_function(src / "lib" / m) for m in modules}
    rows, seen = [], Counter()
    unchecked = [r for r in records if r["status"] == "not checked"]  # left out by a run of named mutants
    for r in sorted((r for r in records if r["status"] != "not checked"), key=lambda r: (r["path"], _number(r["mutant"]))):
        module = r["path"][:-3].replace("/", ".")
        function = f"{r['class']}.{r['function']}" if r["class"] else r["function"]
        key = mutation_key(r["diff"])
        seen[(module, function, key)] += 1
        if seen[(module, function, key)] > 1:  # the same change at another place in the function
            key = f"{key} #{seen[(module, function, key)]}"
        reason = equivalent.get((module, function, key))
        if reason is not None and r["status"] in KILLED:
            reason = None  # killed after all: not equivalent, whatever the list says
        rows.append({"module": module, "part": module.split(".")[1], "function": function, "mutant": r["mutant"],
                     "status": r["status"], "key": key, "diff": r["diff"], "equivalent": reason is not None,
                     "device_only": reason is None and r["status"] not in KILLED and device_only(key),
                     "reason": reason, "formulas": labels[r["path"]].get(function, []),
                     "seconds": r.get("seconds"), "killed_by": r.get("killed_by")})
    by = defaultdict(list)
    for row in rows:
        by[("part", row["part"])].append(row)
        by[("module", row["module"])].append(row)
        for id in row["formulas"]:
            by[("formula", id)].append(row)
    made_keys = {(r["module"], r["function"], r["key"]) for r in rows}
    return {
        "tool": f"mutmut {_version('mutmut')}, each mutant's tests run from one pytest session (tools/mutants_session.py)",
        "generated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "commit": commit or tree_commit(),
        "workers": workers, "wall_seconds": None if wall_seconds is None else round(wall_seconds, 1),
        "cpu_seconds": None if cpu_seconds is None else round(cpu_seconds, 1), "target": TARGET,
        "counting": "killed includes timeouts (as mutmut's own score does) and test processes ended by a signal; "
                    "equivalent mutants are left out, and so are surviving device-only mutants (they drop or blank "
                    "only a device= placement, which changes nothing on a CPU-only machine: a run on a GPU would "
                    "test them): score = killed / (made - equivalent - device_only); score_counting_device_only "
                    "counts them as survivors",
        "modules_mutated": modules, "not_checked": len(unchecked),
        "parts": {k: _tally(v) for (kind, k), v in sorted(by.items()) if kind == "part"},
        "modules": {k: _tally(v) for (kind, k), v in sorted(by.items()) if kind == "module"},
        "formulas": {k: _tally(v) for (kind, k), v in sorted(by.items()) if kind == "formula"},
        "slowest": [{k: r[k] for k in ("mutant", "status", "seconds")}
                    for r in sorted(rows, key=lambda r: -(r["seconds"] or 0))[:20]],
        "survivors": [{k: r[k] for k in ("module", "function", "mutant", "status", "key", "diff")}
                      for r in rows if r["status"] not in KILLED and not r["equivalent"] and not r["device_only"]],
        "device_only": [{k: r[k] for k in ("module", "function", "mutant", "key")} for r in rows if r["device_only"]],
        "equivalent": [{k: r[k] for k in ("module", "function", "key", "reason")} for r in rows if r["equivalent"]],
        "stale_equivalents": [{"module": m, "function": f, "key": k} for (m, f, k) in equivalent
                              if (m, f, k) not in made_keys and m.replace(".", "/") + ".py" in modules],
    }


def _number(mutant: str) -> int:
    return int(mutant.rsplit("_", 1)[1])


def _version(package: str) -> str:
    """The installed version of ``package``; the tally is also summarised where mutmut is not installed."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "(not installed)"


def _git(*args) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()


def print_report(report: dict) -> None:
    print(f"{'part / module':40} {'made':>6} {'killed':>6} {'surv.':>6} {'t/o':>5} {'equiv.':>6} {'device':>6} {'score':>7}")
    for part, tally in report["parts"].items():
        for module, t in report["modules"].items():
            if module.split(".")[1] == part:
                print(f"  {module:38} {t['made']:6} {t['killed']:6} {t['survived']:6} {t['timeout']:5} "
                      f"{t['equivalent']:6} {t['device_only']:6} {_pct(t['score']):>7}")
        flag = "" if tally["score"] is None or tally["score"] >= TARGET else f"  below the {TARGET:.0%} target"
        print(f"{part:40} {tally['made']:6} {tally['killed']:6} {tally['survived']:6} {tally['timeout']:5} "
              f"{tally['equivalent']:6} {tally['device_only']:6} {_pct(tally['score']):>7}{flag}")
    if report["stale_equivalents"]:
        print(f"{len(report['stale_equivalents'])} entries of {EQUIVALENT.name} match no mutant made in this run")
    cpu = f" ({report['cpu_seconds']:.0f} s of CPU)" if report.get("cpu_seconds") is not None else ""
    if report["wall_seconds"] is not None:  # a run, not --report-only
        print(f"mutation testing took {report['wall_seconds']:.0f} s on {report['workers']} workers{cpu}")


def _pct(score) -> str:
    return "-" if score is None else f"{100 * score:.1f}%"


def report_only(args) -> int:
    """Write the report from the working folder of the last (possibly interrupted) run."""
    config = (WORK / "pyproject.toml").read_text()
    modules = json.loads(re.search(r"^only_mutate = (.*)$", config, re.M).group(1))
    env = dict(os.environ, PYTHONHASHSEED="0")
    subprocess.run([sys.executable, str(ROOT / "tools" / "mutants_session.py"), "results", "results.json"],
                   cwd=WORK, env=env, check=True)
    results = json.loads((WORK / "results.json").read_text())
    src = WORK / "tree" if (WORK / "tree").exists() else ROOT
    stamp = WORK / "commit.txt"
    commit = stamp.read_text().strip() if stamp.exists() else ""
    report = summarise(results["mutants"], read_equivalent(), None, args.workers, modules, src, commit)
    report["tests_failing_without_mutants"] = results["failing_tests"]
    report["tests_left_out"] = LEFT_OUT
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print_report(report)
    if report["not_checked"]:
        print(f"{report['not_checked']} mutants were not tested (an interrupted run): they are not counted")
    print(f"-> {args.json}")
    return 0


def main(argv: list[str] | None = None) -> int:
    global WORK
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", action="append", help="mutate this part's formula modules (repeatable)")
    parser.add_argument("--module", action="append", help="mutate this module, e.g. edl/probability/basics.py")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep", action="store_true", help="reuse the previous working copy and results")
    parser.add_argument("--at", metavar="REV", help="test this commit's library and tests, not the working tree")
    parser.add_argument("--json", type=Path, default=ROOT / "_build" / "mutation.json")
    parser.add_argument("--work", type=Path, default=WORK,
                        help="working folder (another one lets runs of different modules go on side by side)")
    parser.add_argument("--report-only", action="store_true",
                        help="write the report from the working folder as it is (after an interrupted run)")
    parser.add_argument("--suggest", action="store_true",
                        help="print the survivors of the --json report that are of a known equivalent class, and stop")
    parser.add_argument("names", nargs="*", help="mutants to (re)test, names or globs")
    args = parser.parse_args(argv)
    WORK = args.work.resolve()
    if args.suggest:
        print("\n".join(suggest(json.loads(args.json.read_text()))))
        return 0
    if args.report_only:
        return report_only(args)
    if not args.keep and WORK.exists():
        shutil.rmtree(WORK)
    if args.at and not (WORK / "tree").exists():
        export(args.at)
    src = WORK / "tree" if args.at else ROOT
    all_parts = parts(src)
    unknown = set(args.part or ()) - set(all_parts)
    if unknown:
        parser.error(f"--part must name parts in edl.PARTS {all_parts}, got {sorted(unknown)}")
    modules = args.module or [m for p in (args.part or all_parts) for m in formula_modules(src, p)]
    commit = _git("rev-parse", args.at) if args.at else tree_commit()  # before the run: commits may land during it
    stage(src, modules, killer_tests(src, all_parts))
    print(f"mutation testing {len(modules)} formula modules with {args.workers} workers (log: {WORK / 'mutmut.log'})")
    seconds, cpu = run_mutmut(args.workers, args.names)
    results = json.loads((WORK / "results.json").read_text())
    records = results["mutants"]
    report = summarise(records, read_equivalent(), seconds, args.workers, modules, src, commit, cpu)
    report["tests_failing_without_mutants"] = results["failing_tests"]
    report["tests_left_out"] = LEFT_OUT
    if results["failing_tests"]:
        print(f"{len(results['failing_tests'])} tests fail without any mutant and were left out: "
              + ", ".join(results["failing_tests"][:10]))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print_report(report)
    print(f"-> {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
