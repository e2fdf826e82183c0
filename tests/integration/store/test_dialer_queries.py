"""Claiming due subscribers (never twice, even concurrently) and incremental phonebook import."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import peewee

from ivrd.store.constants import SubscriberStatus
from ivrd.store.models import Campaign, Contact, Subscriber, User
from ivrd.store.queries_dialer import (
    claim_due_subscribers,
    import_phonebooks,
    release_subscribers,
    reopen_phonebook,
    subscribe_contact,
)

from . import builders

NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


def _campaign_with(user: User, count: int, **fields: object) -> Campaign:
    camp = builders.campaign(user, **fields)
    builders.attach(camp, builders.phonebook(user, [f"1555{i:06d}" for i in range(count)]))
    while import_phonebooks(camp.id).more:
        pass
    return camp


def test_claim_marks_in_process_and_respects_due_time(make_user: Callable[..., User]) -> None:
    camp = _campaign_with(make_user("u", "pw"), 5)
    later = Subscriber.select().order_by(Subscriber.id).first()
    in_5_min = NOW + dt.timedelta(minutes=5)
    Subscriber.update(next_attempt_at=in_5_min).where(Subscriber.id == later.id).execute()

    claimed = claim_due_subscribers(camp.id, 10, NOW, "fs1")

    assert [s.contact.contact for s in claimed] == [f"1555{i:06d}" for i in range(1, 5)]
    assert all(s.status == SubscriberStatus.IN_PROCESS and s.claimed_by == "fs1" for s in claimed)
    assert claim_due_subscribers(camp.id, 10, NOW, "fs1") == []
    retry = claim_due_subscribers(camp.id, 10, NOW + dt.timedelta(minutes=5), "fs2")
    assert [s.id for s in retry] == [later.id]


def test_released_subscribers_are_claimable_again(make_user: Callable[..., User]) -> None:
    camp = _campaign_with(make_user("u", "pw"), 3)
    claimed = claim_due_subscribers(camp.id, 2, NOW, "fs1")
    assert len(claimed) == 2
    assert release_subscribers([s.id for s in claimed], NOW + dt.timedelta(seconds=300)) == 2
    assert len(claim_due_subscribers(camp.id, 5, NOW, "fs1")) == 1
    assert len(claim_due_subscribers(camp.id, 5, NOW + dt.timedelta(seconds=300), "fs1")) == 2


def test_two_concurrent_claimers_never_share_a_subscriber(
    make_user: Callable[..., User], database: peewee.Database
) -> None:
    total = 300
    camp = _campaign_with(make_user("u", "pw"), total)
    start = threading.Barrier(2, timeout=30)

    def claimer(daemon_id: str) -> list[int]:
        got: list[int] = []
        try:
            start.wait()
            while batch := claim_due_subscribers(camp.id, 7, NOW, daemon_id):
                got.extend(s.id for s in batch)
        finally:
            database.close()
        return got

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(claimer, ["fs1", "fs2"])

    assert not set(first) & set(second)
    assert len(first) + len(second) == total
    owners = dict(Subscriber.select(Subscriber.id, Subscriber.claimed_by).tuples())
    assert all(owners[i] == "fs1" for i in first) and all(owners[i] == "fs2" for i in second)


def test_import_is_incremental_and_idempotent(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    camp = builders.campaign(user)
    numbers = [f"2{i:04d}" for i in range(25)]
    first = builders.phonebook(user, numbers, inactive=frozenset({"20003"}), name="a")
    second = builders.phonebook(user, [f"3{i:04d}" for i in range(7)], name="b")
    builders.attach(camp, first, second)

    steps = []
    while True:
        progress = import_phonebooks(camp.id, max_contacts=10)
        steps.append(progress.added)
        if not progress.more:
            break
    assert steps == [9, 10, 5, 7]  # 24 active in the first book (one inactive), the 7 of the second
    assert Subscriber.select().count() == 31
    refreshed = Campaign.get_by_id(camp.id)
    assert refreshed.imported_phonebook_ids == {first.id, second.id} and refreshed.totalcontact == 31
    assert import_phonebooks(camp.id, max_contacts=10).added == 0
    statuses = {s.status for s in Subscriber.select()}
    assert statuses == {SubscriberStatus.PENDING}
    assert {s.duplicate_contact for s in Subscriber.select()} >= {"20000", "30006"}


def test_import_respects_max_subscribers_per_campaign(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw", max_subscribers_per_campaign=12)
    camp = builders.campaign(user)
    builders.attach(camp, builders.phonebook(user, [f"4{i:04d}" for i in range(30)]))
    results = [import_phonebooks(camp.id, max_contacts=5) for _ in range(4)]
    assert [r.added for r in results] == [5, 5, 2, 0]
    assert results[2].capped and not results[2].more and results[3].capped
    assert Subscriber.select().count() == 12


def test_new_contacts_reach_started_campaigns(make_user: Callable[..., User]) -> None:
    user = make_user("u", "pw")
    camp = builders.campaign(user, status=1)
    book = builders.phonebook(user, ["1", "2"])
    builders.attach(camp, book)
    assert import_phonebooks(camp).added == 2
    contact = Contact.create(phonebook=book, contact="3")
    assert subscribe_contact(contact) == 1
    assert subscribe_contact(contact) == 0
    Contact.insert_many([{"phonebook": book.id, "contact": n} for n in ("4", "5")]).execute()
    assert reopen_phonebook(book.id) == 1
    assert import_phonebooks(camp.id).added == 2
    assert Subscriber.select().count() == 5


def test_concurrent_imports_neither_duplicate_nor_exceed_the_cap(
    make_user: Callable[..., User], database: peewee.Database
) -> None:
    user = make_user("u", "pw", max_subscribers_per_campaign=150)
    camp = builders.campaign(user)
    builders.attach(camp, builders.phonebook(user, [f"5{i:04d}" for i in range(200)]))
    start = threading.Barrier(2, timeout=30)

    def importer(_: int) -> int:
        added = 0
        try:
            start.wait()
            while True:
                progress = import_phonebooks(camp.id, max_contacts=9)
                added += progress.added
                if not progress.more:
                    return added
        finally:
            database.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        totals = list(pool.map(importer, [1, 2]))
    assert sum(totals) == 150 == Subscriber.select().count()
    assert Campaign.get_by_id(camp.id).totalcontact == 150
