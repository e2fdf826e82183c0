"""Stream decoding: frames split across reads at any point, bounded sizes, malformed framing."""

from __future__ import annotations

import pytest

from ivrd.esl.codec import EslCodec
from ivrd.esl.errors import RemoteProtocolError

from .esl_captures import split_at
from .esl_wire import DISCONNECT_NOTICE, api_response, command_reply, event_frame


def _stream() -> tuple[bytes, list[bytes]]:
    frames = [event_frame("CHANNEL_ANSWER", [("Caller-Caller-ID-Name", "Survey Line"), ("Blank", "")]),
              command_reply("+OK"),
              event_frame("CUSTOM", [("Event-Subclass", "avmd::beep"), ("Note", "a\nb%c: d")]),
              api_response("+OK 1\n"),
              event_frame("BACKGROUND_JOB", [("Job-UUID", "j1")], body="-ERR NO_ANSWER\n"),
              DISCONNECT_NOTICE]
    return b"".join(frames), frames


def _feed(codec: EslCodec, chunks: list[bytes]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for chunk in chunks:
        for frame in codec.feed(chunk):
            event = frame.event
            out.append((frame.content_type, [*event.headers.items(), ("", event.body)]
                        if event else frame.body))
    return out


def test_a_frame_completed_by_a_later_read_decodes_as_if_read_whole() -> None:
    stream, frames = _stream()
    whole = _feed(EslCodec(), [stream])
    assert len(whole) == len(frames)
    first = len(frames[0])
    cuts = [
        [first - 10, first + 3],               # inside the first event's body, then inside a reply header
        [5, 20, 40, first - 1, first],         # outer header split three ways, frame ends on a read boundary
        [first + len(frames[1]) + 10],         # inside the outer header of the second event
        list(range(7, len(stream), 97)),       # many small reads: one frame over several reads
    ]
    for points in cuts:
        chunks = split_at(stream, points)
        assert _feed(EslCodec(), chunks) == whole, points


def test_buffered_bytes_counts_the_incomplete_frame_only() -> None:
    stream, frames = _stream()
    codec = EslCodec()
    assert len(codec.feed(stream[: len(frames[0]) + 7])) == 1
    assert codec.buffered_bytes == 7
    assert codec.feed(b"") == [] and codec.buffered_bytes == 7
    rest = codec.feed(stream[len(frames[0]) + 7 :])
    assert len(rest) == len(frames) - 1 and codec.buffered_bytes == 0


def test_event_values_keep_encoded_newlines_percent_and_colons() -> None:
    stream, _ = _stream()
    (_, custom) = _feed(EslCodec(), [stream])[2]
    assert ("Note", "a\nb%c: d") in custom  # type: ignore[operator]
    (_, answer) = _feed(EslCodec(), [stream])[0]
    assert ("Blank", "") in answer  # type: ignore[operator]


@pytest.mark.parametrize(("data", "message"), [
    (b"Content-Length: 2000\nContent-Type: text/event-plain\n\n", "exceeds the limit of 1000"),
    (b"Content-Length: 99999999999999\nContent-Type: text/event-plain\n\n", "exceeds the limit of 1000"),
    (b"Content-Length: 12x\nContent-Type: text/event-plain\n\n", "not a number"),
    (b"Content-Type: api/response\nContent-Length: 2000\n\n", "exceeds the limit of 1000"),
    (b"Content-Type: command/reply\n" + b"X" * 300, "without a blank line"),
    (b"Content-Length: 0\n\n", "no Content-Type"),
])
def test_oversized_or_malformed_framing_is_refused(data: bytes, message: str) -> None:
    codec = EslCodec(max_header_bytes=256, max_content_length=1000)
    good = command_reply("+OK")
    with pytest.raises(RemoteProtocolError, match=message) as caught:
        codec.feed(good + data)
    assert len(caught.value.frames) == 1


def test_an_event_line_without_a_separator_is_refused_with_its_line_number() -> None:
    payload = b"Event-Name: CUSTOM\nno separator\n\n"
    frame = f"Content-Length: {len(payload)}\nContent-Type: text/event-plain\n\n".encode() + payload
    with pytest.raises(RemoteProtocolError, match="line 2 is not a 'Name: value' header"):
        EslCodec().feed(frame)
