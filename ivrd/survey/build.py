"""Builds SectionDefinition values from stored section rows (plain mappings), turning nulls into defaults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ivrd.survey.definition import Branching, SectionDefinition
from ivrd.survey.sections import (
    DEFAULT_NUMBER_DIGITS,
    DEFAULT_RATING_LAPS,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    DEFAULT_VALIDATE_NUMBER,
    parse_section_type,
)


def _text(row: Mapping[str, object], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value)


def _integer(row: Mapping[str, object], name: str, default: int) -> int:
    value = row.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return default


def _optional_integer(row: Mapping[str, object], name: str) -> int | None:
    value = row.get(name)
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def section_from_row(
    row: Mapping[str, object],
    *,
    audio_path: str | None = None,
    invalid_audio_path: str | None = None,
    branchings: Iterable[tuple[str, int | None]] = (),
) -> SectionDefinition:
    """`row` holds the section columns of spec §1.2 (id, order, type, question, script, ... completed).

    Audio files are given as playable paths; `branchings` as (keys, goto section id or None).
    Raises ValueError naming the section when its type is not 1..10.
    """
    section_type = parse_section_type(row.get("type"))
    if section_type is None:
        raise ValueError(f"section {row.get('id')}: unknown type {row.get('type')!r}")
    validate = row.get("validate_number")
    return SectionDefinition(
        id=_integer(row, "id", 0),
        type=section_type,
        question=_text(row, "question"),
        order=_integer(row, "order", 0),
        script=_text(row, "script"),
        audio_path=audio_path,
        invalid_audio_path=invalid_audio_path,
        retries=_integer(row, "retries", DEFAULT_RETRIES),
        timeout_s=_integer(row, "timeout", DEFAULT_TIMEOUT_S),
        key_labels=tuple(_text(row, f"key_{digit}") for digit in range(10)),
        rating_laps=_integer(row, "rating_laps", DEFAULT_RATING_LAPS),
        validate_number=DEFAULT_VALIDATE_NUMBER if validate is None else bool(validate),
        number_digits=_integer(row, "number_digits", DEFAULT_NUMBER_DIGITS),
        min_number=_optional_integer(row, "min_number"),
        max_number=_optional_integer(row, "max_number"),
        phonenumber=_text(row, "phonenumber"),
        confirm_script=_text(row, "confirm_script"),
        confirm_key=_text(row, "confirm_key"),
        conference=_text(row, "conference"),
        sms_text=_text(row, "sms_text"),
        completed=bool(row.get("completed")),
        branchings=tuple(Branching(key, goto) for key, goto in branchings),
    )
