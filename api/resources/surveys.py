"""Survey templates, section templates (per-type validation, default branchings) and branching templates."""

from __future__ import annotations

from typing import Any

import falcon
import peewee

from api.errors import ErrorBag
from api.fields import Field
from api.resources.base import Family, owned_by
from api.resources.common import CREATED, ID, OWNER, UPDATED, url_field
from ivrd.store.models import SECTION_COPY_FIELDS, BranchingTemplate, SectionTemplate, SurveyTemplate, User
from ivrd.survey.validation import default_branching_keys, validate_branching_key, validate_section

SECTION_TYPES = tuple(range(1, 11))
TYPE_NAMES = (
    "1 play message, 2 multi-choice, 3 rating, 4 capture digits, 5 record message, 6 call transfer, "
    "7 hangup, 8 conference, 9 DNC, 10 SMS"
)


class SurveyTemplates(Family):
    name = "survey-template"
    model = SurveyTemplate
    summary = "Editable survey/IVR templates; a campaign runs on a sealed copy taken at its first start."
    fields = (
        url_field("survey-template"),
        ID,
        Field("name", required=True, description="Survey name."),
        Field("tts_language", nullable=True, description="Text-to-speech language code (default en)."),
        Field("description", nullable=True, max_length=10000),
        CREATED,
        UPDATED,
        OWNER,
    )

    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        values.setdefault("tts_language", "en")
        return super().create(req, values, owner)


def section_values(obj: Any) -> dict[str, object]:
    """The stored section as the validation functions expect it."""
    return {name: getattr(obj, name) for name in SECTION_COPY_FIELDS}


def _key_field(digit: int) -> Field:
    return Field(
        f"key_{digit}", nullable=True, description=f"Multi-choice label stored when {digit} is pressed."
    )


class SectionTemplates(Family):
    name = "section-template"
    model = SectionTemplate
    summary = "Sections (nodes) of a survey template; default branchings are created with each section."
    fields = (
        url_field("section-template"),
        ID,
        Field("order", "int", read_only=True, description="Automatic; the lowest order is the start node."),
        Field("type", "int", choices=SECTION_TYPES, description=f"Section type: {TYPE_NAMES}. Default 1."),
        Field("question", required=True, description="Label; default text of the TTS script."),
        Field(
            "script", nullable=True, description="Text spoken by TTS when no audiofile; defaults to question."
        ),
        Field("audiofile", "link", family="audio-files", nullable=True, description="Prompt audio."),
        Field(
            "invalid_audiofile",
            "link",
            family="audio-files",
            nullable=True,
            description="Played on bad input.",
        ),
        Field("retries", "int", min_value=0, description="Extra attempts for digit sections (default 0)."),
        Field("timeout", "int", min_value=0, description="Seconds to wait for input (default 5)."),
        *(_key_field(digit) for digit in range(10)),
        Field("rating_laps", "int", description="Rating scale 1..rating_laps (type 3, default 9)."),
        Field("validate_number", "bool", description="Check min_number..max_number (type 4)."),
        Field("number_digits", "int", description="Maximum digits to collect (type 4, default 2)."),
        Field("min_number", "int", nullable=True, min_value=-(2**63) + 1, max_value=2**63 - 1),
        Field("max_number", "int", nullable=True, min_value=-(2**63) + 1, max_value=2**63 - 1),
        Field(
            "phonenumber", nullable=True, description="Transfer destination number or dial string (type 6)."
        ),
        Field("confirm_script", nullable=True, description="Whisper played to the transfer target (type 6)."),
        Field(
            "confirm_key", nullable=True, description="Key the transfer target presses to accept (type 6)."
        ),
        Field("conference", nullable=True, description="Conference room (type 8); empty = campaign id."),
        Field("sms_text", nullable=True, description="SMS body (type 10)."),
        Field("completed", "bool", description="Reaching this section marks the contact completed."),
        Field("survey", "link", family="survey-template", required=True, filter=True),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        return owned_by(SectionTemplate.select().join(SurveyTemplate), SurveyTemplate.user, user)

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        if obj is not None and "survey" in values and values["survey"] != obj.survey_id:
            errors.add("survey", "A section cannot be moved to another survey.")
        merged = section_values(obj) if obj is not None else {}
        merged.update({k: v for k, v in values.items() if k in SECTION_COPY_FIELDS})
        for name, message in validate_section(merged).items():
            errors.add(name, message)

    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        if not values.get("script"):
            values["script"] = values["question"]
        highest = SectionTemplate.select(peewee.fn.MAX(SectionTemplate.order)).scalar()
        obj = SectionTemplate(**self.columns(values))
        obj.order = int(highest or 0) + 1
        obj.save()
        for key in default_branching_keys(int(obj.type)):
            BranchingTemplate.create(keys=key, section=obj.id, goto=None)
        return obj


class BranchingTemplates(Family):
    name = "branching-template"
    model = BranchingTemplate
    summary = "Where a section goes for a key ('0', digits, 'timeout', 'invalid', 'any'); goto null hangs up."
    fields = (
        url_field("branching-template"),
        ID,
        Field(
            "keys",
            required=True,
            description="Key: '0' for non-input sections, digit(s), timeout, invalid, any.",
        ),
        Field("section", "link", family="section-template", required=True, filter=True),
        Field(
            "goto",
            "link",
            family="section-template",
            nullable=True,
            description="Next section; null = hang up.",
        ),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        query = (
            BranchingTemplate.select()
            .join(SectionTemplate, on=BranchingTemplate.section)
            .join(SurveyTemplate)
        )
        return owned_by(query, SurveyTemplate.user, user)

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        section_id = values.get("section", obj.section_id if obj is not None else None)
        section = SectionTemplate.get_or_none(SectionTemplate.id == section_id)
        if section is None:
            return
        keys = str(values.get("keys", obj.keys if obj is not None else "")).strip()
        values["keys"] = keys
        problem = validate_branching_key(int(section.type), keys, section_values(section))
        if problem is not None:
            errors.add("keys", problem)
        goto_id = values.get("goto", obj.goto_id if obj is not None else None)
        if goto_id is not None:
            goto = SectionTemplate.get_or_none(SectionTemplate.id == goto_id)
            if goto is None or goto.survey_id != section.survey_id:
                errors.add("goto", "Must be a section of the same survey.")
        clash = BranchingTemplate.select().where(
            (BranchingTemplate.section == section.id) & (BranchingTemplate.keys == keys)
        )
        if obj is not None:
            clash = clash.where(BranchingTemplate.id != obj.id)
        if clash.exists():
            errors.add("keys", f"This section already has a branching for key {keys!r}.")
