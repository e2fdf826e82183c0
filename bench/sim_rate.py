"""Fixed-rate load on a separate `ivrd simulate` process: the dialer's shape (new calls per second, calls
held for a while), one Event Socket connection, every event subscribed (`event plain ALL`).

Each call: bgapi originate … &park() at its scheduled time; on CHANNEL_PARK (with --amd, a 5 s uuid_record
of the callee to a .r8 file first, as the AMD step does) a playback with event-lock; the scripted callee
hangs up `--hold-ms` after answering; the call counts once CHANNEL_DESTROY arrives. The simulator is pinned
to CPU 0 and this client to CPU 1 (on a machine with two), and the simulator's CPU time is read from /proc.
A baseline at `--baseline-rate` runs first, against its own simulator process; ratios are load/baseline.

    .venv/bin/python bench/sim_rate.py --rate 100 --hold-ms 5000 --calls 3000 [--amd] [--gc-stats]
        [--baseline-rate 10] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sim_load import Client  # type: ignore[import-not-found]

# Runs `ivrd simulate` and reports its garbage-collection pauses on stderr when it exits.
GC_WRAPPER = """
import atexit, gc, sys, time
pauses, started = [], [0.0]
def watch(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        pauses.append((time.perf_counter() - started[0]) * 1000)
gc.callbacks.append(watch)
atexit.register(lambda: print(f"simulator GC: {len(pauses)} collections, {sum(pauses):.0f} ms in all, "
                              f"longest {max(pauses, default=0):.1f} ms", file=sys.stderr))
from ivrd.cli import main
sys.exit(main(sys.argv[1:]))
"""


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(int(fraction * len(ordered)), len(ordered) - 1)] if ordered else 0.0


async def start_simulator(folder: Path, hold_ms: int, ring_ms: int, profile: str | None,
                          gc_stats: bool) -> tuple[asyncio.subprocess.Process, int]:
    scenario = folder / "scenario.json"
    scenario.write_text(json.dumps({"default": {
        "ring_ms": ring_ms, "greeting": "synth:human", "dtmf": [], "hangup_after_ms": hold_ms}}))
    port_file = folder / "port"
    command = [sys.executable]
    if profile:
        command += ["-m", "cProfile", "-o", profile]
    elif gc_stats:
        wrapper = folder / "gc_stats.py"
        wrapper.write_text(GC_WRAPPER)
        command += [str(wrapper)]
    else:
        command += ["-m", "ivrd.cli"]
    if profile:
        command += ["-m", "ivrd.cli"]
    command += ["simulate", "--listen", "127.0.0.1:0", "--port-file", str(port_file),
                "--scenario", str(scenario), "--media-root", str(folder)]
    process = await asyncio.create_subprocess_exec(*command, stdout=asyncio.subprocess.DEVNULL)
    for _ in range(200):
        if port_file.exists():
            break
        await asyncio.sleep(0.05)
    if len(os.sched_getaffinity(0)) >= 2:
        os.sched_setaffinity(process.pid, {0})
        os.sched_setaffinity(0, {1})
    return process, int(port_file.read_text())


class RateRun:
    """Originates on schedule and records when each call's BACKGROUND_JOB and CHANNEL_DESTROY arrive."""

    def __init__(self, client: Client, rate: float, calls: int, amd_dir: Path | None) -> None:
        self.client, self.rate, self.calls, self.amd_dir = client, rate, calls, amd_dir
        self.sent_s: dict[str, float] = {}
        self.job_latency_ms: list[float] = []
        self.lateness_ms: list[float] = []
        self.live = 0
        self.peak_live = 0
        self.done = 0
        self.finished = asyncio.get_running_loop().create_future()

    async def one_call(self, leg: str) -> None:
        client = self.client
        await client.until("BACKGROUND_JOB", leg)
        self.job_latency_ms.append((time.perf_counter() - self.sent_s[leg]) * 1000)
        await client.until("CHANNEL_PARK", leg)
        self.live += 1
        self.peak_live = max(self.peak_live, self.live)
        if self.amd_dir is not None:
            client.send(f"bgapi uuid_record {leg} start {self.amd_dir / leg}.r8 5 "
                        "{RECORD_READ_ONLY=true,record_sample_rate=8000}\n\n")
        client.send(f"sendmsg {leg}\ncall-command: execute\nexecute-app-name: playback\n"
                    f"execute-app-arg: silence_stream://1000\nevent-lock: true\n\n")
        await client.until("CHANNEL_DESTROY", leg)
        self.live -= 1
        client.seen.pop(leg, None)
        self.done += 1
        if self.done == self.calls and not self.finished.done():
            self.finished.set_result(None)

    async def originate_all(self) -> list[asyncio.Task[None]]:
        tasks = []
        started = time.perf_counter()
        for index in range(self.calls):
            due = started + index / self.rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            now = time.perf_counter()
            self.lateness_ms.append(max(now - due, 0.0) * 1000)
            leg = str(uuid.uuid4())
            self.sent_s[leg] = now
            tasks.append(asyncio.create_task(self.one_call(leg)))
            self.client.send(f"bgapi originate {{origination_uuid={leg}}}sofia/gateway/gw/2000 &park()\n"
                             f"Job-UUID: {leg}\n\n")
        return tasks


async def run(args: argparse.Namespace, rate: float, calls: int, profile: str | None) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        process, port = await start_simulator(Path(folder), args.hold_ms, args.ring_ms, profile,
                                              args.gc_stats)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 22)
            client = Client(reader, writer)
            await client.replies.get()
            await client.command("auth ClueCon\n\n")
            await client.command("event plain ALL\n\n")
            run_ = RateRun(client, rate, calls, Path(folder) if args.amd else None)
            sim_cpu0, own_cpu0, wall0 = cpu_s(process.pid), time.process_time(), time.perf_counter()
            events0, bytes0 = client.events, client.bytes
            await run_.originate_all()
            originate_span_s = time.perf_counter() - wall0
            await asyncio.wait_for(run_.finished, args.hold_ms / 1000 + 120)
            wall_s = time.perf_counter() - wall0
            sim_cpu_s, own_cpu_s = cpu_s(process.pid) - sim_cpu0, time.process_time() - own_cpu0
            writer.close()
        finally:
            process.terminate()
            await process.wait()
    events = client.events - events0
    return {"rate": rate, "calls": calls, "wall_s": wall_s, "originate_span_s": originate_span_s,
            "calls_per_s": calls / originate_span_s, "events": events, "events_per_call": events / calls,
            "events_per_s": events / wall_s, "mbytes": (client.bytes - bytes0) / 1e6,
            "peak_concurrent": run_.peak_live, "sim_cpu_s": sim_cpu_s,
            "sim_cpu_pct": 100 * sim_cpu_s / wall_s, "client_cpu_pct": 100 * own_cpu_s / wall_s,
            "job_p50_ms": percentile(run_.job_latency_ms, 0.5),
            "job_p99_ms": percentile(run_.job_latency_ms, 0.99),
            "late_p99_ms": percentile(run_.lateness_ms, 0.99),
            "sim_cpu_ms_per_1k_events": 1000 * sim_cpu_s / max(events, 1) * 1000}


def report(baseline: dict[str, float], load: dict[str, float], args: argparse.Namespace) -> None:
    print(f"hold {args.hold_ms} ms, ring {args.ring_ms} ms{', AMD recording' if args.amd else ''}")
    print(f"  {'':26} {'baseline':>12} {'load':>12} {'ratio':>8}")
    for key, value in load.items():
        base = baseline[key]
        ratio = f"{value / base:8.2f}" if base else f"{'':8}"
        print(f"  {key:26} {base:12.2f} {value:12.2f} {ratio}")
    keeps_up = load["job_p99_ms"] < args.ring_ms + 200 and load["late_p99_ms"] < 100
    print(f"  simulator {'keeps up' if keeps_up else 'FALLS BEHIND'} at {load['rate']:.0f} calls/s "
          f"(BACKGROUND_JOB p99 {load['job_p99_ms']:.0f} ms after the originate; "
          f"the callee rings {args.ring_ms} ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="new calls per second")
    parser.add_argument("--hold-ms", type=int, default=5000, help="callee hangs up this long after answer")
    parser.add_argument("--ring-ms", type=int, default=200)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--baseline-rate", type=float, default=10.0, help="rate of the baseline run")
    parser.add_argument("--amd", action="store_true",
                        help="record each answered call's audio to a .r8 file for 5 s, as the AMD step does")
    parser.add_argument("--gc-stats", action="store_true", help="print the simulator's GC pauses at exit")
    parser.add_argument("--profile", default=None, help="write a cProfile of the loaded simulator to FILE")
    args = parser.parse_args()
    baseline_calls = max(int(args.baseline_rate * 10), 10)
    baseline = asyncio.run(run(args, args.baseline_rate, baseline_calls, None))
    load = asyncio.run(run(args, args.rate, args.calls, args.profile))
    report(baseline, load, args)


if __name__ == "__main__":
    main()
