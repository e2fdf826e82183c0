"""Side-by-side Event Socket ingest benchmark: `python bench/esl_bench.py [--repeats N] [--venv DIR]...`.

Starts bench/esl_stream.py on loopback (pinned to the last CPU when taskset exists) and runs
every contender, one after the other and pinned to CPU 0, against the identical stream of
POOL_SIZE x repeats realistic channel events: ivrd's client (bench/esl_ingest.py), a
framing-only loop, a naive decode-then-split parser, stdlib json over event-json, and, when
their packages import in one of the given virtualenvs, libesl (FreeSWITCH-ESL-Python),
greenswitch and Genesis. Contenders run round-robin for --rounds rounds (the machine
may be shared); the best round of each is reported with ratios against libesl and
framing-only, plus events per CPU-second of the consumer process (less sensitive to other
load on a shared machine). ivrd's decoded values are checked against the source values (value_chars).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import esl_stream  # noqa: E402

ROOT = BENCH.parent
PROBES = {"libesl": "from freeswitchESL import ESL", "libesl-count": "from freeswitchESL import ESL",
          "greenswitch": "import greenswitch",
          "genesis": "from genesis import Inbound"}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pinned(cpu: int, argv: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *argv] if shutil.which("taskset") else argv


def _python_with(package: str, venvs: list[str]) -> str | None:
    for venv in venvs:
        python = str(Path(venv) / "bin" / "python")
        if Path(python).exists() and subprocess.run(
                [python, "-c", PROBES[package]], capture_output=True).returncode == 0:
            return python
    return None


def _run(name: str, argv: list[str], timeout_s: float) -> dict[str, float] | str:
    try:
        done = subprocess.run(_pinned(0, argv), capture_output=True, text=True, timeout=timeout_s,
                              cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout_s:.0f} s"
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or len(lines) < 2 or not lines[-1].endswith("events/s"):
        return f"failed: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
    fields = dict(item.split("=") for item in lines[-2].split())
    events = float(fields["events"])
    return {"events": events, "value_chars": float(fields["value_chars"]),
            "rate": float(lines[-1].split()[0]), "cpu_rate": events / max(float(fields["cpu_seconds"]), 1e-9)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=60, help="times the 500-event pool is sent")
    parser.add_argument("--venv", action="append", default=["/tmp/eslbench-venv", "/tmp/eslbench-genesis"])
    parser.add_argument("--timeout-s", type=float, default=300.0)
    parser.add_argument("--rounds", type=int, default=3, help="round-robin runs; the best of each is shown")
    args = parser.parse_args()

    pool = esl_stream.build_pool()
    expected_events = len(pool) * args.repeats
    plain_chars = sum(len(v) for event in pool for _, v in event) * args.repeats
    port = _free_port()
    server_argv = [sys.executable, str(BENCH / "esl_stream.py"), str(port), str(args.repeats)]
    server = subprocess.Popen(_pinned((os.cpu_count() or 1) - 1, server_argv),
                              stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert server.stdout is not None and server.stdout.readline().strip() == "ready"
    here = sys.executable
    contenders = [("ivrd client", [here, str(BENCH / "esl_ingest.py")]),
                  ("framing-only", [here, str(BENCH / "esl_baselines.py"), "framing"]),
                  ("naive decode-then-split", [here, str(BENCH / "esl_baselines.py"), "naive"]),
                  ("stdlib json (event-json)", [here, str(BENCH / "esl_baselines.py"), "json"])]
    for package in ("libesl", "libesl-count", "greenswitch", "genesis"):
        python = _python_with(package, args.venv)
        contenders.append((package, [python, str(BENCH / "esl_baselines.py"), package] if python else []))
    results: dict[str, dict[str, float] | str] = {}
    try:
        for round_number in range(1, args.rounds + 1):
            for name, argv in contenders:
                if not argv:
                    results[name] = "not installed"
                    continue
                found = _run(name, [*argv, "127.0.0.1", str(port), esl_stream.PASSWORD], args.timeout_s)
                best = results.get(name)
                if best is None or (isinstance(found, dict) and (
                        isinstance(best, str) or found["rate"] > best["rate"])):
                    results[name] = found
                shown = found if isinstance(found, str) else f"{found['rate']:.0f} events/s"
                print(f"  round {round_number} {name}: {shown}", flush=True)
    finally:
        server.terminate()
    _report(results, expected_events, plain_chars)


def _report(results: dict[str, dict[str, float] | str], expected_events: int, plain_chars: int) -> None:
    def rate(name: str) -> float | None:
        found = results.get(name)
        return found["rate"] if isinstance(found, dict) else None

    libesl, framing = rate("libesl"), rate("framing-only")
    print(f"\n{expected_events} events per contender, 100-180 headers each; CPU {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    print(f"{'contender':28s} {'events/s':>10s} {'vs libesl':>10s} {'vs framing':>11s} "
          f"{'per CPU-s':>10s}  check")
    for name, found in results.items():
        if isinstance(found, str):
            print(f"{name:28s} {'-':>10s} {'':>10s} {'':>11s} {'':>10s}  {found}")
            continue
        check = "all events" if found["events"] == expected_events else f"only {found['events']:.0f} events"
        if name == "ivrd client":
            check += ", every value decoded" if found["value_chars"] == plain_chars else ", VALUE MISMATCH"
        vs_libesl = f"{found['rate'] / libesl:.2f}x" if libesl else "-"
        vs_framing = f"{found['rate'] / framing:.3f}x" if framing else "-"
        print(f"{name:28s} {found['rate']:10.0f} {vs_libesl:>10s} {vs_framing:>11s} {found['cpu_rate']:10.0f}"
              f"  {check}")


if __name__ == "__main__":
    main()
