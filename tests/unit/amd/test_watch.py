"""Listening on after a verdict: a beep or more greeting revise a human one, a late beep an end by silence."""

from __future__ import annotations

import numpy as np

from ivrd.amd import AmdAnalyzer, AmdDecision, AmdParams, AmdResult, AmdStage
from tests.unit.amd.signals import RATE, pcm, silence, speech, tone


def stream(samples: np.ndarray, analyzer: AmdAnalyzer) -> list[AmdDecision]:
    """Feeds 20 ms frames until the analyzer is done, as the runtime does."""
    decisions: list[AmdDecision] = []
    for start in range(0, samples.size, RATE // 50):
        decisions += analyzer.feed(samples[start : start + RATE // 50])
        if analyzer.done:
            break
    return decisions + analyzer.finish()


def test_a_short_greeting_taken_for_a_person_is_a_machine_once_its_beep_sounds() -> None:
    samples = pcm(silence(0.3), speech(0.6, seed=7), silence(0.9), tone(1000, 0.5), silence(3.0))
    analyzer = AmdAnalyzer(RATE)
    human, start, end = stream(samples, analyzer)
    assert human.result is AmdResult.HUMAN and not human.final
    assert human.decision_ms < 1500  # the person's verdict is not delayed by the watch
    assert (start.stage, start.result) == (AmdStage.DETECT, AmdResult.MACHINE_START)
    assert start.cause.endswith("-AFTERHUMAN") and not start.final
    assert (end.result, end.final) == (AmdResult.MACHINE_END_BEEP, True)
    assert end.beep_end_ms is not None and abs(end.beep_end_ms - 2300) <= 50
    assert 0 <= end.decision_ms - 2300 <= 300
    assert analyzer.revised is human and analyzer.detection is start


def test_a_person_who_waits_keeps_the_verdict_and_the_watch_ends_in_time() -> None:
    analyzer = AmdAnalyzer(RATE)
    [human] = stream(pcm(silence(0.3), speech(0.5, seed=2), silence(6.0)), analyzer)
    assert human.result is AmdResult.HUMAN and not human.final
    assert analyzer.done and analyzer.revised is None
    assert analyzer.elapsed_ms == human.decision_ms + AmdParams().human_watch_ms


def test_a_person_saying_hello_again_is_not_revised() -> None:
    samples = pcm(silence(0.3), speech(0.5, seed=2), silence(1.6), speech(0.9, seed=3), silence(4.0))
    decisions = stream(samples, AmdAnalyzer(RATE))
    assert [d.result for d in decisions] == [AmdResult.HUMAN]


def test_a_sentence_answer_is_answered_at_its_first_pause_and_stays_a_person() -> None:
    # "Hello, | this is Maria, who's calling?": a comma pause of 260 ms, then 1.4 s more
    samples = pcm(silence(0.3), speech(0.5, seed=2), silence(0.26), speech(1.4, seed=3), silence(4.0))
    analyzer = AmdAnalyzer(RATE)
    [human] = stream(samples, analyzer)
    assert human.result is AmdResult.HUMAN
    assert 800 + 250 <= human.decision_ms <= 800 + 260  # at the pause, not 2.5 s in when they stop
    assert analyzer.done and analyzer.revised is None


def test_a_greeting_that_goes_on_after_a_pause_is_a_machine() -> None:
    samples = pcm(silence(0.3), speech(0.5, seed=2), silence(0.5), speech(4.0, seed=4), silence(3.0))
    analyzer = AmdAnalyzer(RATE)
    decisions = stream(samples, analyzer)
    expected = [AmdResult.HUMAN, AmdResult.MACHINE_START, AmdResult.MACHINE_END_SILENCE]
    assert [d.result for d in decisions] == expected
    assert decisions[1].cause.startswith("RESUMED-")
    assert decisions[-1].stage is AmdStage.END_OF_GREETING and analyzer.done


def test_the_watch_is_off_without_wait_for_end_or_with_a_zero_window() -> None:
    samples = pcm(silence(0.3), speech(0.6, seed=7), silence(0.9), tone(1000, 0.5), silence(3.0))
    for analyzer in (AmdAnalyzer(RATE, wait_for_end=False), AmdAnalyzer(RATE, AmdParams(human_watch_ms=0))):
        [human] = stream(samples, analyzer)
        assert human.result is AmdResult.HUMAN and human.final
        assert analyzer.elapsed_ms == human.decision_ms


def test_a_hangup_during_the_watch_settles_nothing_new() -> None:
    analyzer = AmdAnalyzer(RATE)
    [human] = analyzer.feed(pcm(silence(0.3), speech(0.5, seed=2), silence(1.0)))
    assert human.result is AmdResult.HUMAN and not analyzer.done
    assert analyzer.finish() == [] and analyzer.done
    assert analyzer.decisions == [human]


# "Hello?" at -18 dBFS, then the survey's prompt (or a tone in it) echoed back 18-22 dB quieter
HELLO = (silence(0.3), speech(0.5, seed=2))
ECHOED_PROMPT = pcm(*HELLO, silence(0.5), speech(3.0, seed=9, dbfs=-36.0), silence(3.0))
ECHOED_TONE = pcm(*HELLO, silence(1.0), tone(1000, 0.5, dbfs=-40.0), silence(3.0))


def test_a_quiet_echo_of_the_survey_prompt_does_not_revise_a_person() -> None:
    for samples in (ECHOED_PROMPT, ECHOED_TONE):
        assert [d.result for d in stream(samples, AmdAnalyzer(RATE))] == [AmdResult.HUMAN]
        deaf = AmdAnalyzer(RATE, AmdParams(watch_echo_margin_db=100.0, callee_margin_db=0.0))
        assert [d.result for d in stream(samples, deaf)][:2] == [AmdResult.HUMAN, AmdResult.MACHINE_START]


def test_a_beep_after_the_end_of_greeting_by_silence_replaces_it() -> None:
    samples = pcm(silence(0.3), speech(4.0, seed=4), silence(2.0), tone(1000, 0.5), silence(3.0))
    analyzer = AmdAnalyzer(RATE)
    _, by_silence, by_beep = stream(samples, analyzer)
    assert (by_silence.result, by_silence.final) == (AmdResult.MACHINE_END_SILENCE, False)
    assert (by_beep.result, by_beep.final) == (AmdResult.MACHINE_END_BEEP, True)
    assert by_beep.cause.endswith("-AFTERSILENCE") and by_beep.beep_end_ms is not None
    assert abs(by_beep.beep_end_ms - 6800) <= 50 and 0 <= by_beep.decision_ms - 6800 <= 300
    assert analyzer.replaced_end is by_silence and analyzer.end is by_beep


def test_without_a_late_beep_the_end_by_silence_stands_and_listening_stops() -> None:
    analyzer = AmdAnalyzer(RATE)
    _, by_silence = stream(pcm(silence(0.3), speech(4.0, seed=4), silence(8.0)), analyzer)
    assert by_silence.result is AmdResult.MACHINE_END_SILENCE and analyzer.done
    assert analyzer.elapsed_ms == by_silence.decision_ms + AmdParams().late_beep_ms
