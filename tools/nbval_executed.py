"""pytest plugin: keep the notebooks nbval executes, so that the book is built from that one execution.

nbval runs every code cell of a notebook in a fresh kernel and compares the outputs of the cells
tagged ``nbval-check-output`` with the stored ones. With ``--nbval-executed-dir DIR`` this plugin
also writes each notebook whose every cell passed to ``DIR/<name>.ipynb``, carrying the outputs of
that fresh execution. A notebook with a failing cell is not written (and pytest fails), so nothing
stale or broken reaches the book.
"""

import copy
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import IPyNbCell

_OUTPUT_KEYS = {
    "stream": ("name", "text"),
    "display_data": ("data", "metadata"),
    "execute_result": ("data", "metadata", "execution_count"),
    "error": ("ename", "evalue", "traceback"),
}


def pytest_addoption(parser):
    parser.addoption("--nbval-executed-dir", default=None,
                     help="write each notebook that nbval executed without a failure to this folder")


class _Run:
    def __init__(self, source):
        self.nb = source
        self.outputs: dict[int, list] = {}
        self.failed = False


_runs: dict[str, _Run] = {}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    report = (yield).get_result()
    if not isinstance(item, IPyNbCell) or not item.config.getoption("nbval_executed_dir"):
        return
    run = _runs.setdefault(str(item.parent.path), _Run(item.parent.nb))
    if report.failed or (report.skipped and call.when == "call"):
        run.failed = True  # a skipped cell has no fresh output to show
    elif call.when == "call":
        run.outputs[item.cell_num] = item.test_outputs or []


def _output(out) -> nbformat.NotebookNode:
    kind = out["output_type"]
    fields = {key: out[key] for key in _OUTPUT_KEYS[kind] if key in out}
    if kind in ("display_data", "execute_result"):
        fields.setdefault("metadata", {})
    return nbformat.from_dict({"output_type": kind, **fields})


def executed_notebook(source: nbformat.NotebookNode, outputs: dict[int, list]) -> nbformat.NotebookNode:
    """``source`` with the fresh outputs of its code cells (numbered in order) and execution counts."""
    nb = copy.deepcopy(source)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    if set(outputs) != set(range(len(code))):
        raise ValueError(f"outputs must cover every code cell 0..{len(code) - 1}, got {sorted(outputs)}")
    for number, cell in enumerate(code):
        cell.outputs = [_output(out) for out in outputs[number]]
        cell.execution_count = number + 1
        for out in cell.outputs:
            if out.output_type == "execute_result":
                out.execution_count = number + 1
    nbformat.validate(nb)
    return nb


def pytest_sessionfinish(session):
    folder = session.config.getoption("nbval_executed_dir")
    if not folder:
        return
    for path, run in _runs.items():
        target = Path(folder) / Path(path).name
        target.unlink(missing_ok=True)
        if not run.failed:
            target.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(executed_notebook(run.nb, run.outputs), target)
