"""Adaptive noise floor and the speech/silence decision for one frame."""

from __future__ import annotations

import math
from collections import deque

from ivrd.amd.features import SPECTRAL_MIN_DB
from ivrd.amd.params import FRAME_MS, AmdParams

BLOCK_FRAMES = 5
FLAT_NOISE = 0.45
CLEARLY_ABOVE_FLOOR_DB = 18.0
RMS_PER_MEAN_ABS = 1.3
HYSTERESIS_DB = 3.0
BELOW_LOUDEST_DB = 27.0  # this far under the loudest speech heard is background, not the speaker
CLICK_CREST_DB = 18.0  # a frame this much peakier than its RMS is a click, not speech
NOISE_SWING_ALPHA = 0.05
SWING_AFTER_FRAMES = 10  # measured in pauses of 200 ms or more, away from speech tails
STEADY_SWING_DB = 2.0  # a steady hiss or hum stays within this of its floor
SWING_WEIGHT = 1.0
NOISE_BAND_DB = 3.0
NOISE_FLATNESS_ALPHA = 0.05
HISS_FLATNESS = 0.25
STRUCTURED_SHARE = 0.6


class NoiseFloor:
    """The quietest 100 ms of the last noise_window_ms: the line's background level.

    Levels are first averaged over a sliding 100 ms (so single-frame dips in babble or music do
    not count), then the minimum is kept per 100 ms block over the window. Speech has pauses of
    that length every second or two, so the floor sits at the background whether the line is
    clean, hissing, humming or full of distant voices; it follows louder noise within one window
    and quieter noise at once.
    """

    def __init__(self, window_ms: int) -> None:
        self._blocks: deque[float] = deque(maxlen=max(1, window_ms // (FRAME_MS * BLOCK_FRAMES)))
        self._recent: deque[float] = deque(maxlen=BLOCK_FRAMES)
        self._recent_sum = 0.0
        self._block_min = math.inf
        self._block_frames = 0
        self.floor_db = math.inf

    def update(self, level_db: float) -> float:
        power = 10.0 ** (level_db / 10.0)
        if len(self._recent) == BLOCK_FRAMES:
            self._recent_sum -= self._recent[0]
        self._recent.append(power)
        self._recent_sum += power
        smoothed_db = 10.0 * math.log10(max(self._recent_sum / len(self._recent), 1e-12))
        self._block_min = min(self._block_min, smoothed_db)
        self._block_frames += 1
        if self._block_frames == BLOCK_FRAMES:
            self._blocks.append(self._block_min)
            self._block_min = math.inf
            self._block_frames = 0
        self.floor_db = min(self._block_min, min(self._blocks, default=math.inf))
        return self.floor_db


class VoiceDetector:
    """Speech when a frame is clearly above the adaptive floor, or structured where the noise is not.

    Loud frames count unless they are as flat as hiss. "Loud" is speech_margin_db over the floor,
    plus more when the background itself fluctuates (distant voices, traffic): the margin grows
    with how far the background's frames usually rise above the floor; and frames 25 dB or more
    under the loudest speech heard so far are background (a radio, a room) rather than the
    speaker. Frames
    only a few dB over a hissing floor count when their spectrum is much less flat than the
    noise's (voiced speech has formants and harmonics, hiss and crackle do not). Nothing below an
    eighth of app_amd's silence_threshold counts.
    """

    def __init__(self, params: AmdParams) -> None:
        self._margin_db = params.speech_margin_db
        quietest = max(params.silence_threshold / 8.0, 1.0) * RMS_PER_MEAN_ABS
        self.min_speech_db = 20.0 * math.log10(quietest / 32768.0)
        self.noise_flatness = 0.0
        self._quiet_frames = 0
        self.loudest_speech_db = -math.inf
        self.noise_swing_db = 0.0  # how far the background's frames rise over the floor, on average

    def is_speech(self, level_db: float, floor_db: float, flatness: float, speaking: bool) -> bool:
        """``speaking``: the previous frame was speech, which lowers the margin (hysteresis)."""
        above_db = level_db - floor_db
        self._track_background(level_db, above_db, flatness, speaking)
        if level_db < self.min_speech_db or level_db < self.loudest_speech_db - BELOW_LOUDEST_DB:
            return False
        if self._is_speech(above_db, flatness, speaking):
            self.loudest_speech_db = max(self.loudest_speech_db, level_db)
            return True
        return False

    def _is_speech(self, above_db: float, flatness: float, speaking: bool) -> bool:
        margin_db = self._margin_db + SWING_WEIGHT * self.noise_swing_db
        if speaking:
            margin_db -= HYSTERESIS_DB
        if above_db >= margin_db:
            return flatness < FLAT_NOISE or above_db >= CLEARLY_ABOVE_FLOOR_DB
        hissing = self.noise_flatness >= HISS_FLATNESS
        return hissing and above_db >= NOISE_BAND_DB and flatness <= STRUCTURED_SHARE * self.noise_flatness

    def _track_background(self, level_db: float, above_db: float, flatness: float, speaking: bool) -> None:
        if above_db < NOISE_BAND_DB and level_db >= SPECTRAL_MIN_DB:
            self.noise_flatness += NOISE_FLATNESS_ALPHA * (flatness - self.noise_flatness)
        self._quiet_frames = 0 if speaking else self._quiet_frames + 1
        if self._quiet_frames >= SWING_AFTER_FRAMES and above_db < self._margin_db + self.noise_swing_db:
            swing_db = max(0.0, above_db - STEADY_SWING_DB)
            self.noise_swing_db += NOISE_SWING_ALPHA * (swing_db - self.noise_swing_db)
