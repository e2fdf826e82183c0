"""PAUSE, ABORT and START again; FreeSWITCH restarting or the link dropping in the middle of a campaign."""

from __future__ import annotations

import asyncio
from pathlib import Path

import peewee

from ivrd.sim import Scenario
from ivrd.store.constants import CallRequestStatus, CampaignStatus, SubscriberStatus
from ivrd.store.models import CallRecord, CallRequest, Campaign, Subscriber
from tests.integration.dialer import world
from tests.integration.dialer.harness import running_dialer, wait_until

OPEN = (CallRequestStatus.PENDING, CallRequestStatus.CALLING, CallRequestStatus.ANSWERED)


def _set_status(campaign_id: int, status: int) -> None:
    Campaign.update(status=status).where(Campaign.id == campaign_id).execute()


def _open_attempts(campaign_id: int) -> int:
    return int(CallRequest.select().where(
        (CallRequest.campaign == campaign_id) & CallRequest.status.in_(OPEN)).count())


def _attempts(campaign_id: int) -> int:
    return int(CallRequest.select().where(CallRequest.campaign == campaign_id).count())


def _all_final(campaign_id: int) -> bool:
    return not Subscriber.select().where((Subscriber.campaign == campaign_id) & Subscriber.status.in_(
        (SubscriberStatus.PENDING, SubscriberStatus.IN_PROCESS))).exists()


def test_pause_stops_new_calls_abort_hangs_up_the_calls_in_progress(
        database: peewee.Database, tmp_path: Path) -> None:
    media_root = tmp_path / "media"
    long_calls = {"default": {"ring_ms": 50, "dtmf": [], "hangup_after_ms": 30000}}
    built = world.build(media_root, contacts=40, frequency=1200, maxretry=0, prompt_ms=20000,
                        status=CampaignStatus.PAUSE)

    async def main() -> None:
        async with running_dialer(media_root, Scenario.from_dict(long_calls)) as h:
            await asyncio.sleep(0.6)  # a paused campaign is never dialled, whatever the wake-ups
            assert h.sim.call_log == []
            _set_status(built.campaign_id, CampaignStatus.START)
            await wait_until(lambda: len(h.sim.call_log) >= 5)
            _set_status(built.campaign_id, CampaignStatus.PAUSE)
            book = h.dialer.book  # every originate sent has reached FreeSWITCH (sent: counted in placed)
            await wait_until(lambda: not book.planned and not book.placing
                             and book.placed == len(h.sim.call_log), 5)
            dialled = len(h.sim.call_log)
            assert dialled < 40
            await asyncio.sleep(1.2)  # more than two wake-ups: nothing new while paused
            assert len(h.sim.call_log) == dialled
            assert len(h.sim.channels) == dialled  # the calls in progress go on
            assert _open_attempts(built.campaign_id) == dialled
            _set_status(built.campaign_id, CampaignStatus.ABORT)
            await wait_until(lambda: _open_attempts(built.campaign_id) == 0, 10)
            assert not h.sim.channels
            assert {e["cause"] for e in h.sim.call_log} == {"MANAGER_REQUEST"}

    asyncio.run(main())
    attempts = list(CallRequest.select().where(CallRequest.campaign == built.campaign_id))
    assert {(a.status, a.hangup_cause) for a in attempts} == {(CallRequestStatus.SUCCESS, "MANAGER_REQUEST")}
    assert CallRecord.select().count() == len(attempts)
    statuses = [s.status for s in Subscriber.select().where(Subscriber.campaign == built.campaign_id)]
    assert statuses.count(SubscriberStatus.SENT) == len(attempts)
    assert statuses.count(SubscriberStatus.PENDING) == 40 - len(attempts)


def test_freeswitch_restart_mid_campaign_leaves_no_attempt_open(
        database: peewee.Database, tmp_path: Path) -> None:
    media_root = tmp_path / "media"
    built = world.build(media_root, contacts=120, frequency=2400, maxretry=1, prompt_ms=300)

    async def main() -> tuple[set[str], set[str]]:
        async with running_dialer(media_root, Scenario.from_dict(world.scenario())) as h:
            await wait_until(lambda: len(h.sim.call_log) >= 40)
            cut = await h.sim.restart()  # every channel vanishes without a hangup event
            # calls the simulator had ended just before: their hangup may have been lost with the link
            ended = {e["uuid"] for e in h.sim.call_log if e["uuid"] not in cut and e["cause"] is not None}
            await wait_until(lambda: Campaign.get_by_id(built.campaign_id).status == CampaignStatus.END)
            counts = h.dial_counts()
            for number in built.numbers:  # a call cut by the restart may be retried, within the budget
                assert 1 <= counts.get(number, 0) <= 2, number
            return cut, {e["uuid"] for e in h.sim.call_log} - ended

    cut, seen = asyncio.run(main())
    assert cut
    assert _open_attempts(built.campaign_id) == 0 and _all_final(built.campaign_id)
    vanished = {a.aleg_uuid for a in CallRequest.select().where(
        CallRequest.hangup_cause == "NORMAL_UNSPECIFIED")}
    # the others never reached FreeSWITCH, or were over there before the restart
    assert cut <= vanished and not (vanished - cut) & seen
    assert CallRecord.select().count() == _attempts(built.campaign_id)


def test_a_dropped_link_keeps_calls_tracked_and_the_campaign_finishes(
        database: peewee.Database, tmp_path: Path) -> None:
    media_root = tmp_path / "media"
    built = world.build(media_root, contacts=60, frequency=2400, maxretry=1, prompt_ms=300)

    async def main() -> None:
        async with running_dialer(media_root, Scenario.from_dict(world.scenario())) as h:
            await wait_until(lambda: len(h.sim.call_log) >= 20)
            await h.sim.drop_connections()
            await wait_until(lambda: Campaign.get_by_id(built.campaign_id).status == CampaignStatus.END)
            assert h.daemon.client.connects >= 2

    asyncio.run(main())
    assert _open_attempts(built.campaign_id) == 0 and _all_final(built.campaign_id)
    assert CallRecord.select().count() == _attempts(built.campaign_id)
