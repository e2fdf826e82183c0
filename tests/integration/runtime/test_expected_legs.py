"""Originated calls (the dialer's path): expect_leg, results on the call attempt, completion, CDR hook."""

from __future__ import annotations

import asyncio
import dataclasses
import re
import uuid as uuid_module
from pathlib import Path

import peewee
import pytest

from ivrd.esl.api_commands import originate
from ivrd.esl.events import HangupEvent
from ivrd.runtime.leg_spec import LegSpec
from ivrd.runtime.survey_store import campaign_context
from ivrd.sim import Callee, Scenario
from ivrd.store.constants import SubscriberStatus
from ivrd.store.models import CallRequest, Campaign, Contact, Gateway, Phonebook, Result, Subscriber
from ivrd.survey import AmdDecided
from tests.integration.runtime.harness import WAIT_S, SurveyBuilder, aggregates, running

SCENARIO = Scenario(callees=[
    (re.compile("^1000$"), Callee(ring_ms=50, dtmf=("2",), dtmf_delay_ms=20)),
    (re.compile("^2000$"), Callee(ring_ms=50, answer=False, hangup_cause="USER_BUSY")),
])


@pytest.mark.parametrize("db_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
                         indirect=True)
def test_expected_leg_saves_results_on_its_call_attempt_and_marks_completion(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path, SCENARIO) as h:
            b = SurveyBuilder(h.media_root)
            choice = b.section(2, "Hi {first_name}?", key_1="no", key_2="yes", script="Hi {first_name}")
            done = b.section(7, "Bye", completed=True, audiofile=b.audio("bye"))
            b.goto(choice, "2", done)
            campaign = Campaign.create(user=b.user, name="c", survey=b.survey,
                                       aleg_gateway=Gateway.create(name="gw", gateways="sofia/gateway/gw/"))
            book = Phonebook.create(user=b.user, name="pb")
            contact = Contact.create(phonebook=book, contact="1000", first_name="Ada",
                                     additional_vars='{"first_name": "Ada L"}')
            subscriber = Subscriber.create(contact=contact, campaign=campaign,
                                           status=SubscriberStatus.IN_PROCESS)
            attempt = CallRequest.create(user=b.user, phone_number="1000", campaign=campaign,
                                         subscriber=subscriber)
            hangups: list[HangupEvent] = []
            h.daemon.dispatcher.on_hangup_complete(hangups.append)
            leg_uuid = str(uuid_module.uuid4())
            context = campaign_context(campaign, dialled_number="1000", call_ref=leg_uuid, contact=contact)
            h.daemon.dispatcher.expect_leg(leg_uuid, LegSpec(
                survey_id=b.survey.id, context=context, callrequest_id=attempt.id,
                subscriber_id=subscriber.id, campaign_id=campaign.id))
            job = await h.daemon.client.bgapi(originate("sofia/gateway/gw/1000",
                                                        variables={"origination_uuid": leg_uuid}))
            assert (await asyncio.wait_for(job, WAIT_S)).ok
            outcome = await h.finished(leg_uuid)
            await h.call_ended(leg_uuid)
            assert outcome.completed and outcome.callrequest_id == attempt.id
            assert h.apps[leg_uuid][0][0] == "play_and_get_digits"
            assert "tts://flite|slt|Hi Ada L" in h.apps[leg_uuid][0][1]
            (row,) = Result.select().where(Result.callrequest == attempt.id)
            assert (row.section_id, row.response) == (choice.id, "yes")
            assert aggregates(b.survey.id) == {(choice.id, "yes"): 1}
            assert CallRequest.get_by_id(attempt.id).completed
            assert Subscriber.get_by_id(subscriber.id).status == SubscriberStatus.COMPLETED
            assert Campaign.get_by_id(campaign.id).completed == 1
            async with asyncio.timeout(WAIT_S):
                while not any(e.unique_id == leg_uuid for e in hangups):
                    await asyncio.sleep(0.01)

    asyncio.run(main())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_unanswered_originate_drops_the_expectation_and_reaches_the_hangup_hook(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path, SCENARIO) as h:
            hangups: list[HangupEvent] = []
            h.daemon.dispatcher.on_hangup_complete(hangups.append)
            leg_uuid = str(uuid_module.uuid4())
            context = campaign_context(None, dialled_number="2000", call_ref=leg_uuid)
            h.daemon.dispatcher.expect_leg(leg_uuid, LegSpec(survey_id=1, context=context))
            job = await h.daemon.client.bgapi(originate("sofia/gateway/gw/2000",
                                                        variables={"origination_uuid": leg_uuid}))
            result = await asyncio.wait_for(job, WAIT_S)
            assert not result.ok and result.error == "USER_BUSY"
            async with asyncio.timeout(WAIT_S):
                while not any(e.unique_id == leg_uuid for e in hangups):
                    await asyncio.sleep(0.01)
            (hangup,) = [e for e in hangups if e.unique_id == leg_uuid]
            assert hangup.cause.name == "USER_BUSY" and not hangup.answered
            assert h.daemon.dispatcher.leg(leg_uuid) is None
            assert not h.daemon.dispatcher.is_expected(leg_uuid)

    asyncio.run(main())


@pytest.mark.parametrize("verdict", ["machine", None], ids=["voicemail", "no-verdict"])
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_leg_waiting_for_amd_leaves_voicemail_or_starts_the_survey_when_the_wait_ends(
        database: peewee.Database, tmp_path: Path, verdict: str | None) -> None:
    async def main() -> None:
        async with running(tmp_path, SCENARIO) as h:
            b = SurveyBuilder(h.media_root)
            choice = b.section(2, "Colour?", key_2="Red", audiofile=b.audio("colour"))
            b.goto(choice, "2", None)
            voicemail = str(b.audio("voicemail").audio_file)
            leg_uuid = str(uuid_module.uuid4())
            context = dataclasses.replace(
                campaign_context(None, dialled_number="1000", call_ref=leg_uuid, wait_for_amd=True),
                amd_wait_ms=300)
            h.daemon.dispatcher.expect_leg(leg_uuid, LegSpec(survey_id=b.survey.id, context=context))
            await h.daemon.client.bgapi(originate("sofia/gateway/gw/1000",
                                                  variables={"origination_uuid": leg_uuid}))
            if verdict is not None:
                async with asyncio.timeout(WAIT_S):
                    while h.daemon.dispatcher.leg(leg_uuid) is None:
                        await asyncio.sleep(0.005)
                decided = AmdDecided(verdict, run_survey=False,
                                     voicemail_audio_path=str(h.media_root / voicemail))
                assert h.daemon.dispatcher.feed_input(leg_uuid, decided)
            outcome = await h.finished(leg_uuid)
            responses = [r.response for r in Result.select().where(Result.section == choice.id)]
            if verdict is None:
                assert h.app_names(leg_uuid) == ["play_and_get_digits"] and responses == ["Red"]
            else:
                assert h.apps[leg_uuid] == [("playback", str(h.media_root / voicemail))]
                assert responses == [] and outcome.reason == "voicemail message left"

    asyncio.run(main())
