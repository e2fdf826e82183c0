"""Retry policy: from the outcome of one attempt to the subscriber's next status and retry time.

Counting: ``count_attempt`` is the number of calls placed (the dialer sets it to
``DialRequest.attempt_number`` when it originates); ``completion_count_attempt`` is the number of
completion retries granted. Failure retries used = ``count_attempt - 1 - completion_count_attempt``.

Decision table (a retry is only granted while its budget lasts; the subscriber then goes back to
PENDING with ``next_attempt_at_s`` and is dialled through the pacer again, inside the window and pace):

| outcome                                                  | retry budget (interval)    | final     |
|----------------------------------------------------------|----------------------------|-----------|
| a completed section was reached (*)                      | none                       | COMPLETED |
| fax answered, AMD on                                     | none                       | FAIL      |
| machine answered, AMD on, amd_behavior 2 (human only)    | maxretry (intervalretry)   | FAIL      |
| machine answered, AMD on, amd_behavior 3 (voicemail)     | none (message left)        | SENT      |
| answered, not completed (ALLOTTED_TIMEOUT included)      | completion_maxretry (...)  | SENT      |
| not answered, cause in NO_RETRY_CAUSES                   | none                       | FAIL      |
| not answered, any other cause                            | maxretry (intervalretry)   | FAIL      |

(*) Under amd_behavior 2 a machine first taken for a person may reach a completed section before
detection revises its verdict: the machine row wins, the message never reached a person.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ivrd.campaign.status import SubscriberStatus

AMD_HUMAN_ONLY = 2
AMD_VOICEMAIL_ONLY = 3

# Causes saying the number itself is wrong or the callee refused: calling again cannot help.
NO_RETRY_CAUSES = frozenset(
    {
        "UNALLOCATED_NUMBER",
        "NO_ROUTE_TRANSIT_NET",
        "NO_ROUTE_DESTINATION",
        "NUMBER_CHANGED",
        "REDIRECTION_TO_NEW_DESTINATION",
        "INVALID_NUMBER_FORMAT",
        "CALL_REJECTED",
        "UNWANTED",
        "INCOMPATIBLE_DESTINATION",
        "FACILITY_NOT_SUBSCRIBED",
        "OUTGOING_CALL_BARRED",
        "INCOMING_CALL_BARRED",
        "BEARERCAPABILITY_NOTAUTH",
        "BEARERCAPABILITY_NOTIMPL",
        "SERVICE_NOT_IMPLEMENTED",
        "EXCHANGE_ROUTING_ERROR",
    }
)

# Documented examples of retryable causes (every cause outside NO_RETRY_CAUSES is retryable).
RETRYABLE_CAUSE_EXAMPLES = (
    "NO_ANSWER",
    "USER_BUSY",
    "NO_USER_RESPONSE",
    "NORMAL_CIRCUIT_CONGESTION",
    "SWITCH_CONGESTION",
    "RECOVERY_ON_TIMER_EXPIRE",
    "NORMAL_TEMPORARY_FAILURE",
    "DESTINATION_OUT_OF_ORDER",
    "NETWORK_OUT_OF_ORDER",
    "SUBSCRIBER_ABSENT",
    "PROGRESS_TIMEOUT",
    "GATEWAY_DOWN",
    "ORIGINATOR_CANCEL",
    "NORMAL_CLEARING",
)


class RetryKind(Enum):
    NONE = "none"
    FAILURE = "failure"
    COMPLETION = "completion"


def cause_name(hangup_cause: str) -> str:
    """The first word of a hangup cause, upper-cased (``"-ERR USER_BUSY"`` style prefixes removed)."""
    words = hangup_cause.replace("-ERR", " ").split()
    return words[0].upper() if words else ""


def is_retryable_cause(hangup_cause: str) -> bool:
    return cause_name(hangup_cause) not in NO_RETRY_CAUSES


@dataclass(frozen=True)
class RetryPolicy:
    """The campaign's retry settings (pass the effective maxretry, already capped by the owner's limit)."""

    maxretry: int = 0
    intervalretry_s: float = 300
    completion_maxretry: int = 0
    completion_intervalretry_s: float = 900
    amd_enabled: bool = False  # the campaign's ``voicemail`` flag
    amd_behavior: int = 1

    def __post_init__(self) -> None:
        for name in ("maxretry", "intervalretry_s", "completion_maxretry", "completion_intervalretry_s"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name}: must not be negative, got {getattr(self, name)}")


@dataclass(frozen=True)
class AttemptOutcome:
    """How one A-leg attempt ended. ``answered`` means the callee answered (CHANNEL_ANSWER seen)."""

    hangup_cause: str
    answered: bool
    completed: bool = False  # a section marked completed was reached
    machine: bool = False  # AMD decided "machine" (an unsure decision counts as a person)
    fax: bool = False  # AMD heard a fax machine (``machine`` is then true too)


@dataclass(frozen=True)
class RetryDecision:
    status: SubscriberStatus  # PENDING when a retry is scheduled, else final
    retry: RetryKind
    next_attempt_at_s: float | None  # when the retry is due; None when no retry
    completion_count_attempt: int  # value to store on the subscriber


def failure_retries_used(count_attempt: int, completion_count_attempt: int) -> int:
    return max(0, count_attempt - 1 - completion_count_attempt)


def decide_retry(
    now_s: float,
    outcome: AttemptOutcome,
    policy: RetryPolicy,
    *,
    count_attempt: int,
    completion_count_attempt: int,
) -> RetryDecision:
    """Next step for the subscriber after an attempt that ended at ``now_s`` (POSIX seconds)."""
    machine = outcome.answered and outcome.machine and policy.amd_enabled
    if machine and outcome.fax:  # a fax line stays a fax line: calling again cannot help
        return RetryDecision(SubscriberStatus.FAIL, RetryKind.NONE, None, completion_count_attempt)
    human_only_machine = machine and policy.amd_behavior == AMD_HUMAN_ONLY
    if outcome.completed and not human_only_machine:
        return RetryDecision(SubscriberStatus.COMPLETED, RetryKind.NONE, None, completion_count_attempt)
    if machine and policy.amd_behavior == AMD_VOICEMAIL_ONLY:
        return RetryDecision(SubscriberStatus.SENT, RetryKind.NONE, None, completion_count_attempt)
    if outcome.answered and not human_only_machine:
        return _completion_step(now_s, policy, completion_count_attempt)
    retryable = (outcome.answered and machine) or is_retryable_cause(outcome.hangup_cause)
    used = failure_retries_used(count_attempt, completion_count_attempt)
    if retryable and used < policy.maxretry:
        due_s = now_s + policy.intervalretry_s
        return RetryDecision(SubscriberStatus.PENDING, RetryKind.FAILURE, due_s, completion_count_attempt)
    return RetryDecision(SubscriberStatus.FAIL, RetryKind.NONE, None, completion_count_attempt)


def _completion_step(now_s: float, policy: RetryPolicy, completion_count_attempt: int) -> RetryDecision:
    if completion_count_attempt < policy.completion_maxretry:
        due_s = now_s + policy.completion_intervalretry_s
        count = completion_count_attempt + 1
        return RetryDecision(SubscriberStatus.PENDING, RetryKind.COMPLETION, due_s, count)
    return RetryDecision(SubscriberStatus.SENT, RetryKind.NONE, None, completion_count_attempt)


def effective_maxretry(campaign_maxretry: int, user_maxretry: int | None = None) -> int:
    """The campaign's maxretry capped by the owner's dialer-settings limit (0 there = never retry)."""
    if user_maxretry is None:
        return max(0, campaign_maxretry)
    return max(0, min(campaign_maxretry, user_maxretry))


def max_attempts(policy: RetryPolicy) -> int:
    """Upper bound of calls one subscriber can receive under this policy."""
    return 1 + policy.maxretry + policy.completion_maxretry
