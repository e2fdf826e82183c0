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

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from ivrd.campaign.authorization import compile_number_pattern, may_call
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

_UNLIMITED = 1 << 30

Entry = tuple[Candidate, ZoneInfo]


def _min_free(*limits: int | None) -> int:
    """The smallest of the given limits (None = unlimited), never negative."""
    known = [limit for limit in limits if limit is not None]
    return max(0, min(known)) if known else _UNLIMITED


def candidate_zone(candidate: Candidate, campaign: CampaignState) -> ZoneInfo:
    """The contact's zone when it has a valid one, else the campaign's."""
    if candidate.timezone:
        try:
            return zone(candidate.timezone)
        except ValueError:
            pass
    return zone(campaign.timezone)


def _has_lists(campaign: CampaignState) -> bool:
    return (
        compile_number_pattern(campaign.whitelist, "whitelist") is not None
        or compile_number_pattern(campaign.blacklist, "blacklist") is not None
    )


def _allowed(campaign: CampaignState, candidate: Candidate, lists: bool) -> bool:
    if not lists:
        return not candidate.in_dnc
    return may_call(
        candidate.phone_number,
        whitelist=campaign.whitelist,
        blacklist=campaign.blacklist,
        in_dnc=candidate.in_dnc,
    )


def _due_key(entry: Entry) -> tuple[float, int]:
    due_s = entry[0].next_attempt_at_s
    return (float("-inf") if due_s is None else due_s, entry[0].subscriber_id)


@dataclass
class _Pools:
    """Authorized candidates of running campaigns, each subscriber once, ordered by due time then id."""

    by_campaign: dict[int, list[Entry]] = field(default_factory=dict)
    refused: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, state: DialerState) -> _Pools:
        running = {c.id: (c, _has_lists(c), zone(c.timezone)) for c in state.campaigns if c.running}
        pools = cls()
        seen: set[int] = set()
        for candidate in state.candidates:
            found = running.get(candidate.campaign_id)
            if found is None or candidate.subscriber_id in seen:
                continue
            seen.add(candidate.subscriber_id)
            campaign, lists, campaign_zone = found
            if not _allowed(campaign, candidate, lists):
                pools.refused.append(candidate.subscriber_id)
                continue
            tz = candidate_zone(candidate, campaign) if candidate.timezone else campaign_zone
            pools.by_campaign.setdefault(campaign.id, []).append((candidate, tz))
        for pool in pools.by_campaign.values():
            pool.sort(key=_due_key)
        return pools


@dataclass
class _Tally:
    """Calls planned during one decision, on top of the state's counters."""

    global_free: int
    per_campaign: Counter[int] = field(default_factory=Counter)
    per_gateway: Counter[int] = field(default_factory=Counter)
    taken: set[int] = field(default_factory=set)
    buckets: dict[int, float] = field(default_factory=dict)

    def free_for(self, campaign: CampaignState, gateway: GatewayState) -> int:
        campaign_free = campaign.free_calls()
        gateway_free = gateway.free_calls()
        return _min_free(
            None if campaign_free is None else campaign_free - self.per_campaign[campaign.id],
            None if gateway_free is None else gateway_free - self.per_gateway[gateway.id],
            self.global_free,
        )

    def bucket_of(self, campaign: CampaignState) -> float | None:
        return self.buckets.get(campaign.id, campaign.next_call_at_s)


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
        pools = _Pools.of(state)
        tally = _Tally(global_free=state.max_calls - state.active_calls)
        dials: list[DialRequest] = []
        for campaign in sorted((c for c in state.campaigns if c.running), key=_campaign_order):
            gateway = gateways.get(campaign.gateway_id)
            pool = pools.by_campaign.get(campaign.id)
            if gateway is None or not pool:
                continue
            planned = self._plan_campaign(now_s, campaign, pool, tally.free_for(campaign, gateway), tally)
            dials.extend(planned)
            tally.per_campaign[campaign.id] += len(planned)
            tally.per_gateway[gateway.id] += len(planned)
            tally.global_free -= len(planned)
        dials.sort(key=lambda d: (d.start_at_s, d.campaign_id))
        wakeup_s = self._wakeup(now_s, state.campaigns, gateways, pools, tally)
        return DuePlan(tuple(dials), tuple(pools.refused), dict(tally.buckets), wakeup_s)

    def _plan_campaign(
        self, now_s: float, campaign: CampaignState, pool: Sequence[Entry], free: int, tally: _Tally
    ) -> list[DialRequest]:
        bucket = campaign.next_call_at_s
        planned: list[DialRequest] = []
        while len(planned) < free:
            slot_s = next_slot_s(now_s, bucket, self.horizon_s)
            if slot_s is None:
                break
            candidate = _pick(slot_s, campaign, pool, tally.taken)
            if candidate is None:
                break
            tally.taken.add(candidate.subscriber_id)
            planned.append(_dial_request(campaign, candidate, slot_s))
            bucket = after_call(slot_s, bucket, campaign.calls_per_minute, self.catchup_s)
        if planned and bucket is not None:
            tally.buckets[campaign.id] = bucket
        return planned

    def next_wakeup(self, now_s: float, state: DialerState) -> float | None:
        """Earliest instant (>= now_s) at which some call could become due: next bucket token, next
        retry due time, next window opening. Work blocked only by a concurrency cap is not counted
        (a call ending frees it); None = nothing pending."""
        gateways = {gateway.id: gateway for gateway in state.gateways}
        tally = _Tally(global_free=state.max_calls - state.active_calls)
        return self._wakeup(now_s, state.campaigns, gateways, _Pools.of(state), tally)

    def _wakeup(
        self,
        now_s: float,
        campaigns: Iterable[CampaignState],
        gateways: dict[int, GatewayState],
        pools: _Pools,
        tally: _Tally,
    ) -> float | None:
        if tally.global_free <= 0:
            return None
        earliest: float | None = None
        for campaign in campaigns:
            gateway = gateways.get(campaign.gateway_id)
            pool = pools.by_campaign.get(campaign.id)
            if not campaign.running or gateway is None or not pool or tally.free_for(campaign, gateway) <= 0:
                continue
            ready_s = _earliest_candidate_s(now_s, campaign, pool, tally.taken)
            if ready_s is None:
                continue
            bucket = tally.bucket_of(campaign)
            if bucket is not None:
                ready_s = max(ready_s, bucket)
            earliest = ready_s if earliest is None else min(earliest, ready_s)
        return earliest


def _pick(slot_s: float, campaign: CampaignState, pool: Sequence[Entry], taken: set[int]) -> Candidate | None:
    open_by_zone: dict[ZoneInfo, bool] = {}
    for candidate, tz in pool:
        due_s = candidate.next_attempt_at_s
        if due_s is not None and due_s > slot_s:
            return None  # the pool is ordered by due time
        if candidate.subscriber_id in taken:
            continue
        if tz not in open_by_zone:
            open_by_zone[tz] = in_window_s(slot_s, campaign.window, tz)
        if open_by_zone[tz]:
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


def _earliest_candidate_s(
    now_s: float, campaign: CampaignState, pool: Sequence[Entry], taken: set[int]
) -> float | None:
    """Earliest instant one of the candidates is both due and inside its window."""
    ref_by_zone: dict[ZoneInfo, float] = {}
    for candidate, tz in pool:  # ordered by due time: the first one per zone is the earliest
        if tz in ref_by_zone or candidate.subscriber_id in taken:
            continue
        ref_by_zone[tz] = max(now_s, candidate.next_attempt_at_s or now_s)
    opens = [next_window_open_s(ref_s, campaign.window, tz) for tz, ref_s in ref_by_zone.items()]
    known = [opens_s for opens_s in opens if opens_s is not None]
    return min(known) if known else None
