"""ivrd's Event Socket client against the simulated FreeSWITCH (ivrd.sim) and its fault injection."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from ivrd.esl.api_commands import originate
from ivrd.esl.causes import HangupCause
from ivrd.esl.client import EslClient, EslConnection
from ivrd.esl.errors import AuthenticationFailed, ConnectionLost
from ivrd.sim import Scenario, SimFreeSwitch

WAIT_S = 30.0
SCENARIO = {"default": {"ring_ms": 50},
            "callees": [{"match": "^1555", "hangup_cause": "USER_BUSY", "ring_ms": 30}]}


def run(scenario: Callable[[SimFreeSwitch], Awaitable[Any]], tmp_path: Path, **sim_options: Any) -> Any:
    async def main() -> Any:
        sim = SimFreeSwitch(password="ClueCon", scenario=Scenario.from_dict(SCENARIO),
                            media_root=tmp_path, host="127.0.0.1", port=0, **sim_options)
        await sim.start()
        try:
            return await asyncio.wait_for(scenario(sim), WAIT_S)
        finally:
            await sim.stop()
    return asyncio.run(main())


class Supervised:
    """An EslClient running in the background, with each new connection delivered to a queue."""

    def __init__(self, sim: SimFreeSwitch, password: str = "ClueCon", **options: Any) -> None:
        self.connections: asyncio.Queue[EslConnection] = asyncio.Queue()
        self.lost: list[BaseException] = []
        self.client = EslClient(sim.host, sim.port, password, reconnect_initial_s=0.01,
                                on_connected=self._connected, on_disconnected=self.lost.append, **options)
        self.task = asyncio.create_task(self.client.run())

    async def _connected(self, conn: EslConnection) -> None:
        await self.connections.put(conn)

    async def close(self) -> None:
        await self.client.stop()
        await self.task


def test_wrong_password_is_reported_once_and_not_retried(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        failures: list[BaseException] = []
        client = EslClient(sim.host, sim.port, "wrong", reconnect_initial_s=0.001,
                           on_connect_failed=failures.append)
        with pytest.raises(AuthenticationFailed, match=r"esl\.password"):
            await client.run()
        assert failures == [] and client.connects == 0
    run(scenario, tmp_path)


def test_replies_stay_in_order_with_reply_delays(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        conn = await EslConnection.open(sim.host, sim.port, "ClueCon")
        sim.set_reply_delay_ms(30)
        words = [f"word{i}" for i in range(8)]
        answers = await asyncio.gather(*(conn.api(f"eval {w}") for w in words))
        assert [a.strip() for a in answers] == words
        assert (await conn.api("global_getvar core_uuid")).strip() == sim.core_uuid
        conn.close()
    run(scenario, tmp_path)


def test_bgapi_originate_is_resolved_by_background_job(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        conn = await EslConnection.open(sim.host, sim.port, "ClueCon")
        await conn.subscribe(["CHANNEL_ANSWER"])
        leg = str(uuid.uuid4())
        answered = await conn.bgapi(originate("sofia/gateway/gw1/2000", variables={
            "origination_uuid": leg, "ignore_early_media": True, "ivrd_attempt_id": "7"}))
        busy = await conn.bgapi(originate("sofia/gateway/gw1/15550001", variables={
            "origination_uuid": str(uuid.uuid4())}))
        ok_job, busy_job = await asyncio.gather(answered, busy)
        assert ok_job.ok and ok_job.result == leg and ok_job.command == "originate"
        assert not busy_job.ok and busy_job.cause is HangupCause.USER_BUSY
        conn.close()
    run(scenario, tmp_path)


def test_drop_mid_command_fails_the_pending_call_and_reconnects(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        supervised = Supervised(sim)
        first = await supervised.connections.get()
        sim.set_reply_delay_ms(5_000)
        pending = asyncio.ensure_future(supervised.client.api("status"))
        await sim.drop_connections()
        started_s = asyncio.get_running_loop().time()
        with pytest.raises(ConnectionLost):
            await pending
        assert asyncio.get_running_loop().time() - started_s < 2.0  # failed at once, not after the delay
        sim.set_reply_delay_ms(0)
        second = await supervised.connections.get()
        assert second is not first and supervised.lost
        assert "UP" in await supervised.client.api("status")
        await supervised.close()
    run(scenario, tmp_path)


def test_restart_shows_a_new_core_uuid_after_reconnect(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        supervised = Supervised(sim, events=["CUSTOM"], custom=["ivrd::probe"])
        first = await supervised.connections.get()
        old_core = (await first.api("global_getvar core_uuid")).strip()
        await sim.restart()
        second = await supervised.connections.get()
        new_core = (await second.api("global_getvar core_uuid")).strip()
        assert new_core == sim.core_uuid != old_core
        await sim.fire_custom_event("ivrd::probe")
        event = await supervised.client.next_event()
        assert event.headers["Event-Subclass"] == "ivrd::probe"
        assert second.core_uuid == new_core
        await supervised.close()
    run(scenario, tmp_path)


def test_malformed_frame_gives_a_clear_error_and_a_reconnect(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        supervised = Supervised(sim)
        first = await supervised.connections.get()
        await sim.send_malformed_frame()
        reason = await first.closed
        assert "malformed data from FreeSWITCH" in str(reason) and "Content-Length" in str(reason)
        await supervised.connections.get()
        assert supervised.client.connects == 2
        await supervised.close()
    run(scenario, tmp_path)


def test_ten_megabyte_burst_is_received_whole_with_bounded_memory(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        conn = await EslConnection.open(sim.host, sim.port, "ClueCon", event_queue_limit=500)
        await conn.subscribe(["CHANNEL_CALLSTATE"], custom=["ivrd::end"])
        sent = await sim.flood_events(total_bytes=10_000_000)  # queued at the sender before we read
        await sim.fire_custom_event("ivrd::end")
        received = 0
        while True:
            batch = await conn.next_events()
            if batch[-1].name == "CUSTOM":
                received += len(batch) - 1
                break
            received += len(batch)
        assert received == sent and sent > 1000
        assert conn.read_pauses >= 1
        assert conn.max_queue_depth < 500 + 2000  # bounded: the limit plus one socket read
        assert not conn.is_closed
        conn.close()
    run(scenario, tmp_path)


def test_heartbeats_keep_a_quiet_link_alive(tmp_path: Path) -> None:
    async def scenario(sim: SimFreeSwitch) -> None:
        conn = await EslConnection.open(sim.host, sim.port, "ClueCon", heartbeat_timeout_s=0.5)
        await conn.subscribe()  # HEARTBEAT is always part of the subscription
        beats = [await conn.next_event() for _ in range(8)]  # about 0.8 s: longer than the timeout
        assert {event.name for event in beats} == {"HEARTBEAT"}
        assert not conn.is_closed
        conn.close()
    run(scenario, tmp_path, heartbeat_interval_s=0.1)
