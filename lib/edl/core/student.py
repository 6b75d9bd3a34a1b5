"""The student edition: the book's notebooks with every worked solution replaced by a stub.

Cells tagged ``solution`` may hold only function definitions (and imports). In the student
edition each function keeps its signature and docstring, and its body becomes
``raise NotImplementedError``. Cells tagged ``debug`` hold the repaired version of a debug
exercise (:mod:`edl.core.exercises`); the student edition puts the exercise's registered buggy
version in their place, to be repaired. All outputs are cleared. Run as
``python -m edl.core.student SOURCE_DIR DEST_DIR``.
"""

import ast
import sys
from pathlib import Path

import nbformat

SOLUTION_TAG = "solution"
DEBUG_TAG = "debug"


def stub_source(source: str) -> str:
    """Replace each function body in ``source`` by its docstring and a ``NotImplementedError``.

    >>> print(stub_source('def f(x):\\n    "Twice x."\\n    return 2 * x\\n'))
    def f(x):
        \"\"\"Twice x.\"\"\"
        raise NotImplementedError('Exercise: write the body of f')
    """
    tree = ast.parse(source)
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        if not isinstance(node, ast.FunctionDef):
            raise ValueError(f"a solution cell may hold only imports and function definitions, got: "
                             f"{ast.get_source_segment(source, node)!r}")
        doc = ast.get_docstring(node, clean=False)
        stub = ast.parse(f"raise NotImplementedError('Exercise: write the body of {node.name}')").body
        node.body = ([ast.Expr(ast.Constant(doc))] if doc else []) + stub
    return ast.unparse(tree)


def buggy_source(source: str, checked: dict[str, str]) -> str:
    """The registered buggy version of the debug exercise whose repaired function ``source`` defines.

    ``checked`` maps the function names handed to ``check_exercise`` in the notebook to their keys.
    """
    from edl.core.exercises import registered  # imports every part: only needed for debug cells

    names = [node.name for node in ast.parse(source).body if isinstance(node, ast.FunctionDef)]
    if len(names) != 1 or names[0] not in checked:
        raise ValueError(f"a debug cell must define exactly one function that the notebook hands to "
                         f"check_exercise, got {names} (checked: {sorted(checked)})")
    ex = registered()[checked[names[0]]]
    if ex.kind != "debug" or ex.function != names[0]:
        raise ValueError(f"a debug cell must hold the function of a debug exercise, got {names[0]!r} "
                         f"checked as {ex.key!r} (kind {ex.kind!r}, function {ex.function!r})")
    return ex.buggy.rstrip("\n")


def student_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` with solutions stubbed, debug cells made buggy again and every output cleared."""
    from edl.core.exercises import checked_in

    nb = nbformat.from_dict(nb)
    checked = {name: key for _, key, name in checked_in(nb.cells)}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        if SOLUTION_TAG in tags and DEBUG_TAG in tags:
            raise ValueError(f"a cell may be tagged {SOLUTION_TAG!r} or {DEBUG_TAG!r}, not both: {cell.source[:80]!r}")
        if SOLUTION_TAG in tags:
            cell.source = stub_source(cell.source)
        elif DEBUG_TAG in tags:
            cell.source = buggy_source(cell.source, checked)
        cell.outputs, cell.execution_count = [], None
    return nb


def write_student_edition(source_dir: Path, dest_dir: Path) -> list[Path]:
    """Write the student edition of every notebook in ``source_dir`` to ``dest_dir``."""
    source_dir, dest_dir = Path(source_dir), Path(dest_dir)
    notebooks = sorted(source_dir.glob("*.ipynb"))
    if not notebooks:
        raise ValueError(f"source_dir must contain notebooks, got {str(source_dir)!r} with none")
    dest_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        out = dest_dir / path.name
        nbformat.write(student_notebook(nbformat.read(path, as_version=4)), out)
        written.append(out)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: python -m edl.core.student SOURCE_DIR DEST_DIR")
    for p in write_student_edition(Path(sys.argv[1]), Path(sys.argv[2])):
        print(f"student edition: {p}")
