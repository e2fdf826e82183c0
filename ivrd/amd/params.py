"""Tuning parameters of the answering-machine detector, validated, with units in every name."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

SUPPORTED_RATES_HZ = (8000, 16000)
FRAME_MS = 20


@dataclass(frozen=True, slots=True)
class AmdParams:
    """app_amd's parameters (same defaults) plus the adaptive detector's own settings.

    The first nine fields are app_amd's tuning surface. The adaptive analyzer reads them as:
    ``initial_silence_ms`` — a first word later than this is not a prompt answer, so the quick
    human rule is off; ``greeting_ms`` — voiced speech beyond it makes a greeting "long" (a
    long greeting needs ``after_greeting_silence_ms`` of silence to be human, and more words than
    ``maximum_number_of_words`` in a long greeting mean a machine); ``silence_threshold`` —
    app_amd's mean |sample| threshold, of which a quarter is the quietest level taken as speech.
    """

    initial_silence_ms: int = 2500
    greeting_ms: int = 1500
    after_greeting_silence_ms: int = 800
    total_analysis_time_ms: int = 5000
    min_word_length_ms: int = 100
    between_words_silence_ms: int = 50
    maximum_number_of_words: int = 3
    silence_threshold: int = 256
    maximum_word_length_ms: int = 5000
    # adaptive detector
    short_greeting_ms: int = 500
    short_greeting_silence_ms: int = 400
    long_greeting_ms: int = 2600
    speech_margin_db: float = 9.0
    noise_window_ms: int = 2000
    # end of a machine's greeting (voicemail drop)
    end_silence_ms: int = 1600
    end_max_wait_ms: int = 20000
    # tones
    beep_min_ms: int = 150
    beep_max_ms: int = 5000
    beep_min_hz: float = 400.0
    beep_max_hz: float = 2500.0
    beep_confirm_ms: int = 160
    tone_dominance_min: float = 0.9
    fax_cng_min_ms: int = 400
    fax_ced_min_ms: int = 500

    def __post_init__(self) -> None:
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"amd parameter {field.name}: expected a number, got {value!r}")
            if value < 0:
                raise ValueError(f"amd parameter {field.name}: must not be negative, got {value}")
        _require(self.total_analysis_time_ms >= 200, "total_analysis_time_ms", "at least 200")
        _require(self.maximum_number_of_words >= 1, "maximum_number_of_words", "at least 1")
        _require(0 < self.tone_dominance_min <= 1, "tone_dominance_min", "in (0, 1]")
        _require(self.beep_min_hz < self.beep_max_hz, "beep_min_hz", "below beep_max_hz")
        _require(self.beep_max_hz <= 3800, "beep_max_hz", "at most 3800")
        _require(self.beep_min_ms >= 2 * FRAME_MS, "beep_min_ms", f"at least {2 * FRAME_MS}")
        _require(self.noise_window_ms >= 200, "noise_window_ms", "at least 200")

    @classmethod
    def from_mapping(cls, values: dict[str, object]) -> AmdParams:
        """Build from a config mapping; unknown names are an error naming them."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValueError(f"unknown amd parameter(s): {', '.join(unknown)}")
        return cls(**values)  # type: ignore[arg-type]


def _require(ok: bool, name: str, rule: str) -> None:
    if not ok:
        raise ValueError(f"amd parameter {name}: must be {rule}")
