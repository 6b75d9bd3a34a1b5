"""The bad-input sweep's summary: outcomes per part at the end of the run (also under pytest-xdist)."""

from collections import Counter

_COUNTS: dict[str, Counter] = {}


def pytest_runtest_logreport(report):
    if report.when != "call":
        return
    for key, value in getattr(report, "user_properties", ()):
        if key == "bad_input":
            counts = dict(value)
            _COUNTS.setdefault(counts.pop("module"), Counter()).update(counts)


def pytest_terminal_summary(terminalreporter):
    if not _COUNTS:
        return
    from tests.core.bad_input import table_of_counts

    terminalreporter.write_sep("-", "bad-input sweep: outcomes of the bad calls")
    terminalreporter.write_line(table_of_counts(_COUNTS))
