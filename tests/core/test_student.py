import nbformat
import pytest
from nbclient import NotebookClient

from edl.core.student import stub_source, student_notebook, write_student_edition
from tests.paths import NOTEBOOKS


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


def test_student_edition_executes_and_reports_unattempted(tmp_path):
    written = write_student_edition(NOTEBOOKS, tmp_path)
    assert written
    for path in written:
        nb = nbformat.read(path, as_version=4)
        solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
        assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
        text = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
        for cell in solutions:
            assert "NotImplementedError" in cell.source
        assert text.count("is not implemented yet") >= len(solutions) > 0 or not solutions


def test_bad_source_dir(tmp_path):
    with pytest.raises(ValueError, match="source_dir"):
        write_student_edition(tmp_path, tmp_path / "out")
