"""Every library function labelled with a formula id is called by that formula's registered check.

A public function (or class) of a formula module whose docstring says "Book label: ``<id>``" implements
catalogue formula ``<id>``; the check registered for ``<id>`` must call it, directly or through another
library function, so that a wrong implementation cannot pass unnoticed. Each check is run here in-process
while a trace function records which code objects start (``sys.settrace``, call events only; nothing is
traced line by line). A function with several labels must be called by the check of each of them. Cached
helpers of the checks (``functools.cache``) are cleared first, so that a check is not credited with calls
it did not make.
"""

import inspect
import sys
from types import FunctionType

import pytest

import edl
from edl.core import ledger
from edl.core.ledger import catalogue, registry
from edl.core.reference import labelled, labels_of

def _codes(obj) -> set:
    """The code objects that run when ``obj`` (a function, or any method of a class) is called."""
    if inspect.isclass(obj):
        found = set()
        for member in vars(obj).values():
            member = getattr(member, "__func__", member)  # staticmethod, classmethod
            if isinstance(member, FunctionType):
                found.add(inspect.unwrap(member).__code__)
        return found
    return {inspect.unwrap(obj).__code__}


LABELLED = labelled()
BY_ID: dict[str, list[str]] = {}
for _name, (_obj, _ids) in LABELLED.items():
    for _id in _ids:
        BY_ID.setdefault(_id, []).append(_name)


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("edl.") and ".checks" in name:
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def calls_of_check(id: str) -> set:
    """Run the registered check of ``id`` and return the code objects that started while it ran."""
    started = set()

    def trace(frame, event, arg):
        started.add(frame.f_code)  # a global trace function sees only "call" events
        return None

    _clear_caches()
    previous = sys.gettrace()
    sys.settrace(trace)
    try:
        result, _ = registry.run_formula(id)
    finally:
        sys.settrace(previous)
    assert result.passed, f"{id}: the check fails: {result.detail}"
    return started


def test_labels_name_catalogue_formulas():
    formulas = catalogue.formulas()
    unknown = {name: [id for id in ids if id not in formulas] for name, (_, ids) in LABELLED.items()}
    assert not {k: v for k, v in unknown.items() if v}, "a Book label is not a catalogue formula id"
    assert len(LABELLED) > 200, "the scan of the formula modules found too few labelled functions"


def test_the_scan_reads_several_labels():
    assert set(labels_of(edl.optimization.descent.optimal_contraction)) == {"gd.quadratic-optimal-lr",
                                                                            "gd.rate-strongly-convex"}
    assert labels_of(edl.connectionism.hopfield.unstable_fraction) == ["hopfield.capacity-0138"]


@pytest.mark.parametrize("id", sorted(BY_ID))
def test_the_check_calls_every_function_labelled_with_its_id(id):
    if id not in ledger.formula_entries():
        pytest.skip(f"{id} has no registered check yet (its chapter is being written)")
    started = calls_of_check(id)
    uncalled = [name for name in BY_ID[id] if not _codes(LABELLED[name][0]) & started]
    assert not uncalled, f"the check of {id} never calls {uncalled}, which are labelled with it"


def test_a_function_the_check_does_not_call_is_reported():
    id = "bg.markov"
    started = calls_of_check(id)
    assert _codes(edl.probability.basics.markov_bound) & started
    assert not _codes(edl.probability.basics.normal_pdf) & started
