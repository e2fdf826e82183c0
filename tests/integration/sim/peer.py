"""A minimal raw-socket Event Socket client for the simulator's tests (independent of ivrd.esl)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.sim_strict_parser import Frame, StrictFrameError, StrictParser

REPLY_TYPES = ("command/reply", "api/response", "auth/request")


class Peer:
    """Reads every frame through the strict parser; replies and events are kept apart."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.parser = StrictParser()
        self.replies: asyncio.Queue[Frame] = asyncio.Queue()
        self.events: list[Frame] = []
        self.notices: list[Frame] = []
        self.raw = bytearray()
        self.closed = asyncio.Event()
        self.error: StrictFrameError | None = None
        self._changed = asyncio.Event()
        self._task = asyncio.create_task(self._read())

    @classmethod
    async def connect(cls, host: str, port: int, password: str | None = "ClueCon") -> Peer:
        reader, writer = await asyncio.open_connection(host, port)
        peer = cls(reader, writer)
        greeting = await peer.reply()
        assert greeting.content_type == "auth/request"
        if password is not None:
            answer = await peer.command(f"auth {password}")
            assert answer.header("Reply-Text") == "+OK accepted", answer.headers
        return peer

    async def _read(self) -> None:
        try:
            while True:
                data = await self.reader.read(65536)
                if not data:
                    break
                self.raw += data
                for frame in self.parser.feed(data):
                    if frame.content_type in REPLY_TYPES:
                        self.replies.put_nowait(frame)
                    elif frame.content_type == "text/disconnect-notice":
                        self.notices.append(frame)
                    else:
                        self.events.append(frame)
                    self._changed.set()
        except StrictFrameError as exc:
            self.error = exc
        except ConnectionError:
            pass
        finally:
            self.closed.set()
            self._changed.set()

    async def reply(self, timeout_s: float = 5.0) -> Frame:
        return await asyncio.wait_for(self.replies.get(), timeout_s)

    async def command(self, line: str, headers: dict[str, str] | None = None,
                      timeout_s: float = 5.0) -> Frame:
        text = line + "\n" + "".join(f"{k}: {v}\n" for k, v in (headers or {}).items()) + "\n"
        self.writer.write(text.encode())
        await self.writer.drain()
        return await self.reply(timeout_s)

    async def api(self, line: str, timeout_s: float = 5.0) -> str:
        frame = await self.command(f"api {line}", timeout_s=timeout_s)
        assert frame.content_type == "api/response"
        return frame.body.decode()

    async def sendmsg(self, uuid: str, app: str, arg: str = "", lock: bool = True) -> Frame:
        headers = {"call-command": "execute", "execute-app-name": app}
        if arg:
            headers["execute-app-arg"] = arg
        if lock:
            headers["event-lock"] = "true"
        return await self.command(f"sendmsg {uuid}", headers)

    async def wait_event(self, match: Callable[[Frame], bool], timeout_s: float = 5.0,
                         start: int = 0) -> Frame:
        async def scan() -> Frame:
            index = start
            while True:
                while index < len(self.events):
                    if match(self.events[index]):
                        return self.events[index]
                    index += 1
                if self.closed.is_set():
                    raise ConnectionError("connection closed while waiting for an event")
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(scan(), timeout_s)

    async def wait_notice(self, timeout_s: float = 5.0) -> Frame:
        """The first disconnect notice, once it has arrived."""
        async def first() -> Frame:
            while not self.notices:
                if self.closed.is_set():
                    raise ConnectionError("connection closed without a disconnect notice")
                self._changed.clear()
                await self._changed.wait()
            return self.notices[0]

        return await asyncio.wait_for(first(), timeout_s)

    def named(self, name: str, uuid: str | None = None) -> list[Frame]:
        return [e for e in self.events
                if e.event_name == name and (uuid is None or e.get("Unique-ID") == uuid)]

    async def close(self) -> None:
        self.writer.close()
        self._task.cancel()


def event_is(name: str, uuid: str | None = None, **headers: str) -> Callable[[Frame], bool]:
    def match(frame: Frame) -> bool:
        if frame.event_name != name or (uuid is not None and frame.get("Unique-ID") != uuid):
            return False
        return all(frame.get(k.replace("_", "-")) == v for k, v in headers.items())

    return match
