"""The campaign's amd_behavior applied to a detection: run the survey, leave voicemail or hang up."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ivrd.amd.result import AmdDecision, AmdResult, AmdStage

AMD_ALWAYS = 1  # ALWAYS PLAY MESSAGE
AMD_HUMAN_ONLY = 2  # PLAY MESSAGE TO HUMAN ONLY
AMD_VOICEMAIL_ONLY = 3  # LEAVE MESSAGE TO VOICEMAIL ONLY
AMD_BEHAVIORS = (AMD_ALWAYS, AMD_HUMAN_ONLY, AMD_VOICEMAIL_ONLY)


class AmdAction(enum.StrEnum):
    RUN_SURVEY = "run_survey"
    PLAY_VOICEMAIL = "play_voicemail"  # the campaign's voicemail_audiofile, then hang up
    HANG_UP = "hang_up"


@dataclass(frozen=True, slots=True)
class AmdPlan:
    """What to do with the call, and when.

    ``wait_for_end_of_greeting``: the action must wait for the analyzer's next decision: for a
    machine its END_OF_GREETING decision (beep or end of greeting), so the message is recorded
    whole; for a person under VOICEMAIL ONLY the end of the watch after the verdict (a beep may
    yet reveal a machine, and the person hears nothing either way).
    ``amd_status`` / ``cdr_amd_status`` are Newfies' values for the call record.
    """

    action: AmdAction
    wait_for_end_of_greeting: bool
    amd_status: str
    cdr_amd_status: int


def plan_call(decision: AmdDecision, amd_behavior: int, voicemail: bool) -> AmdPlan:
    """Newfies' rules: AMD only matters when the campaign has ``voicemail`` on.

    1 ALWAYS: everyone gets the survey, machines once their greeting is over. 2 HUMAN ONLY:
    machines and fax are hung up on (the retry policy counts them as failed attempts). 3
    VOICEMAIL ONLY: machines get the voicemail message once their greeting is over; people are
    hung up on. Unknown (dead air) counts as a person, as Newfies reads a missing amd_status.
    A person's verdict that may yet be revised (not ``final``) starts the survey at once; a
    revision to a machine then gets the machine's plan (the runtime hangs up under HUMAN ONLY).
    """
    if amd_behavior not in AMD_BEHAVIORS:
        raise ValueError(f"amd_behavior: expected one of {AMD_BEHAVIORS}, got {amd_behavior!r}")
    machine = decision.result.is_machine
    before_end = decision.stage is AmdStage.DETECT and not decision.final
    if decision.result is AmdResult.FAX:
        action, waits = AmdAction.HANG_UP, False
    elif not voicemail:
        action, waits = AmdAction.RUN_SURVEY, False
    elif amd_behavior == AMD_ALWAYS:
        action, waits = AmdAction.RUN_SURVEY, before_end and machine
    elif amd_behavior == AMD_HUMAN_ONLY:
        action, waits = (AmdAction.HANG_UP if machine else AmdAction.RUN_SURVEY), False
    else:
        action, waits = (AmdAction.PLAY_VOICEMAIL if machine else AmdAction.HANG_UP), before_end
    return AmdPlan(action, waits, decision.newfies_amd_status, decision.cdr_amd_status)
