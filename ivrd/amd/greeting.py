"""Counts words, voiced time and silences of a greeting and applies the detection rules."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ivrd.amd.params import FRAME_MS, AmdParams
from ivrd.amd.result import AmdResult

BLIP_MAX_MS = 40


@dataclass(frozen=True, slots=True)
class Verdict:
    result: AmdResult
    cause: str


class GreetingTracker:
    """Per-frame counters of the answer's cadence.

    A word is at least min_word_length_ms of activity with gaps shorter than
    between_words_silence_ms. Activity of at most 40 ms (a click, a burst of line noise) does not
    interrupt a silence: it is counted as part of it.
    """

    def __init__(self, params: AmdParams) -> None:
        self.params = params
        self.elapsed_ms = 0
        self.voiced_ms = 0  # active time in the greeting: speech and short tones (held vowels)
        self.speech_ms = 0  # speech only
        self.speech_level_sum_db = 0.0  # the levels of the speech frames, summed
        self.speech_power_sum = 0.0  # their powers (full scale 1), summed
        self.run_ms = 0  # activity since the last between-words silence
        self.gap_ms = 0  # silence since the last active frame
        self.silence_ms = 0  # silence since the last word, short blips included
        self.words = 0
        self.in_word = False
        self.first_word_ms: int | None = None

    def update(self, active: bool, speech: bool, level_db: float = 0.0) -> None:
        self.elapsed_ms += FRAME_MS
        if speech:
            self.speech_level_sum_db += level_db
            self.speech_power_sum += 10.0 ** (level_db / 10.0)
        if active:
            self._on_active(speech)
        else:
            self._on_silent()

    def _on_active(self, speech: bool) -> None:
        self.run_ms += FRAME_MS
        self.voiced_ms += FRAME_MS
        if speech:
            self.speech_ms += FRAME_MS
        if self.run_ms > BLIP_MAX_MS:
            self.silence_ms = 0
        if self.run_ms >= self.params.min_word_length_ms and not self.in_word:
            self.words += 1
            self.in_word = True
            if self.first_word_ms is None:
                self.first_word_ms = self.elapsed_ms - self.run_ms
        self.gap_ms = 0

    def _on_silent(self) -> None:
        self.gap_ms += FRAME_MS
        self.silence_ms += FRAME_MS
        if self.gap_ms >= self.params.between_words_silence_ms and self.run_ms:
            if self.run_ms <= BLIP_MAX_MS:
                self.silence_ms += self.run_ms  # a click or noise burst inside a silence
            self.run_ms = 0
            self.in_word = False

    def speech_level_db(self, since_ms: int = 0, since_sum_db: float = 0.0) -> float | None:
        """Mean level of the speech frames (after a snapshot of speech_ms and the sum), if any."""
        frames = (self.speech_ms - since_ms) // FRAME_MS
        return (self.speech_level_sum_db - since_sum_db) / frames if frames > 0 else None

    def active_level_db(self) -> float | None:
        """The callee's active speech level: the power mean of the speech frames, as a level meter
        reads it (the loud syllables set it; quieter sounds counted as speech barely move it)."""
        frames = self.speech_ms // FRAME_MS
        if frames <= 0 or self.speech_power_sum <= 0.0:
            return None
        return 10.0 * math.log10(self.speech_power_sum / frames)

    @property
    def in_greeting(self) -> bool:
        return self.first_word_ms is not None

    def human_silence_ms(self) -> int:
        """Silence that ends a human's greeting: grows with the greeting's voiced length.

        Up to short_greeting_ms of voice after a prompt start it is short_greeting_silence_ms;
        from greeting_ms on it is after_greeting_silence_ms; linear in between.
        """
        params = self.params
        prompt = self.first_word_ms is not None and self.first_word_ms <= params.initial_silence_ms
        short, long = params.short_greeting_silence_ms, params.after_greeting_silence_ms
        if not prompt or self.voiced_ms >= params.greeting_ms:
            return long
        if self.voiced_ms <= params.short_greeting_ms:
            return short
        span_ms = max(1, params.greeting_ms - params.short_greeting_ms)
        share = (self.voiced_ms - params.short_greeting_ms) / span_ms
        return round(short + share * (long - short))

    def verdict(self) -> Verdict | None:
        """The detection rules, checked after each frame."""
        params = self.params
        if self.in_greeting and not self.in_word:
            needed = self.human_silence_ms()
            if self.silence_ms >= needed:
                return Verdict(AmdResult.HUMAN, f"HUMAN-{self.silence_ms}-{needed}")
        if self.run_ms >= params.maximum_word_length_ms:
            return Verdict(AmdResult.MACHINE_START, f"MAXWORDLENGTH-{self.run_ms}")
        if self.voiced_ms >= params.long_greeting_ms:
            return Verdict(
                AmdResult.MACHINE_START, f"LONGGREETING-{self.voiced_ms}-{params.long_greeting_ms}"
            )
        if self.words > 2 * params.maximum_number_of_words and self.voiced_ms >= params.greeting_ms:
            return Verdict(AmdResult.MACHINE_START, f"MAXWORDS-{self.words}-{params.maximum_number_of_words}")
        if self.elapsed_ms >= params.total_analysis_time_ms:
            return self._timeout()
        return None

    def _timeout(self) -> Verdict:
        params = self.params
        if not self.in_greeting:
            return Verdict(AmdResult.UNKNOWN, f"INITIALSILENCE-{self.elapsed_ms}-{params.initial_silence_ms}")
        if self.voiced_ms >= params.greeting_ms:
            return Verdict(AmdResult.MACHINE_START, f"LONGGREETING-{self.voiced_ms}-{params.greeting_ms}")
        return Verdict(AmdResult.UNKNOWN, f"TOOLONG-{self.elapsed_ms}")
