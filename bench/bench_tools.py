"""Helpers the benchmark scripts share: silent prompt files and another process's CPU time."""

from __future__ import annotations

import os
import wave
from pathlib import Path


def silent_wav(path: Path, duration_ms: int) -> Path:
    """Writes `duration_ms` of silence as 8 kHz 16-bit mono WAV (parent folders created)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(8000)
        handle.writeframes(b"\0\0" * (8 * duration_ms))
    return path


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of another process (Linux /proc); 0 once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
