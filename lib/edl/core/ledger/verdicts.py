"""How a check's outcome is shown: one compact line that expands to its sub-checks.

In JupyterLab and in the built book a :class:`Verdict` displays as an HTML ``<details>`` element whose
summary is the mark, the formula id and the independent route in words; opening it lists the
sub-checks. Its ``text/plain`` form is the whole verdict, every sub-check on its own line, so that
nbval compares every number a check prints.
"""

import html
from dataclasses import dataclass

PASS, FAIL = "\u2713", "\u2717"  # ✓ ✗


def sub_checks(detail: str) -> list[str]:
    """The details of the sub-checks a verdict joins with "; " (a "; " inside brackets stays).

    >>> sub_checks("a (x; y) agrees; b holds")
    ['a (x; y) agrees', 'b holds']
    """
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(detail):
        depth += (ch in "([{") - (ch in ")]}")
        if depth == 0 and detail.startswith("; ", i):
            parts.append(detail[start:i])
            start = i + 2
    return [*parts, detail[start:]]


@dataclass(frozen=True)
class Verdict:
    """The outcome of a formula check (``passed``) or of a demonstration on a mistaken version.

    ``head`` is what the verdict is about ("bg.pinsker"), ``summary`` the route in words and
    ``detail`` the sub-checks joined by "; ".
    """

    head: str
    passed: bool
    summary: str
    detail: str

    @property
    def mark(self) -> str:
        return PASS if self.passed else FAIL

    def text(self) -> str:
        """The whole verdict as plain text: one line, or a head line and one line per sub-check.

        >>> print(Verdict("x.y", True, "", "a agrees; b holds").text())
        x.y  ✓
            a agrees
            b holds
        """
        parts = sub_checks(self.detail)
        head = f"{self.head}  {self.mark}"
        return f"{head}  {self.detail}" if len(parts) == 1 else "\n".join([head, *(f"    {p}" for p in parts)])

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(p)}</li>" for p in sub_checks(self.detail))
        state = "pass" if self.passed else "fail"
        return (f'<details class="edl-verdict edl-{state}"><summary><span class="edl-mark">{self.mark}</span> '
                f"<code>{html.escape(self.head)}</code> {html.escape(self.summary)}</summary><ul>{items}</ul></details>")


def show(verdict: Verdict) -> None:
    """Display ``verdict`` richly in a notebook, or print its text elsewhere."""
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython comes with the notebook stack
        get_ipython = None
    if get_ipython is not None and get_ipython() is not None:
        display(verdict)
    else:
        print(verdict.text())
