"""Parsing of the variables the inbound dialplan hook sets."""

from __future__ import annotations

import pytest

from ivrd.dialplan_vars import DialplanVariableError, InboundRequest, parse_inbound


def test_a_call_not_marked_for_ivrd_is_not_ours() -> None:
    assert parse_inbound({}) is None
    assert parse_inbound({"ivrd_inbound": "false", "ivrd_survey": "12"}) is None


def test_sealed_survey_with_campaign() -> None:
    request = parse_inbound({"ivrd_inbound": "true", "ivrd_survey": "12", "ivrd_campaign": "3"})
    assert request == InboundRequest(survey_id=12, survey_template_id=None, campaign_id=3)


def test_survey_template_without_campaign() -> None:
    request = parse_inbound({"ivrd_inbound": "TRUE", "ivrd_survey": "template:7"})
    assert request == InboundRequest(survey_id=None, survey_template_id=7, campaign_id=None)


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"ivrd_inbound": "true"}, "ivrd_survey"),
        ({"ivrd_inbound": "true", "ivrd_survey": "twelve"}, "ivrd_survey"),
        ({"ivrd_inbound": "true", "ivrd_survey": "template:"}, "ivrd_survey"),
        ({"ivrd_inbound": "true", "ivrd_survey": "0"}, "ivrd_survey"),
        ({"ivrd_inbound": "true", "ivrd_survey": "12", "ivrd_campaign": "-1"}, "ivrd_campaign"),
    ],
)
def test_a_marked_call_with_a_bad_value_names_the_variable(variables: dict[str, str], named: str) -> None:
    with pytest.raises(DialplanVariableError, match=f"^{named}:"):
        parse_inbound(variables)
