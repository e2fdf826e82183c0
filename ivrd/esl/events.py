"""Typed, lazy views over FreeSWITCH events: the only place that knows FreeSWITCH header spellings."""

from __future__ import annotations

from enum import StrEnum

from ivrd.esl.causes import HangupCause
from ivrd.esl.codec import EslEvent
from ivrd.esl.headers import ARRAY_PREFIX, ARRAY_SEPARATOR

VARIABLE_PREFIX = "variable_"
DTMF_SAMPLES_PER_MS = 8  # DTMF-Duration is counted in 8 kHz samples


class EventName(StrEnum):
    """Event names the daemon subscribes to (FreeSWITCH spellings)."""

    CHANNEL_CREATE = "CHANNEL_CREATE"
    CHANNEL_ORIGINATE = "CHANNEL_ORIGINATE"
    CHANNEL_OUTGOING = "CHANNEL_OUTGOING"
    CHANNEL_PROGRESS = "CHANNEL_PROGRESS"
    CHANNEL_PROGRESS_MEDIA = "CHANNEL_PROGRESS_MEDIA"
    CHANNEL_ANSWER = "CHANNEL_ANSWER"
    CHANNEL_PARK = "CHANNEL_PARK"
    CHANNEL_EXECUTE = "CHANNEL_EXECUTE"
    CHANNEL_EXECUTE_COMPLETE = "CHANNEL_EXECUTE_COMPLETE"
    CHANNEL_HANGUP = "CHANNEL_HANGUP"
    CHANNEL_HANGUP_COMPLETE = "CHANNEL_HANGUP_COMPLETE"
    CHANNEL_DESTROY = "CHANNEL_DESTROY"
    CHANNEL_STATE = "CHANNEL_STATE"
    CHANNEL_CALLSTATE = "CHANNEL_CALLSTATE"
    DTMF = "DTMF"
    PLAYBACK_START = "PLAYBACK_START"
    PLAYBACK_STOP = "PLAYBACK_STOP"
    RECORD_START = "RECORD_START"
    RECORD_STOP = "RECORD_STOP"
    BACKGROUND_JOB = "BACKGROUND_JOB"
    HEARTBEAT = "HEARTBEAT"
    CUSTOM = "CUSTOM"
    ALL = "ALL"


def _int(text: str | None, default: int = 0) -> int:
    if text is None:
        return default
    try:
        return int(text)
    except ValueError:
        return default


def split_array(value: str) -> list[str]:
    """FreeSWITCH array values (`ARRAY::a|:b`) as a list; a plain value as a one-item list."""
    if value.startswith(ARRAY_PREFIX):
        return value[len(ARRAY_PREFIX) :].split(ARRAY_SEPARATOR)
    return [value]


class EventView:
    """Common headers of every event."""

    __slots__ = ("event",)

    def __init__(self, event: EslEvent) -> None:
        self.event = event

    def header(self, name: str) -> str | None:
        return self.event.headers.get(name)

    @property
    def name(self) -> str:
        return self.event.name

    @property
    def core_uuid(self) -> str:
        return self.header("Core-UUID") or ""

    @property
    def sequence(self) -> int:
        return _int(self.header("Event-Sequence"))

    @property
    def timestamp_us(self) -> int:
        return _int(self.header("Event-Date-Timestamp"))

    @property
    def subclass(self) -> str | None:
        """Event-Subclass of CUSTOM events."""
        return self.header("Event-Subclass")

    @property
    def body(self) -> str:
        return self.event.body


class ChannelEvent(EventView):
    """Events about one channel (leg)."""

    __slots__ = ()

    @property
    def unique_id(self) -> str:
        return self.header("Unique-ID") or ""

    @property
    def channel_name(self) -> str:
        return self.header("Channel-Name") or ""

    @property
    def channel_state(self) -> str:
        return self.header("Channel-State") or ""

    @property
    def call_state(self) -> str:
        return self.header("Channel-Call-State") or ""

    @property
    def answer_state(self) -> str:
        return self.header("Answer-State") or ""

    @property
    def call_direction(self) -> str:
        return self.header("Call-Direction") or ""

    @property
    def destination_number(self) -> str:
        return self.header("Caller-Destination-Number") or ""

    @property
    def hangup_cause(self) -> HangupCause | None:
        """The first Hangup-Cause header (absent until a cause is set)."""
        return HangupCause.parse(self.header("Hangup-Cause"))

    def variable(self, name: str) -> str | None:
        """Channel variable `name` (only present on events that carry variables)."""
        return self.event.headers.get(VARIABLE_PREFIX + name)

    def variables(self) -> dict[str, str]:
        """Every channel variable of this event, without the `variable_` prefix."""
        cut = len(VARIABLE_PREFIX)
        return {n[cut:]: v for n, v in self.event.headers.items() if n.startswith(VARIABLE_PREFIX)}


class DtmfEvent(ChannelEvent):
    __slots__ = ()

    @property
    def digit(self) -> str:
        return self.header("DTMF-Digit") or ""

    @property
    def duration_ms(self) -> int:
        return _int(self.header("DTMF-Duration")) // DTMF_SAMPLES_PER_MS

    @property
    def source(self) -> str | None:
        return self.header("DTMF-Source")


class ExecuteEvent(ChannelEvent):
    """CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE."""

    __slots__ = ()

    @property
    def is_complete(self) -> bool:
        return self.name == EventName.CHANNEL_EXECUTE_COMPLETE

    @property
    def application(self) -> str:
        return self.header("Application") or ""

    @property
    def application_data(self) -> str:
        return self.header("Application-Data") or ""

    @property
    def application_uuid(self) -> str:
        """Equals the Event-UUID sent with `sendmsg execute`."""
        return self.header("Application-UUID") or ""

    @property
    def application_response(self) -> str:
        """e.g. `FILE PLAYED`, `_none_`; only on CHANNEL_EXECUTE_COMPLETE."""
        return self.header("Application-Response") or ""


class HangupEvent(ChannelEvent):
    """CHANNEL_HANGUP and CHANNEL_HANGUP_COMPLETE (the latter carries the CDR variables)."""

    __slots__ = ()

    @property
    def cause(self) -> HangupCause:
        return self.hangup_cause or HangupCause.parse(self.variable("hangup_cause")) or HangupCause.NONE

    @property
    def q850(self) -> int:
        return _int(self.variable("hangup_cause_q850"), self.cause.q850)

    @property
    def sip_term_status(self) -> str | None:
        return self.variable("sip_term_status")

    @property
    def answered(self) -> bool:
        return _int(self.variable("answer_epoch")) > 0 or _int(self.variable("billsec")) > 0

    @property
    def duration_s(self) -> int:
        return _int(self.variable("duration"))

    @property
    def billsec_s(self) -> int:
        return _int(self.variable("billsec"))

    @property
    def billmsec_ms(self) -> int:
        return _int(self.variable("billmsec"))


class BackgroundJob(EventView):
    """BACKGROUND_JOB: the result of a `bgapi` command; body `+OK …` or `-ERR CAUSE`."""

    __slots__ = ()

    @property
    def job_uuid(self) -> str:
        return self.header("Job-UUID") or ""

    @property
    def command(self) -> str:
        return self.header("Job-Command") or ""

    @property
    def command_arg(self) -> str:
        return self.header("Job-Command-Arg") or ""

    @property
    def ok(self) -> bool:
        return self.body.startswith("+OK")

    @property
    def result(self) -> str:
        """Text after `+OK ` (the leg UUID for originate), stripped; '' on failure."""
        return self.body[3:].strip() if self.ok else ""

    @property
    def error(self) -> str:
        """Text after `-ERR ` (e.g. `USER_BUSY`), stripped; '' on success."""
        if self.ok:
            return ""
        text = self.body.strip()
        return text[4:].strip() if text.startswith("-ERR") else text

    @property
    def cause(self) -> HangupCause | None:
        """The hangup cause named by a failed originate (`-ERR NO_ANSWER`)."""
        return HangupCause.parse(self.error) if self.error else None


class PlaybackStop(ChannelEvent):
    __slots__ = ()

    @property
    def file_path(self) -> str:
        return self.header("Playback-File-Path") or ""

    @property
    def status(self) -> str:
        """`done` or `break`."""
        return self.header("Playback-Status") or ""

    @property
    def playback_ms(self) -> int:
        return _int(self.variable("playback_ms"))


class RecordStop(ChannelEvent):
    __slots__ = ()

    @property
    def file_path(self) -> str:
        return self.header("Record-File-Path") or ""

    @property
    def completion_cause(self) -> str | None:
        return self.header("Record-Completion-Cause") or self.variable("record_completion_cause")

    @property
    def record_ms(self) -> int:
        return _int(self.variable("record_ms"))


class CustomEvent(ChannelEvent):
    """CUSTOM events (`Event-Subclass`, e.g. `avmd::beep`); Unique-ID present when about a channel."""

    __slots__ = ()


class Heartbeat(EventView):
    __slots__ = ()

    @property
    def session_count(self) -> int:
        return _int(self.header("Session-Count"))

    @property
    def uptime_ms(self) -> int:
        return _int(self.header("Uptime-msec"))


_VIEWS: dict[str, type[EventView]] = {
    EventName.DTMF: DtmfEvent,
    EventName.CHANNEL_EXECUTE: ExecuteEvent,
    EventName.CHANNEL_EXECUTE_COMPLETE: ExecuteEvent,
    EventName.CHANNEL_HANGUP: HangupEvent,
    EventName.CHANNEL_HANGUP_COMPLETE: HangupEvent,
    EventName.BACKGROUND_JOB: BackgroundJob,
    EventName.PLAYBACK_STOP: PlaybackStop,
    EventName.RECORD_STOP: RecordStop,
    EventName.CUSTOM: CustomEvent,
    EventName.HEARTBEAT: Heartbeat,
}


def view(event: EslEvent) -> EventView:
    """The typed view that fits the event's name (ChannelEvent for other channel events)."""
    kind = _VIEWS.get(event.name)
    if kind is not None:
        return kind(event)
    if "Unique-ID" in event.headers:
        return ChannelEvent(event)
    return EventView(event)
