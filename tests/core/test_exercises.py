import re

import nbformat
import numpy as np
import pytest

import edl
from edl.core.exercises import (HEADING, KINDS, buggy_function, chapter_label, check, checked_in, exercise,
                                exercise_numbers, first_number, grade, heading, numbers_in, part_notebook, registered,
                                resolve_explorer)
from edl.core.explore import Explorer
from edl.core.parts import part_of
from tests.paths import NOTEBOOKS


@exercise("test.double", function="double", kind="implement", title="Double it",
          cases=[(1.0,), (2.5,), (-3.0,)], hint="multiply by two")
def _double(x):
    return 2 * x


@exercise("test.square-bound", function="square_bound", kind="derive", title="A bound with its equality case",
          tight=[(0.0,)], cases=[(1.0,), (2.0,)], explanation="equality at 0")
def _square_bound(x):
    return (1 + x) ** 2


@exercise("test.coin", function="coin_prediction", kind="predict", title="Predict a coin",
          choices={"a": "heads", "b": "tails", "c": "on its edge"}, cases=[(0,), (1,), (2,)],
          explanation="THE-EXPLANATION", hint="look at the parity")
def _coin(k):
    return "a" if k % 2 == 0 else "b"


@exercise("test.number", function="number_prediction", kind="predict", title="Predict a number",
          cases=[(1.0,), (2.0,), (4.0,)], rtol=0.05, atol=0, explanation="THE-NUMERIC-EXPLANATION")
def _number(x):
    return 10 * x


BUGGY_DOUBLE = 'def doubled(x):\n    "Twice x."\n    return x + 2\n'


@exercise("test.debug-double", function="doubled", kind="debug", title="Repair a doubling",
          buggy=BUGGY_DOUBLE, cases=[(2.0,), (0.0,), (5.0,)])
def _doubled(x):
    return 2 * x


def _book() -> dict:
    return {key: ex for key, ex in registered().items() if not key.startswith("test.")}


def _cells(part: str):
    return nbformat.read(NOTEBOOKS / f"{part_notebook(part)}.ipynb", as_version=4).cells


def _tags(cell) -> list[str]:
    return cell.get("metadata", {}).get("tags", [])


# --- grading ---------------------------------------------------------------------------------------

def test_correct_answer(capsys):
    check("test.double", lambda x: x + x)
    assert "\u2713  double is correct on all 3 test cases" in capsys.readouterr().out


def test_wrong_answer_says_which_case_and_by_how_much():
    passed, feedback = grade(registered()["test.double"], lambda x: 3 * x)
    assert not passed
    assert feedback == "double(1.0) = 3, expected 2 (off by 1). Hint: multiply by two"


def test_stub_is_reported_not_raised():
    def stub(x):
        raise NotImplementedError
    passed, feedback = grade(registered()["test.double"], stub)
    assert not passed and "not implemented yet" in feedback


def test_crash_and_wrong_shape_are_reported():
    assert "raised ZeroDivisionError" in grade(registered()["test.double"], lambda x: 1 / 0)[1]
    assert "shape" in grade(registered()["test.double"], lambda x: [x, x])[1]


def test_bad_keys_and_answers():
    with pytest.raises(ValueError, match="key must name"):
        check("no.such.exercise", abs)
    with pytest.raises(ValueError, match="answer must be"):
        check("test.double", 3)
    with pytest.raises(ValueError, match="cases"):
        exercise("test.empty", function="f", kind="implement", title="t", cases=[])


def test_an_unknown_kind_is_refused_by_name():
    with pytest.raises(ValueError, match=r"kind must be one of derive, predict, explore, debug, implement, got 'proof'"):
        exercise("test.bad-kind", function="f", kind="proof", title="t", cases=[(1,)])


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="derive"), "tight of derive exercise"),
    (dict(kind="predict"), "explanation of predict exercise"),
    (dict(kind="predict", explanation="why", choices={}), "choices"),
    (dict(kind="predict", explanation="why", choices={"A": "upper case"}), "lower-case letters"),
    (dict(kind="implement", choices={"a": "x"}), "only for kind 'predict'"),
    (dict(kind="explore"), "explorer of exercise"),
    (dict(kind="implement", explorer="edl.x.y"), "explorer of exercise"),
    (dict(kind="debug"), "buggy of exercise"),
    (dict(kind="debug", buggy="def other(x):\n    return x\n"), "must define the function 'f'"),
    (dict(kind="debug", buggy="x = 1\n"), "only imports and function definitions"),
    (dict(kind="implement", buggy="def f(x):\n    return x\n"), "buggy of exercise"),
    (dict(kind="implement", title=""), "title"),
])
def test_each_kind_requires_its_own_arguments(kwargs, message):
    args = dict(function="f", title="t", cases=[(1,)]) | kwargs
    with pytest.raises(ValueError, match=message):
        exercise("test.invalid", **args)


def test_derive_checks_the_equality_case_first():
    ex = registered()["test.square-bound"]
    assert ex.all_cases[0] == (0.0,)
    passed, feedback = grade(ex, lambda x: 2 * (1 + x) ** 2)  # a wrong constant
    assert not passed and "square_bound(0.0)" in feedback and "equality case" in feedback
    assert grade(ex, lambda x: 1 + 2 * x + x * x) == (True, "square_bound is correct on all 3 test cases")


def test_predict_reveals_the_explanation_only_after_a_right_prediction(capsys):
    check("test.coin", lambda k: "AB"[k % 2])  # letters are case-insensitive
    out = capsys.readouterr().out
    assert "\u2713" in out and "Why: THE-EXPLANATION" in out
    check("test.coin", lambda k: {0: "a", 1: "b", 2: "c"}[k])
    out = capsys.readouterr().out
    assert "\u2717" in out and "coin_prediction(2) = 'c' is not what happens" in out
    assert "THE-EXPLANATION" not in out and "'a'" not in out, "a wrong prediction is not told the answer"
    assert "Hint: look at the parity" in out


def test_predict_refuses_an_answer_that_is_not_an_option():
    passed, feedback = grade(registered()["test.coin"], lambda k: "heads")
    assert not passed and "one of the options 'a', 'b', 'c'" in feedback


def test_numeric_prediction_within_tolerance(capsys):
    check("test.number", lambda x: 10.3 * x)  # within 5%
    assert "Why: THE-NUMERIC-EXPLANATION" in capsys.readouterr().out
    passed, feedback = grade(registered()["test.number"], lambda x: 12 * x)
    assert not passed and feedback.startswith("number_prediction(1.0) = 12.0 is too high")
    assert "10" not in feedback and "expected" not in feedback, "a prediction is never told the measured value"
    assert "too low" in grade(registered()["test.number"], lambda x: 5 * x)[1]


def test_debug_exercise_fails_on_its_buggy_version_and_passes_when_repaired():
    ex = registered()["test.debug-double"]
    assert not grade(ex, buggy_function(ex))[0]
    assert grade(ex, lambda x: x * 2)[0]
    with pytest.raises(ValueError, match="debug exercise"):
        buggy_function(registered()["test.double"])


# --- the book's exercises --------------------------------------------------------------------------

def test_every_registered_exercise_accepts_its_reference():
    for key, ex in registered().items():
        assert grade(ex, ex.reference)[0], key


def test_every_debug_exercise_fails_on_its_buggy_version():
    debug = [ex for ex in registered().values() if ex.kind == "debug"]
    assert debug
    for ex in debug:
        passed, feedback = grade(ex, buggy_function(ex))
        assert not passed, f"{ex.key}: the buggy version passes the check"


def test_every_kind_is_shown_in_the_book():
    assert {ex.kind for ex in _book().values()} == set(KINDS)


def test_book_exercises_have_three_cases_and_a_title():
    for key, ex in _book().items():
        assert len(ex.all_cases) >= 3, f"{key} has {len(ex.all_cases)} test cases"
        assert ex.title.strip(), key
        assert key.split(".")[0] in {"bg", *(f"ch{n:02d}" for n in range(1, 12))}, key


def test_chapter_labels():
    known = {"probability": "A", "connectionism": "1", "feedforward": "2", "optimization": "3", "theory": "9",
             "bayesian": "9", "generative": "10", "diffusion": "10"}
    assert {part: chapter_label(part) for part in edl.PARTS if part in known} == known
    with pytest.raises(ValueError, match="part must be one of"):
        chapter_label("nonsense")


def _heading_problems(part: str, cells) -> list[str]:
    """What is wrong with the exercise headings of a part notebook's cells (empty if nothing)."""
    book = _book()
    problems = []
    label = chapter_label(part)
    shown = [m for c in cells if c.cell_type == "markdown" for m in HEADING.finditer(c.source)]
    start = first_number(part, NOTEBOOKS) if part in edl.PARTS else 1
    want = [f"{label}.{k}" for k in range(start, start + len(shown))]
    if [m["number"] for m in shown] != want:
        problems.append(f"headings are numbered {[m['number'] for m in shown]}, not {want}")
    stray = [line for c in cells if c.cell_type == "markdown" for line in c.source.splitlines()
             if "**Exercise" in line and not HEADING.fullmatch(line)]
    if stray:
        problems.append(f"headings not in the form **Exercise N.k** (kind) — title: {stray}")
    try:
        numbers = numbers_in(part, cells, start)
    except ValueError as err:
        return problems + [str(err)]
    for i, key, name in checked_in(cells):
        if key not in book:
            problems.append(f"{key} is checked but not registered")
            continue
        answer = next((j for j in range(i - 1, -1, -1) if cells[j].cell_type == "code"
                       and re.search(rf"^def {name}\(", cells[j].source, re.MULTILINE)), None)
        prompt = next((j for j in range(answer - 1, -1, -1) if cells[j].cell_type == "markdown"), None) \
            if answer is not None else None
        if prompt is None:
            problems.append(f"{key}: no answer cell defining {name}, or no prompt before it")
            continue
        if heading(book[key], numbers[key]) not in cells[prompt].source.splitlines():
            problems.append(f"{key}: its prompt does not open with {heading(book[key], numbers[key])!r}")
    return problems


@pytest.mark.parametrize("part", edl.PARTS)
def test_exercise_headings_are_numbered_in_notebook_order(part):
    cells = _cells(part)
    assert not _heading_problems(part, cells)
    checked = [key for _, key, _ in checked_in(cells)]
    mine = sorted(key for key, ex in _book().items() if part_of(ex.module) == part)
    assert sorted(checked) == mine, f"every exercise of {part!r} is checked exactly once in its notebook"


def _notebook(cells: list[tuple[str, str]]) -> list:
    return [nbformat.v4.new_markdown_cell(s) if kind == "md" else nbformat.v4.new_code_cell(s) for kind, s in cells]


def _two_exercises(first: str, second: str, second_key: str = "ch01.ex.perceptron-update") -> list:
    return _notebook([
        ("md", first + "\n\nWrite it."), ("code", "def xor_from_nand(a, b):\n    return a ^ b"),
        ("code", 'check_exercise("ch01.ex.xor-from-nand", xor_from_nand)'),
        ("md", second + "\n\nWrite it."), ("code", "def perceptron_step(w, x, y):\n    return w"),
        ("code", f'check_exercise("{second_key}", perceptron_step)'),
    ])


def test_heading_problems_are_found():
    """The notebook test above can fail: repeats, skips, a wrong order or kind, old-style headings."""
    xor, step = registered()["ch01.ex.xor-from-nand"], registered()["ch01.ex.perceptron-update"]
    good = _two_exercises(heading(xor, "1.1"), heading(step, "1.2"))
    assert _heading_problems("connectionism", good) == []
    for first, second in [(heading(xor, "1.1"), heading(step, "1.1")),   # repeated number
                          (heading(xor, "1.1"), heading(step, "1.3")),   # skipped number
                          (heading(step, "1.1"), heading(xor, "1.2")),   # numbers disagree with the order
                          (heading(xor, "1.1"), heading(step, "1.2").replace("(implement)", "(derive)")),
                          (heading(xor, "1.1"), "**Exercise 2.** Old style")]:
        assert _heading_problems("connectionism", _two_exercises(first, second)), (first, second)
    twice = _two_exercises(heading(xor, "1.1"), heading(xor, "1.2"), second_key="ch01.ex.xor-from-nand")
    assert any("checked twice" in p for p in _heading_problems("connectionism", twice))


def test_parts_sharing_a_chapter_label_number_on(monkeypatch, tmp_path):
    """Two notebooks of one chapter (10a, 10b) continue one count: 10.1..10.k, then 10.(k+1)..."""
    import edl.core.exercises as exercises_module

    parts = ("optimization", "diffusion")
    for part in parts:
        name = f"{part_notebook(part)}.ipynb"
        (tmp_path / name).write_text((NOTEBOOKS / name).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(edl, "PARTS", parts)
    monkeypatch.setattr(exercises_module, "chapter_label", lambda part: "10")
    before = len(checked_in(_cells("optimization")))
    assert first_number("optimization", tmp_path) == 1
    assert first_number("diffusion", tmp_path) == before + 1
    numbers = exercise_numbers(tmp_path)
    assert sorted(int(n.split(".")[1]) for n in numbers.values()) == list(range(1, len(numbers) + 1))


def test_exercise_numbers_cover_the_book():
    numbers = exercise_numbers(NOTEBOOKS)
    assert set(numbers) == set(_book())


def _unhidden(cells) -> list[str]:
    return [c.source[:60] for c in cells if c.cell_type == "code" and {"solution", "debug"} & set(_tags(c))
            and "hide-input" not in _tags(c)]


@pytest.mark.parametrize("part", edl.PARTS)
def test_solutions_are_hidden_in_the_html(part):
    """A ``hide-input`` cell renders its source behind a toggle that is closed by default."""
    assert not _unhidden(_cells(part))


def test_unhidden_solutions_are_found():
    cell = nbformat.v4.new_code_cell("def f():\n    return 1", metadata={"tags": ["solution"]})
    assert _unhidden([cell])
    cell.metadata["tags"].append("hide-input")
    assert not _unhidden([cell])


def _answer_and_prompt(cells, key: str):
    found = [entry for entry in checked_in(cells) if entry[1] == key]
    assert found, f"{key} is not checked in its notebook"
    i, _, name = found[0]
    answer = next(j for j in range(i - 1, -1, -1) if cells[j].cell_type == "code"
                  and re.search(rf"^def {name}\(", cells[j].source, re.MULTILINE))
    prompt = next(j for j in range(answer - 1, -1, -1) if cells[j].cell_type == "markdown")
    return cells[i], cells[answer], cells[prompt]


@pytest.mark.parametrize("key", sorted(k for k, ex in _book().items() if ex.kind in ("debug", "predict", "explore")))
def test_thinking_kinds_are_laid_out_in_their_notebook(key):
    ex = _book()[key]
    cells = _cells(part_of(ex.module))
    check_cell, answer, prompt = _answer_and_prompt(cells, key)
    if ex.kind == "debug":
        assert "debug" in _tags(answer) and "solution" not in _tags(answer)
        assert f"```python\n{ex.buggy.rstrip()}\n```" in prompt.source, "the prompt shows the registered buggy version"
        assert answer.source.strip() != ex.buggy.strip(), "the book holds the repaired version"
        namespace = {"np": np}
        exec(answer.source, namespace)  # noqa: S102 - the book's own cell
        assert grade(ex, namespace[ex.function])[0], "the repaired version passes the check"
    else:
        assert "solution" in _tags(answer)
    if ex.kind == "predict":
        assert "hide-output" in _tags(check_cell), "the verdict explains the answer: it stays closed"
        assert all(text in prompt.source for text in ex.choices.values()), "the prompt lists every option"
    if ex.kind == "explore":
        assert isinstance(resolve_explorer(ex)(), Explorer)
        name = ex.explorer.rpartition(".")[2]
        shown = [j for j, c in enumerate(cells) if c.cell_type == "code" and f"{name}()" in c.source]
        assert shown and shown[0] < cells.index(check_cell), f"{key}: the notebook shows {name}() before the check"


def test_a_wrong_constant_fails_at_an_equality_case():
    """1% off is enough: each derive exercise's tight cases are checked to a tolerance far below that."""
    derive = [ex for ex in _book().values() if ex.kind == "derive"]
    assert derive
    for ex in derive:
        passed, feedback = grade(ex, lambda *args, ex=ex: 1.01 * ex.reference(*args))
        assert not passed and "equality case" in feedback, ex.key


@pytest.mark.parametrize("key, wrong", [
    ("bg.ex.pinsker-bernoulli", lambda p: p * (1 - p)),                          # KL's ε² term without the ½
    ("bg.ex.pinsker-bernoulli", lambda p: 0.5),                                 # Pinsker's constant itself
    ("ch01.ex.novikoff-bias", lambda R, g, b: (R**2 + 1) * (1 + b**2) / g**2),  # c = 1, not optimised
    ("ch01.ex.novikoff-bias", lambda R, g, b: 2 * (R**2 + b**2) / g**2),        # c = R
    ("ch03.ex.sgd-noise-floor", lambda eta, s2: eta * s2 / 2),                  # the η² term dropped
])
def test_plausible_wrong_derivations_fail(key, wrong):
    assert not grade(registered()[key], wrong)[0]


def test_every_wrong_option_of_a_prediction_fails():
    for ex in (ex for ex in _book().values() if ex.kind == "predict" and ex.choices):
        for args in ex.all_cases:
            right = ex.reference(*args)
            for letter in set(ex.choices) - {right}:
                answer = lambda *a, args=args, letter=letter, ex=ex: letter if a == args else ex.reference(*a)  # noqa: E731
                assert not grade(ex, answer)[0], (ex.key, args, letter)


def test_explore_questions_ask_about_values_the_explorer_offers():
    for ex in (ex for ex in _book().values() if ex.kind == "explore"):
        offered = [set(c.values) for c in resolve_explorer(ex)().controls]
        for args in ex.all_cases:
            assert all(any(a in values for values in offered) for a in args), (ex.key, args)
