"""Incremental parser for what clients send on the Event Socket (command line, headers, optional body)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_BODY_BYTES = 16 * 1024 * 1024
MAX_HEADER_BLOCK_BYTES = 10 * 1024 * 1024

_BLOCK_END = re.compile(rb"\n\r*\n")


class ClientProtocolError(Exception):
    """The client broke the framing rules; FreeSWITCH drops such a connection."""


@dataclass
class Command:
    """One client command: its first line, its headers (names as sent) and its body."""

    line: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        """First value of a header, matched case-insensitively as FreeSWITCH does."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    @property
    def word(self) -> str:
        """The command keyword, lower-cased (`api`, `sendmsg`, ...)."""
        return self.line.split(" ", 1)[0].lower()

    @property
    def rest(self) -> str:
        """Everything after the keyword and its separating spaces."""
        parts = self.line.split(" ", 1)
        return parts[1].lstrip(" ") if len(parts) > 1 else ""


class CommandParser:
    """Feed bytes, get complete commands; `\\r` is ignored in header blocks, leading blank lines skipped."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._pending: Command | None = None
        self._body_bytes = 0

    def feed(self, data: bytes) -> list[Command]:
        self._buffer += data
        commands: list[Command] = []
        while True:
            command = self._next()
            if command is None:
                return commands
            commands.append(command)

    def _next(self) -> Command | None:
        if self._pending is not None:
            return self._take_body()
        while self._buffer[:1] in (bytearray(b"\r"), bytearray(b"\n")):
            del self._buffer[:1]
        match = _BLOCK_END.search(self._buffer)
        if match is None:
            if len(self._buffer) > MAX_HEADER_BLOCK_BYTES:
                raise ClientProtocolError("header block too large")
            return None
        block = bytes(self._buffer[: match.start()]).replace(b"\r", b"")
        del self._buffer[: match.end()]
        command = _parse_block(block.decode("utf-8", errors="replace"))
        length_text = command.header("Content-Length")
        if length_text is None:
            return command
        try:
            length = int(length_text.strip())
        except ValueError as exc:
            raise ClientProtocolError(f"bad Content-Length {length_text!r}") from exc
        if not 0 <= length <= MAX_BODY_BYTES:
            raise ClientProtocolError(f"Content-Length {length} out of range")
        self._pending, self._body_bytes = command, length
        return self._take_body()

    def _take_body(self) -> Command | None:
        assert self._pending is not None
        if len(self._buffer) < self._body_bytes:
            return None
        command = self._pending
        command.body = bytes(self._buffer[: self._body_bytes])
        del self._buffer[: self._body_bytes]
        self._pending = None
        return command


def _parse_block(block: str) -> Command:
    lines = block.split("\n")
    command = Command(line=lines[0])
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep:
            continue
        command.headers.append((name.strip(), value.lstrip(" ")))
    return command
