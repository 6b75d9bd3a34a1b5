import ast

import nbformat
import pytest
from IPython.core.inputtransformer2 import TransformerManager
from nbclient import NotebookClient

import edl
from edl.core.exercises import exercise, part_notebook, registered
from edl.core.student import stub_source, student_notebook, write_student_edition
from tests.paths import NOTEBOOKS

ANSWER_TAGS = {"solution", "debug"}
BUGGY = 'def halve(x):\n    "Half of x."\n    return x * 2'


@exercise("test.student-debug", function="halve", kind="debug", title="Repair a halving", buggy=BUGGY,
          cases=[(1.0,), (4.0,), (0.0,)])
def _halve(x):
    return x / 2


def test_stub_keeps_signature_and_docstring():
    out = stub_source('import math\n\ndef f(x, y=2):\n    """Doc."""\n    return math.sqrt(x) * y\n')
    assert "def f(x, y=2):" in out and "Doc." in out and "import math" in out
    assert "sqrt" not in out and "NotImplementedError('Exercise: write the body of f')" in out


def test_solution_cells_may_only_define_functions():
    with pytest.raises(ValueError, match="only imports and function definitions"):
        stub_source("x = 1\n")


def test_student_notebook_strips_solutions_and_outputs():
    nb = nbformat.v4.new_notebook()
    sol = nbformat.v4.new_code_cell("def g():\n    return 42\n", metadata={"tags": ["solution"]})
    sol.outputs = [nbformat.v4.new_output("stream", text="42")]
    nb.cells = [sol, nbformat.v4.new_code_cell("print(1)")]
    out = student_notebook(nb)
    assert "42" not in out.cells[0].source and out.cells[0].outputs == []
    assert out.cells[1].source == "print(1)"
    assert sol.outputs, "the source notebook is left untouched"


def _debug_notebook(tags=("debug", "hide-input"), key="test.student-debug"):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('def halve(x):\n    "Half of x."\n    return x / 2', metadata={"tags": list(tags)}),
                nbformat.v4.new_code_cell(f'check_exercise("{key}", halve)')]
    return nb


def test_student_notebook_puts_the_buggy_version_in_debug_cells():
    out = student_notebook(_debug_notebook())
    assert out.cells[0].source == BUGGY and "hide-input" in out.cells[0].metadata.tags
    assert "NotImplementedError" not in out.cells[0].source, "a debug cell is repaired, not written from scratch"


def test_debug_cells_must_belong_to_a_debug_exercise():
    with pytest.raises(ValueError, match="hands to check_exercise"):
        nb = _debug_notebook()
        nb.cells[1].source = "print(1)"
        student_notebook(nb)
    with pytest.raises(ValueError, match="function of a debug exercise"):
        student_notebook(_debug_notebook(key="test.double-solution"))
    with pytest.raises(ValueError, match="not both"):
        student_notebook(_debug_notebook(tags=("debug", "solution")))


@exercise("test.double-solution", function="halve", kind="implement", title="Not a debug exercise",
          cases=[(1.0,), (2.0,), (3.0,)])
def _not_debug(x):
    return x / 2


def _solution_names(nb) -> set[str]:
    return {node.name for c in nb.cells if ANSWER_TAGS & set(c.metadata.get("tags", []))
            for node in ast.parse(c.source).body if isinstance(node, ast.FunctionDef)}


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_stubbed_functions_are_only_handed_to_the_exercise_check(path):
    """Outside its solution cell a student's function is only passed to ``check_exercise``, which
    reports an unattempted exercise instead of raising. So everywhere else the student edition runs
    exactly like the book's notebook, which nbval executes; one edition is executed below."""
    nb = nbformat.read(path, as_version=4)
    names = _solution_names(nb)
    parts = {part_notebook(part) for part in edl.PARTS}
    assert names or path.stem not in parts, f"{path.stem} has no exercises"
    for cell in nb.cells:
        if cell.cell_type != "code" or "solution" in cell.metadata.get("tags", []):
            continue
        tree = ast.parse(TransformerManager().transform_cell(cell.source))  # magics become Python
        handed = {id(arg) for call in ast.walk(tree) if isinstance(call, ast.Call)
                  and getattr(call.func, "id", None) == "check_exercise" for arg in call.args}
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and node.id in names:
                assert id(node) in handed, f"{path.stem}: {node.id} is used outside check_exercise in {cell.source!r}"


def test_student_edition_executes_and_reports_unattempted(tmp_path):
    written = write_student_edition(NOTEBOOKS, tmp_path)
    assert len(written) == len(list(NOTEBOOKS.glob("*.ipynb")))
    parts = {part_notebook(part) for part in edl.PARTS}  # the errata appendix, say, has no exercises
    path = min((p for p in written if p.stem in parts), key=lambda p: p.stat().st_size)  # the rule above covers the rest
    nb = nbformat.read(path, as_version=4)
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert solutions and all("NotImplementedError" in cell.source for cell in solutions)
    assert text.count("is not implemented yet") >= len(solutions)


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_student_edition_stubs_solutions_and_restores_bugs(path):
    """Solution cells become stubs; debug cells hold the registered buggy version, on which the check fails."""
    nb = nbformat.read(path, as_version=4)
    out = student_notebook(nb)
    book = registered()
    buggy = {ex.function: ex.buggy.rstrip("\n") for ex in book.values() if ex.kind == "debug"}
    for before, after in zip(nb.cells, out.cells):
        tags = set(before.metadata.get("tags", []))
        if "solution" in tags:
            assert "NotImplementedError" in after.source
        elif "debug" in tags:
            name = next(n.name for n in ast.parse(before.source).body if isinstance(n, ast.FunctionDef))
            assert after.source == buggy[name] != before.source
        else:
            assert after.source == before.source


def test_bad_source_dir(tmp_path):
    with pytest.raises(ValueError, match="source_dir"):
        write_student_edition(tmp_path, tmp_path / "out")
