"""Call attempts, call detail records, survey results and aggregates, SMS queue, schema version."""

from __future__ import annotations

import uuid

import peewee

from ivrd.store.models_base import BaseModel, UtcDateTimeField, utc_now
from ivrd.store.models_campaign import Campaign, Subscriber
from ivrd.store.models_contacts import Gateway, SmsGateway
from ivrd.store.models_survey import Section, Survey
from ivrd.store.models_users import User


def _uuid1() -> str:
    return str(uuid.uuid1())


class CallRequest(BaseModel):
    """One call attempt; its state changes atomically so a restarted daemon can reconcile it."""

    user = peewee.ForeignKeyField(User, backref="callrequests", on_delete="CASCADE")
    user_id: int
    request_uuid = peewee.CharField(max_length=120, default=_uuid1, index=True)  # bgapi Job-UUID
    aleg_uuid = peewee.CharField(max_length=120, null=True, index=True)  # origination_uuid
    call_time = UtcDateTimeField(default=utc_now)
    call_type = peewee.IntegerField(default=1)  # CallRequestType
    status = peewee.IntegerField(default=1)  # CallRequestStatus
    callerid = peewee.CharField(max_length=80, default="")
    caller_name = peewee.CharField(max_length=80, default="")
    phone_number = peewee.CharField(max_length=80)
    timeout = peewee.IntegerField(default=30)  # seconds of ringing
    timelimit = peewee.IntegerField(default=3600)  # seconds of call
    extra_dial_string = peewee.CharField(max_length=500, default="")
    subscriber = peewee.ForeignKeyField(Subscriber, null=True, backref="callrequests", on_delete="CASCADE")
    subscriber_id: int | None
    campaign = peewee.ForeignKeyField(Campaign, null=True, backref="callrequests", on_delete="CASCADE")
    campaign_id: int | None
    aleg_gateway = peewee.ForeignKeyField(Gateway, null=True, backref="+", on_delete="SET NULL")
    aleg_gateway_id: int | None
    survey = peewee.ForeignKeyField(Survey, null=True, backref="+", on_delete="SET NULL")
    survey_id: int | None
    completed = peewee.BooleanField(default=False)
    extra_data = peewee.CharField(max_length=120, default="")
    num_attempt = peewee.IntegerField(default=0)
    last_attempt_time = UtcDateTimeField(null=True)
    result = peewee.CharField(max_length=250, default="")
    hangup_cause = peewee.CharField(max_length=80, default="")
    parent_callrequest = peewee.ForeignKeyField("self", null=True, backref="children", on_delete="SET NULL")
    parent_callrequest_id: int | None
    daemon_id = peewee.CharField(max_length=100, default="")

    class Meta:
        indexes = ((("status", "daemon_id"), False),)


class CallRecord(BaseModel):
    """Call detail record (spec §5.7)."""

    user = peewee.ForeignKeyField(User, backref="callrecords", on_delete="CASCADE")
    user_id: int
    request_uuid = peewee.CharField(max_length=120, default="", index=True)
    used_gateway = peewee.ForeignKeyField(Gateway, null=True, backref="+", on_delete="SET NULL")
    used_gateway_id: int | None
    callrequest = peewee.ForeignKeyField(CallRequest, null=True, backref="callrecords", on_delete="SET NULL")
    callrequest_id: int | None
    callid = peewee.CharField(max_length=120, default="")
    callerid = peewee.CharField(max_length=120, default="")
    phone_number = peewee.CharField(max_length=120, default="")
    dialcode = peewee.CharField(max_length=20, default="")
    starting_date = UtcDateTimeField(default=utc_now)
    duration = peewee.IntegerField(default=0)  # seconds
    billsec = peewee.IntegerField(default=0)
    progresssec = peewee.IntegerField(default=0)
    answersec = peewee.IntegerField(default=0)
    waitsec = peewee.IntegerField(default=0)
    disposition = peewee.CharField(max_length=20, default="FAILED")
    hangup_cause = peewee.CharField(max_length=80, default="")
    hangup_cause_q850 = peewee.IntegerField(null=True)
    leg_type = peewee.IntegerField(default=1)  # 1 A, 2 B
    amd_status = peewee.IntegerField(default=1)  # 1 PERSON, 2 MACHINE, 3 UNSURE
    amd_result = peewee.CharField(max_length=40, default="")
    amd_cause = peewee.CharField(max_length=80, default="")
    amd_decision_ms = peewee.IntegerField(null=True)
    amd_beep_ms = peewee.IntegerField(null=True)


class Result(BaseModel):
    callrequest = peewee.ForeignKeyField(CallRequest, null=True, backref="results", on_delete="CASCADE")
    callrequest_id: int | None
    section = peewee.ForeignKeyField(Section, backref="results", on_delete="CASCADE")
    section_id: int
    response = peewee.CharField(max_length=150, default="")
    record_file = peewee.CharField(max_length=200, default="")
    recording_duration = peewee.IntegerField(default=0)  # seconds

    class Meta:
        indexes = ((("callrequest", "section"), True),)


class ResultAggregate(BaseModel):
    survey = peewee.ForeignKeyField(Survey, backref="aggregates", on_delete="CASCADE")
    survey_id: int
    section = peewee.ForeignKeyField(Section, backref="aggregates", on_delete="CASCADE")
    section_id: int
    response = peewee.CharField(max_length=150, index=True)
    count = peewee.IntegerField(default=0)

    class Meta:
        indexes = ((("survey", "section", "response"), True),)


class SmsMessage(BaseModel):
    campaign = peewee.ForeignKeyField(Campaign, null=True, backref="sms_messages", on_delete="CASCADE")
    campaign_id: int | None
    callrequest = peewee.ForeignKeyField(CallRequest, null=True, backref="sms_messages", on_delete="SET NULL")
    callrequest_id: int | None
    sms_gateway = peewee.ForeignKeyField(SmsGateway, null=True, backref="messages", on_delete="SET NULL")
    sms_gateway_id: int | None
    sender = peewee.CharField(max_length=80, default="")
    destination = peewee.CharField(max_length=80)
    text = peewee.TextField(default="")
    status = peewee.CharField(max_length=20, default="unsent")  # unsent, sent, failed
    attempts = peewee.IntegerField(default=0)
    last_error = peewee.TextField(default="")
    sent_at = UtcDateTimeField(null=True)


class SchemaVersion(BaseModel):
    version = peewee.IntegerField(unique=True)
