"""Numeric codes stored in the database (Newfies-compatible values)."""

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
DISPOSITIONS = ("ANSWER", "BUSY", "NOANSWER", "CANCEL", "CONGESTION", "FAILED")
