"""Load-independent cost of decoding: `python bench/esl_instructions.py` (needs valgrind).

Counts user-space instructions per event of EslCodec.feed plus the ingest consumer's pass
over every value, in-process on the benchmark's 500-event pool fed in 256 KiB reads, under
valgrind's cachegrind: the run with 5 passes over the pool minus the run with 1 pass, so
start-up and pool building cancel out. Unlike events/s this does not move with other load
on the machine. `--tree DIR` measures the ivrd package found in DIR instead of this checkout.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
READ_BYTES = 256 * 1024
POOL_EVENTS = 500


def workload(tree: str, passes: int) -> None:
    sys.path[:0] = [tree, str(BENCH)]
    import esl_stream

    from ivrd.esl.codec import EslCodec

    stream = b"".join(map(esl_stream.render_plain, esl_stream.build_pool())) * passes
    codec = EslCodec()
    value_chars = 0
    for start in range(0, len(stream), READ_BYTES):
        for frame in codec.feed(stream[start : start + READ_BYTES]):
            assert frame.event is not None
            value_chars += sum(map(len, frame.event.headers.values()))
    print(value_chars)


def instructions(tree: str, passes: int) -> int:
    done = subprocess.run(
        ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, __file__, "--workload", str(passes), "--tree", tree],
        capture_output=True, text=True, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output: {done.stderr[-300:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", default=str(BENCH.parent), help="directory holding the ivrd package")
    parser.add_argument("--workload", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.workload:
        workload(args.tree, args.workload)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (apt-get install valgrind)")
    per_event = (instructions(args.tree, 5) - instructions(args.tree, 1)) / (4 * POOL_EVENTS)
    print(f"{per_event:.0f} instructions/event ({args.tree})")


if __name__ == "__main__":
    main()
