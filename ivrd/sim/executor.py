"""Running applications on a channel: CHANNEL_EXECUTE/…_COMPLETE, park, queued sendmsg and nesting."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ivrd.sim.channel import BREAK, HANGUP, MESSAGE, Channel, Message, now_us

if TYPE_CHECKING:
    from ivrd.sim.server import SimFreeSwitch


@dataclass
class AppCall:
    """What an application implementation receives."""

    sim: SimFreeSwitch
    channel: Channel
    app: str
    arg: str


AppFunction = Callable[[AppCall], Awaitable[str]]
APPS: dict[str, AppFunction] = {}
MEDIA_APPS = frozenset({"playback", "speak", "play_and_get_digits", "read", "record", "bridge",
                        "conference", "transfer", "hangup"})


def application(*names: str) -> Callable[[AppFunction], AppFunction]:
    """Register an application implementation under one or more names."""

    def register(function: AppFunction) -> AppFunction:
        for name in names:
            APPS[name] = function
        return function

    return register


async def run_app(sim: SimFreeSwitch, channel: Channel, app: str, arg: str = "", *,
                  app_uuid: str = "", app_uuid_name: str = "", event_lock: bool = False) -> str | None:
    """Execute one application with its EXECUTE / EXECUTE_COMPLETE pair; None if it does not exist."""
    function = APPS.get(app)
    if function is None:
        channel.hangup("DESTINATION_OUT_OF_ORDER")
        return None
    app_uuid = app_uuid or str(uuid.uuid4())
    channel.set_var("current_application_data", arg)
    channel.set_var("current_application", app)
    ids = [("Application-UUID", app_uuid), ("Application-UUID-Name", app_uuid_name)]
    channel.fire("CHANNEL_EXECUTE", extra=[("Application", app), ("Application-Data", arg), *ids])
    script = getattr(channel, "script", None)
    if script is not None:
        script.app_started(app)
    channel.app_stack.append((app, arg, app_uuid, app_uuid_name))
    previous_lock, channel.current_lock = channel.current_lock, event_lock
    try:
        response = await function(AppCall(sim, channel, app, arg))
    finally:
        channel.app_stack.pop()
        channel.current_lock = previous_lock
    if channel.finished.is_set():
        return response
    completion = [("Application", app), ("Application-Data", arg),
                  ("Application-Response", response or "_none_"), *ids]
    channel.fire("CHANNEL_EXECUTE_COMPLETE", extra=completion)
    return response


async def process_message(sim: SimFreeSwitch, channel: Channel, message: Message) -> None:
    """Consume one queued sendmsg the way switch_ivr_parse_event does."""
    if message.command == "hangup":
        channel.hangup(message.hangup_cause)
        return
    if message.command != "execute" or not message.app:
        return
    loops = message.loops if message.loops != 0 else 1
    count = 0
    while channel.alive and (loops < 0 or count < loops):
        started_s = asyncio.get_running_loop().time()
        await run_app(sim, channel, message.app, message.arg, app_uuid=message.app_uuid,
                      app_uuid_name=message.app_uuid_name, event_lock=message.event_lock)
        count += 1
        if loops != 1 and asyncio.get_running_loop().time() - started_s < 0.5:
            break
    if channel.alive:
        channel.fire("PRIVATE_COMMAND", pre=message.headers)


async def media_wait(sim: SimFreeSwitch, channel: Channel, timeout_ms: float | None, *,
                     digits: bool = False, breakable: bool = True) -> str:
    """Wait inside a media loop; without event-lock, queued messages run nested and pause the clock."""
    loop = asyncio.get_running_loop()
    deadline = None if timeout_ms is None else loop.time() + timeout_ms / 1000.0
    while True:
        remaining_ms = None if deadline is None else (deadline - loop.time()) * 1000.0
        result = await channel.wait(remaining_ms, digits=digits, breakable=breakable,
                                    messages=not channel.current_lock)
        if result != MESSAGE:
            return result
        started_s = loop.time()
        await process_message(sim, channel, channel.messages.get_nowait())
        if deadline is not None:
            deadline += loop.time() - started_s


@application("park")
async def park(call: AppCall) -> str:
    channel = call.channel
    channel.parked = True
    channel.fire("CHANNEL_PARK")
    if channel.on_park is not None:
        channel.on_park()
        channel.on_park = None
    while channel.alive and not channel.leave_park:
        result = await channel.wait(None, messages=True, breakable=True)
        if result == HANGUP:
            break
        if result == BREAK:
            channel.break_requested = False
        if result == MESSAGE:
            await process_message(call.sim, channel, channel.messages.get_nowait())
    channel.parked = False
    channel.break_requested = False
    if channel.alive:
        channel.fire("CHANNEL_UNPARK")
    channel.leave_park = False
    return "_none_"


async def run_extension(sim: SimFreeSwitch, channel: Channel, app: str, arg: str) -> None:
    """The leg's own thread after answer: run its extension (and any transfer target), then hang up."""
    if channel.alive and channel.running_state != "CS_EXECUTE":
        channel.set_state("CS_EXECUTE")
    steps = [(app, arg)]
    while channel.alive and steps:
        for step_app, step_arg in steps:
            if not channel.alive or channel.pending_transfer is not None:
                break
            await run_app(sim, channel, step_app, step_arg)
        steps, channel.pending_transfer = channel.pending_transfer or [], None
        if steps and channel.alive:
            channel.break_requested = False
            channel.profile.times_us["transfer"] = now_us()
            channel.set_state("CS_ROUTING")
            channel.set_state("CS_EXECUTE")
    if channel.alive:
        channel.hangup("NORMAL_CLEARING")
