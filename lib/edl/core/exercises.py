"""Classroom exercises with immediate, server-free feedback.

An exercise names a function the student writes, a reference route, and test cases. In a notebook::

    def entropy_bits(p):            # a cell tagged "solution": `make student` strips the body
        ...
    check("bg.ex.entropy-bits", entropy_bits)   # prints ✓, or what is wrong and by how much

In the repository the solution cells hold worked solutions, so nbval runs (and output-checks) them.
In the HTML book those cells are tagged ``hide-input`` as well: the solution sits behind a closed toggle.

Every exercise has a **kind**, shown in its heading:

``implement``  write a function for a formula or algorithm of the text.
``derive``     derive a result on paper; the function returns a numeric consequence of it, and ``tight``
               cases (a bound's equality case, a limit that is attained) make a wrong constant fail.
``predict``    record a prediction *before* running an experiment: the function returns an option
               letter (``choices``) or a number (checked within ``atol``/``rtol``), and only a right
               prediction reveals the ``explanation``. A wrong one is never told the right answer.
``explore``    answer a question by moving the ``explorer`` (the dotted name of the function that builds
               it); the reference computes the answer from the explorer's own data, never a typed number.
``debug``      repair the ``buggy`` source: the book's cell (tagged ``debug``) holds the repaired version,
               the student edition substitutes ``buggy``, on which the check must fail.

An exercise may also have ``hidden`` cases: the book's check never runs them, and the classroom edition
(:mod:`edl.core.classroom`) puts them in nbgrader's hidden tests, which students do not see and the
autograder runs, so that an answer fitted to the visible cases loses the points.

Exercises are numbered per part, in the order of the ``check_exercise`` calls in the part's notebook:
:func:`exercise_numbers` is the one place that numbers them, and :func:`heading` writes the heading
``**Exercise 1.4** (predict) — title`` that opens each exercise's prompt.
"""

import ast
import importlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

import edl
from edl.core.checking import max_abs_error
from edl.core.parts import import_all

PASS, FAIL = "\u2713", "\u2717"
KINDS = ("derive", "predict", "explore", "debug", "implement")
#: The call that checks an exercise in a notebook: ``check_exercise("key", function_name)``.
CHECK_CALL = re.compile(r"""check_exercise\(\s*["']([^"']+)["']\s*,\s*([A-Za-z_]\w*)\s*\)""")
#: An exercise heading as :func:`heading` writes it.
HEADING = re.compile(r"^\*\*Exercise (?P<number>[0-9A-Z]+\.\d+)\*\* \((?P<kind>[a-z]+)\) \u2014 (?P<title>.+)$",
                     re.MULTILINE)


@dataclass(frozen=True)
class Exercise:
    """``cases`` and ``tight`` are tuples of positional arguments; ``reference`` computes the right answer
    for each. The other fields are described in the module docstring."""

    key: str
    function: str
    reference: Callable
    cases: Sequence[tuple]
    kind: str
    title: str
    atol: float = 1e-8
    rtol: float = 1e-6
    hint: str = ""
    tight: Sequence[tuple] = ()
    explanation: str = ""
    choices: Mapping[str, str] = field(default_factory=dict)
    explorer: str = ""
    buggy: str = ""
    hidden: Sequence[tuple] = ()

    @property
    def all_cases(self) -> tuple[tuple, ...]:
        """The tight cases first (the simplest answers to compare with), then the others."""
        return (*self.tight, *self.cases)

    @property
    def module(self) -> str:
        return self.reference.__module__


_EXERCISES: dict[str, Exercise] = {}


def _defined_functions(source: str, what: str) -> list[str]:
    """Names of the functions ``source`` defines; it may hold only imports and function definitions."""
    try:
        tree = ast.parse(source)
    except SyntaxError as err:
        raise ValueError(f"{what} must be valid Python, got a syntax error: {err}") from None
    names = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.append(node.name)
        elif not isinstance(node, (ast.Import, ast.ImportFrom)):
            raise ValueError(f"{what} may hold only imports and function definitions, got: "
                             f"{ast.get_source_segment(source, node)!r}")
    return names


def exercise(key: str, *, function: str, cases: Sequence[tuple], kind: str, title: str, atol: float = 1e-8,
             rtol: float = 1e-6, hint: str = "", tight: Sequence[tuple] = (), explanation: str = "",
             choices: Mapping[str, str] | None = None, explorer: str = "", buggy: str = "",
             hidden: Sequence[tuple] = ()):
    """Register the decorated function as the reference solution of exercise ``key`` (see the module docstring)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    if not cases:
        raise ValueError(f"cases of exercise {key!r} must not be empty")
    if not title.strip() or "\n" in title:
        raise ValueError(f"title of exercise {key!r} must be one non-empty line, got {title!r}")
    if not function.isidentifier():
        raise ValueError(f"function must be a Python identifier, got {function!r}")
    if kind == "derive" and not tight:
        raise ValueError(f"tight of derive exercise {key!r} must name at least one equality or limiting case")
    if kind == "predict" and not explanation.strip():
        raise ValueError(f"explanation of predict exercise {key!r} must say why, revealed after a right prediction")
    if choices is not None and (kind != "predict" or not choices):
        raise ValueError(f"choices of exercise {key!r} must be a non-empty mapping, and only for kind 'predict', "
                         f"got kind {kind!r} and choices {choices!r}")
    if choices and not all(isinstance(c, str) and c and c == c.strip().lower() for c in choices):
        raise ValueError(f"choices of exercise {key!r} must be keyed by lower-case letters, got {list(choices)}")
    if bool(explorer) != (kind == "explore"):
        raise ValueError(f"explorer of exercise {key!r} must name the explorer exactly when kind is 'explore', "
                         f"got kind {kind!r} and explorer {explorer!r}")
    if bool(buggy) != (kind == "debug"):
        raise ValueError(f"buggy of exercise {key!r} must hold the buggy source exactly when kind is 'debug', "
                         f"got kind {kind!r}")
    if buggy and function not in _defined_functions(buggy, f"buggy of exercise {key!r}"):
        raise ValueError(f"buggy of exercise {key!r} must define the function {function!r}")

    def register(reference: Callable) -> Callable:
        _EXERCISES[key] = Exercise(key, function, reference, tuple(cases), kind, title, atol, rtol, hint,
                                   tuple(tight), explanation, dict(choices or {}), explorer, buggy, tuple(hidden))
        return reference

    return register


def registered() -> dict[str, Exercise]:
    """All exercises, after importing the ``exercises`` module of every part package."""
    import_all("exercises")
    return dict(_EXERCISES)


def buggy_function(ex: Exercise) -> Callable:
    """The function defined by a debug exercise's ``buggy`` source (run with NumPy as ``np``, as in the book)."""
    if ex.kind != "debug":
        raise ValueError(f"ex must be a debug exercise, got kind {ex.kind!r} for {ex.key!r}")
    namespace = {"np": np, "torch": torch}
    exec(compile(ex.buggy, f"<buggy {ex.key}>", "exec"), namespace)  # noqa: S102 - source of the library itself
    return namespace[ex.function]


def resolve_explorer(ex: Exercise) -> Callable:
    """The function that builds an explore exercise's explorer."""
    module, _, name = ex.explorer.rpartition(".")
    return getattr(importlib.import_module(module), name)


# --- grading -----------------------------------------------------------------------------------------

def _as_array(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=np.float64)


def _show_args(args: tuple) -> str:
    def one(a):
        if isinstance(a, torch.Tensor):
            a = a.tolist()
        if isinstance(a, (list, tuple)) and (len(a) > 6 or len(repr(a)) > 60):
            return f"[{len(a)} values]"
        return repr(a)
    return ", ".join(one(a) for a in args)


def _grade_choice(ex: Exercise, call: str, got, want) -> str | None:
    """None if the chosen option is right; otherwise feedback that does not give the right option away."""
    letters = ", ".join(repr(c) for c in ex.choices)
    if not isinstance(got, str) or got.strip().lower() not in ex.choices:
        return f"{call} returned {got!r}: answer with one of the options {letters}"
    if got.strip().lower() == want:
        return None
    hint = f" Hint: {ex.hint}" if ex.hint else ""
    return f"{call} = {got!r} is not what happens: think again before you look at the experiment.{hint}"


def _grade_number(ex: Exercise, call: str, got, want, tight: bool) -> str | None:
    """None if ``got`` matches ``want`` within the tolerances; otherwise what is wrong and by how much."""
    try:
        g, w = _as_array(got), _as_array(want)
    except (TypeError, ValueError):
        return f"{call} returned {got!r}, not a number or array"
    if g.shape != w.shape:
        return f"{call} has shape {g.shape}, expected {w.shape}"
    if np.allclose(g, w, atol=ex.atol, rtol=ex.rtol, equal_nan=False):
        return None
    hint = f" Hint: {ex.hint}" if ex.hint else ""
    where = " This is an equality case: a wrong constant shows here first." if tight else ""
    if ex.kind == "predict":  # a prediction is told its direction, never the measured value
        way = "too high" if g.size == 1 and g.item() > w.item() else "too low" if g.size == 1 else "off"
        return f"{call} = {g.item() if g.size == 1 else g.tolist()!r} is {way}: think again before you look.{hint}"
    off = max_abs_error(g, w)
    shown = f"{g.item():.6g}" if g.size == 1 else f"an array off by up to {off:.3g}"
    expect = f"{w.item():.6g}" if w.size == 1 else "the reference"
    return f"{call} = {shown}, expected {expect} (off by {off:.3g}).{where}{hint}"


def grade(ex: Exercise, answer: Callable, *, hidden: bool = False) -> tuple[bool, str]:
    """Run ``answer`` on every case (or on the ``hidden`` cases only); return (passed, feedback)."""
    cases = ex.hidden if hidden else ex.all_cases
    if hidden and not cases:
        raise ValueError(f"hidden is set, but exercise {ex.key!r} has no hidden cases")
    for k, args in enumerate(cases):
        call = f"{ex.function}({_show_args(args)})"
        try:
            got = answer(*args)
        except NotImplementedError:
            return False, f"{ex.function} is not implemented yet: write its body and run this cell again"
        except Exception as err:
            return False, f"{call} raised {type(err).__name__}: {err}"
        want = ex.reference(*args)
        if ex.choices:
            wrong = _grade_choice(ex, call, got, want)
        else:
            wrong = _grade_number(ex, call, got, want, tight=not hidden and k < len(ex.tight))
        if wrong:
            return False, wrong
    n = len(cases)
    return True, f"{ex.function} is correct on all {n} test case{'s' if n > 1 else ''}"


def _answered(key: str, answer: Callable) -> Exercise:
    """The exercise ``key`` names, once ``key`` and ``answer`` are known to be valid."""
    exercises = registered()
    if key not in exercises:
        raise ValueError(f"key must name a registered exercise, got {key!r}")
    if not callable(answer):
        raise ValueError(f"answer must be the function you wrote, got {answer!r}")
    return exercises[key]


def check(key: str, answer: Callable) -> None:
    """Print feedback on the student's ``answer`` to exercise ``key`` (never raises for a wrong answer).

    After a right answer the exercise's explanation, if it has one, is printed below the verdict.
    """
    ex = _answered(key, answer)
    passed, feedback = grade(ex, answer)
    print(f"{key}  {PASS if passed else FAIL}  {feedback}")
    if passed and ex.explanation:
        print(f"Why: {ex.explanation}")


def require(key: str, answer: Callable, *, hidden: bool = False) -> None:
    """The autograder's test of exercise ``key`` (classroom edition): print the verdict, and raise an
    ``AssertionError`` carrying the feedback when ``answer`` is wrong. ``hidden`` runs the hidden cases."""
    passed, feedback = grade(_answered(key, answer), answer, hidden=hidden)
    print(f"{key}{' (hidden cases)' if hidden else ''}  {PASS if passed else FAIL}  {feedback}")
    assert passed, feedback


# --- numbering and headings --------------------------------------------------------------------------

def part_notebook(part: str) -> str:
    """The notebook stem of a part package."""
    return importlib.import_module(f"edl.{part}").NOTEBOOK


def chapter_label(part: str) -> str:
    """The label exercises of a part are numbered under: "1" for chapter 1, "A" for appendix A.

    Taken from the part's ``TITLE`` ("Chapter 1 — …", "Appendix A — …") where it has one, otherwise from
    its notebook's name (``chNN_…``; appendices lettered in the order of :data:`edl.PARTS`).

    >>> chapter_label("connectionism"), chapter_label("probability")
    ('1', 'A')
    """
    if part not in edl.PARTS:
        raise ValueError(f"part must be one of {edl.PARTS}, got {part!r}")
    found = re.match(r"(?:Chapter|Appendix) ([0-9A-Z]+)\b", getattr(importlib.import_module(f"edl.{part}"), "TITLE", ""))
    if found:
        return found.group(1)
    chapter = re.match(r"ch(\d+)_", part_notebook(part))
    if chapter:
        return str(int(chapter.group(1)))
    appendices = [p for p in edl.PARTS if not re.match(r"ch\d+_", part_notebook(p))]
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[appendices.index(part)]


def cell_source(cell: Mapping) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def checked_in(cells: Sequence[Mapping]) -> list[tuple[int, str, str]]:
    """``(cell index, key, function name)`` of every ``check_exercise`` call in code cells, in order."""
    return [(i, key, name) for i, cell in enumerate(cells) if cell.get("cell_type") == "code"
            for key, name in CHECK_CALL.findall(cell_source(cell))]


def numbers_in(part: str, cells: Sequence[Mapping], start: int = 1) -> dict[str, str]:
    """The numbers of the exercises checked in ``cells``, the cells of ``part``'s notebook: the part's
    :func:`chapter_label`, then the place among the ``check_exercise`` calls ("1.4", "A.2"), counted
    from ``start`` (see :func:`first_number`)."""
    numbers = {}
    for k, (_, key, _) in enumerate(checked_in(cells), start=start):
        if key in numbers:
            raise ValueError(f"exercise {key!r} is checked twice in the notebook of {part!r}")
        numbers[key] = f"{chapter_label(part)}.{k}"
    return numbers


def first_number(part: str, notebooks: Path) -> int:
    """Where the exercise count of ``part`` starts: after the exercises of the earlier parts in
    :data:`edl.PARTS` that share its chapter label (a chapter written as two notebooks, 10a and 10b,
    numbers its exercises 10.1, 10.2, ... across both, so that they never clash)."""
    label, start = chapter_label(part), 1
    for earlier in edl.PARTS[:edl.PARTS.index(part)]:
        path = Path(notebooks) / f"{part_notebook(earlier)}.ipynb"
        if chapter_label(earlier) == label and path.exists():
            start += len(checked_in(json.loads(path.read_text(encoding="utf-8"))["cells"]))
    return start


def exercise_numbers(notebooks: Path) -> dict[str, str]:
    """The number of every exercise checked in the part notebooks in the folder ``notebooks``."""
    numbers = {}
    for part in edl.PARTS:
        path = Path(notebooks) / f"{part_notebook(part)}.ipynb"
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        found = numbers_in(part, cells, first_number(part, notebooks))
        twice = numbers.keys() & found.keys()
        if twice:
            raise ValueError(f"exercises {sorted(twice)} are checked in {path.name} and in an earlier notebook")
        numbers |= found
    return numbers


def heading(ex: Exercise, number: str) -> str:
    """The heading line that opens the prompt of exercise ``ex``.

    >>> heading(Exercise("k", "f", abs, [(1,)], "predict", "Past the stability limit"), "3.2")
    '**Exercise 3.2** (predict) — Past the stability limit'
    """
    return f"**Exercise {number}** ({ex.kind}) \u2014 {ex.title}"
