"""The classroom edition: nbgrader releases every part's exercises and grades submissions as it should.

Appendix A's assignment is released and autograded by nbgrader itself, three times: the book's own
solutions (full points), the untouched release (zero points, and nothing but the test cells fails), and a
submission whose one answer is fitted to the visible test cases (exactly that exercise's points lost, to
the hidden tests).
"""

import ast

import nbformat
import pytest

import edl
from edl.core import classroom
from edl.core.exercises import checked_in, grade, part_notebook, registered
from tests.paths import NOTEBOOKS

PART = "probability"
NOTEBOOK = part_notebook(PART)
# Right on the five visible cases of bg.ex.entropy-bits, wrong on its hidden ones.
FITTED = '''def entropy_bits(p):
    "The entropy of p in bits, looked up."
    return {(0.5, 0.5): 1.0, (1.0, 0.0, 0.0): 0.0, (0.25,) * 4: 2.0, (0.7, 0.2, 0.1): 1.1567796494470395,
            (0.1,) * 10: 3.321928094887362}.get(tuple(p), 0.0)
'''
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")  # nbgrader's own session use


def _grades(cells) -> dict[str, dict]:
    return {c.metadata["nbgrader"]["grade_id"]: c for c in cells if "nbgrader" in c.metadata}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    folder = tmp_path_factory.mktemp("course")
    points = classroom.write_course(NOTEBOOKS, folder, [PART])
    source = nbformat.read(folder / "source" / PART / f"{NOTEBOOK}.ipynb", as_version=4)
    release = nbformat.read(folder / "release" / PART / f"{NOTEBOOK}.ipynb", as_version=4)
    return folder, points[PART], source, release


def _answered(release, source, replace: dict[str, str] | None = None):
    """The release with every solution cell answered by the book's solution (or by ``replace[grade_id]``)."""
    nb = nbformat.from_dict(release)
    solutions = _grades(source.cells)
    for gid, cell in _grades(nb.cells).items():
        if cell.metadata["nbgrader"]["solution"]:
            cell.source = (replace or {}).get(gid, solutions[gid].source)
    return nb


def _test_ids(cells) -> dict[str, float]:
    return {gid: c.metadata["nbgrader"]["points"] for gid, c in _grades(cells).items()
            if c.metadata["nbgrader"]["grade"]}


def test_the_release_hides_solutions_and_hidden_tests(course):
    _, points, source, release = course
    text = "\n".join(c.source for c in release.cells)
    assert classroom.BEGIN not in text and "hidden=True" not in text and "raise NotImplementedError()" in text
    assert classroom.BEGIN_HIDDEN in "\n".join(c.source for c in source.cells)
    exercises = registered()
    keys = [key for _, key, _ in checked_in(nbformat.read(NOTEBOOKS / f"{NOTEBOOK}.ipynb", as_version=4).cells)]
    assert points == sum(classroom.POINTS[exercises[k].kind] for k in keys) == sum(_test_ids(release.cells).values())
    assert sorted(_test_ids(release.cells)) == sorted(classroom.grade_id(k, "test") for k in keys)


def test_the_book_solutions_earn_full_points(course):
    folder, points, source, release = course
    scores = classroom.autograde(folder, PART, "solutions", _answered(release, source))
    assert scores["total"] == points


def test_an_untouched_release_earns_nothing_and_runs_to_the_end(course):
    folder, _, _, release = course
    scores = classroom.autograde(folder, PART, "untouched", release)
    assert scores["total"] == 0
    graded = nbformat.read(folder / "autograded" / "untouched" / PART / f"{NOTEBOOK}.ipynb", as_version=4)
    tests = _test_ids(graded.cells)
    failed = {c.metadata.get("nbgrader", {}).get("grade_id") for c in graded.cells if c.cell_type == "code"
              and any(o.output_type == "error" for o in c.outputs)}
    assert failed == set(tests), "only the test cells may fail in an unanswered release"


def test_an_answer_fitted_to_the_visible_cases_loses_exactly_its_points_to_the_hidden_tests(course):
    folder, points, source, release = course
    namespace = {}
    exec(FITTED, namespace)  # noqa: S102 - the test's own source
    ex = registered()["bg.ex.entropy-bits"]
    assert grade(ex, namespace["entropy_bits"])[0] and not grade(ex, namespace["entropy_bits"], hidden=True)[0]
    gid = classroom.grade_id("bg.ex.entropy-bits", "solution")
    scores = classroom.autograde(folder, PART, "fitted", _answered(release, source, {gid: FITTED}))
    lost = classroom.POINTS["implement"]
    assert scores["total"] == points - lost
    assert scores[classroom.grade_id("bg.ex.entropy-bits", "test")] == 0
    graded = nbformat.read(folder / "autograded" / "fitted" / PART / f"{NOTEBOOK}.ipynb", as_version=4)
    assert any("hidden=True" in c.source for c in graded.cells), "autograde puts the hidden tests back"


@pytest.mark.parametrize("part", edl.PARTS)
def test_every_part_with_exercises_makes_a_sheet_with_unique_grade_ids(part):
    nb = nbformat.read(NOTEBOOKS / f"{part_notebook(part)}.ipynb", as_version=4)
    if not checked_in(nb.cells):
        pytest.skip(f"{part} has no exercises yet")
    sheet = classroom.exercise_sheet(part, nb)
    ids = [c.metadata["nbgrader"]["grade_id"] for c in sheet.cells if "nbgrader" in c.metadata]
    assert len(ids) == len(set(ids))
    for cell in sheet.cells:
        if cell.metadata.get("nbgrader", {}).get("solution"):
            assert cell.source.count(classroom.BEGIN) >= 1
            ast.parse(cell.source)


def test_marked_solution_keeps_comments_inside_and_multi_line_headers_outside():
    source = "import math\n\ndef f(x,\n      y):  # two lines\n    # the idea, a hint to hide\n    return x + y\n"
    marked = classroom.marked_solution(source)
    assert marked.split("\n")[:5] == ["import math", "", "def f(x,", "      y):  # two lines",
                                      "    " + classroom.BEGIN]
    assert marked.rstrip().endswith("    " + classroom.END)
    with pytest.raises(ValueError, match="must define a function"):
        classroom.marked_solution("x = 1")
    with pytest.raises(ValueError, match="only a docstring"):
        classroom.marked_solution('def f():\n    "Nothing."\n')


def test_require_prints_a_pass_and_raises_the_feedback_on_a_wrong_answer(capsys):
    from edl.core.exercises import require

    require("bg.ex.entropy-bits", lambda p: -sum(x * __import__("math").log2(x) for x in p if x > 0), hidden=True)
    assert "(hidden cases)  \u2713" in capsys.readouterr().out
    with pytest.raises(AssertionError, match=r"entropy_bits\(\[0.5, 0.5\]\) = 0, expected 1"):
        require("bg.ex.entropy-bits", lambda p: 0.0)
    with pytest.raises(ValueError, match="has no hidden cases"):
        grade(registered()["bg.ex.total-variation"], lambda q, p: 0.0, hidden=True)
