"""The errata appendix: a notebook that runs every demonstration, grouped by chapter.

    python -m edl.core.ledger.errata_notebook notebooks/appendix_errata.ipynb           # write it
    python -m edl.core.ledger.errata_notebook notebooks/appendix_errata.ipynb --check   # is it current?

For each demonstrated erratum the page shows what the course summary says, what is right, why it
matters, and the compact verdict of the book's check run on the mistaken version (it fails). The
errata of chapters not yet written are listed from the catalogue. The notebook is generated from the
registry, so it is rewritten (and then executed, ``make errata``) whenever an erratum is registered;
``--check`` compares the cell sources with what the registry gives and keeps the stored outputs.
"""

import argparse
import importlib
import re
import sys
from pathlib import Path

import nbformat

import edl
from edl.core.ledger import catalogue
from edl.core.ledger.registry import errata_entries, formula_entries

NOTEBOOK = "appendix_errata"
INTRO = """\
# Appendix B — Errata

This book grew out of five course summaries of a university deep-learning course, numbered 000 to
004: two long summaries of the whole course (000 and 001), one that starts from the probability
background (002), a one-page cheat sheet (003), and one organised around optimisation and linear
models (004). They overlap, and like all notes written under time pressure they contain mistakes:
a transposed term, an exponent off by one, an inequality that lost its hypothesis. Every formula of
the book was checked before it was written down, and each mistake found on the way is catalogued.

This appendix runs them. For every catalogued mistake in a chapter that is written, it shows what the
summary says, the correct statement, why the difference matters, and the verdict of the book's own
check of the formula **run on the mistaken version**: it fails, and opening the verdict shows which
sub-checks catch it. A check that passed on a mistaken version could not tell right from wrong; the
build fails if that ever happens. The mistakes that teach something also appear in the chapters, as
*Common mistake* boxes that link here.

Mistakes in chapters still being written are listed at the end, as catalogued."""


def label(key: str) -> str:
    """The MyST target of an erratum's demonstration, for ``{ref}`` links from the chapters.

    >>> label("ch01-03:E12")
    'erratum-ch01-03-e12'
    """
    return "erratum-" + key.lower().replace(":", "-")


def _said_by(seeds: str) -> str:
    """Who states the mistake, from the catalogue's seeds field (summary numbers, with line numbers).

    >>> _said_by("002 L9 (L3)"), _said_by("000, 001")
    ('Summary 002 says', 'Summaries 000 and 001 say')
    """
    numbers = sorted(set(re.findall(r"\b00\d\b", seeds)))
    if len(numbers) == 1:
        return f"Summary {numbers[0]} says"
    return f"Summaries {', '.join(numbers[:-1])} and {numbers[-1]} say"


def cells() -> list[nbformat.NotebookNode]:
    """The appendix's cells, in order, without outputs: the demonstrated errata by part, in book
    order (chapters, then appendices), then the catalogued errata of chapters not yet written."""
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    demos, stated, errata = errata_entries(), formula_entries(), catalogue.errata()
    out = [md(INTRO), code("from edl.core import ledger", metadata={"tags": ["remove-input"]})]
    parts = sorted(edl.PARTS, key=lambda part: importlib.import_module(f"edl.{part}").NOTEBOOK.startswith("appendix"))
    for part in parts:
        package = importlib.import_module(f"edl.{part}")
        shown = [key for key in errata if key in demos and stated[errata[key].id].notebook == package.NOTEBOOK]
        if not shown:
            continue
        out.append(md(f"## {package.TITLE}"))
        for key in shown:
            e, d = errata[key], demos[key]
            out.append(md(f"({label(key)})=\n### {key} · {{ref}}`{e.id} <{e.id}>`\n\n"
                          f"- **{_said_by(e.seeds)}:** ${d.wrong}$\n"
                          f"- **Correct:** ${d.right}$\n"
                          f"- **Why it matters:** {d.why}\n\nSeverity: {e.severity}."))
            out.append(code(f'ledger.demonstrate("{key}")', metadata={"tags": ["remove-input", "nbval-check-output"]}))
    pending = [(key, e) for key, e in errata.items() if key not in demos]
    lines = ["## Chapters still being written", "",
             f"{len(pending)} catalogued mistakes belong to chapters not yet written; each is demonstrated "
             "here once its chapter is complete.", ""]
    for n in sorted({e.chapter for _, e in pending}):
        rows = [f"- `{key}` · `{e.id}` · {e.severity}: {e.what}" for key, e in pending if e.chapter == n]
        lines += [f"**Chapter {n} — {catalogue.CHAPTER_TITLES[n]}**", "", *rows, ""]
    out.append(md("\n".join(lines).rstrip()))
    return out


def notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = cells()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def _sources(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the notebook to write (notebooks/appendix_errata.ipynb)")
    parser.add_argument("--check", action="store_true", help="only report whether the stored notebook is current")
    args = parser.parse_args(argv)
    fresh = notebook()
    current = nbformat.read(args.path, as_version=4) if args.path.exists() else None
    if current is not None and _sources(current) == _sources(fresh):
        return 0
    if args.check:
        print(f"{args.path} is out of date: run `make errata`", file=sys.stderr)
        return 1
    nbformat.write(fresh, args.path)
    print(f"wrote {args.path} ({len(fresh.cells)} cells); execute it to store the verdicts")
    return 0


if __name__ == "__main__":
    sys.exit(main())
