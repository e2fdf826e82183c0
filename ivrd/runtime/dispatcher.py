"""Routes FreeSWITCH events to legs by Unique-ID and takes over parked inbound calls.

The daemon subscribes to event names without `filter` commands and dispatches in-process: one
dictionary lookup per event is cheaper than a filter round trip per call, and nothing has to be
re-applied after a reconnect. Events for channels no leg owns are dropped (after the hooks).

Registration points for other components (the campaign dialer):
- `expect_leg(uuid, spec)` before originating with `origination_uuid=uuid`: when that channel
  answers (CHANNEL_ANSWER, or CHANNEL_PARK if answered), a Leg runs `spec` on it. If the channel
  hangs up unanswered the expectation is dropped.
- `on_hangup_complete(callback)`: called with every CHANNEL_HANGUP_COMPLETE (CDR variables).
- `add_event_hook(name, callback)`: called with every event of that name before dispatch.
- `on_leg_finished(callback)`: called with each leg's LegOutcome.
- `feed_input(uuid, survey_input)`: inputs from other components, e.g. AmdDecided for a leg whose
  CallContext has `wait_for_amd` (the survey waits for it, at most `amd_wait_ms`).
- `set_preparer(preparer)`: answering-machine detection sees every expected leg (`expecting`) and
  may change the spec of each answered one (`prepare`), e.g. to make its survey wait for a verdict.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ivrd import dialplan_vars
from ivrd.esl.codec import EslEvent
from ivrd.esl.events import EventName, HangupEvent
from ivrd.runtime import leg as leg_module
from ivrd.runtime.leg import Leg, polite_hangup
from ivrd.runtime.leg_spec import LegOutcome, LegServices, LegSpec
from ivrd.runtime.survey_store import (
    SurveyUnavailable,
    campaign_context,
    inbound_campaign,
    inbound_survey_id,
)
from ivrd.survey import SurveyInput

log = logging.getLogger(__name__)

EventHook = Callable[[EslEvent], None]
HangupHook = Callable[[HangupEvent], None]
FinishedHook = Callable[[LegOutcome], None]
SpecSource = Callable[[], Awaitable[LegSpec]]


class LegPreparer(Protocol):
    """Sees originated legs before they ring and when they are answered (answering-machine detection)."""

    def expecting(self, uuid: str, spec: LegSpec) -> None: ...

    def prepare(self, uuid: str, spec: LegSpec, answer: EslEvent) -> LegSpec | SpecSource: ...

KEEP_OUTCOMES = 10_000
_INBOUND_MARK = "variable_" + dialplan_vars.INBOUND


class Dispatcher:
    """Owns the live legs: `dispatch(event)` is called for every event, in arrival order."""

    def __init__(self, services: LegServices) -> None:
        self._services = services
        self._legs: dict[str, Leg] = {}
        self._tasks: set[asyncio.Task[LegOutcome]] = set()
        self._expected: dict[str, LegSpec] = {}
        self._event_hooks: dict[str, list[EventHook]] = {}
        self._hangup_hooks: list[HangupHook] = []
        self._finished_hooks: list[FinishedHook] = []
        self._outcomes: OrderedDict[str, LegOutcome] = OrderedDict()
        self._waiters: dict[str, list[asyncio.Future[LegOutcome]]] = {}
        self._orphans: set[str] = set()
        self._preparer: LegPreparer | None = None
        self.legs_started = 0
        self.peak_legs = 0

    # -- registration ------------------------------------------------------------------------------
    @property
    def services(self) -> LegServices:
        """What legs are given: ESL client, database writer, surveys, media options."""
        return self._services

    def expect_leg(self, uuid: str, spec: LegSpec) -> None:
        self._expected[uuid] = spec
        if self._preparer is not None:
            self._preparer.expecting(uuid, spec)

    def set_preparer(self, preparer: LegPreparer) -> None:
        self._preparer = preparer

    def forget_leg(self, uuid: str) -> None:
        self._expected.pop(uuid, None)

    def feed_input(self, uuid: str, survey_input: SurveyInput) -> bool:
        """Hands an input (e.g. AmdDecided) to the leg on `uuid`; False when no leg runs there."""
        leg = self._legs.get(uuid)
        if leg is None:
            return False
        leg.feed_input(survey_input)
        return True

    def is_expected(self, uuid: str) -> bool:
        """True while `uuid` waits for its answer (expect_leg called, not answered nor hung up yet)."""
        return uuid in self._expected

    def on_hangup_complete(self, callback: HangupHook) -> None:
        self._hangup_hooks.append(callback)

    def add_event_hook(self, name: str, callback: EventHook) -> None:
        self._event_hooks.setdefault(name, []).append(callback)

    def on_leg_finished(self, callback: FinishedHook) -> None:
        self._finished_hooks.append(callback)

    @property
    def active_legs(self) -> int:
        return len(self._legs)

    def leg(self, uuid: str) -> Leg | None:
        return self._legs.get(uuid)

    async def wait_finished(self, uuid: str) -> LegOutcome:
        """The outcome of the leg on channel `uuid`, once it has ended (it may not have started yet)."""
        outcome = self._outcomes.get(uuid)
        if outcome is not None:
            return outcome
        future: asyncio.Future[LegOutcome] = asyncio.get_running_loop().create_future()
        self._waiters.setdefault(uuid, []).append(future)
        return await future

    # -- events ------------------------------------------------------------------------------------
    def dispatch(self, event: EslEvent) -> None:
        name = event.name
        hooks = self._event_hooks.get(name)
        if hooks:
            for hook in hooks:
                self._call(hook, event)
        if name == EventName.CHANNEL_HANGUP_COMPLETE and self._hangup_hooks:
            hangup = HangupEvent(event)
            for hangup_hook in self._hangup_hooks:
                self._call(hangup_hook, hangup)
        uuid = event.headers.get("Unique-ID")
        if not uuid:
            return
        leg = self._legs.get(uuid)
        if leg is not None:
            leg.feed(event)
            return
        if name == EventName.CHANNEL_PARK or name == EventName.CHANNEL_ANSWER:
            self._maybe_start(uuid, event)
        elif name == EventName.CHANNEL_HANGUP:
            self._expected.pop(uuid, None)

    def _call(self, hook: Callable[[Any], None], value: object) -> None:
        try:
            hook(value)
        except Exception:
            log.exception("event hook %r failed", hook)

    def _maybe_start(self, uuid: str, event: EslEvent) -> None:
        spec = self._expected.pop(uuid, None)
        if spec is not None:
            source = spec if self._preparer is None else self._preparer.prepare(uuid, spec, event)
            self._start(Leg(uuid, self._services, source))
            return
        if event.name != EventName.CHANNEL_PARK or _INBOUND_MARK not in event.headers:
            return
        if uuid in self._outcomes:
            return  # parked again after its leg ended: never run a second survey on one call
        names = (*dialplan_vars.INBOUND_VARIABLES, *dialplan_vars.OPTIONAL_INBOUND_VARIABLES)
        variables = {name: event.headers.get("variable_" + name) or "" for name in names}
        try:
            request = dialplan_vars.parse_inbound(variables)
        except dialplan_vars.DialplanVariableError as exc:
            self._start(Leg(uuid, self._services, _refuse(str(exc))))
            return
        if request is None:
            return
        caller = event.headers.get("Caller-Caller-ID-Number") or ""
        self._start(Leg(uuid, self._services, self._inbound_spec(uuid, request, caller)))

    def _inbound_spec(self, uuid: str, request: dialplan_vars.InboundRequest,
                      caller: str) -> leg_module.SpecSource:
        db = self._services.db

        def resolve() -> LegSpec | SurveyUnavailable:
            survey_id = inbound_survey_id(request)
            if isinstance(survey_id, SurveyUnavailable):
                return survey_id
            campaign = inbound_campaign(request.campaign_id)
            if isinstance(campaign, SurveyUnavailable):
                return campaign
            context = campaign_context(campaign, dialled_number=caller, call_ref=uuid)
            return LegSpec(survey_id=survey_id, context=context,
                           campaign_id=campaign.id if campaign is not None else None)

        return lambda: db.run(resolve)

    def _start(self, leg: Leg) -> None:
        self._legs[leg.uuid] = leg
        self.legs_started += 1
        self.peak_legs = max(self.peak_legs, len(self._legs))
        task = asyncio.get_running_loop().create_task(leg.run(), name=f"leg-{leg.uuid}")
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._leg_done(leg, done))

    def _leg_done(self, leg: Leg, task: asyncio.Task[LegOutcome]) -> None:
        self._tasks.discard(task)
        if self._legs.get(leg.uuid) is leg:
            del self._legs[leg.uuid]
        outcome = leg.outcome
        if outcome is None:
            return
        self._outcomes[leg.uuid] = outcome
        while len(self._outcomes) > KEEP_OUTCOMES:
            self._outcomes.popitem(last=False)
        for waiter in self._waiters.pop(leg.uuid, []):
            if not waiter.done():
                waiter.set_result(outcome)
        for hook in self._finished_hooks:
            self._call(hook, outcome)

    def link_lost(self, reason: str) -> None:
        """The Event Socket link dropped: events may have been missed, so every leg ends now (its results
        are kept) and its channel is remembered, to be hung up politely once the link is back."""
        for uuid, leg in self._legs.items():
            self._orphans.add(uuid)
            leg.abandon(f"Event Socket link lost: {reason}")

    async def link_restored(self) -> None:
        """Says goodbye to and hangs up the channels whose legs ended when the link dropped."""
        orphans, self._orphans = self._orphans, set()
        for uuid in orphans:
            await polite_hangup(self._services, uuid)

    async def stop(self, timeout_s: float = 5.0) -> None:
        """Cancels every leg (their channels stay with FreeSWITCH) and waits for their writes to be queued."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout_s)


def _refuse(reason: str) -> leg_module.SpecSource:
    async def refused() -> LegSpec | SurveyUnavailable:
        return SurveyUnavailable(reason)

    return refused
