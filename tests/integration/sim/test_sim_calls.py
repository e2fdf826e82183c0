"""Call outcomes, applications, real-time recording and faults of the simulator, over a raw socket."""

import asyncio
import json
from pathlib import Path

from ivrd.sim import SimFreeSwitch
from tests.integration.sim.peer import Peer, event_is
from tests.integration.sim.test_sim_protocol import run_with_sim

SCENARIO = {
    "default": {"ring_ms": 50, "greeting": "synth:human", "dtmf": ["9", "42"], "dtmf_delay_ms": 30},
    "callees": [
        {"match": "^1555", "hangup_cause": "USER_BUSY", "ring_ms": 30},
        {"match": "^1666", "answer": False},
        {"match": "^1777", "greeting": "synth:machine", "dtmf": []},
        {"match": "^1888", "hangup_after_ms": 150, "dtmf": []},
    ],
    "gateways": ["gw"],
}


async def _answered(peer: Peer, uuid: str, number: str = "2000") -> None:
    await peer.command("event plain ALL")
    body = await peer.api(f"originate {{origination_uuid={uuid},ignore_early_media=true}}"
                          f"sofia/gateway/gw/{number} &park()")
    assert body == f"+OK {uuid}\n"
    await peer.wait_event(event_is("CHANNEL_PARK", uuid))


def test_failed_originates_return_freeswitch_causes() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain CHANNEL_HANGUP")
        assert await peer.api("originate {origination_uuid=b1}sofia/gateway/gw/15551234 &park()") == (
            "-ERR USER_BUSY\n")
        hangup = await peer.wait_event(event_is("CHANNEL_HANGUP", "b1"))
        assert hangup.get("variable_sip_hangup_disposition") == "recv_refuse"
        assert await peer.api("originate {originate_timeout=1}sofia/gateway/gw/16660000 &park()") == (
            "-ERR NO_ANSWER\n")
        assert await peer.api("originate sofia/gateway/elsewhere/2000 &park()") == "-ERR INVALID_GATEWAY\n"
        assert await peer.api("originate error/CALL_REJECTED &park()") == "-ERR CALL_REJECTED\n"
        stats = json.loads(await peer.api("sim_stats"))
        assert stats["failed"] == {"NO_ANSWER": 1, "USER_BUSY": 1} and stats["answered"] == 0
        assert [(c["number"], c["cause"]) for c in sim.call_log] == [("15551234", "USER_BUSY"),
                                                                    ("16660000", "NO_ANSWER")]

    run_with_sim(body, SCENARIO)


def test_prompt_digits_invalid_retry_and_break(tmp_path: Path) -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await _answered(peer, "h1")
        await peer.sendmsg("h1", "play_and_get_digits",
                           "2 2 2 2000 # silence_stream://100 silence_stream://50 answer ^4\\d$")
        done = await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "h1",
                                              Application="play_and_get_digits"))
        assert (done.get("variable_answer"), done.get("variable_read_result")) == ("42", "success")
        assert len(peer.named("PLAYBACK_START", "h1")) == 3  # prompt, invalid file, prompt again
        assert [e.get("DTMF-Digit") for e in peer.named("DTMF", "h1")] == ["9", "4", "2"]
        start = len(peer.events)
        await peer.sendmsg("h1", "playback", "silence_stream://-1")
        await peer.wait_event(event_is("PLAYBACK_START", "h1"), start=start)
        assert await peer.api("uuid_break h1") == "+OK\n"
        stop = await peer.wait_event(event_is("PLAYBACK_STOP", "h1"), start=start)
        assert stop.get("Playback-Status") == "break"
        done = await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "h1", Application="playback"),
                                     start=start)
        assert done.get("Application-Response") == "FILE PLAYED"
        await peer.sendmsg("h1", "playback", "missing.wav")
        done = await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "h1", Application="playback",
                                              Application_Data="missing.wav"))
        assert done.get("Application-Response") == "FILE NOT FOUND"

    run_with_sim(body, SCENARIO, tmp_path)


def test_voicemail_greeting_streams_into_r8_in_real_time(tmp_path: Path) -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await _answered(peer, "m1", "17770000")
        path = tmp_path / "m1.r8"
        assert await peer.api(f"uuid_record m1 start {path}") == "+OK Success\n"
        await peer.wait_event(event_is("RECORD_START", "m1"))
        sizes = []
        for _ in range(3):
            await peer.sendmsg("m1", "sleep", "120")
            await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "m1", Application="sleep"),
                                  start=len(peer.events) - 1)
            sizes.append(path.stat().st_size)
        assert sizes[0] > 0 and sizes[0] < sizes[1] < sizes[2]
        assert sizes[-1] % 2 == 0
        audio = path.read_bytes()
        energy = sum(abs(int.from_bytes(audio[i:i + 2], "little", signed=True)) for i in range(0, 3200, 2))
        assert energy > 0  # the machine greeting, not silence
        assert await peer.api(f"uuid_record m1 stop {path}") == "+OK Success\n"
        stop = await peer.wait_event(event_is("RECORD_STOP", "m1"))
        assert stop.get("Record-File-Path") == str(path)
        assert int(stop.get("variable_record_ms") or 0) >= 300
        assert await peer.api(f"uuid_record m1 stop {path}") == "-ERR Cannot stop record session!\n"

    run_with_sim(body, SCENARIO, tmp_path)


def test_callee_hangs_up_and_inbound_call_parks() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await _answered(peer, "x1", "18880000")
        complete = await peer.wait_event(event_is("CHANNEL_HANGUP_COMPLETE", "x1"))
        assert complete.get("variable_sip_hangup_disposition") == "recv_bye"
        assert complete.get("Hangup-Cause") == "NORMAL_CLEARING"
        inbound = await sim.place_inbound_call("8000", "15550009999", {"ivrd_survey": "12"})
        park = await peer.wait_event(event_is("CHANNEL_PARK", inbound))
        assert park.get("Call-Direction") == "inbound" and park.get("variable_ivrd_survey") == "12"
        rows = json.loads(await peer.api("show channels as json"))
        assert rows["row_count"] == 1 and rows["rows"][0]["uuid"] == inbound

    run_with_sim(body, SCENARIO)


def test_faults_drop_restart_malformed_delay_and_overflow() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await sim.drop_connections()
        await asyncio.wait_for(peer.closed.wait(), 5)
        assert peer.notices == []

        peer = await Peer.connect(sim.host, sim.port)
        await _answered(peer, "r1")
        core = sim.core_uuid
        await sim.restart()
        assert sim.core_uuid != core and sim.channels == {}
        peer = await Peer.connect(sim.host, sim.port)
        assert await peer.api("uuid_exists r1") == "false"

        sim.set_reply_delay_ms(200)
        loop = asyncio.get_running_loop()
        started = loop.time()
        await peer.api("status")
        assert loop.time() - started >= 0.2
        sim.set_reply_delay_ms(0)

        await sim.send_malformed_frame()
        await asyncio.wait_for(peer.closed.wait(), 5)
        assert peer.error is not None and "Content-Length" in str(peer.error)

    run_with_sim(body, SCENARIO)


def test_slow_listener_is_killed_for_lost_events() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        reader, writer = await asyncio.open_connection(sim.host, sim.port)
        writer.write(b"auth ClueCon\n\nevent plain ALL\n\n")
        await writer.drain()
        await asyncio.sleep(0.1)
        await sim.flood_events(total_bytes=2_000_000)
        data = b""
        while not data.endswith(b"killed listener because of lost events\n"):
            chunk = await asyncio.wait_for(reader.read(1 << 20), 5)
            assert chunk, "connection closed without the lost-events notice"
            data += chunk
        writer.close()

    run_with_sim(body, SCENARIO, event_queue_limit=50)


def test_faults_scheduled_from_the_scenario_file() -> None:
    scenario = {**SCENARIO, "faults": [{"at_ms": 0, "kind": "reply_delay", "delay_ms": 150},
                                       {"at_ms": 300, "kind": "custom_event", "subclass": "sim::mark",
                                        "headers": {"Step": "1"}},
                                       {"at_ms": 400, "kind": "drop"}]}

    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        assert sim.reply_delay_ms == 150
        await peer.command("event plain CUSTOM sim::mark")
        mark = await peer.wait_event(event_is("CUSTOM", Step="1"))
        assert mark.get("Event-Subclass") == "sim::mark"
        await asyncio.wait_for(peer.closed.wait(), 5)
        assert peer.notices == []

    run_with_sim(body, scenario)


def test_file_write_buffering_holds_audio_back_until_a_whole_buffer_is_due(tmp_path: Path) -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await _answered(peer, "w1", "17770000")
        buffered, chunked = tmp_path / "buffered.r8", tmp_path / "chunked.r8"
        assert await peer.api(f"uuid_record w1 start {buffered} 30 {{enable_file_write_buffering=true}}") == (
            "+OK Success\n")
        await peer.api("uuid_setvar w1 enable_file_write_buffering 1600")
        assert await peer.api(f"uuid_record w1 start {chunked}") == "+OK Success\n"
        await peer.sendmsg("w1", "sleep", "400")
        await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "w1", Application="sleep"))
        assert buffered.stat().st_size == 0  # 64 KiB is 4 s of 8 kHz audio
        assert chunked.stat().st_size > 0 and chunked.stat().st_size % 1600 == 0
        assert await peer.api(f"uuid_record w1 stop {buffered}") == "+OK Success\n"
        stop = await peer.wait_event(event_is("RECORD_STOP", "w1"))
        assert buffered.stat().st_size == int(stop.get("variable_record_samples") or 0) * 2 > 0

    run_with_sim(body, SCENARIO, tmp_path)
