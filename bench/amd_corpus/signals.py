"""Signal building blocks for the AMD corpus: synthetic speech, tones, noise, music, phone line."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile

FloatAudio = np.ndarray


def have_tools(voices: list[str]) -> list[str]:
    """Names of the command-line tools these voices need that are missing."""
    tools = ["espeak-ng", "sox"] + (["flite"] if any(v.startswith("flite:") for v in voices) else [])
    return [tool for tool in tools if shutil.which(tool) is None]


class Speaker:
    """Renders text with espeak-ng (or flite) and resamples to the phone band with sox."""

    def __init__(self, rate_hz: int) -> None:
        self.rate_hz = rate_hz
        self._cache: dict[tuple[str, int, int, str], FloatAudio] = {}

    def say(self, voice: str, speed_wpm: int, pitch: int, text: str) -> FloatAudio:
        key = (voice, speed_wpm, pitch, text)
        if key not in self._cache:
            self._cache[key] = self._render(voice, speed_wpm, pitch, text)
        return self._cache[key]

    def _render(self, voice: str, speed_wpm: int, pitch: int, text: str) -> FloatAudio:
        if voice.startswith("flite:"):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "say.wav"
                subprocess.run(["flite", "-voice", voice[6:], "-t", text, "-o", str(out)], check=True)
                wav = out.read_bytes()
        else:
            wav = subprocess.run(
                ["espeak-ng", "-v", voice, "-s", str(speed_wpm), "-p", str(pitch), "--stdout", text],
                check=True,
                capture_output=True,
            ).stdout
        raw = subprocess.run(
            [
                "sox",
                "-D",  # no dither: the corpus must be bit-for-bit reproducible
                "-t",
                "wav",
                "-",
                "-r",
                str(self.rate_hz),
                "-t",
                "raw",
                "-e",
                "signed",
                "-b",
                "16",
                "-c",
                "1",
                "-",
                "sinc",
                "300-3400",
            ],
            input=wav,
            check=True,
            capture_output=True,
        ).stdout
        audio = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768.0
        return trim(audio)


def trim(audio: FloatAudio, threshold: float = 0.01) -> FloatAudio:
    loud = np.flatnonzero(np.abs(audio) > threshold)
    return audio[loud[0] : loud[-1] + 1] if loud.size else audio[:0]


def rms(audio: FloatAudio) -> float:
    return float(np.sqrt(np.mean(audio**2))) if audio.size else 0.0


def active_rms(audio: FloatAudio, rate_hz: int) -> float:
    """RMS over the louder half of 20 ms frames (speech level without its pauses)."""
    n = rate_hz // 50
    frames = audio[: audio.size // n * n].reshape(-1, n)
    if not frames.size:
        return 0.0
    levels = np.sqrt(np.mean(frames**2, axis=1))
    return float(np.sqrt(np.mean(np.sort(levels)[levels.size // 2 :] ** 2)))


def at_dbfs(audio: FloatAudio, dbfs: float, rate_hz: int) -> FloatAudio:
    level = active_rms(audio, rate_hz)
    return audio if level == 0 else audio * (10 ** (dbfs / 20) / level)


def silence(seconds: float, rate_hz: int) -> FloatAudio:
    return np.zeros(round(seconds * rate_hz))


def tone(hz: float, seconds: float, rate_hz: int, dbfs: float = -12.0, ramp_s: float = 0.005) -> FloatAudio:
    t = np.arange(round(seconds * rate_hz)) / rate_hz
    out = np.sin(2 * np.pi * hz * t) * 10 ** (dbfs / 20) * np.sqrt(2)
    ramp = min(int(ramp_s * rate_hz), out.size // 2)
    if ramp:
        env = np.linspace(0, 1, ramp)
        out[:ramp] *= env
        out[-ramp:] *= env[::-1]
    return out


def ced_tone(seconds: float, rate_hz: int, dbfs: float) -> FloatAudio:
    """2100 Hz answer tone with a phase reversal every 450 ms (V.25 / T.30 answering fax)."""
    t = np.arange(round(seconds * rate_hz)) / rate_hz
    phase = np.pi * (np.floor(t / 0.45) % 2)
    return np.sin(2 * np.pi * 2100 * t + phase) * 10 ** (dbfs / 20) * np.sqrt(2)


def band_limit(audio: FloatAudio, rate_hz: int, low_hz: float = 300.0, high_hz: float = 3400.0) -> FloatAudio:
    spectrum = np.fft.rfft(audio)
    freqs = np.fft.rfftfreq(audio.size, 1 / rate_hz)
    spectrum[(freqs < low_hz) | (freqs > high_hz)] = 0
    return np.fft.irfft(spectrum, n=audio.size)


def noise(kind: str, seconds: float, rate_hz: int, rng: np.random.Generator) -> FloatAudio:
    """Unit-RMS line noise: white hiss, pink, brown (car/road rumble) or mains hum."""
    n = round(seconds * rate_hz)
    if kind == "hum":
        t = np.arange(n) / rate_hz
        base = rng.choice([50.0, 60.0])
        out = sum(np.sin(2 * np.pi * base * k * t + rng.uniform(0, 6)) / k for k in (1, 3, 5, 7))
        out = np.asarray(out) + 0.05 * rng.standard_normal(n)
    else:
        white = rng.standard_normal(n)
        spectrum = np.fft.rfft(white)
        freqs = np.maximum(np.fft.rfftfreq(n, 1 / rate_hz), 20.0)
        slope = {"white": 0.0, "pink": 0.5, "brown": 1.0}[kind]
        out = np.fft.irfft(spectrum / freqs**slope, n=n)
        out = band_limit(out, rate_hz, 100.0, 3600.0)
    return out / (rms(out) or 1.0)


def music(seconds: float, rate_hz: int, rng: np.random.Generator, pure: bool = False) -> FloatAudio:
    """A chord progression under a melody; notes have harmonics unless ``pure``."""
    n = round(seconds * rate_hz)
    out = np.zeros(n)
    root = rng.choice([196.0, 220.0, 246.9, 261.6])
    chord_s = rng.uniform(0.8, 1.6)
    steps = [0, 5, 7, 3, 8, 10]
    pos = 0
    while pos < n:
        length = min(int(chord_s * rate_hz), n - pos)
        base = root * 2 ** (rng.choice(steps) / 12)
        for ratio in (1.0, 1.26, 1.5):
            out[pos : pos + length] += 0.3 * _note(base * ratio, length, rate_hz, pure, rng)
        pos += length
    pos = 0
    while pos < n:
        length = min(int(rng.uniform(0.15, 0.5) * rate_hz), n - pos)
        hz = root * 4 * 2 ** (rng.choice([0, 2, 4, 5, 7, 9, 11, 12]) / 12)
        out[pos : pos + length] += 0.6 * _note(hz, length, rate_hz, pure, rng)
        pos += length + (int(rng.uniform(0.0, 0.15) * rate_hz) if rng.random() < 0.4 else 0)
    return out / (rms(out) or 1.0)


def _note(hz: float, length: int, rate_hz: int, pure: bool, rng: np.random.Generator) -> FloatAudio:
    t = np.arange(length) / rate_hz
    partials = [1.0] if pure else [1.0, rng.uniform(0.3, 0.7), rng.uniform(0.15, 0.4), rng.uniform(0.05, 0.2)]
    out = sum(a * np.sin(2 * np.pi * hz * (k + 1) * t) for k, a in enumerate(partials) if hz * (k + 1) < 3800)
    decay = np.exp(-t * rng.uniform(0.5, 3.0))
    attack = np.minimum(1.0, t / 0.01)
    return np.asarray(out) * decay * attack


def phone_line(audio: FloatAudio) -> np.ndarray:
    """G.711 mu-law round trip and 16-bit clipping, as the recording would hold it."""
    x = np.clip(audio, -1.0, 1.0)
    mu = 255.0
    compressed = np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
    quantised = np.round(compressed * 127) / 127
    expanded = np.sign(quantised) * ((1 + mu) ** np.abs(quantised) - 1) / mu
    return np.clip(np.round(expanded * 32767), -32768, 32767).astype(np.int16)


def write_wav(path: Path, samples: np.ndarray, rate_hz: int) -> None:
    buffer = io.BytesIO()
    soundfile.write(buffer, samples, rate_hz, subtype="PCM_16", format="WAV")
    path.write_bytes(buffer.getvalue())


LABEL_HEADER = ["file", "label", "beep_end_ms", "kind", "detail", "turn_end_ms"]


def write_labels(out: Path, rows: list[list[object]]) -> None:
    """Writes out/labels.csv: a header (LABEL_HEADER) then one row per recording."""
    with (out / "labels.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(LABEL_HEADER)
        writer.writerows(rows)
