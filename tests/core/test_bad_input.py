"""The bad-input sweep: every public function and class of every formula module refuses bad input clearly.

For each callable the sweep (``tests/core/bad_input.py``) takes the valid call of its fixture
(``tests/core/bad_input_fixtures.py``) and replaces one argument at a time by bad values fitting its kind:
NaN, ±inf, empty, one dimension more or fewer, mismatched shapes, zero and negative sizes, probabilities
outside [0, 1], a string, None, wrong types for callables and generators. Every bad call must raise a
``ValueError`` or ``TypeError`` inside ``edl`` whose message names the argument. A new function without a
fixture fails here: add one (CONTRIBUTING.md, "Input validation").

``python -m tests.core.bad_input [-v] [name ...]`` prints the table of outcomes (and the failures).
"""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core import bad_input as sweep
from tests.core.bad_input_fixtures import FIXTURES

SWEPT = sweep.swept()
EXCEPTIONS = sweep.read_exceptions()
MAX_EXCEPTED_SHARE = 0.02  # at least 98% of the bad calls end in a clear error


def _describe(case: sweep.Case) -> str:
    return f"  {case.qualname}({case.arg}: {case.case}) -> {case.outcome}: {case.detail}"


@pytest.mark.parametrize("qualname", sorted(SWEPT))
def test_bad_input_raises_a_clear_error_naming_the_argument(qualname, record_property):
    try:
        results = sweep.sweep(qualname, SWEPT[qualname])
    except sweep.FixtureError as err:
        pytest.fail(str(err), pytrace=False)
    counts = sweep.tally(results)
    record_property("bad_input", {"module": qualname.rsplit(".", 1)[0], **counts,
                                  "excepted": sum(1 for c in results if c.key in EXCEPTIONS and c.outcome != "clear")})
    failing = [c for c in results if c.outcome in ("unclear", "silent") and c.key not in EXCEPTIONS]
    made = {c.key: c for c in results}
    stale = [key for key in EXCEPTIONS if key[0] == qualname and (key not in made or made[key].outcome == "clear")]
    message = []
    if failing:
        message.append(f"{len(failing)} bad call(s) of {qualname} did not raise a clear ValueError/TypeError naming "
                       f"the argument (validate it, declare the input valid with ok= in its fixture, or list it "
                       f"with a reason in {sweep.EXCEPTIONS_FILE.name}):")
        message += [_describe(c) for c in failing]
    if stale:
        message.append(f"{sweep.EXCEPTIONS_FILE.name} lists cases of {qualname} that now raise a clear error or are "
                       f"no longer made; remove them: {sorted(stale)}")
    assert not message, "\n".join(message)


def test_every_fixture_belongs_to_a_swept_callable():
    unknown = sorted(set(FIXTURES) - set(SWEPT))
    assert not unknown, (f"fixtures name callables that are not public in any formula module (renamed or removed?); "
                         f"remove or rename them: {unknown}")


def test_every_listed_exception_belongs_to_a_swept_callable_and_gives_a_reason():
    unknown = sorted({key[0] for key in EXCEPTIONS} - set(SWEPT))
    assert not unknown, f"{sweep.EXCEPTIONS_FILE.name} names callables that are not swept: {unknown}"
    assert all(len(reason.split()) >= 3 for reason in EXCEPTIONS.values()), "give each exception a reason in words"


def test_listed_exceptions_stay_below_two_percent_of_the_bad_calls():
    total = 0
    for qualname, obj in SWEPT.items():
        try:
            bad, _, _ = sweep.cases(qualname, obj)
        except sweep.FixtureError:
            continue  # reported by the per-callable test
        total += len(bad)
    assert len(EXCEPTIONS) <= MAX_EXCEPTED_SHARE * total, (
        f"{len(EXCEPTIONS)} listed exceptions for {total} bad calls: more than {MAX_EXCEPTED_SHARE:.0%} of the "
        f"calls would end without a clear error")


# --- value kinds, drawn by hypothesis -------------------------------------------------------------------

_OUTSIDE = {  # kind -> (case name, strategy of values outside the kind's domain)
    "positive": [("zero", st.just(0.0)), ("negative", st.floats(max_value=0.0, exclude_max=True, allow_infinity=False))],
    "nonneg": [("negative", st.floats(max_value=0.0, exclude_max=True, allow_infinity=False))],
    "prob": [("below0", st.floats(max_value=0.0, exclude_max=True, allow_infinity=False)),
             ("above1", st.floats(min_value=1.0, exclude_min=True, allow_infinity=False))],
    "size": [("zero", st.just(0)), ("negative", st.integers(max_value=-1))],
    "int": [("negative", st.integers(max_value=-1))],
}


def _scalar_domains():
    """(qualname, argument, case, strategy) for every Python-number argument whose kind bounds its values."""
    found = []
    for qualname, obj in sorted(SWEPT.items()):
        try:
            args, _ = sweep.plan(qualname, obj)
        except sweep.FixtureError:
            continue
        for name, arg in args.items():
            if isinstance(arg.value, bool) or not isinstance(arg.value, (int, float)):
                continue
            for case, strategy in _OUTSIDE.get(arg.kind, []):
                if case not in arg.ok and (qualname, name, case) not in EXCEPTIONS:
                    found.append((qualname, name, case, strategy))
    return found


DOMAINS = _scalar_domains()


@settings(derandomize=True, database=None, deadline=None, max_examples=300,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_drawn_values_outside_a_scalar_domain_raise_a_clear_error(data):
    qualname, name, case, strategy = data.draw(st.sampled_from(DOMAINS), label="argument")
    value = data.draw(strategy, label=f"{name} ({case})")
    args, signature = sweep.plan(qualname, SWEPT[qualname])

    def run():
        values = {n: sweep.fresh(a.value) for n, a in args.items()}
        values[name] = value
        return sweep._call(SWEPT[qualname], signature, values)

    outcome, detail = sweep.classify(run, name)
    assert outcome == "clear", f"{qualname}({name}={value!r}): {outcome}: {detail}"


# --- the sweep itself ----------------------------------------------------------------------------------


def test_the_sweep_tells_clear_unclear_and_silent_apart():
    def quiet(x):
        return math.nan

    def crash(x):
        return [][1]

    def wrong_name(x):
        raise ValueError(f"y must be positive, got {x}")

    def clear(x):
        raise ValueError(f"x must be positive, got {x}")

    assert sweep.classify(lambda: quiet(1.0), "x")[0] == "silent"
    assert sweep.classify(lambda: crash(1.0), "x")[0] == "unclear"
    assert sweep.classify(lambda: wrong_name(1.0), "x")[0] == "unclear"  # raised outside edl as well
    assert sweep.names("x0 must be finite", "x") is False and sweep.names("weights[0] must be", "weights")
    from edl.core import validate
    assert sweep.classify(lambda: validate.require_positive_scalar("x", -1.0), "x")[0] == "clear"
    assert sweep.classify(lambda: validate.require_positive_scalar("y", -1.0), "x")[0] == "unclear"
    assert sweep.classify(lambda: clear(1.0), "x")[0] == "unclear"  # names x, but raised outside edl
