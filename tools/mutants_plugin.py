"""pytest plugin loaded (``-p mutants_plugin``) in every pytest session of ``make mutants``.

mutmut copies each mutated function into the module once per mutant, docstring included, so
``--doctest-modules`` would collect every doctest hundreds of times; those copies are deselected and
only the doctest of the function itself (mutmut's trampoline, which keeps the original name) runs.
Hypothesis is made deterministic, so a mutant is killed or not the same way on every run, and the
heap that the fork server built is frozen, so that the garbage collector of each forked test process
does not walk (and copy) it.
"""

import gc

COPY = "__mutmut_"  # in the name of mutmut's copies: x_<function>__mutmut_<n>, x_<function>__mutmut_orig


def pytest_configure(config):
    try:
        from hypothesis import settings
    except ImportError:  # pragma: no cover - hypothesis is in requirements.txt
        pass
    else:
        settings.register_profile("mutants", derandomize=True, database=None, print_blob=False)
        settings.load_profile("mutants")
    gc.freeze()


def pytest_collection_modifyitems(config, items):
    copies = [item for item in items if COPY in item.nodeid]
    if copies:
        config.hook.pytest_deselected(items=copies)
        items[:] = [item for item in items if COPY not in item.nodeid]
