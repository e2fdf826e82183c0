"""Audio for the simulator: prompt durations, the far end's voice as a timeline, synthetic greetings."""

from __future__ import annotations

import functools
import re
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile

RATE_HZ = 8000
FOREVER_MS = -1
SPEAK_MS_PER_CHAR = 70
DEFAULT_TONE_MS = 1000

Pcm = npt.NDArray[np.int16]


def silence(samples: int) -> Pcm:
    return np.zeros(max(samples, 0), dtype=np.int16)


def resolve(path_text: str, media_root: Path, sound_prefix: str | None = None) -> Path:
    path = Path(path_text)
    if path.is_absolute():
        return path
    return Path(sound_prefix) / path if sound_prefix else media_root / path


# mod_sndfile's rate folders, tried highest first after the channel's own rate.
SOUND_RATES_HZ = (48000, 32000, 16000, 8000)
# Extensions another format module reads (no rate folders there).
_NOT_SNDFILE = frozenset({".mp3", ".mp4", ".m4a", ".opus"})


def find_sound_file(path: Path, rate_hz: int = RATE_HZ) -> Path | None:
    """The file a playback of `path` reads, as mod_sndfile opens it: `<dir>/<channel rate>/<name>`,
    then `<dir>/<48000|32000|16000|8000>/<name>`, then the path itself; None if none exists."""
    if path.suffix.lower() not in _NOT_SNDFILE:
        for rate in (rate_hz, *SOUND_RATES_HZ):
            candidate = path.parent / str(rate) / path.name
            if candidate.is_file():
                return candidate
    return path if path.is_file() else None


def wav_duration_ms(path: Path) -> int | None:
    """Length of a sound file from its header; None if it does not exist or is unreadable."""
    try:
        info = soundfile.info(str(path))
    except (RuntimeError, OSError, soundfile.LibsndfileError):
        return _wave_duration_ms(path)
    return int(info.frames * 1000 / info.samplerate) if info.samplerate else None


def _wave_duration_ms(path: Path) -> int | None:
    try:
        with wave.open(str(path), "rb") as handle:
            return int(handle.getnframes() * 1000 / handle.getframerate())
    except (OSError, wave.Error, EOFError):
        return None


def tone_stream_ms(spec: str) -> int:
    """Duration of a TGML tone: sum of %(on,off,...) segments times L=<loops>; a fixed 1 s otherwise."""
    loops = 1
    loop_match = re.search(r"L=(-?\d+)", spec)
    if loop_match:
        loops = int(loop_match.group(1))
        if loops < 0:
            return FOREVER_MS
    segments = re.findall(r"%\((\d+),(\d+)", spec)
    if not segments:
        return DEFAULT_TONE_MS * max(loops, 1)
    one_pass = sum(int(on) + int(off) for on, off in segments)
    return one_pass * max(loops, 1)


def speak_ms(text: str) -> int:
    return max(len(text), 1) * SPEAK_MS_PER_CHAR


def playback_ms(path_text: str, media_root: Path, sound_prefix: str | None = None,
                rate_hz: int = RATE_HZ) -> int | None:
    """How long a playback path lasts: None = file not found, FOREVER_MS = until interrupted."""
    if path_text.startswith("silence_stream://"):
        ms_text = path_text[len("silence_stream://"):].split(",")[0]
        try:
            ms = int(ms_text)
        except ValueError:
            return None
        return FOREVER_MS if ms < 0 else ms
    if path_text.startswith("tone_stream://"):
        return tone_stream_ms(path_text[len("tone_stream://"):])
    if path_text.startswith("file_string://"):
        total = 0
        for part in path_text[len("file_string://"):].split("!"):
            part_ms = playback_ms(part, media_root, sound_prefix, rate_hz)
            if part_ms is None:
                return None
            if part_ms == FOREVER_MS:
                return FOREVER_MS
            total += part_ms
        return total
    if path_text.startswith(("tts://", "say:")):
        return speak_ms(path_text.rsplit("|", 1)[-1])
    if path_text.startswith("local_stream://"):
        return FOREVER_MS
    found = find_sound_file(resolve(path_text, media_root, sound_prefix), rate_hz)
    return None if found is None else wav_duration_ms(found)


# ----- the far end's voice
def _voiced(duration_ms: int, seed: int, amplitude: int = 4000) -> Pcm:
    rng = np.random.default_rng(seed)
    count = duration_ms * RATE_HZ // 1000
    t = np.arange(count) / RATE_HZ
    harmonics = np.sin(2 * np.pi * 180 * t) + 0.5 * np.sin(2 * np.pi * 360 * t)
    carrier = harmonics + 0.3 * rng.standard_normal(count)
    envelope = np.minimum(1.0, np.minimum(t, t[::-1]) * 40)
    pcm: Pcm = (carrier * envelope * amplitude / 1.8).astype(np.int16)
    return pcm


def _tone(freq_hz: float, duration_ms: int, amplitude: int = 8000) -> Pcm:
    t = np.arange(duration_ms * RATE_HZ // 1000) / RATE_HZ
    return (np.sin(2 * np.pi * freq_hz * t) * amplitude).astype(np.int16)


def synthetic(kind: str) -> Pcm:
    """`synth:human` (one short "hello"), `synth:machine` (long greeting then a beep), `synth:fax` (CNG)."""
    if kind == "human":
        return _voiced(600, 1)
    if kind in ("machine", "voicemail"):
        words = [np.concatenate([_voiced(450, 10 + i), silence(120 * RATE_HZ // 1000)]) for i in range(8)]
        return np.concatenate([*words, silence(RATE_HZ // 2), _tone(1000, 400)])
    if kind == "fax":
        cycle = np.concatenate([_tone(1100, 500), silence(3 * RATE_HZ)])
        return np.tile(cycle, 10)
    if kind == "silence":
        return silence(0)
    raise ValueError(f"unknown synthetic audio {kind!r} (use synth:human, synth:machine or synth:fax)")


def load_pcm(path: str | Path) -> Pcm:
    """A sound file (or `synth:<kind>`) as 8 kHz mono int16 (cached; callers must not modify it)."""
    return _load_pcm_cached(str(path))


@functools.lru_cache(maxsize=64)
def _load_pcm_cached(text: str) -> Pcm:
    if "synth:" in text:
        return synthetic(text.split("synth:", 1)[1])
    data, rate = soundfile.read(text, dtype="int16", always_2d=True)
    mono: Pcm = data.mean(axis=1).astype(np.int16) if data.shape[1] > 1 else data[:, 0].astype(np.int16)
    if rate != RATE_HZ and len(mono):
        positions = np.arange(0, len(mono), rate / RATE_HZ)
        mono = np.interp(positions, np.arange(len(mono)), mono).astype(np.int16)
    return mono


class AudioTimeline:
    """What the far end sends, sample by sample from answer: placed clips, silence elsewhere."""

    def __init__(self) -> None:
        self.clips: list[tuple[int, Pcm]] = []
        self.end_sample = 0

    def place(self, at_sample: int, clip: Pcm) -> None:
        if len(clip):
            self.clips.append((at_sample, clip))
            self.end_sample = max(self.end_sample, at_sample + len(clip))

    def is_silent(self, start: int, count: int) -> bool:
        """Whether no clip overlaps [start, start + count)."""
        if start >= self.end_sample:
            return True
        end = start + count
        return all(offset >= end or offset + len(clip) <= start for offset, clip in self.clips)

    def read(self, start: int, count: int) -> Pcm:
        out = silence(count)
        for offset, clip in self.clips:
            lo, hi = max(start, offset), min(start + count, offset + len(clip))
            if lo < hi:
                out[lo - start : hi - start] = clip[lo - offset : hi - offset]
        return out


def write_wav(path: Path, samples: Pcm, rate_hz: int = RATE_HZ) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(rate_hz)
        handle.writeframes(upsample(samples, rate_hz).tobytes())


def upsample(samples: Pcm, rate_hz: int) -> Pcm:
    """8 kHz samples at another rate (sample repetition for multiples, interpolation otherwise)."""
    out: Pcm
    if rate_hz == RATE_HZ or not len(samples):
        out = samples.astype("<i2")
    elif rate_hz % RATE_HZ == 0:
        out = np.repeat(samples, rate_hz // RATE_HZ).astype("<i2")
    else:
        positions = np.arange(0, len(samples), RATE_HZ / rate_hz)
        out = np.interp(positions, np.arange(len(samples)), samples).astype("<i2")
    return out
