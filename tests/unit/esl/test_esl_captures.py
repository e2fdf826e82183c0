"""Conformance: every captured FreeSWITCH stream decodes the same whole, byte by byte and in pieces."""

from __future__ import annotations

import random

import pytest

from ivrd.esl.codec import EslCodec
from ivrd.esl.errors import RemoteProtocolError
from ivrd.esl.headers import _fast_header_block, parse_header_lines

from .esl_captures import SYNTHETIC, capture_names, capture_stream, feed_chunks, require_captures, split_at

EXPECTED_FRAMES = {
    "neventsocket-outbound-ex1-bridge-normal-clearing.txt": 27,
    "neventsocket-outbound-ex2-bridge-bleg-hangs-up.txt": 26,
    "neventsocket-outbound-ex3-caller-cancels-while-ringing.txt": 22,
    "neventsocket-outbound-ex4-dtmf-read-record.txt": 59,
    "neventsocket-outbound-ex5-bridge-call-rejected.txt": 25,
    "neventsocket-outbound-ex6-dtmf-attxfer-threeway.txt": 114,
    "switchio-eventstream2-bgapi-originate-park.txt": 5,
    "rubyfs-event-json-fs1.2-heartbeat-reschedule.txt": 2,
    "greenswitch-log-data-frame.txt": 1,
    "davec82-outbound-connect-reply-2017.txt": 1,
    "davec82-outbound-cmdreply-then-execute-complete-2018.txt": 2,
    "davec82-api-response-channel-data-2017.txt": 1,
    "davec82-disconnect-notice-2017.txt": 1,
    "karan-fs1.10-2023-frames.txt": 10,
}
FAITHFUL = [n for n in capture_names() if n != SYNTHETIC]


def frames_of(name: str):
    frames, error, left = feed_chunks([capture_stream(name)])
    assert error is None, error
    assert left == 0
    return frames


@pytest.mark.parametrize("name", FAITHFUL)
def test_capture_decodes_identically_whole_bytewise_and_split(name: str) -> None:
    data = capture_stream(name)
    whole = frames_of(name)
    assert whole, "no frame decoded"
    if name in EXPECTED_FRAMES:
        assert len(whole) == EXPECTED_FRAMES[name]
    if len(data) <= 40_000:  # byte by byte is quadratic in Python for the long sessions
        assert feed_chunks([data[i : i + 1] for i in range(len(data))]) == (whole, None, 0)
    else:
        assert feed_chunks([data[i : i + 7] for i in range(0, len(data), 7)]) == (whole, None, 0)
    rng = random.Random(name)
    for _ in range(5):
        cuts = [rng.randrange(len(data)) for _ in range(rng.randrange(1, 60))]
        assert feed_chunks(split_at(data, cuts)) == (whole, None, 0)


@pytest.mark.parametrize("name", FAITHFUL)
def test_fast_and_strict_event_parsers_agree_on_real_events(name: str) -> None:
    for frame in frames_of(name):
        if frame.content_type != "text/event-plain":
            continue
        end = frame.body.find(b"\n\n")
        block = frame.body[: end + 1] if end >= 0 else frame.body
        assert _fast_header_block(block) == parse_header_lines(block, "event")


def test_every_event_carries_its_name_and_frames_keep_exact_lengths() -> None:
    require_captures()
    for name in FAITHFUL:
        for frame in frames_of(name):
            length = frame.headers.get("Content-Length")
            assert len(frame.body) == int(length or 0)
            if frame.event is not None:
                assert frame.event.name, name


def test_hangup_complete_keeps_both_hangup_causes() -> None:
    for year in (2015, 2018):
        name = f"cgrates-channel-hangup-complete-{year}.payload.txt"
        (frame,) = frames_of(name)
        assert frame.event is not None
        headers = frame.event.headers
        assert frame.event.name == "CHANNEL_HANGUP_COMPLETE"
        causes = headers.get_all("Hangup-Cause")
        assert len(causes) == 2 and causes[0] == causes[1] == "NORMAL_CLEARING"
        names = headers.names()
        assert names.index("Hangup-Cause") == names.index("Event-Sequence") + 1
        assert headers["variable_hangup_cause_q850"] == "16"


def test_array_variables_and_encoded_newlines_stay_inside_their_value() -> None:
    (frame,) = frames_of("cgrates-channel-hangup-complete-2015.payload.txt")
    assert frame.event is not None
    headers = frame.event.headers
    arrays = [v for v in headers.values() if v.startswith("ARRAY::")]
    assert arrays and all("|:" in v for v in arrays)
    sdp = headers["variable_switch_r_sdp"]
    assert sdp.startswith("v=0\r\no=- ") and "\r\nm=audio " in sdp
    assert headers["Event-Date-Local"] == "2015-07-07 16:53:14"
    assert headers["FreeSWITCH-IPv6"] == "::1"


def test_dtmf_digit_hash_is_decoded() -> None:
    frames = frames_of("neventsocket-outbound-ex4-dtmf-read-record.txt")
    digits = [f.event.headers["DTMF-Digit"] for f in frames if f.event and f.event.name == "DTMF"]
    assert "#" in digits
    assert all(len(d) == 1 for d in digits)
    dtmf = next(f.event for f in frames if f.event and f.event.name == "DTMF")
    assert not any(n.startswith("variable_") for n in dtmf.headers)


def test_background_job_body_is_split_out_with_its_inner_length() -> None:
    frames = frames_of("switchio-eventstream2-bgapi-originate-park.txt")
    assert frames[0].content_type == "command/reply"
    assert frames[0].reply_text == "+OK Job-UUID: 1246016f-ea2f-4cba-a018-16443bcadc6f"
    job = frames[1]
    assert job.headers["Content-Length"] == "1048"
    assert job.event is not None and job.event.name == "BACKGROUND_JOB"
    assert job.event.headers["Content-Length"] == "41"
    assert job.event.body == "+OK 8de782e0-83c9-11e7-af1b-001500e3e25c\n"
    assert len(job.event.body.encode()) == 41
    assert job.event.headers["Job-Command-Arg"].endswith("sofia/external/doggy@192.168.0.105:5080 &park()")
    park = frames[2].event
    assert park is not None and park.name == "CHANNEL_PARK"
    assert park.headers["variable_current_application"] == "park"


def test_disconnect_notice_body_is_67_bytes() -> None:
    for name in ("karan-fs1.10-2023-frames.txt", "davec82-disconnect-notice-2017.txt",
                 "neventsocket-outbound-ex1-bridge-normal-clearing.txt"):
        notice = [f for f in frames_of(name) if f.content_type == "text/disconnect-notice"][-1]
        assert len(notice.body) == 67
        assert notice.text == "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"


def test_linger_notice_has_empty_body() -> None:
    frames = frames_of("neventsocket-outbound-ex1-bridge-normal-clearing.txt")
    linger = [f for f in frames if f.headers.get("Content-Disposition") == "linger"]
    assert linger and linger[0].body == b"" and linger[0].headers["Linger-Time"] == "-1"


def test_log_data_frame() -> None:
    (frame,) = frames_of("greenswitch-log-data-frame.txt")
    assert frame.content_type == "log/data"
    assert frame.headers["Log-Level"] == "7"
    assert frame.headers["User-Data"] == "4c882cc4-cd02-11e6-8b82-395b501876f9"
    assert len(frame.body) == 126
    assert frame.text.endswith("State DESTROY going to sleep\n")


def test_pretty_printed_json_events_of_freeswitch_1_2() -> None:
    heartbeat, schedule = frames_of("rubyfs-event-json-fs1.2-heartbeat-reschedule.txt")
    assert heartbeat.event is not None and schedule.event is not None
    assert heartbeat.event.name == "HEARTBEAT"
    assert heartbeat.event.headers["Event-Info"] == "System Ready"
    assert heartbeat.event.headers["FreeSWITCH-IPv6"] == "::1"
    assert schedule.event.headers["Task-Desc"] == "heartbeat"
    assert all(isinstance(v, str) for v in heartbeat.event.headers.values())


def test_outbound_connect_reply_values_are_url_decoded() -> None:
    (frame,) = frames_of("davec82-outbound-connect-reply-2017.txt")
    assert frame.content_type == "command/reply"
    assert frame.reply_text == "+OK\n"
    assert frame.headers["Socket-Mode"] == "async"
    assert frame.body == b""


def test_fs110_frames() -> None:
    frames = frames_of("karan-fs1.10-2023-frames.txt")
    assert frames[0].content_type == "auth/request"
    assert frames[1].reply_text == "+OK event listener enabled json"
    assert frames[2].headers["Job-UUID"] == "0435d687-db9c-46b6-9221-79f82852c1a0"
    job = frames[3].event
    assert job is not None and job.body == "+OK [Success]\n"
    api = [f.text for f in frames if f.content_type == "api/response"]
    assert api == [
        "-ERR SUBSCRIBER_ABSENT\n", "+OK [Success]\n", "Reload XML [Success]\nrestarting: external", "+OK\n"]


def test_heartbeat_payload() -> None:
    (frame,) = frames_of("greenswitch-heartbeat.payload.txt")
    assert frame.event is not None
    assert frame.event.headers["Event-Info"] == "System Ready"
    assert frame.event.headers["FreeSWITCH-Version"].startswith("1.5.15b+git~")


def test_decoded_synthetic_stream_is_rejected_with_a_clear_error_after_its_good_frames() -> None:
    """The switchio fixture holds URL-decoded event text (raw multi-line SDP): not a FreeSWITCH stream.

    Documented behaviour: the four well-formed frames before it are delivered (the stray blank
    line after the disconnect body is skipped), then the event's bare SDP line is reported.
    """
    data = capture_stream(SYNTHETIC)
    whole = feed_chunks([data])
    frames, error, _ = whole
    assert [f.content_type for f in frames] == [
        "auth/request", "command/reply", "command/reply", "text/disconnect-notice"]
    assert error is not None and "is not a 'Name: value' header" in error and "IN IP4" in error
    assert feed_chunks([data[i : i + 1] for i in range(len(data))])[:2] == whole[:2]
    assert feed_chunks(split_at(data, [5, 100, 333, 2000, 4000]))[:2] == whole[:2]


def test_broken_codec_keeps_failing() -> None:
    codec = EslCodec()
    with pytest.raises(RemoteProtocolError):
        codec.feed(b"Content-Type: api/response\nContent-Length: x\n\n")
    with pytest.raises(RemoteProtocolError, match="not a number"):
        codec.feed(b"Content-Type: auth/request\n\n")
