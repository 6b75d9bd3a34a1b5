"""The ledger: every registered check passes, every registered erratum is caught, complete parts are complete."""

import json

import nbformat
import pytest

from edl.core import ledger
from edl.core.checking import CheckResult
from edl.core.ledger import catalogue, registry, report
from tests.core.test_stable_output import too_precise
from tests.paths import NOTEBOOKS

FORMULAS = sorted(ledger.formula_entries())
ERRATA = sorted(ledger.errata_entries())


@pytest.mark.parametrize("id", FORMULAS)
def test_formula_check_passes(id):
    result, _ = ledger.run_formula(id)
    assert result.passed, f"{id}: {result.detail}"
    parts = registry.sub_checks(result.detail)  # printed one per line
    assert "\n" not in result.detail and max(map(len, parts)) <= 140, "each sub-check's verdict is one short line"
    assert not too_precise(result.detail), f"{id}: the verdict prints unrounded floats {too_precise(result.detail)}"


@pytest.mark.parametrize("key", ERRATA)
def test_check_fails_on_the_seeds_version(key):
    result, _ = ledger.run_erratum(key)
    assert not result.passed, f"{key}: the check passes on the seed's version: {result.detail}"
    assert "check raised" not in result.detail, "the seed's version must fail the comparison, not crash"
    assert not too_precise(result.detail), f"{key}: the verdict prints unrounded floats {too_precise(result.detail)}"


def test_catalogue_copy_is_whole():
    assert len(catalogue.formulas()) == 453 and len(catalogue.errata()) == 170
    assert all(e.id in catalogue.formulas() for e in catalogue.errata().values())


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
            assert any(f'ledger.demonstrate("{key}")' in s for s in checked), f"{key}: no demonstrate cell"


def test_verify_prints_verdict_and_raises_on_failure(monkeypatch, capsys):
    entry = ledger.formula_entries()[FORMULAS[0]]
    ledger.verify(entry.id)
    assert capsys.readouterr().out.startswith(f"{entry.id}  \u2713")
    broken = registry.FormulaEntry(entry.id, entry.notebook, entry.reference, lambda: CheckResult(False, "off"))
    monkeypatch.setitem(registry._FORMULAS, entry.id, broken)
    with pytest.raises(AssertionError, match="off"):
        ledger.verify(entry.id)


def test_a_verdict_of_sub_checks_prints_one_line_each():
    assert registry.verdict("x.y  \u2713", "a agrees") == "x.y  \u2713  a agrees"
    assert registry.verdict("x.y  \u2713", "a agrees; b holds") == "x.y  \u2713\n    a agrees\n    b holds"


def test_demonstrate_raises_when_the_check_cannot_tell(monkeypatch):
    entry = ledger.errata_entries()[ERRATA[0]]
    blind = registry.ErratumEntry(entry.key, entry.id, entry.wrong, entry.right, lambda: CheckResult(True, "ok"))
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
        assert {"id", "chapter", "notebook", "reference", "status", "max_error", "seconds"} <= set(f)
        assert f["status"] == "pass"
    assert len(data["errata"]) == 170
    assert {e["key"] for e in data["errata"] if e["demonstrated"]} == set(ERRATA)
    assert len(data["pending"]) == 453 - len(FORMULAS)
    page = (tmp_path / "pages" / "ledger.md").read_text()
    assert all(f"{{ref}}`{id} <{id}>`" in page for id in FORMULAS)
    errata = (tmp_path / "pages" / "errata.md").read_text()
    assert all(f"**{key}**" in errata for key in catalogue.errata())
