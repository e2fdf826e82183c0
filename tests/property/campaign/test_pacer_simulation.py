"""Simulated dialing days: the pacer never breaks a cap, the rate, the window, the retry rules, the lists."""

from __future__ import annotations

import bisect
import dataclasses
import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ivrd.campaign.pacer import Pacer
from ivrd.campaign.retry import AttemptOutcome, RetryKind, RetryPolicy, decide_retry
from ivrd.campaign.state import CampaignState, Candidate, DialerState, DialRequest, GatewayState
from ivrd.campaign.status import CampaignStatus, SubscriberStatus
from ivrd.campaign.window import CallingWindow

from .oracle import ZONES, WindowSpec, oracle_in_window, oracle_may_call

SIM_STARTS = [
    datetime(2026, 3, 7, 20, tzinfo=UTC),  # before the US spring change
    datetime(2026, 3, 28, 20, tzinfo=UTC),  # before the EU spring change
    datetime(2026, 4, 4, 10, tzinfo=UTC),  # Lord Howe and Santiago autumn changes
    datetime(2026, 5, 4, 8, tzinfo=UTC),
    datetime(2026, 9, 5, 20, tzinfo=UTC),  # Santiago spring change
    datetime(2026, 10, 24, 20, tzinfo=UTC),  # before the EU autumn change
    datetime(2026, 10, 31, 20, tzinfo=UTC),  # before the US autumn change
]
CAUSES = [
    "NO_ANSWER",
    "USER_BUSY",
    "NORMAL_CLEARING",
    "UNALLOCATED_NUMBER",
    "CALL_REJECTED",
    "ALLOTTED_TIMEOUT",
]
NUMBERS = ["5550001", "9000002", "5551235", "90055", "123"]
MAX_TICKS = 600
SIM_SPAN_S = 3 * 86400
EPS_S = 1e-4


@dataclass
class SimCampaign:
    state: CampaignState
    spec: WindowSpec
    policy: RetryPolicy


@dataclass
class SimSubscriber:
    candidate: Candidate
    status: SubscriberStatus = SubscriberStatus.PENDING
    failure_retries: int = 0
    completion_retries: int = 0
    calls: int = 0


@dataclass
class Call:
    dial: DialRequest
    end_s: float
    outcome: AttemptOutcome


@dataclass
class World:
    campaigns: dict[int, SimCampaign]
    gateways: list[GatewayState]
    subscribers: dict[int, SimSubscriber]
    max_calls: int
    starts: dict[int, list[float]] = field(default_factory=dict)
    active: list[Call] = field(default_factory=list)


def _whole_time(draw) -> time:
    return time(draw(st.integers(0, 23)), draw(st.integers(0, 59)), draw(st.integers(0, 59)))


@st.composite
def campaign_specs(draw, campaign_id: int, now_s: float) -> SimCampaign:
    starting = draw(st.none() | st.floats(-3600, 6 * 3600))
    expires = draw(st.none() | st.floats(3600, 3 * 86400))
    full_day = draw(st.booleans())
    starting_at = None if starting is None else datetime.fromtimestamp(now_s + starting, UTC)
    expires_at = None if expires is None else datetime.fromtimestamp(now_s + expires, UTC)
    spec = WindowSpec(
        starting_s=None if starting_at is None else starting_at.timestamp(),
        expires_s=None if expires_at is None else expires_at.timestamp(),
        start=time(0) if full_day else _whole_time(draw),
        stop=time(23, 59, 59) if full_day else _whole_time(draw),
        weekdays=tuple(draw(st.lists(st.sampled_from([True] * 6 + [False]), min_size=7, max_size=7))),
    )
    window = CallingWindow(starting_at, expires_at, spec.start, spec.stop, spec.weekdays)
    state = CampaignState(
        id=campaign_id,
        status=draw(st.sampled_from([CampaignStatus.START] * 6 + [CampaignStatus.PAUSE])),
        calls_per_minute=draw(st.sampled_from([1, 3, 10, 30, 60, 100, 600, 3000])),
        gateway_id=draw(st.integers(1, 2)),
        window=window,
        timezone=draw(st.sampled_from(ZONES)),
        max_aleg=draw(st.none() | st.integers(0, 4)),
        whitelist=draw(st.sampled_from(["", "", "*", "^55"])),
        blacklist=draw(st.sampled_from(["", "", "*", "^9", "5$"])),
    )
    policy = RetryPolicy(
        maxretry=draw(st.integers(0, 3)),
        intervalretry_s=draw(st.integers(1, 900)),
        completion_maxretry=draw(st.integers(0, 2)),
        completion_intervalretry_s=draw(st.integers(1, 1800)),
        amd_enabled=draw(st.booleans()),
        amd_behavior=draw(st.integers(1, 3)),
    )
    return SimCampaign(state, spec, policy)


@st.composite
def worlds(draw) -> tuple[World, float]:
    now_s = draw(st.sampled_from(SIM_STARTS)).timestamp() + draw(st.floats(0, 86400))
    campaigns = {cid: draw(campaign_specs(cid, now_s)) for cid in range(1, draw(st.integers(1, 3)) + 1)}
    gateways = [GatewayState(id=gid, max_calls=draw(st.none() | st.integers(0, 5))) for gid in (1, 2)]
    subscribers: dict[int, SimSubscriber] = {}
    for cid in campaigns:
        for _ in range(draw(st.integers(1, 25))):
            sid = len(subscribers) + 1
            candidate = Candidate(
                subscriber_id=sid,
                campaign_id=cid,
                contact_id=1000 + sid,
                phone_number=draw(st.sampled_from(NUMBERS)),
                timezone=draw(st.none() | st.sampled_from([*ZONES, "Bad/Zone"])),
                in_dnc=draw(st.integers(0, 9)) == 0,
            )
            subscribers[sid] = SimSubscriber(candidate)
    return World(campaigns, gateways, subscribers, draw(st.integers(1, 8))), now_s


def _dialer_state(world: World) -> DialerState:
    per_campaign: dict[int, int] = {}
    per_gateway: dict[int, int] = {}
    for call in world.active:
        per_campaign[call.dial.campaign_id] = per_campaign.get(call.dial.campaign_id, 0) + 1
        per_gateway[call.dial.gateway_id] = per_gateway.get(call.dial.gateway_id, 0) + 1
    campaigns = [
        dataclasses.replace(sim.state, active_calls=per_campaign.get(cid, 0))
        for cid, sim in world.campaigns.items()
    ]
    gateways = [dataclasses.replace(g, active_calls=per_gateway.get(g.id, 0)) for g in world.gateways]
    pending = [s.candidate for s in world.subscribers.values() if s.status == SubscriberStatus.PENDING]
    return DialerState(campaigns, gateways, pending, world.max_calls, len(world.active))


def _draw_outcome(rng: random.Random) -> tuple[AttemptOutcome, float]:
    answered = rng.random() < 0.5
    outcome = AttemptOutcome(
        hangup_cause=rng.choice(CAUSES),
        answered=answered,
        completed=answered and rng.random() < 0.3,
        machine=answered and rng.random() < 0.3,
    )
    return outcome, rng.uniform(1, 300) if answered else rng.uniform(0, 60)


def _check_dial(world: World, dial: DialRequest, now_s: float) -> None:
    sim = world.campaigns[dial.campaign_id]
    sub = world.subscribers[dial.subscriber_id]
    cand = sub.candidate
    assert sim.state.status == CampaignStatus.START
    assert sub.status == SubscriberStatus.PENDING, "dialled a subscriber that is not pending"
    assert dial.start_at_s >= now_s
    assert oracle_may_call(cand.phone_number, sim.state.whitelist, sim.state.blacklist, cand.in_dnc)
    zone_name = cand.timezone if cand.timezone in ZONES else sim.state.timezone
    assert oracle_in_window(dial.start_at_s, sim.spec, zone_name), "dialled outside the calling window"
    if cand.next_attempt_at_s is not None:
        assert dial.start_at_s >= cand.next_attempt_at_s, "retry before its interval"
    policy = sim.policy
    assert sub.calls + 1 <= 1 + policy.maxretry + policy.completion_maxretry
    assert dial.attempt_number == cand.count_attempt + 1


def _check_caps(world: World) -> None:
    assert len(world.active) <= world.max_calls, "global cap exceeded"
    for cid, sim in world.campaigns.items():
        active = sum(1 for call in world.active if call.dial.campaign_id == cid)
        if sim.state.max_aleg:
            assert active <= sim.state.max_aleg, "campaign max_aleg exceeded"
    for gateway in world.gateways:
        active = sum(1 for call in world.active if call.dial.gateway_id == gateway.id)
        if gateway.max_calls:
            assert active <= gateway.max_calls, "gateway maximum exceeded"


def _finish(world: World, call: Call) -> None:
    sim = world.campaigns[call.dial.campaign_id]
    sub = world.subscribers[call.dial.subscriber_id]
    cand = sub.candidate
    decision = decide_retry(
        call.end_s,
        call.outcome,
        sim.policy,
        count_attempt=cand.count_attempt,
        completion_count_attempt=cand.completion_count_attempt,
    )
    if decision.retry is RetryKind.FAILURE:
        sub.failure_retries += 1
        assert decision.next_attempt_at_s == call.end_s + sim.policy.intervalretry_s
    elif decision.retry is RetryKind.COMPLETION:
        sub.completion_retries += 1
        assert decision.next_attempt_at_s == call.end_s + sim.policy.completion_intervalretry_s
    assert sub.failure_retries <= sim.policy.maxretry
    assert sub.completion_retries <= sim.policy.completion_maxretry
    sub.status = decision.status
    sub.candidate = dataclasses.replace(
        cand,
        next_attempt_at_s=decision.next_attempt_at_s,
        completion_count_attempt=decision.completion_count_attempt,
    )


def _place(world: World, dial: DialRequest, rng: random.Random) -> None:
    sub = world.subscribers[dial.subscriber_id]
    outcome, duration_s = _draw_outcome(rng)
    sub.status = SubscriberStatus.IN_PROCESS
    sub.calls += 1
    sub.candidate = dataclasses.replace(sub.candidate, count_attempt=dial.attempt_number)
    world.active.append(Call(dial, dial.start_at_s + duration_s, outcome))
    world.starts.setdefault(dial.campaign_id, []).append(dial.start_at_s)


def _check_rate(world: World) -> None:
    for cid, starts in world.starts.items():
        rate = world.campaigns[cid].state.calls_per_minute
        starts.sort()
        for span_s, limit in ((60.0, math.ceil(rate) + 1), (1.0, math.ceil(rate / 60) + 1)):
            for i, first in enumerate(starts):
                inside = bisect.bisect_right(starts, first + span_s - EPS_S) - i
                assert inside <= limit, f"{inside} calls in {span_s} s at {rate}/min"


def simulate(world: World, now_s: float, pacer: Pacer, rng: random.Random) -> None:
    end_s = now_s + SIM_SPAN_S
    for _ in range(MAX_TICKS):
        for call in sorted((c for c in world.active if c.end_s <= now_s), key=lambda c: c.end_s):
            world.active.remove(call)
            _finish(world, call)
        plan = pacer.due(now_s, _dialer_state(world))
        for sid in plan.not_authorized:
            sub = world.subscribers[sid]
            cand = sub.candidate
            camp = world.campaigns[cand.campaign_id].state
            assert not oracle_may_call(cand.phone_number, camp.whitelist, camp.blacklist, cand.in_dnc)
            sub.status = SubscriberStatus.NOT_AUTHORIZED
        for dial in plan.dials:
            _check_dial(world, dial, now_s)
            _place(world, dial, rng)
        _check_caps(world)
        for cid, bucket_s in plan.next_call_at_s.items():
            sim = world.campaigns[cid]
            sim.state = dataclasses.replace(sim.state, next_call_at_s=bucket_s)
        wakeup_s = plan.next_wakeup_s
        assert wakeup_s is None or wakeup_s > now_s, "the pacer asked to be woken without progress"
        moments = [c.end_s for c in world.active]
        if wakeup_s is not None:
            moments.append(wakeup_s + rng.choice([0.0, 0.0, 0.01, 0.3, 2.0]))
        if not moments or min(moments) > end_s:
            break
        now_s = max(now_s, min(moments))
    _check_rate(world)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(worlds(), st.sampled_from([0.0, 0.0, 2.0, 30.0]), st.randoms(use_true_random=False))
def test_simulated_dialing_respects_every_rule(world_and_now, horizon_s, rng):
    world, now_s = world_and_now
    simulate(world, now_s, Pacer(horizon_s=horizon_s), rng)
    dialled = sum(len(starts) for starts in world.starts.values())
    retried = sum(1 for sub in world.subscribers.values() if sub.calls > 1)
    event(f"calls placed: {'none' if not dialled else '1-19' if dialled < 20 else '20+'}")
    event(f"subscribers retried: {'none' if not retried else 'some'}")


@settings(max_examples=40, deadline=None)
@given(
    rate=st.sampled_from([1, 7, 60, 100, 600, 6000]),
    count=st.integers(1, 40),
    horizon_s=st.sampled_from([0.0, 0.5, 5.0]),
    rng=st.randoms(use_true_random=False),
)
def test_open_window_without_caps_dials_everyone_once_at_the_rate(rate, count, horizon_s, rng):
    now_s = datetime(2026, 5, 4, 8, tzinfo=UTC).timestamp()
    campaign = CampaignState(id=1, status=CampaignStatus.START, calls_per_minute=rate, gateway_id=1)
    cands = [Candidate(i, 1, i, f"555{i:04d}") for i in range(count)]
    pacer = Pacer(horizon_s=horizon_s)
    starts: list[float] = []
    for _ in range(count * 3):
        state = DialerState([campaign], [GatewayState(id=1)], cands, max_calls=10_000)
        plan = pacer.due(now_s, state)
        starts.extend(d.start_at_s for d in plan.dials)
        dialled = {d.subscriber_id for d in plan.dials}
        cands = [c for c in cands if c.subscriber_id not in dialled]
        bucket_s = plan.next_call_at_s.get(1, campaign.next_call_at_s)
        campaign = dataclasses.replace(campaign, next_call_at_s=bucket_s)
        if plan.next_wakeup_s is None:
            break
        now_s = plan.next_wakeup_s + rng.choice([0.0, 0.001, 0.04])
    assert cands == [] and len(starts) == count
    interval_s = 60 / rate
    if count > 1:
        # evenly spread: the whole run takes at least (count - 1) intervals less one catch-up
        assert starts[-1] - starts[0] >= (count - 1) * interval_s - min(0.05, interval_s / 2) - EPS_S
