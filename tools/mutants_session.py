"""Runs mutmut for ``make mutants`` (called by ``tools/mutants.py`` in its working folder).

    python tools/mutants_session.py run [--max-children N] [MUTANT_NAME_OR_GLOB ...]
    python tools/mutants_session.py results OUT.json

mutmut (pinned in ``requirements-mutants.txt``) does the work: it writes each mutated function
beside a trampoline that picks the original or one mutant at run time, records in one pytest run
which tests call which function, and then runs, for each mutant, only the tests that called its
function, in processes forked from a fork server, under a CPU and a wall-clock limit.

One piece is replaced, and two are trimmed. mutmut starts a new pytest session for every mutant (configuration, plugins,
collection of the selected test files and of every doctest in the mutated module), which costs 0.3 to
1.5 s a mutant here, two hours for the twenty thousand mutants of the formula modules on two cores.
:class:`SessionRunner` collects the tests once, in the fork server, and keeps that session open; each
forked child then runs its mutant's tests straight from it, fastest first, and stops at the first
failure, like mutmut's ``pytest -x``. Before the first mutant, the fork server checks the shortcut
both ways: every test passes through it with no mutant active, and a test fails with mutmut's
"fail everything" switch on; this check replaces mutmut's own run of the unmutated tests. mutmut's
progress line, which counts every mutant each time it is printed, is printed at most once a second.

``results`` writes one record per mutant: its name, file, function, mutmut's status, its diff, and
(from ``mutmut-times.tsv``, which the children append to) the seconds its tests took, how many of the
selected tests ran and the test that killed it.
"""

import gc
import json
import os
import sys
import threading
import time
from pathlib import Path

import mutmut.__main__ as mutmut_main
from mutmut.configuration import config
from mutmut.mutation.data import SourceFileMutationData
from mutmut.mutation.diff_apply import get_diff_for_mutant
from mutmut.mutation.trampoline import set_mutant_under_test
from mutmut.runners.harness import PytestRunner
from mutmut.state import state
from mutmut.stats import print_stats, status_by_exit_code
from mutmut.utils.file_utils import walk_mutatable_files
from mutmut.utils.format_utils import orig_function_and_class_names_from_key
from mutmut.workers.isolation import ForkServerRunner


TIMES = Path("mutmut-times.tsv").resolve()  # in the working folder, beside mutants/


class _Keeper:
    """pytest plugin that holds the collected session open and notes whether a test failed."""

    def __init__(self):
        self.session = None
        self.error = None
        self.ready = threading.Event()
        self.failed = None

    def pytest_runtestloop(self, session):
        if session.testsfailed:
            self.error = f"{session.testsfailed} errors while collecting the tests"
        else:
            self.session = session
        self.ready.set()
        if self.session is not None:
            threading.Event().wait()  # parked for good: the fork server forks from its main thread
        return True

    def pytest_runtest_logreport(self, report):
        if report.failed and self.failed is None:
            self.failed = report.nodeid


class SessionRunner(PytestRunner):
    """mutmut's pytest runner, with each mutant's tests run from one session collected in the fork server."""

    def __init__(self):
        super().__init__()
        self._keeper = None
        self._items = {}

    def warm_up(self):
        import pytest

        pytest.hookimpl(tryfirst=True)(_Keeper.pytest_runtestloop)  # before pytest's own test loop, which never runs
        os.chdir("mutants")  # for good: mutmut runs every test from there
        keeper = _Keeper()
        args = ["--rootdir=.", "--tb=no", "-q", "-p", "no:randomly", "-p", "no:random-order",
                *self._pytest_add_cli_args_test_selection, *self._pytest_add_cli_args]
        exit_code = []
        thread = threading.Thread(target=lambda: exit_code.append(pytest.main(args, plugins=[keeper])), daemon=True)
        thread.start()
        while not keeper.ready.wait(0.5):
            if not thread.is_alive():
                break
        if keeper.session is None:
            raise RuntimeError(f"the fork server could not collect the tests: {keeper.error or exit_code}")
        self._keeper = keeper
        self._items = {item.nodeid: item for item in keeper.session.items}
        gc.freeze()
        self._check("", expect_failure=False)
        self._check("fail", expect_failure=True)

    def _check(self, mutant: str, *, expect_failure: bool) -> None:
        """Run every test in a child with ``mutant`` active; raise unless the outcome is the expected one."""
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            set_mutant_under_test(mutant)
            code = self.run_tests(mutant_name=None, tests=list(self._items))
            os.write(write, (self._keeper.failed or "").encode())
            os._exit(code)
        os.close(write)
        with os.fdopen(read, "rb") as pipe:
            failed = pipe.read().decode()
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if expect_failure and code != 1:
            raise RuntimeError(f"with every function failing, the shared session did not fail (exit {code})")
        if not expect_failure and code != 0:
            raise RuntimeError(f"without a mutant, the shared session fails (exit {code}) at {failed}")

    def run_tests(self, *, mutant_name, tests):
        if self._keeper is None:  # mutmut's clean run and forced failure, outside the fork server
            return super().run_tests(mutant_name=mutant_name, tests=tests)
        start = time.perf_counter()
        durations = state().duration_by_test
        order = {nodeid: i for i, nodeid in enumerate(self._items)}
        chosen = sorted((self._items[t] for t in tests if t in self._items),  # not those failing without a mutant
                        key=lambda it: (durations.get(it.nodeid, 0.0), order[it.nodeid]))
        code, ran = 0, 0
        for i, item in enumerate(chosen):
            nextitem = chosen[i + 1] if i + 1 < len(chosen) else None
            item.ihook.pytest_runtest_protocol(item=item, nextitem=nextitem)
            ran += 1
            if self._keeper.failed is not None:
                code = 1
                break
        if mutant_name:  # one line per mutant, appended whole: its time, the tests run of those selected, the killer
            line = f"{mutant_name}\t{time.perf_counter() - start:.3f}\t{ran}\t{len(chosen)}\t{self._keeper.failed or ''}\n"
            with open(TIMES, "a") as out:
                out.write(line)
        return code


class Runner(ForkServerRunner):
    """mutmut's fork server, running :class:`SessionRunner`."""

    def __init__(self, max_workers: int = 1):
        super().__init__(max_workers=max_workers, test_runner_class=SessionRunner, test_runner_args={},
                         debug=config().debug, max_restarts=config().max_forkserver_restarts)

    def run_clean_tests(self, tests) -> int:
        return 0  # the fork server runs every test without a mutant, from the session the mutants use


_last_print = [0.0]


def _print_stats(data, force_output: bool = False) -> None:
    """mutmut's progress line, at most once a second: it counts every mutant of every file each time."""
    if force_output or time.monotonic() - _last_print[0] > 1.0:
        _last_print[0] = time.monotonic()
        print_stats(data, force_output=True)


def run(names: list[str], max_children: int) -> None:
    mutmut_main.get_mutant_runner = Runner
    mutmut_main.print_stats = _print_stats
    mutmut_main._run(names, max_children)


def results(out: Path) -> None:
    times = {}
    if TIMES.exists():
        for line in TIMES.read_text().splitlines():
            name, seconds, ran, selected, killer = line.split("\t")
            times[name] = {"seconds": float(seconds), "tests_run": int(ran), "tests_selected": int(selected),
                           "killed_by": killer or None}
    records = []
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for name, code in data.exit_code_by_key.items():
            function, cls = orig_function_and_class_names_from_key(name)
            records.append({
                "mutant": name, "path": str(path), "function": function, "class": cls,
                "status": status_by_exit_code[code], "exit_code": code,
                "diff": get_diff_for_mutant(name, path=path), **times.get(name, {}),
            })
    failing = Path("mutants/mutmut-failing-tests.txt")
    failing = sorted(set(failing.read_text().split("\n")) - {""}) if failing.exists() else []
    out.write_text(json.dumps({"mutants": records, "failing_tests": failing}, indent=0))


if __name__ == "__main__":
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "run":
        children = 2
        if rest[:1] == ["--max-children"]:
            children, rest = int(rest[1]), rest[2:]
        run(rest, children)
    elif command == "results":
        results(Path(rest[0]))
    else:
        raise SystemExit(__doc__)
