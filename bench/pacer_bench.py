"""CPU cost of one pacing decision (Pacer.due, which includes next_wakeup) next to a naive baseline.

    .venv/bin/python bench/pacer_bench.py [--repeat 200]

The baseline does what a Newfies-style spooler does per tick: for each running campaign check the
campaign's own window once, sort its candidates and take the first one (no per-contact zones, no caps,
no wake-up computation). Figures are time.process_time per decision; copy them into
bench/RESULTS-campaign.md.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from datetime import time as wall_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivrd.campaign import (  # noqa: E402
    CallingWindow,
    CampaignState,
    CampaignStatus,
    Candidate,
    DialerState,
    GatewayState,
    Pacer,
    in_window_s,
)

ZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "America/Santiago"]
NOW_S = datetime(2026, 10, 25, 12, tzinfo=UTC).timestamp()


def scenario(campaigns: int, per_campaign: int, mixed_zones: bool) -> DialerState:
    window = CallingWindow(daily_start=wall_time(9), daily_stop=wall_time(17))
    states = [
        CampaignState(
            id=cid,
            status=CampaignStatus.START,
            calls_per_minute=600,
            gateway_id=1 + cid % 3,
            window=window if mixed_zones else CallingWindow(),
            timezone="Europe/Paris" if mixed_zones else "UTC",
            max_aleg=50,
            active_calls=cid % 40,
            blacklist="^900",
        )
        for cid in range(campaigns)
    ]
    candidates = [
        Candidate(
            subscriber_id=cid * per_campaign + i,
            campaign_id=cid,
            contact_id=cid * per_campaign + i,
            phone_number=f"555{i:07d}",
            count_attempt=i % 3,
            next_attempt_at_s=None if i % 4 else NOW_S - i,
            timezone=ZONES[i % len(ZONES)] if mixed_zones else None,
        )
        for cid in range(campaigns)
        for i in range(per_campaign)
    ]
    gateways = [GatewayState(id=g, max_calls=500, active_calls=20) for g in (1, 2, 3)]
    return DialerState(states, gateways, candidates, max_calls=1000, active_calls=60)


def naive_due(now_s: float, state: DialerState) -> list[Candidate]:
    chosen: list[Candidate] = []
    by_campaign: dict[int, list[Candidate]] = {}
    for candidate in state.candidates:
        by_campaign.setdefault(candidate.campaign_id, []).append(candidate)
    for campaign in state.campaigns:
        if campaign.status != CampaignStatus.START:
            continue
        if not in_window_s(now_s, campaign.window, campaign.timezone):
            continue
        pool = sorted(by_campaign.get(campaign.id, []), key=lambda c: c.subscriber_id)
        chosen.extend(pool[:1])
    return chosen


def per_call_us(fn: Callable[[], object], repeat: int) -> float:
    fn()
    start = time.process_time()
    for _ in range(repeat):
        fn()
    return (time.process_time() - start) / repeat * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description="Pacer.due cost next to a naive spooler")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    pacer = Pacer()
    rows = [
        ("10 campaigns x 1000, UTC, open", scenario(10, 1000, mixed_zones=False)),
        ("10 campaigns x 1000, 6 contact zones, 09-17", scenario(10, 1000, mixed_zones=True)),
        ("100 campaigns x 100, 6 contact zones, 09-17", scenario(100, 100, mixed_zones=True)),
        ("100 campaigns x 4, 6 contact zones, 09-17", scenario(100, 4, mixed_zones=True)),
        ("10 campaigns x 4, UTC, open", scenario(10, 4, mixed_zones=False)),
    ]
    print(f"{'scenario':48} {'Pacer.due us':>13} {'naive us':>10} {'ratio':>7} {'dials':>6}")
    for name, state in rows:
        due_us = per_call_us(lambda s=state: pacer.due(NOW_S, s), args.repeat)
        naive_us = per_call_us(lambda s=state: naive_due(NOW_S, s), args.repeat)
        dials = len(pacer.due(NOW_S, state).dials)
        print(f"{name:48} {due_us:13.0f} {naive_us:10.0f} {due_us / naive_us:7.2f} {dials:6d}")


if __name__ == "__main__":
    main()
