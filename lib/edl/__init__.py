"""Executable Deep Learning: the formulas of the book as small, checked functions.

Modules (one topic each):

- :mod:`edl.device`      pick the compute device and make seeded generators
- :mod:`edl.validate`    input validation that raises informative ``ValueError``
- :mod:`edl.checking`    comparison helpers and the result type every check returns
- :mod:`edl.ledger`      the registry of formula checks and seed errata
- :mod:`edl.probability` moments, identities, inequalities, distributions (appendix)
- :mod:`edl.information` entropy, KL, TV, JS, Pinsker, Gibbs (appendix)
- :mod:`edl.plots`       the book's figures and explorers, one module per chapter
- :mod:`edl.explore`     explorers: live widgets with a kernel-free HTML fallback
- :mod:`edl.exercises`   classroom exercises with automatic feedback
"""

__version__ = "0.1.0"
