"""Campaigns (spec §3.1 plus newer pacing fields), their phonebooks and subscribers (spec §4.2)."""

from __future__ import annotations

import datetime as dt

import peewee

from ivrd.store.models_base import BaseModel, UtcDateTimeField, random_code, utc_now
from ivrd.store.models_contacts import CallerIdGroup, Contact, DncList, Gateway, Phonebook, SmsGateway
from ivrd.store.models_survey import Survey, SurveyTemplate
from ivrd.store.models_users import AudioFile, User


def _tomorrow() -> dt.datetime:
    return utc_now() + dt.timedelta(days=1)


class Campaign(BaseModel):
    campaign_code = peewee.CharField(max_length=20, unique=True, default=random_code)
    name = peewee.CharField(max_length=100)
    description = peewee.TextField(null=True)
    user = peewee.ForeignKeyField(User, backref="campaigns", on_delete="CASCADE")
    user_id: int
    status = peewee.IntegerField(default=0)  # 0 NEW, 1 START, 2 PAUSE, 3 ABORT, 4 END
    callerid = peewee.CharField(max_length=80, default="")
    caller_name = peewee.CharField(max_length=80, default="")
    startingdate = UtcDateTimeField(default=utc_now)
    expirationdate = UtcDateTimeField(default=_tomorrow)
    stoppeddate = UtcDateTimeField(default=_tomorrow)
    daily_start_time = peewee.TimeField(default=dt.time(0, 0, 0))
    daily_stop_time = peewee.TimeField(default=dt.time(23, 59, 59))
    monday = peewee.BooleanField(default=True)
    tuesday = peewee.BooleanField(default=True)
    wednesday = peewee.BooleanField(default=True)
    thursday = peewee.BooleanField(default=True)
    friday = peewee.BooleanField(default=True)
    saturday = peewee.BooleanField(default=True)
    sunday = peewee.BooleanField(default=True)
    frequency = peewee.IntegerField(default=10)  # calls per minute
    callmaxduration = peewee.IntegerField(default=1800)  # seconds
    maxretry = peewee.IntegerField(default=0)
    intervalretry = peewee.IntegerField(default=300)  # seconds
    completion_maxretry = peewee.IntegerField(default=0)
    completion_intervalretry = peewee.IntegerField(default=900)  # seconds
    calltimeout = peewee.IntegerField(default=45)  # seconds
    aleg_gateway = peewee.ForeignKeyField(Gateway, backref="campaigns", on_delete="RESTRICT")
    aleg_gateway_id: int
    sms_gateway = peewee.ForeignKeyField(SmsGateway, null=True, backref="+", on_delete="SET NULL")
    sms_gateway_id: int | None
    survey_template = peewee.ForeignKeyField(
        SurveyTemplate, null=True, backref="campaigns", on_delete="SET NULL"
    )
    survey_template_id: int | None
    survey = peewee.ForeignKeyField(Survey, null=True, backref="+", on_delete="SET NULL")
    survey_id: int | None
    extra_data = peewee.CharField(max_length=120, default="")
    imported_phonebook = peewee.CharField(max_length=500, default="")  # comma-separated ids
    import_cursor = peewee.CharField(max_length=50, default="")  # "phonebook_id:last_contact_id" mid-import
    totalcontact = peewee.IntegerField(default=0)
    completed = peewee.IntegerField(default=0)
    has_been_started = peewee.BooleanField(default=False)
    has_been_duplicated = peewee.BooleanField(default=False)
    dnc = peewee.ForeignKeyField(DncList, null=True, backref="campaigns", on_delete="SET NULL")
    dnc_id: int | None
    voicemail = peewee.BooleanField(default=False)
    amd_behavior = peewee.IntegerField(null=True, default=1)
    voicemail_audiofile = peewee.ForeignKeyField(AudioFile, null=True, backref="+", on_delete="SET NULL")
    voicemail_audiofile_id: int | None
    agent_script = peewee.TextField(null=True)
    lead_disposition = peewee.TextField(null=True)
    external_link = peewee.TextField(null=True)  # JSON
    max_aleg = peewee.IntegerField(default=0)  # simultaneous A-legs, 0 = no campaign cap
    max_xfer = peewee.IntegerField(default=0)  # simultaneous transfers, 0 = no cap
    dial_method = peewee.IntegerField(default=1)
    agent_dial_rate = peewee.FloatField(default=1.0)
    callerid_group = peewee.ForeignKeyField(
        CallerIdGroup, null=True, backref="campaigns", on_delete="SET NULL"
    )
    callerid_group_id: int | None
    completion_enabled = peewee.BooleanField(default=False)
    timezone = peewee.CharField(max_length=64, default="UTC")
    next_call_at = peewee.DoubleField(null=True)  # epoch seconds of the next allowed originate
    callerid_cursor = peewee.IntegerField(default=0)

    @property
    def imported_phonebook_ids(self) -> set[int]:
        return {int(part) for part in str(self.imported_phonebook).split(",") if part.strip().isdigit()}


class CampaignPhonebook(BaseModel):
    campaign = peewee.ForeignKeyField(Campaign, backref="campaign_phonebooks", on_delete="CASCADE")
    campaign_id: int
    phonebook = peewee.ForeignKeyField(Phonebook, backref="campaign_phonebooks", on_delete="CASCADE")
    phonebook_id: int

    class Meta:
        indexes = ((("campaign", "phonebook"), True),)


class Subscriber(BaseModel):
    contact = peewee.ForeignKeyField(Contact, backref="subscribers", on_delete="CASCADE")
    contact_id: int
    campaign = peewee.ForeignKeyField(Campaign, backref="subscribers", on_delete="CASCADE", index=False)
    campaign_id: int
    last_attempt = UtcDateTimeField(null=True)
    count_attempt = peewee.IntegerField(default=0)
    completion_count_attempt = peewee.IntegerField(default=0)
    duplicate_contact = peewee.CharField(max_length=90, default="")  # copy of the phone number
    status = peewee.IntegerField(default=1)  # SubscriberStatus
    disposition = peewee.IntegerField(null=True)
    collected_data = peewee.TextField(default="")
    next_attempt_at = UtcDateTimeField(null=True)  # null = due now
    claimed_by = peewee.CharField(max_length=100, null=True)  # daemon id holding it IN_PROCESS
    claimed_at = UtcDateTimeField(null=True)

    class Meta:
        indexes = (
            (("contact", "campaign"), True),
            (("campaign", "status", "next_attempt_at"), False),
        )
