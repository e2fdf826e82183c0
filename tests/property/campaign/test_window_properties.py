"""Calling windows against the plain wall-clock rule: agreement, and next opening is the earliest one."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.campaign import window as window_module
from ivrd.campaign.window import CallingWindow, in_window_s, next_window_open_s

from .oracle import ZONES, WindowSpec, oracle_in_window

# (zone, an instant close to one of its UTC-offset changes)
TRANSITIONS = [
    ("America/New_York", datetime(2026, 3, 8, 7, tzinfo=UTC)),
    ("America/New_York", datetime(2026, 11, 1, 6, tzinfo=UTC)),
    ("Europe/Paris", datetime(2026, 3, 29, 1, tzinfo=UTC)),
    ("Europe/Paris", datetime(2026, 10, 25, 1, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 4, 4, 15, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
    ("America/Santiago", datetime(2026, 4, 5, 3, tzinfo=UTC)),
    ("America/Santiago", datetime(2026, 9, 6, 4, tzinfo=UTC)),
    ("UTC", datetime(2026, 6, 15, 0, tzinfo=UTC)),
]
SWEEP_STEP_S = 600.0
SEARCH_S = 9 * 86400


@st.composite
def wall_times(draw) -> time:
    hour = draw(st.sampled_from([0, 0, 1, 1, 2, 2, 2, 3, 3, 4, 8, 12, 17, 22, 23]))
    return time(hour, draw(st.sampled_from([0, 0, 15, 30, 59])), draw(st.sampled_from([0, 0, 59])))


def times_near(instant_s: float, zone_name: str) -> st.SearchStrategy[time]:
    """Wall-clock times close to both sides of an instant (around an offset change: gap or repeat)."""
    zone = ZoneInfo(zone_name)
    sides = [datetime.fromtimestamp(instant_s + delta_s, zone) for delta_s in (-1.0, 0.0)]
    return st.builds(
        lambda side, shift_s: (sides[side] + timedelta(seconds=shift_s)).time().replace(microsecond=0),
        st.integers(0, 1),
        st.integers(-1800, 1800),
    )


@st.composite
def windows(draw) -> tuple[WindowSpec, CallingWindow, str, float]:
    zone_name, base = draw(st.sampled_from(TRANSITIONS))
    if draw(st.integers(0, 3)) == 0:
        zone_name = draw(st.sampled_from(ZONES))
    base_s = base.timestamp()
    near_jump = times_near(base_s, zone_name)
    if draw(st.integers(0, 2)) > 0:
        now_s = base_s + draw(st.floats(-3 * 3600, 3 * 3600))
    else:
        now_s = base_s + draw(st.floats(-2 * 86400, 2 * 86400))
    starting = draw(st.none() | st.none() | st.integers(-86400, 3 * 86400))
    expires = draw(st.none() | st.none() | st.integers(0, 8 * 86400))
    starting_at = None if starting is None else datetime.fromtimestamp(base_s + starting, UTC)
    expires_at = None if expires is None else datetime.fromtimestamp(base_s + expires, UTC)
    weekdays = tuple(draw(st.lists(st.sampled_from([True, True, False]), min_size=7, max_size=7)))
    spec = WindowSpec(
        starting_s=None if starting_at is None else starting_at.timestamp(),
        expires_s=None if expires_at is None else expires_at.timestamp(),
        start=draw(wall_times() | near_jump),
        stop=draw(wall_times() | near_jump),
        weekdays=weekdays,
    )
    window = CallingWindow(starting_at, expires_at, spec.start, spec.stop, weekdays)
    return spec, window, zone_name, now_s


@settings(max_examples=300, deadline=None)
@given(windows(), st.lists(st.floats(0, SEARCH_S), max_size=20))
def test_in_window_agrees_with_the_wall_clock_rule(case, offsets):
    spec, window, zone_name, now_s = case
    for offset_s in [0.0, *offsets]:
        t_s = now_s + offset_s
        assert in_window_s(t_s, window, zone_name) == oracle_in_window(t_s, spec, zone_name)


@settings(max_examples=300, deadline=None)
@given(windows(), st.floats(0, SWEEP_STEP_S))
def test_next_open_is_open_and_nothing_earlier_is(case, phase_s):
    spec, window, zone_name, now_s = case
    opens_s = next_window_open_s(now_s, window, zone_name)
    if opens_s is not None:
        assert opens_s >= now_s
        assert oracle_in_window(opens_s, spec, zone_name)
        if opens_s > now_s:
            assert not oracle_in_window(opens_s - 0.5, spec, zone_name) or opens_s - 0.5 < now_s
    sweep_end_s = now_s + SEARCH_S if opens_s is None else opens_s
    t_s = now_s + phase_s
    while t_s < sweep_end_s:
        assert not oracle_in_window(t_s, spec, zone_name), "an earlier open instant was missed"
        t_s += SWEEP_STEP_S


SPRING_FORWARD = [
    ("America/New_York", datetime(2026, 3, 8, 7, tzinfo=UTC)),
    ("Europe/Paris", datetime(2026, 3, 29, 1, tzinfo=UTC)),
    ("Australia/Lord_Howe", datetime(2026, 10, 3, 15, 30, tzinfo=UTC)),
    ("America/Santiago", datetime(2026, 9, 6, 4, tzinfo=UTC)),
]


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(SPRING_FORWARD),
    st.floats(1, 1800),
    st.integers(0, 3600),
    st.floats(0, 5400),
)
def test_start_inside_a_spring_forward_gap_opens_at_the_jump(pair, into_gap_s, after_s, before_s):
    zone_name, jump = pair
    zone = ZoneInfo(zone_name)
    jump_s = jump.timestamp()
    last_before = datetime.fromtimestamp(jump_s - 1, zone)
    first_after = datetime.fromtimestamp(jump_s, zone)
    gap_length_s = (first_after.replace(tzinfo=None) - last_before.replace(tzinfo=None)).total_seconds() - 1
    in_gap = last_before + timedelta(seconds=1 + min(into_gap_s, gap_length_s - 1))
    start = in_gap.time().replace(microsecond=0)
    stop = (first_after + timedelta(seconds=after_s)).time()
    window = CallingWindow(daily_start=start, daily_stop=stop)
    assert next_window_open_s(jump_s - before_s - 1, window, zone_name) == jump_s
    assert in_window_s(jump_s, window, zone_name)
    assert not in_window_s(jump_s - 1, window, zone_name)


@settings(max_examples=150, deadline=None)
@given(windows(), st.lists(st.floats(0, 6 * 3600), min_size=1, max_size=8))
def test_repeated_questions_get_the_same_answers_as_fresh_ones(case, steps):
    _spec, window, zone_name, now_s = case
    answers = []
    for step_s in steps:
        now_s += step_s
        answers.append((now_s, next_window_open_s(now_s, window, zone_name)))
    for ref_s, opens_s in answers:
        window_module._last_opening.clear()
        assert next_window_open_s(ref_s, window, zone_name) == opens_s
