"""A campaign built and started through the REST API only, dialled by the daemon against the simulator.

Contacts map to scripted callees: a person pressing 1, busy, no answer (the network reports it),
hangs up in the middle of the survey, rejects the call, plus a number on the campaign's DNC list and
an inactive contact. The campaign ends on its own; every subscriber, attempt, CDR, result and
aggregate is checked, and the simulator's call log proves how often each number was dialled.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import falcon.testing
import peewee

from api.app import create_app
from ivrd.config import Settings
from ivrd.sim import Scenario
from ivrd.store.constants import CallRequestStatus, CampaignStatus, SubscriberStatus
from ivrd.store.models import CallRecord, CallRequest, Campaign, Result, ResultAggregate, Subscriber, User
from tests.integration.api.helpers import Caller, basic, id_of, wav_bytes
from tests.integration.dialer.harness import running_dialer, wait_until

HUMAN, BUSY, NO_ANSWER, HANGS_UP, REJECTS, ON_DNC, INACTIVE = (
    "1555100", "1555200", "1555300", "1555400", "1555500", "1555600", "1555700")

SCENARIO = {
    "default": {"ring_ms": 100, "dtmf": [], "hangup_after_ms": 3000},
    "callees": [
        {"match": f"^{HUMAN}", "ring_ms": 150, "dtmf": ["1"], "dtmf_delay_ms": 100},
        {"match": f"^{BUSY}", "ring_ms": 150, "hangup_cause": "USER_BUSY"},
        {"match": f"^{NO_ANSWER}", "ring_ms": 200, "hangup_cause": "NO_ANSWER"},
        {"match": f"^{HANGS_UP}", "ring_ms": 150, "hangup_after_ms": 200},
        {"match": f"^{REJECTS}", "ring_ms": 150, "hangup_cause": "CALL_REJECTED"},
    ],
}


def _ok(result: falcon.testing.Result, status: int = 201) -> dict[str, Any]:
    assert result.status_code == status, result.text
    body: dict[str, Any] = result.json
    return body


def _build_campaign(owner: Caller) -> int:
    """Audio, survey template with branching, gateway, DNC list, phonebook and campaign, all over REST."""
    audio = _ok(owner.upload("question", "question.wav", wav_bytes(seconds=1.0)))["id"]
    template = id_of(owner.post("/rest-api/survey-template/", {"name": "colours"}))
    choice = _ok(owner.post("/rest-api/section-template/", {
        "type": "2", "question": "Red or blue?", "audiofile": f"/rest-api/audio-files/{audio}/",
        "key_1": "Red", "key_2": "Blue", "timeout": "3", "survey": f"/rest-api/survey-template/{template}/"}))
    thanks = _ok(owner.post("/rest-api/section-template/", {
        "type": "1", "question": "Thank you", "audiofile": f"/rest-api/audio-files/{audio}/",
        "completed": True, "survey": f"/rest-api/survey-template/{template}/"}))
    for key in ("1", "2"):
        _ok(owner.post("/rest-api/branching-template/", {
            "keys": key, "section": f"/rest-api/section-template/{choice['id']}/",
            "goto": f"/rest-api/section-template/{thanks['id']}/"}))
    gateway = _ok(owner.post("/rest-api/gateway/", {"name": "trunk", "gateways": "sofia/gateway/trunk/",
                                                    "status": 1, "maximum_call": 3}))["id"]
    dnc = _ok(owner.post("/rest-api/dnc-list/", {"name": "blocked"}))["id"]
    _ok(owner.post("/rest-api/dnc-contact/", {"dnc": str(dnc), "phone_number": ON_DNC}))
    phonebook = id_of(owner.post("/rest-api/phonebook/", {"name": "people"}))
    bulk = owner.post("/rest-api/bulkcontact/", {
        "phonebook_id": str(phonebook), "phoneno_list": ",".join((HUMAN, BUSY, NO_ANSWER, HANGS_UP, REJECTS,
                                                                  ON_DNC))})
    assert _ok(bulk, 200)["count"] == 6
    _ok(owner.post("/rest-api/contact/", {"phonebook": str(phonebook), "contact": INACTIVE, "status": 0}))
    campaign = _ok(owner.post("/rest-api/campaigns/", {
        "name": "colours", "callerid": "1239876", "startingdate": "2020-01-01 00:00:00",
        "expirationdate": "2099-01-01 00:00:00", "frequency": "600", "max_aleg": 2, "callmaxduration": "30",
        "maxretry": "2", "intervalretry": "1", "completion_maxretry": "1", "completion_intervalretry": "1",
        "calltimeout": "20", "aleg_gateway": f"/rest-api/gateway/{gateway}/", "object_id": str(template),
        "dnc": f"/rest-api/dnc-list/{dnc}/", "phonebook": [f"/rest-api/phonebook/{phonebook}/"],
        "voicemail": "False"}))
    return int(campaign["id"])


def _statuses(campaign_id: int) -> dict[str, int]:
    query = Subscriber.select().where(Subscriber.campaign == campaign_id)
    return {s.duplicate_contact: s.status for s in query}


def test_campaign_started_over_rest_is_dialled_to_the_end(
        database: peewee.Database, make_user: Callable[..., User], tmp_path: Path) -> None:
    media_root = tmp_path / "media"
    base = Settings()
    settings = replace(base, media=replace(base.media, root=str(media_root)))
    client = falcon.testing.TestClient(create_app(settings, database))
    user = make_user("owner", "owner-pw", superuser=True, max_frequency=1000)
    owner = Caller(user, client, basic("owner", "owner-pw"))
    campaign_id = _build_campaign(owner)

    async def main() -> dict[str, int]:
        async with running_dialer(media_root, Scenario.from_dict(SCENARIO)) as h:
            _ok(owner.patch(f"/rest-api/campaigns/{campaign_id}/", {"status": 1}), 200)
            await wait_until(lambda: Campaign.get_by_id(campaign_id).status == CampaignStatus.END)
            return h.dial_counts()

    dials = asyncio.run(main())

    assert dials == {HUMAN: 1, BUSY: 3, NO_ANSWER: 3, HANGS_UP: 2, REJECTS: 1}
    assert _statuses(campaign_id) == {
        HUMAN: SubscriberStatus.COMPLETED, BUSY: SubscriberStatus.FAIL, NO_ANSWER: SubscriberStatus.FAIL,
        HANGS_UP: SubscriberStatus.SENT, REJECTS: SubscriberStatus.FAIL,
        ON_DNC: SubscriberStatus.NOT_AUTHORIZED}
    campaign = Campaign.get_by_id(campaign_id)
    assert (campaign.totalcontact, campaign.completed, campaign.has_been_started) == (6, 1, True)

    attempts = list(CallRequest.select().where(CallRequest.campaign == campaign_id).order_by(CallRequest.id))
    assert len(attempts) == sum(dials.values())
    by_number: dict[str, list[CallRequest]] = {}
    for attempt in attempts:
        by_number.setdefault(attempt.phone_number, []).append(attempt)
    assert [a.num_attempt for a in by_number[BUSY]] == [1, 2, 3]
    assert {a.hangup_cause for a in by_number[BUSY]} == {"USER_BUSY"}
    assert {a.status for a in by_number[BUSY] + by_number[NO_ANSWER]} == {CallRequestStatus.FAILURE}
    assert [(a.status, a.completed) for a in by_number[HUMAN]] == [(CallRequestStatus.SUCCESS, True)]
    assert [a.status for a in by_number[HANGS_UP]] == [CallRequestStatus.SUCCESS] * 2
    assert by_number[REJECTS][0].hangup_cause == "CALL_REJECTED"
    assert {a.daemon_id for a in attempts} == {"test-daemon"}

    records = list(CallRecord.select().where(CallRecord.callrequest.in_([a.id for a in attempts])))
    assert sorted(r.callrequest_id for r in records) == [a.id for a in attempts]  # exactly one CDR each
    disposition = {r.callrequest_id: r.disposition for r in records}
    assert {disposition[a.id] for a in by_number[BUSY]} == {"BUSY"}
    assert {disposition[a.id] for a in by_number[NO_ANSWER]} == {"NOANSWER"}
    assert disposition[by_number[REJECTS][0].id] == "FAILED"
    human_cdr = next(r for r in records if r.callrequest_id == by_number[HUMAN][0].id)
    assert (human_cdr.disposition, human_cdr.hangup_cause, human_cdr.callerid) == (
        "ANSWER", "NORMAL_CLEARING", "1239876")
    assert human_cdr.billsec >= 0 and human_cdr.duration >= human_cdr.billsec
    assert {r.hangup_cause_q850 for r in records if r.disposition == "BUSY"} == {17}

    results = list(Result.select().where(Result.callrequest.in_([a.id for a in attempts])))
    assert [(r.callrequest_id, r.response) for r in results if r.response == "Red"] == [
        (by_number[HUMAN][0].id, "Red")]
    survey_id = campaign.survey_id
    counted = {(row.response, row.count) for row in ResultAggregate.select().where(
        ResultAggregate.survey == survey_id)}
    assert ("Red", 1) in counted

    stats = _ok(owner.get(f"/rest-api/campaigns/{campaign_id}/stats/"), 200)
    assert (stats["total"], stats["completed"], stats["failed"], stats["in_progress"]) == (6, 1, 3, 0)
