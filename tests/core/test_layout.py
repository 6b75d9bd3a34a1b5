"""The library's layout: one package per part of the book, imports flowing one way, short modules."""

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import edl
from edl.core.ledger import errata_notebook
from tests.paths import NOTEBOOKS

LIB = Path(edl.__file__).parent
ROLES = {"checks", "figures", "exercises"}  # beside a part's topic modules
PLOTTING = ("matplotlib", "ipywidgets", "edl.core.explore")
MAX_LINES = 600  # "about 500": split by topic well before this


def _modules():
    return [info.name for info in pkgutil.walk_packages(edl.__path__, "edl.")]


def _imports(module: str) -> set[str]:
    path = Path(importlib.import_module(module).__file__)
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def _part(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in edl.PARTS else None


def test_every_notebook_has_one_part_and_every_part_a_notebook():
    notebooks = {importlib.import_module(f"edl.{part}").NOTEBOOK for part in edl.PARTS}
    assert notebooks | {errata_notebook.NOTEBOOK} == {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    assert len(notebooks) == len(edl.PARTS)
    packages = {info.name for info in pkgutil.iter_modules(edl.__path__) if info.ispkg}
    assert packages == {"core", *edl.PARTS}, "a package at the root is either core or a part in edl.PARTS"


@pytest.mark.parametrize("module", _modules())
def test_imports_flow_from_core_to_earlier_parts_only(module):
    own = _part(module)
    for imported in _imports(module):
        other = _part(imported)
        if own is None:
            assert other is None, f"{module} (shared machinery) imports the part module {imported}"
        elif other is not None:
            assert edl.PARTS.index(other) <= edl.PARTS.index(own), f"{module} imports the later part {imported}"


@pytest.mark.parametrize("module", [m for m in _modules() if _part(m) and m.count(".") == 2
                                    and m.rsplit(".", 1)[1] not in ROLES])
def test_formula_modules_never_import_plotting(module):
    imported = _imports(module)
    bad = [i for i in imported if i.startswith(PLOTTING) or i.split(".")[-1] == "figures" or ".figures." in i]
    assert not bad, f"{module} imports plotting: {bad}"


@pytest.mark.parametrize("path", sorted(LIB.rglob("*.py")), ids=lambda p: str(p.relative_to(LIB)))
def test_modules_are_short_enough_to_read_in_one_sitting(path):
    assert len(path.read_text().splitlines()) <= MAX_LINES, f"{path.name}: split it by topic"
