"""Numeric codes stored in the database (Newfies-compatible values); the campaign and subscriber
statuses and the CDR dispositions are the campaign core's own."""

from __future__ import annotations

from enum import IntEnum

from ivrd.campaign.cdr import Disposition
from ivrd.campaign.status import CampaignStatus, SubscriberStatus


class CallRequestType(IntEnum):
    ALLOW_RETRY = 1
    CANNOT_RETRY = 2
    RETRY_DONE = 3


class CallRequestStatus(IntEnum):
    PENDING = 1
    FAILURE = 2
    RETRY = 3
    SUCCESS = 4
    ABORT = 5
    PAUSE = 6
    CALLING = 7
    ANSWERED = 8


class SectionType(IntEnum):
    PLAY_MESSAGE = 1
    MULTI_CHOICE = 2
    RATING = 3
    CAPTURE_DIGITS = 4
    RECORD_MESSAGE = 5
    CALL_TRANSFER = 6
    HANGUP = 7
    CONFERENCE = 8
    DNC = 9
    SMS = 10


class AmdBehavior(IntEnum):
    ALWAYS_PLAY = 1
    HUMAN_ONLY = 2
    VOICEMAIL_ONLY = 3


class LegType(IntEnum):
    A_LEG = 1
    B_LEG = 2


class AmdStatus(IntEnum):
    PERSON = 1
    MACHINE = 2
    UNSURE = 3


class ContactStatus(IntEnum):
    INACTIVE = 0
    ACTIVE = 1


class GatewayStatus(IntEnum):
    INACTIVE = 0
    ACTIVE = 1


# CDR dispositions (spec §5.7).
DISPOSITIONS = tuple(disposition.value for disposition in Disposition)

__all__ = [
    "DISPOSITIONS",
    "AmdBehavior",
    "AmdStatus",
    "CallRequestStatus",
    "CallRequestType",
    "CampaignStatus",
    "ContactStatus",
    "GatewayStatus",
    "LegType",
    "SectionType",
    "SubscriberStatus",
]
