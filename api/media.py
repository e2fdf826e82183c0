"""Uploaded media on disk: bounded streaming to a temp file, safe unique names under the media root."""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import unicodedata
from pathlib import Path
from typing import Protocol

import falcon

from ivrd.config import Settings

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_CHUNK_BYTES = 64 * 1024
MAX_STEM_CHARS = 80


def media_path(settings: Settings, directory: str) -> str:
    """Route of a media directory under media.url_prefix, e.g. /usermedia/upload/audiofiles/{filename}."""
    parts = (settings.media.url_prefix.strip("/"), directory.strip("/"))
    return "/" + "/".join(part for part in parts if part) + "/{filename}"


def safe_stem(original_name: str | None) -> str:
    """A file-name stem made only of ASCII letters, digits, '-' and '_' (never empty, never a path)."""
    base = (original_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode("ascii")
    stem, dot, _ = base.rpartition(".")
    if not dot or not stem.strip("."):
        stem = base
    cleaned = _UNSAFE.sub("-", stem).strip("-_")[:MAX_STEM_CHARS].strip("-_")
    return cleaned or "audio"


def reserve_path(directory: Path, stem: str, suffix: str, taken: set[str] | None = None) -> Path:
    """Create (O_EXCL) and return `directory/stem.suffix`, adding a random suffix on collision."""
    directory.mkdir(parents=True, exist_ok=True)
    for attempt in range(64):
        name = f"{stem}{suffix}" if attempt == 0 else f"{stem}-{secrets.token_hex(4)}{suffix}"
        if taken is not None and name in taken:
            continue
        path = directory / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise RuntimeError(f"cannot find a free file name for {stem}{suffix} in {directory}")


class Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


def spool_upload(stream: Readable, directory: Path, max_bytes: int) -> Path:
    """Copy `stream` into a temp file under `directory`; 413 (and no file left) beyond `max_bytes`."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".upload-", dir=directory)
    path = Path(name)
    total = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(_CHUNK_BYTES):
                total += len(chunk)
                if total > max_bytes:
                    raise falcon.HTTPContentTooLarge(description=f"Upload larger than {max_bytes} bytes.")
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
