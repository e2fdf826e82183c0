"""Tuning parameters of the answering-machine detector, validated, with units in every name."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

SUPPORTED_RATES_HZ = (8000, 16000)
FRAME_MS = 20


@dataclass(frozen=True, slots=True)
class AmdParams:
    """app_amd's parameters (same names with units, same defaults) plus the analyzer's own.

    How the analyzer reads app_amd's nine:

    - ``initial_silence_ms``: a first word later than this is no prompt answer, so the quick
      human rule (``short_greeting_silence_ms``) is off. Dead air alone is *not* a machine: it
      is ``unknown`` once ``total_analysis_time_ms`` is reached.
    - ``greeting_ms``: from this much voice on, a greeting needs ``after_greeting_silence_ms``
      of silence to end as a person's; more than twice ``maximum_number_of_words`` words in such
      a greeting make a machine (MAXWORDS).
    - ``after_greeting_silence_ms``: silence that ends a person's greeting of ``greeting_ms``
      or more voice; shorter greetings need less (down to ``short_greeting_silence_ms``).
    - ``total_analysis_time_ms``: no decision by then gives ``unknown`` (no speech:
      INITIALSILENCE, else TOOLONG), or ``machine_start`` if ``greeting_ms`` of voice was heard.
    - ``min_word_length_ms``, ``between_words_silence_ms``: what a word is (activity of at least
      the first, gaps shorter than the second).
    - ``maximum_word_length_ms``: one word this long is a machine (MAXWORDLENGTH).
    - ``silence_threshold``: app_amd's mean |sample| threshold; an eighth of it is the quietest
      level ever taken as speech (the adaptive noise floor decides above that).

    The analyzer's own: ``short_greeting_ms`` / ``short_greeting_silence_ms``: a greeting of at
    most this much voice (a "Hello?") ends as a person's after this much silence;
    ``long_greeting_ms``: this much voice is a machine (LONGGREETING); ``speech_margin_db``: how
    far over the noise floor speech must be (more on fluctuating backgrounds);
    ``callee_margin_db``: speech more than this much quieter than the callee's so far is
    background talk and does not keep the greeting going (0: off);
    ``noise_window_ms``: how far back the floor looks; ``human_watch_ms``: how long the analyzer
    listens on after a ``human`` verdict for a beep or a greeting that goes on (0: not at all);
    ``watch_resume_ms``: speech starting again this soon after the verdict continues the greeting
    and is judged by the detection rules; ``watch_echo_margin_db``: such speech or
    beep must be at most this much quieter than the callee's greeting (echo of the survey's own
    prompts is quieter); ``end_silence_ms``: silence after a machine's greeting that ends it
    without a beep; ``end_max_wait_ms``: audio after which the end of greeting is given up
    (``machine_end_other``); ``late_beep_ms``: how long a beep is still listened for after
    ``machine_end_silence`` (the message then starts over); ``beep_*``: length, pitch range and
    the quiet needed after a tone for it to be a beep (the drop comes ``beep_confirm_ms`` plus
    one frame after the tone stops); ``tone_dominance_min``: share of band energy in one
    spectral peak for a frame to be tonal; ``fax_cng_min_ms`` / ``fax_ced_min_ms``: how long an
    1100 Hz or 2100 Hz tone must last, before any speech, to be a fax.
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
    short_greeting_ms: int = 800
    short_greeting_silence_ms: int = 250
    long_greeting_ms: int = 2600
    speech_margin_db: float = 9.0
    callee_margin_db: float = 10.0
    noise_window_ms: int = 2000
    # after a human verdict
    human_watch_ms: int = 3000
    watch_resume_ms: int = 600
    watch_echo_margin_db: float = 15.0
    # end of a machine's greeting (voicemail drop)
    end_silence_ms: int = 1600
    end_max_wait_ms: int = 20000
    late_beep_ms: int = 3000
    # tones
    beep_min_ms: int = 150
    beep_max_ms: int = 5000
    beep_min_hz: float = 400.0
    beep_max_hz: float = 2500.0
    beep_confirm_ms: int = 160
    tone_dominance_min: float = 0.8
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
