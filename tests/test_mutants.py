"""``make mutants``'s report (tools/mutants.py): formula ids, stable mutation keys, equivalents, tallies.

These test the bookkeeping only; the mutation run itself is a report (``make mutants``), not a test.
"""

import importlib.util
import textwrap

import pytest

from tests.paths import ROOT

_spec = importlib.util.spec_from_file_location("mutants_tool", ROOT / "tools" / "mutants.py")
mutants = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mutants)

DIFF = """\
--- edl/p/t.py
+++ edl/p/t.py
@@ -1,4 +1,4 @@
 def f(x):
     r\"\"\"Book label: ``a.b``.\"\"\"
-    return x + 1
+    return x - 1"""


def test_formula_ids_come_from_the_book_labels_of_the_function_or_its_class(tmp_path):
    module = tmp_path / "t.py"
    module.write_text(textwrap.dedent('''
        def f(x):
            """Book label: ``a.b``."""
        def g(x):
            """Book labels: ``a.c``, ``a.d`` and ``a.e``. More text."""
        def _helper(x):
            """No label."""
        class Opt:
            """Book label: ``opt.rule``."""
            def step(self):
                pass
            def other(self):
                """Book label: ``opt.other``."""
    '''))
    assert mutants.labels_by_function(module) == {
        "f": ["a.b"], "g": ["a.c", "a.d", "a.e"], "_helper": [], "Opt.step": ["opt.rule"], "Opt.other": ["opt.other"]}


def test_a_mutation_key_is_the_changed_lines_without_numbers_or_indentation():
    assert mutants.mutation_key(DIFF) == "return x + 1 => return x - 1"


def _record(n, status, diff=DIFF, path="edl/probability/information.py", function="entropy"):
    return {"mutant": f"edl.probability.information.x_{function}__mutmut_{n}", "path": path,
            "function": function, "class": None, "status": status, "diff": diff}


def test_the_tally_leaves_equivalents_out_and_counts_timeouts_as_killed(tmp_path):
    records = [_record(1, "killed"), _record(2, "timeout"), _record(3, "survived"), _record(4, "survived")]
    # the same change twice in one function: the second gets "#2", so each key names one mutant
    equivalent = {("edl.probability.information", "entropy", "return x + 1 => return x - 1 #4"): "no change",
                  ("edl.probability.information", "entropy", "gone => away"): "stale"}
    report = mutants.summarise(records, equivalent, 1.0, 2, ["edl/probability/information.py"])
    part = report["parts"]["probability"]
    assert part == {"made": 4, "killed": 2, "survived": 1, "timeout": 1, "no_tests": 0, "equivalent": 1,
                    "device_only": 0, "score": round(2 / 3, 4), "score_counting_device_only": round(2 / 3, 4)}
    assert report["formulas"]["bg.entropy"]["made"] == 4
    assert [s["mutant"][-1] for s in report["survivors"]] == ["3"]
    assert report["equivalent"] == [{"module": "edl.probability.information", "function": "entropy",
                                     "key": "return x + 1 => return x - 1 #4", "reason": "no change"}]
    assert report["stale_equivalents"] == [{"module": "edl.probability.information", "function": "entropy",
                                            "key": "gone => away"}]


def test_a_killed_mutant_is_never_counted_equivalent():
    equivalent = {("edl.probability.information", "entropy", "return x + 1 => return x - 1"): "wrongly listed"}
    report = mutants.summarise([_record(1, "killed")], equivalent, 1.0, 2, ["edl/probability/information.py"])
    assert report["parts"]["probability"]["equivalent"] == 0 and report["parts"]["probability"]["score"] == 1.0


def test_the_equivalent_list_is_well_formed_and_names_formula_modules():
    listed = mutants.read_equivalent()
    assert all(reason.strip() for reason in listed.values()), "every equivalent mutant says why"
    for module, function, key in listed:
        part = module.split(".")[1]
        assert f"edl/{part}/{module.rsplit('.', 1)[1]}.py" in mutants.formula_modules(ROOT, part), module
        assert " => " in key, key


def test_a_malformed_equivalent_line_is_refused(tmp_path):
    bad = tmp_path / "eq.tsv"
    bad.write_text("module\tfunction\tmutation\treason\nedl.x.y\tf\tonly three fields\n")
    with pytest.raises(ValueError, match="separated by tabs"):
        mutants.read_equivalent(bad)


def test_the_killers_are_the_checks_unit_tests_and_doctests_but_not_the_figures():
    parts = mutants.parts(ROOT)
    tests = mutants.killer_tests(ROOT, parts)
    assert tests[0] == mutants.CHECKS_AS_TESTS
    assert "tests/probability/test_probability.py" in tests and "edl/probability/basics.py" in tests
    # Figure tests and the modules of checks, figures and exercises are no killers; a part's tests that run its
    # checks on wrong versions (tests/<part>/test_checks*.py) are.
    assert not any("figures" in t or "/checks/" in t or "exercises" in t or "/core/" in t.replace("tests/core", "")
                   for t in tests)


@pytest.mark.parametrize("key, equivalent", [
    ('x = _float("x", x, finite=False) => x = _float("x", x, finite=None)', True),
    ('x = _float("x", x, finite=False) => x = _float("x", x, finite=True)', False),
    ('v.require_in_range("p", p, 0.0, 1.0, closed=False) => v.require_in_range("p", p, 0.0, 1.0, closed=None) #2', True),
    ('v.require_positive("t", t, strict=False) => v.require_positive("t", t, strict=None)', True),
    ('f(g(x, strict=False)) => f(g(x, strict=None))', False),  # g is no known callee
    ('y = torch.nan_to_num(z, nan=0.0) => y = torch.nan_to_num(z, )', True),
    ('y = torch.nan_to_num(z, nan=0.0) => y = torch.nan_to_num(z, nan=1.0)', False),
])
def test_known_equivalent_classes(key, equivalent):
    assert (mutants.equivalent_class(key) is not None) == equivalent


def test_device_only_mutants_drop_or_blank_a_placement_and_nothing_else():
    assert mutants.device_only("W = torch.zeros(n, dtype=X.dtype, device=X.device) => W = torch.zeros(n, dtype=X.dtype, )")
    assert mutants.device_only("a = torch.arange(n, device=x.device) + 1 => a = torch.arange(n, device=None) + 1")
    assert mutants.device_only("m = make(3).to(data[0].device) => m = make(3).to(None)")
    assert mutants.device_only("y = x.to(device=cs[0].device, dtype=t) => y = x.to(dtype=t)")
    assert mutants.device_only("y = x.to(device=x0.device, dtype=t) => y = x.to(device=None, dtype=t)")
    assert not mutants.device_only("out = sign(h).to(x.dtype) => out = sign(h).to(None)")  # a dtype, not a place
    assert not mutants.device_only("i = torch.randint(2, (b,), generator=g, device=g.device) => "
                                   "i = torch.randint(2, (b,), generator=None, device=g.device)")
    assert not mutants.device_only("d = x.device if t else torch.device('cpu') => d = None")
