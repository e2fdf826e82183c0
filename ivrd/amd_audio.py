"""Recordings for `ivrd amd`: any file soundfile decodes, or raw 16-bit, as int16 at 8 or 16 kHz."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

from ivrd.resample import resample

RAW_RATES_HZ = {".r8": 8000, ".r16": 16000}
ANALYSIS_RATES_HZ = (8000, 16000)
OTHER_RATES_TO_HZ = 8000  # other rates are resampled to the telephone band the calls have


class AmdInputError(Exception):
    """A file or label row that cannot be used; the message names it."""


def read_audio(
    path: Path, rate_hz: int | None = None, channel: int | None = None
) -> tuple[npt.NDArray[np.int16], int]:
    """Samples and rate of a recording.

    Raw `.r8`/`.r16`/`.raw` files are signed 16-bit little-endian mono (`rate_hz` for `.raw`).
    Anything else is decoded by libsndfile (WAV of any sample format, incl. mu-law and A-law,
    FLAC, OGG...): one channel (`channel`, 1-based, needed when there are several), at 8 or
    16 kHz as recorded, other rates resampled to 8 kHz.
    """
    suffix = path.suffix.lower()
    try:
        if suffix in RAW_RATES_HZ or suffix == ".raw":
            return _read_raw(path, rate_hz or RAW_RATES_HZ.get(suffix))
        info = soundfile.info(str(path))
        column = _channel_index(path, info.channels, channel)
        if info.channels == 1 and info.subtype == "PCM_16" and info.samplerate in ANALYSIS_RATES_HZ:
            samples, rate = soundfile.read(str(path), dtype="int16")
            return np.asarray(samples, dtype=np.int16), int(rate)
        data, rate = soundfile.read(str(path), dtype="float64", always_2d=True)
        return _to_pcm(data[:, column], int(rate))
    except (OSError, RuntimeError, soundfile.LibsndfileError) as exc:
        raise AmdInputError(f"{path}: cannot read audio ({exc})") from exc


def _read_raw(path: Path, rate_hz: int | None) -> tuple[npt.NDArray[np.int16], int]:
    if rate_hz is None:
        raise AmdInputError(f"{path}: raw audio needs --rate 8000 or 16000")
    data = path.read_bytes()
    return np.frombuffer(data[: len(data) // 2 * 2], dtype="<i2").astype(np.int16), rate_hz


def _channel_index(path: Path, channels: int, channel: int | None) -> int:
    """Column of the callee's channel; `channel` only matters for files with several."""
    if channels == 1:
        return 0
    if channel is None:
        raise AmdInputError(f"{path}: {channels} channels: choose the callee's with --channel 1..{channels}")
    if not 1 <= channel <= channels:
        raise AmdInputError(f"{path}: --channel {channel}: the file has {channels} channel(s)")
    return channel - 1


def _to_pcm(samples: npt.NDArray[np.float64], rate_hz: int) -> tuple[npt.NDArray[np.int16], int]:
    """Full-scale floats to int16, resampled to 8 kHz unless already at a rate the analyzer takes."""
    if rate_hz not in ANALYSIS_RATES_HZ:
        samples, rate_hz = resample(samples, rate_hz, OTHER_RATES_TO_HZ), OTHER_RATES_TO_HZ
    pcm = np.clip(np.round(np.nan_to_num(samples) * 32768.0), -32768, 32767).astype(np.int16)
    return pcm, rate_hz
