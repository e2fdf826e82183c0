"""Attempt rows and outcomes in the database: transitions, retries, one CDR per attempt, reconcile helpers."""

from __future__ import annotations

import time
from pathlib import Path

import peewee

from ivrd.campaign import RetryPolicy
from ivrd.runtime.dialer_outcomes import AttemptRef, HangupFacts, record_outcome, refs_for
from ivrd.store import queries_attempts as attempts
from ivrd.store.constants import CallRequestStatus, SubscriberStatus
from ivrd.store.models import CallRecord, CallRequest, Subscriber, utc_now
from ivrd.store.queries_dialer import claim_due_subscribers
from ivrd.store.queries_dialer import import_phonebooks as import_contacts
from tests.integration.dialer import world

POLICY = RetryPolicy(maxretry=1, intervalretry_s=30)


def _attempt(campaign_id: int, subscriber: Subscriber, uuid: str, daemon_id: str = "d1") -> int:
    ids = attempts.create_attempts([{
        "user": 1, "aleg_uuid": uuid, "request_uuid": uuid, "phone_number": subscriber.duplicate_contact,
        "subscriber": subscriber.id, "campaign": campaign_id, "aleg_gateway": 1, "num_attempt": 1,
        "daemon_id": daemon_id}])
    return ids[uuid]


def _setup(tmp_path: Path, contacts: int = 3) -> tuple[int, list[Subscriber]]:
    built = world.build(tmp_path / "media", contacts=contacts, frequency=60)
    import_contacts(built.campaign_id)
    claimed = claim_due_subscribers(built.campaign_id, contacts, utc_now(), "d1")
    return built.campaign_id, claimed


def _ref(attempt_id: int, subscriber: Subscriber, uuid: str) -> AttemptRef:
    return AttemptRef(attempt_id=attempt_id, uuid=uuid, campaign_id=subscriber.campaign_id,
                      subscriber_id=subscriber.id, gateway_id=1, user_id=1,
                      phone_number=subscriber.duplicate_contact, callerid="5550000", policy=POLICY)


def test_a_busy_attempt_schedules_a_retry_once_and_writes_one_cdr(database: peewee.Database,
                                                                   tmp_path: Path) -> None:
    campaign_id, (subscriber, *_) = _setup(tmp_path)
    attempt_id = _attempt(campaign_id, subscriber, "u-1")
    assert attempts.mark_calling(attempt_id, subscriber.id, 1)
    assert not attempts.mark_calling(attempt_id, subscriber.id, 1)  # only from PENDING
    now_s = time.time()
    facts = HangupFacts(cause="USER_BUSY", q850=17)
    decision = record_outcome(_ref(attempt_id, subscriber, "u-1"), facts, now_s)
    assert decision is not None and decision.status == SubscriberStatus.PENDING
    assert record_outcome(_ref(attempt_id, subscriber, "u-1"), facts, now_s) is None  # already final
    row = CallRequest.get_by_id(attempt_id)
    assert (row.status, row.hangup_cause) == (CallRequestStatus.FAILURE, "USER_BUSY")
    again = Subscriber.get_by_id(subscriber.id)
    assert again.status == SubscriberStatus.PENDING and again.claimed_by is None
    assert abs(again.next_attempt_at.timestamp() - (now_s + 30)) < 1
    records = list(CallRecord.select())
    assert [(r.disposition, r.hangup_cause_q850, r.callid) for r in records] == [("BUSY", 17, "u-1")]


def test_an_answered_attempt_that_reached_a_completed_section_completes_the_subscriber(
        database: peewee.Database, tmp_path: Path) -> None:
    campaign_id, (subscriber, *_) = _setup(tmp_path)
    attempt_id = _attempt(campaign_id, subscriber, "u-2")
    attempts.mark_calling(attempt_id, subscriber.id, 1)
    assert attempts.mark_answered(attempt_id)
    CallRequest.update(completed=True).where(CallRequest.id == attempt_id).execute()
    decision = record_outcome(_ref(attempt_id, subscriber, "u-2"), HangupFacts(cause="NORMAL_CLEARING"),
                              time.time())
    assert decision is not None and decision.status == SubscriberStatus.COMPLETED
    assert CallRequest.get_by_id(attempt_id).status == CallRequestStatus.SUCCESS
    assert CallRecord.get().disposition == "ANSWER"


def test_reconcile_helpers_abandon_undialled_attempts_and_release_orphans(database: peewee.Database,
                                                                          tmp_path: Path) -> None:
    campaign_id, (first, second, third) = _setup(tmp_path)
    planned = _attempt(campaign_id, first, "u-3")
    calling = _attempt(campaign_id, second, "u-4")
    attempts.mark_calling(calling, second.id, 1)
    assert [row.id for row in attempts.open_attempts_of("d1")] == [planned, calling]
    assert attempts.abandon_attempts([planned, calling]) == 1  # only the one never dialled
    assert not CallRequest.select().where(CallRequest.id == planned).exists()
    assert Subscriber.get_by_id(first.id).status == SubscriberStatus.PENDING
    assert attempts.release_orphan_claims("d1") == 1  # the third was claimed without any attempt
    assert Subscriber.get_by_id(third.id).status == SubscriberStatus.PENDING
    assert Subscriber.get_by_id(second.id).status == SubscriberStatus.IN_PROCESS
    (ref,) = refs_for(attempts.open_attempts_of("d1"))
    assert (ref.attempt_id, ref.uuid, ref.policy.maxretry) == (calling, "u-4", 1)
