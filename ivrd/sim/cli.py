"""`ivrd simulate`: run the simulated FreeSWITCH Event Socket server until SIGINT/SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
from pathlib import Path

from ivrd.sim import DEMO_SCENARIO_PATH as DEMO_SCENARIO
from ivrd.sim.scenario import Scenario, ScenarioError
from ivrd.sim.server import SimFreeSwitch

GC_YOUNG_THRESHOLD = 20_000  # allocations between young-generation collections (CPython default 700)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--listen", default="127.0.0.1:8021", metavar="HOST:PORT",
                        help="address to listen on (port 0 picks a free port; default 127.0.0.1:8021)")
    parser.add_argument("--password", default="ClueCon", help="Event Socket password (default ClueCon)")
    parser.add_argument("--scenario", type=Path, default=None, metavar="FILE",
                        help=f"scenario JSON file (default: the demo scenario {DEMO_SCENARIO.name})")
    parser.add_argument("--media-root", type=Path, default=None, metavar="DIR",
                        help="folder that relative playback/record paths resolve against (default: cwd)")
    parser.add_argument("--port-file", type=Path, default=None, metavar="FILE",
                        help="write the bound port number to this file once listening")
    parser.add_argument("--heartbeat-interval-s", type=float, default=20.0,
                        help="seconds between HEARTBEAT events (default 20)")


def _parse_listen(text: str) -> tuple[str, int]:
    host, sep, port_text = text.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"--listen: expected HOST:PORT, got {text!r}")
    return host.strip("[]") or "127.0.0.1", int(port_text)


def run(args: argparse.Namespace) -> int:
    try:
        host, port = _parse_listen(args.listen)
        scenario = Scenario.from_file(args.scenario or DEMO_SCENARIO)
    except (ValueError, ScenarioError) as exc:
        print(f"ivrd simulate: {exc}", file=sys.stderr)
        return 2
    if args.heartbeat_interval_s <= 0:
        print("ivrd simulate: --heartbeat-interval-s must be positive", file=sys.stderr)
        return 2
    sim = SimFreeSwitch(password=args.password, scenario=scenario, media_root=args.media_root, host=host,
                        port=port, heartbeat_interval_s=args.heartbeat_interval_s)
    try:
        return asyncio.run(_serve(sim, args.port_file))
    except OSError as exc:
        print(f"ivrd simulate: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1


def _tune_garbage_collector() -> None:
    """Thousands of live channels make full collections long: keep start-up objects out of them and
    collect the young generation less often (this process only; the library leaves gc alone)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_THRESHOLD, 20, 20)


async def _serve(sim: SimFreeSwitch, port_file: Path | None) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await sim.start()
    _tune_garbage_collector()
    if port_file is not None:
        temporary = port_file.with_name(port_file.name + ".tmp")
        temporary.write_text(f"{sim.port}\n")
        os.replace(temporary, port_file)
    print(f"ivrd simulate: listening on {sim.host}:{sim.port} (Core-UUID {sim.core_uuid})", flush=True)
    await stop.wait()
    await sim.stop()
    print("ivrd simulate: stopped", flush=True)
    return 0
