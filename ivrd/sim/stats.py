"""Measurements: per-call log, outcome counters and the client's reaction latency per channel."""

from __future__ import annotations

import time
from collections import Counter
from typing import Any

from ivrd.sim.commands import Command

MAX_LATENCY_SAMPLES = 200_000


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted list (0.0 for an empty one)."""
    if not sorted_values:
        return 0.0
    rank = max(round(fraction * len(sorted_values) + 0.5) - 1, 0)
    return sorted_values[min(rank, len(sorted_values) - 1)]


class Stats:
    """Reaction latency = time from the last event fired for a channel to the next command about it."""

    def __init__(self) -> None:
        self.call_log: list[dict[str, Any]] = []
        self._calls_by_uuid: dict[str, dict[str, Any]] = {}
        self.calls = 0
        self.answered = 0
        self.failed: Counter[str] = Counter()
        self.latencies_ms: list[float] = []
        self._last_event_s: dict[str, float] = {}

    def event_emitted(self, channel_uuid: str) -> None:
        self._last_event_s[channel_uuid] = time.monotonic()

    def command_for(self, channel_uuid: str) -> None:
        emitted_s = self._last_event_s.pop(channel_uuid, None)
        if emitted_s is not None and len(self.latencies_ms) < MAX_LATENCY_SAMPLES:
            self.latencies_ms.append((time.monotonic() - emitted_s) * 1000.0)

    def command_seen(self, command: Command) -> None:
        """Attribute a client command to the channel it concerns (sendmsg <uuid>, api/bgapi uuid_* <uuid>)."""
        word = command.word
        parts = command.rest.split()
        if word == "sendmsg" and parts:
            self.command_for(parts[0])
        elif word in ("api", "bgapi") and len(parts) >= 2 and parts[0].lower().startswith("uuid_"):
            self.command_for(parts[1])

    def channel_gone(self, channel_uuid: str) -> None:
        self._last_event_s.pop(channel_uuid, None)

    def call_started(self, channel_uuid: str, number: str) -> dict[str, Any]:
        entry: dict[str, Any] = {"uuid": channel_uuid, "number": number, "cause": None,
                                 "answered": False, "started_at": time.time()}
        self.calls += 1
        self.call_log.append(entry)
        self._calls_by_uuid[channel_uuid] = entry
        return entry

    def call_answered(self, channel_uuid: str) -> None:
        entry = self._calls_by_uuid.get(channel_uuid)
        if entry is not None and not entry["answered"]:
            entry["answered"] = True
            self.answered += 1

    def call_ended(self, channel_uuid: str, cause: str) -> None:
        entry = self._calls_by_uuid.pop(channel_uuid, None)
        if entry is None:
            return
        entry["cause"] = cause
        if not entry["answered"]:
            self.failed[cause] += 1

    def snapshot(self, channels_now: int) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms)
        return {
            "calls": self.calls,
            "answered": self.answered,
            "failed": dict(sorted(self.failed.items())),
            "reaction_latency_ms": {
                "count": len(ordered),
                "p50": round(percentile(ordered, 0.50), 3),
                "p99": round(percentile(ordered, 0.99), 3),
                "max": round(ordered[-1], 3) if ordered else 0.0,
            },
            "channels": channels_now,
        }
