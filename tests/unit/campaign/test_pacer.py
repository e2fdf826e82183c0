"""The pacer: rate, caps, windows, retries due times, authorization and wake-ups."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, time

import pytest

from ivrd.campaign.pacer import Pacer
from ivrd.campaign.state import CampaignState, Candidate, DialerState, GatewayState
from ivrd.campaign.status import CampaignStatus
from ivrd.campaign.window import CallingWindow

NOW = datetime(2026, 5, 4, 12, tzinfo=UTC).timestamp()  # Monday noon UTC


def campaign(**overrides) -> CampaignState:
    values = dict(id=1, status=CampaignStatus.START, calls_per_minute=60, gateway_id=7)
    values.update(overrides)
    return CampaignState(**values)


def candidates(n: int, campaign_id: int = 1, first_id: int = 1, **overrides) -> list[Candidate]:
    return [
        Candidate(
            subscriber_id=i,
            campaign_id=campaign_id,
            contact_id=100 + i,
            phone_number=f"5550{i:04d}",
            **overrides,
        )
        for i in range(first_id, first_id + n)
    ]


def state(campaigns, cands, gateways=None, max_calls=100, active_calls=0) -> DialerState:
    gateways = gateways if gateways is not None else [GatewayState(id=7)]
    return DialerState(campaigns, gateways, cands, max_calls, active_calls)


def test_first_call_goes_immediately_then_one_per_interval():
    pacer = Pacer()
    plan = pacer.due(NOW, state([campaign()], candidates(5)))
    assert [d.subscriber_id for d in plan.dials] == [1]
    dial = plan.dials[0]
    assert (dial.campaign_id, dial.contact_id, dial.gateway_id, dial.phone_number) == (1, 101, 7, "55500001")
    assert dial.attempt_number == 1 and not dial.is_retry and dial.start_at_s == NOW
    assert plan.next_call_at_s == {1: pytest.approx(NOW + 1.0 - 0.05)}
    assert plan.next_wakeup_s == pytest.approx(NOW + 0.95)


def test_bucket_not_ready_means_no_call_and_wakeup_at_token():
    pacer = Pacer()
    plan = pacer.due(NOW, state([campaign(next_call_at_s=NOW + 0.4)], candidates(3)))
    assert plan.dials == ()
    assert plan.next_wakeup_s == NOW + 0.4


def test_paused_or_zero_rate_campaigns_dial_nothing():
    pacer = Pacer()
    paused = [
        campaign(status=CampaignStatus.PAUSE),
        campaign(status=CampaignStatus.END),
        campaign(status=CampaignStatus.NEW),
        campaign(calls_per_minute=0),
    ]
    for camp in paused:
        plan = pacer.due(NOW, state([camp], candidates(3)))
        assert plan.dials == () and plan.next_wakeup_s is None


def test_horizon_plans_evenly_spaced_calls():
    pacer = Pacer(horizon_s=0.9, catchup_s=0.0)
    plan = pacer.due(NOW, state([campaign(calls_per_minute=300)], candidates(20)))
    assert [d.start_at_s - NOW for d in plan.dials] == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8])
    assert len({d.subscriber_id for d in plan.dials}) == 5


def test_campaign_concurrency_cap():
    pacer = Pacer(horizon_s=10.0)
    plan = pacer.due(NOW, state([campaign(max_aleg=3, active_calls=1)], candidates(10)))
    assert len(plan.dials) == 2
    assert pacer.due(NOW, state([campaign(max_aleg=3, active_calls=3)], candidates(10))).dials == ()


def test_max_aleg_zero_means_uncapped():
    pacer = Pacer(horizon_s=10.0, catchup_s=0.0)
    plan = pacer.due(NOW, state([campaign(max_aleg=0, active_calls=50)], candidates(20)))
    assert len(plan.dials) == 11


def test_gateway_cap_is_shared_between_campaigns():
    pacer = Pacer(horizon_s=10.0)
    camps = [campaign(id=1), campaign(id=2)]
    cands = candidates(10, campaign_id=1) + candidates(10, campaign_id=2, first_id=50)
    plan = pacer.due(NOW, state(camps, cands, gateways=[GatewayState(id=7, max_calls=5, active_calls=1)]))
    assert len(plan.dials) == 4
    assert plan.next_wakeup_s is None  # blocked by the cap: wait for a call to end


def test_disabled_or_missing_gateway_dials_nothing():
    pacer = Pacer()
    disabled = [GatewayState(id=7, enabled=False)]
    assert pacer.due(NOW, state([campaign()], candidates(2), gateways=disabled)).dials == ()
    assert pacer.due(NOW, state([campaign()], candidates(2), gateways=[])).dials == ()


def test_global_cap():
    pacer = Pacer(horizon_s=10.0)
    camps = [campaign(id=1), campaign(id=2)]
    cands = candidates(10, campaign_id=1) + candidates(10, campaign_id=2, first_id=50)
    plan = pacer.due(NOW, state(camps, cands, max_calls=10, active_calls=7))
    assert len(plan.dials) == 3
    assert pacer.due(NOW, state(camps, cands, max_calls=10, active_calls=10)).dials == ()


def test_starved_campaign_goes_first_when_the_cap_binds():
    pacer = Pacer()
    camps = [campaign(id=1, next_call_at_s=NOW - 1), campaign(id=2, next_call_at_s=NOW - 5)]
    cands = candidates(3, campaign_id=1) + candidates(3, campaign_id=2, first_id=50)
    plan = pacer.due(NOW, state(camps, cands, max_calls=1))
    assert [d.campaign_id for d in plan.dials] == [2]


def test_retry_not_before_next_attempt_at():
    pacer = Pacer()
    cands = candidates(1, next_attempt_at_s=NOW + 30, count_attempt=1)
    plan = pacer.due(NOW, state([campaign()], cands))
    assert plan.dials == () and plan.next_wakeup_s == NOW + 30
    plan = pacer.due(NOW + 30, state([campaign()], cands))
    assert [(d.attempt_number, d.is_retry) for d in plan.dials] == [(2, True)]


def test_candidates_ordered_by_due_time_then_id():
    pacer = Pacer()
    cands = [
        Candidate(3, 1, 3, "3", next_attempt_at_s=NOW - 10),
        Candidate(1, 1, 1, "1", next_attempt_at_s=NOW - 5),
        Candidate(2, 1, 2, "2"),
    ]
    assert [d.subscriber_id for d in pacer.due(NOW, state([campaign()], cands)).dials] == [2]
    cands[2] = dataclasses.replace(cands[2], next_attempt_at_s=NOW)
    assert [d.subscriber_id for d in pacer.due(NOW, state([campaign()], cands)).dials] == [3]


def test_outside_window_no_dial_and_wakeup_at_opening():
    window = CallingWindow(daily_start=time(14), daily_stop=time(18))
    plan = Pacer().due(NOW, state([campaign(window=window)], candidates(2)))
    assert plan.dials == ()
    assert plan.next_wakeup_s == datetime(2026, 5, 4, 14, tzinfo=UTC).timestamp()


def test_contact_time_zone_overrides_the_campaign_zone():
    window = CallingWindow(daily_start=time(9), daily_stop=time(17))
    cands = [
        Candidate(1, 1, 1, "1", timezone="Asia/Tokyo"),  # 21:00 in Tokyo: closed
        Candidate(2, 1, 2, "2", timezone="America/New_York"),  # 08:00 in New York: closed
        Candidate(3, 1, 3, "3", timezone="Nowhere/Invalid"),  # falls back to the campaign zone (UTC): open
    ]
    plan = Pacer().due(NOW, state([campaign(window=window)], cands))
    assert [d.subscriber_id for d in plan.dials] == [3]
    rest = Pacer().next_wakeup(NOW, state([campaign(window=window)], cands[:2]))
    assert rest == datetime(2026, 5, 4, 13, tzinfo=UTC).timestamp()  # 09:00 New York


def test_dnc_and_blacklisted_numbers_are_reported_not_dialled():
    camp = campaign(blacklist=r"^900", whitelist=r"^9001")
    cands = [
        Candidate(1, 1, 1, "9000111"),
        Candidate(2, 1, 2, "9001222"),
        Candidate(3, 1, 3, "5550000", in_dnc=True),
        Candidate(4, 1, 4, "5551111"),
    ]
    plan = Pacer(horizon_s=10).due(NOW, state([camp], cands))
    assert sorted(d.subscriber_id for d in plan.dials) == [2, 4]
    assert sorted(plan.not_authorized) == [1, 3]


def test_not_authorized_reported_even_when_the_bucket_is_empty():
    camp = campaign(next_call_at_s=NOW + 100)
    plan = Pacer().due(NOW, state([camp], [Candidate(1, 1, 1, "1", in_dnc=True)]))
    assert plan.not_authorized == (1,) and plan.next_wakeup_s is None


def test_duplicate_candidates_dialled_once():
    cands = candidates(1) * 3
    plan = Pacer(horizon_s=10).due(NOW, state([campaign()], cands))
    assert len(plan.dials) == 1


def test_allowance_counts_slots_within_caps():
    pacer = Pacer(horizon_s=2.0, catchup_s=0.0)
    gateway = GatewayState(id=7, max_calls=10)
    assert pacer.allowance(NOW, campaign(calls_per_minute=120), gateway, 100) == 5
    assert pacer.allowance(NOW, campaign(calls_per_minute=120, max_aleg=2), gateway, 100) == 2
    assert pacer.allowance(NOW, campaign(calls_per_minute=120), gateway, 1) == 1
    assert pacer.allowance(NOW, campaign(status=CampaignStatus.PAUSE), gateway, 100) == 0
    assert pacer.allowance(NOW, campaign(), None, 100) == 0


def test_next_wakeup_none_without_candidates():
    assert Pacer().next_wakeup(NOW, state([campaign()], [])) is None


def test_bad_state_names_the_field():
    with pytest.raises(ValueError, match="timezone"):
        campaign(timezone="Not/AZone")
    with pytest.raises(ValueError, match="blacklist"):
        campaign(blacklist="([")
    with pytest.raises(ValueError, match="max_aleg"):
        campaign(max_aleg=-1)
    with pytest.raises(ValueError, match="horizon_s"):
        Pacer(horizon_s=-1)
