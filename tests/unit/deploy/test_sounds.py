"""The shipped prompts: present at both rates, in the format FreeSWITCH plays directly, small."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from ivrd import sounds

MAX_FILE_BYTES = 200 * 1024
CASES = [(name, rate) for name in sounds.PROMPTS for rate in sounds.SAMPLE_RATES_HZ]


def _read(name: str, rate_hz: int) -> np.ndarray:
    samples, _ = soundfile.read(sounds.prompt_file(name, rate_hz, sounds.SOURCE_SOUNDS_ROOT), dtype="int16")
    return np.asarray(samples)


@pytest.mark.parametrize(("name", "rate_hz"), CASES)
def test_every_prompt_is_16_bit_mono_wav_at_its_rate_and_small(name: str, rate_hz: int) -> None:
    path = sounds.prompt_file(name, rate_hz, sounds.SOURCE_SOUNDS_ROOT)
    info = soundfile.info(str(path))
    assert (info.format, info.subtype) == ("WAV", "PCM_16")
    assert info.channels == 1
    assert info.samplerate == rate_hz
    assert path.stat().st_size <= MAX_FILE_BYTES


def test_no_stray_files_beside_the_listed_prompts() -> None:
    for rate_hz in sounds.SAMPLE_RATES_HZ:
        on_disk = {p.stem for p in (sounds.SOURCE_SOUNDS_ROOT / str(rate_hz)).glob("*.wav")}
        assert on_disk == set(sounds.PROMPTS)


@pytest.mark.parametrize("rate_hz", sounds.SAMPLE_RATES_HZ)
def test_beep_is_a_1000_hz_tone_of_250_ms(rate_hz: int) -> None:
    samples = _read(sounds.BEEP, rate_hz).astype(np.float64)
    assert len(samples) == rate_hz * sounds.BEEP_DURATION_MS // 1000
    spectrum = np.abs(np.fft.rfft(samples))
    peak_hz = np.argmax(spectrum) * rate_hz / len(samples)
    assert abs(peak_hz - sounds.BEEP_FREQUENCY_HZ) <= 8


@pytest.mark.parametrize("rate_hz", sounds.SAMPLE_RATES_HZ)
def test_silence_is_one_second_of_zeros(rate_hz: int) -> None:
    samples = _read(sounds.SILENCE_1S, rate_hz)
    assert len(samples) == rate_hz * sounds.SILENCE_DURATION_MS // 1000
    assert not samples.any()


@pytest.mark.parametrize(("name", "rate_hz"), [(n, r) for n, r in CASES if n in sounds.SPOKEN_PROMPTS])
def test_spoken_prompts_carry_speech_not_clipped(name: str, rate_hz: int) -> None:
    samples = _read(name, rate_hz).astype(np.float64)
    assert 0.5 <= len(samples) / rate_hz <= 8.0
    rms = np.sqrt(np.mean(samples**2))
    assert rms > 1000  # audible: normalised to -3 dBFS peak
    assert np.max(np.abs(samples)) < 32767  # no clipping


def test_playback_path_leaves_the_rate_choice_to_freeswitch() -> None:
    path = sounds.playback_path(sounds.GOODBYE, sounds.INSTALLED_SOUNDS_ROOT)
    assert str(path) == "/usr/share/ivrd/sounds/goodbye.wav"
    # FreeSWITCH looks for <dir>/<rate>/<file>: the layout must match prompt_file's.
    for rate_hz in sounds.SAMPLE_RATES_HZ:
        assert sounds.prompt_file(sounds.GOODBYE, rate_hz) == path.parent / str(rate_hz) / path.name


@pytest.mark.parametrize(("channel_rate_hz", "expected"), [(8000, 8000), (12000, 8000), (16000, 16000),
                                                            (48000, 16000), (4000, 8000)])
def test_shipped_rate_for_a_channel(channel_rate_hz: int, expected: int) -> None:
    assert sounds.shipped_rate_hz(channel_rate_hz) == expected


def test_unknown_prompt_or_rate_is_named_in_the_error() -> None:
    with pytest.raises(ValueError, match="prompt: unknown prompt 'hello'"):
        sounds.prompt_file("hello", 8000)
    with pytest.raises(ValueError, match="rate_hz"):
        sounds.prompt_file(sounds.BEEP, 44100)
    with pytest.raises(ValueError, match="channel_rate_hz"):
        sounds.shipped_rate_hz(0)
