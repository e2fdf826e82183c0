"""Vectorised per-frame features: level, mean |sample|, spectral flatness and tone peak dominance."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ivrd.amd.params import FRAME_MS

FULL_SCALE_DB = 20.0 * np.log10(32768.0)
LEVEL_FLOOR_DB = -100.0
BAND_LOW_HZ = 200.0
BAND_HIGH_HZ = 3800.0
PEAK_HALF_WIDTH_BINS = 2

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class FrameFeatures:
    """Features of consecutive 20 ms frames, as plain lists for a cheap per-frame state machine.

    ``level_db`` is each frame's RMS in dBFS; ``mean_abs`` app_amd's mean |sample|;
    ``flatness`` the spectral flatness (0 tonal .. 1 white) in 200-3800 Hz; ``peak_hz`` the
    interpolated strongest frequency and ``dominance`` the share of band energy within ±2 bins
    of it, both over a 40 ms Hann window ending with the frame (25 Hz bins at any rate).
    """

    level_db: list[float]
    mean_abs: list[float]
    flatness: list[float]
    peak_hz: list[float]
    dominance: list[float]


class FeatureExtractor:
    """Computes FrameFeatures for whole frames, keeping the previous frame for the 40 ms window."""

    def __init__(self, sample_rate_hz: int) -> None:
        self.frame_samples = sample_rate_hz * FRAME_MS // 1000
        window_samples = 2 * self.frame_samples
        self._window = np.hanning(window_samples).astype(np.float32)
        self._bin_hz = sample_rate_hz / window_samples
        self._band_lo = int(np.ceil(BAND_LOW_HZ / self._bin_hz))
        self._band_hi = int(np.floor(BAND_HIGH_HZ / self._bin_hz)) + 1
        self._previous: Samples = np.zeros(self.frame_samples, dtype=np.float32)

    def extract(self, frames: Samples) -> FrameFeatures:
        """``frames`` has shape (count, frame_samples), float32 sample values."""
        power = np.einsum("ij,ij->i", frames, frames) / self.frame_samples
        level_db = 10.0 * np.log10(power + 1e-6) - FULL_SCALE_DB
        np.maximum(level_db, LEVEL_FLOOR_DB, out=level_db)
        mean_abs = np.abs(frames).mean(axis=1)
        earlier = np.vstack((self._previous[np.newaxis, :], frames[:-1]))
        self._previous = frames[-1].copy()
        windows = np.hstack((earlier, frames)) * self._window
        spectrum = np.fft.rfft(windows, axis=1)[:, self._band_lo : self._band_hi]
        band = spectrum.real**2 + spectrum.imag**2 + 1e-3
        flatness, peak_hz, dominance = self._spectral(band)
        return FrameFeatures(
            level_db=level_db.tolist(),
            mean_abs=mean_abs.tolist(),
            flatness=flatness.tolist(),
            peak_hz=peak_hz.tolist(),
            dominance=dominance.tolist(),
        )

    def _spectral(
        self, band: npt.NDArray[np.float64]
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        count, width = band.shape
        rows = np.arange(count)
        total = band.sum(axis=1)
        log_band = np.log(band)
        flatness = np.exp(log_band.mean(axis=1)) / (total / width)
        peak = band.argmax(axis=1)
        cumulative = np.zeros((count, width + 1))
        np.cumsum(band, axis=1, out=cumulative[:, 1:])
        low = np.clip(peak - PEAK_HALF_WIDTH_BINS, 0, width)
        high = np.clip(peak + PEAK_HALF_WIDTH_BINS + 1, 0, width)
        dominance = (cumulative[rows, high] - cumulative[rows, low]) / total
        left = log_band[rows, np.clip(peak - 1, 0, width - 1)]
        centre = log_band[rows, peak]
        right = log_band[rows, np.clip(peak + 1, 0, width - 1)]
        curvature = left - 2.0 * centre + right
        offset = np.where(
            curvature < 0.0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1.0), 0.0
        )
        peak_hz = (self._band_lo + peak + np.clip(offset, -0.5, 0.5)) * self._bin_hz
        return flatness, peak_hz, dominance
