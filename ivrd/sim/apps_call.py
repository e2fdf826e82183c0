"""Call-control applications: answer, hangup, variables, sleep, sched_hangup, transfer, conference, bridge."""

from __future__ import annotations

import asyncio
import uuid as uuid_module

from ivrd.sim.api import schedule_hangup
from ivrd.sim.channel import Channel, now_us
from ivrd.sim.dialstring import DialStringError, OriginatePlan, parse_endpoint, parse_variables, split_args
from ivrd.sim.executor import AppCall, application, media_wait
from ivrd.sim.lifecycle import answer_channel, ring_and_answer
from ivrd.sim.origins import cause_name
from ivrd.sim.profile import Profile


@application("answer")
async def answer(call: AppCall) -> str:
    answer_channel(call.sim, call.channel)
    return "_none_"


@application("pre_answer")
async def pre_answer(call: AppCall) -> str:
    if call.channel.answer_state == "ringing":
        call.channel.mark_pre_answered()
    return "_none_"


@application("ring_ready")
async def ring_ready(call: AppCall) -> str:
    if call.channel.answer_state == "ringing":
        call.channel.mark_ring_ready()
    return "_none_"


@application("hangup")
async def hangup(call: AppCall) -> str:
    cause = cause_name(call.arg) if call.arg.strip() else None
    call.channel.hangup(cause or "NORMAL_CLEARING")
    return "_none_"


@application("set")
async def set_variable(call: AppCall) -> str:
    name, _, value = call.arg.partition("=")
    if name.strip():
        call.channel.set_var(name.strip(), value or None)
    return "_none_"


@application("export")
async def export_variable(call: AppCall) -> str:
    name, _, value = call.arg.partition("=")
    name = name.strip().removeprefix("nolocal:")
    if name:
        call.channel.set_var(name, value or None)
        exported = [n for n in (call.channel.get_var("export_vars") or "").split(",") if n]
        if name not in exported:
            call.channel.set_var("export_vars", ",".join([*exported, name]))
    return "_none_"


@application("multiset")
async def multiset(call: AppCall) -> str:
    text = call.arg
    if text.startswith("^^") and len(text) > 2:
        pairs = parse_variables(text)
    else:
        pairs = [(n, v) for n, _, v in (item.partition("=") for item in text.split()) if n]
    for name, value in pairs:
        call.channel.set_var(name, value or None)
    return "_none_"


@application("unset")
async def unset(call: AppCall) -> str:
    call.channel.set_var(call.arg.strip(), None)
    return "_none_"


@application("log", "info", "send_dtmf", "start_dtmf", "stop_dtmf", "ring_ready_noop", "bind_meta_app",
             "unbind_meta_app")
async def no_media_effect(call: AppCall) -> str:
    return "_none_"


@application("sleep")
async def sleep(call: AppCall) -> str:
    channel = call.channel
    try:
        sleep_ms = max(int(call.arg.strip() or "0"), 0)
    except ValueError:
        sleep_ms = 0
    eat = (channel.get_var("sleep_eat_digits") or "").lower() == "true"
    channel.collecting = eat
    channel.digits.clear()
    try:
        await media_wait(call.sim, channel, sleep_ms, digits=eat, breakable=False)
    finally:
        channel.collecting = False
        channel.digits.clear()
    return "_none_"


@application("sched_hangup")
async def sched_hangup(call: AppCall) -> str:
    parts = call.arg.split()
    if parts:
        schedule_hangup(call.channel, parts[0], parts[1] if len(parts) > 1 else "ALLOTTED_TIMEOUT")
    return "_none_"


def request_transfer(channel: Channel, destination: str) -> bool:
    """Leave the current extension for `<dest> [<dialplan> [<context>]]` (inline: `app:arg,app:arg`)."""
    parts = split_args(destination)
    if not parts:
        return False
    dialplan = parts[1].lower() if len(parts) > 1 else "xml"
    if dialplan == "inline":
        steps = [(app, arg) for app, _, arg in (item.partition(":") for item in parts[0].split(","))]
    else:
        steps = [("park", "")]
    channel.pending_transfer = steps
    if dialplan != "inline":
        channel.profile.destination_number = parts[0]
    channel.leave_park = True
    channel.break_requested = True
    channel.poke()
    return True


@application("transfer")
async def transfer(call: AppCall) -> str:
    request_transfer(call.channel, call.arg)
    return "_none_"


@application("conference")
async def conference(call: AppCall) -> str:
    """Joins a room and stays until the leg hangs up or is transferred away."""
    channel = call.channel
    room = call.arg.split("@")[0].split("+")[0]
    _conference_event(call, room, "add-member")
    await channel.wait(None, breakable=True)
    channel.break_requested = False
    _conference_event(call, room, "del-member")
    return "_none_"


def _conference_event(call: AppCall, room: str, action: str) -> None:
    event = call.sim.new_event("CUSTOM", "conference::maintenance")
    event.extend([("Conference-Name", room), ("Conference-Size", "1"), ("Conference-Profile-Name", "default"),
                  *call.channel.basic_headers(), ("Action", action), ("Member-ID", "1")])
    call.sim.publish(event)


@application("bridge")
async def bridge(call: AppCall) -> str:
    """Dial a B-leg (a scripted callee matched by number), bridge while both are up."""
    a_leg = call.channel
    try:
        plan = _bridge_plan(call.arg)
    except DialStringError:
        a_leg.set_var("originate_disposition", "INVALID_URL")
        return "_none_"
    b_leg = _b_leg(call, plan)
    try:
        await _ring_b_leg(call, b_leg, plan)
        if not b_leg.answered or not b_leg.alive or not a_leg.alive:
            cause = b_leg.hangup_cause or "ORIGINATOR_CANCEL"
            b_leg.hangup("ORIGINATOR_CANCEL" if not a_leg.alive else cause)
            _set_bridge_failure(a_leg, b_leg.hangup_cause or cause)
            return "_none_"
        answer_channel(call.sim, a_leg)
        await _talk(call, a_leg, b_leg)
    finally:
        b_leg.finish_hangup()
    return "_none_"


async def _ring_b_leg(call: AppCall, b_leg: Channel, plan: OriginatePlan) -> None:
    """Ring the B-leg until it answers or fails; the A-leg hanging up cancels it at once."""
    a_leg = call.channel
    result: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    ringing = asyncio.ensure_future(
        ring_and_answer(call.sim, b_leg, plan, result, return_on_early_media=False))
    a_gone = asyncio.ensure_future(a_leg.hung_up.wait())
    try:
        await asyncio.wait([ringing, a_gone], return_when=asyncio.FIRST_COMPLETED)
        if not ringing.done():
            b_leg.hangup("ORIGINATOR_CANCEL", "send_cancel")
        await ringing
    finally:
        a_gone.cancel()
        ringing.cancel()


def _bridge_plan(arg: str) -> OriginatePlan:
    plan = OriginatePlan(endpoint="", number="", channel_name="", timeout_s=60.0)
    dial = arg.strip()
    while dial[:1] in ("{", "[", "<"):
        closer = {"{": "}", "[": "]", "<": ">"}[dial[0]]
        end = dial.find(closer)
        if end < 0:
            raise DialStringError("-ERR INVALID_URL\n")
        plan.variables.update(dict(parse_variables(dial[1:end])))
        dial = dial[end + 1 :]
    parse_endpoint(dial, plan)
    for key in ("leg_timeout", "originate_timeout", "call_timeout"):
        if plan.variables.get(key, "").isdigit():
            plan.timeout_s = float(plan.variables[key])
            break
    return plan


def _b_leg(call: AppCall, plan: OriginatePlan) -> Channel:
    a_leg = call.channel
    b_uuid = plan.variables.get("origination_uuid") or str(uuid_module.uuid4())
    profile = Profile(direction="outbound", caller_id_name=a_leg.profile.caller_id_name,
                      caller_id_number=a_leg.profile.caller_id_number, destination_number=plan.number,
                      channel_name=plan.channel_name, unique_id=b_uuid, source="src/switch_ivr_originate.c",
                      callee_id_name="Outbound Call", callee_id_number=plan.number,
                      network_addr=call.sim.factory.ipv4, ani=a_leg.profile.caller_id_number)
    variables = {"direction": "outbound", "is_outbound": "true", "uuid": b_uuid, "call_uuid": a_leg.uuid}
    b_leg = Channel(call.sim, profile, call.sim.scenario.callee_for(plan.number), variables)
    b_leg.set_var("channel_name", plan.channel_name)
    for name in (a_leg.get_var("export_vars") or "").split(","):
        if name and a_leg.get_var(name):
            b_leg.set_var(name, a_leg.get_var(name))
    for name, value in plan.variables.items():
        b_leg.set_var(name, value)
    b_leg.other, b_leg.other_type = a_leg, "originator"
    a_leg.other, a_leg.other_type = b_leg, "originatee"
    call.sim.add_channel(b_leg)
    return b_leg


def _set_bridge_failure(a_leg: Channel, cause: str) -> None:
    status = {"USER_BUSY": "BUSY", "NO_ANSWER": "NOANSWER", "NO_USER_RESPONSE": "NOANSWER",
              "ORIGINATOR_CANCEL": "CANCEL"}.get(cause, "CHANUNAVAIL")
    a_leg.set_var("originate_disposition", cause)
    a_leg.set_var("DIALSTATUS", status)
    a_leg.set_var("originate_failed_cause", cause)
    a_leg.other, a_leg.other_type = None, ""


async def _talk(call: AppCall, a_leg: Channel, b_leg: Channel) -> None:
    ids = [("Bridge-A-Unique-ID", a_leg.uuid), ("Bridge-B-Unique-ID", b_leg.uuid)]
    a_leg.set_var("originate_disposition", "SUCCESS")
    a_leg.set_var("DIALSTATUS", "SUCCESS")
    a_leg.set_var("bridge_uuid", b_leg.uuid)
    a_leg.set_var("last_bridge_to", b_leg.uuid)
    a_leg.profile.times_us["bridged"] = now_us()
    b_leg.set_state("CS_EXCHANGE_MEDIA")
    a_leg.fire("CHANNEL_BRIDGE", pre=ids)
    a_leg.media_running = True
    waiters = [asyncio.ensure_future(b_leg.hung_up.wait()),
               asyncio.ensure_future(a_leg.wait(None, breakable=True))]
    try:
        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
    finally:
        a_leg.media_running = False
        a_leg.break_requested = False
        for waiter in waiters:
            waiter.cancel()
    b_cause = b_leg.hangup_cause or "NORMAL_CLEARING"
    if b_leg.alive:
        b_leg.hangup("NORMAL_CLEARING")
    a_leg.set_var("bridge_hangup_cause", b_cause)
    a_leg.set_var("last_bridge_hangup_cause", b_cause)
    a_leg.fire("CHANNEL_UNBRIDGE", pre=ids)
    a_leg.other, a_leg.other_type = None, ""
    if a_leg.alive and (a_leg.get_var("hangup_after_bridge") or "").lower() == "true":
        a_leg.hangup("NORMAL_CLEARING")
