"""Gateways, SMS gateways, caller-id pools, phonebooks with contacts, and do-not-call lists."""

from __future__ import annotations

import peewee

from ivrd.store.models_base import BaseModel
from ivrd.store.models_users import User


class Gateway(BaseModel):
    name = peewee.CharField(max_length=100, unique=True)
    status = peewee.IntegerField(default=1)  # 1 active, 0 inactive
    description = peewee.TextField(default="")
    gateways = peewee.CharField(max_length=500, default="")  # dial string prefix, e.g. sofia/gateway/NAME/
    addprefix = peewee.CharField(max_length=60, default="")
    removeprefix = peewee.CharField(max_length=60, default="")
    gateway_codecs = peewee.CharField(max_length=500, default="")
    gateway_timeouts = peewee.CharField(max_length=500, default="")
    gateway_retries = peewee.CharField(max_length=500, default="")
    originate_dial_string = peewee.CharField(max_length=500, default="")  # extra variables a=b,c=d
    maximum_call = peewee.IntegerField(default=0)  # 0 = unlimited
    failover = peewee.ForeignKeyField("self", null=True, backref="+", on_delete="SET NULL")
    failover_id: int | None
    count_call = peewee.IntegerField(default=0)
    count_in_use = peewee.IntegerField(default=0)


class UserGateway(BaseModel):
    """Grants a gateway to a user."""

    user = peewee.ForeignKeyField(User, backref="user_gateways", on_delete="CASCADE")
    user_id: int
    gateway = peewee.ForeignKeyField(Gateway, backref="user_gateways", on_delete="CASCADE")
    gateway_id: int

    class Meta:
        indexes = ((("user", "gateway"), True),)


class SmsGateway(BaseModel):
    name = peewee.CharField(max_length=100)
    status = peewee.IntegerField(default=1)
    method = peewee.CharField(max_length=10, default="POST")  # GET or POST
    url_template = peewee.CharField(max_length=1000, default="")
    body_template = peewee.TextField(default="")
    headers = peewee.TextField(default="{}")  # JSON object
    user = peewee.ForeignKeyField(User, null=True, backref="sms_gateways", on_delete="CASCADE")
    user_id: int | None


class CallerIdGroup(BaseModel):
    user = peewee.ForeignKeyField(User, backref="callerid_groups", on_delete="CASCADE")
    user_id: int
    name = peewee.CharField(max_length=100)
    description = peewee.TextField(default="")


class CallerIdNumber(BaseModel):
    group = peewee.ForeignKeyField(CallerIdGroup, backref="numbers", on_delete="CASCADE")
    group_id: int
    number = peewee.CharField(max_length=80)
    name = peewee.CharField(max_length=80, default="")


class Phonebook(BaseModel):
    user = peewee.ForeignKeyField(User, backref="phonebooks", on_delete="CASCADE")
    user_id: int
    name = peewee.CharField(max_length=90)
    description = peewee.TextField(default="")


class Contact(BaseModel):
    phonebook = peewee.ForeignKeyField(Phonebook, backref="contacts", on_delete="CASCADE", index=False)
    phonebook_id: int
    contact = peewee.CharField(max_length=90)  # phone number
    status = peewee.IntegerField(default=1)  # 1 active, 0 inactive
    last_name = peewee.CharField(max_length=120, default="")
    first_name = peewee.CharField(max_length=120, default="")
    email = peewee.CharField(max_length=254, default="")
    address = peewee.CharField(max_length=250, default="")
    city = peewee.CharField(max_length=120, default="")
    state = peewee.CharField(max_length=120, default="")
    country = peewee.CharField(max_length=2, default="")
    unit_number = peewee.CharField(max_length=50, default="")
    additional_vars = peewee.TextField(default="{}")  # JSON object
    description = peewee.TextField(default="")
    timezone = peewee.CharField(max_length=64, null=True)  # IANA name

    class Meta:
        indexes = ((("phonebook", "contact"), False),)


class DncList(BaseModel):
    user = peewee.ForeignKeyField(User, backref="dnc_lists", on_delete="CASCADE")
    user_id: int
    name = peewee.CharField(max_length=50)
    description = peewee.TextField(default="")


class DncContact(BaseModel):
    dnc = peewee.ForeignKeyField(DncList, backref="contacts", on_delete="CASCADE", index=False)
    dnc_id: int
    phone_number = peewee.CharField(max_length=120, index=True)

    class Meta:
        indexes = ((("dnc", "phone_number"), True),)
