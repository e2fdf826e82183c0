"""Events as FreeSWITCH builds them: ordered headers (duplicates allowed), the common block, cached frames."""

from __future__ import annotations

import email.utils
import itertools
import time
from dataclasses import dataclass, field

from ivrd.sim import wire

# Every event name FreeSWITCH knows (switch_event.c order is irrelevant here; lookups are case-insensitive).
EVENT_NAMES = frozenset(
    [
        "CUSTOM", "CLONE", "CHANNEL_CREATE", "CHANNEL_DESTROY", "CHANNEL_STATE", "CHANNEL_CALLSTATE",
        "CHANNEL_ANSWER", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_EXECUTE",
        "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HOLD", "CHANNEL_UNHOLD", "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE",
        "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA", "CHANNEL_OUTGOING", "CHANNEL_PARK", "CHANNEL_UNPARK",
        "CHANNEL_APPLICATION", "CHANNEL_ORIGINATE", "CHANNEL_UUID", "API", "LOG", "INBOUND_CHAN",
        "OUTBOUND_CHAN", "STARTUP", "SHUTDOWN", "PUBLISH", "UNPUBLISH", "TALK", "NOTALK", "SESSION_CRASH",
        "MODULE_LOAD", "MODULE_UNLOAD", "DTMF", "MESSAGE", "PRESENCE_IN", "NOTIFY_IN", "PRESENCE_OUT",
        "PRESENCE_PROBE", "MESSAGE_WAITING", "MESSAGE_QUERY", "ROSTER", "CODEC", "BACKGROUND_JOB",
        "DETECTED_SPEECH", "DETECTED_TONE", "PRIVATE_COMMAND", "HEARTBEAT", "TRAP", "ADD_SCHEDULE",
        "DEL_SCHEDULE", "EXE_SCHEDULE", "RE_SCHEDULE", "RELOADXML", "NOTIFY", "PHONE_FEATURE",
        "PHONE_FEATURE_SUBSCRIBE", "SEND_MESSAGE", "RECV_MESSAGE", "REQUEST_PARAMS", "CHANNEL_DATA",
        "GENERAL", "COMMAND", "SESSION_HEARTBEAT", "CLIENT_DISCONNECTED", "SERVER_DISCONNECTED",
        "SEND_INFO", "RECV_INFO", "RECV_RTCP_MESSAGE", "SEND_RTCP_MESSAGE", "CALL_SECURE", "NAT",
        "RECORD_START", "RECORD_STOP", "PLAYBACK_START", "PLAYBACK_STOP", "CALL_UPDATE", "FAILURE",
        "SOCKET_DATA", "MEDIA_BUG_START", "MEDIA_BUG_STOP", "CONFERENCE_DATA_QUERY", "CONFERENCE_DATA",
        "CALL_SETUP_REQ", "CALL_SETUP_RESULT", "CALL_DETAIL", "DEVICE_STATE", "TEXT", "SHUTDOWN_REQUESTED",
        "ALL"
    ]
)


def canonical_event_name(token: str) -> str | None:
    """The event name a subscription token stands for (case-insensitive, `SWITCH_EVENT_` prefix allowed)."""
    upper = token.upper()
    if upper.startswith("SWITCH_EVENT_"):
        upper = upper[len("SWITCH_EVENT_") :]
    return upper if upper in EVENT_NAMES else None


@dataclass
class Event:
    """One event: its name, its headers in wire order, an optional body; frames are cached per format."""

    name: str
    headers: list[wire.Header]
    body: str | None = None
    subclass: str | None = None
    unique_id: str | None = None
    _frames: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def get(self, header_name: str) -> str | None:
        """First value of a header (names compared case-insensitively, as switch_event_get_header)."""
        wanted = header_name.lower()
        for name, value in self.headers:
            if name.lower() == wanted and value != "":
                return value
        return None

    def add(self, name: str, value: str) -> None:
        self.headers.append((name, value))
        self._frames.clear()

    def extend(self, headers: list[wire.Header]) -> None:
        self.headers.extend(headers)
        self._frames.clear()

    def frame(self, event_format: str) -> bytes:
        cached = self._frames.get(event_format)
        if cached is None:
            cached = wire.event_frame(event_format, self.headers, self.body)
            self._frames[event_format] = cached
        return cached


@dataclass(frozen=True)
class Origin:
    """Where FreeSWITCH would have fired an event from (Event-Calling-File/-Function/-Line-Number)."""

    file: str
    function: str
    line: int


class EventFactory:
    """Builds the common header block; one per simulated FreeSWITCH process (Core-UUID, sequence)."""

    def __init__(self, core_uuid: str, hostname: str = "ivrd-sim", ipv4: str = "127.0.0.1") -> None:
        self.core_uuid = core_uuid
        self.hostname = hostname
        self.ipv4 = ipv4
        self._sequence = itertools.count(1)
        self._process_headers: tuple[wire.Header, ...] = (
            ("Core-UUID", core_uuid), ("FreeSWITCH-Hostname", hostname), ("FreeSWITCH-Switchname", hostname),
            ("FreeSWITCH-IPv4", ipv4), ("FreeSWITCH-IPv6", "::1"))
        self._date_second = -1
        self._date_headers: tuple[wire.Header, wire.Header] = (("", ""), ("", ""))

    def _dates(self, now_s: float) -> tuple[wire.Header, wire.Header]:
        """Event-Date-Local and -GMT, computed once per second."""
        second = int(now_s)
        if second != self._date_second:
            self._date_second = second
            self._date_headers = (
                ("Event-Date-Local", time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))),
                ("Event-Date-GMT", email.utils.formatdate(second, usegmt=True)),
            )
        return self._date_headers

    def new(self, name: str, origin: Origin, subclass: str | None = None) -> Event:
        now_s = time.time()
        local, gmt = self._dates(now_s)
        headers: list[wire.Header] = [
            ("Event-Name", name),
            *self._process_headers,
            local,
            gmt,
            ("Event-Date-Timestamp", str(int(now_s * 1_000_000))),
            ("Event-Calling-File", origin.file),
            ("Event-Calling-Function", origin.function),
            ("Event-Calling-Line-Number", str(origin.line)),
            ("Event-Sequence", str(next(self._sequence))),
        ]
        if subclass is not None:
            headers.append(("Event-Subclass", subclass))
        return Event(name=name, headers=headers, subclass=subclass)
