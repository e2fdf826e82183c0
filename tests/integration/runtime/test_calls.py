"""Transfers, recordings, callers hanging up anywhere, and inbound requests the daemon cannot serve."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import peewee
import pytest

from ivrd.esl.codec import EslEvent
from ivrd.sim import Callee, Scenario
from ivrd.store.models import BranchingTemplate, Result, SectionTemplate, Survey, SurveyTemplate
from tests.integration.runtime.harness import (
    SurveyBuilder,
    aggregates,
    results_by_section,
    running,
    write_wav,
)

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
FAST = {"dtmf_delay_ms": 20}
BUSY, TALKER, SLOW = "sofia/gateway/gw/2000", "sofia/gateway/gw/3000", "sofia/gateway/gw/4000"
SCENARIO = Scenario(callees=[
    (re.compile("^2000$"), Callee(ring_ms=50, answer=False, hangup_cause="USER_BUSY")),
    (re.compile("^3000$"), Callee(ring_ms=50, hangup_after_ms=300)),
    (re.compile("^4000$"), Callee(ring_ms=1_500)),
])


@pytest.mark.parametrize(("destination", "disposition"), [(BUSY, "USER_BUSY"), (TALKER, "SUCCESS")])
def test_transfer_resumes_at_branching_zero_when_the_bridge_ends(
        database: peewee.Database, tmp_path: Path, destination: str, disposition: str) -> None:
    async def main() -> None:
        async with running(tmp_path, SCENARIO) as h:
            b = SurveyBuilder(h.media_root)
            transfer = b.section(6, "Transfer", phonenumber=destination, audiofile=b.audio("hold"))
            after = b.play("After")
            b.goto(transfer, "0", after)
            uuid, outcome = await h.run_call(b.survey.id, Callee(**FAST))
            names = h.app_names(uuid)
            assert names == ["set", "set", "bind_meta_app", "set", "set", "bridge", "playback"]
            assert h.apps[uuid][2][1] == "0 a o hangup::NORMAL_CLEARING"
            assert h.completion_variable(uuid, "bridge", "originate_disposition") == disposition
            bridge_arg = h.apps[uuid][5][1]
            assert bridge_arg.startswith("{") and bridge_arg.endswith("}" + destination)
            for variable in ("ignore_early_media=true", "origination_caller_id_number=15550001111",
                             "ivrd_leg_type=bleg", "originate_timeout=300"):
                assert variable in bridge_arg
            assert ("set", "hangup_after_bridge=false") in h.apps[uuid]
            rows = results_by_section(b.survey.id)
            assert [r.response for r in rows[transfer.id]] == [f"phonenumber: {destination}"]
            assert "hung up" not in outcome.reason

    asyncio.run(main())


def _press_hash_after_record_start(h_sim: object, delay_s: float) -> object:
    def hook(event: EslEvent) -> None:
        uuid = event.headers.get("Unique-ID") or ""
        channel = h_sim.channels.get(uuid)  # type: ignore[attr-defined]
        if channel is not None:
            asyncio.get_running_loop().call_later(delay_s, channel.press, "#")

    return hook


@pytest.mark.parametrize("end_with_hash", [True, False], ids=["hash", "silence"])
def test_recording_ends_with_hash_or_silence_and_is_stored_with_its_duration(
        database: peewee.Database, tmp_path: Path, end_with_hash: bool) -> None:
    async def main() -> None:
        async with running(tmp_path, events=("RECORD_START",)) as h:
            if end_with_hash:
                h.daemon.dispatcher.add_event_hook("RECORD_START", _press_hash_after_record_start(h.sim, 1.2))
            b = SurveyBuilder(h.media_root)
            record = b.section(5, "Speak", audiofile=b.audio("beep"))
            uuid, _ = await h.run_call(b.survey.id, Callee(speech=Path("synth:human"), **FAST))
            assert h.app_names(uuid) == ["playback", "set", "record"]
            assert ("set", "playback_terminators=#") in h.apps[uuid]
            (row,) = results_by_section(b.survey.id)[record.id]
            assert row.record_file.startswith(f"recording-{record.id}-") and row.record_file.endswith(".wav")
            assert (h.media_root / "recording" / row.record_file).is_file()
            expected_s = 1 if end_with_hash else 6
            assert row.recording_duration == expected_s
            bucket = "0 - 20 seconds"
            assert aggregates(b.survey.id) == {(record.id, bucket): 1}

    asyncio.run(main())


def test_callers_hanging_up_in_each_kind_of_section_end_their_legs_cleanly(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path, SCENARIO) as h:
            b = SurveyBuilder(h.media_root)
            long_audio = b.audio("long", duration_ms=5000)
            surveys = {}
            for kind, fields in {
                "play": {"type_": 1, "audiofile": long_audio},
                "choice": {"type_": 2, "key_1": "A", "audiofile": long_audio},
                "record": {"type_": 5, "audiofile": b.audio("short")},
                "transfer": {"type_": 6, "phonenumber": SLOW},
                "conference": {"type_": 8, "conference": "9888"},
            }.items():
                builder = SurveyBuilder(h.media_root, name=kind)
                type_ = fields.pop("type_")
                surveys[kind] = (builder.survey.id, builder.section(type_, kind, **fields))
            calls = {kind: await h.call(survey_id, Callee(hangup_after_ms=400, **FAST))
                     for kind, (survey_id, _) in surveys.items()}
            outcomes = {kind: await h.finished(uuid) for kind, uuid in calls.items()}
            for kind, outcome in outcomes.items():
                assert outcome.reason.startswith("hung up"), (kind, outcome)
                assert outcome.hangup_cause == "NORMAL_CLEARING"
                assert (await h.call_ended(calls[kind]))["cause"] == "NORMAL_CLEARING"
            responses = {kind: [(r.response, r.record_file, r.recording_duration)
                                for r in Result.select().where(Result.section == section.id)]
                         for kind, (_, section) in surveys.items()}
            assert responses["play"] == [] and responses["choice"] == []
            assert responses["transfer"] == [(f"phonenumber: {SLOW}", "", 0)]
            assert responses["conference"] == [("conf: 9888", "", 0)]
            ((response, record_file, duration),) = responses["record"]
            assert response == "" and record_file.startswith("recording-") and duration == 0
            for survey_id, _ in surveys.values():  # transfer/conference count; the cut recording does not
                counted = aggregates(survey_id)
                assert all(not key[1].endswith("seconds") for key in counted)

    asyncio.run(main())


@pytest.mark.parametrize(("survey", "reason"), [
    ("999", "survey 999 does not exist"),
    ("template:77", "survey template 77 does not exist"),
    ("abc", "ivrd_survey: expected a positive id"),
    ("", "ivrd_survey: required"),
])
def test_inbound_call_for_a_survey_that_cannot_run_is_hung_up_politely(
        database: peewee.Database, tmp_path: Path, survey: str, reason: str,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)

    async def main() -> None:
        async with running(tmp_path) as h:
            uuid, outcome = await h.run_call(survey, Callee(**FAST))
            entry = await h.call_ended(uuid)
            assert reason in outcome.reason
            assert h.app_names(uuid) == ["playback", "hangup"]
            assert h.apps[uuid][0][1].endswith("technical_difficulties.wav")
            assert entry["answered"] and entry["cause"] == "NORMAL_CLEARING"

    asyncio.run(main())
    # An expected outcome: one clear line, no traceback and no error anywhere in the log.
    assert [r.levelname for r in caplog.records if reason in r.getMessage()] == ["WARNING"]
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


def test_inbound_template_is_sealed_on_first_use_and_the_copy_reused(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            template = SurveyTemplate.create(user=b.user, name="tpl")
            write_wav(h.media_root / "hi.wav")
            ask = SectionTemplate.create(survey=template, question="Yes?", type=2, key_1="yes", order=1,
                                         script="Press one")
            BranchingTemplate.create(section=ask, keys="1", goto=None)
            for _ in range(2):
                await h.run_call(f"template:{template.id}", Callee(dtmf=("1",), **FAST))
            (sealed,) = Survey.select().where(Survey.survey_template == template.id)
            rows = results_by_section(sealed.id)
            assert [r.response for rows_ in rows.values() for r in rows_] == ["yes", "yes"]
            assert list(aggregates(sealed.id).values()) == [2]

    asyncio.run(main())
