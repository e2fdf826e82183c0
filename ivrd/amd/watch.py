"""After a human verdict: listens on for a beep or a greeting that goes on, which reveal a machine."""

from __future__ import annotations

import enum

from ivrd.amd.greeting import GreetingTracker
from ivrd.amd.params import AmdParams


class WatchState(enum.Enum):
    WATCHING = "watching"
    MACHINE = "machine"  # the greeting resumed at once and went on: a machine after all
    OVER = "over"  # the window passed without a sign of a machine: the verdict stands


class HumanWatch:
    """Follows the audio after a ``human`` verdict for ``human_watch_ms``.

    A person who said "Hello?" waits for an answer; a machine whose greeting began with a short
    phrase and a pause goes on talking, then beeps. Two signs revise the verdict: a beep (the
    analyzer's tone tracker reports it), and speech that starts within ``watch_resume_ms`` of the
    verdict and gathers ``watch_voice_ms`` of voice before a silence of
    ``after_greeting_silence_ms``. The window is extended while such speech is being judged.
    """

    def __init__(self, params: AmdParams, greeting: GreetingTracker) -> None:
        self._params = params
        self._greeting = greeting
        self._start_ms = greeting.elapsed_ms
        self._words_at_start = greeting.words
        self._voiced_at_start = greeting.voiced_ms
        self._resumed = False  # speech came back within watch_resume_ms and is being judged
        self.cause = ""

    @property
    def elapsed_ms(self) -> int:
        return self._greeting.elapsed_ms - self._start_ms

    def update(self, tone_pending: bool) -> WatchState:
        """Checks the window after each frame; ``tone_pending``: a tone is still being judged."""
        greeting, params = self._greeting, self._params
        if not self._resumed and greeting.words > self._words_at_start:
            word_start_ms = self.elapsed_ms - greeting.run_ms
            self._resumed = word_start_ms <= params.watch_resume_ms
            self._words_at_start = greeting.words if not self._resumed else self._words_at_start
        if self._resumed:
            voiced_ms = greeting.voiced_ms - self._voiced_at_start
            if voiced_ms >= params.watch_voice_ms:
                self.cause = f"RESUMED-{voiced_ms}-{self.elapsed_ms}"
                return WatchState.MACHINE
            if not greeting.in_word and greeting.silence_ms >= params.after_greeting_silence_ms:
                self._resumed = False  # a person speaking again: no longer judged
                self._words_at_start = greeting.words
        if self.elapsed_ms >= params.human_watch_ms and not self._resumed and not tone_pending:
            return WatchState.OVER
        return WatchState.WATCHING
