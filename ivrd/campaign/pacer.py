"""The pacer: which candidate subscribers to dial now, under rate, window and concurrency caps.

A call of campaign C starts at ``t`` only when: C is START with a positive rate; C's bucket allows a
call at ``t`` (see ``bucket``); C's calls in progress < ``max_aleg``; its gateway is enabled with calls
in progress < ``maximum_call``; the daemon's calls in progress < ``dialer.max_calls``; the candidate's
``next_attempt_at_s`` <= ``t``; ``t`` is inside the calling window, read in the contact's zone when it
has one, else in the campaign's; the number is neither on the DNC list nor refused by the
whitelist/blacklist. Campaigns whose bucket is oldest go first, candidates by due time then id.

Typical loop: build a ``DialerState`` (``allowance`` tells how many candidates are worth loading per
campaign), call ``due``, claim the dialled subscribers and write the ``next_call_at_s`` values back,
mark ``not_authorized`` ones, place the calls, then sleep until ``plan.next_wakeup_s`` (capped by
``dialer.wakeup_max_s``) or until a call ends, whichever comes first.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Sequence
from zoneinfo import ZoneInfo

from ivrd.campaign.authorization import may_call
from ivrd.campaign.bucket import DEFAULT_CATCHUP_S, after_call, next_slot_s, plan_slots
from ivrd.campaign.state import (
    CampaignState,
    Candidate,
    DialerState,
    DialRequest,
    DuePlan,
    GatewayState,
)
from ivrd.campaign.window import in_window_s, next_window_open_s, zone


def _min_free(*limits: int | None) -> int:
    """The smallest of the given limits (None = unlimited), never negative."""
    known = [limit for limit in limits if limit is not None]
    return max(0, min(known)) if known else 1 << 30


def candidate_zone(candidate: Candidate, campaign: CampaignState) -> ZoneInfo:
    """The contact's zone when it has a valid one, else the campaign's."""
    if candidate.timezone:
        try:
            return zone(candidate.timezone)
        except ValueError:
            pass
    return zone(campaign.timezone)


def _group_candidates(candidates: Iterable[Candidate]) -> dict[int, list[Candidate]]:
    """Candidates per campaign, each subscriber once, ordered by due time then subscriber id."""
    unique: dict[int, Candidate] = {}
    for candidate in candidates:
        unique.setdefault(candidate.subscriber_id, candidate)
    grouped: dict[int, list[Candidate]] = {}
    for candidate in unique.values():
        grouped.setdefault(candidate.campaign_id, []).append(candidate)
    for pool in grouped.values():
        pool.sort(key=lambda c: (c.next_attempt_at_s or float("-inf"), c.subscriber_id))
    return grouped


def _authorized(campaign: CampaignState, pool: Sequence[Candidate]) -> tuple[list[Candidate], list[int]]:
    allowed: list[Candidate] = []
    refused: list[int] = []
    for candidate in pool:
        ok = may_call(
            candidate.phone_number,
            whitelist=campaign.whitelist,
            blacklist=campaign.blacklist,
            in_dnc=candidate.in_dnc,
        )
        if ok:
            allowed.append(candidate)
        else:
            refused.append(candidate.subscriber_id)
    return allowed, refused


def _campaign_order(campaign: CampaignState) -> tuple[float, int]:
    bucket = campaign.next_call_at_s
    return (float("-inf") if bucket is None else bucket, campaign.id)


class Pacer:
    """Pure pacing decisions. ``horizon_s`` > 0 plans calls ahead (each with its own ``start_at_s``,
    still spaced by the rate); ``catchup_s`` tolerates a loop that wakes slightly late."""

    def __init__(self, *, horizon_s: float = 0.0, catchup_s: float = DEFAULT_CATCHUP_S) -> None:
        if horizon_s < 0:
            raise ValueError(f"horizon_s: must not be negative, got {horizon_s}")
        if catchup_s < 0:
            raise ValueError(f"catchup_s: must not be negative, got {catchup_s}")
        self.horizon_s = horizon_s
        self.catchup_s = catchup_s

    def allowance(
        self, now_s: float, campaign: CampaignState, gateway: GatewayState | None, global_free: int
    ) -> int:
        """How many calls campaign may start in ``[now_s, now_s + horizon_s]`` given its bucket and the
        caps, before looking at candidates (window per contact is checked by ``due``)."""
        if not campaign.running or gateway is None:
            return 0
        free = _min_free(campaign.free_calls(), gateway.free_calls(), global_free)
        slots, _ = plan_slots(
            now_s,
            campaign.next_call_at_s,
            campaign.calls_per_minute,
            free,
            horizon_s=self.horizon_s,
            catchup_s=self.catchup_s,
        )
        return len(slots)

    def due(self, now_s: float, state: DialerState) -> DuePlan:
        """The calls to start now (or within the horizon) and the bucket updates they imply."""
        gateways = {gateway.id: gateway for gateway in state.gateways}
        gateway_added: Counter[int] = Counter()
        global_free = state.max_calls - state.active_calls
        pools = _group_candidates(state.candidates)
        dials: list[DialRequest] = []
        refused_all: list[int] = []
        buckets: dict[int, float] = {}
        for campaign in sorted((c for c in state.campaigns if c.running), key=_campaign_order):
            pool, refused = _authorized(campaign, pools.get(campaign.id, []))
            refused_all.extend(refused)
            gateway = gateways.get(campaign.gateway_id)
            if gateway is None or not pool:
                continue
            gateway_free = gateway.free_calls()
            if gateway_free is not None:
                gateway_free -= gateway_added[gateway.id]
            free = _min_free(campaign.free_calls(), gateway_free, global_free)
            planned, bucket = self._plan_campaign(now_s, campaign, pool, free)
            if planned and bucket is not None:
                dials.extend(planned)
                buckets[campaign.id] = bucket
                gateway_added[gateway.id] += len(planned)
                global_free -= len(planned)
        dials.sort(key=lambda d: (d.start_at_s, d.campaign_id))
        after = _state_after(state, dials, refused_all, buckets)
        return DuePlan(tuple(dials), tuple(refused_all), buckets, self.next_wakeup(now_s, after))

    def _plan_campaign(
        self, now_s: float, campaign: CampaignState, pool: Sequence[Candidate], free: int
    ) -> tuple[list[DialRequest], float | None]:
        bucket = campaign.next_call_at_s
        taken: set[int] = set()
        planned: list[DialRequest] = []
        while len(planned) < free:
            slot_s = next_slot_s(now_s, bucket, self.horizon_s)
            if slot_s is None:
                break
            candidate = _pick(slot_s, campaign, pool, taken)
            if candidate is None:
                break
            taken.add(candidate.subscriber_id)
            planned.append(_dial_request(campaign, candidate, slot_s))
            bucket = after_call(slot_s, bucket, campaign.calls_per_minute, self.catchup_s)
        return planned, bucket

    def next_wakeup(self, now_s: float, state: DialerState) -> float | None:
        """Earliest instant (>= now_s) at which some call could become due: next bucket token, next
        retry due time, next window opening. Work blocked only by a concurrency cap is not counted
        (a call ending frees it); None = nothing pending."""
        if state.max_calls - state.active_calls <= 0:
            return None
        gateways = {gateway.id: gateway for gateway in state.gateways}
        pools = _group_candidates(state.candidates)
        earliest: float | None = None
        for campaign in state.campaigns:
            gateway = gateways.get(campaign.gateway_id)
            if not campaign.running or gateway is None:
                continue
            if _min_free(campaign.free_calls(), gateway.free_calls()) <= 0:
                continue
            pool, _ = _authorized(campaign, pools.get(campaign.id, []))
            ready_s = _earliest_candidate_s(now_s, campaign, pool)
            if ready_s is None:
                continue
            if campaign.next_call_at_s is not None:
                ready_s = max(ready_s, campaign.next_call_at_s)
            earliest = ready_s if earliest is None else min(earliest, ready_s)
        return earliest


def _pick(
    slot_s: float, campaign: CampaignState, pool: Sequence[Candidate], taken: set[int]
) -> Candidate | None:
    for candidate in pool:
        due_s = candidate.next_attempt_at_s
        if due_s is not None and due_s > slot_s:
            return None  # the pool is ordered by due time
        if candidate.subscriber_id in taken:
            continue
        if in_window_s(slot_s, campaign.window, candidate_zone(candidate, campaign)):
            return candidate
    return None


def _dial_request(campaign: CampaignState, candidate: Candidate, start_at_s: float) -> DialRequest:
    return DialRequest(
        subscriber_id=candidate.subscriber_id,
        campaign_id=campaign.id,
        contact_id=candidate.contact_id,
        gateway_id=campaign.gateway_id,
        phone_number=candidate.phone_number,
        attempt_number=candidate.count_attempt + 1,
        start_at_s=start_at_s,
        is_retry=candidate.count_attempt > 0,
    )


def _earliest_candidate_s(now_s: float, campaign: CampaignState, pool: Sequence[Candidate]) -> float | None:
    """Earliest instant one of the candidates is both due and inside its window."""
    ref_by_zone: dict[ZoneInfo, float] = {}
    for candidate in pool:
        ref_s = max(now_s, candidate.next_attempt_at_s or now_s)
        tz = candidate_zone(candidate, campaign)
        ref_by_zone[tz] = min(ref_by_zone.get(tz, ref_s), ref_s)
    opens = [next_window_open_s(ref_s, campaign.window, tz) for tz, ref_s in ref_by_zone.items()]
    known = [opens_s for opens_s in opens if opens_s is not None]
    return min(known) if known else None


def _state_after(
    state: DialerState, dials: Sequence[DialRequest], refused: Sequence[int], buckets: dict[int, float]
) -> DialerState:
    """The state as it will be once the planned dials are placed and refusals recorded."""
    per_campaign = Counter(d.campaign_id for d in dials)
    per_gateway = Counter(d.gateway_id for d in dials)
    gone = {d.subscriber_id for d in dials} | set(refused)
    campaigns = [
        dataclasses.replace(
            c,
            active_calls=c.active_calls + per_campaign[c.id],
            next_call_at_s=buckets.get(c.id, c.next_call_at_s),
        )
        for c in state.campaigns
    ]
    gateways = [
        dataclasses.replace(g, active_calls=g.active_calls + per_gateway[g.id]) for g in state.gateways
    ]
    candidates = [c for c in state.candidates if c.subscriber_id not in gone]
    return DialerState(campaigns, gateways, candidates, state.max_calls, state.active_calls + len(dials))
