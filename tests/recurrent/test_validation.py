"""Every public callable of chapter 5's formula modules refuses each generated bad input clearly (the sweep of
``tests/core/bad_input.py``, restricted to this part so that it runs with the part's own tests)."""

import pytest

from tests.core import bad_input

SWEPT = {name: obj for name, obj in bad_input.swept().items() if name.startswith("edl.recurrent.")}
NAMES = sorted(SWEPT)


def test_the_part_has_public_callables():
    assert len(NAMES) >= 60


@pytest.mark.parametrize("qualname", NAMES)
def test_bad_input_is_refused_clearly(qualname):
    cases = bad_input.sweep(qualname, SWEPT[qualname])
    bad = [f"{c.arg}: {c.case}: {c.outcome} ({c.detail[:120]})" for c in cases if c.outcome in ("unclear", "silent")]
    assert not bad, f"{qualname}: {bad}"
