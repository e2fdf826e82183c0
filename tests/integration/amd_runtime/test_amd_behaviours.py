"""Answering-machine detection end to end: originated campaign calls against the simulator, per amd_behavior.

Each behaviour's campaign calls seven callees at once (a person, a voicemail greeting with a beep
and one without, a short greeting whose pause passes for a person's until the beep, a greeting
whose beep comes after its end by silence, dead air, a fax machine), the way the dialer does
(expect_leg, then bgapi originate &park()). The simulator streams each greeting in real time into
the recording ivrd asks for; the test checks what each call did and when (from the simulator's
event timestamps), the channel variables its hangup carries, its LegOutcome and the amd_* columns
of its call record.
"""

from __future__ import annotations

import asyncio
import re
import uuid as uuid_module
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import peewee
import pytest

from ivrd.amd import AmdResult
from ivrd.esl.api_commands import originate
from ivrd.esl.codec import EslEvent
from ivrd.esl.events import HangupEvent
from ivrd.runtime.amd_facts import cdr_columns, facts_from_variables
from ivrd.runtime.leg_spec import LegOutcome, LegSpec
from ivrd.runtime.survey_store import campaign_context
from ivrd.sim import Callee, Scenario
from ivrd.store.models import CallRecord, CallRequest, Campaign, Gateway
from tests.integration.amd_runtime.greetings import Greeting, greetings
from tests.integration.runtime.harness import WAIT_S, Harness, SurveyBuilder, running

KINDS = ("human", "beep", "nobeep", "short", "late", "dead", "fax")
EVENTS = ("CHANNEL_EXECUTE", "PLAYBACK_START")
SURVEY_START_MAX_MS = 300  # a person hears the survey this soon after the verdict

# behaviour -> kind -> (what the call does, the result on its record). "short" is taken for a
# person first: ALWAYS starts its survey, then over again after the beep ("survey restarted"),
# HUMAN ONLY hangs up on the beep mid-survey ("revised"), VOICEMAIL ONLY waits out the watch and
# so hears the beep. "late" is taken to have ended by silence before its beep: the survey or the
# message starts, then over again after the beep ("... restarted").
EXPECTED: dict[int, dict[str, tuple[str, AmdResult]]] = {
    1: {"human": ("survey", AmdResult.HUMAN), "beep": ("survey", AmdResult.MACHINE_END_BEEP),
        "nobeep": ("survey", AmdResult.MACHINE_END_SILENCE),
        "short": ("survey restarted", AmdResult.MACHINE_END_BEEP),
        "late": ("survey restarted", AmdResult.MACHINE_END_BEEP),
        "dead": ("survey", AmdResult.UNKNOWN), "fax": ("hangup", AmdResult.FAX)},
    2: {"human": ("survey", AmdResult.HUMAN), "beep": ("hangup", AmdResult.MACHINE_START),
        "nobeep": ("hangup", AmdResult.MACHINE_START), "short": ("revised", AmdResult.MACHINE_START),
        "late": ("hangup", AmdResult.MACHINE_START),
        "dead": ("survey", AmdResult.UNKNOWN), "fax": ("hangup", AmdResult.FAX)},
    3: {"human": ("hangup", AmdResult.HUMAN), "beep": ("voicemail", AmdResult.MACHINE_END_BEEP),
        "nobeep": ("voicemail", AmdResult.MACHINE_END_SILENCE),
        "short": ("voicemail", AmdResult.MACHINE_END_BEEP),
        "late": ("voicemail restarted", AmdResult.MACHINE_END_BEEP),
        "dead": ("hangup", AmdResult.UNKNOWN), "fax": ("hangup", AmdResult.FAX)},
}
REVISION_MAX_MS = 700  # a person's verdict revised by a beep: the call ends this soon after the beep
CDR_STATUS = {AmdResult.HUMAN: 1, AmdResult.UNKNOWN: 3}  # everything else is a machine (2)


@dataclass
class Call:
    behaviour: int
    greeting: Greeting
    number: str
    uuid: str
    attempt_id: int
    events: list[EslEvent] = field(default_factory=list)
    outcome: LegOutcome | None = None

    def times_ms(self, name: str, application: str | None = None, data: str | None = None) -> list[float]:
        """Event times (ms after answer) of events `name`, optionally of one application/file."""
        answer = self.at_ms(next(e for e in self.events if e.name == "CHANNEL_ANSWER"))
        found = []
        for event in self.events:
            if event.name != name:
                continue
            if application is not None and event.headers.get("Application") != application:
                continue
            if data is not None and (event.headers.get("Application-Data") or
                                     event.headers.get("Playback-File-Path")) != data:
                continue
            found.append(self.at_ms(event) - answer)
        return found

    @staticmethod
    def at_ms(event: EslEvent) -> float:
        return int(event.headers["Event-Date-Timestamp"]) / 1000


def _scenario(folder: Path) -> Scenario:
    callees = [(re.compile(rf"^55\d{index}$"), Callee(ring_ms=50, greeting=greeting.write(folder)))
               for index, greeting in enumerate(greetings()[kind] for kind in KINDS)]
    return Scenario(callees=callees)


async def _place_calls(h: Harness) -> tuple[list[Call], str, str]:
    """The three campaigns (amd_behavior 1, 2, 3) and their 21 calls, all ringing at once."""
    b = SurveyBuilder(h.media_root)
    welcome = b.play("Welcome", completed=True, audiofile=b.audio("welcome", duration_ms=3000))
    voicemail = b.audio("voicemail", duration_ms=1500)
    gateway = Gateway.create(name="gw", gateways="sofia/gateway/gw/")
    survey_audio = str(h.media_root / welcome.audiofile.audio_file)
    calls: list[Call] = []
    for behaviour in (1, 2, 3):
        campaign = Campaign.create(user=b.user, name=f"amd-{behaviour}", survey=b.survey,
                                   aleg_gateway=gateway, voicemail=True, amd_behavior=behaviour,
                                   voicemail_audiofile=voicemail)
        for index, kind in enumerate(KINDS):
            number = f"55{behaviour}{index}"
            attempt = CallRequest.create(user=b.user, phone_number=number, campaign=campaign)
            leg_uuid = str(uuid_module.uuid4())
            context = campaign_context(campaign, dialled_number=number, call_ref=leg_uuid)
            h.daemon.dispatcher.expect_leg(leg_uuid, LegSpec(
                survey_id=b.survey.id, context=context, callrequest_id=attempt.id, campaign_id=campaign.id))
            calls.append(Call(behaviour, greetings()[kind], number, leg_uuid, attempt.id))
    by_uuid = {call.uuid: call for call in calls}

    def note(event: EslEvent) -> None:
        call = by_uuid.get(event.headers.get("Unique-ID") or "")
        if call is not None:
            call.events.append(event)

    for name in ("CHANNEL_ANSWER", "CHANNEL_HANGUP_COMPLETE", *EVENTS):
        h.daemon.dispatcher.add_event_hook(name, note)

    def write_record(event: HangupEvent) -> None:  # the dialer stores the call record after the hangup
        call = by_uuid.get(event.unique_id)
        if call is not None:
            facts = facts_from_variables(event.variable)
            columns = cdr_columns(facts) if facts is not None else {}
            h.daemon.db.submit(lambda: CallRecord.create(user=b.user, callrequest=call.attempt_id,
                                                         callid=call.uuid, **columns))

    h.daemon.dispatcher.on_hangup_complete(write_record)
    jobs = [await h.daemon.client.bgapi(originate(f"sofia/gateway/gw/{call.number}",
                                                  variables={"origination_uuid": call.uuid}))
            for call in calls]
    assert all(job.ok for job in await asyncio.wait_for(asyncio.gather(*jobs), WAIT_S))
    return calls, survey_audio, str(h.media_root / voicemail.audio_file)


async def _until(predicate: Callable[[], bool], what: str) -> None:
    """Polls state another thread writes (the database) until true."""
    try:
        async with asyncio.timeout(WAIT_S):
            while not predicate():
                await asyncio.sleep(0.05)
    except TimeoutError:
        pytest.fail(f"timed out waiting for {what}")


def _check_call(call: Call, survey_audio: str, voicemail_audio: str) -> None:
    where = f"amd_behavior {call.behaviour}, {call.greeting.kind}"
    action, result = EXPECTED[call.behaviour][call.greeting.kind]
    assert call.outcome is not None and call.outcome.amd is not None, where
    facts = call.outcome.amd
    assert facts.result is result, where
    assert facts.status == ("person" if result in (AmdResult.HUMAN, AmdResult.UNKNOWN) else "machine"), where
    plays = call.times_ms("PLAYBACK_START")
    survey_starts = call.times_ms("CHANNEL_EXECUTE", "playback", survey_audio)
    message_starts = call.times_ms("PLAYBACK_START", data=voicemail_audio)
    hangup_ms = call.times_ms("CHANNEL_HANGUP_COMPLETE")[0]
    if action in ("survey", "survey restarted"):
        assert survey_starts and not message_starts, where
        assert call.outcome.completed, where
        if result in (AmdResult.HUMAN, AmdResult.UNKNOWN):
            assert survey_starts[0] - facts.decision_ms <= SURVEY_START_MAX_MS, where
        if action == "survey restarted":
            assert call.greeting.beep_end_ms is not None and len(survey_starts) == 2, where
            assert survey_starts[0] < call.greeting.beep_end_ms <= survey_starts[1], where
            assert survey_starts[1] <= call.greeting.beep_end_ms + REVISION_MAX_MS, where
        elif call.greeting.beep_end_ms is not None:
            assert survey_starts == [s for s in survey_starts if s >= call.greeting.beep_end_ms], where
    elif action == "revised":
        assert call.greeting.beep_end_ms is not None and survey_starts, where
        assert survey_starts[0] < call.greeting.beep_end_ms < hangup_ms, where
        assert hangup_ms <= call.greeting.beep_end_ms + REVISION_MAX_MS, where
        assert "after the survey began" in call.outcome.reason, where
        assert facts.cause.startswith("HUMAN-") and "AFTERHUMAN" in facts.cause, where
    elif action == "voicemail restarted":
        assert call.greeting.beep_end_ms is not None and call.greeting.speech_end_ms is not None, where
        assert len(message_starts) == 2 and not survey_starts, where
        assert call.greeting.speech_end_ms < message_starts[0] < call.greeting.beep_end_ms, where
        beep_end_ms = call.greeting.beep_end_ms
        assert beep_end_ms <= message_starts[1] <= beep_end_ms + REVISION_MAX_MS, where
        assert call.outcome.reason == "voicemail message left", where
    elif action == "voicemail":
        assert message_starts and not survey_starts, where
        assert call.outcome.reason == "voicemail message left", where
        ends_at_ms = call.greeting.beep_end_ms or call.greeting.speech_end_ms
        assert ends_at_ms is not None and ends_at_ms <= message_starts[0] <= ends_at_ms + 2500, where
        if call.greeting.beep_end_ms is not None:
            assert facts.beep_ms is not None and abs(facts.beep_ms - call.greeting.beep_end_ms) <= 120, where
            assert message_starts[0] <= call.greeting.beep_end_ms + 700, where
    else:
        assert plays == [] and not call.outcome.completed, where
        if result is AmdResult.MACHINE_START:  # human-only campaigns do not wait for the greeting's end
            assert call.greeting.speech_end_ms is not None and hangup_ms < call.greeting.speech_end_ms, where
    hangup = HangupEvent(next(e for e in call.events if e.name == "CHANNEL_HANGUP_COMPLETE"))
    assert facts_from_variables(hangup.variable) == facts, where
    assert hangup.variable("amd_status") == facts.status, where
    record = CallRecord.get(CallRecord.callrequest == call.attempt_id)
    assert (record.amd_status, record.amd_result, record.amd_cause) == (
        CDR_STATUS.get(result, 2), result.value, facts.cause), where
    assert (record.amd_decision_ms, record.amd_beep_ms) == (facts.decision_ms, facts.beep_ms), where


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_each_amd_behavior_surveys_hangs_up_or_leaves_voicemail_as_its_campaign_says(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> tuple[list[Call], str, str, list[Path]]:
        async with running(tmp_path, _scenario(tmp_path / "greetings"), events=EVENTS) as h:
            calls, survey_audio, voicemail_audio = await _place_calls(h)
            outcomes = await asyncio.gather(*(h.finished(call.uuid) for call in calls))
            for call, outcome in zip(calls, outcomes, strict=True):
                call.outcome = outcome
                await h.call_ended(call.uuid)
            await _until(lambda: not h.daemon.amd.calls, "detections to end")
            ids = [call.attempt_id for call in calls]
            stored = CallRecord.select().where(CallRecord.callrequest.in_(ids), CallRecord.amd_result != "")
            await _until(lambda: stored.count() == len(ids), "AMD columns on the call records")
            amd_dir = h.daemon.amd.options.amd_dir
            left = sorted(amd_dir.iterdir()) if amd_dir.exists() else []
            return calls, survey_audio, voicemail_audio, left

    calls, survey_audio, voicemail_audio, left = asyncio.run(main())
    for call in calls:
        _check_call(call, survey_audio, voicemail_audio)
    assert left == []  # recordings are deleted (media.keep_amd_audio is off)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_callee_hanging_up_during_detection_still_gets_its_detection_on_the_call_record(
        database: peewee.Database, tmp_path: Path) -> None:
    greeting = greetings()["nobeep"].write(tmp_path / "greetings")
    scenario = Scenario(default=Callee(ring_ms=50, greeting=greeting, hangup_after_ms=1500))

    async def main() -> tuple[LegOutcome, CallRecord]:
        async with running(tmp_path, scenario) as h:
            b = SurveyBuilder(h.media_root)
            b.play("Welcome", completed=True)
            gateway = Gateway.create(name="gw", gateways="sofia/gateway/gw/")
            campaign = Campaign.create(user=b.user, name="amd", survey=b.survey, voicemail=True,
                                       amd_behavior=3, aleg_gateway=gateway)
            attempt = CallRequest.create(user=b.user, phone_number="5000", campaign=campaign)
            leg_uuid = str(uuid_module.uuid4())
            h.daemon.dispatcher.on_hangup_complete(lambda event: h.daemon.db.submit(
                lambda: CallRecord.create(user=b.user, callrequest=attempt.id, callid=leg_uuid)))
            context = campaign_context(campaign, dialled_number="5000", call_ref=leg_uuid)
            h.daemon.dispatcher.expect_leg(leg_uuid, LegSpec(
                survey_id=b.survey.id, context=context, callrequest_id=attempt.id, campaign_id=campaign.id))
            variables = {"origination_uuid": leg_uuid}
            await h.daemon.client.bgapi(originate("sofia/gateway/gw/5000", variables=variables))
            outcome = await h.finished(leg_uuid)
            stored = CallRecord.select().where(CallRecord.callrequest == attempt.id,
                                               CallRecord.amd_result != "")
            await _until(lambda: stored.count() == 1, "AMD columns on the call record")
            return outcome, stored.get()

    outcome, record = asyncio.run(main())
    assert outcome.reason != "voicemail message left" and not outcome.completed
    assert (record.amd_status, record.amd_result) == (3, "unknown")
    assert record.amd_cause.startswith("HANGUP-") and 1000 <= (record.amd_decision_ms or 0) <= 2000
