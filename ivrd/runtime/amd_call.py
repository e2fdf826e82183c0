"""One call's answering-machine detection: record the callee, analyse the audio, act on the verdict.

FreeSWITCH records the leg's read side (what the callee sends) to a raw signed 16-bit file with
`uuid_record <uuid> start <file>.r8|.r16 <limit_s>
{RECORD_READ_ONLY=true,record_sample_rate=N,enable_file_write_buffering=false}`: the media bug
then carries the read stream only, the file's rate is N whatever the codec (FreeSWITCH
resamples), and every frame reaches the file at once (by default FreeSWITCH buffers 64 KiB,
about 4 s of 8 kHz audio, before writing). The file is tailed in 20 ms frames into the
analyzer. When the campaign's amd_behavior says what to do (spec §3.3), the verdict goes to the
leg as AmdDecided, the facts to the channel variables; then the recording stops and the file is
deleted (unless kept).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt

from ivrd.amd import AmdAction, AmdAnalyzer, AmdDecision, AmdParams, AmdPlan, AmdResult, AmdStage, plan_call
from ivrd.esl import api_commands
from ivrd.esl.errors import EslError
from ivrd.runtime.amd_campaigns import CampaignAmd
from ivrd.runtime.amd_facts import AmdFacts, channel_variables, facts_of
from ivrd.runtime.media import RawAudioTail
from ivrd.survey import AmdDecided

log = logging.getLogger(__name__)

LIMIT_SLACK_S = 5  # FreeSWITCH stops the recording itself this long after the analysis must be over


class ApiSender(Protocol):
    """The part of EslClient detection uses."""

    async def api(self, command: str) -> str: ...


class LegLink(Protocol):
    """How detection reaches the leg on the channel (the Dispatcher)."""

    def feed_input(self, uuid: str, survey_input: AmdDecided) -> bool: ...

    def note_amd(self, uuid: str, facts: AmdFacts) -> None: ...

    def leg_done(self, uuid: str) -> asyncio.Event | None: ...


@dataclass(frozen=True)
class AmdOptions:
    """Where recordings go (absolute), whether they are kept, the analyzer's parameters, watchdogs."""

    amd_dir: Path
    keep_audio: bool = False
    params: AmdParams = field(default_factory=AmdParams)
    stall_s: float = 3.0  # no new audio for this long: stop listening and decide with what was heard
    poll_interval_s: float = 0.05  # how often the file is read: the most a verdict can wait

    @property
    def max_audio_ms(self) -> int:
        """The longest the analyzer can listen (detection, then the end of a machine's greeting)."""
        return max(self.params.total_analysis_time_ms, self.params.end_max_wait_ms)

    @property
    def survey_wait_ms(self) -> int:
        """How long a survey waits for the verdict before it starts anyway (CallContext.amd_wait_ms)."""
        return self.max_audio_ms + int(2 * self.stall_s * 1000) + 1000


def recording_rate_hz(codec_rate_hz: int) -> int:
    """16 kHz for wideband channels, 8 kHz otherwise (the rates the analyzer supports)."""
    return 16000 if codec_rate_hz >= 16000 else 8000


def recording_path(amd_dir: Path, uuid: str, rate_hz: int) -> Path:
    return amd_dir / f"{uuid}{'.r16' if rate_hz == 16000 else '.r8'}"


def record_command(uuid: str, path: Path, rate_hz: int, limit_s: int) -> str:
    """uuid_record start, read side only, at `rate_hz` (LocalProtocolError for an unusable path)."""
    variables = api_commands.channel_variable_block(
        {"RECORD_READ_ONLY": True, "record_sample_rate": rate_hz, "enable_file_write_buffering": False}
    )
    return f"{api_commands.uuid_record(uuid, 'start', str(path), limit_s)} {variables}"


def verdict_word(result: AmdResult) -> str:
    """AmdDecided.result: person, machine or notsure."""
    if result is AmdResult.HUMAN:
        return "person"
    return "notsure" if result is AmdResult.UNKNOWN else "machine"


class AmdCall:
    """Detection on channel `uuid` of a campaign with `voicemail` on; `run()` returns the facts."""

    def __init__(self, uuid: str, campaign_id: int, campaign: CampaignAmd, rate_hz: int, answered_at_s: float,
                 api: Callable[[], ApiSender], legs: LegLink, options: AmdOptions) -> None:
        self.uuid = uuid
        self.campaign_id = campaign_id
        self.campaign = campaign
        self.rate_hz = rate_hz
        self.path = recording_path(options.amd_dir, uuid, rate_hz)
        self._answered_at_s = answered_at_s
        self._api = api
        self._legs = legs
        self._options = options
        self._decisions: list[AmdDecision] = []
        self._offset_ms = 0
        self.facts: AmdFacts | None = None

    async def run(self) -> AmdFacts | None:
        recording = False
        try:
            recording = await self._start_recording()
            if recording:
                await self._listen()
            if self.facts is None:
                await self._settle(recording)
        finally:
            if recording:
                await self._stop_recording()
        return self.facts

    # -- recording -----------------------------------------------------------------------------------
    async def _start_recording(self) -> bool:
        options = self._options
        limit_s = -(-options.max_audio_ms // 1000) + LIMIT_SLACK_S
        loop = asyncio.get_running_loop()
        try:
            options.amd_dir.mkdir(parents=True, exist_ok=True)
            command = record_command(self.uuid, self.path, self.rate_hz, limit_s)
            sent_s = loop.time()
            reply = await self._api().api(command)
        except (OSError, EslError) as exc:
            log.warning("call %s: answering-machine detection cannot record: %s", self.uuid, exc)
            return False
        if not reply.startswith("+OK"):
            log.warning("call %s: FreeSWITCH refused to record for answering-machine detection: %s",
                        self.uuid, reply.strip())
            return False
        started_s = (sent_s + loop.time()) / 2
        self._offset_ms = max(0, round((started_s - self._answered_at_s) * 1000))
        return True

    async def _stop_recording(self) -> None:
        with contextlib.suppress(EslError):
            await self._api().api(api_commands.uuid_record(self.uuid, "stop", str(self.path)))
        if not self._options.keep_audio:
            try:
                self.path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("call %s: could not delete %s: %s", self.uuid, self.path, exc)

    # -- listening -----------------------------------------------------------------------------------
    async def _listen(self) -> None:
        """Reads what the file gained every poll interval (all of it at once) until a verdict is acted
        on, the leg ends (what was heard settles it) or no audio comes for `stall_s`."""
        options = self._options
        analyzer = AmdAnalyzer(self.rate_hz, options.params, wait_for_end=True)
        tail = RawAudioTail(self.path, self.rate_hz)
        done = self._legs.leg_done(self.uuid)
        loop = asyncio.get_running_loop()
        heard_at_s = loop.time()
        try:
            while True:
                ended = done is None or done.is_set()
                frames = tail.read_frames()
                if frames:
                    heard_at_s = loop.time()
                    if await self._analyse(analyzer, np.concatenate(frames)):
                        return
                if ended:
                    self._decisions += analyzer.finish()
                    return
                if loop.time() - heard_at_s >= options.stall_s:
                    if self.facts is not None:  # acted on already: nothing more to learn
                        return
                    log.warning("call %s: no audio in %s for %.1f s; answering-machine detection stops",
                                self.uuid, self.path, options.stall_s)
                    self._decisions += self._no_audio(analyzer.elapsed_ms)
                    return
                await asyncio.sleep(options.poll_interval_s)
        finally:
            tail.close()

    async def _analyse(self, analyzer: AmdAnalyzer, samples: npt.NDArray[np.int16]) -> bool:
        """Feeds audio and acts on what it decides; True when there is no more to listen for.

        After a person's verdict that may yet be revised the survey runs while the analyzer
        listens on: a machine found then hangs up under HUMAN ONLY, and under ALWAYS its survey
        starts over once the greeting is over; VOICEMAIL ONLY waits for the watch to end. After
        an end of greeting by silence a late beep starts the survey or the message over.
        """
        behavior = self.campaign.amd_behavior
        for decision in analyzer.feed(samples):
            self._decisions.append(decision)
            plan = plan_call(decision, behavior, voicemail=True)
            if plan.wait_for_end_of_greeting:
                continue
            if self.facts is None:
                await self._act(plan)
            else:
                await self._revise(plan)
            if plan.action is AmdAction.HANG_UP:
                return True
        if analyzer.done and self.facts is None and self._decisions:  # the watch ended: the verdict stands
            await self._act(replace(plan_call(self._decisions[-1], behavior, voicemail=True),
                                    wait_for_end_of_greeting=False))
        return analyzer.done

    def _no_audio(self, elapsed_ms: int) -> list[AmdDecision]:
        """What the audio stopping settles: nothing after a person's verdict (it stands)."""
        detections = [d for d in self._decisions if d.stage is AmdStage.DETECT]
        if detections and detections[-1].result is AmdResult.HUMAN:
            return []
        stage = AmdStage.DETECT if not detections else AmdStage.END_OF_GREETING
        result = AmdResult.UNKNOWN if not detections else AmdResult.MACHINE_END_OTHER
        return [AmdDecision(stage, result, f"NOAUDIO-{elapsed_ms}", elapsed_ms, final=True)]

    async def _settle(self, recording: bool) -> None:
        """No decision was acted on: the audio ended, stalled or could not be recorded."""
        if not self._decisions:
            cause = "NOAUDIO-0" if recording else "NORECORDING"
            self._decisions.append(AmdDecision(AmdStage.DETECT, AmdResult.UNKNOWN, cause, 0, final=True))
        last = self._decisions[-1]
        await self._act(plan_call(last, self.campaign.amd_behavior, voicemail=True))

    # -- acting ------------------------------------------------------------------------------------
    async def _act(self, plan: AmdPlan) -> None:
        action = plan.action
        facts = self.facts = facts_of(self._decisions, self._offset_ms, action.value)
        voicemail = self.campaign.voicemail_audio_path if action is AmdAction.PLAY_VOICEMAIL else None
        if action is AmdAction.PLAY_VOICEMAIL and voicemail is None:
            log.warning("campaign %s: no voicemail_audiofile to leave on machines; call %s hangs up",
                        self.campaign_id, self.uuid)
        log.info("call %s: answering-machine detection: %s (%s) at %d ms, beep at %s ms: %s", self.uuid,
                 facts.result.value, facts.cause, facts.decision_ms, facts.beep_ms, action.value)
        self._legs.note_amd(self.uuid, facts)
        decided = AmdDecided(verdict_word(facts.result), run_survey=action is AmdAction.RUN_SURVEY,
                             voicemail_audio_path=voicemail)
        if decided.run_survey:  # the caller is waiting: the survey first, the bookkeeping after
            self._legs.feed_input(self.uuid, decided)
            await self._set_variables(facts)
        else:  # the variables must be on the channel before it hangs up (the retry policy reads them)
            await self._set_variables(facts)
            self._legs.feed_input(self.uuid, decided)

    async def _revise(self, plan: AmdPlan) -> None:
        """A person's verdict turned out a machine after the survey began."""
        facts = self.facts = facts_of(self._decisions, self._offset_ms, plan.action.value)
        log.info("call %s: answering-machine detection revised: %s (%s) at %d ms: %s", self.uuid,
                 facts.result.value, facts.cause, facts.decision_ms, plan.action.value)
        self._legs.note_amd(self.uuid, facts)
        await self._set_variables(facts)
        word = verdict_word(facts.result)
        if plan.action is AmdAction.HANG_UP:
            self._legs.feed_input(self.uuid, AmdDecided(word, run_survey=False))
        elif plan.action is AmdAction.RUN_SURVEY:  # ALWAYS: the greeting is over, the message starts over
            self._legs.feed_input(self.uuid, AmdDecided(word, run_survey=True, restart_survey=True))
        elif plan.action is AmdAction.PLAY_VOICEMAIL and self.campaign.voicemail_audio_path:  # a late beep
            self._legs.feed_input(self.uuid, AmdDecided(word, False, self.campaign.voicemail_audio_path,
                                                        restart_survey=True))

    async def _set_variables(self, facts: AmdFacts) -> None:
        try:
            for name, value in channel_variables(facts).items():
                await self._api().api(api_commands.uuid_setvar(self.uuid, name, value))
        except EslError as exc:
            log.info("call %s: answering-machine variables not set: %s", self.uuid, exc)
