"""Database-independent description of a sealed survey and of the call it runs on."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ivrd.survey.sections import (
    DEFAULT_MAX_NUMBER,
    DEFAULT_MIN_NUMBER,
    DEFAULT_NUMBER_DIGITS,
    DEFAULT_RATING_LAPS,
    DEFAULT_RETRIES,
    DEFAULT_TIMEOUT_S,
    RUNTIME_MAX_NUMBER,
    RUNTIME_MIN_NUMBER,
    SectionType,
)

NO_LABELS: tuple[str, ...] = ("",) * 10


@dataclass(frozen=True)
class Branching:
    """One branching row: when `key` matches, go to section `goto_section_id` (None = hang up)."""

    key: str
    goto_section_id: int | None


@dataclass(frozen=True)
class SectionDefinition:
    """Every field of a sealed section (spec §1.2) the machine needs; audio as playable paths."""

    id: int
    type: SectionType
    question: str
    order: int = 0
    script: str = ""
    audio_path: str | None = None
    invalid_audio_path: str | None = None
    retries: int = DEFAULT_RETRIES
    timeout_s: int = DEFAULT_TIMEOUT_S
    key_labels: tuple[str, ...] = NO_LABELS
    rating_laps: int = DEFAULT_RATING_LAPS
    validate_number: bool = True
    number_digits: int = DEFAULT_NUMBER_DIGITS
    min_number: int | None = DEFAULT_MIN_NUMBER
    max_number: int | None = DEFAULT_MAX_NUMBER
    phonenumber: str = ""
    confirm_script: str = ""
    confirm_key: str = ""
    conference: str = ""
    sms_text: str = ""
    completed: bool = False
    branchings: tuple[Branching, ...] = ()

    def __post_init__(self) -> None:
        if len(self.key_labels) != 10:
            raise ValueError(f"section {self.id}: key_labels must hold 10 labels (key_0..key_9)")

    def label_for(self, digit: str) -> str:
        """The key_X label of a pressed digit ('' when the digit has no label)."""
        if len(digit) == 1 and digit.isdigit() and digit.isascii():
            return self.key_labels[int(digit)].strip()
        return ""

    def branching(self, key: str) -> Branching | None:
        """The branching row for `key`, or None when the section has none."""
        return next((row for row in self.branchings if row.key == key), None)


@dataclass(frozen=True)
class SurveyDefinition:
    """A sealed survey: its sections in any order; the start section is the one with the lowest order."""

    survey_id: int
    sections: tuple[SectionDefinition, ...]
    tts_language: str = "en"

    def section(self, section_id: int) -> SectionDefinition | None:
        return next((section for section in self.sections if section.id == section_id), None)

    def start_section(self) -> SectionDefinition | None:
        if not self.sections:
            return None
        return min(self.sections, key=lambda section: (section.order, section.id))


@dataclass(frozen=True)
class CallContext:
    """What one answered call brings to the survey: contact data for tags, numbers, campaign options.

    `contact_fields` are the contact's columns (the phone number column is `contact`);
    `additional_vars` is the contact's JSON object, whose keys override columns in tags and may
    carry `transfer_phonenumber`, `transfer_ref` and `sms_phonenumber`.
    """

    dialled_number: str
    campaign_id: int
    contact_fields: Mapping[str, object] = field(default_factory=dict, hash=False)
    additional_vars: Mapping[str, object] = field(default_factory=dict, hash=False)
    dnc_list_id: int | None = None
    has_sms_gateway: bool = False
    gateway_dial_prefix: str = ""
    call_ref: str = ""
    wait_for_amd: bool = False
    amd_wait_ms: int = 6000

    def additional_text(self, name: str) -> str:
        """An additional_vars value as stripped text ('' when absent or not a scalar)."""
        value = self.additional_vars.get(name)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value).strip()
        return ""


@dataclass(frozen=True)
class NumberRange:
    """Accepted range of a capture-digits section at runtime (null bounds widen, spec §1.2)."""

    low: int
    high: int

    @classmethod
    def of(cls, section: SectionDefinition) -> NumberRange:
        low = RUNTIME_MIN_NUMBER if section.min_number is None else section.min_number
        high = RUNTIME_MAX_NUMBER if section.max_number is None else section.max_number
        return cls(low, high)

