"""Channel variables the FreeSWITCH inbound hook (fs_conf/dialplan) sets, and their parsing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

INBOUND = "ivrd_inbound"
SURVEY = "ivrd_survey"
CAMPAIGN = "ivrd_campaign"

# Set by every inbound DID extension; the daemon takes over a parked call only when
# ivrd_inbound is "true".
INBOUND_VARIABLES = (INBOUND, SURVEY)
# May be set by an inbound DID extension.
OPTIONAL_INBOUND_VARIABLES = (CAMPAIGN,)

TEMPLATE_PREFIX = "template:"


class DialplanVariableError(ValueError):
    """A dialplan variable has a value ivrd cannot use; the message names the variable."""


@dataclass(frozen=True)
class InboundRequest:
    """What the dialplan asked ivrd to run on a parked inbound call."""

    survey_id: int | None
    survey_template_id: int | None
    campaign_id: int | None


def _positive_id(name: str, raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise DialplanVariableError(f"{name}: expected a positive id, got {raw!r}")
    return int(raw)


def parse_inbound(variables: Mapping[str, str]) -> InboundRequest | None:
    """Reads the hook's variables (names without FreeSWITCH's `variable_` prefix).

    Returns None when the call is not marked for ivrd; raises DialplanVariableError
    when it is marked but the survey or campaign is missing or malformed.
    """
    if variables.get(INBOUND, "").strip().lower() != "true":
        return None
    survey = variables.get(SURVEY, "").strip()
    if not survey:
        raise DialplanVariableError(f"{SURVEY}: required on inbound calls (a survey id or template:ID)")
    survey_id = template_id = None
    if survey.startswith(TEMPLATE_PREFIX):
        template_id = _positive_id(SURVEY, survey[len(TEMPLATE_PREFIX) :])
    else:
        survey_id = _positive_id(SURVEY, survey)
    campaign = variables.get(CAMPAIGN, "").strip()
    campaign_id = _positive_id(CAMPAIGN, campaign) if campaign else None
    return InboundRequest(survey_id=survey_id, survey_template_id=template_id, campaign_id=campaign_id)
