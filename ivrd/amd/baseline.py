"""The classic detector (Asterisk app_amd, ported to FreeSWITCH as mod_amd), kept for comparison."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ivrd.amd.params import FRAME_MS, SUPPORTED_RATES_HZ, AmdParams
from ivrd.amd.result import AmdDecision, AmdResult, AmdStage

Audio = bytes | bytearray | memoryview | npt.NDArray[np.int16]


class AppAmdBaseline:
    """app_amd's state machine over 20 ms frames with its fixed thresholds.

    A frame is silent when its mean |sample| is below silence_threshold. Results map to
    human / machine_start / unknown (NOTSURE); causes are app_amd's (HUMAN-, INITIALSILENCE-,
    MAXWORDLENGTH-, MAXWORDS-, LONGGREETING-, TOOLONG-). Same feed/finish interface as
    AmdAnalyzer, with a single final decision.
    """

    def __init__(self, sample_rate_hz: int = 8000, params: AmdParams | None = None) -> None:
        if sample_rate_hz not in SUPPORTED_RATES_HZ:
            raise ValueError(f"sample_rate_hz: expected one of {SUPPORTED_RATES_HZ}, got {sample_rate_hz}")
        self.params = params or AmdParams()
        self._frame_samples = sample_rate_hz * FRAME_MS // 1000
        self._odd_byte = b""
        self._samples: npt.NDArray[np.int32] = np.zeros(0, dtype=np.int32)
        self.total_ms = 0
        self.silence_ms = 0  # the DSP's running silence
        self.voice_ms = 0
        self.consecutive_voice_ms = 0
        self.words = 0
        self.in_silence_state = False  # app_amd starts in STATE_IN_WORD
        self.in_initial_silence = True
        self.in_greeting = False
        self.detection: AmdDecision | None = None
        self.done = False

    @property
    def decisions(self) -> list[AmdDecision]:
        return [] if self.detection is None else [self.detection]

    def feed(self, audio: Audio) -> list[AmdDecision]:
        if self.done:
            return []
        if isinstance(audio, np.ndarray):
            samples = audio.astype(np.int32)
        else:
            data = self._odd_byte + bytes(audio)
            usable = len(data) - len(data) % 2
            self._odd_byte = data[usable:]
            samples = np.frombuffer(data[:usable], dtype="<i2").astype(np.int32)
        self._samples = np.concatenate((self._samples, samples))
        whole = self._samples.size // self._frame_samples
        cut = whole * self._frame_samples
        mean_abs = np.abs(self._samples[:cut].reshape(whole, self._frame_samples)).mean(axis=1)
        self._samples = self._samples[cut:]
        for value in mean_abs.tolist():
            decision = self._step(value < self.params.silence_threshold)
            if decision is not None:
                self.detection = decision
                self.done = True
                return [decision]
        return []

    def finish(self) -> list[AmdDecision]:
        if self.done:
            return []
        self.detection = self._decision(AmdResult.UNKNOWN, f"HANGUP-{self.total_ms}")
        self.done = True
        return [self.detection]

    def _decision(self, result: AmdResult, cause: str) -> AmdDecision:
        return AmdDecision(AmdStage.DETECT, result, cause, self.total_ms, final=True)

    def _step(self, silent: bool) -> AmdDecision | None:
        p = self.params
        self.total_ms += FRAME_MS
        if self.total_ms >= p.total_analysis_time_ms:
            return self._decision(AmdResult.UNKNOWN, f"TOOLONG-{self.total_ms}")
        if silent:
            return self._silent_frame()
        self.silence_ms = 0
        self.consecutive_voice_ms += FRAME_MS
        self.voice_ms += FRAME_MS
        if self.consecutive_voice_ms >= p.min_word_length_ms and self.in_silence_state:
            self.words += 1
            self.in_silence_state = False
        if self.consecutive_voice_ms >= p.maximum_word_length_ms:
            return self._decision(AmdResult.MACHINE_START, f"MAXWORDLENGTH-{self.consecutive_voice_ms}")
        if self.words >= p.maximum_number_of_words:
            return self._decision(
                AmdResult.MACHINE_START, f"MAXWORDS-{self.words}-{p.maximum_number_of_words}"
            )
        if self.in_greeting and self.voice_ms >= p.greeting_ms:
            return self._decision(AmdResult.MACHINE_START, f"LONGGREETING-{self.voice_ms}-{p.greeting_ms}")
        if self.consecutive_voice_ms >= p.min_word_length_ms and not self.in_greeting:
            self.in_initial_silence = False
            self.in_greeting = True
        return None

    def _silent_frame(self) -> AmdDecision | None:
        p = self.params
        self.silence_ms += FRAME_MS
        if self.silence_ms >= p.between_words_silence_ms:
            self.in_silence_state = True
            self.consecutive_voice_ms = 0
        if self.in_initial_silence and self.silence_ms >= p.initial_silence_ms:
            return self._decision(
                AmdResult.MACHINE_START, f"INITIALSILENCE-{self.silence_ms}-{p.initial_silence_ms}"
            )
        if self.in_greeting and self.silence_ms >= p.after_greeting_silence_ms:
            return self._decision(AmdResult.HUMAN, f"HUMAN-{self.silence_ms}-{p.after_greeting_silence_ms}")
        return None
