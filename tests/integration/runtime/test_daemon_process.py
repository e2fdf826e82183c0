"""`ivrd run` as a process (config, schema check, SIGTERM) and the daemon losing its Event Socket link."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import peewee
import pytest

from ivrd.esl.codec import EslEvent
from ivrd.sim import Callee, SimFreeSwitch
from ivrd.store.models import Result
from tests.integration.runtime.harness import PASSWORD, WAIT_S, SurveyBuilder, running

pytestmark = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


def _config(tmp_path: Path, db_url: str, port: int, password: str = PASSWORD) -> Path:
    path = tmp_path / "ivrd.toml"
    path.write_text(f'[database]\nurl = "{db_url}"\n[esl]\nport = {port}\npassword = "{password}"\n'
                    f'[media]\nroot = "{tmp_path / "media"}"\n')
    return path


def _ivrd(*args: str) -> list[str]:
    return [sys.executable, "-m", "ivrd.cli", *args]


async def _subscribed(sim: SimFreeSwitch) -> None:
    async with asyncio.timeout(WAIT_S):
        while not any(c.authed and c.subscription.enabled for c in sim.connections):
            await asyncio.sleep(0.02)


def test_ivrd_run_serves_inbound_calls_and_stops_cleanly_on_sigterm(
        database: peewee.Database, db_url: str, tmp_path: Path) -> None:
    async def main() -> None:
        sim = SimFreeSwitch(password=PASSWORD, media_root=tmp_path)
        await sim.start()
        b = SurveyBuilder(tmp_path / "media")
        choice = b.section(2, "Colour?", key_1="Red", audiofile=b.audio("colour"))
        b.goto(choice, "1", None)
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(str(tmp_path / "notify"))
        notify.setblocking(False)
        environment = {**os.environ, "NOTIFY_SOCKET": str(tmp_path / "notify"), "WATCHDOG_USEC": "200000"}
        process = await asyncio.create_subprocess_exec(
            *_ivrd("--config", str(_config(tmp_path, db_url, sim.port)), "run"),
            stderr=asyncio.subprocess.PIPE, env=environment)
        try:
            await _subscribed(sim)
            wanted = {"ivrd_inbound": "true", "ivrd_survey": str(b.survey.id)}
            callee = Callee(dtmf=("1",), dtmf_delay_ms=20)
            uuid = await sim.place_inbound_call("5000", "15551234", wanted, callee)
            async with asyncio.timeout(WAIT_S):
                while uuid in sim.channels or not Result.select().where(Result.section == choice.id).exists():
                    await asyncio.sleep(0.02)
            assert Result.get(Result.section == choice.id).response == "Red"
            process.send_signal(signal.SIGTERM)
            _, stderr = await asyncio.wait_for(process.communicate(), WAIT_S)
            assert process.returncode == 0, stderr.decode()
            assert b"SIGTERM received" in stderr and b"stopped" in stderr
            states = []
            with contextlib.suppress(BlockingIOError):
                while True:
                    states.append(notify.recv(4096).decode())
            assert states[0].startswith("READY=1") and "WATCHDOG=1" in states and "STOPPING=1" in states
        finally:
            if process.returncode is None:
                process.kill()
                await process.wait()
            await sim.stop()
            notify.close()

    asyncio.run(main())


def test_ivrd_run_refuses_a_database_that_is_not_migrated(tmp_path: Path, db_url: str) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.db'}"
    config = _config(tmp_path, empty, 8021)
    done = subprocess.run(_ivrd("--config", str(config), "run"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "run `ivrd migrate` first" in done.stderr and "Traceback" not in done.stderr


def test_ivrd_run_requires_the_esl_password(tmp_path: Path, db_url: str) -> None:
    config = _config(tmp_path, db_url, 8021, password="")
    done = subprocess.run(_ivrd("--config", str(config), "run"), capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "esl.password: required" in done.stderr and "Traceback" not in done.stderr


def test_legs_end_when_the_link_drops_and_their_calls_are_hung_up_politely_on_reconnect(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path, events=("PLAYBACK_START",)) as h:
            playing = asyncio.Event()

            def started(event: EslEvent) -> None:
                playing.set()

            h.daemon.dispatcher.add_event_hook("PLAYBACK_START", started)
            b = SurveyBuilder(h.media_root)
            b.play("Long", audiofile=b.audio("long", duration_ms=3000))
            uuid = await h.call(b.survey.id, Callee(dtmf_delay_ms=20))
            await asyncio.wait_for(playing.wait(), WAIT_S)
            await h.sim.drop_connections()
            outcome = await h.finished(uuid)
            assert "Event Socket link lost" in outcome.reason
            entry = await h.call_ended(uuid)
            assert entry["cause"] == "NORMAL_CLEARING"
            async with asyncio.timeout(WAIT_S):  # the last completions may still be on the wire
                while h.app_names(uuid)[-1:] != ["hangup"]:
                    await asyncio.sleep(0.01)
            assert h.app_names(uuid)[-2:] == ["playback", "hangup"]
            assert h.apps[uuid][-2][1].endswith("technical_difficulties.wav")

    asyncio.run(main())


def test_stopping_mid_call_commits_the_answers_so_far_and_leaves_the_call_to_freeswitch(
        database: peewee.Database, tmp_path: Path) -> None:
    async def main() -> None:
        async with running(tmp_path) as h:
            b = SurveyBuilder(h.media_root)
            choice = b.section(2, "Colour?", key_1="Red", audiofile=b.audio("colour"))
            long = b.play("Long", audiofile=b.audio("long", duration_ms=5000))
            b.goto(choice, "1", long)
            uuid = await h.call(b.survey.id, Callee(dtmf=("1",), dtmf_delay_ms=20))
            async with asyncio.timeout(WAIT_S):
                while not _playing(h.sim, uuid):
                    await asyncio.sleep(0.01)
            h.daemon.stop()
            outcome = await h.finished(uuid)
            assert outcome.reason == "daemon stopping"
            assert uuid in h.sim.channels  # FreeSWITCH keeps the call
            assert Result.get(Result.section == choice.id).response == "Red"

    asyncio.run(main())


def _playing(sim: SimFreeSwitch, uuid: str) -> bool:
    channel = sim.channels.get(uuid)
    return channel is not None and any(app == "playback" for app, *_ in channel.app_stack)
