"""Hang-ups while an application runs (spec §2.2 rows 12-17) and while a bridge is ringing or talking."""

from pathlib import Path

from ivrd.sim import SimFreeSwitch
from tests.integration.sim.peer import Peer, event_is
from tests.integration.sim.test_sim_protocol import run_with_sim
from tests.sim_strict_parser import Frame

SCENARIO = {
    "default": {"ring_ms": 30, "greeting": "synth:human", "speech": "synth:human", "dtmf": [],
                "hangup_after_ms": 600},
    "callees": [
        {"match": "^3000", "ring_ms": 5000, "hangup_after_ms": None},
        {"match": "^3100", "ring_ms": 30, "hangup_after_ms": None},
        {"match": "^4000", "hangup_after_ms": None},
    ],
}

TAIL = ["CHANNEL_STATE", "CHANNEL_CALLSTATE", "CHANNEL_STATE", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_STATE",
        "CHANNEL_DESTROY"]


async def _parked(peer: Peer, uuid: str, number: str = "2000", extra: str = "") -> int:
    body = await peer.api(f"originate {{origination_uuid={uuid}{extra}}}sofia/gateway/gw/{number} &park()")
    assert body == f"+OK {uuid}\n", body
    await peer.wait_event(event_is("CHANNEL_PARK", uuid))
    return len(peer.events)


def _after_hangup(peer: Peer, uuid: str) -> list[str]:
    names = [(e.event_name, e.get("Application") or "") for e in peer.events if e.get("Unique-ID") == uuid]
    start = names.index(("CHANNEL_HANGUP", ""))
    return [f"{name}:{app}" if app else name for name, app in names[start:]]


def _completion(peer: Peer, uuid: str, app: str) -> Frame:
    return next(e for e in peer.named("CHANNEL_EXECUTE_COMPLETE", uuid) if e.get("Application") == app)


def test_the_callers_hangup_completes_the_running_application_first(tmp_path: Path) -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        cases = {"rec": ("record", "rec.wav 10", "RECORD_STOP"),
                 "pb": ("playback", "silence_stream://5000", "PLAYBACK_STOP"),
                 "pg": ("play_and_get_digits", "1 1 3 3000 # silence_stream://3000 silence x \\d",
                        "PLAYBACK_STOP")}
        for uuid, (app, arg, _) in cases.items():
            await _parked(peer, uuid)
            await peer.sendmsg(uuid, app, arg)
        for uuid, (app, _, media_stop) in cases.items():
            await peer.wait_event(event_is("CHANNEL_DESTROY", uuid))
            assert _after_hangup(peer, uuid) == ["CHANNEL_HANGUP", media_stop,
                                                 f"CHANNEL_EXECUTE_COMPLETE:{app}",
                                                 "CHANNEL_EXECUTE_COMPLETE:park", *TAIL]
        record = _completion(peer, "rec", "record")
        assert 300 <= int(record.get("variable_record_ms") or 0) <= 700
        played = _completion(peer, "pb", "playback")
        assert played.get("Application-Response") == "FILE PLAYED"
        assert peer.named("PLAYBACK_STOP", "pb")[0].get("Playback-Status") == "break"
        read = _completion(peer, "pg", "play_and_get_digits")
        assert read.get("variable_read_result") in ("failure", "timeout")

    run_with_sim(body, SCENARIO, tmp_path)


def test_an_application_run_on_answer_completes_before_the_channel_is_destroyed() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _parked(peer, "oa", extra=",execute_on_answer='playback silence_stream://5000'")
        await peer.wait_event(event_is("CHANNEL_DESTROY", "oa"))
        after = _after_hangup(peer, "oa")
        assert after.index("CHANNEL_EXECUTE_COMPLETE:playback") < after.index("CHANNEL_HANGUP_COMPLETE")

    run_with_sim(body, SCENARIO)


def test_a_legs_hangup_cancels_a_ringing_b_leg_at_once() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _parked(peer, "ab", number="4000")
        await peer.sendmsg("ab", "bridge", "{origination_uuid=bb}sofia/gateway/gw/30001")
        await peer.wait_event(event_is("CHANNEL_PROGRESS", "bb"))
        assert await peer.api("uuid_kill ab") == "+OK\n"
        cancel = await peer.wait_event(event_is("CHANNEL_HANGUP", "bb"), timeout_s=1.0)
        assert cancel.get("Hangup-Cause") == "ORIGINATOR_CANCEL"
        assert cancel.get("variable_sip_hangup_disposition") == "send_cancel"
        await peer.wait_event(event_is("CHANNEL_DESTROY", "ab"), timeout_s=1.0)
        after = _after_hangup(peer, "ab")
        assert after == ["CHANNEL_HANGUP", "CHANNEL_EXECUTE_COMPLETE:bridge", "CHANNEL_EXECUTE_COMPLETE:park",
                         *TAIL]
        assert peer.named("CHANNEL_ANSWER", "bb") == [] and peer.named("CHANNEL_BRIDGE", "ab") == []
        bridge = _completion(peer, "ab", "bridge")
        assert (bridge.get("variable_originate_disposition"), bridge.get("variable_DIALSTATUS")) == (
            "ORIGINATOR_CANCEL", "CANCEL")

    run_with_sim(body, SCENARIO)


def test_a_legs_hangup_hangs_up_the_answered_b_leg() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _parked(peer, "at", number="4000")
        await peer.sendmsg("at", "bridge", "{origination_uuid=bt}sofia/gateway/gw/31001")
        await peer.wait_event(event_is("CHANNEL_BRIDGE", "at"))
        assert await peer.api("uuid_kill at") == "+OK\n"
        hangup = await peer.wait_event(event_is("CHANNEL_HANGUP", "bt"), timeout_s=1.0)
        assert hangup.get("Hangup-Cause") == "NORMAL_CLEARING"
        await peer.wait_event(event_is("CHANNEL_DESTROY", "bt"), timeout_s=1.0)
        await peer.wait_event(event_is("CHANNEL_DESTROY", "at"), timeout_s=1.0)
        after = _after_hangup(peer, "at")
        assert after[:3] == ["CHANNEL_HANGUP", "CHANNEL_UNBRIDGE", "CHANNEL_EXECUTE_COMPLETE:bridge"]

    run_with_sim(body, SCENARIO)


def test_a_hangup_message_waits_for_the_event_locked_application() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        for uuid, lock in (("lk", True), ("nl", False)):
            await _parked(peer, uuid, number="4000")
            await peer.sendmsg(uuid, "playback", "silence_stream://300", lock=lock)
            await peer.wait_event(event_is("PLAYBACK_START", uuid))
            hangup = {"call-command": "hangup", "hangup-cause": "USER_BUSY"}
            reply = await peer.command(f"sendmsg {uuid}", hangup)
            assert reply.header("Reply-Text") == "+OK"
            await peer.wait_event(event_is("CHANNEL_DESTROY", uuid))
            stop = peer.named("PLAYBACK_STOP", uuid)[0]
            assert stop.get("Playback-Status") == ("done" if lock else "break")
            assert peer.named("CHANNEL_HANGUP", uuid)[0].get("Hangup-Cause") == "USER_BUSY"

    run_with_sim(body, SCENARIO)
