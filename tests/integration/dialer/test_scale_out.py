"""Two daemon processes, each with its own simulated FreeSWITCH, sharing one PostgreSQL campaign."""

from __future__ import annotations

import asyncio
from pathlib import Path

import peewee
import pytest

from ivrd.store.constants import CallRequestStatus, CampaignStatus, SubscriberStatus
from ivrd.store.models import CallRecord, CallRequest, Campaign, Subscriber
from tests.integration.dialer import world
from tests.integration.dialer.processes import (
    Concurrency,
    DaemonProcess,
    dial_counts,
    start_sim,
    write_config,
)

pytestmark = pytest.mark.parametrize("db_url", ["postgres"], indirect=True)

CONTACTS = 500
MAXRETRY = 1
GATEWAY_MAX = 20
MAX_ALEG = 30


async def _wait_end(campaign_id: int, timeout_s: float) -> None:
    def ended() -> bool:
        return bool(Campaign.get_by_id(campaign_id).status == CampaignStatus.END)

    async with asyncio.timeout(timeout_s):
        while not await asyncio.to_thread(ended):
            await asyncio.sleep(0.1)


def test_two_daemons_never_dial_a_number_twice_and_share_the_caps(
        database: peewee.Database, db_url: str, tmp_path: Path) -> None:
    media_root = tmp_path / "media"
    built = world.build(media_root, contacts=CONTACTS, frequency=6000, maxretry=MAXRETRY, prompt_ms=100,
                        max_aleg=MAX_ALEG, gateway_max=GATEWAY_MAX)
    channels = Concurrency()

    async def main() -> tuple[dict[str, int], list[int]]:
        sims = [await start_sim(world.scenario(ring_ms=50, dtmf_delay_ms=50), media_root) for _ in range(2)]
        for sim in sims:
            channels.watch(sim)
        daemons = [DaemonProcess(write_config(tmp_path / f"ivrd{i}.toml", db_url, sim.port, media_root,
                                              f"box-{i}"), tmp_path / f"daemon{i}.log")
                   for i, sim in enumerate(sims)]
        try:
            for daemon in daemons:
                await daemon.start()
            await _wait_end(built.campaign_id, 100)
            for daemon in daemons:
                assert await daemon.stop() == 0
            return dial_counts(*sims), [len(sim.call_log) for sim in sims]
        finally:
            for daemon in daemons:
                await daemon.kill()
            for sim in sims:
                await sim.stop()

    counts, per_box = asyncio.run(main())
    assert min(per_box) > CONTACTS // 10  # both boxes took a real share of the work
    assert channels.peak <= GATEWAY_MAX  # the gateway cap held across both boxes
    assert channels.peak >= GATEWAY_MAX // 2  # ...and it was the limit, not the pace
    subscribers = list(Subscriber.select().where(Subscriber.campaign == built.campaign_id))
    assert {s.status for s in subscribers} <= {SubscriberStatus.SENT, SubscriberStatus.FAIL,
                                               SubscriberStatus.COMPLETED}
    for subscriber in subscribers:
        number = subscriber.duplicate_contact
        assert counts.get(number, 0) == subscriber.count_attempt, number
        assert subscriber.count_attempt == world.allowed_dials(number, MAXRETRY), number
    attempts = list(CallRequest.select().where(CallRequest.campaign == built.campaign_id))
    assert len(attempts) == sum(counts.values())
    assert {a.daemon_id for a in attempts} == {"box-0", "box-1"}
    assert {a.status for a in attempts} <= {CallRequestStatus.SUCCESS, CallRequestStatus.FAILURE}
    assert CallRecord.select().count() == len(attempts)
    for index in (0, 1):
        log = (tmp_path / f"daemon{index}.log").read_text()
        assert "Traceback" not in log, log[-3000:]
