"""The dialer's calls in this process: planned originates on timers, live attempts, their events and ends.

A planned call becomes live when its attempt row moved PENDING → CALLING (committed before the
originate is sent, so a crash never hides a dialled number). A live call is finished once its
CHANNEL_HANGUP_COMPLETE was seen and, when a survey leg runs on it, that leg has ended; a failed
originate's `-ERR` finishes it after a short grace period if no hangup event describes it better.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivrd.campaign import after_call
from ivrd.esl import api_commands
from ivrd.esl.codec import EslEvent
from ivrd.esl.errors import EslError
from ivrd.esl.events import BackgroundJob, HangupEvent
from ivrd.runtime.dialer_outcomes import (
    AttemptRef,
    HangupFacts,
    facts_from_error,
    facts_from_hangup,
    record_outcome,
    ref_of,
)
from ivrd.runtime.dialer_plan import PlannedCall
from ivrd.runtime.leg_spec import LegOutcome, LegSpec
from ivrd.store import queries_attempts as attempts

if TYPE_CHECKING:
    from ivrd.runtime.daemon import Daemon

log = logging.getLogger(__name__)

# The CALLING row is committed this long before the originate is due (a slow commit then does not
# delay the call). A daemon killed in between leaves an attempt that counts although never sent.
COMMIT_LEAD_S = 0.15
ERR_GRACE_S = 1.0  # how long a failed originate waits for its CHANNEL_HANGUP_COMPLETE
LEG_GRACE_S = 30.0  # how long an answered call's end waits for its survey leg to finish
ABORT_CAUSE = "MANAGER_REQUEST"
RECENT_KEEP = 10_000  # uuids of finished calls remembered (reconciliation skips them)


@dataclass
class LiveCall:
    ref: AttemptRef
    job_done: bool = False  # the originate's BACKGROUND_JOB arrived, or its link was lost
    answered: bool = False
    leg_done: bool = False
    hangup: HangupFacts | None = None
    timer: asyncio.TimerHandle | None = None
    finishing: bool = False


class CallBook:
    """Planned and live calls of one daemon; `on_change` is called whenever capacity was freed."""

    def __init__(self, daemon: Daemon, on_change: Callable[[], None]) -> None:
        self._daemon = daemon
        self._on_change = on_change
        self.planned: dict[str, tuple[PlannedCall, asyncio.TimerHandle]] = {}
        self.placing: set[str] = set()
        self.live: dict[str, LiveCall] = {}
        self._killed: set[str] = set()
        self._recent: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._send_gate: dict[int, float] = {}
        self.placed = 0
        self.finished = 0
        self.peak = 0

    @property
    def count(self) -> int:
        return len(self.planned) + len(self.placing) + len(self.live)

    def campaign_ids(self) -> set[int]:
        ids = {call.campaign_id for call, _ in self.planned.values()}
        return ids | {live.ref.campaign_id for live in self.live.values()}

    def recently_finished(self, uuid: str) -> bool:
        return uuid in self._recent

    def has_calls(self, campaign_id: int) -> bool:
        return campaign_id in self.campaign_ids()

    def _connected(self) -> bool:
        connection = self._daemon.client.connection
        return connection is not None and not connection.is_closed

    # -- planned calls ---------------------------------------------------------------------------
    def schedule(self, calls: list[PlannedCall]) -> None:
        loop = asyncio.get_running_loop()
        now_s, now_loop = time.time(), loop.time()
        for call in calls:
            delay_s = max(0.0, call.start_at_s - now_s - COMMIT_LEAD_S)
            handle = loop.call_at(now_loop + delay_s, self._start_placing, call)
            self.planned[call.uuid] = (call, handle)

    def _send_slot_s(self, call: PlannedCall) -> float:
        """When this originate may go: its planned time, but never sooner than the campaign's rate
        allows after the previous send, so a late timer (a stalled commit, a busy loop) never turns
        into a burst of calls."""
        slot_s = max(call.start_at_s, time.time())
        if call.calls_per_minute <= 0:
            return slot_s
        gate_s = self._send_gate.get(call.campaign_id)
        if gate_s is not None:
            slot_s = max(slot_s, gate_s)
        self._send_gate[call.campaign_id] = after_call(slot_s, gate_s, call.calls_per_minute)
        return slot_s

    def _start_placing(self, call: PlannedCall) -> None:
        if self.planned.pop(call.uuid, None) is None:
            return
        self.placing.add(call.uuid)
        asyncio.get_running_loop().create_task(self._place(call), name=f"originate-{call.uuid}")

    async def cancel_planned(self, campaign_id: int | None = None) -> int:
        """Drops planned calls (of one campaign, or all) and gives their subscribers back."""
        dropped = [uuid for uuid, (call, _) in self.planned.items()
                   if campaign_id is None or call.campaign_id == campaign_id]
        ids = []
        for uuid in dropped:
            call, handle = self.planned.pop(uuid)
            handle.cancel()
            ids.append(call.attempt_id)
        if ids:
            await self._daemon.db.run(lambda: attempts.abandon_attempts(ids))
        return len(ids)

    async def _place(self, call: PlannedCall) -> None:
        try:
            await self._originate(call)
        except Exception:
            log.exception("attempt %s: originate failed unexpectedly", call.attempt_id)
        finally:
            self.placing.discard(call.uuid)

    async def _originate(self, call: PlannedCall) -> None:
        db = self._daemon.db
        if not self._connected():
            await db.run(lambda: attempts.abandon_attempts([call.attempt_id]))
            self._on_change()
            return
        if not await db.run(lambda: attempts.mark_calling(call.attempt_id, call.subscriber_id,
                                                           call.attempt_number)):
            return
        wait_s = self._send_slot_s(call) - time.time()
        if wait_s > 0:
            await asyncio.sleep(wait_s)  # committed ahead; sent on the pace's own beat
        live = LiveCall(ref_of(call))
        self.live[call.uuid] = live
        self.placing.discard(call.uuid)
        self.placed += 1
        self.peak = max(self.peak, len(self.live))
        self._daemon.dispatcher.expect_leg(call.uuid, LegSpec(
            survey_id=call.survey_id, context=call.context, callrequest_id=call.attempt_id,
            subscriber_id=call.subscriber_id, campaign_id=call.campaign_id, contact_id=call.contact_id,
            on_finished=lambda outcome: self._leg_finished(call.uuid, outcome)))
        try:
            job = await self._daemon.client.bgapi(call.command)
            result = await job
        except EslError as exc:
            log.warning("attempt %s: originate not confirmed (%s); reconciled after reconnect",
                        call.attempt_id, exc)
            live.job_done = True
            return
        live.job_done = True
        self._job_result(call.uuid, live, result)

    def _job_result(self, uuid: str, live: LiveCall, result: BackgroundJob) -> None:
        if result.ok or self.live.get(uuid) is not live:
            return
        facts = facts_from_error(result.error, result.job_uuid)
        if live.hangup is None:
            loop = asyncio.get_running_loop()
            live.timer = loop.call_later(ERR_GRACE_S, self._finish_with, uuid, live, facts)

    # -- events ------------------------------------------------------------------------------------
    def on_answer(self, event: EslEvent) -> None:
        live = self.live.get(event.headers.get("Unique-ID") or "")
        if live is None or live.answered:
            return
        live.answered = True
        attempt_id = live.ref.attempt_id
        self._daemon.db.submit(lambda: attempts.mark_answered(attempt_id))

    def on_hangup_complete(self, event: HangupEvent) -> None:
        uuid = event.unique_id
        live = self.live.get(uuid)
        if live is None or live.hangup is not None:
            return
        live.hangup = facts_from_hangup(event)
        live.answered = live.answered or live.hangup.answered
        self._maybe_finish(uuid, live)

    def _leg_finished(self, uuid: str, outcome: LegOutcome) -> None:
        live = self.live.get(uuid)
        if live is not None:
            live.leg_done = True
            self._maybe_finish(uuid, live)

    def _maybe_finish(self, uuid: str, live: LiveCall) -> None:
        if live.hangup is None:
            return
        if live.timer is not None:
            live.timer.cancel()
            live.timer = None
        if not live.leg_done and self._daemon.dispatcher.leg(uuid) is not None:
            log.debug("attempt %s: hung up, waiting for its survey leg to end", live.ref.attempt_id)
            loop = asyncio.get_running_loop()
            live.timer = loop.call_later(LEG_GRACE_S, self._finish_with, uuid, live, live.hangup)
            return
        self._finish_with(uuid, live, live.hangup)

    def _finish_with(self, uuid: str, live: LiveCall, facts: HangupFacts) -> None:
        if live.finishing or self.live.get(uuid) is not live:
            return
        live.finishing = True
        asyncio.get_running_loop().create_task(self.finish(uuid, live, facts), name=f"outcome-{uuid}")

    async def finish(self, uuid: str, live: LiveCall, facts: HangupFacts) -> None:
        """Writes the attempt's outcome, then forgets the call."""
        live.finishing = True
        if live.timer is not None:
            live.timer.cancel()
        ref, now_s = live.ref, time.time()
        log.debug("attempt %s: ended with %s (answered %s)", ref.attempt_id, facts.cause, live.answered)
        try:
            await self._daemon.db.run(lambda: record_outcome(ref, facts, now_s))
        except Exception:
            log.exception("attempt %s: outcome could not be written; reconciled later", ref.attempt_id)
        finally:
            if self.live.get(uuid) is live:
                del self.live[uuid]
            self._recent[uuid] = None
            while len(self._recent) > RECENT_KEEP:
                self._recent.popitem(last=False)
            self._daemon.dispatcher.forget_leg(uuid)
            self._killed.discard(uuid)
            self.finished += 1
            self._on_change()

    # -- commands ------------------------------------------------------------------------------------
    async def kill_campaign(self, campaign_id: int) -> int:
        """Hangs up this daemon's calls of an aborted campaign (each once)."""
        uuids = [uuid for uuid, live in self.live.items()
                 if live.ref.campaign_id == campaign_id and uuid not in self._killed]
        for uuid in uuids:
            self._killed.add(uuid)
            try:
                await self._daemon.client.api(api_commands.uuid_kill(uuid, ABORT_CAUSE))
            except EslError as exc:
                log.warning("campaign %s: could not hang up %s: %s", campaign_id, uuid, exc)
        return len(uuids)

    def adopt(self, ref: AttemptRef, *, answered: bool) -> LiveCall:
        """Tracks a call left by an earlier run of this daemon (its HANGUP_COMPLETE finishes it)."""
        live = LiveCall(ref, job_done=True, answered=answered, leg_done=True)
        self.live[ref.uuid] = live
        return live
