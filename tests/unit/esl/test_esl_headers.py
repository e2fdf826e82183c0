"""Header block decoding: the fast path never silently disagrees with the strict parser."""

from __future__ import annotations

import pytest

from ivrd.esl.errors import RemoteProtocolError
from ivrd.esl.headers import (
    Headers,
    _fast_header_block,
    parse_event_json,
    parse_event_plain,
    parse_header_lines,
)


@pytest.mark.parametrize("block", [
    b"Name:x y\n",            # raw space inside the value
    b"Name:value\n",          # no space after the colon
    b"Name:  value\n",        # two spaces
    b"A: b: c\nD: e\n",       # raw ': ' inside a value
    b": orphan\n",            # empty name
    b"A: 100%\n",             # '%' without two hex digits
    b"A: back\\slash\n",      # raw backslash
    b"Bad Name: v\n",         # space in the name
    b"A: 1\n\nB: 2\n",         # blank line inside the block (an inner body would follow)
    b"A: 1\n\n\n\nB: 2\n",     # three blank lines: the parts line up again, the empty names do not
    b"A: 1\nB\n",             # a line without a separator
    b"A: 1\nB:\n",            # a colon without the space
    b"A: 1\nB: 2",             # the last line is not ended
    b"A: %4\n",               # an escape cut short
    b"A: %zz\n",              # an escape that is not hex
    b"A: 1\x00\n",            # raw NUL
])
def test_unusual_blocks_leave_the_fast_path(block: bytes) -> None:
    assert _fast_header_block(block) is None


@pytest.mark.parametrize("block", [
    b"A: a%0Ab\nA: %25%3A%20x\nEmpty: \nU: %C3%A9%E2%82%AC\n",
    b"A: a%0Ab\nA: %25%3A%20x\nEmpty: \nU: %C3%A9%E2%82%AC\n\n",  # ended by the blank line
])
def test_fast_path_decodes_per_value_and_keeps_repeats_and_empty_values(block: bytes) -> None:
    fast = _fast_header_block(block)
    assert fast is not None
    assert list(fast.items()) == [("A", "a\nb"), ("A", "%: x"), ("Empty", ""), ("U", "é€")]
    assert fast == parse_header_lines(block, "event")


def test_escapes_between_plain_lines_and_at_the_very_end_are_decoded() -> None:
    block = b"First: plain\nA: x%3Ay\nMid: plain\nB: %C3%A9%0A\nLast: plain\nEnd: %25\n"
    fast = _fast_header_block(block)
    assert fast is not None and fast == parse_header_lines(block, "event")
    assert fast.values() == ["plain", "x:y", "plain", "é\n", "plain", "%"]


def test_invalid_utf8_after_decoding_is_replaced_as_the_strict_parser_does() -> None:
    block = b"A: %FF%C3\nB: ok\n"
    fast = _fast_header_block(block)
    assert fast is not None and fast == parse_header_lines(block, "event")
    assert fast["A"] == "\ufffd\ufffd" and fast["B"] == "ok"


def test_strict_parser_is_lenient_where_it_can_be_and_precise_where_not() -> None:
    headers, body = parse_event_plain(b"Name:value\nOther:  two words\nPct: 100%\n\n")
    assert list(headers.items()) == [("Name", "value"), ("Other", "two words"), ("Pct", "100%")]
    assert body == ""
    with pytest.raises(RemoteProtocolError, match="line 2"):
        parse_header_lines(b"A: b\nno separator here\n", "event")


def test_encoded_newline_stays_inside_the_value_and_empty_values_survive() -> None:
    headers, _ = parse_event_plain(b"Multi: a%0Ab%0D%0Ac\nEmpty: \nHash: %23\n\n")
    assert headers["Multi"] == "a\nb\r\nc" and headers["Empty"] == "" and headers["Hash"] == "#"


def test_inner_body_length_must_match() -> None:
    with pytest.raises(RemoteProtocolError, match="says 5 bytes but 3"):
        parse_event_plain(b"Event-Name: X\nContent-Length: 5\n\nabc")
    with pytest.raises(RemoteProtocolError, match="no Content-Length"):
        parse_event_plain(b"Event-Name: X\n\nstray")
    _headers, body = parse_event_plain("Event-Name: X\nContent-Length: 3\n\né!".encode())
    assert body == "é!"


def test_multimap_keeps_order_and_repeats() -> None:
    headers = Headers.from_pairs([("A", "1"), ("B", "2"), ("A", "3")])
    assert headers["A"] == "1" and headers.get_all("A") == ["1", "3"]
    assert headers.to_dict() == {"A": "1", "B": "2"} and list(headers) == ["A", "B", "A"]
    assert headers.get("C") is None and "B" in headers and len(headers) == 3
    with pytest.raises(KeyError, match="'C'"):
        headers["C"]


def test_json_events_keep_strings_and_turn_arrays_into_freeswitch_arrays() -> None:
    headers, body = parse_event_json(b'{"Event-Name":"X","Seq":"1","Arr":["a","b"],"_body":"hi"}')
    assert list(headers.items()) == [("Event-Name", "X"), ("Seq", "1"), ("Arr", "ARRAY::a|:b")]
    assert body == "hi"
    with pytest.raises(RemoteProtocolError, match="not valid JSON"):
        parse_event_json(b"{nope")
    with pytest.raises(RemoteProtocolError, match="not a JSON object"):
        parse_event_json(b"[1]")
