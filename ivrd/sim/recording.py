"""Session recordings (record_session, uuid_record): the far end's audio written in real time."""

from __future__ import annotations

import asyncio
import contextlib
import wave
from pathlib import Path
from typing import IO, TYPE_CHECKING

from ivrd.sim.dialstring import parse_variables
from ivrd.sim.executor import AppCall, application
from ivrd.sim.media import RATE_HZ, resolve, upsample

if TYPE_CHECKING:
    from ivrd.sim.channel import Channel
    from ivrd.sim.server import SimFreeSwitch

CHUNK_MS = 20
DEFAULT_FILE_BUFFER_BYTES = 65536  # FreeSWITCH's SWITCH_DEFAULT_FILE_BUFFER_LEN
_ZEROS = bytes(16000 * 2)  # one second of 16 kHz silence, sliced for silent chunks


def _recording_var(channel: Channel, variables: dict[str, str], name: str) -> str:
    """A recording variable: from the `{...}` given with the recording, else the channel's."""
    return variables.get(name) or channel.get_var(name) or ""


def _rate_for(path: Path, channel: Channel, variables: dict[str, str]) -> int:
    if path.suffix == ".r16":
        return 16000
    if path.suffix == ".r8":
        return 8000
    text = _recording_var(channel, variables, "record_sample_rate")
    return int(text) if text.isdigit() else channel.rate_hz


def _write_buffer_bytes(channel: Channel, variables: dict[str, str]) -> int:
    """`enable_file_write_buffering`: a byte count, true (64 KiB) or false. FreeSWITCH buffers 64 KiB when
    it is unset; the simulator then writes every 20 ms, so readers of the file see the audio at once."""
    text = _recording_var(channel, variables, "enable_file_write_buffering").strip().lower()
    if text.isdigit():
        return int(text)
    return DEFAULT_FILE_BUFFER_BYTES if text in ("true", "yes", "on", "enabled", "active", "allow") else 0


class RecorderClock:
    """One 20 ms tick for every session recording of a simulator (instead of a timer per recording)."""

    def __init__(self) -> None:
        self.active: set[SessionRecorder] = set()
        self._task: asyncio.Task[None] | None = None

    def add(self, recorder: SessionRecorder) -> None:
        self.active.add(recorder)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())

    def discard(self, recorder: SessionRecorder) -> None:
        self.active.discard(recorder)

    def stop(self) -> None:
        """The simulator stops or restarts: recordings end where they are, without events."""
        for recorder in list(self.active):
            recorder.abandon()
        self.active.clear()
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.active:
            await asyncio.sleep(CHUNK_MS / 1000.0)
            now_s = loop.time()
            for recorder in list(self.active):
                recorder.tick(now_s)


def _clock(sim: object) -> RecorderClock:
    """The simulator's shared clock (created on first use, so any Switch works)."""
    clock = getattr(sim, "recorder_clock", None)
    if not isinstance(clock, RecorderClock):
        clock = RecorderClock()
        sim.recorder_clock = clock  # type: ignore[attr-defined]
    return clock


class SessionRecorder:
    """Writes what the far end says (greeting, then silence) to .wav/.r8/.r16 as the call runs."""

    def __init__(self, channel: Channel, path: Path, limit_s: float | None,
                 variables: dict[str, str] | None = None) -> None:
        self.channel = channel
        self.path = path
        self.limit_s = limit_s
        self.variables = variables or {}
        self.rate_hz = _rate_for(path, channel, self.variables)
        self._buffer_bytes = _write_buffer_bytes(channel, self.variables)
        self._pending = bytearray()
        self.raw = path.suffix in (".r8", ".r16", ".raw")
        self._file: IO[bytes] | None = None
        self._wave: wave.Wave_write | None = None
        self._written = 0
        self._source_offset = 0
        self._started_s = 0.0
        self._done = False
        self._clock = _clock(channel.switch)

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = self.path.open("wb", buffering=0)
        if not self.raw:
            self._wave = wave.open(self._file, "wb")  # noqa: SIM115 - closed in finish()
            self._wave.setnchannels(1)
            self._wave.setsampwidth(2)
            self._wave.setframerate(self.rate_hz)
        script = self.channel.script
        self._source_offset = script.now_sample() if script is not None else 0
        self._started_s = asyncio.get_running_loop().time()
        self.channel.recorders[str(self.path)] = self
        self.channel.fire("RECORD_START", extra=[("Record-File-Path", str(self.path))],
                          origin_key="SESSION_RECORD_START")
        self._clock.add(self)

    def tick(self, now_s: float) -> None:
        elapsed_s = now_s - self._started_s
        if self.limit_s is not None and elapsed_s >= self.limit_s:
            self.finish("success-maxtime")
        else:
            self._write_until(elapsed_s)

    def _write_until(self, elapsed_s: float) -> None:
        if self.limit_s is not None:
            elapsed_s = min(elapsed_s, self.limit_s)
        target = int(elapsed_s * RATE_HZ)
        count = target - self._written
        if count <= 0 or self._file is None:
            return
        script = self.channel.script
        start = self._source_offset + self._written
        if script is None or script.timeline.is_silent(start, count):
            size = count * 2 * self.rate_hz // RATE_HZ
            data = _ZEROS[:size] if size <= len(_ZEROS) else bytes(size)
        else:
            data = upsample(script.timeline.read(start, count), self.rate_hz).tobytes()
        self._written = target
        if self._buffer_bytes:
            self._pending += data
            whole = len(self._pending) // self._buffer_bytes * self._buffer_bytes
            if not whole:
                return
            data = bytes(self._pending[:whole])
            del self._pending[:whole]
        self._store(data)

    def _store(self, data: bytes) -> None:
        if self._wave is not None:
            self._wave.writeframes(data)
        elif self._file is not None:
            self._file.write(data)

    def abandon(self) -> None:
        self._done = True
        with contextlib.suppress(OSError):
            if self._file is not None:
                self._file.close()

    def finish(self, completion_cause: str | None = None) -> None:
        """Flush what is due, close the file, set record_* variables and fire RECORD_STOP."""
        if self._done:
            return
        self._done = True
        self._clock.discard(self)
        self._write_until(asyncio.get_running_loop().time() - self._started_s)
        if self._pending:
            self._store(bytes(self._pending))
            self._pending.clear()
        with contextlib.suppress(OSError):
            if self._wave is not None:
                self._wave.close()
            if self._file is not None:
                self._file.close()
        self.channel.recorders.pop(str(self.path), None)
        ms = self._written * 1000 // RATE_HZ
        channel = self.channel
        for name, value in (("record_seconds", ms // 1000), ("record_ms", ms),
                            ("record_samples", self._written * self.rate_hz // RATE_HZ)):
            channel.set_var(name, str(value))
        if completion_cause:
            channel.set_var("record_completion_cause", completion_cause)
        extra = [("Record-File-Path", str(self.path))]
        if completion_cause:
            extra.append(("Record-Completion-Cause", completion_cause))
        channel.fire("RECORD_STOP", extra=extra, origin_key="SESSION_RECORD_STOP")


def stop_all(sim: object) -> None:
    """Every session recording of a simulator ends silently (stop, restart)."""
    _clock(sim).stop()


def _limit_and_variables(tokens: list[str]) -> tuple[str, dict[str, str]]:
    """`[<limit>] [{var=value,...}]` after a recording path."""
    limit_text, variables = "", {}
    for token in tokens:
        if token.startswith("{") and token.endswith("}"):
            variables = dict(parse_variables(token[1:-1]))
        elif not limit_text:
            limit_text = token
    return limit_text, variables


def start_recording(sim: SimFreeSwitch, channel: Channel, path_text: str, limit_text: str = "",
                    variables: dict[str, str] | None = None) -> bool:
    path = resolve(path_text, sim.media_root, channel.get_var("sound_prefix"))
    if str(path) in channel.recorders:
        return False
    limit = limit_text.lstrip("+")
    try:
        limit_s = float(limit) if limit else None
    except ValueError:
        limit_s = None
    try:
        SessionRecorder(channel, path, limit_s if limit_s and limit_s > 0 else None, variables).start()
    except OSError:
        return False
    return True


def stop_recording(sim: SimFreeSwitch, channel: Channel, path_text: str) -> bool:
    if path_text == "all":
        found = bool(channel.recorders)
        for recorder in list(channel.recorders.values()):
            recorder.finish()
        return found
    path = resolve(path_text, sim.media_root, channel.get_var("sound_prefix"))
    recorder = channel.recorders.get(str(path))
    if recorder is None:
        return False
    recorder.finish()
    return True


@application("record_session")
async def record_session(call: AppCall) -> str:
    parts = call.arg.split()
    if parts:
        limit_text, variables = _limit_and_variables(parts[1:])
        start_recording(call.sim, call.channel, parts[0], limit_text, variables)
    return "_none_"


@application("stop_record_session")
async def stop_record_session(call: AppCall) -> str:
    stop_recording(call.sim, call.channel, call.arg.strip() or "all")
    return "_none_"


def uuid_record(sim: SimFreeSwitch, args: str) -> str:
    """`uuid_record <uuid> start|stop|mask|unmask <path> [<limit>]`."""
    parts = args.split()
    if len(parts) < 3:
        return "-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n"
    channel = sim.channels.get(parts[0])
    if channel is None or not channel.alive:
        return "-ERR Cannot locate session!\n"
    action, path_text = parts[1].lower(), parts[2]
    if action == "start":
        limit_text, variables = _limit_and_variables(parts[3:])
        ok = start_recording(sim, channel, path_text, limit_text, variables)
        return "+OK Success\n" if ok else "-ERR Cannot record session!\n"
    if action == "stop":
        stopped = stop_recording(sim, channel, path_text)
        return "+OK Success\n" if stopped else "-ERR Cannot stop record session!\n"
    if action in ("mask", "unmask"):
        known = path_text == "all" or str(resolve(path_text, sim.media_root)) in channel.recorders
        return "+OK Success\n" if known else f"-ERR Cannot {action} recording session!\n"
    return "-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n"
