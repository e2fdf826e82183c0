"""Adaptive noise floor and the speech/silence decision for one frame."""

from __future__ import annotations

import math
from collections import deque

from ivrd.amd.params import FRAME_MS, AmdParams

BLOCK_FRAMES = 5
FLAT_NOISE = 0.45
CLEARLY_ABOVE_FLOOR_DB = 18.0
RMS_PER_MEAN_ABS = 1.3
HYSTERESIS_DB = 3.0


class NoiseFloor:
    """Sliding minimum of frame levels over a window, kept as minima of 100 ms blocks.

    Speech always has dips between syllables, so the minimum over a couple of seconds sits at
    the line's noise level whether the line is clean, hissing or humming; it rises within one
    window when the noise gets louder and falls at once when it gets quieter.
    """

    def __init__(self, window_ms: int) -> None:
        self._blocks: deque[float] = deque(maxlen=max(1, window_ms // (FRAME_MS * BLOCK_FRAMES)))
        self._block_min = math.inf
        self._block_frames = 0
        self.floor_db = math.inf

    def update(self, level_db: float) -> float:
        self._block_min = min(self._block_min, level_db)
        self._block_frames += 1
        if self._block_frames == BLOCK_FRAMES:
            self._blocks.append(self._block_min)
            self._block_min = math.inf
            self._block_frames = 0
        self.floor_db = min(self._block_min, min(self._blocks, default=math.inf))
        return self.floor_db


class VoiceDetector:
    """Speech when a frame is clearly above the adaptive floor and above an absolute minimum.

    Frames only a little above the floor must also be spectrally structured (low flatness),
    which keeps hiss and crackle bursts out while weak voiced sounds still count.
    """

    def __init__(self, params: AmdParams) -> None:
        self._margin_db = params.speech_margin_db
        quietest = max(params.silence_threshold / 4.0, 1.0) * RMS_PER_MEAN_ABS
        self.min_speech_db = 20.0 * math.log10(quietest / 32768.0)

    def is_speech(self, level_db: float, floor_db: float, flatness: float, speaking: bool) -> bool:
        """``speaking``: the previous frame was speech, which lowers the margin (hysteresis)."""
        margin_db = self._margin_db - HYSTERESIS_DB if speaking else self._margin_db
        if level_db < self.min_speech_db or level_db < floor_db + margin_db:
            return False
        return flatness < FLAT_NOISE or level_db >= floor_db + CLEARLY_ABOVE_FLOOR_DB
