"""Registration of formula checks and erratum demonstrations, and running them."""

import time
from collections.abc import Callable
from dataclasses import dataclass

from edl.core.checking import CheckResult
from edl.core.device import single_threaded
from edl.core.parts import import_all, notebook_of
from edl.core.ledger import catalogue
from edl.core.ledger.verdicts import Verdict, show



@dataclass(frozen=True)
class FormulaEntry:
    """A catalogue formula, the notebook that states it, and the check that verifies it."""

    id: str
    notebook: str
    reference: str
    check: Callable[[], CheckResult]


@dataclass(frozen=True)
class ErratumEntry:
    """A seed's mistake: what it says, what is right, and the check run on the seed's version."""

    key: str
    id: str
    wrong: str
    right: str
    why: str
    run_on_seed: Callable[[], CheckResult]


_FORMULAS: dict[str, FormulaEntry] = {}
_ERRATA: dict[str, ErratumEntry] = {}


def formula(id: str, *, reference: str):
    """Register the decorated zero-argument function as the check of catalogue formula ``id``.

    ``reference`` names the independent route (e.g. "scipy.stats.norm.pdf"). The notebook that states
    the formula is the one of the part package the check lives in.
    """
    if id not in catalogue.formulas():
        raise ValueError(f"id must be a catalogue formula id, got {id!r}")

    def register(check: Callable[[], CheckResult]) -> Callable[[], CheckResult]:
        if id in _FORMULAS and _FORMULAS[id].check.__qualname__ != check.__qualname__:
            raise ValueError(f"formula {id!r} is registered twice")
        _FORMULAS[id] = FormulaEntry(id, notebook_of(check.__module__), reference, check)
        return check

    return register


def erratum(key: str, *, wrong: str, right: str, why: str = ""):
    """Register the decorated function, which runs a formula's check on the seed's version, for ``key``.

    ``wrong`` (what the course summary says) and ``right`` are LaTeX math, shown inline in the errata
    appendix; ``why`` says in a sentence or two what goes wrong in practice with the wrong version.
    """
    if key not in catalogue.errata():
        raise ValueError(f"key must be a catalogued erratum key, got {key!r}")

    def register(run_on_seed: Callable[[], CheckResult]) -> Callable[[], CheckResult]:
        _ERRATA[key] = ErratumEntry(key, catalogue.errata()[key].id, wrong, right, why, run_on_seed)
        return run_on_seed

    return register


def load_all() -> None:
    """Import the ``checks`` of every part package, which registers all checks."""
    import_all("checks")


def formula_entries() -> dict[str, FormulaEntry]:
    load_all()
    return dict(_FORMULAS)


def errata_entries() -> dict[str, ErratumEntry]:
    load_all()
    return dict(_ERRATA)


def _timed(fn: Callable[[], CheckResult]) -> tuple[CheckResult, float]:
    start = time.perf_counter()
    try:
        with single_threaded():
            result = fn()
    except Exception as err:  # a crashing check is a failing check, reported with its reason
        result = CheckResult(False, f"check raised {type(err).__name__}: {err}", float("inf"))
    return result, time.perf_counter() - start


def run_formula(id: str) -> tuple[CheckResult, float]:
    """Run the check of formula ``id``; return its result and the seconds it took."""
    entries = formula_entries()
    if id not in entries:
        raise ValueError(f"id must be a registered formula id, got {id!r}")
    return _timed(entries[id].check)


def run_erratum(key: str) -> tuple[CheckResult, float]:
    """Run the check on the seed's version for erratum ``key``; demonstrated means it fails."""
    entries = errata_entries()
    if key not in entries:
        raise ValueError(f"key must be a registered erratum key, got {key!r}")
    return _timed(entries[key].run_on_seed)


def verify(id: str) -> None:
    """Run formula ``id``'s check and show its compact verdict; raise ``AssertionError`` if it fails."""
    result, _ = run_formula(id)
    verdict = Verdict(id, result.passed, f"checked against {formula_entries()[id].reference}", result.detail)
    if not result.passed:
        raise AssertionError(verdict.text())
    show(verdict)


def demonstrate(key: str) -> None:
    """Run the check on the mistaken version of a formula and show that it fails.

    Raises ``AssertionError`` if the mistaken version passes: then the check cannot tell the two apart.
    """
    result, _ = run_erratum(key)
    entry = errata_entries()[key]
    if result.passed:
        raise AssertionError(f"{key}: the check passes on the mistaken version ({entry.wrong}); it cannot catch it")
    verdict = Verdict(key, False, f"the mistaken version fails the check of {entry.id}", result.detail)
    show(verdict)
