"""Sphinx extension of the book: links from the text to the library's code and back.

- In the library reference (autodoc), "Book label: ``id``" becomes a link to where formula ``id`` is
  stated in a chapter (for every id some notebook states).
- Every verdict of a chapter or of the errata appendix (the ``<details class="edl-verdict">`` that
  ``edl.core.ledger.verdicts`` writes) gains a last line linking to the source of its check, on the
  page viewcode writes for the check's module, so that a reader goes from a ✓ to its code in one click.
  The notebooks themselves stay free of build paths: the link is added when the page is written.
- The role ``{edl-code}`text <module:qualname>``` (used by the ledger page) links to the source of a
  function on its viewcode page.
"""

import html
import inspect
import json
import re
from pathlib import Path

from docutils import nodes

_TARGET = re.compile(r"^\(([a-z0-9][\w.\-:]*)\)=\s*$", re.M)
_LABEL_LINE = re.compile(r"Book labels?:?\s*((?:``[^`]+``(?:\s*,\s*|\s+and\s+|\s*)?)+)")
_VERDICT = re.compile(r'(<details class="edl-verdict[^"]*">.*?<code>)([^<]+)(</code>.*?)(</ul></details>)', re.S)


def _stated_ids(srcdir: Path) -> set[str]:
    ids = set()
    for path in (srcdir / "notebooks").glob("*.ipynb"):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                ids.update(_TARGET.findall("".join(cell["source"])))
    return ids


def _link_labels(app, what, name, obj, options, lines):
    stated = app.env.edl_stated_ids
    text = "\n".join(lines)

    def link(match):
        return re.sub(r"``([^`]+)``", lambda m: f":ref:`{m.group(1)} <{m.group(1)}>`" if m.group(1) in stated
                      else m.group(0), match.group(0))

    linked = _LABEL_LINE.sub(link, text)
    if linked != text:
        lines[:] = linked.split("\n")


def _check_of(head: str):
    from edl.core.ledger import registry

    formulas, errata = registry.formula_entries(), registry.errata_entries()
    if head in formulas:
        return inspect.unwrap(formulas[head].check)
    if head in errata:
        return inspect.unwrap(errata[head].run_on_seed)
    return None


def _link_verdicts(app, doctree, docname):
    if app.builder.format != "html":
        return

    def add_link(match):
        check = _check_of(html.unescape(match.group(2)))
        if check is None:
            return match.group(0)
        uri = _source_uri(app.builder, docname, check.__module__, check.__qualname__)
        code = f"{check.__module__}.{check.__qualname__}"
        line = (f'<li class="edl-check-code">the code of this check: <a href="{html.escape(uri)}">'
                f"<code>{html.escape(code)}</code></a></li>")
        return match.group(1) + match.group(2) + match.group(3) + line + match.group(4)

    for node in doctree.findall(nodes.raw):
        if node.get("format") == "html" and "edl-verdict" in node.astext():
            linked = _VERDICT.sub(add_link, node.astext())
            node.children = [nodes.Text(linked)]


def _source_uri(builder, docname: str, module: str, qualname: str) -> str:
    return builder.get_relative_uri(docname, "_modules/" + module.replace(".", "/")) + "#" + qualname


_ROLE = re.compile(r"^(.*?)\s*<([\w.]+):([\w.]+)>$", re.S)


def _code_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    found = _ROLE.match(text)
    if not found:
        msg = inliner.reporter.error(f"edl-code needs `text <module:qualname>`, got {text!r}", line=lineno)
        return [inliner.problematic(rawtext, rawtext, msg)], [msg]
    label, module, qualname = found.groups()
    env = inliner.document.settings.env
    uri = _source_uri(env.app.builder, env.docname, module, qualname)
    return [nodes.reference(rawtext, label, refuri=uri, classes=["edl-code"])], []


def _collect(app):
    app.env.edl_stated_ids = _stated_ids(Path(app.srcdir))


def setup(app):
    app.connect("builder-inited", _collect)
    app.connect("autodoc-process-docstring", _link_labels)
    app.connect("doctree-resolved", _link_verdicts)
    app.add_role("edl-code", _code_role)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
