"""One answered channel running a survey: channel events → survey inputs → ESL commands, timers, db writes.

Each Leg is one asyncio task reading its own queue, so a leg's actions run strictly in order
while thousands of legs share the event loop. Database writes are submitted to the DbWriter
without waiting (each Result row is queued the moment it is known); the leg waits for them
only when it ends, then counts the aggregates of the final answers.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import uuid as uuid_module
from collections.abc import Awaitable, Callable
from typing import Any

from ivrd.esl import api_commands, commands
from ivrd.esl.codec import EslEvent
from ivrd.esl.errors import CommandFailed, ConnectionLost
from ivrd.esl.events import EventName
from ivrd.runtime import leg_actions as steps
from ivrd.runtime import results
from ivrd.runtime.amd_facts import AmdFacts
from ivrd.runtime.leg_spec import LegOutcome, LegServices, LegSpec
from ivrd.runtime.survey_store import SurveyUnavailable
from ivrd.store.queries_results import CallResults, save_results
from ivrd.survey import (
    ActionFailed,
    AddToDnc,
    BridgeEnded,
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
    SendSms,
    Started,
    StartTimer,
    StopMedia,
    SurveyAction,
    SurveyInput,
    SurveyMachine,
    TimerFired,
    Transfer,
)

log = logging.getLogger(__name__)

SpecSource = Callable[[], Awaitable[LegSpec | SurveyUnavailable]]
_STEP = "step"  # an intermediate application (set ...) whose completion means nothing
_HANGUP_EVENTS = (EventName.CHANNEL_HANGUP, EventName.CHANNEL_HANGUP_COMPLETE)


def _variable(event: EslEvent, name: str) -> str:
    return event.headers.get("variable_" + name) or ""


class Leg:
    """Runs the survey of `spec` (or of the spec `spec_source` resolves) on channel `uuid`."""

    def __init__(self, uuid: str, services: LegServices, spec: LegSpec | SpecSource) -> None:
        self.uuid = uuid
        self._services = services
        self._spec_source = spec
        self.spec: LegSpec | None = spec if isinstance(spec, LegSpec) else None
        self._queue: asyncio.Queue[EslEvent | SurveyInput] = asyncio.Queue()
        self._pending: dict[str, tuple[str, str]] = {}  # Application-UUID -> (kind, machine token)
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._answers: dict[int, SaveResult] = {}
        self._writes: list[concurrent.futures.Future[Any]] = []
        self._unsent: list[Callable[[], object]] = []
        self._results = CallResults()
        self._machine: SurveyMachine | None = None
        self._completed = False
        self._reason = ""
        self._hangup_cause = ""
        self._amd: AmdFacts | None = None
        self.done = asyncio.Event()
        self.outcome: LegOutcome | None = None

    # -- fed by the dispatcher ---------------------------------------------------------------------
    def feed(self, event: EslEvent) -> None:
        self._queue.put_nowait(event)

    def feed_input(self, survey_input: SurveyInput) -> None:
        """An input that does not come from a channel event (e.g. AmdDecided from answering-machine
        detection); handled in order with the channel's events."""
        self._queue.put_nowait(survey_input)

    def note_amd(self, facts: AmdFacts) -> None:
        """What answering-machine detection found; reported in the leg's outcome."""
        self._amd = facts

    def abandon(self, reason: str) -> None:
        """Stop driving the channel (the link to FreeSWITCH is gone); answers so far are kept."""
        self._queue.put_nowait(HungUp(reason))

    async def run(self) -> LegOutcome:
        try:
            await self._run()
        except asyncio.CancelledError:
            self._reason = self._reason or "daemon stopping"
            raise
        except Exception:
            log.exception("leg %s: unexpected error; hanging up", self.uuid)
            self._reason = "internal error"
            await self._hang_up_politely()
        finally:
            await self._finish()
        assert self.outcome is not None
        return self.outcome

    async def _run(self) -> None:
        if self.spec is None:
            resolved = await self._spec_source()  # type: ignore[operator]
            if isinstance(resolved, SurveyUnavailable):
                await self._refuse(resolved)
                return
            self.spec = resolved
        definition = await self._services.surveys.get(self.spec.survey_id)
        if isinstance(definition, SurveyUnavailable):
            await self._refuse(definition)
            return
        machine = self._machine = SurveyMachine(definition, self.spec.context)
        await self._apply(machine.handle(Started()))
        while not machine.finished:
            survey_input = self._input_for(await self._queue.get())
            if survey_input is not None:
                await self._apply(machine.handle(survey_input))

    async def _refuse(self, unavailable: SurveyUnavailable) -> None:
        log.warning("call %s: %s; hanging up", self.uuid, unavailable)
        self._reason = unavailable.reason
        await self._hang_up_politely()

    # -- events to inputs ----------------------------------------------------------------------------
    def _input_for(self, item: EslEvent | SurveyInput) -> SurveyInput | None:
        if not isinstance(item, EslEvent):
            return item
        name = item.name
        if name == EventName.CHANNEL_EXECUTE_COMPLETE:
            entry = self._pending.pop(item.headers.get("Application-UUID") or "", None)
            if entry is None or entry[0] == _STEP:
                return None
            return self._completion(entry[0], entry[1], item)
        if name in _HANGUP_EVENTS:
            self._hangup_cause = item.headers.get("Hangup-Cause") or _variable(item, "hangup_cause")
            return HungUp(self._hangup_cause)
        return None

    def _completion(self, kind: str, token: str, event: EslEvent) -> SurveyInput:
        if kind == "play":
            if (event.headers.get("Application-Response") or "") == "FILE NOT FOUND":
                log.warning("call %s: prompt file not found: %s", self.uuid,
                            event.headers.get("Application-Data"))
                return ActionFailed(token, "file not found")
            return PromptFinished(token)
        if kind == "collect":
            variables = {name: _variable(event, name) for name in
                         ("read_result", "read_terminator_used", steps.DIGITS_VARIABLE,
                          steps.DIGITS_VARIABLE + "_invalid")}
            digits, terminator = steps.collected_digits(variables)
            return DigitsCollected(token, digits, terminator)
        if kind == "record":
            path, _, _ = (event.headers.get("Application-Data") or "").partition(" ")
            duration_text = _variable(event, "record_ms")
            duration_ms = int(duration_text) if duration_text.isdigit() else 0
            name = path.rsplit("/", 1)[-1]
            return RecordingFinished(token, name, duration_ms, _variable(event, "record_completion_cause"))
        if kind == "transfer":
            names = ("originate_disposition", "DIALSTATUS", "bridge_hangup_cause",
                     "last_bridge_hangup_cause", "originate_failed_cause")
            answered, cause = steps.bridge_outcome({n: _variable(event, n) for n in names})
            return BridgeEnded(token, cause, answered)
        return ConferenceLeft(token)

    # -- actions ---------------------------------------------------------------------------------------
    async def _apply(self, actions: list[SurveyAction]) -> None:
        """Performs the actions in order; their database writes are handed to the writer afterwards,
        so the writer thread never competes with the command that answers the caller."""
        for action in actions:
            await self._perform(action)
        self._flush_writes()

    def _flush_writes(self) -> None:
        submit = self._services.db.submit
        for work in self._unsent:
            self._writes.append(submit(work))
        self._unsent.clear()

    async def _perform(self, action: SurveyAction) -> None:
        spec = self.spec
        assert spec is not None
        voice = self._services.media.tts
        if isinstance(action, Play):
            await self._execute([steps.play_step(action.prompt, voice)], "play", action.token)
        elif isinstance(action, Collect):
            await self._execute([steps.collect_step(action, voice)], "collect", action.token)
        elif isinstance(action, Record):
            await self._execute(steps.record_steps(action, self._services.media), "record", action.token)
        elif isinstance(action, Transfer):
            attempt = steps.AttemptHeaders(spec.callrequest_id, spec.contact_id)
            await self._execute(steps.transfer_steps(action, voice, self._bleg_variables(), attempt),
                                "transfer", action.token)
        elif isinstance(action, JoinConference):
            await self._execute([("conference", action.room)], "conference", action.token)
        elif isinstance(action, SaveResult):
            self._save(action)
        elif isinstance(action, AddToDnc):
            dnc_id, number = action.dnc_list_id, action.phone_number
            self._write(lambda: results.add_to_dnc(dnc_id, number))
        elif isinstance(action, SendSms):
            destination, text = action.destination, action.text
            self._write(lambda: results.queue_sms(destination, text, campaign_id=spec.campaign_id,
                                                  callrequest_id=spec.callrequest_id))
        elif isinstance(action, MarkCompleted):
            self._mark_completed(action.section_id)
        elif isinstance(action, StartTimer):
            timer, delay_s = TimerFired(action.token), action.delay_ms / 1000
            loop = asyncio.get_running_loop()
            self._timers[action.token] = loop.call_later(delay_s, self._queue.put_nowait, timer)
        elif isinstance(action, CancelTimer):
            handle = self._timers.pop(action.token, None)
            if handle is not None:
                handle.cancel()
        elif isinstance(action, StopMedia):
            await self._send(commands.api(api_commands.uuid_break(self.uuid, all_queued=True)), None)
            self._pending.clear()  # what was cut reports back under tokens the machine no longer waits for
        elif isinstance(action, Hangup) and action.at_once:
            await self._send(commands.api(api_commands.uuid_kill(self.uuid, action.cause)), None)
        elif isinstance(action, Hangup):
            await self._send(commands.sendmsg_hangup(self.uuid, action.cause), None)
        elif isinstance(action, Finished):
            self._reason = action.reason

    def _bleg_variables(self) -> dict[str, str]:
        spec = self.spec
        assert spec is not None
        variables = {"ivrd_dialout_phone_number": spec.context.dialled_number}
        if spec.callrequest_id is not None:
            variables["ivrd_callrequest_id"] = str(spec.callrequest_id)
        variables.update(spec.extra_bleg_variables)
        return variables

    async def _execute(self, app_steps: list[steps.Step], kind: str, token: str) -> None:
        for index, (app, arg) in enumerate(app_steps):
            app_uuid = str(uuid_module.uuid4())
            self._pending[app_uuid] = (kind if index == len(app_steps) - 1 else _STEP, token)
            data = commands.sendmsg_execute(self.uuid, app, arg, event_uuid=app_uuid)
            if not await self._send(data, token):
                self._pending.pop(app_uuid, None)
                return

    async def _send(self, data: bytes, token: str | None) -> bool:
        """Sends one command; a refusal becomes ActionFailed, a lost link ends the leg."""
        try:
            await self._services.client.command(data)
        except CommandFailed as exc:
            log.info("call %s: FreeSWITCH refused a command: %s", self.uuid, exc)
            if token is not None:
                self._queue.put_nowait(ActionFailed(token, str(exc)))
            return False
        except ConnectionLost as exc:
            log.warning("call %s: Event Socket link lost; the call is left to FreeSWITCH", self.uuid)
            self._queue.put_nowait(HungUp(f"ESL link lost: {exc}"))
            return False
        return True

    async def _hang_up_politely(self) -> None:
        await polite_hangup(self._services, self.uuid)

    # -- database ------------------------------------------------------------------------------------
    def _write(self, work: Callable[[], object]) -> None:
        self._unsent.append(work)

    def _save(self, action: SaveResult) -> None:
        spec = self.spec
        assert spec is not None
        previous = self._answers.get(action.section_id)
        if previous is None or action.visit >= previous.visit:
            self._answers[action.section_id] = action
        answer, saved, survey_id, callrequest_id = (results.answer_of(action), self._results, spec.survey_id,
                                                    spec.callrequest_id)
        self._write(lambda: save_results(survey_id, callrequest_id, [answer], saved))

    def _mark_completed(self, section_id: int) -> None:
        spec = self.spec
        assert spec is not None
        self._completed = True
        if spec.mark_completed_in_db:
            self._write(lambda: results.mark_completed(callrequest_id=spec.callrequest_id,
                                                       subscriber_id=spec.subscriber_id,
                                                       campaign_id=spec.campaign_id))
        if spec.on_completed is not None:
            _call_hook(spec.on_completed, section_id)

    async def _finish(self) -> None:
        for handle in self._timers.values():
            handle.cancel()
        self._timers.clear()
        spec = self.spec
        final = [results.answer_of(a) for a in self._answers.values()]
        if spec is not None and final:
            saved, survey_id, callrequest_id = self._results, spec.survey_id, spec.callrequest_id
            self._write(lambda: save_results(survey_id, callrequest_id, final, saved, call_ended=True))
        self._flush_writes()
        if self._writes:
            outcomes = await asyncio.gather(*(asyncio.wrap_future(w) for w in self._writes),
                                            return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, BaseException):
                    log.error("call %s: a database write failed: %s", self.uuid, outcome)
        self.outcome = LegOutcome(
            uuid=self.uuid,
            survey_id=spec.survey_id if spec is not None else None,
            reason=self._reason,
            completed=self._completed,
            hangup_cause=self._hangup_cause,
            callrequest_id=spec.callrequest_id if spec is not None else None,
            amd=self._amd,
        )
        self.done.set()
        if spec is not None and spec.on_finished is not None:
            _call_hook(spec.on_finished, self.outcome)


async def polite_hangup(services: LegServices, uuid: str) -> None:
    """Say sorry, then hang up: both queued on the channel with event-lock, so the prompt plays out."""
    for app, arg in (("playback", services.goodbye_path), ("hangup", "NORMAL_CLEARING")):
        data = commands.sendmsg_execute(uuid, app, arg, event_uuid=str(uuid_module.uuid4()))
        try:
            await services.client.command(data)
        except (CommandFailed, ConnectionLost) as exc:
            log.info("call %s: could not hang up politely: %s", uuid, exc)
            return


def _call_hook(hook: Callable[[Any], None], value: object) -> None:
    """A component's callback; its failure is logged and never ends the call."""
    try:
        hook(value)
    except Exception:
        log.exception("leg hook %r failed", hook)
