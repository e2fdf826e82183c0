"""`ivrd simulate` as a separate process: a scripted person, a busy number and a voicemail greeting."""

import asyncio
import json
import signal
import sys
from pathlib import Path

from tests.integration.sim.peer import Peer, event_is

SCENARIO = {
    "default": {"ring_ms": 80, "greeting": "synth:human", "dtmf": ["3"], "dtmf_delay_ms": 40},
    "callees": [
        {"match": "^1555", "ring_ms": 40, "hangup_cause": "USER_BUSY"},
        {"match": "^1777", "greeting": "synth:machine", "dtmf": []},
    ],
}


async def _scenario_run(tmp_path: Path) -> None:
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps(SCENARIO))
    port_file = tmp_path / "port"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ivrd.cli", "simulate", "--listen", "127.0.0.1:0", "--password", "s3cret",
        "--scenario", str(scenario), "--media-root", str(tmp_path), "--port-file", str(port_file),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        assert process.stdout is not None
        banner = (await asyncio.wait_for(process.stdout.readline(), 15)).decode()
        assert "listening on" in banner, banner
        port = int(port_file.read_text())
        peer = await Peer.connect("127.0.0.1", port, password="s3cret")
        await peer.command("event plain ALL")

        # a person answers, hears the question and presses 3
        assert await peer.api("originate {origination_uuid=p1}sofia/gateway/gw/2000 &park()") == "+OK p1\n"
        question = "1 1 1 2000 # tone_stream://%(100,0,440) '' choice \\d"
        await peer.sendmsg("p1", "play_and_get_digits", question)
        done = await peer.wait_event(
            event_is("CHANNEL_EXECUTE_COMPLETE", "p1", Application="play_and_get_digits"))
        assert done.get("variable_choice") == "3"
        await peer.api("uuid_kill p1")

        # a busy number
        assert await peer.api("originate sofia/gateway/gw/15550000 &park()") == "-ERR USER_BUSY\n"

        # a voicemail greeting streams into the raw recording while the call is up
        voicemail = await peer.api("originate {origination_uuid=v1}sofia/gateway/gw/17770000 &park()")
        assert voicemail == "+OK v1\n"
        recording = tmp_path / "v1.r8"
        await peer.sendmsg("v1", "record_session", str(recording))
        await peer.wait_event(event_is("RECORD_START", "v1"))
        sizes = []
        for _ in range(2):
            start = len(peer.events)
            await peer.sendmsg("v1", "sleep", "150")
            slept = event_is("CHANNEL_EXECUTE_COMPLETE", "v1", Application="sleep")
            await peer.wait_event(slept, start=start)
            sizes.append(recording.stat().st_size)
        assert 0 < sizes[0] < sizes[1]
        await peer.api("uuid_kill v1")
        await peer.wait_event(event_is("RECORD_STOP", "v1"))
        await peer.close()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        return_code = await asyncio.wait_for(process.wait(), 15)
    assert return_code == 0


def test_simulate_command_runs_scripted_calls(tmp_path: Path) -> None:
    asyncio.run(_scenario_run(tmp_path))


def test_simulate_reports_a_bad_scenario_without_traceback(tmp_path: Path) -> None:
    import subprocess

    bad = tmp_path / "bad.json"
    bad.write_text('{"default": {"ring_ms": "soon"}}')
    result = subprocess.run([sys.executable, "-m", "ivrd.cli", "simulate", "--scenario", str(bad)],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "default.ring_ms" in result.stderr and "Traceback" not in result.stderr
