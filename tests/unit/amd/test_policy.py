"""amd_behavior applied to detections (Newfies' ALWAYS / HUMAN ONLY / VOICEMAIL ONLY)."""

from __future__ import annotations

import pytest

from ivrd.amd import (
    AMD_ALWAYS,
    AMD_HUMAN_ONLY,
    AMD_VOICEMAIL_ONLY,
    AmdAction,
    AmdDecision,
    AmdResult,
    AmdStage,
)
from ivrd.amd import plan_call as plan

HUMAN = AmdDecision(AmdStage.DETECT, AmdResult.HUMAN, "HUMAN-400-400", 1300, final=True)
MACHINE = AmdDecision(AmdStage.DETECT, AmdResult.MACHINE_START, "LONGGREETING-2600-2600", 3500, final=False)
BEEP = AmdDecision(AmdStage.END_OF_GREETING, AmdResult.MACHINE_END_BEEP, "BEEP-1000HZ-400", 9200, True, 9020)
WATCHED = AmdDecision(AmdStage.DETECT, AmdResult.HUMAN, "HUMAN-400-400", 1300, final=False)
FAX = AmdDecision(AmdStage.DETECT, AmdResult.FAX, "FAX-CED-2500", 2500, final=True)
DEAD = AmdDecision(AmdStage.DETECT, AmdResult.UNKNOWN, "INITIALSILENCE-5000-2500", 5000, final=True)


@pytest.mark.parametrize(
    ("decision", "behavior", "action", "waits"),
    [
        (HUMAN, AMD_ALWAYS, AmdAction.RUN_SURVEY, False),
        (MACHINE, AMD_ALWAYS, AmdAction.RUN_SURVEY, True),
        (BEEP, AMD_ALWAYS, AmdAction.RUN_SURVEY, False),
        (HUMAN, AMD_HUMAN_ONLY, AmdAction.RUN_SURVEY, False),
        (DEAD, AMD_HUMAN_ONLY, AmdAction.RUN_SURVEY, False),
        (MACHINE, AMD_HUMAN_ONLY, AmdAction.HANG_UP, False),
        (HUMAN, AMD_VOICEMAIL_ONLY, AmdAction.HANG_UP, False),
        (MACHINE, AMD_VOICEMAIL_ONLY, AmdAction.PLAY_VOICEMAIL, True),
        (BEEP, AMD_VOICEMAIL_ONLY, AmdAction.PLAY_VOICEMAIL, False),
        (WATCHED, AMD_ALWAYS, AmdAction.RUN_SURVEY, False),
        (WATCHED, AMD_HUMAN_ONLY, AmdAction.RUN_SURVEY, False),
        (WATCHED, AMD_VOICEMAIL_ONLY, AmdAction.HANG_UP, True),
        (FAX, AMD_ALWAYS, AmdAction.HANG_UP, False),
        (FAX, AMD_VOICEMAIL_ONLY, AmdAction.HANG_UP, False),
    ],
)
def test_behaviors_with_voicemail_on(
    decision: AmdDecision, behavior: int, action: AmdAction, waits: bool
) -> None:
    result = plan(decision, behavior, voicemail=True)
    assert (result.action, result.wait_for_end_of_greeting) == (action, waits)


def test_without_voicemail_amd_changes_nothing_but_fax() -> None:
    for behavior in (AMD_ALWAYS, AMD_HUMAN_ONLY, AMD_VOICEMAIL_ONLY):
        assert plan(MACHINE, behavior, voicemail=False).action is AmdAction.RUN_SURVEY
        assert not plan(MACHINE, behavior, voicemail=False).wait_for_end_of_greeting
    assert plan(FAX, AMD_ALWAYS, voicemail=False).action is AmdAction.HANG_UP


def test_the_plan_carries_newfies_status_codes() -> None:
    assert (plan(MACHINE, AMD_ALWAYS, True).amd_status, plan(MACHINE, AMD_ALWAYS, True).cdr_amd_status) == (
        "machine",
        2,
    )
    assert (plan(DEAD, AMD_ALWAYS, True).amd_status, plan(DEAD, AMD_ALWAYS, True).cdr_amd_status) == (
        "person",
        3,
    )


def test_an_unknown_behavior_is_refused() -> None:
    with pytest.raises(ValueError, match="amd_behavior"):
        plan(HUMAN, 4, voicemail=True)
