"""What is compared on every run prints floats rounded, so that it reads the same on any CPU, BLAS or GPU.

A float printed at full precision (``0.9999999999999998``) depends on the order of a reduction, which
differs between BLAS builds and devices. Doctests, verdicts and the notebook outputs nbval compares
print at most ``MAX_SIGNIFICANT`` significant digits; the verdicts are checked in ``test_ledger``.
"""

import doctest
import importlib
import pkgutil
import re

import nbformat
import pytest

import edl
from tests.paths import NOTEBOOKS

MAX_SIGNIFICANT = 8
_FLOAT = re.compile(r"(?<![\w.])-?(\d+)\.(\d+)(?:[eE][-+]?\d+)?(?![\w.])")


def too_precise(text: str) -> list[str]:
    """The floats in ``text`` printed with more than ``MAX_SIGNIFICANT`` significant digits.

    >>> too_precise("x = 0.9999999999999998, y = 1.2e-32, z = 0.00012345678, n = 123456789012")
    ['0.9999999999999998']
    """
    return [m.group(0) for m in _FLOAT.finditer(text) if len((m.group(1) + m.group(2)).lstrip("0")) > MAX_SIGNIFICANT]


def test_the_rule_catches_the_doctest_that_failed_on_another_machine():
    assert too_precise("[[[0.9999999999999998, 1.232595164407831e-32]]]") == ["0.9999999999999998", "1.232595164407831e-32"]
    assert too_precise("[[[1.0, 0.0]]]  0.12345678  -3.1415927e-05") == []
    assert too_precise("0.123456789") == ["0.123456789"]


def _doctests():
    finder = doctest.DocTestFinder()
    for info in pkgutil.walk_packages(edl.__path__, "edl."):
        for test in finder.find(importlib.import_module(info.name)):
            for example in test.examples:
                yield test.name, example


@pytest.mark.parametrize("name, example", list(_doctests()), ids=lambda v: v if isinstance(v, str) else "")
def test_doctests_print_rounded_floats(name, example):
    assert not too_precise(example.want), f"{name}: `{example.source.strip()}` prints {too_precise(example.want)}"


def _checked_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for number, cell in enumerate(nbformat.read(path, as_version=4).cells):
            if "nbval-check-output" in cell.metadata.get("tags", []):
                for out in cell.get("outputs", []):
                    text = out.get("text", "") + out.get("data", {}).get("text/plain", "")
                    yield f"{path.stem} cell {number}", text


def test_outputs_compared_by_nbval_print_rounded_floats():
    outputs = list(_checked_outputs())
    assert outputs, "no output-checked cells found"
    offenders = {where: too_precise(text) for where, text in outputs if too_precise(text)}
    assert not offenders, f"unrounded floats in output-checked cells: {offenders}"


def test_stored_outputs_hold_no_warnings_and_no_paths_of_the_machine_that_ran_them():
    """A warning printed by a cell shows the path of the Python that ran it: machine-specific, and noise on
    the page. Cells that expect a warning silence it; nothing else may write to stderr."""
    found = {}
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        for k, cell in enumerate(nbformat.read(path, as_version=4).cells):
            for out in cell.get("outputs", []):
                text = out.get("text", "") if out.get("output_type") == "stream" else str(out.get("data", ""))
                if out.get("name") == "stderr" or re.search(r"(/tmp/|/home/|/root/|/work/|site-packages)", text):
                    found[f"{path.stem} cell {k}"] = text[:120]
    assert not found, f"stored outputs with warnings or machine paths: {found}"
