"""Gateway number rules, caller-ID choice, authorization, originate variables, CDR and campaign end."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivrd.campaign.authorization import is_authorized, may_call
from ivrd.campaign.cdr import Disposition, cdr_disposition
from ivrd.campaign.lifecycle import CampaignProgress, EndReason, campaign_end_reason
from ivrd.campaign.originate import (
    AttemptIdentity,
    CallerId,
    apply_gateway_rules,
    choose_caller_id,
    originate_variables,
    parse_gateway_variables,
)
from ivrd.campaign.window import CallingWindow

IDENTITY = AttemptIdentity(
    attempt_id=11,
    campaign_id=2,
    subscriber_id=33,
    contact_id=44,
    gateway_id=5,
    dialout_number="0033612345678",
)


def test_gateway_rules_strip_then_prepend():
    assert apply_gateway_rules("0033612345678", removeprefix="00", addprefix="+").number == "+33612345678"
    assert apply_gateway_rules("33612345678", removeprefix="00", addprefix="9").number == "933612345678"
    assert apply_gateway_rules(" 5551234 ").number == "5551234"


def test_gateway_rules_split_dtmf_at_the_first_w():
    dial = apply_gateway_rules("0012345w12w3", removeprefix="00", addprefix="1")
    assert dial.number == "112345"
    assert dial.dtmf_after_answer == "w12w3"
    assert apply_gateway_rules("12345").dtmf_after_answer == ""


def test_caller_id_from_campaign_or_group_round_robin():
    assert choose_caller_id(callerid="1239876", caller_name="Survey") == CallerId("1239876", "Survey")
    group = ["100", " ", "200", "300"]
    picked = [choose_caller_id(callerid="1", group_numbers=group, counter=i).number for i in range(4)]
    assert picked == ["100", "200", "300", "100"]


def test_whitelist_wins_over_blacklist_and_star_means_none():
    assert is_authorized("5551234")
    assert is_authorized("5551234", whitelist="*", blacklist="*")
    assert not is_authorized("900123", blacklist="^900")
    assert is_authorized("900123", whitelist="^9001", blacklist="^900")
    assert is_authorized("555", whitelist="^9", blacklist="^900")
    assert not may_call("555", in_dnc=True)
    with pytest.raises(ValueError, match="whitelist"):
        is_authorized("1", whitelist="[")


def test_gateway_variables_parse_and_name_the_field_on_error():
    assert parse_gateway_variables("bridge_early_media=true, hangup_after_bridge=true,") == {
        "bridge_early_media": "true",
        "hangup_after_bridge": "true",
    }
    assert parse_gateway_variables("") == {}
    with pytest.raises(ValueError, match="originate_dial_string"):
        parse_gateway_variables("novalue")


def test_originate_variables_for_one_attempt():
    variables = originate_variables(
        origination_uuid="0f6c0000-0000-4000-8000-000000000001",
        identity=IDENTITY,
        caller_id=CallerId("1239876", "Survey Co"),
        calltimeout_s=5,
        callmaxduration_s=50,
        dtmf_after_answer="w12",
        gateway_variables={"ignore_early_media": "false", "ivrd_leg": "bleg", "sip_h_X-Test": "a b"},
        accountcode="acme",
    )
    assert variables == {
        "ignore_early_media": "false",
        "originate_timeout": "10",
        "sip_h_X-Test": "a b",
        "ivrd_leg": "aleg",
        "accountcode": "acme",
        "origination_uuid": "0f6c0000-0000-4000-8000-000000000001",
        "origination_caller_id_number": "1239876",
        "origination_caller_id_name": "Survey Co",
        "execute_on_answer_1": "sched_hangup +50 ALLOTTED_TIMEOUT",
        "execute_on_answer_2": "send_dtmf w12",
        "ivrd_attempt_id": "11",
        "ivrd_campaign_id": "2",
        "ivrd_subscriber_id": "33",
        "ivrd_contact_id": "44",
        "ivrd_gateway_id": "5",
        "ivrd_dialout_number": "0033612345678",
    }


def test_originate_variables_omit_empty_parts():
    variables = originate_variables(
        origination_uuid="u",
        identity=IDENTITY,
        caller_id=CallerId(""),
        calltimeout_s=45,
        callmaxduration_s=0,
    )
    assert variables["originate_timeout"] == "45"
    assert variables["ignore_early_media"] == "true"
    for absent in (
        "origination_caller_id_number",
        "origination_caller_id_name",
        "execute_on_answer_1",
        "execute_on_answer_2",
        "accountcode",
    ):
        assert absent not in variables


@pytest.mark.parametrize(
    ("cause", "disposition"),
    [
        ("NORMAL_CLEARING", Disposition.ANSWER),
        ("ALLOTTED_TIMEOUT", Disposition.ANSWER),
        ("USER_BUSY", Disposition.BUSY),
        ("NO_ANSWER", Disposition.NOANSWER),
        ("ORIGINATOR_CANCEL", Disposition.CANCEL),
        ("NORMAL_CIRCUIT_CONGESTION", Disposition.CONGESTION),
        ("UNALLOCATED_NUMBER", Disposition.FAILED),
        ("NORMAL_CLEARING trailing", Disposition.ANSWER),
        ("", Disposition.FAILED),
    ],
)
def test_cdr_disposition(cause, disposition):
    assert cdr_disposition(cause) is disposition
    assert cdr_disposition(cause) == disposition.value


def test_campaign_end_rule():
    window = CallingWindow(expires_at=datetime(2026, 6, 1, tzinfo=UTC))
    before = datetime(2026, 5, 1, tzinfo=UTC).timestamp()
    after = datetime(2026, 6, 1, 0, 0, 1, tzinfo=UTC).timestamp()
    done = CampaignProgress(total_subscribers=10, open_subscribers=0, phonebooks_imported=True)
    assert campaign_end_reason(after, window, done) is EndReason.EXPIRED
    assert campaign_end_reason(before, window, done) is EndReason.ALL_DONE
    waiting = CampaignProgress(total_subscribers=10, open_subscribers=1, phonebooks_imported=True)
    assert campaign_end_reason(before, window, waiting) is None
    importing = CampaignProgress(total_subscribers=10, open_subscribers=0, phonebooks_imported=False)
    assert campaign_end_reason(before, window, importing) is None
    calling = CampaignProgress(
        total_subscribers=10, open_subscribers=0, phonebooks_imported=True, active_calls=1
    )
    assert campaign_end_reason(before, window, calling) is None
    empty = CampaignProgress(total_subscribers=0, open_subscribers=0, phonebooks_imported=True)
    assert campaign_end_reason(before, window, empty) is None
    assert campaign_end_reason(after, window, empty) is EndReason.EXPIRED
