"""Markdown that MyST would misread: math the reader would see as raw TeX.

- A display formula (a line ``$$``) must be a block of its own, with a blank line (or the cell's edge)
  before its opening and after its closing ``$$``: glued to a paragraph, MyST reads the dollars inline
  and the rest of the paragraph turns into broken math.
- In a table row, ``|`` separates cells, even inside ``$...$``: a conditional bar is ``\\mid``, a norm
  ``\\Vert``.
"""

import re

import nbformat
import pytest

from tests.paths import NOTEBOOKS


def _markdown(path):
    return [(k, c.source) for k, c in enumerate(nbformat.read(path, as_version=4).cells) if c.cell_type == "markdown"]


def display_math_problems(source: str) -> list[str]:
    """Lines of ``source`` where a ``$$`` block touches surrounding text.

    >>> display_math_problems("text\\n$$\\nx\\n$$\\n\\nmore")
    ['line 2: no blank line before the opening $$']
    """
    lines, problems, inside = source.split("\n"), [], False
    for i, line in enumerate(lines):
        if line.strip() != "$$":
            continue
        if not inside and i > 0 and lines[i - 1].strip():
            problems.append(f"line {i + 1}: no blank line before the opening $$")
        if inside and i + 1 < len(lines) and lines[i + 1].strip():
            problems.append(f"line {i + 1}: no blank line after the closing $$")
        inside = not inside
    return problems


def table_math_problems(source: str) -> list[str]:
    """Table rows whose inline math holds a ``|`` (``\\|`` included), which the table splits on.

    >>> table_math_problems("| a | $p(x|y)$ |")
    ['| a | $p(x|y)$ |']
    """
    return [line for line in source.split("\n") if line.startswith("|")
            and any("|" in m for m in re.findall(r"\$[^$]+\$", line))]


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.stem)
def test_math_in_markdown_reads_as_math(path):
    found = {k: display_math_problems(s) + table_math_problems(s) for k, s in _markdown(path)}
    found = {k: v for k, v in found.items() if v}
    assert not found, f"{path.stem}: markdown cells whose math MyST would misread: {found}"
