"""Asyncio Event Socket client: one authenticated connection (EslConnection) and its reconnecting
supervisor (EslClient). The only module of ivrd.esl that does I/O or reads the clock."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections import deque
from collections.abc import Awaitable, Callable, Iterable

from ivrd.esl import codec, commands
from ivrd.esl.backoff import reconnect_delay_s
from ivrd.esl.codec import EslCodec, EslEvent, Frame
from ivrd.esl.errors import AuthenticationFailed, CommandFailed, ConnectionLost, EslError, RemoteProtocolError
from ivrd.esl.events import BackgroundJob, EventName

log = logging.getLogger(__name__)

ALWAYS_SUBSCRIBED = (EventName.BACKGROUND_JOB, EventName.HEARTBEAT)
_REPLY_TYPES = frozenset((codec.COMMAND_REPLY, codec.API_RESPONSE, codec.AUTH_REQUEST))


class EslConnection(asyncio.Protocol):
    """One inbound Event Socket connection: FIFO replies, bgapi jobs by Job-UUID, a bounded event queue.

    Overflow policy: when `event_queue_limit` events wait unconsumed, reading from the socket
    pauses (nothing is dropped) and resumes once the queue is half empty. While paused no
    reply can arrive either, so events must be consumed by a task other than the one awaiting
    replies. If the consumer stalls for long, FreeSWITCH's own 100 000-event queue overflows
    and it drops the connection; the supervisor then reconnects.
    """

    def __init__(self, *, event_queue_limit: int = 10_000, heartbeat_timeout_s: float = 60.0) -> None:
        if event_queue_limit < 2:
            raise ValueError(f"event_queue_limit must be at least 2, got {event_queue_limit}")
        self._loop = asyncio.get_running_loop()
        self._codec = EslCodec()
        self._transport: asyncio.Transport | None = None
        self._replies: deque[asyncio.Future[Frame]] = deque()
        self._jobs: dict[str, asyncio.Future[BackgroundJob]] = {}
        self._events: deque[EslEvent] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self._limit = event_queue_limit
        self._paused = False
        self._heartbeat_timeout_s = heartbeat_timeout_s
        self._last_rx_s = self._loop.time()
        self._watchdog: asyncio.TimerHandle | None = None
        self._filtered = False
        self.closed: asyncio.Future[ConnectionLost] = self._loop.create_future()
        self.core_uuid: str | None = None
        self.events_received = 0
        self.read_pauses = 0
        self.max_queue_depth = 0

    @classmethod
    async def open(cls, host: str, port: int, password: str, *, connect_timeout_s: float = 5.0,
                   event_queue_limit: int = 10_000, heartbeat_timeout_s: float = 60.0) -> EslConnection:
        """Connect and authenticate. Raises AuthenticationFailed (final), OSError or EslError."""
        conn = cls(event_queue_limit=event_queue_limit, heartbeat_timeout_s=heartbeat_timeout_s)
        greeting = conn._expect_reply()
        try:
            async with asyncio.timeout(connect_timeout_s):
                await conn._loop.create_connection(lambda: conn, host, port)
                frame = await greeting
                if frame.content_type != codec.AUTH_REQUEST:
                    raise RemoteProtocolError(f"expected auth/request first, got {frame.content_type}")
                reply = (await conn._send(commands.auth(password))).reply_text
        except TimeoutError:
            conn.close()
            raise ConnectionLost(f"no Event Socket greeting from {host}:{port} within "
                                 f"{connect_timeout_s} s (esl.connect_timeout_s)") from None
        except BaseException:
            conn.close()
            raise
        if not reply.startswith("+OK"):
            conn.close()
            raise AuthenticationFailed(
                f"FreeSWITCH at {host}:{port} rejected the Event Socket password ({reply!r}); "
                "check esl.password / IVRD_ESL_PASSWORD against event_socket.conf.xml")
        conn._arm_watchdog()
        return conn

    async def api(self, command: str) -> str:
        """Run `api <command>`; the api/response body. Replies come back in command order."""
        return (await self._send(commands.api(command))).text

    async def command(self, data: bytes, *, check: bool = True) -> str:
        """Send a pre-built command (see ivrd.esl.commands); its Reply-Text. -ERR raises CommandFailed."""
        reply = (await self._send(data)).reply_text
        if check and reply.startswith("-ERR"):
            raise CommandFailed(data.split(b"\n", 1)[0].decode(errors="replace"), reply)
        return reply

    async def bgapi(self, command: str) -> asyncio.Future[BackgroundJob]:
        """Start `bgapi <command>` under a Job-UUID chosen here; the future resolves on BACKGROUND_JOB."""
        job_uuid = str(uuid.uuid4())
        job: asyncio.Future[BackgroundJob] = self._loop.create_future()
        self._jobs[job_uuid] = job
        try:
            await self.command(commands.bgapi(command, job_uuid))
        except BaseException:
            self._jobs.pop(job_uuid, None)
            raise
        return job

    async def subscribe(self, names: Iterable[str] = (), custom: Iterable[str] = ()) -> None:
        """`event plain …`; BACKGROUND_JOB and HEARTBEAT are always included."""
        wanted = list(dict.fromkeys([*ALWAYS_SUBSCRIBED, *names]))
        await self.command(commands.event(wanted, custom=custom))

    async def add_filter(self, header: str, value: str) -> None:
        """`filter Header value`; the first filter also lets BACKGROUND_JOB and HEARTBEAT through."""
        if not self._filtered:
            self._filtered = True
            for name in ALWAYS_SUBSCRIBED:
                await self.command(commands.filter_add("Event-Name", name))
        await self.command(commands.filter_add(header, value))

    async def delete_filter(self, header: str, value: str) -> None:
        await self.command(commands.filter_delete(header, value))

    async def next_event(self) -> EslEvent:
        """The next event in arrival order; ConnectionLost once the link is gone and the queue empty."""
        return (await self.next_events(1))[0]

    async def next_events(self, max_events: int = 1000) -> list[EslEvent]:
        """Every queued event (at least one, at most `max_events`), oldest first; for batch consumers."""
        events = self._events
        while not events:
            if self.closed.done():
                raise self.closed.result()
            self._waiter = self._loop.create_future()
            await self._waiter
        batch = [events.popleft() for _ in range(min(max_events, len(events)))]
        if self._paused and len(events) <= self._limit // 2 and self._transport is not None:
            self._paused = False
            self._transport.resume_reading()
        return batch

    @property
    def is_closed(self) -> bool:
        return self.closed.done()

    def close(self, reason: str = "closed by ivrd") -> None:
        self._fail(ConnectionLost(reason))

    def _expect_reply(self) -> asyncio.Future[Frame]:
        if self.closed.done():
            raise self.closed.result()
        future: asyncio.Future[Frame] = self._loop.create_future()
        self._replies.append(future)
        return future

    def _send(self, data: bytes) -> asyncio.Future[Frame]:
        future = self._expect_reply()
        assert self._transport is not None
        self._transport.write(data)
        return future

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionLost(f"connection closed by FreeSWITCH{f': {exc}' if exc else ''}"))

    def data_received(self, data: bytes) -> None:
        self._last_rx_s = self._loop.time()
        error: RemoteProtocolError | None = None
        try:
            frames = self._codec.feed(data)
        except RemoteProtocolError as exc:
            frames, error = exc.frames, exc  # type: ignore[assignment]
        events = self._events
        queued = len(events)
        for frame in frames:
            event = frame.event
            if event is None:
                self._dispatch_reply(frame)
            elif not (self._jobs and self._resolve_job(event)):
                events.append(event)
        if len(events) > queued:
            self._events_arrived(len(events) - queued)
        if error is not None:
            log.warning("Event Socket protocol error, dropping the connection: %s", error)
            self._fail(ConnectionLost(f"malformed data from FreeSWITCH: {error}"))

    def _events_arrived(self, count: int) -> None:
        self.events_received += count
        if self.core_uuid is None:
            self.core_uuid = self._events[-1].headers.get("Core-UUID")
        if self._waiter is not None:
            if not self._waiter.done():
                self._waiter.set_result(None)
            self._waiter = None
        depth = len(self._events)
        self.max_queue_depth = max(self.max_queue_depth, depth)
        if depth >= self._limit and not self._paused and self._transport is not None:
            self._paused = True
            self.read_pauses += 1
            self._transport.pause_reading()

    def _resolve_job(self, event: EslEvent) -> bool:
        if event.name != EventName.BACKGROUND_JOB:
            return False
        job = self._jobs.pop(event.headers.get("Job-UUID") or "", None)
        if job is None:
            return False
        if not job.done():
            job.set_result(BackgroundJob(event))
        return True

    def _dispatch_reply(self, frame: Frame) -> None:
        kind = frame.content_type
        if kind in _REPLY_TYPES:
            if not self._replies:
                self._fail(ConnectionLost(f"FreeSWITCH sent a {kind} nobody asked for"))
                return
            future = self._replies.popleft()
            if not future.done():
                future.set_result(frame)
        elif kind == codec.DISCONNECT_NOTICE and frame.headers.get("Content-Disposition") != "linger":
            self._fail(ConnectionLost(f"FreeSWITCH said goodbye: {frame.text.strip()!r}"))
        elif kind == codec.RUDE_REJECTION:
            self._fail(ConnectionLost(f"FreeSWITCH refused the connection (ACL): {frame.text.strip()!r}"))

    def _arm_watchdog(self) -> None:
        self._watchdog = self._loop.call_later(self._heartbeat_timeout_s / 4, self._check_liveness)

    def _check_liveness(self) -> None:
        silent_s = self._loop.time() - self._last_rx_s
        if not self._paused and silent_s > self._heartbeat_timeout_s:
            self._fail(ConnectionLost(
                f"no data from FreeSWITCH for {silent_s:.0f} s (esl.heartbeat_timeout_s="
                f"{self._heartbeat_timeout_s:g}); HEARTBEAT events should arrive every 20 s"))
        elif not self.closed.done():
            self._arm_watchdog()

    def _fail(self, error: ConnectionLost) -> None:
        if self.closed.done():
            return
        self.closed.set_result(error)
        if self._watchdog is not None:
            self._watchdog.cancel()
        if self._transport is not None:
            self._transport.abort()
        pending: list[asyncio.Future[Frame] | asyncio.Future[BackgroundJob]] = [
            *self._replies, *self._jobs.values()]
        self._replies.clear()
        self._jobs.clear()
        for future in pending:
            if not future.done():
                future.set_exception(ConnectionLost(str(error)))
                future.exception()  # retrieved here: nobody may be awaiting a cancelled command
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


ConnectedHook = Callable[[EslConnection], Awaitable[None]]
DisconnectedHook = Callable[[BaseException], None]


class EslClient:
    """Keeps one EslConnection alive: connect, authenticate, subscribe, re-apply filters, call hooks;
    on loss wait a capped exponential back-off with jitter and start again. A rejected password
    ends `run()` with AuthenticationFailed instead of retrying."""

    def __init__(self, host: str, port: int, password: str, *, events: Iterable[str] = (),
                 custom: Iterable[str] = (), connect_timeout_s: float = 5.0,
                 heartbeat_timeout_s: float = 60.0,
                 reconnect_initial_s: float = 0.5, reconnect_max_backoff_s: float = 30.0,
                 event_queue_limit: int = 10_000, on_connected: ConnectedHook | None = None,
                 on_disconnected: DisconnectedHook | None = None,
                 on_connect_failed: DisconnectedHook | None = None) -> None:
        self.host, self.port, self._password = host, port, password
        self._events, self._custom = list(events), list(custom)
        self._connect_timeout_s = connect_timeout_s
        self._heartbeat_timeout_s = heartbeat_timeout_s
        self._initial_s, self._max_s = reconnect_initial_s, reconnect_max_backoff_s
        self._event_queue_limit = event_queue_limit
        self._on_connected, self._on_disconnected = on_connected, on_disconnected
        self._on_connect_failed = on_connect_failed
        self._filters: dict[tuple[str, str], None] = {}
        self._current: EslConnection | None = None
        self._connected = asyncio.Event()
        self._stopping = False
        self._stopped = asyncio.Event()
        self.connects = 0
        self.last_error: BaseException | None = None

    @property
    def connection(self) -> EslConnection | None:
        return self._current

    async def run(self) -> None:
        """Supervise until stop(); raises AuthenticationFailed when the password is refused."""
        attempt = 0
        while not self._stopping:
            try:
                conn = await self._connect()
            except AuthenticationFailed as exc:
                self.last_error = exc
                log.error("%s", exc)
                raise
            except (OSError, EslError) as exc:
                self.last_error = exc
                if self._on_connect_failed is not None:
                    self._on_connect_failed(exc)
                attempt += 1
                log.warning("Event Socket connect to %s:%s failed: %s", self.host, self.port, exc)
                await self._back_off(attempt)
                continue
            attempt = 0
            lost = await conn.closed
            self._connected.clear()
            self.last_error = lost
            if not self._stopping:
                log.warning("Event Socket link lost: %s", lost)
                if self._on_disconnected is not None:
                    self._on_disconnected(lost)
                await self._back_off(1)

    async def _back_off(self, attempt: int) -> None:
        """Wait before reconnecting; stop() cuts the wait short."""
        delay_s = reconnect_delay_s(attempt, initial_s=self._initial_s, max_s=self._max_s,
                                    jitter_fraction=0.25, random_unit=random.random())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopped.wait(), delay_s)

    async def _connect(self) -> EslConnection:
        conn = await EslConnection.open(
            self.host, self.port, self._password, connect_timeout_s=self._connect_timeout_s,
            event_queue_limit=self._event_queue_limit, heartbeat_timeout_s=self._heartbeat_timeout_s)
        try:
            await conn.subscribe(self._events, self._custom)
            for header, value in list(self._filters):
                await conn.add_filter(header, value)
        except BaseException:
            conn.close()
            raise
        self._current = conn
        self.connects += 1
        self._connected.set()
        if self._on_connected is not None:
            try:
                await self._on_connected(conn)
            except BaseException:
                conn.close("the on_connected hook failed")
                raise
        return conn

    async def wait_connected(self) -> EslConnection:
        while True:
            await self._connected.wait()
            conn = self._current
            if conn is not None and not conn.is_closed:
                return conn
            self._connected.clear()

    def _require(self) -> EslConnection:
        conn = self._current
        if conn is None or conn.is_closed:
            raise ConnectionLost(f"not connected to FreeSWITCH at {self.host}:{self.port}")
        return conn

    async def api(self, command: str) -> str:
        return await self._require().api(command)

    async def bgapi(self, command: str) -> asyncio.Future[BackgroundJob]:
        return await self._require().bgapi(command)

    async def command(self, data: bytes, *, check: bool = True) -> str:
        return await self._require().command(data, check=check)

    async def add_filter(self, header: str, value: str) -> None:
        """Add a filter now and after every reconnect."""
        self._filters[(header, value)] = None
        await self._require().add_filter(header, value)

    async def delete_filter(self, header: str, value: str) -> None:
        self._filters.pop((header, value), None)
        await self._require().delete_filter(header, value)

    async def next_event(self) -> EslEvent:
        """Next event from whichever connection is current; waits through reconnects."""
        return (await self.next_events(1))[0]

    async def next_events(self, max_events: int = 1000) -> list[EslEvent]:
        """Queued events of the current connection (at least one); waits through reconnects."""
        while True:
            conn = await self.wait_connected()
            try:
                return await conn.next_events(max_events)
            except ConnectionLost:
                continue

    async def stop(self) -> None:
        self._stopping = True
        self._stopped.set()
        if self._current is not None:
            self._current.close("client stopped")
