"""Scenario tests: each of the ten section types, driven through a scripted caller."""

from ivrd.survey import (
    ActionFailed,
    AddToDnc,
    Collect,
    Finished,
    Hangup,
    HungUp,
    JoinConference,
    Play,
    Prompt,
    Record,
    SaveResult,
    SendSms,
    State,
    Transfer,
)
from tests.unit.survey.helpers import Caller, context, labels, section, survey


def ends_call(actions) -> bool:
    return isinstance(actions[-2], Hangup) and isinstance(actions[-1], Finished)


# -- 1 play message ----------------------------------------------------------------------------


def test_play_message_plays_audio_then_follows_key_0():
    caller = Caller(survey(section(1, 1, {"0": 2}, audio_path="upload/audiofiles/duck.wav"), section(2, 7)))
    [play] = caller.start()
    assert play == Play("p1", Prompt(audio_path="upload/audiofiles/duck.wav"))
    caller.prompt_done()
    assert caller.machine.section_id == 2
    assert caller.results == []


def test_play_message_speaks_the_tag_substituted_script():
    definition = survey(section(1, 1, script="Hello {first_name}, bye {nothing}"), tts_language="fr")
    caller = Caller(definition, context(contact_fields={"first_name": "Ann"}))
    [play] = caller.start()
    assert play.prompt == Prompt(tts_text="Hello Ann, bye", tts_language="fr")


def test_play_message_with_nothing_to_say_goes_on_at_once():
    caller = Caller(survey(section(1, 1, {"0": 2}, script="  {unknown} "), section(2, 1, script="Second")))
    [play] = caller.start()
    assert play.prompt.tts_text == "Second"


def test_play_message_without_branching_hangs_up_after_the_prompt():
    caller = Caller(survey(section(1, 1)))
    caller.start()
    assert ends_call(caller.prompt_done())
    assert caller.machine.state is State.FINISHED


# -- 2 multi-choice ----------------------------------------------------------------------------

COLOURS = labels(k1="Orange", k2="Apple", k5="Kiwi")


def test_multi_choice_collects_one_allowed_key_and_saves_its_label():
    caller = Caller(survey(section(1, 2, {"2": 3}, key_labels=COLOURS, timeout_s=7), section(3, 7)))
    [collect] = caller.start()
    assert collect == Collect(
        "c1", Prompt(tts_text="Script 1"), 1, 1, "#", 7000, 7000, "^[125]$"
    )
    caller.press("2")
    assert caller.results == [SaveResult(1, "Apple", visit=1)]
    assert caller.machine.section_id == 3


def test_multi_choice_retries_once_per_attempt_with_the_invalid_prompt_between():
    sec = section(1, 2, {"invalid": 9}, key_labels=COLOURS, retries=2, invalid_audio_path="invalid.wav")
    caller = Caller(survey(sec, section(9, 7)))
    caller.start()
    for attempt in range(3):
        actions = caller.press("7")
        if attempt < 2:
            assert actions == [Play(caller.token, Prompt(audio_path="invalid.wav"))]
            [collect] = caller.prompt_done()
            assert isinstance(collect, Collect)
    assert len(caller.collects()) == 3
    assert caller.results == [SaveResult(1, "", aggregate=False, visit=1)]
    assert caller.machine.section_id == 9


def test_multi_choice_without_invalid_audio_reprompts_directly():
    caller = Caller(survey(section(1, 2, key_labels=COLOURS, retries=1)))
    caller.start()
    [collect] = caller.press("")
    assert isinstance(collect, Collect)
    assert ends_call(caller.press(""))
    assert caller.results == [SaveResult(1, "", aggregate=False, visit=1)]


def test_multi_choice_timeout_takes_the_timeout_branching_even_with_invalid():
    sec = section(1, 2, {"timeout": 2, "invalid": 3}, key_labels=COLOURS)
    caller = Caller(survey(sec, section(2, 7), section(3, 7)))
    caller.start()
    caller.press("")
    assert caller.machine.section_id == 2


# -- 3 rating ----------------------------------------------------------------------------------


def test_rating_collects_up_to_the_digits_of_rating_laps():
    caller = Caller(survey(section(1, 3, {"any": 2}, rating_laps=10), section(2, 7)))
    [collect] = caller.start()
    assert (collect.max_digits, collect.valid_regex) == (2, "^[0-9]{1,2}$")
    caller.press("07")
    assert caller.results == [SaveResult(1, "7", visit=1)]
    assert caller.machine.section_id == 2


def test_rating_out_of_range_retries_then_goes_invalid():
    caller = Caller(survey(section(1, 3, {"invalid": 2}, rating_laps=5, retries=1), section(2, 7)))
    caller.start()
    assert isinstance(caller.press("0")[0], Collect)
    caller.press("9")
    assert caller.results == [SaveResult(1, "9", aggregate=False, visit=1)]
    assert caller.machine.section_id == 2


def test_valid_rating_without_branching_hangs_up():
    caller = Caller(survey(section(1, 3, {"timeout": None}, rating_laps=5)))
    caller.start()
    assert ends_call(caller.press("4"))
    assert caller.results == [SaveResult(1, "4", visit=1)]


# -- 4 capture digits --------------------------------------------------------------------------


def test_capture_digits_checks_the_range_and_saves_the_digits():
    sec = section(1, 4, {"any": 2}, number_digits=4, min_number=1000, max_number=1999, retries=1)
    caller = Caller(survey(sec, section(2, 7)))
    [collect] = caller.start()
    assert (collect.min_digits, collect.max_digits, collect.terminators) == (1, 4, "#")
    assert isinstance(caller.press("2500")[0], Collect)
    caller.press("1500")
    assert caller.results == [SaveResult(1, "1500", visit=1)]
    assert len(caller.collects()) == 2


def test_capture_digits_without_validation_accepts_any_digits():
    sec = section(1, 4, {"12": 2}, number_digits=2, validate_number=False, min_number=50)
    caller = Caller(survey(sec, section(2, 7)))
    caller.start()
    caller.press("12")
    assert caller.results == [SaveResult(1, "12", visit=1)]
    assert caller.machine.section_id == 2


# -- 5 record ----------------------------------------------------------------------------------


def test_record_prompts_then_records_and_saves_file_and_duration():
    caller = Caller(survey(section(7, 5, {"0": 8}), section(8, 7)), context(call_ref="uuid-1"))
    caller.start()
    [record] = caller.prompt_done()
    assert record == Record("r2", "recording-7-uuid-1-1.wav", 120, 30, 5, "#")
    caller.recorded("recording-7-uuid-1-1.wav", 4600)
    assert caller.results == [SaveResult(7, "", "recording-7-uuid-1-1.wav", 5, visit=1)]
    assert caller.machine.section_id == 8


def test_empty_recording_is_saved_but_not_aggregated():
    caller = Caller(survey(section(7, 5, script="")))
    [record] = caller.start()
    assert isinstance(record, Record)
    caller.recorded("r.wav", 300)
    assert caller.results == [SaveResult(7, "", "r.wav", 0, aggregate=False, visit=1)]


def test_hang_up_while_recording_keeps_the_file_with_unknown_duration():
    caller = Caller(survey(section(7, 5, script="")))
    [record] = caller.start()
    actions = caller.send(HungUp("NORMAL_CLEARING"))
    assert actions == [
        SaveResult(7, "", record.file_name, None, aggregate=False, visit=1),
        Finished("hung up (NORMAL_CLEARING)"),
    ]


def test_failed_recording_saves_nothing_and_goes_on():
    caller = Caller(survey(section(7, 5, {"0": 8}, script=""), section(8, 7)))
    caller.start()
    caller.send(ActionFailed(caller.token, "record failed"))
    assert caller.results == []
    assert caller.machine.section_id == 8


# -- 6 transfer --------------------------------------------------------------------------------


def test_transfer_dials_through_the_gateway_and_resumes_at_key_0():
    sec = section(1, 6, {"0": 2}, phonenumber="0144556677", audio_path="ring.wav")
    caller = Caller(survey(sec, section(2, 7)))
    actions = caller.start()
    assert actions == [
        SaveResult(1, "phonenumber: 0144556677", visit=1),
        Transfer("x1", "sofia/gateway/gw1/0144556677", "33612345678", ringback=Prompt(audio_path="ring.wav")),
    ]
    caller.bridge_ended()
    assert caller.machine.section_id == 2


def test_transfer_uses_a_full_dial_string_as_is():
    caller = Caller(survey(section(1, 6, phonenumber="sofia/gateway/other/555")))
    [_, transfer] = caller.start()
    assert transfer.dial_string == "sofia/gateway/other/555"


def test_transfer_destination_and_ref_come_from_additional_vars():
    confirm = "Press 1 for {first_name}"
    sec = section(1, 6, phonenumber="111", confirm_script=confirm, confirm_key="1", script="")
    extra = {"transfer_phonenumber": "222", "transfer_ref": "T-9"}
    caller = Caller(survey(sec), context(additional_vars=extra, contact_fields={"first_name": "Ann"}))
    [result, transfer] = caller.start()
    assert result == SaveResult(1, "phonenumber: 222", visit=1)
    assert transfer.dial_string == "sofia/gateway/gw1/222"
    assert transfer.ringback is None
    assert transfer.confirm_prompt == Prompt(tts_text="Press 1 for Ann")
    assert transfer.confirm_key == "1"
    assert transfer.headers == (("P-Contact-Transfer-Ref", "T-9"),)


def test_confirm_key_without_confirm_script_is_not_sent():
    caller = Caller(survey(section(1, 6, phonenumber="111", confirm_key="1")))
    [_, transfer] = caller.start()
    assert (transfer.confirm_prompt, transfer.confirm_key) == (None, "")


def test_failed_bridge_resumes_like_an_ended_one():
    caller = Caller(survey(section(1, 6, {"0": 2}, phonenumber="111"), section(2, 7)))
    caller.start()
    caller.send(ActionFailed(caller.token, "USER_BUSY"))
    assert caller.machine.section_id == 2


def test_transfer_without_destination_goes_on():
    caller = Caller(survey(section(1, 6, {"0": 2}), section(2, 7)))
    caller.start()
    assert caller.results == []
    assert caller.machine.section_id == 2


# -- 7 hangup ----------------------------------------------------------------------------------


def test_hangup_section_plays_then_ends_the_call_ignoring_branchings():
    caller = Caller(survey(section(1, 7, {"0": 2}), section(2, 1)))
    caller.start()
    actions = caller.prompt_done()
    assert ends_call(actions)
    assert caller.results == []


# -- 8 conference ------------------------------------------------------------------------------


def test_conference_joins_room_at_default_and_resumes_when_left():
    caller = Caller(survey(section(1, 8, {"0": 2}, conference="sales"), section(2, 7)))
    caller.start()
    joined = caller.prompt_done()
    assert joined == [SaveResult(1, "conf: sales", visit=1), JoinConference("k2", "sales@default")]
    caller.left_conference()
    assert caller.machine.section_id == 2


def test_conference_without_room_uses_the_campaign_id():
    caller = Caller(survey(section(1, 8, script="")), context(campaign_id=77))
    assert caller.start() == [SaveResult(1, "conf: 77", visit=1), JoinConference("k1", "77@default")]


# -- 9 DNC -------------------------------------------------------------------------------------


def test_dnc_adds_the_number_then_plays_then_hangs_up():
    caller = Caller(survey(section(1, 9, {"0": 2}), section(2, 1)), context(dnc_list_id=3))
    actions = caller.start()
    assert actions[:2] == [AddToDnc(3, "33612345678"), SaveResult(1, "DNC: 33612345678", visit=1)]
    assert isinstance(actions[2], Play)
    assert ends_call(caller.prompt_done())


def test_dnc_without_a_list_still_records_the_answer():
    caller = Caller(survey(section(1, 9, script="")))
    actions = caller.start()
    assert caller.of_type(AddToDnc) == []
    assert actions[0] == SaveResult(1, "DNC: 33612345678", visit=1)
    assert ends_call(actions)


# -- 10 SMS ------------------------------------------------------------------------------------


def test_sms_is_queued_before_the_prompt_then_key_0_is_followed():
    sec = section(1, 10, {"0": 2}, sms_text="Hi {first_name}")
    call = context(has_sms_gateway=True, contact_fields={"first_name": "Ann"})
    caller = Caller(survey(sec, section(2, 7)), call)
    actions = caller.start()
    assert actions[:2] == [SendSms("33612345678", "Hi Ann"), SaveResult(1, "SMS: 33612345678", visit=1)]
    caller.prompt_done()
    assert caller.machine.section_id == 2


def test_sms_goes_to_sms_phonenumber_when_given():
    call = context(has_sms_gateway=True, additional_vars={"sms_phonenumber": "999"})
    caller = Caller(survey(section(1, 10, sms_text="x", script="")), call)
    assert caller.start()[:2] == [SendSms("999", "x"), SaveResult(1, "SMS: 999", visit=1)]


def test_sms_needs_a_gateway_and_a_text():
    for sec, call in (
        (section(1, 10, sms_text="x", script=""), context(has_sms_gateway=False)),
        (section(1, 10, sms_text=" {unknown} ", script=""), context(has_sms_gateway=True)),
    ):
        caller = Caller(survey(sec), call)
        caller.start()
        assert caller.of_type(SendSms) == [] and caller.results == []
        assert caller.finished
