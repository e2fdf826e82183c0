"""AppAmdBaseline follows Asterisk app_amd's rules with its default parameters."""

from __future__ import annotations

import numpy as np

from ivrd.amd import AmdParams, AmdResult, AppAmdBaseline

RATE = 8000


def level(seconds: float, mean_abs: int) -> np.ndarray:
    """Square-ish signal whose mean |sample| is exactly mean_abs (0 = digital silence)."""
    n = round(seconds * RATE)
    return (np.where(np.arange(n) % 2 == 0, 1, -1) * mean_abs).astype(np.int16)


def decide(*parts: np.ndarray, params: AmdParams | None = None) -> tuple[AmdResult, str, int]:
    baseline = AppAmdBaseline(RATE, params)
    decisions = baseline.feed(np.concatenate(parts)) + baseline.finish()
    assert len(decisions) == 1 and decisions[0].final
    return decisions[0].result, decisions[0].cause, decisions[0].decision_ms


def test_a_short_word_then_silence_is_human_after_800_ms() -> None:
    result = decide(level(0.2, 0), level(0.3, 1000), level(2.0, 0))
    assert result == (AmdResult.HUMAN, "HUMAN-800-800", 200 + 300 + 800)


def test_long_voice_is_a_machine_by_long_greeting() -> None:
    result = decide(level(0.2, 0), level(3.0, 1000))
    assert result == (AmdResult.MACHINE_START, "LONGGREETING-1500-1500", 200 + 1500)


def test_initial_silence_is_a_machine_after_2500_ms() -> None:
    assert decide(level(4.0, 100)) == (AmdResult.MACHINE_START, "INITIALSILENCE-2500-2500", 2500)


def test_three_words_make_a_machine() -> None:
    word, pause = level(0.2, 1000), level(0.2, 0)
    result = decide(pause, word, pause, word, pause, word, pause)
    assert result == (AmdResult.MACHINE_START, "MAXWORDS-3-3", 1000 + 100)  # third word starts at 1000 ms


def test_the_threshold_is_the_mean_absolute_sample() -> None:
    assert decide(level(0.2, 0), level(0.3, 255), level(3.0, 0))[1] == "INITIALSILENCE-2500-2500"
    assert decide(level(0.2, 0), level(0.3, 256), level(3.0, 0))[1] == "HUMAN-800-800"


def test_undecided_at_the_analysis_limit_is_not_sure() -> None:
    params = AmdParams(initial_silence_ms=10000)
    assert decide(level(6.0, 0), params=params) == (AmdResult.UNKNOWN, "TOOLONG-5000", 5000)


def test_a_word_longer_than_the_maximum_is_a_machine() -> None:
    params = AmdParams(greeting_ms=10000, maximum_word_length_ms=2000)
    assert decide(level(0.2, 0), level(3.0, 1000), params=params) == (
        AmdResult.MACHINE_START,
        "MAXWORDLENGTH-2000",
        2200,
    )
