"""Daemon processes (`python -m ivrd.cli --config FILE run`) against simulators hosted by the test."""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ivrd.sim import Scenario, SimFreeSwitch

PASSWORD = "dialer-process-secret"


def write_config(path: Path, db_url: str, port: int, media_root: Path, daemon_id: str,
                 max_calls: int = 1000) -> Path:
    path.write_text(
        f'[database]\nurl = "{db_url}"\n[esl]\nport = {port}\npassword = "{PASSWORD}"\n'
        f'[media]\nroot = "{media_root}"\n[dialer]\ndaemon_id = "{daemon_id}"\nmax_calls = {max_calls}\n'
        "wakeup_max_s = 0.5\n")
    return path


@dataclass
class DaemonProcess:
    config: Path
    log_path: Path
    process: asyncio.subprocess.Process | None = None
    starts: int = 0

    async def start(self) -> None:
        self.starts += 1
        log = self.log_path.open("ab")
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "ivrd.cli", "--config", str(self.config), "run",
            stdout=log, stderr=log)
        log.close()

    async def kill(self) -> None:
        """SIGKILL: no clean-up of any kind."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> int | None:
        if self.process is None or self.process.returncode is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return await asyncio.wait_for(self.process.wait(), 20)
        except TimeoutError:
            await self.kill()
            return None


@dataclass
class Concurrency:
    """Channels alive across simulators, from the simulators' own call start/end hooks."""

    alive: int = 0
    peak: int = 0
    starts: list[float] = field(default_factory=list)

    def watch(self, sim: SimFreeSwitch) -> None:
        metrics = sim.metrics
        started, ended = metrics.call_started, metrics.call_ended

        def call_started(channel_uuid: str, number: str) -> dict[str, object]:
            self.alive += 1
            self.peak = max(self.peak, self.alive)
            self.starts.append(time.monotonic())
            return started(channel_uuid, number)

        def call_ended(channel_uuid: str, cause: str) -> None:
            self.alive -= 1
            ended(channel_uuid, cause)

        metrics.call_started = call_started  # type: ignore[method-assign]
        metrics.call_ended = call_ended  # type: ignore[method-assign]


async def start_sim(scenario: dict[str, object], media_root: Path) -> SimFreeSwitch:
    sim = SimFreeSwitch(password=PASSWORD, scenario=Scenario.from_dict(scenario), media_root=media_root)
    await sim.start()
    return sim


def dial_counts(*sims: SimFreeSwitch) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sim in sims:
        for entry in sim.call_log:
            counts[entry["number"]] = counts.get(entry["number"], 0) + 1
    return counts


def uuids(*sims: SimFreeSwitch) -> Iterator[tuple[str, bool]]:
    for sim in sims:
        for entry in sim.call_log:
            yield entry["uuid"], bool(entry["answered"])
