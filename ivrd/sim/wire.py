"""Bytes FreeSWITCH writes on the Event Socket: value encoding, event serializations and frame templates."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

Header = tuple[str, str]


DISCONNECT_BODY = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
LOST_EVENTS_BODY = b"killed listener because of lost events\n"
RUDE_REJECTION_BODY = b"Access Denied, go away.\n"


# One match per character that must be escaped: a `%` not followed by two upper-case hex digits, or
# anything outside the unreserved set (every byte of a non-ASCII character included).
_MUST_ESCAPE = re.compile(r"%(?![0-9A-F]{2})|[^A-Za-z0-9!$'()*,\-./_~%]")


def _escape(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group().encode("utf-8"))


def url_encode(value: str) -> str:
    """Encode a header value the way switch_url_encode does (upper-case hex, `%XX` passed through)."""
    return _MUST_ESCAPE.sub(_escape, value)


# Encoded `Name: value` lines by header. Headers whose values never repeat are not kept; the cache is
# emptied when it grows past its bound.
_LINES: dict[Header, str] = {}
_LINES_LIMIT = 1 << 18
_NOT_CACHED = frozenset({"Event-Sequence", "Event-Date-Timestamp"})


def _plain_line(header: Header) -> str:
    """One `Name: value` line of an event-plain body ("" for an empty value, which is never sent)."""
    name, value = header
    line = f"{name}: {url_encode(value)}\n" if value != "" else ""
    if name not in _NOT_CACHED:
        if len(_LINES) >= _LINES_LIMIT:
            _LINES.clear()
        _LINES[header] = line
    return line


def serialize_plain(headers: Sequence[Header], body: str | None = None) -> bytes:
    """Serialize an event as text/event-plain (values encoded, inner Content-Length for a body)."""
    cached = _LINES.get
    text = "".join([cached(header) or _plain_line(header) for header in headers]).encode("utf-8")
    if body:
        raw_body = body.encode("utf-8")
        return text + b"Content-Length: " + str(len(raw_body)).encode() + b"\n\n" + raw_body
    return text + b"\n"


def _json_value(value: str) -> str:
    if value.startswith("ARRAY::"):
        return json.dumps(value[len("ARRAY::") :].split("|:"), ensure_ascii=False, separators=(",", ":"))
    return json.dumps(value, ensure_ascii=False)


def serialize_json(headers: Sequence[Header], body: str | None = None) -> bytes:
    """Serialize an event as compact JSON; every value a string, duplicates kept, body last."""
    parts = [f"{json.dumps(name)}:{_json_value(value)}" for name, value in headers if value != ""]
    if body:
        parts.append(f'"Content-Length":"{len(body.encode("utf-8"))}"')
        parts.append(f'"_body":{json.dumps(body, ensure_ascii=False)}')
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def _xml_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def serialize_xml(headers: Sequence[Header], body: str | None = None) -> bytes:
    """Serialize an event as text/event-xml (header values URL-encoded as FreeSWITCH does)."""
    items = "".join(
        f"    <{name}>{url_encode(value)}</{name}>\n" for name, value in headers if value != ""
    )
    tail = ""
    if body:
        length = len(body.encode("utf-8"))
        tail = f"  <Content-Length>{length}</Content-Length>\n  <body>{_xml_escape(body)}</body>\n"
    return f"<event>\n  <headers>\n{items}  </headers>\n{tail}</event>".encode()


SERIALIZERS = {"plain": serialize_plain, "json": serialize_json, "xml": serialize_xml}


def event_frame(event_format: str, headers: Sequence[Header], body: str | None = None) -> bytes:
    """A complete event frame: Content-Length first, then Content-Type, blank line, payload."""
    payload = SERIALIZERS[event_format](headers, body)
    head = f"Content-Length: {len(payload)}\nContent-Type: text/event-{event_format}\n\n"
    return head.encode("ascii") + payload


def auth_request() -> bytes:
    return b"Content-Type: auth/request\n\n"


def command_reply(reply_text: str, extra: Iterable[Header] = ()) -> bytes:
    lines = [f"Content-Type: command/reply\nReply-Text: {reply_text}\n"]
    lines.extend(f"{name}: {value}\n" for name, value in extra)
    return ("".join(lines) + "\n").encode("utf-8")


def api_response(body: str) -> bytes:
    raw = body.encode("utf-8")
    return b"Content-Type: api/response\nContent-Length: " + str(len(raw)).encode() + b"\n\n" + raw


def disconnect_notice(body: bytes = DISCONNECT_BODY) -> bytes:
    head = f"Content-Type: text/disconnect-notice\nContent-Length: {len(body)}\n\n"
    return head.encode("ascii") + body


def tied_disconnect_notice(uuid: str, body: bytes = DISCONNECT_BODY) -> bytes:
    """The notice of a listener tied to a channel (outbound mode, or inbound after `myevents <uuid>`)."""
    head = (f"Content-Type: text/disconnect-notice\nControlled-Session-UUID: {uuid}\n"
            f"Content-Disposition: disconnect\nContent-Length: {len(body)}\n\n")
    return head.encode("utf-8") + body


def linger_notice(uuid: str, channel_name: str, linger_s: int) -> bytes:
    """Sent when the tied channel hangs up while `linger` is on; the socket stays open."""
    return (f"Content-Type: text/disconnect-notice\nControlled-Session-UUID: {uuid}\n"
            f"Content-Disposition: linger\nChannel-Name: {channel_name}\nLinger-Time: {linger_s}\n"
            "Content-Length: 0\n\n").encode()


def rude_rejection() -> bytes:
    head = f"Content-Type: text/rude-rejection\nContent-Length: {len(RUDE_REJECTION_BODY)}\n\n"
    return head.encode("ascii") + RUDE_REJECTION_BODY
