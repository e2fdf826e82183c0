"""What answering-machine detection found on one call, as channel variables and call-record columns.

Pure values: the runtime sets `channel_variables(facts)` on the channel (so CHANNEL_HANGUP_COMPLETE
carries them to whoever writes the call record) and keeps the facts on the leg's outcome.
`facts_from_variables` reads them back from a hangup event's variables; `cdr_columns` gives the
CallRecord columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ivrd.amd import AmdDecision, AmdResult, AmdStage, cdr_amd_status, newfies_amd_status

# Channel variables (all set with uuid_setvar when the call is acted on).
STATUS_VARIABLE = "ivrd_amd_status"  # person | machine (what the dialer's retry policy reads)
NEWFIES_VARIABLE = "amd_status"  # the same value under Newfies' name
RESULT_VARIABLE = "ivrd_amd_result"  # human, machine_start, machine_end_beep, ..., fax, unknown
CAUSE_VARIABLE = "ivrd_amd_cause"
DECISION_MS_VARIABLE = "ivrd_amd_decision_ms"
BEEP_MS_VARIABLE = "ivrd_amd_beep_ms"
ACTION_VARIABLE = "ivrd_amd_action"  # run_survey | play_voicemail | hang_up

CAUSE_MAX_CHARS = 80
RESULT_MAX_CHARS = 40


@dataclass(frozen=True)
class AmdFacts:
    """The detection of one call.

    `result` is the last decision's result (for a machine: how its greeting ended); `cause` the
    detection's cause, then the end-of-greeting cause after `/`. `decision_ms`: when who answered
    was known, `beep_ms`: when the beep ended, both in milliseconds after answer (the recording
    starts a few milliseconds after answer; that offset is added). `action`: what was done.
    """

    result: AmdResult
    cause: str
    decision_ms: int
    beep_ms: int | None = None
    action: str = ""

    @property
    def status(self) -> str:
        """Newfies' `amd_status` value: `machine` (machines and fax) or `person`."""
        return newfies_amd_status(self.result)

    @property
    def machine(self) -> bool:
        return self.status == "machine"

    @property
    def cdr_status(self) -> int:
        """CallRecord.amd_status: 1 person, 2 machine (or fax), 3 unsure."""
        return cdr_amd_status(self.result)


def facts_of(decisions: list[AmdDecision], offset_ms: int, action: str = "") -> AmdFacts:
    """Facts from the analyzer's decisions (detections, then the end of greeting if any); the
    decision time is the last detection's (a person's verdict revised to a machine: the revision)."""
    if not decisions:
        raise ValueError("decisions: at least one analyzer decision is needed")
    detection = next((d for d in reversed(decisions) if d.stage is AmdStage.DETECT), decisions[0])
    last = decisions[-1]
    cause = "/".join(d.cause for d in decisions)[:CAUSE_MAX_CHARS]
    beep_end_ms = next((d.beep_end_ms for d in decisions if d.beep_end_ms is not None), None)
    return AmdFacts(
        result=last.result,
        cause=cause,
        decision_ms=detection.decision_ms + offset_ms,
        beep_ms=None if beep_end_ms is None else beep_end_ms + offset_ms,
        action=action,
    )


def channel_variables(facts: AmdFacts) -> dict[str, str]:
    """The variables to set on the channel (values never empty: FreeSWITCH would unset them)."""
    variables = {
        STATUS_VARIABLE: facts.status,
        NEWFIES_VARIABLE: facts.status,
        RESULT_VARIABLE: facts.result.value,
        CAUSE_VARIABLE: facts.cause or "-",
        DECISION_MS_VARIABLE: str(facts.decision_ms),
    }
    if facts.beep_ms is not None:
        variables[BEEP_MS_VARIABLE] = str(facts.beep_ms)
    if facts.action:
        variables[ACTION_VARIABLE] = facts.action
    return variables


def cdr_columns(facts: AmdFacts) -> dict[str, object]:
    """CallRecord columns: amd_status (1/2/3), amd_result, amd_cause, amd_decision_ms, amd_beep_ms."""
    return {
        "amd_status": facts.cdr_status,
        "amd_result": facts.result.value[:RESULT_MAX_CHARS],
        "amd_cause": facts.cause[:CAUSE_MAX_CHARS],
        "amd_decision_ms": facts.decision_ms,
        "amd_beep_ms": facts.beep_ms,
    }


def facts_from_variables(variable: Callable[[str], str | None]) -> AmdFacts | None:
    """The facts a hangup event carries (`variable(name)` reads `variable_<name>`); None without AMD."""
    try:
        result = AmdResult((variable(RESULT_VARIABLE) or "").strip())
    except ValueError:
        return None
    cause = (variable(CAUSE_VARIABLE) or "").strip()
    return AmdFacts(
        result=result,
        cause="" if cause == "-" else cause,
        decision_ms=_int_or(variable(DECISION_MS_VARIABLE), 0) or 0,
        beep_ms=_int_or(variable(BEEP_MS_VARIABLE), None),
        action=(variable(ACTION_VARIABLE) or "").strip(),
    )


def _int_or(text: str | None, default: int | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else default
