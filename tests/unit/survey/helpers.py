"""Builders and a scripted caller for survey machine tests."""

from __future__ import annotations

from ivrd.survey import (
    BridgeEnded,
    CallContext,
    Collect,
    ConferenceLeft,
    DigitsCollected,
    Finished,
    JoinConference,
    Play,
    PromptFinished,
    Record,
    RecordingFinished,
    SaveResult,
    SectionDefinition,
    SectionType,
    Started,
    SurveyDefinition,
    SurveyMachine,
    Transfer,
)
from ivrd.survey.definition import Branching

OPERATIONS = (Play, Collect, Record, Transfer, JoinConference)


def labels(**by_digit: str) -> tuple[str, ...]:
    """labels(k1="Yes", k2="No") → key_labels tuple."""
    values = [""] * 10
    for name, label in by_digit.items():
        values[int(name[1:])] = label
    return tuple(values)


def section(section_id: int, section_type: int, branch: dict[str, int | None] | None = None, **fields):
    fields.setdefault("question", f"Question {section_id}")
    fields.setdefault("order", section_id)
    fields.setdefault("script", f"Script {section_id}")
    rows = tuple(Branching(key, goto) for key, goto in (branch or {}).items())
    return SectionDefinition(id=section_id, type=SectionType(section_type), branchings=rows, **fields)


def survey(*sections: SectionDefinition, tts_language: str = "en") -> SurveyDefinition:
    return SurveyDefinition(survey_id=1, sections=tuple(sections), tts_language=tts_language)


def context(**fields) -> CallContext:
    fields.setdefault("dialled_number", "33612345678")
    fields.setdefault("campaign_id", 42)
    fields.setdefault("gateway_dial_prefix", "sofia/gateway/gw1/")
    return CallContext(**fields)


class Caller:
    """Feeds inputs to a machine and keeps every action it returned."""

    def __init__(self, definition: SurveyDefinition, call_context: CallContext | None = None) -> None:
        self.machine = SurveyMachine(definition, call_context or context())
        self.actions: list[object] = []
        self.last: list[object] = []

    def send(self, event) -> list[object]:
        self.last = self.machine.handle(event)
        self.actions.extend(self.last)
        return self.last

    def start(self) -> list[object]:
        return self.send(Started())

    @property
    def operation(self):
        """The outstanding Play/Collect/Record/Transfer/JoinConference action."""
        ops = [action for action in self.actions if isinstance(action, OPERATIONS)]
        assert ops, "no operation was issued"
        return ops[-1]

    @property
    def token(self) -> str:
        return self.operation.token

    def prompt_done(self) -> list[object]:
        assert isinstance(self.operation, Play), self.operation
        return self.send(PromptFinished(self.token))

    def press(self, digits: str) -> list[object]:
        assert isinstance(self.operation, Collect), self.operation
        return self.send(DigitsCollected(self.token, digits))

    def recorded(self, path: str = "rec.wav", duration_ms: int = 4200) -> list[object]:
        return self.send(RecordingFinished(self.token, path, duration_ms, "silence"))

    def bridge_ended(self) -> list[object]:
        return self.send(BridgeEnded(self.token, "NORMAL_CLEARING", True))

    def left_conference(self) -> list[object]:
        return self.send(ConferenceLeft(self.token))

    def of_type(self, kind: type) -> list:
        return [action for action in self.actions if isinstance(action, kind)]

    @property
    def results(self) -> list[SaveResult]:
        return self.of_type(SaveResult)

    @property
    def finished(self) -> bool:
        return any(isinstance(action, Finished) for action in self.actions)

    def collects(self) -> list[Collect]:
        return self.of_type(Collect)
