"""Process-level views: HEARTBEAT headers, `status`, `show channels`, and filler events for floods."""

from __future__ import annotations

import asyncio
import json
import time
from typing import TYPE_CHECKING

from ivrd.sim import wire
from ivrd.sim.events import Event
from ivrd.sim.origins import ORIGINS

if TYPE_CHECKING:
    from ivrd.sim.channel import Channel
    from ivrd.sim.server import SimFreeSwitch

VERSION = "1.10.12-release+ivrd-sim~64bit"
MAX_SESSIONS = 1000


def uptime_ms(sim: SimFreeSwitch) -> int:
    return int((asyncio.get_running_loop().time() - sim.started_monotonic) * 1000)


def uptime_text(total_ms: int) -> str:
    seconds, ms = divmod(total_ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    years, days = divmod(days, 365)
    return (f"{years} years, {days} days, {hours} hours, {minutes} minutes, {seconds} seconds, "
            f"{ms} milliseconds, 0 microseconds")


def heartbeat_headers(sim: SimFreeSwitch) -> list[wire.Header]:
    up_ms = uptime_ms(sim)
    sessions = str(len(sim.channels))
    return [
        ("Event-Info", "System Ready"),
        ("Up-Time", uptime_text(up_ms)),
        ("FreeSWITCH-Version", VERSION),
        ("Uptime-msec", str(up_ms)),
        ("Session-Count", sessions),
        ("Max-Sessions", str(MAX_SESSIONS)),
        ("Session-Per-Sec", "30"),
        ("Session-Per-Sec-Last", "0"),
        ("Session-Per-Sec-Max", "0"),
        ("Session-Per-Sec-FiveMin", "0"),
        ("Session-Since-Startup", str(sim.metrics.calls)),
        ("Session-Peak-Max", sessions),
        ("Session-Peak-FiveMin", sessions),
        ("Idle-CPU", "99.000000"),
    ]


def status_text(sim: SimFreeSwitch) -> str:
    sessions = len(sim.channels)
    return (
        f"UP {uptime_text(uptime_ms(sim))}\n"
        f"FreeSWITCH ({VERSION}) is ready\n"
        f"{sim.metrics.calls} session(s) since startup\n"
        f"{sessions} session(s) - peak {sessions}, last 5min {sessions} \n"
        f"0 session(s) per Sec out of max 30, peak 0, last 5min 0 \n"
        f"{MAX_SESSIONS} session(s) max\n"
        "min idle cpu 0.00/99.00\n"
        "Current Stack Size/Max 240K/8192K\n"
    )


def _channel_row(channel: Channel) -> dict[str, str]:
    profile = channel.profile
    created_s = profile.times_us.get("created", 0) // 1_000_000
    app, app_data = (channel.app_stack[-1][0], channel.app_stack[-1][1]) if channel.app_stack else ("", "")
    codec, rate_hz, bit_rate = channel.codec if channel.codecs else ("", 0, 0)
    return {
        "uuid": channel.uuid, "direction": channel.direction,
        "created": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(created_s)),
        "created_epoch": str(created_s), "name": profile.channel_name, "state": channel.running_state,
        "cid_name": profile.caller_id_name, "cid_num": profile.caller_id_number, "ip_addr": "",
        "dest": profile.destination_number, "application": app, "application_data": app_data,
        "dialplan": profile.dialplan, "context": profile.context, "read_codec": codec,
        "read_rate": str(rate_hz) if codec else "", "read_bit_rate": str(bit_rate) if codec else "",
        "write_codec": codec, "write_rate": str(rate_hz) if codec else "",
        "write_bit_rate": str(bit_rate) if codec else "", "secure": "",
        "hostname": channel.switch.factory.hostname,
        "presence_id": "", "presence_data": "", "accountcode": channel.variables.get("accountcode", ""),
        "callstate": channel.callstate, "callee_name": profile.callee_id_name,
        "callee_num": profile.callee_id_number, "callee_direction": "", "call_uuid": channel.uuid,
        "sent_callee_name": "", "sent_callee_num": "", "initial_cid_name": profile.caller_id_name,
        "initial_cid_num": profile.caller_id_number, "initial_ip_addr": "",
        "initial_dest": profile.destination_number, "initial_dialplan": profile.dialplan,
        "initial_context": profile.context,
    }


def show_channels(sim: SimFreeSwitch, as_json: bool) -> str:
    rows = [_channel_row(ch) for ch in sim.channels.values() if ch.alive]
    if as_json:
        document: dict[str, object] = {"row_count": len(rows)}
        if rows:
            document["rows"] = rows
        return json.dumps(document, separators=(",", ":"))
    columns = list(_channel_row.__annotations__) if not rows else list(rows[0])
    if not rows:
        return "\n0 total.\n"
    lines = [",".join(columns)] + [",".join(row[c] for c in columns) for row in rows]
    return "\n".join(lines) + f"\n\n{len(rows)} total.\n"


def flood_event(sim: SimFreeSwitch, index: int) -> Event:
    """A realistic CHANNEL_CALLSTATE-sized event for a channel nobody owns (flood fault filler)."""
    event = sim.factory.new("CHANNEL_CALLSTATE", ORIGINS["CHANNEL_CALLSTATE"])
    fake_uuid = f"f100d000-0000-4000-8000-{index:012d}"
    event.extend([
        ("Original-Channel-Call-State", "RINGING"), ("Channel-Call-State-Number", "4"),
        ("Channel-State", "CS_EXECUTE"), ("Channel-Call-State", "ACTIVE"), ("Channel-State-Number", "4"),
        ("Channel-Name", f"sofia/external/flood{index}@192.0.2.1"), ("Unique-ID", fake_uuid),
        ("Call-Direction", "outbound"), ("Presence-Call-Direction", "outbound"),
        ("Channel-HIT-Dialplan", "false"), ("Channel-Call-UUID", fake_uuid), ("Answer-State", "answered"),
        ("Caller-Direction", "outbound"), ("Caller-Caller-ID-Name", "Outbound Call"),
        ("Caller-Destination-Number", f"flood{index}"), ("Caller-Unique-ID", fake_uuid),
        ("Caller-Source", "src/switch_ivr_originate.c"), ("Caller-Context", "default"),
    ])
    return event
