"""User accounts (with per-user dialer limits), API tokens and uploaded audio files."""

from __future__ import annotations

import peewee

from ivrd.store.models_base import BaseModel


class User(BaseModel):
    username = peewee.CharField(max_length=150, unique=True)
    password_hash = peewee.CharField(max_length=256, default="")
    email = peewee.CharField(max_length=254, default="")
    first_name = peewee.CharField(max_length=150, default="")
    last_name = peewee.CharField(max_length=150, default="")
    is_superuser = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    # Per-user dialer limits (spec §3.5); 0 means unlimited where noted.
    max_frequency = peewee.IntegerField(default=100)  # calls per minute
    max_callmaxduration_s = peewee.IntegerField(default=1800)
    max_maxretry = peewee.IntegerField(default=3)
    max_calltimeout_s = peewee.IntegerField(default=45)
    max_campaigns = peewee.IntegerField(default=100)
    max_subscribers_per_campaign = peewee.IntegerField(default=100000)  # 0 = unlimited
    max_contacts = peewee.IntegerField(default=1000000)  # 0 = unlimited
    whitelist = peewee.TextField(default="")  # regex; "" or "*" = none
    blacklist = peewee.TextField(default="")  # regex; "" or "*" = none
    accountcode = peewee.CharField(max_length=50, default="")


class ApiToken(BaseModel):
    key = peewee.CharField(max_length=40, unique=True)
    user = peewee.ForeignKeyField(User, backref="api_tokens", on_delete="CASCADE")
    user_id: int


class AudioFile(BaseModel):
    user = peewee.ForeignKeyField(User, backref="audio_files", on_delete="CASCADE")
    user_id: int
    name = peewee.CharField(max_length=150)
    audio_file = peewee.CharField(max_length=300, default="")  # relative to the media root
    original_name = peewee.CharField(max_length=300, default="")
    duration_ms = peewee.IntegerField(default=0)
    sample_rate = peewee.IntegerField(default=8000)
