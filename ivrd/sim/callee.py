"""The scripted far end: its voice after answer, the keys it presses after prompts, when it hangs up."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import TYPE_CHECKING

from ivrd.sim.media import RATE_HZ, AudioTimeline, Pcm, load_pcm, silence

if TYPE_CHECKING:
    from ivrd.sim.channel import Channel
    from ivrd.sim.server import SimFreeSwitch

log = logging.getLogger(__name__)

# A playback/speak counts as a digit-collecting prompt when no new application starts on the channel
# within this window after it ends (or within dtmf_delay_ms, if longer).
IDLE_COLLECT_MS = 400

# Applications that start a new prompt or media action: they cancel a pending "after playback" press.
_MEDIA_APPS = frozenset({"playback", "speak", "play_and_get_digits", "read", "record", "bridge",
                         "conference", "transfer", "hangup"})


class CalleeScript:
    """Drives one channel's far end from its Callee: one `dtmf` entry per digit-collecting prompt.

    A prompt counts as digit-collecting when it belongs to play_and_get_digits/read (each try), or when
    a playback/speak ends and the channel starts no other media application within IDLE_COLLECT_MS
    (or dtmf_delay_ms if longer); the first key then follows at the end of that window.
    """

    def __init__(self, sim: SimFreeSwitch, channel: Channel) -> None:
        self.sim = sim
        self.channel = channel
        self.callee = channel.callee
        self.entries: deque[str] = deque(self.callee.dtmf)
        self.timeline = AudioTimeline()
        self.answered_at_s = 0.0
        self._barged = False
        self._tentative: asyncio.Task[None] | None = None

    # ----- audio
    def answered(self) -> None:
        self.answered_at_s = asyncio.get_running_loop().time()
        greeting = self._clip(self.callee.greeting, "greeting")
        if greeting is None and self.callee.fax:
            greeting = load_pcm_safe("synth:fax")
        if greeting is not None:
            self.timeline.place(0, greeting)
        if self.callee.hangup_after_ms is not None:
            self.channel.spawn(self._hang_up_later(self.callee.hangup_after_ms))

    def now_sample(self) -> int:
        return int((asyncio.get_running_loop().time() - self.answered_at_s) * RATE_HZ)

    def speak_into_record(self) -> int:
        """The callee starts its `speech` now (record section); returns its length in ms."""
        clip = self._clip(self.callee.speech, "speech")
        if clip is None:
            return 0
        self.timeline.place(self.now_sample(), clip)
        return len(clip) * 1000 // RATE_HZ

    def speech_pcm(self) -> Pcm:
        return self._clip(self.callee.speech, "speech") or silence(0)

    def _clip(self, path: object, what: str) -> Pcm | None:
        if path is None:
            return None
        try:
            return load_pcm(path)  # type: ignore[arg-type]
        except (OSError, RuntimeError, ValueError) as exc:
            log.warning("callee %s %s unreadable: %s", what, path, exc)
            return None

    async def _hang_up_later(self, delay_ms: int) -> None:
        await asyncio.sleep(delay_ms / 1000.0)
        self.channel.hangup("NORMAL_CLEARING", "recv_bye")

    # ----- digits
    def app_started(self, app: str) -> None:
        if app in _MEDIA_APPS and self._tentative is not None:
            self._tentative.cancel()
            self._tentative = None

    def prompt_started(self) -> None:
        """A prompt begins; a barging-in callee presses its next entry dtmf_delay_ms into it."""
        self._barged = False
        if self._tentative is not None:
            self._tentative.cancel()
            self._tentative = None
        if self.callee.press_during_prompt and self.entries:
            self._barged = True
            self._press_entry(self.entries.popleft())

    def prompt_ended(self, *, collecting: bool) -> None:
        """A prompt ended (played out or interrupted); collecting prompts consume the next entry."""
        if self._barged:
            self._barged = False
            return
        if collecting:
            if self.entries:
                self._press_entry(self.entries.popleft())
        elif self.entries:
            self._tentative = self.channel.spawn(self._press_if_still_waiting())

    async def _press_if_still_waiting(self) -> None:
        await asyncio.sleep(max(self.callee.dtmf_delay_ms, IDLE_COLLECT_MS) / 1000.0)
        self._tentative = None
        if self.entries and self.channel.alive:
            digits = self.entries.popleft()
            await self._press_digits(digits, first_delay_ms=0)

    def _press_entry(self, digits: str) -> None:
        if digits:
            self.channel.spawn(self._press_digits(digits, first_delay_ms=self.callee.dtmf_delay_ms))

    async def _press_digits(self, digits: str, first_delay_ms: int) -> None:
        delay_ms = first_delay_ms
        for digit in digits:
            await asyncio.sleep(delay_ms / 1000.0)
            self.channel.press(digit)
            delay_ms = self.callee.dtmf_delay_ms

    def stop(self) -> None:
        if self._tentative is not None:
            self._tentative.cancel()


def load_pcm_safe(kind: str) -> Pcm | None:
    try:
        return load_pcm(kind)
    except (OSError, RuntimeError, ValueError):
        return None
