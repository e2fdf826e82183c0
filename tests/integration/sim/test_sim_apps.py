"""Applications and originate options: early media, execute_on_answer, bridge, transfer, record, nesting."""

import json
import wave
from pathlib import Path

from ivrd.sim import SimFreeSwitch
from tests.integration.sim.peer import Peer, event_is
from tests.integration.sim.test_sim_protocol import run_with_sim

SCENARIO = {
    "default": {"ring_ms": 40, "greeting": "synth:human", "speech": "synth:human", "dtmf": [],
                "dtmf_delay_ms": 20},
    "callees": [
        {"match": "^1200", "early_media": True, "ring_ms": 300},
        {"match": "^1300", "hangup_after_ms": 150},
        {"match": "^1400", "hangup_cause": "CALL_REJECTED"},
    ],
}


async def _park(peer: Peer, uuid: str, extra: str = "", number: str = "2000") -> None:
    body = await peer.api(f"originate {{origination_uuid={uuid}{extra}}}sofia/gateway/gw/{number} &park()")
    assert body == f"+OK {uuid}\n", body
    await peer.wait_event(event_is("CHANNEL_PARK", uuid))


def test_early_media_returns_before_answer_unless_ignored() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _park(peer, "e1", number="12000")
        park = peer.named("CHANNEL_PARK", "e1")[0]
        assert (park.get("Answer-State"), park.get("Channel-Call-State")) == ("early", "EARLY")
        assert peer.named("CHANNEL_ANSWER", "e1") == []
        await peer.wait_event(event_is("CHANNEL_ANSWER", "e1"))
        await _park(peer, "e2", ",ignore_early_media=true", number="12000")
        assert len(peer.named("CHANNEL_ANSWER", "e2")) == 1

    run_with_sim(body, SCENARIO)


def test_execute_on_answer_runs_every_occurrence() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _park(peer, "a1", ",execute_on_answer='send_dtmf 12',execute_on_answer='sched_hangup +0.2'")
        complete = await peer.wait_event(event_is("CHANNEL_HANGUP_COMPLETE", "a1"))
        assert complete.get("Hangup-Cause") == "ALLOTTED_TIMEOUT"
        apps = [e.get("Application") for e in peer.named("CHANNEL_EXECUTE", "a1")]
        assert {"send_dtmf", "sched_hangup", "park"} <= set(apps)

    run_with_sim(body, SCENARIO)


def test_bridge_to_scripted_b_legs() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _park(peer, "br")
        await peer.sendmsg("br", "bridge", "{hangup_after_bridge=false}sofia/gateway/gw/14000000")
        done = await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "br", Application="bridge"))
        assert done.get("variable_originate_disposition") == "CALL_REJECTED"
        b_leg = next(e for e in peer.named("CHANNEL_HANGUP") if e.get("Unique-ID") != "br")
        assert b_leg.get("Hangup-Cause") == "CALL_REJECTED" and b_leg.get("Other-Type") == "originator"
        start = len(peer.events)
        await peer.sendmsg("br", "bridge", "sofia/gateway/gw/13000000")
        bridged = await peer.wait_event(event_is("CHANNEL_BRIDGE", "br"), start=start)
        assert bridged.get("Bridge-A-Unique-ID") == "br" and bridged.get("Other-Leg-Destination-Number")
        await peer.wait_event(event_is("CHANNEL_UNBRIDGE", "br"), start=start)
        done = await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "br", Application="bridge"),
                                     start=start)
        assert done.get("variable_bridge_hangup_cause") == "NORMAL_CLEARING"
        assert await peer.api("uuid_exists br") == "true"

    run_with_sim(body, SCENARIO)


def test_record_app_writes_speech_then_silence(tmp_path: Path) -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _park(peer, "rc")
        await peer.sendmsg("rc", "record", "answers/rc.wav 5 30 1")
        stop = await peer.wait_event(event_is("RECORD_STOP", "rc"))
        assert stop.get("Record-File-Path") == str(tmp_path / "answers" / "rc.wav")
        assert stop.get("variable_silence_hits_exhausted") == "true"
        record_ms = int(stop.get("variable_record_ms") or 0)
        assert 1550 <= record_ms < 2500  # 0.6 s "hello" + 1 s of silence
        assert stop.get("variable_record_samples") == str(record_ms * 8)
        with wave.open(str(tmp_path / "answers" / "rc.wav")) as handle:
            assert (handle.getframerate(), handle.getsampwidth(), handle.getnchannels()) == (8000, 2, 1)
            frames = handle.readframes(handle.getnframes())
        assert any(frames[:4000]) and not any(frames[-1000:])
        await peer.sendmsg("rc", "set", "record_sample_rate=16000")
        await peer.sendmsg("rc", "record", "answers/wide.wav 1")
        wide = await peer.wait_event(event_is("RECORD_STOP", "rc"), start=peer.events.index(stop) + 1)
        wide_ms = int(wide.get("variable_record_ms") or 0)
        assert wide.get("variable_record_samples") == str(wide_ms * 16)
        with wave.open(str(tmp_path / "answers" / "wide.wav")) as handle:
            assert handle.getframerate() == 16000

    run_with_sim(body, SCENARIO, tmp_path)


def test_transfer_inline_conference_and_kill() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await _park(peer, "t1")
        assert await peer.api("uuid_transfer t1 'conference:room9' inline") == "+OK\n"
        await peer.wait_event(event_is("CHANNEL_UNPARK", "t1"))
        await peer.wait_event(event_is("CUSTOM", "t1", Action="add-member"))
        assert await peer.api("uuid_kill t1") == "+OK\n"
        await peer.wait_event(event_is("CUSTOM", "t1", Action="del-member"))
        await peer.wait_event(event_is("CHANNEL_DESTROY", "t1"))
        await _park(peer, "t2")
        await peer.sendmsg("t2", "transfer", "'conference:room7' inline")
        await peer.wait_event(event_is("CUSTOM", "t2", Action="add-member"))
        assert await peer.api("uuid_exists t2") == "true"
        assert peer.named("CHANNEL_HANGUP", "t2") == []

    run_with_sim(body, SCENARIO)


def test_without_event_lock_a_second_execute_nests_in_the_playback() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE PLAYBACK_START")
        await peer.api("originate {origination_uuid=n1}sofia/gateway/gw/2000 &park()")
        await peer.sendmsg("n1", "playback", "silence_stream://400", lock=False)
        await peer.wait_event(event_is("PLAYBACK_START", "n1"))
        peer.writer.write(b"sendmsg n1\ncall-command: execute\nexecute-app-name: set\n"
                          b"Content-Type: text/plain\nContent-Length: 10\n\nnested=yes")
        assert (await peer.reply()).header("Reply-Text") == "+OK"
        done = await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "n1", Application="playback"))
        completes = [e.get("Application") for e in peer.named("CHANNEL_EXECUTE_COMPLETE", "n1")]
        assert completes == ["set", "playback"]
        assert done.get("variable_nested") == "yes"

    run_with_sim(body, SCENARIO)


def test_json_stream_heartbeat_hupall_and_reaction_latency() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event json ALL")
        heartbeat = await peer.wait_event(event_is("HEARTBEAT"))
        assert heartbeat.get("Event-Info") == "System Ready" and heartbeat.get("Session-Count") == "0"
        await peer.api("originate {origination_uuid=j1}sofia/gateway/gw/2000 &park()")
        await peer.wait_event(event_is("CHANNEL_PARK", "j1"))
        await peer.api("uuid_setvar j1 ivrd_state asked")
        assert "+OK" in await peer.api("hupall NORMAL_CLEARING")
        complete = await peer.wait_event(event_is("CHANNEL_HANGUP_COMPLETE", "j1"))
        assert complete.get("variable_ivrd_state") == "asked"
        stats = json.loads(await peer.api("sim_stats"))
        assert stats["reaction_latency_ms"]["count"] == 1 and stats["channels"] == 0
        assert 0 <= stats["reaction_latency_ms"]["p50"] < 5000

    run_with_sim(body, SCENARIO, heartbeat_interval_s=0.05)


def test_prompts_are_found_in_the_sound_folder_of_the_channel_rate(tmp_path: Path) -> None:
    import numpy as np

    from ivrd.sim.media import write_wav

    write_wav(tmp_path / "sounds" / "8000" / "goodbye.wav", np.zeros(2400, dtype=np.int16), 8000)
    write_wav(tmp_path / "sounds" / "16000" / "goodbye.wav", np.zeros(1600, dtype=np.int16), 16000)

    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        for uuid, extra in (("s8", ""), ("s16", ",absolute_codec_string=G722")):
            await _park(peer, uuid, extra)
            await peer.sendmsg(uuid, "playback", "sounds/goodbye.wav")
            done = await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", uuid, Application="playback"))
            assert done.get("Application-Response") == "FILE PLAYED"
            assert done.get("Channel-Read-Codec-Rate") == ("16000" if extra else "8000")
            played_ms = int(done.get("variable_playback_ms") or 0)
            assert (150 <= played_ms < 250) if extra else (250 <= played_ms < 400)
            await peer.sendmsg(uuid, "play_and_get_digits",
                               "1 1 1 1000 # sounds/goodbye.wav silence d \\d")
            await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", uuid,
                                           Application="play_and_get_digits"))
            assert len(peer.named("PLAYBACK_START", uuid)) == 2

    run_with_sim(body, SCENARIO, tmp_path)
