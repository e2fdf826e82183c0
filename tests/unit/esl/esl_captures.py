"""Access to the captured FreeSWITCH traffic kept beside the repository (../shared/esl-captures)."""

from __future__ import annotations

import itertools
import os
from pathlib import Path

import pytest

from ivrd.esl.codec import EslCodec, Frame
from ivrd.esl.errors import RemoteProtocolError

CAPTURES_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "esl-captures"
SYNTHETIC = "switchio-eventstream1-DECODED-synthetic.txt"


def require_captures() -> Path:
    """The captures folder; skipped when missing locally, a failure when CI is set."""
    if not CAPTURES_DIR.is_dir():
        message = f"ESL captures folder not found at {CAPTURES_DIR}"
        if os.environ.get("CI"):
            pytest.fail(message + " (required when CI is set)")
        pytest.skip(message)
    return CAPTURES_DIR


def capture_names() -> list[str]:
    if not CAPTURES_DIR.is_dir():
        return ["<missing>"]
    return sorted(p.name for p in CAPTURES_DIR.glob("*.txt") if p.name != "README.md")


def capture_stream(name: str) -> bytes:
    """The server->client bytes of a capture; payload files are framed as the README says."""
    data = (require_captures() / name).read_bytes()
    if name.endswith(".payload.txt"):
        head = f"Content-Length: {len(data) + 1}\nContent-Type: text/event-plain\n\n".encode()
        return head + data + b"\n"
    return data


def feed_chunks(chunks: list[bytes]) -> tuple[list[Frame], str | None, int]:
    """Feed chunks in order; (frames, error message or None, bytes left buffered)."""
    codec = EslCodec()
    frames: list[Frame] = []
    for chunk in chunks:
        try:
            frames.extend(codec.feed(chunk))
        except RemoteProtocolError as exc:
            frames.extend(exc.frames)  # type: ignore[arg-type]
            return frames, str(exc), codec.buffered_bytes
    return frames, None, codec.buffered_bytes


def split_at(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c for c in cuts if 0 < c < len(data)})
    edges = [0, *points, len(data)]
    return [data[a:b] for a, b in itertools.pairwise(edges)]
