"""Every registered check of chapter 9b passes, and every erratum demonstration of it fails."""

import pytest

import edl.bayesian
from edl.core import ledger
from edl.core.ledger import catalogue

IDS = sorted(id for id in catalogue.formulas() if id.startswith(edl.bayesian.PREFIXES))
ERRATA = sorted(k for k, e in catalogue.errata().items() if e.id.startswith(edl.bayesian.PREFIXES))


def test_every_id_of_the_part_is_registered_here():
    entries = ledger.formula_entries()
    assert len(IDS) == 32 and all(entries[id].notebook == edl.bayesian.NOTEBOOK for id in IDS)
    assert len(ERRATA) == 11 and set(ERRATA) <= set(ledger.errata_entries())


@pytest.mark.parametrize("id", IDS)
def test_check_passes(id):
    result, _ = ledger.run_formula(id)
    assert result.passed, result.detail


@pytest.mark.parametrize("key", ERRATA)
def test_mistaken_version_fails(key):
    result, _ = ledger.run_erratum(key)
    assert not result.passed, result.detail
