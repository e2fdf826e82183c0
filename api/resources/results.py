"""Sealed surveys, survey results and per-survey aggregates (read-only; the daemon writes them)."""

from __future__ import annotations

from typing import Any

import falcon

from api.coerce import CoerceError, to_int
from api.errors import ValidationFailed
from api.fields import Field
from api.resources.base import Family, owned_by
from api.resources.common import CREATED, ID, UPDATED, url_field
from api.resources.recordings import recording_url
from ivrd.store.models import Result, Section, Survey, User
from ivrd.store.queries_results import survey_aggregates

READ_ONLY = ("GET",)


def _sections(obj: Any, ctx: Any) -> list[dict[str, object]]:
    rows = Section.select().where(Section.survey == obj.id).order_by(Section.order, Section.id)
    return [{"id": s.id, "order": s.order, "type": s.type, "question": s.question} for s in rows]


class SealedSurveys(Family):
    name = "sealed-survey"
    model = Survey
    summary = "Frozen survey copies that campaigns run on (taken at the first start)."
    collection_methods = READ_ONLY
    item_methods = READ_ONLY
    fields = (
        url_field("sealed-survey"),
        ID,
        Field("name", read_only=True),
        Field("tts_language", read_only=True),
        Field("description", read_only=True),
        Field("campaign", "link", family="campaigns", read_only=True, filter=True),
        Field("survey_template", "int", read_only=True, description="Id of the template it was copied from."),
        Field("sections", read_only=True, render=_sections, description="[{id, order, type, question}]"),
        Field("user", "link", family="users", read_only=True),
        CREATED,
        UPDATED,
    )


class Results(Family):
    name = "results"
    model = Result
    summary = "Survey answers, one per call and section. Filter with ?survey=, ?campaign=, ?callrequest=."
    collection_methods = READ_ONLY
    item_methods = READ_ONLY
    fields = (
        url_field("results"),
        ID,
        Field("callrequest", "link", family="callrequest", read_only=True, filter=True),
        Field(
            "section",
            "int",
            read_only=True,
            render=lambda obj, ctx: obj.section_id,
            description="Section id.",
        ),
        Field("section_question", read_only=True, render=lambda obj, ctx: obj.section.question),
        Field(
            "survey",
            "link",
            family="sealed-survey",
            read_only=True,
            render=lambda obj, ctx: f"{ctx.base_url}/rest-api/sealed-survey/{obj.section.survey_id}/",
        ),
        Field("response", read_only=True),
        Field("record_file", read_only=True, description="Recording file name (record sections)."),
        Field(
            "record_url",
            read_only=True,
            render=lambda obj, ctx: recording_url(ctx.settings, obj.record_file),
            description="Download path of the recording, null when none.",
        ),
        Field("recording_duration", "int", read_only=True, description="Seconds."),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        return owned_by(Result.select(Result, Section).join(Section).join(Survey), Survey.user, user)

    def filter_list(self, req: falcon.Request, query: Any) -> Any:
        query = super().filter_list(req, query)
        for name, column in (("survey", Section.survey), ("campaign", Survey.campaign)):
            if name in req.params:
                try:
                    query = query.where(column == to_int(req.params[name], 1))
                except CoerceError as exc:
                    raise ValidationFailed({name: str(exc)}) from None
        return query


class SurveyAggregate:
    """GET /rest-api/surveyaggregate/<survey_id>/ → [{"section__question", "response", "count"}]."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        user: User = req.context.user
        query = Survey.select().where(Survey.id == object_id)
        if not user.is_superuser:
            query = query.where(Survey.user == user.id)
        if not query.exists():
            raise falcon.HTTPNotFound(description="Not found.")
        resp.media = survey_aggregates(object_id)
