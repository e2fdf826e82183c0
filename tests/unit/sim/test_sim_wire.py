"""The simulator's byte-level output: value encoding, event serializations, frame templates."""

import json
import os
import re
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ivrd.sim import wire
from tests.sim_strict_parser import StrictFrameError, StrictParser, check_encoded, url_encode

CAPTURES = Path(__file__).resolve().parents[3].parent / "shared" / "esl-captures"


@pytest.mark.parametrize(("raw", "encoded"), [
    ("2015-01-06 15:12:37", "2015-01-06%2015%3A12%3A37"),
    ("sofia/internal/1001@172.16.50.134", "sofia/internal/1001%40172.16.50.134"),
    ("::1", "%3A%3A1"),
    ("#", "%23"),
    ("FILE PLAYED", "FILE%20PLAYED"),
    ("3 4 tone_stream://%(10000,0,350,440)", "3%204%20tone_stream%3A//%25(10000,0,350,440)"),
    ("ARRAY::1000|:1000", "ARRAY%3A%3A1000%7C%3A1000"),
    ("already %3A encoded, %3a not", "already%20%3A%20encoded,%20%253a%20not"),
    ("café\n", "caf%C3%A9%0A"),
    ("!$'()*,-./_~", "!$'()*,-./_~"),
])
def test_values_are_encoded_like_switch_url_encode(raw: str, encoded: str) -> None:
    assert wire.url_encode(raw) == encoded
    assert url_encode(raw) == encoded  # the test's own reference agrees


def test_bodiless_event_ends_with_blank_line_and_empty_values_are_dropped() -> None:
    payload = wire.serialize_plain([("Event-Name", "HEARTBEAT"), ("Empty", ""), ("Idle-CPU", "99.0")])
    assert payload == b"Event-Name: HEARTBEAT\nIdle-CPU: 99.0\n\n"


def test_event_body_gets_inner_content_length_in_bytes_and_no_trailing_newline() -> None:
    payload = wire.serialize_plain([("Event-Name", "BACKGROUND_JOB")], "+OK café\n")
    assert payload == b"Event-Name: BACKGROUND_JOB\nContent-Length: 10\n\n+OK caf\xc3\xa9\n"


def test_event_frame_puts_content_length_first_and_counts_encoded_bytes() -> None:
    frame = wire.event_frame("plain", [("Event-Name", "CUSTOM"), ("Text", "é é")])
    head, _, payload = frame.partition(b"\n\n")
    assert head == b"Content-Length: %d\nContent-Type: text/event-plain" % len(payload)
    assert b"Text: %C3%A9%20%C3%A9\n" in payload


def test_json_events_are_compact_all_strings_with_arrays_and_body_last() -> None:
    headers = [("Event-Name", "X"), ("Event-Sequence", "7"), ("Hangup-Cause", "A"), ("Hangup-Cause", "B"),
               ("variable_list", "ARRAY::a|:b")]
    body = wire.serialize_json(headers, "+OK\n")
    assert b" " not in body and b"\n" not in body.replace(b"\\n", b"")
    assert body.count(b'"Hangup-Cause"') == 2
    pairs = json.loads(body, object_pairs_hook=lambda p: p)
    assert pairs[1] == ("Event-Sequence", "7")
    assert pairs[4] == ("variable_list", ["a", "b"])
    assert pairs[-2:] == [("Content-Length", "4"), ("_body", "+OK\n")]


def test_fixed_frames() -> None:
    assert wire.auth_request() == b"Content-Type: auth/request\n\n"
    assert wire.command_reply("+OK Job-UUID: j", [("Job-UUID", "j")]) == (
        b"Content-Type: command/reply\nReply-Text: +OK Job-UUID: j\nJob-UUID: j\n\n")
    assert wire.api_response("+OK\n") == b"Content-Type: api/response\nContent-Length: 4\n\n+OK\n"
    notice = wire.disconnect_notice()
    assert notice.startswith(b"Content-Type: text/disconnect-notice\nContent-Length: 67\n\n")
    assert len(wire.DISCONNECT_BODY) == 67


def test_strict_parser_rejects_what_freeswitch_never_sends() -> None:
    with pytest.raises(StrictFrameError):
        check_encoded("a b")
    with pytest.raises(StrictFrameError):
        check_encoded("%3a")
    with pytest.raises(StrictFrameError):
        StrictParser().feed(b"Content-Type: api/response\nContent-Length: 4x\n\n+OK\n")
    with pytest.raises(StrictFrameError):
        StrictParser().feed(b"Content-Type: text/event-plain\nContent-Length: 3\n\nabc")


@pytest.mark.skipif(not CAPTURES.is_dir() and not os.environ.get("CI"), reason="captures folder not present")
def test_strict_parser_accepts_real_freeswitch_captures() -> None:
    frames = StrictParser().feed((CAPTURES / "karan-fs1.10-2023-frames.txt").read_bytes())
    assert [f.content_type for f in frames][:3] == ["auth/request", "command/reply", "command/reply"]
    background = frames[3]
    assert background.event_name == "BACKGROUND_JOB" and background.event_body == "+OK [Success]\n"
    assert frames[-1].content_type == "text/disconnect-notice"


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
       | st.text(alphabet="%0123456789ABCDEFabcdef :#", max_size=12))
def test_encoding_matches_the_reference_and_round_trips(value: str) -> None:
    encoded = wire.url_encode(value)
    assert encoded == url_encode(value)
    assert all(32 <= ord(char) < 127 and char not in " :\n" for char in encoded)
    if not re.search("%[0-9A-F]{2}", value):  # already-encoded sequences pass through by design
        assert unquote_to_bytes(encoded).decode() == value
