"""Tailing a raw recording while it grows: whole frames only, nothing lost, nothing repeated."""

import asyncio
from pathlib import Path

import numpy as np
import pytest

from ivrd.runtime.media import RawAudioTail, raw_rate_hz, tail_frames


def test_rate_comes_from_the_extension() -> None:
    assert raw_rate_hz(Path("a.r8")) == 8000
    assert raw_rate_hz(Path("a.R16")) == 16000
    with pytest.raises(ValueError, match="not a raw recording"):
        raw_rate_hz(Path("a.wav"))


def test_frames_are_cut_across_partial_writes(tmp_path: Path) -> None:
    path = tmp_path / "leg.r8"
    tail = RawAudioTail(path, 8000)
    assert tail.read_frames() == []  # not created yet
    samples = np.arange(800, dtype="<i2")  # five 20 ms frames at 8 kHz
    raw = samples.tobytes()
    with path.open("wb") as out:
        out.write(raw[:301])  # less than one frame, odd byte count
        out.flush()
        assert tail.read_frames() == []
        out.write(raw[301:1000])
        out.flush()
        first = tail.read_frames()
        out.write(raw[1000:])
        out.flush()
        rest = tail.read_frames()
    frames = first + rest
    assert [len(f) for f in frames] == [160] * 5
    assert np.array_equal(np.concatenate(frames), samples)
    assert tail.bytes_read == len(raw)
    tail.close()


def test_async_tail_drains_after_stop(tmp_path: Path) -> None:
    path = tmp_path / "leg.r16"
    path.write_bytes(np.ones(320 * 3, dtype="<i2").tobytes())

    async def collect() -> int:
        stop = asyncio.Event()
        count = 0
        async for frame in tail_frames(RawAudioTail(path, 16000), stop, poll_interval_s=0.001):
            count += 1
            assert len(frame) == 320
            if count == 3:
                with path.open("ab") as out:
                    out.write(np.ones(320, dtype="<i2").tobytes())
                stop.set()
        return count

    assert asyncio.run(asyncio.wait_for(collect(), 5)) == 4
