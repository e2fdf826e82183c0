"""Call legs from birth to destruction: originate (ring, answer or fail) and inbound calls that park."""

from __future__ import annotations

import asyncio
import contextlib
import uuid as uuid_module
from typing import TYPE_CHECKING

from ivrd.sim.callee import CalleeScript
from ivrd.sim.channel import HANGUP, Channel
from ivrd.sim.dialstring import DialStringError, OriginatePlan, parse_originate
from ivrd.sim.executor import run_app, run_extension
from ivrd.sim.origins import cause_name
from ivrd.sim.profile import Profile
from ivrd.sim.scenario import Callee

if TYPE_CHECKING:
    from ivrd.sim.server import SimFreeSwitch

PROGRESS_AFTER_MS = 20.0  # 180 Ringing arrives this long after the INVITE


async def originate(sim: SimFreeSwitch, args_text: str) -> str:
    """The `originate` API: returns `+OK <uuid>\\n` or `-ERR <CAUSE>\\n` as FreeSWITCH does."""
    try:
        plan = parse_originate(args_text)
    except DialStringError as exc:
        return str(exc)
    if plan.error_cause is not None:
        return f"-ERR {cause_name(plan.error_cause) or 'CHAN_NOT_IMPLEMENTED'}\n"
    gateways = sim.scenario.gateways
    if plan.gateway is not None and gateways is not None and plan.gateway not in gateways:
        return "-ERR INVALID_GATEWAY\n"
    leg_uuid = plan.variables.get("origination_uuid") or str(uuid_module.uuid4())
    if leg_uuid in sim.channels:
        return "-ERR NORMAL_TEMPORARY_FAILURE\n"
    channel = _outbound_channel(sim, plan, leg_uuid)
    result: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    sim.spawn(_run_outbound(sim, channel, plan, result))
    return await result


def _outbound_channel(sim: SimFreeSwitch, plan: OriginatePlan, leg_uuid: str) -> Channel:
    cid_name = plan.variables.get("origination_caller_id_name") or plan.cid_name or "FreeSWITCH"
    cid_num = plan.variables.get("origination_caller_id_number") or plan.cid_num or "0000000000"
    profile = Profile(direction="outbound", caller_id_name=cid_name, caller_id_number=cid_num,
                      destination_number=plan.number, channel_name=plan.channel_name, unique_id=leg_uuid,
                      source="src/switch_ivr_originate.c", callee_id_name="Outbound Call",
                      callee_id_number=plan.number, ani=cid_num, network_addr=sim.factory.ipv4)
    variables = {"direction": "outbound", "is_outbound": "true", "uuid": leg_uuid}
    channel = Channel(sim, profile, sim.scenario.callee_for(plan.number), variables)
    channel.set_var("session_id", str(channel.session_id))
    if plan.gateway:
        channel.set_var("sip_gateway_name", plan.gateway)
        channel.set_var("sip_profile_name", "external")
    channel.set_var("channel_name", plan.channel_name)
    for name, value in plan.variables.items():
        channel.set_var(name, value)
    channel.set_var("originate_timeout", plan.variables.get("originate_timeout") or str(int(plan.timeout_s)))
    sim.add_channel(channel)
    sim.metrics.call_started(leg_uuid, plan.number)
    return channel


def _settle(result: asyncio.Future[str], text: str) -> None:
    if not result.done():
        result.set_result(text)


async def _run_outbound(sim: SimFreeSwitch, channel: Channel, plan: OriginatePlan,
                        result: asyncio.Future[str]) -> None:
    try:
        await ring_and_answer(sim, channel, plan, result)
        if channel.alive:
            _settle(result, f"+OK {channel.uuid}\n")
            app, arg = (plan.app, plan.app_arg) if plan.extension is None else ("park", "")
            await run_extension(sim, channel, app, arg)
    finally:
        _settle(result, f"-ERR {channel.hangup_cause or 'NORMAL_CLEARING'}\n")
        if channel.script is not None:
            channel.script.stop()
        await channel.apps_completed()
        with contextlib.suppress(Exception):
            channel.finish_hangup()
        sim.metrics.call_ended(channel.uuid, channel.hangup_cause or "NORMAL_CLEARING")


async def ring_and_answer(sim: SimFreeSwitch, channel: Channel, plan: OriginatePlan,
                          result: asyncio.Future[str], *, return_on_early_media: bool = True) -> None:
    """Create and ring the leg; returns once it answered or failed, or on early media when allowed."""
    channel.fire("CHANNEL_OUTGOING", with_variables=False)
    channel.set_state("CS_INIT")
    channel.state_number = 2
    channel.fire("CHANNEL_CREATE")
    channel.fire("CHANNEL_ORIGINATE")
    channel.set_state("CS_ROUTING")
    channel.set_state("CS_CONSUME_MEDIA")
    if await channel.wait(min(PROGRESS_AFTER_MS, channel.callee.ring_ms)) == HANGUP:
        return
    channel.mark_ring_ready()
    if channel.callee.early_media:
        channel.mark_pre_answered()
        ignore_mode = plan.variables.get("ignore_early_media", "false").lower()
        ignore = ignore_mode in ("true", "consume", "ring_ready")
        if return_on_early_media and not ignore:
            _settle(result, f"+OK {channel.uuid}\n")
            channel.spawn(_ring_outcome(sim, channel, plan))
            return
    await _ring_outcome(sim, channel, plan)


async def _ring_outcome(sim: SimFreeSwitch, channel: Channel, plan: OriginatePlan) -> None:
    callee = channel.callee
    timeout_ms = plan.timeout_s * 1000.0
    answers = callee.answer and callee.hangup_cause is None
    outcome_ms = callee.ring_ms if (answers or callee.hangup_cause) else None
    if outcome_ms is None or outcome_ms > timeout_ms:
        if await channel.wait(timeout_ms - PROGRESS_AFTER_MS) != HANGUP:
            channel.hangup("NO_ANSWER", "send_cancel")
        return
    if await channel.wait(max(outcome_ms - PROGRESS_AFTER_MS, 0.0)) == HANGUP:
        return
    if not answers:
        channel.hangup(callee.hangup_cause or "NORMAL_CLEARING", "recv_refuse")
        return
    answer_channel(sim, channel)
    for command in plan.on_answer:
        name, _, arg = command.strip().partition(" ")
        channel.spawn_app(_on_answer_app(sim, channel, name, arg.strip()))
    for command in plan.api_on_answer:
        channel.spawn(_api_on_answer(sim, command))


async def _on_answer_app(sim: SimFreeSwitch, channel: Channel, app: str, arg: str) -> None:
    await run_app(sim, channel, app, arg)


async def _api_on_answer(sim: SimFreeSwitch, command: str) -> None:
    await sim.api.execute(command)


def answer_channel(sim: SimFreeSwitch, channel: Channel) -> None:
    """Mark answered, start the scripted far end (audio, hangup timer, digits)."""
    if channel.answered or not channel.alive:
        return
    channel.mark_answered()
    sim.metrics.call_answered(channel.uuid)
    if channel.script is None:
        channel.script = CalleeScript(sim, channel)
    channel.script.answered()


async def start_inbound(sim: SimFreeSwitch, number: str, caller_id: str, variables: dict[str, str],
                        callee: Callee) -> str:
    """An inbound call that the dialplan hook answers and parks; returns its uuid once it parks."""
    leg_uuid = str(uuid_module.uuid4())
    name = f"sofia/internal/{caller_id}@{sim.factory.ipv4}"
    profile = Profile(direction="inbound", caller_id_name=caller_id, caller_id_number=caller_id,
                      destination_number=number, channel_name=name, unique_id=leg_uuid, source="mod_sofia",
                      dialplan="XML", context="public", network_addr=sim.factory.ipv4, ani=caller_id)
    base = {"direction": "inbound", "uuid": leg_uuid, "channel_name": name,
            "sip_from_user": caller_id, "sip_to_user": number}
    channel = Channel(sim, profile, callee, base)
    channel.set_var("session_id", str(channel.session_id))
    sim.add_channel(channel)
    sim.metrics.call_started(leg_uuid, number)
    parked: asyncio.Future[str] = asyncio.get_running_loop().create_future()
    sim.spawn(_run_inbound(sim, channel, variables, parked))
    return await parked


async def _run_inbound(sim: SimFreeSwitch, channel: Channel, variables: dict[str, str],
                       parked: asyncio.Future[str]) -> None:
    try:
        channel.set_state("CS_INIT")
        channel.state_number = 2
        channel.fire("CHANNEL_CREATE")
        channel.set_callstate("RINGING")
        channel.set_state("CS_ROUTING")
        for key, value in variables.items():
            channel.set_var(key, value)
        channel.set_state("CS_EXECUTE")
        await run_app(sim, channel, "answer", "")
        channel.on_park = lambda: _settle(parked, channel.uuid)
        await run_extension(sim, channel, "park", "")
    finally:
        _settle(parked, channel.uuid)
        if channel.script is not None:
            channel.script.stop()
        await channel.apps_completed()
        with contextlib.suppress(Exception):
            channel.finish_hangup()
        sim.metrics.call_ended(channel.uuid, channel.hangup_cause or "NORMAL_CLEARING")
