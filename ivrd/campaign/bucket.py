"""Calls-per-minute pacing as one timestamp per campaign: ``next_call_at_s``, the earliest next call start.

The bucket holds at most one token, so calls are spread evenly and a pause never builds a backlog burst:
a call may start at ``t`` when ``t >= next_call_at_s`` (or when there is no value yet), and starting it
moves ``next_call_at_s`` to ``max(next_call_at_s, t - catchup_s) + interval_s`` with
``interval_s = 60 / calls_per_minute``. ``catchup_s`` (capped below half an interval) absorbs a loop
that wakes a little late without losing throughput; any window of ``W`` seconds then holds at most
``floor((W + catchup_s) / interval_s) + 1`` calls, i.e. at most ``ceil(rate * W) + 1``.

One float per campaign is easy to share between daemons: write it back with a compare-and-set
(``UPDATE ... SET next_call_at = :new WHERE id = :id AND next_call_at IS :old``).
"""

from __future__ import annotations

DEFAULT_CATCHUP_S = 0.05


def call_interval_s(calls_per_minute: float) -> float:
    """Seconds between two call starts of one campaign."""
    if calls_per_minute <= 0:
        raise ValueError(f"frequency: calls per minute must be positive, got {calls_per_minute}")
    return 60.0 / calls_per_minute


def effective_catchup_s(interval_s: float, catchup_s: float = DEFAULT_CATCHUP_S) -> float:
    """The catch-up allowance actually applied: never half an interval or more."""
    return max(0.0, min(catchup_s, interval_s / 2))


def may_start(now_s: float, next_call_at_s: float | None) -> bool:
    """True when the bucket holds a token at ``now_s``."""
    return next_call_at_s is None or now_s >= next_call_at_s


def after_call(
    start_s: float,
    next_call_at_s: float | None,
    calls_per_minute: float,
    catchup_s: float = DEFAULT_CATCHUP_S,
) -> float:
    """The new ``next_call_at_s`` once a call started at ``start_s``."""
    interval_s = call_interval_s(calls_per_minute)
    floor_s = start_s - effective_catchup_s(interval_s, catchup_s)
    base_s = floor_s if next_call_at_s is None else max(next_call_at_s, floor_s)
    return base_s + interval_s


def next_slot_s(now_s: float, next_call_at_s: float | None, horizon_s: float = 0.0) -> float | None:
    """Start time of the next call if it falls within ``[now_s, now_s + horizon_s]``, else None."""
    slot_s = now_s if next_call_at_s is None else max(now_s, next_call_at_s)
    return slot_s if slot_s <= now_s + horizon_s else None


def plan_slots(
    now_s: float,
    next_call_at_s: float | None,
    calls_per_minute: float,
    max_calls: int,
    *,
    horizon_s: float = 0.0,
    catchup_s: float = DEFAULT_CATCHUP_S,
) -> tuple[list[float], float | None]:
    """Start times of up to ``max_calls`` calls within the horizon, and the bucket value after them."""
    slots: list[float] = []
    while len(slots) < max_calls:
        slot_s = next_slot_s(now_s, next_call_at_s, horizon_s)
        if slot_s is None:
            break
        slots.append(slot_s)
        next_call_at_s = after_call(slot_s, next_call_at_s, calls_per_minute, catchup_s)
    return slots, next_call_at_s
