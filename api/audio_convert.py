"""Audio upload conversion: decode, mix to mono, band-limited resampling to 8 kHz, 16-bit WAV."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import soundfile

from ivrd.resample import Samples, resample

TARGET_RATE_HZ = 8000
MAX_DURATION_S = 3600
_READ_BLOCK_FRAMES = 65536


class NotAudio(ValueError):
    """The upload cannot be decoded as audio; the message is shown to the client."""


@dataclass(frozen=True)
class Converted:
    duration_ms: int
    sample_rate: int
    source_rate: int
    source_channels: int


def _read_mono(source: Path) -> tuple[Samples, int, int]:
    try:
        info = soundfile.info(str(source))
    except (RuntimeError, soundfile.LibsndfileError, TypeError, ValueError) as exc:
        raise NotAudio("The file is not a supported audio file (WAV, FLAC, OGG, MP3 ...).") from exc
    if info.samplerate <= 0 or info.channels <= 0 or info.frames <= 0:
        raise NotAudio("The audio file is empty.")
    if info.frames > MAX_DURATION_S * info.samplerate:
        raise NotAudio(f"The audio file is longer than {MAX_DURATION_S} seconds.")
    parts: list[npt.NDArray[Any]] = []
    try:
        for block in soundfile.blocks(
            str(source), blocksize=_READ_BLOCK_FRAMES, dtype="float32", always_2d=True
        ):
            parts.append(block.mean(axis=1))
    except (RuntimeError, soundfile.LibsndfileError, ValueError) as exc:
        raise NotAudio("The audio file is damaged.") from exc
    if not parts:
        raise NotAudio("The audio file is empty.")
    mono = np.concatenate(parts).astype(np.float64)
    return np.nan_to_num(mono, nan=0.0, posinf=1.0, neginf=-1.0), int(info.samplerate), int(info.channels)


def convert_to_wav8k(source: Path, target: Path) -> Converted:
    """Decode `source`, write 16-bit mono 8 kHz WAV to `target`; NotAudio when it is not audio."""
    mono, rate, channels = _read_mono(source)
    out = resample(mono, rate, TARGET_RATE_HZ)
    pcm = np.clip(np.round(out * 32767.0), -32768, 32767).astype(np.int16)
    soundfile.write(str(target), pcm, TARGET_RATE_HZ, subtype="PCM_16", format="WAV")
    duration_ms = round(len(mono) * 1000 / rate)
    return Converted(
        duration_ms=duration_ms, sample_rate=TARGET_RATE_HZ, source_rate=rate, source_channels=channels
    )
