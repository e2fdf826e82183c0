"""Typed event views over real captured events, hangup causes and the back-off schedule."""

from __future__ import annotations

import pytest

from ivrd.esl.backoff import reconnect_delay_s
from ivrd.esl.causes import HangupCause
from ivrd.esl.codec import EslEvent
from ivrd.esl.events import (
    BackgroundJob,
    ChannelEvent,
    CustomEvent,
    DtmfEvent,
    EventView,
    ExecuteEvent,
    HangupEvent,
    Heartbeat,
    PlaybackStop,
    RecordStop,
    split_array,
    view,
)
from ivrd.esl.headers import Headers

from .esl_captures import capture_stream, feed_chunks


def events_of(name: str) -> list[EslEvent]:
    frames, error, _ = feed_chunks([capture_stream(name)])
    assert error is None
    return [f.event for f in frames if f.event is not None]


def make(pairs: list[tuple[str, str]], body: str = "") -> EslEvent:
    return EslEvent(Headers.from_pairs(pairs), body)


def test_hangup_complete_view_reads_cause_and_cdr() -> None:
    (event,) = events_of("cgrates-channel-hangup-complete-2015.payload.txt")
    hangup = view(event)
    assert isinstance(hangup, HangupEvent)
    assert hangup.cause is HangupCause.NORMAL_CLEARING
    assert hangup.q850 == 16
    assert hangup.unique_id == hangup.variable("uuid")
    assert hangup.answered and hangup.billsec_s >= 0 and hangup.duration_s >= hangup.billsec_s
    assert hangup.variables()["hangup_cause"] == "NORMAL_CLEARING"
    assert split_array(hangup.variables()["DP_MATCH"]) == ["1003", "1003"]
    assert split_array(hangup.variable("originated_legs") or "")[0].endswith(";Outbound Call;1003")


def test_execute_complete_view() -> None:
    events = events_of("neventsocket-outbound-ex1-bridge-normal-clearing.txt")
    playback = next(v for e in events if isinstance(v := view(e), ExecuteEvent)
                    and v.is_complete and v.application == "playback")
    assert playback.application_response == "FILE PLAYED"
    assert playback.application_uuid


def test_dtmf_view() -> None:
    events = events_of("neventsocket-outbound-ex4-dtmf-read-record.txt")
    dtmf = [v for e in events if isinstance(v := view(e), DtmfEvent)]
    assert {d.digit for d in dtmf} >= {"#"}
    assert all(d.duration_ms in range(50, 300) for d in dtmf)
    assert dtmf[0].source is None  # 2015 FreeSWITCH had no DTMF-Source


def test_background_job_view_success_and_failure() -> None:
    events = events_of("switchio-eventstream2-bgapi-originate-park.txt")
    job = view(events[0])
    assert isinstance(job, BackgroundJob)
    assert job.job_uuid == "86b51ad6-ebb9-4bca-8a41-f28986dde3e4"
    assert job.ok and job.result == "8de782e0-83c9-11e7-af1b-001500e3e25c" and job.cause is None
    assert job.command == "originate"
    failed = BackgroundJob(make([("Event-Name", "BACKGROUND_JOB"), ("Job-UUID", "j")], "-ERR USER_BUSY\n"))
    assert not failed.ok and failed.error == "USER_BUSY" and failed.cause is HangupCause.USER_BUSY
    assert failed.result == ""


def test_channel_park_is_a_channel_event_with_variables() -> None:
    park = view(events_of("switchio-eventstream2-bgapi-originate-park.txt")[1])
    assert type(park) is ChannelEvent
    assert park.call_direction == "outbound" and park.answer_state == "answered"
    assert park.variable("current_application") == "park"
    assert park.channel_name == "sofia/external/doggy@192.168.0.105:5080"


def test_playback_record_custom_and_heartbeat_views() -> None:
    stop = view(make([("Event-Name", "PLAYBACK_STOP"), ("Unique-ID", "u"), ("variable_playback_ms", "1500"),
                      ("Playback-File-Path", "/s/a.wav"), ("Playback-Status", "break")]))
    assert isinstance(stop, PlaybackStop) and stop.status == "break" and stop.playback_ms == 1500
    record = view(make([("Event-Name", "RECORD_STOP"), ("Unique-ID", "u"), ("Record-File-Path", "/r/x.wav"),
                        ("variable_record_ms", "4200"), ("Record-Completion-Cause", "success-silence")]))
    assert isinstance(record, RecordStop) and record.record_ms == 4200
    assert record.completion_cause == "success-silence" and record.file_path == "/r/x.wav"
    custom = view(make([("Event-Name", "CUSTOM"), ("Event-Subclass", "avmd::beep"), ("Unique-ID", "u")]))
    assert isinstance(custom, CustomEvent) and custom.subclass == "avmd::beep" and custom.unique_id == "u"
    (heartbeat_event,) = events_of("greenswitch-heartbeat.payload.txt")
    heartbeat = view(heartbeat_event)
    assert isinstance(heartbeat, Heartbeat) and heartbeat.session_count >= 0
    other = view(make([("Event-Name", "RE_SCHEDULE")]))
    assert type(other) is EventView and other.sequence == 0


def test_hangup_causes() -> None:
    assert HangupCause.parse("user_busy") is HangupCause.USER_BUSY
    assert HangupCause.parse("17") is HangupCause.USER_BUSY
    assert HangupCause.parse("NOT_A_CAUSE") is None and HangupCause.parse("9999") is None
    assert HangupCause.NO_ANSWER.q850 == 19
    assert HangupCause.ORIGINATOR_CANCEL == 487 and HangupCause.ORIGINATOR_CANCEL.q850 == 16
    assert HangupCause.SUCCESS.q850 == 16 and HangupCause.INTERWORKING.q850 == 127


def test_array_values() -> None:
    assert split_array("ARRAY::1000|:1000") == ["1000", "1000"]
    assert split_array("plain") == ["plain"]


@pytest.mark.parametrize(("attempt", "unit", "expected"), [
    (0, 0.5, 0.0), (1, 0.0, 0.5), (2, 0.0, 1.0), (4, 0.0, 4.0),
    (10, 0.0, 30.0), (10, 1.0, 22.5), (3, 0.5, 1.75),
])
def test_reconnect_backoff_is_capped_exponential_with_jitter(
        attempt: int, unit: float, expected: float) -> None:
    delay = reconnect_delay_s(attempt, initial_s=0.5, max_s=30.0, jitter_fraction=0.25, random_unit=unit)
    assert delay == pytest.approx(expected)
