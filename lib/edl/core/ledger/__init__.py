"""The formula ledger: every catalogue formula the book states, with the check that verifies it.

In a notebook, right after a formula::

    from edl.core import ledger
    ledger.verify("bg.pinsker")          # runs the registered check, prints a one-line verdict
    ledger.demonstrate("ch09-11:E23")    # runs the same check on a seed's wrong version: must fail
"""

from edl.core.ledger.registry import (
    ErratumEntry,
    FormulaEntry,
    demonstrate,
    erratum,
    errata_entries,
    formula,
    formula_entries,
    load_all,
    run_erratum,
    run_formula,
    verify,
)

__all__ = [
    "ErratumEntry", "FormulaEntry", "demonstrate", "erratum", "errata_entries", "formula",
    "formula_entries", "load_all", "run_erratum", "run_formula", "verify",
]
