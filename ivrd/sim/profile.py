"""The caller profile of a simulated channel (Caller-* / Other-Leg-* headers) and its timestamps."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ivrd.sim import wire


class _Times(dict[str, int]):
    """A profile's times (µs); setting one invalidates the profile's cached headers."""

    def __init__(self, profile: Profile, initial: dict[str, int]) -> None:
        super().__init__(initial)
        self._profile = profile

    def __setitem__(self, key: str, value: int) -> None:
        super().__setitem__(key, value)
        self._profile.__dict__["_cached"].clear()


@dataclass
class Profile:
    """The caller profile (Caller-* / Other-Leg-* headers)."""

    direction: str
    caller_id_name: str
    caller_id_number: str
    destination_number: str
    channel_name: str
    unique_id: str
    source: str
    dialplan: str = ""
    context: str = "default"
    orig_caller_id_name: str = ""
    orig_caller_id_number: str = ""
    callee_id_name: str = ""
    callee_id_number: str = ""
    network_addr: str = ""
    ani: str = ""
    times_us: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_cached", {})
        self.times_us = _Times(self, self.times_us)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        cached = self.__dict__.get("_cached")
        if cached:
            cached.clear()

    def headers(self, prefix: str, is_other: bool) -> list[wire.Header]:
        """The caller profile as headers (cached until a field or a time changes; do not modify)."""
        cached: dict[tuple[str, bool], list[wire.Header]] = self.__dict__["_cached"]
        pairs = cached.get((prefix, is_other))
        if pairs is None:
            pairs = cached[(prefix, is_other)] = self._headers(prefix, is_other)
        return pairs

    def _headers(self, prefix: str, is_other: bool) -> list[wire.Header]:
        pairs: list[wire.Header] = [(prefix + "Direction", self.direction)]
        if not is_other:
            pairs.append((prefix + "Logical-Direction", self.direction))
        pairs += [
            (prefix + "Dialplan", self.dialplan),
            (prefix + "Caller-ID-Name", self.caller_id_name),
            (prefix + "Caller-ID-Number", self.caller_id_number),
            (prefix + "Orig-Caller-ID-Name", self.orig_caller_id_name),
            (prefix + "Orig-Caller-ID-Number", self.orig_caller_id_number),
            (prefix + "Callee-ID-Name", self.callee_id_name),
            (prefix + "Callee-ID-Number", self.callee_id_number),
            (prefix + "Network-Addr", self.network_addr),
            (prefix + "ANI", self.ani),
            (prefix + "Destination-Number", self.destination_number),
            (prefix + "Unique-ID", self.unique_id),
            (prefix + "Source", self.source),
            (prefix + "Context", self.context),
            (prefix + "Channel-Name", self.channel_name),
        ]
        if not is_other:
            pairs.append((prefix + "Profile-Index", "1"))
        created = str(self.times_us.get("created", 0))
        pairs.append((prefix + "Profile-Created-Time", created))
        for key in ("Created", "Answered", "Progress", "Progress-Media", "Hangup", "Transfer",
                    "Resurrect", "Bridged", "Last-Hold", "Hold-Accum"):
            pairs.append((f"{prefix}Channel-{key}-Time" if key not in ("Last-Hold", "Hold-Accum")
                          else f"{prefix}Channel-{key}", str(self.times_us.get(key.lower(), 0))))
        pairs += [(prefix + "Screen-Bit", "true"), (prefix + "Privacy-Hide-Name", "false"),
                  (prefix + "Privacy-Hide-Number", "false")]
        return [(name, value) for name, value in pairs if value != ""]
