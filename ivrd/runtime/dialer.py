"""The campaign dialer: the daemon component that turns started campaigns into calls.

Each pass (a *tick*) reads the campaigns to watch, stops the calls of campaigns no longer started
(PAUSE: planned calls dropped, calls in progress finish; ABORT: those are hung up too), then for
each started campaign seals its survey if needed, imports a bounded slice of its phonebooks,
applies the end rule, and plans its calls for the next `horizon_s` seconds (see dialer_plan).
Planned originates fire on timers at the pacer's start times. The loop sleeps until the next
planning point, at most `dialer.wakeup_max_s`, or until a call ends (capacity freed).

After the first connection and after every reconnect to FreeSWITCH, open attempts are
reconciled with the live channels (dialer_reconcile) before dialling goes on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TypeVar

import peewee

from ivrd.campaign import Pacer
from ivrd.esl.errors import EslError
from ivrd.esl.events import EventName
from ivrd.runtime.daemon import Daemon
from ivrd.runtime.dialer_calls import CallBook
from ivrd.runtime.dialer_campaigns import Preparation, prepare_campaign
from ivrd.runtime.dialer_plan import CampaignPlan, lock_campaign_rows, plan_campaign
from ivrd.runtime.dialer_reconcile import reconcile
from ivrd.store import queries_attempts as attempts
from ivrd.store.constants import CampaignStatus
from ivrd.store.db import is_postgres
from ivrd.store.locks import write_transaction

log = logging.getLogger(__name__)

T = TypeVar("T")

IMPORT_BATCH = 5000  # contacts examined per campaign and tick
MIN_TICK_S = 0.05  # a burst of call ends wakes the loop at most this often


@dataclass(frozen=True)
class DialerOptions:
    daemon_id: str
    max_calls: int
    wakeup_max_s: float
    horizon_s: float


def dialer_options(daemon: Daemon) -> DialerOptions:
    settings = daemon.settings.dialer
    wakeup_max_s = settings.wakeup_max_s if settings.wakeup_max_s > 0 else 1.0
    return DialerOptions(
        daemon_id=settings.daemon_id or socket.gethostname(),
        max_calls=settings.max_calls,
        wakeup_max_s=wakeup_max_s,
        horizon_s=min(1.0, wakeup_max_s),
    )


class PlanRunner:
    """Where planning transactions run. SQLite: on the daemon's database writer (one writer per file
    anyway). PostgreSQL: on a thread with its own connection and one transaction per plan, so a plan
    never shares a transaction with leg writes that already hold row locks (the campaign row, for
    one): a planning transaction never waits for a row lock once it holds one, so none deadlock."""

    def __init__(self, daemon: Daemon) -> None:
        self._daemon = daemon
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="ivrd-dialer") \
            if is_postgres(daemon.database) else None

    async def run(self, work: Callable[[], T]) -> T:
        if self._pool is None:
            return await self._daemon.db.run(work)
        return await asyncio.wrap_future(self._pool.submit(self._transaction, work))

    def _transaction(self, work: Callable[[], T]) -> T:
        database = self._daemon.database
        try:
            with database.atomic():
                return work()
        except (peewee.OperationalError, peewee.InterfaceError):
            database.close()  # reconnect on the next plan
            raise

    def close(self) -> None:
        if self._pool is not None:
            self._pool.submit(self._daemon.database.close)
            self._pool.shutdown(wait=False)


class Dialer:
    """The `dialer` component (add it with `install_dialer`)."""

    name = "dialer"

    def __init__(self, daemon: Daemon) -> None:
        self.daemon = daemon
        self.options = dialer_options(daemon)
        self.pacer = Pacer(horizon_s=self.options.horizon_s)
        self.book = CallBook(daemon, self._wake_up)
        self._planner = PlanRunner(daemon)
        self._wake: asyncio.Event | None = None
        self._errors: dict[int, str] = {}
        self._idle: dict[int, bool] = {}
        self._stopped: dict[int, int] = {}
        self._connects_seen = 0
        self.ticks = 0

    async def on_connected(self, connection: object) -> None:
        """After every (re)connect: wake the loop, which reconciles before it dials again."""
        self._wake_up()

    def _wake_up(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def run(self, daemon: Daemon) -> None:
        try:
            await self._run(daemon)
        finally:
            self._planner.close()

    async def _run(self, daemon: Daemon) -> None:
        self._wake = asyncio.Event()
        await daemon.connected.wait()
        log.info("dialer %s: running (max %d calls, wake-up at most every %.2f s)",
                 self.options.daemon_id, self.options.max_calls, self.options.wakeup_max_s)
        while True:
            await self._reconcile_if_reconnected()
            started = time.monotonic()
            try:
                delay_s = await self.tick()
            except Exception:
                log.exception("dialer: tick failed; retrying")
                delay_s = self.options.wakeup_max_s
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay_s)
            spent_s = time.monotonic() - started
            if spent_s < MIN_TICK_S:
                await asyncio.sleep(MIN_TICK_S - spent_s)

    async def _reconcile_if_reconnected(self) -> None:
        client = self.daemon.client
        connection = client.connection
        if connection is None or connection.is_closed or client.connects == self._connects_seen:
            return
        try:
            await reconcile(self.daemon, self.book, self.options.daemon_id)
        except EslError as exc:
            log.warning("dialer: reconciliation postponed, FreeSWITCH did not answer: %s", exc)
            return
        self._connects_seen = client.connects

    def _connected(self) -> bool:
        connection = self.daemon.client.connection
        return connection is not None and not connection.is_closed and self._connects_seen == \
            self.daemon.client.connects

    async def tick(self) -> float:
        """One planning pass; returns how long to sleep before the next one."""
        self.ticks += 1
        db = self.daemon.db
        known = self.book.campaign_ids()
        watched = await db.run(lambda: attempts.campaigns_to_watch(known))
        for campaign_id, status in watched:
            if status != CampaignStatus.START:
                await self._stop_campaign(campaign_id, status)
        running = [campaign_id for campaign_id, status in watched if status == CampaignStatus.START]
        busy = False
        for campaign_id in running:
            self._stopped.pop(campaign_id, None)
            idle = self._idle.get(campaign_id, True)
            free = self.options.max_calls - self.book.count if self._connected() else 0
            prepared, plan = await self._planner.run(
                lambda cid=campaign_id, idle=idle, free=free: self._step(cid, idle, free))  # type: ignore[misc]
            self._note(campaign_id, prepared, plan)
            busy = busy or prepared.importing or (plan is not None and plan.claimed > 0)
        return self.options.horizon_s / 2 if busy else self.options.wakeup_max_s

    def _step(self, campaign_id: int, idle: bool, free: int) -> tuple[Preparation, CampaignPlan | None]:
        """Housekeeping and planning of one campaign (runs on the database thread)."""
        now_s = time.time()
        with write_transaction():
            lock_campaign_rows(campaign_id)  # first: one planner at a time per gateway
            prepared = prepare_campaign(campaign_id, now_s, import_batch=IMPORT_BATCH, check_end=idle)
            if not prepared.running or prepared.error or free <= 0:
                return prepared, None
            plan = plan_campaign(campaign_id, now_s, daemon_id=self.options.daemon_id, pacer=self.pacer,
                                 global_free=free)
        return prepared, plan

    def _note(self, campaign_id: int, prepared: Preparation, plan: CampaignPlan | None) -> None:
        error = prepared.error or (plan.error if plan is not None else "")
        if error and self._errors.get(campaign_id) != error:
            log.error("campaign %s cannot dial: %s", campaign_id, error)
        if error:
            self._errors[campaign_id] = error
        else:
            self._errors.pop(campaign_id, None)
        if plan is not None:
            self.book.schedule(plan.calls)
            self._idle[campaign_id] = plan.claimed == 0
            if plan.not_authorized:
                log.info("campaign %s: %d subscribers not authorized (DNC or black/white list)", campaign_id,
                         plan.not_authorized)

    async def _stop_campaign(self, campaign_id: int, status: int) -> None:
        dropped = await self.book.cancel_planned(campaign_id)
        killed = await self.book.kill_campaign(campaign_id) if status == CampaignStatus.ABORT else 0
        if self._stopped.get(campaign_id) != status:
            self._stopped[campaign_id] = status
            log.info("campaign %s: status %s; %d planned calls dropped, %d calls hung up", campaign_id,
                     CampaignStatus(status).name, dropped, killed)


def install_dialer(daemon: Daemon) -> Dialer:
    """Adds the campaign dialer to the daemon (call before `daemon.run()`)."""
    dialer = Dialer(daemon)
    daemon.add_component(dialer)
    daemon.dispatcher.add_event_hook(EventName.CHANNEL_ANSWER, dialer.book.on_answer)
    daemon.dispatcher.on_hangup_complete(dialer.book.on_hangup_complete)
    daemon.add_connect_hook(dialer.on_connected)
    return dialer
