"""Stored upload names: sanitised, never a path, never overwriting, bounded upload size."""

from __future__ import annotations

import io
from pathlib import Path

import falcon
import pytest

from api.media import reserve_path, safe_stem, spool_upload


@pytest.mark.parametrize(
    ("original", "stem"),
    [
        ("duck01.wav", "duck01"),
        ("../../etc/passwd", "passwd"),
        ("C:\\x\\évian song.mp3", "evian-song"),
        ("..", "audio"),
        ("", "audio"),
        (".hidden", "hidden"),
        ("a" * 300 + ".wav", "a" * 80),
        ("x;rm -rf.wav", "x-rm--rf"),
    ],
)
def test_safe_stems(original: str, stem: str) -> None:
    assert safe_stem(original) == stem


def test_reserve_path_never_reuses_a_name(tmp_path: Path) -> None:
    first = reserve_path(tmp_path, "duck", ".wav")
    second = reserve_path(tmp_path, "duck", ".wav")
    assert first.name == "duck.wav" and second.name.startswith("duck-") and second.exists()


def test_spool_upload_limit_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(falcon.HTTPContentTooLarge):
        spool_upload(io.BytesIO(b"x" * 1000), tmp_path, 999)
    assert list(tmp_path.iterdir()) == []
    path = spool_upload(io.BytesIO(b"x" * 999), tmp_path, 999)
    assert path.read_bytes() == b"x" * 999
