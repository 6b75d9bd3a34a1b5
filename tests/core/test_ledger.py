"""The ledger: every registered check passes, every registered erratum is caught, complete parts are complete."""

import json
import re

import nbformat
import pytest

from edl.core import ledger
from edl.core.checking import CheckResult
from edl.core.ledger import catalogue, errata_notebook, registry, report, verdicts
from tests.core.test_stable_output import too_precise
from tests.paths import NOTEBOOKS

FORMULAS = sorted(ledger.formula_entries())
ERRATA = sorted(ledger.errata_entries())


@pytest.mark.parametrize("id", FORMULAS)
def test_formula_check_passes(id):
    result, _ = ledger.run_formula(id)
    assert result.passed, f"{id}: {result.detail}"
    parts = verdicts.sub_checks(result.detail)  # printed one per line
    assert "\n" not in result.detail and max(map(len, parts)) <= 140, "each sub-check's verdict is one short line"
    assert not too_precise(result.detail), f"{id}: the verdict prints unrounded floats {too_precise(result.detail)}"


#: The closed verdict line reads "✓ <id> checked against <reference>": at most this many characters of id and
#: reference keep it within two lines of the page (the browser test measures the rendered height).
SUMMARY_CHARACTERS = 150


@pytest.mark.parametrize("id", FORMULAS)
def test_a_closed_verdict_fits_two_lines(id):
    entry = ledger.formula_entries()[id]
    assert len(id) + len(entry.reference) <= SUMMARY_CHARACTERS, (
        f"{id}: shorten its reference ({len(entry.reference)} characters) to keep the verdict line compact")


#: Errata whose point is that the seed's version cannot be run at all, so that the library refusing it is the verdict.
REFUSAL_IS_THE_POINT = {
    "ch01-03:E42": "η_k = 1/k from k = 0 makes the first step 1/0",
}


@pytest.mark.parametrize("key", ERRATA)
def test_check_fails_on_the_seeds_version(key):
    result, _ = ledger.run_erratum(key)
    assert not result.passed, f"{key}: the check passes on the seed's version: {result.detail}"
    assert "check raised" not in result.detail, "the seed's version must fail the comparison, not crash"
    # a check that reports only that the library refused the seed's input demonstrates validation, not the mistake:
    # run the seed's version through an independent implementation instead (as the Nesterov erratum runs torch's SGD)
    assert "cannot run" not in result.detail or key in REFUSAL_IS_THE_POINT, \
        f"{key}: fails only because the library refuses the seed's input: {result.detail}"
    assert not too_precise(result.detail), f"{key}: the verdict prints unrounded floats {too_precise(result.detail)}"


def test_catalogue_copy_is_whole():
    assert len(catalogue.formulas()) == 453 and len(catalogue.errata()) == 170
    assert all(e.id in catalogue.formulas() for e in catalogue.errata().values())


def _demonstrated() -> set[str]:
    return {c.source for c in _cells(errata_notebook.NOTEBOOK) if c.cell_type == "code"}


def test_the_errata_appendix_is_current():
    assert errata_notebook.main([str(NOTEBOOKS / f"{errata_notebook.NOTEBOOK}.ipynb"), "--check"]) == 0


@pytest.mark.parametrize("notebook", sorted(catalogue.COMPLETE_PARTS))
def test_common_mistake_boxes_link_to_a_demonstration(notebook):
    targets = {line for c in _cells(errata_notebook.NOTEBOOK) for line in c.source.splitlines()}
    for cell in _cells(notebook):
        if cell.cell_type == "markdown" and "{admonition} Common mistake" in cell.source:
            links = re.findall(r"<(erratum-[a-z0-9-]+)>", cell.source)
            assert links and all(f"({link})=" in targets for link in links), cell.source
        if cell.cell_type == "markdown":
            prose = re.sub(r"^#+ Summary$", "", cell.source, flags=re.M)
            assert not re.search(r"summar(y|ies)\b|\bseeds?'?\b(?!\s*=)", prose, re.I), \
                f"{notebook}: chapters speak of the correct formula, never of seeds or summaries: {cell.source[:200]!r}"


@pytest.mark.parametrize("notebook", [*sorted(catalogue.COMPLETE_PARTS), errata_notebook.NOTEBOOK])
def test_verdict_cells_hold_only_verdicts_and_hide_their_code(notebook):
    for cell in _cells(notebook):
        if cell.cell_type == "code" and re.search(r"ledger\.(verify|demonstrate)\(", cell.source):
            tags = cell.metadata.get("tags", [])
            assert {"remove-input", "nbval-check-output"} <= set(tags), f"{notebook}: {cell.source!r} has tags {tags}"
            calls = [line for line in cell.source.splitlines() if line.strip()]
            assert all(re.fullmatch(r'ledger\.(verify|demonstrate)\("[^"]+"\)', line) for line in calls), \
                f"{notebook}: a verdict cell hides its code, so it may hold nothing else: {cell.source!r}"


def _cells(notebook: str):
    return nbformat.read(NOTEBOOKS / f"{notebook}.ipynb", as_version=4).cells


@pytest.mark.parametrize("notebook", sorted(catalogue.COMPLETE_PARTS))
def test_complete_part_states_checks_and_passes_every_id(notebook):
    cells = _cells(notebook)
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    checked = {c.source for c in cells if c.cell_type == "code" and "nbval-check-output" in c.metadata.get("tags", [])}
    entries = ledger.formula_entries()
    for id in catalogue.ids_of_part(notebook):
        assert id in entries, f"{id} has no registered check"
        assert entries[id].notebook == notebook, f"{id} is registered to {entries[id].notebook}"
        assert f"({id})=" in markdown, f"{id} is not stated (no target '({id})=') in {notebook}"
        assert any(f'ledger.verify("{id}")' in s for s in checked), f"{id}: no output-checked verify cell"
        assert ledger.run_formula(id)[0].passed, id
    for key, err in catalogue.errata().items():
        if err.id in catalogue.ids_of_part(notebook):
            assert key in ledger.errata_entries(), f"erratum {key} of {err.id} is not demonstrated"
            assert f'ledger.demonstrate("{key}")' in _demonstrated(), f"{key}: not run in the errata appendix"
    assert not any("ledger.demonstrate" in c.source for c in cells if c.cell_type == "code"), \
        "mistakes are demonstrated in the errata appendix; a chapter links there from a Common mistake box"


def test_verify_prints_verdict_and_raises_on_failure(monkeypatch, capsys):
    entry = ledger.formula_entries()[FORMULAS[0]]
    ledger.verify(entry.id)
    assert capsys.readouterr().out.startswith(f"{entry.id}  \u2713")
    broken = registry.FormulaEntry(entry.id, entry.notebook, entry.reference, lambda: CheckResult(False, "off"))
    monkeypatch.setitem(registry._FORMULAS, entry.id, broken)
    with pytest.raises(AssertionError, match="off"):
        ledger.verify(entry.id)


def test_a_verdict_of_sub_checks_prints_one_line_each():
    assert verdicts.Verdict("x.y", True, "", "a agrees").text() == "x.y  \u2713  a agrees"
    assert verdicts.Verdict("x.y", True, "", "a agrees; b holds").text() == "x.y  \u2713\n    a agrees\n    b holds"


def test_a_verdict_displays_as_one_line_that_opens_to_its_sub_checks():
    v = verdicts.Verdict("x.y", True, "checked against <numpy>", "a agrees; b (1; 2) holds")
    page = v._repr_html_()
    assert page.startswith('<details class="edl-verdict edl-pass"><summary>') and "&lt;numpy&gt;" in page
    assert page.count("<li>") == 2 and "<li>b (1; 2) holds</li>" in page
    assert repr(v) == v.text(), "text/plain stays complete, for nbval"


def test_demonstrate_raises_when_the_check_cannot_tell(monkeypatch):
    entry = ledger.errata_entries()[ERRATA[0]]
    blind = registry.ErratumEntry(entry.key, entry.id, entry.wrong, entry.right, entry.why, lambda: CheckResult(True, "ok"))
    monkeypatch.setitem(registry._ERRATA, entry.key, blind)
    with pytest.raises(AssertionError, match="cannot catch it"):
        ledger.demonstrate(entry.key)


def test_a_crashing_check_is_a_failing_check(monkeypatch):
    entry = ledger.formula_entries()[FORMULAS[0]]
    monkeypatch.setitem(registry._FORMULAS, entry.id,
                        registry.FormulaEntry(entry.id, entry.notebook, entry.reference, lambda: 1 / 0))
    result, _ = ledger.run_formula(entry.id)
    assert not result.passed and "ZeroDivisionError" in result.detail


def test_unknown_ids_are_refused():
    with pytest.raises(ValueError, match="catalogue formula id"):
        ledger.formula("no.such.formula", reference="y")
    with pytest.raises(ValueError, match="erratum key"):
        ledger.erratum("no-such-key", wrong="a", right="b")
    with pytest.raises(ValueError, match="registered formula id"):
        ledger.run_formula("slt.vc-dimension" if "slt.vc-dimension" not in FORMULAS else "x")


def test_report_writes_json_and_pages(tmp_path):
    assert report.main(["--json", str(tmp_path / "ledger.json"), "--pages", str(tmp_path / "pages")]) == 0
    data = json.loads((tmp_path / "ledger.json").read_text())
    assert {f["id"] for f in data["formulas"]} == set(FORMULAS)
    for f in data["formulas"]:
        assert {"id", "chapter", "notebook", "reference", "status", "max_error", "seconds", "check", "implements"} <= set(f)
        assert f["status"] == "pass"
    assert len(data["errata"]) == 170
    assert {e["key"] for e in data["errata"] if e["demonstrated"]} == set(ERRATA)
    assert len(data["pending"]) == 453 - len(FORMULAS)
    page = (tmp_path / "pages" / "ledger.md").read_text()
    assert all(f"{{ref}}`{id} <{id}>`" in page for id in FORMULAS)
    markov = next(f for f in data["formulas"] if f["id"] == "bg.markov")
    assert markov["implements"] == ["edl.probability.basics.markov_bound"]
    assert f"{{edl-code}}`check <{markov['check']}>` · {{py:obj}}`~edl.probability.basics.markov_bound`" in page


def test_the_ledger_page_shows_mutants_per_formula_once_make_mutants_ran():
    id = FORMULAS[0]
    ledger = {"catalogue_size": len(catalogue.formulas()), "pending": [],
              "formulas": [{"id": id, "reference": "r", "status": "pass", "detail": "d", "check": "m:c", "implements": []}]}
    page = report.ledger_page(ledger)
    assert "Mutants killed / made" not in page and "has not been run" in page
    mutation = {"commit": "0123456789abcdef", "target": 0.95,
                "parts": {"probability": {"made": 10, "equivalent": 1, "killed": 8, "survived": 1, "score": 8 / 9}},
                "formulas": {id: {"made": 5, "equivalent": 1, "killed": 4}}}
    page = report.ledger_page(ledger, mutation)
    assert f"| {{ref}}`{id} <{id}>` | r | {report.PASS} | {{edl-code}}`check <m:c>` | 4 / 4 | d |" in page
    assert "| probability | 10 | 1 | 8 | 1 | 88.9% |" in page and "0123456789ab" in page
    del mutation["formulas"][id]
    assert f"| {report.PASS} | {{edl-code}}`check <m:c>` | – | d |" in report.ledger_page(ledger, mutation), \
        "a formula with no mutants shows a dash"
