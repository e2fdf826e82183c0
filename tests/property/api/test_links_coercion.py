"""Round trips: every link the API writes is read back as the same id; numbers and times survive coercion."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.coerce import MAX_INT, CoerceError, format_datetime, to_datetime, to_int, to_time
from api.links import link, parse_link, parse_link_list

families = st.sampled_from(["campaigns", "audio-files", "survey-template", "callerid_group", "phonebook"])
ids = st.integers(1, MAX_INT)
bases = st.sampled_from(["http://127.0.0.1:8000", "https://ivr.example.com", "http://h/prefix", ""])


@given(base=bases, family=families, object_id=ids)
def test_written_links_read_back(base: str, family: str, object_id: int) -> None:
    written = link(base, family, object_id)
    assert written is not None
    assert parse_link(written, family) == object_id
    assert parse_link(str(object_id), family) == object_id


@given(family=families, other=families, object_id=ids)
def test_links_of_another_family_are_refused(family: str, other: str, object_id: int) -> None:
    if family != other:
        with pytest.raises(CoerceError):
            parse_link(f"/rest-api/{other}/{object_id}/", family)


@given(family=families, chosen=st.lists(ids, max_size=20))
def test_comma_strings_and_lists_agree(family: str, chosen: list[int]) -> None:
    unique = list(dict.fromkeys(chosen))
    assert parse_link_list(",".join(map(str, chosen)), family) == unique
    assert parse_link_list([link("http://h", family, n) for n in chosen], family) == unique


@given(st.integers(-(2**63) + 1, 2**63 - 1))
def test_integers_round_trip_through_text(number: int) -> None:
    assert to_int(str(number)) == number


@given(
    st.datetimes(
        min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2999, 12, 31), timezones=st.just(dt.UTC)
    )
)
def test_datetimes_round_trip_through_output(moment: dt.datetime) -> None:
    text = format_datetime(moment)
    assert text is not None and to_datetime(text) == moment
    assert to_datetime(moment.replace(tzinfo=None).isoformat(sep=" ")) == moment


@given(st.times())
def test_times_round_trip(moment: dt.time) -> None:
    assert to_time(moment.isoformat()) == moment.replace(tzinfo=None)


@given(st.text(max_size=40) | st.integers() | st.none() | st.lists(st.integers(), max_size=3))
def test_arbitrary_input_is_a_value_or_a_coerce_error(raw: object) -> None:
    for family in ("campaigns", "users"):
        try:
            parse_link(raw, family)
            parse_link_list(raw, family)
        except CoerceError:
            pass
