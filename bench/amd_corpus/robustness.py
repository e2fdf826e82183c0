"""Re-scores a labelled corpus after transforming every file: level, band, DC, clicks, a music bed.

    .venv/bin/python bench/amd_corpus/robustness.py var/amd-corpus/holdout [--set NAME=VALUE ...]

Checks that the detector does not depend on properties of the generated corpus that real lines
do not share.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from ivrd.amd import AmdAnalyzer, AmdParams  # noqa: E402
from ivrd.amd.evaluate import LabelRow, outcome_of, run_detector, summarize  # noqa: E402
from ivrd.amd_audio import AmdInputError, read_audio  # noqa: E402
from ivrd.amd_cli import SET_HELP, parse_params, read_labels  # noqa: E402

Transform = Callable[[np.ndarray, int], np.ndarray]


def low_pass(x: np.ndarray, rate: int, cutoff_hz: float = 3000.0) -> np.ndarray:
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(x.size, 1 / rate) > cutoff_hz] = 0
    return np.fft.irfft(spectrum, n=x.size)


def clicks(x: np.ndarray, rate: int) -> np.ndarray:
    rng = np.random.default_rng(7)
    y = x.copy()
    at = rng.integers(0, x.size, size=x.size * 20 // rate)
    y[at] += rng.choice([-1.0, 1.0], size=at.size) * 3000
    return y


def music_bed(x: np.ndarray, rate: int) -> np.ndarray:
    """A chord of pure sines re-attacking twice a second, 20 dB under the file's RMS."""
    t = np.arange(x.size) / rate
    bed = sum(np.sin(2 * np.pi * hz * t) for hz in (262.0, 330.0, 392.0, 523.0)) * np.exp(-((t * 3) % 1.5))
    reference = float(np.sqrt(np.mean(x**2))) or 100.0
    return x + bed / np.sqrt(np.mean(bed**2)) * reference * 10 ** (-20 / 20)


TRANSFORMS: dict[str, Transform] = {
    "as generated": lambda x, rate: x,
    "-12 dB": lambda x, rate: x * 10 ** (-12 / 20),
    "+8 dB (clipping)": lambda x, rate: x * 10 ** (8 / 20),
    "low-pass 3 kHz": low_pass,
    "DC offset +300": lambda x, rate: x + 300,
    "20 clicks per second": clicks,
    "pulsing chord bed -20 dB": music_bed,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "corpus",
        nargs="?",
        type=Path,
        default=ROOT / "var" / "amd-corpus" / "holdout",
        help="a directory with labels.csv (default: var/amd-corpus/holdout)",
    )
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", help=SET_HELP)
    args = parser.parse_args()
    try:
        params = parse_params(args.set)
        rows = read_labels(args.corpus / "labels.csv")
        audio = {row.file: read_audio(Path(row.file)) for row in rows}
    except AmdInputError as exc:
        parser.error(str(exc))
    print(
        f"{'transform':26} {'accuracy':>9} {'people->machine':>16} {'machine recall':>15} "
        f"{'fax recall':>11} {'beeps found':>12} {'false beeps':>12}"
    )
    for name, transform in TRANSFORMS.items():
        print(f"{name:26} {score(rows, audio, transform, params)}")
    return 0


def score(
    rows: list[LabelRow], audio: dict[str, tuple[np.ndarray, int]], transform: Transform, params: AmdParams
) -> str:
    """One row of the table: the corpus re-scored after `transform`."""
    outcomes = []
    for row in rows:
        samples, rate = audio[row.file]
        changed = np.clip(np.round(transform(samples.astype(float), rate)), -32768, 32767).astype(np.int16)
        outcomes.append(outcome_of(row, run_detector(AmdAnalyzer(rate, params), changed, rate // 5)))
    s = summarize(outcomes)
    per_class = s["per_class"]
    return (
        f"{100 * s['accuracy']:8.1f}% {100 * s['humans_called_machine']:15.1f}% "
        f"{100 * per_class['machine']['recall']:14.1f}% {100 * per_class['fax']['recall']:10.1f}% "
        f"{100 * s['beeps']['found_in_time']:11.1f}% {len(s['beeps']['false_beeps']):12d}"
    )


if __name__ == "__main__":
    sys.exit(main())
