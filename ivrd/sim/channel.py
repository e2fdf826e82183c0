"""A simulated channel: its state, caller profile and variables, and the events it fires."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from ivrd.sim import wire
from ivrd.sim.events import Event, EventFactory
from ivrd.sim.origins import CALLSTATE_NUMBERS, ORIGINS, SIP_STATUS, STATE_NUMBERS, VARIABLE_EVENTS, q850
from ivrd.sim.profile import Profile

if TYPE_CHECKING:
    from ivrd.sim.scenario import Callee

_session_ids = itertools.count(1)

HANGUP = "hangup"
DIGIT = "digit"
BREAK = "break"
MESSAGE = "message"
TIMEOUT = "timeout"


class Switch(Protocol):
    """What a channel needs from the simulated FreeSWITCH it lives in."""

    factory: EventFactory

    def publish(self, event: Event) -> None: ...

    def channel_gone(self, channel: Channel) -> None: ...


_CODECS = {"PCMU": (8000, 64000), "PCMA": (8000, 64000), "G729": (8000, 8000), "GSM": (8000, 13200),
           "G722": (16000, 64000), "OPUS": (48000, 0), "SPEEX": (8000, 0)}


def codec_for(text: str) -> tuple[str, int, int]:
    """(name, rate_hz, bit_rate) of the first codec in a codec string such as `G722` or `L16@16000h`."""
    name, _, options = text.strip().strip("'").partition("@")
    name = name.upper()
    if name == "L16":
        digits = options.lower().partition("h")[0]
        rate_hz = int(digits) if digits.isdigit() and int(digits) >= 8000 else 8000
        return name, rate_hz, rate_hz * 16
    if name in _CODECS:
        rate_hz, bit_rate = _CODECS[name]
        return name, rate_hz, bit_rate
    return "PCMU", 8000, 64000


def now_us() -> int:
    return int(time.time() * 1_000_000)


@dataclass
class Message:
    """A queued sendmsg (call-command execute/hangup)."""

    command: str
    app: str = ""
    arg: str = ""
    event_lock: bool = False
    loops: int = 1
    app_uuid: str = ""
    app_uuid_name: str = ""
    hangup_cause: str = "NORMAL_CLEARING"
    headers: list[tuple[str, str]] = field(default_factory=list)


class Channel:
    """One call leg. Mutated only from the event loop; every event it fires goes through `fire`."""

    def __init__(self, switch: Switch, profile: Profile, callee: Callee, variables: dict[str, str]) -> None:
        self.switch = switch
        self.profile = profile
        self.callee = callee
        self.uuid = profile.unique_id
        self.direction = profile.direction
        self.running_state = "CS_NEW"
        self.state_number = 0
        self.callstate = "DOWN"
        self.answer_state = "ringing"
        self.hangup_cause: str | None = None
        self.hit_dialplan = profile.direction == "inbound"
        self.codecs = False
        self.codec: tuple[str, int, int] = ("PCMU", 8000, 64000)
        self.other: Channel | None = None
        self.other_type = ""
        self.variables: dict[str, str] = {}
        self.created_monotonic = asyncio.get_running_loop().time()
        self.answered_monotonic: float | None = None
        self.session_id = next(_session_ids)
        profile.times_us["created"] = now_us()
        self.messages: asyncio.Queue[Message] = asyncio.Queue()
        self.digits: deque[str] = deque()
        self.collecting = False
        self.break_requested = False
        self.flush_requested = False
        self.current_lock = False
        self.wake = asyncio.Event()
        self.hung_up = asyncio.Event()
        self.finished = asyncio.Event()
        self.tasks: set[asyncio.Task[None]] = set()
        self.app_tasks: set[asyncio.Task[None]] = set()
        self.recorders: dict[str, Any] = {}
        self.app_stack: list[tuple[str, str, str, str]] = []
        self.parked = False
        self.leave_park = False
        self.pending_transfer: list[tuple[str, str]] | None = None
        self.media_running = False
        self.script: Any = None
        self.on_park: Callable[[], None] | None = None
        self.audio: Any = None
        for name, value in variables.items():
            self.set_var(name, value)

    # ----- variables and headers
    def set_var(self, name: str, value: str | None) -> None:
        """Set (moving it last, as FreeSWITCH re-adds it) or, with None/"", delete a variable."""
        self.variables.pop(name, None)
        if value:
            self.variables[name] = value

    def get_var(self, name: str) -> str | None:
        return self.variables.get(name)

    def basic_headers(self) -> list[wire.Header]:
        headers: list[wire.Header] = [
            ("Channel-State", self.running_state),
            ("Channel-Call-State", self.callstate),
            ("Channel-State-Number", str(self.state_number)),
            ("Channel-Name", self.profile.channel_name),
            ("Unique-ID", self.uuid),
            ("Call-Direction", self.direction),
            ("Presence-Call-Direction", self.direction),
            ("Channel-HIT-Dialplan", "true" if self.hit_dialplan else "false"),
            ("Channel-Call-UUID", self.variables.get("call_uuid", self.uuid)),
            ("Answer-State", self.answer_state),
        ]
        if self.hangup_cause:
            headers.append(("Hangup-Cause", self.hangup_cause))
        if self.codecs:
            name, rate_hz, bit_rate = self.codec
            for side in ("Read", "Write"):
                headers += [(f"Channel-{side}-Codec-Name", name),
                            (f"Channel-{side}-Codec-Rate", str(rate_hz)),
                            (f"Channel-{side}-Codec-Bit-Rate", str(bit_rate))]
        headers += self.profile.headers("Caller-", is_other=False)
        if self.other is not None and self.other_type:
            headers.append(("Other-Type", self.other_type))
            headers += self.other.profile.headers("Other-Leg-", is_other=True)
        return headers

    def fire(self, name: str, extra: Sequence[wire.Header] = (), pre: Sequence[wire.Header] = (),
             origin_key: str | None = None, with_variables: bool | None = None) -> Event:
        """Build a channel event (common block, pre, channel data, variables, extra) and publish it."""
        event = self.switch.factory.new(name, ORIGINS[origin_key or name])
        event.unique_id = self.uuid
        event.extend(list(pre))
        event.extend(self.basic_headers())
        wants_vars = name in VARIABLE_EVENTS if with_variables is None else with_variables
        if wants_vars or self.variables.get("verbose_events") == "true":
            event.extend([(f"variable_{key}", value) for key, value in self.variables.items()])
        event.extend(list(extra))
        self.switch.publish(event)
        return event

    # ----- state changes
    def set_state(self, state: str, number: int | None = None) -> None:
        """Enter a running state and fire CHANNEL_STATE."""
        self.running_state = state
        self.state_number = STATE_NUMBERS[state] if number is None else number
        self.fire("CHANNEL_STATE")

    def set_callstate(self, callstate: str) -> None:
        old, self.callstate = self.callstate, callstate
        self.fire("CHANNEL_CALLSTATE", pre=[("Original-Channel-Call-State", old),
                                           ("Channel-Call-State-Number", str(CALLSTATE_NUMBERS[callstate]))])

    def mark_ring_ready(self) -> None:
        self.profile.times_us["progress"] = now_us()
        self.fire("CHANNEL_PROGRESS")
        self.set_callstate("RINGING")

    @property
    def rate_hz(self) -> int:
        """The channel's media rate (what mod_sndfile looks for as a sound folder name)."""
        return self.codec[1]

    def _set_codecs(self) -> None:
        if not self.codecs:
            self.codecs = True
            wanted = self.variables.get("absolute_codec_string") or self.variables.get("codec_string") or ""
            self.codec = codec_for(wanted.split(",")[0])

    def mark_pre_answered(self) -> None:
        self.profile.times_us["progress-media"] = now_us()
        self.answer_state = "early"
        self._set_codecs()
        self.fire("CHANNEL_PROGRESS_MEDIA")
        self.set_callstate("EARLY")

    def mark_answered(self) -> None:
        if self.answered_monotonic is not None or self.hangup_cause:
            return
        self.profile.times_us["answered"] = now_us()
        self.answered_monotonic = asyncio.get_running_loop().time()
        self.answer_state = "answered"
        self._set_codecs()
        if self.direction == "outbound":
            p = self.profile
            p.orig_caller_id_name, p.orig_caller_id_number = p.caller_id_name, p.caller_id_number
            p.callee_id_name, p.callee_id_number = p.caller_id_name, p.caller_id_number
            p.caller_id_name, p.caller_id_number = "Outbound Call", p.destination_number
        self.fire("CHANNEL_ANSWER")
        self.set_callstate("ACTIVE")

    @property
    def answered(self) -> bool:
        return self.answered_monotonic is not None

    @property
    def alive(self) -> bool:
        return self.hangup_cause is None

    # ----- waiting (the media loop's view of the world)
    def poke(self) -> None:
        self.wake.set()

    async def wait(self, timeout_ms: float | None, *, digits: bool = False, breakable: bool = False,
                   messages: bool = False) -> str:
        """Sleep until timeout, hangup, or (if asked) a digit, a uuid_break or a queued message."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout_ms is None else loop.time() + max(timeout_ms, 0.0) / 1000.0
        while True:
            if self.hangup_cause:
                return HANGUP
            if digits and self.digits:
                return DIGIT
            if breakable and self.break_requested:
                return BREAK
            if messages and not self.messages.empty():
                return MESSAGE
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                return TIMEOUT
            self.wake.clear()
            try:
                await asyncio.wait_for(self.wake.wait(), remaining)
            except TimeoutError:
                continue

    def spawn(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    def spawn_app(self, coro: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        """Run an application beside the extension (execute_on_answer); the hangup waits for it."""
        task = self.spawn(coro)
        self.app_tasks.add(task)
        task.add_done_callback(self.app_tasks.discard)
        return task

    async def apps_completed(self, timeout_s: float = 2.0) -> None:
        """After the hangup: let applications running beside the extension fire their EXECUTE_COMPLETE."""
        if self.app_tasks and not self.finished.is_set():
            await asyncio.wait(list(self.app_tasks), timeout=timeout_s)

    # ----- DTMF
    def press(self, digit: str, duration_samples: int = 2000) -> None:
        """The far end sends one DTMF digit: fire DTMF, hand it to the running collector if any."""
        if not self.alive:
            return
        self.fire("DTMF", extra=[("DTMF-Digit", digit), ("DTMF-Duration", str(duration_samples)),
                                 ("DTMF-Source", "RTP")])
        if self.collecting:
            self.digits.append(digit)
        self.poke()

    # ----- hangup
    def hangup(self, cause: str = "NORMAL_CLEARING", disposition: str | None = None) -> bool:
        """First half of a hangup: set the cause and fire CHANNEL_HANGUP; the leg's task completes it."""
        if self.hangup_cause:
            return False
        self.hangup_cause = cause
        self.answer_state = "hangup"
        self.state_number = STATE_NUMBERS["CS_HANGUP"]
        self.profile.times_us["hangup"] = now_us()
        self._set_hangup_variables(cause, disposition)
        self.fire("CHANNEL_HANGUP")
        self.hung_up.set()
        self.poke()
        return True

    def _set_hangup_variables(self, cause: str, disposition: str | None) -> None:
        if disposition is None:
            disposition = "send_bye" if self.answered else "send_cancel"
        status = SIP_STATUS.get(cause)
        if status is not None and disposition.startswith("recv"):
            self.set_var("sip_term_status", str(status))
            self.set_var("proto_specific_hangup_cause", f"sip:{status}")
            self.set_var("sip_term_cause", str(q850(cause)))
        self.set_var("sip_hangup_disposition", disposition)
        self.set_var("hangup_cause", cause)
        self.set_var("hangup_cause_q850", str(q850(cause)))

    def finish_hangup(self) -> None:
        """Second half: CS_HANGUP, callstate HANGUP, CS_REPORTING, HANGUP_COMPLETE, CS_DESTROY, DESTROY."""
        if self.finished.is_set():
            return
        if not self.hangup_cause:
            self.hangup("NORMAL_CLEARING")
        self.finished.set()
        for recorder in list(self.recorders.values()):
            recorder.finish()
        for task in list(self.tasks):
            task.cancel()
        self.set_state("CS_HANGUP")
        self.set_callstate("HANGUP")
        self.set_state("CS_REPORTING")
        self._set_cdr_variables()
        cause = self.hangup_cause or "NORMAL_CLEARING"
        self.fire("CHANNEL_HANGUP_COMPLETE", pre=[("Hangup-Cause", cause)])
        self.set_state("CS_DESTROY")
        self.fire("CHANNEL_DESTROY")
        self.switch.channel_gone(self)

    def _set_cdr_variables(self) -> None:
        from ivrd.sim.cdr import cdr_variables

        for name, value in cdr_variables(self).items():
            self.set_var(name, value)
