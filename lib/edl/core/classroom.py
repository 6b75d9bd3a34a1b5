"""The classroom edition: the exercises of every part as an nbgrader assignment to release and autograde.

For each part whose notebook checks exercises, :func:`write_course` writes the nbgrader *source* version
``COURSE/source/<part>/<notebook>.ipynb``, an exercise sheet holding

- the chapter's set-up cell (its imports), locked;
- for each exercise, in book order: its prompt (locked); the explorer it asks about, for an explore
  exercise; its solution cell, the body of each function between nbgrader's ``### BEGIN SOLUTION`` and
  ``### END SOLUTION`` markers (a debug exercise also shows the version to repair); and a locked,
  autograded test cell worth :data:`POINTS` of its kind, which runs the book's own feedback check
  (:func:`edl.core.exercises.require`) and, where the exercise has hidden cases, the same check on them
  between ``### BEGIN HIDDEN TESTS`` and ``### END HIDDEN TESTS``.

nbgrader itself then writes the *release* version (``generate_assignment``: solutions replaced by stubs,
hidden tests removed, outputs cleared, checksums recorded) and grades submissions (``autograde``, which
puts the locked cells and the hidden tests back before it runs a notebook). Every function body is a
stub inside a ``def``, so an untouched release runs to the end: only its test cells fail.

Run as ``python -m edl.core.classroom NOTEBOOKS COURSE [PART ...]``.
"""

import ast
import importlib
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat

import edl
from edl.core.exercises import HEADING, cell_source, checked_in, part_notebook, registered

#: Points of an exercise by kind: a derivation is worth most, a prediction least.
POINTS = {"implement": 2, "derive": 3, "debug": 2, "explore": 2, "predict": 1}
#: Settings of the course, written to ``nbgrader_config.py`` and used when this module calls nbgrader.
SETTINGS = {
    ("CourseDirectory", "course_id"): "executable-deep-learning",
    ("ClearSolutions", "code_stub"): {"python": "# YOUR CODE HERE\nraise NotImplementedError()"},
    ("ExecutePreprocessor", "timeout"): 300,
}
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def grade_id(key: str, role: str) -> str:
    """A cell's nbgrader grade id (letters, digits, ``-`` and ``_`` only), unique across the book.

    >>> grade_id("ch04.ex.valid-correlation", "test")
    'ch04-ex-valid-correlation-test'
    """
    return f"{re.sub(r'[^A-Za-z0-9_-]', '-', key)}-{role}"


def marked_solution(source: str) -> str:
    """``source`` with the body of each top-level function (after its docstring) between solution markers.

    >>> print(marked_solution('def f(x):\\n    "Twice x."\\n    return 2 * x'))
    def f(x):
        "Twice x."
        ### BEGIN SOLUTION
        return 2 * x
        ### END SOLUTION
    """
    lines = source.rstrip("\n").split("\n")
    functions = [node for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    if not functions:
        raise ValueError(f"source must define a function to mark as the solution, got {source[:80]!r}")
    for node in reversed(functions):  # from the bottom, so that earlier line numbers stay valid
        body = node.body
        documented = isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant) \
            and isinstance(body[0].value.value, str)
        if documented and len(body) == 1:
            raise ValueError(f"function {node.name!r} has only a docstring: there is no solution to mark")
        if documented:
            start = body[0].end_lineno
        else:  # the end of the header: the first line from ``def`` whose code ends with a colon
            start = node.lineno
            while not lines[start - 1].split("#")[0].rstrip().endswith(":"):
                start += 1
        indent = " " * body[1 if documented else 0].col_offset
        lines[node.end_lineno:node.end_lineno] = [indent + END]
        lines[start:start] = [indent + BEGIN]
    return "\n".join(lines)


def _cell(kind: str, source: str, grade_id_: str | None = None, *, solution: bool = False, points: int = 0,
          locked: bool = False) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    if grade_id_ is not None:
        meta = {"grade": points > 0, "grade_id": grade_id_, "locked": locked, "schema_version": 3,
                "solution": solution, "task": False}
        if points:
            meta["points"] = points
        cell.metadata["nbgrader"] = meta
    return cell


def _prompt_index(cells: list, check_index: int) -> int:
    """The index of the markdown cell holding the heading of the exercise checked at ``check_index``."""
    for i in range(check_index - 1, -1, -1):
        if cells[i].cell_type == "markdown" and HEADING.search(cell_source(cells[i])):
            return i
    raise ValueError(f"no exercise heading above the check in cell {check_index}")


def exercise_sheet(part: str, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The nbgrader source notebook of ``part``'s exercises, from the part's book notebook ``nb``."""
    exercises = registered()
    cells = nb.cells
    checks = checked_in(cells)
    if not checks:
        raise ValueError(f"the notebook of part {part!r} checks no exercises")
    title = importlib.import_module(f"edl.{part}").TITLE
    points = sum(POINTS[exercises[key].kind] for _, key, _ in checks)
    setup = next(cell_source(c) for c in cells if c.cell_type == "code")
    sheet = [
        _cell("markdown", f"# Exercises — {title}\n\nThe {len(checks)} exercises of this chapter, worth {points} "
              f"points. Write each function where it says `YOUR CODE HERE`, then run the test cell below it: it "
              f"prints what is wrong and by how much, or ✓. Run the set-up cell first.", "intro", locked=True),
        _cell("code", setup + "\nfrom edl.core.exercises import require as grade_exercise", "setup", locked=True),
    ]
    for i, key, name in checks:
        ex = exercises[key]
        start = _prompt_index(cells, i)
        slug = grade_id(key, "")[:-1]
        if ex.kind == "explore":
            module, _, builder = ex.explorer.rpartition(".")
            sheet.append(_cell("code", f"from {module} import {builder}\n\n{builder}()", f"{slug}-explorer",
                               locked=True))
        sheet.append(_cell("markdown", cell_source(cells[start]), f"{slug}-prompt", locked=True))
        for cell in cells[start + 1:i]:
            tags = cell.metadata.get("tags", [])
            if cell.cell_type == "code" and ("solution" in tags or "debug" in tags):
                if "debug" in tags:
                    sheet.append(_cell("markdown", "The version to repair:\n\n```python\n" + ex.buggy.rstrip("\n")
                                       + "\n```", f"{slug}-buggy", locked=True))
                sheet.append(_cell("code", marked_solution(cell_source(cell)), f"{slug}-solution", solution=True))
            else:
                sheet.append(_cell(cell.cell_type, cell_source(cell)))
        test = f'grade_exercise("{key}", {name})'
        if ex.hidden:
            test += f'\n{BEGIN_HIDDEN}\ngrade_exercise("{key}", {name}, hidden=True)\n{END_HIDDEN}'
        sheet.append(_cell("code", test, f"{slug}-test", points=POINTS[ex.kind], locked=True))
    return nbformat.v4.new_notebook(cells=sheet, metadata={"kernelspec": nb.metadata.get("kernelspec", {}),
                                                           "language_info": {"name": "python"}})


def _config():
    from traitlets.config import Config

    config = Config()
    for (section, name), value in SETTINGS.items():
        setattr(getattr(config, section), name, value)
    return config


def _api(course: Path):
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    # nbgrader migrates its gradebook by running the ``alembic`` script installed beside this Python.
    scripts = str(Path(sys.executable).parent)
    if scripts not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = scripts + os.pathsep + os.environ.get("PATH", "")
    config = _config()
    config.CourseDirectory.root = str(course)
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def write_course(notebooks: Path, course: Path, parts: list[str] | None = None) -> dict[str, int]:
    """Write the nbgrader course for ``parts`` (default: every part with exercises) and release it.

    Returns the points of each part written.
    """
    notebooks, course = Path(notebooks), Path(course)
    unknown = sorted(set(parts or []) - set(edl.PARTS))
    if unknown:
        raise ValueError(f"parts must name parts of the book {edl.PARTS}, got {unknown}")
    course.mkdir(parents=True, exist_ok=True)
    (course / "nbgrader_config.py").write_text(
        "# The nbgrader settings of the classroom edition (edl.core.classroom.SETTINGS).\nc = get_config()  # noqa\n"
        + "".join(f"c.{section}.{name} = {value!r}\n" for (section, name), value in SETTINGS.items()))
    api, written = _api(course), {}
    for part in parts or edl.PARTS:
        stem = part_notebook(part)
        nb = nbformat.read(notebooks / f"{stem}.ipynb", as_version=4)
        if not checked_in(nb.cells):
            continue
        sheet = exercise_sheet(part, nb)
        source = course / "source" / part
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir(parents=True)
        nbformat.write(sheet, source / f"{stem}.ipynb")
        result = api.generate_assignment(part, force=True, create=True)
        if not result["success"]:
            raise RuntimeError(f"nbgrader generate_assignment {part} failed:\n{result['log']}\n{result['error']}")
        written[part] = sum(c.metadata["nbgrader"].get("points", 0) for c in sheet.cells
                            if "nbgrader" in c.metadata)
    return written


def autograde(course: Path, part: str, student: str, submission: nbformat.NotebookNode) -> dict[str, float]:
    """Grade ``student``'s ``submission`` of ``part`` with nbgrader: the score of each test cell by grade id,
    and the total under ``"total"``."""
    from nbgrader.api import Gradebook

    course = Path(course)
    folder = course / "submitted" / student / part
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nbformat.write(submission, folder / f"{part_notebook(part)}.ipynb")
    result = _api(course).autograde(part, student, force=True, create=True)
    if not result["success"]:
        raise RuntimeError(f"nbgrader autograde {part} {student} failed:\n{result['log']}\n{result['error']}")
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        graded = gradebook.find_submission_notebook(part_notebook(part), part, student)
        scores = {grade.name: grade.score for grade in graded.grades}
        scores["total"] = graded.score
    return scores


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit("usage: python -m edl.core.classroom NOTEBOOKS COURSE [PART ...]")
    for part, points in write_course(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or None).items():
        print(f"classroom: {part} released, {points} points")
