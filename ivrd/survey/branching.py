"""Where the flow goes after a section (spec §2.2): explicit branchings only, never "next by order".

Non-input sections (1, 5, 6, 8, 10): branching `0` if it has a destination, else `timeout` if it
has one, else hang up. Sections 7 and 9 always end the call. Digit sections (2, 3, 4), in order:
a multi-choice timeout follows the `timeout` branching at once when there is one; invalid input
(empty rating or multi-choice, a rating outside 1..rating_laps, digits outside min..max, a key
without label) follows `invalid` when there is one; any other typed input follows its exact key,
else `any`, else a valid rating hangs up and anything else replays the section; no input at all
follows `timeout` when it has a destination, else hangs up. A null destination always hangs up.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivrd.survey.definition import Branching, SectionDefinition
from ivrd.survey.digits import DigitAnswer
from ivrd.survey.sections import KEY_ANY, KEY_DEFAULT, KEY_INVALID, KEY_TIMEOUT, SectionType


@dataclass(frozen=True)
class GoTo:
    section_id: int


@dataclass(frozen=True)
class EndCall:
    reason: str


@dataclass(frozen=True)
class Replay:
    """Run the same section again."""


Decision = GoTo | EndCall | Replay


def follow(row: Branching) -> Decision:
    if row.goto_section_id is None:
        return EndCall(f"branching '{row.key}' ends the call")
    return GoTo(row.goto_section_id)


def after_non_input(section: SectionDefinition) -> Decision:
    """Play, record, transfer, conference, SMS: key '0' with a destination, else 'timeout', else hang up."""
    for key in (KEY_DEFAULT, KEY_TIMEOUT):
        row = section.branching(key)
        if row is not None and row.goto_section_id is not None:
            return GoTo(row.goto_section_id)
    return EndCall(f"section {section.id} has no branching with a destination")


def after_input(section: SectionDefinition, answer: DigitAnswer) -> Decision:
    """Multi-choice, rating, capture digits, evaluated in the order of spec §2.2 rule 5."""
    if answer.empty and section.type is SectionType.MULTI_CHOICE:
        timeout_row = section.branching(KEY_TIMEOUT)
        if timeout_row is not None:
            return follow(timeout_row)
    invalid = _is_invalid(section, answer)
    invalid_row = section.branching(KEY_INVALID)
    if invalid and invalid_row is not None:
        return follow(invalid_row)
    if not answer.empty:
        return _after_key(section, answer)
    timeout_row = section.branching(KEY_TIMEOUT)
    if timeout_row is not None and timeout_row.goto_section_id is not None:
        return GoTo(timeout_row.goto_section_id)
    return EndCall(f"no input at section {section.id}")


def _is_invalid(section: SectionDefinition, answer: DigitAnswer) -> bool:
    if answer.empty:
        return section.type in (SectionType.MULTI_CHOICE, SectionType.RATING)
    return not answer.valid


def _after_key(section: SectionDefinition, answer: DigitAnswer) -> Decision:
    for key in (answer.key, KEY_ANY):
        row = section.branching(key)
        if row is not None:
            return follow(row)
    if section.type is SectionType.RATING and answer.valid:
        return EndCall(f"rating {answer.key} at section {section.id} has no branching")
    return Replay()
