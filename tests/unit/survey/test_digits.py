"""Digit collection parameters and judging of collected digits."""

import pytest

from ivrd.survey.digits import attempts, collect_timeout_ms, judge, max_digits, valid_regex
from tests.unit.survey.helpers import labels, section

MULTI = section(1, 2, key_labels=labels(k1="Yes", k2="No", k9="Maybe"))
RATING = section(2, 3, rating_laps=10)
CAPTURE = section(3, 4, number_digits=4, min_number=100, max_number=2000)
FREE = section(4, 4, number_digits=3, validate_number=False)
OPEN_RANGE = section(5, 4, number_digits=20, min_number=None, max_number=None)


@pytest.mark.parametrize(
    ("sec", "expected"),
    [(MULTI, 1), (section(9, 3, rating_laps=9), 1), (RATING, 2), (CAPTURE, 4), (FREE, 3)],
)
def test_max_digits(sec, expected):
    assert max_digits(sec) == expected


@pytest.mark.parametrize(("retries", "expected"), [(-3, 1), (0, 1), (1, 2), (4, 5)])
def test_attempts_are_retries_plus_one(retries, expected):
    assert attempts(section(1, 2, retries=retries)) == expected


@pytest.mark.parametrize(("timeout_s", "expected"), [(-1, 1000), (0, 1000), (1, 1000), (7, 7000)])
def test_timeout_is_at_least_one_second(timeout_s, expected):
    assert collect_timeout_ms(section(1, 4, timeout_s=timeout_s)) == expected


def test_regexes_are_anchored():
    assert valid_regex(MULTI) == "^[129]$"
    assert valid_regex(RATING) == "^[0-9]{1,2}$"
    assert valid_regex(CAPTURE) == "^[0-9]{1,4}$"


@pytest.mark.parametrize(
    ("sec", "digits", "key", "valid", "response"),
    [
        (MULTI, "1", "1", True, "Yes"),
        (MULTI, "9", "9", True, "Maybe"),
        (MULTI, "3", "3", False, ""),
        (MULTI, "12", "12", False, ""),
        (MULTI, "", "", False, ""),
        (RATING, "7", "7", True, "7"),
        (RATING, "07", "7", True, "7"),
        (RATING, "10", "10", True, "10"),
        (RATING, "0", "0", False, "0"),
        (RATING, "11", "11", False, "11"),
        (RATING, "123", "123", False, "123"),
        (CAPTURE, "100", "100", True, "100"),
        (CAPTURE, "2000", "2000", True, "2000"),
        (CAPTURE, "99", "99", False, "99"),
        (CAPTURE, "2001", "2001", False, "2001"),
        (CAPTURE, "12345", "12345", False, "12345"),
        (CAPTURE, "12*", "12*", False, "12*"),
        (FREE, "999", "999", True, "999"),
        (FREE, "0", "0", True, "0"),
        (OPEN_RANGE, "999999999999999", "999999999999999", True, "999999999999999"),
        (OPEN_RANGE, "1000000000000000", "1000000000000000", False, "1000000000000000"),
    ],
)
def test_judge(sec, digits, key, valid, response):
    answer = judge(sec, digits)
    assert (answer.key, answer.valid, answer.response) == (key, valid, response)
    assert answer.digits == digits
