"""Every ivrd model in one namespace (`from ivrd.store.models import *`), in table-creation order."""

from __future__ import annotations

import peewee

from ivrd.store.models_base import BaseModel, UtcDateTimeField, random_code, utc_now
from ivrd.store.models_calls import (
    CallRecord,
    CallRequest,
    Result,
    ResultAggregate,
    SchemaVersion,
    SmsMessage,
)
from ivrd.store.models_campaign import Campaign, CampaignPhonebook, Subscriber
from ivrd.store.models_contacts import (
    CallerIdGroup,
    CallerIdNumber,
    Contact,
    DncContact,
    DncList,
    Gateway,
    Phonebook,
    SmsGateway,
    UserGateway,
)
from ivrd.store.models_survey import (
    SECTION_COPY_FIELDS,
    Branching,
    BranchingTemplate,
    Section,
    SectionTemplate,
    Survey,
    SurveyTemplate,
)
from ivrd.store.models_users import ApiToken, AudioFile, User

# Parents before children, so creation and TRUNCATE ... CASCADE work in this order.
ALL_MODELS: tuple[type[peewee.Model], ...] = (
    User,
    ApiToken,
    AudioFile,
    Gateway,
    UserGateway,
    SmsGateway,
    CallerIdGroup,
    CallerIdNumber,
    Phonebook,
    Contact,
    DncList,
    DncContact,
    SurveyTemplate,
    SectionTemplate,
    BranchingTemplate,
    Survey,
    Section,
    Branching,
    Campaign,
    CampaignPhonebook,
    Subscriber,
    CallRequest,
    CallRecord,
    Result,
    ResultAggregate,
    SmsMessage,
    SchemaVersion,
)

__all__ = [
    "ALL_MODELS",
    "SECTION_COPY_FIELDS",
    "ApiToken",
    "AudioFile",
    "BaseModel",
    "Branching",
    "BranchingTemplate",
    "CallRecord",
    "CallRequest",
    "CallerIdGroup",
    "CallerIdNumber",
    "Campaign",
    "CampaignPhonebook",
    "Contact",
    "DncContact",
    "DncList",
    "Gateway",
    "Phonebook",
    "Result",
    "ResultAggregate",
    "SchemaVersion",
    "Section",
    "SectionTemplate",
    "SmsGateway",
    "SmsMessage",
    "Subscriber",
    "Survey",
    "SurveyTemplate",
    "User",
    "UserGateway",
    "UtcDateTimeField",
    "random_code",
    "utc_now",
]
