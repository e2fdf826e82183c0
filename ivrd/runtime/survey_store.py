"""Database reads of a leg: a sealed survey as a SurveyDefinition, an inbound call's survey, call contexts.

Every function here runs on the database writer thread (DbWriter.run), never on the event loop. A
survey that cannot run is an expected outcome, returned as a SurveyUnavailable value (never raised).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import peewee

from ivrd.dialplan_vars import InboundRequest
from ivrd.store.models import (
    SECTION_COPY_FIELDS,
    AudioFile,
    Branching,
    BranchingTemplate,
    Campaign,
    Contact,
    Gateway,
    Section,
    SectionTemplate,
    Survey,
    SurveyTemplate,
)
from ivrd.store.queries_survey import seal_survey
from ivrd.survey import CallContext, SectionDefinition, SurveyDefinition
from ivrd.survey.build import section_from_row

CONTACT_TAG_FIELDS = ("contact", "last_name", "first_name", "email", "address", "city", "state", "country",
                      "unit_number", "description")


@dataclass(frozen=True)
class SurveyUnavailable:
    """The survey a call asks for does not exist or cannot run; `reason` says which and why."""

    reason: str

    def __str__(self) -> str:
        return self.reason


def _audio_paths(owner_id: int, audio_ids: set[int], media_root: Path) -> dict[int, str]:
    """Playable absolute paths of the owner's audio files (other users' files are not played)."""
    if not audio_ids:
        return {}
    rows = AudioFile.select().where(AudioFile.id.in_(sorted(audio_ids)) & (AudioFile.user == owner_id))
    return {row.id: str(media_root / row.audio_file) for row in rows if row.audio_file}


def load_definition(survey_id: int, media_root: Path) -> SurveyDefinition | SurveyUnavailable:
    """The sealed survey `survey_id` with its sections, branchings and audio paths under `media_root`."""
    survey = Survey.get_or_none(Survey.id == survey_id)
    if survey is None:
        return SurveyUnavailable(f"survey {survey_id}: no such sealed survey")
    sections = list(Section.select().where(Section.survey == survey_id).order_by(Section.order, Section.id))
    if not sections:
        return SurveyUnavailable(f"survey {survey_id}: has no sections")
    ids = [section.id for section in sections]
    gotos: dict[int, list[tuple[str, int | None]]] = {section_id: [] for section_id in ids}
    for branching in Branching.select().where(Branching.section.in_(ids)).order_by(Branching.id):
        gotos[branching.section_id].append((branching.keys, branching.goto_id))
    audio_ids = {a for s in sections for a in (s.audiofile_id, s.invalid_audiofile_id) if a is not None}
    paths = _audio_paths(survey.user_id, audio_ids, media_root)
    definitions: list[SectionDefinition] = []
    for section in sections:
        row: dict[str, object] = {name: getattr(section, name) for name in SECTION_COPY_FIELDS}
        row["id"] = section.id
        try:
            definitions.append(section_from_row(
                row,
                audio_path=paths.get(section.audiofile_id) if section.audiofile_id else None,
                invalid_audio_path=paths.get(section.invalid_audiofile_id) if section.invalid_audiofile_id
                else None,
                branchings=gotos[section.id],
            ))
        except ValueError as exc:
            return SurveyUnavailable(f"survey {survey_id}: {exc}")
    return SurveyDefinition(survey_id, tuple(definitions), tts_language=survey.tts_language or "en")


def _template_changed_at(template: SurveyTemplate) -> Any:
    """The latest update of the template, its sections or their branchings."""
    section_ids = SectionTemplate.select(SectionTemplate.id).where(SectionTemplate.survey == template.id)
    stamps = [
        template.updated_date,
        SectionTemplate.select(peewee.fn.MAX(SectionTemplate.updated_date))
        .where(SectionTemplate.survey == template.id).scalar(),
        BranchingTemplate.select(peewee.fn.MAX(BranchingTemplate.updated_date))
        .where(BranchingTemplate.section.in_(section_ids)).scalar(),
    ]
    return max(SectionTemplate.updated_date.python_value(s) for s in stamps if s is not None)


def inbound_survey_id(request: InboundRequest) -> int | SurveyUnavailable:
    """The sealed survey an inbound call runs: the given one, or a sealed copy of the given template.

    A template is sealed on first use; that copy is reused until the template (or one of its sections
    or branchings) changes, then the next call seals a new copy.
    """
    if request.survey_id is not None:
        if not Survey.select().where(Survey.id == request.survey_id).exists():
            return SurveyUnavailable(f"ivrd_survey: survey {request.survey_id} does not exist")
        return request.survey_id
    template = SurveyTemplate.get_or_none(SurveyTemplate.id == request.survey_template_id)
    if template is None:
        return SurveyUnavailable(f"ivrd_survey: survey template {request.survey_template_id} does not exist")
    latest = (
        Survey.select()
        .where((Survey.survey_template == template.id) & Survey.campaign.is_null())
        .order_by(Survey.id.desc())
        .first()
    )
    if latest is not None and latest.created_date >= _template_changed_at(template):
        return int(latest.id)
    return int(seal_survey(template).id)


def _json_object(text: str) -> dict[str, object]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def campaign_context(campaign: Campaign | None, *, dialled_number: str, call_ref: str,
                     contact: Contact | None = None, wait_for_amd: bool = False) -> CallContext:
    """The CallContext of a call: the contact's fields and additional_vars, the campaign's options."""
    fields: dict[str, object] = {"contact": dialled_number}
    extra: Mapping[str, object] = {}
    if contact is not None:
        fields.update({name: getattr(contact, name) for name in CONTACT_TAG_FIELDS})
        extra = _json_object(contact.additional_vars)
    prefix = ""
    if campaign is not None:
        gateway = Gateway.get_or_none(Gateway.id == campaign.aleg_gateway_id)
        prefix = gateway.gateways if gateway is not None else ""
        if prefix and not prefix.endswith("/"):
            prefix += "/"
    return CallContext(
        dialled_number=dialled_number,
        campaign_id=campaign.id if campaign is not None else 0,
        contact_fields=fields,
        additional_vars=extra,
        dnc_list_id=campaign.dnc_id if campaign is not None else None,
        has_sms_gateway=campaign is not None and campaign.sms_gateway_id is not None,
        gateway_dial_prefix=prefix,
        call_ref=call_ref,
        wait_for_amd=wait_for_amd,
    )


def inbound_campaign(campaign_id: int | None) -> Campaign | SurveyUnavailable | None:
    """The campaign named by ivrd_campaign (None when not given); SurveyUnavailable when unknown."""
    if campaign_id is None:
        return None
    campaign = Campaign.get_or_none(Campaign.id == campaign_id)
    if campaign is None:
        return SurveyUnavailable(f"ivrd_campaign: campaign {campaign_id} does not exist")
    return campaign
