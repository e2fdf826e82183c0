"""Hyperlinks out (`http://host/rest-api/audio-files/25/`) and in (absolute URL, path or bare id)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from api.coerce import MAX_INT, CoerceError

API_PREFIX = "/rest-api/"
_LINK_PATH = re.compile(r"(?:.*)/rest-api/([A-Za-z_-]+)/(\d{1,19})/?")
_BARE_ID = re.compile(r"\s*\+?(\d{1,19})\s*")


def link(base_url: str, family: str, object_id: int | None) -> str | None:
    """Absolute URL of an object, None for a missing relation."""
    if object_id is None:
        return None
    return f"{base_url}{API_PREFIX}{family}/{object_id}/"


def path_of(family: str, object_id: int) -> str:
    return f"{API_PREFIX}{family}/{object_id}/"


def parse_link(value: object, family: str) -> int:
    """The id named by `value` for route family `family`; CoerceError when it names anything else."""
    if isinstance(value, bool):
        raise CoerceError("Incorrect type. Expected a hyperlink or an id.")
    if isinstance(value, int):
        object_id = value
    elif isinstance(value, str):
        object_id = _parse_text(value, family)
    else:
        raise CoerceError(f"Incorrect type. Expected a hyperlink or an id, received {type(value).__name__}.")
    if not 0 < object_id <= MAX_INT:
        raise CoerceError("Invalid hyperlink - Object does not exist.")
    return object_id


def _parse_text(text: str, family: str) -> int:
    bare = _BARE_ID.fullmatch(text)
    if bare is not None:
        return int(bare.group(1))
    stripped = text.strip()
    path = urlsplit(stripped).path if "://" in stripped else stripped.split("?", 1)[0]
    match = _LINK_PATH.fullmatch(path)
    if match is None:
        raise CoerceError("Invalid hyperlink - No URL match.")
    if match.group(1) != family:
        raise CoerceError(f"Invalid hyperlink - Incorrect URL match (expected /rest-api/{family}/<id>/).")
    return int(match.group(2))


def parse_link_list(value: object, family: str) -> list[int]:
    """A JSON list of links/ids, or a comma-separated string of them ("1,2"); duplicates removed."""
    if value is None:
        return []
    if isinstance(value, str):
        items: list[object] = [part for part in value.split(",") if part.strip()]
    elif isinstance(value, list):
        items = list(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        items = [value]
    else:
        raise CoerceError('Expected a list of hyperlinks or a comma-separated string of ids ("1,2").')
    if len(items) > 1000:
        raise CoerceError("Too many items (at most 1000).")
    ids: list[int] = []
    for item in items:
        object_id = parse_link(item, family)
        if object_id not in ids:
            ids.append(object_id)
    return ids
