"""CPU cost of answering-machine detection per second of audio, ivrd's analyzer next to app_amd.

    .venv/bin/python bench/amd.py [--corpus var/amd-corpus/tune] [--chunk-ms 20 200]

Generates the corpus first when the folder has no labels.csv (needs espeak-ng and sox). Each
recording is fed in chunks of the given size, as the runtime does when it tails a raw file,
until the detector's final decision; time is time.process_time, so other processes do not count.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivrd.amd import AmdAnalyzer, AppAmdBaseline  # noqa: E402
from ivrd.amd.evaluate import Detector  # noqa: E402
from ivrd.amd_audio import read_audio  # noqa: E402
from ivrd.amd_cli import read_labels  # noqa: E402

DETECTORS: dict[str, Callable[[int], Detector]] = {
    "ivrd AmdAnalyzer": lambda rate: AmdAnalyzer(rate),
    "app_amd baseline": lambda rate: AppAmdBaseline(rate),
}


def measure(
    make: Callable[[int], Detector], recordings: list[tuple[np.ndarray, int]], chunk_ms: int
) -> tuple[float, float]:
    """(CPU seconds, seconds of audio consumed before the final decision)."""
    cpu_s = 0.0
    audio_s = 0.0
    for samples, rate in recordings:
        chunk = rate * chunk_ms // 1000
        detector = make(rate)
        consumed = 0
        started = time.process_time()
        for start in range(0, samples.size, chunk):
            detector.feed(samples[start : start + chunk])
            consumed = min(samples.size, start + chunk)
            if detector.done:
                break
        detector.finish()
        cpu_s += time.process_time() - started
        audio_s += consumed / rate
    return cpu_s, audio_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "var" / "amd-corpus" / "tune")
    parser.add_argument("--chunk-ms", type=int, nargs="+", default=[20, 200])
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    labels = args.corpus / "labels.csv"
    if not labels.exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "amd_corpus" / "make_corpus.py"),
                "--out",
                str(args.corpus),
            ],
            check=True,
        )
    recordings = [read_audio(Path(row.file)) for row in read_labels(labels)]
    total_s = sum(s.size / r for s, r in recordings)
    print(f"corpus {args.corpus}: {len(recordings)} recordings, {total_s:.0f} s of audio")
    header = ("detector", "chunk", "audio s", "cpu s", "cpu ms per audio s", "calls/core")
    print("{:20} {:>8} {:>9} {:>8} {:>19} {:>11}".format(*header))
    for chunk_ms in args.chunk_ms:
        costs: dict[str, float] = {}
        for name, make in DETECTORS.items():
            runs = [measure(make, recordings, chunk_ms) for _ in range(args.repeat)]
            cpu_s, audio_s = min(runs)
            per_s_ms = 1000 * cpu_s / audio_s
            costs[name] = per_s_ms
            calls = 1000 / per_s_ms
            print(f"{name:20} {chunk_ms:5} ms {audio_s:9.0f} {cpu_s:8.3f} {per_s_ms:19.3f} {calls:11.0f}")
        ours, base = costs["ivrd AmdAnalyzer"], costs["app_amd baseline"]
        print(f"{'':20} ratio ivrd / app_amd at {chunk_ms} ms chunks: {ours / base:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
