"""Detection outcomes: the hosted-API vocabulary, app_amd causes and Newfies compatibility codes."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class AmdResult(enum.StrEnum):
    """What answered, in the vocabulary of hosted voice APIs."""

    HUMAN = "human"
    MACHINE_START = "machine_start"
    MACHINE_END_BEEP = "machine_end_beep"
    MACHINE_END_SILENCE = "machine_end_silence"
    MACHINE_END_OTHER = "machine_end_other"
    FAX = "fax"
    UNKNOWN = "unknown"

    @property
    def is_machine(self) -> bool:
        return self.value.startswith("machine")


class AmdStage(enum.StrEnum):
    """Which question a decision answers."""

    DETECT = "detect"  # who answered: human, machine_start, fax or unknown
    END_OF_GREETING = "end_of_greeting"  # when a machine's greeting ended (drop the message now)


CDR_PERSON = 1
CDR_MACHINE = 2
CDR_UNSURE = 3


@dataclass(frozen=True, slots=True)
class AmdDecision:
    """One decision of the analyzer.

    ``decision_ms`` is the amount of audio consumed when the decision was taken (the moment to
    act on it); ``beep_end_ms`` (end-of-greeting beep decisions only) is where the tone ended;
    ``beep_hz`` its frequency. ``final`` is true when no further decision will follow.
    """

    stage: AmdStage
    result: AmdResult
    cause: str
    decision_ms: int
    final: bool
    beep_end_ms: int | None = None
    beep_hz: float | None = None

    @property
    def amd_status(self) -> str:
        """app_amd/mod_amd status: HUMAN, MACHINE, NOTSURE or FAX."""
        return amd_status(self.result)

    @property
    def newfies_amd_status(self) -> str:
        """Newfies' ``amd_status`` channel variable: ``person`` or ``machine``."""
        return newfies_amd_status(self.result)

    @property
    def cdr_amd_status(self) -> int:
        """Newfies CDR ``amd_status``: 1 PERSON, 2 MACHINE, 3 UNSURE."""
        return cdr_amd_status(self.result)


def amd_status(result: AmdResult) -> str:
    if result is AmdResult.HUMAN:
        return "HUMAN"
    if result is AmdResult.FAX:
        return "FAX"
    if result is AmdResult.UNKNOWN:
        return "NOTSURE"
    return "MACHINE"


def newfies_amd_status(result: AmdResult) -> str:
    """Machines and fax are ``machine``; humans and unknown are ``person`` (Newfies' default)."""
    return "machine" if result.is_machine or result is AmdResult.FAX else "person"


def cdr_amd_status(result: AmdResult) -> int:
    if result is AmdResult.UNKNOWN:
        return CDR_UNSURE
    return CDR_MACHINE if result.is_machine or result is AmdResult.FAX else CDR_PERSON
