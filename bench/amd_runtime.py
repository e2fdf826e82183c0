"""Cost of answering-machine detection in the daemon: many calls recorded, tailed and analysed at once.

A writer task plays FreeSWITCH: every 20 ms it appends the next 20 ms of each call's greeting (a
voicemail greeting with a beep at 4.6 s) to that call's raw file. Each call runs a real AmdCall
(tail + analyzer + verdict) against a fake switch; the baseline rows tail with media.tail_frames and
feed the analyzer frame by frame (a 20 ms poll per call plus a watchdog task). Reported per mode: CPU seconds
per call-second of audio (the writer alone is measured as the baseline and subtracted), and how
long after the decisive audio was written the verdict reached the leg.

    .venv/bin/python bench/amd_runtime.py --calls 100 300 --poll-ms 20 50 100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ivrd.amd import AmdAnalyzer
from ivrd.runtime.amd_call import AmdCall, AmdOptions
from ivrd.runtime.amd_campaigns import CampaignAmd
from ivrd.runtime.amd_facts import AmdFacts, facts_of
from ivrd.runtime.media import RawAudioTail, tail_frames
from ivrd.survey import AmdDecided
from tests.unit.amd.signals import pcm, silence, speech, tone

FRAME = 160  # 20 ms at 8 kHz
GREETING = pcm(silence(0.2), speech(3.5, seed=4), silence(0.4), tone(1000, 0.5), silence(4.0))



class Switch:
    """Fake FreeSWITCH: uuid_record start registers the file for the writer; verdict times are noted."""

    def __init__(self) -> None:
        self.files: dict[str, Path] = {}
        self.started_s: dict[str, float] = {}
        self.verdict_s: dict[str, float] = {}
        self.facts: dict[str, AmdFacts] = {}
        self.done = asyncio.Event()

    async def api(self, command: str) -> str:
        words = command.split()
        if words[:1] == ["uuid_record"] and words[2] == "start":
            Path(words[3]).touch()
            self.files[words[1]] = Path(words[3])
            self.started_s[words[1]] = time.monotonic()
        return "+OK Success\n"

    def feed_input(self, uuid: str, survey_input: AmdDecided) -> bool:
        self.verdict_s[uuid] = time.monotonic()
        return True

    def note_amd(self, uuid: str, facts: AmdFacts) -> None:
        self.facts[uuid] = facts

    def leg_done(self, uuid: str) -> asyncio.Event | None:
        return self.done


async def write_audio(switch: Switch, calls: int, seconds: float) -> None:
    """Appends 20 ms to every registered file each 20 ms (on the same loop, like FreeSWITCH's pace)."""
    raw = GREETING.astype("<i2").tobytes()
    start = time.monotonic()
    tick = 0
    handles = {}
    while time.monotonic() - start < seconds:
        for uuid, path in list(switch.files.items()):
            if uuid not in handles:
                handles[uuid] = (path.open("ab"), 0)
            handle, offset = handles[uuid]
            chunk = raw[offset:offset + 2 * FRAME] or b"\0" * (2 * FRAME)
            handle.write(chunk)
            handle.flush()
            handles[uuid] = (handle, offset + 2 * FRAME)
        tick += 1
        await asyncio.sleep(max(0.0, start + tick * 0.02 - time.monotonic()))
    for handle, _ in handles.values():
        handle.close()


Run = tuple[float, float, list[float]]


def decisive_ms() -> int:
    """When the verdict is due: the analyzer's last decision on the whole greeting (audio ms)."""
    analyzer = AmdAnalyzer(8000)
    return analyzer.feed(GREETING)[-1].decision_ms


DECISIVE_MS = decisive_ms()


async def per_frame_call(uuid: str, switch: Switch, folder: Path) -> None:
    """Baseline: media.tail_frames (20 ms polls, one frame per analyzer call) plus a watchdog task."""
    path = folder / f"{uuid}.r8"
    await switch.api(f"uuid_record {uuid} start {path}")
    analyzer, stop = AmdAnalyzer(8000), asyncio.Event()

    async def watch() -> None:
        while not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(switch.done.wait(), 0.05)

    watchdog = asyncio.create_task(watch())
    decisions = []
    async for frame in tail_frames(RawAudioTail(path, 8000), stop, 0.02):
        decisions += analyzer.feed(frame)
        if analyzer.done:
            stop.set()
    watchdog.cancel()
    switch.note_amd(uuid, facts_of(decisions, 0))
    switch.feed_input(uuid, AmdDecided("machine", False, "/vm.wav"))
    path.unlink()


async def run(calls: int, poll_ms: int | None, folder: Path, seconds: float, per_frame: bool = False) -> Run:
    """(CPU seconds, wall seconds, verdict lags in ms); poll_ms None runs the writer alone for `seconds`."""
    switch = Switch()
    options = AmdOptions(amd_dir=folder, keep_audio=False, poll_interval_s=(poll_ms or 20) / 1000)
    campaign = CampaignAmd(voicemail=True, amd_behavior=3, voicemail_audio_path="/vm.wav")
    cpu0, wall0 = time.process_time(), time.monotonic()
    if poll_ms is None:  # baseline: the writer alone
        for index in range(calls):
            path = folder / f"b{index}.r8"
            await switch.api(f"uuid_record b{index} start {path}")
        await write_audio(switch, calls, seconds)
        return time.process_time() - cpu0, time.monotonic() - wall0, []
    loop = asyncio.get_running_loop()
    amd_calls = [AmdCall(f"c{index}", 1, campaign, 8000, loop.time(), lambda: switch, switch, options)
                 for index in range(calls)]
    writer = asyncio.create_task(write_audio(switch, calls, seconds))
    if per_frame:
        await asyncio.gather(*(per_frame_call(call.uuid, switch, folder) for call in amd_calls))
    else:
        await asyncio.gather(*(call.run() for call in amd_calls))
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    writer.cancel()
    lags = []
    for call in amd_calls:
        facts = switch.facts[call.uuid]
        assert facts.beep_ms is not None
        due_s = switch.started_s[call.uuid] + DECISIVE_MS / 1000
        lags.append((switch.verdict_s[call.uuid] - due_s) * 1000)
    return cpu, wall, lags


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--poll-ms", type=int, nargs="+", default=[20, 50, 100])
    args = parser.parse_args()
    audio_s = len(GREETING) / 8000
    print(f"greeting {audio_s:.1f} s; verdict due {DECISIVE_MS} ms after recording starts (after the beep)")
    print(f"{'calls':>6} {'poll ms':>24} {'CPU s':>7} {'writer s':>9} {'AMD CPU ms per call-s':>22} "
          f"{'ratio to writer':>16} {'lag p50/p90/max ms':>20}")
    for calls in args.calls:
        for mode in ["per-frame", *map(str, args.poll_ms)]:
            per_frame = mode == "per-frame"
            poll_ms = 20 if per_frame else int(mode)
            with tempfile.TemporaryDirectory() as tmp:
                cpu, wall, lags = asyncio.run(run(calls, poll_ms, Path(tmp), 30.0, per_frame))
            with tempfile.TemporaryDirectory() as tmp:
                baseline, _, _ = asyncio.run(run(calls, None, Path(tmp), wall))
            amd_cpu = max(cpu - baseline, 0.0)
            per_call_s = amd_cpu * 1000 / (calls * DECISIVE_MS / 1000)
            quantiles = statistics.quantiles(lags, n=10)
            label = "20 (per-frame baseline)" if per_frame else mode
            print(f"{calls:>6} {label:>24} {cpu:>7.2f} {baseline:>9.2f} {per_call_s:>22.2f} "
                  f"{cpu / baseline if baseline else float('nan'):>16.1f} "
                  f"{np.median(lags):>6.0f}/{quantiles[-1]:>5.0f}/{max(lags):>5.0f}")


if __name__ == "__main__":
    main()
