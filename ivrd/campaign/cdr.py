"""CDR disposition of a call from its hangup cause (Newfies mapping)."""

from __future__ import annotations

from enum import StrEnum

from ivrd.campaign.retry import cause_name


class Disposition(StrEnum):
    ANSWER = "ANSWER"
    BUSY = "BUSY"
    NOANSWER = "NOANSWER"
    CANCEL = "CANCEL"
    CONGESTION = "CONGESTION"
    FAILED = "FAILED"


_BY_CAUSE = {
    "NORMAL_CLEARING": Disposition.ANSWER,
    "ALLOTTED_TIMEOUT": Disposition.ANSWER,
    "USER_BUSY": Disposition.BUSY,
    "NO_ANSWER": Disposition.NOANSWER,
    "ORIGINATOR_CANCEL": Disposition.CANCEL,
    "NORMAL_CIRCUIT_CONGESTION": Disposition.CONGESTION,
}


def cdr_disposition(hangup_cause: str) -> Disposition:
    """Map the first word of the hangup cause; anything unlisted is FAILED."""
    return _BY_CAUSE.get(cause_name(hangup_cause), Disposition.FAILED)
