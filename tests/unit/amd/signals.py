"""Synthetic test signals for the AMD tests: speech-like babble, tones, silence, noise."""

from __future__ import annotations

import numpy as np

RATE = 8000


def silence(seconds: float, rate: int = RATE) -> np.ndarray:
    return np.zeros(round(seconds * rate))


def noise(seconds: float, dbfs: float, seed: int = 0, rate: int = RATE) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(round(seconds * rate)) * 32768 * 10 ** (dbfs / 20)


def tone(hz: float, seconds: float, dbfs: float = -12.0, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return np.sin(2 * np.pi * hz * t) * 32768 * 10 ** (dbfs / 20) * np.sqrt(2)


def vowel(
    seconds: float, f0_hz: float = 150.0, dbfs: float = -18.0, rate: int = RATE, vibrato_hz: float = 0.0
) -> np.ndarray:
    """A held voiced sound: harmonics of f0 shaped by two formants, optional slow pitch wobble."""
    t = np.arange(round(seconds * rate)) / rate
    f0 = f0_hz * (1 + 0.03 * np.sin(2 * np.pi * vibrato_hz * t)) if vibrato_hz else np.full(t.size, f0_hz)
    phase = 2 * np.pi * np.cumsum(f0) / rate
    out = np.zeros(t.size)
    for k in range(1, int(3600 / f0_hz)):
        hz = k * f0_hz
        gain = np.exp(-(((hz - 700) / 250) ** 2)) + 0.6 * np.exp(-(((hz - 1200) / 300) ** 2)) + 0.05
        out += gain / k**0.5 * np.sin(k * phase)
    return out / np.sqrt(np.mean(out**2)) * 32768 * 10 ** (dbfs / 20)


def speech(seconds: float, seed: int = 0, dbfs: float = -18.0, rate: int = RATE) -> np.ndarray:
    """Syllables of 120-300 ms with moving pitch and formants, 40-180 ms gaps, some hiss."""
    rng = np.random.default_rng(seed)
    parts: list[np.ndarray] = []
    total = 0
    while total < seconds * rate:
        syllable = vowel(
            rng.uniform(0.12, 0.3),
            rng.uniform(100, 220),
            dbfs + rng.uniform(-6, 3),
            rate,
            vibrato_hz=rng.uniform(3, 7),
        )
        envelope = np.sin(np.linspace(0, np.pi, syllable.size)) ** 0.5
        hiss = rng.standard_normal(syllable.size) * 32768 * 10 ** ((dbfs - 20) / 20)
        parts += [syllable * envelope + hiss, silence(rng.uniform(0.04, 0.18), rate)]
        total += parts[-2].size + parts[-1].size
    return np.concatenate(parts)[: round(seconds * rate)]


def pcm(*parts: np.ndarray, floor_dbfs: float = -70.0, seed: int = 1, rate: int = RATE) -> np.ndarray:
    """Concatenates parts over a faint line noise and converts to int16."""
    audio = np.concatenate(parts)
    audio = audio + noise(audio.size / rate + 0.01, floor_dbfs, seed, rate)[: audio.size]
    return np.clip(np.round(audio), -32768, 32767).astype(np.int16)
