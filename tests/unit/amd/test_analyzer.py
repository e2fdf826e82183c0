"""AmdAnalyzer on synthetic signals: dead air, people, machines, beeps, fax tones, streaming."""

from __future__ import annotations

import numpy as np
import pytest

from ivrd.amd import AmdAnalyzer, AmdDecision, AmdParams, AmdResult, AmdStage
from tests.unit.amd.signals import RATE, noise, pcm, silence, speech, tone, vowel


def analyse(samples: np.ndarray, rate: int = RATE, **kwargs: object) -> list[AmdDecision]:
    analyzer = AmdAnalyzer(rate, **kwargs)  # type: ignore[arg-type]
    decisions = analyzer.feed(samples)
    decisions += analyzer.finish()
    return decisions


def test_dead_air_is_unknown_once_the_analysis_time_is_over() -> None:
    decisions = analyse(pcm(silence(8.0)))
    assert [d.result for d in decisions] == [AmdResult.UNKNOWN]
    assert decisions[0].decision_ms == 5000
    assert decisions[0].cause.startswith("INITIALSILENCE-")
    assert decisions[0].amd_status == "NOTSURE" and decisions[0].cdr_amd_status == 3
    assert decisions[0].final


def test_comfort_noise_is_dead_air_too() -> None:
    decisions = analyse(pcm(noise(8.0, -50.0, seed=3)))
    assert [d.result for d in decisions] == [AmdResult.UNKNOWN]


def test_a_short_hello_then_silence_is_a_person_within_half_a_second_of_its_end() -> None:
    decisions = analyse(pcm(silence(0.3), speech(0.5, seed=2), silence(3.0)))
    assert [d.result for d in decisions] == [AmdResult.HUMAN]
    pause_ms = AmdParams().short_greeting_silence_ms
    assert 800 + pause_ms <= decisions[0].decision_ms <= 800 + 600
    assert decisions[0].cause.startswith("HUMAN-")
    assert decisions[0].newfies_amd_status == "person" and decisions[0].cdr_amd_status == 1


def test_a_long_greeting_is_a_machine_and_then_the_beep_ends_it() -> None:
    beep_end_ms = 300 + 6000 + 400 + 500
    samples = pcm(silence(0.3), speech(6.0, seed=4), silence(0.4), tone(1000, 0.5), silence(2.0))
    decisions = analyse(samples)
    assert [d.result for d in decisions] == [AmdResult.MACHINE_START, AmdResult.MACHINE_END_BEEP]
    start, end = decisions
    assert start.stage is AmdStage.DETECT and not start.final
    assert start.cause.startswith(("LONGGREETING-", "MAXWORDS-"))
    assert start.decision_ms < 5000
    assert end.stage is AmdStage.END_OF_GREETING and end.final
    assert end.beep_end_ms is not None and abs(end.beep_end_ms - beep_end_ms) <= 50
    assert end.beep_hz == pytest.approx(1000, abs=15)
    assert 0 <= end.decision_ms - beep_end_ms <= 300


@pytest.mark.parametrize("hz", [440.0, 850.0, 1400.0, 2000.0])
def test_beeps_of_usual_pitches_are_found(hz: float) -> None:
    samples = pcm(speech(5.0, seed=5), silence(0.5), tone(hz, 0.25, dbfs=-20), silence(2.0))
    decisions = analyse(samples)
    assert decisions[-1].result is AmdResult.MACHINE_END_BEEP
    assert decisions[-1].beep_end_ms is not None and abs(decisions[-1].beep_end_ms - 5750) <= 50


@pytest.mark.parametrize("hz", [440.0, 1000.0])
def test_a_square_wave_beep_with_its_harmonics_is_found(hz: float) -> None:
    t = np.arange(round(0.4 * RATE)) / RATE
    square = np.sign(np.sin(2 * np.pi * hz * t)) * 32768 * 10 ** (-20 / 20)
    decisions = analyse(pcm(speech(5.0, seed=5), silence(0.5), square, silence(2.0)))
    assert decisions[-1].result is AmdResult.MACHINE_END_BEEP
    assert decisions[-1].beep_end_ms is not None and abs(decisions[-1].beep_end_ms - 5900) <= 50


def test_a_greeting_without_beep_ends_on_silence() -> None:
    samples = pcm(speech(6.0, seed=6), silence(4.0))
    decisions = analyse(samples)
    assert [d.result for d in decisions] == [AmdResult.MACHINE_START, AmdResult.MACHINE_END_SILENCE]
    assert 6000 + 1500 <= decisions[1].decision_ms <= 6000 + 1900


def test_a_held_vowel_is_not_a_beep() -> None:
    samples = pcm(speech(5.0, seed=7), vowel(0.8, f0_hz=180.0), silence(3.0))
    decisions = analyse(samples)
    assert [d.result for d in decisions] == [AmdResult.MACHINE_START, AmdResult.MACHINE_END_SILENCE]


def test_a_sung_note_with_vibrato_is_not_a_beep() -> None:
    t = np.arange(round(0.8 * RATE)) / RATE
    hz = 600 * (1 + 0.03 * np.sin(2 * np.pi * 5 * t))
    note = np.sin(2 * np.pi * np.cumsum(hz) / RATE) * 32768 * 10 ** (-16 / 20)
    decisions = analyse(pcm(speech(5.0, seed=7), note, silence(3.0)))
    assert [d.result for d in decisions] == [AmdResult.MACHINE_START, AmdResult.MACHINE_END_SILENCE]


def test_a_melody_of_pure_notes_is_not_a_beep() -> None:
    notes = [tone(hz, 0.3, dbfs=-16) for hz in (523.3, 659.3, 784.0, 659.3, 523.3, 587.3, 698.5)]
    samples = pcm(speech(5.0, seed=8), *notes, silence(3.0))
    decisions = analyse(samples)
    assert AmdResult.MACHINE_END_BEEP not in [d.result for d in decisions]


def test_fax_calling_tone_cadence_is_fax() -> None:
    cng = [tone(1100, 0.5, dbfs=-15), silence(3.0)] * 2
    decisions = analyse(pcm(silence(0.5), *cng))
    assert [d.result for d in decisions] == [AmdResult.FAX]
    assert decisions[0].cause.startswith("FAX-CNG")
    assert decisions[0].decision_ms <= 500 + 500
    assert decisions[0].amd_status == "FAX" and decisions[0].newfies_amd_status == "machine"


def test_fax_answer_tone_is_fax() -> None:
    decisions = analyse(pcm(silence(2.0), tone(2100, 3.0, dbfs=-12), silence(1.0)))
    assert [d.result for d in decisions] == [AmdResult.FAX]
    assert decisions[0].cause.startswith("FAX-CED")
    assert decisions[0].decision_ms <= 2000 + 700


def test_a_greeting_that_never_pauses_runs_into_the_end_of_greeting_limit() -> None:
    params = AmdParams(end_max_wait_ms=8000)
    decisions = analyse(pcm(speech(12.0, seed=9)), params=params)
    assert [d.result for d in decisions] == [AmdResult.MACHINE_START, AmdResult.MACHINE_END_OTHER]
    assert decisions[1].decision_ms == 8000 and decisions[1].cause == "TIMEOUT-8000"


def test_without_waiting_for_the_end_the_machine_decision_is_final() -> None:
    decisions = analyse(pcm(speech(6.0, seed=4), silence(1.0)), wait_for_end=False)
    assert [d.result for d in decisions] == [AmdResult.MACHINE_START]
    assert decisions[0].final


def test_audio_ending_early_settles_the_open_question() -> None:
    analyzer = AmdAnalyzer(RATE)
    assert analyzer.feed(pcm(silence(1.0))) == []
    [decision] = analyzer.finish()
    assert decision.result is AmdResult.UNKNOWN and decision.cause == "HANGUP-1000"
    assert analyzer.done and analyzer.feed(pcm(speech(1.0))) == []

    analyzer = AmdAnalyzer(RATE)
    [start] = analyzer.feed(pcm(speech(6.0, seed=4)))
    [end] = analyzer.finish()
    assert start.result is AmdResult.MACHINE_START
    assert end.result is AmdResult.MACHINE_END_OTHER and end.cause.startswith("HANGUP-")


def test_sixteen_khz_audio_gives_the_same_kind_of_decisions() -> None:
    rate = 16000
    human = pcm(silence(0.3, rate), speech(0.5, seed=2, rate=rate), silence(3.0, rate), rate=rate)
    assert [d.result for d in analyse(human, rate)] == [AmdResult.HUMAN]
    machine = pcm(
        speech(6.0, seed=4, rate=rate),
        silence(0.4, rate),
        tone(1000, 0.5, rate=rate),
        silence(2.0, rate),
        rate=rate,
    )
    decisions = analyse(machine, rate)
    assert [d.result for d in decisions] == [AmdResult.MACHINE_START, AmdResult.MACHINE_END_BEEP]
    assert decisions[1].beep_end_ms is not None and abs(decisions[1].beep_end_ms - 6900) <= 50


SIGNALS = {
    "human": lambda: pcm(silence(0.3), speech(0.5, seed=2), silence(3.0)),
    "machine_beep": lambda: pcm(speech(6.0, seed=4), silence(0.4), tone(1000, 0.5), silence(2.0)),
    "fax": lambda: pcm(silence(0.5), tone(1100, 0.5), silence(3.0)),
    "dead_air": lambda: pcm(noise(6.0, -55.0)),
}


@pytest.mark.parametrize("name", sorted(SIGNALS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_any_chunking_of_the_stream_gives_the_same_decisions(name: str, seed: int) -> None:
    samples = SIGNALS[name]()
    whole = analyse(samples)
    data = samples.astype("<i2").tobytes()
    rng = np.random.default_rng(seed)
    analyzer = AmdAnalyzer(RATE)
    chunked: list[AmdDecision] = []
    position = 0
    while position < len(data):
        size = int(rng.integers(1, 2000))  # odd byte counts split samples
        chunked += analyzer.feed(data[position : position + size])
        position += size
    chunked += analyzer.finish()
    assert chunked == whole


def test_bad_input_is_refused_with_the_field_named() -> None:
    with pytest.raises(ValueError, match="sample_rate_hz"):
        AmdAnalyzer(11025)
    with pytest.raises(ValueError, match="audio"):
        AmdAnalyzer(RATE).feed(np.zeros(160, dtype=np.float64))  # type: ignore[arg-type]


def test_a_dc_offset_on_a_silent_line_is_not_speech() -> None:
    samples = pcm(silence(6.0)) + np.int16(600)
    assert [d.result for d in analyse(samples)] == [AmdResult.UNKNOWN]


def test_bytearray_and_memoryview_chunks_are_accepted() -> None:
    data = pcm(silence(0.3), speech(0.5, seed=2), silence(3.0)).astype("<i2").tobytes()
    analyzer = AmdAnalyzer(RATE)
    decisions = analyzer.feed(bytearray(data[:3001])) + analyzer.feed(memoryview(data)[3001:])
    assert [d.result for d in decisions] == [AmdResult.HUMAN]


def test_clicks_on_a_silent_line_are_not_speech() -> None:
    samples = pcm(silence(6.0)).astype(np.float64)
    rng = np.random.default_rng(5)
    samples[rng.integers(0, samples.size, 150)] += 6000.0
    clicks = np.clip(samples, -32768, 32767).astype(np.int16)
    assert [d.result for d in analyse(clicks)] == [AmdResult.UNKNOWN]


def test_a_person_over_quiet_pulsing_music_is_still_a_person() -> None:
    t = np.arange(round(4.0 * RATE)) / RATE
    bed = sum(np.sin(2 * np.pi * hz * t) for hz in (262.0, 330.0, 392.0)) * np.exp(-((t * 3) % 1.5))
    bed = bed / np.sqrt(np.mean(bed**2)) * 32768 * 10 ** (-48 / 20)
    voice = np.concatenate([silence(0.4), speech(0.5, seed=2, dbfs=-16), silence(3.1)])
    decisions = analyse(pcm(voice + bed))
    assert [d.result for d in decisions] == [AmdResult.HUMAN]


def test_background_talk_far_below_the_callee_does_not_keep_the_greeting_going() -> None:
    hello = pcm(silence(0.3), speech(0.5, seed=2), silence(4.0))
    television = pcm(silence(0.3), speech(4.5, seed=11, dbfs=-34.0))  # 16 dB under the callee
    mixed = np.clip(hello.astype(float) + television, -32768, 32767).astype(np.int16)
    [human] = analyse(mixed, wait_for_end=False)
    assert human.result is AmdResult.HUMAN and human.decision_ms <= 800 + 400
    deaf = analyse(mixed, params=AmdParams(callee_margin_db=0.0), wait_for_end=False)
    assert deaf[0].result is AmdResult.MACHINE_START  # counted as the callee: a long greeting


def test_background_talk_heard_before_the_callee_does_not_lower_their_level() -> None:
    """A voice 16 dB under the callee is on the line from the first moment: it is counted as
    speech until the callee's "Hello?" sets the level, and must not then keep the greeting going."""
    hello = pcm(silence(0.4), speech(0.4, seed=2, dbfs=-14.0), silence(4.2))
    talker = pcm(speech(5.0, seed=11, dbfs=-30.0), seed=11)
    mixed = np.clip(hello.astype(float) + talker, -32768, 32767).astype(np.int16)
    [human] = analyse(mixed, wait_for_end=False)
    assert human.result is AmdResult.HUMAN and human.decision_ms <= 800 + 400
