"""Section type numbers and per-type defaults shared by validation and the survey machine."""

from __future__ import annotations

import enum


class SectionType(enum.IntEnum):
    """Newfies-compatible section type numbers (spec §1.3)."""

    PLAY_MESSAGE = 1
    MULTI_CHOICE = 2
    RATING = 3
    CAPTURE_DIGITS = 4
    RECORD = 5
    TRANSFER = 6
    HANGUP = 7
    CONFERENCE = 8
    DNC = 9
    SMS = 10


DIGIT_TYPES = frozenset({SectionType.MULTI_CHOICE, SectionType.RATING, SectionType.CAPTURE_DIGITS})
TERMINAL_TYPES = frozenset({SectionType.HANGUP, SectionType.DNC})
NON_INPUT_TYPES = frozenset(
    {
        SectionType.PLAY_MESSAGE,
        SectionType.RECORD,
        SectionType.TRANSFER,
        SectionType.CONFERENCE,
        SectionType.SMS,
    }
)

KEY_DEFAULT = "0"
KEY_TIMEOUT = "timeout"
KEY_INVALID = "invalid"
KEY_ANY = "any"

DEFAULT_RETRIES = 0
DEFAULT_TIMEOUT_S = 5
DEFAULT_RATING_LAPS = 9
DEFAULT_VALIDATE_NUMBER = True
DEFAULT_NUMBER_DIGITS = 2
DEFAULT_MIN_NUMBER = 0
DEFAULT_MAX_NUMBER = 99
RUNTIME_MIN_NUMBER = 0
RUNTIME_MAX_NUMBER = 999_999_999_999_999

FIELD_MAX_LENGTHS: dict[str, int] = {
    "question": 500,
    "script": 1000,
    "phonenumber": 50,
    "confirm_script": 1000,
    "confirm_key": 1,
    "conference": 50,
    "sms_text": 200,
    **{f"key_{digit}": 100 for digit in range(10)},
}


def parse_section_type(value: object) -> SectionType | None:
    """Return the SectionType for an int or numeric string, None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        value = value.strip()
        if not value.isdigit():
            return None
        value = int(value)
    if isinstance(value, int) and value in SectionType._value2member_map_:
        return SectionType(value)
    return None
