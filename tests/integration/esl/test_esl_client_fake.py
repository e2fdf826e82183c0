"""EslConnection / EslClient against a scripted fake FreeSWITCH on a loopback port."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from ivrd.esl.client import EslClient, EslConnection
from ivrd.esl.errors import AuthenticationFailed, ConnectionLost
from ivrd.esl.events import BackgroundJob
from tests.unit.esl.esl_wire import DISCONNECT_NOTICE, event_frame

from .fake_freeswitch import FakeFreeSwitch

WAIT_S = 10.0


def run(scenario: Callable[[FakeFreeSwitch], Awaitable[Any]], password: str = "ClueCon") -> Any:
    async def main() -> Any:
        fake = FakeFreeSwitch(password)
        await fake.start()
        try:
            return await asyncio.wait_for(scenario(fake), WAIT_S)
        finally:
            await fake.stop()
    return asyncio.run(main())


def client_for(fake: FakeFreeSwitch, **kwargs: Any) -> EslClient:
    kwargs.setdefault("reconnect_initial_s", 0.01)
    return EslClient("127.0.0.1", fake.port, fake.password, **kwargs)


def test_api_replies_are_matched_in_order_even_with_uneven_delays() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        fake.api_delay_s = {"slow": 0.2, "fast": 0.0}
        fake.api_replies = {"slow": "slow-answer\n", "fast": "fast-answer\n", "mid": "mid-answer"}
        conn = await EslConnection.open("127.0.0.1", fake.port, "ClueCon")
        answers = await asyncio.gather(conn.api("slow"), conn.api("fast"), conn.api("mid"), conn.api("slow"))
        assert answers == ["slow-answer\n", "fast-answer\n", "mid-answer", "slow-answer\n"]
        conn.close()
    run(scenario)


def test_wrong_password_is_final_and_names_the_setting() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        client = EslClient("127.0.0.1", fake.port, "ClueCon", reconnect_initial_s=0.01)
        with pytest.raises(AuthenticationFailed, match=r"esl\.password"):
            await client.run()
        assert fake.connections == 1  # no retry storm
    run(scenario, password="other")


def test_bgapi_is_resolved_by_its_background_job_and_subscribes_it() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        fake.bgapi_results = {"originate user/1 &park()": "-ERR USER_BUSY\n"}
        conn = await EslConnection.open("127.0.0.1", fake.port, "ClueCon")
        await conn.subscribe(["CHANNEL_ANSWER"], custom=["avmd::beep"])
        assert fake.commands[-1] == "event plain BACKGROUND_JOB HEARTBEAT CHANNEL_ANSWER CUSTOM avmd::beep"
        ok_job = await conn.bgapi("status")
        busy_job = await conn.bgapi("originate user/1 &park()")
        ok, busy = await asyncio.gather(ok_job, busy_job)
        assert isinstance(ok, BackgroundJob) and ok.ok and ok.result == "done"
        assert busy.cause is not None and busy.cause.name == "USER_BUSY"
        # a BACKGROUND_JOB nobody waits for is an ordinary event
        fake.send_all(event_frame("BACKGROUND_JOB", [("Job-UUID", "someone-else")], "+OK x\n"))
        stray = await conn.next_event()
        assert stray.name == "BACKGROUND_JOB" and stray.body == "+OK x\n"
        conn.close()
    run(scenario)


def test_drop_mid_command_fails_pending_futures_at_once_and_reconnects() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        fake.hold_api = {"hang"}
        hang_received = asyncio.Event()
        fake.on_command = lambda line: hang_received.set() if line == "api hang" else None
        connected: asyncio.Queue[EslConnection] = asyncio.Queue()
        lost: list[BaseException] = []

        async def on_connected(conn: EslConnection) -> None:
            await connected.put(conn)

        client = client_for(fake, on_connected=on_connected, on_disconnected=lost.append)
        runner = asyncio.create_task(client.run())
        first = await connected.get()
        pending = asyncio.ensure_future(client.api("hang"))
        job = await client.bgapi("status")
        await job
        await hang_received.wait()  # the fake holds that reply forever
        fake.drop_all()
        with pytest.raises(ConnectionLost):
            await pending
        second = await connected.get()
        assert second is not first and client.connects == 2 and lost
        assert await client.api("ping") == "+OK ping\n"
        await client.stop()
        await runner
    run(scenario)


def test_malformed_frame_drops_the_link_with_a_clear_error_then_reconnects() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        connected: asyncio.Queue[EslConnection] = asyncio.Queue()

        async def on_connected(conn: EslConnection) -> None:
            await connected.put(conn)

        client = client_for(fake, on_connected=on_connected)
        runner = asyncio.create_task(client.run())
        first = await connected.get()
        fake.send_all(b"Content-Type: api/response\nContent-Length: banana\n\n")
        reason = await first.closed
        assert "malformed" in str(reason) and "Content-Length is not a number" in str(reason)
        await connected.get()
        assert client.connects == 2
        await client.stop()
        await runner
    run(scenario)


def test_silence_longer_than_heartbeat_timeout_marks_the_link_dead() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        conn = await EslConnection.open("127.0.0.1", fake.port, "ClueCon", heartbeat_timeout_s=0.2)
        pending = asyncio.ensure_future(conn.next_event())
        reason = await conn.closed
        assert "heartbeat_timeout_s" in str(reason)
        with pytest.raises(ConnectionLost):
            await pending
    run(scenario)


def test_disconnect_notice_ends_the_connection() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        conn = await EslConnection.open("127.0.0.1", fake.port, "ClueCon")
        fake.send_all(DISCONNECT_NOTICE)
        reason = await conn.closed
        assert "goodbye" in str(reason)
        with pytest.raises(ConnectionLost):
            await conn.api("status")
    run(scenario)


def test_full_event_queue_pauses_reading_and_loses_nothing() -> None:
    total = 3000

    async def scenario(fake: FakeFreeSwitch) -> None:
        conn = await EslConnection.open("127.0.0.1", fake.port, "ClueCon", event_queue_limit=50)
        padding = ("Padding", "x" * 400)  # one socket read then holds far more than 50 events
        burst = b"".join(event_frame("CUSTOM", [("Event-Subclass", "t::n"), ("N", str(i)), padding])
                         for i in range(total))
        fake.send_all(burst)
        seen = [int((await conn.next_event()).headers["N"]) for _ in range(total // 2)]
        while len(seen) < total:
            seen += [int(event.headers["N"]) for event in await conn.next_events(max_events=100)]
        assert seen == list(range(total))
        assert conn.read_pauses >= 1
        assert conn.max_queue_depth < 50 + 1000  # the limit plus at most one socket read (256 KiB)
        conn.close()
    run(scenario)


def test_filters_open_the_door_for_jobs_and_come_back_after_reconnect() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        connected: asyncio.Queue[EslConnection] = asyncio.Queue()

        async def on_connected(conn: EslConnection) -> None:
            await connected.put(conn)

        client = client_for(fake, on_connected=on_connected)
        runner = asyncio.create_task(client.run())
        await connected.get()
        await client.add_filter("Unique-ID", "leg-1")
        assert fake.commands[-3:] == [
            "filter Event-Name BACKGROUND_JOB", "filter Event-Name HEARTBEAT", "filter Unique-ID leg-1"]
        fake.drop_all()
        await connected.get()
        assert fake.commands[-1] == "filter Unique-ID leg-1"
        fake.send_all(event_frame("CHANNEL_ANSWER", [("Unique-ID", "leg-1")], core_uuid="core-2"))
        event = await client.next_event()
        assert event.name == "CHANNEL_ANSWER" and client.connection is not None
        assert client.connection.core_uuid == "core-2"
        await client.stop()
        await runner
    run(scenario)


def test_unreachable_server_is_retried_with_backoff_until_it_appears() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        port = fake.port
        await fake.stop()
        failures: asyncio.Queue[BaseException] = asyncio.Queue()
        connected = asyncio.Event()

        async def on_connected(conn: EslConnection) -> None:
            connected.set()

        client = EslClient("127.0.0.1", port, "ClueCon", reconnect_initial_s=0.001,
                           reconnect_max_backoff_s=0.01, on_connected=on_connected,
                           on_connect_failed=failures.put_nowait)
        runner = asyncio.create_task(client.run())
        assert isinstance(await failures.get(), OSError)
        assert isinstance(await failures.get(), OSError)
        with pytest.raises(ConnectionLost, match="not connected"):
            await client.api("status")
        await fake.start(port)
        await connected.wait()
        assert await client.api("status") == "+OK status\n"
        await client.stop()
        await runner
    run(scenario)


def test_stop_cuts_a_long_back_off_short() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        port = fake.port
        await fake.stop()
        failed = asyncio.Event()
        client = EslClient("127.0.0.1", port, "ClueCon", reconnect_initial_s=60.0,
                           on_connect_failed=lambda exc: failed.set())
        runner = asyncio.create_task(client.run())
        await failed.wait()
        await client.stop()
        await asyncio.wait_for(runner, 5.0)  # not the 45-60 s back-off
    run(scenario)


def test_a_failing_on_connected_hook_closes_that_connection() -> None:
    async def scenario(fake: FakeFreeSwitch) -> None:
        opened: list[EslConnection] = []

        async def on_connected(conn: EslConnection) -> None:
            opened.append(conn)
            raise RuntimeError("reconciliation bug")

        client = client_for(fake, on_connected=on_connected)
        with pytest.raises(RuntimeError, match="reconciliation bug"):
            await client.run()
        assert opened and opened[0].is_closed
    run(scenario)
