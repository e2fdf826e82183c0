"""Reference rules restated plainly for the property tests (wall-clock window, authorization)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Asia/Kolkata",
    "America/Santiago",
]


@dataclass(frozen=True)
class WindowSpec:
    starting_s: float | None
    expires_s: float | None
    start: time
    stop: time
    weekdays: tuple[bool, ...]


def oracle_in_window(t_s: float, spec: WindowSpec, zone_name: str) -> bool:
    if spec.starting_s is not None and t_s < spec.starting_s:
        return False
    if spec.expires_s is not None and t_s > spec.expires_s:
        return False
    local = datetime.fromtimestamp(t_s, ZoneInfo(zone_name))
    tod = (local.hour, local.minute, local.second)
    start = (spec.start.hour, spec.start.minute, spec.start.second)
    stop = (spec.stop.hour, spec.stop.minute, spec.stop.second)
    day = local.weekday()
    if start <= stop:
        return spec.weekdays[day] and start <= tod <= stop
    if tod >= start:
        return spec.weekdays[day]
    if tod <= stop:
        return spec.weekdays[(day - 1) % 7]
    return False


def oracle_may_call(number: str, whitelist: str, blacklist: str, in_dnc: bool) -> bool:
    if in_dnc:
        return False
    if whitelist not in ("", "*") and re.search(whitelist, number):
        return True
    return blacklist in ("", "*") or not re.search(blacklist, number)
