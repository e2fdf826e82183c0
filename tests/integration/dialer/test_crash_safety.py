"""kill -9 of the dialling daemon, three times at random moments: nothing lost, nothing dialled too often.

The daemon runs as its own process; the simulator lives in the test process and survives the kills,
so its call log is the ground truth of what was dialled.
"""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import peewee
import pytest

from ivrd.store.constants import CallRequestStatus, CampaignStatus, SubscriberStatus
from ivrd.store.models import CallRequest, Campaign, Result, Section, Subscriber
from tests.integration.dialer import world
from tests.integration.dialer.processes import DaemonProcess, dial_counts, start_sim, uuids, write_config

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)

CONTACTS = 500
MAXRETRY = 1
FINAL = {SubscriberStatus.FAIL, SubscriberStatus.SENT, SubscriberStatus.COMPLETED}


def _progress(campaign_id: int) -> int:
    return int(CallRequest.select().where(CallRequest.campaign == campaign_id).count())


async def _wait(predicate: object, timeout_s: float) -> None:
    async with asyncio.timeout(timeout_s):
        while not predicate():  # type: ignore[operator]
            await asyncio.sleep(0.05)


def test_sigkill_three_times_loses_nothing_and_never_overdials(
        database: peewee.Database, db_url: str, tmp_path: Path) -> None:
    media_root = tmp_path / "media"
    built = world.build(media_root, contacts=CONTACTS, frequency=3000, maxretry=MAXRETRY)
    chance = random.Random(20261128)

    async def main() -> dict[str, int]:
        sim = await start_sim(world.scenario(), media_root)
        config = write_config(tmp_path / "ivrd.toml", db_url, sim.port, media_root, "crashy")
        daemon = DaemonProcess(config, tmp_path / "daemon.log")
        try:
            for _ in range(3):
                await daemon.start()
                goal = _progress(built.campaign_id) + chance.randint(40, 160)
                await _wait(lambda goal=goal: _progress(built.campaign_id) >= goal, 60)
                await asyncio.sleep(chance.uniform(0.0, 0.3))  # a random moment within the dialling
                await daemon.kill()
            await daemon.start()
            await _wait(lambda: Campaign.get_by_id(built.campaign_id).status == CampaignStatus.END, 90)
            assert await daemon.stop() == 0
            counts = dial_counts(sim)
            _check_never_called_after_an_answer(sim.call_log)
            answered = {uuid for uuid, was_answered in uuids(sim) if was_answered}
            _check_answered(answered)
            return counts
        finally:
            await daemon.kill()
            await sim.stop()

    counts = asyncio.run(main())
    subscribers = {s.duplicate_contact: s for s in Subscriber.select().where(
        Subscriber.campaign == built.campaign_id)}
    assert len(subscribers) == CONTACTS
    assert {s.status for s in subscribers.values()} <= FINAL
    for number, subscriber in subscribers.items():
        # An attempt cut by a kill before it was answered counts against the retry budget.
        assert counts.get(number, 0) <= subscriber.count_attempt <= 1 + MAXRETRY, number
        if counts.get(number, 0) == 0:  # every attempt was cut between its CALLING commit and its send
            rows = CallRequest.select().where(CallRequest.subscriber == subscriber.id)
            causes = {row.hangup_cause for row in rows}
            assert subscriber.status == SubscriberStatus.FAIL and causes == {"NORMAL_UNSPECIFIED"}, number
    assert not CallRequest.select().where(CallRequest.status.in_(
        (CallRequestStatus.PENDING, CallRequestStatus.CALLING, CallRequestStatus.ANSWERED))).exists()
    log = (tmp_path / "daemon.log").read_text()
    assert log.count("dialer crashy: running") == 4 and "Traceback" not in log


def _check_never_called_after_an_answer(call_log: list[dict[str, object]]) -> None:
    answered_at: dict[object, float] = {}
    for entry in sorted(call_log, key=lambda e: float(e["started_at"])):  # type: ignore[arg-type]
        number = entry["number"]
        assert number not in answered_at, f"{number} called again after answering"
        if entry["answered"]:
            answered_at[number] = float(entry["started_at"])  # type: ignore[arg-type]


def _check_answered(answered_uuids: set[str]) -> None:
    """Every call the simulator saw answered is an answered attempt; every saved answer belongs to one."""
    attempts = {a.aleg_uuid: a for a in CallRequest.select()}
    for uuid in answered_uuids:
        attempt = attempts[uuid]
        has_results = Result.select().where(Result.callrequest == attempt.id).exists()
        if has_results or attempt.completed:
            assert attempt.status == CallRequestStatus.SUCCESS, uuid
            assert Subscriber.get_by_id(attempt.subscriber_id).status in (
                SubscriberStatus.SENT, SubscriberStatus.COMPLETED)
    with_results = Result.select(Result.callrequest).join(Section).distinct()
    for row in with_results:
        assert CallRequest.get_by_id(row.callrequest_id).status == CallRequestStatus.SUCCESS
