"""Campaign and subscriber status codes (Newfies-compatible numbers, same values as the database)."""

from __future__ import annotations

from enum import IntEnum


class CampaignStatus(IntEnum):
    NEW = 0
    START = 1
    PAUSE = 2
    ABORT = 3
    END = 4


class SubscriberStatus(IntEnum):
    PENDING = 1
    PAUSE = 2
    ABORT = 3
    FAIL = 4
    SENT = 5
    IN_PROCESS = 6
    NOT_AUTHORIZED = 7
    COMPLETED = 8


FINAL_SUBSCRIBER_STATUSES = frozenset(
    {
        SubscriberStatus.FAIL,
        SubscriberStatus.SENT,
        SubscriberStatus.NOT_AUTHORIZED,
        SubscriberStatus.COMPLETED,
    }
)


def is_final(status: int) -> bool:
    """True when a subscriber with this status will never be dialled again."""
    return status in FINAL_SUBSCRIBER_STATUSES
