#!/usr/bin/env python3
"""Regenerates the default prompts in sounds/8000 and sounds/16000 with espeak-ng and sox.

Usage: python sounds/make_sounds.py   (needs `apt-get install espeak-ng sox`)
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ivrd import sounds

VOICE = "en-us"
WORDS_PER_MINUTE = 160
# 16-bit mono, repeatable (no random dither), trimmed to the speech plus a short margin,
# peak-normalised to -3 dBFS.
TRIM_AND_LEVEL = [
    "silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse",
    "pad", "0.1", "0.15", "gain", "-n", "-3",
]


def _output_format(rate_hz: int) -> list[str]:
    return ["-r", str(rate_hz), "-c", "1", "-b", "16", "-e", "signed-integer"]


def _run(command: list[str]) -> None:
    subprocess.run(command, check=True)


def make_spoken(text: str, rate_hz: int, target: Path, work_dir: Path) -> None:
    raw = work_dir / "speech.wav"
    _run(["espeak-ng", "-v", VOICE, "-s", str(WORDS_PER_MINUTE), "-w", str(raw), text])
    _run(["sox", "-R", "-D", str(raw), *_output_format(rate_hz), str(target), *TRIM_AND_LEVEL])


def make_beep(rate_hz: int, target: Path) -> None:
    seconds = sounds.BEEP_DURATION_MS / 1000
    _run([
        "sox", "-R", "-D", "-n", *_output_format(rate_hz), str(target),
        "synth", str(seconds), "sine", str(sounds.BEEP_FREQUENCY_HZ), "gain", "-6", "fade", "h", "0.005",
        str(seconds), "0.005",
    ])


def make_silence(rate_hz: int, target: Path) -> None:
    seconds = sounds.SILENCE_DURATION_MS / 1000
    _run(["sox", "-R", "-D", "-n", *_output_format(rate_hz), str(target), "trim", "0", str(seconds)])


def main() -> int:
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        print(f"make_sounds: missing {', '.join(missing)} (apt-get install espeak-ng sox)", file=sys.stderr)
        return 1
    root = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as work:
        for rate_hz in sounds.SAMPLE_RATES_HZ:
            for name in sounds.PROMPTS:
                target = sounds.prompt_file(name, rate_hz, root)
                target.parent.mkdir(parents=True, exist_ok=True)
                if name == sounds.BEEP:
                    make_beep(rate_hz, target)
                elif name == sounds.SILENCE_1S:
                    make_silence(rate_hz, target)
                else:
                    make_spoken(sounds.SPOKEN_PROMPTS[name], rate_hz, target, Path(work))
                print(target.relative_to(root.parent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
