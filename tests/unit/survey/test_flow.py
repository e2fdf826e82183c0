"""Scenario tests of the flow between sections: start, branching kinds, completion, limits, AMD, hang-up."""

import pytest

from ivrd.survey import (
    MAX_NODE_EXECUTIONS,
    ActionFailed,
    AmdDecided,
    CancelTimer,
    Collect,
    Finished,
    Hangup,
    HungUp,
    MarkCompleted,
    Play,
    Prompt,
    PromptFinished,
    SaveResult,
    Started,
    StartTimer,
    State,
    StopMedia,
    TimerFired,
)
from tests.unit.survey.helpers import Caller, context, labels, section, survey

YES_NO = labels(k1="Yes", k2="No")


def test_start_section_is_the_lowest_order_not_the_first_listed_nor_lowest_id():
    definition = survey(section(1, 1, order=5, script="one"), section(2, 1, order=2, script="two"))
    [play] = Caller(definition).start()
    assert play.prompt.tts_text == "two"


def test_survey_without_sections_hangs_up():
    caller = Caller(survey())
    actions = caller.start()
    assert [type(action) for action in actions] == [Hangup, Finished]


@pytest.mark.parametrize(
    ("branch", "digits", "lands_on"),
    [
        ({"1": 2, "2": 3}, "1", 2),
        ({"1": 2, "2": 3}, "2", 3),
        ({"1": 2, "any": 3}, "2", 3),
        ({"invalid": 3, "any": 2}, "8", 3),
        ({"timeout": 3, "1": 2}, "", 3),
        ({"0": 2, "1": 3}, "1", 3),
    ],
)
def test_branching_kinds_lead_to_their_sections(branch, digits, lands_on):
    sec = section(1, 2, branch, key_labels=labels(k0="Zero", k1="Yes", k2="No"))
    caller = Caller(survey(sec, section(2, 7), section(3, 7)))
    caller.start()
    caller.press(digits)
    assert caller.machine.section_id == lands_on


@pytest.mark.parametrize(
    ("branch", "digits"),
    [
        ({"1": None}, "1"),  # goto null = hang up
        ({"1": 2}, ""),  # no timeout branching
        ({"timeout": None}, ""),
        ({"invalid": None}, "7"),
    ],
)
def test_null_goto_or_no_matching_branching_hangs_up(branch, digits):
    caller = Caller(survey(section(1, 2, branch, key_labels=YES_NO), section(2, 7)))
    caller.start()
    actions = caller.press(digits)
    assert isinstance(actions[-2], Hangup) and isinstance(actions[-1], Finished)


def test_goto_to_a_missing_section_hangs_up():
    caller = Caller(survey(section(1, 1, {"0": 99})))
    caller.start()
    assert "99" in caller.prompt_done()[-1].reason


def test_unmatched_key_replays_the_same_section_and_the_new_answer_replaces_the_old():
    caller = Caller(survey(section(1, 2, {"1": 2}, key_labels=YES_NO), section(2, 7)))
    caller.start()
    [result, collect] = caller.press("2")
    assert result == SaveResult(1, "No", visit=1)
    assert isinstance(collect, Collect) and caller.machine.section_id == 1
    caller.press("1")
    assert caller.results == [SaveResult(1, "No", visit=1), SaveResult(1, "Yes", visit=2)]
    assert caller.machine.node_executions == 3


def test_completed_is_marked_once_per_call_before_the_section_runs():
    definition = survey(
        section(1, 2, {"1": 2, "2": 3}, key_labels=YES_NO, completed=True),
        section(2, 1, {"0": 1}, completed=True),
        section(3, 7),
    )
    caller = Caller(definition)
    first = caller.start()
    assert first[0] == MarkCompleted(1) and isinstance(first[1], Collect)
    caller.press("1")
    caller.prompt_done()
    caller.press("2")
    assert caller.of_type(MarkCompleted) == [MarkCompleted(1)]


def test_node_execution_limit_stops_a_silent_loop():
    caller = Caller(survey(section(1, 1, {"0": 2}, script=""), section(2, 1, {"0": 1}, script="")))
    actions = caller.start()
    assert isinstance(actions[-2], Hangup) and str(MAX_NODE_EXECUTIONS) in actions[-2].reason
    assert caller.machine.node_executions == MAX_NODE_EXECUTIONS + 1


def test_node_execution_limit_stops_a_replaying_question():
    caller = Caller(survey(section(1, 2, {"1": 2}, key_labels=YES_NO), section(2, 7)))
    caller.start()
    for _ in range(MAX_NODE_EXECUTIONS - 1):
        assert isinstance(caller.press("2")[-1], Collect)
    actions = caller.press("2")
    assert isinstance(actions[-1], Finished)
    assert len(caller.collects()) == MAX_NODE_EXECUTIONS


def test_failed_prompt_does_not_stop_the_survey():
    caller = Caller(survey(section(1, 1, {"0": 2}), section(2, 1)))
    caller.start()
    caller.send(ActionFailed(caller.token, "FILE NOT FOUND"))
    assert caller.machine.section_id == 2


def test_hang_up_finishes_without_a_hangup_action_and_everything_after_is_ignored():
    caller = Caller(survey(section(1, 2, key_labels=YES_NO)))
    caller.start()
    token = caller.token
    assert caller.send(HungUp("NORMAL_CLEARING")) == [Finished("hung up (NORMAL_CLEARING)")]
    for event in (Started(), PromptFinished(token), HungUp(), AmdDecided("person")):
        assert caller.send(event) == []


def test_started_twice_is_ignored():
    caller = Caller(survey(section(1, 1)))
    caller.start()
    assert caller.start() == []


# -- answering-machine detection ----------------------------------------------------------------


def amd_caller() -> Caller:
    caller = Caller(survey(section(1, 1)), context(wait_for_amd=True, amd_wait_ms=4000))
    assert caller.start() == [StartTimer("t1", 4000)]
    assert caller.machine.state is State.AWAITING_AMD
    return caller


def test_person_detected_runs_the_survey():
    caller = amd_caller()
    actions = caller.send(AmdDecided("person"))
    assert actions[0] == CancelTimer("t1") and isinstance(actions[1], Play)


def test_machine_gets_the_voicemail_message_then_the_call_ends():
    caller = amd_caller()
    actions = caller.send(AmdDecided("machine", run_survey=False, voicemail_audio_path="vm.wav"))
    assert actions == [CancelTimer("t1"), Play("p2", Prompt(audio_path="vm.wav"))]
    end = caller.send(PromptFinished("p2"))
    assert [type(action) for action in end] == [Hangup, Finished]


def test_a_late_beep_starts_the_voicemail_message_over():
    caller = amd_caller()
    caller.send(AmdDecided("machine", run_survey=False, voicemail_audio_path="vm.wav"))
    actions = caller.send(AmdDecided("machine", False, "vm.wav", restart_survey=True))
    assert actions == [StopMedia(), Play("p3", Prompt(audio_path="vm.wav"))]
    assert caller.send(PromptFinished("p2")) == []  # the message cut short reports back: ignored
    assert [type(action) for action in caller.send(PromptFinished("p3"))] == [Hangup, Finished]


def test_machine_without_voicemail_is_hung_up():
    caller = amd_caller()
    actions = caller.send(AmdDecided("machine", run_survey=False))
    assert [type(action) for action in actions] == [CancelTimer, Hangup, Finished]


def test_no_verdict_in_time_runs_the_survey():
    caller = amd_caller()
    assert caller.send(TimerFired("t0")) == []
    [play] = caller.send(TimerFired("t1"))
    assert isinstance(play, Play)
    assert caller.send(AmdDecided("person")) == []


def test_machine_found_after_the_survey_began_under_always_play_starts_it_over():
    caller = amd_caller()
    [_, first] = caller.send(AmdDecided("person"))
    actions = caller.send(AmdDecided("machine", restart_survey=True))
    assert isinstance(actions[0], StopMedia) and isinstance(actions[1], Play)
    assert actions[1].prompt == first.prompt and actions[1].token != first.token
    assert caller.send(PromptFinished(first.token)) == []  # the cut prompt reports back: ignored
    assert caller.machine.state is State.PLAYING_PROMPT
    assert caller.send(PromptFinished(actions[1].token))


def test_machine_found_after_the_survey_began_ends_the_call():
    caller = amd_caller()
    caller.send(AmdDecided("person"))
    assert caller.machine.state is State.PLAYING_PROMPT
    actions = caller.send(AmdDecided("machine", run_survey=False))
    assert [type(action) for action in actions] == [Hangup, Finished]
    assert caller.machine.finished


def test_hang_up_while_waiting_for_amd_cancels_the_timer():
    caller = amd_caller()
    assert caller.send(HungUp()) == [CancelTimer("t1"), Finished("hung up")]
