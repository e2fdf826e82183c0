"""Survey queries: section ordering and sealing a template into the frozen copy a campaign runs on."""

from __future__ import annotations

from collections.abc import Sequence

import peewee

from ivrd.store.locks import lock_campaign, write_transaction
from ivrd.store.models import (
    SECTION_COPY_FIELDS,
    Branching,
    BranchingTemplate,
    Campaign,
    Section,
    SectionTemplate,
    Survey,
    SurveyTemplate,
)


def next_order(model: type[SectionTemplate] | type[Section] = SectionTemplate) -> int:
    """The order a new section gets: highest order in the whole table + 1 (spec §1.2)."""
    highest = model.select(peewee.fn.MAX(model.order)).scalar()
    return int(highest or 0) + 1


def _copy_sections(
    survey: Survey, sources: Sequence[SectionTemplate | Section], from_template: bool
) -> dict[int, int]:
    """Creates one Section per source (relative order kept); returns source id -> new section id."""
    base = next_order(Section)
    mapping: dict[int, int] = {}
    for rank, source in enumerate(sources):
        values = {name: getattr(source, name) for name in SECTION_COPY_FIELDS}
        values["order"] = base + rank
        values["audiofile"] = source.audiofile_id
        values["invalid_audiofile"] = source.invalid_audiofile_id
        if from_template:
            values["section_template"] = source.id
        else:
            values["section_template"] = getattr(source, "section_template", None)
        mapping[source.id] = Section.create(survey=survey, **values).id
    return mapping


def _copy_branchings(rows: list[tuple[str, int, int | None]], mapping: dict[int, int]) -> None:
    """Copies (keys, section id, goto id) rows; a goto outside the copied survey becomes null (hang up)."""
    new_rows = [
        {
            "keys": keys,
            "section": mapping[section_id],
            "goto": mapping.get(goto_id) if goto_id is not None else None,
        }
        for keys, section_id, goto_id in rows
        if section_id in mapping
    ]
    if new_rows:
        Branching.insert_many(new_rows).execute()


def _new_survey(source: SurveyTemplate | Survey, campaign: Campaign | None,
                template_id: int | None) -> Survey:
    """An empty sealed survey named and owned like `source`, for `campaign`, copied from `template_id`."""
    survey: Survey = Survey.create(
        user=source.user_id,
        name=source.name,
        tts_language=source.tts_language,
        description=source.description,
        campaign=campaign.id if campaign is not None else None,
        survey_template=template_id,
    )
    return survey


def seal_survey(template: SurveyTemplate, campaign: Campaign | None = None) -> Survey:
    """Copies `template` into a sealed Survey (sections, branchings with goto remapped, audio referenced).

    With a campaign, the copy is attached to it and the campaign re-pointed to the copy, in the same
    transaction; if the campaign already has a sealed survey, that one is returned and nothing is copied.
    """
    with write_transaction():
        locked = lock_campaign(campaign.id) if campaign is not None else None
        if locked is not None and locked.survey_id is not None:
            existing: Survey = Survey.get_by_id(locked.survey_id)
            if campaign is not None:
                campaign.survey = existing
            return existing
        survey = _new_survey(template, locked, template.id)
        sources = list(
            SectionTemplate.select().where(SectionTemplate.survey == template).order_by(
                SectionTemplate.order, SectionTemplate.id
            )
        )
        mapping = _copy_sections(survey, sources, from_template=True)
        rows = (
            BranchingTemplate.select(
                BranchingTemplate.keys, BranchingTemplate.section, BranchingTemplate.goto
            )
            .where(BranchingTemplate.section.in_(list(mapping)))
            .order_by(BranchingTemplate.id)
            .tuples()
        )
        _copy_branchings(list(rows), mapping)  # type: ignore[arg-type]
        if locked is not None and campaign is not None:
            Campaign.update(survey=survey, updated_date=survey.created_date).where(
                Campaign.id == locked.id
            ).execute()
            campaign.survey = survey
    return survey


def clone_survey(source: Survey, campaign: Campaign | None = None) -> Survey:
    """Copies a sealed survey (duplicating a started campaign); the new one belongs to `campaign`."""
    with write_transaction():
        survey = _new_survey(source, campaign, source.survey_template)
        sources = list(Section.select().where(Section.survey == source).order_by(Section.order, Section.id))
        mapping = _copy_sections(survey, sources, from_template=False)
        rows = (
            Branching.select(Branching.keys, Branching.section, Branching.goto)
            .where(Branching.section.in_(list(mapping)))
            .order_by(Branching.id)
            .tuples()
        )
        _copy_branchings(list(rows), mapping)  # type: ignore[arg-type]
    return survey
