"""DRF-style input coercion: "100" → 100, "True" → True, "YYYY-MM-DD HH:MM:SS" datetimes, phone numbers."""

from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

MAX_INT = 2**63 - 1
_INT_TEXT = re.compile(r"[+-]?\d+")
_FLOAT_TEXT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_PHONE = re.compile(r"[0-9+*#w]+")
_TRUE = frozenset({"true", "1", "yes", "on", "t", "y"})
_FALSE = frozenset({"false", "0", "no", "off", "f", "n"})
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?")


class CoerceError(ValueError):
    """The value cannot be read as the field's type; the message is shown to the client."""


def to_int(value: object, min_value: int | None = None, max_value: int | None = None) -> int:
    if isinstance(value, bool):
        raise CoerceError("A valid integer is required.")
    if isinstance(value, float):
        if not value.is_integer():
            raise CoerceError("A valid integer is required.")
        value = int(value)
    if isinstance(value, str):
        text = value.strip()
        if not _INT_TEXT.fullmatch(text) or len(text) > 20:
            raise CoerceError("A valid integer is required.")
        value = int(text)
    if not isinstance(value, int):
        raise CoerceError("A valid integer is required.")
    if abs(value) > MAX_INT:
        raise CoerceError("Number out of range.")
    if min_value is not None and value < min_value:
        raise CoerceError(f"Ensure this value is greater than or equal to {min_value}.")
    if max_value is not None and value > max_value:
        raise CoerceError(f"Ensure this value is less than or equal to {max_value}.")
    return value


def to_float(value: object) -> float:
    if isinstance(value, bool):
        raise CoerceError("A valid number is required.")
    if isinstance(value, str) and _FLOAT_TEXT.fullmatch(value.strip()):
        value = float(value.strip())
    if isinstance(value, int):
        value = float(value)
    if not isinstance(value, float) or value != value or value in (float("inf"), float("-inf")):
        raise CoerceError("A valid number is required.")
    return value


def to_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    raise CoerceError("Must be a valid boolean.")


def to_str(value: object, max_length: int | None = None) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise CoerceError("Not a valid string.")
    text = value if isinstance(value, str) else str(value)
    if "\x00" in text:
        raise CoerceError("Null characters are not allowed.")
    if max_length is not None and len(text) > max_length:
        raise CoerceError(f"Ensure this field has no more than {max_length} characters.")
    return text


def to_phone(value: object, max_length: int = 90) -> str:
    """Digits, '+', '*', '#' and 'w' (pause); surrounding spaces are trimmed."""
    text = to_str(value, max_length).strip()
    if not _PHONE.fullmatch(text):
        raise CoerceError("Enter a phone number made of digits, '+', '*', '#' or 'w'.")
    return text


def zone(name: str | None) -> dt.tzinfo:
    """The named IANA zone, UTC when empty or unknown."""
    if not name:
        return dt.UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def to_timezone_name(value: object) -> str:
    text = to_str(value, 64).strip()
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CoerceError(f"Unknown time zone {text!r}.") from exc
    return text


def to_datetime(value: object, default_zone: dt.tzinfo = dt.UTC) -> dt.datetime:
    """ISO 8601 or "YYYY-MM-DD HH:MM:SS"; a naive value is in `default_zone`; the result is UTC-aware."""
    message = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DD HH:MM:SS or ISO 8601."
    if not isinstance(value, str) or len(value) > 64:
        raise CoerceError(message)
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise CoerceError(message) from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=default_zone)
    try:
        return parsed.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise CoerceError(message) from exc


def to_time(value: object) -> dt.time:
    """ "HH:MM[:SS[.ffffff]]"."""
    message = "Time has wrong format. Use one of these formats instead: hh:mm[:ss[.uuuuuu]]."
    if not isinstance(value, str):
        raise CoerceError(message)
    match = _TIME.fullmatch(value.strip())
    if match is None:
        raise CoerceError(message)
    hour, minute, second, fraction = match.groups()
    try:
        return dt.time(int(hour), int(minute), int(second or 0), int((fraction or "0").ljust(6, "0")))
    except ValueError as exc:
        raise CoerceError(message) from exc


def to_json_text(value: object, max_length: int = 100_000) -> str:
    """A JSON object given as an object or as its text; stored as text."""
    if isinstance(value, str):
        if not value.strip():
            return "{}"
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise CoerceError("Value must be valid JSON.") from exc
    if not isinstance(value, dict):
        raise CoerceError("Value must be a JSON object.")
    text = json.dumps(value)
    if len(text) > max_length:
        raise CoerceError(f"Ensure this field has no more than {max_length} characters.")
    return text


def format_datetime(value: object) -> str | None:
    """ISO 8601 with offset; naive values from the store are UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = dt.datetime.fromtimestamp(value, dt.UTC)
    if isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
        value = parsed
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def format_time(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)
