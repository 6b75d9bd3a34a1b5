"""Classroom exercises with immediate, server-free feedback.

An exercise names a function the student writes, a reference route, and test cases. In a notebook::

    def entropy_bits(p):            # a cell tagged "solution": `make student` strips the body
        ...
    exercises.check("bg.ex.entropy-bits", entropy_bits)   # prints ✓, or what is wrong and by how much

In the repository the solution cells hold worked solutions, so nbval runs (and output-checks) them.
"""

from edl.exercises.core import Exercise, check, exercise, registered

__all__ = ["Exercise", "check", "exercise", "registered"]
