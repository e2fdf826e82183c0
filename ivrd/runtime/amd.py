"""Answering-machine detection for answered campaign calls whose campaign has `voicemail` on.

`install_amd(daemon)` makes the dispatcher hand every originated leg to an AmdRunner. When such a
call is answered and its campaign has `voicemail` on, the leg's survey waits for the verdict
(CallContext.wait_for_amd) while an AmdCall records and analyses the callee. The campaign's
amd_behavior (spec §3.3) then decides: 1 the survey for everyone (machines once their greeting is
over), 2 the survey for people and a hang-up for machines (a failed attempt the retry policy may
repeat), 3 the voicemail_audiofile for machines after the beep or end of greeting, a hang-up for
people. Fax always hangs up; dead air counts as a person.

The facts travel as channel variables (`ivrd_amd_*`, and `amd_status` as Newfies names it) that
CHANNEL_HANGUP_COMPLETE carries to the dialer, which puts them on the call record, and as
`LegOutcome.amd`. Only when the hangup event lacks them (the callee hung up while detection still
listened, or the variables could not be set) are the amd_* columns written onto the CallRecord
afterwards, once the dialer has stored it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ivrd.amd import AMD_VOICEMAIL_ONLY
from ivrd.esl.codec import EslEvent
from ivrd.esl.events import ChannelEvent, HangupEvent
from ivrd.runtime.amd_call import AmdCall, AmdOptions, ApiSender, recording_rate_hz
from ivrd.runtime.amd_campaigns import CampaignAmd, CampaignAmdCache
from ivrd.runtime.amd_facts import AmdFacts, cdr_columns, facts_from_variables
from ivrd.runtime.dbwriter import DbWriter
from ivrd.runtime.dispatcher import Dispatcher, SpecSource
from ivrd.runtime.leg_spec import LegSpec
from ivrd.store.queries_amd import set_call_record_amd
from ivrd.survey import AmdDecided

if TYPE_CHECKING:
    from ivrd.runtime.daemon import Daemon

log = logging.getLogger(__name__)

CDR_RETRY_DELAYS_S = (0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6)  # waiting for the dialer's call record
DEFAULT_RATE_HZ = 8000
KEEP_FINISHED = 10_000
ORPHAN_AGE_S = 600.0  # recordings this old in amd_dir belong to no live detection


def codec_rate_hz(answer: EslEvent) -> int:
    """The channel's read codec rate from an answer/park event (8000 when it does not say)."""
    view = ChannelEvent(answer)
    text = view.header("Channel-Read-Codec-Rate") or view.variable("read_rate") or ""
    return int(text) if text.isdigit() else DEFAULT_RATE_HZ


class AmdRunner:
    """Starts detection on answered campaign calls and stores what it found (see the module doc)."""

    def __init__(self, api: Callable[[], ApiSender], db: DbWriter, dispatcher: Dispatcher, media_root: Path,
                 options: AmdOptions) -> None:
        self._api = api
        self._db = db
        self._dispatcher = dispatcher
        self.options = options
        self.campaigns = CampaignAmdCache(db, media_root)
        self.calls: dict[str, AmdCall] = {}
        self._tasks: set[asyncio.Task[object]] = set()
        self._finished: dict[str, tuple[int, AmdFacts]] = {}  # uuid -> (attempt, facts), until hangup
        self._hung_up: set[str] = set()  # calls whose hangup came while detection still ran
        self.detections = 0

    # -- the dispatcher's LegPreparer ------------------------------------------------------------------
    def expecting(self, uuid: str, spec: LegSpec) -> None:
        if spec.campaign_id:
            self.campaigns.get(spec.campaign_id)  # read while the phone rings

    def prepare(self, uuid: str, spec: LegSpec, answer: EslEvent) -> LegSpec | SpecSource:
        """The spec the leg runs: unchanged, or with its survey waiting for the verdict."""
        campaign_id = spec.campaign_id
        if not campaign_id:
            return spec
        settings = self.campaigns.current(campaign_id)
        if settings.done() and not settings.cancelled() and settings.exception() is None \
                and not settings.result().voicemail:
            return spec
        loop = asyncio.get_running_loop()
        answered_at_s, rate_hz = loop.time(), recording_rate_hz(codec_rate_hz(answer))

        async def resolve() -> LegSpec:
            try:
                campaign = await settings
            except Exception:
                log.exception("campaign %s: AMD settings unreadable; call %s runs without detection",
                              campaign_id, uuid)
                return spec
            if not campaign.voicemail:
                return spec
            self._start(AmdCall(uuid, campaign_id, campaign, rate_hz, answered_at_s, self._api, self,
                                self.options), spec)
            context = dataclasses.replace(spec.context, wait_for_amd=True,
                                          amd_wait_ms=self.options.survey_wait_ms)
            return dataclasses.replace(spec, context=context)

        return resolve

    # -- the AmdCall's LegLink -------------------------------------------------------------------------
    def feed_input(self, uuid: str, survey_input: AmdDecided) -> bool:
        return self._dispatcher.feed_input(uuid, survey_input)

    def note_amd(self, uuid: str, facts: AmdFacts) -> None:
        leg = self._dispatcher.leg(uuid)
        if leg is not None:
            leg.note_amd(facts)

    def leg_done(self, uuid: str) -> asyncio.Event | None:
        leg = self._dispatcher.leg(uuid)
        return leg.done if leg is not None else None

    # -- calls -------------------------------------------------------------------------------------------
    def _start(self, call: AmdCall, spec: LegSpec) -> None:
        if self.detections == 0 and not self.options.keep_audio:
            self._spawn(asyncio.to_thread(sweep_recordings, self.options.amd_dir, ORPHAN_AGE_S), "amd-sweep")
        self.calls[call.uuid] = call
        self.detections += 1
        self._spawn(self._run(call, spec), f"amd-{call.uuid}")

    def _spawn(self, work: Coroutine[Any, Any, object], name: str) -> None:
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, call: AmdCall, spec: LegSpec) -> None:
        try:
            facts = await call.run()
        except Exception:
            log.exception("call %s: answering-machine detection failed; counted as not sure", call.uuid)
            facts = None
            run_survey = call.campaign.amd_behavior != AMD_VOICEMAIL_ONLY  # what a "not sure" gets
            self._dispatcher.feed_input(call.uuid, AmdDecided("notsure", run_survey=run_survey))
        finally:
            self.calls.pop(call.uuid, None)
        hung_up = call.uuid in self._hung_up
        self._hung_up.discard(call.uuid)
        if facts is None or spec.callrequest_id is None:
            return
        if hung_up:
            self._store(call.uuid, spec.callrequest_id, facts)
            return
        self._finished[call.uuid] = (spec.callrequest_id, facts)
        while len(self._finished) > KEEP_FINISHED:  # hangups never seen (link lost): forget the oldest
            del self._finished[next(iter(self._finished))]

    def on_hangup_complete(self, event: HangupEvent) -> None:
        """The call is over and its record about to be written: the detection goes on it with the
        event's variables, or afterwards when the event does not carry them."""
        uuid = event.unique_id
        if uuid in self.calls:  # still listening: the leg's end stops it, then _run stores the facts
            self._hung_up.add(uuid)
            return
        finished = self._finished.pop(uuid, None)
        if finished is not None and facts_from_variables(event.variable) != finished[1]:
            self._store(uuid, *finished)

    def _store(self, uuid: str, attempt_id: int, facts: AmdFacts) -> None:
        self._spawn(self._write_cdr(uuid, attempt_id, facts), f"amd-cdr-{uuid}")

    async def _write_cdr(self, uuid: str, attempt_id: int, facts: AmdFacts) -> None:
        """Facts the hangup event did not carry: the columns go on once the dialer's record exists."""
        columns = cdr_columns(facts)
        for delay_s in CDR_RETRY_DELAYS_S:
            await asyncio.sleep(delay_s)
            try:
                if await self._db.run(lambda: set_call_record_amd(attempt_id, uuid, columns)):
                    return
            except Exception:
                log.exception("call %s: AMD columns not written on its call record", uuid)
                return
        log.debug("call %s: no call record to put the AMD result on", uuid)

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()


def sweep_recordings(amd_dir: Path, older_than_s: float) -> int:
    """Deletes detection recordings left by an earlier run (daemon killed mid-detection)."""
    if not amd_dir.is_dir():
        return 0
    cutoff_s, removed = time.time() - older_than_s, 0
    for path in amd_dir.iterdir():
        try:
            if path.suffix in (".r8", ".r16") and path.stat().st_mtime < cutoff_s:
                path.unlink()
                removed += 1
        except OSError as exc:
            log.warning("could not remove the old detection recording %s: %s", path, exc)
    if removed:
        log.info("removed %d detection recordings left in %s", removed, amd_dir)
    return removed


def amd_options(daemon: Daemon) -> tuple[Path, AmdOptions]:
    media = daemon.settings.media
    media_root = Path(media.root).resolve()
    return media_root, AmdOptions(amd_dir=media_root / media.amd_dir, keep_audio=media.keep_amd_audio,
                                  params=daemon.settings.amd)


def install_amd(daemon: Daemon, options: AmdOptions | None = None) -> AmdRunner:
    """Answering-machine detection on the daemon's originated campaign calls (call before `run()`)."""
    media_root, defaults = amd_options(daemon)
    runner = AmdRunner(lambda: daemon.client, daemon.db, daemon.dispatcher, media_root, options or defaults)
    daemon.dispatcher.set_preparer(runner)
    daemon.dispatcher.on_hangup_complete(runner.on_hangup_complete)
    return runner


__all__ = ["AmdCall", "AmdOptions", "AmdRunner", "CampaignAmd", "install_amd"]
