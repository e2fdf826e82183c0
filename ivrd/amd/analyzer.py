"""Streaming answering-machine detector: frames in, human/machine/fax/unknown and beep decisions out."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ivrd.amd.features import FeatureExtractor, FrameFeatures
from ivrd.amd.greeting import GreetingTracker, Verdict
from ivrd.amd.params import FRAME_MS, SUPPORTED_RATES_HZ, AmdParams
from ivrd.amd.result import AmdDecision, AmdResult, AmdStage
from ivrd.amd.tones import Beep, ToneTracker, fax_tone
from ivrd.amd.voice import CLICK_CREST_DB, NoiseFloor, VoiceDetector
from ivrd.amd.watch import HumanWatch, WatchState, from_callee

Audio = bytes | bytearray | memoryview | npt.NDArray[np.int16]
CALLEE_LEVEL_MIN_MS = 200  # speech heard before the callee's level is trusted


class AmdAnalyzer:
    """Decides who answered a call from the callee's audio, as early as the audio allows.

    Feed signed 16-bit mono samples (bytes little-endian as in a raw .r8/.r16 file, or an int16
    array) in chunks of any size; 20 ms frames are cut internally and time is the audio
    consumed. ``feed`` returns the decisions taken on that chunk, in order:

    1. stage DETECT: ``human``, ``machine_start``, ``fax`` or ``unknown`` (dead air, undecided);
    2. after ``human`` (when ``wait_for_end`` and ``human_watch_ms`` > 0) the analyzer listens on
       (see HumanWatch): a beep or a greeting that goes on revises the verdict with a second
       DETECT decision, ``machine_start``; otherwise the window closes with no decision (``done``);
    3. after ``machine_start`` (when ``wait_for_end``), stage END_OF_GREETING:
       ``machine_end_beep`` (the beep has just ended: drop the message now),
       ``machine_end_silence`` (greeting over without a beep) or ``machine_end_other``
       (end_max_wait_ms of audio passed without either);
    4. after ``machine_end_silence`` (when ``late_beep_ms`` > 0) a beep may still come: then a
       second END_OF_GREETING decision, ``machine_end_beep`` (start the message over).

    A decision is ``final`` when no other follows it. The analyzer is done after a final
    decision or the end of the watch; later audio is ignored.
    """

    def __init__(
        self, sample_rate_hz: int = 8000, params: AmdParams | None = None, *, wait_for_end: bool = True
    ) -> None:
        if sample_rate_hz not in SUPPORTED_RATES_HZ:
            raise ValueError(f"sample_rate_hz: expected one of {SUPPORTED_RATES_HZ}, got {sample_rate_hz}")
        self.params = params or AmdParams()
        self.sample_rate_hz = sample_rate_hz
        self.wait_for_end = wait_for_end
        self._features = FeatureExtractor(sample_rate_hz)
        self._frame_samples = self._features.frame_samples
        self._floor = NoiseFloor(self.params.noise_window_ms)
        self._voice = VoiceDetector(self.params)
        self._tones = ToneTracker(self.params)
        self._greeting = GreetingTracker(self.params)
        self._odd_byte = b""
        self._samples: npt.NDArray[np.float32] = np.zeros(0, dtype=np.float32)
        self._frame = 0
        self._speaking = False
        self.detection: AmdDecision | None = None  # the latest DETECT decision
        self.revised: AmdDecision | None = None  # the human verdict a later detection replaced
        self.end: AmdDecision | None = None  # the latest END_OF_GREETING decision
        self.replaced_end: AmdDecision | None = None  # an end of silence a late beep replaced
        self._watch: HumanWatch | None = None
        self._late_beep_until_ms = 0
        self.done = False

    @property
    def elapsed_ms(self) -> int:
        """Audio analysed so far, in whole frames."""
        return self._frame * FRAME_MS

    @property
    def decisions(self) -> list[AmdDecision]:
        decided = (self.revised, self.detection, self.replaced_end, self.end)
        return [d for d in decided if d is not None]

    def feed(self, audio: Audio) -> list[AmdDecision]:
        if self.done:
            return []
        samples = self._to_samples(audio)
        if self._samples.size:
            samples = np.concatenate((self._samples, samples))
        self._samples = samples
        whole = self._samples.size // self._frame_samples
        if whole == 0:
            return []
        cut = whole * self._frame_samples
        frames = self._samples[:cut].reshape(whole, self._frame_samples)
        self._samples = self._samples[cut:]
        return self._analyse(frames)

    def finish(self) -> list[AmdDecision]:
        """The audio ended (hangup, end of file): settle any open question."""
        if self.done:
            return []
        cause = f"HANGUP-{self.elapsed_ms}"
        if self._watch is not None or self.end is not None:  # the verdict or the end of greeting stands
            self._watch, self.done = None, True
            return []
        if self.detection is None:
            return [self._decide_detection(Verdict(AmdResult.UNKNOWN, cause))]
        return [self._decide_end(AmdResult.MACHINE_END_OTHER, cause)]

    def _to_samples(self, audio: Audio) -> npt.NDArray[np.float32]:
        if isinstance(audio, np.ndarray):
            if audio.dtype != np.int16 or audio.ndim != 1:
                raise ValueError(f"audio: expected 1-D int16 samples, got {audio.ndim}-D {audio.dtype}")
            return audio.astype(np.float32)
        data = self._odd_byte + audio if self._odd_byte else audio
        usable = len(data) - len(data) % 2
        self._odd_byte = bytes(data[usable:])
        return np.frombuffer(data, dtype="<i2", count=usable // 2).astype(np.float32)

    def _analyse(self, frames: npt.NDArray[np.float32]) -> list[AmdDecision]:
        decided: list[AmdDecision] = []
        for frame in frames:
            decided.extend(self._step(self._features.extract(frame)))
            if self.done:
                break
        return decided

    def _step(self, features: FrameFeatures) -> list[AmdDecision]:
        level_db, flatness, peak_hz, dominance, crest_db = features
        floor_db = self._floor.update(level_db)
        tonal = self._tones.is_tonal(level_db, floor_db, dominance)
        speech = not tonal and crest_db < CLICK_CREST_DB
        speech = speech and self._voice.is_speech(level_db, floor_db, flatness, self._speaking)
        self._speaking = speech
        beep = self._tones.update(self._frame, tonal, peak_hz, level_db)
        self._frame += 1
        speech = speech and self._from_callee(level_db)
        self._greeting.update(tonal or speech, speech, level_db)
        if self.detection is None:
            return self._detect(beep)
        if self._watch is not None:
            return self._watching(beep)
        if self.end is not None:
            return self._late_beep(beep)
        return self._await_end(beep)

    def _from_callee(self, level_db: float) -> bool:
        """Speech far quieter than the callee's active speech level is background talk (a TV, an
        office, the echo of our own prompt): it does not keep the callee's greeting going. The
        level is a power mean, so background talk heard before or between the callee's words,
        counted as speech until the callee spoke, does not drag the reference down."""
        margin_db, greeting = self.params.callee_margin_db, self._greeting
        if not margin_db or greeting.speech_ms < CALLEE_LEVEL_MIN_MS:
            return True
        return from_callee(level_db, greeting.active_level_db(), margin_db)

    def _detect(self, beep: Beep | None) -> list[AmdDecision]:
        fax = fax_tone(self._tones.current, self.params)
        if fax is not None and self._greeting.speech_ms < self.params.min_word_length_ms:
            return [self._decide_detection(Verdict(AmdResult.FAX, f"FAX-{fax}-{self.elapsed_ms}"))]
        if beep is not None:
            start = self._decide_detection(Verdict(AmdResult.MACHINE_START, f"BEEP-{beep.end_ms}"))
            return [start, *self._await_end(beep)] if self.wait_for_end else [start]
        verdict = self._greeting.verdict()
        return [] if verdict is None else [self._decide_detection(verdict)]

    def _watching(self, beep: Beep | None) -> list[AmdDecision]:
        watch = self._watch
        assert watch is not None
        if beep is not None and not watch.loud_enough(beep.level_db):
            beep = None  # the echo of a tone in our own prompt, not the callee's beep
        state = WatchState.MACHINE if beep is not None else watch.update(self._tones.pending)
        if state is WatchState.WATCHING:
            return []
        self._watch = None
        if state is WatchState.OVER:
            self.done = True
            return []
        self.revised = self.detection
        cause = f"BEEP-{beep.end_ms}" if beep is not None else watch.cause
        start = self._decide_detection(Verdict(AmdResult.MACHINE_START, f"{cause}-AFTERHUMAN"))
        return [start, *self._await_end(beep)] if beep is not None else [start]

    def _late_beep(self, beep: Beep | None) -> list[AmdDecision]:
        """After the end of a greeting by silence: a beep still coming starts the message over."""
        greeting_db, margin_db = self._greeting.speech_level_db(), self.params.watch_echo_margin_db
        if beep is not None and from_callee(beep.level_db, greeting_db, margin_db):
            self.replaced_end = self.end
            cause = f"BEEP-{round(beep.hz)}HZ-{beep.duration_ms}-AFTERSILENCE"
            return [self._decide_end(AmdResult.MACHINE_END_BEEP, cause, beep)]
        if self.elapsed_ms >= self._late_beep_until_ms and not self._tones.pending:
            self.done = True
        return []

    def _await_end(self, beep: Beep | None) -> list[AmdDecision]:
        if beep is not None:
            cause = f"BEEP-{round(beep.hz)}HZ-{beep.duration_ms}"
            return [self._decide_end(AmdResult.MACHINE_END_BEEP, cause, beep)]
        silence_ms = self._greeting.silence_ms
        if silence_ms >= self.params.end_silence_ms and not self._greeting.in_word:
            cause = f"SILENCE-{silence_ms}-{self.params.end_silence_ms}"
            return [self._decide_end(AmdResult.MACHINE_END_SILENCE, cause)]
        if self.elapsed_ms >= self.params.end_max_wait_ms:
            return [self._decide_end(AmdResult.MACHINE_END_OTHER, f"TIMEOUT-{self.elapsed_ms}")]
        return []

    def _decide_detection(self, verdict: Verdict) -> AmdDecision:
        waits = verdict.result is AmdResult.MACHINE_START and self.wait_for_end
        if verdict.result is AmdResult.HUMAN and self.wait_for_end and self.params.human_watch_ms:
            waits, self._watch = True, HumanWatch(self.params, self._greeting)
        self.detection = AmdDecision(
            AmdStage.DETECT, verdict.result, verdict.cause, self.elapsed_ms, final=not waits
        )
        self.done = not waits
        return self.detection

    def _decide_end(self, result: AmdResult, cause: str, beep: Beep | None = None) -> AmdDecision:
        late_beep_ms = self.params.late_beep_ms
        waits = result is AmdResult.MACHINE_END_SILENCE and self.wait_for_end and late_beep_ms > 0
        self._late_beep_until_ms = self.elapsed_ms + late_beep_ms
        self.end = AmdDecision(
            AmdStage.END_OF_GREETING,
            result,
            cause,
            self.elapsed_ms,
            final=not waits,
            beep_end_ms=None if beep is None else beep.end_ms,
            beep_hz=None if beep is None else round(beep.hz, 1),
        )
        self.done = not waits
        return self.end
