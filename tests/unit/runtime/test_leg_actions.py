"""Survey actions as FreeSWITCH applications: arguments, quoting, and reading their completions."""

from __future__ import annotations

from pathlib import Path

from ivrd.runtime import leg_actions as steps
from ivrd.survey import Collect, Prompt, Record, Transfer

OPTIONS = steps.MediaOptions(recordings_dir=Path("/media/recording"), tts_voice="kal")


def test_play_uses_playback_for_files_and_speak_for_text() -> None:
    assert steps.play_step(Prompt(audio_path="/m/a.wav"), "kal") == ("playback", "/m/a.wav")
    assert steps.play_step(Prompt(tts_text="It's a | test\nok"), "kal") == (
        "speak", "flite|kal|It\u2019s a test ok")


def test_the_survey_language_chooses_the_tts_engine_and_voice() -> None:
    options = steps.MediaOptions(Path("/m"), tts_voice="kal", tts_languages={"fr": "tts_commandline|fr"})
    voices = options.tts
    assert voices.spec("fr") == voices.spec("fr-CA") == voices.spec("FR") == "tts_commandline|fr"
    assert voices.spec("de") == voices.spec("") == "flite|kal"
    french = Prompt(tts_text="Bonjour", tts_language="fr-ca")
    assert steps.play_step(french, voices) == ("speak", "tts_commandline|fr|Bonjour")
    action = Collect("c1", french, 1, 1, "#", 5000, 3000, "^[1]$")
    assert steps.collect_step(action, voices)[1].split()[5] == "tts://tts_commandline|fr|Bonjour"
    english = Prompt(tts_text="Hello", tts_language="en")
    assert steps.play_step(english, voices) == ("speak", "flite|kal|Hello")


def test_collect_is_one_try_with_anchored_regex_and_silent_invalid_file() -> None:
    action = Collect("c1", Prompt(tts_text="Press one"), 1, 2, "#", 5000, 3000, "^[0-9]{1,2}$")
    app, arg = steps.collect_step(action, "kal")
    assert app == "play_and_get_digits"
    assert arg == ("1 2 1 5000 # 'tts://flite|kal|Press one' silence_stream://250 ivrd_digits "
                   "^[0-9]{1,2}$ 3000")
    silent = Collect("c2", None, 1, 1, "#", 1000, 1000, "^[1]$")
    assert steps.collect_step(silent, "kal")[1].split()[5] == "silence_stream://1"


def test_collected_digits_reads_success_failure_and_timeout() -> None:
    assert steps.collected_digits({"read_result": "success", "ivrd_digits": "42",
                                   "read_terminator_used": "#"}) == ("42", "#")
    assert steps.collected_digits({"read_result": "failure", "ivrd_digits_invalid": "9"}) == ("9", "")
    stale = {"read_result": "timeout", "ivrd_digits": "1", "ivrd_digits_invalid": "9"}
    assert steps.collected_digits(stale) == ("", "")


def test_record_sets_the_terminator_before_recording_into_the_recording_directory() -> None:
    assert steps.record_steps(Record("r1", "recording-5-x-1.wav"), OPTIONS) == [
        ("set", "playback_terminators=#"),
        ("record", "/media/recording/recording-5-x-1.wav 120 30 5"),
    ]


def test_transfer_bridges_with_the_far_end_variables_and_confirmation() -> None:
    action = Transfer("x1", "sofia/gateway/gw/123", "555", ringback=Prompt(audio_path="/m/hold.wav"),
                      confirm_prompt=Prompt(tts_text="Press 1"), confirm_key="1",
                      headers=(("P-Contact-Transfer-Ref", "ab,c"),))
    attempt = steps.AttemptHeaders(callrequest_id=7, contact_id=42)
    result = steps.transfer_steps(action, "kal", {"ivrd_callrequest_id": "7", "empty": ""}, attempt)
    assert result[:3] == [("set", "hangup_after_bridge=false"), ("set", "continue_on_fail=true"),
                          ("bind_meta_app", "0 a o hangup::NORMAL_CLEARING")]  # *0: hang the far end up
    assert result[3] == ("set", f"ringback=file_string:///m/hold.wav!{steps.US_RINGBACK}")
    app, arg = result[-1]
    assert app == "bridge" and arg.endswith("}sofia/gateway/gw/123")
    for item in ("origination_caller_id_number=555", "ivrd_callrequest_id=7", "group_confirm_key=1",
                 "sip_h_P-Contact-Transfer-Ref=ab\\,c", "leg_timeout=300", "ignore_early_media=true",
                 "sip_h_P-CallRequest-ID=7", "sip_h_P-Contact-ID=42"):
        assert item in arg
    assert "empty=" not in arg
    whisper = Transfer("x2", "user/1000", "555", confirm_prompt=Prompt(audio_path="/m/w.wav"))
    inbound = steps.transfer_steps(whisper, "kal", {})
    assert [app for app, _ in inbound] == ["set", "set", "bind_meta_app", "bridge"]
    assert "group_confirm_key=exec" in inbound[-1][1] and "sip_h_P-C" not in inbound[-1][1]


def test_bridge_outcome_tells_answered_from_refused() -> None:
    bridged = {"originate_disposition": "SUCCESS", "bridge_hangup_cause": "NORMAL_CLEARING"}
    assert steps.bridge_outcome(bridged) == (True, "NORMAL_CLEARING")
    assert steps.bridge_outcome({"originate_disposition": "USER_BUSY"}) == (False, "USER_BUSY")
