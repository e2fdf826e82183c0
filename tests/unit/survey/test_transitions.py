"""The transition table: every (state, input) pair is handled or explicitly ignored, and does what it says."""

import pytest

from ivrd.survey import (
    ActionFailed,
    AmdDecided,
    BridgeEnded,
    ConferenceLeft,
    DigitsCollected,
    HungUp,
    PromptFinished,
    RecordingFinished,
    Started,
    StartTimer,
    State,
    TimerFired,
)
from ivrd.survey.inputs import INPUT_TYPES
from ivrd.survey.machine import IGNORE, TRANSITIONS
from tests.unit.survey.helpers import OPERATIONS, Caller, context, labels, section, survey

P, N, A, S = State.PLAYING_PROMPT, State.PLAYING_INVALID, State.AWAITING_AMD, State.IDLE
C, R, T, K, F, V = (
    State.COLLECTING, State.RECORDING, State.TRANSFERRING, State.CONFERENCING, State.FINISHED,
    State.PLAYING_VOICEMAIL,
)

SURVEY = survey(
    section(1, 1, {"0": 2}),
    section(2, 2, {"1": 3}, key_labels=labels(k1="Yes"), retries=1, invalid_audio_path="invalid.wav"),
    section(3, 5, {"0": 4}),
    section(4, 6, {"0": 5}, phonenumber="100"),
    section(5, 8, {"0": 6}),
    section(6, 7),
)


def caller_in(state: State) -> Caller:
    amd = state in (A, V)
    caller = Caller(SURVEY, context(wait_for_amd=amd))
    if state is S:
        return caller
    caller.start()
    if state is V:
        caller.send(AmdDecided("machine", run_survey=False, voicemail_audio_path="vm.wav"))
    if state in (A, P, V):
        return caller
    if state is F:
        caller.send(HungUp("NORMAL_CLEARING"))
        return caller
    caller.prompt_done()
    if state is not C:
        caller.press("7" if state is N else "1")
    if state in (C, N):
        return caller
    caller.prompt_done()
    if state is not R:
        caller.recorded()
    if state is K:
        caller.bridge_ended()
        caller.prompt_done()
    return caller


def make_input(input_type, caller: Caller):
    timers = caller.of_type(StartTimer)
    operations = caller.of_type(OPERATIONS)
    token = operations[-1].token if operations else "none"
    if input_type is TimerFired:
        return TimerFired(timers[-1].token if timers else token)
    return {
        Started: lambda: Started(),
        PromptFinished: lambda: PromptFinished(token),
        DigitsCollected: lambda: DigitsCollected(token, "1"),
        RecordingFinished: lambda: RecordingFinished(token, "r.wav", 3000),
        BridgeEnded: lambda: BridgeEnded(token, "NORMAL_CLEARING", True),
        ConferenceLeft: lambda: ConferenceLeft(token),
        ActionFailed: lambda: ActionFailed(token, "FILE NOT FOUND"),
        AmdDecided: lambda: AmdDecided("machine", run_survey=False),
        HungUp: lambda: HungUp("NORMAL_CLEARING"),
    }[input_type]()


# Next state for each input, columns in INPUT_TYPES order; None = ignored (no action, state kept).
# Started, PromptFinished, DigitsCollected, TimerFired, RecordingFinished, BridgeEnded, ConferenceLeft,
# ActionFailed, AmdDecided, HungUp
EXPECTED = {
    S: (P, None, None, None, None, None, None, None, None, F),
    A: (None, None, None, P, None, None, None, None, F, F),
    V: (None, F, None, None, None, None, None, F, F, F),
    P: (None, C, None, None, None, None, None, C, F, F),
    C: (None, None, P, None, None, None, None, N, F, F),
    N: (None, C, None, None, None, None, None, C, F, F),
    R: (None, None, None, None, T, None, None, T, F, F),
    T: (None, None, None, None, None, P, None, P, None, F),
    K: (None, None, None, None, None, None, P, P, None, F),
    F: (None,) * 10,
}
CASES = [
    (state, input_type, row[index])
    for state, row in EXPECTED.items()
    for index, input_type in enumerate(INPUT_TYPES)
]


def test_every_state_input_pair_is_in_the_table():
    pairs = {(state, input_type) for state in State for input_type in INPUT_TYPES}
    assert set(TRANSITIONS) == pairs
    assert all(callable(handler) for handler in TRANSITIONS.values())


def test_expectations_cover_every_pair_and_agree_on_ignored_entries():
    assert {(state, input_type) for state, input_type, _ in CASES} == set(TRANSITIONS)
    for state, input_type, next_state in CASES:
        assert (TRANSITIONS[(state, input_type)] is IGNORE) == (next_state is None), (state, input_type)


@pytest.mark.parametrize("state", list(State))
def test_helper_reaches_state(state):
    assert caller_in(state).machine.state is state


@pytest.mark.parametrize(("state", "input_type", "next_state"), CASES)
def test_transition(state, input_type, next_state):
    caller = caller_in(state)
    actions = caller.send(make_input(input_type, caller))
    if next_state is None:
        assert actions == []
        assert caller.machine.state is state
    else:
        assert actions
        assert caller.machine.state is next_state


TOKEN_INPUTS = (
    PromptFinished, DigitsCollected, TimerFired, RecordingFinished, BridgeEnded, ConferenceLeft, ActionFailed,
)
TOKENED = [(state, input_type) for state, input_type, nxt in CASES if nxt and input_type in TOKEN_INPUTS]


@pytest.mark.parametrize(("state", "input_type"), TOKENED)
def test_stale_token_is_ignored(state, input_type):
    caller = caller_in(state)
    event = make_input(input_type, caller)
    stale = type(event)(**{**event.__dict__, "token": "stale"})
    assert caller.send(stale) == []
    assert caller.machine.state is state
