"""Sans-I/O Event Socket stream decoder: bytes in, complete frames out (no sockets, no clock).

A frame is a block of `Name: value` lines ended by a blank line, then exactly
Content-Length bytes of body (bytes, not characters) when that header is present.
"""

from __future__ import annotations

import re

from ivrd.esl.errors import RemoteProtocolError
from ivrd.esl.headers import Headers, parse_event_json, parse_event_plain, url_decode

AUTH_REQUEST = "auth/request"
COMMAND_REPLY = "command/reply"
API_RESPONSE = "api/response"
EVENT_PLAIN = "text/event-plain"
EVENT_JSON = "text/event-json"
EVENT_XML = "text/event-xml"
DISCONNECT_NOTICE = "text/disconnect-notice"
RUDE_REJECTION = "text/rude-rejection"
LOG_DATA = "log/data"

DEFAULT_MAX_HEADER_BYTES = 1024 * 1024
DEFAULT_MAX_CONTENT_LENGTH = 16 * 1024 * 1024


class EslEvent:
    """One FreeSWITCH event: decoded headers (repeats kept, in wire order) and its body text."""

    __slots__ = ("body", "headers")

    def __init__(self, headers: Headers, body: str = "") -> None:
        self.headers = headers
        self.body = body

    @property
    def name(self) -> str:
        """Event-Name (always the first header FreeSWITCH writes)."""
        names = self.headers.names()
        if names and names[0] == "Event-Name":
            return self.headers.values()[0]
        return self.headers.get("Event-Name") or ""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, EslEvent):
            return NotImplemented
        return self.headers == other.headers and self.body == other.body

    def __hash__(self) -> int:
        return hash((self.headers, self.body))

    def __repr__(self) -> str:
        return f"EslEvent({self.name!r}, {len(self.headers)} headers, body={self.body[:40]!r})"


class Frame:
    """One frame of the stream: outer headers, raw body bytes and, for events, the parsed event."""

    __slots__ = ("_headers", "body", "content_type", "event")

    def __init__(self, content_type: str, headers: Headers | None, body: bytes,
                 event: EslEvent | None) -> None:
        self.content_type = content_type
        self._headers = headers  # None: the standard event-plain pair, built when first asked for
        self.body = body
        self.event = event

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = Headers(["Content-Length", "Content-Type"],
                                    [str(len(self.body)), self.content_type])
        return self._headers

    @property
    def reply_text(self) -> str:
        """Reply-Text of a command/reply ('' when absent)."""
        return self.headers.get("Reply-Text") or ""

    @property
    def text(self) -> str:
        """The body as text (api/response output, log line, disconnect notice)."""
        return self.body.decode("utf-8", "replace")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Frame):
            return NotImplemented
        return (self.content_type, self.headers, self.body, self.event) == (
            other.content_type, other.headers, other.body, other.event)

    def __hash__(self) -> int:
        return hash((self.content_type, self.body))

    def __repr__(self) -> str:
        return f"Frame({self.content_type!r}, {len(self.headers)} headers, {len(self.body)} body bytes)"


def _parse_outer_headers(block: bytes) -> Headers:
    names: list[str] = []
    values: list[str] = []
    for raw in block.decode("utf-8", "replace").split("\n"):
        line = raw[:-1] if raw.endswith("\r") else raw
        name, sep, value = line.partition(":")
        if not sep or not name or " " in name:
            raise RemoteProtocolError(f"frame header line is not 'Name: value': {line[:80]!r}")
        names.append(name)
        values.append(url_decode(value.lstrip(" ")))
    return Headers(names, values)


# FreeSWITCH's outer header of an event-plain frame, matched in one step (the common case)
_PLAIN_HEAD = re.compile(rb"Content-Length: ([0-9]{1,12})\nContent-Type: text/event-plain\n\n")


def _content_length(headers: Headers, limit: int) -> int:
    names = headers.names()
    if names[0] == "Content-Length":
        text = headers.values()[0]
    else:
        found = headers.get("Content-Length")
        if found is None:
            return 0
        text = found
    if not text.isdigit() or not text.isascii():
        raise RemoteProtocolError(f"frame Content-Length is not a number: {text[:40]!r}")
    length = int(text)
    if length > limit:
        raise RemoteProtocolError(f"frame Content-Length {length} exceeds the limit of {limit} bytes")
    return length


def _make_frame(headers: Headers, body: bytes) -> Frame:
    content_type = headers.get("Content-Type")
    if content_type is None:
        raise RemoteProtocolError(f"frame has no Content-Type header (headers: {headers.names()[:8]})")
    if content_type == EVENT_PLAIN:
        event_headers, event_body = parse_event_plain(body)
        return Frame(content_type, headers, body, EslEvent(event_headers, event_body))
    if content_type == EVENT_JSON:
        event_headers, event_body = parse_event_json(body)
        return Frame(content_type, headers, body, EslEvent(event_headers, event_body))
    return Frame(content_type, headers, body, None)


class EslCodec:
    """Incremental decoder of the server->client byte stream (h11's shape: feed bytes, get frames).

    Blank lines between frames are skipped. Malformed input raises RemoteProtocolError (its
    `frames` attribute carries the frames completed before the bad bytes); after that the
    codec stays broken and raises the same error on every call.
    """

    def __init__(
        self,
        *,
        max_header_bytes: int = DEFAULT_MAX_HEADER_BYTES,
        max_content_length: int = DEFAULT_MAX_CONTENT_LENGTH,
    ) -> None:
        self.max_header_bytes = max_header_bytes
        self.max_content_length = max_content_length
        self._chunks: list[bytes] = []
        self._size = 0
        self._need = 0
        self._error: RemoteProtocolError | None = None

    @property
    def buffered_bytes(self) -> int:
        """Bytes received but not yet part of a complete frame."""
        return self._size

    def feed(self, data: bytes) -> list[Frame]:
        """Add received bytes; return every frame they complete, in stream order."""
        if self._error is not None:
            raise RemoteProtocolError(str(self._error))
        frames: list[Frame] = []
        if not data:
            return frames
        try:
            self._take(bytes(data), frames)
        except RemoteProtocolError as exc:
            self._error = exc
            self._chunks = []
            self._size = 0
            raise RemoteProtocolError(str(exc), list(frames)) from None
        return frames

    def _take(self, data: bytes, frames: list[Frame]) -> None:
        start = 0
        if self._chunks:
            self._size += len(data)
            if self._size < self._need:
                self._chunks.append(data)
                return
            if self._need:  # the pending frame ends inside `data`: join only that frame's bytes
                start = self._need - (self._size - len(data))
                self._chunks.append(data[:start])
                head = b"".join(self._chunks)
                pos = self._parse(head, 0, frames)
                if pos < len(head):  # not expected: the frame's size was known; parse the rest whole
                    data, start = head[pos:] + data[start:], 0
            else:
                self._chunks.append(data)
                data = b"".join(self._chunks)
            self._chunks = []
            self._size = 0
        pos = self._parse(data, start, frames)
        if pos < len(data):
            rest = data[pos:] if pos else data
            self._chunks = [rest]
            self._size = len(rest)

    def _parse(self, buf: bytes, pos: int, frames: list[Frame]) -> int:
        """Decode whole frames from `pos`; the offset of the first byte not yet part of a frame."""
        size = len(buf)
        self._need = 0
        match_plain = _PLAIN_HEAD.match
        while pos < size:
            head = match_plain(buf, pos)
            if head is not None:  # the common case, parsed without building outer headers first
                body_start = head.end()
                body_end = body_start + int(head[1])
                if body_end - body_start > self.max_content_length:
                    raise RemoteProtocolError(f"frame Content-Length {body_end - body_start} exceeds the "
                                              f"limit of {self.max_content_length} bytes")
                if body_end > size:
                    self._need = body_end - pos
                    break
                body = buf[body_start:body_end]
                event_headers, event_body = parse_event_plain(body)
                frames.append(Frame(EVENT_PLAIN, None, body, EslEvent(event_headers, event_body)))
                pos = body_end
                continue
            if buf[pos] == 10:  # stray blank line between frames
                pos += 1
                continue
            end = buf.find(b"\n\n", pos)
            if end < 0:
                if size - pos > self.max_header_bytes:
                    raise RemoteProtocolError(
                        f"frame header block exceeds {self.max_header_bytes} bytes without a blank line")
                break
            if end - pos > self.max_header_bytes:
                raise RemoteProtocolError(f"frame header block exceeds {self.max_header_bytes} bytes")
            headers = _parse_outer_headers(buf[pos:end])
            body_end = end + 2 + _content_length(headers, self.max_content_length)
            if body_end > size:
                self._need = body_end - pos
                break
            frames.append(_make_frame(headers, buf[end + 2 : body_end]))
            pos = body_end
        return pos
