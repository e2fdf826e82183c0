"""Pure campaign logic: pacing, calling windows, the retry policy and what one attempt dials."""

from ivrd.campaign.authorization import is_authorized, may_call
from ivrd.campaign.bucket import after_call, call_interval_s, plan_slots
from ivrd.campaign.cdr import Disposition, cdr_disposition
from ivrd.campaign.lifecycle import CampaignProgress, EndReason, campaign_end_reason
from ivrd.campaign.originate import (
    AttemptIdentity,
    CallerId,
    DialNumber,
    apply_gateway_rules,
    choose_caller_id,
    originate_variables,
    parse_gateway_variables,
)
from ivrd.campaign.pacer import Pacer
from ivrd.campaign.retry import (
    NO_RETRY_CAUSES,
    AttemptOutcome,
    RetryDecision,
    RetryKind,
    RetryPolicy,
    cause_name,
    decide_retry,
    effective_maxretry,
)
from ivrd.campaign.state import CampaignState, Candidate, DialerState, DialRequest, DuePlan, GatewayState
from ivrd.campaign.status import CampaignStatus, SubscriberStatus, is_final
from ivrd.campaign.window import (
    CallingWindow,
    in_window,
    in_window_s,
    next_window_open,
    next_window_open_s,
    window_from_flags,
    zone,
)

__all__ = [
    "NO_RETRY_CAUSES",
    "AttemptIdentity",
    "AttemptOutcome",
    "CallerId",
    "CallingWindow",
    "CampaignProgress",
    "CampaignState",
    "CampaignStatus",
    "Candidate",
    "DialNumber",
    "DialRequest",
    "DialerState",
    "Disposition",
    "DuePlan",
    "EndReason",
    "GatewayState",
    "Pacer",
    "RetryDecision",
    "RetryKind",
    "RetryPolicy",
    "SubscriberStatus",
    "after_call",
    "apply_gateway_rules",
    "call_interval_s",
    "campaign_end_reason",
    "cause_name",
    "cdr_disposition",
    "choose_caller_id",
    "decide_retry",
    "effective_maxretry",
    "in_window",
    "in_window_s",
    "is_authorized",
    "is_final",
    "may_call",
    "next_window_open",
    "next_window_open_s",
    "originate_variables",
    "parse_gateway_variables",
    "plan_slots",
    "window_from_flags",
    "zone",
]
