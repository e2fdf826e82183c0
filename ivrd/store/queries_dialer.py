"""Dial work: claiming due subscribers without double dialling, and incremental phonebook import."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import peewee

from ivrd.store.constants import CampaignStatus, ContactStatus, SubscriberStatus
from ivrd.store.db import database_proxy, is_postgres
from ivrd.store.locks import lock_campaign, write_transaction
from ivrd.store.models import Campaign, CampaignPhonebook, Contact, Subscriber, User, utc_now


def _due(campaign_id: int, now: dt.datetime) -> peewee.Expression:
    return (
        (Subscriber.campaign == campaign_id)
        & (Subscriber.status == SubscriberStatus.PENDING)
        & (Subscriber.next_attempt_at.is_null() | (Subscriber.next_attempt_at <= now))
    )


def _with_contacts(ids: list[int]) -> list[Subscriber]:
    if not ids:
        return []
    query = (
        Subscriber.select(Subscriber, Contact)
        .join(Contact, on=(Subscriber.contact == Contact.id))
        .where(Subscriber.id.in_(ids))
        .order_by(Subscriber.id)
    )
    return list(query)


def claim_due_subscribers(campaign_id: int, limit: int, now: dt.datetime, daemon_id: str) -> list[Subscriber]:
    """Marks up to `limit` due PENDING subscribers IN_PROCESS for `daemon_id` and returns them.

    Due = next_attempt_at null or <= now. Each subscriber is returned to exactly one caller, even
    with several daemons claiming at once: PostgreSQL skips rows locked by another claimer
    (FOR UPDATE SKIP LOCKED); SQLite takes its single write lock first (BEGIN IMMEDIATE).
    The returned subscribers carry their contact (`subscriber.contact`) already loaded.
    """
    if limit <= 0:
        return []
    marks = {
        Subscriber.status: SubscriberStatus.IN_PROCESS,
        Subscriber.claimed_by: daemon_id,
        Subscriber.claimed_at: now,
        Subscriber.updated_date: now,
    }
    with write_transaction():
        # Two statements on purpose: PostgreSQL may re-run an IN (... LIMIT n FOR UPDATE SKIP LOCKED)
        # subquery per row and then exceed n; selected-and-locked ids are exact.
        due = _due(campaign_id, now)
        candidates = Subscriber.select(Subscriber.id).where(due).order_by(Subscriber.id).limit(limit)
        if is_postgres(database_proxy):
            candidates = candidates.for_update(skip_locked=True)
        ids = [row.id for row in candidates]
        if ids:
            Subscriber.update(marks).where(Subscriber.id.in_(ids)).execute()
    return _with_contacts(sorted(ids))


def release_subscribers(
    subscriber_ids: list[int], next_attempt_at: dt.datetime | None = None
) -> int:
    """Puts claimed subscribers back to PENDING (optionally not before `next_attempt_at`)."""
    if not subscriber_ids:
        return 0
    updated: int = (
        Subscriber.update(
            status=SubscriberStatus.PENDING,
            claimed_by=None,
            claimed_at=None,
            next_attempt_at=next_attempt_at,
            updated_date=utc_now(),
        )
        .where(Subscriber.id.in_(subscriber_ids))
        .execute()
    )
    return updated


@dataclass(frozen=True)
class ImportProgress:
    """Outcome of one import_phonebooks call."""

    added: int  # subscribers created by this call
    more: bool  # call again: contacts remain to be examined
    capped: bool  # stopped at the user's max_subscribers_per_campaign


def _pending_phonebooks(campaign: Campaign) -> list[int]:
    attached = (
        CampaignPhonebook.select(CampaignPhonebook.phonebook)
        .where(CampaignPhonebook.campaign == campaign.id)
        .order_by(CampaignPhonebook.phonebook)
    )
    done = campaign.imported_phonebook_ids
    return [row.phonebook_id for row in attached if row.phonebook_id not in done]


def _window_bound(phonebook_id: int, after_id: int, size: int) -> int | None:
    """Id of the `size`-th contact after `after_id` in the phonebook, None if fewer remain."""
    row = (
        Contact.select(Contact.id)
        .where((Contact.phonebook == phonebook_id) & (Contact.id > after_id))
        .order_by(Contact.id)
        .offset(size - 1)
        .limit(1)
        .first()
    )
    return None if row is None else int(row.id)


def _subscribe_window(campaign_id: int, phonebook_id: int, after_id: int, bound: int | None) -> int:
    """Adds PENDING subscribers for the active contacts in (after_id, bound]; returns how many."""
    now = Subscriber.created_date.db_value(utc_now())
    active = Contact.status == ContactStatus.ACTIVE
    where = (Contact.phonebook == phonebook_id) & (Contact.id > after_id) & active
    if bound is not None:
        where &= Contact.id <= bound
    source = Contact.select(
        Contact.id,
        peewee.Value(campaign_id),
        Contact.contact,
        peewee.Value(int(SubscriberStatus.PENDING)),
        peewee.Value(0),
        peewee.Value(0),
        peewee.Value(""),
        peewee.Value(now),
        peewee.Value(now),
    ).where(where)
    fields = [
        Subscriber.contact,
        Subscriber.campaign,
        Subscriber.duplicate_contact,
        Subscriber.status,
        Subscriber.count_attempt,
        Subscriber.completion_count_attempt,
        Subscriber.collected_data,
        Subscriber.created_date,
        Subscriber.updated_date,
    ]
    insert = Subscriber.insert_from(source, fields).on_conflict_ignore()
    cursor = database_proxy.execute(insert)
    return max(int(cursor.rowcount), 0)


def _subscriber_count(campaign_id: int) -> int:
    return int(Subscriber.select().where(Subscriber.campaign == campaign_id).count())


def import_phonebooks(campaign: Campaign | int, max_contacts: int = 10_000) -> ImportProgress:
    """Examines at most `max_contacts` contacts of the campaign's phonebooks and subscribes the active ones.

    Phonebooks are taken in id order; a cursor on the campaign remembers where the current one
    stopped, and a finished phonebook joins `imported_phonebook`. Never exceeds the owner's
    max_subscribers_per_campaign (0 = unlimited). Safe to call repeatedly and concurrently.
    """
    campaign_id = campaign if isinstance(campaign, int) else campaign.id
    with write_transaction():
        campaign = lock_campaign(campaign_id)
        pending = _pending_phonebooks(campaign)
        if not pending:
            return ImportProgress(0, False, False)
        cap = int(User.select(User.max_subscribers_per_campaign).where(User.id == campaign.user_id).scalar())
        total = _subscriber_count(campaign.id)
        room = cap - total if cap > 0 else max_contacts
        if room <= 0:
            return ImportProgress(0, False, True)
        phonebook_id = pending[0]
        book, _, last = campaign.import_cursor.partition(":")
        after_id = int(last) if book == str(phonebook_id) and last.isdigit() else 0
        bound = _window_bound(phonebook_id, after_id, min(max_contacts, room))
        added = _subscribe_window(campaign.id, phonebook_id, after_id, bound)
        changes: dict[peewee.Field, Any] = {
            Campaign.totalcontact: total + added,
            Campaign.updated_date: utc_now(),
        }
        if bound is None:
            done = sorted(campaign.imported_phonebook_ids | {phonebook_id})
            changes[Campaign.imported_phonebook] = ",".join(str(i) for i in done)
            changes[Campaign.import_cursor] = ""
        else:
            changes[Campaign.import_cursor] = f"{phonebook_id}:{bound}"
        Campaign.update(changes).where(Campaign.id == campaign.id).execute()
    capped = cap > 0 and total + added >= cap
    more = not capped and (bound is not None or len(pending) > 1)
    return ImportProgress(added, more, capped)


def reopen_phonebook(phonebook_id: int) -> int:
    """After new contacts land in a phonebook, makes its campaigns import it again; returns how many."""
    reopened = 0
    campaigns = (
        Campaign.select()
        .join(CampaignPhonebook, on=(CampaignPhonebook.campaign == Campaign.id))
        .where(CampaignPhonebook.phonebook == phonebook_id)
    )
    for campaign in campaigns:
        ids = campaign.imported_phonebook_ids
        if phonebook_id in ids:
            remaining = ",".join(str(i) for i in sorted(ids - {phonebook_id}))
            Campaign.update(imported_phonebook=remaining).where(Campaign.id == campaign.id).execute()
            reopened += 1
    return reopened


def subscribe_contact(contact: Contact) -> int:
    """Subscribes a new active contact to the started campaigns that already imported its phonebook."""
    if contact.status != ContactStatus.ACTIVE:
        return 0
    added = 0
    campaigns = (
        Campaign.select()
        .join(CampaignPhonebook, on=(CampaignPhonebook.campaign == Campaign.id))
        .where(
            (CampaignPhonebook.phonebook == contact.phonebook_id) & (Campaign.status == CampaignStatus.START)
        )
    )
    for campaign in campaigns:
        if contact.phonebook_id not in campaign.imported_phonebook_ids:
            continue  # the running import will reach it
        cap = int(User.select(User.max_subscribers_per_campaign).where(User.id == campaign.user_id).scalar())
        if cap > 0 and _subscriber_count(campaign.id) >= cap:
            continue
        query = Subscriber.insert(
            contact=contact.id, campaign=campaign.id, duplicate_contact=contact.contact
        ).on_conflict_ignore()
        added += max(int(database_proxy.execute(query).rowcount), 0)
    return added
