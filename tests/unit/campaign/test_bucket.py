"""The one-timestamp calls-per-minute bucket."""

from __future__ import annotations

import pytest

from ivrd.campaign.bucket import after_call, call_interval_s, may_start, next_slot_s, plan_slots


def test_interval_from_rate():
    assert call_interval_s(100) == pytest.approx(0.6)
    assert call_interval_s(1) == 60.0
    with pytest.raises(ValueError, match="frequency"):
        call_interval_s(0)


def test_first_call_goes_immediately():
    assert may_start(1000.0, None)
    assert next_slot_s(1000.0, None) == 1000.0


def test_calls_are_spaced_by_the_interval():
    bucket = after_call(1000.0, None, 60, catchup_s=0.0)
    assert bucket == 1001.0
    assert not may_start(1000.9, bucket)
    assert may_start(1001.0, bucket)


def test_late_wakeup_within_catchup_keeps_the_rate():
    bucket = 1001.0
    # woke 30 ms late: the next slot stays on the 1 s grid
    assert after_call(1001.03, bucket, 60, catchup_s=0.05) == 1002.0
    # woke 200 ms late: the grid slips by what exceeds the catch-up
    assert after_call(1001.2, bucket, 60, catchup_s=0.05) == pytest.approx(1002.15)


def test_idle_bucket_does_not_accumulate_a_burst():
    slots, bucket = plan_slots(5000.0, 1000.0, 60, 10, horizon_s=3.0, catchup_s=0.05)
    assert slots == pytest.approx([5000.0, 5000.95, 5001.95, 5002.95])
    assert bucket == pytest.approx(5003.95)


def test_catchup_is_capped_below_half_an_interval():
    # 6000 calls/min: 10 ms interval; a 50 ms catch-up would allow a burst, it is capped at 5 ms
    assert after_call(100.0, None, 6000, catchup_s=0.05) == pytest.approx(100.005)


def test_without_horizon_at_most_one_slot_per_decision():
    slots, bucket = plan_slots(10.0, None, 6000, 100)
    assert slots == [10.0]
    assert bucket is not None and bucket > 10.0


def test_plan_respects_max_calls_and_leaves_the_bucket_alone_without_slots():
    slots, bucket = plan_slots(10.0, 20.0, 60, 5)
    assert slots == [] and bucket == 20.0
    slots, bucket = plan_slots(10.0, None, 60, 0, horizon_s=60)
    assert slots == [] and bucket is None
