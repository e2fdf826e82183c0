"""Dialer call attempts: rows moving PENDING → CALLING → ANSWERED → final, CDRs, reconcile lists.

An attempt (CallRequest) is *open* while its status is PENDING (planned, originate not sent yet),
CALLING (originate sent) or ANSWERED. Every transition is one conditional UPDATE, so a late or
duplicated event never moves a row backwards and a final row is written once. The subscriber it
dials stays IN_PROCESS while the attempt is open (claimed_by = the daemon's id).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from ivrd.store.constants import CallRequestStatus, CampaignStatus, SubscriberStatus
from ivrd.store.db import database_proxy, is_postgres
from ivrd.store.models import (
    CallRecord,
    CallRequest,
    Campaign,
    CampaignPhonebook,
    DncContact,
    Gateway,
    Result,
    Subscriber,
    utc_now,
)

OPEN_STATUSES = (CallRequestStatus.PENDING, CallRequestStatus.CALLING, CallRequestStatus.ANSWERED)
_CHUNK = 500  # ids per IN (...) list


def _chunks(ids: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


GATEWAY_LOCK_SPACE = 0x1D1A  # first key of the dialer's PostgreSQL advisory locks


def serialize_gateway(gateway_id: int) -> None:
    """Holds the gateway's dialling lock until the transaction ends (PostgreSQL advisory lock).

    Planning transactions of every daemon take it first, so they run one at a time per gateway: each
    sees the pace and the calls the previous one committed. An advisory lock never waits for a row
    lock, so planning cannot deadlock with call writes that update the same campaign row. SQLite
    needs nothing: its transactions already run one at a time.
    """
    if is_postgres(database_proxy):
        database_proxy.execute_sql("SELECT pg_advisory_xact_lock(%s, %s)", (GATEWAY_LOCK_SPACE, gateway_id))


def load_gateway(gateway_id: int) -> Gateway | None:
    found: Gateway | None = Gateway.select().where(Gateway.id == gateway_id).first()
    return found


def load_campaign(campaign_id: int) -> Campaign | None:
    found: Campaign | None = Campaign.select().where(Campaign.id == campaign_id).first()
    return found


def campaigns_to_watch(extra_ids: Iterable[int] = ()) -> list[tuple[int, int]]:
    """(id, status) of every started campaign plus the given ones (those with calls of this daemon)."""
    where = Campaign.status == CampaignStatus.START
    extra = sorted(set(extra_ids))
    if extra:
        where |= Campaign.id.in_(extra)
    query = Campaign.select(Campaign.id, Campaign.status).where(where).order_by(Campaign.id)
    return [(int(row.id), int(row.status)) for row in query]


RECENT_ATTEMPTS = 20_000  # how far back (in attempt ids) the last planned start is looked for


def last_planned_start(campaign_id: int) -> dt.datetime | None:
    """The latest planned start (`call_time`) among the campaign's recent attempts, on every daemon.

    With the pacer's bucket rule this gives the shared `next_call_at` at full precision, whatever
    the precision of the campaign's `next_call_at` column."""
    newest = CallRequest.select(peewee.fn.MAX(CallRequest.id)).scalar()
    if newest is None:
        return None
    raw = (
        CallRequest.select(peewee.fn.MAX(CallRequest.call_time))
        .where((CallRequest.campaign == campaign_id) & (CallRequest.id > int(newest) - RECENT_ATTEMPTS))
        .scalar()
    )
    value: dt.datetime | None = CallRequest.call_time.python_value(raw) if raw is not None else None
    return value


def open_attempts_for_campaign(campaign_id: int) -> int:
    """Open attempts of a campaign on every daemon (its calls in progress, planned ones included)."""
    return int(
        CallRequest.select()
        .where((CallRequest.campaign == campaign_id) & CallRequest.status.in_(OPEN_STATUSES))
        .count()
    )


def open_attempts_for_gateway(gateway_id: int) -> int:
    """Open attempts through a gateway on every daemon."""
    return int(
        CallRequest.select()
        .where((CallRequest.aleg_gateway == gateway_id) & CallRequest.status.in_(OPEN_STATUSES))
        .count()
    )


def numbers_in_dnc(dnc_id: int | None, numbers: Sequence[str]) -> set[str]:
    """Which of `numbers` are on the do-not-call list (exact match)."""
    if dnc_id is None or not numbers:
        return set()
    found: set[str] = set()
    for part in _chunks(sorted(set(numbers))):
        rows = DncContact.select(DncContact.phone_number).where(
            (DncContact.dnc == dnc_id) & DncContact.phone_number.in_(list(part))
        )
        found.update(row.phone_number for row in rows)
    return found


def mark_not_authorized(subscriber_ids: Sequence[int]) -> None:
    now = utc_now()
    for part in _chunks(list(subscriber_ids)):
        Subscriber.update(
            status=SubscriberStatus.NOT_AUTHORIZED, claimed_by=None, claimed_at=None, updated_date=now
        ).where(Subscriber.id.in_(list(part))).execute()


def unclaim(subscriber_ids: Sequence[int]) -> None:
    """Claimed subscribers that will not be dialled now go back to PENDING (their due time kept)."""
    now = utc_now()
    for part in _chunks(list(subscriber_ids)):
        Subscriber.update(
            status=SubscriberStatus.PENDING, claimed_by=None, claimed_at=None, updated_date=now
        ).where(Subscriber.id.in_(list(part)) & (Subscriber.status == SubscriberStatus.IN_PROCESS)).execute()


def set_pace(campaign_id: int, next_call_at_s: float | None, callerid_cursor: int) -> None:
    Campaign.update(next_call_at=next_call_at_s, callerid_cursor=callerid_cursor).where(
        Campaign.id == campaign_id
    ).execute()


def create_attempts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    """Inserts PENDING attempts (each row names its `aleg_uuid`); returns attempt id by aleg_uuid."""
    if not rows:
        return {}
    now = utc_now()
    for part in _chunks(list(rows), 200):
        CallRequest.insert_many(
            [{"status": CallRequestStatus.PENDING, "call_time": now, "created_date": now,
              "updated_date": now, **row} for row in part]
        ).execute()
    ids: dict[str, int] = {}
    uuids = [str(row["aleg_uuid"]) for row in rows]
    for uuid_part in _chunks(uuids):
        query = CallRequest.select(CallRequest.id, CallRequest.aleg_uuid).where(
            CallRequest.aleg_uuid.in_(list(uuid_part))
        )
        ids.update({str(row.aleg_uuid): int(row.id) for row in query})
    return ids


def mark_calling(attempt_id: int, subscriber_id: int, attempt_number: int) -> bool:
    """PENDING → CALLING just before the originate is sent; the subscriber counts the attempt.
    False when the attempt is no longer PENDING (then nothing may be dialled)."""
    now = utc_now()
    moved = (
        CallRequest.update(status=CallRequestStatus.CALLING, last_attempt_time=now, updated_date=now)
        .where((CallRequest.id == attempt_id) & (CallRequest.status == CallRequestStatus.PENDING))
        .execute()
    )
    if not moved:
        return False
    Subscriber.update(count_attempt=attempt_number, last_attempt=now, updated_date=now).where(
        Subscriber.id == subscriber_id
    ).execute()
    return True


def mark_answered(attempt_id: int) -> bool:
    """CALLING (or PENDING) → ANSWERED when the callee answered."""
    moved = (
        CallRequest.update(status=CallRequestStatus.ANSWERED, updated_date=utc_now())
        .where((CallRequest.id == attempt_id)
               & CallRequest.status.in_((CallRequestStatus.PENDING, CallRequestStatus.CALLING)))
        .execute()
    )
    return bool(moved)


def abandon_attempts(attempt_ids: Sequence[int]) -> int:
    """Deletes PENDING attempts that were never dialled and puts their subscribers back to PENDING."""
    removed = 0
    for part in _chunks(list(attempt_ids)):
        rows = list(
            CallRequest.select(CallRequest.id, CallRequest.subscriber)
            .where(CallRequest.id.in_(list(part)) & (CallRequest.status == CallRequestStatus.PENDING))
        )
        if not rows:
            continue
        CallRequest.delete().where(CallRequest.id.in_([r.id for r in rows])).execute()
        unclaim([r.subscriber_id for r in rows if r.subscriber_id is not None])
        removed += len(rows)
    return removed


@dataclass(frozen=True)
class FinalAttempt:
    """The final state of one attempt; written once by `finish_attempt`."""

    status: int  # CallRequestStatus.SUCCESS or FAILURE
    hangup_cause: str
    call_type: int
    request_uuid: str = ""


def finish_attempt(attempt_id: int, final: FinalAttempt) -> bool:
    """Open → final. False when the attempt was already final (the caller then writes nothing else)."""
    changes: dict[peewee.Field, Any] = {
        CallRequest.status: final.status,
        CallRequest.hangup_cause: final.hangup_cause[:80],
        CallRequest.call_type: final.call_type,
        CallRequest.updated_date: utc_now(),
    }
    if final.request_uuid:
        changes[CallRequest.request_uuid] = final.request_uuid[:120]
    moved = (
        CallRequest.update(changes)
        .where((CallRequest.id == attempt_id) & CallRequest.status.in_(OPEN_STATUSES))
        .execute()
    )
    return bool(moved)


def attempt_facts(attempt_id: int) -> tuple[int, bool, bool] | None:
    """(status, completed, has results) of an attempt, or None when it does not exist."""
    row = CallRequest.select(CallRequest.status, CallRequest.completed).where(
        CallRequest.id == attempt_id).first()
    if row is None:
        return None
    has_results = Result.select().where(Result.callrequest == attempt_id).exists()
    return int(row.status), bool(row.completed), bool(has_results)


def settle_subscriber(subscriber_id: int, status: int, next_attempt_at: dt.datetime | None,
                      completion_count_attempt: int) -> None:
    """The subscriber's state after an attempt ended (PENDING with a due time when a retry follows)."""
    Subscriber.update(
        status=status,
        next_attempt_at=next_attempt_at,
        completion_count_attempt=completion_count_attempt,
        claimed_by=None,
        claimed_at=None,
        updated_date=utc_now(),
    ).where(Subscriber.id == subscriber_id).execute()


def insert_call_record(values: dict[str, Any]) -> int:
    """One CDR row (spec §5.7); `values` are CallRecord column values."""
    return int(CallRecord.insert(**values).execute())


def open_attempts_of(daemon_id: str) -> list[CallRequest]:
    """Open attempts placed by one daemon (what it reconciles after a restart or reconnect)."""
    return list(
        CallRequest.select()
        .where((CallRequest.daemon_id == daemon_id) & CallRequest.status.in_(OPEN_STATUSES))
        .order_by(CallRequest.id)
    )


def release_orphan_claims(daemon_id: str) -> int:
    """Subscribers left IN_PROCESS by this daemon without an open attempt go back to PENDING."""
    busy = CallRequest.select(CallRequest.subscriber).where(
        (CallRequest.daemon_id == daemon_id) & CallRequest.status.in_(OPEN_STATUSES)
        & CallRequest.subscriber.is_null(False)
    )
    released: int = (
        Subscriber.update(status=SubscriberStatus.PENDING, claimed_by=None, claimed_at=None,
                          updated_date=utc_now())
        .where((Subscriber.status == SubscriberStatus.IN_PROCESS) & (Subscriber.claimed_by == daemon_id)
               & Subscriber.id.not_in(busy))
        .execute()
    )
    return released


@dataclass(frozen=True)
class CampaignCounts:
    """What the end rule needs: subscribers in total and still open, open attempts, import done."""

    total_subscribers: int
    open_subscribers: int
    open_attempts: int
    phonebooks_imported: bool


def campaign_counts(campaign: Campaign) -> CampaignCounts:
    query = (
        Subscriber.select(Subscriber.status, peewee.fn.COUNT(Subscriber.id).alias("n"))
        .where(Subscriber.campaign == campaign.id)
        .group_by(Subscriber.status)
    )
    by_status = {int(row.status): int(getattr(row, "n")) for row in query}  # noqa: B009
    open_statuses = (SubscriberStatus.PENDING, SubscriberStatus.IN_PROCESS)
    open_subscribers = sum(by_status.get(status, 0) for status in open_statuses)
    attached = {
        int(row.phonebook_id)
        for row in CampaignPhonebook.select(CampaignPhonebook.phonebook).where(
            CampaignPhonebook.campaign == campaign.id)
    }
    imported = attached <= campaign.imported_phonebook_ids and not campaign.import_cursor
    return CampaignCounts(sum(by_status.values()), open_subscribers, open_attempts_for_campaign(campaign.id),
                          imported)


def end_campaign(campaign_id: int) -> bool:
    """START → END (once); False when the campaign is no longer started."""
    now = utc_now()
    moved = (
        Campaign.update(status=CampaignStatus.END, stoppeddate=now, updated_date=now)
        .where((Campaign.id == campaign_id) & (Campaign.status == CampaignStatus.START))
        .execute()
    )
    return bool(moved)
