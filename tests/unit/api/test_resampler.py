"""The anti-aliasing resampler: in-band tones survive, out-of-band tones are removed, duration kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from api.audio_convert import NotAudio, convert_to_wav8k
from ivrd.resample import resample


def tone(rate_hz: int, freq_hz: float, seconds: float = 1.0) -> np.ndarray:
    return 0.5 * np.sin(2 * np.pi * freq_hz * np.arange(int(rate_hz * seconds)) / rate_hz)


def level_db(signal: np.ndarray) -> float:
    middle = signal[800:-800]
    rms = np.sqrt(np.mean(middle**2)) / (0.5 / np.sqrt(2))
    return float(20 * np.log10(rms + 1e-15))


@pytest.mark.parametrize("rate_hz", [16000, 44100, 48000])
def test_in_band_tone_survives(rate_hz: int) -> None:
    out = resample(tone(rate_hz, 3500), rate_hz, 8000)
    assert len(out) == 8000
    assert level_db(out) > -1.0
    spectrum = np.abs(np.fft.rfft(out[800:-800] * np.hanning(len(out) - 1600)))
    peak_hz = np.argmax(spectrum) * 8000 / (len(out) - 1600)
    assert abs(peak_hz - 3500) < 10


@pytest.mark.parametrize("rate_hz", [16000, 44100, 48000])
def test_6_khz_tone_is_attenuated_at_least_40_db(rate_hz: int) -> None:
    assert level_db(resample(tone(rate_hz, 6000), rate_hz, 8000)) < -40.0


def test_upsampling_and_identity() -> None:
    assert level_db(resample(tone(4000, 1000), 4000, 8000)) > -1.0
    same = tone(8000, 1000)
    assert np.array_equal(resample(same, 8000, 8000), same)


def test_convert_writes_8k_mono_pcm16_and_keeps_duration(tmp_path: Path) -> None:
    source = tmp_path / "in.wav"
    stereo = np.stack([tone(44100, 440, 2.0), tone(44100, 440, 2.0)], axis=1)
    soundfile.write(str(source), stereo, 44100)
    result = convert_to_wav8k(source, tmp_path / "out.wav")
    info = soundfile.info(str(tmp_path / "out.wav"))
    assert (info.samplerate, info.channels, info.subtype) == (8000, 1, "PCM_16")
    assert result.duration_ms == 2000 and abs(info.frames - 16000) <= 1


def test_not_audio(tmp_path: Path) -> None:
    source = tmp_path / "x.wav"
    source.write_bytes(b"RIFF....garbage")
    with pytest.raises(NotAudio):
        convert_to_wav8k(source, tmp_path / "out.wav")
