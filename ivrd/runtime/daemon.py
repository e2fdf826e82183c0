"""The `ivrd run` daemon: ESL supervisor, event pump, dispatcher, database writer and plug-in components.

Components (the campaign dialer, for one) register before `run()` with `add_component(component)`;
each one's `run(daemon)` coroutine runs in the daemon's TaskGroup and is cancelled on stop. They
reach FreeSWITCH through `daemon.client` (api, bgapi, command), the legs through `daemon.dispatcher`
(expect_leg, on_hangup_complete, add_event_hook) and the database through `daemon.db` (DbWriter).
Extra event names are added with `daemon.subscribe(...)` before `run()`.

SIGTERM/SIGINT stop the daemon: legs in progress are left to FreeSWITCH, the writes they queued
are committed, then the process exits.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import Protocol

import peewee

from ivrd import sounds
from ivrd.config import Settings
from ivrd.esl.client import EslClient, EslConnection
from ivrd.esl.events import EventName
from ivrd.runtime import sdnotify
from ivrd.runtime.amd import install_amd
from ivrd.runtime.dbwriter import DbWriter
from ivrd.runtime.dispatcher import Dispatcher
from ivrd.runtime.leg_actions import MediaOptions
from ivrd.runtime.leg_spec import LegServices, SurveyCache

log = logging.getLogger(__name__)

# What legs need; BACKGROUND_JOB and HEARTBEAT are always subscribed by the client.
LEG_EVENTS: tuple[str, ...] = (
    EventName.CHANNEL_ANSWER,
    EventName.CHANNEL_PARK,
    EventName.CHANNEL_EXECUTE_COMPLETE,
    EventName.CHANNEL_HANGUP,
    EventName.CHANNEL_HANGUP_COMPLETE,
)


ConnectHook = Callable[[EslConnection], Awaitable[None]]
DisconnectHook = Callable[[BaseException], None]


class Component(Protocol):
    """A long-running part of the daemon (e.g. the campaign dialer)."""

    name: str

    async def run(self, daemon: Daemon) -> None: ...


class Daemon:
    """One daemon drives one FreeSWITCH. `run()` returns after `stop()` (or a signal)."""

    def __init__(self, settings: Settings, database: peewee.Database) -> None:
        self.settings = settings
        self.database = database
        self.db = DbWriter(database)
        self._events: list[str] = list(LEG_EVENTS)
        self._custom: list[str] = []
        self._components: list[Component] = []
        self._connect_hooks: list[ConnectHook] = []
        self._disconnect_hooks: list[DisconnectHook] = []
        self._stop_requested = False
        self._stop_event: asyncio.Event | None = None
        self.client = self._new_client()
        media_root = Path(settings.media.root).resolve()
        media = MediaOptions(recordings_dir=media_root / settings.media.recordings_dir,
                             tts_voice=settings.media.tts_voice,
                             tts_languages=settings.media.tts_by_language())
        goodbye = str(sounds.playback_path(sounds.TECHNICAL_DIFFICULTIES, settings.sounds_root.resolve()))
        self.surveys = SurveyCache(self.db, media_root)
        self.dispatcher = Dispatcher(LegServices(self, self.db, self.surveys, media, goodbye))
        self.amd = install_amd(self)  # answering-machine detection on campaigns with voicemail on
        self.connected = asyncio.Event()

    def _new_client(self) -> EslClient:
        esl = self.settings.esl
        return EslClient(
            esl.host, esl.port, esl.password, events=self._events, custom=self._custom,
            connect_timeout_s=esl.connect_timeout_s, heartbeat_timeout_s=esl.heartbeat_timeout_s,
            reconnect_max_backoff_s=esl.reconnect_max_backoff_s, on_connected=self._connected,
            on_disconnected=self._disconnected,
        )

    async def command(self, data: bytes, *, check: bool = True) -> str:
        """Sends a pre-built command on the current connection (what legs use)."""
        return await self.client.command(data, check=check)

    # -- registration ------------------------------------------------------------------------------
    def add_component(self, component: Component) -> None:
        self._components.append(component)

    def subscribe(self, names: Iterable[str] = (), custom: Iterable[str] = ()) -> None:
        """More event names (and CUSTOM subclasses) to receive; call before run().

        Use `daemon.client` (api, bgapi, command) only from inside run(): it is created there.
        """
        self._events.extend(n for n in names if n not in self._events)
        self._custom.extend(c for c in custom if c not in self._custom)

    # -- running -----------------------------------------------------------------------------------
    def stop(self) -> None:
        self._stop_requested = True
        if self._stop_event is not None:
            self._stop_event.set()

    async def run(self, *, handle_signals: bool = False) -> None:
        loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        if self._stop_requested:
            self._stop_event.set()
        if handle_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, self._on_signal, signum)
        Path(self.recordings_dir()).mkdir(parents=True, exist_ok=True)
        self.client = self._new_client()  # with every event name subscribed so far
        gc.freeze()  # startup objects never need collecting: keeps full collections short under load
        self.db.start()
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(self.client.run(), name="esl-supervisor"),
                         group.create_task(self._pump(), name="event-pump")]
                tasks += [group.create_task(c.run(self), name=c.name) for c in self._components]
                watchdog_s = sdnotify.watchdog_interval_s()
                if watchdog_s is not None:
                    tasks.append(group.create_task(_watchdog(watchdog_s), name="systemd-watchdog"))
                sdnotify.ready(f"connecting to FreeSWITCH at {self.client.host}:{self.client.port}")
                await self._stop_event.wait()
                log.info("stopping: %d legs in progress are left to FreeSWITCH", self.dispatcher.active_legs)
                sdnotify.stopping()
                await self.dispatcher.stop()
                await self.client.stop()
                for task in tasks:
                    task.cancel()
        finally:
            if handle_signals:
                for signum in (signal.SIGTERM, signal.SIGINT):
                    loop.remove_signal_handler(signum)
            await asyncio.to_thread(self.db.stop)
            log.info("stopped; %d database batches committed", self.db.batches_committed)

    def recordings_dir(self) -> str:
        return str(Path(self.settings.media.root).resolve() / self.settings.media.recordings_dir)

    def _on_signal(self, signum: int) -> None:
        log.info("%s received", signal.Signals(signum).name)
        self.stop()

    def add_connect_hook(self, hook: ConnectHook) -> None:
        """`await hook(connection)` after every (re)connect, once events are subscribed."""
        self._connect_hooks.append(hook)

    def add_disconnect_hook(self, hook: DisconnectHook) -> None:
        """`hook(error)` when the link to FreeSWITCH drops (the client then reconnects)."""
        self._disconnect_hooks.append(hook)

    async def _connected(self, connection: EslConnection) -> None:
        log.info("connected to FreeSWITCH at %s:%s", self.client.host, self.client.port)
        self.connected.set()
        sdnotify.status(f"connected to FreeSWITCH at {self.client.host}:{self.client.port}")
        await self.dispatcher.link_restored()
        for hook in self._connect_hooks:
            await hook(connection)

    def _disconnected(self, error: BaseException) -> None:
        sdnotify.status(f"reconnecting to FreeSWITCH at {self.client.host}:{self.client.port}: {error}")
        log.warning("Event Socket link lost (%s); %d legs end, their calls are hung up on reconnect",
                    error, self.dispatcher.active_legs)
        self.dispatcher.link_lost(str(error))
        for hook in self._disconnect_hooks:
            hook(error)

    async def _pump(self) -> None:
        """Every event, in order, to the dispatcher; one bad event never stops the pump."""
        dispatch = self.dispatcher.dispatch
        next_event = self.client.next_event
        while True:
            event = await next_event()
            try:
                dispatch(event)
            except Exception:
                log.exception("event %s could not be dispatched", event.name)


async def _watchdog(interval_s: float) -> None:
    """WATCHDOG=1 from the event loop itself: a wedged loop stops the pings and systemd restarts us."""
    while True:
        sdnotify.watchdog()
        await asyncio.sleep(interval_s)
