"""Calling windows: run dates, daily start/stop times and weekdays, evaluated in a time zone, DST-correct.

Semantics
- ``starting_at <= now <= expires_at`` (absolute instants; either bound may be ``None``).
- The daily window is read on the local wall clock of the zone. ``daily_stop`` is inclusive to the whole
  second: 08:00:00-17:59:59 covers 17:59:59.999. ``daily_stop < daily_start`` spans midnight.
- Weekday flags (Monday first) apply to the day on which a session *opens*: with 22:00-02:00 and only
  Friday enabled, calls go from Friday 22:00:00 to Saturday 02:00:00.999.
- A DST jump is read off the wall clock as it is: a start time inside a spring-forward gap opens the
  window at the jump; after a fall-back hour the repeated wall-clock times count again.
- Times are POSIX seconds (``float``) in the ``*_s`` functions; the others also accept aware datetimes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ALL_WEEKDAYS = (True, True, True, True, True, True, True)
_DAY_S = 86400
_SEARCH_DAYS = 9


@functools.lru_cache(maxsize=1024)
def _lookup_zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def zone(name: str | None) -> ZoneInfo:
    """The ZoneInfo for an IANA name; empty or None means UTC. Unknown names raise ValueError."""
    found = _lookup_zone(name or "UTC")
    if found is None:
        raise ValueError(f"timezone: unknown time zone {name!r}")
    return found


def _as_utc(value: datetime, field_name: str) -> datetime:
    """Aware datetimes are kept; naive ones are read as UTC (the database stores UTC)."""
    if not isinstance(value, datetime):
        raise ValueError(f"{field_name}: expected a datetime, got {type(value).__name__}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _wall_time(value: time, field_name: str) -> time:
    if not isinstance(value, time):
        raise ValueError(f"{field_name}: expected a time of day, got {type(value).__name__}")
    return value.replace(microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class CallingWindow:
    """When a campaign may dial. Naive datetimes are read as UTC; times of day drop their microseconds."""

    starting_at: datetime | None = None
    expires_at: datetime | None = None
    daily_start: time = time(0, 0, 0)
    daily_stop: time = time(23, 59, 59)
    weekdays: tuple[bool, ...] = ALL_WEEKDAYS  # Monday first, seven flags
    starting_at_s: float | None = field(init=False, repr=False, compare=False, default=None)
    expires_at_s: float | None = field(init=False, repr=False, compare=False, default=None)

    def __post_init__(self) -> None:
        if self.starting_at is not None:
            starting_at = _as_utc(self.starting_at, "startingdate")
            object.__setattr__(self, "starting_at", starting_at)
            object.__setattr__(self, "starting_at_s", starting_at.timestamp())
        if self.expires_at is not None:
            expires_at = _as_utc(self.expires_at, "expirationdate")
            object.__setattr__(self, "expires_at", expires_at)
            object.__setattr__(self, "expires_at_s", expires_at.timestamp())
        object.__setattr__(self, "daily_start", _wall_time(self.daily_start, "daily_start_time"))
        object.__setattr__(self, "daily_stop", _wall_time(self.daily_stop, "daily_stop_time"))
        if len(self.weekdays) != 7:
            raise ValueError(f"weekdays: expected 7 flags (monday..sunday), got {len(self.weekdays)}")
        object.__setattr__(self, "weekdays", tuple(bool(flag) for flag in self.weekdays))

    @property
    def spans_midnight(self) -> bool:
        return self.daily_stop < self.daily_start


def window_from_flags(
    *,
    starting_at: datetime | None,
    expires_at: datetime | None,
    daily_start: time,
    daily_stop: time,
    monday: bool,
    tuesday: bool,
    wednesday: bool,
    thursday: bool,
    friday: bool,
    saturday: bool,
    sunday: bool,
) -> CallingWindow:
    """Build a window from the Newfies campaign fields (one boolean per weekday)."""
    flags = (monday, tuesday, wednesday, thursday, friday, saturday, sunday)
    return CallingWindow(starting_at, expires_at, daily_start, daily_stop, flags)


def _seconds(now: datetime | float, field_name: str = "now") -> float:
    if isinstance(now, datetime):
        if now.tzinfo is None:
            raise ValueError(f"{field_name}: naive datetime; pass an aware datetime or POSIX seconds")
        return now.timestamp()
    return float(now)


def _zone_of(tz: str | tzinfo | None) -> tzinfo:
    return tz if isinstance(tz, tzinfo) else zone(tz)


def _in_daily(local: datetime, window: CallingWindow) -> bool:
    tod = local.time().replace(microsecond=0)
    day = local.weekday()
    start, stop = window.daily_start, window.daily_stop
    if not window.spans_midnight:
        return window.weekdays[day] and start <= tod <= stop
    if tod >= start:
        return window.weekdays[day]
    if tod <= stop:
        return window.weekdays[(day - 1) % 7]
    return False


def in_window_s(now_s: float, window: CallingWindow, tz: str | tzinfo | None = None) -> bool:
    """True when a call may start at ``now_s`` (POSIX seconds)."""
    starting_s, expires_s = window.starting_at_s, window.expires_at_s
    if starting_s is not None and now_s < starting_s:
        return False
    if expires_s is not None and now_s > expires_s:
        return False
    return _in_daily(datetime.fromtimestamp(now_s, _zone_of(tz)), window)


def in_window(now: datetime | float, window: CallingWindow, tz: str | tzinfo | None = None) -> bool:
    """True when a call may start at ``now`` (aware datetime or POSIX seconds) in zone ``tz``."""
    return in_window_s(_seconds(now), window, tz)


def is_expired_s(now_s: float, window: CallingWindow) -> bool:
    """True once the expiration instant has passed."""
    expires_s = window.expires_at_s
    return expires_s is not None and now_s > expires_s


@functools.lru_cache(maxsize=4096)
def _offset_changes_on(tz: tzinfo, epoch_day: int) -> tuple[float, ...]:
    """Instants (whole POSIX seconds) within one UTC day where the zone's UTC offset changes."""
    changes: list[float] = []
    step_s = 6 * 3600
    first = epoch_day * _DAY_S
    for lo in range(first, first + _DAY_S, step_s):
        hi = lo + step_s
        if _offset(tz, lo) == _offset(tz, hi):
            continue
        while hi - lo > 1:  # first second carrying the new offset
            mid = (lo + hi) // 2
            if _offset(tz, mid) == _offset(tz, lo):
                lo = mid
            else:
                hi = mid
        changes.append(float(hi))
    return tuple(changes)


def _offset(tz: tzinfo, instant_s: int) -> timedelta | None:
    return datetime.fromtimestamp(instant_s, tz).utcoffset()


def _opening_candidates(ref_s: float, window: CallingWindow, tz: tzinfo) -> list[float]:
    """Every instant after ref_s where the window can switch from closed to open."""
    ref_day: date = datetime.fromtimestamp(ref_s, tz).date()
    found: list[float] = []
    for offset in range(-1, _SEARCH_DAYS):
        day = ref_day + timedelta(days=offset)
        local = datetime.combine(day, window.daily_start, tzinfo=tz)
        found.append(local.timestamp())
        found.append(local.replace(fold=1).timestamp())
    first_day = int(ref_s // _DAY_S) - 1
    for epoch_day in range(first_day, first_day + _SEARCH_DAYS + 2):
        found.extend(_offset_changes_on(tz, epoch_day))
    return [instant for instant in found if instant > ref_s]


# Memo of the last answer per (window, zone): (closed from, opens at). Values only, no clock.
_last_opening: dict[tuple[CallingWindow, tzinfo], tuple[float, float]] = {}
_LAST_OPENING_MAX = 4096


def next_window_open_s(now_s: float, window: CallingWindow, tz: str | tzinfo | None = None) -> float | None:
    """Earliest instant >= now_s (POSIX seconds) inside the window; ``now_s`` itself when open now;
    None when the window never opens again (expired, no weekday enabled)."""
    zone_info = _zone_of(tz)
    starting_s, expires_s = window.starting_at_s, window.expires_at_s
    ref_s = now_s if starting_s is None else max(now_s, starting_s)
    if (expires_s is not None and ref_s > expires_s) or not any(window.weekdays):
        return None
    if in_window_s(ref_s, window, zone_info):
        return ref_s
    key = (window, zone_info)
    known = _last_opening.get(key)
    if known is not None and known[0] <= ref_s <= known[1]:
        return known[1]  # the window stays closed from known[0] until it opens at known[1]
    for instant_s in sorted(_opening_candidates(ref_s, window, zone_info)):
        if in_window_s(instant_s, window, zone_info):
            if len(_last_opening) >= _LAST_OPENING_MAX:
                _last_opening.clear()
            _last_opening[key] = (ref_s, instant_s)
            return instant_s
    return None


def next_window_open(
    now: datetime | float, window: CallingWindow, tz: str | tzinfo | None = None
) -> datetime | None:
    """Earliest instant >= now inside the window as an aware UTC datetime; None when it never opens again."""
    opens_s = next_window_open_s(_seconds(now), window, tz)
    return None if opens_s is None else datetime.fromtimestamp(opens_s, UTC)
