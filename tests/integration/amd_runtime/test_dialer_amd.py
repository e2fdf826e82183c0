"""A human-only campaign (amd_behavior 2) dialled by the campaign dialer: machines are hung up and retried,
fax lines are not called again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import peewee
import pytest

from ivrd.sim import Scenario
from ivrd.store.constants import AmdStatus, CampaignStatus, SubscriberStatus
from ivrd.store.models import CallRecord, CallRequest, Campaign, Subscriber
from tests.integration.amd_runtime.greetings import greetings
from tests.integration.dialer import world
from tests.integration.dialer.harness import running_dialer, wait_until


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_human_only_campaign_retries_machines_surveys_people_and_gives_up_on_fax(
        database: peewee.Database, tmp_path: Path) -> None:
    folder = tmp_path / "greetings"
    scenario = Scenario.from_dict({"callees": [
        {"match": "0$", "ring_ms": 100, "dtmf": ["1"], "dtmf_delay_ms": 100,
         "greeting": str(greetings()["human"].write(folder))},
        {"match": "1$", "ring_ms": 100, "greeting": str(greetings()["nobeep"].write(folder))},
        {"match": "2$", "ring_ms": 100, "greeting": str(greetings()["fax"].write(folder))},
        {"match": "3$", "ring_ms": 100, "greeting": str(greetings()["short"].write(folder))},
    ]})
    media_root = tmp_path / "media"
    built = world.build(media_root, contacts=4, frequency=600, maxretry=1, intervalretry_s=1)
    person, machine, fax, short = built.numbers
    Campaign.update(voicemail=True, amd_behavior=2).where(Campaign.id == built.campaign_id).execute()

    def records() -> list[CallRecord]:
        return list(CallRecord.select().join(CallRequest).where(CallRequest.campaign == built.campaign_id))

    async def main() -> dict[str, int]:
        async with running_dialer(media_root, scenario) as h:
            await wait_until(lambda: Campaign.get_by_id(built.campaign_id).status == CampaignStatus.END)
            await wait_until(lambda: [bool(r.amd_cause) for r in records()] == [True] * 6)
            return h.dial_counts()

    assert asyncio.run(main()) == {person: 1, machine: 2, fax: 1, short: 2}
    statuses = {s.duplicate_contact: s.status for s in Subscriber.select().where(
        Subscriber.campaign == built.campaign_id)}
    assert statuses == {person: SubscriberStatus.COMPLETED, machine: SubscriberStatus.FAIL,
                        fax: SubscriberStatus.FAIL, short: SubscriberStatus.FAIL}
    number_of = {a.id: a.phone_number for a in CallRequest.select().where(
        CallRequest.campaign == built.campaign_id)}
    rows = sorted((number_of[r.callrequest_id], r.amd_status, r.amd_result, r.disposition) for r in records())
    assert rows == sorted([(person, AmdStatus.PERSON, "human", "ANSWER"),
                           (fax, AmdStatus.MACHINE, "fax", "ANSWER")]
                          + [(machine, AmdStatus.MACHINE, "machine_start", "ANSWER")] * 2
                          + [(short, AmdStatus.MACHINE, "machine_start", "ANSWER")] * 2)
    short_records = [r for r in records() if number_of[r.callrequest_id] == short]
    assert all(r.amd_cause.startswith("HUMAN-") and "AFTERHUMAN" in r.amd_cause for r in short_records)
    machine_records = [r for r in records() if number_of[r.callrequest_id] == machine]
    assert all(r.amd_cause.startswith(("MAXWORDS-", "LONGGREETING-")) for r in machine_records)
    assert all(r.amd_decision_ms is not None and 1500 < r.amd_decision_ms < 3700 for r in machine_records)
