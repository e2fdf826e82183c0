"""Inputs the runtime feeds to the survey machine; token-bearing inputs echo an action's token."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Started:
    """The leg is answered and handed to the survey (always the first input)."""


@dataclass(frozen=True)
class PromptFinished:
    """A Play action ended (played to the end or interrupted)."""

    token: str


@dataclass(frozen=True)
class DigitsCollected:
    """A Collect action ended.

    `digits` are the keys typed without the terminator, whether or not they matched the
    Collect's `valid_regex` (FreeSWITCH keeps a mismatch in `<var>_invalid`); empty on timeout.
    """

    token: str
    digits: str
    terminator: str = ""


@dataclass(frozen=True)
class TimerFired:
    """A StartTimer action's delay elapsed."""

    token: str


@dataclass(frozen=True)
class RecordingFinished:
    """A Record action ended; `path` is the recorded file as it should be stored in the result."""

    token: str
    path: str
    duration_ms: int
    cause: str = ""


@dataclass(frozen=True)
class BridgeEnded:
    """A Transfer action's bridge returned (the far end hung up, refused or never answered)."""

    token: str
    cause: str = ""
    answered: bool = False


@dataclass(frozen=True)
class ConferenceLeft:
    """The caller left the conference joined by a JoinConference action."""

    token: str


@dataclass(frozen=True)
class ActionFailed:
    """The action with this token could not run (file missing, application error...)."""

    token: str
    reason: str = ""


@dataclass(frozen=True)
class AmdDecided:
    """Answering-machine detection's verdict, already mapped through the campaign's amd_behavior.

    `run_survey`: run the survey on this leg; otherwise `voicemail_audio_path` (when set) is played
    and the call hangs up, or the call just hangs up. `result` ("person", "machine", "notsure")
    is informational. Acted on while the machine waits for it (Started with
    `CallContext.wait_for_amd`, before its wait timer fired). Once the survey runs (a person was
    detected, or the wait ran out), a verdict with `run_survey` false ends the call from a prompt,
    a digit collection, a recording or the voicemail message (detection revised its verdict: a
    machine after all), and one with `restart_survey` cuts what plays and starts over: the survey
    from its start (`run_survey`: a machine's greeting just ended, under ALWAYS PLAY) or the
    voicemail message (a beep came after the end of greeting by silence); otherwise it is ignored.
    """

    result: str
    run_survey: bool = True
    voicemail_audio_path: str | None = None
    restart_survey: bool = False


@dataclass(frozen=True)
class HungUp:
    """The leg is gone; the machine finishes at once."""

    cause: str = ""


SurveyInput = (
    Started
    | PromptFinished
    | DigitsCollected
    | TimerFired
    | RecordingFinished
    | BridgeEnded
    | ConferenceLeft
    | ActionFailed
    | AmdDecided
    | HungUp
)

INPUT_TYPES: tuple[type[SurveyInput], ...] = (
    Started,
    PromptFinished,
    DigitsCollected,
    TimerFired,
    RecordingFinished,
    BridgeEnded,
    ConferenceLeft,
    ActionFailed,
    AmdDecided,
    HungUp,
)
