"""Calling windows: dates, daily times, weekdays, midnight spans, time zones and DST transitions."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from ivrd.campaign.window import (
    CallingWindow,
    in_window,
    in_window_s,
    next_window_open,
    next_window_open_s,
    window_from_flags,
    zone,
)

PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")
FRIDAY_ONLY = (False, False, False, False, True, False, False)
WEEKDAYS_ONLY = (True, True, True, True, True, False, False)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_default_window_is_always_open_including_the_last_second_of_the_day():
    window = CallingWindow()
    assert in_window(utc(2026, 5, 4, 0, 0, 0), window)
    assert in_window(utc(2026, 5, 4, 23, 59, 59, 999_000), window)


def test_daily_times_are_inclusive_to_the_whole_stop_second():
    window = CallingWindow(daily_start=time(8, 0), daily_stop=time(17, 59, 59))
    assert not in_window(utc(2026, 5, 4, 7, 59, 59, 999_999), window)
    assert in_window(utc(2026, 5, 4, 8, 0, 0), window)
    assert in_window(utc(2026, 5, 4, 17, 59, 59, 500_000), window)
    assert not in_window(utc(2026, 5, 4, 18, 0, 0), window)


def test_start_and_expiration_bound_the_window():
    window = CallingWindow(starting_at=utc(2026, 5, 4, 12), expires_at=utc(2026, 5, 5, 12))
    assert not in_window(utc(2026, 5, 4, 11, 59, 59), window)
    assert in_window(utc(2026, 5, 4, 12), window)
    assert in_window(utc(2026, 5, 5, 12), window)
    assert not in_window(utc(2026, 5, 5, 12, 0, 1), window)


def test_naive_bounds_are_read_as_utc():
    window = CallingWindow(starting_at=datetime(2026, 5, 4, 12))
    assert window.starting_at == utc(2026, 5, 4, 12)


def test_weekday_flags():
    window = CallingWindow(weekdays=WEEKDAYS_ONLY)
    assert in_window(utc(2026, 5, 8, 23), window)  # Friday
    assert not in_window(utc(2026, 5, 9, 10), window)  # Saturday
    assert next_window_open(utc(2026, 5, 9, 10), window) == utc(2026, 5, 11, 0)  # Monday


def test_midnight_span_belongs_to_the_day_it_opens():
    window = CallingWindow(daily_start=time(22), daily_stop=time(2), weekdays=FRIDAY_ONLY)
    assert in_window(utc(2026, 5, 8, 22), window)  # Friday evening
    assert in_window(utc(2026, 5, 9, 1, 30), window)  # Saturday early morning, Friday's session
    assert in_window(utc(2026, 5, 9, 2, 0, 0, 900_000), window)
    assert not in_window(utc(2026, 5, 9, 2, 0, 1), window)
    assert not in_window(utc(2026, 5, 8, 1, 30), window)  # Friday early morning is Thursday's session
    assert not in_window(utc(2026, 5, 9, 22), window)  # Saturday evening
    assert not in_window(utc(2026, 5, 8, 12), window)


def test_next_open_of_a_midnight_span():
    window = CallingWindow(daily_start=time(22), daily_stop=time(2), weekdays=FRIDAY_ONLY)
    assert next_window_open(utc(2026, 5, 9, 3), window) == utc(2026, 5, 15, 22)
    assert next_window_open(utc(2026, 5, 9, 1), window) == utc(2026, 5, 9, 1)


def test_next_open_is_now_when_open_and_none_when_expired():
    window = CallingWindow(expires_at=utc(2026, 5, 5))
    now = utc(2026, 5, 4, 10, 30)
    assert next_window_open(now, window) == now
    assert next_window_open(utc(2026, 5, 6), window) is None


def test_next_open_waits_for_starting_date_and_daily_start():
    window = CallingWindow(starting_at=utc(2026, 5, 6, 12), daily_start=time(9), daily_stop=time(10))
    assert next_window_open(utc(2026, 5, 4), window) == utc(2026, 5, 7, 9)


def test_next_open_is_none_when_expiration_comes_before_the_next_session():
    window = CallingWindow(expires_at=utc(2026, 5, 4, 20), daily_start=time(21), daily_stop=time(22))
    assert next_window_open(utc(2026, 5, 4, 12), window) is None


def test_next_open_is_none_without_any_weekday():
    window = CallingWindow(weekdays=(False,) * 7)
    assert next_window_open(utc(2026, 5, 4), window) is None


def test_window_is_read_in_the_campaign_zone():
    window = CallingWindow(daily_start=time(9), daily_stop=time(17))
    assert in_window(utc(2026, 1, 15, 14), window, "America/New_York")  # 09:00 EST
    assert not in_window(utc(2026, 1, 15, 13, 59), window, "America/New_York")
    opens = next_window_open(utc(2026, 1, 15, 23), window, "America/New_York")
    assert opens == utc(2026, 1, 16, 14)


def test_weekday_is_the_local_weekday():
    window = CallingWindow(weekdays=FRIDAY_ONLY)
    # Friday 23:30 in New York is Saturday 04:30 UTC.
    assert in_window(utc(2026, 5, 9, 3, 30), window, NEW_YORK)
    assert not in_window(utc(2026, 5, 9, 3, 30), window, "UTC")


def test_spring_forward_start_inside_the_gap_opens_at_the_jump():
    # 2026-03-29 Paris: 02:00 CET jumps to 03:00 CEST (01:00 UTC).
    window = CallingWindow(daily_start=time(2, 30), daily_stop=time(4))
    opens = next_window_open(datetime(2026, 3, 29, 1, 0, tzinfo=PARIS), window, PARIS)
    assert opens == utc(2026, 3, 29, 1, 0)
    assert opens is not None and opens.astimezone(PARIS).hour == 3
    assert not in_window(utc(2026, 3, 29, 0, 59, 59), window, PARIS)


def test_spring_forward_regular_day_after_still_uses_wall_clock():
    window = CallingWindow(daily_start=time(9), daily_stop=time(10))
    before = next_window_open(utc(2026, 3, 28, 12), window, PARIS)
    after = next_window_open(utc(2026, 3, 29, 12), window, PARIS)
    assert before == utc(2026, 3, 29, 7)  # 09:00 CEST
    assert after == utc(2026, 3, 30, 7)
    assert next_window_open(utc(2026, 3, 27, 12), window, PARIS) == utc(2026, 3, 28, 8)  # 09:00 CET


def test_window_entirely_inside_a_gap_skips_that_day():
    window = CallingWindow(daily_start=time(2, 10), daily_stop=time(2, 20))
    opens = next_window_open(utc(2026, 3, 28, 12), window, PARIS)
    assert opens == datetime(2026, 3, 30, 2, 10, tzinfo=PARIS)


def test_fall_back_repeated_hour_opens_again_at_the_jump():
    # 2026-10-25 Paris: 03:00 CEST falls back to 02:00 CET (01:00 UTC).
    window = CallingWindow(daily_start=time(1), daily_stop=time(2, 10))
    first = utc(2026, 10, 25, 0, 5)  # 02:05 CEST
    assert in_window(first, window, PARIS)
    assert not in_window(utc(2026, 10, 25, 0, 20), window, PARIS)  # 02:20 CEST
    assert next_window_open(utc(2026, 10, 25, 0, 20), window, PARIS) == utc(2026, 10, 25, 1, 0)
    assert in_window(utc(2026, 10, 25, 1, 5), window, PARIS)  # 02:05 CET


def test_fall_back_start_in_the_repeated_hour_takes_the_first_occurrence():
    window = CallingWindow(daily_start=time(2, 30), daily_stop=time(2, 45))
    assert next_window_open(utc(2026, 10, 24, 12), window, PARIS) == utc(2026, 10, 25, 0, 30)
    assert next_window_open(utc(2026, 10, 25, 0, 46), window, PARIS) == utc(2026, 10, 25, 1, 30)


def test_float_and_datetime_interfaces_agree():
    window = CallingWindow(daily_start=time(9), daily_stop=time(10))
    now = utc(2026, 5, 4, 12)
    opens_s = next_window_open_s(now.timestamp(), window, "UTC")
    assert opens_s == utc(2026, 5, 5, 9).timestamp()
    assert in_window_s(opens_s, window, "UTC")
    assert not in_window_s(opens_s - 0.001, window, "UTC")


def test_naive_now_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match="now: naive datetime"):
        in_window(datetime(2026, 5, 4), CallingWindow())


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match="timezone"):
        zone("Mars/Olympus")
    with pytest.raises(ValueError, match="weekdays"):
        CallingWindow(weekdays=(True,) * 6)
    with pytest.raises(ValueError, match="daily_start_time"):
        CallingWindow(daily_start="08:00")  # type: ignore[arg-type]


def test_window_from_newfies_flags():
    window = window_from_flags(
        starting_at=None,
        expires_at=None,
        daily_start=time(8),
        daily_stop=time(20),
        monday=True,
        tuesday=False,
        wednesday=True,
        thursday=False,
        friday=True,
        saturday=False,
        sunday=False,
    )
    assert window.weekdays == (True, False, True, False, True, False, False)


def test_microseconds_of_daily_times_are_dropped():
    window = CallingWindow(daily_start=time(8, 0, 0, 500_000))
    assert window.daily_start == time(8)
    opens = next_window_open(utc(2026, 5, 4, 7), window)
    assert opens == utc(2026, 5, 4, 8) and opens is not None
    assert in_window(opens, window)


def test_search_spans_a_full_week_plus_a_day():
    window = CallingWindow(weekdays=FRIDAY_ONLY, daily_start=time(9), daily_stop=time(9, 0, 1))
    now = utc(2026, 5, 8, 9, 0, 2)  # just after Friday's session
    assert next_window_open(now, window) == utc(2026, 5, 8, 9) + timedelta(days=7)
