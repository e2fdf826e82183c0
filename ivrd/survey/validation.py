"""Pure validation of section and branching templates, rejecting what the survey machine cannot run.

`fields` is the complete section as it will be stored (the API merges a partial update onto the
existing row first). Values may be typed (int, bool, None) or strings as a Django REST framework
client sends them ("1", "True", "" meaning null); a missing field takes its spec default.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from ivrd.survey.sections import (
    DEFAULT_MAX_NUMBER,
    DEFAULT_MIN_NUMBER,
    DEFAULT_NUMBER_DIGITS,
    DEFAULT_RATING_LAPS,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    DEFAULT_VALIDATE_NUMBER,
    DIGIT_TYPES,
    FIELD_MAX_LENGTHS,
    KEY_ANY,
    KEY_DEFAULT,
    KEY_INVALID,
    KEY_TIMEOUT,
    NON_INPUT_TYPES,
    RUNTIME_MAX_NUMBER,
    RUNTIME_MIN_NUMBER,
    TERMINAL_TYPES,
    SectionType,
    parse_section_type,
)

__all__ = ["default_branching_keys", "validate_branching_key", "validate_section"]

MAX_COLLECT_DIGITS = 128
MAX_BIGINT = 2**63 - 1
_TRUE_WORDS = frozenset({"true", "1", "yes", "on"})
_FALSE_WORDS = frozenset({"false", "0", "no", "off"})
_CONFERENCE_NAME = re.compile(r"[A-Za-z0-9_.-]*")
_DTMF_KEY = re.compile(r"[0-9*#]")
_INTEGER_TEXT = re.compile(r"[+-]?[0-9]+")
_UNSAFE_IN_DIAL_STRING = re.compile(r"[\s'\"]")


class _Reader:
    """Reads loosely typed fields, collecting one message per bad field."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        self.fields = fields
        self.errors: dict[str, str] = {}

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        if value is None:
            return ""
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.errors[name] = "Must be a string."
            return ""
        limit = FIELD_MAX_LENGTHS.get(name)
        if limit is not None and len(value) > limit:
            self.errors[name] = f"Ensure this field has no more than {limit} characters."
        return value

    def integer(self, name: str, default: int | None) -> int | None:
        value = self.fields.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            self.errors[name] = "A valid integer is required."
            return default
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and _INTEGER_TEXT.fullmatch(value.strip()):
            value = int(value.strip())
        if not isinstance(value, int):
            self.errors[name] = "A valid integer is required."
            return default
        if abs(value) > MAX_BIGINT:
            self.errors[name] = "Number out of range."
            return default
        return value

    def boolean(self, name: str, default: bool) -> bool:
        value = self.fields.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
            return value.strip().lower() in _TRUE_WORDS
        self.errors[name] = "Must be a valid boolean."
        return default

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)


def validate_section(fields: Mapping[str, object]) -> dict[str, str]:
    """Return {field name: message} for every problem of a section; an empty dict means valid."""
    reader = _Reader(fields)
    section_type = _read_type(reader)
    _check_common(reader)
    if section_type is not None:
        _TYPE_CHECKS[section_type](reader)
    return reader.errors


def _read_type(reader: _Reader) -> SectionType | None:
    raw = reader.fields.get("type", int(SectionType.PLAY_MESSAGE))
    section_type = parse_section_type(raw)
    if section_type is None:
        reader.fail("type", f"Unknown section type {raw!r}; expected an integer from 1 to 10.")
    return section_type


def _check_common(reader: _Reader) -> None:
    if not reader.text("question").strip() and "question" not in reader.errors:
        reader.fail("question", "This field is required.")
    for name in ("script", *(f"key_{digit}" for digit in range(10))):
        reader.text(name)
    retries = reader.integer("retries", DEFAULT_RETRIES)
    if retries is not None and retries < 0:
        reader.fail("retries", "Must be 0 or more.")
    timeout_s = reader.integer("timeout", DEFAULT_TIMEOUT_S)
    if timeout_s is not None and timeout_s < 0:
        reader.fail("timeout", "Must be 0 or more seconds.")
    reader.boolean("completed", False)


def _check_nothing(reader: _Reader) -> None:
    """Types whose only inputs are the common fields."""


def _check_multi_choice(reader: _Reader) -> None:
    labels = [reader.text(f"key_{digit}") for digit in range(10)]
    if not any(label.strip() for label in labels):
        reader.fail("key_0", "A multi-choice section needs at least one key (key_0 .. key_9) with a label.")


def _check_rating(reader: _Reader) -> None:
    laps = reader.integer("rating_laps", DEFAULT_RATING_LAPS)
    if laps is not None and laps < 1:
        reader.fail("rating_laps", "Must be 1 or more.")
    elif laps is not None and len(str(laps)) > MAX_COLLECT_DIGITS:
        reader.fail("rating_laps", "Too large.")


def _check_capture_digits(reader: _Reader) -> None:
    digits = reader.integer("number_digits", DEFAULT_NUMBER_DIGITS)
    if digits is not None and not 1 <= digits <= MAX_COLLECT_DIGITS:
        reader.fail("number_digits", f"Must be between 1 and {MAX_COLLECT_DIGITS}.")
    low, high = _number_range(reader)
    if reader.boolean("validate_number", DEFAULT_VALIDATE_NUMBER) and low > high:
        reader.fail("min_number", f"min_number ({low}) must not exceed max_number ({high}).")


def _number_range(reader: _Reader) -> tuple[int, int]:
    """min/max as the runtime will use them: absent → model default, null → 0 / 999999999999999."""
    low_default = DEFAULT_MIN_NUMBER if "min_number" not in reader.fields else RUNTIME_MIN_NUMBER
    high_default = DEFAULT_MAX_NUMBER if "max_number" not in reader.fields else RUNTIME_MAX_NUMBER
    low = reader.integer("min_number", low_default)
    high = reader.integer("max_number", high_default)
    return (low_default if low is None else low, high_default if high is None else high)


def _check_transfer(reader: _Reader) -> None:
    number = reader.text("phonenumber")
    if not number.strip():
        reader.fail("phonenumber", "A call transfer section needs a phone number or dial string.")
    elif _UNSAFE_IN_DIAL_STRING.search(number):
        reader.fail("phonenumber", "Must not contain spaces, quotes or line breaks.")
    reader.text("confirm_script")
    key = reader.text("confirm_key")
    if key and not _DTMF_KEY.fullmatch(key):
        reader.fail("confirm_key", "Must be one DTMF key: 0-9, * or #.")


def _check_conference(reader: _Reader) -> None:
    room = reader.text("conference")
    if not _CONFERENCE_NAME.fullmatch(room):
        reader.fail("conference", "Use only letters, digits, '_', '.' and '-' (empty means the campaign id).")


def _check_sms(reader: _Reader) -> None:
    if not reader.text("sms_text").strip():
        reader.fail("sms_text", "An SMS section needs a message text.")


_TYPE_CHECKS = {
    SectionType.PLAY_MESSAGE: _check_nothing,
    SectionType.MULTI_CHOICE: _check_multi_choice,
    SectionType.RATING: _check_rating,
    SectionType.CAPTURE_DIGITS: _check_capture_digits,
    SectionType.RECORD: _check_nothing,
    SectionType.TRANSFER: _check_transfer,
    SectionType.HANGUP: _check_nothing,
    SectionType.CONFERENCE: _check_conference,
    SectionType.DNC: _check_nothing,
    SectionType.SMS: _check_sms,
}


def default_branching_keys(section_type: int) -> list[str]:
    """Keys of the branchings auto-created with a new section (goto null); ValueError on an unknown type."""
    parsed = parse_section_type(section_type)
    if parsed is None:
        raise ValueError(f"type: unknown section type {section_type!r}; expected an integer from 1 to 10")
    if parsed in DIGIT_TYPES:
        return [KEY_TIMEOUT]
    if parsed in TERMINAL_TYPES:
        return []
    return [KEY_DEFAULT]


def validate_branching_key(section_type: int, key: str, section_fields: Mapping[str, object]) -> str | None:
    """Return why `key` cannot be a branching key of this section, or None when it can."""
    parsed = parse_section_type(section_type)
    if parsed is None:
        return f"Unknown section type {section_type!r}."
    if parsed in TERMINAL_TYPES:
        return "This section ends the call; it takes no branching."
    if parsed in NON_INPUT_TYPES:
        if key in (KEY_DEFAULT, KEY_TIMEOUT):
            return None
        return f"This section takes no input; its branching key must be '{KEY_DEFAULT}' or '{KEY_TIMEOUT}'."
    if key in (KEY_TIMEOUT, KEY_INVALID, KEY_ANY):
        return None
    reader = _Reader(section_fields)
    if parsed is SectionType.MULTI_CHOICE:
        return _multi_choice_key_problem(reader, key)
    if parsed is SectionType.RATING:
        return _rating_key_problem(reader, key)
    return _capture_key_problem(reader, key)


def _multi_choice_key_problem(reader: _Reader, key: str) -> str | None:
    if len(key) != 1 or not key.isdigit():
        return "Must be a digit 0-9, 'timeout', 'invalid' or 'any'."
    if not reader.text(f"key_{key}").strip():
        return f"Key {key} has no label (key_{key}) in this section, so it cannot be pressed."
    return None


def _rating_key_problem(reader: _Reader, key: str) -> str | None:
    laps = reader.integer("rating_laps", DEFAULT_RATING_LAPS) or DEFAULT_RATING_LAPS
    if not (key.isdigit() and key.isascii()) or key != str(int(key)) or not 1 <= int(key) <= laps:
        return f"Must be a rating from 1 to {laps}, 'timeout', 'invalid' or 'any'."
    return None


def _capture_key_problem(reader: _Reader, key: str) -> str | None:
    digits = reader.integer("number_digits", DEFAULT_NUMBER_DIGITS) or DEFAULT_NUMBER_DIGITS
    if not (key.isdigit() and key.isascii()) or len(key) > digits:
        return f"Must be a string of 1 to {digits} digits, 'timeout', 'invalid' or 'any'."
    if reader.boolean("validate_number", DEFAULT_VALIDATE_NUMBER):
        low, high = _number_range(reader)
        if not low <= int(key) <= high:
            return f"{key} is outside min_number..max_number ({low}..{high}), so it can never be reached."
    return None
