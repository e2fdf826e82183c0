"""One inbound Event Socket client: auth, command dispatch, ordered replies and its bounded event queue."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections import deque
from typing import TYPE_CHECKING

from ivrd.sim import wire
from ivrd.sim.commands import ClientProtocolError, Command, CommandParser
from ivrd.sim.events import Event
from ivrd.sim.subscription import Subscription

if TYPE_CHECKING:
    from ivrd.sim.server import SimFreeSwitch

LOST_EVENTS_LIMIT = 500
WRITE_BATCH_EVENTS = 256  # queued event frames handed to the socket in one write


class Connection:
    """Reads commands in order; events are written between commands, never while an `api` runs."""

    def __init__(self, sim: SimFreeSwitch, reader: asyncio.StreamReader,
                 writer: asyncio.StreamWriter) -> None:
        self.sim = sim
        self.reader = reader
        self.writer = writer
        self.subscription = Subscription()
        self.authed = False
        self.closed = False
        self.in_api = False
        self.events: deque[bytes] = deque()
        self.lost_events = 0
        self.event_wakeup = asyncio.Event()
        self.tied_uuid: str | None = None
        self.linger_s: int | None = None
        self._writer_task: asyncio.Task[None] | None = None

    # ----- output
    def write(self, frame: bytes) -> None:
        if not self.closed and not self.writer.is_closing():
            self.writer.write(frame)

    def offer(self, event: Event) -> None:
        """Queue an event if this listener wants it (subscription and filters)."""
        if not self.closed and self.subscription.wants(event):
            self.enqueue_event(event.frame(self.subscription.event_format))

    def enqueue_event(self, frame: bytes) -> None:
        if len(self.events) >= self.sim.event_queue_limit:
            self.lost_events += 1
            if self.lost_events > LOST_EVENTS_LIMIT:
                self.events.clear()
                asyncio.get_running_loop().create_task(self.close(wire.LOST_EVENTS_BODY))
            return
        self.events.append(frame)
        self.event_wakeup.set()

    async def _write_events(self) -> None:
        while not self.closed:
            await self.event_wakeup.wait()
            self.event_wakeup.clear()
            while self.events and not self.in_api and not self.closed:
                count = min(len(self.events), WRITE_BATCH_EVENTS)
                popleft = self.events.popleft
                self.write(b"".join([popleft() for _ in range(count)]))
                await self.writer.drain()

    # ----- lifecycle
    async def serve(self) -> None:
        self._writer_task = asyncio.create_task(self._write_events())
        try:
            self.write(wire.auth_request())
            await self._read_loop()
        except (ConnectionError, ClientProtocolError):
            self.abort()
        finally:
            self.closed = True
            if self._writer_task is not None:
                self._writer_task.cancel()
            self.sim.connection_gone(self)

    async def _read_loop(self) -> None:
        parser = CommandParser()
        first = True
        while not self.closed:
            try:
                if first:
                    data = await asyncio.wait_for(self.reader.read(65536), self.sim.first_command_timeout_s)
                else:
                    data = await self.reader.read(65536)
            except TimeoutError:
                await self.close()
                return
            if not data:
                return
            for command in parser.feed(data):
                first = False
                await self._handle(command)
                if self.closed:
                    return

    async def close(self, body: bytes = wire.DISCONNECT_BODY) -> None:
        """End the listener the way FreeSWITCH does: disconnect notice, then close."""
        if self.closed:
            return
        self.closed = True
        notice = wire.disconnect_notice(body) if self.tied_uuid is None else (
            wire.tied_disconnect_notice(self.tied_uuid, body))
        with contextlib.suppress(ConnectionError, RuntimeError):
            self.writer.write(notice)
            await self.writer.drain()
        self.writer.close()

    def abort(self) -> None:
        """Close abruptly (no notice), as a crash or network cut would."""
        self.closed = True
        transport = self.writer.transport
        if transport is not None:
            transport.abort()

    # ----- commands
    async def _reply(self, text: str, extra: tuple[tuple[str, str], ...] = ()) -> None:
        await self._delay()
        self.write(wire.command_reply(text, extra))

    async def _delay(self) -> None:
        if self.sim.reply_delay_ms > 0:
            await asyncio.sleep(self.sim.reply_delay_ms / 1000.0)

    async def _handle(self, command: Command) -> None:
        word = command.word
        if word == "exit" or command.line.startswith("..."):
            await self._reply("+OK bye")
            await self.close()
            return
        if not self.authed:
            await self._handle_unauthenticated(command, word)
            return
        self.sim.metrics.command_seen(command)
        handler = _HANDLERS.get(word)
        if handler is None:
            await self._reply("-ERR command not found")
            return
        await handler(self, command)

    async def _handle_unauthenticated(self, command: Command, word: str) -> None:
        if word != "auth":
            await self._reply("-ERR command not found")
            return
        password = command.line[5:] if command.line[:5].lower() == "auth " else ""
        if password == self.sim.password:
            self.authed = True
            await self._reply("+OK accepted")
        else:
            await self._reply("-ERR invalid")
            await self.close()

    async def _api(self, command: Command) -> None:
        self.in_api = True
        try:
            body = await self.sim.api.execute(command.rest)
            await self._delay()
            self.write(wire.api_response(body))
        finally:
            self.in_api = False
            self.event_wakeup.set()

    async def _bgapi(self, command: Command) -> None:
        job_uuid = command.header("Job-UUID") or str(uuid.uuid4())
        await self._reply(f"+OK Job-UUID: {job_uuid}", (("Job-UUID", job_uuid),))
        self.sim.spawn(self.sim.api.background(command.rest, job_uuid))

    async def _event(self, command: Command) -> None:
        await self._reply(self.subscription.subscribe(command.rest.split()))

    async def _nixevent(self, command: Command) -> None:
        await self._reply(self.subscription.nix(command.rest.split()))

    async def _noevents(self, command: Command) -> None:
        await self._reply(self.subscription.stop())

    async def _filter(self, command: Command) -> None:
        if not command.line.lower().startswith("filter "):
            await self._reply("-ERR command not found")
            return
        await self._reply(self.subscription.filter_command(command.line[7:]))

    async def _sendmsg(self, command: Command) -> None:
        target = command.rest.strip() or (command.header("Unique-ID") or "")
        ok = self.sim.queue_message(target, command)
        await self._reply("+OK" if ok else f"-ERR invalid session id [{target}]")

    async def _sendevent(self, command: Command) -> None:
        name = command.rest.strip().upper() or "CUSTOM"
        event_uuid = self.sim.fire_client_event(name, command)
        await self._reply(f"+OK {event_uuid}")

    async def _log(self, command: Command) -> None:
        level = command.rest.strip() or "debug"
        await self._reply(f"+OK log level {level} [7]")

    async def _nolog(self, command: Command) -> None:
        await self._reply("-ERR not loging")

    async def _divert(self, command: Command) -> None:
        await self._reply("-ERR not controlling a session.")

    def session_ended(self, channel_name: str) -> None:
        """The channel this listener is tied to is gone: end the listener, or linger."""
        if self.closed:
            return
        if self.events:
            self.write(b"".join(self.events))
            self.events.clear()
        if self.linger_s is None:
            asyncio.get_running_loop().create_task(self.close())
            return
        self.write(wire.linger_notice(self.tied_uuid or "", channel_name, self.linger_s))
        if self.linger_s >= 0:
            asyncio.get_running_loop().call_later(self.linger_s, self._end_linger)

    def _end_linger(self) -> None:
        if not self.closed:
            asyncio.get_running_loop().create_task(self.close())

    async def _linger(self, command: Command) -> None:
        if self.tied_uuid is None:
            await self._reply("-ERR not controlling a session")
            return
        text = command.rest.strip()
        self.linger_s = int(text) if text.lstrip("-").isdigit() else -1
        await self._reply(f"+OK will linger {text} seconds" if text else "+OK will linger")

    async def _nolinger(self, command: Command) -> None:
        if self.tied_uuid is None:
            await self._reply("-ERR not controlling a session")
            return
        self.linger_s = None
        await self._reply("+OK will not linger")

    async def _myevents(self, command: Command) -> None:
        parts = command.rest.split()
        if self.tied_uuid is not None:
            await self._reply("-ERR aready enabled.")
            return
        if not parts or parts[0] not in self.sim.channels:
            await self._reply("-ERR invalid uuid")
            return
        self.tied_uuid = parts[0]
        self.subscription.enabled = True
        self.subscription.all_events = True
        self.subscription.filters.clear()
        self.subscription.filter_command(f"Unique-ID {parts[0]}")
        await self._reply("+OK Events Enabled")


_HANDLERS = {
    "api": Connection._api,
    "bgapi": Connection._bgapi,
    "event": Connection._event,
    "nixevent": Connection._nixevent,
    "noevents": Connection._noevents,
    "filter": Connection._filter,
    "sendmsg": Connection._sendmsg,
    "sendevent": Connection._sendevent,
    "log": Connection._log,
    "nolog": Connection._nolog,
    "linger": Connection._linger,
    "nolinger": Connection._nolinger,
    "divert_events": Connection._divert,
    "myevents": Connection._myevents,
}
