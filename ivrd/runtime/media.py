"""Tails a raw 16-bit recording that FreeSWITCH is still writing and yields fixed-size frames."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import numpy.typing as npt

RAW_RATES_HZ = {".r8": 8000, ".r16": 16000, ".raw": 8000}


def raw_rate_hz(path: Path) -> int:
    """The sample rate FreeSWITCH uses for a raw recording, from its extension."""
    try:
        return RAW_RATES_HZ[path.suffix.lower()]
    except KeyError:
        raise ValueError(f"{path}: not a raw recording (.r8, .r16 or .raw)") from None


class RawAudioTail:
    """Reads whatever new bytes a growing raw file holds, cut into whole frames.

    Signed 16-bit little-endian mono, no header (FreeSWITCH's .r8/.r16). A trailing odd
    byte or partial frame is kept until the rest arrives. `read_frames` never blocks.
    """

    def __init__(self, path: Path, sample_rate_hz: int, frame_ms: int = 20) -> None:
        self.path = path
        self.sample_rate_hz = sample_rate_hz
        self.frame_bytes = sample_rate_hz * frame_ms // 1000 * 2
        self._offset = 0
        self._pending = b""
        self._fd: int | None = None

    @property
    def bytes_read(self) -> int:
        return self._offset

    def read_frames(self) -> list[npt.NDArray[np.int16]]:
        """Whole frames appended to the file since the last call (empty if none yet)."""
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDONLY)
            except FileNotFoundError:
                return []
        chunk = os.pread(self._fd, 1 << 20, self._offset)
        self._offset += len(chunk)
        data = self._pending + chunk
        usable = len(data) - len(data) % self.frame_bytes
        self._pending = data[usable:]
        return [
            np.frombuffer(data[start : start + self.frame_bytes], dtype="<i2")
            for start in range(0, usable, self.frame_bytes)
        ]

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


async def tail_frames(
    tail: RawAudioTail, stop: asyncio.Event, poll_interval_s: float = 0.02
) -> AsyncIterator[npt.NDArray[np.int16]]:
    """Yields frames as the file grows until `stop` is set; then yields what is left."""
    try:
        while True:
            for frame in tail.read_frames():
                yield frame
            if stop.is_set():
                for frame in tail.read_frames():
                    yield frame
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_interval_s)
    finally:
        tail.close()
