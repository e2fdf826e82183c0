"""SimFreeSwitch: the listening server, the channel registry, event fan-out, heartbeat and fault injection."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

from ivrd.sim import apps_call, apps_media, recording  # noqa: F401  (registers the applications)
from ivrd.sim.api import ApiCommands
from ivrd.sim.channel import Channel, Message
from ivrd.sim.commands import Command
from ivrd.sim.connection import Connection
from ivrd.sim.events import Event, EventFactory
from ivrd.sim.origins import ORIGINS, cause_name
from ivrd.sim.scenario import Callee, Scenario
from ivrd.sim.stats import Stats


class SimFreeSwitch:
    """A simulated FreeSWITCH Event Socket server running in the caller's event loop."""

    def __init__(self, password: str = "ClueCon", scenario: Scenario | None = None,
                 media_root: str | Path | None = None, host: str = "127.0.0.1", port: int = 0,
                 heartbeat_interval_s: float = 20.0, event_queue_limit: int = 100_000,
                 first_command_timeout_s: float = 25.0, hostname: str = "ivrd-sim") -> None:
        self.password = password
        self.scenario = scenario or Scenario()
        self.media_root = Path(media_root) if media_root is not None else Path.cwd()
        self.host = host
        self.port = port
        self.heartbeat_interval_s = heartbeat_interval_s
        self.event_queue_limit = event_queue_limit
        self.first_command_timeout_s = first_command_timeout_s
        self.hostname = hostname
        self.reply_delay_ms = 0
        self.core_uuid = str(uuid.uuid4())
        self.factory = EventFactory(self.core_uuid, hostname)
        self.connections: set[Connection] = set()
        self.channels: dict[str, Channel] = {}
        self.metrics = Stats()
        self.api = ApiCommands(self)
        self.started_monotonic = 0.0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._service_tasks: set[asyncio.Task[Any]] = set()

    @property
    def call_log(self) -> list[dict[str, Any]]:
        return self.metrics.call_log

    # ----- lifecycle
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self.started_monotonic = loop.time()
        self._service(self._heartbeat_loop())
        for fault in self.scenario.faults:
            self._service(self._scheduled_fault(fault.at_ms, fault.kind, fault.params))

    async def stop(self) -> None:
        """Disconnect notice to every client, stop listening, cancel every channel and task."""
        for task in list(self._service_tasks):
            task.cancel()
        if self._server is not None:
            self._server.close()
        await asyncio.gather(*(c.close() for c in list(self.connections)), return_exceptions=True)
        self._vanish_channels()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, *self._service_tasks, return_exceptions=True)
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = Connection(self, reader, writer)
        self.connections.add(connection)
        await connection.serve()

    def connection_gone(self, connection: Connection) -> None:
        self.connections.discard(connection)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _service(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._service_tasks.add(task)
        task.add_done_callback(self._service_tasks.discard)

    # ----- events
    def publish(self, event: Event) -> None:
        uid = event.unique_id or event.get("Unique-ID")
        if uid is not None and uid in self.channels:
            self.metrics.event_emitted(uid)
        for connection in list(self.connections):
            if connection.authed:
                connection.offer(event)

    def new_event(self, name: str, subclass: str | None = None) -> Event:
        return self.factory.new(name, ORIGINS.get(name, ORIGINS["CUSTOM"]), subclass)

    async def _heartbeat_loop(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_interval_s)
            self.publish(self.heartbeat_event())

    def heartbeat_event(self) -> Event:
        from ivrd.sim.status import heartbeat_headers

        event = self.new_event("HEARTBEAT")
        event.extend(heartbeat_headers(self))
        return event

    # ----- channels
    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.uuid] = channel

    def channel_gone(self, channel: Channel) -> None:
        self.channels.pop(channel.uuid, None)
        self.metrics.channel_gone(channel.uuid)
        for connection in list(self.connections):
            if connection.tied_uuid == channel.uuid:
                connection.session_ended(channel.profile.channel_name)

    def queue_message(self, target: str, command: Command) -> bool:
        channel = self.channels.get(target)
        if channel is None or not channel.alive:
            return False
        call_command = (command.header("call-command") or "execute").lower()
        arg = command.header("execute-app-arg")
        if arg is None and command.body:
            arg = command.body.decode("utf-8", errors="replace")
        cause = cause_name(command.header("hangup-cause") or "NORMAL_CLEARING") or "NORMAL_CLEARING"
        loops_text = command.header("loops") or "1"
        message = Message(
            command=call_command,
            app=(command.header("execute-app-name") or "").strip(),
            arg=arg or "",
            event_lock=(command.header("event-lock") or "").lower() == "true",
            loops=int(loops_text) if loops_text.lstrip("-").isdigit() else 1,
            app_uuid=command.header("Event-UUID") or "",
            app_uuid_name=command.header("Event-UUID-Name") or "",
            hangup_cause=cause,
            headers=[(k, v) for k, v in command.headers if k.lower() != "content-length"],
        )
        if call_command == "hangup" and not channel.current_lock:
            channel.hangup(cause)
            return True
        channel.messages.put_nowait(message)
        channel.poke()
        return True

    def fire_client_event(self, name: str, command: Command) -> str:
        event_uuid = str(uuid.uuid4())
        subclass = command.header("Event-Subclass") if name == "CUSTOM" else None
        event = self.new_event(name, subclass)
        skipped = ("content-length", "event-name")
        event.extend([(k, v) for k, v in command.headers if k.lower() not in skipped])
        if command.body:
            event.body = command.body.decode("utf-8", errors="replace")
        self.publish(event)
        return event_uuid

    async def place_inbound_call(self, number: str, caller_id: str, variables: dict[str, str] | None = None,
                                 callee: Callee | None = None) -> str:
        """An inbound call through the ivrd dialplan hook: it is answered and parks. Returns its uuid."""
        from ivrd.sim.lifecycle import start_inbound

        chosen = callee or self.scenario.default
        return await start_inbound(self, number, caller_id, dict(variables or {}), chosen)

    def _vanish_channels(self) -> set[str]:
        recording.stop_all(self)
        vanished = set(self.channels)
        for channel in list(self.channels.values()):
            channel.finished.set()
            for task in list(channel.tasks):
                task.cancel()
        self.channels.clear()
        return vanished

    # ----- faults
    async def drop_connections(self) -> None:
        for connection in list(self.connections):
            connection.abort()
        await asyncio.sleep(0)

    async def restart(self) -> set[str]:
        """Drops every connection and channel without a hangup event; returns the channels' UUIDs
        (taken when they vanish: an originate in flight while connections drop is among them)."""
        await self.drop_connections()
        vanished = self._vanish_channels()
        for task in list(self._tasks):
            task.cancel()
        self.core_uuid = str(uuid.uuid4())
        self.factory = EventFactory(self.core_uuid, self.hostname)
        return vanished

    def set_reply_delay_ms(self, delay_ms: int) -> None:
        self.reply_delay_ms = max(int(delay_ms), 0)

    async def send_malformed_frame(self) -> None:
        for connection in list(self.connections):
            connection.write(b"Content-Type: api/response\nContent-Length: 12x\n\n+OK\n")
        await asyncio.sleep(0)

    async def flood_events(self, total_bytes: int = 10_000_000) -> int:
        from ivrd.sim.status import flood_event

        sent = 0
        count = 0
        while sent < total_bytes:
            event = flood_event(self, count)
            for connection in list(self.connections):
                if connection.authed and connection.subscription.enabled:
                    connection.enqueue_event(event.frame(connection.subscription.event_format))
            sent += len(event.frame("plain"))
            count += 1
            if count % 200 == 0:
                await asyncio.sleep(0)
        return count

    async def fire_custom_event(self, subclass: str, headers: dict[str, str] | None = None) -> None:
        event = self.new_event("CUSTOM", subclass)
        event.extend(list((headers or {}).items()))
        self.publish(event)
        await asyncio.sleep(0)

    def stats(self) -> dict[str, Any]:
        """The same figures as `api sim_stats`."""
        return self.metrics.snapshot(len(self.channels))

    async def _scheduled_fault(self, at_ms: int, kind: str, params: dict[str, Any]) -> None:
        await asyncio.sleep(at_ms / 1000.0)
        if kind == "drop":
            await self.drop_connections()
        elif kind == "restart":
            await self.restart()
        elif kind == "malformed":
            await self.send_malformed_frame()
        elif kind == "reply_delay":
            self.set_reply_delay_ms(int(params["delay_ms"]))
        elif kind == "flood":
            await self.flood_events(int(params.get("total_bytes", 10_000_000)))
        elif kind == "custom_event":
            await self.fire_custom_event(str(params["subclass"]), dict(params.get("headers", {})))
