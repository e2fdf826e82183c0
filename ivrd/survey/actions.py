"""Actions the survey machine returns; the runtime executes them and echoes tokens back as inputs."""

from __future__ import annotations

from dataclasses import dataclass

NORMAL_CLEARING = "NORMAL_CLEARING"
RECORD_TIME_LIMIT_S = 120
RECORD_SILENCE_THRESHOLD = 30
RECORD_SILENCE_HITS_S = 5
TRANSFER_TIMEOUT_S = 300


@dataclass(frozen=True)
class Prompt:
    """What to play: an audio file when set, else text-to-speech of `tts_text` in `tts_language`."""

    audio_path: str | None = None
    tts_text: str | None = None
    tts_language: str = "en"


@dataclass(frozen=True)
class Play:
    token: str
    prompt: Prompt


@dataclass(frozen=True)
class Collect:
    """Play `prompt` (None = no prompt) and collect DTMF once: a single try, no internal retries."""

    token: str
    prompt: Prompt | None
    min_digits: int
    max_digits: int
    terminators: str
    timeout_ms: int
    digit_timeout_ms: int
    valid_regex: str


@dataclass(frozen=True)
class Record:
    """Record the caller into `file_name` (inside the recording directory)."""

    token: str
    file_name: str
    time_limit_s: int = RECORD_TIME_LIMIT_S
    silence_threshold: int = RECORD_SILENCE_THRESHOLD
    silence_hits_s: int = RECORD_SILENCE_HITS_S
    terminators: str = "#"


@dataclass(frozen=True)
class Transfer:
    """Bridge the caller to `dial_string`; the leg stays up when the far end hangs up.

    `ringback` is played to the caller while the far end rings. With `confirm_prompt` the far end
    hears it before being connected; with `confirm_key` too it must press that key to accept.
    `headers` are SIP headers for the far end (name, value).
    """

    token: str
    dial_string: str
    caller_id_number: str
    ringback: Prompt | None = None
    confirm_prompt: Prompt | None = None
    confirm_key: str = ""
    timeout_s: int = TRANSFER_TIMEOUT_S
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class JoinConference:
    """Join the conference `room` (already `<name>@<profile>`); blocks until the caller leaves."""

    token: str
    room: str


@dataclass(frozen=True)
class AddToDnc:
    dnc_list_id: int
    phone_number: str


@dataclass(frozen=True)
class SendSms:
    destination: str
    text: str


@dataclass(frozen=True)
class StartTimer:
    token: str
    delay_ms: int


@dataclass(frozen=True)
class CancelTimer:
    token: str


@dataclass(frozen=True)
class SaveResult:
    """The final answer of this visit of a section; the runtime upserts it by (call attempt, section).

    A later SaveResult for the same section (the section was visited again) replaces it.
    `aggregate` is False for answers that must not count in the survey's aggregate: empty input
    (timeout), input that failed validation, and recordings of unknown duration.
    `recording_duration_s` is None when the call ended while recording (duration unknown).
    `visit` is the section execution number within the call that produced the answer (1-based,
    increasing): of two answers for one section, the higher visit is the final one.
    """

    section_id: int
    response: str
    record_file: str = ""
    recording_duration_s: int | None = 0
    aggregate: bool = True
    visit: int = 0


@dataclass(frozen=True)
class MarkCompleted:
    """The caller reached a section flagged `completed` (emitted at most once per call)."""

    section_id: int


@dataclass(frozen=True)
class Hangup:
    """End the call once the channel's queued applications are done, or `at_once` (cutting a
    prompt or digit collection short)."""

    cause: str = NORMAL_CLEARING
    reason: str = ""
    at_once: bool = False


@dataclass(frozen=True)
class StopMedia:
    """Cut what the channel is playing, collecting or recording and drop its queued applications."""


@dataclass(frozen=True)
class Finished:
    """The machine is done; it ignores every later input."""

    reason: str = ""


SurveyAction = (
    Play
    | Collect
    | Record
    | Transfer
    | JoinConference
    | AddToDnc
    | SendSms
    | StartTimer
    | CancelTimer
    | SaveResult
    | MarkCompleted
    | Hangup
    | StopMedia
    | Finished
)
