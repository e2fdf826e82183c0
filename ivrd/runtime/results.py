"""A leg's database writes (DbWriter jobs) besides its results: DNC entries, queued SMS, completion."""

from __future__ import annotations

from ivrd.store.constants import SubscriberStatus
from ivrd.store.models import CallRequest, Campaign, DncContact, SmsMessage, Subscriber, utc_now
from ivrd.store.queries_results import Answer
from ivrd.survey import SaveResult


def answer_of(action: SaveResult) -> Answer:
    return Answer(action.section_id, action.response, action.record_file, action.recording_duration_s or 0,
                  action.aggregate)


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
