"""CDR variables FreeSWITCH sets at CS_REPORTING (stamps, epochs, durations in s/ms/us)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ivrd.sim.channel import Channel


def _stamp(us: int) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(us / 1_000_000)) if us else ""


def _caller_id(channel: Channel) -> str:
    profile = channel.profile
    name = profile.orig_caller_id_name or profile.caller_id_name
    number = profile.orig_caller_id_number or profile.caller_id_number
    return f'"{name}" <{number}>'


def cdr_variables(channel: Channel) -> dict[str, str]:
    """The reporting-time variables, in FreeSWITCH's order, from the channel's profile times."""
    times = channel.profile.times_us
    start = times.get("created", 0)
    answer = times.get("answered", 0)
    progress = times.get("progress", 0)
    progress_media = times.get("progress-media", 0)
    end = times.get("hangup", 0) or int(time.time() * 1_000_000)
    values: dict[str, str] = {
        "start_stamp": _stamp(start),
        "profile_start_stamp": _stamp(start),
        "answer_stamp": _stamp(answer),
        "progress_stamp": _stamp(progress),
        "progress_media_stamp": _stamp(progress_media),
        "end_stamp": _stamp(end),
        "start_epoch": str(start // 1_000_000),
        "start_uepoch": str(start),
        "profile_start_epoch": str(start // 1_000_000),
        "profile_start_uepoch": str(start),
        "answer_epoch": str(answer // 1_000_000),
        "answer_uepoch": str(answer),
        "progress_epoch": str(progress // 1_000_000),
        "progress_uepoch": str(progress),
        "progress_media_epoch": str(progress_media // 1_000_000),
        "progress_media_uepoch": str(progress_media),
        "end_epoch": str(end // 1_000_000),
        "end_uepoch": str(end),
        "last_app": channel.variables.get("current_application", ""),
        "last_arg": channel.variables.get("current_application_data", ""),
        "caller_id": _caller_id(channel),
    }
    duration_us = max(end - start, 0)
    billing_us = max(end - answer, 0) if answer else 0
    spans_us = {
        "progress": progress - start if progress else 0,
        "answer": answer - start if answer else 0,
        "wait": answer - start if answer else 0,
        "progress_media": progress_media - start if progress_media else 0,
        "flow_bill": duration_us,
    }
    for unit, divisor, total, bill in (("sec", 1_000_000, "duration", "billsec"),
                                       ("msec", 1_000, "mduration", "billmsec"),
                                       ("usec", 1, "uduration", "billusec")):
        values[total] = str(duration_us // divisor)
        values[bill] = str(billing_us // divisor)
        for name, span_us in spans_us.items():
            values[f"{name}{unit}"] = str(max(span_us, 0) // divisor)
    return values
