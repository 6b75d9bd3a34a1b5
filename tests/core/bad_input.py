"""The bad-input sweep: every public function and class of every formula module, one bad argument at a time.

The sweep walks ``edl.PARTS`` and each part's topic modules (not ``checks``, ``figures`` or
``exercises``), keeps the public functions and classes defined there, and calls each one with the valid
call of its fixture (``tests/core/bad_input_fixtures.py``) in which one argument at a time is replaced
by a bad value fitting its kind (see :data:`CASES`). Each bad call has one outcome:

- ``clear``: a ``ValueError`` or ``TypeError`` raised inside ``edl`` whose message names the argument;
- ``unclear``: any other exception (raised inside torch or Python, of another type, or naming another
  argument), or a call that runs past :data:`TIMEOUT_S`;
- ``silent``: the call returned (a NaN or inf in the result, or an invalid input accepted).

A generated value that is in fact valid for an argument is declared in its fixture (``ok=``) and is not
called; a bad call that cannot or should not raise is listed with its reason in
``tests/core/bad_input_exceptions.tsv``.

``python -m tests.core.bad_input`` prints the table of outcomes per part and module.
"""

from __future__ import annotations

import importlib
import inspect
import math
import pkgutil
import re
import signal
import sys
import threading
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

import edl

ROLES = ("checks", "figures", "exercises")  # beside the formula modules of a part
LIB = Path(edl.__file__).resolve().parent
HERE = Path(__file__).resolve().parent
EXCEPTIONS_FILE = HERE / "bad_input_exceptions.tsv"
TIMEOUT_S = 2.0  # a bad call running longer counts as a hang (unclear)

# --- what is swept ----------------------------------------------------------------------------------


def formula_modules() -> list[str]:
    """The topic modules of every part, in book order."""
    names = []
    for part in edl.PARTS:
        package = importlib.import_module(f"edl.{part}")
        for info in pkgutil.iter_modules(package.__path__):
            if info.name not in ROLES and not info.name.startswith("_"):
                names.append(f"edl.{part}.{info.name}")
    return names


def public_callables(module_name: str) -> dict[str, Any]:
    """Public functions and classes defined in the module itself (not imported into it)."""
    module = importlib.import_module(module_name)
    return {f"{module_name}.{name}": obj for name, obj in vars(module).items()
            if not name.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
            and obj.__module__ == module_name}


def swept() -> dict[str, Any]:
    """Qualified name → object, for everything the sweep calls."""
    found = {}
    for module in formula_modules():
        found.update(public_callables(module))
    return found


# --- fixtures ---------------------------------------------------------------------------------------


@dataclass
class Arg:
    """One argument of a valid call: its value, its kind, the generated cases it accepts, extra bad values."""

    value: Any
    kind: str | None = None
    ok: tuple[str, ...] = ()
    bad: dict[str, Any] = field(default_factory=dict)


def a(value, kind: str | None = None, ok: str = "", **bad) -> Arg:
    """Declare an argument: ``a(0.5, "prob", ok="ndim+1", at_one=1.0)``.

    ``kind`` : see :data:`KINDS` (inferred from the value when omitted); ``ok`` : space-separated names of
    generated cases that are valid for this argument; keyword arguments : extra bad values, by case name.
    """
    return Arg(value, kind, tuple(ok.split()), bad)


@dataclass(frozen=True)
class G:
    """A fresh ``torch.Generator`` seeded with ``seed`` for every call."""

    seed: int = 0


@dataclass(frozen=True)
class P:
    """A fresh leaf tensor with ``requires_grad`` (an optimizer parameter) for every call."""

    values: Any


def fresh(value):
    """A copy of a fixture value that a call may mutate freely."""
    if isinstance(value, Arg):
        return fresh(value.value)
    if isinstance(value, G):
        return torch.Generator().manual_seed(value.seed)
    if isinstance(value, P):
        return torch.tensor(value.values, dtype=torch.float64, requires_grad=True)
    if isinstance(value, torch.Tensor):
        return value.detach().clone().requires_grad_(value.requires_grad)
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, list):
        return [fresh(x) for x in value]
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        return tuple(fresh(x) for x in value)
    if isinstance(value, dict):
        return {k: fresh(x) for k, x in value.items()}
    return value


# --- kinds and their bad values ----------------------------------------------------------------------

#: The kinds of argument and the cases generated for each (``*``: only where the valid value allows it).
KINDS = {
    "real": "nan inf -inf empty ndim+1 ndim-1* mismatch* string None",
    "positive": "real + zero negative",
    "nonneg": "real + negative",
    "prob": "real + below0 above1",
    "sign": "real + zero half (entries must be ±1)",
    "binary": "real + half negative (entries must be 0 or 1)",
    "count": "real + half negative (whole numbers >= 0)",
    "size": "int: zero negative fraction string None ndim+1",
    "int": "int: negative fraction string None ndim+1 (zero allowed)",
    "sizes": "a list of sizes: empty zero negative fraction string None",
    "arrays": "a list of arrays: element 0 nan inf ndim+1 ndim-1 empty; empty-list shorter string None",
    "bool": "string None",
    "choice": "unknown string, None, number",
    "callable": "string None number",
    "generator": "string number None",
    "dtype": "string number",
    "device": "unknown string, number",
    "params": "optimizer parameters: empty-list string None number-list",
    "opaque": "string None",
}
NUMERIC = {"real", "positive", "nonneg", "prob", "sign", "binary", "count"}
CASES = KINDS  # the documentation name


def infer_kind(value) -> str:
    if isinstance(value, Arg):
        value = value.value
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "size" if value >= 1 else "int"
    if isinstance(value, G) or isinstance(value, torch.Generator):
        return "generator"
    if isinstance(value, P):
        return "opaque"
    if isinstance(value, str):
        return "choice"
    if isinstance(value, torch.dtype):
        return "dtype"
    if isinstance(value, torch.device):
        return "device"
    if callable(value) and not isinstance(value, (torch.Tensor, np.ndarray)):
        return "callable"
    if isinstance(value, (list, tuple)) and value and all(isinstance(x, torch.Tensor) for x in value):
        return "arrays"
    try:
        t = torch.as_tensor(value, dtype=torch.float64)
    except (TypeError, ValueError, RuntimeError):
        return "opaque"
    return "positive" if t.numel() and bool((t > 0).all()) else "real"


def _as_like(t: torch.Tensor, original):
    """``t`` in the container of ``original``: a Python number, a list, a tuple, an array or a tensor."""
    if isinstance(original, torch.Tensor):
        return t.to(original.dtype) if original.is_floating_point() or not t.is_floating_point() else t
    if isinstance(original, np.ndarray):
        return t.numpy()
    if isinstance(original, tuple):
        out = t.tolist()
        return tuple(out) if isinstance(out, list) else out
    return t.tolist()


def _set_first(value, new) -> Any:
    t = torch.as_tensor(value).detach().clone()
    if not t.is_floating_point():
        t = t.to(torch.float64)
    t.view(-1)[0] = new
    return _as_like(t, value)


def _tensor(value) -> torch.Tensor | None:
    try:
        return torch.as_tensor(value).detach()
    except (TypeError, ValueError, RuntimeError):
        return None


def numeric_cases(value, kind: str, mismatch: bool) -> dict[str, Callable[[], Any]]:
    """Bad values for a number or an array of kind ``kind`` (one of :data:`NUMERIC`)."""
    t = _tensor(value)
    scalar = not isinstance(value, (torch.Tensor, np.ndarray, list, tuple))
    cases = {
        "nan": lambda: _set_first(value, math.nan),
        "inf": lambda: _set_first(value, math.inf),
        "-inf": lambda: _set_first(value, -math.inf),
        "string": lambda: "abc",
        "None": lambda: None,
    }
    first = float(t.reshape(-1)[0]) if t.is_floating_point() or not t.is_complex() else 0.0
    if kind == "positive":
        cases["zero"] = lambda: _set_first(value, 0.0)
        cases["negative"] = lambda: _set_first(value, -abs(first) if first else -1.0)
    if kind in ("nonneg", "binary", "count"):
        cases["negative"] = lambda: _set_first(value, -1.0)
    if kind == "prob":
        cases["below0"] = lambda: _set_first(value, -0.5)
        cases["above1"] = lambda: _set_first(value, 1.5)
    if kind == "sign":
        cases["zero"] = lambda: _set_first(value, 0.0)
    if kind in ("sign", "binary", "count"):
        cases["half"] = lambda: _set_first(value, 0.5)
    if scalar:
        cases["empty"] = lambda: []
        cases["ndim+1"] = lambda: [value, value]
        return cases
    cases["empty"] = lambda: _as_like(t[:0] if t.ndim else t.reshape(-1)[:0], value)
    cases["ndim+1"] = lambda: _as_like(t.unsqueeze(-1), value)
    if t.ndim >= 1:
        cases["ndim-1"] = lambda: _as_like(t[..., 0], value)
    if mismatch and t.ndim >= 1:
        grow_last = lambda: _as_like(torch.cat([t, t[..., :1]], -1), value)  # noqa: E731
        if t.ndim == 1:
            cases["mismatch"] = grow_last
        else:
            cases["mismatch-first"] = lambda: _as_like(torch.cat([t, t[:1]], 0), value)
            cases["mismatch-last"] = grow_last
    return cases


def int_cases(value, kind: str) -> dict[str, Callable[[], Any]]:
    cases = {"negative": lambda: -1, "fraction": lambda: value + 0.5, "string": lambda: "abc",
             "None": lambda: None, "ndim+1": lambda: [value, value]}
    if kind == "size":
        cases["zero"] = lambda: 0
    return cases


def list_cases(value, kind: str) -> dict[str, Callable[[], Any]]:
    cases: dict[str, Callable[[], Any]] = {"string": lambda: "abc", "None": lambda: None}
    if kind == "sizes":
        rest = list(value[1:])
        cases.update({"empty": lambda: [], "zero": lambda: [0, *rest], "negative": lambda: [-1, *rest],
                      "fraction": lambda: [value[0] + 0.5, *rest]})
    elif kind == "arrays":
        def element(case):
            def make():
                items = fresh(list(value))
                items[0] = numeric_cases(items[0], "real", False)[case]()
                return type(value)(items)
            return make
        cases.update({f"[0] {c}": element(c) for c in ("nan", "inf", "empty", "ndim+1", "ndim-1")})
        cases["empty"] = lambda: type(value)()
        if len(value) >= 2:
            cases["shorter"] = lambda: type(value)(fresh(list(value[:-1])))
    elif kind == "params":
        cases.update({"empty": lambda: [], "numbers": lambda: [1.0, 2.0]})
    return cases


def cases_for(value, kind: str, mismatch: bool) -> dict[str, Callable[[], Any]]:
    """Every generated bad value for one argument, by case name."""
    if kind in NUMERIC:
        return numeric_cases(fresh(value), kind, mismatch)
    if kind in ("size", "int"):
        return int_cases(value, kind)
    if kind in ("sizes", "arrays", "params"):
        return list_cases(value, kind)
    cases: dict[str, Callable[[], Any]] = {"string": lambda: "abc", "None": lambda: None}
    if kind == "choice":
        cases.update(string=lambda: "no-such-choice", number=lambda: 3)
    elif kind in ("callable", "generator", "dtype", "device"):
        cases["number"] = lambda: 3
        if kind == "device":
            cases["string"] = lambda: "no-such-device"
    elif kind not in ("bool", "opaque"):
        raise ValueError(f"unknown kind {kind!r}")
    return cases


# --- a swept callable -------------------------------------------------------------------------------


@dataclass
class Case:
    qualname: str
    arg: str
    case: str
    outcome: str = ""  # clear, unclear, silent, accepted (declared valid)
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return self.qualname, self.arg, self.case


class FixtureError(Exception):
    """The fixture is missing, incomplete or not a valid call."""


def _fixtures():
    from tests.core.bad_input_fixtures import FIXTURES
    return FIXTURES


HOW_TO = ("add a valid call to FIXTURES in tests/core/bad_input_fixtures.py, keyed by its qualified name "
          "(see CONTRIBUTING.md, 'Input validation')")


def plan(qualname: str, obj) -> tuple[dict[str, Arg], inspect.Signature]:
    """The valid call of ``qualname``: every parameter with a value, a kind and its accepted cases."""
    fixtures = _fixtures()
    if qualname not in fixtures:
        raise FixtureError(f"{qualname} has no valid-call fixture: {HOW_TO}")
    given = dict(fixtures[qualname])
    sig = inspect.signature(obj)
    unknown = set(given) - set(sig.parameters)
    if unknown:
        raise FixtureError(f"the fixture of {qualname} names no parameter {sorted(unknown)}; "
                           f"parameters: {list(sig.parameters)}")
    args = {}
    for name, p in sig.parameters.items():
        if p.kind is p.VAR_KEYWORD:
            continue
        if name in given:
            arg = given[name] if isinstance(given[name], Arg) else Arg(given[name])
        elif p.kind is p.VAR_POSITIONAL:
            raise FixtureError(f"the fixture of {qualname} must give *{name} as a list")
        elif p.default is p.empty:
            raise FixtureError(f"the fixture of {qualname} lacks the required argument {name!r}: {HOW_TO}")
        elif p.default is None:
            raise FixtureError(f"the fixture of {qualname} must give {name!r} a value other than its "
                               f"default None, so that it is swept: {HOW_TO}")
        else:
            arg = Arg(p.default)
        args[name] = Arg(arg.value, arg.kind or infer_kind(arg.value), arg.ok, arg.bad)
    return args, sig


def _call(obj, sig: inspect.Signature, values: dict[str, Any]):
    positional, keywords = [], {}
    for name, p in sig.parameters.items():
        if name not in values:
            continue
        if p.kind is p.VAR_POSITIONAL:  # a list is spread; anything else is one bad positional argument
            positional.extend(values[name] if isinstance(values[name], (list, tuple)) else [values[name]])
        elif p.kind is p.POSITIONAL_ONLY:
            positional.append(values[name])
        else:
            keywords[name] = values[name]
    return obj(*positional, **keywords)


class _Timeout(BaseException):
    pass


def _alarm(signum, frame):
    raise _Timeout


def _nonfinite(result) -> bool:
    if isinstance(result, torch.Tensor):
        return bool(result.is_floating_point() or result.is_complex()) and not bool(torch.isfinite(result).all())
    if isinstance(result, float):
        return not math.isfinite(result)
    if isinstance(result, np.ndarray) and result.dtype.kind in "fc":
        return not bool(np.isfinite(result).all())
    if isinstance(result, (list, tuple)):
        return any(_nonfinite(x) for x in result)
    if isinstance(result, dict):
        return any(_nonfinite(x) for x in result.values())
    return False


def _raised_in_edl(err: BaseException) -> str:
    """The file of the innermost frame of the traceback, relative to the library if inside it."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return "?"
    path = Path(frames[-1].filename).resolve()
    return str(path.relative_to(LIB.parent)) if path.is_relative_to(LIB) else path.name


def names(message: str, arg: str) -> bool:
    """Whether an error message names the argument ``arg`` (as a word: ``x`` is not in ``x0``)."""
    return re.search(rf"(?<![\w.]){re.escape(arg)}(?![\w])", message) is not None


def classify(run: Callable[[], Any], arg: str) -> tuple[str, str]:
    """Run one bad call and say how it ended: (outcome, detail)."""
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.setitimer(signal.ITIMER_REAL, TIMEOUT_S)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = run()
    except _Timeout:
        return "unclear", f"hang: still running after {TIMEOUT_S:g} s"
    except (ValueError, TypeError) as err:
        where = _raised_in_edl(err)
        message = f"{type(err).__name__} in {where}: {str(err)[:300]}"
        if not where.startswith("edl/"):
            return "unclear", "raised outside edl: " + message
        if not names(str(err), arg):
            return "unclear", f"does not name {arg}: " + message
        return "clear", message
    except Exception as err:  # noqa: BLE001 -- every other exception is the finding
        return "unclear", f"{type(err).__name__} in {_raised_in_edl(err)}: {str(err)[:300]}"
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if _nonfinite(result):
        return "silent", "returned NaN or inf"
    return "silent", "accepted: returned " + _short(result)


def _short(result) -> str:
    text = repr(result).replace("\n", " ")
    return text if len(text) <= 120 else text[:117] + "..."


def cases(qualname: str, obj) -> tuple[list[tuple[Case, Callable[[], Any]]], list[Case], Callable[[], Any]]:
    """The bad calls of one callable (each with a thunk that makes it), the declared valid ones, and the valid call."""
    args, sig = plan(qualname, obj)
    arrays = sum(1 for x in args.values() if x.kind in NUMERIC and _ndim(x.value) >= 1 or x.kind == "arrays")

    def valid():
        return _call(obj, sig, {n: fresh(x.value) for n, x in args.items()})

    bad, accepted = [], []
    for name, arg in args.items():
        made = cases_for(arg.value, arg.kind, arrays >= 2)
        unknown = set(arg.ok) - set(made)
        if unknown:
            raise FixtureError(f"{qualname}: ok= for {name!r} names no generated case {sorted(unknown)}; "
                               f"its cases: {sorted(made)}")
        for extra, value in arg.bad.items():
            made[extra.replace("_", " ")] = (lambda value=value: fresh(value))
        for case, make in made.items():
            if case in arg.ok:
                accepted.append(Case(qualname, name, case, "accepted", "declared valid in the fixture"))
                continue
            if case == "None" and sig.parameters[name].default is None:
                accepted.append(Case(qualname, name, case, "accepted", "None is the default"))
                continue

            def run(name=name, make=make):
                values = {n: fresh(x.value) for n, x in args.items()}
                values[name] = make()
                return _call(obj, sig, values)
            bad.append((Case(qualname, name, case), run))
    return bad, accepted, valid


def _ndim(value) -> int:
    t = _tensor(value)
    return -1 if t is None else t.ndim


def sweep(qualname: str, obj) -> list[Case]:
    """Every case of one callable, with its outcome; raises :class:`FixtureError` if the fixture is unusable."""
    bad, accepted, valid = cases(qualname, obj)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            valid()
    except Exception as err:
        raise FixtureError(f"the fixture of {qualname} is not a valid call: {type(err).__name__}: {err}") from err
    done = []
    for case, run in bad:
        case.outcome, case.detail = classify(run, case.arg)
        done.append(case)
    return done + accepted


# --- the exceptions file ------------------------------------------------------------------------------


def read_exceptions(path: Path = EXCEPTIONS_FILE) -> dict[tuple[str, str, str], str]:
    """(qualified name, argument, case) → reason, from the tab-separated exceptions file."""
    found = {}
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 4 or not fields[3].strip():
            raise ValueError(f"{path.name}:{number}: want 4 tab-separated fields with a reason, got {line!r}")
        found[tuple(fields[:3])] = fields[3]
    return found


# --- the table ----------------------------------------------------------------------------------------


def tally(results: list[Case]) -> Counter:
    return Counter(c.outcome for c in results)


def table(results: dict[str, list[Case]], exceptions=None) -> str:
    """Outcomes per part and module: clear / unclear / silent, share clear, declared valid, listed exceptions."""
    exceptions = exceptions or {}
    by_module: dict[str, Counter] = {}
    for qualname, found in results.items():
        module = qualname.rsplit(".", 1)[0]
        count = by_module.setdefault(module, Counter())
        count.update(tally(found))
        count["excepted"] += sum(1 for c in found if c.key in exceptions and c.outcome != "clear")
    return table_of_counts(by_module)


def table_of_counts(by_module: dict[str, Counter]) -> str:
    """The table from counts per module (``clear``, ``unclear``, ``silent``, ``accepted``, ``excepted``)."""
    rows, totals = [], Counter()
    for part in edl.PARTS:
        part_total = Counter()
        for module, count in by_module.items():
            if module.split(".")[1] == part:
                rows.append(_row(module.split(".", 1)[1], count))
                part_total.update(count)
        rows.append(_row(f"{part} (all)", part_total))
        totals.update(part_total)
    rows.append(_row("all", totals))
    head = f"{'':34} {'clear':>6} {'unclear':>8} {'silent':>7} {'% clear':>8} {'valid':>6} {'excepted':>9}"
    return "\n".join([head, *rows])


def _row(label: str, count: Counter) -> str:
    bad = count["clear"] + count["unclear"] + count["silent"]
    share = 100 * count["clear"] / bad if bad else 100.0
    return (f"{label:34} {count['clear']:6d} {count['unclear']:8d} {count['silent']:7d} {share:7.1f}% "
            f"{count['accepted']:6d} {count['excepted']:9d}")


def main(argv: list[str]) -> int:
    """Sweep everything (or the qualified names matching ``argv``) and print the table and the failures."""
    torch.set_num_threads(1)
    exceptions = read_exceptions()
    results, problems = {}, []
    start = time.perf_counter()
    for qualname, obj in swept().items():
        if argv and not any(pattern in qualname for pattern in argv if not pattern.startswith("-")):
            continue
        try:
            results[qualname] = sweep(qualname, obj)
        except FixtureError as err:
            problems.append(str(err))
    print(table(results, exceptions))
    print(f"{sum(len(r) for r in results.values())} cases of {len(results)} callables "
          f"in {time.perf_counter() - start:.1f} s")
    if "-v" in argv:
        for found in results.values():
            for c in found:
                if c.outcome in ("unclear", "silent"):
                    mark = " (listed)" if c.key in exceptions else ""
                    print(f"{c.outcome:8} {c.qualname}({c.arg}: {c.case}){mark}: {c.detail}")
    for problem in problems:
        print("FIXTURE:", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    from tests.core import bad_input  # the fixtures use that module's classes, not __main__'s

    sys.exit(bad_input.main(sys.argv[1:]))
