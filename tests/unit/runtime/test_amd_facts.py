"""AMD facts: from analyzer decisions to channel variables and back, to call-record columns; recording."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ivrd.amd import AmdDecision, AmdResult, AmdStage
from ivrd.esl.codec import EslEvent
from ivrd.esl.headers import Headers
from ivrd.runtime.amd import codec_rate_hz, sweep_recordings
from ivrd.runtime.amd_call import AmdOptions, record_command, recording_path, recording_rate_hz, verdict_word
from ivrd.runtime.amd_facts import AmdFacts, cdr_columns, channel_variables, facts_from_variables, facts_of

DETECT = AmdDecision(AmdStage.DETECT, AmdResult.MACHINE_START, "LONGGREETING-2600-2600", 2600, final=False)
BEEP = AmdDecision(AmdStage.END_OF_GREETING, AmdResult.MACHINE_END_BEEP, "BEEP-1000HZ-500", 4780, final=True,
                   beep_end_ms=4600, beep_hz=1000.0)


def test_a_machine_with_a_beep_keeps_both_causes_and_times_after_answer() -> None:
    facts = facts_of([DETECT, BEEP], offset_ms=30, action="play_voicemail")
    assert facts == AmdFacts(AmdResult.MACHINE_END_BEEP, "LONGGREETING-2600-2600/BEEP-1000HZ-500", 2630, 4630,
                             "play_voicemail")
    assert (facts.status, facts.machine, facts.cdr_status) == ("machine", True, 2)


def test_no_decision_is_an_error() -> None:
    with pytest.raises(ValueError, match="decisions"):
        facts_of([], offset_ms=0)


@pytest.mark.parametrize(("result", "status", "cdr"), [
    (AmdResult.HUMAN, "person", 1), (AmdResult.UNKNOWN, "person", 3), (AmdResult.FAX, "machine", 2),
    (AmdResult.MACHINE_END_SILENCE, "machine", 2)])
def test_channel_variables_come_back_from_a_hangup_and_map_to_call_record_columns(
        result: AmdResult, status: str, cdr: int) -> None:
    facts = AmdFacts(result, "" if result is AmdResult.HUMAN else "CAUSE-1", 1200, None, "run_survey")
    variables = channel_variables(facts)
    assert variables["ivrd_amd_status"] == variables["amd_status"] == status
    assert all(variables.values())  # an empty value would unset the variable
    assert facts_from_variables(variables.get) == facts
    assert cdr_columns(facts) == {"amd_status": cdr, "amd_result": result.value, "amd_cause": facts.cause,
                                  "amd_decision_ms": 1200, "amd_beep_ms": None}


def test_a_hangup_without_detection_has_no_facts() -> None:
    assert facts_from_variables({}.get) is None
    assert facts_from_variables({"ivrd_amd_result": "bogus"}.get) is None


def test_read_side_recording_at_the_analyzers_rates() -> None:
    assert [recording_rate_hz(r) for r in (8000, 12000, 16000, 48000, 0)] == [8000, 8000, 16000, 16000, 8000]
    path = recording_path(Path("/var/media/amd"), "u-1", 16000)
    assert path == Path("/var/media/amd/u-1.r16")
    assert recording_path(Path("/a"), "u-1", 8000).suffix == ".r8"
    assert record_command("u-1", path, 16000, 25) == (
        "uuid_record u-1 start /var/media/amd/u-1.r16 25 "
        "{RECORD_READ_ONLY=true,record_sample_rate=16000,enable_file_write_buffering=false}")


def test_the_survey_waits_longer_than_detection_can_take() -> None:
    options = AmdOptions(amd_dir=Path("/a"), stall_s=1.0)
    assert options.max_audio_ms == options.params.end_max_wait_ms == 20000
    assert options.survey_wait_ms == 20000 + 2000 + 1000


def test_codec_rate_from_the_answer_event() -> None:
    def event(**headers: str) -> EslEvent:
        return EslEvent(Headers(["Event-Name", *headers], ["CHANNEL_ANSWER", *headers.values()]))

    assert codec_rate_hz(event(**{"Channel-Read-Codec-Rate": "16000"})) == 16000
    assert codec_rate_hz(event(variable_read_rate="48000")) == 48000
    assert codec_rate_hz(event()) == 8000


def test_verdict_words_for_the_survey() -> None:
    assert [verdict_word(r) for r in (AmdResult.HUMAN, AmdResult.UNKNOWN, AmdResult.FAX,
                                      AmdResult.MACHINE_START)] == ["person", "notsure", "machine", "machine"]


def test_old_recordings_are_swept_and_recent_ones_kept(tmp_path: Path) -> None:
    old, recent, other = tmp_path / "a.r8", tmp_path / "b.r16", tmp_path / "c.wav"
    for path in (old, recent, other):
        path.write_bytes(b"\0\0")
    os.utime(old, (1_000_000, 1_000_000))
    os.utime(other, (1_000_000, 1_000_000))
    assert sweep_recordings(tmp_path, 600) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.r16", "c.wav"]
    assert sweep_recordings(tmp_path / "missing", 600) == 0
