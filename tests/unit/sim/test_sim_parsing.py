"""Client command framing, subscriptions/filters, originate argument parsing and scenario validation."""

import pytest

from ivrd.sim.commands import ClientProtocolError, CommandParser
from ivrd.sim.dialstring import DialStringError, parse_originate, parse_variables
from ivrd.sim.events import Event
from ivrd.sim.scenario import Scenario, ScenarioError
from ivrd.sim.subscription import Subscription


def test_commands_accept_crlf_leading_blank_lines_bodies_and_any_split() -> None:
    stream = b"\r\n\r\nauth ClueCon\r\n\r\nsendmsg abc\nContent-Length: 5\ncall-command: execute\n\nhello"
    parser = CommandParser()
    commands = [c for byte in stream for c in parser.feed(bytes([byte]))]
    assert [c.line for c in commands] == ["auth ClueCon", "sendmsg abc"]
    assert commands[1].header("CALL-COMMAND") == "execute"
    assert commands[1].body == b"hello"


def test_bad_content_length_from_a_client_is_a_protocol_error() -> None:
    with pytest.raises(ClientProtocolError):
        CommandParser().feed(b"sendevent CUSTOM\nContent-Length: nope\n\n")


def _event(name: str, **headers: str) -> Event:
    return Event(name, [("Event-Name", name), *((k.replace("_", "-"), v) for k, v in headers.items())],
                 subclass=headers.get("Event_Subclass"))


def test_event_command_replies_and_custom_subclasses() -> None:
    sub = Subscription()
    assert sub.subscribe(["plain"]) == "-ERR no keywords supplied"
    assert sub.subscribe(["json", "NOPE"]) == "-ERR no keywords supplied"
    reply = sub.subscribe(["json", "channel_answer", "CUSTOM", "avmd::beep"])
    assert reply == "+OK event listener enabled json"
    assert sub.wants(_event("CHANNEL_ANSWER"))
    assert sub.wants(_event("CUSTOM", Event_Subclass="avmd::beep"))
    assert not sub.wants(_event("CUSTOM", Event_Subclass="sofia::register"))
    assert not sub.wants(_event("DTMF"))
    assert sub.nix(["CHANNEL_ANSWER"]) == "+OK events nixed"
    assert not sub.wants(_event("CHANNEL_ANSWER"))
    assert sub.stop() == "+OK no longer listening for events"
    assert sub.stop() == "-ERR not listening for events"


def test_filters_or_regex_negation_and_missing_headers() -> None:
    sub = Subscription()
    sub.subscribe(["plain", "ALL"])
    assert sub.filter_command("Unique-ID a1") == "+OK filter added. [Unique-ID]=[a1]"
    reply = sub.filter_command("add Event-Name /^BACKGROUND/")
    assert reply == "+OK filter added. [Event-Name]=[/^BACKGROUND/]"
    assert sub.filter_command("Unique-ID") == "-ERR invalid syntax"
    assert sub.wants(_event("CHANNEL_ANSWER", Unique_ID="a1"))
    assert not sub.wants(_event("CHANNEL_ANSWER", Unique_ID="b2"))
    assert sub.wants(_event("BACKGROUND_JOB", Job_UUID="j"))
    assert not sub.wants(_event("HEARTBEAT"))
    sub.filter_command("Application -playback")
    assert not sub.wants(_event("CHANNEL_EXECUTE", Unique_ID="a1", Application="playback"))
    assert sub.wants(_event("CHANNEL_EXECUTE", Unique_ID="a1", Application="park"))
    assert sub.filter_command("delete Unique-ID a1") == "+OK filter deleted. [Unique-ID][a1]"
    assert not sub.wants(_event("CHANNEL_ANSWER", Unique_ID="a1"))
    assert sub.filter_command("delete all") == "+OK filter deleted. [all][]"
    assert sub.wants(_event("CHANNEL_ANSWER", Unique_ID="zz"))


def test_originate_variables_quotes_escapes_per_leg_and_repeated_on_answer() -> None:
    plan = parse_originate(
        "{origination_uuid=u1,origination_caller_id_name='Survey Team',list=a\\,b,ignore_early_media=true,"
        "originate_timeout=7,execute_on_answer='send_dtmf 123',execute_on_answer='sched_hangup +60 "
        "ALLOTTED_TIMEOUT',ivrd_attempt_id=42}[leg_var=x]sofia/gateway/carrier1/15557654321 "
        "'&socket(1:2 async full)'")
    assert plan.variables["origination_caller_id_name"] == "Survey Team"
    assert plan.variables["list"] == "a,b"
    assert plan.variables["leg_var"] == "x"
    assert plan.on_answer == ["send_dtmf 123", "sched_hangup +60 ALLOTTED_TIMEOUT"]
    assert (plan.gateway, plan.number, plan.timeout_s) == ("carrier1", "15557654321", 7.0)
    assert (plan.app, plan.app_arg) == ("socket", "1:2 async full")
    assert parse_originate("loopback/1000 9999 XML default").extension == "9999"
    assert parse_originate("user/1001@example.com &park()").number == "1001"
    assert parse_variables("^^:a=1,2:b=3") == [("a", "1,2"), ("b", "3")]
    with pytest.raises(DialStringError, match="USAGE"):
        parse_originate("sofia/gateway/x/1")
    with pytest.raises(DialStringError, match="CHAN_NOT_IMPLEMENTED"):
        parse_originate("pigeon/1 &park()")


def test_scenario_matching_inheritance_and_errors_name_the_field() -> None:
    scenario = Scenario.from_dict({"default": {"ring_ms": 100, "dtmf": ["1"]},
                                   "callees": [{"match": "^1555", "hangup_cause": "user_busy"}]})
    busy = scenario.callee_for("15551234")
    assert (busy.hangup_cause, busy.ring_ms, busy.dtmf) == ("USER_BUSY", 100, ("1",))
    assert scenario.callee_for("2000").hangup_cause is None
    for bad, field in [({"default": {"ring_ms": -1}}, "default.ring_ms"),
                       ({"callees": [{"match": "("}]}, "callees[0].match"),
                       ({"callees": [{"match": "1", "hangup_cause": "NOPE"}]}, "callees[0].hangup_cause"),
                       ({"default": {"dtmf": ["12x"]}}, "default.dtmf"),
                       ({"default": {"greeting": "missing.wav"}}, "default.greeting"),
                       ({"default": {"rings": 1}}, "default.rings"),
                       ({"faults": [{"at_ms": 1, "kind": "explode"}]}, "faults[0].kind")]:
        with pytest.raises(ScenarioError, match=field.replace("[", r"\[").replace("]", r"\]")):
            Scenario.from_dict(bad)
