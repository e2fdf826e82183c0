"""The `api`/`bgapi` commands: originate, uuid_*, show channels, status, hupall, sim_stats, ..."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from ivrd.sim.channel import Channel, Message
from ivrd.sim.origins import cause_name

if TYPE_CHECKING:
    from ivrd.sim.server import SimFreeSwitch

NO_CHANNEL = "-ERR No such channel!\n"
ApiFunction = Callable[["ApiCommands", str], Awaitable[str]]


class ApiCommands:
    """Executes API command lines; every result is the api/response body FreeSWITCH would send."""

    def __init__(self, sim: SimFreeSwitch) -> None:
        self.sim = sim

    async def execute(self, line: str) -> str:
        name, _, args = line.strip().partition(" ")
        function = _API.get(name.lower())
        if function is None:
            return f"-ERR {name} Command not found!\n"
        output = await function(self, args.strip())
        return output if output else "-ERR no reply\n"

    async def background(self, line: str, job_uuid: str) -> None:
        body = await self.execute(line)
        name, _, args = line.strip().partition(" ")
        event = self.sim.new_event("BACKGROUND_JOB")
        event.extend([("Job-UUID", job_uuid), ("Job-Command", name), ("Job-Command-Arg", args)])
        event.body = body
        self.sim.publish(event)

    def channel(self, uuid_text: str) -> Channel | None:
        channel = self.sim.channels.get(uuid_text)
        return channel if channel is not None and channel.alive else None


async def _originate(api: ApiCommands, args: str) -> str:
    from ivrd.sim.lifecycle import originate

    return await originate(api.sim, args)


async def _uuid_kill(api: ApiCommands, args: str) -> str:
    parts = args.split()
    channel = api.channel(parts[0]) if parts else None
    if channel is None:
        return NO_CHANNEL
    cause = cause_name(parts[1]) if len(parts) > 1 else "NORMAL_CLEARING"
    channel.hangup(cause or "NORMAL_CLEARING")
    return "+OK\n"


async def _uuid_break(api: ApiCommands, args: str) -> str:
    parts = args.split()
    channel = api.channel(parts[0]) if parts else None
    if channel is None:
        return NO_CHANNEL
    if len(parts) > 1 and parts[1] in ("all", "both"):
        while not channel.messages.empty():
            channel.messages.get_nowait()
    targets = [channel] + ([channel.other] if len(parts) > 1 and parts[1] == "both" and channel.other else [])
    for target in targets:
        if target is not None and target.media_running:
            target.break_requested = True
            target.poke()
    return "+OK\n"


async def _uuid_exists(api: ApiCommands, args: str) -> str:
    return "true" if api.channel(args.split()[0] if args else "") else "false"


async def _uuid_getvar(api: ApiCommands, args: str) -> str:
    parts = args.split()
    if len(parts) < 2:
        return "-USAGE: <uuid> <var>\n"
    channel = api.channel(parts[0])
    if channel is None:
        return NO_CHANNEL
    return channel.get_var(parts[1]) or "_undef_"


async def _uuid_setvar(api: ApiCommands, args: str) -> str:
    parts = args.split(" ", 2)
    if len(parts) < 2:
        return "-USAGE: <uuid> <var> [value]\n"
    channel = api.channel(parts[0])
    if channel is None:
        return NO_CHANNEL
    channel.set_var(parts[1], parts[2] if len(parts) > 2 else None)
    return "+OK\n"


async def _uuid_send_dtmf(api: ApiCommands, args: str) -> str:
    parts = args.split()
    if len(parts) < 2:
        return "-USAGE: <uuid> <dtmf_data>\n"
    if api.channel(parts[0]) is None:
        return NO_CHANNEL
    return f"+OK {parts[0]} sent DTMF {parts[1]}.\n"


async def _sim_press(api: ApiCommands, args: str) -> str:
    """Simulator extension: the far end of <uuid> presses <digits> now."""
    parts = args.split()
    channel = api.channel(parts[0]) if parts else None
    if channel is None or len(parts) < 2:
        return NO_CHANNEL if len(parts) >= 2 else "-USAGE: <uuid> <digits>\n"
    for digit in parts[1]:
        channel.press(digit.upper())
    return "+OK\n"


async def _uuid_answer(api: ApiCommands, args: str) -> str:
    from ivrd.sim.lifecycle import answer_channel

    channel = api.channel(args.split()[0] if args else "")
    if channel is None:
        return "-ERROR\n"
    answer_channel(api.sim, channel)
    return "+OK\n"


async def _uuid_broadcast(api: ApiCommands, args: str) -> str:
    parts = args.split(" ", 2)
    channel = api.channel(parts[0]) if parts else None
    if channel is None or len(parts) < 2:
        return "-ERR invalid uuid\n"
    app, sep, app_arg = parts[1].partition("::")
    message = Message("execute", app if sep else "playback", app_arg if sep else parts[1], event_lock=True)
    channel.messages.put_nowait(message)
    channel.poke()
    return "+OK Message sent\n"


async def _uuid_transfer(api: ApiCommands, args: str) -> str:
    from ivrd.sim.apps_call import request_transfer
    from ivrd.sim.dialstring import split_args

    parts = [p for p in split_args(args) if p not in ("-bleg", "-both")]
    channel = api.channel(parts[0]) if parts else None
    if channel is None:
        return NO_CHANNEL
    return "+OK\n" if request_transfer(channel, " ".join(parts[1:])) else "-ERR\n"


async def _uuid_record(api: ApiCommands, args: str) -> str:
    from ivrd.sim.recording import uuid_record

    return uuid_record(api.sim, args)


async def _show(api: ApiCommands, args: str) -> str:
    from ivrd.sim.status import show_channels

    words = args.lower().split()
    if not words or words[0] not in ("channels", "calls"):
        return "-USAGE: calls [count]|channels [count|like <match string>] [as json]\n"
    return show_channels(api.sim, as_json="json" in words[1:])


async def _status(api: ApiCommands, args: str) -> str:
    from ivrd.sim.status import status_text

    return status_text(api.sim)


async def _version(api: ApiCommands, args: str) -> str:
    from ivrd.sim.status import VERSION

    return f"FreeSWITCH Version {VERSION} (ivrd simulator)\n"


async def _hupall(api: ApiCommands, args: str) -> str:
    parts = args.split()
    cause = (cause_name(parts[0]) if parts else None) or "MANAGER_REQUEST"
    for channel in list(api.sim.channels.values()):
        if len(parts) >= 3 and channel.get_var(parts[1]) != parts[2]:
            continue
        channel.hangup(cause)
    return "+OK hangup all channels with cause " + cause + "\n"


async def _sched_hangup(api: ApiCommands, args: str) -> str:
    parts = args.split()
    if len(parts) < 2:
        return "-USAGE: [+]<time> <uuid> [<cause>]\n"
    channel = api.channel(parts[1])
    if channel is None:
        return NO_CHANNEL
    schedule_hangup(channel, parts[0], parts[2] if len(parts) > 2 else "ALLOTTED_TIMEOUT")
    return "+OK\n"


def schedule_hangup(channel: Channel, when: str, cause_text: str) -> None:
    """Hang the channel up at `+seconds` from now (or at an epoch second), as sched_hangup does."""
    import time

    seconds = float(when[1:]) if when.startswith("+") else max(float(when) - time.time(), 0.0)
    cause = cause_name(cause_text) or "ALLOTTED_TIMEOUT"

    async def later() -> None:
        await asyncio.sleep(seconds)
        channel.hangup(cause)

    channel.spawn(later())


async def _sim_stats(api: ApiCommands, args: str) -> str:
    return json.dumps(api.sim.stats(), separators=(",", ":")) + "\n"


async def _reloadxml(api: ApiCommands, args: str) -> str:
    return "+OK [Success]\n"


async def _global_getvar(api: ApiCommands, args: str) -> str:
    return {"hostname": api.sim.hostname, "core_uuid": api.sim.core_uuid}.get(args.strip(), "")


async def _eval(api: ApiCommands, args: str) -> str:
    return args


_API: dict[str, ApiFunction] = {
    "originate": _originate, "uuid_kill": _uuid_kill, "uuid_break": _uuid_break,
    "uuid_exists": _uuid_exists, "uuid_getvar": _uuid_getvar, "uuid_setvar": _uuid_setvar,
    "uuid_send_dtmf": _uuid_send_dtmf, "uuid_answer": _uuid_answer, "uuid_broadcast": _uuid_broadcast,
    "uuid_transfer": _uuid_transfer, "uuid_record": _uuid_record, "show": _show, "status": _status,
    "version": _version, "hupall": _hupall, "sched_hangup": _sched_hangup, "sim_stats": _sim_stats,
    "sim_press": _sim_press, "reloadxml": _reloadxml, "global_getvar": _global_getvar, "eval": _eval,
}
