"""Properties of the Event Socket decoder: chunking never matters, values survive URL encoding."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ivrd.esl.codec import EslCodec
from ivrd.esl.errors import RemoteProtocolError
from ivrd.esl.headers import _fast_header_block, parse_event_plain, parse_header_lines
from tests.unit.esl.esl_captures import SYNTHETIC, capture_names, capture_stream, feed_chunks, split_at
from tests.unit.esl.esl_wire import frame_event, fs_url_encode, serialize_event

header_names = st.from_regex(r"[A-Za-z][A-Za-z0-9_-]{0,20}", fullmatch=True)
header_values = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)
header_lists = st.lists(st.tuples(header_names, header_values), min_size=1, max_size=25)


@settings(max_examples=60, deadline=None)
@given(name=st.sampled_from([n for n in capture_names() if n != SYNTHETIC]), data=st.data())
def test_rechunking_a_capture_never_changes_the_frames(name: str, data: st.DataObject) -> None:
    stream = capture_stream(name)
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=40))
    assert feed_chunks(split_at(stream, cuts)) == feed_chunks([stream])


@settings(max_examples=300, deadline=None)
@given(headers=header_lists, body=st.text(max_size=30))
def test_every_value_survives_freeswitch_encoding(headers: list[tuple[str, str]], body: str) -> None:
    payload = serialize_event(headers, body)
    parsed, parsed_body = parse_event_plain(payload)
    expected = headers + ([("Content-Length", str(len(body.encode())))] if body else [])
    assert list(parsed.items()) == expected
    assert parsed_body == body


@settings(max_examples=200, deadline=None)
@given(headers=st.lists(st.tuples(header_names, header_values.filter(lambda v: "\x01" not in v)),
                        min_size=1, max_size=25))
def test_fast_path_takes_faithful_blocks_and_agrees_with_the_strict_parser(
        headers: list[tuple[str, str]]) -> None:
    """Every block FreeSWITCH can write is decoded on the fast path (values holding byte 0x01 aside)."""
    block = "".join(f"{n}: {fs_url_encode(v)}\n" for n, v in headers).encode()
    fast = _fast_header_block(block)
    assert fast is not None
    assert fast == parse_header_lines(block, "event")


@settings(max_examples=150, deadline=None)
@given(events=st.lists(header_lists, min_size=1, max_size=6), data=st.data())
def test_event_stream_split_anywhere(events: list[list[tuple[str, str]]], data: st.DataObject) -> None:
    stream = b"".join(frame_event(serialize_event(h)) for h in events)
    cuts = data.draw(st.lists(st.integers(0, len(stream)), max_size=30))
    frames, error, left = feed_chunks(split_at(stream, cuts))
    assert error is None and left == 0
    assert [list(f.event.headers.items()) for f in frames if f.event] == events


@settings(max_examples=300, deadline=None)
@given(garbage=st.lists(st.binary(max_size=120), max_size=8))
def test_garbage_raises_remote_protocol_error_or_stays_bounded(garbage: list[bytes]) -> None:
    codec = EslCodec(max_header_bytes=64, max_content_length=128)
    try:
        for chunk in garbage:
            codec.feed(chunk)
    except RemoteProtocolError:
        return
    assert codec.buffered_bytes <= 64 + 2 + 128


# Blocks close to FreeSWITCH's layout with damage of every kind the fast path must notice: a
# missing line end, blank lines, empty names, CR, NUL, backslash, bad escapes, non-ASCII bytes,
# escapes and odd bytes in names. Left out (see ivrd.esl.headers): lines that are not one name,
# ': ' and a value free of raw ':' and ' ', and %00, which FreeSWITCH never writes in event-plain.
_fragments = st.sampled_from(["a", "b", "_", "%20", "%3A", "%0A", "%C3%A9", "%01"] * 4 + [
    "%", "%0", "%zz", "%4", "\r", "\\", "\x01", "\x00", "é"])
_line = st.tuples(st.sampled_from(["a", "b", "ab", "a-b", "a_b"] * 3 + ["", "a%41", "%", "é", "\r", "\x01"]),
                  st.just(": "),
                  st.lists(_fragments, max_size=4).map("".join),
                  st.sampled_from(["\n"] * 12 + ["\r\n", "", "\n\n"]))
near_blocks = st.lists(_line, max_size=5).map(lambda lines: "".join(map("".join, lines)))


@settings(max_examples=3000, deadline=None)
@given(text=near_blocks)
def test_fast_path_never_disagrees_with_the_strict_parser(text: str) -> None:
    block = text.encode()
    fast = _fast_header_block(block)
    if fast is not None:
        assert fast == parse_header_lines(block, "event")
