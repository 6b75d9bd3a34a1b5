"""Shared machinery of the book, used by every part package.

- :mod:`edl.core.device`     pick the compute device; seeded generators; single-threaded sections
- :mod:`edl.core.validate`   input validation that raises a ``ValueError`` naming the argument
- :mod:`edl.core.checking`   the result type every check returns and the comparisons checks use
- :mod:`edl.core.ledger`     the registry of formula checks and errata, and the ledger report
- :mod:`edl.core.parts`      the part packages and the modules they register
- :mod:`edl.core.explore`    explorers: live widgets with a kernel-free HTML fallback
- :mod:`edl.core.exercises`  exercises with automatic feedback
- :mod:`edl.core.student`    the student edition (solutions replaced by stubs)
"""
