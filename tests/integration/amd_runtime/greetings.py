"""Callee greetings with known timings (speech-like babble, beeps, fax calling tones) written as WAV files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from tests.unit.amd.signals import RATE, pcm, silence, speech, tone


@dataclass(frozen=True)
class Greeting:
    """What the callee says after answer; times in ms after answer (None when it has no such part)."""

    kind: str
    samples: np.ndarray
    speech_end_ms: int | None = None
    beep_end_ms: int | None = None

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{self.kind}.wav"
        soundfile.write(str(path), self.samples, RATE, subtype="PCM_16")
        return path


def greetings() -> dict[str, Greeting]:
    """A person's "hello?", voicemail greetings with and without a beep, a short one taken for a
    person until its beep, one whose beep comes after a long pause, dead air and a fax machine."""
    return {
        "human": Greeting("human", pcm(silence(0.3), speech(0.5, seed=2), silence(6.0)), speech_end_ms=800),
        "beep": Greeting("beep", pcm(silence(0.2), speech(3.5, seed=4), silence(0.4), tone(1000, 0.5),
                                     silence(6.0)), speech_end_ms=3700, beep_end_ms=4600),
        "nobeep": Greeting("nobeep", pcm(silence(0.2), speech(3.5, seed=5), silence(8.0)),
                           speech_end_ms=3700),
        # "Please leave a message." and a pause long enough to pass for a person, then the beep
        "short": Greeting("short", pcm(silence(0.3), speech(0.6, seed=7), silence(0.9), tone(1000, 0.5),
                                       silence(6.0)), speech_end_ms=900, beep_end_ms=2300),
        # a greeting, a pause long enough to end it by silence, then the beep after all
        "late": Greeting("late", pcm(silence(0.2), speech(3.5, seed=4), silence(2.0), tone(1000, 0.5),
                                     silence(6.0)), speech_end_ms=3700, beep_end_ms=6200),
        "dead": Greeting("dead", pcm(silence(9.0))),
        "fax": Greeting("fax", pcm(*([tone(1100, 0.5), silence(3.0)] * 3))),
    }
