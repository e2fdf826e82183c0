"""Media applications: playback, speak, play_and_get_digits, read and record."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from typing import Any

from ivrd.sim.channel import BREAK, DIGIT, HANGUP, Channel
from ivrd.sim.dialstring import split_args
from ivrd.sim.executor import AppCall, application, media_wait
from ivrd.sim.media import FOREVER_MS, RATE_HZ, playback_ms, resolve, silence, speak_ms, write_wav

_FILE_PARAMS = re.compile(r"^\{[^}]*\}")


@dataclass
class PromptResult:
    status: str = "done"
    digits: list[str] = field(default_factory=list)
    terminator: str = ""
    elapsed_ms: int = 0


def _script(channel: Channel) -> Any:
    return channel.script


def _terminators(channel: Channel) -> str:
    value = channel.get_var("playback_terminators")
    return "*" if value is None else value


def _stops_playback(digit: str, terminators: str) -> bool:
    if terminators == "none":
        return False
    return terminators == "any" or digit in terminators


async def play_prompt(call: AppCall, path: str, duration_ms: int, *, collect: bool,
                      fire_events: bool = True, collecting_prompt: bool = False,
                      scripted: bool = True) -> PromptResult:
    """Play one prompt; with `collect` any digit interrupts and is kept, else playback_terminators stop it."""
    channel = call.channel
    clean_path = _FILE_PARAMS.sub("", path)
    file_type = [("Playback-File-Type", kind) for kind in ("tone_stream", "local_stream")
                 if clean_path.startswith(f"{kind}://")]
    path_headers = [*file_type, ("Playback-File-Path", clean_path)]
    if fire_events:
        channel.fire("PLAYBACK_START", extra=path_headers)
    script = _script(channel) if scripted else None
    if script is not None:
        script.prompt_started()
    result = PromptResult()
    loop = asyncio.get_running_loop()
    started_s = loop.time()
    deadline_ms = None if duration_ms == FOREVER_MS else float(duration_ms)
    channel.media_running = True
    channel.collecting = True
    try:
        while True:
            remaining = None if deadline_ms is None else deadline_ms - (loop.time() - started_s) * 1000.0
            outcome = await media_wait(call.sim, channel, remaining, digits=True, breakable=True)
            if outcome == DIGIT:
                digit = channel.digits.popleft()
                if collect:
                    result.digits.append(digit)
                    result.status = "break"
                    break
                if _stops_playback(digit, _terminators(channel)):
                    result.terminator, result.status = digit, "break"
                    channel.set_var("playback_terminator_used", digit)
                    break
                continue
            if outcome == BREAK:
                channel.break_requested = False
                result.status = "break"
            elif outcome == HANGUP:
                result.status = "break"
            break
    finally:
        channel.media_running = False
        channel.collecting = False
    result.elapsed_ms = int((loop.time() - started_s) * 1000)
    samples = result.elapsed_ms * RATE_HZ // 1000
    for name, value in (("playback_last_offset_pos", samples),
                        ("playback_seconds", result.elapsed_ms // 1000),
                        ("playback_ms", result.elapsed_ms), ("playback_samples", samples)):
        channel.set_var(name, str(value))
    if fire_events and not channel.finished.is_set():
        channel.fire("PLAYBACK_STOP", extra=[*path_headers, ("Playback-Status", result.status)])
    if script is not None and channel.alive:
        script.prompt_ended(collecting=collecting_prompt or bool(result.digits))
    return result


def _duration(call: AppCall, path: str) -> int | None:
    channel = call.channel
    return playback_ms(_FILE_PARAMS.sub("", path), call.sim.media_root, channel.get_var("sound_prefix"),
                       channel.rate_hz)


@application("playback")
async def playback(call: AppCall) -> str:
    duration = _duration(call, call.arg.strip())
    if duration is None:
        return "FILE NOT FOUND"
    await play_prompt(call, call.arg.strip(), duration, collect=False)
    return "FILE PLAYED"


@application("speak")
async def speak(call: AppCall) -> str:
    text = call.arg.split("|", 2)[-1]
    await play_prompt(call, call.arg, speak_ms(text), collect=False, fire_events=False)
    return "_none_"


@dataclass
class DigitRequest:
    min_digits: int
    max_digits: int
    timeout_ms: int
    digit_timeout_ms: int
    terminators: str
    regexp: str = ""


async def _collect(call: AppCall, request: DigitRequest, typed: list[str]) -> tuple[str, str]:
    """Wait for digits after the prompt: `timeout` for the first, `digit_timeout` between; (digits, term)."""
    channel = call.channel
    digits = "".join(typed)
    channel.collecting = True
    try:
        while len(digits) < request.max_digits and channel.alive:
            wait_ms = request.digit_timeout_ms if digits else request.timeout_ms
            outcome = await media_wait(call.sim, channel, wait_ms, digits=True, breakable=False)
            if outcome != DIGIT:
                break
            digit = channel.digits.popleft()
            terminators = request.terminators.lstrip("=")
            if digit in terminators.replace("+", ""):
                if f"+{digit}" in terminators:
                    digits += digit
                return digits, digit
            digits += digit
    finally:
        channel.collecting = False
        channel.digits.clear()
    return digits, ""


def _int_arg(args: list[str], index: int, default: int) -> int:
    try:
        return int(args[index])
    except (IndexError, ValueError):
        return default


@application("play_and_get_digits")
async def play_and_get_digits(call: AppCall) -> str:
    args = split_args(call.arg)
    channel = call.channel
    min_digits = max(_int_arg(args, 0, 0), 0)
    max_digits = max(_int_arg(args, 1, 1), min_digits, 1)
    tries = max(_int_arg(args, 2, 1), 1)
    timeout_ms = max(_int_arg(args, 3, 3000), 1000)
    terminators = args[4] if len(args) > 4 and args[4] else "#"
    prompt, invalid = (args[5] if len(args) > 5 else ""), (args[6] if len(args) > 6 else "")
    var_name = args[7] if len(args) > 7 else "read_digits"
    regexp = args[8] if len(args) > 8 else ""
    digit_timeout_ms = _int_arg(args, 9, timeout_ms)
    request = DigitRequest(min_digits, max_digits, timeout_ms, digit_timeout_ms, terminators, regexp)
    digits = ""
    for _attempt in range(tries):
        typed = await _prompt_for_digits(call, prompt)
        digits, terminator = await _collect(call, request, typed)
        channel.set_var("read_terminator_used", terminator or None)
        if not channel.alive:
            break
        if len(digits) >= min_digits and digits and (not regexp or re.search(regexp, digits)):
            channel.set_var(var_name, digits)
            channel.set_var("read_result", "success")
            return "_none_"
        channel.set_var(var_name, None)
        if digits:
            channel.set_var(f"{var_name}_invalid", digits)
        if invalid and invalid != "silence":
            duration = _duration(call, invalid)
            if duration is not None:
                await play_prompt(call, invalid, duration, collect=False, scripted=False)
    channel.set_var(var_name, None)
    channel.set_var("read_result", "failure" if digits else "timeout")
    failure_ext = args[10] if len(args) > 10 else ""
    if failure_ext and channel.alive:
        from ivrd.sim.apps_call import request_transfer

        request_transfer(channel, " ".join(args[10:13]))
    return "_none_"


async def _prompt_for_digits(call: AppCall, prompt: str) -> list[str]:
    if not prompt or prompt == "silence":
        script = _script(call.channel)
        if script is not None:
            script.prompt_ended(collecting=True)
        return []
    duration = _duration(call, prompt)
    if duration is None:
        return []
    result = await play_prompt(call, prompt, duration, collect=True, collecting_prompt=True)
    return result.digits


@application("read")
async def read(call: AppCall) -> str:
    args = split_args(call.arg)
    channel = call.channel
    min_digits = max(_int_arg(args, 0, 1), 1)
    max_digits = max(_int_arg(args, 1, 1), min_digits)
    prompt = args[2] if len(args) > 2 else "silence"
    var_name = args[3] if len(args) > 3 else "read_digits"
    timeout_ms = max(_int_arg(args, 4, 3000), 1000)
    terminators = args[5] if len(args) > 5 and args[5] else "#"
    request = DigitRequest(min_digits, max_digits, timeout_ms, _int_arg(args, 6, timeout_ms), terminators)
    typed = await _prompt_for_digits(call, prompt)
    digits, terminator = await _collect(call, request, typed)
    channel.set_var("read_terminator_used", terminator or None)
    if len(digits) >= min_digits:
        channel.set_var(var_name, digits)
        channel.set_var("read_result", "success")
    else:
        channel.set_var(var_name, None)
        channel.set_var("read_result", "timeout" if not digits else "failure")
    return "_none_"


@application("record")
async def record(call: AppCall) -> str:
    """Record the callee's scripted speech then silence into a WAV, ending on limit, silence or a key."""
    channel = call.channel
    args = call.arg.split()
    if not args:
        return "_none_"
    path = resolve(args[0], call.sim.media_root, channel.get_var("sound_prefix"))
    limit_ms = _int_arg(args, 1, 0) * 1000
    threshold = _int_arg(args, 2, 0)
    hits_s = _int_arg(args, 3, 3 if threshold else 0)
    channel.fire("RECORD_START", extra=[("Record-File-Path", str(path))])
    script = _script(channel)
    start_sample = script.now_sample() if script is not None else 0
    speech_ms = script.speak_into_record() if script is not None else 0
    ends_ms = [ms for ms in (limit_ms, speech_ms + hits_s * 1000 if threshold else 0) if ms > 0]
    loop = asyncio.get_running_loop()
    started_s = loop.time()
    channel.media_running = True
    channel.collecting = True
    terminator = ""
    try:
        while True:
            remaining = min(ends_ms) - (loop.time() - started_s) * 1000.0 if ends_ms else None
            outcome = await media_wait(call.sim, channel, remaining, digits=True, breakable=True)
            if outcome == DIGIT:
                digit = channel.digits.popleft()
                if not _stops_playback(digit, _terminators(channel)):
                    continue
                terminator = digit
            break
    finally:
        channel.media_running = False
        channel.collecting = False
        channel.break_requested = False
    elapsed_ms = int((loop.time() - started_s) * 1000)
    samples = elapsed_ms * RATE_HZ // 1000
    audio = script.timeline.read(start_sample, samples) if script is not None else silence(samples)
    rate_hz = _int_arg([channel.get_var("record_sample_rate") or ""], 0, channel.rate_hz)
    write_wav(path, audio, rate_hz)
    exhausted = bool(threshold) and not terminator and (not limit_ms or elapsed_ms < limit_ms - 5)
    for name, value in (("record_seconds", str(elapsed_ms // 1000)), ("record_ms", str(elapsed_ms)),
                        ("record_samples", str(elapsed_ms * rate_hz // 1000)),
                        ("silence_hits_exhausted", "true" if exhausted else "false"),
                        ("playback_terminator_used", terminator or None)):
        channel.set_var(name, value)
    if not channel.finished.is_set():
        channel.fire("RECORD_STOP", extra=[("Record-File-Path", str(path))])
    return "_none_"
