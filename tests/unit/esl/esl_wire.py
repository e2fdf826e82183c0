"""Test-side FreeSWITCH serialization, written from spec/esl.md (independent of the codec under test)."""

from __future__ import annotations

_UNSAFE = set(b"\r\n #%&+:;<=>?@[\\]^`{|}\"")


def fs_url_encode(value: str) -> str:
    """FreeSWITCH's event-plain value encoding (upper-case %XX)."""
    out = []
    for byte in value.encode("utf-8"):
        if byte < 0x20 or byte > 0x7E or byte in _UNSAFE:
            out.append(f"%{byte:02X}")
        else:
            out.append(chr(byte))
    return "".join(out)


def serialize_event(headers: list[tuple[str, str]], body: str = "") -> bytes:
    lines = "".join(f"{name}: {fs_url_encode(value)}\n" for name, value in headers)
    raw_body = body.encode()
    tail = f"Content-Length: {len(raw_body)}\n\n".encode() + raw_body if raw_body else b"\n"
    return lines.encode() + tail


def frame_event(payload: bytes) -> bytes:
    return f"Content-Length: {len(payload)}\nContent-Type: text/event-plain\n\n".encode() + payload


def event_frame(name: str, extra: list[tuple[str, str]] | None = None, body: str = "",
                core_uuid: str = "core-1") -> bytes:
    headers = [("Event-Name", name), ("Core-UUID", core_uuid), ("Event-Sequence", "1"), *(extra or [])]
    return frame_event(serialize_event(headers, body))


def command_reply(text: str, extra: str = "") -> bytes:
    return f"Content-Type: command/reply\nReply-Text: {text}\n{extra}\n".encode()


def api_response(text: str) -> bytes:
    raw = text.encode()
    return f"Content-Type: api/response\nContent-Length: {len(raw)}\n\n".encode() + raw


DISCONNECT_BODY = b"Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
DISCONNECT_NOTICE = b"Content-Type: text/disconnect-notice\nContent-Length: 67\n\n" + DISCONNECT_BODY
