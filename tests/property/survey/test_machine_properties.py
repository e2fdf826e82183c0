"""Random surveys driven by random runtimes: the machine's invariants hold for every input sequence."""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.survey import (
    ActionFailed,
    AmdDecided,
    BridgeEnded,
    CallContext,
    CancelTimer,
    Collect,
    ConferenceLeft,
    DigitsCollected,
    Finished,
    Hangup,
    HungUp,
    JoinConference,
    MarkCompleted,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    SaveResult,
    SectionDefinition,
    SectionType,
    Started,
    StartTimer,
    SurveyDefinition,
    SurveyMachine,
    TimerFired,
    Transfer,
)
from ivrd.survey.definition import Branching
from ivrd.survey.digits import attempts

OPERATIONS = (Play, Collect, Record, Transfer, JoinConference)
KEYS = ["0", "1", "2", "3", "5", "9", "10", "12", "123", "timeout", "invalid", "any"]
DIGITS = st.sampled_from(["", "0", "1", "2", "5", "9", "10", "12", "123", "1234", "*", "7#"])
TOKENS = st.sampled_from(["p1", "c2", "r3", "x4", "k5", "t1", "zz"])


@st.composite
def sections(draw, section_id: int, ids: list[int]) -> SectionDefinition:
    targets = st.one_of(st.none(), st.sampled_from(ids), st.just(999))
    branch = draw(st.dictionaries(st.sampled_from(KEYS), targets, max_size=5))
    return SectionDefinition(
        id=section_id,
        type=SectionType(draw(st.integers(1, 10))),
        question="Question",
        order=draw(st.integers(0, 5)),
        script=draw(st.sampled_from(["", "Hello {first_name}", "Pick one"])),
        audio_path=draw(st.sampled_from([None, "a.wav"])),
        invalid_audio_path=draw(st.sampled_from([None, "invalid.wav"])),
        retries=draw(st.integers(-1, 3)),
        timeout_s=draw(st.integers(0, 10)),
        key_labels=tuple(draw(st.sampled_from(["", "Label"])) for _ in range(10)),
        rating_laps=draw(st.integers(1, 12)),
        validate_number=draw(st.booleans()),
        number_digits=draw(st.integers(1, 4)),
        min_number=draw(st.one_of(st.none(), st.integers(0, 50))),
        max_number=draw(st.one_of(st.none(), st.integers(0, 9999))),
        phonenumber=draw(st.sampled_from(["", "100", "sofia/gateway/x/1"])),
        confirm_script=draw(st.sampled_from(["", "Press 1"])),
        confirm_key=draw(st.sampled_from(["", "1"])),
        conference=draw(st.sampled_from(["", "room"])),
        sms_text=draw(st.sampled_from(["", "Hi {first_name}"])),
        completed=draw(st.booleans()),
        branchings=tuple(Branching(key, goto) for key, goto in branch.items()),
    )


@st.composite
def surveys(draw) -> SurveyDefinition:
    ids = draw(st.lists(st.integers(1, 50), min_size=0, max_size=6, unique=True))
    return SurveyDefinition(1, tuple(draw(sections(section_id, ids)) for section_id in ids))


contexts = st.builds(
    CallContext,
    dialled_number=st.just("33612345678"),
    campaign_id=st.just(7),
    contact_fields=st.just({"first_name": "Ann"}),
    additional_vars=st.sampled_from([{}, {"transfer_phonenumber": "555"}, {"sms_phonenumber": "999"}]),
    dnc_list_id=st.sampled_from([None, 3]),
    has_sms_gateway=st.booleans(),
    gateway_dial_prefix=st.just("sofia/gateway/gw/"),
    wait_for_amd=st.booleans(),
)

moves = st.lists(
    st.one_of(
        st.tuples(st.just("complete"), DIGITS),
        st.tuples(st.just("fail")),
        st.tuples(st.just("timer")),
        st.tuples(st.just("amd"), st.booleans(), st.sampled_from([None, "vm.wav"])),
        st.tuples(st.just("started")),
        st.tuples(st.just("stale"), TOKENS, DIGITS),
        st.tuples(st.just("hangup")),
    ),
    max_size=40,
)


class Runtime:
    """A runtime double that checks the machine's promises on every step."""

    def __init__(self, machine: SurveyMachine) -> None:
        self.machine = machine
        self.operation: object | None = None
        self.timer: str | None = None
        self.finished = False
        self.saves: list[SaveResult] = []
        self.completed_marks = 0
        self.collects: Counter[tuple[int | None, int]] = Counter()

    def completion(self, digits: str):
        op = self.operation
        if isinstance(op, Play):
            return PromptFinished(op.token)
        if isinstance(op, Collect):
            return DigitsCollected(op.token, digits)
        if isinstance(op, Record):
            return RecordingFinished(op.token, op.file_name, 1000 * len(digits))
        if isinstance(op, Transfer):
            return BridgeEnded(op.token, "NORMAL_CLEARING", bool(digits))
        if isinstance(op, JoinConference):
            return ConferenceLeft(op.token)
        return TimerFired(self.timer) if self.timer else Started()

    def event_for(self, move: tuple):
        token = getattr(self.operation, "token", "none")
        kind = move[0]
        if kind == "complete":
            return self.completion(move[1])
        if kind == "fail":
            return ActionFailed(token, "failed")
        if kind == "timer":
            return TimerFired(self.timer or "t999")
        if kind == "amd":
            return AmdDecided("machine", run_survey=move[1], voicemail_audio_path=move[2])
        if kind == "started":
            return Started()
        if kind == "stale":
            return [PromptFinished, ConferenceLeft][len(move[2]) % 2](move[1])
        return HungUp("NORMAL_CLEARING")

    def feed(self, event) -> list:
        was_finished = self.finished
        out = self.machine.handle(event)
        if was_finished:
            assert out == [], "actions after Finished"
            return out
        self.check_tokens(event, out)
        for action in out:
            self.observe(action)
        self.check_end(out)
        if isinstance(event, HungUp):
            assert out and isinstance(out[-1], Finished) and self.machine.finished
        return out

    def check_tokens(self, event, out: list) -> None:
        token = getattr(event, "token", None)
        if token is None or not out:
            return
        current = getattr(self.operation, "token", None)
        assert token in (current, self.timer), f"stale token {token} was acted on"
        if token == current:
            self.operation = None
        if token == self.timer:
            self.timer = None

    def observe(self, action) -> None:
        assert not self.finished, "action after Finished in the same step"
        if isinstance(action, OPERATIONS):
            assert self.operation is None, "two operations outstanding"
            self.operation = action
            if isinstance(action, Collect):
                key = (self.machine.section_id, self.machine.node_executions)
                self.collects[key] += 1
        elif isinstance(action, StartTimer):
            assert self.timer is None
            self.timer = action.token
        elif isinstance(action, CancelTimer):
            assert action.token == self.timer
            self.timer = None
        elif isinstance(action, SaveResult):
            assert 1 <= action.visit <= self.machine.node_executions
            assert all(action.visit > earlier.visit for earlier in self.saves), "saved twice in one visit"
            self.saves.append(action)
        elif isinstance(action, MarkCompleted):
            self.completed_marks += 1
            assert self.completed_marks == 1, "completed marked twice"
        elif isinstance(action, Finished):
            self.finished = True

    def check_end(self, out: list) -> None:
        if any(isinstance(action, Hangup) for action in out):
            assert isinstance(out[-1], Finished)
        if self.finished:
            assert isinstance(out[-1], Finished)
            assert sum(isinstance(action, Finished) for action in out) == 1


@settings(max_examples=400, deadline=None)
@given(survey=surveys(), context=contexts, script=moves)
def test_invariants_hold_for_any_input_sequence(survey, context, script):
    runtime = Runtime(SurveyMachine(survey, context))
    runtime.feed(Started())
    for move in script:
        runtime.feed(runtime.event_for(move))
    runtime.feed(HungUp("NORMAL_CLEARING"))
    assert runtime.finished and runtime.machine.finished
    for (section_id, _visit), count in runtime.collects.items():
        section = survey.section(section_id)
        assert section is not None and count <= attempts(section), "more prompts than retries + 1"
    finals = {save.section_id: save for save in runtime.saves}
    assert all(
        final.visit == max(save.visit for save in runtime.saves if save.section_id == section_id)
        for section_id, final in finals.items()
    )


@settings(max_examples=200, deadline=None)
@given(survey=surveys(), context=contexts, script=moves, cut=st.integers(0, 40))
def test_hang_up_at_any_point_reaches_finished(survey, context, script, cut):
    runtime = Runtime(SurveyMachine(survey, context))
    runtime.feed(Started())
    for move in script[:cut]:
        if move[0] != "hangup":
            runtime.feed(runtime.event_for(move))
    out = runtime.feed(HungUp("NORMAL_CLEARING"))
    assert runtime.machine.finished
    assert not any(isinstance(action, Hangup) for action in out), "the leg is gone: no Hangup action"
    assert runtime.feed(Started()) == [] and runtime.feed(HungUp()) == []
