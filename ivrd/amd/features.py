"""Per-frame features, vectorised over each frame's samples: level, spectral flatness, tone peak."""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from ivrd.amd.params import FRAME_MS

FULL_SCALE_DB = 20.0 * math.log10(32768.0)
LEVEL_FLOOR_DB = -100.0
SPECTRAL_MIN_DB = -60.0  # quieter frames are neither speech nor tone: no spectrum needed
BAND_LOW_HZ = 200.0
BAND_HIGH_HZ = 3800.0
PEAK_HALF_WIDTH_BINS = 2
QUIET_FLATNESS = 1.0

Samples = npt.NDArray[np.float32]
Spectrum = npt.NDArray[np.float64]


class FrameFeatures(NamedTuple):
    """Features of one 20 ms frame.

    ``level_db`` is the frame's RMS in dBFS; ``flatness`` the spectral flatness (0 tonal .. 1
    white) in 200-3800 Hz; ``peak_hz`` the interpolated strongest frequency and ``dominance``
    the share of band energy within 2 bins of it, both over a 40 ms Hann window ending with the
    frame (25 Hz bins at either rate); ``crest_db`` the peak-to-RMS ratio of the frame (about
    9-12 dB for speech, over 18 dB for a click). Frames quieter than -60 dBFS get no spectrum
    (flatness 1, dominance 0, crest 0).
    """

    level_db: float
    flatness: float
    peak_hz: float
    dominance: float
    crest_db: float


class FeatureExtractor:
    """Computes FrameFeatures frame by frame, keeping the previous frame for the 40 ms window.

    Each frame's features depend only on it and the frame before, so any chunking of the
    stream gives the same features.
    """

    def __init__(self, sample_rate_hz: int) -> None:
        self.frame_samples = sample_rate_hz * FRAME_MS // 1000
        window_samples = 2 * self.frame_samples
        self._window = np.hanning(window_samples).astype(np.float32)
        self._bin_hz = sample_rate_hz / window_samples
        self._band_lo = math.ceil(BAND_LOW_HZ / self._bin_hz)
        self._band_hi = math.floor(BAND_HIGH_HZ / self._bin_hz) + 1
        self._previous: Samples = np.zeros(self.frame_samples, dtype=np.float32)

    def extract(self, frame: Samples) -> FrameFeatures:
        """``frame``: frame_samples float32 sample values."""
        mean = float(frame.sum()) / self.frame_samples  # a DC offset is not sound
        power = max(0.0, float(np.dot(frame, frame)) / self.frame_samples - mean * mean)
        level_db = max(10.0 * math.log10(power + 1e-6) - FULL_SCALE_DB, LEVEL_FLOOR_DB)
        previous, self._previous = self._previous, frame
        if level_db < SPECTRAL_MIN_DB:
            return FrameFeatures(level_db, QUIET_FLATNESS, 0.0, 0.0, 0.0)
        window = np.concatenate((previous, frame))
        spectrum = np.fft.rfft(window * self._window)[self._band_lo : self._band_hi]
        band = np.square(np.abs(spectrum)) + 1e-3
        width = band.size
        total = float(band.sum())
        flatness = math.exp(float(np.log(band).sum()) / width) * width / total
        peak = int(band.argmax())
        low, high = max(0, peak - PEAK_HALF_WIDTH_BINS), min(width, peak + PEAK_HALF_WIDTH_BINS + 1)
        dominance = float(band[low:high].sum()) / total
        peak_hz = (self._band_lo + peak + _peak_offset(band, peak, width)) * self._bin_hz
        peak_sample = max(float(frame.max()) - mean, mean - float(frame.min()))
        crest_db = 10.0 * math.log10(peak_sample * peak_sample / power) if power > 0 else 0.0
        return FrameFeatures(level_db, flatness, peak_hz, dominance, crest_db)


def _peak_offset(values: Spectrum, peak: int, width: int) -> float:
    """Parabolic interpolation of the log spectrum around the peak bin, in bins (-0.5..0.5)."""
    if peak == 0 or peak == width - 1:
        return 0.0
    left, centre, right = (math.log(v) for v in values[peak - 1 : peak + 2].tolist())
    curvature = left - 2.0 * centre + right
    if curvature >= 0.0:
        return 0.0
    return min(0.5, max(-0.5, 0.5 * (left - right) / curvature))
