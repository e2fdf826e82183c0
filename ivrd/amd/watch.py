"""After a human verdict: listens on for a beep or a greeting that goes on, which reveal a machine."""

from __future__ import annotations

import enum

from ivrd.amd.greeting import GreetingTracker
from ivrd.amd.params import AmdParams
from ivrd.amd.result import AmdResult


def from_callee(level_db: float | None, greeting_db: float | None, margin_db: float) -> bool:
    """Whether a sound at `level_db` can be the callee's rather than an echo of our own prompt:
    at most `margin_db` quieter than the greeting (unknown levels give the benefit of the doubt)."""
    return level_db is None or greeting_db is None or level_db >= greeting_db - margin_db


class WatchState(enum.Enum):
    WATCHING = "watching"
    MACHINE = "machine"  # the greeting resumed at once and went on: a machine after all
    OVER = "over"  # the window passed without a sign of a machine: the verdict stands


class HumanWatch:
    """Follows the audio after a ``human`` verdict for ``human_watch_ms``.

    A person who said "Hello?" waits for an answer; a machine whose greeting began with a short
    phrase and a pause goes on talking, then beeps. Two signs revise the verdict: a beep (the
    analyzer's tone tracker reports it), and speech that starts again within ``watch_resume_ms``
    of the verdict: the greeting then goes on, and the detection rules judge it as if no verdict
    had been given (a machine once LONGGREETING, MAXWORDS... say so; the verdict stands once it
    ends in a silence of ``after_greeting_silence_ms``). The window is extended while such speech
    is being judged.
    Both must come within ``watch_echo_margin_db`` of the level the callee spoke at: once the
    survey plays, the line may carry a quieter echo of its prompts.
    """

    def __init__(self, params: AmdParams, greeting: GreetingTracker) -> None:
        self._params = params
        self._greeting = greeting
        self._start_ms = greeting.elapsed_ms
        self._words_at_start = greeting.words
        self._level_db = greeting.speech_level_db()
        self._speech_at_start = (greeting.speech_ms, greeting.speech_level_sum_db)
        self._resumed = False  # speech came back within watch_resume_ms and is being judged
        self._judged = False  # speech after the verdict was judged (too late, too short or too quiet)
        self.cause = ""

    @property
    def elapsed_ms(self) -> int:
        return self._greeting.elapsed_ms - self._start_ms

    def loud_enough(self, level_db: float | None) -> bool:
        """Whether a sound at `level_db` can come from the callee rather than an echo."""
        return from_callee(level_db, self._level_db, self._params.watch_echo_margin_db)

    def update(self, tone_pending: bool) -> WatchState:
        """Checks the window after each frame; ``tone_pending``: a tone is still being judged."""
        greeting, params = self._greeting, self._params
        if not self._judged and not self._resumed and greeting.words > self._words_at_start:
            word_start_ms = self.elapsed_ms - greeting.run_ms
            self._resumed = word_start_ms <= params.watch_resume_ms
            self._judged = not self._resumed
        if self._resumed:
            verdict = greeting.verdict()  # the greeting goes on: the detection rules judge it on
            if verdict is not None and verdict.result is AmdResult.MACHINE_START:
                if self.loud_enough(greeting.speech_level_db(*self._speech_at_start)):
                    self.cause = f"RESUMED-{verdict.cause}"
                    return WatchState.MACHINE
                self._resumed, self._judged = False, True  # too quiet to be the callee's
            elif not greeting.in_word and greeting.silence_ms >= params.after_greeting_silence_ms:
                self._resumed, self._judged = False, True  # it ended as a person's
        if self.elapsed_ms >= params.human_watch_ms and not self._resumed and not tone_pending:
            return WatchState.OVER
        return WatchState.WATCHING
