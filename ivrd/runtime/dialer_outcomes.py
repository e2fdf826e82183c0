"""How an attempt ended, as a database job: final attempt row, subscriber via the retry policy, one CDR.

`record_outcome` is idempotent: the attempt moves from open to final with one conditional UPDATE,
and only the call that moved it writes the subscriber and the CDR. A failed originate whose
`-ERR` and CHANNEL_HANGUP_COMPLETE both arrive therefore leaves exactly one CDR.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ivrd.amd import AmdResult
from ivrd.campaign import AttemptOutcome, RetryDecision, RetryKind, RetryPolicy, cdr_disposition, decide_retry
from ivrd.campaign.retry import cause_name
from ivrd.esl.causes import HangupCause
from ivrd.esl.events import HangupEvent
from ivrd.runtime.amd_facts import AmdFacts, cdr_columns, facts_from_variables
from ivrd.runtime.dialer_plan import PlannedCall, retry_policy
from ivrd.store import queries_attempts as attempts
from ivrd.store.constants import AmdStatus, CallRequestStatus, CallRequestType, LegType
from ivrd.store.models import CallRequest, Campaign, Subscriber, User

# The cause given to an attempt whose channel vanished without a CHANNEL_HANGUP_COMPLETE being seen
# (daemon killed, FreeSWITCH restarted, link lost during the call's end).
VANISHED_CAUSE = "NORMAL_UNSPECIFIED"


@dataclass(frozen=True)
class AttemptRef:
    """What outcome processing needs to know about one attempt."""

    attempt_id: int
    uuid: str
    campaign_id: int
    subscriber_id: int
    gateway_id: int | None
    user_id: int
    phone_number: str
    callerid: str
    policy: RetryPolicy


@dataclass(frozen=True)
class HangupFacts:
    """How the channel ended (from CHANNEL_HANGUP_COMPLETE, a failed originate, or reconciliation)."""

    cause: str
    answered: bool = False
    q850: int | None = None
    duration_s: int = 0
    billsec_s: int = 0
    amd: AmdFacts | None = None  # what answering-machine detection found (None: not run)
    started_at: dt.datetime | None = None
    request_uuid: str = ""


def facts_from_hangup(event: HangupEvent) -> HangupFacts:
    raw = event.header("Hangup-Cause") or event.variable("hangup_cause") or ""
    cause = cause_name(raw) or "NORMAL_CLEARING"
    start_text = event.variable("start_epoch") or ""
    started = None
    if start_text.isdigit() and int(start_text) > 0:
        started = dt.datetime.fromtimestamp(int(start_text), dt.UTC)
    return HangupFacts(cause=cause, answered=event.answered, q850=event.q850, duration_s=event.duration_s,
                       billsec_s=event.billsec_s, amd=facts_from_variables(event.variable),
                       started_at=started)


def facts_from_error(error: str, job_uuid: str) -> HangupFacts:
    """A failed originate (`-ERR CAUSE`) that no channel event described."""
    cause = cause_name(error) or "NORMAL_TEMPORARY_FAILURE"
    parsed = HangupCause.parse(cause)
    return HangupFacts(cause=cause, q850=parsed.q850 if parsed is not None else None, request_uuid=job_uuid)


def _final_type(policy: RetryPolicy, decision: RetryDecision) -> int:
    if decision.retry is not RetryKind.NONE:
        return CallRequestType.RETRY_DONE
    return CallRequestType.CANNOT_RETRY if policy.maxretry == 0 else CallRequestType.ALLOW_RETRY


def record_outcome(ref: AttemptRef, facts: HangupFacts, now_s: float) -> RetryDecision | None:
    """Writes the attempt's end (a database job); None when it had already ended (nothing written)."""
    row = attempts.attempt_facts(ref.attempt_id)
    subscriber = Subscriber.get_or_none(Subscriber.id == ref.subscriber_id)
    if row is None or subscriber is None:
        return None
    status, completed, has_results = row
    answered = facts.answered or completed or has_results or status == CallRequestStatus.ANSWERED
    outcome = AttemptOutcome(hangup_cause=facts.cause, answered=answered, completed=completed,
                             machine=facts.amd is not None and facts.amd.machine,
                             fax=facts.amd is not None and facts.amd.result is AmdResult.FAX)
    decision = decide_retry(now_s, outcome, ref.policy, count_attempt=int(subscriber.count_attempt),
                            completion_count_attempt=int(subscriber.completion_count_attempt))
    final = attempts.FinalAttempt(
        status=CallRequestStatus.SUCCESS if answered else CallRequestStatus.FAILURE,
        hangup_cause=facts.cause, call_type=_final_type(ref.policy, decision),
        request_uuid=facts.request_uuid)
    if not attempts.finish_attempt(ref.attempt_id, final):
        return None
    due = dt.datetime.fromtimestamp(decision.next_attempt_at_s, dt.UTC) \
        if decision.next_attempt_at_s is not None else None
    attempts.settle_subscriber(ref.subscriber_id, decision.status, due, decision.completion_count_attempt)
    attempts.insert_call_record(_cdr(ref, facts))
    return decision


def _cdr(ref: AttemptRef, facts: HangupFacts) -> dict[str, object]:
    values: dict[str, object] = {
        "user": ref.user_id,
        "request_uuid": facts.request_uuid or ref.uuid,
        "used_gateway": ref.gateway_id,
        "callrequest": ref.attempt_id,
        "callid": ref.uuid,
        "callerid": ref.callerid[:120],
        "phone_number": ref.phone_number[:120],
        "duration": facts.duration_s,
        "billsec": facts.billsec_s,
        "disposition": str(cdr_disposition(facts.cause)),
        "hangup_cause": facts.cause[:80],
        "hangup_cause_q850": facts.q850,
        "leg_type": LegType.A_LEG,
        "amd_status": AmdStatus.PERSON,
    }
    if facts.amd is not None:
        values.update(cdr_columns(facts.amd))
    if facts.started_at is not None:
        values["starting_date"] = facts.started_at
    return values


def ref_of(call: PlannedCall) -> AttemptRef:
    return AttemptRef(attempt_id=call.attempt_id, uuid=call.uuid, campaign_id=call.campaign_id,
                      subscriber_id=call.subscriber_id, gateway_id=call.gateway_id, user_id=call.user_id,
                      phone_number=call.phone_number, callerid=call.callerid, policy=call.policy)


def refs_for(rows: list[CallRequest]) -> list[AttemptRef]:
    """AttemptRefs of attempt rows read back from the database (reconciliation after a restart)."""
    policies: dict[int, RetryPolicy] = {}
    refs: list[AttemptRef] = []
    for row in rows:
        if row.campaign_id is None or row.subscriber_id is None:
            continue
        policy = policies.get(row.campaign_id)
        if policy is None:
            campaign = Campaign.get_or_none(Campaign.id == row.campaign_id)
            if campaign is None:
                continue
            policy = policies[row.campaign_id] = retry_policy(campaign, User.get_by_id(campaign.user_id))
        refs.append(AttemptRef(
            attempt_id=row.id, uuid=row.aleg_uuid or "", campaign_id=row.campaign_id,
            subscriber_id=row.subscriber_id, gateway_id=row.aleg_gateway_id, user_id=row.user_id,
            phone_number=row.phone_number, callerid=row.callerid, policy=policy))
    return refs
