"""Campaigns: dialer-limit checks, validated status transitions, sealing the survey at the first START."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, cast

import falcon
import peewee

from api import coerce
from api.errors import NON_FIELD, ErrorBag, ValidationFailed
from api.fields import Field
from api.links import link
from api.resources.base import Family, Item, save_changes
from api.resources.common import CREATED, ID, OWNER, UPDATED, count_field, url_field
from ivrd.store.constants import CampaignStatus, SubscriberStatus
from ivrd.store.models import Campaign, CampaignPhonebook, Subscriber, SurveyTemplate, User, utc_now
from ivrd.store.queries_survey import seal_survey

STATUS_NAMES = {s.value: s.name for s in CampaignStatus}
TRANSITIONS: dict[int, tuple[int, ...]] = {
    CampaignStatus.NEW: (CampaignStatus.START, CampaignStatus.ABORT),
    CampaignStatus.START: (CampaignStatus.PAUSE, CampaignStatus.ABORT, CampaignStatus.END),
    CampaignStatus.PAUSE: (CampaignStatus.START, CampaignStatus.ABORT, CampaignStatus.END),
    CampaignStatus.ABORT: (),
    CampaignStatus.END: (),
}
# campaign field -> (user limit attribute, unit text)
LIMITS = {
    "frequency": ("max_frequency", "calls per minute"),
    "callmaxduration": ("max_callmaxduration_s", "seconds"),
    "maxretry": ("max_maxretry", "retries"),
    "calltimeout": ("max_calltimeout_s", "seconds"),
}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def phonebook_ids(campaign_ids: list[int]) -> dict[int, list[int]]:
    """campaign id -> its phonebook ids, in one query."""
    query = (
        CampaignPhonebook.select(CampaignPhonebook.campaign, CampaignPhonebook.phonebook)
        .where(CampaignPhonebook.campaign.in_(campaign_ids))
        .order_by(CampaignPhonebook.phonebook)
        .tuples()
    )
    found: dict[int, list[int]] = {campaign_id: [] for campaign_id in campaign_ids}
    for campaign_id, phonebook_id in cast(Iterable[tuple[int, int]], query):
        found[campaign_id].append(phonebook_id)
    return found


def _phonebooks(obj: Any, ctx: Any) -> list[str | None]:
    ids = getattr(obj, "prefetched_phonebooks", None)
    if ids is None:
        ids = phonebook_ids([obj.id])[obj.id]
    return [link(ctx.base_url, "phonebook", phonebook_id) for phonebook_id in ids]


def campaign_stats(campaign_id: int) -> dict[str, int]:
    """Subscriber counters: total, pending, in_progress, answered, completed, failed, not_authorized."""
    rows = (
        Subscriber.select(Subscriber.status, peewee.fn.COUNT(Subscriber.id).alias("n"))
        .where(Subscriber.campaign == campaign_id)
        .group_by(Subscriber.status)
        .tuples()
    )
    by_status = {int(status): int(n) for status, n in cast(Iterable[tuple[int, int]], rows)}
    return {
        "total": sum(by_status.values()),
        "pending": by_status.get(SubscriberStatus.PENDING, 0),
        "in_progress": by_status.get(SubscriberStatus.IN_PROCESS, 0),
        "answered": by_status.get(SubscriberStatus.SENT, 0) + by_status.get(SubscriberStatus.COMPLETED, 0),
        "completed": by_status.get(SubscriberStatus.COMPLETED, 0),
        "failed": by_status.get(SubscriberStatus.FAIL, 0),
        "not_authorized": by_status.get(SubscriberStatus.NOT_AUTHORIZED, 0),
    }


class Campaigns(Family):
    name = "campaigns"
    model = Campaign
    summary = 'Dialing campaigns. Start with PATCH {"status": 1}; the first start seals the survey template.'
    fields = (
        url_field("campaigns"),
        ID,
        Field("campaign_code", read_only=True, description="Random unique code."),
        Field("name", required=True, description="Unique per user."),
        Field("description", nullable=True, max_length=10000),
        Field(
            "status",
            "int",
            choices=tuple(STATUS_NAMES),
            description="0 NEW, 1 START, 2 PAUSE, 3 ABORT, 4 END.",
        ),
        Field("callerid", description="Caller ID number."),
        Field("caller_name", description="Caller ID name."),
        Field("phonebook", "links", family="phonebook", render=_phonebooks, description='Links or "1,2".'),
        Field("startingdate", "datetime", description="Start of the run window; naive = campaign timezone."),
        Field("expirationdate", "datetime", description="End of the run window; naive = campaign timezone."),
        Field("stoppeddate", "datetime", read_only=True),
        Field("daily_start_time", "time", description="Daily window start HH:MM:SS (campaign timezone)."),
        Field("daily_stop_time", "time", description="Daily window stop HH:MM:SS (campaign timezone)."),
        *(Field(day, "bool") for day in WEEKDAYS),
        Field("frequency", "int", min_value=1, description="Calls per minute (≤ the user's max_frequency)."),
        count_field("callmaxduration", "Maximum call duration, seconds."),
        count_field("maxretry", "Retries after a failed attempt."),
        count_field("intervalretry", "Seconds before a retry."),
        count_field("completion_maxretry", "Extra calls to contacts who did not complete."),
        count_field("completion_intervalretry", "Seconds before a completion retry."),
        count_field("calltimeout", "Ring time, seconds."),
        Field(
            "aleg_gateway",
            "link",
            family="gateway",
            required=True,
            description="A gateway granted to the user.",
        ),
        Field("sms_gateway", "link", family="sms-gateway", nullable=True),
        Field(
            "object_id",
            "link",
            family="survey-template",
            attr="survey_template",
            required=True,
            render=lambda obj, ctx: obj.survey_template_id,
            description="Survey template id (or link).",
        ),
        Field(
            "survey",
            "link",
            family="sealed-survey",
            read_only=True,
            description="Sealed survey once started.",
        ),
        Field("extra_data", description="Free data copied onto each call."),
        Field("dnc", "link", family="dnc-list", nullable=True, description="Do-not-call list."),
        Field("voicemail", "bool", description="Enable answering-machine detection."),
        Field(
            "amd_behavior",
            "int",
            nullable=True,
            choices=(1, 2, 3),
            description="1 always play, 2 humans only, 3 voicemail only.",
        ),
        Field(
            "voicemail_audiofile",
            "link",
            family="audio-files",
            nullable=True,
            description="Message for machines.",
        ),
        Field("agent_script", nullable=True, max_length=10000),
        Field("lead_disposition", nullable=True, max_length=10000),
        Field("external_link", nullable=True, max_length=10000),
        count_field("max_aleg", "Simultaneous calls of this campaign; 0 = no cap."),
        count_field("max_xfer", "Simultaneous transfers; 0 = no cap."),
        Field(
            "dial_method", "int", min_value=1, max_value=2, description="1 voice broadcast, 2 agent ratio."
        ),
        Field("agent_dial_rate", "float", min_value=0),
        Field(
            "callerid_group", "link", family="callerid_group", nullable=True, description="Caller ID pool."
        ),
        Field("completion_enabled", "bool"),
        Field(
            "timezone", "tz", description="IANA time zone of naive datetimes and daily times (default UTC)."
        ),
        Field("totalcontact", "int", read_only=True),
        Field("completed", "int", read_only=True, description="Completed-survey counter."),
        Field("has_been_started", "bool", read_only=True),
        Field("has_been_duplicated", "bool", read_only=True),
        Field("imported_phonebook", read_only=True),
        OWNER,
        CREATED,
        UPDATED,
    )

    def prefetch(self, rows: list[Any]) -> None:
        found = phonebook_ids([row.id for row in rows])
        for row in rows:
            row.prefetched_phonebooks = found[row.id]

    def zone(self, body: Mapping[str, object], obj: Any) -> dt.tzinfo:
        name = body.get("timezone")
        if isinstance(name, str) and name.strip():
            return coerce.zone(name.strip())
        return coerce.zone(obj.timezone if obj is not None else "UTC")

    def check(
        self, req: falcon.Request, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag
    ) -> None:
        self._check_name(values, obj, owner, errors)
        self._check_limits(values, obj, owner, errors)
        self._check_status(values, obj, errors)
        start = values.get("startingdate", obj.startingdate if obj is not None else None)
        end = values.get("expirationdate", obj.expirationdate if obj is not None else None)
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and end <= start:
            errors.add("expirationdate", "Must be later than startingdate.")
        started = obj is not None and obj.has_been_started
        if started and "object_id" in values and values["object_id"] != obj.survey_template_id:
            errors.add("object_id", "The survey of a campaign that has been started cannot change.")

    def _check_name(self, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag) -> None:
        name = values.get("name")
        if name is None:
            return
        values["name"] = name = str(name).strip()
        same = Campaign.select().where((Campaign.user == owner.id) & (Campaign.name == name))
        if obj is not None:
            same = same.where(Campaign.id != obj.id)
        if same.exists():
            errors.add("name", "You already have a campaign with this name.")

    def _check_limits(self, values: dict[str, object], obj: Any, owner: User, errors: ErrorBag) -> None:
        for name, (limit_attr, unit) in LIMITS.items():
            if obj is not None and name not in values:
                continue  # a lowered limit does not block unrelated changes
            value = values.get(name, Campaign._meta.fields[name].default)
            limit = int(getattr(owner, limit_attr))
            if isinstance(value, int) and value > limit:
                errors.add(
                    name,
                    f"Ensure this value is less than or equal to your limit {limit_attr} = {limit} {unit}.",
                )
        if obj is None:
            count = Campaign.select().where(Campaign.user == owner.id).count()
            if count >= owner.max_campaigns:
                errors.add(
                    NON_FIELD, f"Too many campaigns: your limit max_campaigns = {owner.max_campaigns}."
                )

    def _check_status(self, values: dict[str, object], obj: Any, errors: ErrorBag) -> None:
        if "status" not in values:
            return
        new = values["status"]
        current = int(obj.status) if obj is not None else int(CampaignStatus.NEW)
        allowed = TRANSITIONS[current]
        if new == current or new in allowed:
            if (
                new == CampaignStatus.START
                and values.get("object_id", getattr(obj, "survey_template_id", None)) is None
            ):
                errors.add("object_id", "A campaign needs a survey template before it can start.")
            return
        names = ", ".join(f"{s} {STATUS_NAMES[s]}" for s in allowed) or "none, this status is final"
        errors.add(
            "status",
            f"Cannot change status from {current} {STATUS_NAMES[current]} to {new}; allowed: {names}.",
        )

    def create(self, req: falcon.Request, values: dict[str, object], owner: User) -> Any:
        wanted = values.pop("status", CampaignStatus.NEW)
        obj = Campaign(**{**self.columns(values), "user": owner.id})
        obj.status = CampaignStatus.NEW
        obj.save()
        self._write_phonebooks(obj, values)
        if wanted != CampaignStatus.NEW:
            self._set_status(obj, int(str(wanted)))
        return obj

    def update(self, req: falcon.Request, obj: Any, values: dict[str, object], owner: User) -> Any:
        wanted = values.pop("status", None)
        for name, value in self.columns(values).items():
            setattr(obj, name, value)
        if obj.user_id != owner.id:
            obj.user = owner.id
        save_changes(obj)
        self._write_phonebooks(obj, values)
        if wanted is not None and wanted != obj.status:
            self._set_status(obj, int(str(wanted)))
        return obj

    def _write_phonebooks(self, obj: Any, values: dict[str, object]) -> None:
        ids = values.get("phonebook")
        if not isinstance(ids, list):
            return
        CampaignPhonebook.delete().where(CampaignPhonebook.campaign == obj.id).execute()
        for phonebook_id in ids:
            CampaignPhonebook.create(campaign=obj.id, phonebook=phonebook_id)

    def _set_status(self, obj: Any, status: int) -> None:
        """Change the status only if the daemon has not changed it meanwhile (else 400 status)."""
        current = int(obj.status)
        changes: dict[str, object] = {"status": status, "updated_date": utc_now()}
        if status == CampaignStatus.START and not obj.has_been_started:
            template = SurveyTemplate.get_by_id(obj.survey_template_id)
            seal_survey(template, obj)
            changes["has_been_started"] = True
        if current == CampaignStatus.START and status != CampaignStatus.START:
            changes["stoppeddate"] = utc_now()
        updated = (
            Campaign.update(**changes).where((Campaign.id == obj.id) & (Campaign.status == current)).execute()
        )
        if updated != 1:
            now = Campaign.get_by_id(obj.id).status
            raise ValidationFailed(
                {"status": f"The status changed meanwhile (now {now}); read it and try again."}
            )
        for name, value in changes.items():
            setattr(obj, name, value)


class CampaignItem(Item):
    """Campaign detail carries its counters under "stats"."""

    def on_get(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        obj = self.family.get_visible(req.context.user, object_id)
        body = self.family.render(req, obj)
        body["stats"] = campaign_stats(obj.id)
        resp.media = body


class CampaignStats:
    """GET /rest-api/campaigns/<id>/stats/."""

    def __init__(self, family: Family) -> None:
        self.family = family

    def on_get(self, req: falcon.Request, resp: falcon.Response, object_id: int) -> None:
        obj = self.family.get_visible(req.context.user, object_id)
        resp.media = {"campaign": self.family.url(req, obj), "status": obj.status, **campaign_stats(obj.id)}
