"""The library reference: one page per part of the book, generated for Sphinx's autodoc and viewcode.

``python -m edl.core.reference DEST`` writes ``DEST/index.md`` and ``DEST/<part>.md`` for every part in
:data:`edl.PARTS`: the part's formula modules (every public function and class, with its formula, its
arguments and its book label), its figures, and its registered checks, each with a link to its source.
The book's Sphinx extension (``book/_ext/edl_reference.py``) turns book labels into links to where the
formulas are stated, and links every verdict and every ledger row to the source of its check.
"""

import importlib
import inspect
import pkgutil
import re
import sys
from pathlib import Path
from types import ModuleType

import edl

#: Subpackages and modules of a part that hold no formulas.
NOT_FORMULAS = {"checks", "figures", "exercises"}
_LABELS = re.compile(r"Book labels?:?\s*((?:``[^`]+``(?:\s*,\s*|\s+and\s+|\s*)?)+)")


def _submodules(package: str, *, skip=frozenset()) -> list[ModuleType]:
    """The modules of ``package`` (a module without a ``__path__`` is its own only module), in name order."""
    root = importlib.import_module(package)
    if not hasattr(root, "__path__"):
        return [root]
    return [importlib.import_module(f"{package}.{info.name}") for info in pkgutil.iter_modules(root.__path__)
            if not info.ispkg and info.name not in skip]


def formula_modules(part: str | None = None) -> list[ModuleType]:
    """The topic modules ``edl.<part>.<topic>`` of ``part`` (default: of every part), without checks,
    figures and exercises."""
    return [m for p in ([part] if part else edl.PARTS) for m in _submodules(f"edl.{p}", skip=NOT_FORMULAS)]


def labels_of(obj) -> list[str]:
    """The ids named after "Book label(s):" in a docstring, in order.

    >>> labels_of(lambda: None)
    []
    """
    doc = inspect.getdoc(obj) or ""
    return [id for m in _LABELS.finditer(doc) for id in re.findall(r"``([^`]+)``", m.group(1))]


def labelled() -> dict[str, tuple[object, list[str]]]:
    """``{"module.name": (function or class, labels)}`` for every labelled public function and class."""
    found = {}
    for module in formula_modules():
        for name, obj in vars(module).items():
            if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
                continue
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and labels_of(obj):
                found[f"{module.__name__}.{name}"] = (obj, labels_of(obj))
    return found


def implementations() -> dict[str, list[str]]:
    """The dotted names of the library functions and classes labelled with each formula id."""
    by_id: dict[str, list[str]] = {}
    for name, (_, ids) in labelled().items():
        for id in ids:
            by_id.setdefault(id, []).append(name)
    return by_id


def qualified_name(fn) -> str:
    """``module:qualname`` of a function, through decorators (what the book's ``edl-code`` role links to).

    >>> qualified_name(qualified_name)
    'edl.core.reference:qualified_name'
    """
    fn = inspect.unwrap(fn)
    return f"{fn.__module__}:{fn.__qualname__}"


def _automodule(module: str, *, undocumented: bool = False) -> str:
    options = "   :members:\n" + ("   :undoc-members:\n" if undocumented else "")
    return f"### `{module}`\n\n```{{eval-rst}}\n.. automodule:: {module}\n{options}```\n"


def page(part: str) -> str:
    """The reference page of ``part`` (MyST Markdown with autodoc directives)."""
    package = importlib.import_module(f"edl.{part}")
    summary = " ".join((inspect.getdoc(package) or "").split("\n\n")[0].split())
    sections = [f"# `edl.{part}`\n",
                f"{summary} The formulas are stated, derived and checked in "
                f"{{doc}}`{package.TITLE} </notebooks/{package.NOTEBOOK}>`. A function's book label links "
                f"to where its formula is stated; **[source]** shows its code.\n",
                "## Formulas\n", *(_automodule(m.__name__) for m in formula_modules(part))]
    figures = [m for m in _submodules(f"edl.{part}.figures")] if _exists(f"edl.{part}.figures") else []
    if figures:
        sections += ["## Figures and explorers\n",
                     "Each figure of the chapter is a pure `plot_*` function; an explorer wraps one with sliders.\n",
                     *(_automodule(m.__name__) for m in figures)]
    if _exists(f"edl.{part}.checks"):
        sections += ["## Checks\n",
                     "The registered checks: each compares a formula with an independent route, and each verdict in "
                     "the chapter links to the source of its check here.\n",
                     *(_automodule(m.__name__, undocumented=True) for m in _submodules(f"edl.{part}.checks"))]
    return "\n".join(sections)


def _exists(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name != module:
            raise
        return False
    return True


def index_page() -> str:
    rows = "\n".join(f"| {{doc}}`edl.{part} <{part}>` | {importlib.import_module(f'edl.{part}').TITLE} |"
                     for part in edl.PARTS)
    return (
        "# Library reference\n\n"
        "Every formula of the book is a function of the helper library `edl`, one package per part of the book. "
        "To use it in a notebook of your own, install the repository (`pip install -e .` with its "
        "`requirements.txt`, or `make setup`) and import the part you need, for example "
        "`from edl.convolution import operator`. Functions take tensors or array-likes, return tensors on the "
        "device of their input, and refuse bad input with a `ValueError` that names the argument.\n\n"
        f"| Package | Part of the book |\n|---|---|\n{rows}\n")


def write_pages(dest: Path) -> list[Path]:
    """Write the index and one page per part into ``dest``; return the paths written."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    written = [dest / "index.md"]
    written[0].write_text(index_page(), encoding="utf-8")
    for part in edl.PARTS:
        path = dest / f"{part}.md"
        path.write_text(page(part), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m edl.core.reference DEST")
    print(f"library reference: {len(write_pages(Path(sys.argv[1])))} pages")
