"""pytest plugin loaded (``-p mutants_plugin``) in every pytest session of ``make mutants``.

mutmut copies each mutated function into the module once per mutant, docstring included, so
``--doctest-modules`` would collect every doctest hundreds of times; those copies are deselected and
only the doctest of the function itself (mutmut's trampoline, which keeps the original name) runs.
A test that fails without any mutant (work in progress elsewhere in the tree) would kill every mutant
it runs on: in the stats run, which then runs to the end instead of stopping at the first failure,
such tests are written to ``mutmut-failing-tests.txt`` and left out of every later session.
Hypothesis is made deterministic, so a mutant is killed or not the same way on every run, and the
heap that the fork server built is frozen, so that the garbage collector of each forked test process
does not walk (and copy) it.
"""

import gc
import os
from pathlib import Path

COPY = "__mutmut_"  # in the name of mutmut's copies: x_<function>__mutmut_<n>, x_<function>__mutmut_orig
FAILING = Path("mutmut-failing-tests.txt")  # in mutants/, where every session runs


def _stats_run() -> bool:
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


def _failing() -> set[str]:
    return set(FAILING.read_text().split("\n")) - {""} if FAILING.exists() else set()


def pytest_configure(config):
    if _stats_run():  # run every test, even after a failure, and note those that fail without a mutant
        config.option.maxfail = 0
        FAILING.unlink(missing_ok=True)
    try:
        from hypothesis import settings
    except ImportError:  # pragma: no cover - hypothesis is in requirements.txt
        pass
    else:
        settings.register_profile("mutants", derandomize=True, database=None, print_blob=False)
        settings.load_profile("mutants")
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    failing = set() if _stats_run() else _failing()
    dropped = [item for item in items if COPY in item.nodeid or item.nodeid in failing]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if COPY not in item.nodeid and item.nodeid not in failing]


def pytest_runtest_logreport(report):
    if _stats_run() and report.failed:
        with open(FAILING, "a") as out:
            out.write(report.nodeid + "\n")


def pytest_sessionfinish(session, exitstatus):
    if _stats_run() and exitstatus == 1:  # tests failed: they are left out of the mutants' runs, not fatal
        session.exitstatus = 0
