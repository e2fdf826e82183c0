"""The simulator on a real socket, checked frame by frame by the strict parser."""

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from ivrd.sim import Scenario, SimFreeSwitch
from tests.integration.sim.peer import Peer, event_is

FAST = {"default": {"ring_ms": 60, "greeting": "synth:human", "dtmf": ["7"], "dtmf_delay_ms": 30}}


def run_with_sim(body: Callable[[SimFreeSwitch], Awaitable[None]], scenario: dict | None = None,
                 tmp_path: Path | None = None, **options: object) -> None:
    async def main() -> None:
        sim = SimFreeSwitch(scenario=Scenario.from_dict(scenario or FAST), media_root=tmp_path, **options)
        await sim.start()
        try:
            await asyncio.wait_for(body(sim), 20)
        finally:
            await sim.stop()

    asyncio.run(main())


def test_auth_rules_exit_and_crlf_commands() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port, password=None)
        assert (await peer.command("api status")).header("Reply-Text") == "-ERR command not found"
        assert (await peer.command("auth  ClueCon")).header("Reply-Text") == "-ERR invalid"
        await asyncio.wait_for(peer.closed.wait(), 5)
        assert [len(n.body) for n in peer.notices] == [67]

        peer = await Peer.connect(sim.host, sim.port, password=None)
        peer.writer.write(b"auth ClueCon\r\n\r\n")
        assert (await peer.reply()).header("Reply-Text") == "+OK accepted"
        assert await peer.api("uuid_exists nope") == "false"
        assert await peer.api("frobnicate now") == "-ERR frobnicate Command not found!\n"
        assert (await peer.command("bogus")).header("Reply-Text") == "-ERR command not found"
        assert (await peer.command("exit")).header("Reply-Text") == "+OK bye"
        await asyncio.wait_for(peer.closed.wait(), 5)
        assert len(peer.notices) == 1

    run_with_sim(body)


def test_first_command_timeout_ends_the_listener() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port, password=None)
        await asyncio.wait_for(peer.closed.wait(), 5)
        assert len(peer.notices) == 1

    run_with_sim(body, first_command_timeout_s=0.2)


def test_answered_call_lifecycle_matches_freeswitch_rules() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        other = await Peer.connect(sim.host, sim.port)
        await peer.command("event plain ALL")
        await other.command("event plain CHANNEL_ANSWER")
        reply = await peer.command(
            "bgapi originate {origination_uuid=leg-1,ivrd_attempt_id=42,ignore_early_media=true,"
            "origination_caller_id_number=15551230000}sofia/gateway/gw1/2000 &park()", {"Job-UUID": "job-7"})
        assert reply.headers == [("Content-Type", "command/reply"), ("Reply-Text", "+OK Job-UUID: job-7"),
                                 ("Job-UUID", "job-7")]
        job = await peer.wait_event(event_is("BACKGROUND_JOB", Job_UUID="job-7"))
        assert job.event_body == "+OK leg-1\n" and job.get("Job-Command") == "originate"
        await peer.wait_event(event_is("CHANNEL_PARK", "leg-1"))
        await peer.sendmsg("leg-1", "playback", "silence_stream://100")
        await peer.wait_event(event_is("CHANNEL_EXECUTE_COMPLETE", "leg-1", Application="playback"))
        await peer.wait_event(event_is("DTMF", "leg-1"))
        assert await peer.api("uuid_getvar leg-1 ivrd_attempt_id") == "42"
        assert await peer.api("uuid_kill leg-1 USER_BUSY") == "+OK\n"
        await peer.wait_event(event_is("CHANNEL_DESTROY", "leg-1"))
        assert not any(e.event_name == "BACKGROUND_JOB" for e in other.events)

        leg = [e for e in peer.events if e.get("Unique-ID") == "leg-1" or e.get("Job-UUID") == "job-7"]
        names = [e.event_name for e in leg]
        assert names[:10] == ["CHANNEL_OUTGOING", "CHANNEL_STATE", "CHANNEL_CREATE", "CHANNEL_ORIGINATE",
                              "CHANNEL_STATE", "CHANNEL_STATE", "CHANNEL_PROGRESS", "CHANNEL_CALLSTATE",
                              "CHANNEL_ANSWER", "CHANNEL_CALLSTATE"]
        assert names[-7:] == ["CHANNEL_EXECUTE_COMPLETE", "CHANNEL_STATE", "CHANNEL_CALLSTATE",
                              "CHANNEL_STATE", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_STATE", "CHANNEL_DESTROY"]
        sequences = [int(e.get("Event-Sequence") or 0) for e in peer.events]
        assert sequences == sorted(set(sequences))
        by_name = {e.event_name: e for e in reversed(leg)}
        create, answer = by_name["CHANNEL_CREATE"], by_name["CHANNEL_ANSWER"]
        assert (create.get("Channel-State"), create.get("Channel-State-Number")) == ("CS_INIT", "2")
        assert (answer.get("Channel-Call-State"), answer.get("Answer-State")) == ("RINGING", "answered")
        hangup = next(e for e in leg if e.event_name == "CHANNEL_HANGUP")
        assert (hangup.get("Channel-State"), hangup.get("Channel-State-Number")) == ("CS_EXECUTE", "10")
        complete = by_name["CHANNEL_HANGUP_COMPLETE"]
        assert complete.all("Hangup-Cause") == ["USER_BUSY", "USER_BUSY"]
        assert [n for n, _ in complete.event][13] == "Hangup-Cause"
        assert complete.get("Channel-State-Number") == "11"
        assert complete.get("variable_ivrd_attempt_id") == "42"
        assert complete.get("variable_hangup_cause_q850") == "17"
        assert int(complete.get("variable_duration") or -1) >= 0 and complete.get("variable_billsec") == "0"
        for event in leg:
            has_vars = any(n.startswith("variable_") for n, _ in event.event)
            bare = ("CHANNEL_STATE", "CHANNEL_CALLSTATE", "DTMF", "CHANNEL_OUTGOING", "BACKGROUND_JOB",
                    "PRIVATE_COMMAND")
            assert has_vars == (event.event_name not in bare), event.event_name
        private = by_name["PRIVATE_COMMAND"]
        assert (private.get("execute-app-name"), private.get("Unique-ID")) == ("playback", "leg-1")
        dtmf = by_name["DTMF"]
        assert [n for n, _ in dtmf.event][-3:] == ["DTMF-Digit", "DTMF-Duration", "DTMF-Source"]
        done = next(e for e in leg
                    if e.get("Application") == "playback" and e.event_name == "CHANNEL_EXECUTE_COMPLETE")
        assert done.get("Application-Response") == "FILE PLAYED"
        assert [n for n, _ in done.event][-4:] == ["Application", "Application-Data", "Application-Response",
                                                   "Application-UUID"]
        assert len(other.named("CHANNEL_ANSWER")) == 1

    run_with_sim(body)


def test_filters_json_format_and_custom_events() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        peer = await Peer.connect(sim.host, sim.port)
        assert (await peer.command("event json BACKGROUND_JOB CHANNEL_PARK CUSTOM ivrd::test")).header(
            "Reply-Text") == "+OK event listener enabled json"
        await peer.command("filter Unique-ID leg-j")
        await peer.command("filter Event-Name BACKGROUND_JOB")
        await peer.command("filter Event-Subclass ivrd::test")
        reply = await peer.command("bgapi originate {origination_uuid=leg-j}sofia/gateway/g/5 &park()")
        assert (reply.header("Reply-Text") or "").startswith("+OK Job-UUID: ")
        park = await peer.wait_event(event_is("CHANNEL_PARK", "leg-j"))
        assert park.get("Call-Direction") == "outbound"
        await peer.wait_event(event_is("BACKGROUND_JOB"))
        await sim.place_inbound_call("100", "15550001111", {"ivrd_survey": "12"})
        await sim.fire_custom_event("ivrd::test", {"Marker": "m1"})
        custom = await peer.wait_event(event_is("CUSTOM", Marker="m1"))
        assert custom.get("Event-Subclass") == "ivrd::test"
        assert all(e.get("Unique-ID") in (None, "leg-j") for e in peer.events)

    run_with_sim(body)


def test_myevents_ties_the_listener_to_its_channel() -> None:
    async def body(sim: SimFreeSwitch) -> None:
        control = await Peer.connect(sim.host, sim.port)
        for uuid, linger in (("my1", None), ("my2", "5")):
            originate = f"originate {{origination_uuid={uuid}}}sofia/gateway/gw/2000 &park()"
            assert await control.api(originate) == f"+OK {uuid}\n"
            peer = await Peer.connect(sim.host, sim.port)
            assert (await peer.command("linger")).header("Reply-Text") == "-ERR not controlling a session"
            assert (await peer.command(f"myevents {uuid}")).header("Reply-Text") == "+OK Events Enabled"
            assert (await peer.command(f"myevents {uuid}")).header("Reply-Text") == "-ERR aready enabled."
            if linger:
                reply = await peer.command(f"linger {linger}")
                assert reply.header("Reply-Text") == f"+OK will linger {linger} seconds"
            assert await control.api(f"uuid_kill {uuid}") == "+OK\n"
            await peer.wait_event(event_is("CHANNEL_DESTROY", uuid))
            if linger:
                await peer.wait_notice()
                assert peer.notices[0].header("Content-Disposition") == "linger"
                assert peer.notices[0].header("Linger-Time") == linger and not peer.closed.is_set()
                assert await peer.api("uuid_exists my2") == "false"
            else:
                await asyncio.wait_for(peer.closed.wait(), 5)
                assert [n.header("Content-Disposition") for n in peer.notices] == ["disconnect"]
                assert peer.notices[0].header("Controlled-Session-UUID") == uuid and peer.error is None

    run_with_sim(body)

