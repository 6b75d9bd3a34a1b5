import pytest

from edl.core.exercises import check, exercise, registered
from edl.core.exercises import grade


@exercise("test.double", function="double", cases=[(1.0,), (2.5,), (-3.0,)], hint="multiply by two")
def _double(x):
    return 2 * x


def test_correct_answer(capsys):
    check("test.double", lambda x: x + x)
    assert "\u2713  double is correct on all 3 test cases" in capsys.readouterr().out


def test_wrong_answer_says_which_case_and_by_how_much():
    passed, feedback = grade(registered()["test.double"], lambda x: 3 * x)
    assert not passed
    assert feedback == "double(1.0) = 3, expected 2 (off by 1). Hint: multiply by two"


def test_stub_is_reported_not_raised():
    def stub(x):
        raise NotImplementedError
    passed, feedback = grade(registered()["test.double"], stub)
    assert not passed and "not implemented yet" in feedback


def test_crash_and_wrong_shape_are_reported():
    assert "raised ZeroDivisionError" in grade(registered()["test.double"], lambda x: 1 / 0)[1]
    assert "shape" in grade(registered()["test.double"], lambda x: [x, x])[1]


def test_every_registered_exercise_accepts_its_reference():
    for key, ex in registered().items():
        assert grade(ex, ex.reference)[0], key


def test_bad_keys_and_answers():
    with pytest.raises(ValueError, match="key must name"):
        check("no.such.exercise", abs)
    with pytest.raises(ValueError, match="answer must be"):
        check("test.double", 3)
    with pytest.raises(ValueError, match="cases"):
        exercise("test.empty", function="f", cases=[])
