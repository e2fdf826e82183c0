"""Tracks runs of a stable single tone across frames and judges them as beeps or fax tones."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ivrd.amd.params import FRAME_MS, AmdParams

STABILITY_HZ = 25.0
CNG_HZ = 1100.0
CED_HZ = 2100.0
FAX_TOLERANCE_HZ = 40.0
TONE_MIN_LEVEL_DB = -50.0
TONE_ABOVE_FLOOR_DB = 10.0
BEEP_DROP_DB = 10.0
MUSIC_LOOKBACK_MS = 600
GAP_FRAMES_ALLOWED = 1
LEVEL_SWING_MAX_DB = 6.0


@dataclass(slots=True)
class ToneRun:
    """A run of tonal frames at one frequency; frame indexes are 0-based, end exclusive."""

    start_frame: int
    end_frame: int
    hz_sum: float
    level_sum: float
    tonal_frames: int
    low_hz: float
    high_hz: float
    levels_db: list[float]

    def extend(self, frame: int, hz: float, level_db: float) -> None:
        self.end_frame = frame + 1
        self.hz_sum += hz
        self.level_sum += level_db
        self.tonal_frames += 1
        self.low_hz = min(self.low_hz, hz)
        self.high_hz = max(self.high_hz, hz)
        self.levels_db.append(level_db)

    @property
    def level_swing_db(self) -> float:
        """Spread of the frame levels, leaving out the first and last (partial) frames."""
        inner = self.levels_db[1:-1] or self.levels_db
        return max(inner) - min(inner)

    @property
    def hz(self) -> float:
        return self.hz_sum / self.tonal_frames

    @property
    def level_db(self) -> float:
        return self.level_sum / self.tonal_frames

    @property
    def duration_ms(self) -> int:
        return (self.end_frame - self.start_frame) * FRAME_MS


@dataclass(frozen=True, slots=True)
class Beep:
    end_ms: int
    hz: float
    duration_ms: int
    level_db: float = 0.0


class ToneTracker:
    """Follows the current tone run; reports beeps once the tone has stopped into quieter audio.

    A frame is tonal when one spectral peak holds most of the band energy and stands clear of
    the noise floor. A run allows one non-tonal frame inside it. When a run ends it is a beep if
    it lasted beep_min_ms..beep_max_ms in beep_min_hz..beep_max_hz within one 25 Hz band at a
    steady level (a held vowel swings; a generated tone does not), the
    audio after it (beep_confirm_ms of it, past the frame where it stops) is at least 10 dB
    quieter, and no tone of another pitch ended just before it (melodies, SIT triplets).
    """

    def __init__(self, params: AmdParams) -> None:
        self._params = params
        self._confirm_frames = max(GAP_FRAMES_ALLOWED, params.beep_confirm_ms // FRAME_MS)
        self._run: ToneRun | None = None
        self._after: list[float] = []  # own levels of non-tonal frames after the run
        self._history: deque[ToneRun] = deque(maxlen=8)

    def is_tonal(self, level_db: float, floor_db: float, dominance: float) -> bool:
        return (
            dominance >= self._params.tone_dominance_min
            and level_db >= TONE_MIN_LEVEL_DB
            and level_db >= floor_db + TONE_ABOVE_FLOOR_DB
        )

    @property
    def current(self) -> ToneRun | None:
        """The run in progress (not yet followed by non-tonal frames), if any."""
        return self._run if self._run is not None and not self._after else None

    @property
    def pending(self) -> bool:
        """A tone is in progress or waiting for the quiet that would make it a beep."""
        return self._run is not None

    def update(self, frame: int, tonal: bool, peak_hz: float, level_db: float) -> Beep | None:
        run = self._run
        gap_ok = len(self._after) <= GAP_FRAMES_ALLOWED
        if run is not None and tonal and gap_ok and abs(peak_hz - run.hz) <= STABILITY_HZ:
            run.extend(frame, peak_hz, level_db)
            self._after.clear()
            return None
        if run is not None and not tonal:
            self._after.append(level_db)
            if len(self._after) < 1 + self._confirm_frames:
                return None
            self._close()
            return self._judge(run, self._after)
        if run is not None:  # the pitch changed: not a clean stop
            self._close()
            self._after = []
        if tonal:
            self._run = ToneRun(frame, frame + 1, peak_hz, level_db, 1, peak_hz, peak_hz, [level_db])
        return None

    def _close(self) -> None:
        if self._run is not None and self._run.duration_ms >= self._params.beep_min_ms:
            self._history.append(self._run)
        self._run = None

    def _judge(self, run: ToneRun, after: list[float]) -> Beep | None:
        self._after = []
        params = self._params
        if not params.beep_min_hz <= run.hz <= params.beep_max_hz:
            return None
        if run.high_hz - run.low_hz > STABILITY_HZ or run.level_swing_db > LEVEL_SWING_MAX_DB:
            return None
        transition_db, confirm = after[0], after[1 : 1 + self._confirm_frames]
        if max(confirm) > run.level_db - BEEP_DROP_DB:
            return None
        if self._follows_other_pitch(run):
            return None
        # the tone usually stops inside the frame after the run: its energy tells how far in
        tail_share = min(1.0, 10.0 ** ((transition_db - run.level_db) / 10.0))
        end_ms = run.end_frame * FRAME_MS + round(tail_share * FRAME_MS)
        duration_ms = end_ms - run.start_frame * FRAME_MS
        if not params.beep_min_ms <= duration_ms <= params.beep_max_ms:
            return None
        return Beep(end_ms=end_ms, hz=run.hz, duration_ms=duration_ms, level_db=run.level_db)

    def _follows_other_pitch(self, run: ToneRun) -> bool:
        lookback_frames = MUSIC_LOOKBACK_MS // FRAME_MS
        for earlier in self._history:
            if earlier is run or earlier.end_frame > run.start_frame:
                continue
            recent = run.start_frame - earlier.end_frame <= lookback_frames
            if recent and abs(earlier.hz - run.hz) > STABILITY_HZ:
                return True
        return False


def fax_tone(run: ToneRun | None, params: AmdParams) -> str | None:
    """``CNG`` or ``CED`` when the run in progress is a long enough fax calling/answer tone."""
    if run is None:
        return None
    if abs(run.hz - CNG_HZ) <= FAX_TOLERANCE_HZ and run.duration_ms >= params.fax_cng_min_ms:
        return "CNG"
    if abs(run.hz - CED_HZ) <= FAX_TOLERANCE_HZ and run.duration_ms >= params.fax_ced_min_ms:
        return "CED"
    return None
