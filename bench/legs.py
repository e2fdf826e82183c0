"""Concurrent survey legs: the real Daemon against `ivrd simulate` running in a separate process.

Each leg: prompt, one digit (multi-choice), second prompt, hang-up. Legs are started the way the
campaign dialer starts them: `dispatcher.expect_leg(uuid, spec)` then `bgapi originate
{origination_uuid=uuid}… &park()`. A small run (the baseline) and the large run go through the
same daemon, and the script prints both with their ratios.

Measured: peak concurrent legs (dispatcher), the simulator's reaction latency (time from the last
event of a channel to the daemon's next command for it, `api sim_stats`), and this process's CPU
seconds per leg (time.process_time: daemon, writer thread and this driver; the simulator's CPU
is in the other process).

    .venv/bin/python bench/legs.py --legs 1000 --baseline-legs 20
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid as uuid_module
from dataclasses import dataclass
from pathlib import Path

from bench_tools import process_cpu_s, silent_wav

from ivrd.config import EslSettings, MediaSettings, Settings
from ivrd.esl.api_commands import originate
from ivrd.runtime.daemon import Daemon
from ivrd.runtime.leg_spec import LegOutcome, LegSpec
from ivrd.runtime.survey_store import campaign_context
from ivrd.store.db import bind, open_database
from ivrd.store.migrations import migrate
from ivrd.store.models import AudioFile, Branching, Result, Section, Survey, User

PASSWORD = "bench-esl-secret"


@dataclass
class RunFigures:
    legs: int
    finished: int
    peak_legs: int
    wall_s: float
    cpu_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    results: int
    sim_cpu_s: float = 0.0
    gc_max_ms: float = 0.0
    gc_total_ms: float = 0.0

    @property
    def cpu_ms_per_leg(self) -> float:
        return self.cpu_s * 1000 / max(self.legs, 1)


class GcPauses:
    """Durations of this process's garbage collections (a source of reaction-latency tails)."""

    def __init__(self) -> None:
        self.pauses_ms: list[float] = []
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.pauses_ms.append((time.perf_counter() - self._started) * 1000)


def build_survey(media_root: Path, prompt_ms: int) -> int:
    user = User.create(username="bench")
    survey = Survey.create(user=user, name="bench")
    audio = {}
    for name in ("question", "thanks"):
        silent_wav(media_root / f"{name}.wav", prompt_ms)
        audio[name] = AudioFile.create(user=user, name=name, audio_file=f"{name}.wav")
    ask = Section.create(survey=survey, type=2, question="Q", key_1="yes", key_2="no", order=1,
                         audiofile=audio["question"], timeout=5)
    thanks = Section.create(survey=survey, type=1, question="T", order=2, audiofile=audio["thanks"])
    Branching.create(section=ask, keys="any", goto=thanks)
    return int(survey.id)


def start_simulator(workdir: Path, digit_delay_ms: int) -> tuple[subprocess.Popen[bytes], int]:
    scenario = workdir / "scenario.json"
    callee = {"ring_ms": 100, "dtmf": ["1"], "dtmf_delay_ms": digit_delay_ms, "hangup_after_ms": 120000}
    scenario.write_text(json.dumps({"default": callee}))
    port_file = workdir / "sim.port"
    port_file.unlink(missing_ok=True)
    command = [sys.executable, "-m", "ivrd.cli", "simulate", "--listen", "127.0.0.1:0",
               "--password", PASSWORD, "--scenario", str(scenario), "--port-file", str(port_file),
               "--media-root", str(workdir)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while not port_file.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            error = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"simulator did not start: {error}")
        time.sleep(0.05)
    return process, int(port_file.read_text())


async def run_legs(daemon: Daemon, survey_id: int, legs: int, start_gap_ms: float) -> RunFigures:
    dispatcher = daemon.dispatcher
    await daemon.client.api("sim_stats")  # reset nothing, but make sure the link is warm
    before = json.loads(await daemon.client.api("sim_stats"))
    results_before = Result.select().count()
    outcomes: list[asyncio.Future[LegOutcome]] = []
    dispatcher.peak_legs = 0
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    jobs = []
    for _ in range(legs):
        leg_uuid = str(uuid_module.uuid4())
        context = campaign_context(None, dialled_number="1000", call_ref=leg_uuid)
        dispatcher.expect_leg(leg_uuid, LegSpec(survey_id=survey_id, context=context))
        outcomes.append(asyncio.ensure_future(dispatcher.wait_finished(leg_uuid)))
        variables = {"origination_uuid": leg_uuid, "ignore_early_media": True}
        jobs.append(await daemon.client.bgapi(originate("sofia/gateway/bench/1000", variables=variables)))
        if start_gap_ms:
            await asyncio.sleep(start_gap_ms / 1000)
    done = await asyncio.wait_for(asyncio.gather(*outcomes), timeout=120 + legs * 0.05)
    await asyncio.gather(*jobs)
    wall_s, cpu_s = time.perf_counter() - wall_start, time.process_time() - cpu_start
    stats = json.loads(await daemon.client.api("sim_stats"))
    latency = stats["reaction_latency_ms"]
    if before["reaction_latency_ms"]["count"]:
        print("  (simulator latency figures are cumulative since its start)")
    return RunFigures(legs, len(done), dispatcher.peak_legs, wall_s, cpu_s, latency["p50"], latency["p99"],
                      latency["max"], Result.select().count() - results_before)


async def bench(args: argparse.Namespace, workdir: Path) -> tuple[RunFigures, RunFigures]:
    database = open_database(f"sqlite:///{workdir / 'bench.db'}")
    database.connect()
    bind(database)
    migrate(database)
    survey_id = build_survey(workdir, args.prompt_ms)
    figures = []
    for legs in (args.baseline_legs, args.legs):
        process, port = start_simulator(workdir, args.digit_delay_ms)
        settings = Settings(esl=EslSettings(port=port, password=PASSWORD),
                            media=MediaSettings(root=str(workdir)))
        daemon = Daemon(settings, database)
        task = asyncio.create_task(daemon.run())
        try:
            await asyncio.wait_for(daemon.connected.wait(), 20)
            await daemon.surveys.get(survey_id)  # as the dialer does when a campaign starts
            sim_cpu_start = process_cpu_s(process.pid)
            pauses = GcPauses()
            gc.callbacks.append(pauses)
            try:
                figures.append(await run_legs(daemon, survey_id, legs, args.start_gap_ms))
            finally:
                gc.callbacks.remove(pauses)
            figures[-1].sim_cpu_s = process_cpu_s(process.pid) - sim_cpu_start
            figures[-1].gc_max_ms = max(pauses.pauses_ms, default=0.0)
            figures[-1].gc_total_ms = sum(pauses.pauses_ms)
        finally:
            daemon.stop()
            await task
            process.terminate()
            process.wait(10)
    return figures[0], figures[1]


def report(base: RunFigures, big: RunFigures) -> None:
    print(f"{'':24}{'baseline':>12}{'load':>12}{'ratio':>10}")
    rows = [
        ("legs", base.legs, big.legs),
        ("legs finished", base.finished, big.finished),
        ("peak concurrent legs", base.peak_legs, big.peak_legs),
        ("results written", base.results, big.results),
        ("wall s", base.wall_s, big.wall_s),
        ("reaction p50 ms", base.p50_ms, big.p50_ms),
        ("reaction p99 ms", base.p99_ms, big.p99_ms),
        ("reaction max ms", base.max_ms, big.max_ms),
        ("daemon CPU ms / leg", base.cpu_ms_per_leg, big.cpu_ms_per_leg),
        ("daemon CPU % of wall", 100 * base.cpu_s / base.wall_s, 100 * big.cpu_s / big.wall_s),
        ("daemon GC pause max ms", base.gc_max_ms, big.gc_max_ms),
        ("daemon GC pauses total ms", base.gc_total_ms, big.gc_total_ms),
        ("simulator CPU % of wall", 100 * base.sim_cpu_s / base.wall_s, 100 * big.sim_cpu_s / big.wall_s),
    ]
    for name, small, large in rows:
        ratio = f"{large / small:10.2f}" if small else f"{'-':>10}"
        print(f"{name:24}{small:12.2f}{large:12.2f}{ratio}")
    verdict = big.p99_ms <= 50 and big.cpu_ms_per_leg <= 10
    print(f"target (p99 <= 50 ms, <= 10 ms CPU/leg at load): {'met' if verdict else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--legs", type=int, default=1000)
    parser.add_argument("--baseline-legs", type=int, default=20)
    parser.add_argument("--prompt-ms", type=int, default=3000, help="length of each of the two prompts")
    parser.add_argument("--digit-delay-ms", type=int, default=500,
                        help="callee presses this long after the prompt")
    parser.add_argument("--start-gap-ms", type=float, default=0.0, help="pause between originates")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="ivrd-bench-legs-") as tmp:
        base, big = asyncio.run(bench(args, Path(tmp)))
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"bench/legs.py  {stamp}  python {sys.version.split()[0]}  cpus {os.cpu_count()}")
    report(base, big)
    return 0


if __name__ == "__main__":
    sys.exit(main())
