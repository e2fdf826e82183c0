"""Runs the daemon with the campaign dialer against a SimFreeSwitch on the test database."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

from ivrd.config import DialerSettings, EslSettings, MediaSettings, Settings
from ivrd.runtime.daemon import Daemon
from ivrd.runtime.dialer import Dialer, install_dialer
from ivrd.sim import Scenario, SimFreeSwitch
from ivrd.store.db import database_proxy

PASSWORD = "dialer-test-secret"
WAIT_S = 90.0  # generous: a shared PostgreSQL server can stall commits for tens of seconds under load


@dataclass
class DialerHarness:
    sim: SimFreeSwitch
    daemon: Daemon
    dialer: Dialer

    def dial_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for entry in self.sim.call_log:
            counts[entry["number"]] = counts.get(entry["number"], 0) + 1
        return counts


async def wait_until(predicate: Callable[[], bool], timeout_s: float = WAIT_S, poll_s: float = 0.05) -> None:
    """Polls `predicate` (database state written by another thread) until true or the timeout.

    It runs in a worker thread (with its own database connection), so the event loop running the
    daemon and the simulator never waits for it."""
    async with asyncio.timeout(timeout_s):
        while not await asyncio.to_thread(_closing(predicate)):
            await asyncio.sleep(poll_s)


def _closing(predicate: Callable[[], bool]) -> Callable[[], bool]:
    def run() -> bool:
        try:
            return predicate()
        finally:
            database_proxy.close()  # the worker thread's own connection

    return run


@contextlib.asynccontextmanager
async def running_dialer(
        media_root: Path, scenario: Scenario, *, daemon_id: str = "test-daemon", max_calls: int = 1000,
        sim: SimFreeSwitch | None = None) -> AsyncIterator[DialerHarness]:
    """A started simulator (unless given) and a connected daemon with the dialer installed."""
    media_root.mkdir(parents=True, exist_ok=True)
    own_sim = sim is None
    if sim is None:
        sim = SimFreeSwitch(password=PASSWORD, scenario=scenario, media_root=media_root)
        await sim.start()
    settings = Settings(esl=EslSettings(host="127.0.0.1", port=sim.port, password=PASSWORD),
                        media=MediaSettings(root=str(media_root)),
                        dialer=DialerSettings(max_calls=max_calls, wakeup_max_s=0.5, daemon_id=daemon_id))
    daemon = Daemon(settings, database_proxy.obj)
    dialer = install_dialer(daemon)
    task = asyncio.create_task(daemon.run())
    try:
        await asyncio.wait_for(daemon.connected.wait(), WAIT_S)
        yield DialerHarness(sim, daemon, dialer)
    finally:
        daemon.stop()
        await asyncio.wait_for(task, WAIT_S)
        if own_sim:
            await sim.stop()
