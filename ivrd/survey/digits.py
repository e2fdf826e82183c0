"""Digit collection for multi-choice, rating and capture-digits sections: parameters and answers.

One Collect is one try. The machine counts attempts itself (retries + 1) and re-prompts after an
attempt whose answer is not valid; FreeSWITCH never retries inside a Collect, so a section prompts
at most retries + 1 times. The validity pattern is anchored: '12' never passes a one-digit check.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ivrd.survey.definition import NumberRange, SectionDefinition
from ivrd.survey.sections import SectionType

TERMINATORS = "#"
MIN_TIMEOUT_S = 1


@dataclass(frozen=True)
class DigitAnswer:
    """What one Collect produced, judged against the section.

    `key` is compared with branching keys (a valid rating is normalised: '07' → '7');
    `response` is what the result stores: the pressed key's label for multi-choice ('' when the
    key has no label), the digits otherwise.
    """

    digits: str
    key: str
    valid: bool
    response: str

    @property
    def empty(self) -> bool:
        return self.digits == ""


def attempts(section: SectionDefinition) -> int:
    """How many times the section prompts at most: retries + 1 (retries ≤ 0 → one attempt)."""
    return max(section.retries, 0) + 1


def collect_timeout_ms(section: SectionDefinition) -> int:
    return max(section.timeout_s, MIN_TIMEOUT_S) * 1000


def max_digits(section: SectionDefinition) -> int:
    if section.type is SectionType.MULTI_CHOICE:
        return 1
    if section.type is SectionType.RATING:
        return len(str(max(section.rating_laps, 1)))
    return max(section.number_digits, 1)


def allowed_keys(section: SectionDefinition) -> str:
    """Multi-choice: the digits that carry a label, e.g. '123'."""
    return "".join(str(digit) for digit in range(10) if section.label_for(str(digit)))


def valid_regex(section: SectionDefinition) -> str:
    """Anchored pattern a Collect's digits must match."""
    if section.type is SectionType.MULTI_CHOICE:
        keys = allowed_keys(section)
        return f"^[{keys}]$" if keys else "^$"
    return f"^[0-9]{{1,{max_digits(section)}}}$"


def judge(section: SectionDefinition, digits: str) -> DigitAnswer:
    """Turn collected digits into an answer; empty digits (timeout) are never valid."""
    if not digits:
        return DigitAnswer("", "", False, "")
    if not re.fullmatch(valid_regex(section), digits):
        response = "" if section.type is SectionType.MULTI_CHOICE else digits
        return DigitAnswer(digits, digits, False, response)
    if section.type is SectionType.MULTI_CHOICE:
        return DigitAnswer(digits, digits, True, section.label_for(digits))
    if section.type is SectionType.RATING:
        if 1 <= int(digits) <= section.rating_laps:
            key = str(int(digits))
            return DigitAnswer(digits, key, True, key)
        return DigitAnswer(digits, digits, False, digits)
    number_range = NumberRange.of(section)
    in_range = number_range.low <= int(digits) <= number_range.high
    return DigitAnswer(digits, digits, in_range or not section.validate_number, digits)
