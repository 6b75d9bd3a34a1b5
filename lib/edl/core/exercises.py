"""Classroom exercises with immediate, server-free feedback.

An exercise names a function the student writes, a reference route, and test cases. In a notebook::

    def entropy_bits(p):            # a cell tagged "solution": `make student` strips the body
        ...
    check("bg.ex.entropy-bits", entropy_bits)   # prints ✓, or what is wrong and by how much

In the repository the solution cells hold worked solutions, so nbval runs (and output-checks) them.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from edl.core.checking import max_abs_error
from edl.core.parts import import_all

PASS, FAIL = "\u2713", "\u2717"


@dataclass(frozen=True)
class Exercise:
    """``cases`` are tuples of positional arguments; ``reference`` computes the right answer for each."""

    key: str
    function: str
    reference: Callable
    cases: Sequence[tuple]
    atol: float = 1e-8
    rtol: float = 1e-6
    hint: str = ""


_EXERCISES: dict[str, Exercise] = {}


def exercise(key: str, *, function: str, cases: Sequence[tuple], atol: float = 1e-8, rtol: float = 1e-6,
             hint: str = ""):
    """Register the decorated function as the reference solution of exercise ``key``."""
    if not cases:
        raise ValueError(f"cases of exercise {key!r} must not be empty")

    def register(reference: Callable) -> Callable:
        _EXERCISES[key] = Exercise(key, function, reference, tuple(cases), atol, rtol, hint)
        return reference

    return register


def registered() -> dict[str, Exercise]:
    """All exercises, after importing the ``exercises`` module of every part package."""
    import_all("exercises")
    return dict(_EXERCISES)


def _as_array(x) -> np.ndarray:
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().double().numpy()
    return np.asarray(x, dtype=np.float64)


def _show_args(args: tuple) -> str:
    def one(a):
        if isinstance(a, torch.Tensor):
            a = a.tolist()
        if isinstance(a, (list, tuple)) and len(a) > 6:
            return f"[{len(a)} values]"
        return repr(a)
    return ", ".join(one(a) for a in args)


def grade(ex: Exercise, answer: Callable) -> tuple[bool, str]:
    """Run ``answer`` on every case; return (passed, feedback)."""
    for args in ex.cases:
        try:
            got = answer(*args)
        except NotImplementedError:
            return False, f"{ex.function} is not implemented yet: write its body and run this cell again"
        except Exception as err:
            return False, f"{ex.function}({_show_args(args)}) raised {type(err).__name__}: {err}"
        want = ex.reference(*args)
        try:
            g, w = _as_array(got), _as_array(want)
        except (TypeError, ValueError):
            return False, f"{ex.function}({_show_args(args)}) returned {got!r}, not a number or array"
        if g.shape != w.shape:
            return False, f"{ex.function}({_show_args(args)}) has shape {g.shape}, expected {w.shape}"
        if not np.allclose(g, w, atol=ex.atol, rtol=ex.rtol, equal_nan=False):
            off = max_abs_error(g, w)
            shown = f"{g.item():.6g}" if g.size == 1 else f"an array off by up to {off:.3g}"
            expect = f"{w.item():.6g}" if w.size == 1 else "the reference"
            hint = f" Hint: {ex.hint}" if ex.hint else ""
            return False, f"{ex.function}({_show_args(args)}) = {shown}, expected {expect} (off by {off:.3g}).{hint}"
    return True, f"{ex.function} is correct on all {len(ex.cases)} test cases"


def check(key: str, answer: Callable) -> None:
    """Print feedback on the student's ``answer`` to exercise ``key`` (never raises for a wrong answer)."""
    exercises = registered()
    if key not in exercises:
        raise ValueError(f"key must name a registered exercise, got {key!r}")
    if not callable(answer):
        raise ValueError(f"answer must be the function you wrote, got {answer!r}")
    passed, feedback = grade(exercises[key], answer)
    print(f"{key}  {PASS if passed else FAIL}  {feedback}")
