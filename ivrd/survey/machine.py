"""The per-leg survey state machine: inputs in, actions out, every transition in one table.

One SurveyMachine runs one answered leg. `handle(input)` returns the actions to execute, in
order. Actions that take time (Play, Collect, Record, Transfer, JoinConference, StartTimer) carry
a token; the runtime echoes it in the input that reports their end, and an input whose token is
not the one outstanding is ignored. At most one such action is outstanding at any time. After
`Finished` every input is ignored. A hang-up is an ordinary input that finishes the machine.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from typing import Any

from ivrd.survey.actions import (
    AddToDnc,
    CancelTimer,
    Collect,
    Finished,
    Hangup,
    JoinConference,
    MarkCompleted,
    Play,
    Prompt,
    Record,
    SaveResult,
    SendSms,
    StartTimer,
    StopMedia,
    SurveyAction,
)
from ivrd.survey.branching import Decision, EndCall, GoTo, Replay, after_input, after_non_input
from ivrd.survey.definition import CallContext, SectionDefinition, SurveyDefinition
from ivrd.survey.digits import (
    TERMINATORS,
    attempts,
    collect_timeout_ms,
    judge,
    max_digits,
    valid_regex,
)
from ivrd.survey.inputs import (
    INPUT_TYPES,
    AmdDecided,
    DigitsCollected,
    HungUp,
    RecordingFinished,
    SurveyInput,
    TimerFired,
)
from ivrd.survey.nodes import (
    Prompts,
    build_transfer,
    conference_name,
    conference_room,
    recording_file_name,
    sms_destination,
    transfer_destination,
)
from ivrd.survey.sections import SectionType

MAX_NODE_EXECUTIONS = 1000


class State(enum.Enum):
    IDLE = "idle"
    AWAITING_AMD = "awaiting_amd"
    PLAYING_VOICEMAIL = "playing_voicemail"
    PLAYING_PROMPT = "playing_prompt"
    COLLECTING = "collecting"
    PLAYING_INVALID = "playing_invalid"
    RECORDING = "recording"
    TRANSFERRING = "transferring"
    CONFERENCING = "conferencing"
    FINISHED = "finished"


class SurveyMachine:
    """Runs a sealed survey on one call; pure: no clock, no I/O."""

    def __init__(self, survey: SurveyDefinition, context: CallContext) -> None:
        self._survey = survey
        self._context = context
        self._prompts = Prompts(survey, context)
        self._state = State.IDLE
        self._section: SectionDefinition | None = None
        self._attempt = 0
        self._executions = 0
        self._completed_marked = False
        self._op_token: str | None = None
        self._timer_token: str | None = None
        self._record_file: str | None = None
        self._token_count = 0

    @property
    def state(self) -> State:
        return self._state

    @property
    def finished(self) -> bool:
        return self._state is State.FINISHED

    @property
    def section_id(self) -> int | None:
        """The section being run, if any."""
        return None if self._section is None else self._section.id

    @property
    def node_executions(self) -> int:
        return self._executions

    def handle(self, event: SurveyInput) -> list[SurveyAction]:
        handler = TRANSITIONS[(self._state, type(event))]
        if handler is IGNORE or not self._is_current(event):
            return []
        return handler(self, event)

    # -- bookkeeping ---------------------------------------------------------------------------

    def _is_current(self, event: SurveyInput) -> bool:
        token: object = getattr(event, "token", None)
        if token is None:
            return True
        expected = self._timer_token if isinstance(event, TimerFired) else self._op_token
        return token == expected

    def _new_token(self, kind: str) -> str:
        self._token_count += 1
        return f"{kind}{self._token_count}"

    def _current(self) -> SectionDefinition:
        if self._section is None:
            raise RuntimeError("no section is running")
        return self._section

    def _wait(self, kind: str, state: State) -> str:
        self._op_token = self._new_token(kind)
        self._state = state
        return self._op_token

    def _play(self, prompt: Prompt, state: State, out: list[SurveyAction]) -> None:
        out.append(Play(self._wait("p", state), prompt))

    def _result(
        self, response: str, record_file: str = "", duration_s: int | None = 0, aggregate: bool = True
    ) -> SaveResult:
        """The answer of the current visit of the current section."""
        return SaveResult(self._current().id, response, record_file, duration_s, aggregate, self._executions)

    def _finish(self, reason: str, out: list[SurveyAction]) -> None:
        if self._timer_token is not None:
            out.append(CancelTimer(self._timer_token))
        out.append(Finished(reason))
        self._state = State.FINISHED
        self._op_token = self._timer_token = None

    # -- flow ----------------------------------------------------------------------------------

    def _advance(self, decision: Decision | None, out: list[SurveyAction]) -> None:
        """Follow decisions until the machine waits for an input or has finished."""
        while decision is not None:
            if isinstance(decision, EndCall):
                out.append(Hangup(reason=decision.reason))
                self._finish(decision.reason, out)
                return
            if isinstance(decision, Replay):
                decision = GoTo(self._current().id)
            target = self._survey.section(decision.section_id)
            if target is None:
                decision = EndCall(f"branching goes to unknown section {decision.section_id}")
                continue
            decision = self._enter(target, out)

    def _enter(self, section: SectionDefinition, out: list[SurveyAction]) -> Decision | None:
        self._executions += 1
        if self._executions > MAX_NODE_EXECUTIONS:
            return EndCall(f"{MAX_NODE_EXECUTIONS} section executions reached")
        self._section = section
        if section.completed and not self._completed_marked:
            self._completed_marked = True
            out.append(MarkCompleted(section.id))
        return _RUNNERS[section.type](self, section, out)

    def _start_survey(self, out: list[SurveyAction]) -> None:
        start = self._survey.start_section()
        self._advance(GoTo(start.id) if start else EndCall("the survey has no sections"), out)

    # -- section runners: return the next decision, or None while waiting for an input --------

    def _prompt_then(self, section: SectionDefinition, out: list[SurveyAction]) -> Decision | None:
        prompt = self._prompts.section_prompt(section)
        if prompt is None:
            return self._after_prompt(section, out)
        self._play(prompt, State.PLAYING_PROMPT, out)
        return None

    def _run_digits(self, section: SectionDefinition, out: list[SurveyAction]) -> Decision | None:
        self._attempt = 1
        self._collect(section, out)
        return None

    def _collect(self, section: SectionDefinition, out: list[SurveyAction]) -> None:
        timeout_ms = collect_timeout_ms(section)
        token = self._wait("c", State.COLLECTING)
        prompt = self._prompts.section_prompt(section)
        regex = valid_regex(section)
        out.append(Collect(token, prompt, 1, max_digits(section), TERMINATORS, timeout_ms, timeout_ms, regex))

    def _run_transfer(self, section: SectionDefinition, out: list[SurveyAction]) -> Decision | None:
        destination = transfer_destination(section, self._context)
        if not destination:
            return after_non_input(section)
        out.append(self._result(f"phonenumber: {destination}"))
        out.append(build_transfer(self._wait("x", State.TRANSFERRING), section, destination, self._prompts))
        return None

    def _run_dnc(self, section: SectionDefinition, out: list[SurveyAction]) -> Decision | None:
        number = self._context.dialled_number
        if self._context.dnc_list_id is not None:
            out.append(AddToDnc(self._context.dnc_list_id, number))
        out.append(self._result(f"DNC: {number}"))
        return self._prompt_then(section, out)

    def _run_sms(self, section: SectionDefinition, out: list[SurveyAction]) -> Decision | None:
        text = self._prompts.substitute(section.sms_text)
        if text and self._context.has_sms_gateway:
            destination = sms_destination(self._context)
            out.append(SendSms(destination, text))
            out.append(self._result(f"SMS: {destination}"))
        return self._prompt_then(section, out)

    def _after_prompt(self, section: SectionDefinition, out: list[SurveyAction]) -> Decision | None:
        if section.type is SectionType.RECORD:
            self._record_file = recording_file_name(section, self._context, self._executions)
            out.append(Record(self._wait("r", State.RECORDING), self._record_file))
            return None
        if section.type is SectionType.CONFERENCE:
            name = conference_name(section, self._context)
            out.append(self._result(f"conf: {name}"))
            out.append(JoinConference(self._wait("k", State.CONFERENCING), conference_room(name)))
            return None
        if section.type in (SectionType.HANGUP, SectionType.DNC):
            return EndCall(f"section {section.id} ends the call")
        return after_non_input(section)

    # -- input handlers --------------------------------------------------------------------------

    def _on_started(self, _event: Any) -> list[SurveyAction]:
        out: list[SurveyAction] = []
        if self._context.wait_for_amd:
            self._timer_token = self._new_token("t")
            self._state = State.AWAITING_AMD
            out.append(StartTimer(self._timer_token, self._context.amd_wait_ms))
        else:
            self._start_survey(out)
        return out

    def _on_amd_decided(self, event: AmdDecided) -> list[SurveyAction]:
        out: list[SurveyAction] = []
        if self._timer_token is not None:
            out.append(CancelTimer(self._timer_token))
            self._timer_token = None
        if event.run_survey:
            self._start_survey(out)
        elif event.voicemail_audio_path:
            self._play(Prompt(audio_path=event.voicemail_audio_path), State.PLAYING_VOICEMAIL, out)
        else:
            self._advance(EndCall(f"answering machine detection: {event.result}"), out)
        return out

    def _on_amd_late(self, event: AmdDecided) -> list[SurveyAction]:
        """A verdict while the survey runs (a person after all a machine, or a late one)."""
        if event.restart_survey:
            out: list[SurveyAction] = [StopMedia()]
            if event.run_survey:
                self._start_survey(out)
            elif event.voicemail_audio_path:  # the message started before a late beep: again
                self._play(Prompt(audio_path=event.voicemail_audio_path), State.PLAYING_VOICEMAIL, out)
            return out
        if event.run_survey:
            return []
        reason = f"answering machine detection: {event.result} after the survey began"
        out = [Hangup(reason=reason, at_once=True)]
        self._finish(reason, out)
        return out

    def _on_amd_wait_over(self, _event: Any) -> list[SurveyAction]:
        self._timer_token = None
        out: list[SurveyAction] = []
        self._start_survey(out)
        return out

    def _on_voicemail_played(self, _event: Any) -> list[SurveyAction]:
        out: list[SurveyAction] = []
        self._advance(EndCall("voicemail message left"), out)
        return out

    def _on_prompt_done(self, _event: Any) -> list[SurveyAction]:
        out: list[SurveyAction] = []
        self._advance(self._after_prompt(self._current(), out), out)
        return out

    def _on_digits(self, event: DigitsCollected) -> list[SurveyAction]:
        return self._judge_attempt(event.digits)

    def _on_collect_failed(self, _event: Any) -> list[SurveyAction]:
        return self._judge_attempt("")

    def _judge_attempt(self, digits: str) -> list[SurveyAction]:
        section = self._current()
        answer = judge(section, digits)
        out: list[SurveyAction] = []
        if not answer.valid and self._attempt < attempts(section):
            self._attempt += 1
            invalid_prompt = self._prompts.invalid_prompt(section)
            if invalid_prompt is None:
                self._collect(section, out)
            else:
                self._play(invalid_prompt, State.PLAYING_INVALID, out)
            return out
        out.append(self._result(answer.response, aggregate=answer.valid))
        self._advance(after_input(section, answer), out)
        return out

    def _on_reprompt(self, _event: Any) -> list[SurveyAction]:
        out: list[SurveyAction] = []
        self._collect(self._current(), out)
        return out

    def _on_recorded(self, event: RecordingFinished) -> list[SurveyAction]:
        section = self._current()
        duration_s = (max(event.duration_ms, 0) + 500) // 1000
        record_file = event.path or self._record_file or ""
        self._record_file = None
        out: list[SurveyAction] = [self._result("", record_file, duration_s, aggregate=duration_s > 0)]
        self._advance(after_non_input(section), out)
        return out

    def _on_record_failed(self, _event: Any) -> list[SurveyAction]:
        self._record_file = None
        return self._on_resume(_event)

    def _on_resume(self, _event: Any) -> list[SurveyAction]:
        out: list[SurveyAction] = []
        self._advance(after_non_input(self._current()), out)
        return out

    def _on_hung_up(self, event: HungUp) -> list[SurveyAction]:
        out: list[SurveyAction] = []
        if self._state is State.RECORDING and self._record_file is not None:
            out.append(self._result("", self._record_file, None, aggregate=False))
        self._finish(f"hung up{f' ({event.cause})' if event.cause else ''}", out)
        return out


Handler = Callable[[SurveyMachine, Any], list[SurveyAction]]
Runner = Callable[[SurveyMachine, SectionDefinition, list[SurveyAction]], "Decision | None"]


def IGNORE(_machine: SurveyMachine, _event: Any) -> list[SurveyAction]:
    """Table entry for an input that has no effect in that state."""
    return []


_RUNNERS: dict[SectionType, Runner] = {
    SectionType.PLAY_MESSAGE: SurveyMachine._prompt_then,
    SectionType.MULTI_CHOICE: SurveyMachine._run_digits,
    SectionType.RATING: SurveyMachine._run_digits,
    SectionType.CAPTURE_DIGITS: SurveyMachine._run_digits,
    SectionType.RECORD: SurveyMachine._prompt_then,
    SectionType.TRANSFER: SurveyMachine._run_transfer,
    SectionType.HANGUP: SurveyMachine._prompt_then,
    SectionType.CONFERENCE: SurveyMachine._prompt_then,
    SectionType.DNC: SurveyMachine._run_dnc,
    SectionType.SMS: SurveyMachine._run_sms,
}

_, S = IGNORE, State
start, gone, resume = SurveyMachine._on_started, SurveyMachine._on_hung_up, SurveyMachine._on_resume
amd, amd_over = SurveyMachine._on_amd_decided, SurveyMachine._on_amd_wait_over
vm_done, played = SurveyMachine._on_voicemail_played, SurveyMachine._on_prompt_done
digits, no_digits = SurveyMachine._on_digits, SurveyMachine._on_collect_failed
reprompt, recorded = SurveyMachine._on_reprompt, SurveyMachine._on_recorded
no_record, late = SurveyMachine._on_record_failed, SurveyMachine._on_amd_late

# Columns follow INPUT_TYPES: Started, PromptFinished, DigitsCollected, TimerFired, RecordingFinished,
# BridgeEnded, ConferenceLeft, ActionFailed, AmdDecided, HungUp.  `_` = explicitly ignored.
_GRID: dict[State, tuple[Handler, ...]] = {
    S.IDLE:              (start, _,        _,      _,        _,        _,      _,      _,         _,    gone),
    S.AWAITING_AMD:      (_,     _,        _,      amd_over, _,        _,      _,      _,         amd,  gone),
    S.PLAYING_VOICEMAIL: (_,     vm_done,  _,      _,        _,        _,      _,      vm_done,   late, gone),
    S.PLAYING_PROMPT:    (_,     played,   _,      _,        _,        _,      _,      played,    late, gone),
    S.COLLECTING:        (_,     _,        digits, _,        _,        _,      _,      no_digits, late, gone),
    S.PLAYING_INVALID:   (_,     reprompt, _,      _,        _,        _,      _,      reprompt,  late, gone),
    S.RECORDING:         (_,     _,        _,      _,        recorded, _,      _,      no_record, late, gone),
    S.TRANSFERRING:      (_,     _,        _,      _,        _,        resume, _,      resume,    _,    gone),
    S.CONFERENCING:      (_,     _,        _,      _,        _,        _,      resume, resume,    _,    gone),
    S.FINISHED:          (_,     _,        _,      _,        _,        _,      _,      _,         _,    _),
}  # fmt: skip

TRANSITIONS: dict[tuple[State, type], Handler] = {
    (state, input_type): handler
    for state, row in _GRID.items()
    for input_type, handler in zip(INPUT_TYPES, row, strict=True)
}

del start, gone, resume, amd, amd_over, vm_done, played, digits, no_digits, reprompt, recorded
del no_record, late
