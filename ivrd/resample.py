"""Band-limited resampling of mono signals: a polyphase Kaiser-windowed sinc bank in numpy."""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import numpy.typing as npt

PASSBAND_EDGE_RATIO = 0.8875  # of the lower Nyquist: 3.55 kHz at 8 kHz
STOPBAND_EDGE_RATIO = 1.0125  # 4.05 kHz: beyond it everything folds back and must be gone
STOPBAND_ATTENUATION_DB = 80.0
_CHUNK_ELEMENTS = 2_000_000

Samples = npt.NDArray[np.float64]


def _kaiser_beta(attenuation_db: float) -> float:
    if attenuation_db > 50:
        return float(0.1102 * (attenuation_db - 8.7))
    if attenuation_db >= 21:
        return float(0.5842 * (attenuation_db - 21) ** 0.4 + 0.07886 * (attenuation_db - 21))
    return 0.0


def design_bank(source_rate: int, target_rate: int) -> tuple[npt.NDArray[np.float64], int, int, int]:
    """Polyphase windowed-sinc bank for source→target: (bank[up, taps], up, down, half_taps).

    The low-pass is designed on the lower of the two rates' Nyquist, so the same code band-limits
    before decimation (no aliasing) and removes images after interpolation.
    """
    ratio = Fraction(target_rate, source_rate)
    up, down = ratio.numerator, ratio.denominator
    nyquist_hz = min(source_rate, target_rate) / 2
    pass_hz, stop_hz = nyquist_hz * PASSBAND_EDGE_RATIO, nyquist_hz * STOPBAND_EDGE_RATIO
    cutoff_hz = (pass_hz + stop_hz) / 2
    transition_hz = stop_hz - pass_hz
    taps_at_source = (STOPBAND_ATTENUATION_DB - 7.95) / (14.36 * transition_hz / source_rate)
    half_taps = max(4, math.ceil(taps_at_source / 2))
    beta = _kaiser_beta(STOPBAND_ATTENUATION_DB)
    # Output sample n sits at input position n*down/up = base + phase/up.
    phases = np.arange(up, dtype=np.float64)[:, None] / up
    offsets = np.arange(-half_taps + 1, half_taps + 1, dtype=np.float64)[None, :]
    distance = offsets - phases  # input index minus exact position, in input samples
    fc = cutoff_hz / source_rate  # cycles per input sample
    window_arg = np.clip(distance / (half_taps + 1), -1.0, 1.0)
    window = np.i0(beta * np.sqrt(1.0 - window_arg**2)) / np.i0(beta)
    bank = 2 * fc * np.sinc(2 * fc * distance) * window
    bank /= bank.sum(axis=1, keepdims=True)
    return bank, up, down, half_taps


def resample(samples: Samples, source_rate: int, target_rate: int) -> Samples:
    """Band-limited resampling of a mono signal; the output keeps the duration (len * target/source)."""
    if source_rate <= 0:
        raise ValueError("source_rate must be positive")
    if source_rate == target_rate:
        return samples.astype(np.float64, copy=True)
    bank, up, down, half_taps = design_bank(source_rate, target_rate)
    count_out = (len(samples) * up) // down
    padded = np.concatenate([np.zeros(half_taps), samples.astype(np.float64), np.zeros(half_taps + 1)])
    window = np.arange(-half_taps + 1, half_taps + 1)
    out = np.empty(count_out, dtype=np.float64)
    chunk = max(256, _CHUNK_ELEMENTS // len(window))
    for start in range(0, count_out, chunk):
        n = np.arange(start, min(count_out, start + chunk))
        base, phase = np.divmod(n * down, up)
        taps = padded[(base + half_taps)[:, None] + window[None, :]]
        out[start : start + len(n)] = np.einsum("ij,ij->i", taps, bank[phase])
    return out
