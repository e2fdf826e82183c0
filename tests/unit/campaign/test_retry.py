"""Retry policy: statuses, budgets and intervals per outcome."""

from __future__ import annotations

import pytest

from ivrd.campaign.retry import (
    AttemptOutcome,
    RetryKind,
    RetryPolicy,
    cause_name,
    decide_retry,
    effective_maxretry,
    is_retryable_cause,
    max_attempts,
)
from ivrd.campaign.status import SubscriberStatus

NOW = 1_800_000_000.0
POLICY = RetryPolicy(maxretry=2, intervalretry_s=300, completion_maxretry=1, completion_intervalretry_s=900)


def decide(outcome, policy=POLICY, count=1, completion=0):
    return decide_retry(NOW, outcome, policy, count_attempt=count, completion_count_attempt=completion)


def test_completed_is_final():
    d = decide(AttemptOutcome("NORMAL_CLEARING", answered=True, completed=True))
    assert (d.status, d.retry, d.next_attempt_at_s) == (SubscriberStatus.COMPLETED, RetryKind.NONE, None)


@pytest.mark.parametrize(
    "cause", ["NO_ANSWER", "USER_BUSY", "NORMAL_CIRCUIT_CONGESTION", "RECOVERY_ON_TIMER_EXPIRE"]
)
def test_unanswered_retryable_goes_back_to_pending_after_the_interval(cause):
    d = decide(AttemptOutcome(cause, answered=False))
    assert (d.status, d.retry, d.next_attempt_at_s) == (
        SubscriberStatus.PENDING,
        RetryKind.FAILURE,
        NOW + 300,
    )
    assert d.completion_count_attempt == 0


@pytest.mark.parametrize(
    "cause", ["UNALLOCATED_NUMBER", "INVALID_NUMBER_FORMAT", "CALL_REJECTED", "NUMBER_CHANGED"]
)
def test_permanent_causes_fail_without_retry(cause):
    d = decide(AttemptOutcome(cause, answered=False))
    assert (d.status, d.retry, d.next_attempt_at_s) == (SubscriberStatus.FAIL, RetryKind.NONE, None)


def test_failure_budget_is_maxretry():
    outcome = AttemptOutcome("NO_ANSWER", answered=False)
    assert decide(outcome, count=2).status == SubscriberStatus.PENDING
    assert decide(outcome, count=3).status == SubscriberStatus.FAIL
    assert decide(outcome, policy=RetryPolicy(maxretry=0)).status == SubscriberStatus.FAIL


def test_completion_retries_do_not_consume_the_failure_budget():
    outcome = AttemptOutcome("NO_ANSWER", answered=False)
    # three calls placed, one of which was a completion retry: one failure retry used of two
    assert decide(outcome, count=3, completion=1).status == SubscriberStatus.PENDING
    assert decide(outcome, count=4, completion=1).status == SubscriberStatus.FAIL


def test_answered_not_completed_gets_a_completion_retry():
    d = decide(AttemptOutcome("NORMAL_CLEARING", answered=True))
    assert (d.status, d.retry, d.next_attempt_at_s) == (
        SubscriberStatus.PENDING,
        RetryKind.COMPLETION,
        NOW + 900,
    )
    assert d.completion_count_attempt == 1
    d = decide(AttemptOutcome("NORMAL_CLEARING", answered=True), count=2, completion=1)
    assert (d.status, d.retry, d.completion_count_attempt) == (SubscriberStatus.SENT, RetryKind.NONE, 1)


def test_allotted_timeout_on_an_answered_call_is_answered_not_failed():
    d = decide(AttemptOutcome("ALLOTTED_TIMEOUT", answered=True), policy=RetryPolicy(maxretry=3))
    assert (d.status, d.retry) == (SubscriberStatus.SENT, RetryKind.NONE)


def test_answered_call_ending_with_an_odd_cause_is_still_answered():
    d = decide(AttemptOutcome("MEDIA_TIMEOUT", answered=True), policy=RetryPolicy(maxretry=3))
    assert d.status == SubscriberStatus.SENT


def test_machine_under_human_only_is_a_failed_attempt():
    policy = RetryPolicy(maxretry=1, intervalretry_s=60, amd_enabled=True, amd_behavior=2)
    outcome = AttemptOutcome("NORMAL_CLEARING", answered=True, machine=True)
    d = decide(outcome, policy=policy)
    assert (d.status, d.retry, d.next_attempt_at_s) == (SubscriberStatus.PENDING, RetryKind.FAILURE, NOW + 60)
    assert decide(outcome, policy=policy, count=2).status == SubscriberStatus.FAIL


def test_a_machine_revised_after_a_completed_section_is_still_a_failed_attempt_under_human_only():
    outcome = AttemptOutcome("NORMAL_CLEARING", answered=True, completed=True, machine=True)
    human_only = RetryPolicy(maxretry=1, intervalretry_s=60, amd_enabled=True, amd_behavior=2)
    always = RetryPolicy(maxretry=1, amd_enabled=True, amd_behavior=1)
    assert decide(outcome, policy=human_only).retry == RetryKind.FAILURE
    assert decide(outcome, policy=always).status == SubscriberStatus.COMPLETED


@pytest.mark.parametrize("behavior", [1, 2, 3])
def test_a_fax_line_is_never_called_again(behavior):
    policy = RetryPolicy(maxretry=2, completion_maxretry=2, amd_enabled=True, amd_behavior=behavior)
    d = decide(AttemptOutcome("NORMAL_CLEARING", answered=True, machine=True, fax=True), policy=policy)
    assert (d.status, d.retry) == (SubscriberStatus.FAIL, RetryKind.NONE)


def test_machine_is_ignored_when_amd_is_off_or_always_play():
    outcome = AttemptOutcome("NORMAL_CLEARING", answered=True, machine=True)
    off = RetryPolicy(maxretry=1, amd_enabled=False, amd_behavior=2)
    always = RetryPolicy(maxretry=1, amd_enabled=True, amd_behavior=1)
    assert decide(outcome, policy=off).status == SubscriberStatus.SENT
    assert decide(outcome, policy=always).status == SubscriberStatus.SENT


def test_machine_under_voicemail_only_is_sent_without_retry():
    policy = RetryPolicy(maxretry=2, completion_maxretry=2, amd_enabled=True, amd_behavior=3)
    d = decide(AttemptOutcome("NORMAL_CLEARING", answered=True, machine=True), policy=policy)
    assert (d.status, d.retry) == (SubscriberStatus.SENT, RetryKind.NONE)


def test_cause_name_reads_the_first_word():
    assert cause_name("-ERR USER_BUSY\n") == "USER_BUSY"
    assert cause_name("normal_clearing extra") == "NORMAL_CLEARING"
    assert cause_name("") == ""
    assert not is_retryable_cause("-ERR UNALLOCATED_NUMBER")
    assert is_retryable_cause("SOME_FUTURE_CAUSE")


def test_max_attempts_and_validation():
    assert max_attempts(POLICY) == 4
    with pytest.raises(ValueError, match="maxretry"):
        RetryPolicy(maxretry=-1)


def test_effective_maxretry_is_capped_by_the_owner_limit():
    assert effective_maxretry(3) == 3
    assert effective_maxretry(3, 1) == 1
    assert effective_maxretry(3, 0) == 0
    assert effective_maxretry(-1, None) == 0
