"""One campaign's dialling decision, run as a database job: lock, ask the pacer, claim, create attempts.

Everything here runs on the database writer thread inside one transaction per campaign. The
campaign row (and its gateway's) is locked first, so several daemons on one PostgreSQL take turns:
each reads the shared `next_call_at` bucket and the open attempts of every daemon, claims due
subscribers with SKIP LOCKED, writes PENDING attempts and the advanced bucket, and commits.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid as uuid_module
from dataclasses import dataclass, field

from ivrd.campaign import (
    AttemptIdentity,
    CallingWindow,
    CampaignState,
    Candidate,
    DialerState,
    DialRequest,
    GatewayState,
    Pacer,
    RetryPolicy,
    after_call,
    apply_gateway_rules,
    choose_caller_id,
    originate_variables,
    parse_gateway_variables,
    window_from_flags,
)
from ivrd.esl import api_commands
from ivrd.esl.errors import LocalProtocolError
from ivrd.runtime.survey_store import campaign_context
from ivrd.store import queries_attempts as attempts
from ivrd.store.constants import CallRequestType, CampaignStatus, GatewayStatus, SubscriberStatus
from ivrd.store.locks import write_transaction
from ivrd.store.models import CallerIdNumber, Campaign, Gateway, Subscriber, User
from ivrd.store.queries_dialer import claim_due_subscribers
from ivrd.survey import CallContext

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlannedCall:
    """One attempt written PENDING, to be originated at `start_at_s` (POSIX seconds)."""

    attempt_id: int
    uuid: str
    campaign_id: int
    subscriber_id: int
    gateway_id: int
    user_id: int
    attempt_number: int
    start_at_s: float
    command: str  # the `originate ...` API line
    phone_number: str  # the contact's raw number
    callerid: str
    survey_id: int
    context: CallContext
    policy: RetryPolicy
    calls_per_minute: float = 0.0  # the campaign's rate (the send-time gate keeps it)
    contact_id: int | None = None


@dataclass
class CampaignPlan:
    campaign_id: int
    calls: list[PlannedCall] = field(default_factory=list)
    claimed: int = 0
    not_authorized: int = 0
    refused: int = 0  # numbers no originate can be built for (marked FAIL)
    error: str = ""


def retry_policy(campaign: Campaign, user: User) -> RetryPolicy:
    """The campaign's retry settings, maxretry capped by the owner's dialer limit."""
    return RetryPolicy(
        maxretry=max(0, min(int(campaign.maxretry), int(user.max_maxretry))),
        intervalretry_s=max(0, int(campaign.intervalretry)),
        completion_maxretry=max(0, int(campaign.completion_maxretry)),
        completion_intervalretry_s=max(0, int(campaign.completion_intervalretry)),
        amd_enabled=bool(campaign.voicemail),
        amd_behavior=int(campaign.amd_behavior or 1),
    )


def campaign_window(campaign: Campaign) -> CallingWindow:
    """The campaign's run dates, daily times and weekdays; ValueError names a bad field."""
    return window_from_flags(
        starting_at=campaign.startingdate, expires_at=campaign.expirationdate,
        daily_start=campaign.daily_start_time, daily_stop=campaign.daily_stop_time,
        monday=campaign.monday, tuesday=campaign.tuesday, wednesday=campaign.wednesday,
        thursday=campaign.thursday, friday=campaign.friday, saturday=campaign.saturday,
        sunday=campaign.sunday,
    )


def shared_bucket_s(campaign: Campaign, calls_per_minute: float) -> float | None:
    """The campaign's `next_call_at` as the pacer needs it, precise to the microsecond: derived from
    the latest planned start of its attempts (every daemon's), else the stored column value."""
    last = attempts.last_planned_start(campaign.id)
    if last is None or calls_per_minute <= 0:
        stored: float | None = campaign.next_call_at
        return stored
    return after_call(last.timestamp(), None, calls_per_minute)


def campaign_state(campaign: Campaign, user: User, active_calls: int,
                   next_call_at_s: float | None = None) -> CampaignState:
    """The pacer's view of a campaign; ValueError names a bad field (time zone, list pattern, dates)."""
    window = campaign_window(campaign)
    return CampaignState(
        id=campaign.id, status=int(campaign.status), calls_per_minute=max(0, int(campaign.frequency)),
        gateway_id=campaign.aleg_gateway_id, window=window, timezone=campaign.timezone or "UTC",
        max_aleg=int(campaign.max_aleg or 0), active_calls=active_calls,
        next_call_at_s=next_call_at_s, whitelist=user.whitelist or "", blacklist=user.blacklist or "",
    )


def gateway_state(gateway: Gateway, active_calls: int) -> GatewayState:
    return GatewayState(id=gateway.id, max_calls=int(gateway.maximum_call or 0), active_calls=active_calls,
                        enabled=int(gateway.status) == GatewayStatus.ACTIVE)


def dial_prefix(gateway: Gateway) -> str:
    """The gateway's dial-string prefix with its trailing `/` (ValueError when it is empty)."""
    prefix = (gateway.gateways or "").strip()
    if not prefix:
        raise ValueError(f"gateways: gateway {gateway.id} has no dial string (e.g. sofia/gateway/NAME/)")
    return prefix if prefix.endswith("/") else prefix + "/"


@dataclass(frozen=True)
class _Dialling:
    """What every call of one campaign shares while it is planned."""

    campaign: Campaign
    user: User
    gateway: Gateway
    prefix: str
    gateway_variables: dict[str, str]
    group_numbers: tuple[str, ...]
    policy: RetryPolicy


def _originate_line(d: _Dialling, request: DialRequest, uuid: str, attempt_id: int,
                    counter: int) -> tuple[str, str]:
    """(originate API line, caller-ID number); LocalProtocolError/ValueError when it cannot be built."""
    number = apply_gateway_rules(request.phone_number, removeprefix=d.gateway.removeprefix or "",
                                 addprefix=d.gateway.addprefix or "")
    if not number.number:
        raise ValueError(f"contact: empty phone number for subscriber {request.subscriber_id}")
    caller = choose_caller_id(callerid=d.campaign.callerid or "", caller_name=d.campaign.caller_name or "",
                              group_numbers=d.group_numbers, counter=counter)
    identity = AttemptIdentity(attempt_id=attempt_id, campaign_id=d.campaign.id,
                               subscriber_id=request.subscriber_id, contact_id=request.contact_id,
                               gateway_id=d.gateway.id, dialout_number=request.phone_number)
    variables = originate_variables(
        origination_uuid=uuid, identity=identity, caller_id=caller,
        calltimeout_s=int(d.campaign.calltimeout), callmaxduration_s=int(d.campaign.callmaxduration),
        dtmf_after_answer=number.dtmf_after_answer, gateway_variables=d.gateway_variables,
        accountcode=d.user.accountcode or "",
    )
    return api_commands.originate(d.prefix + number.number, variables=variables, app="park"), caller.number


def _candidates(campaign: Campaign, subscribers: list[Subscriber]) -> list[Candidate]:
    numbers = [s.contact.contact for s in subscribers]
    in_dnc = attempts.numbers_in_dnc(campaign.dnc_id, numbers)
    return [
        Candidate(
            subscriber_id=s.id, campaign_id=campaign.id, contact_id=s.contact_id,
            phone_number=s.contact.contact, count_attempt=int(s.count_attempt),
            completion_count_attempt=int(s.completion_count_attempt),
            next_attempt_at_s=s.next_attempt_at.timestamp() if s.next_attempt_at is not None else None,
            timezone=s.contact.timezone or None, in_dnc=s.contact.contact in in_dnc,
        )
        for s in subscribers
    ]


def _setup(campaign: Campaign, gateway: Gateway) -> _Dialling:
    user: User = User.get_by_id(campaign.user_id)
    numbers: tuple[str, ...] = ()
    if campaign.callerid_group_id is not None:
        rows = CallerIdNumber.select(CallerIdNumber.number).where(
            CallerIdNumber.group == campaign.callerid_group_id).order_by(CallerIdNumber.id)
        numbers = tuple(row.number for row in rows)
    return _Dialling(campaign, user, gateway, dial_prefix(gateway),
                     parse_gateway_variables(gateway.originate_dial_string or ""), numbers,
                     retry_policy(campaign, user))


def lock_campaign_rows(campaign_id: int) -> tuple[Campaign, Gateway] | None:
    """Takes the dialling lock of the campaign's gateway (until the transaction ends), then reads the
    campaign and gateway. Every planning transaction starts with it."""
    head = Campaign.select(Campaign.aleg_gateway).where(Campaign.id == campaign_id).first()
    if head is None:
        return None
    attempts.serialize_gateway(head.aleg_gateway_id)
    gateway = attempts.load_gateway(head.aleg_gateway_id)
    campaign = attempts.load_campaign(campaign_id)
    if campaign is None or gateway is None or campaign.aleg_gateway_id != gateway.id:
        return None
    return campaign, gateway


def plan_campaign(campaign_id: int, now_s: float, *, daemon_id: str, pacer: Pacer,
                  global_free: int) -> CampaignPlan:
    """Claims and writes the campaign's calls for `[now_s, now_s + pacer.horizon_s]` (a database job)."""
    plan = CampaignPlan(campaign_id)
    with write_transaction():
        locked = lock_campaign_rows(campaign_id)
        if locked is None:
            return plan
        campaign, gateway_row = locked
        if campaign.status != CampaignStatus.START or campaign.survey_id is None:
            return plan
        try:
            d = _setup(campaign, gateway_row)
            bucket_s = shared_bucket_s(campaign, max(0, int(campaign.frequency)))
            active = attempts.open_attempts_for_campaign(campaign_id)
            state = campaign_state(campaign, d.user, active, bucket_s)
        except ValueError as exc:
            plan.error = str(exc)
            return plan
        gateway = gateway_state(gateway_row, attempts.open_attempts_for_gateway(gateway_row.id))
        allowance = pacer.allowance(now_s, state, gateway, global_free)
        if allowance <= 0:
            return plan
        now = dt.datetime.fromtimestamp(now_s, dt.UTC)
        subscribers = claim_due_subscribers(campaign_id, allowance, now, daemon_id)
        plan.claimed = len(subscribers)
        if not subscribers:
            return plan
        decision = pacer.due(now_s, DialerState([state], [gateway], _candidates(campaign, subscribers),
                                                max_calls=global_free))
        refused = set(decision.not_authorized)
        attempts.mark_not_authorized(decision.not_authorized)
        plan.not_authorized = len(refused)
        dialled = {request.subscriber_id for request in decision.dials}
        attempts.unclaim([s.id for s in subscribers if s.id not in dialled and s.id not in refused])
        _write_calls(plan, d, list(decision.dials), {s.id: s for s in subscribers}, daemon_id)
        bucket = decision.next_call_at_s.get(campaign_id, bucket_s)
        attempts.set_pace(campaign_id, bucket, int(campaign.callerid_cursor) + len(plan.calls))
    return plan


def _write_calls(plan: CampaignPlan, d: _Dialling, requests: list[DialRequest],
                 subscribers: dict[int, Subscriber], daemon_id: str) -> None:
    cursor = int(d.campaign.callerid_cursor)
    good: list[tuple[DialRequest, str, int]] = []
    for request in requests:
        uuid = str(uuid_module.uuid4())
        try:
            _originate_line(d, request, uuid, 0, cursor + len(good))  # validates number and variables
        except (ValueError, LocalProtocolError) as exc:
            log.warning("campaign %s: subscriber %s cannot be dialled: %s", d.campaign.id,
                        request.subscriber_id, exc)
            attempts.settle_subscriber(request.subscriber_id, SubscriberStatus.FAIL, None,
                                       int(subscribers[request.subscriber_id].completion_count_attempt))
            plan.refused += 1
            continue
        good.append((request, uuid, cursor + len(good)))
    call_type = CallRequestType.CANNOT_RETRY if d.policy.maxretry == 0 else CallRequestType.ALLOW_RETRY
    rows = [
        {"user": d.campaign.user_id, "aleg_uuid": uuid, "request_uuid": uuid, "call_type": call_type,
         "callerid": (d.campaign.callerid or "")[:80], "caller_name": (d.campaign.caller_name or "")[:80],
         "phone_number": request.phone_number[:80], "timeout": int(d.campaign.calltimeout),
         "timelimit": int(d.campaign.callmaxduration), "subscriber": request.subscriber_id,
         "campaign": d.campaign.id, "aleg_gateway": d.gateway.id, "survey": d.campaign.survey_id,
         "extra_data": d.campaign.extra_data or "", "num_attempt": request.attempt_number,
         "daemon_id": daemon_id, "call_time": dt.datetime.fromtimestamp(request.start_at_s, dt.UTC)}
        for request, uuid, _ in good
    ]
    ids = attempts.create_attempts(rows)
    survey_id = int(d.campaign.survey_id or 0)
    for request, uuid, counter in good:
        attempt_id = ids[uuid]
        command, callerid = _originate_line(d, request, uuid, attempt_id, counter)
        contact = subscribers[request.subscriber_id].contact
        context = campaign_context(d.campaign, dialled_number=request.phone_number, call_ref=uuid,
                                   contact=contact)
        plan.calls.append(PlannedCall(
            attempt_id=attempt_id, uuid=uuid, campaign_id=d.campaign.id, subscriber_id=request.subscriber_id,
            gateway_id=d.gateway.id, user_id=d.campaign.user_id, attempt_number=request.attempt_number,
            start_at_s=request.start_at_s, command=command, phone_number=request.phone_number,
            callerid=callerid, survey_id=survey_id, context=context, policy=d.policy,
            calls_per_minute=float(d.campaign.frequency), contact_id=request.contact_id,
        ))
