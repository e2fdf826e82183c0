"""Every section type and branching key kind through the daemon, the simulator and SQLite."""

from __future__ import annotations

import asyncio
from pathlib import Path

import peewee
import pytest

from ivrd.sim import Callee
from ivrd.store.models import Campaign, DncContact, DncList, Gateway, SmsGateway, SmsMessage, Survey
from tests.integration.runtime.harness import SurveyBuilder, aggregates, results_by_section, running

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FAST = {"dtmf_delay_ms": 20}


def test_rating_and_capture_with_terminator_follow_exact_and_any_keys(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            rating = b.section(3, "Rate us", rating_laps=5, audiofile=b.audio("rate"))
            code = b.section(4, "Code?", number_digits=4, validate_number=False, audiofile=b.audio("code"))
            low = b.play("Sorry to hear")
            b.goto(rating, "2", low)
            b.goto(rating, "4", code)
            b.goto(code, "12", low)
            uuid, _ = await h.run_call(b.survey.id, Callee(dtmf=("4", "12#", ""), **FAST))
            rows = results_by_section(b.survey.id)
            assert [r.response for r in rows[rating.id]] == ["4"]
            assert [r.response for r in rows[code.id]] == ["12"]
            assert h.app_names(uuid) == ["play_and_get_digits", "play_and_get_digits", "playback"]
            assert aggregates(b.survey.id) == {(rating.id, "4"): 1, (code.id, "12"): 1}

    asyncio.run(main())


def test_timeouts_retry_with_the_invalid_prompt_then_take_the_timeout_branch(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            oops = b.audio("oops")
            colour = b.section(2, "Colour?", key_1="Red", key_2="Blue", retries=1, timeout=1,
                               audiofile=b.audio("colour"), invalid_audiofile=oops)
            after = b.play("No answer")
            b.goto(colour, "timeout", after)
            uuid, _ = await h.run_call(b.survey.id, Callee(dtmf=(), **FAST))
            played = h.apps[uuid]
            assert [name for name, _ in played] == [
                "play_and_get_digits", "playback", "play_and_get_digits", "playback"]
            assert played[1][1].endswith("oops.wav") and "play" in played[3][1]
            rows = results_by_section(b.survey.id)
            assert [(r.response, r.record_file) for r in rows[colour.id]] == [("", "")]
            assert aggregates(b.survey.id) == {}

    asyncio.run(main())


def test_invalid_key_is_retried_and_the_second_answer_counts(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            colour = b.section(2, "Colour?", key_1="Red", key_2="Blue", retries=2,
                               audiofile=b.audio("colour"), invalid_audiofile=b.audio("oops"))
            age = b.section(4, "Age?", number_digits=2, min_number=18, max_number=99,
                            audiofile=b.audio("age"))
            under = b.play("Too young")
            b.goto(colour, "2", age)
            b.goto(age, "invalid", under)
            uuid, _ = await h.run_call(b.survey.id, Callee(dtmf=("7", "2", "12"), **FAST))
            assert h.app_names(uuid) == ["play_and_get_digits", "playback", "play_and_get_digits",
                                         "play_and_get_digits", "playback"]
            assert "^[12]$" in h.apps[uuid][0][1]
            rows = results_by_section(b.survey.id)
            assert [r.response for r in rows[colour.id]] == ["Blue"]
            assert [r.response for r in rows[age.id]] == ["12"]  # out of range: stored, not counted
            assert aggregates(b.survey.id) == {(colour.id, "Blue"): 1}

    asyncio.run(main())


def test_tts_prompts_substitute_tags_and_spell_the_caller_number(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            hello = b.section(1, "Hello", script="Hi {first_name}, from {contact}.")
            pick = b.section(2, "Pick", key_1="Yes", script="Press one, it's ok")
            b.goto(hello, "0", pick)
            b.goto(pick, "1", None)
            uuid, _ = await h.run_call(b.survey.id, Callee(dtmf=("1",), **FAST), caller_id="123")
            (speak, text), (collect, args) = h.apps[uuid]
            assert (speak, text) == ("speak", "flite|slt|Hi , from 1 2 3.")
            assert collect == "play_and_get_digits"
            assert "'tts://flite|slt|Press one, it\u2019s ok'" in args
            assert [r.response for r in results_by_section(b.survey.id)[pick.id]] == ["Yes"]

    asyncio.run(main())


def test_the_survey_language_picks_the_configured_tts_engine(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path, tts_languages="fr=tts_commandline|fr") as h:
            b = SurveyBuilder(h.media_root)
            Survey.update(tts_language="fr").where(Survey.id == b.survey.id).execute()
            b.section(1, "Bonjour", script="Bonjour {first_name}")
            uuid, _ = await h.run_call(b.survey.id, Callee(**FAST))
            assert h.apps[uuid] == [("speak", "tts_commandline|fr|Bonjour")]

    asyncio.run(main())


def test_hangup_section_plays_then_ends_and_completed_flag_is_reported(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            thanks = b.section(7, "Thanks", audiofile=b.audio("thanks"), completed=True)
            uuid, outcome = await h.run_call(b.survey.id, Callee(**FAST))
            entry = await h.call_ended(uuid)
            assert h.app_names(uuid) == ["playback"]
            assert outcome.completed and "ends the call" in outcome.reason
            assert entry["cause"] == "NORMAL_CLEARING"
            assert results_by_section(b.survey.id) == {}
            assert thanks.id

    asyncio.run(main())


def _campaign(b: SurveyBuilder, **fields: object) -> Campaign:
    gateway = Gateway.create(name="gw", gateways="sofia/gateway/gw/")
    return Campaign.create(user=b.user, name="c", aleg_gateway=gateway, **fields)


def test_dnc_and_sms_sections_write_their_rows_for_a_campaign_call(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            dnc_list = DncList.create(user=b.user, name="no calls")
            sms_gateway = SmsGateway.create(name="sms", user=b.user)
            campaign = _campaign(b, dnc=dnc_list, sms_gateway=sms_gateway, callerid="4242")
            sms = b.section(10, "Text", sms_text="Hi {contact}", audiofile=b.audio("sms"), completed=True)
            dnc = b.section(9, "Removed", audiofile=b.audio("dnc"))
            b.goto(sms, "0", dnc)
            _, outcome = await h.run_call(b.survey.id, Callee(**FAST), ivrd_campaign=str(campaign.id))
            assert outcome.completed
            rows = results_by_section(b.survey.id)
            assert [r.response for r in rows[sms.id]] == ["SMS: 15550001111"]
            assert [r.response for r in rows[dnc.id]] == ["DNC: 15550001111"]
            assert [c.phone_number for c in DncContact.select()] == ["15550001111"]
            message = SmsMessage.get()
            assert (message.destination, message.text, message.sender, message.status) == (
                "15550001111", "Hi 1 5 5 5 0 0 0 1 1 1 1", "4242", "unsent")
            assert message.sms_gateway_id == sms_gateway.id and message.campaign_id == campaign.id
            assert Campaign.get_by_id(campaign.id).completed == 1

    asyncio.run(main())


def test_conference_joins_the_room_until_the_caller_leaves(database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            room = b.section(8, "Joining", conference="sales", audiofile=b.audio("join"))
            uuid, outcome = await h.run_call(b.survey.id, Callee(hangup_after_ms=500, **FAST))
            assert h.apps[uuid] == [("playback", str(h.media_root / "upload/audiofiles/join.wav")),
                                    ("conference", "sales@default")]
            assert [r.response for r in results_by_section(b.survey.id)[room.id]] == ["conf: sales"]
            assert outcome.reason.startswith("hung up")

    asyncio.run(main())
