"""An independent, strict reader of what FreeSWITCH writes on the Event Socket, for checking the simulator.

It rejects anything a real FreeSWITCH would not send: CR bytes, header lines without `: `, a non-numeric
or short Content-Length, headers out of the fixed order of their frame type, event values that do not
re-encode to themselves (switch_url_encode rules), missing/extra inner Content-Length, a bodiless
event-plain not ending in a blank line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

_SAFE = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!$'()*,-./_~")
_HEX_UPPER = set(b"0123456789ABCDEF")

COMMON_EVENT_HEADERS = [
    "Event-Name", "Core-UUID", "FreeSWITCH-Hostname", "FreeSWITCH-Switchname", "FreeSWITCH-IPv4",
    "FreeSWITCH-IPv6", "Event-Date-Local", "Event-Date-GMT", "Event-Date-Timestamp", "Event-Calling-File",
    "Event-Calling-Function", "Event-Calling-Line-Number", "Event-Sequence",
]

OUTER_ORDER = {
    "auth/request": [["Content-Type"]],
    "command/reply": [["Content-Type", "Reply-Text"], ["Content-Type", "Reply-Text", "Job-UUID"]],
    "api/response": [["Content-Type", "Content-Length"]],
    "text/event-plain": [["Content-Length", "Content-Type"]],
    "text/event-json": [["Content-Length", "Content-Type"]],
    "text/event-xml": [["Content-Length", "Content-Type"]],
    "text/disconnect-notice": [
        ["Content-Type", "Content-Length"],
        ["Content-Type", "Controlled-Session-UUID", "Content-Disposition", "Content-Length"],
        ["Content-Type", "Controlled-Session-UUID", "Content-Disposition", "Channel-Name", "Linger-Time",
         "Content-Length"],
    ],
    "text/rude-rejection": [["Content-Type", "Content-Length"]],
}


class StrictFrameError(AssertionError):
    """The bytes break a rule of the FreeSWITCH wire format."""


@dataclass
class Frame:
    headers: list[tuple[str, str]]
    body: bytes = b""
    event: list[tuple[str, str]] = field(default_factory=list)
    event_body: str | None = None

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name), None)

    @property
    def content_type(self) -> str:
        return self.header("Content-Type") or ""

    def get(self, name: str) -> str | None:
        """First value of an event header (decoded)."""
        return next((v for k, v in self.event if k == name), None)

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.event if k == name]

    @property
    def event_name(self) -> str | None:
        return self.get("Event-Name")


def url_encode(value: str) -> str:
    """Reference encoder (written independently of the simulator's)."""
    raw = value.encode()
    out = []
    i = 0
    while i < len(raw):
        pair = raw[i + 1 : i + 3]
        if raw[i] == 0x25 and len(pair) == 2 and all(b in _HEX_UPPER for b in pair):
            out.append(raw[i : i + 3].decode())
            i += 3
            continue
        out.append(chr(raw[i]) if raw[i] in _SAFE else f"%{raw[i]:02X}")
        i += 1
    return "".join(out)


def check_encoded(value: str) -> str:
    """Decode a wire value and check that encoding the decoded value gives back the wire text."""
    for index, char in enumerate(value):
        if char == "%" and not all(c in "0123456789ABCDEF" for c in value[index + 1 : index + 3]):
            raise StrictFrameError(f"bad escape in {value!r}")
        if ord(char) < 0x20 or ord(char) > 0x7E:
            raise StrictFrameError(f"raw byte {char!r} in {value!r}")
    decoded = unquote_to_bytes(value).decode("utf-8")
    if url_encode(decoded) != value:
        raise StrictFrameError(f"{value!r} does not re-encode to itself (got {url_encode(decoded)!r})")
    return decoded


def _header_lines(block: bytes) -> list[tuple[str, str]]:
    if b"\r" in block:
        raise StrictFrameError("CR in a header block")
    headers = []
    for line in block.decode("utf-8").split("\n"):
        name, sep, value = line.partition(": ")
        if not sep or not name:
            raise StrictFrameError(f"bad header line {line!r}")
        headers.append((name, value))
    return headers


def parse_event_plain(payload: bytes) -> tuple[list[tuple[str, str]], str | None]:
    """Split a text/event-plain payload into decoded headers and its optional body, strictly."""
    end = payload.find(b"\n\n")
    if end < 0:
        raise StrictFrameError("event-plain payload without a terminating blank line")
    raw_headers = _header_lines(payload[:end])
    rest = payload[end + 2 :]
    headers: list[tuple[str, str]] = []
    body: str | None = None
    for name, value in raw_headers:
        headers.append((name, check_encoded(value)))
    if headers and headers[-1][0] == "Content-Length" and rest:
        length = int(headers.pop()[1])
        if len(rest) != length:
            raise StrictFrameError(f"inner Content-Length {length} but {len(rest)} body bytes")
        body = rest.decode("utf-8")
    elif rest:
        raise StrictFrameError(f"{len(rest)} bytes after the event headers without an inner Content-Length")
    names = [n for n, _ in headers]
    if names[: len(COMMON_EVENT_HEADERS)] != COMMON_EVENT_HEADERS:
        raise StrictFrameError(f"common headers out of order: {names[:13]}")
    if any(v == "" for _, v in headers):
        raise StrictFrameError("empty header value in an event")
    return headers, body


class StrictParser:
    """Feed bytes, get frames; raises StrictFrameError on the first violation."""

    def __init__(self) -> None:
        self.buffer = b""

    def feed(self, data: bytes) -> list[Frame]:
        self.buffer += data
        frames = []
        while True:
            end = self.buffer.find(b"\n\n")
            if end < 0:
                return frames
            headers = _header_lines(self.buffer[:end])
            length_text = next((v for k, v in headers if k == "Content-Length"), None)
            length = 0
            if length_text is not None:
                if not length_text.isdigit():
                    raise StrictFrameError(f"non-numeric Content-Length {length_text!r}")
                length = int(length_text)
            if len(self.buffer) < end + 2 + length:
                return frames
            body = self.buffer[end + 2 : end + 2 + length]
            self.buffer = self.buffer[end + 2 + length :]
            frames.append(_check_frame(Frame(headers, body)))


def _check_frame(frame: Frame) -> Frame:
    names = [n for n, _ in frame.headers]
    allowed = OUTER_ORDER.get(frame.content_type)
    if allowed is None:
        raise StrictFrameError(f"unknown Content-Type {frame.content_type!r}")
    if names not in allowed:
        raise StrictFrameError(f"{frame.content_type} headers {names} not in {allowed}")
    if frame.content_type == "text/event-plain":
        frame.event, frame.event_body = parse_event_plain(frame.body)
    elif frame.content_type == "text/event-json":
        if b"\n" in frame.body or (b": " in frame.body[:200] and frame.body.startswith(b'{"Event-Name": ')):
            raise StrictFrameError("event-json is not compact")
        pairs = json.loads(frame.body, object_pairs_hook=lambda p: p)
        for key, value in pairs:
            if not isinstance(value, str | list):
                raise StrictFrameError(f"json value of {key} is not a string")
        frame.event = [(k, v) for k, v in pairs if isinstance(v, str) and k != "_body"]
        frame.event_body = next((v for k, v in pairs if k == "_body"), None)
    elif frame.content_type == "text/disconnect-notice":
        lingering = frame.header("Content-Disposition") == "linger"
        if len(frame.body) not in ((0,) if lingering else (67, 39)):
            raise StrictFrameError(f"disconnect notice body of {len(frame.body)} bytes")
    return frame
