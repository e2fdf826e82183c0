"""DRF-style coercion of request values."""

from __future__ import annotations

import datetime as dt

import pytest

from api.coerce import CoerceError, format_datetime, to_bool, to_datetime, to_int, to_phone, to_time, zone
from api.fields import Field, parse


@pytest.mark.parametrize(("raw", "expected"), [("100", 100), (" 7 ", 7), (5, 5), (3.0, 3), ("-2", -2)])
def test_integers_from_strings_and_numbers(raw: object, expected: int) -> None:
    assert to_int(raw) == expected


@pytest.mark.parametrize("raw", ["1.5", "ten", "", True, None, [1], 2.5, "9" * 30])
def test_non_integers_are_refused(raw: object) -> None:
    with pytest.raises(CoerceError):
        to_int(raw)


def test_integer_bounds() -> None:
    with pytest.raises(CoerceError, match="less than or equal to 10"):
        to_int("11", max_value=10)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("True", True),
        ("true", True),
        ("1", True),
        (1, True),
        ("False", False),
        ("0", False),
        (False, False),
        ("no", False),
    ],
)
def test_booleans(raw: object, expected: bool) -> None:
    assert to_bool(raw) is expected


@pytest.mark.parametrize("raw", ["maybe", 2, None, "", [True]])
def test_non_booleans_are_refused(raw: object) -> None:
    with pytest.raises(CoerceError):
        to_bool(raw)


def test_datetimes_naive_in_given_zone_and_iso() -> None:
    paris = zone("Europe/Paris")
    assert to_datetime("2021-06-01 14:13:33") == dt.datetime(2021, 6, 1, 14, 13, 33, tzinfo=dt.UTC)
    assert to_datetime("2021-06-01 14:13:33", paris) == dt.datetime(2021, 6, 1, 12, 13, 33, tzinfo=dt.UTC)
    assert to_datetime("2021-06-01T14:13:33+02:00") == dt.datetime(2021, 6, 1, 12, 13, 33, tzinfo=dt.UTC)
    assert to_datetime("2021-06-01T14:13:33Z").tzinfo is dt.UTC
    for bad in ("yesterday", "2021-13-01 00:00:00", 20210601, ""):
        with pytest.raises(CoerceError):
            to_datetime(bad)


def test_output_datetimes_carry_an_offset() -> None:
    assert format_datetime(dt.datetime(2021, 6, 1, 12, 0)) == "2021-06-01T12:00:00+00:00"
    assert format_datetime(None) is None


def test_times() -> None:
    assert to_time("23:59:59") == dt.time(23, 59, 59)
    assert to_time("08:30") == dt.time(8, 30)
    for bad in ("24:00:00", "noon", 830):
        with pytest.raises(CoerceError):
            to_time(bad)


def test_phone_numbers() -> None:
    assert to_phone(" +33 ".strip()) == "+33"
    assert to_phone("12*34#w5") == "12*34#w5"
    for bad in ("12 34", "12-34", "", "x"):
        with pytest.raises(CoerceError):
            to_phone(bad)


FIELDS = (
    Field("name", required=True, max_length=5),
    Field("count", "int"),
    Field("flag", "bool"),
    Field("maybe", "int", nullable=True),
    Field("target", "link", family="phonebook", nullable=True),
    Field("ro", "int", read_only=True),
)


def test_parse_coerces_ignores_unknown_and_names_every_bad_field() -> None:
    values, errors = parse(
        FIELDS,
        {"name": "abc", "count": "100", "flag": "True", "maybe": "", "target": "", "ro": 5, "unknown": "x"},
        partial=False,
    )
    assert not errors
    assert values == {"name": "abc", "count": 100, "flag": True, "maybe": None, "target": None}
    _, errors = parse(
        FIELDS,
        {"name": "toolong", "count": "", "flag": "perhaps", "target": "/rest-api/users/1/"},
        partial=False,
    )
    assert set(errors.errors) == {"name", "count", "flag", "target"}


def test_parse_required_only_when_not_partial() -> None:
    _, errors = parse(FIELDS, {}, partial=False)
    assert set(errors.errors) == {"name"}
    _, errors = parse(FIELDS, {}, partial=True)
    assert not errors
