"""Branching decisions after a section (spec §2.2 rules 3 and 5)."""

import pytest

from ivrd.survey.branching import EndCall, GoTo, Replay, after_input, after_non_input
from ivrd.survey.digits import judge
from tests.unit.survey.helpers import labels, section

YES_NO = labels(k1="Yes", k2="No")


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ({"0": 5}, GoTo(5)),
        ({"0": 5, "timeout": 6}, GoTo(5)),
        ({"0": None, "timeout": 6}, GoTo(6)),
        ({"timeout": 6}, GoTo(6)),
        ({"0": None}, EndCall),
        ({"0": None, "timeout": None}, EndCall),
        ({}, EndCall),
        ({"1": 5, "any": 6}, EndCall),
    ],
)
def test_after_non_input(branch, expected):
    decision = after_non_input(section(1, 1, branch))
    if expected is EndCall:
        assert isinstance(decision, EndCall)
    else:
        assert decision == expected


def decide(section_type, branch, digits, **fields):
    sec = section(1, section_type, branch, **fields)
    return after_input(sec, judge(sec, digits))


END = "end"


@pytest.mark.parametrize(
    ("section_type", "branch", "digits", "fields", "expected"),
    [
        # multi-choice: exact key, any, invalid, timeout and their precedence
        (2, {"1": 10, "2": 20}, "1", {"key_labels": YES_NO}, GoTo(10)),
        (2, {"1": 10, "2": None}, "2", {"key_labels": YES_NO}, END),
        (2, {"1": 10, "any": 30}, "2", {"key_labels": YES_NO}, GoTo(30)),
        (2, {"1": 10}, "2", {"key_labels": YES_NO}, Replay()),
        (2, {"timeout": 40, "invalid": 50}, "", {"key_labels": YES_NO}, GoTo(40)),
        (2, {"timeout": None, "invalid": 50}, "", {"key_labels": YES_NO}, END),
        (2, {"invalid": 50}, "", {"key_labels": YES_NO}, GoTo(50)),
        (2, {"1": 10}, "", {"key_labels": YES_NO}, END),
        (2, {"invalid": 50, "any": 30}, "7", {"key_labels": YES_NO}, GoTo(50)),
        (2, {"any": 30}, "7", {"key_labels": YES_NO}, GoTo(30)),
        (2, {"invalid": None}, "7", {"key_labels": YES_NO}, END),
        # rating
        (3, {"3": 10, "any": 30}, "3", {"rating_laps": 5}, GoTo(10)),
        (3, {"3": 10, "any": 30}, "4", {"rating_laps": 5}, GoTo(30)),
        (3, {"3": 10}, "4", {"rating_laps": 5}, END),
        (3, {"invalid": 50, "any": 30}, "6", {"rating_laps": 5}, GoTo(50)),
        (3, {"any": 30}, "6", {"rating_laps": 5}, GoTo(30)),
        (3, {"3": 10}, "6", {"rating_laps": 5}, Replay()),
        (3, {"invalid": 50, "timeout": 40}, "", {"rating_laps": 5}, GoTo(50)),
        (3, {"timeout": 40}, "", {"rating_laps": 5}, GoTo(40)),
        (3, {"timeout": None}, "", {"rating_laps": 5}, END),
        (3, {"7": 10}, "07", {"rating_laps": 10}, GoTo(10)),
        # capture digits
        (4, {"1234": 10, "any": 30}, "1234", {"number_digits": 4, "max_number": 9999}, GoTo(10)),
        (4, {"1234": 10, "any": 30}, "1235", {"number_digits": 4, "max_number": 9999}, GoTo(30)),
        (4, {"1234": 10}, "1235", {"number_digits": 4, "max_number": 9999}, Replay()),
        (4, {"invalid": 50, "any": 30}, "12", {"min_number": 20}, GoTo(50)),
        (4, {"any": 30}, "12", {"min_number": 20}, GoTo(30)),
        (4, {"invalid": 50}, "12", {"min_number": 20, "validate_number": False}, Replay()),
        (4, {"invalid": 50, "timeout": 40}, "", {}, GoTo(40)),
        (4, {"invalid": 50}, "", {}, END),
        (4, {}, "", {}, END),
    ],
)
def test_after_input(section_type, branch, digits, fields, expected):
    decision = decide(section_type, branch, digits, **fields)
    if expected == END:
        assert isinstance(decision, EndCall), decision
    else:
        assert decision == expected
