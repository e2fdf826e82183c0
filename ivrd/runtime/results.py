"""A leg's database writes (DbWriter jobs): results, aggregates, DNC entries, queued SMS, completion."""

from __future__ import annotations

from dataclasses import dataclass, field

from ivrd.store.constants import SubscriberStatus
from ivrd.store.models import CallRequest, Campaign, DncContact, Result, SmsMessage, Subscriber, utc_now
from ivrd.store.queries_results import Answer, add_to_aggregate, aggregate_key
from ivrd.survey import SaveResult


def answer_of(action: SaveResult) -> Answer:
    return Answer(action.section_id, action.response, action.record_file, action.recording_duration_s or 0)


@dataclass
class ResultRows:
    """Result row ids of a call without a call attempt (inbound), by section; touched only by writer jobs."""

    ids: dict[int, int] = field(default_factory=dict)


def write_result(callrequest_id: int | None, rows: ResultRows, answer: Answer) -> None:
    """Stores one section's answer now (no aggregate): upsert by (call attempt, section).

    Inbound calls have no call attempt; their row is remembered in `rows` and updated in place when the
    caller answers the same section again.
    """
    now = utc_now()
    columns: dict[str, object] = {
        "response": answer.response[:150],
        "record_file": answer.record_file[:200],
        "recording_duration": answer.recording_duration_s,
        "updated_date": now,
    }
    values = {getattr(Result, name): value for name, value in columns.items()}
    row_id = rows.ids.get(answer.section_id)
    if row_id is not None:
        Result.update(values).where(Result.id == row_id).execute()
        return
    insert = Result.insert(callrequest=callrequest_id, section=answer.section_id, created_date=now, **columns)
    if callrequest_id is None:
        rows.ids[answer.section_id] = int(insert.execute())
        return
    insert.on_conflict(conflict_target=[Result.callrequest, Result.section], update=values).execute()


def count_aggregates(survey_id: int, answers: list[Answer]) -> None:
    """Adds one to the aggregate counter of each final answer (call end)."""
    for answer in answers:
        key = aggregate_key(answer)
        if key:
            add_to_aggregate(survey_id, answer.section_id, key, 1)


def add_to_dnc(dnc_list_id: int, phone_number: str) -> None:
    DncContact.insert(dnc=dnc_list_id, phone_number=phone_number[:120]).on_conflict_ignore().execute()


def queue_sms(destination: str, text: str, *, campaign_id: int | None, callrequest_id: int | None) -> None:
    """An unsent SmsMessage row; a sender process delivers it through the campaign's SMS gateway."""
    campaign = Campaign.get_or_none(Campaign.id == campaign_id) if campaign_id else None
    SmsMessage.create(
        campaign=campaign_id,
        callrequest=callrequest_id,
        sms_gateway=campaign.sms_gateway_id if campaign is not None else None,
        sender=campaign.callerid if campaign is not None else "",
        destination=destination[:80],
        text=text,
        status="unsent",
    )


def mark_completed(*, callrequest_id: int | None, subscriber_id: int | None, campaign_id: int | None) -> None:
    """Spec §2.4: the attempt is completed, the subscriber COMPLETED, the campaign's counter + 1."""
    now = utc_now()
    if callrequest_id is not None:
        CallRequest.update(completed=True, updated_date=now).where(CallRequest.id == callrequest_id).execute()
    if subscriber_id is not None:
        Subscriber.update(status=SubscriberStatus.COMPLETED, updated_date=now).where(
            Subscriber.id == subscriber_id).execute()
    if campaign_id:
        Campaign.update(completed=Campaign.completed + 1, updated_date=now).where(
            Campaign.id == campaign_id).execute()
