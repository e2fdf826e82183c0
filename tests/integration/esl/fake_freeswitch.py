"""A tiny scripted Event Socket server on 127.0.0.1:0 for client tests (replies as FreeSWITCH would)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from tests.unit.esl.esl_wire import DISCONNECT_NOTICE, api_response, command_reply, event_frame


class FakeFreeSwitch:
    """Answers auth/api/bgapi/event/filter/exit in order; tests reach in to push raw bytes or drop links."""

    def __init__(self, password: str = "ClueCon") -> None:
        self.password = password
        self.commands: list[str] = []
        self.connections = 0
        self.writers: list[asyncio.StreamWriter] = []
        self.api_replies: dict[str, str] = {}
        self.api_delay_s: dict[str, float] = {}
        self.hold_api: set[str] = set()
        self.on_command: Callable[[str], None] | None = None
        self.bgapi_results: dict[str, str] = {}
        self._server: asyncio.Server | None = None
        self.port = 0

    async def start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        self.drop_all()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def drop_all(self) -> None:
        for writer in self.writers:
            writer.transport.abort()
        self.writers.clear()

    def send_all(self, data: bytes) -> None:
        for writer in self.writers:
            writer.write(data)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        writer.write(b"Content-Type: auth/request\n\n")
        try:
            while True:
                block = (await reader.readuntil(b"\n\n")).decode()
                line = block.split("\n", 1)[0]
                headers = dict(h.split(": ", 1) for h in block.strip("\n").split("\n")[1:])
                if "Content-Length" in headers:
                    await reader.readexactly(int(headers["Content-Length"]))
                self.commands.append(line)
                if self.on_command is not None:
                    self.on_command(line)
                if not await self._answer(line, headers, writer):
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _answer(self, line: str, headers: dict[str, str], writer: asyncio.StreamWriter) -> bool:
        word, _, rest = line.partition(" ")
        if word == "auth":
            if rest == self.password:
                writer.write(command_reply("+OK accepted"))
                return True
            writer.write(command_reply("-ERR invalid") + DISCONNECT_NOTICE)
            return False
        if word == "api":
            if rest in self.hold_api:
                await asyncio.Event().wait()  # never answers: the test drops the link
            await asyncio.sleep(self.api_delay_s.get(rest, 0))
            writer.write(api_response(self.api_replies.get(rest, f"+OK {rest}\n")))
        elif word == "bgapi":
            job = headers["Job-UUID"]
            writer.write(command_reply(f"+OK Job-UUID: {job}", f"Job-UUID: {job}\n"))
            body = self.bgapi_results.get(rest, "+OK done\n")
            writer.write(event_frame("BACKGROUND_JOB", [("Job-UUID", job), ("Job-Command", rest)], body))
        elif word == "event":
            writer.write(command_reply(f"+OK event listener enabled {rest.split()[0]}"))
        elif word == "filter":
            writer.write(command_reply(f"+OK filter added. [{rest}]"))
        elif word == "exit":
            writer.write(command_reply("+OK bye") + DISCONNECT_NOTICE)
            return False
        else:
            writer.write(command_reply("-ERR command not found"))
        return True
