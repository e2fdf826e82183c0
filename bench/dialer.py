"""Campaign dialer throughput: a 10,000-contact campaign at 6,000 calls/minute against the simulator.

    .venv/bin/python bench/dialer.py [--contacts 10000] [--frequency 6000] [--max-aleg 1000]
                                     [--call-s 5] [--database-url URL] [--profile FILE]

The simulator (this script with --serve-sim: the simulated FreeSWITCH writing its call log at exit)
and the daemon (`python -m ivrd.cli --config FILE run`, dialer included) run as separate processes on a
fresh SQLite file (or the given PostgreSQL URL, whose tables are
emptied). Every callee answers after 100 ms; the survey plays one prompt of --call-s seconds and
hangs up. Printed, with the configured rate as the baseline: achieved calls per second (first to
last originate), its ratio to the configured rate, the most calls started in any 1-second window,
the peak number of calls in progress, and the daemon's CPU time per call. --profile runs the
daemon under cProfile and prints its top functions.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import signal
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_tools import process_cpu_s, silent_wav  # noqa: E402

from ivrd.store.constants import CampaignStatus  # noqa: E402
from ivrd.store.db import bind, open_database  # noqa: E402
from ivrd.store.migrations import migrate  # noqa: E402
from ivrd.store.models import (  # noqa: E402
    ALL_MODELS,
    AudioFile,
    BranchingTemplate,
    CallRequest,
    Campaign,
    CampaignPhonebook,
    Contact,
    Gateway,
    Phonebook,
    SchemaVersion,
    SectionTemplate,
    SurveyTemplate,
    User,
)

PASSWORD = "bench-secret"
PYTHON = sys.executable


def build(media_root: Path, args: argparse.Namespace) -> int:
    user = User.create(username="bench", max_frequency=args.frequency, max_subscribers_per_campaign=0,
                       max_contacts=0)
    silent_wav(media_root / "upload/audiofiles/long.wav", int(args.call_s * 1000))
    audio = AudioFile.create(user=user, name="long", audio_file="upload/audiofiles/long.wav")
    template = SurveyTemplate.create(user=user, name="bench")
    section = SectionTemplate.create(survey=template, type=1, question="Message", audiofile=audio, order=1,
                                     script="", completed=True)
    BranchingTemplate.create(section=section, keys="0", goto=None)
    gateway = Gateway.create(name="bench", gateways="sofia/gateway/bench/")
    phonebook = Phonebook.create(user=user, name="bench")
    rows = [{"phonebook": phonebook.id, "contact": str(4_000_000 + i)} for i in range(args.contacts)]
    with Contact._meta.database.atomic():
        for start in range(0, len(rows), 1000):
            Contact.insert_many(rows[start : start + 1000]).execute()
    campaign = Campaign.create(user=user, name="bench", status=CampaignStatus.PAUSE, aleg_gateway=gateway,
                               survey_template=template, frequency=args.frequency, max_aleg=args.max_aleg,
                               calltimeout=30, callmaxduration=60, callerid="5550000")
    CampaignPhonebook.create(campaign=campaign, phonebook=phonebook)
    return int(campaign.id)


def _empty(database: object) -> None:
    for model in reversed(ALL_MODELS):
        if model is not SchemaVersion:
            model.delete().execute()


def _peak_overlap(intervals: list[tuple[float, float]]) -> int:
    edges = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    alive = peak = 0
    for _, step in edges:
        alive += step
        peak = max(peak, alive)
    return peak


def _max_in_window(starts: list[float], window_s: float = 1.0) -> int:
    return max((bisect_left(starts, t + window_s) - i for i, t in enumerate(starts)), default=0)


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve-sim":
        return _serve_sim(*sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--contacts", type=int, default=10_000)
    parser.add_argument("--frequency", type=int, default=6000, help="calls per minute")
    parser.add_argument("--max-aleg", type=int, default=1000)
    parser.add_argument("--call-s", type=float, default=5.0)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--profile", default="", help="write the daemon's cProfile data here")
    parser.add_argument("--timeout-s", type=float, default=900)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ivrd-dialer-bench-"))
    media_root = work / "media"
    url = args.database_url or f"sqlite:///{work / 'bench.db'}"
    database = open_database(url)
    database.connect()
    bind(database)
    migrate(database)
    _empty(database)
    campaign_id = build(media_root, args)
    scenario = work / "scenario.json"
    scenario.write_text(json.dumps({"default": {"ring_ms": 100, "dtmf": [], "hangup_after_ms": 600000}}))
    port_file = work / "port"
    sim_log = work / "sim-calls.json"
    sim = subprocess.Popen([PYTHON, __file__, "--serve-sim", str(port_file), str(scenario), str(media_root),
                            str(sim_log)], cwd=ROOT)
    while not port_file.exists():
        time.sleep(0.05)
    config = work / "ivrd.toml"
    config.write_text(f'[database]\nurl = "{url}"\n[esl]\nport = {port_file.read_text().strip()}\n'
                      f'password = "{PASSWORD}"\n[media]\nroot = "{media_root}"\n'
                      f'[dialer]\ndaemon_id = "bench"\nmax_calls = {args.max_aleg + 100}\n')
    profile = ["-m", "cProfile", "-o", args.profile] if args.profile else []
    log = (work / "daemon.log").open("wb")
    daemon = subprocess.Popen([PYTHON, *profile, "-m", "ivrd.cli", "--config", str(config), "run",
                               "--log-level", "WARNING"], stdout=log, stderr=log, cwd=ROOT)
    try:
        time.sleep(1.0)  # connected and idle
        cpu_before_s = process_cpu_s(daemon.pid)
        Campaign.update(status=CampaignStatus.START).where(Campaign.id == campaign_id).execute()
        started = time.monotonic()
        while Campaign.get_by_id(campaign_id).status != CampaignStatus.END:
            if daemon.poll() is not None:
                print(f"the daemon exited; see {work / 'daemon.log'}", file=sys.stderr)
                break
            if time.monotonic() - started > args.timeout_s:
                print("timed out before the campaign ended", file=sys.stderr)
                break
            time.sleep(0.5)
        wall_s = time.monotonic() - started
        cpu_s = process_cpu_s(daemon.pid) - cpu_before_s
        sim_cpu_s = process_cpu_s(sim.pid)
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(60)
        sim.send_signal(signal.SIGTERM)
        sim.wait(30)
    _report(campaign_id, args, wall_s, cpu_s, url, sim_log)
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"simulator CPU       {sim_cpu_s:.1f} s; machine load average {load} on {os.cpu_count()} CPUs")
    if args.profile:
        pstats.Stats(args.profile).sort_stats("cumulative").print_stats(25)
    print(f"work files: {work}")
    return 0


def _serve_sim(port_file: str, scenario: str, media_root: str, log_file: str) -> int:
    """The simulator process: serves until SIGTERM, then writes its call log (with end times)."""
    import asyncio

    from ivrd.sim import Scenario, SimFreeSwitch

    async def serve() -> None:
        sim = SimFreeSwitch(password=PASSWORD, scenario=Scenario.from_file(scenario), media_root=media_root,
                            event_queue_limit=1_000_000)
        ended = sim.metrics.call_ended

        def call_ended(channel_uuid: str, cause: str) -> None:
            for entry in reversed(sim.metrics.call_log[-5000:]):
                if entry["uuid"] == channel_uuid:
                    entry["ended_at"] = time.time()
                    break
            ended(channel_uuid, cause)

        sim.metrics.call_ended = call_ended  # type: ignore[method-assign]
        await sim.start()
        temporary = Path(port_file + ".tmp")
        temporary.write_text(str(sim.port))
        os.replace(temporary, port_file)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        Path(log_file).write_text(json.dumps(sim.call_log))
        await sim.stop()

    asyncio.run(serve())
    return 0


def _report(campaign_id: int, args: argparse.Namespace, wall_s: float, cpu_s: float, url: str,
            log_path: Path) -> None:
    rows = list(CallRequest.select(CallRequest.last_attempt_time, CallRequest.updated_date)
                .where(CallRequest.campaign == campaign_id))
    sim_log = json.loads(log_path.read_text())
    starts = sorted(entry["started_at"] for entry in sim_log)  # originates as the simulator received them
    calls = len(starts)
    span_s = starts[-1] - starts[0] if calls > 1 else 0.0
    achieved = (calls - 1) / span_s if span_s > 0 else 0.0
    target = args.frequency / 60
    channels = [(entry["started_at"], entry["ended_at"]) for entry in sim_log if entry.get("ended_at")]
    intervals = [(r.last_attempt_time.timestamp(), r.updated_date.timestamp()) for r in rows
                 if r.last_attempt_time is not None]
    print(f"database            {url.split(':', 1)[0]}")
    print(f"contacts            {args.contacts}, calls placed {calls}, campaign ended after {wall_s:.1f} s")
    print(f"configured rate     {target:.1f} calls/s (baseline)")
    print(f"achieved rate       {achieved:.1f} calls/s = {achieved / target:.1%} of the configured rate")
    print(f"max in any 1 s      {_max_in_window(starts)} calls (configured {target:.0f})")
    print(f"peak in progress    {_peak_overlap(channels)} channels, {_peak_overlap(intervals)} open attempts "
          f"(max_aleg {args.max_aleg})")
    print(f"daemon CPU          {cpu_s:.1f} s = {1000 * cpu_s / max(calls, 1):.2f} ms per call")


if __name__ == "__main__":
    sys.exit(main())
