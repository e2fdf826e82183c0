"""Read-only views of what the daemon writes: subscribers, call requests (attempts) and call records."""

from __future__ import annotations

from typing import Any

from api.fields import Field
from api.resources.base import Family, owned_by
from api.resources.common import CREATED, ID, UPDATED, url_field
from ivrd.store.models import CallRecord, CallRequest, Campaign, Subscriber, User

READ_ONLY = ("GET",)


def _ro(name: str, kind: str = "str", **extra: Any) -> Field:
    return Field(name, kind, read_only=True, **extra)


class Subscribers(Family):
    name = "subscriber-list"
    model = Subscriber
    summary = "Campaign-contact rows with their dialing state (filled by the daemon)."
    collection_methods = READ_ONLY
    item_methods = READ_ONLY
    fields = (
        url_field("subscriber-list"),
        ID,
        Field("contact", "link", family="contact", read_only=True, filter=True),
        Field("campaign", "link", family="campaigns", read_only=True, filter=True),
        _ro("duplicate_contact", description="Phone number dialled."),
        _ro("last_attempt", "datetime"),
        _ro("count_attempt", "int"),
        _ro("completion_count_attempt", "int"),
        Field(
            "status",
            "int",
            read_only=True,
            filter=True,
            description="1 pending, 2 pause, 3 abort, 4 fail, 5 sent, 6 in process, 7 not authorized, "
            "8 completed.",
        ),
        _ro("disposition", "int"),
        _ro("next_attempt_at", "datetime"),
        CREATED,
        UPDATED,
    )

    def visible(self, user: User) -> Any:
        return owned_by(Subscriber.select().join(Campaign), Campaign.user, user)


class CallRequests(Family):
    name = "callrequest"
    model = CallRequest
    summary = "Call attempts (one row per originate, retries link to their parent)."
    collection_methods = READ_ONLY
    item_methods = READ_ONLY
    fields = (
        url_field("callrequest"),
        ID,
        _ro("request_uuid"),
        _ro("aleg_uuid"),
        _ro("call_time", "datetime"),
        _ro("call_type", "int", description="1 allow retry, 2 cannot retry, 3 retry done."),
        Field(
            "status",
            "int",
            read_only=True,
            filter=True,
            description="1 pending, 2 failure, 3 retry, 4 success, 5 abort, 6 pause, 7 calling, 8 answered.",
        ),
        _ro("callerid"),
        _ro("caller_name"),
        Field("phone_number", read_only=True, filter=True),
        _ro("timeout", "int", description="Ring time, seconds."),
        _ro("timelimit", "int", description="Maximum call duration, seconds."),
        Field("subscriber", "link", family="subscriber-list", read_only=True, filter=True),
        Field("campaign", "link", family="campaigns", read_only=True, filter=True),
        Field("aleg_gateway", "link", family="gateway", read_only=True),
        Field("survey", "link", family="sealed-survey", read_only=True),
        _ro("completed", "bool"),
        _ro("extra_data"),
        _ro("num_attempt", "int"),
        _ro("last_attempt_time", "datetime"),
        _ro("result"),
        _ro("hangup_cause"),
        Field("parent_callrequest", "link", family="callrequest", read_only=True),
        Field("user", "link", family="users", read_only=True),
        CREATED,
        UPDATED,
    )


class CallRecords(Family):
    name = "cdr"
    model = CallRecord
    summary = "Call detail records (one per ended leg)."
    collection_methods = READ_ONLY
    item_methods = READ_ONLY
    fields = (
        url_field("cdr"),
        ID,
        _ro("request_uuid"),
        Field("callrequest", "link", family="callrequest", read_only=True, filter=True),
        Field("used_gateway", "link", family="gateway", read_only=True),
        _ro("callid"),
        _ro("callerid"),
        Field("phone_number", read_only=True, filter=True),
        _ro("starting_date", "datetime"),
        _ro("duration", "int", description="Seconds."),
        _ro("billsec", "int", description="Answered seconds."),
        _ro("progresssec", "int"),
        _ro("answersec", "int"),
        _ro("waitsec", "int"),
        Field(
            "disposition",
            read_only=True,
            filter=True,
            description="ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION or FAILED.",
        ),
        _ro("hangup_cause"),
        _ro("hangup_cause_q850", "int"),
        _ro("leg_type", "int", description="1 A-leg, 2 B-leg."),
        _ro("amd_status", "int", description="1 person, 2 machine, 3 unsure."),
        _ro("amd_result"),
        _ro("amd_cause"),
        _ro("amd_decision_ms", "int"),
        _ro("amd_beep_ms", "int"),
        Field("user", "link", family="users", read_only=True),
        CREATED,
        UPDATED,
    )
