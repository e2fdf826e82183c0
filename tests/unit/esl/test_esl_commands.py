"""Command builders: exact bytes on the wire, and refusal of anything that would break framing."""

from __future__ import annotations

import pytest

from ivrd.esl import api_commands, commands
from ivrd.esl.errors import LocalProtocolError

from .freeswitch_split_model import parse_originate


def test_simple_commands() -> None:
    assert commands.auth("ClueCon") == b"auth ClueCon\n\n"
    assert commands.api("uuid_exists abc") == b"api uuid_exists abc\n\n"
    assert commands.noevents() == b"noevents\n\n"
    assert commands.exit_() == b"exit\n\n"
    assert commands.filter_add("Unique-ID", "u-1") == b"filter Unique-ID u-1\n\n"
    assert commands.filter_delete("Unique-ID", "u-1") == b"filter delete Unique-ID u-1\n\n"
    assert commands.filter_delete_all() == b"filter delete all\n\n"


def test_bgapi_carries_the_chosen_job_uuid() -> None:
    assert commands.bgapi("status", "j-1") == b"bgapi status\nJob-UUID: j-1\n\n"
    assert commands.bgapi("status") == b"bgapi status\n\n"


def test_event_subscription_puts_custom_subclasses_last() -> None:
    wire = commands.event(["CHANNEL_ANSWER", "DTMF"], custom=["avmd::beep", "amd::info"])
    assert wire == b"event plain CHANNEL_ANSWER DTMF CUSTOM avmd::beep amd::info\n\n"
    assert commands.event(["ALL"], event_format="json") == b"event json ALL\n\n"
    with pytest.raises(LocalProtocolError, match="at least one"):
        commands.event([])
    with pytest.raises(LocalProtocolError, match="format"):
        commands.event(["ALL"], event_format="yaml")
    assert commands.nixevent(["DTMF"]) == b"nixevent DTMF\n\n"


def test_sendmsg_execute_always_locks_and_tags() -> None:
    wire = commands.sendmsg_execute("leg-1", "playback", "/s/a.wav", event_uuid="ev-1")
    assert wire == (b"sendmsg leg-1\ncall-command: execute\nexecute-app-name: playback\n"
                    b"event-lock: true\nEvent-UUID: ev-1\nexecute-app-arg: /s/a.wav\n\n")


def test_sendmsg_execute_sends_multiline_and_long_arguments_as_body() -> None:
    wire = commands.sendmsg_execute("leg-1", "set", "a=1\nb=2", event_uuid="ev-2")
    head, body = wire.split(b"\n\n", 1)
    assert b"Content-Type: text/plain" in head and b"execute-app-arg" not in head
    assert b"Content-Length: 7" in head and body == b"a=1\nb=2"
    long_arg = "x" * 3000
    head, body = commands.sendmsg_execute("leg-1", "log", long_arg, event_uuid="e").split(b"\n\n", 1)
    assert body == long_arg.encode() and b"Content-Length: 3000" in head


def test_sendmsg_hangup() -> None:
    assert commands.sendmsg_hangup("leg-1", "USER_BUSY") == (
        b"sendmsg leg-1\ncall-command: hangup\nhangup-cause: USER_BUSY\n\n")


@pytest.mark.parametrize("call", [
    lambda: commands.api("status\nexit"),
    lambda: commands.api("status\r"),
    lambda: commands.auth("pw\nexit"),
    lambda: commands.bgapi("status", "j 1"),
    lambda: commands.filter_add("Unique-ID", "a\nb"),
    lambda: commands.sendmsg_execute("leg 1", "playback", "x", event_uuid="e"),
    lambda: commands.sendmsg_execute("leg-1", "playback", "x", event_uuid="e\n"),
    lambda: commands.build("sendmsg x", {"Bad Name": "v"}),
    lambda: commands.build("sendmsg x", {"h": "v\r\nexit"}),
    lambda: api_commands.uuid_kill("a b"),
    lambda: api_commands.uuid_setvar("u", "v", "x\ny"),
])
def test_newlines_and_spaces_in_the_wrong_place_are_local_errors(call) -> None:
    with pytest.raises(LocalProtocolError):
        call()


def test_password_error_names_the_setting() -> None:
    with pytest.raises(LocalProtocolError, match=r"esl\.password"):
        commands.auth("a\nb")


def test_originate_typical_dialer_form() -> None:
    line = api_commands.originate(
        "sofia/gateway/carrier1/15557654321",
        variables={"origination_uuid": "0f6c", "origination_caller_id_number": "15551230000",
                   "ignore_early_media": True, "originate_timeout": 30, "ivrd_attempt_id": "42"},
    )
    assert line == ("originate {origination_uuid=0f6c,origination_caller_id_number=15551230000,"
                    "ignore_early_media=true,originate_timeout=30,ivrd_attempt_id=42}"
                    "sofia/gateway/carrier1/15557654321 &park()")


@pytest.mark.parametrize("value", [
    "John Doe", "a,b", "it's", "say \"hi\"", "C:\\stuff\\new", "x=y=z", "trailing\\", "a , 'b' , c",
    "50% off", "back\\,slash", "two  spaces", "tab\there",
])
def test_originate_variables_reach_freeswitch_verbatim(value: str) -> None:
    line = api_commands.originate("user/1000", variables={"v": value, "w": "ok"})
    assert line.startswith("originate ")
    variables, dial, target = parse_originate(line[len("originate "):])
    assert variables == {"v": value, "w": "ok"}
    assert dial == "user/1000" and target == "&park()"


def test_commas_are_backslash_escaped_and_spaces_single_quoted() -> None:
    assert api_commands.channel_variable_block({"a": "x,y"}) == "{a=x\\,y}"
    assert api_commands.channel_variable_block({"n": "John Doe"}) == "{n='John Doe'}"


def test_originate_app_with_spaced_arguments_and_timeout() -> None:
    line = api_commands.originate("user/1000", app="playback", app_args="/tmp/a b.wav", timeout_s=30)
    assert line == "originate user/1000 '&playback(/tmp/a b.wav)' undef undef undef undef 30"
    assert parse_originate(line[len("originate "):])[2] == "&playback(/tmp/a b.wav)"


@pytest.mark.parametrize("kwargs", [
    {"variables": {"v": "a}b"}},
    {"variables": {"v": " lead"}},
    {"variables": {"v": ""}},
    {"variables": {"bad name": "x"}},
    {"variables": {"v": "a\nb"}},
    {"app": "park()"},
    {"app_args": "a)b"},
    {"timeout_s": 0},
])
def test_originate_refuses_what_freeswitch_cannot_read_back(kwargs) -> None:
    with pytest.raises(LocalProtocolError):
        api_commands.originate("user/1000", **kwargs)


def test_uuid_helpers() -> None:
    assert api_commands.uuid_kill("u1", "USER_BUSY") == "uuid_kill u1 USER_BUSY"
    assert api_commands.uuid_break("u1", all_queued=True) == "uuid_break u1 all"
    assert api_commands.uuid_record("u1", "start", "/r/a.wav", 60) == "uuid_record u1 start /r/a.wav 60"
    assert api_commands.uuid_exists("u1") == "uuid_exists u1"
    assert api_commands.uuid_getvar("u1", "amd_result") == "uuid_getvar u1 amd_result"
    assert api_commands.uuid_setvar("u1", "x", "1 2") == "uuid_setvar u1 x 1 2"
    assert api_commands.show_channels_json() == "show channels as json"
