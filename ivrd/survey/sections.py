"""Section type numbers and per-type defaults shared by validation and the survey machine.

What each type does in the machine ("prompt" = the audio file, else TTS of the tag-substituted
script; nothing is played when both are empty):

1 play message   prompt, then branching 0/timeout; no result.
2 multi-choice   one key among those with a key_X label; result = that label.
3 rating         up to len(str(rating_laps)) digits, valid 1..rating_laps; result = the rating.
4 capture digits 1..number_digits digits ('#' ends), range-checked when validate_number;
                 result = the digits.
5 record         prompt, record (120 s max, '#' or 5 s of silence ends); result: empty response,
                 record_file and recording duration.
6 transfer       bridge to the destination with the prompt as ringback; result
                 `phonenumber: <destination>` saved before bridging; branching 0 when the bridge ends.
7 hangup         prompt, hang up.
8 conference     prompt, join `<room>@default` (empty room → campaign id); result `conf: <room>`;
                 branching 0 when the caller leaves.
9 DNC            add the dialled number to the campaign's DNC list, result `DNC: <number>`, prompt,
                 hang up.
10 SMS           queue the tag-substituted sms_text (when non-empty and the campaign has an SMS
                 gateway) with result `SMS: <destination>`, prompt, branching 0.
"""

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
